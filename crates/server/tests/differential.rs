//! Differential tests: Cinnabar versus a real `redis-server`.
//!
//! Every test starts its own pair of servers (the *reference*, Debian's
//! `redis-server`, and the *subject*, `cinnabar-server`) on free ports, sends
//! both the same input and compares the raw reply bytes. Expected replies
//! therefore always come from real Redis.
//!
//! # Running
//!
//! ```text
//! cargo test -p cinnabar --test differential            # Cinnabar vs redis
//! cargo test -p cinnabar --test differential strings    # one family
//! CINNABAR_DIFF_SUBJECT=/usr/bin/redis-server \
//!     cargo test -p cinnabar --test differential --test diff_random
//!                                                       # validate the cases
//! ```
//!
//! `CINNABAR_DIFF_REFERENCE` overrides the reference binary (default:
//! `redis-server` from `PATH`). A missing reference is a test failure, never a
//! silent pass. `CINNABAR_DIFF_TRACE=1` (with `-- --nocapture`) prints every
//! step with the reference's reply, which helps when writing cases. Random
//! sequences live in `tests/diff_random.rs`.
//!
//! The reference is Redis 7.0 (Debian's package) while Cinnabar targets 7.2;
//! the few known differences are pinned with `@since72` (below). The subject
//! counts as 7.2 unless its `INFO server` reports an older `redis_version`.
//!
//! # Case-file format (`tests/diff/*.txt`)
//!
//! One step per line; blank lines and lines starting with `#` are ignored.
//!
//! ```text
//! ARGS --enable-debug-command local   # file-level extra server arguments
//!                                     # (before the first case, both servers)
//! === set with options                # starts a case: fresh connections on
//!                                     # both servers, then FLUSHALL
//! SET k v EX 100
//! GET k
//! TTL k @range 99 100                 # annotations follow the command
//! SET k "a b\r\n\x00"                 # redis-cli quoting
//! KEYS * @sorted
//! CLIENT NO-TOUCH on @since72 "+OK\r\n"
//! RESP3                               # HELLO 3 on both sides
//! RAW "PING\r\nPING\r\n" @frames 2    # raw bytes; read 2 reply frames
//! RAW "*1\r\n+x\r\n" @closed          # reply, then connection must close
//! QUIT @closed
//! ```
//!
//! **Arguments** are split like redis-cli does: whitespace separates them;
//! `"..."` understands `\xHH`, `\n`, `\r`, `\t`, `\b`, `\a`, `\0`, `\\` and
//! `\"`; `'...'` only `\'`. Quoted tokens are always plain arguments, so quote
//! an argument that would otherwise look like a directive or annotation
//! (e.g. `"@foo"`, `"RAW"`).
//!
//! **Directives** (unquoted, upper case, first token):
//! * `=== NAME`: begin a case (state reset: reconnect + `FLUSHALL`). Cases are
//!   independent; a case that changes server config must restore it.
//! * `ARGS ...`: extra server arguments for the whole file.
//! * `RESP3` / `RESP2`: send `HELLO 3` / `HELLO 2`; only the reply type is
//!   checked (the content has version and connection ids).
//! * `RAW "bytes"`: send the bytes verbatim on both connections.
//! * `RECONNECT`: replace both connections with fresh ones.
//!
//! **Annotations** (after the command; at most one comparison mode):
//! * *(none)*: byte-for-byte equality of the reply (or both connections closed).
//! * `@sorted`: equal after recursively sorting every aggregate (multisets;
//!   map entries are sorted as pairs). For KEYS, SCAN, SMEMBERS...
//! * `@type`: only the reply type byte must match (`:` for CLIENT ID...).
//! * `@len`: same type and same number of elements.
//! * `@range LOW HIGH`: both replies are integers (or bulk strings holding
//!   one) within the inclusive bounds, e.g. `TTL k @range 0 100`.
//! * `@ignore`: both sides must produce a complete reply; content ignored.
//! * `@since72 "LITERAL"`: Redis 7.0 and 7.2 differ here. The subject's reply
//!   must equal the raw RESP literal; the (7.0) reference still executes the
//!   command but its reply is not compared. When the subject itself reports
//!   a version below 7.2 (redis-vs-redis validation), the line is compared
//!   normally instead.
//! * `@expect "LITERAL"`: both replies must equal the literal.
//! * `@skip-redis`: do not send the line to the reference (needs `@expect`).
//! * `@skip`: do not run the line (documents a known gap).
//! * `@closed`: after the reply, both servers must have closed the
//!   connection; fresh connections are opened for the following lines. A
//!   close that is not announced this way fails the step, and so do extra
//!   reply bytes beyond the frames read.
//! * `@frames N` (RAW only): read N reply frames (default 1; 0 reads none,
//!   e.g. to send a request in several pieces).
//!
//! On a mismatch the rest of that case is skipped and the run continues; the
//! test then fails listing, per failed case, the file and line, the case
//! name, the line, both replies (escaped) and the check that failed.

