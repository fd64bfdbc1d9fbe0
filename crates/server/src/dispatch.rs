//! Command execution: lookup → arity/auth checks → lock → call → statistics.
//!
//! A command's keys come from its table entry *before* it runs; their shards are
//! locked in ascending order for the duration of the call, so each command is atomic
//! with respect to every other client on any worker.

use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use cinnabar_resp::{Args, ReplyBuf};

use crate::client::{Client, ReplyMode};
use crate::error::{CmdError, CmdResult};
use crate::exec::command::{find_subcommand, flags, CommandDef};
use crate::exec::{Ctx, Db};
use crate::keyspace::blocking::TimeoutReply;
use crate::keyspace::Locked;
use crate::server::{Server, SlowEntry};
use crate::stats::{bump, WorkerStats};

/// What the connection should do after a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// Carry on.
    Continue,
    /// Write pending replies, then close.
    Close,
    /// The client is blocked: stop reading its commands until it is served.
    Block,
    /// CLIENT PAUSE holds this command: it did not run and wrote nothing. The
    /// connection keeps it unconsumed in its input and retries later.
    Postponed,
}

/// Runs one command from a client and appends its reply to `out`.
pub fn execute(
    srv: &'static Server,
    stats: &WorkerStats,
    client: &mut Client,
    out: &mut ReplyBuf,
    args: &Args<'_>,
) -> After {
    let reply_start = out.len();
    // CLIENT REPLY SKIP drops the reply of the command after it (see finish_reply).
    let skipped = client.reply_mode == ReplyMode::SkipNext;
    if skipped {
        client.reply_mode = ReplyMode::Skip;
    }
    let def = match resolve(srv, args, out) {
        Ok(def) => def,
        Err(()) => {
            if args.get(0).eq_ignore_ascii_case(b"exec") {
                exec_abort(srv, client, out, reply_start);
            }
            crate::exec::multi::abort(client);
            count_rejection(srv, stats, out, None);
            finish_reply(client, out, reply_start);
            return After::Continue;
        }
    };
    let id = srv.commands.id_of(def);
    if !def.has(flags::NO_AUTH) && !client.authenticated && srv.auth_required() {
        out.error("NOAUTH Authentication required.");
        if def.name == "exec" {
            exec_abort(srv, client, out, reply_start);
        }
        crate::exec::multi::abort(client);
        count_rejection(srv, stats, out, Some(id));
        finish_reply(client, out, reply_start);
        return After::Continue;
    }

    if def.has(flags::PROTECTED) && !protected_allowed(srv, client) {
        out.error(
            "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.",
        );
        crate::exec::multi::abort(client);
        count_rejection(srv, stats, out, Some(id));
        finish_reply(client, out, reply_start);
        return After::Continue;
    }

    // Inside MULTI every command but the transaction controls is queued.
    let in_multi = client.multi.is_some();
    if in_multi && !runs_inside_multi(def) {
        if def.has(flags::NO_MULTI) {
            out.error("ERR Command not allowed inside a transaction");
            crate::exec::multi::abort(client);
            count_rejection(srv, stats, out, Some(id));
        } else {
            crate::exec::multi::queue(client, args, def.has(flags::WRITE | flags::MAY_REPLICATE));
            out.simple(b"QUEUED");
        }
        finish_reply(client, out, reply_start);
        return After::Continue;
    }
    let is_exec = in_multi && def.name == "exec";

    let (started, now_ms) = crate::clock::command_start();
    // CLIENT PAUSE: a command the pause covers waits (as Redis postpones the
    // client) instead of failing; the connection retries it from the worker cron
    // or when CLIENT UNPAUSE wakes the workers. EXEC is covered as its queue is.
    let held = if is_exec {
        let writes = client.multi.as_ref().is_some_and(|m| m.writes);
        srv.pause_until_ms.load(Relaxed) > now_ms
            && (!srv.pause_writes_only.load(Relaxed) || writes)
    } else {
        pause_holds(srv, def, now_ms)
    };
    if held {
        if skipped {
            client.reply_mode = ReplyMode::SkipNext;
        }
        return After::Postponed;
    }
    // CLIENT NO-TOUCH leaves access times alone, except for TOUCH itself (as Redis).
    let touch = !client.no_touch || def.name == "touch";
    let (result, blocked, mut db) = if is_exec {
        let locked = srv.keyspace.lock_all();
        let db = Db::new(locked, client.db, now_ms, stats, touch);
        run_exec(srv, stats, client, out, db)
    } else {
        let locked = lock_for(srv, def, args, client.db);
        let db = Db::new(locked, client.db, now_ms, stats, touch);
        run_locked(srv, client, out, def, args, db, true)
    };
    let deferred = if db.ready.is_empty() {
        Vec::new()
    } else {
        crate::exec::blocking::serve_ready(srv, stats, &mut db)
    };
    drop(db);
    if !deferred.is_empty() {
        crate::exec::blocking::serve_deferred(srv, stats, deferred, now_ms);
    }
    if let Err(e) = result {
        out.error(e.text());
    }
    let elapsed = crate::clock::command_end(started);

    bump(&stats.commands, 1);
    if let Some(s) = stats.cmd.get(id) {
        bump(&s.calls, 1);
        bump(&s.usec, elapsed);
        if out.has_errors() {
            bump(&s.failed, 1);
        }
    }
    for e in out.take_errors() {
        stats.record_error(&e);
    }
    client.shared.last_cmd.store(id, Relaxed);
    client.shared.last_interaction_ms.store(now_ms, Relaxed);
    bump(&client.shared.commands, 1);
    maybe_slowlog(srv, client, def, args, elapsed, now_ms);
    if srv.monitors.load(Relaxed) > 0 && !def.has(flags::SKIP_MONITOR) && !def.has(flags::ADMIN) {
        crate::monitor::feed_monitors(srv, client, args, now_ms);
    }
    finish_reply(client, out, reply_start);
    if blocked {
        After::Block
    } else if client.close_after_reply {
        After::Close
    } else {
        After::Continue
    }
}

