//! `svar receive` over real HTTP: a receiver on a free local port, plain HTTP/1.1 requests,
//! and real sealed bundles (demo keys) as payloads.

mod common;

use common::moto::Moto;

use serde_json::Value;
use std::io::{Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use svar_bundle as bundle;
use svar_receive::{self as receive, BundleStore, ConnectionTimeouts, FolderStore, Tokens};

/// The token file the test receivers use: two kiosks' tokens.
const TOKENS: &str = "# test tokens\nkiosk_1:s3cret-kiosk-token\n\n kiosk_2 : other-kiosk-token \n";
const TOKEN: &str = "s3cret-kiosk-token";
const TOKEN_2: &str = "other-kiosk-token";

/// Where a folder store keeps kiosk `kiosk`'s bundle `id`, and its receipt.
fn names(kiosk: &str, id: &str) -> [String; 2] {
    [
        format!("{kiosk}.{id}.receipt.json"),
        format!("{kiosk}.{id}.svar.age"),
    ]
}

/// A receiver running in its own thread and runtime; stopped (gracefully) on drop.
struct Server {
    addr: SocketAddr,
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(store: &Path) -> Server {
        Server::with_limit(store, receive::DEFAULT_MAX_BYTES)
    }

    fn with_limit(store: &Path, max_bytes: usize) -> Server {
        Server::with_store(Arc::new(FolderStore::new(store)), max_bytes)
    }

    fn with_store(store: Arc<dyn BundleStore>, max_bytes: usize) -> Server {
        let router = receive::router(store, Tokens::parse(TOKENS).unwrap(), max_bytes);
        Server::serving(router, ConnectionTimeouts::default(), None)
    }

    fn with_timeouts(store: &Path, timeouts: ConnectionTimeouts) -> Server {
        let store = Arc::new(FolderStore::new(store));
        let router = receive::router(store, Tokens::parse(TOKENS).unwrap(), 1 << 20);
        Server::serving(router, timeouts, None)
    }

    /// Serves `router` on a free port, over TLS with `tls`.
    fn serving(
        router: axum::Router,
        timeouts: ConnectionTimeouts,
        tls: Option<Arc<rustls::ServerConfig>>,
    ) -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let shutdown = async move {
                    let _ = tokio::task::spawn_blocking(move || stopped.recv()).await;
                };
                match tls {
                    Some(config) => {
                        let listener = receive::TlsListener::new(listener, config);
                        receive::serve(listener, router, timeouts, shutdown).await;
                    }
                    None => receive::serve(listener, router, timeouts, shutdown).await,
                }
            });
        });
        Server {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Sends one request and returns the status and the JSON body (`null` when empty).
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let (status, body) = common::http(self.addr, method, path, headers, body);
        let body = String::from_utf8_lossy(&body);
        let json = if body.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&body).unwrap_or_else(|_| panic!("not JSON: {body:?}"))
        };
        Reply { status, json }
    }

    /// Uploads `bytes` as bundle `id` as a kiosk would.
    fn put(&self, id: &str, bytes: &[u8]) -> Reply {
        self.put_with(id, bytes, &svar_bundle::sha256_hex(bytes), Some(TOKEN))
    }

    fn put_with(&self, id: &str, bytes: &[u8], checksum: &str, token: Option<&str>) -> Reply {
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut headers = vec![
            ("Content-Type", "application/octet-stream"),
            ("X-Svar-Sha256", checksum),
            ("X-Svar-Kiosk", "kiosk_1"),
        ];
        if let Some(auth) = &auth {
            headers.push(("Authorization", auth));
        }
        self.request("PUT", &format!("/bundles/{id}"), &headers, bytes)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // The receiver may already have stopped (a failed test); joining tells.
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let joined = thread.join();
            if !std::thread::panicking() {
                joined.unwrap();
            }
        }
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    json: Value,
}

