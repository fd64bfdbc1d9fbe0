//! Blocking list commands over TCP: FIFO service across worker threads, timeouts,
//! chains, pipelines behind a blocked command, disconnects.

mod support;

use std::time::{Duration, Instant};

use support::{start_cinnabar, RawClient, ServerProcess};

fn bulk_pair(a: &str, b: &str) -> Vec<u8> {
    format!("*2\r\n${}\r\n{}\r\n${}\r\n{}\r\n", a.len(), a, b.len(), b).into_bytes()
}

fn start() -> ServerProcess {
    start_cinnabar(&["--worker-threads", "4"])
}

#[test]
fn waiters_are_served_first_come_first_served_across_workers() {
    let server = start();
    let mut waiters: Vec<RawClient> = Vec::new();
    for i in 0..4 {
        let mut c = server.connect();
        c.send_command(&["BLPOP", "q", "0"]).expect("send");
        server.wait_blocked(i + 1);
        waiters.push(c);
    }
    let mut pusher = server.connect();
    // One element: only the first waiter is served, atomically with the push.
    assert_eq!(pusher.cmd(&["RPUSH", "q", "e1"]), b":1\r\n");
    assert_eq!(
        waiters[0].read_reply().frame(),
        Some(&bulk_pair("q", "e1")[..])
    );
    server.wait_blocked(3);
    assert_eq!(pusher.cmd(&["LLEN", "q"]), b":0\r\n");
    // Three elements in one push go to the next three waiters, in order.
    assert_eq!(pusher.cmd(&["RPUSH", "q", "e2", "e3", "e4"]), b":3\r\n");
    for (i, w) in waiters.iter_mut().enumerate().skip(1) {
        let expected = bulk_pair("q", &format!("e{}", i + 1));
        assert_eq!(w.read_reply().frame(), Some(&expected[..]));
    }
    server.wait_blocked(0);
    assert_eq!(pusher.cmd(&["EXISTS", "q"]), b":0\r\n");
}

#[test]
fn timeout_replies_null_after_the_deadline() {
    let server = start();
    let mut c = server.connect();
    let started = Instant::now();
    assert_eq!(c.cmd(&["BLPOP", "nothing", "0.2"]), b"*-1\r\n");
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "returned after {:?}",
        started.elapsed()
    );
    assert_eq!(
        c.cmd(&["BLMOVE", "nothing", "d", "LEFT", "LEFT", "0.05"]),
        b"*-1\r\n"
    );
    assert_eq!(c.cmd(&["HELLO", "3"]).first(), Some(&b'%'));
    assert_eq!(c.cmd(&["BRPOP", "nothing", "0.05"]), b"_\r\n");
    server.wait_blocked(0);
}

#[test]
fn commands_pipelined_behind_a_blocked_command_run_after_it() {
    let server = start();
    let mut c = server.connect();
    c.send_raw(b"*3\r\n$5\r\nBLPOP\r\n$1\r\nk\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n")
        .expect("send");
    server.wait_blocked(1);
    let mut p = server.connect();
    assert_eq!(p.cmd(&["LPUSH", "k", "v"]), b":1\r\n");
    assert_eq!(c.read_reply().frame(), Some(&bulk_pair("k", "v")[..]));
    assert_eq!(c.read_reply().frame(), Some(&b"+PONG\r\n"[..]));
}

#[test]
fn first_nonempty_key_and_moves_chain_to_other_waiters() {
    let server = start();
    let mut a = server.connect();
    a.send_command(&["BLPOP", "k1", "k2", "0"]).expect("send");
    server.wait_blocked(1);
    let mut p = server.connect();
    assert_eq!(p.cmd(&["RPUSH", "k2", "x"]), b":1\r\n");
    assert_eq!(a.read_reply().frame(), Some(&bulk_pair("k2", "x")[..]));

    // BLMOVE src -> dst while another client waits on dst: one push serves both.
    let mut mover = server.connect();
    mover
        .send_command(&["BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"])
        .expect("send");
    server.wait_blocked(1);
    let mut reader = server.connect();
    reader.send_command(&["BRPOP", "dst", "0"]).expect("send");
    server.wait_blocked(2);
    assert_eq!(p.cmd(&["LPUSH", "src", "item"]), b":1\r\n");
    assert_eq!(mover.read_reply().frame(), Some(&b"$4\r\nitem\r\n"[..]));
    assert_eq!(
        reader.read_reply().frame(),
        Some(&bulk_pair("dst", "item")[..])
    );
    assert_eq!(p.cmd(&["EXISTS", "src", "dst"]), b":0\r\n");
}

#[test]
fn a_disconnected_waiter_takes_nothing() {
    let server = start();
    {
        let mut gone = server.connect();
        gone.send_command(&["BLPOP", "k", "0"]).expect("send");
        server.wait_blocked(1);
    }
    server.wait_blocked(0);
    let mut p = server.connect();
    assert_eq!(p.cmd(&["RPUSH", "k", "kept"]), b":1\r\n");
    assert_eq!(p.cmd(&["LRANGE", "k", "0", "-1"]), b"*1\r\n$4\r\nkept\r\n");
}

