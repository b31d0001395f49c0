//! The CSV export: one wide table per form, its columns (bundle fields, items, scores, bands,
//! flags), the cells as a spreadsheet should read them, and the codebook.

use super::{
    ExportError, FORMULA_NOTE, MISSING_NOTE, NOT_IN_FORM_NOTE, SIGNATURE_NOTE, UNKNOWN_FORM_NOTE,
    write_file,
};
use crate::{Bundle, FormHashes, FormRecord, IdType, Status};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use svar_forms::battery::Timepoint;
use svar_forms::form::{Form, Item, ItemKind};
use svar_forms::library;
use svar_forms::score::number_json;
use svar_forms::text::Lang;

/// The form files of the forms folder, by id, with the hashes of their files.
#[derive(Default)]
pub(super) struct FormLibrary {
    forms: BTreeMap<String, Arc<Form>>,
    hashes: FormHashes,
}

impl FormLibrary {
    /// The form file with this id, when the forms folder has it.
    pub(super) fn form(&self, id: &str) -> Option<&Form> {
        self.forms.get(id).map(|f| &**f)
    }

    pub(super) fn load(dir: Option<&Path>) -> Result<FormLibrary, ExportError> {
        let Some(dir) = dir else {
            return Ok(FormLibrary::default());
        };
        if !dir.is_dir() {
            return Err(ExportError::FormsFolder {
                dir: dir.to_owned(),
            });
        }
        // Forms that do not load count as not found; `svar validate` says why.
        let loaded = library::load_paths(&[dir.to_owned()], None);
        Ok(FormLibrary {
            hashes: FormHashes::of_loaded(&loaded),
            forms: loaded.forms,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// CSV
// ---------------------------------------------------------------------------------------------

/// The columns every form's CSV starts with, about the bundle and the form record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meta {
    BundleId,
    PatientId,
    PatientIdType,
    Site,
    Kiosk,
    Battery,
    BatteryVersion,
    Timepoint,
    Arm,
    Consent,
    Language,
    Started,
    Finished,
    Status,
    FormVersion,
    FormSha256,
}

impl Meta {
    const ALL: [Meta; 16] = [
        Meta::BundleId,
        Meta::PatientId,
        Meta::PatientIdType,
        Meta::Site,
        Meta::Kiosk,
        Meta::Battery,
        Meta::BatteryVersion,
        Meta::Timepoint,
        Meta::Arm,
        Meta::Consent,
        Meta::Language,
        Meta::Started,
        Meta::Finished,
        Meta::Status,
        Meta::FormVersion,
        Meta::FormSha256,
    ];

    /// Column name, codebook type and codebook label.
    fn describe(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Meta::BundleId => ("bundle_id", "uuid", "Bundle id (UUID v7)"),
            Meta::PatientId => ("patient_id", "text", "Patient identifier as entered"),
            Meta::PatientIdType => ("patient_id_type", "choice", "Kind of patient identifier"),
            Meta::Site => ("site", "text", "Site id"),
            Meta::Kiosk => ("kiosk", "text", "Kiosk id"),
            Meta::Battery => ("battery", "text", "Battery id (empty for a single form)"),
            Meta::BatteryVersion => ("battery_version", "text", "Battery version"),
            Meta::Timepoint => ("timepoint", "choice", "Visit"),
            Meta::Arm => ("arm", "text", "Study arm"),
            Meta::Consent => ("consent", "boolean", "Consent as recorded by staff"),
            Meta::Language => ("language", "choice", "Language the patient answered in"),
            Meta::Started => ("started", "time", "When the session started (UTC)"),
            Meta::Finished => ("finished", "time", "When the session ended (UTC)"),
            Meta::Status => ("status", "choice", "How the session ended"),
            Meta::FormVersion => ("form_version", "text", "Form version"),
            Meta::FormSha256 => ("form_sha256", "text", "SHA-256 of the form file used"),
        }
    }

    /// The codebook's `values` for columns with a fixed set of values.
    fn values(self) -> String {
        match self {
            Meta::PatientIdType => options(IdType::ALL.map(IdType::as_str)),
            Meta::Timepoint => options(
                [
                    Timepoint::Baseline,
                    Timepoint::Month6,
                    Timepoint::Month12,
                    Timepoint::Screening,
                ]
                .map(|t| serde_name(&t)),
            ),
            Meta::Consent => options(["true", "false"]),
            Meta::Language => options(Lang::ALL.map(Lang::code)),
            Meta::Status => options(
                [Status::Complete, Status::Abandoned, Status::Timeout].map(|s| serde_name(&s)),
            ),
            Meta::Started | Meta::Finished => "RFC 3339, to the second".into(),
            _ => String::new(),
        }
    }

    fn cell(self, b: &Bundle, record: &FormRecord) -> String {
        let battery = b.battery.as_ref();
        match self {
            Meta::BundleId => b.bundle_id.to_string(),
            Meta::PatientId => b.patient.id.clone(),
            Meta::PatientIdType => b.patient.id_type.as_str().into(),
            Meta::Site => b.site.clone(),
            Meta::Kiosk => b.kiosk.clone(),
            Meta::Battery => battery.map(|r| r.id.clone()).unwrap_or_default(),
            Meta::BatteryVersion => battery.map(|r| r.version.clone()).unwrap_or_default(),
            Meta::Timepoint => b.timepoint.map(|t| serde_name(&t)).unwrap_or_default(),
            Meta::Arm => b.arm.clone().unwrap_or_default(),
            Meta::Consent => b.consent.map(|c| c.to_string()).unwrap_or_default(),
            Meta::Language => b.language.code().into(),
            Meta::Started => b.started.to_string(),
            Meta::Finished => b.finished.to_string(),
            Meta::Status => serde_name(&b.status),
            Meta::FormVersion => record.version.clone(),
            Meta::FormSha256 => record.sha256.clone(),
        }
    }
}

/// The name a unit enum variant has in bundles (`month_6`, `timeout`, …).
fn serde_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(name)) => name,
        _ => String::new(),
    }
}

