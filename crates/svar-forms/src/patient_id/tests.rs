//! Fødselsnummer, D- and H-numbers, synthetic numbers, CPR and study ids, good and bad.

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
