//! Staff mode, behind the PIN: start a session for a named patient, see the last result's
//! scores (never shown to the patient), leave kiosk mode.

use super::theme::Tokens;
use super::widgets::{Mark, Tile, keyboard, keypad, text, tile_width};
use super::{Intent, Kiosk, Stage};
use crate::i18n::{self, Arg};
use crate::staff::{PinOutcome, StaffAccount, find_account};
use crate::visit::Visit;
use egui::Ui;
use std::sync::{Arc, mpsc};
use svar_bundle::{Patient, Status};
use svar_forms::battery::Timepoint;
use svar_forms::patient_id::{self, CprRule, IdError, PatientId, StudyIdPattern};
use svar_store::{AuditEvent, DayEntry, SessionId, State};
use zeroize::Zeroizing;

/// The staff screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The PIN pad.
    Pin,
    /// What staff can do.
    Menu,
    /// Patient id, battery and time point for a new session.
    NewSession,
    /// Scores of the last finished session.
    LastResult,
    /// Sessions interrupted by a restart or waiting to be sealed.
    Waiting,
    /// Today's sessions on this kiosk.
    Today,
}

/// The kinds of patient id staff can enter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IdType {
    /// Norwegian fødselsnummer, D-, H- or synthetic number.
    #[default]
    Norwegian,
    /// Danish CPR number.
    Cpr,
    /// A study id matching the configured pattern.
    Study,
}

/// What staff record about a visit besides the patient.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VisitDetails {
    /// The time point.
    pub timepoint: Option<Timepoint>,
    /// The study arm.
    pub arm: Option<String>,
    /// Whether consent was given, when staff recorded it.
    pub consent: Option<bool>,
}

/// Taps on staff screens.
#[derive(Debug, Clone, PartialEq)]
pub enum StaffIntent {
    /// Open the PIN pad (the discreet control on the welcome screen).
    OpenPin,
    /// A key of the PIN pad.
    PinKey(keypad::Key),
    /// Try the PIN typed so far.
    SubmitPin,
    /// Go to a staff page.
    Show(Page),
    /// Choose the kind of patient id.
    IdType(IdType),
    /// A keypad key for a number id.
    IdKey(keypad::Key),
    /// A keyboard key for a study id.
    IdChar(keyboard::Key),
    /// Choose a battery.
    Battery(usize),
    /// Choose a time point.
    Timepoint(usize),
    /// Choose a study arm (`None`: not recorded).
    Arm(Option<usize>),
    /// Record consent (`None`: not recorded).
    Consent(Option<bool>),
    /// Start the session and hand the screen over.
    HandOver,
    /// Resume an interrupted session and hand the screen over.
    Resume(SessionId),
    /// End an interrupted session as abandoned and seal it.
    SealAbandoned(SessionId),
    /// Try sealing waiting sessions again.
    RetrySeal,
    /// Close the kiosk.
    Leave,
    /// Back to the welcome screen.
    Close,
}

/// The key the PIN pad's lock is kept under in the store.
pub const PIN_LOCK_KEY: &str = "pin_lock";

/// The PIN pad's typed digits and the last attempt's message. Part of the turn, so a
/// half-typed PIN never waits for the next person.
#[derive(Default)]
pub struct PinPad {
    pin: Zeroizing<String>,
    message: Option<String>,
}

/// A PIN being checked against the staff accounts' Argon2 hashes on a worker thread, so the
/// screen keeps drawing (Argon2 is slow on purpose).
pub struct PinCheck {
    answer: mpsc::Receiver<Option<String>>,
}

impl PinCheck {
    /// How often the kiosk looks for the answer, in seconds.
    pub const POLL_SECONDS: f64 = 0.05;

    /// Starts checking `pin`.
    fn start(accounts: Vec<StaffAccount>, pin: Zeroizing<String>) -> PinCheck {
        let (tx, answer) = mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("staff PIN check".into())
            .spawn({
                let tx = tx.clone();
                let pin = pin.clone();
                let accounts = accounts.clone();
                move || {
                    // The kiosk may have moved on; then nobody listens.
                    let _ = tx.send(find_account(&accounts, &pin));
                }
            });
        if spawned.is_err() {
            // No thread to be had: check here rather than refuse staff.
            let _ = tx.send(find_account(&accounts, &pin));
        }
        PinCheck { answer }
    }

