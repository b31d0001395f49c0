//! The real uploader (`svar upload`) against the real receiver (`svar receive`) on loopback:
//! a receiver that is down, restarted and sent the same bundle twice, and a proxy between the
//! two that injects faults by a fixed plan (500s, lost receipts, time-outs, connections cut
//! mid-body or before the answer, a receipt with a wrong checksum). Every bundle arrives once
//! and intact, and no local bundle is deleted without its receipt.

mod common;

use common::{bundle_files, free_port, start_receiver, upload};
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOKEN: &str = "kiosk_1:0123456789abcdef0123456789abcdef";

#[test]
fn bundles_reach_the_real_receiver_once_through_a_restart_and_a_repeat() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let outbox = d.join("outbox");
    let (store, tokens, token_file) = receiver_files(d);
    let sealed = common::seal_demo_bundles(&outbox, 3);
    let port = free_port();

    // The receiver is down: nothing leaves the outbox.
    let out = upload(&outbox, port, &token_file);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    assert_eq!(bundle_files(&outbox).len(), 3, "no receipt, no delete");

    // Up: everything is delivered and confirmed, then removed locally.
    let receiver = start_receiver(port, &store, &tokens);
    let out = upload(&outbox, port, &token_file);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(bundle_files(&outbox).is_empty());

    // Restarted, and sent one bundle again (a lost receipt): stored once, deleted again.
    drop(receiver);
    let _receiver = start_receiver(port, &store, &tokens);
    std::fs::write(outbox.join(&sealed[0].0), &sealed[0].1).unwrap();
    let out = upload(&outbox, port, &token_file);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(bundle_files(&outbox).is_empty());

    // Each bundle is in the receiver's store exactly once, byte for byte, with its receipt.
    let stored = bundle_files(&store);
    assert_eq!(stored.len(), 3, "{stored:?}");
    for (name, bytes) in &sealed {
        let id = svar_upload::bundle_id(name).expect("a bundle file name");
        let path = store.join(format!("kiosk_1.{id}.svar.age"));
        assert_eq!(&std::fs::read(&path).unwrap(), bytes, "{name}");
        let receipt: serde_json::Value = serde_json::from_slice(
            &std::fs::read(store.join(format!("kiosk_1.{id}.receipt.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(receipt["bundle_id"], id.to_string());
    }
}

/// What the proxy does with a bundle's request while the receiver is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// Answers 500 without forwarding.
    Refuse,
    /// Forwards it, then answers 500 instead of the receipt: stored, receipt lost.
    LoseReceipt,
    /// Holds it unanswered until the uploader gives up, then forwards it: stored too late.
    Stall,
    /// Forwards the head and half the body, then closes both connections.
    CutMidBody,
    /// Relays the receipt with another SHA-256.
    WrongChecksum,
    /// Forwards it, then closes the uploader's connection without the answer.
    CutBeforeAnswer,
}

/// An HTTP/1.1 proxy on loopback in front of a receiver. Each bundle's requests meet its plan's
/// faults in order, then pass untouched. While the receiver is down every request gets `502`
/// (as from a reverse proxy) and no fault is used up, so the plan counts only requests the
/// receiver could have seen.
struct Proxy {
    port: u16,
    /// Connections being handled, so a test can wait for late forwards to finish.
    busy: Arc<AtomicUsize>,
}

type Plans = HashMap<String, VecDeque<Fault>>;

impl Proxy {
    /// A proxy to the receiver on `upstream` where each sealed bundle meets its plan's faults.
    fn for_plans(upstream: u16, sealed: &[(String, Vec<u8>)], plans: &[Vec<Fault>]) -> Proxy {
        Proxy::start(
            upstream,
            sealed
                .iter()
                .zip(plans)
                .map(|((name, _), plan)| (id_of(name), plan.iter().copied().collect()))
                .collect(),
        )
    }

    fn start(upstream: u16, plans: Plans) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let busy = Arc::new(AtomicUsize::new(0));
        let plans = Arc::new(Mutex::new(plans));
        {
            let busy = Arc::clone(&busy);
            std::thread::spawn(move || {
                for client in listener.incoming() {
                    let Ok(client) = client else { continue };
                    busy.fetch_add(1, Ordering::SeqCst);
                    let (busy, plans) = (Arc::clone(&busy), Arc::clone(&plans));
                    std::thread::spawn(move || {
                        // An error is a connection the fault or the uploader closed: nothing to do.
                        let _ = relay(client, upstream, &plans);
                        busy.fetch_sub(1, Ordering::SeqCst);
                    });
                }
            });
        }
        Proxy { port, busy }
    }

    /// Waits until no connection is being handled (a stalled request has been forwarded).
    fn settle(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.busy.load(Ordering::SeqCst) > 0 {
            assert!(Instant::now() < deadline, "the proxy never settled");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Handles one request on `client`: the answer always says `Connection: close`, so the
/// uploader opens a connection per request and each request meets its own fault.
fn relay(client: TcpStream, upstream: u16, plans: &Mutex<Plans>) -> std::io::Result<()> {
    // Never hang a test on an uploader that stops talking.
    client.set_read_timeout(Some(Duration::from_secs(20)))?;
    let mut reader = BufReader::new(client.try_clone()?);
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end().to_owned();
        if line.is_empty() {
            break;
        }
        head.push(line);
    }
    let path = head
        .first()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or_default()
        .to_owned();
    let length: usize = head
        .iter()
        .find_map(|h| {
            let (name, value) = h.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    let Ok(mut server) = TcpStream::connect(("127.0.0.1", upstream)) else {
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        return answer(&client, "HTTP/1.1 502 Bad Gateway", b"");
    };
    let id = path.strip_prefix("/bundles/").unwrap_or_default();
    let fault = plans
        .lock()
        .unwrap()
        .get_mut(id)
        .and_then(VecDeque::pop_front);
    let mut forwarded = head
        .iter()
        .filter(|h| !h.to_ascii_lowercase().starts_with("connection:"))
        .map(|h| format!("{h}\r\n"))
        .collect::<String>()
        .into_bytes();
    forwarded.extend_from_slice(b"Connection: close\r\n\r\n");
    let sent = if fault == Some(Fault::CutMidBody) {
        length / 2
    } else {
        length
    };
    let mut body = vec![0; sent];
    reader.read_exact(&mut body)?;
    if fault == Some(Fault::Refuse) {
        return answer(&client, "HTTP/1.1 500 Internal Server Error", b"");
    }
    if fault == Some(Fault::Stall) {
        // The uploader closes the connection when its time-out fires.
        while reader.read(&mut [0; 64])? > 0 {}
    }
    forwarded.extend_from_slice(&body);
    server.write_all(&forwarded)?;
    if fault == Some(Fault::CutMidBody) {
        server.shutdown(Shutdown::Both)?;
        return client.shutdown(Shutdown::Both);
    }
    let mut response = Vec::new();
    server.read_to_end(&mut response)?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete answer from the receiver");
    let status = String::from_utf8_lossy(&response[..split])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    let body = &response[split + 4..];
    match fault {
        None => answer(&client, &status, body),
        Some(Fault::LoseReceipt) => answer(&client, "HTTP/1.1 500 Internal Server Error", b""),
        Some(Fault::WrongChecksum) => {
            let mut receipt: serde_json::Value = serde_json::from_slice(body).unwrap();
            receipt["sha256"] = "0".repeat(64).into();
            answer(&client, &status, receipt.to_string().as_bytes())
        }
        Some(Fault::CutBeforeAnswer) => client.shutdown(Shutdown::Both),
        Some(Fault::Stall) => Ok(()),
        Some(Fault::Refuse | Fault::CutMidBody) => unreachable!("handled before forwarding"),
    }
}

fn answer(mut client: &TcpStream, status: &str, body: &[u8]) -> std::io::Result<()> {
    write!(
        client,
        "{status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    client.write_all(body)
}

/// Sealed bundles on their way through faults, and what must hold after every pass.
struct Delivery {
    outbox: PathBuf,
    store: PathBuf,
    sealed: Vec<(String, Vec<u8>)>,
    /// Each bundle's receipt as first stored: a bundle stored again would get a new one.
    receipts: HashMap<String, Vec<u8>>,
}

impl Delivery {
    /// Checks the store and the outbox after pass `pass` (counting only passes the receiver
    /// was up for) of bundles sent through `plans`.
    fn check(&mut self, plans: &[Vec<Fault>], pass: usize) {
        // Deleted in the first pass with no fault left; stored by then, or earlier by a fault
        // that lets the request reach the receiver.
        let left = |b: usize| plans[b].len() > pass;
        let arrived = |b: usize| {
            !left(b)
                || plans[b][..=pass]
                    .iter()
                    .any(|f| ![Fault::Refuse, Fault::CutMidBody].contains(f))
        };
        let ids: HashMap<String, &[u8]> = self
            .sealed
            .iter()
            .map(|(name, bytes)| (id_of(name), bytes.as_slice()))
            .collect();
        // Only whole bundles and their receipts: no partial uploads, no staging files.
        for entry in std::fs::read_dir(&self.store).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let (id, kind) = name
                .strip_prefix("kiosk_1.")
                .and_then(|rest| rest.split_once('.'))
                .unwrap_or((&name, ""));
            assert!(
                ids.contains_key(id) && ["svar.age", "receipt.json"].contains(&kind),
                "unexpected file in the store: {name}"
            );
        }
        for (ix, (name, bytes)) in self.sealed.iter().enumerate() {
            let id = id_of(name);
            let stored = std::fs::read(self.store.join(format!("kiosk_1.{id}.svar.age")));
            let receipt = std::fs::read(self.store.join(format!("kiosk_1.{id}.receipt.json")));
            assert_eq!(stored.is_ok(), arrived(ix), "{name} in the store");
            if let Ok(stored) = &stored {
                assert_eq!(stored, bytes, "{name} is stored intact");
                let receipt = receipt.as_ref().expect("a stored bundle has its receipt");
                let parsed: serde_json::Value = serde_json::from_slice(receipt).unwrap();
                assert_eq!(parsed["bundle_id"], id.as_str());
                assert_eq!(parsed["sha256"], svar_bundle::sha256_hex(bytes));
                assert_eq!(parsed["size"], bytes.len());
                let first = self.receipts.entry(id.clone()).or_insert(receipt.clone());
                assert_eq!(first, receipt, "{name} is stored once");
            }
            let local = self.outbox.join(name).exists();
            assert_eq!(local, left(ix), "{name} in the outbox");
            assert!(
                local || stored.is_ok(),
                "{name} was deleted without a receipt"
            );
        }
    }
}

fn id_of(name: &str) -> String {
    svar_upload::bundle_id(name)
        .expect("a bundle file name")
        .to_string()
}

/// A receiver's folders and token files in `dir`; the token file for uploads.
fn receiver_files(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let store = dir.join("store");
    std::fs::create_dir_all(&store).unwrap();
    let tokens = dir.join("tokens");
    std::fs::write(&tokens, format!("{TOKEN}\n")).unwrap();
    let token_file = dir.join("token");
    std::fs::write(&token_file, TOKEN.split_once(':').unwrap().1).unwrap();
    (store, tokens, token_file)
}

#[test]
fn bundles_reach_the_real_receiver_once_and_intact_through_injected_faults() {
    use Fault::*;
    let dir = tempfile::tempdir().unwrap();
    let (store, tokens, token_file) = receiver_files(dir.path());
    let outbox = dir.path().join("outbox");
    let plans = [
        vec![Refuse, LoseReceipt],
        vec![CutMidBody, CutMidBody],
        vec![WrongChecksum],
        vec![LoseReceipt, WrongChecksum, CutBeforeAnswer],
        vec![CutBeforeAnswer],
        vec![],
    ];
    let sealed = common::seal_demo_bundles(&outbox, plans.len());
    let receiver_port = free_port();
    let proxy = Proxy::for_plans(receiver_port, &sealed, &plans);
    let mut delivery = Delivery {
        outbox: outbox.clone(),
        store: store.clone(),
        sealed,
        receipts: HashMap::new(),
    };
    let mut receiver = Some(start_receiver(receiver_port, &store, &tokens));
    // A pass is one `svar upload` process: one try per bundle, as from a cron job. A bundle is
    // deleted in the first pass its plan has no fault left for.
    for pass in 0..=plans.iter().map(Vec::len).max().unwrap() {
        let out = upload(&outbox, proxy.port, &token_file);
        proxy.settle();
        delivery.check(&plans, pass);
        assert_eq!(
            out.status.success(),
            bundle_files(&outbox).is_empty(),
            "pass {pass}: {}",
            common::stderr(&out)
        );
        if pass == 0 {
            // Down, then restarted: the down pass delivers nothing and uses up no fault.
            drop(receiver.take());
            let out = upload(&outbox, proxy.port, &token_file);
            assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
            proxy.settle();
            delivery.check(&plans, pass);
            receiver = Some(start_receiver(receiver_port, &store, &tokens));
        }
    }
    assert!(bundle_files(&outbox).is_empty());
    assert_eq!(bundle_files(&store).len(), plans.len());
}

/// A stalled receipt: `svar upload --timeout` gives up, the receiver stores the bundle late,
/// and the next run gets the original receipt back before deleting the file.
#[test]
fn a_request_that_times_out_keeps_the_bundle_even_when_it_arrives_late() {
    use Fault::*;
    let dir = tempfile::tempdir().unwrap();
    let (store, tokens, token_file) = receiver_files(dir.path());
    let outbox = dir.path().join("outbox");
    let plans = [vec![Stall], vec![Refuse, Stall]];
    let sealed = common::seal_demo_bundles(&outbox, plans.len());
    let receiver_port = free_port();
    let proxy = Proxy::for_plans(receiver_port, &sealed, &plans);
    let _receiver = start_receiver(receiver_port, &store, &tokens);
    let mut delivery = Delivery {
        outbox: outbox.clone(),
        store,
        sealed,
        receipts: HashMap::new(),
    };
    for pass in 0..=2 {
        let out = common::upload_command(&outbox, proxy.port, &token_file)
            .args(["--timeout", "0.7"])
            .output()
            .expect("svar upload runs");
        proxy.settle();
        delivery.check(&plans, pass);
        let log = common::stderr(&out) + &common::stdout(&out);
        for ((name, _), plan) in delivery.sealed.iter().zip(&plans) {
            if plan.get(pass) == Some(&Stall) {
                assert!(
                    log.lines()
                        .any(|l| l.contains(name.as_str()) && l.contains("timed out")),
                    "pass {pass}: {log}"
                );
            }
        }
    }
    assert!(bundle_files(&outbox).is_empty());
}
