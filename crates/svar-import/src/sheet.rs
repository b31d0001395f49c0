//! Spreadsheets as tables of text: a header row and the rows under it, read with calamine.

use crate::ImportError;
use crate::place::Place;
use calamine::{Data, Reader, open_workbook_auto};
use std::path::Path;

/// One sheet: its name, header (trimmed, lower-case) and rows of cell text.
#[derive(Debug, Clone)]
pub struct Table {
    /// The sheet's name.
    pub name: String,
    /// The header row, trimmed and in lower case.
    pub header: Vec<String>,
    /// The rows under the header; row `k` is spreadsheet row `k + 2`.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// Builds a table from rows of text, the first being the header.
    pub fn new(name: &str, mut rows: Vec<Vec<String>>) -> Table {
        let header = if rows.is_empty() {
            Vec::new()
        } else {
            rows.remove(0)
                .into_iter()
                .map(|h| h.trim().to_lowercase())
                .collect()
        };
        Table {
            name: name.to_owned(),
            header,
            rows,
        }
    }

    /// The index of the column with this header.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The trimmed text of row `k`'s cell in column `name` ("" when absent).
    pub fn get(&self, k: usize, name: &str) -> &str {
        self.column(name)
            .and_then(|c| self.rows[k].get(c))
            .map_or("", |s| s.trim())
    }

    /// The place of row `k`'s cell in column `name` (the row when there is no such column).
    pub fn place(&self, k: usize, name: &str) -> Place {
        match self.column(name) {
            Some(c) => Place::cell(&self.name, k + 2, &self.header[c], c),
            None => Place::row(&self.name, k + 2),
        }
    }
}

/// A workbook's sheets, by name.
#[derive(Debug, Clone)]
pub struct Book {
    /// The sheets, in the workbook's order.
    pub sheets: Vec<Table>,
}

impl Book {
    /// Reads every sheet of an xlsx, xls, xlsb or ods workbook.
    pub fn open(path: &Path) -> Result<Book, ImportError> {
        let mut book = open_workbook_auto(path).map_err(|e| {
            ImportError::Unreadable(format!(
                "{} is not a workbook that can be read ({e}); save it again from the spreadsheet program as .xlsx",
                path.display()
            ))
        })?;
        let mut sheets = Vec::new();
        for name in book.sheet_names() {
            let range = book.worksheet_range(&name).map_err(|e| {
                ImportError::Unreadable(format!(
                    "{}: the sheet `{name}` cannot be read: {e}",
                    path.display()
                ))
            })?;
            let rows = range
                .rows()
                .map(|row| row.iter().map(cell_text).collect())
                .collect();
            sheets.push(Table::new(&name, rows));
        }
        Ok(Book { sheets })
    }

    /// The sheet with this name (compared without case).
    pub fn sheet(&self, name: &str) -> Option<&Table> {
        self.sheets
            .iter()
            .find(|s| s.name.trim().eq_ignore_ascii_case(name))
    }
}

/// Writes a workbook of text cells: each sheet's name and rows, the first row its header (in
/// bold). Empty cells are left out, as a spreadsheet program leaves them.
pub fn write_book<R: AsRef<[C]>, C: AsRef<str>>(
    path: &Path,
    sheets: &[(&str, &[R])],
) -> Result<(), ImportError> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (name, rows) in sheets {
        let fail =
            |e: rust_xlsxwriter::XlsxError| ImportError::Export(format!("sheet `{name}`: {e}"));
        let sheet = book.add_worksheet();
        sheet.set_name(*name).map_err(fail)?;
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.as_ref().iter().enumerate() {
                let (r, c, cell) = (r as u32, c as u16, cell.as_ref());
                match (r, cell.is_empty()) {
                    (_, true) => {}
                    (0, false) => sheet
                        .write_string_with_format(r, c, cell, &bold)
                        .map(drop)
                        .map_err(fail)?,
                    _ => sheet.write_string(r, c, cell).map(drop).map_err(fail)?,
                }
            }
        }
    }
    book.save(path)
        .map_err(|e| ImportError::Export(format!("cannot write {}: {e}", path.display())))
}

/// A cell as the text an admin typed: whole numbers without `.0`, dates as YYYY-MM-DD.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => crate::xlsform::expr::number_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
        Data::DateTime(d) => excel_date(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A spreadsheet's day number (days since 1899-12-30, as Excel and LibreOffice count) as
/// YYYY-MM-DD.
fn excel_date(serial: f64) -> String {
    let epoch = time::macros::date!(1899 - 12 - 30);
    epoch
        .checked_add(time::Duration::days(serial.floor() as i64))
        .map_or_else(|| serial.to_string(), |d| d.to_string())
}
