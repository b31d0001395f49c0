//! Sealed bundles as a user meets them: `svar fill` → outbox → `svar open`, Debian's `age`
//! tool, and every way a bundle file can fail.

mod common;

use serde_json::{Value, json};
use sha2::Digest;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use svar_bundle::{self as bundle, Identities, KioskKeys, OpenError};

use common::{OCCUPATION, PATIENT, demo_answers};

fn demo_identity() -> PathBuf {
    common::root().join("assets/demo-keys/demo-identity.txt")
}

fn write_json(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(value).unwrap()).unwrap();
    path
}

/// Runs `svar fill` for the demo battery into `outbox` with extra arguments.
fn fill(dir: &Path, outbox: &Path, answers: &Value, extra: &[&str]) -> Output {
    let answers = write_json(dir, "answers.json", answers);
    let mut args = vec![
        "fill",
        "--answers",
        answers.to_str().unwrap(),
        "--patient",
        PATIENT,
        "--outbox",
        outbox.to_str().unwrap(),
    ];
    if !extra.contains(&"--form") {
        args.extend(["--battery", "demo", "--timepoint", "baseline"]);
    }
    args.extend(extra);
    common::svar(&args)
}

/// Fills the demo battery and returns the sealed file.
fn sealed(dir: &Path) -> PathBuf {
    let outbox = dir.join("outbox");
    let out = fill(dir, &outbox, &demo_answers(), &[]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    PathBuf::from(common::stdout(&out).trim())
}

/// `svar open` with the demo identity; trusting the demo kiosk key (`--demo`) unless `extra`
/// names the kiosk keys.
fn open_cli(file: &Path, extra: &[&str]) -> Output {
    let identity = demo_identity();
    let mut args = vec!["open", "--identity", identity.to_str().unwrap()];
    args.extend(extra);
    if !extra.contains(&"--kiosk-keys") {
        args.push("--demo");
    }
    args.push(file.to_str().unwrap());
    common::svar(&args)
}

fn open_lib(file: &Path) -> Result<bundle::Bundle, OpenError> {
    bundle::open(
        file,
        &Identities::load(&demo_identity()).unwrap(),
        &KioskKeys::demo(),
    )
}

/// The paths the field table of docs/bundle.md lists (`forms[].scores.*.value`, …).
fn documented_paths() -> Vec<String> {
    let doc = std::fs::read_to_string(common::root().join("docs/bundle.md")).unwrap();
    let mut in_table = false;
    let mut paths = Vec::new();
    for line in doc.lines() {
        if line.starts_with("| path ") {
            in_table = true;
        } else if !line.starts_with('|') {
            in_table = false;
        } else if in_table && let Some(rest) = line.strip_prefix("| `") {
            paths.push(rest.split('`').next().unwrap().to_owned());
        }
    }
    paths
}

/// True when `path` is present in `value`: `[]` means every element, `*` every member. A
/// `null` parent (an absent battery) counts as present for its fields.
fn has_path(value: &Value, path: &str) -> bool {
    let (head, rest) = match path.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (path, None),
    };
    let (key, each) = match head.strip_suffix("[]") {
        Some(k) => (k, true),
        None => (head, false),
    };
    let children: Vec<&Value> = if key == "*" {
        value
            .as_object()
            .map(|o| o.values().collect())
            .unwrap_or_default()
    } else {
        match value.get(key) {
            Some(v) => vec![v],
            None => return false,
        }
    };
    let children: Vec<&Value> = if each {
        children
            .into_iter()
            .flat_map(|c| c.as_array().into_iter().flatten())
            .collect()
    } else {
        children
    };
    match rest {
        None => true,
        Some(rest) => children.iter().all(|c| c.is_null() || has_path(c, rest)),
    }
}