/// A refused EXEC (wrong arity, no authentication) discards the transaction and
/// answers EXECABORT with the refusal's text, as Redis's `execCommandAbort`.
fn exec_abort(srv: &Server, client: &mut Client, out: &mut ReplyBuf, start: usize) {
    let Some(text) = out
        .buf
        .get(start..)
        .map(|b| String::from_utf8_lossy(b).into_owned())
    else {
        return;
    };
    let reason = text.trim_start_matches('-').trim_end_matches("\r\n");
    let reason = reason.strip_prefix("ERR ").unwrap_or(reason).to_string();
    out.buf.truncate(start);
    let _ = out.take_errors();
    out.error(&format!(
        "EXECABORT Transaction discarded because of: {reason}"
    ));
    crate::exec::multi::end(client);
    crate::exec::multi::unwatch_all(srv, client, None);
}

/// Commands that run at once inside MULTI instead of being queued.
fn runs_inside_multi(def: &CommandDef) -> bool {
    matches!(
        def.name,
        "exec" | "discard" | "multi" | "watch" | "quit" | "reset"
    )
}

/// Runs one command's handler with the locks in `db`; registers the client as
/// blocked when the handler asks to block and `may_block` (outside EXEC).
/// Returns the handler's result, whether the client blocked, and `db` back.
fn run_locked<'s>(
    srv: &'static Server,
    client: &mut Client,
    out: &mut ReplyBuf,
    def: &'static CommandDef,
    args: &Args<'_>,
    db: Db<'s>,
    may_block: bool,
) -> (CmdResult, bool, Db<'s>) {
    let stats = db.stats;
    let mut ctx = Ctx {
        srv,
        client,
        out,
        db,
        cmd: def,
        serving: false,
        block: None,
    };
    let result = crate::exec::call(&mut ctx, args);
    let mut blocked = false;
    if let (Ok(()), Some(req)) = (&result, ctx.block.take()) {
        if may_block {
            crate::exec::blocking::register(&mut ctx, args, req);
            blocked = true;
        } else {
            // Inside a transaction a blocking command answers as if it timed out.
            match req.timeout_reply {
                TimeoutReply::NullArray => ctx.out.null_array(),
            }
        }
    }
    // Rebuilt so the returned view keeps the caller's lifetime, not the
    // handler context's.
    let Ctx { db: inner, .. } = ctx;
    let mut db = Db::new(inner.locked, inner.index, inner.now_ms, stats, inner.touch);
    db.ready = inner.ready;
    (result, blocked, db)
}

