//! A form that validates draws every screen in bounded work. Forms generated near the bounds
//! of `svar_forms::form::limits` are written as JSON, loaded through the real loader and walked
//! screen by screen in a headless kiosk at 1280×800; each screen, drawn before and after its
//! heaviest answers, must stay within a budget that grows linearly with what it shows, and
//! what it shows must stay within what the limits allow. Work is counted, never timed.
//!
//! Also here: the image-file size limit, which no fixture can show (its file is 8 MiB).

mod near_limits;

use near_limits::{
    Content, FormFolder, Headless, ItemSpec, Kind, PageSpec, Show, Words, answer_all, current,
    form_json,
};
use proptest::collection::vec;
use proptest::prelude::*;
use svar_forms::form::limits::{
    MAX_ANSWER_CHARS, MAX_DATE_YEARS, MAX_IMAGE_BYTES, MAX_MAP_POINTS, MAX_OPTIONS, MAX_PAGE_ITEMS,
    MAX_PAGE_TEXT_CHARS, MAX_PAGES, MAX_POLYGON_POINTS, MAX_RATING_VALUES, MAX_REGIONS,
    MAX_TEXT_CHARS,
};
use svar_forms::session::{Position, Screen};
use svar_kiosk::ui::Intent;
use svar_kiosk::ui::theme::{TextSize, Tokens};

/// The work a screen may cost, linear in what it shows (see [`Content`]):
///
/// - shapes   ≤ 40 + 12·items + 4·tiles + 2·polygons
/// - vertices ≤ 4000 + 600·items + 250·tiles + 4·chars + 6·points
/// - nodes    ≤ 60 + 16·items + 2·tiles
///
/// A tile paints at most 4 shapes (its rectangle, a mark, a tick or bar, its label) and a
/// polygon 2 (its outline, and its fill once chosen). A character is one quad of 4 vertices;
/// a tile's rounded, outlined rectangle and short label (a key, a month) take about 150
/// vertices; a polygon point is a fill vertex and an anti-aliased outline's 4. Each tile is an
/// accessibility node, and so at most once more is the row it sits in. The fixed parts (the
/// header, navigation and ribbon; an item's question, help, status line, separator or text
/// field) were measured and given about half again as much room.
fn budget(c: &Content) -> near_limits::Work {
    near_limits::Work {
        shapes: 40 + 12 * c.items + 4 * c.tiles + 2 * c.polygons,
        vertices: 4000 + 600 * c.items + 250 * c.tiles + 4 * c.chars + 6 * c.points,
        nodes: 60 + 16 * c.items + 2 * c.tiles,
    }
}

/// A range reaching up to `max`, for sizes near a limit.
fn near(max: usize) -> std::ops::RangeInclusive<usize> {
    max - 3..=max
}

/// Mostly short texts, sometimes one at the length limit, in words or one unbroken word.
fn texts(long: u32) -> impl Strategy<Value = Words> {
    let long_word = prop_oneof![1..=12usize, Just(MAX_TEXT_CHARS)];
    prop_oneof![
        8 => (1..=40usize, 1..=12usize).prop_map(|(chars, word)| Words { chars, word }),
        long => (near(MAX_TEXT_CHARS), long_word).prop_map(|(chars, word)| Words { chars, word }),
    ]
}

/// Every item type, each with its own sizes near their limits.
fn kind() -> impl Strategy<Value = Kind> {
    let date_span = prop_oneof![
        Just(None),
        (1800..=2000i32, (MAX_DATE_YEARS - 3)..=MAX_DATE_YEARS).prop_map(Some),
    ];
    let regions = prop_oneof![near(MAX_REGIONS), 1..=MAX_REGIONS];
    // At the map's point limit, in polygons of up to the polygon limit.
    let body_map = (regions, 1..=3usize, 0..=2usize).prop_map(|(regions, polygons, fewer)| {
        let points = (MAX_MAP_POINTS / (regions * polygons)).min(MAX_POLYGON_POINTS) - fewer;
        Kind::BodyMap {
            regions,
            polygons,
            points: points.max(3),
        }
    });
    let ratings = MAX_RATING_VALUES as usize;
    prop_oneof![
        Just(Kind::Info),
        near(MAX_OPTIONS).prop_map(|options| Kind::Single { options }),
        near(MAX_OPTIONS).prop_map(|options| Kind::Multiple { options }),
        Just(Kind::YesNo),
        (-1000..=1000i64, near(ratings)).prop_map(|(min, values)| Kind::Rating {
            min,
            values: values as i64
        }),
        Just(Kind::Slider),
        (0..=6u32).prop_map(|decimals| Kind::Number { decimals }),
        (MAX_ANSWER_CHARS - 3..=MAX_ANSWER_CHARS).prop_map(|max_length| Kind::Text { max_length }),
        date_span.prop_map(|span| Kind::Date { span }),
        body_map,
        Just(Kind::Signature),
    ]
}

