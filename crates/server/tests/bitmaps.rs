//! Bitmap commands over TCP: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO.
//!
//! Every expected value was taken from a real Redis server. Setting
//! `BITMAPS_TEST_PORT` runs the same tests against a server already listening on
//! that port (e.g. redis-server) instead of starting `cinnabar-server`; each test
//! uses its own key prefix, so the tests can share one server.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A reply, as read from the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reply {
    Status(String),
    Error(String),
    Int(i64),
    Bulk(Vec<u8>),
    Nil,
    Array(Vec<Reply>),
}

use Reply::{Array, Bulk, Error, Int, Nil};

fn err(text: &str) -> Reply {
    Error(text.to_string())
}

fn bulk(b: &[u8]) -> Reply {
    Bulk(b.to_vec())
}

const OFFSET_ERR: &str = "ERR bit offset is not an integer or out of range";
const TYPE_ERR: &str =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
const NOT_INT: &str = "ERR value is not an integer or out of range";
const SYNTAX: &str = "ERR syntax error";

/// The server under test (or nothing, for an external server); the support
/// module's process is killed on drop.
struct Server {
    _child: Option<support::ServerProcess>,
    port: u16,
}

fn server() -> Server {
    if let Some(port) = std::env::var("BITMAPS_TEST_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
    {
        return Server { _child: None, port };
    }
    let child = support::start_cinnabar(&[]);
    Server {
        port: child.port(),
        _child: Some(child),
    }
}

/// A raw RESP2 connection whose commands get a per-test key prefix on `key` arguments.
struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    fn new(server: &Server) -> Conn {
        let stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("timeout");
        Conn {
            reader: BufReader::new(stream.try_clone().expect("clone")),
            writer: stream,
        }
    }

    fn cmd(&mut self, args: &[&[u8]]) -> Reply {
        let mut out = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
        self.writer.write_all(&out).expect("write");
        self.read()
    }

    /// Runs a command given as whitespace-separated words.
    fn run(&mut self, line: &str) -> Reply {
        let words: Vec<&[u8]> = line.split_whitespace().map(str::as_bytes).collect();
        self.cmd(&words)
    }

    fn read(&mut self) -> Reply {
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("read");
        let line = line.trim_end_matches("\r\n");
        let (kind, rest) = line.split_at(1);
        match kind {
            "+" => Reply::Status(rest.to_string()),
            "-" => Error(rest.to_string()),
            ":" => Int(rest.parse().expect("int")),
            "$" => {
                let n: i64 = rest.parse().expect("len");
                if n < 0 {
                    return Nil;
                }
                let mut buf = vec![0u8; n as usize + 2];
                self.reader.read_exact(&mut buf).expect("bulk");
                buf.truncate(n as usize);
                Bulk(buf)
            }
            "*" => {
                let n: i64 = rest.parse().expect("len");
                if n < 0 {
                    return Nil;
                }
                Array((0..n).map(|_| self.read()).collect())
            }
            "_" => Nil,
            other => panic!("unexpected reply type {other}"),
        }
    }
}

/// Checks each `(command, expected)` pair in order.
fn check(c: &mut Conn, cases: &[(&str, Reply)]) {
    for (line, expected) in cases {
        assert_eq!(&c.run(line), expected, "{line}");
    }
}

fn ints(values: &[i64]) -> Reply {
    Array(values.iter().map(|&v| Int(v)).collect())
}

#[test]
fn setbit_and_getbit() {
    let s = server();
    let mut c = Conn::new(&s);
    c.run("DEL sg:k sg:n");
    check(
        &mut c,
        &[
            ("GETBIT sg:k 0", Int(0)),
            ("SETBIT sg:k 7 1", Int(0)),
            ("GET sg:k", bulk(b"\x01")),
            ("SETBIT sg:k 7 1", Int(1)),
            ("SETBIT sg:k 7 0", Int(1)),
            ("GETBIT sg:k 7", Int(0)),
            ("SETBIT sg:k 0 1", Int(0)),
            ("SETBIT sg:k 23 1", Int(0)),
            ("GET sg:k", bulk(b"\x80\x00\x01")),
            ("GETBIT sg:k 0", Int(1)),
            ("GETBIT sg:k 1", Int(0)),
            ("GETBIT sg:k 23", Int(1)),
            ("GETBIT sg:k 24", Int(0)),
            ("GETBIT sg:k 4294967295", Int(0)),
            // An integer-encoded value is read, and then modified, as its text.
            ("SET sg:n 12345", Reply::Status("OK".into())),
            ("GETBIT sg:n 2", Int(1)),
            ("GETBIT sg:n 3", Int(1)),
            ("GETBIT sg:n 4", Int(0)),
            ("SETBIT sg:n 0 0", Int(0)),
            ("GET sg:n", bulk(b"12345")),
            ("SETBIT sg:n 6 0", Int(0)),
            ("SETBIT sg:n 7 0", Int(1)),
            ("GET sg:n", bulk(b"02345")),
        ],
    );
}