/// Values for the codebook, joined with ` | `.
fn options<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> String {
    let values: Vec<String> = values.into_iter().map(|v| v.as_ref().to_owned()).collect();
    values.join(" | ")
}

/// A number as a JSON number: `.` for decimals, whole numbers without a fraction.
fn number_cell(value: f64) -> String {
    number_json(value).to_string()
}

/// An answer (as an answers file gives it) as one CSV cell.
///
/// Numbers are written as JSON numbers and texts and dates (`YYYY-MM-DD`) as they are. A list
/// of values (multiple choice, body-map regions) is joined with `;`; a list of lists is a
/// signature's strokes and is written as how many there are. An empty list is an empty cell.
fn answer_cell(answer: &Value) -> String {
    match answer {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), number_cell),
        Value::String(text) => text.clone(),
        Value::Array(strokes) if !strokes.is_empty() && strokes.iter().all(Value::is_array) => {
            strokes.len().to_string()
        }
        Value::Array(values) => {
            let cells: Vec<String> = values.iter().map(answer_cell).collect();
            cells.join(";")
        }
        // Not an answer shape the format has; kept whole rather than lost.
        Value::Object(_) => answer.to_string(),
    }
}

/// `cell` as a spreadsheet cannot run it: a cell a spreadsheet would take for a formula (it
/// begins with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, as OWASP
/// advises, unless it is numbers only (`-2`, `-0.5;3`), which a spreadsheet reads as numbers.
fn spreadsheet_safe(cell: String) -> String {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let numbers = || {
        cell.split(';')
            .all(|n| n.parse::<f64>().is_ok_and(f64::is_finite))
    };
    if risky && !numbers() {
        format!("'{cell}")
    } else {
        cell
    }
}

