//! From a parsed [`RawForm`] to a checked [`Form`], recording every problem as a finding.
//!
//! The checker keeps going after a problem so an admin sees all of them at once; a [`Form`]
//! is returned only when there were no errors.

use super::raw::{
    Display, ItemType, RawBand, RawBound, RawForm, RawItem, RawOption, RawScore, ScoreKind,
    Severity,
};
use super::{
    Aggregate, Anchors, Band, Bound, Choice, Domain, Flag, Form, Item, ItemIx, ItemKind, Operand,
    Page, Region, Score, ScoreIx, ScoreRule, ScoredItem,
};
use crate::answer::{Date, fmt_num};
use crate::condition::{Condition, Op, Operand as CondValue, RawCondition};
use crate::diag::{Findings, ptr};
use crate::expr::{self, Expr, Namespace};
use crate::id::{Id, ScaleId};
use crate::text::{Lang, RawText, Text};
use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// Where a form file lives, for the checks that look outside it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The assets folder images are looked up in; `None` when there is none.
    pub assets: Option<&'a Path>,
    /// The file name without `.json`, which should equal the form id.
    pub file_stem: Option<&'a str>,
}

/// Checks a parsed form; returns it only when no error was found.
pub fn check(raw: &RawForm, ctx: &Context, findings: &mut Findings) -> Option<Form> {
    let mut c = Checker {
        langs: raw.languages.clone(),
        f: findings,
    };
    let form = c.form(raw, ctx);
    (!c.f.has_errors()).then_some(form)
}

/// Shared checks of texts, ids and bands, used by forms and batteries.
pub(crate) struct Checker<'f> {
    pub(crate) langs: Vec<Lang>,
    pub(crate) f: &'f mut Findings,
}

