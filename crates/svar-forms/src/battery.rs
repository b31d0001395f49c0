//! Batteries: the ordered forms of one visit, with study-specific band cut-offs.

use crate::diag::{Findings, ptr};
use crate::form::check::{Checker, text_length};
use crate::form::limits;
use crate::form::raw::RawBand;
use crate::form::{Band, Form, ItemIx, ItemKind, ScoreIx};
use crate::id::BatteryId;
use crate::text::{Lang, RawText, Text};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// A visit a battery is used at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Timepoint {
    /// First visit.
    Baseline,
    /// Six months after baseline.
    #[serde(rename = "month_6")]
    Month6,
    /// Twelve months after baseline.
    #[serde(rename = "month_12")]
    Month12,
    /// Eligibility screening.
    Screening,
}

/// A battery as written in `forms/batteries/<id>.json`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Svar battery")]
pub struct RawBattery {
    /// The schema this file follows, for editors: `"../battery.schema.json"`.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    /// Battery id; the file name without `.json`.
    pub id: String,
    /// Semantic version.
    pub version: String,
    /// Name shown to staff and patients.
    pub title: RawText,
    /// Languages the battery is offered in; every form must provide them.
    pub languages: Vec<Lang>,
    /// Visits this battery is used at.
    pub timepoints: Vec<Timepoint>,
    /// The forms, in the order the patient answers them.
    pub forms: Vec<RawMember>,
    /// What a "No" to the battery's consent question means for the forms after it.
    #[serde(default)]
    pub consent: Option<RawConsent>,
}

/// A battery's consent rule as written: the yes/no consent question, and the forms that are
/// for research only and are skipped when the patient answers "No".
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "a consent rule: an object { … }")]
pub struct RawConsent {
    /// The form holding the consent question.
    pub form: String,
    /// The consent question: a `yes_no` item of that form.
    pub item: String,
    /// Forms asked only for research, after the consent form: skipped after a "No".
    pub research_only: Vec<String>,
}

/// One form of a battery.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a form of the battery: an object with `form`"
)]
pub struct RawMember {
    /// The form id.
    pub form: String,
    /// The visits this form is asked at, when not at every visit of the battery (for
    /// example background questions at baseline only).
    #[serde(default)]
    pub timepoints: Option<Vec<Timepoint>>,
    /// Band cut-offs replaced for this battery, by score id.
    #[serde(default)]
    pub band_overrides: BTreeMap<String, RawOverride>,
}

/// Replacement bands for one score.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(
    deny_unknown_fields,
    expecting = "a cut-off change: an object { … } with `score` and `bands`"
)]
pub struct RawOverride {
    /// Where the study's cut-off comes from (protocol, paper).
    pub source: String,
    /// The bands, from low to high.
    pub bands: Vec<RawBand>,
}

/// A checked battery.
#[derive(Debug, Clone)]
pub struct Battery {
    /// Battery id.
    pub id: BatteryId,
    /// Semantic version.
    pub version: semver::Version,
    /// Name.
    pub title: Text,
    /// Languages offered.
    pub languages: Vec<Lang>,
    /// Visits it is used at.
    pub timepoints: Vec<Timepoint>,
    /// Forms in order.
    pub forms: Vec<BatteryForm>,
    /// What a declined consent skips, when the battery asks for consent.
    pub consent: Option<ConsentRule>,
}

/// A checked consent rule: the consent question, and the research-only forms (all after the
/// consent form) that a "No" skips.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsentRule {
    /// The consent form's index in the battery.
    pub form: usize,
    /// The yes/no consent question.
    pub item: ItemIx,
    /// Indexes of the forms skipped after a "No", in battery order.
    pub research_only: Vec<usize>,
}

/// A form in a battery with the visits it is asked at and the battery's band overrides.
#[derive(Debug, Clone)]
pub struct BatteryForm {
    /// The form.
    pub form: Arc<Form>,
    /// The visits it is asked at: the battery's own unless the battery names fewer.
    pub timepoints: Vec<Timepoint>,
    /// Bands replaced for this battery.
    pub overrides: Vec<BandOverride>,
}

impl BatteryForm {
    /// The bands of the form's score `score` in this battery: the battery's cut-offs where it
    /// replaces the form's, else the form's own.
    pub fn bands(&self, score: ScoreIx) -> &[Band] {
        self.overrides
            .iter()
            .find(|o| o.score == score)
            .map_or(&self.form.scores[score.0].bands, |o| &o.bands)
    }
}

/// Bands of one score replaced by a battery.
#[derive(Debug, Clone, PartialEq)]
pub struct BandOverride {
    /// The score.
    pub score: ScoreIx,
    /// Where the cut-offs come from.
    pub source: String,
    /// The bands used instead of the form's.
    pub bands: Vec<Band>,
}

