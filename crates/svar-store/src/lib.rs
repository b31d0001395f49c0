//! The kiosk's local store: sessions in progress, their answers and the audit log, in a SQLite
//! database that loses nothing at a power cut or `kill -9`.
//!
//! The database runs in write-ahead-log mode with `synchronous=FULL`, and every answer is
//! committed in its own transaction before the kiosk moves on. Everything that could identify
//! a patient or holds an answer is encrypted per record with the [`StoreKey`], which lives in a
//! file outside the data folder. What stays readable is what staff need without the key and
//! what says nothing about the patient: session ids, battery ids, times and states.
//!
//! A session goes `open` → `ending` (ended, status and finish time fixed) → `sealed` (bundle in
//! the outbox, answers and patient data purged, an encrypted score summary kept for today's
//! list). Fixing the finish time before sealing makes the bundle's file name the same on every
//! attempt, so a retry after a crash never makes a second bundle.

mod audit;
mod crypt;
mod day;
mod error;
mod kiosk_state;
mod records;
mod seal_intent;

pub use audit::{AuditEvent, AuditProblem, AuditRecord};
pub use crypt::{StoreKey, StoreKeyError};
pub use error::StoreError;
pub use records::{
    AnswerChange, DayEntry, Progress, State, StoredAnswer, StoredMeta, StoredSession,
};
use records::{AnswerRecord, parse_status};
pub use seal_intent::SealIntent;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Deserialize;
use serde_json::Value;
use std::fmt;
use std::path::{Path, PathBuf};
use svar_forms::record::{Status, Timestamp};
use uuid::Uuid;
use zeroize::Zeroizing;

/// The database file inside the data folder.
pub const DB_FILE: &str = "svar.db";

/// Schema version written to `PRAGMA user_version`.
pub(crate) const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    opened TEXT NOT NULL,
    battery TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('open', 'ending', 'sealed')),
    status TEXT CHECK (status IN ('complete', 'abandoned', 'timeout')),
    finished TEXT,
    meta BLOB,
    progress BLOB,
    summary BLOB,
    bundle_file TEXT,
    seal_error TEXT
);
CREATE TABLE answers (
    session TEXT NOT NULL REFERENCES sessions (id),
    form INTEGER NOT NULL,
    item TEXT NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (session, form, item)
);
";

/// Version 2: a session's sealed bundle is kept from just before it is written to the outbox
/// until the session is marked sealed (see `seal_intent`), and the kiosk keeps small state of
/// its own, such as the PIN pad's lock (see `kiosk_state`).
const SCHEMA_2: &str = "
ALTER TABLE sessions ADD COLUMN sealed_bundle BLOB;
CREATE TABLE kiosk_state (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
";

/// Turns a SQLite error into [`StoreError::Sql`] naming the database.
type SqlError<'a> = dyn Fn(rusqlite::Error) -> StoreError + 'a;

/// A session's id; the bundle it is sealed into has the same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId(pub Uuid);

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.as_hyphenated().fmt(f)
    }
}

