//! What a handler sees while it runs: [`Ctx`] (server, client, reply buffer)
//! and [`Db`], its view of the keyspace through the shard locks it holds.
//!
//! `Db` is the write barrier. Reads get an entry to look at; every change is
//! stated through [`Db::changed`] (and its variants), which appends to the
//! effects record of the lock set. The execution core publishes that record to
//! its consumers when the handler returns ([`super::call`]).

use std::sync::atomic::Ordering::Relaxed;

use cinnabar_resp::ReplyBuf;

use super::command::CommandDef;
use crate::client::Client;
use crate::error::{CmdError, CmdResult};
use crate::exec::blocking::BlockRequest;
use crate::keyspace::blocking::TimeoutReply;
use crate::keyspace::effects::EXPIRED;
use crate::keyspace::{Entry, Locked, NewValue};
use crate::server::Server;
use crate::stats::{bump, WorkerStats};

/// Everything a handler can reach while it runs.
pub struct Ctx<'a> {
    /// The server.
    pub srv: &'static Server,
    /// The calling client.
    pub client: &'a mut Client,
    /// Where replies go.
    pub out: &'a mut ReplyBuf,
    /// Access to the keys this command locked, in the selected database.
    pub db: Db<'a>,
    /// The command being run.
    pub cmd: &'static CommandDef,
    /// True when the command runs on behalf of a blocked client being served: a
    /// handler that finds nothing to take must then ask to block again.
    pub serving: bool,
    /// Set by a handler that wants its client to block.
    pub block: Option<BlockRequest>,
}

impl Ctx<'_> {
    /// Asks for the client to block on `keys` until `deadline_ms` (see
    /// `blocking.rs`); the handler must not write a reply when it calls this.
    pub fn block_on(
        &mut self,
        keys: Vec<Vec<u8>>,
        deadline_ms: Option<i64>,
        timeout_reply: TimeoutReply,
    ) {
        self.block = Some(BlockRequest {
            keys,
            deadline_ms,
            timeout_reply,
        });
    }

    /// The clock for expiry decisions, fixed for the whole command.
    #[inline]
    pub fn now_ms(&self) -> i64 {
        self.db.now_ms
    }

    /// Switches the selected database for the client and for this command.
    pub fn select(&mut self, db: usize) {
        self.client.db = db;
        self.db.index = db;
        self.client.shared.db.store(db as u32, Relaxed);
    }
}

/// A command's view of the keyspace: the shard locks it holds, the selected
/// database and the command's clock. Kept apart from the reply buffer so a handler
/// can hold an entry while it writes its reply.
pub struct Db<'a> {
    /// The shard locks held for this command's keys, with the effects record.
    pub locked: Locked<'static>,
    /// The selected database.
    pub index: usize,
    /// The clock for expiry decisions, fixed for the whole command.
    pub now_ms: i64,
    /// This worker's counters.
    pub stats: &'a WorkerStats,
    /// False under CLIENT NO-TOUCH.
    pub touch: bool,
    /// Keys with waiting clients that received a change, as (db, key): the
    /// readiness consumer fills it and the blocked clients are served before
    /// the locks are released.
    pub ready: Vec<(usize, Vec<u8>)>,
    /// Keys looked up for writing whose value is (or may become) a small
    /// collection embedded in its entry: a write unpacks it, and
    /// [`Db::end_command`] packs it again.
    repack: crate::keyspace::repack::RepackList,
}

