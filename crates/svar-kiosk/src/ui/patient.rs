//! A patient's visit on the screen: the session's screens with their widget state, and what
//! the patient's taps do to the visit.

use super::Intent;
use super::question;
use super::view::Texts;
use super::widgets::{date, keyboard, keypad, signature};
use crate::visit::{Recorder, Visit};
use std::collections::HashMap;
use svar_forms::answer::Answer;
use svar_forms::form::ItemIx;
use svar_forms::session::{AnswerOutcome, Nav, Position, Session, auto_advances};
use svar_forms::text::Lang;

/// Where a patient is in their visit, outside what the session itself tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Step {
    /// Choosing a language before the first form.
    Language,
    /// Answering: the session's position says which screen.
    Answering,
}

/// A patient's visit with the state of the screen they see.
pub(super) struct PatientScreen {
    /// The visit: the session and where it is recorded.
    pub(super) visit: Visit,
    /// Where the patient is outside the session.
    pub(super) step: Step,
    /// The language tiles shown over the current screen.
    pub(super) picker_open: bool,
    /// Forward goes back to the review list (after a jump from it).
    pub(super) back_to_review: bool,
    /// Widget state of the session screen shown now.
    pub(super) scratch: Scratch,
    /// The session position `scratch` belongs to.
    shown: Position,
}

impl PatientScreen {
    /// The screen of a visit handed over, at `step`.
    pub(super) fn new(visit: Visit, step: Step) -> PatientScreen {
        let shown = visit.session().position();
        PatientScreen {
            visit,
            step,
            picker_open: false,
            back_to_review: false,
            scratch: Scratch::default(),
            shown,
        }
    }

    /// The session.
    pub(super) fn session(&self) -> &Session {
        self.visit.session()
    }

    /// Forward, or straight back to the review list after a jump from it.
    fn forward(&mut self, store: &mut dyn Recorder) {
        if self.back_to_review {
            if self.visit.review(store) != Nav::Stayed {
                self.back_to_review = false;
            }
        } else {
            self.visit.forward(store);
        }
    }

    /// Drops the widget state of a session screen the patient has left.
    fn follow_position(&mut self) {
        let position = self.session().position();
        if position != self.shown {
            self.scratch = Scratch::default();
            self.shown = position;
        }
    }

    /// The patient chose `lang` (on the language screen or from the header).
    pub(super) fn pick_language(&mut self, store: &mut dyn Recorder, lang: Lang) {
        self.visit.set_lang(store, lang);
        self.picker_open = false;
        self.step = Step::Answering;
    }

    /// Per-frame housekeeping: a single-choice screen moving on by itself, and dropping the
    /// widget state of a screen left.
    pub(super) fn tick(&mut self, store: &mut dyn Recorder, now: f64) {
        if let Some(at) = self.scratch.advance_at
            && now >= at
        {
            self.scratch.advance_at = None;
            self.forward(store);
        }
        self.follow_position();
    }

