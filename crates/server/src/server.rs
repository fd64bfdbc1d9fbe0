//! Process-wide server state shared by all worker threads.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use parking_lot::{Mutex, RwLock};

use crate::client::ClientRegistry;
use crate::exec::command::CommandTable;
use crate::keyspace::Keyspace;
use crate::settings::{StartupSettings, Tunables};
use crate::stats::WorkerStats;

/// A message to a worker thread.
pub enum Mail {
    /// A newly accepted connection to adopt.
    NewConn(crate::net::Accepted),
    /// Bytes to append to a client's output (MONITOR feed, ...), by client id.
    Push {
        /// Connection token on the worker.
        token: usize,
        /// Client id (guards against a reused token).
        client_id: u64,
        /// Encoded reply bytes.
        bytes: Vec<u8>,
    },
    /// A blocked client was served (or unblocked): its reply, after which it resumes.
    Unblocked {
        /// Connection token on the worker.
        token: usize,
        /// Client id (guards against a reused token).
        client_id: u64,
        /// Encoded reply bytes.
        bytes: Vec<u8>,
    },
    /// Check clients for pending kill requests.
    CheckKills,
    /// CLIENT UNPAUSE ran: retry the commands CLIENT PAUSE held.
    Unpaused,
    /// Stop the event loop.
    Shutdown,
}

/// How to reach a worker from another thread.
pub struct WorkerHandle {
    /// The worker's mailbox.
    pub tx: crossbeam_channel::Sender<Mail>,
    /// Wakes the worker's poll.
    pub waker: Arc<mio::Waker>,
    /// The worker's counters.
    pub stats: Arc<WorkerStats>,
}

impl WorkerHandle {
    /// Delivers a message and wakes the worker.
    pub fn send(&self, mail: Mail) {
        if self.tx.send(mail).is_ok() {
            let _ = self.waker.wake();
        }
    }
}

/// One slow log entry.
#[derive(Debug, Clone)]
pub struct SlowEntry {
    /// Increasing id.
    pub id: u64,
    /// Unix time in seconds.
    pub time: i64,
    /// Execution time in microseconds.
    pub duration_us: u64,
    /// Arguments, already truncated as Redis does.
    pub args: Vec<Vec<u8>>,
    /// Client address.
    pub addr: String,
    /// Client name.
    pub name: Vec<u8>,
}

/// The slow log.
#[derive(Default)]
pub struct SlowLog {
    /// Newest first.
    pub entries: Mutex<VecDeque<SlowEntry>>,
    /// Next id.
    pub next_id: AtomicU64,
}

/// State shared by every thread of the server.
pub struct Server {
    /// The data.
    pub keyspace: Keyspace,
    /// The configuration table (CONFIG GET/SET/REWRITE); hot values are mirrored in `tun`.
    pub config: Mutex<crate::config::Config>,
    /// The command table.
    pub commands: CommandTable,
    /// Hot runtime settings.
    pub tun: Tunables,
    /// Start-up settings.
    pub startup: StartupSettings,
    /// Connected clients.
    pub clients: ClientRegistry,
    /// Worker handles, set once the workers exist.
    pub workers: OnceLock<Vec<WorkerHandle>>,
    /// When the server started.
    pub started: Instant,
    /// Start time in Unix ms.
    pub started_unix_ms: i64,
    /// Random 40-hex-digit run id.
    pub run_id: String,
    /// Connections accepted.
    pub conns_received: AtomicU64,
    /// Connections refused (maxclients).
    pub conns_rejected: AtomicU64,
    /// The slow log.
    pub slowlog: SlowLog,
    /// Number of clients in MONITOR mode.
    pub monitors: AtomicUsize,
    /// Number of blocked clients.
    pub blocked_clients: AtomicUsize,
    /// The clients in MONITOR mode, and where their connections live.
    pub monitor_list: Mutex<Vec<crate::monitor::MonitorTarget>>,
    /// Set when the server should exit.
    pub shutdown: AtomicBool,
    /// `requirepass` (None: no password).
    pub requirepass: RwLock<Option<Vec<u8>>>,
    /// Unix time of the last successful save.
    pub lastsave: AtomicI64,
    /// CLIENT PAUSE: until this Unix ms, and whether only writes are paused.
    pub pause_until_ms: AtomicI64,
    /// CLIENT PAUSE WRITE (as opposed to ALL).
    pub pause_writes_only: AtomicBool,
    /// Peak memory seen.
    pub peak_memory: AtomicUsize,
    /// TCP port actually bound.
    pub bound_port: AtomicUsize,
    /// TCP listeners replaced at run time (CONFIG SET port / bind).
    pub listeners: crate::net::ListenerControl,
    /// Consumers of every command's effects beyond the built-in ones
    /// (`exec::publish`): keyspace notifications, client tracking and the
    /// propagation stream register here.
    pub effect_sinks: Vec<Box<dyn crate::exec::EffectSink>>,
}

impl Server {
    /// A server with an empty keyspace.
    pub fn new(
        startup: StartupSettings,
        tun: Tunables,
        shards: usize,
        config: crate::config::Config,
        commands: CommandTable,
    ) -> Server {
        let now = crate::clock::unix_ms();
        Server {
            keyspace: Keyspace::new(startup.databases, shards),
            config: Mutex::new(config),
            commands,
            tun,
            startup,
            clients: ClientRegistry::default(),
            workers: OnceLock::new(),
            started: Instant::now(),
            started_unix_ms: now,
            run_id: random_hex(40),
            conns_received: AtomicU64::new(0),
            conns_rejected: AtomicU64::new(0),
            slowlog: SlowLog::default(),
            monitors: AtomicUsize::new(0),
            blocked_clients: AtomicUsize::new(0),
            monitor_list: Mutex::new(Vec::new()),
            shutdown: AtomicBool::new(false),
            requirepass: RwLock::new(None),
            lastsave: AtomicI64::new(now / 1000),
            pause_until_ms: AtomicI64::new(0),
            pause_writes_only: AtomicBool::new(false),
            peak_memory: AtomicUsize::new(0),
            bound_port: AtomicUsize::new(0),
            listeners: crate::net::ListenerControl::default(),
            effect_sinks: Vec::new(),
        }
    }

    /// The worker handles (empty before start-up completes).
    pub fn workers(&self) -> &[WorkerHandle] {
        self.workers.get().map_or(&[], Vec::as_slice)
    }

    /// Sum of a per-worker counter.
    pub fn sum_stat(&self, f: impl Fn(&WorkerStats) -> u64) -> u64 {
        self.workers().iter().map(|w| f(&w.stats)).sum()
    }

    /// True when a password is configured.
    pub fn auth_required(&self) -> bool {
        self.requirepass.read().is_some()
    }

    /// Asks every worker to stop.
    pub fn request_shutdown(&self) {
        self.shutdown.store(true, Relaxed);
        for w in self.workers() {
            w.send(Mail::Shutdown);
        }
    }
}

/// `n` random lowercase hex digits.
pub fn random_hex(n: usize) -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..n)
        .map(|_| char::from(b"0123456789abcdef"[rng.gen_range(0..16)]))
        .collect()
}
