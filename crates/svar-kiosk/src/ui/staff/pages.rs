//! The staff pages: the PIN pad, the menu, waiting sessions, today's sessions, a new session
//! and the last result. Each draws what it is given and returns what was tapped.

use super::{Describe, Draft, IdType, LastResult, Page, PinPad, StaffIntent, StaffScreen};
use crate::i18n::Arg;
use crate::ui::Intent;
use crate::ui::StaffSettings;
use crate::ui::screens::{endonym, title_ui};
use crate::ui::theme::Tokens;
use crate::ui::view::Texts;
use crate::ui::widgets::{Mark, Tile, fold, keyboard, keypad, text, tile_width};
use egui::Ui;
use std::sync::Arc;
use svar_forms::battery::Battery;
use svar_forms::text::Lang;
use svar_store::{DayEntry, State};

/// What staff pages show of the kiosk besides the staff visit.
pub struct KioskView<'a> {
    /// The last storage or sealing problem.
    pub problem: Option<&'a str>,
    /// The background uploader's status, when there is one.
    pub upload: Option<svar_upload::Status>,
    /// Sessions waiting for staff or for the outbox.
    pub waiting: &'a [DayEntry],
    /// What staff mode offers.
    pub settings: &'a StaffSettings,
    /// The battery a session answers when staff mode offers none.
    pub default_battery: &'a Arc<Battery>,
    /// How stored sessions are described.
    pub sessions: Describe<'a>,
}

/// The staff page shown now.
pub fn staff_ui(
    ui: &mut Ui,
    t: &Tokens,
    texts: Texts,
    s: &StaffScreen,
    kiosk: &KioskView,
) -> Option<Intent> {
    let mut out = None;
    match s.page {
        Page::Menu => menu_ui(ui, t, texts, kiosk, &mut out),
        Page::Waiting => waiting_ui(ui, t, texts, kiosk, &mut out),
        Page::Today => today_ui(ui, t, texts, &s.visit.today, &kiosk.sessions, &mut out),
        Page::NewSession => new_session_ui(ui, t, texts, &s.visit.draft, kiosk, &mut out),
        Page::LastResult => last_result_ui(
            ui,
            t,
            texts,
            s.visit.last_result.as_ref(),
            &kiosk.sessions,
            &mut out,
        ),
    }
    out
}

/// Keeps a staff tap.
fn push(out: &mut Option<Intent>, intent: StaffIntent) {
    *out = Some(Intent::Staff(intent));
}

/// The PIN pad that lets staff in; `locked` is the seconds its lock has left, and `back` offers
/// a way back to the welcome screen (not from the paused screen, which waits for staff).
pub fn pin_ui(
    ui: &mut Ui,
    t: &Tokens,
    k: Texts,
    pad: &PinPad,
    locked: Option<u32>,
    back: bool,
) -> Option<Intent> {
    let mut out = None;
    let out = &mut out;
    // The whole pad is on screen unscrolled, also below the paused screen's message.
    let bottom = fold(ui);
    title_ui(ui, t, &k.tr("staff-pin-title"));
    let masked = "•".repeat(pad.typed());
    let labels = keypad::Labels {
        field: &k.tr("staff-pin-field"),
        comma: "",
        delete: &k.tr("keypad-delete"),
        clear: &k.tr("keypad-clear"),
    };
    // While the pad is locked its keys and Open are shown faded and take no taps, so staff
    // see at once that typing is pointless (the message says for how long).
    let open = locked.is_none();
    ui.horizontal_top(|ui| {
        ui.vertical(|ui| {
            ui.add_enabled_ui(open, |ui| {
                if let Some(key) = keypad::keypad_ui(ui, t, &labels, &masked, false, bottom) {
                    push(out, StaffIntent::PinKey(key));
                }
            });
        });
        ui.add_space(t.pad);
        ui.vertical(|ui| {
            let enter = ui.add_enabled_ui(open, |ui| {
                Tile::new(&k.tr("staff-pin-enter"), t.button_side)
                    .primary(true)
                    .show(ui, t)
                    .clicked()
            });
            if enter.inner {
                push(out, StaffIntent::SubmitPin);
            }
            if back
                && Tile::new(&k.tr("nav-back"), t.button_side)
                    .show(ui, t)
                    .clicked()
            {
                push(out, StaffIntent::Close);
            }
            // A lock counts down on screen, also after a restart when no PIN was tried yet.
            let message = match locked {
                Some(seconds) => Some(k.args(
                    "staff-pin-locked",
                    &[("seconds", Arg::Num(f64::from(seconds)))],
                )),
                None => pad.message.clone(),
            };
            if let Some(m) = &message {
                text(ui, m, t.bold(t.body), t.palette.warning);
            }
        });
    });
    out.take()
}

