//! Sorted-set range commands: ZRANGE (by rank, BYSCORE, BYLEX, REV, LIMIT,
//! WITHSCORES), ZRANGESTORE, the older ZREVRANGE / ZRANGEBYSCORE /
//! ZREVRANGEBYSCORE / ZRANGEBYLEX / ZREVRANGEBYLEX, and ZREMRANGEBYRANK /
//! ZREMRANGEBYSCORE / ZREMRANGEBYLEX.
//!
//! All the reading forms share one parser, as in Redis, so they accept and
//! refuse the same option combinations with the same errors.

use cinnabar_resp::{parse_i64_strict, Args};

use super::zset::{
    delete_dest, lex_range, limits, read_zset, reply_scored, score_range, store_zset, write_zset,
};
use super::{acl, flags::*, CommandDef};
use crate::dispatch::Ctx;
use crate::error::{CmdError, CmdResult};
use crate::types::packed::Item;
use crate::types::zset::{AddFlags, Scored, ZSet};

const ZS: u64 = acl::SORTEDSET;

/// The range command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("zrange", -4, READONLY, "sorted_set", zrange)
        .keys(1, 1, 1)
        .acl(acl::READ | ZS | acl::SLOW)
        .since("1.2.0")
        .history(&[(
            "6.2.0",
            "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.",
        )])
        .doc(
            "Returns the members of a sorted set in a range of ranks, scores or names.",
            "O(log(N)+M) with N the set's size and M the number of members returned.",
        ),
    CommandDef::new(
        "zrangestore",
        -5,
        WRITE | DENYOOM,
        "sorted_set",
        zrangestore,
    )
    .keys(1, 2, 1)
    .acl(acl::WRITE | ZS | acl::SLOW)
    .since("6.2.0")
    .doc(
        "Stores a range of a sorted set in another key.",
        "O(log(N)+M) with N the source's size and M the number of members stored.",
    ),
    CommandDef::new("zrevrange", -4, READONLY, "sorted_set", zrevrange)
        .keys(1, 1, 1)
        .acl(acl::READ | ZS | acl::SLOW)
        .since("1.2.0")
        .deprecated("6.2.0", "`ZRANGE` with the `REV` argument")
        .doc(
            "Returns the members of a sorted set in a range of ranks, highest score first.",
            "O(log(N)+M) with N the set's size and M the number of members returned.",
        ),
    CommandDef::new("zrangebyscore", -4, READONLY, "sorted_set", zrangebyscore)
        .keys(1, 1, 1)
        .acl(acl::READ | ZS | acl::SLOW)
        .since("1.0.5")
        .deprecated("6.2.0", "`ZRANGE` with the `BYSCORE` argument")
        .doc(
            "Returns the members of a sorted set with scores in a range.",
            "O(log(N)+M) with N the set's size and M the number of members returned.",
        ),
    CommandDef::new(
        "zrevrangebyscore",
        -4,
        READONLY,
        "sorted_set",
        zrevrangebyscore,
    )
    .keys(1, 1, 1)
    .acl(acl::READ | ZS | acl::SLOW)
    .since("2.2.0")
    .deprecated("6.2.0", "`ZRANGE` with the `REV` and `BYSCORE` arguments")
    .doc(
        "Returns the members of a sorted set with scores in a range, highest first.",
        "O(log(N)+M) with N the set's size and M the number of members returned.",
    ),
    CommandDef::new("zrangebylex", -4, READONLY, "sorted_set", zrangebylex)
        .keys(1, 1, 1)
        .acl(acl::READ | ZS | acl::SLOW)
        .since("2.8.9")
        .deprecated("6.2.0", "`ZRANGE` with the `BYLEX` argument")
        .doc(
            "Returns the members of a sorted set in a lexicographical range.",
            "O(log(N)+M) with N the set's size and M the number of members returned.",
        ),
    CommandDef::new("zrevrangebylex", -4, READONLY, "sorted_set", zrevrangebylex)
        .keys(1, 1, 1)
        .acl(acl::READ | ZS | acl::SLOW)
        .since("2.8.9")
        .deprecated("6.2.0", "`ZRANGE` with the `REV` and `BYLEX` arguments")
        .doc(
            "Returns the members of a sorted set in a lexicographical range, in reverse.",
            "O(log(N)+M) with N the set's size and M the number of members returned.",
        ),
    CommandDef::new("zremrangebyrank", 4, WRITE, "sorted_set", zremrangebyrank)
        .keys(1, 1, 1)
        .acl(acl::WRITE | ZS | acl::SLOW)
        .since("2.0.0")
        .doc(
            "Removes the members of a sorted set in a range of ranks.",
            "O(log(N)+M) with N the set's size and M the number of members removed.",
        ),
    CommandDef::new("zremrangebyscore", 4, WRITE, "sorted_set", zremrangebyscore)
        .keys(1, 1, 1)
        .acl(acl::WRITE | ZS | acl::SLOW)
        .since("1.2.0")
        .doc(
            "Removes the members of a sorted set with scores in a range.",
            "O(log(N)+M) with N the set's size and M the number of members removed.",
        ),
    CommandDef::new("zremrangebylex", 4, WRITE, "sorted_set", zremrangebylex)
        .keys(1, 1, 1)
        .acl(acl::WRITE | ZS | acl::SLOW)
        .since("2.8.9")
        .doc(
            "Removes the members of a sorted set in a lexicographical range.",
            "O(log(N)+M) with N the set's size and M the number of members removed.",
        ),
];

