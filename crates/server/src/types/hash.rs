//! The hash type and its two encodings, converted at Redis 7.2's thresholds:
//!
//! * `listpack` ([`Packed`] holding field, value, field, value, ...): at most
//!   `hash-max-listpack-entries` fields, no field or value longer than
//!   `hash-max-listpack-value` bytes;
//! * `hashtable` ([`Dense`] of field/value pairs, each pair one allocation).
//!
//! A hash never goes back to the listpack encoding (a new key starts small).

use std::sync::atomic::Ordering::Relaxed;

use super::dense::{random_index, Dense, Keyed};
use super::packed::{item_for, Item, Packed};
use super::set::LISTPACK_MAX_SAFETY_SIZE;
use crate::settings::EncodingLimits;

/// The hash thresholds, read once per command.
#[derive(Debug, Clone, Copy)]
pub struct HashLimits {
    /// `hash-max-listpack-entries`.
    pub entries: usize,
    /// `hash-max-listpack-value`.
    pub value: usize,
}

impl HashLimits {
    /// The current thresholds.
    pub fn load(enc: &EncodingLimits) -> HashLimits {
        let get = |a: &std::sync::atomic::AtomicU64| {
            usize::try_from(a.load(Relaxed)).unwrap_or(usize::MAX)
        };
        HashLimits {
            entries: get(&enc.hash_max_listpack_entries),
            value: get(&enc.hash_max_listpack_value),
        }
    }
}

impl Default for HashLimits {
    fn default() -> Self {
        HashLimits {
            entries: 512,
            value: 64,
        }
    }
}

/// A field and its value in one allocation: `[field length, LEB128][field][value]`.
#[derive(Clone, Debug)]
pub struct Pair(Box<[u8]>);

impl Pair {
    /// Packs a field and a value.
    pub fn new(field: &[u8], value: &[u8]) -> Pair {
        let mut buf = Vec::with_capacity(field.len() + value.len() + 10);
        let mut n = field.len();
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                buf.push(byte);
                break;
            }
            buf.push(byte | 0x80);
        }
        buf.extend_from_slice(field);
        buf.extend_from_slice(value);
        Pair(buf.into_boxed_slice())
    }

    /// Where the field starts and ends.
    #[inline]
    fn field_range(&self) -> (usize, usize) {
        let mut len = 0usize;
        let mut shift = 0;
        for (i, &b) in self.0.iter().enumerate().take(10) {
            len |= usize::from(b & 0x7f) << shift;
            shift += 7;
            if b & 0x80 == 0 {
                let start = i + 1;
                return (start, start.saturating_add(len).min(self.0.len()));
            }
        }
        (0, 0)
    }

    /// The field.
    #[inline]
    pub fn field(&self) -> &[u8] {
        let (s, e) = self.field_range();
        self.0.get(s..e).unwrap_or(&[])
    }

    /// The value.
    #[inline]
    pub fn value(&self) -> &[u8] {
        let (_, e) = self.field_range();
        self.0.get(e..).unwrap_or(&[])
    }
}

impl Keyed for Pair {
    #[inline]
    fn key(&self) -> &[u8] {
        self.field()
    }
    fn heap_bytes(&self) -> usize {
        self.0.len()
    }
}

#[derive(Clone, Debug)]
enum Repr {
    Packed(Packed),
    Table(Box<Dense<Pair>>),
}

/// A hash value.
///
/// Keep this type at most 24 bytes: it is stored inline in [`super::Object`], whose
/// size every heap value pays.
#[derive(Debug, Clone)]
pub struct Hash {
    repr: Repr,
}

const _: () = assert!(std::mem::size_of::<Hash>() <= 24);

impl Default for Hash {
    fn default() -> Self {
        Hash::new()
    }
}

impl Hash {
    /// An empty listpack-encoded hash.
    pub fn new() -> Hash {
        Hash {
            repr: Repr::Packed(Packed::new()),
        }
    }

    /// The listpack, when the hash has that encoding.
    pub fn as_packed(&self) -> Option<&Packed> {
        match &self.repr {
            Repr::Packed(p) => Some(p),
            Repr::Table(_) => None,
        }
    }

    /// A listpack-encoded hash over `p` (field, value, ...); `None` for an odd
    /// number of elements.
    pub fn from_packed(p: Packed) -> Option<Hash> {
        p.len().is_multiple_of(2).then_some(Hash {
            repr: Repr::Packed(p),
        })
    }

