//! One upload round trip on loopback: a sealed bundle sent by the uploader (PUT, receipt
//! check, durable local delete) to an in-process receiver storing in a folder (staged writes,
//! hard links, receipt).

mod common;

use criterion::{Criterion, criterion_group, criterion_main};
use std::sync::Arc;
use std::time::SystemTime;
use svar_bundle::{self as bundle, DeviceKey};
use svar_receive::{FolderStore, Tokens};
use svar_upload::{Backoff, State, Target, Timeouts, Uploader};

const TOKEN: &str = "bench-token-4711";

fn round_trip(c: &mut Criterion) {
    // Folders beside the build output, on a real disk: fsync must cost what it costs.
    let outbox = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("outbox");
    let store = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("store");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("a port on loopback");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let router = svar_receive::router(
        Arc::new(FolderStore::new(store.path())),
        Tokens::parse(&format!("bench_kiosk:{TOKEN}")).expect("a token line"),
        svar_receive::DEFAULT_MAX_BYTES,
    );
    // The runtime's worker threads serve it until the bench process ends.
    runtime.spawn(svar_receive::serve(
        listener,
        router,
        svar_receive::ConnectionTimeouts::default(),
        std::future::pending(),
    ));
    let uploader = Uploader::new(
        vec![Target::Https {
            url,
            token: Some(TOKEN.into()),
            ca: None,
            client_cert: None,
        }],
        Timeouts::default(),
        Backoff::default(),
        None,
    )
    .expect("uploader");

    let filled = common::demo_bundle();
    let recipients = [bundle::demo_recipient()];
    let signer = DeviceKey::demo();
    c.bench_function("upload one sealed bundle (PUT, receipt, delete)", |b| {
        b.iter_batched(
            || {
                let mut sealed = filled.clone();
                // Each upload needs its own bundle id, or it is a repeat.
                sealed.bundle_id = uuid::Uuid::now_v7();
                bundle::seal(&sealed, &recipients, &signer, outbox.path()).expect("sealed");
            },
            |()| {
                let mut state = State::new(svar_upload::clock_jitter());
                let report = uploader.run_once(outbox.path(), &mut state, SystemTime::now(), None);
                assert_eq!(report.delivered(), 1, "{report:?}");
            },
            criterion::BatchSize::PerIteration,
        )
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = round_trip
}
criterion_main!(benches);
