//! The uploader's S3 target against a real moto S3 server on loopback (skipped with a note
//! when moto is not installed, except on CI).

mod common;

use common::moto::Moto;
use common::{Kiosk, seal, stderr, stdout, t0, uploader_state};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;
use svar_upload::{Backoff, Outcome, State, Target, Timeouts, Uploader};

const BUCKET: &str = "bundles";
/// The kiosk id the test uploaders have.
const KIOSK: &str = "kiosk_1";

fn target(config: svar_receive::S3Config) -> Target {
    Target::S3 { config, ca: None }
}

fn uploader(target: Target) -> Uploader {
    let timeouts = Timeouts {
        connect: Duration::from_secs(2),
        total: Duration::from_secs(10),
    };
    Uploader::new(
        vec![target],
        timeouts,
        Backoff::default(),
        Some(KIOSK.into()),
    )
    .unwrap()
}

/// One pass in which delivering the kiosk's one bundle fails; the file must stay. Its state.
fn failing_pass(up: &Uploader, kiosk: &Kiosk, path: &Path) -> State {
    let mut state = uploader_state();
    let report = up.run_once(&kiosk.sealer.outbox, &mut state, t0(), None);
    assert!(
        matches!(report.files[0].1, Outcome::Failed { .. }),
        "{report:?}"
    );
    assert!(path.exists());
    state
}

/// The object name kiosk `kiosk`'s bundle file gets: `<kiosk>.<id>.svar.age`.
fn object_name(kiosk: &str, path: &Path) -> String {
    let id = svar_upload::bundle_id(&path.file_name().unwrap().to_string_lossy()).unwrap();
    format!("{kiosk}.{id}.svar.age")
}

#[test]
fn bundles_land_in_the_bucket_intact_once_and_leave_the_outbox_after_the_read_back() {
    let Some(moto) = Moto::start() else { return };
    moto.create_bucket(BUCKET);
    let kiosk = Kiosk::new();
    let sealed: Vec<_> = (0..3).map(|_| seal(&kiosk)).collect();
    let up = uploader(target(moto.config(BUCKET)));
    let mut state = uploader_state();
    let mut journal = svar_kiosk::setup::StoreJournal(kiosk.store());
    let report = up.run_once(&kiosk.sealer.outbox, &mut state, t0(), Some(&mut journal));
    assert!(!report.failed(), "{report:?}");
    assert_eq!(report.delivered(), 3);
    assert!(kiosk.bundles().is_empty());
    for (path, bytes) in &sealed {
        assert_eq!(
            moto.object(BUCKET, &object_name(KIOSK, path)).as_ref(),
            Some(bytes)
        );
    }
    let uploaded: Vec<_> = journal
        .0
        .audit_log()
        .unwrap()
        .into_iter()
        .filter(|r| r.event.as_str() == "bundle_uploaded")
        .collect();
    assert_eq!(uploaded.len(), 3);
    assert!(uploaded.iter().all(|r| r.detail.as_deref() == Some("s3")));

    // A repeat (the local removal did not happen) is delivered, not stored twice.
    let (path, bytes) = &sealed[0];
    std::fs::write(path, bytes).unwrap();
    let report = up.run_once(&kiosk.sealer.outbox, &mut state, t0(), None);
    assert_eq!(report.delivered(), 1, "{report:?}");
    assert!(!path.exists());
    assert_eq!(moto.names(BUCKET).len(), 3);
    assert_eq!(
        moto.object(BUCKET, &object_name(KIOSK, path)).as_ref(),
        Some(bytes)
    );
}

#[test]
fn other_bytes_under_the_bundles_name_are_quarantined_and_left_alone() {
    let Some(moto) = Moto::start() else { return };
    moto.create_bucket(BUCKET);
    let kiosk = Kiosk::new();
    let (path, _) = seal(&kiosk);
    moto.put_object(BUCKET, &object_name(KIOSK, &path), b"someone else's bytes");
    let up = uploader(target(moto.config(BUCKET)));
    let report = up.run_once(&kiosk.sealer.outbox, &mut uploader_state(), t0(), None);
    assert!(
        matches!(report.files[0].1, Outcome::Quarantined { .. }),
        "{report:?}"
    );
    let name = path.file_name().unwrap();
    assert!(kiosk.sealer.outbox.join("quarantine").join(name).is_file());
    assert_eq!(
        moto.object(BUCKET, &object_name(KIOSK, &path)).as_deref(),
        Some(&b"someone else's bytes"[..])
    );
}

#[test]
fn a_missing_bucket_is_named_and_retried() {
    let Some(moto) = Moto::start() else { return };
    let kiosk = Kiosk::new();
    let (path, _) = seal(&kiosk);
    let state = failing_pass(
        &uploader(target(moto.config("no-such-bucket"))),
        &kiosk,
        &path,
    );
    let error = state.status.last_error.unwrap();
    assert!(error.contains("no such bucket"), "{error}");
}