    /// The staff id the PIN matched (`Some(None)`: none), once the check is done.
    pub fn finished(&self) -> Option<Option<String>> {
        match self.answer.try_recv() {
            Ok(found) => Some(found),
            Err(mpsc::TryRecvError::Empty) => None,
            // The worker died without answering: count it as a wrong PIN.
            Err(mpsc::TryRecvError::Disconnected) => Some(None),
        }
    }
}

/// Everything one signed-in member of staff entered and was shown. It lives in the turn and
/// is dropped whole at sign-out and at every patient boundary, so nothing typed or shown in
/// one staff visit (a patient id, an arm, consent, a result) reaches the next.
pub struct StaffVisit {
    /// Who signed in (their staff id, for the audit log).
    staff: String,
    /// The new-session page as filled in so far.
    draft: Draft,
    /// Today's sessions, loaded when the page opens.
    today: Vec<DayEntry>,
    /// The session that ended last, if it ended since the last patient boundary.
    pub(super) last_result: Option<LastResult>,
}

impl std::fmt::Debug for StaffVisit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The draft holds a typed patient id: keep it out of logs.
        f.debug_struct("StaffVisit")
            .field("staff", &self.staff)
            .finish_non_exhaustive()
    }
}

impl StaffVisit {
    fn new(staff: String, last_result: Option<LastResult>) -> StaffVisit {
        StaffVisit {
            staff,
            draft: Draft::default(),
            today: Vec::new(),
            last_result,
        }
    }

    /// The signed-in staff id.
    pub fn staff_id(&self) -> &str {
        &self.staff
    }
}

/// The new-session page's choices.
#[derive(Default)]
struct Draft {
    id_type: IdType,
    /// The typed id, wiped from memory when the draft drops.
    id_text: Zeroizing<String>,
    id_problem: Option<String>,
    shift: bool,
    battery: usize,
    timepoint: usize,
    arm: Option<usize>,
    consent: Option<bool>,
}

/// The scores of the session that ended last (no answers), for staff behind the PIN.
#[derive(Clone, PartialEq)]
pub struct LastResult {
    /// The session.
    pub session: SessionId,
    /// Its battery's id.
    pub battery: String,
    /// How it ended.
    pub status: Status,
    /// Scores, bands and flags by form, as kept in the store; `None` until it is sealed.
    pub summary: Option<serde_json::Value>,
}

impl std::fmt::Debug for LastResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Scores are health data: keep them out of logs.
        f.debug_struct("LastResult")
            .field("session", &self.session)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl LastResult {
    /// The result of `session` on `battery`, ended with `status`.
    pub fn new(
        session: SessionId,
        battery: String,
        status: Status,
        summary: Option<serde_json::Value>,
    ) -> LastResult {
        LastResult {
            session,
            battery,
            status,
            summary,
        }
    }
}

/// Checks a patient id of the chosen kind.
fn check_id(kind: IdType, text: &str, pattern: Option<&str>) -> Result<PatientId, IdError> {
    match kind {
        IdType::Norwegian => patient_id::parse_norwegian(text),
        // Numbers issued since 2007 may fail the old modulus-11 rule, so only the date is required.
        IdType::Cpr => patient_id::parse_cpr(text, CprRule::DateOnly),
        IdType::Study => StudyIdPattern::new(pattern.unwrap_or(".+"))?.parse(text),
    }
}

/// Why an id was refused, in the kiosk's language (the id itself is never repeated).
fn id_reason(k: &Kiosk, error: &IdError) -> String {
    let lang = k.lang();
    match error {
        IdError::Empty => k.tr("id-error-empty"),
        IdError::NotDigits { .. } => k.tr("id-error-not-digits"),
        IdError::WrongLength {
            expected, found, ..
        } => k.strings.args(
            lang,
            "id-error-length",
            &[
                ("expected", Arg::Num(*expected as f64)),
                ("found", Arg::Num(*found as f64)),
            ],
        ),
        IdError::MisplacedDash => k.tr("id-error-dash"),
        IdError::NoSuchDate => k.tr("id-error-date"),
        IdError::NoCentury => k.tr("id-error-century"),
        IdError::ControlDigits | IdError::Modulus11 => k.tr("id-error-control"),
        IdError::BadPattern(_) => k.tr("id-error-pattern"),
        IdError::NoMatch => k.tr("id-error-no-match"),
    }
}

