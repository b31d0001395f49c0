//! Whole sessions through the session API alone, without any GUI.

mod common;

use std::sync::Arc;
use svar_forms::answer::{Answer, AnswerProblem};
use svar_forms::session::{AnswerOutcome, Nav, Position, Session};
use svar_forms::text::Lang;

fn demo() -> Session {
    let loaded = svar_forms::library::load_paths(&[common::root().join("forms")], None);
    Session::new(Arc::new(loaded.batteries["demo"].clone()), Lang::Nb)
}

fn form_ix(s: &Session, id: &str) -> usize {
    (0..s.battery().forms.len())
        .find(|f| s.form(*f).id.as_str() == id)
        .expect("form in battery")
}

#[test]
fn answers_are_checked_and_outcomes_say_what_happened() {
    let mut s = demo();
    let f = form_ix(&s, "nrs_pain");
    let now = s.form(f).item_ix("now").unwrap();
    assert_eq!(
        s.answer(f, now, Some(Answer::Number(11.0))),
        AnswerOutcome::Rejected(AnswerProblem::OutOfRange {
            min: "0".into(),
            max: "10".into()
        })
    );
    assert_eq!(
        s.answer(f, now, Some(Answer::Number(4.0))),
        AnswerOutcome::Accepted
    );
    assert_eq!(s.answer(f, now, None), AnswerOutcome::Cleared);
    assert_eq!(s.answers(f).get(now), None);
}

#[test]
fn forward_and_back_walk_intro_screens_and_forms() {
    let mut s = demo();
    assert_eq!(s.position(), Position::Intro { form: 0 });
    assert_eq!(s.back(), Nav::Stayed);
    assert_eq!(
        s.forward(),
        Nav::Moved(Position::Screen { form: 0, screen: 0 })
    );
    assert_eq!(s.back(), Nav::Moved(Position::Intro { form: 0 }));
    // Walk to the end of the consent form: its signature page stays hidden without a yes.
    let mut last = s.position();
    while let Position::Intro { form: 0 } | Position::Screen { form: 0, .. } = s.position() {
        last = s.position();
        s.forward();
    }
    assert_eq!(s.position(), Position::Intro { form: 1 });
    assert_eq!(s.back(), Nav::Moved(last));
}

#[test]
fn a_skipped_required_question_is_reported_and_blocks_finishing() {
    let mut s = demo();
    let f = form_ix(&s, "phq9");
    let q1 = s.form(f).item_ix("q1").unwrap();
    assert_eq!(
        s.go_to(f, q1),
        Nav::Moved(Position::Screen { form: f, screen: 0 })
    );
    assert_eq!(s.unanswered_here(), vec![q1], "what Next would skip");
    match s.forward() {
        Nav::SkippedRequired(_, items) => assert_eq!(items, vec![q1]),
        other => panic!("expected a skipped required question, got {other:?}"),
    }
    assert!(s.missing().iter().any(|m| m.form == f && m.item == q1));
    assert!(s.request_finish().is_err());
    assert!(s.confirm_finish().is_err());
}

#[test]
fn progress_counts_questions_not_information_screens() {
    let mut s = demo();
    s.forward();
    let p = s.progress();
    assert_eq!((p.form, p.forms), (1, 7));
    assert_eq!(
        p.questions, 1,
        "the consent form asks one question until it is answered yes"
    );
    assert_eq!(p.fraction, 0.0);
    let f = form_ix(&s, "consent");
    let agree = s.form(f).item_ix("consent").unwrap();
    s.answer(f, agree, Some(Answer::Number(1.0)));
    assert_eq!(
        s.progress().questions,
        2,
        "the signature appears with a yes"
    );
}

#[test]
fn a_completed_session_is_scored_with_the_battery_cut_offs() {
    let loaded = svar_forms::library::load_paths(&[common::root().join("forms")], None);
    let battery = Arc::new(loaded.batteries["no_work_health_baseline"].clone());
    let mut s = Session::new(Arc::clone(&battery), Lang::Nn);
    // Fill every required question with its lowest answer, and HSCL-25 so its mean is 1.85.
    for f in 0..battery.forms.len() {
        let form = Arc::clone(&battery.forms[f].form);
        for (i, item) in form.items.iter().enumerate() {
            let ix = svar_forms::form::ItemIx(i);
            let value = match &item.kind {
                _ if form.id.as_str() == "hscl25" => Some(if i < 17 {
                    2.0
                } else if i < 20 {
                    1.0
                } else {
                    continue;
                }),
                svar_forms::form::ItemKind::SingleChoice { options, .. } => {
                    options.first().map(|o| o.value)
                }
                svar_forms::form::ItemKind::YesNo => Some(0.0),
                svar_forms::form::ItemKind::Rating { min, .. } => Some(*min as f64),
                _ => None,
            };
            if let Some(v) = value {
                s.answer(f, ix, Some(Answer::Number(v)));
            }
        }
    }
    let reports = s.confirm_finish().expect("nothing required is missing");
    let hscl = battery
        .forms
        .iter()
        .position(|m| m.form.id.as_str() == "hscl25")
        .unwrap();
    let total = reports[hscl].get("total").unwrap();
    assert_eq!(total.value, Some(1.85));
    assert_eq!(
        total.band.as_ref().map(|b| b.as_str()),
        Some("below"),
        "the trial reads only above 1.85 as a case"
    );
    assert_eq!(s.position(), Position::Done);
}

