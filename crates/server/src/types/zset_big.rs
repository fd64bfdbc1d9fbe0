//! The large sorted-set encoding (reported as `skiplist`, like Redis's).
//!
//! Members live once, in an arena of slots (score, member bytes, hash-chain link)
//! addressed by 32-bit ids. A chained hash table of ids gives O(1) member → score
//! lookups; a counted B+tree of (score, id) (see `zset_tree`) gives O(log n) ranks
//! and ranges. The hash table uses power-of-two bucket arrays so ZSCAN can walk it
//! with Redis's reverse-binary cursor, which returns every member present for the
//! whole scan even when the table is resized between calls.

use std::hash::BuildHasher;
use std::sync::OnceLock;

use super::zset_tree::{Members, Pos, Probe, Tree, NIL};

/// One member.
#[derive(Clone, Default)]
struct Slot {
    score: f64,
    /// Next slot in the hash chain, or in the free list for a free slot.
    next: u32,
    member: Box<[u8]>,
}

/// The member arena, seen by the tree.
#[derive(Clone, Default)]
struct Slots(Vec<Slot>);

impl Members for Slots {
    #[inline]
    fn member(&self, id: u32) -> &[u8] {
        &self.0[id as usize].member
    }
}

fn hasher() -> &'static foldhash::fast::FixedState {
    static STATE: OnceLock<foldhash::fast::FixedState> = OnceLock::new();
    STATE.get_or_init(|| foldhash::fast::FixedState::with_seed(rand::random()))
}

#[inline]
fn hash(member: &[u8]) -> u64 {
    hasher().hash_one(member)
}

/// A large sorted set.
#[derive(Clone)]
pub struct BigZSet {
    slots: Slots,
    free: u32,
    free_count: usize,
    buckets: Vec<u32>,
    tree: Tree,
}

impl Default for BigZSet {
    fn default() -> Self {
        BigZSet::with_capacity(0)
    }
}

/// An element seen during a walk: member bytes and score.
pub type Elem<'a> = (&'a [u8], f64);

impl BigZSet {
    /// An empty set sized for about `n` members.
    pub fn with_capacity(n: usize) -> BigZSet {
        let buckets = n.clamp(4, 1 << 30).next_power_of_two();
        BigZSet {
            slots: Slots(Vec::with_capacity(n.min(1 << 24))),
            free: NIL,
            free_count: 0,
            buckets: vec![NIL; buckets],
            tree: Tree::new(),
        }
    }

    /// Builds a set from distinct members already sorted by (score, member).
    pub fn from_sorted(items: Vec<(f64, Vec<u8>)>) -> BigZSet {
        let n = items.len();
        BigZSet::from_sorted_with_capacity(items, n)
    }

    /// [`from_sorted`](Self::from_sorted), with the member index sized for
    /// about `capacity` members.
    pub fn from_sorted_with_capacity(items: Vec<(f64, Vec<u8>)>, capacity: usize) -> BigZSet {
        let mut z = BigZSet::with_capacity(capacity.max(items.len()));
        let mut order = Vec::with_capacity(items.len());
        for (score, member) in items {
            let id = z.slots.0.len() as u32;
            z.slots.0.push(Slot {
                score,
                next: NIL,
                member: member.into_boxed_slice(),
            });
            z.chain_in(id);
            order.push((score, id));
        }
        z.tree = Tree::from_sorted(&order, &z.slots);
        z
    }

    /// Number of members.
    #[inline]
    pub fn len(&self) -> usize {
        self.tree.len()
    }

