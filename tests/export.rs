//! `svar export`: a folder of sealed bundles, good and bad, to CSV with a codebook and to JSON
//! Lines, through the library and through the command line.

mod common;

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use svar_bundle::export::{self, Format};
use svar_bundle::{
    self as bundle, Bundle, DeviceKey, FormHashes, IdType, Identities, KioskKeys, Meta, OpenError,
    Patient, Subject, Timestamp,
};
use svar_forms::text::Lang;

const PATIENT_1: &str = "01817010055";
const PATIENT_2: &str = "02027054321";
/// A text answer with a comma, a quote and a newline: CSV must quote it and read it back whole.
const OCCUPATION: &str = "Fisker, \"skipper\"\nog bonde";

/// Answers to the demo battery with PHQ-9 item 1 set; phq9's optional `difficulty` is left
/// unanswered, so its cell is empty.
fn demo_answers(phq9_q1: u32) -> Value {
    let mut answers = common::answers_with_occupation(OCCUPATION);
    answers["phq9"]["q1"] = json!(phq9_q1);
    answers["phq9"]
        .as_object_mut()
        .unwrap()
        .remove("difficulty");
    answers
}

fn at(text: &str) -> Timestamp {
    serde_json::from_value(json!(text)).unwrap()
}

fn id(n: u32) -> uuid::Uuid {
    uuid::Uuid::parse_str(&format!("01900000-0000-7000-8000-{n:012}")).unwrap()
}

fn meta(patient: &str) -> Meta {
    Meta {
        bundle_id: uuid::Uuid::now_v7(),
        site: "oslo".into(),
        kiosk: svar_bundle::DEMO_KIOSK.into(),
        patient: Patient {
            id: patient.into(),
            id_type: IdType::Synthetic,
        },
        timepoint: Some(svar_forms::battery::Timepoint::Baseline),
        arm: None,
        consent: Some(true),
        started: at("2026-03-01T08:00:00Z"),
    }
}

/// A filled-in bundle with a fixed id and end time.
fn filled(
    subject: Subject,
    lang: Lang,
    answers: &Value,
    patient: &str,
    n: u32,
    end: &str,
) -> Bundle {
    let forms = common::root().join("forms");
    let hashes = FormHashes::of_folder(&forms);
    let mut b = bundle::fill(subject, lang, answers, &meta(patient), &hashes)
        .unwrap()
        .bundle;
    b.bundle_id = id(n);
    b.finished = at(end);
    b
}

/// A folder of bundles: three demo-battery bundles and one GAD-7 on its own, named so that
/// file order is not row order, and three bad files and one file that is not a bundle's name.
struct Outbox {
    _dir: tempfile::TempDir,
    bundles: PathBuf,
    /// The good bundles in export order.
    expected: Vec<Bundle>,
}

fn outbox() -> Outbox {
    let dir = tempfile::tempdir().unwrap();
    let bundles = dir.path().join("in");
    std::fs::create_dir(&bundles).unwrap();
    let loaded = svar_forms::library::load_paths(&[common::root().join("forms")], None);
    let demo = Arc::new(loaded.batteries["demo"].clone());
    let gad7 = Arc::clone(&loaded.forms["gad7"]);
    let battery = || Subject::Battery(Arc::clone(&demo));

    // Sealed under names that sort against the `finished` order.
    let late = filled(
        battery(),
        Lang::Nb,
        &demo_answers(1),
        PATIENT_1,
        9,
        "2026-03-02T10:00:00Z",
    );
    let mut tied_high = filled(
        battery(),
        Lang::Nb,
        &demo_answers(3),
        PATIENT_2,
        5,
        "2026-03-01T09:00:00Z",
    );
    tied_high.forms[1].answers.remove("occupation");
    tied_high.forms[5]
        .answers
        .insert("difficulty".into(), json!(2));
    let tied_low = filled(
        battery(),
        Lang::Da,
        &demo_answers(0),
        PATIENT_2,
        4,
        "2026-03-01T09:00:00Z",
    );
    let gad = filled(
        Subject::Form(gad7),
        Lang::En,
        &json!({"gad7": {"q1": 3, "q2": 3, "q3": 2, "q4": 1, "q5": 0, "q6": 1, "q7": 2}}),
        PATIENT_1,
        7,
        "2026-02-28T12:00:00Z",
    );
    let signer = DeviceKey::demo();
    let recipient = [bundle::demo_recipient()];
    for (name, b) in [
        ("a", &late),
        ("b", &tied_high),
        ("c", &tied_low),
        ("d", &gad),
    ] {
        let sealed = bundle::seal(b, &recipient, &signer, &bundles).unwrap();
        std::fs::rename(sealed, bundles.join(format!("{name}.svar.age"))).unwrap();
    }

    let good = std::fs::read(bundles.join("a.svar.age")).unwrap();
    std::fs::write(bundles.join("e-truncated.svar.age"), &good[..40]).unwrap();
    let stranger = age::x25519::Identity::generate().to_public();
    let sealed = bundle::seal(&late, &[stranger], &signer, &bundles).unwrap();
    std::fs::rename(sealed, bundles.join("f-wrong-key.svar.age")).unwrap();
    std::fs::write(
        bundles.join("g-notes.svar.age"),
        "not a bundle, just notes\n",
    )
    .unwrap();
    std::fs::write(
        bundles.join("README.txt"),
        "not read: not a bundle's name\n",
    )
    .unwrap();

    Outbox {
        _dir: dir,
        bundles,
        expected: vec![gad, tied_low, tied_high, late],
    }
}

