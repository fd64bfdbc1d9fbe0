//! Seeded random command sequences, compared between Cinnabar and a real
//! `redis-server` (see `tests/differential.rs` for the environment variables
//! that select the binaries).
//!
//! Each family (strings, keys, bitmaps) generates a few hundred commands per
//! seed over a tiny key space (`k0`..`k5` plus `list` and `hash`, which hold
//! the wrong type), mixing valid and invalid arguments. Every reply is
//! compared byte for byte, except replies that depend on the clock (TTL,
//! PTTL, EXPIRETIME, PEXPIRETIME), which must agree within the time the run
//! has taken, and KEYS/SCAN, which are compared as multisets.
//!
//! The generators avoid the few places where Redis 7.0 (the reference) and
//! 7.2 (the target) legitimately differ, and anything timing-dependent:
//! relative expiries are at least 1000 s, GT/LT are only used with absolute
//! times ~11 days ahead (so comparisons never tie), and floats are dyadic so
//! INCRBYFLOAT formats identically everywhere.
//!
//! Knobs:
//! * `CINNABAR_DIFF_SEEDS=N`: run seeds 1..=N per family (default 6).
//! * `CINNABAR_DIFF_SEED=S`: run only seed S (to reproduce a failure).
//! * `CINNABAR_DIFF_STEPS=N`: commands per seed (default 300).
//!
//! Odd seeds run the whole sequence in RESP3.

mod support;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use support::random::{env_number, seeds};
use support::resp::{self, format_args};
use support::{DiffPair, Reply};

const DEFAULT_SEEDS: u64 = 6;
const DEFAULT_STEPS: usize = 300;
const HISTORY_SHOWN: usize = 25;

const KEYS: &[&str] = &["k0", "k1", "k2", "k3", "k4", "k5", "list", "hash"];

/// How a command's replies are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    /// Byte-for-byte.
    Exact,
    /// As multisets (recursively sorted aggregates).
    Sorted,
    /// Integer replies that depend on the clock: negative values must be
    /// equal, others may differ by the run's elapsed time. `millis` selects
    /// the unit.
    Clock { millis: bool },
    /// OBJECT ENCODING: byte-for-byte, except that Redis 7.2 encodes small
    /// lists and small non-integer sets as `listpack` where the 7.0
    /// reference reports `quicklist` / `hashtable`.
    Encoding,
}

/// One generated command.
struct Cmd {
    args: Vec<Vec<u8>>,
    check: Check,
    /// Whether the generic "drop the last argument" mutation may apply.
    mutable: bool,
}

impl Cmd {
    fn new<S: AsRef<[u8]>>(args: &[S]) -> Cmd {
        Cmd {
            args: args.iter().map(|a| a.as_ref().to_vec()).collect(),
            check: Check::Exact,
            mutable: true,
        }
    }

    fn check(mut self, check: Check) -> Cmd {
        self.check = check;
        self
    }

    fn fixed(mut self) -> Cmd {
        self.mutable = false;
        self
    }

    fn arg<S: AsRef<[u8]>>(mut self, arg: S) -> Cmd {
        self.args.push(arg.as_ref().to_vec());
        self
    }
}

/// Random source plus the fixed reference time of one seed's run.
struct Gen {
    rng: StdRng,
    /// A unix time (seconds) about 11.6 days in the future: absolute
    /// expiries are derived from it, so they are identical on both servers
    /// and never tie with relative ones (at most 10^4 s ahead).
    base_secs: i64,
}

impl Gen {
    fn new(seed: u64) -> Gen {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(1_700_000_000);
        Gen {
            rng: StdRng::seed_from_u64(seed),
            base_secs: now + 1_000_000,
        }
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.rng.gen_range(0..100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.rng.gen_range(0..items.len())]
    }