#[test]
fn fill_then_open_round_trips_with_every_documented_field() {
    let dir = tempfile::tempdir().unwrap();
    let file = sealed(dir.path());
    let name = file.file_name().unwrap().to_str().unwrap().to_owned();
    assert!(name.ends_with(".svar.age"), "{name}");
    assert_eq!(&name[8..9], "T", "{name}");
    assert_eq!(&name[15..17], "Z-", "{name}");

    let out = open_cli(&file, &[]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let got: Value = serde_json::from_str(&common::stdout(&out)).unwrap();

    let paths = documented_paths();
    assert!(paths.len() > 25, "{paths:?}");
    for path in &paths {
        assert!(has_path(&got, path), "the bundle lacks `{path}`: {got:#}");
    }
    assert_eq!(got["format"], "svar-bundle/1");
    assert_eq!(
        got["patient"],
        json!({"id": PATIENT, "id_type": "synthetic"})
    );
    assert_eq!(got["battery"], json!({"id": "demo", "version": "1.1.0"}));
    assert_eq!(got["timepoint"], "baseline");
    assert_eq!(got["status"], "complete");
    assert_eq!(got["language"], "nb");
    let uuid = uuid::Uuid::parse_str(got["bundle_id"].as_str().unwrap()).unwrap();
    assert_eq!(uuid.get_version_num(), 7);
    assert!(name.contains(&uuid.to_string()));

    let forms = got["forms"].as_array().unwrap();
    let ids: Vec<&str> = forms.iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "consent",
            "about_you",
            "nrs_pain",
            "nmq",
            "hscl25",
            "phq9",
            "was"
        ]
    );
    let phq9 = &forms[5];
    let file_hash =
        sha2::Sha256::digest(std::fs::read(common::root().join("forms/phq9.json")).unwrap());
    let hex: String = file_hash.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(phq9["sha256"], hex.as_str());
    assert_eq!(phq9["answers"], demo_answers()["phq9"]);
    assert_eq!(phq9["scores"]["total"]["value"], 5);
    assert_eq!(phq9["scores"]["total"]["band"], "mild");
    for form in forms {
        let answered: Vec<&String> = form["answers"].as_object().unwrap().keys().collect();
        let timed: Vec<&String> = form["answered_at"].as_object().unwrap().keys().collect();
        assert_eq!(answered, timed, "{}", form["id"]);
    }
    // Answers come back as the answers file gave them (stroke coordinates, decimals, lists).
    assert_eq!(forms[0]["answers"], demo_answers()["consent"]);
    assert_eq!(forms[1]["answers"], demo_answers()["about_you"]);

    // The same bundle through the library.
    let opened = open_lib(&file).unwrap();
    assert_eq!(serde_json::to_value(&opened).unwrap(), got);
}

#[test]
fn a_single_form_has_no_battery_and_a_battery_records_its_cut_offs() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    let answers = json!({"phq9": demo_answers()["phq9"]});
    let out = fill(
        dir.path(),
        &outbox,
        &answers,
        &["--form", "phq9", "--language", "en"],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let b = open_lib(Path::new(common::stdout(&out).trim())).unwrap();
    assert_eq!(b.battery, None);
    assert_eq!(b.forms.len(), 1);
    assert_eq!(b.language, svar_forms::text::Lang::En);

    // The Norwegian work-health battery replaces HSCL-25 cut-offs: the bundle says so.
    let loaded = svar_forms::library::load_paths(&[common::root().join("forms")], None);
    let battery = &loaded.batteries["no_work_health_baseline"];
    let member = battery
        .forms
        .iter()
        .find(|m| !m.overrides.is_empty())
        .expect("a form with study cut-offs");
    let form_id = member.form.id.to_string();
    let source = member.overrides[0].source.clone();
    let session = svar_forms::session::Session::new(
        std::sync::Arc::new(battery.clone()),
        svar_forms::text::Lang::Nb,
    );
    let meta = bundle::Meta {
        bundle_id: uuid::Uuid::now_v7(),
        site: "s".into(),
        kiosk: bundle::DEMO_KIOSK.into(),
        patient: bundle::Patient {
            id: PATIENT.into(),
            id_type: bundle::IdType::Synthetic,
        },
        timepoint: None,
        arm: Some("b".into()),
        consent: Some(true),
        started: bundle::Timestamp::now(),
    };
    let hashes = bundle::FormHashes::of_folder(&common::root().join("forms"));
    let b = bundle::Bundle::from_session(
        &session,
        &meta,
        &bundle::AnswerTimes::new(),
        &hashes,
        bundle::Status::Timeout,
        bundle::Timestamp::now(),
    )
    .unwrap();
    let record = b.forms.iter().find(|f| f.id == form_id).unwrap();
    assert!(record.band_overrides.values().any(|s| *s == source));
    assert!(record.answers.is_empty());
    assert!(record.scores.values().all(|s| s.value.is_none()));
    assert_eq!(
        (b.status, b.arm.as_deref()),
        (bundle::Status::Timeout, Some("b"))
    );
}

