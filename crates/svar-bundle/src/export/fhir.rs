//! Sealed bundles as FHIR R4: per bundle a `collection` Bundle with one QuestionnaireResponse
//! per form and one Observation per score that has a value, the patient as an identifier.
//! Codings use the form's own code system, `urn:svar:form:ID`, as its Questionnaire does
//! (`svar export-form --to fhir`); see `docs/fhir.md`.

use super::table::FormLibrary;
use crate::{Bundle, FormRecord, IdType, Status};
use serde_json::{Value, json};
use svar_forms::form::{Form, ItemKind};
use svar_forms::score::number_json;

/// The identifier system of each kind of patient id; study ids use `study` (the study's own
/// URI) or a URN of the site.
fn id_system(kind: IdType, site: &str, study: Option<&str>) -> String {
    match kind {
        // Norwegian fødselsnummer (Tenor's synthetic test numbers are written as them).
        IdType::Fodselsnummer | IdType::Synthetic => "urn:oid:2.16.578.1.12.4.1.4.1".into(),
        IdType::DNumber => "urn:oid:2.16.578.1.12.4.1.4.2".into(),
        IdType::HNumber => "urn:oid:2.16.578.1.12.4.1.4.3".into(),
        IdType::Cpr => "urn:oid:1.2.208.176.1.2".into(),
        IdType::Study => study.map_or_else(|| format!("urn:svar:study:{site}"), str::to_owned),
    }
}

/// The code system of a form's answers and scores (as its Questionnaire's `url`).
fn system(form: &str) -> String {
    format!("urn:svar:form:{form}")
}

/// A `urn:uuid:` for a resource of a bundle: the bundle's id with the resource's place, so an
/// export made twice names the same resources.
fn uuid(b: &Bundle, n: usize) -> String {
    let mut bytes = *b.bundle_id.as_bytes();
    bytes[15] ^= (n & 0xff) as u8;
    bytes[14] ^= ((n >> 8) & 0xff) as u8;
    format!("urn:uuid:{}", uuid::Uuid::from_bytes(bytes))
}

/// One bundle as a FHIR `collection` Bundle.
pub(super) fn resources(b: &Bundle, library: &FormLibrary, study: Option<&str>) -> Value {
    let subject = json!({"identifier": {
        "system": id_system(b.patient.id_type, &b.site, study),
        "value": b.patient.id,
    }});
    let authored = b.finished.to_string();
    let mut entries = Vec::new();
    let mut n = 1;
    for form in &b.forms {
        let response_url = uuid(b, n);
        n += 1;
        let known = library.form(&form.id);
        entries.push(json!({
            "fullUrl": response_url,
            "resource": response(b, form, known, &subject, &authored),
        }));
        for (score, result) in &form.scores {
            let Some(value) = result.value else {
                continue;
            };
            let label = known
                .and_then(|f| {
                    f.score_ix(score)
                        .map(|s| f.scores[s.0].label.get(b.language).to_owned())
                })
                .unwrap_or_else(|| score.clone());
            let mut observation = json!({
                "resourceType": "Observation",
                "status": "final",
                "category": [{"coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                    "code": "survey",
                }]}],
                "code": {"coding": codings(known, score, &form.id, &label)},
                "subject": subject,
                "effectiveDateTime": authored,
                "derivedFrom": [{"reference": response_url}],
            });
            if value.fract() == 0.0 && value.abs() < 2.0e9 {
                observation["valueInteger"] = json!(value as i64);
            } else {
                observation["valueQuantity"] = json!({"value": number_json(value)});
            }
            if let Some(band) = &result.band {
                let band_label = known
                    .and_then(|f| f.score_ix(score))
                    .and_then(|s| known.map(|f| &f.scores[s.0]))
                    .and_then(|s| s.bands.iter().find(|x| x.id.as_str() == band))
                    .map_or_else(|| band.clone(), |x| x.label.get(b.language).to_owned());
                observation["interpretation"] = json!([{
                    "coding": [{"system": format!("{}:bands", system(&form.id)), "code": band, "display": band_label}],
                    "text": band_label,
                }]);
            }
            entries.push(json!({"fullUrl": uuid(b, n), "resource": observation}));
            n += 1;
        }
    }
    json!({
        "resourceType": "Bundle",
        "id": b.bundle_id.to_string(),
        "type": "collection",
        "timestamp": authored,
        "entry": entries,
    })
}