fn identities() -> Identities {
    Identities::load(&common::root().join("assets/demo-keys/demo-identity.txt")).unwrap()
}

/// Header and rows of a CSV file.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

/// The cell of `column` in `row`.
fn cell<'a>(header: &[String], row: &'a [String], column: &str) -> &'a str {
    let ix = header
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column `{column}` in {header:?}"));
    &row[ix]
}

const META: [&str; 16] = [
    "bundle_id",
    "patient_id",
    "patient_id_type",
    "site",
    "kiosk",
    "battery",
    "battery_version",
    "timepoint",
    "arm",
    "consent",
    "language",
    "started",
    "finished",
    "status",
    "form_version",
    "form_sha256",
];

fn with_meta(rest: &[&str]) -> Vec<String> {
    META.iter().chain(rest).map(|s| (*s).to_owned()).collect()
}

#[test]
fn csv_export_through_the_library_writes_one_file_per_form_and_a_codebook() {
    let ob = outbox();
    let out = ob._dir.path().join("out/csv");
    let forms = common::root().join("forms");
    let report = export::run(
        &[ob.bundles.as_path()],
        &identities(),
        &KioskKeys::demo(),
        Some(&forms),
        Format::Csv,
        None,
        &out,
    )
    .unwrap();

    assert_eq!(report.exported, 4);
    let skipped: Vec<(String, &OpenError)> = report
        .skipped
        .iter()
        .map(|s| {
            let export::SkipReason::Open(reason) = &s.reason else {
                panic!("{}", s.reason)
            };
            (
                s.file.file_name().unwrap().to_string_lossy().into_owned(),
                reason,
            )
        })
        .collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(
        matches!(skipped[0], (ref f, OpenError::Truncated { .. }) if f == "e-truncated.svar.age")
    );
    assert!(
        matches!(skipped[1], (ref f, OpenError::WrongIdentity { .. }) if f == "f-wrong-key.svar.age")
    );
    assert!(matches!(skipped[2], (ref f, OpenError::NotAge { .. }) if f == "g-notes.svar.age"));

    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "about_you.csv",
            "codebook.csv",
            "consent.csv",
            "gad7.csv",
            "hscl25.csv",
            "nmq.csv",
            "nrs_pain.csv",
            "phq9.csv",
            "was.csv"
        ],
        "one file per form and the codebook, no temporary file left"
    );
    let mut written: Vec<String> = report
        .written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, files);

    // PHQ-9: rows by `finished`, then bundle id; the unanswered item is an empty cell.
    let (header, rows) = read_csv(&out.join("phq9.csv"));
    assert_eq!(
        header,
        with_meta(&[
            "q1",
            "q2",
            "q3",
            "q4",
            "q5",
            "q6",
            "q7",
            "q8",
            "q9",
            "difficulty",
            "total",
            "total_band",
            "flags"
        ])
    );
    let ids: Vec<&str> = rows.iter().map(|r| cell(&header, r, "bundle_id")).collect();
    assert_eq!(
        ids,
        [id(4).to_string(), id(5).to_string(), id(9).to_string()]
    );
    let late = &rows[2];
    assert_eq!(cell(&header, late, "patient_id"), PATIENT_1);
    assert_eq!(cell(&header, late, "patient_id_type"), "synthetic");
    assert_eq!(cell(&header, late, "battery"), "demo");
    assert_eq!(cell(&header, late, "battery_version"), "1.1.0");
    assert_eq!(cell(&header, late, "timepoint"), "baseline");
    assert_eq!(cell(&header, late, "arm"), "");
    assert_eq!(cell(&header, late, "consent"), "true");
    assert_eq!(cell(&header, late, "language"), "nb");
    assert_eq!(cell(&header, late, "started"), "2026-03-01T08:00:00Z");
    assert_eq!(cell(&header, late, "finished"), "2026-03-02T10:00:00Z");
    assert_eq!(cell(&header, late, "status"), "complete");
    assert_eq!(
        cell(&header, late, "form_version"),
        ob.expected[3].forms[5].version
    );
    assert_eq!(
        cell(&header, late, "form_sha256"),
        ob.expected[3].forms[5].sha256
    );
    assert_eq!(cell(&header, late, "q1"), "1");
    assert_eq!(cell(&header, late, "q2"), "2");
    // Shown (there were problems) and left: the cell says so rather than staying blank.
    assert_eq!(cell(&header, late, "difficulty"), "unanswered");
    assert_eq!(cell(&header, late, "total"), "5");
    assert_eq!(cell(&header, late, "total_band"), "mild");
    assert_eq!(cell(&header, late, "flags"), "");
    assert_eq!(cell(&header, &rows[0], "language"), "da");
    assert_eq!(cell(&header, &rows[0], "total"), "4");
    assert_eq!(cell(&header, &rows[1], "total"), "7");
    assert_eq!(cell(&header, &rows[1], "difficulty"), "2");

    // About you: text with a comma, a quote and a newline reads back whole; a date; a
    // multiple choice joined with `;`; a decimal; a missing text.
    let (header, rows) = read_csv(&out.join("about_you.csv"));
    assert_eq!(
        header,
        with_meta(&[
            "birth_date",
            "occupation",
            "employed",
            "weekly_hours",
            "health_today",
            "sleep",
            "flags"
        ])
    );
    assert_eq!(cell(&header, &rows[2], "occupation"), OCCUPATION);
    assert_eq!(cell(&header, &rows[1], "occupation"), "");
    assert_eq!(cell(&header, &rows[2], "birth_date"), "1970-01-01");
    assert_eq!(cell(&header, &rows[2], "sleep"), "1;3");
    assert_eq!(cell(&header, &rows[2], "weekly_hours"), "37.5");
    assert_eq!(cell(&header, &rows[2], "health_today"), "62");
    let raw = std::fs::read_to_string(out.join("about_you.csv")).unwrap();
    assert!(
        raw.contains("\"Fisker, \"\"skipper\"\"\nog bonde\""),
        "{raw}"
    );

    // Consent: the `consent` item meets the `consent` column; a signature is its stroke count.
    let (header, rows) = read_csv(&out.join("consent.csv"));
    assert_eq!(header, with_meta(&["item:consent", "signature", "flags"]));
    assert_eq!(cell(&header, &rows[0], "consent"), "true");
    assert_eq!(cell(&header, &rows[0], "item:consent"), "1");
    assert_eq!(cell(&header, &rows[0], "signature"), "1");

    // NRS: scores named like their items; body map regions joined.
    let (header, rows) = read_csv(&out.join("nrs_pain.csv"));
    assert_eq!(
        header,
        with_meta(&[
            "now",
            "worst_week",
            "avg_week",
            "score:now",
            "now_band",
            "score:worst_week",
            "worst_week_band",
            "score:avg_week",
            "avg_week_band",
            "flags"
        ])
    );
    assert_eq!(cell(&header, &rows[0], "score:worst_week"), "8");
    let (header, rows) = read_csv(&out.join("nmq.csv"));
    assert_eq!(cell(&header, &rows[0], "trouble_12m"), "neck;low_back");

    // A single form: no battery, one row, a flagged band.
    let (header, rows) = read_csv(&out.join("gad7.csv"));
    assert_eq!(rows.len(), 1);
    assert_eq!(cell(&header, &rows[0], "battery"), "");
    assert_eq!(cell(&header, &rows[0], "language"), "en");
    assert_eq!(cell(&header, &rows[0], "total"), "12");
    assert_eq!(cell(&header, &rows[0], "total_band"), "moderate");

    // The codebook.
    let (header, rows) = read_csv(&out.join("codebook.csv"));
    assert_eq!(
        header,
        ["form", "column", "kind", "type", "label", "values", "notes"]
    );
    let row = |form: &str, column: &str| -> Vec<String> {
        rows.iter()
            .find(|r| r[0] == form && r[1] == column)
            .unwrap_or_else(|| panic!("no codebook row {form}/{column}"))
            .clone()
    };
    assert_eq!(
        row("phq9", "q1"),
        [
            "phq9",
            "q1",
            "item",
            "single_choice",
            "Not wanting to do things, or getting little joy from them",
            "0=Not at all | 1=Some days | 2=More than half of the days | 3=Almost every day",
            export::MISSING_NOTE
        ]
    );
    assert_eq!(
        row("about_you", "sleep")[5],
        "1=Trouble falling asleep | 2=Waking up during the night | 3=Waking up too early in the \
         morning | 4=Not feeling rested when I get up | 0=None of these"
    );
    assert_eq!(row("phq9", "total_band")[2], "band");
    assert_eq!(
        row("phq9", "total_band")[5],
        "minimal=Minimal | mild=Mild | moderate=Moderate | moderately_severe=Moderately severe \
         | severe=Severe"
    );
    assert_eq!(row("phq9", "total")[2], "score");
    assert_eq!(row("phq9", "flags")[2], "flags");
    assert_eq!(row("phq9", "bundle_id")[2], "meta");
    assert_eq!(
        row("consent", "signature")[6],
        format!("{}; {}", export::SIGNATURE_NOTE, export::MISSING_NOTE)
    );
    assert_eq!(row("consent", "item:consent")[3], "yes_no");
    // One row per column of every CSV, in column order.
    let (phq9_header, _) = read_csv(&out.join("phq9.csv"));
    let phq9_columns: Vec<&String> = rows
        .iter()
        .filter(|r| r[0] == "phq9")
        .map(|r| &r[1])
        .collect();
    assert_eq!(phq9_columns, phq9_header.iter().collect::<Vec<_>>());
}

