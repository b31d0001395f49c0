//! Sealed result bundles: the JSON document, its signature and its encryption.
//!
//! A finished, abandoned or timed-out session becomes a [`Bundle`]: who, where, when, and each
//! form's answers and scores. [`seal`] signs the bundle's JSON with the kiosk's own Ed25519
//! device key (minisign format), wraps bundle and signature in an envelope, encrypts the
//! envelope with age to every configured recipient and writes it atomically to the outbox.
//! [`open`] reverses this on the receiving side and tells apart every way a file can fail.
//! The layout is documented in `docs/bundle.md`.
//!
//! Signing comes first and the signature travels inside the encryption, because anyone with
//! a recipient's public key can make a valid age file: only the signature shows that a kiosk
//! made the bundle. The kiosk holds only public age keys, so it cannot read its own outbox.

use crate::answer::{Answer, AnswerError, AnswerProblem};
use crate::battery::{Battery, BatteryForm, Timepoint};
use crate::form::{Form, ItemIx, Severity};
use crate::id::BatteryId;
use crate::score::{self, number_json};
use crate::session::{AnswerOutcome, Missing, Session};
use crate::text::Lang;
use age::secrecy::ExposeSecret;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::{self, Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

/// The format and version of the bundle and of its envelope.
pub const FORMAT: &str = "svar-bundle/1";

/// The file name ending of sealed bundles in the outbox.
pub const EXTENSION: &str = ".svar.age";

/// The demo recipient (age public key); its identity is `assets/demo-keys/demo-identity.txt`.
const DEMO_RECIPIENT: &str = include_str!("../assets/demo-keys/demo-recipient.txt");
/// The demo device key (minisign secret key, not secret: it is in the repository).
const DEMO_DEVICE_KEY: &str = include_str!("../assets/demo-keys/demo-device.key");
/// The demo device public key, the kiosk key `svar open` trusts by default.
const DEMO_DEVICE_PUB: &str = include_str!("../assets/demo-keys/demo-device.key.pub");

// ---------------------------------------------------------------------------------------------
// The bundle document
// ---------------------------------------------------------------------------------------------

/// A point in time in UTC, to the second, written as RFC 3339 (`2026-11-23T11:42:05Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// Now.
    pub fn now() -> Timestamp {
        Timestamp::new(OffsetDateTime::now_utc())
    }

    /// `at` in UTC with the fraction of a second dropped: bundles record seconds.
    pub fn new(at: OffsetDateTime) -> Timestamp {
        let utc = at.to_offset(time::UtcOffset::UTC);
        Timestamp(utc - time::Duration::nanoseconds(i64::from(utc.nanosecond())))
    }

    /// The compact form used in file names: `20261123T114205Z`.
    pub fn compact(&self) -> String {
        let t = self.0;
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        OffsetDateTime::parse(&text, &Rfc3339)
            .map(Timestamp::new)
            .map_err(|_| serde::de::Error::custom("expected an RFC 3339 time"))
    }
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The patient confirmed "finished".
    Complete,
    /// Staff or the patient ended the session early.
    Abandoned,
    /// The idle time-out closed the session.
    Timeout,
}

impl Status {
    /// The name used in bundles.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Complete => "complete",
            Status::Abandoned => "abandoned",
            Status::Timeout => "timeout",
        }
    }
}

/// The kind of a patient identifier, as bundles record it.
pub use crate::patient_id::IdKind as IdType;

/// The patient a bundle is about.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patient {
    /// The identifier as entered.
    pub id: String,
    /// What kind of identifier it is.
    pub id_type: IdType,
}

impl fmt::Debug for Patient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The id is patient data: keep it out of logs and panic messages.
        f.debug_struct("Patient")
            .field("id", &"<hidden>")
            .field("id_type", &self.id_type)
            .finish()
    }
}

/// The battery a bundle answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatteryRef {
    /// Battery id.
    pub id: String,
    /// Battery version.
    pub version: String,
}

/// One score's result in a bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreRecord {
    /// The value; `null` when the missing-data rule is not met.
    #[serde(serialize_with = "plain_number")]
    pub value: Option<f64>,
    /// The band the value falls in.
    pub band: Option<String>,
    /// The band's flag for the clinician.
    #[serde(with = "severity_name")]
    pub severity: Severity,
}

/// One form of a bundle: what was answered and what it scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormRecord {
    /// Form id.
    pub id: String,
    /// Form version.
    pub version: String,
    /// SHA-256 of the form file, lower-case hex.
    pub sha256: String,
    /// Item id to answer, exactly as in a `svar score` answers file.
    pub answers: BTreeMap<String, Value>,
    /// Item id to the time its answer was (last) given.
    pub answered_at: BTreeMap<String, Timestamp>,
    /// Score id to result.
    pub scores: BTreeMap<String, ScoreRecord>,
    /// Flags raised, in the form's order.
    pub flags: Vec<String>,
    /// Score id to the source of the battery cut-offs used instead of the form's bands.
    pub band_overrides: BTreeMap<String, String>,
}

/// A sealed session's content (see `docs/bundle.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    /// Always [`FORMAT`].
    pub format: String,
    /// Unique id (UUID v7, so ids sort by time).
    pub bundle_id: Uuid,
    /// Site id.
    pub site: String,
    /// Kiosk id.
    pub kiosk: String,
    /// Version of the app that made the bundle.
    pub app_version: String,
    /// The patient.
    pub patient: Patient,
    /// The battery; `null` for a single form filled in with `svar fill --form`.
    pub battery: Option<BatteryRef>,
    /// The visit.
    pub timepoint: Option<Timepoint>,
    /// Study arm, if staff set one.
    pub arm: Option<String>,
    /// Whether staff recorded consent, if they were asked to.
    pub consent: Option<bool>,
    /// The language the patient answered in.
    pub language: Lang,
    /// When the session started.
    pub started: Timestamp,
    /// When it ended.
    pub finished: Timestamp,
    /// How it ended.
    pub status: Status,
    /// The forms, in battery order.
    pub forms: Vec<FormRecord>,
}

/// Writes whole numbers without a fraction, as `svar score` does.
fn plain_number<S: Serializer>(value: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    value.map_or(Value::Null, number_json).serialize(s)
}

/// [`Severity`] as its name in form files (`none`, `attention`, `alert`).
mod severity_name {
    use super::Severity;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the name.
    pub fn serialize<S: Serializer>(severity: &Severity, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match severity {
            Severity::None => "none",
            Severity::Attention => "attention",
            Severity::Alert => "alert",
        })
    }

    /// Reads the name.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Severity, D::Error> {
        match String::deserialize(d)?.as_str() {
            "none" => Ok(Severity::None),
            "attention" => Ok(Severity::Attention),
            "alert" => Ok(Severity::Alert),
            _ => Err(serde::de::Error::custom(
                "expected `none`, `attention` or `alert`",
            )),
        }
    }
}

