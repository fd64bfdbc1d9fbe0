//! Documented facts of the generic keyspace commands (DEL, EXPIRE, OBJECT, SORT, ...).

use super::*;

/// The entries of this family.
pub(super) static ENTRIES: &[CommandMeta] = &[
    CommandMeta::new("copy", "generic", "6.2.0")
        .doc(
            "Copies the value of a key to a new key, optionally in another database.",
            concat!(
                "O(N) for collections, N being the number of nested elements; ",
                "O(1) for strings."
            ),
        )
        .key_specs(&[
            KeySpec::single(RO | ACCESS, 1),
            KeySpec::single(OW | UPDATE, 2),
        ])
        .args(&[
            key("source", 0),
            key("destination", 1),
            integer("destination-db").token("DB").optional(),
            token("replace", "REPLACE").optional(),
        ]),
    CommandMeta::new("del", "generic", "1.0.0")
        .doc(
            "Removes the given keys.",
            "O(N) where N is the number of keys that will be removed.",
        )
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .key_specs(&[KeySpec::range(RM | DELETE, 1, -1, 1, 0)])
        .args(&[key("key", 0).multiple()]),
    CommandMeta::new("dump", "generic", "2.6.0")
        .doc(
            "Serializes the value of a key in the RDB format.",
            concat!(
                "O(1) to find the key plus O(N*M) to serialize it, N being ",
                "the number of values inside it and M their mean size; O(1) ",
                "for a short string."
            ),
        )
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("exists", "generic", "1.0.0")
        .doc(
            "Counts how many of the given keys exist.",
            "O(N), N being the number of keys given.",
        )
        .history(&[("3.0.3", "Several keys in one call.")])
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .key_specs(&[KeySpec::range(RO, 1, -1, 1, 0)])
        .args(&[key("key", 0).multiple()]),
    CommandMeta::new("expire", "generic", "1.0.0")
        .doc("Sets a key's time to live in seconds.", "O(1)")
        .history(&[("7.0.0", "NX, XX, GT and LT conditions.")])
        .key_specs(&[KeySpec::single(RW | UPDATE, 1)])
        .args(&[
            key("key", 0),
            integer("seconds"),
            oneof(
                "condition",
                &[
                    token("nx", "NX"),
                    token("xx", "XX"),
                    token("gt", "GT"),
                    token("lt", "LT"),
                ],
            )
            .optional()
            .since("7.0.0"),
        ]),
    CommandMeta::new("expireat", "generic", "1.2.0")
        .doc("Sets a key's expiry to a Unix time in seconds.", "O(1)")
        .history(&[("7.0.0", "NX, XX, GT and LT conditions.")])
        .key_specs(&[KeySpec::single(RW | UPDATE, 1)])
        .args(&[
            key("key", 0),
            unix_time("unix-time-seconds"),
            oneof(
                "condition",
                &[
                    token("nx", "NX"),
                    token("xx", "XX"),
                    token("gt", "GT"),
                    token("lt", "LT"),
                ],
            )
            .optional()
            .since("7.0.0"),
        ]),
    CommandMeta::new("expiretime", "generic", "7.0.0")
        .doc("Returns a key's expiry as a Unix time in seconds.", "O(1)")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("keys", "generic", "1.0.0")
        .doc(
            "Returns every key name matching a glob pattern.",
            concat!(
                "O(N), N being the number of keys in the database, assuming ",
                "short names and pattern."
            ),
        )
        .tips(&["request_policy:all_shards", "nondeterministic_output_order"])
        .args(&[pattern("pattern")]),
    CommandMeta::new("migrate", "generic", "2.6.0")
        .doc(
            "Moves keys to another server atomically.",
            concat!(
                "A DUMP and DEL here plus a RESTORE on the target (see those ",
                "commands), and an O(N) transfer between the two servers."
            ),
        )
        .history(&[
            ("3.0.0", "COPY and REPLACE options."),
            ("3.0.6", "KEYS option."),
            ("4.0.7", "AUTH option."),
            ("6.0.0", "AUTH2 option."),
        ])
        .tips(&["nondeterministic_output"])
        .key_specs(&[
            KeySpec::single(RW | ACCESS | DELETE, 3),
            kw_range(RW | ACCESS | DELETE | INCOMPLETE, "KEYS", -2, -1, 1, 0),
        ])
        .args(&[
            string("host"),
            integer("port"),
            oneof("key-selector", &[key("key", 0), token("empty-string", "")]),
            integer("destination-db"),
            integer("timeout"),
            token("copy", "COPY").optional().since("3.0.0"),
            token("replace", "REPLACE").optional().since("3.0.0"),
            oneof(
                "authentication",
                &[
                    string("auth")
                        .token("AUTH")
                        .display("password")
                        .since("4.0.7"),
                    block("auth2", &[string("username"), string("password")])
                        .token("AUTH2")
                        .since("6.0.0"),
                ],
            )
            .optional(),
            key("keys", 1)
                .token("KEYS")
                .display("key")
                .optional()
                .multiple()
                .since("3.0.6"),
        ]),
    CommandMeta::new("move", "generic", "1.0.0")
        .doc("Transfers a key to another database.", "O(1)")
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0), integer("db")]),
    CommandMeta::new("object", "generic", "2.2.3").doc(
        "Groups the value introspection subcommands.",
        "Varies with the subcommand.",
    ),
    CommandMeta::new("object|encoding", "generic", "2.2.3")
        .doc("Returns the internal encoding of a value.", "O(1)")
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RO, 2)])
        .args(&[key("key", 0)]),
    CommandMeta::new("object|freq", "generic", "4.0.0")
        .doc(
            "Returns the logarithmic access frequency counter of a value.",
            "O(1)",
        )
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RO, 2)])
        .args(&[key("key", 0)]),
    CommandMeta::new("object|help", "generic", "6.2.0")
        .doc("Lists the OBJECT subcommands.", "O(1)"),
    CommandMeta::new("object|idletime", "generic", "2.2.3")
        .doc(
            "Returns the seconds since a value was last accessed.",
            "O(1)",
        )
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RO, 2)])
        .args(&[key("key", 0)]),
    CommandMeta::new("object|refcount", "generic", "2.2.3")
        .doc("Returns the reference count of a value.", "O(1)")
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RO, 2)])
        .args(&[key("key", 0)]),
    CommandMeta::new("persist", "generic", "2.2.0")
        .doc("Removes a key's expiry.", "O(1)")
        .key_specs(&[KeySpec::single(RW | UPDATE, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("pexpire", "generic", "2.6.0")
        .doc("Sets a key's time to live in milliseconds.", "O(1)")
        .history(&[("7.0.0", "NX, XX, GT and LT conditions.")])
        .key_specs(&[KeySpec::single(RW | UPDATE, 1)])
        .args(&[
            key("key", 0),
            integer("milliseconds"),
            oneof(
                "condition",
                &[
                    token("nx", "NX"),
                    token("xx", "XX"),
                    token("gt", "GT"),
                    token("lt", "LT"),
                ],
            )
            .optional()
            .since("7.0.0"),
        ]),
    CommandMeta::new("pexpireat", "generic", "2.6.0")
        .doc(
            "Sets a key's expiry to a Unix time in milliseconds.",
            "O(1)",
        )
        .history(&[("7.0.0", "NX, XX, GT and LT conditions.")])
        .key_specs(&[KeySpec::single(RW | UPDATE, 1)])
        .args(&[
            key("key", 0),
            unix_time("unix-time-milliseconds"),
            oneof(
                "condition",
                &[
                    token("nx", "NX"),
                    token("xx", "XX"),
                    token("gt", "GT"),
                    token("lt", "LT"),
                ],
            )
            .optional()
            .since("7.0.0"),
        ]),
    CommandMeta::new("pexpiretime", "generic", "7.0.0")
        .doc(
            "Returns a key's expiry as a Unix time in milliseconds.",
            "O(1)",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("pttl", "generic", "2.6.0")
        .doc(
            "Returns a key's remaining time to live in milliseconds.",
            "O(1)",
        )
        .history(&[("2.8.0", "-2 for a missing key.")])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("randomkey", "generic", "1.0.0")
        .doc("Picks a random key of the database.", "O(1)")
        .tips(&[
            "request_policy:all_shards",
            "response_policy:special",
            "nondeterministic_output",
        ]),
    CommandMeta::new("rename", "generic", "1.0.0")
        .doc("Renames a key, overwriting the destination.", "O(1)")
        .key_specs(&[
            KeySpec::single(RW | ACCESS | DELETE, 1),
            KeySpec::single(OW | UPDATE, 2),
        ])
        .args(&[key("key", 0), key("newkey", 1)]),
    CommandMeta::new("renamenx", "generic", "1.0.0")
        .doc("Renames a key only when the new name is not taken.", "O(1)")
        .history(&[(
            "3.2.0",
            "Same source and destination is no longer an error.",
        )])
        .key_specs(&[
            KeySpec::single(RW | ACCESS | DELETE, 1),
            KeySpec::single(OW | INSERT, 2),
        ])
        .args(&[key("key", 0), key("newkey", 1)]),
    CommandMeta::new("restore", "generic", "2.6.0")
        .doc(
            "Creates a key from a value serialized by DUMP.",
            concat!(
                "O(1) to create the key plus O(N*M) to decode the value, N ",
                "being the number of values inside it and M their mean size; ",
                "sorted sets cost O(N*M*log(N)) since each insertion is ",
                "O(log(N))."
            ),
        )
        .history(&[
            ("3.0.0", "REPLACE option."),
            ("5.0.0", "ABSTTL option."),
            ("5.0.0", "IDLETIME and FREQ options."),
        ])
        .key_specs(&[KeySpec::single(OW | UPDATE, 1)])
        .args(&[
            key("key", 0),
            integer("ttl"),
            string("serialized-value"),
            token("replace", "REPLACE").optional().since("3.0.0"),
            token("absttl", "ABSTTL").optional().since("5.0.0"),
            integer("seconds")
                .token("IDLETIME")
                .optional()
                .since("5.0.0"),
            integer("frequency").token("FREQ").optional().since("5.0.0"),
        ]),
    CommandMeta::new("scan", "generic", "2.8.0")
        .doc(
            "Iterates over the key names of the database with a cursor.",
            concat!(
                "O(1) per call; O(N) for a full iteration until the cursor is ",
                "0 again, N being the number of keys."
            ),
        )
        .history(&[("6.0.0", "TYPE filter.")])
        .tips(&[
            "nondeterministic_output",
            "request_policy:special",
            "response_policy:special",
        ])
        .args(&[
            integer("cursor"),
            pattern("pattern").token("MATCH").optional(),
            integer("count").token("COUNT").optional(),
            string("type").token("TYPE").optional().since("6.0.0"),
        ]),
    CommandMeta::new("sort", "generic", "1.0.0")
        .doc(
            "Sorts a list, set or sorted set, optionally storing the result.",
            concat!(
                "O(N+M*log(M)), N being the number of elements to sort and M ",
                "the number returned; O(N) without sorting."
            ),
        )
        .key_specs(&[
            KeySpec::single(RO | ACCESS, 1),
            KeySpec::unknown(RO | ACCESS).notes(concat!(
                "BY and GET patterns name keys built from the sorted ",
                "elements, so they cannot be listed."
            )),
            KeySpec::unknown(OW | UPDATE).notes(concat!(
                "The STORE destination may be anywhere among the options, so ",
                "it cannot be listed."
            )),
        ])
        .args(&[
            key("key", 0),
            pattern("by-pattern")
                .token("BY")
                .key_spec(1)
                .display("pattern")
                .optional(),
            block("limit", &[integer("offset"), integer("count")])
                .token("LIMIT")
                .optional(),
            pattern("get-pattern")
                .token("GET")
                .key_spec(1)
                .display("pattern")
                .optional()
                .multiple()
                .multiple_token(),
            oneof("order", &[token("asc", "ASC"), token("desc", "DESC")]).optional(),
            token("sorting", "ALPHA").optional(),
            key("destination", 2).token("STORE").optional(),
        ]),
    CommandMeta::new("sort_ro", "generic", "7.0.0")
        .doc(
            "Sorts a list, set or sorted set and returns the result.",
            concat!(
                "O(N+M*log(M)), N being the number of elements to sort and M ",
                "the number returned; O(N) without sorting."
            ),
        )
        .key_specs(&[
            KeySpec::single(RO | ACCESS, 1),
            KeySpec::unknown(RO | ACCESS).notes(concat!(
                "BY and GET patterns name keys built from the sorted ",
                "elements, so they cannot be listed."
            )),
        ])
        .args(&[
            key("key", 0),
            pattern("by-pattern")
                .token("BY")
                .key_spec(1)
                .display("pattern")
                .optional(),
            block("limit", &[integer("offset"), integer("count")])
                .token("LIMIT")
                .optional(),
            pattern("get-pattern")
                .token("GET")
                .key_spec(1)
                .display("pattern")
                .optional()
                .multiple()
                .multiple_token(),
            oneof("order", &[token("asc", "ASC"), token("desc", "DESC")]).optional(),
            token("sorting", "ALPHA").optional(),
        ]),
    CommandMeta::new("touch", "generic", "3.2.1")
        .doc(
            "Refreshes the last access time of keys and counts the ones that exist.",
            "O(N), N being the number of keys given.",
        )
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .key_specs(&[KeySpec::range(RO, 1, -1, 1, 0)])
        .args(&[key("key", 0).multiple()]),
    CommandMeta::new("ttl", "generic", "1.0.0")
        .doc("Returns a key's remaining time to live in seconds.", "O(1)")
        .history(&[("2.8.0", "-2 for a missing key.")])
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("type", "generic", "1.0.0")
        .doc("Returns the type of the value stored at a key.", "O(1)")
        .key_specs(&[KeySpec::single(RO, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("unlink", "generic", "4.0.0")
        .doc(
            "Deletes one or more keys, reclaiming large values in the background.",
            "O(1) for each key removed regardless of its size.",
        )
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .key_specs(&[KeySpec::range(RM | DELETE, 1, -1, 1, 0)])
        .args(&[key("key", 0).multiple()]),
    CommandMeta::new("wait", "generic", "3.0.0")
        .doc(
            "Waits until the connection's earlier writes reach a number of replicas.",
            "O(1)",
        )
        .tips(&["request_policy:all_shards", "response_policy:agg_min"])
        .args(&[integer("numreplicas"), integer("timeout")]),
    CommandMeta::new("waitaof", "generic", "7.2.0")
        .doc(
            concat!(
                "Waits until the connection's earlier writes are in the ",
                "append-only file locally and/or on replicas."
            ),
            "O(1)",
        )
        .tips(&["request_policy:all_shards", "response_policy:agg_min"])
        .args(&[
            integer("numlocal"),
            integer("numreplicas"),
            integer("timeout"),
        ]),
];
