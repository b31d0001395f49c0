//! Interface text in four languages, from the Fluent files in `locales/`.
//!
//! The files are compiled into the binary so the kiosk runs from anywhere; a test checks that
//! every locale has every message and that every placeable resolves.

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use svar_forms::text::Lang;

/// The Fluent source of each locale, as shipped in `locales/<lang>/svar.ftl`.
pub const SOURCES: [(Lang, &str); 4] = [
    (Lang::Nb, include_str!("../../../locales/nb/svar.ftl")),
    (Lang::Nn, include_str!("../../../locales/nn/svar.ftl")),
    (Lang::Da, include_str!("../../../locales/da/svar.ftl")),
    (Lang::En, include_str!("../../../locales/en/svar.ftl")),
];

/// A locale file that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("locales/{lang}/svar.ftl does not parse: {problems}")]
pub struct I18nError {
    /// The locale.
    pub lang: Lang,
    /// What the parser said.
    pub problems: String,
}

/// The interface text of all four languages.
pub struct Strings {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
}

impl std::fmt::Debug for Strings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Strings")
    }
}

impl Strings {
    /// Loads the compiled-in locales.
    pub fn load() -> Result<Strings, I18nError> {
        let mut bundles = Vec::new();
        for (lang, source) in SOURCES {
            let resource =
                FluentResource::try_new(source.to_owned()).map_err(|(_, errors)| I18nError {
                    lang,
                    problems: joined(&errors),
                })?;
            let langid = lang.code().parse().map_err(|_| I18nError {
                lang,
                problems: "bad language tag".into(),
            })?;
            let mut bundle = FluentBundle::new(vec![langid]);
            // Isolation marks around placeables render as boxes in the kiosk's fonts.
            bundle.set_use_isolating(false);
            bundle.add_resource(resource).map_err(|errors| I18nError {
                lang,
                problems: joined(&errors),
            })?;
            bundles.push((lang, bundle));
        }
        Ok(Strings { bundles })
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        self.bundles
            .iter()
            .find(|(l, _)| *l == lang)
            .map(|(_, b)| b)
            .unwrap_or(&self.bundles[0].1)
    }

    /// A message without arguments.
    pub fn get(&self, lang: Lang, id: &str) -> String {
        self.format(lang, id, &[]).0
    }

    /// A message with arguments; numbers select plural forms.
    pub fn args(&self, lang: Lang, id: &str, args: &[(&str, Arg)]) -> String {
        self.format(lang, id, args).0
    }

    /// Formats a message, returning the text and any problems (a missing message or an
    /// unresolved placeable); the text then holds the id so the gap is visible, not blank.
    pub fn format(&self, lang: Lang, id: &str, args: &[(&str, Arg)]) -> (String, Vec<String>) {
        let bundle = self.bundle(lang);
        let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
            return (
                format!("[{id}]"),
                vec![format!("{lang}: no message `{id}`")],
            );
        };
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Num(n) => fluent_args.set(*name, FluentValue::from(*n)),
                Arg::Text(t) => fluent_args.set(*name, FluentValue::from(t.clone())),
            }
        }
        let mut errors = Vec::new();
        let text = bundle
            .format_pattern(pattern, Some(&fluent_args), &mut errors)
            .into_owned();
        (
            text,
            errors
                .iter()
                .map(|e| format!("{lang}: `{id}`: {e}"))
                .collect(),
        )
    }

    /// Message ids of a locale.
    pub fn ids(lang: Lang) -> Vec<String> {
        let source = SOURCES
            .iter()
            .find(|(l, _)| *l == lang)
            .map_or("", |(_, s)| s);
        match fluent_syntax::parser::parse(source) {
            Ok(resource) | Err((resource, _)) => resource
                .body
                .iter()
                .filter_map(|entry| match entry {
                    fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                    _ => None,
                })
                .collect(),
        }
    }
}

/// Problems as one line, for an error message.
fn joined(errors: &[impl std::fmt::Display]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// An argument to a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    /// A number (selects plural forms).
    Num(f64),
    /// Text, already formatted.
    Text(String),
}

/// Formats a number the local way: a decimal comma in nb, nn and da.
pub fn number(lang: Lang, value: f64, decimals: usize) -> String {
    let text = format!("{value:.decimals$}");
    match lang {
        Lang::En => text,
        _ => text.replace('.', ","),
    }
}

/// Formats a date the local way: `31.05.2024` in nb/nn, `31.05.2024` in da, `31 May 2024` in en.
pub fn date(strings: &Strings, lang: Lang, d: svar_forms::answer::Date) -> String {
    match lang {
        Lang::En => format!(
            "{} {} {}",
            d.day,
            strings.get(lang, &format!("month-{}", d.month)),
            d.year
        ),
        _ => format!("{:02}.{:02}.{}", d.day, d.month, d.year),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_comma_in_nordic_languages() {
        assert_eq!(number(Lang::Nb, 1.85, 2), "1,85");
        assert_eq!(number(Lang::Da, 37.5, 1), "37,5");
        assert_eq!(number(Lang::En, 37.5, 1), "37.5");
        assert_eq!(number(Lang::Nn, 3.0, 0), "3");
    }
}
