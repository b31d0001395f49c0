//! The screens around the questions: welcome, language, form intro, review, finish, paused,
//! thanks, and the unanswered-questions and idle prompts (the bars are in `bars`). Each view
//! draws what it is given and returns what was tapped.

use super::bars::{Bars, header_ui, nav_ui};
use super::patient::{PatientScreen, Step};
use super::question::question_ui;
use super::screen::{PauseReason, PausedScreen, Screen};
use super::theme::Tokens;
use super::view::{Images, Texts};
use super::widgets::{Mark, Tile, text, tile_width};
use super::{Intent, Kiosk, staff};
use crate::i18n::Arg;
use crate::idle::IdleState;
use egui::{Frame, ScrollArea, Ui};
use svar_forms::session::{Position, Session};
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

/// Message `id` in each of `languages` but the one shown, leaving out any that reads the same
/// as one already given (bokmål and Danish often agree).
fn in_other_languages(texts: Texts, languages: &[Lang], id: &str) -> Vec<String> {
    let mut seen = vec![texts.tr(id)];
    for lang in languages.iter().filter(|l| **l != texts.lang) {
        let line = Texts::new(texts.strings(), *lang).tr(id);
        if !seen.contains(&line) {
            seen.push(line);
        }
    }
    seen.split_off(1)
}

/// What the welcome screen shows.
struct Welcome<'a> {
    clinic: &'a str,
    /// The languages of the battery a patient will answer, the kiosk's own first: the
    /// welcome speaks all of them, as patients are not asked their language yet.
    languages: &'a [Lang],
    /// Demo mode: a start button instead of "ask staff".
    demo: bool,
}

/// The whole kiosk screen: the kiosk's parts handed to the view of the screen shown.
pub fn kiosk_ui(ui: &mut Ui, t: &Tokens, k: &mut Kiosk, idle: IdleState) -> Vec<Intent> {
    let mut out = Vec::new();
    let unsaved = k.unsaved();
    let attention = !k.waiting.is_empty() || k.problem.is_some() || unsaved;
    let locked = k.lock.seconds_left(k.wall_now());
    let texts = Texts::new(&k.strings, k.look.lang);
    if k.config.demo {
        ribbon_ui(ui, t, texts, k.config.staff.demo_pin.as_deref());
    }
    match &mut k.screen {
        Screen::Patient(p) => {
            let bars = Bars {
                look: k.look,
                clinic: k.config.clinic.get(k.look.lang),
                unsaved,
                clock_offset: k.clock_offset,
            };
            out.extend(patient_ui(ui, t, texts, &mut k.images, bars, p));
        }
        Screen::Welcome => {
            let welcome = Welcome {
                clinic: k.config.clinic.get(k.look.lang),
                languages: &k.config.battery.languages,
                demo: k.config.demo,
            };
            let images = &mut k.images;
            out.extend(welcome_foot_ui(ui, t, texts, attention));
            out.extend(content_ui(ui, t, texts, "welcome", |ui| {
                welcome_ui(ui, t, texts, images, &welcome)
            }));
        }
        Screen::Thanks { .. } => content_ui(ui, t, texts, "thanks", |ui| thanks_ui(ui, t, texts)),
        Screen::Pin(pad) => {
            out.extend(content_ui(ui, t, texts, "pin", |ui| {
                staff::pin_ui(ui, t, texts, pad, locked, true)
            }));
        }
        Screen::Paused(paused) => {
            out.extend(content_ui(ui, t, texts, "paused", |ui| {
                paused_ui(ui, t, texts, paused, locked)
            }));
        }
        Screen::Staff(s) => {
            let kiosk = staff::KioskView {
                problem: k.problem.as_deref(),
                upload: k.records.upload.as_ref().map(svar_upload::Handle::status),
                waiting: &k.waiting,
                settings: &k.config.staff,
                default_battery: &k.config.battery,
                sessions: staff::Describe {
                    batteries: &k.records.sealer.batteries,
                    outbox: &k.records.sealer.outbox,
                    utc_offset: k.records.utc_offset,
                },
            };
            let page = std::mem::discriminant(&s.page);
            out.extend(content_ui(ui, t, texts, page, |ui| {
                staff::staff_ui(ui, t, texts, s, &kiosk)
            }));
        }
    }
    if let IdleState::Warning { seconds_left } = idle {
        out.extend(idle_ui(ui, t, texts, seconds_left));
    }
    out
}

