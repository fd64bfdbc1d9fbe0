//! Client state: the part a worker owns, and the part other threads may read.
//!
//! A connection's state lives on its worker ([`Client`]). What CLIENT LIST, CLIENT
//! KILL and INFO need from other threads is in [`ClientShared`], updated with relaxed
//! atomics by the owning worker (no cross-thread traffic unless someone reads it).

use std::collections::BTreeMap;
use std::sync::atomic::{
    AtomicBool, AtomicI64, AtomicU32, AtomicU64, AtomicUsize, Ordering::Relaxed,
};
use std::sync::Arc;

use parking_lot::Mutex;

/// CLIENT REPLY mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyMode {
    /// Replies are sent.
    On,
    /// Replies are discarded.
    Off,
    /// CLIENT REPLY SKIP ran: the next command's reply is discarded.
    SkipNext,
    /// The running command's reply is discarded (it follows CLIENT REPLY SKIP).
    Skip,
}

/// Flag bits kept in [`ClientShared::flags`].
pub mod flag {
    /// In MONITOR mode.
    pub const MONITOR: u32 = 1 << 0;
    /// Inside MULTI.
    pub const MULTI: u32 = 1 << 1;
    /// CLIENT NO-EVICT on.
    pub const NO_EVICT: u32 = 1 << 2;
    /// CLIENT NO-TOUCH on.
    pub const NO_TOUCH: u32 = 1 << 3;
    /// Unix-socket connection.
    pub const UNIX_SOCKET: u32 = 1 << 4;
    /// Blocked in a command.
    pub const BLOCKED: u32 = 1 << 5;
    /// Pub/sub mode.
    pub const PUBSUB: u32 = 1 << 6;
    /// A command is held by CLIENT PAUSE (shown as `b`, like Redis's postponed clients).
    pub const PAUSED: u32 = 1 << 7;
    /// Will be closed after the pending reply is written.
    pub const CLOSE_AFTER_REPLY: u32 = 1 << 8;
}

/// What other threads can see of a client.
#[derive(Debug)]
pub struct ClientShared {
    /// Unique, increasing id.
    pub id: u64,
    /// Owning worker.
    pub worker: usize,
    /// Token of the connection on its worker.
    pub token: usize,
    /// Peer address (`ip:port` or `/path:0`).
    pub addr: String,
    /// Local address.
    pub laddr: String,
    /// Socket file descriptor.
    pub fd: i32,
    /// Creation time (Unix ms).
    pub created_ms: i64,
    /// Last interaction (Unix ms).
    pub last_interaction_ms: AtomicI64,
    /// Selected database.
    pub db: AtomicU32,
    /// Protocol version (2 or 3).
    pub resp: AtomicU32,
    /// Statistics id of the last command.
    pub last_cmd: AtomicUsize,
    /// [`flag`] bits.
    pub flags: AtomicU32,
    /// Query buffer length.
    pub qbuf: AtomicUsize,
    /// Query buffer capacity.
    pub qbuf_cap: AtomicUsize,
    /// Pending output bytes.
    pub obuf: AtomicUsize,
    /// Output buffer capacity.
    pub obuf_cap: AtomicUsize,
    /// Commands in the MULTI queue.
    pub multi_len: AtomicI64,
    /// Set by CLIENT KILL; the worker closes the connection when it sees it.
    pub kill: AtomicBool,
    /// Bytes read from this client.
    pub net_in: AtomicU64,
    /// Bytes written to this client.
    pub net_out: AtomicU64,
    /// Commands processed.
    pub commands: AtomicU64,
    /// Pub/sub channel subscriptions (CLIENT LIST `sub`).
    pub sub: AtomicUsize,
    /// Pub/sub pattern subscriptions (CLIENT LIST `psub`).
    pub psub: AtomicUsize,
    /// Shard channel subscriptions (CLIENT LIST `ssub`).
    pub ssub: AtomicUsize,
    /// CLIENT SETNAME value.
    pub name: Mutex<Vec<u8>>,
    /// CLIENT SETINFO lib-name.
    pub lib_name: Mutex<Vec<u8>>,
    /// CLIENT SETINFO lib-ver.
    pub lib_ver: Mutex<Vec<u8>>,
    /// Authenticated user.
    pub user: Mutex<String>,
    /// The wait this client is blocked in, if any (for CLIENT UNBLOCK and timeouts).
    pub waiter: Mutex<Option<Arc<crate::keyspace::blocking::Waiter>>>,
}

