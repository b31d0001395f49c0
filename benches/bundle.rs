//! Sealing one completed demo-battery bundle: sign, encrypt to one recipient, and write it
//! atomically to an outbox on disk, fsyncs of file and folder included.

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;
use svar::bundle::{self, DeviceKey, FormHashes, IdType, Meta, Patient, Subject, Timestamp};
use svar::{library, text::Lang};

fn seal(c: &mut Criterion) {
    let forms = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("forms");
    let loaded = library::load_paths(std::slice::from_ref(&forms), None);
    let battery = Arc::new(loaded.batteries["demo"].clone());
    let hashes = FormHashes::of_folder(&forms).expect("forms hash");
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
    let meta = Meta {
        bundle_id: uuid::Uuid::now_v7(),
        site: "bench".into(),
        kiosk: "bench".into(),
        patient: Patient {
            id: "01017012345".into(),
            id_type: IdType::Synthetic,
        },
        timepoint: None,
        arm: None,
        consent: None,
        started: Timestamp::now(),
    };
    let filled = bundle::fill(
        Subject::Battery(battery),
        Lang::Nb,
        &answers,
        &meta,
        &hashes,
    )
    .expect("the bench answers are complete");
    let recipients = [bundle::demo_recipient()];
    let signer = DeviceKey::demo();
    // A folder beside the build output, on the same disk a kiosk's outbox would be on, not a
    // RAM-backed /tmp: fsync must cost what it costs.
    let outbox = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("outbox");
    c.bench_function("seal one demo bundle (sign, encrypt, write, fsync)", |b| {
        b.iter_batched(
            || {
                let mut bundle = filled.bundle.clone();
                // Each sealed file needs its own name.
                bundle.bundle_id = uuid::Uuid::now_v7();
                bundle
            },
            |bundle| bundle::seal(&bundle, &recipients, &signer, outbox.path()).expect("sealed"),
            criterion::BatchSize::SmallInput,
        )
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = seal
}
criterion_main!(benches);
