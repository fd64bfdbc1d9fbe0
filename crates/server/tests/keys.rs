//! Integration tests for the generic keyspace commands, over TCP against the real
//! binary. Expected replies (including error texts) were taken from redis-server.

mod support;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

/// The server under test (killed on drop by the support module).
struct Server {
    _child: support::ServerProcess,
    port: u16,
}

impl Server {
    fn start() -> Server {
        let child = support::start_cinnabar(&["--worker-threads", "4"]);
        Server {
            port: child.port(),
            _child: child,
        }
    }

    fn conn(&self) -> Conn {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        let _ = stream.set_nodelay(true);
        Conn {
            reader: BufReader::new(stream.try_clone().expect("clone")),
            writer: stream,
        }
    }
}

/// A decoded RESP2 reply.
#[derive(Debug, Clone, PartialEq, Eq)]
enum R {
    Simple(String),
    Err(String),
    Int(i64),
    Bulk(Vec<u8>),
    Nil,
    Arr(Vec<R>),
}

fn ok() -> R {
    R::Simple("OK".into())
}

fn int(n: i64) -> R {
    R::Int(n)
}

fn bulk(s: &str) -> R {
    R::Bulk(s.as_bytes().to_vec())
}

fn err(s: &str) -> R {
    R::Err(s.into())
}

impl R {
    fn as_int(&self) -> i64 {
        match self {
            R::Int(n) => *n,
            other => panic!("expected an integer, got {other:?}"),
        }
    }

    /// The members of an array of bulk strings, sorted.
    fn sorted(&self) -> Vec<String> {
        let R::Arr(items) = self else {
            panic!("expected an array, got {self:?}")
        };
        let mut v: Vec<String> = items
            .iter()
            .map(|i| match i {
                R::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
                other => panic!("expected bulk, got {other:?}"),
            })
            .collect();
        v.sort();
        v
    }
}

/// A minimal RESP client, so error texts can be compared exactly.
struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn send<A: AsRef<[u8]>>(&mut self, args: &[A]) {
        let mut out = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            let a = a.as_ref();
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
        self.writer.write_all(&out).expect("write");
    }

    fn read(&mut self) -> R {
        let mut line = Vec::new();
        self.reader.read_until(b'\n', &mut line).expect("read");
        assert!(line.ends_with(b"\r\n"), "truncated reply {line:?}");
        let text = String::from_utf8_lossy(&line[1..line.len() - 2]).into_owned();
        match line[0] {
            b'+' => R::Simple(text),
            b'-' => R::Err(text),
            b':' => R::Int(text.parse().expect("int")),
            b'$' => {
                let n: i64 = text.parse().expect("len");
                if n < 0 {
                    return R::Nil;
                }
                let mut buf = vec![0; n as usize + 2];
                self.reader.read_exact(&mut buf).expect("bulk");
                buf.truncate(n as usize);
                R::Bulk(buf)
            }
            b'*' => {
                let n: i64 = text.parse().expect("count");
                if n < 0 {
                    return R::Nil;
                }
                R::Arr((0..n).map(|_| self.read()).collect())
            }
            other => panic!("unexpected reply type {}", other as char),
        }
    }

    fn cmd<A: AsRef<[u8]>>(&mut self, args: &[A]) -> R {
        self.send(args);
        self.read()
    }

    /// Runs a command given as one space-separated string.
    fn c(&mut self, line: &str) -> R {
        let args: Vec<&str> = line.split(' ').collect();
        self.cmd(&args)
    }

    /// Sends many commands, then reads all replies.
    fn pipeline(&mut self, commands: &[Vec<String>]) -> Vec<R> {
        for chunk in commands.chunks(500) {
            for c in chunk {
                self.send(c);
            }
        }
        (0..commands.len()).map(|_| self.read()).collect()
    }

    /// A complete SCAN iteration with the given options; keys in order seen.
    fn scan_all(&mut self, opts: &[&str]) -> Vec<String> {
        let mut cursor = "0".to_string();
        let mut keys = Vec::new();
        for _ in 0..10_000_000 {
            let mut args = vec!["SCAN", cursor.as_str()];
            args.extend_from_slice(opts);
            let R::Arr(parts) = self.cmd(&args) else {
                panic!("bad SCAN reply")
            };
            let (R::Bulk(next), R::Arr(found)) = (&parts[0], &parts[1]) else {
                panic!("bad SCAN reply")
            };
            for k in found {
                let R::Bulk(k) = k else { panic!("bad key") };
                keys.push(String::from_utf8_lossy(k).into_owned());
            }
            cursor = String::from_utf8_lossy(next).into_owned();
            if cursor == "0" {
                return keys;
            }
        }
        panic!("SCAN did not finish");
    }
}

