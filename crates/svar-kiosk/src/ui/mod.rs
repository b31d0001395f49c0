//! The patient kiosk: an eframe app that draws the [`Session`] and turns taps into session
//! calls. Views are `*_ui` functions that draw state and return [`Intent`]s; only
//! [`Kiosk::apply`] changes anything.

pub mod question;
pub mod screens;
pub mod staff;
pub mod theme;
pub mod widgets;

use crate::i18n::Strings;
use crate::idle::{IdleState, IdleTimer};
use crate::visit::{Sealer, Visit, VisitError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use svar_bundle::{IdType, Meta, Patient, Status, Timestamp};
use svar_forms::answer::Answer;
use svar_forms::battery::Battery;
use svar_forms::form::ItemIx;
use svar_forms::session::{AnswerOutcome, Nav, Position, Session, auto_advances};
use svar_forms::text::Lang;
use svar_store::{DayEntry, State, Store};
use theme::{TextSize, Tokens};
use widgets::{date, keyboard, keypad, signature};

/// What the kiosk runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// The battery a session answers.
    pub battery: Arc<Battery>,
    /// Folder of images (body maps, logo).
    pub assets: PathBuf,
    /// Shown on the welcome screen.
    pub clinic: String,
    /// Demo mode: a start button and a "DEMO" ribbon.
    pub demo: bool,
    /// Seconds without a touch before "Are you still there?".
    pub idle_warn: f64,
    /// Seconds that question counts down before the session is closed.
    pub idle_countdown: f64,
    /// Seconds the thank-you screen shows.
    pub thanks_seconds: f64,
    /// Language before the patient chooses.
    pub default_lang: Lang,
    /// What staff mode offers.
    pub staff: StaffSettings,
}

/// Where the kiosk keeps and seals what patients answer.
#[derive(Debug)]
pub struct Records {
    /// The local store.
    pub store: Store,
    /// Keys, outbox and form hashes for sealing.
    pub sealer: Sealer,
    /// Site id, recorded in bundles.
    pub site: String,
    /// Kiosk id, recorded in bundles.
    pub kiosk: String,
    /// The local time's offset from UTC, for staff lists (read once at start-up).
    pub utc_offset: time::UtcOffset,
    /// The background uploader, when the configuration names upload targets.
    pub upload: Option<svar_upload::Handle>,
}

/// What staff mode offers.
#[derive(Debug, Clone, Default)]
pub struct StaffSettings {
    /// Who may open staff mode.
    pub accounts: Vec<crate::staff::StaffAccount>,
    /// Batteries offered for a session (the default battery when empty).
    pub batteries: Vec<Arc<Battery>>,
    /// Time points offered.
    pub timepoints: Vec<svar_forms::battery::Timepoint>,
    /// Study arms staff may record (none: not asked).
    pub arms: Vec<String>,
    /// Pattern of study ids, when the site uses them.
    pub study_id_pattern: Option<String>,
    /// The demo's PIN, shown on the demo ribbon.
    pub demo_pin: Option<String>,
}

/// Which screen the kiosk shows outside a form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stage {
    /// Waiting for the next patient.
    Welcome,
    /// Choosing a language before the first form.
    Language,
    /// Answering (the session's position says where).
    Session,
    /// Thank you, until the time given.
    Thanks {
        /// Clock time to return to the welcome screen.
        until: f64,
    },
    /// A staff screen (behind the PIN, except the PIN pad itself).
    Staff(staff::Page),
}

/// Everything a tap can ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// Start a demo session.
    StartDemo,
    /// Choose a language (from the language screen or the header).
    PickLanguage(Lang),
    /// Show the language tiles over the current screen.
    OpenLanguages,
    /// Next text size.
    CycleTextSize,
    /// High contrast on or off.
    ToggleContrast,
    /// Forward.
    Next,
    /// Back.
    Back,
    /// Give or clear an answer.
    Answer(usize, ItemIx, Option<Answer>),
    /// A keypad key for a number item.
    Keypad(usize, ItemIx, keypad::Key),
    /// A keyboard key for a text item.
    Keyboard(usize, ItemIx, keyboard::Key),
    /// Signature: confirm the drawing.
    SignatureConfirm(usize, ItemIx),
    /// Signature: clear the drawing and the answer.
    SignatureClear(usize, ItemIx),
    /// Jump to a question from the review list.
    GoTo(usize, ItemIx),
    /// "I am finished" on the review screen.
    Finish,
    /// "Yes, send my answers".
    ConfirmFinish,
    /// "No, go back".
    CancelFinish,
    /// "Yes, I am still here".
    StillHere,
    /// Something on a staff screen.
    Staff(staff::StaffIntent),
}