/// EXEC of an open transaction, with every shard locked in `db`: EXECABORT after
/// a queueing error, a null reply when a watched key changed, else the array of
/// the queued commands' replies (each counted in the command statistics).
fn run_exec<'s>(
    srv: &'static Server,
    stats: &WorkerStats,
    client: &mut Client,
    out: &mut ReplyBuf,
    mut db: Db<'s>,
) -> (CmdResult, bool, Db<'s>) {
    let Some(state) = crate::exec::multi::end(client) else {
        return (Err(CmdError::err("EXEC without MULTI")), false, db);
    };
    let failed = crate::exec::multi::watch_failed(client, &mut db.locked, db.now_ms);
    crate::exec::multi::unwatch_all(srv, client, Some(&mut db.locked));
    if state.aborted {
        return (
            Err(CmdError::Msg(crate::exec::multi::EXECABORT.into())),
            false,
            db,
        );
    }
    if failed {
        out.null_array();
        return (Ok(()), false, db);
    }
    // The client counts as in MULTI while its queue runs: blocking commands do
    // not block, MULTI-only checks see a transaction.
    client.shared.set_flag(crate::client::flag::MULTI, true);
    out.array(state.queued.len());
    for queued in &state.queued {
        let args = queued.args();
        let def = match resolve(srv, &args, out) {
            Ok(def) => def,
            Err(()) => continue,
        };
        let started = Instant::now();
        db.index = client.db;
        db.touch = !client.no_touch || def.name == "touch";
        let (result, _, back) = run_locked(srv, client, out, def, &args, db, false);
        db = back;
        if let Err(e) = result {
            out.error(e.text());
        }
        let elapsed = started.elapsed().as_micros() as u64;
        let errors = out.take_errors();
        if let Some(s) = stats.cmd.get(srv.commands.id_of(def)) {
            bump(&s.calls, 1);
            bump(&s.usec, elapsed);
            if !errors.is_empty() {
                bump(&s.failed, 1);
            }
        }
        for e in errors {
            stats.record_error(&e);
        }
        bump(&stats.commands, 1);
        if srv.monitors.load(Relaxed) > 0 && !def.has(flags::SKIP_MONITOR) && !def.has(flags::ADMIN)
        {
            crate::monitor::feed_monitors(srv, client, &args, db.now_ms);
        }
    }
    client.shared.set_flag(crate::client::flag::MULTI, false);
    (Ok(()), false, db)
}

/// Finds the command (and subcommand) and checks arity; writes the error on failure.
fn resolve(srv: &Server, args: &Args<'_>, out: &mut ReplyBuf) -> Result<&'static CommandDef, ()> {
    let name = args.get(0);
    let Some(mut def) = srv.commands.get(name) else {
        out.error(&unknown_command_text(args));
        return Err(());
    };
    let mut full_name = def.name.to_string();
    if !def.subcommands.is_empty() && args.len() >= 2 {
        match find_subcommand(def, args.get(1)) {
            Some(sub) => {
                full_name = format!("{}|{}", def.name, sub.name);
                def = sub;
            }
            None => {
                out.error(&format!(
                    "ERR unknown subcommand '{}'. Try {} HELP.",
                    truncate_lossy(args.get(1), 128),
                    def.name.to_ascii_uppercase()
                ));
                return Err(());
            }
        }
    }
    let argc = args.len() as i32;
    if (def.arity > 0 && argc != def.arity) || argc < -def.arity {
        out.error(&format!(
            "ERR wrong number of arguments for '{full_name}' command"
        ));
        return Err(());
    }
    Ok(def)
}

/// Redis's text for an unknown command, echoing up to 128 bytes of arguments.
fn unknown_command_text(args: &Args<'_>) -> String {
    let mut shown = String::new();
    for arg in args.iter().skip(1) {
        if shown.len() >= 128 {
            break;
        }
        let room = 128 - shown.len();
        shown.push('\'');
        shown.push_str(&truncate_lossy(arg, room));
        shown.push_str("' ");
    }
    format!(
        "ERR unknown command '{}', with args beginning with: {}",
        truncate_lossy(args.get(0), 128),
        shown
    )
}

/// At most `max` bytes of `b`, stopping at a NUL byte as Redis's C formatting does.
fn truncate_lossy(b: &[u8], max: usize) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len()).min(max);
    String::from_utf8_lossy(&b[..end]).into_owned()
}

