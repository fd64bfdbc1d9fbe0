//! Blocking commands: registering waiters and serving them, as Redis does.
//!
//! A blocking handler that finds nothing to take calls [`Ctx::block_on`]; the
//! dispatcher then registers a [`Waiter`] on each key while the command's shard locks
//! are still held. A write recorded on a key somebody waits on makes it ready
//! (`exec::publish`); before
//! that write's locks are released, [`serve_ready`] runs the first waiters' commands
//! again on their behalf (first come, first served per key) and mails the replies to
//! the waiters' workers. When a waiter's command needs shards the writer does not
//! hold, they are taken with `try_lock`; if that fails, the key is served again right
//! after the writer releases its locks ([`serve_deferred`]), taking every needed lock
//! in ascending order.

use std::collections::VecDeque;
use std::ops::Range;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;

use cinnabar_resp::{Args, ReplyBuf};

use crate::client::{flag, Client};
use crate::exec::{Ctx, Db};
use crate::keyspace::blocking::{TimeoutReply, Waiter};
use crate::server::{Mail, Server};
use crate::stats::WorkerStats;

/// A handler's request to block.
#[derive(Debug, Clone)]
pub struct BlockRequest {
    /// Keys to wait on.
    pub keys: Vec<Vec<u8>>,
    /// Unix ms at which to give up; `None` waits forever.
    pub deadline_ms: Option<i64>,
    /// Reply on timeout.
    pub timeout_reply: TimeoutReply,
}

/// Converts a blocking command's timeout argument (seconds, fractional allowed)
/// into a deadline, with Redis's errors.
pub fn parse_timeout(raw: &[u8], now_ms: i64) -> Result<Option<i64>, crate::error::CmdError> {
    use crate::error::CmdError;
    let secs = cinnabar_resp::parse_f64_strict(raw)
        .ok_or_else(|| CmdError::err("timeout is not a float or out of range"))?;
    // Redis rounds up to whole milliseconds before checking the sign, so a tiny
    // negative value becomes 0 (block forever).
    let ms = (secs * 1000.0).ceil();
    if ms.is_nan() || ms > i64::MAX as f64 {
        return Err(CmdError::err("timeout is out of range"));
    }
    if ms < 0.0 {
        return Err(CmdError::err("timeout is negative"));
    }
    let ms = ms as i64;
    if ms == 0 {
        return Ok(None);
    }
    if ms > i64::MAX - now_ms {
        return Err(CmdError::err("timeout is out of range"));
    }
    Ok(Some(now_ms + ms))
}

/// Registers the calling client as a waiter on the request's keys. The keys' shards
/// must be locked by the command (they are its keys).
pub fn register(ctx: &mut Ctx<'_>, args: &Args<'_>, req: BlockRequest) -> Arc<Waiter> {
    let waiter = Arc::new(Waiter::new(
        ctx.client.shared.clone(),
        ctx.db.index,
        ctx.out.resp3,
        args.to_vec(),
        req.keys,
        req.deadline_ms,
        req.timeout_reply,
    ));
    let ks = &ctx.srv.keyspace;
    for key in &waiter.keys {
        if let Some(shard) = ctx.db.locked.shard_mut(ks.shard_of_key(key)) {
            shard.blocked.add(waiter.db, key, waiter.clone());
        }
    }
    ctx.client.shared.set_flag(flag::BLOCKED, true);
    *ctx.client.shared.waiter.lock() = Some(waiter.clone());
    ctx.srv.blocked_clients.fetch_add(1, Relaxed);
    waiter
}

/// Removes a finished waiter from the queues of all its keys and clears the
/// client's blocked state. Called by the waiter's own worker, holding no locks.
pub fn unregister(srv: &Server, waiter: &Arc<Waiter>) {
    let ks = &srv.keyspace;
    for key in &waiter.keys {
        if let Some(mut shard) = ks.lock_shard(ks.shard_of_key(key)) {
            shard.blocked.remove(waiter.db, key, waiter);
        }
    }
    let mut slot = waiter.client.waiter.lock();
    if slot.as_ref().is_some_and(|w| Arc::ptr_eq(w, waiter)) {
        *slot = None;
        waiter.client.set_flag(flag::BLOCKED, false);
        srv.blocked_clients.fetch_sub(1, Relaxed);
    }
}

/// The reply a waiter gets when its timeout expires.
pub fn timeout_reply_bytes(waiter: &Waiter) -> Vec<u8> {
    let mut out = ReplyBuf::with_resp3(waiter.resp3);
    match waiter.timeout_reply {
        TimeoutReply::NullArray => out.null_array(),
    }
    out.buf
}

/// Serves waiters of the keys the command signalled as ready, inside its critical
/// section. Returns the keys that need locks the command could not take.
pub fn serve_ready(
    srv: &'static Server,
    stats: &WorkerStats,
    db: &mut Db<'_>,
) -> Vec<(usize, Vec<u8>)> {
    let mut deferred = Vec::new();
    let mut rounds = 0usize;
    while let Some((dbi, key)) = db.ready.pop() {
        // A served command may push to another key with waiters (BLMOVE chains);
        // bound the work so a cycle of moves cannot spin forever.
        rounds += 1;
        if rounds > 10_000 {
            break;
        }
        if serve_key(srv, stats, db, dbi, &key) == KeyOutcome::NeedsLocks {
            deferred.push((dbi, key));
        }
    }
    deferred
}

#[derive(PartialEq, Eq)]
enum KeyOutcome {
    Done,
    NeedsLocks,
}