/// A score's codings: its own code where the form gives one (LOINC), then the form's.
fn codings(known: Option<&Form>, score: &str, form: &str, label: &str) -> Vec<Value> {
    let own = known
        .and_then(|f| f.score_ix(score).map(|s| &f.scores[s.0]))
        .and_then(|s| s.code.as_ref())
        .map(|c| json!({"system": c.system, "code": c.code, "display": c.display.as_deref().unwrap_or(label)}));
    own.into_iter()
        .chain(std::iter::once(
            json!({"system": system(form), "code": score, "display": label}),
        ))
        .collect()
}

/// One form's answers as a QuestionnaireResponse: `completed` when the patient finished,
/// else `in-progress`; a decline is an item with no answer and the data-absent reason
/// `asked-declined`.
fn response(
    b: &Bundle,
    form: &FormRecord,
    known: Option<&Form>,
    subject: &Value,
    authored: &str,
) -> Value {
    let status = match b.status {
        Status::Complete => "completed",
        Status::Abandoned | Status::Timeout => "in-progress",
    };
    let mut items = Vec::new();
    for (id, answer) in &form.answers {
        let item = known.and_then(|f| f.item_ix(id).map(|ix| f.item(ix)));
        if answer.get("declined").is_some() {
            items.push(json!({"linkId": id, "extension": [{
                "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
                "valueCode": "asked-declined",
            }]}));
            continue;
        }
        let signature = item.is_some_and(|i| matches!(i.kind, ItemKind::Signature));
        let answers: Vec<Value> = match answer {
            Value::Array(values) if !signature => {
                values.iter().map(|v| value(&form.id, item, v, b)).collect()
            }
            single => vec![value(&form.id, item, single, b)],
        };
        items.push(json!({"linkId": id, "answer": answers}));
    }
    json!({
        "resourceType": "QuestionnaireResponse",
        "questionnaire": format!("{}|{}", system(&form.id), form.version),
        "status": status,
        "subject": subject,
        "authored": authored,
        "item": items,
    })
}

/// One answer value: a choice as the option's coding with its score as `ordinalValue`, a
/// yes/no as a boolean, a number, a date, a text or a region's coding.
fn value(form: &str, item: Option<&svar_forms::form::Item>, v: &Value, b: &Bundle) -> Value {
    let coding = |code: String, display: Option<String>, ordinal: Option<f64>| {
        let mut c = json!({"system": system(form), "code": code});
        if let Some(d) = display {
            c["display"] = json!(d);
        }
        let mut answer = json!({ "valueCoding": c });
        if let Some(o) = ordinal {
            answer["extension"] = json!([{"url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": o}]);
        }
        answer
    };
    match (item.map(|i| &i.kind), v) {
        (
            Some(ItemKind::SingleChoice { options, .. } | ItemKind::MultipleChoice { options, .. }),
            Value::Number(n),
        ) => {
            let x = n.as_f64().unwrap_or_default();
            let label = options
                .iter()
                .find(|o| o.value == x)
                .map(|o| o.label.get(b.language).to_owned());
            coding(svar_forms::answer::fmt_num(x), label, Some(x))
        }
        (Some(ItemKind::YesNo), Value::Number(n)) => {
            json!({"valueBoolean": n.as_f64() == Some(1.0)})
        }
        (Some(ItemKind::BodyMap { regions, .. }), Value::String(r)) => {
            let label = regions
                .iter()
                .find(|g| g.id.as_str() == r)
                .map(|g| g.label.get(b.language).to_owned());
            coding(r.clone(), label, None)
        }
        (Some(ItemKind::Date { .. }), Value::String(d)) => json!({"valueDate": d}),
        (_, Value::Number(n)) if n.is_i64() => json!({"valueInteger": n}),
        (_, Value::Number(n)) => json!({"valueDecimal": n}),
        (_, Value::String(s)) => json!({"valueString": s}),
        // A signature's strokes: the drawing as JSON text, FHIR having no element for strokes.
        (_, other) => json!({"valueString": other.to_string()}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_patient_id_has_its_identifier_system() {
        assert_eq!(
            id_system(IdType::Cpr, "aarhus", None),
            "urn:oid:1.2.208.176.1.2"
        );
        assert_eq!(
            id_system(IdType::DNumber, "oslo", None),
            "urn:oid:2.16.578.1.12.4.1.4.2"
        );
        assert_eq!(
            id_system(IdType::Study, "oslo", None),
            "urn:svar:study:oslo"
        );
        assert_eq!(
            id_system(IdType::Study, "oslo", Some("https://nwh.example/study-ids")),
            "https://nwh.example/study-ids"
        );
    }
}
