//! Bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO.
//!
//! A bitmap is an ordinary string seen as a bit array: bit 0 is the most significant
//! bit of the first byte. Reads work on every string encoding (an `int` value is read
//! as its decimal text); writes grow the string with zero bytes as needed and leave
//! it with the `raw` encoding, keeping the key's TTL. BITFIELD lives in
//! [`bitfield`]; the shared helpers (offset parsing, string access, popcount, bit
//! search, range normalisation) are here.

mod bitfield;

use std::borrow::Cow;
use std::sync::atomic::Ordering::Relaxed;

use cinnabar_resp::{parse_i64_strict, Args};

use super::prelude::*;
use super::{acl, flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::{Ctx, Db};
use crate::keyspace::{NewValue, ValueRef};
use crate::types::Object;

/// The bitmap command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("setbit", 4, WRITE | DENYOOM, "bitmap", setbit)
        .acl(acl::WRITE | acl::BITMAP | acl::SLOW)
        .since("2.2.0")
        .doc(
            "Sets or clears one bit of a string, returning the bit's previous value.",
            "O(1)",
        )
        .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE, 1)])
        .args(&[key("key", 0), integer("offset"), integer("value")]),
    CommandDef::new("getbit", 3, READONLY | FAST, "bitmap", getbit)
        .acl(acl::READ | acl::BITMAP | acl::FAST)
        .since("2.2.0")
        .doc("Returns one bit of a string.", "O(1)")
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), integer("offset")]),
    CommandDef::new("bitcount", -2, READONLY, "bitmap", bitcount)
        .acl(acl::READ | acl::BITMAP | acl::SLOW)
        .since("2.6.0")
        .doc(
            "Counts the bits set to one in a string or in a byte or bit range of it.",
            "O(N)",
        )
        .history(&[("7.0.0", "BYTE and BIT units for the range.")])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            block(
                "range",
                &[
                    integer("start"),
                    integer("end"),
                    oneof("unit", &[token("byte", "BYTE"), token("bit", "BIT")])
                        .optional()
                        .since("7.0.0"),
                ],
            )
            .optional(),
        ]),
    CommandDef::new("bitpos", -3, READONLY, "bitmap", bitpos)
        .acl(acl::READ | acl::BITMAP | acl::SLOW)
        .since("2.8.7")
        .doc(
            concat!(
                "Finds the first bit set to one, or to zero, in a string or a ",
                "range of it."
            ),
            "O(N)",
        )
        .history(&[("7.0.0", "BYTE and BIT units for the range.")])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            integer("bit"),
            block(
                "range",
                &[
                    integer("start"),
                    block(
                        "end-unit-block",
                        &[
                            integer("end"),
                            oneof("unit", &[token("byte", "BYTE"), token("bit", "BIT")])
                                .optional()
                                .since("7.0.0"),
                        ],
                    )
                    .optional(),
                ],
            )
            .optional(),
        ]),
    CommandDef::new("bitop", -4, WRITE | DENYOOM, "bitmap", bitop)
        .acl(acl::WRITE | acl::BITMAP | acl::SLOW)
        .since("2.6.0")
        .doc(
            concat!(
                "Combines strings bit by bit with AND, OR, XOR or NOT and ",
                "stores the result."
            ),
            "O(N)",
        )
        .key_specs(&[
            KeySpec::single(OW | UPDATE, 2),
            KeySpec::range(RO | ACCESS, 3, -1, 1, 0),
        ])
        .args(&[
            oneof(
                "operation",
                &[
                    token("and", "AND"),
                    token("or", "OR"),
                    token("xor", "XOR"),
                    token("not", "NOT"),
                ],
            ),
            key("destkey", 0),
            key("key", 1).multiple(),
        ]),
    CommandDef::new(
        "bitfield",
        -2,
        WRITE | DENYOOM,
        "bitmap",
        bitfield::bitfield,
    )
    .acl(acl::WRITE | acl::BITMAP | acl::SLOW)
    .since("3.2.0")
    .doc(
        concat!(
            "Reads, writes and increments integers of any width up to 64 ",
            "bits at any bit offset of a string."
        ),
        "O(1) per operation given",
    )
    .key_specs(&[KeySpec::single(RW | ACCESS | UPDATE | VARIABLE_FLAGS, 1)
        .notes("Reads and may also write the key, depending on the operations.")])
    .args(&[
        key("key", 0),
        oneof(
            "operation",
            &[
                block("get-block", &[string("encoding"), integer("offset")]).token("GET"),
                block(
                    "write",
                    &[
                        oneof(
                            "overflow-block",
                            &[
                                token("wrap", "WRAP"),
                                token("sat", "SAT"),
                                token("fail", "FAIL"),
                            ],
                        )
                        .token("OVERFLOW")
                        .optional(),
                        oneof(
                            "write-operation",
                            &[
                                block(
                                    "set-block",
                                    &[string("encoding"), integer("offset"), integer("value")],
                                )
                                .token("SET"),
                                block(
                                    "incrby-block",
                                    &[string("encoding"), integer("offset"), integer("increment")],
                                )
                                .token("INCRBY"),
                            ],
                        ),
                    ],
                ),
            ],
        )
        .optional()
        .multiple(),
    ])
    .keys_fn(getkeys::bitfield_keys),
    CommandDef::new(
        "bitfield_ro",
        -2,
        READONLY | FAST,
        "bitmap",
        bitfield::bitfield_ro,
    )
    .acl(acl::READ | acl::BITMAP | acl::FAST)
    .since("6.0.0")
    .doc(
        "The read-only form of BITFIELD: only GET operations are accepted.",
        "O(1) per GET operation given",
    )
    .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
    .args(&[
        key("key", 0),
        block("get-block", &[string("encoding"), integer("offset")])
            .token("GET")
            .optional()
            .multiple()
            .multiple_token(),
    ]),
];

