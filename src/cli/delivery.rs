//! `svar upload` and `svar receive`: delivering the outbox, and the service that receives it.

use super::{Failure, Outcome, config_path, load_config, positive_seconds};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use svar::config::UploadTarget;
use svar::receive::ConnectionTimeouts;
use svar::upload::{Outcome as Delivery, State, Timeouts, Uploader};

/// The flags of `svar upload`.
#[derive(clap::Args)]
pub struct UploadArgs {
    /// The configuration (outbox, `[[upload]]` targets, kiosk id, audit log). Default:
    /// SVAR_CONFIG, else /etc/svar/svar.toml, when no target flag is given.
    #[arg(long)]
    config: Option<PathBuf>,
    /// The outbox (default: the configuration's).
    #[arg(long)]
    outbox: Option<PathBuf>,
    /// Copy bundles to this folder (a mounted share or removable disk); repeatable.
    #[arg(long)]
    to_folder: Vec<PathBuf>,
    /// Deliver to this receiver's base URL (with --token-file, --client-cert-file or both).
    #[arg(long)]
    to_url: Option<String>,
    /// The file holding the receiver's bearer token.
    #[arg(long, requires = "to_url")]
    token_file: Option<PathBuf>,
    /// An extra CA certificate (PEM) to trust for --to-url.
    #[arg(long, requires = "to_url")]
    ca_file: Option<PathBuf>,
    /// This kiosk's client certificate chain and private key (one PEM file) for --to-url.
    #[arg(long, requires = "to_url")]
    client_cert_file: Option<PathBuf>,
    /// Give up on one request (connecting, sending, waiting for the receipt) after this
    /// many seconds; the bundle stays for the next run.
    #[arg(long, default_value_t = 120.0, value_parser = positive_seconds)]
    timeout: f64,
}