/// Sets a probe key with a 1 ms expire after the keys under test were written,
/// and waits until it reads as gone: by then every key written earlier with a
/// 1 ms expire is logically expired too (without having been read).
fn wait_expired(c: &mut Conn) {
    assert_eq!(c.c("SET probe 1 PX 1"), ok());
    let deadline = Instant::now() + Duration::from_secs(10);
    while c.c("PTTL probe") != int(-2) {
        assert!(Instant::now() < deadline, "probe key never expired");
        thread::yield_now();
    }
}

#[test]
fn del_unlink_exists_type_touch() {
    let s = Server::start();
    let mut c = s.conn();
    assert_eq!(c.c("SET a 1"), ok());
    assert_eq!(c.c("SET b hello"), ok());
    assert_eq!(c.c("EXISTS a b nokey a"), int(3));
    assert_eq!(c.c("TYPE a"), R::Simple("string".into()));
    assert_eq!(c.c("TYPE nokey"), R::Simple("none".into()));
    assert_eq!(c.c("TOUCH a b c"), int(2));
    assert_eq!(c.c("DEL a nokey a"), int(1));
    assert_eq!(c.c("UNLINK b a"), int(1));
    assert_eq!(c.c("EXISTS a b"), int(0));
    assert_eq!(c.c("UNLINK a b"), int(0));
    assert_eq!(
        c.c("DEL"),
        err("ERR wrong number of arguments for 'del' command")
    );
    assert_eq!(
        c.c("TYPE"),
        err("ERR wrong number of arguments for 'type' command")
    );
    assert_eq!(
        c.c("TOUCH"),
        err("ERR wrong number of arguments for 'touch' command")
    );
}

#[test]
fn rename_and_renamenx() {
    let s = Server::start();
    let mut c = s.conn();
    assert_eq!(c.c("RENAME a b"), err("ERR no such key"));
    assert_eq!(c.c("RENAMENX a b"), err("ERR no such key"));
    assert_eq!(c.c("SET a 1"), ok());
    assert_eq!(c.c("RENAME a a"), ok());
    assert_eq!(c.c("RENAMENX a a"), int(0));
    assert_eq!(c.c("SET b 2"), ok());
    assert_eq!(c.c("RENAMENX a b"), int(0));
    assert_eq!(c.c("PEXPIRE a 100000"), int(1));
    assert_eq!(c.c("RENAME a c"), ok());
    let pttl = c.c("PTTL c").as_int();
    assert!(
        (1..=100_000).contains(&pttl),
        "RENAME keeps the TTL, got {pttl}"
    );
    assert_eq!(c.c("GET c"), bulk("1"));
    assert_eq!(c.c("EXISTS a"), int(0));
    // Overwriting takes the source's (absent) TTL, not the destination's.
    assert_eq!(c.c("EXPIRE b 1000"), int(1));
    assert_eq!(c.c("SET d plain"), ok());
    assert_eq!(c.c("RENAME d b"), ok());
    assert_eq!(c.c("TTL b"), int(-1));
    assert_eq!(c.c("GET b"), bulk("plain"));
    assert_eq!(c.c("RENAMENX b fresh"), int(1));
    assert_eq!(c.c("GET fresh"), bulk("plain"));
    let long = "x".repeat(300);
    assert_eq!(c.cmd(&["RENAME", "fresh", long.as_str()]), ok());
    assert_eq!(c.cmd(&["GET", long.as_str()]), bulk("plain"));
}

