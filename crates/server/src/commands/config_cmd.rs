//! CONFIG: GET, SET, RESETSTAT, REWRITE, HELP over the declarative config table.

use std::sync::atomic::Ordering::Relaxed;

use cinnabar_resp::Args;

use super::command_cmd::reply_help;
use super::prelude::*;
use super::{acl, flags::*, CommandDef};
use crate::config::SetContext;
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;

static SUBCOMMANDS: &[CommandDef] = &[
    CommandDef::new("get", -3, ADMIN | NOSCRIPT | LOADING | STALE, "server", get)
        .since("2.0.0")
        .doc(
            "Returns the values of configuration parameters.",
            "O(N), N being the number of patterns given",
        )
        .history(&[("7.0.0", "Several patterns in one call.")])
        .args(&[string("parameter").multiple()]),
    CommandDef::new("set", -4, ADMIN | NOSCRIPT | LOADING | STALE, "server", set)
        .since("2.0.0")
        .doc(
            "Sets configuration parameters, all of them or none.",
            "O(N), N being the number of parameters given",
        )
        .history(&[("7.0.0", "Several parameters in one call.")])
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .args(&[block("data", &[string("parameter"), string("value")]).multiple()]),
    CommandDef::new(
        "resetstat",
        2,
        ADMIN | NOSCRIPT | LOADING | STALE,
        "server",
        resetstat,
    )
    .since("2.0.0")
    .doc("Clears the server's statistics counters.", "O(1)")
    .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"]),
    CommandDef::new(
        "rewrite",
        2,
        ADMIN | NOSCRIPT | LOADING | STALE,
        "server",
        rewrite,
    )
    .since("2.8.0")
    .doc(
        "Writes the running configuration back to the configuration file.",
        "O(1)",
    )
    .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"]),
    CommandDef::new("help", 2, LOADING | STALE, "server", help)
        .acl(acl::SLOW)
        .since("5.0.0")
        .doc("Lists the CONFIG subcommands.", "O(1)"),
];

/// The CONFIG command.
pub static COMMANDS: &[CommandDef] = &[CommandDef::container("config", "server", SUBCOMMANDS)
    .since("2.0.0")
    .doc(
        "Groups the configuration subcommands.",
        "Varies with the subcommand.",
    )];

// CONFIG GET parameter [parameter ...]
fn get(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let patterns: Vec<&[u8]> = args.iter().skip(2).collect();
    let pairs = ctx.srv.config.lock().get(&patterns);
    ctx.out.map(pairs.len());
    for (name, value) in pairs {
        ctx.out.bulk(name.as_bytes());
        ctx.out.bulk(value.as_bytes());
    }
    Ok(())
}

// CONFIG SET parameter value [parameter value ...]
fn set(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    // Parameter/value pairs: an odd count is a syntax error (arity covers fewer than 4).
    if !args.len().is_multiple_of(2) {
        return Err(CmdError::Syntax);
    }
    let pairs: Vec<(&[u8], &[u8])> = (2..args.len())
        .step_by(2)
        .map(|i| (args.get(i), args.get(i + 1)))
        .collect();
    let addr = &ctx.client.shared.addr;
    let local = addr.starts_with("127.0.0.1:")
        || addr.starts_with("::1:")
        || ctx.client.shared.has_flag(crate::client::flag::UNIX_SOCKET);
    let set_ctx = SetContext {
        client_is_local: local,
        loading: false,
    };
    let srv = ctx.srv;
    let result = srv
        .config
        .lock()
        .set_with(&pairs, &set_ctx, &mut |name, cfg| {
            crate::config_apply::apply(srv, name, cfg)
        });
    result.map_err(CmdError::Msg)?;
    ctx.out.ok();
    Ok(())
}

// CONFIG RESETSTAT
fn resetstat(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    for w in ctx.srv.workers() {
        w.stats.reset();
    }
    ctx.srv.conns_received.store(0, Relaxed);
    ctx.srv.conns_rejected.store(0, Relaxed);
    ctx.out.ok();
    Ok(())
}

// CONFIG REWRITE
fn rewrite(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let result = ctx.srv.config.lock().rewrite();
    match result {
        Ok(()) => {
            crate::notice!("CONFIG REWRITE executed with success.");
            ctx.out.ok();
            Ok(())
        }
        Err(e) => {
            crate::warning!("CONFIG REWRITE failed: {e}");
            Err(CmdError::Msg(if e.starts_with("ERR") {
                e
            } else {
                format!("ERR Rewriting config file: {e}")
            }))
        }
    }
}

// CONFIG HELP
fn help(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    reply_help(
        ctx.out,
        "CONFIG",
        &[
            "GET <pattern> [<pattern> ...]",
            "    Return the parameters matching the glob-like patterns and their values.",
            "SET <directive> <value> [<directive> <value> ...]",
            "    Set the configuration parameters; either all of them change or none.",
            "RESETSTAT",
            "    Reset the statistics reported by the INFO command.",
            "REWRITE",
            "    Write the running configuration back to the configuration file.",
        ],
    );
    Ok(())
}
