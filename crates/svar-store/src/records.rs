//! What the store keeps about a session: its state, the record it starts with, where the
//! patient is, answers as saved and read back, and the lines of today's list.

use crate::SessionId;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;
use svar_forms::record::{Meta, Status, Timestamp};
use svar_forms::session::Position;
use svar_forms::text::Lang;

/// Where a session is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// The patient is (or was, before an interruption) answering.
    Open,
    /// Ended; waiting to be sealed.
    Ending,
    /// Sealed into the outbox; its answers are gone from the store.
    Sealed,
}

impl State {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Ending => "ending",
            State::Sealed => "sealed",
        }
    }

    pub(crate) fn parse(text: &str) -> Option<State> {
        [State::Open, State::Ending, State::Sealed]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

impl std::fmt::Display for State {
    /// In words, for messages: "open", "ended, waiting to be sealed", "sealed".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            State::Open => "open",
            State::Ending => "ended, waiting to be sealed",
            State::Sealed => "sealed",
        })
    }
}

pub(crate) fn parse_status(text: &str) -> Option<Status> {
    [Status::Complete, Status::Abandoned, Status::Timeout]
        .into_iter()
        .find(|s| s.as_str() == text)
}

/// Who and what a stored session is about, encrypted in the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredMeta {
    /// Site, kiosk, patient, visit, start.
    pub meta: Meta,
    /// The battery's id.
    pub battery: String,
    /// The battery's version.
    pub battery_version: semver::Version,
    /// The staff member who started the session.
    pub staff: Option<String>,
}

/// Where the patient was and in which language, encrypted in the store.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// The screen.
    pub position: Position,
    /// The language.
    pub lang: Lang,
}

/// A change to one answer, for [`Store::save_answers`].
#[derive(Clone, Copy)]
pub struct AnswerChange<'a> {
    /// Index of the form in the battery.
    pub form: usize,
    /// The item's id.
    pub item: &'a str,
    /// The answer (as in an answers file) and when it was given; `None` removes it.
    pub value: Option<(&'a Value, Timestamp)>,
}

/// One stored answer.
#[derive(Clone, PartialEq)]
pub struct StoredAnswer {
    /// Index of the form in the battery.
    pub form: usize,
    /// The item's id.
    pub item: String,
    /// The answer as in an answers file.
    pub value: Value,
    /// When it was given.
    pub at: Timestamp,
}

impl fmt::Debug for StoredAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The value is an answer: keep it out of logs.
        f.debug_struct("StoredAnswer")
            .field("form", &self.form)
            .field("item", &self.item)
            .finish_non_exhaustive()
    }
}

#[derive(Serialize, Deserialize)]
pub(crate) struct AnswerRecord {
    pub(crate) value: Value,
    pub(crate) at: Timestamp,
}

/// Everything stored about an open or ending session.
#[derive(Debug, Clone)]
pub struct StoredSession {
    /// Its id.
    pub id: SessionId,
    /// Its state.
    pub state: State,
    /// Who and what.
    pub meta: StoredMeta,
    /// Where the patient was.
    pub progress: Option<Progress>,
    /// The answers.
    pub answers: Vec<StoredAnswer>,
    /// How and when it ended, once it has.
    pub ended: Option<(Status, Timestamp)>,
}

/// A line of today's list for staff: no answers. Who it is for is known while it is unsealed;
/// once sealed, only what the kiosk kept in its summary. `Debug` leaves out the summary and
/// the patient (scores and ids are patient data).
#[derive(Clone, PartialEq)]
pub struct DayEntry {
    /// The session.
    pub id: SessionId,
    /// When it was started.
    pub opened: Timestamp,
    /// The battery.
    pub battery: String,
    /// Its state.
    pub state: State,
    /// How it ended.
    pub status: Option<Status>,
    /// When it ended.
    pub finished: Option<Timestamp>,
    /// The bundle file, once sealed.
    pub bundle_file: Option<String>,
    /// Why the last sealing attempt failed.
    pub seal_error: Option<String>,
    /// The score summary saved at sealing (as [`Store::mark_sealed`] was given it).
    pub summary: Option<Value>,
    /// The patient as staff entered them, while the session is unsealed (its `Debug` hides
    /// the id).
    pub patient: Option<svar_forms::record::Patient>,
    /// The time point staff chose, while the session is unsealed.
    pub timepoint: Option<svar_forms::battery::Timepoint>,
}

impl fmt::Debug for DayEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DayEntry")
            .field("id", &self.id)
            .field("battery", &self.battery)
            .field("state", &self.state)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}
