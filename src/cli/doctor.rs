//! `svar doctor`: a site's set-up checked end to end before the first patient, without
//! patient data: the configuration, the keys, the forms, the store, the outbox, each upload
//! target with its credential, and the clock. One line per check, with what to do.

use super::{Failure, Outcome, config_path};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};
use svar_forms::diag::{Diagnostic, Severity};
use svar_kiosk::config::Config;

/// The flags of `svar doctor`.
#[derive(clap::Args)]
pub struct DoctorArgs {
    /// The configuration file (default: SVAR_CONFIG, else /etc/svar/svar.toml).
    #[arg(long)]
    config: Option<PathBuf>,
}

/// The configuration's problems that are about keys, reported on the `keys` line.
const KEY_CODES: &[&str] = &[
    "no-recipient",
    "bad-recipient",
    "demo-recipient",
    "example-recipient",
    "missing-device-key",
    "bad-device-key",
    "demo-device-key",
];

/// How far the kiosk's clock may be from a receiver's before bundles' times are suspect.
const CLOCK_TOLERANCE: Duration = Duration::from_secs(120);

/// A check's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Fine.
    Ok,
    /// Works, but someone should look.
    Warn,
    /// The kiosk cannot work like this.
    Fail,
    /// Not checked, because an earlier check failed.
    Skip,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, so that the column width of the printed lines applies.
        f.pad(match self {
            Verdict::Ok => "ok",
            Verdict::Warn => "WARN",
            Verdict::Fail => "FAIL",
            Verdict::Skip => "skip",
        })
    }
}

/// One printed line: the check, its outcome and what it found (with the fix, when not ok),
/// and the configuration's own diagnostics under it.
struct Check {
    name: String,
    verdict: Verdict,
    text: String,
    details: Vec<String>,
}

impl Check {
    fn new(name: impl Into<String>, verdict: Verdict, text: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            verdict,
            text: text.into(),
            details: Vec::new(),
        }
    }
}

/// Runs every check and prints one line each; exits 1 when any failed.
pub fn doctor(args: DoctorArgs) -> Outcome {
    let path = config_path(args.config);
    let mut checks = Vec::new();
    let config = config_checks(&path, &mut checks);
    let mut receiver_clocks = Vec::new();
    match &config {
        Some(config) => {
            checks.push(forms_check(config));
            checks.push(store_check(config));
            checks.push(outbox_check(config));
            checks.extend(upload_checks(config, &mut receiver_clocks));
        }
        None => {
            for name in ["forms", "store", "outbox", "upload"] {
                checks.push(Check::new(
                    name,
                    Verdict::Skip,
                    "needs a configuration that loads (see above)",
                ));
            }
        }
    }
    checks.push(clock_check(
        SystemTime::now(),
        &receiver_clocks,
        config.as_ref(),
    ));
    for check in &checks {
        println!("{:<4}  {:<8}  {}", check.verdict, check.name, check.text);
        for detail in &check.details {
            println!("            {detail}");
        }
    }
    let count = |v: Verdict| checks.iter().filter(|c| c.verdict == v).count();
    let failed = count(Verdict::Fail);
    println!(
        "svar doctor: {} checks, {failed} failed, {} warning(s)",
        checks.len(),
        count(Verdict::Warn)
    );
    if failed > 0 {
        return Err(Failure::new(format!(
            "{failed} check(s) failed: fix them, then run `svar doctor` again"
        )));
    }
    Ok(ExitCode::SUCCESS)
}

/// The `config` and `keys` lines; the configuration when it loads.
fn config_checks(path: &Path, checks: &mut Vec<Check>) -> Option<Config> {
    if !path.is_file() {
        checks.push(Check::new(
            "config",
            Verdict::Fail,
            format!(
                "there is no configuration {}; write one from the example \
                 (docs/svar.example.toml), or give --config",
                path.display()
            ),
        ));
        checks.push(Check::new(
            "keys",
            Verdict::Skip,
            "named by the configuration",
        ));
        return None;
    }
    match Config::load(path) {
        Ok(config) => {
            checks.push(Check::new(
                "config",
                Verdict::Ok,
                format!(
                    "{}: site {}, kiosk {}, {} staff account(s)",
                    path.display(),
                    config.site_id,
                    config.kiosk_id,
                    config.staff.len()
                ),
            ));
            checks.push(keys_check(&config));
            Some(config)
        }
        Err(problems) => {
            let errors: Vec<&Diagnostic> = problems
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .collect();
            let (keys, rest): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
                errors.iter().partition(|d| KEY_CODES.contains(&d.code));
            let mut config = Check::new(
                "config",
                if rest.is_empty() {
                    Verdict::Ok
                } else {
                    Verdict::Fail
                },
                if rest.is_empty() {
                    format!("{}: reads, but for its keys", path.display())
                } else {
                    format!(
                        "{}: {} problem(s); fix each at its line (`svar config check` prints \
                         the same)",
                        path.display(),
                        rest.len()
                    )
                },
            );
            config.details = rest.iter().map(ToString::to_string).collect();
            checks.push(config);
            let mut key_check = if keys.is_empty() {
                Check::new(
                    "keys",
                    Verdict::Ok,
                    "the recipients and the device key read",
                )
            } else {
                Check::new(
                    "keys",
                    Verdict::Fail,
                    format!("{} problem(s) with the keys", keys.len()),
                )
            };
            key_check.details = keys.iter().map(ToString::to_string).collect();
            checks.push(key_check);
            None
        }
    }
}