#[test]
fn forms_missing_from_the_forms_folder_get_sorted_columns_and_a_codebook_note() {
    let ob = outbox();
    let out = ob._dir.path().join("out");
    let no_forms = ob._dir.path().join("no-forms");
    std::fs::create_dir(&no_forms).unwrap();
    // GAD-7 only, and not the very file the bundles were made with.
    let mut gad7 = std::fs::read(common::root().join("forms/gad7.json")).unwrap();
    gad7.push(b'\n');
    std::fs::write(no_forms.join("gad7.json"), gad7).unwrap();
    export::run(
        &[ob.bundles.as_path()],
        &identities(),
        &KioskKeys::demo(),
        Some(&no_forms),
        Format::Csv,
        None,
        &out,
    )
    .unwrap();
    let (header, _) = read_csv(&out.join("phq9.csv"));
    assert_eq!(
        header,
        with_meta(&[
            "difficulty",
            "q1",
            "q2",
            "q3",
            "q4",
            "q5",
            "q6",
            "q7",
            "q8",
            "q9",
            "total",
            "total_band",
            "flags"
        ])
    );
    // Sorted as text, not as the form file has them.
    let (header, _) = read_csv(&out.join("hscl25.csv"));
    let items: Vec<&str> = header[META.len()..META.len() + 4]
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(items, ["q1", "q10", "q11", "q12"]);
    let (_, rows) = read_csv(&out.join("codebook.csv"));
    let q1 = rows
        .iter()
        .find(|r| r[0] == "phq9" && r[1] == "q1")
        .unwrap();
    assert_eq!(q1[3], "unknown");
    assert_eq!(
        q1[6],
        format!("{}; {}", export::UNKNOWN_FORM_NOTE, export::FORMULA_NOTE)
    );
    let sha = rows
        .iter()
        .find(|r| r[0] == "gad7" && r[1] == "form_sha256")
        .unwrap();
    assert!(
        sha[6].starts_with("1 of 1 bundle(s) were made with another file of this form"),
        "{sha:?}"
    );
    let gad7_q1 = rows
        .iter()
        .find(|r| r[0] == "gad7" && r[1] == "q1")
        .unwrap();
    assert_eq!(gad7_q1[3], "single_choice");

    // A forms folder that does not exist is an error naming it, before anything is written.
    let missing = ob._dir.path().join("missing");
    let err = export::run(
        &[ob.bundles.as_path()],
        &identities(),
        &KioskKeys::demo(),
        Some(&missing),
        Format::Csv,
        None,
        &ob._dir.path().join("never"),
    )
    .unwrap_err();
    assert!(err.to_string().contains(&missing.display().to_string()));
    assert!(!ob._dir.path().join("never").exists());
}

