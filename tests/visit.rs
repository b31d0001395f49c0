//! Visits through the local store: every answer committed, interrupted visits resumed, ended
//! visits sealed exactly once, nothing readable without the keys, and an audit log that shows
//! tampering.

mod common;

use common::{Kiosk, OCCUPATION, PATIENT, demo_answers, meta};
use serde_json::Value;
use svar_bundle::{Status, answers_in_order};
use svar_forms::session::{AnswerOutcome, Position};
use svar_forms::text::Lang;
use svar_kiosk::visit::{self, Visit, VisitError};
use svar_store::{AuditProblem, State, Store, StoreError, StoreKey};

/// Gives the first `n` scripted demo answers.
fn answer_some(k: &Kiosk, store: &mut Store, visit: &mut Visit, n: usize) {
    let script = answers_in_order(&k.demo(), &demo_answers()).unwrap();
    for (form, item, answer) in script.into_iter().take(n) {
        assert_eq!(
            visit.answer(store, form, item, Some(answer)),
            AnswerOutcome::Accepted
        );
        assert!(visit.problem().is_none());
    }
}

fn answer_all(k: &Kiosk, store: &mut Store, visit: &mut Visit) {
    answer_some(k, store, visit, usize::MAX);
}

/// Every byte of every file under `dir`.
fn all_bytes(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(all_bytes(&path));
        } else {
            out.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

fn assert_no_plaintext(k: &Kiosk, when: &str) {
    let needles: [&[u8]; 3] = [PATIENT.as_bytes(), OCCUPATION.as_bytes(), b"Zebulon"];
    let files: Vec<_> = all_bytes(&k.data)
        .into_iter()
        .chain(all_bytes(&k.sealer.outbox))
        .collect();
    assert!(!files.is_empty());
    for (name, bytes) in files {
        for needle in needles {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{when}: {name} holds `{}` in plaintext",
                String::from_utf8_lossy(needle)
            );
        }
    }
}

#[test]
fn a_visit_is_committed_answer_by_answer_and_sealed_into_one_bundle() {
    let k = Kiosk::new();
    let mut store = k.store();
    let meta = meta();
    let mut v = Visit::start(
        &mut store,
        k.demo(),
        Lang::Nb,
        meta.clone(),
        Some("nurse_1"),
    )
    .unwrap();
    let id = v.id();
    assert_eq!(id.0, meta.bundle_id);
    answer_some(&k, &mut store, &mut v, 5);
    // What the store holds is exactly what was answered, before anything moves on.
    let stored = store.load(id).unwrap();
    assert_eq!(stored.state, State::Open);
    assert_eq!(stored.answers.len(), 5);
    assert_eq!(stored.meta.meta.patient.id, PATIENT);
    assert_eq!(stored.meta.staff.as_deref(), Some("nurse_1"));
    answer_all(&k, &mut store, &mut v);
    assert_no_plaintext(&k, "mid-session");
    v.request_finish(&mut store).unwrap();
    let sealed = v
        .end(&mut store, Status::Complete, &k.sealer, None)
        .unwrap()
        .unwrap();
    assert_eq!(k.bundles(), std::slice::from_ref(&sealed.path));
    let bundle = k.open(&sealed.path);
    assert_eq!(bundle.bundle_id, meta.bundle_id);
    assert_eq!(bundle.status, Status::Complete);
    assert_eq!(bundle.patient.id, PATIENT);
    let about = bundle.forms.iter().find(|f| f.id == "about_you").unwrap();
    assert_eq!(about.answers["occupation"], Value::from(OCCUPATION));
    assert!(about.answered_at.contains_key("occupation"));
    let hscl = bundle.forms.iter().find(|f| f.id == "hscl25").unwrap();
    assert_eq!(hscl.answers.len(), 25);
    // The store keeps no answers and no patient, only the summary for today's list.
    assert!(matches!(store.load(id), Err(StoreError::WrongState { .. })));
    let today = store.since("2000-01-01T00:00:00Z").unwrap();
    assert_eq!(today.len(), 1);
    assert_eq!(today[0].state, State::Sealed);
    assert_eq!(today[0].status, Some(Status::Complete));
    let summary = today[0].summary.as_ref().unwrap();
    assert_eq!(summary, &sealed.summary);
    assert!(summary.to_string().contains("hscl25"));
    assert!(!summary.to_string().contains(OCCUPATION));
    assert_no_plaintext(&k, "after sealing");
    let events = common::audit_events(&store);
    assert_eq!(
        events,
        [
            "store_created",
            "session_started",
            "session_completed",
            "session_sealed"
        ]
    );
    assert_eq!(store.verify_audit().unwrap(), Ok(4));
}

