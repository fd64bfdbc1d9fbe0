//! The declarative table of every configuration directive.
//!
//! Names, aliases, types, bounds, defaults and flags follow Redis 7.2's
//! `config.c`; the one-line descriptions are our own. Entries marked
//! [`FILE_ONLY`] exist only in configuration files (they are unknown to
//! `CONFIG GET`/`CONFIG SET`, exactly as in Redis).

use std::collections::HashMap;
use std::sync::OnceLock;

/// Cannot be changed with `CONFIG SET`.
pub const IMMUTABLE: u16 = 1 << 0;
/// Value must be redacted from logs/slowlog/monitor when set.
pub const SENSITIVE: u16 = 1 << 1;
/// Included in debug dumps of the configuration.
pub const DEBUG: u16 = 1 << 2;
/// Takes several arguments (or one space separated argument).
pub const MULTI_ARG: u16 = 1 << 3;
/// Only returned by `CONFIG GET` when asked for by its exact name.
pub const HIDDEN: u16 = 1 << 4;
/// Only settable when `enable-protected-configs` allows it.
pub const PROTECTED: u16 = 1 << 5;
/// Cannot be set while the dataset is loading.
pub const DENY_LOADING: u16 = 1 << 6;
/// Only meaningful inside configuration files (not a runtime config).
pub const FILE_ONLY: u16 = 1 << 7;

/// How a numeric directive is parsed and printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumFormat {
    /// A plain decimal integer.
    Plain,
    /// A byte count accepting `k`, `kb`, `m`, `mb`, `g`, `gb` units.
    Memory,
    /// A byte count or a percentage (`N%`, stored negated).
    MemoryPercent,
    /// An octal number (file permissions).
    Octal,
}

/// Extra validation applied to string directives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StrCheck {
    /// Must not contain a path separator (`dbfilename`).
    DbFilename,
    /// Must be non-empty and contain no path separator (`appendfilename`).
    AofFilename,
    /// Must be non-empty and contain no path separator (`appenddirname`).
    AofDirname,
    /// Short hostname made of letters, digits, `-` and `.`.
    Hostname,
    /// Human readable node name without cluster-bus separator characters.
    HumanNodename,
    /// A valid `proc-title-template`.
    ProcTitle,
}

/// Directives whose value is not a single scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Special {
    /// Working directory (`dir`).
    Dir,
    /// RDB snapshot points (`save`).
    Save,
    /// Per-class output buffer limits.
    ClientOutputBufferLimit,
    /// Three OOM score adjustments.
    OomScoreAdjValues,
    /// Keyspace notification classes.
    NotifyKeyspaceEvents,
    /// Listening addresses.
    Bind,
    /// Primary to replicate from.
    ReplicaOf,
    /// Percentiles reported by `INFO latencystats`.
    LatencyPercentiles,
}

/// Directives handled directly by the config file reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileOnly {
    /// `include <path-or-glob>`.
    Include,
    /// `rename-command <old> <new>`.
    RenameCommand,
    /// `user <name> <rules...>`.
    User,
    /// `loadmodule <path> [args...]`.
    LoadModule,
    /// `sentinel ...` (only valid in sentinel mode).
    Sentinel,
    /// An obsolete directive that is accepted and ignored.
    Deprecated,
}

/// The type (and type-specific data) of a directive.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// `yes` / `no`.
    Bool {
        /// Default value.
        default: bool,
    },
    /// An integer with inclusive bounds, stored as C `long long` bits.
    Int {
        /// Lower bound (as `long long`).
        min: i64,
        /// Upper bound (as `long long`; `-1` means `ULLONG_MAX` when unsigned).
        max: i64,
        /// Default value.
        default: i64,
        /// Bounds are compared as unsigned numbers.
        unsigned: bool,
        /// Parsing and printing style.
        format: NumFormat,
    },
    /// One of a fixed set of names (a set of flags when `MULTI_ARG`).
    Enum {
        /// Accepted names and their values, in Redis' order.
        names: &'static [(&'static str, i32)],
        /// Default value.
        default: i32,
    },
    /// A string.
    Str {
        /// Default value (`None` means unset).
        default: Option<&'static str>,
        /// An empty value means "unset".
        empty_is_null: bool,
        /// Binary safe (stored as sds in Redis); otherwise cut at NUL.
        binary: bool,
        /// Additional validation.
        check: Option<StrCheck>,
    },
    /// A structured value with bespoke parsing.
    Special(Special),
    /// Config-file-only directive.
    File(FileOnly),
}

/// One configuration directive.
#[derive(Clone, Copy, Debug)]
pub struct Directive {
    /// Canonical name.
    pub name: &'static str,
    /// Alternative (legacy) name.
    pub alias: Option<&'static str>,
    /// Bit set of the flag constants in this module.
    pub flags: u16,
    /// Type and type-specific data.
    pub kind: Kind,
    /// Short description.
    pub doc: &'static str,
}

impl Directive {
    /// True when every bit of `flag` is set.
    pub fn has(&self, flag: u16) -> bool {
        self.flags & flag == flag
    }
}

const INT_MAX: i64 = i32::MAX as i64;
const INT_MIN: i64 = i32::MIN as i64;
const UINT_MAX: i64 = u32::MAX as i64;
const LONG_MAX: i64 = i64::MAX;
/// `ULLONG_MAX` as stored in a C `long long`.
const ULLONG_MAX: i64 = -1;

const fn b(
    name: &'static str,
    alias: Option<&'static str>,
    flags: u16,
    default: bool,
    doc: &'static str,
) -> Directive {
    Directive {
        name,
        alias,
        flags,
        kind: Kind::Bool { default },
        doc,
    }
}

