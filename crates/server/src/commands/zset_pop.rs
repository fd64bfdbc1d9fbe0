//! Popping from sorted sets: ZPOPMIN, ZPOPMAX, ZMPOP and the blocking
//! BZPOPMIN, BZPOPMAX, BZMPOP.
//!
//! A blocking command that finds nothing registers its client on all its keys
//! (see `blocking.rs`); a write that adds members to one of them runs the
//! command again for the first waiter inside the writer's critical section,
//! exactly as the list blockers are served. Like Redis, a waiter is only served
//! by a key that holds a sorted set: when a key it waits on becomes a value of
//! another type, the waiter keeps waiting.

use cinnabar_resp::{parse_i64_strict, Args};

use super::prelude::*;
use super::zset::zset_of;
use super::{acl, flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::blocking::parse_timeout;
use crate::exec::Ctx;
use crate::keyspace::blocking::TimeoutReply;
use crate::types::Object;

const ZS: u64 = acl::SORTEDSET;

/// The sorted-set pop command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("zpopmin", -2, WRITE | FAST, "sorted-set", zpopmin)
        .acl(acl::WRITE | ZS | acl::FAST)
        .since("5.0.0")
        .doc(
            concat!(
                "Removes and returns the lowest-scoring members of a sorted ",
                "set; an emptied set is deleted."
            ),
            concat!(
                "O(log(N)*M), N being the sorted set's size and M the number ",
                "of members popped."
            ),
        )
        .key_specs(&[KeySpec::single(RW | ACCESS | DELETE, 1)])
        .args(&[key("key", 0), integer("count").optional()]),
    CommandDef::new("zpopmax", -2, WRITE | FAST, "sorted-set", zpopmax)
        .acl(acl::WRITE | ZS | acl::FAST)
        .since("5.0.0")
        .doc(
            concat!(
                "Removes and returns the highest-scoring members of a sorted ",
                "set; an emptied set is deleted."
            ),
            concat!(
                "O(log(N)*M), N being the sorted set's size and M the number ",
                "of members popped."
            ),
        )
        .key_specs(&[KeySpec::single(RW | ACCESS | DELETE, 1)])
        .args(&[key("key", 0), integer("count").optional()]),
    CommandDef::new("zmpop", -4, WRITE, "sorted-set", zmpop)
        .acl(acl::WRITE | ZS | acl::SLOW)
        .since("7.0.0")
        .doc(
            concat!(
                "Pops members by score from the first non-empty sorted set ",
                "among several; an emptied set is deleted."
            ),
            concat!(
                "O(K) + O(M*log(N)), K being the number of keys given, N the ",
                "sorted set's size and M the number of members popped."
            ),
        )
        .key_specs(&[KeySpec::keynum(RW | ACCESS | DELETE, 1, 0, 1, 1)])
        .args(&[
            integer("numkeys"),
            key("key", 0).multiple(),
            oneof("where", &[token("min", "MIN"), token("max", "MAX")]),
            integer("count").token("COUNT").optional(),
        ])
        .keys_fn(getkeys::numkeys_keys),
    CommandDef::new(
        "bzpopmin",
        -3,
        WRITE | BLOCKING | FAST,
        "sorted-set",
        bzpopmin,
    )
    .acl(acl::WRITE | ZS | acl::FAST | acl::BLOCKING)
    .since("5.0.0")
    .doc(
        concat!(
            "Pops the lowest-scoring member of the first non-empty sorted ",
            "set, waiting if all are empty; an emptied set is deleted."
        ),
        "O(log(N)), N being the sorted set's size.",
    )
    .history(&[("6.0.0", "The timeout may be fractional.")])
    .key_specs(&[KeySpec::range(RW | ACCESS | DELETE, 1, -2, 1, 0)])
    .args(&[key("key", 0).multiple(), double("timeout")]),
    CommandDef::new(
        "bzpopmax",
        -3,
        WRITE | BLOCKING | FAST,
        "sorted-set",
        bzpopmax,
    )
    .acl(acl::WRITE | ZS | acl::FAST | acl::BLOCKING)
    .since("5.0.0")
    .doc(
        concat!(
            "Pops the highest-scoring member of the first non-empty ",
            "sorted set, waiting if all are empty; an emptied set is ",
            "deleted."
        ),
        "O(log(N)), N being the sorted set's size.",
    )
    .history(&[("6.0.0", "The timeout may be fractional.")])
    .key_specs(&[KeySpec::range(RW | ACCESS | DELETE, 1, -2, 1, 0)])
    .args(&[key("key", 0).multiple(), double("timeout")]),
    CommandDef::new("bzmpop", -5, WRITE | BLOCKING, "sorted-set", bzmpop)
        .acl(acl::WRITE | ZS | acl::SLOW | acl::BLOCKING)
        .since("7.0.0")
        .doc(
            concat!(
                "Pops members by score from the first non-empty sorted set ",
                "among several, waiting for one if all are empty; empty sets ",
                "are deleted."
            ),
            concat!(
                "O(K) + O(M*log(N)), K being the number of keys given, N the ",
                "sorted set's size and M the number of members popped."
            ),
        )
        .key_specs(&[KeySpec::keynum(RW | ACCESS | DELETE, 2, 0, 1, 1)])
        .args(&[
            double("timeout"),
            integer("numkeys"),
            key("key", 0).multiple(),
            oneof("where", &[token("min", "MIN"), token("max", "MAX")]),
            integer("count").token("COUNT").optional(),
        ])
        .keys_fn(getkeys::blocking_numkeys_keys),
];

