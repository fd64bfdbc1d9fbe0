//! The sorted-set type and its two encodings, converted at Redis 7.2's
//! thresholds:
//!
//! * `listpack` ([`ZPack`]): `(member, score)` pairs sorted by (score, member)
//!   in one exact-size allocation, while the set has at most
//!   `zset-max-listpack-entries` members of at most `zset-max-listpack-value`
//!   bytes. A score is stored as an integer when it is one (as Redis's
//!   `double2ll` decides, so `-0` becomes `0`), otherwise as a double. The
//!   layout is our own, tighter than the generic `Packed` sequence (see
//!   `zset_pack` for the measured reason).
//! * `skiplist` ([`BigZSet`]): members stored once in an arena with a compact
//!   hash index, ordered by a counted B+tree for O(log n) ranks and ranges. The
//!   name is Redis's; the structure is not a skiplist.
//!
//! A set only moves from listpack to skiplist as it grows (or ahead of a big
//! ZADD); the way back is for results stored by ZRANGESTORE, ZUNIONSTORE,
//! ZINTERSTORE and ZDIFFSTORE, which are built small when they fit
//! ([`ZSet::from_sorted`]), as in Redis.
//!
//! # API summary (for other families, e.g. GEO)
//!
//! Command-level helpers live in `commands::zset` (they take `&mut ctx.db`, so
//! a handler can keep the set while it writes to `ctx.out`):
//! * `zset::limits(ctx)` → [`ZSetLimits`] (read once per command);
//! * `zset::read_zset(&mut ctx.db, key)` → `Option<Cow<ZSet>>` for reading
//!   (WRONGTYPE for other types, counts hits/misses);
//! * `zset::write_zset(&mut ctx.db, key)` → `Option<&mut ZSet>` for writing;
//! * `zset::create_zset(&mut ctx.db, key, size_hint, first_member_len, &lim)` →
//!   `&mut ZSet`, the existing set or a new empty one stored under `key` (call
//!   [`ZSet::maybe_convert`] on an existing one before a batch of adds, delete
//!   the key if nothing was added, and record the change with
//!   `ctx.db.changed_n(key, "zadd", n)`: the effects record wakes blocked
//!   BZPOPMIN clients, WATCH and the dirty counter);
//! * `zset::store_zset(&mut ctx.db, key, zset, event, dirty)` stores a built
//!   set (replacing the value and its TTL, or deleting the key when the set is
//!   empty) and records the change;
//! * `zset::reply_scored(out, &items, withscores)` writes members with scores
//!   as Redis does in RESP2 and RESP3.
//!
//! On a [`ZSet`]:
//! * add / update: [`ZSet::insert`]`(member, score, &lim)` (true when added),
//!   or [`ZSet::add`] with ZADD's NX/XX/GT/LT/INCR flags, or [`ZSet::add_all`]
//!   for a batch; a new set: [`ZSet::create`]`(size_hint, first_len, &lim)`;
//! * score of a member: [`ZSet::score`]; rank: [`ZSet::rank`];
//! * remove: [`ZSet::remove`]; length: [`ZSet::len`];
//! * ordered walk: [`ZSet::iter`] (ascending), [`ZSet::range_by_rank`],
//!   [`ZSet::range_by_score`] with a [`ScoreRange`] (offset/limit, reverse),
//!   [`ZSet::count_by_score`]; members come as [`Item`]s (always
//!   `Item::Str` for sorted sets; `reply_item` writes one).

use std::sync::atomic::Ordering::Relaxed;

use super::dense::random_index;
use super::packed::Item;
use super::zset_big::BigZSet;
use super::zset_pack::{PairIter, ZPack};
pub use super::zset_range::{LexRange, ScoreRange};
use super::zset_tree::Probe;
use crate::settings::EncodingLimits;

/// Redis's listpack safety size limit.
pub const LISTPACK_MAX_SAFETY_SIZE: usize = 1 << 30;

/// The sorted-set thresholds, read once per command.
#[derive(Debug, Clone, Copy)]
pub struct ZSetLimits {
    /// `zset-max-listpack-entries`.
    pub entries: usize,
    /// `zset-max-listpack-value`.
    pub value: usize,
}

impl ZSetLimits {
    /// The current thresholds.
    pub fn load(enc: &EncodingLimits) -> ZSetLimits {
        let get = |a: &std::sync::atomic::AtomicU64| {
            usize::try_from(a.load(Relaxed)).unwrap_or(usize::MAX)
        };
        ZSetLimits {
            entries: get(&enc.zset_max_listpack_entries),
            value: get(&enc.zset_max_listpack_value),
        }
    }
}

impl Default for ZSetLimits {
    fn default() -> Self {
        ZSetLimits {
            entries: 128,
            value: 64,
        }
    }
}

/// ZADD's options.
#[derive(Debug, Clone, Copy, Default)]
pub struct AddFlags {
    /// Only add new members.
    pub nx: bool,
    /// Only update existing members.
    pub xx: bool,
    /// Only update when the new score is greater.
    pub gt: bool,
    /// Only update when the new score is less.
    pub lt: bool,
    /// Add the score to the current one (0 for a new member).
    pub incr: bool,
}

