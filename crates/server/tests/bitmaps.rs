//! Bitmap commands over TCP: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO.
//!
//! Every expected value was taken from a real Redis server. Setting
//! `CINNABAR_DIFF_SUBJECT=/usr/bin/redis-server` runs the same tests against
//! redis-server instead of `cinnabar-server` (see `support::start_cinnabar`).
//! Each test uses its own key prefix.

mod support;

use std::time::{Duration, Instant};

use support::resp::Frame;
use support::RawClient;

const OFFSET_ERR: &str = "ERR bit offset is not an integer or out of range";
const TYPE_ERR: &str =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";
const NOT_INT: &str = "ERR value is not an integer or out of range";
const SYNTAX: &str = "ERR syntax error";

/// Sets `key` to arbitrary bytes.
fn set_bytes(c: &mut RawClient, key: &str, value: &[u8]) {
    assert_eq!(
        c.cmd(&[&b"SET"[..], key.as_bytes(), value]),
        b"+OK\r\n",
        "SET {key}"
    );
}

/// Checks each `(command, expected)` pair in order.
fn check(c: &mut RawClient, cases: &[(&str, Frame)]) {
    for (line, expected) in cases {
        assert_eq!(&c.frame_line(line), expected, "{line}");
    }
}

#[test]
fn setbit_and_getbit() {
    let s = support::start_cinnabar(&[]);
    let mut c = s.connect();
    c.frame_line("DEL sg:k sg:n");
    check(
        &mut c,
        &[
            ("GETBIT sg:k 0", Frame::int(0)),
            ("SETBIT sg:k 7 1", Frame::int(0)),
            ("GET sg:k", Frame::bulk(b"\x01")),
            ("SETBIT sg:k 7 1", Frame::int(1)),
            ("SETBIT sg:k 7 0", Frame::int(1)),
            ("GETBIT sg:k 7", Frame::int(0)),
            ("SETBIT sg:k 0 1", Frame::int(0)),
            ("SETBIT sg:k 23 1", Frame::int(0)),
            ("GET sg:k", Frame::bulk(b"\x80\x00\x01")),
            ("GETBIT sg:k 0", Frame::int(1)),
            ("GETBIT sg:k 1", Frame::int(0)),
            ("GETBIT sg:k 23", Frame::int(1)),
            ("GETBIT sg:k 24", Frame::int(0)),
            ("GETBIT sg:k 4294967295", Frame::int(0)),
            // An integer-encoded value is read, and then modified, as its text.
            ("SET sg:n 12345", Frame::ok()),
            ("GETBIT sg:n 2", Frame::int(1)),
            ("GETBIT sg:n 3", Frame::int(1)),
            ("GETBIT sg:n 4", Frame::int(0)),
            ("SETBIT sg:n 0 0", Frame::int(0)),
            ("GET sg:n", Frame::bulk(b"12345")),
            ("SETBIT sg:n 6 0", Frame::int(0)),
            ("SETBIT sg:n 7 0", Frame::int(1)),
            ("GET sg:n", Frame::bulk(b"02345")),
        ],
    );
}

#[test]
fn setbit_getbit_errors() {
    let s = support::start_cinnabar(&[]);
    let mut c = s.connect();
    c.frame_line("DEL se:k");
    check(
        &mut c,
        &[
            ("SETBIT se:k -1 1", Frame::error(OFFSET_ERR)),
            ("SETBIT se:k 4294967296 1", Frame::error(OFFSET_ERR)),
            ("SETBIT se:k x 1", Frame::error(OFFSET_ERR)),
            ("SETBIT se:k 01 1", Frame::error(OFFSET_ERR)),
            (
                "SETBIT se:k 1 2",
                Frame::error("ERR bit is not an integer or out of range"),
            ),
            (
                "SETBIT se:k 1 -1",
                Frame::error("ERR bit is not an integer or out of range"),
            ),
            (
                "SETBIT se:k 1 x",
                Frame::error("ERR bit is not an integer or out of range"),
            ),
            ("GETBIT se:k 4294967296", Frame::error(OFFSET_ERR)),
            ("GETBIT se:k -1", Frame::error(OFFSET_ERR)),
            ("EXISTS se:k", Frame::int(0)),
            (
                "SETBIT se:k 1",
                Frame::error("ERR wrong number of arguments for 'setbit' command"),
            ),
            (
                "GETBIT se:k",
                Frame::error("ERR wrong number of arguments for 'getbit' command"),
            ),
        ],
    );
}

