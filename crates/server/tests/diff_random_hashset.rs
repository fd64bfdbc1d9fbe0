//! Hashes and sets: seeded random command sequences compared with a real
//! `redis-server`, and statistical properties of the random-returning
//! commands (SPOP, SRANDMEMBER, HRANDFIELD) and of the HSCAN/SSCAN cursor.
//!
//! The random families run over a few hash keys (`h0`..`h2`), set keys
//! (`s0`..`s3`) and a string key (`str`, for WRONGTYPE). Each seed lowers the
//! encoding thresholds so that conversions happen all the time: hashes turn
//! into hashtables past 8 fields or 16-byte values, sets leave the intset past
//! 8 members; deleting a key and writing it again starts it small again, and
//! SPOP with a count close to the size rebuilds a small set. Encodings are
//! checked with OBJECT ENCODING.
//!
//! The reference is Redis 7.0, which has no listpack sets: a 7.2 `listpack`
//! set is accepted where the reference says `hashtable`, and set member lists
//! are compared as multisets (a listpack answers in insertion order, a 7.0
//! hashtable in table order). Commands never bring more members or pairs
//! than the thresholds at once, where 7.2 converts ahead and 7.0 does not.
//! Random replies are compared by type and length (and the subject's are
//! checked for distinct elements when the count is positive); SPOP's popped
//! members are put back on each side separately so both keep the same set.
//!
//! Knobs, as in `tests/diff_random.rs`: `CINNABAR_DIFF_SEEDS=N`,
//! `CINNABAR_DIFF_SEED=S`, `CINNABAR_DIFF_STEPS=N`. Odd seeds use RESP3.

mod support;

use std::collections::{HashMap, HashSet};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use support::random::{bulk, env_number, frame_of, items, seeds, Client};
use support::resp::{format_args, Frame};
use support::{DiffPair, Reply};

const DEFAULT_SEEDS: u64 = 6;
const DEFAULT_STEPS: usize = 400;
const HISTORY_SHOWN: usize = 30;

/// The thresholds every seed runs with (both servers).
const SHARED_CONFIG: &[(&str, &str)] = &[
    ("hash-max-listpack-entries", "8"),
    ("hash-max-listpack-value", "16"),
    ("set-max-intset-entries", "8"),
];
/// 7.2-only thresholds (subject only).
const SUBJECT_CONFIG: &[(&str, &str)] = &[
    ("set-max-listpack-entries", "8"),
    ("set-max-listpack-value", "16"),
];
/// The most members / pairs one command may bring (see the module docs).
const MAX_BATCH: usize = 8;

/// How a command's replies are compared.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Check {
    /// Byte for byte.
    Exact,
    /// As multisets.
    Sorted,
    /// Same type and element count; `distinct` also requires the subject's
    /// elements to be distinct (pairs when `pairs`).
    Random { distinct: bool, pairs: bool },
    /// OBJECT ENCODING of a set: `listpack` (7.2) may stand for `hashtable`.
    SetEncoding,
    /// SPOP: like `Random`, then each side's popped members go back into `key`.
    Popped { key: String },
}

struct Cmd {
    args: Vec<String>,
    check: Check,
    mutable: bool,
}

impl Cmd {
    fn new(args: &[&str]) -> Cmd {
        Cmd {
            args: args.iter().map(|s| s.to_string()).collect(),
            check: Check::Exact,
            mutable: true,
        }
    }

    fn arg(mut self, a: impl Into<String>) -> Cmd {
        self.args.push(a.into());
        self
    }

    fn check(mut self, c: Check) -> Cmd {
        self.check = c;
        self
    }

    fn fixed(mut self) -> Cmd {
        self.mutable = false;
        self
    }
}

struct Gen {
    rng: StdRng,
}

impl Gen {
    fn chance(&mut self, percent: u32) -> bool {
        self.rng.gen_range(0..100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.rng.gen_range(0..items.len())]
    }

    fn count(&mut self, lo: i64, hi: i64) -> String {
        self.rng.gen_range(lo..=hi).to_string()
    }

