//! Putting a kiosk together from its configuration (or the demo's embedded default): the
//! store with its key, the sealing keys, the outbox and the form hashes.

use crate::config::Config;
use crate::ui::Records;
use crate::visit::Sealer;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use svar_bundle::{DeviceKey, FormHashes, KeyError};
use svar_forms::battery::Battery;
use svar_store::{AuditEvent, DB_FILE, SessionId, Store, StoreError, StoreKey, StoreKeyError};

/// Why the kiosk's records could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The store key could not be read or made.
    #[error(transparent)]
    StoreKey(#[from] StoreKeyError),
    /// A store exists but its key file is gone: making a new key would lock its data away.
    #[error(
        "{}: the local store exists but its key file {} is missing; restore the key file (a new key cannot read the stored sessions)",
        data.display(),
        key.display()
    )]
    LostStoreKey {
        /// The data folder.
        data: PathBuf,
        /// The key file expected.
        key: PathBuf,
    },
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The device key could not be read.
    #[error(transparent)]
    DeviceKey(#[from] KeyError),
    /// An upload target could not be set up (token file, CA file, URL).
    #[error(transparent)]
    Upload(#[from] svar_upload::TargetError),
    /// The outbox could not be made.
    #[error("{}: cannot create the outbox: {source}", path.display())]
    Outbox {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Opens the store in `data` with the key in `key_file`. The key is made at the first start
/// (when there is no store yet); a store whose key is missing is an error, never a new key.
pub fn open_store(data: &Path, key_file: &Path) -> Result<Store, SetupError> {
    let key = if key_file.exists() {
        StoreKey::load(key_file)?
    } else if data.join(DB_FILE).exists() {
        return Err(SetupError::LostStoreKey {
            data: data.to_owned(),
            key: key_file.to_owned(),
        });
    } else {
        if let Some(parent) = key_file.parent() {
            std::fs::create_dir_all(parent).map_err(|source| StoreKeyError::Io {
                path: key_file.to_owned(),
                source,
            })?;
        }
        StoreKey::create(key_file)?
    };
    Ok(Store::open(data, key)?)
}

/// What a kiosk needs to keep and seal sessions.
#[derive(Debug)]
pub struct RecordsSettings<'a> {
    /// Site id.
    pub site: &'a str,
    /// Kiosk id.
    pub kiosk: &'a str,
    /// The store's folder.
    pub data: &'a Path,
    /// The store key file.
    pub store_key: &'a Path,
    /// Where bundles go.
    pub outbox: &'a Path,
    /// Public keys bundles are encrypted to.
    pub recipients: Vec<age::x25519::Recipient>,
    /// The kiosk's signing key.
    pub device_key: DeviceKey,
    /// The hashes of the form files, from the load that checked them.
    pub hashes: FormHashes,
    /// Batteries sessions may use (also those of interrupted sessions).
    pub batteries: Vec<Arc<Battery>>,
}

/// Opens the store and makes the outbox.
pub fn records(settings: RecordsSettings<'_>) -> Result<Records, SetupError> {
    std::fs::create_dir_all(settings.outbox).map_err(|source| SetupError::Outbox {
        path: settings.outbox.to_owned(),
        source,
    })?;
    let store = open_store(settings.data, settings.store_key)?;
    Ok(Records {
        store,
        sealer: Sealer {
            recipients: settings.recipients,
            device_key: settings.device_key,
            outbox: settings.outbox.to_owned(),
            hashes: settings.hashes,
            batteries: settings.batteries,
        },
        site: settings.site.to_owned(),
        kiosk: settings.kiosk.to_owned(),
        utc_offset: local_offset(),
        upload: None,
    })
}

/// How often the kiosk's background uploader looks at the outbox.
pub const UPLOAD_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

/// The records of a configured kiosk, with a background uploader when the configuration names
/// `[[upload]]` targets.
pub fn records_from_config(
    config: &Config,
    batteries: Vec<Arc<Battery>>,
    hashes: FormHashes,
) -> Result<Records, SetupError> {
    let uploader = if config.upload.is_empty() {
        None
    } else {
        Some(svar_upload::Uploader::from_config(
            &config.upload,
            svar_upload::Timeouts::default(),
            Some(config.kiosk_id.clone()),
        )?)
    };
    let mut records = records(RecordsSettings {
        site: &config.site_id,
        kiosk: &config.kiosk_id,
        data: &config.data_folder,
        store_key: &config.store_key,
        outbox: &config.outbox,
        recipients: config.recipients.clone(),
        device_key: DeviceKey::load(&config.device_key)?,
        hashes,
        batteries,
    })?;
    records.upload = match uploader {
        // Its own connection: the store is shared with the kiosk through SQLite's locking.
        Some(u) => Some(svar_upload::spawn(
            config.outbox.clone(),
            u,
            UPLOAD_INTERVAL,
            Some(Box::new(StoreJournal(open_store(
                &config.data_folder,
                &config.store_key,
            )?))),
        )),
        None => None,
    };
    Ok(records)
}

/// The kiosk's store as the uploader's journal: files of sessions still being sealed wait,
/// and each delivery is an audit row `bundle_uploaded` with the target's kind.
pub struct StoreJournal(pub Store);

impl svar_upload::Journal for StoreJournal {
    fn holds_unsealed(&self, id: uuid::Uuid) -> bool {
        self.0.holds_unsealed(SessionId(id)).unwrap_or(true)
    }

    fn delivered(&mut self, id: uuid::Uuid, target_kind: &str) {
        // The log is a record, not a gate: a failed append must not undo a delivery the
        // receiver already confirmed.
        let _ = self.0.audit(
            AuditEvent::BundleUploaded,
            Some(SessionId(id)),
            None,
            Some(target_kind),
        );
    }
}

/// The demo's records in `folder`: `data/`, `outbox/` and a fresh `store.key` beside them,
/// sealed to the demo recipient with the demo device key (both in `assets/demo-keys`, not
/// secret), so demo bundles open with the shipped demo identity.
pub fn demo_records(
    folder: &Path,
    hashes: FormHashes,
    batteries: Vec<Arc<Battery>>,
) -> Result<Records, SetupError> {
    records(RecordsSettings {
        site: "demo",
        kiosk: svar_bundle::DEMO_KIOSK,
        data: &folder.join("data"),
        store_key: &folder.join("store.key"),
        outbox: &folder.join("outbox"),
        recipients: vec![svar_bundle::demo_recipient()],
        device_key: DeviceKey::demo(),
        hashes,
        batteries,
    })
}

/// The local time's offset from UTC, or UTC when the system does not say. Read at start-up:
/// the `time` crate reads it reliably only before other threads start.
pub fn local_offset() -> time::UtcOffset {
    time::UtcOffset::current_local_offset().unwrap_or(time::UtcOffset::UTC)
}
