//! A visual analogue scale with no pre-set value: nothing is chosen until the patient touches it.

use crate::ui::theme::Tokens;
use egui::{Rect, Role, Sense, Stroke, Ui, Vec2, WidgetInfo};

/// Draws the scale; returns the value where it was touched or dragged to.
pub fn slider_ui(
    ui: &mut Ui,
    t: &Tokens,
    name: &str,
    min: f64,
    max: f64,
    current: Option<f64>,
) -> Option<f64> {
    let p = t.palette;
    let width = ui.available_width();
    let height = t.target * 1.4;
    let (rect, response) =
        ui.allocate_exact_size(Vec2::new(width, height), Sense::click_and_drag());
    response.widget_info(|| {
        let mut info = WidgetInfo::labeled(Role::Slider, true, name);
        info.value = current;
        info
    });
    let margin = t.target * 0.5;
    let track = Rect::from_min_max(
        egui::pos2(rect.left() + margin, rect.center().y - t.track / 2.0),
        egui::pos2(rect.right() - margin, rect.center().y + t.track / 2.0),
    );
    let painter = ui.painter();
    painter.rect(
        track,
        t.track / 2.0,
        p.surface,
        Stroke::new(t.border, p.border),
        egui::StrokeKind::Outside,
    );
    for x in [track.left(), track.right()] {
        painter.line_segment(
            [
                egui::pos2(x, rect.top() + t.gap * 0.5),
                egui::pos2(x, rect.bottom() - t.gap * 0.5),
            ],
            Stroke::new(t.mark, p.text),
        );
    }
    let span = max - min;
    if let Some(v) = current {
        let x = track.left() + ((v - min) / span) as f32 * track.width();
        painter.rect_filled(
            Rect::from_min_max(track.min, egui::pos2(x, track.max.y)),
            t.track / 2.0,
            p.accent,
        );
        painter.circle(
            egui::pos2(x, rect.center().y),
            t.target * 0.35,
            p.accent,
            Stroke::new(t.mark, p.on_accent),
        );
    }
    let touched = response.clicked() || response.dragged();
    let pos = response.interact_pointer_pos().filter(|_| touched)?;
    let share = ((pos.x - track.left()) / track.width()).clamp(0.0, 1.0) as f64;
    // Whole steps on wide scales (a VAS 0–100), tenths on narrow ones.
    let raw = min + share * span;
    let value = if span >= 10.0 {
        raw.round()
    } else {
        (raw * 10.0).round() / 10.0
    };
    Some(value.clamp(min, max))
}