/// What a CSV column holds.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    Meta(Meta),
    Item(String),
    Score(String),
    Band(String),
    Flags,
}

impl Source {
    /// The codebook `kind`.
    fn kind(&self) -> &'static str {
        match self {
            Source::Meta(_) => "meta",
            Source::Item(_) => "item",
            Source::Score(_) => "score",
            Source::Band(_) => "band",
            Source::Flags => "flags",
        }
    }

    fn cell(&self, b: &Bundle, record: &FormRecord) -> String {
        match self {
            Source::Meta(m) => m.cell(b, record),
            // A question without an answer says why, in the words of the bundle's `missing`.
            Source::Item(id) => match record.answers.get(id) {
                Some(answer) => answer_cell(answer),
                None => record.missing.get(id).map(serde_name).unwrap_or_default(),
            },
            Source::Score(id) => record
                .scores
                .get(id)
                .and_then(|s| s.value)
                .map(number_cell)
                .unwrap_or_default(),
            Source::Band(id) => record
                .scores
                .get(id)
                .and_then(|s| s.band.clone())
                .unwrap_or_default(),
            Source::Flags => record.flags.join(";"),
        }
    }
}

/// A column of a form's CSV.
#[derive(Debug)]
struct Column {
    name: String,
    source: Source,
}

/// One form's rows: the form file when the forms folder has it, and the records in row order.
struct FormTable<'a> {
    id: &'a str,
    form: Option<&'a Form>,
    rows: Vec<(&'a Bundle, &'a FormRecord)>,
}

