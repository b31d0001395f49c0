//! FHIR Questionnaires written here, in bokmål with Danish translations and as a Bundle of one
//! per language, and the Svar form each must give.

use serde_json::{Value, json};
use svar_forms::text::Lang;
use svar_import::{ImportError, Imported};

fn import(resource: &Value) -> Result<Imported, ImportError> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("q.json");
    std::fs::write(&path, resource.to_string()).expect("write");
    svar_import::import(&path, Lang::Nb).and_then(|mut forms| forms.remove(0))
}

fn da(text: &str) -> Value {
    json!({"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/translation", "extension": [
        {"url": "lang", "valueCode": "da-DK"}, {"url": "content", "valueString": text}]}]})
}

fn option(code: &str, nb: &str, dk: &str, weight: f64) -> Value {
    json!({"valueCoding": {"system": "urn:test", "code": code, "display": nb, "_display": da(dk)},
           "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/ordinalValue", "valueDecimal": weight}]})
}

fn questionnaire() -> Value {
    json!({
        "resourceType": "Questionnaire",
        "name": "sovn_fhir",
        "status": "active",
        "language": "nb-NO",
        "title": "Søvn", "_title": da("Søvn"),
        "item": [
            {"linkId": "natt", "type": "group", "text": "Om natten", "_text": da("Om natten"), "item": [
                {"linkId": "q1", "type": "choice", "text": "Sovnet sent", "_text": da("Faldt sent i søvn"), "required": true,
                 "answerOption": [option("a", "Aldri", "Aldrig", 0.0), option("b", "Ofte", "Ofte", 2.0)]},
                {"linkId": "q2", "type": "choice", "text": "Våknet", "_text": da("Vågnede"), "required": true,
                 "answerOption": [option("a", "Aldri", "Aldrig", 0.0), option("b", "Ofte", "Ofte", 2.0)]},
            ]},
            {"linkId": "mer", "type": "group", "text": "Mer", "_text": da("Mere"), "item": [
                {"linkId": "pille", "type": "boolean", "text": "Sovemedisin?", "_text": da("Sovemedicin?")},
                {"linkId": "timer", "type": "integer", "text": "Timer", "_text": da("Timer"),
                 "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 0},
                               {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 24}],
                 "enableWhen": [{"question": "q1", "operator": "=", "answerCoding": {"system": "urn:test", "code": "b"}},
                                {"question": "pille", "operator": "=", "answerBoolean": true}],
                 "enableBehavior": "any"},
                {"linkId": "hvorfor", "type": "string", "text": "Hvorfor?", "_text": da("Hvorfor?"), "maxLength": 80,
                 "enableWhen": [{"question": "pille", "operator": "exists", "answerBoolean": true}]},
                {"linkId": "siden", "type": "date", "text": "Siden når?", "_text": da("Siden hvornår?")},
                {"linkId": "takk", "type": "display", "text": "Takk", "_text": da("Tak")},
            ]},
            {"linkId": "total", "type": "decimal", "readOnly": true, "text": "Sum", "_text": da("Sum"),
             "extension": [{"url": "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression",
                            "valueExpression": {"language": "text/fhirpath",
                                                "expression": "%resource.repeat(item).where(linkId='q1' or linkId='q2').answer.value.weight().sum()"}}]},
        ]
    })
}