#[test]
fn fill_rejects_bad_answers_with_exit_2_naming_the_item() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    let mut answers = demo_answers();
    answers["phq9"]["q3"] = json!(7);
    let out = fill(dir.path(), &outbox, &answers, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(
        err.contains("form `phq9`") && err.contains("item `q3`"),
        "{err}"
    );

    let mut answers = demo_answers();
    answers["phq9"].as_object_mut().unwrap().remove("q4");
    answers["was"] = json!({});
    let out = fill(dir.path(), &outbox, &answers, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(err.contains("phq9/q4") && err.contains("was/q1"), "{err}");

    let mut answers = demo_answers();
    answers["gad7"] = json!({"q1": 1});
    let out = fill(dir.path(), &outbox, &answers, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("`gad7`"));

    let mut answers = demo_answers();
    answers["was"] = json!(7);
    let out = fill(dir.path(), &outbox, &answers, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("form `was`: the answers must be a JSON object"));

    let mut answers = demo_answers();
    answers["about_you"]["nonsense"] = json!(1);
    let out = fill(dir.path(), &outbox, &answers, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("item `nonsense`"));

    // Nothing was sealed, and no message repeats the patient id or an answer.
    assert!(!outbox.exists() || std::fs::read_dir(&outbox).unwrap().next().is_none());
    assert!(!err.contains(PATIENT) && !err.contains(OCCUPATION));
}

#[test]
fn fill_keeps_no_answer_to_a_hidden_item_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    let mut answers = demo_answers();
    answers["about_you"]["employed"] = json!(0);
    let out = fill(dir.path(), &outbox, &answers, &[]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(common::stderr(&out).contains("item `weekly_hours`: not shown"));
    let b = open_lib(Path::new(common::stdout(&out).trim())).unwrap();
    assert!(!b.forms[1].answers.contains_key("weekly_hours"));
}

/// The `age` tool, or `None` (with a note) where it is not installed. On CI it must be there.
fn age_tool() -> Option<&'static str> {
    let found = Command::new("age")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return Some("age");
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must install Debian's `age` package (see .ci/run)"
    );
    eprintln!("note: the `age` command is not installed; skipping the interoperability test");
    None
}

#[test]
fn debians_age_tool_decrypts_bundles_and_its_keys_work_with_svar() {
    let Some(age) = age_tool() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = sealed(dir.path());
    let out = Command::new(age)
        .args(["-d", "-i"])
        .arg(demo_identity())
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));
    let envelope: Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&String> = envelope.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["format", "bundle", "signature", "kiosk_key_id"]);
    assert_eq!(envelope["format"], "svar-bundle/1");
    assert_eq!(
        envelope["kiosk_key_id"],
        bundle::DeviceKey::demo().key_id().as_str()
    );
    let opened = serde_json::to_value(open_lib(&file).unwrap()).unwrap();
    assert_eq!(envelope["bundle"], opened);

    // A key made by age-keygen is a recipient for `svar fill` and an identity for `svar open`.
    let theirs = dir.path().join("theirs.txt");
    let keygen = Command::new("age-keygen")
        .arg("-o")
        .arg(&theirs)
        .output()
        .unwrap();
    assert!(keygen.status.success());
    let recipient = Command::new("age-keygen")
        .arg("-y")
        .arg(&theirs)
        .output()
        .unwrap();
    let recipient = String::from_utf8(recipient.stdout).unwrap();
    let outbox = dir.path().join("theirs");
    let out = fill(
        dir.path(),
        &outbox,
        &demo_answers(),
        &["--recipient", recipient.trim()],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let file = common::stdout(&out).trim().to_owned();
    let out = common::svar(&[
        "open",
        "--identity",
        theirs.to_str().unwrap(),
        "--demo",
        &file,
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));

    // A key made by `svar keygen` decrypts with the age tool.
    let ours = dir.path().join("ours.txt");
    let out = common::svar(&["keygen", "--out", ours.to_str().unwrap()]);
    let recipient = common::stdout(&out).trim().to_owned();
    let outbox = dir.path().join("ours");
    let out = fill(
        dir.path(),
        &outbox,
        &demo_answers(),
        &["--recipient", &recipient],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let out = Command::new(age)
        .args(["-d", "-i"])
        .arg(&ours)
        .arg(common::stdout(&out).trim())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::stderr(&out));
}

