//! The table encoding of big hashes and sets (`OBJECT ENCODING` "hashtable").
//!
//! Items live in a dense vector; a `hashbrown` table of `u32` positions indexes them
//! by key (hashed with foldhash under a per-process random seed, like the keyspace).
//! Compared with a plain hash table this gives:
//!
//! * uniform random members in O(1) (SPOP, SRANDMEMBER, HRANDFIELD): pick a random
//!   position, with no bias from bucket chains;
//! * a SCAN cursor with Redis's guarantee. The cursor walks positions from the end
//!   towards the front. A removal moves the last item into the hole (`swap_remove`),
//!   so items only ever move towards the front, and only from the last position;
//!   insertions append. An item present for the whole iteration therefore cannot
//!   jump from the part still to visit into the part already visited: it is
//!   returned at least once (possibly twice), whatever inserts, deletes and table
//!   growth happen between calls.

use std::hash::BuildHasher;
use std::sync::OnceLock;

use hashbrown::HashTable;
use rand::Rng;

/// Something stored in a [`Dense`] table, identified by its key bytes.
pub trait Keyed {
    /// The key the item is found by.
    fn key(&self) -> &[u8];
    /// Heap bytes the item owns (for `MEMORY USAGE`).
    fn heap_bytes(&self) -> usize;
}

fn hasher() -> &'static foldhash::fast::RandomState {
    static STATE: OnceLock<foldhash::fast::RandomState> = OnceLock::new();
    STATE.get_or_init(foldhash::fast::RandomState::default)
}

/// The hash of a key, as the tables use it.
#[inline]
pub fn hash_key(key: &[u8]) -> u64 {
    hasher().hash_one(key)
}

/// Runs `f` with this thread's fast random generator.
pub fn with_rng<R>(f: impl FnOnce(&mut rand::rngs::SmallRng) -> R) -> R {
    use rand::SeedableRng;
    thread_local! {
        static RNG: std::cell::RefCell<rand::rngs::SmallRng> =
            std::cell::RefCell::new(rand::rngs::SmallRng::from_entropy());
    }
    RNG.with(|r| f(&mut r.borrow_mut()))
}

/// A uniformly random index below `n` (`n` > 0).
pub fn random_index(n: usize) -> usize {
    if n <= 1 {
        return 0;
    }
    with_rng(|r| r.gen_range(0..n))
}

/// `count` distinct indices below `n`, uniformly chosen, in random order.
pub fn random_distinct(n: usize, count: usize) -> Vec<usize> {
    let count = count.min(n);
    with_rng(|r| rand::seq::index::sample(r, n, count).into_vec())
}

/// A hash table of items with dense positions.
#[derive(Clone, Debug)]
pub struct Dense<T> {
    index: HashTable<u32>,
    items: Vec<T>,
}

impl<T: Keyed> Default for Dense<T> {
    fn default() -> Self {
        Dense {
            index: HashTable::new(),
            items: Vec::new(),
        }
    }
}

impl<T: Keyed> Dense<T> {
    /// An empty table with room for `n` items.
    pub fn with_capacity(n: usize) -> Self {
        Dense {
            index: HashTable::with_capacity(n),
            items: Vec::with_capacity(n),
        }
    }

    /// Number of items.
    #[inline]
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The items, in position order.
    #[inline]
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The position of the item with this key.
    #[inline]
    pub fn find(&self, key: &[u8]) -> Option<usize> {
        let items = &self.items;
        self.index
            .find(hash_key(key), |&i| {
                items.get(i as usize).is_some_and(|it| it.key() == key)
            })
            .map(|&i| i as usize)
    }

    /// The item with this key.
    #[inline]
    pub fn get(&self, key: &[u8]) -> Option<&T> {
        self.find(key).and_then(|p| self.items.get(p))
    }

    /// The item at a position.
    #[inline]
    pub fn at(&self, pos: usize) -> Option<&T> {
        self.items.get(pos)
    }

    /// Replaces the item at `pos` with one that has the same key.
    pub fn replace_at(&mut self, pos: usize, item: T) {
        if let Some(slot) = self.items.get_mut(pos) {
            debug_assert!(slot.key() == item.key());
            *slot = item;
        }
    }

    /// Appends an item whose key is known to be absent. False when the table is
    /// full (more than `u32::MAX` items).
    pub fn push_new(&mut self, item: T) -> bool {
        let Ok(pos) = u32::try_from(self.items.len()) else {
            return false;
        };
        let hash = hash_key(item.key());
        self.items.push(item);
        let items = &self.items;
        self.index.insert_unique(hash, pos, |&i| {
            items.get(i as usize).map_or(0, |it| hash_key(it.key()))
        });
        true
    }

