//! Scoring: from a form's answers to score values, bands and flags.

use crate::answer::{Answer, Answers};
use crate::battery::BandOverride;
use crate::form::{Aggregate, Band, Form, ItemIx, Operand, ScoreRule, ScoredItem, Severity};
use crate::id::{BandId, FlagId, ScoreId};
use serde_json::{Map, Value, json};

/// One score's result.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreResult {
    /// Score id.
    pub id: ScoreId,
    /// The value; `None` when the missing-data rule is not met.
    pub value: Option<f64>,
    /// The band the value falls in.
    pub band: Option<BandId>,
    /// The band's flag for the clinician.
    pub severity: Severity,
}

/// The results of scoring one form.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Scores in the form's order.
    pub scores: Vec<ScoreResult>,
    /// Flags raised, in the form's order.
    pub flags: Vec<FlagId>,
    /// Scores whose bands came from a battery override, with the override's source.
    pub overridden: Vec<(ScoreId, String)>,
}

/// Scores `answers` to `form`, reading bands from `overrides` where a battery gives them.
/// Answers to hidden items are ignored.
pub fn score(form: &Form, answers: &Answers, overrides: &[BandOverride]) -> Report {
    let mut answers = answers.clone();
    answers.drop_hidden(form);
    let values = values(form, &|ix| answers.get(ix));
    let scores = form
        .scores
        .iter()
        .zip(values.iter().copied())
        .enumerate()
        .map(|(s, (score, value))| {
            let bands: &[Band] = overrides
                .iter()
                .find(|o| o.score.0 == s)
                .map_or(&score.bands, |o| &o.bands);
            let band = value.and_then(|v| bands.iter().find(|b| b.contains(v)));
            ScoreResult {
                id: score.id.clone(),
                value,
                band: band.map(|b| b.id.clone()),
                severity: band.map_or(Severity::None, |b| b.flag),
            }
        })
        .collect();
    let flags = form
        .flags
        .iter()
        .filter(|f| f.when.holds(&|ix| answers.get(ix), &|s| values[s.0]))
        .map(|f| f.id.clone())
        .collect();
    let overridden = overrides
        .iter()
        .map(|o| (form.scores[o.score.0].id.clone(), o.source.clone()))
        .collect();
    Report {
        scores,
        flags,
        overridden,
    }
}

/// Every score's value for the answers `answer` gives (`None` for an item not answered or
/// not shown), in the form's order.
pub(crate) fn values<'a>(
    form: &Form,
    answer: &impl Fn(ItemIx) -> Option<&'a Answer>,
) -> Vec<Option<f64>> {
    let mut values: Vec<Option<f64>> = vec![None; form.scores.len()];
    for &s in &form.score_order {
        values[s.0] = match &form.scores[s.0].rule {
            ScoreRule::Aggregate {
                kind,
                items,
                count_values,
                min_answered,
                prorate,
            } => aggregate(
                *kind,
                items,
                count_values.as_deref(),
                *min_answered,
                *prorate,
                answer,
            ),
            ScoreRule::Expression(e) => e.eval(&|op: &Operand| match op {
                Operand::Item(ix) => answer(*ix).and_then(Answer::as_number),
                Operand::Score(other) => values[other.0],
            }),
            // Rule-based scores test answers only (the checker refuses score tests there).
            ScoreRule::Condition(c) => Some(if c.holds(answer, &|_| None) { 1.0 } else { 0.0 }),
        };
    }
    values
}

