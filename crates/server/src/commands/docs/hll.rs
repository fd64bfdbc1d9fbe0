//! Documented facts of the HyperLogLog commands.

use super::*;

/// The entries of this family.
pub(super) static ENTRIES: &[CommandMeta] = &[
    CommandMeta::new("pfadd", "hyperloglog", "2.8.9")
        .doc(
            "Counts elements into a HyperLogLog, creating the key if needed.",
            "O(1) per element.",
        )
        .key_specs(&[KeySpec::single(RW | INSERT, 1)])
        .args(&[key("key", 0), string("element").optional().multiple()]),
    CommandMeta::new("pfcount", "hyperloglog", "2.8.9")
        .doc(
            concat!(
                "Estimates the number of distinct elements seen by one or ",
                "more HyperLogLogs."
            ),
            concat!(
                "O(1) with a small constant for one key; O(N), N being the ",
                "number of keys, with a much larger constant for several."
            ),
        )
        .key_specs(&[KeySpec::range(RW | ACCESS, 1, -1, 1, 0).notes(concat!(
            "Read-write: counting may rewrite the cached cardinality, ",
            "which replicas receive."
        ))])
        .args(&[key("key", 0).multiple()]),
    CommandMeta::new("pfdebug", "hyperloglog", "2.8.9")
        .doc(
            "Inspects the internals of a HyperLogLog value (internal).",
            "N/A",
        )
        .syscmd()
        .key_specs(&[KeySpec::single(RW | ACCESS, 2)])
        .args(&[string("subcommand"), key("key", 0)]),
    CommandMeta::new("pfmerge", "hyperloglog", "2.8.9")
        .doc(
            "Merges HyperLogLogs into one key.",
            "O(N) to merge N HyperLogLogs, with a large constant.",
        )
        .key_specs(&[
            KeySpec::single(RW | ACCESS | INSERT, 1),
            KeySpec::range(RO | ACCESS, 2, -1, 1, 0),
        ])
        .args(&[key("destkey", 0), key("sourcekey", 1).optional().multiple()]),
    CommandMeta::new("pfselftest", "hyperloglog", "2.8.9")
        .doc("Runs the HyperLogLog self test (internal).", "N/A")
        .syscmd(),
];