/// The demo ribbon along the top, with the demo's PIN when there is one.
fn ribbon_ui(ui: &mut Ui, t: &Tokens, texts: Texts, demo_pin: Option<&str>) {
    let p = t.palette;
    egui::Panel::top("ribbon")
        .frame(Frame::new().fill(p.ribbon).inner_margin(t.ribbon_margin))
        .show(ui, |ui| {
            let ribbon = match demo_pin {
                Some(pin) => texts.args("demo-ribbon-pin", &[("pin", Arg::Text(pin.to_owned()))]),
                None => texts.tr("demo-ribbon"),
            };
            ui.vertical_centered(|ui| text(ui, &ribbon, t.bold(t.small), p.on_ribbon));
        });
}

/// The central panel: scrolling, in the screen's column. A new `screen` opens at its top
/// (never where the last patient left that screen); a page that goes on below the screen
/// says so at its foot.
fn content_ui<R>(
    ui: &mut Ui,
    t: &Tokens,
    texts: Texts,
    screen: impl egui::AsIdSalt,
    content: impl FnOnce(&mut Ui) -> R,
) -> R {
    let p = t.palette;
    let key = egui::Id::unique("screen").with(screen);
    egui::CentralPanel::default()
        .frame(
            Frame::new()
                .fill(p.background)
                .inner_margin(t.content_margin),
        )
        .show(ui, |ui| {
            let mut area = ScrollArea::vertical()
                .scroll_source(egui::containers::scroll_area::ScrollSource::ALL)
                .auto_shrink([false, false]);
            let ctx = ui.ctx().clone();
            let shown_before = ctx.data_mut(|d| {
                let before = d.get_temp::<egui::Id>(shown_id());
                d.insert_temp(shown_id(), key);
                before == Some(key)
            });
            // Where the cue, tapped last frame, asked the page to scroll to.
            let asked = ctx.data_mut(|d| d.remove_temp::<f32>(cue_id()));
            if !shown_before {
                area = area.vertical_scroll_offset(0.0);
            } else if let Some(y) = asked {
                area = area.vertical_scroll_offset(y);
            }
            // A page taller than the screen keeps a strip below it for the cue, so the cue
            // never covers a control and the rows can scroll clear of it. Whether it is taller
            // is known after it is laid out; the first time it is, the frame is laid out
            // again. The strip then stays while the screen shows: a page that fits only
            // without it (a figure sized to the visible height) would otherwise flicker.
            let strip = t.target + t.gap;
            let full = ui.available_height();
            let overflow_id = key.with("overflow");
            let reserved = shown_before
                && ctx
                    .data(|d| d.get_temp::<bool>(overflow_id))
                    .unwrap_or(false);
            if reserved {
                area = area.max_height(full - strip);
            }
            // A page of questions records where they begin as it is drawn; others none.
            ctx.data_mut(|d| d.remove_temp::<Vec<f32>>(tops_id()));
            let output = area.show(ui, |ui| column_ui(ui, t, content));
            let overflows = output.content_size.y > full + 0.5;
            if overflows && !reserved {
                ctx.data_mut(|d| d.insert_temp(overflow_id, true));
                ctx.request_discard("a page taller than the screen keeps a strip for the cue");
            } else if !shown_before {
                ctx.data_mut(|d| d.insert_temp(overflow_id, false));
            }
            if reserved {
                more_below_ui(ui, t, texts, &output);
            }
            output.inner
        })
        .inner
}

