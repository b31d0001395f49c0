//! `svar preview`: a form or battery file as a patient will meet it, loaded again whenever it
//! changes on disk, answered through a visit that keeps nothing, with what the admin's side
//! panel shows. Plain Rust: the window is [`crate::ui::preview`].

use crate::visit::{NotKept, Recorder, Visit};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use svar_bundle::{IdType, Meta, Patient, Timestamp};
use svar_forms::answer::Answer;
use svar_forms::battery::{Battery, Timepoint};
use svar_forms::diag::Diagnostic;
use svar_forms::form::{Form, ItemIx, ItemKind};
use svar_forms::library;
use svar_forms::session::{ItemState, Position, Session};
use svar_forms::text::Lang;

/// The file previewed, and the images folder named for it.
#[derive(Debug, Clone)]
pub struct Source {
    path: PathBuf,
    assets: Option<PathBuf>,
}

/// What the watched files held when last looked at: their bytes (form files are small), or
/// `None` for a file that could not be read.
type Fingerprint = Vec<(PathBuf, Option<Vec<u8>>)>;

impl Source {
    /// A form file, or a battery file (one in a `batteries` folder, using the forms beside it).
    pub fn new(path: &Path, assets: Option<&Path>) -> Source {
        Source {
            path: path.to_owned(),
            assets: assets.map(Path::to_owned),
        }
    }

    /// The file previewed.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn is_battery(&self) -> bool {
        library::is_battery_path(&self.path)
    }

    /// Loads the file as `svar validate` does: the battery it makes (a form alone is a battery
    /// of one), and every problem found, errors, warnings and notes.
    fn load(&self) -> (Option<Arc<Battery>>, Vec<Diagnostic>) {
        let loaded = library::load_paths(std::slice::from_ref(&self.path), self.assets.as_deref());
        let battery = if self.is_battery() {
            loaded.batteries.values().next().cloned().map(Arc::new)
        } else {
            loaded
                .forms
                .values()
                .next()
                .map(|form| Arc::new(Battery::of_form(Arc::clone(form))))
        };
        let battery = battery.filter(|_| !loaded.has_errors());
        (battery, loaded.diagnostics)
    }

    /// The files whose change reloads the preview: the file, and for a battery its forms.
    fn fingerprint(&self) -> Fingerprint {
        let mut files = vec![self.path.clone()];
        if self.is_battery()
            && let Some(forms) = self.path.parent().and_then(Path::parent)
            && let Ok(entries) = std::fs::read_dir(forms)
        {
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
                .collect();
            found.sort();
            files.extend(found);
        }
        files
            .into_iter()
            .map(|path| {
                let bytes = std::fs::read(&path).ok();
                (path, bytes)
            })
            .collect()
    }
}

/// The preview: the file as last loaded. The visit answering it is held by the window and
/// handed back on each reload, so that its answers carry over.
pub struct Preview {
    source: Source,
    seen: Fingerprint,
    /// Every problem of the file as last read.
    diagnostics: Vec<Diagnostic>,
    /// The battery of the last version that loaded.
    battery: Option<Arc<Battery>>,
    /// Whether the file as last read loads (else `battery` is of an earlier version).
    loads: bool,
    lang: Lang,
    /// The visit previewed: a battery then shows only the forms asked at it.
    visit: Option<Timepoint>,
}

impl Preview {
    /// Opens `source` in `lang` (or the battery's first language when it lacks `lang`), with
    /// a visit on it when it loads. With `visit`, a battery shows only the forms asked at that
    /// visit (a battery not used at it, or a single form, shows every form).
    pub fn open(source: Source, lang: Lang, visit: Option<Timepoint>) -> (Preview, Option<Visit>) {
        let mut preview = Preview {
            seen: Vec::new(),
            source,
            diagnostics: Vec::new(),
            battery: None,
            loads: false,
            lang,
            visit,
        };
        let visit = preview.reload(None);
        (preview, visit)
    }

