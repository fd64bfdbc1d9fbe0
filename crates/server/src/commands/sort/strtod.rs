//! The C library's `strtod` as SORT uses it to turn elements (or BY values) into
//! scores.
//!
//! SORT does not use Redis's strict double parsing: it calls `strtod` on the
//! value as a C string and accepts the value when the parse stopped at the end of
//! that C string (the first NUL byte, if any), `errno` is not `ERANGE` and the
//! result is not NaN. That admits leading white space, a `+` sign, hexadecimal
//! floats (`0x1.8p3`), `inf`/`infinity`, an empty string (0) and anything after a
//! NUL byte, and rejects trailing white space, overflow, and underflow to a
//! subnormal or zero that loses precision (glibc's rule: tiny *and* inexact).

/// The outcome of a C `strtod` call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parsed {
    /// The value (0 when nothing could be parsed).
    pub value: f64,
    /// Bytes consumed (0 when nothing could be parsed).
    pub consumed: usize,
    /// `errno` would be `ERANGE` (overflow, or a tiny inexact result).
    pub erange: bool,
}

/// The score SORT derives from a value: `None` when Redis reports "One or more
/// scores can't be converted into double".
pub fn sort_score(bytes: &[u8]) -> Option<f64> {
    let text = c_str(bytes);
    let p = strtod(text);
    if p.consumed != text.len() || p.erange || p.value.is_nan() {
        return None;
    }
    Some(p.value)
}

/// The part of `bytes` a C function sees: up to the first NUL byte.
pub fn c_str(bytes: &[u8]) -> &[u8] {
    match bytes.iter().position(|&b| b == 0) {
        Some(end) => bytes.get(..end).unwrap_or(bytes),
        None => bytes,
    }
}

/// C `isspace` in the C locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Parses the longest prefix of `s` that C's `strtod` accepts (C locale).
pub fn strtod(s: &[u8]) -> Parsed {
    const NONE: Parsed = Parsed {
        value: 0.0,
        consumed: 0,
        erange: false,
    };
    let mut i = 0;
    while s.get(i).copied().is_some_and(is_c_space) {
        i += 1;
    }
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let rest = s.get(i..).unwrap_or(&[]);
    let signed = |v: f64| if negative { -v } else { v };
    if starts_with_nocase(rest, b"inf") {
        let len = if starts_with_nocase(rest, b"infinity") {
            8
        } else {
            3
        };
        return Parsed {
            value: signed(f64::INFINITY),
            consumed: i + len,
            erange: false,
        };
    }
    if starts_with_nocase(rest, b"nan") {
        let mut len = 3;
        if rest.get(3) == Some(&b'(') {
            let inner = rest
                .get(4..)
                .unwrap_or(&[])
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            if rest.get(4 + inner) == Some(&b')') {
                len = 4 + inner + 1;
            }
        }
        return Parsed {
            value: signed(f64::NAN),
            consumed: i + len,
            erange: false,
        };
    }
    if let Some(p) = parse_hex(rest) {
        return Parsed {
            value: signed(p.value),
            consumed: i + p.consumed,
            erange: p.erange,
        };
    }
    match parse_decimal(rest) {
        Some(p) => Parsed {
            value: signed(p.value),
            consumed: i + p.consumed,
            erange: p.erange,
        },
        None => NONE,
    }
}

fn starts_with_nocase(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len()
        && s.iter()
            .zip(prefix)
            .all(|(a, b)| a.to_ascii_lowercase() == *b)
}

/// Counts the digits accepted by `pred` at the start of `s`.
fn digits(s: &[u8], pred: impl Fn(u8) -> bool) -> usize {
    s.iter().take_while(|b| pred(**b)).count()
}