    /// Removes the item at `pos`; the last item takes its place.
    pub fn remove_at(&mut self, pos: usize) -> Option<T> {
        let last = self.items.len().checked_sub(1)?;
        if pos > last {
            return None;
        }
        let hash = hash_key(self.items[pos].key());
        if let Ok(e) = self.index.find_entry(hash, |&i| i as usize == pos) {
            e.remove();
        }
        if pos != last {
            let moved_hash = hash_key(self.items[last].key());
            if let Some(slot) = self.index.find_mut(moved_hash, |&i| i as usize == last) {
                *slot = pos as u32;
            }
        }
        let item = self.items.swap_remove(pos);
        self.maybe_shrink();
        Some(item)
    }

    /// Removes the item with this key.
    pub fn remove(&mut self, key: &[u8]) -> Option<T> {
        let pos = self.find(key)?;
        self.remove_at(pos)
    }

    /// Gives memory back once the table is mostly empty (as Redis resizes its dicts).
    fn maybe_shrink(&mut self) {
        let len = self.items.len();
        if self.items.capacity() > 64 && len * 8 < self.items.capacity() {
            self.items.shrink_to(len * 2);
            let items = &self.items;
            self.index.shrink_to(len * 2, |&i| {
                items.get(i as usize).map_or(0, |it| hash_key(it.key()))
            });
        }
    }

    /// A uniformly random position (the table must not be empty).
    pub fn random_pos(&self) -> usize {
        random_index(self.items.len())
    }

    /// One SCAN step: the positions to return for `cursor` and the next cursor
    /// (0 when the iteration is complete). Cursor 0 starts at the end; a non-zero
    /// cursor is the position below which items remain to be visited.
    pub fn scan_step(&self, cursor: u64, count: usize) -> (std::ops::Range<usize>, u64) {
        let len = self.items.len();
        let upper = if cursor == 0 {
            len
        } else {
            usize::try_from(cursor).unwrap_or(usize::MAX).min(len)
        };
        let lower = upper.saturating_sub(count.max(1));
        (lower..upper, lower as u64)
    }

    /// Approximate heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.items.capacity() * std::mem::size_of::<T>()
            + self.index.allocation_size()
            + self.items.iter().map(Keyed::heap_bytes).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[derive(Clone, Debug)]
    struct K(Vec<u8>);
    impl Keyed for K {
        fn key(&self) -> &[u8] {
            &self.0
        }
        fn heap_bytes(&self) -> usize {
            self.0.capacity()
        }
    }

    fn key(i: usize) -> Vec<u8> {
        format!("member:{i}").into_bytes()
    }

    #[test]
    fn insert_find_remove_keep_index_consistent() {
        let mut d: Dense<K> = Dense::default();
        for i in 0..1000 {
            assert!(d.push_new(K(key(i))));
        }
        assert_eq!(d.len(), 1000);
        for i in (0..1000).step_by(3) {
            assert!(d.remove(&key(i)).is_some());
        }
        for i in 0..1000 {
            assert_eq!(d.find(&key(i)).is_some(), i % 3 != 0, "{i}");
            if let Some(p) = d.find(&key(i)) {
                assert_eq!(d.at(p).map(|k| k.0.clone()), Some(key(i)));
            }
        }
        while let Some(k) = d.at(0).map(|k| k.0.clone()) {
            assert!(d.remove(&k).is_some());
        }
        assert!(d.is_empty());
    }

    /// Elements present for the whole scan are returned however the table changes.
    #[test]
    fn scan_guarantee_under_churn() {
        let mut d: Dense<K> = Dense::default();
        for i in 0..500 {
            d.push_new(K(key(i)));
        }
        let stable: HashSet<Vec<u8>> = (0..500).filter(|i| i % 2 == 0).map(key).collect();
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut next = 500;
        let mut round = 0;
        loop {
            let (range, c) = d.scan_step(cursor, 7);
            for p in range {
                seen.insert(d.at(p).map(|k| k.0.clone()).unwrap_or_default());
            }
            // Churn: delete some odd members, add new ones.
            for _ in 0..5 {
                let victim = key(2 * (round % 250) + 1);
                d.remove(&victim);
                d.push_new(K(key(next)));
                next += 1;
                round += 1;
            }
            cursor = c;
            if cursor == 0 {
                break;
            }
        }
        assert!(stable.is_subset(&seen));
    }

    #[test]
    fn random_helpers() {
        let picks = random_distinct(10, 4);
        assert_eq!(picks.len(), 4);
        assert_eq!(picks.iter().collect::<HashSet<_>>().len(), 4);
        assert!(picks.iter().all(|&p| p < 10));
        assert_eq!(random_distinct(3, 10).len(), 3);
        assert!(random_index(5) < 5);
        assert_eq!(random_index(1), 0);
    }
}
