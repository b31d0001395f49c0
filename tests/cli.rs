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
    for line in [
        "validate  Check form and battery files",
        "score     Score one form",
        "schema    Print the JSON Schema",
    ] {
        assert!(help.contains(line), "{help}");
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
                "now": {"value": 5, "band": "moderate"},
                "worst_week": {"value": 8, "band": "severe"},
                "avg_week": {"value": 0, "band": "none"}
            },
            "flags": []
        })
    );
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