/// Parses an optional exponent (`e`/`p` already matched at `s[0]`): its length
/// and value (saturated), or `None` when no digit follows.
fn exponent(s: &[u8]) -> Option<(usize, i64)> {
    let mut i = 1;
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let n = digits(s.get(i..).unwrap_or(&[]), |b| b.is_ascii_digit());
    if n == 0 {
        return None;
    }
    let mut value: i64 = 0;
    for &b in s.get(i..i + n).unwrap_or(&[]) {
        value = value.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    Some((i + n, if negative { -value } else { value }))
}

/// Decimal: digits with an optional point and exponent (no sign).
fn parse_decimal(s: &[u8]) -> Option<Parsed> {
    let int_len = digits(s, |b| b.is_ascii_digit());
    let mut i = int_len;
    let mut frac_len = 0;
    if s.get(i) == Some(&b'.') {
        frac_len = digits(s.get(i + 1..).unwrap_or(&[]), |b| b.is_ascii_digit());
        if int_len + frac_len > 0 {
            i += 1 + frac_len;
        }
    }
    if int_len + frac_len == 0 {
        return None;
    }
    let mut exp10: i64 = 0;
    if matches!(s.get(i), Some(b'e' | b'E')) {
        if let Some((len, e)) = exponent(s.get(i..).unwrap_or(&[])) {
            i += len;
            exp10 = e;
        }
    }
    let text = std::str::from_utf8(s.get(..i)?).ok()?;
    let value: f64 = text.parse().ok()?;
    let int_digits = s.get(..int_len).unwrap_or(&[]);
    let frac_digits = s.get(int_len + 1..int_len + 1 + frac_len).unwrap_or(&[]);
    let nonzero = int_digits.iter().chain(frac_digits).any(|&b| b != b'0');
    let erange = if value.is_infinite() {
        true
    } else if value == 0.0 {
        nonzero
    } else if value.abs() < f64::MIN_POSITIVE {
        !decimal_is_exact(int_digits, frac_digits, exp10, value.abs())
    } else {
        false
    };
    Some(Parsed {
        value,
        consumed: i,
        erange,
    })
}

/// True when the decimal `int.frac × 10^exp10` equals the subnormal `v` exactly
/// (glibc reports no ERANGE for an exact subnormal).
fn decimal_is_exact(int: &[u8], frac: &[u8], exp10: i64, v: f64) -> bool {
    // The input as (significant digits, exponent): value = digits × 10^exp.
    let all: Vec<u8> = int.iter().chain(frac).copied().collect();
    let Some(first) = all.iter().position(|&b| b != b'0') else {
        return false;
    };
    let last = all.iter().rposition(|&b| b != b'0').unwrap_or(first);
    let sig = all.get(first..=last).unwrap_or(&[]);
    let trailing_zeros = (all.len() - 1 - last) as i64;
    let exp = exp10
        .saturating_sub(frac.len() as i64)
        .saturating_add(trailing_zeros);
    // v = m × 2^-1074 = m × 5^1074 × 10^-1074.
    let m = v.to_bits() & ((1u64 << 52) - 1);
    let (digits, zeros) = times_pow5(m, 1074);
    let want_exp = zeros as i64 - 1074;
    sig == digits.as_slice() && exp == want_exp
}

/// The decimal digits of `m × 5^k` without trailing zeros, and how many trailing
/// zeros were removed.
fn times_pow5(m: u64, k: u32) -> (Vec<u8>, usize) {
    const BASE: u64 = 1_000_000_000;
    // Little-endian limbs in base 10^9.
    let mut limbs: Vec<u64> = vec![m % BASE, (m / BASE) % BASE, m / BASE / BASE];
    let mut left = k;
    while left > 0 {
        let step = left.min(12);
        left -= step;
        let factor = 5u64.pow(step);
        let mut carry = 0u64;
        for limb in limbs.iter_mut() {
            let x = *limb * factor + carry;
            *limb = x % BASE;
            carry = x / BASE;
        }
        while carry > 0 {
            limbs.push(carry % BASE);
            carry /= BASE;
        }
    }
    while limbs.len() > 1 && limbs.last() == Some(&0) {
        limbs.pop();
    }
    let mut text = String::new();
    for (n, limb) in limbs.iter().rev().enumerate() {
        if n == 0 {
            text.push_str(&limb.to_string());
        } else {
            text.push_str(&format!("{limb:09}"));
        }
    }
    let bytes = text.into_bytes();
    let kept = bytes.iter().rposition(|&b| b != b'0').map_or(0, |p| p + 1);
    let zeros = bytes.len() - kept;
    (bytes.get(..kept).unwrap_or(&[]).to_vec(), zeros)
}

/// Hexadecimal: `0x`, hex digits with an optional point, an optional binary
/// exponent. `None` when `s` is not a hex float (then `0x` parses as `0`).
fn parse_hex(s: &[u8]) -> Option<Parsed> {
    if !(s.first() == Some(&b'0') && matches!(s.get(1), Some(b'x' | b'X'))) {
        return None;
    }
    let body = s.get(2..).unwrap_or(&[]);
    let int_len = digits(body, |b| b.is_ascii_hexdigit());
    let mut i = int_len;
    let mut frac_len = 0;
    if body.get(i) == Some(&b'.') {
        frac_len = digits(body.get(i + 1..).unwrap_or(&[]), |b| b.is_ascii_hexdigit());
        if int_len + frac_len > 0 {
            i += 1 + frac_len;
        }
    }
    if int_len + frac_len == 0 {
        return None;
    }
    let mut exp2: i64 = 0;
    if matches!(body.get(i), Some(b'p' | b'P')) {
        if let Some((len, e)) = exponent(body.get(i..).unwrap_or(&[])) {
            i += len;
            exp2 = e;
        }
    }
    // Accumulate up to 64 significant bits; the rest only matters as "sticky".
    let mut mant: u64 = 0;
    let mut sticky = false;
    let mut shift: i64 = 0;
    let int_part = body.get(..int_len).unwrap_or(&[]);
    let frac_part = body.get(int_len + 1..int_len + 1 + frac_len).unwrap_or(&[]);
    for (pos, &b) in int_part.iter().chain(frac_part).enumerate() {
        let d = u64::from(hex_value(b));
        let in_frac = pos >= int_part.len();
        if mant >> 60 == 0 {
            mant = (mant << 4) | d;
            if in_frac {
                shift = shift.saturating_sub(4);
            }
        } else {
            sticky |= d != 0;
            if !in_frac {
                shift = shift.saturating_add(4);
            }
        }
    }
    let (value, erange) = compose(mant, exp2.saturating_add(shift), sticky);
    Some(Parsed {
        value,
        consumed: 2 + i,
        erange,
    })
}

fn hex_value(b: u8) -> u8 {
    match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        b'A'..=b'F' => b - b'A' + 10,
        _ => 0,
    }
}

