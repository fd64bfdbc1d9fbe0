//! The keyspace: databases split into hash slots, slots grouped into lock shards.
//!
//! Every database is divided into the 16,384 Cluster hash slots, each slot a small
//! hash table of [`Entry`]s. Slots are grouped into lock shards; a shard's mutex
//! covers its slots in *every* database, so commands that cross databases on one key
//! (MOVE, COPY ... DB) take one lock, and SWAPDB swaps per-shard tables under the
//! all-shard lock. A command locks the shards of its keys in ascending order
//! ([`Keyspace::lock_keys`]), which rules out deadlock by construction.

pub mod blob;
pub mod blocking;
pub mod effects;
pub mod entry;
pub mod expire;
pub mod repack;
pub mod scan;
pub mod slot;
pub mod table;
pub mod watch;

use std::hash::BuildHasher;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use parking_lot::{Mutex, MutexGuard};

pub use effects::{Effect, EffectLog};
pub use entry::{Entry, NewValue, ValueRef};
pub use slot::{key_slot, SLOTS};
pub use table::SlotTable;

/// A shard's part of one database.
pub struct DbShard {
    slots: Box<[SlotTable]>,
    keys: usize,
    volatile: usize,
}

impl DbShard {
    fn new(slots: usize) -> Self {
        DbShard {
            slots: (0..slots).map(|_| SlotTable::default()).collect(),
            keys: 0,
            volatile: 0,
        }
    }

    /// Number of keys.
    pub fn keys(&self) -> usize {
        self.keys
    }

    /// Number of keys with an expire.
    pub fn volatile(&self) -> usize {
        self.volatile
    }

    /// The slot tables, first slot of the shard first.
    pub fn slots(&self) -> &[SlotTable] {
        &self.slots
    }
}

/// The data a shard lock protects: its slots in every database.
pub struct Shard {
    dbs: Box<[Option<Box<DbShard>>]>,
    first_slot: usize,
    slot_count: usize,
    /// Clients blocked on keys of this shard.
    pub blocked: blocking::BlockedKeys,
    /// Clients watching keys of this shard (WATCH).
    pub watched: watch::Watchers,
}

impl Shard {
    /// This shard's part of database `db`, if it was ever written.
    pub fn db(&self, db: usize) -> Option<&DbShard> {
        self.dbs.get(db).and_then(|d| d.as_deref())
    }

    fn db_mut(&mut self, db: usize) -> Option<&mut DbShard> {
        self.dbs.get_mut(db).and_then(|d| d.as_deref_mut())
    }

    fn db_or_create(&mut self, db: usize) -> Option<&mut DbShard> {
        let slot_count = self.slot_count;
        let cell = self.dbs.get_mut(db)?;
        Some(cell.get_or_insert_with(|| Box::new(DbShard::new(slot_count))))
    }

    /// First hash slot covered by this shard.
    pub fn first_slot(&self) -> usize {
        self.first_slot
    }

    /// Removes and returns database `db`'s data (FLUSHDB). Watchers of keys that
    /// existed are touched, as Redis does.
    pub fn take_db(&mut self, db: usize) -> Option<Box<DbShard>> {
        self.touch_existing(&[db]);
        self.dbs.get_mut(db).and_then(Option::take)
    }

    /// Swaps two databases' data (SWAPDB). Blocked clients stay with their database
    /// number, as in Redis: a client waiting in db 0 now waits on db 0's new keys.
    /// Watchers of a key that exists in either database are touched.
    pub fn swap_dbs(&mut self, a: usize, b: usize) {
        if a < self.dbs.len() && b < self.dbs.len() {
            self.touch_existing(&[a, b]);
            self.dbs.swap(a, b);
        }
    }

    /// Touches the watchers, in `dbs`, of keys present in any of `dbs`.
    fn touch_existing(&self, dbs: &[usize]) {
        if self.watched.is_empty() {
            return;
        }
        let first = self.first_slot;
        let present = |db: usize, key: &[u8]| {
            let local = key_slot(key).wrapping_sub(first);
            self.db(db)
                .and_then(|d| d.slots.get(local))
                .is_some_and(|t| t.iter().any(|e| e.key() == key))
        };
        self.watched
            .touch_where(dbs, |_, key| dbs.iter().any(|&d| present(d, key)));
    }
}

