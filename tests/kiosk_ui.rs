//! The kiosk driven like a patient would: by tapping controls found by their accessible
//! labels, through the real app state, with a simulated clock.

mod common;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::sync::Arc;
use svar_forms::answer::Answer;
use svar_forms::form::{Form, ItemIx, ItemKind};
use svar_forms::session::Position;
use svar_forms::text::Lang;
use svar_kiosk::i18n::Strings;
use svar_kiosk::ui::theme::{TextSize, Tokens};
use svar_kiosk::ui::{Config, KioskApp, Stage};

fn config(battery: &str) -> Config {
    let loaded = svar_forms::library::load_paths(&[common::root().join("forms")], None);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    Config {
        battery: Arc::new(loaded.batteries[battery].clone()),
        assets: common::root().join("assets"),
        clinic: svar_kiosk::config::ClinicName::same("Test clinic"),
        demo: true,
        idle_warn: 90.0,
        idle_countdown: 30.0,
        thanks_seconds: 8.0,
        pause_seconds: 30.0 * 60.0,
        default_lang: Lang::Nb,
        staff: svar_kiosk::ui::StaffSettings {
            accounts: vec![svar_kiosk::staff::StaffAccount {
                id: "nurse1".into(),
                name: "Kari".into(),
                pin_hash: svar_kiosk::staff::hash_pin(PIN).expect("hash"),
            }],
            batteries: vec![
                Arc::new(loaded.batteries["no_work_health_baseline"].clone()),
                Arc::new(loaded.batteries["demo"].clone()),
            ],
            timepoints: vec![
                svar_forms::battery::Timepoint::Baseline,
                svar_forms::battery::Timepoint::Month6,
            ],
            arms: vec!["Team".into(), "Usual care".into()],
            study_id_pattern: Some("^NWH-[0-9]{4}$".into()),
            demo_pin: None,
        },
    }
}

/// The test staff member's PIN.
const PIN: &str = "4711";

/// The kiosk app under test and the folders it keeps and seals sessions in.
struct Ui {
    h: Harness<'static, KioskApp>,
    files: common::Kiosk,
}

impl std::ops::Deref for Ui {
    type Target = Harness<'static, KioskApp>;
    fn deref(&self) -> &Self::Target {
        &self.h
    }
}

impl std::ops::DerefMut for Ui {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.h
    }
}

fn kiosk(size: egui::Vec2) -> Ui {
    kiosk_on(size, common::Kiosk::new())
}

/// The kiosk app started on folders that may hold stored sessions already.
fn kiosk_on(size: egui::Vec2, files: common::Kiosk) -> Ui {
    let records = files.records();
    kiosk_with(size, files, records)
}

/// The kiosk app with these records (store, sealing, uploader) on `files`.
fn kiosk_with(size: egui::Vec2, files: common::Kiosk, records: svar_kiosk::ui::Records) -> Ui {
    kiosk_configured(size, files, records, config("demo"))
}

/// The kiosk app with this configuration.
fn kiosk_configured(
    size: egui::Vec2,
    files: common::Kiosk,
    records: svar_kiosk::ui::Records,
    config: Config,
) -> Ui {
    let mut h = Harness::builder()
        .with_size(size)
        .build_eframe(|cc| KioskApp::new(cc, config, Strings::load().expect("locales"), records));
    settle(&mut h);
    Ui { h, files }
}

/// Runs frames until the UI is still (the kiosk schedules repaints for its timers).
fn settle(h: &mut Harness<'static, KioskApp>) {
    // Enough frames (a quarter second each) for a smooth scroll to the next question to end.
    h.run_steps(5);
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
            && node.rect().max.y < view_bottom(h)
            && node.rect().min.y > 90.0;
        if visible {
            node.click()
        } else {
            node.click_accesskit()
        }
    }
    settle(h);
}

/// Where the page's visible part ends: above the more-below cue when the page goes on below
/// the screen, else above the footer.
fn view_bottom(h: &Harness<'static, KioskApp>) -> f32 {
    let cue = format!("{} ↓", tr(h, "more-below"));
    h.query_by_label(&cue)
        .map(|n| n.rect().min.y)
        .unwrap_or(h.ctx.content_rect().max.y - 90.0)
}

fn tap(h: &mut Harness<'static, KioskApp>, label: &str) {
    tap_role(h, label, None);
}

/// The interface message `id` for `count` things, in the current language.
fn tr_count(h: &Harness<'static, KioskApp>, id: &str, count: usize) -> String {
    Strings::load().expect("locales").args(
        h.state().kiosk.lang(),
        id,
        &[("count", svar_kiosk::i18n::Arg::Num(count as f64))],
    )
}

/// Taps the control whose label is the interface message `id` in the current language.
fn tap_message(h: &mut Harness<'static, KioskApp>, id: &str) {
    let label = tr(h, id);
    tap(h, &label);
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
                    svar_forms::answer::Date::parse("1975-05-31").unwrap()
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
        assert!(matches!(answer(h, form_ix, ix), Some(Answer::Strokes(ref s)) if !s.is_empty()));
    }
}

/// Answers every unanswered question on the screen shown, then moves on: by itself after a
/// single tap (waiting out the visible confirmation), otherwise with Next.
/// Answers every remaining screen and finishes through the buttons labelled `finished`
/// (review) and `send` (are you finished?).
fn answer_to_the_end(h: &mut Harness<'static, KioskApp>, finished: &str, send: &str) {
    for _ in 0..300 {
        match position(h) {
            Some(Position::Intro { .. }) => tap(h, "Start"),
            Some(Position::Screen { .. }) => answer_screen(h),
            Some(Position::Review) => tap(h, finished),
            Some(Position::Finish) => tap(h, send),
            _ => break,
        }
    }
}