#[allow(clippy::too_many_arguments)]
const fn num(
    name: &'static str,
    alias: Option<&'static str>,
    flags: u16,
    min: i64,
    max: i64,
    default: i64,
    unsigned: bool,
    format: NumFormat,
    doc: &'static str,
) -> Directive {
    Directive {
        name,
        alias,
        flags,
        kind: Kind::Int {
            min,
            max,
            default,
            unsigned,
            format,
        },
        doc,
    }
}

/// Signed plain integer.
const fn int(
    name: &'static str,
    alias: Option<&'static str>,
    flags: u16,
    min: i64,
    max: i64,
    default: i64,
    doc: &'static str,
) -> Directive {
    num(
        name,
        alias,
        flags,
        min,
        max,
        default,
        false,
        NumFormat::Plain,
        doc,
    )
}

/// Unsigned plain integer (bounds compared unsigned).
const fn uint(
    name: &'static str,
    flags: u16,
    min: i64,
    max: i64,
    default: i64,
    doc: &'static str,
) -> Directive {
    num(
        name,
        None,
        flags,
        min,
        max,
        default,
        true,
        NumFormat::Plain,
        doc,
    )
}

/// Signed memory value.
const fn mem(
    name: &'static str,
    flags: u16,
    min: i64,
    max: i64,
    default: i64,
    doc: &'static str,
) -> Directive {
    num(
        name,
        None,
        flags,
        min,
        max,
        default,
        false,
        NumFormat::Memory,
        doc,
    )
}

/// Unsigned memory value.
const fn umem(
    name: &'static str,
    alias: Option<&'static str>,
    flags: u16,
    min: i64,
    max: i64,
    default: i64,
    doc: &'static str,
) -> Directive {
    num(
        name,
        alias,
        flags,
        min,
        max,
        default,
        true,
        NumFormat::Memory,
        doc,
    )
}

const fn e(
    name: &'static str,
    flags: u16,
    names: &'static [(&'static str, i32)],
    default: i32,
    doc: &'static str,
) -> Directive {
    Directive {
        name,
        alias: None,
        flags,
        kind: Kind::Enum { names, default },
        doc,
    }
}

/// String where empty means unset.
const fn snull(
    name: &'static str,
    alias: Option<&'static str>,
    flags: u16,
    doc: &'static str,
) -> Directive {
    Directive {
        name,
        alias,
        flags,
        kind: Kind::Str {
            default: None,
            empty_is_null: true,
            binary: false,
            check: None,
        },
        doc,
    }
}

/// String that allows empty values.
const fn sval(
    name: &'static str,
    flags: u16,
    default: &'static str,
    check: Option<StrCheck>,
    doc: &'static str,
) -> Directive {
    Directive {
        name,
        alias: None,
        flags,
        kind: Kind::Str {
            default: Some(default),
            empty_is_null: false,
            binary: false,
            check,
        },
        doc,
    }
}

/// Validated string where empty means unset.
const fn schecked(
    name: &'static str,
    binary: bool,
    check: StrCheck,
    doc: &'static str,
) -> Directive {
    Directive {
        name,
        alias: None,
        flags: 0,
        kind: Kind::Str {
            default: None,
            empty_is_null: true,
            binary,
            check: Some(check),
        },
        doc,
    }
}

/// Binary-safe string where empty means unset.
const fn sds(name: &'static str, flags: u16, doc: &'static str) -> Directive {
    Directive {
        name,
        alias: None,
        flags,
        kind: Kind::Str {
            default: None,
            empty_is_null: true,
            binary: true,
            check: None,
        },
        doc,
    }
}

const fn special(
    name: &'static str,
    alias: Option<&'static str>,
    flags: u16,
    s: Special,
    doc: &'static str,
) -> Directive {
    Directive {
        name,
        alias,
        flags,
        kind: Kind::Special(s),
        doc,
    }
}

const fn file(name: &'static str, f: FileOnly, doc: &'static str) -> Directive {
    Directive {
        name,
        alias: None,
        flags: FILE_ONLY,
        kind: Kind::File(f),
        doc,
    }
}

const MB: i64 = 1024 * 1024;

/// `maxmemory-policy` names.
pub const MAXMEMORY_POLICY: &[(&str, i32)] = &[
    ("volatile-lru", 1),
    ("volatile-lfu", 2),
    ("volatile-random", 3),
    ("volatile-ttl", 4),
    ("allkeys-lru", 5),
    ("allkeys-lfu", 6),
    ("allkeys-random", 7),
    ("noeviction", 8),
];
/// `syslog-facility` names (values are the syslog facility codes).
pub const SYSLOG_FACILITY: &[(&str, i32)] = &[
    ("user", 8),
    ("local0", 128),
    ("local1", 136),
    ("local2", 144),
    ("local3", 152),
    ("local4", 160),
    ("local5", 168),
    ("local6", 176),
    ("local7", 184),
];
/// `loglevel` names.
pub const LOGLEVEL: &[(&str, i32)] = &[
    ("debug", 0),
    ("verbose", 1),
    ("notice", 2),
    ("warning", 3),
    ("nothing", 4),
];
/// `supervised` names.
pub const SUPERVISED: &[(&str, i32)] = &[("upstart", 1), ("systemd", 2), ("auto", 3), ("no", 0)];
/// `appendfsync` names.
pub const APPENDFSYNC: &[(&str, i32)] = &[("everysec", 2), ("always", 1), ("no", 0)];
/// Flags accepted by `shutdown-on-sigint` / `shutdown-on-sigterm`.
pub const SHUTDOWN_ON_SIG: &[(&str, i32)] = &[
    ("default", 0),
    ("save", 1),
    ("nosave", 2),
    ("now", 4),
    ("force", 8),
];
/// `repl-diskless-load` names.
pub const REPL_DISKLESS_LOAD: &[(&str, i32)] =
    &[("disabled", 0), ("on-empty-db", 1), ("swapdb", 2)];
