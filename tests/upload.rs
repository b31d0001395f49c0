//! The uploader against a small receiver on loopback that follows docs/upload.md and can
//! misbehave on request.

mod common;

use common::{Kiosk, seal, stderr, stdout, t0, uploader_state};
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use svar_upload::{Backoff, Outcome, State, Target, Timeouts, Uploader};

const TOKEN: &str = "test-token-4711";

/// A receiver's answers (`docs/upload.md`).
const CONFLICT: &str = r#"{"error": "stored with a different SHA-256", "code": "conflict"}"#;
const MALFORMED: &str = r#"{"error": "not an age file", "code": "malformed_bundle"}"#;
const DAMAGED: &str = r#"{"error": "checksum", "code": "checksum_mismatch"}"#;
/// What a reverse proxy answers when the receiver behind it is down.
const PROXY_PAGE: &str = "<html><body><h1>502 Bad Gateway</h1></body></html>";

/// How the receiver answers one request.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    /// As the protocol says.
    None,
    /// This status, whatever was sent.
    Status(u16),
    /// This status with this body, whatever was sent.
    Reply(u16, &'static str),
    /// Read the request, then wait this long and close without answering.
    Hang(Duration),
    /// Read half the body, then close.
    CutMidBody,
    /// Store the bundle, then close without answering (the receipt is lost).
    CutAfterStore,
    /// Store the bundle, then answer with a receipt carrying another checksum.
    WrongReceipt,
}

#[derive(Default)]
struct Received {
    /// Bundle id to the stored bytes.
    stored: HashMap<String, Vec<u8>>,
    /// How many times each id was stored anew (must end as 1).
    stores: HashMap<String, usize>,
    /// Requests seen.
    requests: usize,
}

struct Server {
    url: String,
    faults: Arc<Mutex<VecDeque<Fault>>>,
    /// The answer once `faults` is empty.
    steady: Arc<Mutex<Fault>>,
    received: Arc<Mutex<Received>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let server = Server {
            url: format!("http://{}", listener.local_addr().unwrap()),
            faults: Arc::default(),
            steady: Arc::new(Mutex::new(Fault::None)),
            received: Arc::default(),
        };
        let (faults, steady, received) = (
            Arc::clone(&server.faults),
            Arc::clone(&server.steady),
            Arc::clone(&server.received),
        );
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let fault = faults
                    .lock()
                    .unwrap()
                    .pop_front()
                    .unwrap_or(*steady.lock().unwrap());
                let received = Arc::clone(&received);
                // One thread per connection: a hanging answer must not hold up the next one.
                std::thread::spawn(move || serve(stream, fault, &received));
            }
        });
        server
    }

    fn then(&self, faults: &[Fault]) {
        self.faults.lock().unwrap().extend(faults);
    }

    fn always(&self, fault: Fault) {
        *self.steady.lock().unwrap() = fault;
    }

    fn target(&self) -> Target {
        Target::Https {
            url: self.url.clone(),
            token: Some(TOKEN.into()),
            ca: None,
            client_cert: None,
        }
    }

    fn stored(&self) -> HashMap<String, Vec<u8>> {
        self.received.lock().unwrap().stored.clone()
    }

    fn stores(&self) -> HashMap<String, usize> {
        self.received.lock().unwrap().stores.clone()
    }

    fn requests(&self) -> usize {
        self.received.lock().unwrap().requests
    }
}

