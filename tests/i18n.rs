//! Every locale has every message, and every message formats with its placeables resolved.

use svar_forms::text::Lang;
use svar_kiosk::i18n::{Arg, Strings};

/// Values for every variable the interface text uses, in both plural forms.
fn sample_args(count: f64) -> Vec<(&'static str, Arg)> {
    vec![
        ("count", Arg::Num(count)),
        ("seconds", Arg::Num(count)),
        ("decimals", Arg::Num(count)),
        ("current", Arg::Num(3.0)),
        ("total", Arg::Num(25.0)),
        ("min", Arg::Text("0".into())),
        ("max", Arg::Text("80,5".into())),
        ("value", Arg::Text("57".into())),
        ("date", Arg::Text("31.05.1975".into())),
        ("regions", Arg::Text("Nakke".into())),
        ("question", Arg::Text("Smerte".into())),
        ("pin", Arg::Text("1234".into())),
        ("flag", Arg::Text("Selvmordstanker".into())),
        ("reason", Arg::Text("kontrollsifrene stemmer ikke".into())),
        ("expected", Arg::Num(11.0)),
        ("found", Arg::Num(10.0)),
        ("pending", Arg::Num(count)),
        ("delivered", Arg::Num(count)),
        ("quarantined", Arg::Num(count)),
        ("failing", Arg::Num(count)),
        ("when", Arg::Text("14:05".into())),
        ("label", Arg::Text("Gå til: Smerte".into())),
        ("answered", Arg::Num(20.0)),
        ("asked", Arg::Num(25.0)),
        ("form", Arg::Text("HSCL-25".into())),
    ]
}

#[test]
fn every_locale_has_exactly_the_english_messages() {
    let english = Strings::ids(Lang::En);
    assert!(
        english.len() > 50,
        "the English file lists {} messages",
        english.len()
    );
    for lang in Lang::ALL {
        let mut ids = Strings::ids(lang);
        let mut want = english.clone();
        ids.sort();
        want.sort();
        let missing: Vec<_> = want.iter().filter(|id| !ids.contains(id)).collect();
        let extra: Vec<_> = ids.iter().filter(|id| !want.contains(id)).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{lang}: missing {missing:?}, extra {extra:?}"
        );
    }
}

#[test]
fn every_message_formats_without_unresolved_placeables() {
    let strings = Strings::load().expect("locales parse");
    let mut problems = Vec::new();
    for lang in Lang::ALL {
        for id in Strings::ids(Lang::En) {
            for count in [0.0, 1.0, 2.0, 5.0] {
                let (text, errors) = strings.format(lang, &id, &sample_args(count));
                problems.extend(errors);
                if text.trim().is_empty() {
                    problems.push(format!("{lang}: `{id}` is empty"));
                }
                if text.contains('{') || text.contains('}') {
                    problems.push(format!("{lang}: `{id}` shows a brace: {text}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn plurals_follow_the_count() {
    let strings = Strings::load().expect("locales parse");
    for lang in Lang::ALL {
        let one = strings.args(lang, "review-missing", &[("count", Arg::Num(1.0))]);
        let two = strings.args(lang, "review-missing", &[("count", Arg::Num(2.0))]);
        assert_ne!(one, two, "{lang}");
        assert!(two.contains('2'), "{lang}: {two}");
    }
}

#[test]
fn the_upload_line_names_failures_only_when_there_are_some() {
    let strings = Strings::load().expect("locales parse");
    let line = |lang, failing| {
        strings.args(
            lang,
            "staff-upload-status",
            &[
                ("pending", Arg::Num(3.0)),
                ("failing", Arg::Num(failing)),
                ("delivered", Arg::Num(7.0)),
                ("quarantined", Arg::Num(0.0)),
            ],
        )
    };
    assert_eq!(
        line(Lang::Nb, 0.0),
        "Opplasting: 3 venter, 7 levert, 0 i karantene."
    );
    assert_eq!(
        line(Lang::Nb, 2.0),
        "Opplasting: 3 venter (2 etter feil), 7 levert, 0 i karantene."
    );
    assert_eq!(
        line(Lang::Da, 1.0),
        "Upload: 3 venter (1 efter fejl), 7 leveret, 0 i karantæne."
    );
}

#[test]
fn a_missing_message_is_visible_not_blank() {
    let strings = Strings::load().expect("locales parse");
    let (text, errors) = strings.format(Lang::Nb, "no-such-message", &[]);
    assert_eq!(text, "[no-such-message]");
    assert_eq!(errors.len(), 1);
}

/// Every message id the kiosk code asks for exists (a typo would show `[id]` on screen).
#[test]
fn every_message_the_code_uses_exists() {
    let known = Strings::ids(Lang::En);
    let mut missing = Vec::new();
    let mut files = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crates/svar-kiosk/src/ui/theme.rs"
    ))];
    for dir in [
        "crates/svar-kiosk/src/ui",
        "crates/svar-kiosk/src/ui/widgets",
    ] {
        for entry in
            std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)).unwrap()
        {
            files.push(entry.unwrap().path());
        }
    }
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
    {
        let source = std::fs::read_to_string(path).unwrap();
        // Message ids are string literals of lower-case words joined by hyphens.
        for literal in source.split('"').skip(1).step_by(2) {
            let looks_like_id = literal.contains('-')
                && literal
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !literal.starts_with('-')
                && !literal.ends_with('-');
            if looks_like_id && !known.iter().any(|k| k == literal) {
                missing.push(format!("{}: {literal}", path.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "unknown message ids:\n{}",
        missing.join("\n")
    );
}