#[test]
fn a_decline_counts_for_required_is_missing_for_scores_and_each_missing_state_is_told_apart() {
    let loaded = svar_forms::library::load_paths(&[common::root().join("forms")], None);
    let phq9 = Arc::clone(&loaded.forms["phq9"]);
    let battery = svar_forms::battery::Battery::of_form(Arc::clone(&phq9));
    let mut s = Session::new(Arc::new(battery), Lang::Da);
    let ix = |id: &str| phq9.item_ix(id).expect("item");
    // Only PHQ-9 item 9 offers "prefer not to answer".
    assert_eq!(
        s.answer(0, ix("q1"), Some(Answer::Declined)),
        AnswerOutcome::Rejected(AnswerProblem::DeclineNotAllowed)
    );
    assert_eq!(
        s.answer(0, ix("q9"), Some(Answer::Declined)),
        AnswerOutcome::Accepted
    );
    assert!(s.answers(0).declined(ix("q9")));
    assert_eq!(s.answers(0).get(ix("q9")), None, "missing for scoring");
    // The first screen reached and left; the rest never reached.
    s.forward();
    s.answer(0, ix("q1"), Some(Answer::Number(2.0)));
    let states = s.item_states(0);
    use svar_forms::session::ItemState;
    assert_eq!(states[ix("q1").0], Some(ItemState::Answered));
    assert_eq!(states[ix("q9").0], Some(ItemState::Declined));
    assert_eq!(states[ix("q2").0], Some(ItemState::NotReached));
    s.forward();
    assert_eq!(
        s.item_states(0)[ix("q2").0],
        Some(ItemState::Unanswered),
        "seen and left"
    );
    // The review lists what has no response; a decline is a response.
    let listed: Vec<_> = s.unanswered().iter().map(|u| u.item).collect();
    assert!(listed.contains(&ix("q2")) && !listed.contains(&ix("q9")));
    let q2 = s.unanswered().into_iter().find(|u| u.item == ix("q2"));
    assert!(
        q2.is_some_and(|u| !u.scores.is_empty()),
        "item 2 feeds the total"
    );
}

#[test]
fn progress_moves_with_each_answer_on_a_grid() {
    let mut s = demo();
    let f = form_ix(&s, "hscl25");
    let q1 = s.form(f).item_ix("q1").unwrap();
    let q2 = s.form(f).item_ix("q2").unwrap();
    while s.current_screen().map(|(form, _)| form) != Some(f) {
        s.forward();
    }
    let before = s.progress().fraction;
    s.answer(f, q1, Some(Answer::Number(1.0)));
    let one = s.progress().fraction;
    s.answer(f, q2, Some(Answer::Number(1.0)));
    let two = s.progress().fraction;
    assert!(before < one && one < two, "{before} < {one} < {two}");
    assert_eq!(s.progress().question, 1);
    assert_eq!(s.progress().last_question, 25);
}

