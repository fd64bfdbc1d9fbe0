//! String commands: GET, SET and its variants, GETEX/GETDEL/GETSET, MGET/MSET/MSETNX,
//! APPEND, STRLEN, the integer and float counters, ranges (`string/range.rs`) and
//! LCS (`string/lcs.rs`).
//!
//! Strings have three encodings as in Redis: `int` (a canonical 64-bit integer),
//! `embstr` (at most 44 bytes, stored inline in the keyspace entry) and `raw`. Which
//! one a command leaves behind follows Redis exactly: values written from an
//! argument go through `tryObjectEncoding` ([`NewValue::string`]), counters store
//! `int`, INCRBYFLOAT stores its printed result as `embstr`/`raw`, and commands that
//! modify a string in place (APPEND, SETRANGE) leave it `raw`.

mod lcs;
mod range;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::sync::atomic::Ordering::Relaxed;

use cinnabar_resp::{parse_i64_strict, Args, ReplyBuf};

use super::prelude::*;
use super::{acl, flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;
use crate::keyspace::{Entry, NewValue, ValueRef};
use crate::types::longdouble::LongDouble;
use crate::types::Object;

/// The string command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("get", 2, READONLY | FAST, "string", get)
        .acl(acl::READ | acl::STRING | acl::FAST)
        .since("1.0.0")
        .doc("Reads the string stored at a key.", "O(1)")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
    CommandDef::new("set", -3, WRITE | DENYOOM, "string", set)
        .acl(acl::WRITE | acl::STRING | acl::SLOW)
        .since("1.0.0")
        .doc(
            "Sets the string value of a key, with optional conditions and expiry.",
            "O(1)",
        )
        .history(&[
            ("2.6.12", "EX, PX, NX and XX options."),
            ("6.0.0", "KEEPTTL option."),
            ("6.2.0", "GET, EXAT and PXAT options."),
            ("7.0.0", "NX and GET together."),
        ])
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE | VARIABLE_FLAGS, 1)
            .notes("Also reads the old value when GET is given.")])
        .args(&[
            key("key", 0),
            string("value"),
            oneof("condition", &[token("nx", "NX"), token("xx", "XX")])
                .optional()
                .since("2.6.12"),
            token("get", "GET").optional().since("6.2.0"),
            oneof(
                "expiration",
                &[
                    integer("seconds").token("EX").since("2.6.12"),
                    integer("milliseconds").token("PX").since("2.6.12"),
                    unix_time("unix-time-seconds").token("EXAT").since("6.2.0"),
                    unix_time("unix-time-milliseconds")
                        .token("PXAT")
                        .since("6.2.0"),
                    token("keepttl", "KEEPTTL").since("6.0.0"),
                ],
            )
            .optional(),
        ])
        .keys_fn(getkeys::set_keys),
    CommandDef::new("setnx", 3, WRITE | DENYOOM | FAST, "string", setnx)
        .acl(acl::WRITE | acl::STRING | acl::FAST)
        .since("1.0.0")
        .doc(
            "Sets a key's string value only when the key is absent.",
            "O(1)",
        )
        .deprecated("2.6.12", "`SET` with the `NX` argument")
        .key_specs(&[KeySpec::single(OW | INSERT, 1)])
        .args(&[key("key", 0), string("value")]),
    CommandDef::new("setex", 4, WRITE | DENYOOM, "string", setex)
        .acl(acl::WRITE | acl::STRING | acl::SLOW)
        .since("2.0.0")
        .doc(
            "Sets a key's string value with a time to live in seconds.",
            "O(1)",
        )
        .deprecated("2.6.12", "`SET` with the `EX` argument")
        .key_specs(&[KeySpec::single(OW | UPDATE, 1)])
        .args(&[key("key", 0), integer("seconds"), string("value")]),
    CommandDef::new("psetex", 4, WRITE | DENYOOM, "string", psetex)
        .acl(acl::WRITE | acl::STRING | acl::SLOW)
        .since("2.6.0")
        .doc(
            "Sets a key's string value with a time to live in milliseconds.",
            "O(1)",
        )
        .deprecated("2.6.12", "`SET` with the `PX` argument")
        .key_specs(&[KeySpec::single(OW | UPDATE, 1)])
        .args(&[key("key", 0), integer("milliseconds"), string("value")]),
    CommandDef::new("getset", 3, WRITE | DENYOOM | FAST, "string", getset)
        .acl(acl::WRITE | acl::STRING | acl::FAST)
        .since("1.0.0")
        .doc(
            "Replaces a key's string value and returns the previous one.",
            "O(1)",
        )
        .deprecated("6.2.0", "`SET` with the `!GET` argument")
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0), string("value")]),
    CommandDef::new("getex", -2, WRITE | FAST, "string", getex)
        .acl(acl::WRITE | acl::STRING | acl::FAST)
        .since("6.2.0")
        .doc(
            concat!(
                "Returns a key's string value, optionally changing or ",
                "removing its expiry."
            ),
            "O(1)",
        )
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)
            .notes("Read-write: the key's expiry may change.")])
        .args(&[
            key("key", 0),
            oneof(
                "expiration",
                &[
                    integer("seconds").token("EX"),
                    integer("milliseconds").token("PX"),
                    unix_time("unix-time-seconds").token("EXAT"),
                    unix_time("unix-time-milliseconds").token("PXAT"),
                    token("persist", "PERSIST"),
                ],
            )
            .optional(),
        ]),
    CommandDef::new("getdel", 2, WRITE | FAST, "string", getdel)
        .acl(acl::WRITE | acl::STRING | acl::FAST)
        .since("6.2.0")
        .doc("Returns a key's string value and deletes the key.", "O(1)")
        .key_specs(&[KeySpec::single(RW | ACCESS | DELETE, 1)])
        .args(&[key("key", 0)]),
    CommandDef::new("mget", -2, READONLY | FAST, "string", mget)
        .acl(acl::READ | acl::STRING | acl::FAST)
        .since("1.0.0")
        .doc(
            "Returns the string values of several keys.",
            "O(N), N being the number of keys given.",
        )
        .tips(&["request_policy:multi_shard"])
        .key_specs(&[KeySpec::range(RO | ACCESS, 1, -1, 1, 0)])
        .args(&[key("key", 0).multiple()]),
    CommandDef::new("mset", -3, WRITE | DENYOOM, "string", mset)
        .acl(acl::WRITE | acl::STRING | acl::SLOW)
        .since("1.0.1")
        .doc(
            "Sets several keys to string values at once.",
            "O(N), N being the number of keys set.",
        )
        .tips(&[
            "request_policy:multi_shard",
            "response_policy:all_succeeded",
        ])
        .key_specs(&[KeySpec::range(OW | UPDATE, 1, -1, 2, 0)])
        .args(&[block("data", &[key("key", 0), string("value")]).multiple()]),
    CommandDef::new("msetnx", -3, WRITE | DENYOOM, "string", msetnx)
        .acl(acl::WRITE | acl::STRING | acl::SLOW)
        .since("1.0.1")
        .doc(
            "Sets several keys to string values only when none of them exists.",
            "O(N), N being the number of keys set.",
        )
        .key_specs(&[KeySpec::range(OW | INSERT, 1, -1, 2, 0)])
        .args(&[block("data", &[key("key", 0), string("value")]).multiple()]),
    CommandDef::new("append", 3, WRITE | DENYOOM | FAST, "string", append)
        .acl(acl::WRITE | acl::STRING | acl::FAST)
        .since("2.0.0")
        .doc(
            "Appends a string to a key's value, creating the key when absent.",
            "O(1), amortized: the string's spare capacity grows geometrically.",
        )
        .key_specs(&[KeySpec::single(RW | INSERT, 1)])
        .args(&[key("key", 0), string("value")]),
    CommandDef::new("strlen", 2, READONLY | FAST, "string", strlen)
        .acl(acl::READ | acl::STRING | acl::FAST)
        .since("2.2.0")
        .doc("Returns the length of a key's string value.", "O(1)")
        .key_specs(&[KeySpec::single(RO, 1)])
        .args(&[key("key", 0)]),
    CommandDef::new("getrange", 4, READONLY, "string", range::getrange)
        .acl(acl::READ | acl::STRING | acl::SLOW)
        .since("2.4.0")
        .doc(
            "Returns a substring of a key's string value.",
            "O(N) where N is the length of the returned string.",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), integer("start"), integer("end")]),
    CommandDef::new("substr", 4, READONLY, "string", range::getrange)
        .acl(acl::READ | acl::STRING | acl::SLOW)
        .since("1.0.0")
        .doc(
            "Returns a substring of a key's string value (old name of GETRANGE).",
            "O(N) where N is the length of the returned string.",
        )
        .deprecated("2.0.0", "`GETRANGE`")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), integer("start"), integer("end")]),
    CommandDef::new("setrange", 4, WRITE | DENYOOM, "string", range::setrange)
        .acl(acl::WRITE | acl::STRING | acl::SLOW)
        .since("2.2.0")
        .doc(
            concat!(
                "Overwrites part of a key's string value from an offset, ",
                "padding with zero bytes."
            ),
            "O(1), not counting the copy of the new bytes or the zero padding.",
        )
        .key_specs(&[KeySpec::single(RW | UPDATE, 1)])
        .args(&[key("key", 0), integer("offset"), string("value")]),
    CommandDef::new("incr", 2, WRITE | DENYOOM | FAST, "string", incr)
        .acl(acl::WRITE | acl::STRING | acl::FAST)
        .since("1.0.0")
        .doc("Adds one to the integer value of a key.", "O(1)")
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0)]),
    CommandDef::new("decr", 2, WRITE | DENYOOM | FAST, "string", decr)
        .acl(acl::WRITE | acl::STRING | acl::FAST)
        .since("1.0.0")
        .doc("Subtracts one from the integer value of a key.", "O(1)")
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0)]),
    CommandDef::new("incrby", 3, WRITE | DENYOOM | FAST, "string", incrby)
        .acl(acl::WRITE | acl::STRING | acl::FAST)
        .since("1.0.0")
        .doc("Adds an amount to the integer value of a key.", "O(1)")
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0), integer("increment")]),
    CommandDef::new("decrby", 3, WRITE | DENYOOM | FAST, "string", decrby)
        .acl(acl::WRITE | acl::STRING | acl::FAST)
        .since("1.0.0")
        .doc(
            "Subtracts an amount from the integer value of a key.",
            "O(1)",
        )
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0), integer("decrement")]),
    CommandDef::new(
        "incrbyfloat",
        3,
        WRITE | DENYOOM | FAST,
        "string",
        incrbyfloat,
    )
    .acl(acl::WRITE | acl::STRING | acl::FAST)
    .since("2.6.0")
    .doc(
        "Adds a floating-point amount to the numeric value of a key.",
        "O(1)",
    )
    .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
    .args(&[key("key", 0), double("increment")]),
    CommandDef::new("lcs", -3, READONLY, "string", lcs::lcs)
        .acl(acl::READ | acl::STRING | acl::SLOW)
        .since("7.0.0")
        .doc(
            "Finds the longest common subsequence of two keys' string values.",
            "O(N*M) where N and M are the lengths of the two strings.",
        )
        .key_specs(&[KeySpec::range(RO | ACCESS, 1, 1, 1, 0)])
        .args(&[
            key("key1", 0),
            key("key2", 0),
            token("len", "LEN").optional(),
            token("idx", "IDX").optional(),
            integer("min-match-len").token("MINMATCHLEN").optional(),
            token("withmatchlen", "WITHMATCHLEN").optional(),
        ]),
];

