//! Svar's questionnaire model, in plain Rust with no GUI, storage, network or crypto.
//!
//! Form files ([`form`]) and batteries ([`battery`]) are read from JSON ([`source`] keeps the
//! positions), checked once and turned into a model with resolved references; nothing
//! downstream meets a broken form. On that model: conditions ([`condition`]), the expression
//! language ([`expr`]), answers ([`answer`]), scoring ([`score`]) and the form-entry session
//! ([`session`]) that the kiosk drives. Patient ids are checked in [`patient_id`]; who, when and how a session ended is its
//! [`record`]; languages and
//! translated texts are in [`text`]; diagnostics for admins in [`diag`].

pub mod answer;
pub mod battery;
pub mod condition;
pub mod diag;
pub mod expr;
pub mod form;
pub mod id;
pub mod library;
pub mod patient_id;
pub mod record;
pub mod schema;
pub mod score;
pub mod session;
pub mod source;
pub mod suggest;
pub mod text;
