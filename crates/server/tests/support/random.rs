//! Shared pieces of the random differential tests (`tests/diff_random*.rs`):
//! the seed and step environment knobs, and small accessors for parsed replies.

use std::env;

use super::client::Reply;
use super::resp::{self, Frame};

/// A numeric environment variable; panics on a value that is not a number.
pub fn env_number(name: &str) -> Option<u64> {
    let raw = env::var(name).ok()?;
    match raw.trim().parse() {
        Ok(n) => Some(n),
        Err(_) => panic!("{name}={raw:?} is not a number"),
    }
}

/// The seeds to run: `CINNABAR_DIFF_SEED` alone, or 1 to
/// `CINNABAR_DIFF_SEEDS` (default `default`).
pub fn seeds(default: u64) -> Vec<u64> {
    if let Some(seed) = env_number("CINNABAR_DIFF_SEED") {
        return vec![seed];
    }
    (1..=env_number("CINNABAR_DIFF_SEEDS").unwrap_or(default)).collect()
}

/// The reply parsed as one frame, if it is one.
pub fn frame_of(reply: &Reply) -> Option<Frame> {
    reply.frame().and_then(|b| resp::parse_exact(b).ok())
}

/// The elements of an aggregate (empty for anything else).
pub fn items(f: &Frame) -> Vec<Frame> {
    match f {
        Frame::Aggregate {
            items: Some(items), ..
        } => items.clone(),
        _ => Vec::new(),
    }
}

/// The payload of a bulk string.
pub fn bulk(f: &Frame) -> Option<Vec<u8>> {
    match f {
        Frame::Blob {
            kind: b'$',
            data: Some(d),
        } => Some(d.clone()),
        _ => None,
    }
}
