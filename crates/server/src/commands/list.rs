//! List commands, including the blocking BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP.

use std::sync::atomic::Ordering::Relaxed;

use cinnabar_resp::{parse_i64_strict, Args};

use super::prelude::*;
use super::{acl, flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::blocking::parse_timeout;
use crate::exec::Ctx;
use crate::keyspace::blocking::TimeoutReply;
use crate::keyspace::{Entry, NewValue, ValueRef};
use crate::types::list::{End, List};
use crate::types::packed::Item;
use crate::types::Object;

const LIST: u64 = acl::LIST;

/// The list command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("lpush", -3, WRITE | DENYOOM | FAST, "list", lpush)
        .acl(acl::WRITE | LIST | acl::FAST)
        .since("1.0.0")
        .doc(
            "Prepends elements to a list, creating it if needed.",
            "O(1) for each element added",
        )
        .history(&[("2.4.0", "Several elements in one call.")])
        .key_specs(&[KeySpec::single(RW | INSERT, 1)])
        .args(&[key("key", 0), string("element").multiple()]),
    CommandDef::new("rpush", -3, WRITE | DENYOOM | FAST, "list", rpush)
        .acl(acl::WRITE | LIST | acl::FAST)
        .since("1.0.0")
        .doc(
            "Appends elements to a list, creating it if needed.",
            "O(1) for each element added",
        )
        .history(&[("2.4.0", "Several elements in one call.")])
        .key_specs(&[KeySpec::single(RW | INSERT, 1)])
        .args(&[key("key", 0), string("element").multiple()]),
    CommandDef::new("lpushx", -3, WRITE | DENYOOM | FAST, "list", lpushx)
        .acl(acl::WRITE | LIST | acl::FAST)
        .since("2.2.0")
        .doc(
            "Prepends elements to a list only when it exists.",
            "O(1) for each element added",
        )
        .history(&[("4.0.0", "Several elements in one call.")])
        .key_specs(&[KeySpec::single(RW | INSERT, 1)])
        .args(&[key("key", 0), string("element").multiple()]),
    CommandDef::new("rpushx", -3, WRITE | DENYOOM | FAST, "list", rpushx)
        .acl(acl::WRITE | LIST | acl::FAST)
        .since("2.2.0")
        .doc(
            "Appends elements to a list only when it exists.",
            "O(1) for each element added",
        )
        .history(&[("4.0.0", "Several elements in one call.")])
        .key_specs(&[KeySpec::single(RW | INSERT, 1)])
        .args(&[key("key", 0), string("element").multiple()]),
    CommandDef::new("lpop", -2, WRITE | FAST, "list", lpop)
        .acl(acl::WRITE | LIST | acl::FAST)
        .since("1.0.0")
        .doc(
            "Removes and returns elements from the head of a list.",
            "O(N), N being the number of elements popped",
        )
        .history(&[("6.2.0", "count argument.")])
        .key_specs(&[KeySpec::single(RW | ACCESS | DELETE, 1)])
        .args(&[key("key", 0), integer("count").optional().since("6.2.0")]),
    CommandDef::new("rpop", -2, WRITE | FAST, "list", rpop)
        .acl(acl::WRITE | LIST | acl::FAST)
        .since("1.0.0")
        .doc(
            "Removes and returns elements from the tail of a list.",
            "O(N), N being the number of elements popped",
        )
        .history(&[("6.2.0", "count argument.")])
        .key_specs(&[KeySpec::single(RW | ACCESS | DELETE, 1)])
        .args(&[key("key", 0), integer("count").optional().since("6.2.0")]),
    CommandDef::new("llen", 2, READONLY | FAST, "list", llen)
        .acl(acl::READ | LIST | acl::FAST)
        .since("1.0.0")
        .doc("Gives the number of elements of a list.", "O(1)")
        .key_specs(&[KeySpec::single(RO, 1)])
        .args(&[key("key", 0)]),
    CommandDef::new("lrange", 4, READONLY, "list", lrange)
        .acl(acl::READ | LIST | acl::SLOW)
        .since("1.0.0")
        .doc("Returns a range of elements of a list.", "O(S+N)")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), integer("start"), integer("stop")]),
    CommandDef::new("lindex", 3, READONLY, "list", lindex)
        .acl(acl::READ | LIST | acl::SLOW)
        .since("1.0.0")
        .doc("Returns the element at an index of a list.", "O(N)")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), integer("index")]),
    CommandDef::new("lset", 4, WRITE | DENYOOM, "list", lset)
        .acl(acl::WRITE | LIST | acl::SLOW)
        .since("1.0.0")
        .doc("Replaces the element at an index of a list.", "O(N)")
        .key_specs(&[KeySpec::single(RW | UPDATE, 1)])
        .args(&[key("key", 0), integer("index"), string("element")]),
    CommandDef::new("linsert", 5, WRITE | DENYOOM, "list", linsert)
        .acl(acl::WRITE | LIST | acl::SLOW)
        .since("2.2.0")
        .doc(
            "Inserts an element before or after another element of a list.",
            "O(N)",
        )
        .key_specs(&[KeySpec::single(RW | INSERT, 1)])
        .args(&[
            key("key", 0),
            oneof(
                "where",
                &[token("before", "BEFORE"), token("after", "AFTER")],
            ),
            string("pivot"),
            string("element"),
        ]),
    CommandDef::new("lrem", 4, WRITE, "list", lrem)
        .acl(acl::WRITE | LIST | acl::SLOW)
        .since("1.0.0")
        .doc("Removes elements equal to a value from a list.", "O(N+M)")
        .key_specs(&[KeySpec::single(RW | DELETE, 1)])
        .args(&[key("key", 0), integer("count"), string("element")]),
    CommandDef::new("ltrim", 4, WRITE, "list", ltrim)
        .acl(acl::WRITE | LIST | acl::SLOW)
        .since("1.0.0")
        .doc("Keeps only a range of elements of a list.", "O(N)")
        .key_specs(&[KeySpec::single(RW | DELETE, 1)])
        .args(&[key("key", 0), integer("start"), integer("stop")]),
    CommandDef::new("lpos", -3, READONLY, "list", lpos)
        .acl(acl::READ | LIST | acl::SLOW)
        .since("6.0.6")
        .doc(
            "Returns the positions of elements equal to a value in a list.",
            "O(N)",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            string("element"),
            integer("rank").token("RANK").optional(),
            integer("num-matches").token("COUNT").optional(),
            integer("len").token("MAXLEN").optional(),
        ]),
    CommandDef::new("lmove", 5, WRITE | DENYOOM, "list", lmove)
        .acl(acl::WRITE | LIST | acl::SLOW)
        .since("6.2.0")
        .doc(
            "Pops an element from one list and pushes it to another.",
            "O(1)",
        )
        .key_specs(&[
            KeySpec::single(RW | ACCESS | DELETE, 1),
            KeySpec::single(RW | INSERT, 2),
        ])
        .args(&[
            key("source", 0),
            key("destination", 1),
            oneof(
                "wherefrom",
                &[token("left", "LEFT"), token("right", "RIGHT")],
            ),
            oneof("whereto", &[token("left", "LEFT"), token("right", "RIGHT")]),
        ]),
    CommandDef::new("rpoplpush", 3, WRITE | DENYOOM, "list", rpoplpush)
        .acl(acl::WRITE | LIST | acl::SLOW)
        .since("1.2.0")
        .doc(
            "Pops the tail of one list and pushes it to the head of another.",
            "O(1)",
        )
        .deprecated("6.2.0", "`LMOVE` with the `RIGHT` and `LEFT` arguments")
        .key_specs(&[
            KeySpec::single(RW | ACCESS | DELETE, 1),
            KeySpec::single(RW | INSERT, 2),
        ])
        .args(&[key("source", 0), key("destination", 1)]),
    CommandDef::new("lmpop", -4, WRITE, "list", lmpop)
        .acl(acl::WRITE | LIST | acl::SLOW)
        .since("7.0.0")
        .doc(
            "Pops elements from the first non-empty list of several.",
            "O(N+M)",
        )
        .key_specs(&[KeySpec::keynum(RW | ACCESS | DELETE, 1, 0, 1, 1)])
        .args(&[
            integer("numkeys"),
            key("key", 0).multiple(),
            oneof("where", &[token("left", "LEFT"), token("right", "RIGHT")]),
            integer("count").token("COUNT").optional(),
        ])
        .keys_fn(getkeys::numkeys_keys),
    CommandDef::new("blpop", -3, WRITE | BLOCKING, "list", blpop)
        .acl(acl::WRITE | LIST | acl::SLOW | acl::BLOCKING)
        .since("2.0.0")
        .doc(
            "Pops the head of the first non-empty list, blocking until one exists.",
            "O(N)",
        )
        .history(&[("6.0.0", "The timeout may be fractional.")])
        .key_specs(&[KeySpec::range(RW | ACCESS | DELETE, 1, -2, 1, 0)])
        .args(&[key("key", 0).multiple(), double("timeout")]),
    CommandDef::new("brpop", -3, WRITE | BLOCKING, "list", brpop)
        .acl(acl::WRITE | LIST | acl::SLOW | acl::BLOCKING)
        .since("2.0.0")
        .doc(
            "Pops the tail of the first non-empty list, blocking until one exists.",
            "O(N)",
        )
        .history(&[("6.0.0", "The timeout may be fractional.")])
        .key_specs(&[KeySpec::range(RW | ACCESS | DELETE, 1, -2, 1, 0)])
        .args(&[key("key", 0).multiple(), double("timeout")]),
    CommandDef::new("blmove", 6, WRITE | DENYOOM | BLOCKING, "list", blmove)
        .acl(acl::WRITE | LIST | acl::SLOW | acl::BLOCKING)
        .since("6.2.0")
        .doc(
            "Moves an element between lists, blocking until the source has one.",
            "O(1)",
        )
        .key_specs(&[
            KeySpec::single(RW | ACCESS | DELETE, 1),
            KeySpec::single(RW | INSERT, 2),
        ])
        .args(&[
            key("source", 0),
            key("destination", 1),
            oneof(
                "wherefrom",
                &[token("left", "LEFT"), token("right", "RIGHT")],
            ),
            oneof("whereto", &[token("left", "LEFT"), token("right", "RIGHT")]),
            double("timeout"),
        ]),
    CommandDef::new(
        "brpoplpush",
        4,
        WRITE | DENYOOM | BLOCKING,
        "list",
        brpoplpush,
    )
    .acl(acl::WRITE | LIST | acl::SLOW | acl::BLOCKING)
    .since("2.2.0")
    .doc(
        "Pops a list's tail into another list's head, blocking until possible.",
        "O(1)",
    )
    .deprecated("6.2.0", "`BLMOVE` with the `RIGHT` and `LEFT` arguments")
    .history(&[("6.0.0", "The timeout may be fractional.")])
    .key_specs(&[
        KeySpec::single(RW | ACCESS | DELETE, 1),
        KeySpec::single(RW | INSERT, 2),
    ])
    .args(&[key("source", 0), key("destination", 1), double("timeout")]),
    CommandDef::new("blmpop", -5, WRITE | BLOCKING, "list", blmpop)
        .acl(acl::WRITE | LIST | acl::SLOW | acl::BLOCKING)
        .since("7.0.0")
        .doc(
            concat!(
                "Pops from the first non-empty list of several, blocking ",
                "until one exists."
            ),
            "O(N+M)",
        )
        .key_specs(&[KeySpec::keynum(RW | ACCESS | DELETE, 2, 0, 1, 1)])
        .args(&[
            double("timeout"),
            integer("numkeys"),
            key("key", 0).multiple(),
            oneof("where", &[token("left", "LEFT"), token("right", "RIGHT")]),
            integer("count").token("COUNT").optional(),
        ])
        .keys_fn(getkeys::blocking_numkeys_keys),
];

