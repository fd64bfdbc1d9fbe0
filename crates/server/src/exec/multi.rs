//! Transactions: MULTI queues commands, EXEC runs them as one atomic step, WATCH
//! makes EXEC fail when a watched key changed since it was watched.
//!
//! EXEC takes every shard lock (as the design's atomic groups do), checks the
//! watch flag, runs the queue with those locks, then serves the clients blocked on
//! keys the transaction pushed to — all before any other client runs a command.
//! Writes mark watchers dirty from inside their own critical section
//! (`keyspace::watch`), so a WATCH and a write to the same key are ordered by the
//! key's shard lock.

use std::ops::Range;
use std::sync::atomic::Ordering::Relaxed;

use cinnabar_resp::{Args, ReplyBuf};

use crate::client::{flag, Client};
use crate::keyspace::watch::DirtyFlag;
use crate::keyspace::{Keyspace, Locked};
use crate::server::Server;

/// A command waiting in the MULTI queue, with its arguments copied out of the
/// connection's buffer.
#[derive(Debug)]
pub struct Queued {
    buf: Vec<u8>,
    ranges: Vec<Range<usize>>,
}

impl Queued {
    /// Copies a command's arguments.
    pub fn new(args: &Args<'_>) -> Queued {
        let mut buf = Vec::new();
        let mut ranges = Vec::with_capacity(args.len());
        for a in args.iter() {
            let start = buf.len();
            buf.extend_from_slice(a);
            ranges.push(start..buf.len());
        }
        Queued { buf, ranges }
    }

    /// The arguments as the dispatcher takes them.
    pub fn args(&self) -> Args<'_> {
        Args::new(&self.buf, &self.ranges)
    }
}

/// A client's open transaction.
#[derive(Debug, Default)]
pub struct MultiState {
    /// The queued commands, in order.
    pub queued: Vec<Queued>,
    /// A command was refused while queueing: EXEC must answer EXECABORT.
    pub aborted: bool,
    /// Some queued command writes (CLIENT PAUSE WRITE holds EXEC then).
    pub writes: bool,
}

/// The keys a client watches. Dropping it (the client disconnected) removes its
/// registrations, locking each key's shard: it must not be dropped non-empty
/// while the thread holds shard locks ([`unwatch_all`] empties it first).
pub struct WatchSet {
    /// Set by any change to a watched key.
    pub dirty: DirtyFlag,
    /// (database, key, alive when watched): a key that was not already expired
    /// when it was watched and has expired by EXEC time makes EXEC fail, as in
    /// Redis.
    pub keys: Vec<(usize, Vec<u8>, bool)>,
    keyspace: &'static Keyspace,
}

impl std::fmt::Debug for WatchSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WatchSet")
            .field("keys", &self.keys.len())
            .finish()
    }
}

impl Drop for WatchSet {
    fn drop(&mut self) {
        for (db, key, _) in &self.keys {
            let mut l = self.keyspace.lock_key(key);
            l.unwatch(*db, key, &self.dirty);
        }
    }
}

/// Reply to EXEC when a queued command was refused.
pub const EXECABORT: &str = "EXECABORT Transaction discarded because of previous errors.";

/// Starts a transaction (MULTI).
pub fn begin(client: &mut Client) {
    client.multi = Some(MultiState::default());
    client.shared.set_flag(flag::MULTI, true);
    client.shared.multi_len.store(0, Relaxed);
}

/// Appends a command to the open transaction.
pub fn queue(client: &mut Client, args: &Args<'_>, writes: bool) {
    if let Some(m) = client.multi.as_mut() {
        m.queued.push(Queued::new(args));
        m.writes |= writes;
        client
            .shared
            .multi_len
            .store(m.queued.len() as i64, Relaxed);
    }
}

/// Marks the open transaction as failed (a command was refused while queueing).
pub fn abort(client: &mut Client) {
    if let Some(m) = client.multi.as_mut() {
        m.aborted = true;
    }
}

/// Ends the transaction state (EXEC, DISCARD, RESET), returning the queue.
pub fn end(client: &mut Client) -> Option<MultiState> {
    client.shared.set_flag(flag::MULTI, false);
    client.shared.multi_len.store(-1, Relaxed);
    client.multi.take()
}

/// Watches `key` in `db` (its shard is locked by the WATCH command).
pub fn watch(
    srv: &'static Server,
    client: &mut Client,
    locked: &mut Locked<'_>,
    db: usize,
    key: &[u8],
    now_ms: i64,
) {
    let alive = !expired_now(locked, db, key, now_ms);
    let set = client.watch.get_or_insert_with(|| WatchSet {
        dirty: DirtyFlag::default(),
        keys: Vec::new(),
        keyspace: &srv.keyspace,
    });
    if locked.watch(db, key, &set.dirty) {
        set.keys.push((db, key.to_vec(), alive));
    }
}

/// Forgets every watched key. With `locked` holding every shard (EXEC) the
/// registrations are removed under those locks; otherwise each key's shard is
/// locked in turn, so this must not run while the caller holds shard locks.
pub fn unwatch_all(srv: &Server, client: &mut Client, locked: Option<&mut Locked<'_>>) {
    let _ = srv;
    let Some(mut set) = client.watch.take() else {
        return;
    };
    if let Some(l) = locked {
        for (db, key, _) in set.keys.drain(..) {
            l.unwatch(db, &key, &set.dirty);
        }
    }
    // Otherwise dropping the set unregisters each key under its shard lock.
}

/// True when EXEC must fail because of WATCH: a watched key was modified, or one
/// that was alive when watched has logically expired by `now_ms` (still present
/// but past its expire time; a removed one already touched the flag).
pub fn watch_failed(client: &Client, locked: &mut Locked<'_>, now_ms: i64) -> bool {
    let Some(set) = &client.watch else {
        return false;
    };
    if set.dirty.load(Relaxed) {
        return true;
    }
    set.keys
        .iter()
        .any(|(db, key, alive)| *alive && expired_now(locked, *db, key, now_ms))
}

/// True when `key` is present but past its expire time (without removing it).
fn expired_now(locked: &mut Locked<'_>, db: usize, key: &[u8], now_ms: i64) -> bool {
    // `get` with a clock far in the past never removes anything.
    matches!(locked.get(db, key, i64::MIN), Ok(Some(e)) if e.is_expired(now_ms))
}

/// Writes the null reply of an EXEC aborted by WATCH.
pub fn reply_watch_failed(out: &mut ReplyBuf) {
    out.null_array();
}