impl Kiosk {
    pub(super) fn staff_intent(&mut self, intent: StaffIntent, now: f64) {
        let turn = &mut self.turn;
        match intent {
            StaffIntent::OpenPin => {
                turn.pin = PinPad::default();
                self.stage = Stage::Staff(Page::Pin);
            }
            StaffIntent::PinKey(key) => {
                if self.pin_check.is_none() {
                    keypad::apply(&mut turn.pin.pin, key);
                }
            }
            StaffIntent::SubmitPin => self.submit_pin(),
            StaffIntent::Show(page) => {
                if turn.staff.is_some() {
                    match page {
                        Page::Today => self.load_today(),
                        Page::Waiting => self.refresh_waiting(),
                        _ => {}
                    }
                    self.stage = Stage::Staff(page);
                }
            }
            StaffIntent::Resume(id) => {
                let Some(staff) = turn.staff.as_ref().map(|s| s.staff.clone()) else {
                    return;
                };
                match Visit::resume(
                    &mut self.records.store,
                    id,
                    &self.records.sealer.batteries,
                    Some(&staff),
                ) {
                    Ok(visit) => {
                        self.hand_over(visit, now);
                        self.stage = Stage::Session;
                    }
                    Err(e) => self.problem = Some(self.seal_message(&e)),
                }
                self.refresh_waiting();
            }
            StaffIntent::SealAbandoned(id) => {
                let Some(staff) = turn.staff.as_ref().map(|s| s.staff.clone()) else {
                    return;
                };
                let battery = self
                    .waiting
                    .iter()
                    .find(|e| e.id == id)
                    .map(|e| e.battery.clone())
                    .unwrap_or_default();
                let summary = match crate::visit::abandon_stored(
                    &mut self.records.store,
                    id,
                    &self.records.sealer,
                    Some(&staff),
                ) {
                    Ok(sealed) => {
                        self.problem = None;
                        Some(sealed.summary)
                    }
                    Err(e) => {
                        self.problem = Some(self.seal_message(&e));
                        None
                    }
                };
                self.set_last_result(LastResult::new(id, battery, Status::Abandoned, summary));
                self.refresh_waiting();
            }
            StaffIntent::RetrySeal => {
                if turn.staff.is_some() {
                    self.retry(now);
                }
            }
            StaffIntent::IdType(kind) => {
                if let Some(d) = draft(turn) {
                    d.id_type = kind;
                    d.id_text = Zeroizing::default();
                    d.id_problem = None;
                }
            }
            StaffIntent::IdKey(key) => {
                if let Some(d) = draft(turn) {
                    keypad::apply(&mut d.id_text, key);
                    d.id_problem = None;
                }
            }
            StaffIntent::IdChar(key) => {
                if let Some(d) = draft(turn) {
                    let (text, shift) = keyboard::apply(&d.id_text, &key, d.shift);
                    d.id_text = Zeroizing::new(text.chars().take(40).collect());
                    d.shift = shift;
                    d.id_problem = None;
                }
            }
            StaffIntent::Battery(b) => {
                if let Some(d) = draft(turn) {
                    d.battery = b;
                }
            }
            StaffIntent::Timepoint(t) => {
                if let Some(d) = draft(turn) {
                    d.timepoint = t;
                }
            }
            StaffIntent::Arm(a) => {
                if let Some(d) = draft(turn) {
                    d.arm = a;
                }
            }
            StaffIntent::Consent(c) => {
                if let Some(d) = draft(turn) {
                    d.consent = c;
                }
            }
            StaffIntent::HandOver => self.hand_over_from_draft(now),
            StaffIntent::Leave => {
                if let Some(staff) = turn.staff.as_ref().map(|s| s.staff.clone()) {
                    self.audit(AuditEvent::KioskLeft, Some(&staff));
                    self.allow_close = true;
                    self.close_requested = true;
                }
            }
            StaffIntent::Close => self.welcome_next_patient(),
        }
    }

    /// Checks the typed PIN on a worker thread, unless the pad is locked or a check runs.
    fn submit_pin(&mut self) {
        if self.pin_check.is_some() {
            return;
        }
        let pin = std::mem::take(&mut self.turn.pin.pin);
        if let Some(locked) = self.lock.refuse_while_locked(self.wall_now()) {
            self.turn.pin.message = Some(self.pin_message(&locked));
            return;
        }
        self.turn.pin.message = Some(self.tr("staff-pin-checking"));
        self.pin_check = Some(PinCheck::start(self.config.staff.accounts.clone(), pin));
    }

