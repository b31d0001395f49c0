//! The bars around a patient's screen: the header (progress, language, text size, contrast)
//! and the footer (Back and Next).

use super::Intent;
use super::screen::Look;
use super::screens::endonym;
use super::theme::Tokens;
use super::view::Texts;
use super::widgets::{Mark, Tile, text, tile_width, widest_line};
use crate::i18n::Arg;
use egui::Ui;
use svar_forms::form::ItemKind;
use svar_forms::session::{Position, Session};

/// What the bars around a patient's screen show besides the session.
#[derive(Clone, Copy)]
pub(super) struct Bars<'a> {
    /// How the patient chose to see the screen.
    pub look: Look,
    /// The clinic's name in the language shown.
    pub clinic: &'a str,
    /// Answers the store does not hold yet.
    pub unsaved: bool,
    /// The kiosk's simulated clock offset (tests), added to egui's time.
    pub clock_offset: f64,
}

/// Whether the session's current screen asks something (more than text to read).
fn asks_something(s: &Session) -> bool {
    s.current_screen().is_some_and(|(f, screen)| {
        let form = s.form(f);
        screen
            .items
            .iter()
            .any(|ix| !matches!(form.item(*ix).kind, ItemKind::Info { .. }))
    })
}

/// The number of the question the patient is at: on a screen of several, the first one
/// without a response (the last when all have one), so the header moves with each answer.
fn current_question(s: &Session, pr: svar_forms::session::Progress) -> usize {
    let Some((form, screen)) = s.current_screen() else {
        return pr.question;
    };
    let f = s.form(form);
    let questions: Vec<_> = screen
        .items
        .iter()
        .filter(|ix| !matches!(f.item(**ix).kind, ItemKind::Info { .. }))
        .collect();
    let at = questions
        .iter()
        .position(|ix| s.answers(form).response(**ix).is_none())
        .unwrap_or(questions.len().saturating_sub(1));
    pr.question + at
}

/// Where the patient is (or the clinic's name), and the look's buttons. `session` is given
/// while the patient answers (not on the language screen).
pub(super) fn header_ui(
    ui: &mut Ui,
    t: &Tokens,
    texts: Texts,
    bars: Bars,
    session: Option<&Session>,
) -> Option<Intent> {
    let p = t.palette;
    let mut tapped = None;
    ui.horizontal(|ui| {
        // From the header's whole width less the widest progress text this visit can show
        // ("Question 88 of 88"), so the buttons keep their size and place from page to page
        // and the progress never wraps beside them.
        let most = |id, total: usize| {
            let n = Arg::Num(total as f64);
            texts.args(id, &[("current", n.clone()), ("total", n)])
        };
        let mut texts_shown = vec![bars.clinic.to_owned()];
        if let Some(pr) = session.map(Session::progress) {
            // Two digits whatever this part has, so the width holds from part to part.
            texts_shown.push(most("progress-question", pr.questions.max(88)));
            texts_shown.push(most("progress-form", pr.forms.max(88)));
        }
        let widest = widest_line(ui, t.bold(t.body), texts_shown.iter().map(String::as_str));
        let beside = ((ui.available_width() - widest) / 3.0 - t.gap).floor();
        let w = t
            .header_button
            .min(tile_width(ui, t, 4))
            .min(beside)
            .max(t.target);
        let label = match session.map(|s| (s, s.progress(), s.position())) {
            Some((s, pr, Position::Screen { .. })) if asks_something(s) => texts.args(
                "progress-question",
                &[
                    ("current", Arg::Num(current_question(s, pr) as f64)),
                    ("total", Arg::Num(pr.questions as f64)),
                ],
            ),
            Some((_, pr, Position::Intro { .. } | Position::Screen { .. })) => texts.args(
                "progress-form",
                &[
                    ("current", Arg::Num(pr.form as f64)),
                    ("total", Arg::Num(pr.forms as f64)),
                ],
            ),
            _ => bars.clinic.to_owned(),
        };
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let look = bars.look;
            let contrast = if look.high_contrast {
                "header-contrast-on"
            } else {
                "header-contrast-off"
            };
            let size = texts.tr(look.text_size.message());
            let names = [
                texts.tr(contrast),
                format!("{}: {size}", texts.tr("header-text-size")),
                format!("{}: {}", texts.tr("header-language"), endonym(look.lang)),
            ];
            let full = [
                texts.tr("header-contrast"),
                size,
                endonym(look.lang).to_owned(),
            ];
            // Header controls never wrap: where a label does not fit its tile on one line
            // (portrait, the largest text), all three show short labels; their names stay.
            let room = w - 2.0 * t.inset.x;
            let fits = widest_line(ui, t.font(t.body), full.iter().map(String::as_str)) <= room;
            let labels = if fits {
                full
            } else {
                [
                    "◐".to_owned(),
                    // The usual sign for text size, drawn in the size it sets (its name says
                    // which).
                    "Aa".to_owned(),
                    look.lang.code().to_uppercase(),
                ]
            };
            let intents = [
                Intent::ToggleContrast,
                Intent::CycleTextSize,
                Intent::OpenLanguages,
            ];
            for (n, (label, name)) in labels.iter().zip(&names).enumerate() {
                let mark = if n == 0 {
                    Mark::Plain(look.high_contrast)
                } else {
                    Mark::None
                };
                if Tile::new(label, w)
                    .name(Some(name))
                    .mark(mark)
                    .show(ui, t)
                    .clicked()
                {
                    tapped = Some(intents[n].clone());
                }
            }
            // The progress (or the clinic's name) in the width the buttons leave.
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                text(ui, &label, t.bold(t.body), p.text);
            });
        });
    });
    if let Some(pr) = session.map(Session::progress) {
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
    tapped
}

/// Back and Next (Start on an intro, I am finished on the review).
pub(super) fn nav_ui(ui: &mut Ui, t: &Tokens, texts: Texts, s: &Session) -> Option<Intent> {
    let w = t.button.min(tile_width(ui, t, 2));
    let review = s.position() == Position::Review;
    let next_label = match s.position() {
        Position::Intro { .. } => texts.tr("intro-start"),
        Position::Review => texts.tr("review-finish"),
        _ => texts.tr("nav-next"),
    };
    let next_enabled = !review || s.missing().is_empty();
    let mut tapped = None;
    ui.horizontal(|ui| {
        if Tile::new(&texts.tr("nav-back"), w).show(ui, t).clicked() {
            tapped = Some(Intent::Back);
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if next_enabled
                && Tile::new(&next_label, w)
                    .primary(true)
                    .show(ui, t)
                    .clicked()
            {
                tapped = Some(if review { Intent::Finish } else { Intent::Next });
            }
        });
    });
    tapped
}