/// The keys of a configuration that loaded (so none is the demo's): who may read them.
fn keys_check(config: &Config) -> Check {
    let mut open = Vec::new();
    for key in [&config.device_key, &config.store_key] {
        if readable_by_others(key) {
            open.push(key.display().to_string());
        }
    }
    if open.is_empty() {
        Check::new(
            "keys",
            Verdict::Ok,
            format!(
                "device key {} is this kiosk's own; {} recipient(s), none the demo's",
                config.device_key.display(),
                config.recipients.len()
            ),
        )
    } else {
        Check::new(
            "keys",
            Verdict::Fail,
            format!(
                "{} can be read by other users of this machine; make them the kiosk user's \
                 alone: chmod 600 {}",
                open.join(", "),
                open.join(" ")
            ),
        )
    }
}

/// Whether users other than the owner may read the file.
#[cfg(unix)]
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o044 != 0)
}

#[cfg(not(unix))]
fn readable_by_others(_: &Path) -> bool {
    false
}

/// The batteries staff may choose load from the forms folder.
fn forms_check(config: &Config) -> Check {
    let loaded = svar_forms::library::load_paths(
        std::slice::from_ref(&config.forms),
        config.assets.as_deref(),
    );
    let missing: Vec<&str> = config
        .batteries
        .iter()
        .filter(|b| !loaded.batteries.contains_key(*b))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        return Check::new(
            "forms",
            Verdict::Ok,
            format!(
                "{}: {} form(s); the batteries {} load",
                config.forms.display(),
                loaded.forms.len(),
                config.batteries.join(", ")
            ),
        );
    }
    let mut check = Check::new(
        "forms",
        Verdict::Fail,
        format!(
            "{}: the battery `{}` does not load; fix the files below (`svar validate {}`)",
            config.forms.display(),
            missing.join("`, `"),
            config.forms.display()
        ),
    );
    check.details = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(ToString::to_string)
        .collect();
    check
}

/// The store opens with its key; sessions not yet sealed are counted.
fn store_check(config: &Config) -> Check {
    let db = config.data_folder.join(svar_store::DB_FILE);
    let key = &config.store_key;
    match (key.is_file(), db.is_file()) {
        (false, false) => {
            return Check::new(
                "store",
                Verdict::Warn,
                format!(
                    "no store yet: the kiosk makes {} and its key {} at its first start; back \
                     the key up then, with the device key",
                    config.data_folder.display(),
                    key.display()
                ),
            );
        }
        (false, true) => {
            return Check::new(
                "store",
                Verdict::Fail,
                format!(
                    "{} holds a store but its key {} is missing: restore the key from the \
                     backup; without it the stored answers cannot be read",
                    db.display(),
                    key.display()
                ),
            );
        }
        (true, false) => {
            return Check::new(
                "store",
                Verdict::Ok,
                format!(
                    "the key {} is there; the kiosk makes the store at its first start",
                    key.display()
                ),
            );
        }
        (true, true) => {}
    }
    if let Some(owner) = other_owner(&db) {
        // Opening it would leave files this user owns beside it, which the kiosk could not
        // write.
        return Check::new(
            "store",
            Verdict::Skip,
            format!(
                "{} belongs to another user (uid {owner}); run the check as that user \
                 (sudo -u svar svar doctor) to open the store",
                db.display()
            ),
        );
    }
    let opened = svar_store::StoreKey::load(key)
        .map_err(|e| e.to_string())
        .and_then(|k| svar_store::Store::open(&config.data_folder, k).map_err(|e| e.to_string()))
        .and_then(|store| store.unsealed().map_err(|e| e.to_string()));
    match opened {
        Ok(open) if open.is_empty() => Check::new(
            "store",
            Verdict::Ok,
            format!(
                "{} opens with its key; every session is sealed",
                db.display()
            ),
        ),
        Ok(open) => Check::new(
            "store",
            Verdict::Warn,
            format!(
                "{} opens with its key; {} session(s) not yet sealed: staff resume or end them \
                 in staff mode (\"Today\")",
                db.display(),
                open.len()
            ),
        ),
        Err(reason) => Check::new(
            "store",
            Verdict::Fail,
            format!("{reason}; see docs/install.md (restoring a kiosk)"),
        ),
    }
}

/// The uid that owns `path`, when it is not this process's.
#[cfg(unix)]
fn other_owner(path: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid(2) has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    let owner = std::fs::metadata(path).ok()?.uid();
    (owner != me).then_some(owner)
}

#[cfg(not(unix))]
fn other_owner(_: &Path) -> Option<u32> {
    None
}

