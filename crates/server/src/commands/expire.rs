//! The expire family: EXPIRE PEXPIRE EXPIREAT PEXPIREAT (with NX XX GT LT), TTL
//! PTTL EXPIRETIME PEXPIRETIME and PERSIST.
//!
//! Expire times are absolute Unix milliseconds. Setting one at or before the
//! command's clock deletes the key at once, as Redis does on a primary.

use cinnabar_resp::{parse_i64_strict, Args};

use super::keys::peek;
use super::prelude::*;
use super::{acl, flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;

/// The expire command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("expire", -3, WRITE | FAST, "generic", expire)
        .acl(acl::KEYSPACE | acl::WRITE | acl::FAST)
        .since("1.0.0")
        .doc("Sets a key's time to live in seconds.", "O(1)")
        .history(&[("7.0.0", "NX, XX, GT and LT conditions.")])
        .key_specs(&[KeySpec::single(RW | UPDATE, 1)])
        .args(&[
            key("key", 0),
            integer("seconds"),
            oneof(
                "condition",
                &[
                    token("nx", "NX"),
                    token("xx", "XX"),
                    token("gt", "GT"),
                    token("lt", "LT"),
                ],
            )
            .optional()
            .since("7.0.0"),
        ]),
    CommandDef::new("pexpire", -3, WRITE | FAST, "generic", pexpire)
        .acl(acl::KEYSPACE | acl::WRITE | acl::FAST)
        .since("2.6.0")
        .doc("Sets a key's time to live in milliseconds.", "O(1)")
        .history(&[("7.0.0", "NX, XX, GT and LT conditions.")])
        .key_specs(&[KeySpec::single(RW | UPDATE, 1)])
        .args(&[
            key("key", 0),
            integer("milliseconds"),
            oneof(
                "condition",
                &[
                    token("nx", "NX"),
                    token("xx", "XX"),
                    token("gt", "GT"),
                    token("lt", "LT"),
                ],
            )
            .optional()
            .since("7.0.0"),
        ]),
    CommandDef::new("expireat", -3, WRITE | FAST, "generic", expireat)
        .acl(acl::KEYSPACE | acl::WRITE | acl::FAST)
        .since("1.2.0")
        .doc("Sets a key's expiry to a Unix time in seconds.", "O(1)")
        .history(&[("7.0.0", "NX, XX, GT and LT conditions.")])
        .key_specs(&[KeySpec::single(RW | UPDATE, 1)])
        .args(&[
            key("key", 0),
            unix_time("unix-time-seconds"),
            oneof(
                "condition",
                &[
                    token("nx", "NX"),
                    token("xx", "XX"),
                    token("gt", "GT"),
                    token("lt", "LT"),
                ],
            )
            .optional()
            .since("7.0.0"),
        ]),
    CommandDef::new("pexpireat", -3, WRITE | FAST, "generic", pexpireat)
        .acl(acl::KEYSPACE | acl::WRITE | acl::FAST)
        .since("2.6.0")
        .doc(
            "Sets a key's expiry to a Unix time in milliseconds.",
            "O(1)",
        )
        .history(&[("7.0.0", "NX, XX, GT and LT conditions.")])
        .key_specs(&[KeySpec::single(RW | UPDATE, 1)])
        .args(&[
            key("key", 0),
            unix_time("unix-time-milliseconds"),
            oneof(
                "condition",
                &[
                    token("nx", "NX"),
                    token("xx", "XX"),
                    token("gt", "GT"),
                    token("lt", "LT"),
                ],
            )
            .optional()
            .since("7.0.0"),
        ]),
    CommandDef::new("ttl", 2, READONLY | FAST, "generic", ttl)
        .acl(acl::KEYSPACE | acl::READ | acl::FAST)
        .since("1.0.0")
        .doc("Returns a key's remaining time to live in seconds.", "O(1)")
        .history(&[("2.8.0", "-2 for a missing key.")])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
    CommandDef::new("pttl", 2, READONLY | FAST, "generic", pttl)
        .acl(acl::KEYSPACE | acl::READ | acl::FAST)
        .since("2.6.0")
        .doc(
            "Returns a key's remaining time to live in milliseconds.",
            "O(1)",
        )
        .history(&[("2.8.0", "-2 for a missing key.")])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
    CommandDef::new("expiretime", 2, READONLY | FAST, "generic", expiretime)
        .acl(acl::KEYSPACE | acl::READ | acl::FAST)
        .since("7.0.0")
        .doc("Returns a key's expiry as a Unix time in seconds.", "O(1)")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
    CommandDef::new("pexpiretime", 2, READONLY | FAST, "generic", pexpiretime)
        .acl(acl::KEYSPACE | acl::READ | acl::FAST)
        .since("7.0.0")
        .doc(
            "Returns a key's expiry as a Unix time in milliseconds.",
            "O(1)",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
    CommandDef::new("persist", 2, WRITE | FAST, "generic", persist)
        .acl(acl::KEYSPACE | acl::WRITE | acl::FAST)
        .since("2.2.0")
        .doc("Removes a key's expiry.", "O(1)")
        .key_specs(&[KeySpec::single(RW | UPDATE, 1)])
        .args(&[key("key", 0)]),
];

/// The NX / XX / GT / LT conditions of the expire commands.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Conditions {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
}

