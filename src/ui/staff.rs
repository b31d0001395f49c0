//! Staff mode, behind the PIN: start a session for a named patient, see the last result's
//! scores (never shown to the patient), leave kiosk mode.

use super::theme::Tokens;
use super::widgets::{Mark, Tile, keyboard, keypad, text, tile_width};
use super::{Intent, Kiosk, Stage};
use crate::battery::Timepoint;
use crate::bundle::{Patient, Status};
use crate::i18n::{self, Arg};
use crate::patient_id::{self, CprRule, IdError, PatientId, StudyIdPattern};
use crate::score::Report;
use crate::session::Session;
use crate::staff::PinOutcome;
use crate::store::{AuditEvent, DayEntry, SessionId, State};
use crate::text::Text;
use crate::visit::Visit;
use egui::Ui;
use std::sync::Arc;
use zeroize::Zeroize;

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

/// One score line of a result summary.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreLine {
    /// The score's name.
    pub label: Text,
    /// Its value.
    pub value: Option<f64>,
    /// The band's name.
    pub band: Option<Text>,
    /// The band asks for attention.
    pub attention: bool,
}

/// The scores and flags of one form of a finished session (no answers).
#[derive(Debug, Clone, PartialEq)]
pub struct FormResult {
    /// The form's title.
    pub title: Text,
    /// Score lines.
    pub scores: Vec<ScoreLine>,
    /// Raised flags' texts.
    pub flags: Vec<Text>,
}

/// Staff-mode state while the kiosk runs.
// No Debug: it holds the PIN and the patient id being typed.
#[derive(Default)]
pub struct StaffState {
    pin: String,
    pin_message: Option<String>,
    lock: crate::staff::PinLock,
    /// Who opened staff mode.
    pub signed_in: Option<String>,
    id_type: IdType,
    id_text: String,
    id_problem: Option<String>,
    shift: bool,
    battery: usize,
    timepoint: usize,
    arm: Option<usize>,
    consent: Option<bool>,
    /// The patient of the running session.
    pub patient: Option<PatientId>,
    /// The time point of the running session.
    pub session_timepoint: Option<Timepoint>,
    /// The last finished session's scores, until the next session starts.
    pub last_result: Option<Vec<FormResult>>,
}

