//! Sorted sets: seeded random command sequences compared with a real
//! `redis-server`, and statistical properties of ZRANDMEMBER and of the ZSCAN
//! cursor.
//!
//! Two families run: `zsets` over keys `z0`..`z3` (plus a plain set `s0` as a
//! set-algebra input and a string `str` for WRONGTYPE), and `lex` over keys
//! `l0`..`l2` whose members all score 0, where the lexicographic commands are
//! well defined in every encoding. Each seed starts with its own
//! `zset-max-listpack-entries` / `-value` and changes them now and then with
//! CONFIG SET, so sets convert from listpack to skiplist all the time, and
//! back when ZRANGESTORE / ZUNIONSTORE / ZINTERSTORE / ZDIFFSTORE store a small
//! result. Encodings are compared with OBJECT ENCODING.
//!
//! The reference is Redis 7.0. Two 7.2 changes are kept out of reach: a ZADD
//! never brings more pairs than `zset-max-listpack-entries` (7.2 converts ahead
//! of such a batch, 7.0 does not), and scores are dyadic numbers, integers and
//! infinities, which both versions print alike. ZRANDMEMBER replies are
//! compared by type and length (and checked for distinct members when the count
//! is positive); ZSCAN replies as multisets.
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
/// The most pairs one ZADD brings (further capped by the current
/// `zset-max-listpack-entries`, see the module docs).
const MAX_BATCH: usize = 8;

/// How a command's replies are compared.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Check {
    /// Byte for byte.
    Exact,
    /// As multisets.
    Sorted,
    /// Same type and element count; `distinct` also requires the subject's
    /// members to be distinct.
    Random { distinct: bool },
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
    /// The current `zset-max-listpack-entries` (ZADD batches stay below it).
    entries: usize,
}

impl Gen {
    fn new(seed: u64) -> Gen {
        Gen {
            rng: StdRng::seed_from_u64(seed ^ 0x25e7),
            entries: 128,
        }
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.rng.gen_range(0..100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.rng.gen_range(0..items.len())]
    }

    fn count(&mut self, lo: i64, hi: i64) -> String {
        self.rng.gen_range(lo..=hi).to_string()
    }

    fn zkey(&mut self) -> &'static str {
        if self.chance(6) {
            self.pick(&["str", "s0", "missing"])
        } else {
            self.pick(&["z0", "z1", "z2", "z3"])
        }
    }

    /// An input of the set-algebra commands.
    fn input(&mut self) -> &'static str {
        self.pick(&["z0", "z1", "z2", "z3", "s0", "missing", "z0", "z1"])
    }

    fn lkey(&mut self) -> &'static str {
        if self.chance(5) {
            self.pick(&["str", "z0"])
        } else {
            self.pick(&["l0", "l1", "l2"])
        }
    }

    fn member(&mut self) -> String {
        const POOL: &[&str] = &[
            "a",
            "b",
            "c",
            "d",
            "e",
            "f",
            "",
            "007",
            "10",
            "9",
            "-1",
            "x y",
            "long-member-over-16-bytes",
        ];
        if self.chance(30) {
            return format!("m{}", self.rng.gen_range(0..12));
        }
        self.pick(POOL).to_string()
    }

    fn score(&mut self) -> String {
        match self.rng.gen_range(0..20) {
            0 => self
                .pick(&["inf", "-inf", "+inf", "-0", "0x10", "1e2", "+3"])
                .to_string(),
            1 if self.chance(30) => self.pick(&["abc", "nan", "", " 1"]).to_string(),
            2..=5 => format!("{}", f64::from(self.rng.gen_range(-24i32..40)) / 4.0),
            _ => self.count(-5, 15),
        }
    }

    fn bound(&mut self) -> String {
        match self.rng.gen_range(0..12) {
            0 => self.pick(&["-inf", "+inf", "(-inf", "(+inf"]).to_string(),
            1 if self.chance(20) => self.pick(&["abc", "(x", "nan"]).to_string(),
            2..=4 => format!("({}", self.count(-5, 15)),
            5 => format!("{}", f64::from(self.rng.gen_range(-20i32..60)) / 4.0),
            _ => self.count(-5, 15),
        }
    }

    fn lex_bound(&mut self) -> String {
        match self.rng.gen_range(0..10) {
            0 => "-".into(),
            1 => "+".into(),
            2 if self.chance(20) => self.pick(&["a", "", "+x"]).to_string(),
            3..=6 => format!("[{}", self.member()),
            _ => format!("({}", self.member()),
        }
    }

    fn pattern(&mut self) -> &'static str {
        self.pick(&["*", "m*", "*1", "[a-c]", "?", "m?", "*-*", "1*", "nothing"])
    }

    /// Pairs for a ZADD: never more than the listpack threshold.
    fn pairs(&mut self, cmd: Cmd, lex: bool) -> Cmd {
        let cap = self.entries.clamp(1, MAX_BATCH);
        let n = self.rng.gen_range(1..=cap);
        (0..n).fold(cmd, |c, _| {
            let s = if lex { "0".to_string() } else { self.score() };
            let m = self.member();
            c.arg(s).arg(m)
        })
    }

    fn limit(&mut self, cmd: Cmd) -> Cmd {
        if self.chance(35) {
            let off = self.count(-1, 6);
            let n = self.count(-1, 6);
            cmd.arg("LIMIT").arg(off).arg(n)
        } else {
            cmd
        }
    }

    fn config(&mut self) -> Cmd {
        if self.chance(50) {
            let e = self.pick(&["1", "2", "4", "8", "128"]);
            self.entries = e.parse().unwrap_or(128);
            Cmd::new(&["CONFIG", "SET", "zset-max-listpack-entries", e]).fixed()
        } else {
            let v = self.pick(&["1", "4", "16", "64"]);
            Cmd::new(&["CONFIG", "SET", "zset-max-listpack-value", v]).fixed()
        }
    }
}