/// Concurrent puts of one bundle: exactly one stored it (201), the rest were repeats (200), and
/// every one got the same receipt.
fn assert_stored_once(replies: &[Reply]) {
    let created = replies.iter().filter(|r| r.status == 201).count();
    assert_eq!(created, 1, "{replies:?}");
    assert!(replies.iter().all(|r| r.status == 201 || r.status == 200));
    assert!(replies.iter().all(|r| r.json == replies[0].json));
}

/// A real sealed bundle of the demo battery: its id and the file's bytes.
fn sealed(outbox: &Path) -> (String, Vec<u8>) {
    let forms = common::root().join("forms");
    let loaded = svar_forms::library::load_paths(std::slice::from_ref(&forms), None);
    let battery = loaded.batteries.get("demo").expect("demo battery").clone();
    let hashes = bundle::FormHashes::of_folder(&forms);
    let meta = common::meta();
    let filled = bundle::fill(
        bundle::Subject::Battery(Arc::new(battery)),
        svar_forms::text::Lang::Nb,
        &common::demo_answers(),
        &meta,
        &hashes,
    )
    .unwrap();
    std::fs::create_dir_all(outbox).unwrap();
    let path = bundle::seal(
        &filled.bundle,
        &[bundle::demo_recipient()],
        &bundle::DeviceKey::demo(),
        outbox,
    )
    .unwrap();
    (meta.bundle_id.to_string(), std::fs::read(path).unwrap())
}

/// A store folder and an outbox of sealed bundles to upload from.
fn folders() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    std::fs::create_dir(&store).unwrap();
    let outbox = dir.path().join("outbox");
    (dir, store, outbox)
}