    /// True when empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.tree.is_empty()
    }

    /// Approximate heap bytes.
    pub fn memory_usage(&self) -> usize {
        let members: usize = self.slots.0.iter().map(|s| s.member.len()).sum();
        self.slots.0.capacity() * std::mem::size_of::<Slot>()
            + members
            + self.buckets.capacity() * 4
            + self.tree.memory_usage()
    }

    #[inline]
    fn mask(&self) -> usize {
        self.buckets.len() - 1
    }

    fn chain_in(&mut self, id: u32) {
        let b = (hash(&self.slots.0[id as usize].member) as usize) & self.mask();
        self.slots.0[id as usize].next = self.buckets[b];
        self.buckets[b] = id;
    }

    /// The id of a member.
    fn find(&self, member: &[u8]) -> Option<u32> {
        let mut id = self.buckets[(hash(member) as usize) & self.mask()];
        while id != NIL {
            let slot = &self.slots.0[id as usize];
            if &*slot.member == member {
                return Some(id);
            }
            id = slot.next;
        }
        None
    }

    /// The score of a member.
    #[inline]
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        self.find(member).map(|id| self.slots.0[id as usize].score)
    }

    fn resize(&mut self, buckets: usize) {
        self.buckets.clear();
        self.buckets.resize(buckets, NIL);
        self.buckets.shrink_to_fit();
        let ids: Vec<u32> = self.live_ids().collect();
        for id in ids {
            self.chain_in(id);
        }
    }

    fn live_ids(&self) -> impl Iterator<Item = u32> + '_ {
        let mut pos = self.tree.first();
        std::iter::from_fn(move || {
            let p = pos?;
            pos = self.tree.next(p);
            Some(self.tree.get(p).1)
        })
    }

    /// Adds a member that is not present.
    pub fn insert_new(&mut self, score: f64, member: &[u8]) {
        let slot = Slot {
            score,
            next: NIL,
            member: member.into(),
        };
        let id = if self.free != NIL {
            let id = self.free;
            self.free = self.slots.0[id as usize].next;
            self.free_count -= 1;
            self.slots.0[id as usize] = slot;
            id
        } else {
            self.slots.0.push(slot);
            (self.slots.0.len() - 1) as u32
        };
        if self.len() + 1 > self.buckets.len() {
            let n = self.buckets.len() * 2;
            self.resize(n);
        }
        self.chain_in(id);
        self.tree.insert(score, id, &self.slots);
    }

    /// Changes the score of a present member.
    pub fn update(&mut self, member: &[u8], score: f64) {
        let Some(id) = self.find(member) else { return };
        let old = self.slots.0[id as usize].score;
        if old == score {
            return;
        }
        self.tree.remove(old, member, &self.slots);
        self.slots.0[id as usize].score = score;
        self.tree.insert(score, id, &self.slots);
    }

    /// Unlinks a slot from its hash chain and frees it.
    fn release(&mut self, id: u32) -> Box<[u8]> {
        let b = (hash(&self.slots.0[id as usize].member) as usize) & self.mask();
        let mut cur = self.buckets[b];
        let mut prev = NIL;
        while cur != NIL && cur != id {
            prev = cur;
            cur = self.slots.0[cur as usize].next;
        }
        let next = self.slots.0[id as usize].next;
        if cur == id {
            if prev == NIL {
                self.buckets[b] = next;
            } else {
                self.slots.0[prev as usize].next = next;
            }
        }
        let member = std::mem::take(&mut self.slots.0[id as usize].member);
        self.slots.0[id as usize].next = self.free;
        self.free = id;
        self.free_count += 1;
        member
    }

    /// Removes a member; returns its score.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        let id = self.find(member)?;
        let score = self.slots.0[id as usize].score;
        self.tree.remove(score, member, &self.slots);
        self.release(id);
        self.after_removals();
        Some(score)
    }

    /// Removes the members at ranks `start..=end`; returns how many were removed.
    pub fn remove_rank_range(&mut self, start: usize, end: usize) -> usize {
        let len = self.len();
        if start >= len || start > end {
            return 0;
        }
        let end = end.min(len - 1);
        let k = end - start + 1;
        if k > 64 && k * 2 >= len {
            // Removing most of the set: rebuild from what stays.
            let mut items = Vec::with_capacity(len - k);
            for (i, (m, s)) in self.iter().enumerate() {
                if i < start || i > end {
                    items.push((s, m.to_vec()));
                }
            }
            *self = BigZSet::from_sorted(items);
            return k;
        }
        let mut removed = 0;
        for _ in start..=end {
            let Some((_, id)) = self.tree.remove_rank(start) else {
                break;
            };
            self.release(id);
            removed += 1;
        }
        self.after_removals();
        removed
    }

    /// Removes and returns the first (or last) member.
    pub fn pop(&mut self, last: bool) -> Option<(Vec<u8>, f64)> {
        let rank = if last { self.len().checked_sub(1)? } else { 0 };
        let (score, id) = self.tree.remove_rank(rank)?;
        let member = self.release(id);
        self.after_removals();
        Some((member.into_vec(), score))
    }

    /// Shrinks the hash table and compacts the arena after many removals.
    pub fn after_removals(&mut self) {
        let len = self.len();
        if self.buckets.len() > 4 && len * 8 < self.buckets.len() {
            self.resize(len.max(4).next_power_of_two());
        }
        if self.free_count > 1024 && self.free_count > len {
            self.compact();
        }
    }

    /// Rebuilds the arena without free slots.
    fn compact(&mut self) {
        let mut items = Vec::with_capacity(self.len());
        let mut pos = self.tree.first();
        while let Some(p) = pos {
            let (score, id) = self.tree.get(p);
            items.push((
                score,
                std::mem::take(&mut self.slots.0[id as usize].member).into_vec(),
            ));
            pos = self.tree.next(p);
        }
        *self = BigZSet::from_sorted(items);
    }

    /// The 0-based rank of a member and its score.
    pub fn rank(&self, member: &[u8]) -> Option<(usize, f64)> {
        let id = self.find(member)?;
        let score = self.slots.0[id as usize].score;
        let r = self
            .tree
            .count_before(&Probe::Key(score, member, false), &self.slots);
        Some((r, score))
    }

    /// The number of members before the boundary of `probe`.
    pub fn count_before(&self, probe: &Probe<'_>) -> usize {
        self.tree.count_before(probe, &self.slots)
    }

    #[inline]
    fn elem(&self, pos: Pos) -> Elem<'_> {
        let (score, id) = self.tree.get(pos);
        (&self.slots.0[id as usize].member, score)
    }

    /// Iterates from the member of ascending rank `rank`, towards higher ranks,
    /// or towards lower ranks when `reverse`.
    pub fn iter_from(&self, rank: usize, reverse: bool) -> BigIter<'_> {
        BigIter {
            z: self,
            pos: self.tree.select(rank),
            reverse,
        }
    }

    /// The member at a rank.
    pub fn at_rank(&self, rank: usize) -> Option<Elem<'_>> {
        self.tree.select(rank).map(|p| self.elem(p))
    }

    /// One ZSCAN step over the hash table: calls `f` for the members of the visited
    /// buckets and returns the next cursor (0 when done).
    pub fn scan<'a>(&'a self, cursor: u64, count: usize, mut f: impl FnMut(Elem<'a>)) -> u64 {
        let mask = self.mask() as u64;
        let mut v = cursor;
        let mut seen = 0usize;
        let max_buckets = count.saturating_mul(10).max(1);
        let mut visited = 0usize;
        loop {
            let mut id = self.buckets[(v & mask) as usize];
            while id != NIL {
                let slot = &self.slots.0[id as usize];
                f((&slot.member, slot.score));
                seen += 1;
                id = slot.next;
            }
            visited += 1;
            v |= !mask;
            v = v.reverse_bits().wrapping_add(1).reverse_bits();
            if v == 0 || seen >= count || visited >= max_buckets {
                return v;
            }
        }
    }

    /// Every member in order, with scores.
    pub fn iter(&self) -> BigIter<'_> {
        BigIter {
            z: self,
            pos: self.tree.first(),
            reverse: false,
        }
    }
}