fn serve(stream: TcpStream, fault: Fault, received: &Mutex<Received>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).unwrap();
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (name, value) = h.split_once(':').unwrap();
        headers.insert(name.to_ascii_lowercase(), value.trim().to_owned());
    }
    let length: usize = headers
        .get("content-length")
        .map_or(0, |l| l.parse().unwrap());
    received.lock().unwrap().requests += 1;
    if fault == Fault::CutMidBody {
        let mut half = vec![0; length / 2];
        let _ = reader.read_exact(&mut half);
        let _ = stream.shutdown(std::net::Shutdown::Both);
        return;
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    let id = path.strip_prefix("/bundles/").unwrap_or("").to_owned();
    let sha = svar_bundle::sha256_hex(&body);
    let receipt = |sha: &str, size: usize| {
        format!(
            r#"{{"bundle_id":"{id}","sha256":"{sha}","size":{size},"stored":"2026-12-01T20:41:07Z"}}"#
        )
    };
    let (status, answer) = match fault {
        Fault::Status(s) => (s, String::new()),
        Fault::Reply(s, body) => (s, body.to_owned()),
        Fault::Hang(d) => {
            std::thread::sleep(d);
            return;
        }
        Fault::CutAfterStore | Fault::WrongReceipt => {
            store(received, &id, body);
            if fault == Fault::CutAfterStore {
                let _ = stream.shutdown(std::net::Shutdown::Both);
                return;
            }
            (201, receipt(&"0".repeat(64), length))
        }
        Fault::CutMidBody => unreachable!(),
        Fault::None => {
            let authorised = headers.get("authorization") == Some(&format!("Bearer {TOKEN}"));
            let before = received.lock().unwrap().stored.get(&id).cloned();
            if method != "PUT" || uuid::Uuid::parse_str(&id).is_err() {
                (400, String::new())
            } else if !authorised {
                (401, String::new())
            } else if headers.get("x-svar-sha256") != Some(&sha) {
                (400, String::new())
            } else if let Some(before) = before {
                if svar_bundle::sha256_hex(&before) == sha {
                    (200, receipt(&sha, length))
                } else {
                    (409, CONFLICT.to_owned())
                }
            } else {
                store(received, &id, body);
                (201, receipt(&sha, length))
            }
        }
    };
    let mut stream = stream;
    let _ = write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
        answer.len()
    );
}

fn store(received: &Mutex<Received>, id: &str, body: Vec<u8>) {
    let mut r = received.lock().unwrap();
    // As a receiver does: a repeat of a stored bundle is not stored again.
    if !r.stored.contains_key(id) {
        r.stored.insert(id.to_owned(), body);
        *r.stores.entry(id.to_owned()).or_default() += 1;
    }
}

fn id_of(path: &Path) -> String {
    svar_upload::bundle_id(&path.file_name().unwrap().to_string_lossy())
        .unwrap()
        .to_string()
}

fn uploader(targets: Vec<Target>) -> Uploader {
    let timeouts = Timeouts {
        connect: Duration::from_secs(2),
        total: Duration::from_millis(800),
    };
    Uploader::new(
        targets,
        timeouts,
        Backoff::default(),
        Some("kiosk_1".into()),
    )
    .unwrap()
}

/// Jitter that always waits the longest, so waits are exactly the back-off's ceilings.
#[test]
fn bundles_arrive_intact_and_leave_the_outbox_only_with_a_receipt() {
    let kiosk = Kiosk::new();
    let server = Server::start();
    let sealed: Vec<_> = (0..3).map(|_| seal(&kiosk)).collect();
    let up = uploader(vec![server.target()]);
    let mut state = uploader_state();
    let mut journal = svar_kiosk::setup::StoreJournal(kiosk.store());
    let report = up.run_once(&kiosk.sealer.outbox, &mut state, t0(), Some(&mut journal));
    assert!(!report.failed(), "{report:?}");
    assert_eq!(report.delivered(), 3);
    assert!(kiosk.bundles().is_empty());
    let stored = server.stored();
    for (path, bytes) in &sealed {
        assert_eq!(stored[&id_of(path)], *bytes, "intact");
    }
    assert!(server.stores().values().all(|n| *n == 1));
    let uploaded = journal
        .0
        .audit_log()
        .unwrap()
        .into_iter()
        .filter(|r| r.event.as_str() == "bundle_uploaded")
        .count();
    assert_eq!(uploaded, 3);
    assert_eq!(state.status.delivered_total, 3);
    assert_eq!(state.status.pending, 0);
    assert_eq!(state.status.last_success, Some(t0()));
}