/// What staff can do, with the upload status and any problem of the kiosk.
fn menu_ui(ui: &mut Ui, t: &Tokens, k: Texts, kiosk: &KioskView, out: &mut Option<Intent>) {
    let full = ui.available_width();
    title_ui(ui, t, &k.tr("staff-menu-title"));
    if let Some(problem) = kiosk.problem {
        text(ui, problem, t.bold(t.body), t.palette.warning);
    }
    if let Some(status) = &kiosk.upload {
        let line = k.args(
            "staff-upload-status",
            &[
                ("pending", Arg::Num(status.pending as f64)),
                ("failing", Arg::Num(status.failing as f64)),
                ("delivered", Arg::Num(status.delivered_total as f64)),
                ("quarantined", Arg::Num(status.quarantined as f64)),
            ],
        );
        let trouble = status.quarantined > 0 || status.last_error.is_some();
        let color = if trouble {
            t.palette.warning
        } else {
            t.palette.text
        };
        text(ui, &line, t.font(t.body), color);
        let last = match status.last_success {
            Some(at) => k.args(
                "staff-upload-last",
                &[("when", Arg::Text(kiosk.sessions.local_when(at.into())))],
            ),
            None => k.tr("staff-upload-never"),
        };
        text(ui, &last, t.font(t.body), t.palette.text);
        if let Some(error) = &status.last_error {
            text(ui, error, t.font(t.small), t.palette.warning);
        }
        if status.unauthorized {
            text(
                ui,
                &k.tr("staff-upload-unauthorized"),
                t.bold(t.body),
                t.palette.warning,
            );
        }
    }
    // Each staff member reads staff mode in their own language; the kiosk remembers it.
    text(ui, &k.tr("staff-language"), t.bold(t.body), t.palette.text);
    let languages = [Lang::Nb, Lang::Nn, Lang::Da, Lang::En];
    // Four in a row where they fit, two on a narrow screen.
    let per_row = if full < t.column * 0.7 { 2 } else { 4 };
    let w = tile_width(ui, t, per_row);
    for row in languages.chunks(per_row) {
        let tiles = row
            .iter()
            .map(|l| Tile::new(endonym(*l), w).mark(Mark::Radio(*l == k.lang)))
            .collect();
        if let Some(n) = Tile::row(ui, t, tiles) {
            push(out, StaffIntent::Language(row[n]));
        }
    }
    ui.add_space(t.gap);
    if !kiosk.waiting.is_empty() {
        let label = k.args(
            "staff-waiting",
            &[("count", Arg::Num(kiosk.waiting.len() as f64))],
        );
        if Tile::new(&label, full).primary(true).show(ui, t).clicked() {
            push(out, StaffIntent::Show(Page::Waiting));
        }
    }
    for (id, intent, primary) in [
        (
            "staff-new-session",
            StaffIntent::Show(Page::NewSession),
            kiosk.waiting.is_empty(),
        ),
        (
            "staff-last-result",
            StaffIntent::Show(Page::LastResult),
            false,
        ),
        ("staff-today", StaffIntent::Show(Page::Today), false),
        ("staff-close", StaffIntent::Close, false),
        ("staff-leave", StaffIntent::Leave, false),
    ] {
        if Tile::new(&k.tr(id), full)
            .primary(primary)
            .show(ui, t)
            .clicked()
        {
            push(out, intent);
        }
    }
}

/// Sessions interrupted by a restart or waiting to be sealed, to resume or seal.
fn waiting_ui(ui: &mut Ui, t: &Tokens, k: Texts, kiosk: &KioskView, out: &mut Option<Intent>) {
    let full = ui.available_width();
    title_ui(ui, t, &k.tr("staff-waiting-title"));
    if let Some(problem) = kiosk.problem {
        text(ui, problem, t.bold(t.body), t.palette.warning);
    }
    if kiosk.waiting.is_empty() {
        text(
            ui,
            &k.tr("staff-waiting-none"),
            t.font(t.body),
            t.palette.text,
        );
    }
    let half = tile_width(ui, t, 2);
    for entry in kiosk.waiting {
        let line = kiosk.sessions.entry_line(k, entry);
        text(ui, &line, t.bold(t.body), t.palette.text);
        ui.horizontal(|ui| {
            if entry.state == State::Open {
                if Tile::new(&k.tr("staff-resume"), half)
                    .primary(true)
                    .show(ui, t)
                    .clicked()
                {
                    push(out, StaffIntent::Resume(entry.id));
                }
                if Tile::new(&k.tr("staff-seal-abandoned"), half)
                    .show(ui, t)
                    .clicked()
                {
                    push(out, StaffIntent::SealAbandoned(entry.id));
                }
            } else if Tile::new(&k.tr("staff-seal-retry"), half)
                .primary(true)
                .show(ui, t)
                .clicked()
            {
                push(out, StaffIntent::RetrySeal);
            }
        });
        ui.add_space(t.gap);
    }
    if Tile::new(&k.tr("nav-back"), full).show(ui, t).clicked() {
        push(out, StaffIntent::Show(Page::Menu));
    }
}

