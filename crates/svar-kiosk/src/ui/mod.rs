//! The patient kiosk: an eframe app that draws the [`Session`] and turns taps into session
//! calls. The kiosk shows one [`screen::Screen`] at a time, which holds that screen's state;
//! views are `*_ui` functions that draw what they are given and return [`Intent`]s; only
//! [`Kiosk::apply`] changes anything, and moving to another screen replaces the old one whole.

mod bars;
pub mod patient;
mod pause;
pub mod preview;
pub mod question;
pub mod screen;
pub mod screens;
mod sealing;
pub mod staff;
pub mod theme;
pub mod view;
pub mod widgets;
mod window;

use crate::i18n::Strings;
use crate::idle::{IdleState, IdleTimer};
use crate::visit::{Sealer, Visit};
pub use patient::Scratch;
use patient::{PatientScreen, Step};
use screen::{Look, Screen};
use std::path::PathBuf;
use std::sync::Arc;
use svar_bundle::{IdType, Meta, Patient, Status, Timestamp};
use svar_forms::answer::Answer;
use svar_forms::battery::Battery;
use svar_forms::form::ItemIx;
use svar_forms::session::Session;
use svar_forms::text::Lang;
use svar_store::{DayEntry, Store};
use theme::Tokens;
use view::{Images, Texts};
use widgets::{keyboard, keypad};
pub use window::WindowError;

/// What the kiosk runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// The battery a session answers.
    pub battery: Arc<Battery>,
    /// Folder of images (body maps, logo).
    pub assets: PathBuf,
    /// Shown on the welcome screen and in the header, in the language shown.
    pub clinic: crate::config::ClinicName,
    /// Demo mode: a start button and a "DEMO" ribbon.
    pub demo: bool,
    /// Seconds without a touch before "Are you still there?".
    pub idle_warn: f64,
    /// Seconds that question counts down before the session is closed.
    pub idle_countdown: f64,
    /// Seconds the thank-you screen shows.
    pub thanks_seconds: f64,
    /// Seconds a staff-started session waits on the paused screen after the idle time-out,
    /// for staff to resume or end it, before it is sealed as timed out.
    pub pause_seconds: f64,
    /// Language before the patient chooses.
    pub default_lang: Lang,
    /// What staff mode offers.
    pub staff: StaffSettings,
}

/// Where the kiosk keeps and seals what patients answer.
#[derive(Debug)]
pub struct Records {
    /// The local store.
    pub store: Store,
    /// Keys, outbox and form hashes for sealing.
    pub sealer: Sealer,
    /// Site id, recorded in bundles.
    pub site: String,
    /// Kiosk id, recorded in bundles.
    pub kiosk: String,
    /// The local time's offset from UTC, for staff lists (read once at start-up).
    pub utc_offset: time::UtcOffset,
    /// The background uploader, when the configuration names upload targets.
    pub upload: Option<svar_upload::Handle>,
}

/// What staff mode offers.
#[derive(Debug, Clone, Default)]
pub struct StaffSettings {
    /// Who may open staff mode.
    pub accounts: Vec<crate::staff::StaffAccount>,
    /// Batteries offered for a session (the default battery when empty).
    pub batteries: Vec<Arc<Battery>>,
    /// Time points offered.
    pub timepoints: Vec<svar_forms::battery::Timepoint>,
    /// Study arms staff may record (none: not asked).
    pub arms: Vec<String>,
    /// Pattern of study ids, when the site uses them.
    pub study_id_pattern: Option<String>,
    /// The demo's PIN, shown on the demo ribbon.
    pub demo_pin: Option<String>,
}

/// Which screen the kiosk shows (a summary of [`screen::Screen`] without its state).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Stage {
    /// Waiting for the next patient.
    Welcome,
    /// Choosing a language before the first form.
    Language,
    /// Answering (the session's position says where).
    Session,
    /// Thank you, until the time given.
    Thanks {
        /// Clock time to return to the welcome screen.
        until: f64,
    },
    /// The PIN pad in front of staff mode.
    Pin,
    /// A staff-started session paused for staff by the idle time-out.
    Paused,
    /// A staff page, behind the PIN.
    Staff(staff::Page),
}

