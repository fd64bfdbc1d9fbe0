//! The effects record of every write command, compared with real Redis.
//!
//! `crates/server/tests/effects/*.txt` hold command lines, each followed by the
//! keyspace events real redis-server emitted for it and how much its dirty
//! counter grew (written by `scripts/effects-expected.py`). Each file is
//! replayed here on an in-process server whose capturing sink sees every
//! published batch; the recorded events, in order, and the dirty counter must
//! match Redis's.

use std::ops::Range;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex};

use cinnabar_resp::{Args, ReplyBuf};

use super::{EffectSink, Published};
use crate::client::{Client, ClientShared};
use crate::dispatch::execute;
use crate::server::Server;
use crate::settings::{StartupSettings, Tunables};
use crate::stats::WorkerStats;

/// What the sink saw of one command: its events and its propagated commands.
#[derive(Default)]
struct Seen {
    events: Vec<String>,
    propagated: Vec<Vec<Vec<u8>>>,
}

/// Keeps every published event as `event:key` (`event@db:key` outside db 0),
/// and the propagated form of every batch.
#[derive(Default)]
struct Capture(Arc<Mutex<Seen>>);

impl EffectSink for Capture {
    fn publish(&self, batch: &Published<'_>) {
        let mut seen_all = self.0.lock().unwrap_or_else(|p| p.into_inner());
        seen_all.propagated.extend(batch.propagated());
        let seen = &mut seen_all.events;
        for e in batch.effects.since(0) {
            if e.whole_db || e.event.is_empty() {
                continue;
            }
            let key = String::from_utf8_lossy(e.key);
            seen.push(if e.db == 0 {
                format!("{}:{key}", e.event)
            } else {
                format!("{}@{}:{key}", e.event, e.db)
            });
        }
    }
}

struct Replay {
    srv: &'static Server,
    stats: WorkerStats,
    client: Client,
    seen: Arc<Mutex<Seen>>,
}

impl Replay {
    fn new() -> Replay {
        let mut srv = Server::new(
            StartupSettings::default(),
            Tunables::default(),
            4,
            crate::config::Config::with_cwd(std::path::Path::new("/")),
            crate::commands::table(),
        );
        let seen = Arc::new(Mutex::new(Seen::default()));
        srv.effect_sinks.push(Box::new(Capture(seen.clone())));
        // Leaked: the dispatcher wants a server that lives for the whole process.
        let srv: &'static Server = Box::leak(Box::new(srv));
        let stats = WorkerStats::new(srv.commands.id_count());
        let shared = ClientShared::new(1, 0, 0, "127.0.0.1:1".into(), "127.0.0.1:2".into(), -1, 0);
        Replay {
            srv,
            stats,
            client: Client::new(Arc::new(shared), true),
            seen,
        }
    }

    /// Runs one command; returns its events, its growth of the dirty counter
    /// and its propagated form.
    fn run(&mut self, words: &[&str]) -> (Vec<String>, u64, Vec<Vec<Vec<u8>>>) {
        let mut base = Vec::new();
        let mut ranges: Vec<Range<usize>> = Vec::new();
        for w in words {
            ranges.push(base.len()..base.len() + w.len());
            base.extend_from_slice(w.as_bytes());
        }
        let before = self.stats.dirty.load(Relaxed);
        let mut out = ReplyBuf::new();
        execute(
            self.srv,
            &self.stats,
            &mut self.client,
            &mut out,
            &Args::new(&base, &ranges),
        );
        let dirty = self.stats.dirty.load(Relaxed) - before;
        let seen = std::mem::take(&mut *self.seen.lock().unwrap_or_else(|p| p.into_inner()));
        (seen.events, dirty, seen.propagated)
    }
}

/// Propagated commands as the generator shows them: ` ; ` between commands,
/// Unix-ms times as `<ms>`, the members an SPOP chose at random as `*`.
fn shown_propagation(propagated: &[Vec<Vec<u8>>], spop: bool) -> String {
    let shown: Vec<String> = propagated
        .iter()
        .map(|argv| {
            let srem = spop
                && argv
                    .first()
                    .is_some_and(|n| n.eq_ignore_ascii_case(b"srem"));
            argv.iter()
                .enumerate()
                .map(|(i, a)| {
                    let w = String::from_utf8_lossy(a).into_owned();
                    if srem && i >= 2 {
                        "*".to_string()
                    } else if w.len() == 13 && w.bytes().all(|b| b.is_ascii_digit()) {
                        "<ms>".to_string()
                    } else {
                        w
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    shown.join(" ; ")
}

/// Replays one expected-effects file; returns the mismatches.
fn replay(name: &str, text: &str) -> Vec<String> {
    let mut r = Replay::new();
    let mut failures = Vec::new();
    let mut lines = text.lines().peekable();
    // Where 7.2 propagates differently from the 7.0 reference, a `#7.2= ...`
    // comment before the command gives 7.2's form, taken from its source.
    let mut override_72: Option<&str> = None;
    while let Some(line) = lines.next() {
        let line = line.trim();
        if let Some(form) = line.strip_prefix("#7.2= ") {
            override_72 = Some(form);
            continue;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line.split(' ').collect();
        if words[0].eq_ignore_ascii_case("sleep") {
            let ms = words.get(1).and_then(|w| w.parse().ok()).unwrap_or(0);
            std::thread::sleep(std::time::Duration::from_millis(ms));
            continue;
        }
        let (events, dirty, propagated) = r.run(&words);
        let Some(expected) = lines.next().and_then(|l| l.strip_prefix("> ")) else {
            failures.push(format!("{name}: `{line}` has no expected line"));
            continue;
        };
        let got = events
            .iter()
            .cloned()
            .chain([format!("dirty={dirty}")])
            .collect::<Vec<_>>()
            .join(" ");
        if got != expected {
            failures.push(format!(
                "{name}: `{line}`\n    redis:    {expected}\n    cinnabar: {got}"
            ));
        }
        if let Some(expected) = lines.peek().and_then(|l| l.strip_prefix("= ")) {
            lines.next();
            let expected = override_72.take().unwrap_or(expected);
            let spop = words[0].eq_ignore_ascii_case("spop");
            let got = shown_propagation(&propagated, spop);
            if got != expected.trim_end() {
                failures.push(format!(
                    "{name}: `{line}` propagates\n    redis:    {expected}\n    cinnabar: {got}"
                ));
            }
        }
    }
    failures
}

#[test]
fn effects_match_redis() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/effects");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    files.sort();
    assert!(!files.is_empty(), "no expected-effects files in {dir:?}");
    let mut failures = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        failures.extend(replay(&name.unwrap_or_default(), &text));
    }
    assert!(
        failures.is_empty(),
        "{} command(s) differ from Redis:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
