//! One key and its value, packed for memory.
//!
//! An entry is one word: a [`Blob`] holding the key, the metadata, and either a small
//! string value inline or the pointer to a heap object (raw strings, collections).
//! Keeping the object pointer inside the blob makes every hash-table bucket 8 bytes
//! instead of 16, which saves about 16 bytes per key at typical table load
//! (measured: 72 → 56 bytes per small key). Layout of the blob:
//!
//! ```text
//! [flags:1][access:3][key length: LEB128][expire ms: 8, if flagged][key][inline value]
//! ```
//!
//! `flags` holds the value kind (embstr / int / object) and whether an expire is set;
//! `access` holds Redis's 24-bit LRU clock or LFU counter. A short string value or an
//! integer therefore costs no allocation beyond the blob itself, and neither does a
//! small packed collection: its bytes are embedded in the same place (see
//! [`crate::types::embedded`]).

use std::borrow::Cow;

use super::blob::Blob;
use crate::types::{embedded, Object};

const KIND_MASK: u8 = 0b011;
const KIND_EMBSTR: u8 = 0;
const KIND_INT: u8 = 1;
const KIND_OBJECT: u8 = 2;
const KIND_EMBEDDED: u8 = 3;
const HAS_EXPIRE: u8 = 0b100;
/// An `int` value that Redis would hold in its own object rather than a shared
/// one (a COPY of a small integer), so OBJECT REFCOUNT says 1.
const UNSHARED: u8 = 0b1000;
/// Redis shares one object per integer in `0..SHARED_INTEGERS`.
const SHARED_INTEGERS: i64 = 10_000;

/// Longest string stored inline with the `embstr` encoding (Redis's limit).
pub const EMBSTR_MAX: usize = 44;

/// A value about to be stored.
#[derive(Debug)]
pub enum NewValue<'a> {
    /// A string with the `embstr` encoding (at most [`EMBSTR_MAX`] bytes).
    Embstr(&'a [u8]),
    /// An integer with the `int` encoding.
    Int(i64),
    /// Anything else.
    Object(Box<Object>),
}

impl<'a> NewValue<'a> {
    /// The value Redis's `tryObjectEncoding` would make of a string argument:
    /// `int` for a canonical integer, `embstr` when short, `raw` otherwise.
    pub fn string(bytes: &'a [u8]) -> NewValue<'a> {
        if bytes.len() <= 20 {
            if let Some(i) = cinnabar_resp::parse_i64_strict(bytes) {
                return NewValue::Int(i);
            }
        }
        if bytes.len() <= EMBSTR_MAX {
            NewValue::Embstr(bytes)
        } else {
            NewValue::Object(Box::new(Object::Str(bytes.to_vec())))
        }
    }

    /// A string as Redis's `createStringObject` makes it: `embstr` when short, else `raw`.
    pub fn plain_string(bytes: &'a [u8]) -> NewValue<'a> {
        if bytes.len() <= EMBSTR_MAX {
            NewValue::Embstr(bytes)
        } else {
            NewValue::Object(Box::new(Object::Str(bytes.to_vec())))
        }
    }

    /// A string with the `raw` encoding whatever its size.
    pub fn raw_string(bytes: Vec<u8>) -> NewValue<'static> {
        NewValue::Object(Box::new(Object::Str(bytes)))
    }
}

/// A borrowed view of a stored value.
#[derive(Debug, Clone, Copy)]
pub enum ValueRef<'a> {
    /// An inline short string.
    Embstr(&'a [u8]),
    /// An inline integer.
    Int(i64),
    /// A heap object.
    Object(&'a Object),
    /// A small collection embedded in the entry (see [`crate::types::embedded`]).
    Embedded(&'a [u8]),
}

impl<'a> ValueRef<'a> {
    /// The string bytes, if the value is a string of any encoding.
    pub fn as_string(&self) -> Option<Cow<'_, [u8]>> {
        match self {
            ValueRef::Embstr(b) => Some(Cow::Borrowed(b)),
            ValueRef::Int(i) => Some(Cow::Owned(
                itoa::Buffer::new().format(*i).as_bytes().to_vec(),
            )),
            ValueRef::Object(Object::Str(v)) => Some(Cow::Borrowed(v)),
            ValueRef::Object(_) | ValueRef::Embedded(_) => None,
        }
    }

    /// The value as an object: borrowed when boxed, decoded into a temporary
    /// copy when embedded; `None` for inline strings.
    pub fn object(self) -> Option<Cow<'a, Object>> {
        match self {
            ValueRef::Object(o) => Some(Cow::Borrowed(o)),
            ValueRef::Embedded(bytes) => embedded::decode(bytes).map(Cow::Owned),
            ValueRef::Embstr(_) | ValueRef::Int(_) => None,
        }
    }

    /// The Redis type name (`string`, `list`, ...).
    pub fn type_name(&self) -> &'static str {
        match self {
            ValueRef::Embstr(_) | ValueRef::Int(_) => "string",
            ValueRef::Object(o) => o.type_name(),
            ValueRef::Embedded(bytes) => embedded::type_name(bytes),
        }
    }

