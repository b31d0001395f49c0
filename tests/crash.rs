//! The kiosk killed with SIGKILL at random points of scripted sessions, hundreds of times: after
//! every restart each answer committed before the kill is still there, and every session ends in
//! exactly one sealed bundle: one ciphertext, ever, also while `svar upload` runs alongside and
//! takes bundles out of the outbox as soon as they appear.
//!
//! The test binary plays both parts. The parent test re-executes this binary to run only
//! [`kiosk_process`], which acts as the kiosk after a (re)start: it sweeps temporary bundle
//! files a kill left, seals what ended, resumes the open session or starts it, answers the rest
//! of the script and ends it, saying on stdout what it has committed. The parent kills it at a
//! random moment, then checks the store, the outbox and the uploader's share through the
//! library, and starts it again until the session is sealed. Meanwhile a thread of the parent
//! runs `svar upload --to-folder` again and again, without the kiosk's store.
//!
//! `SVAR_CRASH_SEED=<n>` replays the kill plan of a failed run (timings still vary).

#![cfg(unix)]

mod common;

use common::{Kiosk, demo_answers, meta};
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};
use svar_bundle::{Status, answer_to_json, answers_in_order};
use svar_forms::answer::Answer;
use svar_forms::form::ItemIx;
use svar_forms::session::AnswerOutcome;
use svar_forms::text::Lang;
use svar_kiosk::visit::{self, Visit};
use svar_store::{SessionId, State, Store};
use uuid::Uuid;

/// Set (to anything) in the environment of a kiosk process the parent started.
const CHILD: &str = "SVAR_CRASH_CHILD";
/// The kiosk's folder (owned by the parent).
const FOLDER: &str = "SVAR_CRASH_FOLDER";
/// The bundle id of the session the child works on.
const BUNDLE: &str = "SVAR_CRASH_BUNDLE";
/// Milliseconds the "patient" thinks before each answer.
const PACE: &str = "SVAR_CRASH_PACE_MS";
/// Seed of the kill plan.
const SEED: &str = "SVAR_CRASH_SEED";

/// The name of the child test, as the test harness knows it.
const CHILD_TEST: &str = "kiosk_process";

/// Starts of the lines the child says; libtest may print its own text before the first one on
/// the same line, so the parent looks for this anywhere in a line.
const SAY: &str = "crash-child: ";

/// SIGKILL on every Unix.
const SIGKILL: i32 = 9;

/// Longer than any run; a child silent this long is stuck, and is killed so the test ends.
const HANG: Duration = Duration::from_secs(60);

/// When every session started: the store's day list filters on it.
const EPOCH: &str = "2000-01-01T00:00:00Z";

/// Every session answers this many times forward.
const FORWARD_EVERY: usize = 3;

/// Kills per session while answering; a few more land while starting and sealing.
const KILLS_WHILE_ANSWERING: u32 = 22;
/// Kills per session aimed at ending and sealing, at most.
const ENDING_KILLS: u32 = 6;
/// Sessions at least, and at most (the parent adds sessions until it has enough kills).
const SESSIONS: (usize, usize) = (8, 16);
/// Kills required in all.
const KILLS: u32 = 200;

/// Says `what` to the parent and makes sure it has left the process before going on.
fn say(what: &str) {
    let mut out = std::io::stdout().lock();
    // The parent sees nothing if this fails, and then fails itself: nothing to add here.
    let _ = writeln!(out, "{SAY}{what}");
    let _ = out.flush();
}

fn script(k: &Kiosk) -> Vec<(usize, ItemIx, Answer)> {
    answers_in_order(&k.demo(), &demo_answers()).expect("the demo answers fit the demo battery")
}