/// The bytes of a string value, or WRONGTYPE for any other type.
fn string_bytes<'a>(v: ValueRef<'a>) -> Result<Cow<'a, [u8]>, CmdError> {
    match v {
        ValueRef::Embstr(b) => Ok(Cow::Borrowed(b)),
        ValueRef::Int(i) => Ok(Cow::Owned(
            itoa::Buffer::new().format(i).as_bytes().to_vec(),
        )),
        ValueRef::Object(Object::Str(s)) => Ok(Cow::Borrowed(s)),
        ValueRef::Object(_) | ValueRef::Embedded(_) => Err(CmdError::WrongType),
    }
}

/// Fails with WRONGTYPE unless the value is a string.
fn check_string(v: ValueRef<'_>) -> CmdResult {
    if v.type_name() == "string" {
        Ok(())
    } else {
        Err(CmdError::WrongType)
    }
}

/// The length of a string value (an `int` counts its decimal digits).
fn string_len(v: ValueRef<'_>) -> Result<usize, CmdError> {
    match v {
        ValueRef::Int(i) => Ok(itoa::Buffer::new().format(i).len()),
        other => Ok(string_bytes(other)?.len()),
    }
}

/// Writes a string value of any encoding as a bulk reply (WRONGTYPE for other types).
pub fn reply_string(ctx: &mut Ctx<'_>, v: ValueRef<'_>) -> CmdResult {
    reply_value(ctx.out, v)
}