/// Every file of the store, hidden ones included, sorted.
fn everything_in(store: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(store)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn a_bundle_is_stored_once_and_a_repeat_gets_the_original_receipt() {
    let (_dir, store, outbox) = folders();
    let server = Server::start(&store);
    let (id, bytes) = sealed(&outbox);

    let first = server.put(&id, &bytes);
    assert_eq!(first.status, 201, "{first:?}");
    assert_eq!(first.json["bundle_id"], id.as_str());
    assert_eq!(
        first.json["sha256"],
        svar_bundle::sha256_hex(&bytes).as_str()
    );
    assert_eq!(first.json["size"], bytes.len());
    let stored = std::fs::read(store.join(format!("kiosk_1.{id}.svar.age"))).unwrap();
    assert_eq!(stored, bytes);
    assert_eq!(svar_bundle::sha256_hex(&stored), first.json["sha256"]);
    let receipt: Value = serde_json::from_slice(
        &std::fs::read(store.join(format!("kiosk_1.{id}.receipt.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(receipt, first.json);

    std::thread::sleep(std::time::Duration::from_millis(1100));
    let again = server.put(&id, &bytes);
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(
        again.json, first.json,
        "the original receipt, `stored` included"
    );
    assert_eq!(
        everything_in(&store),
        names("kiosk_1", &id),
        "no temporary files are left"
    );
}

#[test]
fn the_same_id_with_other_bytes_is_a_conflict() {
    let (_dir, store, outbox) = folders();
    let server = Server::start(&store);
    let (id, bytes) = sealed(&outbox);
    let (_, other) = sealed(&outbox);
    assert_eq!(server.put(&id, &bytes).status, 201);
    let reply = server.put(&id, &other);
    assert_eq!(reply.status, 409, "{reply:?}");
    assert_eq!(
        std::fs::read(store.join(format!("kiosk_1.{id}.svar.age"))).unwrap(),
        bytes
    );
}

#[test]
fn bad_checksums_and_ids_are_refused_and_nothing_is_stored() {
    let (_dir, store, outbox) = folders();
    let server = Server::start(&store);
    let (id, bytes) = sealed(&outbox);
    let mut damaged = bytes.clone();
    damaged[100] ^= 1;
    let reply = server.put_with(&id, &damaged, &svar_bundle::sha256_hex(&bytes), Some(TOKEN));
    assert_eq!(reply.status, 400, "{reply:?}");
    assert_eq!(
        server
            .put_with(&id, &bytes, "not-a-checksum", Some(TOKEN))
            .status,
        400
    );
    for bad_id in [
        "not-a-uuid",
        &id.to_uppercase(),
        &id.replace('-', ""),
        "..%2F..%2Fetc",
    ] {
        let reply = server.put(bad_id, &bytes);
        assert_eq!(reply.status, 400, "{bad_id}: {reply:?}");
    }
    assert!(everything_in(&store).is_empty());
}

#[test]
fn uploads_need_a_known_token() {
    let (_dir, store, outbox) = folders();
    let server = Server::start(&store);
    let (id, bytes) = sealed(&outbox);
    let checksum = svar_bundle::sha256_hex(&bytes);
    for token in [
        None,
        Some("wrong"),
        Some(""),
        Some("kiosk_1:s3cret-kiosk-token"),
    ] {
        let reply = server.put_with(&id, &bytes, &checksum, token);
        assert_eq!(reply.status, 401, "{token:?}: {reply:?}");
    }
    assert!(everything_in(&store).is_empty());
    // The other kiosk's token works as well, for that kiosk.
    assert_eq!(
        server
            .put_with(&id, &bytes, &checksum, Some(TOKEN_2))
            .status,
        201
    );
    assert_eq!(everything_in(&store), names("kiosk_2", &id));
}

#[test]
fn two_kiosks_may_send_the_same_bundle_id_and_each_keeps_its_own() {
    let (_dir, store, outbox) = folders();
    let server = Server::start(&store);
    let (id, bytes) = sealed(&outbox);
    let (_, other) = sealed(&outbox);
    let first = server.put(&id, &bytes);
    assert_eq!(first.status, 201, "{first:?}");
    // Another kiosk's bundle under the same id neither conflicts nor is taken for a repeat.
    let second = server.put_with(&id, &other, &svar_bundle::sha256_hex(&other), Some(TOKEN_2));
    assert_eq!(second.status, 201, "{second:?}");
    assert_eq!(
        second.json["sha256"],
        svar_bundle::sha256_hex(&other).as_str()
    );
    let [_, kiosk_1] = names("kiosk_1", &id);
    let [_, kiosk_2] = names("kiosk_2", &id);
    assert_eq!(std::fs::read(store.join(kiosk_1)).unwrap(), bytes);
    assert_eq!(std::fs::read(store.join(kiosk_2)).unwrap(), other);
    // Each kiosk's repeat gets its own original receipt.
    let again = server.put(&id, &bytes);
    assert_eq!((again.status, &again.json), (200, &first.json));
    let again = server.put_with(&id, &other, &svar_bundle::sha256_hex(&other), Some(TOKEN_2));
    assert_eq!((again.status, &again.json), (200, &second.json));
    assert_eq!(everything_in(&store).len(), 4);
}

#[test]
fn every_refusal_has_a_stable_code_and_a_body_that_is_not_age_is_malformed() {
    let (_dir, store, outbox) = folders();
    let server = Server::start(&store);
    let (id, bytes) = sealed(&outbox);
    let code = |reply: &Reply| reply.json["code"].as_str().unwrap_or_default().to_owned();
    let not_age = b"-----BEGIN AGE ENCRYPTED FILE-----\nan armored file is no bundle\n";
    let reply = server.put(&id, not_age);
    assert_eq!(
        (reply.status, code(&reply)),
        (400, "malformed_bundle".into()),
        "{reply:?}"
    );
    let reply = server.put(&id, b"");
    assert_eq!(
        (reply.status, code(&reply)),
        (400, "malformed_bundle".into()),
        "{reply:?}"
    );
    let checksum = svar_bundle::sha256_hex(&bytes);
    for (reply, status, expected) in [
        (
            server.put_with(&id, &bytes, &checksum, Some("wrong")),
            401,
            "unauthorized",
        ),
        (server.put("not-a-uuid", &bytes), 400, "bad_id"),
        (
            server.put_with(&id, &bytes, "x", Some(TOKEN)),
            400,
            "bad_checksum_header",
        ),
        (
            server.put_with(&id, b"age-encryption.org/v1\n", &checksum, Some(TOKEN)),
            400,
            "checksum_mismatch",
        ),
        (
            server.request("GET", "/nowhere", &[], b""),
            404,
            "not_found",
        ),
        (
            server.request("POST", &format!("/bundles/{id}"), &[], b""),
            405,
            "method_not_allowed",
        ),
    ] {
        assert_eq!(
            (reply.status, code(&reply)),
            (status, expected.into()),
            "{reply:?}"
        );
        assert!(reply.json["error"].is_string(), "{reply:?}");
    }
    assert!(everything_in(&store).is_empty());
    assert_eq!(server.put(&id, &bytes).status, 201);
    let (_, other) = sealed(&outbox);
    let reply = server.put(&id, &other);
    assert_eq!((reply.status, code(&reply)), (409, "conflict".into()));
    drop(server);
    let small = Server::with_limit(&store, 100);
    let reply = small.put(&id, &bytes);
    assert_eq!((reply.status, code(&reply)), (413, "too_large".into()));
}

#[test]
fn a_client_trickling_its_head_is_cut_off_while_others_are_served() {
    let (_dir, store, outbox) = folders();
    let timeouts = ConnectionTimeouts {
        header: Duration::from_secs(1),
        idle: Duration::from_secs(2),
    };
    let server = Server::with_timeouts(&store, timeouts);
    let (id, bytes) = sealed(&outbox);
    // A slow loris: one byte of an endless head every 100 ms, until the receiver cuts it off.
    let mut slow = std::net::TcpStream::connect(server.addr).unwrap();
    let mut writer = slow.try_clone().unwrap();
    let head = format!("PUT /bundles/{id} HTTP/1.1\r\nHost: x\r\nX-Padding: ");
    let trickler = std::thread::spawn(move || {
        for byte in head.bytes().chain(std::iter::repeat(b'a')).take(100) {
            if writer.write_all(&[byte]).is_err() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    });
    // Meanwhile another kiosk is served.
    std::thread::sleep(Duration::from_millis(300));
    let reply = server.put(&id, &bytes);
    assert_eq!(reply.status, 201, "{reply:?}");
    // Well past the header time-out, the slow connection is closed: the read ends (or the
    // connection is reset) instead of waiting.
    assert!(closed_within(&mut slow, Duration::from_secs(5)));
    assert!(trickler.join().unwrap(), "the trickle was cut off");
    // A connection that never sends a byte is closed after the idle time-out.
    let mut silent = std::net::TcpStream::connect(server.addr).unwrap();
    assert!(closed_within(&mut silent, Duration::from_secs(6)));
}

/// Whether the peer closes `stream` before `limit` passes (reading to its end).
fn closed_within(stream: &mut std::net::TcpStream, limit: Duration) -> bool {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut rest = Vec::new();
    match stream.read_to_end(&mut rest) {
        Ok(_) => true,
        Err(e) => !matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        ),
    }
}

#[test]
fn bodies_over_the_limit_get_413_and_nothing_is_stored() {
    let (_dir, store, outbox) = folders();
    let (id, bytes) = sealed(&outbox);
    let server = Server::with_limit(&store, bytes.len() - 1);
    let reply = server.put(&id, &bytes);
    assert_eq!(reply.status, 413, "{reply:?}");
    assert!(everything_in(&store).is_empty());
    drop(server);
    let server = Server::with_limit(&store, bytes.len());
    assert_eq!(server.put(&id, &bytes).status, 201);
}

#[test]
fn fifty_concurrent_uploads_of_one_bundle_store_it_once() {
    let (_dir, store, outbox) = folders();
    let server = Arc::new(Server::start(&store));
    let (id, bytes) = sealed(&outbox);
    let replies: Vec<Reply> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..50)
            .map(|_| s.spawn(|| server.put(&id, &bytes)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_stored_once(&replies);
    assert_eq!(everything_in(&store), names("kiosk_1", &id));
    assert_eq!(
        std::fs::read(store.join(format!("kiosk_1.{id}.svar.age"))).unwrap(),
        bytes
    );
}

#[test]
fn two_receivers_on_one_folder_store_each_bundle_once() {
    let (_dir, store, outbox) = folders();
    let a = Server::start(&store);
    let b = Server::start(&store);
    let bundles: Vec<(String, Vec<u8>)> = (0..5).map(|_| sealed(&outbox)).collect();
    let replies: Vec<(u16, u16)> = std::thread::scope(|s| {
        let handles: Vec<_> = bundles
            .iter()
            .map(|(id, bytes)| {
                s.spawn(|| {
                    let ra = s.spawn(|| a.put(id, bytes));
                    let rb = b.put(id, bytes);
                    let ra = ra.join().unwrap();
                    assert_eq!(ra.json, rb.json, "one receipt for both");
                    (ra.status, rb.status)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for (ra, rb) in replies {
        let mut statuses = [ra, rb];
        statuses.sort();
        assert_eq!(statuses, [200, 201]);
    }
    assert_eq!(everything_in(&store).len(), 2 * bundles.len());
    // A conflicting upload to the other receiver is refused too.
    let (_, other) = sealed(&outbox);
    assert_eq!(b.put(&bundles[0].0, &other).status, 409);
}

#[test]
fn a_restarted_receiver_keeps_its_receipts() {
    let (_dir, store, outbox) = folders();
    let (id, bytes) = sealed(&outbox);
    let first = Server::start(&store).put(&id, &bytes);
    assert_eq!(first.status, 201);
    let server = Server::start(&store);
    let again = server.put(&id, &bytes);
    assert_eq!(again.status, 200);
    assert_eq!(again.json, first.json);
}

#[test]
fn health_says_whether_the_store_is_writable() {
    let (_dir, store, _outbox) = folders();
    let server = Server::start(&store);
    let reply = server.request("GET", "/health", &[], b"");
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json, serde_json::json!({"status": "ok"}));
    assert!(everything_in(&store).is_empty(), "the probe is removed");

    std::fs::remove_dir(&store).unwrap();
    std::fs::write(&store, b"not a folder").unwrap();
    let reply = server.request("GET", "/health", &[], b"");
    assert_eq!(reply.status, 503, "{reply:?}");
}

#[test]
fn tokens_files_need_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens");
    std::fs::write(&path, "# nothing yet\n\n").unwrap();
    let error = Tokens::load(&path)
        .err()
        .expect("an empty token file is refused");
    assert!(error.to_string().contains("holds no token"), "{error}");
}

#[test]
fn every_token_line_names_a_valid_kiosk_and_errors_name_the_line_not_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tokens");
    for (text, line, what) in [
        ("kiosk_1:tok-aaaa\n# ok\n\nsecret-bbbb\n", 4, "no kiosk id"),
        ("kiosk_1:tok-aaaa\n:secret-bbbb\n", 2, "no kiosk id"),
        ("Kiosk-1:secret-bbbb\n", 1, "not valid"),
        ("kiosk_1:secret-bbbb\nkiosk_2:\n", 2, "no token"),
    ] {
        std::fs::write(&path, text).unwrap();
        let error = Tokens::load(&path).err().expect(text).to_string();
        assert!(
            error.contains("tokens") && error.contains(&format!("line {line}:")),
            "{error}"
        );
        assert!(error.contains(what), "{error}");
        assert!(
            !error.contains("secret") && !error.contains("tok-"),
            "{error}"
        );
    }
}

#[test]
fn with_client_certificates_the_certificate_names_the_kiosk() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let store = d.join("store");
    std::fs::create_dir(&store).unwrap();
    let ca = TestCa::new();
    let (server_cert, server_key) = ca.issue("receiver", &["localhost"]);
    let pem = |name: &str, text: String| {
        std::fs::write(d.join(name), text).unwrap();
        d.join(name)
    };
    let tls = receive::TlsFiles {
        cert: pem("server.pem", server_cert),
        key: pem("server.key", server_key),
        client_ca: Some(pem("ca.pem", ca.cert.clone())),
    };
    let router = receive::router(
        Arc::new(FolderStore::new(&store)),
        receive::Access::ClientCertificate,
        receive::DEFAULT_MAX_BYTES,
    );
    let server = Server::serving(
        router,
        ConnectionTimeouts::default(),
        Some(tls.server_config().unwrap()),
    );
    let kiosk = common::Kiosk::new();
    let url = format!("https://localhost:{}", server.addr.port());
    let attempt = |common_name: &str| {
        let (cert, key) = ca.issue(common_name, &["kiosk.clinic.example"]);
        let identity = pem(&format!("{common_name}.pem"), cert + &key);
        let target = svar_upload::Target::Https {
            url: url.clone(),
            token: None,
            ca: Some(d.join("ca.pem")),
            client_cert: Some(identity),
        };
        let up = svar_upload::Uploader::new(
            vec![target],
            svar_upload::Timeouts::default(),
            svar_upload::Backoff::default(),
            None,
        )
        .unwrap();
        let mut state = common::uploader_state();
        up.run_once(&kiosk.sealer.outbox, &mut state, common::t0(), None)
    };
    let (path, bytes) = common::seal(&kiosk);
    // A certificate whose name is no kiosk id is refused as a credential.
    let report = attempt("Kiosk 3");
    assert!(report.failed(), "{report:?}");
    assert!(path.exists());
    assert!(state_says_unauthorized(&report), "{report:?}");
    let report = attempt("kiosk_3");
    assert!(!report.failed(), "{report:?}");
    let id = svar_upload::bundle_id(&path.file_name().unwrap().to_string_lossy()).unwrap();
    assert_eq!(everything_in(&store), names("kiosk_3", &id.to_string()));
    let [_, bundle] = names("kiosk_3", &id.to_string());
    assert_eq!(std::fs::read(store.join(bundle)).unwrap(), bytes);
}

fn state_says_unauthorized(report: &svar_upload::Report) -> bool {
    report.files.iter().any(|(_, outcome)| {
        matches!(outcome, svar_upload::Outcome::Failed { errors, .. }
            if errors.iter().any(|e| e.to_string().contains("401")))
    })
}

/// A test CA (PEM) that issues leaf certificates with a subject common name.
struct TestCa {
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
    cert: String,
}

impl TestCa {
    fn new() -> TestCa {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap().pem();
        TestCa {
            issuer: rcgen::Issuer::new(params, key),
            cert,
        }
    }

    /// A certificate (PEM) for `names` whose subject CN is `common_name`, and its key (PEM).
    fn issue(&self, common_name: &str, names: &[&str]) -> (String, String) {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = rcgen::CertificateParams::new(names).unwrap();
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, common_name);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        (cert.pem(), key.serialize_pem())
    }
}

#[test]
fn the_command_serves_logs_each_request_and_stops_on_sigterm() {
    let (dir, store, outbox) = folders();
    let tokens = dir.path().join("tokens");
    std::fs::write(&tokens, TOKENS).unwrap();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_svar"))
        .args(["receive", "--listen", "127.0.0.1:0", "--store"])
        .arg(&store)
        .arg("--tokens")
        .arg(&tokens)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = common::KillOnDrop(child);
    let mut stderr = std::io::BufReader::new(child.0.stderr.take().unwrap());
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stderr, &mut line).unwrap();
    let addr: SocketAddr = line
        .split("listening on ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    // A client of the child's port: the in-process server is not started.
    let client = Server {
        addr,
        stop: None,
        thread: None,
    };
    let (id, bytes) = sealed(&outbox);
    assert_eq!(client.put(&id, &bytes).status, 201);

    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.0.wait().unwrap();
    let mut log = String::new();
    stderr.read_to_string(&mut log).unwrap();
    assert!(status.success(), "{log}");
    assert!(
        log.contains(&format!(
            "PUT /bundles/{id} kiosk=kiosk_1 status=201 bytes={}",
            bytes.len()
        )),
        "{log}"
    );
    assert!(log.contains("stopping"), "{log}");
    assert!(!log.contains(common::PATIENT));
}

#[test]
fn the_command_reports_a_missing_token_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-tokens");
    let out = common::svar(&[
        "receive",
        "--listen",
        "127.0.0.1:0",
        "--store",
        dir.path().to_str().unwrap(),
        "--tokens",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("cannot read the token file"),
        "{}",
        common::stderr(&out)
    );
}

#[test]
fn the_command_refuses_a_region_that_contradicts_an_aws_endpoint() {
    let dir = tempfile::tempdir().unwrap();
    let tokens = dir.path().join("tokens");
    std::fs::write(&tokens, "kiosk_01:a-long-enough-token-for-the-test\n").unwrap();
    let out = common::svar(&[
        "receive",
        "--listen",
        "127.0.0.1:0",
        "--s3-endpoint",
        "https://s3.eu-north-1.amazonaws.com",
        "--s3-bucket",
        "svar",
        "--s3-region",
        "us-east-1",
        "--s3-access-key-id",
        "id",
        "--s3-secret-access-key",
        "secret",
        "--tokens",
        tokens.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = common::stderr(&out);
    assert!(
        err.contains("--s3-region") && err.contains("`eu-north-1`"),
        "{err}"
    );
}

#[test]
fn an_s3_store_stores_once_returns_the_receipt_and_refuses_other_bytes() {
    let Some(moto) = Moto::start() else { return };
    moto.create_bucket("bundles");
    let server = Server::with_store(moto.store("bundles"), receive::DEFAULT_MAX_BYTES);
    let (_dir, _store, outbox) = folders();
    let (id, bytes) = sealed(&outbox);

    let first = server.put(&id, &bytes);
    assert_eq!(first.status, 201, "{first:?}");
    assert_eq!(
        first.json["sha256"],
        svar_bundle::sha256_hex(&bytes).as_str()
    );
    assert_eq!(
        moto.object("bundles", &format!("kiosk_1.{id}.svar.age")),
        Some(bytes.clone())
    );
    let receipt: Value = serde_json::from_slice(
        &moto
            .object("bundles", &format!("kiosk_1.{id}.receipt.json"))
            .expect("a receipt object"),
    )
    .unwrap();
    assert_eq!(receipt, first.json);

    std::thread::sleep(std::time::Duration::from_millis(1100));
    let again = server.put(&id, &bytes);
    assert_eq!(again.status, 200, "{again:?}");
    assert_eq!(again.json, first.json, "the original receipt");

    let (_, other) = sealed(&outbox);
    let reply = server.put(&id, &other);
    assert_eq!(reply.status, 409, "{reply:?}");
    assert_eq!(
        moto.object("bundles", &format!("kiosk_1.{id}.svar.age")),
        Some(bytes)
    );

    let health = server.request("GET", "/health", &[], b"");
    assert_eq!(health.status, 200, "{health:?}");
    let missing = Server::with_store(moto.store("no-such-bucket"), receive::DEFAULT_MAX_BYTES);
    assert_eq!(missing.request("GET", "/health", &[], b"").status, 503);
}

#[test]
fn two_receivers_on_one_bucket_store_a_bundle_once() {
    let Some(moto) = Moto::start() else { return };
    moto.create_bucket("shared");
    let a = Server::with_store(moto.store("shared"), receive::DEFAULT_MAX_BYTES);
    let b = Server::with_store(moto.store("shared"), receive::DEFAULT_MAX_BYTES);
    let (_dir, _store, outbox) = folders();
    let (id, bytes) = sealed(&outbox);
    let replies: Vec<Reply> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..20)
            .map(|i| {
                let server = if i % 2 == 0 { &a } else { &b };
                let (id, bytes) = (&id, &bytes);
                s.spawn(move || server.put(id, bytes))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_stored_once(&replies);
    let receipt: Value = serde_json::from_slice(
        &moto
            .object("shared", &format!("kiosk_1.{id}.receipt.json"))
            .expect("a receipt object"),
    )
    .unwrap();
    assert_eq!(receipt, replies[0].json);
    assert_eq!(
        moto.object("shared", &format!("kiosk_1.{id}.svar.age")),
        Some(bytes)
    );
}
