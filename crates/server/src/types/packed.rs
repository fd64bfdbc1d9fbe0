//! A packed sequence of small strings and integers in one exact-size allocation.
//!
//! This is Cinnabar's counterpart of Redis's listpack: the encoding behind small
//! hashes (field, value, field, value, ...), small sets, small sorted sets (member,
//! score, ...) and list nodes. Elements are stored back to back:
//!
//! ```text
//! 0xxxxxxx                 string of 0..=127 bytes follows
//! 10xxxxxx xxxxxxxx        string of 128..=16383 bytes follows (14-bit length, big-endian)
//! 110000nn                 integer in 1 << nn bytes (1, 2, 4, 8), little-endian, signed
//! 11010000                 f64 in 8 bytes, little-endian
//! 11100000 llll (u32 LE)   longer string follows
//! ```
//!
//! Each element is followed by its encoded length written backwards (7 bits per byte,
//! a set high bit meaning "more bytes before this one"), so the last element is found
//! in O(1) and the sequence can be walked from the tail, as with Redis's listpack.
//! The buffer starts with the element count (u32 LE). The allocation is resized to
//! the exact length on every change, like Redis's listpack, so no spare capacity is
//! held.

use std::borrow::Cow;

use super::zset_pack::{get_varint, put_varint, varint_len};

const COUNT_LEN: usize = 4;
const TAG_INT: u8 = 0b1100_0000;
const TAG_F64: u8 = 0b1101_0000;
const TAG_LONG_STR: u8 = 0b1110_0000;

/// One element, borrowed from the sequence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item<'a> {
    /// A string.
    Str(&'a [u8]),
    /// An integer.
    Int(i64),
    /// A double.
    F64(f64),
}

impl<'a> Item<'a> {
    /// The element as bytes (integers and doubles formatted as Redis prints them).
    pub fn to_bytes(&self) -> Cow<'a, [u8]> {
        match *self {
            Item::Str(b) => Cow::Borrowed(b),
            Item::Int(i) => Cow::Owned(itoa::Buffer::new().format(i).as_bytes().to_vec()),
            Item::F64(f) => {
                let mut out = Vec::new();
                cinnabar_resp::format_double(f, &mut out);
                Cow::Owned(out)
            }
        }
    }

    /// True when the element equals `bytes` as Redis compares listpack entries
    /// (an integer entry equals its canonical decimal text).
    pub fn eq_bytes(&self, bytes: &[u8]) -> bool {
        match *self {
            Item::Str(b) => b == bytes,
            Item::Int(i) => cinnabar_resp::parse_i64_strict(bytes) == Some(i),
            Item::F64(_) => self.to_bytes().as_ref() == bytes,
        }
    }

    /// Encoded size of this element, back-length included.
    pub fn encoded_len(&self) -> usize {
        let body = match *self {
            Item::Str(b) => str_header_len(b.len()) + b.len(),
            Item::Int(i) => 1 + int_width(i),
            Item::F64(_) => 9,
        };
        body + backlen_size(body)
    }
}

/// The element a string argument becomes: an integer when it is a canonical
/// integer (as Redis's listpack stores it), otherwise the string itself.
pub fn item_for(bytes: &[u8]) -> Item<'_> {
    if bytes.len() <= 20 {
        if let Some(i) = cinnabar_resp::parse_i64_strict(bytes) {
            return Item::Int(i);
        }
    }
    Item::Str(bytes)
}

fn str_header_len(len: usize) -> usize {
    if len < 128 {
        1
    } else if len < 16384 {
        2
    } else {
        5
    }
}

fn int_width(i: i64) -> usize {
    if i8::try_from(i).is_ok() {
        1
    } else if i16::try_from(i).is_ok() {
        2
    } else if i32::try_from(i).is_ok() {
        4
    } else {
        8
    }
}

/// Bytes of the back-length written after an element body of `body` bytes.
fn backlen_size(body: usize) -> usize {
    let mut n = 1;
    let mut v = body >> 7;
    while v > 0 {
        n += 1;
        v >>= 7;
    }
    n
}

/// Writes the back-length of an element body: most significant group first, every
/// byte but the first flagged, so a reader going backwards stops at the first byte.
fn write_backlen(body: usize, out: &mut Vec<u8>) {
    let n = backlen_size(body);
    for i in (0..n).rev() {
        let group = ((body >> (7 * i)) & 0x7f) as u8;
        out.push(if i == n - 1 { group } else { group | 0x80 });
    }
}