impl FormTable<'_> {
    /// Item ids: the form file's answerable items in order, then those only bundles have,
    /// sorted.
    fn item_ids(&self) -> Vec<String> {
        let ids = self
            .form
            .map(|f| {
                f.items
                    .iter()
                    .filter(|i| !matches!(i.kind, ItemKind::Info { .. }))
                    .map(|i| i.id.to_string())
                    .collect()
            })
            .unwrap_or_default();
        then_seen(ids, self.rows.iter().flat_map(|(_, r)| r.answers.keys()))
    }

    /// Score ids: the form file's in order, then those only bundles have, sorted.
    fn score_ids(&self) -> Vec<String> {
        let ids = self
            .form
            .map(|f| f.scores.iter().map(|s| s.id.to_string()).collect())
            .unwrap_or_default();
        then_seen(ids, self.rows.iter().flat_map(|(_, r)| r.scores.keys()))
    }

    /// The columns in order. An item, score or band whose plain name is already a column
    /// (the consent form's `consent` item and the `consent` column, an item and a score with
    /// the same id) is written `<kind>:<name>`: ids have no `:`, so that name is free.
    fn columns(&self) -> Vec<Column> {
        let mut columns: Vec<Column> = Meta::ALL
            .iter()
            .map(|&m| Column {
                name: m.describe().0.to_owned(),
                source: Source::Meta(m),
            })
            .collect();
        let mut used: HashSet<String> = columns.iter().map(|c| c.name.clone()).collect();
        used.insert("flags".into());
        let mut add = |name: String, source: Source| {
            let mut unique = name.clone();
            let mut n = 1;
            while used.contains(&unique) {
                // Only a bundle that names an item `item:x` could get here twice.
                unique = match n {
                    1 => format!("{}:{name}", source.kind()),
                    _ => format!("{}:{name}#{n}", source.kind()),
                };
                n += 1;
            }
            used.insert(unique.clone());
            columns.push(Column {
                name: unique,
                source,
            });
        };
        for id in self.item_ids() {
            add(id.clone(), Source::Item(id));
        }
        for id in self.score_ids() {
            add(id.clone(), Source::Score(id.clone()));
            add(format!("{id}_band"), Source::Band(id));
        }
        columns.push(Column {
            name: "flags".into(),
            source: Source::Flags,
        });
        columns
    }

    /// The CSV file: header, then one row per record.
    fn csv(&self, columns: &[Column]) -> io::Result<Vec<u8>> {
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(columns.iter().map(|c| c.name.as_str()))?;
        for (b, record) in &self.rows {
            out.write_record(
                columns
                    .iter()
                    .map(|c| spreadsheet_safe(c.source.cell(b, record))),
            )?;
        }
        out.into_inner().map_err(|e| e.into_error())
    }

    /// The codebook rows of this form: `form, column, kind, type, label, values, notes`.
    fn codebook(&self, columns: &[Column], hashes: &FormHashes) -> Vec<[String; 7]> {
        columns
            .iter()
            .map(|c| {
                let (kind_type, label, values, mut notes) = self.describe(&c.source, hashes);
                if kind_type == "text" || kind_type == "unknown" {
                    if !notes.is_empty() {
                        notes.push_str("; ");
                    }
                    notes.push_str(FORMULA_NOTE);
                }
                [
                    self.id.to_owned(),
                    c.name.clone(),
                    c.source.kind().to_owned(),
                    kind_type,
                    label,
                    values,
                    notes,
                ]
            })
            .collect()
    }

    /// A column's type, label, values and notes.
    fn describe(&self, source: &Source, hashes: &FormHashes) -> (String, String, String, String) {
        let missing_note = || match self.form {
            None => UNKNOWN_FORM_NOTE.to_owned(),
            Some(_) => NOT_IN_FORM_NOTE.to_owned(),
        };
        let form = self.form;
        match source {
            Source::Meta(m) => {
                let (_, kind_type, label) = m.describe();
                let notes = match m {
                    Meta::FormSha256 => self.other_file_note(hashes),
                    _ => String::new(),
                };
                (kind_type.into(), label.into(), m.values(), notes)
            }
            Source::Item(id) => match form.and_then(|f| f.item_ix(id).map(|ix| f.item(ix))) {
                Some(item) => {
                    let (values, notes) = item_values(item);
                    let notes = [notes.as_str(), MISSING_NOTE]
                        .into_iter()
                        .filter(|n| !n.is_empty())
                        .collect::<Vec<_>>()
                        .join("; ");
                    (item.kind.type_name().into(), en(&item.text), values, notes)
                }
                None => (
                    "unknown".into(),
                    String::new(),
                    String::new(),
                    missing_note(),
                ),
            },
            Source::Score(id) => {
                match form.and_then(|f| f.score_ix(id).map(|ix| &f.scores[ix.0])) {
                    Some(score) => (
                        "number".into(),
                        en(&score.label),
                        format!(
                            "{} to {}",
                            number_cell(score.range.0),
                            number_cell(score.range.1)
                        ),
                        "empty when too few items were answered to score".into(),
                    ),
                    None => (
                        "number".into(),
                        String::new(),
                        String::new(),
                        missing_note(),
                    ),
                }
            }
            Source::Band(id) => {
                let score = form.and_then(|f| f.score_ix(id).map(|ix| &f.scores[ix.0]));
                let mut values: Vec<String> = score
                    .map(|s| {
                        s.bands
                            .iter()
                            .map(|b| format!("{}={}", b.id, en(&b.label)))
                            .collect()
                    })
                    .unwrap_or_default();
                let known: HashSet<&str> = score
                    .map(|s| s.bands.iter().map(|b| b.id.as_str()).collect())
                    .unwrap_or_default();
                let seen: BTreeSet<&str> = self
                    .rows
                    .iter()
                    .filter_map(|(_, r)| r.scores.get(id)?.band.as_deref())
                    .filter(|band| !known.contains(band))
                    .collect();
                values.extend(seen.into_iter().map(str::to_owned));
                let label = score.map(|s| format!("Band of: {}", en(&s.label)));
                let overridden = self
                    .rows
                    .iter()
                    .filter(|(_, r)| r.band_overrides.contains_key(id))
                    .count();
                let mut notes = Vec::new();
                if score.is_none() {
                    notes.push(missing_note());
                }
                if overridden > 0 {
                    notes.push(format!(
                        "{overridden} bundle(s) used a battery's study-specific cut-offs \
                         instead of the form's bands (see band_overrides in the JSONL export)"
                    ));
                }
                (
                    "choice".into(),
                    label.unwrap_or_default(),
                    options(values),
                    notes.join("; "),
                )
            }
            Source::Flags => {
                let values = form
                    .map(|f| {
                        options(
                            f.flags
                                .iter()
                                .map(|fl| format!("{}={}", fl.id, en(&fl.label))),
                        )
                    })
                    .unwrap_or_default();
                let mut notes = "ids of the flags raised, joined with ;".to_owned();
                if form.is_none() {
                    notes = format!("{notes}; {UNKNOWN_FORM_NOTE}");
                }
                (
                    "list".into(),
                    "Flags raised by the answers".into(),
                    values,
                    notes,
                )
            }
        }
    }

    /// A note when bundles were made with another file of this form than the forms folder's,
    /// whose labels and values the codebook gives.
    fn other_file_note(&self, hashes: &FormHashes) -> String {
        let Some(ours) = hashes.get(self.id) else {
            return String::new();
        };
        let other = self.rows.iter().filter(|(_, r)| r.sha256 != ours).count();
        if other == 0 {
            return String::new();
        }
        format!(
            "{other} of {} bundle(s) were made with another file of this form than the one in \
             the forms folder, which the labels and values here come from",
            self.rows.len()
        )
    }
}

