//! Commands over whole databases: KEYS SCAN RANDOMKEY DBSIZE SWAPDB FLUSHDB FLUSHALL.
//!
//! KEYS, SCAN, RANDOMKEY and DBSIZE declare no keys and visit the lock shards one
//! at a time themselves, so they never stall the whole server. SWAPDB and the
//! FLUSH commands lock every shard (`LOCK_ALL`) and replace per-shard tables.

use std::sync::mpsc::{channel, Sender};
use std::sync::OnceLock;

use cinnabar_resp::{parse_i64_strict, Args, ReplyBuf};
use rand::Rng;

use super::prelude::*;
use super::{acl, flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::publish::SWAPDB;
use crate::exec::Ctx;
use crate::glob;
use crate::keyspace::scan::scan;
use crate::keyspace::{DbShard, Entry, Locked};
use crate::stats::bump;

/// The database-wide command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("keys", 2, READONLY, "generic", keys)
        .acl(acl::KEYSPACE | acl::READ | acl::SLOW | acl::DANGEROUS)
        .since("1.0.0")
        .doc(
            "Returns every key name matching a glob pattern.",
            concat!(
                "O(N), N being the number of keys in the database, assuming ",
                "short names and pattern."
            ),
        )
        .tips(&["request_policy:all_shards", "nondeterministic_output_order"])
        .args(&[pattern("pattern")]),
    CommandDef::new("scan", -2, READONLY, "generic", scan_cmd)
        .acl(acl::KEYSPACE | acl::READ | acl::SLOW)
        .since("2.8.0")
        .doc(
            "Iterates over the key names of the database with a cursor.",
            concat!(
                "O(1) per call; O(N) for a full iteration until the cursor is ",
                "0 again, N being the number of keys."
            ),
        )
        .history(&[("6.0.0", "TYPE filter.")])
        .tips(&[
            "nondeterministic_output",
            "request_policy:special",
            "response_policy:special",
        ])
        .args(&[
            integer("cursor"),
            pattern("pattern").token("MATCH").optional(),
            integer("count").token("COUNT").optional(),
            string("type").token("TYPE").optional().since("6.0.0"),
        ]),
    CommandDef::new("randomkey", 1, READONLY, "generic", randomkey)
        .acl(acl::KEYSPACE | acl::READ | acl::SLOW)
        .since("1.0.0")
        .doc("Picks a random key of the database.", "O(1)")
        .tips(&[
            "request_policy:all_shards",
            "response_policy:special",
            "nondeterministic_output",
        ]),
    CommandDef::new("dbsize", 1, READONLY | FAST, "server", dbsize)
        .acl(acl::KEYSPACE | acl::READ | acl::FAST)
        .since("1.0.0")
        .doc("Counts the keys of the selected database.", "O(1)")
        .tips(&["request_policy:all_shards", "response_policy:agg_sum"]),
    CommandDef::new("swapdb", 3, WRITE | FAST | LOCK_ALL, "server", swapdb)
        .acl(acl::KEYSPACE | acl::WRITE | acl::FAST | acl::DANGEROUS)
        .since("4.0.0")
        .doc(
            "Swaps the contents of two databases.",
            concat!(
                "O(N), N being the number of clients watching or blocked on ",
                "keys of either database."
            ),
        )
        .args(&[integer("index1"), integer("index2")]),
    CommandDef::new("flushdb", -1, WRITE | LOCK_ALL, "server", flushdb)
        .acl(acl::KEYSPACE | acl::WRITE | acl::SLOW | acl::DANGEROUS)
        .since("1.0.0")
        .doc(
            "Removes every key from the selected database.",
            "O(N), N being the number of keys in the selected database",
        )
        .history(&[("4.0.0", "ASYNC mode."), ("6.2.0", "SYNC mode.")])
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .args(&[oneof(
            "flush-type",
            &[
                token("async", "ASYNC").since("4.0.0"),
                token("sync", "SYNC").since("6.2.0"),
            ],
        )
        .optional()]),
    CommandDef::new("flushall", -1, WRITE | LOCK_ALL, "server", flushall)
        .acl(acl::KEYSPACE | acl::WRITE | acl::SLOW | acl::DANGEROUS)
        .since("1.0.0")
        .doc(
            "Removes every key from every database.",
            "O(N), N being the number of keys in every database",
        )
        .history(&[("4.0.0", "ASYNC mode."), ("6.2.0", "SYNC mode.")])
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .args(&[oneof(
            "flush-type",
            &[
                token("async", "ASYNC").since("4.0.0"),
                token("sync", "SYNC").since("6.2.0"),
            ],
        )
        .optional()]),
];

