//! Set commands on one or two keys: SADD SREM SISMEMBER SMISMEMBER SCARD SPOP
//! SRANDMEMBER SMOVE SSCAN. The multi-set algebra (SINTER, SUNION, SDIFF and
//! their STORE / CARD forms, SMEMBERS) is in `setops.rs`.
//!
//! Sets are `intset`, `listpack` or `hashtable` as in Redis 7.2 (see
//! `types::set`). A set that loses its last member is deleted.

use cinnabar_resp::{parse_i64_strict, Args};
use std::borrow::Cow;

use super::collection::{
    parse_scan_cursor, parse_scan_opts, reply_item, reply_scan_header, SAMPLE_REPLY_BUDGET,
};
use super::prelude::*;
use super::{acl, flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;
use crate::keyspace::{Entry, NewValue};
use crate::types::dense::{random_distinct, random_index};
use crate::types::packed::Item;
use crate::types::set::{Set, SetLimits};
use crate::types::Object;

/// The set command table (single-key and SMOVE).
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("sadd", -3, WRITE | DENYOOM | FAST, "set", sadd)
        .acl(acl::WRITE | acl::SET | acl::FAST)
        .since("1.0.0")
        .doc(
            "Adds members to a set, creating it if needed.",
            "O(1) for each member added.",
        )
        .history(&[("2.4.0", "Several members in one call.")])
        .key_specs(&[KeySpec::single(RW | INSERT, 1)])
        .args(&[key("key", 0), string("member").multiple()]),
    CommandDef::new("srem", -3, WRITE | FAST, "set", srem)
        .acl(acl::WRITE | acl::SET | acl::FAST)
        .since("1.0.0")
        .doc(
            "Removes members from a set; the set is deleted once empty.",
            "O(N) where N is the number of members removed.",
        )
        .history(&[("2.4.0", "Several members in one call.")])
        .key_specs(&[KeySpec::single(RW | DELETE, 1)])
        .args(&[key("key", 0), string("member").multiple()]),
    CommandDef::new("sismember", 3, READONLY | FAST, "set", sismember)
        .acl(acl::READ | acl::SET | acl::FAST)
        .since("1.0.0")
        .doc("Tells whether a value is a member of a set.", "O(1)")
        .key_specs(&[KeySpec::single(RO, 1)])
        .args(&[key("key", 0), string("member")]),
    CommandDef::new("smismember", -3, READONLY | FAST, "set", smismember)
        .acl(acl::READ | acl::SET | acl::FAST)
        .since("6.2.0")
        .doc(
            "Tells, for each of several values, whether it is a member of a set.",
            "O(N) where N is the number of values checked.",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), string("member").multiple()]),
    CommandDef::new("scard", 2, READONLY | FAST, "set", scard)
        .acl(acl::READ | acl::SET | acl::FAST)
        .since("1.0.0")
        .doc("Returns the number of members of a set.", "O(1)")
        .key_specs(&[KeySpec::single(RO, 1)])
        .args(&[key("key", 0)]),
    CommandDef::new("spop", -2, WRITE | FAST, "set", spop)
        .acl(acl::WRITE | acl::SET | acl::FAST)
        .since("1.0.0")
        .doc(
            "Removes and returns random members of a set.",
            "O(N) where N is the number of members returned.",
        )
        .history(&[("3.2.0", "count argument.")])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RW | ACCESS | DELETE, 1)])
        .args(&[key("key", 0), integer("count").optional().since("3.2.0")]),
    CommandDef::new("srandmember", -2, READONLY, "set", srandmember)
        .acl(acl::READ | acl::SET | acl::SLOW)
        .since("1.0.0")
        .doc(
            "Returns random members of a set without removing them.",
            "O(N) where N is the number of members returned.",
        )
        .history(&[("2.6.0", "count argument.")])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), integer("count").optional().since("2.6.0")]),
    CommandDef::new("smove", 4, WRITE | FAST, "set", smove)
        .acl(acl::WRITE | acl::SET | acl::FAST)
        .since("1.0.0")
        .doc("Transfers a member from one set to another.", "O(1)")
        .key_specs(&[
            KeySpec::single(RW | ACCESS | DELETE, 1),
            KeySpec::single(RW | INSERT, 2),
        ])
        .args(&[key("source", 0), key("destination", 1), string("member")]),
    CommandDef::new("sscan", -3, READONLY, "set", sscan)
        .acl(acl::READ | acl::SET | acl::SLOW)
        .since("2.8.0")
        .doc(
            "Iterates over the members of a set.",
            "O(1) for every call. O(N) for a complete iteration.",
        )
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            integer("cursor"),
            pattern("pattern").token("MATCH").optional(),
            integer("count").token("COUNT").optional(),
        ]),
];

/// The set stored in an entry, or WRONGTYPE.
pub fn set_of(e: &Entry) -> Result<Cow<'_, Set>, CmdError> {
    match e.value().object() {
        Some(Cow::Borrowed(Object::Set(s))) => Ok(Cow::Borrowed(s)),
        Some(Cow::Owned(Object::Set(s))) => Ok(Cow::Owned(s)),
        _ => Err(CmdError::WrongType),
    }
}

