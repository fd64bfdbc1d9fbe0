//! In-process tests of the string commands: replies, and the encodings and TTLs they
//! leave behind (checked directly in the keyspace). Every expected value was taken
//! from redis-server with `OBJECT ENCODING` and `TTL`.

use std::ops::Range;
use std::sync::{Arc, Mutex};

use cinnabar_resp::{Args, ReplyBuf};

use crate::client::{Client, ClientShared};
use crate::dispatch::execute;
use crate::exec::{EffectSink, Published};
use crate::server::Server;
use crate::settings::{StartupSettings, Tunables};
use crate::stats::WorkerStats;

struct Harness {
    srv: &'static Server,
    stats: WorkerStats,
    client: Client,
    resp3: bool,
}

/// Keeps what each published command propagates, as space-separated words.
#[derive(Default)]
struct Propagated(Arc<Mutex<Vec<String>>>);

impl EffectSink for Propagated {
    fn publish(&self, batch: &Published<'_>) {
        let Some(command) = batch.command else { return };
        let words = |argv: &mut dyn Iterator<Item = &[u8]>| {
            argv.map(|w| String::from_utf8_lossy(w).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut seen = self.0.lock().unwrap_or_else(|p| p.into_inner());
        match batch.rewrites {
            None => seen.push(words(&mut command.iter())),
            Some(rewrites) => {
                for argv in rewrites {
                    seen.push(words(&mut argv.iter().map(Vec::as_slice)));
                }
            }
        }
    }
}

impl Harness {
    fn new() -> Harness {
        Harness::with_sinks(Vec::new())
    }

    fn with_sinks(sinks: Vec<Box<dyn EffectSink>>) -> Harness {
        let mut srv = Server::new(
            StartupSettings::default(),
            Tunables::default(),
            4,
            crate::config::Config::with_cwd(std::path::Path::new("/")),
            crate::commands::table(),
        );
        srv.effect_sinks = sinks;
        // Leaked: the dispatcher wants a server that lives for the whole process.
        let srv: &'static Server = Box::leak(Box::new(srv));
        let stats = WorkerStats::new(srv.commands.id_count());
        let shared = ClientShared::new(1, 0, 0, "127.0.0.1:1".into(), "127.0.0.1:2".into(), -1, 0);
        let client = Client::new(Arc::new(shared), true);
        Harness {
            srv,
            stats,
            client,
            resp3: false,
        }
    }

    /// Runs one command and returns its raw RESP2 reply.
    fn cmd(&mut self, args: &[&[u8]]) -> Vec<u8> {
        let mut base = Vec::new();
        let mut ranges: Vec<Range<usize>> = Vec::new();
        for a in args {
            ranges.push(base.len()..base.len() + a.len());
            base.extend_from_slice(a);
        }
        let mut out = ReplyBuf::new();
        out.resp3 = self.resp3;
        execute(
            self.srv,
            &self.stats,
            &mut self.client,
            &mut out,
            &Args::new(&base, &ranges),
        );
        out.buf
    }

    /// Runs a command given as space-separated words.
    fn run(&mut self, line: &str) -> String {
        let words: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
        String::from_utf8_lossy(&self.cmd(&words)).into_owned()
    }

    /// `OBJECT ENCODING` of a key, `None` when it does not exist.
    fn encoding(&self, key: &str) -> Option<&'static str> {
        let mut locked = self.srv.keyspace.lock_key(key.as_bytes());
        let now = crate::clock::unix_ms();
        let e = locked.get(0, key.as_bytes(), now).ok()??;
        Some(e.value().encoding_name())
    }

    /// Remaining TTL in whole seconds as `TTL` shows it: -1 without, -2 when missing.
    fn ttl(&self, key: &str) -> i64 {
        let mut locked = self.srv.keyspace.lock_key(key.as_bytes());
        let now = crate::clock::unix_ms();
        match locked.get(0, key.as_bytes(), now) {
            Ok(Some(e)) => e.expire().map_or(-1, |at| (at - now + 500) / 1000),
            _ => -2,
        }
    }

    /// Runs a command and checks its reply, the key's encoding and its TTL.
    fn check(&mut self, line: &str, reply: &str, key: &str, encoding: Option<&str>, ttl: i64) {
        assert_eq!(self.run(line), reply, "reply of {line}");
        assert_eq!(self.encoding(key), encoding, "encoding after {line}");
        assert_eq!(self.ttl(key), ttl, "TTL after {line}");
    }
}

#[test]
fn set_encodings() {
    let mut h = Harness::new();
    let long44 = format!("SET k {}", "x".repeat(44));
    let long45 = format!("SET k {}", "x".repeat(45));
    for (line, enc) in [
        ("SET k 123", "int"),
        ("SET k abc", "embstr"),
        (long44.as_str(), "embstr"),
        (long45.as_str(), "raw"),
        ("SET k 12345678901234567890", "embstr"),
        ("SET k -0", "embstr"),
        ("SET k 007", "embstr"),
        ("SET k 9223372036854775807", "int"),
        ("SET k -9223372036854775808", "int"),
    ] {
        h.check(line, "+OK\r\n", "k", Some(enc), -1);
    }
}

#[test]
fn append_and_setrange_make_raw_strings() {
    let mut h = Harness::new();
    h.check("APPEND k 123", ":3\r\n", "k", Some("int"), -1);
    h.run("DEL k");
    h.check("APPEND k abc", ":3\r\n", "k", Some("embstr"), -1);
    assert_eq!(h.cmd(&[b"APPEND", b"k", b""]), b":3\r\n");
    assert_eq!(h.encoding("k"), Some("raw"));
    h.run("SET k 12");
    h.check("APPEND k 3", ":3\r\n", "k", Some("raw"), -1);
    h.check("INCR k", ":124\r\n", "k", Some("int"), -1);

    h.run("DEL k");
    h.check("SETRANGE k 0 abc", ":3\r\n", "k", Some("raw"), -1);
    h.run("SET k abc");
    assert_eq!(h.cmd(&[b"SETRANGE", b"k", b"1", b""]), b":3\r\n");
    assert_eq!(h.encoding("k"), Some("embstr"));
    h.check("SETRANGE k 1 x", ":3\r\n", "k", Some("raw"), -1);
    h.run("SET k 12");
    h.check("SETRANGE k 0 3", ":2\r\n", "k", Some("raw"), -1);
    h.run("DEL k");
    assert_eq!(h.cmd(&[b"SETRANGE", b"k", b"3", b""]), b":0\r\n");
    assert_eq!(h.encoding("k"), None);
}

#[test]
fn counters_getset_and_getex() {
    let mut h = Harness::new();
    h.run("SET k 1");
    h.check(
        "INCRBYFLOAT k 0.5",
        "$3\r\n1.5\r\n",
        "k",
        Some("embstr"),
        -1,
    );
    h.check(
        "INCRBYFLOAT k 1e50",
        "$51\r\n100000000000000000003583830118858923890798487404544\r\n",
        "k",
        Some("raw"),
        -1,
    );
    h.check(
        "GETSET k 5",
        "$51\r\n100000000000000000003583830118858923890798487404544\r\n",
        "k",
        Some("int"),
        -1,
    );
    h.check("GETEX k EX 100", "$1\r\n5\r\n", "k", Some("int"), 100);
    h.check("SET k v KEEPTTL", "+OK\r\n", "k", Some("embstr"), 100);
    h.check("SET k w", "+OK\r\n", "k", Some("embstr"), -1);
}

#[test]
fn ttl_kept_or_dropped() {
    let mut h = Harness::new();
    h.run("SET k 10 EX 100");
    h.check("APPEND k 1", ":3\r\n", "k", Some("raw"), 100);
    h.check("SETRANGE k 0 2", ":3\r\n", "k", Some("raw"), 100);
    h.check("INCR k", ":202\r\n", "k", Some("int"), 100);
    h.check(
        "INCRBYFLOAT k 1.5",
        "$5\r\n203.5\r\n",
        "k",
        Some("embstr"),
        100,
    );
    h.check(
        "GETEX k PERSIST",
        "$5\r\n203.5\r\n",
        "k",
        Some("embstr"),
        -1,
    );
    h.check("GETEX k PX 5000", "$5\r\n203.5\r\n", "k", Some("embstr"), 5);
    h.check("GETSET k x", "$5\r\n203.5\r\n", "k", Some("embstr"), -1);

    h.run("SET k 10 EX 100");
    h.check("MSET k 1", "+OK\r\n", "k", Some("int"), -1);
    h.run("SET k 10 EX 100");
    h.check("SET k v NX", "$-1\r\n", "k", Some("int"), 100);
    h.check("SETNX k z", ":0\r\n", "k", Some("int"), 100);
    h.check("SET k v XX GET", "$2\r\n10\r\n", "k", Some("embstr"), -1);
    h.check("GETEX k EXAT 1", "$1\r\nv\r\n", "k", None, -2);
    h.check("SETEX k 100 12", "+OK\r\n", "k", Some("int"), 100);
    h.check("PSETEX k 100000 abc", "+OK\r\n", "k", Some("embstr"), 100);
    h.check("GETDEL k", "$3\r\nabc\r\n", "k", None, -2);
    h.check("GETEX k", "$-1\r\n", "k", None, -2);
    h.run("SET k v EX 100");
    h.check("SET k 9 GET PXAT 1", "$1\r\nv\r\n", "k", None, -2);
}

#[test]
fn limits_follow_proto_max_bulk_len() {
    let mut h = Harness::new();
    let too_big = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
    assert_eq!(h.run("SETRANGE k 536870912 x"), too_big);
    assert_eq!(h.run("SETRANGE k 536870911 x"), ":536870912\r\n");
    assert_eq!(h.run("APPEND k y"), too_big);
    assert_eq!(h.run("STRLEN k"), ":536870912\r\n");
    h.run("DEL k");
    h.srv
        .tun
        .proto_max_bulk_len
        .store(10, std::sync::atomic::Ordering::Relaxed);
    assert_eq!(h.run("SETRANGE k 5 abcdef"), too_big);
    assert_eq!(h.run("SETRANGE k 5 abcde"), ":10\r\n");
    assert_eq!(h.run("APPEND k x"), too_big);
    assert_eq!(h.run("SETRANGE k 100 "), ":10\r\n");
    h.run("SET a abcdef");
    assert_eq!(
        h.run("LCS a k"),
        "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n"
    );
    assert_eq!(
        h.run("LCS a k LEN"),
        "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n"
    );
}

#[test]
fn wrong_type_checks() {
    let mut h = Harness::new();
    // Only strings exist so far: an `int` string must not be mistaken for another type.
    h.run("SET n 12");
    assert_eq!(h.run("GETRANGE n 0 0"), "$1\r\n1\r\n");
    assert_eq!(h.run("STRLEN n"), ":2\r\n");
    assert_eq!(h.run("LCS n n"), "$2\r\n12\r\n");
    assert_eq!(h.run("MGET n nope"), "*2\r\n$2\r\n12\r\n$-1\r\n");
}

#[test]
fn resp3_replies() {
    let mut h = Harness::new();
    h.resp3 = true;
    for (line, reply) in [
        ("GET nokey", "_\r\n"),
        ("SET a ohmytext", "+OK\r\n"),
        ("SET b mynewtext", "+OK\r\n"),
        ("SET a x NX", "_\r\n"),
        ("MGET a nokey", "*2\r\n$8\r\nohmytext\r\n_\r\n"),
        ("GETEX nokey", "_\r\n"),
        ("GETDEL nokey", "_\r\n"),
        (
            "LCS a b IDX WITHMATCHLEN",
            "%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n\
             *3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n",
        ),
        ("INCRBYFLOAT f 1.5", "$3\r\n1.5\r\n"),
        ("SETNX a 1", ":0\r\n"),
        ("SET a ohmytext GET", "$8\r\nohmytext\r\n"),
        ("SET zz 1 XX GET", "_\r\n"),
    ] {
        assert_eq!(h.run(line), reply, "{line}");
    }
}

/// What Redis 7.2 propagates for the string and expire commands whose
/// replicated form differs from the command (checked against its source:
/// `rewriteClientCommandVector` / `rewriteClientCommandArgument`).
#[test]
fn propagated_forms() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut h = Harness::with_sinks(vec![Box::new(Propagated(seen.clone()))]);
    let mut propagated = |line: &str| {
        h.run(line);
        std::mem::take(&mut *seen.lock().unwrap_or_else(|p| p.into_inner()))
    };
    // A relative time becomes an absolute one, about `ms` from now.
    let near = |got: &str, prefix: &str, ms: i64| {
        let now = crate::clock::unix_ms();
        let at: i64 = got
            .strip_prefix(prefix)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{got:?} does not start with {prefix:?}"));
        assert!((at - now - ms).abs() < 5_000, "{got}");
    };
    assert_eq!(propagated("SET k v"), ["SET k v"]);
    let p = propagated("SET k v EX 100");
    near(&p[0], "SET k v PXAT ", 100_000);
    let p = propagated("SET k v PX 100000 GET");
    near(&p[0], "SET k v PXAT ", 100_000);
    assert_eq!(p[0].split(' ').count(), 5, "{p:?}");
    let p = propagated("SET k v EXAT 99999999999");
    assert_eq!(p, ["SET k v PXAT 99999999999000"]);
    assert_eq!(
        propagated("SET k v PXAT 99999999999000"),
        ["SET k v PXAT 99999999999000"]
    );
    assert_eq!(propagated("SET k v NX EX 100"), Vec::<String>::new());
    let p = propagated("SETEX s 100 v");
    near(&p[0], "SET s v PXAT ", 100_000);
    let p = propagated("PSETEX s 100000 v");
    near(&p[0], "SET s v PXAT ", 100_000);
    assert_eq!(propagated("GETSET s w"), ["SET s w"]);
    assert_eq!(propagated("SET f 1.5"), ["SET f 1.5"]);
    assert_eq!(propagated("INCRBYFLOAT f 1"), ["SET f 2.5 KEEPTTL"]);
    assert_eq!(propagated("INCR n"), ["INCR n"]);
    let p = propagated("GETEX s EX 100");
    near(&p[0], "PEXPIREAT s ", 100_000);
    assert_eq!(
        propagated("GETEX s EXAT 99999999999"),
        ["PEXPIREAT s 99999999999000"]
    );
    assert_eq!(propagated("GETEX s PERSIST"), ["PERSIST s"]);
    assert_eq!(propagated("GETEX s PERSIST"), Vec::<String>::new());
    assert_eq!(propagated("GETEX s"), Vec::<String>::new());
    assert_eq!(propagated("GETEX s PXAT 1"), ["DEL s"]);
    assert_eq!(propagated("GETDEL k"), ["DEL k"]);
    assert_eq!(propagated("GETDEL k"), Vec::<String>::new());
    // The expire family: PEXPIREAT with the absolute time, options kept.
    propagated("SET e v");
    let p = propagated("EXPIRE e 100");
    near(&p[0], "PEXPIREAT e ", 100_000);
    let p = propagated("PEXPIRE e 200000 GT");
    near(&p[0], "PEXPIREAT e ", 200_000);
    assert!(p[0].ends_with(" GT"), "{p:?}");
    assert_eq!(
        propagated("EXPIREAT e 99999999999 XX"),
        ["PEXPIREAT e 99999999999000 XX"]
    );
    assert_eq!(
        propagated("PEXPIREAT e 99999999998000"),
        ["PEXPIREAT e 99999999998000"]
    );
    assert_eq!(propagated("PERSIST e"), ["PERSIST e"]);
    assert_eq!(propagated("EXPIRE e -1"), ["DEL e"]);
    assert_eq!(propagated("EXPIRE e 100"), Vec::<String>::new());
    // A flush propagates even when there was nothing to flush.
    assert_eq!(propagated("FLUSHDB"), ["FLUSHDB"]);
    assert_eq!(propagated("FLUSHALL"), ["FLUSHALL"]);
}
