//! A raw RESP client that returns replies as the exact bytes received.
//!
//! [`RawClient`] never interprets replies beyond finding frame boundaries, so
//! tests can compare servers byte for byte; [`RawClient::frame`] and
//! [`RawClient::read_frame`] parse a reply into a [`Frame`] for tests that
//! look inside it. It also supports sending
//! arbitrary bytes (for protocol tests) and detecting connection closure.

use std::fmt;
use std::io::{self, ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::time::Duration;

use super::resp::{self, Frame};

/// Default per-read timeout. A correct server answers in microseconds; this
/// only bounds how long a hung server can stall a test.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// The outcome of waiting for one reply.
#[derive(Clone, Debug)]
pub enum Reply {
    /// One complete frame, as raw bytes (attribute frames include the frame
    /// they decorate).
    Frame(Vec<u8>),
    /// The server closed the connection (EOF or reset) before any byte of a
    /// new frame arrived.
    Closed,
    /// Anything else: timeout, malformed frame, connection dropped in the
    /// middle of a frame. The string describes it (with any partial bytes).
    Failed(String),
}

impl Reply {
    /// The frame bytes, if this is a frame.
    pub fn frame(&self) -> Option<&[u8]> {
        match self {
            Reply::Frame(b) => Some(b),
            _ => None,
        }
    }

    /// Whether two outcomes are identical. `Failed` never equals anything,
    /// so two hung servers do not count as agreeing.
    pub fn same_as(&self, other: &Reply) -> bool {
        match (self, other) {
            (Reply::Frame(a), Reply::Frame(b)) => a == b,
            (Reply::Closed, Reply::Closed) => true,
            _ => false,
        }
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reply::Frame(b) => f.write_str(&resp::escape(b)),
            Reply::Closed => f.write_str("<connection closed>"),
            Reply::Failed(msg) => write!(f, "<failed: {msg}>"),
        }
    }
}

/// A blocking TCP connection speaking raw RESP.
pub struct RawClient {
    stream: TcpStream,
    buf: Vec<u8>,
    closed: bool,
}

