//! Hash commands: HSET and friends, counters, HRANDFIELD, HSCAN.
//!
//! Hashes are `listpack` while small and `hashtable` beyond
//! `hash-max-listpack-entries` fields or `hash-max-listpack-value` bytes (see
//! `types::hash`). A hash that loses its last field is deleted.

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
use crate::types::hash::{Hash, HashLimits};
use crate::types::packed::Item;
use crate::types::Object;

/// The hash command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("hset", -4, WRITE | DENYOOM | FAST, "hash", hset)
        .acl(acl::WRITE | acl::HASH | acl::FAST)
        .since("2.0.0")
        .doc(
            "Sets fields of a hash, creating it if needed.",
            "O(1) for each field/value pair added.",
        )
        .history(&[("4.0.0", "Several field-value pairs in one call.")])
        .key_specs(&[KeySpec::single(RW | UPDATE, 1)])
        .args(&[
            key("key", 0),
            block("data", &[string("field"), string("value")]).multiple(),
        ]),
    CommandDef::new("hsetnx", 4, WRITE | DENYOOM | FAST, "hash", hsetnx)
        .acl(acl::WRITE | acl::HASH | acl::FAST)
        .since("2.0.0")
        .doc("Sets a hash field only when it does not exist yet.", "O(1)")
        .key_specs(&[KeySpec::single(RW | INSERT, 1)])
        .args(&[key("key", 0), string("field"), string("value")]),
    CommandDef::new("hget", 3, READONLY | FAST, "hash", hget)
        .acl(acl::READ | acl::HASH | acl::FAST)
        .since("2.0.0")
        .doc("Returns the value of a hash field.", "O(1)")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), string("field")]),
    CommandDef::new("hmget", -3, READONLY | FAST, "hash", hmget)
        .acl(acl::READ | acl::HASH | acl::FAST)
        .since("2.0.0")
        .doc(
            "Returns the values of several hash fields.",
            "O(N) where N is the number of fields asked for.",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), string("field").multiple()]),
    CommandDef::new("hmset", -4, WRITE | DENYOOM | FAST, "hash", hset)
        .acl(acl::WRITE | acl::HASH | acl::FAST)
        .since("2.0.0")
        .doc(
            "Sets fields of a hash (older form of HSET, replies OK).",
            "O(N) where N is the number of fields set.",
        )
        .deprecated("4.0.0", "`HSET` with multiple field-value pairs")
        .key_specs(&[KeySpec::single(RW | UPDATE, 1)])
        .args(&[
            key("key", 0),
            block("data", &[string("field"), string("value")]).multiple(),
        ]),
    CommandDef::new("hdel", -3, WRITE | FAST, "hash", hdel)
        .acl(acl::WRITE | acl::HASH | acl::FAST)
        .since("2.0.0")
        .doc(
            "Removes fields from a hash; the hash is deleted once empty.",
            "O(N) where N is the number of fields removed.",
        )
        .history(&[("2.4.0", "Several fields in one call.")])
        .key_specs(&[KeySpec::single(RW | DELETE, 1)])
        .args(&[key("key", 0), string("field").multiple()]),
    CommandDef::new("hlen", 2, READONLY | FAST, "hash", hlen)
        .acl(acl::READ | acl::HASH | acl::FAST)
        .since("2.0.0")
        .doc("Returns the number of fields of a hash.", "O(1)")
        .key_specs(&[KeySpec::single(RO, 1)])
        .args(&[key("key", 0)]),
    CommandDef::new("hstrlen", 3, READONLY | FAST, "hash", hstrlen)
        .acl(acl::READ | acl::HASH | acl::FAST)
        .since("3.2.0")
        .doc("Returns the length of a hash field's value.", "O(1)")
        .key_specs(&[KeySpec::single(RO, 1)])
        .args(&[key("key", 0), string("field")]),
    CommandDef::new("hexists", 3, READONLY | FAST, "hash", hexists)
        .acl(acl::READ | acl::HASH | acl::FAST)
        .since("2.0.0")
        .doc("Tells whether a hash field exists.", "O(1)")
        .key_specs(&[KeySpec::single(RO, 1)])
        .args(&[key("key", 0), string("field")]),
    CommandDef::new("hkeys", 2, READONLY, "hash", hkeys)
        .acl(acl::READ | acl::HASH | acl::SLOW)
        .since("2.0.0")
        .doc(
            "Returns every field of a hash.",
            "O(N), N being the hash's size.",
        )
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
    CommandDef::new("hvals", 2, READONLY, "hash", hvals)
        .acl(acl::READ | acl::HASH | acl::SLOW)
        .since("2.0.0")
        .doc(
            "Returns every value of a hash.",
            "O(N), N being the hash's size.",
        )
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
    CommandDef::new("hgetall", 2, READONLY, "hash", hgetall)
        .acl(acl::READ | acl::HASH | acl::SLOW)
        .since("2.0.0")
        .doc(
            "Returns every field and value of a hash.",
            "O(N), N being the hash's size.",
        )
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
    CommandDef::new("hincrby", 4, WRITE | DENYOOM | FAST, "hash", hincrby)
        .acl(acl::WRITE | acl::HASH | acl::FAST)
        .since("2.0.0")
        .doc("Adds an integer to a hash field's value.", "O(1)")
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0), string("field"), integer("increment")]),
    CommandDef::new(
        "hincrbyfloat",
        4,
        WRITE | DENYOOM | FAST,
        "hash",
        hincrbyfloat,
    )
    .acl(acl::WRITE | acl::HASH | acl::FAST)
    .since("2.6.0")
    .doc(
        "Adds a floating-point number to a hash field's value.",
        "O(1)",
    )
    .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
    .args(&[key("key", 0), string("field"), double("increment")]),
    CommandDef::new("hrandfield", -2, READONLY, "hash", hrandfield)
        .acl(acl::READ | acl::HASH | acl::SLOW)
        .since("6.2.0")
        .doc(
            "Returns random fields of a hash, optionally with their values.",
            "O(N) where N is the number of fields returned.",
        )
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            block(
                "options",
                &[
                    integer("count"),
                    token("withvalues", "WITHVALUES").optional(),
                ],
            )
            .optional(),
        ]),
    CommandDef::new("hscan", -3, READONLY, "hash", hscan)
        .acl(acl::READ | acl::HASH | acl::SLOW)
        .since("2.8.0")
        .doc(
            "Iterates over the fields and values of a hash.",
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

/// The hash stored in an entry, or WRONGTYPE.
fn hash_of(e: &Entry) -> Result<Cow<'_, Hash>, CmdError> {
    match e.value().object() {
        Some(Cow::Borrowed(Object::Hash(h))) => Ok(Cow::Borrowed(h)),
        Some(Cow::Owned(Object::Hash(h))) => Ok(Cow::Owned(h)),
        _ => Err(CmdError::WrongType),
    }
}

