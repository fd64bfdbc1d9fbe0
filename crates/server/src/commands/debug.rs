//! DEBUG: introspection and test helpers.
//!
//! Implemented: HELP, SLEEP, SET-ACTIVE-EXPIRE, OBJECT, LOG, ERROR, PROTOCOL.
//! Subcommands that need subsystems Cinnabar does not have yet (RELOAD, DIGEST,
//! JMAP, LISTPACK, QUICKLIST-*, SDSLEN, CHANGE-REPL-ID, ...) answer as unknown.

use std::sync::atomic::Ordering::Relaxed;
use std::time::Duration;

use cinnabar_resp::Args;

use super::command_cmd::reply_help;
use super::{flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;
use crate::keyspace::{Entry, ValueRef};

/// The DEBUG command.
pub static COMMANDS: &[CommandDef] = &[CommandDef::new(
    "debug",
    -2,
    ADMIN | NOSCRIPT | LOADING | STALE | PROTECTED,
    "server",
    debug,
)
.since("1.0.0")
.doc(
    "Groups the debugging subcommands.",
    "Varies with the subcommand.",
)
.syscmd()];

// DEBUG subcommand [arg ...]
fn debug(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let sub = args.get(1).to_ascii_lowercase();
    let argc = args.len();
    match (sub.as_slice(), argc) {
        (b"help", 2) => help(ctx),
        (b"sleep", 3) => {
            let secs = strtod_prefix(args.get(2));
            if let Ok(d) = Duration::try_from_secs_f64(secs) {
                std::thread::sleep(d.min(Duration::from_secs(1 << 30)));
            }
            ctx.out.ok();
            Ok(())
        }
        (b"set-active-expire", 3) => {
            ctx.srv
                .tun
                .active_expire
                .store(atoi(args.get(2)) != 0, Relaxed);
            ctx.out.ok();
            Ok(())
        }
        (b"object", 3) => object(ctx, args.get(2)),
        (b"log", 3) => {
            crate::warning!("DEBUG LOG: {}", String::from_utf8_lossy(args.get(2)));
            ctx.out.ok();
            Ok(())
        }
        (b"error", 3) => {
            let text = String::from_utf8_lossy(args.get(2));
            match text.strip_prefix('-') {
                Some(code_and_msg) => ctx.out.error(code_and_msg),
                None => ctx.out.error(&format!("ERR {text}")),
            }
            Ok(())
        }
        (b"protocol", 3) => protocol(ctx, args.get(2)),
        _ => Err(CmdError::err(format!(
            "unknown subcommand or wrong number of arguments for '{}'. Try DEBUG HELP.",
            String::from_utf8_lossy(&args.get(1)[..args.get(1).len().min(128)])
        ))),
    }
}

// DEBUG OBJECT key
fn object(ctx: &mut Ctx<'_>, key: &[u8]) -> CmdResult {
    let now = ctx.now_ms();
    let db = ctx.db.index;
    // Inside EXEC the shard is already held by the transaction.
    let shard = ctx.srv.keyspace.shard_of_key(key);
    let mut own = (!ctx.db.locked.holds(shard)).then(|| ctx.srv.keyspace.lock_key(key));
    let locked = match own.as_mut() {
        Some(l) => l,
        None => &mut ctx.db.locked,
    };
    let Some(e) = locked.get(db, key, now)? else {
        return Err(CmdError::NoSuchKey);
    };
    let line = object_line(e, now);
    drop(own);
    ctx.out.simple(line.as_bytes());
    Ok(())
}

/// Redis's DEBUG OBJECT status line for an entry.
fn object_line(e: &Entry, now_ms: i64) -> String {
    let value = e.value();
    // Redis shares the objects of the integers 0..9999; they never die.
    let refcount: i64 = if e.is_shared_int() {
        i64::from(i32::MAX)
    } else {
        1
    };
    let serialized = match value {
        ValueRef::Int(i) => serialized_int_len(i),
        ValueRef::Embstr(b) => serialized_string_len(b),
        ValueRef::Object(_) | ValueRef::Embedded(_) => {
            value.as_string().map_or(0, |s| serialized_string_len(&s))
        }
    };
    let lru = e.access();
    format!(
        "Value at:{:p} refcount:{refcount} encoding:{} serializedlength:{serialized} lru:{lru} lru_seconds_idle:{}",
        e as *const Entry,
        value.encoding_name(),
        crate::clock::idle_ms(now_ms, lru) / 1000
    )
}

/// Bytes an RDB length prefix takes.
fn rdb_len_len(len: usize) -> usize {
    match len {
        0..=63 => 1,
        64..=16_383 => 2,
        _ if u32::try_from(len).is_ok() => 5,
        _ => 9,
    }
}

/// Bytes of RDB's compact integer encoding, if the value fits one.
fn rdb_int_len(v: i64) -> Option<usize> {
    if i8::try_from(v).is_ok() {
        Some(2)
    } else if i16::try_from(v).is_ok() {
        Some(3)
    } else if i32::try_from(v).is_ok() {
        Some(5)
    } else {
        None
    }
}

fn serialized_int_len(v: i64) -> usize {
    rdb_int_len(v).unwrap_or_else(|| {
        let digits = itoa::Buffer::new().format(v).len();
        rdb_len_len(digits) + digits
    })
}

/// RDB size of a string value. LZF compression of strings over 20 bytes is not
/// modelled yet, so compressible strings report their uncompressed size.
fn serialized_string_len(s: &[u8]) -> usize {
    if s.len() <= 11 {
        if let Some(n) = cinnabar_resp::parse_i64_strict(s).and_then(rdb_int_len) {
            return n;
        }
    }
    rdb_len_len(s.len()) + s.len()
}

// DEBUG PROTOCOL type
fn protocol(ctx: &mut Ctx<'_>, name: &[u8]) -> CmdResult {
    let out = &mut *ctx.out;
    match name.to_ascii_lowercase().as_slice() {
        b"string" => out.bulk(b"Hello World"),
        b"integer" => out.int(12345),
        // The sample value Redis sends (not meant as pi).
        #[allow(clippy::approx_constant)]
        b"double" => out.double(3.141),
        b"bignum" => {
            let n = b"1234567999999999999999999999999999999";
            if out.resp3 {
                out.raw(b"(");
                out.raw(n);
                out.raw(b"\r\n");
            } else {
                out.bulk(n);
            }
        }
        b"null" => out.null(),
        b"array" | b"set" => {
            if name.eq_ignore_ascii_case(b"set") {
                out.set(3);
            } else {
                out.array(3);
            }
            for j in 0..3 {
                out.int(j);
            }
        }
        b"map" => {
            out.map(3);
            for j in 0..3 {
                out.int(j);
                out.boolean(j == 1);
            }
        }
        b"attrib" => {
            if out.resp3 {
                out.raw(b"|1\r\n");
                out.bulk(b"key-popularity");
                out.array(2);
                out.bulk(b"key:123");
                out.int(90);
            }
            out.bulk(b"Some real reply following the attribute");
        }
        b"push" => {
            if !out.resp3 {
                return Err(CmdError::err("RESP2 is not supported by this command"));
            }
            out.push(2);
            out.bulk(b"server-cpu-usage");
            out.int(42);
            out.bulk(b"Some real reply following the push reply");
        }
        b"true" => out.boolean(true),
        b"false" => out.boolean(false),
        b"verbatim" => out.verbatim(b"txt", b"This is a verbatim\nstring"),
        _ => {
            return Err(CmdError::err(
                "Wrong protocol type name. Please use one of the following: \
                 string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
            ))
        }
    }
    Ok(())
}

// DEBUG HELP
fn help(ctx: &mut Ctx<'_>) -> CmdResult {
    reply_help(
        ctx.out,
        "DEBUG",
        &[
            "ERROR <string>",
            "    Reply with <string> as an error.",
            "LOG <message>",
            "    Write <message> to the server log.",
            "OBJECT <key>",
            "    Show low-level details of the value stored at <key>.",
            "PROTOCOL <type>",
            "    Reply with a sample of a protocol type: string, integer, double, bignum,",
            "    null, array, set, map, attrib, push, verbatim, true or false.",
            "SET-ACTIVE-EXPIRE <0|1>",
            "    Turn the periodic removal of expired keys off or on.",
            "SLEEP <seconds>",
            "    Block this connection's worker for <seconds> (may be fractional).",
        ],
    );
    Ok(())
}

/// The number at the start of `s`, as C's `strtod` reads it (0 when there is none).
fn strtod_prefix(s: &[u8]) -> f64 {
    let s = &s[..s.len().min(64)];
    let start = s
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(s.len());
    let s = &s[start..];
    (1..=s.len())
        .rev()
        .find_map(|n| {
            std::str::from_utf8(&s[..n])
                .ok()
                .and_then(|t| t.parse::<f64>().ok())
        })
        .unwrap_or(0.0)
}

/// C's `atoi`: optional sign and leading digits, 0 when there are none.
fn atoi(s: &[u8]) -> i64 {
    let mut it = s.iter().skip_while(|b| b.is_ascii_whitespace()).peekable();
    let neg = match it.peek() {
        Some(b'-') => {
            it.next();
            true
        }
        Some(b'+') => {
            it.next();
            false
        }
        _ => false,
    };
    let mut v: i64 = 0;
    for &b in it.take_while(|b| b.is_ascii_digit()) {
        v = v.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if neg {
        -v
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c_number_parsing() {
        assert_eq!(strtod_prefix(b"0.02"), 0.02);
        assert_eq!(strtod_prefix(b" 1.5xyz"), 1.5);
        assert_eq!(strtod_prefix(b"abc"), 0.0);
        assert_eq!(atoi(b"1"), 1);
        assert_eq!(atoi(b"0"), 0);
        assert_eq!(atoi(b"-3x"), -3);
        assert_eq!(atoi(b"yes"), 0);
    }

    #[test]
    fn serialized_lengths_match_redis() {
        // Values checked against redis-server's DEBUG OBJECT.
        assert_eq!(serialized_string_len(b"v"), 2);
        assert_eq!(serialized_int_len(12345), 3);
        assert_eq!(serialized_int_len(1), 2);
        assert_eq!(serialized_int_len(100_000), 5);
        assert_eq!(serialized_string_len(b"hello world"), 12);
    }
}