/// An answer as JSON, exactly as an answers file gives it (see `docs/form-format.md`).
pub fn answer_to_json(answer: &Answer) -> Value {
    match answer {
        Answer::Number(v) => number_json(*v),
        Answer::Choices(values) => values.iter().map(|v| number_json(*v)).collect(),
        Answer::Text(text) => Value::String(text.clone()),
        Answer::Date(date) => Value::String(date.to_string()),
        Answer::Regions(regions) => regions.iter().cloned().map(Value::String).collect(),
        Answer::Strokes(strokes) => strokes
            .iter()
            .map(|stroke| {
                stroke
                    .iter()
                    .map(|[x, y]| Value::from(vec![*x, *y]))
                    .collect::<Value>()
            })
            .collect(),
    }
}

/// Who, where and when: what a bundle records besides the answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The bundle's id, chosen when the session starts so that every sealing attempt of the
    /// session makes the same bundle.
    pub bundle_id: Uuid,
    /// Site id.
    pub site: String,
    /// Kiosk id.
    pub kiosk: String,
    /// The patient.
    pub patient: Patient,
    /// The visit.
    pub timepoint: Option<Timepoint>,
    /// Study arm.
    pub arm: Option<String>,
    /// Consent recorded by staff.
    pub consent: Option<bool>,
    /// When the session started.
    pub started: Timestamp,
}

/// When each answer was given, by form index and item.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnswerTimes(HashMap<(usize, ItemIx), Timestamp>);

impl AnswerTimes {
    /// No times yet.
    pub fn new() -> AnswerTimes {
        AnswerTimes::default()
    }

    /// Records that an answer to `item` of form `form` was given at `at`; a later answer to
    /// the same item replaces the time.
    pub fn record(&mut self, form: usize, item: ItemIx, at: Timestamp) {
        self.0.insert((form, item), at);
    }

    /// The time of the answer to an item.
    pub fn get(&self, form: usize, item: ItemIx) -> Option<Timestamp> {
        self.0.get(&(form, item)).copied()
    }
}

/// SHA-256 of form files, by form id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FormHashes(HashMap<String, String>);

/// A form file that could not be read for its hash.
#[derive(Debug, thiserror::Error)]
#[error("{}: cannot read the form file to hash it: {source}", path.display())]
pub struct HashError {
    /// The file or folder.
    pub path: PathBuf,
    /// Why.
    pub source: io::Error,
}

impl FormHashes {
    /// No hashes.
    pub fn new() -> FormHashes {
        FormHashes::default()
    }

    /// Records the hash of the bytes of a form file; the first file recorded for an id wins.
    pub fn insert(&mut self, form_id: &str, bytes: &[u8]) {
        self.0
            .entry(form_id.to_owned())
            .or_insert_with(|| hex(&Sha256::digest(bytes)));
    }

    /// The hash of a form's file, lower-case hex.
    pub fn get(&self, form_id: &str) -> Option<&str> {
        self.0.get(form_id).map(String::as_str)
    }

    /// Hashes the form files of a forms folder as `library::load_paths` finds them: `*.json`
    /// files in sorted order, searched recursively, leaving out `batteries` folders, schema
    /// files and linked folders. When two files give the same id the first is kept, as the
    /// loader keeps it. Files that are not JSON objects with an `id` are skipped: they do not
    /// load as forms either.
    pub fn of_folder(dir: &Path) -> Result<FormHashes, HashError> {
        let mut hashes = FormHashes::new();
        hash_folder(dir, &mut hashes)?;
        Ok(hashes)
    }
}

fn hash_folder(dir: &Path, hashes: &mut FormHashes) -> Result<(), HashError> {
    let fail = |path: &Path| {
        let path = path.to_owned();
        move |source| HashError { path, source }
    };
    let mut entries: Vec<(PathBuf, bool)> = std::fs::read_dir(dir)
        .map_err(fail(dir))?
        .filter_map(Result::ok)
        .map(|e| (e.path(), e.file_type().is_ok_and(|t| t.is_dir())))
        .collect();
    entries.sort();
    let (dirs, files): (Vec<_>, Vec<_>) = entries.into_iter().partition(|e| e.1);
    for (path, _) in files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !name.ends_with(".json") || name == "schema.json" || name.ends_with(".schema.json") {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(fail(&path))?;
        if let Some(id) = serde_json::from_slice::<Value>(&bytes)
            .ok()
            .and_then(|v| v.get("id").and_then(Value::as_str).map(str::to_owned))
        {
            hashes.insert(&id, &bytes);
        }
    }
    for (path, _) in dirs {
        if path.file_name().is_some_and(|n| n != "batteries") {
            hash_folder(&path, hashes)?;
        }
    }
    Ok(())
}

/// `bytes` as lower-case hex, as bundles and receipts write SHA-256 digests.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a bundle could not be made from a session.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The hash of a form's file is not known.
    #[error(
        "form `{form}`: the form file's SHA-256 is not known (was it loaded from this forms folder?)"
    )]
    UnknownFormFile {
        /// The form id.
        form: String,
    },
}

impl Bundle {
    /// The bundle of a session. Every visible answer is recorded with its time from `times`
    /// (items without a recorded time are left out of `answered_at`), and every form is scored
    /// with the battery's cut-offs, also when the session ended early.
    pub fn from_session(
        session: &Session,
        meta: &Meta,
        times: &AnswerTimes,
        hashes: &FormHashes,
        status: Status,
        finished: Timestamp,
    ) -> Result<Bundle, BundleError> {
        let battery = session.battery();
        let forms = battery
            .forms
            .iter()
            .enumerate()
            .map(|(ix, member)| form_record(ix, member, session, times, hashes))
            .collect::<Result<_, _>>()?;
        Ok(Bundle {
            format: FORMAT.to_owned(),
            bundle_id: meta.bundle_id,
            site: meta.site.clone(),
            kiosk: meta.kiosk.clone(),
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            patient: meta.patient.clone(),
            battery: Some(BatteryRef {
                id: battery.id.to_string(),
                version: battery.version.to_string(),
            }),
            timepoint: meta.timepoint,
            arm: meta.arm.clone(),
            consent: meta.consent,
            language: session.lang(),
            started: meta.started,
            finished,
            status,
            forms,
        })
    }

    /// The file name this bundle is sealed under: `<finished, compact>-<bundle id>.svar.age`.
    pub fn file_name(&self) -> String {
        format!(
            "{}-{}{EXTENSION}",
            self.finished.compact(),
            self.bundle_id.as_hyphenated()
        )
    }
}

