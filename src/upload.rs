//! Carrying sealed bundles from the outbox to where they are received (`docs/upload.md`).
//!
//! [`Uploader::run_once`] goes through the outbox's `*.svar.age` files, oldest first, and
//! delivers each to every [`Target`]. A file leaves the outbox only when every target has
//! answered with a receipt whose SHA-256 and bundle id match the local file: a wrong receipt is
//! a failure to retry, never a reason to delete. Failures wait with exponential back-off and
//! full jitter ([`Backoff`]); permanent rejections move the file to `outbox/quarantine/` for
//! staff. [`spawn`] runs passes on a background thread for the kiosk.
//!
//! The clock and the random numbers come from the caller, so tests can check the back-off.
//! Nothing here reads a bundle's content: errors and statuses name files and targets only.

use crate::bundle::{EXTENSION, sha256_hex, write_atomically};
use crate::config::UploadTarget;
use crate::receive::{S3Config, bundle_object_key};
use crate::store::{AuditEvent, SessionId, Store};
use object_store::aws::AmazonS3;
use object_store::path::Path as ObjectPath;
use object_store::{
    ClientOptions, ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload, RetryConfig,
};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};
use uuid::Uuid;

/// The folder under the outbox that permanently rejected files are moved to.
pub const QUARANTINE: &str = "quarantine";

/// After this many `400 Bad Request` answers in a row a file is quarantined: one damaged
/// transfer is worth retrying, a file the receiver always refuses is not.
const BAD_REQUESTS_BEFORE_QUARANTINE: u32 = 5;

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
    /// `<prefix>/<id>.svar.age` and read back; the read-back's checksum is the receipt.
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
    /// The HTTP client (or, for S3, its runtime) cannot be made.
    #[error("{url}: cannot set up the HTTPS client: {reason}")]
    Client {
        /// The target's URL.
        url: String,
        /// What is wrong.
        reason: String,
    },
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
    /// The receiver answered with a status other than 200 or 201.
    #[error("{}: {target} answered {status}", file.display())]
    Status {
        /// The file.
        file: PathBuf,
        /// The target.
        target: String,
        /// The HTTP status.
        status: u16,
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

impl DeliveryError {
    /// What the uploader does about it (the table in `docs/upload.md`).
    fn verdict(&self) -> Verdict {
        match self {
            DeliveryError::NoBundleId { .. } | DeliveryError::Conflict { .. } => {
                Verdict::Quarantine
            }
            DeliveryError::Refused { .. } => Verdict::Unauthorized,
            DeliveryError::Status { status, .. } => match status {
                400 => Verdict::BadRequest,
                401 => Verdict::Unauthorized,
                408 | 429 => Verdict::Retry,
                402..=499 => Verdict::Quarantine,
                _ => Verdict::Retry,
            },
            _ => Verdict::Retry,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Retry,
    BadRequest,
    Unauthorized,
    Quarantine,
}

/// A receiver's receipt (`docs/upload.md`); a folder target makes its own from the read-back.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Receipt {
    /// The bundle stored.
    pub bundle_id: Uuid,
    /// SHA-256 of what was stored, lower-case hex.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
}

/// Exponential back-off with full jitter: before try `n + 1` after `n` failures, wait a random
/// time between zero and `min(cap, base · factorⁿ⁻¹)`. The jitter keeps a clinic's kiosks from
/// all retrying at the same moment after the receiver comes back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// The longest wait after the first failure.
    pub base: Duration,
    /// How much the longest wait grows with each further failure.
    pub factor: f64,
    /// The longest wait ever.
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff {
            base: Duration::from_secs(5),
            factor: 2.0,
            cap: Duration::from_secs(15 * 60),
        }
    }
}

impl Backoff {
    /// The longest wait after `failures` failures (at least one).
    pub fn ceiling(&self, failures: u32) -> Duration {
        let exponent = failures.saturating_sub(1).min(64) as i32;
        let secs = self.base.as_secs_f64() * self.factor.powi(exponent);
        Duration::from_secs_f64(secs.min(self.cap.as_secs_f64()))
    }

    /// The wait after `failures` failures, for a random `fraction` in `[0, 1]`.
    pub fn delay(&self, failures: u32, fraction: f64) -> Duration {
        self.ceiling(failures).mul_f64(fraction.clamp(0.0, 1.0))
    }
}

