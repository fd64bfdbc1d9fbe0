//! Differential tests of command metadata: COMMAND INFO, COMMAND DOCS and
//! COMMAND GETKEYS / GETKEYSANDFLAGS against the reference `redis-server`.
//!
//! For every command both servers know (COMMAND LIST on each), COMMAND INFO
//! and COMMAND DOCS replies (RESP3) are compared byte for byte after:
//! * removing key-spec `notes` (free text),
//! * blanking the summary, complexity and history texts of COMMAND DOCS
//!   (their presence and the history versions are still compared),
//! * replacing a container's subcommand details by the sorted names of the
//!   subcommands both servers know (Redis lists them in hash order; each
//!   subcommand is compared on its own).
//!
//! COMMAND INFO is also compared raw in RESP2 wherever nothing needs blanking.
//!
//! The reference is Debian's Redis 7.0 while Cinnabar follows 7.2. When the
//! reference reports a version below 7.2, the parts listed in
//! [`CHANGED_IN_72`] are left out of the comparison and `display_text` (new in
//! 7.2's COMMAND DOCS) is removed from our replies; commands only we know must
//! be listed in [`NEW_IN_72`]. Pointed at a 7.2 server
//! (`CINNABAR_DIFF_REFERENCE=/path/to/redis-server-7.2`), everything is
//! compared.

mod support;

use std::collections::BTreeSet;

use support::resp::{escape, parse_exact, Frame};
use support::{DiffPair, Reply};

/// A part of a command's metadata that changed between Redis 7.0 and 7.2.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Part {
    /// COMMAND INFO arity.
    Arity,
    /// COMMAND INFO flags.
    Flags,
    /// COMMAND INFO tips.
    Tips,
    /// COMMAND DOCS arguments.
    Args,
    /// COMMAND DOCS history versions.
    History,
    /// COMMAND DOCS doc_flags, deprecated_since and replaced_by.
    Deprecation,
    /// COMMAND DOCS since.
    Since,
}

