//! The screens around the questions: welcome, language, form intro, review, finish, thanks,
//! the idle warning, and the header and navigation bars.

use super::question::question_ui;
use super::theme::Tokens;
use super::widgets::{Mark, Tile, text, tile_width};
use super::{Intent, Kiosk, Stage};
use crate::i18n::Arg;
use crate::idle::IdleState;
use egui::{Frame, ScrollArea, Ui};
use svar_forms::session::Position;
use svar_forms::text::Lang;

/// Each language named in itself, as patients look for their own.
pub fn endonym(lang: Lang) -> &'static str {
    match lang {
        Lang::Nb => "Norsk (bokmål)",
        Lang::Nn => "Norsk (nynorsk)",
        Lang::Da => "Dansk",
        Lang::En => "English",
    }
}

/// The whole kiosk screen.
pub fn kiosk_ui(ui: &mut Ui, t: &Tokens, k: &mut Kiosk, idle: IdleState, out: &mut Vec<Intent>) {
    let p = t.palette;
    let position = k.session().map(|s| s.position());
    if k.config.demo {
        egui::Panel::top("ribbon")
            .frame(Frame::new().fill(p.ribbon).inner_margin(t.ribbon_margin))
            .show(ui, |ui| {
                let ribbon = match &k.config.staff.demo_pin {
                    Some(pin) => k.strings.args(
                        k.lang(),
                        "demo-ribbon-pin",
                        &[("pin", Arg::Text(pin.clone()))],
                    ),
                    None => k.tr("demo-ribbon"),
                };
                ui.vertical_centered(|ui| text(ui, &ribbon, t.bold(t.small), p.on_ribbon));
            });
    }
    let in_session = matches!(k.stage, Stage::Language | Stage::Session);
    if in_session {
        egui::Panel::top("header")
            .frame(Frame::new().fill(p.surface).inner_margin(t.bar_margin))
            .show(ui, |ui| {
                header_ui(ui, t, k, out);
                if k.unsaved() {
                    text(ui, &k.tr("session-not-saved"), t.bold(t.body), p.warning);
                }
            });
    }
    let nav = matches!(
        position,
        Some(Position::Intro { .. } | Position::Screen { .. } | Position::Review)
    ) && k.stage == Stage::Session;
    if nav {
        egui::Panel::bottom("nav")
            .frame(Frame::new().fill(p.surface).inner_margin(t.bar_margin))
            .show(ui, |ui| nav_ui(ui, t, k, out));
    }
    egui::CentralPanel::default()
        .frame(
            Frame::new()
                .fill(p.background)
                .inner_margin(t.content_margin),
        )
        .show(ui, |ui| {
            ScrollArea::vertical()
                .scroll_source(egui::containers::scroll_area::ScrollSource::ALL)
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    let width = ui.available_width().min(t.column);
                    ui.vertical_centered(|ui| {
                        ui.set_max_width(width);
                        ui.with_layout(egui::Layout::top_down(egui::Align::Min), |ui| {
                            match (k.stage, position) {
                                (Stage::Welcome, _) => welcome_ui(ui, t, k, out),
                                (Stage::Staff(page), _) => {
                                    super::staff::staff_ui(ui, t, k, page, out)
                                }
                                (Stage::Thanks { .. }, _) => thanks_ui(ui, t, k),
                                (Stage::Language, _) => language_ui(ui, t, k, out),
                                (Stage::Session, Some(Position::Intro { form })) => {
                                    intro_ui(ui, t, k, form)
                                }
                                (Stage::Session, Some(Position::Screen { .. })) => {
                                    question_ui(ui, t, k, out)
                                }
                                (Stage::Session, Some(Position::Review)) => {
                                    review_ui(ui, t, k, out)
                                }
                                (Stage::Session, Some(Position::Finish)) => {
                                    finish_ui(ui, t, k, out)
                                }
                                (Stage::Session, _) => {}
                            }
                        });
                    });
                });
        });
    if k.turn.picker_open && in_session {
        modal_ui(ui, t, "languages", |ui| {
            title_ui(ui, t, &k.tr("language-title"));
            language_tiles_ui(ui, t, k.lang(), out);
        });
    }
    if let IdleState::Warning { seconds_left } = idle {
        modal_ui(ui, t, "idle", |ui| {
            title_ui(ui, t, &k.tr("idle-title"));
            let body = k.strings.args(
                k.lang(),
                "idle-body",
                &[("seconds", Arg::Num(f64::from(seconds_left)))],
            );
            text(ui, &body, t.font(t.question), p.text);
            ui.add_space(t.gap);
            if Tile::new(&k.tr("idle-continue"), ui.available_width())
                .primary(true)
                .show(ui, t)
                .clicked()
            {
                out.push(Intent::StillHere);
            }
        });
    }
}