/// What [`ZSet::add`] did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AddOutcome {
    /// A new member, with its score.
    Added(f64),
    /// An existing member got a new score.
    Updated(f64),
    /// An existing member kept its score (same score, or a zero increment).
    Unchanged(f64),
    /// Nothing done because of NX, XX, GT or LT.
    Skipped,
}

/// [`ZSet::add`] found or produced a NaN score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NanScore;

#[derive(Clone)]
enum Repr {
    Packed(ZPack),
    Big(Box<BigZSet>),
}

/// A sorted-set value.
///
/// Keep this type at most 24 bytes: it is stored inline in [`super::Object`], whose
/// size every heap value pays.
#[derive(Clone)]
pub struct ZSet {
    repr: Repr,
}

const _: () = assert!(std::mem::size_of::<ZSet>() <= 24);

impl std::fmt::Debug for ZSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZSet")
            .field("encoding", &self.encoding_name())
            .field("len", &self.len())
            .finish()
    }
}

impl Default for ZSet {
    fn default() -> Self {
        ZSet::new()
    }
}

/// A member with its score, borrowed from a set.
pub type Scored<'a> = (Item<'a>, f64);

/// Every pair of a listpack, in order.
fn pair_vec(p: &ZPack) -> Vec<Scored<'_>> {
    p.iter().map(|(_, m, s)| (Item::Str(m), s)).collect()
}

/// Inserts an owned pair into a sorted vector of pairs.
fn sorted_insert(v: &mut Vec<(Vec<u8>, f64)>, member: Vec<u8>, score: f64) {
    let at = v.partition_point(|(m, s)| *s < score || (*s == score && *m < member));
    v.insert(at, (member, score));
}

