//! Staff mode, behind the PIN: start a session for a named patient, see the last result's
//! scores (never shown to the patient), leave kiosk mode. The screens' state is here, what
//! staff's taps do is in [`actions`], the pages in [`pages`], and how a stored session is
//! described to staff in [`describe`].

mod actions;
mod describe;
mod pages;

pub use describe::{Describe, Who};
pub use pages::{KioskView, pin_ui, staff_ui};

use super::widgets::{keyboard, keypad};
use crate::staff::{StaffAccount, find_account};
use std::sync::mpsc;
use svar_bundle::Status;
use svar_forms::battery::Timepoint;
use svar_store::{DayEntry, SessionId};
use zeroize::Zeroizing;

/// The staff pages behind the PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
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
    /// Show staff mode in a language (remembered for the staff member signed in).
    Language(svar_forms::text::Lang),
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

/// The key a staff member's language is kept under in the store.
fn language_key(staff: &str) -> String {
    format!("staff_language:{staff}")
}

/// The PIN pad's typed digits and the last attempt's message. The pad's screen holds it, so a
/// half-typed PIN never waits for the next person.
#[derive(Default)]
pub struct PinPad {
    pin: Zeroizing<String>,
    message: Option<String>,
}

impl PinPad {
    /// How many digits are typed (what the pad shows, masked).
    pub fn typed(&self) -> usize {
        self.pin.chars().count()
    }
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

/// A signed-in member of staff's screen: their visit and the page it shows.
pub struct StaffScreen {
    /// What they entered and were shown.
    pub visit: StaffVisit,
    /// The page shown.
    pub page: Page,
}

/// Everything one signed-in member of staff entered and was shown. It lives in their
/// [`StaffScreen`] and is dropped whole at sign-out and at every patient boundary, so nothing typed or shown in
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
    /// Who it was for and when it ended.
    pub who: describe::Who,
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
    /// The result of `session` on `battery` for `who`, ended with `status`.
    pub fn new(
        session: SessionId,
        battery: String,
        status: Status,
        summary: Option<serde_json::Value>,
        who: describe::Who,
    ) -> LastResult {
        LastResult {
            session,
            battery,
            status,
            summary,
            who,
        }
    }
}

/// The site's time points that `battery` is used at, in the site's order: staff are never
/// offered "6 months" for a baseline-only battery.
pub(super) fn offered_timepoints(
    site: &[Timepoint],
    battery: &svar_forms::battery::Battery,
) -> Vec<Timepoint> {
    site.iter()
        .copied()
        .filter(|tp| battery.timepoints.contains(tp))
        .collect()
}
