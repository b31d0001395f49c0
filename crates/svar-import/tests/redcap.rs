//! REDCap data dictionaries written here (a Danish one with REDCap's own header, a bokmål one
//! with the API's column names) and the Svar forms each must give.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use svar_forms::text::Lang;
use svar_import::{ImportError, Imported};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn one(name: &str, lang: Lang) -> (Value, Imported) {
    let imported = svar_import::import(&fixture(name), lang)
        .expect("a dictionary")
        .remove(0)
        .unwrap_or_else(|e| panic!("{e}"));
    (
        serde_json::from_str(&imported.json).expect("json"),
        imported,
    )
}

fn item<'f>(form: &'f Value, id: &str) -> &'f Value {
    form["pages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["items"].as_array().unwrap())
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{id}"))
}

#[test]
fn a_danish_dictionary_with_redcaps_own_header_becomes_its_form() {
    let (form, imported) = one("ryg_da.csv", Lang::Da);
    assert_eq!(form["id"], "ryg_opfolgning");
    assert_eq!(form["languages"], json!(["da"]));
    // Section headers start pages, a matrix group is a grid.
    let pages: Vec<(&str, Option<&str>)> = form["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["display"].as_str()))
        .collect();
    assert_eq!(
        pages,
        [("page_1", None), ("humor", Some("grid")), ("page_3", None)]
    );
    assert_eq!(form["pages"][0]["title"], json!({"da": "Om din ryg"}));
    assert_eq!(
        item(&form, "intro"),
        &json!({"id": "intro", "type": "info", "text": {"da": "Svar på spørgsmålene om de sidste 14 dage."}})
    );
    assert_eq!(
        item(&form, "smerte"),
        &json!({"id": "smerte", "type": "single_choice", "text": {"da": "Hvor ondt har du haft?"}, "required": true,
                "options": [{"value": 0.0, "label": {"da": "Ingen"}}, {"value": 1.0, "label": {"da": "Lidt"}}, {"value": 2.0, "label": {"da": "Meget"}}]})
    );
    assert_eq!(item(&form, "arbejde")["type"], "yes_no");
    assert_eq!(item(&form, "hum2")["scale"], "humor");
    assert_eq!(
        form["scales"]["humor"]["options"][2],
        json!({"value": 2.0, "label": {"da": "Ofte"}})
    );
    assert_eq!(
        item(&form, "timer"),
        &json!({"id": "timer", "type": "number", "text": {"da": "Hvor mange timer om ugen?"}, "help": {"da": "Et helt tal"},
                "show_if": {"item": "arbejde", "op": "equals", "value": 1.0}, "min": 0.0, "max": 80.0})
    );
    assert_eq!(
        (
            &item(&form, "vaegt")["decimals"],
            &item(&form, "vaegt")["max"]
        ),
        (&json!(2), &json!(250.0))
    );
    assert_eq!(item(&form, "hvor")["type"], "multiple_choice");
    assert_eq!(
        item(&form, "hvor")["show_if"],
        json!({"item": "smerte", "op": "not_equals", "value": 0.0})
    );
    assert_eq!(
        item(&form, "mere")["show_if"],
        json!({"all": [{"item": "hvor", "op": "contains", "value": 3.0}, {"item": "smerte", "op": "equals", "value": 2.0}]})
    );
    assert_eq!(item(&form, "mere")["type"], "text");
    assert_eq!(item(&form, "dato")["type"], "date");
    assert_eq!(
        item(&form, "tilfreds")["anchors"],
        json!({"min": {"da": "Slet ikke"}, "max": {"da": "Meget"}})
    );
    assert_eq!(
        form["scores"],
        json!([{"id": "humor_sum", "label": {"da": "Humør i alt"}, "kind": "sum", "items": ["hum1", "hum2"]}])
    );
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
}

#[test]
fn a_bokmal_dictionary_with_the_apis_column_names_numbers_its_word_codes() {
    let (form, imported) = one("arbeid_nb_api.csv", Lang::Nb);
    assert_eq!(form["languages"], json!(["nb"]));
    let job = item(&form, "jobb");
    assert_eq!(
        job["options"][2],
        json!({"value": 3.0, "label": {"nb": "Annet"}})
    );
    assert_eq!(
        item(&form, "annet_tekst")["show_if"],
        json!({"item": "jobb", "op": "equals", "value": 3.0})
    );
    let warnings: Vec<String> = imported.warnings.iter().map(ToString::to_string).collect();
    assert!(
        warnings.iter().any(|w| w.starts_with("sheet `arbeid_nb_api.csv`, cell F2 (column `select_choices_or_calculations`): the choices' codes are not numbers")),
        "{warnings:#?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("cell D3 (column `field_type`): true/false is asked as yes/no")),
        "{warnings:#?}"
    );
}

#[test]
fn a_dictionary_with_a_wrong_header_is_refused_at_its_first_line() {
    let Err(ImportError::Refused(notes)) =
        svar_import::import(&fixture("wrong_header.csv"), Lang::Nb)
    else {
        panic!("refused");
    };
    assert_eq!(
        notes[0].place.to_string(),
        "sheet `wrong_header.csv`, row 1"
    );
    assert!(
        notes[0]
            .message
            .contains("lacks `field_name`, `form_name`, `field_type`, `field_label`"),
        "{}",
        notes[0].message
    );
}
