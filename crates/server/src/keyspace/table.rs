//! One slot's hash table: header, tag bytes and buckets in a single allocation.
//!
//! A database has 16,384 of these, one per hash slot. With `hashbrown::HashTable`
//! each slot cost a 40-byte header (655 KB per database, not cache-resident) that
//! pointed at the control bytes, so a lookup paid a cache miss for the header, one
//! for the control bytes, one for the bucket and one for the entry. Here a slot is
//! one (nullable) pointer, 128 KB per database, which stays in L2; the pointed-to
//! block starts with the header, directly followed by the tags and the buckets, so
//! the table costs one miss (two adjacent lines for large slots) before the entry's.
//!
//! The probing scheme is hashbrown's, with 8-byte groups handled as integers
//! (SWAR): a tag is the top 7 bits of the hash for a full bucket, or `EMPTY` /
//! `DELETED`; groups are probed triangularly from `hash & mask`; the first 8 tags
//! are mirrored after the last one so a group can be loaded at any position.
//! Buckets are `Option<Entry>` (8 bytes): the tags only speed searches up, the
//! bucket says what is there, so a wrong tag can cost a comparison but never
//! exposes uninitialised memory.
//!
//! Unlike hashbrown's table this one shrinks (a slot whose keys were mostly
//! deleted gives the memory back) and frees its block when its last key goes.

use std::alloc::{alloc, dealloc, handle_alloc_error, Layout};
use std::ptr::NonNull;

use super::Entry;

/// Tags examined per probe step.
const GROUP: usize = 8;
/// Tag of a never-used bucket; ends a probe sequence.
const EMPTY: u8 = 0xFF;
/// Tag of a bucket whose entry was removed while a probe sequence may pass it.
const DELETED: u8 = 0x80;
/// Smallest bucket count.
const MIN_BUCKETS: usize = 4;

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Block header, followed by `buckets + GROUP` tags, padding to 8, and the buckets.
#[repr(C)]
struct Header {
    /// Bucket count minus one (a power of two minus one).
    mask: u32,
    /// Entries present.
    len: u32,
    /// Entries that can still be added before a rehash (EMPTY tags to spend).
    growth_left: u32,
    /// Entries with an expire (maintained by the keyspace).
    volatile: u32,
}

const HEADER: usize = std::mem::size_of::<Header>();
const _: () = assert!(std::mem::size_of::<Option<Entry>>() == 8);
const _: () = assert!(std::mem::align_of::<Option<Entry>>() <= 8);

/// Byte offset of the buckets in a block of `buckets` buckets.
#[inline]
fn buckets_offset(buckets: usize) -> usize {
    HEADER + (buckets + GROUP).next_multiple_of(8)
}

fn block_layout(buckets: usize) -> Option<Layout> {
    let size = buckets
        .checked_mul(std::mem::size_of::<Option<Entry>>())?
        .checked_add(buckets_offset(buckets))?;
    Layout::from_size_align(size, 8).ok()
}

/// Entries a table of `buckets` buckets holds before it must grow: 7/8 of the
/// buckets, or one less than the buckets for tiny tables, so some tag is always
/// EMPTY and every probe sequence ends.
fn capacity_of(buckets: usize) -> usize {
    if buckets < GROUP {
        buckets - 1
    } else {
        buckets / 8 * 7
    }
}

/// Fewest buckets that hold `items` entries.
fn buckets_for(items: usize) -> usize {
    let mut b = MIN_BUCKETS;
    while capacity_of(b) < items {
        b *= 2;
    }
    b
}

/// Bitmask (high bit of each byte) of the tags in `group` equal to `tag`. May
/// also flag a byte right above a true match when it equals `tag ^ 1`, which is
/// then a full tag too: a false positive costs a key comparison, nothing more.
#[inline]
fn match_tag(group: u64, tag: u8) -> u64 {
    let x = group ^ (LO * u64::from(tag));
    x.wrapping_sub(LO) & !x & HI
}

/// Bitmask of EMPTY tags (the only tags with their two top bits set).
#[inline]
fn match_empty(group: u64) -> u64 {
    group & (group << 1) & HI
}

/// Bitmask of EMPTY or DELETED tags.
#[inline]
fn match_free(group: u64) -> u64 {
    group & HI
}

