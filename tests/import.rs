//! `svar import` and `svar export-form` from the command line: what each prints and its exit
//! status, and a bad-input corpus of spreadsheets, each refused with its sheet, row and column.

mod common;

use std::path::{Path, PathBuf};

const CHOICES: &[&[&str]] = &[
    &["list_name", "name", "label::nb"],
    &["often", "0", "Aldri"],
    &["often", "1", "Ofte"],
];

fn import(file: &Path, out: &Path) -> (Option<i32>, String) {
    let out = common::svar(&[
        "import",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    (out.status.code(), common::stdout(&out))
}

#[test]
fn a_workbook_is_imported_written_and_validates() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("kort.xlsx");
    let survey: &[&[&str]] = &[
        &["type", "name", "label::nb"],
        &["select_one often", "q1", "Sover du godt?"],
    ];
    svar_import::sheet::write_book(&book, &[("survey", survey), ("choices", CHOICES)])
        .expect("workbook");
    let forms = dir.path().join("forms");
    let (code, stdout) = import(&book, &forms);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("imported as"), "{stdout}");
    let out = common::svar(&["validate", forms.to_str().unwrap()]);
    assert!(out.status.success(), "{}", common::stdout(&out));
    // Importing again does not overwrite what an admin may have edited since.
    let (code, stdout) = import(&book, &forms);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("exists already"), "{stdout}");
}

