//! Upload targets: what `svar.toml` names (a folder, an HTTPS receiver, an S3 bucket), the
//! credentials they read, and their connections.

use crate::Timeouts;
use object_store::aws::AmazonS3;
use object_store::path::Path as ObjectPath;
use object_store::{ClientOptions, RetryConfig};
use std::fmt;
use std::path::{Path, PathBuf};
use svar_forms::id::KioskId;
use svar_s3::S3Config;

/// One `[[upload]]` block: where bundles are delivered (see `docs/upload.md`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadTarget {
    /// `kind = "folder"`: a mounted share or a removable disk.
    Folder {
        /// The folder.
        path: PathBuf,
    },
    /// `kind = "https"`: a receiver. At least one of the token and the client certificate.
    Https {
        /// The receiver's base URL.
        url: String,
        /// The file holding the bearer token (kept out of `svar.toml`, which is not secret).
        token_file: Option<PathBuf>,
        /// An extra CA certificate (PEM) for a clinic's own CA.
        ca_file: Option<PathBuf>,
        /// The kiosk's client certificate chain and private key (one PEM file), for receivers
        /// that require client certificates.
        client_cert_file: Option<PathBuf>,
    },
    /// `kind = "s3"`: a bucket of an S3-compatible object store.
    S3 {
        /// The service's URL (`https://`, or `http://` to this machine only).
        endpoint: String,
        /// The bucket, which must exist.
        bucket: String,
        /// The key prefix the bundles go under (`""`: the bucket's root).
        prefix: String,
        /// The region requests are signed for: `region` if given, else the endpoint's AWS
        /// region, else `us-east-1`.
        region: String,
        /// The file holding the access key id and secret (kept out of `svar.toml`).
        credentials_file: PathBuf,
        /// An extra CA certificate (PEM) for a clinic's own CA.
        ca_file: Option<PathBuf>,
    },
}

/// Where bundles are delivered.
#[derive(Clone, PartialEq, Eq)]
pub enum Target {
    /// A mounted share or a removable disk: the file is copied atomically and read back; the
    /// read-back's checksum is the receipt.
    Folder {
        /// The folder.
        path: PathBuf,
    },
    /// A receiver (`svar receive`) speaking `docs/upload.md`.
    Https {
        /// The base URL; bundles go to `{url}/bundles/{id}`.
        url: String,
        /// The bearer token, unless the client certificate alone is the credential.
        token: Option<String>,
        /// An extra CA certificate (PEM) to trust besides the system's and the public roots.
        ca: Option<PathBuf>,
        /// This kiosk's certificate chain and private key (one PEM file), presented to
        /// receivers that require client certificates.
        client_cert: Option<PathBuf>,
    },
    /// A bucket of an S3-compatible object store: each bundle is created once at
    /// `<prefix>/<kiosk>.<id>.svar.age` and read back; the read-back's checksum is the receipt.
    S3 {
        /// Where and how to sign in.
        config: S3Config,
        /// An extra CA certificate (PEM) to trust besides the system's and the public roots.
        ca: Option<PathBuf>,
    },
}

impl Target {
    /// The target an `[[upload]]` block names, reading its token file.
    pub fn from_config(config: &UploadTarget) -> Result<Target, TargetError> {
        Ok(match config {
            UploadTarget::Folder { path } => Target::Folder { path: path.clone() },
            UploadTarget::Https {
                url,
                token_file,
                ca_file,
                client_cert_file,
            } => Target::Https {
                url: url.clone(),
                token: token_file
                    .as_ref()
                    .map(|file| read_token(file, url))
                    .transpose()?,
                ca: ca_file.clone(),
                client_cert: client_cert_file.clone(),
            },
            UploadTarget::S3 {
                endpoint,
                bucket,
                prefix,
                region,
                credentials_file,
                ca_file,
            } => {
                let keys = read_s3_credentials(credentials_file, endpoint)?;
                Target::S3 {
                    config: S3Config {
                        endpoint: endpoint.clone(),
                        bucket: bucket.clone(),
                        prefix: prefix.clone(),
                        region: region.clone(),
                        access_key_id: keys.access_key_id,
                        secret_access_key: keys.secret_access_key,
                    },
                    ca: ca_file.clone(),
                }
            }
        })
    }

