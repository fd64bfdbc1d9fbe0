//! Integration tests for the generic keyspace commands, over TCP against the real
//! binary. Expected replies (including error texts) were taken from redis-server.

mod support;

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use support::resp::Frame;
use support::{RawClient, ServerProcess};

fn start() -> ServerProcess {
    support::start_cinnabar(&["--worker-threads", "4"])
}

/// The elements of an array reply (the keys, for KEYS), sorted.
fn sorted(reply: &Frame) -> Vec<String> {
    let mut v = reply.strings();
    v.sort();
    v
}

/// `SET key value [options]`, for pipelines.
fn set_cmd(key: String, value: &str, options: &[&str]) -> Vec<String> {
    let mut cmd = vec!["SET".to_string(), key, value.to_string()];
    cmd.extend(options.iter().map(|o| o.to_string()));
    cmd
}

/// A complete SCAN iteration with the given options; keys in order seen.
fn scan_all(c: &mut RawClient, opts: &[&str]) -> Vec<String> {
    let mut cursor = "0".to_string();
    let mut keys = Vec::new();
    for _ in 0..10_000_000 {
        let mut args = vec!["SCAN", cursor.as_str()];
        args.extend_from_slice(opts);
        let reply = c.frame(&args);
        let [next, found] = reply.items() else {
            panic!("bad SCAN reply {reply:?}")
        };
        keys.extend(found.strings());
        cursor = next.text();
        if cursor == "0" {
            return keys;
        }
    }
    panic!("SCAN did not finish");
}

/// Sets a probe key with a 1 ms expire after the keys under test were written,
/// and waits until it reads as gone: by then every key written earlier with a
/// 1 ms expire is logically expired too (without having been read).
fn wait_expired(c: &mut RawClient) {
    assert_eq!(c.frame_line("SET probe 1 PX 1"), Frame::ok());
    let deadline = Instant::now() + Duration::from_secs(10);
    while c.frame_line("PTTL probe") != Frame::int(-2) {
        assert!(Instant::now() < deadline, "probe key never expired");
        thread::yield_now();
    }
}

#[test]
fn del_unlink_exists_type_touch() {
    let s = start();
    let mut c = s.connect();
    assert_eq!(c.frame_line("SET a 1"), Frame::ok());
    assert_eq!(c.frame_line("SET b hello"), Frame::ok());
    assert_eq!(c.frame_line("EXISTS a b nokey a"), Frame::int(3));
    assert_eq!(c.frame_line("TYPE a"), Frame::simple("string"));
    assert_eq!(c.frame_line("TYPE nokey"), Frame::simple("none"));
    assert_eq!(c.frame_line("TOUCH a b c"), Frame::int(2));
    assert_eq!(c.frame_line("DEL a nokey a"), Frame::int(1));
    assert_eq!(c.frame_line("UNLINK b a"), Frame::int(1));
    assert_eq!(c.frame_line("EXISTS a b"), Frame::int(0));
    assert_eq!(c.frame_line("UNLINK a b"), Frame::int(0));
    assert_eq!(
        c.frame_line("DEL"),
        Frame::error("ERR wrong number of arguments for 'del' command")
    );
    assert_eq!(
        c.frame_line("TYPE"),
        Frame::error("ERR wrong number of arguments for 'type' command")
    );
    assert_eq!(
        c.frame_line("TOUCH"),
        Frame::error("ERR wrong number of arguments for 'touch' command")
    );
}