/// Index of the lowest flagged byte.
#[inline]
fn lowest(mask: u64) -> usize {
    mask.trailing_zeros() as usize / 8
}

#[inline]
fn tag_of(hash: u64) -> u8 {
    (hash >> 57) as u8
}

/// A block's header, tags and buckets, shared.
type View<'a> = (&'a Header, &'a [u8], &'a [Option<Entry>]);

/// A block's parts, borrowed mutably.
struct Parts<'a> {
    header: &'a mut Header,
    tags: &'a mut [u8],
    buckets: &'a mut [Option<Entry>],
}

impl Parts<'_> {
    #[inline]
    fn mask(&self) -> usize {
        self.header.mask as usize
    }

    #[inline]
    fn group(&self, pos: usize) -> u64 {
        group_at(self.tags, pos)
    }

    /// Sets a bucket's tag and its mirror(s): the first GROUP tags repeat after
    /// the last bucket (several times over in a table of fewer than GROUP).
    #[inline]
    fn set_tag(&mut self, index: usize, tag: u8) {
        if let Some(t) = self.tags.get_mut(index) {
            *t = tag;
        }
        if index < GROUP {
            let buckets = self.mask() + 1;
            let mut i = index + buckets;
            while let Some(t) = self.tags.get_mut(i) {
                *t = tag;
                i += buckets;
            }
        }
    }

    /// Bucket holding `key`.
    #[inline]
    fn find(&self, hash: u64, key: &[u8]) -> Option<usize> {
        find_in(self.tags, self.buckets, self.mask(), hash, key)
    }

    /// First EMPTY or DELETED bucket on `hash`'s probe sequence.
    fn find_free(&self, hash: u64) -> usize {
        let mask = self.mask();
        let mut pos = hash as usize & mask;
        let mut stride = 0;
        loop {
            let free = match_free(self.group(pos));
            if free != 0 {
                return (pos + lowest(free)) & mask;
            }
            stride += GROUP;
            pos = (pos + stride) & mask;
        }
    }
}

#[inline]
fn group_at(tags: &[u8], pos: usize) -> u64 {
    match tags.get(pos..pos + GROUP) {
        Some(&[a, b, c, d, e, f, g, h]) => u64::from_le_bytes([a, b, c, d, e, f, g, h]),
        // Out of range cannot happen (pos <= mask and tags has mask + 1 + GROUP
        // bytes); an all-EMPTY group ends any search safely.
        _ => u64::MAX,
    }
}

#[inline]
fn find_in(
    tags: &[u8],
    buckets: &[Option<Entry>],
    mask: usize,
    hash: u64,
    key: &[u8],
) -> Option<usize> {
    let tag = tag_of(hash);
    let mut pos = hash as usize & mask;
    let mut stride = 0;
    loop {
        let group = group_at(tags, pos);
        let mut hits = match_tag(group, tag);
        while hits != 0 {
            let index = (pos + lowest(hits)) & mask;
            if let Some(Some(e)) = buckets.get(index) {
                if e.key() == key {
                    return Some(index);
                }
            }
            hits &= hits - 1;
        }
        if match_empty(group) != 0 || stride > mask {
            return None;
        }
        stride += GROUP;
        pos = (pos + stride) & mask;
    }
}

/// One slot's entries (see the module documentation).
#[derive(Default)]
pub struct SlotTable {
    block: Option<NonNull<Header>>,
}

// SAFETY: a SlotTable exclusively owns its block and the entries in it, like a
// Box<[Option<Entry>]>; Entry is Send and Sync.
unsafe impl Send for SlotTable {}
// SAFETY: shared access only reads the block.
unsafe impl Sync for SlotTable {}

impl SlotTable {
    /// Allocates an empty block of `buckets` buckets (a power of two >= 4).
    fn allocate(buckets: usize) -> NonNull<Header> {
        let Some(layout) = block_layout(buckets) else {
            // A size overflow means more entries than memory could ever hold.
            panic!("slot table of {buckets} buckets");
        };
        // SAFETY: the layout is non-zero-sized (it includes the header).
        let raw = unsafe { alloc(layout) };
        let Some(block) = NonNull::new(raw) else {
            handle_alloc_error(layout);
        };
        let header = Header {
            mask: (buckets - 1) as u32,
            len: 0,
            growth_left: capacity_of(buckets) as u32,
            volatile: 0,
        };
        // SAFETY: the block is large enough and 8-aligned for the header, the
        // `buckets + GROUP` tag bytes after it and the buckets at
        // `buckets_offset`; all three are written here before any read.
        unsafe {
            block.cast::<Header>().as_ptr().write(header);
            std::ptr::write_bytes(raw.add(HEADER), EMPTY, buckets + GROUP);
            let first = raw.add(buckets_offset(buckets)).cast::<Option<Entry>>();
            for i in 0..buckets {
                first.add(i).write(None);
            }
        }
        block.cast()
    }