impl RawClient {
    /// Connects to `addr` with [`DEFAULT_TIMEOUT`] for reads and writes.
    pub fn connect(addr: SocketAddr) -> io::Result<RawClient> {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(10))?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(DEFAULT_TIMEOUT))?;
        stream.set_write_timeout(Some(DEFAULT_TIMEOUT))?;
        Ok(RawClient {
            stream,
            buf: Vec::new(),
            closed: false,
        })
    }

    /// The underlying socket, for tests that read raw bytes themselves.
    pub fn into_stream(self) -> TcpStream {
        self.stream
    }

    /// The local address of the connection (as the server sees the client).
    pub fn local_addr(&self) -> SocketAddr {
        self.stream
            .local_addr()
            .unwrap_or_else(|e| panic!("local address: {e}"))
    }

    /// Changes the read timeout.
    pub fn set_timeout(&mut self, timeout: Duration) -> io::Result<()> {
        self.stream.set_read_timeout(Some(timeout))
    }

    /// Sends one command encoded as a RESP multibulk request.
    pub fn send_command<A: AsRef<[u8]>>(&mut self, args: &[A]) -> io::Result<()> {
        self.send_raw(&resp::encode_command(args))
    }

    /// Sends several commands in one write (a pipeline), without reading
    /// any reply.
    pub fn send_pipeline<C: AsRef<[A]>, A: AsRef<[u8]>>(
        &mut self,
        commands: &[C],
    ) -> io::Result<()> {
        let bytes: Vec<u8> = commands
            .iter()
            .flat_map(|c| resp::encode_command(c.as_ref()))
            .collect();
        self.send_raw(&bytes)
    }

    /// Sends arbitrary bytes verbatim.
    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)?;
        self.stream.flush()
    }

    /// Half-closes the connection for writing (the server sees EOF).
    pub fn shutdown_write(&mut self) -> io::Result<()> {
        self.stream.shutdown(Shutdown::Write)
    }

    /// Bytes received but not yet consumed as a frame.
    pub fn pending(&self) -> &[u8] {
        &self.buf
    }

    /// Reads exactly one complete reply frame and returns its raw bytes.
    pub fn read_reply(&mut self) -> Reply {
        loop {
            match resp::frame_len(&self.buf) {
                Ok(Some(n)) => return Reply::Frame(self.buf.drain(..n).collect()),
                Ok(None) => {}
                Err(e) => {
                    return Reply::Failed(format!(
                        "malformed reply ({e}); bytes: {}",
                        resp::escape(&self.buf)
                    ))
                }
            }
            if self.closed {
                return self.eof_outcome("connection closed");
            }
            let mut chunk = [0u8; 16 * 1024];
            match self.stream.read(&mut chunk) {
                Ok(0) => {
                    self.closed = true;
                    return self.eof_outcome("connection closed");
                }
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return Reply::Failed(format!(
                        "timed out waiting for a reply; partial bytes: {}",
                        resp::escape(&self.buf)
                    ));
                }
                Err(e) => {
                    self.closed = true;
                    return self.eof_outcome(&e.to_string());
                }
            }
        }
    }

    fn eof_outcome(&self, why: &str) -> Reply {
        if self.buf.is_empty() {
            Reply::Closed
        } else {
            Reply::Failed(format!(
                "{why} in the middle of a frame: {}",
                resp::escape(&self.buf)
            ))
        }
    }

    /// Sends a command and reads its reply.
    pub fn request<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Reply {
        match self.send_command(args) {
            Ok(()) => self.read_reply(),
            // The server may have closed the connection; report what it sent.
            Err(_) => match self.read_reply() {
                Reply::Frame(f) => Reply::Frame(f),
                _ => Reply::Closed,
            },
        }
    }

    /// Convenience for ordinary tests: sends a command and returns the raw
    /// reply bytes, panicking if no complete frame arrives.
    pub fn cmd<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Vec<u8> {
        match self.request(args) {
            Reply::Frame(f) => f,
            other => panic!("{}: {other}", resp::format_args(args)),
        }
    }

    /// Like [`RawClient::cmd`] but splits a redis-cli-like line on spaces
    /// (no quoting), e.g. `c.line("SET k v")`.
    pub fn line(&mut self, line: &str) -> Vec<u8> {
        let args: Vec<&str> = line.split_whitespace().collect();
        self.cmd(&args)
    }

    /// Reads one reply and parses it, panicking if no complete, well-formed
    /// frame arrives.
    pub fn read_frame(&mut self) -> Frame {
        match self.read_reply() {
            Reply::Frame(bytes) => resp::parse_exact(&bytes)
                .unwrap_or_else(|e| panic!("{e}: {}", resp::escape(&bytes))),
            other => panic!("no reply: {other}"),
        }
    }

    /// Like [`RawClient::cmd`], returning the reply parsed (for tests that
    /// look inside replies or compare them with [`Frame`] constructors).
    pub fn frame<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Frame {
        let bytes = self.cmd(args);
        resp::parse_exact(&bytes).unwrap_or_else(|e| panic!("{}: {e}", resp::format_args(args)))
    }

    /// Sends several commands in one write, then reads and parses all their
    /// replies.
    pub fn pipeline<C: AsRef<[A]>, A: AsRef<[u8]>>(&mut self, commands: &[C]) -> Vec<Frame> {
        if let Err(e) = self.send_pipeline(commands) {
            panic!("sending a pipeline of {} commands: {e}", commands.len());
        }
        commands.iter().map(|_| self.read_frame()).collect()
    }

    /// Like [`RawClient::line`], returning the reply parsed.
    pub fn frame_line(&mut self, line: &str) -> Frame {
        let args: Vec<&str> = line.split_whitespace().collect();
        self.frame(&args)
    }

    /// Determines whether the server has closed this connection, by sending
    /// a `PING` and checking whether anything but EOF/reset comes back.
    /// Any unread frame already buffered counts as "open". Deterministic: no
    /// timing is involved beyond the read timeout.
    pub fn is_closed(&mut self) -> bool {
        if !self.buf.is_empty() {
            return false;
        }
        if !self.closed {
            // A failed write (EPIPE/reset) shows up as EOF on the read below.
            let _ = self.send_raw(b"*1\r\n$4\r\nPING\r\n");
        }
        matches!(self.read_reply(), Reply::Closed)
    }
}