/// The scores of a finished session, for the staff summary.
pub fn summary(session: &Session, reports: &[Report]) -> Vec<FormResult> {
    session
        .battery()
        .forms
        .iter()
        .zip(reports)
        .map(|(member, report)| {
            let form = &member.form;
            let scores = form
                .scores
                .iter()
                .enumerate()
                .zip(&report.scores)
                .map(|((s, score), result)| {
                    let bands = member
                        .overrides
                        .iter()
                        .find(|o| o.score.0 == s)
                        .map_or(&score.bands, |o| &o.bands);
                    let band = result
                        .band
                        .as_ref()
                        .and_then(|id| bands.iter().find(|b| &b.id == id));
                    ScoreLine {
                        label: score.label.clone(),
                        value: result.value,
                        band: band.map(|b| b.label.clone()),
                        attention: result.severity != crate::form::Severity::None,
                    }
                })
                .collect();
            let flags = report
                .flags
                .iter()
                .filter_map(|id| {
                    form.flags
                        .iter()
                        .find(|f| &f.id == id)
                        .map(|f| f.label.clone())
                })
                .collect();
            FormResult {
                title: form.title.clone(),
                scores,
                flags,
            }
        })
        .collect()
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
    let lang = k.lang;
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
        let st = &mut self.staff;
        match intent {
            StaffIntent::OpenPin => {
                st.pin.clear();
                st.pin_message = None;
                self.stage = Stage::Staff(Page::Pin);
            }
            StaffIntent::PinKey(key) => keypad::apply(&mut st.pin, key),
            StaffIntent::SubmitPin => {
                let was_locked = st.lock.locked(now);
                let outcome = st.lock.attempt(&self.config.staff.accounts, &st.pin, now);
                st.pin.zeroize();
                // The audit log records who opened staff mode and when the pad locked.
                let event = match &outcome {
                    PinOutcome::Accepted(id) => Some((AuditEvent::StaffSignedIn, Some(id.clone()))),
                    PinOutcome::Locked { .. } if !was_locked => Some((AuditEvent::PinLocked, None)),
                    _ => None,
                };
                if let Some((event, staff)) = event {
                    self.audit(event, staff.as_deref());
                }
                let st = &mut self.staff;
                st.pin_message = match outcome {
                    PinOutcome::Accepted(id) => {
                        st.signed_in = Some(id);
                        self.stage = Stage::Staff(Page::Menu);
                        None
                    }
                    PinOutcome::Wrong { attempts_left } => Some(self.strings.args(
                        self.lang,
                        "staff-pin-wrong",
                        &[("count", Arg::Num(f64::from(attempts_left)))],
                    )),
                    PinOutcome::Locked { seconds_left } => Some(self.strings.args(
                        self.lang,
                        "staff-pin-locked",
                        &[("seconds", Arg::Num(f64::from(seconds_left)))],
                    )),
                };
            }
            StaffIntent::Show(page) => {
                if st.signed_in.is_some() {
                    match page {
                        Page::Today => self.load_today(),
                        Page::Waiting => self.refresh_waiting(),
                        _ => {}
                    }
                    self.stage = Stage::Staff(page);
                }
            }
            StaffIntent::Resume(id) => {
                let Some(staff) = st.signed_in.clone() else {
                    return;
                };
                match Visit::resume(
                    &mut self.records.store,
                    id,
                    &self.records.sealer.batteries,
                    Some(&staff),
                ) {
                    Ok(visit) => {
                        self.clear_patient();
                        self.lang = visit.session().lang();
                        self.visit = Some(visit);
                        self.staff.signed_in = None;
                        self.idle.touch(now);
                        self.stage = Stage::Session;
                    }
                    Err(e) => self.problem = Some(self.seal_message(&e)),
                }
                self.refresh_waiting();
            }
            StaffIntent::SealAbandoned(id) => {
                let Some(staff) = st.signed_in.clone() else {
                    return;
                };
                match crate::visit::abandon_stored(
                    &mut self.records.store,
                    id,
                    &self.records.sealer,
                    Some(&staff),
                ) {
                    Ok(_) => self.problem = None,
                    Err(e) => self.problem = Some(self.seal_message(&e)),
                }
                self.refresh_waiting();
            }
            StaffIntent::RetrySeal => {
                if st.signed_in.is_some() {
                    self.retry(now);
                }
            }
            StaffIntent::IdType(kind) => {
                st.id_type = kind;
                st.id_text.clear();
                st.id_problem = None;
            }
            StaffIntent::IdKey(key) => {
                keypad::apply(&mut st.id_text, key);
                st.id_problem = None;
            }
            StaffIntent::IdChar(key) => {
                let (text, shift) = keyboard::apply(&st.id_text, &key, st.shift);
                st.id_text = text.chars().take(40).collect();
                st.shift = shift;
                st.id_problem = None;
            }
            StaffIntent::Battery(b) => st.battery = b,
            StaffIntent::Timepoint(t) => st.timepoint = t,
            StaffIntent::Arm(a) => st.arm = a,
            StaffIntent::Consent(c) => st.consent = c,
            StaffIntent::HandOver => {
                if st.signed_in.is_none() {
                    return;
                }
                match check_id(
                    st.id_type,
                    &st.id_text,
                    self.config.staff.study_id_pattern.as_deref(),
                ) {
                    Ok(id) => {
                        let battery = self
                            .config
                            .staff
                            .batteries
                            .get(st.battery)
                            .cloned()
                            .unwrap_or_else(|| Arc::clone(&self.config.battery));
                        let details = VisitDetails {
                            timepoint: self.config.staff.timepoints.get(st.timepoint).copied(),
                            arm: st.arm.and_then(|a| self.config.staff.arms.get(a).cloned()),
                            consent: st.consent,
                        };
                        let patient = Patient {
                            id: id.as_str().to_owned(),
                            id_type: id.kind(),
                        };
                        if self.start_visit(battery, patient, details, now) {
                            let st = &mut self.staff;
                            st.id_text.zeroize();
                            st.signed_in = None;
                            st.last_result = None;
                            st.arm = None;
                            st.consent = None;
                        }
                    }
                    Err(error) => {
                        let reason = id_reason(self, &error);
                        self.staff.id_problem = Some(self.strings.args(
                            self.lang,
                            "staff-id-invalid",
                            &[("reason", Arg::Text(reason))],
                        ))
                    }
                }
            }
            StaffIntent::Leave => {
                if let Some(staff) = st.signed_in.clone() {
                    self.audit(AuditEvent::KioskLeft, Some(&staff));
                    self.allow_close = true;
                    self.close_requested = true;
                }
            }
            StaffIntent::Close => {
                st.signed_in = None;
                self.today.clear();
                st.pin.clear();
                st.id_text.clear();
                self.stage = Stage::Welcome;
            }
        }
    }
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
    let st = &k.staff;
    super::screens::title_ui(ui, t, &k.tr("staff-pin-title"));
    let masked = "•".repeat(st.pin.chars().count());
    let labels = keypad::Labels {
        field: &k.tr("staff-pin-field"),
        comma: "",
        delete: &k.tr("keypad-delete"),
        clear: &k.tr("keypad-clear"),
    };
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            if let Some(key) = keypad::keypad_ui(ui, t, &labels, &masked, false) {
                push(out, StaffIntent::PinKey(key));
            }
        });
        ui.add_space(t.pad);
        ui.vertical(|ui| {
            if Tile::new(&k.tr("staff-pin-enter"), t.button_side)
                .primary(true)
                .show(ui, t)
                .clicked()
            {
                push(out, StaffIntent::SubmitPin);
            }
            if Tile::new(&k.tr("nav-back"), t.button_side)
                .show(ui, t)
                .clicked()
            {
                push(out, StaffIntent::Close);
            }
            if let Some(m) = &st.pin_message {
                text(ui, m, t.bold(t.body), t.palette.warning);
            }
        });
    });
}

