//! HyperLogLog integration tests against a real `redis-server`.
//!
//! * Values built by Redis are copied into Cinnabar with GET/SET (and the
//!   other way round) and must count, merge and grow identically.
//! * Large cardinalities, built with pipelined PFADDs, are compared with
//!   Redis byte for byte (the GET of the value) and by estimate.
//! * Hand-made dense values and a fuzz run over thousands of random and
//!   mutated (corrupted) values check that every reply equals Redis's and
//!   that Cinnabar never dies, whatever bytes a user stores.
//!
//! The small cases live in `tests/diff/hll.txt`.

mod support;

use std::time::Duration;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use support::resp::{self, Frame};
use support::{DiffPair, RawClient, Reply};

/// Header of a sparse HyperLogLog with a stale cache.
const SPARSE_HDR: &[u8; 16] = b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80";
/// Header of a dense HyperLogLog with a stale cache.
const DENSE_HDR: &[u8; 16] = b"HYLL\x00\0\0\0\0\0\0\0\0\0\0\x80";
/// Bytes of the dense registers.
const DENSE_REGS: usize = 12288;
/// Elements whose hash gives a register value above the sparse maximum (32).
const BIG_ELEMENTS: [&str; 2] = ["big0003cded88f", "big00039efabcf"];

/// The payload of a bulk-string reply.
fn bulk(reply: &[u8]) -> Vec<u8> {
    match resp::parse_exact(reply) {
        Ok(Frame::Blob {
            kind: b'$',
            data: Some(d),
        }) => d,
        other => panic!("expected a bulk string, got {other:?}"),
    }
}

/// The PFADD commands adding `count` distinct elements `{prefix}{i}` from
/// `start`, 1000 per command, encoded for a pipeline.
fn pfadd_batch(key: &str, prefix: &str, start: usize, count: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut commands = 0;
    let mut i = start;
    while i < start + count {
        let end = (i + 1000).min(start + count);
        let mut args: Vec<Vec<u8>> = vec![b"PFADD".to_vec(), key.as_bytes().to_vec()];
        args.extend((i..end).map(|j| format!("{prefix}{j}").into_bytes()));
        out.extend(resp::encode_command(&args));
        commands += 1;
        i = end;
    }
    (out, commands)
}

/// Pipelines PFADDs of `count` elements into one server; returns the replies.
fn pipelined_add(c: &mut RawClient, key: &str, prefix: &str, count: usize) -> Vec<Vec<u8>> {
    let (batch, commands) = pfadd_batch(key, prefix, 0, count);
    c.send_raw(&batch).expect("send pipeline");
    (0..commands)
        .map(|_| match c.read_reply() {
            Reply::Frame(f) => f,
            other => panic!("PFADD pipeline: {other}"),
        })
        .collect()
}

/// Pipelines PFADDs into both servers of a pair, comparing every reply.
fn pipelined_add_both(pair: &mut DiffPair, key: &str, prefix: &str, start: usize, count: usize) {
    let (batch, commands) = pfadd_batch(key, prefix, start, count);
    pair.send_raw(&batch);
    for i in 0..commands {
        let outcome = pair.read_replies();
        assert!(
            outcome.same(),
            "PFADD {key} batch {i}: reference {} vs subject {}",
            outcome.reference,
            outcome.subject
        );
    }
}

/// Cardinalities used for the value exchange tests (0 = PFADD without elements).
const SIZES: [usize; 8] = [0, 1, 10, 100, 1000, 2000, 10_000, 100_000];

