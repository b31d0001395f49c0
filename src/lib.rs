//! Svar: a touch-screen questionnaire kiosk for clinics.
//!
//! The questionnaire model lives in the `svar-forms` crate, sealed bundles in `svar-bundle` and
//! the kiosk's store in `svar-store`; they are re-exported here under their module names while
//! the workspace is split by role.

pub use svar_forms::{
    answer, battery, condition, diag, expr, form, id, library, patient_id, record, schema, score,
    session, source, text,
};

pub use svar_bundle::{self as bundle, export};
pub use svar_receive as receive;
pub use svar_store as store;
pub use svar_upload as upload;
pub mod config;
pub mod i18n;
pub mod idle;
pub mod setup;
pub mod staff;
pub mod ui;
pub mod visit;
