//! Small collections stored inside their keyspace entry.
//!
//! A key holding a small hash, set or sorted set would otherwise cost three
//! allocations: the entry (key and metadata), the [`Object`] box and the packed
//! buffer. Storing the packed bytes at the end of the entry itself saves the
//! other two (about 60 bytes per key: 100,000 hashes of ten small fields go from
//! 1.10 × Redis 7.0's memory to 0.76 ×, measured). Commands still work on an
//! [`Object`]: reading one of these values decodes a temporary copy, and writing
//! one turns the entry back into the boxed form until the command ends, when the
//! keyspace packs it again (see `Db::end_command`).
//!
//! Only values whose bytes stay small are embedded, so the copies are cheap:
//!
//! ```text
//! [form: 1 byte][payload]
//!   1 hash listpack   payload: Packed::write_compact (field, value, ...)
//!   2 set intset      payload: [width code][values]
//!   3 set listpack    payload: Packed::write_compact
//!   4 zset listpack   payload: ZPack bytes
//! ```

use super::hash::Hash;
use super::intset::IntSet;
use super::packed::Packed;
use super::set::Set;
use super::zset::ZSet;
use super::zset_pack::ZPack;
use super::Object;

/// Largest payload kept inside an entry. Bigger packed values keep their own
/// buffer: copying them on every access would cost more than the two
/// allocations save.
pub const MAX_PAYLOAD: usize = 200;

/// Room an [`encode`] buffer needs so that it never grows while writing a
/// value that qualifies (form byte, payload, and a little over).
pub const ENCODE_CAPACITY: usize = 2 * MAX_PAYLOAD + 16;

const HASH_LISTPACK: u8 = 1;
const SET_INTSET: u8 = 2;
const SET_LISTPACK: u8 = 3;
const ZSET_LISTPACK: u8 = 4;

/// True when `obj` has a packed encoding small enough to be embedded (checked
/// before a command writes it, so the keyspace knows to pack it afterwards).
pub fn is_candidate(obj: &Object) -> bool {
    match obj {
        Object::Hash(h) => h
            .as_packed()
            .is_some_and(|p| p.byte_len() <= 2 * MAX_PAYLOAD),
        Object::Set(s) => {
            s.as_intset()
                .is_some_and(|i| i.raw_parts().1.len() < MAX_PAYLOAD)
                || s.as_packed()
                    .is_some_and(|p| p.byte_len() <= 2 * MAX_PAYLOAD)
        }
        Object::ZSet(z) => z.as_pack().is_some_and(|p| p.byte_len() <= MAX_PAYLOAD),
        _ => false,
    }
}

/// Appends `obj`'s embedded form (form byte and payload) to `out` and returns
/// true, or leaves `out` alone and returns false when `obj` does not qualify.
/// `out` should have room for [`ENCODE_CAPACITY`] bytes.
pub fn encode(obj: &Object, out: &mut Vec<u8>) -> bool {
    let start = out.len();
    match obj {
        Object::Hash(h) => match h.as_packed() {
            // The compact form is never longer than the listpack itself.
            Some(p) if p.byte_len() <= 2 * MAX_PAYLOAD => {
                out.push(HASH_LISTPACK);
                p.write_compact(out);
            }
            _ => return false,
        },
        Object::Set(s) => {
            if let Some(i) = s.as_intset() {
                let (code, values) = i.raw_parts();
                if values.len() >= MAX_PAYLOAD {
                    return false;
                }
                out.push(SET_INTSET);
                out.push(code);
                out.extend_from_slice(values);
            } else if let Some(p) = s.as_packed().filter(|p| p.byte_len() <= 2 * MAX_PAYLOAD) {
                out.push(SET_LISTPACK);
                p.write_compact(out);
            } else {
                return false;
            }
        }
        Object::ZSet(z) => match z.as_pack() {
            Some(p) if p.byte_len() <= MAX_PAYLOAD => {
                out.push(ZSET_LISTPACK);
                out.extend_from_slice(p.as_bytes());
            }
            _ => return false,
        },
        _ => return false,
    }
    // Measured after writing: one walk over the elements instead of two.
    if out.len() - start > MAX_PAYLOAD + 1 {
        out.truncate(start);
        return false;
    }
    true
}

/// Rebuilds the value from its embedded form; `None` if the bytes are not a
/// well-formed embedded value.
pub fn decode(bytes: &[u8]) -> Option<Object> {
    let (&form, payload) = bytes.split_first()?;
    Some(match form {
        HASH_LISTPACK => Object::Hash(Hash::from_packed(Packed::from_compact(payload)?)?),
        SET_INTSET => {
            let (&code, values) = payload.split_first()?;
            Object::Set(Set::from_intset(IntSet::from_raw_parts(code, values)?))
        }
        SET_LISTPACK => Object::Set(Set::from_packed(Packed::from_compact(payload)?)),
        ZSET_LISTPACK => Object::ZSet(ZSet::from_pack(ZPack::from_bytes(payload)?)),
        _ => return None,
    })
}