#[test]
fn a_questionnaire_with_danish_translations_becomes_its_form() {
    let imported = import(&questionnaire()).unwrap_or_else(|e| panic!("{e}"));
    let form: Value = serde_json::from_str(&imported.json).expect("json");
    assert_eq!(form["id"], "sovn_fhir");
    assert_eq!(form["languages"], json!(["nb", "da"]));
    assert_eq!(form["title"], json!({"nb": "Søvn", "da": "Søvn"}));
    assert_eq!(
        form["pages"][0]["items"][0],
        json!({"id": "q1", "type": "single_choice", "text": {"nb": "Sovnet sent", "da": "Faldt sent i søvn"}, "required": true,
               "options": [{"value": 0.0, "label": {"nb": "Aldri", "da": "Aldrig"}}, {"value": 2.0, "label": {"nb": "Ofte", "da": "Ofte"}}]})
    );
    let more = &form["pages"][1]["items"];
    assert_eq!(more[0]["type"], "yes_no");
    assert_eq!(
        more[1],
        json!({"id": "timer", "type": "number", "text": {"nb": "Timer", "da": "Timer"}, "min": 0.0, "max": 24.0,
               "show_if": {"any": [{"item": "q1", "op": "equals", "value": 2.0}, {"item": "pille", "op": "equals", "value": 1}]}})
    );
    assert_eq!(
        more[2]["show_if"],
        json!({"item": "pille", "op": "answered"})
    );
    assert_eq!(more[2]["max_length"], 80);
    assert_eq!(
        (&more[3]["type"], &more[4]["type"]),
        (&json!("date"), &json!("info"))
    );
    assert_eq!(
        form["scores"],
        json!([{"id": "total", "label": {"nb": "Sum", "da": "Sum"}, "kind": "sum", "items": ["q1", "q2"]}])
    );
}

#[test]
fn a_bundle_of_one_questionnaire_per_language_becomes_one_form() {
    let mut nb = questionnaire();
    let mut dk = questionnaire();
    // Helsenorge's way: no translations, a Questionnaire per language with the same linkIds.
    fn drop_translations(v: &mut Value) {
        if let Value::Object(o) = v {
            o.retain(|k, _| !k.starts_with('_'));
            o.values_mut().for_each(drop_translations);
        } else if let Value::Array(a) = v {
            a.iter_mut().for_each(drop_translations);
        }
    }
    drop_translations(&mut nb);
    drop_translations(&mut dk);
    dk["language"] = json!("da-DK");
    dk["title"] = json!("Søvn (dansk)");
    dk["item"][0]["item"][0]["text"] = json!("Faldt sent i søvn");
    dk["item"][0]["item"][0]["answerOption"][0]["valueCoding"]["display"] = json!("Aldrig");
    let bundle = json!({"resourceType": "Bundle", "type": "collection", "entry": [{"resource": nb}, {"resource": dk}]});
    let imported = import(&bundle).unwrap_or_else(|e| panic!("{e}"));
    let form: Value = serde_json::from_str(&imported.json).expect("json");
    assert_eq!(form["languages"], json!(["nb", "da"]));
    assert_eq!(form["title"], json!({"nb": "Søvn", "da": "Søvn (dansk)"}));
    let q1 = &form["pages"][0]["items"][0];
    assert_eq!(
        q1["text"],
        json!({"nb": "Sovnet sent", "da": "Faldt sent i søvn"})
    );
    assert_eq!(
        q1["options"][0]["label"],
        json!({"nb": "Aldri", "da": "Aldrig"})
    );
}

#[test]
fn what_svar_cannot_mean_is_refused_by_its_fhir_path() {
    let mut q = questionnaire();
    q["item"][1]["repeats"] = json!(true);
    q["item"][0]["item"][1]["type"] = json!("quantity");
    let Err(ImportError::Refused(notes)) = import(&q) else {
        panic!("refused");
    };
    let notes: Vec<String> = notes.iter().map(ToString::to_string).collect();
    assert!(
        notes
            .iter()
            .any(|n| n
                .starts_with("q.json, at Questionnaire.item[0].item[1]: the item type `quantity`")),
        "{notes:#?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("q.json, at Questionnaire.item[1]: a repeating group")),
        "{notes:#?}"
    );
    // Not FHIR at all, by the typed R4 model.
    let Err(ImportError::Refused(notes)) =
        import(&json!({"resourceType": "Questionnaire", "item": "x"}))
    else {
        panic!("refused");
    };
    assert!(
        notes[0]
            .message
            .starts_with("this is not a valid FHIR R4 Questionnaire"),
        "{}",
        notes[0].message
    );
}

