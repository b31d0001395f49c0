//! `svar receive` over real HTTP: a receiver on a free local port, plain HTTP/1.1 requests,
//! and real sealed bundles (demo keys) as payloads.

mod common;

use common::moto::Moto;

use serde_json::Value;
use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use svar_bundle as bundle;
use svar_receive::{self as receive, FolderStore, Store, Tokens};

/// The token file the test receivers use: one token with a kiosk id, one without.
const TOKENS: &str = "# test tokens\nkiosk_1:s3cret-kiosk-token\nplain-token\n";
const TOKEN: &str = "s3cret-kiosk-token";

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

    fn with_store(store: Arc<dyn Store>, max_bytes: usize) -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        let router = receive::router(store, Tokens::parse(TOKENS), max_bytes);
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let shutdown = async move {
                    let _ = tokio::task::spawn_blocking(move || stopped.recv()).await;
                };
                receive::serve(listener, router, shutdown).await.unwrap();
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
    let hashes = bundle::FormHashes::of_folder(&forms).unwrap();
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
    let stored = std::fs::read(store.join(format!("{id}.svar.age"))).unwrap();
    assert_eq!(stored, bytes);
    assert_eq!(svar_bundle::sha256_hex(&stored), first.json["sha256"]);
    let receipt: Value =
        serde_json::from_slice(&std::fs::read(store.join(format!("{id}.receipt.json"))).unwrap())
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
        [format!("{id}.receipt.json"), format!("{id}.svar.age")],
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
        std::fs::read(store.join(format!("{id}.svar.age"))).unwrap(),
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
    // A token without a kiosk id works as well.
    assert_eq!(
        server
            .put_with(&id, &bytes, &checksum, Some("plain-token"))
            .status,
        201
    );
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
    assert_eq!(
        everything_in(&store),
        [format!("{id}.receipt.json"), format!("{id}.svar.age")]
    );
    assert_eq!(
        std::fs::read(store.join(format!("{id}.svar.age"))).unwrap(),
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
    std::fs::write(&tokens, "kiosk-01:a-long-enough-token-for-the-test\n").unwrap();
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
        moto.object("bundles", &format!("{id}.svar.age")),
        Some(bytes.clone())
    );
    let receipt: Value = serde_json::from_slice(
        &moto
            .object("bundles", &format!("{id}.receipt.json"))
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
        moto.object("bundles", &format!("{id}.svar.age")),
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
            .object("shared", &format!("{id}.receipt.json"))
            .expect("a receipt object"),
    )
    .unwrap();
    assert_eq!(receipt, replies[0].json);
    assert_eq!(
        moto.object("shared", &format!("{id}.svar.age")),
        Some(bytes)
    );
}