    /// Whether the file (or, for a battery, a form beside it) changed on disk since last read.
    pub fn changed(&self) -> bool {
        self.source.fingerprint() != self.seen
    }

    /// Reads the file again. When it loads, a new visit starts on it with every answer of
    /// `old` whose form and item still exist (and still accept it), where the patient was;
    /// when it does not, `old` is given back, and the problems say why.
    pub fn reload(&mut self, old: Option<Visit>) -> Option<Visit> {
        self.seen = self.source.fingerprint();
        let (battery, diagnostics) = self.source.load();
        self.diagnostics = diagnostics;
        self.loads = battery.is_some();
        if battery.is_none() {
            return old;
        }
        self.battery = battery;
        if let Some(old) = &old {
            self.lang = old.session().lang();
        }
        let mut visit = self.start()?;
        if let Some(old) = old {
            carry_over(old.session(), &mut visit, &mut NotKept);
        }
        Some(visit)
    }

    /// A visit from the beginning, with no answers, on the last version that loaded.
    pub fn start(&self) -> Option<Visit> {
        let battery = Arc::clone(self.battery.as_ref()?);
        let lang = if battery.languages.contains(&self.lang) {
            self.lang
        } else {
            battery.languages.first().copied().unwrap_or(self.lang)
        };
        let meta = Meta {
            bundle_id: uuid::Uuid::now_v7(),
            site: "preview".into(),
            kiosk: "preview".into(),
            patient: Patient {
                id: "preview".into(),
                id_type: IdType::Study,
            },
            timepoint: self.visit.filter(|tp| battery.timepoints.contains(tp)),
            arm: None,
            consent: None,
            started: Timestamp::now(),
        };
        // The preview's recorder never fails.
        Visit::start(&mut NotKept, battery, lang, meta, None).ok()
    }

    /// The file previewed.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Every problem of the file as last read (errors, warnings, notes).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Whether the file as last read loads; when not, the visit is of the last version that did.
    pub fn loads(&self) -> bool {
        self.loads
    }
}

/// Gives `visit` every answer of `old` whose form (by id) and item (by id) still exist and
/// that the new form still accepts, in the order conditions need them, then puts the patient
/// where they were (or the nearest screen that still exists).
fn carry_over(old: &Session, visit: &mut Visit, rec: &mut dyn Recorder) {
    let battery = visit.session().battery().clone();
    for (of, member) in old.battery().forms.iter().enumerate() {
        let Some(nf) = battery
            .forms
            .iter()
            .position(|m| m.form.id == member.form.id)
        else {
            continue;
        };
        let new_form = Arc::clone(&battery.forms[nf].form);
        let answers = old.answers(of);
        for &ix in member.form.visibility_order() {
            let (Some(answer), Some(new_ix)) = (
                answers.response(ix),
                new_form.item_ix(member.form.item(ix).id.as_str()),
            ) else {
                continue;
            };
            visit.answer(rec, nf, new_ix, Some(answer.clone()));
        }
    }
    visit.resume_at(rec, same_place(old, visit.session()));
}

/// Where `old`'s patient is, in `new`: the screen that now shows the question they were at,
/// else the same position by number (which the session moves to the nearest that exists).
fn same_place(old: &Session, new: &Session) -> Position {
    let Some((form, screen)) = old.current_screen() else {
        return old.position();
    };
    let form_id = &old.form(form).id;
    let found = screen.items.first().and_then(|&ix| {
        let item_id = old.form(form).item(ix).id.as_str();
        let nf = (0..new.battery().forms.len()).find(|&f| new.form(f).id == *form_id)?;
        let nix = new.form(nf).item_ix(item_id)?;
        let at = new
            .screens(nf)
            .iter()
            .position(|s| s.items.contains(&nix))?;
        Some(Position::Screen {
            form: nf,
            screen: at,
        })
    });
    found.unwrap_or_else(|| old.position())
}

