//! Sorted sets over TCP: the blocking pops (BZPOPMIN, BZPOPMAX, BZMPOP) with
//! several clients on different connections and workers (first come, first
//! served; timeouts; keys replaced by another type; CLIENT UNBLOCK; writes that
//! serve waiters), and OBJECT ENCODING transitions of big and small sets.
//! Expected replies are Redis's (checked against redis-server by hand and by
//! the differential cases in `tests/diff/zsets.txt`).

mod support;

use std::time::{Duration, Instant};

use support::{start_cinnabar, RawClient, ServerProcess};

fn start() -> ServerProcess {
    start_cinnabar(&["--worker-threads", "4"])
}

/// `*3 key member score` as BZPOPMIN/BZPOPMAX reply in RESP2.
fn popped(key: &str, member: &str, score: &str) -> Vec<u8> {
    format!(
        "*3\r\n${}\r\n{key}\r\n${}\r\n{member}\r\n${}\r\n{score}\r\n",
        key.len(),
        member.len(),
        score.len()
    )
    .into_bytes()
}

fn reply(c: &mut RawClient) -> Vec<u8> {
    c.read_reply()
        .frame()
        .map(<[u8]>::to_vec)
        .unwrap_or_default()
}

fn client_id(c: &mut RawClient) -> String {
    String::from_utf8_lossy(&c.cmd(&["CLIENT", "ID"]))
        .trim_start_matches(':')
        .trim()
        .to_string()
}

#[test]
fn waiters_are_served_first_come_first_served() {
    let server = start();
    let mut waiters: Vec<RawClient> = Vec::new();
    for i in 0..3 {
        let mut c = server.connect();
        c.send_command(&["BZPOPMIN", "z", "0"]).expect("send");
        server.wait_blocked(i + 1);
        waiters.push(c);
    }
    let mut writer = server.connect();
    // One member: only the first waiter gets it, in the same step as the add.
    assert_eq!(writer.cmd(&["ZADD", "z", "5", "a"]), b":1\r\n");
    assert_eq!(reply(&mut waiters[0]), popped("z", "a", "5"));
    server.wait_blocked(2);
    assert_eq!(writer.cmd(&["EXISTS", "z"]), b":0\r\n");
    // Two members in one ZADD go to the next two waiters, lowest score first.
    assert_eq!(writer.cmd(&["ZADD", "z", "2", "c", "1", "b"]), b":2\r\n");
    assert_eq!(reply(&mut waiters[1]), popped("z", "b", "1"));
    assert_eq!(reply(&mut waiters[2]), popped("z", "c", "2"));
    server.wait_blocked(0);
    assert_eq!(writer.cmd(&["EXISTS", "z"]), b":0\r\n");
}

#[test]
fn first_nonempty_key_and_bzmpop_counts() {
    let server = start();
    let mut w1 = server.connect();
    w1.send_command(&["BZPOPMAX", "k1", "k2", "0"])
        .expect("send");
    server.wait_blocked(1);
    let mut w2 = server.connect();
    w2.send_command(&["BZMPOP", "0", "2", "k3", "k2", "MAX", "COUNT", "2"])
        .expect("send");
    server.wait_blocked(2);
    let mut writer = server.connect();
    assert_eq!(
        writer.cmd(&["ZADD", "k2", "1", "a", "2", "b", "3", "c", "4", "d"]),
        b":4\r\n"
    );
    assert_eq!(reply(&mut w1), popped("k2", "d", "4"));
    assert_eq!(
        reply(&mut w2),
        b"*2\r\n$2\r\nk2\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"
            .to_vec()
    );
    server.wait_blocked(0);
    assert_eq!(
        writer.cmd(&["ZRANGE", "k2", "0", "-1"]),
        b"*1\r\n$1\r\na\r\n"
    );
    // Nothing to wait for when a key already has members.
    assert_eq!(
        writer.cmd(&["BZMPOP", "0", "2", "nothing", "k2", "MIN"]),
        b"*2\r\n$2\r\nk2\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n".to_vec()
    );
}

#[test]
fn timeouts_reply_null_arrays() {
    let server = start();
    let mut c = server.connect();
    let started = Instant::now();
    assert_eq!(c.cmd(&["BZPOPMIN", "nothing", "0.2"]), b"*-1\r\n");
    assert!(
        started.elapsed() >= Duration::from_millis(150),
        "returned after {:?}",
        started.elapsed()
    );
    assert_eq!(c.cmd(&["BZPOPMAX", "a", "b", "0.05"]), b"*-1\r\n");
    assert_eq!(
        c.cmd(&["BZMPOP", "0.05", "1", "nothing", "MIN"]),
        b"*-1\r\n"
    );
    assert_eq!(c.cmd(&["HELLO", "3"]).first(), Some(&b'%'));
    assert_eq!(c.cmd(&["BZPOPMIN", "nothing", "0.05"]), b"_\r\n");
    assert_eq!(c.cmd(&["ZADD", "z", "1.5", "m"]), b":1\r\n");
    assert_eq!(
        c.cmd(&["BZPOPMIN", "z", "0"]),
        b"*3\r\n$1\r\nz\r\n$1\r\nm\r\n,1.5\r\n"
    );
}