#[test]
fn move_copy_and_swapdb() {
    let s = Server::start();
    let mut c = s.conn();
    assert_eq!(c.c("SET c 1"), ok());
    assert_eq!(c.c("PEXPIRE c 100000"), int(1));
    assert_eq!(
        c.c("MOVE c 0"),
        err("ERR source and destination objects are the same")
    );
    assert_eq!(c.c("MOVE c 16"), err("ERR DB index is out of range"));
    assert_eq!(c.c("MOVE c -1"), err("ERR DB index is out of range"));
    assert_eq!(
        c.c("MOVE c x"),
        err("ERR value is not an integer or out of range")
    );
    let range = "ERR value is out of range, value must between -2147483648 and 2147483647";
    assert_eq!(c.c("MOVE c 4294967296"), err(range));
    assert_eq!(c.c("MOVE c -2147483649"), err(range));
    assert_eq!(
        c.c("MOVE c 99999999999999999999"),
        err("ERR value is not an integer or out of range")
    );
    assert_eq!(c.c("COPY c x DB 2147483648"), err(range));
    assert_eq!(c.c("MOVE nokey 1"), int(0));
    assert_eq!(c.c("MOVE c 1"), int(1));
    assert_eq!(c.c("EXISTS c"), int(0));
    assert_eq!(c.c("SET c other"), ok());
    // Db 1 already has "c".
    assert_eq!(c.c("MOVE c 1"), int(0));

    assert_eq!(c.c("SET b 2"), ok());
    assert_eq!(
        c.c("COPY b b"),
        err("ERR source and destination objects are the same")
    );
    assert_eq!(
        c.c("COPY b b DB 0"),
        err("ERR source and destination objects are the same")
    );
    assert_eq!(c.c("COPY b x DB"), err("ERR syntax error"));
    assert_eq!(c.c("COPY b x DB 16"), err("ERR DB index is out of range"));
    assert_eq!(
        c.c("COPY b x DB abc"),
        err("ERR value is not an integer or out of range")
    );
    assert_eq!(c.c("COPY b x foo"), err("ERR syntax error"));
    assert_eq!(c.c("COPY nokey x"), int(0));
    assert_eq!(c.c("COPY b x replace REPLACE"), int(1));
    assert_eq!(c.c("SET x 5"), ok());
    assert_eq!(c.c("COPY b x"), int(0));
    assert_eq!(c.c("GET x"), bulk("5"));
    assert_eq!(c.c("EXPIRE b 500"), int(1));
    assert_eq!(c.c("COPY b x REPLACE"), int(1));
    assert_eq!(c.c("GET x"), bulk("2"));
    let ttl = c.c("TTL x").as_int();
    assert!((1..=500).contains(&ttl), "COPY copies the TTL, got {ttl}");
    assert_eq!(c.c("COPY b b DB 1"), int(1));
    // The last DB option wins: "x" exists in db 0.
    assert_eq!(c.c("COPY b x DB 1 DB 0"), int(0));
    let big = "v".repeat(100);
    assert_eq!(c.cmd(&["SET", "raw", big.as_str()]), ok());
    assert_eq!(c.c("COPY raw raw2 DB 1"), int(1));

    assert_eq!(c.c("SWAPDB 0 16"), err("ERR DB index is out of range"));
    assert_eq!(c.c("SWAPDB -1 0"), err("ERR DB index is out of range"));
    assert_eq!(c.c("SWAPDB a 1"), err("ERR invalid first DB index"));
    assert_eq!(c.c("SWAPDB 0 a"), err("ERR invalid second DB index"));
    assert_eq!(
        c.c("SWAPDB 2147483648 0"),
        err("ERR invalid first DB index")
    );
    assert_eq!(c.c("SWAPDB 0 0"), ok());
    assert_eq!(c.c("DBSIZE"), int(4));
    // Look at db 1 through SWAPDB (it now holds the moved and copied keys).
    assert_eq!(c.c("SWAPDB 0 1"), ok());
    assert_eq!(c.c("DBSIZE"), int(3));
    assert_eq!(c.c("GET c"), bulk("1"));
    let pttl = c.c("PTTL c").as_int();
    assert!(
        (1..=100_000).contains(&pttl),
        "MOVE keeps the TTL, got {pttl}"
    );
    assert_eq!(c.c("GET b"), bulk("2"));
    assert_eq!(c.cmd(&["GET", "raw2"]), R::Bulk(big.clone().into_bytes()));
    assert_eq!(c.c("OBJECT ENCODING raw2"), bulk("raw"));
    // Another connection sees the swap as well.
    let mut other = s.conn();
    assert_eq!(other.c("GET c"), bulk("1"));
    assert_eq!(c.c("SWAPDB 1 0"), ok());
    assert_eq!(other.c("GET c"), bulk("other"));
}

