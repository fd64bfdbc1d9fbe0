//! The small sorted-set encoding (reported as `listpack`, like Redis's): one
//! exact-size allocation holding `(member, score)` pairs in (score, member)
//! order.
//!
//! It plays the role of Redis's listpack for sorted sets but is laid out for
//! them, because small sorted sets are numerous and every byte counts (the
//! generic [`Packed`](super::packed::Packed) sequence spends a tag, a
//! back-length and a separate element on each score). Measured with
//! `bench/run.sh --only memory --datasets zsets` (100,000 sets of 10 members
//! `m0`..`m9` with scores 0..9): the generic sequence took 74 bytes per set
//! (an 80-byte allocation) and 184 bytes of RSS per key, 1.16 × Redis 7.0;
//! this layout takes 41 bytes (a 48-byte allocation) and 152 bytes per key.
//!
//! ```text
//! [pair count: LEB128] then per pair: [member length: LEB128][member][score]
//! score: one tag byte t
//!   t <= 0xEF        the integer t - 16 (so -16..=223 costs one byte)
//!   0xF0 / F1 / F2 / F3   an i8 / i16 / i32 / i64 follows (little-endian)
//!   0xF4             an f64 follows (little-endian)
//! ```
//!
//! A score is stored as an integer exactly when Redis's `double2ll` would store
//! it so in a listpack (an integral value within ±`i64::MAX / 2`; `-0` becomes
//! `0`), otherwise as a double. Pairs are walked forwards only; positions are
//! byte offsets of a pair's start.

const SMALL_BIAS: i64 = 16;
const SMALL_MAX: u8 = 0xEF;
const TAG_I8: u8 = 0xF0;
const TAG_I16: u8 = 0xF1;
const TAG_I32: u8 = 0xF2;
const TAG_I64: u8 = 0xF3;
const TAG_F64: u8 = 0xF4;

/// A byte offset of a pair in a [`ZPack`].
pub type PairPos = usize;

/// A score as stored: an integer when `double2ll` accepts it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Stored {
    Int(i64),
    Float(f64),
}

fn stored(score: f64) -> Stored {
    const LIMIT: f64 = (i64::MAX / 2) as f64;
    if (-LIMIT..=LIMIT).contains(&score) {
        let i = score as i64;
        if i as f64 == score {
            return Stored::Int(i);
        }
    }
    Stored::Float(score)
}

pub(super) fn varint_len(mut v: usize) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

pub(super) fn put_varint(out: &mut Vec<u8>, mut v: usize) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a LEB128 value at `pos`; returns it and the position after it.
pub(super) fn get_varint(buf: &[u8], mut pos: usize) -> Option<(usize, usize)> {
    let mut v = 0usize;
    let mut shift = 0u32;
    loop {
        let b = *buf.get(pos)?;
        pos += 1;
        v |= usize::from(b & 0x7f).checked_shl(shift)?;
        if b & 0x80 == 0 {
            return Some((v, pos));
        }
        shift += 7;
        if shift >= 64 {
            return None;
        }
    }
}

fn score_len(s: Stored) -> usize {
    match s {
        Stored::Int(i) if (-SMALL_BIAS..=i64::from(SMALL_MAX) - SMALL_BIAS).contains(&i) => 1,
        Stored::Int(i) if i8::try_from(i).is_ok() => 2,
        Stored::Int(i) if i16::try_from(i).is_ok() => 3,
        Stored::Int(i) if i32::try_from(i).is_ok() => 5,
        Stored::Int(_) | Stored::Float(_) => 9,
    }
}

fn put_score(out: &mut Vec<u8>, s: Stored) {
    match s {
        Stored::Int(i) if (-SMALL_BIAS..=i64::from(SMALL_MAX) - SMALL_BIAS).contains(&i) => {
            out.push((i + SMALL_BIAS) as u8);
        }
        Stored::Int(i) => {
            if let Ok(v) = i8::try_from(i) {
                out.push(TAG_I8);
                out.extend_from_slice(&v.to_le_bytes());
            } else if let Ok(v) = i16::try_from(i) {
                out.push(TAG_I16);
                out.extend_from_slice(&v.to_le_bytes());
            } else if let Ok(v) = i32::try_from(i) {
                out.push(TAG_I32);
                out.extend_from_slice(&v.to_le_bytes());
            } else {
                out.push(TAG_I64);
                out.extend_from_slice(&i.to_le_bytes());
            }
        }
        Stored::Float(f) => {
            out.push(TAG_F64);
            out.extend_from_slice(&f.to_le_bytes());
        }
    }
}