    fn set_key(&mut self) -> &'static str {
        if self.chance(8) {
            self.pick(&["str", "h0"])
        } else {
            self.pick(&["s0", "s1", "s2", "s3"])
        }
    }

    fn hash_key(&mut self) -> &'static str {
        if self.chance(8) {
            self.pick(&["str", "s0"])
        } else {
            self.pick(&["h0", "h1", "h2"])
        }
    }

    fn member(&mut self) -> String {
        const POOL: &[&str] = &[
            "a",
            "b",
            "c",
            "d",
            "e",
            "",
            "007",
            "+1",
            "-0",
            "1.5",
            "70000",
            "-70000",
            "5000000000",
            "-9223372036854775808",
            "9223372036854775807",
            "a-long-member-over-16",
            "x",
        ];
        if self.chance(45) {
            return self.count(-3, 25);
        }
        self.pick(POOL).to_string()
    }

    fn members(&mut self) -> Vec<String> {
        let n = self.rng.gen_range(1..=MAX_BATCH);
        (0..n).map(|_| self.member()).collect()
    }

    fn field(&mut self) -> String {
        if self.chance(80) {
            format!("f{}", self.rng.gen_range(0..12))
        } else {
            self.pick(&["", "7", "a-field-name-longer-than-16"])
                .to_string()
        }
    }

    fn value(&mut self) -> String {
        match self.rng.gen_range(0..10) {
            0..=3 => self.count(-100, 100),
            4 => self
                .pick(&[
                    "9223372036854775807",
                    "-9223372036854775808",
                    "1.5",
                    "-0.25",
                ])
                .to_string(),
            5 => self.pick(&["", "abc", " 1", "007"]).to_string(),
            6 => "a value longer than sixteen bytes".to_string(),
            _ => format!("v{}", self.rng.gen_range(0..50)),
        }
    }

    fn pattern(&mut self) -> &'static str {
        self.pick(&["*", "f1*", "*1", "[a-c]", "?", "f?", "*-*", "1*", "nothing"])
    }
}

