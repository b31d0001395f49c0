//! `svar run`, `svar pin-hash`, `svar config` and `svar audit`: the kiosk itself and what a
//! site's staff set up and check around it.

use super::{Failure, Outcome, config_path, forms_dir, load_config};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;
use svar_forms::diag::Severity;
use svar_forms::library;

/// The flags of `svar run`.
#[derive(clap::Args)]
pub struct RunArgs {
    /// Run the embedded demo (forms/, forms/batteries/, assets/, demo keys).
    #[arg(long, conflicts_with = "config")]
    demo: bool,
    /// The configuration file.
    #[arg(long)]
    config: Option<PathBuf>,
    /// A normal 1280×800 window instead of fullscreen, for development.
    #[arg(long)]
    windowed: bool,
    /// The forms folder (default: forms/ here, else /usr/share/svar/forms, else the one this
    /// build was made from).
    #[arg(long, requires = "demo")]
    forms: Option<PathBuf>,
    /// The battery the demo's start button runs.
    #[arg(long, default_value = "demo", requires = "demo")]
    battery: String,
    /// Seconds without a touch before "Are you still there?" (default: the configuration's,
    /// or 90 for the demo).
    #[arg(long)]
    idle_seconds: Option<f64>,
}

/// Opens the kiosk window on the demo or a site's configuration; returns when staff close it.
/// `started` is when the process started, for the start-up time in the audit log.
pub fn run(args: RunArgs, started: Instant) -> Outcome {
    if args.demo {
        run_demo(args, started)
    } else {
        run_configured(&config_path(args.config), args.windowed, started)
    }
}

/// Loads the forms folder, printing its errors when it lacks any of the batteries wanted.
fn load_batteries(
    forms: &Path,
    assets: Option<&Path>,
    wanted: &[String],
) -> Result<library::Loaded, Failure> {
    let loaded = library::load_paths(&[forms.to_owned()], assets);
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|b| !loaded.batteries.contains_key(*b))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        return Ok(loaded);
    }
    for d in loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
    {
        eprintln!("{d}");
    }
    Err(Failure::new(format!(
        "there is no valid battery `{}` in {}/batteries",
        missing.join("`, `"),
        forms.display()
    )))
}

fn run_demo(args: RunArgs, started: Instant) -> Outcome {
    let forms = forms_dir(args.forms);
    let loaded = load_batteries(&forms, None, std::slice::from_ref(&args.battery))?;
    let folder = std::env::temp_dir().join(format!("svar-demo-{}", uuid::Uuid::now_v7()));
    let records = svar_kiosk::setup::demo_records(
        &folder,
        svar_bundle::FormHashes::of_loaded(&loaded),
        loaded.shared_batteries(),
    )
    .map_err(|e| Failure::new(e.to_string()))?;
    eprintln!(
        "svar: demo data in {} (bundles in its outbox open with assets/demo-keys/demo-identity.txt)",
        folder.display()
    );
    let assets =
        library::find_assets(&forms.join("x.json")).unwrap_or_else(|| forms.join("../assets"));
    let config = svar_kiosk::ui::Config {
        battery: Arc::new(loaded.batteries[&args.battery].clone()),
        assets,
        clinic: svar_kiosk::config::ClinicName::per_language([
            (svar_forms::text::Lang::Nb, "Svar demoklinikk".to_owned()),
            (svar_forms::text::Lang::Nn, "Svar demoklinikk".to_owned()),
            (svar_forms::text::Lang::Da, "Svar demoklinik".to_owned()),
            (svar_forms::text::Lang::En, "Svar demo clinic".to_owned()),
        ]),
        demo: true,
        idle_warn: args.idle_seconds.unwrap_or(90.0),
        idle_countdown: 30.0,
        thanks_seconds: 8.0,
        pause_seconds: 30.0 * 60.0,
        default_lang: svar_forms::text::Lang::Nb,
        staff: demo_staff(&loaded)?,
    };
    open_kiosk(config, records, args.windowed, started)
}

