//! Sans-IO RESP2/RESP3 codec for Cinnabar.
//!
//! The request side ([`RequestParser`]) turns bytes received from a client into
//! commands, with Redis's limits and protocol-error texts; it never performs I/O and
//! never panics on any input, so it can be fuzzed directly. The reply side
//! ([`ReplyBuf`]) encodes replies for either protocol version into one output buffer,
//! so a pipeline's replies leave in one write.

mod number;
mod parser;
mod reply;
mod split;

pub use number::{format_double, parse_f64_strict, parse_i64_strict, parse_u64_strict};
pub use parser::{Args, Parsed, ProtocolError, RequestParser, PROTO_INLINE_MAX_SIZE};
pub use reply::ReplyBuf;
pub use split::split_args;
