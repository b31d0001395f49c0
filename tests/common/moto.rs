//! A moto S3 server (`pip install "moto[server]"`) on a free loopback port, for the S3 store
//! of the receiver and the kiosk's S3 upload target.

use super::{KillOnDrop, http};
use object_store::aws::AmazonS3;
use object_store::{ObjectStore, ObjectStoreExt};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use svar_receive::{BundleStore, S3Config, S3Store};

/// The key prefix the tests' objects go under.
pub const PREFIX: &str = "svar/in";

/// A running moto server; killed on drop.
pub struct Moto {
    /// Where it listens.
    pub addr: SocketAddr,
    _child: KillOnDrop,
}

impl Moto {
    /// Starts moto; `None` (with a note) when it is not installed, except on CI, which must
    /// install it (`.ci/run` does and sets `CI`).
    pub fn start() -> Option<Moto> {
        Moto::start_on(super::free_port())
    }

    /// Starts moto on `port` (see [`Moto::start`]).
    pub fn start_on(port: u16) -> Option<Moto> {
        let importable = std::process::Command::new("python3")
            .args(["-c", "import moto.server"])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !importable {
            assert!(
                std::env::var_os("CI").is_none(),
                "the S3 tests need moto: pip install \"moto[server]\" (.ci/run installs it)"
            );
            eprintln!("note: moto is not installed; skipping the S3 test");
            return None;
        }
        let child = std::process::Command::new("python3")
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 runs");
        let mut child = KillOnDrop(child);
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        // moto takes a second or two to import; it is ready when it answers.
        while TcpStream::connect(addr).is_err() {
            if let Ok(Some(status)) = child.0.try_wait() {
                panic!("moto server exited early: {status}");
            }
            assert!(std::time::Instant::now() < deadline, "moto never answered");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Some(Moto {
            addr,
            _child: child,
        })
    }

    /// The endpoint URL.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Creates `bucket`.
    pub fn create_bucket(&self, bucket: &str) {
        let (status, body) = http(self.addr, "PUT", &format!("/{bucket}"), &[], b"");
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    }

    /// Settings for `bucket` under [`PREFIX`] with moto's test credentials.
    pub fn config(&self, bucket: &str) -> S3Config {
        S3Config {
            endpoint: self.endpoint(),
            bucket: bucket.to_owned(),
            prefix: PREFIX.to_owned(),
            region: "us-east-1".to_owned(),
            access_key_id: "testing".to_owned(),
            secret_access_key: "testing".to_owned(),
        }
    }

    /// An S3 store on `bucket` under [`PREFIX`], as a receiver would configure it.
    pub fn store(&self, bucket: &str) -> Arc<dyn BundleStore> {
        Arc::new(S3Store::new(&self.config(bucket)).unwrap())
    }

    /// The bytes of object `name` under [`PREFIX`], if there is one. Read with signed
    /// requests, as moto refuses anonymous reads of private objects.
    pub fn object(&self, bucket: &str, name: &str) -> Option<Vec<u8>> {
        let key = Self::key(name);
        self.run(bucket, async |client| match client.get(&key).await {
            Ok(result) => Some(result.bytes().await.unwrap().to_vec()),
            Err(object_store::Error::NotFound { .. }) => None,
            Err(e) => panic!("{key}: {e}"),
        })
    }

    /// Writes object `name` under [`PREFIX`], replacing any.
    pub fn put_object(&self, bucket: &str, name: &str, bytes: &[u8]) {
        let key = Self::key(name);
        let bytes = bytes.to_vec();
        self.run(bucket, async |client| {
            client.put(&key, bytes.into()).await.unwrap();
        })
    }

    /// The names of the objects under [`PREFIX`], sorted.
    pub fn names(&self, bucket: &str) -> Vec<String> {
        let prefix = object_store::path::Path::from(PREFIX);
        self.run(bucket, async |client| {
            let listed = client.list_with_delimiter(Some(&prefix)).await.unwrap();
            let mut names: Vec<String> = listed
                .objects
                .into_iter()
                .filter_map(|m| m.location.filename().map(str::to_owned))
                .collect();
            names.sort();
            names
        })
    }

    fn key(name: &str) -> object_store::path::Path {
        object_store::path::Path::from(format!("{PREFIX}/{name}"))
    }

    /// Runs `work` with a client for `bucket` on a runtime of its own.
    fn run<T>(&self, bucket: &str, work: impl AsyncFnOnce(&AmazonS3) -> T) -> T {
        let client = self.config(bucket).builder().build().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(work(&client))
    }
}
