//! Filling in a bundle without the kiosk (`svar fill`): a paper form's answers, checked as
//! the kiosk checks them.

use crate::{AnswerTimes, Bundle, BundleError, FormHashes, Meta, Status, Timestamp};
use serde_json::Value;
use std::sync::Arc;
use svar_forms::answer::{Answer, AnswerError, AnswerProblem};
use svar_forms::battery::Battery;
use svar_forms::form::{Form, ItemIx};
use svar_forms::session::{AnswerOutcome, Missing, Session};
use svar_forms::text::Lang;

/// What `svar fill` completes.
#[derive(Debug, Clone)]
pub enum Subject {
    /// A whole battery.
    Battery(Arc<Battery>),
    /// One form, with its own bands (the bundle's `battery` is `null`).
    Form(Arc<Form>),
}

/// A filled-in bundle and the answers that were not kept.
#[derive(Debug, Clone)]
pub struct Filled {
    /// The bundle, status `complete`.
    pub bundle: Bundle,
    /// `(form id, item id)` of answers given for items that the other answers hide; like the
    /// kiosk, the session does not keep them.
    pub hidden: Vec<(String, String)>,
}

/// Why answers could not be filled in. Messages name forms and items, never answers.
#[derive(Debug, thiserror::Error)]
pub enum FillError {
    /// The answers file is not an object of forms.
    #[error("the answers file must be a JSON object from form id to an answers object")]
    NotAnObject,
    /// A form's answers are not an object.
    #[error("form `{0}`: the answers must be a JSON object from item id to answer")]
    NotAnswers(String),
    /// The answers file names a form that is not being filled in.
    #[error("the answers file names the form `{0}`, which is not part of what is being filled in")]
    UnknownForm(String),
    /// An answer does not fit its item.
    #[error("form `{form}`: {error}")]
    Answer {
        /// The form id.
        form: String,
        /// The item and the problem.
        error: AnswerError,
    },
    /// Required questions have no answer.
    #[error("required questions have no answer: {}", .0.join(", "))]
    Missing(Vec<String>),
    /// The battery or form is not offered in the language.
    #[error("the battery or form is not offered in the language `{0}`")]
    Language(Lang),
    /// The battery is not used at the time point.
    #[error("the battery is not used at the time point given (see its `timepoints`)")]
    Timepoint,
    /// The bundle could not be made.
    #[error(transparent)]
    Bundle(#[from] BundleError),
}

/// Fills in `subject` with `answers` (form id to an answers object as `svar score` reads it)
/// through the same [`Session`] the kiosk uses, and returns the completed bundle. Answers are
/// given in each form's visibility order, so an answer is never dropped because the answer
/// that shows its item came later in the file.
pub fn fill(
    subject: Subject,
    lang: Lang,
    answers: &Value,
    meta: &Meta,
    hashes: &FormHashes,
) -> Result<Filled, FillError> {
    let (battery, single_form) = match subject {
        Subject::Battery(battery) => (battery, false),
        Subject::Form(form) => (Arc::new(Battery::of_form(form)), true),
    };
    if !battery.languages.contains(&lang) {
        return Err(FillError::Language(lang));
    }
    if !single_form
        && let Some(tp) = meta.timepoint
        && !battery.timepoints.contains(&tp)
    {
        return Err(FillError::Timepoint);
    }
    let battery = battery.for_visit(meta.timepoint);
    let mut session = Session::new(Arc::clone(&battery), lang);
    let mut times = AnswerTimes::new();
    for (ix, item, answer) in answers_in_order(&battery, answers)? {
        match session.answer(ix, item, Some(answer)) {
            AnswerOutcome::Accepted => times.record(ix, item, Timestamp::now()),
            AnswerOutcome::Rejected(problem) => {
                return Err(FillError::Answer {
                    form: session.form(ix).id.to_string(),
                    error: AnswerError {
                        item: session.form(ix).item(item).id.to_string(),
                        problem,
                    },
                });
            }
            AnswerOutcome::Cleared => {}
        }
    }
    let hidden = answers_not_kept(&session, answers);
    session.request_finish().map_err(|missing| {
        FillError::Missing(missing.iter().map(|m| missing_name(&session, m)).collect())
    })?;
    let mut bundle = Bundle::from_session(
        &session,
        meta,
        &times,
        hashes,
        Status::Complete,
        Timestamp::now(),
    )?;
    if single_form {
        bundle.battery = None;
    }
    Ok(Filled { bundle, hidden })
}

/// Reads an answers file's content (form id to an answers object, as `svar score` reads it) for
/// `battery` and lists its answers in the order to give them: forms in battery order, items in
/// each form's visibility order, so that an answer is never dropped because the answer that
/// shows its item comes later in the file. `null` answers are left out.
pub fn answers_in_order(
    battery: &Battery,
    answers: &Value,
) -> Result<Vec<(usize, ItemIx, Answer)>, FillError> {
    let by_form = answers.as_object().ok_or(FillError::NotAnObject)?;
    if let Some(unknown) = by_form.keys().find(|id| battery.member(id).is_none()) {
        return Err(FillError::UnknownForm(unknown.clone()));
    }
    let mut ordered = Vec::new();
    for (ix, member) in battery.forms.iter().enumerate() {
        let form = &member.form;
        let fail = |item: &str, problem| FillError::Answer {
            form: form.id.to_string(),
            error: AnswerError {
                item: item.to_owned(),
                problem,
            },
        };
        let Some(given) = by_form.get(form.id.as_str()) else {
            continue;
        };
        let given = given
            .as_object()
            .ok_or_else(|| FillError::NotAnswers(form.id.to_string()))?;
        let mut parsed: Vec<Option<Answer>> = vec![None; form.items.len()];
        for (id, value) in given {
            let item = form
                .item_ix(id)
                .ok_or_else(|| fail(id, AnswerProblem::UnknownItem))?;
            if !value.is_null() {
                parsed[item.0] = Some(
                    form.item(item)
                        .answer_from_json(value)
                        .map_err(|p| fail(id, p))?,
                );
            }
        }
        for &item in form.visibility_order() {
            if let Some(answer) = parsed[item.0].take() {
                ordered.push((ix, item, answer));
            }
        }
    }
    Ok(ordered)
}

/// `(form id, item id)` of answers in the file that the session did not keep: their items are
/// hidden by the other answers.
fn answers_not_kept(session: &Session, answers: &Value) -> Vec<(String, String)> {
    let mut hidden = Vec::new();
    for ix in 0..session.battery().forms.len() {
        let form = session.form(ix);
        let Some(given) = answers.get(form.id.as_str()).and_then(Value::as_object) else {
            continue;
        };
        for (id, _) in given.iter().filter(|(_, v)| !v.is_null()) {
            if form
                .item_ix(id)
                .is_some_and(|item| session.answers(ix).response(item).is_none())
            {
                hidden.push((form.id.to_string(), id.clone()));
            }
        }
    }
    hidden
}

fn missing_name(session: &Session, missing: &Missing) -> String {
    let form = session.form(missing.form);
    format!("{}/{}", form.id, form.item(missing.item).id)
}
