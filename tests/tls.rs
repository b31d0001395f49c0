//! `svar receive` serving TLS itself: the uploader trusts the receiver through a configured CA,
//! and with `--client-ca` only kiosks holding a certificate from that CA get a connection.
//! Certificates are made for each test (a CA for the receiver, one for kiosks).

mod common;

use common::Kiosk;
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime};
use svar_upload::{Backoff, Target, Timeouts, Uploader};

const TOKEN: &str = "tls-test-token";

/// A certificate and its key, as PEM files, and both in one file (as a kiosk's
/// `client_cert_file`).
struct Pem {
    cert: PathBuf,
    key: PathBuf,
    both: PathBuf,
}

/// A CA that issues certificates; its own certificate is written to `cert`.
struct Ca {
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
    cert: PathBuf,
}

impl Ca {
    fn new(dir: &Path, name: &str) -> Ca {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, format!("{name} test CA"));
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        let path = dir.join(format!("{name}-ca.pem"));
        std::fs::write(&path, cert.pem()).unwrap();
        Ca {
            issuer: rcgen::Issuer::new(params, key),
            cert: path,
        }
    }

    /// A leaf certificate for `names` (DNS names or IP addresses).
    fn issue(&self, dir: &Path, file: &str, names: &[&str]) -> Pem {
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = rcgen::CertificateParams::new(names).unwrap();
        // The subject CN is the file's name: for a kiosk's certificate, its kiosk id.
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, file);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        let pem = Pem {
            cert: dir.join(format!("{file}.pem")),
            key: dir.join(format!("{file}.key")),
            both: dir.join(format!("{file}-with-key.pem")),
        };
        std::fs::write(&pem.cert, cert.pem()).unwrap();
        std::fs::write(&pem.key, key.serialize_pem()).unwrap();
        std::fs::write(&pem.both, cert.pem() + &key.serialize_pem()).unwrap();
        pem
    }
}

/// A `svar receive` process; killed on drop.
struct Receiver {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `svar receive` on a free port with `args` after the store; waits for its
/// "listening on ADDR" line.
fn receiver(store: &Path, args: &[&std::ffi::OsStr]) -> Receiver {
    let mut child = Command::new(env!("CARGO_BIN_EXE_svar"))
        .args(["receive", "--listen", "127.0.0.1:0", "--store"])
        .arg(store)
        .args(args)
        .stderr(Stdio::piped())
        .spawn()
        .expect("svar receive starts");
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let addr = line
        .split("listening on ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    // Keep reading its log so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in stderr.lines() {});
    Receiver { child, addr }
}

fn uploader(target: Target) -> Uploader {
    Uploader::new(
        vec![target],
        Timeouts {
            connect: Duration::from_secs(5),
            total: Duration::from_secs(10),
        },
        Backoff::default(),
        None,
    )
    .unwrap()
}

fn stored(store: &Path) -> usize {
    std::fs::read_dir(store)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".svar.age")
        })
        .count()
}

#[test]
fn the_uploader_reaches_a_tls_receiver_only_through_the_configured_ca() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let ca = Ca::new(d, "site");
    let server = ca.issue(d, "receiver", &["localhost", "127.0.0.1"]);
    let store = d.join("store");
    std::fs::create_dir(&store).unwrap();
    let tokens = d.join("tokens");
    std::fs::write(&tokens, format!("kiosk_1:{TOKEN}\n")).unwrap();
    let r = receiver(
        &store,
        &[
            "--tokens".as_ref(),
            tokens.as_os_str(),
            "--tls-cert".as_ref(),
            server.cert.as_os_str(),
            "--tls-key".as_ref(),
            server.key.as_os_str(),
        ],
    );
    let kiosk = Kiosk::new();
    let (bundle, _) = common::seal(&kiosk);
    let url = format!("https://localhost:{}", r.addr.port());
    let mut state = common::uploader_state();

    // Without the site's CA the receiver is a stranger: nothing is sent, nothing deleted.
    let untrusted = uploader(Target::Https {
        url: url.clone(),
        token: Some(TOKEN.to_owned()),
        ca: None,
        client_cert: None,
    });
    let report = untrusted.run_once(&kiosk.sealer.outbox, &mut state, SystemTime::now(), None);
    assert!(report.failed(), "{report:?}");
    assert!(bundle.exists());
    assert_eq!(stored(&store), 0);

    let trusted = uploader(Target::Https {
        url,
        token: Some(TOKEN.to_owned()),
        ca: Some(ca.cert.clone()),
        client_cert: None,
    });
    let mut state = common::uploader_state();
    let report = trusted.run_once(&kiosk.sealer.outbox, &mut state, SystemTime::now(), None);
    assert!(!report.failed(), "{report:?}");
    assert_eq!(report.delivered(), 1);
    assert!(!bundle.exists(), "deleted after its receipt");
    assert_eq!(stored(&store), 1);
}

