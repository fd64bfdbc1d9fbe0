//! Documented facts of the connection commands (CLIENT, HELLO, AUTH, ...).

use super::*;

/// The entries of this family.
pub(super) static ENTRIES: &[CommandMeta] = &[
    CommandMeta::new("auth", "connection", "1.0.0")
        .doc(
            "Authenticates this connection as a user.",
            "O(N), N being the number of passwords the user has",
        )
        .history(&[("6.0.0", "A username may be given.")])
        .args(&[
            string("username").optional().since("6.0.0"),
            string("password"),
        ]),
    CommandMeta::new("client", "connection", "2.4.0").doc(
        "Groups the client connection subcommands.",
        "Varies with the subcommand.",
    ),
    CommandMeta::new("client|caching", "connection", "6.0.0")
        .doc(
            "Tells tracking whether to track the keys of the next command.",
            "O(1)",
        )
        .args(&[oneof("mode", &[token("yes", "YES"), token("no", "NO")])]),
    CommandMeta::new("client|getname", "connection", "2.6.9")
        .doc("Returns the connection's name.", "O(1)"),
    CommandMeta::new("client|getredir", "connection", "6.0.0").doc(
        concat!(
            "Returns the id of the client that receives this connection's ",
            "tracking notifications."
        ),
        "O(1)",
    ),
    CommandMeta::new("client|help", "connection", "5.0.0")
        .doc("Lists the CLIENT subcommands.", "O(1)"),
    CommandMeta::new("client|id", "connection", "5.0.0")
        .doc("Returns the connection's unique id.", "O(1)"),
    CommandMeta::new("client|info", "connection", "6.2.0")
        .doc(
            "Describes this connection in the CLIENT LIST format.",
            "O(1)",
        )
        .tips(&["nondeterministic_output"]),
    CommandMeta::new("client|kill", "connection", "2.4.0")
        .doc(
            "Closes the connections that match an address or a set of filters.",
            "O(N), N being the number of connected clients",
        )
        .history(&[
            ("2.8.12", "Filter syntax with several criteria."),
            ("2.8.12", "ID filter."),
            ("3.2.0", "TYPE master."),
            ("5.0.0", "TYPE replica (slave still accepted)."),
            ("6.2.0", "LADDR filter."),
        ])
        .args(&[oneof(
            "filter",
            &[
                string("old-format")
                    .display("ip:port")
                    .deprecated_since("2.8.12"),
                oneof(
                    "new-format",
                    &[
                        integer("client-id").token("ID").optional().since("2.8.12"),
                        oneof(
                            "client-type",
                            &[
                                token("normal", "NORMAL"),
                                token("master", "MASTER").since("3.2.0"),
                                token("slave", "SLAVE"),
                                token("replica", "REPLICA").since("5.0.0"),
                                token("pubsub", "PUBSUB"),
                            ],
                        )
                        .token("TYPE")
                        .optional()
                        .since("2.8.12"),
                        string("username").token("USER").optional(),
                        string("addr").token("ADDR").display("ip:port").optional(),
                        string("laddr")
                            .token("LADDR")
                            .display("ip:port")
                            .optional()
                            .since("6.2.0"),
                        oneof("skipme", &[token("yes", "YES"), token("no", "NO")])
                            .token("SKIPME")
                            .optional(),
                    ],
                )
                .multiple(),
            ],
        )]),
    CommandMeta::new("client|list", "connection", "2.4.0")
        .doc(
            "Describes every connection, or those of a type or with given ids.",
            "O(N), N being the number of connected clients",
        )
        .history(&[
            ("2.8.12", "id field."),
            ("5.0.0", "TYPE filter."),
            ("6.0.0", "user field."),
            (
                "6.2.0",
                "argv-mem, tot-mem, laddr and redir fields; ID filter.",
            ),
            ("7.0.0", "resp, multi-mem, rbs and rbp fields."),
            ("7.0.3", "ssub field."),
        ])
        .tips(&["nondeterministic_output"])
        .args(&[
            oneof(
                "client-type",
                &[
                    token("normal", "NORMAL"),
                    token("master", "MASTER"),
                    token("replica", "REPLICA"),
                    token("pubsub", "PUBSUB"),
                ],
            )
            .token("TYPE")
            .optional()
            .since("5.0.0"),
            integer("client-id")
                .token("ID")
                .optional()
                .multiple()
                .since("6.2.0"),
        ]),
    CommandMeta::new("client|no-evict", "connection", "7.0.0")
        .doc(
            "Exempts this connection from client eviction, or not.",
            "O(1)",
        )
        .args(&[oneof("enabled", &[token("on", "ON"), token("off", "OFF")])]),
    CommandMeta::new("client|no-touch", "connection", "7.2.0")
        .doc(
            "Makes this connection's commands leave keys' access times alone, or not.",
            "O(1)",
        )
        .args(&[oneof("enabled", &[token("on", "ON"), token("off", "OFF")])]),
    CommandMeta::new("client|pause", "connection", "3.0.0")
        .doc(
            "Holds the commands of all clients, or only writes, for a while.",
            "O(1)",
        )
        .history(&[("6.2.0", "WRITE mode; the mode argument.")])
        .args(&[
            integer("timeout"),
            oneof("mode", &[token("write", "WRITE"), token("all", "ALL")])
                .optional()
                .since("6.2.0"),
        ]),
    CommandMeta::new("client|reply", "connection", "3.2.0")
        .doc(
            concat!(
                "Turns the server's replies to this connection on or off, or ",
                "skips the next one."
            ),
            "O(1)",
        )
        .args(&[oneof(
            "action",
            &[
                token("on", "ON"),
                token("off", "OFF"),
                token("skip", "SKIP"),
            ],
        )]),
    CommandMeta::new("client|setinfo", "connection", "7.2.0")
        .doc(
            "Records the client library's name or version for this connection.",
            "O(1)",
        )
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .args(&[oneof(
            "attr",
            &[
                string("libname").token("LIB-NAME"),
                string("libver").token("LIB-VER"),
            ],
        )]),
    CommandMeta::new("client|setname", "connection", "2.6.9")
        .doc("Names the connection.", "O(1)")
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .args(&[string("connection-name")]),
    CommandMeta::new("client|tracking", "connection", "6.0.0")
        .doc(
            "Turns server-assisted client-side caching on or off for this connection.",
            "O(1); some options cost more.",
        )
        .args(&[
            oneof("status", &[token("on", "ON"), token("off", "OFF")]),
            integer("client-id").token("REDIRECT").optional(),
            string("prefix")
                .token("PREFIX")
                .optional()
                .multiple()
                .multiple_token(),
            token("bcast", "BCAST").optional(),
            token("optin", "OPTIN").optional(),
            token("optout", "OPTOUT").optional(),
            token("noloop", "NOLOOP").optional(),
        ]),
    CommandMeta::new("client|trackinginfo", "connection", "6.2.0").doc(
        "Describes this connection's client-side caching tracking.",
        "O(1)",
    ),
    CommandMeta::new("client|unblock", "connection", "5.0.0")
        .doc(
            "Wakes a client blocked in a blocking command.",
            "O(log N), N being the number of connected clients",
        )
        .args(&[
            integer("client-id"),
            oneof(
                "unblock-type",
                &[token("timeout", "TIMEOUT"), token("error", "ERROR")],
            )
            .optional(),
        ]),
    CommandMeta::new("client|unpause", "connection", "6.2.0").doc(
        "Ends a CLIENT PAUSE.",
        "O(N), N being the number of paused clients",
    ),
    CommandMeta::new("echo", "connection", "1.0.0")
        .doc("Replies with its argument.", "O(1)")
        .args(&[string("message")]),
    CommandMeta::new("hello", "connection", "6.0.0")
        .doc(
            concat!(
                "Negotiates the protocol version, optionally authenticating ",
                "and naming the connection."
            ),
            "O(1)",
        )
        .history(&[(
            "6.2.0",
            "protover is optional; without arguments the connection's state is shown.",
        )])
        .args(&[block(
            "arguments",
            &[
                integer("protover"),
                block("auth", &[string("username"), string("password")])
                    .token("AUTH")
                    .optional(),
                string("clientname").token("SETNAME").optional(),
            ],
        )
        .optional()]),
    CommandMeta::new("ping", "connection", "1.0.0")
        .doc("Checks that the server answers.", "O(1)")
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .args(&[string("message").optional()]),
    CommandMeta::new("quit", "connection", "1.0.0")
        .doc("Asks the server to close the connection.", "O(1)")
        .deprecated("7.2.0", "just closing the connection"),
    CommandMeta::new("reset", "connection", "6.2.0")
        .doc("Puts the connection back in its initial state.", "O(1)"),
    CommandMeta::new("select", "connection", "1.0.0")
        .doc("Switches the connection to another database.", "O(1)")
        .args(&[integer("index")]),
];