    /// The `OBJECT ENCODING` name.
    pub fn encoding_name(&self) -> &'static str {
        match self {
            ValueRef::Embstr(_) => "embstr",
            ValueRef::Int(_) => "int",
            ValueRef::Object(o) => o.encoding_name(),
            ValueRef::Embedded(bytes) => embedded::encoding_name(bytes),
        }
    }
}

/// A key with its value, expire time and access metadata.
///
/// Invariant: when the kind bits say `KIND_OBJECT`, the last 8 bytes of the blob are
/// a pointer obtained from `Box::into_raw`, owned by this entry and freed by its Drop.
/// Any bytes between the key and that pointer are unused (left over when an
/// embedded collection was unpacked in place).
pub struct Entry {
    blob: Blob,
}

const PTR_LEN: usize = std::mem::size_of::<usize>();

/// Where the parts of a blob lie.
struct Layout {
    key_start: usize,
    key_end: usize,
    expire_at: Option<usize>,
}

impl Entry {
    /// Builds an entry; `None` if the key is too long to store.
    pub fn new(
        key: &[u8],
        value: NewValue<'_>,
        expire_ms: Option<i64>,
        access: u32,
    ) -> Option<Entry> {
        let (kind, inline): (u8, Cow<'_, [u8]>) = match value {
            NewValue::Embstr(b) => (KIND_EMBSTR, Cow::Borrowed(b)),
            NewValue::Int(i) => (KIND_INT, Cow::Owned(i.to_le_bytes().to_vec())),
            NewValue::Object(o) => {
                if embedded::is_candidate(&o) {
                    let mut packed = Vec::with_capacity(embedded::ENCODE_CAPACITY);
                    if embedded::encode(&o, &mut packed) {
                        let blob =
                            Self::build_blob(KIND_EMBEDDED, access, key, expire_ms, &packed)?;
                        return Some(Entry { blob });
                    }
                }
                return Self::boxed(key, o, expire_ms, access);
            }
        };
        let blob = Self::build_blob(kind, access, key, expire_ms, &inline)?;
        Some(Entry { blob })
    }

    /// An entry holding `o` behind a pointer, whatever its size.
    fn boxed(key: &[u8], o: Box<Object>, expire_ms: Option<i64>, access: u32) -> Option<Entry> {
        let blob = Self::build_blob(KIND_OBJECT, access, key, expire_ms, &[0; PTR_LEN])?;
        let mut entry = Entry { blob };
        entry.store_object_ptr(Box::into_raw(o));
        Some(entry)
    }

    fn build_blob(
        kind: u8,
        access: u32,
        key: &[u8],
        expire_ms: Option<i64>,
        inline: &[u8],
    ) -> Option<Blob> {
        let mut varint = [0u8; 10];
        let varint_len = write_varint(key.len() as u64, &mut varint);
        let expire_len = if expire_ms.is_some() { 8 } else { 0 };
        let total = 4usize
            .checked_add(varint_len)?
            .checked_add(expire_len)?
            .checked_add(key.len())?
            .checked_add(inline.len())?;
        let mut blob = Blob::zeroed(total)?;
        let bytes = blob.as_mut_slice();
        let flags = kind | if expire_ms.is_some() { HAS_EXPIRE } else { 0 };
        let access = access.to_le_bytes();
        let mut pos = 0;
        for part in [&[flags][..], &access[..3], &varint[..varint_len]] {
            bytes[pos..pos + part.len()].copy_from_slice(part);
            pos += part.len();
        }
        if let Some(ms) = expire_ms {
            bytes[pos..pos + 8].copy_from_slice(&ms.to_le_bytes());
            pos += 8;
        }
        bytes[pos..pos + key.len()].copy_from_slice(key);
        pos += key.len();
        bytes[pos..].copy_from_slice(inline);
        Some(blob)
    }

