//! Plain words for what the JSON reader found wrong: what, where, and how to fix it, for an
//! admin who edits form files in a text editor, never in the reader's own terms ("struct",
//! "variant", "u32").

use crate::suggest;

/// A reader error explained: a stable code, the offset it is best shown at, and the message.
pub(super) struct Explained {
    /// Stable code.
    pub code: &'static str,
    /// Byte offset in the text to show the problem at.
    pub offset: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// The languages Svar has, and what admins write for them by mistake.
const LANGUAGE_SLIPS: &[(&str, &str)] = &[
    ("dk", "da"),
    ("dan", "da"),
    ("dansk", "da"),
    ("danish", "da"),
    ("da-dk", "da"),
    ("no", "nb"),
    ("nor", "nb"),
    ("nob", "nb"),
    ("norsk", "nb"),
    ("bokmål", "nb"),
    ("bokmal", "nb"),
    ("nb-no", "nb"),
    ("no-nb", "nb"),
    ("nno", "nn"),
    ("nynorsk", "nn"),
    ("nn-no", "nn"),
    ("no-nn", "nn"),
    ("eng", "en"),
    ("english", "en"),
    ("en-gb", "en"),
    ("en-us", "en"),
    ("uk", "en"),
];

/// Explains `error`, found in `text` at byte `offset` (serde's line and column, resolved).
pub(super) fn explain(error: &serde_json::Error, text: &str, offset: usize) -> Explained {
    let full = error.to_string();
    let message = match full.rfind(" at line ") {
        Some(cut) => &full[..cut],
        None => &full,
    };
    match error.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            syntax(message, text, offset)
        }
        serde_json::error::Category::Io => Explained {
            code: "unreadable",
            offset,
            message: format!("cannot read the file: {message}"),
        },
        serde_json::error::Category::Data => data(message, offset),
    }
}

fn syntax(message: &str, text: &str, offset: usize) -> Explained {
    let here = text.get(offset..).and_then(|s| s.chars().next());
    let explained = |code, offset, message: String| Explained {
        code,
        offset,
        message,
    };
    if let Some(quote @ ('“' | '”' | '‘' | '’' | '„' | '«' | '»')) = here {
        return explained(
            "curly-quotes",
            offset,
            format!(
                "a curly quote `{quote}` (from Word or a phone's keyboard) where JSON needs a straight quote `\"`; retype the quotes in a plain text editor, or turn off \"smart quotes\""
            ),
        );
    }
    if message.starts_with("control character") {
        return match here {
            Some('\t') => explained(
                "tab-in-text",
                offset,
                "a tab character inside this text; JSON texts cannot hold tabs: replace it with a space".into(),
            ),
            Some('\n' | '\r') => explained(
                "text-not-closed",
                offset,
                "this text runs on past the end of its line: close it with `\"` on the same line (write \\n for a line break inside a text)".into(),
            ),
            Some(c) => explained(
                "control-character",
                offset,
                format!(
                    "an invisible control character (U+{:04X}) inside this text; delete it",
                    u32::from(c)
                ),
            ),
            None => explained("json-syntax", offset, "a text is not closed with `\"`".into()),
        };
    }
    if message.starts_with("expected `,` or") {
        let closer = if message.ends_with("`]`") { ']' } else { '}' };
        // The comma belongs right after the previous value, usually at the end of the line above.
        let before = text[..offset.min(text.len())].trim_end();
        let line = before.matches('\n').count() + 1;
        return explained(
            "missing-comma",
            before.len(),
            format!(
                "a comma `,` is missing at the end of line {line}: put one after this value, before the next one (or a `{closer}` here if the list or object ends)"
            ),
        );
    }
    if message.starts_with("EOF while parsing") {
        return explained(
            "file-ends-early",
            offset,
            format!(
                "the file ends before its JSON does: {}",
                match unclosed(text) {
                    Some((open, at)) => {
                        let line = text[..at].matches('\n').count() + 1;
                        format!("the `{open}` opened on line {line} is never closed")
                    }
                    None => "a closing `\"`, `}` or `]` is missing".into(),
                }
            ),
        );
    }
    // A comma before `}` or `]`, or two in a row, is shown at the comma to remove.
    let comma_before = || text[..offset.min(text.len())].rfind(',').unwrap_or(offset);
    if message == "trailing comma" {
        return explained(
            "trailing-comma",
            comma_before(),
            "a comma after the last entry of a list or object; remove this comma".into(),
        );
    }
    if matches!(message, "key must be a string" | "expected value") {
        match here {
            Some('}' | ']') => {
                return explained(
                    "trailing-comma",
                    comma_before(),
                    "a comma after the last entry of a list or object; remove this comma".into(),
                );
            }
            Some(',') => {
                return explained(
                    "json-syntax",
                    offset,
                    "two commas in a row; remove one".into(),
                );
            }
            _ => {}
        }
    }
    let plain = match message {
        "key must be a string" => match here {
            Some(c) if c.is_alphabetic() => {
                "a field name must be in straight quotes: write \"name\": …"
            }
            _ => "a field name in straight quotes (\"id\") is expected here",
        },
        "expected `:`" => "a colon `:` is expected between a field name and its value",
        "expected value" | "expected ident" => match here {
            Some(c) if c.is_alphabetic() => {
                "a text must be in straight quotes (\"like this\"); only true, false and null are written without"
            }
            _ => {
                "a value is expected here: a text in quotes, a number, true, false, a list [ … ] or an object { … }"
            }
        },
        "invalid number" | "number out of range" => {
            "this is not a number JSON can read; write numbers like 3, -2 or 2.5 (a point, not a comma)"
        }
        "invalid escape" | "invalid unicode code point" => {
            "a backslash `\\` inside a text starts an escape such as \\n; write \\\\ for a backslash itself"
        }
        "trailing characters" => {
            "there is more after the end of the file's object; a file holds exactly one { … }"
        }
        _ => message,
    };
    explained("json-syntax", offset, plain.to_owned())
}