/// The set stored in an entry, mutably, or WRONGTYPE.
pub fn set_mut(e: &mut Entry) -> Result<&mut Set, CmdError> {
    match e.object_mut() {
        Some(Object::Set(s)) => Ok(s),
        _ => Err(CmdError::WrongType),
    }
}

/// Wraps a set for storing under a key.
pub fn new_value(s: Set) -> NewValue<'static> {
    NewValue::Object(Box::new(Object::Set(s)))
}

/// The current set thresholds.
pub fn limits(ctx: &Ctx<'_>) -> SetLimits {
    SetLimits::load(&ctx.srv.tun.enc)
}

// SADD key member [member ...]
fn sadd(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let lim = limits(ctx);
    let key = args.get(1);
    let hint = args.len() - 2;
    let mut added = 0i64;
    match ctx.db.lookup_write(key)? {
        Some(e) => {
            let s = set_mut(e)?;
            s.maybe_convert(hint, &lim);
            for m in args.iter().skip(2) {
                added += i64::from(s.add(m, &lim));
            }
        }
        None => {
            let mut s = Set::create(args.get(2), hint, &lim);
            for m in args.iter().skip(2) {
                added += i64::from(s.add(m, &lim));
            }
            ctx.db.set(key, new_value(s), None)?;
        }
    }
    if added > 0 {
        ctx.db.changed_n(key, "sadd", added as usize);
    }
    ctx.out.int(added);
    Ok(())
}

// SREM key member [member ...]
fn srem(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    super::collection::remove_members(ctx, args, "srem", set_mut, Set::remove, Set::is_empty)
}

// SISMEMBER key member
fn sismember(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let found = match ctx.db.lookup_read(args.get(1))? {
        Some(e) => set_of(e)?.contains(args.get(2)),
        None => false,
    };
    ctx.out.int(i64::from(found));
    Ok(())
}

// SMISMEMBER key member [member ...]
fn smismember(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let s = match ctx.db.lookup_read(args.get(1))? {
        Some(e) => Some(set_of(e)?),
        None => None,
    };
    ctx.out.array(args.len() - 2);
    for m in args.iter().skip(2) {
        ctx.out
            .int(i64::from(s.as_deref().is_some_and(|s| s.contains(m))));
    }
    Ok(())
}

// SCARD key
fn scard(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let n = match ctx.db.lookup_read(args.get(1))? {
        Some(e) => set_of(e)?.len(),
        None => 0,
    };
    ctx.out.int(n as i64);
    Ok(())
}

/// The members of `s` in the order Redis's SUNION of that one set gives (the
/// union is built from an empty intset, so integers come out sorted until the
/// first non-integer).
pub fn union_order(s: &Set, lim: &SetLimits) -> Set {
    let mut u = Set::new_intset();
    for item in s.iter() {
        u.add_item(item, lim);
    }
    u
}

/// Members per SREM that SPOP with a count propagates as (Redis's batch size).
const SPOP_BATCH: usize = 1024;

// SPOP key [count]
fn spop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() > 3 {
        return Err(CmdError::Syntax);
    }
    let key = args.get(1);
    if args.len() == 2 {
        let Some(e) = ctx.db.lookup_write(key)? else {
            ctx.out.null();
            return Ok(());
        };
        let s = set_mut(e)?;
        let Some(m) = s.pop_random() else {
            ctx.out.null();
            return Ok(());
        };
        let empty = s.is_empty();
        ctx.out.bulk(&m);
        ctx.db.changed(key, "spop");
        if empty {
            ctx.db.remove(key)?;
            ctx.db.event(key, "del");
        }
        // Propagated as the SREM of the member popped.
        ctx.db.propagate_as(vec![b"SREM".to_vec(), key.to_vec(), m]);
        return Ok(());
    }
    let positive = || CmdError::err("value is out of range, must be positive");
    let count = parse_i64_strict(args.get(2)).ok_or_else(positive)?;
    let count = usize::try_from(count).map_err(|_| positive())?;
    let lim = limits(ctx);
    let Some(e) = ctx.db.lookup_write(key)? else {
        ctx.out.set(0);
        return Ok(());
    };
    let s = set_mut(e)?;
    if count == 0 {
        ctx.out.set(0);
        return Ok(());
    }
    if count >= s.len() {
        // The whole set, in the order of Redis's one-set union, then the key
        // goes: propagated as its DEL.
        let u = union_order(s, &lim);
        ctx.out.set(u.len());
        for item in u.iter() {
            reply_item(ctx.out, item);
        }
        ctx.db.changed_n(key, "spop", u.len());
        ctx.db.remove(key)?;
        ctx.db.event(key, "del");
        ctx.db.propagate_as(vec![b"DEL".to_vec(), key.to_vec()]);
        return Ok(());
    }
    let popped = s.pop_many(count, &lim);
    ctx.out.set(popped.len());
    for m in &popped {
        ctx.out.bulk(m);
    }
    ctx.db.changed_n(key, "spop", popped.len());
    // Propagated as SREMs of the members popped, at most 1024 per command.
    for batch in popped.chunks(SPOP_BATCH) {
        let mut argv = Vec::with_capacity(2 + batch.len());
        argv.push(b"SREM".to_vec());
        argv.push(key.to_vec());
        argv.extend(batch.iter().cloned());
        ctx.db.propagate_as(argv);
    }
    Ok(())
}