#[test]
fn bitcount_ranges() {
    let s = support::start_cinnabar(&[]);
    let mut c = s.connect();
    c.frame_line("DEL bc:s bc:e bc:n");
    c.frame_line("SET bc:s foobar");
    c.frame_line("SET bc:n 12345");
    set_bytes(&mut c, "bc:e", b"");
    check(
        &mut c,
        &[
            ("BITCOUNT bc:s", Frame::int(26)),
            ("BITCOUNT bc:s 0 0", Frame::int(4)),
            ("BITCOUNT bc:s 1 1", Frame::int(6)),
            ("BITCOUNT bc:s 1 1 BYTE", Frame::int(6)),
            ("BITCOUNT bc:s 5 30 BIT", Frame::int(17)),
            ("BITCOUNT bc:s 0 -1 bit", Frame::int(26)),
            ("BITCOUNT bc:s -2 -1", Frame::int(7)),
            ("BITCOUNT bc:s -100 100", Frame::int(26)),
            ("BITCOUNT bc:s -1 -3", Frame::int(0)),
            ("BITCOUNT bc:s -10 -20", Frame::int(0)),
            ("BITCOUNT bc:s 3 1", Frame::int(0)),
            ("BITCOUNT bc:s 1 3 BIT", Frame::int(2)),
            ("BITCOUNT bc:s -3 -1 BIT", Frame::int(1)),
            ("BITCOUNT bc:s 47 47 BIT", Frame::int(0)),
            ("BITCOUNT bc:s 46 46 BIT", Frame::int(1)),
            ("BITCOUNT bc:n", Frame::int(17)),
            ("BITCOUNT bc:e", Frame::int(0)),
            ("BITCOUNT bc:e 0 -1", Frame::int(0)),
            ("BITCOUNT bc:missing", Frame::int(0)),
            // Redis 7.2 answers 0 for a missing key before parsing the arguments.
            ("BITCOUNT bc:missing 0", Frame::int(0)),
            ("BITCOUNT bc:missing a b", Frame::int(0)),
            ("BITCOUNT bc:s 0", Frame::error(SYNTAX)),
            ("BITCOUNT bc:s 1 1 foo", Frame::error(SYNTAX)),
            ("BITCOUNT bc:s 1 1 bit x", Frame::error(SYNTAX)),
            ("BITCOUNT bc:s a 1", Frame::error(NOT_INT)),
            ("BITCOUNT bc:s 1 a BIT", Frame::error(NOT_INT)),
            // Both negative with start > end: 0 before the unit keyword is read.
            ("BITCOUNT bc:s -2 -9 bits", Frame::int(0)),
            (
                "BITCOUNT",
                Frame::error("ERR wrong number of arguments for 'bitcount' command"),
            ),
        ],
    );
}

