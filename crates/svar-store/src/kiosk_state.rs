//! Small state of the kiosk's own that must outlive a restart (the PIN pad's lock), as JSON
//! by key. It never holds answers or patient data, so it is not encrypted.

use crate::{Store, StoreError};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

impl Store {
    /// The value kept under `key`; `None` when there is none or it no longer reads as `T`
    /// (an older kiosk's shape), so a start-up never fails over it.
    pub fn kiosk_state<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        let text: Option<String> = self
            .conn
            .query_row("SELECT value FROM kiosk_state WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()
            .map_err(self.sql())?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// Keeps `value` under `key`, replacing what was there.
    pub fn set_kiosk_state<T: Serialize>(
        &mut self,
        key: &str,
        value: &T,
    ) -> Result<(), StoreError> {
        // Plain data types of the kiosk's own always serialize.
        let text = serde_json::to_string(value).unwrap_or_default();
        self.write(|tx, _, sql| {
            tx.execute(
                "INSERT INTO kiosk_state (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![key, text],
            )
            .map_err(sql)?;
            Ok(())
        })
    }
}