    /// Records a finished PIN check: counts it, keeps the lock in the store, audits sign-ins
    /// and locks, and signs staff in if the pad is still showing.
    pub(super) fn pin_checked(&mut self, found: Option<String>) {
        let outcome = self.lock.record(found, self.wall_now());
        if let Err(e) = self.records.store.set_kiosk_state(PIN_LOCK_KEY, &self.lock) {
            self.problem = Some(self.store_message(&e));
        }
        // The audit log records who opened staff mode and when the pad locked.
        match &outcome {
            PinOutcome::Accepted(id) => self.audit(AuditEvent::StaffSignedIn, Some(id)),
            PinOutcome::Locked { .. } => self.audit(AuditEvent::PinLocked, None),
            PinOutcome::Wrong { .. } => {}
        }
        if self.stage != Stage::Staff(Page::Pin) {
            // The pad was left (idle time-out) while the PIN was checked: nobody signs in.
            return;
        }
        match outcome {
            PinOutcome::Accepted(id) => {
                self.turn.pin = PinPad::default();
                self.turn.staff = Some(StaffVisit::new(id, self.ended.take()));
                self.stage = Stage::Staff(Page::Menu);
            }
            other => self.turn.pin.message = Some(self.pin_message(&other)),
        }
    }

    /// What the pad says after an attempt that did not open it.
    fn pin_message(&self, outcome: &PinOutcome) -> String {
        match outcome {
            PinOutcome::Accepted(_) => String::new(),
            PinOutcome::Wrong { attempts_left } => self.strings.args(
                self.turn.lang,
                "staff-pin-wrong",
                &[("count", Arg::Num(f64::from(*attempts_left)))],
            ),
            PinOutcome::Locked { seconds_left } => self.strings.args(
                self.turn.lang,
                "staff-pin-locked",
                &[("seconds", Arg::Num(f64::from(*seconds_left)))],
            ),
        }
    }

    fn load_today(&mut self) {
        let since = self.start_of_today();
        match self.records.store.since(&since) {
            Ok(today) => {
                if let Some(visit) = &mut self.turn.staff {
                    visit.today = today;
                }
            }
            Err(e) => self.problem = Some(self.store_message(&e)),
        }
    }

    /// Starts the session staff filled in, if the patient id is valid.
    fn hand_over_from_draft(&mut self, now: f64) {
        let Some(visit) = &self.turn.staff else {
            return;
        };
        let d = &visit.draft;
        let staff = &self.config.staff;
        match check_id(d.id_type, &d.id_text, staff.study_id_pattern.as_deref()) {
            Ok(id) => {
                let battery = staff
                    .batteries
                    .get(d.battery)
                    .cloned()
                    .unwrap_or_else(|| Arc::clone(&self.config.battery));
                let details = VisitDetails {
                    timepoint: staff.timepoints.get(d.timepoint).copied(),
                    arm: d.arm.and_then(|a| staff.arms.get(a).cloned()),
                    consent: d.consent,
                };
                let patient = Patient {
                    id: id.as_str().to_owned(),
                    id_type: id.kind(),
                };
                self.start_visit(battery, patient, details, now);
            }
            Err(error) => {
                let reason = id_reason(self, &error);
                let problem = self.strings.args(
                    self.turn.lang,
                    "staff-id-invalid",
                    &[("reason", Arg::Text(reason))],
                );
                if let Some(d) = draft(&mut self.turn) {
                    d.id_problem = Some(problem);
                }
            }
        }
    }
}

/// The new-session draft of the signed-in staff visit.
fn draft(turn: &mut super::Turn) -> Option<&mut Draft> {
    turn.staff.as_mut().map(|s| &mut s.draft)
}

/// The staff page shown now.
pub fn staff_ui(ui: &mut Ui, t: &Tokens, k: &Kiosk, page: Page, out: &mut Vec<Intent>) {
    match page {
        Page::Pin => pin_ui(ui, t, k, out),
        Page::Menu => menu_ui(ui, t, k, out),
        Page::Waiting => waiting_ui(ui, t, k, out),
        Page::Today => today_ui(ui, t, k, out),
        Page::NewSession => new_session_ui(ui, t, k, out),
        Page::LastResult => last_result_ui(ui, t, k, out),
    }
}

/// Sends a staff intent.
fn push(out: &mut Vec<Intent>, intent: StaffIntent) {
    out.push(Intent::Staff(intent));
}

