//! Where received bundles are kept: the name of each kiosk's bundle, and for an S3-compatible
//! bucket (AWS S3, MinIO, Ceph RGW) the bucket's settings, region and object keys. The receiver's bucket store and a kiosk
//! uploading straight to a bucket share them, so both name objects the same way.

use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use std::fmt;
use svar_bundle::EXTENSION;
use svar_forms::id::KioskId;
use uuid::Uuid;

/// Where bundles are kept in an S3-compatible bucket and how to sign in.
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

/// The name a receiver keeps kiosk `kiosk`'s bundle `id` under, before `.svar.age` or
/// `.receipt.json`: `<kiosk>.<id>`. Bundle ids are the kiosks' own, so only the pair is unique.
pub fn stored_name(kiosk: &KioskId, id: Uuid) -> String {
    format!("{kiosk}.{id}")
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