    fn key(&mut self) -> &'static str {
        // Mostly string keys; the wrong-typed ones now and then.
        if self.chance(12) {
            self.pick(&["list", "hash"])
        } else {
            self.pick(&KEYS[..6])
        }
    }

    fn keys(&mut self, max: usize) -> Vec<&'static str> {
        let n = self.rng.gen_range(1..=max);
        (0..n).map(|_| self.key()).collect()
    }

    fn int_in(&mut self, lo: i64, hi: i64) -> String {
        self.rng.gen_range(lo..=hi).to_string()
    }

    fn value(&mut self) -> Vec<u8> {
        const POOL: &[&str] = &[
            "",
            "a",
            "hello",
            "foobar",
            "0",
            "1",
            "-1",
            "42",
            "9999",
            "10000",
            "-12345",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775808",
            "3.5",
            "-0.25",
            "1e3",
            "abc",
            "12 ",
            "007",
            "12345678901234567890123456789012345678901234",
            "123456789012345678901234567890123456789012345",
        ];
        if self.chance(5) {
            return b"bin\x00\xff\r\n".to_vec();
        }
        if self.chance(20) {
            return self.int_in(-1000, 1000).into_bytes();
        }
        self.pick(POOL).as_bytes().to_vec()
    }

    /// Relative expiry in seconds: 1000..=9999 (never reached during a run).
    fn rel_secs(&mut self) -> String {
        self.int_in(1000, 9999)
    }

    fn rel_millis(&mut self) -> String {
        self.int_in(1_000_000, 9_999_999)
    }

    /// Absolute expiry in seconds, distinct multiples of 1000 s after base.
    fn abs_secs(&mut self) -> String {
        (self.base_secs + 1000 * self.rng.gen_range(0..50i64)).to_string()
    }

    fn abs_millis(&mut self) -> String {
        ((self.base_secs + 1000 * self.rng.gen_range(0..50i64)) * 1000
            + self.rng.gen_range(0..1000i64))
        .to_string()
    }

    /// An integer argument that is sometimes invalid.
    fn maybe_bad_int(&mut self, good: String) -> String {
        if self.chance(4) {
            self.pick(&["abc", "1.5", "", "9223372036854775808"])
                .to_string()
        } else {
            good
        }
    }
}

// ---------------------------------------------------------------------------
// Families
// ---------------------------------------------------------------------------

fn set_options(g: &mut Gen, mut cmd: Cmd) -> Cmd {
    match g.rng.gen_range(0..10) {
        0 => cmd = cmd.arg("EX").arg(g.rel_secs()),
        1 => cmd = cmd.arg("PX").arg(g.rel_millis()),
        2 => cmd = cmd.arg("EXAT").arg(g.abs_secs()),
        3 => cmd = cmd.arg("PXAT").arg(g.abs_millis()),
        4 => cmd = cmd.arg("KEEPTTL"),
        5 => {
            cmd = cmd
                .arg(g.pick(&["EX", "PX"]))
                .arg(g.pick(&["0", "-5", "x"]))
        }
        _ => {}
    }
    if g.chance(20) {
        cmd = cmd.arg(g.pick(&["NX", "XX"]));
    }
    if g.chance(20) {
        cmd = cmd.arg("GET");
    }
    if g.chance(3) {
        cmd = cmd.arg(g.pick(&["NX", "EX", "KEEPTTL", "FOO"]));
    }
    cmd
}