mod support;

use std::time::Duration;

use support::resp::{self, Frame};
use support::runner::run_case_file;
use support::{DiffPair, Reply};

/// The case files; each has a test below. Kept in sync with the directory
/// by [`every_case_file_has_a_test`].
const CASE_FILES: &[&str] = &[
    "bitmaps.txt",
    "connection.txt",
    "geo.txt",
    "hashes.txt",
    "hll.txt",
    "keys.txt",
    "lists.txt",
    "protocol.txt",
    "server.txt",
    "sets.txt",
    "sort.txt",
    "strings.txt",
    "transactions.txt",
    "zsets.txt",
];

#[test]
fn transactions() {
    run_case_file("transactions.txt");
}

#[test]
fn keys() {
    run_case_file("keys.txt");
}

#[test]
fn hll() {
    run_case_file("hll.txt");
}

#[test]
fn lists() {
    run_case_file("lists.txt");
}

#[test]
fn strings() {
    run_case_file("strings.txt");
}

#[test]
fn bitmaps() {
    run_case_file("bitmaps.txt");
}

#[test]
fn connection() {
    run_case_file("connection.txt");
}

#[test]
fn server() {
    run_case_file("server.txt");
}

#[test]
fn protocol() {
    run_case_file("protocol.txt");
}

#[test]
fn hashes() {
    run_case_file("hashes.txt");
}

#[test]
fn sets() {
    run_case_file("sets.txt");
}

#[test]
fn sort() {
    run_case_file("sort.txt");
}

#[test]
fn geo() {
    run_case_file("geo.txt");
}

#[test]
fn zsets() {
    run_case_file("zsets.txt");
}

/// Every `.txt` file in `tests/diff` must be listed in [`CASE_FILES`] and
/// parse cleanly (checked without starting any server).
#[test]
fn every_case_file_has_a_test() {
    let dir = support::runner::case_dir();
    let mut found: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt"))
        .collect();
    found.sort();
    assert_eq!(
        found, CASE_FILES,
        "tests/diff/*.txt and CASE_FILES disagree"
    );
    for name in CASE_FILES {
        if let Err(e) = support::cases::load(&dir.join(name), name) {
            panic!("{e}");
        }
    }
}

// ---------------------------------------------------------------------------
// Protocol tests that are awkward to express as case lines.
// ---------------------------------------------------------------------------

/// Sends `bytes` to both servers, reads `frames` replies and compares them,
/// then compares whether each server closed the connection.
fn raw_exchange(pair: &mut DiffPair, what: &str, bytes: &[u8], frames: usize) {
    pair.send_raw(bytes);
    for i in 0..frames {
        let outcome = pair.read_replies();
        assert!(
            outcome.same() && outcome.reference.frame().is_some(),
            "{what}: reply {} of {frames} differs\n  reference: {}\n  subject:   {}\n{}",
            i + 1,
            outcome.reference,
            outcome.subject,
            pair.diagnostics()
        );
    }
    let (ref_closed, subj_closed) = pair.closed();
    assert_eq!(
        ref_closed, subj_closed,
        "{what}: reference closed={ref_closed}, subject closed={subj_closed}"
    );
}

