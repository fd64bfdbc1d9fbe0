//! Set algebra: SMEMBERS, SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE,
//! SDIFF, SDIFFSTORE.
//!
//! The algorithms are Redis's, so results come out in the same order and STORE
//! destinations get the same encoding: intersections walk the smallest set and
//! test the others; unions and differences are built into a fresh set that starts
//! as an intset and grows through the usual conversions; SDIFF picks between
//! "test every member of the first set" and "copy the first set, then subtract"
//! by the same work estimate.
//!
//! Only one keyspace entry can be borrowed at a time, so a walk over one set while
//! testing membership in others is done in two steps: the walked set's members
//! are copied out first (the smallest set, or the first one), then each other set
//! is visited in turn. The complexity stays the one Redis documents.

use cinnabar_resp::{parse_i64_strict, Args};

use super::collection::reply_item;
use super::prelude::*;
use super::set::{limits, new_value, set_of};
use super::{acl, flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;
use crate::types::packed::Item;
use crate::types::set::{member_int, Set, SetLimits};

/// The set algebra command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("smembers", 2, READONLY, "set", smembers)
        .acl(acl::READ | acl::SET | acl::SLOW)
        .since("1.0.0")
        .doc(
            "Returns every member of a set.",
            "O(N), N being the set's size.",
        )
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
    CommandDef::new("sinter", -2, READONLY, "set", sinter)
        .acl(acl::READ | acl::SET | acl::SLOW)
        .since("1.0.0")
        .doc(
            "Returns the intersection of sets.",
            concat!(
                "O(N*M) worst case where N is the smallest set's cardinality ",
                "and M the number of sets."
            ),
        )
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::range(RO | ACCESS, 1, -1, 1, 0)])
        .args(&[key("key", 0).multiple()]),
    CommandDef::new("sintercard", -3, READONLY, "set", sintercard)
        .acl(acl::READ | acl::SET | acl::SLOW)
        .since("7.0.0")
        .doc(
            concat!(
                "Returns the size of the intersection of sets, optionally ",
                "stopping at a limit."
            ),
            concat!(
                "O(N*M) worst case where N is the smallest set's cardinality ",
                "and M the number of sets."
            ),
        )
        .key_specs(&[KeySpec::keynum(RO | ACCESS, 1, 0, 1, 1)])
        .args(&[
            integer("numkeys"),
            key("key", 0).multiple(),
            integer("limit").token("LIMIT").optional(),
        ])
        .keys_fn(getkeys::numkeys_keys),
    CommandDef::new("sinterstore", -3, WRITE | DENYOOM, "set", sinterstore)
        .acl(acl::WRITE | acl::SET | acl::SLOW)
        .since("1.0.0")
        .doc(
            "Stores the intersection of sets in a key.",
            concat!(
                "O(N*M) worst case where N is the smallest set's cardinality ",
                "and M the number of sets."
            ),
        )
        .key_specs(&[
            KeySpec::single(RW | UPDATE, 1),
            KeySpec::range(RO | ACCESS, 2, -1, 1, 0),
        ])
        .args(&[key("destination", 0), key("key", 1).multiple()]),
    CommandDef::new("sunion", -2, READONLY, "set", sunion)
        .acl(acl::READ | acl::SET | acl::SLOW)
        .since("1.0.0")
        .doc(
            "Returns the union of sets.",
            "O(N) where N is the total number of members in all given sets.",
        )
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::range(RO | ACCESS, 1, -1, 1, 0)])
        .args(&[key("key", 0).multiple()]),
    CommandDef::new("sunionstore", -3, WRITE | DENYOOM, "set", sunionstore)
        .acl(acl::WRITE | acl::SET | acl::SLOW)
        .since("1.0.0")
        .doc(
            "Stores the union of sets in a key.",
            "O(N) where N is the total number of members in all given sets.",
        )
        .key_specs(&[
            KeySpec::single(OW | UPDATE, 1),
            KeySpec::range(RO | ACCESS, 2, -1, 1, 0),
        ])
        .args(&[key("destination", 0), key("key", 1).multiple()]),
    CommandDef::new("sdiff", -2, READONLY, "set", sdiff)
        .acl(acl::READ | acl::SET | acl::SLOW)
        .since("1.0.0")
        .doc(
            "Returns the members of the first set that are in none of the others.",
            "O(N) where N is the total number of members in all given sets.",
        )
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::range(RO | ACCESS, 1, -1, 1, 0)])
        .args(&[key("key", 0).multiple()]),
    CommandDef::new("sdiffstore", -3, WRITE | DENYOOM, "set", sdiffstore)
        .acl(acl::WRITE | acl::SET | acl::SLOW)
        .since("1.0.0")
        .doc(
            "Stores the difference of sets in a key.",
            "O(N) where N is the total number of members in all given sets.",
        )
        .key_specs(&[
            KeySpec::single(OW | UPDATE, 1),
            KeySpec::range(RO | ACCESS, 2, -1, 1, 0),
        ])
        .args(&[key("destination", 0), key("key", 1).multiple()]),
];