/// Random fractions in `[0, 1]` for the jitter.
pub type Jitter = Box<dyn FnMut() -> f64 + Send>;

/// Jitter from a small generator (splitmix64) seeded by the clock: the jitter only spreads
/// kiosks apart, it guards no secret.
pub fn clock_jitter() -> Jitter {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut state = nanos ^ u64::from(std::process::id()).rotate_left(32);
    Box::new(move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    })
}

/// What staff see about uploading: counts, times and the last error, never patient data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Status {
    /// Bundles in the outbox after the last pass.
    pub pending: usize,
    /// Bundles delivered since the uploader started.
    pub delivered_total: usize,
    /// Files in `outbox/quarantine/`.
    pub quarantined: usize,
    /// Bundles among the pending whose last try failed, waiting to be tried again.
    pub failing: usize,
    /// When a bundle was last delivered everywhere.
    pub last_success: Option<SystemTime>,
    /// The last failure (names a file and a target).
    pub last_error: Option<String>,
    /// A target refused the kiosk's credentials (`401`, or S3 access keys refused): the
    /// configuration needs fixing.
    pub unauthorized: bool,
}

/// What the uploader remembers between passes.
pub struct State {
    files: HashMap<String, FileState>,
    jitter: Jitter,
    /// The status after the last pass.
    pub status: Status,
}

#[derive(Debug, Default)]
struct FileState {
    failures: u32,
    bad_requests: u32,
    next_try: Option<SystemTime>,
    /// Targets (by index) that returned a matching receipt: not sent again.
    delivered: HashSet<usize>,
}

impl State {
    /// A fresh state drawing jitter from `jitter`.
    pub fn new(jitter: Jitter) -> State {
        State {
            files: HashMap::new(),
            jitter,
            status: Status::default(),
        }
    }

    /// How many times `file` (its name) has failed in a row, and when it is tried next.
    pub fn retry_of(&self, file: &str) -> Option<(u32, SystemTime)> {
        let f = self.files.get(file)?;
        Some((f.failures, f.next_try?))
    }
}

/// What became of one outbox file in a pass.
#[derive(Debug)]
pub enum Outcome {
    /// Every target has it; the local file was removed.
    Delivered,
    /// Still backing off from an earlier failure.
    Waiting {
        /// The next try.
        until: SystemTime,
    },
    /// Some target failed; tried again later.
    Failed {
        /// What went wrong, one per failing target.
        errors: Vec<DeliveryError>,
        /// The next try.
        retry_at: SystemTime,
    },
    /// Permanently rejected: moved to `outbox/quarantine/`.
    Quarantined {
        /// Why.
        error: DeliveryError,
    },
    /// The kiosk's store has not finished sealing this session: the file waits for it.
    NotSealed,
    /// Delivered (or not) but the outbox could not be tidied: the file stays.
    Stuck {
        /// Why.
        error: io::Error,
    },
}

/// One pass's result.
#[derive(Debug, Default)]
pub struct Report {
    /// Each file looked at, by name, oldest first.
    pub files: Vec<(String, Outcome)>,
    /// Why the outbox itself could not be read, if it could not.
    pub outbox_error: Option<String>,
}

impl Report {
    /// Whether anything failed or was quarantined (waiting files do not count).
    pub fn failed(&self) -> bool {
        self.outbox_error.is_some()
            || self.files.iter().any(|(_, o)| {
                matches!(
                    o,
                    Outcome::Failed { .. } | Outcome::Quarantined { .. } | Outcome::Stuck { .. }
                )
            })
    }

    /// How many files were delivered.
    pub fn delivered(&self) -> usize {
        self.files
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Delivered))
            .count()
    }
}

/// Time limits for HTTPS targets.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// To open the connection.
    pub connect: Duration,
    /// For the whole request, body and answer included.
    pub total: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(10),
            total: Duration::from_secs(120),
        }
    }
}

/// The outbox file being delivered.
#[derive(Clone, Copy)]
struct Local<'a> {
    file: &'a Path,
    name: &'a str,
    id: Uuid,
    bytes: &'a [u8],
    sha256: &'a str,
}

/// A target made ready: HTTPS targets hold their client, S3 targets theirs and the small
/// runtime its requests run on (the uploader runs on a plain thread).
enum Connected {
    Folder(PathBuf),
    Https {
        base: String,
        token: Option<String>,
        client: reqwest::blocking::Client,
    },
    S3 {
        client: AmazonS3,
        prefix: ObjectPath,
        runtime: tokio::runtime::Runtime,
    },
}

