//! Documented facts of the server commands for ACL, persistence, replication, modules and latency.

use super::*;

/// The entries of this family.
pub(super) static ENTRIES: &[CommandMeta] = &[
    CommandMeta::new("acl", "server", "6.0.0").doc(
        "Groups the access-control-list subcommands.",
        "Varies with the subcommand.",
    ),
    CommandMeta::new("acl|cat", "server", "6.0.0")
        .doc(
            "Lists ACL categories, or the commands in one category.",
            "O(1): categories and commands are a fixed set.",
        )
        .args(&[string("category").optional()]),
    CommandMeta::new("acl|deluser", "server", "6.0.0")
        .doc(
            "Removes ACL users and disconnects their clients.",
            "O(1) amortized for a typical user.",
        )
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .args(&[string("username").multiple()]),
    CommandMeta::new("acl|dryrun", "server", "7.0.0")
        .doc(
            "Checks whether a user may run a command, without running it.",
            "O(1).",
        )
        .args(&[
            string("username"),
            string("command"),
            string("arg").optional().multiple(),
        ]),
    CommandMeta::new("acl|genpass", "server", "6.0.0")
        .doc(
            "Produces a random password suitable for an ACL user.",
            "O(1)",
        )
        .args(&[integer("bits").optional()]),
    CommandMeta::new("acl|getuser", "server", "6.0.0")
        .doc(
            "Shows the rules of one ACL user.",
            "O(N), N being the user's password, command and pattern rules.",
        )
        .history(&[
            ("6.2.0", "Pub/Sub channel patterns are listed."),
            (
                "7.0.0",
                "Selectors are listed; key and channel patterns are shown as rules.",
            ),
        ])
        .args(&[string("username")]),
    CommandMeta::new("acl|help", "server", "6.0.0").doc("Describes the ACL subcommands.", "O(1)"),
    CommandMeta::new("acl|list", "server", "6.0.0").doc(
        "Shows every user's rules in ACL file syntax.",
        "O(N), N being the number of users.",
    ),
    CommandMeta::new("acl|load", "server", "6.0.0").doc(
        "Re-reads the users from the ACL file.",
        "O(N), N being the number of users.",
    ),
    CommandMeta::new("acl|log", "server", "6.0.0")
        .doc(
            "Shows recent ACL denials and failed authentications.",
            "O(N), N being the number of entries returned.",
        )
        .history(&[(
            "7.2.0",
            "Entries carry an id and creation/update timestamps.",
        )])
        .args(&[oneof("operation", &[integer("count"), token("reset", "RESET")]).optional()]),
    CommandMeta::new("acl|save", "server", "6.0.0")
        .doc(
            "Writes the current users to the ACL file.",
            "O(N), N being the number of users.",
        )
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"]),
    CommandMeta::new("acl|setuser", "server", "6.0.0")
        .doc(
            "Creates an ACL user or changes its rules.",
            "O(N), N being the number of rules given.",
        )
        .history(&[
            ("6.2.0", "Pub/Sub channel patterns can be set."),
            ("7.0.0", "Selectors and key permissions can be set."),
        ])
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .args(&[string("username"), string("rule").optional().multiple()]),
    CommandMeta::new("acl|users", "server", "6.0.0").doc(
        "Lists the names of all ACL users.",
        "O(N), N being the number of users.",
    ),
    CommandMeta::new("acl|whoami", "server", "6.0.0")
        .doc("Names the user the connection is authenticated as.", "O(1)"),
    CommandMeta::new("bgrewriteaof", "server", "1.0.0").doc(
        "Starts rewriting the append-only file in the background.",
        "O(1)",
    ),
    CommandMeta::new("bgsave", "server", "1.0.0")
        .doc("Starts saving an RDB snapshot in the background.", "O(1)")
        .history(&[("3.2.2", "SCHEDULE option.")])
        .args(&[token("schedule", "SCHEDULE").optional().since("3.2.2")]),
    CommandMeta::new("failover", "server", "6.2.0")
        .doc(
            "Hands the master role to one of the replicas in a coordinated way.",
            "O(1)",
        )
        .args(&[
            block(
                "target",
                &[
                    string("host"),
                    integer("port"),
                    token("force", "FORCE").optional(),
                ],
            )
            .token("TO")
            .optional(),
            token("abort", "ABORT").optional(),
            integer("milliseconds").token("TIMEOUT").optional(),
        ]),
    CommandMeta::new("latency", "server", "2.8.13").doc(
        "Groups the latency monitoring subcommands.",
        "Varies with the subcommand.",
    ),
    CommandMeta::new("latency|doctor", "server", "2.8.13")
        .doc(
            "Writes a readable analysis of the recorded latency events.",
            "O(1)",
        )
        .tips(&[
            "nondeterministic_output",
            "request_policy:all_nodes",
            "response_policy:special",
        ]),
    CommandMeta::new("latency|graph", "server", "2.8.13")
        .doc("Draws an ASCII graph of one latency event.", "O(1)")
        .tips(&[
            "nondeterministic_output",
            "request_policy:all_nodes",
            "response_policy:special",
        ])
        .args(&[string("event")]),
    CommandMeta::new("latency|help", "server", "2.8.13")
        .doc("Describes the LATENCY subcommands.", "O(1)"),
    CommandMeta::new("latency|histogram", "server", "7.0.0")
        .doc(
            "Gives per-command latency distributions.",
            "O(N), N being the number of commands reported.",
        )
        .tips(&[
            "nondeterministic_output",
            "request_policy:all_nodes",
            "response_policy:special",
        ])
        .args(&[string("command").optional().multiple()]),
    CommandMeta::new("latency|history", "server", "2.8.13")
        .doc("Gives the recorded samples of one latency event.", "O(1)")
        .tips(&[
            "nondeterministic_output",
            "request_policy:all_nodes",
            "response_policy:special",
        ])
        .args(&[string("event")]),
    CommandMeta::new("latency|latest", "server", "2.8.13")
        .doc("Gives the last sample of every latency event.", "O(1)")
        .tips(&[
            "nondeterministic_output",
            "request_policy:all_nodes",
            "response_policy:special",
        ]),
    CommandMeta::new("latency|reset", "server", "2.8.13")
        .doc("Clears the samples of some or all latency events.", "O(1)")
        .tips(&["request_policy:all_nodes", "response_policy:agg_sum"])
        .args(&[string("event").optional().multiple()]),
    CommandMeta::new("lolwut", "server", "5.0.0")
        .doc(
            "Draws a piece of generative art with the server version.",
            "",
        )
        .args(&[integer("version").token("VERSION").optional()]),
    CommandMeta::new("module", "server", "4.0.0").doc(
        "Groups the module management subcommands.",
        "Varies with the subcommand.",
    ),
    CommandMeta::new("module|help", "server", "5.0.0")
        .doc("Describes the MODULE subcommands.", "O(1)"),
    CommandMeta::new("module|list", "server", "4.0.0")
        .doc(
            "Lists the loaded modules.",
            "O(N), N being the number of loaded modules.",
        )
        .tips(&["nondeterministic_output_order"]),
    CommandMeta::new("module|load", "server", "4.0.0")
        .doc("Loads a module from a shared library.", "O(1)")
        .args(&[string("path"), string("arg").optional().multiple()]),
    CommandMeta::new("module|loadex", "server", "7.0.0")
        .doc(
            "Loads a module from a shared library with configuration and arguments.",
            "O(1)",
        )
        .args(&[
            string("path"),
            block("configs", &[string("name"), string("value")])
                .token("CONFIG")
                .optional()
                .multiple()
                .multiple_token(),
            string("args").token("ARGS").optional().multiple(),
        ]),
    CommandMeta::new("module|unload", "server", "4.0.0")
        .doc("Removes a loaded module from the server.", "O(1)")
        .args(&[string("name")]),
    CommandMeta::new("psync", "server", "2.8.0")
        .doc("Requests replication from a master (internal).", "")
        .args(&[string("replicationid"), integer("offset")]),
    CommandMeta::new("replconf", "server", "3.0.0")
        .doc(
            "Exchanges replication settings between replica and master (internal).",
            "O(1)",
        )
        .syscmd(),
    CommandMeta::new("replicaof", "server", "5.0.0")
        .doc(
            "Makes the server a replica of another one, or a master again.",
            "O(1)",
        )
        .args(&[oneof(
            "args",
            &[
                block("host-port", &[string("host"), integer("port")]),
                block("no-one", &[token("no", "NO"), token("one", "ONE")]),
            ],
        )]),
    CommandMeta::new("restore-asking", "server", "3.0.0")
        .doc(
            concat!(
                "Creates a key from a serialized value during a cluster ",
                "migration (internal)."
            ),
            concat!(
                "O(1) to create the key plus O(N*M) to decode the value, N ",
                "being the number of values inside it and M their mean size; ",
                "sorted sets cost O(N*M*log(N)) since each insertion is ",
                "O(log(N))."
            ),
        )
        .syscmd()
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
    CommandMeta::new("save", "server", "1.0.0").doc(
        "Saves an RDB snapshot in the foreground.",
        "O(N), N being the number of keys in every database",
    ),
    CommandMeta::new("slaveof", "server", "1.0.0")
        .doc(
            "Makes the server a replica of another one, or a master again (old name).",
            "O(1)",
        )
        .deprecated("5.0.0", "`REPLICAOF`")
        .args(&[oneof(
            "args",
            &[
                block("host-port", &[string("host"), integer("port")]),
                block("no-one", &[token("no", "NO"), token("one", "ONE")]),
            ],
        )]),
    CommandMeta::new("sync", "server", "1.0.0").doc(
        "Requests a full copy of the dataset for replication (internal).",
        "",
    ),
];