/// How a range is given.
#[derive(Clone, Copy, PartialEq, Eq)]
enum By {
    /// Not decided yet (ZRANGE without BYSCORE / BYLEX means ranks).
    Auto,
    Rank,
    Score,
    Lex,
}

/// A long argument (`ERR value is not an integer or out of range` otherwise).
fn long_arg(raw: &[u8]) -> Result<i64, CmdError> {
    parse_i64_strict(raw).ok_or(CmdError::NotInteger)
}

/// Turns Redis start/stop ranks (negative from the end) into a clamped
/// inclusive range, or `None` when empty.
pub fn clamp_ranks(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let len = i64::try_from(len).unwrap_or(i64::MAX);
    let mut start = if start < 0 { len + start } else { start };
    let mut end = if end < 0 { len + end } else { end };
    if start < 0 {
        start = 0;
    }
    if start > end || start >= len {
        return None;
    }
    if end >= len {
        end = len - 1;
    }
    Some((start as usize, end as usize))
}

/// ZRANGE and friends: `args[src]` is the source key, followed by min, max and
/// the options; `store` is ZRANGESTORE's destination.
fn zrange_generic(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
    src: usize,
    store: Option<&[u8]>,
    mut by: By,
    mut reverse: Option<bool>,
) -> CmdResult {
    let mut withscores = false;
    let (mut offset, mut limit) = (0i64, -1i64);
    let mut j = src + 3;
    while j < args.len() {
        let a = args.get(j);
        let left = args.len() - j - 1;
        if store.is_none() && a.eq_ignore_ascii_case(b"withscores") {
            withscores = true;
        } else if a.eq_ignore_ascii_case(b"limit") && left >= 2 {
            offset = long_arg(args.get(j + 1))?;
            limit = long_arg(args.get(j + 2))?;
            j += 2;
        } else if reverse.is_none() && a.eq_ignore_ascii_case(b"rev") {
            reverse = Some(true);
        } else if by == By::Auto && a.eq_ignore_ascii_case(b"bylex") {
            by = By::Lex;
        } else if by == By::Auto && a.eq_ignore_ascii_case(b"byscore") {
            by = By::Score;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    let reverse = reverse.unwrap_or(false);
    if by == By::Auto {
        by = By::Rank;
    }
    if limit != -1 && by == By::Rank {
        return Err(CmdError::err(
            "syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ));
    }
    if withscores && by == By::Lex {
        return Err(CmdError::err(
            "syntax error, WITHSCORES not supported in combination with BYLEX",
        ));
    }
    let (mut min, mut max) = (args.get(src + 1), args.get(src + 2));
    if reverse && by != By::Rank {
        std::mem::swap(&mut min, &mut max);
    }
    enum Parsed<'a> {
        Rank(i64, i64),
        Score(crate::types::zset::ScoreRange),
        Lex(crate::types::zset::LexRange<'a>),
    }
    let parsed = match by {
        By::Score => Parsed::Score(score_range(min, max)?),
        By::Lex => Parsed::Lex(lex_range(min, max)?),
        _ => Parsed::Rank(long_arg(min)?, long_arg(max)?),
    };
    let lim = limits(ctx);
    let Some(z) = read_zset(&mut ctx.db, args.get(src))? else {
        match store {
            Some(dst) => {
                delete_dest(&mut ctx.db, dst)?;
                ctx.out.int(0);
            }
            None => ctx.out.array(0),
        }
        return Ok(());
    };
    let mut hint = 0;
    let items: Vec<Scored<'_>> = match &parsed {
        Parsed::Rank(start, end) => match clamp_ranks(*start, *end, z.len()) {
            Some((a, b)) => {
                hint = b - a + 1;
                z.range_by_rank(a, b, reverse)
            }
            None => Vec::new(),
        },
        Parsed::Score(r) => z.range_by_score(r, reverse, offset, limit),
        Parsed::Lex(r) => z.range_by_lex(r, reverse, offset, limit),
    };
    let Some(dst) = store else {
        reply_scored(ctx.out, &items, withscores);
        return Ok(());
    };
    // As Redis does: a set sized for the result, then every member added in
    // the order the range gives them (a listpack stores `-0` as 0 until it
    // converts, a skiplist keeps it).
    let mut built = ZSet::create(hint, 0, &lim);
    let pairs: Vec<(f64, &[u8])> = items
        .iter()
        .map(|(m, s)| match m {
            Item::Str(b) => (*s, *b),
            _ => (*s, &[][..]),
        })
        .collect();
    // Scores come from a set: never NaN.
    let _ = built.add_all(&pairs, AddFlags::default(), &lim);
    drop(pairs);
    drop(items);
    let n = store_zset(&mut ctx.db, dst, built, "zrangestore", 1)?;
    ctx.out.int(n as i64);
    Ok(())
}

// ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
fn zrange(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zrange_generic(ctx, args, 1, None, By::Auto, None)
}

// ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]
fn zrangestore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zrange_generic(ctx, args, 2, Some(args.get(1)), By::Auto, None)
}

// ZREVRANGE key start stop [WITHSCORES]
fn zrevrange(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zrange_generic(ctx, args, 1, None, By::Rank, Some(true))
}

// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
fn zrangebyscore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zrange_generic(ctx, args, 1, None, By::Score, Some(false))
}

// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
fn zrevrangebyscore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zrange_generic(ctx, args, 1, None, By::Score, Some(true))
}

