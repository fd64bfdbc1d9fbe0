//! SORT and SORT_RO: sort (or just page through) a list, set or sorted set,
//! optionally by weights read from other keys, returning or storing the elements
//! or values fetched through GET patterns.
//!
//! Behaviour follows Redis 7.2 to the byte, including its quirks:
//! * Options are parsed in order and the first error wins (a bad LIMIT number,
//!   an unknown or incomplete option); STORE is an unknown option for SORT_RO.
//!   Several BY options: the last pattern is used, but any BY without `*` turns
//!   sorting off.
//! * Numeric scores come from C `strtod` (see [`strtod`]); a missing BY key
//!   scores 0; equal scores are ordered by the elements' bytes.
//! * ALPHA compares like `strcoll` in the C locale (bytes up to the first NUL)
//!   when the result is returned, and binary-safe when it is stored. Under BY,
//!   elements whose weight key is missing come first and equal weights keep
//!   their relative order (Redis's stable `qsort`) — except when BY is combined
//!   with a LIMIT that does not cover everything: Redis then uses a partial
//!   quicksort, reproduced in [`pqsort`].
//! * `BY` without `*` (`nosort`): lists and sorted sets keep their own order
//!   (DESC reverses it, LIMIT takes the range directly); sets keep theirs too,
//!   unless the result is stored, when they are sorted ALPHA so that replicas
//!   agree.
//! * Patterns are C strings for the `*`, `->` and `#` searches (a NUL byte ends
//!   them), but the rest of the key and the hash field after `->` are used whole.
//!
//! BY and GET patterns read keys nobody can name before the sort runs, so both
//! commands lock every shard (`LOCK_ALL`), which keeps SORT atomic like Redis's
//! single thread does. The key function still reports the sorted key and the
//! STORE destination, as Redis's `sortGetKeys`.

mod pqsort;
mod strtod;

use std::cmp::Ordering;
use std::sync::atomic::Ordering::Relaxed;

use cinnabar_resp::{parse_i64_strict, Args};

use super::prelude::*;
use super::{acl, flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::{Ctx, Db};
use crate::keyspace::{NewValue, ValueRef};
use crate::types::list::{redis_lp_entry_size, End, List, Quicklist};
use crate::types::zset::ZSet;
use crate::types::Object;

const SORT_ACL: u64 = acl::SET | acl::SORTEDSET | acl::LIST | acl::SLOW | acl::DANGEROUS;

/// The SORT command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("sort", -2, WRITE | DENYOOM | LOCK_ALL, "generic", sort)
        .acl(acl::WRITE | SORT_ACL)
        .since("1.0.0")
        .doc(
            "Sorts a list, set or sorted set, optionally storing the result.",
            concat!(
                "O(N+M*log(M)), N being the number of elements to sort and M ",
                "the number returned; O(N) without sorting."
            ),
        )
        .key_specs(&[
            KeySpec::single(RO | ACCESS, 1),
            KeySpec::unknown(RO | ACCESS).notes(concat!(
                "BY and GET patterns name keys built from the sorted ",
                "elements, so they cannot be listed."
            )),
            KeySpec::unknown(OW | UPDATE).notes(concat!(
                "The STORE destination may be anywhere among the options, so ",
                "it cannot be listed."
            )),
        ])
        .args(&[
            key("key", 0),
            pattern("by-pattern")
                .token("BY")
                .key_spec(1)
                .display("pattern")
                .optional(),
            block("limit", &[integer("offset"), integer("count")])
                .token("LIMIT")
                .optional(),
            pattern("get-pattern")
                .token("GET")
                .key_spec(1)
                .display("pattern")
                .optional()
                .multiple()
                .multiple_token(),
            oneof("order", &[token("asc", "ASC"), token("desc", "DESC")]).optional(),
            token("sorting", "ALPHA").optional(),
            key("destination", 2).token("STORE").optional(),
        ])
        .keys_fn(getkeys::sort_keys),
    CommandDef::new("sort_ro", -2, READONLY | LOCK_ALL, "generic", sort_ro)
        .acl(acl::READ | SORT_ACL)
        .since("7.0.0")
        .doc(
            "Sorts a list, set or sorted set and returns the result.",
            concat!(
                "O(N+M*log(M)), N being the number of elements to sort and M ",
                "the number returned; O(N) without sorting."
            ),
        )
        .key_specs(&[
            KeySpec::single(RO | ACCESS, 1),
            KeySpec::unknown(RO | ACCESS).notes(concat!(
                "BY and GET patterns name keys built from the sorted ",
                "elements, so they cannot be listed."
            )),
        ])
        .args(&[
            key("key", 0),
            pattern("by-pattern")
                .token("BY")
                .key_spec(1)
                .display("pattern")
                .optional(),
            block("limit", &[integer("offset"), integer("count")])
                .token("LIMIT")
                .optional(),
            pattern("get-pattern")
                .token("GET")
                .key_spec(1)
                .display("pattern")
                .optional()
                .multiple()
                .multiple_token(),
            oneof("order", &[token("asc", "ASC"), token("desc", "DESC")]).optional(),
            token("sorting", "ALPHA").optional(),
        ])
        .keys_fn(getkeys::sort_ro_keys),
];

