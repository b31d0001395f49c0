//! A signature pad: draw with a finger, clear, confirm. Strokes are kept 0–1 relative.

use crate::ui::theme::Tokens;
use egui::{Sense, Stroke, Ui, Vec2};

/// Strokes being drawn (not yet confirmed). `Debug` counts the strokes: a signature is
/// patient data.
#[derive(Clone, Default, PartialEq)]
pub struct Pad {
    /// Finished and current strokes.
    pub strokes: Vec<Vec<[f64; 2]>>,
    drawing: bool,
}

impl std::fmt::Debug for Pad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pad")
            .field("strokes", &self.strokes.len())
            .field("drawing", &self.drawing)
            .finish()
    }
}

impl Pad {
    /// Whether anything is drawn.
    pub fn drawn(&self) -> bool {
        self.strokes.iter().any(|s| !s.is_empty())
    }

    /// A pad showing a confirmed signature.
    pub fn from_strokes(strokes: Vec<Vec<[f64; 2]>>) -> Pad {
        Pad {
            strokes,
            drawing: false,
        }
    }
}

/// Draws the pad and records finger strokes. Returns true while the drawing changes.
pub fn pad_ui(ui: &mut Ui, t: &Tokens, name: &str, pad: &mut Pad) -> bool {
    let p = t.palette;
    let width = ui.available_width();
    let height = (width * 0.3)
        .min(ui.ctx().content_rect().height() * 0.3)
        .max(t.signature_min);
    let (rect, response) = ui.allocate_exact_size(Vec2::new(width, height), Sense::drag());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, name));
    let painter = ui.painter();
    painter.rect(
        rect,
        t.corner(),
        p.surface,
        Stroke::new(t.border * 1.5, p.border),
        egui::StrokeKind::Inside,
    );
    let base = rect.bottom() - height * 0.25;
    painter.line_segment(
        [
            egui::pos2(rect.left() + t.pad, base),
            egui::pos2(rect.right() - t.pad, base),
        ],
        Stroke::new(t.border * 0.75, p.muted),
    );
    let mut changed = false;
    if let Some(pos) = response
        .interact_pointer_pos()
        .filter(|_| response.dragged() || response.drag_started())
    {
        let x = f64::from(((pos.x - rect.left()) / rect.width()).clamp(0.0, 1.0));
        let y = f64::from(((pos.y - rect.top()) / rect.height()).clamp(0.0, 1.0));
        if !pad.drawing {
            pad.strokes.push(Vec::new());
            pad.drawing = true;
        }
        if let Some(stroke) = pad.strokes.last_mut() {
            stroke.push([x, y]);
        }
        changed = true;
    }
    if response.drag_stopped() {
        pad.drawing = false;
    }
    let to_screen = |[x, y]: [f64; 2]| {
        egui::pos2(
            rect.left() + x as f32 * rect.width(),
            rect.top() + y as f32 * rect.height(),
        )
    };
    for stroke in &pad.strokes {
        let points: Vec<egui::Pos2> = stroke.iter().copied().map(to_screen).collect();
        if points.len() == 1 {
            painter.circle_filled(points[0], t.ink * 0.75, p.text);
        } else {
            painter.line(points, Stroke::new(t.ink, p.text));
        }
    }
    changed
}
