//! Answers: typed values checked against their item, and the answers of one form.

use crate::condition::Operand;
use crate::form::{Form, Item, ItemIx, ItemKind, ScoreIx};
use serde_json::Value;
use std::fmt;

/// A calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day, 1–31.
    pub day: u32,
}

/// The days of `month` (1–12) in `year`, leap years included.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking that the day exists (leap years included).
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let s = text.get(r)?;
            s.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| s.parse().ok())?
        };
        let (year, month, day) = (num(0..4)? as i32, num(5..7)?, num(8..10)?);
        let date = Date { year, month, day };
        ((1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day))
            .then_some(date)
    }

    /// Days since 1970-01-01 (negative before), so dates compare as numbers.
    pub fn day_number(&self) -> i64 {
        // Howard Hinnant's days-from-civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// One item's answer.
///
/// An answer is patient data: its `Debug` shows only the kind of answer, and its memory is
/// overwritten with zeros when it is dropped (replaced, cleared, or gone with its session), so
/// free text does not linger in freed memory.
#[derive(Clone, PartialEq)]
pub enum Answer {
    /// single choice, yes/no (1/0), rating, slider, number.
    Number(f64),
    /// multiple choice: the chosen option values.
    Choices(Vec<f64>),
    /// text.
    Text(String),
    /// date.
    Date(Date),
    /// body map: the chosen region ids.
    Regions(Vec<String>),
    /// signature: strokes of points, each coordinate 0–1.
    Strokes(Vec<Vec<[f64; 2]>>),
    /// "I prefer not to answer", where the item allows it: an explicit response that counts as
    /// answered for `required`, is missing for scoring, and is unanswered for conditions.
    Declined,
}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The kind helps debugging; the value is patient data and must not reach logs.
        let kind = match self {
            Answer::Number(_) => "Number",
            Answer::Choices(_) => "Choices",
            Answer::Text(_) => "Text",
            Answer::Date(_) => "Date",
            Answer::Regions(_) => "Regions",
            Answer::Strokes(_) => "Strokes",
            Answer::Declined => "Declined",
        };
        write!(f, "Answer::{kind}(***)")
    }
}

impl Drop for Answer {
    fn drop(&mut self) {
        self.wipe();
    }
}

impl Answer {
    /// Overwrites the answer's memory with zeros, so that it does not linger after a session.
    /// Dropping an answer does this too.
    pub fn wipe(&mut self) {
        use zeroize::Zeroize;
        match self {
            Answer::Number(v) => v.zeroize(),
            Answer::Choices(values) => values.zeroize(),
            Answer::Text(text) => text.zeroize(),
            Answer::Date(date) => {
                date.year.zeroize();
                date.month.zeroize();
                date.day.zeroize();
            }
            Answer::Regions(regions) => regions.zeroize(),
            Answer::Strokes(strokes) => strokes.zeroize(),
            Answer::Declined => {}
        }
    }

    /// The JSON an answers file gives for "I prefer not to answer".
    pub fn declined_json() -> Value {
        serde_json::json!({ "declined": true })
    }

    /// The answer as one number (dates as day numbers), for comparisons and scoring.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Answer::Number(v) => Some(*v),
            Answer::Date(d) => Some(d.day_number() as f64),
            _ => None,
        }
    }

    pub(crate) fn equals(&self, value: &Operand) -> bool {
        match (self, value) {
            (Answer::Text(t), Operand::Text(v)) => t == v,
            (_, Operand::Number(v)) => self.as_number() == Some(*v),
            _ => false,
        }
    }

    pub(crate) fn contains(&self, value: &Operand) -> bool {
        match (self, value) {
            (Answer::Choices(c), Operand::Number(v)) => c.contains(v),
            (Answer::Regions(r), Operand::Text(v)) => r.contains(v),
            (Answer::Text(t), Operand::Text(v)) => t.contains(v.as_str()),
            _ => false,
        }
    }
}