    /// The kind, as in `svar.toml` and the audit log: `folder`, `https` or `s3`.
    pub fn kind(&self) -> &'static str {
        match self {
            Target::Folder { .. } => "folder",
            Target::Https { .. } => "https",
            Target::S3 { .. } => "s3",
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Folder { path } => write!(f, "folder {}", path.display()),
            Target::Https { url, .. } => write!(f, "{url}"),
            Target::S3 { config, .. } => write!(f, "{config}"),
        }
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The token is a secret: keep it out of logs and panic messages.
        match self {
            Target::Folder { path } => f.debug_struct("Folder").field("path", path).finish(),
            Target::Https {
                url,
                token,
                ca,
                client_cert,
            } => f
                .debug_struct("Https")
                .field("url", url)
                .field("token", &token.as_ref().map(|_| "<hidden>"))
                .field("ca", ca)
                .field("client_cert", client_cert)
                .finish(),
            // `S3Config`'s own `Debug` leaves the secret out.
            Target::S3 { config, ca } => f
                .debug_struct("S3")
                .field("config", config)
                .field("ca", ca)
                .finish(),
        }
    }
}

/// Reads a bearer token file: its first line, trimmed.
pub fn read_token(path: &Path, url: &str) -> Result<String, TargetError> {
    let bad = |reason: &str| TargetError::Token {
        path: path.to_owned(),
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(&e.to_string()))?;
    let token = text.lines().next().unwrap_or_default().trim();
    if token.is_empty() {
        return Err(bad("the file is empty"));
    }
    Ok(token.to_owned())
}

/// The keys an S3 credentials file holds.
struct S3Keys {
    access_key_id: String,
    secret_access_key: String,
}

