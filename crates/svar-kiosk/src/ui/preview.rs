//! The `svar preview` window: the previewed file's screens exactly as a patient meets them at
//! the kiosk, beside a panel for the admin with the live scores, bands and flags, how each
//! question may be answered and what became of it, and the file's problems. The file is read
//! again twice a second; nothing is stored and nothing sealed.

use super::bars::Bars;
use super::patient::{PatientScreen, Step};
use super::screen::Look;
use super::screens::{patient_ui, title_and_body_ui};
use super::theme::{self, Tokens};
use super::view::{Images, Texts};
use super::widgets::{Tile, text};
use super::{Intent, screens};
use crate::i18n::{self, Arg, Strings};
use crate::preview::{FormPanel, Need, Preview};
use crate::visit::NotKept;
use egui::{Frame, ScrollArea, Ui};
use std::path::PathBuf;
use svar_forms::diag::{Diagnostic, Severity as Level};
use svar_forms::form::Severity;
use svar_forms::session::ItemState;
use svar_forms::text::Lang;

/// How often the file is looked at for changes, in seconds.
const POLL_SECONDS: f64 = 0.5;

/// What the central part of the window shows.
enum Shown {
    /// The patient's screens of the visit.
    Answering(Box<PatientScreen>),
    /// The patient handed in; the preview offers to start again.
    Finished,
    /// No version of the file has loaded yet: the problems say why.
    NotLoaded,
}

/// The preview window's state.
pub struct PreviewApp {
    preview: Preview,
    shown: Shown,
    strings: Strings,
    look: Look,
    images: Images,
    applied: Option<Tokens>,
    next_poll: f64,
}

impl PreviewApp {
    /// A preview of `preview`'s file, opened on the visit it started (if the file loaded).
    pub fn new(
        ctx: &egui::Context,
        (preview, visit): (Preview, Option<crate::visit::Visit>),
        strings: Strings,
        assets: PathBuf,
    ) -> PreviewApp {
        theme::install_fonts(ctx);
        ctx.options_mut(|o| o.input_options.surrender_focus_on = egui::SurrenderFocusOn::Never);
        let lang = visit.as_ref().map_or(Lang::Nb, |v| v.session().lang());
        let mut app = PreviewApp {
            preview,
            shown: Shown::NotLoaded,
            strings,
            look: Look::new(lang),
            images: Images::new(assets),
            applied: None,
            next_poll: 0.0,
        };
        app.show(visit);
        let t = app.tokens();
        t.apply(ctx);
        app.applied = Some(t);
        app
    }

    /// The preview (for tests: its file, problems and the panel's content).
    pub fn preview(&self) -> &Preview {
        &self.preview
    }

    /// What the side panel shows now.
    pub fn panel(&self) -> Vec<FormPanel> {
        match &self.shown {
            Shown::Answering(p) => crate::preview::panel(p.session()),
            Shown::Finished | Shown::NotLoaded => Vec::new(),
        }
    }

    /// Reads the file again now if it changed (the window does this twice a second).
    pub fn reload_if_changed(&mut self) -> bool {
        if !self.preview.changed() {
            return false;
        }
        let old = match std::mem::replace(&mut self.shown, Shown::NotLoaded) {
            Shown::Answering(p) => Some(p.visit),
            Shown::Finished | Shown::NotLoaded => None,
        };
        let visit = self.preview.reload(old);
        self.show(visit);
        true
    }

    fn show(&mut self, visit: Option<crate::visit::Visit>) {
        self.shown = match visit {
            Some(visit) => {
                self.look.lang = visit.session().lang();
                Shown::Answering(Box::new(PatientScreen::new(visit, Step::Answering)))
            }
            None => Shown::NotLoaded,
        };
    }

    fn tokens(&self) -> Tokens {
        Tokens::new(self.look.text_size, self.look.high_contrast)
    }

