//! Command errors and their exact Redis reply texts.

use crate::keyspace::AccessError;

/// Why a command failed; [`CmdError::text`] is the reply Redis sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CmdError {
    /// The key holds a value of another type.
    WrongType,
    /// Arguments don't follow the command's syntax.
    Syntax,
    /// An integer argument or value is not a 64-bit integer.
    NotInteger,
    /// A float argument or value is not a valid double.
    NotFloat,
    /// The key does not exist (RENAME and friends).
    NoSuchKey,
    /// The database index is out of range.
    DbOutOfRange,
    /// Any other error, as its full reply text (starting with the error code).
    Msg(String),
}

impl CmdError {
    /// The reply text without the leading `-`.
    pub fn text(&self) -> &str {
        match self {
            CmdError::WrongType => {
                "WRONGTYPE Operation against a key holding the wrong kind of value"
            }
            CmdError::Syntax => "ERR syntax error",
            CmdError::NotInteger => "ERR value is not an integer or out of range",
            CmdError::NotFloat => "ERR value is not a valid float",
            CmdError::NoSuchKey => "ERR no such key",
            CmdError::DbOutOfRange => "ERR DB index is out of range",
            CmdError::Msg(m) => m,
        }
    }

    /// An `ERR`-prefixed error.
    pub fn err(msg: impl std::fmt::Display) -> CmdError {
        CmdError::Msg(format!("ERR {msg}"))
    }
}

impl From<AccessError> for CmdError {
    fn from(e: AccessError) -> Self {
        match e {
            AccessError::NotLocked => {
                CmdError::err("internal error: key not covered by the command's key spec")
            }
            AccessError::NoSuchDb => CmdError::DbOutOfRange,
            AccessError::KeyTooLong => CmdError::err("key too long"),
        }
    }
}

/// The result of a command handler.
pub type CmdResult = Result<(), CmdError>;