fn fill(ctx: &Ctx<'_>) -> i64 {
    ctx.srv.tun.enc.list_max_listpack_size.load(Relaxed)
}

/// The list behind an entry, or WRONGTYPE.
fn as_list(e: &mut Entry) -> Result<&mut List, CmdError> {
    match e.object_mut() {
        Some(Object::List(l)) => Ok(l),
        _ => Err(CmdError::WrongType),
    }
}

/// The list behind a shared entry, or WRONGTYPE.
fn as_list_ref(e: &Entry) -> Result<&List, CmdError> {
    match e.value() {
        ValueRef::Object(Object::List(l)) => Ok(l),
        _ => Err(CmdError::WrongType),
    }
}

/// The list at `key` for reading: `None` when missing, WRONGTYPE for other types.
fn read_list<'e>(ctx: &'e mut Ctx<'_>, key: &[u8]) -> Result<Option<&'e List>, CmdError> {
    match ctx.db.lookup_read(key)? {
        None => Ok(None),
        Some(e) => as_list_ref(e).map(Some),
    }
}

/// True when the key holds a non-empty list; WRONGTYPE for other types.
fn has_elements(ctx: &mut Ctx<'_>, key: &[u8]) -> Result<bool, CmdError> {
    match ctx.db.lookup_write(key)? {
        None => Ok(false),
        Some(e) => Ok(!as_list(e)?.is_empty()),
    }
}