/// Metadata that Redis 7.2 changed, from its command JSON files (the `since`
/// and `history` fields, and 7.2's argument renames): (command, part, reason).
const CHANGED_IN_72: &[(&str, Part, &str)] = &[
    (
        "acl|cat",
        Part::Args,
        "argument renamed categoryname -> category",
    ),
    (
        "acl|deluser",
        Part::Tips,
        "7.2 adds request/response policy tips",
    ),
    (
        "acl|log",
        Part::History,
        "7.2.0 history entry (entry id, timestamps)",
    ),
    (
        "acl|save",
        Part::Tips,
        "7.2 adds request/response policy tips",
    ),
    (
        "acl|setuser",
        Part::Tips,
        "7.2 adds request/response policy tips",
    ),
    (
        "bitcount",
        Part::Args,
        "blocks renamed index -> range, index_unit -> unit",
    ),
    (
        "bitfield",
        Part::Args,
        "blocks renamed get-block, overflow-block, set-block...",
    ),
    (
        "bitfield_ro",
        Part::Args,
        "block renamed encoding_offset -> get-block",
    ),
    (
        "bitop",
        Part::Args,
        "operation became a oneof of AND/OR/XOR/NOT tokens",
    ),
    (
        "bitpos",
        Part::Args,
        "blocks renamed range, end-unit-block, unit",
    ),
    (
        "blmove",
        Part::Flags,
        "blocking commands lost noscript in 7.2",
    ),
    (
        "blpop",
        Part::Flags,
        "blocking commands lost noscript in 7.2",
    ),
    (
        "brpop",
        Part::Flags,
        "blocking commands lost noscript in 7.2",
    ),
    (
        "brpoplpush",
        Part::Flags,
        "blocking commands lost noscript in 7.2",
    ),
    (
        "bzpopmax",
        Part::Flags,
        "blocking commands lost noscript in 7.2",
    ),
    (
        "bzpopmin",
        Part::Flags,
        "blocking commands lost noscript in 7.2",
    ),
    (
        "client|kill",
        Part::Args,
        "filters renamed (old-format, client-type, addr, laddr, skipme oneof)",
    ),
    (
        "client|list",
        Part::Args,
        "TYPE renamed client-type; ID became a multiple integer",
    ),
    (
        "client|pause",
        Part::Since,
        "since corrected from 2.9.50 to 3.0.0",
    ),
    (
        "client|reply",
        Part::Args,
        "argument renamed on_off_skip -> action",
    ),
    (
        "client|setname",
        Part::Tips,
        "7.2 adds request/response policy tips",
    ),
    (
        "client|unblock",
        Part::Args,
        "argument renamed timeout_error -> unblock-type",
    ),
    ("command|getkeys", Part::Arity, "arity -4 -> -3 in 7.2"),
    (
        "command|getkeys",
        Part::Args,
        "arguments documented since 7.2",
    ),
    (
        "command|getkeysandflags",
        Part::Arity,
        "arity -4 -> -3 in 7.2",
    ),
    (
        "command|getkeysandflags",
        Part::Args,
        "arguments documented since 7.2",
    ),
    (
        "config|get",
        Part::Args,
        "parameter is a plain multiple string in 7.2",
    ),
    (
        "config|resetstat",
        Part::Tips,
        "7.2 adds request/response policy tips",
    ),
    (
        "config|rewrite",
        Part::Tips,
        "7.2 adds request/response policy tips",
    ),
    (
        "config|set",
        Part::Args,
        "block renamed parameter_value -> data",
    ),
    (
        "flushall",
        Part::Args,
        "argument renamed async -> flush-type",
    ),
    (
        "flushdb",
        Part::Args,
        "argument renamed async -> flush-type",
    ),
    (
        "geoadd",
        Part::Args,
        "block renamed longitude_latitude_member -> data",
    ),
    ("geohash", Part::Args, "member became optional"),
    ("geopos", Part::Args, "member became optional"),
    (
        "georadius",
        Part::Args,
        "count-block; STORE/STOREDIST became a oneof",
    ),
    (
        "georadius_ro",
        Part::Args,
        "block renamed count -> count-block",
    ),
    (
        "georadiusbymember",
        Part::Args,
        "count-block; STORE/STOREDIST became a oneof",
    ),
    (
        "georadiusbymember_ro",
        Part::Args,
        "block renamed count -> count-block",
    ),
    (
        "geosearch",
        Part::Args,
        "blocks renamed fromlonlat, count-block",
    ),
    (
        "geosearchstore",
        Part::Args,
        "blocks renamed fromlonlat, count-block",
    ),
    (
        "hello",
        Part::Args,
        "block renamed username_password -> auth",
    ),
    ("hmset", Part::Args, "block renamed field_value -> data"),
    ("hset", Part::Args, "block renamed field_value -> data"),
    (
        "latency|reset",
        Part::Tips,
        "response policy all_succeeded -> agg_sum",
    ),
    ("lcs", Part::Args, "argument renamed len -> min-match-len"),
    (
        "migrate",
        Part::Args,
        "key-selector, empty-string, auth, auth2, keys renames",
    ),
    (
        "module|loadex",
        Part::Args,
        "ARGS became a plain multiple string",
    ),
    ("mset", Part::Args, "block renamed key_value -> data"),
    (
        "msetnx",
        Part::Tips,
        "7.2 dropped the multi_shard/agg_min tips",
    ),
    ("msetnx", Part::Args, "block renamed key_value -> data"),
    ("pfmerge", Part::Args, "sourcekey became optional"),
    (
        "psetex",
        Part::Deprecation,
        "deprecated in 7.2's docs (since 2.6.12)",
    ),
    ("quit", Part::Deprecation, "deprecated since 7.2.0"),
    ("randomkey", Part::Tips, "7.2 adds response_policy:special"),
    ("scan", Part::Tips, "7.2 adds response_policy:special"),
    (
        "setex",
        Part::Deprecation,
        "deprecated in 7.2's docs (since 2.6.12)",
    ),
    (
        "setnx",
        Part::Deprecation,
        "deprecated in 7.2's docs (since 2.6.12)",
    ),
    (
        "shutdown",
        Part::Args,
        "argument renamed nosave_save -> save-selector",
    ),
    ("sort", Part::Args, "by-pattern, limit, get-pattern renames"),
    (
        "sort_ro",
        Part::Args,
        "by-pattern, limit, get-pattern renames",
    ),
    ("wait", Part::Flags, "7.2 dropped noscript"),
    ("zadd", Part::Args, "block renamed score_member -> data"),
    ("zrange", Part::Args, "block renamed offset_count -> limit"),
    (
        "zrangebylex",
        Part::Args,
        "block renamed offset_count -> limit",
    ),
    (
        "zrangebyscore",
        Part::Args,
        "block renamed offset_count -> limit",
    ),
    (
        "zrangestore",
        Part::Args,
        "block renamed offset_count -> limit",
    ),
    ("zrank", Part::Arity, "WITHSCORE (7.2.0) makes the arity -3"),
    ("zrank", Part::Args, "WITHSCORE added in 7.2.0"),
    ("zrank", Part::History, "7.2.0 history entry (WITHSCORE)"),
    (
        "zrevrangebylex",
        Part::Args,
        "block renamed offset_count -> limit",
    ),
    (
        "zrevrangebyscore",
        Part::Args,
        "block renamed offset_count -> limit",
    ),
    (
        "zrevrank",
        Part::Arity,
        "WITHSCORE (7.2.0) makes the arity -3",
    ),
    ("zrevrank", Part::Args, "WITHSCORE added in 7.2.0"),
    ("zrevrank", Part::History, "7.2.0 history entry (WITHSCORE)"),
];