/// Builds HyperLogLogs of [`SIZES`] on `from`, copies them to `to` with
/// GET/SET, and checks that both servers then agree on everything.
fn exchange(from: &mut RawClient, to: &mut RawClient) {
    let mut keys = Vec::new();
    for (n, size) in SIZES.iter().enumerate() {
        let key = format!("h{size}");
        if *size == 0 {
            assert_eq!(from.cmd(&["PFADD", &key]), b":1\r\n");
        } else {
            pipelined_add(from, &key, &format!("v{n}:"), *size);
        }
        // Half of the values travel with a computed (valid) cache.
        if n % 2 == 0 {
            from.cmd(&["PFCOUNT", &key]);
        }
        let value = bulk(&from.cmd(&["GET", &key]));
        assert_eq!(
            to.cmd(&[b"SET".as_slice(), key.as_bytes(), &value]),
            b"+OK\r\n"
        );
        keys.push(key);
    }
    for key in &keys {
        for args in [
            vec!["PFCOUNT", key.as_str()],
            vec!["GET", key.as_str()],
            vec!["PFDEBUG", "ENCODING", key.as_str()],
            vec!["PFCOUNT", key.as_str(), "missing"],
        ] {
            assert_eq!(from.cmd(&args), to.cmd(&args), "{args:?}");
        }
    }
    // Both grow the same way from the copied bytes.
    for key in &keys {
        let more = ["x1", "x2", "x3", BIG_ELEMENTS[0]];
        let mut args = vec!["PFADD", key.as_str()];
        args.extend(more);
        assert_eq!(from.cmd(&args), to.cmd(&args), "{args:?}");
        let get = ["GET", key.as_str()];
        assert_eq!(from.cmd(&get), to.cmd(&get), "GET {key} after PFADD");
    }
    let mut union = vec!["PFCOUNT"];
    union.extend(keys.iter().map(String::as_str));
    assert_eq!(from.cmd(&union), to.cmd(&union));
    let mut merge = vec!["PFMERGE", "merged"];
    merge.extend(keys.iter().map(String::as_str));
    assert_eq!(from.cmd(&merge), to.cmd(&merge));
    assert_eq!(from.cmd(&["GET", "merged"]), to.cmd(&["GET", "merged"]));
    assert_eq!(
        from.cmd(&["PFCOUNT", "merged"]),
        to.cmd(&["PFCOUNT", "merged"])
    );
    let getreg = ["PFDEBUG", "GETREG", "h1000"];
    assert_eq!(from.cmd(&getreg), to.cmd(&getreg));
}

#[test]
fn values_from_redis_work_in_cinnabar() {
    let redis = support::start_redis(&[]);
    let cinnabar = support::start_cinnabar(&[]);
    exchange(&mut redis.connect(), &mut cinnabar.connect());
}

#[test]
fn values_from_cinnabar_work_in_redis() {
    let redis = support::start_redis(&[]);
    let cinnabar = support::start_cinnabar(&[]);
    exchange(&mut cinnabar.connect(), &mut redis.connect());
}

#[test]
fn large_cardinalities_match_redis() {
    let mut pair = DiffPair::start(&[]);
    let checkpoints = [5_000, 10_000, 50_000, 100_000, 300_000];
    let mut done = 0;
    for &n in &checkpoints {
        pipelined_add_both(&mut pair, "big", "item-", done, n - done);
        done = n;
        pair.assert_same(&["PFCOUNT", "big"]);
        pair.assert_same(&["GET", "big"]);
        pair.assert_same(&["PFCOUNT", "big", "other"]);
    }
    // A second HLL overlapping the first by half, sparse then dense.
    pipelined_add_both(&mut pair, "half", "item-", 150_000, 300_000);
    pair.assert_same(&["PFCOUNT", "big", "half"]);
    pair.assert_same(&["PFMERGE", "union", "big", "half"]);
    pair.assert_same(&["PFCOUNT", "union"]);
    pair.assert_same(&["GET", "union"]);
    pipelined_add_both(&mut pair, "small", "other-", 0, 1500);
    pair.assert_same(&["PFDEBUG", "ENCODING", "small"]);
    pair.assert_same(&["PFMERGE", "small", "big"]);
    pair.assert_same(&["GET", "small"]);
}

