//! Active expiry: reclaims expired keys that nobody reads, within a time budget.
//!
//! Each worker thread runs a cycle from its cron over the shards it is responsible
//! for, resuming where the previous cycle stopped, visiting only slots that hold keys
//! with an expire, and stopping at a deadline so the cost per cycle stays bounded.

use std::time::Instant;

use super::Keyspace;

/// Where the next cycle resumes.
#[derive(Debug, Default, Clone, Copy)]
pub struct ExpireCursor {
    step: usize,
    db: usize,
}

/// Result of one cycle.
#[derive(Debug, Default, Clone, Copy)]
pub struct CycleStats {
    /// Keys removed.
    pub expired: u64,
    /// Keys with an expire examined.
    pub sampled: u64,
    /// True when the cycle stopped at its deadline.
    pub timed_out: bool,
}

/// Runs one active-expiry cycle over shards `first, first + stride, ...`.
///
/// Stops at `deadline`; `now_ms` is the clock expiry decisions use. `on_expired` is
/// called (with the shard lock held) for every removed key, so the caller can
/// propagate the deletion and notify.
pub fn active_expire_cycle(
    ks: &Keyspace,
    cursor: &mut ExpireCursor,
    first: usize,
    stride: usize,
    now_ms: i64,
    deadline: Instant,
    on_expired: &mut dyn FnMut(usize, &[u8]),
) -> CycleStats {
    let stride = stride.max(1);
    let owned = ks.num_shards().saturating_sub(first).div_ceil(stride);
    let total_steps = owned * ks.num_dbs();
    let mut stats = CycleStats::default();
    for _ in 0..total_steps {
        if cursor.step >= owned {
            cursor.step = 0;
            cursor.db += 1;
            if cursor.db >= ks.num_dbs() {
                cursor.db = 0;
            }
        }
        let shard_idx = first + cursor.step * stride;
        let db = cursor.db;
        cursor.step += 1;
        let Some(mut shard) = ks.lock_shard(shard_idx) else {
            continue;
        };
        // Expired keys count as modified for WATCH (Redis signals them too).
        let watched =
            ks.watching.load(std::sync::atomic::Ordering::Relaxed) > 0 && !shard.watched.is_empty();
        let mut touched: Vec<Vec<u8>> = Vec::new();
        let Some(dbs) = shard.db_mut(db) else {
            continue;
        };
        if dbs.volatile == 0 {
            continue;
        }
        let mut removed_here = 0usize;
        for table in dbs.slots.iter_mut().filter(|t| t.volatile > 0) {
            let mut removed_in_slot = 0u32;
            table.table.retain(|e| match e.expire() {
                Some(at) => {
                    stats.sampled += 1;
                    if at <= now_ms {
                        on_expired(db, e.key());
                        if watched {
                            touched.push(e.key().to_vec());
                        }
                        removed_in_slot += 1;
                        false
                    } else {
                        true
                    }
                }
                None => true,
            });
            table.volatile -= removed_in_slot.min(table.volatile);
            removed_here += removed_in_slot as usize;
        }
        dbs.keys = dbs.keys.saturating_sub(removed_here);
        dbs.volatile = dbs.volatile.saturating_sub(removed_here);
        stats.expired += removed_here as u64;
        for key in &touched {
            shard.watched.touch(db, key);
        }
        drop(shard);
        if Instant::now() >= deadline {
            stats.timed_out = true;
            break;
        }
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::NewValue;
    use std::time::Duration;

    #[test]
    fn reclaims_unread_keys_over_workers() {
        let ks = Keyspace::new(3, 16);
        let mut l = ks.lock_all();
        for i in 0..500 {
            let k = format!("k{i}");
            let expire = if i % 2 == 0 { Some(10) } else { None };
            l.set(i % 3, k.as_bytes(), NewValue::string(b"v"), expire, 0)
                .expect("set");
        }
        drop(l);
        let far = Instant::now() + Duration::from_secs(60);
        let mut total = 0;
        for worker in 0..2 {
            let mut c = ExpireCursor::default();
            total += active_expire_cycle(&ks, &mut c, worker, 2, 11, far, &mut |_, _| {}).expired;
        }
        assert_eq!(total, 250);
        assert_eq!(
            (0..3)
                .map(|db| ks.db_counts(db))
                .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1)),
            (250, 0)
        );
    }
}
