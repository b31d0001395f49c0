//! Reading a JSON file safely and knowing where each value stands in it.
//!
//! serde gives positions only for syntax and type errors; the checks after parsing know a
//! JSON pointer (`/pages/0/items/3`) instead. [`SourceFile`] indexes the position of every
//! value once, so every problem can be reported as `PATH:LINE:COL`.

use crate::diag::{Diagnostic, Finding, Position, Severity, ptr};
use crate::form::limits::{MAX_DEPTH, MAX_FILE_BYTES};
use serde::de::DeserializeOwned;
use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

mod explain;

/// A file read into memory, with the position of every JSON value in it.
#[derive(Debug)]
pub struct SourceFile {
    path: PathBuf,
    text: String,
    line_starts: Vec<usize>,
    /// Value offsets by JSON pointer, built on first use: most files have no problem to place.
    values: OnceCell<HashMap<String, usize>>,
    duplicate_keys: Vec<(String, usize)>,
    /// The file began with a UTF-8 byte-order mark (Windows Notepad writes one); the text
    /// holds it no longer, so positions are as an editor shows them.
    bom: bool,
}

impl SourceFile {
    /// Reads `path`, refusing files that are too large, not UTF-8, empty or nested too deep.
    pub fn read(path: &Path) -> Result<SourceFile, Diagnostic> {
        let fail = |code, message: String| Diagnostic {
            path: path.to_owned(),
            position: Position::START,
            severity: Severity::Error,
            code,
            message,
        };
        let file = std::fs::File::open(path)
            .map_err(|e| fail("unreadable", format!("cannot open the file: {e}")))?;
        let mut bytes = Vec::new();
        // Read one byte past the limit so an oversized file is caught without reading it all.
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| fail("unreadable", format!("cannot read the file: {e}")))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(fail(
                "too-large",
                format!(
                    "the file is larger than {} MiB; form files are far smaller, so this is not one",
                    MAX_FILE_BYTES / (1024 * 1024)
                ),
            ));
        }
        if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
            return Err(fail(
                "not-utf8",
                "the file is saved as UTF-16 (\"Unicode\" in Notepad); save it as UTF-8".into(),
            ));
        }
        let bom = bytes.starts_with(b"\xEF\xBB\xBF");
        if bom {
            bytes.drain(..3);
        }
        let text =
            String::from_utf8(bytes).map_err(|e| not_utf8(path, e.as_bytes(), e.utf8_error()))?;
        let mut file = Self::from_text(path, text)?;
        file.bom = bom;
        Ok(file)
    }

    /// Indexes `text` as the content of `path` (used by [`SourceFile::read`] and by tests).
    pub fn from_text(path: &Path, text: String) -> Result<SourceFile, Diagnostic> {
        let mut file = SourceFile {
            path: path.to_owned(),
            line_starts: line_starts(&text),
            text,
            values: OnceCell::new(),
            duplicate_keys: Vec::new(),
            bom: false,
        };
        if file.text.trim().is_empty() {
            return Err(file.diagnostic(
                0,
                Severity::Error,
                "empty",
                "the file is empty; a form file is a JSON object".into(),
            ));
        }
        match scan(&file.text, false) {
            Ok(found) => file.duplicate_keys = found.duplicate_keys,
            Err(offset) => {
                return Err(file.diagnostic(
                    offset,
                    Severity::Error,
                    "too-deep",
                    format!("values are nested more than {MAX_DEPTH} levels deep"),
                ));
            }
        }
        Ok(file)
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's text, given up: the file's bytes as read, a byte-order mark included.
    pub fn into_text(self) -> String {
        if self.bom {
            format!("\u{FEFF}{}", self.text)
        } else {
            self.text
        }
    }

    /// Notes on how the file is saved that do not stop it loading (a byte-order mark).
    pub fn notes(&self) -> Vec<Diagnostic> {
        if !self.bom {
            return Vec::new();
        }
        vec![self.diagnostic(
            0,
            Severity::Note,
            "bom",
            "the file starts with a byte-order mark (Windows Notepad's \"UTF-8 with BOM\"); that is fine, it is read as UTF-8".into(),
        )]
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Parses the file into `T`, turning a serde error into a placed diagnostic in plain words.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, Diagnostic> {
        serde_json::from_str(&self.text).map_err(|e| {
            let at = offset_of(&self.text, e.line(), e.column());
            let explained = explain::explain(&e, &self.text, at);
            self.diagnostic(
                explained.offset,
                Severity::Error,
                explained.code,
                explained.message,
            )
        })
    }

    /// Object keys given twice in one object (JSON readers silently keep only the last).
    pub fn duplicate_keys(&self) -> Vec<Diagnostic> {
        self.duplicate_keys
            .iter()
            .map(|(key, offset)| {
                self.diagnostic(
                    *offset,
                    Severity::Error,
                    "duplicate-key",
                    format!("the key \"{key}\" appears twice in the same object"),
                )
            })
            .collect()
    }

    /// Places a finding at the value its pointer names (or the nearest enclosing value).
    pub fn place(&self, finding: Finding) -> Diagnostic {
        let values = self
            .values
            .get_or_init(|| scan(&self.text, true).map(|s| s.values).unwrap_or_default());
        let mut pointer = finding.pointer.as_str();
        let offset = loop {
            if let Some(&offset) = values.get(pointer) {
                break offset;
            }
            match pointer.rfind('/') {
                Some(cut) => pointer = &pointer[..cut],
                None => break 0,
            }
        };
        let offset = match finding.offset {
            // Inside a string value: skip the opening quote, then count characters.
            Some(chars) if pointer == finding.pointer => self.text[offset..]
                .char_indices()
                .nth(chars + 1)
                .map_or(offset, |(i, _)| offset + i),
            _ => offset,
        };
        self.diagnostic(offset, finding.severity, finding.code, finding.message)
    }

    /// The position of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        Position { line, column }
    }

    fn diagnostic(
        &self,
        offset: usize,
        severity: Severity,
        code: &'static str,
        message: String,
    ) -> Diagnostic {
        Diagnostic {
            path: self.path.clone(),
            position: self.position(offset),
            severity,
            code,
            message,
        }
    }
}