#[test]
fn expire_options_and_errors() {
    let s = Server::start();
    let mut c = s.conn();
    assert_eq!(c.c("SET k v"), ok());
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
        assert_eq!(c.c(command), err(reply), "{command}");
    }
    assert_eq!(c.c("EXISTS k"), int(1));
    assert_eq!(c.c("EXPIRE nokey 10"), int(0));
    // NX / XX / GT / LT.
    assert_eq!(c.c("EXPIRE k 100 xx"), int(0));
    assert_eq!(c.c("EXPIRE k 100 gt"), int(0));
    assert_eq!(c.c("EXPIRE k 100 NX"), int(1));
    assert_eq!(c.c("EXPIRE k 200 nx"), int(0));
    assert_eq!(c.c("EXPIRE k 200 xx"), int(1));
    assert_eq!(c.c("EXPIRE k 50 gt"), int(0));
    assert_eq!(c.c("EXPIRE k 300 gt"), int(1));
    assert_eq!(c.c("EXPIRE k 400 lt"), int(0));
    assert_eq!(c.c("EXPIRE k 10 lt"), int(1));
    let ttl = c.c("TTL k").as_int();
    assert!((9..=10).contains(&ttl), "{ttl}");
    assert_eq!(c.c("PERSIST k"), int(1));
    assert_eq!(c.c("PERSIST k"), int(0));
    assert_eq!(c.c("PERSIST nokey"), int(0));
    assert_eq!(c.c("EXPIRE k 10 lt"), int(1));
    // Far-future absolute times are accepted.
    assert_eq!(c.c("EXPIREAT k 9223372036854775"), int(1));
    assert_eq!(c.c("PEXPIREAT k 9223372036854775807"), int(1));
    assert_eq!(c.c("PEXPIRETIME k"), int(9_223_372_036_854_775_807));
    assert_eq!(c.c("EXPIRETIME k"), int(9_223_372_036_854_776));
    assert_eq!(c.c("PEXPIREAT k 9223372036854775807 lt"), int(0));
    // A time in the past or now deletes the key at once, whatever the form.
    for command in [
        "EXPIRE k -1",
        "EXPIRE k 0 nx",
        "PEXPIRE k -9223372036854775808",
        "EXPIREAT k 0",
        "PEXPIREAT k 1",
    ] {
        assert_eq!(c.c("SET k v"), ok());
        assert_eq!(c.c(command), int(1), "{command}");
        assert_eq!(c.c("EXISTS k"), int(0), "{command}");
        assert_eq!(c.c("DBSIZE"), int(0), "{command}");
    }
    assert_eq!(c.c("SET k v"), ok());
    assert_eq!(c.c("EXPIRE k 100"), int(1));
    assert_eq!(c.c("EXPIRE k -5 gt"), int(0));
    assert_eq!(c.c("EXPIRE k -5 lt"), int(1));
    assert_eq!(c.c("EXISTS k"), int(0));
}

