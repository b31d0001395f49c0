//! Why the store could not do something.

use crate::{SCHEMA_VERSION, SessionId, State};
use rusqlite::ErrorCode;
use std::path::PathBuf;

/// Why the store could not do something. Messages name the database and the session id, never
/// answers or patient ids.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused (disk full, read-only, locked, corrupt, …).
    #[error("{}: the local store cannot be used: {source}", path.display())]
    Sql {
        /// The database file.
        path: PathBuf,
        /// Why.
        source: rusqlite::Error,
    },
    /// The folder could not be made.
    #[error("{}: cannot create the data folder: {source}", path.display())]
    Folder {
        /// The folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file system does not allow write-ahead logging.
    #[error(
        "{}: the local store cannot use write-ahead logging (SQLite chose `{mode}`); put the data folder on a local disk",
        path.display()
    )]
    NotWal {
        /// The database file.
        path: PathBuf,
        /// The journal mode SQLite chose.
        mode: String,
    },
    /// SQLite did not turn on `secure_delete`, so purged records would stay in free pages.
    #[error(
        "{}: the local store cannot overwrite deleted records (SQLite's secure_delete reads back as {value}); this Svar build's SQLite is unsuitable, install an official build",
        path.display()
    )]
    NoSecureDelete {
        /// The database file.
        path: PathBuf,
        /// What SQLite reports for `secure_delete`.
        value: i64,
    },
    /// A newer Svar made this store.
    #[error(
        "{}: the local store was made by a newer version of Svar (schema {found}; this version knows {SCHEMA_VERSION})",
        path.display()
    )]
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// The version found.
        found: i64,
    },
    /// A record does not decrypt: wrong store key, or the record was altered.
    #[error(
        "{}: session {session}: a stored {what} cannot be decrypted with this store key (wrong key file, or the record was altered)",
        path.display()
    )]
    Decrypt {
        /// The database file.
        path: PathBuf,
        /// The session.
        session: SessionId,
        /// What kind of record.
        what: &'static str,
    },
    /// A record decrypts but does not read as expected.
    #[error("{}: session {session}: a stored {what} is not valid", path.display())]
    Corrupt {
        /// The database file.
        path: PathBuf,
        /// The session.
        session: SessionId,
        /// What kind of record.
        what: &'static str,
    },
    /// An audit row this version cannot read (an unknown event or a bad time).
    #[error(
        "{}: audit row {seq} has a {what} this version cannot read; `svar audit verify` checks \
         whether the log was altered",
        path.display()
    )]
    AuditUnreadable {
        /// The database file.
        path: PathBuf,
        /// The row.
        seq: i64,
        /// What of it: "event" or "time".
        what: &'static str,
    },
    /// No such session.
    #[error("{}: there is no session {session} in the local store", path.display())]
    NoSession {
        /// The database file.
        path: PathBuf,
        /// The session.
        session: SessionId,
    },
    /// The session is not in a state that allows this.
    #[error("{}: session {session} is {state}, so it cannot be {action}", path.display())]
    WrongState {
        /// The database file.
        path: PathBuf,
        /// The session.
        session: SessionId,
        /// Its state.
        state: State,
        /// What was tried.
        action: &'static str,
    },
}

impl StoreError {
    /// Whether the disk (or the database's size limit) is full.
    pub fn is_disk_full(&self) -> bool {
        matches!(self, StoreError::Sql { source, .. }
            if source.sqlite_error_code() == Some(ErrorCode::DiskFull))
    }
}
