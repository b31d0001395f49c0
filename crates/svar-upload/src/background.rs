//! The kiosk's background uploader: a pass over the outbox on a timer, on its own thread.

use crate::{Journal, State, Status, Uploader, clock_jitter};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

/// A running background uploader.
pub struct Handle {
    stop: Arc<AtomicBool>,
    status: Arc<Mutex<Status>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handle").finish_non_exhaustive()
    }
}

impl Handle {
    /// The status after the latest pass. Never waits for a pass: the thread holds the lock
    /// only to copy a finished pass's status in.
    pub fn status(&self) -> Status {
        self.status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Asks the thread to stop and waits until its current pass is over (at most the HTTPS
    /// time-out per file and target).
    pub fn stop(mut self) {
        self.signal();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }

    fn signal(&self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = &self.thread {
            thread.thread().unpark();
        }
    }
}

impl Drop for Handle {
    /// Asks the thread to stop without waiting: closing the kiosk must not wait on the network.
    fn drop(&mut self) {
        self.signal();
    }
}

/// Runs a pass over `outbox` every `interval` on a background thread until the handle is
/// stopped or dropped. The caller never waits on the network: it reads [`Handle::status`].
/// With a `journal` (its own connection to the kiosk's store), deliveries are recorded and
/// bundles of sessions the kiosk has not finished sealing wait.
pub fn spawn(
    outbox: PathBuf,
    uploader: Uploader,
    interval: Duration,
    mut journal: Option<Box<dyn Journal + Send>>,
) -> Handle {
    let stop = Arc::new(AtomicBool::new(false));
    let status = Arc::new(Mutex::new(Status::default()));
    let thread = {
        let stop = Arc::clone(&stop);
        let status = Arc::clone(&status);
        std::thread::spawn(move || {
            let mut state = State::new(clock_jitter());
            while !stop.load(Ordering::SeqCst) {
                uploader.run_once(
                    &outbox,
                    &mut state,
                    SystemTime::now(),
                    journal.as_deref_mut().map(|j| j as &mut dyn Journal),
                );
                if let Ok(mut shared) = status.lock() {
                    *shared = state.status.clone();
                }
                // Files wait out their own back-off inside `run_once`; this only paces passes.
                let until = std::time::Instant::now() + interval;
                while !stop.load(Ordering::SeqCst) {
                    let left = until.saturating_duration_since(std::time::Instant::now());
                    if left.is_zero() {
                        break;
                    }
                    std::thread::park_timeout(left);
                }
            }
        })
    };
    Handle {
        stop,
        status,
        thread: Some(thread),
    }
}
