//! The seal intent: a session's sealed bundle, kept in the store from just before it is
//! written to the outbox until the session is marked sealed.
//!
//! Sealing encrypts with fresh randomness, so sealing a session twice gives two different
//! files under one bundle id, which a receiver must refuse as a conflict. A crash between
//! writing the file and marking the session sealed would do just that, and the file may be
//! gone by the restart (an uploader without this store delivered and removed it). Keeping the
//! exact bytes lets the restart adopt the file, or write the same bytes again, so every
//! attempt for a session yields one ciphertext.

use crate::{SessionId, State, Store, StoreError, place_summary};
use rusqlite::{OptionalExtension, params};
use serde_json::Value;
use zeroize::Zeroizing;

/// A bundle sealed for a session but not yet recorded as delivered to the outbox.
pub struct SealIntent {
    /// The bundle's file name in the outbox.
    pub file_name: String,
    /// The sealed file's bytes (encrypted to the recipients: the kiosk cannot read them).
    pub bytes: Vec<u8>,
    /// Scores, bands and flags (no answers), kept for staff.
    pub summary: Value,
}

impl std::fmt::Debug for SealIntent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealIntent")
            .field("file_name", &self.file_name)
            .field("bytes", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Records the bundle an ending session is about to be written as, before it is written.
    pub fn record_seal_intent(
        &mut self,
        id: SessionId,
        intent: &SealIntent,
    ) -> Result<(), StoreError> {
        self.require(id, &[State::Ending], "sealed")?;
        let summary = Zeroizing::new(serde_json::to_vec(&intent.summary).map_err(|_| {
            StoreError::Corrupt {
                path: self.path.clone(),
                session: id,
                what: "score summary",
            }
        })?);
        self.write(|tx, key, sql| {
            tx.execute(
                "UPDATE sessions SET bundle_file = ?2, sealed_bundle = ?3, summary = ?4 WHERE id = ?1",
                params![
                    id.to_string(),
                    intent.file_name,
                    intent.bytes,
                    key.encrypt(&place_summary(id), &summary)
                ],
            )
            .map_err(sql)?;
            Ok(())
        })
    }

    /// The bundle an ending session was sealed into before an interruption, if any.
    pub fn seal_intent(&self, id: SessionId) -> Result<Option<SealIntent>, StoreError> {
        /// File name, sealed bytes and encrypted summary, each set once sealing began.
        type Row = (Option<String>, Option<Vec<u8>>, Option<Vec<u8>>);
        let row: Option<Row> = self
            .conn
            .query_row(
                "SELECT bundle_file, sealed_bundle, summary FROM sessions WHERE id = ?1 AND state = 'ending'",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(self.sql())?;
        let Some((Some(file_name), Some(bytes), summary)) = row else {
            return Ok(None);
        };
        let summary =
            self.decrypt_json(id, &place_summary(id), summary.as_deref(), "score summary")?;
        Ok(Some(SealIntent {
            file_name,
            bytes,
            summary,
        }))
    }
}
