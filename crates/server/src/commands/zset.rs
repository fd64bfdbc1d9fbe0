//! Sorted-set commands: ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK,
//! ZREVRANK, ZCOUNT, ZLEXCOUNT, ZRANDMEMBER, ZSCAN, and the helpers the other
//! sorted-set files (`zset_range`, `zset_setops`, `zset_pop`) and the GEO
//! commands share: finding, creating and storing a sorted set, and writing
//! members with scores.
//!
//! Encodings and conversions are in `types::zset`. A sorted set that loses its
//! last member is deleted. Every change is recorded through `Db` with Redis's
//! keyspace-event name and dirty count; the execution core derives WATCH
//! invalidation and the wake-up of clients blocked in BZPOPMIN / BZPOPMAX /
//! BZMPOP from that record.

use cinnabar_resp::{parse_i64_strict, Args, ReplyBuf};
use std::borrow::Cow;

use super::collection::{
    parse_scan_cursor, parse_scan_opts, reply_item, reply_scan_header, SAMPLE_REPLY_BUDGET,
};
use super::prelude::*;
use super::{acl, flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::{Ctx, Db};
use crate::keyspace::{Entry, NewValue};
use crate::types::dense::{random_distinct, random_index};
use crate::types::packed::Item;
use crate::types::zset::{AddFlags, AddOutcome, LexRange, ScoreRange, Scored, ZSet, ZSetLimits};
use crate::types::zset_range::parse_score;
use crate::types::Object;

const ZS: u64 = acl::SORTEDSET;

/// The core sorted-set command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("zadd", -4, WRITE | DENYOOM | FAST, "sorted-set", zadd)
        .acl(acl::WRITE | ZS | acl::FAST)
        .since("1.2.0")
        .doc(
            concat!(
                "Adds members with scores to a sorted set or updates their ",
                "scores, creating the key if needed."
            ),
            "O(log(N)) per member, N being the sorted set's size.",
        )
        .history(&[
            ("2.4.0", "Several members in one call."),
            ("3.0.2", "XX, NX, CH and INCR options."),
            ("6.2.0", "GT and LT options."),
        ])
        .key_specs(&[KeySpec::single(RW | UPDATE, 1)])
        .args(&[
            key("key", 0),
            oneof("condition", &[token("nx", "NX"), token("xx", "XX")])
                .optional()
                .since("3.0.2"),
            oneof("comparison", &[token("gt", "GT"), token("lt", "LT")])
                .optional()
                .since("6.2.0"),
            token("change", "CH").optional().since("3.0.2"),
            token("increment", "INCR").optional().since("3.0.2"),
            block("data", &[double("score"), string("member")]).multiple(),
        ]),
    CommandDef::new("zincrby", 4, WRITE | DENYOOM | FAST, "sorted-set", zincrby)
        .acl(acl::WRITE | ZS | acl::FAST)
        .since("1.2.0")
        .doc(
            "Adds an increment to the score of a sorted set member.",
            "O(log(N)), N being the sorted set's size.",
        )
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0), integer("increment"), string("member")]),
    CommandDef::new("zrem", -3, WRITE | FAST, "sorted-set", zrem)
        .acl(acl::WRITE | ZS | acl::FAST)
        .since("1.2.0")
        .doc(
            "Removes members from a sorted set; an emptied set is deleted.",
            concat!(
                "O(M*log(N)), N being the sorted set's size and M the number ",
                "of members removed."
            ),
        )
        .history(&[("2.4.0", "Several members in one call.")])
        .key_specs(&[KeySpec::single(RW | DELETE, 1)])
        .args(&[key("key", 0), string("member").multiple()]),
    CommandDef::new("zcard", 2, READONLY | FAST, "sorted-set", zcard)
        .acl(acl::READ | ZS | acl::FAST)
        .since("1.2.0")
        .doc("Gives the number of members of a sorted set.", "O(1)")
        .key_specs(&[KeySpec::single(RO, 1)])
        .args(&[key("key", 0)]),
    CommandDef::new("zscore", 3, READONLY | FAST, "sorted-set", zscore)
        .acl(acl::READ | ZS | acl::FAST)
        .since("1.2.0")
        .doc("Gives the score of a sorted set member.", "O(1)")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), string("member")]),
    CommandDef::new("zmscore", -3, READONLY | FAST, "sorted-set", zmscore)
        .acl(acl::READ | ZS | acl::FAST)
        .since("6.2.0")
        .doc(
            "Gives the scores of several members of a sorted set.",
            "O(N), N being the number of members asked for.",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), string("member").multiple()]),
    CommandDef::new("zrank", -3, READONLY | FAST, "sorted-set", zrank)
        .acl(acl::READ | ZS | acl::FAST)
        .since("2.0.0")
        .doc(
            "Gives the position of a member in a sorted set, lowest score first.",
            "O(log(N))",
        )
        .history(&[("7.2.0", "WITHSCORE option.")])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            string("member"),
            token("withscore", "WITHSCORE").optional(),
        ]),
    CommandDef::new("zrevrank", -3, READONLY | FAST, "sorted-set", zrevrank)
        .acl(acl::READ | ZS | acl::FAST)
        .since("2.0.0")
        .doc(
            "Gives the position of a member in a sorted set, highest score first.",
            "O(log(N))",
        )
        .history(&[("7.2.0", "WITHSCORE option.")])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            string("member"),
            token("withscore", "WITHSCORE").optional(),
        ]),
    CommandDef::new("zcount", 4, READONLY | FAST, "sorted-set", zcount)
        .acl(acl::READ | ZS | acl::FAST)
        .since("2.0.0")
        .doc(
            "Counts the members of a sorted set whose score is in a range.",
            "O(log(N)), N being the sorted set's size.",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), double("min"), double("max")]),
    CommandDef::new("zlexcount", 4, READONLY | FAST, "sorted-set", zlexcount)
        .acl(acl::READ | ZS | acl::FAST)
        .since("2.8.9")
        .doc(
            "Counts the members of a sorted set within a lexicographical range.",
            "O(log(N)), N being the sorted set's size.",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), string("min"), string("max")]),
    CommandDef::new("zrandmember", -2, READONLY, "sorted-set", zrandmember)
        .acl(acl::READ | ZS | acl::SLOW)
        .since("6.2.0")
        .doc(
            "Picks random members of a sorted set.",
            "O(N), N being the number of members returned",
        )
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            block(
                "options",
                &[
                    integer("count"),
                    token("withscores", "WITHSCORES").optional(),
                ],
            )
            .optional(),
        ]),
    CommandDef::new("zscan", -3, READONLY, "sorted-set", zscan)
        .acl(acl::READ | ZS | acl::SLOW)
        .since("2.8.0")
        .doc(
            "Iterates over the members and scores of a sorted set.",
            concat!(
                "O(1) per call; O(N) for a full iteration until the cursor is ",
                "0 again, N being the sorted set's size."
            ),
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

/// The current sorted-set thresholds.
pub fn limits(ctx: &Ctx<'_>) -> ZSetLimits {
    ZSetLimits::load(&ctx.srv.tun.enc)
}

/// The sorted set stored in an entry, or WRONGTYPE.
pub fn zset_ref(e: &Entry) -> Result<Cow<'_, ZSet>, CmdError> {
    match e.value().object() {
        Some(Cow::Borrowed(Object::ZSet(z))) => Ok(Cow::Borrowed(z)),
        Some(Cow::Owned(Object::ZSet(z))) => Ok(Cow::Owned(z)),
        _ => Err(CmdError::WrongType),
    }
}

