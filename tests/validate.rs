//! `svar validate`: the shipped forms pass, and every file in the bad-input corpus fails with
//! its own code at the right place.

mod common;

/// Each broken file, the code it must report, and where (line, column).
const BAD: &[(&str, &str, usize, usize)] = &[
    ("asset-path-escapes", "bad-asset-path", 132, 20),
    ("bad-date-bound", "bad-date", 123, 18),
    ("bad-id", "bad-id", 56, 17),
    ("bad-version", "bad-version", 4, 14),
    ("band-coverage", "band-coverage", 222, 9),
    ("band-gap", "band-gap", 222, 9),
    ("band-gap-fractional", "band-gap", 257, 9),
    ("band-order", "band-order", 230, 9),
    ("band-overlap", "band-overlap", 222, 9),
    // `minimal` is among the forms beside it (the files with only a note or a warning).
    ("batteries/unknown-form", "unknown-form", 21, 15),
    ("batteries/empty-visit", "empty-visit", 15, 5),
    (
        "batteries/timepoint-not-in-battery",
        "unknown-timepoint",
        21,
        9,
    ),
    ("condition-cycle", "condition-cycle", 106, 22),
    ("condition-unknown-item", "unknown-item", 115, 21),
    ("condition-value-not-an-option", "bad-condition", 292, 18),
    ("contains-on-rating", "bad-condition", 117, 22),
    ("deeply-nested", "too-deep", 15, 83),
    ("duplicate-item-id", "duplicate-id", 108, 17),
    ("duplicate-key", "duplicate-key", 61, 13),
    ("duplicate-option-value", "duplicate-value", 34, 20),
    (
        "exclusive-on-single-choice",
        "exclusive-not-multiple",
        59,
        20,
    ),
    ("empty", "empty", 1, 1),
    ("empty-scale", "empty-scale", 18, 18),
    ("expression-syntax", "bad-expression", 274, 36),
    ("expression-unknown-score", "unknown-score", 274, 22),
    ("field-not-for-type", "field-not-for-type", 106, 20),
    ("flag-without-severity", "bad-flag", 288, 19),
    ("grid-mismatch", "grid-mismatch", 53, 18),
    ("min-answered-too-high", "bad-missing-rule", 246, 25),
    ("missing-asset", "missing-asset", 132, 20),
    ("missing-field", "missing-field", 295, 1),
    ("missing-translation", "missing-translation", 92, 19),
    ("not-scorable", "not-scorable", 208, 9),
    ("not-utf8", "not-utf8", 168, 25),
    ("number-without-range", "missing-field", 87, 9),
    ("polygon-outside", "polygon-outside", 177, 19),
    ("polygon-too-few-points", "bad-polygon", 145, 17),
    ("recode-incomplete", "bad-recode", 234, 18),
    ("reverse-not-in-items", "bad-reverse", 211, 9),
    ("reverse-uneven-scale", "bad-reverse", 211, 9),
    ("root-not-object", "wrong-type", 1, 1),
    ("score-cycle", "score-cycle", 274, 21),
    ("syntax-trailing-comma", "json-syntax", 14, 24),
    ("unknown-field", "unknown-field", 72, 17),
    ("unknown-item-type", "unknown-value", 89, 25),
    ("unknown-scale", "unknown-scale", 76, 20),
    ("unterminated", "file-ends-early", 141, 24),
    ("wrong-type", "wrong-type", 63, 27),
    ("batteries/too-many-forms", "too-many-forms", 16, 12),
    ("date-span-too-wide", "date-span-too-wide", 123, 18),
    ("image-too-large", "image-too-large", 90, 20),
    ("max-length-too-large", "max-length-too-large", 119, 25),
    ("rating-too-wide", "rating-too-wide", 91, 18),
    ("page-text-too-long", "page-text-too-long", 51, 5),
    ("text-too-long", "text-too-long", 120, 19),
    ("too-many-bands", "too-many-bands", 290, 16),
    ("too-many-flags", "too-many-flags", 281, 12),
    ("too-many-items", "too-many-items", 86, 16),
    ("too-many-map-points", "too-many-map-points", 137, 22),
    ("too-many-options", "too-many-options", 18, 18),
    ("too-many-pages", "too-many-pages", 50, 12),
    ("too-many-points", "too-many-points", 199, 17),
    ("too-many-regions", "too-many-regions", 137, 22),
    ("too-many-scores", "too-many-scores", 197, 13),
];