#[test]
fn rename_and_renamenx() {
    let s = start();
    let mut c = s.connect();
    assert_eq!(c.frame_line("RENAME a b"), Frame::error("ERR no such key"));
    assert_eq!(
        c.frame_line("RENAMENX a b"),
        Frame::error("ERR no such key")
    );
    assert_eq!(c.frame_line("SET a 1"), Frame::ok());
    assert_eq!(c.frame_line("RENAME a a"), Frame::ok());
    assert_eq!(c.frame_line("RENAMENX a a"), Frame::int(0));
    assert_eq!(c.frame_line("SET b 2"), Frame::ok());
    assert_eq!(c.frame_line("RENAMENX a b"), Frame::int(0));
    assert_eq!(c.frame_line("PEXPIRE a 100000"), Frame::int(1));
    assert_eq!(c.frame_line("RENAME a c"), Frame::ok());
    let pttl = c.frame_line("PTTL c").int_value();
    assert!(
        (1..=100_000).contains(&pttl),
        "RENAME keeps the TTL, got {pttl}"
    );
    assert_eq!(c.frame_line("GET c"), Frame::bulk("1"));
    assert_eq!(c.frame_line("EXISTS a"), Frame::int(0));
    // Overwriting takes the source's (absent) TTL, not the destination's.
    assert_eq!(c.frame_line("EXPIRE b 1000"), Frame::int(1));
    assert_eq!(c.frame_line("SET d plain"), Frame::ok());
    assert_eq!(c.frame_line("RENAME d b"), Frame::ok());
    assert_eq!(c.frame_line("TTL b"), Frame::int(-1));
    assert_eq!(c.frame_line("GET b"), Frame::bulk("plain"));
    assert_eq!(c.frame_line("RENAMENX b fresh"), Frame::int(1));
    assert_eq!(c.frame_line("GET fresh"), Frame::bulk("plain"));
    let long = "x".repeat(300);
    assert_eq!(c.frame(&["RENAME", "fresh", long.as_str()]), Frame::ok());
    assert_eq!(c.frame(&["GET", long.as_str()]), Frame::bulk("plain"));
}

#[test]
fn move_copy_and_swapdb() {
    let s = start();
    let mut c = s.connect();
    assert_eq!(c.frame_line("SET c 1"), Frame::ok());
    assert_eq!(c.frame_line("PEXPIRE c 100000"), Frame::int(1));
    assert_eq!(
        c.frame_line("MOVE c 0"),
        Frame::error("ERR source and destination objects are the same")
    );
    assert_eq!(
        c.frame_line("MOVE c 16"),
        Frame::error("ERR DB index is out of range")
    );
    assert_eq!(
        c.frame_line("MOVE c -1"),
        Frame::error("ERR DB index is out of range")
    );
    assert_eq!(
        c.frame_line("MOVE c x"),
        Frame::error("ERR value is not an integer or out of range")
    );
    let range = "ERR value is out of range, value must between -2147483648 and 2147483647";
    assert_eq!(c.frame_line("MOVE c 4294967296"), Frame::error(range));
    assert_eq!(c.frame_line("MOVE c -2147483649"), Frame::error(range));
    assert_eq!(
        c.frame_line("MOVE c 99999999999999999999"),
        Frame::error("ERR value is not an integer or out of range")
    );
    assert_eq!(c.frame_line("COPY c x DB 2147483648"), Frame::error(range));
    assert_eq!(c.frame_line("MOVE nokey 1"), Frame::int(0));
    assert_eq!(c.frame_line("MOVE c 1"), Frame::int(1));
    assert_eq!(c.frame_line("EXISTS c"), Frame::int(0));
    assert_eq!(c.frame_line("SET c other"), Frame::ok());
    // Db 1 already has "c".
    assert_eq!(c.frame_line("MOVE c 1"), Frame::int(0));

    assert_eq!(c.frame_line("SET b 2"), Frame::ok());
    assert_eq!(
        c.frame_line("COPY b b"),
        Frame::error("ERR source and destination objects are the same")
    );
    assert_eq!(
        c.frame_line("COPY b b DB 0"),
        Frame::error("ERR source and destination objects are the same")
    );
    assert_eq!(
        c.frame_line("COPY b x DB"),
        Frame::error("ERR syntax error")
    );
    assert_eq!(
        c.frame_line("COPY b x DB 16"),
        Frame::error("ERR DB index is out of range")
    );
    assert_eq!(
        c.frame_line("COPY b x DB abc"),
        Frame::error("ERR value is not an integer or out of range")
    );
    assert_eq!(
        c.frame_line("COPY b x foo"),
        Frame::error("ERR syntax error")
    );
    assert_eq!(c.frame_line("COPY nokey x"), Frame::int(0));
    assert_eq!(c.frame_line("COPY b x replace REPLACE"), Frame::int(1));
    assert_eq!(c.frame_line("SET x 5"), Frame::ok());
    assert_eq!(c.frame_line("COPY b x"), Frame::int(0));
    assert_eq!(c.frame_line("GET x"), Frame::bulk("5"));
    assert_eq!(c.frame_line("EXPIRE b 500"), Frame::int(1));
    assert_eq!(c.frame_line("COPY b x REPLACE"), Frame::int(1));
    assert_eq!(c.frame_line("GET x"), Frame::bulk("2"));
    let ttl = c.frame_line("TTL x").int_value();
    assert!((1..=500).contains(&ttl), "COPY copies the TTL, got {ttl}");
    assert_eq!(c.frame_line("COPY b b DB 1"), Frame::int(1));
    // The last DB option wins: "x" exists in db 0.
    assert_eq!(c.frame_line("COPY b x DB 1 DB 0"), Frame::int(0));
    let big = "v".repeat(100);
    assert_eq!(c.frame(&["SET", "raw", big.as_str()]), Frame::ok());
    assert_eq!(c.frame_line("COPY raw raw2 DB 1"), Frame::int(1));

    assert_eq!(
        c.frame_line("SWAPDB 0 16"),
        Frame::error("ERR DB index is out of range")
    );
    assert_eq!(
        c.frame_line("SWAPDB -1 0"),
        Frame::error("ERR DB index is out of range")
    );
    assert_eq!(
        c.frame_line("SWAPDB a 1"),
        Frame::error("ERR invalid first DB index")
    );
    assert_eq!(
        c.frame_line("SWAPDB 0 a"),
        Frame::error("ERR invalid second DB index")
    );
    assert_eq!(
        c.frame_line("SWAPDB 2147483648 0"),
        Frame::error("ERR invalid first DB index")
    );
    assert_eq!(c.frame_line("SWAPDB 0 0"), Frame::ok());
    assert_eq!(c.frame_line("DBSIZE"), Frame::int(4));
    // Look at db 1 through SWAPDB (it now holds the moved and copied keys).
    assert_eq!(c.frame_line("SWAPDB 0 1"), Frame::ok());
    assert_eq!(c.frame_line("DBSIZE"), Frame::int(3));
    assert_eq!(c.frame_line("GET c"), Frame::bulk("1"));
    let pttl = c.frame_line("PTTL c").int_value();
    assert!(
        (1..=100_000).contains(&pttl),
        "MOVE keeps the TTL, got {pttl}"
    );
    assert_eq!(c.frame_line("GET b"), Frame::bulk("2"));
    assert_eq!(c.frame(&["GET", "raw2"]), Frame::bulk(&big));
    assert_eq!(c.frame_line("OBJECT ENCODING raw2"), Frame::bulk("raw"));
    // Another connection sees the swap as well.
    let mut other = s.connect();
    assert_eq!(other.frame_line("GET c"), Frame::bulk("1"));
    assert_eq!(c.frame_line("SWAPDB 1 0"), Frame::ok());
    assert_eq!(other.frame_line("GET c"), Frame::bulk("other"));
}

