//! String commands: GET, SET and friends, counters, ranges, LCS.
//!
//! Strings have three encodings as in Redis: `int` (a canonical 64-bit integer),
//! `embstr` (at most 44 bytes, stored inline in the keyspace entry) and `raw`.

use cinnabar_resp::{parse_i64_strict, Args};

use super::{acl, flags::*, CommandDef};
use crate::dispatch::Ctx;
use crate::error::{CmdError, CmdResult};
use crate::keyspace::{NewValue, ValueRef};

/// The string command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("get", 2, READONLY | FAST, "string", get)
        .keys(1, 1, 1)
        .acl(acl::READ | acl::STRING | acl::FAST)
        .doc("Returns the string value of a key.", "O(1)"),
    CommandDef::new("set", -3, WRITE | DENYOOM, "string", set)
        .keys(1, 1, 1)
        .acl(acl::WRITE | acl::STRING | acl::SLOW)
        .doc(
            "Sets the string value of a key, with optional conditions and expiry.",
            "O(1)",
        ),
    CommandDef::new("incr", 2, WRITE | DENYOOM | FAST, "string", incr)
        .keys(1, 1, 1)
        .acl(acl::WRITE | acl::STRING | acl::FAST)
        .doc("Adds one to the integer value of a key.", "O(1)"),
    CommandDef::new("decr", 2, WRITE | DENYOOM | FAST, "string", decr)
        .keys(1, 1, 1)
        .acl(acl::WRITE | acl::STRING | acl::FAST)
        .doc("Subtracts one from the integer value of a key.", "O(1)"),
    CommandDef::new("incrby", 3, WRITE | DENYOOM | FAST, "string", incrby)
        .keys(1, 1, 1)
        .acl(acl::WRITE | acl::STRING | acl::FAST)
        .doc("Adds an amount to the integer value of a key.", "O(1)"),
    CommandDef::new("decrby", 3, WRITE | DENYOOM | FAST, "string", decrby)
        .keys(1, 1, 1)
        .acl(acl::WRITE | acl::STRING | acl::FAST)
        .doc(
            "Subtracts an amount from the integer value of a key.",
            "O(1)",
        ),
    CommandDef::new("mset", -3, WRITE | DENYOOM, "string", mset)
        .keys(1, -1, 2)
        .acl(acl::WRITE | acl::STRING | acl::SLOW)
        .since("1.0.1")
        .doc(
            "Sets several keys to string values at once.",
            "O(N) where N is the number of keys to set.",
        ),
];

/// Writes a string value of any encoding as a bulk reply.
pub fn reply_string(ctx: &mut Ctx<'_>, v: ValueRef<'_>) -> CmdResult {
    match v {
        ValueRef::Embstr(b) => ctx.out.bulk(b),
        ValueRef::Int(i) => ctx.out.bulk_int(i),
        ValueRef::Object(crate::types::Object::Str(s)) => ctx.out.bulk(s),
        #[allow(unreachable_patterns)]
        ValueRef::Object(_) => return Err(CmdError::WrongType),
    }
    Ok(())
}

// GET key
fn get(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let Some(entry) = ctx.db.lookup_read(args.get(1))? else {
        ctx.out.null();
        return Ok(());
    };
    let value = entry.value();
    match value {
        ValueRef::Embstr(b) => ctx.out.bulk(b),
        ValueRef::Int(i) => ctx.out.bulk_int(i),
        ValueRef::Object(crate::types::Object::Str(s)) => ctx.out.bulk(s),
        #[allow(unreachable_patterns)]
        ValueRef::Object(_) => return Err(CmdError::WrongType),
    }
    Ok(())
}

/// How SET's expire option was given.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ExpireUnit {
    Seconds,
    Millis,
    UnixSeconds,
    UnixMillis,
}

/// Options of SET (and the expire part shared with GETEX).
#[derive(Default)]
pub struct SetOptions<'a> {
    nx: bool,
    xx: bool,
    get: bool,
    keepttl: bool,
    expire: Option<(ExpireUnitWrap, &'a [u8])>,
}

#[derive(Clone, Copy)]
struct ExpireUnitWrap(ExpireUnit);

