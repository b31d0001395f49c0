//! From a parsed [`RawForm`] to a checked [`Form`], recording every problem as a finding.
//!
//! The checker keeps going after a problem so an admin sees all of them at once; a [`Form`]
//! is returned only when there were no errors.

use super::raw::{Display, RawBand, RawForm, Severity};
use super::{
    Band, Bound, Choice, Flag, Form, Item, ItemIx, ItemKind, Page, Score, ScoreIx, ScoreRule,
    items_behind,
};
use crate::answer::fmt_num;
use crate::diag::{Findings, ptr};
use crate::form::limits;
use crate::id::Id;
use crate::text::{Lang, RawText, Text};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

mod conditions;
mod items;
mod scores;

/// Where a form file lives, for the checks that look outside it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The folders images are looked up in, first match wins.
    pub assets: &'a [AssetPlace],
    /// The file name without `.json`, which should equal the form id.
    pub file_stem: Option<&'a str>,
}

/// A folder images are looked up in, and why it is searched (for messages naming each place).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetPlace {
    /// The folder.
    pub dir: PathBuf,
    /// Why it is searched, e.g. "beside the forms folder".
    pub why: &'static str,
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
                Some(s) => text_length(self.f, s, &ptr(at, lang), &format!("the {lang} text")),
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

    /// Refuses a list longer than `max` with `code`; `what` names its entries for the admin
    /// ("options in this scale").
    pub(crate) fn at_most(
        &mut self,
        len: usize,
        max: usize,
        at: &str,
        code: &'static str,
        what: &str,
    ) {
        if len > max {
            self.f.error(
                at,
                code,
                format!("there are {len} {what}; at most {max} are allowed"),
            );
        }
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

    /// The fields every form and battery file starts with: its id (which should be the file's
    /// name), version, languages and title. `what` is `form` or `battery`.
    pub(crate) fn file_header<K>(
        &mut self,
        what: &str,
        raw_id: &str,
        file_stem: Option<&str>,
        raw_version: &str,
        raw_title: &RawText,
    ) -> (Id<K>, semver::Version, Text) {
        let id = self.id(raw_id, "/id", &format!("{what} id"));
        if let Some(stem) = file_stem
            && stem != raw_id
        {
            self.f.warning(
                "/id",
                "id-file-mismatch",
                format!("the {what} id `{raw_id}` differs from the file name `{stem}.json`"),
            );
        }
        let version = self.version(raw_version, "/version");
        self.languages("/languages");
        let title = self.text(raw_title, "/title");
        (id, version, title)
    }

    fn languages(&mut self, at: &str) {
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

    fn version(&mut self, raw: &str, at: &str) -> semver::Version {
        semver::Version::parse(raw).unwrap_or_else(|e| {
            self.f.error(
                at,
                "bad-version",
                format!("`{raw}` is not a semantic version like 1.0.0: {e}"),
            );
            semver::Version::new(0, 0, 0)
        })
    }

    /// A code as written, when both its system and code are given (a URI and no blank).
    pub(crate) fn code(&mut self, raw: &Option<super::Code>, at: &str) -> Option<super::Code> {
        let code = raw.as_ref()?;
        if !code.system.contains(':')
            || code.code.trim().is_empty()
            || code.code.contains(char::is_whitespace)
        {
            self.f.error(
                at,
                "bad-code",
                "a code needs `system`, a URI such as http://loinc.org, and `code` without spaces, such as 44249-1",
            );
            return None;
        }
        Some(code.clone())
    }

    /// Checks bands against the score's possible range: ordered, no overlap, no gap, covering.
    pub(crate) fn bands(
        &mut self,
        raw: &[RawBand],
        at: &str,
        range: (f64, f64),
        whole: bool,
    ) -> Vec<Band> {
        self.at_most(
            raw.len(),
            limits::MAX_BANDS,
            at,
            "too-many-bands",
            "bands in this score",
        );
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
                // Which values both bands hold, so the admin knows which limit to move.
                let shared = if whole {
                    let (from, to) = (whole_lower(l), whole_upper(u));
                    if from == to {
                        format!("the value {} falls in both", fmt_num(from))
                    } else {
                        format!(
                            "the values {} to {} fall in both",
                            fmt_num(from),
                            fmt_num(to)
                        )
                    }
                } else {
                    format!(
                        "values from {} to {} fall in both",
                        fmt_num(l.value),
                        fmt_num(u.value)
                    )
                };
                self.f.error(
                    at_next,
                    "band-overlap",
                    format!(
                        "`{}` overlaps `{}`: {shared}; make `{}` start above where `{}` ends",
                        next.id, prev.id, next.id, prev.id
                    ),
                );
            } else if gap {
                let (missing, hint) = if whole {
                    let (from, to) = (whole_upper(u) + 1.0, whole_lower(l) - 1.0);
                    let values = if from == to {
                        format!(
                            "the value {}, between `{}` and `{}`, falls",
                            fmt_num(from),
                            prev.id,
                            next.id
                        )
                    } else {
                        format!(
                            "the values {} to {}, between `{}` and `{}`, fall",
                            fmt_num(from),
                            fmt_num(to),
                            prev.id,
                            next.id
                        )
                    };
                    (values, String::new())
                } else {
                    (
                        format!("values between {} and {}, between `{}` and `{}`, fall", fmt_num(u.value), fmt_num(l.value), prev.id, next.id),
                        " (this score can take fractional values: pair `max` with `above`, or `below` with `min`)".to_owned(),
                    )
                };
                self.f.error(
                    at_next,
                    "band-gap",
                    format!(
                        "{missing} in no band{hint}; let `{}` start where `{}` ends",
                        next.id, prev.id
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
        for (b, band) in bands.iter().enumerate() {
            let reachable = if whole {
                let from = band.lower.map_or(lo, whole_lower).max(lo);
                let to = band.upper.map_or(hi, whole_upper).min(hi);
                from <= to
            } else {
                band.lower
                    .is_none_or(|l| l.value < hi || (l.value == hi && l.inclusive))
                    && band
                        .upper
                        .is_none_or(|u| u.value > lo || (u.value == lo && u.inclusive))
            };
            if !reachable {
                self.f.warning(
                    ptr(at, b),
                    "unreachable-band",
                    format!(
                        "no answers can give a value in the band `{}`: the score runs from {} to {}{}",
                        band.id,
                        fmt_num(lo),
                        fmt_num(hi),
                        if whole { " in whole numbers" } else { "" }
                    ),
                );
            }
        }
        bands
    }

    fn form(&mut self, raw: &RawForm, ctx: &Context) -> Form {
        let (id, version, title) =
            self.file_header("form", &raw.id, ctx.file_stem, &raw.version, &raw.title);
        for (field, value) in [
            ("instrument", &raw.instrument),
            ("scoring_source", &raw.scoring_source),
        ] {
            if value.trim().is_empty() {
                self.f
                    .error(ptr("", field), "empty-text", format!("`{field}` is empty"));
            }
            text_length(self.f, value, &ptr("", field), &format!("`{field}`"));
        }
        for (field, value) in [
            ("wording_note", &raw.wording_note),
            ("licence", &raw.licence),
        ] {
            if let Some(value) = value {
                text_length(self.f, value, &ptr("", field), &format!("`{field}`"));
            }
        }
        for (k, note) in raw.scoring_notes.iter().enumerate() {
            text_length(self.f, note, &ptr("/scoring_notes", k), "this scoring note");
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
        self.at_most(
            raw.pages.len(),
            limits::MAX_PAGES,
            "/pages",
            "too-many-pages",
            "pages in this form",
        );
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
            self.at_most(
                rp.items.len(),
                limits::MAX_PAGE_ITEMS,
                &ptr(&at_p, "items"),
                "too-many-items",
                &format!("items on the page `{}`", rp.id),
            );
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
                if !answerable && ri.allow_decline == Some(true) {
                    self.f.warning(
                        ptr(&at_i, "allow_decline"),
                        "field-not-for-type",
                        "info items take no answer, so there is nothing to decline",
                    );
                }
                items.push(Item {
                    id,
                    page: p,
                    text: self.text(&ri.text, &ptr(&at_i, "text")),
                    help: ri.help.as_ref().map(|h| self.text(h, &ptr(&at_i, "help"))),
                    required: answerable && ri.required.unwrap_or(raw.required_by_default),
                    allow_decline: answerable && ri.allow_decline.unwrap_or(raw.allow_decline),
                    show_if: None,
                    kind,
                    code: self.code(&ri.code, &ptr(&at_i, "code")),
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
            self.page_text(
                &rp.id,
                &at_p,
                page_title.as_ref(),
                &items[items.len() - page_items.len()..],
            );
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

        // Conditions may refer forward and to scores, so they are resolved once every item and
        // score is known.
        let (scores, score_order) = self.scores(&raw.scores, &items, &item_ids);
        for (p, rp) in raw.pages.iter().enumerate() {
            if let Some(rc) = &rp.show_if {
                let at = ptr(&ptr("/pages", p), "show_if");
                pages[p].show_if = self.condition(rc, &at, &items, &item_ids, Some(&scores));
            }
        }
        let mut ri_iter = raw.pages.iter().flat_map(|p| p.items.iter());
        for ix in 0..items.len() {
            if let Some(rc) = ri_iter.next().and_then(|ri| ri.show_if.as_ref()) {
                let at = ptr(&item_at[ix], "show_if");
                items[ix].show_if = self.condition(rc, &at, &items, &item_ids, Some(&scores));
            }
        }
        let visibility_order = self.visibility_order(&pages, &items, &item_at, &scores);
        self.skippable_in_complete_scores(&items, &item_at, &scores, &raw.scores);

        self.at_most(
            raw.flags.len(),
            limits::MAX_FLAGS,
            "/flags",
            "too-many-flags",
            "flags in this form",
        );
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
            let when = self.condition(
                &rf.when,
                &ptr(&at, "when"),
                &items,
                &item_ids,
                Some(&scores),
            );
            if let Some(when) = when {
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
            code: self.code(&raw.code, "/code"),
        }
    }

    /// Warns of an item a patient may skip or decline inside a score that needs every item:
    /// the score would be empty for that patient, which a study learns only at analysis.
    fn skippable_in_complete_scores(
        &mut self,
        items: &[Item],
        item_at: &[String],
        scores: &[Score],
        raw: &[super::raw::RawScore],
    ) {
        for (s, score) in scores.iter().enumerate() {
            let ScoreRule::Aggregate {
                items: scored,
                min_answered,
                ..
            } = &score.rule
            else {
                continue;
            };
            if *min_answered < scored.len() {
                continue;
            }
            for si in scored {
                let item = &items[si.item.0];
                // A decline is the patient's recorded choice, which staff see; a form that
                // writes out "every item" in its `missing` rule empties the score on purpose.
                let explicit = raw.get(s).is_some_and(|r| r.missing.is_some());
                let how = match (item.required, item.allow_decline) {
                    (false, _) => "optional",
                    (true, true) if !explicit => "declinable (\"I prefer not to answer\")",
                    (true, _) => continue,
                };
                let field = if item.required {
                    "allow_decline"
                } else {
                    "required"
                };
                let at = ptr(&item_at[si.item.0], field);
                let missing_at = if explicit {
                    "its `missing` rule"
                } else {
                    "it has no `missing` rule"
                };
                self.f.warning(
                    at,
                    "skippable-in-complete-score",
                    format!(
                        "`{item}` is {how}, but the score `{score}` needs all {n} of its items ({missing_at}): a patient who leaves `{item}` out gets no `{score}`; make `{item}` required{decline}, or let `{score}` be computed with fewer items (`missing`){on_purpose}",
                        item = item.id,
                        score = score.id,
                        n = scored.len(),
                        decline = if item.allow_decline { " without decline" } else { "" },
                        on_purpose = if item.required {
                            format!(", or, if a decline should leave `{}` empty, say so with `\"missing\": {{\"min_answered\": {}}}`", score.id, scored.len())
                        } else {
                            String::new()
                        },
                    ),
                );
            }
        }
    }

    /// Orders items so each comes after every item its visibility reads, directly or through
    /// a score; reports a circle of conditions at the first item in it.
    fn visibility_order(
        &mut self,
        pages: &[Page],
        items: &[Item],
        item_at: &[String],
        scores: &[Score],
    ) -> Vec<ItemIx> {
        // Per item, what it depends on: (the item read, the score it is read through).
        let deps: Vec<Vec<(usize, Option<ScoreIx>)>> = items
            .iter()
            .map(|item| {
                let mut d = Vec::new();
                let conds = [pages[item.page].show_if.as_ref(), item.show_if.as_ref()];
                for c in conds.into_iter().flatten() {
                    c.for_each_item(&mut |ix| d.push((ix.0, None)));
                    c.for_each_score(&mut |s| {
                        d.extend(
                            items_behind(scores, s)
                                .into_iter()
                                .map(|ix| (ix.0, Some(s))),
                        )
                    });
                }
                d
            })
            .collect();
        let plain: Vec<Vec<usize>> = deps
            .iter()
            .map(|d| d.iter().map(|(ix, _)| *ix).collect())
            .collect();
        let cycle = match topo_order(&plain) {
            Ok(order) => return order.into_iter().map(ItemIx).collect(),
            Err(cycle) => cycle,
        };
        let first = cycle[0];
        let at = if items[first].show_if.is_some() {
            ptr(&item_at[first], "show_if")
        } else {
            ptr(&ptr("/pages", items[first].page), "show_if")
        };
        // Each step names the item, and the score when the dependency goes through one.
        let mut path = String::new();
        for (k, &node) in cycle.iter().enumerate() {
            let next = cycle[(k + 1) % cycle.len()];
            path.push_str(&format!("`{}` -> ", items[node].id));
            let via = deps[node]
                .iter()
                .find(|(ix, _)| *ix == next)
                .and_then(|d| d.1);
            if let Some(s) = via {
                path.push_str(&format!("the score `{}` -> ", scores[s.0].id));
            }
        }
        path.push_str(&format!("`{}`", items[first].id));
        let own_score = deps[first]
            .iter()
            .find(|(ix, _)| *ix == first)
            .and_then(|d| d.1);
        let message = match own_score {
            Some(s) if cycle.len() == 1 => format!(
                "whether `{item}` is shown depends on the score `{score}`, which counts `{item}` itself: its own answer would decide whether it is asked; test a score that does not count `{item}`, or an item",
                item = items[first].id,
                score = scores[s.0].id
            ),
            _ => format!("these items' conditions depend on each other in a circle: {path}"),
        };
        self.f.error(at, "condition-cycle", message);
        Vec::new()
    }

    /// Refuses a page whose texts in one language add up to more than
    /// [`limits::MAX_PAGE_TEXT_CHARS`]: each text may be within its own limit while a page of
    /// many items with many options still holds millions of characters to lay out.
    fn page_text(&mut self, id: &str, at: &str, title: Option<&Text>, items: &[Item]) {
        let longest = self
            .langs
            .iter()
            .map(|&lang| {
                let chars = |t: &Text| t.get(lang).chars().count();
                let texts = items.iter().flat_map(Item::texts);
                (
                    title.map_or(0, chars) + texts.map(chars).sum::<usize>(),
                    lang,
                )
            })
            .max_by_key(|&(chars, _)| chars);
        if let Some((chars, lang)) = longest
            && chars > limits::MAX_PAGE_TEXT_CHARS
        {
            self.f.error(
                at,
                "page-text-too-long",
                format!(
                    "the page `{id}` shows {chars} characters of {lang} text (its title, questions, \
                     help and labels together); at most {} fit on one page: shorten them or \
                     split the page",
                    limits::MAX_PAGE_TEXT_CHARS
                ),
            );
        }
    }
}

/// Refuses a text longer than [`limits::MAX_TEXT_CHARS`]; `what` names it for the admin.
pub(crate) fn text_length(f: &mut Findings, value: &str, at: &str, what: &str) {
    let chars = value.chars().count();
    if chars > limits::MAX_TEXT_CHARS {
        f.error(
            at,
            "text-too-long",
            format!(
                "{what} has {chars} characters; at most {} fit on a screen",
                limits::MAX_TEXT_CHARS
            ),
        );
    }
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