    /// Draws one frame and applies what was tapped.
    pub fn frame(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        let now = ctx.input(|i| i.time);
        if now >= self.next_poll {
            self.next_poll = now + POLL_SECONDS;
            self.reload_if_changed();
        }
        ctx.request_repaint_after(std::time::Duration::from_secs_f64(POLL_SECONDS));
        if let Shown::Answering(p) = &mut self.shown {
            p.tick(&mut NotKept, now);
        }
        let t = self.tokens();
        if self.applied != Some(t) {
            t.apply(&ctx);
            self.applied = Some(t);
            ui.set_style(ctx.global_style());
        }
        let texts = Texts::new(&self.strings, self.look.lang);
        let mut restart = panel_ui(ui, &t, texts, &self.preview, &self.panel());
        let mut intents = Vec::new();
        match &mut self.shown {
            Shown::Answering(p) => {
                let bars = Bars {
                    look: self.look,
                    clinic: "",
                    unsaved: false,
                    clock_offset: 0.0,
                };
                intents = patient_ui(ui, &t, texts, &mut self.images, bars, p);
            }
            Shown::Finished => {
                restart |= message_ui(ui, &t, &texts.tr("preview-finished"), Some(texts));
            }
            Shown::NotLoaded => {
                message_ui(ui, &t, &texts.tr("preview-never-loaded"), None);
            }
        }
        for intent in intents {
            self.apply(intent, now);
        }
        if restart {
            let visit = self.preview.start();
            self.show(visit);
        }
    }

    fn apply(&mut self, intent: Intent, now: f64) {
        let Shown::Answering(p) = &mut self.shown else {
            return;
        };
        match intent {
            Intent::PickLanguage(lang) => {
                self.look.lang = lang;
                p.pick_language(&mut NotKept, lang);
            }
            Intent::CycleTextSize => self.look.text_size = self.look.text_size.next(),
            Intent::ToggleContrast => self.look.high_contrast = !self.look.high_contrast,
            Intent::ConfirmFinish => {
                if p.visit.confirm_finish(&mut NotKept).is_ok() {
                    self.shown = Shown::Finished;
                }
            }
            // Staff, the demo and the idle time-out are the kiosk's, not the preview's.
            Intent::StartDemo | Intent::AskStaff | Intent::StillHere | Intent::Staff(_) => {}
            patient => {
                let texts = Texts::new(&self.strings, self.look.lang);
                p.apply(patient, &mut NotKept, texts, now);
            }
        }
    }
}

/// The admin's panel at the window's right: the file's state and problems, then per form the
/// scores, flags and questions. Returns whether "Start again" was tapped.
fn panel_ui(ui: &mut Ui, t: &Tokens, texts: Texts, preview: &Preview, forms: &[FormPanel]) -> bool {
    let p = t.palette;
    let mut restart = false;
    egui::Panel::right("preview_panel")
        .exact_size(t.panel)
        .resizable(false)
        .frame(Frame::new().fill(p.surface).inner_margin(t.bar_margin))
        .show(ui, |ui| {
            ScrollArea::vertical()
                .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysVisible)
                .show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    text(
                        ui,
                        &preview.source().path().display().to_string(),
                        t.font(t.small),
                        p.muted,
                    );
                    let problems = preview.diagnostics();
                    let errors = problems
                        .iter()
                        .filter(|d| d.severity == Level::Error)
                        .count();
                    if preview.loads() {
                        text(ui, &texts.tr("preview-loads"), t.font(t.small), p.text);
                    } else {
                        let count = [("count", Arg::Num(errors as f64))];
                        text(
                            ui,
                            &texts.args("preview-broken", &count),
                            t.bold(t.small),
                            p.warning,
                        );
                        if !forms.is_empty() {
                            text(
                                ui,
                                &texts.tr("preview-showing-last"),
                                t.font(t.small),
                                p.warning,
                            );
                        }
                    }
                    if !forms.is_empty()
                        && Tile::new(&texts.tr("preview-restart"), ui.available_width())
                            .show(ui, t)
                            .clicked()
                    {
                        restart = true;
                    }
                    heading(ui, t, &texts.tr("preview-problems"));
                    if problems.is_empty() {
                        text(
                            ui,
                            &texts.tr("preview-no-problems"),
                            t.font(t.small),
                            p.text,
                        );
                    }
                    for d in problems {
                        problem_ui(ui, t, d);
                    }
                    for form in forms {
                        form_ui(ui, t, texts, form);
                    }
                });
        });
    restart
}

fn heading(ui: &mut Ui, t: &Tokens, title: &str) {
    ui.add_space(t.gap);
    text(ui, title, t.bold(t.body), t.palette.text);
}

/// One problem: where, how serious, and what to do.
fn problem_ui(ui: &mut Ui, t: &Tokens, d: &Diagnostic) {
    let p = t.palette;
    let (level, colour) = match d.severity {
        Level::Error => ("error", p.warning),
        Level::Warning => ("warning", p.warning),
        Level::Note => ("note", p.muted),
    };
    let line = format!(
        "{}:{}: {level}[{}]: {}",
        d.position.line, d.position.column, d.code, d.message
    );
    text(ui, &line, t.font(t.small), colour);
}

