//! A command's declaration ([`CommandDef`]) and the table of all of them
//! ([`CommandTable`]): the execution core's view of a command. The families
//! under `commands/` declare their commands with these types; dispatch, the
//! call path, blocking, MULTI and COMMAND read them. The table is built once
//! at start-up from the families' lists and handed to the server, so nothing
//! at or below this layer names a command family.

use std::collections::HashMap;

use cinnabar_resp::Args;

use super::keys;
use super::meta::{self, ArgSpec, BeginSearch, FindKeys, KeySpec};
use super::Ctx;
use crate::error::CmdResult;

/// Command flags (as reported by COMMAND INFO).
pub mod flags {
    /// May modify the keyspace.
    pub const WRITE: u32 = 1 << 0;
    /// Only reads.
    pub const READONLY: u32 = 1 << 1;
    /// May grow memory; refused when over maxmemory.
    pub const DENYOOM: u32 = 1 << 2;
    /// Administrative.
    pub const ADMIN: u32 = 1 << 3;
    /// Pub/sub related.
    pub const PUBSUB: u32 = 1 << 4;
    /// Not allowed from scripts.
    pub const NOSCRIPT: u32 = 1 << 5;
    /// May block the client.
    pub const BLOCKING: u32 = 1 << 6;
    /// Allowed while loading the dataset.
    pub const LOADING: u32 = 1 << 7;
    /// Allowed on a replica with stale data.
    pub const STALE: u32 = 1 << 8;
    /// Not shown to MONITOR.
    pub const SKIP_MONITOR: u32 = 1 << 9;
    /// Not recorded in the slow log.
    pub const SKIP_SLOWLOG: u32 = 1 << 10;
    /// O(1) or O(log N) and fast.
    pub const FAST: u32 = 1 << 11;
    /// Allowed before authentication.
    pub const NO_AUTH: u32 = 1 << 12;
    /// May replicate even though it is not a write.
    pub const MAY_REPLICATE: u32 = 1 << 13;
    /// Not allowed inside MULTI.
    pub const NO_MULTI: u32 = 1 << 14;
    /// Allowed while a script is busy.
    pub const ALLOW_BUSY: u32 = 1 << 15;
    /// Not mapped to a single slot in cluster mode.
    pub const NO_MANDATORY_KEYS: u32 = 1 << 16;
    /// Refused while the dataset is loaded asynchronously.
    pub const NO_ASYNC_LOADING: u32 = 1 << 17;
    /// Protected (DEBUG, MODULE): needs `enable-*-command`; not shown by COMMAND INFO.
    pub const PROTECTED: u32 = 1 << 18;
    /// Accesses keys across the whole keyspace: locks every shard.
    pub const LOCK_ALL: u32 = 1 << 24;
}

/// ACL categories (as reported by COMMAND INFO, `@` omitted).
pub mod acl {
    /// Keyspace commands.
    pub const KEYSPACE: u64 = 1 << 0;
    /// Reads data.
    pub const READ: u64 = 1 << 1;
    /// Writes data.
    pub const WRITE: u64 = 1 << 2;
    /// Sets.
    pub const SET: u64 = 1 << 3;
    /// Sorted sets.
    pub const SORTEDSET: u64 = 1 << 4;
    /// Lists.
    pub const LIST: u64 = 1 << 5;
    /// Hashes.
    pub const HASH: u64 = 1 << 6;
    /// Strings.
    pub const STRING: u64 = 1 << 7;
    /// Bitmaps.
    pub const BITMAP: u64 = 1 << 8;
    /// HyperLogLog.
    pub const HYPERLOGLOG: u64 = 1 << 9;
    /// Geo.
    pub const GEO: u64 = 1 << 10;
    /// Streams.
    pub const STREAM: u64 = 1 << 11;
    /// Pub/sub.
    pub const PUBSUB: u64 = 1 << 12;
    /// Administrative.
    pub const ADMIN: u64 = 1 << 13;
    /// Fast.
    pub const FAST: u64 = 1 << 14;
    /// Slow.
    pub const SLOW: u64 = 1 << 15;
    /// Blocking.
    pub const BLOCKING: u64 = 1 << 16;
    /// Potentially dangerous.
    pub const DANGEROUS: u64 = 1 << 17;
    /// Connection management.
    pub const CONNECTION: u64 = 1 << 18;
    /// Transactions.
    pub const TRANSACTION: u64 = 1 << 19;
    /// Scripting.
    pub const SCRIPTING: u64 = 1 << 20;

