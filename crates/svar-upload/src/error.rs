//! Why a file did not reach a target, told to whoever must fix it: the advice for each HTTP
//! answer, the receiver's error codes, what an object store's or a transport's error means.

use crate::Target;
use serde::Deserialize;
use std::io;
use std::path::{Path, PathBuf};

/// What a failure means for the file: try again, stop for want of credentials, or set it
/// aside for staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Retry,
    Unauthorized,
    Quarantine,
}

/// Why one file did not reach one target.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The outbox file cannot be read.
    #[error("{}: cannot read: {source}", file.display())]
    Read {
        /// The file.
        file: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The file name has no bundle id (`<UTC>-<uuid>.svar.age`), so it cannot be addressed.
    #[error("{}: the name has no bundle id", file.display())]
    NoBundleId {
        /// The file.
        file: PathBuf,
    },
    /// Copying to a folder target failed.
    #[error("{}: cannot copy to {target}: {source}", file.display())]
    Copy {
        /// The file.
        file: PathBuf,
        /// The target.
        target: String,
        /// Why.
        source: io::Error,
    },
    /// The request did not get an answer (connection refused or cut, time-out, TLS).
    #[error("{}: no answer from {target}: {reason}", file.display())]
    Transport {
        /// The file.
        file: PathBuf,
        /// The target.
        target: String,
        /// What happened.
        reason: String,
    },
    /// The receiver (or something in its place) answered with a status other than 200 or 201.
    #[error(
        "{}: {target} answered {status}{}: {}",
        file.display(),
        code.as_ref().map(|c| format!(" ({c})")).unwrap_or_default(),
        advice(*status, code.as_deref())
    )]
    Status {
        /// The file.
        file: PathBuf,
        /// The target.
        target: String,
        /// The HTTP status.
        status: u16,
        /// The receiver's error code (`docs/upload.md`), when the body had one.
        code: Option<String>,
    },
    /// The object store refused the credentials (S3 `401` or `403`).
    #[error("{}: {target} refused the credentials", file.display())]
    Refused {
        /// The file.
        file: PathBuf,
        /// The target.
        target: String,
    },
    /// The bucket does not exist (or the endpoint is not an S3 service).
    #[error("{}: {target}: there is no such bucket", file.display())]
    NoBucket {
        /// The file.
        file: PathBuf,
        /// The target.
        target: String,
    },
    /// The bucket already holds other bytes under this bundle's name.
    #[error("{}: {target} already holds a different object for this bundle", file.display())]
    Conflict {
        /// The file.
        file: PathBuf,
        /// The target.
        target: String,
    },
    /// Any other object-store failure (no answer, time-out, server error).
    #[error("{}: {target} failed: {reason}", file.display())]
    Store {
        /// The file.
        file: PathBuf,
        /// The target.
        target: String,
        /// What happened.
        reason: String,
    },
    /// The receipt is not JSON of the documented shape.
    #[error("{}: {target} sent a receipt that does not read", file.display())]
    BadReceipt {
        /// The file.
        file: PathBuf,
        /// The target.
        target: String,
    },
    /// The receipt names another bundle or another checksum than the local file's.
    #[error("{}: the receipt from {target} does not match the file", file.display())]
    ReceiptMismatch {
        /// The file.
        file: PathBuf,
        /// The target.
        target: String,
    },
}

/// What an answer means for whoever looks at the kiosk's upload status: what to check, or
/// why the file was set aside.
fn advice(status: u16, code: Option<&str>) -> &'static str {
    match (status, code) {
        (409, Some("conflict")) => "the receiver holds other bytes under this kiosk's bundle id",
        (413, _) => "the bundle is over the receiver's size limit",
        (400, Some("malformed_bundle")) => "the receiver says the file is no sealed bundle",
        (400, Some("checksum_mismatch")) => "the bundle was damaged on the way; retrying",
        (401 | 403, _) => {
            "the receiver refused this kiosk's credentials: check its token or client certificate in the configuration; retrying"
        }
        (404 | 405, _) => {
            "this is not a Svar receiver: check the upload address in the configuration; retrying"
        }
        (502..=504, _) => {
            "the receiver, or a proxy in front of it, is down or unreachable; retrying"
        }
        (500..=599, _) => "the receiver failed; retrying",
        _ => {
            "the answer is not one a Svar receiver gives: check the upload address and any proxy in between; retrying"
        }
    }
}

/// The `code` of a receiver's JSON error body, if it has a plausible one. Anything else
/// (an HTML page from a proxy, a long or odd string) is left out: it goes to staff's screen.
pub(crate) fn error_code(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct ErrorBody {
        code: String,
    }
    let code = serde_json::from_slice::<ErrorBody>(body).ok()?.code;
    (!code.is_empty() && code.len() <= 40 && code.bytes().all(|b| matches!(b, b'a'..=b'z' | b'_')))
        .then_some(code)
}

impl DeliveryError {
    /// What the uploader does about it (the table in `docs/upload.md`): only answers that
    /// refuse this file for good quarantine it.
    pub(crate) fn verdict(&self) -> Verdict {
        match self {
            DeliveryError::NoBundleId { .. } | DeliveryError::Conflict { .. } => {
                Verdict::Quarantine
            }
            DeliveryError::Refused { .. } => Verdict::Unauthorized,
            DeliveryError::Status { status, code, .. } => match (status, code.as_deref()) {
                (409, Some("conflict")) | (413, _) | (400, Some("malformed_bundle")) => {
                    Verdict::Quarantine
                }
                (401 | 403, _) => Verdict::Unauthorized,
                _ => Verdict::Retry,
            },
            _ => Verdict::Retry,
        }
    }
}

/// What an object-store error means for the uploader: refused credentials and a missing
/// bucket get their own errors, the rest (no answer, server errors) is retried.
pub(crate) fn s3_failure(
    error: object_store::Error,
    file: &Path,
    target: &Target,
) -> DeliveryError {
    let (file, target) = (file.to_owned(), target.to_string());
    match error {
        object_store::Error::Unauthenticated { .. }
        | object_store::Error::PermissionDenied { .. } => DeliveryError::Refused { file, target },
        // Reads handle their own 404: a put is refused that way only for want of a bucket.
        object_store::Error::NotFound { .. } => DeliveryError::NoBucket { file, target },
        e => DeliveryError::Store {
            file,
            target,
            reason: e.to_string(),
        },
    }
}

/// A transport error's kind and cause, without the URL.
pub(crate) fn transport_reason(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "the connection failed"
    };
    // The innermost cause says what happened ("Connection refused", "invalid peer
    // certificate: UnknownIssuer"); the layers above it only say where.
    let mut cause = std::error::Error::source(e);
    let mut innermost = None;
    while let Some(c) = cause {
        innermost = Some(c);
        cause = c.source();
    }
    match innermost {
        Some(cause) => format!("{kind}: {cause}"),
        None => kind.to_owned(),
    }
}
