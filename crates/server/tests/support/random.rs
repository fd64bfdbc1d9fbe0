//! Shared pieces of the random differential tests (`tests/diff_random*.rs`):
//! the seed and step environment knobs, and small accessors for parsed replies.

use std::env;

use super::client::{RawClient, Reply};
use super::resp::{self, format_args, Frame};

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

/// A client for tests that look inside replies (distribution checks):
/// commands answer parsed frames, or their bulk strings.
pub struct Client {
    /// The connection.
    pub c: RawClient,
}

impl Client {
    /// Sends a command and parses its reply.
    pub fn cmd(&mut self, args: &[&str]) -> Frame {
        self.c.frame(args)
    }

    /// The bulk strings of the reply (a single bulk string, or an array of them).
    pub fn strings(&mut self, args: &[&str]) -> Vec<String> {
        let f = self.cmd(args);
        let elems = if f.kind() == b'$' { vec![f] } else { items(&f) };
        elems
            .iter()
            .map(|e| {
                let b = bulk(e)
                    .unwrap_or_else(|| panic!("{}: not a bulk string: {e:?}", format_args(args)));
                String::from_utf8_lossy(&b).into_owned()
            })
            .collect()
    }

    /// OBJECT ENCODING of `key`.
    pub fn encoding(&mut self, key: &str) -> String {
        self.strings(&["OBJECT", "ENCODING", key]).concat()
    }
}
