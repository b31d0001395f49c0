//! The checked form model.
//!
//! A [`Form`] only exists once its file has passed every check in [`check`]: ids are unique,
//! references are resolved to indexes, conditions have no cycles, bands cover their scores.
//! Code downstream (sessions, scoring, the kiosk) never meets a broken form.

pub mod check;
pub mod limits;
pub mod raw;

use crate::answer::Date;
use crate::condition::Condition;
use crate::expr::Expr;
use crate::id::{BandId, FlagId, FormId, ItemId, PageId, RegionId, ScaleId, ScoreId};
use crate::text::{Lang, Text};
pub use raw::{Code, Display, ItemType, Severity, Wording};
use std::path::PathBuf;

/// Index of an item in [`Form::items`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ItemIx(pub usize);

/// Index of a score in [`Form::scores`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScoreIx(pub usize);

/// A checked questionnaire.
#[derive(Debug, Clone)]
pub struct Form {
    /// Form id.
    pub id: FormId,
    /// Semantic version.
    pub version: semver::Version,
    /// Title.
    pub title: Text,
    /// Languages every text is given in.
    pub languages: Vec<Lang>,
    /// Full published name of the instrument.
    pub instrument: String,
    /// Whose wording the items use.
    pub wording: Wording,
    /// Where the wording comes from.
    pub wording_note: Option<String>,
    /// Citation of the scoring rules.
    pub scoring_source: String,
    /// Licence notes.
    pub licence: Option<String>,
    /// Decisions on ambiguous scoring rules.
    pub scoring_notes: Vec<String>,
    /// How long a chosen option shows before a single-choice screen moves on; `None`: never.
    pub auto_advance: Option<std::time::Duration>,
    /// Pages in order.
    pub pages: Vec<Page>,
    /// All items of all pages, in order.
    pub items: Vec<Item>,
    /// Scores in the order written.
    pub scores: Vec<Score>,
    /// Clinician alerts.
    pub flags: Vec<Flag>,
    /// The instrument's code in a terminology (LOINC panel).
    pub code: Option<Code>,
    /// Items ordered so that every item comes after the items its visibility depends on.
    pub(crate) visibility_order: Vec<ItemIx>,
    /// Scores ordered so that every score comes after the scores it uses.
    pub(crate) score_order: Vec<ScoreIx>,
}

impl Form {
    /// Items ordered so that every item comes after the items its visibility depends on:
    /// replaying answers in this order rebuilds what a patient saw.
    pub fn visibility_order(&self) -> &[ItemIx] {
        &self.visibility_order
    }

    /// The item with this id.
    pub fn item_ix(&self, id: &str) -> Option<ItemIx> {
        self.items
            .iter()
            .position(|i| i.id.as_str() == id)
            .map(ItemIx)
    }

    /// The item at an index.
    pub fn item(&self, ix: ItemIx) -> &Item {
        &self.items[ix.0]
    }

    /// The score with this id.
    pub fn score_ix(&self, id: &str) -> Option<ScoreIx> {
        self.scores
            .iter()
            .position(|s| s.id.as_str() == id)
            .map(ScoreIx)
    }
}

/// A page of items.
#[derive(Debug, Clone)]
pub struct Page {
    /// Page id.
    pub id: PageId,
    /// Optional heading.
    pub title: Option<Text>,
    /// How its items are shown.
    pub display: Display,
    /// Shown only while this holds.
    pub show_if: Option<Condition>,
    /// Its items, as indexes into [`Form::items`].
    pub items: Vec<ItemIx>,
}

/// One item.
#[derive(Debug, Clone)]
pub struct Item {
    /// Item id.
    pub id: ItemId,
    /// Index of its page in [`Form::pages`].
    pub page: usize,
    /// Question or information text.
    pub text: Text,
    /// Extra help.
    pub help: Option<Text>,
    /// Whether an answer is required (never for info items). A decline, where allowed, is an
    /// answer.
    pub required: bool,
    /// Whether "I prefer not to answer" is offered (never for info items).
    pub allow_decline: bool,
    /// Shown only while this holds.
    pub show_if: Option<Condition>,
    /// Type and type-specific settings.
    pub kind: ItemKind,
    /// The question's code in a terminology (LOINC item code).
    pub code: Option<Code>,
}

