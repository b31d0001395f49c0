//! Design tokens: every size and colour the kiosk draws with comes from here.

use egui::{Color32, CornerRadius, FontFamily, FontId, Margin, Stroke, TextStyle, Vec2};

/// One of the three text sizes a patient can choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextSize {
    /// The default.
    #[default]
    Normal,
    /// A step up.
    Large,
    /// The largest.
    Largest,
}

impl TextSize {
    /// The next size, wrapping around (the header button cycles through them).
    pub fn next(self) -> TextSize {
        match self {
            TextSize::Normal => TextSize::Large,
            TextSize::Large => TextSize::Largest,
            TextSize::Largest => TextSize::Normal,
        }
    }

    /// Scale applied to every text size.
    pub fn scale(self) -> f32 {
        match self {
            TextSize::Normal => 1.0,
            TextSize::Large => 1.2,
            TextSize::Largest => 1.4,
        }
    }

    /// The message id naming this size.
    pub fn message(self) -> &'static str {
        match self {
            TextSize::Normal => "text-size-normal",
            TextSize::Large => "text-size-large",
            TextSize::Largest => "text-size-largest",
        }
    }
}

/// Colours of one theme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    /// Screen background.
    pub background: Color32,
    /// Panels, tiles.
    pub surface: Color32,
    /// Body text.
    pub text: Color32,
    /// Secondary text (hints, anchors).
    pub muted: Color32,
    /// Buttons that move on, the selected state, the progress bar.
    pub accent: Color32,
    /// Text on `accent`.
    pub on_accent: Color32,
    /// Tile borders.
    pub border: Color32,
    /// Messages that need attention (a number out of range).
    pub warning: Color32,
    /// The demo ribbon.
    pub ribbon: Color32,
    /// Text on the ribbon.
    pub on_ribbon: Color32,
    /// Highlighted body-map regions (drawn translucent over the image).
    pub region: Color32,
    /// The dimmed screen behind a dialog.
    pub backdrop: Color32,
}

/// Contrast ratios (WCAG) are checked in tests: ≥ 4.5:1 for text in the normal theme,
/// ≥ 7:1 in the high-contrast theme.
pub const NORMAL: Palette = Palette {
    background: Color32::from_rgb(0xF4, 0xF5, 0xF7),
    surface: Color32::WHITE,
    text: Color32::from_rgb(0x1B, 0x1F, 0x24),
    muted: Color32::from_rgb(0x4A, 0x52, 0x5C),
    accent: Color32::from_rgb(0x1F, 0x4E, 0x8C),
    on_accent: Color32::WHITE,
    border: Color32::from_rgb(0x6B, 0x74, 0x80),
    warning: Color32::from_rgb(0x9A, 0x2A, 0x00),
    ribbon: Color32::from_rgb(0x8A, 0x5A, 0x00),
    on_ribbon: Color32::WHITE,
    region: Color32::from_rgba_premultiplied(0x1F, 0x4E, 0x8C, 0x90),
    backdrop: Color32::from_black_alpha(200),
};

/// The high-contrast theme.
pub const HIGH_CONTRAST: Palette = Palette {
    background: Color32::BLACK,
    surface: Color32::from_rgb(0x10, 0x10, 0x10),
    text: Color32::WHITE,
    muted: Color32::from_rgb(0xE0, 0xE0, 0xE0),
    accent: Color32::from_rgb(0xFF, 0xE0, 0x3D),
    on_accent: Color32::BLACK,
    border: Color32::WHITE,
    warning: Color32::from_rgb(0xFF, 0xB0, 0x80),
    ribbon: Color32::from_rgb(0xFF, 0xE0, 0x3D),
    on_ribbon: Color32::BLACK,
    region: Color32::from_rgba_premultiplied(0xB3, 0x9D, 0x2A, 0xB3),
    backdrop: Color32::from_black_alpha(200),
};