/// What one pass over a file finds.
#[derive(Default)]
struct Scan {
    /// Offset of every value by JSON pointer (only when asked for).
    values: HashMap<String, usize>,
    /// Keys given twice in one object, with their offsets.
    duplicate_keys: Vec<(String, usize)>,
}

/// Walks the JSON text once, recording duplicate keys and, when `pointers` is set, the offset
/// of every value. Stops quietly at the first thing that is not JSON (serde reports that);
/// fails with the offset of nesting deeper than [`MAX_DEPTH`].
fn scan(text: &str, pointers: bool) -> Result<Scan, usize> {
    struct Frame<'t> {
        pointer: String,
        is_object: bool,
        next_index: usize,
        key: Option<&'t str>,
        keys: HashSet<&'t str>,
    }
    let mut found = Scan::default();
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        match c {
            b',' | b':' => {
                if c == b',' && stack.last().is_some_and(|f| f.is_object) {
                    expect_key = true;
                }
                i += 1;
                continue;
            }
            b'}' | b']' => {
                stack.pop();
                expect_key = false;
                i += 1;
                continue;
            }
            _ => {}
        }
        let token_end = match c {
            b'"' => match string_end(bytes, i) {
                Some(end) => end,
                None => return Ok(found),
            },
            b'{' | b'[' => i + 1,
            c if c.is_ascii_alphanumeric() || c == b'-' => {
                let mut end = i;
                while end < bytes.len()
                    && (bytes[end].is_ascii_alphanumeric() || b"+-.".contains(&bytes[end]))
                {
                    end += 1;
                }
                end
            }
            _ => return Ok(found),
        };
        if expect_key && c == b'"' {
            // Keys are compared as written; escapes that spell the same key are rare enough.
            let raw = &text[start..token_end];
            if let Some(frame) = stack.last_mut() {
                if !frame.keys.insert(raw) {
                    found.duplicate_keys.push((decode_key(raw), start));
                }
                frame.key = Some(raw);
            }
            expect_key = false;
            i = token_end;
            continue;
        }
        let pointer = match stack.last_mut() {
            None => String::new(),
            Some(frame) if frame.is_object => match frame.key.take() {
                Some(key) if pointers => ptr(&frame.pointer, decode_key(key)),
                Some(_) => String::new(),
                None => return Ok(found),
            },
            Some(frame) => {
                frame.next_index += 1;
                if pointers {
                    ptr(&frame.pointer, frame.next_index - 1)
                } else {
                    String::new()
                }
            }
        };
        if c == b'{' || c == b'[' {
            if stack.len() >= MAX_DEPTH {
                return Err(start);
            }
            if pointers {
                found.values.entry(pointer.clone()).or_insert(start);
            }
            stack.push(Frame {
                pointer,
                is_object: c == b'{',
                next_index: 0,
                key: None,
                keys: HashSet::new(),
            });
            expect_key = c == b'{';
        } else if pointers {
            found.values.entry(pointer).or_insert(start);
        }
        i = token_end;
    }
    Ok(found)
}