/// Writes a string value of any encoding to `out` (WRONGTYPE for other types).
fn reply_value(out: &mut ReplyBuf, v: ValueRef<'_>) -> CmdResult {
    match v {
        ValueRef::Int(i) => out.bulk_int(i),
        other => out.bulk(&string_bytes(other)?),
    }
    Ok(())
}

/// The `proto-max-bulk-len` limit on string sizes.
fn max_string_len(ctx: &Ctx<'_>) -> u128 {
    ctx.srv.tun.proto_max_bulk_len.load(Relaxed) as u128
}

/// Redis's `checkStringLength`: a string of `size + append` bytes must fit in `max`.
fn check_string_length(max: u128, size: usize, append: usize) -> CmdResult {
    if size as u128 + append as u128 > max {
        return Err(CmdError::err(
            "string exceeds maximum allowed size (proto-max-bulk-len)",
        ));
    }
    Ok(())
}

/// The entry's value as a `raw` string buffer, converting an `int` or `embstr`
/// value first (Redis's `dbUnshareStringValue`); `None` for a non-string value.
fn raw_buffer(e: &mut Entry) -> Option<&mut Vec<u8>> {
    if !matches!(e.object_mut(), Some(Object::Str(_))) {
        let bytes = e.value().as_string()?.into_owned();
        e.set_value(NewValue::raw_string(bytes));
    }
    match e.object_mut() {
        Some(Object::Str(v)) => Some(v),
        _ => None,
    }
}