fn serve_key(
    srv: &'static Server,
    stats: &WorkerStats,
    db: &mut Db<'_>,
    dbi: usize,
    key: &[u8],
) -> KeyOutcome {
    let ks = &srv.keyspace;
    let shard_idx = ks.shard_of_key(key);
    let mut queue = match db.locked.shard_mut(shard_idx) {
        Some(s) => s.blocked.take(dbi, key),
        None => return KeyOutcome::NeedsLocks,
    };
    let mut outcome = KeyOutcome::Done;
    let mut keep: VecDeque<Arc<Waiter>> = VecDeque::new();
    while let Some(w) = queue.pop_front() {
        if !w.is_waiting() {
            continue;
        }
        let (buf, ranges) = flatten(&w.args);
        let args = Args::new(&buf, &ranges);
        let Some(def) = srv.commands.get(args.get(0)) else {
            continue;
        };
        // Any change to the key makes it ready, but as in Redis a waiter is
        // served only by a value of the type it blocked for: a BLPOP stays
        // blocked when a sorted set appears under its key.
        if !holds_type_for(db, dbi, key, def.group) {
            keep.push_back(w);
            continue;
        }
        let mut needed: Vec<usize> = def
            .key_positions(&args)
            .iter()
            .map(|&i| ks.shard_of_key(args.get(i)))
            .collect();
        needed.sort_unstable();
        needed.dedup();
        if !db.locked.try_add_shards(&needed) {
            keep.push_back(w);
            outcome = KeyOutcome::NeedsLocks;
            break;
        }
        if !w.try_claim() {
            continue;
        }
        match run_for_waiter(srv, stats, db, &w, def, &args) {
            Some(reply) => {
                w.finish();
                if let Some(worker) = srv.workers().get(w.client.worker) {
                    worker.send(Mail::Unblocked {
                        token: w.client.token,
                        client_id: w.client.id,
                        bytes: reply,
                    });
                }
            }
            None => {
                // Nothing left to take: this waiter and everyone after it keep waiting.
                w.release_claim();
                keep.push_back(w);
                break;
            }
        }
    }
    keep.extend(queue);
    if let Some(s) = db.locked.shard_mut(shard_idx) {
        s.blocked.restore(dbi, key, keep);
    }
    outcome
}

/// True when `key` holds a value of the type a blocking command of `group`
/// waits for.
fn holds_type_for(db: &mut Db<'_>, dbi: usize, key: &[u8], group: &str) -> bool {
    let wanted = match group {
        "sorted-set" => "zset",
        other => other,
    };
    let now = db.now_ms;
    matches!(db.locked.get(dbi, key, now), Ok(Some(e)) if e.value().type_name() == wanted)
}

/// Runs a waiter's command with the writer's locks; `None` when it would block again.
fn run_for_waiter(
    srv: &'static Server,
    stats: &WorkerStats,
    db: &mut Db<'_>,
    w: &Arc<Waiter>,
    def: &'static crate::exec::command::CommandDef,
    args: &Args<'_>,
) -> Option<Vec<u8>> {
    def.handler?;
    let mut client = Client::new(w.client.clone(), true);
    client.db = w.db;
    let mut out = ReplyBuf::with_resp3(w.resp3);
    let locked = std::mem::replace(&mut db.locked, srv.keyspace.lock_none());
    let inner_db = Db::new(locked, w.db, db.now_ms, stats, true);
    let mut ctx = Ctx {
        srv,
        client: &mut client,
        out: &mut out,
        db: inner_db,
        cmd: def,
        serving: true,
        block: None,
    };
    let result = crate::exec::call(&mut ctx, args);
    let blocked_again = ctx.block.is_some();
    let Ctx { db: inner_db, .. } = ctx;
    db.locked = inner_db.locked;
    db.ready.extend(inner_db.ready);
    if blocked_again {
        return None;
    }
    if let Err(e) = result {
        out.error(e.text());
    }
    for e in out.take_errors() {
        stats.record_error(&e);
    }
    Some(out.buf)
}

/// Serves keys whose waiters needed more locks than the writer held: locks the key's
/// shard and every shard its waiters' commands need, in ascending order.
pub fn serve_deferred(
    srv: &'static Server,
    stats: &WorkerStats,
    deferred: Vec<(usize, Vec<u8>)>,
    now_ms: i64,
) {
    for (dbi, key) in deferred {
        let ks = &srv.keyspace;
        let key_shard = ks.shard_of_key(&key);
        let mut shards = vec![key_shard];
        let queue = ks
            .lock_shard(key_shard)
            .map(|s| s.blocked.peek(dbi, &key))
            .unwrap_or_default();
        {
            for w in queue {
                let (buf, ranges) = flatten(&w.args);
                let args = Args::new(&buf, &ranges);
                if let Some(def) = srv.commands.get(args.get(0)) {
                    shards.extend(
                        def.key_positions(&args)
                            .iter()
                            .map(|&i| ks.shard_of_key(args.get(i))),
                    );
                }
            }
        }
        let locked = ks.lock_shards(&mut shards);
        let mut db = Db::new(locked, dbi, now_ms, stats, true);
        db.ready.push((dbi, key));
        // Anything still needing locks here lost a race with another writer, which
        // will have signalled the key itself; nothing is left behind.
        let _ = serve_ready(srv, stats, &mut db);
    }
}

/// Copies owned arguments into one buffer with ranges, the form `Args` borrows.
fn flatten(args: &[Vec<u8>]) -> (Vec<u8>, Vec<Range<usize>>) {
    let mut buf = Vec::with_capacity(args.iter().map(Vec::len).sum());
    let mut ranges = Vec::with_capacity(args.len());
    for a in args {
        let start = buf.len();
        buf.extend_from_slice(a);
        ranges.push(start..buf.len());
    }
    (buf, ranges)
}
