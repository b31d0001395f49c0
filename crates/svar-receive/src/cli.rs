//! The receiver's command-line flags, shared by `svar receive` and the server-only
//! `svar-receive` binary, so both take and document the same flags.

use crate::ConnectionTimeouts;
use std::path::PathBuf;
use std::time::Duration;

/// Why the receiver did not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The flags or the environment do not say enough to start (exit status 2).
    #[error("{0}")]
    Input(String),
    /// The service could not start or failed.
    #[error(transparent)]
    Receive(#[from] crate::ReceiveError),
}

/// The flags of `svar receive`.
#[derive(clap::Args)]
pub struct ReceiveArgs {
    /// The address and port to listen on, e.g. 127.0.0.1:8080.
    #[arg(long)]
    listen: String,
    /// The folder to store bundles and receipts in (must exist).
    #[arg(
        long,
        required_unless_present = "s3_endpoint",
        conflicts_with = "s3_endpoint"
    )]
    store: Option<PathBuf>,
    /// An S3-compatible service to store in instead of a folder, e.g.
    /// https://s3.eu-north-1.amazonaws.com; credentials come from AWS_ACCESS_KEY_ID and
    /// AWS_SECRET_ACCESS_KEY unless given as flags.
    #[arg(long, requires = "s3_bucket")]
    s3_endpoint: Option<String>,
    /// The bucket (must exist).
    #[arg(long, requires = "s3_endpoint")]
    s3_bucket: Option<String>,
    /// The key prefix bundles and receipts go under.
    #[arg(long, requires = "s3_endpoint", default_value = "")]
    s3_prefix: String,
    /// The region requests are signed for (default: the endpoint's AWS region, else us-east-1).
    #[arg(long, requires = "s3_endpoint")]
    s3_region: Option<String>,
    /// The access key id (default: AWS_ACCESS_KEY_ID).
    #[arg(long, requires = "s3_endpoint")]
    s3_access_key_id: Option<String>,
    /// The secret access key (default: AWS_SECRET_ACCESS_KEY, which keeps it out of the
    /// process list).
    #[arg(long, requires = "s3_endpoint")]
    s3_secret_access_key: Option<String>,
    /// The bearer tokens uploaders may use: one `kiosk_id:token` a line. Optional with
    /// --client-ca, where the kiosk's certificate (its subject CN, the kiosk id) is its
    /// credential.
    #[arg(long, required_unless_present = "client_ca")]
    tokens: Option<PathBuf>,
    /// Serve TLS with this certificate chain (PEM, the receiver's own certificate first).
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Require a client certificate signed by this CA (PEM) on every connection.
    #[arg(long, requires = "tls_cert")]
    client_ca: Option<PathBuf>,
    /// The largest body accepted, in bytes; larger ones get 413.
    #[arg(long, default_value_t = crate::DEFAULT_MAX_BYTES)]
    max_bytes: usize,
    /// Seconds a client may take from the first byte of a request to the end of its headers
    /// before it is disconnected (slow or stuck clients must not hold connections).
    #[arg(long, default_value_t = ConnectionTimeouts::default().header.as_secs_f64(), value_parser = positive_seconds)]
    header_timeout: f64,
    /// Seconds a connection may wait for its next request (the first one included) before it
    /// is closed.
    #[arg(long, default_value_t = ConnectionTimeouts::default().idle.as_secs_f64(), value_parser = positive_seconds)]
    idle_timeout: f64,
    /// Check that the receiver could start (token and TLS files read, the store takes a
    /// write, the address is valid), print what was checked and exit without listening; for a
    /// service's start check.
    #[arg(long)]
    check: bool,
}

/// Serves uploads as `args` say until SIGTERM or Ctrl-C.
pub fn serve(args: ReceiveArgs) -> Result<(), ServeError> {
    let tls = args
        .tls_cert
        .zip(args.tls_key)
        .map(|(cert, key)| crate::TlsFiles {
            cert,
            key,
            client_ca: args.client_ca,
        });
    let store = match (args.store, args.s3_endpoint, args.s3_bucket) {
        (Some(dir), _, _) => crate::StoreChoice::Folder(dir),
        (None, Some(endpoint), Some(bucket)) => {
            let credential = |flag: Option<String>, var: &str| {
                flag.or_else(|| std::env::var(var).ok())
                    .filter(|v| !v.is_empty())
                    .ok_or_else(|| {
                        ServeError::Input(format!("the S3 store needs {var} (or its --s3-… flag)"))
                    })
            };
            let region = crate::resolve_region(&endpoint, args.s3_region.as_deref())
                .map_err(|e| ServeError::Input(format!("--s3-region: {e}")))?;
            crate::StoreChoice::S3(crate::S3Config {
                endpoint,
                bucket,
                prefix: args.s3_prefix,
                region,
                access_key_id: credential(args.s3_access_key_id, "AWS_ACCESS_KEY_ID")?,
                secret_access_key: credential(args.s3_secret_access_key, "AWS_SECRET_ACCESS_KEY")?,
            })
        }
        // clap requires --store or both S3 flags.
        _ => {
            return Err(ServeError::Input(
                "give --store DIR or --s3-endpoint URL --s3-bucket B".into(),
            ));
        }
    };
    let settings = crate::Settings {
        listen: args.listen,
        store,
        tokens: args.tokens,
        tls,
        max_bytes: args.max_bytes,
        timeouts: ConnectionTimeouts {
            header: Duration::from_secs_f64(args.header_timeout),
            idle: Duration::from_secs_f64(args.idle_timeout),
        },
    };
    if args.check {
        println!("{}", crate::check(&settings)?);
    } else {
        crate::run(&settings)?;
    }
    Ok(())
}

/// A number of seconds above zero and at most a day (clap value parser).
pub fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s <= 86_400.0 => Ok(s),
        _ => Err(format!(
            "`{text}` is not a number of seconds between 0 and 86400"
        )),
    }
}