fn form_record(
    ix: usize,
    member: &BatteryForm,
    session: &Session,
    times: &AnswerTimes,
    hashes: &FormHashes,
) -> Result<FormRecord, BundleError> {
    let form = &member.form;
    let sha256 = hashes
        .get(form.id.as_str())
        .ok_or_else(|| BundleError::UnknownFormFile {
            form: form.id.to_string(),
        })?
        .to_owned();
    // The session drops hidden answers as it goes; dropping again keeps the bundle right even
    // for a session whose answers were set some other way.
    let mut answers = session.answers(ix).clone();
    answers.drop_hidden(form);
    let mut answer_json = BTreeMap::new();
    let mut answered_at = BTreeMap::new();
    for (i, item) in form.items.iter().enumerate() {
        if let Some(answer) = answers.get(ItemIx(i)) {
            answer_json.insert(item.id.to_string(), answer_to_json(answer));
            if let Some(at) = times.get(ix, ItemIx(i)) {
                answered_at.insert(item.id.to_string(), at);
            }
        }
    }
    let report = score::score(form, &answers, &member.overrides);
    Ok(FormRecord {
        id: form.id.to_string(),
        version: form.version.to_string(),
        sha256,
        answers: answer_json,
        answered_at,
        scores: report
            .scores
            .iter()
            .map(|s| {
                (
                    s.id.to_string(),
                    ScoreRecord {
                        value: s.value,
                        band: s.band.as_ref().map(ToString::to_string),
                        severity: s.severity,
                    },
                )
            })
            .collect(),
        flags: report.flags.iter().map(ToString::to_string).collect(),
        band_overrides: report
            .overridden
            .iter()
            .map(|(id, source)| (id.to_string(), source.clone()))
            .collect(),
    })
}

// ---------------------------------------------------------------------------------------------
// Filling in without the kiosk (`svar fill`)
// ---------------------------------------------------------------------------------------------

/// What `svar fill` completes.
#[derive(Debug, Clone)]
pub enum Subject {
    /// A whole battery.
    Battery(Arc<Battery>),
    /// One form, with its own bands (the bundle's `battery` is `null`).
    Form(Arc<Form>),
}

/// A filled-in bundle and the answers that were not kept.
#[derive(Debug, Clone)]
pub struct Filled {
    /// The bundle, status `complete`.
    pub bundle: Bundle,
    /// `(form id, item id)` of answers given for items that the other answers hide; like the
    /// kiosk, the session does not keep them.
    pub hidden: Vec<(String, String)>,
}