#[test]
fn a_no_to_consent_skips_the_research_forms_acknowledges_it_and_keeps_nothing_of_them() {
    use svar_forms::session::ItemState;
    let mut s = demo();
    let consent_form = form_ix(&s, "consent");
    let consent = s.form(consent_form).item_ix("consent").unwrap();
    let about = form_ix(&s, "about_you");
    let pain = form_ix(&s, "nrs_pain");
    let occupation = s.form(about).item_ix("occupation").unwrap();
    assert_eq!(s.progress().forms, 7);
    // A patient who said yes and answered a research form, then went back and said no.
    s.answer(consent_form, consent, Some(Answer::Number(1.0)));
    s.answer(about, occupation, Some(Answer::Text("Lærer".into())));
    s.answer(consent_form, consent, Some(Answer::Number(0.0)));
    assert_eq!(s.consent(), Some(false));
    assert_eq!(
        s.answers(about).get(occupation),
        None,
        "nothing kept without consent"
    );
    for id in ["about_you", "nmq", "hscl25", "was"] {
        let f = form_ix(&s, id);
        assert!(s.skipped(f), "{id} is research only");
        assert!(s.screens(f).is_empty());
        assert!(
            s.item_states(f)
                .iter()
                .flatten()
                .all(|st| *st == ItemState::NotShown),
            "{id}: every item not shown"
        );
    }
    assert!(!s.skipped(pain) && !s.skipped(form_ix(&s, "phq9")));
    assert_eq!(
        s.progress().forms,
        3,
        "only the forms the patient will answer"
    );
    // The consent form ends on its acknowledgement; the next part is the pain form.
    s.go_to(consent_form, consent);
    assert_eq!(
        s.forward(),
        Nav::Moved(Position::Screen { form: 0, screen: 7 })
    );
    let (_, ack) = s.current_screen().unwrap();
    assert_eq!(
        s.form(consent_form).item(ack.items[0]).id.as_str(),
        "declined_note"
    );
    assert_eq!(s.forward(), Nav::Moved(Position::Intro { form: pain }));
    assert_eq!(s.progress().form, 2, "part 2 of 3");
    assert_eq!(
        s.back(),
        Nav::Moved(Position::Screen { form: 0, screen: 7 })
    );
    // Nothing of the skipped forms is missing for the finish or listed on the review.
    assert!(s.missing().iter().all(|m| !s.skipped(m.form)));
    assert!(s.unanswered().iter().all(|u| !s.skipped(u.form)));
    // A yes brings them back, empty.
    s.answer(consent_form, consent, Some(Answer::Number(1.0)));
    assert!(!s.skipped(about));
    assert_eq!(s.progress().forms, 7);
}

#[test]
fn intro_counts_say_what_the_patient_will_meet() {
    let s = demo();
    let consent = s.intro_counts(form_ix(&s, "consent"));
    // The consent question now, the signature after a yes (or the note after a no: not a
    // question), and six pages about the study to read.
    assert_eq!(
        (consent.questions, consent.at_most, consent.reading),
        (1, 2, 6)
    );
    // Nine items, and the difficulty question once any problem is reported.
    let phq9 = s.intro_counts(form_ix(&s, "phq9"));
    assert_eq!((phq9.questions, phq9.at_most, phq9.reading), (9, 10, 0));
    let pain = s.intro_counts(form_ix(&s, "nrs_pain"));
    assert_eq!(
        pain.questions, pain.at_most,
        "no conditions: one exact count"
    );
}

#[test]
fn a_page_shown_on_a_score_appears_when_the_total_crosses_its_value_and_goes_when_it_falls() {
    // The admin guide's worked example: its follow-up page is shown when `total >= 9`.
    let path = common::root().join("docs/examples/sleep_check.json");
    let (form, warnings) = svar_forms::library::load_form(&path, None).expect("the example loads");
    assert!(warnings.is_empty(), "{warnings:?}");
    let form = Arc::new(form);
    let battery = Arc::new(svar_forms::battery::Battery::of_form(Arc::clone(&form)));
    let mut s = Session::new(battery, Lang::Da);
    // The pages with a visible question (one question to a screen).
    let pages = |s: &Session| -> Vec<String> {
        let mut pages: Vec<String> = s
            .screens(0)
            .iter()
            .map(|screen| s.form(0).pages[screen.page].id.to_string())
            .collect();
        pages.dedup();
        pages
    };
    let item = |id: &str| form.item_ix(id).expect("item");
    assert_eq!(pages(&s), ["sleep"], "no total yet: no follow-up");
    for (id, value) in [("q1", 3.0), ("q2", 3.0), ("q3", 2.0)] {
        s.answer(0, item(id), Some(Answer::Number(value)));
    }
    assert_eq!(
        pages(&s),
        ["sleep"],
        "8 with q4 unanswered: the total needs all four"
    );
    s.answer(0, item("q4"), Some(Answer::Number(0.0)));
    assert_eq!(pages(&s), ["sleep"], "total 8 is below 9");
    s.answer(0, item("q4"), Some(Answer::Number(1.0)));
    assert_eq!(
        pages(&s),
        ["sleep", "follow_up"],
        "total 9 reaches the value"
    );
    s.answer(0, item("talk_to_nurse"), Some(Answer::Number(1.0)));
    let flags = |s: &Session| svar_forms::score::score(&form, s.answers(0), &[]).flags;
    assert_eq!(
        flags(&s).iter().map(|f| f.as_str()).collect::<Vec<_>>(),
        ["wants_nurse"]
    );
    s.answer(0, item("q1"), Some(Answer::Number(2.0)));
    assert_eq!(pages(&s), ["sleep"], "total 8 again: the page goes");
    let report = svar_forms::score::score(&form, s.answers(0), &[]);
    assert_eq!(report.get("total").unwrap().value, Some(8.0));
    assert!(
        flags(&s).is_empty(),
        "the hidden follow-up's answer is neither scored nor flagged"
    );
}

