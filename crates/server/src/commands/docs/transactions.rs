//! Documented facts of the transaction commands (MULTI, EXEC, WATCH, ...).

use super::*;

/// The entries of this family.
pub(super) static ENTRIES: &[CommandMeta] = &[
    CommandMeta::new("discard", "transactions", "2.0.0").doc(
        "Drops the commands queued since MULTI and ends the transaction.",
        "O(N), N being the number of queued commands",
    ),
    CommandMeta::new("exec", "transactions", "1.2.0").doc(
        "Runs the commands queued since MULTI, atomically.",
        "Varies with the queued commands",
    ),
    CommandMeta::new("multi", "transactions", "1.2.0").doc(
        "Opens a transaction: later commands are queued until EXEC.",
        "O(1)",
    ),
    CommandMeta::new("unwatch", "transactions", "2.2.0").doc(
        "Stops watching every key watched by this connection.",
        "O(1)",
    ),
    CommandMeta::new("watch", "transactions", "2.2.0")
        .doc(
            "Makes the next EXEC fail if any of these keys changes meanwhile.",
            "O(1) per key.",
        )
        .key_specs(&[KeySpec::range(RO, 1, -1, 1, 0)])
        .args(&[key("key", 0).multiple()]),
];
