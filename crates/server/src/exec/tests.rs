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

/// Keeps every published event as `event:key` (`event@db:key` outside db 0).
#[derive(Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

impl EffectSink for Capture {
    fn publish(&self, batch: &Published<'_>) {
        let mut seen = self.0.lock().unwrap_or_else(|p| p.into_inner());
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
    events: Arc<Mutex<Vec<String>>>,
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
        let events = Arc::new(Mutex::new(Vec::new()));
        srv.effect_sinks.push(Box::new(Capture(events.clone())));
        // Leaked: the dispatcher wants a server that lives for the whole process.
        let srv: &'static Server = Box::leak(Box::new(srv));
        let stats = WorkerStats::new(srv.commands.id_count());
        let shared = ClientShared::new(1, 0, 0, "127.0.0.1:1".into(), "127.0.0.1:2".into(), -1, 0);
        Replay {
            srv,
            stats,
            client: Client::new(Arc::new(shared), true),
            events,
        }
    }

    /// Runs one command; returns its events and its growth of the dirty counter.
    fn run(&mut self, words: &[&str]) -> (Vec<String>, u64) {
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
        let events = std::mem::take(&mut *self.events.lock().unwrap_or_else(|p| p.into_inner()));
        (events, dirty)
    }
}

/// Replays one expected-effects file; returns the mismatches.
fn replay(name: &str, text: &str) -> Vec<String> {
    let mut r = Replay::new();
    let mut failures = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = line.split(' ').collect();
        if words[0].eq_ignore_ascii_case("sleep") {
            let ms = words.get(1).and_then(|w| w.parse().ok()).unwrap_or(0);
            std::thread::sleep(std::time::Duration::from_millis(ms));
            continue;
        }
        let (events, dirty) = r.run(&words);
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
