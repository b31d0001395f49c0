//! Svar's importers and exporters: XLSForm workbooks and REDCap data dictionaries in, Svar
//! forms out (and Svar forms out as XLSForm). Every form made is checked by `svar-forms`
//! before it is given back; what a spreadsheet says that Svar cannot mean exactly is either
//! approximated with a warning at its cell or refused at its cell.

pub mod fhir;
pub mod place;
pub mod redcap;
pub mod sheet;
pub mod xlsform;

mod build;

pub use place::Place;
use std::path::Path;

/// A note about one spreadsheet cell (or row, or sheet).
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// Where.
    pub place: Place,
    /// What was done or found, for the admin.
    pub message: String,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place, self.message)
    }
}

/// A form made from a spreadsheet, checked.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The form id (the file name to write, without `.json`).
    pub id: String,
    /// The form file's text.
    pub json: String,
    /// What was approximated, each at its cell.
    pub warnings: Vec<Note>,
}

/// Why an import or export failed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read as a workbook or dictionary at all.
    #[error("{0}")]
    Unreadable(String),
    /// The spreadsheet says things Svar cannot take in: each at its cell.
    #[error("{} problem(s), the first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
    Refused(Vec<Note>),
    /// A form could not be written as a workbook.
    #[error("{0}")]
    Export(String),
}

/// The largest spreadsheet read: questionnaires are far smaller, and a workbook is
/// unpacked in memory.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;

/// Imports one file, detecting its format by content: FHIR JSON is a Questionnaire (one form)
/// or a Bundle of them (one form per set with the same linkIds); a workbook with a `survey`
/// sheet is XLSForm (one form); a CSV with a REDCap data dictionary header is REDCap (one form per
/// `form_name`, each imported or refused on its own). `lang` is the language of a REDCap
/// dictionary's labels and of a Questionnaire that names none (XLSForm names its languages
/// in its columns). The error is for a file
/// that cannot be read as either.
pub fn import(
    path: &Path,
    lang: svar_forms::text::Lang,
) -> Result<Vec<Result<Imported, ImportError>>, ImportError> {
    let size = std::fs::metadata(path)
        .map_err(|e| ImportError::Unreadable(format!("cannot open {}: {e}", path.display())))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(ImportError::Unreadable(format!(
            "{} is {} MiB; a questionnaire's spreadsheet is far smaller (at most {} MiB is read)",
            path.display(),
            size / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    let head = std::fs::read(path)
        .map_err(|e| ImportError::Unreadable(format!("cannot read {}: {e}", path.display())))?;
    let zip_or_ole = head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    if zip_or_ole {
        let book = sheet::Book::open(path)?;
        return Ok(vec![xlsform::read::form(&book, path)]);
    }
    let text = String::from_utf8_lossy(&head);
    if fhir::read::looks_like(&text) {
        let file = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        return fhir::read::forms(&text, &file, lang);
    }
    let csv = path
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("csv"));
    if csv || redcap::looks_like(&head) {
        return redcap::forms(&head, path, lang);
    }
    Err(ImportError::Unreadable(format!(
        "{} is neither an XLSForm workbook (.xlsx, .xls or .ods with a `survey` sheet) nor a REDCap data dictionary (.csv)",
        path.display()
    )))
}
