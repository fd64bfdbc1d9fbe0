//! Running the same traffic against a reference Redis and the subject server.
//!
//! The *reference* is a real `redis-server` (found on `PATH`, or given by
//! `CINNABAR_DIFF_REFERENCE`). The *subject* is the Cinnabar binary built by
//! cargo, or whatever `CINNABAR_DIFF_SUBJECT` points to (set it to
//! `/usr/bin/redis-server` to validate test cases redis-vs-redis).

use std::env;
use std::path::{Path, PathBuf};

use super::client::{RawClient, Reply};
use super::process::ServerProcess;
use super::resp;

/// Environment variable overriding the subject binary.
pub const SUBJECT_ENV: &str = "CINNABAR_DIFF_SUBJECT";
/// Environment variable overriding the reference binary.
pub const REFERENCE_ENV: &str = "CINNABAR_DIFF_REFERENCE";

/// The subject binary: `$CINNABAR_DIFF_SUBJECT` if set, otherwise the
/// `cinnabar-server` binary cargo built for this test run.
pub fn subject_binary() -> PathBuf {
    match env::var_os(SUBJECT_ENV) {
        Some(path) if !path.is_empty() => PathBuf::from(path),
        _ => PathBuf::from(env!("CARGO_BIN_EXE_cinnabar-server")),
    }
}

/// The reference `redis-server` binary. Panics with an actionable message if
/// it cannot be found: differential tests must never pass vacuously.
pub fn reference_binary() -> PathBuf {
    if let Some(path) = env::var_os(REFERENCE_ENV).filter(|p| !p.is_empty()) {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "{REFERENCE_ENV}={} does not name an existing file",
            path.display()
        );
        return path;
    }
    let mut candidates: Vec<PathBuf> = env::var_os("PATH")
        .map(|p| {
            env::split_paths(&p)
                .map(|d| d.join("redis-server"))
                .collect()
        })
        .unwrap_or_default();
    candidates.push(PathBuf::from("/usr/bin/redis-server"));
    candidates.push(PathBuf::from("/usr/local/bin/redis-server"));
    match candidates.into_iter().find(|p| p.is_file()) {
        Some(p) => p,
        None => panic!(
            "differential tests need the reference `redis-server` binary, but it was not found \
             on PATH, in /usr/bin or in /usr/local/bin. Install it (Debian/Ubuntu: \
             `apt-get install redis-server`) or point {REFERENCE_ENV} at it."
        ),
    }
}

/// Starts a server binary or panics with its diagnostics.
pub fn start_or_panic(binary: &Path, extra_args: &[&str], role: &str) -> ServerProcess {
    match ServerProcess::start(binary, extra_args) {
        Ok(p) => p,
        Err(e) => panic!("failed to start the {role} server: {e}"),
    }
}

/// The replies of both servers to the same input.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// What the reference Redis replied.
    pub reference: Reply,
    /// What the subject replied.
    pub subject: Reply,
}

impl Outcome {
    /// Whether both replies are byte-identical frames (or both closures).
    pub fn same(&self) -> bool {
        self.reference.same_as(&self.subject)
    }
}

/// One server of a pair plus its current client connection.
struct Side {
    server: ServerProcess,
    client: RawClient,
}

impl Side {
    fn new(server: ServerProcess) -> Side {
        let client = server.connect();
        Side { server, client }
    }
}

/// A reference server and a subject server, each with one connection, driven
/// in lockstep. Both processes are killed when the pair is dropped.
pub struct DiffPair {
    reference: Side,
    subject: Side,
    subject_is_72: bool,
}

impl DiffPair {
    /// Starts both servers with the same `extra_args`. Panics (with the
    /// servers' output) if either cannot be started.
    pub fn start(extra_args: &[&str]) -> DiffPair {
        let reference = start_or_panic(&reference_binary(), extra_args, "reference (redis-server)");
        let subject = start_or_panic(&subject_binary(), extra_args, "subject");
        let mut pair = DiffPair {
            reference: Side::new(reference),
            subject: Side::new(subject),
            subject_is_72: true,
        };
        pair.subject_is_72 = pair.detect_subject_72();
        pair
    }

    /// Whether the subject claims Redis 7.2 behaviour. True unless its
    /// `INFO server` reports a `redis_version` below 7.2 (as when validating
    /// with a 7.0 `redis-server` as subject); `@since72` expectations only
    /// apply when this is true.
    pub fn subject_is_72(&self) -> bool {
        self.subject_is_72
    }

    fn detect_subject_72(&mut self) -> bool {
        let Reply::Frame(bytes) = self.subject.client.request(&["INFO", "server"]) else {
            return true;
        };
        let text = String::from_utf8_lossy(&bytes);
        let Some(rest) = text.split("redis_version:").nth(1) else {
            return true;
        };
        let mut parts = rest
            .trim()
            .split(['.', '\r', '\n'])
            .map(|p| p.parse::<u32>().unwrap_or(0));
        let major = parts.next().unwrap_or(0);
        let minor = parts.next().unwrap_or(0);
        (major, minor) >= (7, 2)
    }

