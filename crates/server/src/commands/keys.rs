//! Generic commands on named keys: DEL UNLINK EXISTS TYPE RENAME RENAMENX MOVE
//! COPY TOUCH OBJECT.
//!
//! The expire family lives in `expire.rs`, and the commands that walk or replace
//! whole databases (KEYS, SCAN, FLUSHDB, ...) in `keys_db.rs`.

use std::sync::atomic::Ordering::Relaxed;

use cinnabar_resp::{parse_i64_strict, Args, ReplyBuf};

use super::prelude::*;
use super::{acl, flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::{Ctx, Db};
use crate::keyspace::{Entry, NewValue, ValueRef};
use crate::server::Server;
use crate::stats::bump;
use crate::types::Object;

/// The keyspace command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("del", -2, WRITE, "generic", del)
        .acl(acl::KEYSPACE | acl::WRITE | acl::SLOW)
        .since("1.0.0")
        .doc(
            "Removes the given keys.",
            "O(N) where N is the number of keys that will be removed.",
        )
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .key_specs(&[KeySpec::range(RM | DELETE, 1, -1, 1, 0)])
        .args(&[key("key", 0).multiple()]),
    CommandDef::new("unlink", -2, WRITE | FAST, "generic", unlink)
        .acl(acl::KEYSPACE | acl::WRITE | acl::FAST)
        .since("4.0.0")
        .doc(
            "Deletes one or more keys, reclaiming large values in the background.",
            "O(1) for each key removed regardless of its size.",
        )
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .key_specs(&[KeySpec::range(RM | DELETE, 1, -1, 1, 0)])
        .args(&[key("key", 0).multiple()]),
    CommandDef::new("exists", -2, READONLY | FAST, "generic", exists)
        .acl(acl::KEYSPACE | acl::READ | acl::FAST)
        .since("1.0.0")
        .doc(
            "Counts how many of the given keys exist.",
            "O(N), N being the number of keys given.",
        )
        .history(&[("3.0.3", "Several keys in one call.")])
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .key_specs(&[KeySpec::range(RO, 1, -1, 1, 0)])
        .args(&[key("key", 0).multiple()]),
    CommandDef::new("type", 2, READONLY | FAST, "generic", type_cmd)
        .acl(acl::KEYSPACE | acl::READ | acl::FAST)
        .since("1.0.0")
        .doc("Returns the type of the value stored at a key.", "O(1)")
        .key_specs(&[KeySpec::single(RO, 1)])
        .args(&[key("key", 0)]),
    CommandDef::new("rename", 3, WRITE, "generic", rename)
        .acl(acl::KEYSPACE | acl::WRITE | acl::SLOW)
        .since("1.0.0")
        .doc("Renames a key, overwriting the destination.", "O(1)")
        .key_specs(&[
            KeySpec::single(RW | ACCESS | DELETE, 1),
            KeySpec::single(OW | UPDATE, 2),
        ])
        .args(&[key("key", 0), key("newkey", 1)]),
    CommandDef::new("renamenx", 3, WRITE | FAST, "generic", renamenx)
        .acl(acl::KEYSPACE | acl::WRITE | acl::FAST)
        .since("1.0.0")
        .doc("Renames a key only when the new name is not taken.", "O(1)")
        .history(&[(
            "3.2.0",
            "Same source and destination is no longer an error.",
        )])
        .key_specs(&[
            KeySpec::single(RW | ACCESS | DELETE, 1),
            KeySpec::single(OW | INSERT, 2),
        ])
        .args(&[key("key", 0), key("newkey", 1)]),
    CommandDef::new("move", 3, WRITE | FAST, "generic", move_cmd)
        .acl(acl::KEYSPACE | acl::WRITE | acl::FAST)
        .since("1.0.0")
        .doc("Transfers a key to another database.", "O(1)")
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0), integer("db")]),
    CommandDef::new("copy", -3, WRITE | DENYOOM, "generic", copy)
        .acl(acl::KEYSPACE | acl::WRITE | acl::SLOW)
        .since("6.2.0")
        .doc(
            "Copies the value of a key to a new key, optionally in another database.",
            concat!(
                "O(N) for collections, N being the number of nested elements; ",
                "O(1) for strings."
            ),
        )
        .key_specs(&[
            KeySpec::single(RO | ACCESS, 1),
            KeySpec::single(OW | UPDATE, 2),
        ])
        .args(&[
            key("source", 0),
            key("destination", 1),
            integer("destination-db").token("DB").optional(),
            token("replace", "REPLACE").optional(),
        ]),
    CommandDef::new("touch", -2, READONLY | FAST, "generic", touch)
        .acl(acl::KEYSPACE | acl::READ | acl::FAST)
        .since("3.2.1")
        .doc(
            "Refreshes the last access time of keys and counts the ones that exist.",
            "O(N), N being the number of keys given.",
        )
        .tips(&["request_policy:multi_shard", "response_policy:agg_sum"])
        .key_specs(&[KeySpec::range(RO, 1, -1, 1, 0)])
        .args(&[key("key", 0).multiple()]),
    CommandDef::container("object", "generic", OBJECT_SUBCOMMANDS)
        .acl(acl::SLOW)
        .since("2.2.3")
        .doc(
            "Groups the value introspection subcommands.",
            "Varies with the subcommand.",
        ),
];

