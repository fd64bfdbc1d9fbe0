//! Connection commands: PING ECHO QUIT RESET HELLO AUTH SELECT (CLIENT is in
//! `commands::client`).
//!
//! Authentication knows a single user, `default`: it has no password (and accepts
//! any) unless `requirepass` is set, in which case that is its password.

use std::sync::atomic::Ordering::Relaxed;

use cinnabar_resp::{parse_i64_strict, Args};

use super::prelude::*;
use super::{acl, flags::*, CommandDef};
use crate::client::{flag, ReplyMode};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;

/// The connection command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("ping", -1, FAST, "connection", ping)
        .acl(acl::CONNECTION | acl::FAST)
        .since("1.0.0")
        .doc("Checks that the server answers.", "O(1)")
        .tips(&["request_policy:all_shards", "response_policy:all_succeeded"])
        .args(&[string("message").optional()]),
    CommandDef::new("echo", 2, LOADING | STALE | FAST, "connection", echo)
        .acl(acl::CONNECTION | acl::FAST)
        .since("1.0.0")
        .doc("Replies with its argument.", "O(1)")
        .args(&[string("message")]),
    CommandDef::new(
        "quit",
        -1,
        ALLOW_BUSY | NOSCRIPT | NO_AUTH | FAST | LOADING | STALE,
        "connection",
        quit,
    )
    .acl(acl::CONNECTION | acl::FAST)
    .since("1.0.0")
    .doc("Asks the server to close the connection.", "O(1)")
    .deprecated("7.2.0", "just closing the connection"),
    CommandDef::new(
        "reset",
        1,
        NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
        "connection",
        reset,
    )
    .acl(acl::CONNECTION | acl::FAST)
    .since("6.2.0")
    .doc("Puts the connection back in its initial state.", "O(1)"),
    CommandDef::new(
        "hello",
        -1,
        NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
        "connection",
        hello,
    )
    .acl(acl::CONNECTION | acl::FAST)
    .since("6.0.0")
    .doc(
        concat!(
            "Negotiates the protocol version, optionally authenticating ",
            "and naming the connection."
        ),
        "O(1)",
    )
    .history(&[(
        "6.2.0",
        "protover is optional; without arguments the connection's state is shown.",
    )])
    .args(&[block(
        "arguments",
        &[
            integer("protover"),
            block("auth", &[string("username"), string("password")])
                .token("AUTH")
                .optional(),
            string("clientname").token("SETNAME").optional(),
        ],
    )
    .optional()]),
    CommandDef::new(
        "auth",
        -2,
        NOSCRIPT | LOADING | STALE | FAST | NO_AUTH | ALLOW_BUSY,
        "connection",
        auth,
    )
    .acl(acl::CONNECTION | acl::FAST)
    .since("1.0.0")
    .doc(
        "Authenticates this connection as a user.",
        "O(N), N being the number of passwords the user has",
    )
    .history(&[("6.0.0", "A username may be given.")])
    .args(&[
        string("username").optional().since("6.0.0"),
        string("password"),
    ]),
    CommandDef::new("select", 2, LOADING | STALE | FAST, "connection", select)
        .acl(acl::CONNECTION | acl::FAST)
        .since("1.0.0")
        .doc("Switches the connection to another database.", "O(1)")
        .args(&[integer("index")]),
];

/// The user every connection runs as (ACL users come later).
pub const DEFAULT_USER: &str = "default";

const WRONGPASS: &str = "WRONGPASS invalid username-password pair or user is disabled.";