/// Parsed SORT options.
struct Options<'a> {
    desc: bool,
    alpha: bool,
    offset: i64,
    count: i64,
    /// The last BY pattern.
    by: Option<&'a [u8]>,
    /// Some BY pattern had no `*`: keep the stored order.
    dont_sort: bool,
    store: Option<&'a [u8]>,
    gets: Vec<&'a [u8]>,
}

/// Parses the options after the key, in order; the first problem is the error.
fn parse_options<'a>(args: &Args<'a>, readonly: bool) -> Result<Options<'a>, CmdError> {
    let mut o = Options {
        desc: false,
        alpha: false,
        offset: 0,
        count: -1,
        by: None,
        dont_sort: false,
        store: None,
        gets: Vec::new(),
    };
    let mut j = 2;
    while j < args.len() {
        let word = args.get(j);
        let left = args.len() - j - 1;
        if word.eq_ignore_ascii_case(b"asc") {
            o.desc = false;
        } else if word.eq_ignore_ascii_case(b"desc") {
            o.desc = true;
        } else if word.eq_ignore_ascii_case(b"alpha") {
            o.alpha = true;
        } else if word.eq_ignore_ascii_case(b"limit") && left >= 2 {
            o.offset = parse_i64_strict(args.get(j + 1)).ok_or(CmdError::NotInteger)?;
            o.count = parse_i64_strict(args.get(j + 2)).ok_or(CmdError::NotInteger)?;
            j += 2;
        } else if !readonly && word.eq_ignore_ascii_case(b"store") && left >= 1 {
            o.store = Some(args.get(j + 1));
            j += 1;
        } else if word.eq_ignore_ascii_case(b"by") && left >= 1 {
            let pattern = args.get(j + 1);
            o.by = Some(pattern);
            if star(pattern).is_none() {
                o.dont_sort = true;
            }
            // Cluster mode (not supported yet) refuses a BY pattern with `*`:
            // "BY option of SORT denied in Cluster mode.", and so would ACL rules
            // without full key access.
            j += 1;
        } else if word.eq_ignore_ascii_case(b"get") && left >= 1 {
            // Cluster mode refuses every GET: "GET option of SORT denied in
            // Cluster mode.".
            o.gets.push(args.get(j + 1));
            j += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        j += 1;
    }
    Ok(o)
}

/// The position of the first `*` in a pattern seen as a C string.
fn star(pattern: &[u8]) -> Option<usize> {
    strtod::c_str(pattern).iter().position(|&b| b == b'*')
}

/// True for the `#` pattern (the element itself), compared as a C string.
fn is_hash_pattern(pattern: &[u8]) -> bool {
    pattern.first() == Some(&b'#') && pattern.get(1).is_none_or(|&b| b == 0)
}

