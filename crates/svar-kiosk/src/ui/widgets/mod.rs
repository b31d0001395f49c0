//! Touch widgets: every one draws state handed to it and reports what the patient did.

pub mod body_map;
pub mod choice;
pub mod date;
pub mod keyboard;
pub mod keypad;
pub mod signature;
pub mod slider;

use crate::ui::theme::Tokens;
use egui::{Response, Role, Sense, Stroke, Ui, Vec2, WidgetInfo};

/// How a tile marks its state; the mark is drawn as shapes so it never depends on a glyph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A plain button.
    None,
    /// A round mark: one of several (single choice).
    Radio(bool),
    /// A square mark: any of several (multiple choice, body-map regions).
    Check(bool),
    /// No drawn mark but a selected state, for narrow tiles such as a rating row: selected
    /// shows as a filled tile with a thick border and a bar under the label.
    Plain(bool),
}

impl Mark {
    fn selected(self) -> bool {
        matches!(
            self,
            Mark::Radio(true) | Mark::Check(true) | Mark::Plain(true)
        )
    }
}

/// A large tappable tile: a button, or one option of a choice. The selected state shows as
/// a filled tile, a thicker border and a drawn mark, so it never relies on colour alone.
#[derive(Debug, Clone, Copy)]
#[must_use = "a tile is drawn by `show`"]
pub struct Tile<'a> {
    label: &'a str,
    a11y: Option<&'a str>,
    mark: Mark,
    primary: bool,
    width: f32,
    left: bool,
    min_height: f32,
    key: Option<f32>,
}

impl<'a> Tile<'a> {
    /// A plain tile showing `label`, `width` wide.
    pub fn new(label: &'a str, width: f32) -> Self {
        Tile {
            label,
            a11y: None,
            mark: Mark::None,
            primary: false,
            width,
            left: false,
            min_height: 0.0,
            key: None,
        }
    }

    /// A key of an on-screen keyboard or number pad: exactly `height` tall (keys shrink to fit
    /// a short screen, never below `Tokens::key_min`), its label on one line, drawn smaller
    /// when it would not fit.
    pub fn key(mut self, height: f32) -> Self {
        self.key = Some(height);
        self
    }

    /// At least `height` tall: tiles of one row share the tallest one's height.
    pub fn min_height(mut self, height: f32) -> Self {
        self.min_height = height;
        self
    }

    /// The height the tile takes: its label's lines with padding, and at least the touch
    /// target.
    pub fn height(&self, ui: &Ui, t: &Tokens) -> f32 {
        self.height_of(&self.layout(ui, t).0, t)
    }

    fn height_of(&self, galley: &egui::Galley, t: &Tokens) -> f32 {
        if let Some(height) = self.key {
            return height;
        }
        (galley.size().y + 2.0 * t.inset.y)
            .max(t.target)
            .max(self.min_height)
    }

    /// The width the label may take, and the width of the drawn mark beside it.
    fn text_room(&self, t: &Tokens) -> (f32, f32) {
        let drawn_mark = matches!(self.mark, Mark::Radio(_) | Mark::Check(_));
        let mark_space = if drawn_mark { t.body * 1.6 } else { 0.0 };
        let room = (self.width - 2.0 * t.inset.x - mark_space).max(t.body * 2.0);
        (room, mark_space)
    }

    /// The label's font: bold on the screen's main action.
    fn font(&self, t: &Tokens) -> egui::FontId {
        if self.primary {
            t.bold(t.body)
        } else {
            t.font(t.body)
        }
    }

    /// The label laid out in the tile's font and width, and the width left of a drawn mark.
    fn layout(&self, ui: &Ui, t: &Tokens) -> (std::sync::Arc<egui::Galley>, f32) {
        let p = t.palette;
        let selected = self.mark.selected();
        let text_color = if selected || self.primary {
            p.on_accent
        } else {
            p.text
        };
        let (inner_width, mark_space) = self.text_room(t);
        let font = self.font(t);
        let Some(height) = self.key else {
            let galley = ui
                .painter()
                .layout(self.label.to_owned(), font, text_color, inner_width);
            return (galley, mark_space);
        };
        // A key's label stays on one line inside the key, smaller if it must.
        let galley = ui
            .painter()
            .layout_no_wrap(self.label.to_owned(), font.clone(), text_color);
        let room = egui::vec2(inner_width, (height - t.inset.y).max(1.0));
        let shrink = (room.x / galley.size().x)
            .min(room.y / galley.size().y)
            .min(1.0);
        if shrink >= 1.0 {
            return (galley, mark_space);
        }
        let smaller = egui::FontId::new(font.size * shrink, font.family);
        let galley = ui
            .painter()
            .layout_no_wrap(self.label.to_owned(), smaller, text_color);
        (galley, mark_space)
    }

