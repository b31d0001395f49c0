//! Helpers shared by the integration tests.

#![allow(dead_code)]

pub mod moto;

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the `svar` binary with `args` from the repository root.
pub fn svar(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_svar"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the svar binary runs")
}

/// Standard output as text.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The JSON files directly in `dir`, sorted.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("folder exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

/// A patient id that must never appear in an outbox file or an error message.
pub const PATIENT: &str = "01817010055";
/// A distinctive text answer that must never appear in an outbox file.
pub const OCCUPATION: &str = "Fyrvokter Zebulon";

/// Complete answers to the demo battery, with [`OCCUPATION`] as the free-text answer.
pub fn demo_answers() -> Value {
    answers_with_occupation(OCCUPATION)
}

/// Complete answers to the demo battery, with `occupation` as the free-text answer.
pub fn answers_with_occupation(occupation: &str) -> Value {
    let hscl: serde_json::Map<String, Value> = (1..=25)
        .map(|i| (format!("q{i}"), json!(1 + i % 2)))
        .collect();
    json!({
        "consent": {"consent": 1, "signature": [[[0.1, 0.2], [0.3, 0.4]]]},
        "about_you": {"birth_date": "1970-01-01", "occupation": occupation, "employed": 1,
                      "weekly_hours": 37.5, "health_today": 62, "sleep": [1, 3]},
        "nrs_pain": {"now": 5, "worst_week": 8, "avg_week": 4},
        "nmq": {"trouble_12m": ["neck", "low_back"], "prevented_neck": 1, "trouble_7d_neck": 0,
                "prevented_low_back": 0, "trouble_7d_low_back": 1},
        "hscl25": hscl,
        "phq9": {"q1": 1, "q2": 2, "q3": 0, "q4": 1, "q5": 0, "q6": 1, "q7": 0, "q8": 0, "q9": 0,
                 "difficulty": 1},
        "was": {"q1": 7}
    })
}

/// The folder that holds a test kiosk: removed on drop when the fixture owns it, kept when it
/// belongs to someone else (a crash-test child works in its parent's folder).
pub struct Root {
    path: PathBuf,
    _owned: Option<tempfile::TempDir>,
}

impl Root {
    /// The folder.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A kiosk's folders for store tests: a data folder, a store key kept outside it, an outbox,
/// and the shipped demo battery sealed to the demo keys.
pub struct Kiosk {
    /// Holds everything.
    pub dir: Root,
    /// The store's folder.
    pub data: PathBuf,
    /// The store key file (outside the data folder).
    pub key: PathBuf,
    /// Sealing settings (outbox inside `dir`).
    pub sealer: svar_kiosk::visit::Sealer,
}

impl Kiosk {
    /// Fresh folders and a new store key.
    pub fn new() -> Kiosk {
        let dir = tempfile::tempdir().expect("temp dir");
        let kiosk = Kiosk::at(dir);
        svar_store::StoreKey::create(&kiosk.key).expect("store key");
        kiosk
    }

    /// The folders under `dir`, which may hold a store already; removed with the kiosk.
    pub fn at(dir: tempfile::TempDir) -> Kiosk {
        Kiosk::with_root(Root {
            path: dir.path().to_owned(),
            _owned: Some(dir),
        })
    }

    /// The folders under `folder`, which someone else owns and removes (a crash-test child
    /// working in its parent's folder, which must outlive it).
    pub fn borrowed(folder: &Path) -> Kiosk {
        Kiosk::with_root(Root {
            path: folder.to_owned(),
            _owned: None,
        })
    }

    fn with_root(dir: Root) -> Kiosk {
        let outbox = dir.path().join("outbox");
        std::fs::create_dir_all(&outbox).expect("outbox");
        Kiosk {
            data: dir.path().join("data"),
            key: dir.path().join("store.key"),
            sealer: sealer(outbox),
            dir,
        }
    }

    /// What the kiosk app needs to keep and seal sessions here.
    pub fn records(&self) -> svar_kiosk::ui::Records {
        svar_kiosk::ui::Records {
            store: self.store(),
            sealer: sealer(self.sealer.outbox.clone()),
            site: "test_site".into(),
            kiosk: svar_bundle::DEMO_KIOSK.into(),
            utc_offset: time::UtcOffset::UTC,
            upload: None,
        }
    }

