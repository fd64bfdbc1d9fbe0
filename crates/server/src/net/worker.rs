//! A worker thread: one event loop owning a set of connections, plus its cron.
//!
//! The cron runs `hz` times a second on every worker: idle-client timeouts for the
//! worker's own connections and active expiry over the lock shards assigned to it
//! (shard `i` belongs to worker `i % workers`).

use std::collections::BTreeSet;
use std::io;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mio::{Events, Interest, Poll, Token, Waker};

use super::conn::{Conn, Next};
use super::{Accepted, Stream};
use crate::client::{flag, Client, ClientShared};
use crate::keyspace::expire::{active_expire_cycle, ExpireCursor};
use crate::server::{Mail, Server};
use crate::stats::{bump, WorkerStats};

const WAKER: Token = Token(usize::MAX);

/// A worker's event loop state.
pub struct Worker {
    id: usize,
    count: usize,
    srv: &'static Server,
    poll: Poll,
    rx: crossbeam_channel::Receiver<Mail>,
    conns: Vec<Option<Conn>>,
    free: Vec<usize>,
    stats: Arc<WorkerStats>,
    expire_cursor: ExpireCursor,
    /// Blocked clients with a timeout: (deadline ms, token, client id).
    deadlines: BTreeSet<(i64, usize, u64)>,
    /// Some connection has a command held by CLIENT PAUSE.
    any_postponed: bool,
}

/// What [`Worker::create`] returns: the worker and how to reach it.
pub struct Created {
    /// The worker, to be run on its thread.
    pub worker: Worker,
    /// Its mailbox.
    pub tx: crossbeam_channel::Sender<Mail>,
    /// Its waker.
    pub waker: Arc<Waker>,
    /// Its counters.
    pub stats: Arc<WorkerStats>,
}

impl Worker {
    /// Creates worker `id` of `count`.
    pub fn create(id: usize, count: usize, srv: &'static Server) -> io::Result<Created> {
        let poll = Poll::new()?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        let (tx, rx) = crossbeam_channel::unbounded();
        let stats = Arc::new(WorkerStats::new(srv.commands.id_count()));
        let worker = Worker {
            id,
            count,
            srv,
            poll,
            rx,
            conns: Vec::new(),
            free: Vec::new(),
            stats: stats.clone(),
            expire_cursor: ExpireCursor::default(),
            deadlines: BTreeSet::new(),
            any_postponed: false,
        };
        Ok(Created {
            worker,
            tx,
            waker,
            stats,
        })
    }

    /// Runs until shutdown.
    pub fn run(mut self) {
        let mut events = Events::with_capacity(1024);
        let mut next_cron = Instant::now();
        loop {
            let mut timeout = next_cron.saturating_duration_since(Instant::now());
            if let Some(&(deadline, _, _)) = self.deadlines.first() {
                let wait = u64::try_from(deadline - crate::clock::unix_ms()).unwrap_or(0);
                timeout = timeout.min(Duration::from_millis(wait));
            }
            if let Err(e) = self.poll.poll(&mut events, Some(timeout)) {
                if e.kind() != io::ErrorKind::Interrupted {
                    crate::warning!("Worker {} poll failed: {e}", self.id);
                    break;
                }
            }
            for ev in events.iter() {
                if ev.token() == WAKER {
                    continue;
                }
                self.on_event(
                    ev.token().0,
                    ev.is_readable() || ev.is_read_closed(),
                    ev.is_read_closed() || ev.is_error(),
                    ev.is_writable(),
                );
            }
            if self.drain_mail() {
                break;
            }
            self.expire_blocked();
            if Instant::now() >= next_cron {
                self.cron();
                let hz = self.srv.tun.hz.load(Relaxed).clamp(1, 500);
                next_cron = Instant::now() + Duration::from_millis(1000 / hz);
            }
        }
        for token in 0..self.conns.len() {
            if let Some(c) = self.conns.get_mut(token).and_then(Option::as_mut) {
                let _ = c.flush(&self.stats);
            }
            self.close(token);
        }
    }