/// Everything a tap can ask for.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// Start a demo session.
    StartDemo,
    /// Choose a language (from the language screen or the header).
    PickLanguage(Lang),
    /// Show the language tiles over the current screen.
    OpenLanguages,
    /// Close the language tiles without choosing.
    CloseLanguages,
    /// Next text size.
    CycleTextSize,
    /// High contrast on or off.
    ToggleContrast,
    /// Forward.
    Next,
    /// Back.
    Back,
    /// Give or clear an answer.
    Answer(usize, ItemIx, Option<Answer>),
    /// A keypad key for a number item.
    Keypad(usize, ItemIx, keypad::Key),
    /// A keyboard key for a text item.
    Keyboard(usize, ItemIx, keyboard::Key),
    /// Signature: confirm the drawing.
    SignatureConfirm(usize, ItemIx),
    /// Signature: clear the drawing and the answer.
    SignatureClear(usize, ItemIx),
    /// Jump to a question from the review list.
    GoTo(usize, ItemIx),
    /// "I am finished" on the review screen.
    Finish,
    /// "Yes, send my answers".
    ConfirmFinish,
    /// "No, go back".
    CancelFinish,
    /// "Answer them" on the unanswered-questions prompt: back to the first of them.
    AnswerThem,
    /// "Go on without" on the unanswered-questions prompt (optional questions only).
    GoOnWithout,
    /// "Ask the staff for help" on the review or the prompt of a required question: the visit
    /// waits in the store on the paused screen for staff, who resume or end it behind their PIN.
    AskStaff,
    /// "Yes, I am still here".
    StillHere,
    /// Something on a staff screen.
    Staff(staff::StaffIntent),
}

/// How often a session that could not be saved or sealed is tried again, in seconds.
const RETRY_SECONDS: f64 = 30.0;

/// The kiosk's state: the screen shown with its own state, the look of the person at it, and
/// what outlives a patient (the store, visits held after a write failed, the PIN lock, what
/// waits for staff).
pub struct Kiosk {
    config: Config,
    strings: Strings,
    /// What the screen shows, with that screen's state (see [`Screen`]).
    screen: Screen,
    /// How the person at the screen chose to see it.
    look: Look,
    records: Records,
    /// Visits that ended while the store could not be written, oldest first: out of sight,
    /// kept in memory until they can be saved.
    held: Vec<(Box<Visit>, Status)>,
    /// The result of the session that ended last, until staff sign in (it then moves into
    /// their staff visit) or the next session starts.
    ended: Option<staff::LastResult>,
    /// Wrong PINs and the pad's lock, kept in the store across restarts.
    lock: crate::staff::PinLock,
    /// A PIN being checked on a worker thread.
    pin_check: Option<staff::PinCheck>,
    /// Sessions in the store that are not sealed (interrupted, or waiting for the outbox).
    waiting: Vec<DayEntry>,
    /// Sessions the idle time-out paused, until staff resume or end them or time runs out.
    paused: Vec<pause::Paused>,
    /// The last storage or sealing problem, for staff.
    problem: Option<String>,
    next_retry: f64,
    idle: IdleTimer,
    clock_offset: f64,
    images: Images,
    allow_close: bool,
    applied: Option<Tokens>,
    close_requested: bool,
}

impl Kiosk {
    /// A kiosk on its welcome screen. Sessions that ended but were not sealed before the last
    /// stop are sealed now; interrupted ones wait for staff.
    pub fn new(config: Config, strings: Strings, records: Records) -> Kiosk {
        let idle = IdleTimer::new(config.idle_warn, config.idle_countdown, 0.0);
        let mut problem = None;
        let lock = records
            .store
            .kiosk_state(staff::PIN_LOCK_KEY)
            .unwrap_or_else(|e| {
                problem = Some(e.to_string());
                None
            })
            .unwrap_or_default();
        let mut kiosk = Kiosk {
            look: Look::new(config.default_lang),
            images: Images::new(config.assets.clone()),
            config,
            strings,
            screen: Screen::Welcome,
            records,
            held: Vec::new(),
            ended: None,
            lock,
            pin_check: None,
            waiting: Vec::new(),
            paused: Vec::new(),
            problem,
            next_retry: 0.0,
            idle,
            clock_offset: 0.0,
            allow_close: false,
            applied: None,
            close_requested: false,
        };
        // A kiosk killed while writing a bundle leaves its temporary file; the bundle itself
        // is written again from the store's seal intent below.
        if let Err(e) = svar_bundle::sweep_temporary(&kiosk.records.sealer.outbox) {
            kiosk.problem = Some(format!("{}: {e}", kiosk.records.sealer.outbox.display()));
        }
        let midnight = kiosk.start_of_today();
        if let Err(e) = kiosk.records.store.forget_sealed_before(&midnight) {
            kiosk.problem = Some(e.to_string());
        }
        kiosk.retry(0.0);
        kiosk.refresh_waiting();
        kiosk.resume_pauses();
        kiosk
    }