#[test]
fn bitpos_search() {
    let s = support::start_cinnabar(&[]);
    let mut c = s.connect();
    c.frame_line("DEL bp:a bp:b bp:z bp:e bp:n bp:s");
    set_bytes(&mut c, "bp:a", b"\xff\xf0\x00");
    set_bytes(&mut c, "bp:b", b"\x00\x0f\x00");
    set_bytes(&mut c, "bp:z", b"\xff\xff\xff");
    set_bytes(&mut c, "bp:e", b"");
    c.frame_line("SET bp:n 12345");
    c.frame_line("SET bp:s foobar");
    check(
        &mut c,
        &[
            ("BITPOS bp:a 0", Frame::int(12)),
            ("BITPOS bp:a 1", Frame::int(0)),
            ("BITPOS bp:a 1 2", Frame::int(-1)),
            ("BITPOS bp:a 0 2", Frame::int(16)),
            ("BITPOS bp:a 0 1 1", Frame::int(12)),
            ("BITPOS bp:a 1 1 -1", Frame::int(8)),
            ("BITPOS bp:a 0 3 11 BIT", Frame::int(-1)),
            ("BITPOS bp:a 0 3 12 BIT", Frame::int(12)),
            ("BITPOS bp:a 1 12 -1 bit", Frame::int(-1)),
            ("BITPOS bp:a 1 7 15 BYTE", Frame::int(-1)),
            ("BITPOS bp:b 1", Frame::int(12)),
            ("BITPOS bp:b 1 2", Frame::int(-1)),
            ("BITPOS bp:b 1 13 BIT", Frame::error(NOT_INT)),
            ("BITPOS bp:b 1 13 -1 BIT", Frame::int(13)),
            ("BITPOS bp:b 0 12 15 BIT", Frame::int(-1)),
            ("BITPOS bp:b 0 12 16 BIT", Frame::int(16)),
            // All ones: a zero is reported just past the end, unless an end is given.
            ("BITPOS bp:z 0", Frame::int(24)),
            ("BITPOS bp:z 0 1", Frame::int(24)),
            ("BITPOS bp:z 0 -1", Frame::int(24)),
            ("BITPOS bp:z 0 0 -1", Frame::int(-1)),
            ("BITPOS bp:z 0 0 1", Frame::int(-1)),
            ("BITPOS bp:z 0 0 -1 BIT", Frame::int(-1)),
            ("BITPOS bp:z 0 5", Frame::int(-1)),
            ("BITPOS bp:z 1 -1", Frame::int(16)),
            ("BITPOS bp:z 1 -1 -1 BIT", Frame::int(23)),
            ("BITPOS bp:z 1 -100 -200", Frame::int(0)),
            ("BITPOS bp:e 0", Frame::int(-1)),
            ("BITPOS bp:e 1", Frame::int(-1)),
            ("BITPOS bp:e 0 0 -1", Frame::int(-1)),
            ("BITPOS bp:n 1", Frame::int(2)),
            ("BITPOS bp:n 0", Frame::int(0)),
            ("BITPOS bp:s 1 -10 -20", Frame::int(1)),
            ("BITPOS bp:s 0 2 1", Frame::int(-1)),
            // A missing key is an endless run of zeros, whatever the range says.
            ("BITPOS bp:missing 0", Frame::int(0)),
            ("BITPOS bp:missing 1", Frame::int(-1)),
            ("BITPOS bp:missing 0 0 1 hello", Frame::int(0)),
            (
                "BITPOS bp:missing 2",
                Frame::error("ERR The bit argument must be 1 or 0."),
            ),
            ("BITPOS bp:missing x", Frame::error(NOT_INT)),
            (
                "BITPOS bp:a 2 a",
                Frame::error("ERR The bit argument must be 1 or 0."),
            ),
            ("BITPOS bp:a 1 a", Frame::error(NOT_INT)),
            ("BITPOS bp:a 1 0 x", Frame::error(NOT_INT)),
            ("BITPOS bp:a 1 0 x foo", Frame::error(SYNTAX)),
            ("BITPOS bp:a 1 0 1 bits", Frame::error(SYNTAX)),
            ("BITPOS bp:a 1 0 1 BIT x", Frame::error(SYNTAX)),
            (
                "BITPOS bp:a",
                Frame::error("ERR wrong number of arguments for 'bitpos' command"),
            ),
        ],
    );
}

