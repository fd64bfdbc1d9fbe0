//! SLOWLOG: reading and clearing the slow log the dispatcher records.

use cinnabar_resp::Args;

use super::command_cmd::reply_help;
use super::prelude::*;
use super::{acl, flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;

static SUBCOMMANDS: &[CommandDef] = &[
    CommandDef::new("get", -2, ADMIN | LOADING | STALE, "server", get)
        .since("2.2.12")
        .doc(
            "Returns the newest entries of the slow log.",
            "O(N), N being the number of entries returned",
        )
        .history(&[("4.0.0", "Entries carry the client's address and name.")])
        .tips(&["request_policy:all_nodes", "nondeterministic_output"])
        .args(&[integer("count").optional()]),
    CommandDef::new("len", 2, ADMIN | LOADING | STALE, "server", len)
        .since("2.2.12")
        .doc("Returns how many entries the slow log holds.", "O(1)")
        .tips(&[
            "request_policy:all_nodes",
            "response_policy:agg_sum",
            "nondeterministic_output",
        ]),
    CommandDef::new("reset", 2, ADMIN | LOADING | STALE, "server", reset)
        .since("2.2.12")
        .doc(
            "Empties the slow log.",
            "O(N), N being the number of entries in the slow log",
        )
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"]),
    CommandDef::new("help", 2, LOADING | STALE, "server", help)
        .acl(acl::SLOW)
        .since("6.2.0")
        .doc("Lists the SLOWLOG subcommands.", "O(1)"),
];

/// The SLOWLOG command.
pub static COMMANDS: &[CommandDef] = &[CommandDef::container("slowlog", "server", SUBCOMMANDS)
    .since("2.2.12")
    .doc(
        "Groups the slow log subcommands.",
        "Varies with the subcommand.",
    )];

// SLOWLOG GET [count]
fn get(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let bad_count = || CmdError::err("count should be greater than or equal to -1");
    let log = ctx.srv.slowlog.entries.lock();
    let count = match args.len() {
        2 => 10,
        3 => match cinnabar_resp::parse_i64_strict(args.get(2)) {
            Some(-1) => log.len(),
            Some(n) if n >= 0 => usize::try_from(n).unwrap_or(usize::MAX),
            _ => return Err(bad_count()),
        },
        _ => {
            return Err(CmdError::err(format!(
                "unknown subcommand or wrong number of arguments for '{}'. Try SLOWLOG HELP.",
                String::from_utf8_lossy(args.get(1))
            )))
        }
    };
    let shown = count.min(log.len());
    ctx.out.array(shown);
    for e in log.iter().take(shown) {
        ctx.out.array(6);
        ctx.out.int(i64::try_from(e.id).unwrap_or(i64::MAX));
        ctx.out.int(e.time);
        ctx.out
            .int(i64::try_from(e.duration_us).unwrap_or(i64::MAX));
        ctx.out.array(e.args.len());
        for a in &e.args {
            ctx.out.bulk(a);
        }
        ctx.out.bulk(e.addr.as_bytes());
        ctx.out.bulk(&e.name);
    }
    Ok(())
}

// SLOWLOG LEN
fn len(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let n = ctx.srv.slowlog.entries.lock().len();
    ctx.out.int(n as i64);
    Ok(())
}

// SLOWLOG RESET
fn reset(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    // Entry ids keep increasing across resets, as in Redis.
    ctx.srv.slowlog.entries.lock().clear();
    ctx.out.ok();
    Ok(())
}

// SLOWLOG HELP
fn help(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    reply_help(
        ctx.out,
        "SLOWLOG",
        &[
            "GET [<count>]",
            "    Return the newest <count> entries of the slow log (default: 10, -1 for all).",
            "    Each entry holds: id, Unix time, duration in microseconds, the arguments,",
            "    the client's address and port, and the client's name.",
            "LEN",
            "    Return how many entries the slow log holds.",
            "RESET",
            "    Empty the slow log.",
        ],
    );
    Ok(())
}