fn parse_end(arg: &[u8]) -> Result<End, CmdError> {
    if arg.eq_ignore_ascii_case(b"left") {
        Ok(End::Head)
    } else if arg.eq_ignore_ascii_case(b"right") {
        Ok(End::Tail)
    } else {
        Err(CmdError::Syntax)
    }
}

fn parse_int(arg: &[u8]) -> Result<i64, CmdError> {
    parse_i64_strict(arg).ok_or(CmdError::NotInteger)
}

/// Redis's event name of a push at `end`.
fn push_event(end: End) -> &'static str {
    match end {
        End::Head => "lpush",
        End::Tail => "rpush",
    }
}

/// Redis's event name of a pop at `end`.
fn pop_event(end: End) -> &'static str {
    match end {
        End::Head => "lpop",
        End::Tail => "rpop",
    }
}

/// The non-blocking command a pop at `end` propagates as.
fn pop_command(end: End) -> &'static [u8] {
    match end {
        End::Head => b"LPOP",
        End::Tail => b"RPOP",
    }
}

/// Pushes values at one end, creating the list when `create`; replies the length.
fn push_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, end: End, create: bool) -> CmdResult {
    let key = args.get(1);
    let values: Vec<&[u8]> = args.iter().skip(2).collect();
    let fill = fill(ctx);
    let len = match ctx.db.lookup_write(key)? {
        Some(e) => {
            let l = as_list(e)?;
            l.push(end, &values, fill);
            l.len()
        }
        None if create => {
            let mut l = List::new();
            l.push(end, &values, fill);
            let len = l.len();
            ctx.db
                .set(key, NewValue::Object(Box::new(Object::List(l))), None)?;
            len
        }
        None => {
            ctx.out.int(0);
            return Ok(());
        }
    };
    ctx.db.changed_n(key, push_event(end), values.len());
    ctx.out.int(len as i64);
    Ok(())
}

