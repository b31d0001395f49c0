//! Patient identifiers: Norwegian fødselsnummer, D-number, H-number and synthetic test numbers,
//! Danish CPR numbers, and study ids.
//!
//! Staff type or scan one of these when they start a kiosk session for a named patient. Each
//! parser checks the number exactly as its issuer defines it and returns a [`PatientId`] that
//! holds the digits only. Identifiers are patient data: neither [`PatientId`]'s `Debug` nor any
//! [`IdError`] message ever repeats the number, so they are safe to log; the value is only
//! reachable through [`PatientId::as_str`].
//!
//! Sources:
//! - Norwegian numbers: Skatteetaten's description of the fødselsnummer (individnummer ranges
//!   and the modulus 11 control digits, as explained on fnrinfo.no, "Oppbygging" and
//!   "Beregning av kontrollsiffer"); H-numbers: month + 40 (fnrinfo.no, "H-nummer"); synthetic
//!   numbers in Tenor, Skatteetaten's test-data registry: month + 80.
//! - Danish numbers: CPR-kontoret, "Personnummeret i CPR-systemet" (the century table and the
//!   modulus 11 weights), and "Personnumre uden kontrolciffer (modulus 11 kontrol)" (numbers
//!   issued since 1 October 2007 need not pass modulus 11).

use regex::Regex;
use std::fmt;

/// What kind of identifier a [`PatientId`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// A Norwegian fødselsnummer: DDMMYY, individnummer, two control digits.
    Fodselsnummer,
    /// A Norwegian D-number: a fødselsnummer with 4 added to the first digit (day 41–71).
    DNumber,
    /// A Norwegian H-number (hjelpenummer), used inside health services while the real
    /// number is unknown: 40 added to the month (41–52).
    HNumber,
    /// A synthetic test number from Tenor, Skatteetaten's test-data registry: 80 added to the
    /// month (81–92), also on D-numbers. Never a real person; callers decide whether to accept
    /// it outside testing.
    Synthetic,
    /// A Danish CPR number (personnummer): DDMMYY and four digits.
    Cpr,
    /// A study id matched by a [`StudyIdPattern`].
    Study,
}

impl IdKind {
    /// Every kind, in the order help texts list them.
    pub const ALL: [IdKind; 6] = [
        IdKind::Fodselsnummer,
        IdKind::DNumber,
        IdKind::HNumber,
        IdKind::Synthetic,
        IdKind::Cpr,
        IdKind::Study,
    ];

    /// The name used in bundles and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            IdKind::Fodselsnummer => "fodselsnummer",
            IdKind::DNumber => "d_number",
            IdKind::HNumber => "h_number",
            IdKind::Synthetic => "synthetic",
            IdKind::Cpr => "cpr",
            IdKind::Study => "study",
        }
    }
}

impl std::str::FromStr for IdKind {
    type Err = String;

    fn from_str(s: &str) -> Result<IdKind, String> {
        IdKind::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = IdKind::ALL.iter().map(|t| t.as_str()).collect();
                format!("unknown id type; use one of {}", names.join(", "))
            })
    }
}

/// A checked patient identifier. National ids hold their digits only (no spaces or dash).
///
/// There is deliberately no `Display`: the value is patient data and is only handed out by
/// [`as_str`](PatientId::as_str), so it cannot reach a log through a stray `{}`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PatientId {
    kind: IdKind,
    value: String,
}

impl PatientId {
    /// What kind of identifier this is.
    pub fn kind(&self) -> IdKind {
        self.kind
    }

    /// The identifier itself: digits only for national ids, the trimmed input for study ids.
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl fmt::Debug for PatientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The kind helps debugging; the value is patient data and must not reach logs.
        write!(f, "PatientId({:?}, ***)", self.kind)
    }
}

/// Why an identifier was refused. Messages are meant for clinic staff and never repeat the
/// number, which is patient data.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IdError {
    /// Nothing but whitespace was entered.
    #[error("nothing was entered")]
    Empty,
    /// A character that is neither a digit nor an allowed separator.
    #[error("only digits are allowed ({hint})")]
    NotDigits {
        /// Which separators are allowed.
        hint: &'static str,
    },
    /// Too few or too many digits.
    #[error("wrong length: a {what} has {expected} digits, not {found}")]
    WrongLength {
        /// What kind of number was expected.
        what: &'static str,
        /// How many digits it has.
        expected: usize,
        /// How many digits were entered.
        found: usize,
    },
    /// A CPR number with the dash anywhere but after the sixth digit, or with several dashes.
    #[error("the dash is in the wrong place: write a CPR number as DDMMYY-SSSS or without a dash")]
    MisplacedDash,
    /// The first six digits are not a real date (after taking away a D-, H- or test offset).
    #[error("no such date: the first six digits must be a real date of birth, DDMMYY")]
    NoSuchDate,
    /// A Norwegian individnummer (digits 7–9) that is not used with this year of birth.
    #[error("the individual number (digits 7 to 9) does not fit the year of birth")]
    NoCentury,
    /// The Norwegian control digits (the last two) are not the ones the other digits give.
    #[error("the control digits do not match: a digit is probably mistyped")]
    ControlDigits,
    /// The CPR number fails the modulus 11 check that [`CprRule::Modulus11Required`] asks for.
    #[error("the number fails the modulus 11 check: a digit is probably mistyped")]
    Modulus11,
    /// The study id pattern from the configuration does not compile.
    #[error("the study id pattern is not a valid regular expression: {0}")]
    BadPattern(regex::Error),
    /// The input does not match the study id pattern.
    #[error("this is not a study id of the form this study uses")]
    NoMatch,
}

