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

use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use svar_forms::answer::Answer;
use svar_forms::battery::{BatteryForm, Timepoint};
use svar_forms::form::{ItemIx, Severity};
use svar_forms::score::{self, number_json};
pub use svar_forms::session::ItemState;
use svar_forms::session::Session;
use svar_forms::text::Lang;
use uuid::Uuid;

pub mod export;
mod fill;
mod keys;
mod open;
mod seal;

pub use fill::*;
pub use keys::*;
pub use open::*;
pub use seal::*;
pub use svar_forms::record::{IdType, Meta, Patient, Status, Timestamp};

/// The format and version of the bundle and of its envelope.
pub const FORMAT: &str = "svar-bundle/1";

/// The file name ending of sealed bundles in the outbox.
pub const EXTENSION: &str = ".svar.age";

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
    /// Item id to the time its answer (or decline) was (last) given.
    pub answered_at: BTreeMap<String, Timestamp>,
    /// Item id to why it has no answer, for every question without one: declined, unanswered
    /// (shown and left), not reached, or not shown (hidden by a condition).
    #[serde(default)]
    pub missing: BTreeMap<String, ItemState>,
    /// Score id to result.
    pub scores: BTreeMap<String, ScoreRecord>,
    /// Flags raised, in the form's order.
    pub flags: Vec<String>,
    /// Score id to the source of the battery cut-offs used instead of the form's bands.
    pub band_overrides: BTreeMap<String, String>,
    /// The battery's consent form only: the patient's answer to its consent question.
    #[serde(default)]
    pub consent: Option<bool>,
    /// A research-only form skipped because the patient said "No" to consent (its items are
    /// all `not_shown`).
    #[serde(default)]
    pub skipped: bool,
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
        s.serialize_str(severity.name())
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
        // Only the store keeps a decline as an answer; a bundle lists it under `missing`.
        Answer::Declined => Answer::declined_json(),
    }
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

impl FormHashes {
    /// No hashes.
    pub fn new() -> FormHashes {
        FormHashes::default()
    }

    /// Records the hash of the bytes of a form file; the first file recorded for an id wins.
    pub fn insert(&mut self, form_id: &str, bytes: &[u8]) {
        self.0
            .entry(form_id.to_owned())
            .or_insert_with(|| sha256_hex(bytes));
    }

    /// The hash of a form's file, lower-case hex.
    pub fn get(&self, form_id: &str) -> Option<&str> {
        self.0.get(form_id).map(String::as_str)
    }

    /// The hashes of the forms `loaded` holds, of the very text each was checked from.
    pub fn of_loaded(loaded: &svar_forms::library::Loaded) -> FormHashes {
        let mut hashes = FormHashes::new();
        for (id, text) in &loaded.sources {
            hashes.insert(id, text.as_bytes());
        }
        hashes
    }

    /// The hashes of the valid forms of a forms folder, loaded as `svar validate` loads it
    /// (for callers that have not loaded it already).
    pub fn of_folder(dir: &Path) -> FormHashes {
        FormHashes::of_loaded(&svar_forms::library::load_paths(&[dir.to_owned()], None))
    }
}

/// The SHA-256 of `bytes` in lower-case hex, as bundles, receipts and form hashes write it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
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
    let mut missing = BTreeMap::new();
    let states = session.item_states(ix);
    for (i, item) in form.items.iter().enumerate() {
        // `get` leaves out declines: `answers` stays an answers file that scores as the kiosk did.
        if let Some(answer) = answers.get(ItemIx(i)) {
            answer_json.insert(item.id.to_string(), answer_to_json(answer));
        }
        if answers.response(ItemIx(i)).is_some()
            && let Some(at) = times.get(ix, ItemIx(i))
        {
            answered_at.insert(item.id.to_string(), at);
        }
        if let Some(state) = states[i].filter(|s| *s != ItemState::Answered) {
            missing.insert(item.id.to_string(), state);
        }
    }
    let report = score::score(form, &answers, &member.overrides);
    Ok(FormRecord {
        id: form.id.to_string(),
        version: form.version.to_string(),
        sha256,
        answers: answer_json,
        answered_at,
        missing,
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
        consent: session
            .battery()
            .consent
            .as_ref()
            .filter(|rule| rule.form == ix)
            .and_then(|_| session.consent()),
        skipped: session.skipped(ix),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::PathBuf;

    #[test]
    fn answers_turn_back_into_answers_file_json() {
        use svar_forms::answer::Date;
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

    fn bundle() -> Bundle {
        Bundle {
            format: FORMAT.into(),
            bundle_id: Uuid::now_v7(),
            site: "site".into(),
            kiosk: DEMO_KIOSK.into(),
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
                missing: [("r".to_owned(), ItemState::Declined)].into(),
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
                consent: Some(true),
                skipped: false,
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
            &KioskKeys::new(vec![EnrolledKey {
                kiosk: DEMO_KIOSK.into(),
                key: device.public_key().clone(),
            }]),
        )
        .unwrap();
        assert_eq!(opened, b);
        // Another identity cannot decrypt it.
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
}