impl Item {
    /// The form's texts the kiosk shows with this item: its question and help, and the labels
    /// of its options, anchors, unit or regions.
    pub fn texts(&self) -> Vec<&Text> {
        let mut texts: Vec<&Text> = std::iter::once(&self.text).chain(&self.help).collect();
        // No catch-all arm: a new item type has to say which texts it shows.
        match &self.kind {
            ItemKind::SingleChoice { options, .. } | ItemKind::MultipleChoice { options, .. } => {
                texts.extend(options.iter().map(|o| &o.label));
            }
            ItemKind::Rating { anchors, .. } | ItemKind::Slider { anchors, .. } => {
                texts.extend(anchors.iter().flat_map(|a| [&a.min, &a.max]));
            }
            ItemKind::Number { unit, .. } => texts.extend(unit),
            ItemKind::BodyMap { regions, .. } => texts.extend(regions.iter().map(|r| &r.label)),
            ItemKind::Info { .. }
            | ItemKind::YesNo
            | ItemKind::Text { .. }
            | ItemKind::Date { .. }
            | ItemKind::Signature => {}
        }
        texts
    }
}

/// An answer option.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// Stored and scored value.
    pub value: f64,
    /// Label.
    pub label: Text,
    /// Choosing it clears the other options, and choosing another clears it (multiple choice).
    pub exclusive: bool,
}

/// The options chosen after tapping `value` of a multiple-choice item with `chosen`, in the
/// options' order (so answers read the same however they were tapped): the tapped option goes
/// in or out, and an exclusive option ("None of these") and the others never stand together.
pub fn toggle_choice(options: &[Choice], chosen: &[f64], value: f64) -> Vec<f64> {
    let tapped = options.iter().find(|c| c.value == value);
    let tapped_exclusive = tapped.is_some_and(|c| c.exclusive);
    options
        .iter()
        .filter(|c| {
            if c.value == value {
                !chosen.contains(&value)
            } else {
                chosen.contains(&c.value) && !tapped_exclusive && !(c.exclusive && tapped.is_some())
            }
        })
        .map(|c| c.value)
        .collect()
}

/// End-point texts of a rating or slider.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchors {
    /// At the low end.
    pub min: Text,
    /// At the high end.
    pub max: Text,
}

/// A tappable body-map region.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// Region id.
    pub id: RegionId,
    /// Name.
    pub label: Text,
    /// Shapes, each a list of corners in image pixels.
    pub polygons: Vec<Vec<[f64; 2]>>,
}

/// An item's type with its settings.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// Information, no answer.
    Info {
        /// The image file, as found in the first assets folder that holds it.
        image: Option<PathBuf>,
    },
    /// One option.
    SingleChoice {
        /// The scale it shares, if any (grids need one).
        scale: Option<ScaleId>,
        /// Options.
        options: Vec<Choice>,
    },
    /// Any options.
    MultipleChoice {
        /// The scale it shares, if any.
        scale: Option<ScaleId>,
        /// Options.
        options: Vec<Choice>,
    },
    /// Yes (1) or no (0).
    YesNo,
    /// Whole numbers from `min` to `max`.
    Rating {
        /// Lowest.
        min: i64,
        /// Highest.
        max: i64,
        /// End texts.
        anchors: Option<Anchors>,
    },
    /// A visual analogue scale.
    Slider {
        /// Lowest.
        min: f64,
        /// Highest.
        max: f64,
        /// End texts.
        anchors: Option<Anchors>,
    },
    /// A number from a keypad.
    Number {
        /// Lowest.
        min: f64,
        /// Highest.
        max: f64,
        /// Decimals allowed.
        decimals: u32,
        /// Unit.
        unit: Option<Text>,
    },
    /// Short text.
    Text {
        /// Most characters.
        max_length: usize,
    },
    /// A date.
    Date {
        /// Earliest.
        min: Option<Date>,
        /// Latest.
        max: Option<Date>,
    },
    /// Regions on an image.
    BodyMap {
        /// The image file, as found in the first assets folder that holds it.
        image: PathBuf,
        /// Image width in pixels.
        width: u32,
        /// Image height in pixels.
        height: u32,
        /// Regions.
        regions: Vec<Region>,
    },
    /// A finger-drawn signature.
    Signature,
}

