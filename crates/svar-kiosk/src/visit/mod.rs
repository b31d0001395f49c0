//! A patient's visit at the kiosk: a [`Session`] whose every answer is committed to the local
//! [`Store`] before the screen moves on, and which ends in exactly one sealed bundle.
//!
//! The kiosk, `svar fill`-like tools and the crash tests all go through this type, so what is
//! tested is what runs. A visit interrupted by a crash is rebuilt from the store by replaying
//! its answers through a new session ([`Visit::resume`]); an ended visit is sealed from what
//! the store holds ([`seal_stored`]), never from memory alone.

use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use svar_bundle::{
    self as bundle, AnswerTimes, Bundle, BundleError, DeviceKey, FormHashes, Meta, SealError,
    Status, Timestamp,
};
use svar_forms::answer::Answer;
use svar_forms::battery::Battery;
use svar_forms::form::ItemIx;
use svar_forms::score::Report;
use svar_forms::session::{AnswerOutcome, Missing, Nav, Position, Session};
use svar_forms::text::Lang;
use svar_store::{
    AnswerChange, Progress, SealIntent, SessionId, State, Store, StoreError, StoredMeta,
    StoredSession,
};
use zeroize::Zeroize;

/// What sealing needs: the recipients' public keys, the kiosk's signing key, the outbox, the
/// form files' hashes and the batteries sessions may have used.
#[derive(Debug)]
pub struct Sealer {
    /// Public keys every bundle is encrypted to.
    pub recipients: Vec<age::x25519::Recipient>,
    /// The kiosk's signing key.
    pub device_key: DeviceKey,
    /// Where sealed bundles go.
    pub outbox: PathBuf,
    /// SHA-256 of the form files, recorded in bundles.
    pub hashes: FormHashes,
    /// Batteries a stored session can be rebuilt with.
    pub batteries: Vec<Arc<Battery>>,
}

/// Why a stored session could not be rebuilt or sealed. Messages name sessions, forms and items,
/// never answers or patient ids.
#[derive(Debug, thiserror::Error)]
pub enum VisitError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The battery the session used is not loaded (forms were changed since).
    #[error(
        "session {session}: battery `{battery}` version {version} is not loaded on this kiosk; restore its forms to resume or seal it"
    )]
    UnknownBattery {
        /// The session.
        session: SessionId,
        /// The battery id.
        battery: String,
        /// Its version.
        version: String,
    },
    /// A stored answer does not fit the loaded form any more.
    #[error("session {session}: the stored answer to `{form}/{item}` does not fit the loaded form")]
    AnswerMismatch {
        /// The session.
        session: SessionId,
        /// The form id.
        form: String,
        /// The item id.
        item: String,
    },
    /// The bundle could not be made.
    #[error("session {session}: {source}")]
    Bundle {
        /// The session.
        session: SessionId,
        /// Why.
        source: BundleError,
    },
    /// The bundle could not be written (disk full, outbox not writable, …).
    #[error("session {session}: {source}")]
    Seal {
        /// The session.
        session: SessionId,
        /// Why.
        source: SealError,
    },
}

impl VisitError {
    /// Whether staff can fix this by freeing space or fixing the outbox, then trying again.
    pub fn is_outbox_problem(&self) -> bool {
        matches!(
            self,
            VisitError::Seal {
                source: SealError::Write { .. },
                ..
            }
        ) || matches!(self, VisitError::Store(e) if e.is_disk_full())
    }
}

/// Where a visit's answers and position are recorded as they change: the kiosk's [`Store`],
/// or nowhere at all for the form preview ([`NotKept`]).
pub trait Recorder {
    /// Records a new session; its id is the bundle's.
    fn start(&mut self, meta: &StoredMeta, progress: Progress) -> Result<SessionId, StoreError>;
    /// Records answers given or cleared.
    fn save_answers(
        &mut self,
        id: SessionId,
        changes: &[AnswerChange<'_>],
    ) -> Result<(), StoreError>;
    /// Records where the patient is and the language they read.
    fn save_progress(&mut self, id: SessionId, progress: Progress) -> Result<(), StoreError>;
}

impl Recorder for Store {
    fn start(&mut self, meta: &StoredMeta, progress: Progress) -> Result<SessionId, StoreError> {
        Store::start(self, meta, progress)
    }

