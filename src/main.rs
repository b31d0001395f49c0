//! The `svar` command line.

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;
use svar::answer::Answers;
use svar::diag::Severity;
use svar::library;

/// Svar: a touch-screen questionnaire kiosk for clinics.
///
/// Forms are JSON files in `forms/`, batteries in `forms/batteries/`; see docs/form-format.md.
#[derive(Parser)]
#[command(name = "svar", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check form and battery files; print each problem as PATH:LINE:COL: error[CODE]: message.
    ///
    /// Exits 0 when there are no errors (warnings allowed), 1 when there are.
    Validate {
        /// Files or folders to check (folders are searched recursively).
        #[arg(default_value = "forms")]
        paths: Vec<PathBuf>,
        /// The assets folder for images (default: an `assets` folder beside the forms folder).
        #[arg(long)]
        assets: Option<PathBuf>,
    },
    /// Score one form's answers and print the scores as JSON.
    ///
    /// The answers file is a JSON object from item id to answer. Exits 2 when an answer is
    /// unknown, out of range or of the wrong type, 1 when the form itself does not load.
    Score {
        /// The form file.
        #[arg(long)]
        form: PathBuf,
        /// The answers file.
        #[arg(long)]
        answers: PathBuf,
        /// Apply the band cut-offs of this battery (from the `batteries` folder beside the form).
        #[arg(long)]
        battery: Option<String>,
    },
    /// Open the patient kiosk: fullscreen, on top, and closing refused.
    ///
    /// With --config (or the file named by SVAR_CONFIG, or /etc/svar/svar.toml) the kiosk runs
    /// for a site. `--demo` needs no configuration: the shipped forms and batteries, a fresh
    /// data folder under the system's temporary folder, the demo keys, a random staff PIN shown
    /// on a DEMO ribbon. Staff leave through staff mode; Ctrl+Shift+Q closes it during development.
    Run {
        /// Run the embedded demo (forms/, forms/batteries/, assets/, demo keys).
        #[arg(long, conflicts_with = "config")]
        demo: bool,
        /// The configuration file.
        #[arg(long)]
        config: Option<PathBuf>,
        /// A normal 1280×800 window instead of fullscreen, for development.
        #[arg(long)]
        windowed: bool,
        /// The forms folder (default: forms/ here, else the one this build was made from).
        #[arg(long, requires = "demo")]
        forms: Option<PathBuf>,
        /// The battery the demo's start button runs.
        #[arg(long, default_value = "demo", requires = "demo")]
        battery: String,
        /// Seconds without a touch before "Are you still there?".
        /// Seconds without a touch before "Are you still there?" (default: the configuration's,
        /// or 90 for the demo).
        #[arg(long)]
        idle_seconds: Option<f64>,
    },
    /// Print the JSON Schema of form files (or of battery files).
    Schema {
        /// The battery schema instead of the form schema.
        #[arg(long)]
        battery: bool,
    },
    /// Make a key: an age identity for opening bundles, or (with --device) a kiosk signing key.
    ///
    /// An age identity file is written as `age-keygen` writes it and its public key (age1…)
    /// is printed: give it to kiosks as a recipient. With --device, a minisign key pair is
    /// written: KEY (secret, no password, for the kiosk) and KEY.pub (to enrol on the
    /// receiving side). Existing files are never overwritten.
    Keygen {
        /// The file to write.
        #[arg(long)]
        out: PathBuf,
        /// Write a kiosk device signing key pair instead of an age identity.
        #[arg(long)]
        device: bool,
    },
    /// Fill in a battery or one form from an answers file (back-entry of a paper form) and
    /// seal the result to the outbox; prints the bundle's path.
    ///
    /// The answers file maps form id to an answers object as `svar score` reads it. Every
    /// required question needs an answer. Exits 2 when an answer is unknown, out of range or
    /// of the wrong type, a required answer is missing or the patient id is not valid for its
    /// type; 1 on other errors. With --config the site's keys, ids, outbox and forms are used
    /// (flags override them); without it the embedded demo default (demo keys, not for
    /// patient data).
    Fill {
        /// The battery to fill in.
        #[arg(long, conflicts_with = "form", required_unless_present = "form")]
        battery: Option<String>,
        /// A single form to fill in, with its own bands.
        #[arg(long)]
        form: Option<String>,
        /// The answers file.
        #[arg(long)]
        answers: PathBuf,
        /// The patient's id.
        #[arg(long)]
        patient: String,
        /// The kind of id: fodselsnummer, d_number, h_number, synthetic, cpr or study.
        #[arg(long, default_value = "synthetic")]
        id_type: svar::bundle::IdType,
        /// The visit: baseline, month_6, month_12 or screening.
        #[arg(long, value_parser = parse_serde::<svar::battery::Timepoint>)]
        timepoint: Option<svar::battery::Timepoint>,
        /// The language the answers were given in: nb, nn, da or en.
        #[arg(long, default_value = "nb", value_parser = parse_serde::<svar::text::Lang>)]
        language: svar::text::Lang,
        /// An age public key (age1…) to encrypt to; repeat for several (default: the demo key).
        #[arg(long = "recipient", value_parser = parse_recipient)]
        recipients: Vec<age::x25519::Recipient>,
        /// The folder to write the bundle to (created if missing; default: the configuration's
        /// outbox, else `outbox`).
        #[arg(long)]
        outbox: Option<PathBuf>,
        /// The kiosk's signing key (default: the demo device key).
        #[arg(long)]
        device_key: Option<PathBuf>,
        /// Site id recorded in the bundle (default: the configuration's, else `demo`).
        #[arg(long)]
        site: Option<String>,
        /// Kiosk id recorded in the bundle (default: the configuration's, else `demo`).
        #[arg(long)]
        kiosk: Option<String>,
        /// The forms folder (default: the configuration's, else forms/ here, else the one this
        /// build was made from).
        #[arg(long)]
        forms: Option<PathBuf>,
        /// The kiosk configuration to take keys, ids, outbox, forms and the study id pattern from.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Hash a staff PIN (4–8 digits, read from standard input) for the configuration's
    /// `pin_hash`; the PIN itself is never stored.
    PinHash,
    /// Check a configuration file; print each problem as PATH:LINE:COL: error[CODE]: message.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// The local store's audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Decrypt a sealed bundle, check its signature and print the bundle as JSON.
    ///
    /// Exits 1 with a message saying what is wrong when the file is not an age file, is
    /// truncated, damaged or tampered with, is not for this identity, or is unsigned or not
    /// signed by an enrolled kiosk key.
    Open {
        /// The age identity file (as written by `svar keygen` or `age-keygen`).
        #[arg(long)]
        identity: PathBuf,
        /// A folder of enrolled kiosk public keys (*.pub; default: the demo device key).
        #[arg(long)]
        kiosk_keys: Option<PathBuf>,
        /// The bundle file (*.svar.age).
        bundle: PathBuf,
    },
    /// Decrypt and check every bundle of a folder and write them for analysis: one CSV per
    /// form with a codebook, or JSON Lines.
    ///
    /// Bundles that do not open (truncated, tampered with, wrong key, unsigned, not enrolled,
    /// not a bundle) are skipped, each named on standard error with the reason; the others
    /// are still written. Prints the files written. Exits 1 when any bundle was skipped.
    Export {
        /// The age identity file (as written by `svar keygen` or `age-keygen`).
        #[arg(long)]
        identity: PathBuf,
        /// A folder of enrolled kiosk public keys (*.pub; default: the demo device key).
        #[arg(long)]
        kiosk_keys: Option<PathBuf>,
        /// What to write: `csv` (DIR/<form id>.csv and DIR/codebook.csv) or `jsonl`
        /// (DIR/bundles.jsonl).
        #[arg(long, value_parser = parse_serde::<svar::export::Format>)]
        format: svar::export::Format,
        /// The folder to write to (created if missing; files of the same name are replaced).
        #[arg(long)]
        out: PathBuf,
        /// The forms folder, for column order, labels and values (default: forms/ here, else
        /// the one this build was made from).
        #[arg(long)]
        forms: Option<PathBuf>,
        /// The folder of bundle files (*.svar.age).
        bundle_dir: PathBuf,
    },
    /// Receive bundles that kiosks upload (docs/upload.md) and store each once with a receipt.
    ///
    /// Plain HTTP behind a TLS-terminating reverse proxy, or TLS itself with --tls-cert and
    /// --tls-key (and with --client-ca, only kiosks with a certificate from that CA may
    /// connect). Logs one line per request on standard error; stops after the requests in
    /// flight on SIGTERM or Ctrl-C.
    Receive {
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
        /// The region requests are signed for.
        #[arg(long, requires = "s3_endpoint", default_value = "us-east-1")]
        s3_region: String,
        /// The access key id (default: AWS_ACCESS_KEY_ID).
        #[arg(long, requires = "s3_endpoint")]
        s3_access_key_id: Option<String>,
        /// The secret access key (default: AWS_SECRET_ACCESS_KEY, which keeps it out of the
        /// process list).
        #[arg(long, requires = "s3_endpoint")]
        s3_secret_access_key: Option<String>,
        /// The bearer tokens uploaders may use: one a line, optionally `kiosk_id:token`.
        /// Optional with --client-ca, where the kiosk's certificate is its credential.
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
    },
    /// Deliver the outbox's sealed bundles once (for a cron job or a systemd timer) and print
    /// what happened; see docs/upload.md.
    ///
    /// A bundle leaves the outbox only when every target has confirmed it with a matching
    /// checksum. Targets are the --to-folder and --to-url flags, else the configuration's
    /// `[[upload]]` blocks. With a configuration, deliveries are recorded in the audit log.
    /// Exits 0 when nothing failed, 1 when a delivery failed or a bundle was quarantined.
    Upload {
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
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Check the configuration: exits 0 when it is usable, 1 with its problems when not.
    Check {
        /// The configuration file (default: SVAR_CONFIG, else /etc/svar/svar.toml).
        config: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the audit log's hash chain: exits 0 when intact, 1 naming the first altered,
    /// missing or deleted row.
    Verify(StoreArgs),
    /// Print the audit log, one row per line (no patient data is ever in it).
    List(StoreArgs),
}

/// Where the local store is.
#[derive(clap::Args)]
struct StoreArgs {
    /// The configuration file naming the data folder and store key.
    #[arg(long, conflicts_with_all = ["data", "store_key"])]
    config: Option<PathBuf>,
    /// The data folder (instead of --config).
    #[arg(long, requires = "store_key")]
    data: Option<PathBuf>,
    /// The store key file (instead of --config).
    #[arg(long, requires = "data")]
    store_key: Option<PathBuf>,
}

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    match Cli::parse().command {
        Command::Validate { paths, assets } => validate(&paths, assets.as_deref()),
        Command::Score {
            form,
            answers,
            battery,
        } => score(&form, &answers, battery.as_deref()),
        Command::Run {
            demo,
            config,
            windowed,
            forms,
            battery,
            idle_seconds,
        } => {
            if demo {
                run_demo(windowed, forms, &battery, idle_seconds, started)
            } else {
                run_configured(&config_path(config), windowed, started)
            }
        }
        Command::PinHash => pin_hash(),
        Command::Config {
            command: ConfigCommand::Check { config },
        } => config_check(&config_path(config)),
        Command::Audit { command } => audit(command),
        Command::Schema { battery } => {
            let schema = if battery {
                svar::schema::battery_schema()
            } else {
                svar::schema::form_schema()
            };
            print!("{}", svar::schema::to_file_text(&schema));
            ExitCode::SUCCESS
        }
        Command::Keygen { out, device } => keygen(&out, device),
        Command::Upload {
            config,
            outbox,
            to_folder,
            to_url,
            token_file,
            ca_file,
            client_cert_file,
            timeout,
        } => {
            let mut flags: Vec<svar::config::UploadTarget> = to_folder
                .into_iter()
                .map(|path| svar::config::UploadTarget::Folder { path })
                .collect();
            if let Some(url) = to_url {
                if token_file.is_none() && client_cert_file.is_none() {
                    eprintln!("error: --to-url needs --token-file, --client-cert-file or both");
                    return ExitCode::from(2);
                }
                flags.push(svar::config::UploadTarget::Https {
                    url,
                    token_file,
                    ca_file,
                    client_cert_file,
                });
            }
            // The configuration is needed unless the flags say everything.
            let config = if config.is_some() || flags.is_empty() || outbox.is_none() {
                match load_config(&config_path(config)) {
                    Some(c) => Some(c),
                    None => return ExitCode::from(1),
                }
            } else {
                None
            };
            upload(config, outbox, flags, Duration::from_secs_f64(timeout))
        }
        Command::Fill {
            battery,
            form,
            answers,
            patient,
            id_type,
            timepoint,
            language,
            recipients,
            outbox,
            device_key,
            site,
            kiosk,
            forms,
            config,
        } => {
            let config = match config.as_deref().map(load_config) {
                Some(None) => return ExitCode::from(1),
                Some(Some(c)) => Some(c),
                None => None,
            };
            let pattern = config.as_ref().and_then(|c| c.study_id_pattern.clone());
            let patient = match check_patient(&patient, id_type, pattern.as_deref()) {
                Ok(p) => p,
                Err(message) => {
                    eprintln!("error: --patient: {message}");
                    return ExitCode::from(2);
                }
            };
            let meta = svar::bundle::Meta {
                bundle_id: uuid::Uuid::now_v7(),
                site: site
                    .or_else(|| config.as_ref().map(|c| c.site_id.clone()))
                    .unwrap_or_else(|| "demo".into()),
                kiosk: kiosk
                    .or_else(|| config.as_ref().map(|c| c.kiosk_id.clone()))
                    .unwrap_or_else(|| "demo".into()),
                patient,
                timepoint,
                arm: None,
                consent: None,
                started: svar::bundle::Timestamp::now(),
            };
            let sealing = Sealing {
                recipients: if recipients.is_empty() {
                    config
                        .as_ref()
                        .map(|c| c.recipients.clone())
                        .unwrap_or_default()
                } else {
                    recipients
                },
                device_key: device_key.or_else(|| config.as_ref().map(|c| c.device_key.clone())),
                outbox: outbox
                    .or_else(|| config.as_ref().map(|c| c.outbox.clone()))
                    .unwrap_or_else(|| PathBuf::from("outbox")),
            };
            let forms = forms.or_else(|| config.as_ref().map(|c| c.forms.clone()));
            fill(
                forms_dir(forms),
                battery,
                form,
                &answers,
                language,
                &meta,
                sealing,
            )
        }
        Command::Open {
            identity,
            kiosk_keys,
            bundle,
        } => open(&identity, kiosk_keys.as_deref(), &bundle),
        Command::Export {
            identity,
            kiosk_keys,
            format,
            out,
            forms,
            bundle_dir,
        } => export(
            &identity,
            kiosk_keys.as_deref(),
            &forms_dir(forms),
            format,
            &out,
            &bundle_dir,
        ),
        Command::Receive {
            listen,
            store,
            s3_endpoint,
            s3_bucket,
            s3_prefix,
            s3_region,
            s3_access_key_id,
            s3_secret_access_key,
            tokens,
            tls_cert,
            tls_key,
            client_ca,
            max_bytes,
        } => {
            let tls = tls_cert
                .zip(tls_key)
                .map(|(cert, key)| svar::receive::TlsFiles {
                    cert,
                    key,
                    client_ca,
                });
            let choice = match (store, s3_endpoint, s3_bucket) {
                (Some(dir), _, _) => Ok(svar::receive::StoreChoice::Folder(dir)),
                (None, Some(endpoint), Some(bucket)) => s3_config(
                    endpoint,
                    bucket,
                    s3_prefix,
                    s3_region,
                    s3_access_key_id,
                    s3_secret_access_key,
                )
                .map(svar::receive::StoreChoice::S3),
                // clap requires --store or both S3 flags.
                _ => Err("give --store DIR or --s3-endpoint URL --s3-bucket B".to_owned()),
            };
            match choice.and_then(|store| {
                svar::receive::run(&svar::receive::Settings {
                    listen,
                    store,
                    tokens,
                    tls,
                    max_bytes,
                })
                .map_err(|e| e.to_string())
            }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(1)
                }
            }
        }
    }
}