/// Why an answer does not fit its item. Messages never repeat the answer itself: answers
/// are patient data and must not reach logs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnswerProblem {
    /// The form has no such item.
    #[error("the form has no item with this id")]
    UnknownItem,
    /// Info items take no answer.
    #[error("this item is information only and takes no answer")]
    NotAnswerable,
    /// The JSON type is wrong for the item.
    #[error("a {item_type} item takes {expected}")]
    WrongType {
        /// The item's type.
        item_type: &'static str,
        /// What it takes.
        expected: &'static str,
    },
    /// Outside the item's range.
    #[error("the answer is outside the allowed range {min} to {max}")]
    OutOfRange {
        /// Lowest.
        min: String,
        /// Highest.
        max: String,
    },
    /// Not one of the options.
    #[error("the answer is not one of the item's option values")]
    NotAnOption,
    /// An option or region given twice.
    #[error("the same choice is given twice")]
    Repeated,
    /// More decimals than allowed.
    #[error("the answer has more than {0} decimal(s)")]
    TooManyDecimals(u32),
    /// Text too long.
    #[error("the text is longer than {0} characters")]
    TooLong(usize),
    /// Not a real date.
    #[error("the answer is not a real date in the form YYYY-MM-DD")]
    BadDate,
    /// Not a region of the map.
    #[error("the answer names a region the body map does not have")]
    UnknownRegion,
    /// Signature point outside 0–1.
    #[error("signature points must be [x, y] pairs between 0 and 1")]
    BadStroke,
    /// "Prefer not to answer" given to an item that does not offer it.
    #[error("this item does not allow \"prefer not to answer\" (`allow_decline` is not set)")]
    DeclineNotAllowed,
    /// An exclusive option ("None of these") chosen together with others.
    #[error("an exclusive option is chosen together with other options")]
    ExclusiveWithOthers,
}

/// An answer problem with the item it is about.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("item `{item}`: {problem}")]
pub struct AnswerError {
    /// The item id as given.
    pub item: String,
    /// What is wrong.
    pub problem: AnswerProblem,
}

impl Item {
    /// Checks an answer against this item: type, range, options, decimals, length.
    pub fn check(&self, answer: &Answer) -> Result<(), AnswerProblem> {
        let wrong = |expected| AnswerProblem::WrongType {
            item_type: self.kind.type_name(),
            expected,
        };
        let in_range = |v: f64, min: f64, max: f64| {
            if v.is_finite() && v >= min && v <= max {
                Ok(())
            } else {
                Err(AnswerProblem::OutOfRange {
                    min: fmt_num(min),
                    max: fmt_num(max),
                })
            }
        };
        match (&self.kind, answer) {
            (ItemKind::Info { .. }, _) => Err(AnswerProblem::NotAnswerable),
            (_, Answer::Declined) if self.allow_decline => Ok(()),
            (_, Answer::Declined) => Err(AnswerProblem::DeclineNotAllowed),
            (ItemKind::SingleChoice { options, .. }, Answer::Number(v)) => options
                .iter()
                .any(|c| c.value == *v)
                .then_some(())
                .ok_or(AnswerProblem::NotAnOption),
            (ItemKind::SingleChoice { .. }, _) => Err(wrong("one option value (a number)")),
            (ItemKind::MultipleChoice { options, .. }, Answer::Choices(vs)) => {
                if !vs.iter().all(|v| options.iter().any(|c| c.value == *v)) {
                    return Err(AnswerProblem::NotAnOption);
                }
                let exclusive = options.iter().any(|c| c.exclusive && vs.contains(&c.value));
                if exclusive && vs.len() > 1 {
                    return Err(AnswerProblem::ExclusiveWithOthers);
                }
                no_repeats(vs)
            }
            (ItemKind::MultipleChoice { .. }, _) => Err(wrong("a list of option values")),
            (ItemKind::YesNo, Answer::Number(v)) if *v == 0.0 || *v == 1.0 => Ok(()),
            (ItemKind::YesNo, _) => Err(wrong("1 (yes) or 0 (no)")),
            (ItemKind::Rating { min, max, .. }, Answer::Number(v)) => {
                in_range(*v, *min as f64, *max as f64)?;
                if v.fract() == 0.0 {
                    Ok(())
                } else {
                    Err(AnswerProblem::TooManyDecimals(0))
                }
            }
            (ItemKind::Slider { min, max, .. }, Answer::Number(v)) => in_range(*v, *min, *max),
            (
                ItemKind::Number {
                    min, max, decimals, ..
                },
                Answer::Number(v),
            ) => {
                in_range(*v, *min, *max)?;
                let scaled = v * 10f64.powi(*decimals as i32);
                if (scaled - scaled.round()).abs() < 1e-6 {
                    Ok(())
                } else {
                    Err(AnswerProblem::TooManyDecimals(*decimals))
                }
            }
            (ItemKind::Rating { .. } | ItemKind::Slider { .. } | ItemKind::Number { .. }, _) => {
                Err(wrong("a number"))
            }
            (ItemKind::Text { max_length }, Answer::Text(t)) => {
                if t.chars().count() <= *max_length {
                    Ok(())
                } else {
                    Err(AnswerProblem::TooLong(*max_length))
                }
            }
            (ItemKind::Text { .. }, _) => Err(wrong("a string")),
            (ItemKind::Date { min, max }, Answer::Date(d)) => {
                if min.is_some_and(|m| *d < m) || max.is_some_and(|m| *d > m) {
                    let show =
                        |d: &Option<crate::answer::Date>| d.map_or("any".into(), |d| d.to_string());
                    Err(AnswerProblem::OutOfRange {
                        min: show(min),
                        max: show(max),
                    })
                } else {
                    Ok(())
                }
            }
            (ItemKind::Date { .. }, _) => Err(wrong("a date string YYYY-MM-DD")),
            (ItemKind::BodyMap { regions, .. }, Answer::Regions(rs)) => {
                if !rs
                    .iter()
                    .all(|r| regions.iter().any(|g| g.id.as_str() == r))
                {
                    return Err(AnswerProblem::UnknownRegion);
                }
                no_repeats(rs)
            }
            (ItemKind::BodyMap { .. }, _) => Err(wrong("a list of region ids")),
            (ItemKind::Signature, Answer::Strokes(strokes)) => {
                let ok = strokes
                    .iter()
                    .flatten()
                    .all(|p| p.iter().all(|c| (0.0..=1.0).contains(c)));
                if ok {
                    Ok(())
                } else {
                    Err(AnswerProblem::BadStroke)
                }
            }
            (ItemKind::Signature, _) => Err(wrong("a list of strokes of [x, y] points")),
        }
    }

