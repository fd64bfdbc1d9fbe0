//! Wall-clock helpers.

use std::cell::Cell;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

thread_local! {
    /// While a connection's input batch runs: the batch's start (monotonic and
    /// Unix ms) and when the previous command of the batch ended.
    static BATCH: Cell<Option<(Instant, i64, Instant)>> = const { Cell::new(None) };
}

/// Starts a batch of commands read together (a pipeline): the clock is read
/// once here, and each command of the batch then starts where the previous one
/// ended, so a command costs one clock read instead of three.
pub fn begin_batch() {
    let now = Instant::now();
    BATCH.with(|b| b.set(Some((now, unix_ms(), now))));
}

/// Ends the batch started by [`begin_batch`].
pub fn end_batch() {
    BATCH.with(|b| b.set(None));
}

/// A command's start: the monotonic instant (for its duration) and the Unix
/// time in ms it uses for every expiry decision.
pub fn command_start() -> (Instant, i64) {
    match BATCH.with(Cell::get) {
        Some((base, base_unix, last)) => {
            let offset = last.saturating_duration_since(base).as_millis() as i64;
            (last, base_unix.saturating_add(offset))
        }
        None => (Instant::now(), unix_ms()),
    }
}

/// Ends a command started at `start`: its duration in microseconds.
pub fn command_end(start: Instant) -> u64 {
    let now = Instant::now();
    BATCH.with(|b| {
        if let Some((base, unix, _)) = b.get() {
            b.set(Some((base, unix, now)));
        }
    });
    now.saturating_duration_since(start).as_micros() as u64
}

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