/// Parses the options after the time argument, with Redis's error texts.
fn parse_conditions(args: &Args<'_>) -> Result<Conditions, CmdError> {
    let mut c = Conditions::default();
    for opt in args.iter().skip(3) {
        if opt.eq_ignore_ascii_case(b"nx") {
            c.nx = true;
        } else if opt.eq_ignore_ascii_case(b"xx") {
            c.xx = true;
        } else if opt.eq_ignore_ascii_case(b"gt") {
            c.gt = true;
        } else if opt.eq_ignore_ascii_case(b"lt") {
            c.lt = true;
        } else {
            return Err(CmdError::err(format_args!(
                "Unsupported option {}",
                String::from_utf8_lossy(opt)
            )));
        }
    }
    if c.nx && (c.xx || c.gt || c.lt) {
        return Err(CmdError::err(
            "NX and XX, GT or LT options at the same time are not compatible",
        ));
    }
    if c.gt && c.lt {
        return Err(CmdError::err(
            "GT and LT options at the same time are not compatible",
        ));
    }
    Ok(c)
}

/// Converts the time argument to absolute milliseconds: `value` in seconds when
/// `seconds`, plus `base_ms` (the clock for relative forms, 0 for absolute ones).
/// Negative values are allowed; only overflow is an error (`None`).
fn absolute_ms(value: i64, seconds: bool, base_ms: i64) -> Option<i64> {
    let ms = if seconds {
        value.checked_mul(1000)?
    } else {
        value
    };
    if ms > i64::MAX - base_ms.max(0) {
        return None;
    }
    ms.checked_add(base_ms)
}

/// True when the conditions allow replacing `current` (None: no expire) by `when`.
fn allowed(c: Conditions, current: Option<i64>, when: i64) -> bool {
    if c.nx && current.is_some() {
        return false;
    }
    if c.xx && current.is_none() {
        return false;
    }
    if c.gt && current.is_none_or(|cur| when <= cur) {
        return false;
    }
    if c.lt && current.is_some_and(|cur| when >= cur) {
        return false;
    }
    true
}

fn expire_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, seconds: bool, relative: bool) -> CmdResult {
    let conditions = parse_conditions(args)?;
    let value = parse_i64_strict(args.get(2)).ok_or(CmdError::NotInteger)?;
    let now = ctx.db.now_ms;
    let base = if relative { now } else { 0 };
    let when = absolute_ms(value, seconds, base).ok_or_else(|| {
        CmdError::err(format_args!(
            "invalid expire time in '{}' command",
            ctx.cmd.name
        ))
    })?;
    let key = args.get(1);
    let current = match ctx.db.lookup_write(key)? {
        Some(e) => e.expire(),
        None => {
            ctx.out.int(0);
            return Ok(());
        }
    };
    if !allowed(conditions, current, when) {
        ctx.out.int(0);
        return Ok(());
    }
    if when <= now {
        ctx.db.remove(key)?;
        ctx.db.changed(key, "del");
        ctx.db.propagate_as(vec![b"DEL".to_vec(), key.to_vec()]);
    } else {
        ctx.db.set_expire(key, Some(when))?;
        ctx.db.changed(key, "expire");
        // Propagated as PEXPIREAT with the absolute time, options kept.
        if relative || seconds {
            let mut argv = Vec::with_capacity(args.len());
            argv.push(b"PEXPIREAT".to_vec());
            argv.push(key.to_vec());
            argv.push(itoa::Buffer::new().format(when).as_bytes().to_vec());
            argv.extend(args.iter().skip(3).map(<[u8]>::to_vec));
            ctx.db.propagate_as(argv);
        }
    }
    ctx.out.int(1);
    Ok(())
}