#[repr(align(64))]
struct ShardCell(Mutex<Shard>);

/// All databases of the server.
pub struct Keyspace {
    shards: Box<[ShardCell]>,
    slot_shift: u32,
    num_dbs: usize,
    hasher: foldhash::fast::RandomState,
    /// Watched (database, key) pairs server-wide: writes skip the watcher lookup
    /// while this is zero.
    pub watching: AtomicUsize,
}

impl Keyspace {
    /// A keyspace with `num_dbs` databases and `shards` lock shards (rounded up to a
    /// power of two between 1 and 16,384).
    pub fn new(num_dbs: usize, shards: usize) -> Keyspace {
        let shards = shards.clamp(1, SLOTS).next_power_of_two();
        let slot_count = SLOTS / shards;
        let slot_shift = slot_count.trailing_zeros();
        let cells = (0..shards)
            .map(|i| {
                ShardCell(Mutex::new(Shard {
                    dbs: (0..num_dbs).map(|_| None).collect(),
                    first_slot: i * slot_count,
                    slot_count,
                    blocked: blocking::BlockedKeys::default(),
                    watched: watch::Watchers::default(),
                }))
            })
            .collect();
        Keyspace {
            shards: cells,
            slot_shift,
            num_dbs,
            hasher: foldhash::fast::RandomState::default(),
            watching: AtomicUsize::new(0),
        }
    }

    /// Number of databases.
    pub fn num_dbs(&self) -> usize {
        self.num_dbs
    }

    /// Number of lock shards.
    pub fn num_shards(&self) -> usize {
        self.shards.len()
    }

    /// The shard holding a slot.
    #[inline]
    pub fn shard_of_slot(&self, slot: usize) -> usize {
        slot >> self.slot_shift
    }

    /// The shard holding a key.
    #[inline]
    pub fn shard_of_key(&self, key: &[u8]) -> usize {
        self.shard_of_slot(key_slot(key))
    }

    /// The hasher of the slot tables.
    pub(crate) fn hasher(&self) -> &foldhash::fast::RandomState {
        &self.hasher
    }

    /// The table hash of a key.
    #[inline]
    pub fn hash(&self, key: &[u8]) -> u64 {
        self.hasher.hash_one(key)
    }