static OBJECT_SUBCOMMANDS: &[CommandDef] = &[
    CommandDef::new("encoding", 3, READONLY, "generic", object_encoding)
        .acl(acl::KEYSPACE | acl::READ | acl::SLOW)
        .since("2.2.3")
        .doc("Returns the internal encoding of a value.", "O(1)")
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RO, 2)])
        .args(&[key("key", 0)]),
    CommandDef::new("freq", 3, READONLY, "generic", object_freq)
        .acl(acl::KEYSPACE | acl::READ | acl::SLOW)
        .since("4.0.0")
        .doc(
            "Returns the logarithmic access frequency counter of a value.",
            "O(1)",
        )
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RO, 2)])
        .args(&[key("key", 0)]),
    CommandDef::new("idletime", 3, READONLY, "generic", object_idletime)
        .acl(acl::KEYSPACE | acl::READ | acl::SLOW)
        .since("2.2.3")
        .doc(
            "Returns the seconds since a value was last accessed.",
            "O(1)",
        )
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RO, 2)])
        .args(&[key("key", 0)]),
    CommandDef::new("refcount", 3, READONLY, "generic", object_refcount)
        .acl(acl::KEYSPACE | acl::READ | acl::SLOW)
        .since("2.2.3")
        .doc("Returns the reference count of a value.", "O(1)")
        .tips(&["nondeterministic_output"])
        .key_specs(&[KeySpec::single(RO, 2)])
        .args(&[key("key", 0)]),
    CommandDef::new("help", 2, LOADING | STALE, "generic", object_help)
        .acl(acl::KEYSPACE | acl::SLOW)
        .since("6.2.0")
        .doc("Lists the OBJECT subcommands.", "O(1)"),
];

/// Looks a key up as Redis's read lookups with `LOOKUP_NOTOUCH` do: an expired key
/// is removed, a keyspace hit or miss is counted, and the access time is left alone.
pub(crate) fn peek<'d>(db: &'d mut Db<'_>, key: &[u8]) -> Result<Option<&'d mut Entry>, CmdError> {
    let stats = db.stats;
    let found = db.locked.get(db.index, key, db.now_ms)?;
    bump(
        if found.is_some() {
            &stats.keyspace_hits
        } else {
            &stats.keyspace_misses
        },
        1,
    );
    Ok(found)
}

