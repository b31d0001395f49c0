//! The body map: an image with tappable regions, lit when chosen, and the same regions as
//! tiles in words beside it (for checking, and for screen readers).

use super::{Mark, Tile, tile_width};
use crate::ui::theme::Tokens;
use egui::{Color32, Mesh, Painter, Pos2, Rect, Sense, Shape, Stroke, Ui, Vec2};
use svar_forms::form::Region;
use svar_forms::text::Lang;

/// What a body map shows: the image (when it loaded) and its regions, whose polygons are in the
/// image's pixel coordinates (`image_size`).
#[derive(Clone, Copy)]
pub struct Figure<'a> {
    /// The image.
    pub image: Option<&'a egui::TextureHandle>,
    /// The image's width and height in pixels, as the form gives them.
    pub image_size: (u32, u32),
    /// The tappable regions.
    pub regions: &'a [Region],
}

/// Draws the map and the region tiles; returns the new selection when it changes.
pub fn body_map_ui(
    ui: &mut Ui,
    t: &Tokens,
    lang: Lang,
    figure: Figure,
    selected: &[String],
    name: &str,
) -> Option<Vec<String>> {
    let Figure {
        image_size,
        regions,
        ..
    } = figure;
    let mut toggled: Option<&str> = None;
    let (w, h) = (image_size.0.max(1) as f32, image_size.1.max(1) as f32);
    let available = ui.available_width();
    // As tall as the visible space left on the screen, so the whole figure shows unscrolled.
    let visible_left = ui.clip_rect().bottom() - ui.cursor().top() - t.gap * 0.5;
    let map_height = visible_left.clamp(t.map_height.0, t.map_height.1);
    let map_width = (map_height * w / h).min(available * 0.4);
    let scale = map_width / w;
    ui.horizontal_top(|ui| {
        let (rect, response) =
            ui.allocate_exact_size(Vec2::new(w * scale, h * scale), Sense::click());
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Canvas, true, name));
        // Scrolled out of view, the map keeps its place and its node for screen readers but
        // paints nothing: a page of many large maps, all chosen, would otherwise outline and
        // fill every polygon on every frame.
        if ui.is_rect_visible(rect) {
            paint(&ui.painter_at(rect), t, rect, figure, scale, selected);
        }
        if response.clicked()
            && let Some(pos) = response.interact_pointer_pos()
        {
            let at = [
                f64::from((pos.x - rect.left()) / scale),
                f64::from((pos.y - rect.top()) / scale),
            ];
            toggled = regions
                .iter()
                .find(|r| r.polygons.iter().any(|poly| contains(poly, at)))
                .map(|r| r.id.as_str());
        }
        ui.vertical(|ui| {
            // About ten characters of body text per tile before words would break.
            let columns = ((ui.available_width() / (t.body * 10.0)) as usize).clamp(1, 3);
            let width = tile_width(ui, t, columns);
            for pair in regions.chunks(columns) {
                ui.horizontal(|ui| {
                    for region in pair {
                        let on = selected.iter().any(|s| s == region.id.as_str());
                        if Tile::new(region.label.get(lang), width)
                            .mark(Mark::Check(on))
                            .show(ui, t)
                            .clicked()
                        {
                            toggled = Some(region.id.as_str());
                        }
                    }
                });
            }
        });
    });
    let id = toggled?;
    let mut next: Vec<String> = regions
        .iter()
        .map(|r| r.id.as_str())
        .filter(|r| {
            if *r == id {
                !selected.iter().any(|s| s == r)
            } else {
                selected.iter().any(|s| s == r)
            }
        })
        .map(str::to_owned)
        .collect();
    next.dedup();
    Some(next)
}

