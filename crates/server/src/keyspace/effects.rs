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
pub static EXPIRED: &str = "expired";

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
///
/// Its buffers are taken from this thread's spare on the first record and
/// given back when the record is dropped, so a command that changes nothing
/// (a read) never touches them, and the lock set carries one pointer.
#[derive(Debug, Default)]
pub struct EffectLog {
    data: Option<&'static mut LogData>,
}

#[derive(Debug, Default)]
struct LogData {
    items: Vec<Item>,
    bytes: Vec<u8>,
    /// Commands to propagate instead of the one that ran (SPOP → SREM, ...),
    /// for the command being recorded.
    rewrites: Vec<Vec<Vec<u8>>>,
    /// Set when the running command asked to propagate nothing but its rewrites.
    rewritten: bool,
    /// Sum of the items' dirty weights, kept as they are recorded so the
    /// common publication (nobody watching or waiting) needs no walk.
    dirty: u64,
    /// Number of items that are expiry deletions.
    expired: u64,
}

impl LogData {
    #[inline]
    fn clear(&mut self) {
        self.items.clear();
        self.bytes.clear();
        if self.rewritten || !self.rewrites.is_empty() {
            self.rewrites.clear();
            self.rewritten = false;
        }
        self.dirty = 0;
        self.expired = 0;
    }
}

/// How many cleared buffers a thread keeps. A thread holds at most a few lock
/// sets at once (a command, and RANDOMKEY's or a deferred wake-up's own), and
/// buffers are made only when none is spare, so a returned buffer always finds
/// a free place: the number made per thread never exceeds this.
const SPARES: usize = 4;

thread_local! {
    /// Cleared buffers kept for the next records on this thread. They are
    /// leaked boxes: plain references, so reaching them costs no destructor
    /// bookkeeping on this hot path, and at most `SPARES` exist per thread.
    static SPARE: [Cell<Option<&'static mut LogData>>; SPARES] =
        const { [const { Cell::new(None) }; SPARES] };
}

/// A spare buffer of this thread, or a new one.
fn take_spare() -> &'static mut LogData {
    SPARE
        .with(|spares| spares.iter().find_map(Cell::take))
        .unwrap_or_else(|| Box::leak(Box::default()))
}

/// Keeps a buffer for the next record on this thread.
fn give_back(data: &'static mut LogData) {
    data.clear();
    // A huge transaction should not pin its buffers for ever.
    if data.bytes.capacity() > 64 * 1024 || data.items.capacity() > 4096 {
        data.bytes = Vec::new();
        data.items = Vec::new();
        data.rewrites = Vec::new();
    }
    SPARE.with(|spares| {
        let mut data = Some(data);
        for cell in spares {
            match cell.take() {
                None => {
                    cell.set(data.take());
                    break;
                }
                held => cell.set(held),
            }
        }
    });
}

impl Drop for EffectLog {
    #[inline]
    fn drop(&mut self) {
        if let Some(data) = self.data.take() {
            give_back(data);
        }
    }
}

impl EffectLog {
    /// The buffers, taken from this thread's spare on first use.
    #[inline]
    fn data_mut(&mut self) -> &mut LogData {
        self.data.get_or_insert_with(take_spare)
    }

    /// Records a change to `key` in `db`.
    #[inline]
    pub fn record(&mut self, db: usize, key: &[u8], event: &'static str, dirty: u32) {
        let d = self.data_mut();
        let start = d.bytes.len();
        d.bytes.extend_from_slice(key);
        let end = d.bytes.len();
        d.dirty += u64::from(dirty);
        // Only expiry records this name; a pointer test is enough for the
        // constant and keeps string comparison off the write path.
        if std::ptr::eq(event, EXPIRED) {
            d.expired += 1;
        }
        d.items.push(Item {
            db: db as u32,
            dirty,
            key: start as u32..end as u32,
            event,
            whole_db: false,
        });
    }