    /// Locks one shard.
    pub fn lock_shard(&self, shard: usize) -> Option<MutexGuard<'_, Shard>> {
        self.shards.get(shard).map(|c| c.0.lock())
    }

    /// Locks nothing (for commands without keys); keys can't be accessed through it.
    pub fn lock_none(&self) -> Locked<'_> {
        Locked {
            ks: self,
            first: None,
            rest: Vec::new(),
            all: false,
            effects: EffectLog::default(),
            slot_hint: None,
        }
    }

    /// Locks the shards of `keys` in ascending order.
    pub fn lock_keys<'k>(&self, keys: impl Iterator<Item = &'k [u8]>) -> Locked<'_> {
        let mut shards: Vec<usize> = keys.map(|k| self.shard_of_key(k)).collect();
        self.lock_shards(&mut shards)
    }

    /// Locks the given shards (sorted and deduplicated here) in ascending order.
    pub fn lock_shards(&self, shards: &mut Vec<usize>) -> Locked<'_> {
        shards.sort_unstable();
        shards.dedup();
        let mut locked = self.lock_none();
        let mut guards = shards
            .iter()
            .filter_map(|&s| self.lock_shard(s).map(|g| (s, g)));
        locked.first = guards.next();
        locked.rest = guards.collect();
        locked
    }

    /// Locks the shard of a single key (the common case, with no allocation).
    #[inline]
    pub fn lock_key(&self, key: &[u8]) -> Locked<'_> {
        self.lock_key_in(key, None)
    }

    /// [`Keyspace::lock_key`] for a command about to look the key up in
    /// database `db`: the key's slot table starts loading into the cache now,
    /// so that miss overlaps the command's set-up instead of stalling its lookup.
    #[inline]
    pub fn lock_key_in(&self, key: &[u8], db: Option<usize>) -> Locked<'_> {
        let slot = key_slot(key);
        let shard = self.shard_of_slot(slot);
        let mut locked = self.lock_none();
        locked.first = self.lock_shard(shard).map(|g| {
            if let Some(d) = db.and_then(|db| g.db(db)) {
                if let Some(t) = d.slots.get(slot.wrapping_sub(g.first_slot)) {
                    t.prefetch();
                }
            }
            (shard, g)
        });
        locked.slot_hint = Some((key.as_ptr() as usize, key.len(), slot));
        locked
    }

    /// Locks every shard, in ascending order.
    pub fn lock_all(&self) -> Locked<'_> {
        let mut all: Vec<usize> = (0..self.shards.len()).collect();
        let mut locked = self.lock_shards(&mut all);
        locked.all = true;
        locked
    }

    /// Total keys in a database (each shard locked in turn).
    pub fn dbsize(&self, db: usize) -> usize {
        (0..self.shards.len())
            .filter_map(|s| self.lock_shard(s))
            .map(|g| g.db(db).map_or(0, DbShard::keys))
            .sum()
    }

    /// (keys, keys with an expire) of a database.
    pub fn db_counts(&self, db: usize) -> (usize, usize) {
        (0..self.shards.len())
            .filter_map(|s| self.lock_shard(s))
            .fold((0, 0), |(k, v), g| {
                let d = g.db(db);
                (
                    k + d.map_or(0, DbShard::keys),
                    v + d.map_or(0, DbShard::volatile),
                )
            })
    }
}

/// The shard locks a command holds, and access to the keys they cover.
pub struct Locked<'a> {
    ks: &'a Keyspace,
    first: Option<(usize, MutexGuard<'a, Shard>)>,
    rest: Vec<(usize, MutexGuard<'a, Shard>)>,
    all: bool,
    /// What the commands run under these locks changed, in order (lazy expiry
    /// included); published by the execution core while the locks are held.
    pub effects: EffectLog,
    /// The slot of the key [`Keyspace::lock_key`] locked, by the address and
    /// length of its bytes: a single-key command then computes CRC16 once.
    slot_hint: Option<(usize, usize, usize)>,
}

/// Why a key could not be accessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessError {
    /// The key's shard is not locked by this command (a bug in its key spec).
    NotLocked,
    /// The database index is out of range.
    NoSuchDb,
    /// The key is longer than an entry can hold.
    KeyTooLong,
}

