//! Documented facts of the hash commands.

use super::*;

/// The entries of this family.
pub(super) static ENTRIES: &[CommandMeta] = &[
    CommandMeta::new("hdel", "hash", "2.0.0")
        .doc(
            "Removes fields from a hash; the hash is deleted once empty.",
            "O(N) where N is the number of fields removed.",
        )
        .history(&[("2.4.0", "Several fields in one call.")])
        .key_specs(&[KeySpec::single(RW | DELETE, 1)])
        .args(&[key("key", 0), string("field").multiple()]),
    CommandMeta::new("hexists", "hash", "2.0.0")
        .doc("Tells whether a hash field exists.", "O(1)")
        .key_specs(&[KeySpec::single(RO, 1)])
        .args(&[key("key", 0), string("field")]),
    CommandMeta::new("hget", "hash", "2.0.0")
        .doc("Returns the value of a hash field.", "O(1)")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), string("field")]),
    CommandMeta::new("hgetall", "hash", "2.0.0")
        .doc(
            "Returns every field and value of a hash.",
            "O(N), N being the hash's size.",
        )
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("hincrby", "hash", "2.0.0")
        .doc("Adds an integer to a hash field's value.", "O(1)")
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0), string("field"), integer("increment")]),
    CommandMeta::new("hincrbyfloat", "hash", "2.6.0")
        .doc(
            "Adds a floating-point number to a hash field's value.",
            "O(1)",
        )
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0), string("field"), double("increment")]),
    CommandMeta::new("hkeys", "hash", "2.0.0")
        .doc(
            "Returns every field of a hash.",
            "O(N), N being the hash's size.",
        )
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("hlen", "hash", "2.0.0")
        .doc("Returns the number of fields of a hash.", "O(1)")
        .key_specs(&[KeySpec::single(RO, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("hmget", "hash", "2.0.0")
        .doc(
            "Returns the values of several hash fields.",
            "O(N) where N is the number of fields asked for.",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), string("field").multiple()]),
    CommandMeta::new("hmset", "hash", "2.0.0")
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
    CommandMeta::new("hrandfield", "hash", "6.2.0")
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
    CommandMeta::new("hscan", "hash", "2.8.0")
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
    CommandMeta::new("hset", "hash", "2.0.0")
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
    CommandMeta::new("hsetnx", "hash", "2.0.0")
        .doc("Sets a hash field only when it does not exist yet.", "O(1)")
        .key_specs(&[KeySpec::single(RW | INSERT, 1)])
        .args(&[key("key", 0), string("field"), string("value")]),
    CommandMeta::new("hstrlen", "hash", "3.2.0")
        .doc("Returns the length of a hash field's value.", "O(1)")
        .key_specs(&[KeySpec::single(RO, 1)])
        .args(&[key("key", 0), string("field")]),
    CommandMeta::new("hvals", "hash", "2.0.0")
        .doc(
            "Returns every value of a hash.",
            "O(N), N being the hash's size.",
        )
        .tips(&["nondeterministic_output_order"])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
];