    /// Whether a word of the label is wider than the tile's text room, so that it would be
    /// broken in the middle ("Meste/parten"): then the tile is too narrow for its label.
    pub fn breaks_words(&self, ui: &Ui, t: &Tokens) -> bool {
        let (room, _) = self.text_room(t);
        self.label.split_whitespace().any(|word| {
            ui.painter()
                .layout_no_wrap(word.to_owned(), self.font(t), t.palette.text)
                .size()
                .x
                > room
        })
    }

    /// Text from the left edge, for tiles in a list whose labels wrap to different widths
    /// (centred, wrapped lines of different tiles would start at ragged places).
    pub fn left_aligned(mut self) -> Self {
        self.left = true;
        self
    }

    /// The name a screen reader reads and tests find the tile by, when it is not the label.
    pub fn name(mut self, a11y: Option<&'a str>) -> Self {
        self.a11y = a11y;
        self
    }

    /// How the tile marks its state.
    pub fn mark(mut self, mark: Mark) -> Self {
        self.mark = mark;
        self
    }

    /// Whether this is the screen's main action (filled, bold).
    pub fn primary(mut self, primary: bool) -> Self {
        self.primary = primary;
        self
    }

    /// Draws the tiles of one row, each as tall as the tallest (a wrapped label makes the
    /// whole row taller, not one tile); returns the index of the one tapped.
    pub fn row(ui: &mut Ui, t: &Tokens, tiles: Vec<Tile<'a>>) -> Option<usize> {
        let height = tiles
            .iter()
            .map(|tile| tile.height(ui, t))
            .fold(0.0, f32::max);
        let mut tapped = None;
        ui.horizontal(|ui| {
            for (n, tile) in tiles.into_iter().enumerate() {
                if tile.min_height(height).show(ui, t).clicked() {
                    tapped = Some(n);
                }
            }
        });
        tapped
    }

    /// Draws the tile; the response says whether it was tapped.
    pub fn show(self, ui: &mut Ui, t: &Tokens) -> Response {
        let (galley, mark_space) = self.layout(ui, t);
        let height = self.height_of(&galley, t);
        let Tile {
            label,
            a11y,
            mark,
            primary,
            width,
            left,
            ..
        } = self;
        let p = t.palette;
        let selected = mark.selected();
        let fill = if selected || primary {
            p.accent
        } else {
            p.surface
        };
        let text_color = if selected || primary {
            p.on_accent
        } else {
            p.text
        };
        let drawn_mark = matches!(mark, Mark::Radio(_) | Mark::Check(_));
        let (rect, response) = ui.allocate_exact_size(Vec2::new(width, height), Sense::click());
        let name = a11y.unwrap_or(label).to_owned();
        response.widget_info(|| match mark {
            Mark::None => WidgetInfo::labeled(Role::Button, true, &name),
            Mark::Radio(on) => WidgetInfo::selected(Role::RadioButton, true, on, &name),
            Mark::Check(on) => WidgetInfo::selected(Role::CheckBox, true, on, &name),
            Mark::Plain(on) => WidgetInfo::selected(Role::RadioButton, true, on, &name),
        });
        if ui.is_rect_visible(rect) {
            let painter = ui.painter();
            let pressed = response.is_pointer_button_down_on();
            let fill = if pressed {
                fill.gamma_multiply(0.85)
            } else {
                fill
            };
            painter.rect(
                rect,
                t.corner(),
                fill,
                t.tile_stroke(selected),
                egui::StrokeKind::Inside,
            );
            let mut text_left = rect.left() + t.inset.x;
            if drawn_mark {
                let centre = egui::pos2(rect.left() + t.inset.x + t.body * 0.6, rect.center().y);
                let r = t.body * 0.5;
                let ring = Stroke::new(t.mark, text_color);
                match mark {
                    Mark::Radio(_) => {
                        painter.circle_stroke(centre, r, ring);
                    }
                    _ => {
                        painter.rect_stroke(
                            egui::Rect::from_center_size(centre, Vec2::splat(2.0 * r)),
                            t.radius / 3,
                            ring,
                            egui::StrokeKind::Middle,
                        );
                    }
                }
                if selected {
                    let tick = [
                        centre + Vec2::new(-0.55 * r, 0.0),
                        centre + Vec2::new(-0.15 * r, 0.45 * r),
                        centre + Vec2::new(0.6 * r, -0.5 * r),
                    ];
                    painter.line(tick.to_vec(), Stroke::new(t.mark * 1.3, text_color));
                }
                text_left += mark_space;
            }
            if matches!(mark, Mark::Plain(true)) {
                let bar = egui::Rect::from_center_size(
                    egui::pos2(rect.center().x, rect.bottom() - 2.0 * t.mark),
                    Vec2::new(rect.width() * 0.5, 1.5 * t.mark),
                );
                painter.rect_filled(bar, t.mark / 2.0, text_color);
            }
            let pos = if !drawn_mark && !left {
                rect.center() - galley.size() / 2.0
            } else {
                egui::pos2(text_left, rect.center().y - galley.size().y / 2.0)
            };
            painter.galley(pos, galley, text_color);
        }
        response
    }
}

