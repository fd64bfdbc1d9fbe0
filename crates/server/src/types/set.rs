//! The set type and its three encodings, converted at Redis 7.2's thresholds:
//!
//! * `intset` ([`IntSet`]): only integers, at most `set-max-intset-entries`;
//! * `listpack` ([`Packed`]): small sets of short members (at most
//!   `set-max-listpack-entries` members of at most `set-max-listpack-value` bytes);
//! * `hashtable` ([`Dense`]): everything else.
//!
//! A set only moves towards the bigger encodings as it changes (intset → listpack →
//! hashtable, or intset → hashtable directly when it is too big for a listpack);
//! the ways back are the ones Redis has: a new key starts small, SPOP with a count
//! close to the size rebuilds the survivors, and SINTERSTORE stores an all-integer
//! result as an intset.

use std::sync::atomic::Ordering::Relaxed;

use super::dense::{random_distinct, random_index, Dense, Keyed};
use super::intset::IntSet;
use super::packed::{item_for, Item, Packed};
use crate::settings::EncodingLimits;

/// Redis's cap on intset entries whatever the configuration (intset internals).
const INTSET_HARD_MAX: usize = 1 << 30;
/// Redis's listpack safety size limit.
pub const LISTPACK_MAX_SAFETY_SIZE: usize = 1 << 30;

/// The set thresholds, read once per command.
#[derive(Debug, Clone, Copy)]
pub struct SetLimits {
    /// `set-max-intset-entries` (capped at 2^30 as in Redis).
    pub intset_entries: usize,
    /// `set-max-listpack-entries`.
    pub listpack_entries: usize,
    /// `set-max-listpack-value`.
    pub listpack_value: usize,
}

impl SetLimits {
    /// The current thresholds.
    pub fn load(enc: &EncodingLimits) -> SetLimits {
        let get = |a: &std::sync::atomic::AtomicU64| {
            usize::try_from(a.load(Relaxed)).unwrap_or(usize::MAX)
        };
        SetLimits {
            intset_entries: get(&enc.set_max_intset_entries).min(INTSET_HARD_MAX),
            listpack_entries: get(&enc.set_max_listpack_entries),
            listpack_value: get(&enc.set_max_listpack_value),
        }
    }
}

impl Default for SetLimits {
    fn default() -> Self {
        SetLimits {
            intset_entries: 512,
            listpack_entries: 128,
            listpack_value: 64,
        }
    }
}

/// A member of a table-encoded set.
#[derive(Clone, Debug)]
pub struct Member(Box<[u8]>);

impl Keyed for Member {
    #[inline]
    fn key(&self) -> &[u8] {
        &self.0
    }
    fn heap_bytes(&self) -> usize {
        self.0.len()
    }
}

#[derive(Clone, Debug)]
enum Repr {
    Ints(IntSet),
    Packed(Packed),
    Table(Box<Dense<Member>>),
}

/// A set value.
///
/// Keep this type at most 24 bytes: it is stored inline in [`super::Object`], whose
/// size every heap value pays.
#[derive(Debug, Clone)]
pub struct Set {
    repr: Repr,
}

const _: () = assert!(std::mem::size_of::<Set>() <= 24);

impl Default for Set {
    fn default() -> Self {
        Set::new_intset()
    }
}

/// Parses a member as Redis's `string2ll` would (canonical 64-bit integers only).
#[inline]
pub fn member_int(m: &[u8]) -> Option<i64> {
    if m.len() > 20 {
        return None;
    }
    cinnabar_resp::parse_i64_strict(m)
}

/// Decimal digits of `v` including a minus sign (Redis's `sdigits10`).
fn sdigits10(v: i64) -> usize {
    let mut buf = itoa::Buffer::new();
    buf.format(v).len()
}

impl Set {
    /// An empty intset-encoded set.
    pub fn new_intset() -> Set {
        Set {
            repr: Repr::Ints(IntSet::new()),
        }
    }

    /// An empty listpack-encoded set.
    pub fn new_listpack() -> Set {
        Set {
            repr: Repr::Packed(Packed::new()),
        }
    }

    /// An empty table-encoded set with room for `n` members.
    pub fn new_table(n: usize) -> Set {
        Set {
            repr: Repr::Table(Box::new(Dense::with_capacity(n))),
        }
    }