/// Why answers could not be filled in. Messages name forms and items, never answers.
#[derive(Debug, thiserror::Error)]
pub enum FillError {
    /// The answers file is not an object of forms.
    #[error("the answers file must be a JSON object from form id to an answers object")]
    NotAnObject,
    /// A form's answers are not an object.
    #[error("form `{0}`: the answers must be a JSON object from item id to answer")]
    NotAnswers(String),
    /// The answers file names a form that is not being filled in.
    #[error("the answers file names the form `{0}`, which is not part of what is being filled in")]
    UnknownForm(String),
    /// An answer does not fit its item.
    #[error("form `{form}`: {error}")]
    Answer {
        /// The form id.
        form: String,
        /// The item and the problem.
        error: AnswerError,
    },
    /// Required questions have no answer.
    #[error("required questions have no answer: {}", .0.join(", "))]
    Missing(Vec<String>),
    /// The battery or form is not offered in the language.
    #[error("the battery or form is not offered in the language `{0}`")]
    Language(Lang),
    /// The battery is not used at the time point.
    #[error("the battery is not used at the time point given (see its `timepoints`)")]
    Timepoint,
    /// The bundle could not be made.
    #[error(transparent)]
    Bundle(#[from] BundleError),
}

/// Fills in `subject` with `answers` (form id to an answers object as `svar score` reads it)
/// through the same [`Session`] the kiosk uses, and returns the completed bundle. Answers are
/// given in each form's visibility order, so an answer is never dropped because the answer
/// that shows its item came later in the file.
pub fn fill(
    subject: Subject,
    lang: Lang,
    answers: &Value,
    meta: &Meta,
    hashes: &FormHashes,
) -> Result<Filled, FillError> {
    let (battery, single_form) = match subject {
        Subject::Battery(battery) => (battery, false),
        Subject::Form(form) => (Arc::new(one_form_battery(form)), true),
    };
    if !battery.languages.contains(&lang) {
        return Err(FillError::Language(lang));
    }
    if !single_form
        && let Some(tp) = meta.timepoint
        && !battery.timepoints.contains(&tp)
    {
        return Err(FillError::Timepoint);
    }
    let mut session = Session::new(Arc::clone(&battery), lang);
    let mut times = AnswerTimes::new();
    for (ix, item, answer) in answers_in_order(&battery, answers)? {
        match session.answer(ix, item, Some(answer)) {
            AnswerOutcome::Accepted => times.record(ix, item, Timestamp::now()),
            AnswerOutcome::Rejected(problem) => {
                return Err(FillError::Answer {
                    form: session.form(ix).id.to_string(),
                    error: AnswerError {
                        item: session.form(ix).item(item).id.to_string(),
                        problem,
                    },
                });
            }
            AnswerOutcome::Cleared => {}
        }
    }
    let hidden = answers_not_kept(&session, answers);
    session.request_finish().map_err(|missing| {
        FillError::Missing(missing.iter().map(|m| missing_name(&session, m)).collect())
    })?;
    let mut bundle = Bundle::from_session(
        &session,
        meta,
        &times,
        hashes,
        Status::Complete,
        Timestamp::now(),
    )?;
    if single_form {
        bundle.battery = None;
    }
    Ok(Filled { bundle, hidden })
}

/// Reads an answers file's content (form id to an answers object, as `svar score` reads it) for
/// `battery` and lists its answers in the order to give them: forms in battery order, items in
/// each form's visibility order, so that an answer is never dropped because the answer that
/// shows its item comes later in the file. `null` answers are left out.
pub fn answers_in_order(
    battery: &Battery,
    answers: &Value,
) -> Result<Vec<(usize, ItemIx, Answer)>, FillError> {
    let by_form = answers.as_object().ok_or(FillError::NotAnObject)?;
    if let Some(unknown) = by_form.keys().find(|id| battery.member(id).is_none()) {
        return Err(FillError::UnknownForm(unknown.clone()));
    }
    let mut ordered = Vec::new();
    for (ix, member) in battery.forms.iter().enumerate() {
        let form = &member.form;
        let fail = |item: &str, problem| FillError::Answer {
            form: form.id.to_string(),
            error: AnswerError {
                item: item.to_owned(),
                problem,
            },
        };
        let Some(given) = by_form.get(form.id.as_str()) else {
            continue;
        };
        let given = given
            .as_object()
            .ok_or_else(|| FillError::NotAnswers(form.id.to_string()))?;
        let mut parsed: Vec<Option<Answer>> = vec![None; form.items.len()];
        for (id, value) in given {
            let item = form
                .item_ix(id)
                .ok_or_else(|| fail(id, AnswerProblem::UnknownItem))?;
            if !value.is_null() {
                parsed[item.0] = Some(
                    form.item(item)
                        .answer_from_json(value)
                        .map_err(|p| fail(id, p))?,
                );
            }
        }
        for &item in &form.visibility_order {
            if let Some(answer) = parsed[item.0].take() {
                ordered.push((ix, item, answer));
            }
        }
    }
    Ok(ordered)
}

/// `(form id, item id)` of answers in the file that the session did not keep: their items are
/// hidden by the other answers.
fn answers_not_kept(session: &Session, answers: &Value) -> Vec<(String, String)> {
    let mut hidden = Vec::new();
    for ix in 0..session.battery().forms.len() {
        let form = session.form(ix);
        let Some(given) = answers.get(form.id.as_str()).and_then(Value::as_object) else {
            continue;
        };
        for (id, _) in given.iter().filter(|(_, v)| !v.is_null()) {
            if form
                .item_ix(id)
                .is_some_and(|item| session.answers(ix).get(item).is_none())
            {
                hidden.push((form.id.to_string(), id.clone()));
            }
        }
    }
    hidden
}

fn missing_name(session: &Session, missing: &Missing) -> String {
    let form = session.form(missing.form);
    format!("{}/{}", form.id, form.item(missing.item).id)
}

/// A battery of one form with the form's own bands. It lists no time points: a single form
/// may be filled in at any.
fn one_form_battery(form: Arc<Form>) -> Battery {
    Battery {
        // A form id is a valid battery id: both follow the same rules.
        id: BatteryId::new_unchecked(form.id.as_str()),
        version: form.version.clone(),
        title: form.title.clone(),
        languages: form.languages.clone(),
        timepoints: Vec::new(),
        forms: vec![BatteryForm {
            form,
            overrides: Vec::new(),
        }],
    }
}

// ---------------------------------------------------------------------------------------------
// Keys
// ---------------------------------------------------------------------------------------------

/// A key file that could not be read, parsed or written. Messages never quote key material.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file could not be read.
    #[error("{}: cannot read the key file: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The file is not an age identity file.
    #[error("{}: not an age identity file ({reason})", path.display())]
    Identity {
        /// The file.
        path: PathBuf,
        /// What is wrong, without the file's content.
        reason: String,
    },
    /// The file holds no identity.
    #[error("{}: the identity file holds no identity", path.display())]
    NoIdentity {
        /// The file.
        path: PathBuf,
    },
    /// The file is not a usable minisign secret key.
    #[error("{}: not a usable device key ({reason})", path.display())]
    DeviceKey {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The file is not a minisign public key.
    #[error("{}: not a minisign public key ({reason})", path.display())]
    KioskKey {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The folder holds no `*.pub` file.
    #[error("{}: the folder holds no kiosk public key (*.pub)", folder.display())]
    NoKioskKeys {
        /// The folder.
        folder: PathBuf,
    },
    /// A key was not written because the file exists.
    #[error("{}: the file exists; a key file is never overwritten", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// A key file could not be written.
    #[error("{}: cannot write the key file: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The key generator failed.
    #[error("cannot generate a key: {0}")]
    Generate(String),
}

fn read_key_file(path: &Path) -> Result<String, KeyError> {
    std::fs::read_to_string(path).map_err(|source| KeyError::Read {
        path: path.to_owned(),
        source,
    })
}

/// Creates `path` (never replacing a file) readable by its owner only, writes `text` and
/// flushes it to disk.
fn write_new_file(path: &Path, text: &str, private: bool) -> Result<(), KeyError> {
    let fail = |source: io::Error| {
        if source.kind() == io::ErrorKind::AlreadyExists {
            KeyError::Exists {
                path: path.to_owned(),
            }
        } else {
            KeyError::Write {
                path: path.to_owned(),
                source,
            }
        }
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(fail)
}

/// The age identities a receiver decrypts bundles with.
pub struct Identities(Vec<Box<dyn age::Identity + Send + Sync>>);

impl fmt::Debug for Identities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secret keys.
        write!(f, "Identities({} key(s))", self.0.len())
    }
}

impl Identities {
    /// Reads an identity file as `age-keygen` writes it (comments, then `AGE-SECRET-KEY-1…`).
    pub fn load(path: &Path) -> Result<Identities, KeyError> {
        let text = read_key_file(path)?;
        let file = age::IdentityFile::from_buffer(text.as_bytes()).map_err(|e| {
            // age's message names the line, never its content.
            KeyError::Identity {
                path: path.to_owned(),
                reason: e.to_string(),
            }
        })?;
        let identities = file.into_identities().map_err(|e| KeyError::Identity {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        if identities.is_empty() {
            return Err(KeyError::NoIdentity {
                path: path.to_owned(),
            });
        }
        Ok(Identities(identities))
    }

    /// X25519 identities held in memory.
    pub fn from_x25519(identities: Vec<age::x25519::Identity>) -> Identities {
        Identities(
            identities
                .into_iter()
                .map(|i| Box::new(i) as Box<dyn age::Identity + Send + Sync>)
                .collect(),
        )
    }
}

/// Writes a new age identity file at `path` in `age-keygen`'s format and returns its public
/// key. An existing file is never replaced.
pub fn write_identity(path: &Path) -> Result<age::x25519::Recipient, KeyError> {
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public();
    let text = format!(
        "# created: {}\n# public key: {recipient}\n{}\n",
        Timestamp::now(),
        identity.to_string().expose_secret()
    );
    write_new_file(path, &text, true)?;
    Ok(recipient)
}

/// The demo recipient: bundles sealed to it open with `assets/demo-keys/demo-identity.txt`.
pub fn demo_recipient() -> age::x25519::Recipient {
    DEMO_RECIPIENT
        .trim()
        .parse()
        .expect("the embedded demo recipient parses (a unit test checks it)")
}

/// The minisign key id shown for a key: its 8-byte key number as 16 upper-case hex digits,
/// as `minisign` prints it.
fn key_id(keynum: &[u8]) -> String {
    keynum.iter().rev().map(|b| format!("{b:02X}")).collect()
}

/// The kiosk's own Ed25519 signing key (minisign format, stored without a password because
/// the kiosk starts unattended; the file is readable by its owner only).
#[derive(Clone)]
pub struct DeviceKey {
    secret: minisign::SecretKey,
    public: minisign::PublicKey,
}

impl fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secret key.
        write!(f, "DeviceKey({})", self.key_id())
    }
}

impl DeviceKey {
    /// A new random key.
    pub fn generate() -> Result<DeviceKey, KeyError> {
        // An empty password stores the key unencrypted, with its checksum.
        let pair = minisign::KeyPair::generate_encrypted_keypair(Some(String::new()))
            .map_err(|e| KeyError::Generate(e.to_string()))?;
        Ok(DeviceKey {
            secret: pair.sk,
            public: pair.pk,
        })
    }

