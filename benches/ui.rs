//! CPU time to build and tessellate one kiosk frame, headless: the densest page (the HSCL-25
//! grid) and the body map.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use svar::form::Display;
use svar::i18n::Strings;
use svar::text::Lang;
use svar::ui::{Config, Intent, Kiosk};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A kiosk on the Norwegian work-and-health baseline, moved forward until `done` says stop.
fn kiosk_at(done: impl Fn(&Kiosk) -> bool) -> Kiosk {
    let loaded = svar::library::load_paths(&[root().join("forms")], None);
    let config = Config {
        battery: Arc::new(loaded.batteries["no_work_health_baseline"].clone()),
        assets: root().join("assets"),
        clinic: "Bench".into(),
        demo: true,
        idle_warn: 90.0,
        idle_countdown: 30.0,
        thanks_seconds: 8.0,
        default_lang: Lang::Nb,
        staff: svar::ui::StaffSettings::default(),
    };
    // The demo's records in a folder that outlives the bench run's kiosks.
    let folder = std::env::temp_dir().join(format!("svar-bench-ui-{}", std::process::id()));
    let records =
        svar::setup::demo_records(&folder, &root().join("forms"), loaded.shared_batteries())
            .expect("demo records");
    let mut kiosk = Kiosk::new(config, Strings::load().expect("locales"), records);
    kiosk.apply(Intent::StartDemo, 0.0);
    kiosk.apply(Intent::PickLanguage(Lang::Nb), 0.0);
    for _ in 0..50 {
        if done(&kiosk) {
            return kiosk;
        }
        // Twice: the first Next on an unanswered required question only explains.
        kiosk.apply(Intent::Next, 0.0);
        kiosk.apply(Intent::Next, 0.0);
    }
    panic!("the screen was never reached");
}

fn screen_is(
    kiosk: &Kiosk,
    check: impl Fn(&svar::form::Form, &svar::session::Screen) -> bool,
) -> bool {
    kiosk
        .session()
        .and_then(|s| {
            s.current_screen()
                .map(|(f, screen)| check(s.form(f), &screen))
        })
        .unwrap_or(false)
}

fn bench_frame(c: &mut Criterion, name: &str, mut kiosk: Kiosk) {
    let ctx = egui::Context::default();
    svar::ui::theme::install_fonts(&ctx);
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1920.0, 1080.0),
        )),
        ..Default::default()
    };
    // Warm up: fonts are laid out and textures loaded on the first frames.
    for _ in 0..3 {
        let _ = ctx.run_ui(input(), |ui| kiosk.frame(ui));
    }
    let shapes = ctx.run_ui(input(), |ui| kiosk.frame(ui)).shapes.len();
    assert!(shapes > 50, "{name}: only {shapes} shapes drawn");
    eprintln!("{name}: {shapes} shapes");
    c.bench_function(name, |b| {
        b.iter(|| {
            let output = ctx.run_ui(input(), |ui| kiosk.frame(ui));
            black_box(ctx.tessellate(output.shapes, output.pixels_per_point))
        })
    });
}

fn frames(c: &mut Criterion) {
    let grid = kiosk_at(|k| {
        screen_is(k, |form, screen| {
            form.pages[screen.page].display == Display::Grid
        })
    });
    bench_frame(c, "frame: HSCL-25 grid (25 rows), build + tessellate", grid);
    let body_map = kiosk_at(|k| {
        screen_is(k, |form, screen| {
            screen
                .items
                .iter()
                .any(|ix| matches!(form.item(*ix).kind, svar::form::ItemKind::BodyMap { .. }))
        })
    });
    bench_frame(c, "frame: body map, build + tessellate", body_map);
}

criterion_group!(benches, frames);
criterion_main!(benches);