// LPUSH key element [element ...]
fn lpush(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    push_generic(ctx, args, End::Head, true)
}

// RPUSH key element [element ...]
fn rpush(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    push_generic(ctx, args, End::Tail, true)
}

// LPUSHX key element [element ...]
fn lpushx(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    push_generic(ctx, args, End::Head, false)
}

// RPUSHX key element [element ...]
fn rpushx(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    push_generic(ctx, args, End::Tail, false)
}

/// Elements popped, and whether the list is now empty.
type Popped = (Vec<Vec<u8>>, bool);

/// Pops up to `count` elements from `key`, leaving an emptied list in place
/// (see [`popped`]); also says whether the list is now empty. `None` when the
/// key is missing or empty.
fn pop_raw(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    end: End,
    count: usize,
) -> Result<Option<Popped>, CmdError> {
    let fill = fill(ctx);
    match ctx.db.lookup_write(key)? {
        None => Ok(None),
        Some(e) => {
            let l = as_list(e)?;
            if l.is_empty() {
                return Ok(None);
            }
            let values = l.pop(end, count, fill);
            Ok(Some((values, l.is_empty())))
        }
    }
}

/// Records the pop of `n` elements from `key` at `end` and deletes the list
/// when it is now `empty`, as Redis does after every pop.
fn popped(ctx: &mut Ctx<'_>, key: &[u8], end: End, n: usize, empty: bool) -> CmdResult {
    ctx.db.changed_n(key, pop_event(end), n);
    if empty {
        ctx.db.remove(key)?;
        ctx.db.event(key, "del");
    }
    Ok(())
}

