//! BITFIELD and BITFIELD_RO: signed and unsigned integers of 1 to 64 bits (unsigned:
//! up to 63) read, written and incremented at arbitrary bit offsets of a string.
//!
//! All operations are parsed first (so any argument error leaves the key alone),
//! then run in order; the string is grown once, to the farthest bit written.
//! Overflow handling (WRAP, SAT, FAIL) is computed exactly in 128-bit arithmetic.

use cinnabar_resp::{parse_i64_strict, Args};

use super::{c_str, is_keyword, parse_bit_offset, string_bytes, string_for_write};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;

/// What to do when SET or INCRBY leaves the integer's range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Overflow {
    /// Keep the low bits (two's complement wrap-around).
    Wrap,
    /// Clamp to the type's minimum or maximum.
    Sat,
    /// Don't write; reply nil for this operation.
    Fail,
}

/// A bitfield integer type: `i1`..`i64` or `u1`..`u63`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FieldType {
    signed: bool,
    bits: u32,
}

impl FieldType {
    /// Smallest value of the type.
    fn min(self) -> i128 {
        if self.signed {
            -(1i128 << (self.bits - 1))
        } else {
            0
        }
    }

    /// Largest value of the type.
    fn max(self) -> i128 {
        if self.signed {
            (1i128 << (self.bits - 1)) - 1
        } else {
            (1i128 << self.bits) - 1
        }
    }

    /// `value` brought into range as the overflow policy says; `None` for FAIL when
    /// out of range.
    fn fit(self, value: i128, overflow: Overflow) -> Option<i128> {
        if (self.min()..=self.max()).contains(&value) {
            return Some(value);
        }
        match overflow {
            Overflow::Fail => None,
            Overflow::Sat => Some(if value > self.max() {
                self.max()
            } else {
                self.min()
            }),
            Overflow::Wrap => {
                let low = value.rem_euclid(1i128 << self.bits);
                Some(if self.signed && low > self.max() {
                    low - (1i128 << self.bits)
                } else {
                    low
                })
            }
        }
    }
}

impl FieldType {
    /// [`FieldType::fit`] for a SET value, with Redis's classification of very
    /// negative values: its range check computes `max - value` in 64-bit arithmetic,
    /// which wraps for a signed type narrower than 64 bits when `value <= max - 2^63`,
    /// and such a value then counts as too *large* (SAT stores the maximum).
    fn fit_set(self, value: i128, overflow: Overflow) -> Option<i128> {
        let wraps = self.signed && self.bits < 64 && value <= self.max() - (1i128 << 63);
        if wraps && overflow == Overflow::Sat {
            Some(self.max())
        } else {
            self.fit(value, overflow)
        }
    }
}

/// One parsed operation.
#[derive(Clone, Copy, Debug)]
enum Op {
    Get,
    Set(i64),
    IncrBy(i64),
}

/// A parsed operation with its type, offset and the overflow policy in force.
#[derive(Clone, Copy, Debug)]
struct FieldOp {
    op: Op,
    ty: FieldType,
    offset: u64,
    overflow: Overflow,
}