#[test]
fn an_interrupted_visit_resumes_where_it_left_off_and_seals_every_answer() {
    let k = Kiosk::new();
    let meta = meta();
    let id;
    let position;
    {
        let mut store = k.store();
        let mut v = Visit::start(&mut store, k.demo(), Lang::Nb, meta, None).unwrap();
        v.set_lang(&mut store, Lang::Da);
        answer_some(&k, &mut store, &mut v, 12);
        v.forward(&mut store);
        v.forward(&mut store);
        v.forward(&mut store);
        id = v.id();
        position = v.session().position();
        // The process dies here: nothing is ended or flushed by hand.
    }
    let mut store = k.store();
    let waiting = store.unsealed().unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!((waiting[0].id, waiting[0].state), (id, State::Open));
    let mut v = Visit::resume(&mut store, id, &k.sealer.batteries, Some("nurse_2")).unwrap();
    assert_eq!(v.session().position(), position);
    assert_eq!(v.session().lang(), Lang::Da);
    let given = answers_in_order(&k.demo(), &demo_answers()).unwrap();
    for (form, item, answer) in given.iter().take(12) {
        assert_eq!(v.session().answers(*form).get(*item), Some(answer));
    }
    answer_all(&k, &mut store, &mut v);
    let sealed = v
        .end(&mut store, Status::Complete, &k.sealer, Some("nurse_2"))
        .unwrap()
        .unwrap();
    let bundle = k.open(&sealed.path);
    assert_eq!(bundle.language, Lang::Da);
    let answered: usize = bundle.forms.iter().map(|f| f.answers.len()).sum();
    assert_eq!(answered, given.len());
    let events = common::audit_events(&store);
    assert!(events.contains(&"session_resumed".to_owned()), "{events:?}");
    assert_eq!(k.bundles().len(), 1);
}

#[test]
fn a_follow_up_visit_resumes_and_seals_only_its_own_forms() {
    use svar_forms::battery::Timepoint;
    let k = Kiosk::new();
    let battery = k
        .sealer
        .batteries
        .iter()
        .find(|b| b.id.as_str() == "dk_back_visit")
        .cloned()
        .unwrap();
    let meta = svar_bundle::Meta {
        timepoint: Some(Timepoint::Month6),
        ..meta()
    };
    let id;
    {
        let mut store = k.store();
        let mut v = Visit::start(&mut store, battery, Lang::Da, meta, None).unwrap();
        let follow_up = v.session().form(0);
        assert_eq!(follow_up.id.as_str(), "dk_back_followup");
        let same_job = follow_up.item_ix("same_job").unwrap();
        assert_eq!(
            v.answer(
                &mut store,
                0,
                same_job,
                Some(svar_forms::answer::Answer::Number(1.0))
            ),
            AnswerOutcome::Accepted
        );
        id = v.id();
        // The process dies here.
    }
    let mut store = k.store();
    let v = Visit::resume(&mut store, id, &k.sealer.batteries, None).unwrap();
    assert_eq!(v.session().form(0).id.as_str(), "dk_back_followup");
    let same_job = v.session().form(0).item_ix("same_job").unwrap();
    assert_eq!(
        v.session().answers(0).get(same_job),
        Some(&svar_forms::answer::Answer::Number(1.0))
    );
    let sealed = v
        .end(&mut store, Status::Abandoned, &k.sealer, None)
        .unwrap()
        .unwrap();
    let bundle = k.open(&sealed.path);
    assert_eq!(bundle.timepoint, Some(Timepoint::Month6));
    let forms: Vec<&str> = bundle.forms.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(forms[0], "dk_back_followup");
    assert!(!forms.contains(&"dk_back_background"), "{forms:?}");
    assert_eq!(forms.len(), 8);
}