#[test]
fn expire_options_and_errors() {
    let s = start();
    let mut c = s.connect();
    assert_eq!(c.frame_line("SET k v"), Frame::ok());
    let cases = [
        (
            "EXPIRE k 10 nx xx",
            "ERR NX and XX, GT or LT options at the same time are not compatible",
        ),
        (
            "EXPIRE k 10 xx nx",
            "ERR NX and XX, GT or LT options at the same time are not compatible",
        ),
        (
            "EXPIRE k 10 nx gt",
            "ERR NX and XX, GT or LT options at the same time are not compatible",
        ),
        (
            "EXPIRE k 10 gt lt",
            "ERR GT and LT options at the same time are not compatible",
        ),
        ("EXPIRE k 10 foo", "ERR Unsupported option foo"),
        ("EXPIRE k abc abc", "ERR Unsupported option abc"),
        (
            "EXPIRE k abc",
            "ERR value is not an integer or out of range",
        ),
        (
            "EXPIRE k 1.5",
            "ERR value is not an integer or out of range",
        ),
        (
            "EXPIRE k 9223372036854776",
            "ERR invalid expire time in 'expire' command",
        ),
        (
            "EXPIRE k -9223372036854776",
            "ERR invalid expire time in 'expire' command",
        ),
        (
            "EXPIRE k -9223372036854775808",
            "ERR invalid expire time in 'expire' command",
        ),
        (
            "PEXPIRE k 9223372036854775807",
            "ERR invalid expire time in 'pexpire' command",
        ),
        (
            "EXPIREAT k 9223372036854776",
            "ERR invalid expire time in 'expireat' command",
        ),
        (
            "EXPIRE k",
            "ERR wrong number of arguments for 'expire' command",
        ),
    ];
    for (command, reply) in cases {
        assert_eq!(c.frame_line(command), Frame::error(reply), "{command}");
    }
    assert_eq!(c.frame_line("EXISTS k"), Frame::int(1));
    assert_eq!(c.frame_line("EXPIRE nokey 10"), Frame::int(0));
    // NX / XX / GT / LT.
    assert_eq!(c.frame_line("EXPIRE k 100 xx"), Frame::int(0));
    assert_eq!(c.frame_line("EXPIRE k 100 gt"), Frame::int(0));
    assert_eq!(c.frame_line("EXPIRE k 100 NX"), Frame::int(1));
    assert_eq!(c.frame_line("EXPIRE k 200 nx"), Frame::int(0));
    assert_eq!(c.frame_line("EXPIRE k 200 xx"), Frame::int(1));
    assert_eq!(c.frame_line("EXPIRE k 50 gt"), Frame::int(0));
    assert_eq!(c.frame_line("EXPIRE k 300 gt"), Frame::int(1));
    assert_eq!(c.frame_line("EXPIRE k 400 lt"), Frame::int(0));
    assert_eq!(c.frame_line("EXPIRE k 10 lt"), Frame::int(1));
    let ttl = c.frame_line("TTL k").int_value();
    assert!((9..=10).contains(&ttl), "{ttl}");
    assert_eq!(c.frame_line("PERSIST k"), Frame::int(1));
    assert_eq!(c.frame_line("PERSIST k"), Frame::int(0));
    assert_eq!(c.frame_line("PERSIST nokey"), Frame::int(0));
    assert_eq!(c.frame_line("EXPIRE k 10 lt"), Frame::int(1));
    // Far-future absolute times are accepted.
    assert_eq!(c.frame_line("EXPIREAT k 9223372036854775"), Frame::int(1));
    assert_eq!(
        c.frame_line("PEXPIREAT k 9223372036854775807"),
        Frame::int(1)
    );
    assert_eq!(
        c.frame_line("PEXPIRETIME k"),
        Frame::int(9_223_372_036_854_775_807)
    );
    assert_eq!(
        c.frame_line("EXPIRETIME k"),
        Frame::int(9_223_372_036_854_776)
    );
    assert_eq!(
        c.frame_line("PEXPIREAT k 9223372036854775807 lt"),
        Frame::int(0)
    );
    // A time in the past or now deletes the key at once, whatever the form.
    for command in [
        "EXPIRE k -1",
        "EXPIRE k 0 nx",
        "PEXPIRE k -9223372036854775808",
        "EXPIREAT k 0",
        "PEXPIREAT k 1",
    ] {
        assert_eq!(c.frame_line("SET k v"), Frame::ok());
        assert_eq!(c.frame_line(command), Frame::int(1), "{command}");
        assert_eq!(c.frame_line("EXISTS k"), Frame::int(0), "{command}");
        assert_eq!(c.frame_line("DBSIZE"), Frame::int(0), "{command}");
    }
    assert_eq!(c.frame_line("SET k v"), Frame::ok());
    assert_eq!(c.frame_line("EXPIRE k 100"), Frame::int(1));
    assert_eq!(c.frame_line("EXPIRE k -5 gt"), Frame::int(0));
    assert_eq!(c.frame_line("EXPIRE k -5 lt"), Frame::int(1));
    assert_eq!(c.frame_line("EXISTS k"), Frame::int(0));
}