#[test]
fn setbit_getbit_errors() {
    let s = server();
    let mut c = Conn::new(&s);
    c.run("DEL se:k");
    check(
        &mut c,
        &[
            ("SETBIT se:k -1 1", err(OFFSET_ERR)),
            ("SETBIT se:k 4294967296 1", err(OFFSET_ERR)),
            ("SETBIT se:k x 1", err(OFFSET_ERR)),
            ("SETBIT se:k 01 1", err(OFFSET_ERR)),
            (
                "SETBIT se:k 1 2",
                err("ERR bit is not an integer or out of range"),
            ),
            (
                "SETBIT se:k 1 -1",
                err("ERR bit is not an integer or out of range"),
            ),
            (
                "SETBIT se:k 1 x",
                err("ERR bit is not an integer or out of range"),
            ),
            ("GETBIT se:k 4294967296", err(OFFSET_ERR)),
            ("GETBIT se:k -1", err(OFFSET_ERR)),
            ("EXISTS se:k", Int(0)),
            (
                "SETBIT se:k 1",
                err("ERR wrong number of arguments for 'setbit' command"),
            ),
            (
                "GETBIT se:k",
                err("ERR wrong number of arguments for 'getbit' command"),
            ),
        ],
    );
}

#[test]
fn bitcount_ranges() {
    let s = server();
    let mut c = Conn::new(&s);
    c.run("DEL bc:s bc:e bc:n");
    c.run("SET bc:s foobar");
    c.run("SET bc:n 12345");
    c.cmd(&[b"SET", b"bc:e", b""]);
    check(
        &mut c,
        &[
            ("BITCOUNT bc:s", Int(26)),
            ("BITCOUNT bc:s 0 0", Int(4)),
            ("BITCOUNT bc:s 1 1", Int(6)),
            ("BITCOUNT bc:s 1 1 BYTE", Int(6)),
            ("BITCOUNT bc:s 5 30 BIT", Int(17)),
            ("BITCOUNT bc:s 0 -1 bit", Int(26)),
            ("BITCOUNT bc:s -2 -1", Int(7)),
            ("BITCOUNT bc:s -100 100", Int(26)),
            ("BITCOUNT bc:s -1 -3", Int(0)),
            ("BITCOUNT bc:s -10 -20", Int(0)),
            ("BITCOUNT bc:s 3 1", Int(0)),
            ("BITCOUNT bc:s 1 3 BIT", Int(2)),
            ("BITCOUNT bc:s -3 -1 BIT", Int(1)),
            ("BITCOUNT bc:s 47 47 BIT", Int(0)),
            ("BITCOUNT bc:s 46 46 BIT", Int(1)),
            ("BITCOUNT bc:n", Int(17)),
            ("BITCOUNT bc:e", Int(0)),
            ("BITCOUNT bc:e 0 -1", Int(0)),
            ("BITCOUNT bc:missing", Int(0)),
            // Redis 7.2 answers 0 for a missing key before parsing the arguments.
            ("BITCOUNT bc:missing 0", Int(0)),
            ("BITCOUNT bc:missing a b", Int(0)),
            ("BITCOUNT bc:s 0", err(SYNTAX)),
            ("BITCOUNT bc:s 1 1 foo", err(SYNTAX)),
            ("BITCOUNT bc:s 1 1 bit x", err(SYNTAX)),
            ("BITCOUNT bc:s a 1", err(NOT_INT)),
            ("BITCOUNT bc:s 1 a BIT", err(NOT_INT)),
            // Both negative with start > end: 0 before the unit keyword is read.
            ("BITCOUNT bc:s -2 -9 bits", Int(0)),
            (
                "BITCOUNT",
                err("ERR wrong number of arguments for 'bitcount' command"),
            ),
        ],
    );
}