    /// The start of the local day, as the store writes times (RFC 3339 UTC).
    fn start_of_today(&self) -> String {
        let offset = self.records.utc_offset;
        let local = time::OffsetDateTime::now_utc().to_offset(offset);
        let midnight = local.replace_time(time::Time::MIDNIGHT);
        Timestamp::new(midnight).to_string()
    }

    /// Which screen is shown.
    pub fn stage(&self) -> Stage {
        match &self.screen {
            Screen::Welcome => Stage::Welcome,
            Screen::Pin(_) => Stage::Pin,
            Screen::Paused(_) => Stage::Paused,
            Screen::Staff(s) => Stage::Staff(s.page),
            Screen::Patient(p) => match p.step {
                Step::Language => Stage::Language,
                Step::Answering => Stage::Session,
            },
            Screen::Thanks { until } => Stage::Thanks { until: *until },
        }
    }

    /// The session, while one runs.
    pub fn session(&self) -> Option<&Session> {
        match &self.screen {
            Screen::Patient(p) => Some(p.session()),
            _ => None,
        }
    }

    /// Whether a PIN is being checked (the pad waits for it).
    pub fn pin_checking(&self) -> bool {
        self.pin_check.is_some()
    }

    /// Visits held in memory because the store could not be written when they ended.
    pub fn held(&self) -> usize {
        self.held.len()
    }

    /// The local store.
    pub fn store(&self) -> &Store {
        &self.records.store
    }

    /// Sessions in the store waiting for staff or for the outbox.
    pub fn waiting(&self) -> &[DayEntry] {
        &self.waiting
    }

    /// The last storage or sealing problem, for staff.
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// The background uploader's latest status, when there is one.
    pub fn upload_status(&self) -> Option<svar_upload::Status> {
        self.records
            .upload
            .as_ref()
            .map(svar_upload::Handle::status)
    }

    /// Whether the running session has answers the store does not hold yet.
    pub fn unsaved(&self) -> bool {
        matches!(&self.screen, Screen::Patient(p) if p.visit.problem().is_some())
            || !self.held.is_empty()
    }

    /// The language shown.
    pub fn lang(&self) -> Lang {
        self.look.lang
    }

    /// Moves the kiosk's clock on (tests use this as a simulated clock instead of sleeping).
    pub fn advance_clock(&mut self, seconds: f64) {
        self.clock_offset += seconds;
    }

    fn now(&self, ctx: &egui::Context) -> f64 {
        ctx.input(|i| i.time) + self.clock_offset
    }