// EXPIRE key seconds [NX | XX | GT | LT]
fn expire(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    expire_generic(ctx, args, true, true)
}

// PEXPIRE key milliseconds [NX | XX | GT | LT]
fn pexpire(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    expire_generic(ctx, args, false, true)
}

// EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
fn expireat(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    expire_generic(ctx, args, true, false)
}

// PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
fn pexpireat(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    expire_generic(ctx, args, false, false)
}

/// Replies -2 for a missing key, -1 for a key without expire, else the time left
/// (or the absolute expiry), in milliseconds or rounded to seconds.
fn ttl_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, millis: bool, absolute: bool) -> CmdResult {
    let now = ctx.db.now_ms;
    let Some(entry) = peek(&mut ctx.db, args.get(1))? else {
        ctx.out.int(-2);
        return Ok(());
    };
    let Some(at) = entry.expire() else {
        ctx.out.int(-1);
        return Ok(());
    };
    let ms = if absolute {
        i128::from(at)
    } else {
        i128::from(at) - i128::from(now)
    }
    .max(0);
    let shown = if millis { ms } else { (ms + 500) / 1000 };
    ctx.out.int(i64::try_from(shown).unwrap_or(i64::MAX));
    Ok(())
}

// TTL key
fn ttl(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    ttl_generic(ctx, args, false, false)
}

// PTTL key
fn pttl(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    ttl_generic(ctx, args, true, false)
}

// EXPIRETIME key
fn expiretime(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    ttl_generic(ctx, args, false, true)
}

// PEXPIRETIME key
fn pexpiretime(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    ttl_generic(ctx, args, true, true)
}

// PERSIST key
fn persist(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let key = args.get(1);
    let had_expire = ctx
        .db
        .lookup_write(key)?
        .is_some_and(|e| e.expire().is_some());
    if had_expire {
        ctx.db.set_expire(key, None)?;
        ctx.db.changed(key, "persist");
    }
    ctx.out.int(i64::from(had_expire));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overflow_rules() {
        let now = 1_700_000_000_000;
        assert_eq!(absolute_ms(10, true, now), Some(now + 10_000));
        assert_eq!(absolute_ms(-10, true, now), Some(now - 10_000));
        assert_eq!(
            absolute_ms(i64::MAX / 1000, true, 0),
            Some(i64::MAX / 1000 * 1000)
        );
        assert_eq!(absolute_ms(i64::MAX / 1000 + 1, true, 0), None);
        assert_eq!(absolute_ms(i64::MIN / 1000 - 1, true, 0), None);
        assert_eq!(
            absolute_ms(i64::MIN / 1000, true, now),
            Some(i64::MIN / 1000 * 1000 + now)
        );
        assert_eq!(absolute_ms(i64::MAX, false, 0), Some(i64::MAX));
        assert_eq!(absolute_ms(i64::MAX, false, now), None);
        assert_eq!(absolute_ms(i64::MAX - now, false, now), Some(i64::MAX));
        assert_eq!(absolute_ms(i64::MIN, false, now), Some(i64::MIN + now));
    }

    #[test]
    fn condition_rules() {
        let c = |nx, xx, gt, lt| Conditions { nx, xx, gt, lt };
        assert!(allowed(c(false, false, false, false), Some(5), 1));
        assert!(allowed(c(true, false, false, false), None, 1));
        assert!(!allowed(c(true, false, false, false), Some(5), 1));
        assert!(!allowed(c(false, true, false, false), None, 1));
        assert!(allowed(c(false, true, false, false), Some(5), 1));
        // GT never applies to a key without expire (an infinite TTL); LT always does.
        assert!(!allowed(c(false, false, true, false), None, 1));
        assert!(!allowed(c(false, false, true, false), Some(5), 5));
        assert!(allowed(c(false, false, true, false), Some(5), 6));
        assert!(allowed(c(false, false, false, true), None, 1));
        assert!(!allowed(c(false, false, false, true), Some(5), 5));
        assert!(allowed(c(false, false, false, true), Some(5), 4));
        assert!(!allowed(c(false, true, true, false), None, 9));
    }
}