/// Which screen the central panel showed last frame.
fn shown_id() -> egui::Id {
    egui::Id::unique("screen_shown")
}

/// Where the more-below cue leaves the offset it scrolls to, for the next frame.
fn cue_id() -> egui::Id {
    egui::Id::unique("more-below")
}

/// Where the questions of the page drawn this frame begin (screen y), for the cue.
fn tops_id() -> egui::Id {
    egui::Id::unique("item_tops")
}

/// Records where each question of the page begins, so that the more-below cue brings the
/// question cut by the bottom edge to the top whole, its text with its answers.
pub(super) fn remember_item_tops(ui: &Ui, tops: Vec<f32>) {
    ui.ctx().data_mut(|d| d.insert_temp(tops_id(), tops));
}

/// The screen's column: as wide as the window allows up to `Tokens::column`, centred. The
/// header, the content and the footer share it, so they line up on any width.
pub(super) fn column_ui<R>(ui: &mut Ui, t: &Tokens, content: impl FnOnce(&mut Ui) -> R) -> R {
    let width = ui.available_width().min(t.column);
    // Centred on the window, not on the space given: a scrolling page gives a scroll bar's
    // width less, and its column would sit that much off the header's.
    let room = ui.max_rect();
    let left = (ui.ctx().content_rect().center().x - width / 2.0)
        .clamp(room.left(), (room.right() - width).max(room.left()));
    let column = egui::Rect::from_min_max(
        egui::pos2(left, ui.cursor().top()),
        egui::pos2(left + width, room.bottom()),
    );
    ui.scope_builder(
        egui::UiBuilder::new()
            .max_rect(column)
            .layout(egui::Layout::top_down(egui::Align::Min)),
        content,
    )
    .inner
}

/// Below a page that goes on below the screen, in the strip kept for it: a cue that says
/// so and scrolls down most of a screen when tapped. Never an option silently below the
/// fold. At the page's end the strip stays, empty, so nothing moves under the finger.
fn more_below_ui<R>(
    ui: &mut Ui,
    t: &Tokens,
    texts: Texts,
    output: &egui::scroll_area::ScrollAreaOutput<R>,
) {
    let view = output.inner_rect;
    let offset = output.state.clamped_offset().y;
    let hidden = output.content_size.y - offset - view.height();
    if hidden < 1.0 {
        return;
    }
    let label = format!("{} ↓", texts.tr("more-below"));
    let width = t.button_wide.min(view.width());
    let cue = egui::Rect::from_min_size(
        egui::pos2(view.center().x - width / 2.0, view.bottom() + t.gap),
        egui::vec2(width, t.target),
    );
    let tapped = ui
        .scope_builder(egui::UiBuilder::new().max_rect(cue), |ui| {
            Tile::new(&label, width).show(ui, t).clicked()
        })
        .inner;
    if tapped {
        // The last question that begins in view is the one the bottom edge cuts: it goes to
        // the top. A page without questions, or one question taller than the screen, moves
        // most of a screen.
        let tops = ui.ctx().data(|d| d.get_temp::<Vec<f32>>(tops_id()));
        let cut = tops
            .unwrap_or_default()
            .into_iter()
            .map(|top| top - view.top() + offset)
            .filter(|y| *y > offset + t.gap && *y < offset + view.height())
            .fold(None, |last: Option<f32>, y| {
                Some(last.map_or(y, |l| l.max(y)))
            });
        let step = cut.map_or(view.height() * 0.8, |y| y - offset - t.gap);
        let to = offset + hidden.min(step);
        ui.ctx().data_mut(|d| d.insert_temp(cue_id(), to));
        ui.ctx().request_repaint();
    }
}