// SRANDMEMBER key [count]
fn srandmember(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() > 3 {
        return Err(CmdError::Syntax);
    }
    if args.len() == 2 {
        let Some(e) = ctx.db.lookup_read(args.get(1))? else {
            ctx.out.null();
            return Ok(());
        };
        if let Some(m) = set_of(e)?.random() {
            reply_item(ctx.out, m);
        }
        return Ok(());
    }
    let count = parse_i64_strict(args.get(2)).ok_or(CmdError::NotInteger)?;
    if count == i64::MIN {
        return Err(CmdError::err(
            "value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ));
    }
    let Some(e) = ctx.db.lookup_read(args.get(1))? else {
        ctx.out.array(0);
        return Ok(());
    };
    let s = set_of(e)?;
    let size = s.len();
    let n = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
    if n == 0 {
        ctx.out.array(0);
        return Ok(());
    }
    if count < 0 || n == 1 {
        // Independent draws, repeats allowed.
        ctx.out.array(n);
        let start = ctx.out.len();
        let mut left = n;
        while left > 0 {
            let batch = left.min(1000);
            left -= batch;
            let picks: Vec<usize> = (0..batch).map(|_| random_index(size)).collect();
            for m in s.select(&picks) {
                reply_item(ctx.out, m);
            }
            if ctx.out.len() - start > SAMPLE_REPLY_BUDGET {
                ctx.client.close_after_reply = true;
                break;
            }
        }
        return Ok(());
    }
    if n >= size {
        ctx.out.array(size);
        for m in s.iter() {
            reply_item(ctx.out, m);
        }
        return Ok(());
    }
    // Distinct members: listpacks answer in their own order, others at random.
    let mut picks = random_distinct(size, n);
    if s.is_listpack() {
        picks.sort_unstable();
    }
    ctx.out.array(n);
    for m in s.select(&picks) {
        reply_item(ctx.out, m);
    }
    Ok(())
}

// SMOVE source destination member
fn smove(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let (src, dst, member) = (args.get(1), args.get(2), args.get(3));
    let src_state = ctx.db.lookup_write(src)?.map(|e| set_of(e).is_ok());
    let dst_state = ctx.db.lookup_write(dst)?.map(|e| set_of(e).is_ok());
    let Some(src_is_set) = src_state else {
        ctx.out.int(0);
        return Ok(());
    };
    if !src_is_set || dst_state == Some(false) {
        return Err(CmdError::WrongType);
    }
    if src == dst {
        let found = match ctx.db.lookup_write(src)? {
            Some(e) => set_of(e)?.contains(member),
            None => false,
        };
        ctx.out.int(i64::from(found));
        return Ok(());
    }
    let lim = limits(ctx);
    let removed = match ctx.db.lookup_write(src)? {
        Some(e) => {
            let s = set_mut(e)?;
            let removed = s.remove(member);
            (removed, s.is_empty())
        }
        None => (false, false),
    };
    match removed {
        (false, _) => {
            ctx.out.int(0);
            return Ok(());
        }
        (true, empty) => {
            ctx.db.changed(src, "srem");
            if empty {
                ctx.db.remove(src)?;
                ctx.db.event(src, "del");
            }
        }
    }
    let added = match ctx.db.lookup_write(dst)? {
        Some(e) => set_mut(e)?.add(member, &lim),
        None => {
            let mut s = Set::create(member, 1, &lim);
            s.add(member, &lim);
            ctx.db.set(dst, new_value(s), None)?;
            true
        }
    };
    if added {
        ctx.db.changed(dst, "sadd");
    }
    ctx.out.int(1);
    Ok(())
}

// SSCAN key cursor [MATCH pattern] [COUNT count]
fn sscan(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let cursor = parse_scan_cursor(args.get(2))?;
    let Some(e) = ctx.db.lookup_read(args.get(1))? else {
        reply_scan_header(ctx.out, 0, 0);
        return Ok(());
    };
    let s = set_of(e)?;
    let opts = parse_scan_opts(args, 3)?;
    let (items, next) = s.scan(cursor, opts.count);
    let kept: Vec<Item<'_>> = items
        .into_iter()
        .filter(|m| opts.matches(&m.to_bytes()))
        .collect();
    reply_scan_header(ctx.out, next, kept.len());
    for m in kept {
        reply_item(ctx.out, m);
    }
    Ok(())
}
