//! Networking: listeners, the acceptor, and the worker event loops.
//!
//! The main thread accepts connections on every listener and hands each one to a
//! worker in turn; from then on the connection is read, parsed, executed and
//! answered on that worker only.

pub mod conn;
pub mod worker;

use std::io::{self, Write};
use std::net::{IpAddr, SocketAddr};
use std::os::fd::AsRawFd;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::OnceLock;
use std::time::Duration;

use mio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use mio::{Events, Interest, Poll, Token};
use parking_lot::Mutex;

use crate::server::{Mail, Server};
use crate::{notice, warning};

/// A client socket of either kind.
#[derive(Debug)]
pub enum Stream {
    /// TCP.
    Tcp(TcpStream),
    /// Unix domain socket.
    Unix(UnixStream),
}

impl Stream {
    /// The file descriptor.
    pub fn fd(&self) -> i32 {
        match self {
            Stream::Tcp(s) => s.as_raw_fd(),
            Stream::Unix(s) => s.as_raw_fd(),
        }
    }
}

impl io::Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.read(buf),
            Stream::Unix(s) => s.read(buf),
        }
    }
}

impl io::Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Tcp(s) => s.write(buf),
            Stream::Unix(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// An accepted connection on its way to a worker.
#[derive(Debug)]
pub struct Accepted {
    /// The socket.
    pub stream: Stream,
    /// Peer address as CLIENT LIST shows it.
    pub addr: String,
    /// Local address as CLIENT LIST shows it.
    pub laddr: String,
    /// True for unix-socket connections.
    pub unix: bool,
}

enum Listener {
    Unix(UnixListener, String),
}

/// The bound listeners.
pub struct Listeners {
    list: Vec<Listener>,
    /// Port actually bound (useful with port 0).
    pub port: u16,
}

/// The TCP listeners, shared between the acceptor (which accepts on them) and
/// CONFIG SET `port` / `bind` (which replaces them in place, as Redis does).
#[derive(Default)]
pub struct ListenerControl {
    state: Mutex<TcpState>,
    /// The acceptor's poll registry, once it runs.
    registry: OnceLock<mio::Registry>,
}

#[derive(Default)]
struct TcpState {
    listeners: Vec<TcpListener>,
    port: u16,
    bind: Vec<String>,
}

impl ListenerControl {
    /// The bind addresses of the TCP listeners in use.
    pub fn bind_addresses(&self) -> Vec<String> {
        self.state.lock().bind.clone()
    }

    fn register(&self, st: &mut TcpState) {
        if let Some(reg) = self.registry.get() {
            for (i, l) in st.listeners.iter_mut().enumerate() {
                if let Err(e) = reg.register(l, Token(TCP_TOKEN_BASE + i), Interest::READABLE) {
                    warning!("Registering a TCP listener: {e}");
                }
            }
        }
    }

    fn close_all(&self, st: &mut TcpState) {
        if let Some(reg) = self.registry.get() {
            for l in st.listeners.iter_mut() {
                let _ = reg.deregister(l);
            }
        }
        st.listeners.clear();
    }
}

/// Tokens of TCP listeners start here; lower tokens are unix listeners.
const TCP_TOKEN_BASE: usize = 1 << 20;

/// Binds every configured address. Errors carry Redis-like log text.
pub fn bind(srv: &Server) -> Result<Listeners, String> {
    let s = &srv.startup;
    let (tcp, port) = bind_tcp_all(s.port, &s.bind, s.tcp_backlog)?;
    let any_tcp = !tcp.is_empty();
    *srv.listeners.state.lock() = TcpState {
        listeners: tcp,
        port,
        bind: s.bind.clone(),
    };
    let mut list = Vec::new();
    if let Some(path) = &s.unixsocket {
        let _ = std::fs::remove_file(path);
        let l = UnixListener::bind(path).map_err(|e| format!("Failed opening Unix socket: {e}"))?;
        if s.unixsocketperm != 0 {
            use std::os::unix::fs::PermissionsExt;
            let _ =
                std::fs::set_permissions(path, std::fs::Permissions::from_mode(s.unixsocketperm));
        }
        list.push(Listener::Unix(l, path.clone()));
    }
    if list.is_empty() && !any_tcp {
        return Err("Configured to not listen anywhere, exiting.".into());
    }
    Ok(Listeners { list, port })
}

/// CONFIG SET `port` / `bind`: closes the TCP listeners and binds the new
/// addresses; on failure the old ones are bound again and the error returned.
/// Once this returns, the new addresses queue connections.
pub fn rebind(srv: &Server, port: u16, bind: &[String]) -> Result<(), String> {
    let ctl = &srv.listeners;
    let mut st = ctl.state.lock();
    if st.port == port && st.bind == bind {
        return Ok(());
    }
    ctl.close_all(&mut st);
    let result = match bind_tcp_all(port, bind, srv.startup.tcp_backlog) {
        Ok((tcp, bound)) => {
            *st = TcpState {
                listeners: tcp,
                port,
                bind: bind.to_vec(),
            };
            srv.bound_port.store(usize::from(bound), Relaxed);
            Ok(())
        }
        Err(e) => {
            let (old_port, old_bind) = (st.port, st.bind.clone());
            match bind_tcp_all(old_port, &old_bind, srv.startup.tcp_backlog) {
                Ok((tcp, _)) => st.listeners = tcp,
                Err(again) => warning!("Failed to restore the old listeners: {again}"),
            }
            Err(e)
        }
    };
    ctl.register(&mut st);
    result
}

/// Binds `port` on every address of `bind` (none when `port` is 0); returns the
/// listeners and the port actually bound.
fn bind_tcp_all(
    mut port: u16,
    bind: &[String],
    backlog: i32,
) -> Result<(Vec<TcpListener>, u16), String> {
    let mut list = Vec::new();
    if port == 0 {
        return Ok((list, 0));
    }
    for spec in bind {
        let (optional, addr) = match spec.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, spec.as_str()),
        };
        let ip: IpAddr = match addr {
            "*" => IpAddr::from([0, 0, 0, 0]),
            "::*" => IpAddr::from([0u16; 8]),
            other => other
                .parse()
                .map_err(|_| format!("Invalid bind address '{other}'"))?,
        };
        match bind_tcp(SocketAddr::new(ip, port), backlog) {
            Ok(l) => list.push(l),
            Err(e)
                if optional || (addr == "::*" && e.kind() == io::ErrorKind::AddrNotAvailable) =>
            {
                notice!("Warning: Could not create server TCP listening socket {addr}:{port}: {e}");
            }
            Err(e) => {
                return Err(format!(
                    "Warning: Could not create server TCP listening socket {addr}:{port}: {e}"
                ));
            }
        }
    }
    if let Some(first) = list.first() {
        port = first.local_addr().map_or(port, |a| a.port());
    }
    Ok((list, port))
}