/// The sorted set stored in an entry, mutably, or WRONGTYPE.
pub fn zset_of(e: &mut Entry) -> Result<&mut ZSet, CmdError> {
    match e.object_mut() {
        Some(Object::ZSet(z)) => Ok(z),
        _ => Err(CmdError::WrongType),
    }
}

/// Wraps a sorted set for storing under a key.
pub fn new_value(z: ZSet) -> NewValue<'static> {
    NewValue::Object(Box::new(Object::ZSet(z)))
}

/// The sorted set at `key` for reading (counts a hit or miss): `None` when the
/// key is missing, WRONGTYPE for other types.
pub fn read_zset<'e>(db: &'e mut Db<'_>, key: &[u8]) -> Result<Option<Cow<'e, ZSet>>, CmdError> {
    match db.lookup_read(key)? {
        None => Ok(None),
        Some(e) => zset_ref(e).map(Some),
    }
}

/// The sorted set at `key` for writing: `None` when the key is missing,
/// WRONGTYPE for other types.
pub fn write_zset<'e>(db: &'e mut Db<'_>, key: &[u8]) -> Result<Option<&'e mut ZSet>, CmdError> {
    match db.lookup_write(key)? {
        None => Ok(None),
        Some(e) => zset_of(e).map(Some),
    }
}