/// The kiosk process: does nothing unless the parent started it.
#[test]
fn kiosk_process() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let var = |name| std::env::var(name).unwrap_or_else(|_| panic!("{name} is set"));
    let k = Kiosk::borrowed(Path::new(&var(FOLDER)));
    let id = SessionId(Uuid::parse_str(&var(BUNDLE)).expect("the bundle id is a UUID"));
    let pace = Duration::from_millis(var(PACE).parse().expect("the pace is a number"));
    let script = script(&k);
    // As the kiosk does at start: remove the temporary bundle files a kill left, then seal what
    // ended before the last stop.
    let swept = svar_bundle::sweep_temporary(&k.sealer.outbox).expect("the outbox is readable");
    say(&format!("swept {swept}"));
    let mut store = k.store();

    let unsealed = store.unsealed().expect("the store lists unsealed sessions");
    if unsealed.iter().any(|e| e.state == State::Ending) {
        say("ending");
    }
    for (session, result) in visit::seal_ended(&mut store, &k.sealer).expect("sealing runs") {
        let sealed = result.unwrap_or_else(|e| panic!("session {session} does not seal: {e}"));
        if session == id {
            say(&format!("sealed {}", file_name(&sealed.path)));
            return;
        }
    }
    // Sealed by a process killed before it could say so: the parent does not start another
    // one then, but a kiosk would not start a sealed session again either.
    if let Some(entry) = day_entry(&store, id).filter(|e| e.state == State::Sealed) {
        say(&format!(
            "sealed {}",
            entry
                .bundle_file
                .expect("a sealed session names its bundle")
        ));
        return;
    }

    let open: Vec<SessionId> = store
        .unsealed()
        .expect("the store lists unsealed sessions")
        .into_iter()
        .filter(|e| e.state == State::Open)
        .map(|e| e.id)
        .collect();
    let mut visit = match open.as_slice() {
        [] => {
            let mut meta = meta();
            meta.bundle_id = id.0;
            Visit::start(&mut store, k.demo(), Lang::Nb, meta, None).expect("the session starts")
        }
        [open] => {
            assert_eq!(*open, id, "the open session is the one being answered");
            Visit::resume(&mut store, id, &k.sealer.batteries, None)
                .unwrap_or_else(|e| panic!("session {id} does not resume: {e}"))
        }
        more => panic!("{} sessions are open at once", more.len()),
    };
    say("ready");

    for (i, (form, item, answer)) in script.iter().enumerate() {
        if visit.session().answers(*form).get(*item) == Some(answer) {
            continue;
        }
        // The patient reads and thinks.
        std::thread::sleep(pace);
        let outcome = visit.answer(&mut store, *form, *item, Some(answer.clone()));
        assert_eq!(outcome, AnswerOutcome::Accepted, "scripted answer {i}");
        if let Some(problem) = visit.problem() {
            panic!("scripted answer {i} is not saved: {problem}");
        }
        say(&format!("committed {i}"));
        if i % FORWARD_EVERY == FORWARD_EVERY - 1 {
            visit.forward(&mut store);
        }
    }
    std::thread::sleep(pace);
    say("ending");
    visit
        .request_finish(&mut store)
        .expect("every required question is answered");
    let sealed = visit
        .end(&mut store, Status::Complete, &k.sealer, None)
        .map_err(|(_, e)| e)
        .expect("the store takes the end")
        .expect("the session seals");
    say(&format!("sealed {}", file_name(&sealed.path)));
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .expect("a bundle path ends in a file name")
        .to_string_lossy()
        .into_owned()
}

fn day_entry(store: &Store, id: SessionId) -> Option<svar_store::DayEntry> {
    store
        .since(EPOCH)
        .expect("the store lists the day")
        .into_iter()
        .find(|e| e.id == id)
}

/// xorshift64*: small, seeded, good enough to spread kills.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn upto(&mut self, max: Duration) -> Duration {
        max.mul_f64(self.unit())
    }
}

/// When the parent kills a run.
#[derive(Debug, Clone, Copy)]
enum Kill {
    /// This long after starting it.
    After(Duration),
    /// This long after it says it is ending (sealing a session ended before, or ending its
    /// own).
    AfterEnding(Duration),
    /// Never: it finishes.
    Never,
}

