//! Checks of the conditions that show and hide items and pages.

use super::Checker;
use crate::answer::{Date, fmt_num};
use crate::condition::{Condition, Op, Operand as CondValue, RawCondition};
use crate::diag::ptr;
use crate::form::{Domain, Item, ItemIx, ItemKind, Score, ScoreIx};
use std::collections::HashMap;

impl Checker<'_> {
    /// Resolves a condition. `scores` are the form's scores when the condition may test them
    /// (`show_if` and flags), `None` where it may not (a rule-based score's `when`).
    pub(super) fn condition(
        &mut self,
        raw: &RawCondition,
        at: &str,
        items: &[Item],
        ids: &HashMap<&str, ItemIx>,
        scores: Option<&[Score]>,
    ) -> Option<Condition> {
        let is_test =
            raw.item.is_some() || raw.score.is_some() || raw.op.is_some() || raw.value.is_some();
        let shapes = [
            is_test,
            raw.all.is_some(),
            raw.any.is_some(),
            raw.not.is_some(),
        ];
        if shapes.iter().filter(|s| **s).count() != 1 {
            self.f.error(at, "bad-condition", "a condition is either a test (`item` or `score`, `op`, `value`) or exactly one of `all`, `any`, `not`; put several tests in a list under `all` or `any`");
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
                .map(|(k, rc)| c.condition(rc, &ptr(&at_l, k), items, ids, scores))
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
                .condition(not, &ptr(at, "not"), items, ids, scores)
                .map(|c| Condition::Not(Box::new(c)));
        }
        if let Some(name) = &raw.score {
            return self.score_test(raw, name, at, scores);
        }
        let (Some(name), Some(op)) = (&raw.item, raw.op) else {
            self.f.error(
                at,
                "missing-field",
                "a test condition needs `item` (or `score`) and `op`",
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

    /// A test on a score's value: `{"score": "total", "op": ">", "value": 10}`.
    fn score_test(
        &mut self,
        raw: &RawCondition,
        name: &str,
        at: &str,
        scores: Option<&[Score]>,
    ) -> Option<Condition> {
        if raw.item.is_some() {
            self.f.error(
                ptr(at, "score"),
                "bad-condition",
                "a test names either an `item` or a `score`, not both; put two tests under `all` or `any`",
            );
            return None;
        }
        let Some(scores) = scores else {
            self.f.error(
                ptr(at, "score"),
                "bad-condition",
                "a rule-based score tests answers, not other scores; use an `expression` score to combine scores",
            );
            return None;
        };
        let Some(s) = scores.iter().position(|s| s.id.as_str() == name) else {
            let known: Vec<&str> = scores.iter().map(|s| s.id.as_str()).collect();
            self.f.error(
                ptr(at, "score"),
                "unknown-score",
                format!(
                    "there is no score `{name}` in this form{}",
                    crate::suggest::did_you_mean(name, known)
                ),
            );
            return None;
        };
        let score = &scores[s];
        let Some(op) = raw.op else {
            self.f
                .error(at, "missing-field", "a score test needs `op` and `value`");
            return None;
        };
        if matches!(op, Op::Answered | Op::NotAnswered | Op::Contains) {
            self.f.error(
                ptr(at, "op"),
                "bad-condition",
                format!(
                    "a score is compared with a number: use `equals`, `not_equals`, `<`, `<=`, `>` or `>=`, not `{}`",
                    op.name()
                ),
            );
            return None;
        }
        let at_v = ptr(at, "value");
        let Some(value) = raw.value.as_ref().and_then(serde_json::Value::as_f64) else {
            self.f.error(
                if raw.value.is_some() {
                    at_v
                } else {
                    at.to_owned()
                },
                if raw.value.is_some() {
                    "bad-condition"
                } else {
                    "missing-field"
                },
                format!("a test on the score `{name}` needs a number as its `value`"),
            );
            return None;
        };
        let (min, max) = score.range;
        // A score whose items are broken has no range; those items are reported already.
        let never = (min.is_finite() && max.is_finite())
            && match op {
                Op::Equals => value < min || value > max || (score.whole && value.fract() != 0.0),
                Op::Lt => value <= min,
                Op::Le => value < min,
                Op::Gt => value >= max,
                Op::Ge => value > max,
                Op::NotEquals | Op::Answered | Op::NotAnswered | Op::Contains => false,
            };
        if never {
            self.f.error(
                at_v,
                "bad-condition",
                format!(
                    "the score `{name}` runs from {} to {}{}, so `{} {}` can never hold",
                    fmt_num(min),
                    fmt_num(max),
                    if score.whole { " in whole numbers" } else { "" },
                    op.name(),
                    fmt_num(value)
                ),
            );
            return None;
        }
        Some(Condition::Score {
            score: ScoreIx(s),
            op,
            value,
        })
    }
}
