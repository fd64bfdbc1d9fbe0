//! Blocked clients (BLPOP, BLMOVE, BZPOPMIN, ...): per-key FIFO queues of waiters.
//!
//! A client that blocks registers a [`Waiter`] on each key it waits for, in the queue
//! kept by that key's shard, while it still holds the shard locks of its command — so
//! no write can slip between "all keys empty" and "registered". A write that may
//! serve waiters marks its key ready; before its locks are released the dispatcher
//! runs the first waiters' commands again in the same critical section (see
//! `dispatch::serve_ready_keys`), so the pushed element goes to the first waiter
//! exactly as in Redis. Whoever moves a waiter out of `WAITING` first (the serving
//! writer, the timeout, CLIENT UNBLOCK or a disconnect) owns its outcome.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use crate::client::ClientShared;

const WAITING: u8 = 0;
const CLAIMED: u8 = 1;
const DONE: u8 = 2;

/// What a blocked command replies when its timeout expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutReply {
    /// A null array (`*-1` / `_`): every list and sorted-set blocker (BLMOVE and
    /// BRPOPLPUSH included) and XREAD.
    NullArray,
}

/// A client blocked on one or more keys.
#[derive(Debug)]
pub struct Waiter {
    /// The blocked client.
    pub client: Arc<ClientShared>,
    /// Database of the keys.
    pub db: usize,
    /// Whether replies must be RESP3.
    pub resp3: bool,
    /// The blocked command, to run again when a key becomes ready.
    pub args: Vec<Vec<u8>>,
    /// The keys waited on.
    pub keys: Vec<Vec<u8>>,
    /// Unix ms at which the wait ends; `None` waits forever.
    pub deadline_ms: Option<i64>,
    /// Reply on timeout.
    pub timeout_reply: TimeoutReply,
    state: AtomicU8,
}

impl Waiter {
    /// A waiting waiter.
    pub fn new(
        client: Arc<ClientShared>,
        db: usize,
        resp3: bool,
        args: Vec<Vec<u8>>,
        keys: Vec<Vec<u8>>,
        deadline_ms: Option<i64>,
        timeout_reply: TimeoutReply,
    ) -> Waiter {
        Waiter {
            client,
            db,
            resp3,
            args,
            keys,
            deadline_ms,
            timeout_reply,
            state: AtomicU8::new(WAITING),
        }
    }

    /// True while nobody has claimed or finished the wait.
    pub fn is_waiting(&self) -> bool {
        self.state.load(Ordering::Acquire) == WAITING
    }

    /// Claims the waiter for serving; false if someone else got it first.
    pub fn try_claim(&self) -> bool {
        self.state
            .compare_exchange(WAITING, CLAIMED, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }

    /// Gives a claimed waiter back (its command found nothing to take).
    pub fn release_claim(&self) {
        let _ = self
            .state
            .compare_exchange(CLAIMED, WAITING, Ordering::AcqRel, Ordering::Acquire);
    }

    /// Marks a claimed waiter as served.
    pub fn finish(&self) {
        self.state.store(DONE, Ordering::Release);
    }

    /// Ends the wait from outside (timeout, CLIENT UNBLOCK, disconnect); false if
    /// the waiter was already claimed or finished.
    pub fn cancel(&self) -> bool {
        self.state
            .compare_exchange(WAITING, DONE, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
    }
}

/// The waiter queues of one shard, by (database, key).
#[derive(Debug, Default)]
pub struct BlockedKeys {
    queues: HashMap<(usize, Vec<u8>), VecDeque<Arc<Waiter>>>,
}

impl BlockedKeys {
    /// True when nobody waits on any key of the shard (the common fast path).
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.queues.is_empty()
    }

    /// True when someone waits on this key.
    pub fn has_waiters(&self, db: usize, key: &[u8]) -> bool {
        !self.queues.is_empty() && self.queues.contains_key(&(db, key.to_vec()))
    }

    /// The keys of database `db` that someone waits on (SWAPDB wakes them).
    pub fn keys_in(&self, db: usize) -> Vec<Vec<u8>> {
        self.queues
            .keys()
            .filter(|(d, _)| *d == db)
            .map(|(_, k)| k.clone())
            .collect()
    }

    /// Appends a waiter to a key's queue.
    pub fn add(&mut self, db: usize, key: &[u8], waiter: Arc<Waiter>) {
        self.queues
            .entry((db, key.to_vec()))
            .or_default()
            .push_back(waiter);
    }

    /// The waiters of a key, in order (cloned handles).
    pub fn peek(&self, db: usize, key: &[u8]) -> Vec<Arc<Waiter>> {
        self.queues
            .get(&(db, key.to_vec()))
            .map(|q| q.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Takes a key's whole queue (to serve it); give the rest back with [`restore`](Self::restore).
    pub fn take(&mut self, db: usize, key: &[u8]) -> VecDeque<Arc<Waiter>> {
        self.queues.remove(&(db, key.to_vec())).unwrap_or_default()
    }

    /// Puts unserved waiters back at the front of a key's queue, keeping their order
    /// ahead of anyone who blocked meanwhile.
    pub fn restore(&mut self, db: usize, key: &[u8], mut front: VecDeque<Arc<Waiter>>) {
        front.retain(|w| w.is_waiting());
        if front.is_empty() {
            return;
        }
        let queue = self.queues.entry((db, key.to_vec())).or_default();
        while let Some(w) = front.pop_back() {
            queue.push_front(w);
        }
    }

    /// Removes one waiter from a key's queue (after it was served elsewhere, timed
    /// out or disconnected).
    pub fn remove(&mut self, db: usize, key: &[u8], waiter: &Arc<Waiter>) {
        let k = (db, key.to_vec());
        if let Some(q) = self.queues.get_mut(&k) {
            q.retain(|w| !Arc::ptr_eq(w, waiter));
            if q.is_empty() {
                self.queues.remove(&k);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waiter(id: u64) -> Arc<Waiter> {
        let shared = Arc::new(ClientShared::new(
            id,
            0,
            0,
            String::new(),
            String::new(),
            0,
            0,
        ));
        Arc::new(Waiter::new(
            shared,
            0,
            false,
            vec![],
            vec![b"k".to_vec()],
            None,
            TimeoutReply::NullArray,
        ))
    }

    #[test]
    fn fifo_restore_and_claims() {
        let mut b = BlockedKeys::default();
        let (w1, w2, w3) = (waiter(1), waiter(2), waiter(3));
        b.add(0, b"k", w1.clone());
        b.add(0, b"k", w2.clone());
        let mut q = b.take(0, b"k");
        assert!(b.is_empty());
        let first = q.pop_front().expect("w1");
        assert!(first.try_claim());
        first.finish();
        b.add(0, b"k", w3.clone()); // blocked while the queue was out
        b.restore(0, b"k", q);
        let order: Vec<u64> = b.take(0, b"k").iter().map(|w| w.client.id).collect();
        assert_eq!(order, vec![2, 3]);
        assert!(w2.cancel());
        assert!(!w2.try_claim());
        assert!(w3.try_claim());
        assert!(!w3.cancel());
        w3.release_claim();
        assert!(w3.cancel());
    }
}
