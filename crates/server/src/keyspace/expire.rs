//! Active expiry: reclaims expired keys that nobody reads, within a time budget.
//!
//! Each worker thread runs a cycle from its cron over the shards it is responsible
//! for, resuming where the previous cycle stopped, visiting only slots that hold keys
//! with an expire, and stopping at a deadline so the cost per cycle stays bounded.

use std::hash::BuildHasher;
use std::time::Instant;

use super::effects::{EffectLog, EXPIRED};
use super::{DbShard, Keyspace, Locked};

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
/// Stops at `deadline`; `now_ms` is the clock expiry decisions use. Each removed
/// key is recorded as an `expired` effect in the shard's lock set, and
/// `publish` is called with that lock set (still held) after each step, so the
/// execution core hands the deletions to its consumers as it does any command's.
pub fn active_expire_cycle(
    ks: &Keyspace,
    cursor: &mut ExpireCursor,
    first: usize,
    stride: usize,
    now_ms: i64,
    deadline: Instant,
    publish: &mut dyn FnMut(&mut Locked<'_>),
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
        if shard_idx >= ks.num_shards() {
            continue;
        }
        let mut locked = ks.lock_shards(&mut vec![shard_idx]);
        let mut log = std::mem::take(&mut locked.effects);
        let removed_here = match locked.shard_mut(shard_idx).and_then(|s| s.db_mut(db)) {
            Some(dbs) if dbs.volatile > 0 => {
                expire_in(ks.hasher(), dbs, db, now_ms, &mut log, &mut stats)
            }
            _ => 0,
        };
        locked.effects = log;
        if removed_here > 0 {
            publish(&mut locked);
        }
        drop(locked);
        if Instant::now() >= deadline {
            stats.timed_out = true;
            break;
        }
    }
    stats
}

/// Removes the expired keys of one shard's part of database `db`, recording
/// each in `log`; returns how many went.
fn expire_in(
    hasher: &foldhash::fast::RandomState,
    dbs: &mut DbShard,
    db: usize,
    now_ms: i64,
    log: &mut EffectLog,
    stats: &mut CycleStats,
) -> usize {
    let mut removed_here = 0usize;
    for table in dbs.slots.iter_mut().filter(|t| t.volatile() > 0) {
        let mut removed_in_slot = 0u32;
        let keep = |e: &super::Entry| match e.expire() {
            Some(at) => {
                stats.sampled += 1;
                if at <= now_ms {
                    log.record(db, e.key(), EXPIRED, 0);
                    removed_in_slot += 1;
                    false
                } else {
                    true
                }
            }
            None => true,
        };
        table.retain(keep, |e| hasher.hash_one(e.key()));
        // A table emptied by `retain` is freed, and its count with it.
        table.add_volatile(-i64::from(removed_in_slot));
        removed_here += removed_in_slot as usize;
    }
    dbs.keys = dbs.keys.saturating_sub(removed_here);
    dbs.volatile = dbs.volatile.saturating_sub(removed_here);
    stats.expired += removed_here as u64;
    removed_here
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
            let mut published = 0;
            let mut publish = |l: &mut Locked<'_>| {
                published += l.effects.totals().1;
                l.effects.clear();
            };
            let expired =
                active_expire_cycle(&ks, &mut c, worker, 2, 11, far, &mut publish).expired;
            assert_eq!(published, expired, "every deletion is published");
            total += expired;
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
