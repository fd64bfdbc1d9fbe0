//! Server commands: TIME, LASTSAVE, SHUTDOWN and MONITOR (with the monitor feed
//! the dispatcher calls after each command).
//!
//! The rest of the server family lives beside this file: INFO (`info.rs`),
//! COMMAND (`command_cmd.rs`), SLOWLOG (`slowlog.rs`), MEMORY (`memory_cmd.rs`)
//! and DEBUG (`debug.rs`).

use std::sync::atomic::Ordering::Relaxed;

use cinnabar_resp::Args;

use super::meta::prelude::*;
use super::{acl, flags::*, CommandDef};
use crate::client::{flag, Client};
use crate::dispatch::Ctx;
use crate::error::{CmdError, CmdResult};
use crate::server::{Mail, Server};

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

/// A client in MONITOR mode, and how to reach its connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonitorTarget {
    /// Client id.
    pub client_id: u64,
    /// Owning worker.
    pub worker: usize,
    /// Connection token on that worker.
    pub token: usize,
}

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

/// Sends a command to every MONITOR client.
pub fn feed_monitors(srv: &Server, client: &Client, args: &Args<'_>, now_ms: i64) {
    let _ = now_ms;
    let targets: Vec<MonitorTarget> = srv.monitor_list.lock().clone();
    if targets.is_empty() {
        return;
    }
    let line = monitor_line(srv, client, args, crate::clock::unix_us());
    let workers = srv.workers();
    for t in targets {
        if let Some(w) = workers.get(t.worker) {
            w.send(Mail::Push {
                token: t.token,
                client_id: t.client_id,
                bytes: line.clone(),
            });
        }
    }
}

/// Forgets a MONITOR client that disconnected.
pub fn remove_monitor(srv: &Server, client_id: u64) {
    srv.monitor_list.lock().retain(|t| t.client_id != client_id);
}

/// The status line MONITOR clients receive for one command:
/// `+<secs>.<usecs> [<db> <addr>] "arg" "arg"...`.
fn monitor_line(srv: &Server, client: &Client, args: &Args<'_>, now_us: i64) -> Vec<u8> {
    let mut line = Vec::with_capacity(64);
    line.extend_from_slice(
        format!(
            "+{}.{:06} [{} ",
            now_us.div_euclid(1_000_000),
            now_us.rem_euclid(1_000_000),
            client.db
        )
        .as_bytes(),
    );
    if client.shared.has_flag(flag::UNIX_SOCKET) {
        line.extend_from_slice(b"unix:");
        line.extend_from_slice(srv.startup.unixsocket.as_deref().unwrap_or("").as_bytes());
    } else {
        line.extend_from_slice(client.shared.addr.as_bytes());
    }
    line.extend_from_slice(b"] ");
    let redacted = redacted_positions(args);
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            line.push(b' ');
        }
        if redacted.contains(&i) {
            line.extend_from_slice(b"\"(redacted)\"");
        } else {
            cat_repr(&mut line, a);
        }
    }
    line.extend_from_slice(b"\r\n");
    line
}

/// Argument positions Redis hides from MONITOR (passwords of AUTH, HELLO, MIGRATE).
pub fn redacted_positions(args: &Args<'_>) -> Vec<usize> {
    let name = args.get(0);
    let argc = args.len();
    if name.eq_ignore_ascii_case(b"auth") {
        return (1..argc).collect();
    }
    let mut out = Vec::new();
    if name.eq_ignore_ascii_case(b"hello") {
        let mut j = 2;
        while j < argc {
            let more = argc - 1 - j;
            let opt = args.get(j);
            if opt.eq_ignore_ascii_case(b"auth") && more >= 2 {
                out.extend([j + 1, j + 2]);
                j += 3;
            } else if opt.eq_ignore_ascii_case(b"setname") && more >= 1 {
                j += 2;
            } else {
                break;
            }
        }
    } else if name.eq_ignore_ascii_case(b"migrate") {
        let mut j = 6;
        while j < argc {
            let opt = args.get(j);
            if opt.eq_ignore_ascii_case(b"auth") {
                out.push(j + 1);
                j += 2;
            } else if opt.eq_ignore_ascii_case(b"auth2") {
                out.extend([j + 1, j + 2]);
                j += 3;
            } else if opt.eq_ignore_ascii_case(b"keys") {
                break;
            } else {
                j += 1;
            }
        }
        out.retain(|&p| p < argc);
    }
    out
}

/// Appends `s` quoted and escaped as Redis's `sdscatrepr`.
pub fn cat_repr(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &c in s {
        match c {
            b'\\' | b'"' => {
                out.push(b'\\');
                out.push(c);
            }
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            7 => out.extend_from_slice(b"\\a"),
            8 => out.extend_from_slice(b"\\b"),
            0x20..=0x7e => out.push(c),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\x");
                out.push(HEX[usize::from(c >> 4)]);
                out.push(HEX[usize::from(c & 0xf)]);
            }
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Range;

    fn args_of(words: &[&str]) -> (Vec<u8>, Vec<Range<usize>>) {
        let mut base = Vec::new();
        let mut ranges = Vec::new();
        for w in words {
            let s = base.len();
            base.extend_from_slice(w.as_bytes());
            ranges.push(s..base.len());
        }
        (base, ranges)
    }

    #[test]
    fn repr_escapes_like_sdscatrepr() {
        let mut out = Vec::new();
        cat_repr(&mut out, b"a b\"\\\n\r\t\x07\x08\x01\xff");
        assert_eq!(out, b"\"a b\\\"\\\\\\n\\r\\t\\a\\b\\x01\\xff\"".to_vec());
    }

    #[test]
    fn redaction() {
        let (b, r) = args_of(&["AUTH", "user", "pw"]);
        assert_eq!(redacted_positions(&Args::new(&b, &r)), vec![1, 2]);
        let (b, r) = args_of(&["hello", "3", "SETNAME", "x", "auth", "u", "p"]);
        assert_eq!(redacted_positions(&Args::new(&b, &r)), vec![5, 6]);
        let (b, r) = args_of(&[
            "migrate", "h", "1", "", "0", "10", "COPY", "AUTH2", "u", "p", "KEYS", "a",
        ]);
        assert_eq!(redacted_positions(&Args::new(&b, &r)), vec![8, 9]);
        let (b, r) = args_of(&["get", "auth"]);
        assert!(redacted_positions(&Args::new(&b, &r)).is_empty());
    }
}