/// Standard error without the warning `--demo` always prints first.
fn without_demo_warning(err: &str) -> String {
    let (first, rest) = err.split_once('\n').unwrap_or((err, ""));
    assert!(
        first.starts_with("warning: --demo trusts the demo kiosk key"),
        "{err}"
    );
    rest.to_owned()
}

#[test]
fn the_command_line_reports_every_skipped_file_and_exits_1() {
    let ob = outbox();
    let identity = common::root().join("assets/demo-keys/demo-identity.txt");
    let run = |format: &str, out: &Path| {
        common::svar(&[
            "export",
            "--identity",
            identity.to_str().unwrap(),
            "--demo",
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
            ob.bundles.to_str().unwrap(),
        ])
    };

    let csv_out = ob._dir.path().join("csv");
    let out = run("csv", &csv_out);
    let err = without_demo_warning(&common::stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    let bad = |name: &str| ob.bundles.join(name).display().to_string();
    assert!(lines[0].starts_with(&format!("skipped: {}: ", bad("e-truncated.svar.age"))));
    assert!(lines[0].contains("truncated"), "{err}");
    assert!(lines[1].starts_with(&format!("skipped: {}: ", bad("f-wrong-key.svar.age"))));
    assert!(lines[1].contains("not encrypted to this identity"), "{err}");
    assert!(lines[2].starts_with(&format!("skipped: {}: ", bad("g-notes.svar.age"))));
    assert!(lines[2].contains("not an age-encrypted file"), "{err}");
    assert_eq!(lines[3], "exported 4 bundles, skipped 3");
    for secret in [PATIENT_1, PATIENT_2, "skipper", "README"] {
        assert!(!err.contains(secret), "{err}");
    }
    let printed = common::stdout(&out);
    assert!(
        printed
            .lines()
            .any(|l| Path::new(l) == csv_out.join("codebook.csv")),
        "{printed}"
    );
    let (header, rows) = read_csv(&csv_out.join("phq9.csv"));
    assert_eq!(rows.len(), 3);
    assert_eq!(cell(&header, &rows[2], "total_band"), "mild");

    // JSON Lines: the same order, each line the bundle as opened.
    let jsonl_out = ob._dir.path().join("jsonl");
    let out = run("jsonl", &jsonl_out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        without_demo_warning(&common::stderr(&out)).ends_with("exported 4 bundles, skipped 3\n")
    );
    let text = std::fs::read_to_string(jsonl_out.join("bundles.jsonl")).unwrap();
    let lines: Vec<Bundle> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, ob.expected);

    // Only good bundles: exit 0.
    for bad in ["e-truncated", "f-wrong-key", "g-notes"] {
        std::fs::remove_file(ob.bundles.join(format!("{bad}.svar.age"))).unwrap();
    }
    let out = run("jsonl", &jsonl_out);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert_eq!(
        without_demo_warning(&common::stderr(&out)),
        "exported 4 bundles, skipped 0\n"
    );

    let out = run("xml", &jsonl_out);
    assert_eq!(out.status.code(), Some(2), "clap refuses an unknown format");
}