#[test]
fn failures_keep_the_file_until_a_matching_receipt_and_it_is_stored_once() {
    let kiosk = Kiosk::new();
    let server = Server::start();
    let (path, bytes) = seal(&kiosk);
    server.then(&[
        Fault::Status(500),
        Fault::CutMidBody,
        Fault::Hang(Duration::from_millis(1500)),
        Fault::WrongReceipt,
        Fault::CutAfterStore,
        Fault::Status(503),
    ]);
    let up = uploader(vec![server.target()]);
    let mut state = uploader_state();
    let mut now = t0();
    for pass in 0..6 {
        let report = up.run_once(&kiosk.sealer.outbox, &mut state, now, None);
        assert!(report.failed(), "pass {pass}: {report:?}");
        assert!(path.exists(), "pass {pass}: no receipt, no delete");
        // Staff see the bundle as failing, with the problem.
        assert_eq!((state.status.pending, state.status.failing), (1, 1));
        assert!(state.status.last_error.is_some());
        let (_, next) = state
            .retry_of(&path.file_name().unwrap().to_string_lossy())
            .unwrap();
        now = next;
    }
    let report = up.run_once(&kiosk.sealer.outbox, &mut state, now, None);
    assert!(!report.failed(), "{report:?}");
    assert!(!path.exists());
    assert_eq!(state.status.failing, 0);
    assert_eq!(state.status.last_error, None, "the old problem is gone");
    assert_eq!(server.requests(), 7);
    assert_eq!(server.stored()[&id_of(&path)], bytes);
    // Stored by the wrong-receipt answer; the later tries found it there (duplicates).
    assert_eq!(server.stores()[&id_of(&path)], 1);
}

#[test]
fn back_off_doubles_to_its_cap_and_waiting_files_are_not_sent() {
    let kiosk = Kiosk::new();
    let server = Server::start();
    server.always(Fault::Status(500));
    let (path, _) = seal(&kiosk);
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let up = uploader(vec![server.target()]);
    let mut state = uploader_state();
    let mut now = t0();
    let mut waits = Vec::new();
    for _ in 0..10 {
        let report = up.run_once(&kiosk.sealer.outbox, &mut state, now, None);
        let Outcome::Failed { retry_at, .. } = report.files[0].1 else {
            panic!("{report:?}")
        };
        waits.push(retry_at.duration_since(now).unwrap().as_secs());
        // Before the wait is over nothing is sent.
        let requests = server.requests();
        let early = up.run_once(
            &kiosk.sealer.outbox,
            &mut state,
            retry_at - Duration::from_secs(1),
            None,
        );
        assert!(matches!(early.files[0].1, Outcome::Waiting { .. }));
        assert!(!early.failed());
        assert_eq!(server.requests(), requests);
        now = retry_at;
    }
    assert_eq!(waits, [5, 10, 20, 40, 80, 160, 320, 640, 900, 900]);
    assert_eq!(state.retry_of(&name).unwrap().0, 10);
    // Full jitter: a small random fraction gives a short wait.
    let mut state = State::new(Box::new(|| 0.25));
    let report = up.run_once(&kiosk.sealer.outbox, &mut state, t0(), None);
    let Outcome::Failed { retry_at, .. } = report.files[0].1 else {
        panic!()
    };
    assert_eq!(
        retry_at.duration_since(t0()).unwrap(),
        Duration::from_millis(1250)
    );
    assert!(path.exists());
}