    /// Category names in COMMAND INFO order.
    pub const NAMES: &[(u64, &str)] = &[
        (KEYSPACE, "keyspace"),
        (READ, "read"),
        (WRITE, "write"),
        (SET, "set"),
        (SORTEDSET, "sortedset"),
        (LIST, "list"),
        (HASH, "hash"),
        (STRING, "string"),
        (BITMAP, "bitmap"),
        (HYPERLOGLOG, "hyperloglog"),
        (GEO, "geo"),
        (STREAM, "stream"),
        (PUBSUB, "pubsub"),
        (ADMIN, "admin"),
        (FAST, "fast"),
        (SLOW, "slow"),
        (BLOCKING, "blocking"),
        (DANGEROUS, "dangerous"),
        (CONNECTION, "connection"),
        (TRANSACTION, "transaction"),
        (SCRIPTING, "scripting"),
    ];
}

/// A command handler: parses `args`, runs, writes its reply to `ctx.out`.
pub type Handler = fn(&mut Ctx<'_>, &Args<'_>) -> CmdResult;

/// One command or subcommand.
pub struct CommandDef {
    /// Lower-case name (for a subcommand, the part after the container).
    pub name: &'static str,
    /// Redis arity: exact count if positive, minimum count if negative.
    pub arity: i32,
    /// [`flags`] bits.
    pub flags: u32,
    /// [`acl`] category bits (besides the ones derived from flags).
    pub acl: u64,
    /// The command-specific key finder, where Redis has one (its `getkeys_proc`):
    /// used when the key specs cannot answer (see [`getkeys`]).
    pub keys_fn: Option<keys::KeysFn>,
    /// When the key specs say "exactly one key, at this index" (the common
    /// case), that index: lets locking skip the general extractor.
    single_key: Option<u32>,
    /// The handler; `None` for a container whose work is in its subcommands.
    pub handler: Option<Handler>,
    /// Subcommands (CONFIG GET, CLIENT LIST, ...).
    pub subcommands: &'static [CommandDef],
    /// Command group (`string`, `keyspace`, `server`, ...).
    pub group: &'static str,
    /// Redis version that introduced it.
    pub since: &'static str,
    /// A one-line summary in our own words.
    pub summary: &'static str,
    /// Time complexity.
    pub complexity: &'static str,
    /// Key specifications: the only statement of where the keys are (COMMAND
    /// INFO, GETKEYS, locking); empty for a command without keys.
    pub key_specs: &'static [KeySpec],
    /// Documented arguments (COMMAND DOCS).
    pub args: &'static [ArgSpec],
    /// Command tips (`nondeterministic_output`, `request_policy:...`).
    pub tips: &'static [&'static str],
    /// [`meta::docflag`] bits.
    pub doc_flags: u8,
    /// History entries: (version, change).
    pub history: &'static [(&'static str, &'static str)],
    /// Version that deprecated the command ("" if not deprecated).
    pub deprecated_since: &'static str,
    /// What replaces a deprecated command ("" for none).
    pub replaced_by: &'static str,
}

impl CommandDef {
    /// A command with the given name, arity and flags, in `group`.
    pub const fn new(
        name: &'static str,
        arity: i32,
        flags: u32,
        group: &'static str,
        handler: Handler,
    ) -> Self {
        CommandDef {
            name,
            arity,
            flags,
            acl: 0,
            keys_fn: None,
            single_key: None,
            handler: Some(handler),
            subcommands: &[],
            group,
            since: "1.0.0",
            summary: "",
            complexity: "",
            key_specs: &[],
            args: &[],
            tips: &[],
            doc_flags: 0,
            history: &[],
            deprecated_since: "",
            replaced_by: "",
        }
    }

    /// A container command whose work is done by `subcommands`.
    pub const fn container(
        name: &'static str,
        group: &'static str,
        subcommands: &'static [CommandDef],
    ) -> Self {
        CommandDef {
            name,
            arity: -2,
            flags: 0,
            acl: 0,
            keys_fn: None,
            single_key: None,
            handler: None,
            subcommands,
            group,
            since: "1.0.0",
            summary: "",
            complexity: "",
            key_specs: &[],
            args: &[],
            tips: &[],
            doc_flags: 0,
            history: &[],
            deprecated_since: "",
            replaced_by: "",
        }
    }

    /// Attaches a command-specific key finder (Redis's `getkeys_proc`).
    pub const fn keys_fn(mut self, f: keys::KeysFn) -> Self {
        self.keys_fn = Some(f);
        self
    }

    /// Sets ACL categories.
    pub const fn acl(mut self, acl: u64) -> Self {
        self.acl = acl;
        self
    }

    /// Sets the since-version.
    pub const fn since(mut self, since: &'static str) -> Self {
        self.since = since;
        self
    }

    /// Sets the summary and complexity.
    pub const fn doc(mut self, summary: &'static str, complexity: &'static str) -> Self {
        self.summary = summary;
        self.complexity = complexity;
        self
    }