/// Parses a database index as `getIntFromObjectOrReply` does and checks it against
/// the configured number of databases.
pub(crate) fn parse_db_index(raw: &[u8], num_dbs: usize) -> Result<usize, CmdError> {
    let index = parse_i64_strict(raw).ok_or(CmdError::NotInteger)?;
    if i32::try_from(index).is_err() {
        return Err(CmdError::err(format_args!(
            "value is out of range, value must between {} and {}",
            i32::MIN,
            i32::MAX
        )));
    }
    usize::try_from(index)
        .ok()
        .filter(|&db| db < num_dbs)
        .ok_or(CmdError::DbOutOfRange)
}

fn same_object_error() -> CmdError {
    CmdError::err("source and destination objects are the same")
}

// DEL key [key ...]
fn del(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut n = 0;
    for key in args.iter().skip(1) {
        if ctx.db.remove(key)? {
            ctx.db.changed(key, "del");
            n += 1;
        }
    }
    ctx.out.int(n);
    Ok(())
}

// UNLINK key [key ...]
//
// Values are strings so far, whose release costs what a DEL costs; Redis also
// frees those inline (its background threshold is 64 nested items).
fn unlink(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    del(ctx, args)
}

// EXISTS key [key ...]
fn exists(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut n = 0;
    for key in args.iter().skip(1) {
        n += i64::from(peek(&mut ctx.db, key)?.is_some());
    }
    ctx.out.int(n);
    Ok(())
}

// TYPE key
fn type_cmd(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let name = peek(&mut ctx.db, args.get(1))?.map_or("none", |e| e.value().type_name());
    ctx.out.simple(name.as_bytes());
    Ok(())
}

// RENAME key newkey
fn rename(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    rename_generic(ctx, args, false)
}

// RENAMENX key newkey
fn renamenx(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    rename_generic(ctx, args, true)
}

fn rename_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, nx: bool) -> CmdResult {
    let (src, dst) = (args.get(1), args.get(2));
    if ctx.db.lookup_write(src)?.is_none() {
        return Err(CmdError::NoSuchKey);
    }
    let reply = |out: &mut ReplyBuf, renamed: bool| {
        if nx {
            out.int(i64::from(renamed));
        } else {
            out.ok();
        }
    };
    if src == dst {
        reply(ctx.out, false);
        return Ok(());
    }
    // Looked up even when it is to be replaced: an expired destination is
    // deleted (and reported) first, as in Redis.
    if ctx.db.lookup_write(dst)?.is_some() && nx {
        reply(ctx.out, false);
        return Ok(());
    }
    let db = ctx.db.index;
    let entry = ctx.db.take_in(db, src)?.ok_or(CmdError::NoSuchKey)?;
    match entry.with_key(dst) {
        Ok(renamed) => ctx.db.put_in(db, renamed)?,
        Err(unchanged) => {
            ctx.db.put_in(db, unchanged)?;
            return Err(CmdError::err("key too long"));
        }
    }
    ctx.db.event(src, "rename_from");
    ctx.db.changed(dst, "rename_to");
    reply(ctx.out, true);
    Ok(())
}

// MOVE key db
fn move_cmd(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let num_dbs = ctx.srv.keyspace.num_dbs();
    let dst = parse_db_index(args.get(2), num_dbs)?;
    let src = ctx.db.index;
    if dst == src {
        return Err(same_object_error());
    }
    let key = args.get(1);
    if ctx.db.lookup_write(key)?.is_none() || ctx.db.lookup_in(dst, key)?.is_some() {
        ctx.out.int(0);
        return Ok(());
    }
    let entry = ctx.db.take_in(src, key)?.ok_or(CmdError::NoSuchKey)?;
    ctx.db.put_in(dst, entry)?;
    ctx.db.event_in(src, key, "move_from");
    ctx.db.changed_in(dst, key, "move_to");
    ctx.out.int(1);
    Ok(())
}

/// A value copied out of an entry, so the borrow of the entry can end.
enum Copied {
    Embstr(Vec<u8>),
    Int(i64),
    Object(Box<Object>),
}