    #[inline]
    fn parts(&self) -> Option<View<'_>> {
        let block = self.block?;
        // SAFETY: a block is only created by `allocate`, which initialises the
        // header, `mask + 1 + GROUP` tags and `mask + 1` buckets at these
        // offsets; `&self` guarantees nobody mutates them meanwhile.
        unsafe {
            let header = block.as_ref();
            let buckets = header.mask as usize + 1;
            let raw = block.as_ptr().cast::<u8>();
            let tags = std::slice::from_raw_parts(raw.add(HEADER), buckets + GROUP);
            let entries = std::slice::from_raw_parts(
                raw.add(buckets_offset(buckets)).cast::<Option<Entry>>(),
                buckets,
            );
            Some((header, tags, entries))
        }
    }

    #[inline]
    fn parts_mut(&mut self) -> Option<Parts<'_>> {
        let block = self.block?;
        // SAFETY: as in `parts`; `&mut self` makes the access exclusive, and the
        // three regions do not overlap.
        unsafe {
            let buckets = block.as_ref().mask as usize + 1;
            let raw = block.as_ptr().cast::<u8>();
            let tags = std::slice::from_raw_parts_mut(raw.add(HEADER), buckets + GROUP);
            let entries = std::slice::from_raw_parts_mut(
                raw.add(buckets_offset(buckets)).cast::<Option<Entry>>(),
                buckets,
            );
            Some(Parts {
                header: &mut *block.as_ptr(),
                tags,
                buckets: entries,
            })
        }
    }

    /// Number of keys in the slot.
    #[inline]
    pub fn len(&self) -> usize {
        self.parts().map_or(0, |(h, _, _)| h.len as usize)
    }

    /// True when the slot has no keys.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of keys with an expire.
    #[inline]
    pub fn volatile(&self) -> u32 {
        self.parts().map_or(0, |(h, _, _)| h.volatile)
    }

    /// Adjusts the count of keys with an expire (no-op on an empty table, which
    /// has none).
    #[inline]
    pub fn add_volatile(&mut self, delta: i64) {
        if delta == 0 {
            return;
        }
        if let Some(p) = self.parts_mut() {
            p.header.volatile =
                (i64::from(p.header.volatile) + delta).clamp(0, u32::MAX.into()) as u32;
        }
    }

    /// Bytes allocated for the table itself (not the entries).
    pub fn allocated_bytes(&self) -> usize {
        self.parts()
            .and_then(|(h, _, _)| block_layout(h.mask as usize + 1))
            .map_or(0, |l| l.size())
    }

    /// The entries, in table order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry> {
        self.parts()
            .map(|(_, _, b)| b)
            .unwrap_or(&[])
            .iter()
            .flatten()
    }

    /// The entry for `key`, whose hash is `hash`.
    #[inline]
    pub fn find(&self, hash: u64, key: &[u8]) -> Option<&Entry> {
        let (h, tags, buckets) = self.parts()?;
        let index = find_in(tags, buckets, h.mask as usize, hash, key)?;
        buckets.get(index)?.as_ref()
    }

    /// Position of `key`'s entry, for [`Self::at_mut`].
    #[inline]
    pub fn find_index(&self, hash: u64, key: &[u8]) -> Option<usize> {
        let (h, tags, buckets) = self.parts()?;
        find_in(tags, buckets, h.mask as usize, hash, key)
    }

    /// The entry at a position [`Self::find_index`] returned (None if the table
    /// changed since).
    #[inline]
    pub fn at_mut(&mut self, index: usize) -> Option<&mut Entry> {
        self.parts_mut()?.buckets.get_mut(index)?.as_mut()
    }

    /// The entry for `key`, mutably.
    #[inline]
    pub fn find_mut(&mut self, hash: u64, key: &[u8]) -> Option<&mut Entry> {
        let index = self.find_index(hash, key)?;
        self.at_mut(index)
    }

    /// Inserts `entry` (whose key's hash is `hash`), replacing and returning the
    /// entry of the same key if there is one. `hasher` rehashes entries when the
    /// table grows.
    pub fn insert(
        &mut self,
        hash: u64,
        entry: Entry,
        hasher: impl Fn(&Entry) -> u64,
    ) -> Option<Entry> {
        match self.find_index(hash, entry.key()) {
            Some(index) => self.replace_at(index, entry),
            None => {
                self.insert_new(hash, entry, hasher);
                None
            }
        }
    }

    /// Puts `entry` in place of the entry at `index` (from [`Self::find_index`],
    /// for the same key), returning the old one.
    #[inline]
    pub fn replace_at(&mut self, index: usize, entry: Entry) -> Option<Entry> {
        self.parts_mut()?.buckets.get_mut(index)?.replace(entry)
    }

    /// Adds `entry`, whose key (hash `hash`) is known not to be present. `hasher`
    /// rehashes entries when the table grows.
    pub fn insert_new(&mut self, hash: u64, entry: Entry, hasher: impl Fn(&Entry) -> u64) {
        if let Some(mut p) = self.parts_mut() {
            let index = p.find_free(hash);
            let was_empty = p.tags.get(index) == Some(&EMPTY);
            if !was_empty || p.header.growth_left > 0 {
                p.header.growth_left -= u32::from(was_empty);
                p.header.len += 1;
                p.set_tag(index, tag_of(hash));
                if let Some(b) = p.buckets.get_mut(index) {
                    *b = Some(entry);
                }
                return;
            }
        }
        let len = self.len();
        let buckets = self.parts().map_or(0, |(h, _, _)| h.mask as usize + 1);
        // No EMPTY tag to spend: rehash at the same size when at most half the
        // capacity is in use (DELETED tags are what filled it), else grow.
        let target = if buckets > 0 && len < capacity_of(buckets) / 2 {
            buckets
        } else {
            buckets_for(len + 1).max(buckets * 2)
        };
        self.resize(target, &hasher);
        if let Some(mut p) = self.parts_mut() {
            let index = p.find_free(hash);
            p.header.growth_left = p.header.growth_left.saturating_sub(1);
            p.header.len += 1;
            p.set_tag(index, tag_of(hash));
            if let Some(b) = p.buckets.get_mut(index) {
                *b = Some(entry);
            }
        }
    }

    /// Hints the CPU to start loading the table's first lines, so the miss
    /// overlaps the work done before the lookup (the caller holds the lock
    /// and is about to look a key up here).
    #[inline]
    pub fn prefetch(&self) {
        #[cfg(target_arch = "x86_64")]
        if let Some(block) = self.block {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            let p = block.as_ptr().cast::<i8>();
            // SAFETY: a prefetch has no architectural effect and never faults;
            // the second address is inside or just past the block (at least 64
            // bytes long), computed with wrapping arithmetic.
            unsafe {
                _mm_prefetch::<_MM_HINT_T0>(p);
                _mm_prefetch::<_MM_HINT_T0>(p.wrapping_add(64));
            }
        }
    }

    /// Removes and returns `key`'s entry (`hash` is the key's hash). `hasher`
    /// rehashes entries if the table shrinks.
    pub fn remove(
        &mut self,
        hash: u64,
        key: &[u8],
        hasher: impl Fn(&Entry) -> u64,
    ) -> Option<Entry> {
        let mut p = self.parts_mut()?;
        let index = p.find(hash, key)?;
        let removed = p.buckets.get_mut(index)?.take();
        Self::clear_tag(&mut p, index);
        p.header.len -= 1;
        self.after_removal(&hasher);
        removed
    }

    /// Marks a bucket free: EMPTY when no probe sequence can have run past it
    /// (fewer than GROUP non-EMPTY tags in a row around it), else DELETED.
    fn clear_tag(p: &mut Parts<'_>, index: usize) {
        let mask = p.mask();
        let tag = if mask + 1 < GROUP {
            // Every group holds the whole table, which always has an EMPTY tag.
            EMPTY
        } else {
            let before = match_empty(p.group(index.wrapping_sub(GROUP) & mask));
            let after = match_empty(p.group(index));
            let run = before.leading_zeros() / 8 + after.trailing_zeros() / 8;
            if run as usize >= GROUP {
                DELETED
            } else {
                EMPTY
            }
        };
        if tag == EMPTY {
            p.header.growth_left += 1;
        }
        p.set_tag(index, tag);
    }

    /// Keeps the entries `keep` accepts, dropping the others.
    pub fn retain(&mut self, mut keep: impl FnMut(&Entry) -> bool, hasher: impl Fn(&Entry) -> u64) {
        let Some(mut p) = self.parts_mut() else {
            return;
        };
        for index in 0..=p.mask() {
            let drop_it = matches!(p.buckets.get(index), Some(Some(e)) if !keep(e));
            if drop_it {
                if let Some(b) = p.buckets.get_mut(index) {
                    *b = None;
                }
                Self::clear_tag(&mut p, index);
                p.header.len -= 1;
            }
        }
        self.after_removal(&hasher);
    }

    /// Frees the block of an empty table, and shrinks one at most 1/8 full to
    /// half load (so growing again takes as many inserts as were removed).
    fn after_removal(&mut self, hasher: &dyn Fn(&Entry) -> u64) {
        let Some((h, _, _)) = self.parts() else {
            return;
        };
        let (len, buckets) = (h.len as usize, h.mask as usize + 1);
        if len == 0 {
            self.free();
        } else if buckets > GROUP && len <= capacity_of(buckets) / 8 {
            let target = buckets_for(len * 2);
            if target < buckets {
                self.resize(target, hasher);
            }
        }
    }

    /// Moves every entry into a new block of `buckets` buckets.
    fn resize(&mut self, buckets: usize, hasher: &dyn Fn(&Entry) -> u64) {
        let mut new = SlotTable {
            block: Some(Self::allocate(buckets)),
        };
        let volatile = self.volatile();
        if let (Some(old), Some(mut p)) = (self.parts_mut(), new.parts_mut()) {
            p.header.volatile = volatile;
            for slot in old.buckets.iter_mut() {
                let Some(e) = slot.take() else { continue };
                let hash = hasher(&e);
                let index = p.find_free(hash);
                p.set_tag(index, tag_of(hash));
                if let Some(b) = p.buckets.get_mut(index) {
                    *b = Some(e);
                }
                p.header.len += 1;
                p.header.growth_left -= 1;
            }
            old.header.len = 0;
        }
        // The old block now holds no entries; dropping it frees the block.
        *self = new;
    }

    /// Drops every entry and frees the block.
    fn free(&mut self) {
        let Some(block) = self.block.take() else {
            return;
        };
        // SAFETY: the block came from `allocate` with this bucket count; the
        // buckets are initialised `Option<Entry>`s dropped exactly once here, and
        // `self.block` no longer refers to the block.
        unsafe {
            let buckets = block.as_ref().mask as usize + 1;
            let raw = block.as_ptr().cast::<u8>();
            let first = raw.add(buckets_offset(buckets)).cast::<Option<Entry>>();
            std::ptr::drop_in_place(std::ptr::slice_from_raw_parts_mut(first, buckets));
            if let Some(layout) = block_layout(buckets) {
                dealloc(raw, layout);
            }
        }
    }
}

