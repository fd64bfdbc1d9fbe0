//! HyperLogLog values, byte-compatible with Redis 7.2.
//!
//! A HyperLogLog is an ordinary string value with this layout:
//!
//! ```text
//! [ "HYLL" ][ encoding: 1 ][ unused: 3 ][ cached cardinality: 8, LE ][ registers ... ]
//! ```
//!
//! The top bit of the last cardinality byte set means "cache stale". There are
//! 16384 registers of 6 bits. The *dense* encoding (0) packs them
//! least-significant bit first into exactly 12288 bytes. The *sparse*
//! encoding (1) is a run-length code of one- or two-byte opcodes:
//!
//! * `00xxxxxx`: 1..=64 registers set to zero (ZERO);
//! * `01xxxxxx yyyyyyyy`: 1..=16384 registers set to zero (XZERO, 14-bit length);
//! * `1vvvvvxx`: 1..=4 registers set to the value 1..=32 (VAL).
//!
//! Elements are hashed with MurmurHash64A (seed `0xadc83b19`): the low 14 bits
//! pick the register, and the position of the first set bit in the rest is
//! the candidate register value. Cardinality uses Otmar Ertl's improved
//! estimator over the register histogram.
//!
//! Everything here works on untrusted bytes (a user can `SET` any string and
//! then use it as a HyperLogLog), so every read is bounds-checked. Where
//! Redis reads the byte just past the end of a string it finds the string's
//! terminating zero; [`byte_at`] reproduces that.

use std::fmt::Write as _;

/// Header length.
pub const HDR_SIZE: usize = 16;
/// Number of registers.
pub const REGISTERS: usize = 1 << P;
/// Length of a dense HyperLogLog string (header + 6-bit registers).
pub const DENSE_SIZE: usize = HDR_SIZE + (REGISTERS * BITS).div_ceil(8);

/// Bits of the hash used to pick a register.
const P: usize = 14;
/// Bits of the hash left for the run of zeroes.
const Q: usize = 64 - P;
/// Bits per dense register.
const BITS: usize = 6;
/// Largest register value.
const REGISTER_MAX: u32 = (1 << BITS) - 1;
/// Hash seed.
const SEED: u64 = 0xadc8_3b19;
/// Encoding byte of the dense representation.
const ENC_DENSE: u8 = 0;
/// Encoding byte of the sparse representation.
const ENC_SPARSE: u8 = 1;
/// Offset of the encoding byte.
const ENC_AT: usize = 4;
/// Offset of the cached cardinality.
const CARD_AT: usize = 8;
/// Largest value a sparse VAL opcode holds.
const SPARSE_VAL_MAX_VALUE: u8 = 32;
/// Longest run of a VAL opcode.
const SPARSE_VAL_MAX_LEN: usize = 4;
/// Longest run of a ZERO opcode.
const SPARSE_ZERO_MAX_LEN: usize = 64;
/// Longest run of an XZERO opcode.
const SPARSE_XZERO_MAX_LEN: usize = 16384;
/// 0.5 / ln(2), the bias constant for an infinite number of registers.
const ALPHA_INF: f64 = 0.721_347_520_444_481_7;

/// The two encodings a valid HyperLogLog string can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// 16384 packed 6-bit registers.
    Dense,
    /// Run-length coded registers.
    Sparse,
}

impl Encoding {
    /// The name `PFDEBUG ENCODING` reports.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Dense => "dense",
            Encoding::Sparse => "sparse",
        }
    }
}

/// The registers do not describe a well-formed HyperLogLog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corrupt;

/// The encoding of `bytes` if its header makes it a HyperLogLog (the checks
/// Redis does before any HyperLogLog command; the sparse body is only checked
/// when it is used).
pub fn encoding_of(bytes: &[u8]) -> Option<Encoding> {
    if bytes.len() < HDR_SIZE || !bytes.starts_with(b"HYLL") {
        return None;
    }
    match bytes.get(ENC_AT).copied()? {
        ENC_DENSE if bytes.len() == DENSE_SIZE => Some(Encoding::Dense),
        ENC_SPARSE => Some(Encoding::Sparse),
        _ => None,
    }
}

/// The byte at `i`, or the zero terminator Redis strings have past their end.
#[inline]
fn byte_at(bytes: &[u8], i: usize) -> u8 {
    bytes.get(i).copied().unwrap_or(0)
}