    /// Reads a minisign secret key file written by [`DeviceKey::write`].
    pub fn load(path: &Path) -> Result<DeviceKey, KeyError> {
        DeviceKey::parse(&read_key_file(path)?).map_err(|reason| KeyError::DeviceKey {
            path: path.to_owned(),
            reason,
        })
    }

    /// The demo device key (its public key is what `svar open` trusts by default).
    pub fn demo() -> DeviceKey {
        DeviceKey::parse(DEMO_DEVICE_KEY)
            .expect("the embedded demo device key parses (a unit test checks it)")
    }

    fn parse(text: &str) -> Result<DeviceKey, String> {
        let secret = minisign::SecretKeyBox::from_string(text)
            .and_then(|b| b.into_secret_key(Some(String::new())))
            .map_err(|e| {
                format!("{e}; the kiosk needs a key without a password (svar keygen --device)")
            })?;
        let public = minisign::PublicKey::from_secret_key(&secret).map_err(|e| e.to_string())?;
        Ok(DeviceKey { secret, public })
    }

    /// Writes the secret key to `path` and the public key to `path` + `.pub`, returning the
    /// latter's path. Existing files are never replaced.
    pub fn write(&self, path: &Path) -> Result<PathBuf, KeyError> {
        let mut public_path = path.as_os_str().to_owned();
        public_path.push(".pub");
        let public_path = PathBuf::from(public_path);
        for p in [path, public_path.as_path()] {
            if p.exists() {
                return Err(KeyError::Exists { path: p.to_owned() });
            }
        }
        let generate = |e: minisign::PError| KeyError::Generate(e.to_string());
        let secret = self
            .secret
            .to_box(Some(&format!(
                "svar device key {} (no password)",
                self.key_id()
            )))
            .map_err(generate)?
            .into_string();
        let public = self.public.to_box().map_err(generate)?.into_string();
        write_new_file(path, &secret, true)?;
        write_new_file(&public_path, &public, false)?;
        Ok(public_path)
    }

    /// The public key to enrol on the receiving side.
    pub fn public_key(&self) -> &minisign::PublicKey {
        &self.public
    }

    /// The key id (16 hex digits), as recorded in envelopes.
    pub fn key_id(&self) -> String {
        key_id(self.public.keynum())
    }
}

/// The kiosk public keys a receiver trusts.
#[derive(Clone)]
pub struct KioskKeys(Vec<minisign::PublicKey>);

impl fmt::Debug for KioskKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<String> = self.0.iter().map(|k| key_id(k.keynum())).collect();
        write!(f, "KioskKeys({})", ids.join(", "))
    }
}

impl KioskKeys {
    /// These keys.
    pub fn new(keys: Vec<minisign::PublicKey>) -> KioskKeys {
        KioskKeys(keys)
    }

    /// The demo device's public key.
    pub fn demo() -> KioskKeys {
        KioskKeys(vec![parse_public_key(DEMO_DEVICE_PUB).expect(
            "the embedded demo public key parses (a unit test checks it)",
        )])
    }

    /// Every `*.pub` minisign public key in `folder`.
    pub fn load_folder(folder: &Path) -> Result<KioskKeys, KeyError> {
        let entries = std::fs::read_dir(folder).map_err(|source| KeyError::Read {
            path: folder.to_owned(),
            source,
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "pub") && p.is_file())
            .collect();
        paths.sort();
        if paths.is_empty() {
            return Err(KeyError::NoKioskKeys {
                folder: folder.to_owned(),
            });
        }
        paths
            .iter()
            .map(|path| {
                parse_public_key(&read_key_file(path)?).map_err(|reason| KeyError::KioskKey {
                    path: path.clone(),
                    reason,
                })
            })
            .collect::<Result<_, _>>()
            .map(KioskKeys)
    }

    fn find(&self, keynum: &[u8]) -> Option<&minisign::PublicKey> {
        self.0.iter().find(|k| k.keynum() == keynum)
    }
}

fn parse_public_key(text: &str) -> Result<minisign::PublicKey, String> {
    minisign::PublicKeyBox::from_string(text)
        .and_then(minisign::PublicKeyBox::into_public_key)
        .map_err(|e| e.to_string())
}

// ---------------------------------------------------------------------------------------------
// Sealing
// ---------------------------------------------------------------------------------------------

/// Why a bundle could not be sealed. Messages never include answers or patient ids.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// No recipient was configured.
    #[error("no recipient to encrypt the bundle to")]
    NoRecipients,
    /// The bundle could not be written as JSON.
    #[error("the bundle could not be written as JSON")]
    Json,
    /// Signing failed.
    #[error("cannot sign the bundle with the device key: {0}")]
    Sign(String),
    /// Encryption failed.
    #[error("cannot encrypt the bundle: {0}")]
    Encrypt(String),
    /// The outbox could not be written (full, read-only, missing, …).
    #[error("cannot write the bundle to the outbox {}: {source}", folder.display())]
    Write {
        /// The outbox folder.
        folder: PathBuf,
        /// Why.
        source: io::Error,
    },
}

/// Signs `bundle` with `signer`, encrypts the envelope to every recipient and writes it
/// atomically to `outbox` (which must exist) as [`Bundle::file_name`]. Returns the file's path.
pub fn seal(
    bundle: &Bundle,
    recipients: &[age::x25519::Recipient],
    signer: &DeviceKey,
    outbox: &Path,
) -> Result<PathBuf, SealError> {
    if recipients.is_empty() {
        return Err(SealError::NoRecipients);
    }
    let plaintext = envelope(bundle, signer)?;
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| SealError::Encrypt(e.to_string()))?;
    let mut sealed = Vec::with_capacity(plaintext.len() + 512);
    let mut writer = encryptor
        .wrap_output(&mut sealed)
        .map_err(|e| SealError::Encrypt(e.to_string()))?;
    writer
        .write_all(&plaintext)
        .and_then(|()| writer.finish().map(drop))
        .map_err(|e| SealError::Encrypt(e.to_string()))?;
    write_atomically(outbox, &bundle.file_name(), &sealed).map_err(|source| SealError::Write {
        folder: outbox.to_owned(),
        source,
    })
}

