//! Form files as written: the serde types the JSON is read into, and from which
//! `forms/schema.json` is generated. Nothing outside `form` uses these: [`super::check`] turns
//! them into the checked [`super::Form`].

use crate::condition::RawCondition;
use crate::text::{Lang, RawText};
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A questionnaire: one instrument, its pages, items, scores and flags.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Svar form")]
pub struct RawForm {
    /// The schema this file follows, for editors: `"schema.json"`.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// Form id: lower-case letters, digits and `_`; the file name without `.json`.
    pub id: String,
    /// Semantic version (`1.0.0`); raise it on every change.
    pub version: String,
    /// Title shown to the patient.
    pub title: RawText,
    /// Languages every text of this form is given in.
    pub languages: Vec<Lang>,
    /// Full published name of the instrument.
    pub instrument: String,
    /// Whose wording the items use.
    pub wording: Wording,
    /// Where the wording comes from.
    #[serde(default)]
    pub wording_note: Option<String>,
    /// Citation of the scoring manual or paper the scores follow.
    pub scoring_source: String,
    /// Licence and copyright notes.
    #[serde(default)]
    pub licence: Option<String>,
    /// Choices made where published scoring rules are ambiguous, with their source.
    #[serde(default)]
    pub scoring_notes: Vec<String>,
    /// When true, every answerable item is required unless it says `"required": false`.
    #[serde(default)]
    pub required_by_default: bool,
    /// When true, every answerable item offers "I prefer not to answer" unless it says
    /// `"allow_decline": false`.
    #[serde(default)]
    pub allow_decline: bool,
    /// Milliseconds a chosen answer stays visible before a screen with one single-choice, yes/no
    /// or rating question moves on by itself (default 700); 0 turns moving on by itself off.
    #[serde(default)]
    pub auto_advance_ms: Option<u32>,
    /// Reusable answer scales, by id.
    #[serde(default)]
    pub scales: BTreeMap<String, RawScale>,
    /// Pages in the order shown.
    pub pages: Vec<RawPage>,
    /// Scores computed from the answers.
    #[serde(default)]
    pub scores: Vec<RawScore>,
    /// Alerts for the clinician raised by answers.
    #[serde(default)]
    pub flags: Vec<RawFlag>,
    /// The instrument's code in a terminology other systems know it by (LOINC panel).
    #[serde(default)]
    pub code: Option<Code>,
}

/// A code in a terminology (LOINC, …) that other systems know a form, item or score by; FHIR
/// exports carry it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a code: an object with `system` and `code`, like {\"system\": \"http://loinc.org\", \"code\": \"44249-1\"}"
)]
pub struct Code {
    /// The terminology, as a URI (`http://loinc.org`).
    pub system: String,
    /// The code in it.
    pub code: String,
    /// Its name there, if wanted.
    #[serde(default)]
    pub display: Option<String>,
}

/// Whose wording a form's items use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Wording {
    /// The Svar project's own plain-language wording of each item's meaning.
    Project,
    /// A licensed or validated text installed by the clinic.
    Licensed,
}

/// An ordered answer scale.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a scale: an object { … } with `options`"
)]
pub struct RawScale {
    /// The options, in the order shown.
    pub options: Vec<RawOption>,
}

/// One answer option.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "an option: an object with `value` and `label`, like {\"value\": 0, \"label\": {\"nb\": \"…\"}}"
)]
pub struct RawOption {
    /// The number stored and scored when this option is chosen.
    pub value: f64,
    /// The option's label.
    pub label: RawText,
    /// multiple_choice: choosing this option ("None of these") clears the others, and
    /// choosing another clears it.
    #[serde(default)]
    pub exclusive: bool,
}

/// How a page's items are shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Display {
    /// Each item on a screen of its own.
    #[default]
    OnePerScreen,
    /// All the page's items on one screen.
    Together,
    /// One screen of rows sharing one scale (every item single choice on the same scale).
    Grid,
}

/// A page: a group of items that can be shown or hidden together.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a page: an object { … } with `id` and `items`"
)]
pub struct RawPage {
    /// Page id.
    pub id: String,
    /// The linkId the page's group had in the FHIR Questionnaire it was imported from, when
    /// that is not a Svar id; FHIR exports use it again.
    #[serde(default)]
    pub link_id: Option<String>,
    /// Optional heading.
    #[serde(default)]
    pub title: Option<RawText>,
    /// How the items are shown.
    #[serde(default)]
    pub display: Display,
    /// Show the page only while this holds.
    #[serde(default)]
    pub show_if: Option<RawCondition>,
    /// The page's items.
    pub items: Vec<RawItem>,
}

