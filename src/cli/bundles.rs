//! `svar keygen`, `svar fill`, `svar open` and `svar export`: making keys, sealing a paper
//! form's answers, and opening sealed bundles on the receiving side.

use super::{Failure, Outcome, forms_dir, load_config, parse_recipient, parse_serde, read_answers};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use svar_bundle::{self as bundle, Subject};
use svar_forms::diag::Severity;
use svar_forms::library;

/// The flags of `svar keygen`.
#[derive(clap::Args)]
pub struct KeygenArgs {
    /// The file to write.
    #[arg(long)]
    out: PathBuf,
    /// Write a kiosk device signing key pair instead of an age identity.
    #[arg(long)]
    device: bool,
}

/// Writes a new age identity or device key and prints its public key.
pub fn keygen(args: KeygenArgs) -> Outcome {
    let out = &args.out;
    let public = if args.device {
        bundle::DeviceKey::generate().and_then(|key| {
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
        bundle::write_identity(out).map(|recipient| {
            eprintln!(
                "wrote an age identity to {}; its public key:",
                out.display()
            );
            recipient.to_string()
        })
    }
    .map_err(|e| Failure::new(e.to_string()))?;
    println!("{public}");
    Ok(ExitCode::SUCCESS)
}

/// The flags of `svar fill`.
#[derive(clap::Args)]
pub struct FillArgs {
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
    id_type: bundle::IdType,
    /// The visit: baseline, month_6, month_12 or screening.
    #[arg(long, value_parser = parse_serde::<svar_forms::battery::Timepoint>)]
    timepoint: Option<svar_forms::battery::Timepoint>,
    /// The language the answers were given in: nb, nn, da or en.
    #[arg(long, default_value = "nb", value_parser = parse_serde::<svar_forms::text::Lang>)]
    language: svar_forms::text::Lang,
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
}

/// Fills in a battery or form from an answers file and seals it to the outbox; prints the
/// bundle's path. Flags override the configuration; without either, the demo keys are used.
pub fn fill(args: FillArgs) -> Outcome {
    let config = args.config.as_deref().map(load_config).transpose()?;
    let pattern = config.as_ref().and_then(|c| c.study_id_pattern.as_deref());
    let patient = check_patient(&args.patient, args.id_type, pattern)
        .map_err(|message| Failure::input(format!("--patient: {message}")))?;
    let from_config = |given: Option<String>, of: fn(&svar_kiosk::config::Config) -> &String| {
        given
            .or_else(|| config.as_ref().map(|c| of(c).clone()))
            .unwrap_or_else(|| "demo".into())
    };
    let meta = bundle::Meta {
        bundle_id: uuid::Uuid::now_v7(),
        site: from_config(args.site, |c| &c.site_id),
        kiosk: from_config(args.kiosk, |c| &c.kiosk_id),
        patient,
        timepoint: args.timepoint,
        arm: None,
        consent: None,
        started: bundle::Timestamp::now(),
    };
    let recipients = if args.recipients.is_empty() {
        config
            .as_ref()
            .map(|c| c.recipients.clone())
            .unwrap_or_default()
    } else {
        args.recipients
    };
    let device_key = args
        .device_key
        .or_else(|| config.as_ref().map(|c| c.device_key.clone()));
    let outbox = args
        .outbox
        .or_else(|| config.as_ref().map(|c| c.outbox.clone()))
        .unwrap_or_else(|| PathBuf::from("outbox"));
    let forms = forms_dir(
        args.forms
            .or_else(|| config.as_ref().map(|c| c.forms.clone())),
    );

    let subject = load_subject(&forms, args.battery, args.form)?;
    let hashes = bundle::FormHashes::of_folder(&forms);
    let answers = read_answers(&args.answers)?;
    let filled = match bundle::fill(subject, args.language, &answers, &meta, &hashes) {
        Ok(f) => f,
        Err(e @ (bundle::FillError::Language(_) | bundle::FillError::Timepoint)) => {
            return Err(Failure::new(e.to_string()));
        }
        Err(bundle::FillError::Bundle(e)) => return Err(Failure::new(e.to_string())),
        Err(e) => {
            return Err(Failure::input(format!("{}: {e}", args.answers.display())));
        }
    };
    for (form, item) in &filled.hidden {
        eprintln!(
            "warning: form `{form}`, item `{item}`: not shown given the other answers, so its answer is not kept"
        );
    }
    let demo_keys = recipients.is_empty() || device_key.is_none();
    let recipients = if recipients.is_empty() {
        vec![bundle::demo_recipient()]
    } else {
        recipients
    };
    let signer = match &device_key {
        Some(path) => bundle::DeviceKey::load(path).map_err(|e| Failure::new(e.to_string()))?,
        None => bundle::DeviceKey::demo(),
    };
    if demo_keys {
        eprintln!("note: sealing with demo keys (assets/demo-keys): not for patient data");
    }
    std::fs::create_dir_all(&outbox).map_err(|e| {
        Failure::new(format!(
            "cannot create the outbox {}: {e}",
            outbox.display()
        ))
    })?;
    let path = bundle::seal(&filled.bundle, &recipients, &signer, &outbox)
        .map_err(|e| Failure::new(e.to_string()))?;
    println!("{}", path.display());
    Ok(ExitCode::SUCCESS)
}

/// The battery or form to fill in, from the forms folder; its errors are printed when it does
/// not load.
fn load_subject(
    forms: &Path,
    battery: Option<String>,
    form: Option<String>,
) -> Result<Subject, Failure> {
    let loaded = library::load_paths(&[forms.to_owned()], None);
    let subject = match (&battery, &form) {
        (Some(id), _) => loaded
            .batteries
            .get(id)
            .map(|b| Subject::Battery(Arc::new(b.clone()))),
        (None, Some(id)) => loaded.forms.get(id).map(|f| Subject::Form(Arc::clone(f))),
        (None, None) => None,
    };
    subject.ok_or_else(|| {
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
        Failure::new(format!("there is no valid {what} in {}", forms.display()))
    })
}

/// Checks a patient id given on the command line against its declared type. The message never
/// repeats the id.
fn check_patient(
    id: &str,
    kind: bundle::IdType,
    study_pattern: Option<&str>,
) -> Result<bundle::Patient, String> {
    use svar_forms::patient_id::{self, CprRule, IdKind, StudyIdPattern};
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
    Ok(bundle::Patient {
        id: checked.as_str().to_owned(),
        id_type: kind,
    })
}

/// The keys of the receiving side, as `svar open` and `svar export` take them.
#[derive(clap::Args)]
pub struct ReceiverKeys {
    /// The age identity file (as written by `svar keygen` or `age-keygen`).
    #[arg(long)]
    identity: PathBuf,
    /// The folder of enrolled kiosk public keys, each named for its kiosk (`<kiosk id>.pub`).
    #[arg(long)]
    kiosk_keys: Option<PathBuf>,
    /// Trust the demo kiosk key instead, whose secret is public: for the demo and test data
    /// only, never for patient data.
    #[arg(long, conflicts_with = "kiosk_keys")]
    demo: bool,
}

impl ReceiverKeys {
    /// The identity to decrypt with and the kiosk keys to trust. No key is trusted by default:
    /// without `--kiosk-keys` or `--demo` this is bad input (exit status 2).
    fn load(&self) -> Result<(bundle::Identities, bundle::KioskKeys), Failure> {
        if self.kiosk_keys.is_none() && !self.demo {
            return Err(Failure::input(
                "no kiosk key is trusted by default: give --kiosk-keys DIR, the folder of the \
                 enrolled kiosks' public keys (each named <kiosk id>.pub), or --demo to open the \
                 demo's test bundles",
            ));
        }
        let load = || {
            let identities = bundle::Identities::load(&self.identity)?;
            let kiosk = match &self.kiosk_keys {
                Some(dir) => bundle::KioskKeys::load_folder(dir)?,
                None => {
                    eprintln!(
                        "warning: --demo trusts the demo kiosk key, whose secret is public: \
                         anyone can sign a bundle that opens with it; never use it for patient data"
                    );
                    bundle::KioskKeys::demo()
                }
            };
            Ok::<_, bundle::KeyError>((identities, kiosk))
        };
        load().map_err(|e| Failure::new(e.to_string()))
    }
}

/// The flags of `svar open`.
#[derive(clap::Args)]
pub struct OpenArgs {
    #[command(flatten)]
    keys: ReceiverKeys,
    /// The bundle file (*.svar.age).
    bundle: PathBuf,
}

/// Decrypts one bundle, checks its signature and prints it as JSON.
pub fn open(args: OpenArgs) -> Outcome {
    let (identities, kiosk) = args.keys.load()?;
    let opened =
        bundle::open(&args.bundle, &identities, &kiosk).map_err(|e| Failure::new(e.to_string()))?;
    let json = serde_json::to_string_pretty(&opened)
        .map_err(|e| Failure::new(format!("cannot write the bundle as JSON: {e}")))?;
    println!("{json}");
    Ok(ExitCode::SUCCESS)
}

/// The flags of `svar export`.
#[derive(clap::Args)]
pub struct ExportArgs {
    #[command(flatten)]
    keys: ReceiverKeys,
    /// What to write: `csv` (DIR/<form id>.csv and DIR/codebook.csv), `jsonl`
    /// (DIR/bundles.jsonl), `fhir` (DIR/<bundle id>.fhir.json, FHIR R4) or `fhir-ndjson`
    /// (DIR/resources.ndjson).
    #[arg(long, value_parser = parse_serde::<svar_bundle::export::Format>)]
    format: svar_bundle::export::Format,
    /// The folder to write to (created if missing; files of the same name are replaced).
    #[arg(long)]
    out: PathBuf,
    /// The forms folder, for column order, labels and values (default: forms/ here, else
    /// /usr/share/svar/forms, else the one this build was made from).
    #[arg(long)]
    forms: Option<PathBuf>,
    /// FHIR: the identifier system of study ids, the study's own URI (default:
    /// urn:svar:study:<site id>).
    #[arg(long)]
    study_system: Option<String>,
    /// The folders of bundle files (*.svar.age); a bundle in several is exported once.
    #[arg(required = true)]
    bundle_dirs: Vec<PathBuf>,
}

/// Exports every bundle of the folders; exits 1 when any was skipped (a duplicate is not).
pub fn export(args: ExportArgs) -> Outcome {
    let (identities, kiosk) = args.keys.load()?;
    let forms = forms_dir(args.forms);
    let dirs: Vec<&Path> = args.bundle_dirs.iter().map(PathBuf::as_path).collect();
    let report = svar_bundle::export::run(
        &dirs,
        &identities,
        &kiosk,
        Some(&forms),
        args.format,
        args.study_system.as_deref(),
        &args.out,
    )
    .map_err(|e| Failure::new(e.to_string()))?;
    for skipped in &report.skipped {
        // The reason names the file; like every open error it carries no patient data.
        eprintln!("skipped: {}", skipped.reason);
    }
    for d in &report.duplicates {
        eprintln!(
            "duplicate: {}: the same bundle as {}, exported once",
            d.file.display(),
            d.first.display()
        );
    }
    for path in &report.written {
        println!("{}", path.display());
    }
    let duplicates = match report.duplicates.len() {
        0 => String::new(),
        n => format!(", {n} duplicate(s) exported once"),
    };
    eprintln!(
        "exported {} bundles, skipped {}{duplicates}",
        report.exported,
        report.skipped.len()
    );
    Ok(if report.skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