/// `ids` followed by the `seen` ids it lacks, sorted and each once.
fn then_seen<'a>(mut ids: Vec<String>, seen: impl Iterator<Item = &'a String>) -> Vec<String> {
    let known: HashSet<String> = ids.iter().cloned().collect();
    let extra: BTreeSet<&String> = seen.filter(|id| !known.contains(*id)).collect();
    ids.extend(extra.into_iter().cloned());
    ids
}

/// A text in English (or the form's first language when it has no English).
fn en(text: &svar_forms::text::Text) -> String {
    text.get(Lang::En).to_owned()
}

/// The codebook's values and notes of an item.
fn item_values(item: &Item) -> (String, String) {
    let range = |min: String, max: String| format!("{min} to {max}");
    let pairs = |choices: &[svar_forms::form::Choice]| {
        options(
            choices
                .iter()
                .map(|c| format!("{}={}", number_cell(c.value), en(&c.label))),
        )
    };
    match &item.kind {
        ItemKind::SingleChoice { options, .. } => (pairs(options), String::new()),
        ItemKind::MultipleChoice { options, .. } => {
            (pairs(options), "the values chosen, joined with ;".into())
        }
        ItemKind::YesNo => ("0=no | 1=yes".into(), String::new()),
        ItemKind::Rating { min, max, .. } => {
            (range(min.to_string(), max.to_string()), String::new())
        }
        ItemKind::Slider { min, max, .. } => {
            (range(number_cell(*min), number_cell(*max)), String::new())
        }
        ItemKind::Number {
            min,
            max,
            decimals,
            unit,
        } => {
            let mut notes = format!("up to {decimals} decimal(s)");
            if let Some(unit) = unit {
                notes = format!("{notes}; unit: {}", en(unit));
            }
            (range(number_cell(*min), number_cell(*max)), notes)
        }
        ItemKind::Text { max_length } => (
            String::new(),
            format!("free text, at most {max_length} characters"),
        ),
        ItemKind::Date { min, max } => {
            let show =
                |d: &Option<svar_forms::answer::Date>| d.map_or("any".into(), |d| d.to_string());
            let values = if min.is_some() || max.is_some() {
                range(show(min), show(max))
            } else {
                String::new()
            };
            (values, "YYYY-MM-DD".into())
        }
        ItemKind::BodyMap { regions, .. } => (
            options(regions.iter().map(|r| format!("{}={}", r.id, en(&r.label)))),
            "the regions chosen, joined with ;".into(),
        ),
        ItemKind::Signature => (String::new(), SIGNATURE_NOTE.into()),
        ItemKind::Info { .. } => (String::new(), String::new()),
    }
}