/// The error for a bad or too large bit offset (GETBIT, SETBIT, BITFIELD).
const OFFSET_ERR: &str = "bit offset is not an integer or out of range";

/// An argument as C string functions see it: cut at the first NUL byte (Redis
/// compares keywords with `strcasecmp`).
fn c_str(arg: &[u8]) -> &[u8] {
    arg.split(|&b| b == 0).next().unwrap_or(arg)
}

/// Case-insensitive keyword comparison with C string semantics.
fn is_keyword(arg: &[u8], keyword: &str) -> bool {
    c_str(arg).eq_ignore_ascii_case(keyword.as_bytes())
}

/// Parses a bit offset as Redis does. With `hash_bits` (BITFIELD), the `#N` form means
/// `N * bits`. Offsets whose byte lies at or beyond `proto-max-bulk-len` are refused.
fn parse_bit_offset(ctx: &Ctx<'_>, arg: &[u8], hash_bits: Option<u32>) -> Result<u64, CmdError> {
    let (digits, multiplier) = match (arg.first(), hash_bits) {
        (Some(b'#'), Some(bits)) if bits > 0 => (arg.get(1..).unwrap_or_default(), i64::from(bits)),
        _ => (arg, 1),
    };
    let parsed = parse_i64_strict(digits).ok_or_else(|| CmdError::err(OFFSET_ERR))?;
    // Redis multiplies in C `long long` arithmetic; wrapping reproduces what it does
    // with values too large to multiply.
    let offset = parsed.wrapping_mul(multiplier);
    let limit = ctx.srv.tun.proto_max_bulk_len.load(Relaxed) as u64;
    if offset < 0 || (offset as u64 >> 3) >= limit {
        return Err(CmdError::err(OFFSET_ERR));
    }
    Ok(offset as u64)
}

/// The bytes of a string value of any encoding; WRONGTYPE for other types.
fn string_bytes(value: ValueRef<'_>) -> Result<Cow<'_, [u8]>, CmdError> {
    match value {
        ValueRef::Embstr(b) => Ok(Cow::Borrowed(b)),
        ValueRef::Int(i) => Ok(Cow::Owned(
            itoa::Buffer::new().format(i).as_bytes().to_vec(),
        )),
        ValueRef::Object(Object::Str(s)) => Ok(Cow::Borrowed(s)),
        ValueRef::Object(_) | ValueRef::Embedded(_) => Err(CmdError::WrongType),
    }
}

/// Opens the string at `key` for in-place bit writes: creates it when missing, turns
/// it into a `raw` string, and grows it with zero bytes to at least `min_len`.
/// The TTL is kept. The flag is Redis's `dirty` of `lookupStringForBitCommand`:
/// true when the string was created or grew (a change even if no bit changes).
fn string_for_write<'d>(
    db: &'d mut Db<'_>,
    key: &[u8],
    min_len: usize,
) -> Result<(&'d mut Vec<u8>, bool), CmdError> {
    let exists = match db.lookup_write(key)? {
        None => false,
        Some(entry) => {
            if !matches!(entry.object_mut(), Some(Object::Str(_))) {
                let bytes = string_bytes(entry.value())?.into_owned();
                entry.set_value(NewValue::raw_string(bytes));
            }
            true
        }
    };
    if !exists {
        let mut bytes = Vec::new();
        grow_zeroed(&mut bytes, min_len)?;
        db.set(key, NewValue::raw_string(bytes), None)?;
    }
    let internal = || CmdError::err("internal error: bitmap value vanished");
    let entry = db.lookup_write(key)?.ok_or_else(internal)?;
    match entry.object_mut() {
        Some(Object::Str(bytes)) => {
            let grew = !exists || bytes.len() < min_len;
            if bytes.len() < min_len {
                grow_zeroed(bytes, min_len)?;
            }
            Ok((bytes, grew))
        }
        _ => Err(internal()),
    }
}

