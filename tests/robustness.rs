//! Property tests: arbitrary bytes and arbitrary JSON never make the loader or the expression
//! parser panic or hang. Case counts are bounded so this stays a few seconds in CI.

use proptest::prelude::*;
use std::path::Path;
use svar_forms::form::check::{self, Context};
use svar_forms::source::SourceFile;

/// Runs the whole load path (index, parse, check) on text, as `svar validate` does.
fn load(text: String) {
    let Ok(source) = SourceFile::from_text(Path::new("fuzz.json"), text) else {
        return;
    };
    let _ = source.duplicate_keys();
    if let Ok(raw) = source.parse::<svar_forms::form::raw::RawForm>() {
        let mut findings = svar_forms::diag::Findings::default();
        let _ = check::check(&raw, &Context::default(), &mut findings);
        for f in findings.into_vec() {
            let _ = source.place(f);
        }
    }
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i32>().prop_map(serde_json::Value::from),
        (-1e6f64..1e6).prop_map(serde_json::Value::from),
        "[a-z_0-9 .*+()<>=-]{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("id".to_owned()),
                    Just("type".to_owned()),
                    Just("items".to_owned()),
                    Just("pages".to_owned()),
                    Just("scores".to_owned()),
                    Just("show_if".to_owned()),
                    Just("item".to_owned()),
                    Just("op".to_owned()),
                    Just("value".to_owned()),
                    Just("all".to_owned()),
                    Just("bands".to_owned()),
                    Just("min".to_owned()),
                    "[a-z]{1,6}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A real form with one value replaced, to reach the checker's deeper paths.
fn mutated_form() -> impl Strategy<Value = String> {
    let base = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/good/minimal.json"
    ))
    .expect("fixture");
    let len = base.len();
    (0..len, "[\\[\\]{}\",:0-9a-z -]{0,4}", 0usize..4).prop_map(move |(at, insert, cut)| {
        let mut at = at;
        while !base.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + cut).min(len);
        while !base.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}{}{}", &base[..at], insert, &base[end..])
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_do_not_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        load(String::from_utf8_lossy(&bytes).into_owned());
    }

    #[test]
    fn arbitrary_json_does_not_panic(value in arb_json()) {
        load(value.to_string());
    }

    #[test]
    fn mutated_forms_do_not_panic(text in mutated_form()) {
        load(text);
    }

    #[test]
    fn arbitrary_expressions_do_not_panic(src in "[a-z0-9_ .(),+*/<>=!-]{0,64}") {
        if let Ok(e) = svar_forms::expr::parse(&src) {
            let _ = e.eval(&|_: &svar_forms::expr::Name| Some(1.0));
        }
    }

    #[test]
    fn arbitrary_unicode_expressions_do_not_panic(src in "\\PC{0,40}") {
        let _ = svar_forms::expr::parse(&src);
    }
}

#[test]
fn pathological_nesting_is_refused_quickly() {
    for text in [
        "[".repeat(1_000_000),
        "{\"a\":".repeat(100_000),
        "\"".repeat(3),
    ] {
        load(text);
    }
    assert!(svar_forms::expr::parse(&"(".repeat(10_000)).is_err());
    assert!(svar_forms::expr::parse(&"not ".repeat(1_000)).is_err());
}
