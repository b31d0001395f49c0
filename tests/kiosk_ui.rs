//! The kiosk driven like a patient would: by tapping controls found by their accessible
//! labels, through the real app state, with a simulated clock.

mod common;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::sync::Arc;
use svar::answer::Answer;
use svar::form::{Form, ItemIx, ItemKind};
use svar::i18n::Strings;
use svar::session::Position;
use svar::text::Lang;
use svar::ui::{Config, KioskApp, Stage};

fn config(battery: &str) -> Config {
    let loaded = svar::library::load_paths(&[common::root().join("forms")], None);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    Config {
        battery: Arc::new(loaded.batteries[battery].clone()),
        assets: common::root().join("assets"),
        clinic: "Test clinic".into(),
        demo: true,
        idle_warn: 90.0,
        idle_countdown: 30.0,
        thanks_seconds: 8.0,
        default_lang: Lang::Nb,
    }
}

fn kiosk(size: egui::Vec2) -> Harness<'static, KioskApp> {
    let mut h = Harness::builder()
        .with_size(size)
        .build_eframe(|cc| KioskApp::new(cc, config("demo"), Strings::load().expect("locales")));
    settle(&mut h);
    h
}

/// Runs frames until the UI is still (the kiosk schedules repaints for its timers).
fn settle(h: &mut Harness<'static, KioskApp>) {
    h.run_steps(3);
}

fn tr(h: &Harness<'static, KioskApp>, id: &str) -> String {
    Strings::load()
        .expect("locales")
        .get(h.state().kiosk.lang(), id)
}

/// Taps the one control with this accessible label (and role, when given). Controls
/// scrolled out of view are activated through the accessibility action, as a screen reader would.
fn tap_role(h: &mut Harness<'static, KioskApp>, label: &str, role: Option<Role>) {
    {
        let node = match role {
            Some(role) => h.get_by_role_and_label(role, label),
            None => h.get_by_label(label),
        };
        let visible = h.output().platform_output.num_completed_passes > 0
            && node.rect().max.y < 800.0 - 90.0
            && node.rect().min.y > 90.0;
        if visible {
            node.click()
        } else {
            node.click_accesskit()
        }
    }
    settle(h);
}

fn tap(h: &mut Harness<'static, KioskApp>, label: &str) {
    tap_role(h, label, None);
}

fn position(h: &Harness<'static, KioskApp>) -> Option<Position> {
    h.state().kiosk.session().map(|s| s.position())
}

fn current(h: &Harness<'static, KioskApp>) -> Option<(usize, Vec<ItemIx>, Arc<Form>)> {
    let s = h.state().kiosk.session()?;
    let (form, screen) = s.current_screen()?;
    Some((
        form,
        screen.items,
        Arc::clone(&s.battery().forms[form].form),
    ))
}

fn answer(h: &Harness<'static, KioskApp>, form: usize, item: ItemIx) -> Option<Answer> {
    h.state()
        .kiosk
        .session()
        .and_then(|s| s.answers(form).get(item).cloned())
}

/// Moves the simulated clock past a single-choice screen's visible confirmation.
fn wait(h: &mut Harness<'static, KioskApp>, seconds: f64) {
    h.state_mut().kiosk.advance_clock(seconds);
    settle(h);
}

