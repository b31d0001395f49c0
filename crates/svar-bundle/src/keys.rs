//! Keys: the receiving side's age identities, the kiosk's device signing key and the
//! enrolled kiosk public keys, read and written without ever quoting key material.

use crate::Timestamp;
use age::secrecy::ExposeSecret;
use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The demo recipient (age public key); its identity is `assets/demo-keys/demo-identity.txt`.
const DEMO_RECIPIENT: &str = include_str!("../../../assets/demo-keys/demo-recipient.txt");
/// The demo device key (minisign secret key, not secret: it is in the repository).
const DEMO_DEVICE_KEY: &str = include_str!("../../../assets/demo-keys/demo-device.key");
/// The demo device public key, which `svar open --demo` trusts for the demo kiosk.
const DEMO_DEVICE_PUB: &str = include_str!("../../../assets/demo-keys/demo-device.key.pub");

/// A key file that could not be read, parsed or written. Messages never quote key material.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The file could not be read.
    #[error("{}: cannot read the key file: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The file is not an age identity file.
    #[error("{}: not an age identity file ({reason})", path.display())]
    Identity {
        /// The file.
        path: PathBuf,
        /// What is wrong, without the file's content.
        reason: String,
    },
    /// The file holds no identity.
    #[error("{}: the identity file holds no identity", path.display())]
    NoIdentity {
        /// The file.
        path: PathBuf,
    },
    /// The file is not a usable minisign secret key.
    #[error("{}: not a usable device key ({reason})", path.display())]
    DeviceKey {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The file is not a minisign public key.
    #[error("{}: not a minisign public key ({reason})", path.display())]
    KioskKey {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// An enrolled key file is not named for a kiosk.
    #[error(
        "{}: an enrolled kiosk key must be named for its kiosk, `<kiosk id>.pub` (lower-case \
         letters, digits and _), e.g. `kiosk_03.pub`",
        path.display()
    )]
    KioskKeyName {
        /// The file.
        path: PathBuf,
    },
    /// One public key is enrolled for two kiosks, so a bundle it signed could claim either.
    #[error(
        "{} and {}: the same public key is enrolled for two kiosks; each kiosk has its own key",
        first.display(),
        second.display()
    )]
    KioskKeyTwice {
        /// The first file.
        first: PathBuf,
        /// The other file.
        second: PathBuf,
    },
    /// The folder holds no `*.pub` file.
    #[error("{}: the folder holds no kiosk public key (*.pub)", folder.display())]
    NoKioskKeys {
        /// The folder.
        folder: PathBuf,
    },
    /// A key was not written because the file exists.
    #[error("{}: the file exists; a key file is never overwritten", path.display())]
    Exists {
        /// The file.
        path: PathBuf,
    },
    /// A key file could not be written.
    #[error("{}: cannot write the key file: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The key generator failed.
    #[error("cannot generate a key: {0}")]
    Generate(String),
}

fn read_key_file(path: &Path) -> Result<String, KeyError> {
    std::fs::read_to_string(path).map_err(|source| KeyError::Read {
        path: path.to_owned(),
        source,
    })
}

/// Creates `path` (never replacing a file) readable by its owner only, writes `text` and
/// flushes it to disk.
fn write_new_file(path: &Path, text: &str, private: bool) -> Result<(), KeyError> {
    let fail = |source: io::Error| {
        if source.kind() == io::ErrorKind::AlreadyExists {
            KeyError::Exists {
                path: path.to_owned(),
            }
        } else {
            KeyError::Write {
                path: path.to_owned(),
                source,
            }
        }
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(fail)
}

/// The age identities a receiver decrypts bundles with.
pub struct Identities(pub(super) Vec<Box<dyn age::Identity + Send + Sync>>);

impl fmt::Debug for Identities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secret keys.
        write!(f, "Identities({} key(s))", self.0.len())
    }
}

impl Identities {
    /// Reads an identity file as `age-keygen` writes it (comments, then `AGE-SECRET-KEY-1…`).
    pub fn load(path: &Path) -> Result<Identities, KeyError> {
        let text = read_key_file(path)?;
        let file = age::IdentityFile::from_buffer(text.as_bytes()).map_err(|e| {
            // age's message names the line, never its content.
            KeyError::Identity {
                path: path.to_owned(),
                reason: e.to_string(),
            }
        })?;
        let identities = file.into_identities().map_err(|e| KeyError::Identity {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        if identities.is_empty() {
            return Err(KeyError::NoIdentity {
                path: path.to_owned(),
            });
        }
        Ok(Identities(identities))
    }

    /// X25519 identities held in memory.
    pub fn from_x25519(identities: Vec<age::x25519::Identity>) -> Identities {
        Identities(
            identities
                .into_iter()
                .map(|i| Box::new(i) as Box<dyn age::Identity + Send + Sync>)
                .collect(),
        )
    }
}

/// Writes a new age identity file at `path` in `age-keygen`'s format and returns its public
/// key. An existing file is never replaced.
pub fn write_identity(path: &Path) -> Result<age::x25519::Recipient, KeyError> {
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public();
    let text = format!(
        "# created: {}\n# public key: {recipient}\n{}\n",
        Timestamp::now(),
        identity.to_string().expose_secret()
    );
    write_new_file(path, &text, true)?;
    Ok(recipient)
}

/// The demo recipient: bundles sealed to it open with `assets/demo-keys/demo-identity.txt`.
pub fn demo_recipient() -> age::x25519::Recipient {
    DEMO_RECIPIENT
        .trim()
        .parse()
        .expect("the embedded demo recipient parses (a unit test checks it)")
}

/// The minisign key id shown for a key: its 8-byte key number as 16 upper-case hex digits,
/// as `minisign` prints it.
pub(super) fn key_id(keynum: &[u8]) -> String {
    keynum.iter().rev().map(|b| format!("{b:02X}")).collect()
}

/// The kiosk's own Ed25519 signing key (minisign format, stored without a password because
/// the kiosk starts unattended; the file is readable by its owner only).
#[derive(Clone)]
pub struct DeviceKey {
    pub(super) secret: minisign::SecretKey,
    pub(super) public: minisign::PublicKey,
}

impl fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secret key.
        write!(f, "DeviceKey({})", self.key_id())
    }
}

