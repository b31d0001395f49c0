//! Every shipped form, exported as an XLSForm workbook and imported again, is the same form:
//! the same items, options, texts in every language, conditions and scores, and the same
//! scores on 100 random answer sets.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use svar_forms::form::{Form, ItemKind};
use svar_forms::text::Lang;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn shipped() -> Vec<PathBuf> {
    let mut forms: Vec<PathBuf> = std::fs::read_dir(root().join("forms"))
        .expect("forms")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension().is_some_and(|x| x == "json")
                && !p.to_string_lossy().ends_with("schema.json")
        })
        .collect();
    forms.sort();
    forms
}

/// A small deterministic random source (the test must fail the same way every time).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A random answers object for `form`: each item answered or left out.
fn answers(form: &Form, r: &mut Random) -> Value {
    let mut out = serde_json::Map::new();
    for item in &form.items {
        if r.below(5) == 0 {
            continue;
        }
        let value = match &item.kind {
            ItemKind::SingleChoice { options, .. } => json!(options[r.below(options.len())].value),
            ItemKind::MultipleChoice { options, .. } => {
                let chosen: Vec<f64> = options
                    .iter()
                    .filter(|o| !o.exclusive && r.below(2) == 0)
                    .map(|o| o.value)
                    .collect();
                json!(chosen)
            }
            ItemKind::YesNo => json!(r.below(2)),
            ItemKind::Rating { min, max, .. } => {
                json!(*min + r.below((*max - *min + 1) as usize) as i64)
            }
            ItemKind::Number { min, max, .. } => {
                json!((min + (max - min) * r.below(100) as f64 / 100.0).round())
            }
            ItemKind::Slider { min, max, .. } => {
                json!(min + (max - min) * r.below(100) as f64 / 100.0)
            }
            ItemKind::BodyMap { regions, .. } => {
                let chosen: Vec<&str> = regions
                    .iter()
                    .filter(|_| r.below(3) == 0)
                    .map(|g| g.id.as_str())
                    .collect();
                json!(chosen)
            }
            _ => continue,
        };
        out.insert(item.id.to_string(), value);
    }
    Value::Object(out)
}

/// The way out and back being tested: writes `form` into `dir` and returns the file to import.
type Out = fn(&Value, &Path) -> PathBuf;

fn through_xlsform(form: &Value, dir: &Path) -> PathBuf {
    let book = dir.join("book.xlsx");
    svar_import::xlsform::export::write(form, &book).expect("exports");
    book
}

fn through_fhir(form: &Value, dir: &Path) -> PathBuf {
    // An independent R4 implementation reads these too (`tests/import.rs`).
    let q = svar_import::fhir::export::questionnaire(form, &"0".repeat(64)).expect("exports");
    let path = dir.join("questionnaire.json");
    std::fs::write(&path, serde_json::to_string_pretty(&q).unwrap()).unwrap();
    path
}

#[test]
fn every_shipped_form_comes_back_from_its_workbook_unchanged() {
    round_trip(through_xlsform);
}

#[test]
fn every_shipped_form_comes_back_from_its_questionnaire_unchanged() {
    round_trip(through_fhir);
}

fn round_trip(out: Out) {
    let dir = tempfile::tempdir().expect("temp dir");
    let forms = dir.path().join("forms");
    std::fs::create_dir_all(&forms).expect("forms folder");
    let assets = root().join("assets");
    let mut compared = 0;
    for path in shipped() {
        let original: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let file = out(&original, dir.path());
        let imported = svar_import::import(&file, Lang::Nb)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .remove(0)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let back = forms.join(format!("{}.json", imported.id));
        std::fs::write(&back, &imported.json).unwrap();
        let (a, _) = svar_forms::library::load_form(&path, Some(&assets)).expect("shipped loads");
        let (b, _) = svar_forms::library::load_form(&back, Some(&assets))
            .unwrap_or_else(|d| panic!("{}: {d:?}", path.display()));
        // Everything the checked model holds: items, options, texts, conditions, scores, flags.
        let (da, db) = (format!("{a:#?}"), format!("{b:#?}"));
        if let Some((n, (x, y))) = da
            .lines()
            .zip(db.lines())
            .enumerate()
            .find(|(_, (x, y))| x != y)
        {
            let context: Vec<&str> = da.lines().skip(n.saturating_sub(12)).take(13).collect();
            panic!(
                "{}: line {n} differs: `{x}` came back as `{y}`, after:\n{}",
                path.display(),
                context.join("\n")
            );
        }
        assert_eq!(da, db, "{}", path.display());
        let mut r = Random(compared as u64 + 7);
        for _ in 0..100 {
            let given = answers(&a, &mut r);
            let (Ok(x), Ok(y)) = (
                svar_forms::answer::Answers::from_json(&a, &given),
                svar_forms::answer::Answers::from_json(&b, &given),
            ) else {
                panic!("{}: the same answers are accepted by both", path.display());
            };
            assert_eq!(
                svar_forms::score::score(&a, &x, &[]),
                svar_forms::score::score(&b, &y, &[]),
                "{}: {given}",
                path.display()
            );
        }
        compared += 1;
    }
    assert!(compared >= 20, "{compared} forms");
}
