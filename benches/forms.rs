//! Load + validate of all shipped forms plus 50 generated 100-item forms; scoring one form;
//! evaluating one condition.

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use std::hint::black_box;
use std::path::PathBuf;
use svar_forms::answer::Answers;
use svar_forms::library;

/// A valid 100-item form with a grid scale, conditions, a mean and a sum score with bands.
fn generated_form(n: usize) -> serde_json::Value {
    let text = |s: &str| json!({"nb": s, "nn": s, "da": s, "en": s});
    let items: Vec<_> = (1..=100)
        .map(|i| {
            let mut item = json!({"id": format!("q{i}"), "type": "single_choice", "scale": "freq", "text": text(&format!("Spørsmål {i}"))});
            if i % 10 == 0 {
                item["show_if"] = json!({"any": [{"item": format!("q{}", i - 1), "op": ">=", "value": 2}, {"item": "q1", "op": "answered"}]});
            }
            item
        })
        .collect();
    let ids: Vec<String> = (1..=100).map(|i| format!("q{i}")).collect();
    json!({
        "id": format!("generated_{n}"), "version": "1.0.0", "title": text("Generert"),
        "languages": ["nb", "nn", "da", "en"], "instrument": "Generated", "wording": "project",
        "scoring_source": "Generated for benchmarks.",
        "scales": {"freq": {"options": (0..4).map(|v| json!({"value": v, "label": text(&v.to_string())})).collect::<Vec<_>>()}},
        "pages": [{"id": "p1", "display": "grid", "items": items}],
        "scores": [
            {"id": "total", "label": text("Sum"), "kind": "sum", "items": ids, "reverse": ["q3", "q7"],
             "missing": {"min_fraction": 0.8, "prorate": true},
             "bands": [{"id": "low", "label": text("Lav"), "below": 150}, {"id": "high", "label": text("Høy"), "min": 150}]},
            {"id": "mean", "label": text("Snitt"), "kind": "mean", "items": ids, "missing": {"min_answered": 50}},
            {"id": "double", "label": text("Dobbel"), "kind": "expression", "expression": "score.mean * 2", "range": [0, 6]}
        ]
    })
}

fn forms_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("forms")
}

fn load_and_validate(c: &mut Criterion) {
    let generated = tempfile::tempdir().expect("temp dir");
    for n in 0..50 {
        let path = generated.path().join(format!("generated_{n}.json"));
        std::fs::write(
            path,
            serde_json::to_string_pretty(&generated_form(n)).unwrap(),
        )
        .unwrap();
    }
    let paths = vec![forms_dir(), generated.path().to_owned()];
    let loaded = library::load_paths(&paths, None);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    assert_eq!(
        loaded.forms.len(),
        50 + library::load_paths(&[forms_dir()], None).forms.len()
    );
    c.bench_function(
        "load + validate shipped forms + 50 generated 100-item forms",
        |b| b.iter(|| black_box(library::load_paths(black_box(&paths), None))),
    );
}

fn scoring(c: &mut Criterion) {
    let (form, _) =
        library::load_form(&forms_dir().join("hscl25.json"), None).expect("hscl25 loads");
    let answers: serde_json::Value = (1..=25)
        .map(|i| (format!("q{i}"), json!(1 + i % 4)))
        .collect::<serde_json::Map<_, _>>()
        .into();
    let answers = Answers::from_json(&form, &answers).expect("valid answers");
    c.bench_function("score hscl25 (25 items, 3 scores)", |b| {
        b.iter(|| {
            black_box(svar_forms::score::score(
                black_box(&form),
                black_box(&answers),
                &[],
            ))
        })
    });
    let (form, _) =
        library::load_form(&forms_dir().join("startback.json"), None).expect("startback loads");
    let answers: serde_json::Value =
        json!({"q1": 1, "q2": 0, "q3": 1, "q4": 0, "q5": 1, "q6": 1, "q7": 0, "q8": 1, "q9": 3});
    let answers = Answers::from_json(&form, &answers).expect("valid answers");
    c.bench_function("score startback (with a derived expression score)", |b| {
        b.iter(|| {
            black_box(svar_forms::score::score(
                black_box(&form),
                black_box(&answers),
                &[],
            ))
        })
    });
}

fn condition(c: &mut Criterion) {
    let (form, _) = library::load_form(&forms_dir().join("nmq.json"), None).expect("nmq loads");
    let answers =
        Answers::from_json(&form, &json!({"trouble_12m": ["neck", "low_back"]})).expect("valid");
    let cond = form
        .pages
        .iter()
        .find_map(|page| page.show_if.clone())
        .expect("nmq has a conditional page");
    c.bench_function("evaluate one condition (contains on a body map)", |b| {
        b.iter(|| black_box(cond.holds(&|item| answers.get(item), &|_| None)))
    });
}

/// What is shown, recomputed for every frame and answer: with a page shown on a score, the
/// score is computed once per call from the answers decided so far.
fn visibility(c: &mut Criterion) {
    let path = forms_dir().join("../docs/examples/sleep_check.json");
    let (form, _) = library::load_form(&path, None).expect("the guide's example loads");
    let answers = Answers::from_json(&form, &json!({"q1": 3, "q2": 2, "q3": 3, "q4": 2}))
        .expect("valid answers");
    c.bench_function(
        "visible items of a form with a page shown on a score",
        |b| b.iter(|| black_box(black_box(&answers).visible(black_box(&form)))),
    );
    let (form, _) = library::load_form(&forms_dir().join("phq9.json"), None).expect("phq9 loads");
    let answers = Answers::from_json(&form, &json!({"q1": 1, "q2": 0})).expect("valid answers");
    c.bench_function("visible items of phq9 (item conditions only)", |b| {
        b.iter(|| black_box(black_box(&answers).visible(black_box(&form))))
    });
}

criterion_group!(benches, load_and_validate, scoring, condition, visibility);
criterion_main!(benches);
