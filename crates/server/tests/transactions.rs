//! Transactions with more than one client: WATCH against other connections'
//! writes, EXEC waking blocked clients, and EXEC's atomicity under concurrent
//! writers. Scenarios that have a Redis answer run against both servers and
//! compare the transcripts; the atomicity test checks an invariant.

// Transcripts are built step by step, interleaving two clients.
#![allow(clippy::vec_init_then_push)]

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use support::ServerProcess;

/// Runs `scenario` against redis-server and Cinnabar and asserts both produce
/// the same transcript (the raw replies, in order).
fn same_on_both(scenario: fn(&ServerProcess) -> Vec<Vec<u8>>) {
    let redis = support::start_redis(&[]);
    let expected = scenario(&redis);
    let cinnabar = support::start_cinnabar(&[]);
    let got = scenario(&cinnabar);
    let show = |t: &[Vec<u8>]| {
        t.iter()
            .map(|r| String::from_utf8_lossy(r).into_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(show(&got), show(&expected));
}

fn watch_scenario(server: &ServerProcess) -> Vec<Vec<u8>> {
    let mut a = server.connect();
    let mut b = server.connect();
    let mut t = Vec::new();
    // Another client's write to a watched key fails the EXEC.
    t.push(a.cmd(&["WATCH", "k"]));
    t.push(b.cmd(&["SET", "k", "theirs"]));
    t.push(a.cmd(&["MULTI"]));
    t.push(a.cmd(&["SET", "k", "mine"]));
    t.push(a.cmd(&["EXEC"]));
    t.push(a.cmd(&["GET", "k"]));
    // A write to another key does not.
    t.push(a.cmd(&["WATCH", "k"]));
    t.push(b.cmd(&["SET", "other", "1"]));
    t.push(a.cmd(&["MULTI"]));
    t.push(a.cmd(&["SET", "k", "mine"]));
    t.push(a.cmd(&["EXEC"]));
    t.push(a.cmd(&["GET", "k"]));
    // Nor does a read, or a write to the same name in another database.
    t.push(a.cmd(&["WATCH", "k"]));
    t.push(b.cmd(&["GET", "k"]));
    t.push(b.cmd(&["SELECT", "1"]));
    t.push(b.cmd(&["SET", "k", "db1"]));
    t.push(a.cmd(&["MULTI"]));
    t.push(a.cmd(&["INCR", "n"]));
    t.push(a.cmd(&["EXEC"]));
    // Collection writes, expiry changes and deletions all count.
    for write in [&["RPUSH", "list", "x"][..], &["SELECT", "0"]] {
        t.push(b.cmd(write));
    }
    for write in [
        &["RPUSH", "list", "y"][..],
        &["EXPIRE", "list", "100"],
        &["PERSIST", "list"],
        &["DEL", "list"],
    ] {
        t.push(a.cmd(&["WATCH", "list"]));
        t.push(b.cmd(write));
        t.push(a.cmd(&["MULTI"]));
        t.push(a.cmd(&["PING"]));
        t.push(a.cmd(&["EXEC"]));
    }
    // Writes that change nothing are not modifications for WATCH.
    for setup in [
        &["SADD", "s", "m"][..],
        &["HSET", "h", "f", "v"],
        &["ZADD", "z", "1", "a"],
        &["RPUSH", "l2", "x"],
        &["PFADD", "hll", "a"],
    ] {
        t.push(b.cmd(setup));
    }
    for (key, write) in [
        ("s", &["SADD", "s", "m"][..]),
        ("s", &["SREM", "s", "nope"]),
        ("s", &["SMOVE", "s", "s2", "nope"]),
        ("h", &["HSETNX", "h", "f", "other"]),
        ("h", &["HDEL", "h", "nope"]),
        ("z", &["ZADD", "z", "NX", "5", "a"]),
        ("z", &["ZADD", "z", "1", "a"]),
        ("z", &["ZREM", "z", "nope"]),
        ("z", &["ZREMRANGEBYSCORE", "z", "10", "20"]),
        ("l2", &["LREM", "l2", "0", "nope"]),
        ("l2", &["LINSERT", "l2", "BEFORE", "nope", "y"]),
        ("hll", &["PFADD", "hll", "a"]),
        ("s", &["PERSIST", "s"]),
        ("s", &["EXPIRE", "s", "100", "XX"]),
        ("s", &["EXPIRE", "s", "100", "NX"]),
        ("s", &["EXPIRE", "s", "50", "GT"]),
        ("s", &["PERSIST", "s"]),
        ("s", &["SADD", "s", "new"]),
        ("z", &["ZADD", "z", "2", "a"]),
        ("s", &["SADD", "s", "wrong", "type", "check"]),
        ("h", &["LPUSH", "h", "x"]),
    ] {
        t.push(a.cmd(&["WATCH", key]));
        t.push(b.cmd(write));
        t.push(a.cmd(&["MULTI"]));
        t.push(a.cmd(&["PING"]));
        t.push(a.cmd(&["EXEC"]));
    }
    // SWAPDB touches watched keys that exist in either database.
    t.push(a.cmd(&["WATCH", "k"]));
    t.push(b.cmd(&["SWAPDB", "0", "1"]));
    t.push(a.cmd(&["MULTI"]));
    t.push(a.cmd(&["PING"]));
    t.push(a.cmd(&["EXEC"]));
    t
}

#[test]
fn watch_sees_other_clients_writes() {
    same_on_both(watch_scenario);
}

fn expiry_scenario(server: &ServerProcess) -> Vec<Vec<u8>> {
    let mut a = server.connect();
    let mut t = Vec::new();
    t.push(a.cmd(&["SET", "k", "v", "PX", "30"]));
    t.push(a.cmd(&["WATCH", "k"]));
    // Waiting longer than needed never changes the outcome.
    std::thread::sleep(Duration::from_millis(120));
    t.push(a.cmd(&["MULTI"]));
    t.push(a.cmd(&["PING"]));
    t.push(a.cmd(&["EXEC"]));
    t
}

#[test]
fn a_watched_key_that_expires_fails_exec() {
    same_on_both(expiry_scenario);
}

fn wake_scenario(server: &ServerProcess) -> Vec<Vec<u8>> {
    let mut waiter = server.connect();
    let mut admin = server.connect();
    let mut t = Vec::new();
    waiter
        .send_command(&["BLPOP", "q", "0"])
        .expect("send BLPOP");
    server.wait_blocked(1);
    t.push(admin.cmd(&["MULTI"]));
    t.push(admin.cmd(&["RPUSH", "q", "a", "b"]));
    t.push(admin.cmd(&["LLEN", "q"]));
    t.push(admin.cmd(&["EXEC"]));
    t.push(match waiter.read_reply() {
        support::Reply::Frame(f) => f,
        other => format!("{other}").into_bytes(),
    });
    t.push(admin.cmd(&["LRANGE", "q", "0", "-1"]));
    t
}

#[test]
fn exec_serves_blocked_clients_after_the_whole_transaction() {
    same_on_both(wake_scenario);
}

#[test]
fn exec_is_atomic_under_concurrent_writers() {
    let server = support::start_cinnabar(&[]);
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for _ in 0..3 {
        let mut c = server.connect();
        let stop = stop.clone();
        writers.push(std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                c.cmd(&["INCR", "n"]);
                c.cmd(&["RPUSH", "log", "w"]);
            }
        }));
    }
    let mut t = server.connect();
    for _ in 0..200 {
        t.cmd(&["MULTI"]);
        t.cmd(&["GET", "n"]);
        t.cmd(&["INCRBY", "n", "1000"]);
        t.cmd(&["GET", "n"]);
        t.cmd(&["LLEN", "log"]);
        t.cmd(&["LLEN", "log"]);
        let reply = support::resp::parse_exact(&t.cmd(&["EXEC"])).expect("EXEC reply");
        let support::resp::Frame::Aggregate {
            items: Some(items), ..
        } = &reply
        else {
            panic!("EXEC did not return an array: {reply:?}");
        };
        let num = |i: usize| -> i64 { items.get(i).and_then(|f| f.as_integer()).unwrap_or(0) };
        // Nobody ran between the transaction's commands.
        assert_eq!(num(2), num(0) + 1000, "{reply:?}");
        assert_eq!(num(4), num(3), "{reply:?}");
    }
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().expect("writer");
    }
}
