//! Small hashes, sets and sorted sets are stored inside their keyspace entry
//! (Cinnabar's memory layout, not a Redis behaviour). These tests check, through
//! `MEMORY USAGE`, that every way of writing such a value leaves it in the
//! compact form, and that its contents survive each round trip. The replies
//! checked are the ones Redis gives for the same commands (they are plain
//! set/hash/zset semantics, also covered by the differential tests).

mod support;

use support::resp::Frame;
use support::RawClient;

/// `MEMORY USAGE key` of a compact small value stays below this; the boxed form
/// of the same values costs at least 64 bytes more (object box and buffer).
const COMPACT_MAX: i64 = 120;

fn usage(c: &mut RawClient, key: &str) -> i64 {
    c.frame(&["MEMORY", "USAGE", key])
        .as_integer()
        .unwrap_or_else(|| panic!("MEMORY USAGE {key}"))
}

fn assert_compact(c: &mut RawClient, key: &str) {
    let n = usage(c, key);
    assert!(n <= COMPACT_MAX, "{key} uses {n} bytes: not compact");
}

#[test]
fn every_write_path_leaves_small_values_compact() {
    let server = support::start_cinnabar(&["--worker-threads", "2"]);
    let mut c = server.connect();

    // Built one field at a time, then edited in place.
    for i in 0..10 {
        let (f, v) = (format!("f{i}"), format!("v{i:03}"));
        assert_eq!(c.frame(&["HSET", "h", &f, &v]), Frame::int(1));
        assert_compact(&mut c, "h");
    }
    assert_eq!(c.frame_line("HINCRBY h n 5"), Frame::int(5));
    assert_eq!(c.frame_line("HDEL h f0 nope"), Frame::int(1));
    assert_eq!(c.frame_line("HSETNX h f1 x"), Frame::int(0));
    assert_compact(&mut c, "h");
    assert_eq!(c.frame_line("HGET h f1"), Frame::bulk("v001"));
    assert_eq!(c.frame_line("HLEN h"), Frame::int(10));
    assert_eq!(c.frame_line("OBJECT ENCODING h"), Frame::bulk("listpack"));

    for i in 0..10 {
        assert_eq!(c.frame(&["SADD", "s", &(i * 7).to_string()]), Frame::int(1));
    }
    assert_compact(&mut c, "s");
    assert_eq!(c.frame_line("OBJECT ENCODING s"), Frame::bulk("intset"));
    assert_eq!(c.frame_line("SADD w a b c"), Frame::int(3));
    assert_eq!(c.frame_line("SMOVE s w 14"), Frame::int(1));
    assert_compact(&mut c, "s");
    assert_compact(&mut c, "w");
    assert_eq!(c.frame_line("OBJECT ENCODING w"), Frame::bulk("listpack"));
    assert_eq!(c.frame_line("SISMEMBER w 14"), Frame::int(1));
    assert_eq!(c.frame_line("SCARD s"), Frame::int(9));

    for i in 0..10 {
        let (score, m) = (i.to_string(), format!("m{i}"));
        assert_eq!(c.frame(&["ZADD", "z", &score, &m]), Frame::int(1));
    }
    assert_eq!(c.frame_line("ZINCRBY z 2.5 m0"), Frame::bulk("2.5"));
    assert_eq!(c.frame_line("ZREM z m9"), Frame::int(1));
    assert_compact(&mut c, "z");
    assert_eq!(c.frame_line("ZSCORE z m0"), Frame::bulk("2.5"));
    assert_eq!(
        c.frame_line("ZRANGE z 0 2"),
        Frame::array(vec![
            Frame::bulk("m1"),
            Frame::bulk("m2"),
            Frame::bulk("m0")
        ])
    );

    // Transactions, expiry, renames and copies keep the form too.
    assert_eq!(c.frame_line("MULTI"), Frame::ok());
    c.frame_line("HSET h tx 1");
    c.frame_line("SADD s 1000");
    c.frame_line("ZADD z 100 top");
    assert_eq!(c.frame_line("EXEC").items().len(), 3);
    assert_eq!(c.frame_line("EXPIRE h 1000"), Frame::int(1));
    assert_eq!(c.frame_line("RENAME h h2"), Frame::ok());
    assert_eq!(c.frame_line("COPY z z2"), Frame::int(1));
    for key in ["h2", "s", "z", "z2"] {
        assert_compact(&mut c, key);
    }
    assert_eq!(c.frame_line("HGET h2 tx"), Frame::bulk("1"));
    assert!(matches!(c.frame_line("TTL h2").as_integer(), Some(t) if t > 900));
    assert_eq!(c.frame_line("ZCARD z2"), Frame::int(10));
    assert_eq!(c.frame_line("TYPE z2"), Frame::simple("zset"));

    // A popped member served to a blocked client, from the compact form.
    let mut waiter = server.connect();
    waiter
        .send_command(&["BZPOPMIN", "bz", "0"])
        .expect("send BZPOPMIN");
    server.wait_blocked(1);
    assert_eq!(c.frame_line("ZADD bz 1 a 2 b"), Frame::int(2));
    assert_eq!(
        waiter.read_frame(),
        Frame::array(vec![Frame::bulk("bz"), Frame::bulk("a"), Frame::bulk("1")])
    );
    assert_compact(&mut c, "bz");
    assert_eq!(c.frame_line("ZCARD bz"), Frame::int(1));

    // Growing past the embedding limit boxes the value; shrinking packs it again.
    let long = "x".repeat(60);
    for i in 0..6 {
        c.frame(&["HSET", "h2", &format!("long{i}"), &long]);
    }
    assert!(usage(&mut c, "h2") > COMPACT_MAX);
    for i in 0..6 {
        c.frame(&["HDEL", "h2", &format!("long{i}")]);
    }
    assert_compact(&mut c, "h2");
    assert_eq!(c.frame_line("HLEN h2"), Frame::int(11));
}