impl Default for ExpireUnitWrap {
    fn default() -> Self {
        ExpireUnitWrap(ExpireUnit::Seconds)
    }
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

// SET key value [NX | XX] [GET] [EX seconds | PX milliseconds |
//     EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
fn set(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut o = SetOptions::default();
    let mut i = 3;
    while i < args.len() {
        let opt = args.get(i);
        let next = (i + 1 < args.len()).then(|| args.get(i + 1));
        let unit = if opt.eq_ignore_ascii_case(b"ex") {
            Some(ExpireUnit::Seconds)
        } else if opt.eq_ignore_ascii_case(b"px") {
            Some(ExpireUnit::Millis)
        } else if opt.eq_ignore_ascii_case(b"exat") {
            Some(ExpireUnit::UnixSeconds)
        } else if opt.eq_ignore_ascii_case(b"pxat") {
            Some(ExpireUnit::UnixMillis)
        } else {
            None
        };
        if opt.eq_ignore_ascii_case(b"nx") && !o.xx {
            o.nx = true;
        } else if opt.eq_ignore_ascii_case(b"xx") && !o.nx {
            o.xx = true;
        } else if opt.eq_ignore_ascii_case(b"get") {
            o.get = true;
        } else if opt.eq_ignore_ascii_case(b"keepttl") && o.expire.is_none() {
            o.keepttl = true;
        } else if let (Some(u), Some(v)) = (unit, next) {
            if o.keepttl || o.expire.is_some() {
                return Err(CmdError::Syntax);
            }
            o.expire = Some((ExpireUnitWrap(u), v));
            i += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    let expire = match o.expire {
        None => None,
        Some((ExpireUnitWrap(u), raw)) => {
            let seconds = matches!(u, ExpireUnit::Seconds | ExpireUnit::UnixSeconds);
            let relative = matches!(u, ExpireUnit::Seconds | ExpireUnit::Millis);
            Some(expire_at_ms(raw, seconds, relative, ctx.db.now_ms, "set")?)
        }
    };
    let key = args.get(1);
    let (exists, old_expire) = match ctx.db.lookup_write(key)? {
        Some(e) => {
            if o.get {
                match e.value() {
                    ValueRef::Object(obj) if obj.type_name() != "string" => {
                        return Err(CmdError::WrongType)
                    }
                    v => {
                        let v = v.as_string().map(|c| c.into_owned()).unwrap_or_default();
                        ctx.out.bulk(&v);
                    }
                }
            }
            (true, e.expire())
        }
        None => {
            if o.get {
                ctx.out.null();
            }
            (false, None)
        }
    };
    if (o.nx && exists) || (o.xx && !exists) {
        if !o.get {
            ctx.out.null();
        }
        return Ok(());
    }
    let expire = if o.keepttl { old_expire } else { expire };
    ctx.db.set(key, NewValue::string(args.get(2)), expire)?;
    if !o.get {
        ctx.out.ok();
    }
    Ok(())
}

/// Adds `delta` to the integer stored at `key` (creating it at 0), keeping its TTL.
fn incr_by(ctx: &mut Ctx<'_>, key: &[u8], delta: i64) -> CmdResult {
    let current = match ctx.db.lookup_write(key)? {
        None => None,
        Some(e) => match e.value() {
            ValueRef::Int(i) => Some(i),
            ValueRef::Embstr(b) => Some(parse_i64_strict(b).ok_or(CmdError::NotInteger)?),
            ValueRef::Object(crate::types::Object::Str(s)) => {
                Some(parse_i64_strict(s).ok_or(CmdError::NotInteger)?)
            }
            #[allow(unreachable_patterns)]
            ValueRef::Object(_) => return Err(CmdError::WrongType),
        },
    };
    let base = current.unwrap_or(0);
    let new = base
        .checked_add(delta)
        .ok_or_else(|| CmdError::err("increment or decrement would overflow"))?;
    match ctx.db.lookup_write(key)? {
        Some(e) => e.set_value(NewValue::Int(new)),
        None => ctx.db.set(key, NewValue::Int(new), None)?,
    }
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

// MSET key value [key value ...]
fn mset(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() % 2 == 0 {
        return Err(CmdError::err(
            "wrong number of arguments for 'mset' command",
        ));
    }
    for pair in (1..args.len()).step_by(2) {
        ctx.db
            .set(args.get(pair), NewValue::string(args.get(pair + 1)), None)?;
    }
    ctx.out.ok();
    Ok(())
}
