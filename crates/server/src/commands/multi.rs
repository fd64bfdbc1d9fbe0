//! Transaction commands: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
//!
//! Queueing and EXEC itself live in the dispatcher (`dispatch.rs` with
//! `crate::multi`): while a transaction is open every command but these (and
//! QUIT/RESET) is queued instead of run, and EXEC needs the dispatcher's command
//! machinery to run the queue. The handlers here cover the rest.

use cinnabar_resp::Args;

use super::prelude::*;
use super::{acl, flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;

/// The transaction command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new(
        "multi",
        1,
        NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        "transactions",
        multi,
    )
    .acl(acl::FAST | acl::TRANSACTION)
    .since("1.2.0")
    .doc(
        "Opens a transaction: later commands are queued until EXEC.",
        "O(1)",
    ),
    CommandDef::new(
        "exec",
        1,
        NOSCRIPT | LOADING | STALE | SKIP_SLOWLOG,
        "transactions",
        exec,
    )
    .acl(acl::SLOW | acl::TRANSACTION)
    .since("1.2.0")
    .doc(
        "Runs the commands queued since MULTI, atomically.",
        "Varies with the queued commands",
    ),
    CommandDef::new(
        "discard",
        1,
        NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        "transactions",
        discard,
    )
    .acl(acl::FAST | acl::TRANSACTION)
    .since("2.0.0")
    .doc(
        "Drops the commands queued since MULTI and ends the transaction.",
        "O(N), N being the number of queued commands",
    ),
    CommandDef::new(
        "watch",
        -2,
        NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        "transactions",
        watch,
    )
    .acl(acl::FAST | acl::TRANSACTION)
    .since("2.2.0")
    .doc(
        "Makes the next EXEC fail if any of these keys changes meanwhile.",
        "O(1) per key.",
    )
    .key_specs(&[KeySpec::range(RO, 1, -1, 1, 0)])
    .args(&[key("key", 0).multiple()]),
    CommandDef::new(
        "unwatch",
        1,
        NOSCRIPT | LOADING | STALE | FAST | ALLOW_BUSY,
        "transactions",
        unwatch,
    )
    .acl(acl::FAST | acl::TRANSACTION)
    .since("2.2.0")
    .doc(
        "Stops watching every key watched by this connection.",
        "O(1)",
    ),
];

// MULTI
fn multi(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    if ctx.client.multi.is_some() {
        return Err(CmdError::err("MULTI calls can not be nested"));
    }
    crate::exec::multi::begin(ctx.client);
    ctx.out.ok();
    Ok(())
}

// EXEC
//
// Reached only outside a transaction: the dispatcher runs EXEC of an open one.
fn exec(_ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    Err(CmdError::err("EXEC without MULTI"))
}

// DISCARD
fn discard(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    if crate::exec::multi::end(ctx.client).is_none() {
        return Err(CmdError::err("DISCARD without MULTI"));
    }
    crate::exec::multi::unwatch_all(ctx.srv, ctx.client, None);
    ctx.out.ok();
    Ok(())
}

// WATCH key [key ...]
fn watch(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if ctx.client.multi.is_some() {
        return Err(CmdError::err("WATCH inside MULTI is not allowed"));
    }
    let (db, now) = (ctx.db.index, ctx.db.now_ms);
    for key in args.iter().skip(1) {
        crate::exec::multi::watch(ctx.srv, ctx.client, &mut ctx.db.locked, db, key, now);
    }
    ctx.out.ok();
    Ok(())
}

// UNWATCH
fn unwatch(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    crate::exec::multi::unwatch_all(ctx.srv, ctx.client, None);
    ctx.out.ok();
    Ok(())
}