#[test]
fn bitop_operations() {
    let s = support::start_cinnabar(&[]);
    let mut c = s.connect();
    c.frame_line("DEL {bo}a {bo}b {bo}n {bo}e {bo}d");
    set_bytes(&mut c, "{bo}a", b"\xff\xf0\x0f");
    set_bytes(&mut c, "{bo}b", b"\x0f\x0f");
    set_bytes(&mut c, "{bo}e", b"");
    c.frame_line("SET {bo}n 12");
    check(
        &mut c,
        &[
            ("BITOP AND {bo}d {bo}a {bo}b", Frame::int(3)),
            ("GET {bo}d", Frame::bulk(b"\x0f\x00\x00")),
            ("BITOP OR {bo}d {bo}a {bo}b", Frame::int(3)),
            ("GET {bo}d", Frame::bulk(b"\xff\xff\x0f")),
            ("BITOP XOR {bo}d {bo}a {bo}b", Frame::int(3)),
            ("GET {bo}d", Frame::bulk(b"\xf0\xff\x0f")),
            ("BITOP NOT {bo}d {bo}b", Frame::int(2)),
            ("GET {bo}d", Frame::bulk(b"\xf0\xf0")),
            ("BITOP xor {bo}d {bo}a {bo}b {bo}a", Frame::int(3)),
            ("GET {bo}d", Frame::bulk(b"\x0f\x0f\x00")),
            // Missing sources are empty strings (zero bytes).
            ("BITOP AND {bo}d {bo}a {bo}missing", Frame::int(3)),
            ("GET {bo}d", Frame::bulk(b"\x00\x00\x00")),
            ("BITOP OR {bo}d {bo}missing {bo}b", Frame::int(2)),
            ("GET {bo}d", Frame::bulk(b"\x0f\x0f")),
            // Integer-encoded sources are their decimal text.
            ("BITOP OR {bo}d {bo}n {bo}b", Frame::int(2)),
            ("GET {bo}d", Frame::bulk(b"\x3f\x3f")),
            ("BITOP NOT {bo}d {bo}n", Frame::int(2)),
            ("GET {bo}d", Frame::bulk(b"\xce\xcd")),
            // The destination may be a source.
            ("BITOP NOT {bo}d {bo}d", Frame::int(2)),
            ("GET {bo}d", Frame::bulk(b"12")),
            // An empty result deletes the destination.
            ("BITOP OR {bo}d {bo}missing {bo}e", Frame::int(0)),
            ("EXISTS {bo}d", Frame::int(0)),
            ("SET {bo}d x", Frame::ok()),
            ("BITOP NOT {bo}d {bo}missing", Frame::int(0)),
            ("EXISTS {bo}d", Frame::int(0)),
            (
                "BITOP NOT {bo}d {bo}a {bo}b",
                Frame::error("ERR BITOP NOT must be called with a single source key."),
            ),
            ("BITOP NAND {bo}d {bo}a", Frame::error(SYNTAX)),
            (
                "BITOP AND {bo}d",
                Frame::error("ERR wrong number of arguments for 'bitop' command"),
            ),
        ],
    );
}

#[test]
fn bitop_large_and_uneven() {
    let s = support::start_cinnabar(&[]);
    let mut c = s.connect();
    c.frame_line("DEL {bl}a {bl}b {bl}c {bl}d");
    // Lengths across several internal blocks, none a multiple of a word.
    let a: Vec<u8> = (0..200_003u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let b: Vec<u8> = (0..150_001u32)
        .map(|i| (i.wrapping_mul(40_503) >> 5) as u8)
        .collect();
    let cc: Vec<u8> = (0..70_007u32).map(|i| !(i as u8)).collect();
    set_bytes(&mut c, "{bl}a", &a);
    set_bytes(&mut c, "{bl}b", &b);
    set_bytes(&mut c, "{bl}c", &cc);
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
            c.frame(&["BITOP", op, "{bl}d", "{bl}a", "{bl}b", "{bl}c"]),
            Frame::int(a.len() as i64)
        );
        assert_eq!(c.frame_line("GET {bl}d"), Frame::bulk(&expected), "{op}");
        let ones: u32 = expected.iter().map(|x| x.count_ones()).sum();
        assert_eq!(
            c.frame_line("BITCOUNT {bl}d"),
            Frame::int(i64::from(ones)),
            "{op}"
        );
    }
    let expected: Vec<u8> = b.iter().map(|x| !x).collect();
    assert_eq!(
        c.frame_line("BITOP NOT {bl}d {bl}b"),
        Frame::int(b.len() as i64)
    );
    assert_eq!(c.frame_line("GET {bl}d"), Frame::bulk(expected));
}

