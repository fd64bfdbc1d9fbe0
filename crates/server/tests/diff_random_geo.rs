//! GEO commands: seeded random command sequences compared byte for byte with
//! a real `redis-server`.
//!
//! Points are drawn around a few cluster centres (so searches find a useful
//! number of them), anywhere on the globe, on the indexable limits (poles
//! cut at ±85.05112878, the antimeridian) and on top of each other (equal
//! distances, where the order comes from Redis's sort algorithms). Searches
//! mix every form: GEOSEARCH / GEOSEARCHSTORE / GEORADIUS /
//! GEORADIUSBYMEMBER and the `_RO` forms, circles and boxes in all units,
//! ASC / DESC / unsorted, COUNT with and without ANY, any subset of WITHDIST
//! WITHHASH WITHCOORD, STORE and STOREDIST; now and then an argument is
//! broken (a bad unit, a negative radius, an out-of-range coordinate) or
//! dropped, so error replies are compared too. Stored results are read back
//! with ZRANGE (STOREDIST scores are doubles that 7.0 and 7.2 print
//! differently, so those are read without scores). Half of the seeds lower
//! `zset-max-listpack-entries` so the sets are mostly skiplists.
//!
//! Knobs, as in `tests/diff_random.rs`: `CINNABAR_DIFF_SEEDS=N`,
//! `CINNABAR_DIFF_SEED=S`, `CINNABAR_DIFF_STEPS=N`; `CINNABAR_DIFF_TRACE=1`
//! (with `--nocapture`) prints every command with the reference's reply.
//! Odd seeds use RESP3.

mod support;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use support::random::{env_number, seeds};
use support::resp::format_args;
use support::DiffPair;

const DEFAULT_SEEDS: u64 = 4;
const DEFAULT_STEPS: usize = 300;
const HISTORY_SHOWN: usize = 30;

/// Cluster centres (longitude, latitude): ordinary places, high latitudes,
/// both sides of the antimeridian and the indexable corners.
const CENTRES: &[(f64, f64)] = &[
    (13.36, 38.11),
    (-0.12, 51.5),
    (151.2, -33.86),
    (179.9, 0.5),
    (-179.9, -0.5),
    (25.0, 71.0),
    (-60.0, -84.9),
    (0.0, 0.0),
    (180.0, 85.05112878),
    (-180.0, -85.05112878),
];

const UNITS: &[(&str, f64)] = &[
    ("m", 1.0),
    ("km", 1000.0),
    ("mi", 1609.34),
    ("ft", 0.3048),
    ("KM", 1000.0),
    ("Mi", 1609.34),
];

struct Gen {
    rng: StdRng,
    /// Positions already used (to add members on top of them).
    used: Vec<(String, String)>,
    /// `(key, member)` pairs already added (search centres for FROMMEMBER).
    added: Vec<(&'static str, String)>,
}

impl Gen {
    fn chance(&mut self, percent: u32) -> bool {
        self.rng.gen_range(0..100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.rng.gen_range(0..items.len())]
    }

    fn key(&mut self) -> &'static str {
        if self.chance(4) {
            self.pick(&["str", "missing"])
        } else {
            self.pick(&["g0", "g1"])
        }
    }

