//! Sorted-set algebra: ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD,
//! with WEIGHTS and AGGREGATE. Plain sets are accepted as inputs, every member
//! scoring 1.
//!
//! The arithmetic is Redis's, step for step, so results agree to the last bit:
//! inputs are taken by ascending size (stable order) for unions and
//! intersections, a weighted score that comes out NaN counts as 0, and a SUM
//! that gives NaN (`inf + -inf`) counts as 0. Results are ordered by (score,
//! member); a stored result is a listpack when it fits.
//!
//! Only one keyspace entry can be borrowed at a time, so each input is visited
//! in turn: the candidates are copied out of the first input, then every other
//! input is consulted for them.

use std::collections::hash_map::Entry as MapEntry;
use std::collections::HashMap;

use cinnabar_resp::{parse_i64_strict, Args};

use super::prelude::*;
use super::zset::{limits, reply_scored, store_zset};
use super::{acl, flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;
use crate::keyspace::Entry;
use crate::types::packed::Item;
use crate::types::zset::{Scored, ZSet};
use crate::types::zset_range::parse_score;
use crate::types::Object;

const ZS: u64 = acl::SORTEDSET;

/// `[WEIGHTS weight [weight ...]]`.
const WEIGHTS: ArgSpec = integer("weight").token("WEIGHTS").optional().multiple();
/// `[AGGREGATE SUM | MIN | MAX]`.
const AGGREGATE: ArgSpec = oneof(
    "aggregate",
    &[
        token("sum", "SUM"),
        token("min", "MIN"),
        token("max", "MAX"),
    ],
)
.token("AGGREGATE")
.optional();
/// Key specs of ZUNIONSTORE and ZINTERSTORE: the destination, then numkeys sources.
const STORE_SPECS: &[KeySpec] = &[
    KeySpec::single(OW | UPDATE, 1),
    KeySpec::keynum(RO | ACCESS, 2, 0, 1, 1),
];
/// Arguments of ZUNIONSTORE and ZINTERSTORE.
const STORE_ARGS: &[ArgSpec] = &[
    key("destination", 0),
    integer("numkeys"),
    key("key", 1).multiple(),
    WEIGHTS,
    AGGREGATE,
];

/// The sorted-set algebra command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("zunion", -3, READONLY, "sorted-set", zunion)
        .acl(acl::READ | ZS | acl::SLOW)
        .since("6.2.0")
        .doc(
            "Gives the union of sorted sets.",
            concat!(
                "O(N)+O(M*log(M)), N being the sum of the input sizes and M ",
                "the result's size."
            ),
        )
        .key_specs(&[KeySpec::keynum(RO | ACCESS, 1, 0, 1, 1)])
        .args(&[
            integer("numkeys"),
            key("key", 0).multiple(),
            WEIGHTS,
            AGGREGATE,
            token("withscores", "WITHSCORES").optional(),
        ])
        .keys_fn(getkeys::numkeys_keys),
    CommandDef::new("zinter", -3, READONLY, "sorted-set", zinter)
        .acl(acl::READ | ZS | acl::SLOW)
        .since("6.2.0")
        .doc(
            "Gives the intersection of sorted sets.",
            concat!(
                "O(N*K)+O(M*log(M)) worst case, N being the smallest set's ",
                "size, K the number of sets and M the result's size."
            ),
        )
        .key_specs(&[KeySpec::keynum(RO | ACCESS, 1, 0, 1, 1)])
        .args(&[
            integer("numkeys"),
            key("key", 0).multiple(),
            WEIGHTS,
            AGGREGATE,
            token("withscores", "WITHSCORES").optional(),
        ])
        .keys_fn(getkeys::numkeys_keys),
    CommandDef::new("zdiff", -3, READONLY, "sorted-set", zdiff)
        .acl(acl::READ | ZS | acl::SLOW)
        .since("6.2.0")
        .doc(
            concat!(
                "Gives the members of the first sorted set that are in none ",
                "of the others."
            ),
            concat!(
                "O(L + (N-K)log(N)) worst case, L being the total size of all ",
                "sets, N the first set's size and K the result's size."
            ),
        )
        .key_specs(&[KeySpec::keynum(RO | ACCESS, 1, 0, 1, 1)])
        .args(&[
            integer("numkeys"),
            key("key", 0).multiple(),
            token("withscores", "WITHSCORES").optional(),
        ])
        .keys_fn(getkeys::numkeys_keys),
    CommandDef::new("zintercard", -3, READONLY, "sorted-set", zintercard)
        .acl(acl::READ | ZS | acl::SLOW)
        .since("7.0.0")
        .doc(
            "Counts the members of the intersection of sorted sets.",
            concat!(
                "O(N*K) worst case, N being the smallest set's size and K the ",
                "number of sets."
            ),
        )
        .key_specs(&[KeySpec::keynum(RO | ACCESS, 1, 0, 1, 1)])
        .args(&[
            integer("numkeys"),
            key("key", 0).multiple(),
            integer("limit").token("LIMIT").optional(),
        ])
        .keys_fn(getkeys::numkeys_keys),
    CommandDef::new(
        "zunionstore",
        -4,
        WRITE | DENYOOM,
        "sorted-set",
        zunionstore,
    )
    .acl(acl::WRITE | ZS | acl::SLOW)
    .since("2.0.0")
    .doc(
        "Stores the union of sorted sets.",
        concat!(
            "O(N)+O(M log(M)), N being the sum of the input sizes and M ",
            "the result's size."
        ),
    )
    .key_specs(STORE_SPECS)
    .args(STORE_ARGS)
    .keys_fn(getkeys::numkeys_store_keys),
    CommandDef::new(
        "zinterstore",
        -4,
        WRITE | DENYOOM,
        "sorted-set",
        zinterstore,
    )
    .acl(acl::WRITE | ZS | acl::SLOW)
    .since("2.0.0")
    .doc(
        "Stores the intersection of sorted sets.",
        concat!(
            "O(N*K)+O(M*log(M)) worst case, N being the smallest set's ",
            "size, K the number of sets and M the result's size."
        ),
    )
    .key_specs(STORE_SPECS)
    .args(STORE_ARGS)
    .keys_fn(getkeys::numkeys_store_keys),
    CommandDef::new("zdiffstore", -4, WRITE | DENYOOM, "sorted-set", zdiffstore)
        .acl(acl::WRITE | ZS | acl::SLOW)
        .since("6.2.0")
        .doc(
            concat!(
                "Stores the members of the first sorted set that are in none ",
                "of the others."
            ),
            concat!(
                "O(L + (N-K)log(N)) worst case, L being the total size of all ",
                "sets, N the first set's size and K the result's size."
            ),
        )
        .key_specs(&[
            KeySpec::single(OW | UPDATE, 1),
            KeySpec::keynum(RO | ACCESS, 2, 0, 1, 1),
        ])
        .args(&[
            key("destination", 0),
            integer("numkeys"),
            key("key", 1).multiple(),
        ])
        .keys_fn(getkeys::numkeys_store_keys),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

/// Folds `val` into `target` as Redis's `zunionInterAggregate` does.
#[inline]
fn aggregate(target: &mut f64, val: f64, how: Aggregate) {
    match how {
        Aggregate::Sum => {
            *target += val;
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggregate::Min => {
            if val < *target {
                *target = val;
            }
        }
        Aggregate::Max => {
            if val > *target {
                *target = val;
            }
        }
    }
}

/// One input: its key, weight and size (0 when missing).
struct Source<'a> {
    key: &'a [u8],
    weight: f64,
    len: usize,
}

/// The size of a set or sorted set entry, WRONGTYPE for other values.
fn source_len(e: &Entry) -> Result<usize, CmdError> {
    match e.value().object().as_deref() {
        Some(Object::ZSet(z)) => Ok(z.len()),
        Some(Object::Set(s)) => Ok(s.len()),
        _ => Err(CmdError::WrongType),
    }
}

/// Calls `f` with every member of an input and its score (1 for set members).
fn for_each_member(o: &Object, mut f: impl FnMut(Item<'_>, f64)) {
    match o {
        Object::ZSet(z) => {
            for (m, s) in z.iter() {
                f(m, s);
            }
        }
        Object::Set(s) => {
            for m in s.iter() {
                f(m, 1.0);
            }
        }
        _ => {}
    }
}

/// The score of a member in an input (1 for a set member).
fn find_score(o: &Object, member: &[u8]) -> Option<f64> {
    match o {
        Object::ZSet(z) => z.score(member),
        Object::Set(s) => s.contains(member).then_some(1.0),
        _ => None,
    }
}

/// Visits the input at `key` (already type-checked) without counting a lookup.
/// An embedded input is decoded once for the whole visit.
fn visit<R>(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    f: impl FnOnce(&Object) -> R,
) -> Result<Option<R>, CmdError> {
    let db = ctx.db.index;
    Ok(ctx
        .db
        .lookup_in(db, key)?
        .and_then(|e| e.value().object())
        .map(|o| f(&o)))
}

/// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD.
fn setop_generic(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
    dst: Option<&[u8]>,
    numkeys_at: usize,
    op: Op,
    cardinality_only: bool,
) -> CmdResult {
    let setnum = parse_i64_strict(args.get(numkeys_at)).ok_or(CmdError::NotInteger)?;
    if setnum < 1 {
        return Err(CmdError::Msg(format!(
            "ERR at least 1 input key is needed for '{}' command",
            ctx.cmd.name
        )));
    }
    let avail = args.len() - (numkeys_at + 1);
    if setnum > i64::try_from(avail).unwrap_or(i64::MAX) {
        return Err(CmdError::Syntax);
    }
    let n = setnum as usize;
    let first = numkeys_at + 1;
    let mut src: Vec<Source<'_>> = Vec::with_capacity(n);
    for i in 0..n {
        let key = args.get(first + i);
        let len = match ctx.db.lookup_read(key)? {
            Some(e) => source_len(e)?,
            None => 0,
        };
        src.push(Source {
            key,
            weight: 1.0,
            len,
        });
    }
    let mut how = Aggregate::Sum;
    let mut withscores = false;
    let mut limit = 0usize;
    let mut j = first + n;
    while j < args.len() {
        let remaining = args.len() - j;
        let a = args.get(j);
        if op != Op::Diff
            && !cardinality_only
            && remaining > n
            && a.eq_ignore_ascii_case(b"weights")
        {
            j += 1;
            for s in src.iter_mut() {
                s.weight = parse_score(args.get(j))
                    .ok_or_else(|| CmdError::err("weight value is not a float"))?;
                j += 1;
            }
        } else if op != Op::Diff
            && !cardinality_only
            && remaining >= 2
            && a.eq_ignore_ascii_case(b"aggregate")
        {
            let v = args.get(j + 1);
            how = if v.eq_ignore_ascii_case(b"sum") {
                Aggregate::Sum
            } else if v.eq_ignore_ascii_case(b"min") {
                Aggregate::Min
            } else if v.eq_ignore_ascii_case(b"max") {
                Aggregate::Max
            } else {
                return Err(CmdError::Syntax);
            };
            j += 2;
        } else if dst.is_none() && !cardinality_only && a.eq_ignore_ascii_case(b"withscores") {
            withscores = true;
            j += 1;
        } else if cardinality_only && remaining >= 2 && a.eq_ignore_ascii_case(b"limit") {
            limit = parse_i64_strict(args.get(j + 1))
                .and_then(|l| usize::try_from(l).ok())
                .ok_or_else(|| CmdError::err("LIMIT can't be negative"))?;
            j += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    if op != Op::Diff {
        src.sort_by_key(|s| s.len);
    }
    let result: Vec<(Vec<u8>, f64)> = match op {
        Op::Inter => {
            let survivors = intersect(ctx, &src, how)?;
            if cardinality_only {
                let count = survivors.len();
                let count = if limit > 0 { count.min(limit) } else { count };
                ctx.out.int(count as i64);
                return Ok(());
            }
            survivors
        }
        Op::Union => unite(ctx, &src, how)?,
        Op::Diff => subtract(ctx, &src)?,
    };
    let mut result = result;
    result.sort_by(|a, b| {
        a.1.partial_cmp(&b.1)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then_with(|| a.0.cmp(&b.0))
    });
    match dst {
        Some(dst) => {
            let lim = limits(ctx);
            let event = match op {
                Op::Union => "zunionstore",
                Op::Inter => "zinterstore",
                Op::Diff => "zdiffstore",
            };
            let z = ZSet::from_sorted(result, 0, &lim);
            let len = store_zset(&mut ctx.db, dst, z, event, 1)?;
            ctx.out.int(len as i64);
        }
        None => {
            let items: Vec<Scored<'_>> = result.iter().map(|(m, s)| (Item::Str(m), *s)).collect();
            reply_scored(ctx.out, &items, withscores);
        }
    }
    Ok(())
}

/// The members present in every input, with aggregated weighted scores.
fn intersect(
    ctx: &mut Ctx<'_>,
    src: &[Source<'_>],
    how: Aggregate,
) -> Result<Vec<(Vec<u8>, f64)>, CmdError> {
    let Some(first) = src.first() else {
        return Ok(Vec::new());
    };
    if first.len == 0 {
        return Ok(Vec::new());
    }
    let w0 = first.weight;
    let mut cands: Vec<(Vec<u8>, f64)> = visit(ctx, first.key, |e| {
        let mut v = Vec::new();
        for_each_member(e, |m, s| {
            let mut score = w0 * s;
            if score.is_nan() {
                score = 0.0;
            }
            v.push((m.to_bytes().into_owned(), score));
        });
        v
    })?
    .unwrap_or_default();
    for s in &src[1..] {
        if cands.is_empty() {
            break;
        }
        let w = s.weight;
        cands = visit(ctx, s.key, |e| {
            cands
                .into_iter()
                .filter_map(|(m, mut score)| {
                    let value = find_score(e, &m)? * w;
                    aggregate(&mut score, value, how);
                    Some((m, score))
                })
                .collect()
        })?
        .unwrap_or_default();
    }
    Ok(cands)
}

/// Every member of any input, with aggregated weighted scores.
fn unite(
    ctx: &mut Ctx<'_>,
    src: &[Source<'_>],
    how: Aggregate,
) -> Result<Vec<(Vec<u8>, f64)>, CmdError> {
    let mut acc: HashMap<Vec<u8>, f64> = HashMap::with_capacity(src.last().map_or(0, |s| s.len));
    for s in src {
        if s.len == 0 {
            continue;
        }
        let w = s.weight;
        visit(ctx, s.key, |e| {
            for_each_member(e, |m, score| {
                let mut score = w * score;
                if score.is_nan() {
                    score = 0.0;
                }
                match acc.entry(m.to_bytes().into_owned()) {
                    MapEntry::Vacant(v) => {
                        v.insert(score);
                    }
                    MapEntry::Occupied(mut o) => aggregate(o.get_mut(), score, how),
                }
            });
        })?;
    }
    Ok(acc.into_iter().collect())
}

/// The members of the first input found in none of the others, with their
/// scores.
fn subtract(ctx: &mut Ctx<'_>, src: &[Source<'_>]) -> Result<Vec<(Vec<u8>, f64)>, CmdError> {
    let Some(first) = src.first() else {
        return Ok(Vec::new());
    };
    if first.len == 0 {
        return Ok(Vec::new());
    }
    // The first input given again removes everything.
    if src[1..].iter().any(|s| s.key == first.key) {
        return Ok(Vec::new());
    }
    let mut cands: Vec<(Vec<u8>, f64)> = visit(ctx, first.key, |e| {
        let mut v = Vec::new();
        for_each_member(e, |m, s| v.push((m.to_bytes().into_owned(), s)));
        v
    })?
    .unwrap_or_default();
    for s in &src[1..] {
        if cands.is_empty() {
            break;
        }
        if s.len == 0 {
            continue;
        }
        cands = visit(ctx, s.key, |e| {
            cands
                .into_iter()
                .filter(|(m, _)| find_score(e, m).is_none())
                .collect()
        })?
        .unwrap_or_default();
    }
    Ok(cands)
}

// ZUNION numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>] [WITHSCORES]
fn zunion(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    setop_generic(ctx, args, None, 1, Op::Union, false)
}

// ZINTER numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>] [WITHSCORES]
fn zinter(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    setop_generic(ctx, args, None, 1, Op::Inter, false)
}

// ZDIFF numkeys key [key ...] [WITHSCORES]
fn zdiff(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    setop_generic(ctx, args, None, 1, Op::Diff, false)
}

// ZINTERCARD numkeys key [key ...] [LIMIT limit]
fn zintercard(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    setop_generic(ctx, args, None, 1, Op::Inter, true)
}

// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]
fn zunionstore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    setop_generic(ctx, args, Some(args.get(1)), 2, Op::Union, false)
}

// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE <SUM | MIN | MAX>]
fn zinterstore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    setop_generic(ctx, args, Some(args.get(1)), 2, Op::Inter, false)
}

// ZDIFFSTORE destination numkeys key [key ...]
fn zdiffstore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    setop_generic(ctx, args, Some(args.get(1)), 2, Op::Diff, false)
}

#[cfg(test)]
mod tests {
    use super::{aggregate, Aggregate};

    #[test]
    fn aggregation_like_redis() {
        let mut t = f64::INFINITY;
        aggregate(&mut t, f64::NEG_INFINITY, Aggregate::Sum);
        assert_eq!(t, 0.0);
        let mut t = 1.0;
        aggregate(&mut t, f64::NAN, Aggregate::Min);
        assert_eq!(t, 1.0);
        aggregate(&mut t, f64::NAN, Aggregate::Max);
        assert_eq!(t, 1.0);
        aggregate(&mut t, 3.0, Aggregate::Max);
        assert_eq!(t, 3.0);
        aggregate(&mut t, -3.0, Aggregate::Min);
        assert_eq!(t, -3.0);
    }
}
