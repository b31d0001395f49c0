//! The idle time-out: after a while without a touch, ask "are you still there?", then close.

/// Tracks the last touch against a simulated or real clock in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IdleTimer {
    /// Seconds without a touch before the warning.
    pub warn_after: f64,
    /// Seconds of warning before the session is closed.
    pub countdown: f64,
    last_touch: f64,
}

/// What the idle timer says now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleState {
    /// The patient is active.
    Active,
    /// The warning shows, with whole seconds left (at least 1).
    Warning {
        /// Seconds until the session closes.
        seconds_left: u32,
    },
    /// Time is up: abandon the session.
    Expired,
}

impl IdleTimer {
    /// A timer whose last touch is `now`.
    pub fn new(warn_after: f64, countdown: f64, now: f64) -> IdleTimer {
        IdleTimer {
            warn_after,
            countdown,
            last_touch: now,
        }
    }

    /// Records a touch.
    pub fn touch(&mut self, now: f64) {
        self.last_touch = now;
    }

    /// The state at `now`.
    pub fn state(&self, now: f64) -> IdleState {
        let idle = now - self.last_touch;
        if idle < self.warn_after {
            IdleState::Active
        } else if idle < self.warn_after + self.countdown {
            let left = (self.warn_after + self.countdown - idle).ceil().max(1.0);
            IdleState::Warning {
                seconds_left: left as u32,
            }
        } else {
            IdleState::Expired
        }
    }

    /// Seconds from `now` until the state next changes (for scheduling a repaint).
    pub fn next_change(&self, now: f64) -> f64 {
        let idle = now - self.last_touch;
        if idle < self.warn_after {
            self.warn_after - idle
        } else {
            (1.0 - (idle - self.warn_after).fract()).max(0.05)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_then_counts_down_then_expires() {
        let mut t = IdleTimer::new(90.0, 30.0, 0.0);
        assert_eq!(t.state(89.9), IdleState::Active);
        assert_eq!(t.state(90.0), IdleState::Warning { seconds_left: 30 });
        assert_eq!(t.state(119.5), IdleState::Warning { seconds_left: 1 });
        assert_eq!(t.state(120.0), IdleState::Expired);
        t.touch(100.0);
        assert_eq!(t.state(120.0), IdleState::Active);
    }
}
