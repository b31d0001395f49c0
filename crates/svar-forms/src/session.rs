//! A patient's session through a battery: answers, position, progress and review.
//!
//! The kiosk drives everything through this type, and every call returns an outcome the
//! screen can act on. It holds no GUI state, so whole sessions are tested without egui.

use crate::answer::{Answer, AnswerProblem, Answers};
use crate::battery::Battery;
use crate::form::{Display, Form, ItemIx, ItemKind};
use crate::score::{self, Report};
use crate::text::Lang;
use std::sync::Arc;

/// Where the patient is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum Position {
    /// The short introduction of a form.
    Intro {
        /// Index of the form in the battery.
        form: usize,
    },
    /// A question screen.
    Screen {
        /// Index of the form in the battery.
        form: usize,
        /// Index of the screen among the form's visible screens.
        screen: usize,
    },
    /// The list of unanswered required questions.
    Review,
    /// "Are you finished?"
    Finish,
    /// Answers sent; the session is over.
    Done,
}

/// What one screen shows: visible items of one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Screen {
    /// The page in the form.
    pub page: usize,
    /// Its visible items, in order.
    pub items: Vec<ItemIx>,
}

/// The result of giving or clearing an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerOutcome {
    /// Stored.
    Accepted,
    /// Removed.
    Cleared,
    /// Not stored: the answer does not fit the item (out of range, too long, …).
    Rejected(AnswerProblem),
}

/// The result of moving.
#[derive(Debug, Clone, PartialEq)]
pub enum Nav {
    /// Moved to a new position.
    Moved(Position),
    /// Moved on, leaving required questions of the last screen unanswered (the review
    /// screen will ask for them again).
    SkippedRequired(Position, Vec<ItemIx>),
    /// Nowhere to go (back on the first screen).
    Stayed,
}

/// A required question without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Missing {
    /// The form.
    pub form: usize,
    /// The item.
    pub item: ItemIx,
}

/// A visible question without a response (neither answered nor declined), for the review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unanswered {
    /// The form.
    pub form: usize,
    /// The item.
    pub item: ItemIx,
    /// Whether the patient must answer it before finishing.
    pub required: bool,
    /// The form's scores that read it (a missing answer may leave them without a value).
    pub scores: Vec<crate::form::ScoreIx>,
}

/// What became of one item of a form, as a sealed bundle records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Answered.
    Answered,
    /// The patient chose "I prefer not to answer".
    Declined,
    /// Shown to the patient (on a screen they reached) and left without an answer.
    Unanswered,
    /// Would have been shown, but the session ended before the patient reached it.
    NotReached,
    /// Hidden by a condition on the other answers.
    NotShown,
}

/// What a form's introduction says the patient will meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntroCounts {
    /// Questions shown with the answers so far.
    pub questions: usize,
    /// Questions the form can show at most (more than `questions` when conditions may add).
    pub at_most: usize,
    /// Screens with only text to read.
    pub reading: usize,
}

/// Progress for the header.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Current form, from 1.
    pub form: usize,
    /// Number of forms.
    pub forms: usize,
    /// Number of the first question on the screen within its form, from 1.
    pub question: usize,
    /// Number of the last question on the screen within its form (as `question` for a
    /// screen of one).
    pub last_question: usize,
    /// Visible questions in the form.
    pub questions: usize,
    /// Share of the whole battery's visible questions answered (or declined), 0–1. It moves
    /// with each answer and with nothing else, but a condition that shows more questions
    /// moves it back by those alone.
    pub fraction: f32,
}

/// One patient's answers to one battery. `Debug` shows the battery, language and position,
/// never the answers; dropping the session wipes them (see [`Answer::wipe`]).
#[derive(Clone)]
pub struct Session {
    battery: Arc<Battery>,
    lang: Lang,
    answers: Vec<Answers>,
    position: Position,
    /// The furthest position reached, as (form, screen + 1; 0 for the intro); past the last
    /// form for the review. Items beyond it were not reached.
    furthest: (usize, usize),
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("battery", &self.battery.id)
            .field("lang", &self.lang)
            .field("position", &self.position)
            .field("answers", &self.answers)
            .finish()
    }
}

