//! The `svar` command line.

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
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
    /// `--demo` needs no configuration: the shipped forms, the demo battery and a visible
    /// DEMO ribbon. During development Ctrl+Shift+Q closes the kiosk (staff mode comes later).
    Run {
        /// Run the embedded demo (forms/, forms/batteries/demo.json, assets/).
        #[arg(long)]
        demo: bool,
        /// A normal 1280×800 window instead of fullscreen, for development.
        #[arg(long)]
        windowed: bool,
        /// The forms folder (default: forms/ here, else the one this build was made from).
        #[arg(long)]
        forms: Option<PathBuf>,
        /// The battery to run.
        #[arg(long, default_value = "demo")]
        battery: String,
        /// Seconds without a touch before "Are you still there?".
        #[arg(long, default_value_t = 90.0)]
        idle_seconds: f64,
    },
    /// Print the JSON Schema of form files (or of battery files).
    Schema {
        /// The battery schema instead of the form schema.
        #[arg(long)]
        battery: bool,
    },
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
            windowed,
            forms,
            battery,
            idle_seconds,
        } => run(demo, windowed, forms, &battery, idle_seconds, started),
        Command::Schema { battery } => {
            let schema = if battery {
                svar::schema::battery_schema()
            } else {
                svar::schema::form_schema()
            };
            print!("{}", svar::schema::to_file_text(&schema));
            ExitCode::SUCCESS
        }
    }
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
    let text = match std::fs::read_to_string(answers_path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!(
                "error: cannot read the answers file {}: {e}",
                answers_path.display()
            );
            return ExitCode::from(2);
        }
    };
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => {
            // serde's message quotes no input beyond the position, so no answer leaks here.
            eprintln!(
                "error: {}:{}:{}: the answers file is not valid JSON",
                answers_path.display(),
                e.line(),
                e.column()
            );
            return ExitCode::from(2);
        }
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

fn run(
    demo: bool,
    windowed: bool,
    forms: Option<PathBuf>,
    battery: &str,
    idle_seconds: f64,
    started: std::time::Instant,
) -> ExitCode {
    let forms = forms_dir(forms);
    let loaded = library::load_paths(std::slice::from_ref(&forms), None);
    let Some(found) = loaded.batteries.get(battery) else {
        for d in loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
        {
            eprintln!("{d}");
        }
        eprintln!(
            "error: there is no valid battery `{battery}` in {}/batteries",
            forms.display()
        );
        return ExitCode::from(1);
    };
    let strings = match svar::i18n::Strings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    let assets =
        library::find_assets(&forms.join("x.json")).unwrap_or_else(|| forms.join("../assets"));
    let config = svar::ui::Config {
        battery: std::sync::Arc::new(found.clone()),
        assets,
        clinic: if demo {
            "Svar demo clinic".into()
        } else {
            "Svar".into()
        },
        demo,
        idle_warn: idle_seconds,
        idle_countdown: 30.0,
        thanks_seconds: 8.0,
        default_lang: svar::text::Lang::Nb,
        staff: if demo {
            demo_staff(&loaded)
        } else {
            svar::ui::StaffSettings::default()
        },
    };
    match svar::ui::run(config, strings, windowed, started) {
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
        batteries: loaded
            .batteries
            .values()
            .cloned()
            .map(std::sync::Arc::new)
            .collect(),
        timepoints: vec![
            svar::battery::Timepoint::Baseline,
            svar::battery::Timepoint::Month6,
            svar::battery::Timepoint::Month12,
        ],
        study_id_pattern: Some("^[A-Z]{2,4}-[0-9]{3,6}$".into()),
        demo_pin: Some(pin),
    }
}