/// Pads `bytes` with zeros up to `len`, failing cleanly when memory can't be had.
fn grow_zeroed(bytes: &mut Vec<u8>, len: usize) -> CmdResult {
    let extra = len.saturating_sub(bytes.len());
    bytes
        .try_reserve_exact(extra)
        .map_err(|_| CmdError::err("out of memory growing the string"))?;
    bytes.resize(len, 0);
    Ok(())
}

// SETBIT key offset value
fn setbit(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    const BIT_ERR: &str = "bit is not an integer or out of range";
    let offset = parse_bit_offset(ctx, args.get(2), None)?;
    let on = match parse_i64_strict(args.get(3)) {
        Some(v @ (0 | 1)) => v == 1,
        _ => return Err(CmdError::err(BIT_ERR)),
    };
    let byte = usize::try_from(offset >> 3).map_err(|_| CmdError::err(OFFSET_ERR))?;
    let mask = 0x80u8 >> (offset & 7);
    let key = args.get(1);
    let (bytes, grew) = string_for_write(&mut ctx.db, key, byte.saturating_add(1))?;
    let slot = bytes
        .get_mut(byte)
        .ok_or_else(|| CmdError::err(OFFSET_ERR))?;
    let was = *slot & mask != 0;
    if on {
        *slot |= mask;
    } else {
        *slot &= !mask;
    }
    if grew || was != on {
        ctx.db.changed(key, "setbit");
    }
    ctx.out.int(i64::from(was));
    Ok(())
}

// GETBIT key offset
fn getbit(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let offset = parse_bit_offset(ctx, args.get(2), None)?;
    let Some(entry) = ctx.db.lookup_read(args.get(1))? else {
        ctx.out.int(0);
        return Ok(());
    };
    let bytes = string_bytes(entry.value())?;
    let bit = usize::try_from(offset >> 3)
        .ok()
        .and_then(|i| bytes.get(i))
        .is_some_and(|b| b & (0x80u8 >> (offset & 7)) != 0);
    ctx.out.int(i64::from(bit));
    Ok(())
}

/// Parses BITCOUNT/BITPOS's `BYTE | BIT` unit keyword; true for BIT.
fn parse_unit(arg: &[u8]) -> Result<bool, CmdError> {
    if is_keyword(arg, "bit") {
        Ok(true)
    } else if is_keyword(arg, "byte") {
        Ok(false)
    } else {
        Err(CmdError::Syntax)
    }
}

/// Turns a `start end` pair (negative: from the end) over a length `total` into an
/// inclusive index range clamped to it; `None` when the range is empty.
fn clamp_range(start: i64, end: i64, total: i64) -> Option<(u64, u64)> {
    let from_end = |i: i64| if i < 0 { i.saturating_add(total) } else { i };
    let start = from_end(start).max(0);
    let end = from_end(end).max(0).min(total.saturating_sub(1));
    (start <= end).then_some((start as u64, end as u64))
}

/// An inclusive bit range for a `start end` range in `unit` (BIT: bits, else bytes)
/// over a string of `len` bytes.
fn bit_range(start: i64, end: i64, len: usize, bit_unit: bool) -> Option<(u64, u64)> {
    let len = len as i64;
    if bit_unit {
        clamp_range(start, end, len.saturating_mul(8))
    } else {
        clamp_range(start, end, len)
            .map(|(s, e)| (s.saturating_mul(8), e.saturating_mul(8).saturating_add(7)))
    }
}