fn strings(g: &mut Gen) -> Cmd {
    let k = g.key();
    match g.rng.gen_range(0..30) {
        0..=2 => {
            let v = g.value();
            set_options(g, Cmd::new(&["SET", k]).arg(v))
        }
        3 | 4 => Cmd::new(&["GET", k]),
        5 => Cmd::new(&["SETNX", k]).arg(g.value()),
        6 => {
            let (cmd, t) = if g.chance(50) {
                ("SETEX", g.rel_secs())
            } else {
                ("PSETEX", g.rel_millis())
            };
            let t = g.maybe_bad_int(t);
            Cmd::new(&[cmd, k, &t]).arg(g.value())
        }
        7 => Cmd::new(&["GETSET", k]).arg(g.value()),
        8 => {
            let cmd = Cmd::new(&["GETEX", k]);
            match g.rng.gen_range(0..6) {
                0 => cmd.arg("EX").arg(g.rel_secs()),
                1 => cmd.arg("PXAT").arg(g.abs_millis()),
                2 => cmd.arg("PERSIST"),
                3 => cmd.arg("EX").arg("0"),
                4 => cmd.arg("PERSIST").arg("EX").arg("10"),
                _ => cmd,
            }
        }
        9 => Cmd::new(&["GETDEL", k]),
        10 => {
            let mut args = vec!["MGET".to_string()];
            args.extend(g.keys(4).iter().map(|s| s.to_string()));
            Cmd::new(&args)
        }
        11 => {
            let cmd = Cmd::new(&[if g.chance(50) { "MSET" } else { "MSETNX" }]);
            let n = g.rng.gen_range(1..=3);
            (0..n).fold(cmd, |c, _| {
                let key = g.key();
                c.arg(key).arg(g.value())
            })
        }
        12..=14 => Cmd::new(&["APPEND", k]).arg(g.value()),
        15 => Cmd::new(&["STRLEN", k]),
        16 | 17 => {
            let cmd = if g.chance(80) { "GETRANGE" } else { "SUBSTR" };
            Cmd::new(&[cmd, k, &g.int_in(-60, 60), &g.int_in(-60, 60)])
        }
        18 => {
            let off = if g.chance(5) {
                g.pick(&["-1", "536870912", "x"]).to_string()
            } else {
                g.int_in(0, 50)
            };
            Cmd::new(&["SETRANGE", k, &off]).arg(g.value())
        }
        19 | 20 => Cmd::new(&[g.pick(&["INCR", "DECR"]), k]),
        21 | 22 => {
            let amount = match g.rng.gen_range(0..6) {
                0 => g
                    .pick(&[
                        "9223372036854775807",
                        "-9223372036854775808",
                        "9223372036854775806",
                    ])
                    .to_string(),
                1 => g.pick(&["abc", "1.5", ""]).to_string(),
                _ => g.int_in(-100, 100),
            };
            Cmd::new(&[g.pick(&["INCRBY", "DECRBY"]), k, &amount])
        }
        23 | 24 => {
            // Dyadic increments: exact in binary, formatted identically by
            // every correct implementation.
            let amount = match g.rng.gen_range(0..8) {
                0 => g.pick(&["abc", "inf", "", "1e400000"]).to_string(),
                1 => g.int_in(-5, 5),
                _ => format!("{}", g.rng.gen_range(-400i32..400) as f64 / 8.0),
            };
            Cmd::new(&["INCRBYFLOAT", k, &amount])
        }
        25 => {
            let k2 = g.key();
            let cmd = Cmd::new(&["LCS", k, k2]);
            match g.rng.gen_range(0..5) {
                0 => cmd.arg("LEN"),
                1 => cmd.arg("IDX"),
                2 => cmd
                    .arg("IDX")
                    .arg("MINMATCHLEN")
                    .arg(g.int_in(0, 3))
                    .arg("WITHMATCHLEN"),
                _ => cmd,
            }
        }
        26 => Cmd::new(&["OBJECT", "ENCODING", k]).check(Check::Encoding),
        27 => Cmd::new(&["TTL", k]).check(Check::Clock { millis: false }),
        28 => Cmd::new(&["EXISTS", k]),
        _ => Cmd::new(&["TYPE", k]),
    }
}

fn expire_flag(g: &mut Gen, cmd: Cmd, absolute: bool) -> Cmd {
    let flags: &[&str] = if absolute {
        &["NX", "XX", "GT", "LT", "nx", "gt"]
    } else {
        &["NX", "XX", "xx"]
    };
    match g.rng.gen_range(0..10) {
        0..=3 => cmd.arg(g.pick(flags)),
        4 if absolute => cmd.arg("NX").arg("GT"),
        5 => cmd.arg("FOO"),
        _ => cmd,
    }
}