impl Battery {
    /// A battery of one form with the form's own bands. It lists no time points: a single form
    /// may be filled in at any.
    pub fn of_form(form: Arc<Form>) -> Battery {
        Battery {
            // A form id is a valid battery id: both follow the same rules.
            id: BatteryId::new_unchecked(form.id.as_str()),
            version: form.version.clone(),
            title: form.title.clone(),
            languages: form.languages.clone(),
            timepoints: Vec::new(),
            forms: vec![BatteryForm {
                form,
                timepoints: Vec::new(),
                overrides: Vec::new(),
            }],
            consent: None,
        }
    }

    /// The member form with this id.
    pub fn member(&self, form_id: &str) -> Option<&BatteryForm> {
        self.forms.iter().find(|m| m.form.id.as_str() == form_id)
    }

    /// What the patient answers at `visit`: the forms asked at that visit, in order, with the
    /// consent rule over them. Without a visit, or at one the battery does not list (a single
    /// form lists none and may be filled in at any), every form is asked. The battery keeps
    /// its id and version: sessions and bundles name the battery file, and the visit says
    /// which of its forms were asked.
    pub fn for_visit(self: &Arc<Battery>, visit: Option<Timepoint>) -> Arc<Battery> {
        let Some(tp) = visit.filter(|tp| self.timepoints.contains(tp)) else {
            return Arc::clone(self);
        };
        let asked: Vec<usize> = (0..self.forms.len())
            .filter(|&f| self.forms[f].timepoints.contains(&tp))
            .collect();
        if asked.len() == self.forms.len() {
            return Arc::clone(self);
        }
        let new_index = |old: usize| asked.iter().position(|&f| f == old);
        let consent = self.consent.as_ref().and_then(|rule| {
            Some(ConsentRule {
                form: new_index(rule.form)?,
                item: rule.item,
                research_only: rule
                    .research_only
                    .iter()
                    .filter_map(|&f| new_index(f))
                    .collect(),
            })
        });
        Arc::new(Battery {
            forms: asked.iter().map(|&f| self.forms[f].clone()).collect(),
            consent,
            ..(**self).clone()
        })
    }
}

/// Checks a parsed battery against the forms it may use; returns it only without errors.
pub fn check(
    raw: &RawBattery,
    forms: &HashMap<String, Arc<Form>>,
    file_stem: Option<&str>,
    findings: &mut Findings,
) -> Option<Battery> {
    let mut c = Checker {
        langs: raw.languages.clone(),
        f: findings,
    };
    let (id, version, title) =
        c.file_header("battery", &raw.id, file_stem, &raw.version, &raw.title);
    if raw.timepoints.is_empty() {
        c.f.error(
            "/timepoints",
            "missing-field",
            "`timepoints` must name at least one visit",
        );
    }
    let mut seen_tp = HashSet::new();
    for (k, tp) in raw.timepoints.iter().enumerate() {
        if !seen_tp.insert(tp) {
            c.f.error(
                ptr("/timepoints", k),
                "duplicate-id",
                "this time point is listed twice",
            );
        }
    }
    if raw.forms.is_empty() {
        c.f.error(
            "/forms",
            "missing-field",
            "a battery needs at least one form",
        );
    }
    c.at_most(
        raw.forms.len(),
        limits::MAX_BATTERY_FORMS,
        "/forms",
        "too-many-forms",
        "forms in this battery",
    );
    let mut members = Vec::new();
    let mut seen_forms = HashSet::new();
    for (k, member) in raw.forms.iter().enumerate() {
        let at = ptr("/forms", k);
        if !seen_forms.insert(member.form.as_str()) {
            c.f.error(
                ptr(&at, "form"),
                "duplicate-id",
                format!("the form `{}` is listed twice", member.form),
            );
        }
        let Some(form) = forms.get(&member.form) else {
            let mut known: Vec<&str> = forms.keys().map(String::as_str).collect();
            known.sort_unstable();
            let known = if known.is_empty() {
                "no valid forms were found".to_owned()
            } else {
                format!("known: {}", known.join(", "))
            };
            let hint = crate::suggest::did_you_mean(&member.form, forms.keys().map(String::as_str));
            c.f.error(
                ptr(&at, "form"),
                "unknown-form",
                format!(
                    "there is no valid form `{}` in the forms folder ({known}){hint}",
                    member.form
                ),
            );
            continue;
        };
        for lang in raw.languages.iter().filter(|l| !form.languages.contains(l)) {
            c.f.error(
                ptr(&at, "form"),
                "missing-translation",
                format!(
                    "the battery offers {lang} but the form `{}` does not provide it",
                    member.form
                ),
            );
        }
        let mut overrides = Vec::new();
        for (score_id, ov) in &member.band_overrides {
            let at_o = ptr(&ptr(&at, "band_overrides"), score_id);
            let Some(s) = form.score_ix(score_id) else {
                c.f.error(
                    &at_o,
                    "unknown-score",
                    format!("the form `{}` has no score `{score_id}`", member.form),
                );
                continue;
            };
            if ov.source.trim().is_empty() {
                c.f.error(
                    ptr(&at_o, "source"),
                    "empty-text",
                    "say where the study's cut-off comes from in `source`",
                );
            }
            text_length(c.f, &ov.source, &ptr(&at_o, "source"), "`source`");
            let score = &form.scores[s.0];
            let bands = c.bands(&ov.bands, &ptr(&at_o, "bands"), score.range, score.whole);
            overrides.push(BandOverride {
                score: s,
                source: ov.source.clone(),
                bands,
            });
        }
        let timepoints = member_timepoints(&mut c, member, &raw.timepoints, &at);
        members.push(BatteryForm {
            form: Arc::clone(form),
            timepoints,
            overrides,
        });
    }
    for (k, tp) in raw.timepoints.iter().enumerate() {
        if !members.is_empty() && !members.iter().any(|m| m.timepoints.contains(tp)) {
            c.f.error(
                ptr("/timepoints", k),
                "empty-visit",
                format!(
                    "no form is asked at `{}`: list a form for it, or remove it from `timepoints`",
                    timepoint_name(*tp)
                ),
            );
        }
    }
    let consent = raw
        .consent
        .as_ref()
        .and_then(|rule| consent_rule(&mut c, rule, &members));
    (!c.f.has_errors()).then(|| Battery {
        id,
        version,
        title,
        languages: raw.languages.clone(),
        timepoints: raw.timepoints.clone(),
        forms: members,
        consent,
    })
}