// ZRANGEBYLEX key min max [LIMIT offset count]
fn zrangebylex(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zrange_generic(ctx, args, 1, None, By::Lex, Some(false))
}

// ZREVRANGEBYLEX key max min [LIMIT offset count]
fn zrevrangebylex(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    zrange_generic(ctx, args, 1, None, By::Lex, Some(true))
}

/// Removes what `remove` takes from the set at `key`, deleting the key when it
/// empties; replies the count.
fn zremrange_generic(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    event: &'static str,
    remove: impl FnOnce(&mut ZSet) -> usize,
) -> CmdResult {
    let (removed, empty) = match write_zset(&mut ctx.db, key)? {
        None => (0, false),
        Some(z) => {
            let n = remove(z);
            (n, z.is_empty())
        }
    };
    if removed > 0 {
        ctx.db.changed_n(key, event, removed);
    }
    if empty {
        ctx.db.remove(key)?;
        ctx.db.event(key, "del");
    }
    ctx.out.int(removed as i64);
    Ok(())
}

// ZREMRANGEBYRANK key start stop
fn zremrangebyrank(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let start = long_arg(args.get(2))?;
    let end = long_arg(args.get(3))?;
    zremrange_generic(ctx, args.get(1), "zremrangebyrank", |z| {
        match clamp_ranks(start, end, z.len()) {
            Some((a, b)) => z.remove_range_by_rank(a, b),
            None => 0,
        }
    })
}

// ZREMRANGEBYSCORE key min max
fn zremrangebyscore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let r = score_range(args.get(2), args.get(3))?;
    zremrange_generic(ctx, args.get(1), "zremrangebyscore", |z| {
        z.remove_range_by_score(&r)
    })
}

// ZREMRANGEBYLEX key min max
fn zremrangebylex(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let r = lex_range(args.get(2), args.get(3))?;
    zremrange_generic(ctx, args.get(1), "zremrangebylex", |z| {
        z.remove_range_by_lex(&r)
    })
}

#[cfg(test)]
mod tests {
    use super::clamp_ranks;

    #[test]
    fn ranks_clamp_like_redis() {
        assert_eq!(clamp_ranks(0, -1, 5), Some((0, 4)));
        assert_eq!(clamp_ranks(-2, -1, 5), Some((3, 4)));
        assert_eq!(clamp_ranks(-100, 2, 5), Some((0, 2)));
        assert_eq!(clamp_ranks(3, 100, 5), Some((3, 4)));
        assert_eq!(clamp_ranks(5, 10, 5), None);
        assert_eq!(clamp_ranks(2, 1, 5), None);
        assert_eq!(clamp_ranks(0, -6, 5), None);
        assert_eq!(clamp_ranks(i64::MIN, i64::MAX, 5), Some((0, 4)));
        assert_eq!(clamp_ranks(0, 0, 0), None);
    }
}
