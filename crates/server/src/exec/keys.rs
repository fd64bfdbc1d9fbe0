//! The one key extractor (the command-specific key functions it calls are
//! declared with their commands; `commands/getkeys.rs` holds them): COMMAND GETKEYS / GETKEYSANDFLAGS, the lock set of
//! every command, the keys a blocked client waits on and COMMAND INFO's
//! `movablekeys` all come from a command's key specs plus, where Redis has
//! one, its command-specific key function (Redis's `getkeys_proc`), both
//! declared once in the command's [`CommandDef`].
//!
//! Why one extractor: key positions written down twice (a legacy range for
//! locking, key specs for GETKEYS) drifted apart, and a lock set that misses
//! a key the handler touches is an internal error at run time.
//!
//! GETKEYS answers as Redis's `getKeysFromCommandWithSpecs`: the specs when
//! they describe every key and their flags do not depend on the arguments;
//! otherwise (a spec that cannot be followed, an incomplete one, a numkeys
//! argument that is not a clean number, variable flags) the key function,
//! which gives the flags Redis gives (none at all for the numkeys commands
//! and GEORADIUS), so GETKEYSANDFLAGS matches too.
//!
//! Locking needs a superset of that answer: every key the handler may touch,
//! even on a line GETKEYS calls invalid (PFMERGE with only a destination) or
//! where the handler's own parse differs from the first-match spec search
//! (GEORADIUS with STORE given twice stores into the last one). So the lock
//! set is what the specs find when unfollowable specs are skipped (Redis's
//! partial search) together with what the key function finds.

use cinnabar_resp::Args;

use super::command::CommandDef;
use super::meta::{keyflag, keys_from_specs};

/// A command-specific key finder: `(position, key-spec flags)` pairs.
pub type KeysFn = fn(&Args<'_>) -> Vec<(usize, u32)>;

/// Whether GETKEYS considers the command to have keys (Redis's
/// `doesCommandHaveKeys`): a key-finding function or a spec that is not
/// `not_key`.
pub fn has_keys(def: &CommandDef) -> bool {
    def.keys_fn.is_some()
        || def
            .key_specs
            .iter()
            .any(|s| s.flags & keyflag::NOT_KEY == 0)
}

/// The keys of a full command line (`args[0]` is the command name) with their
/// flags, as GETKEYSANDFLAGS reports them; empty when the arguments name no
/// key (or are malformed).
pub fn command_keys(def: &CommandDef, args: &Args<'_>) -> Vec<(usize, u32)> {
    let real = def
        .key_specs
        .iter()
        .any(|s| s.flags & keyflag::NOT_KEY == 0);
    let variable = def
        .key_specs
        .iter()
        .any(|s| s.flags & keyflag::VARIABLE_FLAGS != 0);
    if real && !variable {
        if let Some(keys) = keys_from_specs(def.key_specs, args, false) {
            return keys;
        }
    }
    match def.keys_fn {
        Some(f) => f(args),
        None => Vec::new(),
    }
}

/// The positions the command's lock must cover: the keys its specs find
/// (skipping specs that cannot be followed) and those of its key function.
/// Without allocation for the common single-key case.
pub fn lock_positions(def: &CommandDef, args: &Args<'_>) -> Vec<usize> {
    if let Some(i) = def.single_key() {
        return if i < args.len() { vec![i] } else { Vec::new() };
    }
    let mut positions: Vec<usize> = keys_from_specs(def.key_specs, args, true)
        .unwrap_or_default()
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    if let Some(f) = def.keys_fn {
        for (p, _) in f(args) {
            if !positions.contains(&p) {
                positions.push(p);
            }
        }
    }
    positions
}