    /// Opens the store.
    pub fn store(&self) -> svar_store::Store {
        let key = svar_store::StoreKey::load(&self.key).expect("key loads");
        svar_store::Store::open(&self.data, key).expect("store opens")
    }

    /// The demo battery.
    pub fn demo(&self) -> std::sync::Arc<svar_forms::battery::Battery> {
        self.sealer
            .batteries
            .iter()
            .find(|b| b.id.as_str() == "demo")
            .cloned()
            .expect("demo battery")
    }

    /// Sealed bundles in the outbox, sorted.
    pub fn bundles(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.sealer.outbox)
            .expect("outbox")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.to_string_lossy().ends_with(svar_bundle::EXTENSION))
            .collect();
        files.sort();
        files
    }

    /// Opens a sealed bundle with the demo identity.
    pub fn open(&self, path: &Path) -> svar_bundle::Bundle {
        let identities =
            svar_bundle::Identities::load(&root().join("assets/demo-keys/demo-identity.txt"))
                .expect("demo identity");
        svar_bundle::open(path, &identities, &svar_bundle::KioskKeys::demo()).expect("bundle opens")
    }
}

/// Seals a real bundle of the demo battery into the kiosk's outbox; its path and bytes.
pub fn seal(kiosk: &Kiosk) -> (PathBuf, Vec<u8>) {
    let filled = svar_bundle::fill(
        svar_bundle::Subject::Battery(kiosk.demo()),
        svar_forms::text::Lang::Nb,
        &demo_answers(),
        &meta(),
        &kiosk.sealer.hashes,
    )
    .unwrap();
    let path = svar_bundle::seal(
        &filled.bundle,
        &kiosk.sealer.recipients,
        &kiosk.sealer.device_key,
        &kiosk.sealer.outbox,
    )
    .unwrap();
    let bytes = std::fs::read(&path).unwrap();
    (path, bytes)
}

/// Sealing to the demo keys into `outbox`, with every shipped battery.
fn sealer(outbox: PathBuf) -> svar_kiosk::visit::Sealer {
    let forms = root().join("forms");
    let loaded = svar_forms::library::load_paths(std::slice::from_ref(&forms), None);
    svar_kiosk::visit::Sealer {
        recipients: vec![svar_bundle::demo_recipient()],
        device_key: svar_bundle::DeviceKey::demo(),
        outbox,
        hashes: svar_bundle::FormHashes::of_folder(&forms),
        batteries: loaded.shared_batteries(),
    }
}

/// Meta for a session of the test patient.
pub fn meta() -> svar_bundle::Meta {
    svar_bundle::Meta {
        bundle_id: uuid::Uuid::now_v7(),
        site: "test_site".into(),
        kiosk: svar_bundle::DEMO_KIOSK.into(),
        patient: svar_bundle::Patient {
            id: PATIENT.into(),
            id_type: svar_bundle::IdType::Synthetic,
        },
        timepoint: None,
        arm: None,
        consent: None,
        started: svar_bundle::Timestamp::now(),
    }
}

/// Writes a small `svar.toml` into `dir` (site `haukeland`, kiosk `kiosk_7`, the shipped forms,
/// the demo battery, one nurse with PIN 4711) sealing to `recipient` with `dir/device.key`,
/// followed by `extra` (e.g. `[[upload]]` blocks); its path.
pub fn site_config(dir: &Path, recipient: &str, extra: &str) -> PathBuf {
    let hash = svar_kiosk::staff::hash_pin("4711").expect("a PIN hash");
    let config = format!(
        r#"recipients = ["{recipient}"]
device_key = "device.key"
[site]
id = "haukeland"
name = "Haukeland"
kiosk_id = "kiosk_7"
[data]
folder = "data"
[kiosk]
forms = "{}"
batteries = ["demo"]
[[staff]]
id = "n"
name = "N"
pin_hash = "{hash}"
{extra}"#,
        root().join("forms").display()
    );
    let path = dir.join("svar.toml");
    std::fs::write(&path, config).expect("svar.toml written");
    path
}

/// The events of a store's audit log, in order.
pub fn audit_events(store: &svar_store::Store) -> Vec<String> {
    store
        .audit_log()
        .expect("the audit log reads")
        .into_iter()
        .map(|r| r.event.as_str().to_owned())
        .collect()
}

