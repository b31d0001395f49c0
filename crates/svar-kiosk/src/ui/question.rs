//! A question screen: the page's visible items, each drawn by the widget of its type.

use super::Intent;
use super::patient::{PadMessage, PatientScreen, Reveal, Scratch};
use super::theme::Tokens;
use super::view::{Images, Texts};
use super::widgets::{
    Tile, body_map, choice, date, fold, keyboard, keypad, signature, slider, text, tile_width,
};
use crate::i18n::{self, Arg};
use egui::Ui;
use svar_forms::answer::{Answer, AnswerProblem, Answers};
use svar_forms::form::{Display, Form, Item, ItemIx, ItemKind, limits};
use svar_forms::session::Session;

/// Draws the current screen's items with their widget state; returns what was tapped.
pub(super) fn question_ui(
    ui: &mut Ui,
    t: &Tokens,
    texts: Texts,
    images: &mut Images,
    p: &mut PatientScreen,
) -> Vec<Intent> {
    let mut out = Vec::new();
    let PatientScreen { visit, scratch, .. } = p;
    let s = visit.session();
    let Some((form_ix, screen)) = s.current_screen() else {
        return out;
    };
    let form = s.form(form_ix);
    let page = &form.pages[screen.page];
    let fold = fold(ui);
    let grid = page.display == Display::Grid;
    // A grid's instruction stays above the page instead (`instruction_ui`).
    if let Some(title) = page.title.as_ref().filter(|_| !grid) {
        text(ui, title.get(texts.lang), t.font(t.body), t.palette.muted);
        ui.add_space(t.gap * 0.5);
    }
    let on = OnScreen {
        form,
        form_ix,
        answers: s.answers(form_ix),
        several: screen.items.len() > 1,
        fold,
    };
    let mut parts = Parts {
        texts,
        images,
        scratch,
    };
    let mut tops = Vec::with_capacity(screen.items.len());
    for (n, ix) in screen.items.iter().enumerate() {
        if n > 0 {
            ui.add_space(t.gap);
            if grid {
                ui.separator();
            }
        }
        let drawn = ui.scope(|ui| item_ui(ui, t, &mut parts, on, *ix, &mut out));
        let rect = drawn.response.rect;
        tops.push(rect.top());
        if let Some((_, how)) = parts.scratch.reveal.filter(|(item, _)| item == ix) {
            parts.scratch.reveal = None;
            match how {
                // At once, in the frame after the answer: rows that slid for a moment would
                // be under a finger already on its way to the next one, and take its tap.
                Reveal::Follow => {
                    ui.scroll_to_rect_animation(rect, None, egui::style::ScrollAnimation::none())
                }
                Reveal::Centre => ui.scroll_to_rect(rect, Some(egui::Align::Center)),
            }
        }
    }
    super::screens::remember_item_tops(ui, tops);
    // The reminder shows while a required question here is still unanswered, and not over a
    // problem an item already explains (a number out of range): one message at a time.
    let needed = !s.required_unanswered_here().is_empty();
    if parts.scratch.nudged && needed && parts.scratch.explained().is_none() {
        ui.add_space(t.gap);
        let message = text(
            ui,
            &texts.tr("answer-required"),
            t.bold(t.body),
            t.palette.warning,
        );
        if std::mem::take(&mut parts.scratch.reveal_nudge) {
            message.scroll_to_me(Some(egui::Align::Max));
        }
    }
    out
}

/// The instruction of a grid on the screen shown ("How much have you been bothered by…"),
/// drawn above the scrolling page so it stays in view while the patient works down the rows.
pub(super) fn instruction_ui(ui: &mut Ui, t: &Tokens, texts: Texts, s: &Session) {
    let Some((form, screen)) = s.current_screen() else {
        return;
    };
    let page = &s.form(form).pages[screen.page];
    if let (Display::Grid, Some(title)) = (page.display, &page.title) {
        egui::Panel::top("instruction")
            .frame(
                egui::Frame::new()
                    .fill(t.palette.background)
                    .inner_margin(t.content_margin),
            )
            .show(ui, |ui| {
                super::screens::column_ui(ui, t, |ui| {
                    text(ui, title.get(texts.lang), t.bold(t.body), t.palette.text);
                });
            });
    }
}

/// What an item's view reads and keeps besides the item: interface text, images, and the
/// screen's widget state.
struct Parts<'a> {
    texts: Texts<'a>,
    images: &'a mut Images,
    scratch: &'a mut Scratch,
}