impl Drop for SlotTable {
    fn drop(&mut self) {
        self.free();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::NewValue;
    use std::collections::HashMap;
    use std::hash::BuildHasher;

    fn entry(key: &[u8], value: u64) -> Entry {
        Entry::new(key, NewValue::string(value.to_string().as_bytes()), None, 0).expect("entry")
    }

    fn value(e: &Entry) -> Vec<u8> {
        e.value().as_string().expect("string").into_owned()
    }

    /// A tiny xorshift generator, so the test needs no dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    fn check(t: &SlotTable, model: &HashMap<Vec<u8>, u64>, hash: &dyn Fn(&[u8]) -> u64) {
        assert_eq!(t.len(), model.len());
        assert_eq!(t.iter().count(), model.len());
        for (k, v) in model {
            let e = t.find(hash(k), k).expect("present");
            assert_eq!(value(e), v.to_string().into_bytes());
        }
        if let Some((h, tags, buckets)) = t.parts() {
            let n = h.mask as usize + 1;
            let full = tags[..n].iter().filter(|&&t| t & 0x80 == 0).count();
            assert_eq!(full, model.len(), "full tags match entries");
            let empty = tags[..n].iter().filter(|&&t| t == EMPTY).count();
            let deleted = n - empty - full;
            assert_eq!(h.growth_left as usize, capacity_of(n) - full - deleted);
            for i in 0..GROUP {
                assert_eq!(tags[n + i], tags[i % n], "mirror {i}");
            }
            for (i, b) in buckets.iter().enumerate() {
                assert_eq!(b.is_some(), tags[i] & 0x80 == 0);
            }
        }
    }

