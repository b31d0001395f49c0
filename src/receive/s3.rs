//! [`S3Store`]: bundles and receipts as objects of an S3-compatible bucket (AWS S3, MinIO,
//! Ceph RGW), with the same contract as the folder store.

use super::{KioskId, Receipt, Store, StoreError, Stored, stored_name};
use crate::bundle::{EXTENSION, Timestamp, sha256_hex};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use std::fmt;
use uuid::Uuid;

/// Where an [`S3Store`] keeps its objects and how it signs in.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Config {
    /// The service's URL, e.g. `https://s3.eu-north-1.amazonaws.com` or a MinIO server's.
    pub endpoint: String,
    /// The bucket, which must exist.
    pub bucket: String,
    /// The key prefix the objects go under (`""` for the bucket's root).
    pub prefix: String,
    /// The region requests are signed for (`us-east-1` suits most non-AWS servers).
    pub region: String,
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
}

// The secret must not reach logs through `{:?}`.
impl fmt::Debug for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl S3Config {
    /// A client builder for this bucket, endpoint and credentials; callers add their own
    /// client options (the kiosk's uploader sets time-outs and a CA).
    pub fn builder(&self) -> AmazonS3Builder {
        AmazonS3Builder::new()
            .with_endpoint(&self.endpoint)
            .with_bucket_name(&self.bucket)
            .with_region(&self.region)
            .with_access_key_id(&self.access_key_id)
            .with_secret_access_key(&self.secret_access_key)
            .with_allow_http(self.allow_http())
    }

    /// Whether the endpoint is plain `http://` (loopback tests, a local MinIO), which the
    /// client must be told to accept.
    pub fn allow_http(&self) -> bool {
        self.endpoint.starts_with("http://")
    }

    /// The key prefix as an object path (`""` is the bucket's root).
    pub fn prefix_path(&self) -> ObjectPath {
        ObjectPath::from(self.prefix.as_str())
    }
}

/// The region S3 requests are signed for when none is given and the endpoint names none;
/// MinIO, Ceph RGW and most other S3-compatible servers accept it.
pub const DEFAULT_S3_REGION: &str = "us-east-1";

/// The AWS region an endpoint's host names, e.g. `eu-north-1` for
/// `https://s3.eu-north-1.amazonaws.com` or `https://s3.dualstack.eu-north-1.amazonaws.com`;
/// `None` for the global `s3.amazonaws.com` and for other services.
pub fn endpoint_region(endpoint: &str) -> Option<&str> {
    let rest = endpoint.split_once("://").map_or(endpoint, |(_, r)| r);
    let host = rest.split(['/', ':', '?']).next()?;
    let labels: Vec<&str> = host.strip_suffix(".amazonaws.com")?.split('.').collect();
    let s3 = labels.iter().position(|l| *l == "s3")?;
    labels[s3 + 1..].iter().copied().find(|l| *l != "dualstack")
}

/// The region to sign for: the one given, else the endpoint's AWS region, else
/// [`DEFAULT_S3_REGION`]. A region that contradicts an AWS endpoint is refused, because AWS
/// answers every request signed for the wrong region with an error that does not say so.
pub fn resolve_region(endpoint: &str, given: Option<&str>) -> Result<String, String> {
    match (given, endpoint_region(endpoint)) {
        (Some(given), Some(named)) if given != named => Err(format!(
            "the endpoint is in the AWS region `{named}`, but requests would be signed for `{given}`: give region `{named}`, or leave the region out"
        )),
        (Some(given), _) => Ok(given.to_owned()),
        (None, named) => Ok(named.unwrap_or(DEFAULT_S3_REGION).to_owned()),
    }
}

/// Where kiosk `kiosk`'s bundle `id` is kept under `prefix`: `<prefix>/<kiosk>.<id>.svar.age`,
/// the same name for a receiver's store and a kiosk uploading straight to a bucket.
pub fn bundle_object_key(prefix: &ObjectPath, kiosk: &KioskId, id: Uuid) -> ObjectPath {
    prefix
        .clone()
        .join(format!("{}{EXTENSION}", stored_name(kiosk, id)))
}

impl fmt::Display for S3Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3 bucket {} at {}", self.bucket, self.endpoint)?;
        if !self.prefix.is_empty() {
            write!(f, " under {}", self.prefix)?;
        }
        Ok(())
    }
}