    /// Sets the key specifications (and notes when they name exactly one key
    /// at a fixed index, the fast path of locking).
    pub const fn key_specs(mut self, specs: &'static [KeySpec]) -> Self {
        self.key_specs = specs;
        self.single_key = match specs {
            [KeySpec {
                begin: BeginSearch::Index(i),
                find: FindKeys::Range { lastkey: 0, .. },
                flags,
                ..
            }] if *i > 0 && *flags & (meta::keyflag::NOT_KEY | meta::keyflag::INCOMPLETE) == 0 => {
                Some(*i as u32)
            }
            _ => None,
        };
        self
    }

    /// Sets the documented arguments.
    pub const fn args(mut self, args: &'static [ArgSpec]) -> Self {
        self.args = args;
        self
    }

    /// Sets the command tips.
    pub const fn tips(mut self, tips: &'static [&'static str]) -> Self {
        self.tips = tips;
        self
    }

    /// Sets the history entries.
    pub const fn history(mut self, history: &'static [(&'static str, &'static str)]) -> Self {
        self.history = history;
        self
    }

    /// Marks the command deprecated since `since`, replaced by `replaced_by`.
    pub const fn deprecated(mut self, since: &'static str, replaced_by: &'static str) -> Self {
        self.doc_flags |= meta::docflag::DEPRECATED;
        self.deprecated_since = since;
        self.replaced_by = replaced_by;
        self
    }

    /// Marks the command a system command (doc flag `syscmd`).
    pub const fn syscmd(mut self) -> Self {
        self.doc_flags |= meta::docflag::SYSCMD;
        self
    }

    /// Gives a command with its own handler subcommands too (COMMAND, with and
    /// without a subcommand).
    pub const fn with_subcommands(mut self, subcommands: &'static [CommandDef]) -> Self {
        self.subcommands = subcommands;
        self
    }

    /// True when the flag is set.
    #[inline]
    pub fn has(&self, flag: u32) -> bool {
        self.flags & flag != 0
    }

    /// The positions of the keys in `args` that running the command may touch:
    /// the lock set ([`keys::lock_positions`]).
    pub fn key_positions(&self, args: &Args<'_>) -> Vec<usize> {
        keys::lock_positions(self, args)
    }

    /// The index of the command's only key when its key specs declare exactly
    /// one key at a fixed position (no allocation needed to find it).
    #[inline]
    pub fn single_key(&self) -> Option<usize> {
        self.single_key.map(|i| i as usize)
    }
}

/// The hasher of the command-name maps, looked up twice per command: SipHash's
/// flooding resistance buys nothing for a fixed table of a few hundred names.
type FastHash = foldhash::fast::FixedState;

/// Lookup structure built once at start-up.
pub struct CommandTable {
    by_name: HashMap<&'static [u8], &'static CommandDef, FastHash>,
    /// All top-level commands, in a stable order (index = command id for statistics).
    pub list: Vec<&'static CommandDef>,
    /// Every command and subcommand with its full name (`config|get`), id-indexed.
    pub full: Vec<(String, &'static CommandDef)>,
    full_index: HashMap<usize, usize, FastHash>,
}

impl CommandTable {
    /// Builds the table from the families' declarations (`commands::families`),
    /// once at start-up; the server is handed the result.
    pub fn build(families: &[&'static [CommandDef]]) -> CommandTable {
        let mut by_name = HashMap::with_hasher(FastHash::default());
        let mut list = Vec::new();
        let mut full = Vec::new();
        let mut full_index = HashMap::with_hasher(FastHash::default());
        for family in families {
            for def in family.iter() {
                by_name.insert(def.name.as_bytes(), def);
                list.push(def);
                full_index.insert(def as *const CommandDef as usize, full.len());
                full.push((def.name.to_string(), def));
                for sub in def.subcommands {
                    full_index.insert(sub as *const CommandDef as usize, full.len());
                    full.push((format!("{}|{}", def.name, sub.name), sub));
                }
            }
        }
        CommandTable {
            by_name,
            list,
            full,
            full_index,
        }
    }

    /// Finds a top-level command by name, case-insensitively.
    #[inline]
    pub fn get(&self, name: &[u8]) -> Option<&'static CommandDef> {
        let mut buf = [0u8; 32];
        let lower = buf.get_mut(..name.len())?;
        for (d, s) in lower.iter_mut().zip(name) {
            *d = s.to_ascii_lowercase();
        }
        self.by_name.get(&*lower).copied()
    }

    /// The statistics id of a command or subcommand.
    #[inline]
    pub fn id_of(&self, def: &'static CommandDef) -> usize {
        self.full_index
            .get(&(def as *const CommandDef as usize))
            .copied()
            .unwrap_or(0)
    }

    /// Number of ids.
    pub fn id_count(&self) -> usize {
        self.full.len()
    }
}

/// Finds a subcommand of `container` by name, case-insensitively.
pub fn find_subcommand(container: &'static CommandDef, name: &[u8]) -> Option<&'static CommandDef> {
    container
        .subcommands
        .iter()
        .find(|s| s.name.as_bytes().eq_ignore_ascii_case(name))
}
