//! Helpers shared by the integration tests.

#![allow(dead_code)]

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the `svar` binary with `args` from the repository root.
pub fn svar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_svar"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the svar binary runs")
}

/// Standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The JSON files directly in `dir`, sorted.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("folder exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// Complete answers to the demo battery, with `occupation` as the free-text answer.
pub fn demo_answers(occupation: &str) -> Value {
    let hscl: serde_json::Map<String, Value> = (1..=25)
        .map(|i| (format!("q{i}"), json!(1 + i % 2)))
        .collect();
    json!({
        "consent": {"consent": 1, "signature": [[[0.1, 0.2], [0.3, 0.4]]]},
        "about_you": {"birth_date": "1970-01-01", "occupation": occupation, "employed": 1,
                      "weekly_hours": 37.5, "health_today": 62, "sleep": [1, 3]},
        "nrs_pain": {"now": 5, "worst_week": 8, "avg_week": 4},
        "nmq": {"trouble_12m": ["neck", "low_back"], "prevented_neck": 1, "trouble_7d_neck": 0,
                "prevented_low_back": 0, "trouble_7d_low_back": 1},
        "hscl25": hscl,
        "phq9": {"q1": 1, "q2": 2, "q3": 0, "q4": 1, "q5": 0, "q6": 1, "q7": 0, "q8": 0, "q9": 0,
                 "difficulty": 1},
        "was": {"q1": 7}
    })
}