fn aggregate<'a>(
    kind: Aggregate,
    items: &[ScoredItem],
    count_values: Option<&[f64]>,
    min_answered: usize,
    prorate: bool,
    answer: &impl Fn(ItemIx) -> Option<&'a Answer>,
) -> Option<f64> {
    let mut answered = 0usize;
    let mut sum = 0.0;
    let mut span = 0.0;
    for si in items {
        let Some(answer) = answer(si.item) else {
            continue;
        };
        answered += 1;
        let scored = match answer {
            Answer::Choices(c) => c.iter().filter(|v| !si.uncounted.contains(v)).count() as f64,
            Answer::Regions(r) => r.len() as f64,
            other => match other.as_number() {
                Some(v) => scored_value(si, v),
                None => continue,
            },
        };
        match (kind, count_values) {
            (Aggregate::Count, Some(values)) => {
                sum += f64::from(u8::from(values.contains(&scored)))
            }
            (Aggregate::Count, None)
                if matches!(answer, Answer::Choices(_) | Answer::Regions(_)) =>
            {
                sum += scored
            }
            (Aggregate::Count, None) => sum += 1.0,
            (Aggregate::Percent, _) => {
                sum += scored - si.min;
                span += si.max - si.min;
            }
            _ => sum += scored,
        }
    }
    if answered < min_answered {
        return None;
    }
    match kind {
        // Multiply before dividing so exact cases (e.g. 37/20 = 1.85) stay exact at cut-offs.
        Aggregate::Sum if prorate && answered > 0 => {
            Some(sum * items.len() as f64 / answered as f64)
        }
        Aggregate::Sum | Aggregate::Count => Some(sum),
        Aggregate::Mean => (answered > 0).then(|| sum / answered as f64),
        Aggregate::Percent => (span > 0.0).then(|| sum * 100.0 / span),
    }
}

fn scored_value(si: &ScoredItem, answer: f64) -> f64 {
    let recoded = si
        .recode
        .as_ref()
        .and_then(|map| {
            map.iter()
                .find(|(from, _)| *from == answer)
                .map(|(_, to)| *to)
        })
        .unwrap_or(answer);
    match si.reverse_sum {
        Some(total) => total - recoded,
        None => recoded,
    }
}

/// A number as JSON: whole numbers without a fraction (`7`, not `7.0`).
pub fn number_json(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9.0e15 {
        json!(v as i64)
    } else {
        json!(v)
    }
}

impl Report {
    /// The result of one score, by id.
    pub fn get(&self, id: &str) -> Option<&ScoreResult> {
        self.scores.iter().find(|s| s.id.as_str() == id)
    }