    fn layout(&self) -> Layout {
        let bytes = self.blob.as_slice();
        let (key_len, varint_len) = read_varint(bytes.get(4..).unwrap_or(&[]));
        let mut pos = 4 + varint_len;
        let expire_at = if self.flags() & HAS_EXPIRE != 0 {
            pos += 8;
            Some(pos - 8)
        } else {
            None
        };
        let key_end = (pos + key_len as usize).min(bytes.len());
        Layout {
            key_start: pos.min(key_end),
            key_end,
            expire_at,
        }
    }

    #[inline]
    fn flags(&self) -> u8 {
        self.blob.as_slice().first().copied().unwrap_or(0)
    }

    /// The key.
    #[inline]
    pub fn key(&self) -> &[u8] {
        let l = self.layout();
        self.blob
            .as_slice()
            .get(l.key_start..l.key_end)
            .unwrap_or(&[])
    }

    /// The absolute expire time in Unix milliseconds, if one is set.
    #[inline]
    pub fn expire(&self) -> Option<i64> {
        let at = self.layout().expire_at?;
        let raw = self.blob.as_slice().get(at..at + 8)?;
        Some(i64::from_le_bytes(raw.try_into().ok()?))
    }

    /// True when the entry has an expire at or before `now_ms`.
    #[inline]
    pub fn is_expired(&self, now_ms: i64) -> bool {
        self.expire().is_some_and(|at| at <= now_ms)
    }

    /// The 24-bit LRU clock or LFU data.
    pub fn access(&self) -> u32 {
        let b = self.blob.as_slice();
        match b.get(1..4) {
            Some(&[x, y, z]) => u32::from_le_bytes([x, y, z, 0]),
            _ => 0,
        }
    }

    /// Stores new 24-bit access data.
    #[inline]
    pub fn set_access(&mut self, access: u32) {
        let bytes = access.to_le_bytes();
        if let Some(dst) = self.blob.as_mut_slice().get_mut(1..4) {
            dst.copy_from_slice(&bytes[..3]);
        }
    }