/// The signed envelope: `{"format", "bundle", "signature", "kiosk_key_id"}`, with the bundle's
/// JSON bytes placed exactly as they were signed.
fn envelope(bundle: &Bundle, signer: &DeviceKey) -> Result<Vec<u8>, SealError> {
    let bundle_json = serde_json::to_vec(bundle).map_err(|_| SealError::Json)?;
    let key_id = signer.key_id();
    let trusted = format!("{FORMAT} bundle:{} kiosk_key:{key_id}", bundle.bundle_id);
    let signature = minisign::sign(
        Some(&signer.public),
        &signer.secret,
        bundle_json.as_slice(),
        Some(&trusted),
        Some(&format!("svar bundle signature from kiosk key {key_id}")),
    )
    .map_err(|e| SealError::Sign(e.to_string()))?
    .into_string();
    let string = |s: &str| serde_json::to_vec(s).map_err(|_| SealError::Json);
    let mut out = Vec::with_capacity(bundle_json.len() + signature.len() + 128);
    out.extend_from_slice(b"{\"format\":");
    out.extend(string(FORMAT)?);
    out.extend_from_slice(b",\"bundle\":");
    out.extend(bundle_json);
    out.extend_from_slice(b",\"signature\":");
    out.extend(string(&signature)?);
    out.extend_from_slice(b",\"kiosk_key_id\":");
    out.extend(string(&key_id)?);
    out.extend_from_slice(b"}\n");
    Ok(out)
}

/// Writes `bytes` to `folder/name` so that the name only ever shows a complete file: write a
/// hidden temporary file in the same folder, flush it to disk, rename it, then flush the
/// folder so the rename itself survives a power cut. The temporary file is removed on failure.
/// An existing `folder/name` is replaced.
pub fn write_atomically(folder: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    let target = folder.join(name);
    let temp = folder.join(format!(".{name}.tmp"));
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
    };
    let mut file = match create() {
        // A crash during an earlier write of the same name left its temporary file: the name
        // is this function's, so remove it (a link is removed, never followed) and start over.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(&temp)?;
            create()?
        }
        other => other?,
    };
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&temp, &target));
    drop(file);
    if let Err(e) = written {
        // Best effort: the error that matters is the write's.
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    std::fs::File::open(folder)?.sync_all()?;
    Ok(target)
}

// ---------------------------------------------------------------------------------------------
// Opening
// ---------------------------------------------------------------------------------------------

/// Why a bundle file could not be opened. Each way a file can fail has its own variant; none
/// of the messages includes answers or patient ids.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The file could not be read.
    #[error("{}: cannot read the file: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// Not an age file at all.
    #[error("{}: not an age-encrypted file", path.display())]
    NotAge {
        /// The file.
        path: PathBuf,
    },
    /// The file ends early (inside the age header, or at a chunk boundary).
    #[error("{}: the file is truncated (it ends early; was it copied completely?)", path.display())]
    Truncated {
        /// The file.
        path: PathBuf,
    },
    /// None of the identities can decrypt the file.
    #[error("{}: the bundle is not encrypted to this identity (wrong key)", path.display())]
    WrongIdentity {
        /// The file.
        path: PathBuf,
    },
    /// Decryption failed authentication: the file was altered or cut short inside the payload.
    #[error(
        "{}: the file is damaged or was tampered with (decryption failed authentication)",
        path.display()
    )]
    Damaged {
        /// The file.
        path: PathBuf,
    },
    /// The decrypted content is not a bundle envelope.
    #[error("{}: decrypted, but the content is not a svar bundle envelope", path.display())]
    NotEnvelope {
        /// The file.
        path: PathBuf,
    },
    /// The envelope or bundle has a format this version does not read.
    #[error("{}: unsupported bundle format (this version reads {FORMAT})", path.display())]
    UnsupportedFormat {
        /// The file.
        path: PathBuf,
    },
    /// The envelope carries no signature.
    #[error("{}: the bundle is not signed; it cannot be trusted", path.display())]
    Unsigned {
        /// The file.
        path: PathBuf,
    },
    /// The signature is not a minisign signature.
    #[error("{}: the signature is malformed; the bundle cannot be trusted", path.display())]
    MalformedSignature {
        /// The file.
        path: PathBuf,
    },
    /// Signed by a key that is not enrolled.
    #[error(
        "{}: signed by the kiosk key {key_id}, which is not enrolled; the bundle cannot be trusted",
        path.display()
    )]
    UnknownKioskKey {
        /// The file.
        path: PathBuf,
        /// The signature's key id.
        key_id: String,
    },
    /// The signature does not verify.
    #[error(
        "{}: the signature does not verify with the enrolled kiosk key {key_id}: the bundle was \
         altered after signing or signed by another key",
        path.display()
    )]
    BadSignature {
        /// The file.
        path: PathBuf,
        /// The key id the signature names.
        key_id: String,
    },
    /// The signed bundle does not have the documented fields.
    #[error(
        "{}: signed, but the bundle does not match the format (line {line}, column {column})",
        path.display()
    )]
    InvalidBundle {
        /// The file.
        path: PathBuf,
        /// Line in the bundle's JSON.
        line: usize,
        /// Column in the bundle's JSON.
        column: usize,
    },
}

/// Decrypts a sealed bundle, checks its signature against the enrolled kiosk keys and returns
/// the bundle. The returned bundle is read from exactly the bytes that were signed.
pub fn open(path: &Path, identities: &Identities, kiosk: &KioskKeys) -> Result<Bundle, OpenError> {
    let p = || path.to_owned();
    let sealed = std::fs::read(path).map_err(|source| OpenError::Read { path: p(), source })?;
    let plaintext = decrypt(&sealed, identities).map_err(|kind| match kind {
        DecryptFailure::NotAge => OpenError::NotAge { path: p() },
        DecryptFailure::Truncated => OpenError::Truncated { path: p() },
        DecryptFailure::WrongIdentity => OpenError::WrongIdentity { path: p() },
        DecryptFailure::Damaged => OpenError::Damaged { path: p() },
    })?;
    let envelope = Envelope::parse(&plaintext).ok_or(OpenError::NotEnvelope { path: p() })?;
    if envelope.format != FORMAT {
        return Err(OpenError::UnsupportedFormat { path: p() });
    }
    let signature = envelope
        .signature
        .filter(|s| !s.trim().is_empty())
        .ok_or(OpenError::Unsigned { path: p() })?;
    let signature = minisign::SignatureBox::from_string(&signature)
        .map_err(|_| OpenError::MalformedSignature { path: p() })?;
    let signed_by = key_id(signature.keynum());
    let key = kiosk
        .find(signature.keynum())
        .ok_or_else(|| OpenError::UnknownKioskKey {
            path: p(),
            key_id: signed_by.clone(),
        })?;
    let bad = || OpenError::BadSignature {
        path: p(),
        key_id: signed_by.clone(),
    };
    // The key id outside the signature is informational; a mismatch means someone edited it.
    if envelope.kiosk_key_id != signed_by {
        return Err(bad());
    }
    let bundle_bytes = &plaintext[envelope.bundle];
    minisign::verify(
        key,
        &signature,
        io::Cursor::new(bundle_bytes),
        true,
        false,
        false,
    )
    .map_err(|_| bad())?;
    // serde's messages can quote values (patient data); keep only the position.
    let bundle: Bundle =
        serde_json::from_slice(bundle_bytes).map_err(|e| OpenError::InvalidBundle {
            path: p(),
            line: e.line(),
            column: e.column(),
        })?;
    if bundle.format != FORMAT {
        return Err(OpenError::UnsupportedFormat { path: p() });
    }
    Ok(bundle)
}