fn item() -> impl Strategy<Value = ItemSpec> {
    (kind(), texts(2), proptest::option::of(texts(2)), texts(1)).prop_map(
        |(kind, text, help, labels)| ItemSpec {
            kind,
            text,
            help,
            labels,
        },
    )
}

/// A page as [`any_page`] makes it, its texts shortened to what a page may show when they add
/// up to more.
fn page() -> impl Strategy<Value = PageSpec> {
    any_page().prop_map(PageSpec::fit_text)
}

/// A page: a few items of any type, a full page of small ones, or a grid full in rows or in
/// options; its texts may add up to more than a page may show.
fn any_page() -> impl Strategy<Value = PageSpec> {
    let show = prop_oneof![Just(Show::OnePerScreen), Just(Show::Together)];
    let few = (show, proptest::option::of(texts(2)), vec(item(), 1..=4))
        .prop_map(|(show, title, items)| PageSpec::Items { show, title, items });
    let small = prop_oneof![
        Just(Kind::YesNo),
        Just(Kind::Single { options: 5 }),
        Just(Kind::Rating { min: 0, values: 11 }),
    ];
    let full = (near(MAX_PAGE_ITEMS), small).prop_map(|(n, kind)| PageSpec::Items {
        show: Show::Together,
        title: None,
        items: vec![
            ItemSpec {
                kind,
                text: Words::SHORT,
                help: None,
                labels: Words::SHORT,
            };
            n
        ],
    });
    let grid = (
        prop_oneof![near(MAX_PAGE_ITEMS), 1..=5usize],
        prop_oneof![near(MAX_OPTIONS), 2..=5usize],
        texts(1),
        texts(1),
    )
        .prop_map(|(rows, options, text, labels)| PageSpec::Grid {
            rows,
            options,
            text,
            labels,
        });
    prop_oneof![3 => few, 1 => full, 1 => grid]
}

/// A form of a few pages, or one near the page limit with a question on each.
fn form() -> impl Strategy<Value = Vec<PageSpec>> {
    let one_question = PageSpec::Items {
        show: Show::OnePerScreen,
        title: None,
        items: vec![ItemSpec {
            kind: Kind::YesNo,
            text: Words::SHORT,
            help: None,
            labels: Words::SHORT,
        }],
    };
    prop_oneof![
        4 => vec(page(), 1..=3),
        1 => near(MAX_PAGES).prop_map(move |n| vec![one_question.clone(); n]),
    ]
}

/// The question screens a patient sees: one per item of a one-per-screen page, one per
/// other page (nothing is conditional).
fn screens(pages: &[PageSpec]) -> usize {
    pages
        .iter()
        .map(|p| match p {
            PageSpec::Items {
                show: Show::OnePerScreen,
                items,
                ..
            } => items.len(),
            _ => 1,
        })
        .sum()
}

proptest! {
    // Few cases: each loads a form and draws up to a hundred screens in a debug build.
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn every_screen_of_a_form_near_the_limits_draws_within_its_budget(pages in form()) {
        let folder = FormFolder::new(&form_json(&pages));
        let mut kiosk = match folder.load() {
            Ok(kiosk) => kiosk,
            Err(diagnostics) => {
                let found: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
                return Err(TestCaseError::fail(format!(
                    "the generated form does not validate:\n{}",
                    found.join("\n")
                )));
            }
        };
        // Every frame is counted, the context's first too: the kiosk's look is set before it.
        let headless = Headless::new(&mut kiosk);
        let mut shown = 0;
        while let Some((form, _, screen)) = current(&kiosk) {
            let content = Content::of(&form, &screen);
            prop_assert!(
                content.within(&Content::AT_LIMITS),
                "screen {shown} shows more than the limits allow: {content:?}"
            );
            let allowed = budget(&content);
            for answered in [false, true] {
                if answered {
                    answer_all(&mut kiosk);
                }
                // The first frame lays out and measures; the second draws what settled.
                for frame in 0..2 {
                    let work = headless.frame(&mut kiosk);
                    prop_assert!(
                        work.within(&allowed),
                        "screen {shown} (answered: {answered}, frame {frame}) cost {work:?}, \
                         over its budget {allowed:?} for {content:?}"
                    );
                }
            }
            kiosk.apply(Intent::Next, 0.0);
            shown += 1;
            prop_assert!(shown <= screens(&pages), "Next did not leave screen {shown}");
        }
        prop_assert_eq!(shown, screens(&pages));
        prop_assert_eq!(kiosk.session().map(|s| s.position()), Some(Position::Review));
        // The review screen lists nothing (every question was answered): only the fixed parts.
        let review = headless.frame(&mut kiosk);
        prop_assert!(
            review.within(&budget(&Content::default())),
            "the review screen cost {review:?}"
        );
    }
}