/// The screen being drawn: its form and that form's place in the battery, the answers so far,
/// whether it shows several items (then each control's name includes its question), and
/// where the visible area ends unscrolled (keys fit above it).
#[derive(Clone, Copy)]
struct OnScreen<'a> {
    form: &'a Form,
    form_ix: usize,
    answers: &'a Answers,
    several: bool,
    fold: f32,
}

fn item_ui(
    ui: &mut Ui,
    t: &Tokens,
    k: &mut Parts,
    on: OnScreen,
    ix: ItemIx,
    out: &mut Vec<Intent>,
) {
    let OnScreen {
        form,
        form_ix,
        answers,
        several,
        fold,
    } = on;
    let lang = k.texts.lang;
    let item = form.item(ix);
    let grid = form.pages[item.page].display == Display::Grid;
    let question = item.text.get(lang);
    let prefix = several.then_some(question);
    let size = if grid { t.body } else { t.question };
    let font = if matches!(item.kind, ItemKind::Info { .. }) {
        t.font(size)
    } else {
        t.bold(size)
    };
    text(ui, question, font, t.palette.text);
    if let Some(help) = &item.help {
        text(ui, help.get(lang), t.font(t.body), t.palette.muted);
    }
    ui.add_space(t.gap * 0.5);
    let current = answers.get(ix);
    let number = current.and_then(Answer::as_number);
    // Keys end above what follows them: the decline tile, and a line of notes.
    let decline = if item.allow_decline {
        t.target + t.gap
    } else {
        0.0
    };
    let keys_end = fold - decline - t.small * 1.5 - t.gap;
    let set = |out: &mut Vec<Intent>, a: Option<Answer>| out.push(Intent::Answer(form_ix, ix, a));
    match &item.kind {
        ItemKind::Info { image } => {
            if let Some(path) = image
                && let Some((texture, (w, h))) = k.images.get(ui.ctx(), path)
            {
                let width = ui.available_width().min(w as f32);
                // The image illustrates the text above it: a screen reader names it by that.
                ui.add(
                    egui::Image::new(&texture)
                        .alt_text(question)
                        .fit_to_exact_size(egui::vec2(width, width * h as f32 / w as f32)),
                );
            }
        }
        ItemKind::SingleChoice { options, .. } if grid => {
            if let Some(v) = choice::grid_row_ui(ui, t, lang, options, number, question) {
                set(out, Some(Answer::Number(v)));
            }
        }
        ItemKind::SingleChoice { options, .. } => {
            if let Some(v) = choice::single_ui(ui, t, lang, options, number, prefix) {
                set(out, Some(Answer::Number(v)));
            }
        }
        ItemKind::MultipleChoice { options, .. } => {
            let chosen = match current {
                Some(Answer::Choices(c)) => c.clone(),
                _ => Vec::new(),
            };
            if let Some(next) = choice::multiple_ui(ui, t, lang, options, &chosen, prefix) {
                set(out, (!next.is_empty()).then_some(Answer::Choices(next)));
            }
        }
        ItemKind::YesNo => {
            if let Some(v) = choice::yes_no_ui(
                ui,
                t,
                &k.texts.tr("answer-yes"),
                &k.texts.tr("answer-no"),
                number,
                prefix,
            ) {
                set(out, Some(Answer::Number(v)));
            }
        }
        ItemKind::Rating { min, max, anchors } => {
            if let Some(v) =
                choice::rating_ui(ui, t, lang, *min..=*max, anchors.as_ref(), number, prefix)
            {
                set(out, Some(Answer::Number(v)));
            }
        }
        ItemKind::Slider { min, max, anchors } => {
            if let Some(v) = slider::slider_ui(ui, t, question, *min, *max, number) {
                set(out, Some(Answer::Number(v)));
            }
            if let Some(a) = anchors {
                choice::anchors_ui(ui, t, a.min.get(lang), a.max.get(lang));
            }
            let status = match number {
                Some(v) => k.texts.args(
                    "slider-value",
                    &[("value", Arg::Text(i18n::number(lang, v, decimals_of(v))))],
                ),
                None => k.texts.tr("slider-not-set"),
            };
            text(ui, &status, t.bold(t.body), t.palette.text);
        }
        ItemKind::Number {
            min,
            max,
            decimals,
            unit,
        } => {
            let (buffer, message) = k
                .scratch
                .keypads
                .entry(ix)
                .or_insert_with(|| {
                    (
                        number
                            .map(|v| i18n::number(lang, v, decimals_of(v)))
                            .unwrap_or_default(),
                        None,
                    )
                })
                .clone();
            let hint = k.texts.args(
                "keypad-range",
                &[
                    (
                        "min",
                        Arg::Text(i18n::number(lang, *min, decimals_of(*min))),
                    ),
                    (
                        "max",
                        Arg::Text(i18n::number(lang, *max, decimals_of(*max))),
                    ),
                ],
            );
            let labels = keypad::Labels {
                field: question,
                comma: &k.texts.tr("keypad-comma"),
                delete: &k.texts.tr("keypad-delete"),
                clear: &k.texts.tr("keypad-clear"),
            };
            // The keys on the left, the range and any problem beside them, so all fits 1280×800.
            ui.horizontal_top(|ui| {
                ui.vertical(|ui| {
                    if let Some(key) =
                        keypad::keypad_ui(ui, t, &labels, &buffer, *decimals > 0, keys_end)
                    {
                        out.push(Intent::Keypad(form_ix, ix, key));
                    }
                });
                ui.add_space(t.pad);
                ui.vertical(|ui| {
                    if let Some(unit) = unit {
                        text(ui, unit.get(lang), t.bold(t.question), t.palette.text);
                    }
                    // One message at a time: a problem replaces the range hint.
                    match &message {
                        Some(m) => keypad::message_ui(ui, t, m, true),
                        None => keypad::message_ui(ui, t, &hint, false),
                    }
                });
            });
        }
        ItemKind::Text { max_length } => {
            let current = match current {
                Some(Answer::Text(s)) => s.clone(),
                _ => String::new(),
            };
            let labels = keyboard::Labels {
                field: question,
                shift: &k.texts.tr("keyboard-shift"),
                space: &k.texts.tr("keyboard-space"),
                delete: &k.texts.tr("keyboard-delete"),
                letters: &k.texts.tr("keyboard-letters"),
            };
            if let Some(key) = keyboard::keyboard_ui(
                ui,
                t,
                &labels,
                keyboard::Layout::Letters,
                &current,
                k.scratch.shift,
                keys_end,
            ) {
                out.push(Intent::Keyboard(form_ix, ix, key));
            }
            // Only near the limit: the note would otherwise push the keys off small screens.
            let left = max_length.saturating_sub(current.chars().count());
            if left <= 20 {
                let count = [("count", Arg::Num(left as f64))];
                let note = k.texts.args("keyboard-characters-left", &count);
                text(ui, &note, t.font(t.small), t.palette.muted);
            }
        }
        ItemKind::Date { min, max } => {
            let existing = match current {
                Some(Answer::Date(d)) => Some(*d),
                _ => None,
            };
            let months: Vec<String> = (1..=12)
                .map(|m| k.texts.tr(&format!("month-{m}")))
                .collect();
            let labels = date::Labels {
                day: &k.texts.tr("date-day"),
                month: &k.texts.tr("date-month"),
                year: &k.texts.tr("date-year"),
                months: &months,
            };
            let (min_year, max_year) = (
                min.map_or(limits::DEFAULT_FIRST_YEAR, |d| d.year),
                max.map_or(limits::DEFAULT_LAST_YEAR, |d| d.year),
            );
            let draft = k
                .scratch
                .dates
                .entry(ix)
                .or_insert_with(|| date::Draft::from_date(existing));
            let before = *draft;
            date::date_ui(ui, t, &labels, draft, min_year, max_year);
            let draft = *draft;
            if draft != before && draft.date() != existing {
                set(out, draft.date().map(Answer::Date));
            }
            let status = match (existing, draft.year.zip(draft.month).zip(draft.day)) {
                (Some(d), _) => k.texts.args(
                    "date-chosen",
                    &[("date", Arg::Text(i18n::date(k.texts.strings(), lang, d)))],
                ),
                (None, Some(_)) => k.texts.tr("date-invalid"),
                (None, None) => k.texts.tr("date-not-chosen"),
            };
            text(
                ui,
                &status,
                t.bold(t.body),
                if existing.is_none() && draft.day.is_some() {
                    t.palette.warning
                } else {
                    t.palette.text
                },
            );
        }
        ItemKind::BodyMap {
            image,
            width,
            height,
            regions,
        } => {
            let texture = k.images.get(ui.ctx(), image).map(|(tex, _)| tex);
            let chosen = match current {
                Some(Answer::Regions(r)) => r.clone(),
                _ => Vec::new(),
            };
            text(
                ui,
                &k.texts.tr("body-map-hint"),
                t.font(t.body),
                t.palette.muted,
            );
            let figure = body_map::Figure {
                image: texture.as_ref(),
                image_size: (*width, *height),
                regions,
            };
            if let Some(next) = body_map::body_map_ui(ui, t, lang, figure, &chosen, question) {
                set(out, (!next.is_empty()).then_some(Answer::Regions(next)));
            }
            let names: Vec<&str> = regions
                .iter()
                .filter(|r| chosen.iter().any(|c| c == r.id.as_str()))
                .map(|r| r.label.get(lang))
                .collect();
            let summary = if names.is_empty() {
                k.texts.tr("body-map-none")
            } else {
                k.texts.args(
                    "body-map-chosen",
                    &[("regions", Arg::Text(names.join(", ")))],
                )
            };
            text(ui, &summary, t.bold(t.body), t.palette.text);
        }
        ItemKind::Signature => {
            text(
                ui,
                &k.texts.tr("signature-hint"),
                t.font(t.body),
                t.palette.muted,
            );
            let confirmed = match current {
                Some(Answer::Strokes(s)) => Some(s.clone()),
                _ => None,
            };
            let name = k.texts.tr("signature-pad");
            let pad = k.scratch.pads.entry(ix).or_insert_with(|| {
                signature::Pad::from_strokes(confirmed.clone().unwrap_or_default())
            });
            signature::pad_ui(ui, t, &name, pad);
            // Each message lasts only while it is true: "sign first" until drawing starts,
            // "saved" while the pad shows what was saved.
            let message = match k.scratch.pad_message {
                Some(PadMessage::Empty) if !pad.drawn() => Some("signature-empty"),
                Some(PadMessage::Confirmed) if confirmed.as_ref() == Some(&pad.strokes) => {
                    Some("signature-confirmed")
                }
                _ => None,
            };
            if let Some(id) = message {
                text(ui, &k.texts.tr(id), t.bold(t.body), t.palette.text);
            }
            let w = tile_width(ui, t, 2);
            ui.horizontal(|ui| {
                if Tile::new(&k.texts.tr("signature-clear"), w)
                    .show(ui, t)
                    .clicked()
                {
                    out.push(Intent::SignatureClear(form_ix, ix));
                }
                if Tile::new(&k.texts.tr("signature-confirm"), w)
                    .primary(true)
                    .show(ui, t)
                    .clicked()
                {
                    out.push(Intent::SignatureConfirm(form_ix, ix));
                }
            });
        }
    }
    if item.allow_decline {
        ui.add_space(t.gap * 0.5);
        let declined = answers.declined(ix);
        let label = k.texts.tr("decline-item");
        let name = prefix.map(|q| format!("{q}: {label}"));
        if Tile::new(&label, ui.available_width())
            .name(name.as_deref())
            .mark(super::widgets::Mark::Radio(declined))
            .show(ui, t)
            .clicked()
        {
            set(out, (!declined).then_some(Answer::Declined));
        }
    }
}