    /// The name reported by `OBJECT ENCODING`.
    pub fn encoding_name(&self) -> &'static str {
        match self.repr {
            Repr::Packed(_) => "listpack",
            Repr::Table(_) => "hashtable",
        }
    }

    /// Approximate heap bytes, for `MEMORY USAGE`.
    pub fn memory_usage(&self) -> usize {
        match &self.repr {
            Repr::Packed(p) => p.byte_len(),
            Repr::Table(t) => std::mem::size_of::<Dense<Pair>>() + t.heap_bytes(),
        }
    }

    /// Number of fields.
    #[inline]
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Packed(p) => p.len() / 2,
            Repr::Table(t) => t.len(),
        }
    }

    /// True when there are no fields.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True for the hashtable encoding.
    pub fn is_table(&self) -> bool {
        matches!(self.repr, Repr::Table(_))
    }

    /// The value of a field.
    pub fn get(&self, field: &[u8]) -> Option<Item<'_>> {
        match &self.repr {
            Repr::Packed(p) => {
                let pos = p.find(field, 2)?;
                let (_, vpos) = p.at(pos)?;
                p.at(vpos).map(|(v, _)| v)
            }
            Repr::Table(t) => t.get(field).map(|pair| Item::Str(pair.value())),
        }
    }

    /// True when the field exists.
    pub fn contains(&self, field: &[u8]) -> bool {
        match &self.repr {
            Repr::Packed(p) => p.find(field, 2).is_some(),
            Repr::Table(t) => t.find(field).is_some(),
        }
    }

    /// Converts a listpack ahead of storing the given fields and values when they
    /// could not fit (Redis's `hashTypeTryConversion`): more new fields than
    /// `hash-max-listpack-entries`, or a field or value that is too long.
    pub fn try_conversion<'a>(
        &mut self,
        args: impl ExactSizeIterator<Item = &'a [u8]>,
        lim: &HashLimits,
    ) {
        let Repr::Packed(p) = &self.repr else { return };
        let new_fields = args.len() / 2;
        if new_fields > lim.entries {
            self.convert_to_table(new_fields);
            return;
        }
        let mut sum = 0usize;
        for a in args {
            if a.len() > lim.value {
                self.convert_to_table(0);
                return;
            }
            sum = sum.saturating_add(a.len());
        }
        if p.byte_len().saturating_add(sum) > LISTPACK_MAX_SAFETY_SIZE {
            self.convert_to_table(0);
        }
    }

    /// Sets a field; true when the field is new (Redis's `hashTypeSet`).
    pub fn set(&mut self, field: &[u8], value: &[u8], lim: &HashLimits) -> bool {
        if let Repr::Packed(_) = self.repr {
            if field.len() > lim.value || value.len() > lim.value {
                self.convert_to_table(0);
            }
        }
        match &mut self.repr {
            Repr::Packed(p) => {
                if let Some(pos) = p.find(field, 2) {
                    if let Some((_, vpos)) = p.at(pos) {
                        p.replace_at(vpos, &item_for(value));
                    }
                    return false;
                }
                p.push_back(&[item_for(field), item_for(value)]);
                if p.len() / 2 > lim.entries {
                    self.convert_to_table(0);
                }
                true
            }
            Repr::Table(t) => match t.find(field) {
                Some(pos) => {
                    t.replace_at(pos, Pair::new(field, value));
                    false
                }
                None => t.push_new(Pair::new(field, value)),
            },
        }
    }

    /// Deletes a field; false when it did not exist.
    pub fn delete(&mut self, field: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Packed(p) => match p.find(field, 2) {
                Some(pos) => p.remove_at(pos, 2) == 2,
                None => false,
            },
            Repr::Table(t) => t.remove(field).is_some(),
        }
    }

    /// The fields and values in encoding order.
    pub fn iter(&self) -> HashIter<'_> {
        match &self.repr {
            Repr::Packed(p) => HashIter::Packed(p.iter()),
            Repr::Table(t) => HashIter::Table(t.items().iter()),
        }
    }

    /// The pairs at the given positions (in encoding order), in the order asked.
    pub fn select(&self, positions: &[usize]) -> Vec<(Item<'_>, Item<'_>)> {
        match &self.repr {
            Repr::Table(t) => positions
                .iter()
                .filter_map(|&i| {
                    t.at(i)
                        .map(|p| (Item::Str(p.field()), Item::Str(p.value())))
                })
                .collect(),
            Repr::Packed(_) => {
                let mut order: Vec<(usize, usize)> = positions.iter().copied().zip(0..).collect();
                order.sort_unstable();
                let mut out = vec![(Item::Int(0), Item::Int(0)); positions.len()];
                let mut it = self.iter().enumerate().peekable();
                for (pos, slot) in order {
                    while it.peek().is_some_and(|(i, _)| *i < pos) {
                        it.next();
                    }
                    if let Some((_, pair)) = it.peek() {
                        if let Some(o) = out.get_mut(slot) {
                            *o = *pair;
                        }
                    }
                }
                out
            }
        }
    }

    /// A uniformly random field and its value (the hash must not be empty).
    pub fn random(&self) -> Option<(Item<'_>, Item<'_>)> {
        self.select(&[random_index(self.len())]).into_iter().next()
    }

    /// One HSCAN step: the pairs to return and the next cursor. The listpack
    /// encoding returns everything with cursor 0, as Redis does.
    pub fn scan(&self, cursor: u64, count: usize) -> (Vec<(Item<'_>, Item<'_>)>, u64) {
        match &self.repr {
            Repr::Table(t) => {
                let (range, next) = t.scan_step(cursor, count);
                let items = t
                    .items()
                    .get(range)
                    .unwrap_or(&[])
                    .iter()
                    .map(|p| (Item::Str(p.field()), Item::Str(p.value())))
                    .collect();
                (items, next)
            }
            Repr::Packed(_) => (self.iter().collect(), 0),
        }
    }

    fn convert_to_table(&mut self, cap: usize) {
        let Repr::Packed(_) = self.repr else { return };
        let mut t = Dense::with_capacity(cap.max(self.len()));
        for (f, v) in self.iter() {
            t.push_new(Pair::new(&f.to_bytes(), &v.to_bytes()));
        }
        self.repr = Repr::Table(Box::new(t));
    }
}