/// Answers one item by tapping its controls, as a patient would.
fn answer_item(
    h: &mut Harness<'static, KioskApp>,
    form: &Form,
    form_ix: usize,
    ix: ItemIx,
    several: bool,
) {
    let lang = h.state().kiosk.lang();
    let item = form.item(ix);
    let question = item.text.get(lang).to_owned();
    // On a screen with several questions every option is named with its question.
    let named = |option: &str| {
        if several {
            format!("{question} – {option}")
        } else {
            option.to_owned()
        }
    };
    match &item.kind {
        ItemKind::Info { .. } | ItemKind::Signature => {}
        ItemKind::SingleChoice { options, .. } => tap(h, &named(options[1].label.get(lang))),
        ItemKind::MultipleChoice { options, .. } => {
            tap(h, &named(options[0].label.get(lang)));
            tap(h, &named(options[1].label.get(lang)));
        }
        ItemKind::YesNo => tap(h, &named(&tr(h, "answer-yes"))),
        ItemKind::Rating { .. } => tap(h, &named("7")),
        ItemKind::Slider { .. } => tap_role(h, &question, Some(Role::Slider)),
        ItemKind::Number { .. } => {
            tap(h, "3");
            tap(h, "7");
            assert_eq!(answer(h, form_ix, ix), Some(Answer::Number(37.0)));
        }
        ItemKind::Text { .. } => {
            for key in ["æ", "ø", "å", "space"] {
                let label = if key == "space" {
                    tr(h, "keyboard-space")
                } else {
                    key.to_owned()
                };
                tap(h, &label);
            }
            tap(h, &tr(h, "keyboard-shift"));
            tap(h, "Å");
            tap(h, "s");
            assert_eq!(answer(h, form_ix, ix), Some(Answer::Text("æøå Ås".into())));
        }
        ItemKind::Date { .. } => {
            tap(h, "1970–");
            tap(h, "1975");
            tap(h, &tr(h, "month-5"));
            let day = format!("{} 31", tr(h, "date-day"));
            tap(h, &day);
            assert_eq!(
                answer(h, form_ix, ix),
                Some(Answer::Date(
                    svar::answer::Date::parse("1975-05-31").unwrap()
                ))
            );
        }
        ItemKind::BodyMap { regions, .. } => {
            let neck = regions
                .iter()
                .find(|r| r.id.as_str() == "neck")
                .expect("neck");
            let low_back = regions
                .iter()
                .find(|r| r.id.as_str() == "low_back")
                .expect("low back");
            tap(h, neck.label.get(lang));
            tap(h, low_back.label.get(lang));
            assert_eq!(
                answer(h, form_ix, ix),
                Some(Answer::Regions(vec!["neck".into(), "low_back".into()]))
            );
        }
    }
    if let ItemKind::Signature = item.kind {
        sign(h);
        tap(h, &tr(h, "signature-confirm"));
        assert!(matches!(answer(h, form_ix, ix), Some(Answer::Strokes(s)) if !s.is_empty()));
    }
}

/// Draws a stroke across the signature pad with the pointer.
fn sign(h: &mut Harness<'static, KioskApp>) {
    let rect = h.get_by_label(&tr(h, "signature-pad")).rect();
    let y = rect.center().y;
    h.drag_at(egui::pos2(rect.left() + 40.0, y));
    h.step();
    for i in 1..=12 {
        h.hover_at(egui::pos2(
            rect.left() + 40.0 + 25.0 * i as f32,
            y + if i % 2 == 0 { 20.0 } else { -20.0 },
        ));
        h.step();
    }
    h.drop_at(egui::pos2(rect.left() + 340.0, y));
    settle(h);
}

/// Goes through the whole battery from the welcome screen; returns how many screens it saw.
fn complete_battery(h: &mut Harness<'static, KioskApp>, lang_name: &str) -> usize {
    tap(h, &tr(h, "welcome-start-demo"));
    assert_eq!(h.state().kiosk.stage(), Stage::Language);
    tap(h, lang_name);
    assert_eq!(h.state().kiosk.stage(), Stage::Session);
    let mut screens = 0;
    for _ in 0..400 {
        match position(h) {
            Some(Position::Intro { .. }) => tap(h, &tr(h, "intro-start")),
            Some(Position::Screen { .. }) => {
                screens += 1;
                let before = position(h);
                let (form_ix, items, form) = current(h).expect("a screen");
                for ix in &items {
                    answer_item(h, &form, form_ix, *ix, items.len() > 1);
                }
                // A single choice alone on its screen moves on by itself after a moment.
                wait(h, 1.0);
                if position(h) == before {
                    tap(h, &tr(h, "nav-next"));
                }
            }
            Some(Position::Review) => {
                assert!(h.query_by_label(&tr(h, "review-complete")).is_some());
                tap(h, &tr(h, "review-finish"));
            }
            Some(Position::Finish) => tap(h, &tr(h, "finish-confirm")),
            Some(Position::Done) | None => break,
        }
    }
    screens
}

#[test]
fn a_patient_completes_the_demo_battery_in_each_language() {
    for (lang, name) in [
        (Lang::Nb, "Norsk (bokmål)"),
        (Lang::Nn, "Norsk (nynorsk)"),
        (Lang::Da, "Dansk"),
        (Lang::En, "English"),
    ] {
        let mut h = kiosk(egui::vec2(1280.0, 800.0));
        let screens = complete_battery(&mut h, name);
        assert!(screens > 30, "{lang}: only {screens} screens");
        assert!(
            matches!(h.state().kiosk.stage(), Stage::Thanks { .. }),
            "{lang}"
        );
        assert!(
            h.state().kiosk.session().is_none(),
            "{lang}: answers are cleared on completion"
        );
        assert!(
            h.query_by_label(&Strings::load().unwrap().get(lang, "thanks-title"))
                .is_some()
        );
        wait(&mut h, 9.0);
        assert_eq!(
            h.state().kiosk.stage(),
            Stage::Welcome,
            "{lang}: thanks returns to welcome"
        );
    }
}