    /// The value.
    #[inline]
    pub fn value(&self) -> ValueRef<'_> {
        match self.flags() & KIND_MASK {
            KIND_INT => {
                let b = self.blob.as_slice();
                let v = b
                    .len()
                    .checked_sub(8)
                    .and_then(|s| b.get(s..))
                    .and_then(|s| s.try_into().ok())
                    .map(i64::from_le_bytes)
                    .unwrap_or(0);
                ValueRef::Int(v)
            }
            KIND_OBJECT => match self.object_ptr() {
                // SAFETY: per the struct invariant the pointer came from Box::into_raw,
                // is owned by this entry, and lives as long as &self.
                Some(p) => ValueRef::Object(unsafe { &*p }),
                None => ValueRef::Embstr(&[]),
            },
            KIND_EMBEDDED => {
                let key_end = self.layout().key_end;
                ValueRef::Embedded(self.blob.as_slice().get(key_end..).unwrap_or(&[]))
            }
            _ => {
                let key_end = self.layout().key_end;
                ValueRef::Embstr(self.blob.as_slice().get(key_end..).unwrap_or(&[]))
            }
        }
    }

    /// The heap object, mutably, when the value is one. An embedded collection is
    /// moved out to the boxed form first; [`Entry::pack`] embeds it again.
    #[inline]
    pub fn object_mut(&mut self) -> Option<&mut Object> {
        if self.flags() & KIND_MASK == KIND_EMBEDDED {
            self.unpack();
        }
        // SAFETY: the pointer is owned by this entry (struct invariant) and &mut self
        // guarantees no other reference to the object exists.
        self.object_ptr().map(|p| unsafe { &mut *p })
    }

    /// True when the value is an integer Redis would hold in one of its shared
    /// objects (OBJECT REFCOUNT then reports `i32::MAX`).
    pub fn is_shared_int(&self) -> bool {
        self.flags() & UNSHARED == 0
            && matches!(self.value(), ValueRef::Int(i) if (0..SHARED_INTEGERS).contains(&i))
    }

    /// Marks an integer value as held in its own object (COPY duplicates the
    /// value object in Redis, even a shared integer).
    pub fn mark_unshared(&mut self) {
        if self.flags() & KIND_MASK == KIND_INT {
            if let Some(flags) = self.blob.as_mut_slice().first_mut() {
                *flags |= UNSHARED;
            }
        }
    }

    /// True when the value is a collection embedded in the entry.
    #[inline]
    pub fn is_embedded(&self) -> bool {
        self.flags() & KIND_MASK == KIND_EMBEDDED
    }

    /// True when the value is boxed but small enough that [`Entry::pack`] would
    /// embed it.
    pub fn could_embed(&self) -> bool {
        self.flags() & KIND_MASK == KIND_OBJECT
            && matches!(self.value(), ValueRef::Object(o) if embedded::is_candidate(o))
    }

    /// Moves an embedded collection out to the boxed form.
    fn unpack(&mut self) {
        let ValueRef::Embedded(bytes) = self.value() else {
            return;
        };
        let Some(obj) = embedded::decode(bytes) else {
            return;
        };
        let layout = self.layout();
        if self.blob.len().saturating_sub(layout.key_end) >= PTR_LEN {
            // The boxed form only reads the pointer in the last eight bytes, so the
            // same allocation serves (the payload bytes before it go unused).
            if let Some(flags) = self.blob.as_mut_slice().first_mut() {
                *flags = (*flags & !KIND_MASK) | KIND_OBJECT;
            }
            self.store_object_ptr(Box::into_raw(Box::new(obj)));
            return;
        }
        let key = self.blob.as_slice().get(layout.key_start..layout.key_end);
        if let Some(e) =
            key.and_then(|k| Self::boxed(k, Box::new(obj), self.expire(), self.access()))
        {
            *self = e;
        }
    }

    /// Embeds a boxed collection that is small enough; anything else is left as it is.
    pub fn pack(&mut self) {
        let mut packed = Vec::new();
        match self.value() {
            ValueRef::Object(o) if embedded::is_candidate(o) => {
                packed.reserve_exact(embedded::ENCODE_CAPACITY);
                if !embedded::encode(o, &mut packed) {
                    return;
                }
            }
            _ => return,
        }
        let layout = self.layout();
        if self.blob.len().saturating_sub(layout.key_end) == packed.len() {
            // Same size as the tail (the usual case right after `unpack` when the
            // command changed no lengths): rewrite it in place.
            if let Some(p) = self.object_ptr() {
                let bytes = self.blob.as_mut_slice();
                if let Some(tail) = bytes.get_mut(layout.key_end..) {
                    tail.copy_from_slice(&packed);
                }
                if let Some(flags) = bytes.first_mut() {
                    *flags = (*flags & !KIND_MASK) | KIND_EMBEDDED;
                }
                // SAFETY: the pointer came from Box::into_raw and was owned by this
                // entry until the kind bits above stopped marking it as an object;
                // nothing else refers to it, so it is reclaimed exactly once here.
                drop(unsafe { Box::from_raw(p) });
                return;
            }
        }
        let key = self.blob.as_slice().get(layout.key_start..layout.key_end);
        let blob = key.and_then(|k| {
            Self::build_blob(KIND_EMBEDDED, self.access(), k, self.expire(), &packed)
        });
        if let Some(blob) = blob {
            // The old entry (and with it the box) is dropped here.
            *self = Entry { blob };
        }
    }

    /// The object pointer stored in the blob, when the value is an object.
    fn object_ptr(&self) -> Option<*mut Object> {
        if self.flags() & KIND_MASK != KIND_OBJECT {
            return None;
        }
        let b = self.blob.as_slice();
        let raw: [u8; PTR_LEN] = b.get(b.len().checked_sub(PTR_LEN)?..)?.try_into().ok()?;
        let p = usize::from_le_bytes(raw) as *mut Object;
        (!p.is_null()).then_some(p)
    }

    fn store_object_ptr(&mut self, p: *mut Object) {
        let bytes = (p as usize).to_le_bytes();
        let b = self.blob.as_mut_slice();
        if let Some(start) = b.len().checked_sub(PTR_LEN) {
            b[start..].copy_from_slice(&bytes);
        }
    }

    /// Replaces the value, keeping key, expire and access data.
    pub fn set_value(&mut self, value: NewValue<'_>) {
        // An integer replacing an integer (INCR and friends) is rewritten in
        // place: the eight value bytes end the blob.
        if let NewValue::Int(i) = value {
            if self.flags() & KIND_MASK == KIND_INT {
                let bytes = self.blob.as_mut_slice();
                let len = bytes.len();
                if let Some(tail) = bytes.get_mut(len.saturating_sub(8)..) {
                    if tail.len() == 8 {
                        tail.copy_from_slice(&i.to_le_bytes());
                        // A new integer value is a shared object again in Redis.
                        if let Some(flags) = bytes.first_mut() {
                            *flags &= !UNSHARED;
                        }
                        return;
                    }
                }
            }
        }
        let key = self.key().to_vec();
        let expire = self.expire();
        if let Some(e) = Entry::new(&key, value, expire, self.access()) {
            *self = e;
        }
    }

    /// Takes the heap object out, leaving an empty `embstr` value behind.
    pub fn take_object(&mut self) -> Option<Box<Object>> {
        if self.is_embedded() {
            self.unpack();
        }
        let p = self.object_ptr()?;
        // Clear the kind first so the pointer is no longer owned by this entry.
        if let Some(flags) = self.blob.as_mut_slice().first_mut() {
            *flags &= !KIND_MASK;
        }
        self.store_object_ptr(std::ptr::null_mut());
        let layout = self.layout();
        let key = self.key().to_vec();
        if let Some(blob) = Self::build_blob(KIND_EMBSTR, self.access(), &key, self.expire(), &[]) {
            self.blob = blob;
        }
        let _ = layout;
        // SAFETY: the pointer came from Box::into_raw and ownership was just released
        // by this entry, so it is reclaimed exactly once here.
        Some(unsafe { Box::from_raw(p) })
    }

    /// The same value, expire and access data under another key (RENAME). Gives
    /// the entry back unchanged when the new key is too long to store.
    pub fn with_key(mut self, key: &[u8]) -> Result<Entry, Entry> {
        let layout = self.layout();
        let inline = self.blob.as_slice().get(layout.key_end..).unwrap_or(&[]);
        let blob = Self::build_blob(
            self.flags() & (KIND_MASK | UNSHARED),
            self.access(),
            key,
            self.expire(),
            inline,
        );
        match blob {
            Some(blob) => {
                self.blob = blob;
                Ok(self)
            }
            None => Err(self),
        }
    }

    /// Sets or clears the expire time.
    pub fn set_expire(&mut self, expire_ms: Option<i64>) {
        match (self.layout().expire_at, expire_ms) {
            (Some(at), Some(ms)) => {
                if let Some(dst) = self.blob.as_mut_slice().get_mut(at..at + 8) {
                    dst.copy_from_slice(&ms.to_le_bytes());
                }
            }
            (None, None) => {}
            _ => {
                let layout = self.layout();
                let bytes = self.blob.as_slice();
                let key = bytes.get(layout.key_start..layout.key_end).unwrap_or(&[]);
                let inline = bytes.get(layout.key_end..).unwrap_or(&[]);
                let kind = self.flags() & (KIND_MASK | UNSHARED);
                if let Some(blob) = Self::build_blob(kind, self.access(), key, expire_ms, inline) {
                    self.blob = blob;
                }
            }
        }
    }

    /// Bytes used by this entry (blob, object header), for `MEMORY USAGE`.
    pub fn memory_usage(&self) -> usize {
        let object = match self.value() {
            ValueRef::Object(o) => std::mem::size_of::<Object>() + o.memory_usage(),
            _ => 0,
        };
        8 + 4 + self.blob.len() + object
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        if let Some(p) = self.object_ptr() {
            // SAFETY: per the struct invariant this entry owns the pointer, which came
            // from Box::into_raw; the entry is being destroyed, so this is the only free.
            drop(unsafe { Box::from_raw(p) });
        }
    }
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("key", &self.key())
            .field("value", &self.value())
            .finish()
    }
}