/// Delivers the outbox once and prints what happened; exits 1 when anything failed.
pub fn upload(args: UploadArgs) -> Outcome {
    let mut flags: Vec<UploadTarget> = args
        .to_folder
        .into_iter()
        .map(|path| UploadTarget::Folder { path })
        .collect();
    if let Some(url) = args.to_url {
        if args.token_file.is_none() && args.client_cert_file.is_none() {
            return Err(Failure::input(
                "--to-url needs --token-file, --client-cert-file or both",
            ));
        }
        flags.push(UploadTarget::Https {
            url,
            token_file: args.token_file,
            ca_file: args.ca_file,
            client_cert_file: args.client_cert_file,
        });
    }
    // The configuration is needed unless the flags say everything.
    let config = if args.config.is_some() || flags.is_empty() || args.outbox.is_none() {
        Some(load_config(&config_path(args.config))?)
    } else {
        None
    };
    let targets = match (&config, flags.is_empty()) {
        (Some(c), true) => c.upload.clone(),
        _ => flags,
    };
    if targets.is_empty() {
        return Err(Failure::new(
            "no upload target: give --to-folder or --to-url, or [[upload]] in the configuration",
        ));
    }
    let outbox = args
        .outbox
        .or_else(|| config.as_ref().map(|c| c.outbox.clone()))
        .ok_or_else(|| Failure::new("give --outbox or --config"))?;
    let timeout = Duration::from_secs_f64(args.timeout);
    let timeouts = Timeouts {
        connect: timeout.min(Timeouts::default().connect),
        total: timeout,
    };
    let kiosk = config.as_ref().map(|c| c.kiosk_id.clone());
    let uploader = Uploader::from_config(&targets, timeouts, kiosk)
        .map_err(|e| Failure::new(e.to_string()))?;
    // Deliveries are recorded when the kiosk's store is there; uploading does not need it.
    let mut store = config.as_ref().and_then(|c| {
        if !c.data_folder.join(svar::store::DB_FILE).is_file() {
            return None;
        }
        let key = svar::store::StoreKey::load(&c.store_key).ok()?;
        match svar::store::Store::open(&c.data_folder, key) {
            Ok(store) => Some(store),
            Err(e) => {
                eprintln!("warning: deliveries are not recorded in the audit log: {e}");
                None
            }
        }
    });
    let mut state = State::new(svar::upload::clock_jitter());
    let report = uploader.run_once(
        &outbox,
        &mut state,
        std::time::SystemTime::now(),
        store.as_mut(),
    );
    if let Some(e) = &report.outbox_error {
        eprintln!("error: {e}");
    }
    let (mut failed, mut quarantined) = (0, 0);
    for (name, outcome) in &report.files {
        match outcome {
            Delivery::Delivered => println!("delivered {name}"),
            // A fresh state has no back-off to wait out.
            Delivery::Waiting { .. } => {}
            Delivery::NotSealed => println!("waiting for the kiosk to finish sealing {name}"),
            Delivery::Failed { errors, .. } => {
                failed += 1;
                for e in errors {
                    eprintln!("error: {e}");
                }
            }
            Delivery::Quarantined { error } => {
                quarantined += 1;
                eprintln!("error: {error}; moved to {}", svar::upload::QUARANTINE);
            }
            Delivery::Stuck { error } => {
                failed += 1;
                eprintln!("error: {name}: cannot tidy the outbox: {error}");
            }
        }
    }
    if state.status.unauthorized {
        eprintln!(
            "error: a target refused this kiosk's credentials: check its token, client certificate or access keys"
        );
    }
    println!(
        "delivered {}, failed {failed}, quarantined {quarantined}, left in the outbox {}",
        report.delivered(),
        state.status.pending
    );
    Ok(if report.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
    #[arg(long, default_value_t = svar::receive::DEFAULT_MAX_BYTES)]
    max_bytes: usize,
    /// Seconds a client may take from the first byte of a request to the end of its headers
    /// before it is disconnected (slow or stuck clients must not hold connections).
    #[arg(long, default_value_t = ConnectionTimeouts::default().header.as_secs_f64(), value_parser = positive_seconds)]
    header_timeout: f64,
    /// Seconds a connection may wait for its next request (the first one included) before it
    /// is closed.
    #[arg(long, default_value_t = ConnectionTimeouts::default().idle.as_secs_f64(), value_parser = positive_seconds)]
    idle_timeout: f64,
}

/// Serves uploads until SIGTERM or Ctrl-C.
pub fn receive(args: ReceiveArgs) -> Outcome {
    let tls = args
        .tls_cert
        .zip(args.tls_key)
        .map(|(cert, key)| svar::receive::TlsFiles {
            cert,
            key,
            client_ca: args.client_ca,
        });
    let store = match (args.store, args.s3_endpoint, args.s3_bucket) {
        (Some(dir), _, _) => svar::receive::StoreChoice::Folder(dir),
        (None, Some(endpoint), Some(bucket)) => {
            let credential = |flag: Option<String>, var: &str| {
                flag.or_else(|| std::env::var(var).ok())
                    .filter(|v| !v.is_empty())
                    .ok_or_else(|| {
                        Failure::new(format!("the S3 store needs {var} (or its --s3-… flag)"))
                    })
            };
            let region = svar::receive::resolve_region(&endpoint, args.s3_region.as_deref())
                .map_err(|e| Failure::input(format!("--s3-region: {e}")))?;
            svar::receive::StoreChoice::S3(svar::receive::S3Config {
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
            return Err(Failure::input(
                "give --store DIR or --s3-endpoint URL --s3-bucket B",
            ));
        }
    };
    svar::receive::run(&svar::receive::Settings {
        listen: args.listen,
        store,
        tokens: args.tokens,
        tls,
        max_bytes: args.max_bytes,
        timeouts: ConnectionTimeouts {
            header: Duration::from_secs_f64(args.header_timeout),
            idle: Duration::from_secs_f64(args.idle_timeout),
        },
    })
    .map_err(|e| Failure::new(e.to_string()))?;
    Ok(ExitCode::SUCCESS)
}