fn zadd_options(g: &mut Gen, mut cmd: Cmd) -> Cmd {
    if g.chance(40) {
        for opt in ["NX", "XX", "GT", "LT", "CH"] {
            if g.chance(20) {
                cmd = cmd.arg(opt);
            }
        }
    }
    cmd
}

fn zsets(g: &mut Gen) -> Cmd {
    let k = g.zkey();
    match g.rng.gen_range(0..64) {
        0..=8 => {
            let cmd = zadd_options(g, Cmd::new(&["ZADD", k]));
            g.pairs(cmd, false)
        }
        9 => {
            let cmd = zadd_options(g, Cmd::new(&["ZADD", k, "INCR"]));
            let s = g.score();
            cmd.arg(s).arg(g.member())
        }
        10 | 11 => {
            let s = g.score();
            Cmd::new(&["ZINCRBY", k, &s]).arg(g.member())
        }
        12 | 13 => (0..g.rng.gen_range(1..=3)).fold(Cmd::new(&["ZREM", k]), |c, _| {
            let m = g.member();
            c.arg(m)
        }),
        14 => Cmd::new(&["ZCARD", k]),
        15 => Cmd::new(&["ZSCORE", k]).arg(g.member()),
        16 => (0..g.rng.gen_range(1..=3)).fold(Cmd::new(&["ZMSCORE", k]), |c, _| {
            let m = g.member();
            c.arg(m)
        }),
        17 => Cmd::new(&[g.pick(&["ZRANK", "ZREVRANK"]), k]).arg(g.member()),
        18 => {
            let (a, b) = (g.bound(), g.bound());
            Cmd::new(&["ZCOUNT", k, &a, &b])
        }
        19..=21 => {
            let (a, b) = (g.count(-6, 6), g.count(-6, 6));
            let mut cmd = Cmd::new(&["ZRANGE", k, &a, &b]);
            if g.chance(30) {
                cmd = cmd.arg("REV");
            }
            if g.chance(50) {
                cmd = cmd.arg("WITHSCORES");
            }
            cmd
        }
        22..=24 => {
            let (a, b) = (g.bound(), g.bound());
            let mut cmd = Cmd::new(&["ZRANGE", k, &a, &b, "BYSCORE"]);
            if g.chance(40) {
                cmd = cmd.arg("REV");
            }
            if g.chance(50) {
                cmd = cmd.arg("WITHSCORES");
            }
            g.limit(cmd)
        }
        25 => {
            let (a, b) = (g.count(-6, 6), g.count(-6, 6));
            Cmd::new(&["ZREVRANGE", k, &a, &b, "WITHSCORES"])
        }
        26 | 27 => {
            let op = g.pick(&["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"]);
            let (a, b) = (g.bound(), g.bound());
            let mut cmd = Cmd::new(&[op, k, &a, &b]);
            if g.chance(50) {
                cmd = cmd.arg("WITHSCORES");
            }
            g.limit(cmd)
        }
        28 | 29 => {
            let dst = g.zkey();
            let src = g.zkey();
            // By rank only while every result fits a listpack: 7.2 sizes the
            // destination for the range ahead (keeping a `-0` score that 7.0
            // would have stored as 0 in a listpack first).
            if g.entries >= 128 && g.chance(50) {
                let (a, b) = (g.count(-6, 6), g.count(-6, 6));
                Cmd::new(&["ZRANGESTORE", dst, src, &a, &b])
            } else {
                let (a, b) = (g.bound(), g.bound());
                let cmd = Cmd::new(&["ZRANGESTORE", dst, src, &a, &b, "BYSCORE"]);
                let cmd = if g.chance(30) { cmd.arg("REV") } else { cmd };
                g.limit(cmd)
            }
        }
        30 | 31 => {
            let (a, b) = (g.count(-6, 6), g.count(-6, 6));
            Cmd::new(&["ZREMRANGEBYRANK", k, &a, &b])
        }
        32 | 33 => {
            let (a, b) = (g.bound(), g.bound());
            Cmd::new(&["ZREMRANGEBYSCORE", k, &a, &b])
        }
        34 | 35 => {
            let op = g.pick(&["ZPOPMIN", "ZPOPMAX"]);
            if g.chance(50) {
                Cmd::new(&[op, k])
            } else {
                let n = g.count(-1, 5);
                Cmd::new(&[op, k, &n])
            }
        }
        36 => {
            let n = g.rng.gen_range(1..=3);
            let mut cmd = (0..n).fold(Cmd::new(&["ZMPOP", &n.to_string()]), |c, _| {
                let key = g.zkey();
                c.arg(key)
            });
            cmd = cmd.arg(g.pick(&["MIN", "MAX"]));
            if g.chance(50) {
                cmd = cmd.arg("COUNT").arg(g.count(0, 5));
            }
            cmd
        }
        37 if g.chance(30) => {
            let op = g.pick(&["BZPOPMIN", "BZPOPMAX"]);
            let k2 = g.zkey();
            Cmd::new(&[op, k, k2, "0.01"]).fixed()
        }
        37 => {
            let k2 = g.zkey();
            let w = g.pick(&["MIN", "MAX"]);
            Cmd::new(&["BZMPOP", "0.01", "2", k, k2, w, "COUNT", "2"]).fixed()
        }
        38 | 39 => {
            let n = g.count(-8, 8);
            let distinct = !n.starts_with('-');
            match g.rng.gen_range(0..3) {
                0 => Cmd::new(&["ZRANDMEMBER", k]).check(Check::Random { distinct: false }),
                1 => Cmd::new(&["ZRANDMEMBER", k, &n])
                    .check(Check::Random { distinct })
                    .fixed(),
                _ => Cmd::new(&["ZRANDMEMBER", k, &n, "WITHSCORES"])
                    .check(Check::Random { distinct: false })
                    .fixed(),
            }
        }
        40 | 41 => {
            let mut cmd = Cmd::new(&["ZSCAN", k, "0"]);
            if g.chance(50) {
                cmd = cmd.arg("MATCH").arg(g.pattern());
            }
            cmd.arg("COUNT").arg("1000").check(Check::Sorted).fixed()
        }
        42..=46 => {
            let op = g.pick(&["ZUNION", "ZINTER", "ZDIFF"]);
            let n = g.rng.gen_range(1..=3);
            let mut cmd = (0..n).fold(Cmd::new(&[op, &n.to_string()]), |c, _| {
                let key = g.input();
                c.arg(key)
            });
            if op != "ZDIFF" && g.chance(40) {
                cmd = cmd.arg("WEIGHTS");
                for _ in 0..n {
                    cmd = cmd.arg(g.pick(&["1", "2", "0.5", "-1", "0", "3", "inf"]));
                }
            }
            if op != "ZDIFF" && g.chance(40) {
                cmd = cmd.arg("AGGREGATE").arg(g.pick(&["SUM", "MIN", "MAX"]));
            }
            if g.chance(60) {
                cmd = cmd.arg("WITHSCORES");
            }
            cmd
        }
        47..=49 => {
            let op = g.pick(&["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"]);
            let n = g.rng.gen_range(1..=3);
            let mut cmd = (0..n).fold(Cmd::new(&[op, k, &n.to_string()]), |c, _| {
                let key = g.input();
                c.arg(key)
            });
            if op != "ZDIFFSTORE" && g.chance(40) {
                cmd = cmd.arg("WEIGHTS");
                for _ in 0..n {
                    cmd = cmd.arg(g.pick(&["1", "2", "0.5", "-1", "0"]));
                }
            }
            if op != "ZDIFFSTORE" && g.chance(30) {
                cmd = cmd.arg("AGGREGATE").arg(g.pick(&["SUM", "MIN", "MAX"]));
            }
            cmd
        }
        50 => {
            let n = g.rng.gen_range(1..=3);
            let mut cmd = (0..n).fold(Cmd::new(&["ZINTERCARD", &n.to_string()]), |c, _| {
                let key = g.input();
                c.arg(key)
            });
            if g.chance(50) {
                cmd = cmd.arg("LIMIT").arg(g.count(-1, 4));
            }
            cmd
        }
        // Not s0: small sets are listpacks in 7.2 only.
        51..=54 => {
            let z = g.pick(&["z0", "z1", "z2", "z3", "str"]);
            Cmd::new(&["OBJECT", "ENCODING", z]).fixed()
        }
        55 => Cmd::new(&["DEL", k]),
        56 => Cmd::new(&["TYPE", k]),
        57 => Cmd::new(&["EXISTS", k]),
        58 => (0..g.rng.gen_range(1..=4)).fold(Cmd::new(&["SADD", "s0"]), |c, _| {
            let m = g.member();
            c.arg(m)
        }),
        59 => g.config(),
        60 => Cmd::new(&["ZADD", "str", "1", "a"]),
        _ => {
            let cmd = Cmd::new(&["ZADD", k]);
            g.pairs(cmd, false)
        }
    }
}

