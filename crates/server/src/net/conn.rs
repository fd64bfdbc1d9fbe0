//! One client connection: buffers, parser, and the read → execute → write cycle.

use std::io::{self, Read, Write};
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use cinnabar_resp::{Parsed, ReplyBuf, RequestParser};

use super::Stream;
use crate::client::Client;
use crate::dispatch::{self, After};
use crate::server::Server;
use crate::stats::{bump, WorkerStats};
use crate::verbose;

/// Read chunk size, as Redis's `PROTO_IOBUF_LEN`.
const READ_CHUNK: usize = 16 * 1024;
/// An idle connection's buffers are shrunk back when larger than this.
const SHRINK_ABOVE: usize = 64 * 1024;

/// What the worker should do with the connection next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Keep it open.
    Open,
    /// Close it now.
    Close,
}

/// A client connection.
pub struct Conn {
    /// The socket.
    pub stream: Stream,
    /// Input bytes; `inbuf[..filled]` is data, the rest is zeroed space.
    inbuf: Vec<u8>,
    filled: usize,
    parser: RequestParser,
    /// Pending replies.
    pub out: ReplyBuf,
    out_pos: usize,
    /// The client's state.
    pub client: Client,
    /// Whether WRITABLE interest is registered.
    pub wants_write: bool,
    /// Close once the output is flushed.
    pub closing: bool,
    /// Blocked in a command (BLPOP, ...): input is buffered but not processed.
    pub blocked: bool,
    /// The blocked client's deadline is in the worker's timeout set.
    pub deadline_tracked: bool,
    /// CLIENT PAUSE holds the first command in `inbuf`; the worker retries it
    /// with [`Conn::resume`].
    pub postponed: bool,
    /// Since when the pending output has been above the soft limit.
    soft_limit_since: Option<Instant>,
}

impl Conn {
    /// Wraps an accepted socket.
    pub fn new(stream: Stream, client: Client) -> Conn {
        Conn {
            stream,
            inbuf: Vec::new(),
            filled: 0,
            parser: RequestParser::default(),
            out: ReplyBuf::new(),
            out_pos: 0,
            client,
            wants_write: false,
            closing: false,
            blocked: false,
            deadline_tracked: false,
            postponed: false,
            soft_limit_since: None,
        }
    }

    /// Reads what is available and runs the commands it completes.
    ///
    /// Events are edge-triggered, so the socket must be left drained. A read
    /// that returns less than the room it was given has drained it (later data
    /// raises a new edge), which saves the extra `read` that would only return
    /// `EAGAIN` — one system call per request for a non-pipelining client. When
    /// the peer has half-closed (`peer_closed`), reading goes on to the EOF.
    pub fn on_readable(
        &mut self,
        srv: &'static Server,
        stats: &WorkerStats,
        peer_closed: bool,
    ) -> Next {
        loop {
            if self.closing {
                return Next::Open; // flush pending output first
            }
            if self.filled == self.inbuf.len() {
                let grow = self.inbuf.len().max(READ_CHUNK);
                self.inbuf.resize(self.inbuf.len() + grow, 0);
            }
            let room = self.inbuf.len() - self.filled;
            let read = match self.stream.read(&mut self.inbuf[self.filled..]) {
                Ok(0) => return Next::Close,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return Next::Close,
            };
            self.filled += read;
            bump(&stats.net_input, read as u64);
            bump(&self.client.shared.net_in, read as u64);
            if self.process_input(srv, stats) == Next::Close {
                return Next::Close;
            }
            if read < room && !peer_closed {
                break;
            }
        }
        self.client.shared.qbuf.store(self.filled, Relaxed);
        self.client.shared.qbuf_cap.store(self.inbuf.len(), Relaxed);
        Next::Open
    }

    /// Retries input held by CLIENT PAUSE (called by the worker while paused
    /// connections wait, and when the pause is lifted).
    pub fn resume(&mut self, srv: &'static Server, stats: &WorkerStats) -> Next {
        self.postponed = false;
        self.client
            .shared
            .set_flag(crate::client::flag::PAUSED, false);
        let next = self.process_input(srv, stats);
        self.client.shared.qbuf.store(self.filled, Relaxed);
        next
    }

    /// Parses and executes complete commands in the input buffer.
    fn process_input(&mut self, srv: &'static Server, stats: &WorkerStats) -> Next {
        crate::clock::begin_batch();
        let next = self.process_batch(srv, stats);
        crate::clock::end_batch();
        next
    }