#[test]
fn protocol_big_inline_request() {
    let mut pair = DiffPair::start(&[]);
    // Just over the 64 KiB inline limit, without a newline.
    let big = vec![b'a'; 64 * 1024 + 100];
    raw_exchange(&mut pair, "inline request over 64KiB", &big, 1);
}

#[test]
fn protocol_large_bulk_in_pieces() {
    let mut pair = DiffPair::start(&[]);
    let value: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let request = resp::encode_command(&[b"SET".as_slice(), b"big", &value]);
    for chunk in request.chunks(7_919) {
        pair.send_raw(chunk);
    }
    let outcome = pair.read_replies();
    assert!(
        outcome.same(),
        "SET big: {} vs {}",
        outcome.reference,
        outcome.subject
    );
    let reply = pair.assert_same(&["GET", "big"]);
    let mut expected = format!("${}\r\n", value.len()).into_bytes();
    expected.extend_from_slice(&value);
    expected.extend_from_slice(b"\r\n");
    assert_eq!(reply, expected, "GET big returned the wrong bytes");
    pair.assert_same(&["STRLEN", "big"]);
}

#[test]
fn protocol_deep_pipeline() {
    let mut pair = DiffPair::start(&[]);
    let mut batch = Vec::new();
    let count = 2_000;
    for i in 0..count {
        let key = format!("k{}", i % 17);
        let cmd: Vec<Vec<u8>> = match i % 5 {
            0 => vec![b"INCR".to_vec(), key.into_bytes()],
            1 => vec![b"APPEND".to_vec(), key.into_bytes(), b"x".to_vec()],
            2 => vec![b"GET".to_vec(), key.into_bytes()],
            3 => vec![b"PING".to_vec()],
            _ => vec![b"DEL".to_vec(), key.into_bytes()],
        };
        batch.extend(resp::encode_command(&cmd));
    }
    raw_exchange(&mut pair, "2000 pipelined commands", &batch, count);
}

#[test]
fn protocol_half_close_after_command() {
    let mut pair = DiffPair::start(&[]);
    pair.send_raw(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
    pair.shutdown_write();
    let outcome = pair.read_replies();
    assert!(
        outcome.same(),
        "reply before EOF: {} vs {}",
        outcome.reference,
        outcome.subject
    );
    let outcome = pair.read_replies();
    assert!(
        matches!(
            (&outcome.reference, &outcome.subject),
            (Reply::Closed, Reply::Closed)
        ),
        "after the client's EOF both servers should close: {} vs {}",
        outcome.reference,
        outcome.subject
    );
    pair.reconnect();
    pair.assert_same(&["GET", "k"]);
}

#[test]
fn protocol_many_connections() {
    let mut pair = DiffPair::start(&[]);
    pair.assert_same(&["SET", "shared", "1"]);
    for _ in 0..50 {
        pair.reconnect();
        pair.assert_same(&["INCR", "shared"]);
    }
    pair.assert_same(&["GET", "shared"]);
}

// ---------------------------------------------------------------------------
// Self-tests of the harness's own RESP scanner (no servers involved).
// ---------------------------------------------------------------------------

fn scan_all(input: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        match resp::parse_frame(rest) {
            Ok(Some((_, n))) => {
                out.push(rest[..n].to_vec());
                rest = &rest[n..];
            }
            other => panic!("cannot scan {}: {other:?}", resp::escape(rest)),
        }
    }
    out
}