/// Where a killed run was, by the last thing it said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Opening the store, sealing, resuming or starting.
    Starting,
    /// Answering.
    Answering,
    /// Finishing, ending and sealing (its own session, or one ended before it started).
    Sealing,
    /// Done and said so, not yet exited.
    Sealed,
}

/// What one run said and how it stopped.
struct Run {
    /// Lines said, with when the parent read them (from the start of the run).
    said: Vec<(Duration, String)>,
    killed: bool,
}

impl Run {
    fn phase(&self) -> Phase {
        let last = self.said.iter().rev().find_map(|(_, s)| {
            let word = s.split(' ').next().unwrap_or("");
            match word {
                "ready" | "committed" => Some(Phase::Answering),
                "ending" => Some(Phase::Sealing),
                "sealed" => Some(Phase::Sealed),
                _ => None,
            }
        });
        last.unwrap_or(Phase::Starting)
    }

    /// How many temporary files the run said it swept at its start, if it got that far.
    fn swept(&self) -> Option<usize> {
        self.said.iter().find_map(|(_, s)| {
            s.strip_prefix("swept ")
                .map(|n| n.parse().expect("a count"))
        })
    }

    fn committed(&self) -> impl Iterator<Item = usize> + '_ {
        self.said.iter().filter_map(|(_, s)| {
            s.strip_prefix("committed ")
                .map(|i| i.parse().expect("an answer index"))
        })
    }

    fn at(&self, word: &str) -> Option<Duration> {
        self.said
            .iter()
            .find(|(_, s)| s.split(' ').next() == Some(word))
            .map(|(t, _)| *t)
    }
}

/// Ends a child that has said nothing for [`HANG`], so that the test fails instead of waiting
/// for ever.
fn stuck(child: &mut std::process::Child) -> bool {
    // Best effort: the failure that matters is the hang.
    let _ = child.kill();
    let _ = child.wait();
    panic!("the kiosk process said nothing for {HANG:?}");
}

/// Starts the kiosk process on session `id` and stops it as `kill` says.
fn run(folder: &Path, id: Uuid, pace_ms: u64, kill: Kill) -> Run {
    let mut child = Command::new(std::env::current_exe().expect("the test binary's path"))
        .args(["--exact", CHILD_TEST, "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env(FOLDER, folder)
        .env(BUNDLE, id.to_string())
        .env(PACE, pace_ms.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        // A failing child's panic message shows in the test's output.
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the kiosk process starts");
    let start = Instant::now();
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, lines) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Some((_, said)) = line.split_once(SAY)
                && tx.send((start.elapsed(), said.to_owned())).is_err()
            {
                break;
            }
        }
    });
    let mut said = Vec::new();
    // Reads what the child says until `deadline` (or until it exits); true if it exited.
    let listen = |deadline: Option<Instant>, said: &mut Vec<(Duration, String)>| loop {
        let got = match deadline {
            Some(d) => lines.recv_timeout(d.saturating_duration_since(Instant::now())),
            None => lines.recv_timeout(HANG),
        };
        match got {
            Ok(line) => said.push(line),
            Err(RecvTimeoutError::Timeout) => return false,
            Err(RecvTimeoutError::Disconnected) => return true,
        }
    };
    let exited = match kill {
        Kill::Never => listen(None, &mut said) || stuck(&mut child),
        Kill::After(delay) => listen(Some(start + delay), &mut said),
        Kill::AfterEnding(delay) => loop {
            // Until it says it is ending, then `delay` more.
            if let Some(at) = said.iter().find(|(_, s)| s == "ending").map(|(t, _)| *t) {
                break listen(Some(start + at + delay), &mut said);
            }
            match lines.recv_timeout(HANG) {
                Ok(line) => said.push(line),
                Err(RecvTimeoutError::Disconnected) => break true,
                Err(RecvTimeoutError::Timeout) => break stuck(&mut child),
            }
        },
    };
    if !exited {
        // Sends SIGKILL on Unix; the process may have exited on its own meanwhile.
        child.kill().expect("the kiosk process can be killed");
    }
    let status = child.wait().expect("the kiosk process is waited for");
    reader.join().expect("the reader thread ends");
    said.extend(lines.try_iter());
    let killed = status.signal() == Some(SIGKILL);
    assert!(
        killed || status.success(),
        "the kiosk process failed ({status}); its panic is printed above"
    );
    Run { said, killed }
}