/// Commands added in Redis 7.2 (only we know them when the reference is 7.0).
const NEW_IN_72: &[(&str, &str)] = &[
    ("client|no-touch", "since 7.2.0"),
    ("client|setinfo", "since 7.2.0"),
    ("waitaof", "since 7.2.0"),
];

/// Whether the 7.0 reference differs from 7.2 for this command and part.
fn changed(name: &str, part: Part) -> bool {
    CHANGED_IN_72
        .iter()
        .any(|(n, p, _)| *n == name && *p == part)
}

fn bulk(s: &str) -> Frame {
    Frame::Blob {
        kind: b'$',
        data: Some(s.as_bytes().to_vec()),
    }
}

fn text_of(f: &Frame) -> String {
    match f {
        Frame::Blob { data: Some(d), .. } => String::from_utf8_lossy(d).into_owned(),
        Frame::Line { text, .. } => String::from_utf8_lossy(text).into_owned(),
        other => escape(&other.encode()),
    }
}

fn items_mut(f: &mut Frame) -> &mut Vec<Frame> {
    match f {
        Frame::Aggregate {
            items: Some(items), ..
        } => items,
        other => panic!("expected an aggregate, got {}", escape(&other.encode())),
    }
}

/// Applies `edit` to every (key, value) pair of a RESP3 map, dropping the pair
/// when it returns false.
fn edit_map(map: &mut Frame, mut edit: impl FnMut(&str, &mut Frame) -> bool) {
    let items = items_mut(map);
    let mut kept = Vec::with_capacity(items.len());
    let mut it = std::mem::take(items).into_iter();
    while let (Some(k), Some(mut v)) = (it.next(), it.next()) {
        if edit(&text_of(&k), &mut v) {
            kept.push(k);
            kept.push(v);
        }
    }
    *items = kept;
}

/// What the comparison of one reply pair needs to know.
struct Ctx<'a> {
    /// Names (full, lower case) both servers know.
    both: &'a BTreeSet<String>,
    /// The reference is older than 7.2.
    ref70: bool,
}

/// Normalizes one COMMAND INFO entry (an array of 10).
fn norm_info(entry: &mut Frame, ctx: &Ctx<'_>) {
    let items = items_mut(entry);
    let name = text_of(&items[0]);
    if ctx.ref70 {
        for (idx, part) in [(1, Part::Arity), (2, Part::Flags), (7, Part::Tips)] {
            if changed(&name, part) {
                items[idx] = bulk("<changed in 7.2>");
            }
        }
    }
    for spec in items_mut(&mut items[8]).iter_mut() {
        edit_map(spec, |k, _| k != "notes");
    }
    let subs = items_mut(&mut items[9]);
    let mut names: Vec<String> = subs
        .iter()
        .map(|s| match s {
            Frame::Aggregate {
                items: Some(fields),
                ..
            } => text_of(&fields[0]),
            other => escape(&other.encode()),
        })
        .filter(|n| ctx.both.contains(n))
        .collect();
    names.sort();
    *subs = names.iter().map(|n| bulk(n)).collect();
}