#[test]
fn a_key_of_another_type_does_not_serve_waiters() {
    let server = start();
    let mut waiter = server.connect();
    waiter.send_command(&["BZPOPMIN", "k", "0"]).expect("send");
    server.wait_blocked(1);
    let mut writer = server.connect();
    // The key becomes a list, then a string: the waiter keeps waiting (as in
    // Redis, a sorted-set waiter is only served by a sorted set).
    assert_eq!(writer.cmd(&["LPUSH", "k", "x"]), b":1\r\n");
    assert_eq!(writer.cmd(&["DEL", "k"]), b":1\r\n");
    assert_eq!(writer.cmd(&["SET", "k", "v"]), b"+OK\r\n");
    server.wait_blocked(1);
    assert_eq!(writer.cmd(&["DEL", "k"]), b":1\r\n");
    assert_eq!(writer.cmd(&["ZADD", "k", "7", "m"]), b":1\r\n");
    assert_eq!(reply(&mut waiter), popped("k", "m", "7"));
    server.wait_blocked(0);
    // The other way round: a sorted set does not serve a list waiter.
    let mut list_waiter = server.connect();
    list_waiter
        .send_command(&["BLPOP", "q", "0"])
        .expect("send");
    server.wait_blocked(1);
    assert_eq!(writer.cmd(&["ZADD", "q", "1", "a"]), b":1\r\n");
    assert_eq!(writer.cmd(&["ZUNIONSTORE", "q", "1", "q"]), b":1\r\n");
    server.wait_blocked(1);
    assert_eq!(writer.cmd(&["DEL", "q"]), b":1\r\n");
    assert_eq!(writer.cmd(&["RPUSH", "q", "e"]), b":1\r\n");
    assert_eq!(
        reply(&mut list_waiter),
        b"*2\r\n$1\r\nq\r\n$1\r\ne\r\n".to_vec()
    );
    server.wait_blocked(0);
    // Waiting on a key that holds another type is an error right away.
    assert_eq!(writer.cmd(&["SET", "s", "v"]), b"+OK\r\n");
    assert_eq!(
        writer.cmd(&["BZPOPMIN", "s", "0"]),
        b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
    );
}

#[test]
fn stores_and_increments_serve_waiters() {
    let server = start();
    let mut writer = server.connect();
    assert_eq!(writer.cmd(&["ZADD", "src", "1", "a", "2", "b"]), b":2\r\n");
    let mut w1 = server.connect();
    w1.send_command(&["BZPOPMAX", "dst", "0"]).expect("send");
    server.wait_blocked(1);
    let mut w2 = server.connect();
    w2.send_command(&["BZPOPMIN", "inc", "0"]).expect("send");
    server.wait_blocked(2);
    let mut w3 = server.connect();
    w3.send_command(&["BZPOPMIN", "range", "0"]).expect("send");
    server.wait_blocked(3);
    assert_eq!(writer.cmd(&["ZUNIONSTORE", "dst", "1", "src"]), b":2\r\n");
    assert_eq!(reply(&mut w1), popped("dst", "b", "2"));
    assert_eq!(writer.cmd(&["ZINCRBY", "inc", "3", "x"]), b"$1\r\n3\r\n");
    assert_eq!(reply(&mut w2), popped("inc", "x", "3"));
    assert_eq!(
        writer.cmd(&["ZRANGESTORE", "range", "src", "0", "0"]),
        b":1\r\n"
    );
    assert_eq!(reply(&mut w3), popped("range", "a", "1"));
    server.wait_blocked(0);
    assert_eq!(writer.cmd(&["ZCARD", "dst"]), b":1\r\n");
    assert_eq!(writer.cmd(&["EXISTS", "inc", "range"]), b":0\r\n");
}

