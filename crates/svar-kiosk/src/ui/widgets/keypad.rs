//! A numeric keypad: digits, a decimal comma when the item allows decimals, delete and clear.

use super::{Tile, field_ui, key_height, text};
use crate::ui::theme::Tokens;
use egui::Ui;

/// A key of the keypad. `Debug` hides which digit: keys spell answers, patient ids and PINs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A digit.
    Digit(u8),
    /// The decimal comma.
    Comma,
    /// Delete the last character.
    Delete,
    /// Empty the field.
    Clear,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Key::Digit(_) => "Digit(***)",
            Key::Comma => "Comma",
            Key::Delete => "Delete",
            Key::Clear => "Clear",
        })
    }
}

/// What the keypad shows; the labels come from the interface text.
pub struct Labels<'a> {
    /// Name of the field for screen readers.
    pub field: &'a str,
    /// Comma key.
    pub comma: &'a str,
    /// Delete key.
    pub delete: &'a str,
    /// Clear key.
    pub clear: &'a str,
}

/// Draws the field (with a Clear key beside it) and the keys, the last row ending above
/// `bottom` (keys shrink to fit); returns the key tapped.
pub fn keypad_ui(
    ui: &mut Ui,
    t: &Tokens,
    labels: &Labels,
    buffer: &str,
    decimals: bool,
    bottom: f32,
) -> Option<Key> {
    let key_width = (t.target * 1.8).min((ui.available_width() - 2.0 * t.gap) / 3.0);
    let shown = buffer.to_owned();
    let mut pressed = None;
    ui.spacing_mut().item_spacing.y = t.gap * 0.5;
    ui.horizontal(|ui| {
        field_ui(
            ui,
            t,
            labels.field,
            buffer,
            shown,
            key_width * 2.0 + t.gap,
            t.bold(t.question),
        );
        if Tile::new(labels.clear, key_width).show(ui, t).clicked() {
            pressed = Some(Key::Clear);
        }
    });
    let height = key_height(ui, t, 4, bottom);
    // A row is as tall as its keys (egui would make it at least the touch target).
    ui.spacing_mut().interact_size.y = height;
    let rows: [[(String, Key); 3]; 3] = [1u8, 4, 7]
        .map(|first| [0u8, 1, 2].map(|i| ((first + i).to_string(), Key::Digit(first + i))));
    for row in rows {
        ui.horizontal(|ui| {
            for (label, key) in row {
                if Tile::new(&label, key_width)
                    .key(height)
                    .show(ui, t)
                    .clicked()
                {
                    pressed = Some(key);
                }
            }
        });
    }
    ui.horizontal(|ui| {
        if decimals {
            if Tile::new(",", key_width)
                .key(height)
                .name(Some(labels.comma))
                .show(ui, t)
                .clicked()
            {
                pressed = Some(Key::Comma);
            }
        } else {
            // An empty slot keeps 0 under 8, as on every keypad.
            ui.allocate_exact_size(egui::vec2(key_width, height), egui::Sense::hover());
        }
        if Tile::new("0", key_width).key(height).show(ui, t).clicked() {
            pressed = Some(Key::Digit(0));
        }
        if Tile::new(labels.delete, key_width)
            .key(height)
            .show(ui, t)
            .clicked()
        {
            pressed = Some(Key::Delete);
        }
    });
    pressed
}

/// Applies a key to the text of the field (at most 12 characters, one comma).
pub fn apply(buffer: &mut String, key: Key) {
    match key {
        Key::Digit(d) if buffer.len() < 12 => buffer.push(char::from(b'0' + d)),
        Key::Comma if !buffer.contains(',') && buffer.len() < 12 => {
            if buffer.is_empty() {
                buffer.push('0');
            }
            buffer.push(',');
        }
        Key::Delete => {
            buffer.pop();
        }
        Key::Clear => buffer.clear(),
        _ => {}
    }
}

/// The number in the field: `Some(None)` when empty, `None` when it is not a number.
pub fn value(buffer: &str) -> Option<Option<f64>> {
    if buffer.is_empty() {
        return Some(None);
    }
    buffer.replace(',', ".").parse::<f64>().ok().map(Some)
}

/// A hint or a problem under the keypad.
pub fn message_ui(ui: &mut Ui, t: &Tokens, message: &str, problem: bool) {
    let color = if problem {
        t.palette.warning
    } else {
        t.palette.muted
    };
    let font = if problem {
        t.bold(t.body)
    } else {
        t.font(t.body)
    };
    text(ui, message, font, color);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_edit_the_field() {
        let mut b = String::new();
        for k in [Key::Comma, Key::Digit(5), Key::Comma, Key::Digit(2)] {
            apply(&mut b, k);
        }
        assert_eq!(b, "0,52");
        assert_eq!(value(&b), Some(Some(0.52)));
        apply(&mut b, Key::Delete);
        assert_eq!(b, "0,5");
        apply(&mut b, Key::Clear);
        assert_eq!(value(&b), Some(None));
        for _ in 0..20 {
            apply(&mut b, Key::Digit(9));
        }
        assert_eq!(b.len(), 12);
    }
}
