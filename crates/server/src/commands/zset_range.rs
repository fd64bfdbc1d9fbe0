//! Sorted-set range commands: ZRANGE (by rank, BYSCORE, BYLEX, REV, LIMIT,
//! WITHSCORES), ZRANGESTORE, the older ZREVRANGE / ZRANGEBYSCORE /
//! ZREVRANGEBYSCORE / ZRANGEBYLEX / ZREVRANGEBYLEX, and ZREMRANGEBYRANK /
//! ZREMRANGEBYSCORE / ZREMRANGEBYLEX.
//!
//! All the reading forms share one parser, as in Redis, so they accept and
//! refuse the same option combinations with the same errors.

use cinnabar_resp::{parse_i64_strict, Args};

use super::prelude::*;
use super::zset::{
    delete_dest, lex_range, limits, read_zset, reply_scored, score_range, store_zset, write_zset,
};
use super::{acl, flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;
use crate::types::packed::Item;
use crate::types::zset::{AddFlags, Scored, ZSet};

const ZS: u64 = acl::SORTEDSET;

/// The range command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("zrange", -4, READONLY, "sorted-set", zrange)
        .acl(acl::READ | ZS | acl::SLOW)
        .since("1.2.0")
        .doc(
            concat!(
                "Gives the members of a sorted set within a range of ranks, ",
                "scores or names."
            ),
            concat!(
                "O(log(N)+M), N being the sorted set's size and M the number ",
                "of members returned."
            ),
        )
        .history(&[("6.2.0", "REV, BYSCORE, BYLEX and LIMIT options.")])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            string("start"),
            string("stop"),
            oneof(
                "sortby",
                &[token("byscore", "BYSCORE"), token("bylex", "BYLEX")],
            )
            .optional()
            .since("6.2.0"),
            token("rev", "REV").optional().since("6.2.0"),
            block("limit", &[integer("offset"), integer("count")])
                .token("LIMIT")
                .optional()
                .since("6.2.0"),
            token("withscores", "WITHSCORES").optional(),
        ]),
    CommandDef::new(
        "zrangestore",
        -5,
        WRITE | DENYOOM,
        "sorted-set",
        zrangestore,
    )
    .acl(acl::WRITE | ZS | acl::SLOW)
    .since("6.2.0")
    .doc(
        "Stores a range of members of a sorted set in another key.",
        concat!(
            "O(log(N)+M), N being the sorted set's size and M the number ",
            "of members stored."
        ),
    )
    .key_specs(&[
        KeySpec::single(OW | UPDATE, 1),
        KeySpec::single(RO | ACCESS, 2),
    ])
    .args(&[
        key("dst", 0),
        key("src", 1),
        string("min"),
        string("max"),
        oneof(
            "sortby",
            &[token("byscore", "BYSCORE"), token("bylex", "BYLEX")],
        )
        .optional(),
        token("rev", "REV").optional(),
        block("limit", &[integer("offset"), integer("count")])
            .token("LIMIT")
            .optional(),
    ]),
    CommandDef::new("zrevrange", -4, READONLY, "sorted-set", zrevrange)
        .acl(acl::READ | ZS | acl::SLOW)
        .since("1.2.0")
        .doc(
            concat!(
                "Gives the members of a sorted set within a range of ranks, ",
                "highest score first."
            ),
            concat!(
                "O(log(N)+M), N being the sorted set's size and M the number ",
                "of members returned."
            ),
        )
        .deprecated("6.2.0", "`ZRANGE` with the `REV` argument")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            integer("start"),
            integer("stop"),
            token("withscores", "WITHSCORES").optional(),
        ]),
    CommandDef::new("zrangebyscore", -4, READONLY, "sorted-set", zrangebyscore)
        .acl(acl::READ | ZS | acl::SLOW)
        .since("1.0.5")
        .doc(
            "Gives the members of a sorted set within a score range.",
            concat!(
                "O(log(N)+M), N being the sorted set's size and M the number ",
                "of members returned; O(log(N)) when LIMIT keeps M constant."
            ),
        )
        .deprecated("6.2.0", "`ZRANGE` with the `BYSCORE` argument")
        .history(&[("2.0.0", "WITHSCORES option.")])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            double("min"),
            double("max"),
            token("withscores", "WITHSCORES").optional().since("2.0.0"),
            block("limit", &[integer("offset"), integer("count")])
                .token("LIMIT")
                .optional(),
        ]),
    CommandDef::new(
        "zrevrangebyscore",
        -4,
        READONLY,
        "sorted-set",
        zrevrangebyscore,
    )
    .acl(acl::READ | ZS | acl::SLOW)
    .since("2.2.0")
    .doc(
        "Gives the members of a sorted set within a score range, highest first.",
        concat!(
            "O(log(N)+M), N being the sorted set's size and M the number ",
            "of members returned; O(log(N)) when LIMIT keeps M constant."
        ),
    )
    .deprecated("6.2.0", "`ZRANGE` with the `REV` and `BYSCORE` arguments")
    .history(&[("2.1.6", "Exclusive min and max.")])
    .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
    .args(&[
        key("key", 0),
        double("max"),
        double("min"),
        token("withscores", "WITHSCORES").optional(),
        block("limit", &[integer("offset"), integer("count")])
            .token("LIMIT")
            .optional(),
    ]),
    CommandDef::new("zrangebylex", -4, READONLY, "sorted-set", zrangebylex)
        .acl(acl::READ | ZS | acl::SLOW)
        .since("2.8.9")
        .doc(
            "Gives the members of a sorted set within a lexicographical range.",
            concat!(
                "O(log(N)+M), N being the sorted set's size and M the number ",
                "of members returned; O(log(N)) when LIMIT keeps M constant."
            ),
        )
        .deprecated("6.2.0", "`ZRANGE` with the `BYLEX` argument")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            string("min"),
            string("max"),
            block("limit", &[integer("offset"), integer("count")])
                .token("LIMIT")
                .optional(),
        ]),
    CommandDef::new("zrevrangebylex", -4, READONLY, "sorted-set", zrevrangebylex)
        .acl(acl::READ | ZS | acl::SLOW)
        .since("2.8.9")
        .doc(
            concat!(
                "Gives the members of a sorted set within a lexicographical ",
                "range, in reverse order."
            ),
            concat!(
                "O(log(N)+M), N being the sorted set's size and M the number ",
                "of members returned; O(log(N)) when LIMIT keeps M constant."
            ),
        )
        .deprecated("6.2.0", "`ZRANGE` with the `REV` and `BYLEX` arguments")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            string("max"),
            string("min"),
            block("limit", &[integer("offset"), integer("count")])
                .token("LIMIT")
                .optional(),
        ]),
    CommandDef::new("zremrangebyrank", 4, WRITE, "sorted-set", zremrangebyrank)
        .acl(acl::WRITE | ZS | acl::SLOW)
        .since("2.0.0")
        .doc(
            concat!(
                "Removes the members of a sorted set within a range of ranks; ",
                "an emptied set is deleted."
            ),
            concat!(
                "O(log(N)+M), N being the sorted set's size and M the number ",
                "of members removed."
            ),
        )
        .key_specs(&[KeySpec::single(RW | DELETE, 1)])
        .args(&[key("key", 0), integer("start"), integer("stop")]),
    CommandDef::new("zremrangebyscore", 4, WRITE, "sorted-set", zremrangebyscore)
        .acl(acl::WRITE | ZS | acl::SLOW)
        .since("1.2.0")
        .doc(
            concat!(
                "Removes the members of a sorted set within a score range; an ",
                "emptied set is deleted."
            ),
            concat!(
                "O(log(N)+M), N being the sorted set's size and M the number ",
                "of members removed."
            ),
        )
        .key_specs(&[KeySpec::single(RW | DELETE, 1)])
        .args(&[key("key", 0), double("min"), double("max")]),
    CommandDef::new("zremrangebylex", 4, WRITE, "sorted-set", zremrangebylex)
        .acl(acl::WRITE | ZS | acl::SLOW)
        .since("2.8.9")
        .doc(
            concat!(
                "Removes the members of a sorted set within a lexicographical ",
                "range; an emptied set is deleted."
            ),
            concat!(
                "O(log(N)+M), N being the sorted set's size and M the number ",
                "of members removed."
            ),
        )
        .key_specs(&[KeySpec::single(RW | DELETE, 1)])
        .args(&[key("key", 0), string("min"), string("max")]),
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
