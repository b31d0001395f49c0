//! The checked-in JSON Schemas match the Rust types, and every file points at its schema.

mod common;

use svar_forms::schema;

#[test]
fn checked_in_form_schema_matches_the_types() {
    let on_disk = std::fs::read_to_string(common::root().join("forms/schema.json")).expect("read");
    assert!(
        on_disk == schema::to_file_text(&schema::form_schema()),
        "forms/schema.json is out of date: run `cargo run -- schema > forms/schema.json`"
    );
}

#[test]
fn checked_in_battery_schema_matches_the_types() {
    let on_disk =
        std::fs::read_to_string(common::root().join("forms/battery.schema.json")).expect("read");
    assert!(
        on_disk == schema::to_file_text(&schema::battery_schema()),
        "forms/battery.schema.json is out of date: run `cargo run -- schema --battery > forms/battery.schema.json`"
    );
}

#[test]
fn every_shipped_file_references_its_schema() {
    let forms = common::root().join("forms");
    for path in common::json_files(&forms) {
        let name = path.file_name().unwrap().to_string_lossy();
        if name.ends_with("schema.json") {
            continue;
        }
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(value["$schema"], "schema.json", "{name}");
    }
    for path in common::json_files(&forms.join("batteries")) {
        let value: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            value["$schema"],
            "../battery.schema.json",
            "{}",
            path.display()
        );
    }
}

#[test]
fn the_cli_prints_the_same_schema() {
    let out = common::svar(&["schema"]);
    assert!(out.status.success());
    assert_eq!(
        common::stdout(&out),
        schema::to_file_text(&schema::form_schema())
    );
}