fn modal_ui(ui: &mut Ui, t: &Tokens, id: &str, content: impl FnOnce(&mut Ui)) {
    let width = (ui.ctx().content_rect().width() - 2.0 * t.margin).min(t.column);
    egui::Modal::new(egui::Id::unique(id))
        .backdrop_color(t.palette.backdrop)
        .frame(
            Frame::new()
                .fill(t.palette.surface)
                .corner_radius(t.corner())
                .inner_margin(t.dialog_margin),
        )
        .show(ui.ctx(), |ui| {
            ui.set_width(width);
            content(ui);
        });
}

/// A screen title.
pub fn title_ui(ui: &mut Ui, t: &Tokens, title: &str) {
    text(ui, title, t.bold(t.title), t.palette.text);
    ui.add_space(t.gap);
}

fn header_ui(ui: &mut Ui, t: &Tokens, k: &Kiosk, out: &mut Vec<Intent>) {
    let p = t.palette;
    ui.horizontal(|ui| {
        let progress = k
            .session()
            .filter(|_| k.stage == Stage::Session)
            .map(|s| s.progress());
        let on_question =
            k.session()
                .and_then(|s| s.current_screen())
                .is_some_and(|(f, screen)| {
                    let form = k.session().map(|s| s.form(f));
                    screen.items.iter().any(|ix| {
                        form.is_some_and(|form| {
                            !matches!(form.item(*ix).kind, svar_forms::form::ItemKind::Info { .. })
                        })
                    })
                });
        let label = match (progress, k.session().map(|s| s.position())) {
            (Some(pr), Some(Position::Screen { .. })) if on_question => k.strings.args(
                k.lang(),
                "progress-question",
                &[
                    ("current", Arg::Num(pr.question as f64)),
                    ("total", Arg::Num(pr.questions as f64)),
                ],
            ),
            (Some(pr), Some(Position::Intro { .. } | Position::Screen { .. })) => k.strings.args(
                k.lang(),
                "progress-form",
                &[
                    ("current", Arg::Num(pr.form as f64)),
                    ("total", Arg::Num(pr.forms as f64)),
                ],
            ),
            _ => k.config.clinic.clone(),
        };
        text(ui, &label, t.bold(t.body), p.text);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let w = t.header_button.min(tile_width(ui, t, 4));
            let contrast = if k.turn.high_contrast {
                "header-contrast-on"
            } else {
                "header-contrast-off"
            };
            if Tile::new(&k.tr("header-contrast"), w)
                .name(Some(&k.tr(contrast)))
                .mark(Mark::Plain(k.turn.high_contrast))
                .show(ui, t)
                .clicked()
            {
                out.push(Intent::ToggleContrast);
            }
            let size_label = format!("{}: {}", k.tr("header-text-size"), k.text_size_label());
            if Tile::new(&k.tr(k.turn.text_size.message()), w)
                .name(Some(&size_label))
                .show(ui, t)
                .clicked()
            {
                out.push(Intent::CycleTextSize);
            }
            let lang_label = format!("{}: {}", k.tr("header-language"), endonym(k.lang()));
            if Tile::new(endonym(k.lang()), w)
                .name(Some(&lang_label))
                .show(ui, t)
                .clicked()
            {
                out.push(Intent::OpenLanguages);
            }
        });
    });
    if let Some(pr) = k
        .session()
        .filter(|_| k.stage == Stage::Session)
        .map(|s| s.progress())
    {
        let (rect, _) = ui.allocate_exact_size(
            egui::vec2(ui.available_width(), t.progress),
            egui::Sense::hover(),
        );
        ui.painter()
            .rect_filled(rect, t.progress / 2.0, p.background);
        let mut done = rect;
        done.set_width(rect.width() * pr.fraction);
        ui.painter().rect_filled(done, t.progress / 2.0, p.accent);
    }
}

