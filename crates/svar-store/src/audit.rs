//! The audit log: an append-only, hash-chained table of what happened to sessions, with the
//! staff id and time, never answers or patient ids.
//!
//! Each row carries an HMAC-SHA256 over the previous row's MAC and its own fields, keyed from
//! the store key, and a separate head row carries a MAC over the last row. Editing a row
//! breaks its MAC; deleting a row breaks the chain after it; deleting rows at the end no
//! longer matches the head. Without the store key none of these can be repaired. Triggers
//! also refuse updates and deletes, so the kiosk itself cannot rewrite history by mistake.

use crate::crypt::{HmacSha256, StoreKey};
use hmac::Mac;
use rusqlite::{Connection, OptionalExtension, params};
use svar_forms::record::Timestamp;

/// Tables and triggers of the audit log.
pub(super) const SCHEMA: &str = "
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    event TEXT NOT NULL,
    session TEXT,
    staff TEXT,
    detail TEXT,
    mac BLOB NOT NULL
);
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    mac BLOB NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
";

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditEvent {
    /// The store was created: the first row, so that an emptied log does not verify.
    StoreCreated,
    /// Staff started a session for a patient.
    SessionStarted,
    /// Staff resumed an interrupted session.
    SessionResumed,
    /// The patient finished.
    SessionCompleted,
    /// Staff ended a session before the patient finished.
    SessionAbandoned,
    /// The idle time-out ended a session.
    SessionTimedOut,
    /// The idle time-out paused a staff-started session, to wait for staff.
    SessionPaused,
    /// The session's bundle was written to the outbox and its plaintext purged.
    SessionSealed,
    /// Sealing failed (disk full, outbox not writable, …); the session stays in the store.
    SealFailed,
    /// A bundle was delivered.
    BundleUploaded,
    /// Staff signed in.
    StaffSignedIn,
    /// Too many wrong PINs: the PIN pad locked.
    PinLocked,
    /// Staff left kiosk mode.
    KioskLeft,
}

impl AuditEvent {
    /// Every event.
    pub const ALL: [AuditEvent; 13] = [
        AuditEvent::StoreCreated,
        AuditEvent::SessionStarted,
        AuditEvent::SessionResumed,
        AuditEvent::SessionCompleted,
        AuditEvent::SessionAbandoned,
        AuditEvent::SessionTimedOut,
        AuditEvent::SessionPaused,
        AuditEvent::SessionSealed,
        AuditEvent::SealFailed,
        AuditEvent::BundleUploaded,
        AuditEvent::StaffSignedIn,
        AuditEvent::PinLocked,
        AuditEvent::KioskLeft,
    ];

    /// The name stored in the log.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditEvent::StoreCreated => "store_created",
            AuditEvent::SessionStarted => "session_started",
            AuditEvent::SessionResumed => "session_resumed",
            AuditEvent::SessionCompleted => "session_completed",
            AuditEvent::SessionAbandoned => "session_abandoned",
            AuditEvent::SessionTimedOut => "session_timed_out",
            AuditEvent::SessionPaused => "session_paused",
            AuditEvent::SessionSealed => "session_sealed",
            AuditEvent::SealFailed => "seal_failed",
            AuditEvent::BundleUploaded => "bundle_uploaded",
            AuditEvent::StaffSignedIn => "staff_signed_in",
            AuditEvent::PinLocked => "pin_locked",
            AuditEvent::KioskLeft => "kiosk_left",
        }
    }

    fn from_name(name: &str) -> Option<AuditEvent> {
        AuditEvent::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

impl std::fmt::Display for AuditEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One row of the audit log, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    /// Position in the log, from 1.
    pub seq: i64,
    /// When.
    pub at: Timestamp,
    /// What happened.
    pub event: AuditEvent,
    /// The session it is about.
    pub session: Option<String>,
    /// The staff member who did it.
    pub staff: Option<String>,
    /// A detail without patient data (a bundle file name, an error kind).
    pub detail: Option<String>,
}

/// One row as stored: the text its MAC covers, checked before it is read as a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Row {
    seq: i64,
    at: String,
    event: String,
    session: Option<String>,
    staff: Option<String>,
    detail: Option<String>,
}

impl Row {
    /// The row read, or what of it this version cannot read.
    pub(super) fn read(self) -> Result<AuditRecord, (i64, &'static str)> {
        Ok(AuditRecord {
            seq: self.seq,
            at: Timestamp::parse(&self.at).ok_or((self.seq, "time"))?,
            event: AuditEvent::from_name(&self.event).ok_or((self.seq, "event"))?,
            session: self.session,
            staff: self.staff,
            detail: self.detail,
        })
    }
}

