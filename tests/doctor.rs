//! `svar doctor`: a site that is set up passes every check, and each check's failure is told
//! on its own line with what to do. Also `svar receive --check`, the receiver unit's start
//! check.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

/// A kiosk's folder: its device key, a recipient and `svar.toml` with `extra` appended.
fn site(dir: &Path, extra: &str) -> std::path::PathBuf {
    let out = common::svar(&[
        "keygen",
        "--device",
        "--out",
        &dir.join("device.key").to_string_lossy(),
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let out = common::svar(&["keygen", "--out", &dir.join("site.key").to_string_lossy()]);
    let recipient = common::stdout(&out).trim().to_owned();
    common::site_config(dir, &recipient, extra)
}

/// Runs `svar doctor` on `config`: the exit status and the printed lines.
fn doctor(config: &Path) -> (Option<i32>, String) {
    let out = common::svar(&["doctor", "--config", &config.to_string_lossy()]);
    (out.status.code(), common::stdout(&out))
}

/// The printed line of check `name`.
fn line<'a>(printed: &'a str, name: &str) -> &'a str {
    printed
        .lines()
        .find(|l| l.get(6..).is_some_and(|rest| rest.starts_with(name)))
        .unwrap_or_else(|| panic!("no `{name}` line in:\n{printed}"))
}

/// A receiver for `kiosk_7` (token `right`) on a free port, storing in `dir/received`.
fn receiver(dir: &Path) -> (common::KillOnDrop, u16) {
    std::fs::create_dir_all(dir.join("received")).unwrap();
    std::fs::write(dir.join("tokens"), "kiosk_7:right\nkiosk_8:other\n").unwrap();
    let port = common::free_port();
    let r = common::start_receiver(port, &dir.join("received"), &dir.join("tokens"));
    (r, port)
}

fn upload_block(port: u16) -> String {
    format!(
        "[[upload]]\nkind = \"https\"\nurl = \"http://127.0.0.1:{port}\"\ntoken_file = \"upload.token\"\n"
    )
}

#[test]
fn a_site_that_is_set_up_passes_every_check() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_receiver, port) = receiver(d);
    std::fs::write(d.join("upload.token"), "right\n").unwrap();
    let config = site(d, &upload_block(port));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let private = std::fs::Permissions::from_mode(0o600);
        std::fs::set_permissions(d.join("device.key"), private).unwrap();
    }
    let (code, printed) = doctor(&config);
    assert_eq!(code, Some(0), "{printed}");
    for name in [
        "config", "keys", "forms", "store", "outbox", "upload", "clock",
    ] {
        assert!(!line(&printed, name).starts_with("FAIL"), "{printed}");
    }
    assert!(line(&printed, "config").contains("site haukeland, kiosk kiosk_7"));
    assert!(
        line(&printed, "upload").contains("the credential is kiosk `kiosk_7`'s"),
        "{printed}"
    );
    assert!(
        line(&printed, "clock").contains("within 120 s of 1 receiver(s)"),
        "{printed}"
    );
    // Before the first start there is no store yet: a warning that says what will happen.
    assert!(line(&printed, "store").starts_with("WARN"));
    assert!(line(&printed, "store").contains("at its first start"));
    assert!(
        printed.contains("svar doctor: 7 checks, 0 failed"),
        "{printed}"
    );
    // Once the kiosk has made its store, it opens with its key.
    let key = d.join("store.key");
    svar_store::StoreKey::create(&key).unwrap();
    drop(
        svar_store::Store::open(&d.join("data"), svar_store::StoreKey::load(&key).unwrap())
            .unwrap(),
    );
    std::fs::set_permissions(&key, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let (code, printed) = doctor(&config);
    assert_eq!(code, Some(0), "{printed}");
    assert!(
        line(&printed, "store").starts_with("ok")
            && line(&printed, "store").contains("opens with its key; every session is sealed"),
        "{printed}"
    );
    // No answer or patient id can be in what doctor prints: it never reads a session.
    assert!(!printed.contains(common::PATIENT));
}

