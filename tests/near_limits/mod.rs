//! Forms near the bounds of `svar_forms::form::limits`, written as JSON files and read back through
//! the real loader, and a headless kiosk that draws their screens and counts the work done.
//! Shared by the limits render test and the UI bench.

// The test and the bench each use part of this module.
#![allow(dead_code)]

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use svar_forms::answer::{Answer, Date};
use svar_forms::form::limits::{
    DEFAULT_FIRST_YEAR, DEFAULT_LAST_YEAR, MAX_ANSWER_CHARS, MAX_DATE_YEARS, MAX_MAP_POINTS,
    MAX_OPTIONS, MAX_PAGE_ITEMS, MAX_PAGE_TEXT_CHARS, MAX_RATING_VALUES, MAX_REGIONS,
    MAX_TEXT_CHARS,
};
use svar_forms::form::{Form, ItemKind};
use svar_forms::session::Screen;
use svar_forms::text::Lang;
use svar_kiosk::i18n::Strings;
use svar_kiosk::ui::{Config, Intent, Kiosk};

/// The one language of the generated forms.
pub const LANG: Lang = Lang::Nb;

/// The generated form's id (and its file name and its battery's).
const ID: &str = "near_limits";

/// The body-map image the generated maps draw on, and its size in pixels.
const MAP_IMAGE: &str = "map.png";
const MAP_SIZE: (f64, f64) = (200.0, 100.0);

/// A text of `chars` characters in words of `word` letters (a word at least as long as the
/// text has no space to break at).
#[derive(Debug, Clone, Copy)]
pub struct Words {
    /// Characters.
    pub chars: usize,
    /// Letters between spaces.
    pub word: usize,
}

impl Words {
    /// A short text of a few words.
    pub const SHORT: Words = Words { chars: 24, word: 6 };

    /// The text: letters with the Nordic ones (all in the kiosk's font), never a space at
    /// either end, since the loader refuses blank texts.
    pub fn text(self) -> String {
        const LETTERS: &[char] = &[
            'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'r',
            's', 't', 'u', 'v', 'y', 'æ', 'ø', 'å', 'A', 'Ø', 'Å',
        ];
        let chars = self.chars.max(1);
        (0..chars)
            .map(|i| {
                let space = (i + 1) % (self.word + 1) == 0 && i + 1 < chars;
                if space {
                    ' '
                } else {
                    LETTERS[i % LETTERS.len()]
                }
            })
            .collect()
    }

    fn json(self) -> Value {
        json!({ "nb": self.text() })
    }
}

/// An item's type with the settings that decide how much it draws.
#[derive(Debug, Clone)]
pub enum Kind {
    /// Information only.
    Info,
    /// One of `options` tiles.
    Single {
        /// Options.
        options: usize,
    },
    /// Any of `options` tiles.
    Multiple {
        /// Options.
        options: usize,
    },
    /// Yes or no.
    YesNo,
    /// A rating of `values` tiles from `min`.
    Rating {
        /// Lowest value.
        min: i64,
        /// Values shown.
        values: i64,
    },
    /// A slider.
    Slider,
    /// A keypad.
    Number {
        /// Decimals allowed.
        decimals: u32,
    },
    /// The on-screen keyboard.
    Text {
        /// Most characters.
        max_length: u32,
    },
    /// A date from `first` over `years`; `None`: the default years.
    Date {
        /// Earliest year and years offered.
        span: Option<(i32, i32)>,
    },
    /// `regions` regions of `polygons` polygons of `points` points each.
    BodyMap {
        /// Regions.
        regions: usize,
        /// Polygons per region.
        polygons: usize,
        /// Points per polygon.
        points: usize,
    },
    /// A signature pad.
    Signature,
}

/// One item: its type, its question and help, and the length of its option labels.
#[derive(Debug, Clone)]
pub struct ItemSpec {
    /// Type and settings.
    pub kind: Kind,
    /// The question.
    pub text: Words,
    /// Extra help.
    pub help: Option<Words>,
    /// Option, region and anchor labels.
    pub labels: Words,
}

/// How a page shows its items.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Show {
    /// A screen per item.
    OnePerScreen,
    /// All on one screen.
    Together,
}