/// A member copied out of a set.
#[derive(Clone, Debug)]
enum Own {
    Int(i64),
    Str(Vec<u8>),
}

impl Own {
    fn of(item: Item<'_>) -> Own {
        match item {
            Item::Int(v) => Own::Int(v),
            other => Own::Str(other.to_bytes().into_owned()),
        }
    }

    fn item(&self) -> Item<'_> {
        match self {
            Own::Int(v) => Item::Int(*v),
            Own::Str(b) => Item::Str(b),
        }
    }
}

/// What the first pass learned about one source key.
struct Source<'a> {
    key: &'a [u8],
    /// Cardinality, or `None` when the key is missing.
    len: Option<usize>,
}

/// Looks every key up once (counting hits and misses) and checks types.
fn sources<'a>(ctx: &mut Ctx<'_>, keys: &[&'a [u8]]) -> Result<Vec<Source<'a>>, CmdError> {
    let mut out = Vec::with_capacity(keys.len());
    for &key in keys {
        let len = match ctx.db.lookup_read(key)? {
            Some(e) => Some(set_of(e)?.len()),
            None => None,
        };
        out.push(Source { key, len });
    }
    Ok(out)
}

/// Runs `f` on the set at `key` (already checked by [`sources`]).
fn with_set<R>(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    f: impl FnOnce(&Set) -> R,
) -> Result<Option<R>, CmdError> {
    let db = ctx.db.index;
    match ctx.db.lookup_in(db, key)? {
        Some(e) => Ok(Some(f(&*set_of(e)?))),
        None => Ok(None),
    }
}

/// Keeps the candidates that are members of the set at `key`.
fn retain_members(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    candidates: &mut Vec<Own>,
    keep_if_member: bool,
) -> CmdResult {
    with_set(ctx, key, |s| {
        candidates.retain(|c| s.contains_item(c.item()) == keep_if_member)
    })?;
    Ok(())
}

/// Stores `result` at `dst` (replacing any value) with Redis's `event`, or
/// deletes `dst` when empty; replies with the cardinality.
fn store(ctx: &mut Ctx<'_>, dst: &[u8], result: Set, event: &'static str) -> CmdResult {
    let n = result.len();
    if n > 0 {
        ctx.db.set(dst, new_value(result), None)?;
        ctx.db.changed(dst, event);
    } else if ctx.db.remove(dst)? {
        ctx.db.changed(dst, "del");
    }
    ctx.out.int(n as i64);
    Ok(())
}

/// Replies with a set's members (a set reply in RESP3).
fn reply_set(ctx: &mut Ctx<'_>, s: &Set) {
    ctx.out.set(s.len());
    for item in s.iter() {
        reply_item(ctx.out, item);
    }
}

/// What an intersection produces.
#[derive(Clone, Copy)]
enum InterMode<'a> {
    Reply,
    Store(&'a [u8]),
    Card(usize),
}

fn inter(ctx: &mut Ctx<'_>, keys: &[&[u8]], mode: InterMode<'_>) -> CmdResult {
    let srcs = sources(ctx, keys)?;
    if srcs.iter().any(|s| s.len.is_none()) {
        return match mode {
            InterMode::Reply => {
                ctx.out.set(0);
                Ok(())
            }
            InterMode::Card(_) => {
                ctx.out.int(0);
                Ok(())
            }
            InterMode::Store(dst) => store(ctx, dst, Set::new_intset(), "sinterstore"),
        };
    }
    // Smallest first (stable, as Redis's sort keeps equal sizes in key order).
    let mut order: Vec<&Source<'_>> = srcs.iter().collect();
    order.sort_by_key(|s| s.len.unwrap_or(0));
    let first = order[0].key;
    let others: Vec<&[u8]> = order[1..]
        .iter()
        .map(|s| s.key)
        .filter(|k| *k != first)
        .collect();
    let walked = with_set(ctx, first, |s| {
        (s.iter().map(Own::of).collect::<Vec<_>>(), s.encoding_name())
    })?;
    let Some((members, first_encoding)) = walked else {
        return Err(CmdError::err("internal error: set vanished"));
    };

    if let InterMode::Card(limit) = mode {
        // Chunks, so a LIMIT stops the work early as in Redis.
        let mut found = 0usize;
        for chunk in members.chunks(1024) {
            let mut candidates = chunk.to_vec();
            for &k in &others {
                retain_members(ctx, k, &mut candidates, true)?;
            }
            found += candidates.len();
            if limit > 0 && found >= limit {
                found = limit;
                break;
            }
        }
        ctx.out.int(found as i64);
        return Ok(());
    }
    let mut candidates = members;
    for &k in &others {
        retain_members(ctx, k, &mut candidates, true)?;
    }
    match mode {
        InterMode::Store(dst) => {
            let lim = limits(ctx);
            let mut result = if first_encoding == "intset" {
                Set::new_intset()
            } else {
                Set::new_listpack()
            };
            let mut only_integers = true;
            for c in &candidates {
                if let Own::Str(b) = c {
                    only_integers &= member_int(b).is_some();
                }
                result.add_item(c.item(), &lim);
            }
            if only_integers {
                result.maybe_convert_to_intset(&lim);
            }
            store(ctx, dst, result, "sinterstore")
        }
        _ => {
            ctx.out.set(candidates.len());
            for c in &candidates {
                reply_item(ctx.out, c.item());
            }
            Ok(())
        }
    }
}

fn keys_from<'a>(args: &Args<'a>, start: usize) -> Vec<&'a [u8]> {
    (start..args.len()).map(|i| args.get(i)).collect()
}

