//! Patient data stays out of `Debug` output, and free text is wiped from memory when the
//! answer holding it is dropped.

mod common;

use common::{OCCUPATION, PATIENT};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use svar_forms::answer::{Answer, Answers, Date};
use svar_forms::form::ItemIx;
use svar_forms::session::{AnswerOutcome, Session};
use svar_forms::text::Lang;
use svar_kiosk::ui::staff::StaffIntent;
use svar_kiosk::ui::widgets::{date, keyboard, keypad, signature};
use svar_kiosk::ui::{Intent, Scratch};

/// Watches freed memory: every block handed back to the allocator is searched for the
/// bytes a test is watching for, so a test can tell whether patient text was left behind
/// in memory that the program no longer owns.
struct Watch;

thread_local! {
    static WATCHED: Cell<Option<&'static [u8]>> = const { Cell::new(None) };
    static FOUND: Cell<bool> = const { Cell::new(false) };
}

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl GlobalAlloc for Watch {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // Zeroed, so every byte the search in `dealloc` reads has been written.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // The thread-locals may be gone while the thread exits; nothing is watched then.
        let _ = WATCHED.try_with(|watched| {
            if let Some(needle) = watched.get() {
                // SAFETY: the block is `layout.size()` bytes, allocated zeroed above and
                // still ours until it is passed on below.
                let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
                if block.windows(needle.len()).any(|w| w == needle) {
                    FOUND.with(|found| found.set(true));
                }
            }
        });
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Watch = Watch;

/// Whether memory freed while `f` runs on this thread still holds `needle`.
fn leaves_in_freed_memory(needle: &'static str, f: impl FnOnce()) -> bool {
    FOUND.with(|found| found.set(false));
    WATCHED.with(|watched| watched.set(Some(needle.as_bytes())));
    f();
    WATCHED.with(|watched| watched.set(None));
    FOUND.with(Cell::get)
}

/// A demo-battery session on the "about you" form, with a free-text occupation, a birth date,
/// weekly hours and a multiple choice answered.
fn answered_session() -> (Session, usize) {
    let mut s = Session::new(common::Kiosk::new().demo(), Lang::Nb);
    let form = (0..s.battery().forms.len())
        .find(|f| s.form(*f).id.as_str() == "about_you")
        .expect("the demo battery has the about-you form");
    let item = |s: &Session, id: &str| s.form(form).item_ix(id).expect("item in form");
    let answers = [
        ("occupation", Answer::Text(OCCUPATION.to_owned())),
        (
            "birth_date",
            Answer::Date(Date::parse("1971-05-23").unwrap()),
        ),
        ("employed", Answer::Number(1.0)),
        ("weekly_hours", Answer::Number(37.5)),
        ("sleep", Answer::Choices(vec![3.0])),
    ];
    for (id, answer) in answers {
        let ix = item(&s, id);
        assert_eq!(
            s.answer(form, ix, Some(answer)),
            AnswerOutcome::Accepted,
            "{id}"
        );
    }
    (s, form)
}

/// The answer values given in [`answered_session`], as `Debug` would spell them.
const GIVEN: [&str; 5] = [OCCUPATION, "Zebulon", "1971", "37.5", "[3.0]"];

fn assert_shows_nothing_given(what: &str, debug: &str) {
    for value in GIVEN {
        assert!(
            !debug.contains(value),
            "{what}'s Debug shows the answer {value:?}: {debug}"
        );
    }
}

#[test]
fn answers_and_sessions_debug_without_their_values() {
    let (session, form) = answered_session();
    assert_shows_nothing_given("Session", &format!("{session:?}"));
    assert_shows_nothing_given("Answers", &format!("{:?}", session.answers(form)));
    let each: Vec<&Answer> = (0..session.form(form).items.len())
        .filter_map(|i| session.answers(form).get(ItemIx(i)))
        .collect();
    assert_eq!(each.len(), 5);
    assert_shows_nothing_given("Answer", &format!("{each:?}"));
    let regions = Answer::Regions(vec!["low_back_zebulon".into()]);
    let strokes = Answer::Strokes(vec![vec![[0.123_456, 0.654_321]]]);
    let debug = format!("{regions:?} {strokes:?}");
    for value in ["zebulon", "123456", "654321"] {
        assert!(!debug.contains(value), "{debug}");
    }
    // The kind of answer is still shown: it is what debugging needs.
    let kinds = format!("{each:?}");
    assert!(kinds.contains("Text") && kinds.contains("Date"), "{kinds}");
}

#[test]
fn kiosk_intents_and_screen_state_debug_without_what_the_patient_entered() {
    let (session, form) = answered_session();
    let occupation = session.form(form).item_ix("occupation").unwrap();
    let mut intents: Vec<Intent> = (0..session.form(form).items.len())
        .filter_map(|i| session.answers(form).get(ItemIx(i)))
        .map(|a| Intent::Answer(form, occupation, Some(a.clone())))
        .collect();
    intents.extend(
        OCCUPATION
            .chars()
            .map(|c| Intent::Keyboard(form, occupation, keyboard::Key::Char(c))),
    );
    intents.extend(
        "37,5"
            .chars()
            .filter_map(|c| c.to_digit(10))
            .map(|d| Intent::Keypad(form, occupation, keypad::Key::Digit(d as u8))),
    );
    let debug = format!("{intents:?}");
    assert_shows_nothing_given("Intent", &debug);
    for c in OCCUPATION.chars().filter(|c| c.is_uppercase()) {
        assert!(
            !debug.contains(c),
            "Intent's Debug shows a typed {c:?}: {debug}"
        );
    }
    assert!(
        !debug.contains('7'),
        "Intent's Debug shows a keypad digit: {debug}"
    );

    let mut scratch = Scratch::default();
    scratch
        .keypads
        .insert(occupation, ("37,5".into(), Some("37,5 is too much".into())));
    scratch.dates.insert(
        occupation,
        date::Draft::from_date(Date::parse("1971-05-23")),
    );
    scratch.pads.insert(
        occupation,
        signature::Pad::from_strokes(vec![vec![[0.123_456, 0.654_321]]]),
    );
    let debug = format!("{scratch:?}");
    for value in ["37,5", "1971", "123456", "654321"] {
        assert!(
            !debug.contains(value),
            "Scratch's Debug shows {value:?}: {debug}"
        );
    }
}

#[test]
fn staff_intents_debug_without_the_typed_patient_id_or_pin() {
    let mut intents: Vec<Intent> = PATIENT
        .chars()
        .filter_map(|c| c.to_digit(10))
        .map(|d| Intent::Staff(StaffIntent::IdKey(keypad::Key::Digit(d as u8))))
        .collect();
    intents.extend(
        "S4711Q"
            .chars()
            .map(|c| Intent::Staff(StaffIntent::IdChar(keyboard::Key::Char(c)))),
    );
    intents.extend([4, 7, 1, 1].map(|d| Intent::Staff(StaffIntent::PinKey(keypad::Key::Digit(d)))));
    let debug = format!("{intents:?}");
    assert!(
        !debug.chars().any(|c| c.is_ascii_digit()),
        "a staff intent's Debug shows a typed digit: {debug}"
    );
    assert!(!debug.contains('Q'), "{debug}");
    // The intents are still told apart.
    assert!(debug.contains("IdKey") && debug.contains("IdChar") && debug.contains("PinKey"));
}

#[test]
fn free_text_is_wiped_when_an_answer_is_replaced_cleared_or_dropped() {
    let (mut session, form) = answered_session();
    let occupation = session.form(form).item_ix("occupation").unwrap();
    assert!(!leaves_in_freed_memory(OCCUPATION, || {
        session.answer(form, occupation, Some(Answer::Text("Lærer".into())));
    }));
    session.answer(form, occupation, Some(Answer::Text(OCCUPATION.to_owned())));
    assert!(!leaves_in_freed_memory(OCCUPATION, || {
        session.answer(form, occupation, None);
    }));
    session.answer(form, occupation, Some(Answer::Text(OCCUPATION.to_owned())));
    // The patient boundary: the session ends and is dropped without an explicit wipe.
    assert!(!leaves_in_freed_memory(OCCUPATION, move || drop(session)));

    let battery = common::Kiosk::new().demo();
    let about = battery
        .forms
        .iter()
        .find(|f| f.form.id.as_str() == "about_you")
        .unwrap();
    let mut answers = Answers::new(&about.form);
    let ix = about.form.item_ix("occupation").unwrap();
    answers
        .set(&about.form, ix, Some(Answer::Text(OCCUPATION.to_owned())))
        .unwrap();
    assert!(!leaves_in_freed_memory(OCCUPATION, move || drop(answers)));
    // The watch itself sees text that is not wiped.
    assert!(leaves_in_freed_memory(OCCUPATION, || drop(
        OCCUPATION.to_owned()
    )));
}