#[test]
fn staff_can_seal_an_interrupted_visit_as_abandoned() {
    let k = Kiosk::new();
    let mut store = k.store();
    let mut v = Visit::start(&mut store, k.demo(), Lang::Nb, meta(), None).unwrap();
    answer_some(&k, &mut store, &mut v, 3);
    let id = v.id();
    drop(v);
    let sealed = visit::end_stored(
        &mut store,
        id,
        Status::Abandoned,
        &k.sealer,
        Some("nurse_1"),
    )
    .unwrap();
    let bundle = k.open(&sealed.path);
    assert_eq!(bundle.status, Status::Abandoned);
    assert_eq!(
        bundle.forms.iter().map(|f| f.answers.len()).sum::<usize>(),
        3
    );
    assert!(store.unsealed().unwrap().is_empty());
}

#[test]
fn an_unwritable_outbox_keeps_the_session_until_sealing_succeeds() {
    let mut k = Kiosk::new();
    let mut store = k.store();
    let good_outbox = k.sealer.outbox.clone();
    // A file where the outbox folder should be: every write into it fails.
    let blocked = k.dir.path().join("not-a-folder");
    std::fs::write(&blocked, "").unwrap();
    k.sealer.outbox = blocked.join("outbox");
    let mut v = Visit::start(&mut store, k.demo(), Lang::Nb, meta(), None).unwrap();
    answer_all(&k, &mut store, &mut v);
    let id = v.id();
    let err = v
        .end(&mut store, Status::Complete, &k.sealer, None)
        .unwrap()
        .unwrap_err();
    assert!(err.is_outbox_problem(), "{err}");
    let message = err.to_string();
    assert!(
        message.contains("cannot write the bundle to the outbox"),
        "{message}"
    );
    assert!(!message.contains(PATIENT));
    let waiting = store.unsealed().unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(waiting[0].state, State::Ending);
    assert!(waiting[0].seal_error.as_deref().unwrap().contains("outbox"));
    // A second failing attempt changes nothing either, and the retry every 30 s does not fill
    // the audit log: the same cause is recorded once.
    let fail_again = |store: &mut Store, sealer: &visit::Sealer| {
        assert!(visit::seal_ended(store, sealer).unwrap()[0].1.is_err());
        common::audit_events(store)
            .iter()
            .filter(|e| *e == "seal_failed")
            .count()
    };
    assert_eq!(fail_again(&mut store, &k.sealer), 1);
    assert_eq!(fail_again(&mut store, &k.sealer), 1);
    // A different cause is a new row, once.
    k.sealer.outbox = blocked.join("elsewhere");
    assert_eq!(fail_again(&mut store, &k.sealer), 2);
    assert_eq!(fail_again(&mut store, &k.sealer), 2);
    k.sealer.outbox = good_outbox;
    let results = visit::seal_ended(&mut store, &k.sealer).unwrap();
    assert_eq!(results.len(), 1);
    let sealed = results.into_iter().next().unwrap().1.unwrap();
    let bundle = k.open(&sealed.path);
    assert_eq!(bundle.bundle_id, id.0);
    assert_eq!(
        bundle.forms.iter().map(|f| f.answers.len()).sum::<usize>(),
        answers_in_order(&k.demo(), &demo_answers()).unwrap().len()
    );
    assert!(store.unsealed().unwrap().is_empty());
    let events = common::audit_events(&store);
    assert_eq!(events.iter().filter(|e| *e == "seal_failed").count(), 2);
    assert_eq!(store.verify_audit().unwrap(), Ok(events.len() as i64));
}

