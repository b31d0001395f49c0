//! Set-up shared by the benchmarks.

// Each bench uses part of this module.
#![allow(dead_code)]

use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;
use svar_bundle::{self as bundle, Bundle, FormHashes, IdType, Meta, Patient, Subject, Timestamp};
use svar_forms::library;
use svar_forms::text::Lang;

/// The repository's `forms/` folder.
pub fn forms() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("forms")
}

/// Who and when for a bench session: a synthetic patient, a fresh bundle id.
pub fn meta() -> Meta {
    Meta {
        bundle_id: uuid::Uuid::now_v7(),
        site: "bench".into(),
        kiosk: svar_bundle::DEMO_KIOSK.into(),
        patient: Patient {
            id: "01817010055".into(),
            id_type: IdType::Synthetic,
        },
        timepoint: None,
        arm: None,
        consent: None,
        started: Timestamp::now(),
    }
}

/// A completed demo-battery bundle with a fixed, realistic set of answers.
pub fn demo_bundle() -> Bundle {
    let forms = forms();
    let loaded = library::load_paths(std::slice::from_ref(&forms), None);
    let battery = Arc::new(loaded.batteries["demo"].clone());
    let hashes = FormHashes::of_folder(&forms);
    let hscl: serde_json::Map<String, serde_json::Value> = (1..=25)
        .map(|i| (format!("q{i}"), json!(1 + i % 4)))
        .collect();
    let answers = json!({
        "consent": {"consent": 1, "signature": [[[0.1, 0.2], [0.3, 0.4], [0.5, 0.4]]]},
        "about_you": {"birth_date": "1970-01-01", "employed": 1, "weekly_hours": 37.5,
                      "health_today": 62, "sleep": [1, 3]},
        "nrs_pain": {"now": 5, "worst_week": 8, "avg_week": 4},
        "nmq": {"trouble_12m": ["neck"], "prevented_neck": 1, "trouble_7d_neck": 0},
        "hscl25": hscl,
        "phq9": {"q1": 1, "q2": 2, "q3": 0, "q4": 1, "q5": 0, "q6": 1, "q7": 0, "q8": 0, "q9": 0},
        "was": {"q1": 7}
    });
    bundle::fill(
        Subject::Battery(battery),
        Lang::Nb,
        &answers,
        &meta(),
        &hashes,
    )
    .expect("the bench answers are complete")
    .bundle
}