#[test]
fn scanner_handles_every_type() {
    let frames: &[&[u8]] = &[
        b"+OK\r\n",
        b"-ERR x\r\n",
        b":-12\r\n",
        b"$3\r\na\r\n\r\n",
        b"$0\r\n\r\n",
        b"$-1\r\n",
        b"*-1\r\n",
        b"*0\r\n",
        b"*2\r\n*1\r\n:1\r\n$-1\r\n",
        b"_\r\n",
        b",3.14\r\n",
        b",inf\r\n",
        b"#t\r\n",
        b"!5\r\nERR x\r\n",
        b"=8\r\ntxt:abcd\r\n",
        b"(3492890328409238509324850943850943825024385\r\n",
        b"%2\r\n+a\r\n:1\r\n+b\r\n*1\r\n%0\r\n",
        b"~2\r\n+a\r\n+b\r\n",
        b">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
        b"|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n",
        b"*1\r\n|1\r\n+a\r\n+b\r\n:5\r\n",
        b"$?\r\n;3\r\nabc\r\n;1\r\nd\r\n;0\r\n",
        b"*?\r\n:1\r\n*?\r\n.\r\n.\r\n",
    ];
    let joined: Vec<u8> = frames.concat();
    let scanned = scan_all(&joined);
    assert_eq!(scanned.len(), frames.len());
    for (got, want) in scanned.iter().zip(frames) {
        assert_eq!(got.as_slice(), *want);
        let frame = resp::parse_exact(got).expect("parse");
        assert_eq!(frame.encode(), *want, "re-encoding must be lossless");
    }
    let attributed = resp::parse_exact(b"|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n").expect("parse");
    assert_eq!(attributed.kind(), b'$');
}

#[test]
fn scanner_waits_for_complete_frames() {
    let full = b"*3\r\n$3\r\nfoo\r\n%1\r\n+k\r\n~1\r\n:1\r\n|1\r\n+a\r\n+b\r\n_\r\n";
    for cut in 0..full.len() {
        assert_eq!(
            resp::frame_len(&full[..cut]),
            Ok(None),
            "prefix of {cut} bytes"
        );
    }
    assert_eq!(resp::frame_len(full), Ok(Some(full.len())));
}

#[test]
fn scanner_rejects_malformed_input() {
    for bad in [
        b"?x\r\n".as_slice(),
        b"$x\r\n",
        b"$-2\r\n",
        b"$1\r\nab\r\n",
        b"*-5\r\n",
        b"+a\nb\r\n",
        b"*1\r\n$1\r\na\r\r",
    ] {
        assert!(
            resp::frame_len(bad).is_err(),
            "{} should be rejected",
            resp::escape(bad)
        );
    }
}

#[test]
fn sorted_comparison_is_a_multiset_comparison() {
    let a = resp::parse_exact(b"*2\r\n$1\r\n0\r\n*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nb\r\n")
        .expect("parse");
    let b = resp::parse_exact(b"*2\r\n$1\r\n0\r\n*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nb\r\n")
        .expect("parse");
    let c = resp::parse_exact(b"*2\r\n$1\r\n0\r\n*3\r\n$1\r\na\r\n$1\r\na\r\n$1\r\nb\r\n")
        .expect("parse");
    assert_eq!(a.sorted_deep(), b.sorted_deep());
    assert_ne!(a.sorted_deep(), c.sorted_deep());
    let m1 = resp::parse_exact(b"%2\r\n+x\r\n:1\r\n+y\r\n:2\r\n").expect("parse");
    let m2 = resp::parse_exact(b"%2\r\n+y\r\n:2\r\n+x\r\n:1\r\n").expect("parse");
    let m3 = resp::parse_exact(b"%2\r\n+y\r\n:1\r\n+x\r\n:2\r\n").expect("parse");
    assert_eq!(m1.sorted_deep(), m2.sorted_deep());
    assert_ne!(m1.sorted_deep(), m3.sorted_deep());
    assert!(matches!(m1, Frame::Aggregate { kind: b'%', .. }));
}