    /// Handles the mailbox; true when the worker must stop.
    fn drain_mail(&mut self) -> bool {
        while let Ok(mail) = self.rx.try_recv() {
            match mail {
                Mail::NewConn(a) => self.adopt(a),
                Mail::Push {
                    token,
                    client_id,
                    bytes,
                } => {
                    let Some(conn) = self.conns.get_mut(token).and_then(Option::as_mut) else {
                        continue;
                    };
                    if conn.client.id() != client_id {
                        continue;
                    }
                    conn.out.raw(&bytes);
                    self.after_io(token);
                }
                Mail::Unblocked {
                    token,
                    client_id,
                    bytes,
                } => {
                    let Some(conn) = self.conns.get_mut(token).and_then(Option::as_mut) else {
                        continue;
                    };
                    if conn.client.id() != client_id || !conn.blocked {
                        continue;
                    }
                    let waiter = conn.client.shared.waiter.lock().clone();
                    if let Some(w) = waiter {
                        crate::exec::blocking::unregister(self.srv, &w);
                    }
                    if conn.unblock_with(self.srv, &self.stats, &bytes) == Next::Close {
                        let _ = conn.flush(&self.stats);
                        self.close(token);
                        continue;
                    }
                    self.after_io(token);
                }
                Mail::CheckKills => {
                    for token in 0..self.conns.len() {
                        let kill = self.conns[token]
                            .as_ref()
                            .is_some_and(|c| c.client.shared.kill.load(Relaxed));
                        if kill {
                            self.close(token);
                        }
                    }
                }
                Mail::Unpaused => self.retry_postponed(),
                Mail::Shutdown => return true,
            }
        }
        self.srv.shutdown.load(Relaxed)
    }

    fn adopt(&mut self, a: Accepted) {
        let token = self.free.pop().unwrap_or_else(|| {
            self.conns.push(None);
            self.conns.len() - 1
        });
        let mut stream = a.stream;
        let registered = match &mut stream {
            Stream::Tcp(s) => self
                .poll
                .registry()
                .register(s, Token(token), Interest::READABLE),
            Stream::Unix(s) => self
                .poll
                .registry()
                .register(s, Token(token), Interest::READABLE),
        };
        if registered.is_err() {
            self.free.push(token);
            self.srv.clients.connected.fetch_sub(1, Relaxed);
            return;
        }
        let id = self.srv.clients.next_id();
        let now = crate::clock::unix_ms();
        let shared = Arc::new(ClientShared::new(
            id,
            self.id,
            token,
            a.addr,
            a.laddr,
            stream.fd(),
            now,
        ));
        if a.unix {
            shared.set_flag(flag::UNIX_SOCKET, true);
        }
        self.srv.clients.add(shared.clone());
        let authenticated = !self.srv.auth_required();
        self.conns[token] = Some(Conn::new(stream, Client::new(shared, authenticated)));
    }

