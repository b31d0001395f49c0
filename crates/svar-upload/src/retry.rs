//! Retrying: exponential back-off with full jitter, and the random numbers for the jitter.

use std::time::{Duration, SystemTime};

/// Exponential back-off with full jitter: before try `n + 1` after `n` failures, wait a random
/// time between zero and `min(cap, base · factorⁿ⁻¹)`. The jitter keeps a clinic's kiosks from
/// all retrying at the same moment after the receiver comes back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// The longest wait after the first failure.
    pub base: Duration,
    /// How much the longest wait grows with each further failure.
    pub factor: f64,
    /// The longest wait ever.
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff {
            base: Duration::from_secs(5),
            factor: 2.0,
            cap: Duration::from_secs(15 * 60),
        }
    }
}

impl Backoff {
    /// The longest wait after `failures` failures (at least one).
    pub fn ceiling(&self, failures: u32) -> Duration {
        let exponent = failures.saturating_sub(1).min(64) as i32;
        let secs = self.base.as_secs_f64() * self.factor.powi(exponent);
        Duration::from_secs_f64(secs.min(self.cap.as_secs_f64()))
    }

    /// The wait after `failures` failures, for a random `fraction` in `[0, 1]`.
    pub fn delay(&self, failures: u32, fraction: f64) -> Duration {
        self.ceiling(failures).mul_f64(fraction.clamp(0.0, 1.0))
    }
}

/// Random fractions in `[0, 1]` for the jitter.
pub type Jitter = Box<dyn FnMut() -> f64 + Send>;

/// Jitter from a small generator (splitmix64) seeded by the clock: the jitter only spreads
/// kiosks apart, it guards no secret.
pub fn clock_jitter() -> Jitter {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut state = nanos ^ u64::from(std::process::id()).rotate_left(32);
    Box::new(move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_to_its_cap_and_jitter_stays_below_the_ceiling() {
        let b = Backoff::default();
        assert_eq!(b.ceiling(1), Duration::from_secs(5));
        assert_eq!(b.ceiling(2), Duration::from_secs(10));
        assert_eq!(b.ceiling(8), Duration::from_secs(640));
        assert_eq!(b.ceiling(9), Duration::from_secs(900));
        assert_eq!(b.ceiling(500), Duration::from_secs(900));
        assert_eq!(b.delay(3, 0.5), Duration::from_secs(10));
        assert_eq!(b.delay(3, 7.0), Duration::from_secs(20));
        let mut j = clock_jitter();
        assert!((0..1000).map(|_| j()).all(|f| (0.0..=1.0).contains(&f)));
    }
}