/// Index of the first pair in the range, following Redis's `zzlFirstInRange` /
/// `zzlFirstInLexRange` (a linear scan from the head).
fn first_in(
    v: &[Scored<'_>],
    empty: bool,
    gte: &dyn Fn(&Scored<'_>) -> bool,
    lte: &dyn Fn(&Scored<'_>) -> bool,
) -> Option<usize> {
    if empty || !gte(v.last()?) || !lte(v.first()?) {
        return None;
    }
    let i = v.iter().position(gte)?;
    lte(&v[i]).then_some(i)
}

/// Index of the last pair in the range (Redis's `zzlLastInRange`).
fn last_in(
    v: &[Scored<'_>],
    empty: bool,
    gte: &dyn Fn(&Scored<'_>) -> bool,
    lte: &dyn Fn(&Scored<'_>) -> bool,
) -> Option<usize> {
    if empty || !gte(v.last()?) || !lte(v.first()?) {
        return None;
    }
    let i = v.iter().rposition(lte)?;
    gte(&v[i]).then_some(i)
}

/// The listpack range walk of ZRANGEBYSCORE / ZRANGEBYLEX: from the first (or
/// last) pair in range, skip `offset` pairs unchecked, then take up to `limit`
/// (negative: no limit) while in range.
fn packed_range<'a>(
    v: &[Scored<'a>],
    empty: bool,
    gte: &dyn Fn(&Scored<'_>) -> bool,
    lte: &dyn Fn(&Scored<'_>) -> bool,
    reverse: bool,
    offset: i64,
    limit: i64,
) -> Vec<Scored<'a>> {
    let mut out = Vec::new();
    if offset < 0 {
        return out;
    }
    let start = if reverse {
        last_in(v, empty, gte, lte)
    } else {
        first_in(v, empty, gte, lte)
    };
    let Some(start) = start else { return out };
    let offset = usize::try_from(offset).unwrap_or(usize::MAX);
    let mut left = limit;
    if reverse {
        let Some(first) = start.checked_sub(offset) else {
            return out;
        };
        for e in v[..=first].iter().rev() {
            if left == 0 || !gte(e) {
                break;
            }
            out.push(*e);
            left -= 1;
        }
    } else {
        let Some(rest) = v.get(start.saturating_add(offset)..) else {
            return out;
        };
        for e in rest {
            if left == 0 || !lte(e) {
                break;
            }
            out.push(*e);
            left -= 1;
        }
    }
    out
}

/// The ranks `lo..hi` a range covers in a big set, given the probes of its ends.
fn big_span(z: &BigZSet, lo: &Probe<'_>, hi: &Probe<'_>) -> (usize, usize) {
    let lo = z.count_before(lo);
    let hi = z.count_before(hi);
    (lo, hi.max(lo))
}

fn score_probes(r: &ScoreRange) -> (Probe<'static>, Probe<'static>) {
    (Probe::Score(r.min, r.minex), Probe::Score(r.max, !r.maxex))
}

fn lex_probes<'a>(r: &LexRange<'a>) -> (Probe<'a>, Probe<'a>) {
    (Probe::Lex(r.min, r.minex), Probe::Lex(r.max, !r.maxex))
}

/// The big-set walk over the ranks `lo..hi` with offset, limit and direction.
fn big_range(
    z: &BigZSet,
    (lo, hi): (usize, usize),
    reverse: bool,
    offset: i64,
    limit: i64,
) -> Vec<Scored<'_>> {
    let Ok(offset) = usize::try_from(offset) else {
        return Vec::new();
    };
    let avail = (hi - lo).saturating_sub(offset);
    let n = match usize::try_from(limit) {
        Ok(l) => l.min(avail),
        Err(_) => avail,
    };
    if n == 0 {
        return Vec::new();
    }
    let start = if reverse {
        hi - 1 - offset
    } else {
        lo + offset
    };
    z.iter_from(start, reverse)
        .take(n)
        .map(|(m, s)| (Item::Str(m), s))
        .collect()
}

impl ZSet {
    /// An empty listpack-encoded set.
    pub fn new() -> ZSet {
        ZSet {
            repr: Repr::Packed(ZPack::new()),
        }
    }

    /// The set a new key starts with, given about how many members are coming
    /// and the length of the first one (Redis's `zsetTypeCreate`).
    pub fn create(size_hint: usize, val_len_hint: usize, lim: &ZSetLimits) -> ZSet {
        if size_hint <= lim.entries && val_len_hint <= lim.value {
            ZSet::new()
        } else {
            ZSet {
                repr: Repr::Big(Box::new(BigZSet::with_capacity(size_hint))),
            }
        }
    }

    /// Converts a listpack to a skiplist ahead of adding about `size_hint`
    /// members that could not fit (Redis's `zsetTypeMaybeConvert`).
    pub fn maybe_convert(&mut self, size_hint: usize, lim: &ZSetLimits) {
        if self.is_listpack() && size_hint > lim.entries {
            self.convert_to_big(size_hint);
        }
    }

    /// Builds a set from distinct members sorted by (score, member): a listpack
    /// when everything fits (and `size_hint`, the size announced before the
    /// members were known, does too), else a skiplist.
    pub fn from_sorted(items: Vec<(Vec<u8>, f64)>, size_hint: usize, lim: &ZSetLimits) -> ZSet {
        let maxlen = items.iter().map(|(m, _)| m.len()).max().unwrap_or(0);
        let total: usize = items.iter().map(|(m, _)| m.len()).sum();
        if items.len() <= lim.entries
            && size_hint <= lim.entries
            && maxlen <= lim.value
            && total <= LISTPACK_MAX_SAFETY_SIZE
        {
            let p = ZPack::from_sorted(items.iter().map(|(m, s)| (m.as_slice(), *s)));
            return ZSet {
                repr: Repr::Packed(p),
            };
        }
        let n = items.len();
        let items = items.into_iter().map(|(m, s)| (s, m)).collect();
        ZSet {
            repr: Repr::Big(Box::new(BigZSet::from_sorted_with_capacity(
                items,
                size_hint.max(n),
            ))),
        }
    }

    /// Converts a listpack to the skiplist encoding for good (SORT does this to
    /// the sorted sets it reads, as Redis's `zsetConvert` there).
    pub fn convert_to_skiplist(&mut self) {
        let n = self.len();
        self.convert_to_big(n);
    }

    fn convert_to_big(&mut self, capacity: usize) {
        if let Repr::Packed(p) = &self.repr {
            let items: Vec<(f64, Vec<u8>)> = p.iter().map(|(_, m, s)| (s, m.to_vec())).collect();
            self.repr = Repr::Big(Box::new(BigZSet::from_sorted_with_capacity(
                items, capacity,
            )));
        }
    }

    /// The packed pairs, when the set has the `listpack` encoding.
    pub fn as_pack(&self) -> Option<&ZPack> {
        match &self.repr {
            Repr::Packed(z) => Some(z),
            Repr::Big(_) => None,
        }
    }

    /// A `listpack`-encoded sorted set over `z`.
    pub fn from_pack(z: ZPack) -> ZSet {
        ZSet {
            repr: Repr::Packed(z),
        }
    }

    /// The name reported by `OBJECT ENCODING`.
    pub fn encoding_name(&self) -> &'static str {
        match self.repr {
            Repr::Packed(_) => "listpack",
            Repr::Big(_) => "skiplist",
        }
    }

    /// True for the listpack encoding.
    pub fn is_listpack(&self) -> bool {
        matches!(self.repr, Repr::Packed(_))
    }

    /// Approximate heap bytes, for `MEMORY USAGE`.
    pub fn memory_usage(&self) -> usize {
        match &self.repr {
            Repr::Packed(p) => p.byte_len(),
            Repr::Big(z) => std::mem::size_of::<BigZSet>() + z.memory_usage(),
        }
    }

    /// Number of members.
    #[inline]
    pub fn len(&self) -> usize {
        match &self.repr {
            Repr::Packed(p) => p.len(),
            Repr::Big(z) => z.len(),
        }
    }

    /// True when there are no members.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The score of a member.
    pub fn score(&self, member: &[u8]) -> Option<f64> {
        match &self.repr {
            Repr::Packed(p) => p.find(member).map(|(_, s)| s),
            Repr::Big(z) => z.score(member),
        }
    }

    /// Applies ZADD's `(score, member)` pairs in order, as [`add`](Self::add)
    /// one by one would, and returns the outcome of each. A listpack is
    /// rewritten once for the whole batch rather than once per member (fewer
    /// allocations, less fragmentation); it converts to a skiplist at the pair
    /// that would not fit, as one-by-one adds would.
    pub fn add_all(
        &mut self,
        pairs: &[(f64, &[u8])],
        flags: AddFlags,
        lim: &ZSetLimits,
    ) -> Result<Vec<AddOutcome>, NanScore> {
        let mut out = Vec::with_capacity(pairs.len());
        let mut rest = pairs;
        if let (Repr::Packed(p), true) = (&self.repr, pairs.len() > 1 && !flags.incr) {
            let mut model: Vec<(Vec<u8>, f64)> =
                p.iter().map(|(_, m, s)| (m.to_vec(), s)).collect();
            let mut bytes = p.byte_len();
            let mut converted = false;
            for (i, &(score, member)) in pairs.iter().enumerate() {
                if score.is_nan() {
                    return Err(NanScore);
                }
                // What the listpack would store: `-0` is kept as the integer 0.
                let kept = if score == 0.0 { 0.0 } else { score };
                let found = model.iter().position(|(m, _)| m.as_slice() == member);
                let outcome = match found {
                    Some(_) if flags.nx => AddOutcome::Skipped,
                    Some(at) => {
                        let cur = model[at].1;
                        if (flags.lt && score >= cur) || (flags.gt && score <= cur) {
                            AddOutcome::Skipped
                        } else if score == cur {
                            AddOutcome::Unchanged(score)
                        } else {
                            let (m, _) = model.remove(at);
                            sorted_insert(&mut model, m, kept);
                            AddOutcome::Updated(score)
                        }
                    }
                    None if flags.xx => AddOutcome::Skipped,
                    None => {
                        if model.len() + 1 > lim.entries
                            || member.len() > lim.value
                            || bytes + member.len() > LISTPACK_MAX_SAFETY_SIZE
                        {
                            // Convert here and let the skiplist take the rest.
                            let n = model.len() + 1;
                            let items = model.drain(..).map(|(m, s)| (s, m)).collect();
                            self.repr =
                                Repr::Big(Box::new(BigZSet::from_sorted_with_capacity(items, n)));
                            rest = &pairs[i..];
                            converted = true;
                            break;
                        }
                        bytes += member.len() + 10;
                        sorted_insert(&mut model, member.to_vec(), kept);
                        AddOutcome::Added(score)
                    }
                };
                out.push(outcome);
            }
            if !converted {
                let p = ZPack::from_sorted(model.iter().map(|(m, s)| (m.as_slice(), *s)));
                self.repr = Repr::Packed(p);
                return Ok(out);
            }
        }
        for &(score, member) in rest {
            out.push(self.add(score, member, flags, lim)?);
        }
        Ok(out)
    }

    /// Adds a member or updates its score, with ZADD's flags (Redis's
    /// `zsetAdd`). A NaN score, given or produced by INCR, changes nothing.
    pub fn add(
        &mut self,
        score: f64,
        member: &[u8],
        flags: AddFlags,
        lim: &ZSetLimits,
    ) -> Result<AddOutcome, NanScore> {
        if score.is_nan() {
            return Err(NanScore);
        }
        match self.score(member) {
            Some(cur) => {
                if flags.nx {
                    return Ok(AddOutcome::Skipped);
                }
                let mut s = score;
                if flags.incr {
                    s += cur;
                    if s.is_nan() {
                        return Err(NanScore);
                    }
                }
                if (flags.lt && s >= cur) || (flags.gt && s <= cur) {
                    return Ok(AddOutcome::Skipped);
                }
                if s == cur {
                    return Ok(AddOutcome::Unchanged(s));
                }
                self.set_score(member, s);
                Ok(AddOutcome::Updated(s))
            }
            None => {
                if flags.xx {
                    return Ok(AddOutcome::Skipped);
                }
                self.insert_new(member, score, lim);
                Ok(AddOutcome::Added(score))
            }
        }
    }

    /// Adds a member with a score, or sets the score of an existing one; true
    /// when the member is new.
    pub fn insert(&mut self, member: &[u8], score: f64, lim: &ZSetLimits) -> bool {
        matches!(
            self.add(score, member, AddFlags::default(), lim),
            Ok(AddOutcome::Added(_))
        )
    }

    /// Inserts a member known to be absent, converting first when it would not
    /// fit the listpack.
    fn insert_new(&mut self, member: &[u8], score: f64, lim: &ZSetLimits) {
        if let Repr::Packed(p) = &self.repr {
            let n = p.len();
            if n + 1 > lim.entries
                || member.len() > lim.value
                || p.byte_len() + member.len() > LISTPACK_MAX_SAFETY_SIZE
            {
                self.convert_to_big(n + 1);
            }
        }
        match &mut self.repr {
            Repr::Packed(p) => p.insert(member, score),
            Repr::Big(z) => z.insert_new(score, member),
        }
    }

    /// Changes the score of a present member.
    fn set_score(&mut self, member: &[u8], score: f64) {
        match &mut self.repr {
            Repr::Packed(p) => {
                if let Some((pos, _)) = p.find(member) {
                    p.remove_at(pos, 1);
                    p.insert(member, score);
                }
            }
            Repr::Big(z) => z.update(member, score),
        }
    }

    /// Removes a member; false when it was not there.
    pub fn remove(&mut self, member: &[u8]) -> bool {
        match &mut self.repr {
            Repr::Packed(p) => match p.find(member) {
                Some((pos, _)) => p.remove_at(pos, 1) == 1,
                None => false,
            },
            Repr::Big(z) => z.remove(member).is_some(),
        }
    }

    /// The 0-based rank of a member (from the highest score when `reverse`) and
    /// its score.
    pub fn rank(&self, member: &[u8], reverse: bool) -> Option<(usize, f64)> {
        let (rank, score) = match &self.repr {
            Repr::Packed(p) => p
                .iter()
                .enumerate()
                .find(|(_, (_, m, _))| *m == member)
                .map(|(i, (_, _, s))| (i, s))?,
            Repr::Big(z) => z.rank(member)?,
        };
        let rank = if reverse { self.len() - 1 - rank } else { rank };
        Some((rank, score))
    }

    /// Every member with its score, by ascending (score, member).
    pub fn iter(&self) -> ZIter<'_> {
        match &self.repr {
            Repr::Packed(p) => ZIter(IterRepr::Packed(p.iter())),
            Repr::Big(z) => ZIter(IterRepr::Big(z.iter())),
        }
    }

    /// The members of ranks `start..=end` (clamped by the caller), in ascending
    /// order, or counted from the highest score in descending order when
    /// `reverse`.
    pub fn range_by_rank(&self, start: usize, end: usize, reverse: bool) -> Vec<Scored<'_>> {
        let len = self.len();
        if start > end || start >= len {
            return Vec::new();
        }
        let end = end.min(len - 1);
        let n = end - start + 1;
        match &self.repr {
            Repr::Packed(p) => {
                let v = pair_vec(p);
                if reverse {
                    v[len - 1 - end..len - start]
                        .iter()
                        .rev()
                        .copied()
                        .collect()
                } else {
                    v[start..=end].to_vec()
                }
            }
            Repr::Big(z) => {
                let first = if reverse { len - 1 - start } else { start };
                z.iter_from(first, reverse)
                    .take(n)
                    .map(|(m, s)| (Item::Str(m), s))
                    .collect()
            }
        }
    }

    /// The members whose score is in `r`, skipping `offset` of them and taking at
    /// most `limit` (negative: all), from the highest score when `reverse`. A
    /// negative offset gives nothing (as Redis 7.2).
    pub fn range_by_score(
        &self,
        r: &ScoreRange,
        reverse: bool,
        offset: i64,
        limit: i64,
    ) -> Vec<Scored<'_>> {
        match &self.repr {
            Repr::Packed(p) => {
                let v = pair_vec(p);
                let gte = |e: &Scored<'_>| r.gte_min(e.1);
                let lte = |e: &Scored<'_>| r.lte_max(e.1);
                packed_range(&v, r.is_empty(), &gte, &lte, reverse, offset, limit)
            }
            Repr::Big(z) => {
                if r.is_empty() {
                    return Vec::new();
                }
                let (lo, hi) = score_probes(r);
                big_range(z, big_span(z, &lo, &hi), reverse, offset, limit)
            }
        }
    }

    /// [`range_by_score`](Self::range_by_score) for a lexicographic range. As
    /// in Redis, the answer is only meaningful when every member has the same
    /// score; a listpack then follows Redis's scan exactly, a skiplist answers
    /// by rank.
    pub fn range_by_lex(
        &self,
        r: &LexRange<'_>,
        reverse: bool,
        offset: i64,
        limit: i64,
    ) -> Vec<Scored<'_>> {
        match &self.repr {
            Repr::Packed(p) => {
                let v = pair_vec(p);
                let gte = |e: &Scored<'_>| r.gte_min(&e.0.to_bytes());
                let lte = |e: &Scored<'_>| r.lte_max(&e.0.to_bytes());
                packed_range(&v, r.is_empty(), &gte, &lte, reverse, offset, limit)
            }
            Repr::Big(z) => {
                if r.is_empty() {
                    return Vec::new();
                }
                let (lo, hi) = lex_probes(r);
                big_range(z, big_span(z, &lo, &hi), reverse, offset, limit)
            }
        }
    }

    /// The number of members whose score is in `r`.
    pub fn count_by_score(&self, r: &ScoreRange) -> usize {
        match &self.repr {
            Repr::Packed(_) => self.range_by_score(r, false, 0, -1).len(),
            Repr::Big(z) => {
                if r.is_empty() {
                    return 0;
                }
                let (lo, hi) = score_probes(r);
                let (lo, hi) = big_span(z, &lo, &hi);
                hi - lo
            }
        }
    }

    /// The number of members in a lexicographic range.
    pub fn count_by_lex(&self, r: &LexRange<'_>) -> usize {
        match &self.repr {
            Repr::Packed(_) => self.range_by_lex(r, false, 0, -1).len(),
            Repr::Big(z) => {
                if r.is_empty() {
                    return 0;
                }
                let (lo, hi) = lex_probes(r);
                let (lo, hi) = big_span(z, &lo, &hi);
                hi - lo
            }
        }
    }

    /// Removes the members of ranks `start..=end` (clamped by the caller);
    /// returns how many were removed.
    pub fn remove_range_by_rank(&mut self, start: usize, end: usize) -> usize {
        let len = self.len();
        if start > end || start >= len {
            return 0;
        }
        let end = end.min(len - 1);
        match &mut self.repr {
            Repr::Packed(p) => p.remove_range(start, end + 1),
            Repr::Big(z) => z.remove_rank_range(start, end),
        }
    }

    /// Removes the members whose score is in `r`.
    pub fn remove_range_by_score(&mut self, r: &ScoreRange) -> usize {
        match &mut self.repr {
            Repr::Packed(p) => {
                let v = pair_vec(p);
                let gte = |e: &Scored<'_>| r.gte_min(e.1);
                let lte = |e: &Scored<'_>| r.lte_max(e.1);
                let Some(first) = first_in(&v, r.is_empty(), &gte, &lte) else {
                    return 0;
                };
                let n = v[first..].iter().take_while(|e| lte(e)).count();
                drop(v);
                p.remove_range(first, first + n)
            }
            Repr::Big(z) => {
                if r.is_empty() {
                    return 0;
                }
                let (lo, hi) = score_probes(r);
                let (lo, hi) = big_span(z, &lo, &hi);
                if hi == lo {
                    return 0;
                }
                z.remove_rank_range(lo, hi - 1)
            }
        }
    }

    /// Removes the members in a lexicographic range.
    pub fn remove_range_by_lex(&mut self, r: &LexRange<'_>) -> usize {
        match &mut self.repr {
            Repr::Packed(p) => {
                let v = pair_vec(p);
                let gte = |e: &Scored<'_>| r.gte_min(&e.0.to_bytes());
                let lte = |e: &Scored<'_>| r.lte_max(&e.0.to_bytes());
                let Some(first) = first_in(&v, r.is_empty(), &gte, &lte) else {
                    return 0;
                };
                let n = v[first..].iter().take_while(|e| lte(e)).count();
                drop(v);
                p.remove_range(first, first + n)
            }
            Repr::Big(z) => {
                if r.is_empty() {
                    return 0;
                }
                let (lo, hi) = lex_probes(r);
                let (lo, hi) = big_span(z, &lo, &hi);
                if hi == lo {
                    return 0;
                }
                z.remove_rank_range(lo, hi - 1)
            }
        }
    }

    /// Removes and returns the member with the lowest score (highest when `max`).
    pub fn pop(&mut self, max: bool) -> Option<(Vec<u8>, f64)> {
        match &mut self.repr {
            Repr::Packed(p) => {
                let index = if max { p.len().checked_sub(1)? } else { 0 };
                let pos = p.pos_of_index(index)?;
                let (m, s, _) = p.at(pos)?;
                let out = (m.to_vec(), s);
                p.remove_at(pos, 1);
                Some(out)
            }
            Repr::Big(z) => z.pop(max),
        }
    }

    /// The member of ascending rank `rank`.
    pub fn at_rank(&self, rank: usize) -> Option<Scored<'_>> {
        match &self.repr {
            Repr::Packed(p) => p.iter().nth(rank).map(|(_, m, s)| (Item::Str(m), s)),
            Repr::Big(z) => z.at_rank(rank).map(|(m, s)| (Item::Str(m), s)),
        }
    }

    /// A random member.
    pub fn random(&self) -> Option<Scored<'_>> {
        if self.is_empty() {
            return None;
        }
        self.at_rank(random_index(self.len()))
    }

    /// The members at the given ascending ranks, in the order asked.
    pub fn select(&self, ranks: &[usize]) -> Vec<Scored<'_>> {
        match &self.repr {
            Repr::Packed(p) => {
                let v = pair_vec(p);
                ranks.iter().filter_map(|&r| v.get(r).copied()).collect()
            }
            Repr::Big(z) => ranks
                .iter()
                .filter_map(|&r| z.at_rank(r).map(|(m, s)| (Item::Str(m), s)))
                .collect(),
        }
    }

    /// One ZSCAN step: the members visited and the next cursor (0 when done). A
    /// listpack is returned whole in one step.
    pub fn scan(&self, cursor: u64, count: usize) -> (Vec<Scored<'_>>, u64) {
        match &self.repr {
            Repr::Packed(p) => (pair_vec(p), 0),
            Repr::Big(z) => {
                let mut out = Vec::new();
                let next = z.scan(cursor, count, |(m, s)| out.push((Item::Str(m), s)));
                (out, next)
            }
        }
    }
}

