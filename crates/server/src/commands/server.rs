//! Server commands: TIME, LASTSAVE, SHUTDOWN and MONITOR (whose feed lives in
//! `crate::monitor`, below the command families).
//!
//! The rest of the server family lives beside this file: INFO (`info.rs`),
//! COMMAND (`command_cmd.rs`), SLOWLOG (`slowlog.rs`), MEMORY (`memory_cmd.rs`)
//! and DEBUG (`debug.rs`).

use std::sync::atomic::Ordering::Relaxed;

use cinnabar_resp::Args;

use super::prelude::*;
use super::{acl, flags::*, CommandDef};
use crate::client::flag;
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;
use crate::monitor::MonitorTarget;

/// The server command table (this file's part of it).
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("time", 1, LOADING | STALE | FAST, "server", time)
        .since("2.6.0")
        .doc("Returns the server's current time.", "O(1)")
        .tips(&["nondeterministic_output"]),
    CommandDef::new("role", 1, NOSCRIPT | LOADING | STALE | FAST, "server", role)
        .acl(acl::ADMIN | acl::DANGEROUS)
        .since("2.8.12")
        .doc("Returns the replication role of the server.", "O(1)"),
    CommandDef::new("lastsave", 1, LOADING | STALE | FAST, "server", lastsave)
        .acl(acl::ADMIN | acl::DANGEROUS)
        .since("1.0.0")
        .doc(
            "Returns the Unix time of the last successful save to disk.",
            "O(1)",
        )
        .tips(&["nondeterministic_output"]),
    CommandDef::new(
        "shutdown",
        -1,
        ADMIN | NOSCRIPT | LOADING | STALE | NO_MULTI | ALLOW_BUSY,
        "server",
        shutdown,
    )
    .since("1.0.0")
    .doc(
        "Saves the data if asked to, then stops the server.",
        concat!(
            "O(N) when saving, where N is the total number of keys in all ",
            "databases; otherwise O(1)"
        ),
    )
    .history(&[("7.0.0", "NOW, FORCE and ABORT options.")])
    .args(&[
        oneof(
            "save-selector",
            &[token("nosave", "NOSAVE"), token("save", "SAVE")],
        )
        .optional(),
        token("now", "NOW").optional().since("7.0.0"),
        token("force", "FORCE").optional().since("7.0.0"),
        token("abort", "ABORT").optional().since("7.0.0"),
    ]),
    CommandDef::new(
        "monitor",
        1,
        ADMIN | NOSCRIPT | LOADING | STALE,
        "server",
        monitor,
    )
    .since("1.0.0")
    .doc(
        concat!(
            "Streams every command the server processes to this ",
            "connection, for debugging."
        ),
        "",
    ),
];

// TIME
fn time(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let us = crate::clock::unix_us();
    ctx.out.array(2);
    ctx.out.bulk_int(us.div_euclid(1_000_000));
    ctx.out.bulk_int(us.rem_euclid(1_000_000));
    Ok(())
}

// ROLE
fn role(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    // A master with no replicas; replication arrives with its own issue.
    ctx.out.array(3);
    ctx.out.bulk(b"master");
    ctx.out.int(0);
    ctx.out.array(0);
    Ok(())
}

// LASTSAVE
fn lastsave(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    ctx.out.int(ctx.srv.lastsave.load(Relaxed));
    Ok(())
}

// SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
fn shutdown(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let (mut nosave, mut save, mut now, mut force, mut abort) = (false, false, false, false, false);
    for a in args.iter().skip(1) {
        let flag = match a.to_ascii_lowercase().as_slice() {
            b"nosave" => &mut nosave,
            b"save" => &mut save,
            b"now" => &mut now,
            b"force" => &mut force,
            b"abort" => &mut abort,
            _ => return Err(CmdError::Syntax),
        };
        *flag = true;
    }
    if (abort && (nosave || save || now || force)) || (nosave && save) {
        return Err(CmdError::Syntax);
    }
    if abort {
        // Shutdown is never left pending here (there are no replicas to wait for).
        return Err(CmdError::err("No shutdown in progress."));
    }
    if !now && ctx.client.shared.has_flag(flag::MULTI) {
        return Err(CmdError::err(
            "SHUTDOWN without NOW or ABORT isn't allowed for DENY BLOCKING client",
        ));
    }
    crate::warning!("User requested shutdown...");
    // No save points are configured yet, so only an explicit SAVE writes a snapshot.
    if save {
        crate::notice!("Saving the final RDB snapshot before exiting.");
        // Persistence is not implemented yet: the snapshot is a no-op that succeeds.
        crate::notice!("DB saved on disk");
        ctx.srv
            .lastsave
            .store(crate::clock::unix_ms() / 1000, Relaxed);
        super::info::mark_saved(ctx.srv);
    }
    let _ = force;
    ctx.srv.request_shutdown();
    // Like Redis, the client gets no reply: the connection closes as the server exits.
    ctx.client.close_after_reply = true;
    Ok(())
}

// MONITOR
fn monitor(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let shared = &ctx.client.shared;
    if shared.has_flag(flag::MULTI) {
        return Err(CmdError::err(
            "MONITOR isn't allowed for DENY BLOCKING client",
        ));
    }
    if shared.has_flag(flag::MONITOR) {
        // Already monitoring: Redis ignores the command without replying.
        return Ok(());
    }
    let target = MonitorTarget {
        client_id: shared.id,
        worker: shared.worker,
        token: shared.token,
    };
    ctx.srv.monitor_list.lock().push(target);
    shared.set_flag(flag::MONITOR, true);
    ctx.srv.monitors.fetch_add(1, Relaxed);
    ctx.out.ok();
    Ok(())
}
