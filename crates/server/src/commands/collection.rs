//! Helpers shared by the hash and set commands: element replies, HSCAN/SSCAN
//! argument parsing, and the reply budget of the repeat-sampling commands.

use cinnabar_resp::{parse_i64_strict, Args, ReplyBuf};

use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;
use crate::keyspace::Entry;
use crate::types::packed::Item;

/// Writes a collection element as a bulk string.
#[inline]
pub fn reply_item(out: &mut ReplyBuf, item: Item<'_>) {
    match item {
        Item::Str(b) => out.bulk(b),
        Item::Int(i) => out.bulk_int(i),
        Item::F64(_) => out.bulk(&item.to_bytes()),
    }
}

/// The most a repeat-sampling reply (SRANDMEMBER / HRANDFIELD with a negative
/// count) may add to the output buffer. Redis stops such a reply when the client
/// goes over its output buffer limit and closes the connection; with no limit it
/// would grow until the process dies. Past this many bytes the reply is cut short
/// and the connection closed, like a client Redis drops for its buffer.
pub const SAMPLE_REPLY_BUDGET: usize = 512 << 20;

/// Parses a SCAN-family cursor as Redis 7.2 does (`strtoul` base 10): a leading
/// space is refused, a sign is allowed (`-1` wraps around), an empty string is 0,
/// anything after the digits or an overflow is an invalid cursor.
pub fn parse_scan_cursor(raw: &[u8]) -> Result<u64, CmdError> {
    let invalid = || CmdError::err("invalid cursor");
    // The C string ends at the first NUL byte.
    let raw = raw.split(|&b| b == 0).next().unwrap_or(&[]);
    if raw
        .first()
        .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r'))
    {
        return Err(invalid());
    }
    if raw.is_empty() {
        return Ok(0);
    }
    let (negative, digits) = match raw[0] {
        b'-' => (true, &raw[1..]),
        b'+' => (false, &raw[1..]),
        _ => (false, raw),
    };
    if digits.is_empty() {
        return Err(invalid());
    }
    let mut value: u64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return Err(invalid());
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(b - b'0')))
            .ok_or_else(invalid)?;
    }
    Ok(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

/// HSCAN/SSCAN options.
pub struct ScanOpts<'a> {
    /// The MATCH pattern, unless absent or `*`.
    pub pattern: Option<&'a [u8]>,
    /// COUNT (default 10).
    pub count: usize,
}

impl ScanOpts<'_> {
    /// True when `bytes` passes the MATCH filter.
    pub fn matches(&self, bytes: &[u8]) -> bool {
        self.pattern.is_none_or(|p| glob_match(p, bytes))
    }
}

/// Parses `[MATCH pattern] [COUNT count]` from argument `from` on.
pub fn parse_scan_opts<'a>(args: &Args<'a>, from: usize) -> Result<ScanOpts<'a>, CmdError> {
    let mut opts = ScanOpts {
        pattern: None,
        count: 10,
    };
    let mut i = from;
    while i < args.len() {
        let opt = args.get(i);
        let has_value = i + 1 < args.len();
        if opt.eq_ignore_ascii_case(b"count") && has_value {
            let n = parse_i64_strict(args.get(i + 1)).ok_or(CmdError::NotInteger)?;
            if n < 1 {
                return Err(CmdError::Syntax);
            }
            opts.count = usize::try_from(n).unwrap_or(usize::MAX);
        } else if opt.eq_ignore_ascii_case(b"match") && has_value {
            let p = args.get(i + 1);
            opts.pattern = if p == b"*" { None } else { Some(p) };
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    Ok(opts)
}

/// The shared body of SREM / HDEL: removes `members` from the collection at
/// `args[1]` (`open` gives it, or WRONGTYPE), deletes the key once it is empty
/// (stopping there, as Redis does), records `event` (and `del`) when something
/// was removed, and replies with the number removed.
pub fn remove_members<T>(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
    event: &'static str,
    open: fn(&mut Entry) -> Result<&mut T, CmdError>,
    remove: fn(&mut T, &[u8]) -> bool,
    is_empty: fn(&T) -> bool,
) -> CmdResult {
    let key = args.get(1);
    let Some(e) = ctx.db.lookup_write(key)? else {
        ctx.out.int(0);
        return Ok(());
    };
    let c = open(e)?;
    let mut removed = 0i64;
    for m in args.iter().skip(2) {
        if remove(c, m) {
            removed += 1;
            if is_empty(c) {
                break;
            }
        }
    }
    let empty = is_empty(c);
    if removed > 0 {
        ctx.db.changed_n(key, event, removed as usize);
    }
    if empty {
        ctx.db.remove(key)?;
        ctx.db.event(key, "del");
    }
    ctx.out.int(removed);
    Ok(())
}

/// Writes a SCAN-style reply: the cursor, then the elements.
pub fn reply_scan_header(out: &mut ReplyBuf, cursor: u64, elements: usize) {
    out.array(2);
    out.bulk(itoa::Buffer::new().format(cursor).as_bytes());
    out.array(elements);
}

/// True when `s` matches the SCAN-style MATCH pattern `p`. Like Redis, a lone
/// `*` matches everything, the empty string included.
pub fn glob_match(p: &[u8], s: &[u8]) -> bool {
    p == b"*" || crate::glob::matches(p, s, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_like_strtoul() {
        assert_eq!(parse_scan_cursor(b"0"), Ok(0));
        assert_eq!(parse_scan_cursor(b""), Ok(0));
        assert_eq!(parse_scan_cursor(b"+5"), Ok(5));
        assert_eq!(parse_scan_cursor(b"-1"), Ok(u64::MAX));
        assert_eq!(parse_scan_cursor(b"18446744073709551615"), Ok(u64::MAX));
        assert_eq!(parse_scan_cursor(b"7\0junk"), Ok(7));
        for bad in [
            &b" 1"[..],
            b"x",
            b"1x",
            b"-",
            b"+",
            b"18446744073709551616",
            b"\t3",
        ] {
            assert!(parse_scan_cursor(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn globs() {
        for (p, s, m) in [
            ("*", "", true),
            ("a*", "abc", true),
            ("a*c", "abbbc", true),
            ("a*c", "abbbd", false),
            ("*b*", "abc", true),
            ("?", "", false),
            ("h?llo", "hello", true),
            ("h[ae]llo", "hallo", true),
            ("h[^e]llo", "hello", false),
            ("h[a-c]llo", "hbllo", true),
            ("h[c-a]llo", "hbllo", true),
            ("h\\*llo", "h*llo", true),
            ("h\\*llo", "hello", false),
            ("f*o*o", "foooo", true),
            ("", "", true),
            ("", "a", false),
        ] {
            assert_eq!(glob_match(p.as_bytes(), s.as_bytes()), m, "{p} ~ {s}");
        }
    }
}