#[test]
fn blocking_on_a_wrong_type_key_is_an_error() {
    let server = start();
    let mut c = server.connect();
    assert_eq!(c.cmd(&["SET", "s", "x"]), b"+OK\r\n");
    assert_eq!(
        c.cmd(&["BLPOP", "missing", "s", "0"]),
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
}

#[test]
fn many_waiters_and_pushers_lose_nothing() {
    let server = std::sync::Arc::new(start());
    let waiters: Vec<_> = (0..8)
        .map(|_| {
            let server = server.clone();
            std::thread::spawn(move || {
                let mut c = server.connect();
                let mut got = Vec::new();
                for _ in 0..25 {
                    let reply = c.cmd(&["BLPOP", "work", "30"]);
                    assert!(
                        reply.starts_with(b"*2\r\n"),
                        "{}",
                        String::from_utf8_lossy(&reply)
                    );
                    got.push(reply);
                }
                got
            })
        })
        .collect();
    let pushers: Vec<_> = (0..4)
        .map(|p| {
            let server = server.clone();
            std::thread::spawn(move || {
                let mut c = server.connect();
                for i in 0..50 {
                    let v = format!("p{p}-{i}");
                    let reply = c.cmd(&["RPUSH", "work", &v]);
                    assert_eq!(reply.first(), Some(&b':'));
                }
            })
        })
        .collect();
    for p in pushers {
        p.join().expect("pusher");
    }
    let mut all: Vec<Vec<u8>> = waiters
        .into_iter()
        .flat_map(|w| w.join().expect("waiter"))
        .collect();
    all.sort();
    all.dedup();
    assert_eq!(
        all.len(),
        200,
        "every pushed element delivered exactly once"
    );
    let mut c = server.connect();
    assert_eq!(c.cmd(&["LLEN", "work"]), b":0\r\n");
}

#[test]
fn client_unblock_with_timeout_or_error() {
    let server = start();
    let mut waiter = server.connect();
    let id = String::from_utf8_lossy(&waiter.cmd(&["CLIENT", "ID"]))
        .trim_start_matches(':')
        .trim()
        .to_string();
    let mut admin = server.connect();
    waiter.send_command(&["BLPOP", "k", "0"]).expect("send");
    server.wait_blocked(1);
    assert_eq!(admin.cmd(&["CLIENT", "UNBLOCK", &id]), b":1\r\n");
    assert_eq!(waiter.read_reply().frame(), Some(&b"*-1\r\n"[..]));
    waiter
        .send_command(&["BLMOVE", "k", "d", "LEFT", "LEFT", "0"])
        .expect("send");
    server.wait_blocked(1);
    assert_eq!(admin.cmd(&["CLIENT", "UNBLOCK", &id, "ERROR"]), b":1\r\n");
    assert_eq!(
        waiter.read_reply().frame(),
        Some(&b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"[..])
    );
    assert_eq!(admin.cmd(&["CLIENT", "UNBLOCK", &id]), b":0\r\n");
    assert_eq!(waiter.cmd(&["PING"]), b"+PONG\r\n");
}

/// Every write that creates the key a client waits on wakes it, whatever the
/// command: the effects record makes the key ready. Replies as redis-server
/// gives them for the same sequences.
#[test]
fn every_key_creating_write_wakes_the_waiter() {
    let server = start();
    let cases: &[(&[&[&str]], &str)] = &[
        (&[&["RPUSH", "src", "a"], &["RENAME", "src", "q"]], "a"),
        (&[&["RPUSH", "src", "a"], &["RENAMENX", "src", "q"]], "a"),
        (&[&["RPUSH", "src", "a"], &["COPY", "src", "q"]], "a"),
        (
            &[&["SELECT", "1"], &["RPUSH", "q", "a"], &["MOVE", "q", "0"]],
            "a",
        ),
        (
            &[&["RPUSH", "s", "3", "1", "2"], &["SORT", "s", "STORE", "q"]],
            "1",
        ),
        (
            &[
                &["SELECT", "1"],
                &["RPUSH", "q", "a"],
                &["SWAPDB", "0", "1"],
            ],
            "a",
        ),
        (
            &[
                &["RPUSH", "src", "a"],
                &["LMOVE", "src", "q", "LEFT", "LEFT"],
            ],
            "a",
        ),
    ];
    for (writes, popped) in cases {
        let mut admin = server.connect();
        assert_eq!(admin.cmd(&["FLUSHALL"]), b"+OK\r\n");
        let mut waiter = server.connect();
        waiter.send_command(&["BLPOP", "q", "0"]).expect("send");
        server.wait_blocked(1);
        let mut writer = server.connect();
        for w in writes.iter() {
            writer.cmd(w);
        }
        assert_eq!(
            waiter.read_reply().frame(),
            Some(&bulk_pair("q", popped)[..]),
            "after {writes:?}"
        );
        server.wait_blocked(0);
    }
}

/// A value of another type under the key leaves the waiter blocked (as in
/// Redis); a list pushed later still reaches it.
#[test]
fn a_value_of_another_type_does_not_wake_a_list_waiter() {
    let server = start();
    let mut waiter = server.connect();
    waiter.send_command(&["BLPOP", "q", "0"]).expect("send");
    server.wait_blocked(1);
    let mut writer = server.connect();
    assert_eq!(writer.cmd(&["ZADD", "q", "1", "m"]), b":1\r\n");
    assert_eq!(writer.cmd(&["SET", "q", "v"]), b"+OK\r\n");
    assert_eq!(writer.cmd(&["DEL", "q"]), b":1\r\n");
    server.wait_blocked(1);
    assert_eq!(writer.cmd(&["RPUSH", "q", "x"]), b":1\r\n");
    assert_eq!(waiter.read_reply().frame(), Some(&bulk_pair("q", "x")[..]));
}