/// The hash stored in an entry, mutably, or WRONGTYPE.
fn hash_mut(e: &mut Entry) -> Result<&mut Hash, CmdError> {
    match e.object_mut() {
        Some(Object::Hash(h)) => Ok(h),
        _ => Err(CmdError::WrongType),
    }
}

/// Runs `f` on the hash at `key`, creating an empty one when the key is missing
/// (stored only if `f` succeeds and leaves it non-empty).
fn write_hash<R>(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    f: impl FnOnce(&mut Hash) -> Result<R, CmdError>,
) -> Result<R, CmdError> {
    if let Some(e) = ctx.db.lookup_write(key)? {
        return f(hash_mut(e)?);
    }
    let mut h = Hash::new();
    let r = f(&mut h)?;
    if !h.is_empty() {
        ctx.db
            .set(key, NewValue::Object(Box::new(Object::Hash(h))), None)?;
    }
    Ok(r)
}

fn limits(ctx: &Ctx<'_>) -> HashLimits {
    HashLimits::load(&ctx.srv.tun.enc)
}

// HSET key field value [field value ...]
// HMSET key field value [field value ...]
fn hset(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() % 2 == 1 {
        return Err(CmdError::err(format!(
            "wrong number of arguments for '{}' command",
            ctx.cmd.name
        )));
    }
    let lim = limits(ctx);
    let created = write_hash(ctx, args.get(1), |h| {
        h.try_conversion((2..args.len()).map(|i| args.get(i)), &lim);
        let mut created = 0i64;
        for i in (2..args.len()).step_by(2) {
            created += i64::from(h.set(args.get(i), args.get(i + 1), &lim));
        }
        Ok(created)
    })?;
    // Redis counts every pair, new or updated.
    ctx.db.changed_n(args.get(1), "hset", (args.len() - 2) / 2);
    if ctx.cmd.name == "hset" {
        ctx.out.int(created);
    } else {
        ctx.out.ok();
    }
    Ok(())
}