#[test]
fn a_bundle_met_twice_is_exported_once_and_reported() {
    let ob = outbox();
    let copy = ob._dir.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    // The same bundle in a second folder (a received copy of the outbox) and under a second
    // name in the first.
    std::fs::copy(ob.bundles.join("a.svar.age"), copy.join("a.svar.age")).unwrap();
    std::fs::copy(
        ob.bundles.join("d.svar.age"),
        ob.bundles.join("d2.svar.age"),
    )
    .unwrap();
    // Another bundle under a's bundle id: re-sealed with other content.
    let mut other = ob.expected[3].clone();
    other.language = Lang::En;
    let sealed = bundle::seal(
        &other,
        &[bundle::demo_recipient()],
        &DeviceKey::demo(),
        &copy,
    )
    .unwrap();
    std::fs::rename(sealed, copy.join("z-same-id.svar.age")).unwrap();

    let out = ob._dir.path().join("out");
    let report = export::run(
        &[ob.bundles.as_path(), copy.as_path()],
        &identities(),
        &KioskKeys::demo(),
        None,
        Format::Jsonl,
        None,
        &out,
    )
    .unwrap();
    assert_eq!(report.exported, 4);
    let dups: Vec<(PathBuf, PathBuf)> = report
        .duplicates
        .iter()
        .map(|d| (d.file.clone(), d.first.clone()))
        .collect();
    assert_eq!(
        dups,
        [
            (
                ob.bundles.join("d2.svar.age"),
                ob.bundles.join("d.svar.age")
            ),
            (copy.join("a.svar.age"), ob.bundles.join("a.svar.age")),
        ]
    );
    let conflict = report
        .skipped
        .iter()
        .find(|s| s.file == copy.join("z-same-id.svar.age"))
        .expect("the other bundle under a's id is skipped");
    assert!(
        matches!(conflict.reason, export::SkipReason::SameIdOtherContent { ref first, .. } if *first == ob.bundles.join("a.svar.age"))
    );
    let text = std::fs::read_to_string(out.join("bundles.jsonl")).unwrap();
    let lines: Vec<Bundle> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines, ob.expected, "each bundle once, the first file's");

    // The command line reports both and exits 1 for the conflict only.
    let identity = common::root().join("assets/demo-keys/demo-identity.txt");
    let run = |dirs: &[&Path]| {
        let mut args = vec![
            "export".to_owned(),
            "--identity".into(),
            identity.display().to_string(),
            "--demo".into(),
            "--format".into(),
            "jsonl".into(),
            "--out".into(),
            out.display().to_string(),
        ];
        args.extend(dirs.iter().map(|d| d.display().to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        common::svar(&args)
    };
    let printed = run(&[&ob.bundles, &copy]);
    let err = without_demo_warning(&common::stderr(&printed));
    assert_eq!(printed.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "duplicate: {}: the same bundle as {}, exported once",
            copy.join("a.svar.age").display(),
            ob.bundles.join("a.svar.age").display()
        )),
        "{err}"
    );
    assert!(err.contains("has the bundle id of"), "{err}");
    assert!(
        err.ends_with("exported 4 bundles, skipped 4, 2 duplicate(s) exported once\n"),
        "{err}"
    );
    std::fs::remove_file(copy.join("z-same-id.svar.age")).unwrap();
    for bad in ["e-truncated", "f-wrong-key", "g-notes"] {
        std::fs::remove_file(ob.bundles.join(format!("{bad}.svar.age"))).unwrap();
    }
    let printed = run(&[&ob.bundles, &copy]);
    assert_eq!(
        printed.status.code(),
        Some(0),
        "{}",
        common::stderr(&printed)
    );
}