    /// Applies a tap of the patient's on a session screen.
    pub(super) fn apply(
        &mut self,
        intent: Intent,
        store: &mut dyn Recorder,
        texts: Texts,
        now: f64,
    ) {
        match intent {
            Intent::OpenLanguages => self.picker_open = true,
            Intent::CloseLanguages => self.picker_open = false,
            Intent::Next => self.next(store, now),
            Intent::AnswerThem => {
                if let Some(prompt) = self.scratch.prompt.filter(|p| p.ready(now)) {
                    self.scratch.prompt = None;
                    let left = self.session().unanswered_here();
                    let one_question = self
                        .session()
                        .current_screen()
                        .is_some_and(|(_, sc)| sc.items.len() == 1);
                    self.scratch.nudged = prompt.required;
                    // On a screen of one question the message under it says what is needed;
                    // on a longer one the first question left comes into view.
                    self.scratch.reveal_nudge = prompt.required && one_question;
                    self.scratch.reveal = (!one_question)
                        .then(|| left.first().map(|ix| (*ix, Reveal::Centre)))
                        .flatten();
                }
            }
            Intent::GoOnWithout => {
                if self
                    .scratch
                    .prompt
                    .is_some_and(|p| p.ready(now) && !p.required)
                {
                    self.scratch.prompt = None;
                    self.forward(store);
                }
            }
            Intent::Back => {
                self.scratch.advance_at = None;
                if self.visit.back(store) == Nav::Stayed
                    && self.visit.problem().is_none()
                    && matches!(self.session().position(), Position::Intro { form: 0 })
                {
                    self.step = Step::Language;
                }
            }
            Intent::Answer(form, item, answer) => {
                let s = self.visit.session();
                let screen_moves_on = s
                    .current_screen()
                    .filter(|(_, screen)| auto_advances(s.form(form), screen))
                    .and(s.form(form).auto_advance);
                if self.visit.answer(store, form, item, answer) == AnswerOutcome::Accepted {
                    self.scratch.nudged = false;
                    self.scratch.advance_at = screen_moves_on.map(|d| now + d.as_secs_f64());
                    // On a screen of several questions the next unanswered one comes into view.
                    let left = self.session().unanswered_here();
                    self.scratch.reveal = left
                        .iter()
                        .find(|ix| **ix > item)
                        .or(left.first())
                        .map(|ix| (*ix, Reveal::Follow));
                }
            }
            Intent::Keypad(form, item, key) => self.keypad(store, texts, form, item, key),
            Intent::Keyboard(form, item, key) => {
                let current = match self.session().answers(form).get(item) {
                    Some(Answer::Text(t)) => t.clone(),
                    _ => String::new(),
                };
                let (text, shift) = keyboard::apply(&current, &key, self.scratch.shift);
                self.scratch.shift = shift;
                let answer = (!text.is_empty()).then_some(Answer::Text(text));
                // Past the length limit the session refuses the key; the text stays as it was.
                let _ = self.visit.answer(store, form, item, answer);
            }
            Intent::SignatureConfirm(form, item) => {
                if !self.sign(store, form, item) {
                    self.scratch.pad_message = Some(PadMessage::Empty);
                }
            }
            Intent::SignatureClear(form, item) => {
                self.scratch.pads.remove(&item);
                self.scratch.pad_message = None;
                self.visit.answer(store, form, item, None);
            }
            Intent::GoTo(form, item) => {
                if self.visit.go_to(store, form, item) != Nav::Stayed {
                    self.back_to_review = true;
                    // The new screen's state starts now, with the question brought into view
                    // (on a grid it may be far down).
                    self.follow_position();
                    self.scratch.reveal = Some((item, Reveal::Centre));
                }
            }
            Intent::Finish => {
                let _ = self.visit.request_finish(store);
            }
            Intent::CancelFinish => {
                self.visit.back(store);
            }
            // The kiosk handles the rest: they change more than this visit.
            Intent::StartDemo
            | Intent::PickLanguage(_)
            | Intent::CycleTextSize
            | Intent::ToggleContrast
            | Intent::ConfirmFinish
            | Intent::AskStaff
            | Intent::StillHere
            | Intent::Staff(_) => {}
        }
    }

    /// Next: on, unless questions here have no response. Then a prompt says how many, once;
    /// taps on Next while it shows (or after "Answer them" with required ones left) do nothing
    /// but bring the explanation into view, so a required question is never skipped.
    fn next(&mut self, store: &mut dyn Recorder, now: f64) {
        self.scratch.advance_at = None;
        if self.scratch.prompt.is_some() {
            return;
        }
        // A signature drawn and not confirmed is what the patient meant: Next signs it.
        if let Some((form, screen)) = self.session().current_screen() {
            for item in screen.items {
                self.sign(store, form, item);
            }
        }
        let left = self.session().unanswered_here();
        if left.is_empty() {
            self.forward(store);
            return;
        }
        // A number typed out of range already says what is wrong under its pad: Next brings
        // that message into view instead of covering it with the prompt.
        if let Some(item) = self.scratch.explained() {
            self.scratch.reveal = Some((item, Reveal::Centre));
            return;
        }
        let required_left = self.session().required_unanswered_here().len();
        let required = required_left > 0;
        if self.scratch.nudged && required {
            self.scratch.reveal_nudge = true;
            self.scratch.reveal = left.first().map(|ix| (*ix, Reveal::Centre));
            return;
        }
        self.scratch.prompt = Some(Prompt {
            count: left.len(),
            required,
            all_required: required_left == left.len(),
            since: now,
        });
    }

    /// Makes what is drawn on `item`'s signature pad its answer, unless that is the answer
    /// already. False when nothing is drawn (or the item has no pad on screen).
    fn sign(&mut self, store: &mut dyn Recorder, form: usize, item: ItemIx) -> bool {
        let Some(pad) = self.scratch.pads.get(&item).filter(|p| p.drawn()) else {
            return false;
        };
        let strokes = Answer::Strokes(pad.strokes.clone());
        if self.session().answers(form).get(item) != Some(&strokes)
            && self.visit.answer(store, form, item, Some(strokes)) == AnswerOutcome::Accepted
        {
            self.scratch.pad_message = Some(PadMessage::Confirmed);
        }
        true
    }