/// A dense value whose registers come from `reg(i)` (0..=63).
fn dense_value(reg: impl Fn(usize) -> u8) -> Vec<u8> {
    let mut regs = vec![0u8; DENSE_REGS];
    for i in 0..16384 {
        let v = u32::from(reg(i) & 63);
        let bit = i * 6;
        let (at, shift) = (bit / 8, bit % 8);
        regs[at] |= (v << shift) as u8;
        if shift > 2 {
            regs[at + 1] |= (v >> (8 - shift)) as u8;
        }
    }
    let mut out = DENSE_HDR.to_vec();
    out.extend(regs);
    out
}

#[test]
fn crafted_dense_values_match_redis() {
    let mut pair = DiffPair::start(&[]);
    let mut rng = SmallRng::seed_from_u64(0x4859_4c4c);
    let mut values: Vec<Vec<u8>> = vec![
        dense_value(|_| 0),
        dense_value(|_| 63),
        dense_value(|_| 51),
        dense_value(|_| 50),
        dense_value(|_| 33),
        dense_value(|i| (i % 64) as u8),
        dense_value(|i| if i % 2 == 0 { 52 } else { 0 }),
        dense_value(|i| if i < 8 { 1 } else { 0 }),
    ];
    for _ in 0..12 {
        let limit = rng.gen_range(1..=64u8);
        let density = rng.gen_range(0.0..1.0f64);
        let regs: Vec<u8> = (0..16384)
            .map(|_| {
                if rng.gen_bool(density) {
                    rng.gen_range(0..limit)
                } else {
                    0
                }
            })
            .collect();
        values.push(dense_value(|i| regs[i]));
    }
    for (n, value) in values.iter().enumerate() {
        pair.reset();
        pair.assert_same(&[b"SET".as_slice(), b"d", value]);
        pair.assert_same(&["PFCOUNT", "d"]);
        pair.assert_same(&["GET", "d"]);
        pair.assert_same(&["PFCOUNT", "d", "missing"]);
        pair.assert_same(&["PFADD", "s", "a", "b", "c"]);
        pair.assert_same(&["PFCOUNT", "d", "s"]);
        pair.assert_same(&["PFMERGE", "s", "d"]);
        pair.assert_same(&["GET", "s"]);
        pair.assert_same(&["PFADD", "d", "e1", "e2", BIG_ELEMENTS[n % 2]]);
        pair.assert_same(&["GET", "d"]);
        pair.assert_same(&["PFDEBUG", "GETREG", "d"]);
    }
}

/// True when the sparse body ends inside a two-byte XZERO opcode. Redis
/// reads the missing byte from past the end of its string; after an update
/// of such a value that byte may hold leftovers of the update (depending on
/// allocation sizes), so later results are not reproducible there.
fn truncated_tail(value: &[u8]) -> bool {
    if value.len() < 16 || value.get(4) != Some(&1) {
        return false;
    }
    let mut p = 16;
    while let Some(&b) = value.get(p) {
        let width = if b & 0xc0 == 0x40 { 2 } else { 1 };
        if p + width > value.len() {
            return true;
        }
        p += width;
    }
    false
}

/// A random but well-formed sparse value, often with unusual opcode runs.
fn random_sparse(rng: &mut SmallRng) -> Vec<u8> {
    let mut out = SPARSE_HDR.to_vec();
    out[8..15].iter_mut().for_each(|b| *b = rng.gen());
    if rng.gen_bool(0.3) {
        out[15] = 0;
    }
    let mut left = 16384usize;
    while left > 0 {
        let n;
        match rng.gen_range(0..3) {
            0 => {
                n = rng.gen_range(1..=left.min(64));
                out.push((n - 1) as u8);
            }
            1 => {
                let cap = [100, 2000, 16384][rng.gen_range(0..3)];
                n = rng.gen_range(1..=left.min(cap));
                out.push(0x40 | ((n - 1) >> 8) as u8);
                out.push(((n - 1) & 0xff) as u8);
            }
            _ => {
                n = rng.gen_range(1..=left.min(4));
                let v: usize = if rng.gen_bool(0.7) {
                    rng.gen_range(1..=3)
                } else {
                    rng.gen_range(1..=32)
                };
                out.push(0x80 | ((v - 1) << 2) as u8 | (n - 1) as u8);
            }
        }
        left -= n;
    }
    out
}

