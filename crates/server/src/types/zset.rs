//! The zset type and its encodings.

/// A zset value.
///
/// Keep this type at most 24 bytes: it is stored inline in [`super::Object`], whose
/// size every heap value pays.
#[derive(Debug, Clone, Default)]
pub struct ZSet {}

impl ZSet {
    /// The name reported by `OBJECT ENCODING`.
    pub fn encoding_name(&self) -> &'static str {
        "listpack"
    }

    /// Approximate heap bytes, for `MEMORY USAGE`.
    pub fn memory_usage(&self) -> usize {
        0
    }
}