// HSETNX key field value
fn hsetnx(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let lim = limits(ctx);
    let set = write_hash(ctx, args.get(1), |h| {
        if h.contains(args.get(2)) {
            return Ok(false);
        }
        h.try_conversion((2..4).map(|i| args.get(i)), &lim);
        h.set(args.get(2), args.get(3), &lim);
        Ok(true)
    })?;
    if set {
        ctx.db.changed(args.get(1), "hset");
    }
    ctx.out.int(i64::from(set));
    Ok(())
}

// HGET key field
fn hget(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let Some(e) = ctx.db.lookup_read(args.get(1))? else {
        ctx.out.null();
        return Ok(());
    };
    match hash_of(e)?.get(args.get(2)) {
        Some(v) => reply_item(ctx.out, v),
        None => ctx.out.null(),
    }
    Ok(())
}

// HMGET key field [field ...]
fn hmget(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let h = match ctx.db.lookup_read(args.get(1))? {
        Some(e) => Some(hash_of(e)?),
        None => None,
    };
    ctx.out.array(args.len() - 2);
    for field in args.iter().skip(2) {
        match h.as_deref().and_then(|h| h.get(field)) {
            Some(v) => reply_item(ctx.out, v),
            None => ctx.out.null(),
        }
    }
    Ok(())
}

// HDEL key field [field ...]
fn hdel(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    super::collection::remove_members(ctx, args, "hdel", hash_mut, Hash::delete, Hash::is_empty)
}

// HLEN key
fn hlen(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let n = match ctx.db.lookup_read(args.get(1))? {
        Some(e) => hash_of(e)?.len(),
        None => 0,
    };
    ctx.out.int(n as i64);
    Ok(())
}

// HSTRLEN key field
fn hstrlen(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let n = match ctx.db.lookup_read(args.get(1))? {
        Some(e) => match hash_of(e)?.get(args.get(2)) {
            Some(Item::Int(i)) => itoa::Buffer::new().format(i).len(),
            Some(v) => v.to_bytes().len(),
            None => 0,
        },
        None => 0,
    };
    ctx.out.int(n as i64);
    Ok(())
}

// HEXISTS key field
fn hexists(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let found = match ctx.db.lookup_read(args.get(1))? {
        Some(e) => hash_of(e)?.contains(args.get(2)),
        None => false,
    };
    ctx.out.int(i64::from(found));
    Ok(())
}

/// What HKEYS / HVALS / HGETALL return.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Fields,
    Values,
    Both,
}

fn getall(ctx: &mut Ctx<'_>, key: &[u8], part: Part) -> CmdResult {
    let Some(e) = ctx.db.lookup_read(key)? else {
        if part == Part::Both {
            ctx.out.map(0);
        } else {
            ctx.out.array(0);
        }
        return Ok(());
    };
    let h = hash_of(e)?;
    if part == Part::Both {
        ctx.out.map(h.len());
    } else {
        ctx.out.array(h.len());
    }
    for (f, v) in h.iter() {
        if part != Part::Values {
            reply_item(ctx.out, f);
        }
        if part != Part::Fields {
            reply_item(ctx.out, v);
        }
    }
    Ok(())
}

// HKEYS key
fn hkeys(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    getall(ctx, args.get(1), Part::Fields)
}

// HVALS key
fn hvals(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    getall(ctx, args.get(1), Part::Values)
}

// HGETALL key
fn hgetall(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    getall(ctx, args.get(1), Part::Both)
}

// HINCRBY key field increment
fn hincrby(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let incr = parse_i64_strict(args.get(3)).ok_or(CmdError::NotInteger)?;
    let lim = limits(ctx);
    let field = args.get(2);
    let value = write_hash(ctx, args.get(1), |h| {
        let current = match h.get(field) {
            None => 0,
            Some(Item::Int(i)) => i,
            Some(v) => parse_i64_strict(&v.to_bytes())
                .ok_or_else(|| CmdError::err("hash value is not an integer"))?,
        };
        let new = current
            .checked_add(incr)
            .ok_or_else(|| CmdError::err("increment or decrement would overflow"))?;
        h.set(field, itoa::Buffer::new().format(new).as_bytes(), &lim);
        Ok(new)
    })?;
    ctx.db.changed(args.get(1), "hincrby");
    ctx.out.int(value);
    Ok(())
}

use crate::types::longdouble::LongDouble;