fn keys(g: &mut Gen) -> Cmd {
    let k = g.key();
    let k2 = g.key();
    match g.rng.gen_range(0..34) {
        0..=2 => {
            let v = g.value();
            set_options(g, Cmd::new(&["SET", k]).arg(v))
        }
        3 => Cmd::new(&["RPUSH", k, "x"]),
        4 => Cmd::new(&["SADD", k, g.pick(&["a", "b"])]),
        5 => {
            let mut args = vec![g.pick(&["DEL", "UNLINK", "EXISTS", "TOUCH"]).to_string()];
            args.extend(g.keys(3).iter().map(|s| s.to_string()));
            Cmd::new(&args)
        }
        6 => Cmd::new(&["TYPE", k]),
        7 | 8 => Cmd::new(&[g.pick(&["RENAME", "RENAMENX"]), k, k2]),
        9 => Cmd::new(&["MOVE", k, g.pick(&["0", "1", "1", "16", "x"])]),
        10 | 11 => {
            let mut cmd = Cmd::new(&["COPY", k, k2]);
            if g.chance(40) {
                cmd = cmd.arg("DB").arg(g.pick(&["0", "1", "1", "16", "x"]));
            }
            if g.chance(40) {
                cmd = cmd.arg("REPLACE");
            }
            cmd
        }
        12 => Cmd::new(&["KEYS", g.pick(&["*", "k*", "*s*", "k[0-2]", "?0", "h?sh"])])
            .check(Check::Sorted),
        13 => {
            let mut cmd = Cmd::new(&["SCAN", "0", "COUNT", "1000"]);
            if g.chance(40) {
                cmd = cmd.arg("MATCH").arg(g.pick(&["*", "k*", "l*"]));
            }
            if g.chance(30) {
                cmd = cmd
                    .arg("TYPE")
                    .arg(g.pick(&["string", "list", "set", "hash"]));
            }
            cmd.check(Check::Sorted)
        }
        14 => Cmd::new(&["DBSIZE"]),
        15 => Cmd::new(&["SELECT", g.pick(&["0", "0", "1", "16"])]),
        16 => Cmd::new(&["SWAPDB", "0", g.pick(&["1", "0", "x"])]),
        17 | 18 => {
            let (cmd, t) = if g.chance(50) {
                ("EXPIRE", g.rel_secs())
            } else {
                ("PEXPIRE", g.rel_millis())
            };
            let t = g.maybe_bad_int(t);
            expire_flag(g, Cmd::new(&[cmd, k, &t]), false)
        }
        19 | 20 => {
            let (cmd, t) = if g.chance(50) {
                ("EXPIREAT", g.abs_secs())
            } else {
                ("PEXPIREAT", g.abs_millis())
            };
            expire_flag(g, Cmd::new(&[cmd, k, &t]), true)
        }
        21 => {
            // Times that delete the key (or overflow).
            // Times that delete the key at once (or overflow). "1" is only
            // used as an absolute time: as a relative one it would expire
            // during the run.
            let cmd = g.pick(&["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"]);
            let absolute = cmd.ends_with("AT");
            let t = if absolute {
                g.pick(&[
                    "0",
                    "-1",
                    "1",
                    "-9223372036854775808",
                    "9223372036854775807",
                ])
            } else {
                g.pick(&["0", "-1", "-9223372036854775808", "9223372036854775807"])
            };
            expire_flag(g, Cmd::new(&[cmd, k, t]), true)
        }
        22 | 23 => Cmd::new(&["TTL", k]).check(Check::Clock { millis: false }),
        24 => Cmd::new(&["PTTL", k]).check(Check::Clock { millis: true }),
        25 => Cmd::new(&["EXPIRETIME", k]).check(Check::Clock { millis: false }),
        26 => Cmd::new(&["PEXPIRETIME", k]).check(Check::Clock { millis: true }),
        27 => Cmd::new(&["PERSIST", k]),
        28 => {
            let cmd = Cmd::new(&["GETEX", k]);
            if g.chance(50) {
                cmd.arg("PERSIST")
            } else {
                cmd.arg("EX").arg(g.rel_secs())
            }
        }
        29 => {
            let sub = g.pick(&["ENCODING", "REFCOUNT", "FREQ"]);
            Cmd::new(&["OBJECT", sub, k]).check(if sub == "ENCODING" {
                Check::Encoding
            } else {
                Check::Exact
            })
        }
        30 => Cmd::new(&["INCR", k]),
        31 => Cmd::new(&["APPEND", k]).arg(g.value()),
        32 if g.chance(15) => {
            if g.chance(50) {
                Cmd::new(&["FLUSHDB"]).fixed()
            } else {
                Cmd::new(&["FLUSHDB", "ASYNC"]).fixed()
            }
        }
        _ => Cmd::new(&["GET", k]),
    }
}

fn bit_type(g: &mut Gen) -> String {
    if g.chance(4) {
        return g.pick(&["u64", "i65", "i0", "x8", "u"]).to_string();
    }
    if g.chance(50) {
        format!("i{}", g.rng.gen_range(1..=64))
    } else {
        format!("u{}", g.rng.gen_range(1..=63))
    }
}

fn bit_offset(g: &mut Gen) -> String {
    match g.rng.gen_range(0..10) {
        0 => format!("#{}", g.rng.gen_range(0..20)),
        1 if g.chance(20) => g.pick(&["-1", "4294967296", "x"]).to_string(),
        _ => g.int_in(0, 200),
    }
}

fn bit_value(g: &mut Gen) -> String {
    match g.rng.gen_range(0..6) {
        0 => g
            .pick(&[
                "9223372036854775807",
                "-9223372036854775808",
                "18446744073709551615",
            ])
            .to_string(),
        1 => g.int_in(-1_000_000_000_000, 1_000_000_000_000),
        _ => g.int_in(-300, 300),
    }
}

