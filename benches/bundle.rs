//! Sealing one completed demo-battery bundle: sign, encrypt to one recipient, and write it
//! atomically to an outbox on disk, fsyncs of file and folder included.

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use svar_bundle::{self as bundle, DeviceKey};

fn seal(c: &mut Criterion) {
    let filled = common::demo_bundle();
    let recipients = [bundle::demo_recipient()];
    let signer = DeviceKey::demo();
    // A folder beside the build output, on the same disk a kiosk's outbox would be on, not a
    // RAM-backed /tmp: fsync must cost what it costs.
    let outbox = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("outbox");
    c.bench_function("seal one demo bundle (sign, encrypt, write, fsync)", |b| {
        b.iter_batched(
            || {
                let mut bundle = filled.clone();
                // Each sealed file needs its own name.
                bundle.bundle_id = uuid::Uuid::now_v7();
                bundle
            },
            |bundle| bundle::seal(&bundle, &recipients, &signer, outbox.path()).expect("sealed"),
            criterion::BatchSize::SmallInput,
        )
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = seal
}
criterion_main!(benches);