enum DecryptFailure {
    NotAge,
    Truncated,
    WrongIdentity,
    Damaged,
}

fn decrypt(sealed: &[u8], identities: &Identities) -> Result<Vec<u8>, DecryptFailure> {
    let from_io = |e: io::Error| match e.kind() {
        io::ErrorKind::UnexpectedEof => DecryptFailure::Truncated,
        _ => DecryptFailure::Damaged,
    };
    let decryptor = age::Decryptor::new_buffered(sealed).map_err(|e| match e {
        age::DecryptError::Io(e) => from_io(e),
        _ => DecryptFailure::NotAge,
    })?;
    let mut reader = decryptor
        .decrypt(
            identities
                .0
                .iter()
                .map(|i| i.as_ref() as &dyn age::Identity),
        )
        .map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => DecryptFailure::WrongIdentity,
            age::DecryptError::Io(e) => from_io(e),
            _ => DecryptFailure::Damaged,
        })?;
    let mut plaintext = Vec::new();
    reader.read_to_end(&mut plaintext).map_err(from_io)?;
    Ok(plaintext)
}

/// The envelope's members, with the byte range of the bundle's value in the plaintext.
struct Envelope {
    format: String,
    bundle: Range<usize>,
    signature: Option<String>,
    kiosk_key_id: String,
}

impl Envelope {
    /// Reads the envelope; `None` unless it is one JSON object with exactly the documented
    /// members, each once (`signature` may be missing or `null`: that is reported as unsigned).
    fn parse(text: &[u8]) -> Option<Envelope> {
        let members = object_members(text)?;
        let mut by_name: HashMap<&str, Range<usize>> = HashMap::new();
        for (name, range) in &members {
            let known = ["format", "bundle", "signature", "kiosk_key_id"].contains(&name.as_str());
            if !known || by_name.insert(name.as_str(), range.clone()).is_some() {
                return None;
            }
        }
        let value = |name: &str| by_name.get(name).map(|r| &text[r.clone()]);
        let bundle = by_name.get("bundle")?.clone();
        if text.get(bundle.start) != Some(&b'{') {
            return None;
        }
        Some(Envelope {
            format: serde_json::from_slice(value("format")?).ok()?,
            bundle,
            signature: match value("signature") {
                Some(v) => serde_json::from_slice(v).ok()?,
                None => None,
            },
            kiosk_key_id: serde_json::from_slice(value("kiosk_key_id")?).ok()?,
        })
    }
}

