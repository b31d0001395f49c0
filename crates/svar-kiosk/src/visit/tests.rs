//! Visits recorded, resumed and sealed against a real store.

use super::*;
use svar_bundle::{IdType, Patient};
use svar_forms::session::Nav;

fn demo_battery() -> Arc<Battery> {
    let forms = crate::repo_root().join("forms");
    let loaded = svar_forms::library::load_paths(&[forms], None);
    Arc::new(loaded.batteries["demo"].clone())
}

fn meta() -> Meta {
    Meta {
        bundle_id: uuid::Uuid::now_v7(),
        site: "s".into(),
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

/// A new store with a new key in `dir`.
fn fresh_store(dir: &std::path::Path) -> Store {
    let key = svar_store::StoreKey::create(&dir.join("store.key")).unwrap();
    Store::open(&dir.join("data"), key).unwrap()
}

/// Sealing to the demo keys into `outbox`.
fn sealer(outbox: &std::path::Path, battery: &Arc<Battery>) -> Sealer {
    let forms = crate::repo_root().join("forms");
    Sealer {
        recipients: vec![bundle::demo_recipient()],
        device_key: DeviceKey::demo(),
        outbox: outbox.to_owned(),
        hashes: FormHashes::of_folder(&forms),
        batteries: vec![Arc::clone(battery)],
    }
}

/// Answers to most of the demo battery: more than one database page holds.
fn script(battery: &Battery) -> Vec<(usize, ItemIx, Answer)> {
    let hscl: serde_json::Map<String, Value> = (1..=25)
        .map(|i| (format!("q{i}"), json!(1 + i % 4)))
        .collect();
    let phq: serde_json::Map<String, Value> =
        (1..=9).map(|i| (format!("q{i}"), json!(i % 4))).collect();
    svar_bundle::answers_in_order(
        battery,
        &json!({
            "nrs_pain": {"now": 5, "worst_week": 8, "avg_week": 4},
            "about_you": {"occupation": "Fyrvokter på Lindesnes fyr, nattskift og helg"},
            "hscl25": hscl,
            "phq9": phq,
            "was": {"q1": 7},
        }),
    )
    .unwrap()
}

#[test]
fn a_full_disk_keeps_every_answer_in_memory_and_the_screen_still_until_space_returns() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let battery = demo_battery();
    let script = script(&battery);
    let mut visit = Visit::start(&mut store, battery, Lang::Nb, meta(), None).unwrap();
    let (first, rest) = script.split_at(3);
    for (form, item, answer) in first.iter().cloned() {
        visit.answer(&mut store, form, item, Some(answer));
    }
    assert!(visit.problem().is_none());
    store.simulate_full_disk(true);
    let mut refused = 0;
    for (form, item, answer) in rest.iter().cloned() {
        assert_eq!(
            visit.answer(&mut store, form, item, Some(answer)),
            AnswerOutcome::Accepted,
            "the answer is taken in memory"
        );
        if visit.problem().is_some() {
            refused += 1;
        }
    }
    assert!(refused > 0, "the full disk refused writes");
    let problem = visit.problem().unwrap();
    assert!(problem.is_disk_full(), "{problem}");
    assert!(!problem.to_string().contains("01817010055"));
    assert_eq!(
        visit.forward(&mut store),
        Nav::Stayed,
        "no moving on unsaved"
    );
    for (form, item, answer) in &script {
        assert_eq!(visit.session().answers(*form).get(*item), Some(answer));
    }
    store.simulate_full_disk(false);
    assert!(visit.save(&mut store), "saved once space returns");
    assert!(visit.problem().is_none());
    assert_eq!(store.load(visit.id()).unwrap().answers.len(), script.len());
}

#[test]
fn ending_on_a_full_disk_hands_the_visit_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let battery = demo_battery();
    let sealer = sealer(dir.path(), &battery);
    let script = script(&battery);
    let mut visit = Visit::start(&mut store, battery, Lang::Nb, meta(), None).unwrap();
    store.simulate_full_disk(true);
    for (form, item, answer) in script.iter().cloned() {
        visit.answer(&mut store, form, item, Some(answer));
    }
    assert!(visit.problem().is_some());
    let (visit, problem) = visit
        .end(&mut store, Status::Timeout, &sealer, None)
        .unwrap_err();
    assert!(problem.is_disk_full(), "{problem}");
    for (form, item, answer) in &script {
        assert_eq!(visit.session().answers(*form).get(*item), Some(answer));
    }
    store.simulate_full_disk(false);
    let sealed = visit
        .end(&mut store, Status::Timeout, &sealer, None)
        .unwrap()
        .unwrap();
    let bundle = svar_bundle::open(
        &sealed.path,
        &svar_bundle::Identities::load(
            &crate::repo_root().join("assets/demo-keys/demo-identity.txt"),
        )
        .unwrap(),
        &svar_bundle::KioskKeys::demo(),
    )
    .unwrap();
    let hscl = bundle.forms.iter().find(|f| f.id == "hscl25").unwrap();
    assert_eq!(hscl.answers.len(), 25, "nothing was lost");
    let total: usize = bundle.forms.iter().map(|f| f.answers.len()).sum();
    assert_eq!(total, script.len());
}

#[test]
fn a_crash_after_writing_the_bundle_never_makes_a_second_ciphertext() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = fresh_store(dir.path());
    let battery = demo_battery();
    let sealer = sealer(dir.path(), &battery);
    let script = script(&battery);
    let mut visit = Visit::start(&mut store, battery, Lang::Nb, meta(), None).unwrap();
    for (form, item, answer) in script.into_iter().take(5) {
        visit.answer(&mut store, form, item, Some(answer));
    }
    let id = visit.id();
    drop(visit);
    store
        .end(id, Status::Complete, Timestamp::now(), None)
        .unwrap();
    // The first attempt records its intent and writes the file, then the kiosk dies before
    // marking the session sealed.
    let intent = seal_anew(&store, id, &sealer).unwrap();
    store.record_seal_intent(id, &intent).unwrap();
    let path = bundle::write_to_outbox(&sealer.outbox, &intent.file_name, &intent.bytes).unwrap();
    let written = std::fs::read(&path).unwrap();
    // An uploader without the store delivers the file and removes it.
    std::fs::remove_file(&path).unwrap();
    let sealed = seal_stored(&mut store, id, &sealer).unwrap();
    assert_eq!(sealed.path, path);
    assert_eq!(
        std::fs::read(&sealed.path).unwrap(),
        written,
        "the same bytes again, which a receiver takes as a repeat"
    );
    assert_eq!(store.unsealed().unwrap(), Vec::new());
}