/// Pops up to `count` elements from `key`, recording the pop and deleting the
/// key when it empties. `None` when the key is missing or empty.
fn pop_from(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    end: End,
    count: usize,
) -> Result<Option<Vec<Vec<u8>>>, CmdError> {
    let Some((values, empty)) = pop_raw(ctx, key, end, count)? else {
        return Ok(None);
    };
    popped(ctx, key, end, values.len(), empty)?;
    Ok(Some(values))
}

/// LPOP/RPOP with the optional count.
fn pop_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, end: End) -> CmdResult {
    if args.len() > 3 {
        return Err(CmdError::Msg(format!(
            "ERR wrong number of arguments for '{}' command",
            ctx.cmd.name
        )));
    }
    let count = if args.len() == 3 {
        let c = parse_i64_strict(args.get(2))
            .filter(|&c| c >= 0)
            .ok_or_else(|| CmdError::err("value is out of range, must be positive"))?;
        Some(c as usize)
    } else {
        None
    };
    let key = args.get(1);
    let exists = match ctx.db.lookup_write(key)? {
        None => false,
        Some(e) => {
            as_list(e)?;
            true
        }
    };
    match count {
        None => match pop_from(ctx, key, end, 1)?.and_then(|mut v| v.pop()) {
            Some(v) => ctx.out.bulk(&v),
            None => ctx.out.null(),
        },
        Some(_) if !exists => ctx.out.null_array(),
        Some(0) => ctx.out.array(0),
        Some(c) => {
            let values = pop_from(ctx, key, end, c)?.unwrap_or_default();
            ctx.out.bulk_array(values.iter().map(Vec::as_slice));
        }
    }
    Ok(())
}

// LPOP key [count]
fn lpop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    pop_generic(ctx, args, End::Head)
}

// RPOP key [count]
fn rpop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    pop_generic(ctx, args, End::Tail)
}

// LLEN key
fn llen(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let len = read_list(ctx, args.get(1))?.map_or(0, |l| l.len());
    ctx.out.int(len as i64);
    Ok(())
}

/// Converts Redis start/stop indexes (negative from the end) to a clamped
/// inclusive range, or `None` when empty.
fn clamp_range(start: i64, stop: i64, len: usize) -> Option<(usize, usize)> {
    let len = len as i64;
    let mut start = if start < 0 { len + start } else { start };
    let mut stop = if stop < 0 { len + stop } else { stop };
    if start < 0 {
        start = 0;
    }
    if start > stop || start >= len {
        return None;
    }
    if stop >= len {
        stop = len - 1;
    }
    Some((start as usize, stop as usize))
}

// LRANGE key start stop
fn lrange(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let start = parse_int(args.get(2))?;
    let stop = parse_int(args.get(3))?;
    let Some(e) = ctx.db.lookup_read(args.get(1))? else {
        ctx.out.array(0);
        return Ok(());
    };
    let l = as_list_ref(e)?;
    match clamp_range(start, stop, l.len()) {
        None => ctx.out.array(0),
        Some((a, b)) => {
            let out = &mut *ctx.out;
            out.array(b - a + 1);
            l.for_range(a, b, |item| match item {
                Item::Int(i) => out.bulk_int(i),
                Item::Str(s) => out.bulk(s),
                Item::F64(_) => out.bulk(&item.to_bytes()),
            });
        }
    }
    Ok(())
}

/// A Redis index (negative from the end) as a position, if in range.
fn index_of(index: i64, len: usize) -> Option<usize> {
    let i = if index < 0 { len as i64 + index } else { index };
    (i >= 0 && (i as usize) < len).then_some(i as usize)
}

// LINDEX key index
fn lindex(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let index = parse_int(args.get(2))?;
    let value =
        read_list(ctx, args.get(1))?.and_then(|l| index_of(index, l.len()).and_then(|i| l.get(i)));
    match value {
        Some(v) => ctx.out.bulk(&v),
        None => ctx.out.null(),
    }
    Ok(())
}

