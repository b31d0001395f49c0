//! How a stored session is described to staff: when (in the kiosk's local time), which
//! battery, how it ended, whether its bundle has gone, and its scores (never answers).

use crate::i18n::{self, Arg};
use crate::ui::view::Texts;
use std::path::Path;
use std::sync::Arc;
use svar_bundle::{Patient, Status};
use svar_forms::battery::{Battery, Timepoint};
use svar_forms::record::Timestamp;
use svar_store::{DayEntry, State};

/// Who a session was for, at which time point and when it ended, as staff entered them: from
/// the session record while it is unsealed, from its summary once sealed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Who {
    /// The patient (its `Debug` hides the id).
    pub patient: Option<Patient>,
    /// The time point.
    pub timepoint: Option<Timepoint>,
    /// When it ended.
    pub ended: Option<Timestamp>,
}

impl Who {
    /// Who a sealed session's summary names (nothing for a summary kept before it did).
    pub fn of_summary(summary: &serde_json::Value) -> Who {
        let field = |name: &str| summary.get(name).cloned().unwrap_or_default();
        Who {
            patient: serde_json::from_value(field("patient")).ok(),
            timepoint: serde_json::from_value(field("timepoint")).ok(),
            ended: serde_json::from_value(field("ended")).ok(),
        }
    }

    /// Who a line of today's list is for.
    pub fn of_entry(entry: &DayEntry) -> Who {
        let kept = entry
            .summary
            .as_ref()
            .map(Who::of_summary)
            .unwrap_or_default();
        Who {
            patient: entry.patient.clone().or(kept.patient),
            timepoint: entry.timepoint.or(kept.timepoint),
            ended: entry.finished.or(kept.ended),
        }
    }

    /// The id's last five characters, which tell today's patients apart without showing the
    /// whole id on a list.
    pub fn short_id(&self) -> Option<String> {
        let id = &self.patient.as_ref()?.id;
        let chars: Vec<char> = id.chars().collect();
        let tail: String = chars[chars.len().saturating_sub(5)..].iter().collect();
        Some(if chars.len() > 5 {
            format!("…{tail}")
        } else {
            tail
        })
    }
}

/// What describing a stored session needs of the kiosk.
#[derive(Clone, Copy)]
pub struct Describe<'a> {
    /// The batteries the kiosk seals (for titles and bands).
    pub batteries: &'a [Arc<Battery>],
    /// The outbox (a bundle still there has not been delivered).
    pub outbox: &'a Path,
    /// The local time's offset from UTC.
    pub utc_offset: time::UtcOffset,
}