#[test]
fn typed_text_a_spreadsheet_would_run_is_written_with_a_leading_quote() {
    let dir = tempfile::tempdir().unwrap();
    let bundles = dir.path().join("in");
    std::fs::create_dir(&bundles).unwrap();
    let loaded = svar_forms::library::load_paths(&[common::root().join("forms")], None);
    let demo = Arc::new(loaded.batteries["demo"].clone());
    let formula = "=HYPERLINK(\"http://evil.example\",\"klikk\")";
    let b = filled(
        Subject::Battery(demo),
        Lang::Nb,
        &{
            let mut answers = common::answers_with_occupation(formula);
            answers["phq9"]
                .as_object_mut()
                .unwrap()
                .remove("difficulty");
            answers
        },
        PATIENT_1,
        1,
        "2026-03-02T10:00:00Z",
    );
    bundle::seal(
        &b,
        &[bundle::demo_recipient()],
        &DeviceKey::demo(),
        &bundles,
    )
    .unwrap();
    let out = dir.path().join("out");
    export::run(
        &[bundles.as_path()],
        &identities(),
        &KioskKeys::demo(),
        Some(&common::root().join("forms")),
        Format::Csv,
        None,
        &out,
    )
    .unwrap();
    let form = b
        .forms
        .iter()
        .find(|f| f.answers.values().any(|a| a == formula))
        .expect("a form holds the typed text");
    let item = form
        .answers
        .iter()
        .find(|(_, a)| *a == formula)
        .map(|(id, _)| id.clone())
        .unwrap();
    let (header, rows) = read_csv(&out.join(format!("{}.csv", form.id)));
    assert_eq!(cell(&header, &rows[0], &item), format!("'{formula}"));
    let (_, codebook) = read_csv(&out.join("codebook.csv"));
    let row = codebook
        .iter()
        .find(|r| r[0] == form.id && r[1] == item)
        .unwrap();
    assert!(row[6].contains(export::FORMULA_NOTE), "{row:?}");
}