/// One page.
#[derive(Debug, Clone)]
pub enum PageSpec {
    /// Items shown one per screen or together.
    Items {
        /// How they are shown.
        show: Show,
        /// The page's heading.
        title: Option<Words>,
        /// Its items.
        items: Vec<ItemSpec>,
    },
    /// A grid: `rows` single-choice rows sharing a scale of `options`.
    Grid {
        /// Rows.
        rows: usize,
        /// Options of the shared scale.
        options: usize,
        /// Each row's question.
        text: Words,
        /// The options' labels.
        labels: Words,
    },
}

impl PageSpec {
    /// Shortens the page's texts in proportion when together they are more than a page may
    /// show (`MAX_PAGE_TEXT_CHARS`), then lengthens those shown fewest times into what is left,
    /// so a page generated over the limit ends up valid and near it. A page within the limit
    /// is returned as it is.
    pub fn fit_text(mut self) -> PageSpec {
        let shown = self.text_chars();
        if shown <= MAX_PAGE_TEXT_CHARS {
            return self;
        }
        let mut texts = self.texts_mut();
        // Each text keeps at least one character: room for one of each is set aside, so the
        // rounded-down lengths cannot add up past the limit.
        let instances: usize = texts.iter().map(|(times, _)| times).sum();
        let room = MAX_PAGE_TEXT_CHARS - instances;
        for (_, w) in texts.iter_mut() {
            w.chars = (w.chars * room / shown).max(1);
        }
        let mut left = MAX_PAGE_TEXT_CHARS - texts.iter().map(|(t, w)| t * w.chars).sum::<usize>();
        texts.sort_by_key(|(times, _)| *times);
        for (times, w) in texts {
            let more = (left / times).min(MAX_TEXT_CHARS - w.chars);
            w.chars += more;
            left -= more * times;
        }
        self
    }

    /// Characters of all the texts the page shows.
    pub fn text_chars(&self) -> usize {
        let mut page = self.clone();
        page.texts_mut()
            .iter()
            .map(|(times, w)| times * w.chars)
            .sum()
    }

    /// Each text of the page with how many times the page shows it (a grid shows its labels
    /// on every row); a text shown no times is left out.
    fn texts_mut(&mut self) -> Vec<(usize, &mut Words)> {
        match self {
            PageSpec::Items { title, items, .. } => {
                let mut texts: Vec<(usize, &mut Words)> =
                    title.iter_mut().map(|w| (1, w)).collect();
                for item in items {
                    let labels = match item.kind {
                        Kind::Single { options } | Kind::Multiple { options } => options,
                        Kind::Rating { .. } | Kind::Slider => 2,
                        Kind::Number { .. } => 1,
                        Kind::BodyMap { regions, .. } => regions,
                        Kind::Info
                        | Kind::YesNo
                        | Kind::Text { .. }
                        | Kind::Date { .. }
                        | Kind::Signature => 0,
                    };
                    texts.push((1, &mut item.text));
                    texts.extend(item.help.iter_mut().map(|w| (1, w)));
                    if labels > 0 {
                        texts.push((labels, &mut item.labels));
                    }
                }
                texts
            }
            PageSpec::Grid {
                rows,
                options,
                text,
                labels,
            } => vec![(*rows, text), (*rows * *options, labels)],
        }
    }
}

