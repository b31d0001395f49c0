//! Svar: a touch-screen questionnaire kiosk for clinics.
//!
//! This library holds the plain-Rust model that the kiosk, the CLI and the tests share:
//! form files ([`form`]), batteries ([`battery`]), answers ([`answer`]), conditions
//! ([`condition`]), the expression language ([`expr`]) and scoring ([`score`]). Nothing here
//! depends on a GUI.

pub mod answer;
pub mod battery;
pub mod bundle;
pub mod condition;
pub mod config;
pub mod diag;
pub mod export;
pub mod expr;
pub mod form;
pub mod i18n;
pub mod id;
pub mod idle;
pub mod library;
pub mod patient_id;
pub mod receive;
pub mod schema;
pub mod score;
pub mod session;
pub mod setup;
pub mod source;
pub mod staff;
pub mod store;
pub mod text;
pub mod ui;
pub mod upload;
pub mod visit;