/// The S3 store's settings from `svar receive`'s flags, with credentials from the environment
/// where no flag gives them.
fn s3_config(
    endpoint: String,
    bucket: String,
    prefix: String,
    region: String,
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
) -> Result<svar::receive::S3Config, String> {
    let credential = |flag: Option<String>, var: &str| {
        flag.or_else(|| std::env::var(var).ok())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("the S3 store needs {var} (or its --s3-… flag)"))
    };
    Ok(svar::receive::S3Config {
        // A plain-HTTP endpoint is only ever given on purpose (a local MinIO, tests).
        endpoint,
        bucket,
        prefix,
        region,
        access_key_id: credential(access_key_id, "AWS_ACCESS_KEY_ID")?,
        secret_access_key: credential(secret_access_key, "AWS_SECRET_ACCESS_KEY")?,
    })
}

fn validate(paths: &[PathBuf], assets: Option<&Path>) -> ExitCode {
    let loaded = library::load_paths(paths, assets);
    for d in &loaded.diagnostics {
        println!("{d}");
    }
    let errors = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = loaded.diagnostics.len() - errors;
    eprintln!(
        "checked {} form(s) and {} batter{}: {errors} error(s), {warnings} warning(s)",
        loaded.forms.len(),
        loaded.batteries.len(),
        if loaded.batteries.len() == 1 {
            "y"
        } else {
            "ies"
        }
    );
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn score(form_path: &Path, answers_path: &Path, battery: Option<&str>) -> ExitCode {
    let form = match library::load_form(form_path, None) {
        Ok((form, _)) => form,
        Err(diagnostics) => {
            for d in diagnostics {
                eprintln!("{d}");
            }
            eprintln!(
                "error: the form {} does not load; fix it first (svar validate)",
                form_path.display()
            );
            return ExitCode::from(1);
        }
    };
    let overrides = match battery {
        None => Vec::new(),
        Some(id) => match battery_overrides(form_path, id, &form) {
            Ok(o) => o,
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(1);
            }
        },
    };
    let value = match read_answers(answers_path) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let answers = match Answers::from_json(&form, &value) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {}: {e}", answers_path.display());
            return ExitCode::from(2);
        }
    };
    let report = svar::score::score(&form, &answers, &overrides);
    println!(
        "{}",
        serde_json::to_string_pretty(&report.to_json(&form)).unwrap_or_default()
    );
    ExitCode::SUCCESS
}

