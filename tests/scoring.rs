//! Every hand-computed case in `tests/scoring/` through the library and through `svar score`.

mod common;

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use svar_forms::answer::Answers;
use svar_forms::library;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    form: String,
    cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    #[serde(default)]
    battery: Option<String>,
    answers: Value,
    #[serde(default)]
    scores: Option<BTreeMap<String, Expected>>,
    #[serde(default)]
    flags: Vec<String>,
    #[serde(default)]
    error_item: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    value: Option<f64>,
    band: Option<String>,
}

fn case_files() -> Vec<(PathBuf, CaseFile)> {
    common::json_files(&common::root().join("tests/scoring"))
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable");
            let file =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            (path, file)
        })
        .collect()
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        (None, None) => true,
        _ => false,
    }
}

/// Compares one scored result (as `svar score` JSON) with the expectation; returns problems.
fn compare(case: &Case, got: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let expected = case
        .scores
        .as_ref()
        .expect("a case without error_item lists scores");
    let got_scores = got["scores"].as_object().expect("scores object");
    let got_ids: Vec<&String> = got_scores.keys().collect();
    let want_ids: Vec<&String> = expected.keys().collect();
    let mut sorted_got = got_ids.clone();
    sorted_got.sort();
    if sorted_got != want_ids {
        problems.push(format!("score ids: got {got_ids:?}, expected {want_ids:?}"));
    }
    for (id, want) in expected {
        let g = &got_scores[id];
        if !close(g["value"].as_f64(), want.value) {
            problems.push(format!(
                "{id}: value {} expected {:?}",
                g["value"], want.value
            ));
        }
        if g["band"].as_str() != want.band.as_deref() {
            problems.push(format!("{id}: band {} expected {:?}", g["band"], want.band));
        }
    }
    let flags: Vec<&str> = got["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if flags != case.flags.iter().map(String::as_str).collect::<Vec<_>>() {
        problems.push(format!("flags {flags:?} expected {:?}", case.flags));
    }
    problems
}

#[test]
fn library_scores_match_hand_computed_cases() {
    let forms_dir = common::root().join("forms");
    let loaded = library::load_paths(&[forms_dir], None);
    assert!(
        !loaded.has_errors(),
        "shipped forms load: {:?}",
        loaded.diagnostics
    );
    let mut failures = Vec::new();
    let mut count = 0;
    for (path, file) in case_files() {
        let form = loaded
            .forms
            .get(&file.form)
            .unwrap_or_else(|| panic!("{}: no form {}", path.display(), file.form));
        for case in &file.cases {
            count += 1;
            let label = format!(
                "{} / {}",
                path.file_name().unwrap().to_string_lossy(),
                case.name
            );
            let answers = Answers::from_json(form, &case.answers);
            match (&case.error_item, answers) {
                (Some(item), Err(e)) => {
                    if &e.item != item {
                        failures.push(format!(
                            "{label}: error names `{}`, expected `{item}`",
                            e.item
                        ));
                    }
                }
                (Some(item), Ok(_)) => {
                    failures.push(format!("{label}: accepted, expected an error on `{item}`"))
                }
                (None, Err(e)) => failures.push(format!("{label}: rejected: {e}")),
                (None, Ok(answers)) => {
                    let overrides = match &case.battery {
                        Some(b) => loaded.batteries[b]
                            .member(&file.form)
                            .expect("member")
                            .overrides
                            .clone(),
                        None => Vec::new(),
                    };
                    let report = svar_forms::score::score(form, &answers, &overrides);
                    for p in compare(case, &report.to_json(form)) {
                        failures.push(format!("{label}: {p}"));
                    }
                }
            }
        }
    }
    assert!(count >= 100, "only {count} cases");
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn cli_scores_match_hand_computed_cases() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut failures = Vec::new();
    for (path, file) in case_files() {
        let form_path = format!("forms/{}.json", file.form);
        for (k, case) in file.cases.iter().enumerate() {
            let label = format!(
                "{} / {}",
                path.file_name().unwrap().to_string_lossy(),
                case.name
            );
            let answers = dir.path().join(format!("{}-{k}.json", file.form));
            std::fs::write(&answers, case.answers.to_string()).expect("write answers");
            let answers = answers.to_string_lossy().into_owned();
            let mut args = vec!["score", "--form", &form_path, "--answers", &answers];
            if let Some(b) = &case.battery {
                args.extend(["--battery", b]);
            }
            let out = common::svar(&args);
            match &case.error_item {
                Some(item) => {
                    let err = common::stderr(&out);
                    if out.status.code() != Some(2) || !err.contains(&format!("`{item}`")) {
                        failures.push(format!(
                            "{label}: exit {:?}, stderr {err:?}",
                            out.status.code()
                        ));
                    }
                }
                None => {
                    if !out.status.success() {
                        failures.push(format!(
                            "{label}: exit {:?}: {}",
                            out.status.code(),
                            common::stderr(&out)
                        ));
                        continue;
                    }
                    let got: Value =
                        serde_json::from_str(&common::stdout(&out)).expect("JSON on stdout");
                    assert_eq!(got["form"], file.form.as_str());
                    for p in compare(case, &got) {
                        failures.push(format!("{label}: {p}"));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_shipped_form_with_scores_has_cases() {
    let covered: Vec<String> = case_files().into_iter().map(|(_, f)| f.form).collect();
    let loaded = library::load_paths(&[common::root().join("forms")], None);
    for (id, form) in &loaded.forms {
        if !form.scores.is_empty() {
            assert!(covered.contains(id), "no scoring cases for `{id}`");
        }
    }
}
