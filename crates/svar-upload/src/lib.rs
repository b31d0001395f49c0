//! Carrying sealed bundles from the outbox to where they are received (`docs/upload.md`).
//!
//! [`Uploader::run_once`] goes through the outbox's `*.svar.age` files, oldest first, and
//! delivers each to every [`Target`]. A file leaves the outbox only when every target has
//! answered with a receipt whose SHA-256 and bundle id match the local file: a wrong receipt is
//! a failure to retry, never a reason to delete. Failures wait with exponential back-off and
//! full jitter ([`Backoff`]); only answers that refuse the file itself for good (another
//! bundle under its id, too large, not a sealed bundle) move it to `outbox/quarantine/` for
//! staff. Anything else (a wrong address or credential, a proxy, an outage) is the set-up's
//! problem, not the file's: it is retried and shown to staff. [`spawn`] runs passes on a background thread for the kiosk.
//!
//! The clock and the random numbers come from the caller, so tests can check the back-off.
//! Nothing here reads a bundle's content: errors and statuses name files and targets only.

use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::Path;
use std::time::{Duration, SystemTime};
use svar_bundle::{EXTENSION, sha256_hex, write_atomically};
use svar_s3::bundle_object_key;
use uuid::Uuid;

mod background;
mod error;
mod probe;
mod retry;
mod target;

pub use background::*;
pub use error::DeliveryError;
use error::{Verdict, error_code, s3_failure, transport_reason};
pub use probe::{Probe, ProbeError, probe};
pub use retry::*;
pub use target::*;

/// The kiosk's record of its sessions, as the uploader reads and writes it (the kiosk's store).
pub trait Journal {
    /// Whether the session of bundle `id` is still being sealed, so its file must wait. When
    /// this cannot be told, the answer is `true`: the file waits for the next pass.
    fn holds_unsealed(&self, id: Uuid) -> bool;
    /// Records that bundle `id` reached a target of this kind (`folder`, `https`, `s3`). The
    /// record is not a gate: a failure to write it must not undo a confirmed delivery.
    fn delivered(&mut self, id: Uuid, target_kind: &str);
}

/// The folder under the outbox that permanently rejected files are moved to.
pub const QUARANTINE: &str = "quarantine";

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
    /// A target refused the kiosk's credentials (`401`, `403`, or S3 access keys refused):
    /// the configuration needs fixing.
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

/// Delivers outbox files to a fixed set of targets.
pub struct Uploader {
    targets: Vec<(Target, Connected)>,
    backoff: Backoff,
    kiosk: Option<String>,
}

impl Uploader {
    /// Sets up `targets` (HTTPS clients with `timeouts`; `kiosk` is sent as `X-Svar-Kiosk`
    /// and names the objects of S3 targets, which need it).
    pub fn new(
        targets: Vec<Target>,
        timeouts: Timeouts,
        backoff: Backoff,
        kiosk: Option<String>,
    ) -> Result<Uploader, TargetError> {
        let targets = targets
            .into_iter()
            .map(|t| connect(&t, timeouts, kiosk.as_deref()).map(|c| (t, c)))
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
        targets: &[UploadTarget],
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
    /// documentation). With a `journal`, files of sessions it holds unsealed wait, and each
    /// delivery to a target is recorded in it.
    pub fn run_once(
        &self,
        outbox: &Path,
        state: &mut State,
        now: SystemTime,
        mut journal: Option<&mut (dyn Journal + '_)>,
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
        let present: HashSet<&String> = names.iter().collect();
        state.files.retain(|name, _| present.contains(name));
        for name in names {
            let file = outbox.join(&name);
            let entry = state.files.entry(name.clone()).or_default();
            if let Some(until) = entry.next_try.filter(|t| *t > now) {
                report.files.push((name, Outcome::Waiting { until }));
                continue;
            }
            if let (Some(journal), Some(id)) = (journal.as_deref(), bundle_id(&name))
                && journal.holds_unsealed(id)
            {
                report.files.push((name, Outcome::NotSealed));
                continue;
            }
            let outcome = self.deliver_file(&file, &name, entry, journal.as_deref_mut());
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
                    // Cleared only by a delivery: a 500 says nothing about the token.
                    if verdicts.contains(&Verdict::Unauthorized) {
                        state.status.unauthorized = true;
                    }
                    state.status.last_error = errors.first().map(ToString::to_string);
                    let permanent = verdicts.iter().position(|v| *v == Verdict::Quarantine);
                    if let Some(at) = permanent {
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
        // Read again: the kiosk may have sealed bundles while this pass ran.
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
        mut journal: Option<&mut (dyn Journal + '_)>,
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
                    if let Some(journal) = journal.as_deref_mut() {
                        journal.delivered(id, target.kind());
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
                let body = response.bytes();
                if status != 200 && status != 201 {
                    // The code decides quarantine or retry; a body that does not come is
                    // none of the receiver's codes.
                    let code = body.ok().and_then(|b| error_code(&b));
                    return Err(DeliveryError::Status {
                        file,
                        target: target.to_string(),
                        status,
                        code,
                    });
                }
                let body = body.map_err(transport)?;
                serde_json::from_slice(&body).map_err(|_| DeliveryError::BadReceipt {
                    file,
                    target: target.to_string(),
                })
            }
            Connected::S3 {
                client,
                prefix,
                kiosk,
                runtime,
            } => {
                let key = bundle_object_key(prefix, kiosk, id);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_ids_come_from_file_names() {
        let id = "019ab3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b";
        let name = format!("20261123T114205Z-{id}.svar.age");
        assert_eq!(bundle_id(&name), Some(Uuid::parse_str(id).unwrap()));
        assert_eq!(bundle_id("x.svar.age"), None);
        assert_eq!(bundle_id(&format!("20261123T114205Z-{id}.json")), None);
    }

    #[test]
    fn only_answers_refusing_the_file_for_good_quarantine_it() {
        let v = |status, code: Option<&str>| {
            DeliveryError::Status {
                file: "f".into(),
                target: "t".into(),
                status,
                code: code.map(str::to_owned),
            }
            .verdict()
        };
        assert_eq!(v(409, Some("conflict")), Verdict::Quarantine);
        assert_eq!(v(413, None), Verdict::Quarantine);
        assert_eq!(v(400, Some("malformed_bundle")), Verdict::Quarantine);
        for s in [401, 403] {
            assert_eq!(v(s, None), Verdict::Unauthorized, "{s}");
        }
        for s in [400, 404, 405, 408, 409, 422, 429, 500, 502, 503, 504] {
            assert_eq!(v(s, None), Verdict::Retry, "{s}");
        }
        assert_eq!(v(400, Some("checksum_mismatch")), Verdict::Retry);
    }

    #[test]
    fn error_codes_are_read_only_from_plausible_json() {
        assert_eq!(
            error_code(br#"{"error": "x", "code": "malformed_bundle"}"#).as_deref(),
            Some("malformed_bundle")
        );
        for body in [
            &b"<html><body>502 Bad Gateway</body></html>"[..],
            br#"{"error": "x"}"#,
            br#"{"code": "<script>"}"#,
            br#"{"code": ""}"#,
            b"",
        ] {
            assert_eq!(error_code(body), None, "{}", String::from_utf8_lossy(body));
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
}
