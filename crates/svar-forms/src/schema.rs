//! JSON Schemas of form and battery files, generated from the Rust types so they never drift.

use crate::battery::RawBattery;
use crate::form::raw::RawForm;
use serde_json::Value;

/// The schema of form files (checked in as `forms/schema.json`).
pub fn form_schema() -> Value {
    serde_json::to_value(schemars::schema_for!(RawForm)).unwrap_or_default()
}

/// The schema of battery files (checked in as `forms/battery.schema.json`).
pub fn battery_schema() -> Value {
    serde_json::to_value(schemars::schema_for!(RawBattery)).unwrap_or_default()
}

/// Pretty JSON with a final newline, as the schema files are checked in.
pub fn to_file_text(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}