/// The key and optional hash field a pattern names for one element, or `None`
/// when the pattern has no `*` (nothing to look up).
fn expand_pattern<'p>(pattern: &'p [u8], elem: &[u8]) -> Option<(Vec<u8>, Option<&'p [u8]>)> {
    let p = star(pattern)?;
    let after = pattern.get(p + 1..).unwrap_or(&[]);
    // `->` is searched for after the `*`, up to a NUL byte, and only counts when
    // something other than NUL (or the end) follows it.
    let arrow = strtod::c_str(after)
        .windows(2)
        .position(|w| w == b"->")
        .filter(|&f| after.get(f + 2).is_some_and(|&b| b != 0));
    let (suffix, field) = match arrow {
        Some(f) => (after.get(..f).unwrap_or(&[]), after.get(f + 2..)),
        None => (after, None),
    };
    let prefix = pattern.get(..p).unwrap_or(&[]);
    let mut key = Vec::with_capacity(prefix.len() + elem.len() + suffix.len());
    key.extend_from_slice(prefix);
    key.extend_from_slice(elem);
    key.extend_from_slice(suffix);
    Some((key, field))
}

/// The value a BY or GET pattern yields for `elem`: the element itself for `#`,
/// a string key's value, a hash field's value, or `None` (no `*`, missing key or
/// field, or a key of another type).
fn lookup_pattern(
    db: &mut Db<'_>,
    pattern: &[u8],
    elem: &[u8],
) -> Result<Option<Vec<u8>>, CmdError> {
    if is_hash_pattern(pattern) {
        return Ok(Some(elem.to_vec()));
    }
    let Some((key, field)) = expand_pattern(pattern, elem) else {
        return Ok(None);
    };
    let Some(entry) = db.lookup_read(&key)? else {
        return Ok(None);
    };
    let value = entry.value();
    Ok(match field {
        Some(field) => match value {
            ValueRef::Object(_) | ValueRef::Embedded(_) => match value.object().as_deref() {
                Some(Object::Hash(h)) => h.get(field).map(|v| v.to_bytes().into_owned()),
                _ => None,
            },
            _ => None,
        },
        None => match value {
            ValueRef::Object(o) if !matches!(o, Object::Str(_)) => None,
            v => v.as_string().map(|s| s.into_owned()),
        },
    })
}

/// One element being sorted.
struct Elem {
    /// The element.
    obj: Vec<u8>,
    /// Numeric sort key.
    score: f64,
    /// ALPHA sort key read through BY (`None` when the lookup found nothing).
    by: Option<Vec<u8>>,
}

impl Elem {
    fn new(obj: Vec<u8>) -> Elem {
        Elem {
            obj,
            score: 0.0,
            by: None,
        }
    }
}

/// How elements compare.
#[derive(Clone, Copy)]
struct Comparison {
    desc: bool,
    alpha: bool,
    by_pattern: bool,
    /// Binary-safe ALPHA comparisons (STORE) instead of collation.
    binary: bool,
}

impl Comparison {
    fn compare(&self, a: &Elem, b: &Elem) -> Ordering {
        let ord = if !self.alpha {
            match a.score.partial_cmp(&b.score) {
                Some(Ordering::Equal) | None => a.obj.cmp(&b.obj),
                Some(o) => o,
            }
        } else if self.by_pattern {
            match (&a.by, &b.by) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Less,
                (Some(_), None) => Ordering::Greater,
                (Some(x), Some(y)) => self.strings(x, y),
            }
        } else {
            self.strings(&a.obj, &b.obj)
        };
        if self.desc {
            ord.reverse()
        } else {
            ord
        }
    }

    /// ALPHA order: `strcoll` in the C locale (up to a NUL byte), or memcmp.
    fn strings(&self, a: &[u8], b: &[u8]) -> Ordering {
        if self.binary {
            a.cmp(b)
        } else {
            strtod::c_str(a).cmp(strtod::c_str(b))
        }
    }
}

// SORT key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]]
//      [ASC | DESC] [ALPHA] [STORE destination]
fn sort(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    sort_generic(ctx, args, false)
}

// SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]]
//      [ASC | DESC] [ALPHA]
fn sort_ro(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    sort_generic(ctx, args, true)
}

