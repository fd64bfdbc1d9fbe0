//! LCS: the longest common subsequence of two strings, its length, or the
//! matching ranges (IDX), computed with the classic dynamic-programming table.
//!
//! The table and the walk back through it follow Redis's choices exactly (which
//! direction to move on ties, when a range is closed), so the reported subsequence
//! and ranges are the same as Redis's whenever several answers are possible.

use std::sync::atomic::Ordering::Relaxed;

use cinnabar_resp::{parse_i64_strict, Args};

use super::{c_str, string_bytes};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;

/// One matching range: positions in the first and second string, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Match {
    a: (usize, usize),
    b: (usize, usize),
}

impl Match {
    fn len(&self) -> usize {
        self.a.1 - self.a.0 + 1
    }
}

/// Why the table could not be built.
#[derive(Debug, PartialEq, Eq)]
enum TableError {
    /// Larger than `proto-max-bulk-len` bytes.
    TooLarge,
    /// The allocation failed.
    NoMemory,
}

/// The DP table: `cell(i, j)` is the LCS length of `a[..i]` and `b[..j]`.
struct Table {
    cells: Vec<u32>,
    width: usize,
}

impl Table {
    /// Fills the table for `a` and `b`, refusing one larger than `max_bytes`
    /// (4 bytes per cell, as Redis counts it).
    fn build(a: &[u8], b: &[u8], max_bytes: usize) -> Result<Table, TableError> {
        let width = b.len() + 1;
        let cells = (a.len() as u128 + 1) * width as u128;
        if cells * 4 > max_bytes as u128 {
            return Err(TableError::TooLarge);
        }
        let count = usize::try_from(cells).map_err(|_| TableError::NoMemory)?;
        let mut cells = Vec::new();
        cells
            .try_reserve_exact(count)
            .map_err(|_| TableError::NoMemory)?;
        cells.resize(count, 0u32);
        let mut rows = cells.chunks_exact_mut(width);
        if let Some(first) = rows.next() {
            let mut prev: &[u32] = first;
            for (&ca, cur) in a.iter().zip(rows) {
                fill_row(ca, b, prev, cur);
                prev = cur;
            }
        }
        Ok(Table { cells, width })
    }

    #[inline]
    fn cell(&self, i: usize, j: usize) -> u32 {
        self.cells.get(i * self.width + j).copied().unwrap_or(0)
    }
}

/// Computes one table row (`cur`, whose first cell stays 0) from the previous one.
#[inline]
fn fill_row(ca: u8, b: &[u8], prev: &[u32], cur: &mut [u32]) {
    let mut left = 0u32;
    for ((&cb, cell), pair) in b.iter().zip(cur.iter_mut().skip(1)).zip(prev.windows(2)) {
        let (diag, up) = (pair[0], pair[1]);
        left = if ca == cb { diag + 1 } else { up.max(left) };
        *cell = left;
    }
}

/// The subsequence itself and the matching ranges (last ones first, as Redis
/// reports them), keeping only ranges at least `min_len` long.
fn walk(a: &[u8], b: &[u8], t: &Table, min_len: usize) -> (Vec<u8>, Vec<Match>) {
    let total = t.cell(a.len(), b.len()) as usize;
    let mut seq = vec![0u8; total];
    let mut left = total;
    let mut matches = Vec::new();
    let mut current: Option<Match> = None;
    let (mut i, mut j) = (a.len(), b.len());
    while i > 0 && j > 0 {
        let mut close = false;
        let byte = a.get(i - 1).copied();
        if byte == b.get(j - 1).copied() {
            left = left.saturating_sub(1);
            if let (Some(slot), Some(byte)) = (seq.get_mut(left), byte) {
                *slot = byte;
            }
            match &mut current {
                None => {
                    current = Some(Match {
                        a: (i - 1, i - 1),
                        b: (j - 1, j - 1),
                    })
                }
                Some(m) if m.a.0 == i && m.b.0 == j => {
                    m.a.0 -= 1;
                    m.b.0 -= 1;
                }
                Some(_) => close = true,
            }
            if current.is_some_and(|m| m.a.0 == 0 || m.b.0 == 0) {
                close = true;
            }
            i -= 1;
            j -= 1;
        } else {
            if t.cell(i - 1, j) > t.cell(i, j - 1) {
                i -= 1;
            } else {
                j -= 1;
            }
            close |= current.is_some();
        }
        if close {
            if let Some(m) = current.take() {
                if min_len == 0 || m.len() >= min_len {
                    matches.push(m);
                }
            }
        }
    }
    (seq, matches)
}