#[test]
fn a_bundle_already_in_the_outbox_is_not_sealed_twice() {
    // A crash between writing the bundle and marking the session sealed leaves an ending
    // session whose bundle is in the outbox. Sealing again must keep that one file.
    let k = Kiosk::new();
    let copy = tempfile::tempdir().unwrap();
    let mut store = k.store();
    let mut v = Visit::start(&mut store, k.demo(), Lang::Nb, meta(), None).unwrap();
    answer_all(&k, &mut store, &mut v);
    let id = v.id();
    drop(v);
    store
        .end(id, Status::Complete, svar_bundle::Timestamp::now(), None)
        .unwrap();
    // Copy the store as it is now (ending), seal, then put the copy back: the outbox has the
    // bundle while the store still says ending.
    drop(store);
    copy_dir(&k.data, copy.path());
    let first = visit::seal_ended(&mut k.store(), &k.sealer).unwrap();
    let path = first.into_iter().next().unwrap().1.unwrap().path;
    let before = std::fs::read(&path).unwrap();
    std::fs::remove_dir_all(&k.data).unwrap();
    copy_dir(copy.path(), &k.data);
    let mut store = k.store();
    assert_eq!(store.unsealed().unwrap()[0].state, State::Ending);
    let again = visit::seal_ended(&mut store, &k.sealer).unwrap();
    assert_eq!(again.into_iter().next().unwrap().1.unwrap().path, path);
    assert_eq!(k.bundles(), std::slice::from_ref(&path));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the first file is kept"
    );
    assert!(store.unsealed().unwrap().is_empty());
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn a_wrong_store_key_reads_nothing_and_says_so() {
    let k = Kiosk::new();
    let mut store = k.store();
    let mut v = Visit::start(&mut store, k.demo(), Lang::Nb, meta(), None).unwrap();
    answer_some(&k, &mut store, &mut v, 4);
    let id = v.id();
    drop(v);
    drop(store);
    let other = k.dir.path().join("other.key");
    let mut wrong = Store::open(&k.data, StoreKey::create(&other).unwrap()).unwrap();
    let err = wrong.load(id).unwrap_err();
    assert!(matches!(err, StoreError::Decrypt { .. }), "{err}");
    assert!(err.to_string().contains("wrong key file"), "{err}");
    assert!(matches!(
        Visit::resume(&mut wrong, id, &k.sealer.batteries, None),
        Err(VisitError::Store(StoreError::Decrypt { .. }))
    ));
    assert_eq!(
        wrong.verify_audit().unwrap(),
        Err(AuditProblem::Altered { seq: 1 })
    );
}

/// Opens the database directly, as someone with the data folder but not the key could.
fn raw_db(k: &Kiosk) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(k.data.join(svar_store::DB_FILE)).unwrap();
    conn.execute_batch("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
        .unwrap();
    conn
}

fn audited_store(k: &Kiosk) {
    let mut store = k.store();
    for _ in 0..3 {
        let mut v = Visit::start(&mut store, k.demo(), Lang::Nb, meta(), Some("nurse_1")).unwrap();
        answer_some(k, &mut store, &mut v, 2);
        v.end(&mut store, Status::Timeout, &k.sealer, None)
            .unwrap()
            .unwrap();
    }
    assert_eq!(store.verify_audit().unwrap(), Ok(10));
}