#[test]
fn a_missing_or_broken_configuration_fails_and_skips_what_needs_it() {
    let dir = tempfile::tempdir().unwrap();
    let (code, printed) = doctor(&dir.path().join("svar.toml"));
    assert_eq!(code, Some(1));
    assert!(
        line(&printed, "config").starts_with("FAIL")
            && line(&printed, "config").contains("there is no configuration"),
        "{printed}"
    );
    assert!(line(&printed, "store").starts_with("skip"));
    let config = site(dir.path(), "");
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "batteries = [\"demo\"]",
        "batteries = [\"demo\", \"no_such\"]",
    );
    std::fs::write(&config, text).unwrap();
    let (code, printed) = doctor(&config);
    assert_eq!(code, Some(1));
    assert!(line(&printed, "config").starts_with("FAIL"), "{printed}");
    assert!(
        printed.contains("error[unknown-battery]: there is no valid battery `no_such`"),
        "{printed}"
    );
    assert!(line(&printed, "keys").starts_with("ok"), "{printed}");
}

#[test]
fn demo_keys_and_keys_others_can_read_fail_the_keys_check() {
    let dir = tempfile::tempdir().unwrap();
    let config = site(dir.path(), "");
    std::fs::copy(
        common::root().join("assets/demo-keys/demo-device.key"),
        dir.path().join("device.key"),
    )
    .unwrap();
    let (code, printed) = doctor(&config);
    assert_eq!(code, Some(1));
    assert!(line(&printed, "keys").starts_with("FAIL"), "{printed}");
    assert!(printed.contains("error[demo-device-key]"), "{printed}");
    // The example configuration's recipient is refused too.
    let text = std::fs::read_to_string(&config).unwrap();
    let recipient = text.lines().next().unwrap().to_owned();
    std::fs::write(
        &config,
        text.replace(
            &recipient,
            "recipients = [\"age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\"]",
        ),
    )
    .unwrap();
    let (_, printed) = doctor(&config);
    assert!(printed.contains("error[example-recipient]"), "{printed}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let config = site(dir.path(), "");
        std::fs::set_permissions(
            dir.path().join("device.key"),
            std::fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        let (code, printed) = doctor(&config);
        assert_eq!(code, Some(1));
        assert!(
            line(&printed, "keys").contains("can be read by other users")
                && line(&printed, "keys").contains("chmod 600"),
            "{printed}"
        );
    }
}

#[test]
fn a_store_without_its_key_fails_and_names_the_backup() {
    let dir = tempfile::tempdir().unwrap();
    let config = site(dir.path(), "");
    let key = dir.path().join("store.key");
    svar_store::StoreKey::create(&key).unwrap();
    drop(
        svar_store::Store::open(
            &dir.path().join("data"),
            svar_store::StoreKey::load(&key).unwrap(),
        )
        .unwrap(),
    );
    std::fs::remove_file(&key).unwrap();
    let (code, printed) = doctor(&config);
    assert_eq!(code, Some(1));
    assert!(
        line(&printed, "store").starts_with("FAIL")
            && line(&printed, "store").contains("restore the key from the backup"),
        "{printed}"
    );
}

#[cfg(unix)]
#[test]
fn an_outbox_that_cannot_take_a_file_fails() {
    let dir = tempfile::tempdir().unwrap();
    let config = site(dir.path(), "");
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    // A dangling link: the kiosk could neither make the folder nor write into it.
    std::os::unix::fs::symlink(dir.path().join("gone"), dir.path().join("data/outbox")).unwrap();
    let (code, printed) = doctor(&config);
    assert_eq!(code, Some(1), "{printed}");
    assert!(
        line(&printed, "outbox").starts_with("FAIL")
            && line(&printed, "outbox").contains("cannot write a file there"),
        "{printed}"
    );
}

#[test]
fn an_unreachable_receiver_a_refused_token_and_another_kiosks_token_fail_the_upload_check() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_receiver, port) = receiver(d);
    let nobody = common::free_port();
    let config = site(
        d,
        &format!(
            "{}\n[[upload]]\nkind = \"https\"\nurl = \"http://127.0.0.1:{nobody}\"\ntoken_file = \"upload.token\"\n",
            upload_block(port)
        ),
    );
    std::fs::write(d.join("upload.token"), "wrong\n").unwrap();
    let (code, printed) = doctor(&config);
    assert_eq!(code, Some(1));
    assert!(
        line(&printed, "upload 1").contains("refused this kiosk's credential (401)"),
        "{printed}"
    );
    assert!(
        line(&printed, "upload 2").contains("cannot reach it"),
        "{printed}"
    );
    std::fs::write(d.join("upload.token"), "other\n").unwrap();
    let (_, printed) = doctor(&config);
    assert!(
        line(&printed, "upload 1")
            .contains("the token is kiosk `kiosk_8`'s, not this kiosk's (`kiosk_7`)"),
        "{printed}"
    );
    // A missing token file is named.
    std::fs::remove_file(d.join("upload.token")).unwrap();
    let (code, printed) = doctor(&config);
    assert_eq!(code, Some(1));
    assert!(printed.contains("error[missing-token-file]"), "{printed}");
}