fn write_varint(mut v: u64, out: &mut [u8; 10]) -> usize {
    let mut i = 0;
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out[i] = byte;
            return i + 1;
        }
        out[i] = byte | 0x80;
        i += 1;
    }
}

fn read_varint(bytes: &[u8]) -> (u64, usize) {
    let mut v = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        v |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return (v, i + 1);
        }
    }
    (v, bytes.len().min(10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_values_and_expire() {
        let mut e =
            Entry::new(b"key:0000001", NewValue::string(b"abcdefghij"), None, 123).expect("entry");
        assert_eq!(e.key(), b"key:0000001");
        assert!(matches!(e.value(), ValueRef::Embstr(b"abcdefghij")));
        assert_eq!(e.expire(), None);
        assert_eq!(e.access(), 123);
        e.set_expire(Some(1_700_000_000_000));
        assert_eq!(e.expire(), Some(1_700_000_000_000));
        assert_eq!(e.key(), b"key:0000001");
        assert!(matches!(e.value(), ValueRef::Embstr(b"abcdefghij")));
        e.set_expire(Some(5));
        assert_eq!(e.expire(), Some(5));
        e.set_value(NewValue::string(b"-42"));
        assert!(matches!(e.value(), ValueRef::Int(-42)));
        assert_eq!(e.expire(), Some(5));
        e.set_expire(None);
        assert_eq!(e.expire(), None);
        assert!(matches!(e.value(), ValueRef::Int(-42)));
        assert_eq!(e.access(), 123);
    }

    #[test]
    fn integer_rewritten_in_place_keeps_key_and_expire() {
        let mut e = Entry::new(b"counter", NewValue::Int(5), Some(1234), 77).expect("entry");
        e.set_value(NewValue::Int(-7));
        assert!(matches!(e.value(), ValueRef::Int(-7)));
        assert_eq!(e.key(), b"counter");
        assert_eq!(e.expire(), Some(1234));
        e.set_value(NewValue::Int(i64::MAX));
        assert!(matches!(e.value(), ValueRef::Int(i64::MAX)));
        // A string replacing an integer still rebuilds the entry.
        e.set_value(NewValue::string(b"abc"));
        assert!(matches!(e.value(), ValueRef::Embstr(b"abc")));
        assert_eq!(e.expire(), Some(1234));
    }

    #[test]
    fn with_key_keeps_value_expire_and_access() {
        let e = Entry::new(b"old", NewValue::string(b"abc"), Some(77), 9).expect("entry");
        let e = e.with_key(b"a much longer new key").expect("rekeyed");
        assert_eq!(e.key(), b"a much longer new key");
        assert!(matches!(e.value(), ValueRef::Embstr(b"abc")));
        assert_eq!((e.expire(), e.access()), (Some(77), 9));
        let e = Entry::new(b"n", NewValue::Int(-5), None, 3).expect("entry");
        let e = e.with_key(b"").expect("rekeyed");
        assert!(matches!(e.value(), ValueRef::Int(-5)));
        assert_eq!((e.key(), e.expire(), e.access()), (&b""[..], None, 3));
        let raw = vec![b'r'; 100];
        let e = Entry::new(b"k", NewValue::string(&raw), Some(1), 0).expect("entry");
        let e = e.with_key(b"k2").expect("rekeyed");
        assert_eq!(e.value().as_string().as_deref(), Some(&raw[..]));
        assert_eq!(e.value().encoding_name(), "raw");
    }

    #[test]
    fn long_keys_and_raw_values() {
        let key = vec![b'k'; 300];
        let value = vec![b'v'; 100];
        let e = Entry::new(&key, NewValue::string(&value), Some(9), 0).expect("entry");
        assert_eq!(e.key(), &key[..]);
        assert_eq!(e.value().encoding_name(), "raw");
        assert_eq!(e.value().as_string().as_deref(), Some(&value[..]));
        let e = Entry::new(b"", NewValue::Embstr(b""), None, 0).expect("entry");
        assert_eq!(e.key(), b"");
        assert_eq!(e.value().encoding_name(), "embstr");
    }

    #[test]
    fn object_pointer_lifecycle() {
        let big = vec![b'x'; 100];
        let mut e = Entry::new(b"k", NewValue::string(&big), None, 7).expect("entry");
        if let Some(Object::Str(v)) = e.object_mut() {
            v.extend_from_slice(b"yz");
        }
        // Rebuilding the blob for an expire must keep the same object.
        e.set_expire(Some(42));
        e.set_expire(None);
        e.set_expire(Some(43));
        assert_eq!(e.value().as_string().map(|c| c.len()), Some(102));
        assert_eq!(e.key(), b"k");
        let taken = e.take_object().expect("object");
        assert!(matches!(*taken, Object::Str(ref v) if v.len() == 102));
        assert!(matches!(e.value(), ValueRef::Embstr(b"")));
        assert_eq!(e.expire(), Some(43));
        // Replacing an object value frees the old one; dropping frees the new one.
        let mut e = Entry::new(b"k", NewValue::raw_string(vec![1; 50]), None, 0).expect("entry");
        e.set_value(NewValue::raw_string(vec![2; 60]));
        e.set_value(NewValue::Int(5));
        assert!(matches!(e.value(), ValueRef::Int(5)));
        let e2 = Entry::new(b"k2", NewValue::raw_string(vec![3; 70]), Some(1), 0).expect("entry");
        drop(e2);
    }
}