#[test]
fn permanent_rejections_go_to_quarantine_and_401_is_retried() {
    let kiosk = Kiosk::new();
    let server = Server::start();
    let (conflicting, _) = seal(&kiosk);
    // The receiver already holds this id with other content.
    server
        .received
        .lock()
        .unwrap()
        .stored
        .insert(id_of(&conflicting), b"other".to_vec());
    let (too_big, _) = seal(&kiosk);
    let (unauthorised, _) = seal(&kiosk);
    server.then(&[Fault::None, Fault::Status(413), Fault::Status(401)]);
    let up = uploader(vec![server.target()]);
    let mut state = uploader_state();
    let report = up.run_once(&kiosk.sealer.outbox, &mut state, t0(), None);
    assert!(report.failed());
    let quarantine = kiosk.sealer.outbox.join(svar_upload::QUARANTINE);
    for path in [&conflicting, &too_big] {
        assert!(!path.exists());
        assert!(quarantine.join(path.file_name().unwrap()).is_file());
    }
    assert!(
        unauthorised.exists(),
        "401 is the kiosk's problem, not the file's"
    );
    assert!(matches!(report.files[2].1, Outcome::Failed { .. }));
    assert!(state.status.unauthorized);
    assert_eq!(state.status.quarantined, 2);
    assert_eq!(state.status.pending, 1);
    assert!(
        state.status.last_error.as_deref().unwrap().contains("401"),
        "{:?}",
        state.status
    );
    // Quarantined files are not tried again; the other one gets through later.
    let report = up.run_once(
        &kiosk.sealer.outbox,
        &mut state,
        t0() + Duration::from_secs(60),
        None,
    );
    assert_eq!(report.files.len(), 1);
    assert!(!report.failed(), "{report:?}");
    assert!(!state.status.unauthorized);
}

#[test]
fn folder_targets_copy_and_read_back() {
    let kiosk = Kiosk::new();
    let share = tempfile::tempdir().unwrap();
    let (path, bytes) = seal(&kiosk);
    let up = uploader(vec![Target::Folder {
        path: share.path().to_owned(),
    }]);
    let report = up.run_once(&kiosk.sealer.outbox, &mut uploader_state(), t0(), None);
    assert!(!report.failed(), "{report:?}");
    assert!(!path.exists());
    assert_eq!(
        std::fs::read(share.path().join(path.file_name().unwrap())).unwrap(),
        bytes
    );
    // A share that is not there (unmounted) keeps the file.
    let (path, _) = seal(&kiosk);
    let up = uploader(vec![Target::Folder {
        path: share.path().join("missing"),
    }]);
    let report = up.run_once(&kiosk.sealer.outbox, &mut uploader_state(), t0(), None);
    assert!(report.failed());
    assert!(path.exists());
}

#[test]
fn a_file_stays_until_every_target_has_it_and_is_not_resent_to_those_that_do() {
    let kiosk = Kiosk::new();
    let server = Server::start();
    server.always(Fault::Status(500));
    let share = tempfile::tempdir().unwrap();
    let (path, bytes) = seal(&kiosk);
    let copy = share.path().join(path.file_name().unwrap());
    let up = uploader(vec![
        Target::Folder {
            path: share.path().to_owned(),
        },
        server.target(),
    ]);
    let mut state = uploader_state();
    let report = up.run_once(&kiosk.sealer.outbox, &mut state, t0(), None);
    assert!(report.failed());
    assert!(path.exists());
    assert_eq!(std::fs::read(&copy).unwrap(), bytes);
    // Take the copy away: were it sent again, it would come back.
    std::fs::remove_file(&copy).unwrap();
    server.always(Fault::None);
    let later = t0() + Duration::from_secs(3600);
    let report = up.run_once(&kiosk.sealer.outbox, &mut state, later, None);
    assert!(!report.failed(), "{report:?}");
    assert!(!path.exists());
    assert!(!copy.exists());
    assert_eq!(server.stored()[&id_of(&path)], bytes);
}