    /// The set a new key starts with, given its first member and about how many
    /// members are coming (Redis's `setTypeCreate`).
    pub fn create(first: &[u8], size_hint: usize, lim: &SetLimits) -> Set {
        if member_int(first).is_some() && size_hint <= lim.intset_entries {
            Set::new_intset()
        } else if size_hint <= lim.listpack_entries {
            Set::new_listpack()
        } else {
            Set::new_table(size_hint)
        }
    }

    /// Converts a small set to the table encoding ahead of adding about
    /// `size_hint` members that could not fit (Redis's `setTypeMaybeConvert`).
    pub fn maybe_convert(&mut self, size_hint: usize, lim: &SetLimits) {
        let convert = match &self.repr {
            Repr::Packed(_) => size_hint > lim.listpack_entries,
            Repr::Ints(_) => size_hint > lim.intset_entries,
            Repr::Table(_) => false,
        };
        if convert {
            self.convert_to_table(size_hint.max(self.len()));
        }
    }

    /// The intset, when the set has that encoding.
    pub fn as_intset(&self) -> Option<&IntSet> {
        match &self.repr {
            Repr::Ints(i) => Some(i),
            _ => None,
        }
    }

    /// The listpack, when the set has that encoding.
    pub fn as_packed(&self) -> Option<&Packed> {
        match &self.repr {
            Repr::Packed(p) => Some(p),
            _ => None,
        }
    }

    /// An intset-encoded set.
    pub fn from_intset(i: IntSet) -> Set {
        Set {
            repr: Repr::Ints(i),
        }
    }

    /// A listpack-encoded set.
    pub fn from_packed(p: Packed) -> Set {
        Set {
            repr: Repr::Packed(p),
        }
    }

