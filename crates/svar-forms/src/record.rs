//! What a session record holds besides the answers: who it is about, where and when, and how
//! it ended. The kiosk's store keeps it for an open session and a bundle carries it sealed.

use crate::battery::Timepoint;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

/// A point in time in UTC, to the second, written as RFC 3339 (`2026-11-23T11:42:05Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// Now.
    pub fn now() -> Timestamp {
        Timestamp::new(OffsetDateTime::now_utc())
    }

    /// `at` in UTC with the fraction of a second dropped: bundles record seconds.
    pub fn new(at: OffsetDateTime) -> Timestamp {
        let utc = at.to_offset(time::UtcOffset::UTC);
        Timestamp(utc - time::Duration::nanoseconds(i64::from(utc.nanosecond())))
    }

    /// Reads RFC 3339 (any offset; kept in UTC, to the second).
    pub fn parse(text: &str) -> Option<Timestamp> {
        OffsetDateTime::parse(text, &Rfc3339)
            .ok()
            .map(Timestamp::new)
    }

    /// The time itself, in UTC.
    pub fn at(&self) -> OffsetDateTime {
        self.0
    }

    /// The compact form used in file names: `20261123T114205Z`.
    pub fn compact(&self) -> String {
        let t = self.0;
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Timestamp::parse(&text).ok_or_else(|| serde::de::Error::custom("expected an RFC 3339 time"))
    }
}

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The patient confirmed "finished".
    Complete,
    /// Staff or the patient ended the session early.
    Abandoned,
    /// The idle time-out closed the session.
    Timeout,
}

impl Status {
    /// The name used in bundles.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Complete => "complete",
            Status::Abandoned => "abandoned",
            Status::Timeout => "timeout",
        }
    }
}

/// The kind of a patient identifier, as bundles record it.
pub use crate::patient_id::IdKind as IdType;

/// The patient a bundle is about.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patient {
    /// The identifier as entered.
    pub id: String,
    /// What kind of identifier it is.
    pub id_type: IdType,
}

impl fmt::Debug for Patient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The id is patient data: keep it out of logs and panic messages.
        f.debug_struct("Patient")
            .field("id", &"<hidden>")
            .field("id_type", &self.id_type)
            .finish()
    }
}

/// Who, where and when: what a bundle records besides the answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// The bundle's id, chosen when the session starts so that every sealing attempt of the
    /// session makes the same bundle.
    pub bundle_id: Uuid,
    /// Site id.
    pub site: String,
    /// Kiosk id.
    pub kiosk: String,
    /// The patient.
    pub patient: Patient,
    /// The visit.
    pub timepoint: Option<Timepoint>,
    /// Study arm.
    pub arm: Option<String>,
    /// Consent recorded by staff.
    pub consent: Option<bool>,
    /// When the session started.
    pub started: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timestamps_are_utc_seconds_in_rfc3339_and_compact_forms() {
        let at = OffsetDateTime::parse("2026-11-23T12:42:05.987+01:00", &Rfc3339).unwrap();
        let t = Timestamp::new(at);
        assert_eq!(t.to_string(), "2026-11-23T11:42:05Z");
        assert_eq!(t.compact(), "20261123T114205Z");
        let back: Timestamp = serde_json::from_value(json!("2026-11-23T11:42:05Z")).unwrap();
        assert_eq!(back, t);
        assert!(serde_json::from_value::<Timestamp>(json!("23.11.2026")).is_err());
    }

    #[test]
    fn id_types_read_their_names() {
        for t in IdType::ALL {
            assert_eq!(t.as_str().parse::<IdType>(), Ok(t));
            assert_eq!(serde_json::to_value(t).unwrap(), json!(t.as_str()));
        }
        assert!(
            "passport"
                .parse::<IdType>()
                .unwrap_err()
                .contains("d_number")
        );
    }
}