fn sort_generic(ctx: &mut Ctx<'_>, args: &Args<'_>, readonly: bool) -> CmdResult {
    let mut o = parse_options(args, readonly)?;
    let key = args.get(1);

    let (mut vector, start, end) = match ctx.db.lookup_read_mut(key)? {
        None => load(None, &mut o)?,
        // An embedded set is decoded into a copy rather than unpacked, so the
        // entry keeps its compact form (this is a read). A sorted set is opened
        // for writing: SORT turns it into a skiplist, as Redis does.
        Some(entry) if entry.is_embedded() && entry.value().type_name() != "zset" => {
            match entry.value().object() {
                Some(obj) => load(Some(&mut obj.into_owned()), &mut o)?,
                None => return Err(CmdError::WrongType),
            }
        }
        Some(entry) => match entry.object_mut() {
            Some(obj) => load(Some(obj), &mut o)?,
            None => return Err(CmdError::WrongType),
        },
    };

    let mut bad_score = false;
    if !o.dont_sort {
        for e in vector.iter_mut() {
            match o.by {
                Some(pattern) => {
                    let Some(value) = lookup_pattern(&mut ctx.db, pattern, &e.obj)? else {
                        continue;
                    };
                    if o.alpha {
                        e.by = Some(value);
                    } else {
                        set_score(e, &value, &mut bad_score);
                    }
                }
                None if !o.alpha => {
                    let obj = std::mem::take(&mut e.obj);
                    set_score(e, &obj, &mut bad_score);
                    e.obj = obj;
                }
                None => {}
            }
        }
        // The reply is an error then: the order does not matter.
        if !bad_score {
            let cmp = Comparison {
                desc: o.desc,
                alpha: o.alpha,
                by_pattern: o.by.is_some(),
                binary: o.store.is_some(),
            };
            let n = vector.len() as i64;
            if o.by.is_some() && (start != 0 || end != n - 1) {
                pqsort::partial_sort(&mut vector, start, end, &mut |a, b| cmp.compare(a, b));
            } else {
                vector.sort_by(|a, b| cmp.compare(a, b));
            }
        }
    }
    if bad_score {
        return Err(CmdError::err(
            "One or more scores can't be converted into double",
        ));
    }

    let picked: &[Elem] = if end >= start {
        vector.get(start as usize..=end as usize).unwrap_or(&[])
    } else {
        &[]
    };
    let per = o.gets.len().max(1);
    let output_len = picked.len() * per;
    match o.store {
        None => {
            ctx.out.array(output_len);
            for e in picked {
                if o.gets.is_empty() {
                    ctx.out.bulk(&e.obj);
                }
                for pattern in &o.gets {
                    match lookup_pattern(&mut ctx.db, pattern, &e.obj)? {
                        Some(v) => ctx.out.bulk(&v),
                        None => ctx.out.null(),
                    }
                }
            }
        }
        Some(dest) => {
            let mut values: Vec<Vec<u8>> = Vec::with_capacity(output_len);
            for e in picked {
                if o.gets.is_empty() {
                    values.push(e.obj.clone());
                }
                for pattern in &o.gets {
                    values.push(lookup_pattern(&mut ctx.db, pattern, &e.obj)?.unwrap_or_default());
                }
            }
            if values.is_empty() {
                if ctx.db.remove(dest)? {
                    ctx.db.changed(dest, "del");
                }
            } else {
                let fill = ctx.srv.tun.enc.list_max_listpack_size.load(Relaxed);
                let list = stored_list(&values, fill);
                ctx.db
                    .set(dest, NewValue::Object(Box::new(Object::List(list))), None)?;
                ctx.db.changed_n(dest, "sortstore", output_len);
            }
            ctx.out.int(output_len as i64);
        }
    }
    Ok(())
}

fn set_score(e: &mut Elem, value: &[u8], bad: &mut bool) {
    match strtod::sort_score(value) {
        Some(s) => e.score = s,
        None => *bad = true,
    }
}