    /// Wall-clock seconds since the Unix epoch, moved on with the simulated clock: the PIN
    /// lock's clock, which must keep running across restarts.
    fn wall_now(&self) -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64())
            + self.clock_offset
    }

    fn tokens(&self) -> Tokens {
        Tokens::new(self.look.text_size, self.look.high_contrast)
    }

    /// Interface text in the current language.
    fn texts(&self) -> Texts<'_> {
        Texts::new(&self.strings, self.look.lang)
    }

    /// A patient boundary: the screen is replaced whole (a visit still on it wipes its answers
    /// as it drops, typed ids and PINs wipe as their buffers drop) and the welcome screen waits
    /// for the next patient, in the default language and look.
    fn welcome_next_patient(&mut self) {
        self.screen = Screen::Welcome;
        self.look = Look::new(self.config.default_lang);
    }

    /// Applies one intent.
    pub fn apply(&mut self, intent: Intent, now: f64) {
        match intent {
            Intent::StartDemo => {
                let patient = Patient {
                    id: "demo".into(),
                    id_type: IdType::Study,
                };
                let battery = Arc::clone(&self.config.battery);
                self.start_visit(battery, patient, staff::VisitDetails::default(), now);
            }
            Intent::PickLanguage(lang) => {
                self.look.lang = lang;
                if let Screen::Patient(p) = &mut self.screen {
                    p.pick_language(&mut self.records.store, lang);
                }
            }
            Intent::CycleTextSize => self.look.text_size = self.look.text_size.next(),
            Intent::ToggleContrast => self.look.high_contrast = !self.look.high_contrast,
            Intent::ConfirmFinish => self.confirm_finish(now),
            Intent::StillHere => self.idle.touch(now),
            // With answers not yet saved the patient stays, and the screen says why.
            Intent::AskStaff => {
                self.pause(now, screen::PauseReason::Asked);
            }
            Intent::Staff(intent) => self.staff_intent(intent, now),
            patient => {
                if let Screen::Patient(p) = &mut self.screen {
                    let texts = Texts::new(&self.strings, self.look.lang);
                    p.apply(patient, &mut self.records.store, texts, now);
                }
            }
        }
    }

    /// Starts a visit for `patient` and hands the screen over (language first): a patient
    /// boundary, so the staff visit that started it is dropped. If the store cannot record it,
    /// staff see why, keep what they typed, and no session starts.
    fn start_visit(
        &mut self,
        battery: Arc<Battery>,
        patient: Patient,
        visit: staff::VisitDetails,
        now: f64,
    ) -> bool {
        let meta = Meta {
            bundle_id: uuid::Uuid::now_v7(),
            site: self.records.site.clone(),
            kiosk: self.records.kiosk.clone(),
            patient,
            timepoint: visit.timepoint,
            arm: visit.arm,
            consent: visit.consent,
            started: Timestamp::now(),
        };
        let staff = self.staff_id().map(str::to_owned);
        // The patient's language to start with is the kiosk's (never the staff member's),
        // or the battery's first where it does not offer the kiosk's.
        let default = self.config.default_lang;
        let lang = if battery.languages.contains(&default) {
            default
        } else {
            battery.languages.first().copied().unwrap_or(default)
        };
        match Visit::start(
            &mut self.records.store,
            battery,
            lang,
            meta,
            staff.as_deref(),
        ) {
            Ok(visit) => {
                self.hand_over(visit, Step::Language, now);
                true
            }
            Err(e) => {
                self.problem = Some(self.store_message(&e));
                false
            }
        }
    }

    /// Gives the screen to the patient of `visit` at `step`, in the visit's language and the
    /// normal look: whatever was on the screen before is dropped.
    fn hand_over(&mut self, visit: Visit, step: Step, now: f64) {
        self.ended = None;
        self.look = Look::new(visit.session().lang());
        self.screen = Screen::Patient(Box::new(PatientScreen::new(visit, step)));
        self.idle.touch(now);
    }

    fn confirm_finish(&mut self, now: f64) {
        let Screen::Patient(p) = &mut self.screen else {
            return;
        };
        if p.visit.confirm_finish(&mut self.records.store).is_err() {
            return;
        }
        // The thank-you screen keeps the patient's look; nothing else of theirs stays.
        let thanks = Screen::Thanks {
            until: now + self.config.thanks_seconds,
        };
        if let Screen::Patient(p) = std::mem::replace(&mut self.screen, thanks) {
            self.end_visit(p.visit, Status::Complete, None);
        }
    }

    /// Per-frame housekeeping: idle time-out, thank-you time-out, a finished PIN check, moving
    /// on by itself.
    fn tick(&mut self, now: f64) {
        let expired = self.idle.state(now) == IdleState::Expired;
        match self.screen {
            Screen::Thanks { until } if now >= until => self.welcome_next_patient(),
            // Digits half-typed on the paused screen's pad do not wait for the next person.
            Screen::Paused(ref p) if expired => {
                self.screen = Screen::Paused(screen::PausedScreen::new(p.reason));
                self.idle.touch(now);
            }
            Screen::Welcome | Screen::Thanks { .. } | Screen::Paused(_) => {}
            _ if expired => self.idle_expired(now),
            _ => {}
        }
        self.end_overdue_pauses(now);
        if now >= self.next_retry && (!self.held.is_empty() || self.unsealed_waiting()) {
            self.retry(now);
        }
        if let Some(found) = self.pin_check.as_ref().and_then(staff::PinCheck::finished) {
            self.pin_check = None;
            self.pin_checked(found);
        }
        if let Screen::Patient(p) = &mut self.screen {
            p.tick(&mut self.records.store, now);
        }
    }

    /// Readies `ctx` for the kiosk before its first frame: the shipped fonts, focus kept in a
    /// text field while its on-screen keys are tapped, and the kiosk's look. Each frame's root
    /// Ui copies the context's style as the frame begins, so a look first set during a frame
    /// would leave that frame in egui's default one (selectable text, a node per line).
    pub fn prepare(&mut self, ctx: &egui::Context) {
        theme::install_fonts(ctx);
        ctx.options_mut(|o| o.input_options.surrender_focus_on = egui::SurrenderFocusOn::Never);
        let t = self.tokens();
        t.apply(ctx);
        self.applied = Some(t);
    }

    /// Draws one frame and applies what the patient did.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.guard_window(&ctx);
        let now = self.now(&ctx);
        let touched = ctx.input(|i| {
            i.pointer.any_pressed()
                || i.events.iter().any(|e| {
                    // A screen reader's activation is the patient's action as much as a touch.
                    matches!(
                        e,
                        egui::Event::Touch { .. } | egui::Event::AccessKitActionRequest(_)
                    )
                })
        });
        if touched {
            self.idle.touch(now);
        }
        self.tick(now);
        let t = self.tokens();
        if self.applied != Some(t) {
            t.apply(&ctx);
            self.applied = Some(t);
            // The root Ui took its style from the context as this frame began: it gets the new
            // one too, so the frame after a change of text size or contrast already shows it.
            ui.set_style(ctx.global_style());
        }
        let idle_state = match self.screen {
            Screen::Welcome | Screen::Thanks { .. } | Screen::Paused(_) => IdleState::Active,
            _ => self.idle.state(now),
        };
        for intent in screens::kiosk_ui(ui, &t, self, idle_state) {
            self.apply(intent, now);
        }
        // Staff left kiosk mode: the window closes (guard_window lets this close through).
        if std::mem::take(&mut self.close_requested) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        let mut wake = self.idle.next_change(now);
        if self.pin_check.is_some() {
            wake = wake.min(staff::PinCheck::POLL_SECONDS);
        }
        for paused in &self.paused {
            wake = wake.min((paused.until - now).max(0.0));
        }
        match &self.screen {
            Screen::Patient(p) => {
                if let Some(at) = p.scratch.advance_at {
                    wake = wake.min((at - now).max(0.0));
                }
            }
            Screen::Thanks { until } => wake = wake.min((until - now).max(0.0)),
            _ => {}
        }
        ctx.request_repaint_after(std::time::Duration::from_secs_f64(wake.max(0.01)));
    }

    /// Refuses closing (a patient cannot leave); staff leave through staff mode, and Ctrl+Shift+Q
    /// is the development way out. Hides the pointer once the screen has been touched.
    fn guard_window(&mut self, ctx: &egui::Context) {
        let chord =
            ctx.input(|i| i.modifiers.ctrl && i.modifiers.shift && i.key_pressed(egui::Key::Q));
        if chord {
            self.allow_close = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        if ctx.input(|i| i.viewport().close_requested()) && !self.allow_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
        }
        if ctx.input(|i| i.has_touch_screen()) {
            ctx.set_cursor_icon(egui::CursorIcon::None);
        }
    }
}