fn lex(g: &mut Gen) -> Cmd {
    let k = g.lkey();
    match g.rng.gen_range(0..30) {
        0..=6 => {
            let cmd = Cmd::new(&["ZADD", k]);
            g.pairs(cmd, true)
        }
        7 => Cmd::new(&["ZREM", k]).arg(g.member()),
        8..=11 => {
            let op = g.pick(&["ZRANGEBYLEX", "ZREVRANGEBYLEX"]);
            let (a, b) = (g.lex_bound(), g.lex_bound());
            g.limit(Cmd::new(&[op, k, &a, &b]))
        }
        12..=14 => {
            let (a, b) = (g.lex_bound(), g.lex_bound());
            let mut cmd = Cmd::new(&["ZRANGE", k, &a, &b, "BYLEX"]);
            if g.chance(40) {
                cmd = cmd.arg("REV");
            }
            g.limit(cmd)
        }
        15 | 16 => {
            let (a, b) = (g.lex_bound(), g.lex_bound());
            Cmd::new(&["ZLEXCOUNT", k, &a, &b])
        }
        17 | 18 => {
            let (a, b) = (g.lex_bound(), g.lex_bound());
            Cmd::new(&["ZREMRANGEBYLEX", k, &a, &b])
        }
        19 | 20 => {
            let dst = g.lkey();
            let (a, b) = (g.lex_bound(), g.lex_bound());
            let cmd = Cmd::new(&["ZRANGESTORE", dst, k, &a, &b, "BYLEX"]);
            let cmd = if g.chance(30) { cmd.arg("REV") } else { cmd };
            g.limit(cmd)
        }
        21 => Cmd::new(&[g.pick(&["ZPOPMIN", "ZPOPMAX"]), k]),
        22 => Cmd::new(&["ZRANGE", k, "0", "-1", "WITHSCORES"]),
        23 | 24 => Cmd::new(&["OBJECT", "ENCODING", k]).fixed(),
        25 => Cmd::new(&["DEL", k]),
        26 => g.config(),
        27 => Cmd::new(&["ZRANK", k]).arg(g.member()),
        _ => Cmd::new(&["ZCARD", k]),
    }
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
        Check::Random { distinct } if !r.is_error() => {
            if r.kind() != s.kind() || r.element_count() != s.element_count() {
                return Err("same type and length".into());
            }
            let elems: Vec<Vec<u8>> = items(&s).iter().map(Frame::encode).collect();
            if *distinct && elems.iter().collect::<HashSet<_>>().len() != elems.len() {
                return Err("distinct members in the subject's reply".into());
            }
            Ok(())
        }
        _ => Err("byte-for-byte equality".into()),
    }
}