#[test]
fn bitfield_get_set_incrby() {
    let s = support::start_cinnabar(&[]);
    let mut c = s.connect();
    c.frame_line("DEL bf:k bf:n bf:s");
    check(
        &mut c,
        &[
            (
                "BITFIELD bf:k SET u8 0 255 GET u8 0",
                Frame::ints(&[0, 255]),
            ),
            (
                "BITFIELD bf:k SET i8 0 -1 GET i8 0 GET u4 0 GET i4 4",
                Frame::ints(&[-1, -1, 15, -1]),
            ),
            (
                "BITFIELD bf:k INCRBY u2 100 1 OVERFLOW SAT INCRBY i4 104 -100",
                Frame::ints(&[1, -8]),
            ),
            (
                "BITFIELD bf:k GET u2 100 GET i4 104 GET u8 #12",
                Frame::ints(&[1, -8, 4]),
            ),
            (
                "BITFIELD bf:k SET u8 #1 200 GET u8 8 GET u16 #0",
                Frame::ints(&[0, 200, 65480]),
            ),
            ("BITFIELD bf:k", Frame::array(vec![])),
            // Fields straddling byte boundaries, 64-bit signed and 63-bit unsigned.
            (
                "BITFIELD bf:s SET u5 3 23 GET u8 0 SET u5 7 23 GET u8 0 GET u8 8",
                Frame::ints(&[0, 23, 16, 23, 112]),
            ),
            (
                "BITFIELD bf:s SET i64 5 -2 GET i64 5 GET u63 6",
                Frame::ints(&[-1297036692682702848, -2, 9223372036854775806]),
            ),
            (
                "BITFIELD bf:s SET i64 0 9223372036854775807 INCRBY i64 0 1",
                Frame::ints(&[1729382256910270463, -9223372036854775808]),
            ),
            (
                "BITFIELD bf:s SET u63 1 9223372036854775807 GET u63 1",
                Frame::ints(&[0, 9223372036854775807]),
            ),
            // Reads past the end of the string are zeros; reads of a missing key too.
            (
                "BITFIELD bf:missing GET u8 0 GET i64 1000",
                Frame::ints(&[0, 0]),
            ),
            ("EXISTS bf:missing", Frame::int(0)),
            ("SET bf:n 12345", Frame::ok()),
            (
                "BITFIELD bf:n GET u8 0 GET u16 #2 GET u8 36",
                Frame::ints(&[49, 13568, 80]),
            ),
            ("BITFIELD bf:n SET u8 0 50", Frame::ints(&[49])),
            ("GET bf:n", Frame::bulk(b"22345")),
        ],
    );
}