fn bitfield(g: &mut Gen, k: &str, read_only: bool) -> Cmd {
    let mut cmd = Cmd::new(&[if read_only { "BITFIELD_RO" } else { "BITFIELD" }, k]);
    for _ in 0..g.rng.gen_range(0..=4) {
        let op = if read_only && g.chance(90) {
            0
        } else {
            g.rng.gen_range(0..5)
        };
        cmd = match op {
            0 => cmd.arg("GET").arg(bit_type(g)).arg(bit_offset(g)),
            1 => cmd
                .arg("SET")
                .arg(bit_type(g))
                .arg(bit_offset(g))
                .arg(bit_value(g)),
            2 => cmd
                .arg("INCRBY")
                .arg(bit_type(g))
                .arg(bit_offset(g))
                .arg(bit_value(g)),
            3 => cmd
                .arg("OVERFLOW")
                .arg(g.pick(&["WRAP", "SAT", "FAIL", "sat", "BAD"])),
            _ => cmd.arg(g.pick(&["GET", "FOO", "OVERFLOW"])),
        };
    }
    cmd
}

fn bitmaps(g: &mut Gen) -> Cmd {
    let k = g.key();
    match g.rng.gen_range(0..24) {
        0..=3 => {
            let bit = if g.chance(5) {
                "2".to_string()
            } else {
                g.int_in(0, 1)
            };
            let off = if g.chance(4) {
                g.pick(&["-1", "4294967296", "x"]).to_string()
            } else {
                g.int_in(0, 300)
            };
            Cmd::new(&["SETBIT", k, &off, &bit])
        }
        4 | 5 => Cmd::new(&["GETBIT", k, &g.int_in(0, 320)]),
        6..=8 => {
            // Only well-formed arguments: Redis 7.2 validates them even for
            // missing keys, 7.0 does not.
            let cmd = Cmd::new(&["BITCOUNT", k]).fixed();
            match g.rng.gen_range(0..3) {
                0 => cmd,
                1 => cmd.arg(g.int_in(-40, 40)).arg(g.int_in(-40, 40)),
                _ => cmd
                    .arg(g.int_in(-300, 300))
                    .arg(g.int_in(-300, 300))
                    .arg(g.pick(&["BIT", "BYTE", "bit"])),
            }
        }
        9..=11 => {
            let cmd = Cmd::new(&["BITPOS", k, &g.int_in(0, 1)]).fixed();
            match g.rng.gen_range(0..4) {
                0 => cmd,
                1 => cmd.arg(g.int_in(-40, 40)),
                2 => cmd.arg(g.int_in(-40, 40)).arg(g.int_in(-40, 40)),
                _ => cmd
                    .arg(g.int_in(-300, 300))
                    .arg(g.int_in(-300, 300))
                    .arg(g.pick(&["BIT", "BYTE"])),
            }
        }
        12..=14 => {
            let op = g.pick(&["AND", "OR", "XOR", "NOT", "and", "NAND"]);
            let dest = g.key();
            let n = if op == "NOT" && g.chance(80) {
                1
            } else {
                g.rng.gen_range(1..=3)
            };
            let mut args = vec!["BITOP".to_string(), op.to_string(), dest.to_string()];
            args.extend((0..n).map(|_| g.key().to_string()));
            Cmd::new(&args)
        }
        15..=18 => bitfield(g, k, false),
        19 => bitfield(g, k, true),
        20 => Cmd::new(&["GET", k]),
        21 => Cmd::new(&["STRLEN", k]),
        22 => {
            let v = g.value();
            Cmd::new(&[g.pick(&["SET", "APPEND"]), k]).arg(v)
        }
        _ => Cmd::new(&["SETRANGE", k, &g.int_in(0, 40)]).arg(g.value()),
    }
}

// ---------------------------------------------------------------------------
// Driver
// ---------------------------------------------------------------------------