/// A patient's visit: header, navigation, the screen the session is on, the language tiles.
pub(super) fn patient_ui(
    ui: &mut Ui,
    t: &Tokens,
    texts: Texts,
    images: &mut Images,
    bars: Bars,
    p: &mut PatientScreen,
) -> Vec<Intent> {
    let mut out = Vec::new();
    let palette = t.palette;
    let answering = p.step == Step::Answering;
    let position = p.session().position();
    egui::Panel::top("header")
        .frame(
            Frame::new()
                .fill(palette.surface)
                .inner_margin(t.bar_margin),
        )
        .show(ui, |ui| {
            column_ui(ui, t, |ui| {
                let session = answering.then(|| p.session());
                out.extend(header_ui(ui, t, texts, bars, session));
                if bars.unsaved {
                    text(
                        ui,
                        &texts.tr("session-not-saved"),
                        t.bold(t.body),
                        palette.warning,
                    );
                }
            });
        });
    let nav = answering
        && matches!(
            position,
            Position::Intro { .. } | Position::Screen { .. } | Position::Review
        );
    if nav {
        egui::Panel::bottom("nav")
            .frame(
                Frame::new()
                    .fill(palette.surface)
                    .inner_margin(t.bar_margin),
            )
            .show(ui, |ui| {
                column_ui(ui, t, |ui| out.extend(nav_ui(ui, t, texts, p.session())));
            });
    }
    if answering {
        super::question::instruction_ui(ui, t, texts, p.session());
    }
    // Only the battery's languages: a form without the language would show another one.
    let offered = p.session().battery().languages.clone();
    let shown = content_ui(ui, t, texts, (p.step, position), |ui| {
        match (p.step, position) {
            (Step::Language, _) => language_ui(ui, t, texts, &offered).into_iter().collect(),
            (Step::Answering, Position::Intro { form }) => {
                intro_ui(ui, t, texts, p.session(), form);
                Vec::new()
            }
            (Step::Answering, Position::Screen { .. }) => question_ui(ui, t, texts, images, p),
            (Step::Answering, Position::Review) => {
                review_ui(ui, t, texts, p.session()).into_iter().collect()
            }
            (Step::Answering, Position::Finish) => finish_ui(ui, t, texts).into_iter().collect(),
            // A finished session leaves the screen at once (for the thank-you screen).
            (Step::Answering, Position::Done) => Vec::new(),
        }
    });
    out.extend(shown);
    if let Some(prompt) = p.scratch.prompt {
        let ready = prompt.ready(ui.ctx().input(|i| i.time) + bars.clock_offset);
        out.extend(prompt_ui(ui, t, texts, prompt, ready));
        if !ready {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs_f64(
                    super::patient::Prompt::READ_SECONDS,
                ));
        }
    }
    if p.picker_open {
        out.extend(modal_ui(ui, t, "languages", |ui| {
            title_ui(ui, t, &texts.tr("language-title"));
            let chosen = language_tiles_ui(ui, t, texts.lang, &offered);
            ui.add_space(t.gap);
            // A way out that keeps the language as it is.
            let close = Tile::new(&texts.tr("language-keep"), ui.available_width())
                .show(ui, t)
                .clicked();
            chosen.or(close.then_some(Intent::CloseLanguages))
        }));
    }
    out
}