#[test]
fn bitpos_search() {
    let s = server();
    let mut c = Conn::new(&s);
    c.run("DEL bp:a bp:b bp:z bp:e bp:n bp:s");
    c.cmd(&[b"SET", b"bp:a", b"\xff\xf0\x00"]);
    c.cmd(&[b"SET", b"bp:b", b"\x00\x0f\x00"]);
    c.cmd(&[b"SET", b"bp:z", b"\xff\xff\xff"]);
    c.cmd(&[b"SET", b"bp:e", b""]);
    c.run("SET bp:n 12345");
    c.run("SET bp:s foobar");
    check(
        &mut c,
        &[
            ("BITPOS bp:a 0", Int(12)),
            ("BITPOS bp:a 1", Int(0)),
            ("BITPOS bp:a 1 2", Int(-1)),
            ("BITPOS bp:a 0 2", Int(16)),
            ("BITPOS bp:a 0 1 1", Int(12)),
            ("BITPOS bp:a 1 1 -1", Int(8)),
            ("BITPOS bp:a 0 3 11 BIT", Int(-1)),
            ("BITPOS bp:a 0 3 12 BIT", Int(12)),
            ("BITPOS bp:a 1 12 -1 bit", Int(-1)),
            ("BITPOS bp:a 1 7 15 BYTE", Int(-1)),
            ("BITPOS bp:b 1", Int(12)),
            ("BITPOS bp:b 1 2", Int(-1)),
            ("BITPOS bp:b 1 13 BIT", err(NOT_INT)),
            ("BITPOS bp:b 1 13 -1 BIT", Int(13)),
            ("BITPOS bp:b 0 12 15 BIT", Int(-1)),
            ("BITPOS bp:b 0 12 16 BIT", Int(16)),
            // All ones: a zero is reported just past the end, unless an end is given.
            ("BITPOS bp:z 0", Int(24)),
            ("BITPOS bp:z 0 1", Int(24)),
            ("BITPOS bp:z 0 -1", Int(24)),
            ("BITPOS bp:z 0 0 -1", Int(-1)),
            ("BITPOS bp:z 0 0 1", Int(-1)),
            ("BITPOS bp:z 0 0 -1 BIT", Int(-1)),
            ("BITPOS bp:z 0 5", Int(-1)),
            ("BITPOS bp:z 1 -1", Int(16)),
            ("BITPOS bp:z 1 -1 -1 BIT", Int(23)),
            ("BITPOS bp:z 1 -100 -200", Int(0)),
            ("BITPOS bp:e 0", Int(-1)),
            ("BITPOS bp:e 1", Int(-1)),
            ("BITPOS bp:e 0 0 -1", Int(-1)),
            ("BITPOS bp:n 1", Int(2)),
            ("BITPOS bp:n 0", Int(0)),
            ("BITPOS bp:s 1 -10 -20", Int(1)),
            ("BITPOS bp:s 0 2 1", Int(-1)),
            // A missing key is an endless run of zeros, whatever the range says.
            ("BITPOS bp:missing 0", Int(0)),
            ("BITPOS bp:missing 1", Int(-1)),
            ("BITPOS bp:missing 0 0 1 hello", Int(0)),
            (
                "BITPOS bp:missing 2",
                err("ERR The bit argument must be 1 or 0."),
            ),
            ("BITPOS bp:missing x", err(NOT_INT)),
            (
                "BITPOS bp:a 2 a",
                err("ERR The bit argument must be 1 or 0."),
            ),
            ("BITPOS bp:a 1 a", err(NOT_INT)),
            ("BITPOS bp:a 1 0 x", err(NOT_INT)),
            ("BITPOS bp:a 1 0 x foo", err(SYNTAX)),
            ("BITPOS bp:a 1 0 1 bits", err(SYNTAX)),
            ("BITPOS bp:a 1 0 1 BIT x", err(SYNTAX)),
            (
                "BITPOS bp:a",
                err("ERR wrong number of arguments for 'bitpos' command"),
            ),
        ],
    );
}

