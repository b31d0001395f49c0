//! The `[[upload]]` blocks of `svar.toml`: where the outbox is delivered, checked into
//! [`UploadTarget`]s.

use super::{Check, UploadTarget};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawUpload {
    kind: Spanned<String>,
    #[serde(default)]
    url: Option<Spanned<String>>,
    #[serde(default)]
    token_file: Option<Spanned<PathBuf>>,
    #[serde(default)]
    ca_file: Option<Spanned<PathBuf>>,
    #[serde(default)]
    client_cert_file: Option<Spanned<PathBuf>>,
    #[serde(default)]
    path: Option<Spanned<PathBuf>>,
    #[serde(default)]
    endpoint: Option<Spanned<String>>,
    #[serde(default)]
    bucket: Option<Spanned<String>>,
    #[serde(default)]
    prefix: Option<Spanned<String>>,
    #[serde(default)]
    region: Option<Spanned<String>>,
    #[serde(default)]
    credentials_file: Option<Spanned<PathBuf>>,
}

/// Checks one `[[upload]]` block; `None` when it has problems (reported in `c`).
pub(super) fn upload_target(
    c: &mut Check,
    raw: &Spanned<RawUpload>,
    resolve: &dyn Fn(&Path) -> PathBuf,
) -> Option<UploadTarget> {
    let u = raw.get_ref();
    let before = c.found.len();
    let at = raw.span().start;
    let kind = u.kind.get_ref().as_str();
    // Each kind's fields, with where they are if given; a field of another kind is a mistake
    // worth saying, not ignoring.
    let given = |f: &Option<Spanned<String>>| f.as_ref().map(|f| f.span().start);
    let given_path = |f: &Option<Spanned<PathBuf>>| f.as_ref().map(|f| f.span().start);
    let https = [
        ("url", given(&u.url)),
        ("token_file", given_path(&u.token_file)),
        ("client_cert_file", given_path(&u.client_cert_file)),
    ];
    let s3 = [
        ("endpoint", given(&u.endpoint)),
        ("bucket", given(&u.bucket)),
        ("prefix", given(&u.prefix)),
        ("region", given(&u.region)),
        ("credentials_file", given_path(&u.credentials_file)),
    ];
    let folder = [("path", given_path(&u.path))];
    let ca = [("ca_file", given_path(&u.ca_file))];
    let (needed, foreign): (&[&str], Vec<_>) = match kind {
        "https" => (&["url"], [&folder[..], &s3].concat()),
        "s3" => (
            &["endpoint", "bucket", "credentials_file"],
            [&https[..], &folder].concat(),
        ),
        "folder" => (&["path"], [&https[..], &s3, &ca].concat()),
        _ => {
            c.error(
                u.kind.span().start,
                "bad-upload-kind",
                format!("`{kind}` is not an upload kind: use \"https\", \"s3\" or \"folder\""),
            );
            return None;
        }
    };
    let all = [&https[..], &s3, &folder].concat();
    for field in needed {
        if all
            .iter()
            .any(|(name, place)| name == field && place.is_none())
        {
            c.error(
                at,
                "missing-field",
                format!("an upload of kind `{kind}` needs `{field}`"),
            );
        }
    }
    if kind == "https" && u.token_file.is_none() && u.client_cert_file.is_none() {
        c.error(
            at,
            "missing-field",
            "an upload of kind `https` needs `token_file`, `client_cert_file` or both".to_owned(),
        );
    }
    for (field, span) in foreign {
        if let Some(span) = span {
            c.error(
                span,
                "wrong-field",
                format!("`{field}` does not apply to an upload of kind `{kind}`"),
            );
        }
    }
    for url in [&u.url, &u.endpoint].into_iter().flatten() {
        if let Err(e) = svar_upload::check_url(url.get_ref()) {
            c.error(url.span().start, "bad-url", e.to_string());
        }
    }
    let region = u.endpoint.as_ref().and_then(|endpoint| {
        let given = u.region.as_ref();
        svar_s3::resolve_region(endpoint.get_ref(), given.map(|r| r.get_ref().as_str()))
            .map_err(|message| {
                let place = given.map_or(endpoint.span().start, |r| r.span().start);
                c.error(place, "region-mismatch", message);
            })
            .ok()
    });
    let file = |c: &mut Check, value: &Option<Spanned<PathBuf>>, code: &'static str| {
        let value = value.as_ref()?;
        let path = resolve(value.get_ref());
        if !path.is_file() {
            c.error(
                value.span().start,
                code,
                format!("there is no file {}", path.display()),
            );
        }
        Some(path)
    };
    let token_file = file(c, &u.token_file, "missing-token-file");
    let ca_file = file(c, &u.ca_file, "missing-ca-file");
    let credentials_file = file(c, &u.credentials_file, "missing-credentials-file");
    let client_cert_file = file(c, &u.client_cert_file, "missing-client-cert-file");
    if c.found.len() > before {
        return None;
    }
    Some(match kind {
        "folder" => UploadTarget::Folder {
            path: resolve(u.path.as_ref()?.get_ref()),
        },
        "s3" => UploadTarget::S3 {
            endpoint: u.endpoint.as_ref()?.get_ref().clone(),
            bucket: u.bucket.as_ref()?.get_ref().clone(),
            prefix: u
                .prefix
                .as_ref()
                .map(|p| p.get_ref().clone())
                .unwrap_or_default(),
            region: region?,
            credentials_file: credentials_file?,
            ca_file,
        },
        _ => UploadTarget::Https {
            url: u.url.as_ref()?.get_ref().clone(),
            token_file,
            ca_file,
            client_cert_file,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::super::*;

    #[test]
    fn an_https_upload_takes_a_token_a_client_certificate_or_both() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("svar.toml");
        std::fs::write(dir.path().join("kiosk.pem"), "pem").unwrap();
        let block = |fields: &str| {
            format!(
                "{}\n[[upload]]\nkind = \"https\"\nurl = \"https://svar.example.org\"\n{fields}",
                sample(dir.path())
            )
        };
        let config = Config::from_text(&path, &block("client_cert_file = \"kiosk.pem\"\n"))
            .expect("a certificate alone will do");
        assert!(matches!(
            &config.upload[0],
            UploadTarget::Https { token_file: None, client_cert_file: Some(f), .. }
                if f == &dir.path().join("kiosk.pem")
        ));
        let found = Config::from_text(&path, &block("")).unwrap_err();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, "missing-field");
        assert!(found[0].message.contains("client_cert_file"), "{found:?}");
    }

    #[test]
    fn upload_targets_load_with_paths_from_the_file_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("svar.toml");
        std::fs::write(dir.path().join("token"), "t").unwrap();
        let text = format!(
            "{}\n[[upload]]\nkind = \"https\"\nurl = \"https://svar.example.org\"\ntoken_file = \"token\"\n\n[[upload]]\nkind = \"folder\"\npath = \"/media/usb\"\n",
            sample(dir.path())
        );
        let config = Config::from_text(&path, &text).expect("loads");
        assert_eq!(
            config.upload,
            [
                UploadTarget::Https {
                    url: "https://svar.example.org".into(),
                    token_file: Some(dir.path().join("token")),
                    ca_file: None,
                    client_cert_file: None,
                },
                UploadTarget::Folder {
                    path: "/media/usb".into()
                }
            ]
        );
        let without = Config::from_text(&path, &sample(dir.path())).expect("loads");
        assert!(without.upload.is_empty());
    }

    #[test]
    fn upload_problems_are_reported_at_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("svar.toml");
        let base = sample(dir.path());
        let lines = base.lines().count();
        let text = format!(
            "{base}\n[[upload]]\nkind = \"https\"\nurl = \"http://svar.example.org\"\ntoken_file = \"nope\"\npath = \"x\"\n\n[[upload]]\nkind = \"ftp\"\n\n[[upload]]\nkind = \"folder\"\n"
        );
        let found = Config::from_text(&path, &text).unwrap_err();
        let codes: Vec<(&str, usize)> = found.iter().map(|d| (d.code, d.position.line)).collect();
        let at = |n: usize| lines + 1 + n;
        for expected in [
            ("bad-url", at(3)),
            ("missing-token-file", at(4)),
            ("wrong-field", at(5)),
            ("bad-upload-kind", at(8)),
            ("missing-field", at(10)),
        ] {
            assert!(codes.contains(&expected), "{expected:?} in {codes:?}");
        }
        assert_eq!(codes.len(), 5, "{codes:?}");
    }

    #[test]
    fn an_s3_upload_loads_with_defaults_for_prefix_and_region() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("svar.toml");
        std::fs::write(dir.path().join("s3.keys"), "k").unwrap();
        let block = "\n[[upload]]\nkind = \"s3\"\nendpoint = \"https://s3.example.org\"\nbucket = \"svar\"\ncredentials_file = \"s3.keys\"\n";
        let text = format!("{}{block}", sample(dir.path()));
        let config = Config::from_text(&path, &text).expect("loads");
        assert_eq!(
            config.upload,
            [UploadTarget::S3 {
                endpoint: "https://s3.example.org".into(),
                bucket: "svar".into(),
                prefix: String::new(),
                region: svar_s3::DEFAULT_S3_REGION.into(),
                credentials_file: dir.path().join("s3.keys"),
                ca_file: None,
            }]
        );
        let full = text.replace(
            "bucket = \"svar\"\n",
            "bucket = \"svar\"\nprefix = \"kiosks/03\"\nregion = \"eu-north-1\"\n",
        );
        let config = Config::from_text(&path, &full).expect("loads");
        assert!(matches!(
            &config.upload[0],
            UploadTarget::S3 { prefix, region, .. } if prefix == "kiosks/03" && region == "eu-north-1"
        ));
    }

    #[test]
    fn an_aws_endpoint_gives_the_region_and_a_contradicting_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("svar.toml");
        std::fs::write(dir.path().join("s3.keys"), "k").unwrap();
        let base = sample(dir.path());
        let block = "\n[[upload]]\nkind = \"s3\"\nendpoint = \"https://s3.eu-north-1.amazonaws.com\"\nbucket = \"svar\"\ncredentials_file = \"s3.keys\"\n";
        let text = format!("{base}{block}");
        let config = Config::from_text(&path, &text).expect("loads");
        assert!(matches!(
            &config.upload[0],
            UploadTarget::S3 { region, .. } if region == "eu-north-1"
        ));
        let wrong = text.replace(
            "bucket = \"svar\"\n",
            "bucket = \"svar\"\nregion = \"us-east-1\"\n",
        );
        let found = Config::from_text(&path, &wrong).unwrap_err();
        let region_line = base.lines().count() + 1 + 5;
        assert_eq!(
            found
                .iter()
                .map(|d| (d.code, d.position.line))
                .collect::<Vec<_>>(),
            [("region-mismatch", region_line)]
        );
    }

    #[test]
    fn s3_upload_problems_are_reported_at_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("svar.toml");
        let base = sample(dir.path());
        let lines = base.lines().count();
        let text = format!(
            "{base}\n[[upload]]\nkind = \"s3\"\nendpoint = \"http://s3.example.org\"\ntoken_file = \"t\"\ncredentials_file = \"nope\"\n\n[[upload]]\nkind = \"folder\"\npath = \"/media/usb\"\nbucket = \"b\"\n"
        );
        let found = Config::from_text(&path, &text).unwrap_err();
        let codes: Vec<(&str, usize)> = found.iter().map(|d| (d.code, d.position.line)).collect();
        let at = |n: usize| lines + 1 + n;
        for expected in [
            ("missing-field", at(1)),
            ("bad-url", at(3)),
            ("wrong-field", at(4)),
            ("missing-token-file", at(4)),
            ("missing-credentials-file", at(5)),
            ("wrong-field", at(10)),
        ] {
            assert!(codes.contains(&expected), "{expected:?} in {codes:?}");
        }
        assert_eq!(codes.len(), 6, "{codes:?}");
        let missing = found.iter().find(|d| d.code == "missing-field").unwrap();
        assert!(missing.message.contains("`bucket`"), "{}", missing.message);
    }
}