    /// A destination key. STOREDIST results (double scores, printed
    /// differently by 7.0) only ever go to `d1`, which is read without
    /// scores; STORE results go to the others, read with their scores.
    fn dest(&mut self, dist: bool) -> &'static str {
        if dist {
            "d1"
        } else {
            self.pick(&["d0", "d0", "g1", "str"])
        }
    }

    fn member(&mut self) -> String {
        if self.chance(3) {
            return self.pick(&["", "nobody", "ö"]).to_string();
        }
        format!("m{}", self.rng.gen_range(0..40))
    }

    /// A member that is probably in the sorted set `key` (a search centre).
    fn known_member(&mut self, key: &str) -> String {
        let known: Vec<String> = self
            .added
            .iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, m)| m.clone())
            .collect();
        if known.is_empty() || self.chance(10) {
            return self.member();
        }
        known[self.rng.gen_range(0..known.len())].clone()
    }

    fn coord(&mut self, value: f64, min: f64, max: f64) -> String {
        let v = value.clamp(min, max);
        let digits = self.rng.gen_range(0..=7);
        let text = format!("{v:.digits$}");
        // Rounding to fewer digits may step over a limit: clamp the text too.
        match text.parse::<f64>() {
            Ok(p) if p > max => format!("{max}"),
            Ok(p) if p < min => format!("{min}"),
            _ => text,
        }
    }

    /// A position: `(longitude, latitude)` as argument strings.
    fn position(&mut self) -> (String, String) {
        if !self.used.is_empty() && self.chance(10) {
            let i = self.rng.gen_range(0..self.used.len());
            return self.used[i].clone();
        }
        let (lon, lat) = match self.rng.gen_range(0..10) {
            0 => (
                self.rng.gen_range(-180.0..=180.0),
                self.rng.gen_range(-85.05112878..=85.05112878),
            ),
            1 => {
                let lon = *[-180.0, 180.0, 0.0, 179.999999, -179.999999]
                    .get(self.rng.gen_range(0..5))
                    .unwrap_or(&0.0);
                let lat = *[-85.05112878, 85.05112878, 0.0, 85.0511, -85.0511]
                    .get(self.rng.gen_range(0..5))
                    .unwrap_or(&0.0);
                (lon, lat)
            }
            _ => {
                let (clon, clat) = CENTRES[self.rng.gen_range(0..CENTRES.len())];
                let spread = *[0.001, 0.05, 0.5, 2.0]
                    .get(self.rng.gen_range(0..4))
                    .unwrap_or(&1.0);
                (
                    clon + self.rng.gen_range(-spread..=spread),
                    clat + self.rng.gen_range(-spread..=spread),
                )
            }
        };
        let p = (
            self.coord(lon, -180.0, 180.0),
            self.coord(lat, -85.05112878, 85.05112878),
        );
        self.used.push(p.clone());
        p
    }

    /// A search centre near the data.
    fn centre(&mut self) -> (String, String) {
        if self.chance(8) {
            // Out of range now and then.
            return (
                self.pick(&["180.5", "-181", "0", "abc"]).to_string(),
                self.pick(&["85.06", "-90", "10", "1e400"]).to_string(),
            );
        }
        self.position()
    }

    /// A size in a random unit: (number, unit).
    fn size(&mut self) -> (String, String) {
        let (unit, to_m) = UNITS[self.rng.gen_range(0..UNITS.len())];
        let meters = match self.rng.gen_range(0..10) {
            0 => 0.0,
            1 => self.rng.gen_range(0.0..500.0),
            2..=5 => self.rng.gen_range(100.0..200_000.0),
            6..=8 => self.rng.gen_range(100_000.0..3_000_000.0),
            _ => self.rng.gen_range(3_000_000.0..25_000_000.0),
        };
        let v = meters / to_m;
        let text = if self.chance(50) {
            format!("{v:.0}")
        } else {
            format!("{v:.3}")
        };
        if self.chance(3) {
            let bad = self.pick(&["-1", "abc", "inf", "-0"]).to_string();
            return (bad, unit.to_string());
        }
        if self.chance(2) {
            return (text, self.pick(&["parsecs", "", "kms"]).to_string());
        }
        (text, unit.to_string())
    }

    fn count(&mut self) -> String {
        if self.chance(5) {
            return self.pick(&["0", "-1", "x"]).to_string();
        }
        self.rng.gen_range(1..=12).to_string()
    }

    /// Shared options: order, count, with-flags (when `with` is allowed).
    fn options(&mut self, args: &mut Vec<String>, with: bool) {
        let mut opts: Vec<Vec<String>> = Vec::new();
        match self.rng.gen_range(0..4) {
            0 => opts.push(vec!["ASC".into()]),
            1 => opts.push(vec!["DESC".into()]),
            _ => {}
        }
        if self.chance(50) {
            let mut c = vec!["COUNT".to_string(), self.count()];
            if self.chance(35) {
                c.push("ANY".into());
            }
            opts.push(c);
        } else if self.chance(3) {
            opts.push(vec!["ANY".into()]);
        }
        if with || self.chance(3) {
            for w in ["WITHDIST", "WITHHASH", "WITHCOORD"] {
                if self.chance(if with { 40 } else { 30 }) {
                    opts.push(vec![w.to_string()]);
                }
            }
        }
        // Options may come in any order.
        for i in (1..opts.len()).rev() {
            let j = self.rng.gen_range(0..=i);
            opts.swap(i, j);
        }
        args.extend(opts.into_iter().flatten());
    }

    /// FROMMEMBER / FROMLONLAT, then BYRADIUS / BYBOX, in either order.
    fn search_spec(&mut self, key: &str, args: &mut Vec<String>) {
        let from = if self.chance(35) {
            vec!["FROMMEMBER".to_string(), self.known_member(key)]
        } else {
            let (lon, lat) = self.centre();
            vec!["FROMLONLAT".to_string(), lon, lat]
        };
        let by = if self.chance(50) {
            let (r, u) = self.size();
            vec!["BYRADIUS".to_string(), r, u]
        } else {
            let (w, u) = self.size();
            let (h, _) = self.size();
            vec!["BYBOX".to_string(), w, h, u]
        };
        if self.chance(80) {
            args.extend(from);
            args.extend(by);
        } else {
            args.extend(by);
            args.extend(from);
        }
    }
}