/// The kinds of item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    /// Text (and an optional image) with no answer.
    Info,
    /// One option of a scale.
    SingleChoice,
    /// Any options of a scale.
    MultipleChoice,
    /// Yes (1) or no (0).
    YesNo,
    /// A row of whole numbers, e.g. 0–10.
    Rating,
    /// A visual analogue scale with no pre-set value.
    Slider,
    /// A number from a keypad.
    Number,
    /// Short free text.
    Text,
    /// A date.
    Date,
    /// Regions tapped on an image.
    BodyMap,
    /// A finger-drawn signature.
    Signature,
}

impl ItemType {
    /// The name used in files, for messages.
    pub fn name(self) -> &'static str {
        match self {
            ItemType::Info => "info",
            ItemType::SingleChoice => "single_choice",
            ItemType::MultipleChoice => "multiple_choice",
            ItemType::YesNo => "yes_no",
            ItemType::Rating => "rating",
            ItemType::Slider => "slider",
            ItemType::Number => "number",
            ItemType::Text => "text",
            ItemType::Date => "date",
            ItemType::BodyMap => "body_map",
            ItemType::Signature => "signature",
        }
    }
}

/// A bound that is a number for numeric items and a `YYYY-MM-DD` date for date items.
#[derive(Debug, Clone, PartialEq, Deserialize, JsonSchema)]
#[serde(
    untagged,
    expecting = "a number, or a date written YYYY-MM-DD in quotes"
)]
pub enum RawBound {
    /// For rating, slider and number items.
    Number(f64),
    /// For date items.
    Date(String),
}

/// Texts at the two ends of a rating or slider.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "the end texts of a scale: an object with `min` and `max` texts"
)]
pub struct RawAnchors {
    /// Text at the low end.
    pub min: RawText,
    /// Text at the high end.
    pub max: RawText,
}

/// A question or an information text. Which fields apply depends on `type`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "an item: an object { … } with `id`, `type` and `text`"
)]
pub struct RawItem {
    /// Item id, unique in the form.
    pub id: String,
    /// The kind of item.
    #[serde(rename = "type")]
    pub item_type: ItemType,
    /// The question or information text.
    pub text: RawText,
    /// Extra help under the text.
    #[serde(default)]
    pub help: Option<RawText>,
    /// Whether the patient must answer.
    #[serde(default)]
    pub required: Option<bool>,
    /// Whether the patient may answer "I prefer not to answer" (default: the form's
    /// `allow_decline`).
    #[serde(default)]
    pub allow_decline: Option<bool>,
    /// Show the item only while this holds.
    #[serde(default)]
    pub show_if: Option<RawCondition>,
    /// single_choice, multiple_choice: a scale id.
    #[serde(default)]
    pub scale: Option<String>,
    /// single_choice, multiple_choice: options of this item alone (instead of `scale`).
    #[serde(default)]
    pub options: Option<Vec<RawOption>>,
    /// rating, slider, number: lowest value; date: earliest date.
    #[serde(default)]
    pub min: Option<RawBound>,
    /// rating, slider, number: highest value; date: latest date.
    #[serde(default)]
    pub max: Option<RawBound>,
    /// number: decimals allowed (default 0).
    #[serde(default)]
    pub decimals: Option<u32>,
    /// number: unit shown after the value.
    #[serde(default)]
    pub unit: Option<RawText>,
    /// rating, slider: texts at the two ends.
    #[serde(default)]
    pub anchors: Option<RawAnchors>,
    /// text: most characters allowed (default 200).
    #[serde(default)]
    pub max_length: Option<u32>,
    /// info, body_map: an image file in `assets/`.
    #[serde(default)]
    pub image: Option<String>,
    /// body_map: the tappable regions.
    #[serde(default)]
    pub regions: Option<Vec<RawRegion>>,
    /// The question's code in a terminology (LOINC item code).
    #[serde(default)]
    pub code: Option<Code>,
    /// The linkId the question had in the FHIR Questionnaire it was imported from, when that
    /// is not a Svar id (`H1/T1/Q1`); FHIR exports use it again. The kiosk does not show it.
    #[serde(default)]
    pub link_id: Option<String>,
    /// The label printed before the question in the Questionnaire it came from (`1.`, `a)`);
    /// kept for FHIR exports, not shown on the kiosk.
    #[serde(default)]
    pub prefix: Option<String>,
}