#[test]
fn the_outbox_file_holds_no_plaintext_and_no_temporary_file_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let file = sealed(dir.path());
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(b"age-encryption.org/v1\n"));
    for plain in [
        PATIENT,
        OCCUPATION,
        "Zebulon",
        "phq9",
        "svar-bundle",
        "hscl25",
    ] {
        assert!(
            !bytes.windows(plain.len()).any(|w| w == plain.as_bytes()),
            "`{plain}` is readable in the outbox file"
        );
    }
    let entries: Vec<String> = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries, [file.file_name().unwrap().to_string_lossy()]);
}

#[test]
fn a_full_disk_is_an_error_naming_the_outbox_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox");
    std::fs::create_dir(&outbox).unwrap();
    let answers = write_json(dir.path(), "answers.json", &demo_answers());
    // A file size limit of 0 makes every write fail as on a full disk; ignoring SIGXFSZ turns
    // the signal into an ordinary write error (EFBIG).
    let script = format!(
        "trap '' XFSZ; ulimit -f 0; exec '{}' fill --battery demo --answers '{}' --patient {PATIENT} --outbox '{}'",
        env!("CARGO_BIN_EXE_svar"),
        answers.display(),
        outbox.display()
    );
    let out = Command::new("sh")
        .args(["-c", &script])
        .current_dir(common::root())
        .output()
        .unwrap();
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("outbox {}", outbox.display())),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        std::fs::read_dir(&outbox).unwrap().count(),
        0,
        "nothing is left behind"
    );
}

/// Encrypts `plaintext` to the demo recipient with the age crate, as an attacker who knows the
/// public key could.
fn encrypt_to_demo(plaintext: &[u8], path: &Path) {
    let recipient = bundle::demo_recipient();
    let encryptor =
        age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .unwrap();
    let mut out = Vec::new();
    let mut writer = encryptor.wrap_output(&mut out).unwrap();
    writer.write_all(plaintext).unwrap();
    writer.finish().unwrap();
    std::fs::write(path, out).unwrap();
}

/// The decrypted envelope of a sealed file.
fn envelope_of(file: &Path) -> Vec<u8> {
    let identity: age::x25519::Identity = std::fs::read_to_string(demo_identity())
        .unwrap()
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .unwrap()
        .parse()
        .unwrap();
    age::decrypt(&identity, &std::fs::read(file).unwrap()).unwrap()
}

/// The bundle bytes and signature of a kiosk-written envelope (bundle written before signature).
fn split_envelope(envelope: &[u8]) -> (Vec<u8>, String) {
    let text = std::str::from_utf8(envelope).unwrap();
    let start = text.find("\"bundle\":").unwrap() + "\"bundle\":".len();
    let end = text.rfind(",\"signature\":").unwrap();
    let parsed: Value = serde_json::from_str(text).unwrap();
    (
        text.as_bytes()[start..end].to_vec(),
        parsed["signature"].as_str().unwrap().to_owned(),
    )
}

fn make_envelope(bundle: &[u8], signature: Option<&str>, key_id: &str) -> Vec<u8> {
    let mut out = b"{\"format\":\"svar-bundle/1\",\"bundle\":".to_vec();
    out.extend_from_slice(bundle);
    if let Some(signature) = signature {
        out.extend_from_slice(b",\"signature\":");
        out.extend(serde_json::to_vec(signature).unwrap());
    }
    out.extend_from_slice(format!(",\"kiosk_key_id\":\"{key_id}\"}}").as_bytes());
    out
}

