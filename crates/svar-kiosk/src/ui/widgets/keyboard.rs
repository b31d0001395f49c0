//! An on-screen keyboard with the Nordic letters, so no physical keyboard is ever needed.

use super::{Mark, Tile, field_ui, key_height, tile_width};
use crate::ui::theme::Tokens;
use egui::Ui;

/// The row above the letters where ids mix letters and digits (`NWH-0042`).
const DIGITS: &str = "1234567890";

/// Which keys the keyboard has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Letters and punctuation, for words (a patient's free text).
    Letters,
    /// A row of digits above the letters, for ids such as study ids.
    LettersAndDigits,
}

/// Labels of the special keys and the field.
pub struct Labels<'a> {
    /// Name of the field for screen readers.
    pub field: &'a str,
    /// Shift key.
    pub shift: &'a str,
    /// Space key.
    pub space: &'a str,
    /// Delete key.
    pub delete: &'a str,
    /// The letter keys, row by row, rows separated by spaces, in the order of the language's
    /// own keyboard (Norwegian `…løæ`, Danish `…læø`). Numbers have their own keypad items;
    /// letters for names and words fit in three rows.
    pub letters: &'a str,
}

/// A key pressed. `Debug` hides which character: keys spell answers and study ids.
#[derive(Clone, PartialEq, Eq)]
pub enum Key {
    /// Type a character.
    Char(char),
    /// Toggle capitals for the next letter.
    Shift,
    /// Delete the last character.
    Delete,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Key::Char(_) => "Char(***)",
            Key::Shift => "Shift",
            Key::Delete => "Delete",
        })
    }
}

/// Draws the text field and the keys of `layout`, the last row ending above `bottom` (keys
/// shrink to fit); returns the key tapped. `shift` shows capitals.
pub fn keyboard_ui(
    ui: &mut Ui,
    t: &Tokens,
    labels: &Labels,
    layout: Layout,
    current: &str,
    shift: bool,
    bottom: f32,
) -> Option<Key> {
    let shown = format!("{current}|");
    field_ui(
        ui,
        t,
        labels.field,
        current,
        shown,
        ui.available_width(),
        t.font(t.question),
    );
    let mut pressed = None;
    let key_width = tile_width(ui, t, 11);
    // Tighter rows than elsewhere, so the keys stay large on a short screen.
    ui.spacing_mut().item_spacing.y = t.gap * 0.5;
    let digits = (layout == Layout::LettersAndDigits).then_some(DIGITS);
    let rows: Vec<&str> = digits
        .into_iter()
        .chain(labels.letters.split(' '))
        .collect();
    let key = key_height(ui, t, rows.len() + 1, bottom);
    // A row is as tall as its keys (egui would make it at least the touch target).
    ui.spacing_mut().interact_size.y = key;
    for row in rows {
        ui.horizontal(|ui| {
            for c in row.chars() {
                let shown = if shift {
                    c.to_uppercase().collect::<String>()
                } else {
                    c.to_string()
                };
                if Tile::new(&shown, key_width).key(key).show(ui, t).clicked() {
                    pressed = shown.chars().next().map(Key::Char);
                }
            }
        });
    }
    ui.horizontal(|ui| {
        let wide = key_width * 2.0 + t.gap;
        if Tile::new(labels.shift, wide)
            .key(key)
            .mark(Mark::Plain(shift))
            .show(ui, t)
            .clicked()
        {
            pressed = Some(Key::Shift);
        }
        for c in ['-', '.', '\''] {
            if Tile::new(&c.to_string(), key_width)
                .key(key)
                .show(ui, t)
                .clicked()
            {
                pressed = Some(Key::Char(c));
            }
        }
        let space_width = ui.available_width() - wide - t.gap;
        if Tile::new(labels.space, space_width)
            .key(key)
            .show(ui, t)
            .clicked()
        {
            pressed = Some(Key::Char(' '));
        }
        if Tile::new(labels.delete, wide)
            .key(key)
            .show(ui, t)
            .clicked()
        {
            pressed = Some(Key::Delete);
        }
    });
    pressed
}

/// Applies a key: returns the new text and whether capitals stay on. Capitals turn off after
/// one letter, as on a phone.
pub fn apply(current: &str, key: &Key, shift: bool) -> (String, bool) {
    match key {
        Key::Char(c) => (format!("{current}{c}"), shift && !c.is_alphabetic()),
        Key::Shift => (current.to_owned(), !shift),
        Key::Delete => {
            let mut s = current.to_owned();
            s.pop();
            (s, shift)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_capitalises_one_letter() {
        let (s, shift) = apply("", &Key::Shift, false);
        assert!(shift);
        let (s, shift) = apply(&s, &Key::Char('Ø'), shift);
        assert_eq!((s.as_str(), shift), ("Ø", false));
        let (s, _) = apply(&s, &Key::Char('y'), shift);
        let (s, _) = apply(&s, &Key::Delete, false);
        assert_eq!(s, "Ø");
    }
}