/// Reads a score at `pos`; returns it and the position after it.
fn get_score(buf: &[u8], pos: usize) -> Option<(f64, usize)> {
    let t = *buf.get(pos)?;
    let body = pos + 1;
    let fixed = |n: usize| buf.get(body..body + n);
    let (value, used) = match t {
        0..=SMALL_MAX => ((i64::from(t) - SMALL_BIAS) as f64, 0),
        TAG_I8 => (f64::from(i8::from_le_bytes(fixed(1)?.try_into().ok()?)), 1),
        TAG_I16 => (f64::from(i16::from_le_bytes(fixed(2)?.try_into().ok()?)), 2),
        TAG_I32 => (f64::from(i32::from_le_bytes(fixed(4)?.try_into().ok()?)), 4),
        TAG_I64 => (i64::from_le_bytes(fixed(8)?.try_into().ok()?) as f64, 8),
        TAG_F64 => (f64::from_le_bytes(fixed(8)?.try_into().ok()?), 8),
        _ => return None,
    };
    Some((value, body + used))
}

/// Encodes one pair.
fn put_pair(out: &mut Vec<u8>, member: &[u8], score: f64) {
    put_varint(out, member.len());
    out.extend_from_slice(member);
    put_score(out, stored(score));
}

fn pair_len(member: &[u8], score: f64) -> usize {
    varint_len(member.len()) + member.len() + score_len(stored(score))
}

/// Sorted `(member, score)` pairs in one exact-size allocation.
#[derive(Clone, Default, PartialEq)]
pub struct ZPack {
    /// `[count][pairs...]`, or empty for no pairs.
    buf: Box<[u8]>,
}

impl std::fmt::Debug for ZPack {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.iter().map(|(_, m, s)| (String::from_utf8_lossy(m), s)))
            .finish()
    }
}

impl ZPack {
    /// No pairs (no allocation).
    pub fn new() -> ZPack {
        ZPack::default()
    }

    /// Builds from pairs already in (score, member) order.
    pub fn from_sorted<'a, I>(pairs: I) -> ZPack
    where
        I: IntoIterator<Item = (&'a [u8], f64)>,
        I::IntoIter: Clone,
    {
        let it = pairs.into_iter();
        let (n, bytes) = it.clone().fold((0usize, 0usize), |(n, b), (m, s)| {
            (n + 1, b + pair_len(m, s))
        });
        if n == 0 {
            return ZPack::new();
        }
        let mut out = Vec::with_capacity(varint_len(n) + bytes);
        put_varint(&mut out, n);
        for (m, s) in it {
            put_pair(&mut out, m, s);
        }
        ZPack {
            buf: out.into_boxed_slice(),
        }
    }

    /// The encoded pairs, for storing the set inside its keyspace entry.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Rebuilds a set from [`ZPack::as_bytes`]; `None` unless `bytes` holds
    /// exactly the announced number of well-formed pairs.
    pub fn from_bytes(bytes: &[u8]) -> Option<ZPack> {
        let z = ZPack {
            buf: Box::from(bytes),
        };
        if bytes.is_empty() {
            return Some(z);
        }
        let (count, mut pos) = get_varint(bytes, 0)?;
        if count == 0 {
            return None;
        }
        for _ in 0..count {
            pos = z.at(pos)?.2;
        }
        (pos == bytes.len()).then_some(z)
    }

    /// Number of pairs.
    #[inline]
    pub fn len(&self) -> usize {
        get_varint(&self.buf, 0).map_or(0, |(n, _)| n)
    }

    /// True when there are no pairs.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Bytes held.
    pub fn byte_len(&self) -> usize {
        self.buf.len()
    }

    /// Offset of the first pair.
    fn first_pos(&self) -> usize {
        get_varint(&self.buf, 0).map_or(self.buf.len(), |(_, p)| p)
    }

    /// The pair at `pos` and the position after it.
    #[inline]
    pub fn at(&self, pos: PairPos) -> Option<(&[u8], f64, PairPos)> {
        let (mlen, mstart) = get_varint(&self.buf, pos)?;
        let mend = mstart.checked_add(mlen)?;
        let member = self.buf.get(mstart..mend)?;
        let (score, next) = get_score(&self.buf, mend)?;
        Some((member, score, next))
    }

    /// Walks the pairs in order: (position, member, score).
    pub fn iter(&self) -> PairIter<'_> {
        PairIter {
            z: self,
            pos: self.first_pos(),
        }
    }

    /// The position and score of `member`.
    pub fn find(&self, member: &[u8]) -> Option<(PairPos, f64)> {
        self.iter()
            .find(|&(_, m, _)| m == member)
            .map(|(p, _, s)| (p, s))
    }

    /// The position of the pair of index `i` (`len()` gives the end).
    pub fn pos_of_index(&self, i: usize) -> Option<PairPos> {
        if i == self.len() {
            return Some(self.buf.len());
        }
        self.iter().nth(i).map(|(p, _, _)| p)
    }

    /// Rewrites the buffer: keeps `[..a]`, inserts `mid`, keeps `[b..]`, with a
    /// new pair count.
    fn splice(&mut self, a: usize, b: usize, mid: &[u8], count: usize) {
        if count == 0 {
            self.buf = Box::default();
            return;
        }
        let body = self.first_pos();
        let (a, b) = (a.max(body), b.max(body));
        let mut out =
            Vec::with_capacity(varint_len(count) + (a - body) + mid.len() + (self.buf.len() - b));
        put_varint(&mut out, count);
        out.extend_from_slice(&self.buf[body..a]);
        out.extend_from_slice(mid);
        out.extend_from_slice(&self.buf[b..]);
        self.buf = out.into_boxed_slice();
    }

