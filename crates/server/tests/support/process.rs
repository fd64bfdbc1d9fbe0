//! Spawning and supervising server processes for tests.
//!
//! [`ServerProcess::start`] launches a redis-compatible server binary on a free
//! ephemeral port of 127.0.0.1, waits until it answers `PING`, and kills it
//! when dropped (also while unwinding from a panic). Output goes to log files
//! in a private scratch directory (which is also the process's working
//! directory), so a misbehaving server can be diagnosed from
//! [`ServerProcess::logs`] and never writes into the source tree.
//!
//! Processes are spawned from one long-lived helper thread with
//! `PR_SET_PDEATHSIG` set, so that even if the test process itself is killed
//! (e.g. by a CI timeout) the servers die with it instead of leaking.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use super::client::RawClient;

/// Arguments every test server gets, before the port and any extra ones:
/// no persistence at all, loopback only.
pub const BASE_ARGS: &[&str] = &["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];

/// How long a server may take to start answering. Generous on purpose: a
/// loaded two-core CI machine building other crates can be very slow.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// How many times to retry with a new port when the chosen one was taken.
const PORT_ATTEMPTS: usize = 8;

/// A running server child process, killed and reaped on drop.
pub struct ServerProcess {
    child: Child,
    port: u16,
    binary: PathBuf,
    args: Vec<String>,
    dir: PathBuf,
}

impl ServerProcess {
    /// Starts `binary` with [`BASE_ARGS`], `--port <free port>` and
    /// `extra_args` (later arguments override earlier ones, as with
    /// redis-server), and waits until it replies to `PING`.
    ///
    /// Retries on a new port when the chosen one turns out to be in use.
    /// Returns an error describing the failure (including the server's
    /// output) if the binary cannot be started or does not become ready.
    pub fn start(binary: &Path, extra_args: &[&str]) -> Result<ServerProcess, String> {
        Self::start_inner(binary, None, extra_args)
    }

    /// Like [`ServerProcess::start`], with a configuration file as the first
    /// argument (where `redis-server` takes it); the port and base arguments
    /// follow it and so override it.
    pub fn start_with_config(
        binary: &Path,
        config: &str,
        extra_args: &[&str],
    ) -> Result<ServerProcess, String> {
        Self::start_inner(binary, Some(config), extra_args)
    }

    fn start_inner(
        binary: &Path,
        config: Option<&str>,
        extra_args: &[&str],
    ) -> Result<ServerProcess, String> {
        let mut last_error = String::new();
        for _ in 0..PORT_ATTEMPTS {
            let port = free_port().map_err(|e| format!("cannot find a free port: {e}"))?;
            let mut args: Vec<String> = config.map(str::to_string).into_iter().collect();
            args.extend(["--port".to_string(), port.to_string()]);
            args.extend(BASE_ARGS.iter().map(|s| s.to_string()));
            args.extend(extra_args.iter().map(|s| s.to_string()));
            let dir = scratch_dir()?;
            let child = spawn(binary, &args, &dir)?;
            let mut server = ServerProcess {
                child,
                port,
                binary: binary.to_path_buf(),
                args,
                dir,
            };
            match server.wait_ready() {
                Ok(()) => return Ok(server),
                Err(Startup::PortInUse) => {
                    last_error = format!("port {port} was already in use");
                    continue;
                }
                Err(Startup::Failed(msg)) => return Err(msg),
            }
        }
        Err(format!(
            "could not start {} after {PORT_ATTEMPTS} attempts: {last_error}",
            binary.display()
        ))
    }

    /// The TCP port the server listens on (on 127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The socket address of the server.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))
    }

    /// The binary this process runs.
    pub fn binary(&self) -> &Path {
        &self.binary
    }

    /// The full argument list the server was started with.
    pub fn args(&self) -> &[String] {
        &self.args
    }

    /// Opens a new client connection, panicking with diagnostics on failure.
    pub fn connect(&self) -> RawClient {
        match RawClient::connect(self.addr()) {
            Ok(c) => c,
            Err(e) => panic!(
                "cannot connect to {} on port {}: {e}\n{}",
                self.binary.display(),
                self.port,
                self.logs()
            ),
        }
    }

    /// Waits (polling INFO clients, up to 30 s) until exactly `n` clients are
    /// blocked, so a test can act once its waiters are in place.
    pub fn wait_blocked(&self, n: usize) {
        let mut c = self.connect();
        let deadline = Instant::now() + Duration::from_secs(30);
        let want = format!("blocked_clients:{n}\r\n");
        loop {
            let info = c.cmd(&["INFO", "clients"]);
            if String::from_utf8_lossy(&info).contains(&want) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "never saw {want:?}; last INFO: {}",
                String::from_utf8_lossy(&info)
            );
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// The exit status, if the process has exited (without waiting).
    pub fn try_wait(&mut self) -> io::Result<Option<std::process::ExitStatus>> {
        self.child.try_wait()
    }

    /// Whether the process is still running (false once it has exited).
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Everything the server wrote to stdout and stderr so far (the tail
    /// of it when large), for failure messages.
    pub fn logs(&self) -> String {
        let mut out = String::new();
        for (name, file) in [("stdout", "stdout.log"), ("stderr", "stderr.log")] {
            let text = read_tail(&self.dir.join(file), 8192);
            if !text.trim().is_empty() {
                out.push_str(&format!(
                    "--- {} {name} ---\n{}\n",
                    self.binary.display(),
                    text.trim_end()
                ));
            }
        }
        if out.is_empty() {
            out = format!("({} produced no output)\n", self.binary.display());
        }
        out
    }

    fn wait_ready(&mut self) -> Result<(), Startup> {
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        let mut backoff = Duration::from_millis(2);
        loop {
            if let Some(status) = self
                .child
                .try_wait()
                .map_err(|e| Startup::Failed(e.to_string()))?
            {
                let logs = self.logs();
                if logs.contains("in use") {
                    return Err(Startup::PortInUse);
                }
                return Err(Startup::Failed(format!(
                    "{} exited during startup ({status}) with args {:?}\n{logs}",
                    self.binary.display(),
                    self.args
                )));
            }
            if self.ping_once() {
                // Make sure it is our child answering, not some other
                // process that grabbed the port in the meantime.
                if !self.is_running() {
                    continue;
                }
                return match owns_listening_port(self.child.id(), self.port) {
                    Some(false) => Err(Startup::PortInUse),
                    _ => Ok(()),
                };
            }
            if Instant::now() >= deadline {
                return Err(Startup::Failed(format!(
                    "{} did not answer PING on port {} within {STARTUP_TIMEOUT:?}\n{}",
                    self.binary.display(),
                    self.port,
                    self.logs()
                )));
            }
            thread::sleep(backoff);
            backoff = (backoff * 2).min(Duration::from_millis(100));
        }
    }

    /// One readiness probe: connect, send PING, expect any complete reply
    /// other than `-LOADING`.
    fn ping_once(&self) -> bool {
        let Ok(mut stream) = TcpStream::connect_timeout(&self.addr(), Duration::from_secs(2))
        else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        if stream.write_all(b"*1\r\n$4\r\nPING\r\n").is_err() {
            return false;
        }
        let mut buf = Vec::new();
        let mut chunk = [0u8; 256];
        loop {
            match stream.read(&mut chunk) {
                Ok(0) | Err(_) => return false,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
            match super::resp::frame_len(&buf) {
                Ok(Some(_)) => return !buf.starts_with(b"-LOADING"),
                Ok(None) => continue,
                Err(_) => return false,
            }
        }
    }
}

impl ServerProcess {
    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's working directory (a scratch directory of its own).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Resident set size of the server process in bytes, from /proc.
    pub fn rss_bytes(&self) -> u64 {
        let status = fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    }

    /// Sends SIGTERM and waits up to `timeout` for the process to exit.
    pub fn terminate(&mut self, timeout: std::time::Duration) -> Option<std::process::ExitStatus> {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.pid().to_string())
            .status();
        let deadline = std::time::Instant::now() + timeout;
        while std::time::Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            thread::sleep(std::time::Duration::from_millis(20));
        }
        None
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

enum Startup {
    PortInUse,
    Failed(String),
}

/// Asks the kernel for a currently free ephemeral port on 127.0.0.1.
pub fn free_port() -> io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

/// Checks (Linux only, via /proc) whether process `pid` holds the socket
/// listening on 127.0.0.1:`port`. `None` when this cannot be determined.
fn owns_listening_port(pid: u32, port: u16) -> Option<bool> {
    let table = fs::read_to_string("/proc/net/tcp").ok()?;
    let wanted = [
        format!("0100007F:{port:04X}"),
        format!("00000000:{port:04X}"),
    ];
    let inodes: Vec<String> = table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            let listening = cols.get(3) == Some(&"0A");
            let matches = cols.get(1).is_some_and(|a| wanted.iter().any(|w| w == a));
            (listening && matches).then(|| cols.get(9).map(|s| format!("socket:[{s}]")))?
        })
        .collect();
    if inodes.is_empty() {
        return None;
    }
    let fds = fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    let owned = fds
        .filter_map(Result::ok)
        .filter_map(|entry| fs::read_link(entry.path()).ok())
        .any(|target| inodes.iter().any(|i| target.as_os_str() == i.as_str()));
    Some(owned)
}

/// Creates a fresh private directory under the system temp dir.
fn scratch_dir() -> Result<PathBuf, String> {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let dir =
        std::env::temp_dir().join(format!("cinnabar-test-{}-{n}-{nanos}", std::process::id()));
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

fn read_tail(path: &Path, limit: usize) -> String {
    let Ok(bytes) = fs::read(path) else {
        return String::new();
    };
    let start = bytes.len().saturating_sub(limit);
    let mut text = String::from_utf8_lossy(&bytes[start..]).into_owned();
    if start > 0 {
        text.insert_str(0, "...\n");
    }
    text
}

type SpawnRequest = (Command, mpsc::Sender<io::Result<Child>>);

/// Spawns `binary args` in `dir` with output redirected to log files there.
///
/// The actual `spawn` happens on a dedicated thread that lives as long as the
/// test process, because `PR_SET_PDEATHSIG` fires when the *thread* that
/// forked the child exits: spawning from a short-lived test thread would kill
/// servers that outlive it (e.g. ones kept in a `static`).
fn spawn(binary: &Path, args: &[String], dir: &Path) -> Result<Child, String> {
    let open = |name: &str| {
        File::create(dir.join(name))
            .map_err(|e| format!("cannot create log file in {}: {e}", dir.display()))
    };
    let mut cmd = Command::new(binary);
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(open("stdout.log")?)
        .stderr(open("stderr.log")?);
    // SAFETY: the closure runs in the forked child before exec and only calls
    // prctl(2), which is async-signal-safe; it touches no shared state.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) != 0 {
                return Err(io::Error::last_os_error());
            }
            Ok(())
        });
    }

    static SPAWNER: OnceLock<Mutex<mpsc::Sender<SpawnRequest>>> = OnceLock::new();
    let spawner = SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<SpawnRequest>();
        thread::Builder::new()
            .name("server-spawner".to_string())
            .spawn(move || {
                for (mut cmd, reply) in rx {
                    let _ = reply.send(cmd.spawn());
                }
            })
            .expect("cannot start the server spawner thread");
        Mutex::new(tx)
    });
    let (reply_tx, reply_rx) = mpsc::channel();
    spawner
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .send((cmd, reply_tx))
        .map_err(|_| "server spawner thread is gone".to_string())?;
    reply_rx
        .recv()
        .map_err(|_| "server spawner thread is gone".to_string())?
        .map_err(|e| format!("cannot execute {}: {e}", binary.display()))
}