fn answer_screen(h: &mut Harness<'static, KioskApp>) {
    let (form_ix, items, form) = current(h).expect("a question screen");
    for ix in &items {
        if answer(h, form_ix, *ix).is_none() {
            answer_item(h, &form, form_ix, *ix, items.len() > 1);
        }
    }
    wait(h, 1.0);
    if current(h).map(|c| c.1) == Some(items) {
        tap_message(h, "nav-next");
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
                answer_screen(h);
            }
            Some(Position::Review) => {
                let session = h.state().kiosk.session().expect("a session");
                let left: Vec<String> = session
                    .unanswered()
                    .iter()
                    .map(|u| {
                        format!(
                            "{}.{}",
                            session.form(u.form).id,
                            session.form(u.form).item(u.item).id
                        )
                    })
                    .collect();
                assert!(
                    h.query_by_label(&tr(h, "review-complete")).is_some(),
                    "unanswered at the review: {left:?}"
                );
                // It says, in the words of the buttons, how to hand in or go back.
                let next = tr(h, "review-complete-next");
                assert!(
                    next.contains(&tr(h, "review-finish")) && next.contains(&tr(h, "nav-back")),
                    "{next}"
                );
                assert!(h.query_by_label(&next).is_some());
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

/// Starts the demo in a language and taps through the consent form with a yes and a signature.
fn start_in(h: &mut Harness<'static, KioskApp>, lang_name: &str) {
    tap(h, &tr(h, "welcome-start-demo"));
    tap(h, lang_name);
}

/// Moves to the screen showing the item `id` of form `form_id` by answering what comes before.
fn go_to_item(h: &mut Harness<'static, KioskApp>, form_id: &str, id: &str) -> (usize, ItemIx) {
    for _ in 0..200 {
        if let Some((form_ix, items, form)) = current(h) {
            if form.id.as_str() == form_id
                && let Some(ix) = items.iter().find(|ix| form.item(**ix).id.as_str() == id)
            {
                return (form_ix, *ix);
            }
            answer_screen(h);
        } else {
            tap(h, &tr(h, "intro-start"));
        }
    }
    panic!("never reached {form_id}.{id}");
}

#[test]
fn conditions_show_and_hide_questions_live_and_hidden_answers_are_dropped() {
    let mut h = kiosk(egui::vec2(1280.0, 800.0));
    start_in(&mut h, "English");
    let (form_ix, employed) = go_to_item(&mut h, "about_you", "employed");
    let form = Arc::clone(&h.state().kiosk.session().unwrap().battery().forms[form_ix].form);
    let hours = form.item_ix("weekly_hours").unwrap();
    let shows_hours = |h: &Harness<'static, KioskApp>| {
        h.state()
            .kiosk
            .session()
            .unwrap()
            .screens(form_ix)
            .iter()
            .any(|s| s.items.contains(&hours))
    };
    assert!(!shows_hours(&h), "hidden before employed is answered");
    tap(&mut h, "Yes");
    wait(&mut h, 1.0);
    assert!(shows_hours(&h), "shown once employed is yes");
    assert_eq!(
        current(&h).unwrap().1,
        vec![hours],
        "moved on by itself to the hours"
    );
    tap(&mut h, "4");
    tap(&mut h, "0");
    assert_eq!(answer(&h, form_ix, hours), Some(Answer::Number(40.0)));
    tap_message(&mut h, "nav-back");
    assert_eq!(current(&h).unwrap().1, vec![employed]);
    tap(&mut h, "No");
    assert!(!shows_hours(&h), "hidden again");
    assert_eq!(
        answer(&h, form_ix, hours),
        None,
        "the hidden answer is not kept"
    );
}

#[test]
fn back_keeps_answers_and_the_header_switches_language_without_losing_them() {
    let mut h = kiosk(egui::vec2(1280.0, 800.0));
    start_in(&mut h, "Norsk (bokmål)");
    let (form_ix, now) = go_to_item(&mut h, "nrs_pain", "now");
    tap(&mut h, "6");
    wait(&mut h, 1.0);
    assert_ne!(
        current(&h).unwrap().1,
        vec![now],
        "moved on after the visible confirmation"
    );
    tap(&mut h, "Tilbake");
    assert_eq!(current(&h).unwrap().1, vec![now]);
    assert_eq!(answer(&h, form_ix, now), Some(Answer::Number(6.0)));
    tap(&mut h, "Språk: Norsk (bokmål)");
    tap(&mut h, "Dansk");
    assert_eq!(h.state().kiosk.lang(), Lang::Da);
    assert!(
        h.query_by_label("Tilbage").is_some(),
        "the screen is now in Danish"
    );
    assert_eq!(
        answer(&h, form_ix, now),
        Some(Answer::Number(6.0)),
        "answers survive the switch"
    );
}

#[test]
fn the_required_message_scrolls_into_view_on_a_long_screen() {
    // In Danish at 1280×800 the signature pad fills the screen, so the message would fall
    // below the footer.
    let mut h = kiosk(egui::vec2(1280.0, 800.0));
    start_in(&mut h, "Dansk");
    go_to_item(&mut h, "consent", "signature");
    tap(&mut h, "Næste");
    assert!(
        h.query_by_label("Ét spørgsmål her er ikke besvaret.")
            .is_some()
    );
    h.state_mut().kiosk.advance_clock(1.0);
    settle(&mut h);
    tap(&mut h, "Besvar det");
    // egui animates the scroll over a few frames.
    h.run_steps(10);
    let message = h.get_by_label(&tr(&h, "answer-required")).rect();
    let footer_top = 800.0 - Tokens::new(TextSize::Normal, false).bar;
    assert!(
        message.max.y <= footer_top && message.min.y >= 0.0,
        "the message at {message:?} is hidden behind the footer (top {footer_top})"
    );
}

#[test]
fn six_rapid_nexts_never_skip_a_required_question() {
    for (name, one_left) in [
        ("English", "One question here is not answered."),
        ("Norsk (bokmål)", "Ett spørsmål her er ikke besvart."),
        ("Dansk", "Ét spørgsmål her er ikke besvaret."),
    ] {
        let mut h = kiosk(egui::vec2(1280.0, 800.0));
        start_in(&mut h, name);
        let (_, q1) = go_to_item(&mut h, "phq9", "q1");
        // Next asks first; quick taps on Next do not tap through; the prompt's buttons wait
        // until it can have been read, and a required question offers no going on without it.
        tap_message(&mut h, "nav-next");
        assert!(h.query_by_label(one_left).is_some(), "{name}");
        assert!(h.query_by_label(&tr(&h, "unanswered-go-on")).is_none());
        for _ in 0..6 {
            h.state_mut().kiosk.apply(svar_kiosk::ui::Intent::Next, 0.0);
        }
        h.step();
        assert_eq!(
            current(&h).unwrap().1,
            vec![q1],
            "{name}: six quick taps stay put"
        );
        assert!(h.query_by_label(one_left).is_some());
        h.state_mut().kiosk.advance_clock(1.0);
        settle(&mut h);
        let answer_it = tr_count(&h, "unanswered-answer", 1);
        tap(&mut h, &answer_it);
        assert!(h.query_by_label(&tr(&h, "answer-required")).is_some());
        tap_message(&mut h, "nav-next");
        tap_message(&mut h, "nav-next");
        assert_eq!(
            current(&h).unwrap().1,
            vec![q1],
            "{name}: a required question is never skipped"
        );
    }
}

#[test]
fn optional_questions_left_are_asked_about_once_and_listed_on_the_review() {
    let mut h = kiosk(egui::vec2(1280.0, 800.0));
    start_in(&mut h, "Dansk");
    let (form_ix, first) = go_to_item(&mut h, "hscl25", "q1");
    let (_, items, form) = current(&h).expect("the HSCL-25 grid");
    assert_eq!(items.len(), 25, "one grid of 25 rows");
    for ix in &items[..3] {
        answer_item(&mut h, &form, form_ix, *ix, true);
    }
    assert!(
        h.query_by_label("Spørgsmål 4 af 25").is_some(),
        "the header follows the answers"
    );
    tap(&mut h, "Næste");
    assert!(
        h.query_by_label("22 spørgsmål her er ikke besvaret.")
            .is_some()
    );
    assert_eq!(
        current(&h).unwrap().1[0],
        first,
        "the prompt does not move on"
    );
    h.state_mut().kiosk.advance_clock(1.0);
    settle(&mut h);
    tap(&mut h, "Gå videre uden");
    assert_ne!(current(&h).map(|c| c.1[0]), Some(first));
    for _ in 0..100 {
        match position(&h) {
            Some(Position::Review) | None => break,
            Some(Position::Intro { .. }) => tap_message(&mut h, "intro-start"),
            _ => answer_screen(&mut h),
        }
    }
    assert_eq!(position(&h), Some(Position::Review));
    assert!(
        h.query_by_label("22 spørgsmål mangler stadig et svar.")
            .is_some()
    );
    let q4 = form.item(items[3]).text.get(Lang::Da);
    let go_to = format!("Gå til: {q4} (bruges til en score)");
    assert!(
        h.query_by_label(&go_to).is_some(),
        "a question a score reads is marked"
    );
    // The last of them, far down the grid: the jump lands on it, in view.
    let last = form.item(items[24]).text.get(Lang::Da);
    tap(&mut h, &format!("Gå til: {last} (bruges til en score)"));
    let option = match &form.item(items[24]).kind {
        ItemKind::SingleChoice { options, .. } => options[0].label.get(Lang::Da).to_owned(),
        _ => unreachable!("a grid row"),
    };
    let rect = h.get_by_label(&format!("{last} – {option}")).rect();
    assert!(rect.min.y > 90.0 && rect.max.y < 710.0, "in view: {rect:?}");
    tap(&mut h, &format!("{last} – {option}"));
    tap(&mut h, "Næste");
    h.state_mut().kiosk.advance_clock(1.0);
    settle(&mut h);
    tap(&mut h, "Gå videre uden");
    assert_eq!(position(&h), Some(Position::Review), "back to the review");
    tap(&mut h, "Jeg er færdig");
    assert_eq!(
        position(&h),
        Some(Position::Finish),
        "optional questions do not block"
    );
}

#[test]
fn the_idle_time_out_warns_then_clears_the_session() {
    let mut h = kiosk(egui::vec2(1280.0, 800.0));
    start_in(&mut h, "Dansk");
    let (form_ix, now) = go_to_item(&mut h, "nrs_pain", "now");
    tap(&mut h, "3");
    assert_eq!(answer(&h, form_ix, now), Some(Answer::Number(3.0)));
    wait(&mut h, 85.0);
    assert!(
        h.query_by_label(&tr(&h, "idle-title")).is_none(),
        "no warning before 90 s"
    );
    wait(&mut h, 6.0);
    assert!(
        h.query_by_label(&tr(&h, "idle-title")).is_some(),
        "warning after 90 s"
    );
    // "Yes, I am still here" keeps the session.
    tap_message(&mut h, "idle-continue");
    assert!(h.query_by_label(&tr(&h, "idle-title")).is_none());
    assert!(h.state().kiosk.session().is_some());
    wait(&mut h, 91.0);
    assert!(h.query_by_label(&tr(&h, "idle-title")).is_some());
    wait(&mut h, 30.0);
    assert_eq!(h.state().kiosk.stage(), Stage::Welcome);
    assert!(
        h.state().kiosk.session().is_none(),
        "answers are gone from memory"
    );
    assert_eq!(
        h.state().kiosk.lang(),
        Lang::Nb,
        "the next patient starts in the default language"
    );
    assert!(
        h.query_by_label("3").is_none(),
        "nothing of the last patient is on screen"
    );
    // What was answered before the time-out is sealed, marked as a time-out.
    let bundles = h.files.bundles();
    assert_eq!(bundles.len(), 1);
    let bundle = h.files.open(&bundles[0]);
    assert_eq!(bundle.status, svar_bundle::Status::Timeout);
    assert_eq!(bundle.language, Lang::Da);
    let pain = bundle.forms.iter().find(|f| f.id == "nrs_pain").unwrap();
    assert_eq!(pain.answers["now"], serde_json::json!(3));
}

#[test]
fn a_number_outside_the_range_shows_only_the_range_message_until_it_is_valid() {
    for (lang, name, hint, problem, yes, delete, comma) in [
        (
            Lang::En,
            "English",
            "Enter a number from 0 to 80.",
            "The number must be from 0 to 80.",
            "Yes",
            "Delete",
            "Decimal comma",
        ),
        (
            Lang::Nb,
            "Norsk (bokmål)",
            "Skriv inn et tall fra 0 til 80.",
            "Tallet må være fra 0 til 80.",
            "Ja",
            "Slett",
            "Desimalkomma",
        ),
        (
            Lang::Da,
            "Dansk",
            "Skriv et tal fra 0 til 80.",
            "Tallet skal være fra 0 til 80.",
            "Ja",
            "Slet",
            "Decimalkomma",
        ),
    ] {
        let mut h = kiosk(egui::vec2(1280.0, 800.0));
        start_in(&mut h, name);
        let (form_ix, _) = go_to_item(&mut h, "about_you", "employed");
        tap(&mut h, yes);
        wait(&mut h, 1.0);
        let hours = current(&h).unwrap().1[0];
        assert!(
            h.query_by_label(hint).is_some(),
            "{lang:?}: the range is said before"
        );
        for key in ["9", "9"] {
            tap(&mut h, key);
        }
        assert_eq!(answer(&h, form_ix, hours), None, "99 hours is not accepted");
        assert!(h.query_by_label(problem).is_some(), "{lang:?}");
        assert!(
            h.query_by_label(hint).is_none(),
            "{lang:?}: one message at a time"
        );
        // Next stays and says nothing over the problem the keypad already explains.
        tap_message(&mut h, "nav-next");
        let answer_it = tr_count(&h, "unanswered-answer", 1);
        assert!(
            h.query_by_label(&answer_it).is_none(),
            "{lang:?}: no prompt over the range message"
        );
        assert_eq!(current(&h).unwrap().1, vec![hours], "{lang:?}: stays");
        assert!(
            h.query_by_label(&tr(&h, "answer-required")).is_none(),
            "{lang:?}"
        );
        assert!(h.query_by_label(problem).is_some(), "{lang:?}");
        tap(&mut h, delete);
        assert_eq!(answer(&h, form_ix, hours), Some(Answer::Number(9.0)));
        assert!(
            h.query_by_label(problem).is_none(),
            "{lang:?}: gone once valid"
        );
        tap(&mut h, comma);
        tap(&mut h, "5");
        assert_eq!(answer(&h, form_ix, hours), Some(Answer::Number(9.5)));
    }
}

#[test]
fn the_date_picker_offers_only_days_that_exist() {
    for (name, day, month, november, february) in [
        ("Dansk", "Dag", "Måned", "november", "februar"),
        ("Norsk (bokmål)", "Dag", "Måned", "november", "februar"),
    ] {
        let mut h = kiosk(egui::vec2(1280.0, 800.0));
        start_in(&mut h, name);
        let (form_ix, birth) = go_to_item(&mut h, "about_you", "birth_date");
        tap(&mut h, "2020–");
        tap(&mut h, "2023");
        tap(&mut h, november);
        assert!(h.query_by_label(&format!("{day} 30")).is_some());
        assert!(
            h.query_by_label(&format!("{day} 31")).is_none(),
            "no 31 November"
        );
        tap(&mut h, &format!("{day} 30"));
        assert!(answer(&h, form_ix, birth).is_some());
        tap(&mut h, &format!("{month}: {november}"));
        tap(&mut h, february);
        assert!(h.query_by_label(&format!("{day} 28")).is_some());
        assert!(
            h.query_by_label(&format!("{day} 29")).is_none(),
            "no 29 February 2023"
        );
        assert!(answer(&h, form_ix, birth).is_none());
        assert!(
            h.query_by_label(&format!("{day}: 30")).is_none(),
            "the 30th was dropped with the change of month"
        );
        assert!(h.query_by_label(&format!("{day}: –")).is_some());
    }
}

#[test]
fn a_drawn_signature_and_next_count_as_signed() {
    for name in ["Dansk", "Norsk (bokmål)"] {
        let mut h = kiosk(egui::vec2(1280.0, 800.0));
        start_in(&mut h, name);
        let (form_ix, consent) = go_to_item(&mut h, "consent", "consent");
        tap_message(&mut h, "answer-yes");
        wait(&mut h, 1.0);
        if current(&h).unwrap().1[0] == consent {
            tap_message(&mut h, "nav-next");
        }
        let signature = current(&h).unwrap().1[0];
        assert_ne!(signature, consent);
        // Confirm with nothing drawn explains; the message goes the moment drawing starts.
        tap_message(&mut h, "signature-confirm");
        let empty = tr(&h, "signature-empty");
        assert!(h.query_by_label(&empty).is_some());
        sign(&mut h);
        assert!(
            h.query_by_label(&empty).is_none(),
            "{name}: cleared once drawn"
        );
        let before = position(&h);
        tap_message(&mut h, "nav-next");
        assert_ne!(position(&h), before, "{name}: drawn and Next is signed");
        assert!(matches!(
            answer(&h, form_ix, signature),
            Some(Answer::Strokes(_))
        ));
        // Back on the pad, a cleared signature is unanswered again and required: no number
        // of Nexts gets past it.
        tap_message(&mut h, "nav-back");
        tap_message(&mut h, "signature-clear");
        for _ in 0..6 {
            tap_message(&mut h, "nav-next");
        }
        assert_eq!(
            position(&h),
            before,
            "{name}: a required signature is never skipped"
        );
    }
}

/// Asks the window to close, as the window manager's close button does, and returns the
/// commands the kiosk sent the window in answer.
fn request_close(h: &mut Harness<'static, KioskApp>) -> Vec<egui::ViewportCommand> {
    h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    h.step();
    h.output().viewport_output[&egui::ViewportId::ROOT]
        .commands
        .clone()
}

#[test]
fn closing_the_window_is_refused() {
    let mut h = kiosk(egui::vec2(1280.0, 800.0));
    let commands = &request_close(&mut h);
    assert!(
        commands.contains(&egui::ViewportCommand::CancelClose),
        "{commands:?}"
    );
}

/// True when `style` carries the kiosk's look for `t` rather than egui's default one.
fn has_kiosk_look(style: &egui::Style, t: &Tokens) -> bool {
    style.text_styles.get(&egui::TextStyle::Body) == Some(&t.font(t.body))
        && style.spacing.item_spacing == egui::Vec2::splat(t.gap)
        && !style.interaction.selectable_labels
        && style.visuals.panel_fill == t.palette.background
}

#[test]
fn the_kiosk_look_is_set_before_the_first_frame_whatever_the_system_theme() {
    let normal = Tokens::new(TextSize::Normal, false);
    for theme in [egui::Theme::Dark, egui::Theme::Light] {
        let files = common::Kiosk::new();
        let records = files.records();
        let mut at_creation = None;
        let mut h = Harness::builder()
            .with_size(egui::vec2(1280.0, 800.0))
            .with_theme(theme)
            .build_eframe(|cc| {
                let app = KioskApp::new(
                    cc,
                    config("demo"),
                    Strings::load().expect("locales"),
                    records,
                );
                at_creation = Some(cc.egui_ctx.global_style());
                app
            });
        let at_creation = at_creation.expect("the app was created");
        assert!(
            has_kiosk_look(&at_creation, &normal),
            "egui's default look when the app was created: body text {:?}, selectable labels {}",
            at_creation.text_styles.get(&egui::TextStyle::Body),
            at_creation.interaction.selectable_labels
        );
        // The harness, like a window, tells egui the system's theme only after the app exists.
        settle(&mut h);
        assert!(
            has_kiosk_look(&h.ctx.global_style(), &normal),
            "egui's default look under the {theme:?} system theme"
        );
    }
}

#[test]
fn the_kiosk_fits_a_1080p_screen_and_large_text_and_high_contrast_keep_working() {
    let mut h = kiosk(egui::vec2(1920.0, 1080.0));
    start_in(&mut h, "English");
    tap(&mut h, "Text size: Normal text");
    tap(&mut h, "High contrast off");
    assert!(h.query_by_label("Text size: Large text").is_some());
    assert!(h.query_by_label("High contrast on").is_some());
    let (form_ix, now) = go_to_item(&mut h, "nrs_pain", "now");
    // Every control of the screen lies whole inside the 1080p window, with large text.
    let screen = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1920.0, 1080.0));
    for label in [
        "0",
        "10",
        "Next",
        "Back",
        "Text size: Large text",
        "High contrast on",
    ] {
        let rect = h.get_by_label(label).rect();
        assert!(
            screen.contains_rect(rect),
            "`{label}` at {rect:?} is outside the 1920×1080 window"
        );
    }
    tap(&mut h, "10");
    assert_eq!(answer(&h, form_ix, now), Some(Answer::Number(10.0)));
}