/// A walk over a [`ZSet`] by ascending (score, member).
pub struct ZIter<'a>(IterRepr<'a>);

enum IterRepr<'a> {
    Packed(PairIter<'a>),
    Big(super::zset_big::BigIter<'a>),
}

impl<'a> Iterator for ZIter<'a> {
    type Item = Scored<'a>;

    #[inline]
    fn next(&mut self) -> Option<Scored<'a>> {
        match &mut self.0 {
            IterRepr::Packed(it) => it.next().map(|(_, m, s)| (Item::Str(m), s)),
            IterRepr::Big(it) => it.next().map(|(m, s)| (Item::Str(m), s)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(z: &ZSet) -> Vec<(Vec<u8>, f64)> {
        z.iter()
            .map(|(m, s)| (m.to_bytes().into_owned(), s))
            .collect()
    }

    fn small() -> ZSetLimits {
        ZSetLimits {
            entries: 4,
            value: 8,
        }
    }

    #[test]
    fn add_orders_and_converts_at_the_thresholds() {
        let lim = small();
        let mut z = ZSet::create(1, 1, &lim);
        assert!(z.insert(b"b", 2.0, &lim));
        assert!(z.insert(b"a", 2.0, &lim));
        assert!(z.insert(b"10", 1.5, &lim));
        assert!(!z.insert(b"a", -1.0, &lim));
        assert_eq!(z.encoding_name(), "listpack");
        assert_eq!(
            members(&z),
            vec![
                (b"a".to_vec(), -1.0),
                (b"10".to_vec(), 1.5),
                (b"b".to_vec(), 2.0)
            ]
        );
        assert_eq!(z.rank(b"b", false), Some((2, 2.0)));
        assert_eq!(z.rank(b"b", true), Some((0, 2.0)));
        assert!(z.insert(b"c", 3.0, &lim));
        assert_eq!(z.encoding_name(), "listpack");
        assert!(z.insert(b"d", 0.0, &lim));
        assert_eq!(z.encoding_name(), "skiplist");
        assert_eq!(z.len(), 5);
        assert_eq!(z.rank(b"d", false), Some((1, 0.0)));
        let mut long = ZSet::create(1, 1, &lim);
        long.insert(b"123456789", 1.0, &lim);
        assert_eq!(long.encoding_name(), "skiplist");
    }

    #[test]
    fn flags_follow_zadd() {
        let lim = ZSetLimits::default();
        let mut z = ZSet::new();
        let f = |nx, xx, gt, lt, incr| AddFlags {
            nx,
            xx,
            gt,
            lt,
            incr,
        };
        let plain = f(false, false, false, false, false);
        assert_eq!(z.add(1.0, b"a", plain, &lim), Ok(AddOutcome::Added(1.0)));
        assert_eq!(
            z.add(5.0, b"a", f(true, false, false, false, false), &lim),
            Ok(AddOutcome::Skipped)
        );
        assert_eq!(
            z.add(5.0, b"b", f(false, true, false, false, false), &lim),
            Ok(AddOutcome::Skipped)
        );
        assert_eq!(
            z.add(0.5, b"a", f(false, false, true, false, false), &lim),
            Ok(AddOutcome::Skipped)
        );
        assert_eq!(
            z.add(2.0, b"a", f(false, false, false, false, true), &lim),
            Ok(AddOutcome::Updated(3.0))
        );
        assert_eq!(
            z.add(0.0, b"a", f(false, false, false, false, true), &lim),
            Ok(AddOutcome::Unchanged(3.0))
        );
        z.insert(b"inf", f64::INFINITY, &lim);
        assert_eq!(
            z.add(
                f64::NEG_INFINITY,
                b"inf",
                f(false, false, false, false, true),
                &lim
            ),
            Err(NanScore)
        );
        assert_eq!(z.add(f64::NAN, b"x", plain, &lim), Err(NanScore));
    }

    fn build(big: bool, items: &[(&str, f64)]) -> ZSet {
        let lim = if big {
            ZSetLimits {
                entries: 0,
                value: 0,
            }
        } else {
            ZSetLimits::default()
        };
        let mut z = ZSet::create(items.len(), 0, &lim);
        for (m, s) in items {
            z.insert(m.as_bytes(), *s, &lim);
        }
        assert_eq!(z.is_listpack(), !big);
        z
    }

    fn names(v: Vec<Scored<'_>>) -> Vec<String> {
        v.into_iter()
            .map(|(m, _)| String::from_utf8_lossy(&m.to_bytes()).into_owned())
            .collect()
    }

    #[test]
    fn ranges_agree_between_encodings() {
        let items: Vec<(String, f64)> = (0..40)
            .map(|i| (format!("m{i:02}"), f64::from(i / 3)))
            .collect();
        let items: Vec<(&str, f64)> = items.iter().map(|(m, s)| (m.as_str(), *s)).collect();
        let small = build(false, &items);
        let big = build(true, &items);
        let ranges = [
            ScoreRange::closed(2.0, 5.0),
            ScoreRange::parse(b"(2", b"(5").expect("r"),
            ScoreRange::parse(b"-inf", b"+inf").expect("r"),
            ScoreRange::parse(b"5", b"2").expect("r"),
            ScoreRange::parse(b"100", b"200").expect("r"),
        ];
        for r in &ranges {
            for rev in [false, true] {
                for (off, lim) in [(0, -1), (1, 2), (5, 0), (-1, 3), (30, 100)] {
                    assert_eq!(
                        names(small.range_by_score(r, rev, off, lim)),
                        names(big.range_by_score(r, rev, off, lim)),
                        "{r:?} {rev} {off} {lim}"
                    );
                }
            }
            assert_eq!(small.count_by_score(r), big.count_by_score(r));
        }
        let same: Vec<(&str, f64)> = items.iter().map(|(m, _)| (*m, 0.0)).collect();
        let small = build(false, &same);
        let big = build(true, &same);
        for (a, b) in [
            ("[m05", "(m10"),
            ("-", "+"),
            ("(m05", "[m05"),
            ("[m39", "+"),
            ("+", "-"),
        ] {
            let r = LexRange::parse(a.as_bytes(), b.as_bytes()).expect("lex");
            for rev in [false, true] {
                assert_eq!(
                    names(small.range_by_lex(&r, rev, 1, 3)),
                    names(big.range_by_lex(&r, rev, 1, 3)),
                    "{a} {b} {rev}"
                );
            }
            assert_eq!(small.count_by_lex(&r), big.count_by_lex(&r));
        }
        for rev in [false, true] {
            assert_eq!(
                names(small.range_by_rank(3, 7, rev)),
                names(big.range_by_rank(3, 7, rev))
            );
        }
    }

    #[test]
    fn removals_and_pops() {
        for big in [false, true] {
            let items: Vec<(String, f64)> = (0..20)
                .map(|i| (format!("k{i:02}"), f64::from(i)))
                .collect();
            let items: Vec<(&str, f64)> = items.iter().map(|(m, s)| (m.as_str(), *s)).collect();
            let mut z = build(big, &items);
            assert_eq!(z.remove_range_by_rank(0, 1), 2);
            assert_eq!(
                z.remove_range_by_score(&ScoreRange::parse(b"(5", b"7").expect("r")),
                2
            );
            assert_eq!(
                z.remove_range_by_lex(&LexRange::parse(b"[k10", b"(k12").expect("r")),
                2
            );
            assert_eq!(z.pop(false), Some((b"k02".to_vec(), 2.0)));
            assert_eq!(z.pop(true), Some((b"k19".to_vec(), 19.0)));
            assert!(z.remove(b"k03"));
            assert!(!z.remove(b"k03"));
            assert_eq!(z.len(), 11);
            assert_eq!(
                z.at_rank(0).map(|(m, _)| m.to_bytes().into_owned()),
                Some(b"k04".to_vec())
            );
            let (all, cursor) = z.scan(0, 100);
            if !big {
                assert_eq!(cursor, 0);
            }
            assert!(all.len() <= 11);
        }
    }

    #[test]
    fn negative_zero_and_integer_scores_in_listpacks() {
        let lim = ZSetLimits::default();
        let mut z = ZSet::new();
        z.insert(b"a", -0.0, &lim);
        assert!(z
            .score(b"a")
            .is_some_and(|s| s == 0.0 && s.is_sign_positive()));
        z.insert(b"b", 1e300, &lim);
        z.insert(b"c", 0.25, &lim);
        assert_eq!(z.score(b"b"), Some(1e300));
        assert_eq!(z.score(b"c"), Some(0.25));
        let built = ZSet::from_sorted(vec![(b"x".to_vec(), 1.0)], 0, &lim);
        assert!(built.is_listpack());
        let built = ZSet::from_sorted(vec![(b"x".to_vec(), 1.0)], 200, &lim);
        assert!(!built.is_listpack());
    }

    #[test]
    fn batches_match_one_by_one_adds() {
        use rand::rngs::SmallRng;
        use rand::{Rng, SeedableRng};
        let mut rng = SmallRng::seed_from_u64(11);
        let lim = ZSetLimits {
            entries: 6,
            value: 3,
        };
        let names: Vec<Vec<u8>> = ["a", "b", "c", "dd", "e", "f", "g", "hhhh", "i"]
            .iter()
            .map(|n| n.as_bytes().to_vec())
            .collect();
        for _ in 0..2000 {
            let mut one = ZSet::new();
            for _ in 0..rng.gen_range(0..5) {
                let m = &names[rng.gen_range(0..3)];
                one.insert(m, f64::from(rng.gen_range(0..4)), &lim);
            }
            let mut batch = one.clone();
            let flags = AddFlags {
                nx: rng.gen_bool(0.2),
                xx: rng.gen_bool(0.2),
                gt: rng.gen_bool(0.2),
                lt: false,
                incr: false,
            };
            let pairs: Vec<(f64, &[u8])> = (0..rng.gen_range(2..9))
                .map(|_| {
                    (
                        f64::from(rng.gen_range(0..4)),
                        names[rng.gen_range(0..names.len())].as_slice(),
                    )
                })
                .collect();
            let expected: Vec<AddOutcome> = pairs
                .iter()
                .map(|&(s, m)| one.add(s, m, flags, &lim).expect("add"))
                .collect();
            assert_eq!(batch.add_all(&pairs, flags, &lim), Ok(expected));
            assert_eq!(members(&batch), members(&one));
            assert_eq!(batch.encoding_name(), one.encoding_name());
        }
    }
}