/// Seals `n` bundles of one completed demo-battery session, each under its own bundle id, into
/// `outbox` (created if missing); their file names and bytes, oldest first. Filling once and
/// sealing many is what makes thousands of real bundles affordable.
pub fn seal_demo_bundles(outbox: &Path, n: usize) -> Vec<(String, Vec<u8>)> {
    std::fs::create_dir_all(outbox).expect("outbox");
    let sealer = sealer(outbox.to_owned());
    let demo = sealer
        .batteries
        .iter()
        .find(|b| b.id.as_str() == "demo")
        .cloned()
        .expect("demo battery");
    let filled = svar_bundle::fill(
        svar_bundle::Subject::Battery(demo),
        svar_forms::text::Lang::Nb,
        &demo_answers(),
        &meta(),
        &sealer.hashes,
    )
    .expect("the demo answers are complete")
    .bundle;
    (0..n)
        .map(|_| {
            let mut bundle = filled.clone();
            bundle.bundle_id = uuid::Uuid::now_v7();
            let path = svar_bundle::seal(&bundle, &sealer.recipients, &sealer.device_key, outbox)
                .expect("sealed");
            let name = path
                .file_name()
                .expect("a file")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&path).expect("sealed file reads"))
        })
        .collect()
}

/// The `*.svar.age` files directly in `dir`, sorted.
pub fn bundle_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("folder exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(svar_bundle::EXTENSION))
        .collect();
    files.sort();
    files
}

/// An uploader state whose jitter is always 1, so every back-off is its ceiling.
pub fn uploader_state() -> svar_upload::State {
    svar_upload::State::new(Box::new(|| 1.0))
}

/// A fixed clock reading for uploader passes.
pub fn t0() -> std::time::SystemTime {
    std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000)
}

/// A port on loopback that nothing listens on (for a moment).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("an address")
        .port()
}

/// Sends one plain HTTP/1.1 request to `addr`; returns the status and the raw body.
pub fn http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<u8>) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    // The receiver may answer (413, 401) before reading the whole body.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP head in {:?}", String::from_utf8_lossy(&raw)));
    let head = String::from_utf8_lossy(&raw[..split]);
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP status in {head:?}"));
    (status, raw[split + 4..].to_vec())
}

/// A child process that is killed if a failing test leaves it running.
pub struct KillOnDrop(pub std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        // Already ended when the test passed; the error then is expected.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `svar receive` on `127.0.0.1:port` storing in the folder `store`, and waits until it
/// listens.
pub fn start_receiver(port: u16, store: &Path, tokens: &Path) -> KillOnDrop {
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
    let receiver = KillOnDrop(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the receiver never listened");
        std::thread::sleep(Duration::from_millis(50));
    }
    receiver
}

/// The `svar upload` command for one pass over `outbox` to the receiver on `127.0.0.1:port`.
pub fn upload_command(outbox: &Path, port: u16, token_file: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_svar"));
    command
        .args(["upload", "--outbox"])
        .arg(outbox)
        .args([
            "--to-url",
            &format!("http://127.0.0.1:{port}"),
            "--token-file",
        ])
        .arg(token_file);
    command
}

/// Runs one `svar upload` pass over `outbox` to the receiver on `127.0.0.1:port`.
pub fn upload(outbox: &Path, port: u16, token_file: &Path) -> Output {
    upload_command(outbox, port, token_file)
        .output()
        .expect("svar upload runs")
}

/// Checks FHIR JSON files (a Bundle per file, or NDJSON one resource a line) with Python's
/// `fhir.resources`, an implementation of R4 independent of ours. `.ci/run` installs it and
/// names its Python in `SVAR_FHIR_PYTHON`; CI fails without it, elsewhere the check is skipped.
pub fn fhir_resources_accept(files: &[&Path]) {
    let python = std::env::var("SVAR_FHIR_PYTHON").unwrap_or_else(|_| "python3".into());
    let available = Command::new(&python)
        .args(["-c", "import fhir.resources.bundle"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs Python's fhir.resources ({python})"
        );
        return;
    }
    let out = Command::new(&python)
        .arg(root().join(".ci/fhir_check.py"))
        .args(files)
        .output()
        .expect("python runs");
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
}