fn sets(g: &mut Gen) -> Cmd {
    let k = g.set_key();
    let k2 = g.set_key();
    match g.rng.gen_range(0..40) {
        0..=7 => g
            .members()
            .into_iter()
            .fold(Cmd::new(&["SADD", k]), Cmd::arg),
        8..=10 => g
            .members()
            .into_iter()
            .fold(Cmd::new(&["SREM", k]), Cmd::arg),
        11 => Cmd::new(&["SCARD", k]),
        12 => Cmd::new(&["SISMEMBER", k]).arg(g.member()),
        13 => g
            .members()
            .into_iter()
            .fold(Cmd::new(&["SMISMEMBER", k]), Cmd::arg),
        14 | 15 => Cmd::new(&["SMEMBERS", k]).check(Check::Sorted),
        16 | 17 => Cmd::new(&["SPOP", k])
            .check(Check::Popped { key: k.to_string() })
            .fixed(),
        18 | 19 => {
            let n = if g.chance(15) {
                g.pick(&["100", "-1", "x", "0"]).to_string()
            } else {
                g.count(1, MAX_BATCH as i64)
            };
            Cmd::new(&["SPOP", k, &n])
                .check(Check::Popped { key: k.to_string() })
                .fixed()
        }
        20 | 21 => {
            let n = g.count(-12, 12);
            let distinct = !n.starts_with('-');
            let cmd = Cmd::new(&["SRANDMEMBER", k]);
            if g.chance(20) {
                cmd.check(Check::Random {
                    distinct: false,
                    pairs: false,
                })
            } else {
                cmd.arg(n)
                    .check(Check::Random {
                        distinct,
                        pairs: false,
                    })
                    .fixed()
            }
        }
        22 | 23 => Cmd::new(&["SMOVE", k, k2]).arg(g.member()),
        24..=26 => {
            let op = g.pick(&["SINTER", "SUNION", "SDIFF"]);
            let n = g.rng.gen_range(1..=3);
            (0..n)
                .fold(Cmd::new(&[op]), |c, _| c.arg(g.set_key()))
                .check(Check::Sorted)
        }
        27..=29 => {
            let op = g.pick(&["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]);
            let n = g.rng.gen_range(1..=3);
            (0..n).fold(Cmd::new(&[op, k]), |c, _| c.arg(g.set_key()))
        }
        30 => {
            let n = g.rng.gen_range(1..=3);
            let mut cmd = (0..n).fold(Cmd::new(&["SINTERCARD", &n.to_string()]), |c, _| {
                c.arg(g.set_key())
            });
            if g.chance(50) {
                cmd = cmd.arg("LIMIT").arg(g.count(-1, 5));
            }
            cmd
        }
        31 | 32 => {
            let mut cmd = Cmd::new(&["SSCAN", k, "0"]);
            if g.chance(50) {
                cmd = cmd.arg("MATCH").arg(g.pattern());
            }
            cmd.arg("COUNT").arg("1000").check(Check::Sorted).fixed()
        }
        33..=35 => Cmd::new(&["OBJECT", "ENCODING", k])
            .check(Check::SetEncoding)
            .fixed(),
        36 => Cmd::new(&["DEL", k]),
        37 => Cmd::new(&["TYPE", k]),
        38 => Cmd::new(&["EXISTS", k]),
        _ => Cmd::new(&["SADD", k]).arg(g.count(0, 5)),
    }
}

fn hashes(g: &mut Gen) -> Cmd {
    let k = g.hash_key();
    match g.rng.gen_range(0..40) {
        0..=7 => {
            let cmd = if g.chance(85) { "HSET" } else { "HMSET" };
            let n = g.rng.gen_range(1..=MAX_BATCH);
            (0..n).fold(Cmd::new(&[cmd, k]), |c, _| {
                let f = g.field();
                c.arg(f).arg(g.value())
            })
        }
        8 => Cmd::new(&["HSETNX", k]).arg(g.field()).arg(g.value()),
        9..=11 => Cmd::new(&["HGET", k]).arg(g.field()),
        12 => (0..g.rng.gen_range(1..=4)).fold(Cmd::new(&["HMGET", k]), |c, _| c.arg(g.field())),
        13..=15 => {
            (0..g.rng.gen_range(1..=4)).fold(Cmd::new(&["HDEL", k]), |c, _| c.arg(g.field()))
        }
        16 => Cmd::new(&["HLEN", k]),
        17 => Cmd::new(&["HSTRLEN", k]).arg(g.field()),
        18 => Cmd::new(&["HEXISTS", k]).arg(g.field()),
        19 | 20 => Cmd::new(&[g.pick(&["HKEYS", "HVALS", "HGETALL"]), k]).check(Check::Sorted),
        21 | 22 => {
            let by = match g.rng.gen_range(0..8) {
                0 => g
                    .pick(&["x", "1.5", "9223372036854775807", "-9223372036854775808"])
                    .to_string(),
                _ => g.count(-50, 50),
            };
            Cmd::new(&["HINCRBY", k]).arg(g.field()).arg(by)
        }
        23 | 24 => {
            // Dyadic increments: exact in binary, the same in any precision.
            let by = match g.rng.gen_range(0..8) {
                0 => g.pick(&["x", "inf", "nan", ""]).to_string(),
                _ => format!("{}", g.rng.gen_range(-400i32..400) as f64 / 8.0),
            };
            Cmd::new(&["HINCRBYFLOAT", k]).arg(g.field()).arg(by)
        }
        25..=28 => {
            let n = g.count(-12, 12);
            let distinct = !n.starts_with('-');
            match g.rng.gen_range(0..4) {
                0 => Cmd::new(&["HRANDFIELD", k]).check(Check::Random {
                    distinct: false,
                    pairs: false,
                }),
                1 => Cmd::new(&["HRANDFIELD", k, &n])
                    .check(Check::Random {
                        distinct,
                        pairs: false,
                    })
                    .fixed(),
                _ => Cmd::new(&["HRANDFIELD", k, &n, "WITHVALUES"])
                    .check(Check::Random {
                        distinct,
                        pairs: true,
                    })
                    .fixed(),
            }
        }
        29 | 30 => {
            let mut cmd = Cmd::new(&["HSCAN", k, "0"]);
            if g.chance(50) {
                cmd = cmd.arg("MATCH").arg(g.pattern());
            }
            cmd.arg("COUNT").arg("1000").check(Check::Sorted).fixed()
        }
        31..=34 => Cmd::new(&["OBJECT", "ENCODING", k]).fixed(),
        35 => Cmd::new(&["DEL", k]),
        36 => Cmd::new(&["TYPE", k]),
        37 => Cmd::new(&["HSET", "str"]).arg(g.field()).arg(g.value()),
        _ => Cmd::new(&["EXISTS", k]),
    }
}

/// True when the elements (or pairs) of an aggregate are distinct.
fn distinct(f: &Frame, pairs: bool) -> bool {
    let elems = items(f);
    let keys: Vec<Vec<u8>> = if pairs && elems.first().is_some_and(|e| e.kind() != b'*') {
        elems
            .chunks(2)
            .map(|c| c.iter().flat_map(Frame::encode).collect())
            .collect()
    } else {
        elems.iter().map(Frame::encode).collect()
    };
    keys.iter().collect::<HashSet<_>>().len() == keys.len()
}

fn compare(reference: &Reply, subject: &Reply, check: &Check) -> Result<(), String> {
    if matches!(reference, Reply::Closed) {
        return Err("the reference closed the connection".into());
    }
    if reference.same_as(subject) {
        return Ok(());
    }
    let (Some(r), Some(s)) = (frame_of(reference), frame_of(subject)) else {
        return Err("byte-for-byte equality".into());
    };
    match check {
        Check::Exact => Err("byte-for-byte equality".into()),
        Check::Sorted => {
            if r.sorted_deep() == s.sorted_deep() {
                Ok(())
            } else {
                Err("equality as multisets".into())
            }
        }
        Check::Random { .. } | Check::Popped { .. } if !r.is_error() => {
            let (d, pairs) = match check {
                Check::Random { distinct, pairs } => (*distinct, *pairs),
                _ => (true, false),
            };
            if r.kind() != s.kind() || r.element_count() != s.element_count() {
                return Err("same type and length".into());
            }
            if d && !distinct(&s, pairs) {
                return Err("distinct elements in the subject's reply".into());
            }
            Ok(())
        }
        Check::SetEncoding
            if bulk(&s).as_deref() == Some(b"listpack")
                && bulk(&r).as_deref() == Some(b"hashtable") =>
        {
            Ok(())
        }
        _ => Err("byte-for-byte equality".into()),
    }
}

/// Puts SPOP's popped members back, each side its own, and checks both sides
/// hold the same set again.
fn restore_popped(
    pair: &mut DiffPair,
    key: &str,
    outcome: &support::Outcome,
) -> Result<(), String> {
    let popped = |reply: &Reply| -> Vec<Vec<u8>> {
        match frame_of(reply) {
            Some(f) if f.kind() == b'$' => bulk(&f).into_iter().collect(),
            Some(f) => items(&f).iter().filter_map(bulk).collect(),
            None => Vec::new(),
        }
    };
    for (side, members) in [
        (true, popped(&outcome.reference)),
        (false, popped(&outcome.subject)),
    ] {
        if members.is_empty() {
            continue;
        }
        let mut args: Vec<Vec<u8>> = vec![b"SADD".to_vec(), key.as_bytes().to_vec()];
        args.extend(members.iter().cloned());
        let reply = if side {
            pair.request_reference(&args)
        } else {
            pair.request_subject(&args)
        };
        let expected = format!(":{}\r\n", members.len());
        if reply.frame() != Some(expected.as_bytes()) {
            return Err(format!("putting popped members back answered {reply}"));
        }
    }
    let check = pair.request(&["SMEMBERS", key]);
    compare(&check.reference, &check.subject, &Check::Sorted)
        .map_err(|e| format!("sets differ after SPOP: {e}"))
}

fn configure(pair: &mut DiffPair) {
    for (name, value) in SHARED_CONFIG {
        pair.assert_same(&["CONFIG", "SET", name, value]);
    }
    for (name, value) in SUBJECT_CONFIG {
        // Redis 7.0 (as a validation subject) does not know these.
        let _ = pair.request_subject(&["CONFIG", "SET", name, value]);
    }
}

fn run_family(family: &str, generate: fn(&mut Gen) -> Cmd) {
    let steps = env_number("CINNABAR_DIFF_STEPS").map_or(DEFAULT_STEPS, |n| n as usize);
    let mut pair = DiffPair::start(&[]);
    for seed in seeds(DEFAULT_SEEDS) {
        pair.reset();
        configure(&mut pair);
        let mut g = Gen {
            rng: StdRng::seed_from_u64(seed ^ 0x5e75),
        };
        let mut history: Vec<String> = Vec::new();
        let resp3 = seed % 2 == 1;
        if resp3 {
            let outcome = pair.request(&["HELLO", "3"]);
            assert!(
                outcome.subject.frame().is_some_and(|f| f.starts_with(b"%")),
                "HELLO 3: {}",
                outcome.subject
            );
            history.push("HELLO 3".into());
        }
        pair.assert_same(&["SET", "str", "x"]);
        history.push("SET str x".into());
        for step in 0..steps {
            let mut cmd = generate(&mut g);
            if cmd.mutable && cmd.args.len() > 1 && g.chance(3) {
                cmd.args.pop();
            }
            let outcome = pair.request(&cmd.args);
            let line = format_args(&cmd.args);
            let mut result = compare(&outcome.reference, &outcome.subject, &cmd.check);
            if let (Ok(()), Check::Popped { key }) = (&result, &cmd.check) {
                result = restore_popped(&mut pair, key, &outcome);
            }
            if let Err(why) = result {
                let shown = history.len().saturating_sub(HISTORY_SHOWN);
                panic!(
                    "random {family} sequence diverged: seed {seed} ({}), step {step}\n  command:   {line}\n  \
                     reference: {}\n  subject:   {}\n  check:     {why}\n\
                     preceding commands (most recent last, {shown} earlier ones omitted):\n    {}\n\
                     reproduce with: CINNABAR_DIFF_SEED={seed} cargo test -p cinnabar --test diff_random_hashset {family}\n{}",
                    if resp3 { "RESP3" } else { "RESP2" },
                    outcome.reference,
                    outcome.subject,
                    history[shown..].join("\n    "),
                    pair.diagnostics()
                );
            }
            history.push(line);
        }
    }
}

#[test]
fn sets_random() {
    run_family("sets", sets);
}

#[test]
fn hashes_random() {
    run_family("hashes", hashes);
}

#[test]
fn generators_are_deterministic() {
    for family in [sets as fn(&mut Gen) -> Cmd, hashes] {
        let run = || {
            let mut g = Gen {
                rng: StdRng::seed_from_u64(7),
            };
            (0..300)
                .map(|_| format_args(&family(&mut g).args))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(), run());
    }
}

// ---------------------------------------------------------------------------
// Statistical properties, against Cinnabar alone.
//
// Every bound below is at least six standard deviations from the expected
// value (or a "never seen" event of probability below 1e-20), so a correct
// implementation fails them with negligible probability; a biased or
// repeat-prone one fails them every time.
// ---------------------------------------------------------------------------

/// Replaces `key` with a set of `members`.
fn fill_set(c: &mut Client, key: &str, members: &[String]) {
    c.cmd(&["DEL", key]);
    let mut args = vec!["SADD", key];
    args.extend(members.iter().map(String::as_str));
    c.cmd(&args);
}

fn server() -> (support::ServerProcess, Client) {
    let server = support::start_cinnabar(&[]);
    let c = server.connect();
    (server, Client { c })
}

/// The members of a set of each encoding, with the encoding name.
fn set_flavours() -> Vec<(&'static str, Vec<String>)> {
    vec![
        ("intset", (1..=10).map(|i| (i * 7).to_string()).collect()),
        ("listpack", (0..10).map(|i| format!("m{i}")).collect()),
        (
            "hashtable",
            (0..200).map(|i| format!("member:{i}")).collect(),
        ),
    ]
}

/// Checks that every member was seen about `expected` times: within six
/// standard deviations of a binomial with `draws` trials and probability `p`.
fn assert_uniform(
    what: &str,
    tally: &HashMap<String, u64>,
    members: &[String],
    draws: u64,
    p: f64,
) {
    let expected = draws as f64 * p;
    let sd = (draws as f64 * p * (1.0 - p)).sqrt();
    let (lo, hi) = ((expected - 6.0 * sd).max(1.0), expected + 6.0 * sd);
    for m in members {
        let n = tally.get(m).copied().unwrap_or(0) as f64;
        assert!(
            n >= lo && n <= hi,
            "{what}: member {m} drawn {n} times, expected {expected:.0} (bounds {lo:.0}..{hi:.0})"
        );
    }
    let strangers: Vec<&String> = tally.keys().filter(|k| !members.contains(k)).collect();
    assert!(
        strangers.is_empty(),
        "{what}: drew non-members {strangers:?}"
    );
}

#[test]
fn srandmember_is_uniform_in_every_encoding() {
    let (_server, mut c) = server();
    for (encoding, members) in set_flavours() {
        fill_set(&mut c, "s", &members);
        assert_eq!(c.encoding("s"), encoding);
        let n = members.len() as u64;
        // Negative counts: independent draws, repeats allowed.
        let draws = 300 * n;
        let mut tally = HashMap::new();
        for m in c.strings(&["SRANDMEMBER", "s", &format!("-{draws}")]) {
            *tally.entry(m).or_insert(0u64) += 1;
        }
        assert_uniform(
            &format!("SRANDMEMBER -{draws} ({encoding})"),
            &tally,
            &members,
            draws,
            1.0 / n as f64,
        );
        // Positive counts: distinct members, each equally likely to be chosen.
        for count in [3u64, n / 2, n - 1] {
            let rounds = 300 * n / count;
            let mut tally = HashMap::new();
            for _ in 0..rounds {
                let got = c.strings(&["SRANDMEMBER", "s", &count.to_string()]);
                assert_eq!(got.len() as u64, count);
                assert_eq!(
                    got.iter().collect::<HashSet<_>>().len() as u64,
                    count,
                    "repeats in {got:?}"
                );
                for m in got {
                    *tally.entry(m).or_insert(0u64) += 1;
                }
            }
            assert_uniform(
                &format!("SRANDMEMBER {count} ({encoding})"),
                &tally,
                &members,
                rounds,
                count as f64 / n as f64,
            );
        }
        // A count at least the size returns the whole set.
        let mut all = c.strings(&["SRANDMEMBER", "s", &(n + 5).to_string()]);
        all.sort();
        let mut expected = members.clone();
        expected.sort();
        assert_eq!(all, expected);
        assert_eq!(
            c.encoding("s"),
            encoding,
            "read-only commands keep the encoding"
        );
    }
}

#[test]
fn spop_is_uniform_and_removes_what_it_returns() {
    let (_server, mut c) = server();
    for (encoding, members) in set_flavours() {
        let n = members.len() as u64;
        let mut expected_all = members.clone();
        expected_all.sort();
        for count in [0u64, 1, 3, n - 2] {
            let rounds = (300 * n).checked_div(count).unwrap_or(300 * n);
            let mut tally = HashMap::new();
            for _ in 0..rounds {
                fill_set(&mut c, "s", &members);
                assert_eq!(c.encoding("s"), encoding);
                let popped = if count == 0 {
                    c.strings(&["SPOP", "s"])
                } else {
                    c.strings(&["SPOP", "s", &count.to_string()])
                };
                assert_eq!(popped.len() as u64, count.max(1));
                let mut rest = c.strings(&["SMEMBERS", "s"]);
                assert!(
                    popped.iter().all(|p| !rest.contains(p)),
                    "popped members are gone"
                );
                rest.extend(popped.iter().cloned());
                rest.sort();
                assert_eq!(rest, expected_all, "SPOP {count} lost or invented members");
                for m in popped {
                    *tally.entry(m).or_insert(0u64) += 1;
                }
            }
            let p = count.max(1) as f64 / n as f64;
            assert_uniform(
                &format!("SPOP {count} ({encoding})"),
                &tally,
                &members,
                rounds,
                p,
            );
        }
        // All of it: the key goes away.
        fill_set(&mut c, "s", &members);
        let mut popped = c.strings(&["SPOP", "s", &(n + 1).to_string()]);
        popped.sort();
        assert_eq!(popped, expected_all);
        assert_eq!(c.cmd(&["EXISTS", "s"]).as_integer(), Some(0));
    }
}

#[test]
fn hrandfield_is_uniform_and_pairs_match() {
    let (_server, mut c) = server();
    for (encoding, n) in [("listpack", 10u64), ("hashtable", 1000)] {
        c.cmd(&["DEL", "h"]);
        let fields: Vec<String> = (0..n).map(|i| format!("field:{i}")).collect();
        for chunk in fields.chunks(100) {
            let mut args = vec!["HSET".to_string(), "h".to_string()];
            for f in chunk {
                args.push(f.clone());
                args.push(format!("value of {f}"));
            }
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            c.cmd(&refs);
        }
        assert_eq!(c.encoding("h"), encoding);
        let check_pairs = |flat: &[String]| {
            for p in flat.chunks(2) {
                assert_eq!(
                    p[1],
                    format!("value of {}", p[0]),
                    "field and value belong together"
                );
            }
        };
        let draws = 300 * n;
        let flat = c.strings(&["HRANDFIELD", "h", &format!("-{draws}"), "WITHVALUES"]);
        assert_eq!(flat.len() as u64, 2 * draws);
        check_pairs(&flat);
        let mut tally = HashMap::new();
        for f in flat.chunks(2) {
            *tally.entry(f[0].clone()).or_insert(0u64) += 1;
        }
        assert_uniform(
            &format!("HRANDFIELD -{draws} ({encoding})"),
            &tally,
            &fields,
            draws,
            1.0 / n as f64,
        );
        for count in [2u64, n / 2] {
            let rounds = 300 * n / count;
            let mut tally = HashMap::new();
            for _ in 0..rounds {
                let flat = c.strings(&["HRANDFIELD", "h", &count.to_string(), "WITHVALUES"]);
                check_pairs(&flat);
                let got: Vec<String> = flat.chunks(2).map(|p| p[0].clone()).collect();
                assert_eq!(got.len() as u64, count);
                assert_eq!(
                    got.iter().collect::<HashSet<_>>().len() as u64,
                    count,
                    "repeats"
                );
                for f in got {
                    *tally.entry(f).or_insert(0u64) += 1;
                }
            }
            assert_uniform(
                &format!("HRANDFIELD {count} ({encoding})"),
                &tally,
                &fields,
                rounds,
                count as f64 / n as f64,
            );
        }
        let mut all = c.strings(&["HRANDFIELD", "h", &(n * 2).to_string()]);
        all.sort();
        let mut expected = fields.clone();
        expected.sort();
        assert_eq!(all, expected);
    }
}

/// HSCAN/SSCAN over a hashtable return every member present for the whole
/// iteration, however many members are added and removed between calls.
#[test]
fn scan_cursor_guarantee_under_writes() {
    let (_server, mut c) = server();
    let stable: Vec<String> = (0..600).map(|i| format!("stable:{i}")).collect();
    let churn: Vec<String> = (0..600).map(|i| format!("churn:{i}")).collect();
    for (cmd, add, rem) in [("SSCAN", "SADD", "SREM"), ("HSCAN", "HSET", "HDEL")] {
        c.cmd(&["DEL", "k"]);
        for m in stable.iter().chain(&churn) {
            if add == "HSET" {
                c.cmd(&[add, "k", m, "v"]);
            } else {
                c.cmd(&[add, "k", m]);
            }
        }
        assert_eq!(c.encoding("k"), "hashtable");
        let mut seen = HashSet::new();
        let mut cursor = "0".to_string();
        let mut calls = 0;
        let mut next_new = 0;
        loop {
            let reply = c.cmd(&[cmd, "k", &cursor, "COUNT", "7"]);
            let parts = items(&reply);
            cursor = String::from_utf8_lossy(&bulk(&parts[0]).unwrap_or_default()).into_owned();
            let elems: Vec<String> = items(&parts[1])
                .iter()
                .filter_map(bulk)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .collect();
            let step = if cmd == "HSCAN" { 2 } else { 1 };
            seen.extend(elems.into_iter().step_by(step));
            calls += 1;
            // Churn between calls: remove old members, add new ones.
            for _ in 0..3 {
                if let Some(victim) = churn.get((calls * 3 + next_new) % churn.len()) {
                    c.cmd(&[rem, "k", victim]);
                }
                let fresh = format!("new:{next_new}");
                if add == "HSET" {
                    c.cmd(&[add, "k", &fresh, "v"]);
                } else {
                    c.cmd(&[add, "k", &fresh]);
                }
                next_new += 1;
            }
            if cursor == "0" {
                break;
            }
            assert!(calls < 10_000, "{cmd} does not terminate");
        }
        assert!(
            calls > 50,
            "{cmd} should take many small steps, took {calls}"
        );
        let missed: Vec<&String> = stable.iter().filter(|m| !seen.contains(*m)).collect();
        assert!(
            missed.is_empty(),
            "{cmd} missed {} stable members, e.g. {:?}",
            missed.len(),
            &missed[..missed.len().min(5)]
        );
    }
}