impl Kiosk {
    fn text_size_label(&self) -> String {
        self.tr(self.turn.text_size.message())
    }
}

fn nav_ui(ui: &mut Ui, t: &Tokens, k: &Kiosk, out: &mut Vec<Intent>) {
    let w = t.button.min(tile_width(ui, t, 2));
    let next_label = match k.session().map(|s| s.position()) {
        Some(Position::Intro { .. }) => k.tr("intro-start"),
        Some(Position::Review) => k.tr("review-finish"),
        _ => k.tr("nav-next"),
    };
    let next_enabled = match k.session().map(|s| s.position()) {
        Some(Position::Review) => k.session().is_some_and(|s| s.missing().is_empty()),
        _ => true,
    };
    ui.horizontal(|ui| {
        if Tile::new(&k.tr("nav-back"), w).show(ui, t).clicked() {
            out.push(Intent::Back);
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if next_enabled
                && Tile::new(&next_label, w)
                    .primary(true)
                    .show(ui, t)
                    .clicked()
            {
                out.push(
                    if matches!(k.session().map(|s| s.position()), Some(Position::Review)) {
                        Intent::Finish
                    } else {
                        Intent::Next
                    },
                );
            }
        });
    });
}

fn welcome_ui(ui: &mut Ui, t: &Tokens, k: &mut Kiosk, out: &mut Vec<Intent>) {
    ui.add_space(t.pad * 2.0);
    let logo = k.image(ui.ctx(), std::path::Path::new("logo.png"));
    ui.vertical_centered(|ui| {
        if let Some((texture, (w, h))) = logo {
            let height = t.logo;
            ui.add(
                egui::Image::new(&texture)
                    .fit_to_exact_size(egui::vec2(height * w as f32 / h as f32, height)),
            );
            ui.add_space(t.gap);
        }
        text(ui, &k.config.clinic, t.bold(t.title), t.palette.text);
        ui.add_space(t.pad);
        text(
            ui,
            &k.tr("welcome-title"),
            t.bold(t.question),
            t.palette.text,
        );
        ui.add_space(t.gap);
        if k.config.demo {
            if Tile::new(
                &k.tr("welcome-start-demo"),
                t.button_wide.min(ui.available_width()),
            )
            .primary(true)
            .show(ui, t)
            .clicked()
            {
                out.push(Intent::StartDemo);
            }
        } else {
            text(
                ui,
                &k.tr("welcome-ask-staff"),
                t.font(t.question),
                t.palette.muted,
            );
        }
    });
    // Small and out of the way, so a patient does not open it by chance; the PIN guards it.
    ui.add_space(t.pad * 4.0);
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
        if Tile::new(&k.tr("staff-open"), t.button_small)
            .show(ui, t)
            .clicked()
        {
            out.push(Intent::Staff(super::staff::StaffIntent::OpenPin));
        }
        // Says only that something waits, never what: the patient may be reading.
        if !k.waiting().is_empty() || k.problem().is_some() || k.unsaved() {
            text(
                ui,
                &k.tr("welcome-staff-attention"),
                t.font(t.small),
                t.palette.warning,
            );
        }
    });
}