impl Copied {
    fn of(value: ValueRef<'_>) -> Copied {
        match value {
            ValueRef::Embstr(b) => Copied::Embstr(b.to_vec()),
            ValueRef::Int(i) => Copied::Int(i),
            ValueRef::Object(_) | ValueRef::Embedded(_) => match value.object() {
                Some(o) => Copied::Object(Box::new(o.into_owned())),
                None => Copied::Embstr(Vec::new()),
            },
        }
    }
}

// COPY source destination [DB destination-db] [REPLACE]
fn copy(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let src_db = ctx.db.index;
    let mut dst_db = src_db;
    let mut replace = false;
    let mut i = 3;
    while i < args.len() {
        let opt = args.get(i);
        if opt.eq_ignore_ascii_case(b"replace") {
            replace = true;
        } else if opt.eq_ignore_ascii_case(b"db") && i + 1 < args.len() {
            let num_dbs = ctx.srv.keyspace.num_dbs();
            dst_db = parse_db_index(args.get(i + 1), num_dbs)?;
            i += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    let (key, newkey) = (args.get(1), args.get(2));
    if src_db == dst_db && key == newkey {
        return Err(same_object_error());
    }
    let (copied, expire) = match ctx.db.lookup_read(key)? {
        Some(e) => (Copied::of(e.value()), e.expire()),
        None => {
            ctx.out.int(0);
            return Ok(());
        }
    };
    // Looked up even with REPLACE: an expired destination is deleted (and
    // reported) first, as in Redis.
    if ctx.db.lookup_in(dst_db, newkey)?.is_some() && !replace {
        ctx.out.int(0);
        return Ok(());
    }
    match copied {
        Copied::Embstr(b) => ctx
            .db
            .set_in(dst_db, newkey, NewValue::Embstr(&b), expire)?,
        Copied::Int(i) => {
            ctx.db.set_in(dst_db, newkey, NewValue::Int(i), expire)?;
            // Redis duplicates the value object, so the copy is never shared.
            if let Some(e) = ctx.db.lookup_in(dst_db, newkey)? {
                e.mark_unshared();
            }
        }
        Copied::Object(o) => ctx.db.set_in(dst_db, newkey, NewValue::Object(o), expire)?,
    }
    ctx.db.changed_in(dst_db, newkey, "copy_to");
    ctx.out.int(1);
    Ok(())
}

// TOUCH key [key ...]
//
// As in Redis, TOUCH refreshes access times even for a CLIENT NO-TOUCH client.
fn touch(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let access = ctx.db.access_now();
    let stats = ctx.db.stats;
    let (index, now) = (ctx.db.index, ctx.db.now_ms);
    let mut n = 0;
    for key in args.iter().skip(1) {
        match ctx.db.locked.get(index, key, now)? {
            Some(e) => {
                e.set_access(access);
                bump(&stats.keyspace_hits, 1);
                n += 1;
            }
            None => bump(&stats.keyspace_misses, 1),
        }
    }
    ctx.out.int(n);
    Ok(())
}

/// Redis shares one integer object per value in 0..10000, reported with this count.
const SHARED_REFCOUNT: i64 = i32::MAX as i64;

const IDLETIME_UNDER_LFU: &str = "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";
const FREQ_WITHOUT_LFU: &str = "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.";

/// Runs `f` on the entry named by OBJECT's key argument, or replies null.
fn with_object(
    ctx: &mut Ctx<'_>,
    args: &Args<'_>,
    f: impl FnOnce(&Entry, &mut ReplyBuf, &Server, i64) -> CmdResult,
) -> CmdResult {
    let now = ctx.db.now_ms;
    match peek(&mut ctx.db, args.get(2))? {
        Some(e) => f(e, ctx.out, ctx.srv, now),
        None => {
            ctx.out.null();
            Ok(())
        }
    }
}

// OBJECT ENCODING key
fn object_encoding(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    with_object(ctx, args, |e, out, _, _| {
        out.bulk(e.value().encoding_name().as_bytes());
        Ok(())
    })
}

// OBJECT REFCOUNT key
//
// Redis stores values 0..10000 created from integers as shared objects (with the
// default maxmemory settings), so their count is the shared-object marker.
fn object_refcount(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    with_object(ctx, args, |e, out, _, _| {
        out.int(if e.is_shared_int() {
            SHARED_REFCOUNT
        } else {
            1
        });
        Ok(())
    })
}

// OBJECT IDLETIME key
fn object_idletime(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    with_object(ctx, args, |e, out, srv, now| {
        if srv.tun.lfu.load(Relaxed) {
            return Err(CmdError::Msg(IDLETIME_UNDER_LFU.into()));
        }
        out.int(crate::clock::idle_ms(now, e.access()) / 1000);
        Ok(())
    })
}

// OBJECT FREQ key
fn object_freq(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    with_object(ctx, args, |e, out, srv, now| {
        if !srv.tun.lfu.load(Relaxed) {
            return Err(CmdError::Msg(FREQ_WITHOUT_LFU.into()));
        }
        let decay = srv.tun.lfu_decay_time.load(Relaxed);
        out.int(lfu_decayed_counter(e.access(), now, decay));
        Ok(())
    })
}

/// The LFU counter held in 24-bit access data (16-bit minutes of the last decrement,
/// 8-bit logarithmic counter), after the decay Redis applies when reading it: one
/// step per `decay_minutes` elapsed, on a 16-bit minute clock that wraps.
pub fn lfu_decayed_counter(access: u32, now_ms: i64, decay_minutes: u64) -> i64 {
    let last = (access >> 8) & 0xffff;
    let counter = u64::from(access & 0xff);
    let now_min = ((now_ms / 60_000) & 0xffff) as u32;
    let elapsed = if now_min >= last {
        now_min - last
    } else {
        65_535 - last + now_min
    };
    let periods = u64::from(elapsed).checked_div(decay_minutes).unwrap_or(0);
    counter.saturating_sub(periods) as i64
}

const OBJECT_HELP: &[&str] = &[
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    "HELP",
    "    Prints this help.",
];

// OBJECT HELP
fn object_help(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    ctx.out.array(OBJECT_HELP.len());
    for line in OBJECT_HELP {
        ctx.out.simple(line.as_bytes());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn db_index_parsing() {
        let parse = |raw: &[u8]| parse_db_index(raw, 16);
        let range = "ERR value is out of range, value must between -2147483648 and 2147483647";
        assert_eq!(parse(b"3"), Ok(3));
        assert_eq!(parse(b"16"), Err(CmdError::DbOutOfRange));
        assert_eq!(parse(b"-1"), Err(CmdError::DbOutOfRange));
        assert_eq!(parse(b"x"), Err(CmdError::NotInteger));
        assert_eq!(parse(b"01"), Err(CmdError::NotInteger));
        assert_eq!(parse(b"99999999999999999999"), Err(CmdError::NotInteger));
        assert_eq!(parse(b"2147483648"), Err(CmdError::Msg(range.into())));
        assert_eq!(parse(b"-2147483649"), Err(CmdError::Msg(range.into())));
        assert_eq!(parse(b"2147483647"), Err(CmdError::DbOutOfRange));
    }

    #[test]
    fn lfu_counter_decay() {
        let minute = 60_000i64;
        let now = 1_000 * minute;
        let access = |mins: u32, counter: u32| (mins << 8) | counter;
        assert_eq!(lfu_decayed_counter(access(1_000, 5), now, 1), 5);
        assert_eq!(lfu_decayed_counter(access(998, 5), now, 1), 3);
        assert_eq!(lfu_decayed_counter(access(990, 5), now, 1), 0);
        assert_eq!(lfu_decayed_counter(access(990, 5), now, 0), 5);
        assert_eq!(lfu_decayed_counter(access(996, 5), now, 2), 3);
        // The 16-bit minute clock wraps.
        assert_eq!(lfu_decayed_counter(access(65_535, 9), 2 * minute, 1), 7);
    }
}
