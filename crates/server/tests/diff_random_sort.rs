//! SORT and SORT_RO: seeded random command sequences compared with a real
//! `redis-server`, and the keyspace hit/miss accounting of their lookups.
//!
//! The sequences fill two lists (`l0`, `l1`), an integer set (`s0`, an intset
//! in both servers) and a mixed set (`s1`), weight strings `w_<element>`,
//! hashes `h_<element>` and `o_<element>` strings, and run SORT / SORT_RO with
//! random option combinations (options in random order, repeated GETs, BY
//! patterns with and without `*`, hash fields, LIMIT, ALPHA, DESC, STORE),
//! reading back stored results with LRANGE. A lowered `list-max-listpack-size`
//! makes both list encodings show up.
//!
//! Reference quirks the generator avoids or allows for:
//! * No value overflows or underflows a double: Redis never resets `errno`
//!   before `strtod` in SORT, so after one ERANGE its later numeric sorts fail.
//! * `s1` is a hashtable in Redis 7.0 but a listpack in 7.2, so its order
//!   differs: sorts of `s1` whose result depends on that order (BY nosort
//!   without STORE, ALPHA with a BY pattern, where equal weights keep the input
//!   order) get no LIMIT and no STORE and are compared as multisets.
//! * Stored lists are `quicklist`s in 7.0; OBJECT ENCODING accepts `listpack`
//!   from the subject where the reference says `quicklist`.
//!
//! Knobs, as in `tests/diff_random.rs`: `CINNABAR_DIFF_SEEDS=N`,
//! `CINNABAR_DIFF_SEED=S`, `CINNABAR_DIFF_STEPS=N`. Odd seeds use RESP3.

mod support;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use support::random::{bulk, env_number, frame_of, seeds};
use support::resp::format_args;
use support::{DiffPair, Reply};

const DEFAULT_SEEDS: u64 = 4;
const DEFAULT_STEPS: usize = 300;
const HISTORY_SHOWN: usize = 30;

/// How a reply is compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    /// Byte for byte.
    Exact,
    /// As multisets.
    Sorted,
    /// OBJECT ENCODING of a list: `listpack` (7.2) may stand for `quicklist`.
    ListEncoding,
}

struct Cmd {
    args: Vec<String>,
    check: Check,
}

impl Cmd {
    fn new(args: &[&str]) -> Cmd {
        Cmd {
            args: args.iter().map(|s| s.to_string()).collect(),
            check: Check::Exact,
        }
    }

    fn arg(mut self, a: impl Into<String>) -> Cmd {
        self.args.push(a.into());
        self
    }
}

struct Gen {
    rng: StdRng,
}

/// Elements for the lists and the mixed set: numbers in many spellings (with
/// ties), words, and strings that equal others up to a NUL byte (lists only).
const ELEMENTS: &[&str] = &[
    "1", "2", "3", "10", "-1", "0", "-0", "1.0", "01", "+1", "1.5", "2.50", " 4", "0x10", "inf",
    "-inf", "", "a", "b", "B", "ab", "abc", "z", "_", "1e2", ".5", "7.",
];
const NUL_ELEMENTS: &[&str] = &["a\u{0}x", "a\u{0}", "\u{0}a", "1\u{0}9"];
/// Weight values: numbers (with ties), words, and non-numbers.
const WEIGHTS: &[&str] = &[
    "1", "2", "3", "2.0", "-5", "0", "", "apple", "banana", "cherry", "x1", " 7", "1e3", "0x8",
    "inf", "nan",
];

impl Gen {
    fn chance(&mut self, percent: u32) -> bool {
        self.rng.gen_range(0..100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.rng.gen_range(0..items.len())]
    }

    fn element(&mut self, nul: bool) -> String {
        if nul && self.chance(8) {
            return self.pick(NUL_ELEMENTS).to_string();
        }
        if self.chance(30) {
            return self.rng.gen_range(-5..30).to_string();
        }
        self.pick(ELEMENTS).to_string()
    }

    fn int_member(&mut self) -> String {
        self.rng.gen_range(-20..40).to_string()
    }

    fn weight(&mut self) -> String {
        if self.chance(40) {
            return self.rng.gen_range(-3..6).to_string();
        }
        self.pick(WEIGHTS).to_string()
    }

