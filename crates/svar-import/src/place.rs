//! Where in a spreadsheet a note belongs: sheet, row and column, as the admin sees them.

/// A sheet, row (as numbered in the spreadsheet, the header being row 1) and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The sheet (for a REDCap dictionary, the file's name).
    pub sheet: String,
    /// The row, from 1 (the header); `None` for the sheet as a whole.
    pub row: Option<usize>,
    /// The column's header, with its letter; `None` for the whole row.
    pub column: Option<(String, usize)>,
    /// For a FHIR file, the element's path (`Questionnaire.item[2].enableWhen[0]`).
    pub path: Option<String>,
}

impl Place {
    /// A whole sheet.
    pub fn sheet(sheet: &str) -> Place {
        Place {
            sheet: sheet.to_owned(),
            row: None,
            column: None,
            path: None,
        }
    }

    /// An element of a FHIR file, by its path.
    pub fn element(file: &str, path: &str) -> Place {
        Place {
            path: Some(path.to_owned()),
            ..Place::sheet(file)
        }
    }

    /// A whole row.
    pub fn row(sheet: &str, row: usize) -> Place {
        Place {
            row: Some(row),
            ..Place::sheet(sheet)
        }
    }

    /// One cell: `column` is its header and `index` its position from 0.
    pub fn cell(sheet: &str, row: usize, column: &str, index: usize) -> Place {
        Place {
            row: Some(row),
            column: Some((column.to_owned(), index)),
            ..Place::sheet(sheet)
        }
    }
}

/// A column's letters as spreadsheets show them: 0 → A, 25 → Z, 26 → AA.
pub fn letters(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(path) = &self.path {
            return write!(f, "{}, at {path}", self.sheet);
        }
        write!(f, "sheet `{}`", self.sheet)?;
        match (&self.row, &self.column) {
            (Some(row), Some((name, index))) => {
                write!(f, ", cell {}{row} (column `{name}`)", letters(*index))
            }
            (Some(row), None) => write!(f, ", row {row}"),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_spreadsheets_do() {
        assert_eq!(letters(0), "A");
        assert_eq!(letters(25), "Z");
        assert_eq!(letters(26), "AA");
        assert_eq!(letters(701), "ZZ");
        assert_eq!(
            Place::cell("survey", 12, "relevant", 5).to_string(),
            "sheet `survey`, cell F12 (column `relevant`)"
        );
    }
}
