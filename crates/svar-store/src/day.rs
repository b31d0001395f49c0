//! Today's list: the sessions a kiosk has started, as staff see them without the key to
//! their answers, and forgetting sealed ones from before today.

use crate::records::parse_status;
use crate::{DayEntry, SessionId, State, Store, StoreError, StoredMeta, place_meta, place_summary};
use svar_forms::record::Timestamp;
use uuid::Uuid;

impl Store {
    /// Sessions not yet sealed (open or ending), oldest first.
    pub fn unsealed(&self) -> Result<Vec<DayEntry>, StoreError> {
        self.entries("WHERE state <> 'sealed' ORDER BY opened, id", [])
    }

    /// Every session started on or after `since` (RFC 3339 UTC), oldest first.
    pub fn since(&self, since: &str) -> Result<Vec<DayEntry>, StoreError> {
        self.entries("WHERE opened >= ?1 ORDER BY opened, id", [since])
    }

    fn entries<P: rusqlite::Params>(
        &self,
        clause: &str,
        params: P,
    ) -> Result<Vec<DayEntry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT id, opened, battery, state, status, finished, bundle_file, seal_error, summary, meta FROM sessions {clause}"
            ))
            .map_err(self.sql())?;
        type Row = (
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<Vec<u8>>,
            Option<Vec<u8>>,
        );
        let rows: Vec<Row> = stmt
            .query_map(params, |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                ))
            })
            .and_then(Iterator::collect)
            .map_err(self.sql())?;
        rows.into_iter()
            .map(
                |(
                    id,
                    opened,
                    battery,
                    state,
                    status,
                    finished,
                    bundle_file,
                    seal_error,
                    summary,
                    meta,
                )| {
                    let corrupt = |session, what| StoreError::Corrupt {
                        path: self.path.clone(),
                        session,
                        what,
                    };
                    let id = SessionId(
                        Uuid::parse_str(&id)
                            .map_err(|_| corrupt(SessionId(Uuid::nil()), "session id"))?,
                    );
                    let summary = match summary {
                        Some(blob) => Some(self.decrypt_json(
                            id,
                            &place_summary(id),
                            Some(&blob),
                            "score summary",
                        )?),
                        None => None,
                    };
                    // Who and when, from the session record while it is kept.
                    let meta: Option<StoredMeta> = match meta {
                        Some(blob) => Some(self.decrypt_json(
                            id,
                            &place_meta(id),
                            Some(&blob),
                            "session record",
                        )?),
                        None => None,
                    };
                    let (patient, timepoint) = meta
                        .map(|m| (Some(m.meta.patient), m.meta.timepoint))
                        .unwrap_or_default();
                    let time = |text: &str| {
                        Timestamp::parse(text).ok_or_else(|| corrupt(id, "session time"))
                    };
                    Ok(DayEntry {
                        id,
                        opened: time(&opened)?,
                        battery,
                        state: State::parse(&state).ok_or_else(|| corrupt(id, "session state"))?,
                        status: status.as_deref().and_then(parse_status),
                        finished: finished.as_deref().map(time).transpose()?,
                        bundle_file,
                        seal_error,
                        summary,
                        patient,
                        timepoint,
                    })
                },
            )
            .collect()
    }

    /// Forgets sealed sessions started before `before` (RFC 3339 UTC): today's list only needs
    /// today. Their audit rows stay.
    pub fn forget_sealed_before(&mut self, before: &str) -> Result<usize, StoreError> {
        self.write(|tx, _, sql| {
            tx.execute(
                "DELETE FROM sessions WHERE state = 'sealed' AND opened < ?1",
                [before],
            )
            .map_err(sql)
        })
    }
}
