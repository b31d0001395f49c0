//! `svar preview`: the window an admin keeps open while editing a form. Driven headless by
//! accessible labels; a file change is simulated by writing the file and asking the window to
//! look, as it does itself twice a second.

mod common;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use svar_forms::form::Severity;
use svar_forms::session::ItemState;
use svar_forms::text::Lang;
use svar_kiosk::i18n::Strings;
use svar_kiosk::preview::{FormPanel, Need, Preview, Source};
use svar_kiosk::ui::preview::{PreviewApp, PreviewWindow};

/// The admin guide's worked example, copied into a folder of its own to be edited.
fn example() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let forms = dir.path().join("forms");
    std::fs::create_dir_all(&forms).expect("forms folder");
    let path = forms.join("sleep_check.json");
    std::fs::copy(common::root().join("docs/examples/sleep_check.json"), &path).expect("copy");
    (dir, path)
}

/// Saves the file with `from` replaced by `to`, as an editor would.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "`{from}` is in the file");
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

fn window(path: &Path, lang: Lang) -> Harness<'static, PreviewWindow> {
    let opened = Preview::open(Source::new(path, None), lang, None);
    let mut h = Harness::builder()
        .with_size(egui::Vec2::new(1600.0, 900.0))
        .build_eframe(|cc| {
            PreviewWindow(PreviewApp::new(
                &cc.egui_ctx,
                opened,
                Strings::load().expect("locales"),
                common::root().join("assets"),
            ))
        });
    h.run_steps(3);
    h
}

fn tr(lang: Lang, id: &str) -> String {
    Strings::load().expect("locales").get(lang, id)
}

/// Taps the one control with this label and lets the screen settle.
fn tap(h: &mut Harness<'static, PreviewWindow>, label: &str) {
    h.get_by_label(label).click();
    h.run_steps(4);
}

fn panel(h: &Harness<'static, PreviewWindow>) -> Vec<FormPanel> {
    h.state().0.panel()
}

/// Answers the sleep questions by tapping their options, as a patient would.
fn answer_sleep(h: &mut Harness<'static, PreviewWindow>, options: &[&str]) {
    for option in options {
        tap(h, option);
        // The screen moves on by itself after the short confirmation.
        h.run_steps(4);
    }
}

#[test]
fn the_panel_shows_the_live_score_band_flag_and_the_follow_up_a_total_brings() {
    let (_dir, path) = example();
    let mut h = window(&path, Lang::Da);
    tap(&mut h, &tr(Lang::Da, "intro-start"));
    let total = |h: &Harness<'static, PreviewWindow>| panel(h)[0].scores[0].clone();
    assert_eq!(
        total(&h).value,
        None,
        "no total before every item is answered"
    );
    answer_sleep(
        &mut h,
        &[
            "Næsten hver dag",
            "Mere end halvdelen af dagene",
            "Næsten hver dag",
            "Mere end halvdelen af dagene",
        ],
    );
    let score = total(&h);
    assert_eq!(score.value, Some(10.0));
    assert_eq!(score.band.as_deref(), Some("Mange søvnproblemer"));
    assert_eq!(score.flag, Severity::Attention);
    // The panel says it in words, with the band's flag.
    h.get_by_label(&format!(
        "{}: 10 – Mange søvnproblemer ({})",
        score.label,
        tr(Lang::Da, "preview-flag-attention")
    ));
    // A total of 10 shows the follow-up question; its yes raises the form's flag.
    let follow_up = |h: &Harness<'static, PreviewWindow>| {
        panel(h)[0]
            .items
            .iter()
            .find(|i| i.id == "talk_to_nurse")
            .map(|i| i.state)
    };
    assert_ne!(follow_up(&h), Some(ItemState::NotShown));
    tap(&mut h, "Ja");
    assert_eq!(panel(&h)[0].flags.len(), 1, "{:?}", panel(&h)[0].flags);
    h.get_by_label(&panel(&h)[0].flags[0]);
    // How each question may be answered is listed, with the value each answer scores.
    let items = &panel(&h)[0].items;
    assert!(
        items
            .iter()
            .all(|i| i.need == Need::Required && !i.declinable)
    );
    let values: Vec<Option<&str>> = items.iter().map(|i| i.answer.as_deref()).collect();
    assert_eq!(
        values,
        [Some("3"), Some("2"), Some("3"), Some("2"), Some("1")]
    );
}

#[test]
fn a_saved_change_reloads_keeping_the_answers_whose_questions_remain() {
    let (dir, path) = example();
    let mut h = window(&path, Lang::Nb);
    tap(&mut h, &tr(Lang::Nb, "intro-start"));
    answer_sleep(&mut h, &["Nesten hver dag", "Noen dager"]);
    assert!(!h.state_mut().0.reload_if_changed(), "nothing changed yet");
    // The admin rewords q1 and removes q2 from the score and the form.
    let text = std::fs::read_to_string(&path).expect("read");
    let mut form: serde_json::Value = serde_json::from_str(&text).expect("json");
    form["pages"][0]["items"]
        .as_array_mut()
        .expect("items")
        .retain(|i| i["id"] != "q2");
    form["pages"][0]["items"][0]["text"]["nb"] = "Det tok lang tid å sovne".into();
    form["scores"][0]["items"] = serde_json::json!(["q1", "q3", "q4"]);
    form["scores"][0]["missing"] = serde_json::json!({"min_answered": 3});
    std::fs::write(&path, serde_json::to_string_pretty(&form).unwrap()).expect("write");
    assert!(h.state_mut().0.reload_if_changed());
    h.run_steps(3);
    let items = panel(&h)[0].items.clone();
    let state = |id: &str| items.iter().find(|i| i.id == id).map(|i| i.state);
    assert_eq!(
        state("q1"),
        Some(ItemState::Answered),
        "q1's answer is kept"
    );
    assert_eq!(state("q2"), None, "q2 is gone");
    assert!(h.state().0.preview().loads());
    // The patient stays at the question they were at (q3), and q1's new wording shows when
    // they go back to it.
    h.get_by_label("Du var trøtt eller søvnig på dagtid");
    tap(&mut h, &tr(Lang::Nb, "nav-back"));
    h.get_by_label("Det tok lang tid å sovne");
    // The preview wrote nothing beside the form.
    let files: Vec<_> = walk(dir.path());
    assert_eq!(files, std::slice::from_ref(&path));
}