#[test]
fn client_unblock_with_timeout_or_error() {
    let server = start();
    let mut waiter = server.connect();
    let id = client_id(&mut waiter);
    let mut admin = server.connect();
    waiter.send_command(&["BZPOPMIN", "k", "0"]).expect("send");
    server.wait_blocked(1);
    assert_eq!(admin.cmd(&["CLIENT", "UNBLOCK", &id]), b":1\r\n");
    assert_eq!(reply(&mut waiter), b"*-1\r\n");
    waiter
        .send_command(&["BZMPOP", "0", "1", "k", "MAX"])
        .expect("send");
    server.wait_blocked(1);
    assert_eq!(admin.cmd(&["CLIENT", "UNBLOCK", &id, "ERROR"]), b":1\r\n");
    assert_eq!(
        reply(&mut waiter),
        b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
    );
    assert_eq!(admin.cmd(&["CLIENT", "UNBLOCK", &id]), b":0\r\n");
    // An unblocked client takes nothing from later writes.
    assert_eq!(admin.cmd(&["ZADD", "k", "1", "a"]), b":1\r\n");
    assert_eq!(admin.cmd(&["ZCARD", "k"]), b":1\r\n");
    assert_eq!(waiter.cmd(&["PING"]), b"+PONG\r\n");
}

#[test]
fn many_waiters_and_writers_lose_nothing() {
    let server = start();
    let addr = server.addr();
    let waiters: Vec<_> = (0..4)
        .map(|i| {
            std::thread::spawn(move || {
                let mut c = RawClient::connect(addr).expect("connect");
                let mut got = Vec::new();
                for _ in 0..25 {
                    let (a, b) = if i % 2 == 0 {
                        ("q1", "q2")
                    } else {
                        ("q2", "q1")
                    };
                    let r = c.cmd(&["BZPOPMIN", a, b, "q3", "0"]);
                    got.push(r);
                }
                got
            })
        })
        .collect();
    let writers: Vec<_> = (0..2)
        .map(|w| {
            std::thread::spawn(move || {
                let mut c = RawClient::connect(addr).expect("connect");
                for n in 0..50 {
                    let key = ["q1", "q2", "q3"][n % 3];
                    let member = format!("w{w}-{n}");
                    assert_eq!(c.cmd(&["ZADD", key, "1", &member]), b":1\r\n");
                }
            })
        })
        .collect();
    for w in writers {
        w.join().expect("writer");
    }
    let mut seen = std::collections::HashSet::new();
    for w in waiters {
        for r in w.join().expect("waiter") {
            assert!(r.starts_with(b"*3\r\n"), "{}", String::from_utf8_lossy(&r));
            assert!(seen.insert(r), "a member was popped twice");
        }
    }
    assert_eq!(seen.len(), 100);
    let mut c = server.connect();
    assert_eq!(c.cmd(&["EXISTS", "q1", "q2", "q3"]), b":0\r\n");
}

fn encoding(c: &mut RawClient, key: &str) -> String {
    String::from_utf8_lossy(&c.cmd(&["OBJECT", "ENCODING", key]))
        .trim()
        .trim_start_matches(|ch: char| ch == '$' || ch.is_ascii_digit())
        .trim()
        .to_string()
}

#[test]
fn encodings_follow_the_thresholds() {
    let server = start_cinnabar(&[]);
    let mut c = server.connect();
    for i in 0..128 {
        let m = format!("m{i:03}");
        assert_eq!(c.cmd(&["ZADD", "z", &i.to_string(), &m]), b":1\r\n");
    }
    assert_eq!(encoding(&mut c, "z"), "listpack");
    assert_eq!(c.cmd(&["ZADD", "z", "128", "m128"]), b":1\r\n");
    assert_eq!(encoding(&mut c, "z"), "skiplist");
    // Removing members never converts back; a stored small range does.
    assert_eq!(c.cmd(&["ZREMRANGEBYRANK", "z", "0", "120"]), b":121\r\n");
    assert_eq!(encoding(&mut c, "z"), "skiplist");
    assert_eq!(c.cmd(&["ZRANGESTORE", "small", "z", "0", "-1"]), b":8\r\n");
    assert_eq!(encoding(&mut c, "small"), "listpack");
    assert_eq!(c.cmd(&["ZUNIONSTORE", "u", "1", "z"]), b":8\r\n");
    assert_eq!(encoding(&mut c, "u"), "listpack");
    // A 65-byte member converts at once; 64 bytes still fit.
    let m64 = "x".repeat(64);
    let m65 = "y".repeat(65);
    assert_eq!(c.cmd(&["ZADD", "v", "1", &m64]), b":1\r\n");
    assert_eq!(encoding(&mut c, "v"), "listpack");
    assert_eq!(c.cmd(&["ZADD", "v", "2", &m65]), b":1\r\n");
    assert_eq!(encoding(&mut c, "v"), "skiplist");
    assert_eq!(c.cmd(&["ZSCORE", "v", &m64]), b"$1\r\n1\r\n");
    // A big ZADD on a new key starts as a skiplist (7.2 sizes it ahead).
    let mut args: Vec<String> = vec!["ZADD".into(), "big".into()];
    for i in 0..200 {
        args.push(i.to_string());
        args.push(format!("b{i}"));
    }
    assert_eq!(c.cmd(&args), b":200\r\n");
    assert_eq!(encoding(&mut c, "big"), "skiplist");
    // Duplicates count towards the size hint, as in Redis 7.2.
    let mut dup: Vec<String> = vec!["ZADD".into(), "dup".into()];
    for _ in 0..129 {
        dup.push("1".into());
        dup.push("same".into());
    }
    assert_eq!(c.cmd(&dup), b":1\r\n");
    assert_eq!(encoding(&mut c, "dup"), "skiplist");
    assert_eq!(c.cmd(&["ZCARD", "dup"]), b":1\r\n");
    // Raising the threshold keeps existing skiplists; new keys are listpacks.
    assert_eq!(
        c.cmd(&["CONFIG", "SET", "zset-max-listpack-entries", "1000"]),
        b"+OK\r\n"
    );
    assert_eq!(c.cmd(&["ZADD", "z2", "1", "a"]), b":1\r\n");
    assert_eq!(encoding(&mut c, "z2"), "listpack");
    assert_eq!(encoding(&mut c, "big"), "skiplist");
    assert_eq!(
        c.cmd(&["ZRANGESTORE", "big2", "big", "0", "-1"]),
        b":200\r\n"
    );
    assert_eq!(encoding(&mut c, "big2"), "listpack");
    assert_eq!(
        c.cmd(&["ZRANGE", "big2", "199", "199"]),
        b"*1\r\n$4\r\nb199\r\n"
    );
}