#[test]
fn with_a_client_ca_only_kiosks_holding_its_certificate_connect() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let site = Ca::new(d, "site");
    let server = site.issue(d, "receiver", &["localhost"]);
    let kiosks = Ca::new(d, "kiosks");
    let kiosk_cert = kiosks.issue(d, "kiosk_1", &["kiosk_1.clinic.example"]);
    let stranger = Ca::new(d, "stranger").issue(d, "stranger", &["kiosk_1.clinic.example"]);
    let store = d.join("store");
    std::fs::create_dir(&store).unwrap();
    // No token file: the certificate is the kiosk's credential.
    let r = receiver(
        &store,
        &[
            "--tls-cert".as_ref(),
            server.cert.as_os_str(),
            "--tls-key".as_ref(),
            server.key.as_os_str(),
            "--client-ca".as_ref(),
            kiosks.cert.as_os_str(),
        ],
    );
    let url = format!("https://localhost:{}", r.addr.port());
    let kiosk = Kiosk::new();
    let (bundle, bytes) = common::seal(&kiosk);
    let attempt = |client_cert: Option<&Pem>| {
        let up = uploader(Target::Https {
            url: url.clone(),
            token: None,
            ca: Some(site.cert.clone()),
            client_cert: client_cert.map(|pem| pem.both.clone()),
        });
        let mut state = common::uploader_state();
        up.run_once(&kiosk.sealer.outbox, &mut state, SystemTime::now(), None)
    };
    // A file that is not a certificate and key is named when the uploader is made.
    let junk = d.join("junk.pem");
    std::fs::write(&junk, "-----BEGIN NOTHING-----\nsecret\n").unwrap();
    let err = Uploader::new(
        vec![Target::Https {
            url: url.clone(),
            token: None,
            ca: None,
            client_cert: Some(junk),
        }],
        Timeouts::default(),
        Backoff::default(),
        None,
    )
    .err()
    .expect("refused")
    .to_string();
    assert!(err.contains("junk.pem") && !err.contains("secret"), "{err}");
    for (who, cert) in [("no certificate", None), ("another CA's", Some(&stranger))] {
        let report = attempt(cert);
        assert!(report.failed(), "{who}: {report:?}");
        assert!(bundle.exists(), "{who}: kept");
        assert_eq!(stored(&store), 0, "{who}: refused at the handshake");
    }
    let report = attempt(Some(&kiosk_cert));
    assert!(!report.failed(), "{report:?}");
    assert!(!bundle.exists(), "deleted after its receipt");
    let id = svar_upload::bundle_id(&bundle.file_name().unwrap().to_string_lossy()).unwrap();
    assert_eq!(
        std::fs::read(store.join(format!("kiosk_1.{id}.svar.age"))).unwrap(),
        bytes
    );
}

#[test]
fn a_receiver_without_tokens_or_client_ca_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_svar"))
        .args(["receive", "--listen", "127.0.0.1:0", "--store"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(common::stderr(&out).contains("--tokens"));
}