/// Parses a type argument like `i16` or `u8` (the part after the sign letter is read
/// as a C string, as Redis does).
fn parse_type(arg: &[u8]) -> Result<FieldType, CmdError> {
    let err = || {
        CmdError::err("Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
    };
    let (signed, max_bits) = match arg.first() {
        Some(b'i') => (true, 64),
        Some(b'u') => (false, 63),
        _ => return Err(err()),
    };
    let bits = parse_i64_strict(c_str(arg.get(1..).unwrap_or_default())).ok_or_else(err)?;
    if !(1..=max_bits).contains(&bits) {
        return Err(err());
    }
    Ok(FieldType {
        signed,
        bits: bits as u32,
    })
}

/// Parses all operations; also returns the farthest bit any write touches.
fn parse_ops(ctx: &Ctx<'_>, args: &Args<'_>) -> Result<(Vec<FieldOp>, Option<u64>), CmdError> {
    let mut ops = Vec::new();
    let mut overflow = Overflow::Wrap;
    let mut highest_write: Option<u64> = None;
    let mut j = 2;
    while j < args.len() {
        let name = args.get(j);
        let remaining = args.len() - j - 1;
        let is_get = is_keyword(name, "get") && remaining >= 2;
        let is_set = is_keyword(name, "set") && remaining >= 3;
        let is_incr = is_keyword(name, "incrby") && remaining >= 3;
        if is_keyword(name, "overflow") && remaining >= 1 {
            let kind = args.get(j + 1);
            overflow = if is_keyword(kind, "wrap") {
                Overflow::Wrap
            } else if is_keyword(kind, "sat") {
                Overflow::Sat
            } else if is_keyword(kind, "fail") {
                Overflow::Fail
            } else {
                return Err(CmdError::err("Invalid OVERFLOW type specified"));
            };
            j += 2;
            continue;
        }
        if !(is_get || is_set || is_incr) {
            return Err(CmdError::Syntax);
        }
        let ty = parse_type(args.get(j + 1))?;
        let offset = parse_bit_offset(ctx, args.get(j + 2), Some(ty.bits))?;
        let op = if is_get {
            Op::Get
        } else {
            let last_bit = offset.saturating_add(u64::from(ty.bits) - 1);
            highest_write = Some(highest_write.map_or(last_bit, |h| h.max(last_bit)));
            let value = parse_i64_strict(args.get(j + 3)).ok_or(CmdError::NotInteger)?;
            if is_set {
                Op::Set(value)
            } else {
                Op::IncrBy(value)
            }
        };
        ops.push(FieldOp {
            op,
            ty,
            offset,
            overflow,
        });
        j += if is_get { 3 } else { 4 };
    }
    Ok((ops, highest_write))
}

/// Reads `bits` bits at bit `offset` as an unsigned number; bits past the end of
/// `bytes` read as zero.
fn read_bits(bytes: &[u8], offset: u64, bits: u32) -> u64 {
    let mut window = [0u8; 16];
    let first = usize::try_from(offset / 8).unwrap_or(usize::MAX);
    if let Some(avail) = bytes.get(first..) {
        for (w, b) in window.iter_mut().zip(avail.iter().take(9)) {
            *w = *b;
        }
    }
    let shifted = u128::from_be_bytes(window) << (offset % 8);
    (shifted >> (128 - bits)) as u64
}

/// Writes the low `bits` bits of `value` at bit `offset`; bytes past the end of
/// `bytes` are left out (callers grow the string first).
fn write_bits(bytes: &mut [u8], offset: u64, bits: u32, value: u64) {
    let Ok(first) = usize::try_from(offset / 8) else {
        return;
    };
    let Some(avail) = bytes.get_mut(first..) else {
        return;
    };
    let mut window = [0u8; 16];
    for (w, b) in window.iter_mut().zip(avail.iter().take(9)) {
        *w = *b;
    }
    let shift = 128 - bits - (offset % 8) as u32;
    let mask = ((1u128 << bits) - 1) << shift;
    let merged = (u128::from_be_bytes(window) & !mask) | ((u128::from(value) << shift) & mask);
    for (b, w) in avail.iter_mut().zip(merged.to_be_bytes().iter().take(9)) {
        *b = *w;
    }
}

/// Reads a field as a number of its type.
fn read_field(bytes: &[u8], offset: u64, ty: FieldType) -> i128 {
    let raw = read_bits(bytes, offset, ty.bits);
    if ty.signed && ty.bits < 64 && raw & (1u64 << (ty.bits - 1)) != 0 {
        i128::from(raw) - (1i128 << ty.bits)
    } else if ty.signed {
        i128::from(raw as i64)
    } else {
        i128::from(raw)
    }
}

// BITFIELD key [GET encoding offset | [OVERFLOW <WRAP | SAT | FAIL>]
//     <SET encoding offset value | INCRBY encoding offset increment>
//     [GET encoding offset | [OVERFLOW <WRAP | SAT | FAIL>]
//     <SET encoding offset value | INCRBY encoding offset increment> ...]]
pub(super) fn bitfield(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    run(ctx, args, false)
}

// BITFIELD_RO key [GET encoding offset [GET encoding offset ...]]
pub(super) fn bitfield_ro(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    run(ctx, args, true)
}

/// Both commands: parse, check, then run every operation in order.
fn run(ctx: &mut Ctx<'_>, args: &Args<'_>, read_only: bool) -> CmdResult {
    let (ops, highest_write) = parse_ops(ctx, args)?;
    let key = args.get(1);
    let Some(highest) = highest_write else {
        // Only GETs: a plain read, on any string encoding.
        let entry = ctx.db.lookup_read(key)?;
        let bytes = match entry {
            Some(e) => string_bytes(e.value())?,
            None => Default::default(),
        };
        ctx.out.array(ops.len());
        for op in &ops {
            ctx.out.int(read_field(&bytes, op.offset, op.ty) as i64);
        }
        return Ok(());
    };
    if read_only {
        return Err(CmdError::err(
            "BITFIELD_RO only supports the GET subcommand",
        ));
    }
    let len = usize::try_from(highest / 8)
        .ok()
        .and_then(|b| b.checked_add(1));
    let len = len.ok_or_else(|| CmdError::err("bit offset is not an integer or out of range"))?;
    let (bytes, grew) = string_for_write(&mut ctx.db, key, len)?;
    // Redis counts every write that changed the field (any write, when the
    // string was created or grew).
    let mut changes = 0usize;
    ctx.out.array(ops.len());
    for op in &ops {
        let old = read_field(bytes, op.offset, op.ty);
        let (target, reply) = match op.op {
            Op::Get => {
                ctx.out.int(old as i64);
                continue;
            }
            Op::Set(v) => {
                // Redis checks the value as the operation's width would store it: an
                // unsigned type sees a negative value as its 64-bit pattern.
                let v = if op.ty.signed {
                    i128::from(v)
                } else {
                    i128::from(v as u64)
                };
                (op.ty.fit_set(v, op.overflow), old)
            }
            Op::IncrBy(d) => {
                let new = op.ty.fit(old + i128::from(d), op.overflow);
                (new, new.unwrap_or(0))
            }
        };
        match target {
            Some(new) => {
                write_bits(bytes, op.offset, op.ty.bits, new as u64);
                if grew || new != old {
                    changes += 1;
                }
                ctx.out.int(reply as i64);
            }
            None => ctx.out.null(),
        }
    }
    if changes > 0 {
        ctx.db.changed_n(key, "setbit", changes);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const U8: FieldType = FieldType {
        signed: false,
        bits: 8,
    };
    const I8: FieldType = FieldType {
        signed: true,
        bits: 8,
    };
    const I64: FieldType = FieldType {
        signed: true,
        bits: 64,
    };
    const U63: FieldType = FieldType {
        signed: false,
        bits: 63,
    };

    #[test]
    fn types_parse_like_redis() {
        assert_eq!(parse_type(b"i64"), Ok(I64));
        assert_eq!(parse_type(b"u63"), Ok(U63));
        assert_eq!(parse_type(b"u8\0junk"), Ok(U8));
        for bad in [
            &b"u64"[..],
            b"i65",
            b"i0",
            b"I8",
            b"u",
            b"",
            b"u08",
            b"u+8",
            b"i-1",
        ] {
            assert!(parse_type(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn bits_round_trip_at_any_alignment() {
        for offset in 0..20u64 {
            for bits in [1u32, 5, 8, 13, 63, 64] {
                let mut bytes = vec![0xA5u8; 12];
                let before = bytes.clone();
                let value = 0x0123_4567_89AB_CDEFu64 & (u64::MAX >> (64 - bits));
                write_bits(&mut bytes, offset, bits, value);
                assert_eq!(read_bits(&bytes, offset, bits), value);
                // Bits outside the field are untouched.
                for bit in (0..96u64).filter(|b| *b < offset || *b >= offset + u64::from(bits)) {
                    let get = |v: &[u8]| v[(bit / 8) as usize] & (0x80 >> (bit % 8));
                    assert_eq!(get(&bytes), get(&before));
                }
            }
        }
        // Reads past the end are zero padded.
        assert_eq!(read_bits(&[0xFF], 4, 8), 0xF0);
        assert_eq!(read_bits(&[], 1000, 64), 0);
    }

    #[test]
    fn overflow_policies() {
        assert_eq!(U8.fit(256, Overflow::Wrap), Some(0));
        assert_eq!(U8.fit(-1, Overflow::Wrap), Some(255));
        assert_eq!(U8.fit(300, Overflow::Sat), Some(255));
        assert_eq!(U8.fit(-5, Overflow::Sat), Some(0));
        assert_eq!(U8.fit(256, Overflow::Fail), None);
        assert_eq!(I8.fit(128, Overflow::Wrap), Some(-128));
        assert_eq!(I8.fit(-129, Overflow::Wrap), Some(127));
        assert_eq!(I8.fit(1000, Overflow::Sat), Some(127));
        assert_eq!(I8.fit(-1000, Overflow::Sat), Some(-128));
        assert_eq!(
            I64.fit(i128::from(i64::MAX) + 1, Overflow::Wrap),
            Some(i128::from(i64::MIN))
        );
        assert_eq!(
            I64.fit(i128::from(i64::MIN) - 1, Overflow::Sat),
            Some(i128::from(i64::MIN))
        );
        assert_eq!(U63.fit(1i128 << 63, Overflow::Wrap), Some(0));
        // Redis's 64-bit range check wraps for these and saturates them upwards.
        assert_eq!(I8.fit_set(i128::from(i64::MIN), Overflow::Sat), Some(127));
        assert_eq!(
            I8.fit_set(i128::from(i64::MIN) + 127, Overflow::Sat),
            Some(127)
        );
        assert_eq!(
            I8.fit_set(i128::from(i64::MIN) + 128, Overflow::Sat),
            Some(-128)
        );
        assert_eq!(I8.fit_set(i128::from(i64::MIN), Overflow::Wrap), Some(0));
        assert_eq!(
            I64.fit_set(i128::from(i64::MIN), Overflow::Sat),
            Some(i128::from(i64::MIN))
        );
    }

    #[test]
    fn signed_reads_sign_extend() {
        assert_eq!(read_field(&[0xFF], 0, I8), -1);
        assert_eq!(
            read_field(
                &[0x80],
                0,
                FieldType {
                    signed: true,
                    bits: 1
                }
            ),
            -1
        );
        assert_eq!(read_field(&[0xFF; 8], 0, I64), -1);
        assert_eq!(read_field(&[0xFF; 8], 0, U63), i128::from(i64::MAX));
    }
}