#[test]
fn contained_value_sets_comparisons_and_sums_of_variables_are_read() {
    let weight = |w: f64| json!([{"url": "http://hl7.org/fhir/StructureDefinition/itemWeight", "valueDecimal": w}]);
    let variable = |name: &str, link: &str| {
        json!({"url": "http://hl7.org/fhir/StructureDefinition/variable", "valueExpression": {
            "name": name, "language": "text/fhirpath",
            "expression": format!("%questionnaire.item.where(linkId = '{link}').answerOption.where(valueCoding.code=%resource.item.where(linkId = '{link}').answer.valueCoding.code).extension.where(url='http://hl7.org/fhir/StructureDefinition/itemWeight').valueDecimal")}})
    };
    let q = json!({
        "resourceType": "Questionnaire", "name": "kort", "status": "active", "language": "da-DK",
        "contained": [
            {"resourceType": "CodeSystem", "id": "humoer", "url": "urn:test:humoer", "status": "active", "content": "complete",
             "concept": [{"code": "godt", "display": "Godt", "property": [{"code": "itemWeight", "valueDecimal": 0}]},
                         {"code": "daarligt", "display": "Dårligt", "property": [{"code": "itemWeight", "valueDecimal": 4}]}]},
            {"resourceType": "ValueSet", "id": "ofte", "status": "active", "expansion": {"contains": [
            {"system": "urn:test", "code": "aldrig", "display": "Aldrig", "extension": weight(0.0)},
            {"system": "urn:test", "code": "ofte", "display": "Ofte", "extension": weight(3.0)}]}}],
        "item": [
            {"linkId": "a", "type": "choice", "text": "Træt?", "answerValueSet": "#ofte"},
            {"linkId": "b", "type": "open-choice", "text": "Urolig?", "answerValueSet": "#ofte"},
            {"linkId": "timer", "type": "integer", "text": "Timer",
             "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 0},
                           {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 24}]},
            {"linkId": "vaegt", "type": "decimal", "text": "Vægt",
             "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueDecimal": 30.5},
                           {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueDecimal": 250}],
             "enableWhen": [{"question": "timer", "operator": ">=", "answerInteger": 8},
                            {"question": "a", "operator": "!=", "answerCoding": {"code": "aldrig"}}],
             "enableBehavior": "all"},
            {"linkId": "noter", "type": "text", "text": "Noter", "prefix": "1.",
             "enableWhen": [{"question": "timer", "operator": "<", "answerInteger": 4}]},
            {"linkId": "humoer", "type": "choice", "text": "Humør", "answerOption": [
                {"valueCoding": {"system": "urn:test:humoer", "code": "godt", "display": "Godt"}},
                {"valueCoding": {"system": "urn:test:humoer", "code": "daarligt", "display": "Dårligt"}}]},
            {"linkId": "sum", "type": "decimal", "readOnly": true, "text": "I alt",
             "extension": [variable("x", "a"), variable("y", "b"),
                           {"url": "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression",
                            "valueExpression": {"language": "text/fhirpath", "expression": "iif(%x.exists() and %y.exists(), %x + %y, {})"}}]},
        ]
    });
    let imported = import(&q).unwrap_or_else(|e| panic!("{e}"));
    let form: Value = serde_json::from_str(&imported.json).expect("json");
    let items = &form["pages"][0]["items"];
    assert_eq!(form["languages"], json!(["da"]));
    assert_eq!(
        items[0]["options"],
        json!([{"value": 0.0, "label": {"da": "Aldrig"}}, {"value": 3.0, "label": {"da": "Ofte"}}])
    );
    assert_eq!(items[1]["type"], "single_choice");
    assert_eq!(
        (&items[3]["decimals"], &items[3]["min"]),
        (&json!(2), &json!(30.5))
    );
    assert_eq!(
        items[3]["show_if"],
        json!({"all": [{"item": "timer", "op": ">=", "value": 8}, {"item": "a", "op": "not_equals", "value": 0.0}]})
    );
    assert_eq!(
        items[4]["show_if"],
        json!({"item": "timer", "op": "<", "value": 4})
    );
    assert_eq!(items[4]["type"], "text");
    assert_eq!(form["scores"][0]["items"], json!(["a", "b"]));
    let warnings: Vec<String> = imported.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("an open choice lets the patient type another answer")),
        "{warnings:#?}"
    );
    // The prefix is kept for exports.
    assert_eq!(items[4]["prefix"], "1.");
    // Scores from a contained CodeSystem's itemWeight property.
    let values: Vec<&Value> = items[5]["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["value"])
        .collect();
    assert_eq!(values, [&json!(0.0), &json!(4.0)]);
}

