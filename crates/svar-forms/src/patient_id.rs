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
mod tests {
    use super::*;
    use std::ops::RangeInclusive;

    /// Appends both Norwegian control digits to nine digits, computed here from the published
    /// weights without the module's code; `None` when either would be 10.
    fn with_controls(base: &str) -> Option<String> {
        let mut ds: Vec<u32> = base.bytes().map(|b| u32::from(b - b'0')).collect();
        let weights: [&[u32]; 2] = [
            &[3, 7, 6, 1, 8, 9, 4, 5, 2],
            &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2],
        ];
        for w in weights {
            let sum: u32 = ds.iter().zip(w).map(|(d, w)| d * w).sum();
            let k = (11 - sum % 11) % 11;
            if k == 10 {
                return None;
            }
            ds.push(k);
        }
        Some(ds.iter().map(|d| d.to_string()).collect())
    }

    /// The first number with control digits that exist for `date` (DDMMYY as written, offsets
    /// included) and an individnummer in `range`.
    fn first_valid(date: &str, range: RangeInclusive<u32>) -> String {
        range
            .filter_map(|i| with_controls(&format!("{date}{i:03}")))
            .next()
            .expect("some individnummer in the range has control digits")
    }

    fn kind_of(input: &str) -> Result<IdKind, IdError> {
        parse_norwegian(input).map(|id| id.kind())
    }

    #[test]
    fn hand_checked_norwegian_numbers() {
        // fnrinfo.no's worked example. k1: 3·3+1·7+1·6+2·1+9·8+9·9+5·4+6·5+7·2 = 241,
        // 241 mod 11 = 10, k1 = 1. k2: 3·5+1·4+1·3+2·2+9·7+9·6+5·5+6·4+7·3+1·2 = 215,
        // 215 mod 11 = 6, k2 = 5. Individnummer 567 with year 99: born 31.12.1899.
        assert_eq!(with_controls("311299567").as_deref(), Some("31129956715"));
        let id = parse_norwegian("31129956715").unwrap();
        assert_eq!(id.kind(), IdKind::Fodselsnummer);
        assert_eq!(id.as_str(), "31129956715");
        // The same date as a D-number. k1: 7·3+1·7+1·6+2·1+9·8+9·9+5·4+6·5+7·2 = 253 = 23·11,
        // k1 = 0. k2: 7·5+1·4+1·3+2·2+9·7+9·6+5·5+6·4+7·3+0·2 = 233, 233 mod 11 = 2, k2 = 9.
        assert_eq!(kind_of("71129956709"), Ok(IdKind::DNumber));
        // Spaces anywhere, and whitespace around, are dropped; the value is digits only.
        let spaced = parse_norwegian(" 311299 567 15\n").unwrap();
        assert_eq!(spaced.as_str(), "31129956715");
        assert_eq!(spaced, id);
        assert_eq!(kind_of("311299\u{a0}56715"), Ok(IdKind::Fodselsnummer));
    }

    #[test]
    fn norwegian_kinds_from_their_offsets() {
        assert_eq!(
            kind_of(&first_valid("150385", 0..=499)),
            Ok(IdKind::Fodselsnummer)
        );
        assert_eq!(
            kind_of(&first_valid("550385", 0..=499)),
            Ok(IdKind::DNumber)
        );
        assert_eq!(
            kind_of(&first_valid("711285", 0..=499)),
            Ok(IdKind::DNumber)
        );
        assert_eq!(
            kind_of(&first_valid("154385", 0..=499)),
            Ok(IdKind::HNumber)
        );
        assert_eq!(
            kind_of(&first_valid("315285", 0..=499)),
            Ok(IdKind::HNumber)
        );
        assert_eq!(
            kind_of(&first_valid("158385", 0..=499)),
            Ok(IdKind::Synthetic)
        );
        assert_eq!(
            kind_of(&first_valid("319285", 0..=499)),
            Ok(IdKind::Synthetic)
        );
        // Tenor's synthetic D-numbers carry both offsets.
        assert_eq!(
            kind_of(&first_valid("558385", 0..=499)),
            Ok(IdKind::Synthetic)
        );
        // A D-number that is also an H-number is not issued.
        assert_eq!(
            kind_of(&first_valid("554385", 0..=499)),
            Err(IdError::NoSuchDate)
        );
    }

    #[test]
    fn norwegian_century_ranges() {
        assert_eq!(norwegian_century(0, 0), Some(1900));
        assert_eq!(norwegian_century(499, 99), Some(1900));
        assert_eq!(norwegian_century(500, 54), Some(1800));
        assert_eq!(norwegian_century(749, 99), Some(1800));
        assert_eq!(norwegian_century(500, 0), Some(2000));
        assert_eq!(norwegian_century(999, 39), Some(2000));
        assert_eq!(norwegian_century(900, 40), Some(1900));
        assert_eq!(norwegian_century(999, 99), Some(1900));
        assert_eq!(norwegian_century(500, 53), None);
        assert_eq!(norwegian_century(749, 40), None);
        assert_eq!(norwegian_century(750, 40), None);
        assert_eq!(norwegian_century(899, 99), None);

        // The same through the parser, on numbers with valid control digits.
        let ok = |date: &str, range| kind_of(&first_valid(date, range));
        assert_eq!(ok("010154", 500..=749), Ok(IdKind::Fodselsnummer));
        assert_eq!(ok("010139", 500..=999), Ok(IdKind::Fodselsnummer));
        assert_eq!(ok("010145", 900..=999), Ok(IdKind::Fodselsnummer));
        assert_eq!(ok("010153", 500..=749), Err(IdError::NoCentury));
        assert_eq!(ok("010160", 750..=899), Err(IdError::NoCentury));
        assert_eq!(ok("010140", 500..=899), Err(IdError::NoCentury));
    }

    #[test]
    fn norwegian_dates_must_exist() {
        let parse = |date: &str, range| kind_of(&first_valid(date, range));
        // 29 February 1900 did not exist, 29 February 2000 did: the individnummer decides.
        assert_eq!(parse("290200", 0..=499), Err(IdError::NoSuchDate));
        assert_eq!(parse("290200", 500..=999), Ok(IdKind::Fodselsnummer));
        assert_eq!(parse("290296", 0..=499), Ok(IdKind::Fodselsnummer));
        assert_eq!(parse("290297", 0..=499), Err(IdError::NoSuchDate));
        assert_eq!(parse("310299", 0..=499), Err(IdError::NoSuchDate));
        assert_eq!(parse("310499", 0..=499), Err(IdError::NoSuchDate));
        assert_eq!(parse("000199", 0..=499), Err(IdError::NoSuchDate));
        assert_eq!(parse("320199", 0..=499), Err(IdError::NoSuchDate));
        assert_eq!(parse("010099", 0..=499), Err(IdError::NoSuchDate));
        assert_eq!(parse("011399", 0..=499), Err(IdError::NoSuchDate));
        // The offsets are taken away before the date is checked.
        assert_eq!(parse("690296", 0..=499), Ok(IdKind::DNumber));
        assert_eq!(parse("690297", 0..=499), Err(IdError::NoSuchDate));
        assert_eq!(parse("400199", 0..=499), Err(IdError::NoSuchDate));
        assert_eq!(parse("720199", 0..=499), Err(IdError::NoSuchDate));
        assert_eq!(parse("294297", 0..=499), Err(IdError::NoSuchDate));
        assert_eq!(parse("304299", 0..=499), Err(IdError::NoSuchDate));
        assert_eq!(parse("015399", 0..=499), Err(IdError::NoSuchDate));
        assert_eq!(parse("018099", 0..=499), Err(IdError::NoSuchDate));
        assert_eq!(parse("019399", 0..=499), Err(IdError::NoSuchDate));
        assert_eq!(parse("298297", 0..=499), Err(IdError::NoSuchDate));
        // Old-style H-numbers (first digit 8 or 9) are not supported.
        assert_eq!(parse("810199", 0..=499), Err(IdError::NoSuchDate));
    }

    #[test]
    fn norwegian_control_digits() {
        assert_eq!(kind_of("31129956716"), Err(IdError::ControlDigits));
        assert_eq!(kind_of("31129956705"), Err(IdError::ControlDigits));
        assert_eq!(kind_of("31129956751"), Err(IdError::ControlDigits));

        // Two control digits catch every single mistyped digit: no one-digit change of a
        // valid number is valid.
        let valid = [
            "31129956715".to_owned(),
            "71129956709".to_owned(),
            first_valid("290200", 500..=999),
            first_valid("154385", 0..=499),
            first_valid("319285", 0..=499),
        ];
        for number in &valid {
            assert!(parse_norwegian(number).is_ok());
            for pos in 0..11 {
                for c in '0'..='9' {
                    let mut typo: Vec<char> = number.chars().collect();
                    if typo[pos] == c {
                        continue;
                    }
                    typo[pos] = c;
                    let typo: String = typo.into_iter().collect();
                    assert!(parse_norwegian(&typo).is_err(), "{pos} {c}");
                }
            }
        }

        // When k1 would be 10, no pair of control digits makes the number valid.
        let base = (0..=499)
            .map(|i| format!("010185{i:03}"))
            .find(|b| with_controls(b).is_none())
            .unwrap();
        for k in 0..100 {
            assert_eq!(
                kind_of(&format!("{base}{k:02}")),
                Err(IdError::ControlDigits)
            );
        }
    }

    #[test]
    fn norwegian_shape() {
        assert_eq!(kind_of(""), Err(IdError::Empty));
        assert_eq!(kind_of("  \t "), Err(IdError::Empty));
        let wrong_length = |found| IdError::WrongLength {
            what: "fødselsnummer or D-number",
            expected: 11,
            found,
        };
        assert_eq!(kind_of("3112995671"), Err(wrong_length(10)));
        assert_eq!(kind_of("311299567150"), Err(wrong_length(12)));
        assert_eq!(kind_of("3112995671 "), Err(wrong_length(10)));
        let not_digits = Err(IdError::NotDigits {
            hint: "spaces are ignored",
        });
        assert_eq!(kind_of("3112995671a"), not_digits);
        assert_eq!(kind_of("31.12.99 56715"), not_digits);
        assert_eq!(kind_of("311299-56715"), not_digits);
        assert_eq!(kind_of("\u{ff13}1129956715"), not_digits);
        assert_eq!(kind_of("abc"), not_digits);
        assert_eq!(
            wrong_length(10).to_string(),
            "wrong length: a fødselsnummer or D-number has 11 digits, not 10"
        );
    }

    #[test]
    fn cpr_documented_example() {
        // 0·4+7·3+0·2+7·7+6·6+1·5+4·4+2·3+8·2+5·1 = 154 = 14·11. Seventh digit 4 with year 61:
        // born 7 July 1961.
        for input in ["070761-4285", "0707614285", " 070761-4285\n"] {
            for rule in [CprRule::Modulus11Required, CprRule::DateOnly] {
                let id = parse_cpr(input, rule).unwrap();
                assert_eq!(id.kind(), IdKind::Cpr);
                assert_eq!(id.as_str(), "0707614285");
            }
        }
    }

    #[test]
    fn cpr_modulus_11_only_when_required() {
        // Sum 155: fails modulus 11, as numbers issued since 2007 may.
        assert_eq!(
            parse_cpr("070761-4286", CprRule::Modulus11Required),
            Err(IdError::Modulus11)
        );
        assert!(parse_cpr("070761-4286", CprRule::DateOnly).is_ok());
        assert_eq!(CprRule::default(), CprRule::DateOnly);

        // Every single mistyped digit fails modulus 11 (or the date).
        let valid = "0707614285";
        for pos in 0..10 {
            for c in '0'..='9' {
                let mut typo: Vec<char> = valid.chars().collect();
                if typo[pos] == c {
                    continue;
                }
                typo[pos] = c;
                let typo: String = typo.into_iter().collect();
                assert!(parse_cpr(&typo, CprRule::Modulus11Required).is_err());
            }
        }
    }

    #[test]
    fn cpr_century_table() {
        assert_eq!(cpr_century(0, 0), 1900);
        assert_eq!(cpr_century(3, 99), 1900);
        assert_eq!(cpr_century(4, 36), 2000);
        assert_eq!(cpr_century(4, 37), 1900);
        assert_eq!(cpr_century(9, 0), 2000);
        assert_eq!(cpr_century(9, 37), 1900);
        assert_eq!(cpr_century(5, 57), 2000);
        assert_eq!(cpr_century(8, 0), 2000);
        assert_eq!(cpr_century(5, 58), 1800);
        assert_eq!(cpr_century(8, 99), 1800);
    }

    #[test]
    fn cpr_dates_must_exist() {
        let date_only = |input| parse_cpr(input, CprRule::DateOnly).map(|id| id.kind());
        // 29 February 1900 (seventh digit 0–3) did not exist; in 2000 (4, 9 or 5–8) it did.
        assert_eq!(date_only("290200-3000"), Err(IdError::NoSuchDate));
        assert_eq!(date_only("290200-4000"), Ok(IdKind::Cpr));
        assert_eq!(date_only("290200-9000"), Ok(IdKind::Cpr));
        assert_eq!(date_only("290200-5000"), Ok(IdKind::Cpr));
        assert_eq!(date_only("290201-5000"), Err(IdError::NoSuchDate));
        assert_eq!(date_only("300261-1234"), Err(IdError::NoSuchDate));
        assert_eq!(date_only("310461-1234"), Err(IdError::NoSuchDate));
        assert_eq!(date_only("000161-1234"), Err(IdError::NoSuchDate));
        assert_eq!(date_only("010061-1234"), Err(IdError::NoSuchDate));
        assert_eq!(date_only("011361-1234"), Err(IdError::NoSuchDate));
        // Replacement numbers (day + 60) are out of scope.
        assert_eq!(date_only("610161-1234"), Err(IdError::NoSuchDate));
        // The date is checked under either rule, before modulus 11.
        assert_eq!(
            parse_cpr("310461-1234", CprRule::Modulus11Required),
            Err(IdError::NoSuchDate)
        );
    }

    #[test]
    fn cpr_shape() {
        let parse = |input| parse_cpr(input, CprRule::DateOnly).map(|id| id.kind());
        assert_eq!(parse(" "), Err(IdError::Empty));
        let wrong_length = |found| IdError::WrongLength {
            what: "CPR number",
            expected: 10,
            found,
        };
        assert_eq!(parse("070761-428"), Err(wrong_length(9)));
        assert_eq!(parse("07076142851"), Err(wrong_length(11)));
        assert_eq!(parse("07076-14285"), Err(IdError::MisplacedDash));
        assert_eq!(parse("070761--4285"), Err(IdError::MisplacedDash));
        assert_eq!(parse("-0707614285"), Err(IdError::MisplacedDash));
        assert_eq!(parse("0707614285-"), Err(IdError::MisplacedDash));
        let not_digits = Err(IdError::NotDigits {
            hint: "with one dash after the sixth digit, DDMMYY-SSSS",
        });
        assert_eq!(parse("070761 4285"), not_digits);
        assert_eq!(parse("07O761-4285"), not_digits);
        assert_eq!(parse("070761/4285"), not_digits);
    }

    #[test]
    fn study_ids_match_the_whole_input() {
        let pattern = StudyIdPattern::new(r"[A-Z]{2}-\d{4}").unwrap();
        let id = pattern.parse(" AB-1234 ").unwrap();
        assert_eq!(id.kind(), IdKind::Study);
        assert_eq!(id.as_str(), "AB-1234");
        assert_eq!(pattern.parse("xAB-1234").unwrap_err(), IdError::NoMatch);
        assert_eq!(pattern.parse("AB-12345").unwrap_err(), IdError::NoMatch);
        assert_eq!(pattern.parse("ab-1234").unwrap_err(), IdError::NoMatch);
        assert_eq!(pattern.parse("").unwrap_err(), IdError::Empty);

        // Alternation stays inside the anchors.
        let either = StudyIdPattern::new("A1|B2").unwrap();
        assert!(either.parse("B2").is_ok());
        assert_eq!(either.parse("A1x").unwrap_err(), IdError::NoMatch);
        assert_eq!(either.parse("xB2").unwrap_err(), IdError::NoMatch);
        // A multi-line flag cannot turn the anchors into line anchors.
        let lines = StudyIdPattern::new(r"(?m)^\d+$").unwrap();
        assert!(lines.parse("12").is_ok());
        assert_eq!(lines.parse("12\nab").unwrap_err(), IdError::NoMatch);
    }

    #[test]
    fn bad_study_patterns_are_errors() {
        for bad in ["(", "[a-", "a)|(b", "x{2,1}"] {
            let err = StudyIdPattern::new(bad).unwrap_err();
            assert!(matches!(err, IdError::BadPattern(_)), "{bad}");
            assert!(
                err.to_string()
                    .starts_with("the study id pattern is not a valid")
            );
        }
    }

    #[test]
    fn debug_never_shows_the_value() {
        let ids = [
            parse_norwegian("31129956715").unwrap(),
            parse_norwegian("71129956709").unwrap(),
            parse_cpr("070761-4285", CprRule::DateOnly).unwrap(),
            StudyIdPattern::new(r"S\d+")
                .unwrap()
                .parse("S12345")
                .unwrap(),
        ];
        for id in &ids {
            let debug = format!("{id:?}");
            assert!(!debug.contains(|c: char| c.is_ascii_digit()), "{debug}");
            assert!(debug.ends_with(", ***)"), "{debug}");
        }
        assert_eq!(format!("{:?}", ids[0]), "PatientId(Fodselsnummer, ***)");
        assert_eq!(format!("{:#?}", ids[2]), "PatientId(Cpr, ***)");
    }

    #[test]
    fn errors_never_repeat_the_number() {
        let norwegian = [
            "31129956716",
            "3112995671",
            "311299567150",
            "3112995671a",
            "31029956715",
            "01015356715",
        ];
        let cpr = [
            "070761-4286",
            "070761-428",
            "07076-14285",
            "310461-1234",
            "07O761-4285",
        ];
        let study = StudyIdPattern::new(r"S\d{4}").unwrap();
        let errors = norwegian
            .iter()
            .map(|n| (*n, parse_norwegian(n).unwrap_err()))
            .chain(
                cpr.iter()
                    .map(|n| (*n, parse_cpr(n, CprRule::Modulus11Required).unwrap_err())),
            )
            .chain([("S123456", study.parse("S123456").unwrap_err())]);
        for (input, err) in errors {
            let message = format!("{err} {err:?}");
            let digits: String = input.chars().filter(char::is_ascii_digit).collect();
            // No run of four digits from the input appears in the message.
            for window in digits.as_bytes().windows(4) {
                let window = std::str::from_utf8(window).unwrap();
                assert!(!message.contains(window), "{message}");
            }
        }
    }
}