// LSET key index element
fn lset(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let index = parse_int(args.get(2))?;
    let fill = fill(ctx);
    let Some(e) = ctx.db.lookup_write(args.get(1))? else {
        return Err(CmdError::NoSuchKey);
    };
    let l = as_list(e)?;
    let i = index_of(index, l.len()).ok_or_else(|| CmdError::err("index out of range"))?;
    l.set(i, args.get(3), fill);
    ctx.db.changed(args.get(1), "lset");
    ctx.out.ok();
    Ok(())
}

// LINSERT key <BEFORE | AFTER> pivot element
fn linsert(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let where_ = args.get(2);
    let after = if where_.eq_ignore_ascii_case(b"after") {
        true
    } else if where_.eq_ignore_ascii_case(b"before") {
        false
    } else {
        return Err(CmdError::Syntax);
    };
    let fill = fill(ctx);
    let Some(e) = ctx.db.lookup_write(args.get(1))? else {
        ctx.out.int(0);
        return Ok(());
    };
    let l = as_list(e)?;
    let n = l
        .insert(args.get(3), args.get(4), after, fill)
        .map_or(-1, |n| n as i64);
    if n > 0 {
        ctx.db.changed(args.get(1), "linsert");
    }
    ctx.out.int(n);
    Ok(())
}

// LREM key count element
fn lrem(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let count = parse_int(args.get(2))?;
    let key = args.get(1);
    let fill = fill(ctx);
    let (removed, empty) = match ctx.db.lookup_write(key)? {
        None => (0, false),
        Some(e) => {
            let l = as_list(e)?;
            let r = l.remove(args.get(3), count, fill);
            (r, l.is_empty())
        }
    };
    if removed > 0 {
        ctx.db.changed_n(key, "lrem", removed);
    }
    if empty {
        ctx.db.remove(key)?;
        ctx.db.event(key, "del");
    }
    ctx.out.int(removed as i64);
    Ok(())
}