/// The sorted set at `key`, created empty when the key is missing with the
/// encoding Redis's `zsetTypeCreate` picks for about `size_hint` members whose
/// first is `first_len` bytes long. WRONGTYPE for other types. A caller that
/// ends up adding nothing must delete the key again.
pub fn create_zset<'e>(
    db: &'e mut Db<'_>,
    key: &[u8],
    size_hint: usize,
    first_len: usize,
    lim: &ZSetLimits,
) -> Result<&'e mut ZSet, CmdError> {
    if db.lookup_write(key)?.is_none() {
        db.set(
            key,
            new_value(ZSet::create(size_hint, first_len, lim)),
            None,
        )?;
    }
    match db.lookup_write(key)? {
        Some(e) => zset_of(e),
        None => Err(CmdError::err("internal error: sorted set vanished")),
    }
}

/// Deletes the destination of a store command whose result is empty, as
/// Redis's `dbDelete` does: a key that is logically expired but still present
/// is deleted too (and counts as deleted, with no `expired` event). Records
/// `del` (dirty 1) when a key was deleted.
pub fn delete_dest(db: &mut Db<'_>, key: &[u8]) -> Result<bool, CmdError> {
    let index = db.index;
    let deleted = db.locked.remove(index, key)?.is_some();
    if deleted {
        db.changed(key, "del");
    }
    Ok(deleted)
}

/// Stores a built sorted set under `key` (replacing any value and its expire)
/// and records `event` counting `dirty` changes; when the set is empty the key
/// is deleted instead ([`delete_dest`]), as Redis's store commands do. Returns
/// the stored size.
pub fn store_zset(
    db: &mut Db<'_>,
    key: &[u8],
    z: ZSet,
    event: &'static str,
    dirty: usize,
) -> Result<usize, CmdError> {
    let len = z.len();
    if len == 0 {
        delete_dest(db, key)?;
    } else {
        db.set(key, new_value(z), None)?;
        db.changed_n(key, event, dirty);
    }
    Ok(len)
}

/// Writes members (with their scores when `withscores`): a flat array in RESP2,
/// `[member, score]` pairs in RESP3.
pub fn reply_scored(out: &mut ReplyBuf, items: &[Scored<'_>], withscores: bool) {
    let flat = withscores && !out.resp3;
    out.array(if flat { items.len() * 2 } else { items.len() });
    for &(m, s) in items {
        reply_one(out, m, s, withscores);
    }
}

/// One member of a [`reply_scored`] reply.
pub fn reply_one(out: &mut ReplyBuf, m: Item<'_>, s: f64, withscores: bool) {
    if withscores && out.resp3 {
        out.array(2);
    }
    reply_item(out, m);
    if withscores {
        out.double(s);
    }
}

/// Parses a score argument (`ERR value is not a valid float` otherwise).
pub fn score_arg(raw: &[u8]) -> Result<f64, CmdError> {
    parse_score(raw).ok_or(CmdError::NotFloat)
}

/// ZADD and ZINCRBY.
fn zadd_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, mut flags: AddFlags) -> CmdResult {
    let mut ch = false;
    let mut idx = 2;
    while idx < args.len() {
        let opt = args.get(idx);
        if opt.eq_ignore_ascii_case(b"nx") {
            flags.nx = true;
        } else if opt.eq_ignore_ascii_case(b"xx") {
            flags.xx = true;
        } else if opt.eq_ignore_ascii_case(b"ch") {
            ch = true;
        } else if opt.eq_ignore_ascii_case(b"incr") {
            flags.incr = true;
        } else if opt.eq_ignore_ascii_case(b"gt") {
            flags.gt = true;
        } else if opt.eq_ignore_ascii_case(b"lt") {
            flags.lt = true;
        } else {
            break;
        }
        idx += 1;
    }
    let rest = args.len() - idx;
    if rest == 0 || rest % 2 == 1 {
        return Err(CmdError::Syntax);
    }
    let elements = rest / 2;
    if flags.nx && flags.xx {
        return Err(CmdError::err(
            "XX and NX options at the same time are not compatible",
        ));
    }
    if (flags.nx && (flags.gt || flags.lt)) || (flags.gt && flags.lt) {
        return Err(CmdError::err(
            "GT, LT, and/or NX options at the same time are not compatible",
        ));
    }
    if flags.incr && elements > 1 {
        return Err(CmdError::err(
            "INCR option supports a single increment-element pair",
        ));
    }
    let mut scores = Vec::with_capacity(elements);
    for j in 0..elements {
        scores.push(score_arg(args.get(idx + 2 * j))?);
    }
    let lim = limits(ctx);
    let key = args.get(1);
    let exists = match ctx.db.lookup_write(key)? {
        Some(e) => {
            zset_of(e)?;
            true
        }
        None => false,
    };
    let (mut added, mut updated, mut processed) = (0usize, 0usize, 0usize);
    let mut last = 0.0;
    if exists || !flags.xx {
        let z = create_zset(&mut ctx.db, key, elements, args.get(idx + 1).len(), &lim)?;
        if exists {
            z.maybe_convert(elements, &lim);
        }
        let pairs: Vec<(f64, &[u8])> = scores
            .iter()
            .enumerate()
            .map(|(j, &score)| (score, args.get(idx + 2 * j + 1)))
            .collect();
        let outcomes = z
            .add_all(&pairs, flags, &lim)
            .map_err(|_| CmdError::err("resulting score is not a number (NaN)"))?;
        for outcome in outcomes {
            match outcome {
                AddOutcome::Added(s) => {
                    added += 1;
                    processed += 1;
                    last = s;
                }
                AddOutcome::Updated(s) => {
                    updated += 1;
                    processed += 1;
                    last = s;
                }
                AddOutcome::Unchanged(s) => {
                    processed += 1;
                    last = s;
                }
                AddOutcome::Skipped => {}
            }
        }
        if added + updated > 0 {
            let event = if flags.incr { "zincr" } else { "zadd" };
            ctx.db.changed_n(key, event, added + updated);
        }
    }
    if flags.incr {
        if processed > 0 {
            ctx.out.double(last);
        } else {
            ctx.out.null();
        }
    } else {
        ctx.out
            .int((if ch { added + updated } else { added }) as i64);
    }
    Ok(())
}

// ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
fn zadd(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zadd_generic(ctx, args, AddFlags::default())
}

// ZINCRBY key increment member
fn zincrby(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let flags = AddFlags {
        incr: true,
        ..AddFlags::default()
    };
    zadd_generic(ctx, args, flags)
}

// ZREM key member [member ...]
fn zrem(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let key = args.get(1);
    let (deleted, empty) = match write_zset(&mut ctx.db, key)? {
        None => (0, false),
        Some(z) => {
            let mut deleted = 0usize;
            for m in args.iter().skip(2) {
                if z.remove(m) {
                    deleted += 1;
                }
                if z.is_empty() {
                    break;
                }
            }
            (deleted, z.is_empty())
        }
    };
    if deleted > 0 {
        ctx.db.changed_n(key, "zrem", deleted);
    }
    if empty {
        ctx.db.remove(key)?;
        ctx.db.event(key, "del");
    }
    ctx.out.int(deleted as i64);
    Ok(())
}

// ZCARD key
fn zcard(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let n = read_zset(&mut ctx.db, args.get(1))?.map_or(0, |z| z.len());
    ctx.out.int(n as i64);
    Ok(())
}

// ZSCORE key member
fn zscore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    match read_zset(&mut ctx.db, args.get(1))?.and_then(|z| z.score(args.get(2))) {
        Some(s) => ctx.out.double(s),
        None => ctx.out.null(),
    }
    Ok(())
}

// ZMSCORE key member [member ...]
fn zmscore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let z = read_zset(&mut ctx.db, args.get(1))?;
    ctx.out.array(args.len() - 2);
    for m in args.iter().skip(2) {
        match z.as_ref().and_then(|z| z.score(m)) {
            Some(s) => ctx.out.double(s),
            None => ctx.out.null(),
        }
    }
    Ok(())
}

/// ZRANK / ZREVRANK.
fn zrank_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, reverse: bool) -> CmdResult {
    if args.len() > 4 {
        return Err(CmdError::Msg(format!(
            "ERR wrong number of arguments for '{}' command",
            ctx.cmd.name
        )));
    }
    let withscore = match args.len() {
        4 if args.get(3).eq_ignore_ascii_case(b"withscore") => true,
        4 => return Err(CmdError::Syntax),
        _ => false,
    };
    let found = match read_zset(&mut ctx.db, args.get(1))? {
        None => None,
        Some(z) => z.rank(args.get(2), reverse),
    };
    match (found, withscore) {
        (Some((rank, score)), true) => {
            ctx.out.array(2);
            ctx.out.int(rank as i64);
            ctx.out.double(score);
        }
        (Some((rank, _)), false) => ctx.out.int(rank as i64),
        (None, true) => ctx.out.null_array(),
        (None, false) => ctx.out.null(),
    }
    Ok(())
}

// ZRANK key member [WITHSCORE]
fn zrank(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zrank_generic(ctx, args, false)
}

// ZREVRANK key member [WITHSCORE]
fn zrevrank(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zrank_generic(ctx, args, true)
}

/// Parses a score range (`ERR min or max is not a float` otherwise).
pub fn score_range(min: &[u8], max: &[u8]) -> Result<ScoreRange, CmdError> {
    ScoreRange::parse(min, max).ok_or_else(|| CmdError::err("min or max is not a float"))
}