#[test]
fn every_way_a_bundle_fails_has_its_own_error_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let good = sealed(dir.path());
    let bytes = std::fs::read(&good).unwrap();
    let demo_id = bundle::DeviceKey::demo().key_id();
    let (bundle_bytes, signature) = split_envelope(&envelope_of(&good));
    let case = |name: &str, content: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        path
    };

    let mut tampered = bytes.clone();
    let middle = bytes.len() / 2;
    tampered[middle] ^= 0x01;
    let tampered = case("tampered.svar.age", &tampered);
    let truncated = case("truncated.svar.age", &bytes[..40]);
    let cut_payload = case("cut.svar.age", &bytes[..bytes.len() - 10]);
    let not_age = case("not-age.svar.age", b"{\"format\": \"svar-bundle/1\"}\n");

    let unsigned = dir.path().join("unsigned.svar.age");
    encrypt_to_demo(&make_envelope(&bundle_bytes, None, &demo_id), &unsigned);

    // The patient id changed after signing, re-encrypted with the original signature.
    let altered_bundle = String::from_utf8(bundle_bytes.clone())
        .unwrap()
        .replace(PATIENT, "01017054321");
    let altered = dir.path().join("altered.svar.age");
    encrypt_to_demo(
        &make_envelope(altered_bundle.as_bytes(), Some(&signature), &demo_id),
        &altered,
    );

    // Another Ed25519 key that claims the demo kiosk's key id.
    let other = minisign::KeyPair::generate_encrypted_keypair(Some(String::new())).unwrap();
    let mut forged = other.sk.to_bytes();
    let keynum_at = 2 + 2 + 2 + 32 + 8 + 8;
    forged[keynum_at..keynum_at + 8]
        .copy_from_slice(bundle::DeviceKey::demo().public_key().keynum());
    let forged = minisign::SecretKey::from_bytes(&forged).unwrap();
    let forged_sig = minisign::sign(None, &forged, bundle_bytes.as_slice(), None, None)
        .unwrap()
        .into_string();
    let wrongly_signed = dir.path().join("wrongly-signed.svar.age");
    encrypt_to_demo(
        &make_envelope(&bundle_bytes, Some(&forged_sig), &demo_id),
        &wrongly_signed,
    );

    // A real kiosk key that the receiver has not enrolled.
    let stranger_key = dir.path().join("stranger.key");
    let out = common::svar(&[
        "keygen",
        "--device",
        "--out",
        stranger_key.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let stranger_id = common::stdout(&out).trim().to_owned();
    let out = fill(
        dir.path(),
        &dir.path().join("stranger"),
        &demo_answers(),
        &[
            "--device-key",
            stranger_key.to_str().unwrap(),
            "--kiosk",
            "stranger",
        ],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    let unknown_key = PathBuf::from(common::stdout(&out).trim());
    // The receiver's enrolled keys: the stranger's key, once for the wrong kiosk.
    let misnamed = dir.path().join("misnamed");
    std::fs::create_dir(&misnamed).unwrap();
    std::fs::copy(
        dir.path().join("stranger.key.pub"),
        misnamed.join("kiosk_2.pub"),
    )
    .unwrap();

    let wrong_identity = dir.path().join("other-identity.txt");
    bundle::write_identity(&wrong_identity).unwrap();

    assert!(matches!(
        open_lib(&tampered),
        Err(OpenError::Damaged { .. })
    ));
    assert!(matches!(
        open_lib(&truncated),
        Err(OpenError::Truncated { .. })
    ));
    assert!(matches!(
        open_lib(&cut_payload),
        Err(OpenError::Damaged { .. })
    ));
    assert!(matches!(open_lib(&not_age), Err(OpenError::NotAge { .. })));
    assert!(matches!(
        open_lib(&unsigned),
        Err(OpenError::Unsigned { .. })
    ));
    assert!(matches!(
        open_lib(&altered),
        Err(OpenError::BadSignature { .. })
    ));
    assert!(matches!(
        open_lib(&wrongly_signed),
        Err(OpenError::BadSignature { .. })
    ));
    assert!(
        matches!(open_lib(&unknown_key), Err(OpenError::UnknownKioskKey { ref key_id, .. }) if *key_id == stranger_id)
    );
    let wrong = bundle::open(
        &good,
        &Identities::load(&wrong_identity).unwrap(),
        &KioskKeys::demo(),
    );
    assert!(matches!(wrong, Err(OpenError::WrongIdentity { .. })));

    // Through the command line: exit 1, a distinct message naming the file, no patient data.
    let misnamed_keys = ["--kiosk-keys", misnamed.to_str().unwrap()];
    let cases: [(&Path, &[&str], &str); 10] = [
        (&tampered, &[], "tampered"),
        (&truncated, &[], "truncated"),
        (&cut_payload, &[], "damaged"),
        (&not_age, &[], "not an age"),
        (&unsigned, &[], "not signed"),
        (&altered, &[], "does not verify"),
        (&wrongly_signed, &[], "does not verify"),
        (&unknown_key, &[], "not enrolled"),
        (&good, &misnamed_keys, "not enrolled"),
        (
            &unknown_key,
            &misnamed_keys,
            "enrolled for kiosk `kiosk_2`, but the bundle says it comes from kiosk `stranger`",
        ),
    ];
    let mut messages = Vec::new();
    for (file, extra, expected) in cases {
        let out = open_cli(file, extra);
        let err = common::stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(expected), "{}: {err}", file.display());
        assert!(err.contains(&file.display().to_string()), "{err}");
        assert!(!err.contains(PATIENT) && !err.contains(OCCUPATION), "{err}");
        assert!(common::stdout(&out).is_empty());
        messages.push(err.replace(&file.display().to_string(), ""));
    }
    let out = common::svar(&[
        "open",
        "--identity",
        wrong_identity.to_str().unwrap(),
        "--demo",
        good.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(common::stderr(&out).contains("wrong key"));
    messages.push(common::stderr(&out).replace(&good.display().to_string(), ""));
    // Tampering and a cut payload share one message (age cannot tell them apart), as do the
    // two failed verifications; every other failure reads differently.
    messages.sort();
    messages.dedup();
    assert_eq!(messages.len(), 9, "{messages:#?}");
    assert!(matches!(
        bundle::open(
            &unknown_key,
            &Identities::load(&demo_identity()).unwrap(),
            &KioskKeys::load_folder(&misnamed).unwrap(),
        ),
        Err(OpenError::KioskMismatch { .. })
    ));

    // The stranger's key verifies once enrolled.
    let enrolled = dir.path().join("kiosks");
    std::fs::create_dir(&enrolled).unwrap();
    std::fs::copy(
        dir.path().join("stranger.key.pub"),
        enrolled.join("stranger.pub"),
    )
    .unwrap();
    let out = open_cli(&unknown_key, &["--kiosk-keys", enrolled.to_str().unwrap()]);
    assert!(out.status.success(), "{}", common::stderr(&out));
}

#[test]
fn keygen_writes_standard_keys_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let id = dir.path().join("id.txt");
    let out = common::svar(&["keygen", "--out", id.to_str().unwrap()]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let public = common::stdout(&out).trim().to_owned();
    assert!(public.starts_with("age1"), "{public}");
    let text = std::fs::read_to_string(&id).unwrap();
    assert!(text.contains(&format!("# public key: {public}\n")));

    let again = common::svar(&["keygen", "--out", id.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));
    assert!(common::stderr(&again).contains("never overwritten"));
    assert_eq!(std::fs::read_to_string(&id).unwrap(), text);

    let key = dir.path().join("kiosk.key");
    let out = common::svar(&["keygen", "--device", "--out", key.to_str().unwrap()]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let key_id = common::stdout(&out).trim().to_owned();
    let public_key = std::fs::read_to_string(dir.path().join("kiosk.key.pub")).unwrap();
    assert!(public_key.starts_with(&format!(
        "untrusted comment: minisign public key: {key_id}\n"
    )));
    let again = common::svar(&["keygen", "--device", "--out", key.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));

    // The new keys seal and open a bundle end to end.
    let outbox = dir.path().join("outbox");
    let out = fill(
        dir.path(),
        &outbox,
        &demo_answers(),
        &[
            "--recipient",
            &public,
            "--device-key",
            key.to_str().unwrap(),
            "--kiosk",
            "kiosk",
        ],
    );
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(!common::stderr(&out).contains("demo keys"));
    let file = common::stdout(&out).trim().to_owned();
    let kiosks = dir.path().join("kiosks");
    std::fs::create_dir(&kiosks).unwrap();
    std::fs::copy(dir.path().join("kiosk.key.pub"), kiosks.join("kiosk.pub")).unwrap();
    let out = common::svar(&[
        "open",
        "--identity",
        id.to_str().unwrap(),
        "--kiosk-keys",
        kiosks.to_str().unwrap(),
        &file,
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
}

#[test]
fn fill_checks_the_patient_id_against_its_type_without_repeating_it() {
    let dir = tempfile::tempdir().unwrap();
    let answers = write_json(dir.path(), "answers.json", &demo_answers());
    let outbox = dir.path().join("outbox");
    let run = |patient: &str, id_type: &str| {
        common::svar(&[
            "fill",
            "--battery",
            "demo",
            "--answers",
            answers.to_str().unwrap(),
            "--patient",
            patient,
            "--id-type",
            id_type,
            "--outbox",
            outbox.to_str().unwrap(),
        ])
    };
    // A mistyped control digit, a valid fødselsnummer declared as a D-number, a short CPR number.
    for (patient, id_type, reason) in [
        ("15057510062", "fodselsnummer", "control digit"),
        ("15057510061", "d_number", "not a d_number"),
        ("3113", "cpr", ""),
    ] {
        let out = run(patient, id_type);
        let err = common::stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{patient}: {err}");
        assert!(err.contains("--patient"), "{err}");
        assert!(err.contains(reason), "{err}");
        assert!(!err.contains(patient), "the id is never repeated: {err}");
    }
    assert!(!outbox.exists() || std::fs::read_dir(&outbox).unwrap().count() == 0);
    let out = run("15057510061", "fodselsnummer");
    assert!(out.status.success(), "{}", common::stderr(&out));
}

#[test]
fn fill_with_a_configuration_uses_the_sites_ids_keys_and_outbox() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let recipient = common::stdout(&common::svar(&[
        "keygen",
        "--out",
        d.join("site.key").to_str().unwrap(),
    ]))
    .trim()
    .to_owned();
    let device = d.join("device.key");
    assert!(
        common::svar(&["keygen", "--device", "--out", device.to_str().unwrap()])
            .status
            .success()
    );
    common::site_config(d, &recipient, "");
    let answers = write_json(d, "answers.json", &demo_answers());
    let out = common::svar(&[
        "fill",
        "--config",
        d.join("svar.toml").to_str().unwrap(),
        "--battery",
        "demo",
        "--answers",
        answers.to_str().unwrap(),
        "--patient",
        PATIENT,
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(!common::stderr(&out).contains("demo keys"));
    let file = PathBuf::from(common::stdout(&out).trim());
    assert_eq!(file.parent().unwrap(), d.join("data").join("outbox"));
    // Sealed to the site's key and signed with this kiosk's device key, not the demo ones.
    let identities = Identities::load(&d.join("site.key")).unwrap();
    let keys = tempfile::tempdir().unwrap();
    std::fs::copy(d.join("device.key.pub"), keys.path().join("kiosk_7.pub")).unwrap();
    let bundle = bundle::open(
        &file,
        &identities,
        &KioskKeys::load_folder(keys.path()).unwrap(),
    )
    .unwrap();
    assert_eq!(
        (bundle.site.as_str(), bundle.kiosk.as_str()),
        ("haukeland", "kiosk_7")
    );
    assert!(open_lib(&file).is_err(), "the demo identity cannot open it");
}

#[test]
fn open_and_export_trust_no_kiosk_key_by_default_and_warn_about_the_demo_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = sealed(dir.path());
    let identity = demo_identity();
    let identity = identity.to_str().unwrap();
    let out_dir = dir.path().join("export");
    let out_dir = out_dir.to_str().unwrap();
    let outbox = dir.path().join("outbox");
    let outbox = outbox.to_str().unwrap();
    let file = file.to_str().unwrap();
    let refused: [&[&str]; 2] = [
        &["open", "--identity", identity, file],
        &[
            "export",
            "--identity",
            identity,
            "--format",
            "jsonl",
            "--out",
            out_dir,
            outbox,
        ],
    ];
    for args in refused {
        let out = common::svar(args);
        let err = common::stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("no kiosk key is trusted by default")
                && err.contains("--kiosk-keys")
                && err.contains("--demo"),
            "{err}"
        );
        assert!(common::stdout(&out).is_empty());
    }
    assert!(!dir.path().join("export").exists(), "nothing exported");

    let out = open_cli(Path::new(file), &[]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(
        common::stderr(&out).contains("warning: --demo trusts the demo kiosk key"),
        "{}",
        common::stderr(&out)
    );
}
