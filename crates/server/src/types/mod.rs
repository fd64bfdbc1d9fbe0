//! Value types stored behind a key, one module per type with its encodings.
//!
//! Small strings and integers live inline in the keyspace entry (see
//! `keyspace::entry`); everything else is an [`Object`].

pub mod longdouble;

/// A heap-allocated value.
#[derive(Debug, Clone)]
pub enum Object {
    /// A string with the `raw` encoding (longer than 44 bytes, or modified in place).
    Str(Vec<u8>),
}

impl Object {
    /// The Redis type name reported by `TYPE`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Object::Str(_) => "string",
        }
    }

    /// The name reported by `OBJECT ENCODING`.
    pub fn encoding_name(&self) -> &'static str {
        match self {
            Object::Str(_) => "raw",
        }
    }

    /// Approximate heap bytes, for `MEMORY USAGE`.
    pub fn memory_usage(&self) -> usize {
        match self {
            Object::Str(v) => 16 + v.capacity(),
        }
    }
}