/// Files whose message must speak plainly: the file, the line it must print (severity and
/// code), where, and a fragment of its text an admin can act on.
const PLAIN: &[(&str, &str, usize, usize, &str)] = &[
    (
        "bom",
        "note[bom]",
        1,
        1,
        "that is fine, it is read as UTF-8",
    ),
    (
        "windows-1252",
        "error[not-utf8]",
        61,
        21,
        "looks like `ø` saved in Windows-1252",
    ),
    (
        "options-bare-values",
        "error[wrong-type]",
        19,
        9,
        "an object with `value` and `label`",
    ),
    (
        "tab-in-text",
        "error[tab-in-text]",
        36,
        24,
        "a tab character inside this text",
    ),
    (
        "curly-quotes",
        "error[curly-quotes]",
        13,
        3,
        "a curly quote `“` (from Word",
    ),
    (
        "language-dk",
        "error[unknown-value]",
        11,
        8,
        "did you mean `da`?",
    ),
    (
        "misspelt-field",
        "error[unknown-field]",
        109,
        19,
        "`requird` is not a field here; did you mean `required`?",
    ),
    (
        "misspelt-value",
        "error[unknown-value]",
        67,
        33,
        "did you mean `single_choice`?",
    ),
    (
        "missing-comma",
        "error[missing-comma]",
        13,
        33,
        "a comma `,` is missing at the end of line 13",
    ),
    (
        "score-condition-unknown-score",
        "error[unknown-score]",
        118,
        22,
        "no score `totl` in this form; did you mean `total`?",
    ),
    (
        "score-condition-never-holds",
        "error[bad-condition]",
        120,
        22,
        "runs from 0 to 9 in whole numbers, so `> 9` can never hold",
    ),
    (
        "score-condition-cycle",
        "error[condition-cycle]",
        64,
        22,
        "depends on the score `total`, which counts `q1` itself",
    ),
    (
        "score-condition-cycle-through-page",
        "error[condition-cycle]",
        207,
        18,
        "the score `double`",
    ),
    (
        "optional-in-complete-score",
        "warning[skippable-in-complete-score]",
        69,
        23,
        "`q2` is optional, but the score `total` needs all 3 of its items",
    ),
    (
        "unreachable-band",
        "warning[unreachable-band]",
        235,
        9,
        "no answers can give a value in the band `extreme`",
    ),
];

/// Words of the JSON reader's own that must never reach an admin.
const READER_WORDS: &[&str] = &[
    "struct", "variant", "Raw", "u32", "u64", "usize", "f64", "sequence", "map,", "EOF",
];

#[test]
fn shipped_forms_and_batteries_validate() {
    let out = common::svar(&["validate", "forms/"]);
    assert!(
        out.status.success(),
        "{}{}",
        common::stdout(&out),
        common::stderr(&out)
    );
    assert!(common::stderr(&out).contains("0 error(s)"));
}

#[test]
fn the_good_fixture_validates_without_warnings() {
    let out = common::svar(&["validate", "tests/fixtures/good"]);
    assert!(out.status.success(), "{}", common::stdout(&out));
    assert_eq!(common::stdout(&out), "");
}

