//! MEMORY: per-key memory usage and allocator reports.

use cinnabar_resp::Args;

use super::command_cmd::reply_help;
use super::info::{bytes_to_human, MemSnapshot};
use super::prelude::*;
use super::{flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;

static SUBCOMMANDS: &[CommandDef] = &[
    CommandDef::new("doctor", 2, 0, "server", doctor)
        .since("4.0.0")
        .doc("Describes memory problems the server may have.", "O(1)")
        .tips(&[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ]),
    CommandDef::new("help", 2, LOADING | STALE, "server", help)
        .since("4.0.0")
        .doc("Lists the MEMORY subcommands.", "O(1)"),
    CommandDef::new("malloc-stats", 2, 0, "server", malloc_stats)
        .since("4.0.0")
        .doc(
            "Returns the memory allocator's own statistics report.",
            "Grows with the amount of allocated memory; may be slow",
        )
        .tips(&[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ]),
    CommandDef::new("purge", 2, 0, "server", purge)
        .since("4.0.0")
        .doc(
            "Asks the allocator to release unused memory.",
            "Grows with the amount of allocated memory; may be slow",
        )
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"]),
    CommandDef::new("stats", 2, 0, "server", stats)
        .since("4.0.0")
        .doc("Returns details about the server's memory usage.", "O(1)")
        .tips(&[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ]),
    CommandDef::new("usage", -3, READONLY, "server", usage)
        .since("4.0.0")
        .doc(
            "Estimates how many bytes a key and its value take.",
            "O(N), N being the number of sampled elements.",
        )
        .key_specs(&[KeySpec::single(RO, 2)])
        .args(&[key("key", 0), integer("count").token("SAMPLES").optional()]),
];

/// The MEMORY command.
pub static COMMANDS: &[CommandDef] = &[CommandDef::container("memory", "server", SUBCOMMANDS)
    .since("4.0.0")
    .doc(
        "Groups the memory introspection subcommands.",
        "Varies with the subcommand.",
    )];

// MEMORY USAGE key [SAMPLES count]
fn usage(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut j = 3;
    while j < args.len() {
        if args.get(j).eq_ignore_ascii_case(b"samples") && j + 1 < args.len() {
            let n = cinnabar_resp::parse_i64_strict(args.get(j + 1)).ok_or(CmdError::NotInteger)?;
            if n < 0 {
                return Err(CmdError::Syntax);
            }
            // Values are not sampled: the whole value is measured.
            j += 2;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let db = ctx.db.index;
    match ctx.db.lookup_in(db, args.get(2))? {
        Some(e) => {
            let n = e.memory_usage();
            ctx.out.int(i64::try_from(n).unwrap_or(i64::MAX));
        }
        None => ctx.out.null(),
    }
    Ok(())
}

// MEMORY STATS
fn stats(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let srv = ctx.srv;
    let m = MemSnapshot::take(srv);
    let locked = &mut ctx.db.locked;
    let dbs: Vec<(usize, usize, usize)> = (0..srv.keyspace.num_dbs())
        .filter_map(|db| {
            let (keys, expires) = locked.db_counts(db);
            (keys > 0).then_some((db, keys, expires))
        })
        .collect();
    let total_keys: usize = dbs.iter().map(|d| d.1).sum();
    let entry_overhead = std::mem::size_of::<crate::keyspace::Entry>();
    let out = &mut *ctx.out;
    let int = |out: &mut cinnabar_resp::ReplyBuf, name: &str, v: i64| {
        out.bulk(name.as_bytes());
        out.int(v);
    };
    let dbl = |out: &mut cinnabar_resp::ReplyBuf, name: &str, v: f32| {
        out.bulk(name.as_bytes());
        out.double(f64::from(v));
    };
    let as_i = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f32 / b as f32 };
    out.map(27 + dbs.len());
    int(out, "peak.allocated", as_i(m.peak));
    int(out, "total.allocated", as_i(m.used));
    int(out, "startup.allocated", as_i(m.startup));
    int(out, "replication.backlog", 0);
    int(out, "clients.slaves", 0);
    int(out, "clients.normal", as_i(m.clients_normal));
    int(out, "cluster.links", 0);
    int(out, "aof.buffer", 0);
    int(out, "lua.caches", 0);
    int(out, "functions.caches", 0);
    for &(db, keys, _) in &dbs {
        out.bulk(format!("db.{db}").as_bytes());
        out.map(3);
        int(out, "overhead.hashtable.main", as_i(keys * entry_overhead));
        int(out, "overhead.hashtable.expires", 0);
        int(out, "overhead.hashtable.slot-to-keys", 0);
    }
    int(out, "overhead.total", as_i(m.overhead()));
    int(out, "keys.count", as_i(total_keys));
    let per_key = m
        .used
        .saturating_sub(m.startup)
        .checked_div(total_keys)
        .unwrap_or(0);
    int(out, "keys.bytes-per-key", as_i(per_key));
    int(out, "dataset.bytes", as_i(m.dataset()));
    dbl(out, "dataset.percentage", m.dataset_perc());
    dbl(out, "peak.percentage", m.peak_perc());
    int(out, "allocator.allocated", as_i(m.allocated));
    int(out, "allocator.active", as_i(m.active));
    int(out, "allocator.resident", as_i(m.resident));
    dbl(
        out,
        "allocator-fragmentation.ratio",
        ratio(m.active, m.allocated),
    );
    int(
        out,
        "allocator-fragmentation.bytes",
        as_i(m.active) - as_i(m.allocated),
    );
    dbl(out, "allocator.rss-ratio", ratio(m.resident, m.active));
    int(
        out,
        "allocator.rss-bytes",
        as_i(m.resident) - as_i(m.active),
    );
    dbl(out, "rss-overhead.ratio", ratio(m.rss, m.resident));
    int(out, "rss-overhead.bytes", as_i(m.rss) - as_i(m.resident));
    dbl(out, "fragmentation", ratio(m.rss, m.used));
    int(out, "fragmentation.bytes", as_i(m.rss) - as_i(m.used));
    Ok(())
}

// MEMORY DOCTOR
fn doctor(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let m = MemSnapshot::take(ctx.srv);
    let text = if m.used < 5 * 1024 * 1024 {
        "This instance holds too little data for the memory doctor to say anything useful. \
         Store some data and ask again."
            .to_string()
    } else {
        let mut issues = Vec::new();
        if m.peak > m.used && m.peak as f64 / m.used as f64 > 1.5 {
            issues.push(format!(
                " * Peak memory: memory use was once {} ({} now). The allocator may keep the \
                 difference until it can reuse it.",
                bytes_to_human(m.peak as u64),
                bytes_to_human(m.used as u64)
            ));
        }
        if m.rss > 10 * 1024 * 1024 && m.rss as f64 / m.used.max(1) as f64 > 1.4 {
            issues.push(format!(
                " * High fragmentation: the process is {} resident for {} allocated. \
                 MEMORY PURGE may return some of it.",
                bytes_to_human(m.rss as u64),
                bytes_to_human(m.used as u64)
            ));
        }
        if issues.is_empty() {
            "No memory problems found in this instance.".to_string()
        } else {
            format!(
                "The memory doctor found these possible problems:\n\n{}\n",
                issues.join("\n\n")
            )
        }
    };
    ctx.out.verbatim(b"txt", text.as_bytes());
    Ok(())
}

// MEMORY MALLOC-STATS
fn malloc_stats(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    use tikv_jemalloc_ctl::{arenas, epoch, stats};
    let _ = epoch::advance();
    // jemalloc's full report printer is not available in this build, so the
    // report holds its main global counters.
    let mut text = format!(
        "___ Begin jemalloc statistics ___\nVersion: \"{}\"\n",
        super::info::allocator_name()
    );
    let lines: [(&str, usize); 6] = [
        ("allocated", stats::allocated::read().unwrap_or(0)),
        ("active", stats::active::read().unwrap_or(0)),
        ("metadata", stats::metadata::read().unwrap_or(0)),
        ("resident", stats::resident::read().unwrap_or(0)),
        ("mapped", stats::mapped::read().unwrap_or(0)),
        ("retained", stats::retained::read().unwrap_or(0)),
    ];
    text.push_str("Allocated: ");
    text.push_str(
        &lines
            .iter()
            .map(|(name, v)| format!("{name}: {v}"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    text.push_str(&format!(
        "\nArenas: {}\n--- End jemalloc statistics ---\n",
        arenas::narenas::read().unwrap_or(0)
    ));
    ctx.out.verbatim(b"txt", text.as_bytes());
    Ok(())
}

// MEMORY PURGE
fn purge(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    // jemalloc returns unused pages on its own decay schedule; nothing to force here.
    let _ = tikv_jemalloc_ctl::epoch::advance();
    ctx.out.ok();
    Ok(())
}

// MEMORY HELP
fn help(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    reply_help(
        ctx.out,
        "MEMORY",
        &[
            "DOCTOR",
            "    Report possible memory problems.",
            "MALLOC-STATS",
            "    Return the memory allocator's statistics report.",
            "PURGE",
            "    Ask the allocator to release memory it no longer uses.",
            "STATS",
            "    Return details about the server's memory usage.",
            "USAGE <key> [SAMPLES <count>]",
            "    Return the bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).",
        ],
    );
    Ok(())
}