fn s(items: &[&str]) -> Vec<String> {
    items.iter().map(|x| x.to_string()).collect()
}

/// One command, and the commands that read back what it stored.
fn generate(g: &mut Gen) -> (Vec<String>, Vec<Vec<String>>) {
    let k = g.key();
    match g.rng.gen_range(0..40) {
        0..=9 => {
            let mut args = s(&["GEOADD", k]);
            if g.chance(20) {
                let opts: &[&[&str]] = &[
                    &["NX"],
                    &["XX"],
                    &["CH"],
                    &["ch"],
                    &["NX", "CH"],
                    &["XX", "NX"],
                ];
                args.extend(s(opts[g.rng.gen_range(0..opts.len())]));
            }
            for _ in 0..g.rng.gen_range(1..=6) {
                let (lon, lat) = if g.chance(3) {
                    g.centre()
                } else {
                    g.position()
                };
                let m = g.member();
                g.added.push((k, m.clone()));
                args.push(lon);
                args.push(lat);
                args.push(m);
            }
            (args, vec![])
        }
        10 | 11 => {
            let mut args = s(&["GEOPOS", k]);
            for _ in 0..g.rng.gen_range(1..=4) {
                args.push(g.member());
            }
            (args, vec![])
        }
        12 => {
            let mut args = s(&["GEOHASH", k]);
            for _ in 0..g.rng.gen_range(1..=4) {
                args.push(g.member());
            }
            (args, vec![])
        }
        13 | 14 => {
            let mut args = s(&["GEODIST", k]);
            args.push(g.member());
            args.push(g.member());
            if g.chance(70) {
                let (_, u) = g.size();
                args.push(u);
            }
            (args, vec![])
        }
        15..=22 => {
            let mut args = s(&["GEOSEARCH", k]);
            g.search_spec(k, &mut args);
            g.options(&mut args, true);
            (args, vec![])
        }
        23..=25 => {
            let dist = g.chance(50);
            let d = g.dest(dist);
            let mut args = s(&["GEOSEARCHSTORE", d, k]);
            g.search_spec(k, &mut args);
            g.options(&mut args, false);
            if dist {
                args.push("STOREDIST".into());
            }
            (args, read_back(d, dist))
        }
        26..=29 => {
            let ro = g.chance(30);
            let mut args = s(&[if ro { "GEORADIUS_RO" } else { "GEORADIUS" }, k]);
            let (lon, lat) = g.centre();
            let (r, u) = g.size();
            args.extend([lon, lat, r, u]);
            store_or_with(g, args, ro)
        }
        30..=33 => {
            let ro = g.chance(30);
            let name = if ro {
                "GEORADIUSBYMEMBER_RO"
            } else {
                "GEORADIUSBYMEMBER"
            };
            let mut args = s(&[name, k]);
            args.push(g.known_member(k));
            let (r, u) = g.size();
            args.extend([r, u]);
            store_or_with(g, args, ro)
        }
        34 | 35 => {
            let mut args = s(&["ZREM", k]);
            args.push(g.member());
            (args, vec![])
        }
        36 => (s(&["ZCARD", k]), vec![]),
        // Without scores: STOREDIST may have left doubles, which 7.0 prints
        // differently.
        37 => {
            if g.chance(50) {
                (s(&["ZRANGE", k, "0", "-1"]), vec![])
            } else {
                (s(&["OBJECT", "ENCODING", k]), vec![])
            }
        }
        38 => (s(&["DEL", g.pick(&["g0", "g1", "d0", "d1"])]), vec![]),
        _ => {
            // Scores that are not GEOADD's: decoding must still agree.
            let score = g.pick(&[
                "0",
                "-1",
                "1.5",
                "4503599627370495",
                "4503599627370496",
                "-1000",
            ]);
            (s(&["ZADD", k, score, &g.member()]), vec![])
        }
    }
}