/// `list-compress-depth` decides how many nodes stay plain at each end of a
/// long list; the rest are compressed (0, Redis's default, keeps two here).
/// Contents read the same whatever the setting.
#[test]
fn list_compress_depth_controls_interior_compression() {
    let server = support::start_cinnabar(&[]);
    let mut c = server.connect();
    let build = |c: &mut RawClient, key: &str| {
        let batch: Vec<Vec<String>> = (0..100)
            .map(|b| {
                let mut cmd = vec!["RPUSH".to_string(), key.to_string()];
                cmd.extend((0..1000).map(|i| format!("element:{:08}", b * 1000 + i)));
                cmd
            })
            .collect();
        for reply in c.pipeline(&batch) {
            assert!(reply.as_integer().is_some(), "{reply:?}");
        }
    };
    assert_eq!(
        c.frame_line("CONFIG SET list-compress-depth 100000"),
        Frame::ok()
    );
    assert_eq!(
        c.frame_line("CONFIG GET list-compress-depth"),
        Frame::array(vec![
            Frame::bulk("list-compress-depth"),
            Frame::bulk("100000")
        ])
    );
    build(&mut c, "plain");
    assert_eq!(
        c.frame_line("CONFIG SET list-compress-depth 1"),
        Frame::ok()
    );
    build(&mut c, "packed");
    let (plain, packed) = (usage(&mut c, "plain"), usage(&mut c, "packed"));
    assert!(packed * 2 < plain, "compressed {packed} vs plain {plain}");
    for key in ["plain", "packed"] {
        assert_eq!(c.frame(&["LLEN", key]), Frame::int(100_000));
        assert_eq!(
            c.frame(&["LINDEX", key, "54321"]),
            Frame::bulk("element:00054321")
        );
        assert_eq!(
            c.frame(&["LPOS", key, "element:00077777"]),
            Frame::int(77_777)
        );
        assert_eq!(c.frame(&["LSET", key, "50000", "middle"]), Frame::ok());
        assert_eq!(
            c.frame(&["LINSERT", key, "BEFORE", "middle", "before-middle"]),
            Frame::int(100_001)
        );
        assert_eq!(
            c.frame(&["LRANGE", key, "49999", "50001"]),
            Frame::array(vec![
                Frame::bulk("element:00049999"),
                Frame::bulk("before-middle"),
                Frame::bulk("middle"),
            ])
        );
        assert_eq!(c.frame(&["LREM", key, "0", "before-middle"]), Frame::int(1));
        assert_eq!(c.frame(&["RPOP", key]), Frame::bulk("element:00099999"));
        assert_eq!(c.frame(&["LPOP", key]), Frame::bulk("element:00000000"));
    }
    // Back to the default: edits still read back the same.
    assert_eq!(
        c.frame_line("CONFIG SET list-compress-depth 0"),
        Frame::ok()
    );
    assert_eq!(c.frame_line("LTRIM packed 10 -11"), Frame::ok());
    assert_eq!(c.frame_line("LLEN packed"), Frame::int(99_978));
    assert_eq!(
        c.frame_line("LINDEX packed 0"),
        Frame::bulk("element:00000011")
    );
}
