//! XLSForm: workbooks with `survey`, `choices` and `settings` sheets, read into Svar forms
//! ([`read`]) and written from them ([`export`]).

pub mod export;
pub mod expr;
pub mod read;

/// The sheets and Svar's own column, as named in workbooks.
pub const SURVEY: &str = "survey";
/// The choice lists' sheet.
pub const CHOICES: &str = "choices";
/// The form's settings sheet.
pub const SETTINGS: &str = "settings";
/// Svar's own column: what XLSForm has no column for, as JSON.
pub const SVAR: &str = "svar";