/// The eframe app around a [`Kiosk`].
pub struct KioskApp {
    /// The kiosk.
    pub kiosk: Kiosk,
    /// When the process started, until the first frame reports its start-up time.
    started: Option<std::time::Instant>,
}

impl KioskApp {
    /// Builds the kiosk and readies egui for it (fonts, focus, look) before the first frame.
    pub fn new(
        cc: &eframe::CreationContext<'_>,
        config: Config,
        strings: Strings,
        records: Records,
    ) -> KioskApp {
        let mut kiosk = Kiosk::new(config, strings, records);
        kiosk.prepare(&cc.egui_ctx);
        KioskApp {
            kiosk,
            started: None,
        }
    }

    /// Reports on standard error how long the first frame took from `started` (for operations).
    pub fn report_startup(mut self, started: std::time::Instant) -> Self {
        self.started = Some(started);
        self
    }
}

impl eframe::App for KioskApp {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.kiosk.frame(ui);
        if let Some(started) = self.started.take() {
            eprintln!(
                "svar: first frame {} ms after start ({})",
                started.elapsed().as_millis(),
                display_system(frame)
            );
        }
    }
}

/// The display system the window is drawn by, so that a site's log says whether the kiosk
/// runs on Wayland (under cage) or on X11.
fn display_system(frame: &eframe::Frame) -> &'static str {
    use raw_window_handle::{HasDisplayHandle, RawDisplayHandle};
    match frame.display_handle().map(|h| h.as_raw()) {
        Ok(RawDisplayHandle::Wayland(_)) => "Wayland",
        Ok(RawDisplayHandle::Xlib(_) | RawDisplayHandle::Xcb(_)) => "X11",
        Ok(_) => "another display system",
        Err(_) => "display system unknown",
    }
}

/// Opens the kiosk window: fullscreen, borderless and on top unless `windowed`.
pub fn run(
    config: Config,
    strings: Strings,
    records: Records,
    windowed: bool,
    started: std::time::Instant,
) -> Result<(), WindowError> {
    let viewport = if windowed {
        egui::ViewportBuilder::default()
            .with_inner_size([1280.0, 800.0])
            .with_title("Svar")
    } else {
        egui::ViewportBuilder::default()
            .with_title("Svar")
            .with_fullscreen(true)
            .with_decorations(false)
            .with_always_on_top()
            .with_close_button(false)
            .with_minimize_button(false)
            .with_resizable(false)
    };
    eframe::run_native(
        "Svar",
        window::options(viewport)?,
        Box::new(move |cc| {
            Ok(Box::new(
                KioskApp::new(cc, config, strings, records).report_startup(started),
            ))
        }),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;