/// `tls-auth-clients` names.
pub const TLS_AUTH_CLIENTS: &[(&str, i32)] = &[("no", 0), ("yes", 1), ("optional", 2)];
/// `oom-score-adj` names (`yes` and `relative` are synonyms).
pub const OOM_SCORE_ADJ: &[(&str, i32)] =
    &[("no", 0), ("yes", 1), ("relative", 1), ("absolute", 2)];
/// `acl-pubsub-default` names.
pub const ACL_PUBSUB_DEFAULT: &[(&str, i32)] = &[("allchannels", 1 << 2), ("resetchannels", 0)];
/// `sanitize-dump-payload` names.
pub const SANITIZE_DUMP_PAYLOAD: &[(&str, i32)] = &[("no", 0), ("yes", 1), ("clients", 2)];
/// Names accepted by the `enable-*` protection directives.
pub const PROTECTED_ACTION: &[(&str, i32)] = &[("no", 0), ("yes", 1), ("local", 2)];
/// `cluster-preferred-endpoint-type` names.
pub const ENDPOINT_TYPE: &[(&str, i32)] = &[("ip", 0), ("hostname", 1), ("unknown-endpoint", 2)];
/// `propagation-error-behavior` names.
pub const PROPAGATION_ERROR: &[(&str, i32)] =
    &[("ignore", 0), ("panic", 1), ("panic-on-replicas", 2)];

const SL: Option<&str> = None;