#[test]
fn ttl_family() {
    let s = start();
    let mut c = s.connect();
    for command in [
        "TTL nokey",
        "PTTL nokey",
        "EXPIRETIME nokey",
        "PEXPIRETIME nokey",
    ] {
        assert_eq!(c.frame_line(command), Frame::int(-2), "{command}");
    }
    assert_eq!(c.frame_line("SET k v"), Frame::ok());
    for command in ["TTL k", "PTTL k", "EXPIRETIME k", "PEXPIRETIME k"] {
        assert_eq!(c.frame_line(command), Frame::int(-1), "{command}");
    }
    assert_eq!(c.frame_line("PEXPIREAT k 4102444800123"), Frame::int(1));
    assert_eq!(c.frame_line("PEXPIRETIME k"), Frame::int(4_102_444_800_123));
    assert_eq!(c.frame_line("EXPIRETIME k"), Frame::int(4_102_444_800));
    assert_eq!(c.frame_line("PEXPIREAT k 4102444800500"), Frame::int(1));
    assert_eq!(c.frame_line("EXPIRETIME k"), Frame::int(4_102_444_801));
    assert_eq!(c.frame_line("EXPIRE k 100"), Frame::int(1));
    let ttl = c.frame_line("TTL k").int_value();
    assert!((99..=100).contains(&ttl), "{ttl}");
    let pttl = c.frame_line("PTTL k").int_value();
    assert!((1..=100_000).contains(&pttl), "{pttl}");
    // SET without KEEPTTL clears the expire.
    assert_eq!(c.frame_line("SET k v2"), Frame::ok());
    assert_eq!(c.frame_line("TTL k"), Frame::int(-1));
}

