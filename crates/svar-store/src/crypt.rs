//! The store key and the encryption of stored records.
//!
//! Every record that could identify a patient or hold an answer is encrypted with
//! XChaCha20-Poly1305 under a key kept in a file outside the data folder, so a copy of the data
//! folder alone reveals nothing. Each record is bound to its place (session, form, item) as
//! associated data, so records cannot be swapped between rows unnoticed. The audit chain uses
//! a second key derived from the same file.

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// First line of a store key file.
const HEADER: &str = "svar-store-key-1";
/// Length of the random nonce in front of every encrypted record.
const NONCE_LEN: usize = 24;

/// Why a store key file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StoreKeyError {
    /// The file could not be read or written.
    #[error("{}: cannot use the store key file: {source}", path.display())]
    Io {
        /// The key file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The file is not a store key.
    #[error(
        "{}: this is not a store key file (expected `{HEADER}` and 64 hexadecimal digits)",
        path.display()
    )]
    Format {
        /// The key file.
        path: PathBuf,
    },
}

/// The key the local store is encrypted with.
pub struct StoreKey {
    records: XChaCha20Poly1305,
    audit: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StoreKey(<secret>)")
    }
}

/// HMAC-SHA256, used for key derivation and the audit chain.
pub(super) type HmacSha256 = Hmac<Sha256>;

impl StoreKey {
    /// The key made from 32 secret bytes.
    pub fn from_bytes(master: &[u8; 32]) -> StoreKey {
        let derive = |label: &[u8]| {
            // A 32-byte key is always a valid HMAC key.
            let mut mac =
                <HmacSha256 as Mac>::new_from_slice(master).expect("HMAC accepts 32-byte keys");
            mac.update(label);
            Zeroizing::new(<[u8; 32]>::from(mac.finalize().into_bytes()))
        };
        let records = derive(b"svar store records v1");
        StoreKey {
            records: XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(records.as_slice())),
            audit: derive(b"svar store audit v1"),
        }
    }

    /// Reads a key file written by [`StoreKey::create`].
    pub fn load(path: &Path) -> Result<StoreKey, StoreKeyError> {
        let text =
            Zeroizing::new(
                std::fs::read_to_string(path).map_err(|source| StoreKeyError::Io {
                    path: path.to_owned(),
                    source,
                })?,
            );
        let format = || StoreKeyError::Format {
            path: path.to_owned(),
        };
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Err(format());
        }
        let hex = lines.next().ok_or_else(format)?.trim();
        if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(format());
        }
        let mut master = Zeroizing::new([0u8; 32]);
        for (i, byte) in master.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| format())?;
        }
        Ok(StoreKey::from_bytes(&master))
    }

    /// Makes a new random key and writes it to `path`, readable by its owner only. Refuses to
    /// overwrite an existing file: that would make the store unreadable.
    pub fn create(path: &Path) -> Result<StoreKey, StoreKeyError> {
        let io = |source| StoreKeyError::Io {
            path: path.to_owned(),
            source,
        };
        let master = Zeroizing::new(<[u8; 32]>::from(XChaCha20Poly1305::generate_key(
            &mut OsRng,
        )));
        let hex: Zeroizing<String> =
            Zeroizing::new(master.iter().map(|b| format!("{b:02x}")).collect());
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(io)?;
        file.write_all(format!("{HEADER}\n{}\n", hex.as_str()).as_bytes())
            .and_then(|()| file.sync_all())
            .and_then(|()| sync_folder_of(path))
            .map_err(io)?;
        Ok(StoreKey::from_bytes(&master))
    }

    /// Encrypts `plaintext` bound to `place`: a fresh random nonce followed by the ciphertext.
    pub(super) fn encrypt(&self, place: &str, plaintext: &[u8]) -> Vec<u8> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .records
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: place.as_bytes(),
                },
            )
            // Encryption fails only for messages beyond 256 GiB.
            .expect("a record fits XChaCha20-Poly1305");
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend(sealed);
        out
    }

    /// Decrypts a record made by [`StoreKey::encrypt`] for the same `place`; `None` when the
    /// key is wrong, the record was altered or it belongs to another place.
    pub(super) fn decrypt(&self, place: &str, record: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        if record.len() < NONCE_LEN {
            return None;
        }
        let (nonce, sealed) = record.split_at(NONCE_LEN);
        self.records
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: sealed,
                    aad: place.as_bytes(),
                },
            )
            .ok()
            .map(Zeroizing::new)
    }

    /// A fresh MAC keyed for the audit chain.
    pub(super) fn audit_mac(&self) -> HmacSha256 {
        <HmacSha256 as Mac>::new_from_slice(self.audit.as_ref()).expect("HMAC accepts 32-byte keys")
    }
}

/// Makes the entry of a newly created file durable. The file's own sync does not cover its
/// name in the folder: after a power cut the key could be gone while the database, synced
/// since, survives, and a store without its key is lost.
fn sync_folder_of(path: &Path) -> io::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    // Only Unix lets a folder be opened and synced; elsewhere the file's own sync must do.
    if cfg!(unix) {
        std::fs::File::open(folder)?.sync_all()
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_only_in_their_place() {
        let key = StoreKey::from_bytes(&[7; 32]);
        let sealed = key.encrypt("answer:a:0:q1", b"Kari");
        assert_eq!(
            key.decrypt("answer:a:0:q1", &sealed).as_deref(),
            Some(&b"Kari".to_vec())
        );
        assert!(key.decrypt("answer:a:0:q2", &sealed).is_none());
        assert!(
            StoreKey::from_bytes(&[8; 32])
                .decrypt("answer:a:0:q1", &sealed)
                .is_none()
        );
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert!(key.decrypt("answer:a:0:q1", &altered).is_none());
        assert!(key.decrypt("answer:a:0:q1", &sealed[..10]).is_none());
        assert!(!sealed.windows(4).any(|w| w == b"Kari"));
    }

    #[test]
    fn key_files_are_created_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.key");
        let key = StoreKey::create(&path).unwrap();
        let sealed = key.encrypt("p", b"x");
        let again = StoreKey::load(&path).unwrap();
        assert_eq!(again.decrypt("p", &sealed).as_deref(), Some(&b"x".to_vec()));
        assert!(matches!(
            StoreKey::create(&path),
            Err(StoreKeyError::Io { .. })
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(
                mode & 0o077,
                0,
                "the key file is readable by its owner only"
            );
        }
        std::fs::write(&path, "svar-store-key-1\nnot hex\n").unwrap();
        assert!(matches!(
            StoreKey::load(&path),
            Err(StoreKeyError::Format { .. })
        ));
    }

    #[test]
    fn the_folder_holding_a_new_key_is_synced() {
        // A power cut cannot be simulated here; what can be checked is that the sync runs on
        // the key's folder, also for a bare file name (the current folder), and that a
        // failure to sync is reported rather than ignored.
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("keys");
        std::fs::create_dir(&nested).unwrap();
        let path = nested.join("store.key");
        let key = StoreKey::create(&path).unwrap();
        let sealed = key.encrypt("p", b"x");
        assert!(
            StoreKey::load(&path)
                .unwrap()
                .decrypt("p", &sealed)
                .is_some()
        );
        sync_folder_of(&path).unwrap();
        sync_folder_of(Path::new("store.key")).unwrap();
        assert!(sync_folder_of(&dir.path().join("gone").join("store.key")).is_err());
    }
}