/// Normalizes a COMMAND DOCS argument list.
fn norm_args(args: &mut Frame, strip_display: bool) {
    for arg in items_mut(args).iter_mut() {
        edit_map(arg, |k, v| {
            if k == "arguments" {
                norm_args(v, strip_display);
            }
            !(strip_display && k == "display_text")
        });
    }
}

/// Normalizes one COMMAND DOCS map of command `name`.
fn norm_docs(name: &str, docs: &mut Frame, ctx: &Ctx<'_>, subject: bool) {
    edit_map(docs, |k, v| {
        match k {
            "summary" | "complexity" => *v = bulk("<text>"),
            "history" => {
                for entry in items_mut(v).iter_mut() {
                    items_mut(entry)[1] = bulk("<text>");
                }
                if ctx.ref70 && changed(name, Part::History) {
                    return false;
                }
            }
            "arguments" => {
                norm_args(v, ctx.ref70 && subject);
                if ctx.ref70 && changed(name, Part::Args) {
                    return false;
                }
            }
            "since" if ctx.ref70 && changed(name, Part::Since) => {
                *v = bulk("<changed in 7.2>");
            }
            "doc_flags" | "deprecated_since" | "replaced_by"
                if ctx.ref70 && changed(name, Part::Deprecation) =>
            {
                return false;
            }
            "subcommands" => {
                let mut names: Vec<String> = items_mut(v)
                    .chunks(2)
                    .map(|p| text_of(&p[0]))
                    .filter(|n| ctx.both.contains(n))
                    .collect();
                names.sort();
                *v = Frame::Aggregate {
                    kind: b'*',
                    items: Some(names.iter().map(|n| bulk(n)).collect()),
                };
            }
            _ => {}
        }
        true
    });
}

fn frame_of(reply: &Reply, what: &str) -> Frame {
    match reply {
        Reply::Frame(bytes) => parse_exact(bytes)
            .unwrap_or_else(|e| panic!("{what}: unparsable reply {}: {e}", escape(bytes))),
        other => panic!("{what}: no reply ({other})"),
    }
}

/// Every command name a server lists, lower case.
fn command_list(reply: &Reply) -> BTreeSet<String> {
    let mut frame = frame_of(reply, "COMMAND LIST");
    items_mut(&mut frame)
        .iter()
        .map(|f| text_of(f).to_ascii_lowercase())
        .collect()
}

fn reference_is_70(pair: &mut DiffPair) -> bool {
    let info = pair.request_reference(&["INFO", "server"]);
    let text = String::from_utf8_lossy(info.frame().unwrap_or_default()).into_owned();
    let version = text
        .split("redis_version:")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or("0.0.0")
        .to_string();
    let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0)) < (7, 2)
}