/// A time point as written in a file.
fn timepoint_name(tp: Timepoint) -> String {
    serde_json::to_value(tp)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The visits a member form is asked at: its own `timepoints`, each one of the battery's, or
/// else every visit of the battery.
fn member_timepoints(
    c: &mut Checker,
    member: &RawMember,
    battery: &[Timepoint],
    at: &str,
) -> Vec<Timepoint> {
    let Some(own) = &member.timepoints else {
        return battery.to_vec();
    };
    let at = ptr(at, "timepoints");
    if own.is_empty() {
        c.f.error(
            &at,
            "missing-field",
            format!(
                "the form `{}` lists no visit: name at least one, or leave `timepoints` out to \
                 ask it at every visit",
                member.form
            ),
        );
    }
    let mut kept = Vec::new();
    for (k, tp) in own.iter().enumerate() {
        if !battery.contains(tp) {
            c.f.error(
                ptr(&at, k),
                "unknown-timepoint",
                format!(
                    "the battery is not used at `{}`: add it to the battery's `timepoints`, or \
                     remove it here",
                    timepoint_name(*tp)
                ),
            );
        } else if kept.contains(tp) {
            c.f.error(
                ptr(&at, k),
                "duplicate-id",
                "this time point is listed twice",
            );
        } else {
            kept.push(*tp);
        }
    }
    kept
}

/// Resolves a consent rule against the battery's forms.
fn consent_rule(c: &mut Checker, raw: &RawConsent, members: &[BatteryForm]) -> Option<ConsentRule> {
    let at = "/consent";
    let index = |id: &str| members.iter().position(|m| m.form.id.as_str() == id);
    let Some(form) = index(&raw.form) else {
        c.f.error(
            ptr(at, "form"),
            "unknown-form",
            format!(
                "the consent form `{}` is not one of this battery's forms",
                raw.form
            ),
        );
        return None;
    };
    let consent_form = &members[form].form;
    let item = match consent_form.item_ix(&raw.item) {
        Some(ix) if matches!(consent_form.item(ix).kind, ItemKind::YesNo) => Some(ix),
        Some(_) => {
            c.f.error(
                ptr(at, "item"),
                "consent-not-yes-no",
                format!(
                    "the consent question `{}` must be a yes_no item, so that \"No\" is clear",
                    raw.item
                ),
            );
            None
        }
        None => {
            c.f.error(
                ptr(at, "item"),
                "unknown-item",
                format!("the form `{}` has no item `{}`", raw.form, raw.item),
            );
            None
        }
    };
    let mut research_only = Vec::new();
    for (k, id) in raw.research_only.iter().enumerate() {
        let at_k = ptr(&ptr(at, "research_only"), k);
        match index(id) {
            None => c.f.error(
                at_k,
                "unknown-form",
                format!("`{id}` is not one of this battery's forms"),
            ),
            Some(f) if f <= form => c.f.error(
                at_k,
                "research-before-consent",
                format!(
                    "`{id}` {} the consent form `{}`: a research-only form must come after \
                     consent, so that nothing is asked before the patient agrees",
                    if f == form { "is" } else { "comes before" },
                    raw.form
                ),
            ),
            Some(f) => {
                for tp in members[f]
                    .timepoints
                    .iter()
                    .filter(|tp| !members[form].timepoints.contains(tp))
                {
                    c.f.error(
                        &at_k,
                        "research-without-consent",
                        format!(
                            "`{id}` is asked at `{}`, where the consent form `{}` is not: a \
                             research-only form needs consent at every visit it is asked at",
                            timepoint_name(*tp),
                            raw.form
                        ),
                    );
                }
                research_only.push(f);
            }
        }
    }
    research_only.sort_unstable();
    research_only.dedup();
    Some(ConsentRule {
        form,
        item: item?,
        research_only,
    })
}