/// The form's JSON text: one language, no scores, nothing required (so Next always moves
/// on) and no moving on by itself (so a screen stays until the test moves).
pub fn form_json(pages: &[PageSpec]) -> Value {
    let mut next_item = 0;
    let mut item_id = || {
        next_item += 1;
        format!("i{next_item}")
    };
    let mut scales = serde_json::Map::new();
    let pages: Vec<Value> = pages
        .iter()
        .enumerate()
        .map(|(p, page)| match page {
            PageSpec::Items { show, title, items } => {
                let mut page = json!({
                    "id": format!("p{p}"),
                    "display": match show {
                        Show::OnePerScreen => "one_per_screen",
                        Show::Together => "together",
                    },
                    "items": items.iter().map(|i| item_json(i, &item_id())).collect::<Vec<_>>(),
                });
                if let Some(title) = title {
                    page["title"] = title.json();
                }
                page
            }
            PageSpec::Grid {
                rows,
                options,
                text,
                labels,
            } => {
                let scale = format!("s{p}");
                scales.insert(
                    scale.clone(),
                    json!({ "options": options_json(*options, *labels) }),
                );
                let rows: Vec<Value> = (0..*rows)
                    .map(|_| {
                        json!({"id": item_id(), "type": "single_choice", "scale": scale,
                               "text": text.json()})
                    })
                    .collect();
                json!({"id": format!("p{p}"), "display": "grid", "items": rows})
            }
        })
        .collect();
    json!({
        "id": ID,
        "version": "1.0.0",
        "title": Words::SHORT.json(),
        "languages": ["nb"],
        "instrument": "Svar near-limits test form",
        "wording": "project",
        "scoring_source": "Test form: no scores.",
        "auto_advance_ms": 0,
        "scales": scales,
        "pages": pages,
    })
}

fn options_json(options: usize, labels: Words) -> Vec<Value> {
    (0..options)
        .map(|v| json!({"value": v, "label": labels.json()}))
        .collect()
}

fn item_json(item: &ItemSpec, id: &str) -> Value {
    let mut out = json!({"id": id, "text": item.text.json()});
    if let Some(help) = item.help {
        out["help"] = help.json();
    }
    let anchors = json!({"min": item.labels.json(), "max": item.labels.json()});
    let fields = match &item.kind {
        Kind::Info => json!({"type": "info"}),
        Kind::Single { options } => {
            json!({"type": "single_choice", "options": options_json(*options, item.labels)})
        }
        Kind::Multiple { options } => {
            json!({"type": "multiple_choice", "options": options_json(*options, item.labels)})
        }
        Kind::YesNo => json!({"type": "yes_no"}),
        Kind::Rating { min, values } => {
            json!({"type": "rating", "min": min, "max": min + values - 1, "anchors": anchors})
        }
        Kind::Slider => json!({"type": "slider", "anchors": anchors}),
        Kind::Number { decimals } => json!({"type": "number", "min": -1e6, "max": 1e6,
                                            "decimals": decimals, "unit": item.labels.json()}),
        Kind::Text { max_length } => json!({"type": "text", "max_length": max_length}),
        Kind::Date { span: None } => json!({"type": "date"}),
        Kind::Date {
            span: Some((first, years)),
        } => json!({"type": "date", "min": format!("{first:04}-01-01"),
                    "max": format!("{:04}-12-31", first + years - 1)}),
        Kind::BodyMap {
            regions,
            polygons,
            points,
        } => json!({"type": "body_map", "image": MAP_IMAGE,
                    "regions": regions_json(*regions, *polygons, *points, item.labels)}),
        Kind::Signature => json!({"type": "signature"}),
    };
    for (key, value) in fields.as_object().into_iter().flatten() {
        out[key] = value.clone();
    }
    out
}

/// Regions whose polygons are stars (every other point pulled in, so none is convex), one to
/// a cell of a grid over the image.
fn regions_json(regions: usize, polygons: usize, points: usize, labels: Words) -> Vec<Value> {
    let cells = regions * polygons;
    // Twice as many columns as rows, as the image is twice as wide as high.
    let rows = ((cells as f64 / 2.0).sqrt().ceil() as usize).max(1);
    let columns = cells.div_ceil(rows);
    let (w, h) = (MAP_SIZE.0 / columns as f64, MAP_SIZE.1 / rows as f64);
    let radius = w.min(h) * 0.45;
    let star = |cell: usize| -> Vec<[f64; 2]> {
        let centre = (
            (cell % columns) as f64 * w + w / 2.0,
            (cell / columns) as f64 * h + h / 2.0,
        );
        (0..points)
            .map(|k| {
                let angle = std::f64::consts::TAU * k as f64 / points as f64;
                let r = if k % 2 == 0 { radius } else { radius * 0.5 };
                let round = |v: f64| (v * 100.0).round() / 100.0;
                [
                    round(centre.0 + r * angle.cos()),
                    round(centre.1 + r * angle.sin()),
                ]
            })
            .collect()
    };
    (0..regions)
        .map(|r| {
            json!({"id": format!("r{r}"), "label": labels.json(),
                   "polygons": (0..polygons).map(|p| star(r * polygons + p)).collect::<Vec<_>>()})
        })
        .collect()
}