/// Widget state that belongs to the screen being shown and is dropped with it. `Debug` leaves
/// out what the patient has typed (keypad text and its messages).
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
    pub pad_message: Option<String>,
    /// Shown when Next was tapped with a required question unanswered.
    pub nudged: bool,
    /// Set with `nudged`: the next frame scrolls the message into view, once, so a patient
    /// on a long screen sees why Next did not move on and can still scroll away.
    pub reveal_nudge: bool,
    /// Clock time at which a single-choice screen moves on by itself.
    pub advance_at: Option<f64>,
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
            .finish()
    }
}

/// Where forward goes after a jump from the review list: straight back to the list.
fn forward(visit: &mut Visit, store: &mut Store, back_to_review: &mut bool) {
    if *back_to_review {
        if visit.review(store) != Nav::Stayed {
            *back_to_review = false;
        }
    } else {
        visit.forward(store);
    }
}

/// How often a session that could not be saved or sealed is tried again, in seconds.
const RETRY_SECONDS: f64 = 30.0;

/// An image in GPU memory with its size in pixels.
type LoadedImage = (egui::TextureHandle, (u32, u32));

/// Everything that belongs to the person at the screen now: the look they chose, the patient's
/// visit with its screen state, the staff visit with what staff typed and were shown, and the
/// PIN typed so far. The kiosk replaces it whole at every patient boundary (finish, abandon,
/// idle time-out, hand-over, resume, staff sign-out, back to welcome), so nothing of one
/// patient or one staff visit reaches the next, including fields added later.
struct Turn {
    lang: Lang,
    text_size: TextSize,
    high_contrast: bool,
    /// The language tiles shown over the current screen.
    picker_open: bool,
    /// The patient's visit, while one runs.
    visit: Option<Visit>,
    scratch: Scratch,
    /// The position `scratch` belongs to.
    shown: Option<Position>,
    /// Forward goes back to the review list (after a jump from it).
    back_to_review: bool,
    /// The signed-in member of staff's visit.
    staff: Option<staff::StaffVisit>,
    pin: staff::PinPad,
}

impl Turn {
    /// A new turn in `lang`, with the normal look.
    fn new(lang: Lang) -> Turn {
        Turn {
            lang,
            text_size: TextSize::Normal,
            high_contrast: false,
            picker_open: false,
            visit: None,
            scratch: Scratch::default(),
            shown: None,
            back_to_review: false,
            staff: None,
            pin: staff::PinPad::default(),
        }
    }
}

/// The kiosk's state.
pub struct Kiosk {
    config: Config,
    strings: Strings,
    stage: Stage,
    /// The person at the screen now (see [`Turn`]).
    turn: Turn,
    records: Records,
    /// Visits that ended while the store could not be written, oldest first: out of sight,
    /// kept in memory until they can be saved.
    held: Vec<(Box<Visit>, Status)>,
    /// The result of the session that ended last, until staff sign in (it then moves into
    /// their staff visit) or the next session starts.
    ended: Option<staff::LastResult>,
    /// Wrong PINs and the pad's lock, kept in the store across restarts.
    lock: crate::staff::PinLock,
    /// A PIN being checked on a worker thread.
    pin_check: Option<staff::PinCheck>,
    /// Sessions in the store that are not sealed (interrupted, or waiting for the outbox).
    waiting: Vec<DayEntry>,
    /// The last storage or sealing problem, for staff.
    problem: Option<String>,
    next_retry: f64,
    idle: IdleTimer,
    clock_offset: f64,
    textures: HashMap<PathBuf, Option<LoadedImage>>,
    allow_close: bool,
    applied: Option<Tokens>,
    close_requested: bool,
}