#[test]
fn the_audit_log_refuses_changes_and_verify_finds_edits_and_deletions() {
    let k = Kiosk::new();
    audited_store(&k);
    let conn = rusqlite::Connection::open(k.data.join(svar_store::DB_FILE)).unwrap();
    let refused = conn
        .execute("UPDATE audit SET staff = 'someone_else' WHERE seq = 2", [])
        .unwrap_err();
    assert!(refused.to_string().contains("append-only"), "{refused}");
    assert!(conn.execute("DELETE FROM audit WHERE seq = 2", []).is_err());
    drop(conn);

    let conn = raw_db(&k);
    conn.execute("UPDATE audit SET staff = 'someone_else' WHERE seq = 2", [])
        .unwrap();
    assert_eq!(
        k.store().verify_audit().unwrap(),
        Err(AuditProblem::Altered { seq: 2 })
    );

    for (sql, problem) in [
        (
            "DELETE FROM audit WHERE seq = 5",
            AuditProblem::Missing { after: 4, found: 6 },
        ),
        (
            "DELETE FROM audit WHERE seq >= 9",
            AuditProblem::Truncated { last: 8, head: 10 },
        ),
        (
            "DELETE FROM audit; DELETE FROM audit_head;",
            AuditProblem::Empty,
        ),
    ] {
        let k = Kiosk::new();
        audited_store(&k);
        raw_db(&k).execute_batch(sql).unwrap();
        assert_eq!(k.store().verify_audit().unwrap(), Err(problem), "{sql}");
    }
}

#[test]
fn a_timed_out_visit_is_sealed_with_what_was_answered() {
    let k = Kiosk::new();
    let mut store = k.store();
    let mut v = Visit::start(&mut store, k.demo(), Lang::Nn, meta(), None).unwrap();
    answer_some(&k, &mut store, &mut v, 7);
    assert!(matches!(
        v.session().position(),
        Position::Intro { .. } | Position::Screen { .. }
    ));
    let sealed = v
        .end(&mut store, Status::Timeout, &k.sealer, None)
        .unwrap()
        .unwrap();
    let bundle = k.open(&sealed.path);
    assert_eq!(bundle.status, Status::Timeout);
    assert_eq!(bundle.language, Lang::Nn);
    assert_eq!(
        bundle.forms.iter().map(|f| f.answers.len()).sum::<usize>(),
        7
    );
}

#[test]
fn the_store_holds_back_bundles_of_sessions_it_has_not_finished_sealing() {
    let k = Kiosk::new();
    let mut store = k.store();
    let mut v = Visit::start(&mut store, k.demo(), Lang::Nb, meta(), None).unwrap();
    answer_some(&k, &mut store, &mut v, 2);
    let id = v.id();
    assert!(store.holds_unsealed(id).unwrap(), "open");
    v.end(&mut store, Status::Complete, &k.sealer, None)
        .unwrap()
        .unwrap();
    assert!(!store.holds_unsealed(id).unwrap(), "sealed");
    let other = svar_store::SessionId(uuid::Uuid::now_v7());
    assert!(
        !store.holds_unsealed(other).unwrap(),
        "not this kiosk's session"
    );
}

/// Every answer the demo battery's items take in the scripted answers, plus each other small
/// number a choice item accepts, so that random changes hide and show conditional items.
fn candidates(k: &Kiosk) -> Vec<(usize, svar_forms::form::ItemIx, svar_forms::answer::Answer)> {
    let battery = k.demo();
    let mut all = answers_in_order(&battery, &demo_answers()).unwrap();
    for (f, member) in battery.forms.iter().enumerate() {
        for (i, item) in member.form.items.iter().enumerate() {
            for v in 0..5 {
                if let Ok(answer) = item.answer_from_json(&serde_json::json!(v)) {
                    all.push((f, svar_forms::form::ItemIx(i), answer));
                }
            }
        }
    }
    all
}

/// What a session holds: every answer by form and item, where the patient is, the language.
type Snapshot = (Vec<Vec<Option<svar_forms::answer::Answer>>>, Position, Lang);