#[test]
fn every_bad_fixture_fails_with_its_code_at_its_place() {
    let dir = common::root().join("tests/fixtures/bad");
    let mut on_disk: Vec<String> = common::json_files(&dir)
        .iter()
        .chain(common::json_files(&dir.join("batteries")).iter())
        .map(|p| {
            p.strip_prefix(&dir)
                .unwrap()
                .with_extension("")
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = BAD
        .iter()
        .map(|(name, ..)| name.to_string())
        .chain(PLAIN.iter().map(|(name, ..)| name.to_string()))
        .collect();
    listed.sort();
    assert_eq!(on_disk, listed, "every fixture has exactly one expectation");
    assert!(BAD.len() >= 25);
    let mut failures = Vec::new();
    for (name, code, line, column) in BAD {
        let path = format!("tests/fixtures/bad/{name}.json");
        let out = common::svar(&["validate", &path]);
        let stdout = common::stdout(&out);
        let wanted = format!("{path}:{line}:{column}: error[{code}]: ");
        if out.status.code() != Some(1) || !stdout.lines().any(|l| l.starts_with(&wanted)) {
            failures.push(format!(
                "{name}: exit {:?}, wanted `{wanted}` in:\n{stdout}",
                out.status.code()
            ));
        }
        if common::stderr(&out).contains("panicked") {
            failures.push(format!("{name}: panicked"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_plain_message_says_what_where_and_how_to_fix_it() {
    let mut failures = Vec::new();
    for (name, severity_code, line, column, fragment) in PLAIN {
        let path = format!("tests/fixtures/bad/{name}.json");
        let out = common::svar(&["validate", &path]);
        let stdout = common::stdout(&out);
        let wanted = format!("{path}:{line}:{column}: {severity_code}: ");
        let found = stdout
            .lines()
            .find(|l| l.starts_with(&wanted))
            .filter(|l| l.contains(fragment));
        if found.is_none() {
            failures.push(format!(
                "{name}: wanted `{wanted}…{fragment}…` in:\n{stdout}"
            ));
        }
        let wanted_exit = if severity_code.starts_with("error") {
            1
        } else {
            0
        };
        if out.status.code() != Some(wanted_exit) {
            failures.push(format!(
                "{name}: exit {:?}, wanted {wanted_exit}",
                out.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn no_message_uses_the_json_readers_own_words() {
    let out = common::svar(&["validate", "tests/fixtures/bad"]);
    for line in common::stdout(&out).lines() {
        let message = line.splitn(3, ": ").nth(2).unwrap_or(line);
        for word in READER_WORDS {
            assert!(!message.contains(word), "`{word}` in: {line}");
        }
    }
}

#[test]
fn the_summary_counts_every_file_read_broken_ones_too() {
    let out = common::svar(&[
        "validate",
        "tests/fixtures/bad/missing-comma.json",
        "forms/gad7.json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = common::stderr(&out);
    assert!(
        stderr.contains("read 2 file(s): 1 form(s) and 0 batteries loaded, 1 did not; 1 error(s)"),
        "{stderr}"
    );
}

#[test]
fn a_forms_folder_copied_elsewhere_finds_the_shipped_images_and_names_every_place_tried() {
    let dir = tempfile::tempdir().expect("temp dir");
    let forms = dir.path().join("forms");
    std::fs::create_dir_all(forms.join("batteries")).expect("folders");
    for entry in std::fs::read_dir(common::root().join("forms")).expect("forms") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            std::fs::copy(&path, forms.join(path.file_name().unwrap())).expect("copy");
        }
    }
    for entry in std::fs::read_dir(common::root().join("forms/batteries")).expect("batteries") {
        let path = entry.expect("entry").path();
        std::fs::copy(
            &path,
            forms.join("batteries").join(path.file_name().unwrap()),
        )
        .expect("copy");
    }
    // No `assets` beside the copy: the body map's image is found among the shipped ones.
    let out = common::svar(&["validate", forms.to_str().unwrap()]);
    assert!(out.status.success(), "{}", common::stdout(&out));
    // An image that is nowhere: the message names each place tried and the flag.
    let form = common::root().join("tests/fixtures/bad/missing-asset.json");
    let mine = dir.path().join("mine");
    std::fs::create_dir_all(&mine).expect("folder");
    let out = common::svar(&[
        "validate",
        form.to_str().unwrap(),
        "--assets",
        mine.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = common::stdout(&out);
    let line = stdout
        .lines()
        .find(|l| l.contains("error[missing-asset]"))
        .expect("missing-asset");
    for place in [
        format!("{} (named with --assets or in svar.toml)", mine.display()),
        "(beside the forms folder)".to_owned(),
        "(shipped with Svar".to_owned(),
        "`--assets DIR`".to_owned(),
    ] {
        assert!(line.contains(&place), "`{place}` in: {line}");
    }
}

#[test]
fn every_line_has_the_documented_shape() {
    let out = common::svar(&["validate", "tests/fixtures/bad"]);
    assert_eq!(out.status.code(), Some(1));
    for line in common::stdout(&out).lines() {
        let mut parts = line.splitn(4, ':');
        let (path, l, c, rest) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next().unwrap_or(""),
        );
        assert!(path.is_some_and(|p| p.ends_with(".json")), "{line}");
        assert!(
            l.and_then(|l| l.parse::<usize>().ok())
                .is_some_and(|l| l >= 1),
            "{line}"
        );
        assert!(
            c.and_then(|c| c.parse::<usize>().ok())
                .is_some_and(|c| c >= 1),
            "{line}"
        );
        assert!(
            rest.starts_with(" error[")
                || rest.starts_with(" warning[")
                || rest.starts_with(" note["),
            "{line}"
        );
    }
}

#[test]
fn a_50_mb_file_is_refused_unread() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("huge.json");
    let mut text = String::with_capacity(50 * 1024 * 1024 + 64);
    text.push_str("{\"id\": \"huge\", \"scoring_notes\": [");
    while text.len() < 50 * 1024 * 1024 {
        text.push_str("\"padding padding padding padding padding padding\",");
    }
    text.push_str("\"end\"]}");
    std::fs::write(&path, text).expect("write");
    let out = common::svar(&["validate", path.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        common::stdout(&out).contains(":1:1: error[too-large]: "),
        "{}",
        common::stdout(&out)
    );
}

#[test]
fn a_missing_path_is_an_error_not_a_panic() {
    let out = common::svar(&["validate", "no/such/folder"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(common::stdout(&out).contains("error[unreadable]"));
}

#[test]
fn warnings_alone_do_not_fail() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = std::fs::read_to_string(common::root().join("tests/fixtures/good/minimal.json"))
        .expect("read");
    // A file name that differs from the form id is only a warning.
    let path = dir.path().join("renamed.json");
    std::fs::write(
        &path,
        good.replace("\"$schema\": \"../../../forms/schema.json\",", ""),
    )
    .expect("write");
    let assets = common::root().join("tests/fixtures/assets");
    let out = common::svar(&[
        "validate",
        path.to_str().unwrap(),
        "--assets",
        assets.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", common::stdout(&out));
    assert!(common::stdout(&out).contains("warning[id-file-mismatch]"));
}

#[cfg(unix)]
#[test]
fn link_loops_and_pipes_neither_hang_nor_panic() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).expect("symlink");
    let fifo = dir.path().join("pipe.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let out = common::svar(&["validate", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", common::stdout(&out));
    if made {
        let out = common::svar(&["validate", fifo.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1));
        assert!(common::stdout(&out).contains("not a regular file"));
    }
}

#[test]
fn a_battery_consent_rule_is_checked_against_its_forms() {
    let dir = tempfile::tempdir().expect("temp dir");
    let forms = dir.path().join("forms");
    std::fs::create_dir_all(forms.join("batteries")).expect("folders");
    for id in ["consent", "phq9", "gad7"] {
        std::fs::copy(
            common::root().join(format!("forms/{id}.json")),
            forms.join(format!("{id}.json")),
        )
        .expect("copy");
    }
    let battery = |consent: &str| {
        format!(
            r#"{{
  "id": "visit",
  "version": "1.0.0",
  "title": {{"nb": "Besøk", "nn": "Besøk", "da": "Besøg", "en": "Visit"}},
  "languages": ["nb", "en"],
  "timepoints": ["baseline"],
  "forms": [{{"form": "gad7"}}, {{"form": "consent"}}, {{"form": "phq9"}}],
  "consent": {consent}
}}"#
        )
    };
    let path = forms.join("batteries/visit.json");
    let assets = common::root().join("assets");
    let run = |text: String| {
        std::fs::write(&path, text).expect("write");
        let out = common::svar(&[
            "validate",
            forms.to_str().unwrap(),
            "--assets",
            assets.to_str().unwrap(),
        ]);
        (out.status.code(), common::stdout(&out))
    };
    let (code, out) = run(battery(
        r#"{"form": "consent", "item": "consent", "research_only": ["phq9"]}"#,
    ));
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = run(battery(
        r#"{"form": "consent", "item": "consent", "research_only": ["gad7", "phq9"]}"#,
    ));
    assert_eq!(code, Some(1));
    assert!(
        out.contains("visit.json:8:71: error[research-before-consent]: `gad7` comes before"),
        "{out}"
    );
    // Consent asked at baseline only cannot cover a research-only form asked at 6 months.
    let (code, out) = run(battery(
        r#"{"form": "consent", "item": "consent", "research_only": ["phq9"]}"#,
    )
    .replace(
        r#""timepoints": ["baseline"]"#,
        r#""timepoints": ["baseline", "month_6"]"#,
    )
    .replace(
        r#"{"form": "consent"}"#,
        r#"{"form": "consent", "timepoints": ["baseline"]}"#,
    ));
    assert_eq!(code, Some(1));
    assert!(
        out.contains(
            "error[research-without-consent]: `phq9` is asked at `month_6`, where the consent form `consent` is not"
        ),
        "{out}"
    );
    let (code, out) = run(battery(
        r#"{"form": "consent", "item": "signature", "research_only": []}"#,
    ));
    assert_eq!(code, Some(1));
    assert!(out.contains("error[consent-not-yes-no]"), "{out}");
    let (code, out) = run(battery(
        r#"{"form": "about_you", "item": "consent", "research_only": []}"#,
    ));
    assert_eq!(code, Some(1));
    assert!(
        out.contains("error[unknown-form]: the consent form `about_you`"),
        "{out}"
    );
}

#[test]
fn band_gaps_and_overlaps_name_the_values_and_what_to_move() {
    for (file, fragment) in [
        (
            "band-gap",
            "the value 5, between `low` and `high`, falls in no band; let `high` start where `low` ends",
        ),
        (
            "band-overlap",
            "`high` overlaps `low`: the value 4 falls in both; make `high` start above where `low` ends",
        ),
        (
            "band-gap-fractional",
            "values between 1.75 and 1.76, between `below` and `case`, fall in no band",
        ),
    ] {
        let out = common::svar(&["validate", &format!("tests/fixtures/bad/{file}.json")]);
        assert!(
            common::stdout(&out).contains(fragment),
            "{file}: {}",
            common::stdout(&out)
        );
    }
}
