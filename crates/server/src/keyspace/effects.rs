//! The effects record: every change a command made to the dataset, in order.
//!
//! A handler that changes a key says so once per change (database, key, the
//! event name Redis uses for it, and how much it adds to the dirty counter);
//! lazy expiry records its deletions here too, so the record is the whole truth
//! about what a command did. While the command still holds its shard locks the
//! execution core hands the record to its consumers (WATCH, blocked-client
//! readiness, the dirty counter, and the notification, tracking and
//! propagation slots). Nothing recorded means nothing changed.
//!
//! The record lives in the lock set ([`super::Locked`]) because that is the one
//! place every write to the keyspace passes through. Its buffers are kept per
//! thread and reused, so a write pays no allocation for being recorded.

use std::cell::Cell;
use std::ops::Range;

/// Redis's event name of a key deleted by expiry.
pub const EXPIRED: &str = "expired";

/// One recorded change, as consumers see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Effect<'a> {
    /// The database.
    pub db: usize,
    /// The key; empty for a change to a whole database (FLUSHDB, SWAPDB).
    pub key: &'a [u8],
    /// Redis's keyspace-event name (`set`, `lpush`, `del`, `expired`, ...);
    /// empty for a change Redis makes without an event.
    pub event: &'static str,
    /// What the change adds to the dirty counter.
    pub dirty: u32,
    /// True for a change to a whole database rather than one key.
    pub whole_db: bool,
}

#[derive(Debug, Clone)]
struct Item {
    db: u32,
    dirty: u32,
    key: Range<u32>,
    event: &'static str,
    whole_db: bool,
}

/// The ordered record of changes of the commands run under one lock set, with
/// the propagated form of the current command where it differs from the
/// command itself.
#[derive(Debug, Default)]
pub struct EffectLog {
    items: Vec<Item>,
    bytes: Vec<u8>,
    /// Commands to propagate instead of the one that ran (SPOP → SREM, ...),
    /// for the command being recorded.
    rewrites: Vec<Vec<Vec<u8>>>,
    /// Set when the running command asked to propagate nothing but its rewrites.
    rewritten: bool,
}

thread_local! {
    /// A cleared record kept for the next lock set on this thread.
    static SPARE: Cell<Option<EffectLog>> = const { Cell::new(None) };
}

impl EffectLog {
    /// An empty record, reusing this thread's spare buffers when there are some.
    pub fn take_spare() -> EffectLog {
        SPARE.with(Cell::take).unwrap_or_default()
    }

    /// Gives a record's buffers back to this thread for reuse.
    pub fn give_back(mut log: EffectLog) {
        log.clear();
        // Huge transactions should not pin their buffers for ever.
        if log.bytes.capacity() <= 64 * 1024 && log.items.capacity() <= 4096 {
            SPARE.with(|s| s.set(Some(log)));
        }
    }

    /// Records a change to `key` in `db`.
    #[inline]
    pub fn record(&mut self, db: usize, key: &[u8], event: &'static str, dirty: u32) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(key);
        self.items.push(Item {
            db: db as u32,
            dirty,
            key: start as u32..self.bytes.len() as u32,
            event,
            whole_db: false,
        });
    }

    /// Records a change to all of database `db` (FLUSHDB, SWAPDB).
    pub fn record_db(&mut self, db: usize, event: &'static str, dirty: u32) {
        let at = self.bytes.len() as u32;
        self.items.push(Item {
            db: db as u32,
            dirty,
            key: at..at,
            event,
            whole_db: true,
        });
    }

    /// Adds `n` to the dirty weight of the last change (a command that counts
    /// more than one change for one key, as LPUSH counts its elements).
    pub fn add_dirty(&mut self, n: u32) {
        if let Some(last) = self.items.last_mut() {
            last.dirty = last.dirty.saturating_add(n);
        }
    }

    /// Number of changes recorded.
    #[inline]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when nothing was recorded.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The change at `index`.
    pub fn get(&self, index: usize) -> Option<Effect<'_>> {
        let it = self.items.get(index)?;
        let key = self
            .bytes
            .get(it.key.start as usize..it.key.end as usize)
            .unwrap_or_default();
        Some(Effect {
            db: it.db as usize,
            key,
            event: it.event,
            dirty: it.dirty,
            whole_db: it.whole_db,
        })
    }

    /// The changes from `from` on, in order.
    pub fn since(&self, from: usize) -> impl Iterator<Item = Effect<'_>> {
        (from..self.items.len()).filter_map(move |i| self.get(i))
    }

    /// Asks for `argv` to be propagated (AOF, replicas) in place of the running
    /// command; several calls propagate several commands, in order.
    pub fn rewrite(&mut self, argv: Vec<Vec<u8>>) {
        self.rewritten = true;
        self.rewrites.push(argv);
    }

    /// Asks for the running command not to be propagated even though it
    /// changed data (its rewrites, if any, still are).
    pub fn propagate_nothing(&mut self) {
        self.rewritten = true;
    }

    /// The propagated form of the command being recorded: `None` when it is
    /// the command itself, else the rewrites (possibly none). Resets it for
    /// the next command.
    pub fn take_rewrites(&mut self) -> Option<Vec<Vec<Vec<u8>>>> {
        if !std::mem::take(&mut self.rewritten) {
            return None;
        }
        Some(std::mem::take(&mut self.rewrites))
    }

    /// True when the running command asked for a propagated form.
    #[inline]
    pub fn has_rewrites(&self) -> bool {
        self.rewritten
    }

    /// Forgets everything recorded, keeping the buffers.
    pub fn clear(&mut self) {
        self.items.clear();
        self.bytes.clear();
        self.rewrites.clear();
        self.rewritten = false;
    }

    /// Forgets the changes from `from` on (after they were published).
    pub fn truncate(&mut self, from: usize) {
        if let Some(it) = self.items.get(from) {
            let keep = it.key.start as usize;
            self.items.truncate(from);
            self.bytes.truncate(keep);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_in_order_and_reuses_buffers() {
        let mut log = EffectLog::take_spare();
        log.record(0, b"a", "set", 1);
        log.record_db(3, "flushdb", 1);
        log.record(2, b"key", "lpush", 1);
        log.add_dirty(2);
        let all: Vec<_> = log.since(0).collect();
        assert_eq!(all.len(), 3);
        assert_eq!((all[0].db, all[0].key, all[0].event), (0, &b"a"[..], "set"));
        assert!(all[1].whole_db && all[1].key.is_empty());
        assert_eq!((all[2].key, all[2].dirty), (&b"key"[..], 3));
        assert_eq!(log.since(2).count(), 1);
        log.truncate(1);
        assert_eq!(log.len(), 1);
        log.record(1, b"bb", "del", 1);
        assert_eq!(log.get(1).map(|e| e.key), Some(&b"bb"[..]));
        EffectLog::give_back(log);
        let again = EffectLog::take_spare();
        assert!(again.is_empty());
    }

    #[test]
    fn rewrites_belong_to_one_command() {
        let mut log = EffectLog::default();
        assert!(log.take_rewrites().is_none());
        log.rewrite(vec![b"SREM".to_vec(), b"s".to_vec(), b"m".to_vec()]);
        assert_eq!(log.take_rewrites().map(|r| r.len()), Some(1));
        assert!(log.take_rewrites().is_none());
        log.propagate_nothing();
        assert_eq!(log.take_rewrites().map(|r| r.len()), Some(0));
    }
}