/// A finger's tap at one spot: down, a frame, up.
fn press_at(h: &mut Harness<'static, KioskApp>, at: egui::Pos2) {
    h.drag_at(at);
    h.step();
    h.drop_at(at);
    settle(h);
}

/// Goes (in English) to the NMQ body map and finds the region `id` on it: the map's form and
/// item, the region, where the map is on screen and how many points an image pixel takes.
fn body_map_region(
    h: &mut Harness<'static, KioskApp>,
    id: &str,
) -> (usize, ItemIx, svar_forms::form::Region, egui::Rect, f32) {
    start_in(h, "English");
    let (form_ix, map) = go_to_item(h, "nmq", "trouble_12m");
    let form = current(h).expect("the body map's screen").2;
    let ItemKind::BodyMap { width, regions, .. } = &form.item(map).kind else {
        unreachable!("trouble_12m is a body map");
    };
    let region = regions
        .iter()
        .find(|r| r.id.as_str() == id)
        .expect("the region")
        .clone();
    let question = form.item(map).text.get(Lang::En).to_owned();
    let rect = h.get_by_role_and_label(Role::Canvas, &question).rect();
    (form_ix, map, region, rect, rect.width() / *width as f32)
}

#[test]
fn tapping_the_body_map_image_chooses_the_region_under_the_finger() {
    let mut h = kiosk(egui::vec2(1920.0, 1080.0));
    let (form_ix, map, low_back, rect, scale) = body_map_region(&mut h, "low_back");
    let poly = &low_back.polygons[0];
    let (cx, cy) = poly.iter().fold((0.0, 0.0), |(x, y), p| {
        (x + p[0] / poly.len() as f64, y + p[1] / poly.len() as f64)
    });
    let at = rect.min + egui::vec2(cx as f32 * scale, cy as f32 * scale);
    press_at(&mut h, at);
    assert_eq!(
        answer(&h, form_ix, map),
        Some(Answer::Regions(vec!["low_back".into()]))
    );
    // The same region is now also shown as chosen in words.
    let chosen = format!("You have chosen: {}", low_back.label.get(Lang::En));
    assert!(h.query_by_label(&chosen).is_some(), "{chosen}");
}

/// Taps "Åpne" on the PIN pad and waits (in real time) for the PIN check, which runs off
/// the UI thread while the screen keeps drawing.
fn submit_pin(h: &mut Harness<'static, KioskApp>) {
    tap_message(h, "staff-pin-enter");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while h.state().kiosk.pin_checking() {
        assert!(
            std::time::Instant::now() < deadline,
            "the PIN check never ended"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.step();
    }
    settle(h);
}

/// Score lines with a band ("PHQ-9: 7 – mild") on screen; the demo ribbon's dash is not one.
fn banded(h: &Harness<'static, KioskApp>) -> usize {
    h.query_all_by_label_contains(" – ")
        .filter(|n| {
            !n.accesskit_node()
                .value()
                .or(n.accesskit_node().label())
                .is_some_and(|v| v.starts_with("DEMO"))
        })
        .count()
}

/// Signs staff in with the right PIN from the welcome screen.
fn sign_in(h: &mut Harness<'static, KioskApp>) {
    tap(h, "Ansatte");
    type_digits(h, PIN);
    submit_pin(h);
    assert_eq!(
        h.state().kiosk.stage(),
        Stage::Staff(svar_kiosk::ui::staff::Page::Menu)
    );
}

/// Types digits on the keypad of the screen shown.
fn type_digits(h: &mut Harness<'static, KioskApp>, digits: &str) {
    for d in digits.chars() {
        tap(h, &d.to_string());
    }
}

#[test]
fn staff_start_a_session_hand_it_over_and_see_the_scores_behind_the_pin() {
    let mut h = kiosk(egui::vec2(1280.0, 800.0));
    tap(&mut h, "Ansatte");
    // A wrong PIN is counted; the right one opens staff mode.
    type_digits(&mut h, "0000");
    submit_pin(&mut h);
    assert!(
        h.query_by_label("Feil PIN. 4 forsøk til før tastaturet låses i fem minutter.")
            .is_some()
    );
    type_digits(&mut h, PIN);
    submit_pin(&mut h);
    assert_eq!(
        h.state().kiosk.stage(),
        Stage::Staff(svar_kiosk::ui::staff::Page::Menu)
    );
    tap(&mut h, "Start en økt for en pasient");
    // A mistyped fødselsnummer is refused with the reason; the right one is accepted.
    type_digits(&mut h, "15057510062");
    tap(&mut h, "Skjemasett"); // a label, not a control: nothing happens
    // A baseline-only battery is offered its one time point, never "6 months".
    assert!(h.query_by_label("6 måneder").is_none());
    tap(&mut h, "Oppstart");
    tap(&mut h, "Gi skjermen til pasienten");
    assert!(
        matches!(h.state().kiosk.stage(), Stage::Staff(_)),
        "a wrong number does not start a session"
    );
    assert!(
        h.query_by_label(
            "Denne ID-en er ikke gyldig: kontrollsifrene stemmer ikke: trolig er et siffer tastet feil."
        )
        .is_some(),
        "the reason is given in the kiosk's language"
    );
    tap(&mut h, "Tøm");
    type_digits(&mut h, "15057510061");
    tap(&mut h, "Usual care");
    tap(&mut h, "Gitt");
    tap(&mut h, "Gi skjermen til pasienten");
    assert_eq!(
        h.state().kiosk.stage(),
        Stage::Language,
        "handed over to the patient"
    );
    assert_eq!(
        h.state().kiosk.session().unwrap().battery().id.as_str(),
        "no_work_health_baseline"
    );
    // The patient answers everything and finishes.
    tap(&mut h, "English");
    answer_to_the_end(&mut h, "I am finished", "Yes, send my answers");
    assert!(matches!(h.state().kiosk.stage(), Stage::Thanks { .. }));
    assert!(
        h.query_by_label_contains("HSCL").is_none(),
        "no score is ever shown to the patient"
    );
    // The session is sealed into one bundle for the patient staff entered.
    let bundles = h.files.bundles();
    assert_eq!(bundles.len(), 1);
    let bundle = h.files.open(&bundles[0]);
    assert_eq!(bundle.status, svar_bundle::Status::Complete);
    assert_eq!(bundle.patient.id, "15057510061");
    assert_eq!(bundle.patient.id_type, svar_bundle::IdType::Fodselsnummer);
    assert_eq!(
        bundle.timepoint,
        Some(svar_forms::battery::Timepoint::Baseline)
    );
    assert_eq!(bundle.arm.as_deref(), Some("Usual care"));
    assert_eq!(bundle.consent, Some(true));
    assert_eq!(bundle.language, Lang::En);
    assert_eq!(
        bundle.battery.as_ref().map(|b| b.id.as_str()),
        Some("no_work_health_baseline")
    );
    assert!(h.state().kiosk.store().unsealed().unwrap().is_empty());
    let audit = h.state().kiosk.store().audit_log().unwrap();
    let signed_in = audit
        .iter()
        .find(|r| r.event.as_str() == "staff_signed_in")
        .unwrap();
    assert_eq!(signed_in.staff.as_deref(), Some("nurse1"));
    let started = audit
        .iter()
        .find(|r| r.event.as_str() == "session_started")
        .unwrap();
    assert_eq!(started.staff.as_deref(), Some("nurse1"));
    assert_eq!(
        h.state().kiosk.store().verify_audit().unwrap(),
        Ok(audit.len() as i64)
    );
    wait(&mut h, 9.0);
    // Behind the PIN, staff see the scores with bands.
    tap(&mut h, "Ansatte");
    type_digits(&mut h, PIN);
    submit_pin(&mut h);
    tap(&mut h, "Resultat fra siste økt");
    // The result names the patient as staff entered them, the battery, time point and end.
    assert!(h.query_by_label("Pasientens ID: 15057510061").is_some());
    assert!(h.query_by_label("Tidspunkt: Oppstart").is_some());
    assert!(
        h.query_all_by_label_contains("Avsluttet: ")
            .any(|n| name_of(&n).ends_with("(fullført)"))
    );
    let bands = banded(&h);
    assert!(
        bands >= 5,
        "score lines with their bands are listed ({bands})"
    );
    // Each form says how complete it is; its scores are set in under it.
    let title_x = h
        .get_by_label_contains("(HSCL-25) (25 av 25 besvart)")
        .rect()
        .min
        .x;
    let score_x = h
        .query_all_by_label_contains("gjennomsnitt (1–4): 2,00")
        .next()
        .expect("an HSCL-25 mean")
        .rect()
        .min
        .x;
    assert!(score_x > title_x + 10.0, "indented: {score_x} vs {title_x}");
    // Means show two decimals in the kiosk's number format, even when whole.
    assert_eq!(
        h.query_all_by_label_contains("gjennomsnitt (1–4): 2,00")
            .count(),
        3,
        "the HSCL-25 total, anxiety and depression means"
    );
    tap(&mut h, "Tilbake");
    // Today's list tells patients apart by the id's last five digits, never the whole id.
    tap_message(&mut h, "staff-today");
    assert!(h.query_by_label_contains("…10061").is_some());
    assert!(
        h.query_by_label_contains("startet ").is_some(),
        "the time is said to be the start"
    );
    assert!(h.query_by_label_contains("15057510061").is_none());
    tap(&mut h, "Tilbake");
    tap(&mut h, "Tilbake til velkomstskjermen");
    assert_eq!(h.state().kiosk.stage(), Stage::Welcome);
    // Signing out was a patient boundary: the result is not shown again.
    sign_in(&mut h);
    tap(&mut h, "Resultat fra siste økt");
    assert!(h.query_by_label(&tr(&h, "staff-summary-none")).is_some());
    assert_eq!(banded(&h), 0);
    // The next patient's session times out: it is the last result now, never the one before.
    tap(&mut h, "Tilbake");
    tap(&mut h, "Start en økt for en pasient");
    type_digits(&mut h, "15057510061");
    tap(&mut h, "Gi skjermen til pasienten");
    assert_eq!(h.state().kiosk.stage(), Stage::Language);
    wait(&mut h, 121.0);
    assert_eq!(h.state().kiosk.stage(), Stage::Paused);
    wait(&mut h, 30.0 * 60.0);
    assert_eq!(h.state().kiosk.stage(), Stage::Welcome);
    sign_in(&mut h);
    tap(&mut h, "Resultat fra siste økt");
    let ended = |h: &Harness<'static, KioskApp>, id: &str| {
        let state = format!("({})", tr(h, id));
        h.query_all_by_label_contains(&state).count()
    };
    assert_eq!(ended(&h, "session-state-timeout"), 1);
    assert_eq!(ended(&h, "session-state-complete"), 0);
    // The patient before answered everything; this one answered nothing, so scores that need
    // answers have no value (only a count of barriers, 0, has a band).
    assert!(
        h.query_all_by_label_contains(&tr(&h, "staff-no-value"))
            .count()
            > 0
    );
    assert!(banded(&h) < bands, "not the bands of the patient before");
}

