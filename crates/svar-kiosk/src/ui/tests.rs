//! The kiosk driven without a window: patient boundaries, full disks, time-outs.

use super::*;
use std::path::Path;
use theme::TextSize;

/// A kiosk on the demo battery in `dir`, driven without a window.
fn kiosk(dir: &Path) -> Kiosk {
    let forms = crate::repo_root().join("forms");
    let loaded = svar_forms::library::load_paths(std::slice::from_ref(&forms), None);
    let battery = Arc::new(loaded.batteries["demo"].clone());
    let records = crate::setup::demo_records(
        dir,
        svar_bundle::FormHashes::of_loaded(&loaded),
        vec![Arc::clone(&battery)],
    )
    .expect("records");
    let config = Config {
        battery,
        assets: crate::repo_root().join("assets"),
        clinic: crate::config::ClinicName::same("Test"),
        demo: true,
        idle_warn: 90.0,
        idle_countdown: 30.0,
        thanks_seconds: 8.0,
        pause_seconds: 30.0 * 60.0,
        default_lang: Lang::Nb,
        staff: StaffSettings::default(),
    };
    Kiosk::new(config, Strings::load().expect("locales"), records)
}

/// Starts a demo visit, fills the disk, gives one answer (which cannot be saved) and lets
/// the idle time-out end the visit at `now`.
fn visit_ending_on_a_full_disk(k: &mut Kiosk, now: f64) {
    k.apply(Intent::StartDemo, now);
    let battery = Arc::clone(&k.config.battery);
    let hscl: serde_json::Map<String, serde_json::Value> = (1..=25)
        .map(|i| (format!("q{i}"), serde_json::json!(1 + i % 4)))
        .collect();
    let phq: serde_json::Map<String, serde_json::Value> = (1..=9)
        .map(|i| (format!("q{i}"), serde_json::json!(i % 4)))
        .collect();
    let script = svar_bundle::answers_in_order(
        &battery,
        &serde_json::json!({
            "nrs_pain": {"now": 5, "worst_week": 8, "avg_week": 4},
            "about_you": {"occupation": "Fyrvokter på Lindesnes fyr, nattskift og helg"},
            "hscl25": hscl,
            "phq9": phq,
        }),
    )
    .expect("answers fit the demo");
    k.records.store.simulate_full_disk(true);
    // The database's last free pages take a few answers before a write fails.
    for (form, item, answer) in script {
        k.apply(Intent::Answer(form, item, Some(answer)), now);
        if k.unsaved() {
            break;
        }
    }
    assert!(k.unsaved(), "the answer waits in memory");
    k.tick(now + 200.0);
    assert_eq!(k.stage(), Stage::Welcome);
}

#[test]
fn two_visits_ending_on_a_full_disk_are_both_kept_and_both_sealed_later() {
    let dir = tempfile::tempdir().unwrap();
    let mut k = kiosk(dir.path());
    visit_ending_on_a_full_disk(&mut k, 0.0);
    assert_eq!(k.held(), 1);
    // Space comes back for a moment: the next patient starts, then the disk fills again.
    k.records.store.simulate_full_disk(false);
    visit_ending_on_a_full_disk(&mut k, 1.0);
    assert_eq!(
        k.held(),
        2,
        "the first held visit is not lost to the second"
    );
    k.records.store.simulate_full_disk(false);
    k.tick(1000.0);
    assert_eq!(k.held(), 0);
    let bundles = std::fs::read_dir(dir.path().join("outbox"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".svar.age"))
        })
        .count();
    assert_eq!(bundles, 2, "both visits are sealed");
    assert!(k.records.store.unsealed().unwrap().is_empty());
}
#[test]
fn each_screen_change_drops_the_state_of_the_screen_left() {
    let dir = tempfile::tempdir().unwrap();
    let mut k = kiosk(dir.path());
    k.apply(Intent::CycleTextSize, 0.0);
    k.apply(Intent::StartDemo, 0.0);
    assert_eq!(k.stage(), Stage::Language);
    assert_eq!(
        k.look,
        Look::new(Lang::Nb),
        "a hand-over starts in the normal look"
    );
    k.apply(Intent::PickLanguage(Lang::Da), 0.0);
    k.apply(Intent::ToggleContrast, 0.0);
    k.apply(Intent::Staff(staff::StaffIntent::OpenPin), 0.0);
    assert_eq!(
        k.stage(),
        Stage::Session,
        "the PIN pad opens from the welcome screen only"
    );
    // The idle time-out ends the visit: no session, and the look is the kiosk's again.
    k.tick(1000.0);
    assert_eq!(k.stage(), Stage::Welcome);
    assert!(k.session().is_none());
    assert_eq!(k.look, Look::new(Lang::Nb));
    // A half-typed PIN goes with the pad.
    k.apply(Intent::Staff(staff::StaffIntent::OpenPin), 1000.0);
    k.apply(
        Intent::Staff(staff::StaffIntent::PinKey(keypad::Key::Digit(4))),
        1000.0,
    );
    assert!(matches!(&k.screen, Screen::Pin(pad) if pad.typed() == 1));
    k.apply(Intent::Staff(staff::StaffIntent::Close), 1000.0);
    k.apply(Intent::Staff(staff::StaffIntent::OpenPin), 1000.0);
    assert!(matches!(&k.screen, Screen::Pin(pad) if pad.typed() == 0));
}

#[test]
fn the_kiosk_sweeps_its_stale_temporary_bundle_files_at_start() {
    let dir = tempfile::tempdir().unwrap();
    drop(kiosk(dir.path()));
    let outbox = dir.path().join("outbox");
    let stale = outbox.join(".20261202T101500Z-0193.svar.age.tmp");
    let other = outbox.join(".notes.tmp");
    std::fs::write(&stale, b"half a bundle").unwrap();
    std::fs::write(&other, b"not ours").unwrap();
    let _k = kiosk(dir.path());
    assert!(
        !stale.exists(),
        "a killed write's temporary file is removed"
    );
    assert!(
        other.exists(),
        "files that are not our bundles are left alone"
    );
}

#[test]
fn a_frame_after_a_change_of_contrast_draws_in_the_new_look() {
    let dir = tempfile::tempdir().unwrap();
    let mut k = kiosk(dir.path());
    let ctx = egui::Context::default();
    k.prepare(&ctx);
    let look = |high_contrast| {
        Tokens::new(TextSize::Normal, high_contrast)
            .palette
            .background
    };
    for high_contrast in [true, false] {
        // As a tap on the contrast button does, between two frames.
        k.apply(Intent::ToggleContrast, 0.0);
        let mut drawn = None;
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            k.frame(ui);
            drawn = Some(ui.style().visuals.panel_fill);
        });
        // No GPU takes the font atlas: the uploads are dropped unapplied.
        output.textures_delta.clear();
        assert_eq!(
            drawn,
            Some(look(high_contrast)),
            "high contrast: {high_contrast}"
        );
    }
}
