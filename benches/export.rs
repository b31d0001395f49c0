//! Exporting 10,000 sealed demo-battery bundles to CSV: list, decrypt, verify, parse, and write
//! one file per form and the codebook.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use svar_bundle::export::{self, Format};
use svar_bundle::{self as bundle, DeviceKey, Identities, KioskKeys};

const BUNDLES: usize = 10_000;

fn export_csv(c: &mut Criterion) {
    let filled = common::demo_bundle();
    let recipients = [bundle::demo_recipient()];
    let signer = DeviceKey::demo();
    // Beside the build output, on a real disk rather than a RAM-backed /tmp.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("bench folder");
    let outbox = dir.path().join("outbox");
    std::fs::create_dir(&outbox).expect("outbox");
    for _ in 0..BUNDLES {
        let mut b = filled.clone();
        b.bundle_id = uuid::Uuid::now_v7();
        bundle::seal(&b, &recipients, &signer, &outbox).expect("sealed");
    }
    let identity =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-keys/demo-identity.txt");
    let identities = Identities::load(&identity).expect("demo identity");
    let kiosk = KioskKeys::demo();
    let forms = common::forms();
    let out = dir.path().join("export");
    c.bench_function("export 10,000 demo bundles to CSV", |b| {
        b.iter(|| {
            let report = export::run(
                &[outbox.as_path()],
                &identities,
                &kiosk,
                Some(&forms),
                Format::Csv,
                None,
                &out,
            )
            .expect("exported");
            assert_eq!(report.exported, BUNDLES);
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = export_csv
}
criterion_main!(benches);