/// What the new-session page's patient id field shows.
fn id_field(h: &Harness<'static, KioskApp>) -> String {
    h.get_by_label("Pasientens ID")
        .accesskit_node()
        .value()
        .unwrap_or_default()
}

#[test]
fn a_study_id_with_digits_is_typed_on_the_screen_keyboard() {
    let mut h = kiosk(egui::vec2(1280.0, 800.0));
    sign_in(&mut h);
    tap(&mut h, "Start en økt for en pasient");
    tap(&mut h, "Studie-ID");
    for letter in ["N", "W", "H"] {
        tap(&mut h, "Skift");
        tap(&mut h, letter);
    }
    tap(&mut h, "-");
    type_digits(&mut h, "0042");
    assert_eq!(id_field(&h), "NWH-0042");
}

#[test]
fn what_one_nurse_typed_is_gone_for_the_next_after_an_idle_time_out() {
    let mut h = kiosk(egui::vec2(1280.0, 800.0));
    sign_in(&mut h);
    tap(&mut h, "Start en økt for en pasient");
    type_digits(&mut h, "150575");
    tap(&mut h, "Usual care");
    tap(&mut h, "Gitt");
    assert_eq!(id_field(&h), "150575");
    // The nurse walks away; the idle time-out returns to the welcome screen.
    wait(&mut h, 121.0);
    assert_eq!(h.state().kiosk.stage(), Stage::Welcome);
    sign_in(&mut h);
    tap(&mut h, "Start en økt for en pasient");
    assert_eq!(id_field(&h), "", "the typed digits are gone");
    // Arm and consent start unrecorded: a session handed over now records neither.
    type_digits(&mut h, "15057510061");
    tap(&mut h, "Gi skjermen til pasienten");
    assert_eq!(h.state().kiosk.stage(), Stage::Language);
    wait(&mut h, 121.0);
    wait(&mut h, 30.0 * 60.0);
    let bundles = h.files.bundles();
    assert_eq!(bundles.len(), 1);
    let bundle = h.files.open(&bundles[0]);
    assert_eq!(bundle.arm, None);
    assert_eq!(bundle.consent, None);
    assert_eq!(
        bundle.timepoint,
        Some(svar_forms::battery::Timepoint::Baseline)
    );
}

#[test]
fn staff_leave_kiosk_mode_and_the_window_closes() {
    let mut h = kiosk(egui::vec2(1280.0, 800.0));
    tap(&mut h, "Ansatte");
    type_digits(&mut h, PIN);
    submit_pin(&mut h);
    h.get_by_label("Avslutt kioskmodus").click();
    h.step();
    let commands = &h.output().viewport_output[&egui::ViewportId::ROOT].commands;
    assert!(
        commands.contains(&egui::ViewportCommand::Close),
        "{commands:?}"
    );
    // The close that follows is let through, not cancelled.
    let commands = &request_close(&mut h);
    assert!(!commands.contains(&egui::ViewportCommand::CancelClose));
    let events = common::audit_events(h.state().kiosk.store());
    assert!(events.contains(&"kiosk_left".to_owned()), "{events:?}");
}

#[test]
fn five_wrong_pins_lock_the_pad_also_across_a_restart() {
    let mut h = kiosk(egui::vec2(1280.0, 800.0));
    tap(&mut h, "Ansatte");
    for _ in 0..5 {
        type_digits(&mut h, "9999");
        submit_pin(&mut h);
    }
    assert!(
        h.query_by_label("For mange feil PIN. Prøv igjen om 300 sekunder.")
            .is_some()
    );
    type_digits(&mut h, PIN);
    submit_pin(&mut h);
    assert!(
        matches!(h.state().kiosk.stage(), Stage::Pin),
        "locked even for the right PIN"
    );
    let events = common::audit_events(h.state().kiosk.store());
    assert_eq!(
        events.iter().filter(|e| *e == "pin_locked").count(),
        1,
        "the lock is audited once: {events:?}"
    );
    assert!(!events.contains(&"staff_signed_in".to_owned()));
    // The lock is kept in the store: a restart does not lift it.
    let Ui { h, files } = h;
    drop(h);
    let mut h = kiosk_on(egui::vec2(1280.0, 800.0), files);
    tap(&mut h, "Ansatte");
    // Locked on arrival: the countdown shows before any PIN is tried, and the keys and Open
    // take no taps.
    assert!(
        h.query_by_label_contains("Prøv igjen om").is_some(),
        "still locked after a restart"
    );
    for label in ["4", "Åpne"] {
        assert!(
            h.get_by_label(label).accesskit_node().is_disabled(),
            "`{label}` is disabled while locked"
        );
    }
    type_digits(&mut h, PIN);
    submit_pin(&mut h);
    assert!(
        matches!(h.state().kiosk.stage(), Stage::Pin),
        "still locked after a restart"
    );
    // Five minutes on (the idle time-out has shown the welcome screen meanwhile).
    wait(&mut h, 301.0);
    tap(&mut h, "Ansatte");
    type_digits(&mut h, PIN);
    submit_pin(&mut h);
    assert_eq!(
        h.state().kiosk.stage(),
        Stage::Staff(svar_kiosk::ui::staff::Page::Menu),
        "open once the five minutes have passed"
    );
}

#[test]
fn after_a_restart_staff_resume_the_interrupted_session_and_see_it_in_todays_list() {
    // A session interrupted by a crash: three answers in the store, no end.
    let files = common::Kiosk::new();
    let given = {
        let mut store = files.store();
        let battery = files.demo();
        let script = svar_bundle::answers_in_order(&battery, &common::demo_answers()).unwrap();
        let mut visit =
            svar_kiosk::visit::Visit::start(&mut store, battery, Lang::Nb, common::meta(), None)
                .unwrap();
        for (form, item, answer) in script.iter().take(3).cloned() {
            visit.answer(&mut store, form, item, Some(answer));
        }
        script
    };
    let mut h = kiosk_on(egui::vec2(1280.0, 800.0), files);
    assert!(
        h.query_by_label(&tr(&h, "welcome-staff-attention"))
            .is_some(),
        "the welcome screen tells staff, without saying what"
    );
    tap(&mut h, "Ansatte");
    type_digits(&mut h, PIN);
    submit_pin(&mut h);
    tap(&mut h, "1 økt venter");
    assert!(h.query_by_label_contains("avbrutt").is_some());
    tap(&mut h, "Fortsett økten");
    assert_eq!(h.state().kiosk.stage(), Stage::Session);
    for (form, item, answer) in given.iter().take(3) {
        assert_eq!(
            h.state().kiosk.session().unwrap().answers(*form).get(*item),
            Some(answer),
            "answers given before the crash are back"
        );
    }
    answer_to_the_end(&mut h, "Jeg er ferdig", "Ja, send svarene mine");
    assert!(matches!(h.state().kiosk.stage(), Stage::Thanks { .. }));
    let bundles = h.files.bundles();
    assert_eq!(bundles.len(), 1, "one bundle for the resumed session");
    assert_eq!(
        h.files.open(&bundles[0]).status,
        svar_bundle::Status::Complete
    );
    wait(&mut h, 9.0);
    tap(&mut h, "Ansatte");
    type_digits(&mut h, PIN);
    submit_pin(&mut h);
    assert!(h.query_by_label_contains("venter").is_none());
    tap(&mut h, "Dagens økter");
    assert!(
        h.query_by_label_contains("fullført – i utboksen").is_some(),
        "today's list shows status and upload state"
    );
    assert!(
        h.query_by_label_contains(common::PATIENT).is_none(),
        "no patient id in the list"
    );
    let score_lines = h.query_all_by_label_contains(": ").count();
    assert!(score_lines >= 5, "score lines are listed ({score_lines})");
    // The last result is the resumed session's.
    tap(&mut h, "Tilbake");
    tap(&mut h, "Resultat fra siste økt");
    let complete = format!("({})", tr(&h, "session-state-complete"));
    assert!(h.query_by_label_contains(&complete).is_some());
    assert!(h.query_all_by_label_contains(": ").count() >= 5);
}

