//! Checks of scores: which items they take, reverse keys, missing-item rules, derived
//! expressions and bands.

use super::{Checker, topo_order};
use crate::answer::fmt_num;
use crate::diag::ptr;
use crate::expr::{self, Expr, Namespace};
use crate::form::limits;
use crate::form::raw::{RawScore, ScoreKind};
use crate::form::{
    Aggregate, Domain, Item, ItemIx, ItemKind, Operand, Score, ScoreIx, ScoreRule, ScoredItem,
};
use std::collections::HashMap;

impl Checker<'_> {
    pub(super) fn scores(
        &mut self,
        raw: &[RawScore],
        items: &[Item],
        item_ids: &HashMap<&str, ItemIx>,
    ) -> (Vec<Score>, Vec<ScoreIx>) {
        self.at_most(
            raw.len(),
            limits::MAX_SCORES,
            "/scores",
            "too-many-scores",
            "scores in this form",
        );
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
            let code = self.code(&rs.code, &ptr(&at, "code"));
            scores.push(Score {
                id,
                label,
                rule,
                bands,
                range,
                whole,
                code,
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
                self.condition(when, &ptr(at, "when"), items, item_ids, None)
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
                let hint = crate::suggest::did_you_mean(name, item_ids.keys().copied());
                self.f.error(
                    at_k,
                    "unknown-item",
                    format!(
                        "the score `{}` counts `{name}`, but there is no item `{name}` in this form{hint}; remove it from the score's `items`, or add the item",
                        rs.id
                    ),
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
                // A multiple choice or body map counted by its selections; "None of these"
                // is not one.
                let (max, uncounted) = match &item.kind {
                    ItemKind::MultipleChoice { options, .. } => {
                        let uncounted: Vec<f64> = options
                            .iter()
                            .filter(|o| o.exclusive)
                            .map(|o| o.value)
                            .collect();
                        (options.len() - uncounted.len(), uncounted)
                    }
                    ItemKind::BodyMap { regions, .. } => (regions.len(), Vec::new()),
                    _ => (0, Vec::new()),
                };
                scored.push(ScoredItem {
                    item: ix,
                    recode: None,
                    reverse_sum: None,
                    min: 0.0,
                    max: max as f64,
                    uncounted,
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
                    uncounted: Vec::new(),
                });
            } else {
                scored.push(ScoredItem {
                    item: ix,
                    recode,
                    reverse_sum,
                    min,
                    max,
                    uncounted: Vec::new(),
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