impl Kiosk {
    /// A kiosk on its welcome screen. Sessions that ended but were not sealed before the last
    /// stop are sealed now; interrupted ones wait for staff.
    pub fn new(config: Config, strings: Strings, records: Records) -> Kiosk {
        let idle = IdleTimer::new(config.idle_warn, config.idle_countdown, 0.0);
        let mut problem = None;
        let lock = records
            .store
            .kiosk_state(staff::PIN_LOCK_KEY)
            .unwrap_or_else(|e| {
                problem = Some(e.to_string());
                None
            })
            .unwrap_or_default();
        let mut kiosk = Kiosk {
            turn: Turn::new(config.default_lang),
            config,
            strings,
            stage: Stage::Welcome,
            records,
            held: Vec::new(),
            ended: None,
            lock,
            pin_check: None,
            waiting: Vec::new(),
            problem,
            next_retry: 0.0,
            idle,
            clock_offset: 0.0,
            textures: HashMap::new(),
            allow_close: false,
            applied: None,
            close_requested: false,
        };
        // A kiosk killed while writing a bundle leaves its temporary file; the bundle itself
        // is written again from the store's seal intent below.
        if let Err(e) = svar_bundle::sweep_temporary(&kiosk.records.sealer.outbox) {
            kiosk.problem = Some(format!("{}: {e}", kiosk.records.sealer.outbox.display()));
        }
        let midnight = kiosk.start_of_today();
        if let Err(e) = kiosk.records.store.forget_sealed_before(&midnight) {
            kiosk.problem = Some(e.to_string());
        }
        kiosk.retry(0.0);
        kiosk
    }

    /// The start of the local day, as the store writes times (RFC 3339 UTC).
    fn start_of_today(&self) -> String {
        let offset = self.records.utc_offset;
        let local = time::OffsetDateTime::now_utc().to_offset(offset);
        let midnight = local.replace_time(time::Time::MIDNIGHT);
        Timestamp::new(midnight).to_string()
    }

    /// The screen outside forms.
    pub fn stage(&self) -> Stage {
        self.stage
    }

    /// The session, while one runs.
    pub fn session(&self) -> Option<&Session> {
        self.turn.visit.as_ref().map(Visit::session)
    }

    /// Whether a PIN is being checked (the pad waits for it).
    pub fn pin_checking(&self) -> bool {
        self.pin_check.is_some()
    }

    /// Visits held in memory because the store could not be written when they ended.
    pub fn held(&self) -> usize {
        self.held.len()
    }

    /// The local store.
    pub fn store(&self) -> &Store {
        &self.records.store
    }

    /// Sessions in the store waiting for staff or for the outbox.
    pub fn waiting(&self) -> &[DayEntry] {
        &self.waiting
    }

    /// The last storage or sealing problem, for staff.
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// The background uploader's latest status, when there is one.
    pub fn upload_status(&self) -> Option<svar_upload::Status> {
        self.records
            .upload
            .as_ref()
            .map(svar_upload::Handle::status)
    }

    /// Whether the running session has answers the store does not hold yet.
    pub fn unsaved(&self) -> bool {
        self.turn
            .visit
            .as_ref()
            .is_some_and(|v| v.problem().is_some())
            || !self.held.is_empty()
    }

    /// The language shown.
    pub fn lang(&self) -> Lang {
        self.turn.lang
    }

    /// Moves the kiosk's clock on (tests use this as a simulated clock instead of sleeping).
    pub fn advance_clock(&mut self, seconds: f64) {
        self.clock_offset += seconds;
    }

    fn now(&self, ctx: &egui::Context) -> f64 {
        ctx.input(|i| i.time) + self.clock_offset
    }