proptest! {
    #[test]
    fn a_page_over_the_text_limit_is_fitted_just_under_it(page in any_page()) {
        let before = page.text_chars();
        let after = page.fit_text().text_chars();
        if before <= MAX_PAGE_TEXT_CHARS {
            prop_assert_eq!(after, before);
        } else {
            // What is left over is at most a character for each time a text is shown, and the
            // most often shown texts of a page are a grid's labels, on each of its rows.
            prop_assert!(
                (MAX_PAGE_TEXT_CHARS - MAX_PAGE_ITEMS..=MAX_PAGE_TEXT_CHARS).contains(&after),
                "{before} characters were fitted into {after}"
            );
        }
    }
}

#[test]
fn a_page_of_many_body_maps_paints_only_the_maps_on_screen() {
    let map = ItemSpec {
        kind: Kind::BodyMap {
            regions: MAX_MAP_POINTS / MAX_POLYGON_POINTS,
            polygons: 1,
            points: MAX_POLYGON_POINTS,
        },
        text: Words::SHORT,
        help: None,
        labels: Words::SHORT,
    };
    let page = PageSpec::Items {
        show: Show::Together,
        title: None,
        items: vec![map; MAX_PAGE_ITEMS],
    }
    .fit_text();
    let folder = FormFolder::new(&form_json(&[page]));
    let mut kiosk = folder.load().expect("the form validates");
    // Every region chosen: each polygon on screen is filled as well as outlined.
    answer_all(&mut kiosk);
    let (form, _, screen) = current(&kiosk).expect("a question screen");
    let headless = Headless::new(&mut kiosk);
    let frames: Vec<_> = (0..3).map(|_| headless.frame(&mut kiosk)).collect();
    // Scrolled to the top, the screen shows a map or two: each is at least this tall, so no
    // more than this many (counting one cut off at either edge) can be even partly in view.
    let shortest = Tokens::new(TextSize::Normal, false).map_height.0;
    let in_view = (Headless::SCREEN.y / shortest).ceil() as usize + 1;
    let visible = Screen {
        page: screen.page,
        items: screen.items[..in_view].to_vec(),
    };
    let painted = budget(&Content::of(&form, &visible));
    let all = Content::of(&form, &screen);
    for (frame, work) in frames.iter().enumerate() {
        assert!(
            work.shapes <= painted.shapes && work.vertices <= painted.vertices,
            "frame {frame} cost {work:?}, more than the {in_view} maps in view may paint \
             ({painted:?})"
        );
        // Out of view is not out of the accessibility tree: every map and region tile a
        // screen reader can reach is still there.
        assert!(
            work.nodes >= all.items + all.tiles,
            "frame {frame} has {} accessibility nodes for {} maps with {} region tiles",
            work.nodes,
            all.items,
            all.tiles
        );
    }
}

#[test]
fn an_image_file_over_the_byte_limit_is_refused_with_its_code_at_its_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (forms, assets) = (dir.path().join("forms"), dir.path().join("assets"));
    std::fs::create_dir_all(&forms).expect("forms folder");
    std::fs::create_dir_all(&assets).expect("assets folder");
    let fixtures = near_limits::fixtures();
    let form = std::fs::read_to_string(fixtures.join("good/minimal.json")).expect("read");
    std::fs::write(forms.join("minimal.json"), &form).expect("write form");
    // A real PNG padded past the limit: the decoder ignores what follows the image's end, so
    // only the size check can refuse it.
    let image = assets.join("map.png");
    std::fs::copy(fixtures.join("assets/map.png"), &image).expect("copy image");
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&image)
        .expect("open image");
    file.set_len(MAX_IMAGE_BYTES + 1).expect("pad image");
    let (line, column) = place_of(&form, "\"image\": ");
    let path = forms.join("minimal.json");
    let validate = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_svar"))
            .arg("validate")
            .arg(&path)
            .output()
            .expect("svar runs")
    };
    let out = validate();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let wanted = format!(
        "{}:{line}:{column}: error[image-file-too-large]: ",
        path.display()
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.lines().any(|l| l.starts_with(&wanted)),
        "wanted `{wanted}` in:\n{stdout}"
    );
    // One byte less is within the limit: the same file validates.
    file.set_len(MAX_IMAGE_BYTES).expect("trim image");
    let out = validate();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// Line and column (from 1) of the value that follows the first `key` in `text`.
fn place_of(text: &str, key: &str) -> (usize, usize) {
    let at = text.find(key).expect("the key is in the text") + key.len();
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    (
        text[..at].matches('\n').count() + 1,
        text[line_start..at].chars().count() + 1,
    )
}
