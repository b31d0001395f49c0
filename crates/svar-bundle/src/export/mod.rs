//! Exporting a folder of sealed bundles for analysis (`svar export`).
//!
//! Every `*.svar.age` file of a folder is opened with [`bundle::open`] (decrypted and its
//! signature checked). The good ones are written either as one wide CSV file per form with a
//! codebook describing every column ([`Format::Csv`]), as JSON Lines, one bundle a line
//! ([`Format::Jsonl`]), or as FHIR R4 resources ([`Format::Fhir`], [`Format::FhirNdjson`]). Files that do not open are skipped and listed in the [`Report`]: an
//! export never drops a bundle without saying so. A bundle met twice (the same bundle id, say
//! in an outbox and in a copy of it) is exported once and the second file reported. The layout
//! is documented in `docs/bundle.md`.
//!
//! Output files are written whole to a temporary name and then renamed, so a crash never
//! leaves a half-written file under a final name.

use crate as bundle;
use crate::{Bundle, Identities, KioskKeys, OpenError};
use serde::Deserialize;
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use table::{FormLibrary, write_csv};

mod fhir;
mod table;

/// What `svar export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One wide CSV file per form (`<form id>.csv`) and `codebook.csv`.
    Csv,
    /// `bundles.jsonl`: one bundle a line, as JSON.
    Jsonl,
    /// `<bundle id>.fhir.json` per bundle: a FHIR R4 `collection` Bundle of one
    /// QuestionnaireResponse per form and one Observation per score.
    Fhir,
    /// `resources.ndjson`: the same resources, one per line, for bulk loading.
    #[serde(rename = "fhir-ndjson")]
    FhirNdjson,
}

/// A bundle file that was not exported, and why.
#[derive(Debug)]
pub struct Skipped {
    /// The file.
    pub file: PathBuf,
    /// Why; its message names the file and never carries patient data.
    pub reason: SkipReason,
}

/// Why a bundle file was not exported.
#[derive(Debug, thiserror::Error)]
pub enum SkipReason {
    /// The file did not open.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// It opened, but an earlier file holds another bundle with the same bundle id: one of
    /// them was made by hand or altered before signing, and only the first is exported.
    #[error(
        "{}: has the bundle id of {} but other content; only the first is exported (ask the \
         sending site which one is right)",
        file.display(),
        first.display()
    )]
    SameIdOtherContent {
        /// This file.
        file: PathBuf,
        /// The file exported under that bundle id.
        first: PathBuf,
    },
}

/// A file holding a bundle already exported from another file, byte for byte the same bundle.
#[derive(Debug)]
pub struct Duplicate {
    /// This file.
    pub file: PathBuf,
    /// The file the bundle was exported from.
    pub first: PathBuf,
}

/// What an export did.
#[derive(Debug)]
pub struct Report {
    /// How many bundles were exported.
    pub exported: usize,
    /// The files that were skipped, in file name order.
    pub skipped: Vec<Skipped>,
    /// Files whose bundle was already exported from an earlier file, in file name order.
    pub duplicates: Vec<Duplicate>,
    /// The files written, in the order written.
    pub written: Vec<PathBuf>,
}

