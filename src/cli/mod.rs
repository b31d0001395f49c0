//! The commands of the `svar` binary, one module per concern, and what they share: how a
//! command fails, where the configuration and forms are, and the value parsers of their flags.

pub mod bundles;
pub mod delivery;
pub mod doctor;
pub mod forms;
pub mod kiosk;
pub mod spreadsheets;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Why a command stopped: the line for standard error and the exit status. Problems listed
/// before it (diagnostics, skipped files) are printed where they are found.
#[derive(Debug)]
pub struct Failure {
    /// 1 for a problem with files, keys or the machine; 2 for bad input given by the user.
    pub code: u8,
    /// What went wrong, without any patient data.
    pub message: String,
}

impl Failure {
    /// A failure with exit status 1.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            code: 1,
            message: message.into(),
        }
    }

    /// Bad input (an answer, a patient id, a PIN): exit status 2.
    pub fn input(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
        }
    }
}

/// A command's result: its exit status (it may be non-zero after a partial success, e.g. an
/// export that skipped files) or why it stopped.
pub type Outcome = Result<ExitCode, Failure>;

/// The configuration file: the one given, else `SVAR_CONFIG`, else `/etc/svar/svar.toml`.
pub fn config_path(given: Option<PathBuf>) -> PathBuf {
    given
        .or_else(|| std::env::var_os("SVAR_CONFIG").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("/etc/svar/svar.toml"))
}

/// Reads the configuration; its problems go to standard output as `svar validate` prints them.
pub fn load_config(path: &Path) -> Result<svar_kiosk::config::Config, Failure> {
    svar_kiosk::config::Config::load(path).map_err(|problems| {
        for d in &problems {
            println!("{d}");
        }
        Failure::new(format!(
            "the configuration {} has {} problem(s)",
            path.display(),
            problems.len()
        ))
    })
}

/// The forms folder: the one given, `forms/` in the working folder, the one the packages
/// install, or the one of this build.
pub fn forms_dir(given: Option<PathBuf>) -> PathBuf {
    given.unwrap_or_else(|| {
        [
            PathBuf::from("forms"),
            PathBuf::from("/usr/share/svar/forms"),
        ]
        .into_iter()
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("forms"))
    })
}

/// Reads an answers file as JSON; a file that cannot be read or parsed is bad input.
pub fn read_answers(path: &Path) -> Result<serde_json::Value, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::input(format!(
            "cannot read the answers file {}: {e}",
            path.display()
        ))
    })?;
    serde_json::from_str(&text).map_err(|e| {
        // serde's message quotes no input beyond the position, so no answer leaks here.
        Failure::input(format!(
            "{}:{}:{}: the answers file is not valid JSON",
            path.display(),
            e.line(),
            e.column()
        ))
    })
}

/// Reads a command-line value the way files spell it (`month_6`, `nb`, …).
pub fn parse_serde<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| format!("`{text}` is not a valid value here"))
}

/// Reads an age X25519 public key (clap value parser).
pub fn parse_recipient(text: &str) -> Result<age::x25519::Recipient, String> {
    text.parse()
        .map_err(|e| format!("not an age public key (age1…): {e}"))
}
