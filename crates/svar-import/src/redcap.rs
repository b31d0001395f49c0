//! REDCap data dictionaries (CSV, with REDCap's own header or the API's column names) to Svar
//! forms: one form per `form_name`; section headers and matrix groups start pages (a matrix
//! group is a grid); `radio`, `dropdown`, `checkbox`, `yesno`, `truefalse`, `text` (with its
//! validation), `notes`, `descriptive`, `slider` and `calc` sums become Svar items and scores;
//! branching logic becomes conditions. The labels are in the one language given.

use crate::build::{Origins, checked, choice_values, clean_id, one_line, plain_text};
use crate::xlsform::expr::{self, Name, Names};
use crate::{ImportError, Imported, Note, Place};
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::path::Path;
use svar_forms::text::Lang;

/// REDCap's own header names, as exported from its web page, and the API's names for them.
const HEADERS: &[(&str, &str)] = &[
    ("variable / field name", "field_name"),
    ("form name", "form_name"),
    ("section header", "section_header"),
    ("field type", "field_type"),
    ("field label", "field_label"),
    (
        "choices, calculations, or slider labels",
        "select_choices_or_calculations",
    ),
    ("field note", "field_note"),
    (
        "text validation type or show slider number",
        "text_validation_type_or_show_slider_number",
    ),
    ("text validation min", "text_validation_min"),
    ("text validation max", "text_validation_max"),
    ("branching logic (show field only if...)", "branching_logic"),
    ("required field?", "required_field"),
    ("matrix group name", "matrix_group_name"),
];

/// The columns a dictionary must have.
const NEEDED: &[&str] = &["field_name", "form_name", "field_type", "field_label"];

/// Whether `bytes` start like a REDCap data dictionary.
pub fn looks_like(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2000)]).to_lowercase();
    let first = head.lines().next().unwrap_or_default();
    (first.contains("variable / field name") || first.contains("field_name"))
        && (first.contains("form name") || first.contains("form_name"))
}

/// One dictionary row, by API column name.
struct Field {
    /// The CSV line it was read from (the header is line 1).
    line: usize,
    cells: HashMap<String, (String, usize)>,
}

impl Field {
    fn get(&self, column: &str) -> &str {
        self.cells.get(column).map_or("", |(v, _)| v.trim())
    }

    fn place(&self, file: &str, column: &str) -> Place {
        match self.cells.get(column) {
            Some((_, index)) => Place::cell(file, self.line, column, *index),
            None => Place::row(file, self.line),
        }
    }
}

/// Reads every form of the dictionary, each imported or refused on its own; refuses the whole
/// file only when it is not a dictionary that can be read.
pub fn forms(
    bytes: &[u8],
    path: &Path,
    lang: Lang,
) -> Result<Vec<Result<Imported, ImportError>>, ImportError> {
    let file = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| {
            ImportError::Unreadable(format!("{file}: the first line cannot be read: {e}"))
        })?
        .iter()
        .map(|h| {
            let h = h.trim().to_lowercase();
            HEADERS
                .iter()
                .find(|(ui, _)| *ui == h)
                .map_or(h.clone(), |(_, api)| (*api).to_owned())
        })
        .collect();
    let missing: Vec<&str> = NEEDED
        .iter()
        .filter(|n| !header.iter().any(|h| h == *n))
        .copied()
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::Refused(vec![Note {
            place: Place::row(&file, 1),
            message: format!(
                "this is not a REDCap data dictionary's header: it lacks {} (export the dictionary from REDCap's Dictionary page, or with the API's metadata export)",
                missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }]));
    }
    let mut fields = Vec::new();
    for (k, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            ImportError::Refused(vec![Note {
                place: Place::row(&file, k + 2),
                message: format!("this line cannot be read as CSV: {e}"),
            }])
        })?;
        let cells = header
            .iter()
            .enumerate()
            .map(|(c, h)| (h.clone(), (record.get(c).unwrap_or_default().to_owned(), c)))
            .collect();
        fields.push(Field {
            line: record.position().map_or(k + 2, |p| p.line() as usize),
            cells,
        });
    }
    let mut order: Vec<String> = Vec::new();
    // Lines without a field name (blank lines a spreadsheet program left) hold nothing.
    fields.retain(|f| !f.get("field_name").is_empty());
    for f in &fields {
        let form = f.get("form_name").to_owned();
        if !order.contains(&form) {
            order.push(form);
        }
    }
    Ok(order
        .iter()
        .map(|name| {
            let members: Vec<&Field> = fields
                .iter()
                .filter(|f| f.get("form_name") == name)
                .collect();
            form(&members, name, &file, lang)
        })
        .collect())
}

