//! Sessions that wait for staff: a staff-started session at the idle time-out, or any session
//! whose patient asks for help. The visit goes into the store (out of memory and off the
//! screen), the screen asks for staff, and staff resume it or end it behind their PIN. A pause
//! that nobody resolves in time is sealed as timed out.

use super::screen::{PauseReason, PausedScreen, Screen};
use super::{Kiosk, staff};
use serde::{Deserialize, Serialize};
use svar_bundle::Status;
use svar_store::{AuditEvent, SessionId, State};

/// Where pauses are kept in the store, so that a restart does not leave them waiting for ever.
const PAUSES_KEY: &str = "pauses";

/// A pause as kept across restarts: the session and the wall-clock time it runs out (the
/// kiosk's own clock starts again at each start). Session ids and times only, no patient data.
#[derive(Serialize, Deserialize)]
struct KeptPause {
    session: uuid::Uuid,
    until_unix: f64,
}

/// A session waiting in the store for staff after the idle time-out paused it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Paused {
    /// The session.
    pub id: SessionId,
    /// Clock time at which it is sealed as timed out.
    pub until: f64,
}

impl Kiosk {
    /// The idle time-out of a patient's screen: a staff-started session pauses for staff; any
    /// other (the demo's own) ends as timed out, and the welcome screen waits for the next.
    pub(super) fn idle_expired(&mut self, now: f64) {
        let pausable = matches!(&self.screen, Screen::Patient(p) if p.visit.staff_started());
        if pausable && self.pause(now, PauseReason::Idle) {
            return;
        }
        if let Screen::Patient(p) = std::mem::replace(&mut self.screen, Screen::Welcome) {
            self.end_visit(p.visit, Status::Timeout, None);
        }
        self.welcome_next_patient();
    }

    /// Moves the visit on screen into the store and shows the paused screen. False when the
    /// store cannot take the visit's last answers: the visit stays where it is (the idle
    /// time-out then ends it, held in memory until the store can be written).
    pub(super) fn pause(&mut self, now: f64, reason: PauseReason) -> bool {
        let Screen::Patient(p) = &mut self.screen else {
            return false;
        };
        if !p.visit.save(&mut self.records.store) {
            return false;
        }
        let id = p.visit.id();
        // The patient's look stays (the message is for them); the visit, dropped with the
        // screen it was on, wipes its answers.
        self.screen = Screen::Paused(PausedScreen::new(reason));
        self.paused.push(Paused {
            id,
            until: now + self.config.pause_seconds,
        });
        self.keep_pauses(now);
        if let Err(e) = self
            .records
            .store
            .audit(AuditEvent::SessionPaused, Some(id), None, None)
        {
            self.problem = Some(self.store_message(&e));
        }
        self.refresh_waiting();
        true
    }

    /// Seals the paused sessions whose time ran out as timed out; the paused screen gives way
    /// to the welcome screen when nothing waits any more.
    pub(super) fn end_overdue_pauses(&mut self, now: f64) {
        if self.paused.iter().all(|p| now < p.until) {
            return;
        }
        let (overdue, waiting): (Vec<Paused>, Vec<Paused>) = std::mem::take(&mut self.paused)
            .into_iter()
            .partition(|p| now >= p.until);
        self.paused = waiting;
        self.keep_pauses(now);
        for paused in overdue {
            self.end_waiting(paused.id, Status::Timeout, None);
        }
        if self.paused.is_empty() && matches!(self.screen, Screen::Paused(_)) {
            self.welcome_next_patient();
        }
    }

    /// Staff took a paused session in hand (resumed or ended it): it no longer runs out.
    pub(super) fn unpause(&mut self, id: SessionId, now: f64) {
        self.paused.retain(|p| p.id != id);
        self.keep_pauses(now);
    }

    /// Writes the pauses to the store, their deadlines as wall-clock times.
    fn keep_pauses(&mut self, now: f64) {
        let wall = self.wall_now();
        let kept: Vec<KeptPause> = self
            .paused
            .iter()
            .map(|p| KeptPause {
                session: p.id.0,
                until_unix: wall + (p.until - now),
            })
            .collect();
        if let Err(e) = self.records.store.set_kiosk_state(PAUSES_KEY, &kept) {
            self.problem = Some(self.store_message(&e));
        }
    }

    /// Takes up the pauses kept before a restart, for sessions still waiting (open) in the
    /// store, on the kiosk's clock, which starts at 0 now.
    pub(super) fn resume_pauses(&mut self) {
        let kept: Vec<KeptPause> = match self.records.store.kiosk_state(PAUSES_KEY) {
            Ok(kept) => kept.unwrap_or_default(),
            Err(e) => {
                self.problem = Some(self.store_message(&e));
                return;
            }
        };
        let wall = self.wall_now();
        self.paused = kept
            .into_iter()
            .filter(|k| {
                self.waiting
                    .iter()
                    .any(|e| e.id.0 == k.session && e.state == State::Open)
            })
            .map(|k| Paused {
                id: SessionId(k.session),
                until: k.until_unix - wall,
            })
            .collect();
    }

    /// Ends a session waiting in the store with `status` and seals it; its scores (no
    /// answers) become the last result.
    pub(super) fn end_waiting(&mut self, id: SessionId, status: Status, staff: Option<&str>) {
        let entry = self.waiting.iter().find(|e| e.id == id);
        let battery = entry.map(|e| e.battery.clone()).unwrap_or_default();
        let who = staff::Who {
            ended: Some(svar_forms::record::Timestamp::now()),
            ..entry.map(staff::Who::of_entry).unwrap_or_default()
        };
        let summary = match crate::visit::end_stored(
            &mut self.records.store,
            id,
            status,
            &self.records.sealer,
            staff,
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
        self.set_last_result(staff::LastResult::new(id, battery, status, summary, who));
        self.refresh_waiting();
    }
}