// BITCOUNT key [start end [BYTE | BIT]]
fn bitcount(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    // Redis 7.2 looks the key up before it parses the range.
    let Some(entry) = ctx.db.lookup_read(args.get(1))? else {
        ctx.out.int(0);
        return Ok(());
    };
    let bytes = string_bytes(entry.value())?;
    let range = match args.len() {
        2 => bit_range(0, -1, bytes.len(), false),
        4 | 5 => {
            let start = parse_i64_strict(args.get(2)).ok_or(CmdError::NotInteger)?;
            let end = parse_i64_strict(args.get(3)).ok_or(CmdError::NotInteger)?;
            // Redis answers 0 for this case before it looks at the unit keyword.
            if start < 0 && end < 0 && start > end {
                None
            } else {
                let bit_unit = args.len() == 5 && parse_unit(args.get(4))?;
                bit_range(start, end, bytes.len(), bit_unit)
            }
        }
        _ => return Err(CmdError::Syntax),
    };
    let count = range.map_or(0, |(first, last)| count_bits(&bytes, first, last));
    ctx.out.int(count as i64);
    Ok(())
}

/// Number of bits set to one among bits `first..=last` of `bytes` (within bounds).
fn count_bits(bytes: &[u8], first: u64, last: u64) -> u64 {
    let (fb, lb) = ((first / 8) as usize, (last / 8) as usize);
    let head = 0xFFu8 >> (first % 8);
    let tail = 0xFFu8 << (7 - last % 8);
    let byte = |i: usize| bytes.get(i).copied().unwrap_or(0);
    if fb == lb {
        return u64::from((byte(fb) & head & tail).count_ones());
    }
    let middle = bytes.get(fb + 1..lb).unwrap_or_default();
    u64::from((byte(fb) & head).count_ones())
        + popcount(middle)
        + u64::from((byte(lb) & tail).count_ones())
}

/// Number of bits set to one in `bytes`, using the CPU's fastest population count.
pub fn popcount(bytes: &[u8]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("popcnt")
        {
            // SAFETY: the CPU supports both features, checked just above.
            return unsafe { popcount_avx2(bytes) };
        }
        if std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: the CPU supports the feature, checked just above.
            return unsafe { popcount_popcnt(bytes) };
        }
    }
    popcount_words(bytes)
}

/// [`popcount_words`] compiled for AVX2 (vectorised nibble-table counting).
///
/// # Safety
/// The CPU must support AVX2 and POPCNT.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
unsafe fn popcount_avx2(bytes: &[u8]) -> u64 {
    popcount_words(bytes)
}

/// [`popcount_words`] compiled with the POPCNT instruction.
///
/// # Safety
/// The CPU must support POPCNT.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "popcnt")]
unsafe fn popcount_popcnt(bytes: &[u8]) -> u64 {
    popcount_words(bytes)
}

/// Portable population count, four independent 64-bit words at a time.
#[inline(always)]
fn popcount_words(bytes: &[u8]) -> u64 {
    let (blocks, rest) = bytes.as_chunks::<32>();
    let mut acc = [0u64; 4];
    for block in blocks {
        let (words, _) = block.as_chunks::<8>();
        for (a, w) in acc.iter_mut().zip(words) {
            *a += u64::from(u64::from_ne_bytes(*w).count_ones());
        }
    }
    let tail: u64 = rest.iter().map(|b| u64::from(b.count_ones())).sum();
    acc.iter().sum::<u64>() + tail
}

// BITPOS key bit [start [end [BYTE | BIT]]]
fn bitpos(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let want = match parse_i64_strict(args.get(2)).ok_or(CmdError::NotInteger)? {
        0 => false,
        1 => true,
        _ => return Err(CmdError::err("The bit argument must be 1 or 0.")),
    };
    // Redis 7.2 looks the key up before it parses the range: a missing key is an
    // endless run of zero bits.
    let Some(entry) = ctx.db.lookup_read(args.get(1))? else {
        ctx.out.int(if want { -1 } else { 0 });
        return Ok(());
    };
    let bytes = string_bytes(entry.value())?;
    let (range, end_given) = match args.len() {
        3 => (bit_range(0, -1, bytes.len(), false), false),
        4..=6 => {
            let start = parse_i64_strict(args.get(3)).ok_or(CmdError::NotInteger)?;
            let bit_unit = args.len() == 6 && parse_unit(args.get(5))?;
            if args.len() >= 5 {
                let end = parse_i64_strict(args.get(4)).ok_or(CmdError::NotInteger)?;
                (bit_range(start, end, bytes.len(), bit_unit), true)
            } else {
                (bit_range(start, -1, bytes.len(), false), false)
            }
        }
        _ => return Err(CmdError::Syntax),
    };
    let pos = match range {
        // An empty range holds neither a one nor a zero.
        None => -1,
        Some((first, last)) => match find_bit(&bytes, first, last, want) {
            Some(p) => p as i64,
            // Without an explicit end, the string counts as padded with zeros.
            None if !want && !end_given => (last as i64).saturating_add(1),
            None => -1,
        },
    };
    ctx.out.int(pos);
    Ok(())
}