impl DeviceKey {
    /// A new random key.
    pub fn generate() -> Result<DeviceKey, KeyError> {
        // An empty password stores the key unencrypted, with its checksum.
        let pair = minisign::KeyPair::generate_encrypted_keypair(Some(String::new()))
            .map_err(|e| KeyError::Generate(e.to_string()))?;
        Ok(DeviceKey {
            secret: pair.sk,
            public: pair.pk,
        })
    }

    /// Reads a minisign secret key file written by [`DeviceKey::write`].
    pub fn load(path: &Path) -> Result<DeviceKey, KeyError> {
        DeviceKey::parse(&read_key_file(path)?).map_err(|reason| KeyError::DeviceKey {
            path: path.to_owned(),
            reason,
        })
    }

    /// The demo device key (its public key is what `svar open` trusts by default).
    pub fn demo() -> DeviceKey {
        DeviceKey::parse(DEMO_DEVICE_KEY)
            .expect("the embedded demo device key parses (a unit test checks it)")
    }

    fn parse(text: &str) -> Result<DeviceKey, String> {
        let secret = minisign::SecretKeyBox::from_string(text)
            .and_then(|b| b.into_secret_key(Some(String::new())))
            .map_err(|e| {
                format!("{e}; the kiosk needs a key without a password (svar keygen --device)")
            })?;
        let public = minisign::PublicKey::from_secret_key(&secret).map_err(|e| e.to_string())?;
        Ok(DeviceKey { secret, public })
    }

    /// Writes the secret key to `path` and the public key to `path` + `.pub`, returning the
    /// latter's path. Existing files are never replaced.
    pub fn write(&self, path: &Path) -> Result<PathBuf, KeyError> {
        let mut public_path = path.as_os_str().to_owned();
        public_path.push(".pub");
        let public_path = PathBuf::from(public_path);
        for p in [path, public_path.as_path()] {
            if p.exists() {
                return Err(KeyError::Exists { path: p.to_owned() });
            }
        }
        let generate = |e: minisign::PError| KeyError::Generate(e.to_string());
        let secret = self
            .secret
            .to_box(Some(&format!(
                "svar device key {} (no password)",
                self.key_id()
            )))
            .map_err(generate)?
            .into_string();
        let public = self.public.to_box().map_err(generate)?.into_string();
        write_new_file(path, &secret, true)?;
        write_new_file(&public_path, &public, false)?;
        Ok(public_path)
    }

    /// The public key to enrol on the receiving side.
    pub fn public_key(&self) -> &minisign::PublicKey {
        &self.public
    }

    /// The key id (16 hex digits), as recorded in envelopes.
    pub fn key_id(&self) -> String {
        key_id(self.public.keynum())
    }
}

/// The kiosk id bundles from the demo device key carry (`svar run --demo`, `svar fill`
/// without keys).
pub const DEMO_KIOSK: &str = "demo";

/// A kiosk public key a receiver trusts, and the kiosk it was enrolled for.
#[derive(Clone)]
pub struct EnrolledKey {
    /// The kiosk the key speaks for: a bundle it signed must name this kiosk.
    pub kiosk: String,
    /// The key.
    pub key: minisign::PublicKey,
}

/// The kiosk public keys a receiver trusts, each bound to one kiosk.
#[derive(Clone)]
pub struct KioskKeys(Vec<EnrolledKey>);

impl fmt::Debug for KioskKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<String> = self
            .0
            .iter()
            .map(|k| format!("{}={}", k.kiosk, key_id(k.key.keynum())))
            .collect();
        write!(f, "KioskKeys({})", ids.join(", "))
    }
}

impl KioskKeys {
    /// These keys.
    pub fn new(keys: Vec<EnrolledKey>) -> KioskKeys {
        KioskKeys(keys)
    }