    /// Replaces both connections with fresh ones (RESP2, DB 0, no name).
    /// Panics if either server cannot be reached.
    pub fn reconnect(&mut self) {
        if let Err(e) = self.try_reconnect() {
            panic!("{e}");
        }
    }

    /// Like [`DiffPair::reconnect`] but returns an error instead of panicking.
    pub fn try_reconnect(&mut self) -> Result<(), String> {
        let connect = |side: &Side, role: &str| {
            RawClient::connect(side.server.addr()).map_err(|e| {
                format!(
                    "cannot connect to the {role} server on port {}: {e}\n{}",
                    side.server.port(),
                    side.server.logs()
                )
            })
        };
        let reference = connect(&self.reference, "reference")?;
        let subject = connect(&self.subject, "subject")?;
        self.reference.client = reference;
        self.subject.client = subject;
        Ok(())
    }

    /// Fresh connections plus `FLUSHALL` on both servers: the starting point
    /// of every case.
    pub fn try_reset(&mut self) -> Result<(), String> {
        self.try_reconnect()?;
        let outcome = self.request(&["FLUSHALL"]);
        for (side, reply) in [
            ("reference", &outcome.reference),
            ("subject", &outcome.subject),
        ] {
            if reply.frame() != Some(b"+OK\r\n".as_slice()) {
                return Err(format!("FLUSHALL failed on the {side}: {reply}"));
            }
        }
        Ok(())
    }

    /// Whether both server processes are still running.
    pub fn both_running(&mut self) -> bool {
        self.reference.server.is_running() && self.subject.server.is_running()
    }

    /// Sends one command to the reference, then to the subject, and returns
    /// both replies.
    pub fn request<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Outcome {
        let reference = self.reference.client.request(args);
        let subject = self.subject.client.request(args);
        Outcome { reference, subject }
    }

    /// Sends one command to the subject only.
    pub fn request_subject<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Reply {
        self.subject.client.request(args)
    }

    /// Sends one command to the reference only.
    pub fn request_reference<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Reply {
        self.reference.client.request(args)
    }

    /// Sends raw bytes to both servers. Write errors are ignored: they mean
    /// the server closed the connection, which the next read reports.
    pub fn send_raw(&mut self, bytes: &[u8]) {
        let _ = self.reference.client.send_raw(bytes);
        let _ = self.subject.client.send_raw(bytes);
    }

    /// Half-closes both connections for writing.
    pub fn shutdown_write(&mut self) {
        let _ = self.reference.client.shutdown_write();
        let _ = self.subject.client.shutdown_write();
    }

    /// Reads one reply frame from each server.
    pub fn read_replies(&mut self) -> Outcome {
        Outcome {
            reference: self.reference.client.read_reply(),
            subject: self.subject.client.read_reply(),
        }
    }

    /// Whether each connection has been closed by its server, as
    /// `(reference, subject)`. See [`RawClient::is_closed`].
    pub fn closed(&mut self) -> (bool, bool) {
        (
            self.reference.client.is_closed(),
            self.subject.client.is_closed(),
        )
    }

    /// Bytes each side has received beyond the replies read so far, as
    /// `(reference, subject)`. Non-empty means a server sent more than was
    /// asked for (or a RAW step read too few frames).
    pub fn pending(&self) -> (&[u8], &[u8]) {
        (
            self.reference.client.pending(),
            self.subject.client.pending(),
        )
    }

    /// Whether the subject still answers `PING` on a fresh connection.
    pub fn subject_responds(&mut self) -> bool {
        let Ok(mut client) = RawClient::connect(self.subject.server.addr()) else {
            return false;
        };
        matches!(client.request(&["PING"]), Reply::Frame(f) if f == b"+PONG\r\n")
    }

    /// Sends a command to both and panics unless the replies are identical.
    /// Returns the (common) reply bytes.
    pub fn assert_same<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Vec<u8> {
        let outcome = self.request(args);
        match (&outcome.reference, outcome.same()) {
            (Reply::Frame(bytes), true) => bytes.clone(),
            _ => panic!(
                "replies differ for {}\n  reference: {}\n  subject:   {}\n{}",
                resp::format_args(args),
                outcome.reference,
                outcome.subject,
                self.diagnostics()
            ),
        }
    }

    /// Fresh connections plus `FLUSHALL` on both, panicking on failure.
    pub fn reset(&mut self) {
        if let Err(e) = self.try_reset() {
            let diag = self.diagnostics();
            panic!("{e}\n{diag}");
        }
    }

    /// Extra context for failure messages: server liveness and the tail of
    /// the output of any server that is no longer running.
    pub fn diagnostics(&mut self) -> String {
        let mut out = String::new();
        for (role, side) in [
            ("reference", &mut self.reference),
            ("subject", &mut self.subject),
        ] {
            if !side.server.is_running() {
                out.push_str(&format!(
                    "  the {role} server ({}) is no longer running!\n{}",
                    side.server.binary().display(),
                    side.server.logs()
                ));
            }
        }
        out
    }

    /// The subject server's captured output.
    pub fn subject_logs(&self) -> String {
        self.subject.server.logs()
    }
}