/// The local store.
pub struct Store {
    conn: Connection,
    key: StoreKey,
    path: PathBuf,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (or creates) the store in `folder` with `key`.
    pub fn open(folder: &Path, key: StoreKey) -> Result<Store, StoreError> {
        std::fs::create_dir_all(folder).map_err(|source| StoreError::Folder {
            path: folder.to_owned(),
            source,
        })?;
        let path = folder.join(DB_FILE);
        let sql = |source| StoreError::Sql {
            path: path.clone(),
            source,
        };
        let conn = Connection::open(&path).map_err(sql)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(sql)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(sql)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::NotWal { path, mode });
        }
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
            .map_err(sql)?;
        // Deleted answers and patient data are overwritten with zeros instead of staying in
        // free pages until reused; they are encrypted, but a purge should leave nothing.
        let secure: i64 = conn
            .query_row("PRAGMA secure_delete = ON", [], |r| r.get(0))
            .map_err(sql)?;
        if secure != 1 {
            return Err(StoreError::NoSecureDelete {
                path,
                value: secure,
            });
        }
        let mut store = Store { conn, key, path };
        store.migrate()?;
        Ok(store)
    }

    fn sql(&self) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        |source| StoreError::Sql {
            path: self.path.clone(),
            source,
        }
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(self.sql())?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::NewerSchema {
                path: self.path.clone(),
                found: version,
            });
        }
        if version < SCHEMA_VERSION {
            self.write(|tx, key, sql| {
                if version < 1 {
                    tx.execute_batch(SCHEMA).map_err(sql)?;
                    tx.execute_batch(audit::SCHEMA).map_err(sql)?;
                    audit::append(tx, key, AuditEvent::StoreCreated, None, None, None)
                        .map_err(sql)?;
                }
                tx.execute_batch(SCHEMA_2).map_err(sql)?;
                tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                    .map_err(sql)
            })?;
        }
        Ok(())
    }

    /// Simulates a full disk: caps the database's size and fills every free page, so that
    /// any write needing a new page fails as on a full disk. `false` lifts it. For tests of
    /// the code above the store (feature `test-support`).
    #[cfg(feature = "test-support")]
    pub fn simulate_full_disk(&self, full: bool) {
        if full {
            let count: i64 = self
                .conn
                .query_row("PRAGMA page_count", [], |r| r.get(0))
                .expect("page count");
            self.conn
                .pragma_update(None, "max_page_count", count + 8)
                .expect("max_page_count");
            self.conn
                .execute_batch("CREATE TABLE IF NOT EXISTS test_filler (x BLOB)")
                .expect("filler");
            while self
                .conn
                .execute("INSERT INTO test_filler VALUES (zeroblob(512))", [])
                .is_ok()
            {}
        } else {
            self.conn
                .pragma_update(None, "max_page_count", i64::from(u32::MAX))
                .expect("max_page_count");
            self.conn
                .execute_batch("DROP TABLE IF EXISTS test_filler")
                .expect("filler");
        }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in one immediate transaction, committed before returning. `f` gets the
    /// transaction, the key and the conversion of SQLite errors into [`StoreError::Sql`].
    fn write<T>(
        &mut self,
        f: impl FnOnce(&rusqlite::Transaction<'_>, &StoreKey, &SqlError<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let path = &self.path;
        let sql = |source| StoreError::Sql {
            path: path.clone(),
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(sql)?;
        let out = f(&tx, &self.key, &sql)?;
        tx.commit().map_err(sql)?;
        Ok(out)
    }

    /// Records a new session, with an audit row. Its id is `meta.meta.bundle_id`.
    pub fn start(
        &mut self,
        meta: &StoredMeta,
        progress: Progress,
    ) -> Result<SessionId, StoreError> {
        let id = SessionId(meta.meta.bundle_id);
        let meta_json =
            Zeroizing::new(serde_json::to_vec(meta).map_err(|_| StoreError::Corrupt {
                path: self.path.clone(),
                session: id,
                what: "session record",
            })?);
        self.write(|tx, key, sql| {
            let sid = id.to_string();
            tx.execute(
                "INSERT INTO sessions (id, opened, battery, state, meta, progress) VALUES (?1, ?2, ?3, 'open', ?4, ?5)",
                params![
                    sid,
                    meta.meta.started.to_string(),
                    meta.battery,
                    key.encrypt(&place_meta(id), &meta_json),
                    key.encrypt(&place_progress(id), &progress_json(progress)),
                ],
            )
            .map_err(sql)?;
            audit::append(
                tx,
                key,
                AuditEvent::SessionStarted,
                Some(&sid),
                meta.staff.as_deref(),
                Some(&format!("battery {}", meta.battery)),
            )
            .map_err(sql)
        })?;
        Ok(id)
    }

    fn state(&self, id: SessionId) -> Result<State, StoreError> {
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT state FROM sessions WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql())?;
        let text = text.ok_or_else(|| StoreError::NoSession {
            path: self.path.clone(),
            session: id,
        })?;
        State::parse(&text).ok_or_else(|| StoreError::Corrupt {
            path: self.path.clone(),
            session: id,
            what: "session state",
        })
    }

    fn require(
        &self,
        id: SessionId,
        allowed: &[State],
        action: &'static str,
    ) -> Result<(), StoreError> {
        let state = self.state(id)?;
        if allowed.contains(&state) {
            Ok(())
        } else {
            Err(StoreError::WrongState {
                path: self.path.clone(),
                session: id,
                state,
                action,
            })
        }
    }

    /// Whether this store holds the session and has not finished sealing it: its bundle, if
    /// already in the outbox, must not leave before the store records it sealed (after a crash
    /// the kiosk checks the outbox for it). Bundles of other sessions (e.g. `svar fill`) are
    /// not held.
    pub fn holds_unsealed(&self, id: SessionId) -> Result<bool, StoreError> {
        match self.state(id) {
            Ok(state) => Ok(state != State::Sealed),
            Err(StoreError::NoSession { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Saves changed answers of an open session in one transaction: `Some` sets or replaces an
    /// answer, `None` removes it.
    pub fn save_answers(
        &mut self,
        id: SessionId,
        changes: &[AnswerChange<'_>],
    ) -> Result<(), StoreError> {
        self.require(id, &[State::Open], "answered")?;
        let path = self.path.clone();
        self.write(|tx, key, sql| {
            let sid = id.to_string();
            for AnswerChange { form, item, value } in changes {
                match value {
                    Some((value, at)) => {
                        let record = Zeroizing::new(
                            serde_json::to_vec(&AnswerRecord {
                                value: (*value).clone(),
                                at: *at,
                            })
                            .map_err(|_| StoreError::Corrupt {
                                path: path.clone(),
                                session: id,
                                what: "answer",
                            })?,
                        );
                        tx.execute(
                            "INSERT INTO answers (session, form, item, value) VALUES (?1, ?2, ?3, ?4)
                             ON CONFLICT (session, form, item) DO UPDATE SET value = excluded.value",
                            params![
                                sid,
                                *form as i64,
                                item,
                                key.encrypt(&place_answer(id, *form, item), &record)
                            ],
                        )
                        .map_err(sql)?;
                    }
                    None => {
                        tx.execute(
                            "DELETE FROM answers WHERE session = ?1 AND form = ?2 AND item = ?3",
                            params![sid, *form as i64, item],
                        )
                        .map_err(sql)?;
                    }
                }
            }
            Ok(())
        })
    }

    /// Saves where the patient is and in which language.
    pub fn save_progress(&mut self, id: SessionId, progress: Progress) -> Result<(), StoreError> {
        self.require(id, &[State::Open], "moved on")?;
        self.write(|tx, key, sql| {
            tx.execute(
                "UPDATE sessions SET progress = ?2 WHERE id = ?1",
                params![
                    id.to_string(),
                    key.encrypt(&place_progress(id), &progress_json(progress))
                ],
            )
            .map_err(sql)?;
            Ok(())
        })
    }

    /// Records that an open session was resumed (after a restart), by whom.
    pub fn resumed(&mut self, id: SessionId, staff: Option<&str>) -> Result<(), StoreError> {
        self.require(id, &[State::Open], "resumed")?;
        self.audit(AuditEvent::SessionResumed, Some(id), staff, None)
    }

    /// Ends an open session: fixes its status and finish time, so that every sealing attempt
    /// makes the same file. Ending an ending session again changes nothing.
    pub fn end(
        &mut self,
        id: SessionId,
        status: Status,
        finished: Timestamp,
        staff: Option<&str>,
    ) -> Result<(), StoreError> {
        match self.state(id)? {
            State::Ending => return Ok(()),
            State::Open => {}
            State::Sealed => {
                return Err(StoreError::WrongState {
                    path: self.path.clone(),
                    session: id,
                    state: State::Sealed,
                    action: "ended",
                });
            }
        }
        self.write(|tx, key, sql| {
            tx.execute(
                "UPDATE sessions SET state = 'ending', status = ?2, finished = ?3 WHERE id = ?1",
                params![id.to_string(), status.as_str(), finished.to_string()],
            )
            .map_err(sql)?;
            let event = match status {
                Status::Complete => AuditEvent::SessionCompleted,
                Status::Abandoned => AuditEvent::SessionAbandoned,
                Status::Timeout => AuditEvent::SessionTimedOut,
            };
            audit::append(tx, key, event, Some(&id.to_string()), staff, None).map_err(sql)
        })
    }

    /// Everything stored about an open or ending session, decrypted.
    pub fn load(&self, id: SessionId) -> Result<StoredSession, StoreError> {
        let state = self.state(id)?;
        if state == State::Sealed {
            return Err(StoreError::WrongState {
                path: self.path.clone(),
                session: id,
                state,
                action: "read (its answers were purged when it was sealed)",
            });
        }
        type Row = (
            Option<Vec<u8>>,
            Option<Vec<u8>>,
            Option<String>,
            Option<String>,
        );
        let (meta, progress, status, finished): Row = self
            .conn
            .query_row(
                "SELECT meta, progress, status, finished FROM sessions WHERE id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .map_err(self.sql())?;
        let meta: StoredMeta =
            self.decrypt_json(id, &place_meta(id), meta.as_deref(), "session record")?;
        let progress: Option<Progress> = match progress {
            Some(blob) => {
                Some(self.decrypt_json(id, &place_progress(id), Some(&blob), "progress")?)
            }
            None => None,
        };
        let ended = match (status, finished) {
            (Some(status), Some(finished)) => {
                let corrupt = || StoreError::Corrupt {
                    path: self.path.clone(),
                    session: id,
                    what: "end status",
                };
                let status = parse_status(&status).ok_or_else(corrupt)?;
                let finished = Timestamp::parse(&finished).ok_or_else(corrupt)?;
                Some((status, finished))
            }
            _ => None,
        };
        let mut stmt = self
            .conn
            .prepare("SELECT form, item, value FROM answers WHERE session = ?1 ORDER BY form, item")
            .map_err(self.sql())?;
        let rows: Vec<(i64, String, Vec<u8>)> = stmt
            .query_map([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .and_then(Iterator::collect)
            .map_err(self.sql())?;
        let mut answers = Vec::with_capacity(rows.len());
        for (form, item, blob) in rows {
            let form = usize::try_from(form).map_err(|_| StoreError::Corrupt {
                path: self.path.clone(),
                session: id,
                what: "answer",
            })?;
            let record: AnswerRecord =
                self.decrypt_json(id, &place_answer(id, form, &item), Some(&blob), "answer")?;
            answers.push(StoredAnswer {
                form,
                item,
                value: record.value,
                at: record.at,
            });
        }
        Ok(StoredSession {
            id,
            state,
            meta,
            progress,
            answers,
            ended,
        })
    }

    fn decrypt_json<T: for<'de> Deserialize<'de>>(
        &self,
        id: SessionId,
        place: &str,
        blob: Option<&[u8]>,
        what: &'static str,
    ) -> Result<T, StoreError> {
        let plain = blob
            .and_then(|b| self.key.decrypt(place, b))
            .ok_or_else(|| StoreError::Decrypt {
                path: self.path.clone(),
                session: id,
                what,
            })?;
        serde_json::from_slice(&plain).map_err(|_| StoreError::Corrupt {
            path: self.path.clone(),
            session: id,
            what,
        })
    }

    /// Records a failed sealing attempt (shown to staff); the session stays as it is. The audit
    /// log gets a row only when the reason differs from the one recorded last, so a kiosk
    /// retrying every 30 seconds does not fill it with the same failure.
    pub fn seal_failed(&mut self, id: SessionId, reason: &str) -> Result<(), StoreError> {
        self.write(|tx, key, sql| {
            let changed = tx
                .execute(
                    "UPDATE sessions SET seal_error = ?2
                     WHERE id = ?1 AND seal_error IS NOT ?2",
                    params![id.to_string(), reason],
                )
                .map_err(sql)?;
            if changed == 0 {
                return Ok(());
            }
            audit::append(
                tx,
                key,
                AuditEvent::SealFailed,
                Some(&id.to_string()),
                None,
                Some(reason),
            )
            .map_err(sql)
        })
    }

    /// Marks an ending session sealed into `bundle_file`: purges its answers, patient data and
    /// progress, and keeps `summary` (scores, bands and flags, no answers) encrypted for
    /// today's list.
    pub fn mark_sealed(
        &mut self,
        id: SessionId,
        bundle_file: &str,
        summary: &Value,
    ) -> Result<(), StoreError> {
        self.require(id, &[State::Ending], "sealed")?;
        let summary =
            Zeroizing::new(
                serde_json::to_vec(summary).map_err(|_| StoreError::Corrupt {
                    path: self.path.clone(),
                    session: id,
                    what: "score summary",
                })?,
            );
        self.write(|tx, key, sql| {
            let sid = id.to_string();
            tx.execute("DELETE FROM answers WHERE session = ?1", [&sid])
                .map_err(sql)?;
            tx.execute(
                "UPDATE sessions SET state = 'sealed', meta = NULL, progress = NULL, seal_error = NULL,
                 sealed_bundle = NULL, bundle_file = ?2, summary = ?3 WHERE id = ?1",
                params![sid, bundle_file, key.encrypt(&place_summary(id), &summary)],
            )
            .map_err(sql)?;
            audit::append(tx, key, AuditEvent::SessionSealed, Some(&sid), None, Some(bundle_file))
                .map_err(sql)
        })?;
        // Purged rows may linger in free pages and the log until checkpointed: they are
        // encrypted, but there is no reason to keep them.
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
            .map_err(self.sql())
    }

    /// Appends an audit row on its own.
    pub fn audit(
        &mut self,
        event: AuditEvent,
        session: Option<SessionId>,
        staff: Option<&str>,
        detail: Option<&str>,
    ) -> Result<(), StoreError> {
        let session = session.map(|s| s.to_string());
        self.write(|tx, key, sql| {
            audit::append(tx, key, event, session.as_deref(), staff, detail).map_err(sql)
        })
    }

    /// The audit log, in order.
    pub fn audit_log(&self) -> Result<Vec<AuditRecord>, StoreError> {
        audit::records(&self.conn)
            .map_err(self.sql())?
            .into_iter()
            .map(|(row, _)| {
                row.read()
                    .map_err(|(seq, what)| StoreError::AuditUnreadable {
                        path: self.path.clone(),
                        seq,
                        what,
                    })
            })
            .collect()
    }

    /// Checks the audit chain: the number of rows, or the first problem.
    pub fn verify_audit(&self) -> Result<Result<i64, AuditProblem>, StoreError> {
        audit::verify(&self.conn, &self.key).map_err(self.sql())
    }
}

pub(crate) fn place_meta(id: SessionId) -> String {
    format!("session:{id}:meta")
}

fn place_progress(id: SessionId) -> String {
    format!("session:{id}:progress")
}

pub(crate) fn place_summary(id: SessionId) -> String {
    format!("session:{id}:summary")
}

fn place_answer(id: SessionId, form: usize, item: &str) -> String {
    format!("answer:{id}:{form}:{item}")
}

fn progress_json(progress: Progress) -> Vec<u8> {
    // A position and a language always serialize.
    serde_json::to_vec(&progress).expect("progress serializes")
}