/// Every directive known to the server, in a stable order.
#[rustfmt::skip]
pub static DIRECTIVES: &[Directive] = &[
    // ---- booleans ----
    b("rdbchecksum", SL, IMMUTABLE, true, "Append a CRC64 checksum to RDB files and verify it on load."),
    b("daemonize", SL, IMMUTABLE, false, "Detach from the terminal and run in the background."),
    b("io-threads-do-reads", SL, DEBUG | IMMUTABLE, false, "Let I/O threads also read and parse requests."),
    b("always-show-logo", SL, IMMUTABLE, false, "Print the ASCII banner even when logging to a file."),
    b("protected-mode", SL, 0, true, "Refuse non-loopback clients when no password and no bind are set."),
    b("rdbcompression", SL, 0, true, "Compress string values with LZF in RDB files."),
    b("rdb-del-sync-files", SL, 0, false, "Remove RDB files used only for replication when persistence is off."),
    b("activerehashing", SL, 0, true, "Spend spare CPU time incrementally rehashing the main dictionaries."),
    b("stop-writes-on-bgsave-error", SL, 0, true, "Reject writes while the last background save has failed."),
    b("set-proc-title", SL, IMMUTABLE, true, "Rewrite the process title shown by ps and top."),
    b("dynamic-hz", SL, 0, true, "Raise the timer frequency temporarily when many clients are connected."),
    b("lazyfree-lazy-eviction", SL, DEBUG, false, "Free evicted values in a background thread."),
    b("lazyfree-lazy-expire", SL, DEBUG, false, "Free expired values in a background thread."),
    b("lazyfree-lazy-server-del", SL, DEBUG, false, "Free values implicitly overwritten or deleted in the background."),
    b("lazyfree-lazy-user-del", SL, DEBUG, false, "Make DEL behave like UNLINK."),
    b("lazyfree-lazy-user-flush", SL, DEBUG, false, "Make FLUSHALL/FLUSHDB default to ASYNC."),
    b("repl-disable-tcp-nodelay", SL, 0, false, "Batch replication traffic by disabling TCP_NODELAY on replica links."),
    b("repl-diskless-sync", SL, DEBUG, true, "Stream full-sync snapshots to replicas without touching disk."),
    b("aof-rewrite-incremental-fsync", SL, 0, true, "Fsync the rewritten AOF every 4 MB while it is produced."),
    b("no-appendfsync-on-rewrite", SL, 0, false, "Skip AOF fsyncs while a background save or rewrite runs."),
    b("cluster-require-full-coverage", SL, 0, true, "Stop serving queries when some hash slots are uncovered."),
    b("rdb-save-incremental-fsync", SL, 0, true, "Fsync the RDB file every 4 MB while it is written."),
    b("aof-load-truncated", SL, 0, true, "Load a truncated AOF instead of refusing to start."),
    b("aof-use-rdb-preamble", SL, 0, true, "Start rewritten AOF files with an RDB snapshot."),
    b("aof-timestamp-enabled", SL, 0, false, "Write timestamp annotations into the AOF."),
    b("cluster-replica-no-failover", Some("cluster-slave-no-failover"), 0, false, "Never fail over automatically to this replica."),
    b("replica-lazy-flush", Some("slave-lazy-flush"), 0, false, "Flush the old dataset asynchronously after a full sync."),
    b("replica-serve-stale-data", Some("slave-serve-stale-data"), 0, true, "Keep answering from possibly stale data while disconnected from the primary."),
    b("replica-read-only", Some("slave-read-only"), DEBUG, true, "Reject write commands sent directly to a replica."),
    b("replica-ignore-maxmemory", Some("slave-ignore-maxmemory"), 0, true, "Let replicas exceed maxmemory instead of evicting on their own."),
    b("jemalloc-bg-thread", SL, 0, true, "Let the allocator purge freed memory from a background thread."),
    b("activedefrag", SL, DEBUG, false, "Enable active memory defragmentation."),
    b("syslog-enabled", SL, IMMUTABLE, false, "Also send log lines to syslog."),
    b("cluster-enabled", SL, IMMUTABLE, false, "Run as a cluster node."),
    b("appendonly", SL, DENY_LOADING, false, "Persist every write to the append only file."),
    b("cluster-allow-reads-when-down", SL, 0, false, "Keep serving reads while the cluster is marked down."),
    b("cluster-allow-pubsubshard-when-down", SL, 0, true, "Keep serving sharded pub/sub while the cluster is down."),
    b("crash-log-enabled", SL, 0, true, "Write a crash report with a stack trace on fatal signals."),
    b("crash-memcheck-enabled", SL, 0, true, "Run a quick memory test after a crash."),
    b("use-exit-on-panic", SL, HIDDEN, false, "Exit instead of aborting on panics (testing aid)."),
    b("disable-thp", SL, IMMUTABLE, true, "Turn off transparent huge pages for this process."),
    b("cluster-allow-replica-migration", SL, 0, true, "Allow replicas to move to orphaned primaries."),
    b("replica-announced", SL, 0, true, "List this replica in sentinel replies."),
    b("latency-tracking", SL, 0, true, "Collect per-command latency histograms."),
    b("aof-disable-auto-gc", SL, HIDDEN, false, "Keep obsolete AOF history files (testing aid)."),
    b("replica-ignore-disk-write-errors", SL, 0, false, "Keep replicating even when local persistence fails."),
    // ---- strings ----
    sval("aclfile", IMMUTABLE, "", None, "File holding ACL user definitions."),
    snull("unixsocket", SL, IMMUTABLE, "Path of the Unix domain socket to listen on."),
    snull("pidfile", SL, IMMUTABLE, "File where the process id is written."),
    snull("replica-announce-ip", Some("slave-announce-ip"), 0, "Address this replica reports to its primary."),
    snull("masteruser", SL, SENSITIVE, "User name used to authenticate with the primary."),
    snull("cluster-announce-ip", SL, 0, "Address this node advertises on the cluster bus."),
    sval("cluster-config-file", IMMUTABLE, "nodes.conf", None, "File where the cluster node state is persisted."),
    schecked("cluster-announce-hostname", false, StrCheck::Hostname, "Hostname this node advertises to the cluster."),
    schecked("cluster-announce-human-nodename", true, StrCheck::HumanNodename, "Friendly node name shown in cluster logs."),
    sval("syslog-ident", IMMUTABLE, "redis", None, "Program name used for syslog messages."),
    sval("dbfilename", PROTECTED, "dump.rdb", Some(StrCheck::DbFilename), "File name of the RDB snapshot."),
    sval("appendfilename", IMMUTABLE, "appendonly.aof", Some(StrCheck::AofFilename), "Base name of the append only files."),
    sval("appenddirname", IMMUTABLE, "appendonlydir", Some(StrCheck::AofDirname), "Directory holding the append only files."),
    snull("server_cpulist", SL, IMMUTABLE, "CPUs the main and I/O threads are pinned to."),
    snull("bio_cpulist", SL, IMMUTABLE, "CPUs the background I/O threads are pinned to."),
    snull("aof_rewrite_cpulist", SL, IMMUTABLE, "CPUs the AOF rewrite child is pinned to."),
    snull("bgsave_cpulist", SL, IMMUTABLE, "CPUs the background save child is pinned to."),
    sval("ignore-warnings", 0, "", None, "Startup warnings to silence."),
    sval("proc-title-template", 0, "{title} {listen-addr} {server-mode}", Some(StrCheck::ProcTitle), "Template used to build the process title."),
    snull("bind-source-addr", SL, 0, "Local address used for outgoing connections."),
    sval("logfile", IMMUTABLE, "", None, "Log file path; empty means standard output."),
    sval("locale-collate", 0, "", None, "Locale used for string collation (empty: from the environment)."),
    sds("masterauth", SENSITIVE, "Password used to authenticate with the primary."),
    sds("requirepass", SENSITIVE, "Password of the default user."),
    // ---- enums ----
    e("supervised", IMMUTABLE, SUPERVISED, 0, "Interaction with an upstart or systemd supervisor."),
    e("syslog-facility", IMMUTABLE, SYSLOG_FACILITY, 128, "Syslog facility used for log messages."),
    e("repl-diskless-load", DEBUG | DENY_LOADING, REPL_DISKLESS_LOAD, 0, "How a replica loads a full-sync payload."),
    e("loglevel", 0, LOGLEVEL, 2, "Minimum severity of logged messages."),
    e("maxmemory-policy", 0, MAXMEMORY_POLICY, 8, "What to evict when maxmemory is reached."),
    e("appendfsync", 0, APPENDFSYNC, 2, "How often the AOF is fsynced."),
    e("oom-score-adj", 0, OOM_SCORE_ADJ, 0, "Whether and how to adjust the Linux OOM score."),
    e("acl-pubsub-default", 0, ACL_PUBSUB_DEFAULT, 0, "Default channel permissions for new ACL users."),
    e("sanitize-dump-payload", DEBUG, SANITIZE_DUMP_PAYLOAD, 0, "Deep validation of RESTORE and RDB payloads."),
    e("enable-protected-configs", IMMUTABLE, PROTECTED_ACTION, 0, "Who may change protected directives."),
    e("enable-debug-command", IMMUTABLE, PROTECTED_ACTION, 0, "Who may run DEBUG."),
    e("enable-module-command", IMMUTABLE, PROTECTED_ACTION, 0, "Who may run MODULE."),
    e("cluster-preferred-endpoint-type", 0, ENDPOINT_TYPE, 0, "Endpoint kind returned in cluster redirects."),
    e("propagation-error-behavior", 0, PROPAGATION_ERROR, 0, "Reaction to errors in replicated or AOF commands."),
    e("shutdown-on-sigint", MULTI_ARG, SHUTDOWN_ON_SIG, 0, "Shutdown flags used when SIGINT arrives."),
    e("shutdown-on-sigterm", MULTI_ARG, SHUTDOWN_ON_SIG, 0, "Shutdown flags used when SIGTERM arrives."),
    // ---- integers ----
    int("databases", SL, IMMUTABLE, 1, INT_MAX, 16, "Number of logical databases."),
    int("port", SL, 0, 0, 65535, 6379, "TCP port to listen on (0 disables TCP)."),
    int("io-threads", SL, DEBUG | IMMUTABLE, 1, 128, 1, "Number of I/O threads."),
    int("auto-aof-rewrite-percentage", SL, 0, 0, INT_MAX, 100, "AOF growth percentage that triggers a rewrite."),
    int("cluster-replica-validity-factor", Some("cluster-slave-validity-factor"), 0, 0, INT_MAX, 10, "How stale a replica may be and still fail over."),
    int("list-max-listpack-size", Some("list-max-ziplist-size"), 0, INT_MIN, INT_MAX, -2, "Size limit of each quicklist node."),
    int("tcp-keepalive", SL, 0, 0, INT_MAX, 300, "TCP keepalive period in seconds."),
    int("cluster-migration-barrier", SL, 0, 0, INT_MAX, 1, "Replicas a primary keeps before one may migrate."),
    int("active-defrag-cycle-min", SL, 0, 1, 99, 1, "Minimum CPU percentage spent defragmenting."),
    int("active-defrag-cycle-max", SL, 0, 1, 99, 25, "Maximum CPU percentage spent defragmenting."),
    int("active-defrag-threshold-lower", SL, 0, 0, 1000, 10, "Fragmentation percentage that starts defragmentation."),
    int("active-defrag-threshold-upper", SL, 0, 0, 1000, 100, "Fragmentation percentage that gets maximum effort."),
    int("lfu-log-factor", SL, 0, 0, INT_MAX, 10, "Logarithmic factor of the LFU counter."),
    int("lfu-decay-time", SL, 0, 0, INT_MAX, 1, "Minutes after which the LFU counter decays."),
    int("replica-priority", Some("slave-priority"), 0, 0, INT_MAX, 100, "Promotion priority used by sentinel (0: never)."),
    int("repl-diskless-sync-delay", SL, 0, 0, INT_MAX, 5, "Seconds to wait for more replicas before a diskless sync."),
    int("maxmemory-samples", SL, 0, 1, INT_MAX, 5, "Keys sampled per eviction round."),
    int("maxmemory-eviction-tenacity", SL, 0, 0, 100, 10, "How hard eviction tries within one command."),
    int("timeout", SL, 0, 0, INT_MAX, 0, "Seconds of idleness before a client is closed (0: never)."),
    int("replica-announce-port", Some("slave-announce-port"), 0, 0, 65535, 0, "Port this replica reports to its primary."),
    int("tcp-backlog", SL, IMMUTABLE, 0, INT_MAX, 511, "Listen backlog of the TCP socket."),
    int("cluster-port", SL, IMMUTABLE, 0, 65535, 0, "Cluster bus port (0: port + 10000)."),
    int("cluster-announce-bus-port", SL, 0, 0, 65535, 0, "Cluster bus port advertised to peers."),
    int("cluster-announce-port", SL, 0, 0, 65535, 0, "Client port advertised to peers."),
    int("cluster-announce-tls-port", SL, 0, 0, 65535, 0, "TLS client port advertised to peers."),
    int("repl-timeout", SL, 0, 1, INT_MAX, 60, "Replication timeout in seconds."),
    int("repl-ping-replica-period", Some("repl-ping-slave-period"), 0, 1, INT_MAX, 10, "Seconds between pings sent to replicas."),
    int("list-compress-depth", SL, DEBUG, 0, INT_MAX, 0, "Quicklist nodes left uncompressed at each end."),
    int("rdb-key-save-delay", SL, HIDDEN, INT_MIN, INT_MAX, 0, "Artificial per-key delay while saving (testing aid)."),
    int("key-load-delay", SL, HIDDEN, INT_MIN, INT_MAX, 0, "Artificial per-key delay while loading (testing aid)."),
    int("active-expire-effort", SL, 0, 1, 10, 1, "Effort spent on active expiry."),
    int("hz", SL, 0, 0, INT_MAX, 10, "Frequency of background tasks (clamped to 1..500)."),
    int("min-replicas-to-write", Some("min-slaves-to-write"), 0, 0, INT_MAX, 0, "Healthy replicas required to accept writes."),
    int("min-replicas-max-lag", Some("min-slaves-max-lag"), 0, 0, INT_MAX, 10, "Maximum lag for a replica to count as healthy."),
    int("watchdog-period", SL, HIDDEN, 0, INT_MAX, 0, "Software watchdog period in milliseconds (debugging aid)."),
    int("shutdown-timeout", SL, 0, 0, INT_MAX, 10, "Seconds to wait for replicas to catch up on shutdown."),
    int("repl-diskless-sync-max-replicas", SL, 0, 0, INT_MAX, 0, "Start a diskless sync early once this many replicas wait."),
    uint("maxclients", 0, 1, UINT_MAX, 10000, "Maximum number of connected clients."),
    num("unixsocketperm", SL, IMMUTABLE, 0, 0o777, 0, true, NumFormat::Octal, "Permissions of the Unix socket."),
    uint("socket-mark-id", IMMUTABLE, 0, UINT_MAX, 0, "Mark applied to listening sockets."),
    int("active-defrag-max-scan-fields", SL, 0, 1, LONG_MAX, 1000, "Fields above which a key is defragmented separately."),
    int("slowlog-max-len", SL, 0, 0, LONG_MAX, 128, "Number of entries kept in the slow log."),
    int("acllog-max-len", SL, 0, 0, LONG_MAX, 128, "Number of entries kept in the ACL log."),
    int("busy-reply-threshold", Some("lua-time-limit"), 0, 0, LONG_MAX, 5000, "Milliseconds before a long script makes the server reply BUSY."),
    int("cluster-node-timeout", SL, 0, 0, LONG_MAX, 15000, "Milliseconds before an unreachable node is suspected."),
    int("slowlog-log-slower-than", SL, 0, -1, LONG_MAX, 10000, "Microseconds above which a command is slow-logged."),
    int("latency-monitor-threshold", SL, 0, 0, LONG_MAX, 0, "Milliseconds above which latency events are sampled."),
    mem("proto-max-bulk-len", DEBUG, MB, LONG_MAX, 512 * MB, "Largest bulk string accepted from clients."),
    int("stream-node-max-entries", SL, 0, 0, LONG_MAX, 100, "Entries per stream radix tree node."),
    mem("repl-backlog-size", 0, 1, LONG_MAX, MB, "Size of the replication backlog."),
    umem("maxmemory", SL, 0, 0, ULLONG_MAX, 0, "Memory limit for the dataset (0: none)."),
    umem("cluster-link-sendbuf-limit", SL, 0, 0, ULLONG_MAX, 0, "Send buffer limit of a cluster bus link (0: none)."),
    uint("hash-max-listpack-entries", 0, 0, LONG_MAX, 512, "Hashes with more fields use a real hash table.")
    .with_alias("hash-max-ziplist-entries"),
    uint("set-max-intset-entries", 0, 0, LONG_MAX, 512, "Integer sets larger than this use a hash table."),
    uint("set-max-listpack-entries", 0, 0, LONG_MAX, 128, "Sets with more members use a hash table."),
    uint("set-max-listpack-value", 0, 0, LONG_MAX, 64, "Sets with longer members use a hash table."),
    uint("zset-max-listpack-entries", 0, 0, LONG_MAX, 128, "Sorted sets with more members use a skiplist.")
    .with_alias("zset-max-ziplist-entries"),
    umem("active-defrag-ignore-bytes", SL, 0, 1, LONG_MAX, 100 * MB, "Fragmentation overhead below which no defrag runs."),
    umem("hash-max-listpack-value", Some("hash-max-ziplist-value"), 0, 0, LONG_MAX, 64, "Hashes with longer values use a real hash table."),
    umem("stream-node-max-bytes", SL, 0, 0, LONG_MAX, 4096, "Bytes per stream radix tree node."),
    umem("zset-max-listpack-value", Some("zset-max-ziplist-value"), 0, 0, LONG_MAX, 64, "Sorted sets with longer members use a skiplist."),
    umem("hll-sparse-max-bytes", SL, 0, 0, LONG_MAX, 3000, "Size above which a HyperLogLog becomes dense."),
    uint("tracking-table-max-keys", 0, 0, LONG_MAX, 1_000_000, "Keys remembered for client-side caching."),
    umem("client-query-buffer-limit", SL, DEBUG, MB, LONG_MAX, 1024 * MB, "Largest query buffer a client may accumulate."),
    num("maxmemory-clients", SL, 0, -100, LONG_MAX, 0, false, NumFormat::MemoryPercent, "Memory all clients together may use (bytes or % of maxmemory)."),
    int("repl-backlog-ttl", SL, 0, 0, LONG_MAX, 3600, "Seconds before an unused backlog is released."),
    mem("auto-aof-rewrite-min-size", 0, 0, LONG_MAX, 64 * MB, "Smallest AOF size that triggers a rewrite."),
    int("loading-process-events-interval-bytes", SL, HIDDEN, 1024, INT_MAX, 2 * MB, "Bytes loaded between event processing (testing aid)."),
    // ---- TLS ----
    int("tls-port", SL, 0, 0, 65535, 0, "TLS port to listen on (0 disables TLS)."),
    int("tls-session-cache-size", SL, 0, 0, INT_MAX, 20 * 1024, "Number of cached TLS sessions."),
    int("tls-session-cache-timeout", SL, 0, 0, INT_MAX, 300, "Lifetime of cached TLS sessions in seconds."),
    b("tls-cluster", SL, 0, false, "Use TLS on the cluster bus."),
    b("tls-replication", SL, 0, false, "Use TLS for replication links."),
    e("tls-auth-clients", 0, TLS_AUTH_CLIENTS, 1, "Whether TLS clients must present a certificate."),
    b("tls-prefer-server-ciphers", SL, 0, false, "Prefer the server's cipher order."),
    b("tls-session-caching", SL, 0, true, "Enable TLS session caching."),
    snull("tls-cert-file", SL, 0, "Server certificate file."),
    snull("tls-key-file", SL, 0, "Server private key file."),
    snull("tls-key-file-pass", SL, 0, "Passphrase of the server private key."),
    snull("tls-client-cert-file", SL, 0, "Certificate used for outgoing TLS connections."),
    snull("tls-client-key-file", SL, 0, "Private key used for outgoing TLS connections."),
    snull("tls-client-key-file-pass", SL, 0, "Passphrase of the client private key."),
    snull("tls-dh-params-file", SL, 0, "Diffie-Hellman parameters file."),
    snull("tls-ca-cert-file", SL, 0, "CA bundle used to verify peers."),
    snull("tls-ca-cert-dir", SL, 0, "Directory of CA certificates used to verify peers."),
    snull("tls-protocols", SL, 0, "Allowed TLS protocol versions."),
    snull("tls-ciphers", SL, 0, "Allowed TLS 1.2 ciphers."),
    snull("tls-ciphersuites", SL, 0, "Allowed TLS 1.3 cipher suites."),
    // ---- structured values ----
    special("dir", SL, PROTECTED | DENY_LOADING, Special::Dir, "Working directory for RDB/AOF files."),
    special("save", SL, MULTI_ARG, Special::Save, "Snapshot after N seconds if at least M changes happened."),
    special("client-output-buffer-limit", SL, MULTI_ARG, Special::ClientOutputBufferLimit, "Output buffer limits per client class."),
    special("oom-score-adj-values", SL, MULTI_ARG, Special::OomScoreAdjValues, "OOM score adjustments for primary, replica and child."),
    special("notify-keyspace-events", SL, 0, Special::NotifyKeyspaceEvents, "Classes of keyspace events to publish."),
    special("bind", SL, MULTI_ARG, Special::Bind, "Addresses to listen on."),
    special("replicaof", Some("slaveof"), IMMUTABLE | MULTI_ARG, Special::ReplicaOf, "Primary to replicate from at startup."),
    special("latency-tracking-info-percentiles", SL, MULTI_ARG, Special::LatencyPercentiles, "Percentiles reported in latency stats."),
    // ---- Cinnabar specific ----
    int("worker-threads", SL, IMMUTABLE, 0, 1024, 0, "Worker threads to run (0: one per CPU)."),
    // ---- config-file-only directives ----
    file("include", FileOnly::Include, "Read another configuration file (or glob) at this point."),
    file("rename-command", FileOnly::RenameCommand, "Rename a command, or hide it with an empty name."),
    file("user", FileOnly::User, "Define an ACL user."),
    file("loadmodule", FileOnly::LoadModule, "Load a module at startup."),
    file("sentinel", FileOnly::Sentinel, "Sentinel state (only valid in sentinel mode)."),
    file("list-max-ziplist-entries", FileOnly::Deprecated, "Obsolete; accepted and ignored."),
    file("list-max-ziplist-value", FileOnly::Deprecated, "Obsolete; accepted and ignored."),
    file("lua-replicate-commands", FileOnly::Deprecated, "Obsolete; accepted and ignored."),
];