    /// Wall-clock seconds since the Unix epoch, moved on with the simulated clock: the PIN
    /// lock's clock, which must keep running across restarts.
    fn wall_now(&self) -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
            + self.clock_offset
    }

    fn tokens(&self) -> Tokens {
        Tokens::new(self.turn.text_size, self.turn.high_contrast)
    }

    /// Interface text in the current language.
    fn tr(&self, id: &str) -> String {
        self.strings.get(self.turn.lang, id)
    }

    /// A patient boundary: the turn is replaced whole (the visit wipes its answers as it drops,
    /// typed ids and PINs wipe as their buffers drop) and the welcome screen waits for the next
    /// patient, in the default language and look.
    fn welcome_next_patient(&mut self) {
        self.turn = Turn::new(self.config.default_lang);
        self.stage = Stage::Welcome;
    }

    /// Applies one intent.
    pub fn apply(&mut self, intent: Intent, now: f64) {
        let turn = &mut self.turn;
        let store = &mut self.records.store;
        match intent {
            Intent::StartDemo => {
                let patient = Patient {
                    id: "demo".into(),
                    id_type: IdType::Study,
                };
                let battery = Arc::clone(&self.config.battery);
                self.start_visit(battery, patient, staff::VisitDetails::default(), now);
            }
            Intent::PickLanguage(lang) => {
                turn.lang = lang;
                if let Some(v) = &mut turn.visit {
                    v.set_lang(store, lang);
                }
                turn.picker_open = false;
                if self.stage == Stage::Language {
                    self.stage = Stage::Session;
                }
            }
            Intent::OpenLanguages => turn.picker_open = true,
            Intent::CycleTextSize => turn.text_size = turn.text_size.next(),
            Intent::ToggleContrast => turn.high_contrast = !turn.high_contrast,
            Intent::Next => self.next(),
            Intent::Back => {
                turn.scratch.advance_at = None;
                if let Some(v) = &mut turn.visit
                    && v.back(store) == Nav::Stayed
                    && v.problem().is_none()
                    && matches!(v.session().position(), Position::Intro { form: 0 })
                {
                    self.stage = Stage::Language;
                }
            }
            Intent::Answer(form, item, answer) => {
                let Some(v) = &mut turn.visit else { return };
                let s = v.session();
                let screen_moves_on = s
                    .current_screen()
                    .filter(|(_, screen)| auto_advances(s.form(form), screen))
                    .and(s.form(form).auto_advance);
                if v.answer(store, form, item, answer) == AnswerOutcome::Accepted {
                    turn.scratch.nudged = false;
                    turn.scratch.advance_at = screen_moves_on.map(|d| now + d.as_secs_f64());
                }
            }
            Intent::Keypad(form, item, key) => self.keypad(form, item, key),
            Intent::Keyboard(form, item, key) => {
                let Some(v) = &mut turn.visit else { return };
                let current = match v.session().answers(form).get(item) {
                    Some(Answer::Text(t)) => t.clone(),
                    _ => String::new(),
                };
                let (text, shift) = keyboard::apply(&current, &key, turn.scratch.shift);
                turn.scratch.shift = shift;
                let answer = (!text.is_empty()).then_some(Answer::Text(text));
                // Past the length limit the session refuses the key; the text stays as it was.
                let _ = v.answer(store, form, item, answer);
            }
            Intent::SignatureConfirm(form, item) => {
                let strokes = turn
                    .scratch
                    .pads
                    .get(&item)
                    .map(|p| p.strokes.clone())
                    .unwrap_or_default();
                if strokes.iter().all(Vec::is_empty) {
                    turn.scratch.pad_message = Some(self.strings.get(turn.lang, "signature-empty"));
                } else if let Some(v) = &mut turn.visit
                    && v.answer(store, form, item, Some(Answer::Strokes(strokes)))
                        == AnswerOutcome::Accepted
                {
                    turn.scratch.pad_message =
                        Some(self.strings.get(turn.lang, "signature-confirmed"));
                }
            }
            Intent::SignatureClear(form, item) => {
                turn.scratch.pads.remove(&item);
                turn.scratch.pad_message = None;
                if let Some(v) = &mut turn.visit {
                    v.answer(store, form, item, None);
                }
            }
            Intent::GoTo(form, item) => {
                if let Some(v) = &mut turn.visit
                    && v.go_to(store, form, item) != Nav::Stayed
                {
                    turn.back_to_review = true;
                }
            }
            Intent::Finish => {
                if let Some(v) = &mut turn.visit {
                    let _ = v.request_finish(store);
                }
            }
            Intent::ConfirmFinish => self.confirm_finish(now),
            Intent::CancelFinish => {
                if let Some(v) = &mut turn.visit {
                    v.back(store);
                }
            }
            Intent::StillHere => self.idle.touch(now),
            Intent::Staff(intent) => self.staff_intent(intent, now),
        }
    }

    fn next(&mut self) {
        let turn = &mut self.turn;
        turn.scratch.advance_at = None;
        let Some(v) = &mut turn.visit else { return };
        // The first tap on Next explains; the second moves on (the review asks again).
        if !v.session().unanswered_here().is_empty() && !turn.scratch.nudged {
            turn.scratch.nudged = true;
            turn.scratch.reveal_nudge = true;
            return;
        }
        forward(v, &mut self.records.store, &mut turn.back_to_review);
    }

    fn keypad(&mut self, form: usize, item: ItemIx, key: keypad::Key) {
        let turn = &mut self.turn;
        let Some(v) = &mut turn.visit else { return };
        let store = &mut self.records.store;
        let entry = turn.scratch.keypads.entry(item).or_default();
        keypad::apply(&mut entry.0, key);
        let (answer, problem) = match keypad::value(&entry.0) {
            Some(value) => (value.map(Answer::Number), None),
            None => (
                None,
                Some(self.strings.get(turn.lang, "keypad-not-a-number")),
            ),
        };
        entry.1 = problem;
        if let Some(a) = &answer
            && let AnswerOutcome::Rejected(problem) = v.answer(store, form, item, Some(a.clone()))
        {
            entry.1 = Some(question::problem_text(
                &self.strings,
                turn.lang,
                v.session().form(form).item(item),
                &problem,
            ));
            v.answer(store, form, item, None);
        } else if answer.is_none() {
            v.answer(store, form, item, None);
        }
    }

    /// Starts a visit for `patient` and hands the screen over (language first): a patient
    /// boundary, so the staff visit that started it is dropped. If the store cannot record it,
    /// staff see why, keep what they typed, and no session starts.
    fn start_visit(
        &mut self,
        battery: Arc<Battery>,
        patient: Patient,
        visit: staff::VisitDetails,
        now: f64,
    ) -> bool {
        let meta = Meta {
            bundle_id: uuid::Uuid::now_v7(),
            site: self.records.site.clone(),
            kiosk: self.records.kiosk.clone(),
            patient,
            timepoint: visit.timepoint,
            arm: visit.arm,
            consent: visit.consent,
            started: Timestamp::now(),
        };
        let staff = self.turn.staff.as_ref().map(|s| s.staff_id().to_owned());
        match Visit::start(
            &mut self.records.store,
            battery,
            self.turn.lang,
            meta,
            staff.as_deref(),
        ) {
            Ok(visit) => {
                self.hand_over(visit, now);
                self.stage = Stage::Language;
                true
            }
            Err(e) => {
                self.problem = Some(self.store_message(&e));
                false
            }
        }
    }

    /// Gives the screen to the patient of `visit` in a new turn, in the language shown now.
    fn hand_over(&mut self, visit: Visit, now: f64) {
        self.ended = None;
        self.turn = Turn::new(visit.session().lang());
        self.turn.visit = Some(visit);
        self.idle.touch(now);
    }

    fn confirm_finish(&mut self, now: f64) {
        let Some(v) = &mut self.turn.visit else {
            return;
        };
        if v.confirm_finish(&mut self.records.store).is_err() {
            return;
        }
        if let Some(visit) = self.turn.visit.take() {
            self.end_visit(visit, Status::Complete, None);
        }
        // The thank-you screen keeps the patient's look; nothing else of theirs stays.
        let mut thanks = Turn::new(self.turn.lang);
        thanks.text_size = self.turn.text_size;
        thanks.high_contrast = self.turn.high_contrast;
        self.turn = thanks;
        self.stage = Stage::Thanks {
            until: now + self.config.thanks_seconds,
        };
    }

    /// Ends a visit and seals it; its scores (no answers) wait for staff as the last result.
    /// If the store cannot be written the visit is held in memory, out of sight, and tried
    /// again; if only sealing fails the session waits in the store. Either way staff are told.
    fn end_visit(&mut self, visit: Visit, status: Status, staff: Option<&str>) {
        let id = visit.id();
        let battery = visit.session().battery().id.to_string();
        let summary = match visit.end(&mut self.records.store, status, &self.records.sealer, staff)
        {
            Ok(Ok(sealed)) => {
                self.problem = None;
                Some(sealed.summary)
            }
            Ok(Err(e)) => {
                self.problem = Some(self.seal_message(&e));
                None
            }
            Err((visit, e)) => {
                self.problem = Some(self.store_message(&e));
                self.held.push((visit, status));
                None
            }
        };
        self.set_last_result(staff::LastResult::new(id, battery, status, summary));
        self.refresh_waiting();
    }

    /// Makes `result` the last result: waiting for staff to sign in, or shown to the staff
    /// visit in progress (a session staff ended themselves).
    fn set_last_result(&mut self, result: staff::LastResult) {
        match &mut self.turn.staff {
            Some(visit) => visit.last_result = Some(result),
            None => self.ended = Some(result),
        }
    }

    /// Tries again to save held visits and to seal sessions waiting for the outbox.
    fn retry(&mut self, now: f64) {
        self.next_retry = now + RETRY_SECONDS;
        let mut succeeded = false;
        for (visit, status) in std::mem::take(&mut self.held) {
            let id = visit.id();
            match visit.end(&mut self.records.store, status, &self.records.sealer, None) {
                Ok(Ok(sealed)) => {
                    succeeded = true;
                    self.sealed_later(id, sealed.summary);
                }
                Ok(Err(e)) => self.problem = Some(self.seal_message(&e)),
                Err((visit, e)) => {
                    self.problem = Some(self.store_message(&e));
                    self.held.push((visit, status));
                }
            }
        }
        match crate::visit::seal_ended(&mut self.records.store, &self.records.sealer) {
            Ok(results) => {
                let mut failed = false;
                for (id, result) in results {
                    match result {
                        Ok(sealed) => {
                            succeeded = true;
                            self.sealed_later(id, sealed.summary);
                        }
                        Err(e) => {
                            failed = true;
                            self.problem = Some(self.seal_message(&e));
                        }
                    }
                }
                if succeeded && !failed && self.held.is_empty() {
                    self.problem = None;
                }
            }
            Err(e) => self.problem = Some(self.store_message(&e)),
        }
        self.refresh_waiting();
    }

    /// A session sealed on a later try: if it is the last result, its scores can now be shown.
    fn sealed_later(&mut self, id: svar_store::SessionId, summary: serde_json::Value) {
        let last = self
            .turn
            .staff
            .as_mut()
            .and_then(|s| s.last_result.as_mut())
            .or(self.ended.as_mut());
        if let Some(last) = last
            && last.session == id
        {
            last.summary = Some(summary);
        }
    }

    /// Appends to the audit log; a failure is shown to staff (the action itself goes on).
    fn audit(&mut self, event: svar_store::AuditEvent, staff: Option<&str>) {
        if let Err(e) = self.records.store.audit(event, None, staff, None) {
            self.problem = Some(self.store_message(&e));
        }
    }

    fn unsealed_waiting(&self) -> bool {
        self.waiting.iter().any(|e| e.state == State::Ending)
    }

    pub(crate) fn refresh_waiting(&mut self) {
        match self.records.store.unsealed() {
            Ok(waiting) => self.waiting = waiting,
            Err(e) => self.problem = Some(self.store_message(&e)),
        }
    }

    /// A staff message for a store failure: what to do in the kiosk's language, then the
    /// technical reason (no patient data) for whoever fixes it.
    fn store_message(&self, e: &svar_store::StoreError) -> String {
        let id = if e.is_disk_full() {
            "staff-problem-disk-full"
        } else {
            "staff-problem-store"
        };
        format!("{} ({e})", self.tr(id))
    }

    /// A staff message for a sealing failure.
    pub(crate) fn seal_message(&self, e: &VisitError) -> String {
        let id = if e.is_outbox_problem() {
            "staff-problem-outbox"
        } else {
            "staff-problem-seal"
        };
        format!("{} ({e})", self.tr(id))
    }

    /// Per-frame housekeeping: idle time-out, thank-you time-out, a finished PIN check, moving
    /// on by itself.
    fn tick(&mut self, now: f64) {
        match self.stage {
            Stage::Thanks { until } if now >= until => self.welcome_next_patient(),
            Stage::Language | Stage::Session | Stage::Staff(_)
                if self.idle.state(now) == IdleState::Expired =>
            {
                if let Some(visit) = self.turn.visit.take() {
                    self.end_visit(visit, Status::Timeout, None);
                }
                self.welcome_next_patient();
            }
            _ => {}
        }
        if now >= self.next_retry && (!self.held.is_empty() || self.unsealed_waiting()) {
            self.retry(now);
        }
        if let Some(found) = self.pin_check.as_ref().and_then(staff::PinCheck::finished) {
            self.pin_check = None;
            self.pin_checked(found);
        }
        let turn = &mut self.turn;
        if let Some(at) = turn.scratch.advance_at
            && now >= at
        {
            turn.scratch.advance_at = None;
            if let Some(v) = &mut turn.visit {
                forward(v, &mut self.records.store, &mut turn.back_to_review);
            }
        }
        let position = turn.visit.as_ref().map(|v| v.session().position());
        if position != turn.shown {
            turn.scratch = Scratch::default();
            turn.shown = position;
        }
    }

    /// Readies `ctx` for the kiosk before its first frame: the shipped fonts, focus kept in a
    /// text field while its on-screen keys are tapped, and the kiosk's look. Each frame's root
    /// Ui copies the context's style as the frame begins, so a look first set during a frame
    /// would leave that frame in egui's default one (selectable text, a node per line).
    pub fn prepare(&mut self, ctx: &egui::Context) {
        theme::install_fonts(ctx);
        ctx.options_mut(|o| o.input_options.surrender_focus_on = egui::SurrenderFocusOn::Never);
        let t = self.tokens();
        t.apply(ctx);
        self.applied = Some(t);
    }

    /// Draws one frame and applies what the patient did.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.guard_window(&ctx);
        let now = self.now(&ctx);
        let touched = ctx.input(|i| {
            i.pointer.any_pressed()
                || i.events.iter().any(|e| {
                    // A screen reader's activation is the patient's action as much as a touch.
                    matches!(
                        e,
                        egui::Event::Touch { .. } | egui::Event::AccessKitActionRequest(_)
                    )
                })
        });
        if touched {
            self.idle.touch(now);
        }
        self.tick(now);
        let t = self.tokens();
        if self.applied != Some(t) {
            t.apply(&ctx);
            self.applied = Some(t);
            // The root Ui took its style from the context as this frame began: it gets the new
            // one too, so the frame after a change of text size or contrast already shows it.
            ui.set_style(ctx.global_style());
        }
        let mut intents = Vec::new();
        let idle_state = match self.stage {
            Stage::Language | Stage::Session | Stage::Staff(_) => self.idle.state(now),
            _ => IdleState::Active,
        };
        screens::kiosk_ui(ui, &t, self, idle_state, &mut intents);
        for intent in intents {
            self.apply(intent, now);
        }
        // Staff left kiosk mode: the window closes (guard_window lets this close through).
        if std::mem::take(&mut self.close_requested) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        let mut wake = self.idle.next_change(now);
        if self.pin_check.is_some() {
            wake = wake.min(staff::PinCheck::POLL_SECONDS);
        }
        if let Some(at) = self.turn.scratch.advance_at {
            wake = wake.min((at - now).max(0.0));
        }
        if let Stage::Thanks { until } = self.stage {
            wake = wake.min((until - now).max(0.0));
        }
        ctx.request_repaint_after(std::time::Duration::from_secs_f64(wake.max(0.01)));
    }

    /// Refuses closing (a patient cannot leave); staff leave through staff mode, and Ctrl+Shift+Q
    /// is the development way out. Hides the pointer once the screen has been touched.
    fn guard_window(&mut self, ctx: &egui::Context) {
        let chord =
            ctx.input(|i| i.modifiers.ctrl && i.modifiers.shift && i.key_pressed(egui::Key::Q));
        if chord {
            self.allow_close = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
        }
        if ctx.input(|i| i.has_touch_screen()) {
            ctx.set_cursor_icon(egui::CursorIcon::None);
        }
    }

    /// The texture and pixel size of an image in the assets folder, loaded once.
    fn image(
        &mut self,
        ctx: &egui::Context,
        path: &Path,
    ) -> Option<(egui::TextureHandle, (u32, u32))> {
        let assets = self.config.assets.clone();
        self.textures
            .entry(path.to_owned())
            .or_insert_with(|| {
                let img = image::open(assets.join(path)).ok()?.to_rgba8();
                let size = (img.width(), img.height());
                let color = egui::ColorImage::from_rgba_unmultiplied(
                    [size.0 as usize, size.1 as usize],
                    img.as_raw(),
                );
                Some((
                    ctx.load_texture(path.to_string_lossy(), color, egui::TextureOptions::LINEAR),
                    size,
                ))
            })
            .clone()
    }
}

