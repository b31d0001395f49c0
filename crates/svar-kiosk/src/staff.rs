//! Staff accounts and the PIN pad: PINs are checked against Argon2 hashes, and five wrong PINs
//! in a row lock the pad for five minutes.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};

/// Wrong PINs in a row before the pad locks.
pub const MAX_FAILURES: u32 = 5;
/// How long the pad stays locked, in seconds.
pub const LOCK_SECONDS: f64 = 300.0;

/// A member of staff who may open staff mode.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffAccount {
    /// Short id recorded in the audit trail (never the name).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Argon2 hash of the PIN in PHC string form (`$argon2id$…`).
    pub pin_hash: String,
}

/// What a PIN attempt gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinOutcome {
    /// The PIN belongs to this staff id.
    Accepted(String),
    /// Wrong PIN; this many tries remain before the pad locks.
    Wrong {
        /// Tries left.
        attempts_left: u32,
    },
    /// Locked after too many wrong PINs; try again later.
    Locked {
        /// Whole seconds until the pad opens again.
        seconds_left: u32,
    },
}

/// The PIN pad's memory of wrong attempts. Its clock is wall-clock seconds since the Unix
/// epoch, and the kiosk keeps it in its store, so a restart does not reset the count or
/// lift a lock.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PinLock {
    failures: u32,
    locked_until: Option<f64>,
}

impl PinLock {
    /// The whole seconds until the lock lifts, while the pad is locked at clock time `now`.
    pub fn seconds_left(&self, now: f64) -> Option<u32> {
        let until = self.locked_until.filter(|until| now < *until)?;
        Some((until - now).ceil() as u32)
    }

    /// Before a PIN is checked: `Some(Locked)` while the pad is locked; a lock that has run
    /// out is lifted and the count starts again.
    pub fn refuse_while_locked(&mut self, now: f64) -> Option<PinOutcome> {
        self.locked_until?;
        if let Some(seconds_left) = self.seconds_left(now) {
            return Some(PinOutcome::Locked { seconds_left });
        }
        self.locked_until = None;
        self.failures = 0;
        None
    }

    /// Records what checking a PIN found (the matching staff id, or none) at clock time `now`.
    pub fn record(&mut self, found: Option<String>, now: f64) -> PinOutcome {
        if let Some(id) = found {
            self.failures = 0;
            return PinOutcome::Accepted(id);
        }
        self.failures += 1;
        if self.failures >= MAX_FAILURES {
            self.locked_until = Some(now + LOCK_SECONDS);
            return PinOutcome::Locked {
                seconds_left: LOCK_SECONDS as u32,
            };
        }
        PinOutcome::Wrong {
            attempts_left: MAX_FAILURES - self.failures,
        }
    }
}

/// The staff id whose PIN hash `pin` matches, if any. Argon2 is slow on purpose: call this
/// off the UI thread.
pub fn find_account(staff: &[StaffAccount], pin: &str) -> Option<String> {
    staff
        .iter()
        .find(|a| verify_pin(&a.pin_hash, pin))
        .map(|a| a.id.clone())
}

/// True when `pin` matches the Argon2 `hash`; a malformed hash never matches.
pub fn verify_pin(hash: &str, pin: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(pin.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Hashes a PIN with Argon2id and a random salt, for the configuration file.
pub fn hash_pin(pin: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(pin.as_bytes(), &salt)?
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff() -> Vec<StaffAccount> {
        vec![StaffAccount {
            id: "nurse1".into(),
            name: "Nurse".into(),
            pin_hash: hash_pin("4711").unwrap(),
        }]
    }

    /// One PIN attempt as the kiosk makes it: refused while locked, else checked and recorded.
    fn attempt(lock: &mut PinLock, staff: &[StaffAccount], pin: &str, now: f64) -> PinOutcome {
        lock.refuse_while_locked(now)
            .unwrap_or_else(|| lock.record(find_account(staff, pin), now))
    }

    #[test]
    fn the_right_pin_opens_and_resets_the_count() {
        let staff = staff();
        let mut lock = PinLock::default();
        assert_eq!(
            attempt(&mut lock, &staff, "0000", 0.0),
            PinOutcome::Wrong { attempts_left: 4 }
        );
        assert_eq!(
            attempt(&mut lock, &staff, "4711", 1.0),
            PinOutcome::Accepted("nurse1".into())
        );
        assert_eq!(
            attempt(&mut lock, &staff, "0000", 2.0),
            PinOutcome::Wrong { attempts_left: 4 }
        );
    }

    #[test]
    fn five_wrong_pins_lock_the_pad_for_five_minutes() {
        let staff = staff();
        let mut lock = PinLock::default();
        for left in (1..5).rev() {
            assert_eq!(
                attempt(&mut lock, &staff, "1111", 0.0),
                PinOutcome::Wrong {
                    attempts_left: left
                }
            );
        }
        assert_eq!(
            attempt(&mut lock, &staff, "1111", 10.0),
            PinOutcome::Locked { seconds_left: 300 }
        );
        // Even the right PIN is refused while locked.
        assert_eq!(
            attempt(&mut lock, &staff, "4711", 200.0),
            PinOutcome::Locked { seconds_left: 110 }
        );
        assert_eq!(
            attempt(&mut lock, &staff, "4711", 310.0),
            PinOutcome::Accepted("nurse1".into())
        );
    }

    #[test]
    fn a_lock_survives_being_written_out_and_read_back() {
        let staff = staff();
        let mut lock = PinLock::default();
        for _ in 0..MAX_FAILURES {
            attempt(&mut lock, &staff, "1111", 1000.0);
        }
        let kept: PinLock = serde_json::from_str(&serde_json::to_string(&lock).unwrap()).unwrap();
        assert_eq!(kept.seconds_left(1100.0), Some(200));
        assert_eq!(kept.seconds_left(1300.0), None);
    }

    #[test]
    fn a_malformed_hash_never_matches() {
        assert!(!verify_pin("not a hash", "4711"));
        assert!(!verify_pin("", ""));
    }
}
