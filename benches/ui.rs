//! CPU time to build and tessellate one kiosk frame, headless: the densest shipped page (the
//! HSCL-25 grid) and the body map, and the heaviest pages a form that validates may have.

#[path = "../tests/near_limits/mod.rs"]
mod near_limits;

use criterion::{Criterion, criterion_group, criterion_main};
use near_limits::{FormFolder, Headless, ItemSpec, Kind, PageSpec, Show, Words};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use svar_forms::form::{Display, limits};
use svar_forms::text::Lang;
use svar_kiosk::i18n::Strings;
use svar_kiosk::ui::{Config, Intent, Kiosk};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A kiosk on the Norwegian work-and-health baseline, moved forward until `done` says stop.
fn kiosk_at(done: impl Fn(&Kiosk) -> bool) -> Kiosk {
    let loaded = svar_forms::library::load_paths(&[root().join("forms")], None);
    let config = Config {
        battery: Arc::new(loaded.batteries["no_work_health_baseline"].clone()),
        assets: root().join("assets"),
        clinic: svar_kiosk::config::ClinicName::same("Bench"),
        demo: true,
        idle_warn: 90.0,
        idle_countdown: 30.0,
        thanks_seconds: 8.0,
        pause_seconds: 30.0 * 60.0,
        default_lang: Lang::Nb,
        staff: svar_kiosk::ui::StaffSettings::default(),
    };
    // The demo's records in a folder that outlives the bench run's kiosks.
    let folder = std::env::temp_dir().join(format!("svar-bench-ui-{}", std::process::id()));
    let records = svar_kiosk::setup::demo_records(
        &folder,
        svar_bundle::FormHashes::of_loaded(&loaded),
        loaded.shared_batteries(),
    )
    .expect("demo records");
    let mut kiosk = Kiosk::new(config, Strings::load().expect("locales"), records);
    kiosk.apply(Intent::StartDemo, 0.0);
    kiosk.apply(Intent::PickLanguage(Lang::Nb), 0.0);
    for step in 0..50 {
        if done(&kiosk) {
            return kiosk;
        }
        near_limits::answer_all(&mut kiosk);
        // Whatever is left unanswered gets the "go on without" prompt, which takes taps
        // after the patient has had a moment to read it.
        let now = f64::from(step) * 2.0;
        kiosk.apply(Intent::Next, now);
        kiosk.apply(Intent::GoOnWithout, now + 1.5);
    }
    panic!("the screen was never reached");
}

fn screen_is(
    kiosk: &Kiosk,
    check: impl Fn(&svar_forms::form::Form, &svar_forms::session::Screen) -> bool,
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
    kiosk.prepare(&ctx);
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1920.0, 1080.0),
        )),
        // A standing clock: without it egui moves time on a sixtieth of a second a frame, and
        // after some thousand iterations the idle time-out would replace the page measured.
        time: Some(0.0),
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
            screen.items.iter().any(|ix| {
                matches!(
                    form.item(*ix).kind,
                    svar_forms::form::ItemKind::BodyMap { .. }
                )
            })
        })
    });
    bench_frame(c, "frame: body map, build + tessellate", body_map);
}

/// A page of `MAX_PAGE_ITEMS` items of `kind` on one screen, with as much text as a page may
/// show.
fn full_page(kind: Kind) -> PageSpec {
    let item = ItemSpec {
        kind,
        text: Words::SHORT,
        help: None,
        labels: Words::SHORT,
    };
    PageSpec::Items {
        show: Show::Together,
        title: None,
        items: vec![item; limits::MAX_PAGE_ITEMS],
    }
    .fit_text()
}

/// The heaviest screens the limits allow, at the kiosk's 1280×800, with the accessibility
/// tree on: full pages of the widest ratings, of the largest body maps (every region chosen,
/// so every polygon is filled), and the largest grid.
fn near_limit_frames(c: &mut Criterion) {
    let points = limits::MAX_MAP_POINTS / limits::MAX_POLYGON_POINTS;
    let pages = [
        (
            format!(
                "near limits: {} ratings of {} values",
                limits::MAX_PAGE_ITEMS,
                limits::MAX_RATING_VALUES
            ),
            full_page(Kind::Rating {
                min: 0,
                values: limits::MAX_RATING_VALUES,
            }),
            false,
        ),
        (
            format!(
                "near limits: grid of {} rows of {} options",
                limits::MAX_PAGE_ITEMS,
                limits::MAX_OPTIONS
            ),
            PageSpec::Grid {
                rows: limits::MAX_PAGE_ITEMS,
                options: limits::MAX_OPTIONS,
                text: Words::SHORT,
                labels: Words::SHORT,
            }
            .fit_text(),
            false,
        ),
        (
            format!(
                "near limits: {} body maps of {} points, all chosen",
                limits::MAX_PAGE_ITEMS,
                limits::MAX_MAP_POINTS
            ),
            full_page(Kind::BodyMap {
                regions: points,
                polygons: 1,
                points: limits::MAX_POLYGON_POINTS,
            }),
            true,
        ),
    ];
    let mut group = c.benchmark_group("frame");
    // A frame of these takes tens of milliseconds: ten samples keep the run short.
    group.sample_size(10);
    for (name, page, answered) in pages {
        let folder = FormFolder::new(&near_limits::form_json(&[page]));
        let mut kiosk = folder.load().expect("the near-limit form validates");
        if answered {
            near_limits::answer_all(&mut kiosk);
        }
        let headless = Headless::new(&mut kiosk);
        // Warm up: fonts are laid out and textures loaded on the first frames.
        for _ in 0..2 {
            headless.frame(&mut kiosk);
        }
        eprintln!("{name}: {:?}", headless.frame(&mut kiosk));
        group.bench_function(&name, |b| b.iter(|| black_box(headless.frame(&mut kiosk))));
    }
    group.finish();
}

criterion_group!(benches, frames, near_limit_frames);
criterion_main!(benches);