/// A bucket store: `<prefix>/<kiosk>.<id>.svar.age` and, once it is complete,
/// `<prefix>/<kiosk>.<id>.receipt.json`.
///
/// Exclusivity comes from conditional creates (`If-None-Match: *`): the bundle object and the
/// receipt are each created only if absent, so the first complete upload of an id wins and
/// only one receipt is ever made, also across receivers sharing the bucket. The server must
/// support conditional writes (AWS S3, MinIO, Ceph RGW and moto do).
///
/// [`Store`] is synchronous and runs on the receiver's blocking threads, so each call drives
/// its requests on the tokio runtime it is called from.
#[derive(Debug)]
pub struct S3Store {
    client: AmazonS3,
    prefix: ObjectPath,
}

impl S3Store {
    /// A store for `config`. Nothing is requested yet: a wrong endpoint or bucket shows on
    /// the first request (and in the health check).
    pub fn new(config: &S3Config) -> Result<S3Store, StoreError> {
        let client = config.builder().build().map_err(|source| StoreError::S3 {
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
        future: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let handle = tokio::runtime::Handle::try_current().map_err(|_| StoreError::NoRuntime)?;
        handle.block_on(future)
    }

    /// The object's bytes, or `None` when there is no such object.
    async fn read(&self, key: &ObjectPath) -> Result<Option<Vec<u8>>, StoreError> {
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

    async fn read_receipt(&self, key: &ObjectPath) -> Result<Option<Receipt>, StoreError> {
        match self.read(key).await? {
            Some(bytes) => {
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|_| StoreError::BadS3Receipt {
                        key: key.to_string(),
                    })
            }
            None => Ok(None),
        }
    }

    /// Creates `key` with `bytes` unless it exists. Returns false when it exists (and leaves
    /// it alone).
    async fn create_once(&self, key: &ObjectPath, bytes: Vec<u8>) -> Result<bool, StoreError> {
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
    ) -> Result<Stored, StoreError> {
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
            .ok_or_else(|| StoreError::S3Vanished {
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
        let json = serde_json::to_vec(&receipt).map_err(|_| StoreError::BadS3Receipt {
            key: key.to_string(),
        })?;
        if self.create_once(&key, json).await? {
            return Ok(Stored::Created(receipt));
        }
        match self.read_receipt(&key).await? {
            Some(theirs) => Ok(judge(theirs, sha256)),
            None => Err(StoreError::S3Vanished {
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

fn s3_error(key: &ObjectPath) -> impl FnOnce(object_store::Error) -> StoreError {
    let key = key.to_string();
    move |source| StoreError::S3 { key, source }
}

impl Store for S3Store {
    fn put(
        &self,
        kiosk: &KioskId,
        id: Uuid,
        bytes: &[u8],
        sha256: &str,
    ) -> Result<Stored, StoreError> {
        self.block_on(self.put_async(kiosk, id, bytes, sha256))
    }

    fn check_writable(&self) -> Result<(), StoreError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_endpoints_name_their_region_and_others_none() {
        for (endpoint, region) in [
            ("https://s3.eu-north-1.amazonaws.com", Some("eu-north-1")),
            (
                "https://s3.dualstack.eu-west-1.amazonaws.com/",
                Some("eu-west-1"),
            ),
            (
                "https://bucket.s3.eu-central-1.amazonaws.com:443",
                Some("eu-central-1"),
            ),
            ("https://s3.amazonaws.com", None),
            ("https://minio.sykehus.no:9000", None),
            ("http://127.0.0.1:9000", None),
            ("https://s3.eu-north-1.amazonaws.com.evil.example", None),
        ] {
            assert_eq!(endpoint_region(endpoint), region, "{endpoint}");
        }
    }

    #[test]
    fn the_region_comes_from_the_setting_the_endpoint_or_the_default() {
        let aws = "https://s3.eu-north-1.amazonaws.com";
        assert_eq!(resolve_region(aws, None).unwrap(), "eu-north-1");
        assert_eq!(
            resolve_region(aws, Some("eu-north-1")).unwrap(),
            "eu-north-1"
        );
        let wrong = resolve_region(aws, Some("us-east-1")).unwrap_err();
        assert!(
            wrong.contains("`eu-north-1`") && wrong.contains("`us-east-1`"),
            "{wrong}"
        );
        let minio = "https://minio.sykehus.no";
        assert_eq!(resolve_region(minio, None).unwrap(), DEFAULT_S3_REGION);
        assert_eq!(resolve_region(minio, Some("oslo")).unwrap(), "oslo");
    }
}