impl Directive {
    /// Returns a copy with `alias` set (table-building helper).
    const fn with_alias(mut self, alias: &'static str) -> Directive {
        self.alias = Some(alias);
        self
    }
}

/// A resolved name: the index into [`DIRECTIVES`] and whether the alias was used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Index into [`DIRECTIVES`].
    pub index: usize,
    /// The name used was the alias.
    pub alias: bool,
}

impl Entry {
    /// The directive this entry refers to.
    pub fn directive(&self) -> &'static Directive {
        // Indices come from the map built over DIRECTIVES itself.
        &DIRECTIVES[self.index]
    }

    /// The registered (lowercase) name of this entry: the alias or the canonical name.
    pub fn name(&self) -> &'static str {
        let d = self.directive();
        if self.alias {
            d.alias.unwrap_or(d.name)
        } else {
            d.name
        }
    }
}

fn name_map() -> &'static HashMap<&'static str, Entry> {
    static MAP: OnceLock<HashMap<&'static str, Entry>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m = HashMap::new();
        for (index, d) in DIRECTIVES.iter().enumerate() {
            m.insert(
                d.name,
                Entry {
                    index,
                    alias: false,
                },
            );
            if let Some(a) = d.alias {
                m.insert(a, Entry { index, alias: true });
            }
        }
        m
    })
}

