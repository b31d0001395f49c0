//! A Svar form as an XLSForm workbook: `survey`, `choices` and `settings` sheets in XLSForm's
//! own columns (so ODK and KoBo tools read it), one `label::xx` and `hint::xx` column per
//! language, and Svar's own `svar` column holding, as JSON, what XLSForm has no column for
//! (scores' bands and missing-data rules, flags, anchors, body-map regions, …). Importing the
//! workbook gives the same form back; see `docs/spreadsheets.md`.

use super::expr::{number_text, relevant};
use super::{CHOICES, SETTINGS, SURVEY, SVAR};
use crate::ImportError;
use crate::build::without;
use serde_json::{Map, Value, json};
use std::collections::HashSet;
use std::path::Path;

/// Yes and no, as the kiosk says them, for the `yes_no` choice list.
const YES_NO: &[(&str, &str, &str)] = &[
    ("nb", "Ja", "Nei"),
    ("nn", "Ja", "Nei"),
    ("da", "Ja", "Nej"),
    ("en", "Yes", "No"),
];

/// The fields of an item that XLSForm's own columns carry.
const ITEM_NATIVE: &[&str] = &[
    "id", "type", "text", "help", "required", "show_if", "options",
];

/// Writes `form` (a form file's JSON) as an XLSForm workbook at `out`.
pub fn write(form: &Value, out: &Path) -> Result<(), ImportError> {
    let langs: Vec<String> = form["languages"]
        .as_array()
        .map(|l| {
            l.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut survey = Rows::new(
        [
            vec!["type".to_owned(), "name".to_owned()],
            langs.iter().map(|l| format!("label::{l}")).collect(),
            langs.iter().map(|l| format!("hint::{l}")).collect(),
            [
                "required",
                "relevant",
                "constraint",
                "calculation",
                "appearance",
                "parameters",
                SVAR,
            ]
            .map(str::to_owned)
            .to_vec(),
        ]
        .concat(),
    );
    let mut choices = Rows::new(
        [
            vec!["list_name".to_owned(), "name".to_owned()],
            langs.iter().map(|l| format!("label::{l}")).collect(),
            vec![SVAR.to_owned()],
        ]
        .concat(),
    );
    let empty = Map::new();
    let scales = form["scales"].as_object().unwrap_or(&empty);
    for (name, scale) in scales {
        choice_rows(&mut choices, name, &scale["options"], &langs);
    }
    let mut names = HashSet::new();
    let mut yes_no_written = false;
    // Which items are selects, whose values conditions quote.
    let selects: HashSet<String> = items(form)
        .filter(|i| {
            matches!(
                i["type"].as_str(),
                Some("single_choice" | "multiple_choice" | "yes_no")
            )
        })
        .filter_map(|i| i["id"].as_str().map(str::to_owned))
        .collect();
    let quoted = |id: &str| selects.contains(id);
    // XLSForm has one namespace: a score sharing a question's id gets another name, and its
    // `svar` column keeps the id.
    let score_names = crate::build::score_names(form);
    let score_name = |id: &str| {
        score_names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_owned())
    };
    for page in form["pages"].as_array().into_iter().flatten() {
        let mut row = survey.row();
        row.set("type", "begin_group");
        row.set("name", page["id"].as_str().unwrap_or_default());
        texts(&mut row, "label", &page["title"], &langs);
        row.set(
            "appearance",
            match page["display"].as_str() {
                Some("grid") => "table-list",
                Some("together") => "field-list",
                _ => "",
            },
        );
        if let Some(c) = page.get("show_if") {
            row.set(
                "relevant",
                &relevant(c, &quoted, &score_name).ok_or_else(|| unwritable(page))?,
            );
        }
        let extra = without(page, &["id", "title", "display", "show_if", "items"]);
        row.set_json(SVAR, &extra);
        survey.push(row);
        for item in page["items"].as_array().into_iter().flatten() {
            let id = item["id"].as_str().unwrap_or_default();
            if !names.insert(id.to_owned()) {
                return Err(ImportError::Export(format!(
                    "the name `{id}` is used twice; XLSForm names must be unique"
                )));
            }
            let mut row = survey.row();
            row.set("name", id);
            texts(&mut row, "label", &item["text"], &langs);
            texts(&mut row, "hint", &item["help"], &langs);
            if let Some(r) = item["required"].as_bool() {
                row.set("required", if r { "yes" } else { "no" });
            }
            if let Some(c) = item.get("show_if") {
                row.set(
                    "relevant",
                    &relevant(c, &quoted, &score_name).ok_or_else(|| unwritable(item))?,
                );
            }
            let mut extra = without(item, ITEM_NATIVE);
            let kind = item["type"].as_str().unwrap_or_default();
            let list = item["scale"]
                .as_str()
                .map_or_else(|| id.to_owned(), str::to_owned);
            if item.get("options").is_some() {
                choice_rows(&mut choices, id, &item["options"], &langs);
            }
            let native = match kind {
                "single_choice" => format!("select_one {list}"),
                "multiple_choice" => format!("select_multiple {list}"),
                "yes_no" => {
                    if !yes_no_written {
                        yes_no_rows(&mut choices, &langs);
                        yes_no_written = true;
                    }
                    extra.insert("type".into(), json!("yes_no"));
                    "select_one yes_no".to_owned()
                }
                "rating" | "slider" => {
                    extra.insert("type".into(), json!(kind));
                    let step = if kind == "rating" { "1" } else { "0.1" };
                    row.set(
                        "parameters",
                        &format!(
                            "start={} end={} step={step}",
                            num(&item["min"]),
                            num(&item["max"])
                        ),
                    );
                    "range".to_owned()
                }
                "number" => {
                    row.set(
                        "constraint",
                        &format!(". >= {} and . <= {}", num(&item["min"]), num(&item["max"])),
                    );
                    if item["decimals"].as_u64().unwrap_or(0) > 0 {
                        "decimal"
                    } else {
                        "integer"
                    }
                    .to_owned()
                }
                "text" => "text".to_owned(),
                "date" => "date".to_owned(),
                "info" => "note".to_owned(),
                "signature" => {
                    row.set("appearance", "signature");
                    "image".to_owned()
                }
                "body_map" => {
                    extra.insert("type".into(), json!("body_map"));
                    "select_multiple ".to_owned() + id
                }
                other => {
                    return Err(ImportError::Export(format!(
                        "the item `{id}` has the type `{other}`, which has no XLSForm equivalent"
                    )));
                }
            };
            if kind == "body_map" {
                // The regions as a choice list too, for tools that read only XLSForm.
                let regions: Vec<Value> = item["regions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|r| json!({"value": r["id"], "label": r["label"]}))
                    .collect();
                choice_rows(&mut choices, id, &Value::Array(regions), &langs);
            }
            row.set("type", &native);
            row.set_json(SVAR, &extra);
            survey.push(row);
        }
        let mut end = survey.row();
        end.set("type", "end_group");
        survey.push(end);
    }
    for score in form["scores"].as_array().into_iter().flatten() {
        let id = score["id"].as_str().unwrap_or_default();
        let mut row = survey.row();
        row.set("type", "calculate");
        row.set("name", &score_names[id]);
        texts(&mut row, "label", &score["label"], &langs);
        row.set("calculation", &calculation(score));
        let mut extra = without(score, &["id", "label"]);
        if score_names[id] != id {
            extra.insert("id".into(), json!(id));
        }
        row.set_json(SVAR, &extra);
        survey.push(row);
    }
    let mut settings = Rows::new(
        ["form_id", "form_title", "version", "default_language", SVAR]
            .map(str::to_owned)
            .to_vec(),
    );
    let mut row = settings.row();
    row.set("form_id", form["id"].as_str().unwrap_or_default());
    let first = langs.first().map_or("nb", String::as_str);
    row.set(
        "form_title",
        form["title"][first].as_str().unwrap_or_default(),
    );
    row.set("version", form["version"].as_str().unwrap_or_default());
    row.set("default_language", first);
    row.set_json(
        SVAR,
        &without(
            form,
            &["$schema", "id", "version", "scales", "pages", "scores"],
        ),
    );
    settings.push(row);
    let tables: Vec<(&str, Vec<Vec<String>>)> =
        [(SURVEY, survey), (CHOICES, choices), (SETTINGS, settings)]
            .into_iter()
            .map(|(name, rows)| (name, [vec![rows.header], rows.rows].concat()))
            .collect();
    let sheets: Vec<(&str, &[Vec<String>])> =
        tables.iter().map(|(n, rows)| (*n, &rows[..])).collect();
    crate::sheet::write_book(out, &sheets)
}

fn unwritable(owner: &Value) -> ImportError {
    ImportError::Export(format!(
        "the condition of `{}` cannot be written as an XLSForm expression",
        owner["id"].as_str().unwrap_or_default()
    ))
}

/// The items of every page.
fn items(form: &Value) -> impl Iterator<Item = &Value> {
    form["pages"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["items"].as_array().into_iter().flatten())
}

fn num(value: &Value) -> String {
    value.as_f64().map_or_else(
        || value.as_str().unwrap_or_default().to_owned(),
        number_text,
    )
}

/// A score's own XLSForm calculation, for tools that read only XLSForm: sums and means of
/// questions; other kinds are computed by Svar alone (their `svar` column says how).
fn calculation(score: &Value) -> String {
    let Some((kind, items)) = crate::build::plain_score(score) else {
        return String::new();
    };
    let sum = items
        .iter()
        .map(|i| format!("${{{i}}}"))
        .collect::<Vec<_>>()
        .join(" + ");
    match kind {
        "mean" => format!("({sum}) div {}", items.len()),
        _ => sum,
    }
}

fn texts(row: &mut Row, column: &str, text: &Value, langs: &[String]) {
    for lang in langs {
        if let Some(t) = text[lang].as_str() {
            row.set(&format!("{column}::{lang}"), t);
        }
    }
}

fn choice_rows(choices: &mut Rows, list: &str, options: &Value, langs: &[String]) {
    for option in options.as_array().into_iter().flatten() {
        let mut row = choices.row();
        row.set("list_name", list);
        let name = option["value"].as_f64().map_or_else(
            || option["value"].as_str().unwrap_or_default().to_owned(),
            number_text,
        );
        row.set("name", &name);
        texts(&mut row, "label", &option["label"], langs);
        row.set_json(SVAR, &without(option, &["value", "label"]));
        choices.push(row);
    }
}

fn yes_no_rows(choices: &mut Rows, langs: &[String]) {
    for (value, pick) in [("1", 1usize), ("0", 2)] {
        let mut row = choices.row();
        row.set("list_name", "yes_no");
        row.set("name", value);
        for &(lang, yes, no) in YES_NO {
            if langs.iter().any(|l| l == lang) {
                row.set(&format!("label::{lang}"), if pick == 1 { yes } else { no });
            }
        }
        choices.push(row);
    }
}

/// A sheet being written: its header and rows.
struct Rows {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// One row being filled by column name.
struct Row {
    header: Vec<String>,
    cells: Vec<String>,
}

impl Row {
    fn set(&mut self, column: &str, value: &str) {
        if let Some(at) = self.header.iter().position(|h| h == column) {
            self.cells[at] = value.to_owned();
        }
    }

    fn set_json(&mut self, column: &str, value: &Map<String, Value>) {
        if !value.is_empty() {
            self.set(column, &Value::Object(value.clone()).to_string());
        }
    }
}

impl Rows {
    fn new(header: Vec<String>) -> Rows {
        Rows {
            header,
            rows: Vec::new(),
        }
    }

    fn row(&self) -> Row {
        Row {
            header: self.header.clone(),
            cells: vec![String::new(); self.header.len()],
        }
    }

    fn push(&mut self, row: Row) {
        let cells = row.cells;
        self.rows.push(cells);
    }
}