impl<'a> Db<'a> {
    /// A command's view over `locked`.
    pub fn new(
        locked: Locked<'static>,
        index: usize,
        now_ms: i64,
        stats: &'a WorkerStats,
        touch: bool,
    ) -> Db<'a> {
        Db {
            locked,
            index,
            now_ms,
            stats,
            touch,
            ready: Vec::new(),
            repack: Default::default(),
        }
    }

    /// Work due when a handler returns, whatever its result: small collections
    /// it unpacked go back into their entries.
    pub fn end_command(&mut self) {
        let (locked, now_ms) = (&mut self.locked, self.now_ms);
        self.repack.drain(|db, slot, key| {
            if let Ok(Some(e)) = locked.get_in_slot(db, slot, key, now_ms) {
                e.pack();
            }
        });
    }

    /// Records that the command changed `key` in the selected database, with
    /// Redis's event name for the change; it counts one change for the dirty
    /// counter.
    #[inline]
    pub fn changed(&mut self, key: &[u8], event: &'static str) {
        self.locked.effects.record(self.index, key, event, 1);
    }

    /// [`changed`](Self::changed) counting `n` changes for the dirty counter
    /// (Redis counts an LPUSH of three elements as three).
    #[inline]
    pub fn changed_n(&mut self, key: &[u8], event: &'static str, n: usize) {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        self.locked.effects.record(self.index, key, event, n);
    }

    /// [`changed`](Self::changed) for a key of database `db` (MOVE, COPY ... DB).
    #[inline]
    pub fn changed_in(&mut self, db: usize, key: &[u8], event: &'static str) {
        self.locked.effects.record(db, key, event, 1);
    }

    /// Records an event on `key` that is not a change of its own and counts
    /// nothing (RENAME's `rename_from`, a second event for one change).
    #[inline]
    pub fn event(&mut self, key: &[u8], event: &'static str) {
        self.locked.effects.record(self.index, key, event, 0);
    }

    /// [`event`](Self::event) for a key of database `db`.
    #[inline]
    pub fn event_in(&mut self, db: usize, key: &[u8], event: &'static str) {
        self.locked.effects.record(db, key, event, 0);
    }

    /// Records a change Redis makes without a keyspace event (PFCOUNT's cached
    /// cardinality): WATCH and the dirty counter see it, notifications do not.
    #[inline]
    pub fn modified(&mut self, key: &[u8]) {
        self.locked.effects.record(self.index, key, "", 1);
    }

    /// Records a change to all of database `db` (FLUSHDB, SWAPDB), counting
    /// `dirty` changes.
    pub fn changed_db(&mut self, db: usize, event: &'static str, dirty: usize) {
        let n = u32::try_from(dirty).unwrap_or(u32::MAX);
        self.locked.effects.record_db(db, event, n);
    }

    /// Propagates `argv` (to the AOF and replicas) in place of the running
    /// command; call once per command to propagate (SPOP → SREM, EXPIRE →
    /// PEXPIREAT, a served BLPOP → LPOP).
    pub fn propagate_as(&mut self, argv: Vec<Vec<u8>>) {
        self.locked.effects.rewrite(argv);
    }

    /// The access value stored on touched keys (LRU clock).
    #[inline]
    pub fn access_now(&self) -> u32 {
        crate::clock::lru_clock(self.now_ms)
    }

    /// Looks a key up for reading: counts a hit or miss and refreshes its access
    /// time. The entry is shared: changes go through the write path
    /// ([`lookup_write`](Self::lookup_write) and the setters), the barrier
    /// that records them.
    pub fn lookup_read(&mut self, key: &[u8]) -> Result<Option<&Entry>, CmdError> {
        let access = self.access_now();
        let touch = self.touch;
        match self.locked.get(self.index, key, self.now_ms)? {
            Some(e) => {
                bump(&self.stats.keyspace_hits, 1);
                if touch {
                    e.set_access(access);
                }
                Ok(Some(e))
            }
            None => {
                bump(&self.stats.keyspace_misses, 1);
                Ok(None)
            }
        }
    }

    /// Looks a key up for a read that changes the value's form or cached
    /// state (PFCOUNT caches its cardinality, SORT turns a small sorted set
    /// into a skiplist as Redis does): counted as a read, but through the
    /// write path. A change of data is still stated with [`changed`](Self::changed)
    /// or [`modified`](Self::modified).
    pub fn lookup_read_mut(&mut self, key: &[u8]) -> Result<Option<&mut Entry>, CmdError> {
        let found = self.locked.exists(self.index, key, self.now_ms)?;
        bump(
            if found {
                &self.stats.keyspace_hits
            } else {
                &self.stats.keyspace_misses
            },
            1,
        );
        let touch = self.touch;
        let access = self.access_now();
        match self.lookup_write_untouched(key)? {
            Some(e) => {
                if touch {
                    e.set_access(access);
                }
                Ok(Some(e))
            }
            None => Ok(None),
        }
    }

    /// Looks a key up for writing (no hit/miss accounting). A handler that
    /// changes the entry says so with [`changed`](Self::changed).
    pub fn lookup_write(&mut self, key: &[u8]) -> Result<Option<&mut Entry>, CmdError> {
        let access = self.access_now();
        let found = self.lookup_write_untouched(key)?;
        if let Some(e) = found {
            e.set_access(access);
            return Ok(Some(e));
        }
        Ok(None)
    }

    /// The write path's lookup: a small collection embedded in its entry is
    /// noted so [`end_command`](Self::end_command) packs it again.
    #[inline]
    fn lookup_write_untouched(&mut self, key: &[u8]) -> Result<Option<&mut Entry>, CmdError> {
        let slot = self.locked.slot_of(key);
        let found = self
            .locked
            .get_in_slot(self.index, slot, key, self.now_ms)?;
        if let Some(e) = found {
            if e.is_embedded() || e.could_embed() {
                self.repack.add(self.index, slot, key);
            }
            return Ok(Some(e));
        }
        Ok(None)
    }

    /// Looks a key up in another database (MOVE, COPY ... DB), without touching it.
    pub fn lookup_in(&mut self, db: usize, key: &[u8]) -> Result<Option<&mut Entry>, CmdError> {
        Ok(self.locked.get(db, key, self.now_ms)?)
    }

    /// True when the key exists in the selected database.
    pub fn exists(&mut self, key: &[u8]) -> Result<bool, CmdError> {
        Ok(self.locked.exists(self.index, key, self.now_ms)?)
    }

    /// Stores a value, replacing the key's old value and expire.
    pub fn set(&mut self, key: &[u8], value: NewValue<'_>, expire_ms: Option<i64>) -> CmdResult {
        let access = self.access_now();
        let index = self.index;
        let old = self.locked.set(index, key, value, expire_ms, access)?;
        // A logically expired value replaced without a lookup first still
        // expired first, as the lookup would have found.
        if old.is_some_and(|e| e.is_expired(self.now_ms)) {
            self.locked.effects.record(index, key, EXPIRED, 0);
        }
        Ok(())
    }

    /// Stores a value in database `db`.
    pub fn set_in(
        &mut self,
        db: usize,
        key: &[u8],
        value: NewValue<'_>,
        expire_ms: Option<i64>,
    ) -> CmdResult {
        let access = self.access_now();
        self.locked.set(db, key, value, expire_ms, access)?;
        Ok(())
    }

    /// Deletes a key; true when it existed (an expired key counts as absent).
    pub fn remove(&mut self, key: &[u8]) -> Result<bool, CmdError> {
        self.remove_in(self.index, key)
    }

    /// Deletes a key from database `db`.
    pub fn remove_in(&mut self, db: usize, key: &[u8]) -> Result<bool, CmdError> {
        if !self.locked.exists(db, key, self.now_ms)? {
            return Ok(false);
        }
        Ok(self.locked.remove(db, key)?.is_some())
    }

    /// Takes a key's entry out of database `db` (RENAME, MOVE).
    pub fn take_in(&mut self, db: usize, key: &[u8]) -> Result<Option<Entry>, CmdError> {
        if !self.locked.exists(db, key, self.now_ms)? {
            return Ok(None);
        }
        Ok(self.locked.remove(db, key)?)
    }

    /// Puts a built entry into database `db`, replacing any entry under its key.
    pub fn put_in(&mut self, db: usize, entry: Entry) -> CmdResult {
        self.locked.insert_entry(db, entry)?;
        Ok(())
    }

    /// Sets or clears a key's expire; false when the key does not exist.
    pub fn set_expire(&mut self, key: &[u8], expire_ms: Option<i64>) -> Result<bool, CmdError> {
        Ok(self.locked.set_expire(self.index, key, expire_ms)?)
    }
}