#[test]
fn keys_and_glob_patterns() {
    let s = start();
    let mut c = s.connect();
    for k in ["", "a", "ab", "a*", "[", "b", "-", "x]", "\\"] {
        assert_eq!(c.frame(&["SET", k, "1"]), Frame::ok());
    }
    let keys = |c: &mut RawClient, p: &str| sorted(&c.frame(&["KEYS", p]));
    assert_eq!(
        keys(&mut c, "*"),
        ["", "-", "[", "\\", "a", "a*", "ab", "b", "x]"]
    );
    assert_eq!(
        keys(&mut c, "**"),
        ["-", "[", "\\", "a", "a*", "ab", "b", "x]"]
    );
    assert_eq!(keys(&mut c, "a*"), ["a", "a*", "ab"]);
    assert_eq!(keys(&mut c, "?"), ["-", "[", "\\", "a", "b"]);
    assert_eq!(keys(&mut c, "[^a]"), ["-", "[", "\\", "b"]);
    assert_eq!(keys(&mut c, "[b-a]"), ["a", "b"]);
    assert_eq!(keys(&mut c, "a\\*"), ["a*"]);
    assert_eq!(keys(&mut c, "[a-]"), ["a"]);
    assert_eq!(keys(&mut c, "[-a]"), ["-", "a"]);
    assert!(keys(&mut c, "[").is_empty());
    assert!(keys(&mut c, "*[").is_empty());
    assert_eq!(
        c.frame_line("KEYS"),
        Frame::error("ERR wrong number of arguments for 'keys' command")
    );
    // SCAN MATCH uses the same matcher.
    let mut scanned = scan_all(&mut c, &["MATCH", "[ab]*", "COUNT", "3"]);
    scanned.sort();
    assert_eq!(scanned, ["a", "a*", "ab", "b"]);
    // A hostile pattern is answered promptly.
    let long_key = "a".repeat(5000);
    assert_eq!(c.frame(&["SET", long_key.as_str(), "1"]), Frame::ok());
    let hostile = format!("{}b", "*a".repeat(500));
    assert_eq!(c.frame(&["KEYS", hostile.as_str()]), Frame::array(vec![]));
    // Expired keys are not listed, even before anything reclaims them.
    assert_eq!(c.frame_line("FLUSHALL"), Frame::ok());
    assert_eq!(c.frame_line("SET live 1"), Frame::ok());
    assert_eq!(c.frame_line("SET gone 1 PX 1"), Frame::ok());
    wait_expired(&mut c);
    assert_eq!(sorted(&c.frame_line("KEYS *")), ["live"]);
}

