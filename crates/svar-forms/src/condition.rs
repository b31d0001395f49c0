//! Conditions that show and hide pages and items, raise flags and decide rule-based scores.

use crate::answer::Answer;
use crate::form::{ItemIx, ScoreIx};
use schemars::JsonSchema;
use serde::Deserialize;

/// A condition as written: a test on one item (`item`, `op`, `value`), a test on one score
/// (`score`, `op`, `value`), or one of `all`, `any`, `not`. The checker insists on exactly one
/// shape.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a condition: an object such as {\"item\": \"q1\", \"op\": \"equals\", \"value\": 1}"
)]
pub struct RawCondition {
    /// The item tested.
    #[serde(default)]
    pub item: Option<String>,
    /// The score tested (in `show_if` and flags): its value for the answers shown so far.
    #[serde(default)]
    pub score: Option<String>,
    /// The test.
    #[serde(default)]
    pub op: Option<Op>,
    /// What the answer is compared with (not for `answered`/`not_answered`).
    #[serde(default)]
    pub value: Option<serde_json::Value>,
    /// Holds when every condition holds.
    #[serde(default)]
    pub all: Option<Vec<RawCondition>>,
    /// Holds when at least one condition holds.
    #[serde(default)]
    pub any: Option<Vec<RawCondition>>,
    /// Holds when the condition does not.
    #[serde(default)]
    pub not: Option<Box<RawCondition>>,
}

/// A test on one item's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
pub enum Op {
    /// The answer equals the value.
    #[serde(rename = "equals")]
    Equals,
    /// The answer is given and differs from the value.
    #[serde(rename = "not_equals")]
    NotEquals,
    /// Less than.
    #[serde(rename = "<")]
    Lt,
    /// Less than or equal.
    #[serde(rename = "<=")]
    Le,
    /// Greater than.
    #[serde(rename = ">")]
    Gt,
    /// Greater than or equal.
    #[serde(rename = ">=")]
    Ge,
    /// The item has an answer.
    #[serde(rename = "answered")]
    Answered,
    /// The item has no answer (or is hidden).
    #[serde(rename = "not_answered")]
    NotAnswered,
    /// The selection (or text) contains the value.
    #[serde(rename = "contains")]
    Contains,
}

impl Op {
    /// Whether `x op v` holds, for the numeric comparisons and (in)equality.
    fn compares(self, x: f64, v: f64) -> bool {
        match self {
            Op::Equals => x == v,
            Op::NotEquals => x != v,
            Op::Lt => x < v,
            Op::Le => x <= v,
            Op::Gt => x > v,
            Op::Ge => x >= v,
            Op::Answered | Op::NotAnswered | Op::Contains => false,
        }
    }

    /// The name used in files.
    pub fn name(self) -> &'static str {
        match self {
            Op::Equals => "equals",
            Op::NotEquals => "not_equals",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Answered => "answered",
            Op::NotAnswered => "not_answered",
            Op::Contains => "contains",
        }
    }
}

/// A value a condition compares with; dates are held as day numbers.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A number (option value, yes/no, rating, number, day number of a date).
    Number(f64),
    /// A text or region id.
    Text(String),
}

/// A checked condition with its item references resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// A test on one item.
    Test {
        /// The item.
        item: ItemIx,
        /// The test.
        op: Op,
        /// Compared with (none for `answered`/`not_answered`).
        value: Option<Operand>,
    },
    /// A comparison of one score's value; false while the score has no value.
    Score {
        /// The score.
        score: ScoreIx,
        /// The comparison (`equals`, `not_equals`, `<`, `<=`, `>`, `>=`).
        op: Op,
        /// Compared with.
        value: f64,
    },
    /// Every condition holds.
    All(Vec<Condition>),
    /// Some condition holds.
    Any(Vec<Condition>),
    /// The condition does not hold.
    Not(Box<Condition>),
}

impl Condition {
    /// Evaluates with `answer` giving each item's current answer (`None` when unanswered or
    /// hidden) and `score` each score's value (`None` when it has none). An unanswered item
    /// makes every test false except `not_answered`; a score without a value makes every test
    /// false.
    pub fn holds<'a>(
        &self,
        answer: &impl Fn(ItemIx) -> Option<&'a Answer>,
        score: &impl Fn(ScoreIx) -> Option<f64>,
    ) -> bool {
        match self {
            Condition::All(cs) => cs.iter().all(|c| c.holds(answer, score)),
            Condition::Any(cs) => cs.iter().any(|c| c.holds(answer, score)),
            Condition::Not(c) => !c.holds(answer, score),
            Condition::Score {
                score: s,
                op,
                value,
            } => score(*s).is_some_and(|x| op.compares(x, *value)),
            Condition::Test { item, op, value } => {
                let Some(given) = answer(*item) else {
                    return *op == Op::NotAnswered;
                };
                match (op, value) {
                    (Op::Answered, _) => true,
                    (Op::NotAnswered, _) => false,
                    (Op::Equals, Some(v)) => given.equals(v),
                    (Op::NotEquals, Some(v)) => !given.equals(v),
                    (Op::Contains, Some(v)) => given.contains(v),
                    (op, Some(Operand::Number(v))) => {
                        given.as_number().is_some_and(|x| op.compares(x, *v))
                    }
                    _ => false,
                }
            }
        }
    }

    /// Visits every item the condition reads.
    pub fn for_each_item(&self, visit: &mut impl FnMut(ItemIx)) {
        match self {
            Condition::Test { item, .. } => visit(*item),
            Condition::Score { .. } => {}
            Condition::All(cs) | Condition::Any(cs) => {
                cs.iter().for_each(|c| c.for_each_item(visit))
            }
            Condition::Not(c) => c.for_each_item(visit),
        }
    }

    /// Visits every score the condition reads.
    pub fn for_each_score(&self, visit: &mut impl FnMut(ScoreIx)) {
        match self {
            Condition::Test { .. } => {}
            Condition::Score { score, .. } => visit(*score),
            Condition::All(cs) | Condition::Any(cs) => {
                cs.iter().for_each(|c| c.for_each_score(visit))
            }
            Condition::Not(c) => c.for_each_score(visit),
        }
    }
}