// LTRIM key start stop
fn ltrim(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let start = parse_int(args.get(2))?;
    let stop = parse_int(args.get(3))?;
    let key = args.get(1);
    let fill = fill(ctx);
    let (trimmed, empty) = match ctx.db.lookup_write(key)? {
        None => {
            ctx.out.ok();
            return Ok(());
        }
        Some(e) => {
            let l = as_list(e)?;
            let before = l.len();
            match clamp_range(start, stop, l.len()) {
                Some((a, b)) => l.trim(a, b, fill),
                None => l.trim(1, 0, fill),
            }
            (before - l.len(), l.is_empty())
        }
    };
    // Redis emits `ltrim` even when nothing was trimmed, counting the
    // elements removed.
    ctx.db.changed_n(key, "ltrim", trimmed);
    if empty {
        ctx.db.remove(key)?;
        ctx.db.event(key, "del");
    }
    ctx.out.ok();
    Ok(())
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
fn lpos(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut rank: i64 = 1;
    let mut count: Option<i64> = None;
    let mut maxlen: i64 = 0;
    let mut i = 3;
    while i < args.len() {
        let opt = args.get(i);
        if i + 1 >= args.len() {
            return Err(CmdError::Syntax);
        }
        let v = args.get(i + 1);
        if opt.eq_ignore_ascii_case(b"rank") {
            rank = parse_int(v)?;
            if rank == 0 {
                return Err(CmdError::err(
                    "RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list",
                ));
            }
            if rank == i64::MIN {
                return Err(CmdError::err("value is out of range"));
            }
        } else if opt.eq_ignore_ascii_case(b"count") {
            let c = parse_int(v)?;
            if c < 0 {
                return Err(CmdError::err("COUNT can't be negative"));
            }
            count = Some(c);
        } else if opt.eq_ignore_ascii_case(b"maxlen") {
            maxlen = parse_int(v)?;
            if maxlen < 0 {
                return Err(CmdError::err("MAXLEN can't be negative"));
            }
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    let needle = args.get(2);
    let limit = if maxlen == 0 {
        usize::MAX
    } else {
        maxlen as usize
    };
    let want = match count {
        None => 1,
        Some(0) => usize::MAX,
        Some(c) => c as usize,
    };
    let mut skip = rank.unsigned_abs() as usize - 1;
    let mut found = Vec::new();
    if let Some(l) = read_list(ctx, args.get(1))? {
        let mut scanned = 0usize;
        l.scan(rank < 0, |idx, item| {
            if scanned >= limit || found.len() >= want {
                return false;
            }
            scanned += 1;
            if item.eq_bytes(needle) {
                if skip > 0 {
                    skip -= 1;
                } else {
                    found.push(idx as i64);
                }
            }
            true
        });
    }
    if count.is_some() {
        ctx.out.array(found.len());
        for f in found {
            ctx.out.int(f);
        }
    } else {
        match found.first() {
            Some(&f) => ctx.out.int(f),
            None => ctx.out.null(),
        }
    }
    Ok(())
}

/// Moves one element from `src` (at `from`) to `dst` (at `to`); `None` when the
/// source is missing or empty. Checks the destination type first, as Redis does.
fn move_one(
    ctx: &mut Ctx<'_>,
    src: &[u8],
    dst: &[u8],
    from: End,
    to: End,
) -> Result<Option<Vec<u8>>, CmdError> {
    if !has_elements(ctx, src)? {
        return Ok(None);
    }
    if let Some(e) = ctx.db.lookup_write(dst)? {
        as_list(e)?;
    }
    // The source is deleted (when emptied) only after the push, as in Redis:
    // a one-element list rotated onto itself stays.
    let Some((mut values, empty)) = pop_raw(ctx, src, from, 1)? else {
        return Ok(None);
    };
    let Some(value) = values.pop() else {
        return Ok(None);
    };
    let fill = fill(ctx);
    match ctx.db.lookup_write(dst)? {
        Some(e) => as_list(e)?.push(to, &[&value], fill),
        None => {
            let mut l = List::new();
            l.push(to, &[&value], fill);
            ctx.db
                .set(dst, NewValue::Object(Box::new(Object::List(l))), None)?;
        }
    }
    // One change for the dirty counter, counted with the pop.
    ctx.db.event(dst, push_event(to));
    popped(ctx, src, from, 1, empty && src != dst)?;
    Ok(Some(value))
}

// LMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT>
fn lmove(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let from = parse_end(args.get(3))?;
    let to = parse_end(args.get(4))?;
    match move_one(ctx, args.get(1), args.get(2), from, to)? {
        Some(v) => ctx.out.bulk(&v),
        None => ctx.out.null(),
    }
    Ok(())
}

// RPOPLPUSH source destination
fn rpoplpush(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    match move_one(ctx, args.get(1), args.get(2), End::Tail, End::Head)? {
        Some(v) => ctx.out.bulk(&v),
        None => ctx.out.null(),
    }
    Ok(())
}

/// Parsed `numkeys key [key ...] <LEFT | RIGHT> [COUNT count]` starting at `first`.
struct MpopArgs {
    keys: Vec<Vec<u8>>,
    end: End,
    count: usize,
}

fn parse_mpop(args: &Args<'_>, first: usize) -> Result<MpopArgs, CmdError> {
    let numkeys = parse_i64_strict(args.get(first))
        .filter(|&n| n > 0)
        .ok_or_else(|| CmdError::err("numkeys should be greater than 0"))?
        as usize;
    let where_at = first.checked_add(1 + numkeys).ok_or(CmdError::Syntax)?;
    if where_at >= args.len() {
        return Err(CmdError::Syntax);
    }
    let keys = (first + 1..where_at)
        .map(|i| args.get(i).to_vec())
        .collect();
    let end = parse_end(args.get(where_at))?;
    let mut count = 1usize;
    let mut i = where_at + 1;
    let mut seen_count = false;
    while i < args.len() {
        if args.get(i).eq_ignore_ascii_case(b"count") && i + 1 < args.len() && !seen_count {
            let c = parse_i64_strict(args.get(i + 1))
                .filter(|&c| c > 0)
                .ok_or_else(|| CmdError::err("count should be greater than 0"))?;
            count = c as usize;
            seen_count = true;
            i += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    Ok(MpopArgs { keys, end, count })
}

/// Pops from the first non-empty list; replies `[key, [elements]]`. False when all
/// lists are empty (nothing written).
fn mpop_once(ctx: &mut Ctx<'_>, p: &MpopArgs) -> Result<bool, CmdError> {
    for key in &p.keys {
        if has_elements(ctx, key)? {
            let values = pop_from(ctx, key, p.end, p.count)?.unwrap_or_default();
            // LMPOP and BLMPOP propagate as [LR]POP key count.
            let n = itoa::Buffer::new().format(values.len()).as_bytes().to_vec();
            ctx.db
                .propagate_as(vec![pop_command(p.end).to_vec(), key.clone(), n]);
            ctx.out.array(2);
            ctx.out.bulk(key);
            ctx.out.bulk_array(values.iter().map(Vec::as_slice));
            return Ok(true);
        }
    }
    Ok(false)
}

// LMPOP numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
fn lmpop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let p = parse_mpop(args, 1)?;
    if !mpop_once(ctx, &p)? {
        ctx.out.null_array();
    }
    Ok(())
}

/// BLPOP/BRPOP: pop from the first non-empty key or block on all of them.
fn bpop_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, end: End) -> CmdResult {
    let deadline = parse_timeout(args.get(args.len() - 1), ctx.now_ms())?;
    let keys: Vec<&[u8]> = (1..args.len() - 1).map(|i| args.get(i)).collect();
    for key in &keys {
        if has_elements(ctx, key)? {
            let value = pop_from(ctx, key, end, 1)?
                .and_then(|mut v| v.pop())
                .unwrap_or_default();
            ctx.db
                .propagate_as(vec![pop_command(end).to_vec(), key.to_vec()]);
            ctx.out.array(2);
            ctx.out.bulk(key);
            ctx.out.bulk(&value);
            return Ok(());
        }
    }
    if ctx.client.in_multi() {
        ctx.out.null_array();
        return Ok(());
    }
    ctx.block_on(
        keys.iter().map(|k| k.to_vec()).collect(),
        deadline,
        TimeoutReply::NullArray,
    );
    Ok(())
}

// BLPOP key [key ...] timeout
fn blpop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    bpop_generic(ctx, args, End::Head)
}

// BRPOP key [key ...] timeout
fn brpop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    bpop_generic(ctx, args, End::Tail)
}

/// BLMOVE/BRPOPLPUSH: move now (propagated as the command `as_cmd`), or
/// block on the source.
fn bmove_generic(
    ctx: &mut Ctx<'_>,
    src: &[u8],
    dst: &[u8],
    from: End,
    to: End,
    timeout: &[u8],
    as_cmd: &[&[u8]],
) -> CmdResult {
    let deadline = parse_timeout(timeout, ctx.now_ms())?;
    if let Some(v) = move_one(ctx, src, dst, from, to)? {
        ctx.db
            .propagate_as(as_cmd.iter().map(|w| w.to_vec()).collect());
        ctx.out.bulk(&v);
        return Ok(());
    }
    if ctx.client.in_multi() {
        ctx.out.null();
        return Ok(());
    }
    // A timed-out BLMOVE replies a null array like every list blocker; only the
    // non-blocking path above (inside MULTI) replies a null bulk.
    ctx.block_on(vec![src.to_vec()], deadline, TimeoutReply::NullArray);
    Ok(())
}

// BLMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout
fn blmove(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let from = parse_end(args.get(3))?;
    let to = parse_end(args.get(4))?;
    let as_cmd = [
        &b"LMOVE"[..],
        args.get(1),
        args.get(2),
        args.get(3),
        args.get(4),
    ];
    bmove_generic(
        ctx,
        args.get(1),
        args.get(2),
        from,
        to,
        args.get(5),
        &as_cmd,
    )
}

// BRPOPLPUSH source destination timeout
fn brpoplpush(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    bmove_generic(
        ctx,
        args.get(1),
        args.get(2),
        End::Tail,
        End::Head,
        args.get(3),
        &[b"RPOPLPUSH", args.get(1), args.get(2)],
    )
}

// BLMPOP timeout numkeys key [key ...] <LEFT | RIGHT> [COUNT count]
fn blmpop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let deadline = parse_timeout(args.get(1), ctx.now_ms())?;
    let p = parse_mpop(args, 2)?;
    if mpop_once(ctx, &p)? {
        return Ok(());
    }
    if ctx.client.in_multi() {
        ctx.out.null_array();
        return Ok(());
    }
    ctx.block_on(p.keys, deadline, TimeoutReply::NullArray);
    Ok(())
}