/// Rounds `mant × 2^exp2` (plus a non-zero tail below it when `sticky`) to the
/// nearest double, ties to even; returns it and whether glibc sets ERANGE.
fn compose(mant: u64, exp2: i64, sticky: bool) -> (f64, bool) {
    if mant == 0 {
        return (0.0, false);
    }
    let lz = i64::from(mant.leading_zeros());
    let mant = mant << lz;
    // Exponent of the leading bit.
    let lead = exp2.saturating_sub(lz).saturating_add(63);
    if lead > 1023 {
        return (f64::INFINITY, true);
    }
    // Bits dropped below the 53 (or fewer, for subnormals) kept ones.
    let drop: i64 = if lead >= -1022 {
        11
    } else {
        11i64.saturating_add(-1022 - lead)
    };
    if drop > 64 {
        return (0.0, true);
    }
    let (kept, rem_top, rem_rest) = if drop == 64 {
        (0u64, mant >> 63 == 1, (mant << 1) != 0 || sticky)
    } else {
        let kept = mant >> drop;
        let half = 1u64 << (drop - 1);
        let rem = mant & ((1u64 << drop) - 1);
        (kept, rem & half != 0, (rem & (half - 1)) != 0 || sticky)
    };
    let inexact = rem_top || rem_rest;
    let round_up = rem_top && (rem_rest || kept & 1 == 1);
    let mut kept = kept + u64::from(round_up);
    let mut lead = lead;
    let bits = if lead >= -1022 {
        if kept == 1u64 << 53 {
            kept >>= 1;
            lead += 1;
        }
        if lead > 1023 {
            return (f64::INFINITY, true);
        }
        (((lead + 1023) as u64) << 52) | (kept & ((1u64 << 52) - 1))
    } else {
        // A subnormal; a carry into bit 52 makes it the smallest normal.
        kept
    };
    let value = f64::from_bits(bits);
    let tiny = value < f64::MIN_POSITIVE;
    (value, tiny && inexact)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(s: &str) -> Option<f64> {
        sort_score(s.as_bytes())
    }

    #[test]
    fn accepted_forms() {
        assert_eq!(score(" 1"), Some(1.0));
        assert_eq!(score("\t\n\x0b\x0c\r3"), Some(3.0));
        assert_eq!(score("+5"), Some(5.0));
        assert_eq!(score(".5"), Some(0.5));
        assert_eq!(score("5."), Some(5.0));
        assert_eq!(score(""), Some(0.0));
        assert_eq!(score("\x003"), Some(0.0));
        assert_eq!(score("4\x00x"), Some(4.0));
        assert_eq!(score("0x10"), Some(16.0));
        assert_eq!(score("0X1.8P1"), Some(3.0));
        assert_eq!(score("0x.8"), Some(0.5));
        assert_eq!(score("0x1."), Some(1.0));
        assert_eq!(score("0x1P+2"), Some(4.0));
        assert_eq!(score("inf"), Some(f64::INFINITY));
        assert_eq!(score("-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(score("inFinitY"), Some(f64::INFINITY));
        assert_eq!(score("1e+5"), Some(1e5));
        assert_eq!(score("1E5"), Some(1e5));
        assert_eq!(score("00012"), Some(12.0));
        assert_eq!(score("0e-400"), Some(0.0));
        assert_eq!(score("0.0000e999999"), Some(0.0));
        assert_eq!(score("-0").map(f64::is_sign_negative), Some(true));
        assert_eq!(score("0x1p-1074"), Some(f64::from_bits(1)));
        assert_eq!(score("2.2250738585072014e-308"), Some(f64::MIN_POSITIVE));
        assert_eq!(score("1.7976931348623157e308"), Some(f64::MAX));
        assert_eq!(score("0x1.fffffffffffffp1023"), Some(f64::MAX));
    }

    #[test]
    fn rejected_forms() {
        for s in [
            "2 ",
            " ",
            "\t",
            "0x",
            "0x1p",
            "1e",
            ".",
            "nan",
            "-nan",
            "nan(12)",
            "infin",
            "infinityx",
            "++1",
            "+-1",
            "-+1",
            "0x.p1",
            "0xg",
            "1e5.5",
            "0x1p-1075",
            "0x1.8p-1074",
            "0x1p1024",
            "0x1.fffffffffffff8p1023",
            "1.7976931348623159e308",
            "2.2250738585072011e-308",
            "4.9406564584124654e-324",
            "1e-330",
            "1e400",
            "1e-310",
            "1_000",
            "0b1",
            "1,5",
            "abc",
        ] {
            assert_eq!(score(s), None, "{s:?}");
        }
    }

    #[test]
    fn exact_decimal_subnormal_is_accepted() {
        // 2^-1074 written out exactly.
        let (digits, zeros) = times_pow5(1, 1074);
        assert_eq!(zeros, 0);
        let text = format!(
            "0.{}{}",
            "0".repeat(1074 - digits.len()),
            String::from_utf8(digits).unwrap_or_default()
        );
        assert_eq!(score(&text), Some(f64::from_bits(1)));
    }

    #[test]
    fn prefixes() {
        let p = strtod(b"12abc");
        assert_eq!((p.value, p.consumed), (12.0, 2));
        let p = strtod(b"0xg");
        assert_eq!((p.value, p.consumed), (0.0, 1));
        let p = strtod(b"  x");
        assert_eq!(p.consumed, 0);
        let p = strtod(b"nan(abc");
        assert_eq!(p.consumed, 3);
        let p = strtod(b"-nan(a_1)z");
        assert_eq!(p.consumed, 9);
    }
}