/// Sizes, in points (1 point is 1 pixel at the default zoom on a 1080p kiosk).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tokens {
    /// The colours.
    pub palette: Palette,
    /// Body text size (at least 22 at the normal text size).
    pub body: f32,
    /// Question text.
    pub question: f32,
    /// Screen titles.
    pub title: f32,
    /// Small print (never below the body size on patient screens).
    pub small: f32,
    /// Smallest height of anything a finger taps (60 px is 15 mm at 1080p).
    pub target: f32,
    /// Space between targets.
    pub gap: f32,
    /// Padding inside panels.
    pub pad: f32,
    /// Corner rounding.
    pub radius: u8,
    /// Border width of tiles; the selected state also doubles it, so it never relies on colour.
    pub border: f32,
    /// The widest the screen's column grows (header, content and footer share it): on wider
    /// screens it stays centred, so Next stays near the answers and lines stay readable.
    pub column: f32,
    /// Smallest height of an on-screen keyboard's or number pad's key, to which keys shrink
    /// when the screen is short (above WCAG's 44 px, about 12 mm at 1080p).
    pub key_min: f32,
    /// Height of the header and footer bars.
    pub bar: f32,
    /// Space inside a tile: from its side to the text or mark (x), above and below the text (y).
    pub inset: Vec2,
    /// Width of the navigation buttons (back, next) and other single actions.
    pub button: f32,
    /// Width of the welcome screen's start button.
    pub button_wide: f32,
    /// Width of the buttons beside the PIN pad.
    pub button_side: f32,
    /// Width of the small staff button on the welcome screen, out of a patient's way.
    pub button_small: f32,
    /// Width of a header button (language, text size, contrast); grows with the text.
    pub header_button: f32,
    /// Height of the logo on the welcome screen.
    pub logo: f32,
    /// Height of the progress bar.
    pub progress: f32,
    /// Space a dialog keeps from each side of the screen.
    pub margin: f32,
    /// Smallest height of the signature pad.
    pub signature_min: f32,
    /// Smallest and largest height of a body map.
    pub map_height: (f32, f32),
    /// Width of lines that show a state or a value: radio and check marks, the slider's
    /// thumb and ends, a chosen body-map region.
    pub mark: f32,
    /// Width of the signature's ink.
    pub ink: f32,
    /// Height of the slider's track.
    pub track: f32,
    /// Space inside the header and footer bars.
    pub bar_margin: Margin,
    /// Space inside the demo ribbon.
    pub ribbon_margin: Margin,
    /// Space around the screen's content between the bars.
    pub content_margin: Margin,
    /// Space inside a dialog.
    pub dialog_margin: Margin,
    /// Width of the preview's side panel for the admin (`svar preview`).
    pub panel: f32,
}

impl Tokens {
    /// Tokens for a text size and theme.
    pub fn new(size: TextSize, high_contrast: bool) -> Tokens {
        let s = size.scale();
        Tokens {
            palette: if high_contrast { HIGH_CONTRAST } else { NORMAL },
            body: 24.0 * s,
            question: 30.0 * s,
            title: 38.0 * s,
            small: 22.0 * s,
            target: 64.0_f32.max(44.0 * s),
            gap: 14.0,
            pad: 24.0,
            radius: 12,
            border: 2.0,
            // Wider for larger text, so words are not broken up on wide screens.
            column: 1240.0 * s,
            key_min: 48.0,
            bar: 84.0,
            inset: Vec2::new(18.0, 12.0),
            button: 320.0,
            button_wide: 420.0,
            button_side: 280.0,
            button_small: 180.0,
            header_button: 230.0 * s,
            logo: 160.0,
            progress: 10.0,
            margin: 40.0,
            signature_min: 160.0,
            map_height: (280.0, 900.0),
            mark: 3.0,
            ink: 3.5,
            track: 12.0,
            bar_margin: Margin::symmetric(24, 10),
            ribbon_margin: Margin::symmetric(16, 6),
            content_margin: Margin::symmetric(24, 12),
            dialog_margin: Margin::same(32),
            panel: 460.0,
        }
    }

    /// A font of the body family at a size.
    pub fn font(&self, size: f32) -> FontId {
        FontId::new(size, FontFamily::Proportional)
    }

    /// A bold font at a size.
    pub fn bold(&self, size: f32) -> FontId {
        FontId::new(size, FontFamily::Name(BOLD.into()))
    }

    /// Stroke of a tile border, thicker when selected.
    pub fn tile_stroke(&self, selected: bool) -> Stroke {
        if selected {
            Stroke::new(self.border * 2.5, self.palette.accent)
        } else {
            Stroke::new(self.border, self.palette.border)
        }
    }

    /// Rounding of tiles and buttons.
    pub fn corner(&self) -> CornerRadius {
        CornerRadius::same(self.radius)
    }