#[test]
fn scan_options_and_errors() {
    let s = start();
    let mut c = s.connect();
    let cases = [
        ("SCAN abc", "ERR invalid cursor"),
        ("SCAN 18446744073709551616", "ERR invalid cursor"),
        ("SCAN 1.5", "ERR invalid cursor"),
        ("SCAN 1 COUNT 0", "ERR syntax error"),
        ("SCAN 0 COUNT -1", "ERR syntax error"),
        (
            "SCAN 0 COUNT abc",
            "ERR value is not an integer or out of range",
        ),
        ("SCAN 0 COUNT", "ERR syntax error"),
        ("SCAN 0 MATCH", "ERR syntax error"),
        ("SCAN 0 TYPE", "ERR syntax error"),
        ("SCAN 0 foo bar", "ERR syntax error"),
        ("SCAN", "ERR wrong number of arguments for 'scan' command"),
    ];
    for (command, reply) in cases {
        assert_eq!(c.frame_line(command), Frame::error(reply), "{command}");
    }
    assert_eq!(c.frame(&["SCAN", " 1"]), Frame::error("ERR invalid cursor"));
    let empty = Frame::array(vec![Frame::bulk("0"), Frame::array(vec![])]);
    for cursor in ["0", "-1", "+5", "", "007", "18446744073709551615"] {
        assert_eq!(c.frame(&["SCAN", cursor]), empty, "cursor {cursor:?}");
    }
    assert_eq!(c.frame_line("SCAN 0 COUNT 9223372036854775807"), empty);
    assert_eq!(c.frame_line("SET solo 1"), Frame::ok());
    assert_eq!(
        c.frame_line("SCAN 0"),
        Frame::array(vec![
            Frame::bulk("0"),
            Frame::array(vec![Frame::bulk("solo")])
        ])
    );
    assert_eq!(c.frame_line("DEL solo"), Frame::int(1));
    let batch: Vec<_> = (0..300)
        .map(|i| set_cmd(format!("k:{i}"), &i.to_string(), &[]))
        .collect();
    assert!(c.pipeline(&batch).iter().all(|r| *r == Frame::ok()));
    // A small database comes back in one call when COUNT covers it, as in Redis.
    let reply = c.frame_line("SCAN 0 COUNT 1000");
    let reply = reply.items();
    assert_eq!(reply[0], Frame::bulk("0"));
    assert_eq!(sorted(&reply[1]).len(), 300);
    let all = scan_all(&mut c, &["COUNT", "7"]);
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), 300);
    assert_eq!(
        scan_all(&mut c, &["TYPE", "string", "COUNT", "1000"]).len(),
        300
    );
    assert_eq!(scan_all(&mut c, &["type", "STRING"]).len(), 300);
    assert!(scan_all(&mut c, &["TYPE", "nosuch"]).is_empty());
    assert!(scan_all(&mut c, &["TYPE", "list"]).is_empty());
    let mut matched = scan_all(&mut c, &["MATCH", "k:1?", "COUNT", "5", "MATCH", "k:2?"]);
    matched.sort();
    assert_eq!(matched.len(), 10);
    assert!(matched.iter().all(|k| k.starts_with("k:2")));
}

