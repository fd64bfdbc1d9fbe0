//! Documented facts of the bitmap commands.

use super::*;

/// The entries of this family.
pub(super) static ENTRIES: &[CommandMeta] = &[
    CommandMeta::new("bitcount", "bitmap", "2.6.0")
        .doc(
            "Counts the bits set to one in a string or in a byte or bit range of it.",
            "O(N)",
        )
        .history(&[("7.0.0", "BYTE and BIT units for the range.")])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            block(
                "range",
                &[
                    integer("start"),
                    integer("end"),
                    oneof("unit", &[token("byte", "BYTE"), token("bit", "BIT")])
                        .optional()
                        .since("7.0.0"),
                ],
            )
            .optional(),
        ]),
    CommandMeta::new("bitfield", "bitmap", "3.2.0")
        .doc(
            concat!(
                "Reads, writes and increments integers of any width up to 64 ",
                "bits at any bit offset of a string."
            ),
            "O(1) per operation given",
        )
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE | VARIABLE_FLAGS, 1)
            .notes("Reads and may also write the key, depending on the operations.")])
        .args(&[
            key("key", 0),
            oneof(
                "operation",
                &[
                    block("get-block", &[string("encoding"), integer("offset")]).token("GET"),
                    block(
                        "write",
                        &[
                            oneof(
                                "overflow-block",
                                &[
                                    token("wrap", "WRAP"),
                                    token("sat", "SAT"),
                                    token("fail", "FAIL"),
                                ],
                            )
                            .token("OVERFLOW")
                            .optional(),
                            oneof(
                                "write-operation",
                                &[
                                    block(
                                        "set-block",
                                        &[string("encoding"), integer("offset"), integer("value")],
                                    )
                                    .token("SET"),
                                    block(
                                        "incrby-block",
                                        &[
                                            string("encoding"),
                                            integer("offset"),
                                            integer("increment"),
                                        ],
                                    )
                                    .token("INCRBY"),
                                ],
                            ),
                        ],
                    ),
                ],
            )
            .optional()
            .multiple(),
        ]),
    CommandMeta::new("bitfield_ro", "bitmap", "6.0.0")
        .doc(
            "The read-only form of BITFIELD: only GET operations are accepted.",
            "O(1) per GET operation given",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            block("get-block", &[string("encoding"), integer("offset")])
                .token("GET")
                .optional()
                .multiple()
                .multiple_token(),
        ]),
    CommandMeta::new("bitop", "bitmap", "2.6.0")
        .doc(
            concat!(
                "Combines strings bit by bit with AND, OR, XOR or NOT and ",
                "stores the result."
            ),
            "O(N)",
        )
        .key_specs(&[
            KeySpec::single(OW | UPDATE, 2),
            KeySpec::range(RO | ACCESS, 3, -1, 1, 0),
        ])
        .args(&[
            oneof(
                "operation",
                &[
                    token("and", "AND"),
                    token("or", "OR"),
                    token("xor", "XOR"),
                    token("not", "NOT"),
                ],
            ),
            key("destkey", 0),
            key("key", 1).multiple(),
        ]),
    CommandMeta::new("bitpos", "bitmap", "2.8.7")
        .doc(
            concat!(
                "Finds the first bit set to one, or to zero, in a string or a ",
                "range of it."
            ),
            "O(N)",
        )
        .history(&[("7.0.0", "BYTE and BIT units for the range.")])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            integer("bit"),
            block(
                "range",
                &[
                    integer("start"),
                    block(
                        "end-unit-block",
                        &[
                            integer("end"),
                            oneof("unit", &[token("byte", "BYTE"), token("bit", "BIT")])
                                .optional()
                                .since("7.0.0"),
                        ],
                    )
                    .optional(),
                ],
            )
            .optional(),
        ]),
    CommandMeta::new("getbit", "bitmap", "2.2.0")
        .doc("Returns one bit of a string.", "O(1)")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), integer("offset")]),
    CommandMeta::new("setbit", "bitmap", "2.2.0")
        .doc(
            "Sets or clears one bit of a string, returning the bit's previous value.",
            "O(1)",
        )
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0), integer("offset"), integer("value")]),
];