/// Decimals worth showing for a value (none for whole numbers).
fn decimals_of(v: f64) -> usize {
    if v.fract() == 0.0 {
        0
    } else {
        format!("{v}").split('.').nth(1).map_or(0, str::len).min(6)
    }
}

/// A patient-facing sentence for an answer the session refused.
pub fn problem_text(texts: Texts, item: &Item, problem: &AnswerProblem) -> String {
    let lang = texts.lang;
    let range = |min: f64, max: f64| {
        [
            ("min", Arg::Text(i18n::number(lang, min, decimals_of(min)))),
            ("max", Arg::Text(i18n::number(lang, max, decimals_of(max)))),
        ]
    };
    match (problem, &item.kind) {
        (AnswerProblem::OutOfRange { .. }, ItemKind::Number { min, max, .. }) => {
            texts.args("keypad-out-of-range", &range(*min, *max))
        }
        (AnswerProblem::TooManyDecimals(d), _) => {
            texts.args("keypad-decimals", &[("decimals", Arg::Num(f64::from(*d)))])
        }
        (AnswerProblem::OutOfRange { min, max }, ItemKind::Date { .. }) => texts.args(
            "date-out-of-range",
            &[
                ("min", Arg::Text(min.clone())),
                ("max", Arg::Text(max.clone())),
            ],
        ),
        (AnswerProblem::BadDate, _) => texts.tr("date-invalid"),
        _ => texts.tr("keypad-not-a-number"),
    }
}
