//! Option tiles for single choice, multiple choice and yes/no, and a rating row.

use super::{Mark, Tile, tile_width};
use crate::ui::theme::Tokens;
use egui::Ui;
use svar_forms::answer::fmt_num;
use svar_forms::form::{Anchors, Choice};
use svar_forms::text::Lang;

/// The accessible name of an option: with the question in front when a screen holds several
/// questions, so a screen reader (and a test) can tell their "Yes" tiles apart.
fn name(prefix: Option<&str>, label: &str) -> Option<String> {
    prefix.map(|p| format!("{p} – {label}"))
}

/// Single choice: one tile per option, one per row. Returns the chosen value when tapped.
pub fn single_ui(
    ui: &mut Ui,
    t: &Tokens,
    lang: Lang,
    options: &[Choice],
    current: Option<f64>,
    prefix: Option<&str>,
) -> Option<f64> {
    let mut chosen = None;
    let width = ui.available_width();
    for option in options {
        let label = option.label.get(lang);
        let on = current == Some(option.value);
        if Tile::new(label, width)
            .name(name(prefix, label).as_deref())
            .mark(Mark::Radio(on))
            .show(ui, t)
            .clicked()
        {
            chosen = Some(option.value);
        }
    }
    chosen
}

/// Single choice as one row of tiles sharing a scale (a grid page). Returns the value tapped.
/// Where the row is too narrow for a word of a label (a portrait screen, large text), the
/// options are listed one under another instead: a word is never broken in the middle.
pub fn grid_row_ui(
    ui: &mut Ui,
    t: &Tokens,
    lang: Lang,
    options: &[Choice],
    current: Option<f64>,
    question: &str,
) -> Option<f64> {
    let width = tile_width(ui, t, options.len());
    let names: Vec<Option<String>> = options
        .iter()
        .map(|o| name(Some(question), o.label.get(lang)))
        .collect();
    let tiles: Vec<Tile> = options
        .iter()
        .zip(&names)
        .map(|(option, name)| {
            Tile::new(option.label.get(lang), width)
                .name(name.as_deref())
                .mark(Mark::Plain(current == Some(option.value)))
        })
        .collect();
    if tiles.iter().all(|tile| !tile.breaks_words(ui, t)) {
        return Tile::row(ui, t, tiles).map(|n| options[n].value);
    }
    let width = ui.available_width();
    let mut chosen = None;
    for (option, name) in options.iter().zip(&names) {
        if Tile::new(option.label.get(lang), width)
            .name(name.as_deref())
            .mark(Mark::Radio(current == Some(option.value)))
            .left_aligned()
            .show(ui, t)
            .clicked()
        {
            chosen = Some(option.value);
        }
    }
    chosen
}

/// Multiple choice: tiles that toggle. Returns the new selection when one is tapped.
pub fn multiple_ui(
    ui: &mut Ui,
    t: &Tokens,
    lang: Lang,
    options: &[Choice],
    current: &[f64],
    prefix: Option<&str>,
) -> Option<Vec<f64>> {
    let mut changed = None;
    let width = ui.available_width();
    for option in options {
        let on = current.contains(&option.value);
        let label = option.label.get(lang);
        if Tile::new(label, width)
            .name(name(prefix, label).as_deref())
            .mark(Mark::Check(on))
            .show(ui, t)
            .clicked()
        {
            changed = Some(svar_forms::form::toggle_choice(
                options,
                current,
                option.value,
            ));
        }
    }
    changed
}

/// Yes/no as two tiles side by side. Returns 1 or 0 when tapped.
pub fn yes_no_ui(
    ui: &mut Ui,
    t: &Tokens,
    yes: &str,
    no: &str,
    current: Option<f64>,
    prefix: Option<&str>,
) -> Option<f64> {
    let width = tile_width(ui, t, 2);
    let choices = [(yes, 1.0), (no, 0.0)];
    let names = choices.map(|(label, _)| name(prefix, label));
    let tiles = choices
        .iter()
        .zip(&names)
        .map(|((label, value), name)| {
            Tile::new(label, width)
                .name(name.as_deref())
                .mark(Mark::Radio(current == Some(*value)))
        })
        .collect();
    Tile::row(ui, t, tiles).map(|n| choices[n].1)
}

/// A rating row over `range` with the end anchors under it. Returns the value tapped.
pub fn rating_ui(
    ui: &mut Ui,
    t: &Tokens,
    lang: Lang,
    range: std::ops::RangeInclusive<i64>,
    anchors: Option<&Anchors>,
    current: Option<f64>,
    prefix: Option<&str>,
) -> Option<f64> {
    let mut chosen = None;
    let values: Vec<i64> = range.collect();
    let per_row = values.len().clamp(1, 11);
    let width = tile_width(ui, t, per_row);
    for row in values.chunks(per_row) {
        ui.horizontal(|ui| {
            for v in row {
                let value = *v as f64;
                let label = fmt_num(value);
                if Tile::new(&label, width)
                    .name(name(prefix, &label).as_deref())
                    .mark(Mark::Plain(current == Some(value)))
                    .show(ui, t)
                    .clicked()
                {
                    chosen = Some(value);
                }
            }
        });
    }
    if let Some(a) = anchors {
        anchors_ui(ui, t, a.min.get(lang), a.max.get(lang));
    }
    chosen
}

/// The two end texts of a scale, under its left and right ends.
pub fn anchors_ui(ui: &mut Ui, t: &Tokens, low: &str, high: &str) {
    ui.columns(2, |columns| {
        super::text(&mut columns[0], low, t.font(t.small), t.palette.muted);
        columns[1].with_layout(egui::Layout::top_down(egui::Align::Max), |ui| {
            let text = egui::RichText::new(high)
                .font(t.font(t.small))
                .color(t.palette.muted);
            ui.add(egui::Label::new(text).wrap().halign(egui::Align::Max));
        });
    });
}