/// Delivers outbox files to a fixed set of targets.
pub struct Uploader {
    targets: Vec<(Target, Connected)>,
    backoff: Backoff,
    kiosk: Option<String>,
}

impl Uploader {
    /// Sets up `targets` (HTTPS clients with `timeouts`; `kiosk` is sent as `X-Svar-Kiosk`).
    pub fn new(
        targets: Vec<Target>,
        timeouts: Timeouts,
        backoff: Backoff,
        kiosk: Option<String>,
    ) -> Result<Uploader, TargetError> {
        let targets = targets
            .into_iter()
            .map(|t| connect(&t, timeouts).map(|c| (t, c)))
            .collect::<Result<_, _>>()?;
        Ok(Uploader {
            targets,
            backoff,
            kiosk,
        })
    }

    /// An uploader for a configuration's `[[upload]]` blocks with the default time-outs and
    /// back-off (token files are read now).
    pub fn from_config(
        targets: &[crate::config::UploadTarget],
        timeouts: Timeouts,
        kiosk: Option<String>,
    ) -> Result<Uploader, TargetError> {
        let targets = targets
            .iter()
            .map(Target::from_config)
            .collect::<Result<_, _>>()?;
        Uploader::new(targets, timeouts, Backoff::default(), kiosk)
    }

    /// One pass over `outbox` at time `now`: every due file to every target (see the module
    /// documentation). With `audit`, each delivery to a target is recorded as
    /// `bundle_uploaded` with the bundle id and the target's kind.
    pub fn run_once(
        &self,
        outbox: &Path,
        state: &mut State,
        now: SystemTime,
        mut audit: Option<&mut Store>,
    ) -> Report {
        let mut report = Report::default();
        let names = match outbox_files(outbox) {
            Ok(names) => names,
            Err(e) => {
                let message = format!("{}: cannot read the outbox: {e}", outbox.display());
                state.status.last_error = Some(message.clone());
                report.outbox_error = Some(message);
                return report;
            }
        };
        // Forget files that are gone (delivered by another pass, or removed by hand).
        state.files.retain(|name, _| names.contains(name));
        for name in names {
            let file = outbox.join(&name);
            let entry = state.files.entry(name.clone()).or_default();
            if let Some(until) = entry.next_try.filter(|t| *t > now) {
                report.files.push((name, Outcome::Waiting { until }));
                continue;
            }
            if let (Some(store), Some(id)) = (audit.as_deref(), bundle_id(&name))
                && store
                    .holds_unsealed(crate::store::SessionId(id))
                    .unwrap_or(true)
            {
                report.files.push((name, Outcome::NotSealed));
                continue;
            }
            let outcome = self.deliver_file(&file, &name, entry, audit.as_deref_mut());
            let outcome = match outcome {
                Ok(()) => match remove_durably(outbox, &file) {
                    Ok(()) => {
                        state.files.remove(&name);
                        state.status.delivered_total += 1;
                        state.status.last_success = Some(now);
                        state.status.unauthorized = false;
                        Outcome::Delivered
                    }
                    Err(error) => Outcome::Stuck { error },
                },
                Err(errors) => {
                    let verdicts: Vec<Verdict> =
                        errors.iter().map(DeliveryError::verdict).collect();
                    if verdicts.contains(&Verdict::BadRequest) {
                        entry.bad_requests += 1;
                    } else {
                        entry.bad_requests = 0;
                    }
                    // Cleared only by a delivery: a 500 says nothing about the token.
                    if verdicts.contains(&Verdict::Unauthorized) {
                        state.status.unauthorized = true;
                    }
                    state.status.last_error = errors.first().map(ToString::to_string);
                    let permanent = verdicts.iter().position(|v| *v == Verdict::Quarantine);
                    let worn_out = entry.bad_requests >= BAD_REQUESTS_BEFORE_QUARANTINE;
                    if permanent.is_some() || worn_out {
                        let at = permanent.unwrap_or_else(|| {
                            verdicts
                                .iter()
                                .position(|v| *v == Verdict::BadRequest)
                                .unwrap_or(0)
                        });
                        let error = errors.into_iter().nth(at).expect("an error per verdict");
                        match quarantine(outbox, &name) {
                            Ok(()) => {
                                state.files.remove(&name);
                                Outcome::Quarantined { error }
                            }
                            Err(error) => Outcome::Stuck { error },
                        }
                    } else {
                        entry.failures += 1;
                        let wait = self.backoff.delay(entry.failures, (state.jitter)());
                        let retry_at = now + wait;
                        entry.next_try = Some(retry_at);
                        Outcome::Failed { errors, retry_at }
                    }
                }
            };
            report.files.push((name, outcome));
        }
        state.status.pending = outbox_files(outbox).map_or(0, |n| n.len());
        state.status.quarantined = count_files(&outbox.join(QUARANTINE));
        state.status.failing = state.files.values().filter(|f| f.failures > 0).count();
        // An old problem is not shown once every bundle has gone through since.
        if state.status.failing == 0 {
            state.status.last_error = None;
        }
        report
    }