/// An argument as C sees it: up to its first NUL byte (Redis compares option names
/// with C string functions).
fn c_str(arg: &[u8]) -> &[u8] {
    arg.split(|&b| b == 0).next().unwrap_or(&[])
}

/// Looks a key up for reading and replies with its string value or a null
/// (Redis's `getGenericCommand`). Fails with WRONGTYPE for other types.
fn get_generic(ctx: &mut Ctx<'_>, key: &[u8]) -> CmdResult {
    match ctx.db.lookup_read(key)? {
        None => ctx.out.null(),
        Some(e) => reply_value(ctx.out, e.value())?,
    }
    Ok(())
}

// GET key
fn get(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    get_generic(ctx, args.get(1))
}

/// The expire option given to SET or GETEX.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ExpireUnit {
    /// `EX seconds`.
    Ex,
    /// `PX milliseconds`.
    Px,
    /// `EXAT unix-time-seconds`.
    ExAt,
    /// `PXAT unix-time-milliseconds`.
    PxAt,
}

/// Options of SET (NX/XX/GET/KEEPTTL and an expire) and GETEX (an expire or PERSIST).
#[derive(Default, Debug)]
struct ExtOptions<'a> {
    nx: bool,
    xx: bool,
    get: bool,
    keepttl: bool,
    persist: bool,
    expire: Option<(ExpireUnit, &'a [u8])>,
}