/// Reads the back-length ending just before `end`; returns (body length, bytes used).
fn read_backlen(buf: &[u8], end: usize) -> Option<(usize, usize)> {
    let mut value = 0usize;
    let mut used = 0usize;
    loop {
        let b = *buf.get(end.checked_sub(used + 1)?)?;
        value |= usize::from(b & 0x7f) << (7 * used);
        used += 1;
        if b & 0x80 == 0 || used >= 5 {
            return Some((value, used));
        }
    }
}

fn encode(item: &Item<'_>, out: &mut Vec<u8>) {
    let start = out.len();
    encode_body(item, out);
    let body = out.len() - start;
    write_backlen(body, out);
}

fn encode_body(item: &Item<'_>, out: &mut Vec<u8>) {
    match *item {
        Item::Str(b) => {
            let len = b.len();
            if len < 128 {
                out.push(len as u8);
            } else if len < 16384 {
                out.push(0x80 | (len >> 8) as u8);
                out.push(len as u8);
            } else {
                out.push(TAG_LONG_STR);
                out.extend_from_slice(&(len as u32).to_le_bytes());
            }
            out.extend_from_slice(b);
        }
        Item::Int(i) => {
            let w = int_width(i);
            out.push(TAG_INT | w.trailing_zeros() as u8);
            out.extend_from_slice(&i.to_le_bytes()[..w]);
        }
        Item::F64(f) => {
            out.push(TAG_F64);
            out.extend_from_slice(&f.to_le_bytes());
        }
    }
}

/// Decodes the element at `pos`; returns it and the position after it.
fn decode(buf: &[u8], pos: usize) -> Option<(Item<'_>, usize)> {
    let (item, body_end) = decode_body(buf, pos)?;
    let next = body_end.checked_add(backlen_size(body_end - pos))?;
    (next <= buf.len()).then_some((item, next))
}

/// The position of the element that ends at `end` (a position or the buffer end).
fn prev_start(buf: &[u8], end: usize) -> Option<usize> {
    if end <= COUNT_LEN {
        return None;
    }
    let (body, used) = read_backlen(buf, end)?;
    let start = end.checked_sub(used)?.checked_sub(body)?;
    (start >= COUNT_LEN).then_some(start)
}

fn decode_body(buf: &[u8], pos: usize) -> Option<(Item<'_>, usize)> {
    let tag = *buf.get(pos)?;
    if tag < 0x80 {
        let end = pos + 1 + usize::from(tag);
        return Some((Item::Str(buf.get(pos + 1..end)?), end));
    }
    if tag < 0xC0 {
        let len = (usize::from(tag & 0x3f) << 8) | usize::from(*buf.get(pos + 1)?);
        let end = pos + 2 + len;
        return Some((Item::Str(buf.get(pos + 2..end)?), end));
    }
    if tag & 0xF0 == TAG_INT {
        let w = 1usize << (tag & 0x03);
        let raw = buf.get(pos + 1..pos + 1 + w)?;
        let mut bytes = [0u8; 8];
        bytes[..w].copy_from_slice(raw);
        // Sign-extend from the stored width.
        let shift = 64 - 8 * w as u32;
        let v = (i64::from_le_bytes(bytes) << shift) >> shift;
        return Some((Item::Int(v), pos + 1 + w));
    }
    if tag == TAG_F64 {
        let raw: [u8; 8] = buf.get(pos + 1..pos + 9)?.try_into().ok()?;
        return Some((Item::F64(f64::from_le_bytes(raw)), pos + 9));
    }
    if tag == TAG_LONG_STR {
        let raw: [u8; 4] = buf.get(pos + 1..pos + 5)?.try_into().ok()?;
        let len = u32::from_le_bytes(raw) as usize;
        let end = (pos + 5).checked_add(len)?;
        return Some((Item::Str(buf.get(pos + 5..end)?), end));
    }
    None
}

/// A packed sequence of elements.
#[derive(Clone, Default, PartialEq)]
pub struct Packed {
    /// `[count: u32 LE][elements...]`, or empty for an empty sequence.
    buf: Box<[u8]>,
}

/// A position in a [`Packed`] sequence: the byte offset of an element.
pub type Pos = usize;

impl Packed {
    /// An empty sequence (no allocation).
    pub fn new() -> Packed {
        Packed::default()
    }