/// Answers every request as a receiver would for `kiosk_7`, with its clock at `date`.
fn fake_receiver(date: &'static str) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            let _ = reader.read_line(&mut request);
            // The rest of the head, up to the blank line.
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                header.clear();
            }
            let body = if request.contains("/credential") {
                r#"{"kiosk":"kiosk_7"}"#
            } else {
                r#"{"status":"ok"}"#
            };
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nDate: {date}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

#[test]
fn a_clock_far_from_the_receivers_fails() {
    let dir = tempfile::tempdir().unwrap();
    let port = fake_receiver("Sun, 06 Nov 2022 08:49:37 GMT");
    std::fs::write(dir.path().join("upload.token"), "right\n").unwrap();
    let config = site(dir.path(), &upload_block(port));
    let (code, printed) = doctor(&config);
    assert_eq!(code, Some(1), "{printed}");
    assert!(line(&printed, "upload").starts_with("ok"), "{printed}");
    let clock = line(&printed, "clock");
    assert!(
        clock.starts_with("FAIL")
            && clock.contains("from the receiver's (2022-11-06T08:49:37Z")
            && clock.contains("timedatectl set-ntp true"),
        "{printed}"
    );
}

#[test]
fn the_receivers_start_check_says_what_it_checked_or_why_it_cannot_start() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("store")).unwrap();
    std::fs::write(d.join("tokens"), "kiosk_7:right\n").unwrap();
    let check = |store: &str, tokens: &str| {
        common::svar(&[
            "receive",
            "--check",
            "--listen",
            "127.0.0.1:8080",
            "--store",
            &d.join(store).to_string_lossy(),
            "--tokens",
            &d.join(tokens).to_string_lossy(),
        ])
    };
    let out = check("store", "tokens");
    assert!(out.status.success(), "{}", common::stderr(&out));
    assert!(
        common::stdout(&out).contains("ready to listen on 127.0.0.1:8080 (plain HTTP), storing in")
            && common::stdout(&out).contains("(writable), accepting 1 kiosk token(s)"),
        "{}",
        common::stdout(&out)
    );
    // Nothing is left in the store by the check.
    assert_eq!(std::fs::read_dir(d.join("store")).unwrap().count(), 0);
    let out = check("no_store", "tokens");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("the store folder does not exist"),
        "{}",
        common::stderr(&out)
    );
    let out = check("store", "no_tokens");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stderr(&out).contains("no_tokens"),
        "{}",
        common::stderr(&out)
    );
}