/// The answer the script gives at `index`, as the store and the bundle hold it.
fn expected(k: &Kiosk, script: &[(usize, ItemIx, Answer)], index: usize) -> (usize, String, Value) {
    let (form, item, answer) = &script[index];
    let id = k.demo().forms[*form].form.item(*item).id.to_string();
    (*form, id, answer_to_json(answer))
}

/// The uploader's share, beside the kiosk's folders.
fn share(k: &Kiosk) -> PathBuf {
    k.dir.path().join("share")
}

/// Bundle files of session `id` in the outbox and in the uploader's share, with their bytes.
/// A file may be in both while the uploader copies it, or leave the outbox between listing and
/// reading it: then it is read from the share.
fn bundles_of(k: &Kiosk, id: Uuid) -> Vec<(PathBuf, Vec<u8>)> {
    let id = id.as_hyphenated().to_string();
    let mut found = Vec::new();
    for folder in [k.sealer.outbox.clone(), share(k)] {
        for name in folder_files(&folder) {
            if name.contains(&id)
                && name.ends_with(svar_bundle::EXTENSION)
                && !name.starts_with('.')
            {
                let path = folder.join(&name);
                if let Ok(bytes) = std::fs::read(&path) {
                    found.push((path, bytes));
                }
            }
        }
    }
    found
}

/// The different ciphertexts among `files`, and the one file name they all must share.
fn ciphertexts(id: Uuid, files: &[(PathBuf, Vec<u8>)]) -> Vec<Vec<u8>> {
    let names: BTreeSet<String> = files.iter().map(|(p, _)| file_name(p)).collect();
    assert!(
        names.len() <= 1,
        "session {id} has bundles under several names: {names:?}"
    );
    let mut distinct: Vec<Vec<u8>> = files.iter().map(|(_, b)| b.clone()).collect();
    distinct.sort();
    distinct.dedup();
    distinct
}

/// Opens a bundle from bytes read before: the uploader may have taken the file away since.
fn open_bytes(k: &Kiosk, bytes: &[u8]) -> svar_bundle::Bundle {
    let path = k.dir.path().join("checked.svar.age");
    std::fs::write(&path, bytes).expect("a copy to open");
    k.open(&path)
}

/// Every file in the outbox, hidden temporary ones included.
fn outbox_files(k: &Kiosk) -> Vec<String> {
    folder_files(&k.sealer.outbox)
}

