//! Documented facts of the set commands.

use super::*;

/// The entries of this family.
pub(super) static ENTRIES: &[CommandMeta] = &[
    CommandMeta::new("sadd", "set", "1.0.0")
        .doc(
            "Adds members to a set, creating it if needed.",
            "O(1) for each member added.",
        )
        .history(&[("2.4.0", "Several members in one call.")])
        .key_specs(&[KeySpec::single(RW | INSERT, 1)])
        .args(&[key("key", 0), string("member").multiple()]),
    CommandMeta::new("scard", "set", "1.0.0")
        .doc("Returns the number of members of a set.", "O(1)")
        .key_specs(&[KeySpec::single(RO, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("sdiff", "set", "1.0.0")
        .doc(
            "Returns the members of the first set that are in none of the others.",
            "O(N) where N is the total number of members in all given sets.",
        )
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::range(RO | ACCESS, 1, -1, 1, 0)])
        .args(&[key("key", 0).multiple()]),
    CommandMeta::new("sdiffstore", "set", "1.0.0")
        .doc(
            "Stores the difference of sets in a key.",
            "O(N) where N is the total number of members in all given sets.",
        )
        .key_specs(&[
            KeySpec::single(OW | UPDATE, 1),
            KeySpec::range(RO | ACCESS, 2, -1, 1, 0),
        ])
        .args(&[key("destination", 0), key("key", 1).multiple()]),
    CommandMeta::new("sinter", "set", "1.0.0")
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
    CommandMeta::new("sintercard", "set", "7.0.0")
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
        ]),
    CommandMeta::new("sinterstore", "set", "1.0.0")
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
    CommandMeta::new("sismember", "set", "1.0.0")
        .doc("Tells whether a value is a member of a set.", "O(1)")
        .key_specs(&[KeySpec::single(RO, 1)])
        .args(&[key("key", 0), string("member")]),
    CommandMeta::new("smembers", "set", "1.0.0")
        .doc(
            "Returns every member of a set.",
            "O(N), N being the set's size.",
        )
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("smismember", "set", "6.2.0")
        .doc(
            "Tells, for each of several values, whether it is a member of a set.",
            "O(N) where N is the number of values checked.",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), string("member").multiple()]),
    CommandMeta::new("smove", "set", "1.0.0")
        .doc("Transfers a member from one set to another.", "O(1)")
        .key_specs(&[
            KeySpec::single(RW | ACCESS | DELETE, 1),
            KeySpec::single(RW | INSERT, 2),
        ])
        .args(&[key("source", 0), key("destination", 1), string("member")]),
    CommandMeta::new("spop", "set", "1.0.0")
        .doc(
            "Removes and returns random members of a set.",
            "O(N) where N is the number of members returned.",
        )
        .history(&[("3.2.0", "count argument.")])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RW | ACCESS | DELETE, 1)])
        .args(&[key("key", 0), integer("count").optional().since("3.2.0")]),
    CommandMeta::new("srandmember", "set", "1.0.0")
        .doc(
            "Returns random members of a set without removing them.",
            "O(N) where N is the number of members returned.",
        )
        .history(&[("2.6.0", "count argument.")])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), integer("count").optional().since("2.6.0")]),
    CommandMeta::new("srem", "set", "1.0.0")
        .doc(
            "Removes members from a set; the set is deleted once empty.",
            "O(N) where N is the number of members removed.",
        )
        .history(&[("2.4.0", "Several members in one call.")])
        .key_specs(&[KeySpec::single(RW | DELETE, 1)])
        .args(&[key("key", 0), string("member").multiple()]),
    CommandMeta::new("sscan", "set", "2.8.0")
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
    CommandMeta::new("sunion", "set", "1.0.0")
        .doc(
            "Returns the union of sets.",
            "O(N) where N is the total number of members in all given sets.",
        )
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::range(RO | ACCESS, 1, -1, 1, 0)])
        .args(&[key("key", 0).multiple()]),
    CommandMeta::new("sunionstore", "set", "1.0.0")
        .doc(
            "Stores the union of sets in a key.",
            "O(N) where N is the total number of members in all given sets.",
        )
        .key_specs(&[
            KeySpec::single(OW | UPDATE, 1),
            KeySpec::range(RO | ACCESS, 2, -1, 1, 0),
        ])
        .args(&[key("destination", 0), key("key", 1).multiple()]),
];
