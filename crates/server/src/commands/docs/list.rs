//! Documented facts of the list commands.

use super::*;

/// The entries of this family.
pub(super) static ENTRIES: &[CommandMeta] = &[
    CommandMeta::new("blmove", "list", "6.2.0")
        .doc(
            "Moves an element between lists, blocking until the source has one.",
            "O(1)",
        )
        .key_specs(&[
            KeySpec::single(RW | ACCESS | DELETE, 1),
            KeySpec::single(RW | INSERT, 2),
        ])
        .args(&[
            key("source", 0),
            key("destination", 1),
            oneof(
                "wherefrom",
                &[token("left", "LEFT"), token("right", "RIGHT")],
            ),
            oneof("whereto", &[token("left", "LEFT"), token("right", "RIGHT")]),
            double("timeout"),
        ]),
    CommandMeta::new("blmpop", "list", "7.0.0")
        .doc(
            concat!(
                "Pops from the first non-empty list of several, blocking ",
                "until one exists."
            ),
            "O(N+M)",
        )
        .key_specs(&[KeySpec::keynum(RW | ACCESS | DELETE, 2, 0, 1, 1)])
        .args(&[
            double("timeout"),
            integer("numkeys"),
            key("key", 0).multiple(),
            oneof("where", &[token("left", "LEFT"), token("right", "RIGHT")]),
            integer("count").token("COUNT").optional(),
        ]),
    CommandMeta::new("blpop", "list", "2.0.0")
        .doc(
            "Pops the head of the first non-empty list, blocking until one exists.",
            "O(N)",
        )
        .history(&[("6.0.0", "The timeout may be fractional.")])
        .key_specs(&[KeySpec::range(RW | ACCESS | DELETE, 1, -2, 1, 0)])
        .args(&[key("key", 0).multiple(), double("timeout")]),
    CommandMeta::new("brpop", "list", "2.0.0")
        .doc(
            "Pops the tail of the first non-empty list, blocking until one exists.",
            "O(N)",
        )
        .history(&[("6.0.0", "The timeout may be fractional.")])
        .key_specs(&[KeySpec::range(RW | ACCESS | DELETE, 1, -2, 1, 0)])
        .args(&[key("key", 0).multiple(), double("timeout")]),
    CommandMeta::new("brpoplpush", "list", "2.2.0")
        .doc(
            "Pops a list's tail into another list's head, blocking until possible.",
            "O(1)",
        )
        .deprecated("6.2.0", "`BLMOVE` with the `RIGHT` and `LEFT` arguments")
        .history(&[("6.0.0", "The timeout may be fractional.")])
        .key_specs(&[
            KeySpec::single(RW | ACCESS | DELETE, 1),
            KeySpec::single(RW | INSERT, 2),
        ])
        .args(&[key("source", 0), key("destination", 1), double("timeout")]),
    CommandMeta::new("lindex", "list", "1.0.0")
        .doc("Returns the element at an index of a list.", "O(N)")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), integer("index")]),
    CommandMeta::new("linsert", "list", "2.2.0")
        .doc(
            "Inserts an element before or after another element of a list.",
            "O(N)",
        )
        .key_specs(&[KeySpec::single(RW | INSERT, 1)])
        .args(&[
            key("key", 0),
            oneof(
                "where",
                &[token("before", "BEFORE"), token("after", "AFTER")],
            ),
            string("pivot"),
            string("element"),
        ]),
    CommandMeta::new("llen", "list", "1.0.0")
        .doc("Gives the number of elements of a list.", "O(1)")
        .key_specs(&[KeySpec::single(RO, 1)])
        .args(&[key("key", 0)]),
    CommandMeta::new("lmove", "list", "6.2.0")
        .doc(
            "Pops an element from one list and pushes it to another.",
            "O(1)",
        )
        .key_specs(&[
            KeySpec::single(RW | ACCESS | DELETE, 1),
            KeySpec::single(RW | INSERT, 2),
        ])
        .args(&[
            key("source", 0),
            key("destination", 1),
            oneof(
                "wherefrom",
                &[token("left", "LEFT"), token("right", "RIGHT")],
            ),
            oneof("whereto", &[token("left", "LEFT"), token("right", "RIGHT")]),
        ]),
    CommandMeta::new("lmpop", "list", "7.0.0")
        .doc(
            "Pops elements from the first non-empty list of several.",
            "O(N+M)",
        )
        .key_specs(&[KeySpec::keynum(RW | ACCESS | DELETE, 1, 0, 1, 1)])
        .args(&[
            integer("numkeys"),
            key("key", 0).multiple(),
            oneof("where", &[token("left", "LEFT"), token("right", "RIGHT")]),
            integer("count").token("COUNT").optional(),
        ]),
    CommandMeta::new("lpop", "list", "1.0.0")
        .doc(
            "Removes and returns elements from the head of a list.",
            "O(N), N being the number of elements popped",
        )
        .history(&[("6.2.0", "count argument.")])
        .key_specs(&[KeySpec::single(RW | ACCESS | DELETE, 1)])
        .args(&[key("key", 0), integer("count").optional().since("6.2.0")]),
    CommandMeta::new("lpos", "list", "6.0.6")
        .doc(
            "Returns the positions of elements equal to a value in a list.",
            "O(N)",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            string("element"),
            integer("rank").token("RANK").optional(),
            integer("num-matches").token("COUNT").optional(),
            integer("len").token("MAXLEN").optional(),
        ]),
    CommandMeta::new("lpush", "list", "1.0.0")
        .doc(
            "Prepends elements to a list, creating it if needed.",
            "O(1) for each element added",
        )
        .history(&[("2.4.0", "Several elements in one call.")])
        .key_specs(&[KeySpec::single(RW | INSERT, 1)])
        .args(&[key("key", 0), string("element").multiple()]),
    CommandMeta::new("lpushx", "list", "2.2.0")
        .doc(
            "Prepends elements to a list only when it exists.",
            "O(1) for each element added",
        )
        .history(&[("4.0.0", "Several elements in one call.")])
        .key_specs(&[KeySpec::single(RW | INSERT, 1)])
        .args(&[key("key", 0), string("element").multiple()]),
    CommandMeta::new("lrange", "list", "1.0.0")
        .doc("Returns a range of elements of a list.", "O(S+N)")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), integer("start"), integer("stop")]),
    CommandMeta::new("lrem", "list", "1.0.0")
        .doc("Removes elements equal to a value from a list.", "O(N+M)")
        .key_specs(&[KeySpec::single(RW | DELETE, 1)])
        .args(&[key("key", 0), integer("count"), string("element")]),
    CommandMeta::new("lset", "list", "1.0.0")
        .doc("Replaces the element at an index of a list.", "O(N)")
        .key_specs(&[KeySpec::single(RW | UPDATE, 1)])
        .args(&[key("key", 0), integer("index"), string("element")]),
    CommandMeta::new("ltrim", "list", "1.0.0")
        .doc("Keeps only a range of elements of a list.", "O(N)")
        .key_specs(&[KeySpec::single(RW | DELETE, 1)])
        .args(&[key("key", 0), integer("start"), integer("stop")]),
    CommandMeta::new("rpop", "list", "1.0.0")
        .doc(
            "Removes and returns elements from the tail of a list.",
            "O(N), N being the number of elements popped",
        )
        .history(&[("6.2.0", "count argument.")])
        .key_specs(&[KeySpec::single(RW | ACCESS | DELETE, 1)])
        .args(&[key("key", 0), integer("count").optional().since("6.2.0")]),
    CommandMeta::new("rpoplpush", "list", "1.2.0")
        .doc(
            "Pops the tail of one list and pushes it to the head of another.",
            "O(1)",
        )
        .deprecated("6.2.0", "`LMOVE` with the `RIGHT` and `LEFT` arguments")
        .key_specs(&[
            KeySpec::single(RW | ACCESS | DELETE, 1),
            KeySpec::single(RW | INSERT, 2),
        ])
        .args(&[key("source", 0), key("destination", 1)]),
    CommandMeta::new("rpush", "list", "1.0.0")
        .doc(
            "Appends elements to a list, creating it if needed.",
            "O(1) for each element added",
        )
        .history(&[("2.4.0", "Several elements in one call.")])
        .key_specs(&[KeySpec::single(RW | INSERT, 1)])
        .args(&[key("key", 0), string("element").multiple()]),
    CommandMeta::new("rpushx", "list", "2.2.0")
        .doc(
            "Appends elements to a list only when it exists.",
            "O(1) for each element added",
        )
        .history(&[("4.0.0", "Several elements in one call.")])
        .key_specs(&[KeySpec::single(RW | INSERT, 1)])
        .args(&[key("key", 0), string("element").multiple()]),
];
