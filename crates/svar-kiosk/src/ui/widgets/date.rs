//! Date entry by taps: year (by decade), then month, then day. No typing.

use super::{Mark, Tile, columns_for, tile_width};
use crate::ui::theme::Tokens;
use egui::Ui;
use svar_forms::answer::{Date, days_in_month};

/// Which part of the date the grid below shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Part {
    /// Years, grouped by decade.
    #[default]
    Year,
    /// The twelve months.
    Month,
    /// The days of the chosen month.
    Day,
}

/// A date being put together. `Debug` shows which parts are chosen, not what they are: the
/// date is an answer (often a birth date).
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Draft {
    /// Chosen year.
    pub year: Option<i32>,
    /// Chosen decade (to show its years).
    pub decade: Option<i32>,
    /// Chosen month.
    pub month: Option<u32>,
    /// Chosen day.
    pub day: Option<u32>,
    /// The grid shown.
    pub part: Part,
}

impl std::fmt::Debug for Draft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Draft")
            .field("year", &self.year.is_some())
            .field("month", &self.month.is_some())
            .field("day", &self.day.is_some())
            .field("part", &self.part)
            .finish_non_exhaustive()
    }
}

impl Draft {
    /// A draft showing an existing answer.
    pub fn from_date(date: Option<Date>) -> Draft {
        match date {
            Some(d) => Draft {
                year: Some(d.year),
                decade: Some(d.year - d.year.rem_euclid(10)),
                month: Some(d.month),
                day: Some(d.day),
                part: Part::Day,
            },
            None => Draft::default(),
        }
    }

    /// The days the day grid offers: those of the chosen month in the chosen year (29 for
    /// February before a year is chosen, 31 before a month is).
    pub fn days(&self) -> u32 {
        // 2000 was a leap year: until a year is chosen, 29 February may still exist.
        self.month
            .map_or(31, |m| days_in_month(self.year.unwrap_or(2000), m))
    }

    /// Drops a chosen day that the month and year chosen since do not have (31 November,
    /// 29 February 2027), so the patient chooses the day again.
    fn keep_day_real(&mut self) {
        if self.day.is_some_and(|d| d > self.days()) {
            self.day = None;
        }
    }

    /// The date, when all three parts make a real date.
    pub fn date(&self) -> Option<Date> {
        Date::parse(&format!(
            "{:04}-{:02}-{:02}",
            self.year?, self.month?, self.day?
        ))
    }
}

/// Labels from the interface text.
pub struct Labels<'a> {
    /// "Day", "Month", "Year".
    pub day: &'a str,
    /// Month heading.
    pub month: &'a str,
    /// Year heading.
    pub year: &'a str,
    /// Month names, January first.
    pub months: &'a [String],
}

