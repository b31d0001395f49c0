//! The body map: an image with tappable regions, lit when chosen, and the same regions as
//! tiles in words beside it (for checking, and for screen readers).

use super::{Mark, Tile, fold, tile_width};
use crate::ui::theme::{Palette, Tokens, contrast};
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
    // As tall as the page's visible height leaves below where the map starts on the page, less
    // a touch target's height under it (room for the summary line), so the whole figure shows
    // unscrolled. These lengths stay the same while the page scrolls, so the figure keeps
    // its size and the tiles beside it their columns (they take the width the figure leaves).
    let fits = fold(ui) - ui.cursor().top() - t.target - t.gap * 0.5;
    let map_height = fits.clamp(t.map_height.0, t.map_height.1);
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
        // The spot pressed, in image pixels, kept from the frame the finger came down: a page
        // that scrolls may move the map a little under the finger before it lifts, and the
        // patient meant what they touched.
        let to_image = |pos: Pos2| {
            [
                f64::from((pos.x - rect.left()) / scale),
                f64::from((pos.y - rect.top()) / scale),
            ]
        };
        let pressed_id = response.id.with("pressed");
        if response.is_pointer_button_down_on()
            && let Some(origin) = ui.input(|i| {
                i.pointer
                    .any_pressed()
                    .then(|| i.pointer.press_origin())
                    .flatten()
            })
        {
            ui.data_mut(|d| d.insert_temp(pressed_id, to_image(origin)));
        }
        if response.clicked()
            && let Some(at) = ui
                .data_mut(|d| d.remove_temp::<[f64; 2]>(pressed_id))
                .or_else(|| response.interact_pointer_pos().map(to_image))
        {
            // Half a touch target around each outline also counts, so that a small part
            // (the neck is 15 to 20 points wide) still takes a finger.
            let pad = f64::from(t.target * 0.5 / scale);
            toggled = region_at(
                regions
                    .iter()
                    .map(|r| (r.id.as_str(), r.polygons.as_slice())),
                at,
                pad,
            );
        }
        ui.vertical(|ui| {
            // About ten characters of body text per tile before words would break.
            let columns = ((ui.available_width() / (t.body * 10.0)) as usize).clamp(1, 3);
            let width = tile_width(ui, t, columns);
            for row in regions.chunks(columns) {
                let tiles = row
                    .iter()
                    .map(|region| {
                        let on = selected.iter().any(|s| s == region.id.as_str());
                        Tile::new(region.label.get(lang), width).mark(Mark::Check(on))
                    })
                    .collect();
                if let Some(n) = Tile::row(ui, t, tiles) {
                    toggled = Some(row[n].id.as_str());
                }
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

/// The figure's fill in the shipped picture (`FILL` in `assets/src/body_map.sh`).
const FIGURE_FILL: Color32 = Color32::from_gray(0xD6);

/// How the figure and its regions are drawn in a theme.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Look {
    /// Multiplies the picture's colours.
    tint: Color32,
    /// Outline of a region not chosen.
    line: Stroke,
    /// Fill of a chosen region.
    fill: Color32,
    /// Outline of a chosen region.
    chosen: Stroke,
}

impl Look {
    /// The look for a palette. On a dark background (high contrast) the light grey figure is
    /// dimmed to a middle grey that stands out from the black around it as the bright accent
    /// stands out from it; each region gets an outline in the text colour, and a chosen one is
    /// filled and edged with the accent, twice as thick, a patch as bold as a chosen tile (an
    /// outline as thick as a chosen edge read as chosen).
    fn new(t: &Tokens) -> Look {
        let p = t.palette;
        if dark(&p) {
            Look {
                tint: Color32::from_gray(0x80),
                line: Stroke::new(t.mark, p.text),
                fill: p.accent,
                chosen: Stroke::new(t.mark * 2.0, p.accent),
            }
        } else {
            Look {
                tint: Color32::WHITE,
                line: Stroke::new(t.border, p.border),
                fill: p.region,
                chosen: Stroke::new(t.mark, p.accent),
            }
        }
    }

    /// The figure's fill as drawn: the picture's grey times the tint (egui multiplies in
    /// gamma space).
    fn figure(&self) -> Color32 {
        let mul = |a: u8, b: u8| ((u16::from(a) * u16::from(b) + 127) / 255) as u8;
        Color32::from_rgb(
            mul(FIGURE_FILL.r(), self.tint.r()),
            mul(FIGURE_FILL.g(), self.tint.g()),
            mul(FIGURE_FILL.b(), self.tint.b()),
        )
    }
}

/// True when the background is nearer black than white.
fn dark(p: &Palette) -> bool {
    contrast(p.background, Color32::BLACK) < contrast(p.background, Color32::WHITE)
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
    let look = Look::new(t);
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
                look.tint,
            );
        }
        // Without the picture, a plain surface of the figure's colour, which the regions'
        // colours were chosen to stand out from.
        None => {
            painter.rect_filled(rect, 0, look.figure());
        }
    }
    // The chosen regions last, so that their edges lie over their neighbours' outlines.
    for on in [false, true] {
        for region in figure.regions {
            if selected.iter().any(|s| s == region.id.as_str()) != on {
                continue;
            }
            for polygon in &region.polygons {
                let points: Vec<Pos2> = polygon.iter().copied().map(to_screen).collect();
                if on {
                    painter.add(Shape::mesh(fill_mesh(&points, look.fill)));
                    painter.add(Shape::closed_line(points, look.chosen));
                } else {
                    painter.add(Shape::closed_line(points, look.line));
                }
            }
        }
    }
}

