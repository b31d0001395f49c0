//! `svar validate`, `svar score` and `svar schema`: the commands admins use on form files.

use super::{Failure, Outcome, read_answers};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use svar_forms::answer::Answers;
use svar_forms::diag::Severity;
use svar_forms::library;

/// The flags of `svar validate`.
#[derive(clap::Args)]
pub struct ValidateArgs {
    /// Files or folders to check (folders are searched recursively).
    #[arg(default_value = "forms")]
    paths: Vec<PathBuf>,
    /// The folder images are looked for in first (then an `assets` folder beside the forms folder, then the shipped images).
    #[arg(long)]
    assets: Option<PathBuf>,
}

/// Prints every problem of the files given; exits 1 when any is an error.
pub fn validate(args: ValidateArgs) -> Outcome {
    let loaded = library::load_paths(&args.paths, args.assets.as_deref());
    for d in &loaded.diagnostics {
        println!("{d}");
    }
    let count = |severity| {
        loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let failed = loaded.files_read - loaded.forms.len() - loaded.batteries.len();
    eprintln!(
        "read {} file(s): {} form(s) and {} batter{} loaded, {failed} did not; {errors} error(s), {warnings} warning(s)",
        loaded.files_read,
        loaded.forms.len(),
        loaded.batteries.len(),
        if loaded.batteries.len() == 1 {
            "y"
        } else {
            "ies"
        }
    );
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The flags of `svar score`.
#[derive(clap::Args)]
pub struct ScoreArgs {
    /// The form file.
    #[arg(long)]
    form: PathBuf,
    /// The answers file.
    #[arg(long)]
    answers: PathBuf,
    /// Apply the band cut-offs of this battery (from the `batteries` folder beside the form).
    #[arg(long)]
    battery: Option<String>,
}

/// Scores one answers file and prints the scores as JSON.
pub fn score(args: ScoreArgs) -> Outcome {
    let form = library::load_form(&args.form, None)
        .map(|(form, _)| form)
        .map_err(|diagnostics| {
            for d in diagnostics {
                eprintln!("{d}");
            }
            Failure::new(format!(
                "the form {} does not load; fix it first (svar validate)",
                args.form.display()
            ))
        })?;
    let overrides = match &args.battery {
        None => Vec::new(),
        Some(id) => battery_overrides(&args.form, id, &form).map_err(Failure::new)?,
    };
    let value = read_answers(&args.answers)?;
    let answers = Answers::from_json(&form, &value)
        .map_err(|e| Failure::input(format!("{}: {e}", args.answers.display())))?;
    let report = svar_forms::score::score(&form, &answers, &overrides);
    let json = serde_json::to_string_pretty(&report.to_json(&form))
        .map_err(|e| Failure::new(format!("cannot write the scores as JSON: {e}")))?;
    println!("{json}");
    Ok(ExitCode::SUCCESS)
}

/// The band overrides that battery `id` (in the `batteries` folder beside the form) sets for `form`.
fn battery_overrides(
    form_path: &Path,
    id: &str,
    form: &svar_forms::form::Form,
) -> Result<Vec<svar_forms::battery::BandOverride>, String> {
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

/// The flags of `svar preview`.
#[derive(clap::Args)]
pub struct PreviewArgs {
    /// The form file, or a battery file in a `batteries` folder.
    path: PathBuf,
    /// The language to open in (nb, nn, da or en); the window's header switches it.
    #[arg(long, default_value = "nb", value_parser = super::parse_serde::<svar_forms::text::Lang>)]
    lang: svar_forms::text::Lang,
    /// The folder images are looked for in first (as for `svar validate`).
    #[arg(long)]
    assets: Option<PathBuf>,
    /// For a battery: the visit to preview (baseline, month_6, month_12 or screening); only
    /// the forms asked at it are shown. Without it, every form is.
    #[arg(long, value_parser = super::parse_serde::<svar_forms::battery::Timepoint>)]
    timepoint: Option<svar_forms::battery::Timepoint>,
}

/// Opens the preview window on a form or battery file.
pub fn preview(args: PreviewArgs) -> Outcome {
    if !args.path.is_file() {
        return Err(Failure::new(format!(
            "there is no file {}; give a form file (forms/NAME.json) or a battery file (forms/batteries/NAME.json)",
            args.path.display()
        )));
    }
    let strings = svar_kiosk::i18n::Strings::load().map_err(|e| Failure::new(e.to_string()))?;
    let source = svar_kiosk::preview::Source::new(&args.path, args.assets.as_deref());
    let opened = svar_kiosk::preview::Preview::open(source, args.lang, args.timepoint);
    for d in opened.0.diagnostics() {
        eprintln!("{d}");
    }
    // The header's logo: the named folder, else an `assets` folder beside the forms.
    let assets = args
        .assets
        .clone()
        .or_else(|| library::find_assets(&args.path))
        .unwrap_or_else(|| PathBuf::from("assets"));
    svar_kiosk::ui::preview::run(opened, strings, assets)
        .map_err(|e| Failure::new(format!("cannot open the preview window: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

/// The flags of `svar schema`.
#[derive(clap::Args)]
pub struct SchemaArgs {
    /// The battery schema instead of the form schema.
    #[arg(long)]
    battery: bool,
}

/// Prints the JSON Schema of form files or of battery files.
pub fn schema(args: SchemaArgs) -> Outcome {
    let schema = if args.battery {
        svar_forms::schema::battery_schema()
    } else {
        svar_forms::schema::form_schema()
    };
    print!("{}", svar_forms::schema::to_file_text(&schema));
    Ok(ExitCode::SUCCESS)
}