impl ExtOptions<'_> {
    /// True when `unit` may be given now: no other kind of expire, no KEEPTTL or
    /// PERSIST (repeating the same unit is allowed, the last value wins).
    fn expire_allowed(&self, unit: ExpireUnit) -> bool {
        !self.keepttl && !self.persist && self.expire.is_none_or(|(u, _)| u == unit)
    }
}

/// Parses SET's options (from argument 3) or GETEX's (from argument 2) with
/// Redis's rules for which combinations are allowed.
fn parse_ext_options<'a>(args: &Args<'a>, for_set: bool) -> Result<ExtOptions<'a>, CmdError> {
    let mut o = ExtOptions::default();
    let mut i = if for_set { 3 } else { 2 };
    while i < args.len() {
        let opt = c_str(args.get(i));
        let next = (i + 1 < args.len()).then(|| args.get(i + 1));
        let unit = [
            (&b"ex"[..], ExpireUnit::Ex),
            (b"px", ExpireUnit::Px),
            (b"exat", ExpireUnit::ExAt),
            (b"pxat", ExpireUnit::PxAt),
        ]
        .into_iter()
        .find(|(name, _)| opt.eq_ignore_ascii_case(name))
        .map(|(_, u)| u);
        if for_set && opt.eq_ignore_ascii_case(b"nx") && !o.xx {
            o.nx = true;
        } else if for_set && opt.eq_ignore_ascii_case(b"xx") && !o.nx {
            o.xx = true;
        } else if for_set && opt.eq_ignore_ascii_case(b"get") {
            o.get = true;
        } else if for_set
            && opt.eq_ignore_ascii_case(b"keepttl")
            && !o.persist
            && o.expire.is_none()
        {
            o.keepttl = true;
        } else if !for_set
            && opt.eq_ignore_ascii_case(b"persist")
            && !o.keepttl
            && o.expire.is_none()
        {
            o.persist = true;
        } else if let (Some(u), Some(value)) = (unit.filter(|&u| o.expire_allowed(u)), next) {
            o.expire = Some((u, value));
            i += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    Ok(o)
}

/// Converts an expire argument to an absolute Unix time in ms, with Redis's checks
/// and its error text naming `command`.
pub fn expire_at_ms(
    raw: &[u8],
    unit_is_seconds: bool,
    relative: bool,
    now_ms: i64,
    command: &str,
) -> Result<i64, CmdError> {
    let invalid = || CmdError::Msg(format!("ERR invalid expire time in '{command}' command"));
    let value = parse_i64_strict(raw).ok_or(CmdError::NotInteger)?;
    if value <= 0 || (unit_is_seconds && value > i64::MAX / 1000) {
        return Err(invalid());
    }
    let mut ms = if unit_is_seconds { value * 1000 } else { value };
    if relative {
        ms = ms.checked_add(now_ms).ok_or_else(invalid)?;
    }
    if ms <= 0 {
        return Err(invalid());
    }
    Ok(ms)
}

/// The absolute expire time of a parsed expire option.
fn option_expire_ms(ctx: &Ctx<'_>, unit: ExpireUnit, raw: &[u8]) -> Result<i64, CmdError> {
    let seconds = matches!(unit, ExpireUnit::Ex | ExpireUnit::ExAt);
    let relative = matches!(unit, ExpireUnit::Ex | ExpireUnit::Px);
    expire_at_ms(raw, seconds, relative, ctx.db.now_ms, ctx.cmd.name)
}

/// The replies of the SET variants.
#[derive(Clone, Copy)]
enum SetReplies {
    /// `+OK` when set, a null when NX/XX prevented it (SET, SETEX, PSETEX).
    OkOrNull,
    /// `:1` when set, `:0` when not (SETNX).
    OneOrZero,
}

/// The SET family's shared logic (Redis's `setGenericCommand`).
fn set_generic(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    value: &[u8],
    o: &ExtOptions<'_>,
    replies: SetReplies,
) -> CmdResult {
    let expire = match o.expire {
        Some((unit, raw)) => Some(option_expire_ms(ctx, unit, raw)?),
        None => None,
    };
    // A plain SET needs nothing from the old value: one table operation.
    if !o.get && !o.nx && !o.xx && !o.keepttl {
        ctx.db.set(key, NewValue::string(value), expire)?;
        record_set(ctx, key, value, o, expire);
        match replies {
            SetReplies::OkOrNull => ctx.out.ok(),
            SetReplies::OneOrZero => ctx.out.int(1),
        }
        return Ok(());
    }
    if o.get {
        get_generic(ctx, key)?;
    }
    let old_expire = ctx.db.lookup_write(key)?.map(|e| e.expire());
    let found = old_expire.is_some();
    if (o.nx && found) || (o.xx && !found) {
        if !o.get {
            match replies {
                SetReplies::OkOrNull => ctx.out.null(),
                SetReplies::OneOrZero => ctx.out.int(0),
            }
        }
        return Ok(());
    }
    let stored_expire = match expire {
        Some(ms) => Some(ms),
        None if o.keepttl => old_expire.flatten(),
        None => None,
    };
    ctx.db.set(key, NewValue::string(value), stored_expire)?;
    record_set(ctx, key, value, o, expire);
    if !o.get {
        match replies {
            SetReplies::OkOrNull => ctx.out.ok(),
            SetReplies::OneOrZero => ctx.out.int(1),
        }
    }
    Ok(())
}

/// Records a SET: `set`, then `expire` (counting nothing more) when an expire
/// option was given (`expire`, not a kept TTL), propagated as
/// `SET key value PXAT ms` unless given as PXAT.
#[inline]
fn record_set(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    value: &[u8],
    o: &ExtOptions<'_>,
    expire: Option<i64>,
) {
    ctx.db.changed(key, "set");
    if let Some(ms) = expire {
        ctx.db.event(key, "expire");
        if !matches!(o.expire, Some((ExpireUnit::PxAt, _))) {
            ctx.db.propagate_as(vec![
                b"SET".to_vec(),
                key.to_vec(),
                value.to_vec(),
                b"PXAT".to_vec(),
                itoa::Buffer::new().format(ms).as_bytes().to_vec(),
            ]);
        }
    }
}

// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds |
//     EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
fn set(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let o = parse_ext_options(args, true)?;
    set_generic(ctx, args.get(1), args.get(2), &o, SetReplies::OkOrNull)?;
    // GET changes only the reply: Redis propagates the command without it
    // (unless the expire rewrite already replaced the whole command).
    let rewritten = o.expire.is_some_and(|(unit, _)| unit != ExpireUnit::PxAt);
    if o.get && !rewritten {
        let kept = args
            .iter()
            .enumerate()
            .filter(|(i, a)| *i < 3 || !a.eq_ignore_ascii_case(b"get"))
            .map(|(_, a)| a.to_vec())
            .collect();
        ctx.db.propagate_as(kept);
    }
    Ok(())
}

// SETNX key value
fn setnx(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let o = ExtOptions {
        nx: true,
        ..ExtOptions::default()
    };
    set_generic(ctx, args.get(1), args.get(2), &o, SetReplies::OneOrZero)
}

// SETEX key seconds value
fn setex(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let o = ExtOptions {
        expire: Some((ExpireUnit::Ex, args.get(2))),
        ..ExtOptions::default()
    };
    set_generic(ctx, args.get(1), args.get(3), &o, SetReplies::OkOrNull)
}

// PSETEX key milliseconds value
fn psetex(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let o = ExtOptions {
        expire: Some((ExpireUnit::Px, args.get(2))),
        ..ExtOptions::default()
    };
    set_generic(ctx, args.get(1), args.get(3), &o, SetReplies::OkOrNull)
}

// GETSET key value
fn getset(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let (key, value) = (args.get(1), args.get(2));
    get_generic(ctx, key)?;
    ctx.db.set(key, NewValue::string(value), None)?;
    ctx.db.changed(key, "set");
    ctx.db
        .propagate_as(vec![b"SET".to_vec(), key.to_vec(), value.to_vec()]);
    Ok(())
}

// GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
//     PXAT unix-time-milliseconds | PERSIST]
fn getex(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let o = parse_ext_options(args, false)?;
    let key = args.get(1);
    let Some(e) = ctx.db.lookup_read(key)? else {
        ctx.out.null();
        return Ok(());
    };
    check_string(e.value())?;
    let expire = match o.expire {
        Some((unit, raw)) => Some((unit, option_expire_ms(ctx, unit, raw)?)),
        None => None,
    };
    let mut had_ttl = false;
    if let Some(e) = ctx.db.lookup_write(key)? {
        reply_value(ctx.out, e.value())?;
        had_ttl = e.expire().is_some();
    }
    match expire {
        Some((ExpireUnit::ExAt | ExpireUnit::PxAt, ms)) if ms <= ctx.db.now_ms => {
            let removed = ctx.db.remove(key)?;
            if removed {
                ctx.db.changed(key, "del");
                ctx.db.propagate_as(vec![b"DEL".to_vec(), key.to_vec()]);
            }
        }
        Some((_, ms)) => {
            let found = ctx.db.set_expire(key, Some(ms))?;
            if found {
                ctx.db.changed(key, "expire");
                ctx.db.propagate_as(vec![
                    b"PEXPIREAT".to_vec(),
                    key.to_vec(),
                    itoa::Buffer::new().format(ms).as_bytes().to_vec(),
                ]);
            }
        }
        None if o.persist && had_ttl => {
            let found = ctx.db.set_expire(key, None)?;
            if found {
                ctx.db.changed(key, "persist");
                ctx.db.propagate_as(vec![b"PERSIST".to_vec(), key.to_vec()]);
            }
        }
        None => {}
    }
    Ok(())
}

// GETDEL key
fn getdel(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let key = args.get(1);
    get_generic(ctx, key)?;
    if ctx.db.remove(key)? {
        ctx.db.changed(key, "del");
        ctx.db.propagate_as(vec![b"DEL".to_vec(), key.to_vec()]);
    }
    Ok(())
}

// MGET key [key ...]
fn mget(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    ctx.out.array(args.len() - 1);
    for key in args.iter().skip(1) {
        match ctx.db.lookup_read(key)? {
            Some(e) if e.value().type_name() == "string" => reply_value(ctx.out, e.value())?,
            _ => ctx.out.null(),
        }
    }
    Ok(())
}

/// MSET and MSETNX: odd argument count checked, then every pair stored (TTLs dropped).
fn mset_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, nx: bool) -> CmdResult {
    if args.len().is_multiple_of(2) {
        return Err(CmdError::err(format!(
            "wrong number of arguments for '{}' command",
            ctx.cmd.name
        )));
    }
    if nx {
        for key in args.iter().skip(1).step_by(2) {
            if ctx.db.lookup_write(key)?.is_some() {
                ctx.out.int(0);
                return Ok(());
            }
        }
    }
    for pair in (1..args.len()).step_by(2) {
        let key = args.get(pair);
        ctx.db
            .set(key, NewValue::string(args.get(pair + 1)), None)?;
        ctx.db.changed(key, "set");
    }
    if nx {
        ctx.out.int(1);
    } else {
        ctx.out.ok();
    }
    Ok(())
}