    #[test]
    fn model_against_hashmap() {
        let state = foldhash::fast::RandomState::default();
        let hash = |k: &[u8]| state.hash_one(k);
        let hasher = |e: &Entry| state.hash_one(e.key());
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut t = SlotTable::default();
        let mut model: HashMap<Vec<u8>, u64> = HashMap::new();
        // Phases: grow to ~2,000 keys, churn, shrink to none, repeat with a small
        // key space so inserts, replacements and removals all hit.
        for round in 0..3u64 {
            for phase in 0..3 {
                let (ops, insert_pct, space) = match phase {
                    0 => (4000, 80, 3000),
                    1 => (4000, 50, 3000),
                    _ => (6000, 10, 3000),
                };
                for _ in 0..ops {
                    let k = format!("k{}:{}", round, rng.next() % space).into_bytes();
                    let v = rng.next();
                    if rng.next() % 100 < insert_pct {
                        let old = t.insert(hash(&k), entry(&k, v), hasher);
                        let model_old = model.insert(k.clone(), v);
                        assert_eq!(
                            old.map(|e| value(&e)),
                            model_old.map(|v| v.to_string().into_bytes())
                        );
                    } else {
                        let old = t.remove(hash(&k), &k, hasher);
                        let model_old = model.remove(&k);
                        assert_eq!(
                            old.map(|e| value(&e)),
                            model_old.map(|v| v.to_string().into_bytes())
                        );
                    }
                }
                check(&t, &model, &hash);
            }
            // Drain what is left through retain.
            t.retain(|e| e.key().len() % 2 == 0, hasher);
            model.retain(|k, _| k.len() % 2 == 0);
            check(&t, &model, &hash);
            t.retain(|_| false, hasher);
            model.clear();
            check(&t, &model, &hash);
            assert!(t.block.is_none(), "an empty table frees its block");
        }
    }