#[test]
fn ttl_family() {
    let s = Server::start();
    let mut c = s.conn();
    for command in [
        "TTL nokey",
        "PTTL nokey",
        "EXPIRETIME nokey",
        "PEXPIRETIME nokey",
    ] {
        assert_eq!(c.c(command), int(-2), "{command}");
    }
    assert_eq!(c.c("SET k v"), ok());
    for command in ["TTL k", "PTTL k", "EXPIRETIME k", "PEXPIRETIME k"] {
        assert_eq!(c.c(command), int(-1), "{command}");
    }
    assert_eq!(c.c("PEXPIREAT k 4102444800123"), int(1));
    assert_eq!(c.c("PEXPIRETIME k"), int(4_102_444_800_123));
    assert_eq!(c.c("EXPIRETIME k"), int(4_102_444_800));
    assert_eq!(c.c("PEXPIREAT k 4102444800500"), int(1));
    assert_eq!(c.c("EXPIRETIME k"), int(4_102_444_801));
    assert_eq!(c.c("EXPIRE k 100"), int(1));
    let ttl = c.c("TTL k").as_int();
    assert!((99..=100).contains(&ttl), "{ttl}");
    let pttl = c.c("PTTL k").as_int();
    assert!((1..=100_000).contains(&pttl), "{pttl}");
    // SET without KEEPTTL clears the expire.
    assert_eq!(c.c("SET k v2"), ok());
    assert_eq!(c.c("TTL k"), int(-1));
}

#[test]
fn keys_and_glob_patterns() {
    let s = Server::start();
    let mut c = s.conn();
    for k in ["", "a", "ab", "a*", "[", "b", "-", "x]", "\\"] {
        assert_eq!(c.cmd(&["SET", k, "1"]), ok());
    }
    let keys = |c: &mut Conn, p: &str| c.cmd(&["KEYS", p]).sorted();
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
        c.c("KEYS"),
        err("ERR wrong number of arguments for 'keys' command")
    );
    // SCAN MATCH uses the same matcher.
    let mut scanned = c.scan_all(&["MATCH", "[ab]*", "COUNT", "3"]);
    scanned.sort();
    assert_eq!(scanned, ["a", "a*", "ab", "b"]);
    // A hostile pattern is answered promptly.
    let long_key = "a".repeat(5000);
    assert_eq!(c.cmd(&["SET", long_key.as_str(), "1"]), ok());
    let hostile = format!("{}b", "*a".repeat(500));
    assert_eq!(c.cmd(&["KEYS", hostile.as_str()]), R::Arr(vec![]));
    // Expired keys are not listed, even before anything reclaims them.
    assert_eq!(c.c("FLUSHALL"), ok());
    assert_eq!(c.c("SET live 1"), ok());
    assert_eq!(c.c("SET gone 1 PX 1"), ok());
    wait_expired(&mut c);
    assert_eq!(c.c("KEYS *").sorted(), ["live"]);
}

#[test]
fn scan_options_and_errors() {
    let s = Server::start();
    let mut c = s.conn();
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
        assert_eq!(c.c(command), err(reply), "{command}");
    }
    assert_eq!(c.cmd(&["SCAN", " 1"]), err("ERR invalid cursor"));
    let empty = R::Arr(vec![bulk("0"), R::Arr(vec![])]);
    for cursor in ["0", "-1", "+5", "", "007", "18446744073709551615"] {
        assert_eq!(c.cmd(&["SCAN", cursor]), empty, "cursor {cursor:?}");
    }
    assert_eq!(c.c("SCAN 0 COUNT 9223372036854775807"), empty);
    assert_eq!(c.c("SET solo 1"), ok());
    assert_eq!(
        c.c("SCAN 0"),
        R::Arr(vec![bulk("0"), R::Arr(vec![bulk("solo")])])
    );
    assert_eq!(c.c("DEL solo"), int(1));
    let mut batch = Vec::new();
    for i in 0..300 {
        batch.push(vec!["SET".to_string(), format!("k:{i}"), i.to_string()]);
    }
    assert!(c.pipeline(&batch).iter().all(|r| *r == ok()));
    // A small database comes back in one call when COUNT covers it, as in Redis.
    let R::Arr(reply) = c.c("SCAN 0 COUNT 1000") else {
        panic!("SCAN")
    };
    assert_eq!(reply[0], bulk("0"));
    assert_eq!(reply[1].sorted().len(), 300);
    let all = c.scan_all(&["COUNT", "7"]);
    let unique: HashSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), 300);
    assert_eq!(c.scan_all(&["TYPE", "string", "COUNT", "1000"]).len(), 300);
    assert_eq!(c.scan_all(&["type", "STRING"]).len(), 300);
    assert!(c.scan_all(&["TYPE", "nosuch"]).is_empty());
    assert!(c.scan_all(&["TYPE", "list"]).is_empty());
    let mut matched = c.scan_all(&["MATCH", "k:1?", "COUNT", "5", "MATCH", "k:2?"]);
    matched.sort();
    assert_eq!(matched.len(), 10);
    assert!(matched.iter().all(|k| k.starts_with("k:2")));
}