/// Paints the image into `rect` (or a plain surface when it did not load) at `scale` screen
/// points per image pixel, and over it the regions' outlines, the chosen ones filled.
fn paint(
    painter: &Painter,
    t: &Tokens,
    rect: Rect,
    figure: Figure,
    scale: f32,
    selected: &[String],
) {
    let to_screen = |[x, y]: [f64; 2]| {
        Pos2::new(
            rect.left() + x as f32 * scale,
            rect.top() + y as f32 * scale,
        )
    };
    match figure.image {
        Some(texture) => {
            painter.image(
                texture.id(),
                rect,
                Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
                Color32::WHITE,
            );
        }
        None => {
            painter.rect_filled(rect, 0, t.palette.surface);
        }
    }
    for region in figure.regions {
        let on = selected.iter().any(|s| s == region.id.as_str());
        for polygon in &region.polygons {
            let points: Vec<Pos2> = polygon.iter().copied().map(to_screen).collect();
            if on {
                painter.add(Shape::mesh(fill_mesh(&points, t.palette.region)));
                painter.add(Shape::closed_line(
                    points,
                    Stroke::new(t.mark, t.palette.accent),
                ));
            } else {
                painter.add(Shape::closed_line(
                    points,
                    Stroke::new(t.border * 0.5, t.palette.border.gamma_multiply(0.5)),
                ));
            }
        }
    }
}

/// True when a point lies inside a polygon (even-odd rule).
pub fn contains(polygon: &[[f64; 2]], [x, y]: [f64; 2]) -> bool {
    let n = polygon.len();
    let mut inside = false;
    for i in 0..n {
        let ([xi, yi], [xj, yj]) = (polygon[i], polygon[(i + n - 1) % n]);
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
            inside = !inside;
        }
    }
    inside
}

/// A filled mesh of a simple polygon, convex or not, by ear clipping.
fn fill_mesh(points: &[Pos2], color: Color32) -> Mesh {
    let mut mesh = Mesh::default();
    for p in points {
        mesh.colored_vertex(*p, color);
    }
    for [a, b, c] in triangulate(points) {
        mesh.add_triangle(a as u32, b as u32, c as u32);
    }
    mesh
}

/// Triangles of a simple polygon by ear clipping.
fn triangulate(points: &[Pos2]) -> Vec<[usize; 3]> {
    let cross = |o: Pos2, a: Pos2, b: Pos2| (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
    let area: f32 = (0..points.len())
        .map(|i| {
            let (a, b) = (points[i], points[(i + 1) % points.len()]);
            a.x * b.y - b.x * a.y
        })
        .sum();
    let orientation = area.signum();
    let mut left: Vec<usize> = (0..points.len()).collect();
    let mut triangles = Vec::new();
    let mut guard = 0;
    while left.len() > 3 && guard < points.len() * points.len() {
        guard += 1;
        let n = left.len();
        let ear = (0..n).find(|&i| {
            let (a, b, c) = (left[(i + n - 1) % n], left[i], left[(i + 1) % n]);
            let (pa, pb, pc) = (points[a], points[b], points[c]);
            if cross(pa, pb, pc) * orientation <= 0.0 {
                return false;
            }
            !left.iter().any(|&k| {
                k != a && k != b && k != c && {
                    let p = points[k];
                    let (d1, d2, d3) = (cross(pa, pb, p), cross(pb, pc, p), cross(pc, pa, p));
                    d1 * orientation >= 0.0 && d2 * orientation >= 0.0 && d3 * orientation >= 0.0
                }
            })
        });
        let Some(i) = ear else { break };
        triangles.push([left[(i + n - 1) % n], left[i], left[(i + 1) % n]]);
        left.remove(i);
    }
    if left.len() == 3 {
        triangles.push([left[0], left[1], left[2]]);
    }
    triangles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_points_in_concave_polygons() {
        let l_shape = [
            [0.0, 0.0],
            [10.0, 0.0],
            [10.0, 2.0],
            [2.0, 2.0],
            [2.0, 10.0],
            [0.0, 10.0],
        ];
        assert!(contains(&l_shape, [1.0, 5.0]));
        assert!(contains(&l_shape, [5.0, 1.0]));
        assert!(!contains(&l_shape, [5.0, 5.0]));
        let points: Vec<Pos2> = l_shape
            .iter()
            .map(|[x, y]| Pos2::new(*x as f32, *y as f32))
            .collect();
        assert_eq!(triangulate(&points).len(), 4);
    }
}
