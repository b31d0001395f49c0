//! How a visit that ended is kept and sealed: its result for staff, visits held in memory
//! while the store cannot be written, sealing tried again, and what staff are told when it
//! fails.

use super::screen::Screen;
use super::{Kiosk, RETRY_SECONDS, staff};
use crate::visit::{Visit, VisitError};
use svar_bundle::Status;
use svar_store::State;

impl Kiosk {
    /// Ends a visit and seals it; its scores (no answers) wait for staff as the last result.
    /// If the store cannot be written the visit is held in memory, out of sight, and tried
    /// again; if only sealing fails the session waits in the store. Either way staff are told.
    pub(super) fn end_visit(&mut self, visit: Visit, status: Status, staff: Option<&str>) {
        let id = visit.id();
        let battery = visit.session().battery().id.to_string();
        let who = staff::Who {
            patient: Some(visit.patient().clone()),
            timepoint: visit.timepoint(),
            ended: Some(svar_forms::record::Timestamp::now()),
        };
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
        self.set_last_result(staff::LastResult::new(id, battery, status, summary, who));
        self.refresh_waiting();
    }

    /// Makes `result` the last result: waiting for staff to sign in, or shown to the staff
    /// visit in progress (a session staff ended themselves).
    pub(super) fn set_last_result(&mut self, result: staff::LastResult) {
        match &mut self.screen {
            Screen::Staff(s) => s.visit.last_result = Some(result),
            _ => self.ended = Some(result),
        }
    }

    /// Tries again to save held visits and to seal sessions waiting for the outbox.
    pub(super) fn retry(&mut self, now: f64) {
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
    pub(super) fn sealed_later(&mut self, id: svar_store::SessionId, summary: serde_json::Value) {
        let last = match &mut self.screen {
            Screen::Staff(s) => s.visit.last_result.as_mut(),
            _ => None,
        }
        .or(self.ended.as_mut());
        if let Some(last) = last
            && last.session == id
        {
            last.summary = Some(summary);
        }
    }

    /// Appends to the audit log; a failure is shown to staff (the action itself goes on).
    pub(super) fn audit(&mut self, event: svar_store::AuditEvent, staff: Option<&str>) {
        if let Err(e) = self.records.store.audit(event, None, staff, None) {
            self.problem = Some(self.store_message(&e));
        }
    }

    pub(super) fn unsealed_waiting(&self) -> bool {
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
    pub(super) fn store_message(&self, e: &svar_store::StoreError) -> String {
        let id = if e.is_disk_full() {
            "staff-problem-disk-full"
        } else {
            "staff-problem-store"
        };
        format!("{} ({e})", self.texts().tr(id))
    }

    /// A staff message for a sealing failure.
    pub(crate) fn seal_message(&self, e: &VisitError) -> String {
        let id = if e.is_outbox_problem() {
            "staff-problem-outbox"
        } else {
            "staff-problem-seal"
        };
        format!("{} ({e})", self.texts().tr(id))
    }
}