fn bind_tcp(addr: SocketAddr, backlog: i32) -> io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let domain = if addr.is_ipv6() {
        Domain::IPV6
    } else {
        Domain::IPV4
    };
    let socket = Socket::new(domain, Type::STREAM, Some(Protocol::TCP))?;
    if addr.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.set_reuse_address(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(backlog)?;
    Ok(TcpListener::from_std(socket.into()))
}

/// The text a protected-mode server sends to a non-loopback client before closing.
const PROTECTED_MODE_DENIED: &[u8] = b"-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

/// Runs the accept loop on the calling thread until shutdown.
pub fn accept_loop(srv: &'static Server, listeners: Listeners) -> io::Result<()> {
    let mut poll = Poll::new()?;
    let mut list = listeners.list;
    register_all(&poll, &mut list)?;
    {
        let mut st = srv.listeners.state.lock();
        if srv
            .listeners
            .registry
            .set(poll.registry().try_clone()?)
            .is_ok()
        {
            srv.listeners.register(&mut st);
        }
    }
    let mut events = Events::with_capacity(64);
    let mut next_worker = 0usize;
    while !srv.shutdown.load(Relaxed) {
        if crate::signals::take_shutdown_request() {
            notice!("Received SIGTERM scheduling shutdown...");
            srv.request_shutdown();
            break;
        }
        if let Err(e) = poll.poll(&mut events, Some(Duration::from_millis(100))) {
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            return Err(e);
        }
        for ev in events.iter() {
            let token = ev.token().0;
            loop {
                let accepted = if token >= TCP_TOKEN_BASE {
                    let st = srv.listeners.state.lock();
                    let Some(t) = st.listeners.get(token - TCP_TOKEN_BASE) else {
                        break;
                    };
                    t.accept().map(|(s, peer)| {
                        let _ = s.set_nodelay(true);
                        set_keepalive(&s, srv.tun.tcp_keepalive.load(Relaxed));
                        let laddr = s.local_addr().map(|a| format_addr(&a)).unwrap_or_default();
                        Accepted {
                            stream: Stream::Tcp(s),
                            addr: format_addr(&peer),
                            laddr,
                            unix: false,
                        }
                    })
                } else {
                    let Some(Listener::Unix(u, path)) = list.get_mut(token) else {
                        break;
                    };
                    u.accept().map(|(s, _)| Accepted {
                        stream: Stream::Unix(s),
                        addr: format!("{path}:0"),
                        laddr: format!("{path}:0"),
                        unix: true,
                    })
                };
                match accepted {
                    Ok(a) => {
                        if let Some(a) = admit(srv, a) {
                            let workers = srv.workers();
                            if let Some(w) = workers.get(next_worker % workers.len().max(1)) {
                                w.send(Mail::NewConn(a));
                            }
                            next_worker = next_worker.wrapping_add(1);
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        warning!("Accepting client connection: {e}");
                        break;
                    }
                }
            }
        }
    }
    for Listener::Unix(_, path) in &list {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

/// Registers every unix listener with `poll`, its index as the token.
fn register_all(poll: &Poll, list: &mut [Listener]) -> io::Result<()> {
    for (i, l) in list.iter_mut().enumerate() {
        let Listener::Unix(u, _) = l;
        poll.registry().register(u, Token(i), Interest::READABLE)?;
    }
    Ok(())
}

/// Applies maxclients and protected mode; returns the connection if admitted.
fn admit(srv: &Server, mut a: Accepted) -> Option<Accepted> {
    let connected = srv.clients.connected.fetch_add(1, Relaxed);
    if connected >= srv.tun.maxclients.load(Relaxed) {
        srv.clients.connected.fetch_sub(1, Relaxed);
        srv.conns_rejected.fetch_add(1, Relaxed);
        let _ = a.stream.write(b"-ERR max number of clients reached\r\n");
        return None;
    }
    if srv.tun.protected_mode.load(Relaxed)
        && !srv.auth_required()
        && !a.unix
        && !is_loopback(&a.addr)
    {
        srv.clients.connected.fetch_sub(1, Relaxed);
        srv.conns_rejected.fetch_add(1, Relaxed);
        let _ = a.stream.write(PROTECTED_MODE_DENIED);
        return None;
    }
    srv.conns_received.fetch_add(1, Relaxed);
    Some(a)
}

fn is_loopback(addr: &str) -> bool {
    addr.starts_with("127.0.0.1:") || addr.starts_with("[::1]:") || addr.starts_with("::1:")
}

/// `ip:port` the way Redis prints it (IPv6 without brackets).
pub fn format_addr(a: &SocketAddr) -> String {
    match a {
        SocketAddr::V4(v4) => format!("{}:{}", v4.ip(), v4.port()),
        SocketAddr::V6(v6) => match v6.ip().to_ipv4_mapped() {
            Some(v4) => format!("{}:{}", v4, v6.port()),
            None => format!("{}:{}", v6.ip(), v6.port()),
        },
    }
}

fn set_keepalive(s: &TcpStream, secs: u64) {
    if secs == 0 {
        return;
    }
    let sock = socket2::SockRef::from(s);
    let ka = socket2::TcpKeepalive::new().with_time(Duration::from_secs(secs));
    let _ = sock.set_tcp_keepalive(&ka);
}