/// `1, Yes | 2, No` as (code, label) pairs.
fn choices(cell: &str) -> Vec<(String, String)> {
    cell.split('|')
        .filter_map(|c| {
            let (code, label) = c.split_once(',')?;
            Some((code.trim().to_owned(), plain_text(label)))
        })
        .collect()
}

/// REDCap branching logic in the XLSForm syntax the condition reader takes: `[q]` → `${q}`,
/// `[q(2)] = '1'` → `selected(${q}, '2')`, `<>` → `!=`, `AND`/`OR` in lower case.
fn as_xlsform(logic: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = logic.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '[' {
            let Some(len) = chars[i..].iter().position(|&c| c == ']') else {
                out.extend(&chars[i..]);
                break;
            };
            let inside: String = chars[i + 1..i + len].iter().collect();
            i += len + 1;
            if let Some((name, code)) = inside.split_once('(') {
                let code = code.trim_end_matches(')');
                // `[q(2)] = '1'` (checked) or `= '0'` (not checked).
                let rest: String = chars[i..].iter().collect();
                let trimmed = rest.trim_start();
                let checked = ["= '1'", "='1'", "= \"1\"", "=\"1\"", "= 1", "=1"]
                    .iter()
                    .find(|p| trimmed.starts_with(*p));
                let unchecked = ["= '0'", "='0'", "= \"0\"", "=\"0\"", "= 0", "=0"]
                    .iter()
                    .find(|p| trimmed.starts_with(*p));
                let skip = rest.len() - trimmed.len();
                if let Some(p) = checked {
                    out.push_str(&format!("selected(${{{name}}}, '{code}')"));
                    i += skip + p.chars().count();
                } else if let Some(p) = unchecked {
                    out.push_str(&format!("not(selected(${{{name}}}, '{code}'))"));
                    i += skip + p.chars().count();
                } else {
                    out.push_str(&format!("${{{name}({code})}}"));
                }
            } else {
                out.push_str(&format!("${{{inside}}}"));
            }
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out.replace("<>", "!=")
        .split(' ')
        .map(|w| match w {
            "AND" => "and",
            "OR" => "or",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn form(fields: &[&Field], name: &str, file: &str, lang: Lang) -> Result<Imported, ImportError> {
    let mut warnings = Vec::new();
    let mut refused = Vec::new();
    let mut origins = Origins::default();
    let code = lang.code();
    let text = |s: &str| json!({ code: s });
    // Names for branching logic: choices of selects, checkboxes tested with selected().
    let mut names = Names::new();
    for f in fields {
        let kind = f.get("field_type");
        let entry = match kind {
            "radio" | "dropdown" | "checkbox" => Name::Item {
                multiple: kind == "checkbox",
                choices: Some(
                    choice_values(
                        choices(f.get("select_choices_or_calculations"))
                            .iter()
                            .map(|(c, _)| c.as_str()),
                    )
                    .0,
                ),
            },
            "calc"
                if expr::score(&as_xlsform(f.get("select_choices_or_calculations"))).is_some() =>
            {
                Name::Score
            }
            "calc" => Name::Calculation,
            _ => Name::Item {
                multiple: false,
                choices: None,
            },
        };
        names.insert(f.get("field_name").to_owned(), entry);
    }
    let mut pages: Vec<Value> = Vec::new();
    let mut scores: Vec<Value> = Vec::new();
    let mut scales: Map<String, Value> = Map::new();
    let mut matrix = String::new();
    for f in fields {
        let id = clean_id(f.get("field_name"));
        let kind = f.get("field_type");
        let section = plain_text(f.get("section_header"));
        let group = f.get("matrix_group_name").to_owned();
        if pages.is_empty() || !section.is_empty() || group != matrix {
            let mut page = json!({"id": format!("page_{}", pages.len() + 1), "items": []});
            if !section.is_empty() {
                page["title"] = text(&section);
            }
            if !group.is_empty() {
                page["id"] = json!(clean_id(&group));
                page["display"] = json!("grid");
            }
            origins.add(
                format!("/pages/{}", pages.len()),
                f.place(file, "section_header"),
            );
            pages.push(page);
            matrix = group;
        }
        let label = plain_text(f.get("field_label"));
        let mut item = json!({"id": id, "text": text(&label)});
        let note = plain_text(f.get("field_note"));
        if !note.is_empty() {
            item["help"] = text(&note);
        }
        if f.get("required_field").eq_ignore_ascii_case("y") {
            item["required"] = json!(true);
        }
        let logic = f.get("branching_logic");
        if !logic.is_empty() {
            match expr::condition(&as_xlsform(logic), &names) {
                Ok(c) => item["show_if"] = clean(c),
                Err(why) => refused.push(Note {
                    place: f.place(file, "branching_logic"),
                    message: format!("`{}` cannot be carried over: {why}", one_line(logic)),
                }),
            }
        }
        let validation = f.get("text_validation_type_or_show_slider_number");
        let (min, max) = (f.get("text_validation_min"), f.get("text_validation_max"));
        let kind = match kind {
            "radio" | "dropdown" | "checkbox" => {
                let list = choices(f.get("select_choices_or_calculations"));
                let (map, numbered) = choice_values(list.iter().map(|(c, _)| c.as_str()));
                if numbered {
                    warnings.push(Note {
                        place: f.place(file, "select_choices_or_calculations"),
                        message: "the choices' codes are not numbers: Svar scores choices by number, so they are numbered 1, 2, 3, … in their order".into(),
                    });
                }
                let options = json!(
                    list.iter()
                        .map(|(c, l)| json!({"value": map[c], "label": text(l)}))
                        .collect::<Vec<_>>()
                );
                // A matrix group's fields share their choices: one scale, as a grid needs.
                if matrix.is_empty() {
                    item["options"] = options;
                } else {
                    let scale = clean_id(&matrix);
                    scales
                        .entry(scale.clone())
                        .or_insert_with(|| json!({ "options": options }));
                    item["scale"] = json!(scale);
                }
                if kind == "checkbox" {
                    "multiple_choice"
                } else {
                    "single_choice"
                }
            }
            "yesno" => "yes_no",
            "truefalse" => {
                warnings.push(Note {
                    place: f.place(file, "field_type"),
                    message: "true/false is asked as yes/no (true is yes, 1; false is no, 0)"
                        .into(),
                });
                "yes_no"
            }
            "descriptive" => "info",
            "notes" => {
                item["max_length"] = json!(2000);
                "text"
            }
            "slider" => {
                item["min"] = json!(0);
                item["max"] = json!(100);
                let labels: Vec<String> = f
                    .get("select_choices_or_calculations")
                    .split('|')
                    .map(plain_text)
                    .collect();
                if let [first, .., last] = &labels[..]
                    && !first.is_empty()
                    && !last.is_empty()
                {
                    item["anchors"] = json!({"min": text(first), "max": text(last)});
                }
                "slider"
            }
            "text" => match validation {
                "integer"
                | "number"
                | "number_comma_decimal"
                | "number_1dp"
                | "number_2dp"
                | "number_1dp_comma_decimal"
                | "number_2dp_comma_decimal" => {
                    match (
                        min.replace(',', ".").parse::<f64>(),
                        max.replace(',', ".").parse::<f64>(),
                    ) {
                        (Ok(lo), Ok(hi)) => {
                            item["min"] = json!(lo);
                            item["max"] = json!(hi);
                        }
                        _ => {
                            warnings.push(Note {
                                place: f.place(file, "text_validation_min"),
                                message: "a number needs a range on the kiosk's keypad; none is given, so 0 to 1000000 is used".into(),
                            });
                            item["min"] = json!(0);
                            item["max"] = json!(1_000_000);
                        }
                    }
                    let decimals = match validation {
                        "integer" => 0,
                        v if v.contains("1dp") => 1,
                        _ => 2,
                    };
                    if decimals > 0 {
                        item["decimals"] = json!(decimals);
                    }
                    "number"
                }
                "date_ymd" | "date_dmy" | "date_mdy" => {
                    for (bound, value) in [("min", min), ("max", max)] {
                        if !value.is_empty() {
                            item[bound] = json!(value);
                        }
                    }
                    "date"
                }
                "" => "text",
                other => {
                    warnings.push(Note {
                        place: f.place(file, "text_validation_type_or_show_slider_number"),
                        message: format!("the validation `{other}` is not one Svar checks; the answer is free text"),
                    });
                    "text"
                }
            },
            "calc" => {
                let calculation = f.get("select_choices_or_calculations");
                match expr::score(&as_xlsform(calculation)) {
                    Some((how, items)) => {
                        origins.add(format!("/scores/{}", scores.len()), f.place(file, "select_choices_or_calculations"));
                        scores.push(json!({
                            "id": id,
                            "label": text(&label),
                            "kind": how,
                            "items": items.iter().map(|i| clean_id(i)).collect::<Vec<_>>(),
                        }));
                    }
                    None => warnings.push(Note {
                        place: f.place(file, "select_choices_or_calculations"),
                        message: format!(
                            "`{}` is not a sum or mean of fields, so `{id}` is not carried over as a score",
                            one_line(calculation)
                        ),
                    }),
                }
                continue;
            }
            other => {
                refused.push(Note {
                    place: f.place(file, "field_type"),
                    message: format!("the field type `{other}` is not one Svar asks (it asks radio, dropdown, checkbox, yesno, truefalse, text, notes, descriptive, slider and calc sums)"),
                });
                continue;
            }
        };
        item["type"] = json!(kind);
        let page = pages.len() - 1;
        let at = pages[page]["items"].as_array().map_or(0, Vec::len);
        origins.add(
            format!("/pages/{page}/items/{at}"),
            f.place(file, "field_name"),
        );
        if let Some(items) = pages[page]["items"].as_array_mut() {
            items.push(item);
        }
    }
    if !refused.is_empty() {
        return Err(ImportError::Refused(refused));
    }
    pages.retain(|p| p["items"].as_array().is_some_and(|i| !i.is_empty()));
    let id = clean_id(name);
    let title = name.replace('_', " ");
    let mut form = json!({
        "$schema": "schema.json",
        "id": id,
        "version": "1.0.0",
        "title": text(&title),
        "languages": [code],
        "instrument": title,
        "wording": "licensed",
        "wording_note": format!("Imported from the REDCap data dictionary {file}: the wording is the dictionary's."),
        "scoring_source": format!("Imported from the REDCap data dictionary {file}: scores as its calc fields."),
        "pages": pages,
    });
    if !scales.is_empty() {
        form["scales"] = Value::Object(scales);
    }
    if !scores.is_empty() {
        form["scores"] = json!(scores);
    }
    checked(form, &origins, &Place::sheet(file), warnings)
}

/// Condition names as Svar ids.
fn clean(condition: Value) -> Value {
    match condition {
        Value::Object(o) => Value::Object(
            o.into_iter()
                .map(|(k, v)| match (k.as_str(), v) {
                    ("item" | "score", Value::String(n)) => (k, json!(clean_id(&n))),
                    (_, v) => (k, clean(v)),
                })
                .collect::<Map<_, _>>(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(clean).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branching_logic_reads_as_xlsform() {
        assert_eq!(
            as_xlsform("[q1] = '1' AND [q2] <> '3'"),
            "${q1} = '1' and ${q2} != '3'"
        );
        assert_eq!(
            as_xlsform("[sym(2)] = '1' or [sym(3)]='0'"),
            "selected(${sym}, '2') or not(selected(${sym}, '3'))"
        );
        assert_eq!(plain_text("<b>Pain</b>&nbsp;today"), "Pain today");
        assert_eq!(
            choices("1, Yes | 0, No"),
            [
                ("1".to_owned(), "Yes".to_owned()),
                ("0".to_owned(), "No".to_owned())
            ]
        );
    }
}
