//! Sealing: sign the bundle, wrap it in an envelope, encrypt it to every recipient and write
//! it atomically to the outbox.

use crate::{Bundle, DeviceKey, FORMAT};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Why a bundle could not be sealed. Messages never include answers or patient ids.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    /// No recipient was configured.
    #[error("no recipient to encrypt the bundle to")]
    NoRecipients,
    /// The bundle could not be written as JSON.
    #[error("the bundle could not be written as JSON")]
    Json,
    /// Signing failed.
    #[error("cannot sign the bundle with the device key: {0}")]
    Sign(String),
    /// Encryption failed.
    #[error("cannot encrypt the bundle: {0}")]
    Encrypt(String),
    /// The outbox could not be written (full, read-only, missing, …).
    #[error("cannot write the bundle to the outbox {}: {source}", folder.display())]
    Write {
        /// The outbox folder.
        folder: PathBuf,
        /// Why.
        source: io::Error,
    },
}

/// Signs `bundle` with `signer`, encrypts the envelope to every recipient and writes it
/// atomically to `outbox` (which must exist) as [`Bundle::file_name`]. Returns the file's path.
pub fn seal(
    bundle: &Bundle,
    recipients: &[age::x25519::Recipient],
    signer: &DeviceKey,
    outbox: &Path,
) -> Result<PathBuf, SealError> {
    let sealed = seal_to_bytes(bundle, recipients, signer)?;
    write_to_outbox(outbox, &bundle.file_name(), &sealed)
}

/// Signs `bundle` with `signer` and encrypts the envelope to every recipient: the bytes of
/// its `.svar.age` file. Each call encrypts afresh, so two calls give different bytes.
pub fn seal_to_bytes(
    bundle: &Bundle,
    recipients: &[age::x25519::Recipient],
    signer: &DeviceKey,
) -> Result<Vec<u8>, SealError> {
    if recipients.is_empty() {
        return Err(SealError::NoRecipients);
    }
    let plaintext = zeroize::Zeroizing::new(envelope(bundle, signer)?);
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| SealError::Encrypt(e.to_string()))?;
    let mut sealed = Vec::with_capacity(plaintext.len() + 512);
    let mut writer = encryptor
        .wrap_output(&mut sealed)
        .map_err(|e| SealError::Encrypt(e.to_string()))?;
    writer
        .write_all(&plaintext)
        .and_then(|()| writer.finish().map(drop))
        .map_err(|e| SealError::Encrypt(e.to_string()))?;
    Ok(sealed)
}

/// Writes sealed bytes atomically to `outbox` as `name` (see [`write_atomically`]).
pub fn write_to_outbox(outbox: &Path, name: &str, sealed: &[u8]) -> Result<PathBuf, SealError> {
    write_atomically(outbox, name, sealed).map_err(|source| SealError::Write {
        folder: outbox.to_owned(),
        source,
    })
}

/// The signed envelope: `{"format", "bundle", "signature", "kiosk_key_id"}`, with the bundle's
/// JSON bytes placed exactly as they were signed.
fn envelope(bundle: &Bundle, signer: &DeviceKey) -> Result<Vec<u8>, SealError> {
    let bundle_json = serde_json::to_vec(bundle).map_err(|_| SealError::Json)?;
    let key_id = signer.key_id();
    let trusted = format!("{FORMAT} bundle:{} kiosk_key:{key_id}", bundle.bundle_id);
    let signature = minisign::sign(
        Some(&signer.public),
        &signer.secret,
        bundle_json.as_slice(),
        Some(&trusted),
        Some(&format!("svar bundle signature from kiosk key {key_id}")),
    )
    .map_err(|e| SealError::Sign(e.to_string()))?
    .into_string();
    let string = |s: &str| serde_json::to_vec(s).map_err(|_| SealError::Json);
    let mut out = Vec::with_capacity(bundle_json.len() + signature.len() + 128);
    out.extend_from_slice(b"{\"format\":");
    out.extend(string(FORMAT)?);
    out.extend_from_slice(b",\"bundle\":");
    out.extend(bundle_json);
    out.extend_from_slice(b",\"signature\":");
    out.extend(string(&signature)?);
    out.extend_from_slice(b",\"kiosk_key_id\":");
    out.extend(string(&key_id)?);
    out.extend_from_slice(b"}\n");
    Ok(out)
}

/// Removes temporary bundle files that a process killed mid-write left in `outbox`, and
/// returns how many. Only names [`write_atomically`] makes for bundles are touched; links are
/// removed, never followed.
pub fn sweep_temporary(outbox: &Path) -> io::Result<usize> {
    let mut removed = 0;
    for entry in std::fs::read_dir(outbox)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let is_ours = name
            .strip_prefix('.')
            .and_then(|n| n.strip_suffix(".tmp"))
            .is_some_and(|n| n.ends_with(crate::EXTENSION));
        if is_ours && !entry.file_type()?.is_dir() {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Writes `bytes` to `folder/name` so that the name only ever shows a complete file: write a
/// hidden temporary file in the same folder, flush it to disk, rename it, then flush the
/// folder so the rename itself survives a power cut. The temporary file is removed on failure.
/// An existing `folder/name` is replaced.
pub fn write_atomically(folder: &Path, name: &str, bytes: &[u8]) -> io::Result<PathBuf> {
    let target = folder.join(name);
    let temp = folder.join(format!(".{name}.tmp"));
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
    };
    let mut file = match create() {
        // A crash during an earlier write of the same name left its temporary file: the name
        // is this function's, so remove it (a link is removed, never followed) and start over.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(&temp)?;
            create()?
        }
        other => other?,
    };
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&temp, &target));
    drop(file);
    if let Err(e) = written {
        // Best effort: the error that matters is the write's.
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    std::fs::File::open(folder)?.sync_all()?;
    Ok(target)
}
