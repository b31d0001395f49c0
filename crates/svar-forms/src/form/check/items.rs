//! Checks of items: their kinds, answer options, body maps and the images they show.

use super::{Checker, Context};
use crate::answer::{Date, fmt_num};
use crate::diag::ptr;
use crate::form::limits;
use crate::form::raw::{ItemType, RawBound, RawItem, RawOption};
use crate::form::{Anchors, Choice, ItemKind, Region};
use crate::id::ScaleId;
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

impl Checker<'_> {
    pub(super) fn options(&mut self, raw: &[RawOption], at: &str) -> Vec<Choice> {
        if raw.is_empty() {
            self.f
                .error(at, "empty-scale", "a scale needs at least one option");
        }
        self.at_most(
            raw.len(),
            limits::MAX_OPTIONS,
            at,
            "too-many-options",
            "options in this list",
        );
        // Past the limit the file is refused anyway; checking every pair of a huge list for
        // duplicates would only keep the admin waiting.
        raw.iter()
            .take(limits::MAX_OPTIONS + 1)
            .enumerate()
            .map(|(k, o)| {
                let at_o = ptr(at, k);
                if raw[..k].iter().any(|p| p.value == o.value) {
                    self.f.error(
                        ptr(&at_o, "value"),
                        "duplicate-value",
                        format!("the value {} is used by two options", fmt_num(o.value)),
                    );
                }
                Choice {
                    value: o.value,
                    label: self.text(&o.label, &ptr(&at_o, "label")),
                    exclusive: o.exclusive,
                }
            })
            .collect()
    }

    pub(super) fn item_kind(
        &mut self,
        ri: &RawItem,
        at: &str,
        scales: &HashMap<&str, Vec<Choice>>,
        used_scales: &mut HashSet<String>,
        ctx: &Context,
    ) -> ItemKind {
        use ItemType as T;
        let t = ri.item_type;
        let present = [
            (
                "scale",
                ri.scale.is_some(),
                matches!(t, T::SingleChoice | T::MultipleChoice),
            ),
            (
                "options",
                ri.options.is_some(),
                matches!(t, T::SingleChoice | T::MultipleChoice),
            ),
            (
                "min",
                ri.min.is_some(),
                matches!(t, T::Rating | T::Slider | T::Number | T::Date),
            ),
            (
                "max",
                ri.max.is_some(),
                matches!(t, T::Rating | T::Slider | T::Number | T::Date),
            ),
            ("decimals", ri.decimals.is_some(), t == T::Number),
            ("unit", ri.unit.is_some(), t == T::Number),
            (
                "anchors",
                ri.anchors.is_some(),
                matches!(t, T::Rating | T::Slider),
            ),
            ("max_length", ri.max_length.is_some(), t == T::Text),
            (
                "image",
                ri.image.is_some(),
                matches!(t, T::Info | T::BodyMap),
            ),
            ("regions", ri.regions.is_some(), t == T::BodyMap),
        ];
        for (field, is_set, applies) in present {
            if is_set && !applies {
                self.f.error(
                    ptr(at, field),
                    "field-not-for-type",
                    format!("`{field}` does not apply to {} items", t.name()),
                );
            }
        }
        let num = |c: &mut Self,
                   bound: &Option<RawBound>,
                   name: &str,
                   default: Option<f64>|
         -> Option<f64> {
            match bound {
                Some(RawBound::Number(v)) => Some(*v),
                Some(RawBound::Date(_)) => {
                    c.f.error(
                        ptr(at, name),
                        "wrong-type",
                        format!("`{name}` of a {} item is a number", t.name()),
                    );
                    None
                }
                None => default.or_else(|| {
                    c.f.error(
                        at,
                        "missing-field",
                        format!("a {} item needs `{name}`", t.name()),
                    );
                    None
                }),
            }
        };
        let anchors = |c: &mut Self| {
            ri.anchors.as_ref().map(|a| Anchors {
                min: c.text(&a.min, &ptr(&ptr(at, "anchors"), "min")),
                max: c.text(&a.max, &ptr(&ptr(at, "anchors"), "max")),
            })
        };
        let range_check = |c: &mut Self, min: Option<f64>, max: Option<f64>| match (min, max) {
            (Some(min), Some(max)) if min >= max => {
                c.f.error(
                    ptr(at, "max"),
                    "bad-range",
                    format!(
                        "`max` ({}) must be greater than `min` ({})",
                        fmt_num(max),
                        fmt_num(min)
                    ),
                );
            }
            _ => {}
        };
        match t {
            T::Info => ItemKind::Info {
                image: ri
                    .image
                    .as_ref()
                    .and_then(|img| self.asset(img, &ptr(at, "image"), ctx).map(|a| a.0)),
            },
            T::SingleChoice | T::MultipleChoice => {
                let (scale, options) = match (&ri.scale, &ri.options) {
                    (Some(_), Some(_)) => {
                        self.f.error(
                            ptr(at, "options"),
                            "scale-and-options",
                            "give either `scale` or `options`, not both",
                        );
                        (None, Vec::new())
                    }
                    (Some(name), None) => match scales.get(name.as_str()) {
                        Some(options) => {
                            used_scales.insert(name.clone());
                            (Some(ScaleId::new_unchecked(name)), options.clone())
                        }
                        None => {
                            let mut known: Vec<&str> = scales.keys().copied().collect();
                            known.sort_unstable();
                            self.f.error(
                                ptr(at, "scale"),
                                "unknown-scale",
                                format!(
                                    "there is no scale `{name}` in `scales` (known: {})",
                                    known.join(", ")
                                ),
                            );
                            (None, Vec::new())
                        }
                    },
                    (None, Some(options)) => (None, self.options(options, &ptr(at, "options"))),
                    (None, None) => {
                        self.f.error(
                            at,
                            "missing-scale",
                            format!("a {} item needs `scale` or `options`", t.name()),
                        );
                        (None, Vec::new())
                    }
                };
                if t == T::SingleChoice {
                    if options.iter().any(|o| o.exclusive) {
                        self.f.error(
                            ptr(
                                at,
                                if ri.scale.is_some() {
                                    "scale"
                                } else {
                                    "options"
                                },
                            ),
                            "exclusive-not-multiple",
                            "`exclusive` marks an option of a multiple_choice item (\"None of \
                             these\"); a single_choice item takes one option anyway, so remove \
                             it here or give this item options of its own",
                        );
                    }
                    ItemKind::SingleChoice { scale, options }
                } else {
                    ItemKind::MultipleChoice { scale, options }
                }
            }
            T::YesNo => ItemKind::YesNo,
            T::Rating => {
                let (min, max) = (
                    num(self, &ri.min, "min", Some(0.0)),
                    num(self, &ri.max, "max", Some(10.0)),
                );
                if [min, max]
                    .iter()
                    .flatten()
                    .any(|v| v.fract() != 0.0 || v.abs() > 1e9)
                {
                    self.f.error(
                        at,
                        "bad-range",
                        "a rating's `min` and `max` are whole numbers",
                    );
                }
                range_check(self, min, max);
                let (min, max) = (min.unwrap_or(0.0), max.unwrap_or(10.0));
                let values = max - min + 1.0;
                if values > limits::MAX_RATING_VALUES as f64 {
                    self.f.error(
                        ptr(at, if ri.max.is_some() { "max" } else { "min" }),
                        "rating-too-wide",
                        format!(
                            "a rating from {} to {} shows {} values; at most {} fit on a screen (use a slider or a number item for wider ranges)",
                            fmt_num(min),
                            fmt_num(max),
                            fmt_num(values),
                            limits::MAX_RATING_VALUES
                        ),
                    );
                }
                ItemKind::Rating {
                    min: min as i64,
                    max: max as i64,
                    anchors: anchors(self),
                }
            }
            T::Slider => {
                let (min, max) = (
                    num(self, &ri.min, "min", Some(0.0)),
                    num(self, &ri.max, "max", Some(100.0)),
                );
                range_check(self, min, max);
                ItemKind::Slider {
                    min: min.unwrap_or(0.0),
                    max: max.unwrap_or(100.0),
                    anchors: anchors(self),
                }
            }
            T::Number => {
                let (min, max) = (
                    num(self, &ri.min, "min", None),
                    num(self, &ri.max, "max", None),
                );
                range_check(self, min, max);
                let (min, max) = (min.unwrap_or(0.0), max.unwrap_or(0.0));
                let decimals = ri.decimals.unwrap_or(0);
                if decimals > 6 {
                    self.f
                        .error(ptr(at, "decimals"), "bad-range", "at most 6 decimals");
                }
                let unit = ri.unit.as_ref().map(|u| self.text(u, &ptr(at, "unit")));
                ItemKind::Number {
                    min,
                    max,
                    decimals,
                    unit,
                }
            }
            T::Text => {
                let max_length = ri.max_length.unwrap_or(200);
                if max_length == 0 {
                    self.f.error(
                        ptr(at, "max_length"),
                        "bad-range",
                        "`max_length` is at least 1",
                    );
                } else if max_length > limits::MAX_ANSWER_CHARS {
                    self.f.error(
                        ptr(at, "max_length"),
                        "max-length-too-large",
                        format!(
                            "`max_length` is {max_length}; a text answer takes at most {} characters",
                            limits::MAX_ANSWER_CHARS
                        ),
                    );
                }
                ItemKind::Text {
                    max_length: max_length as usize,
                }
            }
            T::Date => {
                let date = |c: &mut Self, bound: &Option<RawBound>, name: &str| match bound {
                    None => None,
                    Some(RawBound::Date(s)) => Date::parse(s).or_else(|| {
                        c.f.error(
                            ptr(at, name),
                            "bad-date",
                            format!("`{s}` is not a real date in the form YYYY-MM-DD"),
                        );
                        None
                    }),
                    Some(RawBound::Number(_)) => {
                        c.f.error(
                            ptr(at, name),
                            "wrong-type",
                            format!("`{name}` of a date item is a date string YYYY-MM-DD"),
                        );
                        None
                    }
                };
                let (min, max) = (date(self, &ri.min, "min"), date(self, &ri.max, "max"));
                if let (Some(a), Some(b)) = (min, max)
                    && a > b
                {
                    self.f
                        .error(ptr(at, "max"), "bad-range", "`max` is before `min`");
                }
                let first = min.map_or(limits::DEFAULT_FIRST_YEAR, |d| d.year);
                let last = max.map_or(limits::DEFAULT_LAST_YEAR, |d| d.year);
                if last - first + 1 > limits::MAX_DATE_YEARS {
                    self.f.error(
                        ptr(at, if ri.max.is_some() { "max" } else { "min" }),
                        "date-span-too-wide",
                        format!(
                            "the date can be from {first} to {last}, {} years; at most {} years can be offered (without `min` the first year is {}, without `max` the last is {})",
                            last - first + 1,
                            limits::MAX_DATE_YEARS,
                            limits::DEFAULT_FIRST_YEAR,
                            limits::DEFAULT_LAST_YEAR
                        ),
                    );
                }
                ItemKind::Date { min, max }
            }
            T::BodyMap => self.body_map(ri, at, ctx),
            T::Signature => ItemKind::Signature,
        }
    }

    fn body_map(&mut self, ri: &RawItem, at: &str, ctx: &Context) -> ItemKind {
        let asset = match &ri.image {
            Some(img) => self.asset(img, &ptr(at, "image"), ctx),
            None => {
                self.f
                    .error(at, "missing-field", "a body_map item needs `image`");
                None
            }
        };
        let raw_regions = ri.regions.as_deref().unwrap_or_default();
        if raw_regions.is_empty() {
            self.f.error(
                at,
                "missing-field",
                "a body_map item needs at least one region in `regions`",
            );
        }
        let at_rs = ptr(at, "regions");
        self.at_most(
            raw_regions.len(),
            limits::MAX_REGIONS,
            &at_rs,
            "too-many-regions",
            "regions in this body map",
        );
        let points: usize = raw_regions
            .iter()
            .flat_map(|r| &r.polygons)
            .map(Vec::len)
            .sum();
        self.at_most(
            points,
            limits::MAX_MAP_POINTS,
            &at_rs,
            "too-many-map-points",
            "corner points over all this body map's polygons",
        );
        let (w, h) = asset.as_ref().map_or((0, 0), |a| a.1);
        let mut seen = HashSet::new();
        let regions = raw_regions
            .iter()
            .enumerate()
            .map(|(k, rr)| {
                let at_r = ptr(&at_rs, k);
                let id = self.id(&rr.id, &ptr(&at_r, "id"), "region id");
                if !seen.insert(rr.id.as_str()) {
                    self.f.error(
                        ptr(&at_r, "id"),
                        "duplicate-id",
                        format!("the region id `{}` is used twice in this body map", rr.id),
                    );
                }
                let at_ps = ptr(&at_r, "polygons");
                if rr.polygons.is_empty() {
                    self.f
                        .error(&at_ps, "bad-polygon", "a region needs at least one polygon");
                }
                for (k, polygon) in rr.polygons.iter().enumerate() {
                    let at_p = ptr(&at_ps, k);
                    self.at_most(
                        polygon.len(),
                        limits::MAX_POLYGON_POINTS,
                        &at_p,
                        "too-many-points",
                        "corner points in this polygon",
                    );
                    if polygon.len() < 3 {
                        self.f
                            .error(&at_p, "bad-polygon", "a polygon needs at least 3 points");
                    } else if polygon_area(polygon).abs() < 1.0 {
                        self.f.error(
                            &at_p,
                            "bad-polygon",
                            "the polygon encloses no area (its points lie on a line)",
                        );
                    }
                    if asset.is_none() {
                        continue;
                    }
                    for (n, [x, y]) in polygon.iter().enumerate() {
                        if !(0.0..=f64::from(w)).contains(x) || !(0.0..=f64::from(h)).contains(y) {
                            self.f.error(
                                ptr(&at_p, n),
                                "polygon-outside",
                                format!(
                                    "point [{}, {}] lies outside the {w}×{h} image",
                                    fmt_num(*x),
                                    fmt_num(*y)
                                ),
                            );
                        }
                    }
                }
                Region {
                    id,
                    label: self.text(&rr.label, &ptr(&at_r, "label")),
                    polygons: rr.polygons.clone(),
                }
            })
            .collect();
        let (image, (width, height)) = asset.unwrap_or_default();
        ItemKind::BodyMap {
            image,
            width,
            height,
            regions,
        }
    }

    /// Checks an image path inside the assets folder and reads its size.
    fn asset(&mut self, rel: &str, at: &str, ctx: &Context) -> Option<(PathBuf, (u32, u32))> {
        let path = Path::new(rel);
        if rel.is_empty() || !path.components().all(|c| matches!(c, Component::Normal(_))) {
            self.f.error(at, "bad-asset-path", format!("`{rel}` must be a file name inside the assets folder (no `..`, no absolute path)"));
            return None;
        }
        let Some(file) = ctx
            .assets
            .iter()
            .map(|place| place.dir.join(path))
            .find(|file| file.is_file())
        else {
            let tried: Vec<String> = ctx
                .assets
                .iter()
                .map(|place| {
                    let there = if place.dir.is_dir() {
                        ""
                    } else {
                        ", no such folder"
                    };
                    format!("{} ({}{there})", place.dir.display(), place.why)
                })
                .collect();
            self.f.error(
                at,
                "missing-asset",
                format!(
                    "the image `{rel}` is in none of the assets folders tried: {}; put it in one of them, or name its folder with `--assets DIR` (or `assets` in svar.toml)",
                    if tried.is_empty() { "none".to_owned() } else { tried.join("; ") }
                ),
            );
            return None;
        };
        // Checked before decoding: the kiosk reads the whole file when it first shows it.
        if let Ok(meta) = std::fs::metadata(&file)
            && meta.len() > limits::MAX_IMAGE_BYTES
        {
            self.f.error(
                at,
                "image-file-too-large",
                format!(
                    "`{rel}` is {} bytes; an image file may be at most {} bytes ({} MiB)",
                    meta.len(),
                    limits::MAX_IMAGE_BYTES,
                    limits::MAX_IMAGE_BYTES / (1024 * 1024)
                ),
            );
            return None;
        }
        match image::image_dimensions(&file) {
            Ok((w, h)) if w.max(h) > limits::MAX_IMAGE_SIDE => {
                self.f.error(
                    at,
                    "image-too-large",
                    format!(
                        "`{rel}` is {w}×{h} pixels; an image may be at most {max}×{max} (scale it down)",
                        max = limits::MAX_IMAGE_SIDE
                    ),
                );
                None
            }
            Ok(size) => Some((file, size)),
            Err(e) => {
                self.f.error(
                    at,
                    "bad-asset",
                    format!("`{rel}` is not a readable PNG or JPEG image: {e}"),
                );
                None
            }
        }
    }
}

/// Twice the signed area of a polygon (shoelace formula).
fn polygon_area(points: &[[f64; 2]]) -> f64 {
    let n = points.len();
    (0..n)
        .map(|i| {
            let ([x1, y1], [x2, y2]) = (points[i], points[(i + 1) % n]);
            x1 * y2 - x2 * y1
        })
        .sum()
}