    /// Applies the tokens to egui's style, in its dark and its light theme alike: the kiosk's
    /// look follows its own contrast setting, never the system's theme (which egui may learn
    /// only after the style was set).
    pub fn apply(&self, ctx: &egui::Context) {
        let p = self.palette;
        ctx.all_styles_mut(|style| {
            style.text_styles = [
                (TextStyle::Heading, self.font(self.title)),
                (TextStyle::Body, self.font(self.body)),
                (TextStyle::Button, self.font(self.body)),
                (TextStyle::Small, self.font(self.small)),
                (TextStyle::Monospace, FontId::monospace(self.body)),
            ]
            .into();
            style.spacing.item_spacing = Vec2::splat(self.gap);
            style.spacing.button_padding = self.inset;
            style.spacing.interact_size = Vec2::new(self.target, self.target);
            // A solid bar takes its own room beside the content, never over a tile's edge.
            style.spacing.scroll = egui::style::ScrollStyle::solid();
            style.spacing.scroll.bar_width = 14.0;
            style.interaction.selectable_labels = false;
            style.interaction.tooltip_delay = f32::INFINITY;
            let v = &mut style.visuals;
            *v = if p.background == Color32::BLACK {
                egui::Visuals::dark()
            } else {
                egui::Visuals::light()
            };
            v.override_text_color = Some(p.text);
            v.panel_fill = p.background;
            v.window_fill = p.surface;
            v.extreme_bg_color = p.surface;
            v.selection.bg_fill = p.accent;
            v.selection.stroke = Stroke::new(2.0, p.on_accent);
            for w in [
                &mut v.widgets.inactive,
                &mut v.widgets.hovered,
                &mut v.widgets.active,
                &mut v.widgets.open,
            ] {
                w.bg_fill = p.surface;
                w.weak_bg_fill = p.surface;
                w.bg_stroke = Stroke::new(self.border, p.border);
                w.fg_stroke = Stroke::new(2.0, p.text);
                w.corner_radius = self.corner();
                w.expansion = 0.0;
            }
            v.widgets.noninteractive.fg_stroke = Stroke::new(1.0, p.text);
            v.widgets.noninteractive.bg_stroke = Stroke::new(1.0, p.border);
        });
    }
}

/// Name of the bold font family.
pub const BOLD: &str = "bold";

/// Installs the shipped DejaVu Sans (which has æøå, äöü, é and the symbols we draw) as the
/// main font, with egui's default fonts behind it.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "DejaVuSans".into(),
        std::sync::Arc::new(egui::FontData::from_static(include_bytes!(
            "../../../../assets/fonts/DejaVuSans.ttf"
        ))),
    );
    fonts.font_data.insert(
        "DejaVuSans-Bold".into(),
        std::sync::Arc::new(egui::FontData::from_static(include_bytes!(
            "../../../../assets/fonts/DejaVuSans-Bold.ttf"
        ))),
    );
    let defaults = fonts
        .families
        .get(&FontFamily::Proportional)
        .cloned()
        .unwrap_or_default();
    let mut proportional = vec!["DejaVuSans".to_owned()];
    proportional.extend(defaults.iter().cloned());
    let mut bold = vec!["DejaVuSans-Bold".to_owned()];
    bold.extend(defaults);
    fonts
        .families
        .insert(FontFamily::Proportional, proportional);
    fonts.families.insert(FontFamily::Name(BOLD.into()), bold);
    ctx.set_fonts(fonts);
}

/// WCAG contrast ratio of two opaque colours.
pub fn contrast(a: Color32, b: Color32) -> f32 {
    fn luminance(c: Color32) -> f32 {
        let lin = |v: u8| {
            let v = f32::from(v) / 255.0;
            if v <= 0.039_28 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_contrast_meets_the_targets() {
        for (palette, min) in [(NORMAL, 4.5), (HIGH_CONTRAST, 7.0)] {
            for (fg, bg) in [
                (palette.text, palette.background),
                (palette.text, palette.surface),
                (palette.muted, palette.background),
                (palette.muted, palette.surface),
                (palette.on_accent, palette.accent),
                (palette.accent, palette.surface),
                (palette.warning, palette.surface),
                (palette.warning, palette.background),
                (palette.on_ribbon, palette.ribbon),
            ] {
                let ratio = contrast(fg, bg);
                assert!(ratio >= min, "{fg:?} on {bg:?}: {ratio:.2} < {min}");
            }
        }
    }

    #[test]
    fn sizes_meet_the_comfort_targets() {
        for size in [TextSize::Normal, TextSize::Large, TextSize::Largest] {
            let t = Tokens::new(size, false);
            assert!(t.body >= 22.0 && t.small >= 22.0 && t.target >= 60.0);
            assert!(t.key_min >= 44.0 && t.key_min <= t.target);
        }
    }
}