// HINCRBYFLOAT key field increment
fn hincrbyfloat(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let incr = LongDouble::parse(args.get(3)).ok_or(CmdError::NotFloat)?;
    if incr.is_nan() || incr.is_infinite() {
        return Err(CmdError::err("value is NaN or Infinity"));
    }
    let lim = limits(ctx);
    let field = args.get(2);
    let text = write_hash(ctx, args.get(1), |h| {
        let current = match h.get(field) {
            None => LongDouble::from_i64(0),
            Some(Item::Int(i)) => LongDouble::from_i64(i),
            Some(v) => LongDouble::parse(&v.to_bytes())
                .ok_or_else(|| CmdError::err("hash value is not a float"))?,
        };
        let sum = current + incr;
        if sum.is_nan() || sum.is_infinite() {
            return Err(CmdError::err("increment would produce NaN or Infinity"));
        }
        let text = sum.to_human_string();
        h.set(field, text.as_bytes(), &lim);
        Ok(text)
    })?;
    ctx.db.changed(args.get(1), "hincrbyfloat");
    // Propagated as HSET of the result, so replicas need not redo the sum.
    ctx.db.propagate_as(vec![
        b"HSET".to_vec(),
        args.get(1).to_vec(),
        field.to_vec(),
        text.as_bytes().to_vec(),
    ]);
    ctx.out.bulk(text.as_bytes());
    Ok(())
}

// HRANDFIELD key [count [WITHVALUES]]
fn hrandfield(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() == 2 {
        let Some(e) = ctx.db.lookup_read(args.get(1))? else {
            ctx.out.null();
            return Ok(());
        };
        let h = hash_of(e)?;
        if let Some((f, _)) = h.random() {
            reply_item(ctx.out, f);
        }
        return Ok(());
    }
    let count = parse_i64_strict(args.get(2)).ok_or(CmdError::NotInteger)?;
    if count == i64::MIN {
        return Err(CmdError::err(
            "value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ));
    }
    let withvalues = match args.len() {
        3 => false,
        4 if args.get(3).eq_ignore_ascii_case(b"withvalues") => true,
        _ => return Err(CmdError::Syntax),
    };
    if withvalues && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
        return Err(CmdError::err("value is out of range"));
    }
    let Some(e) = ctx.db.lookup_read(args.get(1))? else {
        ctx.out.array(0);
        return Ok(());
    };
    let h = hash_of(e)?;
    let size = h.len();
    let (n, unique) = (count.unsigned_abs(), count >= 0);
    if n == 0 {
        ctx.out.array(0);
        return Ok(());
    }
    let resp3 = ctx.out.resp3;
    let pair = |out: &mut cinnabar_resp::ReplyBuf, f: Item<'_>, v: Item<'_>| {
        if withvalues && resp3 {
            out.array(2);
        }
        reply_item(out, f);
        if withvalues {
            reply_item(out, v);
        }
    };
    let header = |out: &mut cinnabar_resp::ReplyBuf, n: usize| {
        out.array(if withvalues && !resp3 { n * 2 } else { n });
    };
    if !unique || n == 1 {
        // Independent draws, repeats allowed, in random order.
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        header(ctx.out, n);
        let start = ctx.out.len();
        let mut left = n;
        while left > 0 {
            let batch = left.min(1000);
            left -= batch;
            let picks: Vec<usize> = (0..batch).map(|_| random_index(size)).collect();
            for (f, v) in h.select(&picks) {
                pair(ctx.out, f, v);
            }
            if ctx.out.len() - start > SAMPLE_REPLY_BUDGET {
                ctx.client.close_after_reply = true;
                break;
            }
        }
        return Ok(());
    }
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    if n >= size {
        header(ctx.out, size);
        for (f, v) in h.iter() {
            pair(ctx.out, f, v);
        }
        return Ok(());
    }
    // Distinct fields: listpacks answer in their own order, tables in random order.
    let mut picks = random_distinct(size, n);
    if !h.is_table() {
        picks.sort_unstable();
    }
    header(ctx.out, n);
    for (f, v) in h.select(&picks) {
        pair(ctx.out, f, v);
    }
    Ok(())
}

// HSCAN key cursor [MATCH pattern] [COUNT count]
fn hscan(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let cursor = parse_scan_cursor(args.get(2))?;
    let Some(e) = ctx.db.lookup_read(args.get(1))? else {
        reply_scan_header(ctx.out, 0, 0);
        return Ok(());
    };
    let h = hash_of(e)?;
    let opts = parse_scan_opts(args, 3)?;
    let (pairs, next) = h.scan(cursor, opts.count);
    let kept: Vec<_> = pairs
        .into_iter()
        .filter(|(f, _)| opts.matches(&f.to_bytes()))
        .collect();
    reply_scan_header(ctx.out, next, kept.len() * 2);
    for (f, v) in kept {
        reply_item(ctx.out, f);
        reply_item(ctx.out, v);
    }
    Ok(())
}