#[test]
fn case_tokenizer_follows_redis_cli_quoting() {
    let toks = support::cases::tokenize(r#"SET "a b\x00\r\n" 'it\'s' plain "" @range 1 2"#)
        .expect("tokenize");
    let bytes: Vec<&[u8]> = toks.iter().map(|t| t.bytes.as_slice()).collect();
    assert_eq!(
        bytes,
        [
            b"SET".as_slice(),
            b"a b\x00\r\n",
            b"it's",
            b"plain",
            b"",
            b"@range",
            b"1",
            b"2"
        ]
    );
    assert!(support::cases::tokenize(r#"SET "abc"#).is_err());
    assert!(support::cases::tokenize(r#"SET "a"b"#).is_err());
    let file =
        support::cases::parse("=== c\nGET k @since72 \"$-1\\r\\n\"\n", "inline").expect("parse");
    assert_eq!(
        file.cases[0].steps[0].checks.since72.as_deref(),
        Some(b"$-1\r\n".as_slice())
    );
    assert!(
        support::cases::parse("GET k\n", "x").is_err(),
        "command before a header"
    );
    assert!(support::cases::parse("=== c\nGET k @bogus\n", "x").is_err());
    assert!(support::cases::parse("=== c\nGET k @expect \"+OK\"\n", "x").is_err());
}

#[test]
fn server_process_is_killed_on_drop() {
    let server = support::start_redis(&[]);
    let addr = server.addr();
    let mut client = server.connect();
    assert_eq!(client.cmd(&["PING"]), b"+PONG\r\n");
    drop(server);
    assert!(
        std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(2)).is_err(),
        "server still accepting connections after drop"
    );
    assert!(client.is_closed());
}

#[test]
fn judge_applies_annotations() {
    use support::cases::parse;
    use support::runner::judge;
    let file = parse(
        "=== c\n\
         ZSCORE z a @since72 \"$3\\r\\n0.1\\r\\n\"\n\
         TTL k @range 0 10\n\
         KEYS * @sorted\n\
         CLIENT ID @type\n",
        "inline",
    )
    .expect("parse");
    let steps = &file.cases[0].steps;
    let frame = |b: &[u8]| Reply::Frame(b.to_vec());
    let old = frame(b"$19\r\n0.10000000000000001\r\n");
    let new = frame(b"$3\r\n0.1\r\n");
    // A 7.2 subject must match the literal, not the 7.0 reference...
    assert!(judge(Some(&old), &new, &steps[0].checks, true).is_ok());
    assert!(judge(Some(&old), &old, &steps[0].checks, true).is_err());
    // ...and a 7.0 subject (validation run) must match the reference.
    assert!(judge(Some(&old), &old, &steps[0].checks, false).is_ok());
    assert!(judge(Some(&old), &new, &steps[0].checks, false).is_err());
    assert!(judge(
        Some(&frame(b":3\r\n")),
        &frame(b":7\r\n"),
        &steps[1].checks,
        true
    )
    .is_ok());
    assert!(judge(
        Some(&frame(b":3\r\n")),
        &frame(b":-2\r\n"),
        &steps[1].checks,
        true
    )
    .is_err());
    let ab = frame(b"*2\r\n$1\r\na\r\n$1\r\nb\r\n");
    let ba = frame(b"*2\r\n$1\r\nb\r\n$1\r\na\r\n");
    assert!(judge(Some(&ab), &ba, &steps[2].checks, true).is_ok());
    assert!(judge(
        Some(&ab),
        &frame(b"*1\r\n$1\r\na\r\n"),
        &steps[2].checks,
        true
    )
    .is_err());
    assert!(judge(
        Some(&frame(b":3\r\n")),
        &frame(b":9\r\n"),
        &steps[3].checks,
        true
    )
    .is_ok());
    assert!(judge(
        Some(&frame(b":3\r\n")),
        &frame(b"$1\r\n9\r\n"),
        &steps[3].checks,
        true
    )
    .is_err());
    // Unannounced closes never pass, even on both sides.
    assert!(judge(Some(&Reply::Closed), &Reply::Closed, &steps[3].checks, true).is_err());
}