    /// Reads an answer from JSON as in an answers file, and checks it.
    pub fn answer_from_json(&self, value: &Value) -> Result<Answer, AnswerProblem> {
        let wrong = |expected| AnswerProblem::WrongType {
            item_type: self.kind.type_name(),
            expected,
        };
        if value.get("declined") == Some(&Value::Bool(true)) {
            let answer = Answer::Declined;
            self.check(&answer)?;
            return Ok(answer);
        }
        let answer = match &self.kind {
            ItemKind::Info { .. } => return Err(AnswerProblem::NotAnswerable),
            ItemKind::SingleChoice { .. }
            | ItemKind::YesNo
            | ItemKind::Rating { .. }
            | ItemKind::Slider { .. }
            | ItemKind::Number { .. } => {
                Answer::Number(value.as_f64().ok_or(wrong(expected_json(&self.kind)))?)
            }
            ItemKind::MultipleChoice { .. } => Answer::Choices(
                value
                    .as_array()
                    .and_then(|a| a.iter().map(Value::as_f64).collect::<Option<_>>())
                    .ok_or(wrong("a list of option values"))?,
            ),
            ItemKind::Text { .. } => {
                Answer::Text(value.as_str().ok_or(wrong("a string"))?.to_owned())
            }
            ItemKind::Date { .. } => Answer::Date(
                Date::parse(value.as_str().ok_or(wrong("a date string YYYY-MM-DD"))?)
                    .ok_or(AnswerProblem::BadDate)?,
            ),
            ItemKind::BodyMap { .. } => Answer::Regions(
                value
                    .as_array()
                    .and_then(|a| a.iter().map(|r| r.as_str().map(str::to_owned)).collect())
                    .ok_or(wrong("a list of region ids"))?,
            ),
            ItemKind::Signature => Answer::Strokes(
                value
                    .as_array()
                    .and_then(|strokes| strokes.iter().map(stroke_from_json).collect())
                    .ok_or(wrong("a list of strokes of [x, y] points"))?,
            ),
        };
        self.check(&answer)?;
        Ok(answer)
    }
}

fn expected_json(kind: &ItemKind) -> &'static str {
    match kind {
        ItemKind::SingleChoice { .. } => "one option value (a number)",
        ItemKind::YesNo => "1 (yes) or 0 (no)",
        _ => "a number",
    }
}

fn stroke_from_json(stroke: &Value) -> Option<Vec<[f64; 2]>> {
    stroke
        .as_array()?
        .iter()
        .map(|p| match p.as_array()?.as_slice() {
            [x, y] => Some([x.as_f64()?, y.as_f64()?]),
            _ => None,
        })
        .collect()
}

fn no_repeats<T: PartialEq>(values: &[T]) -> Result<(), AnswerProblem> {
    let repeated = values
        .iter()
        .enumerate()
        .any(|(i, v)| values[..i].contains(v));
    if repeated {
        Err(AnswerProblem::Repeated)
    } else {
        Ok(())
    }
}

/// Formats a number without a needless `.0`.
pub fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The answers given to one form, by item. `Debug` shows how many there are, not what they
/// are.
#[derive(Clone, PartialEq)]
pub struct Answers(Vec<Option<Answer>>);

impl fmt::Debug for Answers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answers")
            .field("items", &self.0.len())
            .field("answered", &self.0.iter().flatten().count())
            .field(
                "declined",
                &self
                    .0
                    .iter()
                    .flatten()
                    .filter(|a| **a == Answer::Declined)
                    .count(),
            )
            .finish()
    }
}

