//! A Svar form as one FHIR R4 Questionnaire: pages as groups, questions as items with
//! `answerOption` codings carrying their values as `ordinalValue`, conditions as `enableWhen`,
//! sum and mean scores as read-only calculated items (SDC `calculatedExpression`), the first
//! language as the Questionnaire's `language` and the others as `translation` extensions. What
//! FHIR has no element for rides in Svar's own extension, so importing gives the same form
//! back; see `docs/fhir.md`.

use super::{ORDINAL, SVAR_EXT, TRANSLATION, bcp47, form_system};
use crate::ImportError;
use crate::build::without;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// SDC's calculated value of a read-only item.
const CALCULATED: &str =
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression";
/// The lowest and highest answer of a numeric item.
const MIN_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/minValue";
const MAX_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/maxValue";
/// How an item is shown (slider, help text).
const ITEM_CONTROL: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl";

/// The fields of an item the Questionnaire's own elements carry.
const ITEM_NATIVE: &[&str] = &[
    "id",
    "type",
    "text",
    "help",
    "required",
    "show_if",
    "options",
    "max_length",
];

/// Writes `form` (a form file's JSON) as a Questionnaire; `sha256` is the form file's hash,
/// recorded as an identifier so results can name the exact file.
pub fn questionnaire(form: &Value, sha256: &str) -> Result<Value, ImportError> {
    let id = form["id"].as_str().unwrap_or_default();
    let langs: Vec<String> = form["languages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l.as_str().map(str::to_owned))
        .collect();
    let first = langs.first().cloned().unwrap_or_else(|| "nb".into());
    let w = Writer {
        system: form_system(id),
        langs: &langs,
        first: &first,
        scales: form["scales"].as_object().cloned().unwrap_or_default(),
        score_ids: crate::build::score_names(form),
        links: form["pages"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|p| p["items"].as_array().into_iter().flatten())
            .filter_map(|i| {
                Some((
                    i["id"].as_str()?.to_owned(),
                    i["link_id"].as_str()?.to_owned(),
                ))
            })
            .collect(),
    };
    let mut items = Vec::new();
    for page in form["pages"].as_array().into_iter().flatten() {
        let mut group =
            json!({"linkId": page.get("link_id").unwrap_or(&page["id"]), "type": "group"});
        w.text(&mut group, "text", &page["title"]);
        let children: Result<Vec<Value>, ImportError> = page["items"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|item| w.item(item))
            .collect();
        group["item"] = json!(children?);
        if let Some(c) = page.get("show_if") {
            w.enable_when(&mut group, c);
        }
        w.extra(
            &mut group,
            page,
            &["id", "link_id", "title", "show_if", "items"],
        );
        items.push(group);
    }
    for score in form["scores"].as_array().into_iter().flatten() {
        items.push(w.score(score));
    }
    let mut q = json!({
        "resourceType": "Questionnaire",
        "id": id.replace('_', "-"),
        "url": w.system,
        "identifier": [{"system": "urn:ietf:rfc:3986", "value": format!("urn:sha256:{sha256}")}],
        "version": form["version"],
        "name": id,
        "status": "active",
        "language": bcp47(&first),
        "item": items,
    });
    w.text(&mut q, "title", &form["title"]);
    if let Some(code) = form.get("code") {
        q["code"] = json!([code]);
    }
    let header: Map<String, Value> =
        without(form, &["$schema", "id", "version", "pages", "scores"]);
    q["extension"] = json!([{"url": SVAR_EXT, "valueString": Value::Object(header).to_string()}]);
    Ok(q)
}

struct Writer<'f> {
    system: String,
    langs: &'f [String],
    first: &'f str,
    scales: Map<String, Value>,
    score_ids: HashMap<String, String>,
    /// The linkId of each item imported under another id (`link_id`).
    links: HashMap<String, String>,
}