/// How a pop reply is shaped (Redis's `genericZpopCommand` parameters).
#[derive(Clone, Copy)]
struct Shape {
    /// Name the key in the reply (blocking pops, ZMPOP).
    emit_key: bool,
    /// `[member, score]` pairs instead of a flat list.
    nested: bool,
    /// Reply a null array, not an empty one, when there is nothing to pop.
    nil_when_empty: bool,
    /// How the pop propagates (Redis 7.2 rewrites all but ZPOPMIN / ZPOPMAX).
    propagate: Propagate,
}

/// The command a pop is propagated as.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Propagate {
    /// The command itself (ZPOPMIN, ZPOPMAX).
    AsIs,
    /// `ZPOPMIN|ZPOPMAX key` (BZPOPMIN, BZPOPMAX).
    Pop,
    /// `ZPOPMIN|ZPOPMAX key <popped>` (ZMPOP, BZMPOP).
    PopCount,
}

/// Pops up to `count` members (`None`: one, unnested in RESP3 too) from the
/// first existing key of `keys`; WRONGTYPE when that key is not a sorted set.
/// Writes the reply; false when no key existed.
fn pop_generic(
    ctx: &mut Ctx<'_>,
    keys: &[&[u8]],
    max: bool,
    count: Option<usize>,
    shape: Shape,
) -> Result<bool, CmdError> {
    let mut found = None;
    for &key in keys {
        if let Some(e) = ctx.db.lookup_write(key)? {
            zset_of(e)?;
            found = Some(key);
            break;
        }
    }
    let Some(key) = found else {
        if shape.nil_when_empty {
            ctx.out.null_array();
        } else {
            ctx.out.array(0);
        }
        return Ok(false);
    };
    if count == Some(0) {
        ctx.out.array(0);
        return Ok(true);
    }
    let want = count.unwrap_or(1);
    let Some(e) = ctx.db.lookup_write(key)? else {
        return Ok(false);
    };
    let z = zset_of(e)?;
    let n = want.min(z.len());
    let out = &mut *ctx.out;
    match (shape.nested, shape.emit_key) {
        (false, false) => out.array(n * 2),
        (true, false) => out.array(n),
        (false, true) => {
            out.array(n * 2 + 1);
            out.bulk(key);
        }
        (true, true) => {
            out.array(2);
            out.bulk(key);
            out.array(n);
        }
    }
    for _ in 0..n {
        let Some((m, s)) = z.pop(max) else { break };
        if shape.nested {
            out.array(2);
        }
        out.bulk(&m);
        out.double(s);
    }
    let empty = z.is_empty();
    if n > 0 {
        ctx.db
            .changed_n(key, if max { "zpopmax" } else { "zpopmin" }, n);
        if shape.propagate != Propagate::AsIs {
            let name: &[u8] = if max { b"ZPOPMAX" } else { b"ZPOPMIN" };
            let mut argv = vec![name.to_vec(), key.to_vec()];
            if shape.propagate == Propagate::PopCount {
                argv.push(n.to_string().into_bytes());
            }
            ctx.db.propagate_as(argv);
        }
    }
    if empty {
        ctx.db.remove(key)?;
        ctx.db.event(key, "del");
    }
    Ok(true)
}

/// ZPOPMIN / ZPOPMAX.
fn zpop(ctx: &mut Ctx<'_>, args: &Args<'_>, max: bool) -> CmdResult {
    if args.len() > 3 {
        return Err(CmdError::Syntax);
    }
    let count = if args.len() == 3 {
        let c = parse_i64_strict(args.get(2))
            .and_then(|c| usize::try_from(c).ok())
            .ok_or_else(|| CmdError::err("value is out of range, must be positive"))?;
        Some(c)
    } else {
        None
    };
    let shape = Shape {
        emit_key: false,
        nested: ctx.out.resp3 && count.is_some(),
        nil_when_empty: false,
        propagate: Propagate::AsIs,
    };
    pop_generic(ctx, &[args.get(1)], max, count, shape)?;
    Ok(())
}

