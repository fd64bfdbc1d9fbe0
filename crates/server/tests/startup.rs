//! Start-up and process directives end to end: `logfile` in Redis's log-line
//! format, `daemonize` with `pidfile`, `unixsocketperm`, a configuration file
//! with `include` and quoting, and SIGINT.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use support::process::free_port;
use support::RawClient;

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cinnabar-startup-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Polls `cond` every 10 ms for up to 30 s (generous for a loaded machine).
fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// True when `line` looks like `PID:ROLE DD Mon YYYY HH:MM:SS.mmm LEVEL text`.
fn redis_log_line(line: &str) -> bool {
    let mut parts = line.splitn(7, ' ');
    let (Some(head), Some(day), Some(month), Some(year), Some(time), Some(level)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let (pid, role) = head.split_once(':').unwrap_or(("", ""));
    pid.parse::<u32>().is_ok()
        && matches!(role, "M" | "S" | "C" | "X")
        && day.len() == 2
        && day.parse::<u32>().is_ok()
        && month.len() == 3
        && year.len() == 4
        && time.len() == 12
        && time.as_bytes().get(8) == Some(&b'.')
        && matches!(level, "." | "-" | "*" | "#")
}

#[test]
fn logfile_uses_redis_line_format() {
    let dir = scratch("log");
    let log = dir.join("server.log");
    let log_str = log.to_string_lossy().to_string();
    let server = support::start_cinnabar(&["--logfile", &log_str, "--loglevel", "verbose"]);
    assert_eq!(server.connect().cmd(&["PING"]), b"+PONG\r\n");
    let text = std::fs::read_to_string(&log).expect("log file");
    assert!(text.contains("Ready to accept connections"), "{text}");
    assert!(text.contains(" PID: "), "{text}");
    let formatted = text.lines().filter(|l| redis_log_line(l)).count();
    assert!(formatted >= 3, "too few Redis-format lines:\n{text}");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

fn pid_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .unwrap_or_default()
            .contains(") Z ")
}

#[test]
fn daemonize_writes_pidfile_and_detaches() {
    let dir = scratch("daemon");
    let pidfile = dir.join("cinnabar.pid");
    let port = free_port().expect("free port").to_string();
    let status = Command::new(env!("CARGO_BIN_EXE_cinnabar-server"))
        .args([
            "--port",
            &port,
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--daemonize",
            "yes",
        ])
        .arg("--pidfile")
        .arg(&pidfile)
        .arg("--logfile")
        .arg(dir.join("daemon.log"))
        .current_dir(&dir)
        .status()
        .expect("run the server");
    // The launching process returns at once; the daemon keeps running.
    assert!(status.success(), "{status:?}");
    wait_for("the pidfile", || {
        std::fs::read_to_string(&pidfile).is_ok_and(|t| t.trim().parse::<u32>().is_ok())
    });
    let pid: u32 = std::fs::read_to_string(&pidfile)
        .expect("pidfile")
        .trim()
        .parse()
        .expect("pid");
    assert!(pid_alive(pid));
    let addr = format!("127.0.0.1:{port}").parse().expect("addr");
    let mut c = None;
    wait_for("the daemon to accept connections", || {
        c = RawClient::connect(addr).ok();
        c.is_some()
    });
    let mut c = c.expect("client");
    assert_eq!(c.cmd(&["PING"]), b"+PONG\r\n");
    let _ = c.send_command(&["SHUTDOWN", "NOSAVE"]);
    wait_for("the daemon to exit", || !pid_alive(pid));
    wait_for("the pidfile to be removed", || !pidfile.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unixsocketperm_sets_the_socket_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("perm");
    let sock = dir.join("s.sock");
    let sock_str = sock.to_string_lossy().to_string();
    let server = support::start_cinnabar(&["--unixsocket", &sock_str, "--unixsocketperm", "700"]);
    let mode = std::fs::metadata(&sock)
        .expect("socket")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o700);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn config_file_with_include_and_quoting() {
    let dir = scratch("conf");
    std::fs::write(
        dir.join("extra.conf"),
        "maxclients 123\nrequirepass \"se cret\"\n",
    )
    .expect("write include");
    let main = dir.join("main.conf");
    std::fs::write(
        &main,
        format!(
            "# a comment\ntimeout 7\ninclude {}\nhz 20\n",
            dir.join("extra.conf").display()
        ),
    )
    .expect("write config");
    let main_str = main.to_string_lossy().to_string();
    // The file comes first, as redis-server takes it; the port and bind are
    // added after it by the test support.
    let server = support::start_cinnabar_with_config(&main_str, &[]);
    let mut c = server.connect();
    assert_eq!(c.cmd(&["AUTH", "se cret"]), b"+OK\r\n");
    assert_eq!(
        c.cmd(&["CONFIG", "GET", "maxclients"]),
        &b"*2\r\n$10\r\nmaxclients\r\n$3\r\n123\r\n"[..]
    );
    assert_eq!(
        c.cmd(&["CONFIG", "GET", "timeout"]),
        &b"*2\r\n$7\r\ntimeout\r\n$1\r\n7\r\n"[..]
    );
    assert_eq!(
        c.cmd(&["CONFIG", "GET", "hz"]),
        &b"*2\r\n$2\r\nhz\r\n$2\r\n20\r\n"[..]
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigint_shuts_down_cleanly() {
    let mut server = support::start_cinnabar(&[]);
    let pid = server.pid();
    assert_eq!(server.connect().cmd(&["PING"]), b"+PONG\r\n");
    let sent = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    wait_for("the server to exit", || !server.is_running());
    assert!(server.logs().contains("bye bye"), "{}", server.logs());
}