    /// Sends `file` to every target that has not got it yet; `Ok` once all have.
    fn deliver_file(
        &self,
        file: &Path,
        name: &str,
        entry: &mut FileState,
        mut audit: Option<&mut Store>,
    ) -> Result<(), Vec<DeliveryError>> {
        let id = bundle_id(name).ok_or_else(|| {
            vec![DeliveryError::NoBundleId {
                file: file.to_owned(),
            }]
        })?;
        let bytes = std::fs::read(file).map_err(|source| {
            vec![DeliveryError::Read {
                file: file.to_owned(),
                source,
            }]
        })?;
        let sha256 = sha256_hex(&bytes);
        let mut errors = Vec::new();
        for (ix, (target, _)) in self.targets.iter().enumerate() {
            if entry.delivered.contains(&ix) {
                continue;
            }
            let local = Local {
                file,
                name,
                id,
                bytes: &bytes,
                sha256: &sha256,
            };
            let receipt = self.deliver(&self.targets[ix], &local);
            match receipt {
                Ok(r)
                    if r.bundle_id == id
                        && r.sha256.eq_ignore_ascii_case(&sha256)
                        && r.size == bytes.len() as u64 =>
                {
                    entry.delivered.insert(ix);
                    if let Some(store) = audit.as_deref_mut() {
                        // The log is a record, not a gate: a failed append must not undo a
                        // delivery the receiver already confirmed.
                        let _ = store.audit(
                            AuditEvent::BundleUploaded,
                            Some(SessionId(id)),
                            None,
                            Some(target.kind()),
                        );
                    }
                }
                Ok(_) => errors.push(DeliveryError::ReceiptMismatch {
                    file: file.to_owned(),
                    target: target.to_string(),
                }),
                Err(e) => errors.push(e),
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Sends one file to one target and returns the target's receipt, unchecked.
    fn deliver(
        &self,
        (target, connected): &(Target, Connected),
        local: &Local,
    ) -> Result<Receipt, DeliveryError> {
        let Local {
            file,
            name,
            id,
            bytes,
            sha256,
        } = *local;
        let file = file.to_owned();
        match connected {
            Connected::Folder(folder) => {
                let copy = |source| DeliveryError::Copy {
                    file: file.clone(),
                    target: target.to_string(),
                    source,
                };
                let written = write_atomically(folder, name, bytes).map_err(copy)?;
                // Reading back is what makes the copy's checksum a receipt: it shows what the
                // disk holds, not what we meant to write.
                let back = std::fs::read(&written).map_err(copy)?;
                Ok(Receipt {
                    bundle_id: id,
                    sha256: sha256_hex(&back),
                    size: back.len() as u64,
                })
            }
            Connected::Https {
                base,
                token,
                client,
            } => {
                let mut request = client
                    .put(format!("{base}/bundles/{}", id.as_hyphenated()))
                    .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                    .header("X-Svar-Sha256", sha256)
                    .body(bytes.to_vec());
                if let Some(kiosk) = &self.kiosk {
                    request = request.header("X-Svar-Kiosk", kiosk);
                }
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                let transport = |e: reqwest::Error| DeliveryError::Transport {
                    file: file.clone(),
                    target: target.to_string(),
                    // Without the URL: it is in `target` already.
                    reason: transport_reason(&e),
                };
                let response = request.send().map_err(transport)?;
                let status = response.status().as_u16();
                if status != 200 && status != 201 {
                    return Err(DeliveryError::Status {
                        file,
                        target: target.to_string(),
                        status,
                    });
                }
                let body = response.bytes().map_err(transport)?;
                serde_json::from_slice(&body).map_err(|_| DeliveryError::BadReceipt {
                    file,
                    target: target.to_string(),
                })
            }
            Connected::S3 {
                client,
                prefix,
                runtime,
            } => {
                let key = bundle_object_key(prefix, id);
                let failed = |e: object_store::Error| s3_failure(e, &file, target);
                runtime.block_on(async {
                    // A conditional create: a repeat (an earlier pass whose removal did not
                    // happen) finds the object there and is judged by its bytes below.
                    let options = PutOptions::from(PutMode::Create);
                    let created = match client
                        .put_opts(&key, PutPayload::from(bytes.to_vec()), options)
                        .await
                    {
                        Ok(_) => true,
                        Err(object_store::Error::AlreadyExists { .. }) => false,
                        Err(e) => return Err(failed(e)),
                    };
                    // Reading back is what makes the checksum a receipt: it shows what the
                    // bucket holds, not what we meant to send.
                    let read_back = async { client.get(&key).await?.bytes().await };
                    let back = match read_back.await {
                        Ok(back) => back,
                        // Not the bucket missing (the put went through): the object is gone.
                        Err(object_store::Error::NotFound { .. }) => {
                            return Err(DeliveryError::Store {
                                file: file.clone(),
                                target: target.to_string(),
                                reason: "the object was gone when read back".into(),
                            });
                        }
                        Err(e) => return Err(failed(e)),
                    };
                    let receipt = Receipt {
                        bundle_id: id,
                        sha256: sha256_hex(&back),
                        size: back.len() as u64,
                    };
                    if !created && receipt.sha256 != sha256 {
                        return Err(DeliveryError::Conflict {
                            file: file.clone(),
                            target: target.to_string(),
                        });
                    }
                    Ok(receipt)
                })
            }
        }
    }
}

/// What an object-store error means for the uploader: refused credentials and a missing
/// bucket get their own errors, the rest (no answer, server errors) is retried.
fn s3_failure(error: object_store::Error, file: &Path, target: &Target) -> DeliveryError {
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
fn transport_reason(e: &reqwest::Error) -> String {
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

fn connect(target: &Target, timeouts: Timeouts) -> Result<Connected, TargetError> {
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

/// The bundle id in an outbox file name `<UTC>-<uuid>.svar.age`.
pub fn bundle_id(name: &str) -> Option<Uuid> {
    let stem = name.strip_suffix(EXTENSION)?;
    let id = stem.get(stem.len().checked_sub(36)?..)?;
    Uuid::parse_str(id).ok()
}

/// The names of the outbox's bundles, oldest first (names start with the UTC time). Hidden
/// temporary files of a write in progress are left alone.
fn outbox_files(outbox: &Path) -> io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(outbox)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(EXTENSION) && !name.starts_with('.') && entry.file_type()?.is_file() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

fn count_files(folder: &Path) -> usize {
    std::fs::read_dir(folder).map_or(0, |entries| entries.filter_map(Result::ok).count())
}

/// Removes a delivered file and flushes the folder, so the removal survives a power cut.
fn remove_durably(outbox: &Path, file: &Path) -> io::Result<()> {
    std::fs::remove_file(file)?;
    std::fs::File::open(outbox)?.sync_all()
}

/// Moves `outbox/name` to `outbox/quarantine/name` in one rename and flushes both folders.
fn quarantine(outbox: &Path, name: &str) -> io::Result<()> {
    let folder = outbox.join(QUARANTINE);
    std::fs::create_dir_all(&folder)?;
    std::fs::rename(outbox.join(name), folder.join(name))?;
    std::fs::File::open(&folder)?.sync_all()?;
    std::fs::File::open(outbox)?.sync_all()
}

/// A running background uploader.
pub struct Handle {
    stop: Arc<AtomicBool>,
    status: Arc<Mutex<Status>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handle").finish_non_exhaustive()
    }
}

impl Handle {
    /// The status after the latest pass. Never waits for a pass: the thread holds the lock
    /// only to copy a finished pass's status in.
    pub fn status(&self) -> Status {
        self.status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Asks the thread to stop and waits until its current pass is over (at most the HTTPS
    /// time-out per file and target).
    pub fn stop(mut self) {
        self.signal();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    fn signal(&self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = &self.thread {
            thread.thread().unpark();
        }
    }
}

impl Drop for Handle {
    /// Asks the thread to stop without waiting: closing the kiosk must not wait on the network.
    fn drop(&mut self) {
        self.signal();
    }
}

/// Runs a pass over `outbox` every `interval` on a background thread until the handle is
/// stopped or dropped. The caller never waits on the network: it reads [`Handle::status`].
/// With `store` (its own connection to the kiosk's store), deliveries are audited and bundles
/// of sessions the kiosk has not finished sealing wait.
pub fn spawn(
    outbox: PathBuf,
    uploader: Uploader,
    interval: Duration,
    mut store: Option<Store>,
) -> Handle {
    let stop = Arc::new(AtomicBool::new(false));
    let status = Arc::new(Mutex::new(Status::default()));
    let thread = {
        let stop = Arc::clone(&stop);
        let status = Arc::clone(&status);
        std::thread::spawn(move || {
            let mut state = State::new(clock_jitter());
            while !stop.load(Ordering::SeqCst) {
                uploader.run_once(&outbox, &mut state, SystemTime::now(), store.as_mut());
                if let Ok(mut shared) = status.lock() {
                    *shared = state.status.clone();
                }
                // Files wait out their own back-off inside `run_once`; this only paces passes.
                let until = std::time::Instant::now() + interval;
                while !stop.load(Ordering::SeqCst) {
                    let left = until.saturating_duration_since(std::time::Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    std::thread::park_timeout(left);
                }
            }
        })
    };
    Handle {
        stop,
        status,
        thread: Some(thread),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_its_cap_and_jitter_stays_below_the_ceiling() {
        let b = Backoff::default();
        assert_eq!(b.ceiling(1), Duration::from_secs(5));
        assert_eq!(b.ceiling(2), Duration::from_secs(10));
        assert_eq!(b.ceiling(8), Duration::from_secs(640));
        assert_eq!(b.ceiling(9), Duration::from_secs(900));
        assert_eq!(b.ceiling(500), Duration::from_secs(900));
        assert_eq!(b.delay(3, 0.5), Duration::from_secs(10));
        assert_eq!(b.delay(3, 7.0), Duration::from_secs(20));
        let mut j = clock_jitter();
        assert!((0..1000).map(|_| j()).all(|f| (0.0..=1.0).contains(&f)));
    }

    #[test]
    fn bundle_ids_come_from_file_names() {
        let id = "019ab3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b";
        let name = format!("20261123T114205Z-{id}.svar.age");
        assert_eq!(bundle_id(&name), Some(Uuid::parse_str(id).unwrap()));
        assert_eq!(bundle_id("x.svar.age"), None);
        assert_eq!(bundle_id(&format!("20261123T114205Z-{id}.json")), None);
    }

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
    fn statuses_follow_the_protocol_table() {
        let v = |status| {
            DeliveryError::Status {
                file: "f".into(),
                target: "t".into(),
                status,
            }
            .verdict()
        };
        assert_eq!(v(400), Verdict::BadRequest);
        assert_eq!(v(401), Verdict::Unauthorized);
        for s in [408, 429, 500, 502, 503] {
            assert_eq!(v(s), Verdict::Retry, "{s}");
        }
        for s in [403, 404, 409, 413, 422] {
            assert_eq!(v(s), Verdict::Quarantine, "{s}");
        }
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
    fn s3_errors_follow_the_protocol_table() {
        let v = |e: object_store::Error| {
            s3_failure(e, Path::new("f"), &Target::Folder { path: "t".into() }).verdict()
        };
        let source = || "x".into();
        let path = String::new;
        assert_eq!(
            v(object_store::Error::PermissionDenied {
                path: path(),
                source: source()
            }),
            Verdict::Unauthorized
        );
        assert_eq!(
            v(object_store::Error::Unauthenticated {
                path: path(),
                source: source()
            }),
            Verdict::Unauthorized
        );
        assert_eq!(
            v(object_store::Error::NotFound {
                path: path(),
                source: source()
            }),
            Verdict::Retry
        );
        assert_eq!(
            v(object_store::Error::Generic {
                store: "S3",
                source: source()
            }),
            Verdict::Retry
        );
        let conflict = DeliveryError::Conflict {
            file: "f".into(),
            target: "t".into(),
        };
        assert_eq!(conflict.verdict(), Verdict::Quarantine);
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