#[test]
fn fhir_export_writes_a_bundle_of_responses_and_observations_per_sealed_bundle() {
    let ob = outbox();
    let out = ob._dir.path().join("out/fhir");
    let forms = common::root().join("forms");
    let run = |format| {
        export::run(
            &[ob.bundles.as_path()],
            &identities(),
            &KioskKeys::demo(),
            Some(&forms),
            format,
            None,
            &out,
        )
        .unwrap()
    };
    let report = run(Format::Fhir);
    assert_eq!(report.written.len(), 4);
    let gad = &ob.expected[0];
    let path = out.join(format!("{}.fhir.json", gad.bundle_id));
    let text = std::fs::read_to_string(&path).unwrap();
    let bundle: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(bundle["type"], "collection");
    let resources: Vec<&Value> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .collect();
    let response = resources[0];
    assert_eq!(response["resourceType"], "QuestionnaireResponse");
    assert_eq!(response["questionnaire"], "urn:svar:form:gad7|1.0.1");
    assert_eq!(response["status"], "completed");
    assert_eq!(response["authored"], "2026-02-28T12:00:00Z");
    // The patient is an identifier under the system of its kind (a synthetic fødselsnummer).
    assert_eq!(
        response["subject"]["identifier"]["system"],
        "urn:oid:2.16.578.1.12.4.1.4.1"
    );
    let q1 = &response["item"][0];
    assert_eq!(q1["linkId"], "q1");
    assert_eq!(q1["answer"][0]["valueCoding"]["code"], "3");
    assert_eq!(q1["answer"][0]["extension"][0]["valueDecimal"], 3.0);
    // GAD-7 3+3+2+1+0+1+2 = 12: one Observation, moderate, derived from the response.
    let total = resources[1];
    assert_eq!(total["resourceType"], "Observation");
    // LOINC first (GAD-7 total score), then the form's own code.
    assert_eq!(total["code"]["coding"][0]["system"], "http://loinc.org");
    assert_eq!(total["code"]["coding"][0]["code"], "70274-6");
    assert_eq!(total["code"]["coding"][1]["code"], "total");
    assert_eq!(total["valueInteger"], 12);
    assert_eq!(total["interpretation"][0]["coding"][0]["code"], "moderate");
    assert_eq!(
        total["derivedFrom"][0]["reference"],
        bundle["entry"][0]["fullUrl"]
    );
    // The same resources one a line for bulk loading.
    let report = run(Format::FhirNdjson);
    let ndjson = std::fs::read_to_string(&report.written[0]).unwrap();
    let lines: Vec<Value> = ndjson
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        lines
            .iter()
            .any(|r| r["resourceType"] == "QuestionnaireResponse")
    );
    assert_eq!(
        lines
            .iter()
            .filter(|r| r["resourceType"] == "QuestionnaireResponse")
            .count(),
        1 + 3 * ob.expected[1].forms.len()
    );
    // An independent implementation too, where CI installs it (Python's fhir.resources).
    common::fhir_resources_accept(&[&path, &report.written[0]]);
}