/// Reads the elements to sort from the sorted key's value (`None`: a missing
/// key, sorted as an empty list) and works out the LIMIT range as Redis does.
/// Returns the elements and the inclusive range of positions to output (`end <
/// start` for none). When the stored order is kept for a list or sorted set,
/// only the range is read and the returned range covers it.
fn load(obj: Option<&mut Object>, o: &mut Options<'_>) -> Result<(Vec<Elem>, i64, i64), CmdError> {
    let total = match &obj {
        None => 0,
        Some(Object::List(l)) => l.len(),
        Some(Object::Set(s)) => s.len(),
        Some(Object::ZSet(z)) => zset_len(z),
        Some(_) => return Err(CmdError::WrongType),
    };
    let is_set = matches!(obj, Some(Object::Set(_)));
    // A set in its own (arbitrary) order would make a stored result differ
    // between master and replicas: sort it ALPHA instead. (Redis does the same
    // for SORT run by a script, which does not exist here yet.)
    if o.dont_sort && is_set && o.store.is_some() {
        o.dont_sort = false;
        o.alpha = true;
        o.by = None;
    }

    // LIMIT, clamped as Redis does (i64 throughout: no overflow possible).
    let len = total as i64;
    let mut start = o.offset.max(0).min(len);
    let count = o.count.max(-1).min(len);
    let mut end = if count < 0 {
        len - 1
    } else {
        start + count - 1
    };
    if start >= len {
        start = len - 1;
        end = len - 2;
    }
    if end >= len {
        end = len - 1;
    }

    let strings = |v: Vec<Vec<u8>>| v.into_iter().map(Elem::new).collect::<Vec<_>>();
    let elems = match obj {
        None => Vec::new(),
        Some(Object::Set(s)) => strings(s.iter().map(|i| i.to_bytes().into_owned()).collect()),
        Some(Object::List(l)) if o.dont_sort => {
            // Stored order: just the range, from the tail when DESC.
            if end < start {
                return Ok((Vec::new(), start, end));
            }
            let v = list_range(l, start as usize, (end - start + 1) as usize, o.desc);
            return Ok((strings(v), 0, end - start));
        }
        Some(Object::List(l)) => strings(l.to_vec()),
        Some(Object::ZSet(z)) if o.dont_sort => {
            zset_prepare(z);
            if end < start {
                return Ok((Vec::new(), start, end));
            }
            let v = zset_range(z, start as usize, (end - start + 1) as usize, o.desc);
            return Ok((strings(v), 0, end - start));
        }
        Some(Object::ZSet(z)) => {
            zset_prepare(z);
            strings(zset_members(z))
        }
        Some(_) => return Err(CmdError::WrongType),
    };
    Ok((elems, start, end))
}

/// `take` elements of a list from index `from`, counted from the tail when `desc`.
fn list_range(l: &List, from: usize, take: usize, desc: bool) -> Vec<Vec<u8>> {
    let len = l.len();
    if desc {
        // Indices len-1-from down to len-from-take.
        let hi = len.saturating_sub(1 + from);
        let lo = (hi + 1).saturating_sub(take);
        let mut v = l.range(lo, hi);
        v.reverse();
        v
    } else {
        l.range(
            from,
            (from + take).saturating_sub(1).min(len.saturating_sub(1)),
        )
    }
}

/// The list STORE writes, in the encoding Redis ends up with: Redis fills a
/// quicklist and turns it into a listpack when everything fits in one node.
fn stored_list(values: &[Vec<u8>], fill: i64) -> List {
    let refs: Vec<&[u8]> = values.iter().map(Vec::as_slice).collect();
    let mut list = if fits_one_node(values, fill) {
        List::new()
    } else {
        List::Quicklist(Box::<Quicklist>::default())
    };
    list.push(End::Tail, &refs, fill);
    list
}