// KEYS pattern
fn keys(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let pattern = args.get(1);
    let all = pattern == b"*";
    let (db, now) = (ctx.db.index, ctx.db.now_ms);
    let mut body = ReplyBuf::new();
    let mut n = 0usize;
    for shard in 0..ctx.srv.keyspace.num_shards() {
        ctx.db.locked.visit_shard(shard, |guard| {
            let Some(tables) = guard.db(db) else { return };
            for e in tables.slots().iter().flat_map(|t| t.iter()) {
                if (all || glob::matches(pattern, e.key(), false)) && !e.is_expired(now) {
                    body.bulk(e.key());
                    n += 1;
                }
            }
        });
    }
    ctx.out.array(n);
    ctx.out.raw(&body.buf);
    Ok(())
}

/// Parses a SCAN cursor as Redis 7.2 does (C `strtoul` over the argument up to its
/// first NUL byte, no leading space, nothing after the digits, a `-` sign negating
/// modulo 2^64, and an empty argument reading as 0).
pub fn parse_cursor(raw: &[u8]) -> Option<u64> {
    let s = raw
        .iter()
        .position(|&b| b == 0)
        .map_or(raw, |end| &raw[..end]);
    let Some(&first) = s.first() else {
        return Some(0);
    };
    if matches!(first, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
        return None;
    }
    let (negative, digits) = match first {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut value = 0u64;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        value = value.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(if negative {
        value.wrapping_neg()
    } else {
        value
    })
}

/// Most `scan` steps one SCAN call takes: each visits at least 256 slots, so this
/// many cover all 16,384 slots of an (almost) empty database.
const MAX_SCAN_STEPS: usize = 64;

// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
fn scan_cmd(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let cursor = parse_cursor(args.get(1)).ok_or_else(|| CmdError::err("invalid cursor"))?;
    let mut count = 10usize;
    let mut pattern: Option<&[u8]> = None;
    let mut type_name: Option<&[u8]> = None;
    let mut i = 2;
    while i < args.len() {
        let opt = args.get(i);
        let has_value = i + 1 < args.len();
        if opt.eq_ignore_ascii_case(b"count") && has_value {
            let n = parse_i64_strict(args.get(i + 1)).ok_or(CmdError::NotInteger)?;
            if n < 1 {
                return Err(CmdError::Syntax);
            }
            count = usize::try_from(n).unwrap_or(usize::MAX);
        } else if opt.eq_ignore_ascii_case(b"match") && has_value {
            let p = args.get(i + 1);
            pattern = (p != b"*").then_some(p);
        } else if opt.eq_ignore_ascii_case(b"type") && has_value {
            type_name = Some(args.get(i + 1));
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    // Like Redis, stop once `count` keys were sampled (matching or not) or after
    // a bounded amount of work; unlike one `scan` step, keep going over empty
    // slots, so a small database is returned in one call as Redis does.
    let stats = ctx.db.stats;
    let sampled = std::cell::Cell::new(0usize);
    let mut filter = |e: &Entry| {
        sampled.set(sampled.get() + 1);
        if pattern.is_some_and(|p| !glob::matches(p, e.key(), false)) {
            return false;
        }
        match type_name {
            None => true,
            Some(t) => {
                // Redis 7.2 checks the type with a read lookup, counted as a hit.
                bump(&stats.keyspace_hits, 1);
                e.value().type_name().as_bytes().eq_ignore_ascii_case(t)
            }
        }
    };
    let mut found = Vec::new();
    let mut next = cursor;
    for _ in 0..MAX_SCAN_STEPS {
        let want = count.saturating_sub(found.len()).max(1);
        let (db, now) = (ctx.db.index, ctx.db.now_ms);
        let step = scan(&mut ctx.db.locked, db, next, want, now, &mut filter);
        found.extend(step.keys);
        next = step.cursor;
        if next == 0 || found.len() >= count || sampled.get() >= count {
            break;
        }
    }
    ctx.out.array(2);
    ctx.out.bulk(itoa::Buffer::new().format(next).as_bytes());
    ctx.out.array(found.len());
    for key in &found {
        ctx.out.bulk(key);
    }
    Ok(())
}

// RANDOMKEY
fn randomkey(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let (ks, db, now) = (&ctx.srv.keyspace, ctx.db.index, ctx.db.now_ms);
    let mut rng = rand::thread_rng();
    // Every expired pick purges its whole shard, so this many rounds always ends
    // with a live key or an empty database.
    let rounds = ks.num_shards() * 2 + 8;
    for _ in 0..rounds {
        let counts: Vec<usize> = (0..ks.num_shards())
            .map(|s| {
                ctx.db
                    .locked
                    .visit_shard(s, |g| g.db(db).map_or(0, DbShard::keys))
                    .unwrap_or(0)
            })
            .collect();
        let total: usize = counts.iter().sum();
        if total == 0 {
            break;
        }
        let mut r = rng.gen_range(0..total);
        let mut shard = 0;
        for (i, &c) in counts.iter().enumerate() {
            if r < c {
                shard = i;
                break;
            }
            r -= c;
        }
        // Inside EXEC the shard is already held; otherwise lock it for the pick.
        let mut own = (!ctx.db.locked.holds(shard)).then(|| ks.lock_shards(&mut vec![shard]));
        // Held locks report their expired keys to the dispatcher.
        let report = own.is_some();
        let locked = match own.as_mut() {
            Some(l) => l,
            None => &mut ctx.db.locked,
        };
        match pick_in_shard(locked, shard, db, r, now) {
            Some((key, false)) => {
                ctx.out.bulk(&key);
                return Ok(());
            }
            Some((_, true)) => {
                purge_expired(locked, shard, db, now);
                // A lock taken here publishes its expiries itself; under
                // EXEC's locks they go out with this command's effects.
                if report {
                    let mut ready = Vec::new();
                    crate::exec::publish::publish(
                        ctx.srv,
                        locked,
                        &mut ready,
                        ctx.db.stats,
                        db,
                        None,
                    );
                }
            }
            None => {}
        }
    }
    ctx.out.null();
    Ok(())
}

/// The `r`-th key (wrapped to the shard's current size) of database `db` in a
/// locked shard, and whether it has expired.
fn pick_in_shard(
    locked: &mut Locked<'_>,
    shard: usize,
    db: usize,
    r: usize,
    now: i64,
) -> Option<(Vec<u8>, bool)> {
    let tables = locked.shard_mut(shard)?.db(db)?;
    let mut r = r.checked_rem(tables.keys())?;
    for table in tables.slots() {
        if r < table.len() {
            let e = table.iter().nth(r)?;
            return Some((e.key().to_vec(), e.is_expired(now)));
        }
        r -= table.len();
    }
    None
}

/// Removes every expired key of database `db` in a locked shard.
fn purge_expired(locked: &mut Locked<'_>, shard: usize, db: usize, now: i64) {
    let expired: Vec<Vec<u8>> = match locked.shard_mut(shard).and_then(|s| s.db(db)) {
        Some(tables) => tables
            .slots()
            .iter()
            .flat_map(|t| t.iter())
            .filter(|e| e.is_expired(now))
            .map(|e| e.key().to_vec())
            .collect(),
        None => return,
    };
    for key in expired {
        // A lookup removes the expired key and counts it.
        let _ = locked.get(db, &key, now);
    }
}

// DBSIZE
fn dbsize(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let n = ctx.db.locked.db_counts(ctx.db.index).0;
    ctx.out.int(i64::try_from(n).unwrap_or(i64::MAX));
    Ok(())
}

// SWAPDB index1 index2
fn swapdb(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let parse = |raw: &[u8], which: &str| {
        parse_i64_strict(raw)
            .filter(|v| i32::try_from(*v).is_ok())
            .ok_or_else(|| CmdError::err(format_args!("invalid {which} DB index")))
    };
    let a = parse(args.get(1), "first")?;
    let b = parse(args.get(2), "second")?;
    let n = ctx.srv.keyspace.num_dbs();
    let index = |v: i64| {
        usize::try_from(v)
            .ok()
            .filter(|&d| d < n)
            .ok_or(CmdError::DbOutOfRange)
    };
    let (a, b) = (index(a)?, index(b)?);
    // Redis counts a swap of a database with itself as a change too.
    ctx.db.changed_db(a, SWAPDB, 1);
    if a != b {
        for shard in 0..ctx.srv.keyspace.num_shards() {
            if let Some(s) = ctx.db.locked.shard_mut(shard) {
                s.swap_dbs(a, b);
            }
        }
        ctx.db.changed_db(b, SWAPDB, 0);
    }
    ctx.out.ok();
    Ok(())
}

/// FLUSHDB / FLUSHALL's option: true for ASYNC. Without one, Redis follows
/// `lazyfree-lazy-user-flush`, whose default (no) is a synchronous flush.
fn flush_async(args: &Args<'_>) -> Result<bool, CmdError> {
    match args.len() {
        1 => Ok(false),
        2 if args.get(1).eq_ignore_ascii_case(b"sync") => Ok(false),
        2 if args.get(1).eq_ignore_ascii_case(b"async") => Ok(true),
        _ => Err(CmdError::Syntax),
    }
}

/// Takes the tables of databases `dbs` out of every (locked) shard and records
/// each database's flush (`event`), counting its removed keys as Redis's
/// `emptyData` does. Every database is recorded, emptied or not: Redis
/// propagates a flush even of empty databases.
fn take_dbs(ctx: &mut Ctx<'_>, dbs: std::ops::Range<usize>, event: &'static str) -> Vec<DbShard> {
    let mut taken = Vec::new();
    let mut removed = vec![0usize; dbs.len()];
    for shard in 0..ctx.srv.keyspace.num_shards() {
        if let Some(s) = ctx.db.locked.shard_mut(shard) {
            for (n, db) in removed.iter_mut().zip(dbs.clone()) {
                if let Some(tables) = s.take_db(db) {
                    *n += tables.keys();
                    taken.push(*tables);
                }
            }
        }
    }
    for (n, db) in removed.into_iter().zip(dbs) {
        ctx.db.changed_db(db, event, n);
    }
    taken
}

/// Frees flushed tables: inline, or on the background thread for ASYNC.
fn dispose(tables: Vec<DbShard>, background: bool) {
    if tables.is_empty() {
        return;
    }
    if !background {
        drop(tables);
        return;
    }
    static LAZYFREE: OnceLock<Option<Sender<Vec<DbShard>>>> = OnceLock::new();
    let sender = LAZYFREE.get_or_init(|| {
        let (tx, rx) = channel::<Vec<DbShard>>();
        let spawned = std::thread::Builder::new()
            .name("lazyfree".into())
            .spawn(move || {
                for batch in rx {
                    drop(batch);
                }
            });
        spawned.ok().map(|_| tx)
    });
    // Without the thread (it could not start), the tables are freed right here.
    if let Some(tx) = sender {
        let _ = tx.send(tables);
    }
}

// FLUSHDB [ASYNC | SYNC]
fn flushdb(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let background = flush_async(args)?;
    let db = ctx.db.index;
    let tables = take_dbs(ctx, db..db + 1, "flushdb");
    dispose(tables, background);
    ctx.out.ok();
    Ok(())
}

// FLUSHALL [ASYNC | SYNC]
fn flushall(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let background = flush_async(args)?;
    let tables = take_dbs(ctx, 0..ctx.srv.keyspace.num_dbs(), "flushall");
    dispose(tables, background);
    ctx.out.ok();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_parsing_follows_strtoul() {
        // Replies checked against redis-server: these are accepted...
        assert_eq!(parse_cursor(b"0"), Some(0));
        assert_eq!(parse_cursor(b""), Some(0));
        assert_eq!(parse_cursor(b"+5"), Some(5));
        assert_eq!(parse_cursor(b"007"), Some(7));
        assert_eq!(parse_cursor(b"-1"), Some(u64::MAX));
        assert_eq!(parse_cursor(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_cursor(b"12\x00junk"), Some(12));
        // ... and these get "invalid cursor".
        assert_eq!(parse_cursor(b"abc"), None);
        assert_eq!(parse_cursor(b" 1"), None);
        assert_eq!(parse_cursor(b"1 "), None);
        assert_eq!(parse_cursor(b"18446744073709551616"), None);
        assert_eq!(parse_cursor(b"-"), None);
        assert_eq!(parse_cursor(b"+"), None);
        assert_eq!(parse_cursor(b"0x10"), None);
        assert_eq!(parse_cursor(b"1.5"), None);
    }
}