    fn process_batch(&mut self, srv: &'static Server, stats: &WorkerStats) -> Next {
        self.parser.max_bulk_len = srv.tun.proto_max_bulk_len.load(Relaxed);
        self.parser.authenticated = self.client.authenticated || !srv.auth_required();
        // Where the held command starts, when CLIENT PAUSE postpones one.
        let mut held_at = None;
        while !self.closing && !self.blocked {
            let data = &self.inbuf[..self.filled];
            // The start of the command the next parse completes: everything before
            // it was consumed by earlier commands.
            let cmd_start = self.parser.droppable();
            match self.parser.parse(data) {
                Ok(Parsed::Command) => {
                    let args = self.parser.args(data);
                    match dispatch::execute(srv, stats, &mut self.client, &mut self.out, &args) {
                        After::Continue => {}
                        After::Close => self.closing = true,
                        After::Block => self.blocked = true,
                        After::Postponed => {
                            held_at = Some(cmd_start);
                            break;
                        }
                    }
                    self.parser.authenticated = self.client.authenticated || !srv.auth_required();
                }
                Ok(Parsed::Incomplete) => break,
                Err(e) => {
                    let text = e.message();
                    verbose!(
                        "Protocol error ({text}) from client: id={} addr={}",
                        self.client.id(),
                        self.client.shared.addr
                    );
                    self.out.error(&text);
                    for err in self.out.take_errors() {
                        stats.record_error(&err);
                    }
                    self.closing = true;
                }
            }
            if self.output_over_limit(srv) {
                crate::warning!("Client id={} addr={} scheduled to be closed ASAP for overcoming of output buffer limits.", self.client.id(), self.client.shared.addr);
                // Redis drops the client without sending what is queued.
                self.out.buf.clear();
                self.out_pos = 0;
                return Next::Close;
            }
        }
        if let Some(start) = held_at {
            // Keep the held command (and what follows) unparsed: drop what came
            // before it and restart the parser at its first byte.
            self.inbuf.copy_within(start..self.filled, 0);
            self.filled -= start;
            let mut parser = RequestParser::new(self.parser.max_bulk_len);
            parser.authenticated = self.parser.authenticated;
            self.parser = parser;
            self.postponed = true;
            self.client
                .shared
                .set_flag(crate::client::flag::PAUSED, true);
        } else if !self.closing {
            // (Not when closing: the loop then stops right after a command, before
            // the parser resets its command start, and `shift` would underflow.)
            let droppable = self.parser.droppable();
            if droppable > 0 {
                if droppable >= self.filled {
                    self.filled = 0;
                } else {
                    self.inbuf.copy_within(droppable..self.filled, 0);
                    self.filled -= droppable;
                }
                self.parser.shift(droppable);
            }
            if self.filled == 0 && self.inbuf.len() > SHRINK_ABOVE {
                self.inbuf = Vec::new();
            }
        }
        if self.filled > srv.tun.client_query_buffer_limit.load(Relaxed) {
            verbose!(
                "Closing client that reached max query buffer length: id={}",
                self.client.id()
            );
            return Next::Close;
        }
        Next::Open
    }

    /// Ends a block with the given reply and runs the commands that queued up meanwhile.
    pub fn unblock_with(
        &mut self,
        srv: &'static Server,
        stats: &WorkerStats,
        reply: &[u8],
    ) -> Next {
        self.out.raw(reply);
        self.blocked = false;
        self.deadline_tracked = false;
        self.process_input(srv, stats)
    }

    /// `client-output-buffer-limit normal`: over the hard limit, or over the
    /// soft limit for longer than its seconds (counted in whole seconds, as
    /// Redis counts them; dropping below the soft limit restarts the clock).
    fn output_over_limit(&mut self, srv: &Server) -> bool {
        let [hard, soft, secs] = &srv.tun.output_limits[0];
        let (hard, soft, secs) = (hard.load(Relaxed), soft.load(Relaxed), secs.load(Relaxed));
        let pending = (self.out.len() - self.out_pos) as u64;
        if hard > 0 && pending > hard {
            return true;
        }
        if soft == 0 || pending <= soft {
            self.soft_limit_since = None;
            return false;
        }
        match self.soft_limit_since {
            None => {
                self.soft_limit_since = Some(Instant::now());
                false
            }
            Some(since) => since.elapsed().as_secs() > secs,
        }
    }

    /// True when replies are waiting to be written.
    pub fn has_pending_output(&self) -> bool {
        self.out_pos < self.out.len()
    }

    /// Writes as much pending output as the socket takes.
    pub fn flush(&mut self, stats: &WorkerStats) -> Next {
        while self.out_pos < self.out.len() {
            match self.stream.write(&self.out.buf[self.out_pos..]) {
                Ok(0) => return Next::Close,
                Ok(n) => {
                    self.out_pos += n;
                    bump(&stats.net_output, n as u64);
                    bump(&self.client.shared.net_out, n as u64);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return Next::Close,
            }
        }
        if self.out_pos == self.out.len() {
            self.out.buf.clear();
            self.out_pos = 0;
            if self.out.buf.capacity() > SHRINK_ABOVE * 16 {
                self.out.buf = Vec::new();
            }
            if self.closing {
                return Next::Close;
            }
        }
        self.client
            .shared
            .obuf
            .store(self.out.len() - self.out_pos, Relaxed);
        Next::Open
    }
}
