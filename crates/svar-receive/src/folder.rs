//! The folder store: bundles and receipts as files, first complete file wins.

use crate::{BundleStore, BundleStoreError, KioskId, Receipt, Stored, stored_name};
use std::io;
use std::path::{Path as FsPath, PathBuf};
use svar_bundle::{EXTENSION, Timestamp, sha256_hex, write_atomically};
use uuid::Uuid;

/// A store folder: `<kiosk>.<id>.svar.age` and, once it is complete,
/// `<kiosk>.<id>.receipt.json`.
///
/// Exclusivity comes from hard links: each writer stages its file under a unique hidden name
/// and links it to the final name, which fails when the name exists. So the first complete
/// bundle file for an id wins and only one receipt is ever made, across threads, processes
/// and receivers sharing the folder (the file system must support hard links).
#[derive(Debug, Clone)]
pub struct FolderStore {
    dir: PathBuf,
}

impl FolderStore {
    /// A store in `dir`, which must exist.
    pub fn new(dir: impl Into<PathBuf>) -> FolderStore {
        FolderStore { dir: dir.into() }
    }

    fn io(&self, path: &FsPath) -> impl FnOnce(io::Error) -> BundleStoreError {
        let path = path.to_owned();
        move |source| BundleStoreError::Io { path, source }
    }

    fn read_receipt(&self, name: &str) -> Result<Option<Receipt>, BundleStoreError> {
        let path = self.dir.join(format!("{name}.receipt.json"));
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|_| BundleStoreError::BadReceipt { path }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.io(&path)(e)),
        }
    }

    /// Writes `bytes` completely under a unique hidden name, then links it to `name`. Returns
    /// false when `name` already exists (and leaves it alone).
    fn create_once(&self, name: &str, bytes: &[u8]) -> Result<bool, BundleStoreError> {
        let staged_name = format!(".{name}.{}.part", Uuid::now_v7());
        let staged =
            write_atomically(&self.dir, &staged_name, bytes).map_err(self.io(&self.dir))?;
        let target = self.dir.join(name);
        let linked = std::fs::hard_link(&staged, &target);
        // The staged name was only a way to get a complete file under `name`.
        std::fs::remove_file(&staged).map_err(self.io(&staged))?;
        match linked {
            Ok(()) => {
                // Make the new name itself survive a power cut.
                std::fs::File::open(&self.dir)
                    .and_then(|d| d.sync_all())
                    .map_err(self.io(&self.dir))?;
                Ok(true)
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(self.io(&target)(e)),
        }
    }

    /// Makes the receipt `<name>.receipt.json` for a complete bundle file, or returns the one
    /// another writer made.
    fn receipt_once(&self, name: &str, receipt: Receipt) -> Result<Stored, BundleStoreError> {
        let file = format!("{name}.receipt.json");
        let json = serde_json::to_vec(&receipt).map_err(|e| BundleStoreError::Io {
            path: self.dir.join(&file),
            source: io::Error::other(e),
        })?;
        if self.create_once(&file, &json)? {
            return Ok(Stored::Created(receipt));
        }
        match self.read_receipt(name)? {
            Some(theirs) if theirs.sha256 == receipt.sha256 => Ok(Stored::Repeat(theirs)),
            Some(_) => Ok(Stored::Conflict),
            None => Err(BundleStoreError::BadReceipt {
                path: self.dir.join(file),
            }),
        }
    }
}

impl BundleStore for FolderStore {
    fn put(
        &self,
        kiosk: &KioskId,
        id: Uuid,
        bytes: &[u8],
        sha256: &str,
    ) -> Result<Stored, BundleStoreError> {
        let name = stored_name(kiosk, id);
        if let Some(receipt) = self.read_receipt(&name)? {
            return Ok(if receipt.sha256 == sha256 {
                Stored::Repeat(receipt)
            } else {
                Stored::Conflict
            });
        }
        let receipt = Receipt {
            bundle_id: id,
            sha256: sha256.to_owned(),
            size: bytes.len() as u64,
            stored: Timestamp::now(),
        };
        let bundle_file = format!("{name}{EXTENSION}");
        if self.create_once(&bundle_file, bytes)? {
            return self.receipt_once(&name, receipt);
        }
        // A bundle file is there already: another writer's, complete but maybe not yet
        // receipted (in flight, or it stopped in between). The same bytes may finish the job.
        let path = self.dir.join(bundle_file);
        let theirs = std::fs::read(&path).map_err(self.io(&path))?;
        if sha256_hex(&theirs) == sha256 {
            self.receipt_once(&name, receipt)
        } else {
            Ok(Stored::Conflict)
        }
    }

    fn check_writable(&self) -> Result<(), BundleStoreError> {
        let probe = self.dir.join(format!(".health-{}.probe", Uuid::now_v7()));
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&probe)
            .map_err(self.io(&probe))?;
        std::fs::remove_file(&probe).map_err(self.io(&probe))
    }
}