    fn sort_key(&mut self) -> &'static str {
        if self.chance(5) {
            self.pick(&["str", "missing", "h_1", "d"])
        } else {
            self.pick(&["l0", "l1", "s0", "s1"])
        }
    }

    fn by_pattern(&mut self) -> &'static str {
        self.pick(&[
            "w_*", "w_*", "w_*", "h_*->f", "h_*->g", "o_*", "*", "nosort", "w_", "w_*->", "#",
        ])
    }

    fn get_pattern(&mut self) -> &'static str {
        self.pick(&["#", "#", "w_*", "h_*->f", "h_*->g", "o_*", "nostar", "*"])
    }

    fn limit(&mut self) -> (String, String) {
        let offset = match self.rng.gen_range(0..10) {
            0 => self.pick(&["-1", "100", "9223372036854775807"]).to_string(),
            _ => self.rng.gen_range(0..12).to_string(),
        };
        let count = match self.rng.gen_range(0..10) {
            0 => self
                .pick(&["-1", "0", "1000", "-9223372036854775808"])
                .to_string(),
            _ => self.rng.gen_range(0..12).to_string(),
        };
        (offset, count)
    }
}

fn sort_command(g: &mut Gen) -> Cmd {
    let key = g.sort_key();
    let readonly = g.chance(25);
    let mut groups: Vec<Vec<String>> = Vec::new();
    let mut by: Vec<&str> = Vec::new();
    if g.chance(55) {
        by.push(g.by_pattern());
        if g.chance(5) {
            by.push(g.by_pattern());
        }
    }
    let alpha = g.chance(45);
    let mut limit = if g.chance(45) { Some(g.limit()) } else { None };
    let mut store = !readonly && g.chance(30);
    // Results that depend on s1's encoding-specific order: no LIMIT, no STORE,
    // multiset comparison. (With two BY options, either may be the one used.)
    let nosort = by.iter().any(|p| !p.contains('*'));
    let weighted = by.iter().any(|p| p.contains('*'));
    let order_dependent = key == "s1" && ((nosort && !store) || (alpha && weighted));
    if order_dependent {
        limit = None;
        store = false;
    }
    for p in by {
        groups.push(vec!["BY".into(), p.into()]);
    }
    if let Some((o, c)) = limit {
        groups.push(vec!["LIMIT".into(), o, c]);
    }
    for _ in 0..g.rng.gen_range(0..3) {
        groups.push(vec!["GET".into(), g.get_pattern().into()]);
    }
    if g.chance(50) {
        groups.push(vec![g.pick(&["ASC", "DESC", "desc"]).into()]);
    }
    if alpha {
        groups.push(vec![g.pick(&["ALPHA", "alpha"]).into()]);
    }
    if store {
        groups.push(vec!["STORE".into(), g.pick(&["d", "d", "e", "l1"]).into()]);
    }
    groups.shuffle(&mut g.rng);
    let name = if readonly { "SORT_RO" } else { "SORT" };
    let mut cmd = groups
        .into_iter()
        .flatten()
        .fold(Cmd::new(&[name, key]), Cmd::arg);
    if g.chance(3) {
        // Junk: an unknown option or a truncated one.
        let junk = g.pick(&["FOO", "LIMIT", "BY", "GET", "STORE", "LIMIT x 1"]);
        cmd = junk.split(' ').fold(cmd, |c, a| c.arg(a));
    }
    if order_dependent {
        cmd.check = Check::Sorted;
    }
    cmd
}

fn generate(g: &mut Gen) -> Cmd {
    match g.rng.gen_range(0..40) {
        0..=3 => {
            let k = g.pick(&["l0", "l1"]);
            let op = g.pick(&["RPUSH", "LPUSH"]);
            (0..g.rng.gen_range(1..6)).fold(Cmd::new(&[op, k]), |c, _| c.arg(g.element(true)))
        }
        4 => Cmd::new(&[g.pick(&["LPOP", "RPOP"]), g.pick(&["l0", "l1"])])
            .arg(g.rng.gen_range(1..4).to_string()),
        5 | 6 => {
            (0..g.rng.gen_range(1..6)).fold(Cmd::new(&["SADD", "s0"]), |c, _| c.arg(g.int_member()))
        }
        7 | 8 => (0..g.rng.gen_range(1..6))
            .fold(Cmd::new(&["SADD", "s1"]), |c, _| c.arg(g.element(false))),
        9 => Cmd::new(&["SREM", g.pick(&["s0", "s1"])]).arg(g.element(false)),
        10..=12 => {
            let e = g.element(true);
            Cmd::new(&["SET", &format!("w_{e}")]).arg(g.weight())
        }
        13 => {
            let e = g.element(true);
            Cmd::new(&["SET", &format!("o_{e}")]).arg(format!("obj-{e}"))
        }
        14 => {
            let e = g.element(true);
            let f = g.pick(&["f", "g"]);
            Cmd::new(&["HSET", &format!("h_{e}"), f]).arg(g.weight())
        }
        15 => {
            let e = g.element(true);
            Cmd::new(&["DEL", &format!("{}{e}", g.pick(&["w_", "h_", "o_"]))])
        }
        16 => Cmd::new(&["DEL", g.pick(&["l0", "l1", "s0", "s1", "d", "e"])]),
        17 | 18 => Cmd::new(&["LRANGE", g.pick(&["d", "e", "l1"]), "0", "-1"]),
        19 => {
            let mut c = Cmd::new(&["OBJECT", "ENCODING", g.pick(&["d", "e", "l0", "l1"])]);
            c.check = Check::ListEncoding;
            c
        }
        20 => Cmd::new(&["TYPE", g.pick(&["d", "e"])]),
        _ => sort_command(g),
    }
}