/// A tappable region of a body map.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a region: an object with `id`, `label` and `polygons`"
)]
pub struct RawRegion {
    /// Region id.
    pub id: String,
    /// Name of the region, also listed in words on screen.
    pub label: RawText,
    /// The region's shapes (one, or several for paired parts such as both knees), each a list
    /// of at least 3 corner points `[x, y]` in the image's pixel coordinates.
    pub polygons: Vec<Vec<[f64; 2]>>,
}

/// How a score is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScoreKind {
    /// Sum of scored values.
    Sum,
    /// Mean of scored values of answered items.
    Mean,
    /// Number of answered items (or of those whose value is in `count_values`).
    Count,
    /// 100 × Σ(value − min) / Σ(max − min) over answered items.
    Percent,
    /// A derived value from `expression`.
    Expression,
    /// 1 when `when` holds, else 0.
    Condition,
}

/// A recoding rule: answer value (as a string key) to scored value.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a recoding: an object with `from` and `to`"
)]
pub struct RawRecode {
    /// Items the rule applies to; all the score's items when omitted.
    #[serde(default)]
    pub items: Option<Vec<String>>,
    /// From answer value to scored value, e.g. `{"1": 0, "2": -1}`.
    pub map: BTreeMap<String, f64>,
}

/// How many items must be answered for a score to have a value.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a missing-data rule: an object { … } such as {\"min_answered\": 4}"
)]
pub struct RawMissing {
    /// At least this many items answered.
    #[serde(default)]
    pub min_answered: Option<u32>,
    /// At least this fraction of the items answered (rounded up).
    #[serde(default)]
    pub min_fraction: Option<f64>,
    /// With `sum`: scale the sum to all items (sum × items / answered).
    #[serde(default)]
    pub prorate: bool,
}

/// A score.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a score: an object { … } with `id`, `label` and `kind`"
)]
pub struct RawScore {
    /// Score id.
    pub id: String,
    /// The score's code in a terminology (LOINC total score).
    #[serde(default)]
    pub code: Option<Code>,
    /// Name shown to the clinician.
    pub label: RawText,
    /// How it is computed.
    pub kind: ScoreKind,
    /// sum, mean, count, percent: the items.
    #[serde(default)]
    pub items: Option<Vec<String>>,
    /// Items scored in reverse (min + max − value).
    #[serde(default)]
    pub reverse: Vec<String>,
    /// Recoding rules applied before reversal.
    #[serde(default)]
    pub recode: Vec<RawRecode>,
    /// count: count the items whose scored value is one of these.
    #[serde(default)]
    pub count_values: Option<Vec<f64>>,
    /// Missing-data rule; without it every item must be answered.
    #[serde(default)]
    pub missing: Option<RawMissing>,
    /// expression: the formula.
    #[serde(default)]
    pub expression: Option<String>,
    /// condition: the rule.
    #[serde(default)]
    pub when: Option<RawCondition>,
    /// expression: the lowest and highest possible value.
    #[serde(default)]
    pub range: Option<[f64; 2]>,
    /// Cut-offs, from low to high.
    #[serde(default)]
    pub bands: Vec<RawBand>,
}

/// How a clinician should see a result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Nothing to note.
    #[default]
    None,
    /// Worth attention.
    Attention,
    /// Needs action during the visit.
    Alert,
}

impl Severity {
    /// The name used in files, bundles and `svar score`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::None => "none",
            Severity::Attention => "attention",
            Severity::Alert => "alert",
        }
    }
}

/// A band (cut-off range) of a score.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a band: an object { … } with `id`, `label` and its limits"
)]
pub struct RawBand {
    /// Band id.
    pub id: String,
    /// Name shown to the clinician.
    pub label: RawText,
    /// Lower bound, inclusive.
    #[serde(default)]
    pub min: Option<f64>,
    /// Lower bound, exclusive.
    #[serde(default)]
    pub above: Option<f64>,
    /// Upper bound, inclusive.
    #[serde(default)]
    pub max: Option<f64>,
    /// Upper bound, exclusive.
    #[serde(default)]
    pub below: Option<f64>,
    /// How a clinician should see a result in this band.
    #[serde(default)]
    pub flag: Severity,
}

/// An alert for the clinician.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a flag: an object { … } with `id`, `label`, `severity` and `when`"
)]
pub struct RawFlag {
    /// Flag id.
    pub id: String,
    /// What the clinician reads.
    pub label: RawText,
    /// `attention` or `alert`.
    pub severity: Severity,
    /// Raised while this holds.
    pub when: RawCondition,
}