#[test]
fn the_background_uploader_delivers_the_outbox_and_staff_see_the_counts() {
    let files = common::Kiosk::new();
    {
        let mut store = files.store();
        let mut visit = svar_kiosk::visit::Visit::start(
            &mut store,
            files.demo(),
            Lang::Nb,
            common::meta(),
            None,
        )
        .unwrap();
        let script = svar_bundle::answers_in_order(&files.demo(), &common::demo_answers()).unwrap();
        for (form, item, answer) in script.into_iter().take(5) {
            visit.answer(&mut store, form, item, Some(answer));
        }
        visit
            .end(
                &mut store,
                svar_bundle::Status::Abandoned,
                &files.sealer,
                None,
            )
            .unwrap()
            .unwrap();
    }
    assert_eq!(files.bundles().len(), 1);
    let share = files.dir.path().join("share");
    std::fs::create_dir_all(&share).unwrap();
    let uploader = svar_upload::Uploader::from_config(
        &[svar_kiosk::config::UploadTarget::Folder {
            path: share.clone(),
        }],
        svar_upload::Timeouts::default(),
        Some("kiosk_1".into()),
    )
    .unwrap();
    let mut records = files.records();
    records.upload = Some(svar_upload::spawn(
        files.sealer.outbox.clone(),
        uploader,
        std::time::Duration::from_millis(50),
        Some(Box::new(svar_kiosk::setup::StoreJournal(files.store()))),
    ));
    let mut h = kiosk_with(egui::vec2(1280.0, 800.0), files, records);
    // The uploader runs on its own thread: wait (in real time) for its first pass.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while h
        .state()
        .kiosk
        .upload_status()
        .is_none_or(|s| s.delivered_total == 0)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "nothing was delivered"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(
        h.files.bundles().is_empty(),
        "delivered bundles leave the outbox"
    );
    assert_eq!(std::fs::read_dir(&share).unwrap().count(), 1);
    let events = common::audit_events(h.state().kiosk.store());
    assert!(events.contains(&"bundle_uploaded".to_owned()), "{events:?}");
    tap(&mut h, "Ansatte");
    type_digits(&mut h, PIN);
    submit_pin(&mut h);
    assert!(
        h.query_by_label("Opplasting: 0 venter, 1 levert, 0 i karantene.")
            .is_some()
    );
    // The last delivery happened a moment ago: staff see today's local time, not a date.
    // (A text label keeps its words in the accesskit value.)
    let last = h
        .query_by_label_contains("Sist levert: ")
        .expect("the last delivery time is shown")
        .accesskit_node()
        .value()
        .unwrap_or_default();
    let clock = last
        .trim_start_matches("Sist levert: ")
        .trim_end_matches('.');
    assert!(
        clock.len() == 5 && clock.as_bytes()[2] == b':',
        "a time of day: {last}"
    );
}

#[test]
fn a_decline_is_sealed_as_declined_exported_with_its_code_and_shown_to_staff() {
    for (name, decline) in [
        ("Norsk (bokmål)", "Jeg vil ikke svare på dette"),
        ("Dansk", "Jeg vil ikke svare på det"),
    ] {
        let mut h = kiosk(egui::vec2(1280.0, 800.0));
        start_in(&mut h, name);
        let (form_ix, q9) = go_to_item(&mut h, "phq9", "q9");
        let question = {
            let s = h.state().kiosk.session().unwrap();
            s.form(form_ix).item(q9).text.get(Lang::Nb).to_owned()
        };
        tap(&mut h, decline);
        let declined = h
            .state()
            .kiosk
            .session()
            .unwrap()
            .answers(form_ix)
            .declined(q9);
        assert!(declined, "{name}: the decline is the patient's response");
        // The visit times out; what was given is sealed.
        wait(&mut h, 91.0);
        wait(&mut h, 31.0);
        let bundles = h.files.bundles();
        assert_eq!(bundles.len(), 1);
        let bundle = h.files.open(&bundles[0]);
        let phq9 = bundle.forms.iter().find(|f| f.id == "phq9").unwrap();
        assert_eq!(phq9.missing["q9"], svar_bundle::ItemState::Declined);
        assert!(
            !phq9.answers.contains_key("q9"),
            "answers stay an answers file"
        );
        // A declined item 9 raises no flag, so staff are told it was declined.
        sign_in(&mut h);
        tap(&mut h, "Resultat fra siste økt");
        assert!(
            h.query_by_label(&format!("Ønsket ikke å svare på: {question}"))
                .is_some(),
            "{name}"
        );
        let out = tempfile::tempdir().unwrap();
        let outbox = bundles[0].parent().unwrap().to_str().unwrap().to_owned();
        let run = common::svar(&[
            "export",
            "--identity",
            "assets/demo-keys/demo-identity.txt",
            "--demo",
            "--format",
            "csv",
            "--out",
            out.path().to_str().unwrap(),
            &outbox,
        ]);
        assert!(run.status.success(), "{}", common::stderr(&run));
        let csv = std::fs::read_to_string(out.path().join("phq9.csv")).unwrap();
        let mut rows = csv.lines().map(|l| l.split(',').collect::<Vec<_>>());
        let header = rows.next().unwrap();
        let row = rows.next().unwrap();
        let q9_column = header.iter().position(|c| *c == "q9").unwrap();
        assert_eq!(row[q9_column], "declined");
    }
}

/// Staff start a session for the test patient and hand the screen over in `lang_name`; the
/// patient answers up to the first screen of the HSCL-25 grid.
fn staff_session_at_the_grid(h: &mut Harness<'static, KioskApp>, lang_name: &str) {
    sign_in(h);
    tap(h, "Start en økt for en pasient");
    type_digits(h, "15057510061");
    tap(h, "Gi skjermen til pasienten");
    tap(h, lang_name);
    go_to_item(h, "hscl25", "q1");
}

#[test]
fn a_paused_staff_session_is_resumed_with_the_pin_and_another_sealed_after_the_pause() {
    let mut h = kiosk(egui::vec2(1280.0, 800.0));
    staff_session_at_the_grid(&mut h, "Dansk");
    let (form, q1) = go_to_item(&mut h, "hscl25", "q1");
    let before = position(&h);
    let question = {
        let s = h.state().kiosk.session().unwrap();
        s.battery().forms[form]
            .form
            .item(q1)
            .text
            .get(Lang::Da)
            .to_owned()
    };
    assert!(h.query_by_label(&question).is_some());
    // The patient walks away: a staff session pauses instead of ending.
    wait(&mut h, 121.0);
    assert_eq!(h.state().kiosk.stage(), Stage::Paused);
    assert!(h.query_by_label("Bed personalet om at fortsætte").is_some());
    assert!(
        h.state().kiosk.session().is_none(),
        "nothing of the patient in memory"
    );
    assert!(
        h.query_by_label(&question).is_none(),
        "nothing of the patient on screen"
    );
    assert!(
        h.query_by_label(&tr(&h, "nav-back")).is_none(),
        "no way off the paused screen"
    );
    assert!(h.files.bundles().is_empty(), "not sealed while it waits");
    // Staff unlock it with their PIN and come straight to the waiting session.
    type_digits(&mut h, PIN);
    submit_pin(&mut h);
    assert_eq!(
        h.state().kiosk.stage(),
        Stage::Staff(svar_kiosk::ui::staff::Page::Waiting)
    );
    tap_message(&mut h, "staff-resume");
    assert_eq!(h.state().kiosk.stage(), Stage::Session);
    assert_eq!(position(&h), before, "back where the patient left off");
    assert_eq!(h.state().kiosk.lang(), Lang::Da);
    assert!(h.query_by_label(&question).is_some());
    // A resumed session no longer runs out: the pause that was resolved seals nothing.
    answer_screen(&mut h);
    wait(&mut h, 60.0);
    assert!(h.files.bundles().is_empty());
    // This time nobody comes: after `pause_minutes` it is sealed as timed out, with what
    // the patient answered, and the welcome screen waits for the next patient.
    wait(&mut h, 121.0);
    assert_eq!(h.state().kiosk.stage(), Stage::Paused);
    wait(&mut h, 29.0 * 60.0);
    assert_eq!(
        h.state().kiosk.stage(),
        Stage::Paused,
        "still within the pause"
    );
    wait(&mut h, 60.0);
    assert_eq!(h.state().kiosk.stage(), Stage::Welcome);
    let bundles = h.files.bundles();
    assert_eq!(bundles.len(), 1);
    let bundle = h.files.open(&bundles[0]);
    assert_eq!(bundle.status, svar_bundle::Status::Timeout);
    let hscl = bundle.forms.iter().find(|f| f.id == "hscl25").unwrap();
    assert!(hscl.answers.len() >= 3, "the answers given are sealed");
    let audit = h.state().kiosk.store().audit_log().unwrap();
    let pauses = audit
        .iter()
        .filter(|r| r.event.as_str() == "session_paused")
        .count();
    assert_eq!(pauses, 2);
    assert!(audit.iter().any(|r| r.event.as_str() == "session_resumed"));
}

#[test]
fn staff_end_a_paused_session_in_bokmal_and_it_is_sealed_as_abandoned() {
    let mut h = kiosk(egui::vec2(1280.0, 800.0));
    staff_session_at_the_grid(&mut h, "Norsk (bokmål)");
    wait(&mut h, 121.0);
    assert_eq!(h.state().kiosk.stage(), Stage::Paused);
    assert!(h.query_by_label("Spør personalet om å fortsette").is_some());
    // Digits a passer-by typed on the pad are gone after the idle time.
    type_digits(&mut h, "12");
    wait(&mut h, 121.0);
    type_digits(&mut h, PIN);
    submit_pin(&mut h);
    tap_message(&mut h, "staff-seal-abandoned");
    let bundles = h.files.bundles();
    assert_eq!(bundles.len(), 1);
    assert_eq!(
        h.files.open(&bundles[0]).status,
        svar_bundle::Status::Abandoned
    );
    // Nothing runs out later: the pause ended with the session.
    wait(&mut h, 31.0 * 60.0);
    assert_eq!(h.files.bundles().len(), 1);
}

#[test]
fn none_of_these_clears_the_other_choices_and_they_clear_it() {
    for (name, first, second, none) in [
        (
            "Norsk (bokmål)",
            "Vansker med å sovne",
            "Våkner i løpet av natten",
            "Ingen av disse",
        ),
        (
            "Dansk",
            "Svært ved at falde i søvn",
            "Vågner i løbet af natten",
            "Ingen af disse",
        ),
    ] {
        let mut h = kiosk(egui::vec2(1280.0, 800.0));
        start_in(&mut h, name);
        let (form, sleep) = go_to_item(&mut h, "about_you", "sleep");
        tap(&mut h, first);
        tap(&mut h, second);
        assert_eq!(
            answer(&h, form, sleep),
            Some(Answer::Choices(vec![1.0, 2.0]))
        );
        tap(&mut h, none);
        assert_eq!(
            answer(&h, form, sleep),
            Some(Answer::Choices(vec![0.0])),
            "{name}: \"none\" stands alone"
        );
        tap(&mut h, first);
        assert_eq!(
            answer(&h, form, sleep),
            Some(Answer::Choices(vec![1.0])),
            "{name}: another choice clears \"none\""
        );
    }
}

#[test]
fn a_no_to_consent_is_acknowledged_skips_the_research_forms_and_staff_see_it() {
    for (name, declined_title, intro) in [
        (
            "Dansk",
            "Du deltager ikke i forskningsprojektet",
            [
                "Denne del har 1 til 2 spørgsmål, alt efter hvad du svarer.",
                "Der er også 6 sider at læse.",
            ],
        ),
        (
            "Norsk (bokmål)",
            "Du er ikke med i studien",
            [
                "Denne delen har 1 til 2 spørsmål, etter hva du svarer.",
                "Det er også 6 sider å lese.",
            ],
        ),
    ] {
        let mut h = kiosk(egui::vec2(1280.0, 800.0));
        start_in(&mut h, name);
        // The part's introduction counts honestly: the signature comes only after a yes, and
        // six pages are there to read.
        for line in intro {
            assert!(h.query_by_label(line).is_some(), "{name}: {line}");
        }
        let (consent_form, _) = go_to_item(&mut h, "consent", "consent");
        tap_message(&mut h, "answer-no");
        wait(&mut h, 1.0);
        if h.query_by_label(declined_title).is_none() {
            tap_message(&mut h, "nav-next");
        }
        assert!(
            h.query_by_label(declined_title).is_some(),
            "{name}: the no is acknowledged"
        );
        tap_message(&mut h, "nav-next");
        // Straight to the pain form, part 2 of 3: no research questionnaire follows.
        let Some(Position::Intro { form }) = position(&h) else {
            panic!("{name}: not at a form's introduction");
        };
        let session = h.state().kiosk.session().unwrap();
        assert_eq!(session.form(form).id.as_str(), "nrs_pain");
        assert_eq!(session.progress().forms, 3);
        let finished = tr(&h, "review-finish");
        let send = tr(&h, "finish-confirm");
        answer_to_the_end(&mut h, &finished, &send);
        assert!(matches!(h.state().kiosk.stage(), Stage::Thanks { .. }));
        let bundles = h.files.bundles();
        let bundle = h.files.open(&bundles[0]);
        assert_eq!(bundle.forms[consent_form].consent, Some(false));
        let about = bundle.forms.iter().find(|f| f.id == "about_you").unwrap();
        assert!(about.skipped && about.answers.is_empty());
        // Staff see the consent state with the result.
        wait(&mut h, 9.0);
        sign_in(&mut h);
        tap(&mut h, "Resultat fra siste økt");
        assert!(
            h.query_by_label(&tr(&h, "staff-patient-consent-no"))
                .is_some(),
            "{name}"
        );
        // The consent line and one line for each of the four research-only forms.
        assert_eq!(h.query_all_by_label_contains("hoppet over").count(), 5);
    }
}

