//! Documented facts of the sorted set commands.

use super::*;

/// The entries of this family.
pub(super) static ENTRIES: &[CommandMeta] = &[
    CommandMeta::new("bzmpop", "sorted-set", "7.0.0")
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
        ]),
    CommandMeta::new("bzpopmax", "sorted-set", "5.0.0")
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
    CommandMeta::new("bzpopmin", "sorted-set", "5.0.0")
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
    CommandMeta::new("zadd", "sorted-set", "1.2.0")
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
    CommandMeta::new("zcard", "sorted-set", "1.2.0")
        .doc("Gives the number of members of a sorted set.", "O(1)")
        .key_specs(&[KeySpec::single(RO, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("zcount", "sorted-set", "2.0.0")
        .doc(
            "Counts the members of a sorted set whose score is in a range.",
            "O(log(N)), N being the sorted set's size.",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), double("min"), double("max")]),
    CommandMeta::new("zdiff", "sorted-set", "6.2.0")
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
        ]),
    CommandMeta::new("zdiffstore", "sorted-set", "6.2.0")
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
        ]),
    CommandMeta::new("zincrby", "sorted-set", "1.2.0")
        .doc(
            "Adds an increment to the score of a sorted set member.",
            "O(log(N)), N being the sorted set's size.",
        )
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0), integer("increment"), string("member")]),
    CommandMeta::new("zinter", "sorted-set", "6.2.0")
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
            integer("weight").token("WEIGHTS").optional().multiple(),
            oneof(
                "aggregate",
                &[
                    token("sum", "SUM"),
                    token("min", "MIN"),
                    token("max", "MAX"),
                ],
            )
            .token("AGGREGATE")
            .optional(),
            token("withscores", "WITHSCORES").optional(),
        ]),
    CommandMeta::new("zintercard", "sorted-set", "7.0.0")
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
        ]),
    CommandMeta::new("zinterstore", "sorted-set", "2.0.0")
        .doc(
            "Stores the intersection of sorted sets.",
            concat!(
                "O(N*K)+O(M*log(M)) worst case, N being the smallest set's ",
                "size, K the number of sets and M the result's size."
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
            integer("weight").token("WEIGHTS").optional().multiple(),
            oneof(
                "aggregate",
                &[
                    token("sum", "SUM"),
                    token("min", "MIN"),
                    token("max", "MAX"),
                ],
            )
            .token("AGGREGATE")
            .optional(),
        ]),
    CommandMeta::new("zlexcount", "sorted-set", "2.8.9")
        .doc(
            "Counts the members of a sorted set within a lexicographical range.",
            "O(log(N)), N being the sorted set's size.",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), string("min"), string("max")]),
    CommandMeta::new("zmpop", "sorted-set", "7.0.0")
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
        ]),
    CommandMeta::new("zmscore", "sorted-set", "6.2.0")
        .doc(
            "Gives the scores of several members of a sorted set.",
            "O(N), N being the number of members asked for.",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), string("member").multiple()]),
    CommandMeta::new("zpopmax", "sorted-set", "5.0.0")
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
    CommandMeta::new("zpopmin", "sorted-set", "5.0.0")
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
    CommandMeta::new("zrandmember", "sorted-set", "6.2.0")
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
    CommandMeta::new("zrange", "sorted-set", "1.2.0")
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
    CommandMeta::new("zrangebylex", "sorted-set", "2.8.9")
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
    CommandMeta::new("zrangebyscore", "sorted-set", "1.0.5")
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
    CommandMeta::new("zrangestore", "sorted-set", "6.2.0")
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
    CommandMeta::new("zrank", "sorted-set", "2.0.0")
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
    CommandMeta::new("zrem", "sorted-set", "1.2.0")
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
    CommandMeta::new("zremrangebylex", "sorted-set", "2.8.9")
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
    CommandMeta::new("zremrangebyrank", "sorted-set", "2.0.0")
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
    CommandMeta::new("zremrangebyscore", "sorted-set", "1.2.0")
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
    CommandMeta::new("zrevrange", "sorted-set", "1.2.0")
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
    CommandMeta::new("zrevrangebylex", "sorted-set", "2.8.9")
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
    CommandMeta::new("zrevrangebyscore", "sorted-set", "2.2.0")
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
    CommandMeta::new("zrevrank", "sorted-set", "2.0.0")
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
    CommandMeta::new("zscan", "sorted-set", "2.8.0")
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
    CommandMeta::new("zscore", "sorted-set", "1.2.0")
        .doc("Gives the score of a sorted set member.", "O(1)")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), string("member")]),
    CommandMeta::new("zunion", "sorted-set", "6.2.0")
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
            integer("weight").token("WEIGHTS").optional().multiple(),
            oneof(
                "aggregate",
                &[
                    token("sum", "SUM"),
                    token("min", "MIN"),
                    token("max", "MAX"),
                ],
            )
            .token("AGGREGATE")
            .optional(),
            token("withscores", "WITHSCORES").optional(),
        ]),
    CommandMeta::new("zunionstore", "sorted-set", "2.0.0")
        .doc(
            "Stores the union of sorted sets.",
            concat!(
                "O(N)+O(M log(M)), N being the sum of the input sizes and M ",
                "the result's size."
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
            integer("weight").token("WEIGHTS").optional().multiple(),
            oneof(
                "aggregate",
                &[
                    token("sum", "SUM"),
                    token("min", "MIN"),
                    token("max", "MAX"),
                ],
            )
            .token("AGGREGATE")
            .optional(),
        ]),
];