impl Session {
    /// Starts at the first form's introduction.
    pub fn new(battery: Arc<Battery>, lang: Lang) -> Session {
        let answers = battery
            .forms
            .iter()
            .map(|m| Answers::new(&m.form))
            .collect();
        Session {
            battery,
            lang,
            answers,
            position: Position::Intro { form: 0 },
            furthest: (0, 0),
        }
    }

    /// Sets the position and remembers how far the patient has come.
    fn go(&mut self, position: Position) {
        self.position = position;
        let key = match position {
            Position::Intro { form } => (form, 0),
            Position::Screen { form, screen } => (form, screen + 1),
            Position::Review | Position::Finish | Position::Done => (self.battery.forms.len(), 0),
        };
        self.furthest = self.furthest.max(key);
    }

    /// The battery.
    pub fn battery(&self) -> &Battery {
        &self.battery
    }

    /// The form at an index.
    pub fn form(&self, form: usize) -> &Form {
        &self.battery.forms[form].form
    }

    /// The language chosen.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Changes the language; answers are kept.
    pub fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
    }

    /// Where the patient is.
    pub fn position(&self) -> Position {
        self.position
    }

    /// The answers to one form.
    pub fn answers(&self, form: usize) -> &Answers {
        &self.answers[form]
    }

    /// The visible screens of a form, given the answers so far.
    pub fn screens(&self, form: usize) -> Vec<Screen> {
        if self.skipped(form) {
            return Vec::new();
        }
        let f = self.form(form);
        let visible = self.answers[form].visible(f);
        let mut screens = Vec::new();
        for (p, page) in f.pages.iter().enumerate() {
            let items: Vec<ItemIx> = page
                .items
                .iter()
                .copied()
                .filter(|ix| visible[ix.0])
                .collect();
            if items.is_empty() {
                continue;
            }
            if page.display == Display::OnePerScreen {
                screens.extend(items.into_iter().map(|ix| Screen {
                    page: p,
                    items: vec![ix],
                }));
            } else {
                screens.push(Screen { page: p, items });
            }
        }
        screens
    }

    /// The patient's answer to the battery's consent question: `Some(false)` for "No",
    /// `None` while unanswered or when the battery asks for no consent.
    pub fn consent(&self) -> Option<bool> {
        let rule = self.battery.consent.as_ref()?;
        self.answers[rule.form]
            .get(rule.item)
            .and_then(Answer::as_number)
            .map(|v| v != 0.0)
    }

    /// Whether a form is skipped: research-only, after the patient said "No" to consent.
    pub fn skipped(&self, form: usize) -> bool {
        self.consent() == Some(false)
            && self
                .battery
                .consent
                .as_ref()
                .is_some_and(|rule| rule.research_only.contains(&form))
    }

    /// Visible items of a form: those its conditions show, none of a skipped form.
    fn visible(&self, form: usize) -> Vec<bool> {
        let f = self.form(form);
        if self.skipped(form) {
            return vec![false; f.items.len()];
        }
        self.answers[form].visible(f)
    }

    /// The screen shown now, if the position is a question screen.
    pub fn current_screen(&self) -> Option<(usize, Screen)> {
        match self.position {
            Position::Screen { form, screen } => self
                .screens(form)
                .into_iter()
                .nth(screen)
                .map(|s| (form, s)),
            _ => None,
        }
    }

    /// Gives an answer (or `None` to clear it). Answers that other answers now hide are
    /// dropped at once: a hidden answer is never kept.
    pub fn answer(&mut self, form: usize, item: ItemIx, answer: Option<Answer>) -> AnswerOutcome {
        let anchor = self
            .current_screen()
            .and_then(|(f, s)| s.items.first().map(|ix| (f, s.page, *ix)));
        let cleared = answer.is_none();
        let f = Arc::clone(&self.battery.forms[form].form);
        if let Err(problem) = self.answers[form].set(&f, item, answer) {
            return AnswerOutcome::Rejected(problem);
        }
        self.answers[form].drop_hidden(&f);
        // After a "No" to consent nothing is kept of the research-only forms.
        let skipped: Vec<usize> = (0..self.battery.forms.len())
            .filter(|f| self.skipped(*f))
            .collect();
        for form in skipped {
            self.answers[form].wipe();
        }
        // Keep the patient on the same screen even if screens before it appeared or vanished.
        if let Some((f_ix, page, first)) = anchor {
            let screens = self.screens(f_ix);
            let found = screens
                .iter()
                .position(|s| s.items.contains(&first))
                .or_else(|| screens.iter().position(|s| s.page >= page));
            if let Some(screen) = found {
                self.go(Position::Screen { form: f_ix, screen });
            }
        }
        if cleared {
            AnswerOutcome::Cleared
        } else {
            AnswerOutcome::Accepted
        }
    }

    /// The questions of the current screen without a response (neither answered nor declined),
    /// required or not, in screen order (none off a question screen): what moving forward now
    /// would leave behind.
    pub fn unanswered_here(&self) -> Vec<ItemIx> {
        match self.current_screen() {
            Some((form, screen)) => screen
                .items
                .iter()
                .copied()
                .filter(|ix| {
                    !matches!(self.form(form).item(*ix).kind, ItemKind::Info { .. })
                        && self.answers[form].response(*ix).is_none()
                })
                .collect(),
            None => Vec::new(),
        }
    }

    /// The required questions of the current screen without a response.
    pub fn required_unanswered_here(&self) -> Vec<ItemIx> {
        let form = match self.position {
            Position::Screen { form, .. } => form,
            _ => return Vec::new(),
        };
        self.unanswered_here()
            .into_iter()
            .filter(|ix| self.form(form).item(*ix).required)
            .collect()
    }

    /// Moves forward: intro → first screen → … → next form → review.
    pub fn forward(&mut self) -> Nav {
        let skipped = self.required_unanswered_here();
        let target = match self.position {
            Position::Intro { form } => self.first_screen_from(form),
            Position::Screen { form, screen } => {
                if screen + 1 < self.screens(form).len() {
                    Position::Screen {
                        form,
                        screen: screen + 1,
                    }
                } else {
                    self.intro_or_review(form + 1)
                }
            }
            Position::Review => {
                return self
                    .request_finish()
                    .map_or(Nav::Stayed, |()| Nav::Moved(Position::Finish));
            }
            Position::Finish | Position::Done => return Nav::Stayed,
        };
        self.go(target);
        if skipped.is_empty() {
            Nav::Moved(target)
        } else {
            Nav::SkippedRequired(target, skipped)
        }
    }

    /// Moves back one step; answers are kept.
    pub fn back(&mut self) -> Nav {
        let target = match self.position {
            Position::Intro { form: 0 } | Position::Done => return Nav::Stayed,
            Position::Intro { form } => self.last_screen_before(form),
            Position::Screen { form, screen: 0 } => Position::Intro { form },
            Position::Screen { form, screen } => Position::Screen {
                form,
                screen: screen - 1,
            },
            Position::Review => self.last_screen_before(self.battery.forms.len()),
            Position::Finish => Position::Review,
        };
        self.go(target);
        Nav::Moved(target)
    }

    /// Required visible questions without an answer, in battery order.
    pub fn missing(&self) -> Vec<Missing> {
        (0..self.battery.forms.len())
            .flat_map(|form| {
                let f = self.form(form);
                let visible = self.visible(form);
                f.items
                    .iter()
                    .enumerate()
                    .filter(move |(i, item)| {
                        item.required
                            && visible[*i]
                            && self.answers[form].response(ItemIx(*i)).is_none()
                    })
                    .map(move |(i, _)| Missing {
                        form,
                        item: ItemIx(i),
                    })
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Every visible question without a response, in battery order, with whether it is
    /// required and which scores read it: what the review lists.
    pub fn unanswered(&self) -> Vec<Unanswered> {
        let mut list = Vec::new();
        for form in 0..self.battery.forms.len() {
            let f = self.form(form);
            let visible = self.visible(form);
            for (i, item) in f.items.iter().enumerate() {
                let ix = ItemIx(i);
                if visible[i]
                    && !matches!(item.kind, ItemKind::Info { .. })
                    && self.answers[form].response(ix).is_none()
                {
                    list.push(Unanswered {
                        form,
                        item: ix,
                        required: item.required,
                        scores: (0..f.scores.len())
                            .map(crate::form::ScoreIx)
                            .filter(|s| f.scores[s.0].reads(ix))
                            .collect(),
                    });
                }
            }
        }
        list
    }

    /// What became of each item of a form (`None` for information items): answered, declined,
    /// shown and left, not reached, or hidden by a condition.
    pub fn item_states(&self, form: usize) -> Vec<Option<ItemState>> {
        let f = self.form(form);
        let answers = &self.answers[form];
        let visible = self.visible(form);
        let screens = self.screens(form);
        let reached = |ix: ItemIx| {
            let screen = screens.iter().position(|s| s.items.contains(&ix));
            screen.is_some_and(|s| (form, s + 1) <= self.furthest)
        };
        f.items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let ix = ItemIx(i);
                if matches!(item.kind, ItemKind::Info { .. }) {
                    return None;
                }
                Some(match answers.response(ix) {
                    Some(Answer::Declined) => ItemState::Declined,
                    Some(_) => ItemState::Answered,
                    None if !visible[i] => ItemState::NotShown,
                    None if reached(ix) => ItemState::Unanswered,
                    None => ItemState::NotReached,
                })
            })
            .collect()
    }

    /// Goes to the screen that shows an item (from the review list).
    pub fn go_to(&mut self, form: usize, item: ItemIx) -> Nav {
        match self
            .screens(form)
            .iter()
            .position(|s| s.items.contains(&item))
        {
            Some(screen) => {
                self.go(Position::Screen { form, screen });
                Nav::Moved(self.position)
            }
            None => Nav::Stayed,
        }
    }

    /// Puts the patient back where a stored session left off. A position that no longer exists
    /// (the answers that showed its screen are gone) starts the form again from its
    /// introduction; a finished session goes to the review. Returns where the patient is.
    pub fn resume_at(&mut self, position: Position) -> Position {
        let forms = self.battery.forms.len();
        let resumed = match position {
            Position::Intro { form } if form < forms => self.intro_or_review(form),
            Position::Screen { form, screen } if form < forms => {
                if screen < self.screens(form).len() {
                    position
                } else {
                    Position::Intro { form }
                }
            }
            Position::Intro { .. } | Position::Screen { .. } => Position::Intro { form: 0 },
            Position::Review | Position::Finish | Position::Done => Position::Review,
        };
        self.go(resumed);
        self.position
    }

    /// Wipes every answer from memory; the session is over.
    pub fn wipe(&mut self) {
        for answers in &mut self.answers {
            answers.wipe();
        }
        self.position = Position::Done;
    }

    /// Goes to the review screen.
    pub fn review(&mut self) -> Nav {
        self.go(Position::Review);
        Nav::Moved(Position::Review)
    }

    /// Asks to finish: refused with the missing questions while any remain.
    pub fn request_finish(&mut self) -> Result<(), Vec<Missing>> {
        let missing = self.missing();
        if missing.is_empty() {
            self.go(Position::Finish);
            Ok(())
        } else {
            Err(missing)
        }
    }

    /// Confirms the finish and scores every form with the battery's cut-offs.
    pub fn confirm_finish(&mut self) -> Result<Vec<Report>, Vec<Missing>> {
        self.request_finish()?;
        self.go(Position::Done);
        Ok(self
            .battery
            .forms
            .iter()
            .zip(&self.answers)
            .map(|(member, answers)| score::score(&member.form, answers, &member.overrides))
            .collect())
    }

    /// What a form's introduction promises: the questions it shows now, the most it can
    /// show (conditions may add some), and its screens of reading only.
    pub fn intro_counts(&self, form: usize) -> IntroCounts {
        let f = self.form(form);
        let is_question = |ix: &ItemIx| !matches!(f.item(*ix).kind, ItemKind::Info { .. });
        let screens = self.screens(form);
        IntroCounts {
            questions: screens
                .iter()
                .map(|s| s.items.iter().filter(|ix| is_question(ix)).count())
                .sum(),
            at_most: if self.skipped(form) {
                0
            } else {
                f.items
                    .iter()
                    .filter(|i| !matches!(i.kind, ItemKind::Info { .. }))
                    .count()
            },
            reading: screens
                .iter()
                .filter(|s| !s.items.iter().any(is_question))
                .count(),
        }
    }

    /// Progress for the header. Information screens are not counted as questions.
    pub fn progress(&self) -> Progress {
        let forms = self.battery.forms.len();
        // Per form, per visible screen: its questions, and how many of them have a response.
        let per_form: Vec<Vec<(usize, usize)>> = (0..forms)
            .map(|f| {
                let form = self.form(f);
                self.screens(f)
                    .iter()
                    .map(|s| {
                        let questions = s
                            .items
                            .iter()
                            .filter(|ix| !matches!(form.item(**ix).kind, ItemKind::Info { .. }));
                        let responded = questions
                            .clone()
                            .filter(|ix| self.answers[f].response(**ix).is_some())
                            .count();
                        (questions.count(), responded)
                    })
                    .collect()
            })
            .collect();
        let total: usize = per_form.iter().flatten().map(|c| c.0).sum();
        let (form, screen) = match self.position {
            Position::Intro { form } => (form, 0),
            Position::Screen { form, screen } => (form, screen),
            Position::Review | Position::Finish | Position::Done => (forms, 0),
        };
        // Only answers move the bar: skipping ahead does not fill it, going back does not
        // empty it, and a condition that shows more questions moves it back by those alone.
        let behind: usize = per_form.iter().flatten().map(|c| c.1).sum();
        let before_in_form: usize = per_form
            .get(form)
            .map_or(0, |c| c.iter().take(screen).map(|c| c.0).sum());
        let here = match self.position {
            Position::Screen { .. } => per_form
                .get(form)
                .and_then(|c| c.get(screen))
                .map_or(0, |c| c.0),
            _ => 0,
        };
        // Forms a declined consent skips are not counted as parts.
        let skipped_before = (0..form).filter(|f| self.skipped(*f)).count();
        let skipped = (0..forms).filter(|f| self.skipped(*f)).count();
        let form = form.min(forms.saturating_sub(1));
        Progress {
            form: (form + 1).saturating_sub(skipped_before).max(1),
            forms: forms - skipped,
            question: before_in_form + 1,
            last_question: before_in_form + here.max(1),
            questions: per_form
                .get(form)
                .map_or(0, |c| c.iter().map(|c| c.0).sum()),
            fraction: if total == 0 {
                1.0
            } else {
                behind as f32 / total as f32
            },
        }
    }

    fn first_screen_from(&self, form: usize) -> Position {
        if self.screens(form).is_empty() {
            self.intro_or_review(form + 1)
        } else {
            Position::Screen { form, screen: 0 }
        }
    }

    /// The intro of the first form from `form` on that is not skipped, or the review.
    fn intro_or_review(&self, form: usize) -> Position {
        match (form..self.battery.forms.len()).find(|f| !self.skipped(*f)) {
            Some(form) => Position::Intro { form },
            None => Position::Review,
        }
    }

    /// The last screen of the forms before `form` that are not skipped, or the intro of the
    /// form to go back to.
    fn last_screen_before(&self, form: usize) -> Position {
        let prev = (0..form).rev().find(|f| !self.skipped(*f)).unwrap_or(0);
        match self.screens(prev).len() {
            0 => Position::Intro { form: prev },
            n => Position::Screen {
                form: prev,
                screen: n - 1,
            },
        }
    }
}

/// True for a screen that may move on by itself once answered: one question answered by a
/// single tap (single choice, yes/no, a rating row).
pub fn auto_advances(form: &Form, screen: &Screen) -> bool {
    matches!(screen.items.as_slice(), [ix] if matches!(form.item(*ix).kind, ItemKind::SingleChoice { .. } | ItemKind::YesNo | ItemKind::Rating { .. }))
}