fn snapshot(visit: &Visit) -> Snapshot {
    let s = visit.session();
    let answers = (0..s.battery().forms.len())
        .map(|f| {
            (0..s.form(f).items.len())
                .map(|i| s.answers(f).get(svar_forms::form::ItemIx(i)).cloned())
                .collect()
        })
        .collect();
    (answers, s.position(), s.lang())
}

/// One step of a patient: answer, clear an answer, move on or back, change language.
#[derive(Debug, Clone)]
enum Step {
    Answer(usize),
    Clear(usize),
    Forward,
    Back,
    Lang(usize),
}

fn step() -> impl proptest::strategy::Strategy<Value = Step> {
    use proptest::prelude::*;
    prop_oneof![
        6 => any::<usize>().prop_map(Step::Answer),
        2 => any::<usize>().prop_map(Step::Clear),
        2 => Just(Step::Forward),
        1 => Just(Step::Back),
        1 => any::<usize>().prop_map(Step::Lang),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, ..Default::default() })]

    /// Random answers, changes that hide and show items, moves and language changes; then a
    /// crash (the visit is dropped, the store reopened from disk) and a resume: the resumed
    /// session is exactly the one before the crash.
    #[test]
    fn resuming_after_a_crash_rebuilds_exactly_the_session(
        steps in proptest::collection::vec(step(), 1..60)
    ) {
        let k = Kiosk::new();
        let pool = candidates(&k);
        let mut store = k.store();
        let mut visit = Visit::start(&mut store, k.demo(), Lang::Nb, meta(), None).unwrap();
        for s in &steps {
            match s {
                Step::Answer(n) => {
                    let (f, i, a) = pool[n % pool.len()].clone();
                    visit.answer(&mut store, f, i, Some(a));
                }
                Step::Clear(n) => {
                    let (f, i, _) = pool[n % pool.len()].clone();
                    visit.answer(&mut store, f, i, None);
                }
                Step::Forward => {
                    visit.forward(&mut store);
                }
                Step::Back => {
                    visit.back(&mut store);
                }
                Step::Lang(n) => visit.set_lang(&mut store, Lang::ALL[n % Lang::ALL.len()]),
            }
            proptest::prop_assert!(visit.problem().is_none());
        }
        let before = snapshot(&visit);
        let id = visit.id();
        drop(visit);
        drop(store);
        let mut store = k.store();
        let resumed = Visit::resume(&mut store, id, &[k.demo()], None).unwrap();
        let after = snapshot(&resumed);
        proptest::prop_assert_eq!(&after.0, &before.0, "answers differ after the resume");
        proptest::prop_assert_eq!(after.1, before.1, "position differs after the resume");
        proptest::prop_assert_eq!(after.2, before.2, "language differs after the resume");
    }
}

#[test]
fn sealing_leaves_no_purged_record_in_the_database_files() {
    // Purged rows are encrypted, but deleted cells stay in free pages unless SQLite overwrites
    // them: look for the very ciphertext of every answer and of the patient data after sealing.
    let k = Kiosk::new();
    let mut store = k.store();
    let mut v = Visit::start(&mut store, k.demo(), Lang::Nb, meta(), None).unwrap();
    answer_all(&k, &mut store, &mut v);
    let db = k.data.join(svar_store::DB_FILE);
    let records: Vec<Vec<u8>> = {
        let conn =
            rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .unwrap();
        let mut stmt = conn
            .prepare("SELECT value FROM answers UNION ALL SELECT meta FROM sessions")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    assert!(records.len() > 20, "{} records", records.len());
    v.end(&mut store, Status::Complete, &k.sealer, None)
        .unwrap()
        .unwrap();
    let files = all_bytes(&k.data);
    assert!(
        files
            .iter()
            .any(|(name, _)| name.ends_with(svar_store::DB_FILE))
    );
    for (name, bytes) in files {
        for record in &records {
            // The first 32 bytes after the nonce: ciphertext, random to anyone without the key.
            let needle = &record[24..56];
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle),
                "{name} still holds a purged record"
            );
        }
    }
}