#[test]
fn object_subcommands() {
    let s = start();
    let mut c = s.connect();
    assert_eq!(c.frame_line("SET a 100"), Frame::ok());
    assert_eq!(c.frame_line("SET c 10000"), Frame::ok());
    assert_eq!(c.frame_line("SET d -1"), Frame::ok());
    assert_eq!(c.frame_line("SET e abc"), Frame::ok());
    assert_eq!(c.frame_line("SET i 00"), Frame::ok());
    let big = "v".repeat(45);
    assert_eq!(c.frame(&["SET", "r", big.as_str()]), Frame::ok());
    assert_eq!(c.frame_line("OBJECT ENCODING a"), Frame::bulk("int"));
    assert_eq!(c.frame_line("OBJECT ENCODING e"), Frame::bulk("embstr"));
    assert_eq!(c.frame_line("OBJECT ENCODING i"), Frame::bulk("embstr"));
    assert_eq!(c.frame_line("OBJECT ENCODING r"), Frame::bulk("raw"));
    assert_eq!(c.frame_line("object encoding nokey"), Frame::nil());
    assert_eq!(c.frame_line("OBJECT REFCOUNT a"), Frame::int(2_147_483_647));
    assert_eq!(c.frame_line("OBJECT REFCOUNT c"), Frame::int(1));
    assert_eq!(c.frame_line("OBJECT REFCOUNT d"), Frame::int(1));
    assert_eq!(c.frame_line("OBJECT REFCOUNT e"), Frame::int(1));
    assert_eq!(c.frame_line("OBJECT REFCOUNT i"), Frame::int(1));
    assert_eq!(c.frame_line("OBJECT REFCOUNT nokey"), Frame::nil());
    let idle = c.frame_line("OBJECT IDLETIME a").int_value();
    assert!((0..=2).contains(&idle), "{idle}");
    assert_eq!(c.frame_line("OBJECT IDLETIME nokey"), Frame::nil());
    assert_eq!(c.frame_line("OBJECT FREQ nokey"), Frame::nil());
    assert_eq!(
        c.frame_line("OBJECT FREQ a"),
        Frame::error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
    );
    assert_eq!(
        c.frame_line("OBJECT foo"),
        Frame::error("ERR unknown subcommand 'foo'. Try OBJECT HELP.")
    );
    assert_eq!(
        c.frame_line("OBJECT"),
        Frame::error("ERR wrong number of arguments for 'object' command")
    );
    assert_eq!(
        c.frame_line("OBJECT ENCODING"),
        Frame::error("ERR wrong number of arguments for 'object|encoding' command")
    );
    assert_eq!(
        c.frame_line("OBJECT HELP extra"),
        Frame::error("ERR wrong number of arguments for 'object|help' command")
    );
    let help = c.frame_line("OBJECT HELP");
    let help = help.items();
    assert_eq!(help.len(), 15);
    assert_eq!(
        help[0],
        Frame::simple("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
    );
    assert_eq!(help[14], Frame::simple("    Prints this help."));
}

#[test]
fn flush_dbsize_randomkey() {
    let s = start();
    let mut c = s.connect();
    assert_eq!(c.frame_line("RANDOMKEY"), Frame::nil());
    assert_eq!(c.frame_line("DBSIZE"), Frame::int(0));
    assert_eq!(c.frame_line("SET only 1"), Frame::ok());
    assert_eq!(c.frame_line("RANDOMKEY"), Frame::bulk("only"));
    let batch: Vec<_> = (0..1000)
        .map(|i| set_cmd(format!("k{i}"), "v", &[]))
        .collect();
    c.pipeline(&batch);
    assert_eq!(c.frame_line("DBSIZE"), Frame::int(1001));
    let mut seen = HashSet::new();
    for _ in 0..50 {
        let k = c.frame_line("RANDOMKEY").text();
        seen.insert(k);
    }
    assert!(
        seen.len() > 10,
        "RANDOMKEY should spread, saw {}",
        seen.len()
    );
    assert_eq!(
        c.frame_line("FLUSHDB foo"),
        Frame::error("ERR syntax error")
    );
    assert_eq!(
        c.frame_line("FLUSHDB async extra"),
        Frame::error("ERR syntax error")
    );
    assert_eq!(
        c.frame_line("FLUSHALL foo"),
        Frame::error("ERR syntax error")
    );
    assert_eq!(
        c.frame_line("DBSIZE extra"),
        Frame::error("ERR wrong number of arguments for 'dbsize' command")
    );
    // Keys in db 1 survive FLUSHDB on db 0, and FLUSHALL takes them.
    assert_eq!(c.frame_line("MOVE only 1"), Frame::int(1));
    assert_eq!(c.frame_line("FLUSHDB"), Frame::ok());
    assert_eq!(c.frame_line("DBSIZE"), Frame::int(0));
    assert_eq!(c.frame_line("SWAPDB 0 1"), Frame::ok());
    assert_eq!(c.frame_line("DBSIZE"), Frame::int(1));
    c.pipeline(&batch);
    assert_eq!(c.frame_line("FLUSHDB ASYNC"), Frame::ok());
    assert_eq!(c.frame_line("DBSIZE"), Frame::int(0));
    c.pipeline(&batch);
    assert_eq!(c.frame_line("FLUSHDB sync"), Frame::ok());
    assert_eq!(c.frame_line("DBSIZE"), Frame::int(0));
    c.pipeline(&batch);
    assert_eq!(c.frame_line("SWAPDB 0 1"), Frame::ok());
    assert_eq!(c.frame_line("DBSIZE"), Frame::int(0));
    assert_eq!(c.frame_line("SWAPDB 0 1"), Frame::ok());
    assert_eq!(c.frame_line("DBSIZE"), Frame::int(1000));
    assert_eq!(c.frame_line("FLUSHALL async"), Frame::ok());
    assert_eq!(c.frame_line("DBSIZE"), Frame::int(0));
    assert_eq!(c.frame_line("SWAPDB 0 1"), Frame::ok());
    assert_eq!(c.frame_line("DBSIZE"), Frame::int(0));
    assert_eq!(c.frame_line("RANDOMKEY"), Frame::nil());
    // All keys expired: RANDOMKEY reclaims them and finds nothing.
    let volatile: Vec<_> = (0..200)
        .map(|i| set_cmd(format!("t{i}"), "v", &["PX", "1"]))
        .collect();
    c.pipeline(&volatile);
    wait_expired(&mut c);
    assert_eq!(c.frame_line("RANDOMKEY"), Frame::nil());
}

/// SCAN's guarantee: a key present for the whole iteration is returned at least
/// once, even while other clients add and remove many keys (making tables grow).
#[test]
fn scan_guarantee_under_concurrent_writes() {
    let s = start();
    let mut setup = s.connect();
    let stable: Vec<String> = (0..3000).map(|i| format!("stable:{i}")).collect();
    let mut batch: Vec<_> = stable
        .iter()
        .map(|k| set_cmd(k.clone(), "v", &[]))
        .collect();
    batch.extend((0..3000).map(|i| set_cmd(format!("victim:{i}"), "v", &[])));
    assert!(setup.pipeline(&batch).iter().all(|r| *r == Frame::ok()));

    let done = Arc::new(AtomicBool::new(false));
    let rounds = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let mut conn = s.connect();
            let done = done.clone();
            let rounds = rounds.clone();
            thread::spawn(move || {
                let mut written = 0usize;
                for round in 0..200 {
                    if done.load(Ordering::Relaxed) && round > 2 {
                        break;
                    }
                    let mut cmds = Vec::new();
                    for i in 0..100 {
                        let n = round * 100 + i;
                        cmds.push(set_cmd(format!("new:{w}:{n}"), "v", &[]));
                        if n % 2 == 0 {
                            cmds.push(vec![
                                "DEL".to_string(),
                                format!("victim:{}", (n / 2) * 3 + w),
                            ]);
                        }
                    }
                    conn.pipeline(&cmds);
                    written += 100;
                    rounds.fetch_add(1, Ordering::Relaxed);
                }
                written
            })
        })
        .collect();

    // Start scanning once writes are flowing.
    let deadline = Instant::now() + Duration::from_secs(30);
    while rounds.load(Ordering::Relaxed) < 3 {
        assert!(Instant::now() < deadline, "writers did not start");
        thread::yield_now();
    }
    let mut scanner = s.connect();
    let seen: HashSet<String> = scan_all(&mut scanner, &["COUNT", "3"])
        .into_iter()
        .collect();
    done.store(true, Ordering::Relaxed);
    let written: usize = writers.into_iter().map(|h| h.join().expect("writer")).sum();
    assert!(written >= 900, "writers made progress: {written}");
    let missing: Vec<&String> = stable.iter().filter(|k| !seen.contains(*k)).collect();
    assert!(
        missing.is_empty(),
        "SCAN missed {} stable keys, e.g. {:?}",
        missing.len(),
        missing.first()
    );
}

/// Keys with short expires that nobody reads are reclaimed by active expiry.
#[test]
fn active_expiry_reclaims_unread_keys() {
    let s = start();
    let mut c = s.connect();
    let mut batch: Vec<_> = (0..5000)
        .map(|i| set_cmd(format!("vol:{i}"), "v", &["PX", &(1 + i % 50).to_string()]))
        .collect();
    batch.extend((0..10).map(|i| set_cmd(format!("keep:{i}"), "v", &[])));
    assert!(c.pipeline(&batch).iter().all(|r| *r == Frame::ok()));
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut size = c.frame_line("DBSIZE").int_value();
    while size > 10 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(50));
        size = c.frame_line("DBSIZE").int_value();
    }
    assert_eq!(
        size, 10,
        "active expiry should have removed every volatile key"
    );
    assert_eq!(sorted(&c.frame_line("KEYS keep:*")).len(), 10);
}