/// The Redis type name of an embedded value.
pub fn type_name(bytes: &[u8]) -> &'static str {
    match bytes.first() {
        Some(&HASH_LISTPACK) => "hash",
        Some(&SET_INTSET | &SET_LISTPACK) => "set",
        Some(&ZSET_LISTPACK) => "zset",
        _ => "none",
    }
}

/// The `OBJECT ENCODING` name of an embedded value.
pub fn encoding_name(bytes: &[u8]) -> &'static str {
    match bytes.first() {
        Some(&SET_INTSET) => "intset",
        _ => "listpack",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::hash::HashLimits;
    use crate::types::set::SetLimits;
    use crate::types::zset::{AddFlags, ZSetLimits};

    fn round_trip(obj: &Object) -> Object {
        let mut out = Vec::new();
        assert!(encode(obj, &mut out), "{obj:?} should embed");
        assert!(is_candidate(obj));
        let back = decode(&out).expect("decodes");
        assert_eq!(type_name(&out), obj.type_name());
        assert_eq!(encoding_name(&out), obj.encoding_name());
        assert_eq!(back.type_name(), obj.type_name());
        assert_eq!(back.encoding_name(), obj.encoding_name());
        back
    }

    #[test]
    fn small_values_round_trip() {
        let mut h = Hash::new();
        let lim = HashLimits::default();
        for i in 0..10 {
            h.set(
                format!("f{i}").as_bytes(),
                format!("v{i:03}").as_bytes(),
                &lim,
            );
        }
        h.set(b"n", b"-123456789", &lim);
        match round_trip(&Object::Hash(h.clone())) {
            Object::Hash(back) => {
                assert_eq!(back.len(), 11);
                assert_eq!(
                    back.get(b"f3").map(|v| v.to_bytes().into_owned()),
                    Some(b"v003".to_vec())
                );
                assert_eq!(
                    back.get(b"n").map(|v| v.to_bytes().into_owned()),
                    Some(b"-123456789".to_vec())
                );
            }
            other => panic!("{other:?}"),
        }

        let slim = SetLimits::default();
        let mut ints = Set::default();
        let mut words = Set::default();
        for i in 0..10i64 {
            ints.add(format!("{}", i * 1000 - 3).as_bytes(), &slim);
            words.add(format!("m{i}").as_bytes(), &slim);
        }
        for (set, enc) in [(ints, "intset"), (words, "listpack")] {
            assert_eq!(set.encoding_name(), enc);
            match round_trip(&Object::Set(set.clone())) {
                Object::Set(back) => {
                    assert_eq!(back.len(), 10);
                    assert!(set.iter().all(|m| back.contains(&m.to_bytes())));
                }
                other => panic!("{other:?}"),
            }
        }

        let mut z = ZSet::default();
        let zlim = ZSetLimits::default();
        for i in 0..10 {
            let _ = z.add(
                f64::from(i) * 1.5,
                format!("m{i}").as_bytes(),
                AddFlags::default(),
                &zlim,
            );
        }
        match round_trip(&Object::ZSet(z)) {
            Object::ZSet(back) => {
                assert_eq!(back.len(), 10);
                assert_eq!(back.score(b"m4"), Some(6.0));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn big_or_other_values_stay_boxed() {
        let mut h = Hash::new();
        let lim = HashLimits::default();
        for i in 0..40 {
            h.set(format!("field{i}").as_bytes(), b"value-value", &lim);
        }
        let mut out = Vec::new();
        assert!(!encode(&Object::Hash(h), &mut out));
        assert!(!encode(&Object::Str(b"x".to_vec()), &mut out));
        assert!(!encode(&Object::List(Default::default()), &mut out));
        assert!(out.is_empty());
    }

    #[test]
    fn damaged_bytes_are_refused() {
        let mut h = Hash::new();
        h.set(b"a", b"b", &HashLimits::default());
        let mut out = Vec::new();
        assert!(encode(&Object::Hash(h), &mut out));
        for cut in 0..out.len() {
            assert!(decode(&out[..cut]).is_none(), "prefix {cut}");
        }
        assert!(decode(&[9, 0]).is_none());
        assert!(decode(&[SET_INTSET, 7, 1, 2]).is_none());
        assert!(decode(&[SET_INTSET, 0, 1]).is_none());
        assert!(decode(&[ZSET_LISTPACK, 1, 1]).is_none());
        // A hash needs field/value pairs.
        assert!(decode(&[HASH_LISTPACK, 1, 1, b'a']).is_none());
    }
}