impl ClientShared {
    /// A new client record.
    pub fn new(
        id: u64,
        worker: usize,
        token: usize,
        addr: String,
        laddr: String,
        fd: i32,
        now_ms: i64,
    ) -> Self {
        ClientShared {
            id,
            worker,
            token,
            addr,
            laddr,
            fd,
            created_ms: now_ms,
            last_interaction_ms: AtomicI64::new(now_ms),
            db: AtomicU32::new(0),
            resp: AtomicU32::new(2),
            last_cmd: AtomicUsize::new(usize::MAX),
            flags: AtomicU32::new(0),
            qbuf: AtomicUsize::new(0),
            qbuf_cap: AtomicUsize::new(0),
            obuf: AtomicUsize::new(0),
            obuf_cap: AtomicUsize::new(0),
            multi_len: AtomicI64::new(-1),
            kill: AtomicBool::new(false),
            net_in: AtomicU64::new(0),
            net_out: AtomicU64::new(0),
            commands: AtomicU64::new(0),
            sub: AtomicUsize::new(0),
            psub: AtomicUsize::new(0),
            ssub: AtomicUsize::new(0),
            name: Mutex::new(Vec::new()),
            lib_name: Mutex::new(Vec::new()),
            lib_ver: Mutex::new(Vec::new()),
            user: Mutex::new("default".into()),
            waiter: Mutex::new(None),
        }
    }

    /// True when the flag is set.
    pub fn has_flag(&self, f: u32) -> bool {
        self.flags.load(Relaxed) & f != 0
    }

    /// Sets or clears a flag.
    pub fn set_flag(&self, f: u32, on: bool) {
        if on {
            self.flags.fetch_or(f, Relaxed);
        } else {
            self.flags.fetch_and(!f, Relaxed);
        }
    }
}

/// A connection's state, owned by its worker.
#[derive(Debug)]
pub struct Client {
    /// The shared part.
    pub shared: Arc<ClientShared>,
    /// Selected database.
    pub db: usize,
    /// Passed AUTH (or no password is required).
    pub authenticated: bool,
    /// CLIENT REPLY mode.
    pub reply_mode: ReplyMode,
    /// Close the connection once pending replies are written.
    pub close_after_reply: bool,
    /// CLIENT NO-TOUCH is on.
    pub no_touch: bool,
    /// The open transaction (MULTI ... EXEC).
    pub multi: Option<crate::exec::multi::MultiState>,
    /// The keys watched for the next EXEC.
    pub watch: Option<crate::exec::multi::WatchSet>,
}

impl Client {
    /// A fresh client in database 0.
    pub fn new(shared: Arc<ClientShared>, authenticated: bool) -> Self {
        Client {
            shared,
            db: 0,
            authenticated,
            reply_mode: ReplyMode::On,
            close_after_reply: false,
            no_touch: false,
            multi: None,
            watch: None,
        }
    }

    /// The client id.
    pub fn id(&self) -> u64 {
        self.shared.id
    }

    /// True inside MULTI: blocking commands must not block there.
    pub fn in_multi(&self) -> bool {
        self.shared.has_flag(flag::MULTI)
    }
}

/// Every connected client, by id.
#[derive(Default)]
pub struct ClientRegistry {
    clients: Mutex<BTreeMap<u64, Arc<ClientShared>>>,
    next_id: AtomicU64,
    /// Number of connected clients: counted up when the acceptor admits a
    /// connection and down when its worker closes it (not by [`add`](Self::add) /
    /// [`remove`](Self::remove), which would count each client twice).
    pub connected: AtomicUsize,
}

impl ClientRegistry {
    /// Allocates the next client id (ids start at 1 and never repeat).
    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Relaxed) + 1
    }

    /// Adds a client.
    pub fn add(&self, c: Arc<ClientShared>) {
        self.clients.lock().insert(c.id, c);
    }

    /// Removes a client.
    pub fn remove(&self, id: u64) {
        self.clients.lock().remove(&id);
    }

    /// A snapshot of all clients, by increasing id.
    pub fn all(&self) -> Vec<Arc<ClientShared>> {
        self.clients.lock().values().cloned().collect()
    }

    /// One client by id.
    pub fn get(&self, id: u64) -> Option<Arc<ClientShared>> {
        self.clients.lock().get(&id).cloned()
    }
}
