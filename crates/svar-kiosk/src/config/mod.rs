//! The kiosk's configuration file, `svar.toml`: site, kiosk, recipients' public keys, staff
//! accounts, batteries offered, time-outs and folders. `svar config check` reports problems
//! line by line like `svar validate`.

use crate::staff::StaffAccount;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use svar_forms::battery::Timepoint;
use svar_forms::diag::{Diagnostic, Position, Severity};
use svar_forms::text::Lang;
use toml::Spanned;
use upload::{RawUpload, upload_target};

mod upload;

/// The recipient written in `docs/svar.example.toml` (the age documentation's example key),
/// which the packaged `/etc/svar/svar.toml` starts with: refused, so that no kiosk seals to it.
const EXAMPLE_RECIPIENT: &str = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
/// A checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Site id, recorded in every bundle.
    pub site_id: String,
    /// Site name shown on the welcome screen and in the header, per language.
    pub site_name: ClinicName,
    /// This kiosk's id, recorded in every bundle.
    pub kiosk_id: String,
    /// Public keys (age X25519) every bundle is encrypted to.
    pub recipients: Vec<age::x25519::Recipient>,
    /// The kiosk's signing key file (minisign secret key).
    pub device_key: PathBuf,
    /// The key the local store is encrypted with; outside the data folder, so that a copy of
    /// the data folder alone reveals nothing. Created at first start.
    pub store_key: PathBuf,
    /// Folder of the local store.
    pub data_folder: PathBuf,
    /// Folder sealed bundles are written to.
    pub outbox: PathBuf,
    /// Folder of form files.
    pub forms: PathBuf,
    /// Folder the forms' images are looked up in first (then beside the forms, then the
    /// shipped ones); `None` when not set.
    pub assets: Option<PathBuf>,
    /// Batteries staff may choose.
    pub batteries: Vec<String>,
    /// Time points staff may choose.
    pub timepoints: Vec<Timepoint>,
    /// Study arms staff may record (none: not asked).
    pub arms: Vec<String>,
    /// Staff who may open staff mode.
    pub staff: Vec<StaffAccount>,
    /// Pattern study ids must match, if the site uses study ids.
    pub study_id_pattern: Option<String>,
    /// Language before the patient chooses.
    pub default_language: Lang,
    /// Seconds without a touch before "Are you still there?".
    pub idle_seconds: f64,
    /// Seconds that question counts down.
    pub idle_countdown_seconds: f64,
    /// Seconds the thank-you screen shows.
    pub thanks_seconds: f64,
    /// Minutes a staff-started session waits on the paused screen, after the idle time-out,
    /// for staff to resume or end it before it is sealed as timed out.
    pub pause_minutes: f64,
    /// Where `svar upload` and the kiosk deliver the outbox (`[[upload]]`; none: not uploaded).
    pub upload: Vec<UploadTarget>,
}

pub use svar_upload::UploadTarget;

/// The clinic's name as patients read it: one name for every language, or a name per
/// language (a language without one gets the first of them, in the order nb, nn, da, en).
#[derive(Debug, Clone, PartialEq)]
pub struct ClinicName(Vec<(Option<Lang>, String)>);

impl ClinicName {
    /// One name in every language.
    pub fn same(name: &str) -> ClinicName {
        ClinicName(vec![(None, name.to_owned())])
    }

    /// A name per language; the first is used for a language without its own.
    pub fn per_language(names: impl IntoIterator<Item = (Lang, String)>) -> ClinicName {
        ClinicName(names.into_iter().map(|(l, n)| (Some(l), n)).collect())
    }

    /// The name in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        self.0
            .iter()
            .find(|(l, _)| *l == Some(lang))
            .or(self.0.first())
            .map_or("", |(_, n)| n.as_str())
    }
}

/// `name = "…"` or `name = { nb = "…", da = "…" }`.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawName {
    One(String),
    PerLanguage(std::collections::BTreeMap<Lang, String>),
}