#[test]
fn command_info_and_docs_match_redis() {
    let mut pair = DiffPair::start(&[]);
    let ref70 = reference_is_70(&mut pair);
    let lists = pair.request(&["COMMAND", "LIST"]);
    let reference = command_list(&lists.reference);
    eprintln!(
        "reference {} 7.2: {} commands, subject {}",
        if ref70 { "older than" } else { "at least" },
        reference.len(),
        command_list(&lists.subject).len()
    );
    let subject = command_list(&lists.subject);
    let both: BTreeSet<String> = reference.intersection(&subject).cloned().collect();
    assert!(both.len() > 100, "too few common commands: {both:?}");
    for name in subject.difference(&reference) {
        assert!(
            ref70 && NEW_IN_72.iter().any(|(n, _)| n == name),
            "{name} is listed by us but not by the reference"
        );
    }
    let ctx = Ctx { both: &both, ref70 };

    let mut failures = Vec::new();
    let mut raw_candidates = Vec::new();
    let hello = pair.request(&["HELLO", "3"]);
    assert!(hello.reference.frame().is_some() && hello.subject.frame().is_some());
    for name in &both {
        // COMMAND INFO
        let out = pair.request(&["COMMAND", "INFO", name]);
        let mut normalized = Vec::new();
        let mut container = false;
        for reply in [&out.reference, &out.subject] {
            let mut frame = frame_of(reply, &format!("COMMAND INFO {name}"));
            let info = &mut items_mut(&mut frame)[0];
            container |= !items_mut(&mut items_mut(info)[9]).is_empty();
            norm_info(info, &ctx);
            normalized.push(frame.encode());
        }
        if normalized[0] != normalized[1] {
            failures.push(format!(
                "COMMAND INFO {name}\n  reference: {}\n  subject:   {}",
                escape(&normalized[0]),
                escape(&normalized[1])
            ));
        } else if out.reference.same_as(&out.subject) && !name.contains('|') && !container {
            // A container's subcommands come in the order of Redis's dict,
            // which incremental rehashing may change between two calls: they
            // are compared one by one, never raw.
            raw_candidates.push(name.clone());
        }

        // COMMAND DOCS
        let out = pair.request(&["COMMAND", "DOCS", name]);
        let mut normalized = Vec::new();
        for (subject_side, reply) in [(false, &out.reference), (true, &out.subject)] {
            let mut frame = frame_of(reply, &format!("COMMAND DOCS {name}"));
            let items = items_mut(&mut frame);
            assert_eq!(items.len(), 2, "COMMAND DOCS {name}: one entry expected");
            norm_docs(name, &mut items[1], &ctx, subject_side);
            normalized.push(frame.encode());
        }
        if normalized[0] != normalized[1] {
            failures.push(format!(
                "COMMAND DOCS {name}\n  reference: {}\n  subject:   {}",
                escape(&normalized[0]),
                escape(&normalized[1])
            ));
        }
    }

    // Raw RESP2 COMMAND INFO wherever the RESP3 replies were already identical.
    pair.reconnect();
    for name in &raw_candidates {
        let out = pair.request(&["COMMAND", "INFO", name]);
        if !out.same() {
            failures.push(format!(
                "RESP2 COMMAND INFO {name}\n  reference: {}\n  subject:   {}",
                out.reference, out.subject
            ));
        }
    }
    assert!(
        raw_candidates.len() > 50,
        "few raw comparisons: {raw_candidates:?}"
    );
    assert!(
        failures.is_empty(),
        "{} metadata differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Command lines for GETKEYS / GETKEYSANDFLAGS, a sample of every family.
/// Lines of commands we do not implement yet are skipped.
const GETKEYS_CASES: &[&str] = &[
    // strings
    "get k",
    "set k v",
    "set k v nx get",
    "set k v ex 10 GET",
    "getex k persist",
    "mset a 1 b 2",
    "msetnx a 1 b 2",
    "mget a b c",
    "lcs a b len",
    "setrange k 0 x",
    "incrbyfloat k 1.5",
    // keys
    "del a b c",
    "unlink a b",
    "exists a b",
    "touch a",
    "rename a b",
    "renamenx a b",
    "copy a b db 1 replace",
    "move a 1",
    "expire k 10 nx",
    "pexpireat k 10",
    "ttl k",
    "object encoding k",
    "type k",
    "dump k",
    "restore k 0 payload",
    "migrate h 6379 k 0 10",
    "migrate h 6379 \"\" 0 10 keys a b",
    "migrate h 6379 \"\" 0 10 auth2 u p keys a b",
    "sort k",
    "sort k by w_* get # store d",
    "sort k limit 0 1 store d",
    "sort_ro k by x get y",
    // bitmaps
    "setbit k 7 1",
    "getbit k 7",
    "bitcount k 0 -1 bit",
    "bitpos k 1",
    "bitop and d a b",
    "bitop not d a",
    "bitfield k get u8 0",
    "bitfield k overflow sat incrby u8 0 1",
    "bitfield k get u8",
    "bitfield_ro k get u8 0",
    // lists
    "lpush l a b",
    "lrange l 0 -1",
    "lmove a b left right",
    "blmove a b left right 0",
    "blpop a b 0",
    "brpoplpush a b 0",
    "lmpop 2 a b left count 2",
    "lmpop 2x a b left",
    "lmpop 3 a b left",
    "blmpop 0 2 a b right",
    "lpos l x rank 1",
    // hashes
    "hset h f v",
    "hget h f",
    "hgetall h",
    "hincrbyfloat h f 1",
    "hrandfield h 2 withvalues",
    // sets
    "sadd s a",
    "smove a b m",
    "sinter a b",
    "sinterstore d a b",
    "sunionstore d a",
    "sdiffstore d a b c",
    "sintercard 2 a b limit 3",
    "sintercard 2x a b",
    "sintercard 0 a",
    "smismember s a b",
    // sorted sets
    "zadd z 1 a",
    "zrange z 0 -1 withscores",
    "zrangestore d s 0 1",
    "zunionstore d 2 a b weights 1 2",
    "zunionstore d 2x a b",
    "zunionstore d 0 a",
    "zinterstore d 1 a",
    "zdiffstore d 2 a b",
    "zunion 2 a b withscores",
    "zinter 2x a b",
    "zdiff 1 a",
    "zintercard 2 a b limit 1",
    "zmpop 1 a min",
    "bzmpop 0 2 a b max",
    "bzpopmin a b 0",
    "zrank z m",
    "zscore z m",
    // geo
    "geoadd g 1 2 m",
    "geodist g a b",
    "georadius g 0 0 1 m store d",
    "georadius g 0 0 1 m storedist d store e",
    "georadius g 0 0 1 m store",
    "georadiusbymember g m 1 km storedist d",
    "georadius_ro g 0 0 1 m",
    "geosearch g frommember m byradius 1 m",
    "geosearchstore d g frommember m byradius 1 m storedist",
    // hyperloglog
    "pfadd h a",
    "pfcount a b",
    "pfmerge d a b",
    // server / connection
    "memory usage k samples 5",
    "debug object k",
    // errors
    "ping",
    "get",
    "nosuchcommand k",
    "object",
    "memory usage",
];

/// GETKEYS lines whose reply changed in 7.2 (the subcommands' arity went from
/// -4 to -3, so a lone command name is looked up): the 7.2 reply.
const GETKEYS_72: &[(&str, &str)] = &[
    ("ping", "-ERR The command has no key arguments\r\n"),
    (
        "get",
        "-ERR Invalid number of arguments specified for command\r\n",
    ),
    ("object", "-ERR The command has no key arguments\r\n"),
];

/// Splits a case line into arguments (`""` is an empty argument).
fn words(line: &str) -> Vec<String> {
    line.split(' ')
        .map(|w| {
            if w == "\"\"" {
                String::new()
            } else {
                w.to_string()
            }
        })
        .collect()
}

#[test]
fn getkeys_match_redis() {
    let mut pair = DiffPair::start(&[]);
    let ref70 = reference_is_70(&mut pair);
    let lists = pair.request(&["COMMAND", "LIST"]);
    let subject = command_list(&lists.subject);
    let reference = command_list(&lists.reference);
    let mut failures = Vec::new();
    let mut compared = 0;
    for line in GETKEYS_CASES {
        let args = words(line);
        // Commands we do not implement yet are skipped; unknown ones are compared.
        if !subject.contains(&args[0]) && reference.contains(&args[0]) {
            continue;
        }
        for sub in ["GETKEYS", "GETKEYSANDFLAGS"] {
            let mut request = vec!["COMMAND".to_string(), sub.to_string()];
            request.extend(args.iter().cloned());
            let out = pair.request(&request);
            compared += 1;
            let literal = GETKEYS_72.iter().find(|(l, _)| l == line);
            if let (true, Some((_, expected))) = (ref70, literal) {
                if out.subject.frame() != Some(expected.as_bytes()) {
                    failures.push(format!(
                        "COMMAND {sub} {line}\n  expected (7.2): {}\n  subject:   {}",
                        escape(expected.as_bytes()),
                        out.subject
                    ));
                }
            } else if !out.same() {
                failures.push(format!(
                    "COMMAND {sub} {line}\n  reference: {}\n  subject:   {}",
                    out.reference, out.subject
                ));
            }
        }
    }
    assert!(compared > 100, "only {compared} comparisons ran");
    assert!(
        failures.is_empty(),
        "{} GETKEYS differences:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
