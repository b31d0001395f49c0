//! The Svar kiosk: the fullscreen egui app a patient answers on and a nurse starts sessions
//! from. Screens, widgets and the design tokens are in [`ui`], staff accounts and PINs in
//! [`staff`], the idle time-out in [`idle`], interface text in [`i18n`]; a session recorded
//! answer by answer and sealed exactly once is a [`visit`]; a site's `svar.toml` is its
//! [`config`], and [`setup`] puts the store, keys and uploader together. The kiosk holds no HTTP
//! server: it only uploads.

pub mod config;
pub mod i18n;
pub mod idle;
pub mod preview;
pub mod setup;
pub mod staff;
pub mod ui;
pub mod visit;

/// The repository's top folder, where the shipped forms and assets are, for unit tests.
#[cfg(test)]
pub(crate) fn repo_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}