/// The band overrides that battery `id` (in the `batteries` folder beside the form) sets for `form`.
fn battery_overrides(
    form_path: &Path,
    id: &str,
    form: &svar::form::Form,
) -> Result<Vec<svar::battery::BandOverride>, String> {
    let dir = form_path
        .parent()
        .unwrap_or(Path::new("."))
        .join("batteries");
    let path = dir.join(format!("{id}.json"));
    let loaded = library::load_paths(std::slice::from_ref(&path), None);
    let battery = loaded.batteries.get(id).ok_or_else(|| {
        let problems: Vec<String> = loaded.diagnostics.iter().map(ToString::to_string).collect();
        format!(
            "the battery `{id}` does not load from {}:\n{}",
            path.display(),
            problems.join("\n")
        )
    })?;
    let member = battery
        .member(form.id.as_str())
        .ok_or_else(|| format!("the battery `{id}` does not include the form `{}`", form.id))?;
    Ok(member.overrides.clone())
}

/// The forms folder: the one given, `forms/` in the working folder, or the one of this build.
fn forms_dir(given: Option<PathBuf>) -> PathBuf {
    given.unwrap_or_else(|| {
        let here = PathBuf::from("forms");
        if here.is_dir() {
            here
        } else {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("forms")
        }
    })
}

