//! Load: 20 simulated kiosks, each running the real uploader (`svar upload`) over an outbox of
//! 500 sealed bundles, all at once against one real receiver (`svar receive`) on loopback. No
//! bundle is lost or stored twice, each arrives byte for byte, and the test prints the
//! throughput and the receiver's peak memory (it asserts neither: they depend on the machine).

mod common;

use common::{bundle_files, free_port, start_receiver, upload_command};
use std::path::{Path, PathBuf};
use std::time::Instant;

const KIOSKS: usize = 20;
const BUNDLES_PER_KIOSK: usize = 500;

/// The receiver's peak resident memory so far, from `/proc` (Linux only).
fn peak_memory_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn twenty_kiosks_deliver_ten_thousand_bundles_at_once_none_lost_none_twice() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let store = d.join("store");
    std::fs::create_dir_all(&store).unwrap();
    let tokens: Vec<String> = (0..KIOSKS)
        .map(|k| format!("token-of-kiosk-{k:02}-4711"))
        .collect();
    let tokens_file = d.join("tokens");
    let lines: String = tokens
        .iter()
        .enumerate()
        .map(|(k, t)| format!("kiosk_{k}:{t}\n"))
        .collect();
    std::fs::write(&tokens_file, lines).unwrap();
    let outboxes: Vec<PathBuf> = (0..KIOSKS).map(|k| d.join(format!("kiosk_{k}"))).collect();

    // Sealing is the slow part of setting up; two threads for the two cores CI has.
    let started = Instant::now();
    let sealed: Vec<Vec<(String, Vec<u8>)>> = std::thread::scope(|s| {
        let halves: Vec<_> = outboxes
            .chunks(KIOSKS / 2)
            .map(|half| {
                s.spawn(move || {
                    half.iter()
                        .map(|o| common::seal_demo_bundles(o, BUNDLES_PER_KIOSK))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        halves.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    eprintln!(
        "sealed {} bundles in {:.1?}",
        KIOSKS * BUNDLES_PER_KIOSK,
        started.elapsed()
    );

    let port = free_port();
    let receiver = start_receiver(port, &store, &tokens_file);
    let token_files: Vec<PathBuf> = tokens
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let path = d.join(format!("token_{k}"));
            std::fs::write(&path, t).unwrap();
            path
        })
        .collect();
    let started = Instant::now();
    let uploads: Vec<_> = outboxes
        .iter()
        .zip(&token_files)
        .map(|(outbox, token)| {
            upload_command(outbox, port, token)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("svar upload starts")
        })
        .collect();
    for upload in uploads {
        let out = upload.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", common::stderr(&out));
    }
    let elapsed = started.elapsed();
    let peak = peak_memory_kib(receiver.0.id());
    drop(receiver);

    let total = KIOSKS * BUNDLES_PER_KIOSK;
    eprintln!(
        "delivered {total} bundles from {KIOSKS} kiosks in {elapsed:.1?}: {:.0} bundles/s; \
         receiver peak memory (VmHWM) {}",
        total as f64 / elapsed.as_secs_f64(),
        peak.map_or("unknown".into(), |kib| format!(
            "{:.1} MiB",
            kib as f64 / 1024.0
        )),
    );

    for outbox in &outboxes {
        assert!(bundle_files(outbox).is_empty(), "{}", outbox.display());
    }
    let stored = bundle_files(&store);
    assert_eq!(stored.len(), total, "nothing lost, nothing extra");
    // Each kiosk's bundles are stored under that kiosk, the one its token was issued to.
    for (k, kiosk) in sealed.iter().enumerate() {
        for (name, bytes) in kiosk {
            let id = svar_upload::bundle_id(name).expect("a bundle file name");
            let stored = format!("kiosk_{k}.{id}");
            assert_eq!(
                &read(&store, &format!("{stored}.svar.age")),
                bytes,
                "{name}"
            );
            assert!(
                store.join(format!("{stored}.receipt.json")).is_file(),
                "{name}"
            );
        }
    }
    // Bundles and receipts only: no staging files left by concurrent writes.
    assert_eq!(std::fs::read_dir(&store).unwrap().count(), 2 * total);
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap()
}