impl ItemKind {
    /// The type name used in files.
    pub fn type_name(&self) -> &'static str {
        self.item_type().name()
    }

    /// The type as in files.
    pub fn item_type(&self) -> ItemType {
        match self {
            ItemKind::Info { .. } => ItemType::Info,
            ItemKind::SingleChoice { .. } => ItemType::SingleChoice,
            ItemKind::MultipleChoice { .. } => ItemType::MultipleChoice,
            ItemKind::YesNo => ItemType::YesNo,
            ItemKind::Rating { .. } => ItemType::Rating,
            ItemKind::Slider { .. } => ItemType::Slider,
            ItemKind::Number { .. } => ItemType::Number,
            ItemKind::Text { .. } => ItemType::Text,
            ItemKind::Date { .. } => ItemType::Date,
            ItemKind::BodyMap { .. } => ItemType::BodyMap,
            ItemKind::Signature => ItemType::Signature,
        }
    }

    /// True for items whose answer is one number (they can be scored and compared).
    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            ItemKind::SingleChoice { .. }
                | ItemKind::YesNo
                | ItemKind::Rating { .. }
                | ItemKind::Slider { .. }
                | ItemKind::Number { .. }
        )
    }

    /// The values a numeric item can take.
    pub fn domain(&self) -> Option<Domain> {
        Some(match self {
            ItemKind::SingleChoice { options, .. } => {
                Domain::Values(options.iter().map(|c| c.value).collect())
            }
            ItemKind::YesNo => Domain::Values(vec![0.0, 1.0]),
            ItemKind::Rating { min, max, .. } if max - min <= 100 => {
                Domain::Values((*min..=*max).map(|v| v as f64).collect())
            }
            ItemKind::Rating { min, max, .. } => Domain::Interval {
                min: *min as f64,
                max: *max as f64,
                whole: true,
            },
            ItemKind::Slider { min, max, .. } => Domain::Interval {
                min: *min,
                max: *max,
                whole: false,
            },
            ItemKind::Number {
                min, max, decimals, ..
            } => Domain::Interval {
                min: *min,
                max: *max,
                whole: *decimals == 0,
            },
            _ => return None,
        })
    }
}

/// The possible values of a numeric item.
#[derive(Debug, Clone, PartialEq)]
pub enum Domain {
    /// A fixed set.
    Values(Vec<f64>),
    /// Any value between two bounds.
    Interval {
        /// Lowest.
        min: f64,
        /// Highest.
        max: f64,
        /// Only whole numbers.
        whole: bool,
    },
}

impl Domain {
    /// Lowest and highest value.
    pub fn bounds(&self) -> (f64, f64) {
        match self {
            Domain::Values(v) => (
                v.iter().copied().fold(f64::INFINITY, f64::min),
                v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            ),
            Domain::Interval { min, max, .. } => (*min, *max),
        }
    }

    /// True when every value is a whole number.
    pub fn is_whole(&self) -> bool {
        match self {
            Domain::Values(v) => v.iter().all(|x| x.fract() == 0.0),
            Domain::Interval { whole, .. } => *whole,
        }
    }
}

/// A score.
#[derive(Debug, Clone)]
pub struct Score {
    /// Score id.
    pub id: ScoreId,
    /// Name for the clinician.
    pub label: Text,
    /// How it is computed.
    pub rule: ScoreRule,
    /// Cut-offs, low to high.
    pub bands: Vec<Band>,
    /// Lowest and highest possible value.
    pub range: (f64, f64),
    /// True when every possible value is a whole number.
    pub whole: bool,
    /// The score's code in a terminology (LOINC total score).
    pub code: Option<Code>,
}

impl Score {
    /// Visits every item and score the score reads directly.
    fn for_each_input(&self, item: &mut impl FnMut(ItemIx), score: &mut impl FnMut(ScoreIx)) {
        match &self.rule {
            ScoreRule::Aggregate { items, .. } => items.iter().for_each(|si| item(si.item)),
            ScoreRule::Expression(expr) => expr.for_each_ref(&mut |r| match r {
                Operand::Item(ix) => item(*ix),
                Operand::Score(s) => score(*s),
            }),
            ScoreRule::Condition(c) => c.for_each_item(item),
        }
    }

    /// Whether the score reads the answer to `item` directly (not through another score).
    pub fn reads(&self, item: ItemIx) -> bool {
        match &self.rule {
            ScoreRule::Aggregate { items, .. } => items.iter().any(|si| si.item == item),
            ScoreRule::Expression(expr) => {
                let mut found = false;
                expr.for_each_ref(&mut |r| found |= *r == Operand::Item(item));
                found
            }
            ScoreRule::Condition(c) => {
                let mut found = false;
                c.for_each_item(&mut |ix| found |= ix == item);
                found
            }
        }
    }
}