/// One form's scores, flags and questions.
fn form_ui(ui: &mut Ui, t: &Tokens, texts: Texts, form: &FormPanel) {
    let p = t.palette;
    heading(ui, t, &form.title);
    text(ui, &texts.tr("preview-scores"), t.bold(t.small), p.text);
    for score in &form.scores {
        let value = score.value.map_or_else(
            || texts.tr("preview-no-value"),
            // As staff see it: a score that can have a fraction always shows two decimals.
            |v| i18n::number(texts.lang, v, if score.whole { 0 } else { 2 }),
        );
        let band = score
            .band
            .as_ref()
            .map(|b| format!(" – {b}"))
            .unwrap_or_default();
        let flag = match score.flag {
            Severity::None => String::new(),
            Severity::Attention => format!(" ({})", texts.tr("preview-flag-attention")),
            Severity::Alert => format!(" ({})", texts.tr("preview-flag-alert")),
        };
        let colour = if score.flag == Severity::None {
            p.text
        } else {
            p.warning
        };
        text(
            ui,
            &format!("{}: {value}{band}{flag}", score.label),
            t.font(t.small),
            colour,
        );
    }
    text(
        ui,
        &texts.tr("preview-flags-raised"),
        t.bold(t.small),
        p.text,
    );
    if form.flags.is_empty() {
        text(ui, &texts.tr("preview-no-flags"), t.font(t.small), p.text);
    }
    for flag in &form.flags {
        text(ui, flag, t.font(t.small), p.warning);
    }
    text(ui, &texts.tr("preview-questions"), t.bold(t.small), p.text);
    for item in &form.items {
        let need = texts.tr(match item.need {
            Need::Required => "preview-required",
            Need::Optional => "preview-optional",
        });
        let decline = if item.declinable {
            format!(", {}", texts.tr("preview-declinable"))
        } else {
            String::new()
        };
        let state = texts.tr(match item.state {
            ItemState::Answered => "preview-state-answered",
            ItemState::Declined => "preview-state-declined",
            ItemState::Unanswered => "preview-state-unanswered",
            ItemState::NotReached => "preview-state-not-reached",
            ItemState::NotShown => "preview-state-hidden",
        });
        let answer = item
            .answer
            .as_ref()
            .map(|a| format!(" {a}"))
            .unwrap_or_default();
        text(
            ui,
            &format!("{} ({need}{decline}): {state}{answer}", item.id),
            t.font(t.small),
            p.text,
        );
    }
}

/// A message in the central part of the window, with "Start again" under it when `restart`
/// texts are given; returns whether it was tapped.
fn message_ui(ui: &mut Ui, t: &Tokens, message: &str, restart: Option<Texts>) -> bool {
    let mut tapped = false;
    egui::CentralPanel::default()
        .frame(
            Frame::new()
                .fill(t.palette.background)
                .inner_margin(t.content_margin),
        )
        .show(ui, |ui| {
            screens::column_ui(ui, t, |ui| {
                ui.add_space(t.pad * 2.0);
                title_and_body_ui(ui, t, "Svar", message);
                if let Some(texts) = restart {
                    ui.add_space(t.pad);
                    tapped = Tile::new(&texts.tr("preview-restart"), t.button)
                        .primary(true)
                        .show(ui, t)
                        .clicked();
                }
            });
        });
    tapped
}

/// The eframe app around [`PreviewApp`].
pub struct PreviewWindow(pub PreviewApp);

impl eframe::App for PreviewWindow {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.0.frame(ui);
    }
}

/// Opens the preview in a normal window titled with the file's name.
pub fn run(
    opened: (Preview, Option<crate::visit::Visit>),
    strings: Strings,
    assets: PathBuf,
) -> Result<(), super::WindowError> {
    let name = opened
        .0
        .source()
        .path()
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let lang = opened.1.as_ref().map_or(Lang::En, |v| v.session().lang());
    let title = strings.args(lang, "preview-window-title", &[("form", Arg::Text(name))]);
    let viewport = egui::ViewportBuilder::default()
        .with_inner_size([1600.0, 900.0])
        .with_title(title);
    eframe::run_native(
        "Svar preview",
        super::window::options(viewport)?,
        Box::new(move |cc| {
            Ok(Box::new(PreviewWindow(PreviewApp::new(
                &cc.egui_ctx,
                opened,
                strings,
                assets,
            ))))
        }),
    )?;
    Ok(())
}