    #[test]
    fn small_tables_and_shrink() {
        let state = foldhash::fast::RandomState::default();
        let hash = |k: &[u8]| state.hash_one(k);
        let hasher = |e: &Entry| state.hash_one(e.key());
        let mut t = SlotTable::default();
        for i in 0..3u64 {
            let k = i.to_string().into_bytes();
            assert!(t.insert(hash(&k), entry(&k, i), hasher).is_none());
        }
        assert_eq!(t.allocated_bytes(), block_layout(4).expect("layout").size());
        for i in 3..1000u64 {
            let k = i.to_string().into_bytes();
            t.insert(hash(&k), entry(&k, i), hasher);
        }
        let big = t.allocated_bytes();
        for i in 10..1000u64 {
            let k = i.to_string().into_bytes();
            assert!(t.remove(hash(&k), &k, hasher).is_some());
        }
        assert_eq!(t.len(), 10);
        assert!(t.allocated_bytes() < big / 8, "shrank");
        // Churn at constant size never needs more than a same-size rehash.
        let size = t.allocated_bytes();
        for i in 0..10_000u64 {
            let k = format!("c{i}").into_bytes();
            t.insert(hash(&k), entry(&k, i), hasher);
            t.remove(hash(&k), &k, hasher);
        }
        assert_eq!(t.len(), 10);
        assert_eq!(t.allocated_bytes(), size);
    }

    #[test]
    fn swar_matches() {
        let group = u64::from_le_bytes([0x12, EMPTY, DELETED, 0x13, 0x12, 0x00, EMPTY, 0x7F]);
        assert_eq!(
            match_tag(group, 0x12) & (0x80 | 0x80 << 32),
            0x80 | 0x80 << 32
        );
        assert_eq!(match_empty(group), 0x80 << 8 | 0x80 << 48);
        assert_eq!(match_free(group), 0x80 << 8 | 0x80 << 16 | 0x80 << 48);
        assert_eq!(lowest(match_empty(group)), 1);
    }
}