/// Why the audit log does not verify. Each names the first row where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditProblem {
    /// A row's content does not match its MAC: it was edited (or the key is wrong).
    #[error("audit row {seq} was altered: its MAC does not match its content")]
    Altered {
        /// The row.
        seq: i64,
    },
    /// Rows are missing in the middle.
    #[error("audit rows are missing: row {found} follows row {after}")]
    Missing {
        /// The last good row.
        after: i64,
        /// The row found next.
        found: i64,
    },
    /// Rows are missing at the end, or the head was edited.
    #[error(
        "the audit log ends at row {last} but its head records row {head}: rows were deleted at the end or the head was altered"
    )]
    Truncated {
        /// The last row present.
        last: i64,
        /// The last row according to the head.
        head: i64,
    },
    /// Every row is gone, even the store's first.
    #[error("the audit log is empty: even the row recording the store's creation is gone")]
    Empty,
    /// A row names an event this version does not know.
    #[error("audit row {seq} has an unknown event `{event}`")]
    UnknownEvent {
        /// The row.
        seq: i64,
        /// The name found.
        event: String,
    },
}

fn field(mac: &mut HmacSha256, value: Option<&str>) {
    // Length-prefixed so that moving text between fields changes the MAC.
    match value {
        None => mac.update(&[0]),
        Some(v) => {
            mac.update(&[1]);
            mac.update(&(v.len() as u64).to_be_bytes());
            mac.update(v.as_bytes());
        }
    }
}

fn row_mac(key: &StoreKey, prev: &[u8], r: &Row) -> Vec<u8> {
    let mut mac = key.audit_mac();
    mac.update(b"row");
    mac.update(prev);
    mac.update(&r.seq.to_be_bytes());
    field(&mut mac, Some(&r.at));
    field(&mut mac, Some(&r.event));
    field(&mut mac, r.session.as_deref());
    field(&mut mac, r.staff.as_deref());
    field(&mut mac, r.detail.as_deref());
    mac.finalize().into_bytes().to_vec()
}

fn head_mac(key: &StoreKey, seq: i64, last: &[u8]) -> Vec<u8> {
    let mut mac = key.audit_mac();
    mac.update(b"head");
    mac.update(&seq.to_be_bytes());
    mac.update(last);
    mac.finalize().into_bytes().to_vec()
}

/// Appends a row; call inside the transaction that makes the change it records.
pub(super) fn append(
    conn: &Connection,
    key: &StoreKey,
    event: AuditEvent,
    session: Option<&str>,
    staff: Option<&str>,
    detail: Option<&str>,
) -> rusqlite::Result<()> {
    let last: Option<(i64, Vec<u8>)> = conn
        .query_row(
            "SELECT seq, mac FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let (prev_seq, prev_mac) = last.unwrap_or((0, Vec::new()));
    let record = Row {
        seq: prev_seq + 1,
        at: Timestamp::now().to_string(),
        event: event.as_str().to_owned(),
        session: session.map(str::to_owned),
        staff: staff.map(str::to_owned),
        detail: detail.map(str::to_owned),
    };
    let mac = row_mac(key, &prev_mac, &record);
    conn.execute(
        "INSERT INTO audit (seq, at, event, session, staff, detail, mac) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            record.seq,
            record.at,
            record.event,
            record.session,
            record.staff,
            record.detail,
            mac
        ],
    )?;
    conn.execute(
        "INSERT INTO audit_head (id, seq, mac) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, mac = excluded.mac",
        params![record.seq, head_mac(key, record.seq, &mac)],
    )?;
    Ok(())
}

/// Every row, in order.
pub(super) fn records(conn: &Connection) -> rusqlite::Result<Vec<(Row, Vec<u8>)>> {
    let mut stmt =
        conn.prepare("SELECT seq, at, event, session, staff, detail, mac FROM audit ORDER BY seq")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            Row {
                seq: r.get(0)?,
                at: r.get(1)?,
                event: r.get(2)?,
                session: r.get(3)?,
                staff: r.get(4)?,
                detail: r.get(5)?,
            },
            r.get::<_, Vec<u8>>(6)?,
        ))
    })?;
    rows.collect()
}

/// Checks the whole chain and the head; returns the number of rows.
pub(super) fn verify(
    conn: &Connection,
    key: &StoreKey,
) -> rusqlite::Result<Result<i64, AuditProblem>> {
    let rows = records(conn)?;
    let mut prev_seq = 0;
    let mut prev_mac = Vec::new();
    for (record, mac) in &rows {
        if AuditEvent::from_name(&record.event).is_none() {
            return Ok(Err(AuditProblem::UnknownEvent {
                seq: record.seq,
                event: record.event.clone(),
            }));
        }
        if record.seq != prev_seq + 1 {
            return Ok(Err(AuditProblem::Missing {
                after: prev_seq,
                found: record.seq,
            }));
        }
        if row_mac(key, &prev_mac, record) != *mac {
            // A row after a deleted one fails here too; the seq gap above catches deletion
            // in the middle first.
            return Ok(Err(AuditProblem::Altered { seq: record.seq }));
        }
        prev_seq = record.seq;
        prev_mac.clone_from(mac);
    }
    let head: Option<(i64, Vec<u8>)> = conn
        .query_row("SELECT seq, mac FROM audit_head WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    if rows.is_empty() {
        return Ok(Err(AuditProblem::Empty));
    }
    let (head_seq, head_tag) = head.unwrap_or_default();
    if head_seq != prev_seq || head_tag != head_mac(key, prev_seq, &prev_mac) {
        return Ok(Err(AuditProblem::Truncated {
            last: prev_seq,
            head: head_seq,
        }));
    }
    Ok(Ok(prev_seq))
}