/// The members of the JSON object that is the whole of `text`, each with the byte range of its
/// value. serde_json reads every token, so the ranges are exact and the JSON is checked.
fn object_members(text: &[u8]) -> Option<Vec<(String, Range<usize>)>> {
    let skip_ws = |mut at: usize| {
        while text.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        at
    };
    // One JSON value starting at `at`: its end offset.
    fn value_end<'a, T: Deserialize<'a>>(text: &'a [u8], at: usize) -> Option<(T, usize)> {
        let mut stream = serde_json::Deserializer::from_slice(&text[at..]).into_iter::<T>();
        let value = stream.next()?.ok()?;
        Some((value, at + stream.byte_offset()))
    }
    let mut at = skip_ws(0);
    if text.get(at) != Some(&b'{') {
        return None;
    }
    at = skip_ws(at + 1);
    let mut members = Vec::new();
    if text.get(at) == Some(&b'}') {
        at += 1;
    } else {
        loop {
            if text.get(at) != Some(&b'"') {
                return None;
            }
            let (name, end) = value_end::<String>(text, at)?;
            at = skip_ws(end);
            if text.get(at) != Some(&b':') {
                return None;
            }
            let start = skip_ws(at + 1);
            let (serde::de::IgnoredAny, end) = value_end(text, start)?;
            members.push((name, start..end));
            at = skip_ws(end);
            match text.get(at) {
                Some(b',') => at = skip_ws(at + 1),
                Some(b'}') => {
                    at += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    (skip_ws(at) == text.len()).then_some(members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timestamps_are_utc_seconds_in_rfc3339_and_compact_forms() {
        let at = OffsetDateTime::parse("2026-11-23T12:42:05.987+01:00", &Rfc3339).unwrap();
        let t = Timestamp::new(at);
        assert_eq!(t.to_string(), "2026-11-23T11:42:05Z");
        assert_eq!(t.compact(), "20261123T114205Z");
        let back: Timestamp = serde_json::from_value(json!("2026-11-23T11:42:05Z")).unwrap();
        assert_eq!(back, t);
        assert!(serde_json::from_value::<Timestamp>(json!("23.11.2026")).is_err());
    }

    #[test]
    fn id_types_read_their_names() {
        for t in IdType::ALL {
            assert_eq!(t.as_str().parse::<IdType>(), Ok(t));
            assert_eq!(serde_json::to_value(t).unwrap(), json!(t.as_str()));
        }
        assert!(
            "passport"
                .parse::<IdType>()
                .unwrap_err()
                .contains("d_number")
        );
    }

    #[test]
    fn object_members_give_exact_value_ranges() {
        let text = br#" { "a" : {"x": [1, "}"]} , "b":"q\"" ,"c":null} "#;
        let members = object_members(text).unwrap();
        let got: Vec<(&str, &str)> = members
            .iter()
            .map(|(n, r)| (n.as_str(), std::str::from_utf8(&text[r.clone()]).unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("a", r#"{"x": [1, "}"]}"#),
                ("b", r#""q\"""#),
                ("c", "null")
            ]
        );
        assert_eq!(object_members(b"{}").unwrap(), []);
        for bad in [
            &b"[1]"[..],
            b"{\"a\":1",
            b"{\"a\":1,}",
            b"{\"a\" 1}",
            b"{\"a\":1} x",
            b"{\"a\":tru}",
            b"{a:1}",
        ] {
            assert!(
                object_members(bad).is_none(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn envelopes_need_each_member_once_and_nothing_else() {
        let ok = br#"{"format":"f","bundle":{},"signature":"s","kiosk_key_id":"k"}"#;
        let e = Envelope::parse(ok).unwrap();
        assert_eq!((e.format.as_str(), &ok[e.bundle]), ("f", &b"{}"[..]));
        let unsigned = br#"{"format":"f","bundle":{},"kiosk_key_id":"k"}"#;
        assert_eq!(Envelope::parse(unsigned).unwrap().signature, None);
        for bad in [
            &br#"{"format":"f","bundle":{},"bundle":{},"kiosk_key_id":"k"}"#[..],
            br#"{"format":"f","bundle":{},"kiosk_key_id":"k","extra":1}"#,
            br#"{"format":"f","bundle":[],"kiosk_key_id":"k"}"#,
            br#"{"format":1,"bundle":{},"kiosk_key_id":"k"}"#,
            br#"{"bundle":{},"kiosk_key_id":"k"}"#,
        ] {
            assert!(Envelope::parse(bad).is_none());
        }
    }

    #[test]
    fn answers_turn_back_into_answers_file_json() {
        use crate::answer::Date;
        let cases = [
            (Answer::Number(2.0), json!(2)),
            (Answer::Number(37.5), json!(37.5)),
            (Answer::Choices(vec![1.0, 3.0]), json!([1, 3])),
            (Answer::Text("Fisker".into()), json!("Fisker")),
            (
                Answer::Date(Date::parse("2024-02-29").unwrap()),
                json!("2024-02-29"),
            ),
            (Answer::Regions(vec!["neck".into()]), json!(["neck"])),
            (
                Answer::Strokes(vec![vec![[0.0, 0.5], [1.0, 0.25]]]),
                json!([[[0.0, 0.5], [1.0, 0.25]]]),
            ),
        ];
        for (answer, expected) in cases {
            assert_eq!(answer_to_json(&answer), expected);
        }
    }

    #[test]
    fn embedded_demo_keys_parse_and_belong_together() {
        let device = DeviceKey::demo();
        let trusted = KioskKeys::demo();
        assert!(trusted.find(device.public_key().keynum()).is_some());
        assert_eq!(device.key_id().len(), 16);
        assert!(demo_recipient().to_string().starts_with("age1"));
    }

    fn bundle() -> Bundle {
        Bundle {
            format: FORMAT.into(),
            bundle_id: Uuid::now_v7(),
            site: "site".into(),
            kiosk: "kiosk".into(),
            app_version: "0".into(),
            patient: Patient {
                id: "01817010055".into(),
                id_type: IdType::Synthetic,
            },
            battery: None,
            timepoint: Some(Timepoint::Baseline),
            arm: None,
            consent: Some(true),
            language: Lang::Nb,
            started: Timestamp::now(),
            finished: Timestamp::now(),
            status: Status::Abandoned,
            forms: vec![FormRecord {
                id: "f".into(),
                version: "1.0.0".into(),
                sha256: "00".into(),
                answers: [("q".to_owned(), json!(2))].into(),
                answered_at: [("q".to_owned(), Timestamp::now())].into(),
                scores: [(
                    "s".to_owned(),
                    ScoreRecord {
                        value: Some(1.5),
                        band: Some("mid".into()),
                        severity: Severity::Attention,
                    },
                )]
                .into(),
                flags: vec![],
                band_overrides: BTreeMap::new(),
            }],
        }
    }

    #[test]
    fn sealed_bundles_open_with_the_identity_and_kiosk_key() {
        let dir = tempfile::tempdir().unwrap();
        let identity = age::x25519::Identity::generate();
        let device = DeviceKey::generate().unwrap();
        let b = bundle();
        let path = seal(&b, &[identity.to_public()], &device, dir.path()).unwrap();
        assert_eq!(path, dir.path().join(b.file_name()));
        let opened = open(
            &path,
            &Identities::from_x25519(vec![identity]),
            &KioskKeys::new(vec![device.public_key().clone()]),
        )
        .unwrap();
        assert_eq!(opened, b);
        // The default trusted key is the demo key, not this one.
        let other = age::x25519::Identity::generate();
        let err = open(
            &path,
            &Identities::from_x25519(vec![other]),
            &KioskKeys::demo(),
        );
        assert!(matches!(err, Err(OpenError::WrongIdentity { .. })));
    }

    #[test]
    fn seal_needs_a_recipient_and_an_existing_outbox() {
        let dir = tempfile::tempdir().unwrap();
        let device = DeviceKey::demo();
        let b = bundle();
        assert!(matches!(
            seal(&b, &[], &device, dir.path()),
            Err(SealError::NoRecipients)
        ));
        let missing = dir.path().join("missing");
        let err = seal(&b, &[demo_recipient()], &device, &missing).unwrap_err();
        assert!(err.to_string().contains(&missing.display().to_string()));
        // A file where the folder should be.
        let file = dir.path().join("file");
        std::fs::write(&file, b"").unwrap();
        let err = seal(&b, &[demo_recipient()], &device, &file).unwrap_err();
        assert!(matches!(err, SealError::Write { ref folder, .. } if *folder == file));
    }

    #[test]
    fn error_messages_never_carry_the_patient_id() {
        let b = bundle();
        let path = PathBuf::from("outbox/x.svar.age");
        let errors: Vec<String> = vec![
            OpenError::InvalidBundle {
                path: path.clone(),
                line: 1,
                column: 2,
            }
            .to_string(),
            OpenError::BadSignature {
                path,
                key_id: "AB".into(),
            }
            .to_string(),
            FillError::Missing(vec!["f/q".into()]).to_string(),
        ];
        for e in errors {
            assert!(!e.contains(&b.patient.id), "{e}");
        }
    }

    #[test]
    fn device_keys_round_trip_through_files_and_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.key");
        let key = DeviceKey::generate().unwrap();
        let public = key.write(&path).unwrap();
        assert_eq!(public, dir.path().join("kiosk.key.pub"));
        assert_eq!(DeviceKey::load(&path).unwrap().key_id(), key.key_id());
        let trusted = KioskKeys::load_folder(dir.path()).unwrap();
        assert!(trusted.find(key.public_key().keynum()).is_some());
        assert!(matches!(key.write(&path), Err(KeyError::Exists { .. })));
        assert!(matches!(
            DeviceKey::load(&public),
            Err(KeyError::DeviceKey { .. })
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the secret key is private");
        }
    }

    #[test]
    fn identity_files_are_written_as_age_keygen_writes_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("id.txt");
        let recipient = write_identity(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# created: "));
        assert!(text.contains(&format!("# public key: {recipient}\n")));
        assert!(text.contains("\nAGE-SECRET-KEY-1"));
        assert!(Identities::load(&path).is_ok());
        assert!(matches!(
            write_identity(&path),
            Err(KeyError::Exists { .. })
        ));
        std::fs::write(&path, "# nothing\n").unwrap();
        assert!(matches!(
            Identities::load(&path),
            Err(KeyError::NoIdentity { .. })
        ));
        std::fs::write(&path, "AGE-SECRET-KEY-1NOPE\n").unwrap();
        let err = Identities::load(&path).unwrap_err().to_string();
        assert!(err.contains("line 1") && !err.contains("NOPE"), "{err}");
    }
}