#[test]
fn bitop_operations() {
    let s = server();
    let mut c = Conn::new(&s);
    c.run("DEL {bo}a {bo}b {bo}n {bo}e {bo}d");
    c.cmd(&[b"SET", b"{bo}a", b"\xff\xf0\x0f"]);
    c.cmd(&[b"SET", b"{bo}b", b"\x0f\x0f"]);
    c.cmd(&[b"SET", b"{bo}e", b""]);
    c.run("SET {bo}n 12");
    check(
        &mut c,
        &[
            ("BITOP AND {bo}d {bo}a {bo}b", Int(3)),
            ("GET {bo}d", bulk(b"\x0f\x00\x00")),
            ("BITOP OR {bo}d {bo}a {bo}b", Int(3)),
            ("GET {bo}d", bulk(b"\xff\xff\x0f")),
            ("BITOP XOR {bo}d {bo}a {bo}b", Int(3)),
            ("GET {bo}d", bulk(b"\xf0\xff\x0f")),
            ("BITOP NOT {bo}d {bo}b", Int(2)),
            ("GET {bo}d", bulk(b"\xf0\xf0")),
            ("BITOP xor {bo}d {bo}a {bo}b {bo}a", Int(3)),
            ("GET {bo}d", bulk(b"\x0f\x0f\x00")),
            // Missing sources are empty strings (zero bytes).
            ("BITOP AND {bo}d {bo}a {bo}missing", Int(3)),
            ("GET {bo}d", bulk(b"\x00\x00\x00")),
            ("BITOP OR {bo}d {bo}missing {bo}b", Int(2)),
            ("GET {bo}d", bulk(b"\x0f\x0f")),
            // Integer-encoded sources are their decimal text.
            ("BITOP OR {bo}d {bo}n {bo}b", Int(2)),
            ("GET {bo}d", bulk(b"\x3f\x3f")),
            ("BITOP NOT {bo}d {bo}n", Int(2)),
            ("GET {bo}d", bulk(b"\xce\xcd")),
            // The destination may be a source.
            ("BITOP NOT {bo}d {bo}d", Int(2)),
            ("GET {bo}d", bulk(b"12")),
            // An empty result deletes the destination.
            ("BITOP OR {bo}d {bo}missing {bo}e", Int(0)),
            ("EXISTS {bo}d", Int(0)),
            ("SET {bo}d x", Reply::Status("OK".into())),
            ("BITOP NOT {bo}d {bo}missing", Int(0)),
            ("EXISTS {bo}d", Int(0)),
            (
                "BITOP NOT {bo}d {bo}a {bo}b",
                err("ERR BITOP NOT must be called with a single source key."),
            ),
            ("BITOP NAND {bo}d {bo}a", err(SYNTAX)),
            (
                "BITOP AND {bo}d",
                err("ERR wrong number of arguments for 'bitop' command"),
            ),
        ],
    );
}

