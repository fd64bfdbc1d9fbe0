//! GEO integration tests over TCP against Cinnabar alone: things the
//! differential files cannot show. Reply contents are compared with
//! `redis-server` in `tests/diff/geo.txt` and `tests/diff_random_geo.rs`;
//! here the checks are structural (every store lands in its own key, no
//! error replies, counts agree with what was stored).
//!
//! * GEORADIUS / GEORADIUSBYMEMBER find their STORE / STOREDIST destination
//!   among the options; the destination must be locked like any declared
//!   key, wherever its slot is, also while other clients write the source.
//! * A large index (skiplist encoding) answers searches quickly.

mod support;

use std::thread;

use support::resp;
use support::RawClient;

fn int(reply: &[u8]) -> i64 {
    match resp::parse_exact(reply) {
        Ok(f) if f.kind() == b':' => f.as_integer().unwrap_or(i64::MIN),
        other => panic!("not an integer reply: {other:?} ({})", resp::escape(reply)),
    }
}

fn array_len(reply: &[u8]) -> usize {
    match resp::parse_exact(reply) {
        Ok(f) if f.kind() == b'*' => f.element_count().unwrap_or(0),
        other => panic!("not an array reply: {other:?} ({})", resp::escape(reply)),
    }
}

/// Adds `n` points on a small grid around (13.36, 38.11), `per` per GEOADD.
fn fill(c: &mut RawClient, key: &str, n: usize, per: usize) {
    let mut i = 0;
    while i < n {
        let mut args = vec!["GEOADD".to_string(), key.to_string()];
        for j in i..(i + per).min(n) {
            args.push(format!("{:.6}", 13.0 + (j % 100) as f64 * 0.01));
            args.push(format!("{:.6}", 38.0 + (j / 100) as f64 * 0.01));
            args.push(format!("p{j}"));
        }
        let reply = c.cmd(&args);
        assert!(reply.starts_with(b":"), "GEOADD: {}", resp::escape(&reply));
        i += per;
    }
}

#[test]
fn store_destinations_anywhere_are_locked() {
    let server = support::start_cinnabar(&[]);
    let mut c = server.connect();
    fill(&mut c, "src", 300, 100);
    for i in 0..64 {
        let dest = format!("dest:{i}");
        let n = int(&c.cmd(&[
            "GEORADIUS",
            "src",
            "13.5",
            "38.01",
            "30",
            "km",
            "COUNT",
            "50",
            "STORE",
            &dest,
        ]));
        assert!(n > 0, "GEORADIUS STORE stored nothing");
        assert_eq!(int(&c.cmd(&["ZCARD", &dest])), n);
        let distd = format!("distd:{i}");
        let m = int(&c.cmd(&[
            "GEORADIUSBYMEMBER",
            "src",
            "p150",
            "20",
            "km",
            "ASC",
            "STOREDIST",
            &distd,
        ]));
        assert_eq!(int(&c.cmd(&["ZCARD", &distd])), m);
        // Both keywords: the last one wins, and only it is written.
        let (a, b) = (format!("a:{i}"), format!("b:{i}"));
        let k = int(&c.cmd(&[
            "GEORADIUS",
            "src",
            "13.5",
            "38.01",
            "30",
            "km",
            "STORE",
            &a,
            "STOREDIST",
            &b,
        ]));
        assert_eq!(int(&c.cmd(&["EXISTS", &a])), 0);
        assert_eq!(int(&c.cmd(&["ZCARD", &b])), k);
    }
}

#[test]
fn concurrent_stores_and_writes() {
    let server = support::start_cinnabar(&[]);
    let mut c = server.connect();
    fill(&mut c, "src", 200, 100);
    let mut workers = Vec::new();
    for w in 0..3 {
        let mut c = server.connect();
        workers.push(thread::spawn(move || {
            for i in 0..150 {
                let dest = format!("w{w}:{}", i % 10);
                let reply = match i % 3 {
                    0 => c.cmd(&[
                        "GEORADIUS",
                        "src",
                        "13.4",
                        "38.0",
                        "25",
                        "km",
                        "STORE",
                        &dest,
                    ]),
                    1 => c.cmd(&[
                        "GEOSEARCHSTORE",
                        &dest,
                        "src",
                        "FROMMEMBER",
                        "p10",
                        "BYBOX",
                        "40",
                        "40",
                        "km",
                        "STOREDIST",
                    ]),
                    _ => c.cmd(&[
                        "GEORADIUSBYMEMBER",
                        "src",
                        "p10",
                        "15",
                        "km",
                        "STOREDIST",
                        &dest,
                    ]),
                };
                let n = int(&reply);
                assert!(n > 0, "worker {w} step {i}: empty result");
                // Only this worker writes its destinations.
                assert_eq!(int(&c.cmd(&["ZCARD", &dest])), n);
            }
        }));
    }
    // Meanwhile, keep rewriting the source (p10 always stays).
    for i in 0..300 {
        let m = format!("extra{}", i % 40);
        let lon = format!("{:.4}", 13.0 + (i % 37) as f64 * 0.02);
        assert!(c
            .cmd(&["GEOADD", "src", &lon, "38.05", &m])
            .starts_with(b":"));
        if i % 5 == 0 {
            c.cmd(&["ZREM", "src", &m]);
        }
    }
    for w in workers {
        w.join().expect("worker panicked");
    }
}

#[test]
fn large_index_searches() {
    let server = support::start_cinnabar(&[]);
    let mut c = server.connect();
    fill(&mut c, "big", 20_000, 500);
    assert_eq!(c.cmd(&["OBJECT", "ENCODING", "big"]), b"$8\r\nskiplist\r\n");
    assert_eq!(int(&c.cmd(&["ZCARD", "big"])), 20_000);
    // A 1 km radius around a grid point holds a few points; a huge one holds
    // all of them, nearest first.
    let near = array_len(&c.cmd(&[
        "GEOSEARCH",
        "big",
        "FROMMEMBER",
        "p5050",
        "BYRADIUS",
        "1",
        "km",
    ]));
    assert!((1..=9).contains(&near), "{near} points within 1 km");
    let all = c.cmd(&[
        "GEOSEARCH",
        "big",
        "FROMLONLAT",
        "13.5",
        "39",
        "BYRADIUS",
        "500",
        "km",
        "ASC",
        "COUNT",
        "3",
    ]);
    assert_eq!(array_len(&all), 3);
    let stored = int(&c.cmd(&[
        "GEOSEARCHSTORE",
        "copy",
        "big",
        "FROMLONLAT",
        "13.5",
        "39",
        "BYBOX",
        "1000",
        "1000",
        "km",
    ]));
    assert_eq!(stored, 20_000);
    assert_eq!(
        c.cmd(&["OBJECT", "ENCODING", "copy"]),
        b"$8\r\nskiplist\r\n"
    );
    let any = c.cmd(&[
        "GEOSEARCH",
        "big",
        "FROMLONLAT",
        "13.5",
        "39",
        "BYRADIUS",
        "500",
        "km",
        "COUNT",
        "7",
        "ANY",
    ]);
    assert_eq!(array_len(&any), 7);
}
