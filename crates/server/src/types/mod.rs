//! Value types stored behind a key, one module per type with its encodings.
//!
//! Small strings and integers live inline in the keyspace entry (see
//! `keyspace::entry`); everything else is an [`Object`].

pub mod dense;
pub mod embedded;
pub mod geo_format;
pub mod geohash;
pub mod hash;
pub mod hll;
pub mod intset;
pub mod list;
pub mod longdouble;
pub mod packed;
pub mod set;
pub mod zset;
pub mod zset_big;
pub mod zset_pack;
pub mod zset_range;
pub mod zset_tree;

/// A heap-allocated value.
#[derive(Debug, Clone)]
pub enum Object {
    /// A string with the `raw` encoding (longer than 44 bytes, or modified in place).
    Str(Vec<u8>),
    /// A list.
    List(list::List),
    /// A hash.
    Hash(hash::Hash),
    /// A set.
    Set(set::Set),
    /// A sorted set.
    ZSet(zset::ZSet),
}

impl Object {
    /// The Redis type name reported by `TYPE`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Object::Str(_) => "string",
            Object::List(_) => "list",
            Object::Hash(_) => "hash",
            Object::Set(_) => "set",
            Object::ZSet(_) => "zset",
        }
    }

    /// The name reported by `OBJECT ENCODING`.
    pub fn encoding_name(&self) -> &'static str {
        match self {
            Object::Str(_) => "raw",
            Object::List(l) => l.encoding_name(),
            Object::Hash(h) => h.encoding_name(),
            Object::Set(s) => s.encoding_name(),
            Object::ZSet(z) => z.encoding_name(),
        }
    }

    /// Approximate heap bytes, for `MEMORY USAGE`.
    pub fn memory_usage(&self) -> usize {
        match self {
            Object::Str(v) => v.capacity(),
            Object::List(l) => l.memory_usage(),
            Object::Hash(h) => h.memory_usage(),
            Object::Set(s) => s.memory_usage(),
            Object::ZSet(z) => z.memory_usage(),
        }
    }
}
