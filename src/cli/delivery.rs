//! `svar upload` and `svar receive`: delivering the outbox, and the service that receives it.

use super::{Failure, Outcome, config_path, load_config};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;
use svar_kiosk::config::UploadTarget;
use svar_receive::cli::positive_seconds;
use svar_upload::{Outcome as Delivery, State, Timeouts, Uploader};

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
    let mut journal = config.as_ref().and_then(|c| {
        if !c.data_folder.join(svar_store::DB_FILE).is_file() {
            return None;
        }
        let key = svar_store::StoreKey::load(&c.store_key).ok()?;
        match svar_store::Store::open(&c.data_folder, key) {
            Ok(store) => Some(svar_kiosk::setup::StoreJournal(store)),
            Err(e) => {
                eprintln!("warning: deliveries are not recorded in the audit log: {e}");
                None
            }
        }
    });
    let mut state = State::new(svar_upload::clock_jitter());
    let report = uploader.run_once(
        &outbox,
        &mut state,
        std::time::SystemTime::now(),
        journal.as_mut().map(|j| j as &mut dyn svar_upload::Journal),
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
                eprintln!("error: {error}; moved to {}", svar_upload::QUARANTINE);
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

/// Serves uploads until SIGTERM or Ctrl-C (`svar receive`, the same as `svar-receive`).
pub fn receive(args: svar_receive::cli::ReceiveArgs) -> Outcome {
    svar_receive::cli::serve(args).map_err(|e| match e {
        svar_receive::cli::ServeError::Input(message) => Failure::input(message),
        e => Failure::new(e.to_string()),
    })?;
    Ok(ExitCode::SUCCESS)
}