#[test]
fn the_25_item_grid_is_answered_with_25_taps_and_no_drag() {
    for name in ["Norsk (bokmål)", "Dansk"] {
        let mut h = kiosk(egui::vec2(1280.0, 800.0));
        start_in(&mut h, name);
        let (form_ix, _) = go_to_item(&mut h, "hscl25", "q1");
        let (_, items, form) = current(&h).expect("the HSCL-25 grid");
        assert_eq!(items.len(), 25);
        let lang = h.state().kiosk.lang();
        // What the bars leave of the screen: below the header, above Back and Next.
        let next = tr(&h, "nav-next");
        let footer = h.get_by_label(&next).rect().min.y;
        let mut taps = 0;
        for (n, ix) in items.iter().enumerate() {
            let item = form.item(*ix);
            let ItemKind::SingleChoice { options, .. } = &item.kind else {
                panic!("a grid row");
            };
            let label = format!(
                "{} – {}",
                item.text.get(lang),
                options[n % options.len()].label.get(lang)
            );
            let rect = h.get_by_label(&label).rect();
            assert!(
                rect.min.y > 90.0 && rect.max.y < footer,
                "{name}: row {} is in view without a swipe ({rect:?})",
                n + 1
            );
            h.get_by_label(&label).click();
            settle(&mut h);
            taps += 1;
            assert!(answer(&h, form_ix, *ix).is_some(), "{name}: row {}", n + 1);
            if n + 1 < items.len() {
                // The header names the first question still to answer.
                let header = Strings::load().expect("locales").args(
                    lang,
                    "progress-question",
                    &[
                        ("current", svar_kiosk::i18n::Arg::Num((n + 2) as f64)),
                        ("total", svar_kiosk::i18n::Arg::Num(25.0)),
                    ],
                );
                assert!(h.query_by_label(&header).is_some(), "{name}: {header}");
            }
        }
        assert_eq!(taps, 25);
        // Nothing left: Next goes straight on, one more tap.
        tap(&mut h, &next);
        assert!(
            matches!(position(&h), Some(Position::Intro { .. })),
            "{name}: on to the next part"
        );
    }
}

#[test]
fn a_required_question_never_traps_the_patient_staff_help_is_one_tap_away() {
    for name in ["Norsk (bokmål)", "Dansk"] {
        let mut h = kiosk(egui::vec2(1280.0, 800.0));
        start_in(&mut h, name);
        go_to_item(&mut h, "phq9", "q1");
        let before = position(&h);
        tap_message(&mut h, "nav-next");
        // The prompt's buttons wait until it can have been read; then staff help is there.
        h.state_mut().kiosk.advance_clock(1.0);
        settle(&mut h);
        assert!(h.query_by_label(&tr(&h, "unanswered-go-on")).is_none());
        tap_message(&mut h, "review-ask-staff");
        assert_eq!(h.state().kiosk.stage(), Stage::Paused, "{name}");
        assert!(h.query_by_label(&tr(&h, "paused-asked-body")).is_some());
        assert!(
            h.state().kiosk.session().is_none(),
            "nothing of the patient in memory"
        );
        type_digits(&mut h, PIN);
        submit_pin(&mut h);
        tap_message(&mut h, "staff-resume");
        assert_eq!(position(&h), before, "{name}: back at the question");
    }
}

#[test]
fn the_review_with_required_questions_left_offers_staff_help() {
    for lang in [Lang::Nb, Lang::Da] {
        // A session that reached the review with every required question left (here: set
        // up in the store, as after a crash on the review screen).
        let files = common::Kiosk::new();
        {
            let mut store = files.store();
            let mut visit = svar_kiosk::visit::Visit::start(
                &mut store,
                files.demo(),
                lang,
                common::meta(),
                Some("nurse1"),
            )
            .unwrap();
            visit.review(&mut store);
            assert!(visit.save(&mut store));
        }
        let mut h = kiosk_on(egui::vec2(1280.0, 800.0), files);
        sign_in(&mut h);
        tap(&mut h, "1 økt venter");
        tap(&mut h, "Fortsett økten");
        assert_eq!(position(&h), Some(Position::Review), "{lang:?}");
        // No finishing while required questions remain; staff help is the way out.
        assert!(h.query_by_label(&tr(&h, "review-finish")).is_none());
        tap_message(&mut h, "review-ask-staff");
        assert_eq!(h.state().kiosk.stage(), Stage::Paused, "{lang:?}");
        assert!(h.query_by_label(&tr(&h, "paused-asked-body")).is_some());
    }
}

#[test]
fn the_keyboard_has_each_languages_letter_order() {
    for (name, first, second) in [("Dansk", "æ", "ø"), ("Norsk (bokmål)", "ø", "æ")] {
        let mut h = kiosk(egui::vec2(1280.0, 800.0));
        start_in(&mut h, name);
        go_to_item(&mut h, "about_you", "occupation");
        let x = |label: &str| h.get_by_label(label).rect().min.x;
        assert!(x(first) < x(second), "{name}: {first} before {second}");
        assert!(x("l") < x(first), "{name}: after l");
    }
}

#[test]
fn the_language_screen_offers_only_the_batterys_languages() {
    let files = common::Kiosk::new();
    let records = files.records();
    let mut config = config("demo");
    let mut battery = (*config.battery).clone();
    battery.languages = vec![Lang::Nb, Lang::Da];
    config.battery = Arc::new(battery);
    let mut h = kiosk_configured(egui::vec2(1280.0, 800.0), files, records, config);
    tap_message(&mut h, "welcome-start-demo");
    assert!(h.query_by_label("Norsk (bokmål)").is_some());
    assert!(h.query_by_label("Dansk").is_some());
    assert!(h.query_by_label("English").is_none());
    assert!(h.query_by_label("Norsk (nynorsk)").is_none());
    // The header's language tiles too.
    tap(&mut h, "Dansk");
    tap(&mut h, "Sprog: Dansk"); // the header's language button opens the tiles
    assert!(h.query_by_label(&tr(&h, "language-title")).is_some());
    assert!(h.query_by_label("English").is_none());
    // The tiles close without a choice, the language as it was.
    tap(&mut h, "Behold sproget");
    assert!(h.query_by_label(&tr(&h, "language-title")).is_none());
    assert_eq!(h.state().kiosk.lang(), Lang::Da);
}

#[test]
fn tiles_in_a_row_share_one_height_when_a_label_wraps() {
    let mut h = kiosk(egui::vec2(1280.0, 800.0));
    start_in(&mut h, "Norsk (bokmål)");
    let (_, q1) = go_to_item(&mut h, "hscl25", "q1");
    let (_, _, form) = current(&h).unwrap();
    let item = form.item(q1);
    let ItemKind::SingleChoice { options, .. } = &item.kind else {
        panic!("a grid row");
    };
    let heights: Vec<f32> = options
        .iter()
        .map(|o| {
            let label = format!("{} – {}", item.text.get(Lang::Nb), o.label.get(Lang::Nb));
            h.get_by_label(&label).rect().height()
        })
        .collect();
    // "Ikke i det hele tatt" wraps at this width; the whole row grows with it.
    assert!(
        heights.iter().all(|x| (x - heights[0]).abs() < 0.5),
        "{heights:?}"
    );
}

#[test]
fn the_logo_has_a_name_a_screen_reader_reads() {
    let h = kiosk(egui::vec2(1280.0, 800.0));
    let logo = h.get_by_label("Svar-logoen");
    assert_eq!(logo.accesskit_node().role(), Role::Image);
}

#[test]
fn header_controls_never_wrap_in_portrait_at_the_largest_text() {
    let mut h = kiosk(egui::vec2(800.0, 1280.0));
    start_in(&mut h, "Norsk (bokmål)");
    for _ in 0..2 {
        let size = h
            .query_all_by_label_contains("Tekststørrelse: ")
            .next()
            .map(|n| n.accesskit_node().label().unwrap_or_default())
            .expect("the text size control");
        tap(&mut h, &size);
    }
    let target = Tokens::new(TextSize::Largest, false).target;
    for name in ["Tekststørrelse: ", "Språk: ", "Høy kontrast "] {
        let node = h.query_all_by_label_contains(name).next().expect(name);
        let height = node.rect().height();
        assert!(
            height <= target + 0.5,
            "{name}: {height} > {target}: wrapped"
        );
    }
}

#[test]
fn a_pause_runs_out_after_a_restart_too() {
    let mut ui = kiosk(egui::vec2(1280.0, 800.0));
    staff_session_at_the_grid(&mut ui, "Dansk");
    wait(&mut ui, 121.0);
    assert_eq!(ui.state().kiosk.stage(), Stage::Paused);
    // The kiosk restarts during the pause: the session waits for staff, and its pause still
    // runs out (the test's simulated clock starts again with the kiosk, hence the margins).
    let Ui { h, files } = ui;
    drop(h);
    let mut ui = kiosk_on(egui::vec2(1280.0, 800.0), files);
    assert!(ui.files.bundles().is_empty());
    assert_eq!(ui.state().kiosk.waiting().len(), 1);
    wait(&mut ui, 25.0 * 60.0);
    assert!(ui.files.bundles().is_empty(), "not before its time");
    wait(&mut ui, 8.0 * 60.0);
    let bundles = ui.files.bundles();
    assert_eq!(bundles.len(), 1, "sealed when the pause ran out");
    assert_eq!(
        ui.files.open(&bundles[0]).status,
        svar_bundle::Status::Timeout
    );
}

/// Roles of the controls a patient or nurse taps.
fn interactive(role: Role) -> bool {
    matches!(
        role,
        Role::Button
            | Role::RadioButton
            | Role::CheckBox
            | Role::Slider
            | Role::Canvas
            | Role::TextInput
    )
}

/// The accessible name of a node, or its value where the name is empty (labels).
fn name_of(n: &egui_kittest::Node<'_>) -> String {
    let node = n.accesskit_node();
    node.label().or(node.value()).unwrap_or_default()
}

/// Where a node is on the screen (the tests run at one pixel per point), when it has a place.
fn rect_of(n: &egui_kittest::Node<'_>) -> Option<egui::Rect> {
    n.accesskit_node().bounding_box().map(|r| {
        egui::Rect::from_min_max(
            egui::pos2(r.x0 as f32, r.y0 as f32),
            egui::pos2(r.x1 as f32, r.y1 as f32),
        )
    })
}

/// Checks the screen shown (`what` says which in a failure): every control of the content lies
/// wholly in the area between the bars, or below it while the page shows its more-below cue;
/// no two controls of one panel or dialog overlap.
fn assert_fits(h: &Harness<'static, KioskApp>, what: &str) {
    check_fit(h, what, false);
}