fn pin_hash() -> ExitCode {
    let mut line = String::new();
    if let Err(e) = std::io::stdin().read_line(&mut line) {
        eprintln!("error: cannot read the PIN from standard input: {e}");
        return ExitCode::from(1);
    }
    let pin = line.trim();
    if !(4..=8).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        eprintln!("error: a PIN is 4 to 8 digits");
        return ExitCode::from(2);
    }
    match svar::staff::hash_pin(pin) {
        Ok(hash) => {
            println!("{hash}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot hash the PIN: {e}");
            ExitCode::from(1)
        }
    }
}

/// The configuration file: the one given, else `SVAR_CONFIG`, else `/etc/svar/svar.toml`.
fn config_path(given: Option<PathBuf>) -> PathBuf {
    given
        .or_else(|| std::env::var_os("SVAR_CONFIG").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("/etc/svar/svar.toml"))
}

/// Reads the configuration, printing its problems.
fn load_config(path: &Path) -> Option<svar::config::Config> {
    match svar::config::Config::load(path) {
        Ok(config) => Some(config),
        Err(problems) => {
            for d in &problems {
                println!("{d}");
            }
            eprintln!(
                "error: the configuration {} has {} problem(s)",
                path.display(),
                problems.len()
            );
            None
        }
    }
}