fn language_tiles_ui(ui: &mut Ui, t: &Tokens, current: Lang, out: &mut Vec<Intent>) {
    let w = tile_width(ui, t, 2);
    for pair in Lang::ALL.chunks(2) {
        ui.horizontal(|ui| {
            for lang in pair {
                if Tile::new(endonym(*lang), w)
                    .mark(Mark::Radio(*lang == current))
                    .show(ui, t)
                    .clicked()
                {
                    out.push(Intent::PickLanguage(*lang));
                }
            }
        });
    }
}

fn language_ui(ui: &mut Ui, t: &Tokens, k: &Kiosk, out: &mut Vec<Intent>) {
    title_ui(ui, t, &k.tr("language-title"));
    language_tiles_ui(ui, t, k.lang(), out);
    ui.add_space(t.gap);
    text(ui, &k.tr("language-hint"), t.font(t.body), t.palette.muted);
}

fn intro_ui(ui: &mut Ui, t: &Tokens, k: &Kiosk, form: usize) {
    let Some(s) = k.session() else { return };
    let f = s.form(form);
    title_ui(ui, t, f.title.get(k.lang()));
    let count: usize = s
        .screens(form)
        .iter()
        .map(|sc| {
            sc.items
                .iter()
                .filter(|ix| !matches!(f.item(**ix).kind, svar_forms::form::ItemKind::Info { .. }))
                .count()
        })
        .sum();
    let body = k.strings.args(
        k.lang(),
        "intro-questions",
        &[("count", Arg::Num(count as f64))],
    );
    text(ui, &body, t.font(t.question), t.palette.text);
}

fn review_ui(ui: &mut Ui, t: &Tokens, k: &Kiosk, out: &mut Vec<Intent>) {
    let Some(s) = k.session() else { return };
    title_ui(ui, t, &k.tr("review-title"));
    let missing = s.missing();
    if missing.is_empty() {
        text(
            ui,
            &k.tr("review-complete"),
            t.font(t.question),
            t.palette.text,
        );
        return;
    }
    let body = k.strings.args(
        k.lang(),
        "review-missing",
        &[("count", Arg::Num(missing.len() as f64))],
    );
    text(ui, &body, t.font(t.question), t.palette.warning);
    ui.add_space(t.gap);
    let width = ui.available_width();
    for m in missing {
        let question = s.form(m.form).item(m.item).text.get(k.lang());
        let label = k.strings.args(
            k.lang(),
            "review-go-to",
            &[("question", Arg::Text(question.to_owned()))],
        );
        if Tile::new(&label, width).show(ui, t).clicked() {
            out.push(Intent::GoTo(m.form, m.item));
        }
    }
}

fn finish_ui(ui: &mut Ui, t: &Tokens, k: &Kiosk, out: &mut Vec<Intent>) {
    title_ui(ui, t, &k.tr("finish-title"));
    text(ui, &k.tr("finish-body"), t.font(t.question), t.palette.text);
    ui.add_space(t.pad);
    let w = tile_width(ui, t, 2);
    ui.horizontal(|ui| {
        if Tile::new(&k.tr("finish-cancel"), w).show(ui, t).clicked() {
            out.push(Intent::CancelFinish);
        }
        if Tile::new(&k.tr("finish-confirm"), w)
            .primary(true)
            .show(ui, t)
            .clicked()
        {
            out.push(Intent::ConfirmFinish);
        }
    });
}

fn thanks_ui(ui: &mut Ui, t: &Tokens, k: &Kiosk) {
    ui.add_space(t.pad * 3.0);
    ui.vertical_centered(|ui| {
        text(ui, &k.tr("thanks-title"), t.bold(t.title), t.palette.text);
        ui.add_space(t.gap);
        text(ui, &k.tr("thanks-body"), t.font(t.question), t.palette.text);
    });
}