/// A temporary forms folder holding one form, its battery and the map image, as `svar`
/// reads them.
pub struct FormFolder {
    dir: tempfile::TempDir,
}

impl FormFolder {
    /// Writes `form` (with a one-form battery) into a fresh folder.
    pub fn new(form: &Value) -> FormFolder {
        let dir = tempfile::tempdir().expect("temp dir");
        let forms = dir.path().join("forms");
        std::fs::create_dir_all(forms.join("batteries")).expect("forms folder");
        std::fs::create_dir_all(dir.path().join("assets")).expect("assets folder");
        // Compact: the loader refuses form files over 4 MiB, and the largest body maps are
        // near that.
        let text = serde_json::to_string(form).expect("form JSON");
        std::fs::write(forms.join(format!("{ID}.json")), text).expect("write form");
        let battery = json!({"id": ID, "version": "1.0.0", "title": Words::SHORT.json(),
                             "languages": ["nb"], "timepoints": ["baseline"],
                             "forms": [{"form": ID}]});
        std::fs::write(
            forms.join("batteries").join(format!("{ID}.json")),
            battery.to_string(),
        )
        .expect("write battery");
        std::fs::copy(
            fixtures().join("assets").join(MAP_IMAGE),
            dir.path().join("assets").join(MAP_IMAGE),
        )
        .expect("copy the map image");
        FormFolder { dir }
    }

    /// The forms folder.
    pub fn forms(&self) -> PathBuf {
        self.dir.path().join("forms")
    }

    /// The assets folder beside it.
    pub fn assets(&self) -> PathBuf {
        self.dir.path().join("assets")
    }

    /// Loads the folder as `svar validate` and the kiosk do: the diagnostics, and the kiosk
    /// on the form's battery when it loaded without errors.
    pub fn load(&self) -> Result<Kiosk, Vec<svar_forms::diag::Diagnostic>> {
        let loaded = svar_forms::library::load_paths(&[self.forms()], None);
        if loaded.has_errors() {
            return Err(loaded.diagnostics);
        }
        let config = Config {
            battery: Arc::new(loaded.batteries[ID].clone()),
            assets: self.assets(),
            clinic: svar_kiosk::config::ClinicName::same("Near the limits"),
            demo: true,
            idle_warn: 90.0,
            idle_countdown: 30.0,
            thanks_seconds: 8.0,
            pause_seconds: 30.0 * 60.0,
            default_lang: LANG,
            staff: svar_kiosk::ui::StaffSettings::default(),
        };
        let records = svar_kiosk::setup::demo_records(
            &self.dir.path().join("kiosk"),
            svar_bundle::FormHashes::of_loaded(&loaded),
            loaded.shared_batteries(),
        )
        .expect("demo records");
        let mut kiosk = Kiosk::new(config, Strings::load().expect("locales"), records);
        kiosk.apply(Intent::StartDemo, 0.0);
        kiosk.apply(Intent::PickLanguage(LANG), 0.0);
        // From the form's introduction to its first screen.
        kiosk.apply(Intent::Next, 0.0);
        Ok(kiosk)
    }
}

/// The screen the kiosk shows, when it is a question screen: the form and the screen.
pub fn current(kiosk: &Kiosk) -> Option<(Arc<Form>, usize, Screen)> {
    let session = kiosk.session()?;
    let (form, screen) = session.current_screen()?;
    Some((
        Arc::clone(&session.battery().forms[form].form),
        form,
        screen,
    ))
}

/// Gives every item on the current screen the answer that draws most: every option and
/// region chosen, the highest value, a text as long as allowed.
pub fn answer_all(kiosk: &mut Kiosk) {
    let Some((form, form_ix, screen)) = current(kiosk) else {
        return;
    };
    for ix in &screen.items {
        if let Some(answer) = heaviest_answer(&form.item(*ix).kind) {
            kiosk.apply(Intent::Answer(form_ix, *ix, Some(answer)), 0.0);
        }
    }
}