fn config_check(path: &Path) -> ExitCode {
    match load_config(path) {
        Some(config) => {
            eprintln!(
                "{}: ok (site {}, kiosk {}, {} battery(ies), {} staff account(s), {} recipient(s), {} upload target(s))",
                path.display(),
                config.site_id,
                config.kiosk_id,
                config.batteries.len(),
                config.staff.len(),
                config.recipients.len(),
                config.upload.len()
            );
            ExitCode::SUCCESS
        }
        None => ExitCode::from(1),
    }
}

fn audit(command: AuditCommand) -> ExitCode {
    let (args, verify) = match command {
        AuditCommand::Verify(args) => (args, true),
        AuditCommand::List(args) => (args, false),
    };
    let (data, store_key) = match (args.data, args.store_key) {
        (Some(data), Some(key)) => (data, key),
        _ => match load_config(&config_path(args.config)) {
            Some(c) => (c.data_folder, c.store_key),
            None => return ExitCode::from(1),
        },
    };
    if !data.join(svar::store::DB_FILE).is_file() {
        eprintln!("error: there is no local store in {}", data.display());
        return ExitCode::from(1);
    }
    let store = match svar::store::StoreKey::load(&store_key)
        .map_err(svar::setup::SetupError::from)
        .and_then(|key| svar::store::Store::open(&data, key).map_err(Into::into))
    {
        Ok(store) => store,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    if !verify {
        return match store.audit_log() {
            Ok(rows) => {
                for r in rows {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        r.seq,
                        r.at,
                        r.event,
                        r.session.as_deref().unwrap_or("-"),
                        r.staff.as_deref().unwrap_or("-"),
                        r.detail.as_deref().unwrap_or("-")
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(1)
            }
        };
    }
    match store.verify_audit() {
        Ok(Ok(rows)) => {
            println!("the audit log is intact: {rows} row(s), chain and head verified");
            ExitCode::SUCCESS
        }
        Ok(Err(problem)) => {
            eprintln!("error: {}: {problem}", store.path().display());
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Loads the forms folder, printing errors; `None` when it has none of the batteries wanted.
fn load_batteries(forms: &Path, wanted: &[String]) -> Option<library::Loaded> {
    let loaded = library::load_paths(&[forms.to_owned()], None);
    let missing: Vec<&String> = wanted
        .iter()
        .filter(|b| !loaded.batteries.contains_key(*b))
        .collect();
    if missing.is_empty() {
        return Some(loaded);
    }
    for d in loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
    {
        eprintln!("{d}");
    }
    for battery in missing {
        eprintln!(
            "error: there is no valid battery `{battery}` in {}/batteries",
            forms.display()
        );
    }
    None
}

fn run_demo(
    windowed: bool,
    forms: Option<PathBuf>,
    battery: &str,
    idle_seconds: Option<f64>,
    started: std::time::Instant,
) -> ExitCode {
    let forms = forms_dir(forms);
    let Some(loaded) = load_batteries(&forms, &[battery.to_owned()]) else {
        return ExitCode::from(1);
    };
    let folder = std::env::temp_dir().join(format!("svar-demo-{}", uuid::Uuid::now_v7()));
    let records = match svar::setup::demo_records(&folder, &forms, loaded.shared_batteries()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    eprintln!(
        "svar: demo data in {} (bundles in its outbox open with assets/demo-keys/demo-identity.txt)",
        folder.display()
    );
    let assets =
        library::find_assets(&forms.join("x.json")).unwrap_or_else(|| forms.join("../assets"));
    let config = svar::ui::Config {
        battery: std::sync::Arc::new(loaded.batteries[battery].clone()),
        assets,
        clinic: "Svar demo clinic".into(),
        demo: true,
        idle_warn: idle_seconds.unwrap_or(90.0),
        idle_countdown: 30.0,
        thanks_seconds: 8.0,
        default_lang: svar::text::Lang::Nb,
        staff: demo_staff(&loaded),
    };
    open_kiosk(config, records, windowed, started)
}

fn run_configured(path: &Path, windowed: bool, started: std::time::Instant) -> ExitCode {
    if !path.exists() {
        eprintln!(
            "error: there is no configuration {}; give one with --config, or try the demo with `svar run --demo`",
            path.display()
        );
        return ExitCode::from(1);
    }
    let Some(config) = load_config(path) else {
        return ExitCode::from(1);
    };
    let Some(loaded) = load_batteries(&config.forms, &config.batteries) else {
        return ExitCode::from(1);
    };
    let records = match svar::setup::records_from_config(&config, loaded.shared_batteries()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let offered: Vec<std::sync::Arc<svar::battery::Battery>> = config
        .batteries
        .iter()
        .map(|b| std::sync::Arc::new(loaded.batteries[b].clone()))
        .collect();
    let assets = library::find_assets(&config.forms.join("x.json"))
        .unwrap_or_else(|| config.forms.join("../assets"));
    let ui = svar::ui::Config {
        battery: std::sync::Arc::clone(&offered[0]),
        assets,
        clinic: config.site_name.clone(),
        demo: false,
        idle_warn: config.idle_seconds,
        idle_countdown: config.idle_countdown_seconds,
        thanks_seconds: config.thanks_seconds,
        default_lang: config.default_language,
        staff: svar::ui::StaffSettings {
            accounts: config.staff.clone(),
            batteries: offered,
            timepoints: config.timepoints.clone(),
            arms: config.arms.clone(),
            study_id_pattern: config.study_id_pattern.clone(),
            demo_pin: None,
        },
    };
    open_kiosk(ui, records, windowed, started)
}

fn open_kiosk(
    config: svar::ui::Config,
    records: svar::ui::Records,
    windowed: bool,
    started: std::time::Instant,
) -> ExitCode {
    let strings = match svar::i18n::Strings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    match svar::ui::run(config, strings, records, windowed, started) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the kiosk window could not open: {e}");
            ExitCode::from(1)
        }
    }
}

/// Demo staff mode: one account with a fresh random PIN (shown on the demo ribbon) and every
/// shipped battery on offer.
fn demo_staff(loaded: &library::Loaded) -> svar::ui::StaffSettings {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let pin = format!("{:04}", OsRng.next_u32() % 10_000);
    let accounts = svar::staff::hash_pin(&pin)
        .map(|pin_hash| {
            vec![svar::staff::StaffAccount {
                id: "demo".into(),
                name: "Demo".into(),
                pin_hash,
            }]
        })
        .unwrap_or_default();
    svar::ui::StaffSettings {
        accounts,
        batteries: loaded.shared_batteries(),
        timepoints: vec![
            svar::battery::Timepoint::Baseline,
            svar::battery::Timepoint::Month6,
            svar::battery::Timepoint::Month12,
        ],
        arms: vec!["A".into(), "B".into(), "C".into()],
        study_id_pattern: Some("^[A-Z]{2,4}-[0-9]{3,6}$".into()),
        demo_pin: Some(pin),
    }
}

/// Reads a command-line value the way files spell it (`month_6`, `nb`, …).
fn parse_serde<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| format!("`{text}` is not a valid value here"))
}

/// A number of seconds above zero and at most a day (clap value parser).
fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s <= 86_400.0 => Ok(s),
        _ => Err(format!(
            "`{text}` is not a number of seconds between 0 and 86400"
        )),
    }
}

/// Reads an age X25519 public key.
fn parse_recipient(text: &str) -> Result<age::x25519::Recipient, String> {
    text.parse()
        .map_err(|e| format!("not an age public key (age1…): {e}"))
}

fn upload(
    config: Option<svar::config::Config>,
    outbox: Option<PathBuf>,
    flags: Vec<svar::config::UploadTarget>,
    timeout: Duration,
) -> ExitCode {
    use svar::upload::{Outcome, State, Timeouts, Uploader};
    let wanted = match (&config, flags.is_empty()) {
        (Some(c), true) => c.upload.clone(),
        _ => flags,
    };
    if wanted.is_empty() {
        eprintln!(
            "error: no upload target: give --to-folder or --to-url, or [[upload]] in the configuration"
        );
        return ExitCode::from(1);
    }
    let Some(outbox) = outbox.or_else(|| config.as_ref().map(|c| c.outbox.clone())) else {
        eprintln!("error: give --outbox or --config");
        return ExitCode::from(1);
    };
    let kiosk = config.as_ref().map(|c| c.kiosk_id.clone());
    let timeouts = Timeouts {
        connect: timeout.min(Timeouts::default().connect),
        total: timeout,
    };
    let uploader = match Uploader::from_config(&wanted, timeouts, kiosk) {
        Ok(u) => u,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
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
            Outcome::Delivered => println!("delivered {name}"),
            // A fresh state has no back-off to wait out.
            Outcome::Waiting { .. } => {}
            Outcome::NotSealed => println!("waiting for the kiosk to finish sealing {name}"),
            Outcome::Failed { errors, .. } => {
                failed += 1;
                for e in errors {
                    eprintln!("error: {e}");
                }
            }
            Outcome::Quarantined { error } => {
                quarantined += 1;
                eprintln!("error: {error}; moved to {}", svar::upload::QUARANTINE);
            }
            Outcome::Stuck { error } => {
                failed += 1;
                eprintln!("error: {name}: cannot tidy the outbox: {error}");
            }
        }
    }
    if state.status.unauthorized {
        eprintln!("error: a receiver refused the token: check the token file");
    }
    println!(
        "delivered {}, failed {failed}, quarantined {quarantined}, left in the outbox {}",
        report.delivered(),
        state.status.pending
    );
    if report.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn keygen(out: &Path, device: bool) -> ExitCode {
    let written = if device {
        svar::bundle::DeviceKey::generate().and_then(|key| {
            let public = key.write(out)?;
            eprintln!(
                "wrote the device key {} to {} and its public key to {}",
                key.key_id(),
                out.display(),
                public.display()
            );
            Ok(key.key_id())
        })
    } else {
        svar::bundle::write_identity(out).map(|recipient| {
            eprintln!(
                "wrote an age identity to {}; its public key:",
                out.display()
            );
            recipient.to_string()
        })
    };
    match written {
        Ok(public) => {
            println!("{public}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

/// Checks a patient id given on the command line against its declared type. The message never
/// repeats the id.
fn check_patient(
    id: &str,
    kind: svar::bundle::IdType,
    study_pattern: Option<&str>,
) -> Result<svar::bundle::Patient, String> {
    use svar::patient_id::{self, CprRule, IdKind, StudyIdPattern};
    let checked = match kind {
        IdKind::Fodselsnummer | IdKind::DNumber | IdKind::HNumber | IdKind::Synthetic => {
            patient_id::parse_norwegian(id).map_err(|e| e.to_string())?
        }
        IdKind::Cpr => patient_id::parse_cpr(id, CprRule::DateOnly).map_err(|e| e.to_string())?,
        IdKind::Study => StudyIdPattern::new(study_pattern.unwrap_or(".+"))
            .and_then(|p| p.parse(id))
            .map_err(|e| e.to_string())?,
    };
    if checked.kind() != kind {
        return Err(format!(
            "the number is a valid {}, not a {} (check --id-type)",
            checked.kind().as_str(),
            kind.as_str()
        ));
    }
    Ok(svar::bundle::Patient {
        id: checked.as_str().to_owned(),
        id_type: kind,
    })
}

/// Where and how `svar fill` seals.
struct Sealing {
    recipients: Vec<age::x25519::Recipient>,
    device_key: Option<PathBuf>,
    outbox: PathBuf,
}

fn fill(
    forms: PathBuf,
    battery: Option<String>,
    form: Option<String>,
    answers_path: &Path,
    lang: svar::text::Lang,
    meta: &svar::bundle::Meta,
    sealing: Sealing,
) -> ExitCode {
    use svar::bundle::{self, Subject};
    let fail = |message: String| {
        eprintln!("error: {message}");
        ExitCode::from(1)
    };
    let loaded = library::load_paths(std::slice::from_ref(&forms), None);
    let subject = match (&battery, &form) {
        (Some(id), _) => loaded
            .batteries
            .get(id)
            .map(|b| Subject::Battery(std::sync::Arc::new(b.clone()))),
        (None, Some(id)) => loaded
            .forms
            .get(id)
            .map(|f| Subject::Form(std::sync::Arc::clone(f))),
        (None, None) => None,
    };
    let Some(subject) = subject else {
        for d in loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
        {
            eprintln!("{d}");
        }
        let what = battery.map_or_else(
            || format!("form `{}`", form.unwrap_or_default()),
            |b| format!("battery `{b}`"),
        );
        return fail(format!("there is no valid {what} in {}", forms.display()));
    };
    let hashes = match bundle::FormHashes::of_folder(&forms) {
        Ok(h) => h,
        Err(e) => return fail(e.to_string()),
    };
    let answers = match read_answers(answers_path) {
        Ok(v) => v,
        Err(code) => return code,
    };
    let filled = match bundle::fill(subject, lang, &answers, meta, &hashes) {
        Ok(f) => f,
        Err(e @ (bundle::FillError::Language(_) | bundle::FillError::Timepoint)) => {
            return fail(e.to_string());
        }
        Err(bundle::FillError::Bundle(e)) => return fail(e.to_string()),
        Err(e) => {
            eprintln!("error: {}: {e}", answers_path.display());
            return ExitCode::from(2);
        }
    };
    for (form, item) in &filled.hidden {
        eprintln!(
            "warning: form `{form}`, item `{item}`: not shown given the other answers, so its answer is not kept"
        );
    }
    let demo_keys = sealing.recipients.is_empty() || sealing.device_key.is_none();
    let recipients = if sealing.recipients.is_empty() {
        vec![bundle::demo_recipient()]
    } else {
        sealing.recipients
    };
    let signer = match &sealing.device_key {
        Some(path) => match bundle::DeviceKey::load(path) {
            Ok(key) => key,
            Err(e) => return fail(e.to_string()),
        },
        None => bundle::DeviceKey::demo(),
    };
    if demo_keys {
        eprintln!("note: sealing with demo keys (assets/demo-keys): not for patient data");
    }
    if let Err(e) = std::fs::create_dir_all(&sealing.outbox) {
        return fail(format!(
            "cannot create the outbox {}: {e}",
            sealing.outbox.display()
        ));
    }
    match bundle::seal(&filled.bundle, &recipients, &signer, &sealing.outbox) {
        Ok(path) => {
            println!("{}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(e.to_string()),
    }
}

/// The identity to decrypt with and the kiosk keys to trust (the demo key by default).
fn receiver_keys(
    identity: &Path,
    kiosk_keys: Option<&Path>,
) -> Result<(svar::bundle::Identities, svar::bundle::KioskKeys), svar::bundle::KeyError> {
    let identities = svar::bundle::Identities::load(identity)?;
    let kiosk = match kiosk_keys {
        Some(dir) => svar::bundle::KioskKeys::load_folder(dir)?,
        None => svar::bundle::KioskKeys::demo(),
    };
    Ok((identities, kiosk))
}

fn open(identity: &Path, kiosk_keys: Option<&Path>, path: &Path) -> ExitCode {
    let opened = receiver_keys(identity, kiosk_keys)
        .map_err(|e| e.to_string())
        .and_then(|(identities, kiosk)| {
            svar::bundle::open(path, &identities, &kiosk).map_err(|e| e.to_string())
        })
        .and_then(|b| serde_json::to_string_pretty(&b).map_err(|e| e.to_string()));
    match opened {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

fn export(
    identity: &Path,
    kiosk_keys: Option<&Path>,
    forms: &Path,
    format: svar::export::Format,
    out: &Path,
    bundle_dir: &Path,
) -> ExitCode {
    let exported = receiver_keys(identity, kiosk_keys)
        .map_err(|e| e.to_string())
        .and_then(|(identities, kiosk)| {
            svar::export::run(bundle_dir, &identities, &kiosk, Some(forms), format, out)
                .map_err(|e| e.to_string())
        });
    let report = match exported {
        Ok(report) => report,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(1);
        }
    };
    for skipped in &report.skipped {
        // The reason names the file; like every open error it carries no patient data.
        eprintln!("skipped: {}", skipped.reason);
    }
    for path in &report.written {
        println!("{}", path.display());
    }
    eprintln!(
        "exported {} bundles, skipped {}",
        report.exported,
        report.skipped.len()
    );
    if report.skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Reads an answers file as JSON; on failure says why on standard error and gives exit code 2.
fn read_answers(path: &Path) -> Result<serde_json::Value, ExitCode> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        eprintln!(
            "error: cannot read the answers file {}: {e}",
            path.display()
        );
        ExitCode::from(2)
    })?;
    serde_json::from_str(&text).map_err(|e| {
        // serde's message quotes no input beyond the position, so no answer leaks here.
        eprintln!(
            "error: {}:{}:{}: the answers file is not valid JSON",
            path.display(),
            e.line(),
            e.column()
        );
        ExitCode::from(2)
    })
}