// ZPOPMIN key [count]
fn zpopmin(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zpop(ctx, args, false)
}

// ZPOPMAX key [count]
fn zpopmax(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zpop(ctx, args, true)
}

/// True when one of `keys` holds a sorted set. A waiter being served by a write
/// runs its command again; it is only served when a key it waits on holds a
/// sorted set (Redis serves a blocked client only from keys of its type).
fn any_zset(ctx: &mut Ctx<'_>, keys: &[&[u8]]) -> Result<bool, CmdError> {
    for &key in keys {
        if let Some(e) = ctx.db.lookup_write(key)? {
            if matches!(e.value().object().as_deref(), Some(Object::ZSet(z)) if !z.is_empty()) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// The blocking pops: pop from the first non-empty key, or block on all of them.
fn bpop_generic(
    ctx: &mut Ctx<'_>,
    keys: &[&[u8]],
    max: bool,
    count: Option<usize>,
    shape: Shape,
    deadline: Option<i64>,
) -> CmdResult {
    if !ctx.serving || any_zset(ctx, keys)? {
        for &key in keys {
            let Some(e) = ctx.db.lookup_write(key)? else {
                continue;
            };
            if zset_of(e)?.is_empty() {
                continue;
            }
            pop_generic(ctx, &[key], max, count, shape)?;
            return Ok(());
        }
    }
    if ctx.client.in_multi() {
        ctx.out.null_array();
        return Ok(());
    }
    ctx.block_on(
        keys.iter().map(|k| k.to_vec()).collect(),
        deadline,
        TimeoutReply::NullArray,
    );
    Ok(())
}

/// BZPOPMIN / BZPOPMAX.
fn bzpop(ctx: &mut Ctx<'_>, args: &Args<'_>, max: bool) -> CmdResult {
    let deadline = parse_timeout(args.get(args.len() - 1), ctx.now_ms())?;
    let keys: Vec<&[u8]> = (1..args.len() - 1).map(|i| args.get(i)).collect();
    let shape = Shape {
        emit_key: true,
        nested: false,
        nil_when_empty: false,
        propagate: Propagate::Pop,
    };
    bpop_generic(ctx, &keys, max, None, shape, deadline)
}

// BZPOPMIN key [key ...] timeout
fn bzpopmin(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    bzpop(ctx, args, false)
}

// BZPOPMAX key [key ...] timeout
fn bzpopmax(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    bzpop(ctx, args, true)
}

/// Parsed `numkeys key [key ...] <MIN | MAX> [COUNT count]`.
struct Mpop<'a> {
    keys: Vec<&'a [u8]>,
    max: bool,
    count: usize,
}

fn parse_mpop<'a>(args: &Args<'a>, at: usize) -> Result<Mpop<'a>, CmdError> {
    let numkeys = parse_i64_strict(args.get(at))
        .filter(|&n| n >= 1)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| CmdError::err("numkeys should be greater than 0"))?;
    let where_at = at
        .checked_add(1)
        .and_then(|w| w.checked_add(numkeys))
        .filter(|&w| w < args.len())
        .ok_or(CmdError::Syntax)?;
    let w = args.get(where_at);
    let max = if w.eq_ignore_ascii_case(b"min") {
        false
    } else if w.eq_ignore_ascii_case(b"max") {
        true
    } else {
        return Err(CmdError::Syntax);
    };
    let mut count = None;
    let mut j = where_at + 1;
    while j < args.len() {
        if count.is_none() && args.get(j).eq_ignore_ascii_case(b"count") && j + 1 < args.len() {
            let c = parse_i64_strict(args.get(j + 1))
                .filter(|&c| c >= 1)
                .and_then(|c| usize::try_from(c).ok())
                .ok_or_else(|| CmdError::err("count should be greater than 0"))?;
            count = Some(c);
            j += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    Ok(Mpop {
        keys: (at + 1..where_at).map(|i| args.get(i)).collect(),
        max,
        count: count.unwrap_or(1),
    })
}

const MPOP_SHAPE: Shape = Shape {
    emit_key: true,
    nested: true,
    nil_when_empty: true,
    propagate: Propagate::PopCount,
};

// ZMPOP numkeys key [key ...] <MIN | MAX> [COUNT count]
fn zmpop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let p = parse_mpop(args, 1)?;
    pop_generic(ctx, &p.keys, p.max, Some(p.count), MPOP_SHAPE)?;
    Ok(())
}

// BZMPOP timeout numkeys key [key ...] <MIN | MAX> [COUNT count]
fn bzmpop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let p = parse_mpop(args, 2)?;
    let deadline = parse_timeout(args.get(1), ctx.now_ms())?;
    bpop_generic(ctx, &p.keys, p.max, Some(p.count), MPOP_SHAPE, deadline)
}