impl RawName {
    fn into_name(self) -> ClinicName {
        match self {
            RawName::One(name) => ClinicName::same(&name),
            RawName::PerLanguage(names) => ClinicName::per_language(names),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    site: RawSite,
    recipients: Spanned<Vec<Spanned<String>>>,
    device_key: Spanned<PathBuf>,
    #[serde(default)]
    store_key: Option<Spanned<PathBuf>>,
    data: RawData,
    kiosk: Spanned<RawKiosk>,
    staff: Spanned<Vec<RawStaff>>,
    #[serde(default)]
    study_id_pattern: Option<Spanned<String>>,
    #[serde(default)]
    upload: Vec<Spanned<RawUpload>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    id: Spanned<String>,
    name: RawName,
    kiosk_id: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawData {
    folder: Spanned<PathBuf>,
    #[serde(default)]
    outbox: Option<Spanned<PathBuf>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKiosk {
    forms: Spanned<PathBuf>,
    #[serde(default)]
    assets: Option<PathBuf>,
    batteries: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    timepoints: Vec<Timepoint>,
    #[serde(default)]
    arms: Vec<String>,
    #[serde(default)]
    default_language: Option<Spanned<Lang>>,
    #[serde(default)]
    idle_seconds: Option<Spanned<f64>>,
    #[serde(default)]
    idle_countdown_seconds: Option<Spanned<f64>>,
    #[serde(default)]
    thanks_seconds: Option<Spanned<f64>>,
    #[serde(default)]
    pause_minutes: Option<Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStaff {
    id: Spanned<String>,
    name: String,
    pin_hash: Spanned<String>,
}

/// Problems collected while checking, placed by byte offset.
struct Check<'a> {
    path: &'a Path,
    text: &'a str,
    found: Vec<Diagnostic>,
}

impl Check<'_> {
    fn error(&mut self, at: usize, code: &'static str, message: impl Into<String>) {
        let position = position_of(self.text, at);
        self.found.push(Diagnostic {
            path: self.path.to_owned(),
            position,
            severity: Severity::Error,
            code,
            message: message.into(),
        });
    }
}

/// Line and column (from 1, columns in characters) of a byte offset.
fn position_of(text: &str, offset: usize) -> Position {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Position { line, column }
}

impl Config {
    /// Reads and checks a configuration file. Relative folders are taken from the file's folder.
    pub fn load(path: &Path) -> Result<Config, Vec<Diagnostic>> {
        let fail = |message: String| {
            vec![Diagnostic {
                path: path.to_owned(),
                position: Position::START,
                severity: Severity::Error,
                code: "unreadable",
                message,
            }]
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| fail(format!("cannot read the configuration: {e}")))?;
        Self::from_text(path, &text)
    }

    /// Checks configuration text as the content of `path`.
    pub fn from_text(path: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
        let mut c = Check {
            path,
            text,
            found: Vec::new(),
        };
        let raw: RawConfig = match toml::from_str(text) {
            Ok(raw) => raw,
            Err(e) => {
                let at = e.span().map_or(0, |s| s.start);
                c.error(
                    at,
                    "toml",
                    format!("this is not a valid configuration: {}", e.message().trim()),
                );
                return Err(c.found);
            }
        };
        let base = path.parent().unwrap_or(Path::new("."));
        let resolve = |p: &Path| {
            if p.is_absolute() {
                p.to_owned()
            } else {
                base.join(p)
            }
        };
        for (value, what) in [(&raw.site.id, "site id"), (&raw.site.kiosk_id, "kiosk id")] {
            if !svar_forms::id::is_valid_id(value.get_ref()) {
                c.error(
                    value.span().start,
                    "bad-id",
                    format!(
                        "`{}` is not a valid {what}: use lower-case letters, digits and _",
                        value.get_ref()
                    ),
                );
            }
        }
        let mut recipients = Vec::new();
        if raw.recipients.get_ref().is_empty() {
            c.error(
                raw.recipients.span().start,
                "no-recipient",
                "give at least one recipient public key (age1…): bundles are encrypted to it",
            );
        }
        let demo_recipient = svar_bundle::demo_recipient().to_string();
        for key in raw.recipients.get_ref() {
            match age::x25519::Recipient::from_str(key.get_ref().trim()) {
                // Its identity is in the repository: anyone could read what a kiosk seals to it.
                Ok(r) if r.to_string() == demo_recipient => c.error(
                    key.span().start,
                    "demo-recipient",
                    "this is the demo recipient, whose identity anyone can download: give the \
                     receiving site's public key (made with `svar keygen` on the receiving side)",
                ),
                // The example configuration's key, which an installed kiosk starts with.
                Ok(r) if r.to_string() == EXAMPLE_RECIPIENT => c.error(
                    key.span().start,
                    "example-recipient",
                    "this is the example key from docs/svar.example.toml, not a receiving \
                     site's: give the site's public key (made with `svar keygen` on the \
                     receiving side)",
                ),
                Ok(r) => recipients.push(r),
                Err(e) => c.error(
                    key.span().start,
                    "bad-recipient",
                    format!("not an age public key (age1…): {e}"),
                ),
            }
        }
        let device_key = resolve(raw.device_key.get_ref());
        if !device_key.is_file() {
            c.error(
                raw.device_key.span().start,
                "missing-device-key",
                format!(
                    "there is no device key file {}; make one with `svar keygen --device`",
                    device_key.display()
                ),
            );
        } else {
            match svar_bundle::DeviceKey::load(&device_key) {
                Err(e) => c.error(raw.device_key.span().start, "bad-device-key", e.to_string()),
                // Its secret is in the repository: anyone could sign bundles as this kiosk.
                Ok(key) if key.key_id() == svar_bundle::DeviceKey::demo().key_id() => c.error(
                    raw.device_key.span().start,
                    "demo-device-key",
                    format!(
                        "{} is the demo device key, whose secret anyone can download: make this \
                         kiosk its own with `svar keygen --device`",
                        device_key.display()
                    ),
                ),
                Ok(_) => {}
            }
        }
        let data_folder = resolve(raw.data.folder.get_ref());
        let outbox = raw
            .data
            .outbox
            .as_ref()
            .map_or_else(|| data_folder.join("outbox"), |o| resolve(o.get_ref()));
        for (folder, at) in [
            (&data_folder, raw.data.folder.span().start),
            (
                &outbox,
                raw.data
                    .outbox
                    .as_ref()
                    .map_or(raw.data.folder.span().start, |o| o.span().start),
            ),
        ] {
            // The kiosk creates missing folders; only a file in the way makes that impossible.
            let nearest = folder.ancestors().find(|a| a.exists());
            if !nearest.is_some_and(Path::is_dir) {
                c.error(
                    at,
                    "bad-folder",
                    format!(
                        "{} cannot be created: a file stands in its path",
                        folder.display()
                    ),
                );
            }
        }
        let store_key = raw.store_key.as_ref().map_or_else(
            || device_key.with_file_name("store.key"),
            |k| resolve(k.get_ref()),
        );
        if store_key.starts_with(&data_folder) || store_key.starts_with(&outbox) {
            c.error(
                raw.store_key
                    .as_ref()
                    .map_or(raw.device_key.span().start, |k| k.span().start),
                "store-key-in-data",
                format!(
                    "the store key {} must be kept outside the data folder and the outbox: a copy of the data folder must not carry its key",
                    store_key.display()
                ),
            );
        }
        let kiosk = raw.kiosk.get_ref();
        let forms = resolve(kiosk.forms.get_ref());
        let assets = kiosk.assets.as_deref().map(resolve);
        let loaded =
            svar_forms::library::load_paths(std::slice::from_ref(&forms), assets.as_deref());
        if kiosk.batteries.get_ref().is_empty() {
            c.error(
                kiosk.batteries.span().start,
                "no-battery",
                "offer at least one battery",
            );
        }
        let default_language = kiosk
            .default_language
            .as_ref()
            .map_or(Lang::Nb, |l| *l.get_ref());
        for battery in kiosk.batteries.get_ref() {
            match loaded.batteries.get(battery.get_ref()) {
                None => c.error(battery.span().start, "unknown-battery", format!("there is no valid battery `{}` in {}/batteries (run `svar validate` on it)", battery.get_ref(), forms.display())),
                // Patients meet the kiosk in its default language first: every battery must
                // speak it, or the welcome and the first screen would disagree.
                Some(b) if !b.languages.contains(&default_language) => {
                    let offered: Vec<&str> = b.languages.iter().map(|l| l.code()).collect();
                    let at = kiosk
                        .default_language
                        .as_ref()
                        .map_or(battery.span().start, |l| l.span().start);
                    c.error(at, "language-not-offered", format!("the kiosk's default language `{}` is not offered by the battery `{}` (it offers {}): choose one of those as `default_language`, or add `{}` to the battery and its forms", default_language.code(), battery.get_ref(), offered.join(", "), default_language.code()));
                }
                Some(_) => {}
            }
        }
        let at_least = |c: &mut Check,
                        value: &Option<Spanned<f64>>,
                        default: f64,
                        min: f64,
                        name: &str,
                        least: &str| {
            match value {
                Some(v) if *v.get_ref() < min || !v.get_ref().is_finite() => {
                    c.error(
                        v.span().start,
                        "bad-range",
                        format!("`{name}` must be at least {least}"),
                    );
                    default
                }
                Some(v) => *v.get_ref(),
                None => default,
            }
        };
        let idle_seconds = at_least(
            &mut c,
            &kiosk.idle_seconds,
            90.0,
            15.0,
            "idle_seconds",
            "15 seconds",
        );
        let idle_countdown_seconds = at_least(
            &mut c,
            &kiosk.idle_countdown_seconds,
            30.0,
            5.0,
            "idle_countdown_seconds",
            "5 seconds",
        );
        let thanks_seconds = at_least(
            &mut c,
            &kiosk.thanks_seconds,
            8.0,
            2.0,
            "thanks_seconds",
            "2 seconds",
        );
        let pause_minutes = at_least(
            &mut c,
            &kiosk.pause_minutes,
            30.0,
            1.0,
            "pause_minutes",
            "1 minute",
        );
        if raw.staff.get_ref().is_empty() {
            c.error(
                raw.staff.span().start,
                "no-staff",
                "add at least one [[staff]] account, or no one can start a session",
            );
        }
        let mut staff = Vec::new();
        for (k, s) in raw.staff.get_ref().iter().enumerate() {
            if raw.staff.get_ref()[..k]
                .iter()
                .any(|o| o.id.get_ref() == s.id.get_ref())
            {
                c.error(
                    s.id.span().start,
                    "duplicate-id",
                    format!("the staff id `{}` is used twice", s.id.get_ref()),
                );
            }
            if argon2::password_hash::PasswordHash::new(s.pin_hash.get_ref()).is_err() {
                c.error(
                    s.pin_hash.span().start,
                    "bad-pin-hash",
                    "not an Argon2 PIN hash ($argon2id$…); make one with `svar staff hash-pin`",
                );
            }
            staff.push(StaffAccount {
                id: s.id.get_ref().clone(),
                name: s.name.clone(),
                pin_hash: s.pin_hash.get_ref().clone(),
            });
        }
        if let Some(pattern) = &raw.study_id_pattern
            && let Err(e) = regex::Regex::new(pattern.get_ref())
        {
            c.error(
                pattern.span().start,
                "bad-pattern",
                format!("the study id pattern is not a valid regular expression: {e}"),
            );
        }
        let upload = raw
            .upload
            .iter()
            .filter_map(|u| upload_target(&mut c, u, &resolve))
            .collect();
        if !c.found.is_empty() {
            return Err(c.found);
        }
        Ok(Config {
            site_id: raw.site.id.into_inner(),
            site_name: raw.site.name.into_name(),
            kiosk_id: raw.site.kiosk_id.into_inner(),
            recipients,
            device_key,
            store_key,
            data_folder,
            outbox,
            forms,
            assets,
            batteries: kiosk
                .batteries
                .get_ref()
                .iter()
                .map(|b| b.get_ref().clone())
                .collect(),
            timepoints: if kiosk.timepoints.is_empty() {
                vec![Timepoint::Baseline]
            } else {
                kiosk.timepoints.clone()
            },
            arms: kiosk.arms.clone(),
            staff,
            study_id_pattern: raw.study_id_pattern.map(Spanned::into_inner),
            default_language,
            idle_seconds,
            idle_countdown_seconds,
            thanks_seconds,
            pause_minutes,
            upload,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample(dir: &Path) -> String {
        let device = dir.join("device.key");
        if !device.exists() {
            svar_bundle::DeviceKey::generate()
                .unwrap()
                .write(&device)
                .unwrap();
        }
        let hash = crate::staff::hash_pin("4711").unwrap();
        let forms = crate::repo_root().join("forms");
        format!(
            r#"device_key = "device.key"
recipients = ["age12tuwmz9tz3yx7fwr3mf739uyp26w3k8z0qhw246dugvvzz9j8gmsc5q479"]

[site]
id = "tromso"
name = "UNN Tromsø"
kiosk_id = "kiosk_03"

[data]
folder = "data"

[kiosk]
forms = "{}"
batteries = ["no_work_health_baseline"]
timepoints = ["baseline", "month_6"]
idle_seconds = 120

[[staff]]
id = "nurse1"
name = "Kari"
pin_hash = "{hash}"
"#,
            forms.display()
        )
    }

    #[test]
    fn a_good_configuration_loads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("svar.toml");
        let config = Config::from_text(&path, &sample(dir.path())).expect("loads");
        assert_eq!(config.site_id, "tromso");
        assert_eq!(config.idle_seconds, 120.0);
        assert_eq!(config.pause_minutes, 30.0, "the default pause");
        assert_eq!(config.site_name.get(Lang::Da), "UNN Tromsø");
        let per_language = sample(dir.path()).replace(
            r#"name = "UNN Tromsø""#,
            r#"name = { nb = "UNN Tromsø, ryggpoliklinikken", da = "UNN Tromsø, rygklinikken" }"#,
        );
        let config = Config::from_text(&path, &per_language).expect("loads");
        assert_eq!(config.site_name.get(Lang::Da), "UNN Tromsø, rygklinikken");
        assert_eq!(
            config.site_name.get(Lang::Nn),
            "UNN Tromsø, ryggpoliklinikken",
            "the first name for a language without its own"
        );
        assert_eq!(config.outbox, dir.path().join("data").join("outbox"));
        assert_eq!(config.store_key, dir.path().join("store.key"));
        assert_eq!(
            config.timepoints,
            vec![Timepoint::Baseline, Timepoint::Month6]
        );
    }

    #[test]
    fn a_default_language_a_battery_does_not_offer_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let forms = dir.path().join("forms");
        std::fs::create_dir_all(forms.join("batteries")).unwrap();
        let fixtures = crate::repo_root().join("tests/fixtures");
        std::fs::copy(
            fixtures.join("good/minimal.json"),
            forms.join("minimal.json"),
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("assets")).unwrap();
        std::fs::copy(
            fixtures.join("assets/map.png"),
            dir.path().join("assets/map.png"),
        )
        .unwrap();
        std::fs::write(
            forms.join("batteries/small.json"),
            r#"{"id": "small", "version": "1.0.0", "title": {"nb": "Liten", "en": "Small"},
                "languages": ["nb", "en"], "timepoints": ["baseline"],
                "forms": [{"form": "minimal"}]}"#,
        )
        .unwrap();
        let path = dir.path().join("svar.toml");
        let text = sample(dir.path())
            .replace(
                &crate::repo_root().join("forms").display().to_string(),
                &forms.display().to_string(),
            )
            .replace("no_work_health_baseline", "small")
            .replace(
                "idle_seconds = 120",
                "idle_seconds = 120\ndefault_language = \"da\"",
            );
        let found = Config::from_text(&path, &text).unwrap_err();
        let problem = found
            .iter()
            .find(|d| d.code == "language-not-offered")
            .unwrap_or_else(|| panic!("{found:?}"));
        assert_eq!(problem.position.line, 17, "at `default_language`");
        assert!(
            problem.message.contains("(it offers nb, en)"),
            "{}",
            problem.message
        );
        let nb = text.replace("default_language = \"da\"", "default_language = \"nb\"");
        assert!(Config::from_text(&path, &nb).is_ok());
    }

    #[test]
    fn problems_are_reported_at_their_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("svar.toml");
        let text = sample(dir.path())
            .replace(
                "age12tuwmz9tz3yx7fwr3mf739uyp26w3k8z0qhw246dugvvzz9j8gmsc5q479",
                "age1nonsense",
            )
            .replace("no_work_health_baseline", "no_such_battery")
            .replace("idle_seconds = 120", "idle_seconds = 3\npause_minutes = 0");
        let found = Config::from_text(&path, &text).unwrap_err();
        let codes: Vec<(&str, usize)> = found.iter().map(|d| (d.code, d.position.line)).collect();
        assert!(codes.contains(&("bad-recipient", 2)), "{codes:?}");
        assert!(codes.contains(&("unknown-battery", 14)), "{codes:?}");
        assert!(codes.contains(&("bad-range", 16)), "{codes:?}");
        assert!(codes.contains(&("bad-range", 17)), "{codes:?}");
        let pause = found.iter().find(|d| d.position.line == 17).unwrap();
        assert!(
            pause
                .message
                .contains("`pause_minutes` must be at least 1 minute"),
            "{pause}"
        );
    }

    #[test]
    fn the_example_configurations_recipient_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("svar.toml");
        let text = sample(dir.path()).replace(
            "age12tuwmz9tz3yx7fwr3mf739uyp26w3k8z0qhw246dugvvzz9j8gmsc5q479",
            EXAMPLE_RECIPIENT,
        );
        let found = Config::from_text(&path, &text).unwrap_err();
        let codes: Vec<(&str, usize)> = found.iter().map(|d| (d.code, d.position.line)).collect();
        assert_eq!(codes, vec![("example-recipient", 2)]);
    }

    #[test]
    fn the_demo_recipient_and_the_demo_device_key_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("svar.toml");
        let text = sample(dir.path()).replace(
            "age12tuwmz9tz3yx7fwr3mf739uyp26w3k8z0qhw246dugvvzz9j8gmsc5q479",
            &svar_bundle::demo_recipient().to_string(),
        );
        std::fs::remove_file(dir.path().join("device.key")).unwrap();
        std::fs::write(
            dir.path().join("device.key"),
            include_str!("../../../../assets/demo-keys/demo-device.key"),
        )
        .unwrap();
        let found = Config::from_text(&path, &text).unwrap_err();
        let codes: Vec<(&str, usize)> = found.iter().map(|d| (d.code, d.position.line)).collect();
        assert_eq!(
            codes,
            vec![("demo-recipient", 2), ("demo-device-key", 1)],
            "{found:?}"
        );
        std::fs::write(dir.path().join("device.key"), "not a key").unwrap();
        let found = Config::from_text(&path, &sample(dir.path())).unwrap_err();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].code, "bad-device-key");
        assert!(!found[0].message.contains("not a key"), "{found:?}");
    }

    #[test]
    fn the_store_key_may_not_live_in_the_data_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("svar.toml");
        let text = sample(dir.path()).replace(
            "device_key = \"device.key\"",
            "device_key = \"device.key\"\nstore_key = \"data/store.key\"",
        );
        let found = Config::from_text(&path, &text).unwrap_err();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            (found[0].code, found[0].position.line),
            ("store-key-in-data", 2)
        );
    }

    #[test]
    fn toml_syntax_errors_have_positions() {
        let found = Config::from_text(Path::new("svar.toml"), "[site\nid = 1").unwrap_err();
        assert_eq!(found[0].code, "toml");
        assert_eq!(found[0].position.line, 1);
    }
}