    /// The name reported by `OBJECT ENCODING`.
    pub fn encoding_name(&self) -> &'static str {
        match self.repr {
            Repr::Ints(_) => "intset",
            Repr::Packed(_) => "listpack",
            Repr::Table(_) => "hashtable",
        }
    }

    /// Approximate heap bytes, for `MEMORY USAGE`.
    pub fn memory_usage(&self) -> usize {
        match &self.repr {
            Repr::Ints(s) => s.heap_bytes(),
            Repr::Packed(p) => p.byte_len(),
            Repr::Table(t) => std::mem::size_of::<Dense<Member>>() + t.heap_bytes(),
        }
    }

    /// Number of members.
    #[inline]
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Ints(s) => s.len(),
            Repr::Packed(p) => p.len(),
            Repr::Table(t) => t.len(),
        }
    }

    /// True when there are no members.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True for the intset encoding.
    pub fn is_intset(&self) -> bool {
        matches!(self.repr, Repr::Ints(_))
    }

    /// True for the listpack encoding.
    pub fn is_listpack(&self) -> bool {
        matches!(self.repr, Repr::Packed(_))
    }

    /// True for the hashtable encoding.
    pub fn is_table(&self) -> bool {
        matches!(self.repr, Repr::Table(_))
    }

    /// True when `m` is a member.
    pub fn contains(&self, m: &[u8]) -> bool {
        match &self.repr {
            Repr::Ints(s) => member_int(m).is_some_and(|v| s.contains(v)),
            Repr::Packed(p) => p.find(m, 1).is_some(),
            Repr::Table(t) => t.find(m).is_some(),
        }
    }

    /// True when the element (from another set) is a member.
    pub fn contains_item(&self, item: Item<'_>) -> bool {
        match (item, &self.repr) {
            (Item::Int(v), Repr::Ints(s)) => s.contains(v),
            (Item::Int(v), _) => self.contains(itoa::Buffer::new().format(v).as_bytes()),
            (Item::Str(b), _) => self.contains(b),
            (Item::F64(_), _) => self.contains(&item.to_bytes()),
        }
    }

    /// Adds a member; false when it was already there. Converts the encoding as
    /// Redis's `setTypeAddAux` does.
    pub fn add(&mut self, m: &[u8], lim: &SetLimits) -> bool {
        match &mut self.repr {
            Repr::Table(t) => {
                if t.find(m).is_some() {
                    return false;
                }
                t.push_new(Member(m.into()))
            }
            Repr::Packed(p) => {
                if p.find(m, 1).is_some() {
                    return false;
                }
                if p.len() < lim.listpack_entries
                    && m.len() <= lim.listpack_value
                    && p.byte_len() + m.len() <= LISTPACK_MAX_SAFETY_SIZE
                {
                    p.push_back(&[item_for(m)]);
                } else {
                    self.convert_to_table(self.len() + 1);
                    self.push_table(m);
                }
                true
            }
            Repr::Ints(s) => {
                if let Some(v) = member_int(m) {
                    return self.add_int(v, lim);
                }
                // A non-integer: a listpack if everything fits, else a table.
                let n = s.len();
                let (maxelelen, totsize) = match (s.min(), s.max()) {
                    (Some(lo), Some(hi)) => {
                        (sdigits10(lo).max(sdigits10(hi)), n * (1 + s.width() + 1))
                    }
                    _ => (0, 0),
                };
                if n < lim.listpack_entries
                    && m.len() <= lim.listpack_value
                    && maxelelen <= lim.listpack_value
                    && totsize + m.len() <= LISTPACK_MAX_SAFETY_SIZE
                {
                    self.convert_to_listpack();
                    if let Repr::Packed(p) = &mut self.repr {
                        p.push_back(&[Item::Str(m)]);
                    }
                } else {
                    self.convert_to_table(n + 1);
                    self.push_table(m);
                }
                true
            }
        }
    }

    /// Adds an integer member (Redis's `setTypeAddAux` with an integer).
    pub fn add_int(&mut self, v: i64, lim: &SetLimits) -> bool {
        if let Repr::Ints(s) = &mut self.repr {
            if !s.insert(v) {
                return false;
            }
            if s.len() > lim.intset_entries {
                self.convert_to_table(self.len());
            }
            return true;
        }
        self.add(itoa::Buffer::new().format(v).as_bytes(), lim)
    }

    /// Adds an element taken from another set.
    pub fn add_item(&mut self, item: Item<'_>, lim: &SetLimits) -> bool {
        match item {
            Item::Int(v) => self.add_int(v, lim),
            Item::Str(b) => self.add(b, lim),
            Item::F64(_) => self.add(&item.to_bytes(), lim),
        }
    }

    fn push_table(&mut self, m: &[u8]) {
        if let Repr::Table(t) = &mut self.repr {
            t.push_new(Member(m.into()));
        }
    }

    /// Removes a member; false when it was not there.
    pub fn remove(&mut self, m: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Ints(s) => member_int(m).is_some_and(|v| s.remove(v)),
            Repr::Packed(p) => match p.find(m, 1) {
                Some(pos) => p.remove_at(pos, 1) == 1,
                None => false,
            },
            Repr::Table(t) => t.remove(m).is_some(),
        }
    }

    /// Removes an element taken from another set.
    pub fn remove_item(&mut self, item: Item<'_>) -> bool {
        match (item, &mut self.repr) {
            (Item::Int(v), Repr::Ints(s)) => s.remove(v),
            (Item::Int(v), _) => self.remove(itoa::Buffer::new().format(v).as_bytes()),
            (Item::Str(b), _) => self.remove(b),
            (Item::F64(_), _) => self.remove(&item.to_bytes()),
        }
    }

    /// The members in encoding order (ascending for intsets, insertion order for
    /// listpacks, table order otherwise).
    pub fn iter(&self) -> SetIter<'_> {
        match &self.repr {
            Repr::Ints(s) => SetIter::Ints(s, 0),
            Repr::Packed(p) => SetIter::Packed(p.iter()),
            Repr::Table(t) => SetIter::Table(t.items().iter()),
        }
    }

    /// The members at the given positions (in encoding order), in the order asked.
    pub fn select(&self, positions: &[usize]) -> Vec<Item<'_>> {
        match &self.repr {
            Repr::Ints(s) => positions
                .iter()
                .filter_map(|&i| s.get(i).map(Item::Int))
                .collect(),
            Repr::Table(t) => positions
                .iter()
                .filter_map(|&i| t.at(i).map(|m| Item::Str(&m.0)))
                .collect(),
            Repr::Packed(p) => {
                // One walk over the sequence, then back to the asked order.
                let mut order: Vec<(usize, usize)> = positions.iter().copied().zip(0..).collect();
                order.sort_unstable();
                let mut out = vec![Item::Int(0); positions.len()];
                let mut it = p.iter().enumerate().peekable();
                for (pos, slot) in order {
                    while it.peek().is_some_and(|(i, _)| *i < pos) {
                        it.next();
                    }
                    if let Some((_, item)) = it.peek() {
                        if let Some(o) = out.get_mut(slot) {
                            *o = *item;
                        }
                    }
                }
                out
            }
        }
    }

    /// A uniformly random member (the set must not be empty).
    pub fn random(&self) -> Option<Item<'_>> {
        let i = random_index(self.len());
        self.select(&[i]).into_iter().next()
    }

    /// Removes and returns a uniformly random member.
    pub fn pop_random(&mut self) -> Option<Vec<u8>> {
        let n = self.len();
        if n == 0 {
            return None;
        }
        let i = random_index(n);
        match &mut self.repr {
            Repr::Ints(s) => {
                let v = s.get(i)?;
                s.remove(v);
                Some(itoa::Buffer::new().format(v).as_bytes().to_vec())
            }
            Repr::Packed(p) => {
                let pos = p.pos_of_index(i)?;
                let (item, _) = p.at(pos)?;
                let out = item.to_bytes().into_owned();
                p.remove_at(pos, 1);
                Some(out)
            }
            Repr::Table(t) => t.remove_at(i).map(|m| m.0.into_vec()),
        }
    }

    /// SPOP with a count below the size: removes `count` random members and returns
    /// them, with the encoding and reply order Redis's strategies give.
    pub fn pop_many(&mut self, count: usize, lim: &SetLimits) -> Vec<Vec<u8>> {
        let size = self.len();
        let count = count.min(size);
        let remaining = size - count;
        let owned = |items: Vec<Item<'_>>| -> Vec<Vec<u8>> {
            items.iter().map(|i| i.to_bytes().into_owned()).collect()
        };
        if remaining.saturating_mul(5) > count {
            // Few members leave: pick them at random.
            let mut picks = random_distinct(size, count);
            if let Repr::Packed(_) = self.repr {
                picks.sort_unstable(); // listpack order, as Redis walks it once
            }
            let popped = owned(self.select(&picks));
            self.remove_positions(&mut picks);
            return popped;
        }
        // Most members leave: choose the survivors and rebuild around them.
        let mut keep = random_distinct(size, remaining);
        match &self.repr {
            Repr::Packed(_) | Repr::Ints(_) => {
                keep.sort_unstable();
                let kept = owned(self.select(&keep));
                let mut rebuilt = if self.is_intset() {
                    Set::new_intset()
                } else {
                    Set::new_listpack()
                };
                for m in &kept {
                    rebuilt.add(m, lim);
                }
                let mut is_kept = vec![false; size];
                for &k in &keep {
                    is_kept[k] = true;
                }
                let popped: Vec<Vec<u8>> = self
                    .iter()
                    .zip(is_kept)
                    .filter(|(_, k)| !k)
                    .map(|(i, _)| i.to_bytes().into_owned())
                    .collect();
                *self = rebuilt;
                popped
            }
            Repr::Table(_) => {
                // Redis refills a listpack with the survivors: it stays one only
                // when they all fit.
                let kept = owned(self.select(&keep));
                let fits = remaining <= lim.listpack_entries
                    && kept.iter().all(|m| m.len() <= lim.listpack_value)
                    && kept.iter().map(|m| m.len() + 6).sum::<usize>() <= LISTPACK_MAX_SAFETY_SIZE;
                let mut is_kept = vec![false; size];
                for &k in &keep {
                    is_kept[k] = true;
                }
                let mut gone: Vec<usize> = (0..size).filter(|&i| !is_kept[i]).collect();
                let popped = owned(self.select(&gone));
                if fits {
                    let mut rebuilt = Set::new_listpack();
                    for m in &kept {
                        rebuilt.add(m, lim);
                    }
                    *self = rebuilt;
                } else {
                    // The survivors stay a table: remove in place, which keeps any
                    // running SSCAN's guarantee.
                    self.remove_positions(&mut gone);
                }
                popped
            }
        }
    }

    /// Removes the members at the given positions.
    fn remove_positions(&mut self, positions: &mut [usize]) {
        positions.sort_unstable();
        match &mut self.repr {
            Repr::Ints(s) => s.remove_indices(positions),
            Repr::Packed(p) => {
                for &i in positions.iter().rev() {
                    if let Some(pos) = p.pos_of_index(i) {
                        p.remove_at(pos, 1);
                    }
                }
            }
            Repr::Table(t) => {
                // Highest first: a removal only moves the last item.
                for &i in positions.iter().rev() {
                    t.remove_at(i);
                }
            }
        }
    }

    /// Stores an all-integer set as an intset when it fits (Redis's
    /// `maybeConvertToIntset`, used by SINTERSTORE).
    pub fn maybe_convert_to_intset(&mut self, lim: &SetLimits) {
        if self.is_intset() || self.len() > lim.intset_entries {
            return;
        }
        let mut s = IntSet::new();
        for item in self.iter() {
            let v = match item {
                Item::Int(v) => v,
                Item::Str(b) => match member_int(b) {
                    Some(v) => v,
                    None => return,
                },
                Item::F64(_) => return,
            };
            s.insert(v);
        }
        self.repr = Repr::Ints(s);
    }

    fn convert_to_table(&mut self, cap: usize) {
        if self.is_table() {
            return;
        }
        let mut t = Dense::with_capacity(cap.max(self.len()));
        for item in self.iter() {
            t.push_new(Member(item.to_bytes().into_owned().into_boxed_slice()));
        }
        self.repr = Repr::Table(Box::new(t));
    }

    fn convert_to_listpack(&mut self) {
        let mut p = Packed::new();
        let items: Vec<Item<'_>> = self.iter().collect();
        p.push_back(&items);
        self.repr = Repr::Packed(p);
    }

    /// One SSCAN step: the members to return and the next cursor. Small encodings
    /// return everything with cursor 0, as Redis does.
    pub fn scan(&self, cursor: u64, count: usize) -> (Vec<Item<'_>>, u64) {
        match &self.repr {
            Repr::Table(t) => {
                let (range, next) = t.scan_step(cursor, count);
                let items = t
                    .items()
                    .get(range)
                    .unwrap_or(&[])
                    .iter()
                    .map(|m| Item::Str(&m.0))
                    .collect();
                (items, next)
            }
            _ => (self.iter().collect(), 0),
        }
    }
}