/// True when Redis's quicklist would hold `values`, pushed one by one at the
/// tail, in a single node within the `list-max-listpack-size` limits.
fn fits_one_node(values: &[Vec<u8>], fill: i64) -> bool {
    // Node limits: a byte size for negative fills, a count (with an 8 KB safety
    // size) otherwise.
    const SAFETY: usize = 8192;
    const LEVELS: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
    const EMPTY: usize = 7;
    const ESTIMATE_OVERHEAD: usize = 8;
    let (size_limit, count_limit) = if fill >= 0 {
        (None, if fill == 0 { 1 } else { fill as usize })
    } else {
        let level = usize::try_from(-(fill + 1)).unwrap_or(usize::MAX);
        (Some(LEVELS[level.min(LEVELS.len() - 1)]), usize::MAX)
    };
    let exceeds = |size: usize, count: usize| match size_limit {
        Some(limit) => size > limit,
        None => size > SAFETY || count > count_limit,
    };
    let large = |n: usize| n > size_limit.unwrap_or(SAFETY);
    let mut size = EMPTY;
    for (count, v) in values.iter().enumerate() {
        if count > 0 && (large(v.len()) || exceeds(size + v.len() + ESTIMATE_OVERHEAD, count + 1)) {
            return false;
        }
        size += redis_lp_entry_size(v);
    }
    !exceeds(size, values.len())
}

// --- Sorted sets -----------------------------------------------------------
// Redis converts a sorted set SORT reads to its skiplist encoding for good (even
// for SORT_RO); BY nosort keeps zset order and LIMIT picks a rank range.

fn zset_prepare(z: &mut ZSet) {
    z.convert_to_skiplist();
}

fn zset_len(z: &ZSet) -> usize {
    z.len()
}

fn zset_range(z: &ZSet, from: usize, take: usize, desc: bool) -> Vec<Vec<u8>> {
    if take == 0 {
        return Vec::new();
    }
    z.range_by_rank(from, from.saturating_add(take - 1), desc)
        .into_iter()
        .map(|(m, _)| m.to_bytes().into_owned())
        .collect()
}

fn zset_members(z: &ZSet) -> Vec<Vec<u8>> {
    z.iter().map(|(m, _)| m.to_bytes().into_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_expand_like_redis() {
        let k = |p: &[u8], e: &[u8]| expand_pattern(p, e).map(|(k, f)| (k, f.map(<[u8]>::to_vec)));
        assert_eq!(k(b"w_*", b"a"), Some((b"w_a".to_vec(), None)));
        assert_eq!(
            k(b"h_*->f", b"a"),
            Some((b"h_a".to_vec(), Some(b"f".to_vec())))
        );
        assert_eq!(k(b"h_*->", b"a"), Some((b"h_a->".to_vec(), None)));
        assert_eq!(k(b"->*x", b"a"), Some((b"->ax".to_vec(), None)));
        assert_eq!(
            k(b"*->a->b", b"1"),
            Some((b"1".to_vec(), Some(b"a->b".to_vec())))
        );
        assert_eq!(k(b"a*b*c", b"X"), Some((b"aXb*c".to_vec(), None)));
        assert_eq!(k(b"nostar", b"a"), None);
        assert_eq!(k(b"x\0*", b"a"), None);
        // The key part keeps bytes after a NUL; `->` after a NUL is not seen.
        assert_eq!(k(b"*\0->f", b"a"), Some((b"a\0->f".to_vec(), None)));
        assert_eq!(k(b"*->\0f", b"a"), Some((b"a->\0f".to_vec(), None)));
        assert_eq!(
            k(b"*->f\0g", b"a"),
            Some((b"a".to_vec(), Some(b"f\0g".to_vec())))
        );
        assert!(is_hash_pattern(b"#"));
        assert!(is_hash_pattern(b"#\0x"));
        assert!(!is_hash_pattern(b"##"));
    }

    #[test]
    fn store_encoding_threshold() {
        let small: Vec<Vec<u8>> = (0..128).map(|i| i.to_string().into_bytes()).collect();
        assert!(fits_one_node(&small, 128));
        let more: Vec<Vec<u8>> = (0..129).map(|i| i.to_string().into_bytes()).collect();
        assert!(!fits_one_node(&more, 128));
        assert!(fits_one_node(&more, -2));
        let big = vec![vec![b'x'; 9000]];
        assert!(!fits_one_node(&big, -2));
        assert!(fits_one_node(&big, -3));
    }
}