/// What staff can do, with the upload status and any problem of the kiosk.
fn menu_ui(ui: &mut Ui, t: &Tokens, k: &Kiosk, out: &mut Vec<Intent>) {
    let lang = k.lang;
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
    if k.today().is_empty() {
        text(
            ui,
            &k.tr("staff-today-none"),
            t.font(t.body),
            t.palette.text,
        );
    }
    for entry in k.today() {
        text(ui, &entry_line(k, entry), t.bold(t.body), t.palette.text);
        for (line, attention) in summary_lines(k, entry) {
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
    let lang = k.lang;
    let st = &k.staff;
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
        if let Some(key) = keyboard::keyboard_ui(ui, t, &labels, &st.id_text, st.shift) {
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
    let batteries: Vec<Arc<crate::battery::Battery>> = if k.config.staff.batteries.is_empty() {
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

/// The scores of the last finished session.
fn last_result_ui(ui: &mut Ui, t: &Tokens, k: &Kiosk, out: &mut Vec<Intent>) {
    let lang = k.lang;
    let st = &k.staff;
    let full = ui.available_width();
    super::screens::title_ui(ui, t, &k.tr("staff-last-result"));
    match &st.last_result {
        None => {
            text(
                ui,
                &k.tr("staff-summary-none"),
                t.font(t.body),
                t.palette.text,
            );
        }
        Some(forms) => {
            for form in forms
                .iter()
                .filter(|f| !f.scores.is_empty() || !f.flags.is_empty())
            {
                text(ui, form.title.get(lang), t.bold(t.question), t.palette.text);
                for flag in &form.flags {
                    let line = k.strings.args(
                        lang,
                        "staff-flag",
                        &[("flag", Arg::Text(flag.get(lang).to_owned()))],
                    );
                    text(ui, &line, t.bold(t.body), t.palette.warning);
                }
                for score in &form.scores {
                    let value = score.value.map_or_else(
                        || k.tr("staff-no-value"),
                        |v| i18n::number(lang, v, if v.fract() == 0.0 { 0 } else { 2 }),
                    );
                    let band = score
                        .band
                        .as_ref()
                        .map(|b| format!(" – {}", b.get(lang)))
                        .unwrap_or_default();
                    let color = if score.attention {
                        t.palette.warning
                    } else {
                        t.palette.text
                    };
                    text(
                        ui,
                        &format!("{}: {value}{band}", score.label.get(lang)),
                        t.font(t.body),
                        color,
                    );
                }
                ui.add_space(t.gap);
            }
        }
    }
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
    let lang = k.lang;
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
        (State::Sealed, Some(Status::Abandoned)) => k.tr("session-state-abandoned"),
        (State::Sealed, Some(Status::Timeout)) => k.tr("session-state-timeout"),
        (State::Sealed, _) => k.tr("session-state-complete"),
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

/// Lines of a sealed session's stored summary (no answers): each form's title, then its
/// scores in the form's order with band names, then its flags; with whether a line asks for
/// attention. Bands a battery replaced are looked up in that battery.
fn summary_lines(k: &Kiosk, entry: &DayEntry) -> Vec<(String, bool)> {
    let lang = k.lang;
    let Some(forms) = entry.summary.as_ref().and_then(serde_json::Value::as_array) else {
        return Vec::new();
    };
    let battery = k
        .records
        .sealer
        .batteries
        .iter()
        .find(|b| b.id.as_str() == entry.battery);
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