    fn save_answers(
        &mut self,
        id: SessionId,
        changes: &[AnswerChange<'_>],
    ) -> Result<(), StoreError> {
        Store::save_answers(self, id, changes)
    }

    fn save_progress(&mut self, id: SessionId, progress: Progress) -> Result<(), StoreError> {
        Store::save_progress(self, id, progress)
    }
}

/// The form preview's recorder: keeps nothing and writes nothing, so trying a form leaves no
/// trace on disk.
#[derive(Debug, Default)]
pub struct NotKept;

impl Recorder for NotKept {
    fn start(&mut self, meta: &StoredMeta, _: Progress) -> Result<SessionId, StoreError> {
        Ok(SessionId(meta.meta.bundle_id))
    }

    fn save_answers(&mut self, _: SessionId, _: &[AnswerChange<'_>]) -> Result<(), StoreError> {
        Ok(())
    }

    fn save_progress(&mut self, _: SessionId, _: Progress) -> Result<(), StoreError> {
        Ok(())
    }
}

/// A session being answered, recorded in the store as it goes.
pub struct Visit {
    id: SessionId,
    session: Session,
    meta: StoredMeta,
    times: AnswerTimes,
    /// What the store holds, by form and item, to save only what changed.
    saved: Vec<Vec<Option<Answer>>>,
    saved_progress: Option<Progress>,
    problem: Option<StoreError>,
}

impl std::fmt::Debug for Visit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Visit")
            .field("id", &self.id)
            .field("position", &self.session.position())
            .finish_non_exhaustive()
    }
}

impl Drop for Visit {
    fn drop(&mut self) {
        self.session.wipe();
        self.meta.meta.patient.id.zeroize();
        for form in &mut self.saved {
            for answer in form.iter_mut().flatten() {
                answer.wipe();
            }
        }
    }
}

impl Visit {
    /// Starts a session for `meta.patient` and records it. `meta.bundle_id` becomes the
    /// session's and the bundle's id.
    pub fn start(
        store: &mut dyn Recorder,
        battery: Arc<Battery>,
        lang: Lang,
        meta: Meta,
        staff: Option<&str>,
    ) -> Result<Visit, StoreError> {
        let battery = battery.for_visit(meta.timepoint);
        let stored = StoredMeta {
            meta,
            battery: battery.id.to_string(),
            battery_version: battery.version.clone(),
            staff: staff.map(str::to_owned),
        };
        let session = Session::new(battery, lang);
        let progress = Progress {
            position: session.position(),
            lang,
        };
        let id = store.start(&stored, progress)?;
        let saved = empty_like(&session);
        Ok(Visit {
            id,
            session,
            meta: stored,
            times: AnswerTimes::new(),
            saved,
            saved_progress: Some(progress),
            problem: None,
        })
    }

    /// Rebuilds an interrupted (open) session from the store, where the patient left off, and
    /// records who resumed it.
    pub fn resume(
        store: &mut Store,
        id: SessionId,
        batteries: &[Arc<Battery>],
        staff: Option<&str>,
    ) -> Result<Visit, VisitError> {
        let stored = store.load(id)?;
        if stored.state != State::Open {
            return Err(StoreError::WrongState {
                path: store.path().to_owned(),
                session: id,
                state: stored.state,
                action: "resumed",
            }
            .into());
        }
        let (mut session, times) = rebuild(&stored, batteries)?;
        if let Some(progress) = stored.progress {
            session.set_lang(progress.lang);
            session.resume_at(progress.position);
        }
        store.resumed(id, staff)?;
        let saved = (0..session.battery().forms.len())
            .map(|f| current(&session, f))
            .collect();
        let progress = stored.progress;
        Ok(Visit {
            id,
            session,
            meta: stored.meta.clone(),
            times,
            saved,
            saved_progress: progress,
            problem: None,
        })
    }

    /// The session's id (also its bundle's id).
    pub fn id(&self) -> SessionId {
        self.id
    }

    /// Whether staff started this session (the demo's own sessions have no staff): such a
    /// session pauses for staff at the idle time-out instead of ending.
    pub fn staff_started(&self) -> bool {
        self.meta.staff.is_some()
    }

    /// The patient as staff entered them (the demo's own sessions have a demo patient).
    pub fn patient(&self) -> &svar_bundle::Patient {
        &self.meta.meta.patient
    }

    /// The time point staff chose.
    pub fn timepoint(&self) -> Option<svar_forms::battery::Timepoint> {
        self.meta.meta.timepoint
    }

    /// The session, to draw.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The last failure to save, while answers or position are not yet in the store.
    pub fn problem(&self) -> Option<&StoreError> {
        self.problem.as_ref()
    }