/// Draws the three parts and the grid of the active part. Returns true when the draft changed.
pub fn date_ui(
    ui: &mut Ui,
    t: &Tokens,
    labels: &Labels,
    draft: &mut Draft,
    min_year: i32,
    max_year: i32,
) -> bool {
    let mut changed = false;
    let width = tile_width(ui, t, 3);
    let month_name = |m: u32| {
        labels
            .months
            .get(m as usize - 1)
            .cloned()
            .unwrap_or_default()
    };
    ui.horizontal(|ui| {
        let parts = [
            (Part::Day, labels.day, draft.day.map(|d| d.to_string())),
            (Part::Month, labels.month, draft.month.map(month_name)),
            (Part::Year, labels.year, draft.year.map(|y| y.to_string())),
        ];
        for (part, name, value) in parts {
            let label = format!("{name}: {}", value.unwrap_or_else(|| "–".into()));
            if Tile::new(&label, width)
                .mark(Mark::Plain(draft.part == part))
                .show(ui, t)
                .clicked()
            {
                draft.part = part;
                changed = true;
            }
        }
    });
    ui.add_space(t.gap);
    match draft.part {
        Part::Year => {
            let first = min_year - min_year.rem_euclid(10);
            let decades: Vec<(i32, String)> = (first..=max_year)
                .step_by(10)
                .map(|d| (d, format!("{d}–")))
                .collect();
            let per_row = columns_for(ui, t, decades.iter().map(|(_, l)| l.as_str()), 7);
            let w = tile_width(ui, t, per_row);
            for row in decades.chunks(per_row) {
                ui.horizontal(|ui| {
                    for (d, label) in row {
                        if Tile::new(label, w)
                            .mark(Mark::Plain(draft.decade == Some(*d)))
                            .show(ui, t)
                            .clicked()
                        {
                            draft.decade = Some(*d);
                            changed = true;
                        }
                    }
                });
            }
            if let Some(decade) = draft.decade {
                ui.add_space(t.gap);
                let years: Vec<i32> = (decade..decade + 10)
                    .filter(|y| (min_year..=max_year).contains(y))
                    .collect();
                let per_row = columns_for(ui, t, ["0000"], 5);
                let w = tile_width(ui, t, per_row);
                for row in years.chunks(per_row) {
                    ui.horizontal(|ui| {
                        for y in row {
                            if Tile::new(&y.to_string(), w)
                                .mark(Mark::Plain(draft.year == Some(*y)))
                                .show(ui, t)
                                .clicked()
                            {
                                draft.year = Some(*y);
                                draft.keep_day_real();
                                draft.part = Part::Month;
                                changed = true;
                            }
                        }
                    });
                }
            }
        }
        Part::Month => {
            let months: Vec<(u32, String)> = (1..=12).map(|m| (m, month_name(m))).collect();
            let per_row = columns_for(ui, t, months.iter().map(|(_, n)| n.as_str()), 4);
            let w = tile_width(ui, t, per_row);
            for row in months.chunks(per_row) {
                ui.horizontal(|ui| {
                    for (m, name) in row {
                        if Tile::new(name, w)
                            .mark(Mark::Plain(draft.month == Some(*m)))
                            .show(ui, t)
                            .clicked()
                        {
                            draft.month = Some(*m);
                            draft.keep_day_real();
                            draft.part = Part::Day;
                            changed = true;
                        }
                    }
                });
            }
        }
        Part::Day => {
            // Eleven to a row keeps all 31 days on a 1280×800 screen without scrolling.
            let per_row = columns_for(ui, t, ["00"], 11);
            let w = tile_width(ui, t, per_row);
            let days: Vec<u32> = (1..=draft.days()).collect();
            for row in days.chunks(per_row) {
                ui.horizontal(|ui| {
                    for d in row {
                        let label = d.to_string();
                        let a11y = format!("{} {label}", labels.day);
                        if Tile::new(&label, w)
                            .name(Some(&a11y))
                            .mark(Mark::Plain(draft.day == Some(*d)))
                            .show(ui, t)
                            .clicked()
                        {
                            draft.day = Some(*d);
                            changed = true;
                        }
                    }
                });
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(year: Option<i32>, month: Option<u32>, day: Option<u32>) -> Draft {
        Draft {
            year,
            decade: None,
            month,
            day,
            part: Part::Day,
        }
    }

    #[test]
    fn the_day_grid_offers_only_days_the_month_has() {
        assert_eq!(draft(Some(2026), Some(11), None).days(), 30);
        assert_eq!(draft(Some(2027), Some(2), None).days(), 28);
        assert_eq!(draft(Some(2028), Some(2), None).days(), 29);
        assert_eq!(
            draft(None, Some(2), None).days(),
            29,
            "no year yet: 29 may exist"
        );
        assert_eq!(draft(None, None, None).days(), 31);
    }

    #[test]
    fn a_day_the_new_month_or_year_lacks_is_dropped() {
        let mut d = draft(Some(2028), Some(2), Some(29));
        d.year = Some(2027);
        d.keep_day_real();
        assert_eq!(d.day, None, "29 February 2027 does not exist");
        let mut d = draft(Some(2026), Some(10), Some(31));
        d.month = Some(11);
        d.keep_day_real();
        assert_eq!(d.day, None, "31 November does not exist");
        let mut d = draft(Some(2026), Some(10), Some(30));
        d.month = Some(11);
        d.keep_day_real();
        assert_eq!(d.day, Some(30));
    }
}
