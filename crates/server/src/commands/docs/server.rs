//! Documented facts of the server commands (CONFIG, COMMAND, INFO, MEMORY, ...).

use super::*;

/// The entries of this family.
pub(super) static ENTRIES: &[CommandMeta] = &[
    CommandMeta::new("command", "server", "2.8.13")
        .doc(
            "Returns details about every command.",
            "O(N) where N is the total number of commands",
        )
        .tips(&["nondeterministic_output_order"]),
    CommandMeta::new("command|count", "server", "2.8.13")
        .doc("Returns how many commands the server has.", "O(1)"),
    CommandMeta::new("command|docs", "server", "7.0.0")
        .doc(
            "Returns documentation about one, several or all commands.",
            "O(N), N being the number of commands looked up",
        )
        .tips(&["nondeterministic_output_order"])
        .args(&[string("command-name").optional().multiple()]),
    CommandMeta::new("command|getkeys", "server", "2.8.13")
        .doc(
            "Extracts the key names from a complete command line.",
            "O(N), N being the number of arguments of the command line",
        )
        .args(&[string("command"), string("arg").optional().multiple()]),
    CommandMeta::new("command|getkeysandflags", "server", "7.0.0")
        .doc(
            concat!(
                "Extracts the key names and their access flags from a ",
                "complete command line."
            ),
            "O(N), N being the number of arguments of the command line",
        )
        .args(&[string("command"), string("arg").optional().multiple()]),
    CommandMeta::new("command|help", "server", "5.0.0")
        .doc("Lists the COMMAND subcommands.", "O(1)"),
    CommandMeta::new("command|info", "server", "2.8.13")
        .doc(
            "Returns details about one, several or all commands.",
            "O(N), N being the number of commands looked up",
        )
        .history(&[("7.0.0", "Without names, every command is described.")])
        .tips(&["nondeterministic_output_order"])
        .args(&[string("command-name").optional().multiple()]),
    CommandMeta::new("command|list", "server", "7.0.0")
        .doc(
            "Lists command names, optionally filtered.",
            "O(N) where N is the total number of commands",
        )
        .tips(&["nondeterministic_output_order"])
        .args(&[oneof(
            "filterby",
            &[
                string("module-name").token("MODULE"),
                string("category").token("ACLCAT"),
                pattern("pattern").token("PATTERN"),
            ],
        )
        .token("FILTERBY")
        .optional()]),
    CommandMeta::new("config", "server", "2.0.0").doc(
        "Groups the configuration subcommands.",
        "Varies with the subcommand.",
    ),
    CommandMeta::new("config|get", "server", "2.0.0")
        .doc(
            "Returns the values of configuration parameters.",
            "O(N), N being the number of patterns given",
        )
        .history(&[("7.0.0", "Several patterns in one call.")])
        .args(&[string("parameter").multiple()]),
    CommandMeta::new("config|help", "server", "5.0.0").doc("Lists the CONFIG subcommands.", "O(1)"),
    CommandMeta::new("config|resetstat", "server", "2.0.0")
        .doc("Clears the server's statistics counters.", "O(1)")
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"]),
    CommandMeta::new("config|rewrite", "server", "2.8.0")
        .doc(
            "Writes the running configuration back to the configuration file.",
            "O(1)",
        )
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"]),
    CommandMeta::new("config|set", "server", "2.0.0")
        .doc(
            "Sets configuration parameters, all of them or none.",
            "O(N), N being the number of parameters given",
        )
        .history(&[("7.0.0", "Several parameters in one call.")])
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .args(&[block("data", &[string("parameter"), string("value")]).multiple()]),
    CommandMeta::new("dbsize", "server", "1.0.0")
        .doc("Counts the keys of the selected database.", "O(1)")
        .tips(&["request_policy:all_shards", "response_policy:agg_sum"]),
    CommandMeta::new("debug", "server", "1.0.0")
        .doc(
            "Groups the debugging subcommands.",
            "Varies with the subcommand.",
        )
        .syscmd(),
    CommandMeta::new("flushall", "server", "1.0.0")
        .doc(
            "Removes every key from every database.",
            "O(N), N being the number of keys in every database",
        )
        .history(&[("4.0.0", "ASYNC mode."), ("6.2.0", "SYNC mode.")])
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .args(&[oneof(
            "flush-type",
            &[
                token("async", "ASYNC").since("4.0.0"),
                token("sync", "SYNC").since("6.2.0"),
            ],
        )
        .optional()]),
    CommandMeta::new("flushdb", "server", "1.0.0")
        .doc(
            "Removes every key from the selected database.",
            "O(N), N being the number of keys in the selected database",
        )
        .history(&[("4.0.0", "ASYNC mode."), ("6.2.0", "SYNC mode.")])
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .args(&[oneof(
            "flush-type",
            &[
                token("async", "ASYNC").since("4.0.0"),
                token("sync", "SYNC").since("6.2.0"),
            ],
        )
        .optional()]),
    CommandMeta::new("info", "server", "1.0.0")
        .doc("Reports server information and statistics.", "O(1)")
        .history(&[("7.0.0", "Several sections in one call.")])
        .tips(&[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ])
        .args(&[string("section").optional().multiple()]),
    CommandMeta::new("lastsave", "server", "1.0.0")
        .doc(
            "Returns the Unix time of the last successful save to disk.",
            "O(1)",
        )
        .tips(&["nondeterministic_output"]),
    CommandMeta::new("memory", "server", "4.0.0").doc(
        "Groups the memory introspection subcommands.",
        "Varies with the subcommand.",
    ),
    CommandMeta::new("memory|doctor", "server", "4.0.0")
        .doc("Describes memory problems the server may have.", "O(1)")
        .tips(&[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ]),
    CommandMeta::new("memory|help", "server", "4.0.0").doc("Lists the MEMORY subcommands.", "O(1)"),
    CommandMeta::new("memory|malloc-stats", "server", "4.0.0")
        .doc(
            "Returns the memory allocator's own statistics report.",
            "Grows with the amount of allocated memory; may be slow",
        )
        .tips(&[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ]),
    CommandMeta::new("memory|purge", "server", "4.0.0")
        .doc(
            "Asks the allocator to release unused memory.",
            "Grows with the amount of allocated memory; may be slow",
        )
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"]),
    CommandMeta::new("memory|stats", "server", "4.0.0")
        .doc("Returns details about the server's memory usage.", "O(1)")
        .tips(&[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ]),
    CommandMeta::new("memory|usage", "server", "4.0.0")
        .doc(
            "Estimates how many bytes a key and its value take.",
            "O(N), N being the number of sampled elements.",
        )
        .key_specs(&[KeySpec::single(RO, 2)])
        .args(&[key("key", 0), integer("count").token("SAMPLES").optional()]),
    CommandMeta::new("monitor", "server", "1.0.0").doc(
        concat!(
            "Streams every command the server processes to this ",
            "connection, for debugging."
        ),
        "",
    ),
    CommandMeta::new("role", "server", "2.8.12")
        .doc("Returns the replication role of the server.", "O(1)"),
    CommandMeta::new("shutdown", "server", "1.0.0")
        .doc(
            "Saves the data if asked to, then stops the server.",
            concat!(
                "O(N) when saving, where N is the total number of keys in all ",
                "databases; otherwise O(1)"
            ),
        )
        .history(&[("7.0.0", "NOW, FORCE and ABORT options.")])
        .args(&[
            oneof(
                "save-selector",
                &[token("nosave", "NOSAVE"), token("save", "SAVE")],
            )
            .optional(),
            token("now", "NOW").optional().since("7.0.0"),
            token("force", "FORCE").optional().since("7.0.0"),
            token("abort", "ABORT").optional().since("7.0.0"),
        ]),
    CommandMeta::new("slowlog", "server", "2.2.12").doc(
        "Groups the slow log subcommands.",
        "Varies with the subcommand.",
    ),
    CommandMeta::new("slowlog|get", "server", "2.2.12")
        .doc(
            "Returns the newest entries of the slow log.",
            "O(N), N being the number of entries returned",
        )
        .history(&[("4.0.0", "Entries carry the client's address and name.")])
        .tips(&["request_policy:all_nodes", "nondeterministic_output"])
        .args(&[integer("count").optional()]),
    CommandMeta::new("slowlog|help", "server", "6.2.0")
        .doc("Lists the SLOWLOG subcommands.", "O(1)"),
    CommandMeta::new("slowlog|len", "server", "2.2.12")
        .doc("Returns how many entries the slow log holds.", "O(1)")
        .tips(&[
            "request_policy:all_nodes",
            "response_policy:agg_sum",
            "nondeterministic_output",
        ]),
    CommandMeta::new("slowlog|reset", "server", "2.2.12")
        .doc(
            "Empties the slow log.",
            "O(N), N being the number of entries in the slow log",
        )
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"]),
    CommandMeta::new("swapdb", "server", "4.0.0")
        .doc(
            "Swaps the contents of two databases.",
            concat!(
                "O(N), N being the number of clients watching or blocked on ",
                "keys of either database."
            ),
        )
        .args(&[integer("index1"), integer("index2")]),
    CommandMeta::new("time", "server", "2.6.0")
        .doc("Returns the server's current time.", "O(1)")
        .tips(&["nondeterministic_output"]),
];