/// Position of the first bit equal to `want` among bits `first..=last` of `bytes`.
fn find_bit(bytes: &[u8], first: u64, last: u64, want: bool) -> Option<u64> {
    // XOR with `flip` turns the bits we look for into ones.
    let flip = if want { 0u8 } else { 0xFF };
    let (fb, lb) = ((first / 8) as usize, (last / 8) as usize);
    let head = 0xFFu8 >> (first % 8);
    let tail = 0xFFu8 << (7 - last % 8);
    let byte = |i: usize| bytes.get(i).map(|b| b ^ flip);
    let hit = |i: usize, b: u8| (b != 0).then(|| i as u64 * 8 + u64::from(b.leading_zeros()));
    if fb == lb {
        return hit(fb, byte(fb)? & head & tail);
    }
    if let Some(p) = hit(fb, byte(fb)? & head) {
        return Some(p);
    }
    let middle = bytes.get(fb + 1..lb)?;
    if let Some(i) = first_byte_not(middle, flip) {
        let at = fb + 1 + i;
        return hit(at, byte(at)?);
    }
    hit(lb, byte(lb)? & tail)
}

/// Index of the first byte of `bytes` different from `skip`, a word at a time.
fn first_byte_not(bytes: &[u8], skip: u8) -> Option<usize> {
    let skip_word = u64::from_ne_bytes([skip; 8]);
    let (words, _) = bytes.as_chunks::<8>();
    let start = words
        .iter()
        .position(|w| u64::from_ne_bytes(*w) != skip_word)
        .unwrap_or(words.len())
        * 8;
    bytes
        .get(start..)?
        .iter()
        .position(|&b| b != skip)
        .map(|i| start + i)
}

/// Bytes of BITOP's result computed at a time (kept in cache across the sources).
const BITOP_BLOCK: usize = 64 * 1024;

/// A BITOP operation.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BitOp {
    And,
    Or,
    Xor,
    Not,
}

// BITOP <AND | OR | XOR | NOT> destkey key [key ...]
fn bitop(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let name = args.get(1);
    let op = if is_keyword(name, "and") {
        BitOp::And
    } else if is_keyword(name, "or") {
        BitOp::Or
    } else if is_keyword(name, "xor") {
        BitOp::Xor
    } else if is_keyword(name, "not") {
        BitOp::Not
    } else {
        return Err(CmdError::Syntax);
    };
    if op == BitOp::Not && args.len() != 4 {
        return Err(CmdError::err(
            "BITOP NOT must be called with a single source key.",
        ));
    }
    // First pass: type checks and lengths (one read lookup per source, as Redis).
    let mut max_len = 0usize;
    for i in 3..args.len() {
        if let Some(entry) = ctx.db.lookup_read(args.get(i))? {
            max_len = max_len.max(string_bytes(entry.value())?.len());
        }
    }
    let dest = args.get(2);
    if max_len == 0 {
        if ctx.db.remove(dest)? {
            ctx.db.changed(dest, "del");
        }
        ctx.out.int(0);
        return Ok(());
    }
    // Second pass: build the result block by block so each block of it stays in
    // cache while every source is folded in (one borrowed value at a time).
    let mut result: Vec<u8> = Vec::new();
    result
        .try_reserve_exact(max_len)
        .map_err(|_| CmdError::err("out of memory building the result"))?;
    let db = ctx.db.index;
    let mut at = 0;
    while at < max_len {
        let block_end = at.saturating_add(BITOP_BLOCK).min(max_len);
        for i in 3..args.len() {
            let source = match ctx.db.lookup_in(db, args.get(i))? {
                Some(entry) => string_bytes(entry.value())?,
                None => Cow::Borrowed(&[][..]),
            };
            let src = source
                .get(at..block_end.min(source.len()))
                .unwrap_or_default();
            if i == 3 {
                result.extend_from_slice(src);
                result.resize(block_end, 0);
                if op == BitOp::Not {
                    not_in_place(result.get_mut(at..).unwrap_or_default());
                }
                continue;
            }
            let block = result.get_mut(at..).unwrap_or_default();
            match op {
                BitOp::And => {
                    and_into(block, src);
                    block.get_mut(src.len()..).unwrap_or_default().fill(0);
                }
                BitOp::Or => or_into(block, src),
                BitOp::Xor => xor_into(block, src),
                BitOp::Not => {}
            }
        }
        at = block_end;
    }
    ctx.db.set(dest, NewValue::raw_string(result), None)?;
    ctx.db.changed(dest, "set");
    ctx.out.int(max_len as i64);
    Ok(())
}