    /// The demo device's public key, enrolled for the kiosk [`DEMO_KIOSK`]. Anyone can sign
    /// with it (its secret is in the repository), so only `--demo` trusts it.
    pub fn demo() -> KioskKeys {
        KioskKeys(vec![EnrolledKey {
            kiosk: DEMO_KIOSK.to_owned(),
            key: parse_public_key(DEMO_DEVICE_PUB)
                .expect("the embedded demo public key parses (a unit test checks it)"),
        }])
    }

    /// Every `<kiosk id>.pub` minisign public key in `folder`, each enrolled for the kiosk its
    /// file is named for.
    pub fn load_folder(folder: &Path) -> Result<KioskKeys, KeyError> {
        let entries = std::fs::read_dir(folder).map_err(|source| KeyError::Read {
            path: folder.to_owned(),
            source,
        })?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "pub") && p.is_file())
            .collect();
        paths.sort();
        if paths.is_empty() {
            return Err(KeyError::NoKioskKeys {
                folder: folder.to_owned(),
            });
        }
        let mut keys: Vec<(PathBuf, EnrolledKey)> = Vec::with_capacity(paths.len());
        for path in paths {
            let kiosk = path
                .file_stem()
                .and_then(|s| s.to_str())
                .filter(|s| svar_forms::id::is_valid_id(s))
                .ok_or_else(|| KeyError::KioskKeyName { path: path.clone() })?
                .to_owned();
            let key =
                parse_public_key(&read_key_file(&path)?).map_err(|reason| KeyError::KioskKey {
                    path: path.clone(),
                    reason,
                })?;
            if let Some((first, _)) = keys.iter().find(|(_, k)| k.key.keynum() == key.keynum()) {
                return Err(KeyError::KioskKeyTwice {
                    first: first.clone(),
                    second: path,
                });
            }
            keys.push((path, EnrolledKey { kiosk, key }));
        }
        Ok(KioskKeys(keys.into_iter().map(|(_, k)| k).collect()))
    }

    pub(super) fn find(&self, keynum: &[u8]) -> Option<&EnrolledKey> {
        self.0.iter().find(|k| k.key.keynum() == keynum)
    }
}

fn parse_public_key(text: &str) -> Result<minisign::PublicKey, String> {
    minisign::PublicKeyBox::from_string(text)
        .and_then(minisign::PublicKeyBox::into_public_key)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_demo_keys_parse_and_belong_together() {
        let device = DeviceKey::demo();
        let trusted = KioskKeys::demo();
        let enrolled = trusted.find(device.public_key().keynum()).unwrap();
        assert_eq!(enrolled.kiosk, DEMO_KIOSK);
        assert_eq!(device.key_id().len(), 16);
        assert!(demo_recipient().to_string().starts_with("age1"));
    }

    #[test]
    fn device_keys_round_trip_through_files_and_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kiosk.key");
        let key = DeviceKey::generate().unwrap();
        let public = key.write(&path).unwrap();
        assert_eq!(public, dir.path().join("kiosk.key.pub"));
        assert_eq!(DeviceKey::load(&path).unwrap().key_id(), key.key_id());
        assert!(matches!(
            KioskKeys::load_folder(dir.path()),
            Err(KeyError::KioskKeyName { .. })
        ));
        std::fs::rename(&public, dir.path().join("kiosk_03.pub")).unwrap();
        let trusted = KioskKeys::load_folder(dir.path()).unwrap();
        let enrolled = trusted.find(key.public_key().keynum()).unwrap();
        assert_eq!(enrolled.kiosk, "kiosk_03");
        assert!(matches!(key.write(&path), Err(KeyError::Exists { .. })));
        assert!(matches!(
            DeviceKey::load(&dir.path().join("kiosk_03.pub")),
            Err(KeyError::DeviceKey { .. })
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the secret key is private");
        }
    }

    #[test]
    fn one_key_enrolled_for_two_kiosks_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let public = DeviceKey::generate()
            .unwrap()
            .write(&dir.path().join("device.key"))
            .unwrap();
        std::fs::copy(&public, dir.path().join("kiosk_1.pub")).unwrap();
        std::fs::rename(&public, dir.path().join("kiosk_2.pub")).unwrap();
        let err = KioskKeys::load_folder(dir.path()).unwrap_err();
        assert!(matches!(err, KeyError::KioskKeyTwice { .. }), "{err}");
        assert!(err.to_string().contains("kiosk_2.pub"), "{err}");
    }

    #[test]
    fn identity_files_are_written_as_age_keygen_writes_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("id.txt");
        let recipient = write_identity(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# created: "));
        assert!(text.contains(&format!("# public key: {recipient}\n")));
        assert!(text.contains("\nAGE-SECRET-KEY-1"));
        assert!(Identities::load(&path).is_ok());
        assert!(matches!(
            write_identity(&path),
            Err(KeyError::Exists { .. })
        ));
        std::fs::write(&path, "# nothing\n").unwrap();
        assert!(matches!(
            Identities::load(&path),
            Err(KeyError::NoIdentity { .. })
        ));
        std::fs::write(&path, "AGE-SECRET-KEY-1NOPE\n").unwrap();
        let err = Identities::load(&path).unwrap_err().to_string();
        assert!(err.contains("line 1") && !err.contains("NOPE"), "{err}");
    }
}
