//! The real uploader (`svar upload`) against the real receiver (`svar receive`) on loopback,
//! through a receiver that is down, restarted, and sent the same bundle twice: every bundle
//! arrives once and intact, and no local bundle is deleted without its receipt.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const TOKEN: &str = "kiosk_1:0123456789abcdef0123456789abcdef";

/// A `svar receive` process; killed on drop.
struct Receiver(Child);

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_receiver(port: u16, store: &Path, tokens: &Path) -> Receiver {
    let child = Command::new(env!("CARGO_BIN_EXE_svar"))
        .args([
            "receive",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--store",
        ])
        .arg(store)
        .arg("--tokens")
        .arg(tokens)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("svar receive starts");
    let receiver = Receiver(child);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "the receiver never listened"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    receiver
}

fn upload(outbox: &Path, port: u16, token_file: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_svar"))
        .args(["upload", "--outbox"])
        .arg(outbox)
        .args([
            "--to-url",
            &format!("http://127.0.0.1:{port}"),
            "--token-file",
        ])
        .arg(token_file)
        .output()
        .expect("svar upload runs")
}

fn bundles(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".svar.age"))
        .collect();
    files.sort();
    files
}

#[test]
fn bundles_reach_the_real_receiver_once_through_a_restart_and_a_repeat() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let outbox = d.join("outbox");
    let store = d.join("store");
    std::fs::create_dir_all(&store).unwrap();
    let tokens = d.join("tokens");
    std::fs::write(&tokens, format!("{TOKEN}\n")).unwrap();
    let token_file = d.join("token");
    std::fs::write(&token_file, TOKEN.split_once(':').unwrap().1).unwrap();
    let answers = d.join("answers.json");
    std::fs::write(&answers, common::demo_answers().to_string()).unwrap();
    for _ in 0..3 {
        let out = common::svar(&[
            "fill",
            "--battery",
            "demo",
            "--answers",
            answers.to_str().unwrap(),
            "--patient",
            common::PATIENT,
            "--outbox",
            outbox.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", common::stderr(&out));
    }
    let sealed: Vec<(String, Vec<u8>)> = bundles(&outbox)
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(p).unwrap(),
            )
        })
        .collect();
    assert_eq!(sealed.len(), 3);
    let port = free_port();

    // The receiver is down: nothing leaves the outbox.
    let out = upload(&outbox, port, &token_file);
    assert_eq!(out.status.code(), Some(1), "{}", common::stderr(&out));
    assert_eq!(bundles(&outbox).len(), 3, "no receipt, no delete");

    // Up: everything is delivered and confirmed, then removed locally.
    let receiver = start_receiver(port, &store, &tokens);
    let out = upload(&outbox, port, &token_file);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(bundles(&outbox).is_empty());

    // Restarted, and sent one bundle again (a lost receipt): stored once, deleted again.
    drop(receiver);
    let _receiver = start_receiver(port, &store, &tokens);
    std::fs::write(outbox.join(&sealed[0].0), &sealed[0].1).unwrap();
    let out = upload(&outbox, port, &token_file);
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(bundles(&outbox).is_empty());

    // Each bundle is in the receiver's store exactly once, byte for byte, with its receipt.
    let stored = bundles(&store);
    assert_eq!(stored.len(), 3, "{stored:?}");
    for (name, bytes) in &sealed {
        let id = svar::upload::bundle_id(name).expect("a bundle file name");
        let path = store.join(format!("{id}.svar.age"));
        assert_eq!(&std::fs::read(&path).unwrap(), bytes, "{name}");
        let receipt: serde_json::Value = serde_json::from_slice(
            &std::fs::read(store.join(format!("{id}.receipt.json"))).unwrap(),
        )
        .unwrap();
        assert_eq!(receipt["bundle_id"], id.to_string());
    }
}