/// A new, empty HyperLogLog: sparse, one XZERO opcode, cached cardinality 0.
pub fn new_sparse() -> Vec<u8> {
    let mut v = Vec::with_capacity(HDR_SIZE + 2);
    v.extend_from_slice(b"HYLL");
    v.push(ENC_SPARSE);
    v.extend_from_slice(&[0; 11]);
    let mut left = REGISTERS;
    while left > 0 {
        let run = left.min(SPARSE_XZERO_MAX_LEN);
        v.extend_from_slice(&xzero(run));
        left -= run;
    }
    v
}

/// Marks the cached cardinality stale.
pub fn invalidate_cache(hll: &mut [u8]) {
    if let Some(b) = hll.get_mut(CARD_AT + 7) {
        *b |= 0x80;
    }
}

/// The cached cardinality, if it is valid.
pub fn cached_cardinality(hll: &[u8]) -> Option<u64> {
    let raw: [u8; 8] = hll.get(CARD_AT..CARD_AT + 8)?.try_into().ok()?;
    (raw[7] & 0x80 == 0).then(|| u64::from_le_bytes(raw))
}

/// Stores a freshly computed cardinality in the cache.
pub fn store_cardinality(hll: &mut [u8], card: u64) {
    if let Some(dst) = hll.get_mut(CARD_AT..CARD_AT + 8) {
        dst.copy_from_slice(&card.to_le_bytes());
    }
}

// ---------------------------------------------------------------------------
// Hashing.
// ---------------------------------------------------------------------------