/// The outbox takes a file; bundles waiting and in quarantine are counted.
fn outbox_check(config: &Config) -> Check {
    let outbox = &config.outbox;
    if !outbox.exists() && !outbox.is_symlink() {
        return Check::new(
            "outbox",
            Verdict::Warn,
            format!(
                "{} does not exist yet: the kiosk makes it at its first start",
                outbox.display()
            ),
        );
    }
    let probe = outbox.join(format!(".svar-doctor-{}.probe", uuid::Uuid::now_v7()));
    if let Err(e) =
        std::fs::write(&probe, b"svar doctor").and_then(|()| std::fs::remove_file(&probe))
    {
        return Check::new(
            "outbox",
            Verdict::Fail,
            format!(
                "{}: cannot write a file there ({e}); give the kiosk user the folder \
                 (chown svar: {}) or fix `outbox` in svar.toml",
                outbox.display(),
                outbox.display()
            ),
        );
    }
    let count = |dir: &Path| {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .ends_with(svar_bundle::EXTENSION)
                })
                .count()
        })
    };
    let waiting = count(outbox);
    let quarantined = count(&outbox.join(svar_upload::QUARANTINE));
    if quarantined > 0 {
        return Check::new(
            "outbox",
            Verdict::Warn,
            format!(
                "{}: writable, {waiting} bundle(s) waiting; {quarantined} refused for good in \
                 {}/{}: see docs/upload.md (quarantine)",
                outbox.display(),
                outbox.display(),
                svar_upload::QUARANTINE
            ),
        );
    }
    Check::new(
        "outbox",
        Verdict::Ok,
        format!(
            "{}: writable, {waiting} bundle(s) waiting",
            outbox.display()
        ),
    )
}

/// Each `[[upload]]` target: reachable and taking this kiosk's credential.
fn upload_checks(config: &Config, clocks: &mut Vec<(String, SystemTime)>) -> Vec<Check> {
    if config.upload.is_empty() {
        return vec![Check::new(
            "upload",
            Verdict::Warn,
            "no [[upload]] target: bundles stay in the outbox until carried by hand \
             (svar upload --to-folder)",
        )];
    }
    let timeouts = svar_upload::Timeouts {
        connect: Duration::from_secs(10),
        total: Duration::from_secs(30),
    };
    let many = config.upload.len() > 1;
    config
        .upload
        .iter()
        .enumerate()
        .map(|(n, block)| {
            let name = if many {
                format!("upload {}", n + 1)
            } else {
                "upload".to_owned()
            };
            let probed = svar_upload::Target::from_config(block)
                .map_err(svar_upload::ProbeError::from)
                .and_then(|target| {
                    svar_upload::probe(&target, timeouts, Some(&config.kiosk_id))
                        .map(|probe| (target.to_string(), probe))
                });
            match probed {
                Ok((target, probe)) => {
                    if let Some(at) = probe.server_time {
                        clocks.push((target, at));
                    }
                    Check::new(name, Verdict::Ok, probe.summary)
                }
                Err(e) => Check::new(name, Verdict::Fail, e.to_string()),
            }
        })
        .collect()
}

/// The clock: not before the shipped forms were written, and agreeing with each receiver's.
fn clock_check(
    now: SystemTime,
    receivers: &[(String, SystemTime)],
    config: Option<&Config>,
) -> Check {
    let shown = |t: SystemTime| {
        time::OffsetDateTime::from(t)
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default()
    };
    let fix = "set the time, and keep it set (timedatectl set-ntp true)";
    // A form file newer than the clock means the clock is behind: bundles would be dated
    // before the forms they were answered on.
    if let Some(newest) = config.and_then(|c| newest_file(&c.forms))
        && newest > now + Duration::from_secs(24 * 3600)
    {
        return Check::new(
            "clock",
            Verdict::Fail,
            format!(
                "the clock says {}, before the forms were written ({}); {fix}",
                shown(now),
                shown(newest)
            ),
        );
    }
    for (receiver, at) in receivers {
        let apart = now
            .duration_since(*at)
            .or_else(|e| Ok::<_, ()>(e.duration()))
            .unwrap_or_default();
        if apart > CLOCK_TOLERANCE {
            return Check::new(
                "clock",
                Verdict::Fail,
                format!(
                    "the clock says {}, {} s from the receiver's ({}; {}); {fix}",
                    shown(now),
                    apart.as_secs(),
                    shown(*at),
                    receiver
                ),
            );
        }
    }
    let compared = if receivers.is_empty() {
        "no receiver to compare with".to_owned()
    } else {
        format!(
            "within {} s of {} receiver(s)",
            CLOCK_TOLERANCE.as_secs(),
            receivers.len()
        )
    };
    Check::new("clock", Verdict::Ok, format!("{} ({compared})", shown(now)))
}

/// The newest modification time of the files in `dir` (the shipped forms).
fn newest_file(dir: &Path) -> Option<SystemTime> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok()?.modified().ok())
        .max()
}