/// Reads an S3 credentials file: `access_key_id = …` and `secret_access_key = …` lines;
/// blank lines and `#` comments are skipped (`docs/upload.md`).
fn read_s3_credentials(path: &Path, endpoint: &str) -> Result<S3Keys, TargetError> {
    let bad = |reason: String| TargetError::Credentials {
        path: path.to_owned(),
        endpoint: endpoint.to_owned(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    let (mut id, mut secret) = (None, None);
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        // The message names the line, never its value: it may hold the secret.
        let Some((key, value)) = line.split_once('=') else {
            return Err(bad(format!("line {}: not `key = value`", n + 1)));
        };
        let slot = match key.trim() {
            "access_key_id" => &mut id,
            "secret_access_key" => &mut secret,
            _ => return Err(bad(format!("line {}: unknown key", n + 1))),
        };
        let value = value.trim();
        if value.is_empty() {
            return Err(bad(format!("line {}: the value is empty", n + 1)));
        }
        *slot = Some(value.to_owned());
    }
    match (id, secret) {
        (Some(access_key_id), Some(secret_access_key)) => Ok(S3Keys {
            access_key_id,
            secret_access_key,
        }),
        (None, _) => Err(bad("no `access_key_id`".into())),
        (_, None) => Err(bad("no `secret_access_key`".into())),
    }
}

/// A target that cannot be used as configured.
#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    /// The token file cannot be read or is empty (the message never quotes it).
    #[error("{}: cannot read the token for {url}: {reason}", path.display())]
    Token {
        /// The token file.
        path: PathBuf,
        /// The target's URL.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// The S3 credentials file cannot be read or is not of the documented form (the message
    /// never quotes it).
    #[error("{}: cannot read the S3 credentials for {endpoint}: {reason}", path.display())]
    Credentials {
        /// The credentials file.
        path: PathBuf,
        /// The target's endpoint.
        endpoint: String,
        /// What is wrong.
        reason: String,
    },
    /// The URL does not parse, or sends the token in clear text over a network.
    #[error("{url}: not a usable receiver URL: {reason}")]
    BadUrl {
        /// The URL.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// The extra CA file cannot be read or holds no PEM certificate.
    #[error("{}: cannot use this CA certificate for {url}: {reason}", path.display())]
    BadCa {
        /// The CA file.
        path: PathBuf,
        /// The target's URL.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// The client certificate file cannot be read or is not a certificate chain and key (the
    /// message never quotes it).
    #[error("{}: cannot use this client certificate for {url}: {reason}", path.display())]
    BadClientCert {
        /// The client certificate file.
        path: PathBuf,
        /// The target's URL.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// An S3 target names its objects after the kiosk, and there is no valid kiosk id.
    #[error("{endpoint}: an s3 target needs this kiosk's id (`kiosk_id` in svar.toml)")]
    NoKiosk {
        /// The target's endpoint.
        endpoint: String,
    },
    /// The HTTP client (or, for S3, its runtime) cannot be made.
    #[error("{url}: cannot set up the HTTPS client: {reason}")]
    Client {
        /// The target's URL.
        url: String,
        /// What is wrong.
        reason: String,
    },
}

/// A target made ready: HTTPS targets hold their client, S3 targets theirs and the small
/// runtime its requests run on (the uploader runs on a plain thread).
pub(super) enum Connected {
    Folder(PathBuf),
    Https {
        base: String,
        token: Option<String>,
        client: reqwest::blocking::Client,
    },
    S3 {
        client: AmazonS3,
        prefix: ObjectPath,
        kiosk: KioskId,
        runtime: tokio::runtime::Runtime,
    },
}

/// The certificates of an extra CA file, parsed by the HTTP client they are for (`None`: not
/// PEM); an empty file is an error too.
fn ca_certificates<C>(
    path: &Path,
    url: &str,
    parse: impl FnOnce(&[u8]) -> Option<Vec<C>>,
) -> Result<Vec<C>, TargetError> {
    let bad = |reason: &str| TargetError::BadCa {
        path: path.to_owned(),
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let pem = std::fs::read(path).map_err(|e| bad(&e.to_string()))?;
    match parse(&pem) {
        None => Err(bad("not a PEM certificate")),
        Some(certs) if certs.is_empty() => Err(bad("no certificate in the file")),
        Some(certs) => Ok(certs),
    }
}

pub(super) fn connect(
    target: &Target,
    timeouts: Timeouts,
    kiosk: Option<&str>,
) -> Result<Connected, TargetError> {
    match target {
        Target::Folder { path } => Ok(Connected::Folder(path.clone())),
        Target::Https {
            url,
            token,
            ca,
            client_cert,
        } => {
            check_url(url)?;
            let mut builder = reqwest::blocking::Client::builder()
                .connect_timeout(timeouts.connect)
                .timeout(timeouts.total)
                .use_rustls_tls();
            if let Some(path) = ca {
                for cert in ca_certificates(path, url, |pem| {
                    reqwest::Certificate::from_pem_bundle(pem).ok()
                })? {
                    builder = builder.add_root_certificate(cert);
                }
            }
            if let Some(path) = client_cert {
                let bad = |reason: String| TargetError::BadClientCert {
                    path: path.clone(),
                    url: url.clone(),
                    reason,
                };
                let pem = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
                let identity = reqwest::Identity::from_pem(&pem).map_err(|_| {
                    bad("not a PEM certificate chain followed by its private key".into())
                })?;
                builder = builder.identity(identity);
            }
            let client = builder.build().map_err(|e| TargetError::Client {
                url: url.clone(),
                reason: e.to_string(),
            })?;
            Ok(Connected::Https {
                base: url.trim_end_matches('/').to_owned(),
                token: token.clone(),
                client,
            })
        }
        Target::S3 { config, ca } => {
            let url = &config.endpoint;
            check_url(url)?;
            let kiosk = kiosk
                .and_then(KioskId::new)
                .ok_or_else(|| TargetError::NoKiosk {
                    endpoint: url.clone(),
                })?;
            let client_error = |reason: String| TargetError::Client {
                url: url.clone(),
                reason,
            };
            // These options replace the builder's, so they repeat its `allow_http`.
            let mut options = ClientOptions::new()
                .with_connect_timeout(timeouts.connect)
                .with_timeout(timeouts.total)
                .with_allow_http(config.allow_http());
            if let Some(path) = ca {
                for cert in ca_certificates(path, url, |pem| {
                    object_store::Certificate::from_pem_bundle(pem).ok()
                })? {
                    options = options.with_root_certificate(cert);
                }
            }
            // The uploader has its own back-off between passes: one quick retry of a
            // request is enough, and a pass must not hang for minutes on a dead server.
            let retry = RetryConfig {
                max_retries: 1,
                retry_timeout: timeouts.total,
                ..RetryConfig::default()
            };
            let client = config
                .builder()
                .with_client_options(options)
                .with_retry(retry)
                .build()
                .map_err(|e| client_error(e.to_string()))?;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| client_error(e.to_string()))?;
            Ok(Connected::S3 {
                client,
                prefix: config.prefix_path(),
                kiosk,
                runtime,
            })
        }
    }
}

/// Accepts `https://` URLs, and `http://` only to this machine (tests, a local relay): the
/// token must not cross a network in clear text.
pub fn check_url(url: &str) -> Result<(), TargetError> {
    let bad = |reason: &str| TargetError::BadUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| bad(&e.to_string()))?;
    let host = parsed.host_str().unwrap_or_default();
    let loopback = host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        "http" => Err(bad("use https: plain http is only for this machine")),
        _ => Err(bad("use an https:// URL")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_is_only_for_this_machine() {
        assert!(check_url("https://svar.example.org/api").is_ok());
        assert!(check_url("http://127.0.0.1:8080").is_ok());
        assert!(check_url("http://localhost:8080").is_ok());
        assert!(check_url("http://svar.example.org").is_err());
        assert!(check_url("ftp://svar.example.org").is_err());
        assert!(check_url("not a url").is_err());
    }

    #[test]
    fn s3_credentials_are_two_keys_and_errors_never_quote_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s3.keys");
        let read = |text: &str| {
            std::fs::write(&path, text).unwrap();
            read_s3_credentials(&path, "https://s3.example.org")
        };
        let keys =
            read("# kiosk 3\naccess_key_id = AKID\n\nsecret_access_key = s3cret=x\n").unwrap();
        assert_eq!(keys.access_key_id, "AKID");
        assert_eq!(keys.secret_access_key, "s3cret=x");
        for bad in [
            "access_key_id = AKID\n",
            "secret_access_key = s3cret\n",
            "access_key_id = AKID\nsecret_access_key =\n",
            "access_key_id = AKID\nsecret = s3cret\n",
            "AKID s3cret\n",
        ] {
            let e = read(bad).err().expect(bad).to_string();
            assert!(!e.contains("s3cret") && !e.contains("AKID"), "{e}");
        }
    }

    #[test]
    fn debug_hides_the_token() {
        let t = Target::Https {
            url: "https://x".into(),
            token: Some("s3cret".into()),
            ca: None,
            client_cert: None,
        };
        assert!(!format!("{t:?}").contains("s3cret"));
        let t = Target::S3 {
            config: S3Config {
                endpoint: "https://x".into(),
                bucket: "b".into(),
                prefix: String::new(),
                region: "us-east-1".into(),
                access_key_id: "AKID".into(),
                secret_access_key: "s3cret".into(),
            },
            ca: None,
        };
        assert!(!format!("{t:?} {t}").contains("s3cret"));
    }
}