fn heaviest_answer(kind: &ItemKind) -> Option<Answer> {
    Some(match kind {
        ItemKind::SingleChoice { options, .. } => Answer::Number(options.last()?.value),
        ItemKind::MultipleChoice { options, .. } => {
            Answer::Choices(options.iter().map(|o| o.value).collect())
        }
        ItemKind::YesNo => Answer::Number(1.0),
        ItemKind::Rating { max, .. } => Answer::Number(*max as f64),
        ItemKind::Slider { max, .. } | ItemKind::Number { max, .. } => Answer::Number(*max),
        ItemKind::Text { max_length } => Answer::Text("æ".repeat(*max_length)),
        ItemKind::BodyMap { regions, .. } => {
            Answer::Regions(regions.iter().map(|r| r.id.to_string()).collect())
        }
        // Every question gets an answer, so that the review lists nothing.
        ItemKind::Date { min, .. } => Answer::Date(min.unwrap_or(Date {
            year: DEFAULT_FIRST_YEAR,
            month: 1,
            day: 1,
        })),
        ItemKind::Signature => Answer::Strokes(vec![vec![[0.1, 0.5], [0.9, 0.5]]]),
        ItemKind::Info { .. } => return None,
    })
}

/// What one frame cost: shapes painted, vertices after tessellation, accessibility nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Work {
    /// Shapes the frame painted.
    pub shapes: usize,
    /// Vertices of the tessellated meshes (what the GPU gets).
    pub vertices: usize,
    /// Nodes of the accessibility tree (one per widget and container laid out, drawn or not).
    pub nodes: usize,
}

impl Work {
    /// True when every count is at most `budget`'s.
    pub fn within(&self, budget: &Work) -> bool {
        self.shapes <= budget.shapes
            && self.vertices <= budget.vertices
            && self.nodes <= budget.nodes
    }
}

/// A headless egui context the size of the kiosk's screen, with the kiosk's fonts and look and
/// the accessibility tree on.
pub struct Headless {
    ctx: egui::Context,
}

impl Headless {
    /// The kiosk's screen: 1280×800 points.
    pub const SCREEN: egui::Vec2 = egui::vec2(1280.0, 800.0);

    /// A fresh context, readied for `kiosk` as the app readies its window's.
    pub fn new(kiosk: &mut Kiosk) -> Headless {
        let ctx = egui::Context::default();
        kiosk.prepare(&ctx);
        ctx.enable_accesskit();
        Headless { ctx }
    }

    /// Builds and tessellates one frame of the kiosk; returns what it cost.
    pub fn frame(&self, kiosk: &mut Kiosk) -> Work {
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, Self::SCREEN)),
            // The clock stands still: however many frames are drawn, the idle time-out never
            // comes and every frame shows the same screen.
            time: Some(0.0),
            ..Default::default()
        };
        let mut output = self.ctx.run_ui(input, |ui| kiosk.frame(ui));
        // No GPU takes the font atlas and images: the uploads are dropped unapplied.
        output.textures_delta.clear();
        let nodes = output
            .platform_output
            .accesskit_update
            .as_ref()
            .map_or(0, |update| update.nodes.len());
        let shapes = output.shapes.len();
        let vertices = self
            .ctx
            .tessellate(output.shapes, output.pixels_per_point)
            .iter()
            .map(|p| match &p.primitive {
                egui::epaint::Primitive::Mesh(mesh) => mesh.vertices.len(),
                egui::epaint::Primitive::Callback(_) => 0,
            })
            .sum();
        Work {
            shapes,
            vertices,
            nodes,
        }
    }
}

/// What a screen draws, counted from the checked form: the sizes the budget grows with.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Content {
    /// Items on the screen.
    pub items: usize,
    /// Tiles: options, rating values, regions, and the keys and date parts of the fixed
    /// widgets.
    pub tiles: usize,
    /// Characters of the form's texts shown (questions, help, labels, the page title) and of
    /// each text item's answer at its longest.
    pub chars: usize,
    /// Body-map polygons.
    pub polygons: usize,
    /// Their corner points.
    pub points: usize,
}