/// Every item that `score` reads, directly or through the scores it uses: the answers its
/// value depends on. `scores` need not be free of cycles (the checker reports those).
pub fn items_behind(scores: &[Score], score: ScoreIx) -> Vec<ItemIx> {
    let mut seen = vec![false; scores.len()];
    let mut todo = vec![score];
    let mut items = Vec::new();
    while let Some(s) = todo.pop() {
        if std::mem::replace(&mut seen[s.0], true) {
            continue;
        }
        scores[s.0].for_each_input(&mut |ix| items.push(ix), &mut |other| todo.push(other));
    }
    items.sort_unstable();
    items.dedup();
    items
}

/// How a score is computed.
#[derive(Debug, Clone)]
pub enum ScoreRule {
    /// Sum, mean, count or percent over items.
    Aggregate {
        /// Which aggregate.
        kind: Aggregate,
        /// The items with their scoring.
        items: Vec<ScoredItem>,
        /// count: values that count.
        count_values: Option<Vec<f64>>,
        /// Fewest answered items for a value.
        min_answered: usize,
        /// sum: scale to all items.
        prorate: bool,
    },
    /// A derived value.
    Expression(Expr<Operand>),
    /// 1 when the condition holds, else 0.
    Condition(Condition),
}

/// Aggregates over items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    /// Sum.
    Sum,
    /// Mean of answered.
    Mean,
    /// Count.
    Count,
    /// Percent of the possible.
    Percent,
}

/// What an expression reference points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operand {
    /// An item's answer.
    Item(ItemIx),
    /// Another score's value.
    Score(ScoreIx),
}

/// An item as a score uses it.
#[derive(Debug, Clone)]
pub struct ScoredItem {
    /// The item.
    pub item: ItemIx,
    /// Recoding (answer value, scored value), applied first.
    pub recode: Option<Vec<(f64, f64)>>,
    /// When reversed: `min + max` of the recoded values (scored = this − value).
    pub reverse_sum: Option<f64>,
    /// Lowest scored value.
    pub min: f64,
    /// Highest scored value.
    pub max: f64,
    /// Values of a multiple choice's exclusive options ("None of these"): chosen, they count
    /// as no selection.
    pub uncounted: Vec<f64>,
}

/// One end of a band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The limit.
    pub value: f64,
    /// Whether the limit itself is inside the band.
    pub inclusive: bool,
}

/// A band of a score.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Band id.
    pub id: BandId,
    /// Name.
    pub label: Text,
    /// Lower end; none means no limit.
    pub lower: Option<Bound>,
    /// Upper end; none means no limit.
    pub upper: Option<Bound>,
    /// How the clinician sees it.
    pub flag: Severity,
}

impl Band {
    /// True when `value` is in this band.
    pub fn contains(&self, value: f64) -> bool {
        let above_lower = self.lower.is_none_or(|b| {
            if b.inclusive {
                value >= b.value
            } else {
                value > b.value
            }
        });
        let below_upper = self.upper.is_none_or(|b| {
            if b.inclusive {
                value <= b.value
            } else {
                value < b.value
            }
        });
        above_lower && below_upper
    }
}

/// A clinician alert.
#[derive(Debug, Clone)]
pub struct Flag {
    /// Flag id.
    pub id: FlagId,
    /// Text for the clinician.
    pub label: Text,
    /// Attention or alert.
    pub severity: Severity,
    /// Raised while this holds.
    pub when: Condition,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> Vec<Choice> {
        let choice = |value, exclusive| Choice {
            value,
            label: Text::new([(crate::text::Lang::Nb, "x".to_owned())].into()),
            exclusive,
        };
        vec![choice(1.0, false), choice(2.0, false), choice(0.0, true)]
    }

    #[test]
    fn an_exclusive_option_and_the_others_never_stand_together() {
        let o = options();
        assert_eq!(toggle_choice(&o, &[], 2.0), vec![2.0]);
        assert_eq!(
            toggle_choice(&o, &[2.0], 1.0),
            vec![1.0, 2.0],
            "options' order"
        );
        assert_eq!(
            toggle_choice(&o, &[1.0, 2.0], 0.0),
            vec![0.0],
            "none clears the others"
        );
        assert_eq!(
            toggle_choice(&o, &[0.0], 1.0),
            vec![1.0],
            "another clears none"
        );
        assert_eq!(
            toggle_choice(&o, &[0.0], 0.0),
            Vec::<f64>::new(),
            "none taps off"
        );
        assert_eq!(toggle_choice(&o, &[1.0, 2.0], 2.0), vec![1.0]);
    }
}