/// Today's sessions on this kiosk.
fn today_ui(
    ui: &mut Ui,
    t: &Tokens,
    k: Texts,
    today: &[DayEntry],
    sessions: &Describe,
    out: &mut Option<Intent>,
) {
    let full = ui.available_width();
    title_ui(ui, t, &k.tr("staff-today"));
    if today.is_empty() {
        text(
            ui,
            &k.tr("staff-today-none"),
            t.font(t.body),
            t.palette.text,
        );
    }
    for entry in today {
        text(
            ui,
            &sessions.entry_line(k, entry),
            t.bold(t.body),
            t.palette.text,
        );
        let lines = entry
            .summary
            .as_ref()
            .map(|summary| sessions.summary_lines(k, &entry.battery, summary))
            .unwrap_or_default();
        summary_ui(ui, t, &lines);
        ui.add_space(t.gap);
    }
    if Tile::new(&k.tr("nav-back"), full).show(ui, t).clicked() {
        push(out, StaffIntent::Show(Page::Menu));
    }
}

/// Patient id, battery, time point and study details for a new session.
fn new_session_ui(
    ui: &mut Ui,
    t: &Tokens,
    k: Texts,
    st: &Draft,
    kiosk: &KioskView,
    out: &mut Option<Intent>,
) {
    let lang = k.lang;
    let staff = kiosk.settings;
    let full = ui.available_width();
    title_ui(ui, t, &k.tr("staff-new-session"));
    text(ui, &k.tr("staff-id-type"), t.bold(t.body), t.palette.text);
    let mut kinds = vec![
        (IdType::Norwegian, "id-type-norwegian"),
        (IdType::Cpr, "id-type-cpr"),
    ];
    if staff.study_id_pattern.is_some() {
        kinds.push((IdType::Study, "id-type-study"));
    }
    let w = tile_width(ui, t, kinds.len());
    let labels: Vec<String> = kinds.iter().map(|(_, id)| k.tr(id)).collect();
    let tiles = kinds
        .iter()
        .zip(&labels)
        .map(|((kind, _), label)| Tile::new(label, w).mark(Mark::Radio(st.id_type == *kind)))
        .collect();
    if let Some(n) = Tile::row(ui, t, tiles) {
        push(out, StaffIntent::IdType(kinds[n].0));
    }
    let field = k.tr("staff-patient-id");
    if st.id_type == IdType::Study {
        let labels = keyboard::Labels {
            field: &field,
            shift: &k.tr("keyboard-shift"),
            space: &k.tr("keyboard-space"),
            delete: &k.tr("keyboard-delete"),
            letters: &k.tr("keyboard-letters"),
        };
        if let Some(key) = keyboard::keyboard_ui(
            ui,
            t,
            &labels,
            keyboard::Layout::LettersAndDigits,
            &st.id_text,
            st.shift,
            // The page goes on below (battery, time point): its keys keep their full size.
            f32::INFINITY,
        ) {
            push(out, StaffIntent::IdChar(key));
        }
    } else {
        let labels = keypad::Labels {
            field: &field,
            comma: "",
            delete: &k.tr("keypad-delete"),
            clear: &k.tr("keypad-clear"),
        };
        if let Some(key) = keypad::keypad_ui(ui, t, &labels, &st.id_text, false, f32::INFINITY) {
            push(out, StaffIntent::IdKey(key));
        }
    }
    if let Some(problem) = &st.id_problem {
        text(ui, problem, t.bold(t.body), t.palette.warning);
    }
    let batteries = if staff.batteries.is_empty() {
        std::slice::from_ref(kiosk.default_battery)
    } else {
        &staff.batteries[..]
    };
    text(ui, &k.tr("staff-battery"), t.bold(t.body), t.palette.text);
    for (b, battery) in batteries.iter().enumerate() {
        if Tile::new(battery.title.get(lang), full)
            .mark(Mark::Radio(st.battery == b))
            .show(ui, t)
            .clicked()
        {
            push(out, StaffIntent::Battery(b));
        }
    }
    let timepoints = batteries
        .get(st.battery)
        .map(|b| super::offered_timepoints(&staff.timepoints, b))
        .unwrap_or_default();
    if !timepoints.is_empty() {
        text(ui, &k.tr("staff-timepoint"), t.bold(t.body), t.palette.text);
        let w = tile_width(ui, t, timepoints.len());
        let labels: Vec<String> = timepoints
            .iter()
            .map(|tp| k.tr(super::describe::timepoint_message(*tp)))
            .collect();
        let tiles = labels
            .iter()
            .enumerate()
            .map(|(n, label)| Tile::new(label, w).mark(Mark::Radio(st.timepoint == n)))
            .collect();
        if let Some(n) = Tile::row(ui, t, tiles) {
            push(out, StaffIntent::Timepoint(n));
        }
    }
    if !staff.arms.is_empty() {
        text(ui, &k.tr("staff-arm"), t.bold(t.body), t.palette.text);
        let choices: Vec<(Option<usize>, String)> =
            std::iter::once((None, k.tr("staff-not-recorded")))
                .chain(
                    staff
                        .arms
                        .iter()
                        .enumerate()
                        .map(|(n, arm)| (Some(n), arm.clone())),
                )
                .collect();
        // Four to a row, each row of one height.
        let w = tile_width(ui, t, choices.len().min(4));
        for row in choices.chunks(4) {
            let tiles = row
                .iter()
                .map(|(choice, label)| Tile::new(label, w).mark(Mark::Radio(st.arm == *choice)))
                .collect();
            if let Some(n) = Tile::row(ui, t, tiles) {
                push(out, StaffIntent::Arm(row[n].0));
            }
        }
    }
    text(ui, &k.tr("staff-consent"), t.bold(t.body), t.palette.text);
    let w = tile_width(ui, t, 3);
    let consents = [
        (None, k.tr("staff-not-recorded")),
        (Some(true), k.tr("staff-consent-yes")),
        (Some(false), k.tr("staff-consent-no")),
    ];
    let tiles = consents
        .iter()
        .map(|(choice, label)| Tile::new(label, w).mark(Mark::Radio(st.consent == *choice)))
        .collect();
    if let Some(n) = Tile::row(ui, t, tiles) {
        push(out, StaffIntent::Consent(consents[n].0));
    }
    ui.add_space(t.gap);
    if Tile::new(&k.tr("staff-hand-over"), full)
        .primary(true)
        .show(ui, t)
        .clicked()
    {
        push(out, StaffIntent::HandOver);
    }
    if Tile::new(&k.tr("nav-back"), full).show(ui, t).clicked() {
        push(out, StaffIntent::Show(Page::Menu));
    }
}

