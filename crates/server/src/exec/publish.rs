//! The consumers of the effects record, run while the command's locks are held.
//!
//! In order, for each recorded change: WATCH invalidation (the watchers of the
//! key are marked dirty), blocked-client readiness (a key somebody waits on
//! goes on the ready list, served before the locks are released), the dirty
//! counter (`rdb_changes_since_last_save`) and the expired-keys statistic.
//! Then the registered [`EffectSink`]s see the whole batch with the command's
//! propagated form: keyspace notifications, client-tracking invalidation and
//! the AOF/replication stream plug in there.

use std::sync::atomic::Ordering::Relaxed;

use cinnabar_resp::Args;

use super::Db;
use crate::keyspace::effects::EXPIRED;
use crate::keyspace::{EffectLog, Locked};
use crate::server::Server;
use crate::stats::{bump, WorkerStats};

/// Event name of SWAPDB's whole-database change; waiters of both databases
/// are woken by it, as Redis rescans them.
pub const SWAPDB: &str = "swapdb";

/// One published batch: the changes of one command (or of expiry outside any
/// command) and how it propagates.
pub struct Published<'a> {
    /// The changes, in order.
    pub effects: &'a EffectLog,
    /// The database the command ran in.
    pub db: usize,
    /// The command as it was sent; `None` for changes made outside a command
    /// (active expiry, lazy expiry before a command ran).
    pub command: Option<&'a Args<'a>>,
    /// What to propagate instead of `command` (`None`: the command itself).
    /// Expired keys always propagate as deletions of their own.
    pub rewrites: Option<&'a [Vec<Vec<u8>>]>,
}

impl Published<'_> {
    /// The commands this batch propagates to the AOF and replicas, in order:
    /// a `DEL` for each key that expired (Redis propagates those at the
    /// lookup, before the command), then the command's rewritten form, or
    /// the command itself when it changed anything else. Empty when nothing
    /// changed. Wrapping in MULTI/EXEC and SELECT are the stream's business.
    pub fn propagated(&self) -> Vec<Vec<Vec<u8>>> {
        let mut out = Vec::new();
        let mut changed = false;
        for e in self.effects.since(0) {
            if e.event == EXPIRED {
                out.push(vec![b"DEL".to_vec(), e.key.to_vec()]);
            } else if e.dirty > 0 || e.whole_db {
                // As Redis, a command propagates when it moved the dirty
                // counter (LTRIM that trimmed nothing does not); a flush
                // always does.
                changed = true;
            }
        }
        match (self.rewrites, self.command) {
            (Some(rewrites), _) => out.extend(rewrites.iter().cloned()),
            (None, Some(command)) if changed => {
                out.push(command.iter().map(<[u8]>::to_vec).collect());
            }
            _ => {}
        }
        out
    }
}

/// A consumer of published changes that a feature registers with the server.
pub trait EffectSink: Send + Sync {
    /// Called with each batch while the shard locks of its keys are held.
    fn publish(&self, batch: &Published<'_>);
}

/// Publishes and clears the effects recorded in `db`'s lock set.
#[inline]
pub fn publish_db(srv: &Server, db: &mut Db<'_>, command: Option<&Args<'_>>) {
    let index = db.index;
    publish(srv, &mut db.locked, &mut db.ready, db.stats, index, command);
}

/// Publishes and clears the effects recorded in `locked`; keys that became
/// ready for blocked clients are added to `ready`.
#[inline]
pub fn publish(
    srv: &Server,
    locked: &mut Locked<'_>,
    ready: &mut Vec<(usize, Vec<u8>)>,
    stats: &WorkerStats,
    db: usize,
    command: Option<&Args<'_>>,
) {
    let watching = srv.keyspace.watching.load(Relaxed) > 0;
    let blocked = srv.blocked_clients.load(Relaxed) > 0;
    let (dirty, expired) = locked.effects.totals();
    if dirty > 0 {
        bump(&stats.dirty, dirty);
    }
    if expired > 0 {
        bump(&stats.expired_keys, expired);
    }
    if !watching && !blocked && srv.effect_sinks.is_empty() {
        // The common case: nobody to tell key by key.
        locked.effects.clear();
        return;
    }
    publish_each(srv, locked, ready, db, command, watching, blocked);
}

/// The consumers that look at each change, and the sinks.
#[inline(never)]
fn publish_each(
    srv: &Server,
    locked: &mut Locked<'_>,
    ready: &mut Vec<(usize, Vec<u8>)>,
    db: usize,
    command: Option<&Args<'_>>,
    watching: bool,
    blocked: bool,
) {
    let mut log = std::mem::take(&mut locked.effects);
    for e in log.since(0) {
        if e.whole_db {
            // Watchers of a flushed or swapped database were touched by the
            // barrier itself, which alone knew which keys existed.
            if blocked && e.event == SWAPDB {
                wake_database(srv, locked, ready, e.db);
            }
            continue;
        }
        if watching {
            locked.touch(e.db, e.key);
        }
        if blocked {
            mark_ready(locked, ready, e.db, e.key);
        }
    }
    if !srv.effect_sinks.is_empty() {
        let rewrites = log.take_rewrites();
        let batch = Published {
            effects: &log,
            db,
            command,
            rewrites: rewrites.as_deref(),
        };
        for sink in &srv.effect_sinks {
            sink.publish(&batch);
        }
    }
    log.clear();
    locked.effects = log;
}

/// Puts `key` on the ready list when somebody waits on it.
fn mark_ready(locked: &mut Locked<'_>, ready: &mut Vec<(usize, Vec<u8>)>, db: usize, key: &[u8]) {
    let shard = locked.shard_of(key);
    let waiting = locked
        .shard_mut(shard)
        .is_some_and(|s| s.blocked.has_waiters(db, key));
    if waiting && !ready.iter().any(|(d, k)| *d == db && k == key) {
        ready.push((db, key.to_vec()));
    }
}

/// Puts every key of database `db` that somebody waits on on the ready list
/// (the command holds every shard).
fn wake_database(
    srv: &Server,
    locked: &mut Locked<'_>,
    ready: &mut Vec<(usize, Vec<u8>)>,
    db: usize,
) {
    for shard in 0..srv.keyspace.num_shards() {
        let keys = locked
            .shard_mut(shard)
            .map(|s| s.blocked.keys_in(db))
            .unwrap_or_default();
        for key in keys {
            if !ready.iter().any(|(d, k)| *d == db && *k == key) {
                ready.push((db, key));
            }
        }
    }
}