#[test]
fn object_subcommands() {
    let s = Server::start();
    let mut c = s.conn();
    assert_eq!(c.c("SET a 100"), ok());
    assert_eq!(c.c("SET c 10000"), ok());
    assert_eq!(c.c("SET d -1"), ok());
    assert_eq!(c.c("SET e abc"), ok());
    assert_eq!(c.c("SET i 00"), ok());
    let big = "v".repeat(45);
    assert_eq!(c.cmd(&["SET", "r", big.as_str()]), ok());
    assert_eq!(c.c("OBJECT ENCODING a"), bulk("int"));
    assert_eq!(c.c("OBJECT ENCODING e"), bulk("embstr"));
    assert_eq!(c.c("OBJECT ENCODING i"), bulk("embstr"));
    assert_eq!(c.c("OBJECT ENCODING r"), bulk("raw"));
    assert_eq!(c.c("object encoding nokey"), R::Nil);
    assert_eq!(c.c("OBJECT REFCOUNT a"), int(2_147_483_647));
    assert_eq!(c.c("OBJECT REFCOUNT c"), int(1));
    assert_eq!(c.c("OBJECT REFCOUNT d"), int(1));
    assert_eq!(c.c("OBJECT REFCOUNT e"), int(1));
    assert_eq!(c.c("OBJECT REFCOUNT i"), int(1));
    assert_eq!(c.c("OBJECT REFCOUNT nokey"), R::Nil);
    let idle = c.c("OBJECT IDLETIME a").as_int();
    assert!((0..=2).contains(&idle), "{idle}");
    assert_eq!(c.c("OBJECT IDLETIME nokey"), R::Nil);
    assert_eq!(c.c("OBJECT FREQ nokey"), R::Nil);
    assert_eq!(
        c.c("OBJECT FREQ a"),
        err("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
    );
    assert_eq!(
        c.c("OBJECT foo"),
        err("ERR unknown subcommand 'foo'. Try OBJECT HELP.")
    );
    assert_eq!(
        c.c("OBJECT"),
        err("ERR wrong number of arguments for 'object' command")
    );
    assert_eq!(
        c.c("OBJECT ENCODING"),
        err("ERR wrong number of arguments for 'object|encoding' command")
    );
    assert_eq!(
        c.c("OBJECT HELP extra"),
        err("ERR wrong number of arguments for 'object|help' command")
    );
    let R::Arr(help) = c.c("OBJECT HELP") else {
        panic!("OBJECT HELP")
    };
    assert_eq!(help.len(), 15);
    assert_eq!(
        help[0],
        R::Simple("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:".into())
    );
    assert_eq!(help[14], R::Simple("    Prints this help.".into()));
}

#[test]
fn flush_dbsize_randomkey() {
    let s = Server::start();
    let mut c = s.conn();
    assert_eq!(c.c("RANDOMKEY"), R::Nil);
    assert_eq!(c.c("DBSIZE"), int(0));
    assert_eq!(c.c("SET only 1"), ok());
    assert_eq!(c.c("RANDOMKEY"), bulk("only"));
    let mut batch = Vec::new();
    for i in 0..1000 {
        batch.push(vec!["SET".to_string(), format!("k{i}"), "v".to_string()]);
    }
    c.pipeline(&batch);
    assert_eq!(c.c("DBSIZE"), int(1001));
    let mut seen = HashSet::new();
    for _ in 0..50 {
        let R::Bulk(k) = c.c("RANDOMKEY") else {
            panic!("RANDOMKEY")
        };
        seen.insert(k);
    }
    assert!(
        seen.len() > 10,
        "RANDOMKEY should spread, saw {}",
        seen.len()
    );
    assert_eq!(c.c("FLUSHDB foo"), err("ERR syntax error"));
    assert_eq!(c.c("FLUSHDB async extra"), err("ERR syntax error"));
    assert_eq!(c.c("FLUSHALL foo"), err("ERR syntax error"));
    assert_eq!(
        c.c("DBSIZE extra"),
        err("ERR wrong number of arguments for 'dbsize' command")
    );
    // Keys in db 1 survive FLUSHDB on db 0, and FLUSHALL takes them.
    assert_eq!(c.c("MOVE only 1"), int(1));
    assert_eq!(c.c("FLUSHDB"), ok());
    assert_eq!(c.c("DBSIZE"), int(0));
    assert_eq!(c.c("SWAPDB 0 1"), ok());
    assert_eq!(c.c("DBSIZE"), int(1));
    c.pipeline(&batch);
    assert_eq!(c.c("FLUSHDB ASYNC"), ok());
    assert_eq!(c.c("DBSIZE"), int(0));
    c.pipeline(&batch);
    assert_eq!(c.c("FLUSHDB sync"), ok());
    assert_eq!(c.c("DBSIZE"), int(0));
    c.pipeline(&batch);
    assert_eq!(c.c("SWAPDB 0 1"), ok());
    assert_eq!(c.c("DBSIZE"), int(0));
    assert_eq!(c.c("SWAPDB 0 1"), ok());
    assert_eq!(c.c("DBSIZE"), int(1000));
    assert_eq!(c.c("FLUSHALL async"), ok());
    assert_eq!(c.c("DBSIZE"), int(0));
    assert_eq!(c.c("SWAPDB 0 1"), ok());
    assert_eq!(c.c("DBSIZE"), int(0));
    assert_eq!(c.c("RANDOMKEY"), R::Nil);
    // All keys expired: RANDOMKEY reclaims them and finds nothing.
    let mut volatile = Vec::new();
    for i in 0..200 {
        volatile.push(vec![
            "SET".to_string(),
            format!("t{i}"),
            "v".to_string(),
            "PX".to_string(),
            "1".to_string(),
        ]);
    }
    c.pipeline(&volatile);
    wait_expired(&mut c);
    assert_eq!(c.c("RANDOMKEY"), R::Nil);
}

/// SCAN's guarantee: a key present for the whole iteration is returned at least
/// once, even while other clients add and remove many keys (making tables grow).
#[test]
fn scan_guarantee_under_concurrent_writes() {
    let s = Server::start();
    let mut setup = s.conn();
    let stable: Vec<String> = (0..3000).map(|i| format!("stable:{i}")).collect();
    let mut batch: Vec<Vec<String>> = stable
        .iter()
        .map(|k| vec!["SET".into(), k.clone(), "v".into()])
        .collect();
    batch.extend((0..3000).map(|i| vec!["SET".into(), format!("victim:{i}"), "v".into()]));
    assert!(setup.pipeline(&batch).iter().all(|r| *r == ok()));

    let done = Arc::new(AtomicBool::new(false));
    let rounds = Arc::new(AtomicUsize::new(0));
    let writers: Vec<_> = (0..3)
        .map(|w| {
            let mut conn = s.conn();
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
                        cmds.push(vec![
                            "SET".to_string(),
                            format!("new:{w}:{n}"),
                            "v".to_string(),
                        ]);
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
    let mut scanner = s.conn();
    let seen: HashSet<String> = scanner.scan_all(&["COUNT", "3"]).into_iter().collect();
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
    let s = Server::start();
    let mut c = s.conn();
    let mut batch = Vec::new();
    for i in 0..5000 {
        let px = 1 + i % 50;
        batch.push(vec![
            "SET".to_string(),
            format!("vol:{i}"),
            "v".to_string(),
            "PX".to_string(),
            px.to_string(),
        ]);
    }
    for i in 0..10 {
        batch.push(vec![
            "SET".to_string(),
            format!("keep:{i}"),
            "v".to_string(),
        ]);
    }
    assert!(c.pipeline(&batch).iter().all(|r| *r == ok()));
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut size = c.c("DBSIZE").as_int();
    while size > 10 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(50));
        size = c.c("DBSIZE").as_int();
    }
    assert_eq!(
        size, 10,
        "active expiry should have removed every volatile key"
    );
    assert_eq!(c.c("KEYS keep:*").sorted().len(), 10);
}
