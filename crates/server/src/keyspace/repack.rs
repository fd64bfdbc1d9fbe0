//! The keys a command unpacked (see [`crate::types::embedded`]), to pack again
//! when it ends.
//!
//! Almost every command writes one key, and this list is filled on every write
//! to a small collection, so the first key is held without any allocation when
//! it is short.

/// Keys longer than this are copied to the heap.
const INLINE_KEY: usize = 46;

/// A key copy.
enum KeyCopy {
    Inline { len: u8, bytes: [u8; INLINE_KEY] },
    Heap(Vec<u8>),
}

impl KeyCopy {
    fn new(key: &[u8]) -> KeyCopy {
        match u8::try_from(key.len()) {
            Ok(len) if key.len() <= INLINE_KEY => {
                let mut bytes = [0u8; INLINE_KEY];
                bytes[..key.len()].copy_from_slice(key);
                KeyCopy::Inline { len, bytes }
            }
            _ => KeyCopy::Heap(key.to_vec()),
        }
    }

    fn as_slice(&self) -> &[u8] {
        match self {
            KeyCopy::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or(&[]),
            KeyCopy::Heap(v) => v,
        }
    }
}

/// One key to pack: database, hash slot, key.
struct Pending {
    db: usize,
    slot: usize,
    key: KeyCopy,
}

/// The keys to pack again, without duplicates.
#[derive(Default)]
pub struct RepackList {
    first: Option<Pending>,
    rest: Vec<Pending>,
}

impl RepackList {
    /// Notes a key (once).
    pub fn add(&mut self, db: usize, slot: usize, key: &[u8]) {
        let seen = |p: &Pending| p.db == db && p.key.as_slice() == key;
        if self.first.as_ref().is_some_and(seen) || self.rest.iter().any(seen) {
            return;
        }
        let p = Pending {
            db,
            slot,
            key: KeyCopy::new(key),
        };
        if self.first.is_none() {
            self.first = Some(p);
        } else {
            self.rest.push(p);
        }
    }

    /// Calls `f(db, slot, key)` for every key noted, and forgets them.
    pub fn drain(&mut self, mut f: impl FnMut(usize, usize, &[u8])) {
        if let Some(p) = self.first.take() {
            f(p.db, p.slot, p.key.as_slice());
        }
        for p in std::mem::take(&mut self.rest) {
            f(p.db, p.slot, p.key.as_slice());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_each_key_once_in_order() {
        let long = vec![b'k'; 300];
        let mut l = RepackList::default();
        l.add(0, 5, b"a");
        l.add(0, 5, b"a");
        l.add(1, 5, b"a");
        l.add(0, 9, &long);
        l.add(0, 9, &long);
        let mut seen = Vec::new();
        l.drain(|db, slot, key| seen.push((db, slot, key.to_vec())));
        assert_eq!(
            seen,
            vec![(0, 5, b"a".to_vec()), (1, 5, b"a".to_vec()), (0, 9, long)]
        );
        l.drain(|_, _, _| panic!("drained twice"));
    }
}