impl Describe<'_> {
    /// A moment in the kiosk's local time: `14:05` today, `28.11.2026 14:05` on another day.
    pub fn local_when(&self, at: time::OffsetDateTime) -> String {
        let offset = self.utc_offset;
        let local = at.to_offset(offset);
        let clock = format!("{:02}:{:02}", local.hour(), local.minute());
        if local.date() == time::OffsetDateTime::now_utc().to_offset(offset).date() {
            clock
        } else {
            let d = local.date();
            format!(
                "{:02}.{:02}.{} {clock}",
                d.day(),
                u8::from(d.month()),
                d.year()
            )
        }
    }

    /// The title of the battery `id` in the language shown.
    fn battery_title(&self, k: Texts, id: &str) -> String {
        self.batteries
            .iter()
            .find(|b| b.id.as_str() == id)
            .map_or_else(|| id.to_owned(), |b| b.title.get(k.lang).to_owned())
    }

    /// The lines that head a session's result: the patient as staff entered them, the battery,
    /// the time point, and when and how it ended.
    pub fn who_lines(&self, k: Texts, battery: &str, who: &Who, status: Status) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(patient) = &who.patient {
            lines.push(format!("{}: {}", k.tr("staff-patient-id"), patient.id));
        }
        lines.push(format!(
            "{}: {}",
            k.tr("staff-battery"),
            self.battery_title(k, battery)
        ));
        if let Some(tp) = who.timepoint {
            lines.push(format!(
                "{}: {}",
                k.tr("staff-timepoint"),
                k.tr(timepoint_message(tp))
            ));
        }
        let state = k.tr(ended_message(Some(status)));
        lines.push(match who.ended {
            Some(at) => format!(
                "{}: {} ({state})",
                k.tr("staff-ended"),
                self.local_when(at.at())
            ),
            None => state,
        });
        lines
    }

    /// One line about a stored session: local time, the patient's id ending, battery, time
    /// point, how it ended, where its bundle is.
    pub fn entry_line(&self, k: Texts, entry: &DayEntry) -> String {
        // Said to be the start: the list would otherwise leave staff guessing whether a time
        // is when the session began or ended.
        let time = k.args(
            "staff-entry-started",
            &[("when", Arg::Text(self.local_when(entry.opened.at())))],
        );
        let who = Who::of_entry(entry);
        let patient = who
            .short_id()
            .map(|id| format!("{id}  "))
            .unwrap_or_default();
        let mut battery = self.battery_title(k, &entry.battery);
        if let Some(tp) = who.timepoint {
            battery = format!("{battery}, {}", k.tr(timepoint_message(tp)));
        }
        let state = match (entry.state, entry.status) {
            (State::Open, _) => k.tr("session-state-interrupted"),
            (State::Ending, _) => k.tr("session-state-waiting"),
            (State::Sealed, status) => k.tr(ended_message(status)),
        };
        let upload = match &entry.bundle_file {
            Some(file) if self.outbox.join(file).exists() => {
                format!(" – {}", k.tr("upload-waiting"))
            }
            Some(_) => format!(" – {}", k.tr("upload-sent")),
            None => String::new(),
        };
        format!("{time}  {patient}{battery} – {state}{upload}")
    }

    /// Lines of a sealed session's stored summary (no answers): each form's title, then its
    /// scores in the form's order with band names, then its flags; with whether a line asks for
    /// attention. Bands a battery replaced are looked up in that battery.
    pub fn summary_lines(
        &self,
        k: Texts,
        battery: &str,
        summary: &serde_json::Value,
    ) -> Vec<SummaryLine> {
        let lang = k.lang;
        // A summary kept before it named the patient is the list of forms itself.
        let Some(forms) = summary
            .get("forms")
            .and_then(serde_json::Value::as_array)
            .or(summary.as_array())
        else {
            return Vec::new();
        };
        let battery = self.batteries.iter().find(|b| b.id.as_str() == battery);
        let mut lines = Vec::new();
        for summary in forms {
            let id = summary["form"].as_str().unwrap_or_default();
            let Some(member) = battery.and_then(|b| b.member(id)) else {
                continue;
            };
            let form = &member.form;
            // Consent comes first, as it decides what else was asked.
            if let Some(consent) = summary["consent"].as_bool() {
                let id = if consent {
                    "staff-patient-consent-yes"
                } else {
                    "staff-patient-consent-no"
                };
                lines.push(SummaryLine::heading(k.tr(id), false));
            }
            if summary["skipped"].as_bool() == Some(true) {
                let args = [("form", Arg::Text(form.title.get(lang).to_owned()))];
                lines.push(SummaryLine::heading(
                    k.args("staff-form-skipped", &args),
                    false,
                ));
                continue;
            }
            let scores = &summary["scores"];
            let flags: Vec<&str> = summary["flags"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(serde_json::Value::as_str)
                .collect();
            let declined: Vec<&str> = summary["declined"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(serde_json::Value::as_str)
                .collect();
            if form.scores.is_empty() && flags.is_empty() && declined.is_empty() {
                continue;
            }
            let title = match (summary["answered"].as_u64(), summary["asked"].as_u64()) {
                (Some(answered), Some(asked)) => k.args(
                    "staff-form-complete",
                    &[
                        ("form", Arg::Text(form.title.get(lang).to_owned())),
                        ("answered", Arg::Num(answered as f64)),
                        ("asked", Arg::Num(asked as f64)),
                    ],
                ),
                // A summary kept before completeness was recorded.
                _ => form.title.get(lang).to_owned(),
            };
            lines.push(SummaryLine::heading(title, false));
            for id in declined {
                let question = form
                    .item_ix(id)
                    .map_or(id, |ix| form.item(ix).text.get(lang));
                let args = [("question", Arg::Text(question.to_owned()))];
                lines.push(SummaryLine::under(k.args("staff-declined", &args), true));
            }
            for (n, score) in form.scores.iter().enumerate() {
                let record = &scores[score.id.as_str()];
                let value = record["value"].as_f64().map_or_else(
                    || k.tr("staff-no-value"),
                    // A score that can have a fraction (a mean) always shows two decimals, so
                    // that 2 and 1,90 do not look like different kinds of number.
                    |v| i18n::number(lang, v, if score.whole { 0 } else { 2 }),
                );
                let bands = member.bands(svar_forms::form::ScoreIx(n));
                let band = record["band"]
                    .as_str()
                    .and_then(|b| bands.iter().find(|band| band.id.as_str() == b))
                    .map(|b| format!(" – {}", b.label.get(lang)))
                    .unwrap_or_default();
                let attention = record["severity"].as_str().is_some_and(|s| s != "none");
                lines.push(SummaryLine::under(
                    format!("{}: {value}{band}", score.label.get(lang)),
                    attention,
                ));
            }
            for flag in flags {
                if let Some(f) = form.flags.iter().find(|f| f.id.as_str() == flag) {
                    let line = k.args(
                        "staff-flag",
                        &[("flag", Arg::Text(f.label.get(lang).to_owned()))],
                    );
                    lines.push(SummaryLine::under(line, true));
                }
            }
        }
        lines
    }
}

/// One line of a session's result for staff: a form's title (or the consent state), or a
/// score, flag or declined question under it.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryLine {
    /// What it says.
    pub text: String,
    /// Drawn in the warning colour: a flagged band, a flag, a declined question.
    pub attention: bool,
    /// Set in under the form's title (wrapped lines keep the indent).
    pub under: bool,
}

impl SummaryLine {
    fn heading(text: String, attention: bool) -> SummaryLine {
        SummaryLine {
            text,
            attention,
            under: false,
        }
    }

    fn under(text: String, attention: bool) -> SummaryLine {
        SummaryLine {
            text,
            attention,
            under: true,
        }
    }
}

/// The message naming how a session ended.
pub(super) fn ended_message(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Abandoned) => "session-state-abandoned",
        Some(Status::Timeout) => "session-state-timeout",
        Some(Status::Complete) | None => "session-state-complete",
    }
}

/// The message id naming a time point.
pub(super) fn timepoint_message(tp: Timepoint) -> &'static str {
    match tp {
        Timepoint::Baseline => "timepoint-baseline",
        Timepoint::Month6 => "timepoint-month-6",
        Timepoint::Month12 => "timepoint-month-12",
        Timepoint::Screening => "timepoint-screening",
    }
}