/// Iterator over a hash's fields and values.
pub enum HashIter<'a> {
    /// Over a listpack.
    Packed(super::packed::Iter<'a>),
    /// Over a table.
    Table(std::slice::Iter<'a, Pair>),
}

impl<'a> Iterator for HashIter<'a> {
    type Item = (Item<'a>, Item<'a>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            HashIter::Packed(it) => {
                let f = it.next()?;
                let v = it.next()?;
                Some((f, v))
            }
            HashIter::Table(it) => it
                .next()
                .map(|p| (Item::Str(p.field()), Item::Str(p.value()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(h: &Hash) -> Vec<(Vec<u8>, Vec<u8>)> {
        h.iter()
            .map(|(f, v)| (f.to_bytes().into_owned(), v.to_bytes().into_owned()))
            .collect()
    }

    #[test]
    fn pair_layout() {
        let long = vec![b'f'; 300];
        for (f, v) in [(&b""[..], &b""[..]), (b"a", b"bc"), (&long[..], b"v")] {
            let p = Pair::new(f, v);
            assert_eq!(p.field(), f);
            assert_eq!(p.value(), v);
        }
    }

    #[test]
    fn listpack_set_get_delete_and_conversions() {
        let lim = HashLimits {
            entries: 3,
            value: 8,
        };
        let mut h = Hash::new();
        assert!(h.set(b"a", b"1", &lim));
        assert!(h.set(b"b", b"two", &lim));
        assert!(!h.set(b"a", b"one", &lim));
        assert_eq!(
            h.get(b"a").map(|i| i.to_bytes().into_owned()),
            Some(b"one".to_vec())
        );
        assert_eq!(
            pairs(&h),
            vec![
                (b"a".to_vec(), b"one".to_vec()),
                (b"b".to_vec(), b"two".to_vec())
            ]
        );
        assert_eq!(h.encoding_name(), "listpack");
        h.set(b"c", b"3", &lim);
        assert_eq!(h.encoding_name(), "listpack");
        h.set(b"d", b"4", &lim);
        assert_eq!(h.encoding_name(), "hashtable");
        assert_eq!(h.len(), 4);
        assert!(h.delete(b"a") && !h.delete(b"a"));
        assert!(h.contains(b"d") && !h.contains(b"a"));
        let mut h = Hash::new();
        h.set(b"f", b"123456789", &lim);
        assert!(h.is_table(), "value over the limit");
        let mut h = Hash::new();
        h.try_conversion(
            [&b"f"[..], b"v", b"g", b"w", b"h", b"x", b"i", b"y"].into_iter(),
            &lim,
        );
        assert!(h.is_table(), "four new fields announced");
        let mut h = Hash::new();
        h.try_conversion([&b"f"[..], b"v"].into_iter(), &lim);
        assert!(!h.is_table());
    }

    #[test]
    fn select_random_scan() {
        let lim = HashLimits::default();
        for n in [5, 1000] {
            let mut h = Hash::new();
            for i in 0..n {
                h.set(format!("f{i}").as_bytes(), format!("{i}").as_bytes(), &lim);
            }
            let sel = h.select(&[3, 0, 4]);
            assert_eq!(sel.len(), 3);
            for (f, v) in sel {
                assert_eq!(
                    f.to_bytes().into_owned(),
                    format!("f{}", String::from_utf8_lossy(&v.to_bytes())).into_bytes()
                );
            }
            assert!(h.random().is_some());
            let mut seen = 0;
            let mut cursor = 0;
            loop {
                let (items, next) = h.scan(cursor, 10);
                seen += items.len();
                cursor = next;
                if cursor == 0 {
                    break;
                }
            }
            assert_eq!(seen, n);
        }
    }
}