/// Whether the screen shown is one question typed on the screen's keys: a keyboard or a
/// number pad is always wholly on screen, never scrolled.
fn typed_on_keys(h: &Harness<'static, KioskApp>) -> bool {
    current(h).is_some_and(|(_, items, form)| {
        items.len() == 1
            && matches!(
                form.item(items[0]).kind,
                ItemKind::Text { .. } | ItemKind::Number { .. }
            )
    })
}

/// Checks what a screen reader reads of the screen shown: every control and image has a
/// name, every choice says whether it is chosen, every text field what it holds.
fn assert_named(h: &Harness<'static, KioskApp>, what: &str) {
    for n in h.root().children_recursive() {
        let node = n.accesskit_node();
        let role = node.role();
        if !interactive(role) && role != Role::Image {
            continue;
        }
        let name = node.label().unwrap_or_default();
        assert!(!name.trim().is_empty(), "{what}: a {role:?} has no name");
        if matches!(role, Role::RadioButton | Role::CheckBox) {
            assert!(
                node.toggled().is_some(),
                "{what}: `{name}` does not say whether it is chosen"
            );
        }
        if role == Role::TextInput {
            assert!(node.value().is_some(), "{what}: `{name}` hides its text");
        }
    }
}

/// As `assert_fits`; when `whole`, the cue does not excuse a control below the fold. Also
/// checks what a screen reader reads there (`assert_named`).
fn check_fit(h: &Harness<'static, KioskApp>, what: &str, whole: bool) {
    assert_named(h, what);
    let root = h.root();
    // The panels, in the order egui adds them: the bars first, the central panel last.
    let mut panes: Vec<_> = root
        .children_recursive()
        .filter(|n| n.accesskit_node().role() == Role::Pane)
        .collect();
    let central = panes.pop().expect("the central panel");
    let window = h.ctx.content_rect();
    let rects = |pane: &egui_kittest::Node<'_>| -> Vec<egui::Rect> {
        pane.children_recursive()
            .filter_map(|n| rect_of(&n))
            .collect()
    };
    // The area between the bars: below the lowest thing of the bars along the top, above
    // the highest of the footer, less the bars' and the content's margins.
    let t = Tokens::new(TextSize::Normal, false);
    let mut view = window;
    for pane in &panes {
        let r = rects(pane);
        let bottom = r.iter().map(|r| r.max.y).fold(f32::MIN, f32::max);
        let top = r.iter().map(|r| r.min.y).fold(f32::MAX, f32::min);
        if bottom < window.center().y {
            view.min.y = view.min.y.max(bottom + f32::from(t.bar_margin.bottom));
        } else if top > window.center().y {
            view.max.y = view.max.y.min(top - f32::from(t.bar_margin.top));
        }
    }
    view.min.y += f32::from(t.content_margin.top);
    view.max.y -= f32::from(t.content_margin.bottom);
    let cue = format!("{} ↓", tr(h, "more-below"));
    let cue_shown = h.query_by_label(&cue).is_some();
    for node in central.children_recursive() {
        if !interactive(node.accesskit_node().role()) || name_of(&node) == cue {
            continue;
        }
        let Some(r) = rect_of(&node) else { continue };
        let inside = view.min.x <= r.min.x + 0.5
            && r.max.x <= view.max.x + 0.5
            && view.min.y <= r.min.y + 0.5
            && r.max.y <= view.max.y + 0.5;
        let below = cue_shown && !whole && r.max.y > view.max.y && r.min.x >= view.min.x - 0.5;
        let above = r.max.y <= view.min.y + 0.5;
        assert!(
            inside || below || above,
            "{what}: `{}` at {r:?} is not wholly in {view:?} (more-below cue: {cue_shown})",
            name_of(&node)
        );
    }
    // Overlaps within each panel and dialog; a dialog lies over the screen by design.
    for group in root
        .children_recursive()
        .filter(|n| matches!(n.accesskit_node().role(), Role::Pane | Role::Dialog))
    {
        let controls: Vec<(String, egui::Rect)> = group
            .children_recursive()
            .filter(|n| interactive(n.accesskit_node().role()) && name_of(n) != cue)
            .filter_map(|n| Some((name_of(&n), rect_of(&n)?)))
            .collect();
        for (i, (a, ra)) in controls.iter().enumerate() {
            for (b, rb) in &controls[i + 1..] {
                let overlap = ra.intersect(*rb);
                assert!(
                    overlap.width() < 1.0 || overlap.height() < 1.0,
                    "{what}: `{a}` {ra:?} overlaps `{b}` {rb:?}"
                );
            }
        }
    }
}

/// Checks that the screen shows no interface text of another language than `lang` where
/// `lang` words it differently (the kiosk's own text; form text and names are the form's).
fn assert_in_language(h: &Harness<'static, KioskApp>, lang: Lang, what: &str) {
    let strings = Strings::load().expect("locales");
    let foreign: Vec<String> = [Lang::Nb, Lang::Nn, Lang::Da, Lang::En]
        .into_iter()
        .filter(|l| *l != lang)
        .flat_map(|l| {
            Strings::ids(l)
                .into_iter()
                .map(move |id| (l, id))
                .collect::<Vec<_>>()
        })
        .filter_map(|(l, id)| {
            let theirs = strings.get(l, &id);
            // Messages with arguments show their placeholders unfilled: not compared.
            (!theirs.contains('{') && theirs != strings.get(lang, &id) && theirs.len() > 3)
                .then_some(theirs)
        })
        .collect();
    for node in h.root().children_recursive() {
        let shown = name_of(&node);
        assert!(
            !foreign.contains(&shown),
            "{what}: `{shown}` is not in {lang:?}"
        );
    }
}

/// Taps the header's text-size control until the text is `size`.
fn set_text_size(h: &mut Harness<'static, KioskApp>, size: TextSize) {
    let wanted = format!("{}: {}", tr(h, "header-text-size"), tr(h, size.message()));
    for _ in 0..3 {
        if h.query_by_label(&wanted).is_some() {
            return;
        }
        let label = h
            .query_all_by_label_contains(&format!("{}: ", tr(h, "header-text-size")))
            .next()
            .map(|n| name_of(&n))
            .expect("the text size control");
        tap(h, &label);
    }
    assert!(h.query_by_label(&wanted).is_some(), "{wanted}");
}

/// Walks the demo battery at the window's size and `size` text in the language `lang_name`,
/// checking each screen before answering it; then the staff pages.
fn walk_and_check(
    h: &mut Harness<'static, KioskApp>,
    lang: Lang,
    lang_name: &str,
    size: TextSize,
    contrast: bool,
    at: &str,
) {
    tap(h, &tr(h, "welcome-start-demo"));
    assert_fits(h, &format!("{at}: language"));
    tap(h, lang_name);
    set_text_size(h, size);
    if contrast {
        tap_message(h, "header-contrast-off");
    }
    let mut screens = 0;
    for _ in 0..400 {
        let what = format!("{at} {lang:?} {size:?}: {:?}", position(h));
        match position(h) {
            Some(Position::Intro { .. }) => {
                assert_fits(h, &what);
                tap(h, &tr(h, "intro-start"));
            }
            Some(Position::Screen { .. }) => {
                screens += 1;
                check_fit(h, &what, typed_on_keys(h));
                assert_in_language(h, lang, &what);
                answer_screen(h);
            }
            Some(Position::Review) => {
                assert_fits(h, &what);
                tap(h, &tr(h, "review-finish"));
            }
            Some(Position::Finish) => {
                assert_fits(h, &what);
                tap(h, &tr(h, "finish-confirm"));
            }
            Some(Position::Done) | None => break,
        }
    }
    assert!(screens > 30, "{at}: {screens} screens");
    assert_fits(h, &format!("{at}: thanks"));
    wait(h, 9.0);
}

/// Every screen of the demo battery and of staff mode fits a `width`×`height` kiosk at each
/// text size, the largest also in high contrast.
fn every_screen_fits(width: f32, height: f32) {
    let at = format!("{width}×{height}");
    let mut h = kiosk(egui::vec2(width, height));
    for (lang, name, size, contrast) in [
        (Lang::Nb, "Norsk (bokmål)", TextSize::Normal, false),
        (Lang::Nn, "Norsk (nynorsk)", TextSize::Large, false),
        (Lang::Da, "Dansk", TextSize::Largest, true),
    ] {
        walk_and_check(&mut h, lang, name, size, contrast, &at);
    }
    assert_fits(&h, &format!("{at}: welcome"));
    tap_message(&mut h, "staff-open");
    assert_fits(&h, &format!("{at}: PIN"));
    type_digits(&mut h, PIN);
    submit_pin(&mut h);
    assert_fits(&h, &format!("{at}: staff menu"));
    for page in ["staff-new-session", "staff-last-result", "staff-today"] {
        tap_message(&mut h, page);
        assert_fits(&h, &format!("{at}: {page}"));
        tap_message(&mut h, "nav-back");
    }
}

#[test]
fn every_screen_fits_a_1280x800_kiosk() {
    every_screen_fits(1280.0, 800.0);
}

#[test]
fn every_screen_fits_a_1920x1080_kiosk() {
    every_screen_fits(1920.0, 1080.0);
}

#[test]
fn every_screen_fits_an_800x1280_portrait_tablet() {
    every_screen_fits(800.0, 1280.0);
}

#[test]
fn every_screen_fits_a_1080x1920_portrait_screen() {
    every_screen_fits(1080.0, 1920.0);
}

#[test]
fn staff_mode_speaks_each_staff_members_language_and_remembers_it() {
    let mut h = kiosk(egui::vec2(1280.0, 800.0));
    sign_in(&mut h);
    tap(&mut h, "Dansk");
    assert_eq!(h.state().kiosk.lang(), Lang::Da);
    assert_in_language(&h, Lang::Da, "the staff menu in Danish");
    for page in ["staff-new-session", "staff-last-result", "staff-today"] {
        tap_message(&mut h, page);
        assert_in_language(&h, Lang::Da, page);
        tap_message(&mut h, "nav-back");
    }
    // A patient handed the screen starts in the kiosk's language, not the nurse's.
    tap_message(&mut h, "staff-new-session");
    type_digits(&mut h, "15057510061");
    tap_message(&mut h, "staff-hand-over");
    assert_eq!(h.state().kiosk.lang(), Lang::Nb);
    tap(&mut h, "English");
    wait(&mut h, 121.0);
    wait(&mut h, 30.0 * 60.0);
    assert_eq!(h.state().kiosk.stage(), Stage::Welcome);
    assert_eq!(
        h.state().kiosk.lang(),
        Lang::Nb,
        "the welcome is in the kiosk's language"
    );
    // Signing in again, the same staff member gets Danish back.
    sign_in(&mut h);
    assert_eq!(h.state().kiosk.lang(), Lang::Da);
    tap_message(&mut h, "staff-close");
    assert_eq!(h.state().kiosk.lang(), Lang::Nb);
}

#[test]
fn a_grids_instruction_stays_in_view_while_the_rows_scroll() {
    let mut h = kiosk(egui::vec2(1280.0, 800.0));
    start_in(&mut h, "Norsk (bokmål)");
    let (form_ix, q1) = go_to_item(&mut h, "hscl25", "q1");
    let (_, items, form) = current(&h).unwrap();
    let page = &form.pages[form.item(q1).page];
    let instruction = page
        .title
        .as_ref()
        .expect("the grid's instruction")
        .get(Lang::Nb);
    for ix in &items[..12] {
        answer_item(&mut h, &form, form_ix, *ix, true);
    }
    let row = |ix: ItemIx| h.get_by_label(form.item(ix).text.get(Lang::Nb)).rect();
    let at = h.get_by_label(instruction).rect();
    assert!(
        row(items[0]).min.y < at.max.y,
        "the rows scrolled up past the instruction"
    );
    let first_visible = items
        .iter()
        .map(|ix| row(*ix))
        .find(|r| r.min.y >= at.max.y)
        .expect("a row below the instruction");
    assert!(at.min.y > 0.0 && at.max.y <= first_visible.min.y, "{at:?}");
}