/// A random dense value: random bytes, sparse-ish bytes, or zeros.
fn random_dense(rng: &mut SmallRng) -> Vec<u8> {
    let mut out = DENSE_HDR.to_vec();
    out[5..16].iter_mut().for_each(|b| *b = rng.gen());
    let mode = rng.gen_range(0..3);
    out.extend((0..DENSE_REGS).map(|_| match mode {
        0 => rng.gen(),
        1 => [0, 0, 0, 0, 1, 2, 0x41, 0xff][rng.gen_range(0..8)],
        _ => 0,
    }));
    out
}

/// Damages a value: flipped bytes, truncation, extension, deletion,
/// header changes, inserted opcodes.
fn mutate(rng: &mut SmallRng, value: &[u8]) -> Vec<u8> {
    let mut v = value.to_vec();
    let body = v.len() > 16;
    match rng.gen_range(0..8) {
        0 if body => {
            for _ in 0..rng.gen_range(1..4) {
                let i = rng.gen_range(16..v.len());
                v[i] = rng.gen();
            }
        }
        1 if body => {
            let at = rng.gen_range(16..v.len());
            v.truncate(at);
        }
        2 => v.extend((0..rng.gen_range(1..5)).map(|_| rng.gen::<u8>())),
        3 if body => {
            let at = rng.gen_range(16..v.len());
            let end = (at + rng.gen_range(1..4)).min(v.len());
            v.drain(at..end);
        }
        4 if v.len() >= 16 => {
            let i = rng.gen_range(0..16);
            v[i] = rng.gen();
        }
        5 if v.len() >= 16 => {
            v[15] = [0, 0x80, 0x7f][rng.gen_range(0..3)];
            v[8] = rng.gen();
        }
        6 if body => {
            let at = rng.gen_range(16..v.len());
            let op = [0x40, 0x7f, 0x80, 0x00, 0xfc, 0xff, 0x3f][rng.gen_range(0..7)];
            v.insert(at, op);
        }
        7 => v.truncate(rng.gen_range(0..=v.len().min(20))),
        _ => {}
    }
    v
}

/// Random PFADD elements, sometimes including ones above the sparse maximum.
fn random_elements(rng: &mut SmallRng) -> Vec<Vec<u8>> {
    (0..rng.gen_range(0..20))
        .map(|_| {
            if rng.gen_bool(0.02) {
                BIG_ELEMENTS[rng.gen_range(0..2)].as_bytes().to_vec()
            } else {
                format!("r{}", rng.gen_range(0..100_000)).into_bytes()
            }
        })
        .collect()
}