    /// Number of elements.
    #[inline]
    pub fn len(&self) -> usize {
        match self.buf.get(..COUNT_LEN) {
            Some(raw) => u32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]]) as usize,
            None => 0,
        }
    }

    /// True when there are no elements.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held (for `MEMORY USAGE` and size-based conversions).
    pub fn byte_len(&self) -> usize {
        self.buf.len()
    }

    /// Iterates over the elements from the front.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            buf: &self.buf,
            pos: COUNT_LEN.min(self.buf.len()),
        }
    }

    /// Iterates over the elements with their positions.
    pub fn iter_pos(&self) -> impl Iterator<Item = (Pos, Item<'_>)> + '_ {
        let mut pos = COUNT_LEN.min(self.buf.len());
        std::iter::from_fn(move || {
            let (item, next) = decode(&self.buf, pos)?;
            let here = pos;
            pos = next;
            Some((here, item))
        })
    }

    /// The element at index `i` (0-based from the front).
    pub fn get(&self, i: usize) -> Option<Item<'_>> {
        self.iter().nth(i)
    }

    /// The position of the element at index `i`; `i == len()` gives the end position.
    pub fn pos_of_index(&self, i: usize) -> Option<Pos> {
        if i == self.len() {
            return Some(self.buf.len().max(COUNT_LEN));
        }
        self.iter_pos().nth(i).map(|(p, _)| p)
    }

    /// The element at a position and the position after it.
    pub fn at(&self, pos: Pos) -> Option<(Item<'_>, Pos)> {
        decode(&self.buf, pos)
    }

    /// The position of the last element, in O(1).
    pub fn last_pos(&self) -> Option<Pos> {
        prev_start(&self.buf, self.buf.len())
    }

    /// The position of the element before the one at `pos`, in O(1).
    pub fn prev_pos(&self, pos: Pos) -> Option<Pos> {
        prev_start(&self.buf, pos)
    }

    /// Iterates from the tail towards the head.
    pub fn iter_rev(&self) -> impl Iterator<Item = Item<'_>> + '_ {
        let mut next = self.last_pos();
        std::iter::from_fn(move || {
            let pos = next?;
            next = self.prev_pos(pos);
            decode(&self.buf, pos).map(|(item, _)| item)
        })
    }

    /// The first position whose element equals `bytes`, scanning every `stride`-th
    /// element from the front (stride 2 finds hash fields / zset members).
    pub fn find(&self, bytes: &[u8], stride: usize) -> Option<Pos> {
        let stride = stride.max(1);
        self.iter_pos()
            .step_by(stride)
            .find(|(_, item)| item.eq_bytes(bytes))
            .map(|(p, _)| p)
    }

    /// Appends elements at the end.
    pub fn push_back(&mut self, items: &[Item<'_>]) {
        let end = self.buf.len().max(COUNT_LEN);
        self.insert_at(end, items);
    }

    /// Inserts elements at the front.
    pub fn push_front(&mut self, items: &[Item<'_>]) {
        self.insert_at(COUNT_LEN, items);
    }

    /// Inserts elements before the element at `pos` (or at the end when `pos` is the end).
    pub fn insert_at(&mut self, pos: Pos, items: &[Item<'_>]) {
        let pos = pos.clamp(COUNT_LEN, self.buf.len().max(COUNT_LEN));
        let count = self.len() + items.len();
        // Grow the existing allocation in place (the allocator can often extend it
        // without copying), with no spare capacity kept afterwards. The new
        // elements are encoded at the end, then rotated into place: one move of
        // the tail and no temporary buffer.
        let mut v = std::mem::take(&mut self.buf).into_vec();
        if v.is_empty() {
            v.extend_from_slice(&[0; COUNT_LEN]);
        }
        let old_len = v.len();
        v.reserve_exact(items.iter().map(Item::encoded_len).sum());
        for it in items {
            encode(it, &mut v);
        }
        let added = v.len() - old_len;
        if let Some(tail) = v.get_mut(pos..) {
            tail.rotate_right(added);
        }
        self.set_buf(v, count);
    }

    /// Removes `n` elements starting at `pos`; returns how many were removed.
    pub fn remove_at(&mut self, pos: Pos, n: usize) -> usize {
        if pos < COUNT_LEN {
            return 0;
        }
        let mut end = pos;
        let mut removed = 0;
        while removed < n {
            match decode(&self.buf, end) {
                Some((_, next)) => {
                    end = next;
                    removed += 1;
                }
                None => break,
            }
        }
        if removed == 0 {
            return 0;
        }
        let count = self.len() - removed;
        if count == 0 {
            self.buf = Box::default();
            return removed;
        }
        let mut v = std::mem::take(&mut self.buf).into_vec();
        v.drain(pos..end);
        v.shrink_to_fit();
        self.set_buf(v, count);
        removed
    }

    /// Replaces the element at `pos` with `item`.
    pub fn replace_at(&mut self, pos: Pos, item: &Item<'_>) {
        if pos < COUNT_LEN {
            return;
        }
        let Some((_, end)) = decode(&self.buf, pos) else {
            return;
        };
        let new_len = item.encoded_len();
        if new_len == end - pos {
            // Same size (HSET of an equally long value): overwrite in place.
            let mut enc = Vec::with_capacity(new_len);
            encode(item, &mut enc);
            if let Some(dst) = self.buf.get_mut(pos..end) {
                dst.copy_from_slice(&enc);
            }
            return;
        }
        let mut v = Vec::with_capacity(self.buf.len() - (end - pos) + new_len);
        v.extend_from_slice(&self.buf[..pos]);
        encode(item, &mut v);
        v.extend_from_slice(&self.buf[end..]);
        let count = self.len();
        self.set_buf(v, count);
    }

    /// Removes elements `start..end` by index (clamped).
    pub fn remove_range(&mut self, start: usize, end: usize) -> usize {
        if start >= end {
            return 0;
        }
        match self.pos_of_index(start) {
            Some(p) => self.remove_at(p, end - start),
            None => 0,
        }
    }

    /// The whole buffer (count word and elements), for compressing it.
    pub fn raw_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// A sequence over a buffer taken from [`Packed::raw_bytes`]; `None` when it
    /// is too short to hold the count word.
    pub fn from_raw_bytes(buf: Vec<u8>) -> Option<Packed> {
        (buf.is_empty() || buf.len() >= COUNT_LEN).then(|| Packed {
            buf: buf.into_boxed_slice(),
        })
    }

    /// Appends the compact form used when a small value is stored inside its
    /// keyspace entry: the element count (LEB128), then each element's body
    /// without its back-length. Back-lengths only serve walks from the tail, so
    /// they are rebuilt by [`Packed::from_compact`] instead of being stored.
    pub fn write_compact(&self, out: &mut Vec<u8>) {
        put_varint(out, self.len());
        let mut pos = COUNT_LEN.min(self.buf.len());
        while let Some((_, body_end)) = decode_body(&self.buf, pos) {
            out.extend_from_slice(self.buf.get(pos..body_end).unwrap_or(&[]));
            pos = body_end + backlen_size(body_end - pos);
        }
    }

    /// Bytes [`Packed::write_compact`] would append.
    pub fn compact_len(&self) -> usize {
        let mut total = varint_len(self.len());
        let mut pos = COUNT_LEN.min(self.buf.len());
        while let Some((_, body_end)) = decode_body(&self.buf, pos) {
            let body = body_end - pos;
            total += body;
            pos = body_end + backlen_size(body);
        }
        total
    }

    /// Rebuilds a sequence from its compact form; `None` unless `bytes` holds
    /// exactly the announced number of well-formed elements.
    pub fn from_compact(bytes: &[u8]) -> Option<Packed> {
        let (count, mut pos) = get_varint(bytes, 0)?;
        if count == 0 {
            return (pos == bytes.len()).then(Packed::new);
        }
        // Exact when every element is shorter than 128 bytes (one-byte
        // back-lengths), so the buffer is not reallocated to fit.
        let mut v = Vec::with_capacity(COUNT_LEN + (bytes.len() - pos) + count.min(bytes.len()));
        v.extend_from_slice(&[0; COUNT_LEN]);
        for _ in 0..count {
            let (_, body_end) = decode_body(bytes, pos)?;
            v.extend_from_slice(bytes.get(pos..body_end)?);
            write_backlen(body_end - pos, &mut v);
            pos = body_end;
        }
        if pos != bytes.len() || u32::try_from(count).is_err() {
            return None;
        }
        let mut p = Packed::new();
        p.set_buf(v, count);
        Some(p)
    }

    fn set_buf(&mut self, mut v: Vec<u8>, count: usize) {
        v[..COUNT_LEN].copy_from_slice(&(count as u32).to_le_bytes());
        self.buf = v.into_boxed_slice();
    }
}

impl std::fmt::Debug for Packed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// Forward iterator over a [`Packed`] sequence.
pub struct Iter<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = Item<'a>;

    fn next(&mut self) -> Option<Item<'a>> {
        let (item, next) = decode(self.buf, self.pos)?;
        self.pos = next;
        Some(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_form_round_trips_and_rejects_damage() {
        let long = vec![b'q'; 300];
        let mut p = Packed::new();
        p.push_back(&[
            Item::Str(b"f0"),
            Item::Int(-5),
            Item::Int(1 << 40),
            Item::F64(2.5),
            Item::Str(&long),
            Item::Str(b""),
        ]);
        let mut out = vec![0xAA];
        p.write_compact(&mut out);
        assert_eq!(out.len() - 1, p.compact_len());
        // Smaller than the sequence itself: no count word, no back-lengths.
        assert!(out.len() - 1 < p.byte_len());
        let back = Packed::from_compact(&out[1..]).expect("round trip");
        assert_eq!(back, p);
        assert_eq!(back.iter_rev().count(), 6);
        // Truncated, extended or miscounted input is refused.
        assert!(Packed::from_compact(&out[1..out.len() - 1]).is_none());
        let mut extra = out[1..].to_vec();
        extra.push(0);
        assert!(Packed::from_compact(&extra).is_none());
        let mut miscount = out[1..].to_vec();
        miscount[0] = 7;
        assert!(Packed::from_compact(&miscount).is_none());
        assert!(Packed::from_compact(&[]).is_none());
        let mut empty = Vec::new();
        Packed::new().write_compact(&mut empty);
        assert_eq!(empty, [0]);
        assert_eq!(Packed::from_compact(&empty), Some(Packed::new()));
    }

    #[test]
    fn encodes_every_kind_and_edits() {
        let long = vec![b'z'; 20_000];
        let mid = vec![b'm'; 300];
        let mut p = Packed::new();
        assert!(p.is_empty());
        p.push_back(&[
            item_for(b"a"),
            item_for(b"-5"),
            item_for(b"70000"),
            Item::F64(1.5),
        ]);
        p.push_back(&[
            Item::Str(&mid),
            Item::Str(&long),
            item_for(b"9223372036854775807"),
        ]);
        p.push_front(&[item_for(b"first"), item_for(b"-129")]);
        assert_eq!(p.len(), 9);
        let items: Vec<Vec<u8>> = p.iter().map(|i| i.to_bytes().into_owned()).collect();
        assert_eq!(items[0], b"first");
        assert_eq!(items[1], b"-129");
        assert_eq!(items[2], b"a");
        assert_eq!(items[3], b"-5");
        assert_eq!(items[4], b"70000");
        assert_eq!(items[5], b"1.5");
        assert_eq!(items[6], mid);
        assert_eq!(items[7], long);
        assert_eq!(items[8], b"9223372036854775807");
        let pos = p.find(b"70000", 1).expect("found");
        p.replace_at(pos, &Item::Str(b"seventy"));
        assert_eq!(p.get(4), Some(Item::Str(b"seventy")));
        assert_eq!(p.find(b"a", 2), Some(p.pos_of_index(2).expect("pos")));
        assert_eq!(p.find(b"-5", 2), None); // odd index is skipped with stride 2
        assert_eq!(p.remove_range(1, 3), 2);
        assert_eq!(p.len(), 7);
        let pos = p.pos_of_index(1).expect("pos");
        p.insert_at(pos, &[item_for(b"x")]);
        assert_eq!(p.get(1), Some(Item::Str(b"x")));
        let forward: Vec<Vec<u8>> = p.iter().map(|i| i.to_bytes().into_owned()).collect();
        let mut backward: Vec<Vec<u8>> = p.iter_rev().map(|i| i.to_bytes().into_owned()).collect();
        backward.reverse();
        assert_eq!(forward, backward);
        let last = p.last_pos().expect("last");
        assert_eq!(
            p.at(last).map(|(i, _)| i.to_bytes().into_owned()),
            forward.last().cloned()
        );
        assert_eq!(p.remove_range(0, 100), 8);
        assert_eq!(p.last_pos(), None);
        assert!(p.is_empty());
        assert_eq!(p.byte_len(), 0);
    }

    #[test]
    fn integers_round_trip_at_every_width() {
        for v in [
            0i64,
            1,
            -1,
            127,
            -128,
            128,
            -129,
            32767,
            -32768,
            32768,
            i32::MAX as i64,
            i32::MIN as i64 - 1,
            i64::MAX,
            i64::MIN,
        ] {
            let mut p = Packed::new();
            p.push_back(&[Item::Int(v)]);
            assert_eq!(p.get(0), Some(Item::Int(v)), "{v}");
        }
        assert_eq!(item_for(b"007"), Item::Str(b"007"));
    }
}
