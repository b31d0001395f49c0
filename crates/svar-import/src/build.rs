//! A form built from a spreadsheet, checked by `svar-forms` as `svar validate` checks a file,
//! with each problem placed back at the spreadsheet cell it came from.

use crate::{ImportError, Imported, Note, Place};
use serde_json::Map;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use svar_forms::diag::{Findings, Severity};
use svar_forms::form::check::{self, Context};
use svar_forms::form::raw::RawForm;

/// Where the parts of a built form came from: a JSON pointer (`/pages/0/items/3`) and the
/// spreadsheet place it was made from.
#[derive(Debug, Default)]
pub struct Origins(Vec<(String, Place)>);

impl Origins {
    /// Records that the value at `pointer` was made from `place`.
    pub fn add(&mut self, pointer: String, place: Place) {
        self.0.push((pointer, place));
    }

    /// The place of the value at `pointer`, or of the nearest part that holds it.
    fn place(&self, pointer: &str, fallback: &Place) -> Place {
        self.0
            .iter()
            .filter(|(p, _)| {
                pointer == p
                    || (pointer.starts_with(p.as_str()) && pointer[p.len()..].starts_with('/'))
            })
            .max_by_key(|(p, _)| p.len())
            .map_or_else(|| fallback.clone(), |(_, place)| place.clone())
    }
}

/// Checks `form` as a form file named `id.json` would be checked. Returns it as a form file's
/// text with its warnings (the import's, then the checks'), or refuses it with every error,
/// each at the spreadsheet place it came from.
pub fn checked(
    form: Value,
    origins: &Origins,
    whole: &Place,
    mut warnings: Vec<Note>,
) -> Result<Imported, ImportError> {
    let id = form["id"].as_str().unwrap_or_default().to_owned();
    let raw: RawForm = serde_json::from_value(form.clone()).map_err(|e| {
        ImportError::Refused(vec![Note {
            place: whole.clone(),
            message: format!("the form made from it is not a valid form: {e}"),
        }])
    })?;
    let mut findings = Findings::default();
    let places = svar_forms::library::asset_places(std::path::Path::new("forms/x.json"), None);
    let ctx = Context {
        assets: &places,
        file_stem: Some(&id),
    };
    let made = check::check(&raw, &ctx, &mut findings);
    let mut errors = Vec::new();
    for f in findings.into_vec() {
        let note = Note {
            place: origins.place(&f.pointer, whole),
            message: f.message,
        };
        match f.severity {
            Severity::Error => errors.push(note),
            Severity::Warning | Severity::Note => warnings.push(note),
        }
    }
    if made.is_none() || !errors.is_empty() {
        return Err(ImportError::Refused(errors));
    }
    let json = serde_json::to_string_pretty(&form)
        .map_err(|e| ImportError::Export(format!("cannot write the form as JSON: {e}")))?;
    Ok(Imported {
        id,
        json: json + "\n",
        warnings,
    })
}

/// A name usable as a Svar id: lower-case letters, digits and `_`, starting with a letter.
pub fn clean_id(name: &str) -> String {
    let mut id: String = name
        .trim()
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() { c } else { '_' }
        })
        .collect();
    if !id.starts_with(|c: char| c.is_ascii_lowercase()) {
        id.insert_str(0, "q_");
    }
    id
}

/// Choice codes as Svar values: the codes themselves when all are numbers, else 1, 2, 3, … in
/// their order (the second part says which: the import warns of it).
pub fn choice_values<'c>(
    codes: impl Iterator<Item = &'c str> + Clone,
) -> (HashMap<String, f64>, bool) {
    let numbers: Option<Vec<f64>> = codes
        .clone()
        .map(|c| c.trim().parse::<f64>().ok())
        .collect();
    match numbers {
        Some(ns) => (codes.map(str::to_owned).zip(ns).collect(), false),
        None => (
            codes
                .enumerate()
                .map(|(n, c)| (c.to_owned(), (n + 1) as f64))
                .collect(),
            true,
        ),
    }
}

/// A cell's text on one line, to quote in a message (one message is one line).
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A copy of `object` without `keys`: what an export carries in Svar's own column or
/// extension.
pub fn without(object: &Value, keys: &[&str]) -> Map<String, Value> {
    object
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(k, _)| !keys.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// Each score's name in a format with one namespace for questions and scores (XLSForm names,
/// FHIR linkIds): its id, unless a question has it (`now` → `now_score`).
pub fn score_names(form: &Value) -> HashMap<String, String> {
    let items: HashSet<&str> = form["pages"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["items"].as_array().into_iter().flatten())
        .filter_map(|i| i["id"].as_str())
        .collect();
    form["scores"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["id"].as_str())
        .map(|id| {
            let mut name = id.to_owned();
            while items.contains(name.as_str()) {
                name.push_str("_score");
            }
            (id.to_owned(), name)
        })
        .collect()
}

/// A label without HTML tags and entities, on one line (REDCap and some Questionnaires put
/// markup in their texts).
pub fn plain_text(label: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in label.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    one_line(
        &out.replace("&nbsp;", " ")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">"),
    )
}

/// The items of a score a spreadsheet or FHIR renderer can compute on its own: a `sum` or
/// `mean` of answers as they are (no reversed or recoded items), with its kind.
pub fn plain_score(score: &Value) -> Option<(&str, Vec<&str>)> {
    let kind = score["kind"]
        .as_str()
        .filter(|k| matches!(*k, "sum" | "mean"))?;
    if score.get("reverse").is_some() || score.get("recode").is_some() {
        return None;
    }
    let items: Vec<&str> = score["items"]
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    (!items.is_empty()).then_some((kind, items))
}