#[test]
fn a_server_that_is_down_keeps_the_files_until_it_is_back() {
    let port = common::free_port();
    let kiosk = Kiosk::new();
    let (path, bytes) = seal(&kiosk);
    let config = svar_receive::S3Config {
        endpoint: format!("http://127.0.0.1:{port}"),
        bucket: BUCKET.into(),
        prefix: common::moto::PREFIX.into(),
        region: "us-east-1".into(),
        access_key_id: "testing".into(),
        secret_access_key: "testing".into(),
    };
    let up = uploader(target(config));
    let mut state = uploader_state();
    let report = up.run_once(&kiosk.sealer.outbox, &mut state, t0(), None);
    let Outcome::Failed { retry_at, .. } = report.files[0].1 else {
        panic!("{report:?}")
    };
    assert!(path.exists());
    assert_eq!(retry_at, t0() + Backoff::default().ceiling(1));
    assert!(!state.status.unauthorized);

    let Some(moto) = Moto::start_on(port) else {
        return;
    };
    moto.create_bucket(BUCKET);
    let report = up.run_once(&kiosk.sealer.outbox, &mut state, retry_at, None);
    assert_eq!(report.delivered(), 1, "{report:?}");
    assert!(!path.exists());
    assert_eq!(moto.object(BUCKET, &object_name(KIOSK, &path)), Some(bytes));
}

/// A stand-in for an S3 service that refuses every request's signature with `403`, as AWS
/// does for a wrong secret; its address.
fn refusing_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
            let _ = reader.by_ref().take(length).read_to_end(&mut Vec::new());
            let body = "<?xml version=\"1.0\"?><Error><Code>SignatureDoesNotMatch</Code>\
                        <Message>The signature does not match.</Message></Error>";
            let _ = write!(
                stream,
                "HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn refused_credentials_keep_the_file_and_are_reported() {
    let kiosk = Kiosk::new();
    let (path, _) = seal(&kiosk);
    let config = svar_receive::S3Config {
        endpoint: refusing_server(),
        bucket: BUCKET.into(),
        prefix: String::new(),
        region: "us-east-1".into(),
        access_key_id: "wrong".into(),
        secret_access_key: "wrong-secret".into(),
    };
    let state = failing_pass(&uploader(target(config)), &kiosk, &path);
    assert!(state.status.unauthorized);
    let error = state.status.last_error.unwrap();
    assert!(error.contains("refused the credentials"), "{error}");
    assert!(!error.contains("wrong-secret"), "{error}");
}

/// A small `svar.toml` in `dir` (a fresh recipient and device key, as a site has: a site
/// configuration may not use the demo keys) ending with `upload`.
fn site_config(dir: &Path, upload: &str) -> std::path::PathBuf {
    svar_bundle::DeviceKey::generate()
        .unwrap()
        .write(&dir.join("device.key"))
        .unwrap();
    let recipient = svar_bundle::write_identity(&dir.join("site.key")).unwrap();
    common::site_config(dir, &recipient.to_string(), upload)
}

#[test]
fn svar_upload_with_a_configuration_delivers_to_an_s3_block() {
    let Some(moto) = Moto::start() else { return };
    moto.create_bucket(BUCKET);
    let kiosk = Kiosk::new();
    let (path, bytes) = seal(&kiosk);
    let dir = kiosk.dir.path();
    std::fs::write(
        dir.join("s3.keys"),
        "# moto accepts any keys\naccess_key_id = testing\nsecret_access_key = testing\n",
    )
    .unwrap();
    let config = site_config(
        dir,
        &format!(
            "\n[[upload]]\nkind = \"s3\"\nendpoint = \"{}\"\nbucket = \"{BUCKET}\"\nprefix = \"{}\"\ncredentials_file = \"s3.keys\"\n",
            moto.endpoint(),
            common::moto::PREFIX
        ),
    );
    let out = common::svar(&[
        "upload",
        "--config",
        config.to_str().unwrap(),
        "--outbox",
        kiosk.sealer.outbox.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("delivered"), "{}", stdout(&out));
    assert!(!path.exists());
    // The kiosk id is the configuration's.
    assert_eq!(
        moto.object(BUCKET, &object_name("kiosk_7", &path)),
        Some(bytes)
    );
}

#[test]
fn an_s3_target_needs_the_kiosk_id_that_names_its_objects() {
    let config = svar_receive::S3Config {
        endpoint: "https://s3.example.org".into(),
        bucket: BUCKET.into(),
        prefix: String::new(),
        region: "us-east-1".into(),
        access_key_id: "testing".into(),
        secret_access_key: "testing".into(),
    };
    for kiosk in [None, Some("Kiosk 1".to_owned())] {
        let err = Uploader::new(
            vec![target(config.clone())],
            Timeouts::default(),
            Backoff::default(),
            kiosk,
        )
        .err()
        .expect("refused")
        .to_string();
        assert!(err.contains("kiosk_id"), "{err}");
    }
}
