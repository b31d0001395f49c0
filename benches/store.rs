//! Committing one answer to the local store (encrypt the record, one transaction with
//! `synchronous=FULL`, so the write has reached the disk when the call returns), as the kiosk
//! does before every screen moves on.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use std::path::PathBuf;
use std::sync::Arc;
use svar_forms::answer::Answer;
use svar_forms::form::ItemIx;
use svar_forms::text::Lang;
use svar_kiosk::visit::Visit;
use svar_store::{Store, StoreKey};

fn commit_answer(c: &mut Criterion) {
    let forms = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("forms");
    let loaded = svar_forms::library::load_paths(std::slice::from_ref(&forms), None);
    let battery = Arc::new(loaded.batteries["demo"].clone());
    // Beside the build output: the same disk a kiosk's data folder would be on, not a tmpfs.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-store");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("bench folder");
    let key = StoreKey::create(&dir.join("store.key")).expect("store key");
    let mut store = Store::open(&dir.join("data"), key).expect("store");
    let mut visit =
        Visit::start(&mut store, battery, Lang::Nb, common::meta(), None).expect("visit");
    let form = (0..visit.session().battery().forms.len())
        .find(|f| visit.session().form(*f).id.as_str() == "hscl25")
        .expect("hscl25 in the demo battery");
    let mut value = 1.0;
    c.bench_function("commit one answer to the store (encrypt, FULL sync)", |b| {
        b.iter(|| {
            // Alternate the value so every call really writes.
            value = if value == 1.0 { 2.0 } else { 1.0 };
            visit.answer(&mut store, form, ItemIx(0), Some(Answer::Number(value)));
            assert!(visit.problem().is_none());
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = commit_answer
}
criterion_main!(benches);
