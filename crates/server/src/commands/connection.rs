//! Connection commands: PING ECHO QUIT RESET HELLO AUTH SELECT CLIENT.

use cinnabar_resp::Args;

use super::{acl, flags::*, CommandDef};
use crate::dispatch::Ctx;
use crate::error::CmdResult;

/// The connection command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("ping", -1, FAST, "connection", ping)
        .acl(acl::CONNECTION | acl::FAST)
        .doc("Returns the server's liveliness response.", "O(1)"),
    CommandDef::new("echo", 2, FAST, "connection", echo)
        .acl(acl::CONNECTION | acl::FAST)
        .doc("Returns the given string.", "O(1)"),
    CommandDef::new(
        "quit",
        -1,
        ALLOW_BUSY | NO_AUTH | FAST | LOADING | STALE,
        "connection",
        quit,
    )
    .acl(acl::CONNECTION | acl::FAST)
    .doc("Closes the connection.", "O(1)"),
];

// PING [message]
fn ping(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    match args.len() {
        1 => ctx.out.simple(b"PONG"),
        2 => ctx.out.bulk(args.get(1)),
        _ => {
            return Err(crate::error::CmdError::err(
                "wrong number of arguments for 'ping' command",
            ))
        }
    }
    Ok(())
}

// ECHO message
fn echo(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    ctx.out.bulk(args.get(1));
    Ok(())
}

// QUIT
fn quit(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    ctx.out.ok();
    ctx.client.close_after_reply = true;
    Ok(())
}