fn run_family(family: &str, generate: fn(&mut Gen) -> Cmd) {
    let steps = env_number("CINNABAR_DIFF_STEPS").map_or(DEFAULT_STEPS, |n| n as usize);
    let mut pair = DiffPair::start(&[]);
    for seed in seeds(DEFAULT_SEEDS) {
        pair.reset();
        let mut g = Gen::new(seed);
        let mut history: Vec<String> = Vec::new();
        // Each seed starts from its own thresholds.
        let (entries, value) =
            [("128", "64"), ("4", "16"), ("2", "4"), ("8", "64")][(seed % 4) as usize];
        g.entries = entries.parse().unwrap_or(128);
        for (name, v) in [
            ("zset-max-listpack-entries", entries),
            ("zset-max-listpack-value", value),
        ] {
            pair.assert_same(&["CONFIG", "SET", name, v]);
            history.push(format!("CONFIG SET {name} {v}"));
        }
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
            if let Err(why) = compare(&outcome.reference, &outcome.subject, &cmd.check) {
                let shown = history.len().saturating_sub(HISTORY_SHOWN);
                panic!(
                    "random {family} sequence diverged: seed {seed} ({}), step {step}\n  command:   {line}\n  \
                     reference: {}\n  subject:   {}\n  check:     {why}\n\
                     preceding commands (most recent last, {shown} earlier ones omitted):\n    {}\n\
                     reproduce with: CINNABAR_DIFF_SEED={seed} cargo test -p cinnabar --test diff_random_zset {family}\n{}",
                    if resp3 { "RESP3" } else { "RESP2" },
                    outcome.reference,
                    outcome.subject,
                    history[shown..].join("\n    "),
                    pair.diagnostics()
                );
            }
            history.push(line);
        }
        // Restore the defaults for the next seed.
        for (name, v) in [
            ("zset-max-listpack-entries", "128"),
            ("zset-max-listpack-value", "64"),
        ] {
            pair.assert_same(&["CONFIG", "SET", name, v]);
        }
    }
}

