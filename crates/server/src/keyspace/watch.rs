//! WATCH bookkeeping. Each lock shard records which clients watch which of its
//! keys, so a write touches watchers under the shard lock it already holds: a
//! WATCH (which locks the key's shard) and a write to the key are always ordered.
//! [`Keyspace::watching`](super::Keyspace) counts watched keys server-wide, so a
//! write pays one relaxed load when nobody watches anything.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::Arc;

/// A transaction's "something I watched changed" flag (Redis's `CLIENT_DIRTY_CAS`).
pub type DirtyFlag = Arc<AtomicBool>;

/// The watchers of one shard's keys: key → (database, flag) pairs.
#[derive(Default)]
pub struct Watchers {
    map: HashMap<Vec<u8>, Vec<(usize, DirtyFlag)>>,
}

impl Watchers {
    /// True when no key of this shard is watched.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Adds a watcher; false when it already watched this key.
    pub fn add(&mut self, db: usize, key: &[u8], flag: &DirtyFlag) -> bool {
        let list = self.map.entry(key.to_vec()).or_default();
        if list.iter().any(|(d, f)| *d == db && Arc::ptr_eq(f, flag)) {
            return false;
        }
        list.push((db, flag.clone()));
        true
    }

    /// Removes a watcher; true when it was there.
    pub fn remove(&mut self, db: usize, key: &[u8], flag: &DirtyFlag) -> bool {
        let Some(list) = self.map.get_mut(key) else {
            return false;
        };
        let before = list.len();
        list.retain(|(d, f)| !(*d == db && Arc::ptr_eq(f, flag)));
        let removed = list.len() != before;
        if list.is_empty() {
            self.map.remove(key);
        }
        removed
    }

    /// Marks every watcher of `key` in `db` dirty.
    pub fn touch(&self, db: usize, key: &[u8]) {
        if let Some(list) = self.map.get(key) {
            for (d, f) in list {
                if *d == db {
                    f.store(true, Relaxed);
                }
            }
        }
    }

    /// Marks dirty every watcher in one of `dbs` whose key satisfies `pred`
    /// (FLUSHDB, FLUSHALL and SWAPDB touch the watched keys that exist).
    pub fn touch_where(&self, dbs: &[usize], mut pred: impl FnMut(usize, &[u8]) -> bool) {
        for (key, list) in &self.map {
            for (d, f) in list {
                if dbs.contains(d) && pred(*d, key) {
                    f.store(true, Relaxed);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_touch_remove() {
        let mut w = Watchers::default();
        let a: DirtyFlag = Arc::default();
        let b: DirtyFlag = Arc::default();
        assert!(w.add(0, b"k", &a));
        assert!(!w.add(0, b"k", &a));
        assert!(w.add(1, b"k", &b));
        w.touch(0, b"k");
        assert!(a.load(Relaxed));
        assert!(!b.load(Relaxed));
        assert!(w.remove(0, b"k", &a));
        assert!(!w.is_empty());
        assert!(w.remove(1, b"k", &b));
        assert!(w.is_empty());
        assert!(!w.remove(1, b"k", &b));
    }

    #[test]
    fn touch_where_filters_by_db_and_key() {
        let mut w = Watchers::default();
        let a: DirtyFlag = Arc::default();
        let b: DirtyFlag = Arc::default();
        w.add(0, b"x", &a);
        w.add(2, b"y", &b);
        w.touch_where(&[0], |_, k| k == b"y");
        assert!(!a.load(Relaxed) && !b.load(Relaxed));
        w.touch_where(&[0, 2], |_, k| k == b"y");
        assert!(!a.load(Relaxed) && b.load(Relaxed));
    }
}
