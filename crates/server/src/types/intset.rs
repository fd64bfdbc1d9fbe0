//! A sorted set of integers stored at one fixed width: Cinnabar's `intset`.
//!
//! As in Redis, every value is stored with the width of the widest one (16, 32 or
//! 64 bits), the values are kept sorted so lookups are binary searches, and the
//! width only ever grows (removing the one wide value does not narrow the others).
//!
//! Storage is one exact-size allocation `[width code][values, little-endian...]`,
//! resized on every change like Redis's. Small sets (up to 22 bytes of values:
//! eleven 16-bit values, five 32-bit or two 64-bit ones) need no allocation at all:
//! the values live inline in the 24-byte value, which is what makes a set of ten
//! small integers cost less than in Redis.

/// Bytes of values that fit inline.
const INLINE_BYTES: usize = 22;

/// Width codes: 0 → 2 bytes, 1 → 4 bytes, 2 → 8 bytes.
#[inline]
fn width_of(code: u8) -> usize {
    2usize << code.min(2)
}

/// The smallest width code that holds `v`.
#[inline]
fn code_for(v: i64) -> u8 {
    if i16::try_from(v).is_ok() {
        0
    } else if i32::try_from(v).is_ok() {
        1
    } else {
        2
    }
}

#[inline]
fn read_at(values: &[u8], width: usize, i: usize) -> Option<i64> {
    let raw = values.get(i.checked_mul(width)?..i.checked_mul(width)?.checked_add(width)?)?;
    Some(match width {
        2 => i64::from(i16::from_le_bytes([raw[0], raw[1]])),
        4 => i64::from(i32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]])),
        _ => i64::from_le_bytes(raw.try_into().ok()?),
    })
}

#[inline]
fn push_value(out: &mut Vec<u8>, v: i64, width: usize) {
    out.extend_from_slice(&v.to_le_bytes()[..width]);
}

#[derive(Clone)]
enum Store {
    /// `head` holds the width code (bits 0-1) and the count (bits 2-7).
    Inline { head: u8, data: [u8; INLINE_BYTES] },
    /// `[width code][values...]`.
    Heap(Box<[u8]>),
}

/// A sorted set of 64-bit integers.
#[derive(Clone)]
pub struct IntSet {
    store: Store,
}

impl Default for IntSet {
    fn default() -> Self {
        IntSet::new()
    }
}

impl IntSet {
    /// An empty set (16-bit width, no allocation).
    pub fn new() -> IntSet {
        IntSet {
            store: Store::Inline {
                head: 0,
                data: [0; INLINE_BYTES],
            },
        }
    }

    /// Width code and the value bytes.
    #[inline]
    fn parts(&self) -> (u8, &[u8]) {
        match &self.store {
            Store::Inline { head, data } => {
                let code = head & 0b11;
                let len = usize::from(head >> 2) * width_of(code);
                (code, data.get(..len).unwrap_or(&[]))
            }
            Store::Heap(b) => match b.split_first() {
                Some((&code, values)) => (code, values),
                None => (0, &[]),
            },
        }
    }

    /// Rebuilds the storage from a width code and value bytes.
    fn from_parts(code: u8, values: &[u8]) -> IntSet {
        if values.len() <= INLINE_BYTES {
            let mut data = [0u8; INLINE_BYTES];
            data[..values.len()].copy_from_slice(values);
            let count = (values.len() / width_of(code)) as u8;
            IntSet {
                store: Store::Inline {
                    head: code | (count << 2),
                    data,
                },
            }
        } else {
            let mut buf = Vec::with_capacity(values.len() + 1);
            buf.push(code);
            buf.extend_from_slice(values);
            IntSet {
                store: Store::Heap(buf.into_boxed_slice()),
            }
        }
    }

    /// The width code and the value bytes, for storing the set inside its
    /// keyspace entry.
    pub fn raw_parts(&self) -> (u8, &[u8]) {
        self.parts()
    }

    /// Rebuilds a set from [`IntSet::raw_parts`]; `None` for an unknown width or
    /// a byte count that is not a whole number of values.
    pub fn from_raw_parts(code: u8, values: &[u8]) -> Option<IntSet> {
        (code <= 2 && values.len().is_multiple_of(width_of(code)))
            .then(|| IntSet::from_parts(code, values))
    }

    /// Number of values.
    #[inline]
    pub fn len(&self) -> usize {
        let (code, values) = self.parts();
        values.len() / width_of(code)
    }

    /// True when the set is empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes per value (2, 4 or 8).
    pub fn width(&self) -> usize {
        width_of(self.parts().0)
    }

    /// The `i`-th smallest value.
    #[inline]
    pub fn get(&self, i: usize) -> Option<i64> {
        let (code, values) = self.parts();
        read_at(values, width_of(code), i)
    }