/// Why an export could not be done at all. Messages name paths, never answers or patient ids.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The bundle folder could not be listed.
    #[error("{}: cannot list the bundle folder: {source}", dir.display())]
    ListBundles {
        /// The folder.
        dir: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The forms folder is not a folder.
    #[error("{}: the forms folder does not exist or is not a folder", dir.display())]
    FormsFolder {
        /// The folder.
        dir: PathBuf,
    },
    /// The output folder could not be created.
    #[error("{}: cannot create the output folder: {source}", dir.display())]
    CreateOut {
        /// The folder.
        dir: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// An output file could not be written.
    #[error("{}: cannot write the file: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

/// The codebook note of every item column: the codes of a question without an answer.
pub const MISSING_NOTE: &str = "no answer: declined (the patient chose \"I prefer not to answer\"), \
    unanswered (shown and left), not_reached (the session ended first), not_shown (hidden by a \
    condition); empty in bundles from before these codes";

/// The codebook note of signature columns.
pub const SIGNATURE_NOTE: &str =
    "the number of strokes drawn; the strokes themselves are only in the JSONL export";

/// The codebook note of every column of a form that the forms folder does not have.
pub const UNKNOWN_FORM_NOTE: &str = "form file not found in the forms folder";

/// The codebook note of an item or score that bundles have but the form file does not.
const NOT_IN_FORM_NOTE: &str = "not in the form file in the forms folder";

/// The codebook note of every column that can hold text someone typed.
pub const FORMULA_NOTE: &str = "a cell that begins with =, +, -, @, a tab or a carriage return \
     and is not a number is written with a ' in front, so that no spreadsheet runs it as a formula";

/// Exports every `*.svar.age` file of the `bundle_dirs` to `out_dir` (created if missing).
///
/// Files are opened folder by folder, in file name order, with `identities` and checked
/// against the `kiosk` keys; those that fail are listed in [`Report::skipped`] and the rest
/// are still written. A bundle id met again is exported once: the later file is listed in
/// [`Report::duplicates`] when it holds the same bundle, else in [`Report::skipped`].
/// Rows and lines are ordered by `finished`, then `bundle_id`. For CSV, `forms` is the folder
/// the form files are looked up in by id (for item order, labels and values); `None` uses
/// what the bundles hold alone. JSON Lines needs no form files. `study_system` is the FHIR
/// identifier system of study ids (`urn:svar:study:<site>` when `None`).
pub fn run(
    bundle_dirs: &[&Path],
    identities: &Identities,
    kiosk: &KioskKeys,
    forms: Option<&Path>,
    format: Format,
    study_system: Option<&str>,
    out_dir: &Path,
) -> Result<Report, ExportError> {
    let mut files = Vec::new();
    for dir in bundle_dirs {
        files.extend(bundle_files(dir)?);
    }
    // Load the forms before the slow part, so a wrong --forms fails at once.
    let library = match format {
        Format::Csv | Format::Fhir | Format::FhirNdjson => FormLibrary::load(forms)?,
        Format::Jsonl => FormLibrary::default(),
    };
    std::fs::create_dir_all(out_dir).map_err(|source| ExportError::CreateOut {
        dir: out_dir.to_owned(),
        source,
    })?;
    let mut bundles: Vec<Bundle> = Vec::with_capacity(files.len());
    let mut first_file: HashMap<uuid::Uuid, (PathBuf, usize)> = HashMap::new();
    let mut skipped = Vec::new();
    let mut duplicates = Vec::new();
    for file in files {
        let b = match bundle::open(&file, identities, kiosk) {
            Ok(b) => b,
            Err(reason) => {
                skipped.push(Skipped {
                    file,
                    reason: reason.into(),
                });
                continue;
            }
        };
        match first_file.get(&b.bundle_id) {
            Some((first, at)) if bundles[*at] == b => duplicates.push(Duplicate {
                file,
                first: first.clone(),
            }),
            Some((first, _)) => skipped.push(Skipped {
                reason: SkipReason::SameIdOtherContent {
                    file: file.clone(),
                    first: first.clone(),
                },
                file,
            }),
            None => {
                first_file.insert(b.bundle_id, (file, bundles.len()));
                bundles.push(b);
            }
        }
    }
    bundles.sort_by_key(|b| (b.finished, b.bundle_id));
    let written = match format {
        Format::Jsonl => {
            let name = "bundles.jsonl";
            let bytes = jsonl(&bundles).map_err(|source| ExportError::Write {
                path: out_dir.join(name),
                source,
            })?;
            vec![write_file(out_dir, name, &bytes)?]
        }
        Format::Csv => write_csv(&bundles, &library, out_dir)?,
        Format::Fhir => {
            let mut written = Vec::new();
            for b in &bundles {
                let name = format!("{}.fhir.json", b.bundle_id);
                let text = serde_json::to_vec_pretty(&fhir::resources(b, &library, study_system))
                    .map_err(|e| ExportError::Write {
                    path: out_dir.join(&name),
                    source: e.into(),
                })?;
                written.push(write_file(out_dir, &name, &text)?);
            }
            written
        }
        Format::FhirNdjson => {
            let name = "resources.ndjson";
            let mut out = Vec::new();
            for b in &bundles {
                let bundle = fhir::resources(b, &library, study_system);
                for entry in bundle["entry"].as_array().into_iter().flatten() {
                    serde_json::to_writer(&mut out, &entry["resource"]).map_err(|e| {
                        ExportError::Write {
                            path: out_dir.join(name),
                            source: e.into(),
                        }
                    })?;
                    out.push(b'\n');
                }
            }
            vec![write_file(out_dir, name, &out)?]
        }
    };
    Ok(Report {
        exported: bundles.len(),
        skipped,
        duplicates,
        written,
    })
}

/// The `*.svar.age` files of a folder, sorted. Temporary files (`.….svar.age.tmp`) do not
/// match, so a bundle being written is never read half-way.
fn bundle_files(dir: &Path) -> Result<Vec<PathBuf>, ExportError> {
    let fail = |source| ExportError::ListBundles {
        dir: dir.to_owned(),
        source,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(fail)? {
        let entry = entry.map_err(fail)?;
        // Bytes, not `to_str`: a name that is not UTF-8 is still reported, never passed over.
        if entry
            .file_name()
            .as_encoded_bytes()
            .ends_with(bundle::EXTENSION.as_bytes())
        {
            files.push(entry.path());
        }
    }
    files.sort();
    Ok(files)
}

/// Writes `bytes` to `dir/name` through a temporary file and a rename.
fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, ExportError> {
    bundle::write_atomically(dir, name, bytes).map_err(|source| ExportError::Write {
        path: dir.join(name),
        source,
    })
}

/// The bundles as JSON Lines: each bundle as `serde_json` writes a [`Bundle`], then `\n`.
fn jsonl(bundles: &[Bundle]) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    for b in bundles {
        serde_json::to_writer(&mut out, b)?;
        out.push(b'\n');
    }
    Ok(out)
}