    fn keypad(
        &mut self,
        store: &mut dyn Recorder,
        texts: Texts,
        form: usize,
        item: ItemIx,
        key: keypad::Key,
    ) {
        let entry = self.scratch.keypads.entry(item).or_default();
        keypad::apply(&mut entry.0, key);
        let (answer, problem) = match keypad::value(&entry.0) {
            Some(value) => (value.map(Answer::Number), None),
            None => (None, Some(texts.tr("keypad-not-a-number"))),
        };
        entry.1 = problem;
        if let Some(a) = &answer
            && let AnswerOutcome::Rejected(problem) =
                self.visit.answer(store, form, item, Some(a.clone()))
        {
            entry.1 = Some(question::problem_text(
                texts,
                self.visit.session().form(form).item(item),
                &problem,
            ));
            self.visit.answer(store, form, item, None);
        } else if answer.is_none() {
            self.visit.answer(store, form, item, None);
        }
    }
}

/// Widget state that belongs to the session screen being shown and is dropped with it.
/// `Debug` leaves out what the patient has typed (keypad text and its messages).
#[derive(Default)]
pub struct Scratch {
    /// Keypad text and message by item.
    pub keypads: HashMap<ItemIx, (String, Option<String>)>,
    /// Capitals on for the keyboard.
    pub shift: bool,
    /// Date drafts by item.
    pub dates: HashMap<ItemIx, date::Draft>,
    /// Signature pads by item.
    pub pads: HashMap<ItemIx, signature::Pad>,
    /// A message under the signature pad.
    pub pad_message: Option<PadMessage>,
    /// Shown when Next was tapped with a required question unanswered.
    pub nudged: bool,
    /// Set with `nudged`: the next frame scrolls the message into view, once, so a patient
    /// on a long screen sees why Next did not move on and can still scroll away.
    pub reveal_nudge: bool,
    /// Clock time at which a single-choice screen moves on by itself.
    pub advance_at: Option<f64>,
    /// The unanswered-questions prompt, while it shows.
    pub prompt: Option<Prompt>,
    /// An item to bring into view on the next frame, and how.
    pub reveal: Option<(ItemIx, Reveal)>,
}

impl Scratch {
    /// The first item on the screen whose number pad says what is wrong with what was typed
    /// (out of range, not a number): that message is the one to show, nothing over it.
    pub fn explained(&self) -> Option<ItemIx> {
        self.keypads
            .iter()
            .filter(|(_, (_, message))| message.is_some())
            .map(|(ix, _)| *ix)
            .min()
    }
}

/// How an item is brought into view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reveal {
    /// The next question after an answer: the page moves only when that question is out of
    /// view, then just enough and at once (no sliding), so the rows never move under a
    /// finger that is about to tap the next one.
    Follow,
    /// A question the patient was sent to (from the review, or by Next): centred, so what
    /// comes before it stays partly in view.
    Centre,
}

/// What the signature pad last said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PadMessage {
    /// Confirm was tapped with nothing drawn (shown until drawing starts).
    Empty,
    /// The drawing is saved as the answer (shown while the pad shows what was saved).
    Confirmed,
}

/// The prompt Next opens on a screen with questions left without a response.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prompt {
    /// How many.
    pub count: usize,
    /// Whether some of them are required (then there is no going on without).
    pub required: bool,
    /// Whether every one of them is required (the prompt then says "all", not "some").
    pub all_required: bool,
    /// When it opened: its buttons take taps only after [`Prompt::READ_SECONDS`], so quick
    /// taps on Next cannot tap through it unread.
    pub since: f64,
}

impl Prompt {
    /// Seconds the prompt shows before its buttons take a tap.
    pub const READ_SECONDS: f64 = 1.0;

    /// Whether its buttons take taps at `now`.
    pub fn ready(&self, now: f64) -> bool {
        now >= self.since + Self::READ_SECONDS
    }
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keypads: Vec<&ItemIx> = self.keypads.keys().collect();
        f.debug_struct("Scratch")
            .field("keypads", &keypads)
            .field("shift", &self.shift)
            .field("dates", &self.dates)
            .field("pads", &self.pads)
            .field("pad_message", &self.pad_message)
            .field("nudged", &self.nudged)
            .field("reveal_nudge", &self.reveal_nudge)
            .field("advance_at", &self.advance_at)
            .field("prompt", &self.prompt)
            .field("reveal", &self.reveal)
            .finish()
    }
}