/// How many questions of the screen have no response, with "Answer them" and, when none of
/// them is required, "Go on without". Its buttons wait until it can have been read.
fn prompt_ui(
    ui: &mut Ui,
    t: &Tokens,
    texts: Texts,
    prompt: super::patient::Prompt,
    ready: bool,
) -> Option<Intent> {
    modal_ui(ui, t, "unanswered", |ui| {
        let title = texts.args(
            "unanswered-title",
            &[("count", Arg::Num(prompt.count as f64))],
        );
        title_ui(ui, t, &title);
        let body = if prompt.all_required && prompt.count > 1 {
            "unanswered-required-all"
        } else if prompt.required {
            "unanswered-required"
        } else {
            "unanswered-optional"
        };
        let count = [("count", Arg::Num(prompt.count as f64))];
        text(
            ui,
            &texts.args(body, &count),
            t.font(t.question),
            t.palette.text,
        );
        ui.add_space(t.gap);
        let mut tapped = None;
        ui.add_enabled_ui(ready, |ui| {
            let w = tile_width(ui, t, 2);
            ui.horizontal(|ui| {
                // Never a dead end: a required question the patient cannot answer leads to
                // the staff, an optional one can be left.
                let (other, intent) = if prompt.required {
                    ("review-ask-staff", Intent::AskStaff)
                } else {
                    ("unanswered-go-on", Intent::GoOnWithout)
                };
                if Tile::new(&texts.tr(other), w).show(ui, t).clicked() {
                    tapped = Some(intent);
                }
                if Tile::new(&texts.args("unanswered-answer", &count), w)
                    .primary(true)
                    .show(ui, t)
                    .clicked()
                {
                    tapped = Some(Intent::AnswerThem);
                }
            });
        });
        tapped
    })
}

/// "Are you still there?", counting down.
fn idle_ui(ui: &mut Ui, t: &Tokens, texts: Texts, seconds_left: u32) -> Option<Intent> {
    modal_ui(ui, t, "idle", |ui| {
        title_ui(ui, t, &texts.tr("idle-title"));
        let body = texts.args(
            "idle-body",
            &[("seconds", Arg::Num(f64::from(seconds_left)))],
        );
        text(ui, &body, t.font(t.question), t.palette.text);
        ui.add_space(t.gap);
        Tile::new(&texts.tr("idle-continue"), ui.available_width())
            .primary(true)
            .show(ui, t)
            .clicked()
            .then_some(Intent::StillHere)
    })
}

fn modal_ui<R>(ui: &mut Ui, t: &Tokens, id: &str, content: impl FnOnce(&mut Ui) -> R) -> R {
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
            content(ui)
        })
        .inner
}

/// A screen title.
pub fn title_ui(ui: &mut Ui, t: &Tokens, title: &str) {
    text(ui, title, t.bold(t.title), t.palette.text);
    ui.add_space(t.gap);
}

fn welcome_ui(
    ui: &mut Ui,
    t: &Tokens,
    texts: Texts,
    images: &mut Images,
    w: &Welcome,
) -> Option<Intent> {
    let mut tapped = None;
    // Nearer the middle on a tall screen than under the header.
    ui.add_space((ui.clip_rect().height() * 0.12).max(t.pad * 2.0));
    let logo = images.get(ui.ctx(), std::path::Path::new("logo.png"));
    ui.vertical_centered(|ui| {
        if let Some((texture, (w, h))) = logo {
            let height = t.logo;
            ui.add(
                egui::Image::new(&texture)
                    .alt_text(texts.tr("welcome-logo"))
                    .fit_to_exact_size(egui::vec2(height * w as f32 / h as f32, height)),
            );
            ui.add_space(t.gap);
        }
        text(ui, w.clinic, t.bold(t.title), t.palette.text);
        ui.add_space(t.pad);
        text(
            ui,
            &texts.tr("welcome-title"),
            t.bold(t.question),
            t.palette.text,
        );
        // The welcome in the battery's other languages, each once.
        let others = in_other_languages(texts, w.languages, "welcome-title");
        if !others.is_empty() {
            text(ui, &others.join(" · "), t.font(t.body), t.palette.muted);
        }
        ui.add_space(t.gap);
        if w.demo {
            if Tile::new(
                &texts.tr("welcome-start-demo"),
                t.button_wide.min(ui.available_width()),
            )
            .primary(true)
            .show(ui, t)
            .clicked()
            {
                tapped = Some(Intent::StartDemo);
            }
        } else {
            text(
                ui,
                &texts.tr("welcome-ask-staff"),
                t.font(t.question),
                t.palette.muted,
            );
            for line in in_other_languages(texts, w.languages, "welcome-ask-staff") {
                text(ui, &line, t.font(t.body), t.palette.muted);
            }
        }
    });
    tapped
}