/// Weights of the first Norwegian control digit (k1), over digits 1–9.
const NO_K1_WEIGHTS: [u32; 9] = [3, 7, 6, 1, 8, 9, 4, 5, 2];
/// Weights of the second Norwegian control digit (k2), over digits 1–9 and k1.
const NO_K2_WEIGHTS: [u32; 10] = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
/// Danish modulus 11 weights over all ten digits; a valid number's sum is divisible by 11.
const CPR_WEIGHTS: [u32; 10] = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];

/// Parses a Norwegian fødselsnummer, D-number, H-number or Tenor synthetic test number:
/// 11 digits, spaces allowed anywhere (so `311299 56715` is accepted).
///
/// Checks, in this order: only digits, 11 of them, a real day and month (after taking away
/// the D-, H- or test offset), an individnummer that fits the year, a date that exists in
/// that century (29 February included), and both control digits.
///
/// The rules for numbers issued from 2032 (a freer first control digit, no century in the
/// individnummer) are out of scope: such numbers are refused, most likely with
/// [`IdError::ControlDigits`]. So is the old H-number form with 8 or 9 as the first digit.
pub fn parse_norwegian(input: &str) -> Result<PatientId, IdError> {
    if input.trim().is_empty() {
        return Err(IdError::Empty);
    }
    // Spaces are how people group the number when reading it aloud or from a letter; any
    // whitespace (a non-breaking space pasted from a document too) is simply dropped.
    let mut d = Vec::with_capacity(11);
    for c in input.chars().filter(|c| !c.is_whitespace()) {
        d.push(digit(c).ok_or(IdError::NotDigits {
            hint: "spaces are ignored",
        })?);
    }
    let d: [u32; 11] = d.try_into().map_err(|d: Vec<u32>| IdError::WrongLength {
        what: "fødselsnummer or D-number",
        expected: 11,
        found: d.len(),
    })?;

    let yy = d[4] * 10 + d[5];
    let individnummer = d[6] * 100 + d[7] * 10 + d[8];

    // D-numbers add 4 to the first digit (40 to the day); H-numbers add 40 and Tenor test
    // numbers 80 to the month. Tenor also makes synthetic D-numbers (both offsets).
    let (day, month) = (d[0] * 10 + d[1], d[2] * 10 + d[3]);
    let d_number = day > 40;
    let day = if d_number { day - 40 } else { day };
    let (kind, month) = match (d_number, month) {
        (_, 81..=92) => (IdKind::Synthetic, month - 80),
        (false, 41..=52) => (IdKind::HNumber, month - 40),
        // A D-number that is also an H-number is not issued: its month stays out of range.
        (true, _) => (IdKind::DNumber, month),
        (false, _) => (IdKind::Fodselsnummer, month),
    };
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(IdError::NoSuchDate);
    }

    let year = norwegian_century(individnummer, yy).ok_or(IdError::NoCentury)? + yy as i32;
    if day > days_in_month(year, month) {
        return Err(IdError::NoSuchDate);
    }

    // Modulus 11 (fnrinfo.no, "Beregning av kontrollsiffer"): k = 11 − (sum mod 11), where a
    // remainder of 0 gives 0 and a result of 10 matches no digit: such numbers are never issued.
    let k1 = control_digit(&d[..9], &NO_K1_WEIGHTS);
    let k2 = control_digit(&d[..10], &NO_K2_WEIGHTS);
    if k1 != Some(d[9]) || k2 != Some(d[10]) {
        return Err(IdError::ControlDigits);
    }

    Ok(PatientId {
        kind,
        value: d.iter().map(|&x| char::from(b'0' + x as u8)).collect(),
    })
}

/// The first year of the century a Norwegian individnummer and two-digit year belong to, or
/// `None` when that individnummer is not used with that year (Skatteetaten's ranges).
fn norwegian_century(individnummer: u32, yy: u32) -> Option<i32> {
    match (individnummer, yy) {
        (0..=499, _) => Some(1900),
        (500..=749, 54..=99) => Some(1800),
        (500..=999, 0..=39) => Some(2000),
        (900..=999, 40..=99) => Some(1900),
        _ => None,
    }
}