/// The last bracket left open at the end of `text`, with its offset (strings skipped).
fn unclosed(text: &str) -> Option<(char, usize)> {
    let mut open = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => open.push((c, i)),
            '}' | ']' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.pop()
}

fn data(message: &str, offset: usize) -> Explained {
    let explained = |code, message: String| Explained {
        code,
        offset,
        message,
    };
    if let Some(rest) = message.strip_prefix("missing field ") {
        return explained(
            "missing-field",
            format!("the field {rest} is missing from the object that ends here"),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (given, known) = split_choices(rest);
        let hint = match suggest::closest(&given, known.iter().map(String::as_str)) {
            Some(k) => format!("did you mean `{k}`?"),
            None if known.is_empty() => "this object takes no fields".into(),
            None => format!("the fields here are {}", quoted(&known)),
        };
        return explained(
            "unknown-field",
            format!("`{given}` is not a field here; {hint}"),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (given, known) = split_choices(rest);
        let is_language = ["nb", "nn", "da", "en"]
            .iter()
            .all(|l| known.iter().any(|k| k == l));
        let slip = LANGUAGE_SLIPS
            .iter()
            .find(|(slip, _)| *slip == given.to_lowercase())
            .map(|(_, code)| *code)
            .filter(|_| is_language);
        let hint = match slip.or_else(|| suggest::closest(&given, known.iter().map(String::as_str)))
        {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!("write one of {}", quoted(&known)),
        };
        let what = if is_language {
            format!(
                "`{given}` is not a language code Svar knows ({})",
                quoted(&known)
            )
        } else {
            format!("`{given}` is not one of the values allowed here")
        };
        return explained("unknown-value", format!("{what}; {hint}"));
    }
    let mismatch = [
        ("invalid type: ", "wrong-type"),
        ("invalid value: ", "invalid-value"),
    ]
    .into_iter()
    .find_map(|(prefix, code)| message.strip_prefix(prefix).map(|rest| (rest, code)));
    if let Some((rest, code)) = mismatch {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another value"));
        return explained(
            code,
            format!(
                "this should be {}, but it is {}",
                expected_words(expected),
                found_words(found)
            ),
        );
    }
    if let Some(rest) = message.strip_prefix("invalid length ") {
        let (found, expected) = rest
            .split_once(", expected ")
            .unwrap_or((rest, "another length"));
        return explained(
            "invalid-value",
            format!(
                "this list has {found} entries; {} is expected",
                expected_words(expected)
            ),
        );
    }
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        return explained(
            "duplicate-key",
            format!("the field {rest} is given twice in the same object; keep one"),
        );
    }
    // Untagged and custom errors carry their own `expecting` text, written for admins.
    let message = message
        .strip_prefix("data did not match any variant of untagged enum ")
        .map_or(message, |_| "this value has the wrong form here");
    explained("invalid-value", message.to_owned())
}

/// Splits serde's "`given`, expected one of `a`, `b`" (or "expected `a` or `b`").
fn split_choices(rest: &str) -> (String, Vec<String>) {
    let (given, expected) = rest.split_once(", expected").unwrap_or((rest, ""));
    let names =
        |s: &str| -> Vec<String> { s.split('`').skip(1).step_by(2).map(str::to_owned).collect() };
    (given.trim().trim_matches('`').to_owned(), names(expected))
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Serde's name for a value that was found, in plain words.
fn found_words(found: &str) -> String {
    let inner = |prefix: &str| {
        found
            .strip_prefix(prefix)
            .map(|v| v.trim().trim_matches('`').to_owned())
    };
    if let Some(n) = inner("integer").or_else(|| inner("floating point")) {
        return format!("the number {n}");
    }
    if let Some(s) = found.strip_prefix("string ") {
        return format!("the text {s}");
    }
    if let Some(b) = inner("boolean") {
        return format!("`{b}`");
    }
    match found {
        "map" => "an object { … }".into(),
        "sequence" => "a list [ … ]".into(),
        "null" | "unit" | "unit value" => "null".into(),
        other => other.into(),
    }
}

/// Serde's name for what it expected, in plain words (form types say it with `expecting`).
fn expected_words(expected: &str) -> String {
    let plain = match expected {
        "a string" | "a borrowed string" | "a character" => "a text in quotes",
        "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more",
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "a boolean" => "true or false",
        "a sequence" => "a list [ … ]",
        "a map" => "an object { … }",
        other if other.starts_with("struct ") || other.starts_with("a map ") => "an object { … }",
        other if other.starts_with("enum ") || other.contains("variant") => {
            "one of the values allowed here"
        }
        other if other.starts_with("a sequence") || other.starts_with("a tuple") => "a list [ … ]",
        other => return other.to_owned(),
    };
    plain.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explain_text(text: &str) -> Explained {
        let error = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        let offset = super::super::offset_of(text, error.line(), error.column());
        explain(&error, text, offset)
    }

    #[test]
    fn a_missing_comma_is_placed_at_the_end_of_the_line_it_belongs_to() {
        let e = explain_text("{\n  \"a\": 1\n  \"b\": 2\n}");
        assert_eq!(e.code, "missing-comma");
        assert_eq!(e.offset, 10);
        assert!(e.message.contains("end of line 2"), "{}", e.message);
    }

    #[test]
    fn an_unclosed_object_names_the_line_it_opened_on() {
        let e = explain_text("{\n  \"a\": {\n    \"b\": 1\n");
        assert_eq!(e.code, "file-ends-early");
        assert!(e.message.contains("opened on line 2"), "{}", e.message);
    }

    #[test]
    fn reader_words_become_plain_ones() {
        assert_eq!(found_words("integer `0`"), "the number 0");
        assert_eq!(found_words("map"), "an object { … }");
        assert_eq!(expected_words("u32"), "a whole number, 0 or more");
        assert_eq!(expected_words("struct RawOption"), "an object { … }");
        let e = data(
            "unknown variant `dk`, expected one of `nb`, `nn`, `da`, `en`",
            0,
        );
        assert!(e.message.contains("did you mean `da`?"), "{}", e.message);
        let e = data(
            "unknown field `requird`, expected one of `id`, `required`",
            0,
        );
        assert_eq!(
            e.message,
            "`requird` is not a field here; did you mean `required`?"
        );
    }
}