    fn on_event(&mut self, token: usize, readable: bool, peer_closed: bool, writable: bool) {
        let Some(conn) = self.conns.get_mut(token).and_then(Option::as_mut) else {
            return;
        };
        // A bug must cost one connection, not the worker and all its clients: a
        // panic while serving this client closes it and is logged.
        let srv = self.srv;
        let stats = &self.stats;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            if readable {
                conn.on_readable(srv, stats, peer_closed)
            } else {
                Next::Open
            }
        }));
        let Ok(next) = outcome else {
            crate::warning!(
                "BUG: a panic occurred while serving client id={}; closing it",
                conn.client.id()
            );
            self.close(token);
            return;
        };
        if next == Next::Close {
            let _ = conn.flush(&self.stats);
            self.close(token);
            return;
        }
        self.any_postponed |= conn.postponed;
        let _ = writable;
        self.after_io(token);
    }

    /// Times out blocked clients whose deadline passed.
    fn expire_blocked(&mut self) {
        let now = crate::clock::unix_ms();
        while let Some(&(deadline, token, id)) = self.deadlines.first() {
            if deadline > now {
                break;
            }
            self.deadlines.pop_first();
            let Some(conn) = self.conns.get_mut(token).and_then(Option::as_mut) else {
                continue;
            };
            if conn.client.id() != id || !conn.blocked {
                continue;
            }
            let waiter = conn.client.shared.waiter.lock().clone();
            let Some(w) = waiter else { continue };
            if !w.cancel() {
                // Being served right now: its reply is on the way; look again shortly.
                self.deadlines.insert((now + 1, token, id));
                continue;
            }
            crate::exec::blocking::unregister(self.srv, &w);
            let reply = crate::exec::blocking::timeout_reply_bytes(&w);
            if conn.unblock_with(self.srv, &self.stats, &reply) == Next::Close {
                let _ = conn.flush(&self.stats);
                self.close(token);
                continue;
            }
            self.after_io(token);
        }
    }

    /// Flushes output and keeps WRITABLE interest in step with pending output.
    fn after_io(&mut self, token: usize) {
        let Some(conn) = self.conns.get_mut(token).and_then(Option::as_mut) else {
            return;
        };
        if conn.blocked && !conn.deadline_tracked {
            conn.deadline_tracked = true;
            let deadline = conn
                .client
                .shared
                .waiter
                .lock()
                .as_ref()
                .and_then(|w| w.deadline_ms);
            if let Some(d) = deadline {
                self.deadlines.insert((d, token, conn.client.id()));
            }
        }
        if conn.client.shared.kill.load(Relaxed) {
            conn.closing = true;
        }
        if conn.flush(&self.stats) == Next::Close {
            self.close(token);
            return;
        }
        let pending = conn.has_pending_output();
        if pending != conn.wants_write {
            let interest = if pending {
                Interest::READABLE | Interest::WRITABLE
            } else {
                Interest::READABLE
            };
            let result = match &mut conn.stream {
                Stream::Tcp(s) => self.poll.registry().reregister(s, Token(token), interest),
                Stream::Unix(s) => self.poll.registry().reregister(s, Token(token), interest),
            };
            if result.is_err() {
                self.close(token);
                return;
            }
            conn.wants_write = pending;
        }
    }

    /// Closes a connection and forgets the client.
    fn close(&mut self, token: usize) {
        let Some(mut conn) = self.conns.get_mut(token).and_then(Option::take) else {
            return;
        };
        let _ = match &mut conn.stream {
            Stream::Tcp(s) => self.poll.registry().deregister(s),
            Stream::Unix(s) => self.poll.registry().deregister(s),
        };
        if conn.blocked {
            let waiter = conn.client.shared.waiter.lock().clone();
            if let Some(w) = waiter {
                w.cancel();
                crate::exec::blocking::unregister(self.srv, &w);
            }
        }
        if conn.client.shared.has_flag(flag::MONITOR) {
            self.srv.monitors.fetch_sub(1, Relaxed);
            crate::monitor::remove_monitor(self.srv, conn.client.id());
        }
        self.srv.clients.remove(conn.client.id());
        self.srv.clients.connected.fetch_sub(1, Relaxed);
        self.free.push(token);
    }

    /// Re-runs the input of connections whose command CLIENT PAUSE held; those
    /// still covered by the pause are held again.
    fn retry_postponed(&mut self) {
        if !self.any_postponed {
            return;
        }
        self.any_postponed = false;
        for token in 0..self.conns.len() {
            let Some(conn) = self.conns.get_mut(token).and_then(Option::as_mut) else {
                continue;
            };
            if !conn.postponed {
                continue;
            }
            if conn.resume(self.srv, &self.stats) == Next::Close {
                let _ = conn.flush(&self.stats);
                self.close(token);
                continue;
            }
            self.any_postponed |= conn.postponed;
            self.after_io(token);
        }
    }

    /// Periodic work: idle timeouts, held commands and active expiry.
    fn cron(&mut self) {
        let now = crate::clock::unix_ms();
        let timeout = self.srv.tun.timeout_secs.load(Relaxed) as i64;
        if timeout > 0 {
            for token in 0..self.conns.len() {
                let idle = self.conns[token].as_ref().is_some_and(|c| {
                    let s = &c.client.shared;
                    !s.has_flag(flag::MONITOR | flag::BLOCKED | flag::PUBSUB | flag::PAUSED)
                        && now - s.last_interaction_ms.load(Relaxed) > timeout * 1000
                });
                if idle {
                    crate::verbose!("Closing idle client");
                    self.close(token);
                }
            }
        }
        self.retry_postponed();
        // Redis suspends active expiry while clients are paused (CLIENT PAUSE).
        let paused = self.srv.pause_until_ms.load(Relaxed) > now;
        if self.srv.tun.active_expire.load(Relaxed) && !paused {
            // Redis spends at most 25% of a cron period on active expiry.
            let hz = self.srv.tun.hz.load(Relaxed).clamp(1, 500);
            let budget = Duration::from_micros(250_000 / hz);
            let (srv, worker_stats) = (self.srv, &self.stats);
            let stats = active_expire_cycle(
                &self.srv.keyspace,
                &mut self.expire_cursor,
                self.id,
                self.count,
                now,
                Instant::now() + budget,
                &mut |locked| {
                    let mut ready = Vec::new();
                    crate::exec::publish::publish(srv, locked, &mut ready, worker_stats, 0, None);
                },
            );
            if stats.timed_out {
                bump(&self.stats.expire_cycle_timeouts, 1);
            }
        }
        // A quick re-check on client reads uses this: record the latest timeout updates.
        let used = crate::memory::used_memory();
        self.srv.peak_memory.fetch_max(used, Relaxed);
        if self.id == 0 {
            crate::commands::info::sample_metrics(self.srv);
        }
    }
}