/// The foot of the welcome screen: the staff button, small and in the corner, out of a
/// patient's way (the PIN guards it), at the same place on every screen size.
fn welcome_foot_ui(ui: &mut Ui, t: &Tokens, texts: Texts, attention: bool) -> Option<Intent> {
    let mut tapped = None;
    egui::Panel::bottom("welcome_foot")
        .show_separator_line(false)
        .frame(
            Frame::new()
                .fill(t.palette.background)
                .inner_margin(t.bar_margin),
        )
        .show(ui, |ui| {
            column_ui(ui, t, |ui| {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if Tile::new(&texts.tr("staff-open"), t.button_small)
                        .show(ui, t)
                        .clicked()
                    {
                        tapped = Some(Intent::Staff(staff::StaffIntent::OpenPin));
                    }
                    // Says only that something waits, never what: the patient may be reading.
                    if attention {
                        text(
                            ui,
                            &texts.tr("welcome-staff-attention"),
                            t.font(t.small),
                            t.palette.warning,
                        );
                    }
                });
            });
        });
    tapped
}

/// The languages the battery offers (every one of its forms provides them), two to a row.
fn language_tiles_ui(ui: &mut Ui, t: &Tokens, current: Lang, offered: &[Lang]) -> Option<Intent> {
    let w = tile_width(ui, t, 2);
    let mut tapped = None;
    for pair in offered.chunks(2) {
        ui.horizontal(|ui| {
            for lang in pair {
                if Tile::new(endonym(*lang), w)
                    .mark(Mark::Radio(*lang == current))
                    .show(ui, t)
                    .clicked()
                {
                    tapped = Some(Intent::PickLanguage(*lang));
                }
            }
        });
    }
    tapped
}

fn language_ui(ui: &mut Ui, t: &Tokens, texts: Texts, offered: &[Lang]) -> Option<Intent> {
    title_ui(ui, t, &texts.tr("language-title"));
    let tapped = language_tiles_ui(ui, t, texts.lang, offered);
    ui.add_space(t.gap);
    text(
        ui,
        &texts.tr("language-hint"),
        t.font(t.body),
        t.palette.muted,
    );
    tapped
}

fn intro_ui(ui: &mut Ui, t: &Tokens, texts: Texts, s: &Session, form: usize) {
    let f = s.form(form);
    title_ui(ui, t, f.title.get(texts.lang));
    // Honest counts: a range when the answers decide, and the pages only to read.
    let counts = s.intro_counts(form);
    let body = if counts.at_most > counts.questions {
        texts.args(
            "intro-questions-up-to",
            &[
                ("min", Arg::Num(counts.questions as f64)),
                ("max", Arg::Num(counts.at_most as f64)),
            ],
        )
    } else {
        texts.args(
            "intro-questions",
            &[("count", Arg::Num(counts.questions as f64))],
        )
    };
    text(ui, &body, t.font(t.question), t.palette.text);
    if counts.reading > 0 {
        let reading = texts.args(
            "intro-reading",
            &[("count", Arg::Num(counts.reading as f64))],
        );
        text(ui, &reading, t.font(t.question), t.palette.text);
    }
}