/// Writes one CSV per form and the codebook; returns the files written.
pub(super) fn write_csv(
    bundles: &[Bundle],
    library: &FormLibrary,
    out_dir: &Path,
) -> Result<Vec<PathBuf>, ExportError> {
    let mut tables: BTreeMap<&str, FormTable> = BTreeMap::new();
    for b in bundles {
        for record in &b.forms {
            tables
                .entry(record.id.as_str())
                .or_insert_with(|| FormTable {
                    id: record.id.as_str(),
                    form: library.forms.get(&record.id).map(|f| f.as_ref()),
                    rows: Vec::new(),
                })
                .rows
                .push((b, record));
        }
    }
    let mut written = Vec::with_capacity(tables.len() + 1);
    let mut codebook = csv::Writer::from_writer(Vec::new());
    let codebook_path = out_dir.join("codebook.csv");
    let codebook_failed = |source: io::Error| ExportError::Write {
        path: codebook_path.clone(),
        source,
    };
    codebook
        .write_record(["form", "column", "kind", "type", "label", "values", "notes"])
        .map_err(|e| codebook_failed(e.into()))?;
    for (id, table) in &tables {
        let name = format!("{id}.csv");
        let columns = table.columns();
        let bytes = table.csv(&columns).map_err(|source| ExportError::Write {
            path: out_dir.join(&name),
            source,
        })?;
        written.push(write_file(out_dir, &name, &bytes)?);
        for row in table.codebook(&columns, &library.hashes) {
            codebook
                .write_record(&row)
                .map_err(|e| codebook_failed(e.into()))?;
        }
    }
    let bytes = codebook
        .into_inner()
        .map_err(|e| codebook_failed(e.into_error()))?;
    written.push(write_file(out_dir, "codebook.csv", &bytes)?);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cells_a_spreadsheet_would_run_get_a_leading_quote_and_numbers_stay_numbers() {
        for (cell, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+47 1234", "'+47 1234"),
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-inf", "'-inf"),
            ("-", "'-"),
            ("-2", "-2"),
            ("-0.25;3", "-0.25;3"),
            ("2=2", "2=2"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_safe(cell.into()), written, "{cell:?}");
        }
    }

    #[test]
    fn numbers_are_json_numbers_with_a_point_and_no_needless_fraction() {
        assert_eq!(answer_cell(&json!(2)), "2");
        assert_eq!(answer_cell(&json!(2.0)), "2");
        assert_eq!(answer_cell(&json!(37.5)), "37.5");
        assert_eq!(answer_cell(&json!(-0.25)), "-0.25");
        assert_eq!(number_cell(1e6), "1000000");
        assert_eq!(number_cell(0.1 + 0.2), "0.30000000000000004");
    }

    #[test]
    fn lists_join_with_semicolons_and_strokes_are_counted() {
        assert_eq!(answer_cell(&json!([1, 3])), "1;3");
        assert_eq!(answer_cell(&json!([0.5, 2])), "0.5;2");
        assert_eq!(answer_cell(&json!(["neck", "low_back"])), "neck;low_back");
        let strokes = json!([[[0.1, 0.2], [0.3, 0.4]], [[0.5, 0.5]], [[0.0, 1.0]]]);
        assert_eq!(answer_cell(&strokes), "3");
        assert_eq!(answer_cell(&json!([])), "");
    }

    #[test]
    fn texts_and_dates_are_kept_as_they_are_and_null_is_empty() {
        let text = "Fisker, \"sjef\"\nandre linje;";
        assert_eq!(answer_cell(&json!(text)), text);
        assert_eq!(answer_cell(&json!("2024-02-29")), "2024-02-29");
        assert_eq!(answer_cell(&Value::Null), "");
    }
}