/// A walk over a [`BigZSet`] in rank order (see [`BigZSet::iter_from`]).
pub struct BigIter<'a> {
    z: &'a BigZSet,
    pos: Option<Pos>,
    reverse: bool,
}

impl<'a> Iterator for BigIter<'a> {
    type Item = Elem<'a>;

    #[inline]
    fn next(&mut self) -> Option<Elem<'a>> {
        let p = self.pos?;
        self.pos = if self.reverse {
            self.z.tree.prev(p)
        } else {
            self.z.tree.next(p)
        };
        Some(self.z.elem(p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn add_update_remove_and_rank() {
        let mut z = BigZSet::with_capacity(0);
        for i in 0..3000u32 {
            z.insert_new(f64::from(i % 97), format!("m{i}").as_bytes());
        }
        assert_eq!(z.len(), 3000);
        assert_eq!(z.score(b"m5"), Some(5.0));
        z.update(b"m5", -1.0);
        assert_eq!(z.rank(b"m5"), Some((0, -1.0)));
        for i in (0..3000u32).step_by(2) {
            assert!(z.remove(format!("m{i}").as_bytes()).is_some());
        }
        assert_eq!(z.len(), 1500);
        assert_eq!(z.remove(b"m0"), None);
        let first = z.at_rank(0).map(|e| e.0.to_vec());
        assert_eq!(first, Some(b"m5".to_vec()));
        let mut prev = f64::NEG_INFINITY;
        for (_, s) in z.iter() {
            assert!(s >= prev);
            prev = s;
        }
        assert_eq!(z.pop(true).map(|p| p.1), Some(96.0));
    }

    #[test]
    fn scan_covers_everything_across_resizes() {
        let mut z = BigZSet::with_capacity(0);
        for i in 0..1000u32 {
            z.insert_new(1.0, format!("a{i}").as_bytes());
        }
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut grow = 0u32;
        loop {
            cursor = z.scan(cursor, 10, |(m, _)| {
                seen.insert(m.to_vec());
            });
            // Grow and shrink the table while scanning.
            if grow < 3000 {
                for _ in 0..100 {
                    z.insert_new(2.0, format!("b{grow}").as_bytes());
                    grow += 1;
                }
            } else {
                for i in 0..100 {
                    z.remove(format!("b{}", grow - 3000 + i).as_bytes());
                }
                grow += 100;
            }
            if cursor == 0 {
                break;
            }
        }
        for i in 0..1000u32 {
            assert!(seen.contains(format!("a{i}").as_bytes()), "a{i} missed");
        }
    }

    #[test]
    fn compaction_keeps_contents() {
        let mut z = BigZSet::with_capacity(0);
        for i in 0..5000u32 {
            z.insert_new(f64::from(i), format!("x{i}").as_bytes());
        }
        assert_eq!(z.remove_rank_range(0, 3999), 4000);
        assert_eq!(z.len(), 1000);
        assert!(
            z.slots.0.len() <= 1000 + 1024,
            "compacted: {}",
            z.slots.0.len()
        );
        assert_eq!(z.score(b"x4500"), Some(4500.0));
        assert_eq!(z.rank(b"x4000"), Some((0, 4000.0)));
    }
}