/// One form in the side panel.
#[derive(Debug, Clone, PartialEq)]
pub struct FormPanel {
    /// The form's title in the language shown.
    pub title: String,
    /// Its scores for the answers so far.
    pub scores: Vec<ScoreLine>,
    /// Clinician flags the answers raise, by label.
    pub flags: Vec<String>,
    /// Its questions, with how they may be answered and what became of them.
    pub items: Vec<ItemLine>,
}

/// One score in the side panel.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreLine {
    /// Score id.
    pub id: String,
    /// Its label in the language shown.
    pub label: String,
    /// The value; `None` while its missing-data rule is not met.
    pub value: Option<f64>,
    /// The band's label, when there is a value and bands.
    pub band: Option<String>,
    /// The band's flag for the clinician.
    pub flag: svar_forms::form::Severity,
    /// Whether every value it can take is a whole number.
    pub whole: bool,
}

/// How a question may be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Must be answered (or declined, where that is offered) to finish.
    Required,
    /// May be left out.
    Optional,
}

/// One question in the side panel.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemLine {
    /// Item id.
    pub id: String,
    /// Required or optional.
    pub need: Need,
    /// Whether "I prefer not to answer" is offered.
    pub declinable: bool,
    /// Answered, declined, left, not reached yet or hidden by a condition.
    pub state: ItemState,
    /// The answer's value as scored (a choice's value, a number, a date), for checking a
    /// score by hand; `None` when unanswered or not a value (a text, a drawing).
    pub answer: Option<String>,
}

/// An answer as the panel shows it: the value scoring reads (a choice's or a number's value,
/// chosen regions); not free text, a date or a drawing. The preview's answers are the admin's
/// own trial, never a patient's: a preview keeps and sends nothing.
fn shown_value(answer: &Answer) -> Option<String> {
    match answer {
        Answer::Choices(values) => Some(
            values
                .iter()
                .map(|v| svar_forms::answer::fmt_num(*v))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Answer::Regions(regions) => Some(regions.join(", ")),
        Answer::Number(v) => Some(svar_forms::answer::fmt_num(*v)),
        _ => None,
    }
}

/// What the side panel shows of a session.
pub fn panel(session: &Session) -> Vec<FormPanel> {
    let lang = session.lang();
    (0..session.battery().forms.len())
        .map(|f| {
            let member = &session.battery().forms[f];
            let form: &Form = &member.form;
            let report = svar_forms::score::score(form, session.answers(f), &member.overrides);
            let scores = form
                .scores
                .iter()
                .zip(&report.scores)
                .enumerate()
                .map(|(n, (score, result))| {
                    let bands = member.bands(svar_forms::form::ScoreIx(n));
                    ScoreLine {
                        id: score.id.to_string(),
                        label: score.label.get(lang).to_owned(),
                        value: result.value,
                        band: result.band.as_ref().and_then(|b| {
                            bands
                                .iter()
                                .find(|band| band.id == *b)
                                .map(|band| band.label.get(lang).to_owned())
                        }),
                        flag: result.severity,
                        whole: score.whole,
                    }
                })
                .collect();
            let flags = form
                .flags
                .iter()
                .filter(|flag| report.flags.contains(&flag.id))
                .map(|flag| flag.label.get(lang).to_owned())
                .collect();
            let states = session.item_states(f);
            let items = form
                .items
                .iter()
                .enumerate()
                .filter(|(_, item)| !matches!(item.kind, ItemKind::Info { .. }))
                .filter_map(|(i, item)| {
                    Some(ItemLine {
                        id: item.id.to_string(),
                        need: if item.required {
                            Need::Required
                        } else {
                            Need::Optional
                        },
                        declinable: item.allow_decline,
                        state: states.get(i).copied().flatten()?,
                        answer: session.answers(f).get(ItemIx(i)).and_then(shown_value),
                    })
                })
                .collect();
            FormPanel {
                title: form.title.get(lang).to_owned(),
                scores,
                flags,
                items,
            }
        })
        .collect()
}