/// Tiles of the on-screen keyboard: three rows of eleven letters, shift, three signs, space
/// and delete.
const KEYBOARD_TILES: usize = 3 * 11 + 1 + 3 + 1 + 1;
/// Tiles of the keypad: clear, nine digits, comma, zero and delete.
const KEYPAD_TILES: usize = 13;
/// Tiles of the date picker at its largest (choosing the year): day, month and year, a tile
/// per decade (a span that starts and ends mid-decade touches one more), ten years.
const fn date_tiles(years: usize) -> usize {
    3 + years / 10 + 2 + 10
}
/// Tiles of a signature item: clear and confirm.
const SIGNATURE_TILES: usize = 2;

impl Content {
    /// What the kiosk draws for `screen` of `form`.
    pub fn of(form: &Form, screen: &Screen) -> Content {
        let mut c = Content {
            items: screen.items.len(),
            ..Content::default()
        };
        let chars = |t: &svar_forms::text::Text| t.get(LANG).chars().count();
        if let Some(title) = &form.pages[screen.page].title {
            c.chars += chars(title);
        }
        for ix in &screen.items {
            let item = form.item(*ix);
            c.chars += item.texts().into_iter().map(chars).sum::<usize>();
            match &item.kind {
                ItemKind::Info { .. } | ItemKind::Slider { .. } => {}
                ItemKind::SingleChoice { options, .. }
                | ItemKind::MultipleChoice { options, .. } => c.tiles += options.len(),
                ItemKind::YesNo => c.tiles += 2,
                ItemKind::Rating { min, max, .. } => c.tiles += (max - min + 1) as usize,
                ItemKind::Number { .. } => c.tiles += KEYPAD_TILES,
                ItemKind::Text { max_length } => {
                    c.tiles += KEYBOARD_TILES;
                    c.chars += max_length;
                }
                ItemKind::Date { min, max } => {
                    let first = min.map_or(DEFAULT_FIRST_YEAR, |d| d.year);
                    let last = max.map_or(DEFAULT_LAST_YEAR, |d| d.year);
                    c.tiles += date_tiles((last - first + 1) as usize);
                }
                ItemKind::BodyMap { regions, .. } => {
                    c.tiles += regions.len();
                    c.polygons += regions.iter().map(|r| r.polygons.len()).sum::<usize>();
                    c.points += regions
                        .iter()
                        .flat_map(|r| &r.polygons)
                        .map(Vec::len)
                        .sum::<usize>();
                }
                ItemKind::Signature => c.tiles += SIGNATURE_TILES,
            }
        }
        c
    }

    /// The most any screen of a form that validates can show: every term at its limit. A
    /// page holds at most `MAX_PAGE_ITEMS` items; an item at most the largest of
    /// `MAX_RATING_VALUES` rating tiles, `MAX_OPTIONS` options, `MAX_REGIONS` regions and the
    /// fixed widgets' tiles; the page's texts at most `MAX_PAGE_TEXT_CHARS` in all, and each
    /// item a typed answer of `MAX_ANSWER_CHARS`; a body map at most `MAX_MAP_POINTS` points in
    /// polygons of at least 3.
    pub const AT_LIMITS: Content = {
        let tiles = max(
            max(MAX_RATING_VALUES as usize, MAX_OPTIONS),
            max(
                max(MAX_REGIONS, KEYBOARD_TILES),
                max(KEYPAD_TILES, date_tiles(MAX_DATE_YEARS as usize)),
            ),
        );
        Content {
            items: MAX_PAGE_ITEMS,
            tiles: MAX_PAGE_ITEMS * tiles,
            chars: MAX_PAGE_TEXT_CHARS + MAX_PAGE_ITEMS * MAX_ANSWER_CHARS as usize,
            polygons: MAX_PAGE_ITEMS * MAX_MAP_POINTS / 3,
            points: MAX_PAGE_ITEMS * MAX_MAP_POINTS,
        }
    };

    /// True when every count is at most `other`'s.
    pub fn within(&self, other: &Content) -> bool {
        self.items <= other.items
            && self.tiles <= other.tiles
            && self.chars <= other.chars
            && self.polygons <= other.polygons
            && self.points <= other.points
    }
}

const fn max(a: usize, b: usize) -> usize {
    if a > b { a } else { b }
}

/// The folder of the repository's test fixtures.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}
