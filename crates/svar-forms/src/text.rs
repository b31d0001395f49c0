//! Languages and texts given per language.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A language a form can provide.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Norwegian bokmål.
    Nb,
    /// Norwegian nynorsk.
    Nn,
    /// Danish.
    Da,
    /// English.
    En,
}

impl Lang {
    /// All languages, in the order the kiosk offers them.
    pub const ALL: [Lang; 4] = [Lang::Nb, Lang::Nn, Lang::Da, Lang::En];

    /// The language code used in files (`nb`, `nn`, `da`, `en`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::Nn => "nn",
            Lang::Da => "da",
            Lang::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A text given per language, as written in a form file.
pub type RawText = BTreeMap<Lang, String>;

/// A checked text: present in every language its form declares.
#[derive(Debug, Clone, PartialEq)]
pub struct Text(BTreeMap<Lang, String>);

impl Text {
    /// Wraps a checked map of translations.
    pub(crate) fn new(map: BTreeMap<Lang, String>) -> Self {
        Text(map)
    }

    /// The text in `lang`, or in the first language it has when `lang` is missing.
    pub fn get(&self, lang: Lang) -> &str {
        self.0
            .get(&lang)
            .or_else(|| self.0.values().next())
            .map(String::as_str)
            .unwrap_or("")
    }
}