#[test]
fn the_background_runner_reports_status_and_stops() {
    let kiosk = Kiosk::new();
    let server = Server::start();
    seal(&kiosk);
    seal(&kiosk);
    let handle = svar_upload::spawn(
        kiosk.sealer.outbox.clone(),
        uploader(vec![server.target()]),
        Duration::from_millis(50),
        None,
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while handle.status().delivered_total < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "{:?}",
            handle.status()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    handle.stop();
    assert!(kiosk.bundles().is_empty());
    assert_eq!(server.stored().len(), 2);
}

#[test]
fn svar_upload_runs_one_pass_and_exits_1_when_anything_failed() {
    let kiosk = Kiosk::new();
    let server = Server::start();
    let token = kiosk.dir.path().join("token");
    std::fs::write(&token, format!("{TOKEN}\n")).unwrap();
    let outbox = kiosk.sealer.outbox.to_str().unwrap().to_owned();
    let run = |extra: &[&str]| {
        let mut args = vec!["upload", "--outbox", &outbox];
        args.extend(extra);
        common::svar(&args)
    };
    let to_url = [
        "--to-url",
        &server.url,
        "--token-file",
        token.to_str().unwrap(),
    ];
    let (path, _) = seal(&kiosk);
    server.then(&[Fault::Status(500)]);
    let out = run(&to_url);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("500"), "{}", stderr(&out));
    assert!(path.exists());
    let out = run(&to_url);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("delivered 1"), "{}", stdout(&out));
    assert!(!path.exists());
    let share = tempfile::tempdir().unwrap();
    let (path, _) = seal(&kiosk);
    let out = run(&["--to-folder", share.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(share.path().join(path.file_name().unwrap()).is_file());
    // The token never shows.
    let out = run(&[
        "--to-url",
        "http://svar.example.org",
        "--token-file",
        token.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr(&out).contains(TOKEN));
}

#[test]
fn bad_requests_are_retried_and_unaddressable_names_are_quarantined() {
    let kiosk = Kiosk::new();
    let server = Server::start();
    server.always(Fault::Status(400));
    let (path, _) = seal(&kiosk);
    let outbox = &kiosk.sealer.outbox;
    // No bundle id in the name: it cannot be addressed, so it cannot be delivered.
    std::fs::write(outbox.join("20261201T120000Z-junk.svar.age"), b"x").unwrap();
    // A write in progress is none of the uploader's business.
    let temp = outbox.join(".20261201T120000Z-x.svar.age.tmp");
    std::fs::write(&temp, b"partial").unwrap();
    let up = uploader(vec![server.target()]);
    let mut state = uploader_state();
    let mut now = t0();
    // A 400 without the receiver's `malformed_bundle` says nothing about the file for good:
    // it stays, however often it comes.
    for pass in 1..=8 {
        let report = up.run_once(outbox, &mut state, now, None);
        let bundle = report
            .files
            .iter()
            .find(|(name, _)| name.as_str() == path.file_name().unwrap())
            .unwrap();
        assert!(
            matches!(bundle.1, Outcome::Failed { .. }),
            "pass {pass}: {report:?}"
        );
        assert!(path.exists());
        now = state.retry_of(&bundle.0).map(|(_, next)| next).unwrap();
    }
    let quarantine = outbox.join(svar_upload::QUARANTINE);
    assert!(quarantine.join("20261201T120000Z-junk.svar.age").is_file());
    assert!(temp.is_file());
    assert_eq!(state.status.quarantined, 1);
    assert_eq!(state.status.pending, 1);
}

#[test]
fn only_answers_refusing_the_file_for_good_quarantine_it_and_the_rest_tell_staff_what_to_check() {
    let kiosk = Kiosk::new();
    let server = Server::start();
    let up = uploader(vec![server.target()]);
    let quarantine = kiosk.sealer.outbox.join(svar_upload::QUARANTINE);
    // (the answer, quarantined, what staff are told)
    let cases: &[(Fault, bool, &str)] = &[
        (Fault::Reply(409, CONFLICT), true, "other bytes"),
        (Fault::Status(413), true, "size limit"),
        (Fault::Reply(400, MALFORMED), true, "no sealed bundle"),
        (
            Fault::Status(404),
            false,
            "answered 404: this is not a Svar receiver: check the upload address in the configuration",
        ),
        (Fault::Status(405), false, "check the upload address"),
        (
            Fault::Status(401),
            false,
            "check its token or client certificate",
        ),
        (
            Fault::Status(403),
            false,
            "check its token or client certificate",
        ),
        (Fault::Reply(400, DAMAGED), false, "damaged on the way"),
        (Fault::Status(500), false, "the receiver failed"),
        (Fault::Reply(502, PROXY_PAGE), false, "down or unreachable"),
        (Fault::Reply(503, PROXY_PAGE), false, "down or unreachable"),
        (Fault::Status(504), false, "down or unreachable"),
        // A 409 that is not the receiver's conflict (no code) is no proof about the file.
        (
            Fault::Reply(409, PROXY_PAGE),
            false,
            "check the upload address and any proxy",
        ),
    ];
    for (fault, quarantined, told) in cases {
        server.always(*fault);
        let (path, _) = seal(&kiosk);
        let mut state = uploader_state();
        let report = up.run_once(&kiosk.sealer.outbox, &mut state, t0(), None);
        let name = path.file_name().unwrap();
        let message = match &report.files[0].1 {
            Outcome::Quarantined { error } => {
                assert!(quarantined, "{fault:?}: quarantined");
                assert!(quarantine.join(name).is_file());
                error.to_string()
            }
            Outcome::Failed { errors, .. } => {
                assert!(!quarantined, "{fault:?}: retried");
                assert!(path.exists(), "{fault:?}: left in the outbox");
                assert!(state.retry_of(&name.to_string_lossy()).is_some());
                // Out of the way of the next case.
                std::fs::remove_file(&path).unwrap();
                errors[0].to_string()
            }
            other => panic!("{fault:?}: {other:?}"),
        };
        assert!(message.contains(told), "{fault:?}: {message}");
        if !quarantined {
            assert_eq!(state.status.last_error.as_deref(), Some(message.as_str()));
        }
        // The proxy's page is not echoed to staff's screen.
        assert!(!message.contains("<html>"), "{message}");
        let credentials = matches!(fault, Fault::Status(401 | 403));
        assert_eq!(state.status.unauthorized, credentials, "{fault:?}");
    }
    // No answer at all (nothing listens): retried as well.
    let dead = Target::Https {
        url: format!("http://127.0.0.1:{}", common::free_port()),
        token: Some(TOKEN.into()),
        ca: None,
        client_cert: None,
    };
    let (path, _) = seal(&kiosk);
    let report =
        uploader(vec![dead]).run_once(&kiosk.sealer.outbox, &mut uploader_state(), t0(), None);
    assert!(
        matches!(report.files[0].1, Outcome::Failed { .. }),
        "{report:?}"
    );
    assert!(path.exists());
}

#[test]
fn an_unusable_ca_file_or_url_is_named_when_the_uploader_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, "not a certificate").unwrap();
    let make = |url: &str, ca: Option<PathBuf>| {
        Uploader::new(
            vec![Target::Https {
                url: url.into(),
                token: Some(TOKEN.into()),
                ca,
                client_cert: None,
            }],
            Timeouts::default(),
            Backoff::default(),
            None,
        )
        .err()
        .map(|e| e.to_string())
    };
    let err = make("https://svar.example.org", Some(ca.clone())).unwrap();
    assert!(
        err.contains("ca.pem") && err.contains("svar.example.org"),
        "{err}"
    );
    let err = make("http://svar.example.org", None).unwrap();
    assert!(err.contains("https"), "{err}");
    assert!(!err.contains(TOKEN));
    assert_eq!(make("https://svar.example.org", None), None);
}