    /// The JSON printed by `svar score`.
    pub fn to_json(&self, form: &Form) -> Value {
        let scores: Map<String, Value> = self
            .scores
            .iter()
            .map(|s| {
                let value = s.value.map_or(Value::Null, number_json);
                let band = s.band.as_ref().map_or(Value::Null, |b| json!(b.as_str()));
                // The band's flag for the clinician; none without a band.
                let flag = s
                    .band
                    .as_ref()
                    .map_or(Value::Null, |_| json!(s.severity.name()));
                (
                    s.id.to_string(),
                    json!({"value": value, "band": band, "flag": flag}),
                )
            })
            .collect();
        let mut out = json!({
            "form": form.id.as_str(),
            "version": form.version.to_string(),
            "scores": scores,
            "flags": self.flags.iter().map(|f| f.as_str()).collect::<Vec<_>>(),
        });
        if !self.overridden.is_empty() {
            out["band_overrides"] = self
                .overridden
                .iter()
                .map(|(id, source)| (id.to_string(), json!(source)))
                .collect::<Map<_, _>>()
                .into();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Findings;
    use crate::form::check::{Context, check};
    use crate::form::raw::RawForm;

    /// A small form in English only, with the given items and scores.
    fn form(items: Value, scores: Value) -> Form {
        let raw: RawForm = serde_json::from_value(json!({
            "id": "t", "version": "1.0.0", "title": {"en": "T"}, "languages": ["en"],
            "instrument": "Test", "wording": "project", "scoring_source": "Test.",
            "scales": {"s": {"options": [
                {"value": 0, "label": {"en": "a"}}, {"value": 1, "label": {"en": "b"}},
                {"value": 2, "label": {"en": "c"}}, {"value": 3, "label": {"en": "d"}}]}},
            "pages": [{"id": "p", "items": items}],
            "scores": scores
        }))
        .expect("raw form");
        let mut findings = Findings::default();
        let form = check(&raw, &Context::default(), &mut findings);
        form.unwrap_or_else(|| panic!("{:?}", findings.into_vec()))
    }

    fn choice(id: &str) -> Value {
        json!({"id": id, "type": "single_choice", "scale": "s", "text": {"en": id}})
    }

    fn run(form: &Form, answers: Value) -> Report {
        score(
            form,
            &Answers::from_json(form, &answers).expect("valid answers"),
            &[],
        )
    }

    #[test]
    fn prorated_sum_scales_to_all_items() {
        let f = form(
            json!([choice("a"), choice("b"), choice("c"), choice("d")]),
            json!([{"id": "s", "label": {"en": "S"}, "kind": "sum", "items": ["a", "b", "c", "d"],
                    "missing": {"min_answered": 3, "prorate": true}}]),
        );
        // 1 + 2 + 3 over 3 of 4 items: 6 × 4 / 3 = 8.
        assert_eq!(
            run(&f, json!({"a": 1, "b": 2, "c": 3})).scores[0].value,
            Some(8.0)
        );
        assert_eq!(run(&f, json!({"a": 1, "b": 2})).scores[0].value, None);
    }

    #[test]
    fn percent_uses_only_answered_items_and_their_spans() {
        let f = form(
            json!([choice("a"), choice("b"), choice("c")]),
            json!([{"id": "p", "label": {"en": "P"}, "kind": "percent", "items": ["a", "b", "c"],
                    "missing": {"min_answered": 2}}]),
        );
        // (3 + 0) / (3 + 3) × 100 = 50.
        assert_eq!(run(&f, json!({"a": 3, "b": 0})).scores[0].value, Some(50.0));
        assert_eq!(run(&f, json!({"a": 3})).scores[0].value, None);
    }

    #[test]
    fn reverse_and_recode_apply_in_order() {
        let f = form(
            json!([choice("a"), choice("b")]),
            json!([{"id": "s", "label": {"en": "S"}, "kind": "sum", "items": ["a", "b"], "reverse": ["a"],
                    "recode": [{"items": ["b"], "map": {"0": 0, "1": 0, "2": 5, "3": 5}}]}]),
        );
        // a = 3 reversed on 0–3 is 0; b = 2 recoded is 5.
        assert_eq!(run(&f, json!({"a": 3, "b": 2})).scores[0].value, Some(5.0));
    }

    #[test]
    fn hidden_answers_are_not_scored() {
        let mut b = choice("b");
        b["show_if"] = json!({"item": "a", "op": ">", "value": 0});
        let f = form(
            json!([choice("a"), b]),
            json!([{"id": "s", "label": {"en": "S"}, "kind": "sum", "items": ["a", "b"],
                    "missing": {"min_answered": 1}}]),
        );
        assert_eq!(run(&f, json!({"a": 0, "b": 3})).scores[0].value, Some(0.0));
        assert_eq!(run(&f, json!({"a": 1, "b": 3})).scores[0].value, Some(4.0));
    }

    #[test]
    fn counts_of_selections_and_of_values() {
        let f = form(
            json!([
                {"id": "m", "type": "multiple_choice", "scale": "s", "text": {"en": "m"}},
                {"id": "y1", "type": "yes_no", "text": {"en": "y1"}},
                {"id": "y2", "type": "yes_no", "text": {"en": "y2"}}
            ]),
            json!([
                {"id": "ticked", "label": {"en": "T"}, "kind": "count", "items": ["m"]},
                {"id": "yes", "label": {"en": "Y"}, "kind": "count", "items": ["y1", "y2"], "count_values": [1]}
            ]),
        );
        let r = run(&f, json!({"m": [0, 2, 3], "y1": 1, "y2": 0}));
        assert_eq!(r.scores[0].value, Some(3.0));
        assert_eq!(r.scores[1].value, Some(1.0));
    }

    #[test]
    fn expression_scores_see_other_scores_and_nulls() {
        let f = form(
            json!([choice("a"), choice("b")]),
            json!([
                {"id": "twice", "label": {"en": "2x"}, "kind": "expression", "expression": "score.total * 2", "range": [0, 12]},
                {"id": "total", "label": {"en": "T"}, "kind": "sum", "items": ["a", "b"]}
            ]),
        );
        assert_eq!(
            run(&f, json!({"a": 1, "b": 2}))
                .get("twice")
                .and_then(|s| s.value),
            Some(6.0)
        );
        assert_eq!(
            run(&f, json!({"a": 1})).get("twice").and_then(|s| s.value),
            None
        );
    }
}