/// The height of keys that fit `rows` rows (with the row gap) between the cursor and `bottom`,
/// between `Tokens::key_min` and the touch target: keyboards and number pads are always
/// wholly on screen, with keys as large as the room allows.
pub fn key_height(ui: &Ui, t: &Tokens, rows: usize, bottom: f32) -> f32 {
    let rows = rows.max(1) as f32;
    let room = bottom - ui.cursor().top() - ui.spacing().item_spacing.y * (rows - 1.0);
    (room / rows).clamp(t.key_min, t.target)
}

/// Where the visible area ends while the page is at its top, in the coordinates `ui` draws
/// in: what must be on screen unscrolled ends above it. The page is the scroll area's content
/// (or, outside one, the outermost `Ui`); it and the fold move together as it scrolls, so a
/// size taken from the fold never changes while the page scrolls.
pub fn fold(ui: &Ui) -> f32 {
    let stack = ui.stack();
    let page = stack
        .iter()
        .find(|s| s.kind() == Some(egui::UiKind::ScrollArea))
        .or_else(|| stack.iter().last());
    page.map_or(ui.clip_rect().top(), |s| s.max_rect.top()) + ui.clip_rect().height()
}

/// How many tiles showing `labels` fit side by side, at most `max`: each wide enough for the
/// widest label on one line, so a year or a month's name never breaks inside itself.
pub fn columns_for<'l>(
    ui: &Ui,
    t: &Tokens,
    labels: impl IntoIterator<Item = &'l str>,
    max: usize,
) -> usize {
    let tile = widest_line(ui, t.font(t.body), labels) + 2.0 * t.inset.x;
    let fit = ((ui.available_width() + t.gap) / (tile + t.gap)).floor();
    (fit as usize).clamp(1, max.max(1))
}

/// The width of the widest of `labels` set on one line in `font`.
pub fn widest_line<'l>(
    ui: &Ui,
    font: egui::FontId,
    labels: impl IntoIterator<Item = &'l str>,
) -> f32 {
    labels
        .into_iter()
        .map(|label| {
            ui.painter()
                .layout_no_wrap(label.to_owned(), font.clone(), egui::Color32::PLACEHOLDER)
                .size()
                .x
        })
        .fold(0.0, f32::max)
}

/// Lays tiles out in rows of `columns`, each as wide as the row allows.
pub fn tile_width(ui: &Ui, t: &Tokens, columns: usize) -> f32 {
    let columns = columns.max(1) as f32;
    ((ui.available_width() - t.gap * (columns - 1.0)) / columns).floor()
}

/// A paragraph of wrapped text in a given font and colour.
pub fn text(ui: &mut Ui, body: &str, font: egui::FontId, color: egui::Color32) -> Response {
    ui.add(egui::Label::new(egui::RichText::new(body).font(font).color(color)).wrap())
}

/// A read-only text field that shows what the on-screen keys have typed. It carries the
/// field's name and value for screen readers.
pub fn field_ui(
    ui: &mut Ui,
    t: &Tokens,
    name: &str,
    value: &str,
    shown: String,
    width: f32,
    font: egui::FontId,
) {
    let (rect, response) = ui.allocate_exact_size(Vec2::new(width, t.target), Sense::hover());
    response.widget_info(|| {
        let mut info = WidgetInfo::labeled(Role::TextInput, true, name);
        info.current_text_value = Some(value.to_owned());
        info
    });
    let p = t.palette;
    ui.painter().rect(
        rect,
        t.corner(),
        p.surface,
        Stroke::new(t.border * 1.5, p.border),
        egui::StrokeKind::Inside,
    );
    // Every character stays in the box: a value wider than the field (an 11-digit id in the
    // largest text) is drawn smaller rather than cut off.
    let room = (width - 2.0 * t.inset.x).max(1.0);
    let mut galley = ui
        .painter()
        .layout_no_wrap(shown.clone(), font.clone(), p.text);
    if galley.size().x > room {
        let smaller = egui::FontId::new(font.size * room / galley.size().x, font.family);
        galley = ui.painter().layout_no_wrap(shown, smaller, p.text);
    }
    let pos = rect.left_center() + Vec2::new(t.inset.x, -galley.size().y / 2.0);
    ui.painter().galley(pos, galley, p.text);
}