/// The PIN pad that lets staff in.
fn pin_ui(ui: &mut Ui, t: &Tokens, k: &Kiosk, out: &mut Vec<Intent>) {
    let pad = &k.turn.pin;
    super::screens::title_ui(ui, t, &k.tr("staff-pin-title"));
    let masked = "•".repeat(pad.pin.chars().count());
    let labels = keypad::Labels {
        field: &k.tr("staff-pin-field"),
        comma: "",
        delete: &k.tr("keypad-delete"),
        clear: &k.tr("keypad-clear"),
    };
    // While the pad is locked its keys and Open are shown faded and take no taps, so staff
    // see at once that typing is pointless (the message says for how long).
    let locked = k.lock.seconds_left(k.wall_now());
    let open = locked.is_none();
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.add_enabled_ui(open, |ui| {
                if let Some(key) = keypad::keypad_ui(ui, t, &labels, &masked, false) {
                    push(out, StaffIntent::PinKey(key));
                }
            });
        });
        ui.add_space(t.pad);
        ui.vertical(|ui| {
            let enter = ui.add_enabled_ui(open, |ui| {
                Tile::new(&k.tr("staff-pin-enter"), t.button_side)
                    .primary(true)
                    .show(ui, t)
                    .clicked()
            });
            if enter.inner {
                push(out, StaffIntent::SubmitPin);
            }
            if Tile::new(&k.tr("nav-back"), t.button_side)
                .show(ui, t)
                .clicked()
            {
                push(out, StaffIntent::Close);
            }
            // A lock counts down on screen, also after a restart when no PIN was tried yet.
            let message = match locked {
                Some(seconds) => Some(k.strings.args(
                    k.turn.lang,
                    "staff-pin-locked",
                    &[("seconds", Arg::Num(f64::from(seconds)))],
                )),
                None => pad.message.clone(),
            };
            if let Some(m) = &message {
                text(ui, m, t.bold(t.body), t.palette.warning);
            }
        });
    });
}

/// What staff can do, with the upload status and any problem of the kiosk.
fn menu_ui(ui: &mut Ui, t: &Tokens, k: &Kiosk, out: &mut Vec<Intent>) {
    let lang = k.lang();
    let full = ui.available_width();
    super::screens::title_ui(ui, t, &k.tr("staff-menu-title"));
    if let Some(problem) = k.problem() {
        text(ui, problem, t.bold(t.body), t.palette.warning);
    }
    if let Some(status) = k.upload_status() {
        let line = k.strings.args(
            lang,
            "staff-upload-status",
            &[
                ("pending", Arg::Num(status.pending as f64)),
                ("failing", Arg::Num(status.failing as f64)),
                ("delivered", Arg::Num(status.delivered_total as f64)),
                ("quarantined", Arg::Num(status.quarantined as f64)),
            ],
        );
        let trouble = status.quarantined > 0 || status.last_error.is_some();
        let color = if trouble {
            t.palette.warning
        } else {
            t.palette.text
        };
        text(ui, &line, t.font(t.body), color);
        let last = match status.last_success {
            Some(at) => k.strings.args(
                lang,
                "staff-upload-last",
                &[("when", Arg::Text(local_when(k, at.into())))],
            ),
            None => k.tr("staff-upload-never"),
        };
        text(ui, &last, t.font(t.body), t.palette.text);
        if let Some(error) = &status.last_error {
            text(ui, error, t.font(t.small), t.palette.warning);
        }
        if status.unauthorized {
            text(
                ui,
                &k.tr("staff-upload-unauthorized"),
                t.bold(t.body),
                t.palette.warning,
            );
        }
    }
    if !k.waiting().is_empty() {
        let label = k.strings.args(
            lang,
            "staff-waiting",
            &[("count", Arg::Num(k.waiting().len() as f64))],
        );
        if Tile::new(&label, full).primary(true).show(ui, t).clicked() {
            push(out, StaffIntent::Show(Page::Waiting));
        }
    }
    for (id, intent, primary) in [
        (
            "staff-new-session",
            StaffIntent::Show(Page::NewSession),
            k.waiting().is_empty(),
        ),
        (
            "staff-last-result",
            StaffIntent::Show(Page::LastResult),
            false,
        ),
        ("staff-today", StaffIntent::Show(Page::Today), false),
        ("staff-close", StaffIntent::Close, false),
        ("staff-leave", StaffIntent::Leave, false),
    ] {
        if Tile::new(&k.tr(id), full)
            .primary(primary)
            .show(ui, t)
            .clicked()
        {
            push(out, intent);
        }
    }
}