#[test]
fn bitop_large_and_uneven() {
    let s = server();
    let mut c = Conn::new(&s);
    c.run("DEL {bl}a {bl}b {bl}c {bl}d");
    // Lengths across several internal blocks, none a multiple of a word.
    let a: Vec<u8> = (0..200_003u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let b: Vec<u8> = (0..150_001u32)
        .map(|i| (i.wrapping_mul(40_503) >> 5) as u8)
        .collect();
    let cc: Vec<u8> = (0..70_007u32).map(|i| !(i as u8)).collect();
    c.cmd(&[b"SET", b"{bl}a", &a]);
    c.cmd(&[b"SET", b"{bl}b", &b]);
    c.cmd(&[b"SET", b"{bl}c", &cc]);
    let at = |v: &[u8], i: usize| v.get(i).copied().unwrap_or(0);
    type Combine = fn(u8, u8, u8) -> u8;
    let ops: [(&str, Combine); 3] = [
        ("AND", |x, y, z| x & y & z),
        ("OR", |x, y, z| x | y | z),
        ("XOR", |x, y, z| x ^ y ^ z),
    ];
    for (op, f) in ops {
        let expected: Vec<u8> = (0..a.len())
            .map(|i| f(at(&a, i), at(&b, i), at(&cc, i)))
            .collect();
        assert_eq!(
            c.cmd(&[
                b"BITOP",
                op.as_bytes(),
                b"{bl}d",
                b"{bl}a",
                b"{bl}b",
                b"{bl}c"
            ]),
            Int(a.len() as i64)
        );
        assert_eq!(c.run("GET {bl}d"), Bulk(expected.clone()), "{op}");
        let ones: u32 = expected.iter().map(|x| x.count_ones()).sum();
        assert_eq!(c.run("BITCOUNT {bl}d"), Int(i64::from(ones)), "{op}");
    }
    let expected: Vec<u8> = b.iter().map(|x| !x).collect();
    assert_eq!(c.run("BITOP NOT {bl}d {bl}b"), Int(b.len() as i64));
    assert_eq!(c.run("GET {bl}d"), Bulk(expected));
}

#[test]
fn bitfield_get_set_incrby() {
    let s = server();
    let mut c = Conn::new(&s);
    c.run("DEL bf:k bf:n bf:s");
    check(
        &mut c,
        &[
            ("BITFIELD bf:k SET u8 0 255 GET u8 0", ints(&[0, 255])),
            (
                "BITFIELD bf:k SET i8 0 -1 GET i8 0 GET u4 0 GET i4 4",
                ints(&[-1, -1, 15, -1]),
            ),
            (
                "BITFIELD bf:k INCRBY u2 100 1 OVERFLOW SAT INCRBY i4 104 -100",
                ints(&[1, -8]),
            ),
            (
                "BITFIELD bf:k GET u2 100 GET i4 104 GET u8 #12",
                ints(&[1, -8, 4]),
            ),
            (
                "BITFIELD bf:k SET u8 #1 200 GET u8 8 GET u16 #0",
                ints(&[0, 200, 65480]),
            ),
            ("BITFIELD bf:k", Array(vec![])),
            // Fields straddling byte boundaries, 64-bit signed and 63-bit unsigned.
            (
                "BITFIELD bf:s SET u5 3 23 GET u8 0 SET u5 7 23 GET u8 0 GET u8 8",
                ints(&[0, 23, 16, 23, 112]),
            ),
            (
                "BITFIELD bf:s SET i64 5 -2 GET i64 5 GET u63 6",
                ints(&[-1297036692682702848, -2, 9223372036854775806]),
            ),
            (
                "BITFIELD bf:s SET i64 0 9223372036854775807 INCRBY i64 0 1",
                ints(&[1729382256910270463, -9223372036854775808]),
            ),
            (
                "BITFIELD bf:s SET u63 1 9223372036854775807 GET u63 1",
                ints(&[0, 9223372036854775807]),
            ),
            // Reads past the end of the string are zeros; reads of a missing key too.
            ("BITFIELD bf:missing GET u8 0 GET i64 1000", ints(&[0, 0])),
            ("EXISTS bf:missing", Int(0)),
            ("SET bf:n 12345", Reply::Status("OK".into())),
            (
                "BITFIELD bf:n GET u8 0 GET u16 #2 GET u8 36",
                ints(&[49, 13568, 80]),
            ),
            ("BITFIELD bf:n SET u8 0 50", ints(&[49])),
            ("GET bf:n", bulk(b"22345")),
        ],
    );
}

#[test]
fn bitfield_overflow_modes() {
    let s = server();
    let mut c = Conn::new(&s);
    c.run("DEL bo:k");
    check(
        &mut c,
        &[
            ("BITFIELD bo:k INCRBY u2 0 5", ints(&[1])),
            ("BITFIELD bo:k OVERFLOW WRAP INCRBY u2 0 -2", ints(&[3])),
            (
                "BITFIELD bo:k OVERFLOW SAT INCRBY u2 0 10 INCRBY u2 0 -10",
                ints(&[3, 0]),
            ),
            (
                "BITFIELD bo:k OVERFLOW FAIL INCRBY u2 0 4 INCRBY u2 0 3 INCRBY u2 0 1",
                Array(vec![Nil, Int(3), Nil]),
            ),
            (
                "BITFIELD bo:k overflow fail SET i4 8 8 SET i4 8 7 SET i4 8 -9 SET i4 8 -8",
                Array(vec![Nil, Int(0), Nil, Int(7)]),
            ),
            (
                "BITFIELD bo:k OVERFLOW SAT SET i4 8 100 GET i4 8 SET i4 8 -100 GET i4 8",
                ints(&[-8, 7, 7, -8]),
            ),
            (
                "BITFIELD bo:k OVERFLOW WRAP SET i4 8 9 GET i4 8 INCRBY i4 8 -1",
                ints(&[-8, -7, -8]),
            ),
            // Unsigned SET of a negative value is its 64-bit pattern: too large.
            (
                "BITFIELD bo:k OVERFLOW SAT SET u8 16 -1 GET u8 16",
                ints(&[0, 255]),
            ),
            (
                "BITFIELD bo:k OVERFLOW WRAP SET u8 16 -2 GET u8 16",
                ints(&[255, 254]),
            ),
            (
                "BITFIELD bo:k OVERFLOW FAIL SET u8 16 -2 GET u8 16",
                Array(vec![Nil, Int(254)]),
            ),
            // 64-bit signed wrap and saturation.
            (
                "BITFIELD bo:k OVERFLOW SAT SET i64 32 9223372036854775807 INCRBY i64 32 1 \
                 OVERFLOW WRAP INCRBY i64 32 1 OVERFLOW SAT INCRBY i64 32 -1",
                ints(&[
                    0,
                    9223372036854775807,
                    -9223372036854775808,
                    -9223372036854775808,
                ]),
            ),
            // Redis's range check wraps for very negative SET values on narrow signed
            // types, which then saturate to the maximum.
            (
                "BITFIELD bo:k OVERFLOW SAT SET i8 0 -9223372036854775808 GET i8 0 \
                 SET i8 0 -9223372036854775681 GET i8 0 SET i8 0 -9223372036854775680 GET i8 0",
                ints(&[-64, 127, 127, 127, 127, -128]),
            ),
            (
                "BITFIELD bo:k OVERFLOW SAT SET i63 0 -4611686018427387905 GET i63 0",
                ints(&[-4593531980867436544, 4611686018427387903]),
            ),
            // The overflow mode applies to the operations after it only.
            (
                "BITFIELD bo:k SET u4 0 0 INCRBY u4 0 17 OVERFLOW SAT INCRBY u4 0 17",
                ints(&[7, 1, 15]),
            ),
        ],
    );
}

#[test]
fn bitfield_fail_still_creates_key() {
    let s = server();
    let mut c = Conn::new(&s);
    c.run("DEL bk:k bk:j");
    check(
        &mut c,
        &[
            (
                "BITFIELD bk:k OVERFLOW FAIL INCRBY u2 0 10",
                Array(vec![Nil]),
            ),
            ("GET bk:k", bulk(b"\x00")),
            (
                "BITFIELD bk:j OVERFLOW FAIL SET u2 100 10",
                Array(vec![Nil]),
            ),
            ("GET bk:j", Bulk(vec![0; 13])),
        ],
    );
}

#[test]
fn bitfield_offsets_and_errors() {
    let s = server();
    let mut c = Conn::new(&s);
    c.run("DEL be:k");
    check(
        &mut c,
        &[
            ("BITFIELD be:k GET u8 #536870911", ints(&[0])),
            ("BITFIELD be:k GET u8 #536870912", err(OFFSET_ERR)),
            ("BITFIELD be:k GET i64 #67108863", ints(&[0])),
            ("BITFIELD be:k GET i64 #67108864", err(OFFSET_ERR)),
            ("BITFIELD be:k GET i64 4294967295", ints(&[0])),
            ("BITFIELD be:k GET i64 4294967296", err(OFFSET_ERR)),
            // Redis multiplies `#N` offsets in 64-bit arithmetic, wrapping.
            ("BITFIELD be:k GET i64 #288230376151711745", ints(&[0])),
            ("BITFIELD be:k GET i64 #144115188075855872", err(OFFSET_ERR)),
            ("BITFIELD be:k GET u8 #-1", err(OFFSET_ERR)),
            ("BITFIELD be:k GET u8 -1", err(OFFSET_ERR)),
            ("BITFIELD be:k GET u8 #", err(OFFSET_ERR)),
            ("BITFIELD be:k GET u8 ##1", err(OFFSET_ERR)),
            ("BITFIELD be:k GET u8 +1", err(OFFSET_ERR)),
            ("BITFIELD be:k GET u8 x", err(OFFSET_ERR)),
            ("BITFIELD be:k GET u64 0", err(TYPE_ERR)),
            ("BITFIELD be:k GET i65 0", err(TYPE_ERR)),
            ("BITFIELD be:k GET i0 0", err(TYPE_ERR)),
            ("BITFIELD be:k GET I8 0", err(TYPE_ERR)),
            ("BITFIELD be:k GET u08 0", err(TYPE_ERR)),
            ("BITFIELD be:k GET x8 0", err(TYPE_ERR)),
            ("BITFIELD be:k GET u63 0 GET i64 0", ints(&[0, 0])),
            ("BITFIELD be:k SET u8 0 x", err(NOT_INT)),
            ("BITFIELD be:k INCRBY u8 0 1.5", err(NOT_INT)),
            ("BITFIELD be:k GET u8", err(SYNTAX)),
            ("BITFIELD be:k SET u8 0", err(SYNTAX)),
            ("BITFIELD be:k FOO u8 0", err(SYNTAX)),
            ("BITFIELD be:k OVERFLOW", err(SYNTAX)),
            (
                "BITFIELD be:k OVERFLOW FOO GET u8 0",
                err("ERR Invalid OVERFLOW type specified"),
            ),
            // Everything is parsed before anything runs.
            ("BITFIELD be:k SET u8 0 1 SET u8 0 x", err(NOT_INT)),
            ("BITFIELD be:k SET u8 0 1 GET u9 x", err(OFFSET_ERR)),
            ("EXISTS be:k", Int(0)),
            (
                "BITFIELD",
                err("ERR wrong number of arguments for 'bitfield' command"),
            ),
        ],
    );
}

#[test]
fn bitfield_ro_only_reads() {
    let s = server();
    let mut c = Conn::new(&s);
    c.run("DEL br:k");
    c.run("SET br:k hello");
    check(
        &mut c,
        &[
            ("BITFIELD_RO br:k GET u8 0 GET i8 #1", ints(&[104, 101])),
            ("BITFIELD_RO br:k OVERFLOW SAT GET u16 0", ints(&[26725])),
            ("BITFIELD_RO br:k", Array(vec![])),
            ("BITFIELD_RO br:missing GET u8 0", ints(&[0])),
            (
                "BITFIELD_RO br:k SET u8 0 1",
                err("ERR BITFIELD_RO only supports the GET subcommand"),
            ),
            (
                "BITFIELD_RO br:k GET u8 0 INCRBY u8 0 1",
                err("ERR BITFIELD_RO only supports the GET subcommand"),
            ),
            ("BITFIELD_RO br:k GET u8 0 SET u8 0 x", err(NOT_INT)),
            ("BITFIELD_RO br:k FOO", err(SYNTAX)),
            ("GET br:k", bulk(b"hello")),
            (
                "BITFIELD_RO",
                err("ERR wrong number of arguments for 'bitfield_ro' command"),
            ),
        ],
    );
}

/// Polls until `key` no longer exists; false if it is still there after `limit`.
fn expires_within(c: &mut Conn, key: &str, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if c.run(&format!("EXISTS {key}")) == Int(0) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn writes_keep_the_ttl() {
    let s = server();
    let mut c = Conn::new(&s);
    c.run("DEL tk:a tk:b");
    c.run("SET tk:a hello PX 300");
    c.run("SET tk:b 12 PX 300");
    assert_eq!(c.run("SETBIT tk:a 100 1"), Int(0));
    assert_eq!(c.run("BITFIELD tk:b SET u8 #3 7"), ints(&[0]));
    assert!(
        expires_within(&mut c, "tk:a", Duration::from_secs(20)),
        "SETBIT dropped the TTL"
    );
    assert!(
        expires_within(&mut c, "tk:b", Duration::from_secs(20)),
        "BITFIELD dropped the TTL"
    );
}

#[test]
fn bitop_destination_loses_its_ttl() {
    let s = server();
    let mut c = Conn::new(&s);
    c.run("DEL {tb}d {tb}marker");
    c.run("SET {tb}d old PX 200");
    c.run("SET {tb}marker x PX 200");
    assert_eq!(c.run("BITOP NOT {tb}d {tb}marker"), Int(1));
    // The marker was set after the destination with the same TTL: once it is gone,
    // the destination would be too if it had kept its TTL.
    assert!(expires_within(
        &mut c,
        "{tb}marker",
        Duration::from_secs(20)
    ));
    assert_eq!(c.run("GET {tb}d"), bulk(b"\x87"));
}