/// The scores of the session that ended last, if it ended since the last patient boundary.
fn last_result_ui(
    ui: &mut Ui,
    t: &Tokens,
    k: Texts,
    last: Option<&LastResult>,
    sessions: &Describe,
    out: &mut Option<Intent>,
) {
    let full = ui.available_width();
    title_ui(ui, t, &k.tr("staff-last-result"));
    match last {
        None => {
            text(
                ui,
                &k.tr("staff-summary-none"),
                t.font(t.body),
                t.palette.text,
            );
        }
        Some(last) => {
            // Behind the PIN: who, which battery and time point, when and how it ended.
            for line in sessions.who_lines(k, &last.battery, &last.who, last.status) {
                text(ui, &line, t.bold(t.body), t.palette.text);
            }
            ui.add_space(t.gap * 0.5);
            match &last.summary {
                Some(summary) => {
                    summary_ui(ui, t, &sessions.summary_lines(k, &last.battery, summary));
                }
                None => {
                    text(
                        ui,
                        &k.tr("staff-summary-waiting"),
                        t.font(t.body),
                        t.palette.warning,
                    );
                }
            }
        }
    }
    ui.add_space(t.gap);
    if Tile::new(&k.tr("nav-back"), full).show(ui, t).clicked() {
        push(out, StaffIntent::Show(Page::Menu));
    }
}

/// A session's result lines, those under a form's title set in as a block.
fn summary_ui(ui: &mut Ui, t: &Tokens, lines: &[super::describe::SummaryLine]) {
    for line in lines {
        let color = if line.attention {
            t.palette.warning
        } else {
            t.palette.text
        };
        if line.under {
            ui.horizontal_top(|ui| {
                ui.add_space(t.pad);
                ui.vertical(|ui| text(ui, &line.text, t.font(t.body), color));
            });
        } else {
            text(ui, &line.text, t.font(t.body), color);
        }
    }
}