    /// Gives or clears an answer and commits the change (and any answers it hid) before
    /// returning. If the store fails the answer stays in memory, [`Visit::problem`] says why,
    /// and the visit will not move on until a save succeeds.
    pub fn answer(
        &mut self,
        store: &mut dyn Recorder,
        form: usize,
        item: ItemIx,
        answer: Option<Answer>,
    ) -> AnswerOutcome {
        let outcome = self.session.answer(form, item, answer);
        if outcome == AnswerOutcome::Accepted {
            self.times.record(form, item, Timestamp::now());
        }
        self.save(store);
        outcome
    }

    /// Saves whatever the store does not hold yet; true when everything is saved.
    pub fn save(&mut self, store: &mut dyn Recorder) -> bool {
        let result = self
            .save_answers(store)
            .and_then(|()| self.save_progress(store));
        match result {
            Ok(()) => {
                self.problem = None;
                true
            }
            Err(e) => {
                self.problem = Some(e);
                false
            }
        }
    }

    fn save_answers(&mut self, store: &mut dyn Recorder) -> Result<(), StoreError> {
        for form in 0..self.session.battery().forms.len() {
            let now = current(&self.session, form);
            let f = self.session.form(form);
            let values: Vec<(usize, Option<(Value, Timestamp)>)> = now
                .iter()
                .zip(&self.saved[form])
                .enumerate()
                .filter(|(_, (new, old))| new != old)
                .map(|(i, (new, _))| {
                    let at = self
                        .times
                        .get(form, ItemIx(i))
                        .unwrap_or_else(Timestamp::now);
                    (i, new.as_ref().map(|a| (bundle::answer_to_json(a), at)))
                })
                .collect();
            if values.is_empty() {
                continue;
            }
            let changes: Vec<AnswerChange<'_>> = values
                .iter()
                .map(|(i, v)| AnswerChange {
                    form,
                    item: f.items[*i].id.as_str(),
                    value: v.as_ref().map(|(value, at)| (value, *at)),
                })
                .collect();
            store.save_answers(self.id, &changes)?;
            self.saved[form] = now;
        }
        Ok(())
    }

    fn save_progress(&mut self, store: &mut dyn Recorder) -> Result<(), StoreError> {
        let progress = Progress {
            position: self.session.position(),
            lang: self.session.lang(),
        };
        if self.saved_progress != Some(progress) {
            store.save_progress(self.id, progress)?;
            self.saved_progress = Some(progress);
        }
        Ok(())
    }

    /// Moves `f` only once every answer is in the store; otherwise stays.
    fn moving(&mut self, store: &mut dyn Recorder, f: impl FnOnce(&mut Session) -> Nav) -> Nav {
        if !self.save(store) {
            return Nav::Stayed;
        }
        let nav = f(&mut self.session);
        self.save(store);
        nav
    }

    /// Forward (see [`Session::forward`]).
    pub fn forward(&mut self, store: &mut dyn Recorder) -> Nav {
        self.moving(store, Session::forward)
    }

    /// Back (see [`Session::back`]).
    pub fn back(&mut self, store: &mut dyn Recorder) -> Nav {
        self.moving(store, Session::back)
    }

    /// To the screen of an item (see [`Session::go_to`]).
    pub fn go_to(&mut self, store: &mut dyn Recorder, form: usize, item: ItemIx) -> Nav {
        self.moving(store, |s| s.go_to(form, item))
    }

    /// Puts the patient at `position`, or the nearest screen that exists (see
    /// [`Session::resume_at`]).
    pub fn resume_at(&mut self, store: &mut dyn Recorder, position: Position) -> Nav {
        self.moving(store, |s| Nav::Moved(s.resume_at(position)))
    }

    /// To the review (see [`Session::review`]).
    pub fn review(&mut self, store: &mut dyn Recorder) -> Nav {
        self.moving(store, Session::review)
    }

    /// The language the patient reads.
    pub fn set_lang(&mut self, store: &mut dyn Recorder, lang: Lang) {
        self.session.set_lang(lang);
        self.save(store);
    }

    /// Asks to finish (see [`Session::request_finish`]); refused while answers are unsaved.
    pub fn request_finish(&mut self, store: &mut dyn Recorder) -> Result<(), Vec<Missing>> {
        if !self.save(store) {
            return Err(Vec::new());
        }
        let asked = self.session.request_finish();
        self.save(store);
        asked
    }

    /// Confirms the finish and scores every form (see [`Session::confirm_finish`]); refused
    /// while answers are unsaved.
    pub fn confirm_finish(
        &mut self,
        store: &mut dyn Recorder,
    ) -> Result<Vec<Report>, Vec<Missing>> {
        if !self.save(store) {
            return Err(Vec::new());
        }
        let reports = self.session.confirm_finish();
        self.save(store);
        reports
    }