#[test]
fn fuzzed_values_never_crash_and_match_redis() {
    let mut pair = DiffPair::start(&[]);
    let mut rng = SmallRng::seed_from_u64(0x00c1_4ab4_2024);

    // Real values of several sizes to mutate.
    let mut bases = Vec::new();
    for n in [0usize, 1, 3, 10, 50, 200, 800, 1500] {
        pair.assert_same(&["DEL", "base"]);
        let mut args = vec![b"PFADD".to_vec(), b"base".to_vec()];
        args.extend((0..n).map(|i| format!("x{i}").into_bytes()));
        pair.assert_same(&args);
        bases.push(bulk(&pair.assert_same(&["GET", "base"])));
    }
    pair.assert_same(&["PFDEBUG", "TODENSE", "base"]);
    bases.push(bulk(&pair.assert_same(&["GET", "base"])));

    let iterations = 3000;
    let mut compared = 0;
    for _ in 0..iterations {
        let pick = rng.gen_range(0.0..1.0f64);
        let mut value = if pick < 0.25 {
            random_sparse(&mut rng)
        } else if pick < 0.35 {
            random_dense(&mut rng)
        } else {
            let base = &bases[rng.gen_range(0..bases.len())];
            mutate(&mut rng, base)
        };
        if rng.gen_bool(0.3) {
            value = mutate(&mut rng, &value);
        }
        let other = match rng.gen_range(0..4) {
            0 => random_sparse(&mut rng),
            1 => random_dense(&mut rng),
            2 => bases[rng.gen_range(0..bases.len())].clone(),
            _ => {
                let base = &bases[rng.gen_range(0..bases.len())];
                mutate(&mut rng, base)
            }
        };
        // After an update of a truncated value Redis's results depend on
        // its allocator; only the first (read-only) step is compared then.
        let mut comparable = true;
        let reproducible = !truncated_tail(&value);
        let mut steps: Vec<Vec<Vec<u8>>> = vec![
            vec![b"SET".to_vec(), b"k".to_vec(), value.clone()],
            vec![b"SET".to_vec(), b"o".to_vec(), other],
        ];
        for _ in 0..rng.gen_range(1..4) {
            let (args, updates_k): (Vec<Vec<u8>>, bool) = match rng.gen_range(0..9) {
                0 => (vec![b"PFCOUNT".to_vec(), b"k".to_vec()], false),
                1 => (
                    vec![b"PFCOUNT".to_vec(), b"k".to_vec(), b"o".to_vec()],
                    false,
                ),
                2 => {
                    let mut a = vec![b"PFADD".to_vec(), b"k".to_vec()];
                    a.extend(random_elements(&mut rng));
                    (a, true)
                }
                3 => (
                    vec![b"PFMERGE".to_vec(), b"k".to_vec(), b"o".to_vec()],
                    true,
                ),
                4 => (
                    vec![b"PFMERGE".to_vec(), b"d".to_vec(), b"k".to_vec()],
                    false,
                ),
                5 => (
                    vec![b"PFDEBUG".to_vec(), b"GETREG".to_vec(), b"k".to_vec()],
                    false,
                ),
                6 => (
                    vec![b"PFDEBUG".to_vec(), b"DECODE".to_vec(), b"k".to_vec()],
                    false,
                ),
                7 => (
                    vec![b"PFDEBUG".to_vec(), b"ENCODING".to_vec(), b"k".to_vec()],
                    false,
                ),
                _ => (
                    vec![b"PFDEBUG".to_vec(), b"TODENSE".to_vec(), b"k".to_vec()],
                    false,
                ),
            };
            steps.push(args);
            steps.push(vec![b"GET".to_vec(), b"k".to_vec()]);
            steps.push(vec![b"GET".to_vec(), b"d".to_vec()]);
            if updates_k && !reproducible {
                // Marker: stop comparing from here on.
                steps.push(Vec::new());
            }
        }
        steps.push(vec![
            b"DEL".to_vec(),
            b"k".to_vec(),
            b"o".to_vec(),
            b"d".to_vec(),
        ]);

        for args in &steps {
            if args.is_empty() {
                comparable = false;
                continue;
            }
            let outcome = pair.request(args);
            if matches!(outcome.subject, Reply::Closed | Reply::Failed(_)) {
                panic!(
                    "cinnabar stopped answering on {} (stored value {})\n{}",
                    resp::format_args(args),
                    resp::escape(&value),
                    pair.diagnostics()
                );
            }
            if !matches!(outcome.reference, Reply::Frame(_)) {
                // The reference crashed on this input: only survival counts.
                assert!(
                    pair.subject_responds(),
                    "cinnabar died\n{}",
                    pair.diagnostics()
                );
                pair = DiffPair::start(&[]);
                break;
            }
            if comparable {
                assert!(
                    outcome.same(),
                    "replies differ for {} (stored value {})\n  reference: {}\n  subject:   {}",
                    resp::format_args(args),
                    resp::escape(&value),
                    outcome.reference,
                    outcome.subject
                );
                compared += 1;
            }
        }
    }
    assert!(
        pair.subject_responds(),
        "cinnabar died\n{}",
        pair.diagnostics()
    );
    assert!(compared > iterations * 4, "too few comparisons: {compared}");
}