    /// Binary search: `Ok(index)` when present, `Err(insertion index)` otherwise.
    fn search(&self, v: i64) -> Result<usize, usize> {
        let (code, values) = self.parts();
        let width = width_of(code);
        if code_for(v) > code {
            // Outside the range the current width can hold.
            return Err(if v < 0 { 0 } else { values.len() / width });
        }
        let (mut lo, mut hi) = (0usize, values.len() / width);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match read_at(values, width, mid) {
                Some(x) if x < v => lo = mid + 1,
                Some(x) if x > v => hi = mid,
                Some(_) => return Ok(mid),
                None => return Err(lo),
            }
        }
        Err(lo)
    }

    /// True when `v` is a member.
    #[inline]
    pub fn contains(&self, v: i64) -> bool {
        self.search(v).is_ok()
    }

    /// Adds `v`; false when it was already present.
    pub fn insert(&mut self, v: i64) -> bool {
        let (code, values) = self.parts();
        let width = width_of(code);
        let needed = code_for(v);
        if needed > code && !values.is_empty() {
            // Upgrade: every value is re-encoded; `v` is beyond the old range, so it
            // goes first (negative) or last (positive).
            let new_width = width_of(needed);
            let n = values.len() / width;
            let mut out = Vec::with_capacity((n + 1) * new_width);
            if v < 0 {
                push_value(&mut out, v, new_width);
            }
            for i in 0..n {
                push_value(&mut out, read_at(values, width, i).unwrap_or(0), new_width);
            }
            if v >= 0 {
                push_value(&mut out, v, new_width);
            }
            *self = IntSet::from_parts(needed, &out);
            return true;
        }
        let code = code.max(needed);
        let width = width_of(code);
        let Err(at) = self.search(v) else {
            return false;
        };
        let (_, values) = self.parts();
        let split = (at * width).min(values.len());
        let mut out = Vec::with_capacity(values.len() + width);
        out.extend_from_slice(&values[..split]);
        push_value(&mut out, v, width);
        out.extend_from_slice(&values[split..]);
        *self = IntSet::from_parts(code, &out);
        true
    }

    /// Removes `v`; false when it was not present. The width never shrinks.
    pub fn remove(&mut self, v: i64) -> bool {
        let Ok(at) = self.search(v) else { return false };
        let (code, values) = self.parts();
        let width = width_of(code);
        let split = at * width;
        let mut out = Vec::with_capacity(values.len().saturating_sub(width));
        out.extend_from_slice(values.get(..split).unwrap_or(&[]));
        out.extend_from_slice(values.get(split + width..).unwrap_or(&[]));
        *self = IntSet::from_parts(code, &out);
        true
    }

    /// Removes the values at the given ascending, distinct indices.
    pub fn remove_indices(&mut self, sorted: &[usize]) {
        let (code, values) = self.parts();
        let width = width_of(code);
        let mut out = Vec::with_capacity(values.len());
        let mut skip = sorted.iter().peekable();
        for i in 0..values.len() / width {
            if skip.peek() == Some(&&i) {
                skip.next();
                continue;
            }
            out.extend_from_slice(&values[i * width..(i + 1) * width]);
        }
        *self = IntSet::from_parts(code, &out);
    }

    /// The smallest value.
    pub fn min(&self) -> Option<i64> {
        self.get(0)
    }

    /// The largest value.
    pub fn max(&self) -> Option<i64> {
        self.len().checked_sub(1).and_then(|i| self.get(i))
    }

    /// The values in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        let (code, values) = self.parts();
        let width = width_of(code);
        (0..values.len() / width).filter_map(move |i| read_at(values, width, i))
    }

    /// Heap bytes held (0 while inline).
    pub fn heap_bytes(&self) -> usize {
        match &self.store {
            Store::Inline { .. } => 0,
            Store::Heap(b) => b.len(),
        }
    }
}

impl std::fmt::Debug for IntSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_inserts_removes_and_upgrades() {
        let mut s = IntSet::new();
        assert!(s.is_empty());
        for v in [5, -3, 100, 7, 5, 0] {
            s.insert(v);
        }
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![-3, 0, 5, 7, 100]);
        assert_eq!(s.width(), 2);
        assert_eq!(s.heap_bytes(), 0);
        assert!(!s.insert(7));
        assert!(s.insert(70_000));
        assert_eq!(s.width(), 4);
        assert!(s.insert(-5_000_000_000));
        assert_eq!(s.width(), 8);
        assert_eq!(
            s.iter().collect::<Vec<_>>(),
            vec![-5_000_000_000, -3, 0, 5, 7, 100, 70_000]
        );
        assert!(s.contains(70_000) && s.contains(-3) && !s.contains(6) && !s.contains(i64::MAX));
        assert!(s.remove(-5_000_000_000));
        assert!(!s.remove(-5_000_000_000));
        assert_eq!(s.width(), 8, "width never shrinks");
        assert_eq!((s.min(), s.max()), (Some(-3), Some(70_000)));
        s.remove_indices(&[0, 2]);
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0, 7, 100, 70_000]);
    }

    #[test]
    fn inline_then_heap_then_inline() {
        let mut s = IntSet::new();
        for v in 0..11 {
            s.insert(v);
        }
        assert_eq!(s.heap_bytes(), 0, "eleven 16-bit values fit inline");
        s.insert(11);
        assert_eq!(s.heap_bytes(), 1 + 12 * 2);
        s.remove(0);
        assert_eq!(s.heap_bytes(), 0);
        assert_eq!(s.len(), 11);
        for v in [i64::MIN, i64::MAX, -1, 1] {
            let mut t = IntSet::new();
            t.insert(v);
            assert_eq!(t.get(0), Some(v));
        }
        let mut big = IntSet::new();
        for v in (0..1000).rev() {
            big.insert(v * 3);
        }
        assert_eq!(big.len(), 1000);
        assert!(big.iter().zip(big.iter().skip(1)).all(|(a, b)| a < b));
        assert!(big.contains(2997) && !big.contains(2998));
    }

    #[test]
    fn fits_in_24_bytes() {
        assert!(std::mem::size_of::<IntSet>() <= 24);
    }
}