impl Checker<'_> {
    pub(crate) fn text(&mut self, raw: &RawText, at: &str) -> Text {
        for lang in &self.langs {
            match raw.get(lang) {
                None => self.f.error(
                    at,
                    "missing-translation",
                    format!("the {lang} text is missing; this file declares {lang} in `languages`"),
                ),
                Some(s) if s.trim().is_empty() => self.f.error(
                    ptr(at, lang),
                    "empty-text",
                    format!("the {lang} text is empty"),
                ),
                Some(_) => {}
            }
        }
        for lang in raw.keys().filter(|l| !self.langs.contains(l)) {
            self.f.warning(
                ptr(at, lang),
                "undeclared-language",
                format!("a {lang} text is given but {lang} is not in `languages`"),
            );
        }
        Text::new(raw.clone())
    }

    pub(crate) fn id<K>(&mut self, name: &str, at: &str, what: &str) -> Id<K> {
        if !crate::id::is_valid_id(name) {
            self.f.error(
                at,
                "bad-id",
                format!(
                    "`{name}` is not a valid {what}: use lower-case letters, digits and _, starting with a letter"
                ),
            );
        }
        Id::new_unchecked(name)
    }

    pub(crate) fn languages(&mut self, at: &str) {
        if self.langs.is_empty() {
            self.f.error(
                at,
                "bad-languages",
                "`languages` must name at least one language",
            );
        }
        for (i, lang) in self.langs.iter().enumerate() {
            if self.langs[..i].contains(lang) {
                self.f.error(
                    ptr(at, i),
                    "bad-languages",
                    format!("{lang} is listed twice"),
                );
            }
        }
    }

    pub(crate) fn version(&mut self, raw: &str, at: &str) -> semver::Version {
        semver::Version::parse(raw).unwrap_or_else(|e| {
            self.f.error(
                at,
                "bad-version",
                format!("`{raw}` is not a semantic version like 1.0.0: {e}"),
            );
            semver::Version::new(0, 0, 0)
        })
    }

    /// Checks bands against the score's possible range: ordered, no overlap, no gap, covering.
    pub(crate) fn bands(
        &mut self,
        raw: &[RawBand],
        at: &str,
        range: (f64, f64),
        whole: bool,
    ) -> Vec<Band> {
        let mut bands: Vec<Band> = Vec::new();
        let mut seen = HashSet::new();
        for (b, rb) in raw.iter().enumerate() {
            let at_b = ptr(at, b);
            let id = self.id(&rb.id, &ptr(&at_b, "id"), "band id");
            if !seen.insert(rb.id.as_str()) {
                self.f.error(
                    ptr(&at_b, "id"),
                    "duplicate-id",
                    format!("the band id `{}` is used twice in this score", rb.id),
                );
            }
            let label = self.text(&rb.label, &ptr(&at_b, "label"));
            let pick = |f: &mut Findings,
                        inclusive: Option<f64>,
                        exclusive: Option<f64>,
                        names: &str| match (inclusive, exclusive) {
                (Some(_), Some(_)) => {
                    f.error(&at_b, "bad-band", format!("give either {names}, not both"));
                    None
                }
                (Some(v), None) => Some(Bound {
                    value: v,
                    inclusive: true,
                }),
                (None, Some(v)) => Some(Bound {
                    value: v,
                    inclusive: false,
                }),
                (None, None) => None,
            };
            let lower = pick(self.f, rb.min, rb.above, "`min` or `above`");
            let upper = pick(self.f, rb.max, rb.below, "`max` or `below`");
            if let (Some(l), Some(u)) = (lower, upper)
                && (l.value > u.value || (l.value == u.value && !(l.inclusive && u.inclusive)))
            {
                self.f.error(&at_b, "bad-band", format!("the band `{}` holds no value: its lower bound is not below its upper bound", rb.id));
            }
            bands.push(Band {
                id,
                label,
                lower,
                upper,
                flag: rb.flag,
            });
        }
        let (lo, hi) = range;
        if !(lo.is_finite() && hi.is_finite()) {
            // The score's items are broken and already reported; their range means nothing.
            return bands;
        }
        let whole_lower = |b: Bound| {
            if b.inclusive {
                b.value.ceil()
            } else {
                b.value.floor() + 1.0
            }
        };
        let whole_upper = |b: Bound| {
            if b.inclusive {
                b.value.floor()
            } else {
                b.value.ceil() - 1.0
            }
        };
        for (b, pair) in bands.windows(2).enumerate() {
            let (prev, next) = (&pair[0], &pair[1]);
            let at_next = ptr(at, b + 1);
            if let (Some(pl), Some(nl)) = (prev.lower, next.lower)
                && nl.value < pl.value
            {
                self.f.error(
                    at_next,
                    "band-order",
                    format!(
                        "bands must be listed from low to high: `{}` starts below `{}`",
                        next.id, prev.id
                    ),
                );
                continue;
            }
            let (Some(u), Some(l)) = (prev.upper, next.lower) else {
                self.f.error(
                    at_next,
                    "band-overlap",
                    format!("`{}` overlaps `{}`: only the first band may lack a lower bound and only the last an upper bound", next.id, prev.id),
                );
                continue;
            };
            let (overlap, gap) = if whole {
                let (ui, li) = (whole_upper(u), whole_lower(l));
                (li <= ui, li > ui + 1.0)
            } else {
                (
                    u.value > l.value || (u.value == l.value && u.inclusive && l.inclusive),
                    u.value < l.value || (u.value == l.value && !u.inclusive && !l.inclusive),
                )
            };
            if overlap {
                self.f.error(
                    at_next,
                    "band-overlap",
                    format!(
                        "`{}` overlaps `{}`: a value would fall in both",
                        next.id, prev.id
                    ),
                );
            } else if gap {
                let hint = if whole {
                    ""
                } else {
                    " (this score can take fractional values: pair `max` with `above`, or `below` with `min`)"
                };
                self.f.error(
                    at_next,
                    "band-gap",
                    format!(
                        "values between `{}` and `{}` fall in no band{hint}",
                        prev.id, next.id
                    ),
                );
            }
        }
        if let Some(first) = bands.first()
            && let Some(l) = first.lower
            && (if whole {
                whole_lower(l) > lo
            } else {
                l.value > lo || (l.value == lo && !l.inclusive)
            })
        {
            self.f.error(
                ptr(at, 0),
                "band-coverage",
                format!("the lowest possible value {} falls in no band", fmt_num(lo)),
            );
        }
        if let Some(last) = bands.last()
            && let Some(u) = last.upper
            && (if whole {
                whole_upper(u) < hi
            } else {
                u.value < hi || (u.value == hi && !u.inclusive)
            })
        {
            self.f.error(
                ptr(at, bands.len() - 1),
                "band-coverage",
                format!(
                    "the highest possible value {} falls in no band",
                    fmt_num(hi)
                ),
            );
        }
        bands
    }

    fn form(&mut self, raw: &RawForm, ctx: &Context) -> Form {
        let id = self.id(&raw.id, "/id", "form id");
        if let Some(stem) = ctx.file_stem
            && stem != raw.id
        {
            self.f.warning(
                "/id",
                "id-file-mismatch",
                format!(
                    "the form id `{}` differs from the file name `{stem}.json`",
                    raw.id
                ),
            );
        }
        let version = self.version(&raw.version, "/version");
        self.languages("/languages");
        let title = self.text(&raw.title, "/title");
        for (field, value) in [
            ("instrument", &raw.instrument),
            ("scoring_source", &raw.scoring_source),
        ] {
            if value.trim().is_empty() {
                self.f
                    .error(ptr("", field), "empty-text", format!("`{field}` is empty"));
            }
        }

        let mut scales: HashMap<&str, Vec<Choice>> = HashMap::new();
        for (name, scale) in &raw.scales {
            let at = ptr("/scales", name);
            self.id::<crate::id::ScaleKind>(name, &at, "scale id");
            let options = self.options(&scale.options, &ptr(&at, "options"));
            scales.insert(name.as_str(), options);
        }
        let mut used_scales = HashSet::new();

        if raw.pages.is_empty() {
            self.f
                .error("/pages", "empty-page", "a form needs at least one page");
        }
        let mut pages = Vec::new();
        let mut items: Vec<Item> = Vec::new();
        let mut item_at: Vec<String> = Vec::new();
        let mut item_ids: HashMap<&str, ItemIx> = HashMap::new();
        let mut page_ids = HashSet::new();
        for (p, rp) in raw.pages.iter().enumerate() {
            let at_p = ptr("/pages", p);
            let page_id = self.id(&rp.id, &ptr(&at_p, "id"), "page id");
            if !page_ids.insert(rp.id.as_str()) {
                self.f.error(
                    ptr(&at_p, "id"),
                    "duplicate-id",
                    format!("the page id `{}` is used twice in this form", rp.id),
                );
            }
            let page_title = rp
                .title
                .as_ref()
                .map(|t| self.text(t, &ptr(&at_p, "title")));
            if rp.items.is_empty() {
                self.f.error(
                    ptr(&at_p, "items"),
                    "empty-page",
                    format!("the page `{}` has no items", rp.id),
                );
            }
            let mut page_items = Vec::new();
            for (i, ri) in rp.items.iter().enumerate() {
                let at_i = ptr(&ptr(&at_p, "items"), i);
                let id = self.id(&ri.id, &ptr(&at_i, "id"), "item id");
                let ix = ItemIx(items.len());
                if item_ids.insert(ri.id.as_str(), ix).is_some() {
                    self.f.error(
                        ptr(&at_i, "id"),
                        "duplicate-id",
                        format!("the item id `{}` is used twice in this form", ri.id),
                    );
                }
                let kind = self.item_kind(ri, &at_i, &scales, &mut used_scales, ctx);
                let answerable = !matches!(kind, ItemKind::Info { .. });
                if !answerable && ri.required == Some(true) {
                    self.f.warning(
                        ptr(&at_i, "required"),
                        "field-not-for-type",
                        "info items take no answer, so they cannot be required",
                    );
                }
                items.push(Item {
                    id,
                    page: p,
                    text: self.text(&ri.text, &ptr(&at_i, "text")),
                    help: ri.help.as_ref().map(|h| self.text(h, &ptr(&at_i, "help"))),
                    required: answerable && ri.required.unwrap_or(raw.required_by_default),
                    show_if: None,
                    kind,
                });
                item_at.push(at_i);
                page_items.push(ix);
            }
            if rp.display == Display::Grid {
                let scale_of = |ix: &ItemIx| match &items[ix.0].kind {
                    ItemKind::SingleChoice { scale: Some(s), .. } => Some(s.clone()),
                    _ => None,
                };
                let first = page_items.first().and_then(scale_of);
                if first.is_none() || page_items.iter().any(|ix| scale_of(ix) != first) {
                    self.f.error(
                        ptr(&at_p, "display"),
                        "grid-mismatch",
                        "a grid page needs every item to be single_choice on the same `scale`",
                    );
                }
            }
            pages.push(Page {
                id: page_id,
                title: page_title,
                display: rp.display,
                show_if: None,
                items: page_items,
            });
        }
        for name in raw
            .scales
            .keys()
            .filter(|n| !used_scales.contains(n.as_str()))
        {
            self.f.warning(
                ptr("/scales", name),
                "unused-scale",
                format!("the scale `{name}` is not used by any item"),
            );
        }

        // Conditions may refer forward, so they are resolved once every item is known.
        for (p, rp) in raw.pages.iter().enumerate() {
            if let Some(rc) = &rp.show_if {
                pages[p].show_if =
                    self.condition(rc, &ptr(&ptr("/pages", p), "show_if"), &items, &item_ids);
            }
        }
        let mut ri_iter = raw.pages.iter().flat_map(|p| p.items.iter());
        for ix in 0..items.len() {
            if let Some(rc) = ri_iter.next().and_then(|ri| ri.show_if.as_ref()) {
                items[ix].show_if =
                    self.condition(rc, &ptr(&item_at[ix], "show_if"), &items, &item_ids);
            }
        }
        let deps: Vec<Vec<usize>> = items
            .iter()
            .map(|item| {
                let mut d = Vec::new();
                let conds = [pages[item.page].show_if.as_ref(), item.show_if.as_ref()];
                conds
                    .into_iter()
                    .flatten()
                    .for_each(|c| c.for_each_item(&mut |ix| d.push(ix.0)));
                d
            })
            .collect();
        let visibility_order = match topo_order(&deps) {
            Ok(order) => order.into_iter().map(ItemIx).collect(),
            Err(cycle) => {
                let names: Vec<&str> = cycle.iter().map(|&i| items[i].id.as_str()).collect();
                let first = cycle[0];
                let at = if items[first].show_if.is_some() {
                    ptr(&item_at[first], "show_if")
                } else {
                    ptr(&ptr("/pages", items[first].page), "show_if")
                };
                self.f.error(
                    at,
                    "condition-cycle",
                    format!(
                        "these items' conditions depend on each other in a circle: {} -> {}",
                        names.join(" -> "),
                        names[0]
                    ),
                );
                Vec::new()
            }
        };

        let (scores, score_order) = self.scores(&raw.scores, &items, &item_ids);

        let mut flags = Vec::new();
        let mut flag_ids = HashSet::new();
        for (k, rf) in raw.flags.iter().enumerate() {
            let at = ptr("/flags", k);
            let id = self.id(&rf.id, &ptr(&at, "id"), "flag id");
            if !flag_ids.insert(rf.id.as_str()) {
                self.f.error(
                    ptr(&at, "id"),
                    "duplicate-id",
                    format!("the flag id `{}` is used twice in this form", rf.id),
                );
            }
            if rf.severity == Severity::None {
                self.f.error(
                    ptr(&at, "severity"),
                    "bad-flag",
                    "a flag's severity is `attention` or `alert`",
                );
            }
            let label = self.text(&rf.label, &ptr(&at, "label"));
            if let Some(when) = self.condition(&rf.when, &ptr(&at, "when"), &items, &item_ids) {
                flags.push(Flag {
                    id,
                    label,
                    severity: rf.severity,
                    when,
                });
            }
        }

        Form {
            id,
            version,
            title,
            languages: raw.languages.clone(),
            instrument: raw.instrument.clone(),
            wording: raw.wording,
            wording_note: raw.wording_note.clone(),
            scoring_source: raw.scoring_source.clone(),
            licence: raw.licence.clone(),
            scoring_notes: raw.scoring_notes.clone(),
            auto_advance: match raw.auto_advance_ms.unwrap_or(700) {
                0 => None,
                ms => Some(std::time::Duration::from_millis(u64::from(ms.min(10_000)))),
            },
            pages,
            items,
            scores,
            flags,
            visibility_order,
            score_order,
        }
    }

    fn options(&mut self, raw: &[RawOption], at: &str) -> Vec<Choice> {
        if raw.is_empty() {
            self.f
                .error(at, "empty-scale", "a scale needs at least one option");
        }
        raw.iter()
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
                }
            })
            .collect()
    }

    fn item_kind(
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
                if !(1..=10_000).contains(&max_length) {
                    self.f.error(
                        ptr(at, "max_length"),
                        "bad-range",
                        "`max_length` is from 1 to 10000",
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
        let (w, h) = asset.as_ref().map_or((0, 0), |a| a.1);
        let mut seen = HashSet::new();
        let regions = raw_regions
            .iter()
            .enumerate()
            .map(|(k, rr)| {
                let at_r = ptr(&ptr(at, "regions"), k);
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
        let Some(assets) = ctx.assets else {
            self.f.error(
                at,
                "missing-asset",
                format!(
                    "`{rel}` cannot be found: there is no `assets` folder beside the forms folder"
                ),
            );
            return None;
        };
        match image::image_dimensions(assets.join(path)) {
            Ok(size) => Some((path.to_owned(), size)),
            Err(image::ImageError::IoError(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                self.f.error(
                    at,
                    "missing-asset",
                    format!("there is no file `{rel}` in the assets folder"),
                );
                None
            }
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

    fn condition(
        &mut self,
        raw: &RawCondition,
        at: &str,
        items: &[Item],
        ids: &HashMap<&str, ItemIx>,
    ) -> Option<Condition> {
        let is_test = raw.item.is_some() || raw.op.is_some() || raw.value.is_some();
        let shapes = [
            is_test,
            raw.all.is_some(),
            raw.any.is_some(),
            raw.not.is_some(),
        ];
        if shapes.iter().filter(|s| **s).count() != 1 {
            self.f.error(at, "bad-condition", "a condition is either a test (`item`, `op`, `value`) or exactly one of `all`, `any`, `not`");
            return None;
        }
        let list = |c: &mut Self, conds: &[RawCondition], name: &str| {
            let at_l = ptr(at, name);
            if conds.is_empty() {
                c.f.error(
                    &at_l,
                    "bad-condition",
                    format!("`{name}` needs at least one condition"),
                );
            }
            let resolved: Vec<_> = conds
                .iter()
                .enumerate()
                .map(|(k, rc)| c.condition(rc, &ptr(&at_l, k), items, ids))
                .collect();
            resolved.into_iter().collect::<Option<Vec<_>>>()
        };
        if let Some(all) = &raw.all {
            return list(self, all, "all").map(Condition::All);
        }
        if let Some(any) = &raw.any {
            return list(self, any, "any").map(Condition::Any);
        }
        if let Some(not) = &raw.not {
            return self
                .condition(not, &ptr(at, "not"), items, ids)
                .map(|c| Condition::Not(Box::new(c)));
        }
        let (Some(name), Some(op)) = (&raw.item, raw.op) else {
            self.f.error(
                at,
                "missing-field",
                "a test condition needs `item` and `op`",
            );
            return None;
        };
        let Some(&ix) = ids.get(name.as_str()) else {
            self.f.error(
                ptr(at, "item"),
                "unknown-item",
                format!("there is no item `{name}` in this form"),
            );
            return None;
        };
        let kind = &items[ix.0].kind;
        let at_v = ptr(at, "value");
        let bad = |c: &mut Self, message: String| {
            c.f.error(&at_v, "bad-condition", message);
            None
        };
        if matches!(kind, ItemKind::Info { .. }) {
            return bad(
                self,
                format!("`{name}` is an info item and has no answer to test"),
            );
        }
        let value = match (op, &raw.value) {
            (Op::Answered | Op::NotAnswered, None) => None,
            (Op::Answered | Op::NotAnswered, Some(_)) => {
                return bad(self, format!("`{}` takes no `value`", op.name()));
            }
            (_, None) => {
                self.f.error(
                    at,
                    "missing-field",
                    format!("`{}` needs a `value`", op.name()),
                );
                return None;
            }
            (_, Some(v)) => Some(v),
        };
        let Some(value) = value else {
            return Some(Condition::Test {
                item: ix,
                op,
                value: None,
            });
        };
        let type_name = kind.type_name();
        let operand = match (op, kind) {
            (Op::Contains, ItemKind::MultipleChoice { options, .. }) => match value.as_f64() {
                Some(v) if options.iter().any(|o| o.value == v) => CondValue::Number(v),
                _ => {
                    return bad(
                        self,
                        format!("the value must be one of the option values of `{name}`"),
                    );
                }
            },
            (Op::Contains, ItemKind::BodyMap { regions, .. }) => match value.as_str() {
                Some(r) if regions.iter().any(|g| g.id.as_str() == r) => {
                    CondValue::Text(r.to_owned())
                }
                _ => {
                    return bad(
                        self,
                        format!("the value must be one of the region ids of `{name}`"),
                    );
                }
            },
            (Op::Contains, ItemKind::Text { .. }) => match value.as_str() {
                Some(s) => CondValue::Text(s.to_owned()),
                None => return bad(self, "`contains` on a text item takes a string".into()),
            },
            (Op::Contains, _) => {
                return bad(
                    self,
                    format!(
                        "`contains` is for multiple_choice, body_map and text items, not {type_name}"
                    ),
                );
            }
            (_, ItemKind::MultipleChoice { .. } | ItemKind::BodyMap { .. }) => {
                return bad(self, format!("use `contains` to test a {type_name} item"));
            }
            (_, ItemKind::Signature) => {
                return bad(
                    self,
                    "a signature can only be tested with `answered`/`not_answered`".into(),
                );
            }
            (Op::Equals | Op::NotEquals, ItemKind::Text { .. }) => match value.as_str() {
                Some(s) => CondValue::Text(s.to_owned()),
                None => return bad(self, "a text item is compared with a string".into()),
            },
            (_, ItemKind::Text { .. }) => {
                return bad(
                    self,
                    format!("`{}` does not apply to text items", op.name()),
                );
            }
            (_, ItemKind::Date { .. }) => match value.as_str().and_then(Date::parse) {
                Some(d) => CondValue::Number(d.day_number() as f64),
                None => {
                    return bad(
                        self,
                        "a date item is compared with a date string YYYY-MM-DD".into(),
                    );
                }
            },
            (_, _) => {
                let Some(v) = value.as_f64() else {
                    return bad(
                        self,
                        format!("a {type_name} item is compared with a number"),
                    );
                };
                let possible = match kind.domain() {
                    Some(Domain::Values(vs)) => vs.contains(&v),
                    Some(Domain::Interval { min, max, .. }) => v >= min && v <= max,
                    None => true,
                };
                if matches!(op, Op::Equals | Op::NotEquals) && !possible {
                    return bad(
                        self,
                        format!(
                            "`{name}` can never be {}: it is not one of its possible answers",
                            fmt_num(v)
                        ),
                    );
                }
                CondValue::Number(v)
            }
        };
        Some(Condition::Test {
            item: ix,
            op,
            value: Some(operand),
        })
    }

    fn scores(
        &mut self,
        raw: &[RawScore],
        items: &[Item],
        item_ids: &HashMap<&str, ItemIx>,
    ) -> (Vec<Score>, Vec<ScoreIx>) {
        let mut score_ids: HashMap<&str, ScoreIx> = HashMap::new();
        for (s, rs) in raw.iter().enumerate() {
            if score_ids.insert(rs.id.as_str(), ScoreIx(s)).is_some() {
                self.f.error(
                    ptr(&ptr("/scores", s), "id"),
                    "duplicate-id",
                    format!("the score id `{}` is used twice in this form", rs.id),
                );
            }
        }
        let mut rules = Vec::new();
        for (s, rs) in raw.iter().enumerate() {
            rules.push(self.score_rule(rs, &ptr("/scores", s), items, item_ids, &score_ids));
        }
        let deps: Vec<Vec<usize>> = rules
            .iter()
            .map(|r| {
                let mut d = Vec::new();
                if let Some(ScoreRule::Expression(e)) = r {
                    e.for_each_ref(&mut |op| {
                        if let Operand::Score(s) = op {
                            d.push(s.0)
                        }
                    });
                }
                d
            })
            .collect();
        let order = match topo_order(&deps) {
            Ok(order) => order,
            Err(cycle) => {
                let names: Vec<&str> = cycle.iter().map(|&s| raw[s].id.as_str()).collect();
                self.f.error(
                    ptr(&ptr("/scores", cycle[0]), "expression"),
                    "score-cycle",
                    format!(
                        "these scores are computed from each other in a circle: {} -> {}",
                        names.join(" -> "),
                        names[0]
                    ),
                );
                return (Vec::new(), Vec::new());
            }
        };
        let mut ranges: Vec<Option<((f64, f64), bool)>> = vec![None; raw.len()];
        for &s in &order {
            let Some(rule) = &rules[s] else { continue };
            ranges[s] = Some(match rule {
                ScoreRule::Aggregate {
                    kind,
                    items: scored,
                    prorate,
                    ..
                } => {
                    let whole = scored
                        .iter()
                        .all(|si| si.min.fract() == 0.0 && si.max.fract() == 0.0);
                    match kind {
                        Aggregate::Sum => (
                            (
                                scored.iter().map(|si| si.min).sum(),
                                scored.iter().map(|si| si.max).sum(),
                            ),
                            whole && !prorate,
                        ),
                        Aggregate::Mean => (
                            (
                                scored.iter().map(|si| si.min).fold(f64::INFINITY, f64::min),
                                scored
                                    .iter()
                                    .map(|si| si.max)
                                    .fold(f64::NEG_INFINITY, f64::max),
                            ),
                            false,
                        ),
                        Aggregate::Count => ((0.0, scored.iter().map(|si| si.max).sum()), true),
                        Aggregate::Percent => ((0.0, 100.0), false),
                    }
                }
                ScoreRule::Expression(e) => {
                    let whole = e.is_whole(&|op: &Operand| match op {
                        Operand::Item(ix) => {
                            items[ix.0].kind.domain().is_some_and(|d| d.is_whole())
                        }
                        Operand::Score(s) => ranges[s.0].is_some_and(|r| r.1),
                    });
                    let r = raw[s].range.unwrap_or_default();
                    ((r[0], r[1]), whole)
                }
                ScoreRule::Condition(_) => ((0.0, 1.0), true),
            });
        }
        let mut scores = Vec::new();
        for (s, rs) in raw.iter().enumerate() {
            let at = ptr("/scores", s);
            let id = self.id(&rs.id, &ptr(&at, "id"), "score id");
            let label = self.text(&rs.label, &ptr(&at, "label"));
            let (Some(rule), Some((range, whole))) = (rules[s].take(), ranges[s]) else {
                continue;
            };
            let bands = self.bands(&rs.bands, &ptr(&at, "bands"), range, whole);
            scores.push(Score {
                id,
                label,
                rule,
                bands,
                range,
                whole,
            });
        }
        (scores, order.into_iter().map(ScoreIx).collect())
    }

    fn score_rule(
        &mut self,
        rs: &RawScore,
        at: &str,
        items: &[Item],
        item_ids: &HashMap<&str, ItemIx>,
        score_ids: &HashMap<&str, ScoreIx>,
    ) -> Option<ScoreRule> {
        let aggregate = match rs.kind {
            ScoreKind::Sum => Some(Aggregate::Sum),
            ScoreKind::Mean => Some(Aggregate::Mean),
            ScoreKind::Count => Some(Aggregate::Count),
            ScoreKind::Percent => Some(Aggregate::Percent),
            ScoreKind::Expression | ScoreKind::Condition => None,
        };
        let kind_name = format!("{:?}", rs.kind).to_lowercase();
        let fields = [
            ("items", rs.items.is_some(), aggregate.is_some()),
            ("reverse", !rs.reverse.is_empty(), aggregate.is_some()),
            ("recode", !rs.recode.is_empty(), aggregate.is_some()),
            (
                "count_values",
                rs.count_values.is_some(),
                rs.kind == ScoreKind::Count,
            ),
            ("missing", rs.missing.is_some(), aggregate.is_some()),
            (
                "expression",
                rs.expression.is_some(),
                rs.kind == ScoreKind::Expression,
            ),
            (
                "range",
                rs.range.is_some(),
                rs.kind == ScoreKind::Expression,
            ),
            ("when", rs.when.is_some(), rs.kind == ScoreKind::Condition),
        ];
        for (field, is_set, applies) in fields {
            if is_set && !applies {
                self.f.error(
                    ptr(at, field),
                    "field-not-for-kind",
                    format!("`{field}` does not apply to {kind_name} scores"),
                );
            }
        }
        match rs.kind {
            ScoreKind::Expression => {
                let at_e = ptr(at, "expression");
                let Some(src) = &rs.expression else {
                    self.f.error(
                        at,
                        "missing-field",
                        "an expression score needs `expression`",
                    );
                    return None;
                };
                match rs.range {
                    None => self.f.error(
                        at,
                        "missing-field",
                        "an expression score needs `range`: [lowest, highest]",
                    ),
                    Some([lo, hi]) if lo > hi => self.f.error(
                        ptr(at, "range"),
                        "bad-range",
                        "`range` is [lowest, highest]",
                    ),
                    Some(_) => {}
                }
                let parsed = match expr::parse(src) {
                    Ok(e) => e,
                    Err(e) => {
                        self.f
                            .error_at(&at_e, e.offset, "bad-expression", e.message);
                        return None;
                    }
                };
                let resolved: Result<Expr<Operand>, (usize, &'static str, String)> = parsed
                    .resolve(&mut |name: &expr::Name| match name.namespace {
                        Namespace::Item => match item_ids.get(name.name.as_str()) {
                            Some(ix) if items[ix.0].kind.is_numeric() => Ok(Operand::Item(*ix)),
                            Some(_) => Err((
                                name.offset,
                                "not-scorable",
                                format!(
                                    "`item.{}` has no single numeric answer to compute with",
                                    name.name
                                ),
                            )),
                            None => Err((
                                name.offset,
                                "unknown-item",
                                format!("there is no item `{}` in this form", name.name),
                            )),
                        },
                        Namespace::Score => match score_ids.get(name.name.as_str()) {
                            Some(s) => Ok(Operand::Score(*s)),
                            None => Err((
                                name.offset,
                                "unknown-score",
                                format!("there is no score `{}` in this form", name.name),
                            )),
                        },
                    });
                match resolved {
                    Ok(e) => Some(ScoreRule::Expression(e)),
                    Err((offset, code, message)) => {
                        self.f.error_at(&at_e, offset, code, message);
                        None
                    }
                }
            }
            ScoreKind::Condition => {
                let Some(when) = &rs.when else {
                    self.f
                        .error(at, "missing-field", "a condition score needs `when`");
                    return None;
                };
                self.condition(when, &ptr(at, "when"), items, item_ids)
                    .map(ScoreRule::Condition)
            }
            _ => self.aggregate(rs, aggregate?, at, items, item_ids),
        }
    }

    fn aggregate(
        &mut self,
        rs: &RawScore,
        kind: Aggregate,
        at: &str,
        items: &[Item],
        item_ids: &HashMap<&str, ItemIx>,
    ) -> Option<ScoreRule> {
        let names = rs.items.as_deref().unwrap_or_default();
        if names.is_empty() {
            self.f.error(
                at,
                "missing-field",
                "this score needs `items`: the items it is computed from",
            );
            return None;
        }
        let at_items = ptr(at, "items");
        let mut resolved = Vec::new();
        for (k, name) in names.iter().enumerate() {
            let at_k = ptr(&at_items, k);
            let Some(&ix) = item_ids.get(name.as_str()) else {
                self.f.error(
                    at_k,
                    "unknown-item",
                    format!("there is no item `{name}` in this form"),
                );
                continue;
            };
            if names[..k].contains(name) {
                self.f
                    .error(&at_k, "duplicate-id", format!("`{name}` is listed twice"));
            }
            let kind_ok = items[ix.0].kind.is_numeric()
                || (kind == Aggregate::Count
                    && rs.count_values.is_none()
                    && matches!(
                        items[ix.0].kind,
                        ItemKind::MultipleChoice { .. } | ItemKind::BodyMap { .. }
                    ));
            if !kind_ok {
                self.f.error(
                    at_k,
                    "not-scorable",
                    format!(
                        "`{name}` is a {} item and cannot be scored this way",
                        items[ix.0].kind.type_name()
                    ),
                );
                continue;
            }
            resolved.push((name.as_str(), ix));
        }
        // Recoding maps, by item.
        let mut recodes: HashMap<&str, Vec<(f64, f64)>> = HashMap::new();
        for (r, rule) in rs.recode.iter().enumerate() {
            let at_r = ptr(&ptr(at, "recode"), r);
            let targets: Vec<&str> = match &rule.items {
                Some(list) => list.iter().map(String::as_str).collect(),
                None => names.iter().map(String::as_str).collect(),
            };
            let mut map = Vec::new();
            for (key, to) in &rule.map {
                match key.trim().parse::<f64>() {
                    Ok(from) if from.is_finite() => map.push((from, *to)),
                    _ => self.f.error(
                        ptr(&ptr(&at_r, "map"), key),
                        "bad-recode",
                        format!("the key \"{key}\" is not a number"),
                    ),
                }
            }
            for (k, target) in targets.iter().enumerate() {
                let at_t = if rule.items.is_some() {
                    ptr(&ptr(&at_r, "items"), k)
                } else {
                    at_r.clone()
                };
                let Some(&(_, ix)) = resolved.iter().find(|(n, _)| n == target) else {
                    if rule.items.is_some() {
                        self.f.error(
                            at_t,
                            "bad-recode",
                            format!("`{target}` is not one of this score's items"),
                        );
                    }
                    continue;
                };
                match items[ix.0].kind.domain() {
                    Some(Domain::Values(values)) => {
                        if let Some(v) = values
                            .iter()
                            .find(|v| !map.iter().any(|(from, _)| from == *v))
                        {
                            self.f.error(
                                ptr(&at_r, "map"),
                                "bad-recode",
                                format!(
                                    "the map does not say what answer {} of `{target}` scores",
                                    fmt_num(*v)
                                ),
                            );
                        }
                        if let Some((from, _)) = map.iter().find(|(from, _)| !values.contains(from))
                        {
                            self.f.warning(
                                ptr(&at_r, "map"),
                                "bad-recode",
                                format!("`{target}` can never be answered {}", fmt_num(*from)),
                            );
                        }
                    }
                    _ => self.f.error(
                        &at_t,
                        "bad-recode",
                        format!("`{target}` has no fixed set of answers to recode"),
                    ),
                }
                if recodes.insert(target, map.clone()).is_some() {
                    self.f.error(
                        at_t,
                        "bad-recode",
                        format!("`{target}` is recoded by two rules"),
                    );
                }
            }
        }
        for (k, name) in rs.reverse.iter().enumerate() {
            if !names.contains(name) {
                self.f.error(
                    ptr(&ptr(at, "reverse"), k),
                    "bad-reverse",
                    format!("`{name}` is reversed but is not one of this score's items"),
                );
            }
        }
        let mut scored = Vec::new();
        for (name, ix) in resolved {
            let item = &items[ix.0];
            let recode = recodes.get(name).cloned();
            let Some(domain) = item.kind.domain() else {
                // A multiple choice or body map counted by its selections.
                let max = match &item.kind {
                    ItemKind::MultipleChoice { options, .. } => options.len(),
                    ItemKind::BodyMap { regions, .. } => regions.len(),
                    _ => 0,
                };
                scored.push(ScoredItem {
                    item: ix,
                    recode: None,
                    reverse_sum: None,
                    min: 0.0,
                    max: max as f64,
                });
                continue;
            };
            let domain = match (&domain, &recode) {
                (Domain::Values(vs), Some(map)) => Domain::Values(
                    vs.iter()
                        .filter_map(|v| map.iter().find(|(f, _)| f == v).map(|(_, t)| *t))
                        .collect(),
                ),
                _ => domain,
            };
            let (min, max) = domain.bounds();
            let reverse_sum = rs.reverse.iter().any(|r| r == name).then_some(min + max);
            if let (Some(sum), Domain::Values(vs)) = (reverse_sum, &domain)
                && vs.iter().any(|v| !vs.contains(&(sum - v)))
            {
                let k = rs.reverse.iter().position(|r| r == name).unwrap_or(0);
                self.f.error(
                    ptr(&ptr(at, "reverse"), k),
                    "bad-reverse",
                    format!("`{name}` cannot be reversed: its values are not evenly spread between {} and {}", fmt_num(min), fmt_num(max)),
                );
            }
            if kind == Aggregate::Count && rs.count_values.is_some() {
                scored.push(ScoredItem {
                    item: ix,
                    recode,
                    reverse_sum,
                    min: 0.0,
                    max: 1.0,
                });
            } else {
                scored.push(ScoredItem {
                    item: ix,
                    recode,
                    reverse_sum,
                    min,
                    max,
                });
            }
        }
        let n = names.len();
        let (min_answered, prorate) = match &rs.missing {
            None => (n, false),
            Some(m) => {
                let at_m = ptr(at, "missing");
                let count = match (m.min_answered, m.min_fraction) {
                    (Some(_), Some(_)) => {
                        self.f.error(
                            &at_m,
                            "bad-missing-rule",
                            "give either `min_answered` or `min_fraction`, not both",
                        );
                        n
                    }
                    (Some(k), None) if k as usize > n => {
                        self.f.error(
                            ptr(&at_m, "min_answered"),
                            "bad-missing-rule",
                            format!("`min_answered` is {k} but the score has only {n} items"),
                        );
                        n
                    }
                    (Some(k), None) => k as usize,
                    (None, Some(fr)) if !(fr > 0.0 && fr <= 1.0) => {
                        self.f.error(
                            ptr(&at_m, "min_fraction"),
                            "bad-missing-rule",
                            "`min_fraction` is above 0 and at most 1",
                        );
                        n
                    }
                    (None, Some(fr)) => ((fr * n as f64) - 1e-9).ceil() as usize,
                    (None, None) if m.prorate => n,
                    (None, None) => {
                        self.f.error(
                            &at_m,
                            "bad-missing-rule",
                            "`missing` needs `min_answered` or `min_fraction`",
                        );
                        n
                    }
                };
                if m.prorate && kind != Aggregate::Sum {
                    self.f.error(
                        ptr(&at_m, "prorate"),
                        "bad-missing-rule",
                        "`prorate` applies to sum scores only",
                    );
                }
                (count, m.prorate)
            }
        };
        if kind == Aggregate::Mean && min_answered == 0 {
            self.f.warning(
                ptr(at, "missing"),
                "bad-missing-rule",
                "a mean of no answered items has no value; use at least 1",
            );
        }
        Some(ScoreRule::Aggregate {
            kind,
            items: scored,
            count_values: rs.count_values.clone(),
            min_answered,
            prorate,
        })
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

/// Orders nodes so each comes after its dependencies; on a cycle, returns the nodes in it.
/// Iterative, so a long chain of dependencies cannot overflow the stack.
pub(crate) fn topo_order(deps: &[Vec<usize>]) -> Result<Vec<usize>, Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }
    let mut state = vec![State::New; deps.len()];
    let mut order = Vec::with_capacity(deps.len());
    for start in 0..deps.len() {
        if state[start] != State::New {
            continue;
        }
        state[start] = State::Open;
        let mut stack = vec![(start, 0usize)];
        while let Some((node, next)) = stack.last_mut() {
            let node = *node;
            if let Some(&dep) = deps[node].get(*next) {
                *next += 1;
                match state[dep] {
                    State::New => {
                        state[dep] = State::Open;
                        stack.push((dep, 0));
                    }
                    State::Open => {
                        let from = stack.iter().position(|(n, _)| *n == dep).unwrap_or(0);
                        return Err(stack[from..].iter().map(|(n, _)| *n).collect());
                    }
                    State::Done => {}
                }
            } else {
                state[node] = State::Done;
                order.push(node);
                stack.pop();
            }
        }
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::topo_order;

    #[test]
    fn orders_dependencies_first_and_finds_cycles() {
        assert_eq!(
            topo_order(&[vec![1], vec![], vec![0, 1]]),
            Ok(vec![1, 0, 2])
        );
        assert_eq!(topo_order(&[vec![1], vec![2], vec![0]]), Err(vec![0, 1, 2]));
        assert_eq!(topo_order(&[vec![0]]), Err(vec![0]));
        let chain: Vec<Vec<usize>> = (0..100_000)
            .map(|i| if i == 0 { vec![] } else { vec![i - 1] })
            .collect();
        assert_eq!(topo_order(&chain).map(|o| o.len()), Ok(100_000));
    }
}