/// A Norwegian control digit over `digits`, or `None` when it would be 10.
fn control_digit(digits: &[u32], weights: &[u32]) -> Option<u32> {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        k => Some(k),
    }
}

/// How strictly [`parse_cpr`] checks a Danish CPR number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CprRule {
    /// The date, and the old modulus 11 check every number issued before 1 October 2007
    /// passes. Refuses some valid newer numbers.
    Modulus11Required,
    /// The date only. The default, because CPR-kontoret asks every IT system to accept
    /// numbers without modulus 11: they are fully valid and still being issued.
    #[default]
    DateOnly,
}

/// Parses a Danish CPR number: 10 digits, written `DDMMYY-SSSS` or without the dash.
///
/// Checks only digits (and one dash after the sixth), 10 of them, a date that exists in the
/// century given by the seventh digit and the year, and, when `rule` asks for it, modulus 11.
/// Replacement numbers (erstatningspersonnumre, day + 60) are out of scope and refused as no
/// date.
pub fn parse_cpr(input: &str, rule: CprRule) -> Result<PatientId, IdError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(IdError::Empty);
    }
    let mut d = Vec::with_capacity(10);
    let mut dashes = Vec::new();
    for (i, c) in input.chars().enumerate() {
        match (c, digit(c)) {
            (_, Some(x)) => d.push(x),
            ('-', None) => dashes.push(i),
            _ => {
                return Err(IdError::NotDigits {
                    hint: "with one dash after the sixth digit, DDMMYY-SSSS",
                });
            }
        }
    }
    // Length before dash position: with the wrong count of digits the dash's place says little.
    let d: [u32; 10] = d.try_into().map_err(|d: Vec<u32>| IdError::WrongLength {
        what: "CPR number",
        expected: 10,
        found: d.len(),
    })?;
    if !(dashes.is_empty() || dashes == [6]) {
        return Err(IdError::MisplacedDash);
    }

    let day = d[0] * 10 + d[1];
    let month = d[2] * 10 + d[3];
    let yy = d[4] * 10 + d[5];
    let year = cpr_century(d[6], yy) + yy as i32;
    if !(1..=12).contains(&month) || !(1..=days_in_month(year, month)).contains(&day) {
        return Err(IdError::NoSuchDate);
    }

    if rule == CprRule::Modulus11Required {
        let sum: u32 = d.iter().zip(&CPR_WEIGHTS).map(|(d, w)| d * w).sum();
        if !sum.is_multiple_of(11) {
            return Err(IdError::Modulus11);
        }
    }

    Ok(PatientId {
        kind: IdKind::Cpr,
        value: d.iter().map(|&x| char::from(b'0' + x as u8)).collect(),
    })
}

/// The first year of the century of a CPR number, from its seventh digit and two-digit year
/// (CPR-kontoret's table in "Personnummeret i CPR-systemet").
fn cpr_century(seventh: u32, yy: u32) -> i32 {
    match (seventh, yy) {
        (0..=3, _) => 1900,
        (4 | 9, 0..=36) => 2000,
        (4 | 9, _) => 1900,
        (_, 0..=57) => 2000,
        _ => 1800,
    }
}

/// A study's id format, a regular expression from the configuration that must match the
/// whole id (it is anchored here, so `S\d{4}` does not accept `xS12345`).
#[derive(Debug, Clone)]
pub struct StudyIdPattern(Regex);

impl StudyIdPattern {
    /// Compiles `pattern` (regex crate syntax), anchored at both ends.
    pub fn new(pattern: &str) -> Result<Self, IdError> {
        // Compile it alone first: wrapping an unbalanced pattern such as `a)|(b` would give a
        // valid but unanchored expression. `\A`/`\z` rather than `^`/`$`, which a `(?m)` in
        // the pattern would turn into line anchors.
        Regex::new(pattern).map_err(IdError::BadPattern)?;
        Regex::new(&format!(r"\A(?:{pattern})\z"))
            .map(StudyIdPattern)
            .map_err(IdError::BadPattern)
    }

    /// Checks `input` (surrounding whitespace ignored) against the pattern.
    pub fn parse(&self, input: &str) -> Result<PatientId, IdError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(IdError::Empty);
        }
        if !self.0.is_match(input) {
            return Err(IdError::NoMatch);
        }
        Ok(PatientId {
            kind: IdKind::Study,
            value: input.to_owned(),
        })
    }
}

/// The value of an ASCII digit; other digits (Arabic-Indic, full-width) are not accepted.
fn digit(c: char) -> Option<u32> {
    c.is_ascii_digit().then(|| u32::from(c) - u32::from('0'))
}

/// Days in `month` (1–12) of `year`, Gregorian leap years.
fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests;
