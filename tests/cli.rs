//! The `svar` command line as a user meets it: help, exit codes and messages.

mod common;

use std::io::Write;

fn answers_file(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .expect("write");
    path.to_string_lossy().into_owned()
}

#[test]
fn help_lists_every_command_with_a_sentence() {
    let out = common::svar(&["--help"]);
    assert!(out.status.success());
    let help = common::stdout(&out);
    for (command, sentence) in [
        ("validate", "Check form and battery files"),
        ("score", "Score one form"),
        ("preview", "Open a form or battery file in a window"),
        (
            "import",
            "Make Svar forms from XLSForm workbooks, REDCap data dictionaries and FHIR",
        ),
        (
            "export-form",
            "Write a form as an XLSForm workbook or a FHIR R4 Questionnaire",
        ),
        ("schema", "Print the JSON Schema"),
    ] {
        let listed = help.lines().any(|l| {
            l.trim_start().strip_prefix(command).is_some_and(|rest| {
                rest.starts_with(' ') && rest.trim_start().starts_with(sentence)
            })
        });
        assert!(listed, "`{command}  {sentence}` in {help}");
    }
    let out = common::svar(&["score", "--help"]);
    assert!(common::stdout(&out).contains("Exits 2 when an answer is"));
}

#[test]
fn score_prints_the_documented_json() {
    let dir = tempfile::tempdir().unwrap();
    let answers = answers_file(
        &dir,
        "a.json",
        r#"{"now": 5, "worst_week": 8, "avg_week": 0}"#,
    );
    let out = common::svar(&[
        "score",
        "--form",
        "forms/nrs_pain.json",
        "--answers",
        &answers,
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let got: serde_json::Value = serde_json::from_str(&common::stdout(&out)).unwrap();
    assert_eq!(
        got,
        serde_json::json!({
            "form": "nrs_pain", "version": "1.0.0",
            "scores": {
                "now": {"value": 5, "band": "moderate", "flag": "none"},
                "worst_week": {"value": 8, "band": "severe", "flag": "none"},
                "avg_week": {"value": 0, "band": "none", "flag": "none"}
            },
            "flags": []
        })
    );
}

#[test]
fn the_admin_guides_worked_example_scores_as_the_guide_says() {
    // The cases of docs/admin-guide.md, section 9: answers, total, band, its flag, flags raised.
    let cases: &[(
        &str,
        serde_json::Value,
        serde_json::Value,
        serde_json::Value,
        &[&str],
    )] = &[
        (
            r#"{"q1": 3, "q2": 2, "q3": 3, "q4": 2, "talk_to_nurse": 1}"#,
            10.into(),
            "high".into(),
            "attention".into(),
            &["wants_nurse"],
        ),
        (
            r#"{"q1": 1, "q2": 2, "q3": 2, "q4": 1}"#,
            6.into(),
            "moderate".into(),
            "none".into(),
            &[],
        ),
        (
            r#"{"q1": 1, "q2": 1, "q3": 1, "q4": 1}"#,
            4.into(),
            "low".into(),
            "none".into(),
            &[],
        ),
        (
            r#"{"q1": 3, "q2": 3, "q3": 3, "q4": 0}"#,
            9.into(),
            "high".into(),
            "attention".into(),
            &[],
        ),
        (
            r#"{"q1": 2, "q2": 2, "q3": 2, "q4": 2, "talk_to_nurse": 1}"#,
            8.into(),
            "moderate".into(),
            "none".into(),
            &[],
        ),
        (
            r#"{"q1": 2, "q2": 0, "q3": 1}"#,
            serde_json::Value::Null,
            serde_json::Value::Null,
            serde_json::Value::Null,
            &[],
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (answers, value, band, flag, raised) in cases {
        let file = answers_file(&dir, "answers.json", answers);
        let out = common::svar(&[
            "score",
            "--form",
            "docs/examples/sleep_check.json",
            "--answers",
            &file,
        ]);
        assert!(out.status.success(), "{answers}: {}", common::stderr(&out));
        let got: serde_json::Value = serde_json::from_str(&common::stdout(&out)).unwrap();
        let total = &got["scores"]["total"];
        assert_eq!(
            (&total["value"], &total["band"], &total["flag"]),
            (value, band, flag),
            "{answers}"
        );
        assert_eq!(got["flags"], serde_json::json!(raised), "{answers}");
    }
}

#[test]
fn score_with_a_battery_records_the_cut_offs_applied() {
    let dir = tempfile::tempdir().unwrap();
    // 37 / 20 = 1.85: a case by the form's own cut-off (≥ 1.75), not by the trial's (> 1.85).
    let answers: String = (1..=20)
        .map(|i| format!("\"q{i}\": {}", if i <= 17 { 2 } else { 1 }))
        .collect::<Vec<_>>()
        .join(", ");
    let answers = answers_file(&dir, "a.json", &format!("{{{answers}}}"));
    let plain = common::svar(&[
        "score",
        "--form",
        "forms/hscl25.json",
        "--answers",
        &answers,
    ]);
    let plain: serde_json::Value = serde_json::from_str(&common::stdout(&plain)).unwrap();
    assert_eq!(plain["scores"]["total"]["band"], "case");
    assert!(plain.get("band_overrides").is_none());
    let trial = common::svar(&[
        "score",
        "--form",
        "forms/hscl25.json",
        "--answers",
        &answers,
        "--battery",
        "no_work_health_baseline",
    ]);
    assert!(trial.status.success(), "{}", common::stderr(&trial));
    let trial: serde_json::Value = serde_json::from_str(&common::stdout(&trial)).unwrap();
    assert_eq!(trial["scores"]["total"]["band"], "below");
    assert!(
        trial["band_overrides"]["total"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
}

#[test]
fn bad_answers_exit_2_naming_the_item_but_never_the_answer() {
    let dir = tempfile::tempdir().unwrap();
    for (text, item) in [
        (r#"{"now": 937}"#, "now"),
        (r#"{"nowx": 3}"#, "nowx"),
        (r#"{"now": "seven hundred"}"#, "now"),
        (r#"{"now": 2.5}"#, "now"),
    ] {
        let answers = answers_file(&dir, "a.json", text);
        let out = common::svar(&[
            "score",
            "--form",
            "forms/nrs_pain.json",
            "--answers",
            &answers,
        ]);
        let err = common::stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{text}: {err}");
        assert!(err.contains(&format!("item `{item}`")), "{err}");
        assert!(
            !err.contains("937") && !err.contains("seven") && !err.contains("2.5"),
            "{err}"
        );
    }
}

#[test]
fn unreadable_or_broken_answers_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::svar(&[
        "score",
        "--form",
        "forms/phq9.json",
        "--answers",
        "no/such/answers.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let answers = answers_file(&dir, "a.json", r#"{"q1": 3, "secret-patient-text"#);
    let out = common::svar(&["score", "--form", "forms/phq9.json", "--answers", &answers]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !common::stderr(&out).contains("secret"),
        "{}",
        common::stderr(&out)
    );
    let answers = answers_file(&dir, "b.json", "[1, 2]");
    let out = common::svar(&["score", "--form", "forms/phq9.json", "--answers", &answers]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_broken_form_exits_1_with_its_problems() {
    let dir = tempfile::tempdir().unwrap();
    let answers = answers_file(&dir, "a.json", "{}");
    let out = common::svar(&[
        "score",
        "--form",
        "tests/fixtures/bad/band-gap.json",
        "--answers",
        &answers,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(common::stderr(&out).contains("error[band-gap]"));
}

#[test]
fn a_battery_without_the_form_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let answers = answers_file(&dir, "a.json", "{}");
    let out = common::svar(&[
        "score",
        "--form",
        "forms/phq9.json",
        "--answers",
        &answers,
        "--battery",
        "dk_back_visit",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(common::stderr(&out).contains("does not include the form `phq9`"));
}

/// Runs `svar` with standard input.
fn svar_with_input(args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_svar"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Runs `svar` with a new pseudo-terminal as its standard input and controlling terminal, as
/// when a person runs it in a shell, and types `lines` one after another, each once the
/// program has asked (its prompt shows) and turned echo off, as a person types after a prompt.
/// Returns the output and everything the terminal showed.
#[cfg(unix)]
fn svar_on_terminal(args: &[&str], lines: &[&str]) -> (std::process::Output, String) {
    use std::io::Read;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::os::unix::process::CommandExt;
    use std::time::{Duration, Instant};
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes two new descriptors; name, settings and size may be null.
    let opened = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(opened, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened and are owned here alone.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_svar"));
    command
        .args(args)
        .stdin(slave)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(|| {
            // A session of its own with the terminal as its controlling one, so that the
            // program's /dev/tty is this terminal.
            if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let child = command.spawn().expect("the svar binary runs");
    // The parent's copy of the terminal's end closes with the command, so reading the other
    // end stops when the program exits.
    drop(command);
    let mut reader = std::fs::File::from(master.try_clone().unwrap());
    let (sent, shown_bytes) = std::sync::mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buf = [0; 256];
        while let Ok(n @ 1..) = reader.read(&mut buf) {
            if sent.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let mut shown = Vec::new();
    // Not a speed check: only so that a program that never asks fails instead of hanging.
    let give_up = Instant::now() + Duration::from_secs(60);
    let mut terminal = std::fs::File::from(master);
    for (typed, line) in lines.iter().enumerate() {
        loop {
            let prompts = String::from_utf8_lossy(&shown).matches("PIN").count();
            // SAFETY: a termios is plain data; tcgetattr fills it for an open terminal.
            let echo = unsafe {
                let mut settings: libc::termios = std::mem::zeroed();
                libc::tcgetattr(terminal.as_raw_fd(), &mut settings);
                settings.c_lflag & libc::ECHO != 0
            };
            if prompts > typed && !echo {
                break;
            }
            assert!(
                Instant::now() < give_up,
                "svar never asked for input {} with echo off; the terminal showed {:?}",
                typed + 1,
                String::from_utf8_lossy(&shown)
            );
            if let Ok(bytes) = shown_bytes.recv_timeout(Duration::from_millis(20)) {
                shown.extend(bytes);
            }
        }
        terminal.write_all(format!("{line}\n").as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    drop(terminal);
    shown.extend(shown_bytes.iter().flatten());
    (out, String::from_utf8_lossy(&shown).into_owned())
}

#[cfg(unix)]
#[test]
fn pin_hash_on_a_terminal_asks_twice_and_never_shows_the_pin() {
    let (out, shown) = svar_on_terminal(&["pin-hash"], &["4711", "4711"]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let hash = common::stdout(&out).trim().to_owned();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert_eq!(shown.matches("PIN").count(), 2, "{shown}");
    assert!(
        !shown.contains("4711"),
        "the terminal showed the PIN: {shown}"
    );
    // A typing error in either answer is caught before it locks a nurse out.
    let (out, shown) = svar_on_terminal(&["pin-hash"], &["4711", "4712"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("the two PINs differ"),
        "{}",
        common::stderr(&out)
    );
    assert!(common::stdout(&out).is_empty());
    assert!(
        !shown.contains("4711") && !shown.contains("4712"),
        "{shown}"
    );
}

/// The README's site set-up, step by step: keys, a receiver with a token, the kiosk's
/// configuration from the example, a bundle delivered, and the research server's export.
#[test]
fn a_site_sets_up_keys_a_kiosk_and_a_receiver_as_the_readme_says() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = |name: &str| d.join(name).to_string_lossy().into_owned();
    // The receiving site's key and the kiosk's device key.
    let out = common::svar(&["keygen", "--out", &path("site.key")]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let recipient = common::stdout(&out).trim().to_owned();
    std::fs::create_dir(d.join("keys")).unwrap();
    let out = common::svar(&["keygen", "--device", "--out", &path("keys/device.key")]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    // A PIN hash for a nurse; a PIN that is not 4–8 digits is refused.
    assert_eq!(
        svar_with_input(&["pin-hash"], "12a4\n").status.code(),
        Some(2)
    );
    let out = svar_with_input(&["pin-hash"], "4711\n");
    assert!(out.status.success());
    let hash = common::stdout(&out).trim().to_owned();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("4711"));
    // The receiving host: a token for the kiosk, and the service.
    const TOKEN: &str = "5f0c4b9e2a7d41c8b3e6f1a0d9c8b7a6";
    std::fs::create_dir(d.join("received")).unwrap();
    std::fs::write(d.join("tokens"), format!("kiosk_03:{TOKEN}\n")).unwrap();
    let port = common::free_port();
    let _receiver = common::start_receiver(port, &d.join("received"), &d.join("tokens"));
    let example = std::fs::read_to_string(common::root().join("docs/svar.example.toml")).unwrap();
    let pin_line = example.lines().find(|l| l.starts_with("pin_hash")).unwrap();
    let config = example
        .replace(
            "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
            &recipient,
        )
        .replace("/var/lib/svar", &path("data"))
        .replace(
            "/usr/share/svar/forms",
            &common::root().join("forms").to_string_lossy(),
        )
        .replace(pin_line, &format!("pin_hash = \"{hash}\""))
        .replace("/etc/svar/upload.token", &path("upload.token"))
        .replace(
            "https://svar.example.org",
            &format!("http://127.0.0.1:{port}"),
        );
    std::fs::write(d.join("upload.token"), format!("{TOKEN}\n")).unwrap();
    std::fs::write(d.join("svar.toml"), &config).unwrap();
    let out = common::svar(&["config", "check", &path("svar.toml")]);
    assert!(out.status.success(), "{}", common::stdout(&out));
    assert!(
        common::stderr(&out).contains("ok (site unn_tromso")
            && common::stderr(&out).contains("1 upload target(s)"),
        "{}",
        common::stderr(&out)
    );
    // A mistake is reported at its line, as `svar validate` does.
    std::fs::write(
        d.join("bad.toml"),
        config.replace("\"demo\"]", "\"no_such_battery\"]"),
    )
    .unwrap();
    let out = common::svar(&["config", "check", &path("bad.toml")]);
    assert_eq!(out.status.code(), Some(1));
    let line = config
        .lines()
        .position(|l| l.starts_with("batteries"))
        .unwrap()
        + 1;
    assert!(
        common::stdout(&out).contains(&format!("bad.toml:{line}:")),
        "{}",
        common::stdout(&out)
    );
    assert!(common::stdout(&out).contains("unknown-battery"));
    // The demo keys are public, so a site configuration may not use them.
    std::fs::write(
        d.join("demo.toml"),
        config
            .replace(&recipient, &svar_bundle::demo_recipient().to_string())
            .replace(
                "keys/device.key",
                &common::root()
                    .join("assets/demo-keys/demo-device.key")
                    .to_string_lossy(),
            ),
    )
    .unwrap();
    let out = common::svar(&["config", "check", &path("demo.toml")]);
    assert_eq!(out.status.code(), Some(1));
    let printed = common::stdout(&out);
    assert!(
        printed.contains("demo-recipient") && printed.contains("demo-device-key"),
        "{printed}"
    );

    // A session at the kiosk (back-entered here), delivered to the receiver.
    let answers = d.join("answers.json");
    std::fs::write(&answers, common::demo_answers().to_string()).unwrap();
    let out = common::svar(&[
        "fill",
        "--config",
        &path("svar.toml"),
        "--battery",
        "demo",
        "--answers",
        &answers.to_string_lossy(),
        "--patient",
        common::PATIENT,
        "--id-type",
        "synthetic",
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let out = common::svar(&["upload", "--config", &path("svar.toml")]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(
        common::stdout(&out).contains("delivered 1,"),
        "{}",
        common::stdout(&out)
    );
    assert_eq!(common::bundle_files(&d.join("received")).len(), 1);

    // The research server: the kiosk's enrolled key and the site identity open what arrived.
    std::fs::create_dir(d.join("kiosk-keys")).unwrap();
    std::fs::copy(
        d.join("keys/device.key.pub"),
        d.join("kiosk-keys/kiosk_03.pub"),
    )
    .unwrap();
    let out = common::svar(&[
        "export",
        "--identity",
        &path("site.key"),
        "--kiosk-keys",
        &path("kiosk-keys"),
        "--format",
        "csv",
        "--out",
        &path("export"),
        &path("received"),
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let phq9 = std::fs::read_to_string(d.join("export/phq9.csv")).unwrap();
    assert_eq!(
        phq9.lines().count(),
        2,
        "a header and the one session: {phq9}"
    );
}

#[test]
fn audit_verify_reports_an_intact_log_and_a_tampered_one() {
    let k = common::Kiosk::new();
    {
        let mut store = k.store();
        let mut visit = svar_kiosk::visit::Visit::start(
            &mut store,
            k.demo(),
            svar_forms::text::Lang::Nb,
            common::meta(),
            Some("nurse_kari"),
        )
        .unwrap();
        let script = svar_bundle::answers_in_order(&k.demo(), &common::demo_answers()).unwrap();
        for (form, item, answer) in script.into_iter().take(4) {
            visit.answer(&mut store, form, item, Some(answer));
        }
        visit
            .end(&mut store, svar_bundle::Status::Abandoned, &k.sealer, None)
            .unwrap()
            .unwrap();
    }
    let data = k.data.to_string_lossy().into_owned();
    let key = k.key.to_string_lossy().into_owned();
    let out = common::svar(&["audit", "verify", "--data", &data, "--store-key", &key]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(common::stdout(&out).contains("intact: 4 row(s)"));
    let out = common::svar(&["audit", "list", "--data", &data, "--store-key", &key]);
    let listing = common::stdout(&out);
    assert!(listing.contains("session_started") && listing.contains("nurse_kari"));
    assert!(!listing.contains(common::PATIENT));
    let conn = rusqlite::Connection::open(k.data.join(svar_store::DB_FILE)).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_no_update; UPDATE audit SET staff = 'nobody' WHERE seq = 2;",
    )
    .unwrap();
    drop(conn);
    let out = common::svar(&["audit", "verify", "--data", &data, "--store-key", &key]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("audit row 2 was altered"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn preview_of_a_file_that_is_not_there_says_what_to_give() {
    let out = common::svar(&["preview", "forms/no_such_form.json"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = common::stderr(&out);
    assert!(
        stderr.contains("there is no file forms/no_such_form.json; give a form file"),
        "{stderr}"
    );
}
