//! What staff's taps do: the PIN, moving between pages, the new-session draft, handing the
//! screen over, resuming or sealing waiting sessions, leaving kiosk mode.

use super::{Draft, Page, PinCheck, PinPad, StaffIntent, StaffScreen, StaffVisit};
use super::{PIN_LOCK_KEY, VisitDetails};
use crate::i18n::Arg;
use crate::staff::PinOutcome;
use crate::ui::Kiosk;
use crate::ui::patient::Step;
use crate::ui::screen::{PausedScreen, Screen};
use crate::ui::view::Texts;
use crate::ui::widgets::{keyboard, keypad};
use crate::visit::Visit;
use std::sync::Arc;
use svar_bundle::{Patient, Status};
use svar_forms::patient_id::{self, CprRule, IdError, PatientId, StudyIdPattern};
use svar_store::AuditEvent;
use zeroize::Zeroizing;

use super::IdType;

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
fn id_reason(texts: Texts, error: &IdError) -> String {
    let k = texts;
    match error {
        IdError::Empty => k.tr("id-error-empty"),
        IdError::NotDigits { .. } => k.tr("id-error-not-digits"),
        IdError::WrongLength {
            expected, found, ..
        } => k.args(
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
    /// The signed-in staff id, while staff mode is open.
    pub(in crate::ui) fn staff_id(&self) -> Option<&str> {
        match &self.screen {
            Screen::Staff(s) => Some(s.visit.staff_id()),
            _ => None,
        }
    }

    /// The new-session draft of the signed-in staff visit.
    fn draft(&mut self) -> Option<&mut Draft> {
        match &mut self.screen {
            Screen::Staff(s) => Some(&mut s.visit.draft),
            _ => None,
        }
    }

    pub(in crate::ui) fn staff_intent(&mut self, intent: StaffIntent, now: f64) {
        match intent {
            StaffIntent::OpenPin => {
                if matches!(self.screen, Screen::Welcome) {
                    self.screen = Screen::Pin(PinPad::default());
                }
            }
            StaffIntent::PinKey(key) => {
                if self.pin_check.is_none()
                    && let Some(pad) = self.pin_pad()
                {
                    keypad::apply(&mut pad.pin, key);
                }
            }
            StaffIntent::SubmitPin => self.submit_pin(),
            StaffIntent::Language(lang) => {
                let Some(staff) = self.staff_id().map(str::to_owned) else {
                    return;
                };
                self.look.lang = lang;
                let key = super::language_key(&staff);
                if let Err(e) = self.records.store.set_kiosk_state(&key, &lang) {
                    self.problem = Some(self.store_message(&e));
                }
            }
            StaffIntent::Show(page) => {
                if let Screen::Staff(s) = &mut self.screen {
                    s.page = page;
                    match page {
                        Page::Today => self.load_today(),
                        Page::Waiting => self.refresh_waiting(),
                        _ => {}
                    }
                }
            }
            StaffIntent::Resume(id) => {
                let Some(staff) = self.staff_id().map(str::to_owned) else {
                    return;
                };
                match Visit::resume(
                    &mut self.records.store,
                    id,
                    &self.records.sealer.batteries,
                    Some(&staff),
                ) {
                    Ok(visit) => {
                        self.unpause(id, now);
                        self.hand_over(visit, Step::Answering, now);
                    }
                    Err(e) => self.problem = Some(self.seal_message(&e)),
                }
                self.refresh_waiting();
            }
            StaffIntent::SealAbandoned(id) => {
                let Some(staff) = self.staff_id().map(str::to_owned) else {
                    return;
                };
                self.unpause(id, now);
                self.end_waiting(id, Status::Abandoned, Some(&staff));
            }
            StaffIntent::RetrySeal => {
                if self.staff_id().is_some() {
                    self.retry(now);
                }
            }
            StaffIntent::IdType(kind) => {
                if let Some(d) = self.draft() {
                    d.id_type = kind;
                    d.id_text = Zeroizing::default();
                    d.id_problem = None;
                }
            }
            StaffIntent::IdKey(key) => {
                if let Some(d) = self.draft() {
                    keypad::apply(&mut d.id_text, key);
                    d.id_problem = None;
                }
            }
            StaffIntent::IdChar(key) => {
                if let Some(d) = self.draft() {
                    let (text, shift) = keyboard::apply(&d.id_text, &key, d.shift);
                    d.id_text = Zeroizing::new(text.chars().take(40).collect());
                    d.shift = shift;
                    d.id_problem = None;
                }
            }
            StaffIntent::Battery(b) => {
                if let Some(d) = self.draft() {
                    // The time points offered depend on the battery: choose again.
                    if d.battery != b {
                        d.timepoint = 0;
                    }
                    d.battery = b;
                }
            }
            StaffIntent::Timepoint(t) => {
                if let Some(d) = self.draft() {
                    d.timepoint = t;
                }
            }
            StaffIntent::Arm(a) => {
                if let Some(d) = self.draft() {
                    d.arm = a;
                }
            }
            StaffIntent::Consent(c) => {
                if let Some(d) = self.draft() {
                    d.consent = c;
                }
            }
            StaffIntent::HandOver => self.hand_over_from_draft(now),
            StaffIntent::Leave => {
                if let Some(staff) = self.staff_id().map(str::to_owned) {
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
        let locked = self.lock.refuse_while_locked(self.wall_now());
        let message = match &locked {
            Some(locked) => self.pin_message(locked),
            None => self.texts().tr("staff-pin-checking"),
        };
        let Some(pad) = self.pin_pad() else {
            return;
        };
        let pin = std::mem::take(&mut pad.pin);
        pad.message = Some(message);
        if locked.is_none() {
            self.pin_check = Some(PinCheck::start(self.config.staff.accounts.clone(), pin));
        }
    }

    /// Records a finished PIN check: counts it, keeps the lock in the store, audits sign-ins
    /// and locks, and signs staff in if the pad is still showing.
    pub(in crate::ui) fn pin_checked(&mut self, found: Option<String>) {
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
        let message = self.pin_message(&outcome);
        // Staff who unlock the paused screen come to the session waiting for them.
        let page = match self.screen {
            Screen::Paused(_) => Page::Waiting,
            _ => Page::Menu,
        };
        // The pad was left (idle time-out) while the PIN was checked: nobody signs in.
        let Some(pad) = self.pin_pad() else {
            return;
        };
        match outcome {
            PinOutcome::Accepted(id) => {
                // Staff mode speaks the language this staff member chose last time.
                let key = super::language_key(&id);
                if let Ok(Some(lang)) = self.records.store.kiosk_state(&key) {
                    self.look.lang = lang;
                }
                self.screen = Screen::Staff(Box::new(StaffScreen {
                    visit: StaffVisit::new(id, self.ended.take()),
                    page,
                }));
                self.refresh_waiting();
            }
            _ => pad.message = Some(message),
        }
    }

    /// The PIN pad on screen: in front of staff mode, or on the paused screen.
    fn pin_pad(&mut self) -> Option<&mut PinPad> {
        match &mut self.screen {
            Screen::Pin(pad) | Screen::Paused(PausedScreen { pad, .. }) => Some(pad),
            _ => None,
        }
    }

    /// What the pad says after an attempt that did not open it.
    fn pin_message(&self, outcome: &PinOutcome) -> String {
        let texts = self.texts();
        match outcome {
            PinOutcome::Accepted(_) => String::new(),
            PinOutcome::Wrong { attempts_left } => texts.args(
                "staff-pin-wrong",
                &[("count", Arg::Num(f64::from(*attempts_left)))],
            ),
            PinOutcome::Locked { seconds_left } => texts.args(
                "staff-pin-locked",
                &[("seconds", Arg::Num(f64::from(*seconds_left)))],
            ),
        }
    }

    fn load_today(&mut self) {
        let since = self.start_of_today();
        match self.records.store.since(&since) {
            Ok(today) => {
                if let Screen::Staff(s) = &mut self.screen {
                    s.visit.today = today;
                }
            }
            Err(e) => self.problem = Some(self.store_message(&e)),
        }
    }

    /// Starts the session staff filled in, if the patient id is valid.
    fn hand_over_from_draft(&mut self, now: f64) {
        let Screen::Staff(s) = &self.screen else {
            return;
        };
        let d = &s.visit.draft;
        let staff = &self.config.staff;
        match check_id(d.id_type, &d.id_text, staff.study_id_pattern.as_deref()) {
            Ok(id) => {
                let battery = staff
                    .batteries
                    .get(d.battery)
                    .cloned()
                    .unwrap_or_else(|| Arc::clone(&self.config.battery));
                let details = VisitDetails {
                    timepoint: super::offered_timepoints(&staff.timepoints, &battery)
                        .get(d.timepoint)
                        .copied(),
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
                let texts = self.texts();
                let reason = id_reason(texts, &error);
                let problem = texts.args("staff-id-invalid", &[("reason", Arg::Text(reason))]);
                if let Some(d) = self.draft() {
                    d.id_problem = Some(problem);
                }
            }
        }
    }
}