/// Sessions interrupted by a restart or waiting to be sealed, to resume or seal.
fn waiting_ui(ui: &mut Ui, t: &Tokens, k: &Kiosk, out: &mut Vec<Intent>) {
    let full = ui.available_width();
    super::screens::title_ui(ui, t, &k.tr("staff-waiting-title"));
    if let Some(problem) = k.problem() {
        text(ui, problem, t.bold(t.body), t.palette.warning);
    }
    if k.waiting().is_empty() {
        text(
            ui,
            &k.tr("staff-waiting-none"),
            t.font(t.body),
            t.palette.text,
        );
    }
    let half = tile_width(ui, t, 2);
    for entry in k.waiting() {
        text(ui, &entry_line(k, entry), t.bold(t.body), t.palette.text);
        ui.horizontal(|ui| {
            if entry.state == State::Open {
                if Tile::new(&k.tr("staff-resume"), half)
                    .primary(true)
                    .show(ui, t)
                    .clicked()
                {
                    push(out, StaffIntent::Resume(entry.id));
                }
                if Tile::new(&k.tr("staff-seal-abandoned"), half)
                    .show(ui, t)
                    .clicked()
                {
                    push(out, StaffIntent::SealAbandoned(entry.id));
                }
            } else if Tile::new(&k.tr("staff-seal-retry"), half)
                .primary(true)
                .show(ui, t)
                .clicked()
            {
                push(out, StaffIntent::RetrySeal);
            }
        });
        ui.add_space(t.gap);
    }
    if Tile::new(&k.tr("nav-back"), full).show(ui, t).clicked() {
        push(out, StaffIntent::Show(Page::Menu));
    }
}

/// Today's sessions on this kiosk.
fn today_ui(ui: &mut Ui, t: &Tokens, k: &Kiosk, out: &mut Vec<Intent>) {
    let full = ui.available_width();
    super::screens::title_ui(ui, t, &k.tr("staff-today"));
    let today = k.turn.staff.as_ref().map_or(&[][..], |s| &s.today);
    if today.is_empty() {
        text(
            ui,
            &k.tr("staff-today-none"),
            t.font(t.body),
            t.palette.text,
        );
    }
    for entry in today {
        text(ui, &entry_line(k, entry), t.bold(t.body), t.palette.text);
        let lines = entry
            .summary
            .as_ref()
            .map(|summary| summary_lines(k, &entry.battery, summary))
            .unwrap_or_default();
        for (line, attention) in lines {
            let color = if attention {
                t.palette.warning
            } else {
                t.palette.text
            };
            text(ui, &line, t.font(t.body), color);
        }
        ui.add_space(t.gap);
    }
    if Tile::new(&k.tr("nav-back"), full).show(ui, t).clicked() {
        push(out, StaffIntent::Show(Page::Menu));
    }
}