fn review_ui(ui: &mut Ui, t: &Tokens, texts: Texts, s: &Session) -> Option<Intent> {
    title_ui(ui, t, &texts.tr("review-title"));
    let unanswered = s.unanswered();
    if unanswered.is_empty() {
        text(
            ui,
            &texts.tr("review-complete"),
            t.font(t.question),
            t.palette.text,
        );
        // What is left to do, in words: the page would otherwise hold one line.
        ui.add_space(t.gap);
        text(
            ui,
            &texts.tr("review-complete-next"),
            t.font(t.body),
            t.palette.text,
        );
        return None;
    }
    let body = texts.args(
        "review-missing",
        &[("count", Arg::Num(unanswered.len() as f64))],
    );
    text(ui, &body, t.font(t.question), t.palette.warning);
    ui.add_space(t.gap);
    let width = ui.available_width();
    let mut tapped = None;
    let mut part = None;
    for u in &unanswered {
        let form = s.form(u.form);
        // Listed by part, under each part's title.
        if part != Some(u.form) {
            part = Some(u.form);
            ui.add_space(t.gap * 0.5);
            text(
                ui,
                form.title.get(texts.lang),
                t.bold(t.body),
                t.palette.text,
            );
        }
        let question = form.item(u.item).text.get(texts.lang).to_owned();
        let id = if u.required {
            "review-go-to-required"
        } else {
            "review-go-to"
        };
        let mut label = texts.args(id, &[("question", Arg::Text(question))]);
        if !u.scores.is_empty() {
            // The part's title heads the list already: the tile only says a score needs it.
            label = texts.args("review-needed-for", &[("label", Arg::Text(label))]);
        }
        if Tile::new(&label, width)
            .left_aligned()
            .show(ui, t)
            .clicked()
        {
            tapped = Some(Intent::GoTo(u.form, u.item));
        }
    }
    // Required questions left: the patient is never trapped, staff can help.
    if !s.missing().is_empty() {
        ui.add_space(t.gap);
        if Tile::new(&texts.tr("review-ask-staff"), width)
            .show(ui, t)
            .clicked()
        {
            tapped = Some(Intent::AskStaff);
        }
    }
    tapped
}

fn finish_ui(ui: &mut Ui, t: &Tokens, texts: Texts) -> Option<Intent> {
    title_ui(ui, t, &texts.tr("finish-title"));
    text(
        ui,
        &texts.tr("finish-body"),
        t.font(t.question),
        t.palette.text,
    );
    ui.add_space(t.pad);
    let w = tile_width(ui, t, 2);
    let mut tapped = None;
    ui.horizontal(|ui| {
        if Tile::new(&texts.tr("finish-cancel"), w)
            .show(ui, t)
            .clicked()
        {
            tapped = Some(Intent::CancelFinish);
        }
        if Tile::new(&texts.tr("finish-confirm"), w)
            .primary(true)
            .show(ui, t)
            .clicked()
        {
            tapped = Some(Intent::ConfirmFinish);
        }
    });
    tapped
}

/// The paused screen: what to do, in the patient's language, and the PIN pad for staff. Nothing
/// of the patient's answers or questions is on it.
fn paused_ui(
    ui: &mut Ui,
    t: &Tokens,
    texts: Texts,
    paused: &PausedScreen,
    locked: Option<u32>,
) -> Option<Intent> {
    ui.add_space(t.pad);
    let body = match paused.reason {
        PauseReason::Idle => "paused-body",
        PauseReason::Asked => "paused-asked-body",
    };
    title_and_body_ui(ui, t, &texts.tr("paused-title"), &texts.tr(body));
    ui.add_space(t.pad);
    staff::pin_ui(ui, t, texts, &paused.pad, locked, false)
}

fn thanks_ui(ui: &mut Ui, t: &Tokens, texts: Texts) {
    ui.add_space(t.pad * 3.0);
    ui.vertical_centered(|ui| {
        title_and_body_ui(ui, t, &texts.tr("thanks-title"), &texts.tr("thanks-body"));
    });
}

/// A screen's title and the sentence under it.
pub(super) fn title_and_body_ui(ui: &mut Ui, t: &Tokens, title: &str, body: &str) {
    text(ui, title, t.bold(t.title), t.palette.text);
    ui.add_space(t.gap);
    text(ui, body, t.font(t.question), t.palette.text);
}