// MSET key value [key value ...]
fn mset(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    mset_generic(ctx, args, false)
}

// MSETNX key value [key value ...]
fn msetnx(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    mset_generic(ctx, args, true)
}

// APPEND key value
fn append(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let (key, tail) = (args.get(1), args.get(2));
    let max = max_string_len(ctx);
    let Some(e) = ctx.db.lookup_write(key)? else {
        ctx.db.set(key, NewValue::string(tail), None)?;
        ctx.db.changed(key, "append");
        ctx.out.int(tail.len() as i64);
        return Ok(());
    };
    check_string_length(max, string_len(e.value())?, tail.len())?;
    let buf = raw_buffer(e).ok_or(CmdError::WrongType)?;
    buf.extend_from_slice(tail);
    let total = buf.len();
    ctx.db.changed(key, "append");
    ctx.out.int(total as i64);
    Ok(())
}

// STRLEN key
fn strlen(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let len = match ctx.db.lookup_read(args.get(1))? {
        None => 0,
        Some(e) => string_len(e.value())?,
    };
    ctx.out.int(len as i64);
    Ok(())
}

/// Adds `delta` to the integer stored at `key` (creating it at 0), keeping its TTL;
/// the result is stored with the `int` encoding.
fn incr_by(ctx: &mut Ctx<'_>, key: &[u8], delta: i64) -> CmdResult {
    let overflow = || CmdError::err("increment or decrement would overflow");
    let new = match ctx.db.lookup_write(key)? {
        Some(e) => {
            let current = match e.value() {
                ValueRef::Int(i) => i,
                other => parse_i64_strict(&string_bytes(other)?).ok_or(CmdError::NotInteger)?,
            };
            let new = current.checked_add(delta).ok_or_else(overflow)?;
            e.set_value(NewValue::Int(new));
            new
        }
        None => {
            ctx.db.set(key, NewValue::Int(delta), None)?;
            delta
        }
    };
    ctx.db.changed(key, "incrby");
    ctx.out.int(new);
    Ok(())
}