/// `dst[i] &= src[i]` over the common length (auto-vectorised).
fn and_into(dst: &mut [u8], src: &[u8]) {
    dst.iter_mut().zip(src).for_each(|(d, s)| *d &= s);
}

/// `dst[i] |= src[i]` over the common length (auto-vectorised).
fn or_into(dst: &mut [u8], src: &[u8]) {
    dst.iter_mut().zip(src).for_each(|(d, s)| *d |= s);
}

/// `dst[i] ^= src[i]` over the common length (auto-vectorised).
fn xor_into(dst: &mut [u8], src: &[u8]) {
    dst.iter_mut().zip(src).for_each(|(d, s)| *d ^= s);
}

/// Inverts every bit (auto-vectorised).
fn not_in_place(dst: &mut [u8]) {
    dst.iter_mut().for_each(|d| *d = !*d);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive_count(bytes: &[u8], first: u64, last: u64) -> u64 {
        (first..=last)
            .filter(|&b| bytes[(b / 8) as usize] & (0x80 >> (b % 8)) != 0)
            .count() as u64
    }

    fn naive_find(bytes: &[u8], first: u64, last: u64, want: bool) -> Option<u64> {
        (first..=last).find(|&b| (bytes[(b / 8) as usize] & (0x80 >> (b % 8)) != 0) == want)
    }

    fn sample(len: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                // Mostly runs of 0x00 / 0xFF so the word-skipping paths get exercised.
                match x % 4 {
                    0 => 0,
                    1 => 0xFF,
                    _ => (x >> 8) as u8,
                }
            })
            .collect()
    }

    #[test]
    fn popcount_matches_naive() {
        for len in [0, 1, 7, 8, 31, 32, 33, 100, 257, 1000] {
            let bytes = sample(len, len as u64 + 3);
            let expected: u64 = bytes.iter().map(|b| u64::from(b.count_ones())).sum();
            assert_eq!(popcount(&bytes), expected);
            assert_eq!(popcount_words(&bytes), expected);
        }
    }

    #[test]
    fn count_and_find_match_naive() {
        let bytes = sample(70, 99);
        let bits = bytes.len() as u64 * 8;
        for first in (0..bits).step_by(3) {
            for last in (first..bits).step_by(5) {
                assert_eq!(
                    count_bits(&bytes, first, last),
                    naive_count(&bytes, first, last)
                );
                for want in [false, true] {
                    assert_eq!(
                        find_bit(&bytes, first, last, want),
                        naive_find(&bytes, first, last, want)
                    );
                }
            }
        }
        let ones = vec![0xFFu8; 40];
        assert_eq!(find_bit(&ones, 0, 319, false), None);
        assert_eq!(find_bit(&ones, 3, 300, true), Some(3));
        let zeros = vec![0u8; 40];
        assert_eq!(find_bit(&zeros, 0, 319, true), None);
        assert_eq!(find_bit(&zeros, 9, 319, false), Some(9));
    }

    #[test]
    fn ranges_follow_redis_rules() {
        assert_eq!(clamp_range(0, -1, 6), Some((0, 5)));
        assert_eq!(clamp_range(-2, -1, 6), Some((4, 5)));
        assert_eq!(clamp_range(-100, 100, 6), Some((0, 5)));
        assert_eq!(clamp_range(3, 1, 6), None);
        assert_eq!(clamp_range(0, -1, 0), None);
        assert_eq!(clamp_range(i64::MIN, i64::MAX, 6), Some((0, 5)));
        assert_eq!(bit_range(1, 1, 6, false), Some((8, 15)));
        assert_eq!(bit_range(5, 30, 6, true), Some((5, 30)));
    }

    #[test]
    fn keywords_stop_at_nul() {
        assert!(is_keyword(b"BiT\0junk", "bit"));
        assert!(!is_keyword(b"bits", "bit"));
        assert_eq!(c_str(b""), b"");
    }
}
