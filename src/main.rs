//! The `svar` command line: the commands and their help; each runs in its module of `cli/`.

mod cli;

use clap::{Parser, Subcommand};
use cli::{bundles, delivery, doctor, forms, kiosk, spreadsheets};
use std::process::ExitCode;

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
    Validate(forms::ValidateArgs),
    /// Score one form's answers and print the scores as JSON.
    ///
    /// The answers file is a JSON object from item id to answer. Exits 2 when an answer is
    /// unknown, out of range or of the wrong type, 1 when the form itself does not load.
    Score(forms::ScoreArgs),
    /// Open a form or battery file in a window as a patient meets it, beside a panel with the
    /// live scores, bands and flags, how each question may be answered, and the file's problems.
    ///
    /// The window reads the file again whenever it is saved, keeping the answers whose
    /// questions still exist; a broken file shows its problems until it is fixed. Nothing is
    /// stored and no bundle is made. A battery is a file in a `batteries` folder; it uses the
    /// forms beside that folder.
    Preview(forms::PreviewArgs),
    /// Make Svar forms from XLSForm workbooks, REDCap data dictionaries and FHIR Questionnaires.
    ///
    /// The format is told by the content (a FHIR Bundle of one Questionnaire per language
    /// becomes one form in all of them). Prints, per file, what was imported, what was
    /// approximated (a warning naming the sheet, row and column) and what was refused (named
    /// the same way). A form is written only when it validates. Exits 1 when any file was
    /// refused; see docs/spreadsheets.md.
    Import(spreadsheets::ImportArgs),
    /// Write a form as an XLSForm workbook or a FHIR R4 Questionnaire that `svar import` turns
    /// back into the same form (see docs/spreadsheets.md and docs/fhir.md).
    ExportForm(spreadsheets::ExportFormArgs),
    /// Open the patient kiosk: fullscreen, on top, and closing refused.
    ///
    /// With --config (or the file named by SVAR_CONFIG, or /etc/svar/svar.toml) the kiosk runs
    /// for a site. `--demo` needs no configuration: the shipped forms and batteries, a fresh
    /// data folder under the system's temporary folder, the demo keys, a random staff PIN shown
    /// on a DEMO ribbon. Staff leave through staff mode; Ctrl+Shift+Q closes it during development.
    Run(kiosk::RunArgs),
    /// Print the JSON Schema of form files (or of battery files).
    Schema(forms::SchemaArgs),
    /// Make a key: an age identity for opening bundles, or (with --device) a kiosk signing key.
    ///
    /// An age identity file is written as `age-keygen` writes it and its public key (age1…)
    /// is printed: give it to kiosks as a recipient. With --device, a minisign key pair is
    /// written: KEY (secret, no password, for the kiosk) and KEY.pub (to enrol on the
    /// receiving side). Existing files are never overwritten.
    Keygen(bundles::KeygenArgs),
    /// Fill in a battery or one form from an answers file (back-entry of a paper form) and
    /// seal the result to the outbox; prints the bundle's path.
    ///
    /// The answers file maps form id to an answers object as `svar score` reads it. Every
    /// required question needs an answer. Exits 2 when an answer is unknown, out of range or
    /// of the wrong type, a required answer is missing or the patient id is not valid for its
    /// type; 1 on other errors. With --config the site's keys, ids, outbox and forms are used
    /// (flags override them); without it the embedded demo default (demo keys, not for
    /// patient data).
    Fill(bundles::FillArgs),
    /// Hash a staff PIN (4–8 digits, read from standard input) for the configuration's
    /// `pin_hash`; the PIN itself is never stored.
    PinHash,
    /// Check a configuration file; print each problem as PATH:LINE:COL: error[CODE]: message.
    Config {
        #[command(subcommand)]
        command: kiosk::ConfigCommand,
    },
    /// The local store's audit log.
    Audit {
        #[command(subcommand)]
        command: kiosk::AuditCommand,
    },
    /// Decrypt a sealed bundle, check its signature and print the bundle as JSON.
    ///
    /// Exits 1 with a message saying what is wrong when the file is not an age file, is
    /// truncated, damaged or tampered with, is not for this identity, or is unsigned or not
    /// signed by an enrolled kiosk key.
    Open(bundles::OpenArgs),
    /// Decrypt and check every bundle of a folder and write them for analysis: one CSV per
    /// form with a codebook, or JSON Lines.
    ///
    /// Bundles that do not open (truncated, tampered with, wrong key, unsigned, not enrolled,
    /// not a bundle) are skipped, each named on standard error with the reason; the others
    /// are still written. Prints the files written. Exits 1 when any bundle was skipped.
    Export(bundles::ExportArgs),
    /// Receive bundles that kiosks upload (docs/upload.md) and store each once with a receipt.
    ///
    /// Plain HTTP behind a TLS-terminating reverse proxy, or TLS itself with --tls-cert and
    /// --tls-key (and with --client-ca, only kiosks with a certificate from that CA may
    /// connect). Logs one line per request on standard error; stops after the requests in
    /// flight on SIGTERM or Ctrl-C.
    Receive(svar_receive::cli::ReceiveArgs),
    /// Deliver the outbox's sealed bundles once (for a cron job or a systemd timer) and print
    /// what happened; see docs/upload.md.
    ///
    /// A bundle leaves the outbox only when every target has confirmed it with a matching
    /// checksum. Targets are the --to-folder and --to-url flags, else the configuration's
    /// `[[upload]]` blocks. With a configuration, deliveries are recorded in the audit log.
    /// Exits 0 when nothing failed, 1 when a delivery failed or a bundle was quarantined.
    Upload(delivery::UploadArgs),
    /// Check a site's set-up end to end before the first patient, without patient data.
    ///
    /// One line per check, each with what to do when it is not ok: the configuration, the
    /// keys (readable, this kiosk's own, not the demo's), the forms, the store (opens with its
    /// key), the outbox (writable), each upload target (reachable, taking this kiosk's
    /// credential) and the clock. Exits 1 when a check failed. Run it as the kiosk user.
    Doctor(doctor::DoctorArgs),
}

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    let outcome = match Cli::parse().command {
        Command::Validate(args) => forms::validate(args),
        Command::Score(args) => forms::score(args),
        Command::Preview(args) => forms::preview(args),
        Command::Import(args) => spreadsheets::import(args),
        Command::ExportForm(args) => spreadsheets::export_form(args),
        Command::Run(args) => kiosk::run(args, started),
        Command::Schema(args) => forms::schema(args),
        Command::Keygen(args) => bundles::keygen(args),
        Command::Fill(args) => bundles::fill(args),
        Command::PinHash => kiosk::pin_hash(),
        Command::Config { command } => kiosk::config(command),
        Command::Audit { command } => kiosk::audit(command),
        Command::Open(args) => bundles::open(args),
        Command::Export(args) => bundles::export(args),
        Command::Receive(args) => delivery::receive(args),
        Command::Upload(args) => delivery::upload(args),
        Command::Doctor(args) => doctor::doctor(args),
    };
    outcome.unwrap_or_else(|failure| {
        eprintln!("error: {}", failure.message);
        ExitCode::from(failure.code)
    })
}