    /// Records a change to all of database `db` (FLUSHDB, SWAPDB).
    pub fn record_db(&mut self, db: usize, event: &'static str, dirty: u32) {
        let d = self.data_mut();
        d.dirty += u64::from(dirty);
        let at = d.bytes.len() as u32;
        d.items.push(Item {
            db: db as u32,
            dirty,
            key: at..at,
            event,
            whole_db: true,
        });
    }

    /// Number of changes recorded.
    #[inline]
    pub fn len(&self) -> usize {
        self.data.as_ref().map_or(0, |d| d.items.len())
    }

    /// True when nothing was recorded.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// (sum of dirty weights, number of expiry deletions) of what is recorded.
    #[inline]
    pub fn totals(&self) -> (u64, u64) {
        self.data.as_ref().map_or((0, 0), |d| (d.dirty, d.expired))
    }

    /// The change at `index`.
    pub fn get(&self, index: usize) -> Option<Effect<'_>> {
        let d = self.data.as_ref()?;
        let it = d.items.get(index)?;
        let key = d
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
        (from..self.len()).filter_map(move |i| self.get(i))
    }

    /// Asks for `argv` to be propagated (AOF, replicas) in place of the running
    /// command; several calls propagate several commands, in order.
    pub fn rewrite(&mut self, argv: Vec<Vec<u8>>) {
        let d = self.data_mut();
        d.rewritten = true;
        d.rewrites.push(argv);
    }

    /// The propagated form of the command being recorded: `None` when it is
    /// the command itself, else the rewrites (possibly none). Resets it for
    /// the next command.
    pub fn take_rewrites(&mut self) -> Option<Vec<Vec<Vec<u8>>>> {
        let d = self.data.as_mut()?;
        if !std::mem::take(&mut d.rewritten) {
            return None;
        }
        Some(std::mem::take(&mut d.rewrites))
    }

    /// True when the running command asked for a propagated form.
    #[inline]
    pub fn has_rewrites(&self) -> bool {
        self.data.as_ref().is_some_and(|d| d.rewritten)
    }

    /// Forgets everything recorded, keeping the buffers.
    #[inline]
    pub fn clear(&mut self) {
        if let Some(d) = self.data.as_mut() {
            d.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_in_order_and_reuses_buffers() {
        let mut log = EffectLog::default();
        log.record(0, b"a", "set", 1);
        log.record_db(3, "flushdb", 1);
        log.record(2, b"key", "lpush", 3);
        log.record(2, b"key", EXPIRED, 0);
        let all: Vec<_> = log.since(0).collect();
        assert_eq!(all.len(), 4);
        assert_eq!(log.totals(), (5, 1));
        assert_eq!((all[0].db, all[0].key, all[0].event), (0, &b"a"[..], "set"));
        assert!(all[1].whole_db && all[1].key.is_empty());
        assert_eq!((all[2].key, all[2].dirty), (&b"key"[..], 3));
        assert_eq!(log.since(2).count(), 2);
        log.clear();
        assert_eq!((log.len(), log.totals()), (0, (0, 0)));
        log.record(1, b"bb", "del", 1);
        assert_eq!(log.get(0).map(|e| e.key), Some(&b"bb"[..]));
        drop(log);
        // The next record on this thread reuses the cleared buffers.
        let mut again = EffectLog::default();
        assert!(again.is_empty());
        again.record(0, b"x", "set", 1);
        assert_eq!(again.len(), 1);
    }

    #[test]
    fn rewrites_belong_to_one_command() {
        let mut log = EffectLog::default();
        assert!(log.take_rewrites().is_none());
        log.rewrite(vec![b"SREM".to_vec(), b"s".to_vec(), b"m".to_vec()]);
        assert_eq!(log.take_rewrites().map(|r| r.len()), Some(1));
        assert!(log.take_rewrites().is_none());
        log.rewrite(Vec::new());
        assert!(log.has_rewrites());
        log.clear();
        assert!(!log.has_rewrites());
    }
}