/// Patient id, battery, time point and study details for a new session.
fn new_session_ui(ui: &mut Ui, t: &Tokens, k: &Kiosk, out: &mut Vec<Intent>) {
    let lang = k.lang();
    let Some(st) = k.turn.staff.as_ref().map(|s| &s.draft) else {
        return;
    };
    let full = ui.available_width();
    super::screens::title_ui(ui, t, &k.tr("staff-new-session"));
    text(ui, &k.tr("staff-id-type"), t.bold(t.body), t.palette.text);
    let mut kinds = vec![
        (IdType::Norwegian, "id-type-norwegian"),
        (IdType::Cpr, "id-type-cpr"),
    ];
    if k.config.staff.study_id_pattern.is_some() {
        kinds.push((IdType::Study, "id-type-study"));
    }
    let w = tile_width(ui, t, kinds.len());
    ui.horizontal(|ui| {
        for (kind, id) in &kinds {
            if Tile::new(&k.tr(id), w)
                .mark(Mark::Radio(st.id_type == *kind))
                .show(ui, t)
                .clicked()
            {
                push(out, StaffIntent::IdType(*kind));
            }
        }
    });
    let field = k.tr("staff-patient-id");
    if st.id_type == IdType::Study {
        let labels = keyboard::Labels {
            field: &field,
            shift: &k.tr("keyboard-shift"),
            space: &k.tr("keyboard-space"),
            delete: &k.tr("keyboard-delete"),
        };
        if let Some(key) = keyboard::keyboard_ui(
            ui,
            t,
            &labels,
            keyboard::Layout::LettersAndDigits,
            &st.id_text,
            st.shift,
        ) {
            push(out, StaffIntent::IdChar(key));
        }
    } else {
        let labels = keypad::Labels {
            field: &field,
            comma: "",
            delete: &k.tr("keypad-delete"),
            clear: &k.tr("keypad-clear"),
        };
        if let Some(key) = keypad::keypad_ui(ui, t, &labels, &st.id_text, false) {
            push(out, StaffIntent::IdKey(key));
        }
    }
    if let Some(problem) = &st.id_problem {
        text(ui, problem, t.bold(t.body), t.palette.warning);
    }
    let batteries: Vec<Arc<svar_forms::battery::Battery>> = if k.config.staff.batteries.is_empty() {
        vec![Arc::clone(&k.config.battery)]
    } else {
        k.config.staff.batteries.clone()
    };
    text(ui, &k.tr("staff-battery"), t.bold(t.body), t.palette.text);
    for (b, battery) in batteries.iter().enumerate() {
        if Tile::new(battery.title.get(lang), full)
            .mark(Mark::Radio(st.battery == b))
            .show(ui, t)
            .clicked()
        {
            push(out, StaffIntent::Battery(b));
        }
    }
    if !k.config.staff.timepoints.is_empty() {
        text(ui, &k.tr("staff-timepoint"), t.bold(t.body), t.palette.text);
        let w = tile_width(ui, t, k.config.staff.timepoints.len());
        ui.horizontal(|ui| {
            for (n, tp) in k.config.staff.timepoints.iter().enumerate() {
                if Tile::new(&k.tr(timepoint_message(*tp)), w)
                    .mark(Mark::Radio(st.timepoint == n))
                    .show(ui, t)
                    .clicked()
                {
                    push(out, StaffIntent::Timepoint(n));
                }
            }
        });
    }
    if !k.config.staff.arms.is_empty() {
        text(ui, &k.tr("staff-arm"), t.bold(t.body), t.palette.text);
        let choices: Vec<(Option<usize>, String)> =
            std::iter::once((None, k.tr("staff-not-recorded")))
                .chain(
                    k.config
                        .staff
                        .arms
                        .iter()
                        .enumerate()
                        .map(|(n, arm)| (Some(n), arm.clone())),
                )
                .collect();
        let w = tile_width(ui, t, choices.len().min(4));
        ui.horizontal_wrapped(|ui| {
            for (choice, label) in &choices {
                if Tile::new(label, w)
                    .mark(Mark::Radio(st.arm == *choice))
                    .show(ui, t)
                    .clicked()
                {
                    push(out, StaffIntent::Arm(*choice));
                }
            }
        });
    }
    text(ui, &k.tr("staff-consent"), t.bold(t.body), t.palette.text);
    let w = tile_width(ui, t, 3);
    ui.horizontal(|ui| {
        for (choice, id) in [
            (None, "staff-not-recorded"),
            (Some(true), "staff-consent-yes"),
            (Some(false), "staff-consent-no"),
        ] {
            if Tile::new(&k.tr(id), w)
                .mark(Mark::Radio(st.consent == choice))
                .show(ui, t)
                .clicked()
            {
                push(out, StaffIntent::Consent(choice));
            }
        }
    });
    ui.add_space(t.gap);
    if Tile::new(&k.tr("staff-hand-over"), full)
        .primary(true)
        .show(ui, t)
        .clicked()
    {
        push(out, StaffIntent::HandOver);
    }
    if Tile::new(&k.tr("nav-back"), full).show(ui, t).clicked() {
        push(out, StaffIntent::Show(Page::Menu));
    }
}

/// The scores of the session that ended last, if it ended since the last patient boundary.
fn last_result_ui(ui: &mut Ui, t: &Tokens, k: &Kiosk, out: &mut Vec<Intent>) {
    let full = ui.available_width();
    super::screens::title_ui(ui, t, &k.tr("staff-last-result"));
    let last = k.turn.staff.as_ref().and_then(|s| s.last_result.as_ref());
    match last {
        None => {
            text(
                ui,
                &k.tr("staff-summary-none"),
                t.font(t.body),
                t.palette.text,
            );
        }
        Some(last) => {
            let state = k.tr(ended_message(Some(last.status)));
            text(ui, &state, t.bold(t.body), t.palette.text);
            match &last.summary {
                Some(summary) => {
                    for (line, attention) in summary_lines(k, &last.battery, summary) {
                        let color = if attention {
                            t.palette.warning
                        } else {
                            t.palette.text
                        };
                        text(ui, &line, t.font(t.body), color);
                    }
                }
                None => {
                    text(
                        ui,
                        &k.tr("staff-summary-waiting"),
                        t.font(t.body),
                        t.palette.warning,
                    );
                }
            }
        }
    }
    ui.add_space(t.gap);
    if Tile::new(&k.tr("nav-back"), full).show(ui, t).clicked() {
        push(out, StaffIntent::Show(Page::Menu));
    }
}

