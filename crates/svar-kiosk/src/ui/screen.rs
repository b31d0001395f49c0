//! The kiosk's screens, each holding the state that belongs to it. The kiosk shows exactly one
//! [`Screen`]; moving to another replaces it whole, so a patient's visit and what they typed, or
//! a staff visit and what staff typed and were shown, cannot outlive the screen they belong to.

use super::patient::PatientScreen;
use super::staff::{PinPad, StaffScreen};
use super::theme::TextSize;
use svar_forms::text::Lang;

/// How the person at the screen chose to see it. It lasts from a hand-over to the thank-you
/// screen and is back to the kiosk's default for the next patient.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Look {
    /// The language shown.
    pub lang: Lang,
    /// The text size.
    pub text_size: TextSize,
    /// High contrast on.
    pub high_contrast: bool,
}

impl Look {
    /// Normal text and contrast in `lang`.
    pub fn new(lang: Lang) -> Look {
        Look {
            lang,
            text_size: TextSize::Normal,
            high_contrast: false,
        }
    }
}

/// Why a session waits for staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PauseReason {
    /// The idle time-out, in a session staff started.
    Idle,
    /// The patient asked for help (a required question they cannot answer).
    Asked,
}

/// The paused screen: why it shows, and the PIN pad's typed digits.
pub(super) struct PausedScreen {
    /// Why the session waits.
    pub reason: PauseReason,
    /// The PIN pad for staff.
    pub pad: PinPad,
}

impl PausedScreen {
    /// A paused screen with an empty pad.
    pub fn new(reason: PauseReason) -> PausedScreen {
        PausedScreen {
            reason,
            pad: PinPad::default(),
        }
    }
}

/// What the kiosk shows, with that screen's state.
pub(super) enum Screen {
    /// Waiting for the next patient.
    Welcome,
    /// The PIN pad in front of staff mode.
    Pin(PinPad),
    /// A signed-in member of staff on one of their pages.
    Staff(Box<StaffScreen>),
    /// A patient's visit: the language screen, then the session's own screens (intro,
    /// questions, review, finish) as its position says.
    Patient(Box<PatientScreen>),
    /// A session waiting in the store for staff (paused by the idle time-out, or the patient
    /// asked for help): nothing of the patient is shown, only "ask the staff" and the PIN pad.
    Paused(PausedScreen),
    /// Thank you, until the clock time given; nothing of the patient is left but their look.
    Thanks {
        /// Clock time to return to the welcome screen.
        until: f64,
    },
}