#[test]
fn the_welcome_speaks_every_language_of_the_battery() {
    let h = kiosk(egui::vec2(1280.0, 800.0));
    let nb = tr(&h, "welcome-title");
    let strings = Strings::load().expect("locales");
    let text_of = |n: &egui_kittest::Node<'_>| {
        let node = n.accesskit_node();
        node.value().or(node.label()).unwrap_or_default()
    };
    let line = h
        .query_all_by_label_contains(" · ")
        .map(|n| text_of(&n))
        .find(|l| !l.starts_with("DEMO"))
        .expect("the welcome in the other languages");
    for lang in [Lang::Nn, Lang::Da, Lang::En] {
        let welcome = strings.get(lang, "welcome-title");
        if welcome != nb {
            assert!(line.contains(&welcome), "{lang:?}: {line}");
        }
    }
    assert!(!line.contains(&nb), "the one shown is not repeated: {line}");
}

#[test]
fn a_tap_just_outside_the_small_neck_region_still_chooses_the_neck() {
    let mut h = kiosk(egui::vec2(1280.0, 800.0));
    let (form_ix, map, neck, rect, scale) = body_map_region(&mut h, "neck");
    // Above the middle of the neck's top edge, on the back of the head (no region there), by
    // about the neck's width on screen: outside its polygon, within the half touch target
    // that counts for it.
    let poly = &neck.polygons[0];
    let top = poly.iter().map(|p| p[1]).fold(f64::INFINITY, f64::min) as f32;
    let (left, right) = poly
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, r), p| {
            (l.min(p[0]), r.max(p[0]))
        });
    let reach = Tokens::new(TextSize::Normal, false).target * 0.5;
    let at = rect.min
        + egui::vec2(
            (left + right) as f32 * 0.5 * scale,
            top * scale - reach * 0.6,
        );
    assert!(rect.contains(at), "{at:?} lies on the map {rect:?}");
    press_at(&mut h, at);
    assert_eq!(
        answer(&h, form_ix, map),
        Some(Answer::Regions(vec!["neck".into()]))
    );
}

#[test]
fn answering_a_grid_row_leaves_the_rows_in_view_where_they_are() {
    let mut h = kiosk(egui::vec2(1920.0, 1080.0));
    start_in(&mut h, "Norsk (bokmål)");
    let (form_ix, _) = go_to_item(&mut h, "hscl25", "q1");
    let (_, items, form) = current(&h).unwrap();
    let next = tr(&h, "nav-next");
    // A row: its question and its options, each named "question – option".
    let row = |h: &Ui, ix: ItemIx| {
        let question = form.item(ix).text.get(Lang::Nb);
        h.query_all_by_label_contains(question)
            .map(|n| n.rect())
            .fold(h.get_by_label(question).rect(), |a, b| a.union(b))
    };
    for (n, ix) in items.iter().enumerate() {
        let footer = h.get_by_label(&next).rect().min.y.min(view_bottom(&h));
        let before: Vec<egui::Rect> = items.iter().map(|i| row(&h, *i)).collect();
        // The row a finger is about to tap is on screen: the page followed the answers.
        assert!(
            before[n].min.y > 0.0 && before[n].max.y < footer,
            "row {} at {:?} is out of view (footer at {footer})",
            n + 1,
            before[n]
        );
        answer_item(&mut h, &form, form_ix, *ix, true);
        let after = row(&h, items.get(n + 1).copied().unwrap_or(*ix));
        if let Some(next_row) = before.get(n + 1)
            && next_row.max.y < footer
        {
            assert_eq!(
                *next_row,
                after,
                "row {} moved although it was in view",
                n + 2
            );
        }
    }
}

#[test]
fn date_tiles_keep_years_and_months_whole_in_portrait_at_the_largest_text() {
    let mut h = kiosk(egui::vec2(800.0, 1280.0));
    start_in(&mut h, "Norsk (nynorsk)");
    set_text_size(&mut h, TextSize::Largest);
    go_to_item(&mut h, "about_you", "birth_date");
    let target = Tokens::new(TextSize::Largest, false).target;
    // A label on one line leaves the tile at the touch target's height.
    let one_line = |h: &Ui, label: &str| {
        let r = h.get_by_label(label).rect();
        assert!(r.height() <= target + 0.5, "`{label}` wraps: {r:?}");
    };
    for decade in ["1900–", "1970–", "2020–"] {
        one_line(&h, decade);
    }
    tap(&mut h, "1970–");
    one_line(&h, "1975");
    tap(&mut h, "1975");
    for m in 1..=12 {
        one_line(&h, &tr(&h, &format!("month-{m}")));
    }
}

#[test]
fn the_header_buttons_keep_their_place_from_page_to_page() {
    // Portrait, where the buttons share a narrow header with the progress.
    let mut h = kiosk(egui::vec2(800.0, 1280.0));
    start_in(&mut h, "Dansk");
    let language = format!("{}: Dansk", tr(&h, "header-language"));
    let at = |h: &Ui| h.get_by_label(&language).rect();
    let first = at(&h);
    for (form, item) in [
        ("about_you", "birth_date"),
        ("nrs_pain", "now"),
        ("hscl25", "q1"),
    ] {
        go_to_item(&mut h, form, item);
        assert_eq!(at(&h), first, "{form}.{item}");
    }
}

#[test]
fn the_progress_stays_on_one_line_beside_the_header_buttons_at_the_largest_text() {
    let mut h = kiosk(egui::vec2(1280.0, 800.0));
    start_in(&mut h, "Dansk");
    set_text_size(&mut h, TextSize::Largest);
    go_to_item(&mut h, "about_you", "birth_date");
    assert!(current(&h).is_some(), "a question");
    // The progress's words before its numbers ("Spørgsmål ").
    let one = svar_kiosk::i18n::Arg::Num(1.0);
    let words = Strings::load().expect("locales").args(
        Lang::Da,
        "progress-question",
        &[("current", one.clone()), ("total", one)],
    );
    let prefix = words
        .split(|c: char| c.is_ascii_digit())
        .next()
        .unwrap_or_default();
    let progress = h
        .query_all_by_label_contains(prefix.trim())
        .next()
        .map(|n| n.rect())
        .expect("the progress");
    let language = h
        .get_by_label(&format!("{}: Dansk", tr(&h, "header-language")))
        .rect();
    assert!(
        progress.height() < language.height(),
        "the progress wraps: {progress:?} beside {language:?}"
    );
    assert!(
        progress.max.x <= language.min.x,
        "{progress:?} {language:?}"
    );
}

#[test]
fn a_scrolling_page_lines_up_with_the_footer_on_a_wide_screen() {
    let mut h = kiosk(egui::vec2(1920.0, 1080.0));
    start_in(&mut h, "Norsk (nynorsk)");
    go_to_item(&mut h, "hscl25", "q1");
    let (_, items, form) = current(&h).unwrap();
    let first = h
        .get_by_label(form.item(items[0]).text.get(Lang::Nn))
        .rect();
    let back = h.get_by_label(&tr(&h, "nav-back")).rect();
    assert!(
        h.query_by_label(&format!("{} ↓", tr(&h, "more-below")))
            .is_some(),
        "the grid scrolls"
    );
    assert_eq!(
        first.min.x, back.min.x,
        "the page's column is off the footer's"
    );
}

/// A kiosk whose demo button runs the Danish back trial's visit (every form of it).
fn back_trial_kiosk(size: egui::Vec2) -> Ui {
    let files = common::Kiosk::new();
    let records = files.records();
    kiosk_configured(size, files, records, config("dk_back_visit"))
}

/// The Danish back trial's visit, RAND-36's grids and the activity scale among its forms, fits
/// a 1280×800 kiosk in Danish and, at the largest text, in bokmål.
#[test]
fn the_back_trial_visit_with_rand36_fits_a_1280x800_kiosk() {
    let mut h = back_trial_kiosk(egui::vec2(1280.0, 800.0));
    let at = "1280×800 dk_back_visit";
    walk_and_check(&mut h, Lang::Da, "Dansk", TextSize::Normal, false, at);
    walk_and_check(
        &mut h,
        Lang::Nb,
        "Norsk (bokmål)",
        TextSize::Largest,
        false,
        at,
    );
}

/// RAND-36's six-step well-being grid: in one row where its words fit, listed one under
/// another where a row would break a word ("Meste/parten"), in portrait at the largest text.
#[test]
fn a_grid_too_narrow_for_its_words_lists_the_options_one_under_another() {
    let option_rects = |size: egui::Vec2, text: TextSize| {
        let mut h = back_trial_kiosk(size);
        start_in(&mut h, "Dansk");
        set_text_size(&mut h, text);
        go_to_item(&mut h, "rand36", "q23");
        let (_, items, form) = current(&h).unwrap();
        let first = form.item(items[0]);
        let ItemKind::SingleChoice { options, .. } = &first.kind else {
            panic!("q23 is a single choice");
        };
        let question = first.text.get(Lang::Da);
        options
            .iter()
            .map(|o| {
                h.get_by_label(&format!("{question} – {}", o.label.get(Lang::Da)))
                    .rect()
            })
            .collect::<Vec<_>>()
    };
    let wide = option_rects(egui::vec2(1920.0, 1080.0), TextSize::Normal);
    assert!(
        wide.windows(2)
            .all(|w| w[0].min.y == w[1].min.y && w[0].max.x < w[1].min.x),
        "one row on a wide screen: {wide:?}"
    );
    let narrow = option_rects(egui::vec2(800.0, 1280.0), TextSize::Largest);
    assert!(
        narrow
            .windows(2)
            .all(|w| w[0].min.x == w[1].min.x && w[0].max.y <= w[1].min.y),
        "one under another in portrait at the largest text: {narrow:?}"
    );
}

/// "More below" brings the row the bottom edge cuts to the top, its question with its
/// answers, never answer tiles without the question they belong to.
#[test]
fn more_below_brings_the_cut_row_to_the_top_with_its_question() {
    let mut h = back_trial_kiosk(egui::vec2(1280.0, 800.0));
    start_in(&mut h, "Norsk (bokmål)");
    go_to_item(&mut h, "rand36", "q3");
    let (_, items, form) = current(&h).unwrap();
    let cue = format!("{} ↓", tr(&h, "more-below"));
    let question = |h: &Ui, ix: ItemIx| h.get_by_label(form.item(ix).text.get(Lang::Nb)).rect();
    // The last row that begins above the cue: the bottom edge cuts its answers off.
    let bottom = view_bottom(&h);
    let cut = *items
        .iter()
        .rev()
        .find(|ix| question(&h, **ix).min.y < bottom)
        .expect("a row in view");
    let first_top = question(&h, items[0]).min.y;
    tap(&mut h, &cue);
    h.run_steps(4);
    let moved = question(&h, cut);
    assert!(
        (moved.min.y - first_top).abs() < 40.0,
        "the cut row's question is at the top ({moved:?}, the first row was at {first_top})"
    );
}

/// Next on a grid whose rows are all required and unanswered says they all must be answered,
/// not that "some" must.
#[test]
fn the_prompt_says_all_when_every_question_left_is_required() {
    let mut h = back_trial_kiosk(egui::vec2(1280.0, 800.0));
    start_in(&mut h, "Norsk (bokmål)");
    go_to_item(&mut h, "rand36", "q3");
    tap_message(&mut h, "nav-next");
    assert!(
        h.query_by_label("10 spørsmål her er ikke besvart.")
            .is_some()
    );
    assert!(
        h.query_by_label("Alle må besvares før du kan gå videre.")
            .is_some()
    );
    assert!(h.query_by_label(&tr(&h, "unanswered-go-on")).is_none());
}