impl Writer<'_> {
    /// An item's linkId: the one it was imported with, else its id.
    fn link(&self, id: &str) -> String {
        self.links.get(id).cloned().unwrap_or_else(|| id.to_owned())
    }

    /// Sets `key` to the text in the first language, the others as translations.
    fn text(&self, target: &mut Value, key: &str, text: &Value) {
        let Some(main) = text[self.first].as_str() else {
            return;
        };
        target[key] = json!(main);
        let translations: Vec<Value> = self
            .langs
            .iter()
            .skip(1)
            .filter_map(|l| {
                text[l].as_str().map(|t| {
                    json!({"url": TRANSLATION, "extension": [
                        {"url": "lang", "valueCode": bcp47(l)},
                        {"url": "content", "valueString": t},
                    ]})
                })
            })
            .collect();
        if !translations.is_empty() {
            target[format!("_{key}")] = json!({ "extension": translations });
        }
    }

    /// Svar's own extension with what the element's FHIR fields do not say.
    fn extra(&self, target: &mut Value, source: &Value, native: &[&str]) {
        let rest = without(source, native);
        if !rest.is_empty() {
            let ext = json!({"url": SVAR_EXT, "valueString": Value::Object(rest).to_string()});
            match target["extension"].as_array_mut() {
                Some(list) => list.push(ext),
                None => target["extension"] = json!([ext]),
            }
        }
    }

    fn extension(target: &mut Value, ext: Value) {
        match target["extension"].as_array_mut() {
            Some(list) => list.push(ext),
            None => target["extension"] = json!([ext]),
        }
    }

    fn options(&self, options: &Value) -> Vec<Value> {
        options
            .as_array()
            .into_iter()
            .flatten()
            .map(|o| {
                let value = o["value"].as_f64().unwrap_or_default();
                let mut coding = json!({
                    "system": self.system,
                    "code": crate::xlsform::expr::number_text(value),
                });
                self.text(&mut coding, "display", &o["label"]);
                let mut option = json!({
                    "valueCoding": coding,
                    "extension": [{"url": ORDINAL, "valueDecimal": value}],
                });
                // An answer that excludes the others (`exclusive`) has no FHIR element.
                self.extra(&mut option, o, &["value", "label"]);
                option
            })
            .collect()
    }

    fn item(&self, item: &Value) -> Result<Value, ImportError> {
        let id = item["id"].as_str().unwrap_or_default();
        let kind = item["type"].as_str().unwrap_or_default();
        let mut out = json!({"linkId": self.link(id)});
        if let Some(prefix) = item.get("prefix") {
            out["prefix"] = prefix.clone();
        }
        self.text(&mut out, "text", &item["text"]);
        let options = match item["scale"].as_str() {
            Some(scale) => self.scales.get(scale).map(|s| s["options"].clone()),
            None => item.get("options").cloned(),
        };
        let fhir_type = match kind {
            "single_choice" | "multiple_choice" => {
                out["answerOption"] = json!(self.options(&options.unwrap_or_default()));
                if kind == "multiple_choice" {
                    out["repeats"] = json!(true);
                }
                // Tiles on the kiosk: radio buttons or check boxes in a renderer, not a drop-down.
                let control = if kind == "multiple_choice" {
                    "check-box"
                } else {
                    "radio-button"
                };
                Self::extension(
                    &mut out,
                    json!({"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [{
                        "system": "http://hl7.org/fhir/questionnaire-item-control", "code": control}]}}),
                );
                "choice"
            }
            "body_map" => {
                let regions: Vec<Value> = item["regions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|r| {
                        let mut coding = json!({"system": self.system, "code": r["id"]});
                        self.text(&mut coding, "display", &r["label"]);
                        json!({ "valueCoding": coding })
                    })
                    .collect();
                out["answerOption"] = json!(regions);
                out["repeats"] = json!(true);
                "choice"
            }
            "yes_no" => "boolean",
            "rating" => {
                Self::bounds(&mut out, item, "valueInteger");
                "integer"
            }
            "slider" => {
                Self::bounds(&mut out, item, "valueDecimal");
                Self::extension(
                    &mut out,
                    json!({"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [{
                        "system": "http://hl7.org/fhir/questionnaire-item-control", "code": "slider"}]}}),
                );
                "decimal"
            }
            "number" => {
                let whole = item["decimals"].as_u64().unwrap_or(0) == 0;
                Self::bounds(
                    &mut out,
                    item,
                    if whole {
                        "valueInteger"
                    } else {
                        "valueDecimal"
                    },
                );
                if whole { "integer" } else { "decimal" }
            }
            "text" => {
                if let Some(n) = item["max_length"].as_u64() {
                    out["maxLength"] = json!(n);
                }
                "string"
            }
            "date" => "date",
            "info" => "display",
            "signature" => "attachment",
            other => {
                return Err(ImportError::Export(format!(
                    "the item `{id}` has the type `{other}`, which has no FHIR equivalent"
                )));
            }
        };
        out["type"] = json!(fhir_type);
        if let Some(code) = item.get("code") {
            out["code"] = json!([code]);
        }
        if let Some(required) = item["required"].as_bool() {
            out["required"] = json!(required);
        }
        if let Some(c) = item.get("show_if") {
            self.enable_when(&mut out, c);
        }
        if item.get("help").is_some() {
            let mut help = json!({"linkId": format!("{id}_help"), "type": "display"});
            self.text(&mut help, "text", &item["help"]);
            Self::extension(
                &mut help,
                json!({"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [{
                    "system": "http://hl7.org/fhir/questionnaire-item-control", "code": "help"}]}}),
            );
            out["item"] = json!([help]);
        }
        // Svar's type where FHIR's does not tell it (a yes/no is a boolean, a rating an
        // integer, …), and every field FHIR has no element for.
        let mut rest = without(item, ITEM_NATIVE);
        if !matches!(
            kind,
            "single_choice" | "multiple_choice" | "text" | "date" | "info"
        ) {
            rest.insert("type".into(), json!(kind));
        }
        if item.get("options").is_some() {
            rest.insert("own_options".into(), json!(true));
        }
        if !rest.is_empty() {
            Self::extension(
                &mut out,
                json!({"url": SVAR_EXT, "valueString": Value::Object(rest).to_string()}),
            );
        }
        Ok(out)
    }

    fn bounds(out: &mut Value, item: &Value, key: &str) {
        for (name, url) in [("min", MIN_VALUE), ("max", MAX_VALUE)] {
            if let Some(v) = item[name].as_f64() {
                let value = if key == "valueInteger" {
                    json!(v as i64)
                } else {
                    json!(v)
                };
                Self::extension(out, json!({"url": url, key: value}));
            }
        }
    }

    /// `enableWhen` for a test, or a flat `all`/`any` of tests; the condition itself always
    /// rides in Svar's extension too, so nested conditions come back whole.
    fn enable_when(&self, out: &mut Value, condition: &Value) {
        let tests: Vec<&Value> = match (condition.get("all"), condition.get("any")) {
            (Some(list), _) | (_, Some(list)) => list
                .as_array()
                .map_or_else(Vec::new, |l| l.iter().collect()),
            _ => vec![condition],
        };
        let written: Option<Vec<Value>> = tests.iter().map(|t| self.test(t)).collect();
        if let Some(written) = written {
            if written.len() > 1 {
                out["enableBehavior"] = json!(if condition.get("all").is_some() {
                    "all"
                } else {
                    "any"
                });
            }
            out["enableWhen"] = json!(written);
        }
        Self::extension(
            out,
            json!({"url": SVAR_EXT, "valueString": json!({"show_if": condition}).to_string()}),
        );
    }

    fn test(&self, test: &Value) -> Option<Value> {
        let op = test["op"].as_str()?;
        let question = match (test["item"].as_str(), test["score"].as_str()) {
            (Some(item), _) => self.link(item),
            (_, Some(score)) => self.score_ids.get(score)?.clone(),
            _ => return None,
        };
        let operator = match op {
            "equals" | "contains" => "=",
            "not_equals" => "!=",
            "<" | "<=" | ">" | ">=" => op,
            "answered" | "not_answered" => "exists",
            _ => return None,
        };
        let mut out = json!({"question": question, "operator": operator});
        let value = &test["value"];
        match op {
            "answered" => out["answerBoolean"] = json!(true),
            "not_answered" => out["answerBoolean"] = json!(false),
            _ if test.get("score").is_some() => out["answerDecimal"] = value.clone(),
            _ => match value {
                Value::String(s) if s.len() == 10 && s.as_bytes()[4] == b'-' => {
                    out["answerDate"] = json!(s)
                }
                Value::String(s) => out["answerCoding"] = json!({"system": self.system, "code": s}),
                Value::Number(n) => {
                    out["answerCoding"] = json!({"system": self.system, "code": crate::xlsform::expr::number_text(n.as_f64()?)})
                }
                _ => return None,
            },
        }
        Some(out)
    }

    /// A score as a read-only decimal item its value is calculated into.
    fn score(&self, score: &Value) -> Value {
        let id = score["id"].as_str().unwrap_or_default();
        let mut out = json!({"linkId": self.score_ids[id], "type": "decimal", "readOnly": true});
        if let Some(code) = score.get("code") {
            out["code"] = json!([code]);
        }
        self.text(&mut out, "text", &score["label"]);
        // The answered items' scores, and how many must be answered (the missing-data rule).
        let expression = crate::build::plain_score(score).map(|(kind, items)| {
            let links: Vec<String> = items.iter().map(|i| format!("linkId = '{i}'")).collect();
            let answered = format!(
                "%resource.repeat(item).where({}).answer.value.weight()",
                links.join(" or ")
            );
            let n = items.len();
            let needed = match (
                score["missing"]["min_answered"].as_u64(),
                score["missing"]["min_fraction"].as_f64(),
            ) {
                (Some(k), _) => k as usize,
                (None, Some(f)) => (f * n as f64).ceil() as usize,
                (None, None) => n,
            };
            let value = match (kind, score["prorate"].as_bool() == Some(true)) {
                ("sum", true) => format!("{answered}.sum() * {n} / {answered}.count()"),
                ("sum", false) => format!("{answered}.sum()"),
                _ => format!("{answered}.sum() / {answered}.count()"),
            };
            format!("iif({answered}.count() >= {needed}, {value}, {{}})")
        });
        if let Some(expression) = expression {
            Self::extension(
                &mut out,
                json!({"url": CALCULATED, "valueExpression": {"language": "text/fhirpath", "expression": expression}}),
            );
        }
        let mut rest = without(score, &["label"]);
        rest.insert("score".into(), json!(true));
        Self::extension(
            &mut out,
            json!({"url": SVAR_EXT, "valueString": Value::Object(rest).to_string()}),
        );
        out
    }
}
