//! SCAN over the slot tables.
//!
//! The cursor is `slot << 6 | part`: slot tables are visited in order, and a large
//! slot is split into parts by the top six bits of the key hash. Parts are ranges of
//! the hash space, not positions in the table, so a key present for the whole
//! iteration is returned at least once however the tables grow or shrink meanwhile.

#[cfg(test)]
use super::Keyspace;
use super::{Entry, Locked, SLOTS};

const PART_BITS: u32 = 6;
const PARTS: usize = 1 << PART_BITS;

/// One SCAN step's outcome.
#[derive(Debug, Default)]
pub struct ScanStep {
    /// Cursor for the next call; 0 when the iteration is complete.
    pub cursor: u64,
    /// Keys found in this step.
    pub keys: Vec<Vec<u8>>,
}

/// Runs one SCAN step over database `db` from `cursor`, returning about `count`
/// keys that pass `filter` (expired keys are skipped).
///
/// Shards are visited through `locked` ([`Locked::visit_shard`]): ones it holds
/// (a SCAN inside EXEC holds them all) are read directly, others are locked one
/// at a time.
pub fn scan(
    locked: &mut Locked<'_>,
    db: usize,
    cursor: u64,
    count: usize,
    now_ms: i64,
    filter: &mut dyn FnMut(&Entry) -> bool,
) -> ScanStep {
    let ks = locked.keyspace();
    let count = count.max(1);
    let mut slot = usize::try_from(cursor >> PART_BITS).unwrap_or(usize::MAX);
    let mut part = (cursor as usize) & (PARTS - 1);
    let mut out = ScanStep::default();
    let mut visited = 0usize;
    while slot < SLOTS {
        let shard_idx = ks.shard_of_slot(slot);
        // True once this step has collected enough.
        let finished = locked.visit_shard(shard_idx, |shard| {
            let first = shard.first_slot();
            let tables = shard.db(db).map(|d| d.slots());
            while slot < SLOTS && ks.shard_of_slot(slot) == shard_idx {
                let table = tables.and_then(|t| t.get(slot - first));
                let len = table.map_or(0, |t| t.len());
                visited += 1;
                if len > 0 {
                    let budget = count.saturating_sub(out.keys.len()).max(1);
                    let width = if len <= budget {
                        PARTS
                    } else {
                        (PARTS * budget / len).max(1).next_power_of_two().min(PARTS)
                    };
                    let end = (part + width).min(PARTS);
                    for e in table.into_iter().flat_map(|t| t.iter()) {
                        let p = (ks.hash(e.key()) >> (64 - PART_BITS)) as usize;
                        if p >= part && p < end && !e.is_expired(now_ms) && filter(e) {
                            out.keys.push(e.key().to_vec());
                        }
                    }
                    part = end;
                } else {
                    part = PARTS;
                }
                if part >= PARTS {
                    part = 0;
                    slot += 1;
                }
                if out.keys.len() >= count || visited >= count.saturating_mul(10).max(256) {
                    out.cursor = if slot >= SLOTS {
                        0
                    } else {
                        ((slot as u64) << PART_BITS) | part as u64
                    };
                    return true;
                }
            }
            false
        });
        match finished {
            None => break,
            Some(true) => return out,
            Some(false) => {}
        }
    }
    out.cursor = 0;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyspace::NewValue;
    use std::collections::HashSet;

    fn full_scan(ks: &Keyspace, count: usize) -> (HashSet<Vec<u8>>, usize) {
        let mut seen = HashSet::new();
        let mut cursor = 0;
        let mut calls = 0;
        loop {
            let step = scan(&mut ks.lock_none(), 0, cursor, count, 0, &mut |_| true);
            seen.extend(step.keys);
            calls += 1;
            cursor = step.cursor;
            if cursor == 0 {
                return (seen, calls);
            }
        }
    }

    #[test]
    fn covers_everything_including_one_huge_slot() {
        let ks = Keyspace::new(1, 16);
        let mut l = ks.lock_all();
        for i in 0..3000 {
            let k = format!("{{tag}}:{i}");
            l.set(0, k.as_bytes(), NewValue::string(b"v"), None, 0)
                .expect("set");
            let k = format!("spread:{i}");
            l.set(0, k.as_bytes(), NewValue::string(b"v"), None, 0)
                .expect("set");
        }
        drop(l);
        let (seen, calls) = full_scan(&ks, 10);
        assert_eq!(seen.len(), 6000);
        assert!(calls > 100, "small steps expected, got {calls} calls");
    }
}
