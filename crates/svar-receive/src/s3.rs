//! [`S3Store`]: bundles and receipts as objects of an S3-compatible bucket (AWS S3, MinIO,
//! Ceph RGW), with the same contract as the folder store.

use crate::{BundleStore, BundleStoreError, KioskId, Receipt, Stored};
use object_store::aws::AmazonS3;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use svar_bundle::{Timestamp, sha256_hex};
use svar_s3::{S3Config, bundle_object_key, stored_name};
use uuid::Uuid;

/// A bucket store: `<prefix>/<kiosk>.<id>.svar.age` and, once it is complete,
/// `<prefix>/<kiosk>.<id>.receipt.json`.
///
/// Exclusivity comes from conditional creates (`If-None-Match: *`): the bundle object and the
/// receipt are each created only if absent, so the first complete upload of an id wins and
/// only one receipt is ever made, also across receivers sharing the bucket. The server must
/// support conditional writes (AWS S3, MinIO, Ceph RGW and moto do).
///
/// [`BundleStore`] is synchronous and runs on the receiver's blocking threads, so each call drives
/// its requests on the tokio runtime it is called from.
#[derive(Debug)]
pub struct S3Store {
    client: AmazonS3,
    prefix: ObjectPath,
}

impl S3Store {
    /// A store for `config`. Nothing is requested yet: a wrong endpoint or bucket shows on
    /// the first request (and in the health check).
    pub fn new(config: &S3Config) -> Result<S3Store, BundleStoreError> {
        let client = config
            .builder()
            .build()
            .map_err(|source| BundleStoreError::S3 {
                key: String::new(),
                source,
            })?;
        Ok(S3Store {
            client,
            prefix: config.prefix_path(),
        })
    }

    fn key(&self, name: &str) -> ObjectPath {
        self.prefix.clone().join(name)
    }

    /// Runs `future` to completion on the calling thread's runtime.
    fn block_on<T>(
        &self,
        future: impl Future<Output = Result<T, BundleStoreError>>,
    ) -> Result<T, BundleStoreError> {
        let handle =
            tokio::runtime::Handle::try_current().map_err(|_| BundleStoreError::NoRuntime)?;
        handle.block_on(future)
    }

    /// The object's bytes, or `None` when there is no such object.
    async fn read(&self, key: &ObjectPath) -> Result<Option<Vec<u8>>, BundleStoreError> {
        let fetched = match self.client.get(key).await {
            Ok(result) => result.bytes().await,
            Err(object_store::Error::NotFound { .. }) => return Ok(None),
            Err(e) => Err(e),
        };
        fetched.map(|b| Some(b.to_vec())).map_err(s3_error(key))
    }

    fn receipt_key(&self, kiosk: &KioskId, id: Uuid) -> ObjectPath {
        self.key(&format!("{}.receipt.json", stored_name(kiosk, id)))
    }

    async fn read_receipt(&self, key: &ObjectPath) -> Result<Option<Receipt>, BundleStoreError> {
        match self.read(key).await? {
            Some(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|_| {
                BundleStoreError::BadS3Receipt {
                    key: key.to_string(),
                }
            }),
            None => Ok(None),
        }
    }

    /// Creates `key` with `bytes` unless it exists. Returns false when it exists (and leaves
    /// it alone).
    async fn create_once(
        &self,
        key: &ObjectPath,
        bytes: Vec<u8>,
    ) -> Result<bool, BundleStoreError> {
        let options = PutOptions::from(PutMode::Create);
        match self
            .client
            .put_opts(key, PutPayload::from(bytes), options)
            .await
        {
            Ok(_) => Ok(true),
            Err(object_store::Error::AlreadyExists { .. }) => Ok(false),
            Err(e) => Err(s3_error(key)(e)),
        }
    }

    async fn put_async(
        &self,
        kiosk: &KioskId,
        id: Uuid,
        bytes: &[u8],
        sha256: &str,
    ) -> Result<Stored, BundleStoreError> {
        let key = self.receipt_key(kiosk, id);
        if let Some(receipt) = self.read_receipt(&key).await? {
            return Ok(judge(receipt, sha256));
        }
        let bundle = bundle_object_key(&self.prefix, kiosk, id);
        // Whoever created it (us or another writer), the bundle object is then read back: a
        // receipt is only made for stored bytes that are ours.
        self.create_once(&bundle, bytes.to_vec()).await?;
        let stored = self
            .read(&bundle)
            .await?
            .ok_or_else(|| BundleStoreError::S3Vanished {
                key: bundle.to_string(),
            })?;
        if stored.len() != bytes.len() || sha256_hex(&stored) != sha256 {
            return Ok(Stored::Conflict);
        }
        let receipt = Receipt {
            bundle_id: id,
            sha256: sha256.to_owned(),
            size: bytes.len() as u64,
            stored: Timestamp::now(),
        };
        let json = serde_json::to_vec(&receipt).map_err(|_| BundleStoreError::BadS3Receipt {
            key: key.to_string(),
        })?;
        if self.create_once(&key, json).await? {
            return Ok(Stored::Created(receipt));
        }
        match self.read_receipt(&key).await? {
            Some(theirs) => Ok(judge(theirs, sha256)),
            None => Err(BundleStoreError::S3Vanished {
                key: key.to_string(),
            }),
        }
    }
}

/// A stored receipt's answer to an upload whose SHA-256 is `sha256`.
fn judge(receipt: Receipt, sha256: &str) -> Stored {
    if receipt.sha256 == sha256 {
        Stored::Repeat(receipt)
    } else {
        Stored::Conflict
    }
}

fn s3_error(key: &ObjectPath) -> impl FnOnce(object_store::Error) -> BundleStoreError {
    let key = key.to_string();
    move |source| BundleStoreError::S3 { key, source }
}

impl BundleStore for S3Store {
    fn put(
        &self,
        kiosk: &KioskId,
        id: Uuid,
        bytes: &[u8],
        sha256: &str,
    ) -> Result<Stored, BundleStoreError> {
        self.block_on(self.put_async(kiosk, id, bytes, sha256))
    }

    fn check_writable(&self) -> Result<(), BundleStoreError> {
        self.block_on(async {
            let probe = self.key(&format!(".health-{}.probe", Uuid::now_v7()));
            self.client
                .put(&probe, PutPayload::from_static(b"ok"))
                .await
                .map_err(s3_error(&probe))?;
            self.client.delete(&probe).await.map_err(s3_error(&probe))
        })
    }
}