/// LCS length only, in two rows of memory.
fn lcs_len(a: &[u8], b: &[u8]) -> u32 {
    let mut prev = vec![0u32; b.len() + 1];
    let mut cur = vec![0u32; b.len() + 1];
    for &ca in a {
        fill_row(ca, b, &prev, &mut cur);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev.last().copied().unwrap_or(0)
}

/// A key's string value for LCS (empty when missing); `None` for another type.
fn value_of(ctx: &mut Ctx<'_>, key: &[u8]) -> Result<Option<Vec<u8>>, CmdError> {
    Ok(match ctx.db.lookup_read(key)? {
        None => Some(Vec::new()),
        Some(e) => string_bytes(e.value()).ok().map(|c| c.into_owned()),
    })
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]
pub(super) fn lcs(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let a = value_of(ctx, args.get(1))?;
    let b = value_of(ctx, args.get(2))?;
    let (Some(a), Some(b)) = (a, b) else {
        return Err(CmdError::err(
            "The specified keys must contain string values",
        ));
    };
    let (mut want_len, mut want_idx, mut with_len, mut min_len) = (false, false, false, 0usize);
    let mut i = 3;
    while i < args.len() {
        let opt = c_str(args.get(i));
        if opt.eq_ignore_ascii_case(b"idx") {
            want_idx = true;
        } else if opt.eq_ignore_ascii_case(b"len") {
            want_len = true;
        } else if opt.eq_ignore_ascii_case(b"withmatchlen") {
            with_len = true;
        } else if opt.eq_ignore_ascii_case(b"minmatchlen") && i + 1 < args.len() {
            let n = parse_i64_strict(args.get(i + 1)).ok_or(CmdError::NotInteger)?;
            min_len = usize::try_from(n.max(0)).unwrap_or(usize::MAX);
            i += 1;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }
    if want_len && want_idx {
        return Err(CmdError::err(
            "If you want both the length and indexes, please just use IDX.",
        ));
    }
    if a.len() >= u32::MAX as usize - 1 || b.len() >= u32::MAX as usize - 1 {
        return Err(CmdError::err("String too long for LCS"));
    }
    let max_bytes = ctx.srv.tun.proto_max_bulk_len.load(Relaxed);
    if want_len {
        // Same size check as for the full table, though two rows suffice here.
        let cells = (a.len() as u128 + 1) * (b.len() as u128 + 1);
        if cells * 4 > max_bytes as u128 {
            return Err(table_error(TableError::TooLarge));
        }
        ctx.out.int(i64::from(lcs_len(&a, &b)));
        return Ok(());
    }
    let table = Table::build(&a, &b, max_bytes).map_err(table_error)?;
    let (seq, matches) = walk(&a, &b, &table, min_len);
    if !want_idx {
        ctx.out.bulk(&seq);
        return Ok(());
    }
    ctx.out.map(2);
    ctx.out.bulk(b"matches");
    ctx.out.array(matches.len());
    for m in &matches {
        ctx.out.array(2 + usize::from(with_len));
        for (start, end) in [m.a, m.b] {
            ctx.out.array(2);
            ctx.out.int(start as i64);
            ctx.out.int(end as i64);
        }
        if with_len {
            ctx.out.int(m.len() as i64);
        }
    }
    ctx.out.bulk(b"len");
    ctx.out.int(i64::from(table.cell(a.len(), b.len())));
    Ok(())
}

fn table_error(e: TableError) -> CmdError {
    match e {
        TableError::TooLarge => CmdError::err(
            "Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
        ),
        TableError::NoMemory => {
            CmdError::err("Insufficient memory, failed allocating transient memory for LCS")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(a: &str, b: &str, min_len: usize) -> (String, Vec<Match>, u32) {
        let t = Table::build(a.as_bytes(), b.as_bytes(), 1 << 20).expect("small table");
        let (seq, m) = walk(a.as_bytes(), b.as_bytes(), &t, min_len);
        (
            String::from_utf8(seq).unwrap_or_default(),
            m,
            lcs_len(a.as_bytes(), b.as_bytes()),
        )
    }

    #[test]
    fn matches_like_redis() {
        // Expected values from redis-server (the LCS documentation example).
        let (seq, m, len) = run("ohmytext", "mynewtext", 0);
        assert_eq!(seq, "mytext");
        assert_eq!(len, 6);
        assert_eq!(
            m,
            vec![
                Match {
                    a: (4, 7),
                    b: (5, 8)
                },
                Match {
                    a: (2, 3),
                    b: (0, 1)
                }
            ]
        );
        let (_, m, _) = run("ohmytext", "mynewtext", 4);
        assert_eq!(
            m,
            vec![Match {
                a: (4, 7),
                b: (5, 8)
            }]
        );
        let (seq, m, len) = run("", "abc", 0);
        assert_eq!((seq.as_str(), m.len(), len), ("", 0, 0));
    }

    #[test]
    fn size_guard() {
        assert_eq!(
            Table::build(&[b'x'; 100], &[b'y'; 100], 101 * 101 * 4).map(|_| ()),
            Ok(())
        );
        assert_eq!(
            Table::build(&[b'x'; 100], &[b'y'; 100], 101 * 101 * 4 - 1).err(),
            Some(TableError::TooLarge)
        );
    }
}