fn run_configured(path: &Path, windowed: bool, started: Instant) -> Outcome {
    if !path.exists() {
        return Err(Failure::new(format!(
            "there is no configuration {}; give one with --config, or try the demo with `svar run --demo`",
            path.display()
        )));
    }
    let config = load_config(path)?;
    let loaded = load_batteries(&config.forms, config.assets.as_deref(), &config.batteries)?;
    let records = svar_kiosk::setup::records_from_config(
        &config,
        loaded.shared_batteries(),
        svar_bundle::FormHashes::of_loaded(&loaded),
    )
    .map_err(|e| Failure::new(e.to_string()))?;
    let offered: Vec<Arc<svar_forms::battery::Battery>> = config
        .batteries
        .iter()
        .map(|b| Arc::new(loaded.batteries[b].clone()))
        .collect();
    // `Config::load` refuses a configuration that offers no battery.
    let first = offered
        .first()
        .cloned()
        .ok_or_else(|| Failure::new(format!("{}: no battery is offered", path.display())))?;
    let assets = config
        .assets
        .clone()
        .or_else(|| library::find_assets(&config.forms.join("x.json")))
        .unwrap_or_else(|| config.forms.join("../assets"));
    let ui = svar_kiosk::ui::Config {
        battery: first,
        assets,
        clinic: config.site_name.clone(),
        demo: false,
        idle_warn: config.idle_seconds,
        idle_countdown: config.idle_countdown_seconds,
        thanks_seconds: config.thanks_seconds,
        pause_seconds: config.pause_minutes * 60.0,
        default_lang: config.default_language,
        staff: svar_kiosk::ui::StaffSettings {
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
    config: svar_kiosk::ui::Config,
    records: svar_kiosk::ui::Records,
    windowed: bool,
    started: Instant,
) -> Outcome {
    let strings = svar_kiosk::i18n::Strings::load().map_err(|e| Failure::new(e.to_string()))?;
    svar_kiosk::ui::run(config, strings, records, windowed, started)
        .map_err(|e| Failure::new(format!("the kiosk window could not open: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

/// Demo staff mode: one account with a fresh random PIN (shown on the demo ribbon) and every
/// shipped battery on offer. Without the account staff could not leave the kiosk, so a PIN
/// that cannot be hashed stops the start.
fn demo_staff(loaded: &library::Loaded) -> Result<svar_kiosk::ui::StaffSettings, Failure> {
    use argon2::password_hash::rand_core::{OsRng, RngCore};
    let pin = format!("{:04}", OsRng.next_u32() % 10_000);
    let pin_hash = svar_kiosk::staff::hash_pin(&pin)
        .map_err(|e| Failure::new(format!("cannot hash the demo staff PIN: {e}")))?;
    Ok(svar_kiosk::ui::StaffSettings {
        accounts: vec![svar_kiosk::staff::StaffAccount {
            id: "demo".into(),
            name: "Demo".into(),
            pin_hash,
        }],
        batteries: loaded.shared_batteries(),
        timepoints: vec![
            svar_forms::battery::Timepoint::Baseline,
            svar_forms::battery::Timepoint::Month6,
            svar_forms::battery::Timepoint::Month12,
        ],
        arms: vec!["A".into(), "B".into(), "C".into()],
        study_id_pattern: Some("^[A-Z]{2,4}-[0-9]{3,6}$".into()),
        demo_pin: Some(pin),
    })
}

/// Reads a staff PIN and prints its hash for the configuration's `pin_hash`. On a terminal the
/// PIN is asked for twice and never shown, so it stays out of the screen and the shell's
/// history; otherwise (a script) it is one line of standard input.
pub fn pin_hash() -> Outcome {
    use std::io::IsTerminal;
    use zeroize::Zeroizing;
    let line = if std::io::stdin().is_terminal() {
        let ask = |prompt: &str| {
            rpassword::prompt_password(prompt)
                .map(Zeroizing::new)
                .map_err(|e| Failure::new(format!("cannot read the PIN from the terminal: {e}")))
        };
        let first = ask("Staff PIN (4 to 8 digits): ")?;
        if *ask("The same PIN again: ")? != *first {
            return Err(Failure::input(
                "the two PINs differ; run svar pin-hash again",
            ));
        }
        first
    } else {
        let mut line = Zeroizing::new(String::new());
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| Failure::new(format!("cannot read the PIN from standard input: {e}")))?;
        line
    };
    let pin = line.trim();
    if !(4..=8).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Failure::input("a PIN is 4 to 8 digits"));
    }
    let hash = svar_kiosk::staff::hash_pin(pin)
        .map_err(|e| Failure::new(format!("cannot hash the PIN: {e}")))?;
    println!("{hash}");
    Ok(ExitCode::SUCCESS)
}

/// The subcommands of `svar config`.
#[derive(clap::Subcommand)]
pub enum ConfigCommand {
    /// Check the configuration: exits 0 when it is usable, 1 with its problems when not.
    Check {
        /// The configuration file (default: SVAR_CONFIG, else /etc/svar/svar.toml).
        config: Option<PathBuf>,
    },
}

/// Runs a `svar config` subcommand.
pub fn config(command: ConfigCommand) -> Outcome {
    let ConfigCommand::Check { config } = command;
    let path = config_path(config);
    let config = load_config(&path)?;
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
    Ok(ExitCode::SUCCESS)
}

/// The subcommands of `svar audit`.
#[derive(clap::Subcommand)]
pub enum AuditCommand {
    /// Check the audit log's hash chain: exits 0 when intact, 1 naming the first altered,
    /// missing or deleted row.
    Verify(StoreArgs),
    /// Print the audit log, one row per line (no patient data is ever in it).
    List(StoreArgs),
}

/// Where the local store is.
#[derive(clap::Args)]
pub struct StoreArgs {
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

impl StoreArgs {
    /// Opens the local store these flags name.
    fn open(self) -> Result<svar_store::Store, Failure> {
        let (data, store_key) = match (self.data, self.store_key) {
            (Some(data), Some(key)) => (data, key),
            _ => {
                let c = load_config(&config_path(self.config))?;
                (c.data_folder, c.store_key)
            }
        };
        if !data.join(svar_store::DB_FILE).is_file() {
            return Err(Failure::new(format!(
                "there is no local store in {}",
                data.display()
            )));
        }
        svar_store::StoreKey::load(&store_key)
            .map_err(svar_kiosk::setup::SetupError::from)
            .and_then(|key| svar_store::Store::open(&data, key).map_err(Into::into))
            .map_err(|e| Failure::new(e.to_string()))
    }
}

/// Runs a `svar audit` subcommand.
pub fn audit(command: AuditCommand) -> Outcome {
    match command {
        AuditCommand::List(args) => {
            let rows = args
                .open()?
                .audit_log()
                .map_err(|e| Failure::new(e.to_string()))?;
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
            Ok(ExitCode::SUCCESS)
        }
        AuditCommand::Verify(args) => {
            let store = args.open()?;
            match store.verify_audit() {
                Ok(Ok(rows)) => {
                    println!("the audit log is intact: {rows} row(s), chain and head verified");
                    Ok(ExitCode::SUCCESS)
                }
                Ok(Err(problem)) => Err(Failure::new(format!(
                    "{}: {problem}",
                    store.path().display()
                ))),
                Err(e) => Err(Failure::new(e.to_string())),
            }
        }
    }
}