// INCR key
fn incr(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    incr_by(ctx, args.get(1), 1)
}

// DECR key
fn decr(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    incr_by(ctx, args.get(1), -1)
}

// INCRBY key increment
fn incrby(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let delta = parse_i64_strict(args.get(2)).ok_or(CmdError::NotInteger)?;
    incr_by(ctx, args.get(1), delta)
}

// DECRBY key decrement
fn decrby(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let delta = parse_i64_strict(args.get(2)).ok_or(CmdError::NotInteger)?;
    let delta = delta
        .checked_neg()
        .ok_or_else(|| CmdError::err("decrement would overflow"))?;
    incr_by(ctx, args.get(1), delta)
}

// INCRBYFLOAT key increment
fn incrbyfloat(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let (key, increment) = (args.get(1), args.get(2));
    let Some(e) = ctx.db.lookup_write(key)? else {
        let sum = LongDouble::parse(increment).ok_or(CmdError::NotFloat)?;
        let text = float_result(sum)?;
        ctx.db
            .set(key, NewValue::plain_string(text.as_bytes()), None)?;
        record_incrbyfloat(ctx, key, &text);
        ctx.out.bulk(text.as_bytes());
        return Ok(());
    };
    let current = match e.value() {
        ValueRef::Int(i) => LongDouble::from_i64(i),
        other => LongDouble::parse(&string_bytes(other)?).ok_or(CmdError::NotFloat)?,
    };
    let increment = LongDouble::parse(increment).ok_or(CmdError::NotFloat)?;
    let text = float_result(current + increment)?;
    e.set_value(NewValue::plain_string(text.as_bytes()));
    record_incrbyfloat(ctx, key, &text);
    ctx.out.bulk(text.as_bytes());
    Ok(())
}

/// Records an INCRBYFLOAT, propagated as `SET key result KEEPTTL` so replicas
/// and the AOF store exactly the printed result.
fn record_incrbyfloat(ctx: &mut Ctx<'_>, key: &[u8], text: &str) {
    ctx.db.changed(key, "incrbyfloat");
    ctx.db.propagate_as(vec![
        b"SET".to_vec(),
        key.to_vec(),
        text.as_bytes().to_vec(),
        b"KEEPTTL".to_vec(),
    ]);
}

/// INCRBYFLOAT's stored and replied text for a sum, or its error when not finite.
fn float_result(sum: LongDouble) -> Result<String, CmdError> {
    if !sum.is_finite() {
        return Err(CmdError::err("increment would produce NaN or Infinity"));
    }
    Ok(sum.to_human_string())
}
