//! Core server behaviour over TCP: threads, atomicity, hostile input, limits,
//! listeners and shutdown.

mod support;

use std::io::{Read, Write};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use support::{start_cinnabar, RawClient};

fn int(reply: &[u8]) -> i64 {
    let text = std::str::from_utf8(reply).unwrap_or("");
    text.trim_start_matches(':')
        .trim_end()
        .parse()
        .unwrap_or(i64::MIN)
}

#[test]
fn clients_on_different_workers_see_each_others_writes() {
    let server = start_cinnabar(&["--worker-threads", "4"]);
    let mut clients: Vec<RawClient> = (0..8).map(|_| server.connect()).collect();
    for round in 0..50 {
        let writer = round % clients.len();
        let reader = (round * 3 + 1) % clients.len();
        let key = format!("k{round}");
        let value = format!("v{round}");
        assert_eq!(clients[writer].cmd(&["SET", &key, &value]), b"+OK\r\n");
        let expected = format!("${}\r\n{}\r\n", value.len(), value);
        assert_eq!(clients[reader].cmd(&["GET", &key]), expected.as_bytes());
    }
}

#[test]
fn concurrent_increments_are_atomic() {
    let server = Arc::new(start_cinnabar(&["--worker-threads", "4"]));
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let server = server.clone();
            thread::spawn(move || {
                let mut c = server.connect();
                // Pipelined batches exercise the batched read/execute/write path.
                let batch: Vec<u8> = (0..100)
                    .flat_map(|_| b"*2\r\n$4\r\nINCR\r\n$7\r\ncounter\r\n".to_vec())
                    .collect();
                for _ in 0..10 {
                    c.send_raw(&batch).expect("send");
                    for _ in 0..100 {
                        assert_eq!(c.read_reply().frame().map(|f| f[0]), Some(b':'));
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("client thread");
    }
    let mut c = server.connect();
    assert_eq!(c.cmd(&["GET", "counter"]), b"$4\r\n8000\r\n");
}

#[test]
fn large_pipeline_in_one_write() {
    let server = start_cinnabar(&[]);
    let mut c = server.connect();
    let mut batch = Vec::new();
    for i in 0..20_000 {
        let k = format!("key{i}");
        batch.extend_from_slice(
            format!("*3\r\n$3\r\nSET\r\n${}\r\n{}\r\n$1\r\nx\r\n", k.len(), k).as_bytes(),
        );
    }
    c.send_raw(&batch).expect("send");
    for _ in 0..20_000 {
        assert_eq!(c.read_reply().frame(), Some(&b"+OK\r\n"[..]));
    }
    assert_eq!(c.cmd(&["EXISTS", "key0", "key19999", "nope"]), b":2\r\n");
}

#[test]
fn hostile_input_never_crashes_and_memory_stays_bounded() {
    let server = start_cinnabar(&[]);
    let before = server.rss_bytes();
    // Declared-but-never-sent huge arguments must not allocate their declared size.
    let mut hogs: Vec<RawClient> = (0..20).map(|_| server.connect()).collect();
    for c in &mut hogs {
        c.send_raw(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870000\r\nabc")
            .expect("send");
    }
    let mut count_hog = server.connect();
    count_hog
        .send_raw(b"*2147483647\r\n$4\r\nPING\r\n")
        .expect("send");
    // Random garbage on many connections.
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..50 {
        let mut c = server.connect();
        let mut junk = vec![0u8; 4096];
        for b in junk.iter_mut() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            *b = (seed & 0xff) as u8;
        }
        let _ = c.send_raw(&junk);
        c.set_timeout(Duration::from_millis(200)).expect("timeout");
        let _ = c.is_closed();
    }
    // Binary-safe keys and values.
    let mut c = server.connect();
    let key: Vec<u8> = (0..=255u8).collect();
    assert_eq!(c.cmd(&[&b"SET"[..], &key, b"\x00\r\n\xff"]), b"+OK\r\n");
    assert_eq!(c.cmd(&[&b"GET"[..], &key]), b"$4\r\n\x00\r\n\xff\r\n");
    assert_eq!(c.cmd(&["PING"]), b"+PONG\r\n");
    let grown = server.rss_bytes().saturating_sub(before);
    assert!(grown < 64 << 20, "RSS grew by {grown} bytes");
}

#[test]
fn protocol_error_closes_connection_but_server_lives() {
    let server = start_cinnabar(&[]);
    let mut c = server.connect();
    c.send_raw(b"*1\r\n+PING\r\n").expect("send");
    assert_eq!(
        c.read_reply().frame(),
        Some(&b"-ERR Protocol error: expected '$', got '+'\r\n"[..])
    );
    assert!(c.is_closed());
    assert_eq!(server.connect().cmd(&["PING"]), b"+PONG\r\n");
}

#[test]
fn query_buffer_limit_closes_the_client() {
    let server = start_cinnabar(&["--client-query-buffer-limit", "1048576"]);
    let mut c = server.connect();
    let mut chunk = b"*2\r\n$4\r\nECHO\r\n$4000000\r\n".to_vec();
    chunk.extend(std::iter::repeat_n(b'a', 2 << 20));
    let _ = c.send_raw(&chunk);
    c.set_timeout(Duration::from_secs(10)).expect("timeout");
    assert!(
        c.is_closed(),
        "client over the query buffer limit must be closed"
    );
    assert_eq!(server.connect().cmd(&["PING"]), b"+PONG\r\n");
}

#[test]
fn bulk_over_proto_max_bulk_len_is_a_protocol_error() {
    let server = start_cinnabar(&["--proto-max-bulk-len", "1048576"]);
    let mut c = server.connect();
    c.send_raw(b"*2\r\n$4\r\nECHO\r\n$1048577\r\n")
        .expect("send");
    assert_eq!(
        c.read_reply().frame(),
        Some(&b"-ERR Protocol error: invalid bulk length\r\n"[..])
    );
    assert!(c.is_closed());
}

#[test]
fn maxclients_refuses_extra_connections() {
    let server = start_cinnabar(&["--maxclients", "3"]);
    // The readiness probe's slot is released asynchronously: retry until all three are in.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut held: Vec<RawClient> = Vec::new();
    while held.len() < 3 {
        let mut c = server.connect();
        if c.cmd(&["PING"]) == b"+PONG\r\n" {
            held.push(c);
        }
        assert!(
            Instant::now() < deadline,
            "could not open three connections"
        );
    }
    let mut extra = server.connect();
    assert_eq!(
        extra.read_reply().frame(),
        Some(&b"-ERR max number of clients reached\r\n"[..])
    );
    drop(held);
    // Slots free up once the held connections are gone (closing is asynchronous).
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let mut c = server.connect();
        if c.cmd(&["PING"]) == b"+PONG\r\n" {
            break;
        }
        assert!(Instant::now() < deadline, "slots never freed");
        thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn idle_clients_time_out() {
    let server = start_cinnabar(&["--timeout", "1"]);
    let mut s = std::net::TcpStream::connect(server.addr()).expect("connect");
    s.write_all(b"PING\r\n").expect("write");
    let mut buf = [0u8; 7];
    s.read_exact(&mut buf).expect("pong");
    // Wait for EOF without sending anything (sending would reset the idle time).
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut rest = [0u8; 16];
    assert_eq!(
        s.read(&mut rest)
            .expect("server closes the idle connection"),
        0
    );
}

#[test]
fn unix_socket_listener() {
    let dir = std::env::temp_dir().join(format!("cinnabar-sock-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("s.sock");
    let path_str = path.to_string_lossy().to_string();
    let server = start_cinnabar(&["--unixsocket", &path_str]);
    let mut s = std::os::unix::net::UnixStream::connect(&path).expect("unix connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    s.write_all(b"PING\r\n").expect("write");
    let mut buf = [0u8; 7];
    s.read_exact(&mut buf).expect("read");
    assert_eq!(&buf, b"+PONG\r\n");
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sigterm_shuts_down_cleanly() {
    let mut server = start_cinnabar(&[]);
    let mut c = server.connect();
    assert_eq!(c.cmd(&["SET", "a", "1"]), b"+OK\r\n");
    let status = server
        .terminate(Duration::from_secs(30))
        .expect("server exits after SIGTERM");
    assert!(status.success(), "exit status {status:?}");
    assert!(server.logs().contains("bye bye"), "{}", server.logs());
}

#[test]
fn startup_log_has_redis_markers() {
    let server = start_cinnabar(&[]);
    let logs = server.logs();
    assert!(logs.contains(" PID: "), "{logs}");
    assert!(logs.contains("Ready to accept connections"), "{logs}");
    assert_eq!(int(&server.connect().cmd(&["EXISTS", "x"])), 0);
}
