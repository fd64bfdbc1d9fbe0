//! Wall-clock helpers.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
#[inline]
pub fn unix_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Microseconds since the Unix epoch.
#[inline]
pub fn unix_us() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

/// Redis's 24-bit LRU clock (seconds resolution) for a time in milliseconds.
#[inline]
pub fn lru_clock(now_ms: i64) -> u32 {
    ((now_ms / 1000) as u32) & LRU_CLOCK_MAX
}

/// Largest LRU clock value.
pub const LRU_CLOCK_MAX: u32 = (1 << 24) - 1;

/// Idle milliseconds of an object given its LRU clock (handles wrap-around as Redis).
pub fn idle_ms(now_ms: i64, lru: u32) -> i64 {
    let now = lru_clock(now_ms);
    let ticks = if now >= lru {
        now - lru
    } else {
        (LRU_CLOCK_MAX - lru) + now
    };
    i64::from(ticks) * 1000
}
