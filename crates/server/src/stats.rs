//! Statistics, kept per worker so counting never bounces a cache line between cores.
//!
//! Only the owning worker writes its counters ([`bump`] is a plain load+store);
//! INFO and CONFIG RESETSTAT read or reset them from any thread.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use parking_lot::Mutex;

/// Adds `n` to a counter written by one thread only.
#[inline]
pub fn bump(counter: &AtomicU64, n: u64) {
    counter.store(counter.load(Relaxed).wrapping_add(n), Relaxed);
}

/// Per-command counters (INFO commandstats).
#[derive(Debug, Default)]
pub struct CmdStat {
    /// Successful and failed calls.
    pub calls: AtomicU64,
    /// Total microseconds spent.
    pub usec: AtomicU64,
    /// Calls rejected before running (arity, auth, ...).
    pub rejected: AtomicU64,
    /// Calls that ran and replied with an error.
    pub failed: AtomicU64,
}

/// One worker's counters.
#[derive(Debug)]
pub struct WorkerStats {
    /// Per command id.
    pub cmd: Box<[CmdStat]>,
    /// Commands processed.
    pub commands: AtomicU64,
    /// Bytes read from clients.
    pub net_input: AtomicU64,
    /// Bytes written to clients.
    pub net_output: AtomicU64,
    /// Keys removed by expiry (lazy and active).
    pub expired_keys: AtomicU64,
    /// Key lookups that found the key.
    pub keyspace_hits: AtomicU64,
    /// Key lookups that missed.
    pub keyspace_misses: AtomicU64,
    /// Error replies sent.
    pub error_replies: AtomicU64,
    /// Active expiry cycles that hit their time limit.
    pub expire_cycle_timeouts: AtomicU64,
    /// Changes to the dataset (Redis's dirty counter), from the effects
    /// record; CONFIG RESETSTAT leaves it alone, as Redis does.
    pub dirty: AtomicU64,
    /// Error replies by error code (rare path).
    pub errors_by_code: Mutex<HashMap<String, u64>>,
}

impl WorkerStats {
    /// Counters for `commands` command ids.
    pub fn new(commands: usize) -> Self {
        WorkerStats {
            cmd: (0..commands).map(|_| CmdStat::default()).collect(),
            commands: AtomicU64::new(0),
            net_input: AtomicU64::new(0),
            net_output: AtomicU64::new(0),
            expired_keys: AtomicU64::new(0),
            keyspace_hits: AtomicU64::new(0),
            keyspace_misses: AtomicU64::new(0),
            error_replies: AtomicU64::new(0),
            expire_cycle_timeouts: AtomicU64::new(0),
            dirty: AtomicU64::new(0),
            errors_by_code: Mutex::new(HashMap::new()),
        }
    }

    /// Counts an error reply by its code (the first word).
    pub fn record_error(&self, text: &str) {
        bump(&self.error_replies, 1);
        let code = text.split(' ').next().unwrap_or("ERR");
        *self
            .errors_by_code
            .lock()
            .entry(code.to_string())
            .or_insert(0) += 1;
    }

    /// Zeroes everything (CONFIG RESETSTAT).
    pub fn reset(&self) {
        for c in self.cmd.iter() {
            for a in [&c.calls, &c.usec, &c.rejected, &c.failed] {
                a.store(0, Relaxed);
            }
        }
        for a in [
            &self.commands,
            &self.net_input,
            &self.net_output,
            &self.expired_keys,
            &self.keyspace_hits,
            &self.keyspace_misses,
            &self.error_replies,
            &self.expire_cycle_timeouts,
        ] {
            a.store(0, Relaxed);
        }
        self.errors_by_code.lock().clear();
    }
}
