//! Values the server reads on hot paths or at start-up, taken from the configuration.
//!
//! The configuration table (`config`) is the source of truth; these are its values
//! in the form the server needs them: plain fields for start-up-only directives, and
//! atomics for runtime-changeable ones, refreshed by CONFIG SET's apply hook so no
//! command ever takes the configuration lock.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering::Relaxed};

/// Directives fixed at start-up.
#[derive(Debug, Clone)]
pub struct StartupSettings {
    /// TCP port (0 disables TCP).
    pub port: u16,
    /// Addresses to listen on; a leading `-` marks an optional address.
    pub bind: Vec<String>,
    /// Unix socket path, if any.
    pub unixsocket: Option<String>,
    /// Unix socket permissions (octal), 0 for the default.
    pub unixsocketperm: u32,
    /// Worker threads; 0 means one per CPU.
    pub worker_threads: usize,
    /// Number of databases.
    pub databases: usize,
    /// listen() backlog.
    pub tcp_backlog: i32,
    /// Detach from the terminal.
    pub daemonize: bool,
    /// Where to write the PID.
    pub pidfile: Option<String>,
    /// Log file; empty means standard output.
    pub logfile: String,
}

impl Default for StartupSettings {
    fn default() -> Self {
        StartupSettings {
            port: 6379,
            bind: vec!["*".into(), "-::*".into()],
            unixsocket: None,
            unixsocketperm: 0,
            worker_threads: 0,
            databases: 16,
            tcp_backlog: 511,
            daemonize: false,
            pidfile: None,
            logfile: String::new(),
        }
    }
}

/// Log verbosity, as `loglevel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    /// Everything.
    Debug = 0,
    /// Much, usefully.
    Verbose = 1,
    /// Production level.
    Notice = 2,
    /// Only important messages.
    Warning = 3,
    /// Nothing.
    Nothing = 4,
}

/// Runtime-changeable directives read on hot paths.
#[derive(Debug)]
pub struct Tunables {
    /// `proto-max-bulk-len`.
    pub proto_max_bulk_len: AtomicUsize,
    /// `client-query-buffer-limit`.
    pub client_query_buffer_limit: AtomicUsize,
    /// `timeout` in seconds (0: never).
    pub timeout_secs: AtomicU64,
    /// `maxclients`.
    pub maxclients: AtomicUsize,
    /// `hz`.
    pub hz: AtomicU64,
    /// `slowlog-log-slower-than` in microseconds (negative: off).
    pub slowlog_slower_than: AtomicI64,
    /// `slowlog-max-len`.
    pub slowlog_max_len: AtomicUsize,
    /// `tcp-keepalive` seconds.
    pub tcp_keepalive: AtomicU64,
    /// `protected-mode`.
    pub protected_mode: AtomicBool,
    /// `loglevel` as a [`LogLevel`] number.
    pub loglevel: AtomicUsize,
    /// `client-output-buffer-limit` per class (normal, replica, pubsub): hard, soft, seconds.
    pub output_limits: [[AtomicU64; 3]; 3],
    /// `active-expire-enabled` (DEBUG SET-ACTIVE-EXPIRE).
    pub active_expire: AtomicBool,
    /// `maxmemory-policy` uses LFU.
    pub lfu: AtomicBool,
    /// `lfu-log-factor`.
    pub lfu_log_factor: AtomicU64,
    /// `lfu-decay-time`.
    pub lfu_decay_time: AtomicU64,
    /// Encoding thresholds of the collection types.
    pub enc: EncodingLimits,
    /// `enable-debug-command`: 0 no, 1 yes, 2 local.
    pub debug_command: AtomicU64,
}

/// The `*-max-listpack-*`, `set-max-intset-entries`, `list-*` and HyperLogLog
/// thresholds, read whenever a collection may change encoding.
#[derive(Debug)]
pub struct EncodingLimits {
    /// `list-max-listpack-size` (negative: node size class -1..-5).
    pub list_max_listpack_size: AtomicI64,
    /// `list-compress-depth`.
    pub list_compress_depth: AtomicU64,
    /// `hash-max-listpack-entries`.
    pub hash_max_listpack_entries: AtomicU64,
    /// `hash-max-listpack-value`.
    pub hash_max_listpack_value: AtomicU64,
    /// `set-max-intset-entries`.
    pub set_max_intset_entries: AtomicU64,
    /// `set-max-listpack-entries`.
    pub set_max_listpack_entries: AtomicU64,
    /// `set-max-listpack-value`.
    pub set_max_listpack_value: AtomicU64,
    /// `zset-max-listpack-entries`.
    pub zset_max_listpack_entries: AtomicU64,
    /// `zset-max-listpack-value`.
    pub zset_max_listpack_value: AtomicU64,
    /// `hll-sparse-max-bytes`.
    pub hll_sparse_max_bytes: AtomicU64,
}

impl Default for EncodingLimits {
    fn default() -> Self {
        EncodingLimits {
            list_max_listpack_size: AtomicI64::new(-2),
            list_compress_depth: AtomicU64::new(0),
            hash_max_listpack_entries: AtomicU64::new(128),
            hash_max_listpack_value: AtomicU64::new(64),
            set_max_intset_entries: AtomicU64::new(512),
            set_max_listpack_entries: AtomicU64::new(128),
            set_max_listpack_value: AtomicU64::new(64),
            zset_max_listpack_entries: AtomicU64::new(128),
            zset_max_listpack_value: AtomicU64::new(64),
            hll_sparse_max_bytes: AtomicU64::new(3000),
        }
    }
}

impl Default for Tunables {
    fn default() -> Self {
        let limits =
            |h: u64, s: u64, t: u64| [AtomicU64::new(h), AtomicU64::new(s), AtomicU64::new(t)];
        Tunables {
            proto_max_bulk_len: AtomicUsize::new(512 * 1024 * 1024),
            client_query_buffer_limit: AtomicUsize::new(1024 * 1024 * 1024),
            timeout_secs: AtomicU64::new(0),
            maxclients: AtomicUsize::new(10000),
            hz: AtomicU64::new(10),
            slowlog_slower_than: AtomicI64::new(10000),
            slowlog_max_len: AtomicUsize::new(128),
            tcp_keepalive: AtomicU64::new(300),
            protected_mode: AtomicBool::new(true),
            loglevel: AtomicUsize::new(LogLevel::Notice as usize),
            output_limits: [
                limits(0, 0, 0),
                limits(256 << 20, 64 << 20, 60),
                limits(32 << 20, 8 << 20, 60),
            ],
            active_expire: AtomicBool::new(true),
            lfu: AtomicBool::new(false),
            lfu_log_factor: AtomicU64::new(10),
            lfu_decay_time: AtomicU64::new(1),
            enc: EncodingLimits::default(),
            debug_command: AtomicU64::new(0),
        }
    }
}

impl Tunables {
    /// Current log level.
    pub fn loglevel(&self) -> LogLevel {
        match self.loglevel.load(Relaxed) {
            0 => LogLevel::Debug,
            1 => LogLevel::Verbose,
            2 => LogLevel::Notice,
            3 => LogLevel::Warning,
            _ => LogLevel::Nothing,
        }
    }
}