/// Parses a lex range (`ERR min or max not valid string range item` otherwise).
pub fn lex_range<'a>(min: &'a [u8], max: &'a [u8]) -> Result<LexRange<'a>, CmdError> {
    LexRange::parse(min, max).ok_or_else(|| CmdError::err("min or max not valid string range item"))
}

// ZCOUNT key min max
fn zcount(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let r = score_range(args.get(2), args.get(3))?;
    let n = read_zset(&mut ctx.db, args.get(1))?.map_or(0, |z| z.count_by_score(&r));
    ctx.out.int(n as i64);
    Ok(())
}

// ZLEXCOUNT key min max
fn zlexcount(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let r = lex_range(args.get(2), args.get(3))?;
    let n = read_zset(&mut ctx.db, args.get(1))?.map_or(0, |z| z.count_by_lex(&r));
    ctx.out.int(n as i64);
    Ok(())
}

// ZRANDMEMBER key [count [WITHSCORES]]
fn zrandmember(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() == 2 {
        match read_zset(&mut ctx.db, args.get(1))? {
            None => ctx.out.null(),
            Some(z) => {
                if let Some((m, _)) = z.random() {
                    reply_item(ctx.out, m);
                }
            }
        }
        return Ok(());
    }
    let count = parse_i64_strict(args.get(2)).ok_or(CmdError::NotInteger)?;
    if count == i64::MIN {
        return Err(CmdError::err(
            "value is out of range, value must between -9223372036854775807 and 9223372036854775807",
        ));
    }
    let withscores = match args.len() {
        3 => false,
        4 if args.get(3).eq_ignore_ascii_case(b"withscores") => true,
        _ => return Err(CmdError::Syntax),
    };
    if withscores && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
        return Err(CmdError::err("value is out of range"));
    }
    let Some(z) = read_zset(&mut ctx.db, args.get(1))? else {
        ctx.out.array(0);
        return Ok(());
    };
    let size = z.len();
    let (n, unique) = (count.unsigned_abs(), count >= 0);
    if n == 0 {
        ctx.out.array(0);
        return Ok(());
    }
    let out = &mut *ctx.out;
    let header = |out: &mut ReplyBuf, n: usize| {
        out.array(if withscores && !out.resp3 { n * 2 } else { n });
    };
    if !unique || n == 1 {
        // Independent draws, repeats allowed, in random order.
        let n = usize::try_from(n).unwrap_or(usize::MAX);
        header(out, n);
        let start = out.len();
        let mut left = n;
        while left > 0 {
            let batch = left.min(1000);
            left -= batch;
            let picks: Vec<usize> = (0..batch).map(|_| random_index(size)).collect();
            for (m, s) in z.select(&picks) {
                reply_one(out, m, s, withscores);
            }
            if out.len() - start > SAMPLE_REPLY_BUDGET {
                ctx.client.close_after_reply = true;
                break;
            }
        }
        return Ok(());
    }
    let n = usize::try_from(n).unwrap_or(usize::MAX);
    if n >= size {
        // The whole set, highest score first (Redis walks it from the tail).
        header(out, size);
        let all: Vec<Scored<'_>> = z.iter().collect();
        for &(m, s) in all.iter().rev() {
            reply_one(out, m, s, withscores);
        }
        return Ok(());
    }
    // Distinct members: listpacks answer in their own order, skiplists in
    // random order.
    let mut picks = random_distinct(size, n);
    if z.is_listpack() {
        picks.sort_unstable();
    }
    header(out, n);
    for (m, s) in z.select(&picks) {
        reply_one(out, m, s, withscores);
    }
    Ok(())
}

// ZSCAN key cursor [MATCH pattern] [COUNT count]
fn zscan(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let cursor = parse_scan_cursor(args.get(2))?;
    let Some(z) = read_zset(&mut ctx.db, args.get(1))? else {
        reply_scan_header(ctx.out, 0, 0);
        return Ok(());
    };
    let opts = parse_scan_opts(args, 3)?;
    let (items, next) = z.scan(cursor, opts.count);
    let kept: Vec<Scored<'_>> = items
        .into_iter()
        .filter(|(m, _)| opts.matches(&m.to_bytes()))
        .collect();
    reply_scan_header(ctx.out, next, kept.len() * 2);
    let mut text = Vec::with_capacity(24);
    for (m, s) in kept {
        reply_item(ctx.out, m);
        text.clear();
        cinnabar_resp::format_double(s, &mut text);
        ctx.out.bulk(&text);
    }
    Ok(())
}