/// Iterator over a set's members.
pub enum SetIter<'a> {
    /// Over an intset: the set and the next index.
    Ints(&'a IntSet, usize),
    /// Over a listpack.
    Packed(super::packed::Iter<'a>),
    /// Over a table.
    Table(std::slice::Iter<'a, Member>),
}

impl<'a> Iterator for SetIter<'a> {
    type Item = Item<'a>;

    #[inline]
    fn next(&mut self) -> Option<Item<'a>> {
        match self {
            SetIter::Ints(s, i) => {
                let v = s.get(*i)?;
                *i += 1;
                Some(Item::Int(v))
            }
            SetIter::Packed(it) => it.next(),
            SetIter::Table(it) => it.next().map(|m| Item::Str(&m.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(s: &Set) -> Vec<Vec<u8>> {
        s.iter().map(|i| i.to_bytes().into_owned()).collect()
    }

    fn sorted(mut v: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
        v.sort();
        v
    }

    #[test]
    fn encodings_grow_at_the_thresholds() {
        let lim = SetLimits {
            intset_entries: 4,
            listpack_entries: 3,
            listpack_value: 5,
        };
        let mut s = Set::create(b"1", 1, &lim);
        assert_eq!(s.encoding_name(), "intset");
        for m in [&b"3"[..], b"2", b"1"] {
            s.add(m, &lim);
        }
        assert_eq!(
            members(&s),
            vec![b"1".to_vec(), b"2".to_vec(), b"3".to_vec()]
        );
        assert!(
            s.add(b"a", &lim) && s.is_table(),
            "3 ints + a string exceed 3 listpack entries"
        );
        let mut s = Set::create(b"1", 1, &lim);
        s.add(b"1", &lim);
        assert!(s.add(b"abc", &lim));
        assert_eq!(s.encoding_name(), "listpack");
        assert_eq!(members(&s), vec![b"1".to_vec(), b"abc".to_vec()]);
        assert!(!s.add(b"abc", &lim));
        assert!(s.add(b"toolong", &lim) && s.is_table());
        let mut s = Set::create(b"1", 1, &lim);
        for i in 0..5 {
            s.add_int(i, &lim);
        }
        assert!(s.is_table(), "more than 4 ints");
        assert!(s.contains(b"4") && s.contains_item(Item::Int(0)) && !s.contains(b"5"));
        let s = Set::create(b"x", 4, &lim);
        assert!(s.is_table());
        let s = Set::create(b"7", 5, &lim);
        assert!(s.is_table());
    }

    #[test]
    fn remove_pop_and_select() {
        let lim = SetLimits::default();
        for first in [&b"1"[..], b"a"] {
            let mut s = Set::create(first, 1, &lim);
            for i in 0..200 {
                s.add(format!("{i}").as_bytes(), &lim);
            }
            s.add(first, &lim);
            let n = s.len();
            assert!(s.remove(b"10") && !s.remove(b"10"));
            assert_eq!(s.len(), n - 1);
            let popped = s.pop_random().expect("pop");
            assert!(!s.contains(&popped));
            let picked = s.select(&[0, 5, 2]);
            assert_eq!(picked.len(), 3);
            assert!(s.random().is_some());
        }
    }

    #[test]
    fn pop_many_strategies_keep_members_consistent() {
        let lim = SetLimits::default();
        for (first, n) in [(&b"1"[..], 100), (b"a", 100), (b"a", 300), (b"1", 300)] {
            for count in [1usize, 10, 60, 90, 99, 250] {
                let mut s = Set::create(first, 1, &lim);
                s.add(first, &lim);
                for i in 0..n {
                    s.add(format!("{i}").as_bytes(), &lim);
                }
                let before = sorted(members(&s));
                if count >= before.len() {
                    continue;
                }
                let enc_before = s.encoding_name();
                let popped = s.pop_many(count, &lim);
                assert_eq!(popped.len(), count);
                let mut all = popped.clone();
                all.extend(members(&s));
                assert_eq!(sorted(all), before, "{enc_before} count {count}");
                let mut dedup = sorted(popped);
                dedup.dedup();
                assert_eq!(dedup.len(), count);
            }
        }
        // A table whose few survivors fit goes back to a listpack.
        let mut s = Set::create(b"a", 1, &lim);
        for i in 0..300 {
            s.add(format!("m{i}").as_bytes(), &lim);
        }
        s.pop_many(290, &lim);
        assert_eq!(s.encoding_name(), "listpack");
        assert_eq!(s.len(), 10);
    }

    #[test]
    fn maybe_convert_to_intset_only_when_all_integers() {
        let lim = SetLimits::default();
        let mut s = Set::new_listpack();
        s.add(b"5", &lim);
        s.add(b"-2", &lim);
        s.maybe_convert_to_intset(&lim);
        assert_eq!(s.encoding_name(), "intset");
        assert_eq!(members(&s), vec![b"-2".to_vec(), b"5".to_vec()]);
        let mut s = Set::new_table(4);
        s.add(b"5", &lim);
        s.add(b"05", &lim);
        s.maybe_convert_to_intset(&lim);
        assert_eq!(s.encoding_name(), "hashtable");
    }

    #[test]
    fn scans() {
        let lim = SetLimits::default();
        let mut s = Set::create(b"a", 1, &lim);
        for i in 0..1000 {
            s.add(format!("m{i}").as_bytes(), &lim);
        }
        let mut seen = std::collections::HashSet::new();
        let mut cursor = 0;
        loop {
            let (items, next) = s.scan(cursor, 10);
            seen.extend(items.iter().map(|i| i.to_bytes().into_owned()));
            cursor = next;
            if cursor == 0 {
                break;
            }
        }
        assert_eq!(seen.len(), 1000);
        let small = Set::create(b"1", 1, &lim);
        assert_eq!(small.scan(77, 1).1, 0);
    }
}