#[test]
fn a_broken_save_shows_its_problem_keeps_the_answers_and_recovers_when_fixed() {
    let (_dir, path) = example();
    let mut h = window(&path, Lang::Nn);
    tap(&mut h, &tr(Lang::Nn, "intro-start"));
    answer_sleep(&mut h, &["Nesten kvar dag"]);
    edit(&path, "\"version\": \"1.0.0\",", "\"version\": \"1.0.0\"");
    assert!(h.state_mut().0.reload_if_changed());
    h.run_steps(3);
    let preview = h.state().0.preview();
    assert!(!preview.loads());
    let problem = &preview.diagnostics()[0];
    assert_eq!((problem.code, problem.position.line), ("missing-comma", 4));
    // The window says so, with the line and the message, and keeps the last version's answers.
    h.get_by_label(&format!("4:21: error[missing-comma]: {}", problem.message));
    let q1 = panel(&h)[0].items[0].state;
    assert_eq!(q1, ItemState::Answered);
    edit(&path, "\"version\": \"1.0.0\"", "\"version\": \"1.0.0\",");
    assert!(h.state_mut().0.reload_if_changed());
    h.run_steps(3);
    assert!(h.state().0.preview().loads());
    assert!(h.state().0.preview().diagnostics().is_empty());
    assert_eq!(panel(&h)[0].items[0].state, ItemState::Answered);
    h.get_by_label(&tr(Lang::Nn, "preview-no-problems"));
}

#[test]
fn a_file_that_never_loaded_shows_its_problems_then_opens_once_fixed() {
    let (_dir, path) = example();
    edit(&path, "\"kind\": \"sum\"", "\"kind\": \"summ\"");
    let mut h = window(&path, Lang::Nb);
    assert!(panel(&h).is_empty());
    h.get_by_label(&tr(Lang::Nb, "preview-never-loaded"));
    assert!(
        h.state().0.preview().diagnostics()[0]
            .message
            .contains("did you mean `sum`?")
    );
    edit(&path, "\"kind\": \"summ\"", "\"kind\": \"sum\"");
    assert!(h.state_mut().0.reload_if_changed());
    h.run_steps(3);
    h.get_by_label(&tr(Lang::Nb, "intro-start"));
}

#[test]
fn a_battery_previews_with_the_forms_beside_it_and_its_cut_offs() {
    let path = common::root().join("forms/batteries/no_work_health_baseline.json");
    let h = window(&path, Lang::Nb);
    let forms = panel(&h);
    assert!(
        forms.len() > 3,
        "every form of the battery: {}",
        forms.len()
    );
    assert!(h.state().0.preview().loads());
}

/// Every file under `dir`, sorted.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("list") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// The instruments the studies added (RAND-36, the Whiteley Index, WHO-5, the activity scale,
/// the back trial's background and follow-up) open in the preview in bokmål and Danish, with
/// every question and score of the form on the panel.
#[test]
fn the_study_instruments_preview_in_bokmal_and_danish() {
    let loaded = svar_forms::library::load_paths(&[common::root().join("forms")], None);
    for id in [
        "rand36",
        "whiteley",
        "who5",
        "saltin_grimby",
        "dk_back_background",
        "dk_back_followup",
    ] {
        let form = &loaded.forms[id];
        for lang in [Lang::Nb, Lang::Da] {
            let path = common::root().join(format!("forms/{id}.json"));
            let h = window(&path, lang);
            assert!(h.state().0.preview().loads(), "{id}");
            let forms = panel(&h);
            assert_eq!(forms.len(), 1, "{id}");
            assert_eq!(forms[0].title, form.title.get(lang), "{id} {lang:?}");
            assert_eq!(forms[0].items.len(), form.items.len(), "{id}");
            let scores: Vec<&str> = forms[0].scores.iter().map(|s| s.id.as_str()).collect();
            let expected: Vec<&str> = form.scores.iter().map(|s| s.id.as_str()).collect();
            assert_eq!(scores, expected, "{id}");
            h.get_by_label(&tr(lang, "intro-start"));
        }
    }
}

/// `svar preview BATTERY --timepoint`: the forms of that visit only.
#[test]
fn a_battery_previews_one_visit() {
    let path = common::root().join("forms/batteries/dk_back_visit.json");
    let titles = |tp| {
        let (_, visit) = Preview::open(Source::new(&path, None), Lang::Da, tp);
        let visit = visit.expect("the battery loads");
        svar_kiosk::preview::panel(visit.session())
            .into_iter()
            .map(|f| f.title)
            .collect::<Vec<_>>()
    };
    let at_6 = titles(Some(svar_forms::battery::Timepoint::Month6));
    assert!(
        at_6.contains(&"Ændringer siden sidst: job og ryg".to_owned()),
        "{at_6:?}"
    );
    assert!(
        !at_6.contains(&"Om dig, dit job og din ryg".to_owned()),
        "{at_6:?}"
    );
    let whole = titles(None);
    assert_eq!(whole.len(), at_6.len() + 1, "{whole:?}");
}