impl<'a> Locked<'a> {
    /// The keyspace these locks belong to.
    pub fn keyspace(&self) -> &'a Keyspace {
        self.ks
    }

    /// True when every shard is locked.
    pub fn is_all(&self) -> bool {
        self.all
    }

    /// Indices of the locked shards.
    pub fn shard_indices(&self) -> Vec<usize> {
        self.first
            .iter()
            .chain(self.rest.iter())
            .map(|(i, _)| *i)
            .collect()
    }

    /// True when this lock set holds the shard.
    pub fn holds(&self, shard: usize) -> bool {
        self.all
            || self.first.as_ref().is_some_and(|(i, _)| *i == shard)
            || self.rest.iter().any(|(i, _)| *i == shard)
    }

    /// Tries to add the given shards without waiting (so lock order does not
    /// matter); on any failure nothing is added and false is returned.
    pub fn try_add_shards(&mut self, shards: &[usize]) -> bool {
        let mut taken = Vec::new();
        for &s in shards {
            if self.holds(s) || taken.iter().any(|(i, _)| *i == s) {
                continue;
            }
            match self.ks.shards.get(s).and_then(|c| c.0.try_lock()) {
                Some(g) => taken.push((s, g)),
                None => return false,
            }
        }
        if self.first.is_none() {
            self.first = taken.pop();
        }
        self.rest.extend(taken);
        true
    }

    /// Runs `f` on shard `shard`: through this lock set when it holds the shard
    /// (a command inside EXEC holds them all), else under the shard's own lock,
    /// taken for the call. Commands that walk the whole keyspace shard by shard
    /// (KEYS, SCAN, DBSIZE, ...) go through this so they never wait on a lock
    /// their own transaction holds.
    pub fn visit_shard<R>(&mut self, shard: usize, f: impl FnOnce(&mut Shard) -> R) -> Option<R> {
        if self.holds(shard) {
            return self.shard_mut(shard).map(f);
        }
        let mut guard = self.ks.lock_shard(shard)?;
        Some(f(&mut guard))
    }

    /// Keys and keys-with-expire of database `db` (see [`Locked::visit_shard`]).
    pub fn db_counts(&mut self, db: usize) -> (usize, usize) {
        let (mut keys, mut volatile) = (0, 0);
        for shard in 0..self.ks.num_shards() {
            if let Some((k, v)) = self.visit_shard(shard, |s| {
                s.db(db).map_or((0, 0), |d| (d.keys(), d.volatile()))
            }) {
                keys += k;
                volatile += v;
            }
        }
        (keys, volatile)
    }

    /// A locked shard by index.
    pub fn shard_mut(&mut self, shard: usize) -> Option<&mut Shard> {
        if let Some((i, g)) = &mut self.first {
            if *i == shard {
                return Some(&mut **g);
            }
        }
        if self.all {
            return self
                .rest
                .get_mut(shard.checked_sub(1)?)
                .map(|(_, g)| &mut **g);
        }
        self.rest
            .iter_mut()
            .find(|(i, _)| *i == shard)
            .map(|(_, g)| &mut **g)
    }

    fn slot_table(
        &mut self,
        db: usize,
        key: &[u8],
        create: bool,
    ) -> Result<Option<&mut SlotTable>, AccessError> {
        let slot = self.slot_of(key);
        self.slot_table_at(db, slot, create)
    }

    /// The shard of a key, reusing the slot computed when it was locked.
    #[inline]
    pub fn shard_of(&self, key: &[u8]) -> usize {
        self.ks.shard_of_slot(self.slot_of(key))
    }

    /// The key's hash slot, reusing the one computed when it was locked (the
    /// same bytes at the same address are the same key).
    #[inline]
    pub fn slot_of(&self, key: &[u8]) -> usize {
        match self.slot_hint {
            Some((ptr, len, slot)) if ptr == key.as_ptr() as usize && len == key.len() => slot,
            _ => key_slot(key),
        }
    }

    #[inline]
    fn slot_table_at(
        &mut self,
        db: usize,
        slot: usize,
        create: bool,
    ) -> Result<Option<&mut SlotTable>, AccessError> {
        if db >= self.ks.num_dbs {
            return Err(AccessError::NoSuchDb);
        }
        let shard_idx = self.ks.shard_of_slot(slot);
        let shard = self.shard_mut(shard_idx).ok_or(AccessError::NotLocked)?;
        let local = slot - shard.first_slot;
        let dbs = if create {
            shard.db_or_create(db)
        } else {
            shard.db_mut(db)
        };
        Ok(dbs.and_then(|d| d.slots.get_mut(local)))
    }

    fn counts(&mut self, db: usize, key: &[u8]) -> Option<&mut DbShard> {
        let shard_idx = self.ks.shard_of_slot(self.slot_of(key));
        self.shard_mut(shard_idx)?.db_mut(db)
    }

    /// Tells WATCHers of `key` in `db` that it changed (Redis's
    /// `signalModifiedKey` → `touchWatchedKey`). Cheap when nothing is watched.
    pub fn touch(&mut self, db: usize, key: &[u8]) {
        if self.ks.watching.load(Relaxed) == 0 {
            return;
        }
        let shard = self.ks.shard_of_key(key);
        if let Some(s) = self.shard_mut(shard) {
            s.watched.touch(db, key);
        }
    }

    /// Registers `flag` as watching `key` in `db`; false if it already did.
    /// The key's shard must be locked.
    pub fn watch(&mut self, db: usize, key: &[u8], flag: &watch::DirtyFlag) -> bool {
        let shard = self.ks.shard_of_key(key);
        let added = self
            .shard_mut(shard)
            .is_some_and(|s| s.watched.add(db, key, flag));
        if added {
            self.ks.watching.fetch_add(1, Relaxed);
        }
        added
    }

    /// Removes a registration made by [`Locked::watch`] (the key's shard must be
    /// locked).
    pub fn unwatch(&mut self, db: usize, key: &[u8], flag: &watch::DirtyFlag) {
        let shard = self.ks.shard_of_key(key);
        let removed = self
            .shard_mut(shard)
            .is_some_and(|s| s.watched.remove(db, key, flag));
        if removed {
            self.ks.watching.fetch_sub(1, Relaxed);
        }
    }

    /// Looks a key up, deleting it first if it has expired by `now_ms`.
    pub fn get(
        &mut self,
        db: usize,
        key: &[u8],
        now_ms: i64,
    ) -> Result<Option<&mut Entry>, AccessError> {
        let slot = self.slot_of(key);
        self.get_in_slot(db, slot, key, now_ms)
    }

    /// [`Locked::get`] for a key whose hash slot is already known
    /// ([`Locked::slot_of`]).
    pub fn get_in_slot(
        &mut self,
        db: usize,
        slot: usize,
        key: &[u8],
        now_ms: i64,
    ) -> Result<Option<&mut Entry>, AccessError> {
        let hash = self.ks.hash(key);
        let Some(table) = self.slot_table_at(db, slot, false)? else {
            return Ok(None);
        };
        let Some(index) = table.find_index(hash, key) else {
            return Ok(None);
        };
        let expired = table.at_mut(index).is_some_and(|e| e.is_expired(now_ms));
        if expired {
            self.remove(db, key)?;
            self.effects.record(db, key, effects::EXPIRED, 0);
            return Ok(None);
        }
        // Found again by position: no second probe.
        let table = self.slot_table_at(db, slot, false)?;
        Ok(table.and_then(|t| t.at_mut(index)))
    }

    /// True when the key exists (and has not expired).
    pub fn exists(&mut self, db: usize, key: &[u8], now_ms: i64) -> Result<bool, AccessError> {
        Ok(self.get(db, key, now_ms)?.is_some())
    }

    /// Stores a value under a key, replacing any previous one (its expire too).
    /// Returns the replaced entry.
    pub fn set(
        &mut self,
        db: usize,
        key: &[u8],
        value: NewValue<'_>,
        expire_ms: Option<i64>,
        access: u32,
    ) -> Result<Option<Entry>, AccessError> {
        let entry = Entry::new(key, value, expire_ms, access).ok_or(AccessError::KeyTooLong)?;
        let slot = self.slot_of(key);
        self.insert_in_slot(db, entry, slot)
    }

    /// Inserts a built entry, replacing any previous one under its key.
    pub fn insert_entry(&mut self, db: usize, entry: Entry) -> Result<Option<Entry>, AccessError> {
        let slot = key_slot(entry.key());
        self.insert_in_slot(db, entry, slot)
    }

    fn insert_in_slot(
        &mut self,
        db: usize,
        entry: Entry,
        slot: usize,
    ) -> Result<Option<Entry>, AccessError> {
        let hasher = &self.ks.hasher;
        let new_volatile = entry.expire().is_some();
        let Some(table) = self.slot_table_at(db, slot, true)? else {
            return Err(AccessError::NoSuchDb);
        };
        // The key is parsed out of the entry once, for the hash and the search.
        let key = entry.key();
        let hash = hasher.hash_one(key);
        let found = table.find_index(hash, key);
        let key_hash = |e: &Entry| hasher.hash_one(e.key());
        let old = match found {
            Some(index) => table.replace_at(index, entry),
            None => {
                table.insert_new(hash, entry, key_hash);
                None
            }
        };
        let old_volatile = old.as_ref().is_some_and(|e| e.expire().is_some());
        let delta_volatile = i64::from(new_volatile) - i64::from(old_volatile);
        table.add_volatile(delta_volatile);
        let shard_idx = self.ks.shard_of_slot(slot);
        if let Some(d) = self.shard_mut(shard_idx).and_then(|s| s.db_mut(db)) {
            if old.is_none() {
                d.keys += 1;
            }
            d.volatile = (d.volatile as i64 + delta_volatile) as usize;
        }
        Ok(old)
    }

    /// Removes a key, returning its entry (expired or not).
    pub fn remove(&mut self, db: usize, key: &[u8]) -> Result<Option<Entry>, AccessError> {
        let hash = self.ks.hash(key);
        let hasher = &self.ks.hasher;
        let Some(table) = self.slot_table(db, key, false)? else {
            return Ok(None);
        };
        let Some(removed) = table.remove(hash, key, |e| hasher.hash_one(e.key())) else {
            return Ok(None);
        };
        let volatile = removed.expire().is_some();
        if volatile {
            // A table emptied by the removal is freed, and its count with it.
            table.add_volatile(-1);
        }
        if let Some(d) = self.counts(db, key) {
            d.keys = d.keys.saturating_sub(1);
            if volatile {
                d.volatile = d.volatile.saturating_sub(1);
            }
        }
        Ok(Some(removed))
    }

    /// Sets or clears a key's expire. Returns false when the key does not exist.
    pub fn set_expire(
        &mut self,
        db: usize,
        key: &[u8],
        expire_ms: Option<i64>,
    ) -> Result<bool, AccessError> {
        let hash = self.ks.hash(key);
        let Some(table) = self.slot_table(db, key, false)? else {
            return Ok(false);
        };
        let Some(entry) = table.find_mut(hash, key) else {
            return Ok(false);
        };
        let was = entry.expire().is_some();
        entry.set_expire(expire_ms);
        let delta = i64::from(expire_ms.is_some()) - i64::from(was);
        table.add_volatile(delta);
        if let Some(d) = self.counts(db, key) {
            d.volatile = (d.volatile as i64 + delta) as usize;
        }
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_remove_across_shards() {
        let ks = Keyspace::new(16, 64);
        let keys: Vec<Vec<u8>> = (0..1000).map(|i| format!("key:{i}").into_bytes()).collect();
        let mut locked = ks.lock_all();
        for k in &keys {
            locked.set(0, k, NewValue::string(k), None, 0).expect("set");
        }
        drop(locked);
        assert_eq!(ks.dbsize(0), 1000);
        let mut locked = ks.lock_keys(keys.iter().map(Vec::as_slice).take(3));
        assert!(locked.get(0, &keys[0], 0).expect("locked").is_some());
        let held = locked.shard_indices();
        let outside = keys
            .iter()
            .find(|k| !held.contains(&ks.shard_of_key(k)))
            .expect("some key elsewhere");
        assert!(matches!(
            locked.get(0, outside, 0),
            Err(AccessError::NotLocked)
        ));
        assert!(locked.remove(0, &keys[1]).expect("locked").is_some());
        drop(locked);
        assert_eq!(ks.dbsize(0), 999);
    }

    #[test]
    fn lazy_expiry_and_volatile_counts() {
        let ks = Keyspace::new(2, 4);
        let mut l = ks.lock_key(b"a");
        l.set(1, b"a", NewValue::string(b"1"), Some(100), 0)
            .expect("set");
        drop(l);
        assert_eq!(ks.db_counts(1), (1, 1));
        let mut l = ks.lock_key(b"a");
        assert!(l.get(1, b"a", 99).expect("locked").is_some());
        assert!(l.get(1, b"a", 100).expect("locked").is_none());
        assert_eq!(l.effects.totals().1, 1);
        drop(l);
        assert_eq!(ks.db_counts(1), (0, 0));
    }
}