/// A moment in the kiosk's local time: `14:05` today, `28.11.2026 14:05` on another day.
fn local_when(k: &Kiosk, at: time::OffsetDateTime) -> String {
    let offset = k.records.utc_offset;
    let local = at.to_offset(offset);
    let clock = format!("{:02}:{:02}", local.hour(), local.minute());
    if local.date() == time::OffsetDateTime::now_utc().to_offset(offset).date() {
        clock
    } else {
        let d = local.date();
        format!(
            "{:02}.{:02}.{} {clock}",
            d.day(),
            u8::from(d.month()),
            d.year()
        )
    }
}

/// One line about a stored session: local time, battery, how it ended, where its bundle is.
fn entry_line(k: &Kiosk, entry: &DayEntry) -> String {
    let lang = k.lang();
    let time = time::OffsetDateTime::parse(
        &entry.opened,
        &time::format_description::well_known::Rfc3339,
    )
    .map(|at| local_when(k, at))
    .unwrap_or_default();
    let battery = k
        .records
        .sealer
        .batteries
        .iter()
        .find(|b| b.id.as_str() == entry.battery)
        .map_or_else(|| entry.battery.clone(), |b| b.title.get(lang).to_owned());
    let state = match (entry.state, entry.status) {
        (State::Open, _) => k.tr("session-state-interrupted"),
        (State::Ending, _) => k.tr("session-state-waiting"),
        (State::Sealed, status) => k.tr(ended_message(status)),
    };
    let upload = match &entry.bundle_file {
        Some(file) if k.records.sealer.outbox.join(file).exists() => {
            format!(" – {}", k.tr("upload-waiting"))
        }
        Some(_) => format!(" – {}", k.tr("upload-sent")),
        None => String::new(),
    };
    format!("{time}  {battery} – {state}{upload}")
}

/// The message naming how a session ended.
fn ended_message(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Abandoned) => "session-state-abandoned",
        Some(Status::Timeout) => "session-state-timeout",
        Some(Status::Complete) | None => "session-state-complete",
    }
}

/// Lines of a sealed session's stored summary (no answers): each form's title, then its
/// scores in the form's order with band names, then its flags; with whether a line asks for
/// attention. Bands a battery replaced are looked up in that battery.
fn summary_lines(k: &Kiosk, battery: &str, summary: &serde_json::Value) -> Vec<(String, bool)> {
    let lang = k.lang();
    let Some(forms) = summary.as_array() else {
        return Vec::new();
    };
    let battery = k
        .records
        .sealer
        .batteries
        .iter()
        .find(|b| b.id.as_str() == battery);
    let mut lines = Vec::new();
    for summary in forms {
        let id = summary["form"].as_str().unwrap_or_default();
        let Some(member) = battery.and_then(|b| b.member(id)) else {
            continue;
        };
        let form = &member.form;
        let scores = &summary["scores"];
        let flags: Vec<&str> = summary["flags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(serde_json::Value::as_str)
            .collect();
        if form.scores.is_empty() && flags.is_empty() {
            continue;
        }
        lines.push((form.title.get(lang).to_owned(), false));
        for (n, score) in form.scores.iter().enumerate() {
            let record = &scores[score.id.as_str()];
            let value = record["value"].as_f64().map_or_else(
                || k.tr("staff-no-value"),
                |v| i18n::number(lang, v, if v.fract() == 0.0 { 0 } else { 2 }),
            );
            let bands = member
                .overrides
                .iter()
                .find(|o| o.score.0 == n)
                .map_or(&score.bands, |o| &o.bands);
            let band = record["band"]
                .as_str()
                .and_then(|b| bands.iter().find(|band| band.id.as_str() == b))
                .map(|b| format!(" – {}", b.label.get(lang)))
                .unwrap_or_default();
            let attention = record["severity"].as_str().is_some_and(|s| s != "none");
            lines.push((
                format!("    {}: {value}{band}", score.label.get(lang)),
                attention,
            ));
        }
        for flag in flags {
            if let Some(f) = form.flags.iter().find(|f| f.id.as_str() == flag) {
                let line = k.strings.args(
                    lang,
                    "staff-flag",
                    &[("flag", Arg::Text(f.label.get(lang).to_owned()))],
                );
                lines.push((format!("    {line}"), true));
            }
        }
    }
    lines
}

/// The message id naming a time point.
fn timepoint_message(tp: Timepoint) -> &'static str {
    match tp {
        Timepoint::Baseline => "timepoint-baseline",
        Timepoint::Month6 => "timepoint-month-6",
        Timepoint::Month12 => "timepoint-month-12",
        Timepoint::Screening => "timepoint-screening",
    }
}