#[test]
fn linkids_that_are_not_svar_ids_are_kept_and_exported_again() {
    let q = json!({
        "resourceType": "Questionnaire", "name": "lenker", "status": "active", "language": "nb-NO",
        "item": [{"linkId": "H1", "type": "group", "text": "Del 1", "item": [
            {"linkId": "H1/Q1", "type": "boolean", "text": "Røyker du?"},
            {"linkId": "H1/Q2", "type": "integer", "text": "Hvor mange om dagen?",
             "extension": [{"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueInteger": 0},
                           {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueInteger": 80}],
             "enableWhen": [{"question": "H1/Q1", "operator": "=", "answerBoolean": true}]},
        ]}]
    });
    let imported = import(&q).unwrap_or_else(|e| panic!("{e}"));
    let form: Value = serde_json::from_str(&imported.json).expect("json");
    let items = &form["pages"][0]["items"];
    assert_eq!(
        (&items[0]["id"], &items[0]["link_id"]),
        (&json!("h1_q1"), &json!("H1/Q1"))
    );
    let back = svar_import::fhir::export::questionnaire(&form, &"0".repeat(64)).expect("exports");
    let group = &back["item"][0];
    assert_eq!(group["linkId"], "H1");
    assert_eq!(group["item"][0]["linkId"], "H1/Q1");
    assert_eq!(group["item"][1]["enableWhen"][0]["question"], "H1/Q1");
}

#[test]
fn helsenorge_section_scores_and_a_well_known_loinc_answer_list_are_read() {
    let scoring = |code: &str| json!([{"system": "http://ehelse.no/fhir/CodeSystem/scoringFormulas", "code": code}]);
    let question = |link: &str| {
        json!({"linkId": link, "type": "choice", "text": format!("Spørsmål {link}"), "code": scoring("QS"),
               "answerValueSet": "http://loinc.org/vs/LL358-3"})
    };
    let q = json!({
        "resourceType": "Questionnaire", "name": "seksjoner", "status": "active", "language": "nb-NO",
        "item": [
            {"linkId": "s1", "type": "group", "text": "Del 1", "item": [
                question("a"), question("b"),
                {"linkId": "sum1", "type": "quantity", "text": "Sum del 1", "code": scoring("SS")}]},
            {"linkId": "s2", "type": "group", "text": "Del 2", "item": [
                question("c"),
                {"linkId": "total", "type": "quantity", "text": "Totalt", "code": scoring("TS")}]},
        ]
    });
    let imported = import(&q).unwrap_or_else(|e| panic!("{e}"));
    let form: Value = serde_json::from_str(&imported.json).expect("json");
    assert_eq!(
        form["pages"][0]["items"][0]["options"][3],
        json!({"value": 3.0, "label": {"nb": "Nearly every day"}})
    );
    let scores: Vec<(Value, Value)> = form["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].clone(), s["items"].clone()))
        .collect();
    assert_eq!(
        scores,
        [
            (json!("sum1"), json!(["a", "b"])),
            (json!("total"), json!(["a", "b", "c"]))
        ]
    );
}