#[test]
fn a_shipped_form_goes_out_as_a_workbook_and_comes_back_as_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("gad7.xlsx");
    let out = common::svar(&[
        "export-form",
        "forms/gad7.json",
        "--to",
        "xlsform",
        "--out",
        book.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let forms = dir.path().join("forms");
    let (code, stdout) = import(&book, &forms);
    assert_eq!(code, Some(0), "{stdout}");
    let score = |form: &str| {
        let answers = dir.path().join("a.json");
        std::fs::write(
            &answers,
            r#"{"q1": 3, "q2": 2, "q3": 1, "q4": 0, "q5": 3, "q6": 2, "q7": 1}"#,
        )
        .unwrap();
        common::stdout(&common::svar(&[
            "score",
            "--form",
            form,
            "--answers",
            answers.to_str().unwrap(),
        ]))
    };
    assert_eq!(
        score("forms/gad7.json"),
        score(forms.join("gad7.json").to_str().unwrap())
    );
}

#[test]
fn every_shipped_form_exports_as_a_questionnaire_an_independent_r4_implementation_reads() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let forms = common::json_files(&common::root().join("forms"));
    for path in forms
        .iter()
        .filter(|p| !p.to_string_lossy().ends_with("schema.json"))
    {
        let out = dir.path().join(path.file_name().unwrap());
        let run = common::svar(&[
            "export-form",
            path.to_str().unwrap(),
            "--to",
            "fhir",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(
            run.status.success(),
            "{}: {}",
            path.display(),
            common::stderr(&run)
        );
        files.push(out);
    }
    assert!(files.len() >= 20);
    let files: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    common::fhir_resources_accept(&files);
}

/// The bad-input corpus: each file, built here, and what its refusal must name.
fn corpus(dir: &Path) -> Vec<(&'static str, PathBuf, &'static str)> {
    let mut files = Vec::new();
    let mut add = |name: &'static str, sheets: &[(&str, &[&[&str]])], expected: &'static str| {
        let path = dir.join(format!("{name}.xlsx"));
        svar_import::sheet::write_book(&path, sheets).expect("workbook");
        files.push((name, path, expected));
    };
    add(
        "no-survey-sheet",
        &[("questions", &[&["type", "name", "label::nb"]])],
        "sheet `survey`: the workbook has no `survey` sheet (it has questions)",
    );
    add(
        "unknown-type",
        &[
            (
                "survey",
                &[
                    &["type", "name", "label::nb"],
                    &["geopoint", "where", "Hvor?"],
                ],
            ),
            ("choices", CHOICES),
        ],
        "sheet `survey`, cell A2 (column `type`): the question type `geopoint` is not one Svar asks",
    );
    add(
        "relevant-references-nothing",
        &[
            (
                "survey",
                &[
                    &["type", "name", "label::nb", "relevant"],
                    &["select_one often", "q1", "Sover du?", ""],
                    &["text", "why", "Hvorfor?", "${q9} = '1'"],
                ],
            ),
            ("choices", CHOICES),
        ],
        "sheet `survey`, cell D3 (column `relevant`): `${q9} = '1'` cannot be carried over: `${q9}` is not a question or score of this form",
    );
    add(
        "choice-list-missing",
        &[
            (
                "survey",
                &[
                    &["type", "name", "label::nb"],
                    &["select_one yes_no", "q1", "Ja?"],
                ],
            ),
            ("choices", CHOICES),
        ],
        "sheet `survey`, cell A2 (column `type`): there is no choice list `yes_no` in the `choices` sheet",
    );
    add(
        "choice-filter",
        &[
            (
                "survey",
                &[
                    &["type", "name", "label::nb", "choice_filter"],
                    &["select_one often", "q1", "Ofte?", "name != '0'"],
                ],
            ),
            ("choices", CHOICES),
        ],
        "sheet `survey`, cell D2 (column `choice_filter`): a choice filter shows some choices",
    );
    add(
        "repeat",
        &[(
            "survey",
            &[
                &["type", "name", "label::nb"],
                &["begin_repeat", "child", "Barn"],
                &["text", "name", "Navn"],
                &["end_repeat", "", ""],
            ],
        )],
        "sheet `survey`, cell A2 (column `type`): a repeat asks the same questions again and again",
    );
    add(
        "no-language-svar-has",
        &[(
            "survey",
            &[
                &["type", "name", "label::Swahili (sw)"],
                &["text", "jina", "Jina lako"],
            ],
        )],
        "sheet `survey`, row 1: no `label` column in a language Svar offers",
    );
    let broken = dir.join("broken-workbook.xlsx");
    std::fs::write(&broken, b"PK\x03\x04 this is not a workbook").unwrap();
    files.push((
        "broken-workbook",
        broken,
        "is not a workbook that can be read",
    ));
    let huge = dir.join("huge-workbook.xlsx");
    let file = std::fs::File::create(&huge).unwrap();
    // 50 MB, written sparse: refused by its size before anything is unpacked.
    file.set_len(50 * 1024 * 1024).unwrap();
    files.push((
        "huge-workbook",
        huge,
        "is 50 MiB; a questionnaire's spreadsheet is far smaller",
    ));
    let header = dir.join("wrong-header.csv");
    std::fs::write(
        &header,
        "Variable,Form,Type,Question\nq1,form,radio,\"Hvordan har du det?\"\n",
    )
    .unwrap();
    files.push((
        "wrong-header",
        header,
        "sheet `wrong-header.csv`, row 1: this is not a REDCap data dictionary's header",
    ));
    files
}

#[test]
fn every_bad_spreadsheet_is_refused_naming_its_sheet_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("forms");
    let mut failures = Vec::new();
    for (name, path, expected) in corpus(dir.path()) {
        let (code, stdout) = import(&path, &out);
        if code != Some(1) || !stdout.contains(expected) {
            failures.push(format!(
                "{name}: exit {code:?}, wanted `{expected}` in:\n{stdout}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        !out.exists() || std::fs::read_dir(&out).unwrap().next().is_none(),
        "nothing written"
    );
}

/// The published spreadsheets and Questionnaires of the shared corpus, when it is there: none
/// may crash the importer, and each is imported or refused with a placed message.
#[test]
fn the_shared_corpus_is_imported_or_refused_without_a_crash() {
    let root = common::root().join("../shared/corpus");
    if !root.is_dir() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for sub in ["xlsform", "redcap", "fhir"] {
        for entry in std::fs::read_dir(root.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            } else {
                files.push(path);
            }
        }
    }
    // FHIR Shorthand sources are not JSON; the importer is for the resources.
    files.retain(|p| p.extension().is_none_or(|x| x != "fsh"));
    {
        for path in files {
            let out = common::svar(&[
                "import",
                path.to_str().unwrap(),
                "--out",
                dir.path().join(path.file_name().unwrap()).to_str().unwrap(),
                "--lang",
                "en",
            ]);
            let stdout = common::stdout(&out);
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{}: {stdout}",
                path.display()
            );
            assert!(
                !common::stderr(&out).contains("panicked"),
                "{}",
                path.display()
            );
            assert!(
                stdout.lines().all(|l| l.contains("imported as")
                    || l.contains("sheet `")
                    || l.contains(", at ")
                    || l.contains("warning")),
                "{}: {stdout}",
                path.display()
            );
        }
    }
}