// SMEMBERS key
fn smembers(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    inter(ctx, &keys_from(args, 1), InterMode::Reply)
}

// SINTER key [key ...]
fn sinter(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    inter(ctx, &keys_from(args, 1), InterMode::Reply)
}

// SINTERSTORE destination key [key ...]
fn sinterstore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    inter(ctx, &keys_from(args, 2), InterMode::Store(args.get(1)))
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
fn sintercard(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let numkeys = parse_i64_strict(args.get(1))
        .filter(|&n| n >= 1)
        .ok_or_else(|| CmdError::err("numkeys should be greater than 0"))?;
    let numkeys = usize::try_from(numkeys).unwrap_or(usize::MAX);
    if numkeys > args.len() - 2 {
        return Err(CmdError::err(
            "Number of keys can't be greater than number of args",
        ));
    }
    let mut limit = 0usize;
    let mut i = 2 + numkeys;
    while i < args.len() {
        if args.get(i).eq_ignore_ascii_case(b"limit") && i + 1 < args.len() {
            let l = parse_i64_strict(args.get(i + 1))
                .and_then(|l| usize::try_from(l).ok())
                .ok_or_else(|| CmdError::err("LIMIT can't be negative"))?;
            limit = l;
            i += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let keys: Vec<&[u8]> = (2..2 + numkeys).map(|i| args.get(i)).collect();
    inter(ctx, &keys, InterMode::Card(limit))
}

/// SUNION / SDIFF into a new set, as Redis builds it (starting from an intset).
fn union_or_diff(
    ctx: &mut Ctx<'_>,
    keys: &[&[u8]],
    diff: bool,
    lim: &SetLimits,
) -> Result<Set, CmdError> {
    let srcs = sources(ctx, keys)?;
    let mut result = Set::new_intset();
    if !diff {
        for s in srcs.iter().filter(|s| s.len.is_some()) {
            with_set(ctx, s.key, |set| {
                for item in set.iter() {
                    result.add_item(item, lim);
                }
            })?;
        }
        return Ok(result);
    }
    let Some(first) = srcs.first() else {
        return Ok(result);
    };
    let first_len = first.len.unwrap_or(0);
    let same_set = srcs.iter().skip(1).any(|s| s.key == first.key);
    if first.len.is_none() || same_set {
        return Ok(result);
    }
    // Redis's estimate: walking the first set against every other one (with an
    // advantage, halved) versus copying it and subtracting all the others.
    let present: Vec<&Source<'_>> = srcs.iter().filter(|s| s.len.is_some()).collect();
    let algo_one = first_len.saturating_mul(present.len()) / 2;
    let algo_two: usize = present.iter().map(|s| s.len.unwrap_or(0)).sum();
    if algo_one <= algo_two {
        let walked = with_set(ctx, first.key, |s| {
            s.iter().map(Own::of).collect::<Vec<_>>()
        })?;
        let mut candidates = walked.unwrap_or_default();
        for s in srcs.iter().skip(1).filter(|s| s.len.is_some()) {
            if candidates.is_empty() {
                break;
            }
            retain_members(ctx, s.key, &mut candidates, false)?;
        }
        for c in &candidates {
            result.add_item(c.item(), lim);
        }
    } else {
        with_set(ctx, first.key, |set| {
            for item in set.iter() {
                result.add_item(item, lim);
            }
        })?;
        for s in srcs.iter().skip(1).filter(|s| s.len.is_some()) {
            if result.is_empty() {
                break;
            }
            with_set(ctx, s.key, |set| {
                for item in set.iter() {
                    result.remove_item(item);
                }
            })?;
        }
    }
    Ok(result)
}

// SUNION key [key ...]
fn sunion(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let lim = limits(ctx);
    let result = union_or_diff(ctx, &keys_from(args, 1), false, &lim)?;
    reply_set(ctx, &result);
    Ok(())
}

// SUNIONSTORE destination key [key ...]
fn sunionstore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let lim = limits(ctx);
    let result = union_or_diff(ctx, &keys_from(args, 2), false, &lim)?;
    store(ctx, args.get(1), result, "sunionstore")
}

// SDIFF key [key ...]
fn sdiff(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let lim = limits(ctx);
    let result = union_or_diff(ctx, &keys_from(args, 1), true, &lim)?;
    reply_set(ctx, &result);
    Ok(())
}

// SDIFFSTORE destination key [key ...]
fn sdiffstore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let lim = limits(ctx);
    let result = union_or_diff(ctx, &keys_from(args, 2), true, &lim)?;
    store(ctx, args.get(1), result, "sdiffstore")
}