#[test]
fn a_large_set_keeps_ranks_and_ranges() {
    let server = start_cinnabar(&[]);
    let mut c = server.connect();
    // 20,000 members inserted in a scrambled order, with repeated scores.
    let n = 20_000u64;
    let mut batch: Vec<String> = vec!["ZADD".into(), "z".into()];
    for i in 0..n {
        let k = (i * 7919) % n;
        batch.push((k / 4).to_string());
        batch.push(format!("m{k:05}"));
        if batch.len() >= 2 + 2000 {
            c.cmd(&batch);
            batch.truncate(2);
        }
    }
    if batch.len() > 2 {
        c.cmd(&batch);
    }
    assert_eq!(c.cmd(&["ZCARD", "z"]), b":20000\r\n");
    assert_eq!(c.cmd(&["ZRANK", "z", "m12345"]), b":12345\r\n");
    assert_eq!(c.cmd(&["ZREVRANK", "z", "m12345"]), b":7654\r\n");
    assert_eq!(c.cmd(&["ZCOUNT", "z", "100", "(200"]), b":400\r\n");
    assert_eq!(
        c.cmd(&["ZRANGE", "z", "10000", "10001", "WITHSCORES"]),
        b"*4\r\n$6\r\nm10000\r\n$4\r\n2500\r\n$6\r\nm10001\r\n$4\r\n2500\r\n"
    );
    assert_eq!(
        c.cmd(&["ZRANGEBYSCORE", "z", "(4998", "+inf", "LIMIT", "2", "3"]),
        b"*2\r\n$6\r\nm19998\r\n$6\r\nm19999\r\n"
    );
    assert_eq!(
        c.cmd(&["ZREVRANGE", "z", "0", "0", "WITHSCORES"]),
        b"*2\r\n$6\r\nm19999\r\n$4\r\n4999\r\n"
    );
    assert_eq!(
        c.cmd(&["ZREMRANGEBYSCORE", "z", "0", "(1000"]),
        b":4000\r\n"
    );
    assert_eq!(c.cmd(&["ZRANK", "z", "m12345"]), b":8345\r\n");
    assert_eq!(c.cmd(&["ZREM", "z", "m12345", "m00000"]), b":1\r\n");
    assert_eq!(c.cmd(&["ZRANK", "z", "m12346"]), b":8345\r\n");
    // A full ZSCAN returns every member once (no writes meanwhile).
    let mut cursor = "0".to_string();
    let mut seen = std::collections::HashSet::new();
    loop {
        let raw = c.cmd(&["ZSCAN", "z", &cursor, "COUNT", "500"]);
        let text = String::from_utf8_lossy(&raw).into_owned();
        let lines: Vec<&str> = text.split("\r\n").collect();
        cursor = lines[2].to_string();
        for pair in lines[4..].chunks(4) {
            if pair.len() == 4 {
                seen.insert(pair[1].to_string());
            }
        }
        if cursor == "0" {
            break;
        }
    }
    assert_eq!(seen.len(), 15_999);
}
