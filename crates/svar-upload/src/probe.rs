//! Checking a target before the first patient (`svar doctor`): that it is reachable, that it
//! takes this kiosk's credential, and what its clock says. Nothing is delivered; a folder gets
//! a probe file that is deleted at once.

use crate::target::{Connected, Target, TargetError, connect};
use crate::{Timeouts, transport_reason};
use std::time::SystemTime;

/// What a target's check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe {
    /// What was checked, for the line `svar doctor` prints.
    pub summary: String,
    /// The receiver's clock (its `Date` header), when it sent one.
    pub server_time: Option<SystemTime>,
}

/// Why a target cannot take this kiosk's bundles now, said for the person setting it up.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// The block in `svar.toml` cannot be used (token file, URL, certificates).
    #[error(transparent)]
    Target(#[from] TargetError),
    /// No answer: the network, the address, TLS or a firewall.
    #[error("{target}: cannot reach it ({reason}); check the address, the network and the CA file")]
    Unreachable {
        /// The target.
        target: String,
        /// What went wrong.
        reason: String,
    },
    /// The credential was refused.
    #[error(
        "{target}: the receiver refused this kiosk's credential ({status}); check the token file \
         against the receiver's token list, or the client certificate"
    )]
    Refused {
        /// The target.
        target: String,
        /// The HTTP status.
        status: u16,
    },
    /// The credential is another kiosk's: its bundles would be stored as that kiosk's.
    #[error(
        "{target}: the token is kiosk `{named}`'s, not this kiosk's (`{kiosk}`); give this kiosk \
         its own token"
    )]
    OtherKiosk {
        /// The target.
        target: String,
        /// The kiosk the credential names.
        named: String,
        /// This kiosk.
        kiosk: String,
    },
    /// The receiver is there but cannot store bundles now.
    #[error("{target}: the receiver cannot store bundles now ({status}); see the receiver's log")]
    Unavailable {
        /// The target.
        target: String,
        /// The HTTP status.
        status: u16,
    },
    /// Something answered, but not as a Svar receiver does.
    #[error(
        "{target}: {path} answered {status}, not as a Svar receiver would; check the upload \
         address (`url`) in svar.toml"
    )]
    NotAReceiver {
        /// The target.
        target: String,
        /// The path asked for.
        path: &'static str,
        /// The HTTP status.
        status: u16,
    },
    /// A folder target cannot be written.
    #[error(
        "{target}: cannot write there ({reason}); mount it, or give the kiosk user write access"
    )]
    Folder {
        /// The target.
        target: String,
        /// What went wrong.
        reason: String,
    },
    /// An S3 bucket refused or is missing.
    #[error("{target}: {reason}")]
    S3 {
        /// The target.
        target: String,
        /// What went wrong, with what to check.
        reason: String,
    },
}

/// Checks `target` as this kiosk (`kiosk`, its id) would use it, with `timeouts`.
pub fn probe(
    target: &Target,
    timeouts: Timeouts,
    kiosk: Option<&str>,
) -> Result<Probe, ProbeError> {
    let name = target.to_string();
    match connect(target, timeouts, kiosk)? {
        Connected::Folder(path) => {
            let probe = path.join(format!(".svar-doctor-{}.probe", uuid::Uuid::now_v7()));
            let folder = |e: std::io::Error| ProbeError::Folder {
                target: name.clone(),
                reason: e.to_string(),
            };
            std::fs::write(&probe, b"svar doctor").map_err(folder)?;
            std::fs::remove_file(&probe).map_err(folder)?;
            Ok(Probe {
                summary: format!("{name}: writable"),
                server_time: None,
            })
        }
        Connected::Https {
            base,
            token,
            client,
        } => https(&name, &base, token.as_deref(), &client, kiosk),
        Connected::S3 {
            client,
            prefix,
            runtime,
            ..
        } => {
            use futures::StreamExt;
            use object_store::ObjectStore;
            let first = runtime.block_on(async { client.list(Some(&prefix)).next().await });
            let s3 = |reason: &str| ProbeError::S3 {
                target: name.clone(),
                reason: reason.to_owned(),
            };
            match first {
                None | Some(Ok(_)) => Ok(Probe {
                    summary: format!("{name}: the bucket answers and takes the credentials"),
                    server_time: None,
                }),
                Some(Err(object_store::Error::NotFound { .. })) => {
                    Err(s3("there is no such bucket; create it, or check `bucket`"))
                }
                Some(Err(
                    object_store::Error::Unauthenticated { .. }
                    | object_store::Error::PermissionDenied { .. },
                )) => Err(s3(
                    "the credentials were refused; check the credentials file (the check lists \
                     the bucket, so the key also needs permission to list it)",
                )),
                Some(Err(e)) => Err(s3(&format!("cannot reach it ({e})"))),
            }
        }
    }
}

/// `GET /health`, then `GET /credential` with the kiosk's credential.
fn https(
    name: &str,
    base: &str,
    token: Option<&str>,
    client: &reqwest::blocking::Client,
    kiosk: Option<&str>,
) -> Result<Probe, ProbeError> {
    let get = |path: &'static str| {
        let mut request = client.get(format!("{base}{path}"));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().map_err(|e| ProbeError::Unreachable {
            target: name.to_owned(),
            reason: transport_reason(&e),
        })
    };
    let health = get("/health")?;
    let server_time = health
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    let status = health.status().as_u16();
    match status {
        200 => {}
        503 => {
            return Err(ProbeError::Unavailable {
                target: name.to_owned(),
                status,
            });
        }
        _ => {
            return Err(ProbeError::NotAReceiver {
                target: name.to_owned(),
                path: "/health",
                status,
            });
        }
    }
    let answer = get("/credential")?;
    let status = answer.status().as_u16();
    match status {
        200 => {}
        401 | 403 => {
            return Err(ProbeError::Refused {
                target: name.to_owned(),
                status,
            });
        }
        _ => {
            return Err(ProbeError::NotAReceiver {
                target: name.to_owned(),
                path: "/credential",
                status,
            });
        }
    }
    let named = answer
        .bytes()
        .ok()
        .and_then(|body| serde_json::from_slice::<serde_json::Value>(&body).ok())
        .and_then(|v| v["kiosk"].as_str().map(str::to_owned))
        .ok_or(ProbeError::NotAReceiver {
            target: name.to_owned(),
            path: "/credential",
            status,
        })?;
    if let Some(kiosk) = kiosk.filter(|k| *k != named) {
        return Err(ProbeError::OtherKiosk {
            target: name.to_owned(),
            named,
            kiosk: kiosk.to_owned(),
        });
    }
    Ok(Probe {
        summary: format!(
            "{name}: reachable, the receiver can store, the credential is kiosk `{named}`'s"
        ),
        server_time,
    })
}