/// GEORADIUS options: STORE / STOREDIST (reading the result back) or WITH*.
fn store_or_with(g: &mut Gen, mut args: Vec<String>, ro: bool) -> (Vec<String>, Vec<Vec<String>>) {
    if !ro && g.chance(35) {
        g.options(&mut args, false);
        let dist = g.chance(50);
        let d = g.dest(dist);
        args.push(if dist { "STOREDIST" } else { "STORE" }.to_string());
        args.push(d.to_string());
        return (args, read_back(d, dist));
    }
    g.options(&mut args, true);
    if ro && g.chance(5) {
        args.extend(s(&["STORE", "d0"]));
    }
    (args, vec![])
}

fn read_back(dest: &str, dist: bool) -> Vec<Vec<String>> {
    let mut range = s(&["ZRANGE", dest, "0", "-1"]);
    if !dist {
        range.push("WITHSCORES".into());
    }
    vec![s(&["TYPE", dest]), range]
}

#[test]
fn geo_random() {
    let steps = env_number("CINNABAR_DIFF_STEPS").map_or(DEFAULT_STEPS, |n| n as usize);
    let mut pair = DiffPair::start(&[]);
    for seed in seeds(DEFAULT_SEEDS) {
        pair.reset();
        let mut g = Gen {
            rng: StdRng::seed_from_u64(seed ^ 0x6e0),
            used: Vec::new(),
            added: Vec::new(),
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
        // Half of the seeds keep sorted sets small so that they are
        // skiplists (the other encoding) most of the time.
        let entries = if seed % 4 < 2 { "8" } else { "128" };
        pair.assert_same(&["CONFIG", "SET", "zset-max-listpack-entries", entries]);
        history.push(format!("CONFIG SET zset-max-listpack-entries {entries}"));
        pair.assert_same(&["SET", "str", "x"]);
        history.push("SET str x".into());
        for step in 0..steps {
            let (mut args, follow) = generate(&mut g);
            if args.len() > 2 && g.chance(3) {
                args.pop();
            }
            for cmd in std::iter::once(&args).chain(follow.iter()) {
                let outcome = pair.request(cmd);
                let line = format_args(cmd);
                if support::runner::tracing() {
                    eprintln!("{line}  ->  {}", outcome.reference);
                }
                if !outcome.reference.same_as(&outcome.subject) {
                    let shown = history.len().saturating_sub(HISTORY_SHOWN);
                    panic!(
                        "random geo sequence diverged: seed {seed} ({}), step {step}\n  \
                         command:   {line}\n  reference: {}\n  subject:   {}\n\
                         preceding commands (most recent last, {shown} earlier ones omitted):\n    {}\n\
                         reproduce with: CINNABAR_DIFF_SEED={seed} cargo test -p cinnabar --test diff_random_geo\n{}",
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
}

#[test]
fn generator_is_deterministic() {
    let run = || {
        let mut g = Gen {
            rng: StdRng::seed_from_u64(7),
            used: Vec::new(),
            added: Vec::new(),
        };
        (0..300)
            .map(|_| format_args(&generate(&mut g).0))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}
