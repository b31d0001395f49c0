//! `svar import` and `svar export-form`: forms from and to spreadsheets (XLSForm, REDCap).

use super::{Failure, Outcome};
use std::path::PathBuf;
use std::process::ExitCode;
use svar_import::ImportError;

/// The flags of `svar import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// XLSForm workbooks (.xlsx, .xls, .ods) and REDCap data dictionaries (.csv).
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The folder the forms are written to, one `<form id>.json` each.
    #[arg(long)]
    out: PathBuf,
    /// The language of a REDCap dictionary's labels, and of a FHIR Questionnaire without
    /// `language` (nb, nn, da or en); XLSForm names its own.
    #[arg(long, default_value = "nb", value_parser = super::parse_serde::<svar_forms::text::Lang>)]
    lang: svar_forms::text::Lang,
}

/// Imports each file, printing what was imported, approximated and refused; exits 1 when any
/// file was refused. A form is written only when it validates; an existing file is not
/// overwritten.
pub fn import(args: ImportArgs) -> Outcome {
    std::fs::create_dir_all(&args.out)
        .map_err(|e| Failure::new(format!("cannot make {}: {e}", args.out.display())))?;
    let mut refused = 0;
    for file in &args.files {
        let name = file.display();
        let results = match svar_import::import(file, args.lang) {
            Ok(results) => results,
            Err(e) => vec![Err(e)],
        };
        for result in results {
            match result {
                Ok(form) => {
                    let out = args.out.join(format!("{}.json", form.id));
                    for w in &form.warnings {
                        println!("{name}: warning: {w}");
                    }
                    if out.exists() {
                        println!(
                            "{name}: refused: {} exists already; remove it or import into another folder",
                            out.display()
                        );
                        refused += 1;
                        continue;
                    }
                    std::fs::write(&out, &form.json).map_err(|e| {
                        Failure::new(format!("cannot write {}: {e}", out.display()))
                    })?;
                    println!(
                        "{name}: imported as {} ({} warning(s))",
                        out.display(),
                        form.warnings.len()
                    );
                }
                Err(ImportError::Refused(notes)) => {
                    refused += 1;
                    for n in &notes {
                        println!("{name}: refused: {n}");
                    }
                }
                Err(e) => {
                    refused += 1;
                    println!("{name}: refused: {e}");
                }
            }
        }
    }
    Ok(if refused > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What `svar export-form` writes.
#[derive(Clone, Copy, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// An XLSForm workbook.
    Xlsform,
    /// A FHIR R4 Questionnaire (JSON).
    Fhir,
}

/// The flags of `svar export-form`.
#[derive(clap::Args)]
pub struct ExportFormArgs {
    /// The form file.
    form: PathBuf,
    /// The format: `xlsform` or `fhir`.
    #[arg(long, value_parser = super::parse_serde::<Target>)]
    to: Target,
    /// The file to write (e.g. phq9.xlsx, phq9.json).
    #[arg(long)]
    out: PathBuf,
}

/// Writes a form as a workbook, after checking that it loads.
pub fn export_form(args: ExportFormArgs) -> Outcome {
    if let Err(diagnostics) = svar_forms::library::load_form(&args.form, None) {
        for d in diagnostics {
            eprintln!("{d}");
        }
        return Err(Failure::new(format!(
            "the form {} does not load; fix it first (svar validate)",
            args.form.display()
        )));
    }
    let text = std::fs::read_to_string(&args.form)
        .map_err(|e| Failure::new(format!("cannot read {}: {e}", args.form.display())))?;
    let form: serde_json::Value = serde_json::from_str(text.trim_start_matches('\u{feff}'))
        .map_err(|e| Failure::new(format!("{}: {e}", args.form.display())))?;
    match args.to {
        Target::Xlsform => svar_import::xlsform::export::write(&form, &args.out),
        Target::Fhir => {
            // The identifier names the very bytes of the form file, as bundles do.
            let sha256 = svar_bundle::sha256_hex(text.as_bytes());
            svar_import::fhir::export::questionnaire(&form, &sha256).and_then(|q| {
                let json = serde_json::to_string_pretty(&q)
                    .map_err(|e| svar_import::ImportError::Export(e.to_string()))?;
                std::fs::write(&args.out, json + "\n").map_err(|e| {
                    svar_import::ImportError::Export(format!(
                        "cannot write {}: {e}",
                        args.out.display()
                    ))
                })
            })
        }
    }
    .map_err(|e| Failure::new(e.to_string()))?;
    println!("{}", args.out.display());
    Ok(ExitCode::SUCCESS)
}