/// The eframe app around a [`Kiosk`].
pub struct KioskApp {
    /// The kiosk.
    pub kiosk: Kiosk,
    /// When the process started, until the first frame reports its start-up time.
    started: Option<std::time::Instant>,
}

impl KioskApp {
    /// Builds the kiosk and readies egui for it (fonts, focus, look) before the first frame.
    pub fn new(
        cc: &eframe::CreationContext<'_>,
        config: Config,
        strings: Strings,
        records: Records,
    ) -> KioskApp {
        let mut kiosk = Kiosk::new(config, strings, records);
        kiosk.prepare(&cc.egui_ctx);
        KioskApp {
            kiosk,
            started: None,
        }
    }

    /// Reports on standard error how long the first frame took from `started` (for operations).
    pub fn report_startup(mut self, started: std::time::Instant) -> Self {
        self.started = Some(started);
        self
    }
}

impl eframe::App for KioskApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.kiosk.frame(ui);
        if let Some(started) = self.started.take() {
            eprintln!(
                "svar: first frame {} ms after start",
                started.elapsed().as_millis()
            );
        }
    }
}

/// Opens the kiosk window: fullscreen, borderless and on top unless `windowed`.
pub fn run(
    config: Config,
    strings: Strings,
    records: Records,
    windowed: bool,
    started: std::time::Instant,
) -> Result<(), eframe::Error> {
    let viewport = if windowed {
        egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_title("Svar")
    } else {
        egui::ViewportBuilder::default()
            .with_title("Svar")
            .with_fullscreen(true)
            .with_decorations(false)
            .with_always_on_top()
            .with_close_button(false)
            .with_minimize_button(false)
            .with_resizable(false)
    };
    let options = eframe::NativeOptions {
        viewport,
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    eframe::run_native(
        "Svar",
        options,
        Box::new(move |cc| {
            Ok(Box::new(
                KioskApp::new(cc, config, strings, records).report_startup(started),
            ))
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kiosk on the demo battery in `dir`, driven without a window.
    fn kiosk(dir: &Path) -> Kiosk {
        let forms = crate::repo_root().join("forms");
        let loaded = svar_forms::library::load_paths(std::slice::from_ref(&forms), None);
        let battery = Arc::new(loaded.batteries["demo"].clone());
        let records =
            crate::setup::demo_records(dir, &forms, vec![Arc::clone(&battery)]).expect("records");
        let config = Config {
            battery,
            assets: crate::repo_root().join("assets"),
            clinic: "Test".into(),
            demo: true,
            idle_warn: 90.0,
            idle_countdown: 30.0,
            thanks_seconds: 8.0,
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
}