/// MurmurHash2, 64-bit variant A, reading 8-byte blocks little-endian.
pub fn murmur64a(data: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = seed ^ (data.len() as u64).wrapping_mul(M);
    let mut blocks = data.chunks_exact(8);
    for block in &mut blocks {
        let mut k = block
            .iter()
            .rev()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = blocks.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate() {
            h ^= u64::from(b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// The register an element maps to and the length of its `0...01` pattern
/// (1..=51), which is the value the register must at least hold.
pub fn pattern(element: &[u8]) -> (usize, u8) {
    let hash = murmur64a(element, SEED);
    let index = (hash as usize) & (REGISTERS - 1);
    let rest = (hash >> P) | (1u64 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

// ---------------------------------------------------------------------------
// Dense registers.
// ---------------------------------------------------------------------------

/// Register `i` of the packed 6-bit array `regs`.
#[inline]
pub fn dense_get(regs: &[u8], i: usize) -> u8 {
    let bit = i * BITS;
    let (at, shift) = (bit / 8, (bit & 7) as u32);
    let b0 = u32::from(byte_at(regs, at));
    let b1 = u32::from(byte_at(regs, at + 1));
    (((b0 >> shift) | (b1 << (8 - shift))) & REGISTER_MAX) as u8
}

/// Sets register `i` of the packed 6-bit array `regs` to `value` (0..=63).
#[inline]
pub fn dense_set(regs: &mut [u8], i: usize, value: u8) {
    let bit = i * BITS;
    let (at, shift) = (bit / 8, (bit & 7) as u32);
    let v = u32::from(value) & REGISTER_MAX;
    if let Some(b) = regs.get_mut(at) {
        *b = (u32::from(*b) & !(REGISTER_MAX << shift) | (v << shift)) as u8;
    }
    if let Some(b) = regs.get_mut(at + 1) {
        *b = (u32::from(*b) & !(REGISTER_MAX >> (8 - shift)) | (v >> (8 - shift))) as u8;
    }
}

/// Raises register `i` to `count` if it is lower; true when it changed.
fn dense_raise(regs: &mut [u8], i: usize, count: u8) -> bool {
    if count > dense_get(regs, i) {
        dense_set(regs, i, count);
        true
    } else {
        false
    }
}

/// The registers of a dense HyperLogLog string.
fn dense_regs(hll: &[u8]) -> &[u8] {
    hll.get(HDR_SIZE..).unwrap_or(&[])
}

/// Mutable registers of a dense HyperLogLog string.
fn dense_regs_mut(hll: &mut [u8]) -> &mut [u8] {
    hll.get_mut(HDR_SIZE..).unwrap_or(&mut [])
}

/// Counts register values of a dense array into `histo`.
fn dense_histogram(regs: &[u8], histo: &mut [u32; 64]) {
    let mut groups = regs.chunks_exact(3);
    let mut seen = 0;
    for g in &mut groups {
        if seen >= REGISTERS {
            break;
        }
        let (a, b, c) = (g[0], g[1], g[2]);
        histo[usize::from(a & 63)] += 1;
        histo[usize::from((a >> 6 | b << 2) & 63)] += 1;
        histo[usize::from((b >> 4 | c << 4) & 63)] += 1;
        histo[usize::from(c >> 2)] += 1;
        seen += 4;
    }
    for i in seen..REGISTERS {
        histo[usize::from(dense_get(regs, i))] += 1;
    }
}

// ---------------------------------------------------------------------------
// Sparse opcodes.
// ---------------------------------------------------------------------------

/// A sparse opcode, decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// `len` zero registers in a one-byte opcode.
    Zero(usize),
    /// `len` zero registers in a two-byte opcode.
    XZero(usize),
    /// `len` registers holding `value`.
    Val(u8, usize),
}

impl Op {
    /// Registers covered.
    fn span(self) -> usize {
        match self {
            Op::Zero(n) | Op::XZero(n) | Op::Val(_, n) => n,
        }
    }

    /// Bytes the opcode occupies.
    fn width(self) -> usize {
        match self {
            Op::XZero(_) => 2,
            _ => 1,
        }
    }
}

/// Decodes the opcode at `p` (which must be inside `hll`); the second byte of
/// an XZERO may be the terminator past the end.
#[inline]
fn op_at(hll: &[u8], p: usize) -> Op {
    let b = byte_at(hll, p);
    if b & 0x80 != 0 {
        Op::Val(((b >> 2) & 0x1f) + 1, usize::from(b & 3) + 1)
    } else if b & 0x40 != 0 {
        let len = (usize::from(b & 0x3f) << 8) | usize::from(byte_at(hll, p + 1));
        Op::XZero(len + 1)
    } else {
        Op::Zero(usize::from(b & 0x3f) + 1)
    }
}

/// The VAL opcode byte for `len` (1..=4) registers of `value` (1..=32).
#[inline]
fn val(value: u8, len: usize) -> u8 {
    (((value.wrapping_sub(1)) << 2) | ((len.wrapping_sub(1)) as u8 & 3)) | 0x80
}

/// The XZERO opcode bytes for `len` (1..=16384) zero registers.
#[inline]
fn xzero(len: usize) -> [u8; 2] {
    let l = len.wrapping_sub(1);
    [((l >> 8) as u8 & 0x3f) | 0x40, (l & 0xff) as u8]
}

/// Appends the shortest zero-run opcode for `len` registers to `seq`.
fn push_zeros(seq: &mut Vec<u8>, len: usize) {
    if len > SPARSE_ZERO_MAX_LEN {
        seq.extend_from_slice(&xzero(len));
    } else {
        seq.push(len.wrapping_sub(1) as u8 & 0x3f);
    }
}

/// Walks the sparse body of `hll`, calling `f(first_register, op)` for every
/// opcode; stops with [`Corrupt`] as soon as the registers would overflow,
/// and fails unless exactly [`REGISTERS`] registers are covered.
fn walk_sparse(hll: &[u8], mut f: impl FnMut(usize, Op)) -> Result<(), Corrupt> {
    let mut p = HDR_SIZE;
    let mut idx = 0usize;
    while p < hll.len() {
        let op = op_at(hll, p);
        if idx + op.span() > REGISTERS {
            return Err(Corrupt);
        }
        f(idx, op);
        idx += op.span();
        p += op.width();
    }
    if idx == REGISTERS {
        Ok(())
    } else {
        Err(Corrupt)
    }
}

/// The dense form of a sparse HyperLogLog (header copied, encoding changed).
pub fn sparse_to_dense(hll: &[u8]) -> Result<Vec<u8>, Corrupt> {
    let mut dense = vec![0u8; DENSE_SIZE];
    let header = hll.get(..HDR_SIZE).ok_or(Corrupt)?;
    dense[..HDR_SIZE].copy_from_slice(header);
    dense[ENC_AT] = ENC_DENSE;
    let regs = dense_regs_mut(&mut dense);
    walk_sparse(hll, |first, op| {
        if let Op::Val(v, n) = op {
            for i in first..first + n {
                dense_set(regs, i, v);
            }
        }
    })?;
    Ok(dense)
}

/// Converts a sparse HyperLogLog to dense in place; true when it converted,
/// false when it was already dense.
pub fn make_dense(hll: &mut Vec<u8>) -> Result<bool, Corrupt> {
    if byte_at(hll, ENC_AT) == ENC_DENSE {
        return Ok(false);
    }
    *hll = sparse_to_dense(hll)?;
    Ok(true)
}

/// Promotes to dense and raises register `index` to `count`.
fn promote_and_set(hll: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, Corrupt> {
    make_dense(hll)?;
    Ok(dense_raise(dense_regs_mut(hll), index, count))
}

/// Raises register `index` of a sparse HyperLogLog to `count`, updating the
/// run-length code in place exactly as Redis does (same opcode splits, same
/// merging of neighbouring VAL opcodes), or promoting to dense when `count`
/// does not fit a VAL opcode or the string would grow past `max_bytes`.
/// Returns whether the register changed.
fn sparse_set(hll: &mut Vec<u8>, index: usize, count: u8, max_bytes: u64) -> Result<bool, Corrupt> {
    if count > SPARSE_VAL_MAX_VALUE {
        return promote_and_set(hll, index, count);
    }
    // Step 1: find the opcode covering `index`.
    let end = hll.len();
    let mut p = HDR_SIZE;
    let mut first = 0usize;
    let mut prev = None;
    let mut op = None;
    while p < end {
        let this = op_at(hll, p);
        if index < first + this.span() {
            op = Some(this);
            break;
        }
        prev = Some(p);
        p += this.width();
        first += this.span();
    }
    let Some(op) = op else {
        return Err(Corrupt);
    };
    let next = p + op.width();
    let next = (next < end).then_some(next);

    // Step 2: the cases that update a single byte.
    match op {
        Op::Val(old, _) if old >= count => return Ok(false),
        Op::Val(_, 1) | Op::Zero(1) => {
            hll[p] = val(count, 1);
            merge_neighbours(hll, prev.unwrap_or(HDR_SIZE));
            invalidate_cache(hll);
            return Ok(true);
        }
        _ => {}
    }

    // The general case: split the opcode into up to three.
    let last = first + op.span() - 1;
    let mut seq = Vec::with_capacity(5);
    match op {
        Op::Val(current, _) => {
            if index != first {
                seq.push(val(current, index - first));
            }
            seq.push(val(count, 1));
            if index != last {
                seq.push(val(current, last - index));
            }
        }
        Op::Zero(_) | Op::XZero(_) => {
            if index != first {
                push_zeros(&mut seq, index - first);
            }
            seq.push(val(count, 1));
            if index != last {
                push_zeros(&mut seq, last - index);
            }
        }
    }

    // Step 3: put the new sequence in place of the old opcode.
    let grow = seq.len() as i64 - op.width() as i64;
    if grow > 0 && (end as u64).saturating_add(grow as u64) > max_bytes {
        return promote_and_set(hll, index, count);
    }
    match next {
        Some(next) => {
            hll.splice(p..next, seq);
        }
        None => {
            // The opcode was the last one (its second byte possibly the
            // terminator): the string ends after the sequence, shortened by
            // any opcode byte that was never there.
            let new_len = (end as i64 + grow).max(0) as usize;
            hll.truncate(p);
            hll.extend_from_slice(&seq);
            hll.truncate(new_len);
        }
    }
    merge_neighbours(hll, prev.unwrap_or(HDR_SIZE));
    invalidate_cache(hll);
    Ok(true)
}

/// Step 4 of a sparse update: starting at `p`, looks at up to five opcodes
/// and joins adjacent VAL opcodes of equal value whose runs fit in one.
fn merge_neighbours(hll: &mut Vec<u8>, mut p: usize) {
    let mut scan = 5;
    while p < hll.len() && scan > 0 {
        scan -= 1;
        match op_at(hll, p) {
            Op::XZero(_) => p += 2,
            Op::Zero(_) => p += 1,
            Op::Val(v1, n1) => {
                if p + 1 < hll.len() {
                    if let Op::Val(v2, n2) = op_at(hll, p + 1) {
                        if v1 == v2 && n1 + n2 <= SPARSE_VAL_MAX_LEN {
                            hll[p + 1] = val(v1, n1 + n2);
                            hll.remove(p);
                            continue;
                        }
                    }
                }
                p += 1;
            }
        }
    }
}

/// Raises register `index` to `count` whatever the encoding; true when it
/// changed. Does not touch the cached cardinality of a dense value (callers
/// invalidate once at the end, as Redis does).
pub fn set_register(
    hll: &mut Vec<u8>,
    index: usize,
    count: u8,
    max_bytes: u64,
) -> Result<bool, Corrupt> {
    match byte_at(hll, ENC_AT) {
        ENC_DENSE => Ok(dense_raise(dense_regs_mut(hll), index, count)),
        ENC_SPARSE => sparse_set(hll, index, count, max_bytes),
        _ => Err(Corrupt),
    }
}

/// Adds an element; true when a register changed.
pub fn add(hll: &mut Vec<u8>, element: &[u8], max_bytes: u64) -> Result<bool, Corrupt> {
    let (index, count) = pattern(element);
    set_register(hll, index, count, max_bytes)
}

// ---------------------------------------------------------------------------
// Counting and merging.
// ---------------------------------------------------------------------------

/// Otmar Ertl's sigma function ("New cardinality estimation algorithms for
/// HyperLogLog sketches", arXiv:1702.01284).
fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let before = z;
        z += x * y;
        y += y;
        if before == z {
            return z;
        }
    }
}

/// Otmar Ertl's tau function (same paper as [`sigma`]).
fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let before = z;
        y *= 0.5;
        let d = 1.0 - x;
        z -= d * d * y;
        if before == z {
            return z / 3.0;
        }
    }
}

/// The cardinality estimate from a register histogram, converted to an
/// integer the way Redis does it on x86-64 (`llroundl`, then a double to
/// unsigned conversion), so even absurd histograms from crafted values give
/// Redis's numbers.
fn estimate(histo: &[u32; 64]) -> u64 {
    let m = REGISTERS as f64;
    let mut z = m * tau((m - f64::from(histo[Q + 1])) / m);
    for j in (1..=Q).rev() {
        z += f64::from(histo[j]);
        z *= 0.5;
    }
    z += m * sigma(f64::from(histo[0]) / m);
    let x = ALPHA_INF * m * m / z;
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    // llroundl: out of range (or NaN) gives the "integer indefinite" value.
    let rounded = if x.is_nan() || x.abs() >= TWO_63 {
        i64::MIN
    } else {
        x.round() as i64
    };
    let e = rounded as f64;
    if e < TWO_63 {
        e as i64 as u64
    } else {
        ((e - TWO_63) as i64 as u64) ^ (1 << 63)
    }
}

/// The estimated cardinality of a HyperLogLog (ignoring the cache).
pub fn count(hll: &[u8]) -> Result<u64, Corrupt> {
    let mut histo = [0u32; 64];
    match byte_at(hll, ENC_AT) {
        ENC_DENSE => dense_histogram(dense_regs(hll), &mut histo),
        ENC_SPARSE => walk_sparse(hll, |_, op| match op {
            Op::Zero(n) | Op::XZero(n) => histo[0] += n as u32,
            Op::Val(v, n) => histo[usize::from(v)] += n as u32,
        })?,
        _ => return Err(Corrupt),
    }
    Ok(estimate(&histo))
}

/// Merges a HyperLogLog into `max` (one byte per register), keeping the
/// larger value of each register.
pub fn merge_into(max: &mut [u8; REGISTERS], hll: &[u8]) -> Result<(), Corrupt> {
    match byte_at(hll, ENC_AT) {
        ENC_DENSE => {
            let regs = dense_regs(hll);
            for (i, m) in max.iter_mut().enumerate() {
                *m = (*m).max(dense_get(regs, i));
            }
            Ok(())
        }
        ENC_SPARSE => walk_sparse(hll, |first, op| {
            if let Op::Val(v, n) = op {
                for m in max.iter_mut().skip(first).take(n) {
                    *m = (*m).max(v);
                }
            }
        }),
        _ => Err(Corrupt),
    }
}

/// The estimated cardinality of a one-byte-per-register array.
pub fn count_registers(max: &[u8; REGISTERS]) -> u64 {
    let mut histo = [0u32; 64];
    for &r in max.iter() {
        histo[usize::from(r & 63)] += 1;
    }
    estimate(&histo)
}

/// All registers of a dense HyperLogLog.
pub fn dense_registers(hll: &[u8]) -> impl Iterator<Item = u8> + '_ {
    let regs = dense_regs(hll);
    (0..REGISTERS).map(move |i| dense_get(regs, i))
}

/// The `PFDEBUG DECODE` text of a sparse HyperLogLog: `z:N`, `Z:N` and
/// `v:VALUE,N` opcodes separated by spaces (no validation, as in Redis).
pub fn decode_sparse(hll: &[u8]) -> String {
    let mut out = String::new();
    let mut p = HDR_SIZE;
    while p < hll.len() {
        let op = op_at(hll, p);
        if !out.is_empty() {
            out.push(' ');
        }
        let _ = match op {
            Op::Zero(n) => write!(out, "z:{n}"),
            Op::XZero(n) => write!(out, "Z:{n}"),
            Op::Val(v, n) => write!(out, "v:{v},{n}"),
        };
        p += op.width();
    }
    out
}

// ---------------------------------------------------------------------------
// PFSELFTEST.
// ---------------------------------------------------------------------------

/// A small xorshift generator so the self-test needs no shared state.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// The `PFSELFTEST` checks: register packing round-trips without disturbing
/// neighbours, and dense and sparse counting agree and stay within a few
/// standard errors up to ten million elements. `Err` holds the error reply.
pub fn self_test(max_bytes: u64, seed: u64) -> Result<(), String> {
    let mut rng = XorShift(seed | 1);
    let mut dense = vec![0u8; DENSE_SIZE];
    dense[..4].copy_from_slice(b"HYLL");
    let mut expected = vec![0u8; REGISTERS];
    for _ in 0..1000 {
        let regs = dense_regs_mut(&mut dense);
        for (i, e) in expected.iter_mut().enumerate() {
            let r = (rng.next() & u64::from(REGISTER_MAX)) as u8;
            *e = r;
            dense_set(regs, i, r);
        }
        for (i, &e) in expected.iter().enumerate() {
            let got = dense_get(regs, i);
            if got != e {
                return Err(format!(
                    "TESTFAILED Register {i} should be {e} but is {got}"
                ));
            }
        }
    }

    dense_regs_mut(&mut dense).fill(0);
    let mut sparse = new_sparse();
    let relerr = 1.04 / (REGISTERS as f64).sqrt();
    let mut checkpoint: u64 = 1;
    let salt = rng.next();
    for j in 1..=10_000_000u64 {
        let element = (j ^ salt).to_le_bytes();
        let (index, value) = pattern(&element);
        dense_raise(dense_regs_mut(&mut dense), index, value);
        if add(&mut sparse, &element, max_bytes).is_err() {
            return Err("TESTFAILED sparse representation corrupted".into());
        }
        if j != checkpoint {
            continue;
        }
        if j < max_bytes / 2 && encoding_of(&sparse) != Some(Encoding::Sparse) {
            return Err("TESTFAILED sparse encoding not used".into());
        }
        let card = count(&dense).unwrap_or(0);
        if count(&sparse) != Ok(card) {
            return Err("TESTFAILED dense/sparse disagree".into());
        }
        let abserr = checkpoint.abs_diff(card);
        let maxerr = if j == 10 {
            1
        } else {
            (relerr * 6.0 * checkpoint as f64).ceil() as u64
        };
        if abserr > maxerr {
            return Err(format!(
                "TESTFAILED Too big error. card:{checkpoint} abserr:{abserr}"
            ));
        }
        checkpoint *= 10;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sparse_of(body: &[u8]) -> Vec<u8> {
        let mut v = new_sparse();
        v.truncate(HDR_SIZE);
        v.extend_from_slice(body);
        v
    }

    #[test]
    fn empty_hll_layout() {
        let v = new_sparse();
        assert_eq!(v, b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x7f\xff");
        assert_eq!(encoding_of(&v), Some(Encoding::Sparse));
        assert_eq!(count(&v), Ok(0));
        assert_eq!(cached_cardinality(&v), Some(0));
        assert_eq!(decode_sparse(&v), "Z:16384");
    }

    #[test]
    fn header_checks() {
        assert_eq!(encoding_of(b"HYLL"), None);
        assert_eq!(encoding_of(b"HYLX\x01\0\0\0\0\0\0\0\0\0\0\0"), None);
        assert_eq!(
            encoding_of(b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\0"),
            Some(Encoding::Sparse)
        );
        assert_eq!(encoding_of(b"HYLL\x02\0\0\0\0\0\0\0\0\0\0\0"), None);
        assert_eq!(encoding_of(b"HYLL\x00\0\0\0\0\0\0\0\0\0\0\0"), None);
        let mut dense = vec![0u8; DENSE_SIZE];
        dense[..4].copy_from_slice(b"HYLL");
        assert_eq!(encoding_of(&dense), Some(Encoding::Dense));
    }

    #[test]
    fn dense_registers_round_trip_without_touching_neighbours() {
        let mut regs = vec![0u8; DENSE_SIZE - HDR_SIZE];
        for i in 0..REGISTERS {
            dense_set(&mut regs, i, (i % 64) as u8);
        }
        for i in 0..REGISTERS {
            assert_eq!(dense_get(&regs, i), (i % 64) as u8, "register {i}");
        }
        dense_set(&mut regs, 5, 0);
        assert_eq!(dense_get(&regs, 4), 4);
        assert_eq!(dense_get(&regs, 5), 0);
        assert_eq!(dense_get(&regs, 6), 6);
    }

    #[test]
    fn sparse_split_and_merge() {
        let mut v = new_sparse();
        assert_eq!(sparse_set(&mut v, 1000, 2, 3000), Ok(true));
        assert_eq!(decode_sparse(&v), "Z:1000 v:2,1 Z:15383");
        assert_eq!(sparse_set(&mut v, 1000, 2, 3000), Ok(false));
        assert_eq!(sparse_set(&mut v, 1001, 2, 3000), Ok(true));
        assert_eq!(decode_sparse(&v), "Z:1000 v:2,2 Z:15382");
        assert_eq!(sparse_set(&mut v, 1001, 3, 3000), Ok(true));
        assert_eq!(decode_sparse(&v), "Z:1000 v:2,1 v:3,1 Z:15382");
        assert_eq!(sparse_set(&mut v, 1, 1, 3000), Ok(true));
        assert_eq!(decode_sparse(&v), "z:1 v:1,1 Z:998 v:2,1 v:3,1 Z:15382");
        assert_eq!(sparse_set(&mut v, 1, 40, 3000), Ok(true));
        assert_eq!(encoding_of(&v), Some(Encoding::Dense));
        let regs: Vec<u8> = dense_registers(&v).collect();
        assert_eq!((regs[1], regs[1000], regs[1001], regs[0]), (40, 2, 3, 0));
    }

    #[test]
    fn corrupt_sparse_values_are_rejected() {
        // Too few registers, too many, overflow by a VAL after the end, a
        // truncated XZERO.
        for body in [
            &b"\x7f\xfe"[..],
            b"\x7f\xff\x00",
            b"\x7f\xff\x80",
            b"\x7f",
            b"",
        ] {
            let v = sparse_of(body);
            assert_eq!(count(&v), Err(Corrupt), "{body:?}");
            assert_eq!(sparse_to_dense(&v), Err(Corrupt), "{body:?}");
            let mut max = [0u8; REGISTERS];
            assert_eq!(merge_into(&mut max, &v), Err(Corrupt), "{body:?}");
        }
        let mut v = sparse_of(b"\x00");
        assert_eq!(sparse_set(&mut v, 5, 1, 3000), Err(Corrupt));
    }

    #[test]
    fn patterns_match_redis() {
        // Register and value of single elements, as PFDEBUG DECODE shows them
        // in redis-server (covers every tail length of the hash).
        let cases: [(&[u8], usize, u8); 7] = [
            (b"a", 12711, 2),
            (b"b", 15780, 1),
            (b"hello", 9216, 1),
            (b"", 5938, 2),
            (b"foobar123", 638, 1),
            (b"12345678", 10579, 3),
            (b"123456789abcdef0x", 12038, 1),
        ];
        for (element, index, count) in cases {
            assert_eq!(pattern(element), (index, count), "{element:?}");
        }
    }

    #[test]
    fn estimator_edge_cases() {
        let mut max = [0u8; REGISTERS];
        assert_eq!(count_registers(&max), 0);
        max.fill(63);
        assert_eq!(count_registers(&max) as i64, i64::MIN);
        max.fill(1);
        assert!(count_registers(&max) > 10_000);
    }

    /// A sparse HyperLogLog kept beside a plain register array: after every
    /// update both hold the same registers, the value stays well-formed, and
    /// the promotion happens exactly when the string would pass the limit.
    #[test]
    fn sparse_updates_agree_with_a_plain_register_array() {
        let mut rng = XorShift(0x5eed);
        for max_bytes in [0u64, 30, 300, 3000, 100_000] {
            let mut hll = new_sparse();
            let mut model = [0u8; REGISTERS];
            for step in 0..4000 {
                // Mostly clustered registers and small values, so that VAL
                // runs form and merge.
                let r = rng.next();
                let index = if r & 1 == 0 {
                    (r >> 8) as usize % 64
                } else {
                    (r >> 8) as usize % REGISTERS
                };
                let count = match (r >> 40) % 100 {
                    0 => 33 + ((r >> 48) % 31) as u8,
                    1..=59 => 1 + ((r >> 48) % 3) as u8,
                    _ => 1 + ((r >> 48) % 32) as u8,
                };
                let was_sparse = encoding_of(&hll) == Some(Encoding::Sparse);
                let len_before = hll.len() as u64;
                let changed = set_register(&mut hll, index, count, max_bytes);
                assert_eq!(changed, Ok(count > model[index]), "step {step}");
                model[index] = model[index].max(count);
                let enc = encoding_of(&hll);
                if was_sparse && enc == Some(Encoding::Sparse) {
                    assert!(
                        hll.len() as u64 <= max_bytes.max(len_before),
                        "sparse value grew past the limit"
                    );
                }
                if step % 16 == 0 {
                    let mut regs = [0u8; REGISTERS];
                    merge_into(&mut regs, &hll).expect("still well-formed");
                    assert!(regs == model, "registers differ at step {step}");
                }
            }
            let mut regs = [0u8; REGISTERS];
            merge_into(&mut regs, &hll).expect("still well-formed");
            assert!(regs == model, "registers differ at the end");
            let dense = sparse_to_dense(&hll).unwrap_or_else(|_| hll.clone());
            assert_eq!(count(&hll), count(&dense));
            assert_eq!(count(&hll), Ok(count_registers(&model)));
        }
    }

    /// Damaged, truncated and random values never panic, and a value that
    /// reads as well-formed stays well-formed after updates.
    #[test]
    fn hostile_values_never_panic() {
        let mut rng = XorShift(0xbad_5eed);
        let mut valid = new_sparse();
        for i in 0..600u32 {
            let _ = add(&mut valid, &i.to_le_bytes(), 3000);
        }
        let mut bases = vec![
            new_sparse(),
            valid.clone(),
            sparse_to_dense(&valid).expect("valid value"),
        ];
        // Huge runs: many XZERO opcodes of the longest length.
        let mut long = new_sparse();
        for _ in 0..50_000 {
            long.extend_from_slice(&[0x7f, 0xff]);
        }
        bases.push(long);
        // VAL runs past the last register.
        bases.push(sparse_of(&[0x7f, 0xfe, 0xff, 0xff, 0xff]));
        for round in 0..3000 {
            let mut v = bases[round % bases.len()].clone();
            for _ in 0..1 + rng.next() % 4 {
                let r = rng.next();
                match r % 5 {
                    0 if v.len() > HDR_SIZE => {
                        let at = HDR_SIZE + (r >> 8) as usize % (v.len() - HDR_SIZE);
                        v[at] = (r >> 32) as u8;
                    }
                    1 => v.truncate((r >> 8) as usize % (v.len() + 1)),
                    2 => v.push((r >> 8) as u8),
                    3 if v.len() > HDR_SIZE => {
                        let at = HDR_SIZE + (r >> 8) as usize % (v.len() - HDR_SIZE);
                        v.insert(at, [0x40, 0x7f, 0xff, 0x00, 0x3f][(r >> 40) as usize % 5]);
                    }
                    _ => {}
                }
            }
            let Some(enc) = encoding_of(&v) else {
                continue;
            };
            let well_formed = count(&v).is_ok();
            let mut regs = [0u8; REGISTERS];
            assert_eq!(merge_into(&mut regs, &v).is_ok(), well_formed);
            if enc == Encoding::Sparse {
                assert_eq!(sparse_to_dense(&v).is_ok(), well_formed);
                let _ = decode_sparse(&v);
            }
            let _ = cached_cardinality(&v);
            let mut w = v.clone();
            for k in 0..8u64 {
                let r = rng.next() ^ k;
                let index = (r as usize) % REGISTERS;
                let value = 1 + ((r >> 20) % 63) as u8;
                let max_bytes = [0, 100, 3000][(r >> 40) as usize % 3];
                if set_register(&mut w, index, value, max_bytes).is_err() {
                    break;
                }
            }
            if well_formed {
                assert!(count(&w).is_ok(), "an update broke a well-formed value");
            }
            let mut d = v.clone();
            let _ = make_dense(&mut d);
            let _ = count(&d);
        }
    }

    #[test]
    fn self_test_passes() {
        assert_eq!(self_test(3000, 12345), Ok(()));
    }
}
