//! Documented facts of the string commands.

use super::*;

/// The entries of this family.
pub(super) static ENTRIES: &[CommandMeta] = &[
    CommandMeta::new("append", "string", "2.0.0")
        .doc(
            "Appends a string to a key's value, creating the key when absent.",
            "O(1), amortized: the string's spare capacity grows geometrically.",
        )
        .key_specs(&[KeySpec::single(RW | INSERT, 1)])
        .args(&[key("key", 0), string("value")]),
    CommandMeta::new("decr", "string", "1.0.0")
        .doc("Subtracts one from the integer value of a key.", "O(1)")
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("decrby", "string", "1.0.0")
        .doc(
            "Subtracts an amount from the integer value of a key.",
            "O(1)",
        )
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0), integer("decrement")]),
    CommandMeta::new("get", "string", "1.0.0")
        .doc("Reads the string stored at a key.", "O(1)")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("getdel", "string", "6.2.0")
        .doc("Returns a key's string value and deletes the key.", "O(1)")
        .key_specs(&[KeySpec::single(RW | ACCESS | DELETE, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("getex", "string", "6.2.0")
        .doc(
            concat!(
                "Returns a key's string value, optionally changing or ",
                "removing its expiry."
            ),
            "O(1)",
        )
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)
            .notes("Read-write: the key's expiry may change.")])
        .args(&[
            key("key", 0),
            oneof(
                "expiration",
                &[
                    integer("seconds").token("EX"),
                    integer("milliseconds").token("PX"),
                    unix_time("unix-time-seconds").token("EXAT"),
                    unix_time("unix-time-milliseconds").token("PXAT"),
                    token("persist", "PERSIST"),
                ],
            )
            .optional(),
        ]),
    CommandMeta::new("getrange", "string", "2.4.0")
        .doc(
            "Returns a substring of a key's string value.",
            "O(N) where N is the length of the returned string.",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), integer("start"), integer("end")]),
    CommandMeta::new("getset", "string", "1.0.0")
        .doc(
            "Replaces a key's string value and returns the previous one.",
            "O(1)",
        )
        .deprecated("6.2.0", "`SET` with the `!GET` argument")
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0), string("value")]),
    CommandMeta::new("incr", "string", "1.0.0")
        .doc("Adds one to the integer value of a key.", "O(1)")
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("incrby", "string", "1.0.0")
        .doc("Adds an amount to the integer value of a key.", "O(1)")
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0), integer("increment")]),
    CommandMeta::new("incrbyfloat", "string", "2.6.0")
        .doc(
            "Adds a floating-point amount to the numeric value of a key.",
            "O(1)",
        )
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0), double("increment")]),
    CommandMeta::new("lcs", "string", "7.0.0")
        .doc(
            "Finds the longest common subsequence of two keys' string values.",
            "O(N*M) where N and M are the lengths of the two strings.",
        )
        .key_specs(&[KeySpec::range(RO | ACCESS, 1, 1, 1, 0)])
        .args(&[
            key("key1", 0),
            key("key2", 0),
            token("len", "LEN").optional(),
            token("idx", "IDX").optional(),
            integer("min-match-len").token("MINMATCHLEN").optional(),
            token("withmatchlen", "WITHMATCHLEN").optional(),
        ]),
    CommandMeta::new("mget", "string", "1.0.0")
        .doc(
            "Returns the string values of several keys.",
            "O(N), N being the number of keys given.",
        )
        .tips(&["request_policy:multi_shard"])
        .key_specs(&[KeySpec::range(RO | ACCESS, 1, -1, 1, 0)])
        .args(&[key("key", 0).multiple()]),
    CommandMeta::new("mset", "string", "1.0.1")
        .doc(
            "Sets several keys to string values at once.",
            "O(N), N being the number of keys set.",
        )
        .tips(&[
            "request_policy:multi_shard",
            "response_policy:all_succeeded",
        ])
        .key_specs(&[KeySpec::range(OW | UPDATE, 1, -1, 2, 0)])
        .args(&[block("data", &[key("key", 0), string("value")]).multiple()]),
    CommandMeta::new("msetnx", "string", "1.0.1")
        .doc(
            "Sets several keys to string values only when none of them exists.",
            "O(N), N being the number of keys set.",
        )
        .key_specs(&[KeySpec::range(OW | INSERT, 1, -1, 2, 0)])
        .args(&[block("data", &[key("key", 0), string("value")]).multiple()]),
    CommandMeta::new("psetex", "string", "2.6.0")
        .doc(
            "Sets a key's string value with a time to live in milliseconds.",
            "O(1)",
        )
        .deprecated("2.6.12", "`SET` with the `PX` argument")
        .key_specs(&[KeySpec::single(OW | UPDATE, 1)])
        .args(&[key("key", 0), integer("milliseconds"), string("value")]),
    CommandMeta::new("set", "string", "1.0.0")
        .doc(
            "Sets the string value of a key, with optional conditions and expiry.",
            "O(1)",
        )
        .history(&[
            ("2.6.12", "EX, PX, NX and XX options."),
            ("6.0.0", "KEEPTTL option."),
            ("6.2.0", "GET, EXAT and PXAT options."),
            ("7.0.0", "NX and GET together."),
        ])
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE | VARIABLE_FLAGS, 1)
            .notes("Also reads the old value when GET is given.")])
        .args(&[
            key("key", 0),
            string("value"),
            oneof("condition", &[token("nx", "NX"), token("xx", "XX")])
                .optional()
                .since("2.6.12"),
            token("get", "GET").optional().since("6.2.0"),
            oneof(
                "expiration",
                &[
                    integer("seconds").token("EX").since("2.6.12"),
                    integer("milliseconds").token("PX").since("2.6.12"),
                    unix_time("unix-time-seconds").token("EXAT").since("6.2.0"),
                    unix_time("unix-time-milliseconds")
                        .token("PXAT")
                        .since("6.2.0"),
                    token("keepttl", "KEEPTTL").since("6.0.0"),
                ],
            )
            .optional(),
        ]),
    CommandMeta::new("setex", "string", "2.0.0")
        .doc(
            "Sets a key's string value with a time to live in seconds.",
            "O(1)",
        )
        .deprecated("2.6.12", "`SET` with the `EX` argument")
        .key_specs(&[KeySpec::single(OW | UPDATE, 1)])
        .args(&[key("key", 0), integer("seconds"), string("value")]),
    CommandMeta::new("setnx", "string", "1.0.0")
        .doc(
            "Sets a key's string value only when the key is absent.",
            "O(1)",
        )
        .deprecated("2.6.12", "`SET` with the `NX` argument")
        .key_specs(&[KeySpec::single(OW | INSERT, 1)])
        .args(&[key("key", 0), string("value")]),
    CommandMeta::new("setrange", "string", "2.2.0")
        .doc(
            concat!(
                "Overwrites part of a key's string value from an offset, ",
                "padding with zero bytes."
            ),
            "O(1), not counting the copy of the new bytes or the zero padding.",
        )
        .key_specs(&[KeySpec::single(RW | UPDATE, 1)])
        .args(&[key("key", 0), integer("offset"), string("value")]),
    CommandMeta::new("strlen", "string", "2.2.0")
        .doc("Returns the length of a key's string value.", "O(1)")
        .key_specs(&[KeySpec::single(RO, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("substr", "string", "1.0.0")
        .doc(
            "Returns a substring of a key's string value (old name of GETRANGE).",
            "O(N) where N is the length of the returned string.",
        )
        .deprecated("2.0.0", "`GETRANGE`")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), integer("start"), integer("end")]),
];