/// The sparse → dense switch follows `hll-sparse-max-bytes`, whether given at
/// start-up or changed with CONFIG SET.
#[test]
fn sparse_limit_follows_the_configuration() {
    let mut pair = DiffPair::start(&["--hll-sparse-max-bytes", "200"]);
    for i in 0..200 {
        let element = format!("e{i}");
        pair.assert_same(&["PFADD", "h", element.as_str()]);
        pair.assert_same(&["PFDEBUG", "ENCODING", "h"]);
        pair.assert_same(&["GET", "h"]);
    }
    pair.assert_same(&["CONFIG", "GET", "hll-sparse-max-bytes"]);
    for (limit, key) in [("0", "z"), ("60", "a"), ("1000", "b"), ("20000", "c")] {
        pair.assert_same(&["CONFIG", "SET", "hll-sparse-max-bytes", limit]);
        pair.assert_same(&["CONFIG", "GET", "hll-sparse-max-bytes"]);
        // Elements added one by one, then in batches, up to the promotion.
        for i in 0..150 {
            let element = format!("{key}{i}");
            pair.assert_same(&["PFADD", key, element.as_str()]);
            pair.assert_same(&["PFDEBUG", "ENCODING", key]);
        }
        pair.assert_same(&["GET", key]);
        for chunk in 0..20 {
            let mut args = vec!["PFADD".to_string(), key.to_string()];
            args.extend((0..500).map(|i| format!("{key}-{chunk}-{i}")));
            pair.assert_same(&args);
            pair.assert_same(&["PFDEBUG", "ENCODING", key]);
            pair.assert_same(&["STRLEN", key]);
        }
        pair.assert_same(&["GET", key]);
        pair.assert_same(&["PFCOUNT", key]);
        // A merge into a fresh key crosses the limit at the same register.
        pair.assert_same(&["PFADD", "small", "s1", "s2", "s3"]);
        pair.assert_same(&["PFMERGE", "small", "b"]);
        pair.assert_same(&["GET", "small"]);
        pair.assert_same(&["DEL", "small"]);
    }
    pair.assert_same(&["CONFIG", "SET", "hll-sparse-max-bytes", "abc"]);
    pair.assert_same(&["CONFIG", "SET", "hll-sparse-max-bytes", "-1"]);
}

/// PFCOUNT may rewrite its key (the cached cardinality), so Redis 7.2 flags
/// it `may_replicate` and CLIENT PAUSE WRITE holds it back like a write,
/// while plain reads go on.
#[test]
fn pfcount_waits_while_writes_are_paused() {
    let server = support::start_cinnabar(&[]);
    let mut admin = server.connect();
    let mut c = server.connect();
    assert_eq!(c.cmd(&["PFADD", "h", "a", "b"]), b":1\r\n");
    assert_eq!(
        admin.cmd(&["CLIENT", "PAUSE", "60000", "WRITE"]),
        b"+OK\r\n"
    );
    assert_eq!(c.cmd(&["GET", "missing"]), b"$-1\r\n");
    c.set_timeout(Duration::from_millis(300))
        .expect("set timeout");
    c.send_command(&["PFCOUNT", "h"]).expect("send PFCOUNT");
    // Not answered while the pause lasts (waiting longer could only make a
    // wrong early answer more likely to show, never a right one fail).
    assert!(
        matches!(c.read_reply(), Reply::Failed(_)),
        "PFCOUNT answered during CLIENT PAUSE WRITE"
    );
    assert_eq!(admin.cmd(&["CLIENT", "UNPAUSE"]), b"+OK\r\n");
    c.set_timeout(support::client::DEFAULT_TIMEOUT)
        .expect("set timeout");
    assert_eq!(c.read_reply().frame(), Some(&b":2\r\n"[..]));
}
