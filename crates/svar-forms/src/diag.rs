//! Diagnostics: problems found in a form or battery file, each pointing at a place in it.

use std::fmt;
use std::path::PathBuf;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// How the file is saved, worth knowing but nothing to fix.
    Note,
    /// The file still loads; an admin should look.
    Warning,
    /// The file cannot be used.
    Error,
}

/// A 1-based line and column in a file (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
}

impl Position {
    /// The start of a file.
    pub const START: Position = Position { line: 1, column: 1 };
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// The file it is about.
    pub path: PathBuf,
    /// Where in the file.
    pub position: Position,
    /// Error or warning.
    pub severity: Severity,
    /// A stable kebab-case code, e.g. `duplicate-id`.
    pub code: &'static str,
    /// What is wrong, for an admin.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        write!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            self.path.display(),
            self.position.line,
            self.position.column,
            severity,
            self.code,
            self.message
        )
    }
}

/// A problem found while checking a parsed file, placed by its JSON pointer
/// (e.g. `/pages/0/items/3/scale`) until the file's positions are known.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// JSON pointer to the offending value.
    pub pointer: String,
    /// Extra characters into the value (used for positions inside expression strings).
    pub offset: Option<usize>,
    /// Error or warning.
    pub severity: Severity,
    /// Stable code.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
}

/// Collects findings while a file is checked.
#[derive(Debug, Default)]
pub struct Findings(Vec<Finding>);

impl Findings {
    /// Records an error at `pointer`.
    pub fn error(
        &mut self,
        pointer: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) {
        self.push(pointer, None, Severity::Error, code, message);
    }

    /// Records a warning at `pointer`.
    pub fn warning(
        &mut self,
        pointer: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) {
        self.push(pointer, None, Severity::Warning, code, message);
    }

    /// Records an error `offset` characters into the string value at `pointer`.
    pub fn error_at(
        &mut self,
        pointer: impl Into<String>,
        offset: usize,
        code: &'static str,
        message: impl Into<String>,
    ) {
        self.push(pointer, Some(offset), Severity::Error, code, message);
    }

    fn push(
        &mut self,
        pointer: impl Into<String>,
        offset: Option<usize>,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
    ) {
        self.0.push(Finding {
            pointer: pointer.into(),
            offset,
            severity,
            code,
            message: message.into(),
        });
    }

    /// True when any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|f| f.severity == Severity::Error)
    }

    /// The findings so far.
    pub fn into_vec(self) -> Vec<Finding> {
        self.0
    }
}

/// Builds a JSON pointer from a parent pointer and a key or index.
pub fn ptr(parent: &str, key: impl fmt::Display) -> String {
    let key = key.to_string().replace('~', "~0").replace('/', "~1");
    format!("{parent}/{key}")
}