// PING [message]
fn ping(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() > 2 {
        return Err(CmdError::err(
            "wrong number of arguments for 'ping' command",
        ));
    }
    // A RESP2 subscriber can only receive arrays, so PING answers with one there.
    if !ctx.out.resp3 && ctx.client.shared.has_flag(flag::PUBSUB) {
        ctx.out.array(2);
        ctx.out.bulk(b"pong");
        ctx.out.bulk(args.get(1));
    } else if args.len() == 1 {
        ctx.out.simple(b"PONG");
    } else {
        ctx.out.bulk(args.get(1));
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

// RESET
fn reset(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    reset_connection(ctx);
    ctx.out.simple(b"RESET");
    Ok(())
}

/// Puts a connection back in the state of a new one, as RESET does: MONITOR off,
/// database 0, RESP2, default-user authentication (so unauthenticated when a
/// password is set), no name, replies on, NO-EVICT and NO-TOUCH off, out of MULTI
/// and pub/sub. The library name and version stay, as in Redis: they still
/// describe the client behind the connection.
///
/// Families that keep per-connection state (transactions, pub/sub, tracking)
/// clear it here too.
pub fn reset_connection(ctx: &mut Ctx<'_>) {
    let shared = ctx.client.shared.clone();
    if shared.has_flag(flag::MONITOR) {
        shared.set_flag(flag::MONITOR, false);
        ctx.srv.monitors.fetch_sub(1, Relaxed);
        crate::monitor::remove_monitor(ctx.srv, shared.id);
    }
    ctx.select(0);
    ctx.out.resp3 = false;
    shared.resp.store(2, Relaxed);
    ctx.client.authenticated = !ctx.srv.auth_required();
    *shared.user.lock() = DEFAULT_USER.into();
    crate::exec::multi::end(ctx.client);
    crate::exec::multi::unwatch_all(ctx.srv, ctx.client, None);
    shared.set_flag(flag::PUBSUB, false);
    shared.name.lock().clear();
    // OFF and a pending SKIP end; a skip applying to RESET itself still drops
    // its reply, as in Redis.
    if ctx.client.reply_mode != ReplyMode::Skip {
        ctx.client.reply_mode = ReplyMode::On;
    }
    ctx.client.no_touch = false;
    shared.set_flag(flag::NO_EVICT | flag::NO_TOUCH, false);
}

/// Checks a username/password pair against the users we know.
fn credentials_ok(ctx: &Ctx<'_>, user: &[u8], pass: &[u8]) -> bool {
    if user != DEFAULT_USER.as_bytes() {
        return false;
    }
    match &*ctx.srv.requirepass.read() {
        None => true, // `nopass`: any password works
        Some(p) => p.as_slice() == pass,
    }
}

/// Authenticates the connection as `user`, or gives WRONGPASS.
fn authenticate(ctx: &mut Ctx<'_>, user: &[u8], pass: &[u8]) -> CmdResult {
    if !credentials_ok(ctx, user, pass) {
        return Err(CmdError::Msg(WRONGPASS.into()));
    }
    ctx.client.authenticated = true;
    *ctx.client.shared.user.lock() = DEFAULT_USER.into();
    Ok(())
}

// AUTH [username] password
fn auth(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let (user, pass) = match args.len() {
        2 => {
            if !ctx.srv.auth_required() {
                return Err(CmdError::err(
                    "AUTH <password> called without any password configured for the default user. \
                     Are you sure your configuration is correct?",
                ));
            }
            (DEFAULT_USER.as_bytes(), args.get(1))
        }
        3 => (args.get(1), args.get(2)),
        _ => return Err(CmdError::Syntax),
    };
    authenticate(ctx, user, pass)?;
    ctx.out.ok();
    Ok(())
}

// HELLO [protover [AUTH username password] [SETNAME clientname]]
fn hello(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut proto = None;
    if args.len() >= 2 {
        let v = parse_i64_strict(args.get(1))
            .ok_or_else(|| CmdError::err("Protocol version is not an integer or out of range"))?;
        if !(2..=3).contains(&v) {
            return Err(CmdError::Msg("NOPROTO unsupported protocol version".into()));
        }
        proto = Some(v);
    }
    let mut credentials = None;
    let mut name = None;
    let mut i = 2;
    while i < args.len() {
        let opt = args.get(i);
        let more = args.len() - 1 - i;
        if opt.eq_ignore_ascii_case(b"AUTH") && more >= 2 {
            credentials = Some((args.get(i + 1), args.get(i + 2)));
            i += 3;
        } else if opt.eq_ignore_ascii_case(b"SETNAME") && more >= 1 {
            name = Some(args.get(i + 1));
            i += 2;
        } else {
            return Err(CmdError::err(format_args!(
                "Syntax error in HELLO option '{}'",
                String::from_utf8_lossy(opt)
            )));
        }
    }
    if let Some((user, pass)) = credentials {
        authenticate(ctx, user, pass)?;
    }
    if !ctx.client.authenticated && ctx.srv.auth_required() {
        return Err(CmdError::Msg(
            "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> \
             AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol \
             version at the same time"
                .into(),
        ));
    }
    if let Some(name) = name {
        super::client::set_name(ctx, name)?;
    }
    if let Some(v) = proto {
        ctx.out.resp3 = v == 3;
        ctx.client.shared.resp.store(v as u32, Relaxed);
    }
    let resp = if ctx.out.resp3 { 3 } else { 2 };
    let out = &mut *ctx.out;
    out.map(7);
    out.bulk(b"server");
    out.bulk(b"redis");
    out.bulk(b"version");
    out.bulk(crate::REDIS_VERSION.as_bytes());
    out.bulk(b"proto");
    out.int(resp);
    out.bulk(b"id");
    out.int(i64::try_from(ctx.client.id()).unwrap_or(i64::MAX));
    out.bulk(b"mode");
    out.bulk(b"standalone");
    out.bulk(b"role");
    out.bulk(b"master");
    out.bulk(b"modules");
    out.array(0);
    Ok(())
}

// SELECT index
fn select(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let id = parse_i64_strict(args.get(1)).ok_or(CmdError::NotInteger)?;
    if i32::try_from(id).is_err() {
        return Err(CmdError::err(format_args!(
            "value is out of range, value must between {} and {}",
            i32::MIN,
            i32::MAX
        )));
    }
    let db = usize::try_from(id).map_err(|_| CmdError::DbOutOfRange)?;
    if db >= ctx.srv.startup.databases {
        return Err(CmdError::DbOutOfRange);
    }
    ctx.select(db);
    ctx.out.ok();
    Ok(())
}
