//! Svar: a touch-screen questionnaire kiosk for clinics.
//!
//! The questionnaire model lives in the `svar-forms` crate and is re-exported here under its
//! module names; this crate holds the rest while the workspace is being split by role.

pub use svar_forms::{
    answer, battery, condition, diag, expr, form, id, library, patient_id, schema, score, session,
    source, text,
};

pub mod bundle;
pub mod config;
pub mod export;
pub mod i18n;
pub mod idle;
pub mod receive;
pub mod setup;
pub mod staff;
pub mod store;
pub mod ui;
pub mod upload;
pub mod visit;