fn count_rejection(srv: &Server, stats: &WorkerStats, out: &mut ReplyBuf, id: Option<usize>) {
    if let Some(s) = id.and_then(|i| stats.cmd.get(i)) {
        bump(&s.rejected, 1);
    }
    for e in out.take_errors() {
        stats.record_error(&e);
    }
    let _ = srv;
}

/// Takes the locks a command needs.
fn lock_for<'s>(srv: &'s Server, def: &CommandDef, args: &Args<'_>, db: usize) -> Locked<'s> {
    if def.has(flags::LOCK_ALL) {
        return srv.keyspace.lock_all();
    }
    match def.single_key() {
        Some(i) if i < args.len() => srv.keyspace.lock_key_in(args.get(i), Some(db)),
        _ => {
            let positions = def.key_positions(args);
            srv.keyspace
                .lock_keys(positions.iter().map(|&i| args.get(i)))
        }
    }
}

/// Applies CLIENT REPLY to the reply just written. The mode is read *after* the
/// command, as Redis decides per reply: CLIENT REPLY ON (and RESET) under OFF get
/// their reply through, and a skipped command's reply is dropped unless it is
/// CLIENT REPLY ON (which ends the skip). A skip is consumed by the command it
/// applied to; one set by this very command (SkipNext) stays for the next.
fn finish_reply(client: &mut Client, out: &mut ReplyBuf, start: usize) {
    if matches!(client.reply_mode, ReplyMode::Off | ReplyMode::Skip) {
        out.buf.truncate(start);
    }
    if client.reply_mode == ReplyMode::Skip {
        client.reply_mode = ReplyMode::On;
    }
}

/// `enable-debug-command` allows this client to run a protected command (DEBUG).
fn protected_allowed(srv: &Server, client: &Client) -> bool {
    match srv.tun.debug_command.load(Relaxed) {
        1 => true,
        2 => {
            let a = &client.shared.addr;
            a.starts_with("127.0.0.1:")
                || a.starts_with("::1:")
                || client.shared.has_flag(crate::client::flag::UNIX_SOCKET)
        }
        _ => false,
    }
}

/// True when an active CLIENT PAUSE covers `def`: every command in ALL mode; in
/// WRITE mode the writes and the commands that may replicate (PUBLISH, EVAL, ...).
fn pause_holds(srv: &Server, def: &CommandDef, now_ms: i64) -> bool {
    srv.pause_until_ms.load(Relaxed) > now_ms
        && (!srv.pause_writes_only.load(Relaxed) || def.has(flags::WRITE | flags::MAY_REPLICATE))
}

/// Records a slow command, truncating arguments as Redis does.
fn maybe_slowlog(
    srv: &Server,
    client: &Client,
    def: &CommandDef,
    args: &Args<'_>,
    elapsed_us: u64,
    now_ms: i64,
) {
    let threshold = srv.tun.slowlog_slower_than.load(Relaxed);
    if threshold < 0 || (elapsed_us as i64) < threshold || def.has(flags::SKIP_SLOWLOG) {
        return;
    }
    const MAX_ARGS: usize = 32;
    const MAX_STRING: usize = 128;
    let argc = args.len();
    let shown = argc.min(MAX_ARGS);
    let mut list = Vec::with_capacity(shown);
    for (i, a) in args.iter().take(shown).enumerate() {
        if i == MAX_ARGS - 1 && argc > MAX_ARGS {
            list.push(format!("... ({} more arguments)", argc - MAX_ARGS + 1).into_bytes());
        } else if a.len() > MAX_STRING {
            let mut v = a[..MAX_STRING].to_vec();
            v.extend_from_slice(format!("... ({} more bytes)", a.len() - MAX_STRING).as_bytes());
            list.push(v);
        } else {
            list.push(a.to_vec());
        }
    }
    let entry = SlowEntry {
        id: srv.slowlog.next_id.fetch_add(1, Relaxed),
        time: now_ms / 1000,
        duration_us: elapsed_us,
        args: list,
        addr: client.shared.addr.clone(),
        name: client.shared.name.lock().clone(),
    };
    let max = srv.tun.slowlog_max_len.load(Relaxed);
    let mut log = srv.slowlog.entries.lock();
    log.push_front(entry);
    log.truncate(max);
}