#[test]
fn zsets_random() {
    run_family("zsets", zsets);
}

#[test]
fn lex_random() {
    run_family("lex", lex);
}

#[test]
fn generators_are_deterministic() {
    for family in [zsets as fn(&mut Gen) -> Cmd, lex] {
        let run = || {
            let mut g = Gen::new(7);
            (0..300)
                .map(|_| format_args(&family(&mut g).args))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(), run());
    }
}

// ---------------------------------------------------------------------------
// Statistical properties, against Cinnabar alone. Every bound is at least six
// standard deviations from the expected value, so a correct implementation
// fails with negligible probability and a biased one every time.
// ---------------------------------------------------------------------------

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
fn zrandmember_is_uniform_in_both_encodings() {
    let server = support::start_cinnabar(&[]);
    let mut c = Client {
        c: server.connect(),
    };
    for (encoding, n) in [("listpack", 10u64), ("skiplist", 300)] {
        c.cmd(&["DEL", "z"]);
        let members: Vec<String> = (0..n).map(|i| format!("m{i}")).collect();
        let mut args = vec!["ZADD".to_string(), "z".to_string()];
        for (i, m) in members.iter().enumerate() {
            args.push((i % 7).to_string());
            args.push(m.clone());
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        c.cmd(&refs);
        assert_eq!(c.strings(&["OBJECT", "ENCODING", "z"]).concat(), encoding);
        let draws = 300 * n;
        let flat = c.strings(&["ZRANDMEMBER", "z", &format!("-{draws}"), "WITHSCORES"]);
        assert_eq!(flat.len() as u64, 2 * draws);
        let mut tally = HashMap::new();
        for p in flat.chunks(2) {
            let i: usize = p[0][1..].parse().expect("index");
            assert_eq!(
                p[1],
                (i % 7).to_string(),
                "member and score belong together"
            );
            *tally.entry(p[0].clone()).or_insert(0u64) += 1;
        }
        assert_uniform(
            &format!("ZRANDMEMBER -{draws} ({encoding})"),
            &tally,
            &members,
            draws,
            1.0 / n as f64,
        );
        for count in [3u64, n / 2, n - 1] {
            let rounds = 300 * n / count;
            let mut tally = HashMap::new();
            for _ in 0..rounds {
                let got = c.strings(&["ZRANDMEMBER", "z", &count.to_string()]);
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
                &format!("ZRANDMEMBER {count} ({encoding})"),
                &tally,
                &members,
                rounds,
                count as f64 / n as f64,
            );
        }
    }
}

/// ZSCAN over a skiplist returns every member present for the whole
/// iteration, however many members are added and removed between calls.
#[test]
fn zscan_cursor_guarantee_under_writes() {
    let server = support::start_cinnabar(&[]);
    let mut c = Client {
        c: server.connect(),
    };
    let stable: Vec<String> = (0..600).map(|i| format!("stable:{i}")).collect();
    let churn: Vec<String> = (0..600).map(|i| format!("churn:{i}")).collect();
    for chunk in stable.chunks(100).chain(churn.chunks(100)) {
        let mut args = vec!["ZADD".to_string(), "k".to_string()];
        for m in chunk {
            args.push("1".into());
            args.push(m.clone());
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        c.cmd(&refs);
    }
    assert_eq!(c.strings(&["OBJECT", "ENCODING", "k"]).concat(), "skiplist");
    let mut seen = HashSet::new();
    let mut cursor = "0".to_string();
    let mut calls = 0;
    let mut next_new = 0;
    loop {
        let reply = c.cmd(&["ZSCAN", "k", &cursor, "COUNT", "7"]);
        let parts = items(&reply);
        cursor = String::from_utf8_lossy(&bulk(&parts[0]).unwrap_or_default()).into_owned();
        let elems: Vec<String> = items(&parts[1])
            .iter()
            .filter_map(bulk)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .collect();
        seen.extend(elems.into_iter().step_by(2));
        calls += 1;
        for _ in 0..3 {
            if let Some(victim) = churn.get((calls * 3 + next_new) % churn.len()) {
                c.cmd(&["ZREM", "k", victim]);
            }
            let fresh = format!("new:{next_new}");
            c.cmd(&["ZADD", "k", "2", &fresh]);
            next_new += 1;
        }
        if cursor == "0" {
            break;
        }
        assert!(calls < 10_000, "ZSCAN does not terminate");
    }
    assert!(
        calls > 50,
        "ZSCAN should take many small steps, took {calls}"
    );
    let missed: Vec<&String> = stable.iter().filter(|m| !seen.contains(*m)).collect();
    assert!(
        missed.is_empty(),
        "ZSCAN missed {} stable members, e.g. {:?}",
        missed.len(),
        &missed[..missed.len().min(5)]
    );
}