    /// Inserts a pair in order; the member must be absent.
    pub fn insert(&mut self, member: &[u8], score: f64) {
        let at = self
            .iter()
            .find(|&(_, m, s)| s > score || (s == score && m > member))
            .map_or(self.buf.len(), |(p, _, _)| p);
        let mut mid = Vec::with_capacity(pair_len(member, score));
        put_pair(&mut mid, member, score);
        let count = self.len() + 1;
        self.splice(at, at, &mid, count);
    }

    /// Removes `n` pairs starting at `pos`; returns how many were removed.
    pub fn remove_at(&mut self, pos: PairPos, n: usize) -> usize {
        let mut end = pos;
        let mut removed = 0;
        while removed < n {
            match self.at(end) {
                Some((_, _, next)) => {
                    end = next;
                    removed += 1;
                }
                None => break,
            }
        }
        if removed > 0 {
            let count = self.len() - removed;
            self.splice(pos, end, &[], count);
        }
        removed
    }

    /// Removes the pairs of indexes `start..end`.
    pub fn remove_range(&mut self, start: usize, end: usize) -> usize {
        if start >= end {
            return 0;
        }
        match self.pos_of_index(start) {
            Some(p) => self.remove_at(p, end - start),
            None => 0,
        }
    }
}

/// Forward walk over a [`ZPack`].
#[derive(Clone)]
pub struct PairIter<'a> {
    z: &'a ZPack,
    pos: PairPos,
}

impl<'a> Iterator for PairIter<'a> {
    type Item = (PairPos, &'a [u8], f64);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let here = self.pos;
        let (m, s, next) = self.z.at(here)?;
        self.pos = next;
        Some((here, m, s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dump(z: &ZPack) -> Vec<(Vec<u8>, f64)> {
        z.iter().map(|(_, m, s)| (m.to_vec(), s)).collect()
    }

    #[test]
    fn scores_round_trip_at_every_width() {
        let scores = [
            0.0,
            -0.0,
            -16.0,
            -17.0,
            223.0,
            224.0,
            -128.0,
            -129.0,
            32767.0,
            40000.0,
            -3e9,
            4.6e18,
            (i64::MAX / 2) as f64,
            1e19,
            0.5,
            -1.25,
            f64::INFINITY,
            f64::NEG_INFINITY,
            4e-320,
        ];
        for s in scores {
            let z = ZPack::from_sorted([(&b"m"[..], s)]);
            let (_, got, _) = z.at(z.first_pos()).expect("pair");
            assert_eq!(got, s, "{s}");
            assert_eq!(z.byte_len(), 1 + 2 + score_len(stored(s)));
        }
        let z = ZPack::from_sorted([(&b"m"[..], -0.0)]);
        assert!(z.find(b"m").is_some_and(|(_, s)| s.is_sign_positive()));
    }

    #[test]
    fn inserts_removes_and_long_members() {
        let long = vec![b'x'; 300];
        let mut z = ZPack::new();
        assert!(z.is_empty());
        z.insert(b"b", 2.0);
        z.insert(b"a", 2.0);
        z.insert(&long, 1.0);
        z.insert(b"c", -1.5);
        assert_eq!(z.len(), 4);
        assert_eq!(
            dump(&z),
            vec![
                (b"c".to_vec(), -1.5),
                (long.clone(), 1.0),
                (b"a".to_vec(), 2.0),
                (b"b".to_vec(), 2.0)
            ]
        );
        assert_eq!(z.find(&long).map(|(_, s)| s), Some(1.0));
        assert_eq!(z.remove_range(1, 3), 2);
        assert_eq!(dump(&z), vec![(b"c".to_vec(), -1.5), (b"b".to_vec(), 2.0)]);
        let (p, _) = z.find(b"b").expect("b");
        assert_eq!(z.remove_at(p, 5), 1);
        assert_eq!(z.len(), 1);
        assert_eq!(z.remove_range(0, 1), 1);
        assert!(z.is_empty());
        assert_eq!(z.byte_len(), 0);
        // A count that needs two varint bytes.
        let names: Vec<String> = (0..200).map(|i| format!("k{i:03}")).collect();
        let z = ZPack::from_sorted(
            names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.as_bytes(), i as f64)),
        );
        assert_eq!(z.len(), 200);
        assert_eq!(z.iter().count(), 200);
        assert_eq!(z.pos_of_index(200), Some(z.byte_len()));
        assert_eq!(z.find(b"k150").map(|(_, s)| s), Some(150.0));
    }

    #[test]
    fn ten_small_members_fit_in_48_bytes() {
        let names: Vec<String> = (0..10).map(|i| format!("m{i}")).collect();
        let z = ZPack::from_sorted(
            names
                .iter()
                .enumerate()
                .map(|(i, n)| (n.as_bytes(), i as f64)),
        );
        assert_eq!(z.byte_len(), 41);
    }
}