impl Answers {
    /// No answers yet, for `form`.
    pub fn new(form: &Form) -> Answers {
        Answers(vec![None; form.items.len()])
    }

    /// The answer to an item, for scoring and conditions: `None` when unanswered or declined
    /// ("prefer not to answer" is missing data).
    pub fn get(&self, item: ItemIx) -> Option<&Answer> {
        self.response(item).filter(|a| **a != Answer::Declined)
    }

    /// The patient's response to an item, [`Answer::Declined`] included: what the screen shows,
    /// what the store keeps, and what `required` asks for.
    pub fn response(&self, item: ItemIx) -> Option<&Answer> {
        self.0.get(item.0).and_then(Option::as_ref)
    }

    /// Whether the patient declined to answer an item.
    pub fn declined(&self, item: ItemIx) -> bool {
        self.response(item) == Some(&Answer::Declined)
    }

    /// Sets or clears an answer after checking it against the item.
    pub fn set(
        &mut self,
        form: &Form,
        item: ItemIx,
        answer: Option<Answer>,
    ) -> Result<(), AnswerProblem> {
        if let Some(a) = &answer {
            form.item(item).check(a)?;
        }
        self.0[item.0] = answer;
        Ok(())
    }

    /// Reads an answers object (item id to answer, as in `svar score`); `null` means unanswered.
    pub fn from_json(form: &Form, value: &Value) -> Result<Answers, AnswerError> {
        let object = value.as_object().ok_or_else(|| AnswerError {
            item: String::new(),
            problem: AnswerProblem::WrongType {
                item_type: "answers",
                expected: "a JSON object from item id to answer",
            },
        })?;
        let mut answers = Answers::new(form);
        for (id, value) in object {
            let fail = |problem| AnswerError {
                item: id.clone(),
                problem,
            };
            let ix = form
                .item_ix(id)
                .ok_or_else(|| fail(AnswerProblem::UnknownItem))?;
            if value.is_null() {
                continue;
            }
            let answer = form.item(ix).answer_from_json(value).map_err(fail)?;
            answers.0[ix.0] = Some(answer);
        }
        Ok(answers)
    }

    /// Which items are shown: an item is visible when its page's and its own conditions hold,
    /// judged on the answers of visible items only.
    pub fn visible(&self, form: &Form) -> Vec<bool> {
        let mut visible = vec![false; form.items.len()];
        // A score a condition tests is computed when first needed: by then every item it reads
        // has its visibility decided (the visibility order puts them first), so it is final.
        let mut score_memo: Vec<Option<Option<f64>>> = vec![None; form.scores.len()];
        for &ix in &form.visibility_order {
            let item = form.item(ix);
            let lookup = |other: ItemIx| {
                if visible[other.0] {
                    self.get(other)
                } else {
                    None
                }
            };
            let memo = std::cell::RefCell::new(&mut score_memo);
            let score = |s: ScoreIx| {
                let known = memo.borrow()[s.0];
                known.unwrap_or_else(|| {
                    let value = crate::score::values(form, &lookup)[s.0];
                    memo.borrow_mut()[s.0] = Some(value);
                    value
                })
            };
            let page_shown = form.pages[item.page]
                .show_if
                .as_ref()
                .is_none_or(|c| c.holds(&lookup, &score));
            let item_shown = item
                .show_if
                .as_ref()
                .is_none_or(|c| c.holds(&lookup, &score));
            visible[ix.0] = page_shown && item_shown;
        }
        visible
    }

    /// Wipes every answer from memory and leaves the form unanswered (each dropped answer
    /// wipes itself, see [`Answer::wipe`]).
    pub fn wipe(&mut self) {
        self.0.fill(None);
    }

    /// Drops answers to items that are hidden: a hidden answer is neither kept nor scored.
    pub fn drop_hidden(&mut self, form: &Form) {
        let visible = self.visible(form);
        for (slot, shown) in self.0.iter_mut().zip(visible) {
            if !shown {
                *slot = None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_checked_and_numbered() {
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2023-02-29").is_none());
        assert!(Date::parse("1900-02-29").is_none());
        assert!(Date::parse("2000-02-29").is_some());
        assert!(Date::parse("2024-13-01").is_none());
        assert!(Date::parse("2024-1-01").is_none());
        assert!(Date::parse("+024-01-01").is_none());
        assert_eq!(Date::parse("1970-01-01").unwrap().day_number(), 0);
        assert_eq!(Date::parse("2000-03-01").unwrap().day_number(), 11_017);
        assert_eq!(Date::parse("1969-12-31").unwrap().day_number(), -1);
    }

    #[test]
    fn numbers_format_plainly() {
        assert_eq!(fmt_num(3.0), "3");
        assert_eq!(fmt_num(1.75), "1.75");
    }
}