#[test]
fn bitfield_overflow_modes() {
    let s = support::start_cinnabar(&[]);
    let mut c = s.connect();
    c.frame_line("DEL bo:k");
    check(
        &mut c,
        &[
            ("BITFIELD bo:k INCRBY u2 0 5", Frame::ints(&[1])),
            (
                "BITFIELD bo:k OVERFLOW WRAP INCRBY u2 0 -2",
                Frame::ints(&[3]),
            ),
            (
                "BITFIELD bo:k OVERFLOW SAT INCRBY u2 0 10 INCRBY u2 0 -10",
                Frame::ints(&[3, 0]),
            ),
            (
                "BITFIELD bo:k OVERFLOW FAIL INCRBY u2 0 4 INCRBY u2 0 3 INCRBY u2 0 1",
                Frame::array(vec![Frame::nil(), Frame::int(3), Frame::nil()]),
            ),
            (
                "BITFIELD bo:k overflow fail SET i4 8 8 SET i4 8 7 SET i4 8 -9 SET i4 8 -8",
                Frame::array(vec![
                    Frame::nil(),
                    Frame::int(0),
                    Frame::nil(),
                    Frame::int(7),
                ]),
            ),
            (
                "BITFIELD bo:k OVERFLOW SAT SET i4 8 100 GET i4 8 SET i4 8 -100 GET i4 8",
                Frame::ints(&[-8, 7, 7, -8]),
            ),
            (
                "BITFIELD bo:k OVERFLOW WRAP SET i4 8 9 GET i4 8 INCRBY i4 8 -1",
                Frame::ints(&[-8, -7, -8]),
            ),
            // Unsigned SET of a negative value is its 64-bit pattern: too large.
            (
                "BITFIELD bo:k OVERFLOW SAT SET u8 16 -1 GET u8 16",
                Frame::ints(&[0, 255]),
            ),
            (
                "BITFIELD bo:k OVERFLOW WRAP SET u8 16 -2 GET u8 16",
                Frame::ints(&[255, 254]),
            ),
            (
                "BITFIELD bo:k OVERFLOW FAIL SET u8 16 -2 GET u8 16",
                Frame::array(vec![Frame::nil(), Frame::int(254)]),
            ),
            // 64-bit signed wrap and saturation.
            (
                "BITFIELD bo:k OVERFLOW SAT SET i64 32 9223372036854775807 INCRBY i64 32 1 \
                 OVERFLOW WRAP INCRBY i64 32 1 OVERFLOW SAT INCRBY i64 32 -1",
                Frame::ints(&[
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
                Frame::ints(&[-64, 127, 127, 127, 127, -128]),
            ),
            (
                "BITFIELD bo:k OVERFLOW SAT SET i63 0 -4611686018427387905 GET i63 0",
                Frame::ints(&[-4593531980867436544, 4611686018427387903]),
            ),
            // The overflow mode applies to the operations after it only.
            (
                "BITFIELD bo:k SET u4 0 0 INCRBY u4 0 17 OVERFLOW SAT INCRBY u4 0 17",
                Frame::ints(&[7, 1, 15]),
            ),
        ],
    );
}

#[test]
fn bitfield_fail_still_creates_key() {
    let s = support::start_cinnabar(&[]);
    let mut c = s.connect();
    c.frame_line("DEL bk:k bk:j");
    check(
        &mut c,
        &[
            (
                "BITFIELD bk:k OVERFLOW FAIL INCRBY u2 0 10",
                Frame::array(vec![Frame::nil()]),
            ),
            ("GET bk:k", Frame::bulk(b"\x00")),
            (
                "BITFIELD bk:j OVERFLOW FAIL SET u2 100 10",
                Frame::array(vec![Frame::nil()]),
            ),
            ("GET bk:j", Frame::bulk(vec![0; 13])),
        ],
    );
}

#[test]
fn bitfield_offsets_and_errors() {
    let s = support::start_cinnabar(&[]);
    let mut c = s.connect();
    c.frame_line("DEL be:k");
    check(
        &mut c,
        &[
            ("BITFIELD be:k GET u8 #536870911", Frame::ints(&[0])),
            ("BITFIELD be:k GET u8 #536870912", Frame::error(OFFSET_ERR)),
            ("BITFIELD be:k GET i64 #67108863", Frame::ints(&[0])),
            ("BITFIELD be:k GET i64 #67108864", Frame::error(OFFSET_ERR)),
            ("BITFIELD be:k GET i64 4294967295", Frame::ints(&[0])),
            ("BITFIELD be:k GET i64 4294967296", Frame::error(OFFSET_ERR)),
            // Redis multiplies `#N` offsets in 64-bit arithmetic, wrapping.
            (
                "BITFIELD be:k GET i64 #288230376151711745",
                Frame::ints(&[0]),
            ),
            (
                "BITFIELD be:k GET i64 #144115188075855872",
                Frame::error(OFFSET_ERR),
            ),
            ("BITFIELD be:k GET u8 #-1", Frame::error(OFFSET_ERR)),
            ("BITFIELD be:k GET u8 -1", Frame::error(OFFSET_ERR)),
            ("BITFIELD be:k GET u8 #", Frame::error(OFFSET_ERR)),
            ("BITFIELD be:k GET u8 ##1", Frame::error(OFFSET_ERR)),
            ("BITFIELD be:k GET u8 +1", Frame::error(OFFSET_ERR)),
            ("BITFIELD be:k GET u8 x", Frame::error(OFFSET_ERR)),
            ("BITFIELD be:k GET u64 0", Frame::error(TYPE_ERR)),
            ("BITFIELD be:k GET i65 0", Frame::error(TYPE_ERR)),
            ("BITFIELD be:k GET i0 0", Frame::error(TYPE_ERR)),
            ("BITFIELD be:k GET I8 0", Frame::error(TYPE_ERR)),
            ("BITFIELD be:k GET u08 0", Frame::error(TYPE_ERR)),
            ("BITFIELD be:k GET x8 0", Frame::error(TYPE_ERR)),
            ("BITFIELD be:k GET u63 0 GET i64 0", Frame::ints(&[0, 0])),
            ("BITFIELD be:k SET u8 0 x", Frame::error(NOT_INT)),
            ("BITFIELD be:k INCRBY u8 0 1.5", Frame::error(NOT_INT)),
            ("BITFIELD be:k GET u8", Frame::error(SYNTAX)),
            ("BITFIELD be:k SET u8 0", Frame::error(SYNTAX)),
            ("BITFIELD be:k FOO u8 0", Frame::error(SYNTAX)),
            ("BITFIELD be:k OVERFLOW", Frame::error(SYNTAX)),
            (
                "BITFIELD be:k OVERFLOW FOO GET u8 0",
                Frame::error("ERR Invalid OVERFLOW type specified"),
            ),
            // Everything is parsed before anything runs.
            ("BITFIELD be:k SET u8 0 1 SET u8 0 x", Frame::error(NOT_INT)),
            (
                "BITFIELD be:k SET u8 0 1 GET u9 x",
                Frame::error(OFFSET_ERR),
            ),
            ("EXISTS be:k", Frame::int(0)),
            (
                "BITFIELD",
                Frame::error("ERR wrong number of arguments for 'bitfield' command"),
            ),
        ],
    );
}

#[test]
fn bitfield_ro_only_reads() {
    let s = support::start_cinnabar(&[]);
    let mut c = s.connect();
    c.frame_line("DEL br:k");
    c.frame_line("SET br:k hello");
    check(
        &mut c,
        &[
            (
                "BITFIELD_RO br:k GET u8 0 GET i8 #1",
                Frame::ints(&[104, 101]),
            ),
            (
                "BITFIELD_RO br:k OVERFLOW SAT GET u16 0",
                Frame::ints(&[26725]),
            ),
            ("BITFIELD_RO br:k", Frame::array(vec![])),
            ("BITFIELD_RO br:missing GET u8 0", Frame::ints(&[0])),
            (
                "BITFIELD_RO br:k SET u8 0 1",
                Frame::error("ERR BITFIELD_RO only supports the GET subcommand"),
            ),
            (
                "BITFIELD_RO br:k GET u8 0 INCRBY u8 0 1",
                Frame::error("ERR BITFIELD_RO only supports the GET subcommand"),
            ),
            (
                "BITFIELD_RO br:k GET u8 0 SET u8 0 x",
                Frame::error(NOT_INT),
            ),
            ("BITFIELD_RO br:k FOO", Frame::error(SYNTAX)),
            ("GET br:k", Frame::bulk(b"hello")),
            (
                "BITFIELD_RO",
                Frame::error("ERR wrong number of arguments for 'bitfield_ro' command"),
            ),
        ],
    );
}

/// Polls until `key` no longer exists; false if it is still there after `limit`.
fn expires_within(c: &mut RawClient, key: &str, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if c.frame_line(&format!("EXISTS {key}")) == Frame::int(0) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[test]
fn writes_keep_the_ttl() {
    let s = support::start_cinnabar(&[]);
    let mut c = s.connect();
    c.frame_line("DEL tk:a tk:b");
    c.frame_line("SET tk:a hello PX 300");
    c.frame_line("SET tk:b 12 PX 300");
    assert_eq!(c.frame_line("SETBIT tk:a 100 1"), Frame::int(0));
    assert_eq!(c.frame_line("BITFIELD tk:b SET u8 #3 7"), Frame::ints(&[0]));
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
    let s = support::start_cinnabar(&[]);
    let mut c = s.connect();
    c.frame_line("DEL {tb}d {tb}marker");
    c.frame_line("SET {tb}d old PX 200");
    c.frame_line("SET {tb}marker x PX 200");
    assert_eq!(c.frame_line("BITOP NOT {tb}d {tb}marker"), Frame::int(1));
    // The marker was set after the destination with the same TTL: once it is gone,
    // the destination would be too if it had kept its TTL.
    assert!(expires_within(
        &mut c,
        "{tb}marker",
        Duration::from_secs(20)
    ));
    assert_eq!(c.frame_line("GET {tb}d"), Frame::bulk(b"\x87"));
}