/// Looks a name up case-insensitively, including config-file-only directives.
pub fn lookup_any(name: &[u8]) -> Option<Entry> {
    let lower = name.to_ascii_lowercase();
    let s = std::str::from_utf8(&lower).ok()?;
    name_map().get(s).copied()
}

/// Looks a name up like Redis' `lookupConfig`: only runtime directives.
pub fn lookup(name: &[u8]) -> Option<Entry> {
    lookup_any(name).filter(|e| !e.directive().has(FILE_ONLY))
}

/// All runtime entries (canonical names and aliases) in table order.
pub fn runtime_entries() -> impl Iterator<Item = Entry> {
    DIRECTIVES
        .iter()
        .enumerate()
        .filter(|(_, d)| !d.has(FILE_ONLY))
        .flat_map(|(index, d)| {
            let canon = std::iter::once(Entry {
                index,
                alias: false,
            });
            let alias = d.alias.map(|_| Entry { index, alias: true });
            canon.chain(alias)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_lowercase() {
        let mut seen = std::collections::HashSet::new();
        for d in DIRECTIVES {
            for n in std::iter::once(d.name).chain(d.alias) {
                assert!(seen.insert(n), "duplicate name {n}");
                assert_eq!(n, n.to_ascii_lowercase());
            }
            assert!(!d.doc.is_empty());
        }
    }

    #[test]
    fn defaults_within_bounds() {
        for d in DIRECTIVES {
            if let Kind::Int {
                min,
                max,
                default,
                unsigned,
                ..
            } = d.kind
            {
                if unsigned {
                    assert!(
                        (default as u64) >= (min as u64) && (default as u64) <= (max as u64),
                        "{}",
                        d.name
                    );
                } else if default >= 0 || d.name != "maxmemory-clients" {
                    assert!(default >= min && default <= max, "{}", d.name);
                }
            }
        }
    }

    #[test]
    fn lookup_is_case_insensitive_and_knows_aliases() {
        let e = lookup(b"SLAVEOF").expect("slaveof");
        assert!(e.alias);
        assert_eq!(e.directive().name, "replicaof");
        assert_eq!(e.name(), "slaveof");
        assert!(lookup(b"include").is_none());
        assert!(lookup_any(b"include").is_some());
        assert!(lookup(b"no-such-thing").is_none());
    }

    #[test]
    fn every_redis_7_0_15_config_is_known() {
        // Names returned by `CONFIG GET *` on the installed redis-server 7.0.15.
        let names = "acl-pubsub-default aclfile acllog-max-len active-defrag-cycle-max active-defrag-cycle-min \
            active-defrag-ignore-bytes active-defrag-max-scan-fields active-defrag-threshold-lower \
            active-defrag-threshold-upper active-expire-effort activedefrag activerehashing always-show-logo \
            aof-disable-auto-gc aof-load-truncated aof-rewrite-incremental-fsync aof-timestamp-enabled \
            aof-use-rdb-preamble aof_rewrite_cpulist appenddirname appendfilename appendfsync appendonly \
            auto-aof-rewrite-min-size auto-aof-rewrite-percentage bgsave_cpulist bind bind-source-addr bio_cpulist \
            busy-reply-threshold client-output-buffer-limit client-query-buffer-limit \
            cluster-allow-pubsubshard-when-down cluster-allow-reads-when-down cluster-allow-replica-migration \
            cluster-announce-bus-port cluster-announce-hostname cluster-announce-ip cluster-announce-port \
            cluster-announce-tls-port cluster-config-file cluster-enabled cluster-link-sendbuf-limit \
            cluster-migration-barrier cluster-node-timeout cluster-port cluster-preferred-endpoint-type \
            cluster-replica-no-failover cluster-replica-validity-factor cluster-require-full-coverage \
            cluster-slave-no-failover cluster-slave-validity-factor crash-log-enabled crash-memcheck-enabled \
            daemonize databases dbfilename dir disable-thp dynamic-hz enable-debug-command enable-module-command \
            enable-protected-configs hash-max-listpack-entries hash-max-listpack-value hash-max-ziplist-entries \
            hash-max-ziplist-value hll-sparse-max-bytes hz ignore-warnings io-threads io-threads-do-reads \
            jemalloc-bg-thread latency-monitor-threshold latency-tracking latency-tracking-info-percentiles \
            lazyfree-lazy-eviction lazyfree-lazy-expire lazyfree-lazy-server-del lazyfree-lazy-user-del \
            lazyfree-lazy-user-flush lfu-decay-time lfu-log-factor list-compress-depth list-max-listpack-size \
            list-max-ziplist-size logfile loglevel lua-time-limit masterauth masteruser maxclients maxmemory \
            maxmemory-clients maxmemory-eviction-tenacity maxmemory-policy maxmemory-samples min-replicas-max-lag \
            min-replicas-to-write min-slaves-max-lag min-slaves-to-write no-appendfsync-on-rewrite \
            notify-keyspace-events oom-score-adj oom-score-adj-values pidfile port proc-title-template \
            propagation-error-behavior protected-mode proto-max-bulk-len rdb-del-sync-files \
            rdb-save-incremental-fsync rdbchecksum rdbcompression repl-backlog-size repl-backlog-ttl \
            repl-disable-tcp-nodelay repl-diskless-load repl-diskless-sync repl-diskless-sync-delay \
            repl-diskless-sync-max-replicas repl-ping-replica-period repl-ping-slave-period repl-timeout \
            replica-announce-ip replica-announce-port replica-announced replica-ignore-disk-write-errors \
            replica-ignore-maxmemory replica-lazy-flush replica-priority replica-read-only \
            replica-serve-stale-data replicaof requirepass sanitize-dump-payload save server_cpulist \
            set-max-intset-entries set-proc-title shutdown-on-sigint shutdown-on-sigterm shutdown-timeout \
            slave-announce-ip slave-announce-port slave-ignore-maxmemory slave-lazy-flush slave-priority \
            slave-read-only slave-serve-stale-data slaveof slowlog-log-slower-than slowlog-max-len socket-mark-id \
            stop-writes-on-bgsave-error stream-node-max-bytes stream-node-max-entries supervised syslog-enabled \
            syslog-facility syslog-ident tcp-backlog tcp-keepalive timeout tls-auth-clients tls-ca-cert-dir \
            tls-ca-cert-file tls-cert-file tls-ciphers tls-ciphersuites tls-client-cert-file tls-client-key-file \
            tls-client-key-file-pass tls-cluster tls-dh-params-file tls-key-file tls-key-file-pass tls-port \
            tls-prefer-server-ciphers tls-protocols tls-replication tls-session-cache-size \
            tls-session-cache-timeout tls-session-caching tracking-table-max-keys unixsocket unixsocketperm \
            zset-max-listpack-entries zset-max-listpack-value zset-max-ziplist-entries zset-max-ziplist-value";
        for n in names.split_whitespace() {
            assert!(lookup(n.as_bytes()).is_some(), "{n} missing");
        }
    }
}