fn compare(reference: &Reply, subject: &Reply, check: Check) -> Result<(), String> {
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
        Check::Sorted if r.sorted_deep() == s.sorted_deep() => Ok(()),
        Check::Sorted => Err("equality as multisets".into()),
        Check::ListEncoding
            if bulk(&s).as_deref() == Some(b"listpack")
                && bulk(&r).as_deref() == Some(b"quicklist") =>
        {
            Ok(())
        }
        _ => Err("byte-for-byte equality".into()),
    }
}

#[test]
fn sort_random() {
    let steps = env_number("CINNABAR_DIFF_STEPS").map_or(DEFAULT_STEPS, |n| n as usize);
    let mut pair = DiffPair::start(&[]);
    for seed in seeds(DEFAULT_SEEDS) {
        pair.reset();
        pair.assert_same(&["CONFIG", "SET", "list-max-listpack-size", "5"]);
        let mut g = Gen {
            rng: StdRng::seed_from_u64(seed ^ 0x50e7),
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
            let cmd = generate(&mut g);
            let outcome = pair.request(&cmd.args);
            let line = format_args(&cmd.args);
            if let Err(why) = compare(&outcome.reference, &outcome.subject, cmd.check) {
                let shown = history.len().saturating_sub(HISTORY_SHOWN);
                panic!(
                    "random SORT sequence diverged: seed {seed} ({}), step {step}\n  command:   {line}\n  \
                     reference: {}\n  subject:   {}\n  check:     {why}\n\
                     preceding commands (most recent last, {shown} earlier ones omitted):\n    {}\n\
                     reproduce with: CINNABAR_DIFF_SEED={seed} cargo test -p cinnabar --test diff_random_sort\n{}",
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
    pair.assert_same(&["CONFIG", "SET", "list-max-listpack-size", "-2"]);
}

#[test]
fn generator_is_deterministic() {
    let run = || {
        let mut g = Gen {
            rng: StdRng::seed_from_u64(7),
        };
        (0..300)
            .map(|_| format_args(&generate(&mut g).args))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}

/// The `keyspace_hits` and `keyspace_misses` counters of INFO stats.
fn hits_misses(info: &Reply) -> (String, String) {
    let text = frame_of(info)
        .and_then(|f| bulk(&f))
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or("?")
            .trim()
            .to_string()
    };
    (field("keyspace_hits:"), field("keyspace_misses:"))
}

/// Every lookup SORT makes (the sorted key, each BY and GET key) counts as a
/// keyspace hit or miss, exactly as in Redis.
#[test]
fn sort_lookups_count_hits_and_misses() {
    let mut pair = DiffPair::start(&[]);
    for setup in [
        &["RPUSH", "l", "3", "1", "2"][..],
        &["SADD", "s", "b", "a"],
        &["MSET", "w_1", "5", "w_2", "4", "o_3", "x"],
        &["HSET", "h_1", "f", "1"],
        &["SET", "str", "v"],
    ] {
        pair.assert_same(setup);
    }
    let sorts: &[&[&str]] = &[
        &["SORT", "l"],
        &["SORT", "missing"],
        &["SORT", "str"],
        &["SORT", "l", "BY", "w_*"],
        &["SORT", "l", "BY", "nosort", "GET", "#", "GET", "o_*"],
        &[
            "SORT", "l", "BY", "h_*->f", "GET", "h_*->f", "GET", "nostar",
        ],
        &[
            "SORT", "l", "BY", "w_*", "ALPHA", "LIMIT", "0", "1", "GET", "o_*",
        ],
        &["SORT", "s", "BY", "nosort", "STORE", "d"],
        &["SORT", "s", "ALPHA", "GET", "w_*", "STORE", "d"],
        &["SORT_RO", "l", "LIMIT", "0", "0", "GET", "o_*"],
        &["SORT", "l", "FOO"],
        &["SORT", "missing", "BY", "w_*", "GET", "o_*"],
    ];
    for sort in sorts {
        pair.assert_same(&["CONFIG", "RESETSTAT"]);
        pair.request(sort);
        let info = pair.request(&["INFO", "stats"]);
        assert_eq!(
            hits_misses(&info.subject),
            hits_misses(&info.reference),
            "keyspace hits/misses after {}",
            format_args(sort)
        );
    }
}