/// Every file in `folder` (none if it does not exist yet), sorted.
fn folder_files(folder: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| {
            e.expect("a folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Checks, after a run, that every answer said committed is in the store (or in the bundle,
/// once sealed) with its scripted value, and that the session has at most one bundle, and one
/// only once sealed, in the outbox and the share together; `seen` gathers every ciphertext of
/// the session met so far, which must stay one. Returns the session's state, if it was started,
/// and how many answers the store holds (a run may be killed after committing an answer,
/// before saying so).
fn check(
    k: &Kiosk,
    id: Uuid,
    script: &[(usize, ItemIx, Answer)],
    committed: &BTreeSet<usize>,
    seen: &mut BTreeSet<Vec<u8>>,
) -> (Option<State>, usize) {
    let files = bundles_of(k, id);
    let bundles = ciphertexts(id, &files);
    seen.extend(bundles.iter().cloned());
    assert!(
        seen.len() <= 1,
        "session {id} was sealed into {} different ciphertexts",
        seen.len()
    );
    if !k.data.join(svar_store::DB_FILE).exists() {
        assert!(
            committed.is_empty(),
            "answers were committed without a store"
        );
        return (None, 0);
    }
    let store = k.store();
    let Some(entry) = day_entry(&store, SessionId(id)) else {
        assert!(committed.is_empty(), "session {id} is gone from the store");
        assert!(
            bundles.is_empty(),
            "session {id} has a bundle but no record"
        );
        return (None, 0);
    };
    let held = match entry.state {
        State::Open | State::Ending => {
            let stored = store
                .load(SessionId(id))
                .unwrap_or_else(|e| panic!("session {id} does not load: {e}"));
            for &i in committed {
                let (form, item, value) = expected(k, script, i);
                let found = stored
                    .answers
                    .iter()
                    .find(|a| a.form == form && a.item == item);
                assert!(
                    found.is_some_and(|a| a.value == value),
                    "session {id}: committed answer {i} ({item}) is {} in the store",
                    if found.is_some() {
                        "changed"
                    } else {
                        "missing"
                    }
                );
            }
            let allowed = if entry.state == State::Open { 0 } else { 1 };
            assert!(
                bundles.len() <= allowed,
                "session {id} is {:?} with {} bundles",
                entry.state,
                bundles.len()
            );
            stored.answers.len()
        }
        State::Sealed => {
            assert_eq!(bundles.len(), 1, "session {id} is sealed into one bundle");
            let name = entry
                .bundle_file
                .as_deref()
                .expect("a sealed entry names its file");
            assert_eq!(
                file_name(&files[0].0),
                name,
                "session {id}: the recorded bundle"
            );
            let bundle = open_bytes(k, &bundles[0]);
            for &i in committed {
                let (form, item, value) = expected(k, script, i);
                assert_eq!(
                    bundle.forms[form].answers.get(&item),
                    Some(&value),
                    "session {id}: committed answer {i} ({item}) in the bundle"
                );
            }
            script.len()
        }
    };
    (Some(entry.state), held)
}

/// Running averages of how long things take in a run, to aim kills.
struct Timing {
    ready: Duration,
    per_answer: Duration,
    sealing: Duration,
}

impl Timing {
    fn learn(&mut self, run: &Run) {
        let blend = |old: &mut Duration, new: Duration| *old = (*old * 3 + new) / 4;
        if let Some(ready) = run.at("ready") {
            blend(&mut self.ready, ready);
        }
        let committed: Vec<Duration> = run
            .said
            .iter()
            .filter(|(_, s)| s.starts_with("committed"))
            .map(|(t, _)| *t)
            .collect();
        if let [first, .., last] = committed.as_slice() {
            blend(
                &mut self.per_answer,
                (*last - *first) / (committed.len() as u32 - 1),
            );
        }
        if let (Some(ending), Some(sealed)) = (run.at("ending"), run.at("sealed")) {
            blend(&mut self.sealing, sealed.saturating_sub(ending));
        }
    }
}

#[derive(Default, Debug)]
struct Tally {
    starting: u32,
    answering: u32,
    sealing: u32,
    after_sealed: u32,
    /// Kills that left a session ended but not sealed (killed while sealing).
    left_ending: u32,
    /// Kills that left a temporary bundle file in the outbox (killed while writing it).
    left_temp: u32,
    /// Temporary bundle files the kiosk swept at a start.
    swept: usize,
    completions: u32,
}

impl Tally {
    fn kills(&self) -> u32 {
        self.starting + self.answering + self.sealing + self.after_sealed
    }
}

/// `svar upload --to-folder` run again and again on the kiosk's outbox by a thread, as a
/// site's upload timer would, until dropped.
struct Uploading {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<u32>>,
}

impl Uploading {
    fn start(outbox: &Path, share: &Path) -> Uploading {
        let stop = Arc::new(AtomicBool::new(false));
        let (outbox, share) = (outbox.to_owned(), share.to_owned());
        let stopping = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut passes = 0;
            while !stopping.load(Ordering::Relaxed) {
                upload_once(&outbox, &share);
                passes += 1;
                std::thread::sleep(Duration::from_millis(5));
            }
            passes
        });
        Uploading {
            stop,
            thread: Some(thread),
        }
    }

    /// Stops the thread after its current pass; how many passes it made.
    fn stop(mut self) -> u32 {
        self.stop.store(true, Ordering::Relaxed);
        self.thread
            .take()
            .expect("stopped once")
            .join()
            .expect("the uploading thread ends")
    }
}

impl Drop for Uploading {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// One `svar upload` pass from `outbox` to the folder `share`; every bundle it finds must be
/// delivered or left for the next pass, never refused.
fn upload_once(outbox: &Path, share: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_svar"))
        .args(["upload", "--outbox"])
        .arg(outbox)
        .arg("--to-folder")
        .arg(share)
        .output()
        .expect("svar upload runs");
    assert!(
        out.status.success(),
        "svar upload failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sigkill_at_random_points_loses_no_answer_and_seals_each_session_once() {
    let began = Instant::now();
    let seed = std::env::var(SEED)
        .ok()
        .map(|s| s.parse::<u64>().expect("SVAR_CRASH_SEED is a number"))
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("the clock is after 1970")
                .as_nanos() as u64
        })
        | 1;
    println!("crash test seed {seed} (replay with {SEED}={seed})");
    let mut rng = Rng(seed);
    // The parent owns the kiosk's folder: it outlives every child.
    let k = Kiosk::new();
    let script = script(&k);
    let pace_ms = 2;
    let mut timing = Timing {
        ready: Duration::from_millis(100),
        per_answer: Duration::from_millis(pace_ms + 3),
        sealing: Duration::from_millis(30),
    };
    let mut tally = Tally::default();
    let mut sessions: Vec<Uuid> = Vec::new();
    std::fs::create_dir_all(share(&k)).expect("the share");
    let uploading = Uploading::start(&k.sealer.outbox, &share(&k));

    while sessions.len() < SESSIONS.0 || (tally.kills() < KILLS && sessions.len() < SESSIONS.1) {
        let id = Uuid::now_v7();
        sessions.push(id);
        let mut committed = BTreeSet::new();
        let mut seen = BTreeSet::new();
        let (mut state, mut held) = (None, 0);
        let (mut answering_kills, mut ending_kills) = (0, 0);
        loop {
            let kill = if state == Some(State::Ending)
                || held == script.len()
                || answering_kills >= KILLS_WHILE_ANSWERING
            {
                if ending_kills >= ENDING_KILLS {
                    Kill::Never
                } else {
                    // Biased to the end: ending and sealing are short, so aim at them.
                    ending_kills += 1;
                    Kill::AfterEnding(rng.upto(timing.sealing.mul_f64(1.2)))
                }
            } else if rng.unit() < 0.1 {
                // While opening the store and resuming.
                Kill::After(rng.upto(timing.ready))
            } else {
                // A random point ahead, spread so that the kills cover the whole script.
                let ahead = timing.per_answer * script.len() as u32 * 2 / KILLS_WHILE_ANSWERING;
                Kill::After(timing.ready + rng.upto(ahead))
            };
            // Only the kiosk writes temporary files into the outbox, and it is not running.
            let temps_before = outbox_files(&k)
                .iter()
                .filter(|f| f.ends_with(".tmp"))
                .count();
            let run = run(k.dir.path(), id, pace_ms, kill);
            if let Some(swept) = run.swept() {
                assert_eq!(
                    swept, temps_before,
                    "the kiosk sweeps every temporary bundle file left before it started"
                );
                tally.swept += swept;
            }
            timing.learn(&run);
            committed.extend(run.committed());
            (state, held) = check(&k, id, &script, &committed, &mut seen);
            if run.killed {
                match run.phase() {
                    Phase::Starting => tally.starting += 1,
                    Phase::Answering => {
                        tally.answering += 1;
                        answering_kills += 1;
                    }
                    Phase::Sealing => tally.sealing += 1,
                    Phase::Sealed => tally.after_sealed += 1,
                }
                if state == Some(State::Ending) {
                    tally.left_ending += 1;
                }
                if outbox_files(&k).iter().any(|f| f.ends_with(".tmp")) {
                    tally.left_temp += 1;
                }
            } else {
                tally.completions += 1;
                assert_eq!(
                    state,
                    Some(State::Sealed),
                    "session {id}: a run that finished left it unsealed"
                );
            }
            if state == Some(State::Sealed) {
                break;
            }
        }
    }

    // A last pass delivers what the kiosk sealed after the uploader's last pass.
    let passes = uploading.stop();
    upload_once(&k.sealer.outbox, &share(&k));

    // Every session: one bundle, complete, with the whole script.
    let store = k.store();
    for &id in &sessions {
        let files = bundles_of(&k, id);
        assert_eq!(files.len(), 1, "session {id} has exactly one bundle");
        let bundle = open_bytes(&k, &files[0].1);
        assert_eq!(bundle.bundle_id, id);
        assert_eq!(bundle.status, Status::Complete, "session {id}");
        let given: usize = bundle.forms.iter().map(|f| f.answers.len()).sum();
        assert_eq!(given, script.len(), "session {id}: every scripted answer");
        for i in 0..script.len() {
            let (form, item, value) = expected(&k, &script, i);
            assert_eq!(
                bundle.forms[form].answers.get(&item),
                Some(&value),
                "session {id}: answer {i} ({item})"
            );
        }
    }
    // Everything delivered: the outbox empty (no temporary file left behind, nothing
    // quarantined), the share one bundle per session.
    let mut names: Vec<String> = sessions
        .iter()
        .map(|id| file_name(&bundles_of(&k, *id)[0].0))
        .collect();
    names.sort();
    assert_eq!(
        outbox_files(&k),
        Vec::<String>::new(),
        "the outbox is delivered"
    );
    assert_eq!(
        folder_files(&share(&k)),
        names,
        "the share holds one bundle per session"
    );
    assert!(
        store
            .unsealed()
            .expect("the store lists unsealed sessions")
            .is_empty(),
        "every session is sealed"
    );
    // Each session started, ended and was sealed once, however often it was killed.
    let log = store.audit_log().expect("the audit log reads");
    for &id in &sessions {
        let sid = id.to_string();
        for event in ["session_started", "session_completed", "session_sealed"] {
            let count = log
                .iter()
                .filter(|r| r.event.as_str() == event && r.session.as_deref() == Some(sid.as_str()))
                .count();
            assert_eq!(count, 1, "session {id}: {event} in the audit log");
        }
    }
    assert_eq!(
        store.verify_audit().expect("the audit log reads"),
        Ok(log.len() as i64),
        "the audit chain holds after every kill"
    );

    println!(
        "{} sessions, {} kills: {} starting, {} answering, {} ending or sealing, {} after sealing; \
         {} left a session ended but unsealed, {} left a temporary bundle file ({} swept at a \
         start); {} runs finished; {} upload passes alongside; sealing takes {:?}; {:.1} s",
        sessions.len(),
        tally.kills(),
        tally.starting,
        tally.answering,
        tally.sealing,
        tally.after_sealed,
        tally.left_ending,
        tally.left_temp,
        tally.swept,
        tally.completions,
        passes,
        timing.sealing,
        began.elapsed().as_secs_f64()
    );
    assert!(
        tally.kills() >= KILLS,
        "{} kills, fewer than {KILLS}",
        tally.kills()
    );
    assert!(tally.answering > 0, "no kill landed while answering");
    assert!(tally.sealing > 0, "no kill landed while ending or sealing");
}