fn decode_key(raw: &str) -> String {
    serde_json::from_str(raw).unwrap_or_else(|_| raw.trim_matches('"').to_owned())
}

/// The offset just past the string starting at `start`, or `None` when it never ends.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// The byte offset of serde's 1-based line and column (columns count bytes there).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let mut at = (start + column.saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Where the first byte that is not UTF-8 stands, and what it likely was: files saved by
/// older Windows editors are Windows-1252 (Latin-1 with a few more letters).
fn not_utf8(path: &Path, bytes: &[u8], error: std::str::Utf8Error) -> Diagnostic {
    let at = error.valid_up_to();
    // Everything before `at` is valid UTF-8, so it can be counted in characters.
    let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let (decoded, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes[at..=at]);
    let likely = decoded
        .chars()
        .next()
        .filter(|c| !c.is_control() && bytes[at] >= 0x80);
    let message = match likely {
        Some(c) => format!(
            "this is not UTF-8 text: it looks like `{c}` saved in Windows-1252 (\"ANSI\" or Latin-1); open the file and save it as UTF-8"
        ),
        None => format!(
            "this is not UTF-8 text (a byte 0x{:02X} no text editor's UTF-8 writes); save the file as UTF-8",
            bytes[at]
        ),
    };
    Diagnostic {
        path: path.to_owned(),
        position: Position { line, column },
        severity: Severity::Error,
        code: "not-utf8",
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::from_text(Path::new("t.json"), text.to_owned()).expect("indexes")
    }

    fn at(file: &SourceFile, pointer: &str) -> (usize, usize) {
        let d = file.place(Finding {
            pointer: pointer.into(),
            offset: None,
            severity: Severity::Error,
            code: "x",
            message: String::new(),
        });
        (d.position.line, d.position.column)
    }

    #[test]
    fn finds_nested_values() {
        let f = file("{\n  \"a\": [1,\n    {\"b\": \"x\"}],\n  \"c~/\": 2\n}");
        assert_eq!(at(&f, ""), (1, 1));
        assert_eq!(at(&f, "/a"), (2, 8));
        assert_eq!(at(&f, "/a/1/b"), (3, 11));
        assert_eq!(at(&f, "/c~0~1"), (4, 10));
        // Unknown pointers fall back to the nearest parent.
        assert_eq!(at(&f, "/a/1/zzz"), (3, 5));
    }

    #[test]
    fn counts_columns_in_characters() {
        let f = file("{\"æøå\": \"ok\", \"n\": 1}");
        assert_eq!(at(&f, "/n"), (1, 20));
    }

    #[test]
    fn reports_duplicate_keys_and_depth() {
        let f = file("{\"a\": 1, \"a\": 2}");
        assert_eq!(f.duplicate_keys().len(), 1);
        let deep = "[".repeat(MAX_DEPTH + 1);
        let err = SourceFile::from_text(Path::new("t.json"), deep).unwrap_err();
        assert_eq!(err.code, "too-deep");
        let err = SourceFile::from_text(Path::new("t.json"), " \n".into()).unwrap_err();
        assert_eq!(err.code, "empty");
    }

    #[test]
    fn places_offsets_inside_strings() {
        let f = file("{\"e\": \"a + ?\"}");
        let d = f.place(Finding {
            pointer: "/e".into(),
            offset: Some(4),
            severity: Severity::Error,
            code: "x",
            message: String::new(),
        });
        assert_eq!(d.position.column, 12);
    }
}