/// The region a tap at `at` chooses, among regions given as their id and polygons (all in
/// image pixels): the first with a polygon holding the point; when none does, the one whose
/// outline is nearest, if that is within `pad`.
pub fn region_at<'r>(
    regions: impl IntoIterator<Item = (&'r str, &'r [Vec<[f64; 2]>])> + Clone,
    at: [f64; 2],
    pad: f64,
) -> Option<&'r str> {
    if let Some((id, _)) = regions
        .clone()
        .into_iter()
        .find(|(_, polygons)| polygons.iter().any(|poly| contains(poly, at)))
    {
        return Some(id);
    }
    let mut nearest: Option<(&str, f64)> = None;
    for (id, polygons) in regions {
        for polygon in polygons {
            let d = distance(polygon, at);
            if d <= pad && nearest.is_none_or(|(_, best)| d < best) {
                nearest = Some((id, d));
            }
        }
    }
    nearest.map(|(id, _)| id)
}

/// Distance from a point to a polygon's outline.
fn distance(polygon: &[[f64; 2]], [x, y]: [f64; 2]) -> f64 {
    let n = polygon.len();
    (0..n)
        .map(|i| {
            let ([ax, ay], [bx, by]) = (polygon[i], polygon[(i + 1) % n]);
            let (dx, dy) = (bx - ax, by - ay);
            let len2 = dx * dx + dy * dy;
            let k = if len2 > 0.0 {
                (((x - ax) * dx + (y - ay) * dy) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            (x - (ax + k * dx)).hypot(y - (ay + k * dy))
        })
        .fold(f64::INFINITY, f64::min)
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

    fn square(x: f64, y: f64, side: f64) -> Vec<[f64; 2]> {
        vec![[x, y], [x + side, y], [x + side, y + side], [x, y + side]]
    }

    #[test]
    fn a_tap_near_a_small_region_counts_for_it_and_the_nearest_region_wins() {
        // A narrow neck above a wide shoulder band, touching it, and a pair of hands apart.
        let neck = vec![square(45.0, 0.0, 10.0)];
        let shoulders = vec![vec![[0.0, 10.0], [100.0, 10.0], [100.0, 30.0], [0.0, 30.0]]];
        let hands = vec![square(0.0, 60.0, 10.0), square(90.0, 60.0, 10.0)];
        let regions = [
            ("neck", neck.as_slice()),
            ("shoulders", shoulders.as_slice()),
            ("hands", hands.as_slice()),
        ];
        let at = |x, y, pad| region_at(regions.iter().copied(), [x, y], pad);
        // Inside a polygon, that region, whatever the padding.
        assert_eq!(at(50.0, 5.0, 0.0), Some("neck"));
        assert_eq!(at(50.0, 20.0, 8.0), Some("shoulders"));
        assert_eq!(at(95.0, 65.0, 0.0), Some("hands"));
        // Beside the neck, within the padding: the neck, though not in any polygon.
        assert_eq!(at(40.0, 3.0, 8.0), Some("neck"));
        assert_eq!(at(50.0, -6.0, 8.0), Some("neck"));
        // Without padding, or beyond it, nothing.
        assert_eq!(at(40.0, 3.0, 0.0), None);
        assert_eq!(at(50.0, -9.0, 8.0), None);
        assert_eq!(at(50.0, 45.0, 8.0), None);
        // Near two regions, the nearer: just above the shoulders' top edge beside the neck.
        assert_eq!(at(30.0, 8.0, 8.0), Some("shoulders"));
        assert_eq!(at(43.0, 6.0, 8.0), Some("neck"));
        // Near either of a region's polygons.
        assert_eq!(at(5.0, 75.0, 8.0), Some("hands"));
        assert_eq!(at(105.0, 55.0, 8.0), Some("hands"));
    }

    #[test]
    fn regions_stand_out_in_both_themes() {
        use crate::ui::theme::{HIGH_CONTRAST, NORMAL, TextSize};
        for high in [false, true] {
            let t = Tokens::new(TextSize::Normal, high);
            let look = Look::new(&t);
            let (figure, p) = (look.figure(), t.palette);
            // Every region's outline is seen on the figure.
            let line = contrast(look.line.color, figure);
            assert!(line >= 3.0, "outline on the figure: {line:.2}");
            // The chosen outline on the figure.
            let chosen = contrast(look.chosen.color, figure);
            assert!(chosen >= 3.0, "chosen outline on the figure: {chosen:.2}");
            if high {
                assert_eq!(p, HIGH_CONTRAST);
                assert!(dark(&p));
                assert!(look.line.width >= t.mark && look.chosen.width >= 2.0 * look.line.width);
                // The chosen fill (and edge) stands out from the figure and from the
                // background around it; the figure from the background.
                for (what, a, b) in [
                    ("fill on the figure", look.fill, figure),
                    ("fill on the background", look.fill, p.background),
                    (
                        "chosen outline on the background",
                        look.chosen.color,
                        p.background,
                    ),
                    ("figure on the background", figure, p.background),
                ] {
                    let ratio = contrast(a, b);
                    assert!(ratio >= 3.0, "{what}: {ratio:.2}");
                }
            } else {
                assert_eq!(p, NORMAL);
                assert!(!dark(&p));
            }
        }
    }
}