    /// Ends the visit: saves what is left, fixes status and finish time in the store, wipes the
    /// answers from memory and seals the stored session. When the store cannot be written the
    /// visit is handed back unchanged, so nothing is lost; when only sealing fails the session
    /// is safe in the store, waiting for [`seal_stored`] to be tried again.
    pub fn end(
        mut self,
        store: &mut Store,
        status: Status,
        sealer: &Sealer,
        staff: Option<&str>,
    ) -> Result<Result<Sealed, VisitError>, (Box<Visit>, StoreError)> {
        if !self.save(store) {
            let problem = self.problem.take().expect("a failed save leaves its error");
            return Err((Box::new(self), problem));
        }
        if let Err(e) = store.end(self.id, status, Timestamp::now(), staff) {
            return Err((Box::new(self), e));
        }
        let id = self.id;
        drop(self);
        Ok(seal_stored(store, id, sealer))
    }
}

/// A sealed session.
#[derive(Debug, Clone, PartialEq)]
pub struct Sealed {
    /// The bundle file in the outbox.
    pub path: PathBuf,
    /// Scores, bands and flags by form (no answers), as kept for staff.
    pub summary: Value,
}

/// Seals a stored session that has ended: rebuilds it from the store, seals it and records the
/// sealed bytes in the store (the seal intent), writes them to the outbox, and purges its
/// answers and patient data from the store. A session with a seal intent from an interrupted
/// attempt is never sealed again: the file is adopted, or the same bytes written again. A failure is recorded for staff and leaves the session in
/// the store.
pub fn seal_stored(
    store: &mut Store,
    id: SessionId,
    sealer: &Sealer,
) -> Result<Sealed, VisitError> {
    let result = seal_once(store, id, sealer);
    if let Err(e) = &result
        && !matches!(e, VisitError::Store(_))
    {
        // Best effort: the error that matters is the one returned.
        let _ = store.seal_failed(id, &e.to_string());
    }
    result
}

fn seal_once(store: &mut Store, id: SessionId, sealer: &Sealer) -> Result<Sealed, VisitError> {
    let intent = match store.seal_intent(id)? {
        Some(intent) => intent,
        None => {
            let intent = seal_anew(store, id, sealer)?;
            store.record_seal_intent(id, &intent)?;
            intent
        }
    };
    let target = sealer.outbox.join(&intent.file_name);
    // A file already there is this intent's (a crash after writing it); when it is gone (an
    // uploader delivered it), the same bytes are written again, which a receiver takes as a
    // repeat of what it holds.
    let path = if target.is_file() {
        target
    } else {
        bundle::write_to_outbox(&sealer.outbox, &intent.file_name, &intent.bytes).map_err(
            |source| VisitError::Seal {
                session: id,
                source,
            },
        )?
    };
    store.mark_sealed(id, &intent.file_name, &intent.summary)?;
    Ok(Sealed {
        path,
        summary: intent.summary,
    })
}

/// Rebuilds an ending session from the store and seals it into bytes, not yet written.
fn seal_anew(store: &Store, id: SessionId, sealer: &Sealer) -> Result<SealIntent, VisitError> {
    let mut stored = store.load(id)?;
    let Some((status, finished)) = stored.ended else {
        return Err(StoreError::WrongState {
            path: store.path().to_owned(),
            session: id,
            state: State::Open,
            action: "sealed before it ends",
        }
        .into());
    };
    let (mut session, times) = rebuild(&stored, &sealer.batteries)?;
    let bundle = Bundle::from_session(
        &session,
        &stored.meta.meta,
        &times,
        &sealer.hashes,
        status,
        finished,
    )
    .map_err(|source| VisitError::Bundle {
        session: id,
        source,
    });
    session.wipe();
    stored.meta.meta.patient.id.zeroize();
    let bundle = bundle?;
    let bytes = bundle::seal_to_bytes(&bundle, &sealer.recipients, &sealer.device_key).map_err(
        |source| VisitError::Seal {
            session: id,
            source,
        },
    )?;
    Ok(SealIntent {
        file_name: bundle.file_name(),
        bytes,
        summary: summary(&bundle),
    })
}

/// What happened to each session [`seal_ended`] tried.
pub type SealResults = Vec<(SessionId, Result<Sealed, VisitError>)>;

/// Seals every stored session that has ended but is not sealed (after a crash or a full
/// disk), and returns what happened to each.
pub fn seal_ended(store: &mut Store, sealer: &Sealer) -> Result<SealResults, StoreError> {
    let ended: Vec<SessionId> = store
        .unsealed()?
        .into_iter()
        .filter(|e| e.state == State::Ending)
        .map(|e| e.id)
        .collect();
    Ok(ended
        .into_iter()
        .map(|id| (id, seal_stored(store, id, sealer)))
        .collect())
}

/// Ends a session waiting in the store (interrupted, or paused for staff) with `status` and
/// seals it: abandoned when staff choose not to resume it, timed out when a pause ran out.
pub fn end_stored(
    store: &mut Store,
    id: SessionId,
    status: Status,
    sealer: &Sealer,
    staff: Option<&str>,
) -> Result<Sealed, VisitError> {
    store.end(id, status, Timestamp::now(), staff)?;
    seal_stored(store, id, sealer)
}

/// What staff see of a sealed session, without answers: who it was for and when (as staff
/// entered them; kept encrypted, and forgotten with today's list), and the scores, bands and
/// flags of each form.
fn summary(bundle: &Bundle) -> Value {
    let forms: Vec<Value> = bundle
        .forms
        .iter()
        .map(|f| {
            json!({
                "form": f.id,
                "scores": f.scores,
                "flags": f.flags,
                "consent": f.consent,
                "skipped": f.skipped,
                // Which questions were declined (never an answer): a declined PHQ-9 item 9
                // raises no flag, so the clinician must see it.
                "declined": f
                    .missing
                    .iter()
                    .filter(|(_, state)| **state == svar_bundle::ItemState::Declined)
                    .map(|(id, _)| id)
                    .collect::<Vec<_>>(),
                // How complete the form is: answers of the questions the patient was to meet.
                "answered": f.answers.len(),
                "asked": f.answers.len()
                    + f.missing
                        .values()
                        .filter(|state| **state != svar_bundle::ItemState::NotShown)
                        .count(),
            })
        })
        .collect();
    json!({
        "patient": bundle.patient,
        "timepoint": bundle.timepoint,
        "ended": bundle.finished,
        "forms": forms,
    })
}

/// The answers of a form as the session holds them now.
fn current(session: &Session, form: usize) -> Vec<Option<Answer>> {
    let items = session.form(form).items.len();
    (0..items)
        .map(|i| session.answers(form).response(ItemIx(i)).cloned())
        .collect()
}

fn empty_like(session: &Session) -> Vec<Vec<Option<Answer>>> {
    (0..session.battery().forms.len())
        .map(|f| vec![None; session.form(f).items.len()])
        .collect()
}

/// A new session with the stored answers given again, in each form's visibility order so that
/// an answer is never dropped because the answer that shows its item comes later.
fn rebuild(
    stored: &StoredSession,
    batteries: &[Arc<Battery>],
) -> Result<(Session, AnswerTimes), VisitError> {
    let meta = &stored.meta;
    let battery = batteries
        .iter()
        .find(|b| b.id.as_str() == meta.battery && b.version == meta.battery_version)
        .ok_or_else(|| VisitError::UnknownBattery {
            session: stored.id,
            battery: meta.battery.clone(),
            version: meta.battery_version.to_string(),
        })?
        .for_visit(meta.meta.timepoint);
    let lang = stored
        .progress
        .map_or(*battery.languages.first().unwrap_or(&Lang::Nb), |p| p.lang);
    let mut session = Session::new(Arc::clone(&battery), lang);
    let mut times = AnswerTimes::new();
    for (ix, member) in battery.forms.iter().enumerate() {
        let form = &member.form;
        let mismatch = |item: &str| VisitError::AnswerMismatch {
            session: stored.id,
            form: form.id.to_string(),
            item: item.to_owned(),
        };
        let mut given: Vec<Option<(Answer, Timestamp)>> = vec![None; form.items.len()];
        for a in stored.answers.iter().filter(|a| a.form == ix) {
            let item = form.item_ix(&a.item).ok_or_else(|| mismatch(&a.item))?;
            let answer = form
                .item(item)
                .answer_from_json(&a.value)
                .map_err(|_| mismatch(&a.item))?;
            given[item.0] = Some((answer, a.at));
        }
        for &item in form.visibility_order() {
            if let Some((answer, at)) = given[item.0].take() {
                if session.answer(ix, item, Some(answer)) != AnswerOutcome::Accepted {
                    return Err(mismatch(form.item(item).id.as_str()));
                }
                times.record(ix, item, at);
            }
        }
    }
    if stored.answers.iter().any(|a| a.form >= battery.forms.len()) {
        return Err(VisitError::AnswerMismatch {
            session: stored.id,
            form: format!("#{}", battery.forms.len()),
            item: String::new(),
        });
    }
    Ok((session, times))
}

#[cfg(test)]
mod tests;