/// Compares one outcome according to `check`; `elapsed` bounds the clock
/// skew between the two servers' views of relative expiries.
fn compare(
    reference: &Reply,
    subject: &Reply,
    check: Check,
    elapsed: Duration,
) -> Result<(), String> {
    if matches!(reference, Reply::Closed) {
        return Err("the reference closed the connection".to_string());
    }
    if reference.same_as(subject) {
        return Ok(());
    }
    let (Some(rb), Some(sb)) = (reference.frame(), subject.frame()) else {
        return Err("byte-for-byte equality".to_string());
    };
    match check {
        Check::Exact => Err("byte-for-byte equality".to_string()),
        Check::Encoding => {
            let newer_packed = matches!(rb, b"$9\r\nquicklist\r\n" | b"$9\r\nhashtable\r\n")
                && sb == b"$8\r\nlistpack\r\n";
            if newer_packed {
                Ok(())
            } else {
                Err("byte-for-byte equality (7.2 listpack allowed)".to_string())
            }
        }
        Check::Sorted => {
            let sorted = |b: &[u8]| resp::parse_exact(b).map(|f| f.sorted_deep());
            match (sorted(rb), sorted(sb)) {
                (Ok(r), Ok(s)) if r == s => Ok(()),
                _ => Err("equality as multisets".to_string()),
            }
        }
        Check::Clock { millis } => {
            let int = |b: &[u8]| resp::parse_exact(b).ok().and_then(|f| f.as_integer());
            let (Some(r), Some(s)) = (int(rb), int(sb)) else {
                return Err("byte-for-byte equality (non-integer replies)".to_string());
            };
            // One second of rounding slack on top of the elapsed time.
            let tolerance = if millis {
                elapsed.as_millis() as i64 + 1000
            } else {
                elapsed.as_secs() as i64 + 1
            };
            if r >= 0 && s >= 0 && (r - s).abs() <= tolerance {
                Ok(())
            } else {
                Err(format!(
                    "clock-dependent value within {tolerance} (negative values must match)"
                ))
            }
        }
    }
}

fn run_family(family: &str, generate: fn(&mut Gen) -> Cmd) {
    let steps = env_number("CINNABAR_DIFF_STEPS").map_or(DEFAULT_STEPS, |n| n as usize);
    let mut pair = DiffPair::start(&[]);
    for seed in seeds(DEFAULT_SEEDS) {
        run_seed(&mut pair, family, seed, steps, generate);
    }
}

fn run_seed(
    pair: &mut DiffPair,
    family: &str,
    seed: u64,
    steps: usize,
    generate: fn(&mut Gen) -> Cmd,
) {
    pair.reset();
    let mut gen = Gen::new(seed);
    let mut history: Vec<String> = Vec::new();
    let resp3 = seed % 2 == 1;
    if resp3 {
        let outcome = pair.request(&["HELLO", "3"]);
        for reply in [&outcome.reference, &outcome.subject] {
            assert!(
                reply.frame().is_some_and(|f| f.starts_with(b"%")),
                "seed {seed}: HELLO 3 failed: {reply}"
            );
        }
        history.push("HELLO 3".to_string());
    }
    for setup in [
        &["RPUSH", "list", "a", "b", "c"][..],
        &["HSET", "hash", "f", "v"],
    ] {
        pair.assert_same(setup);
        history.push(format_args(setup));
    }
    let start = Instant::now();
    for step in 0..steps {
        let mut cmd = generate(&mut gen);
        if cmd.mutable && cmd.args.len() > 1 && gen.chance(3) {
            cmd.args.pop();
        }
        let outcome = pair.request(&cmd.args);
        let line = format_args(&cmd.args);
        if let Err(why) = compare(
            &outcome.reference,
            &outcome.subject,
            cmd.check,
            start.elapsed(),
        ) {
            let shown = history.len().saturating_sub(HISTORY_SHOWN);
            panic!(
                "random {family} sequence diverged: seed {seed} ({}), step {step}\n  command:   {line}\n  \
                 reference: {}\n  subject:   {}\n  check:     {why}\n\
                 preceding commands (most recent last, {shown} earlier ones omitted):\n    {}\n\
                 reproduce with: CINNABAR_DIFF_SEED={seed} cargo test -p cinnabar --test diff_random {family}\n{}",
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

#[test]
fn strings_random() {
    run_family("strings", strings);
}

#[test]
fn keys_random() {
    run_family("keys", keys);
}

#[test]
fn bitmaps_random() {
    run_family("bitmaps", bitmaps);
}

/// The generators must be deterministic for a given seed, or reported seeds
/// would not reproduce failures.
#[test]
fn generators_are_deterministic() {
    for family in [strings as fn(&mut Gen) -> Cmd, keys, bitmaps] {
        let run = || {
            let mut g = Gen::new(42);
            g.base_secs = 0;
            (0..200)
                .map(|_| generate_line(&mut g, family))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(), run());
    }
}

fn generate_line(g: &mut Gen, family: fn(&mut Gen) -> Cmd) -> String {
    format_args(&family(g).args)
}