#[test]
fn a_visit_asks_only_the_forms_listed_for_it() {
    use svar_forms::battery::Timepoint;
    let loaded = svar_forms::library::load_paths(&[common::root().join("forms")], None);
    let battery = Arc::new(loaded.batteries["dk_back_visit"].clone());
    let ids = |tp: Option<Timepoint>| -> Vec<String> {
        let s = Session::new(battery.for_visit(tp), Lang::Da);
        (0..s.battery().forms.len())
            .map(|f| s.form(f).id.to_string())
            .collect()
    };
    let every_visit = [
        "paindetect",
        "rmdq",
        "fabq",
        "was",
        "rand36",
        "saltin_grimby",
    ];
    // Background first at baseline, what changed first at the follow-ups, and satisfaction
    // with the treatment only once there has been one.
    let visit = |first: &str, last: Option<&str>| {
        std::iter::once(first)
            .chain(every_visit)
            .chain(last)
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(Some(Timepoint::Baseline)),
        visit("dk_back_background", None)
    );
    let follow_up = visit("dk_back_followup", Some("satisfaction"));
    assert_eq!(ids(Some(Timepoint::Month6)), follow_up);
    assert_eq!(ids(Some(Timepoint::Month12)), follow_up);
    // Without a visit named (a preview of the whole file) every form is there.
    assert_eq!(ids(None).len(), every_visit.len() + 3);
    // The visit keeps the battery's name and version, which bundles record.
    let at_6 = battery.for_visit(Some(Timepoint::Month6));
    assert_eq!((&at_6.id, &at_6.version), (&battery.id, &battery.version));
    // Progress counts only the forms of the visit.
    let s = Session::new(at_6, Lang::Da);
    assert_eq!(s.progress().forms, 8);
    // A single form lists no visit and is asked at any.
    let single = Arc::new(svar_forms::battery::Battery::of_form(Arc::clone(
        &loaded.forms["gad7"],
    )));
    assert_eq!(single.for_visit(Some(Timepoint::Month12)).forms.len(), 1);
}

#[test]
fn a_consent_rule_follows_its_forms_into_a_visit() {
    use svar_forms::battery::Timepoint;
    let dir = tempfile::tempdir().expect("temp dir");
    let forms = dir.path().join("forms");
    std::fs::create_dir_all(forms.join("batteries")).expect("folders");
    for id in ["consent", "phq9", "gad7", "about_you"] {
        std::fs::copy(
            common::root().join(format!("forms/{id}.json")),
            forms.join(format!("{id}.json")),
        )
        .expect("copy");
    }
    std::fs::write(
        forms.join("batteries/visit.json"),
        r#"{
  "id": "visit",
  "version": "1.0.0",
  "title": {"nb": "Besøk", "en": "Visit"},
  "languages": ["nb", "en"],
  "timepoints": ["baseline", "month_6"],
  "forms": [
    {"form": "about_you", "timepoints": ["baseline"]},
    {"form": "consent"},
    {"form": "gad7", "timepoints": ["month_6"]},
    {"form": "phq9"}
  ],
  "consent": {"form": "consent", "item": "consent", "research_only": ["gad7", "phq9"]}
}"#,
    )
    .expect("write");
    let loaded = svar_forms::library::load_paths(&[forms], None);
    let battery = Arc::new(loaded.batteries["visit"].clone());
    let at_6 = battery.for_visit(Some(Timepoint::Month6));
    let rule = at_6.consent.as_ref().expect("consent kept");
    assert_eq!((rule.form, rule.research_only.clone()), (0, vec![1, 2]));
    let at_0 = battery.for_visit(Some(Timepoint::Baseline));
    let rule = at_0.consent.as_ref().expect("consent kept");
    assert_eq!((rule.form, rule.research_only.clone()), (1, vec![2]));
    // A "No" at 6 months skips both research forms of that visit.
    let mut s = Session::new(at_6, Lang::Nb);
    let consent = s.form(0).item_ix("consent").unwrap();
    s.answer(0, consent, Some(Answer::Number(0.0)));
    assert!(s.skipped(1) && s.skipped(2));
}
