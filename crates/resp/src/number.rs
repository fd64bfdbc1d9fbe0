//! Number parsing and formatting with Redis's exact rules.
//!
//! Redis accepts integers only in canonical form (no sign on zero, no leading zeros,
//! no spaces) and prints doubles the way 7.2's `d2string` does: integral values that
//! fit comfortably in an `i64` as integers, everything else in shortest round-trip
//! form with the same switch to scientific notation.

/// Parses a canonical decimal `i64` the way Redis's `string2ll` does.
///
/// Rejects empty input, a leading `+`, leading zeros, `-0`, spaces and overflow.
pub fn parse_i64_strict(s: &[u8]) -> Option<i64> {
    let (negative, digits) = match s {
        [] => return None,
        [b'0'] => return Some(0),
        [b'-', rest @ ..] => (true, rest),
        _ => (false, s),
    };
    match digits.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    if digits.len() > 19 {
        return None;
    }
    let mut magnitude: u64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        magnitude = magnitude
            .checked_mul(10)?
            .checked_add(u64::from(b - b'0'))?;
    }
    if negative {
        if magnitude > i64::MAX as u64 + 1 {
            None
        } else {
            Some((magnitude as i64).wrapping_neg())
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Parses a canonical decimal `u64` (no sign, no leading zeros), as `string2ull`.
pub fn parse_u64_strict(s: &[u8]) -> Option<u64> {
    match s {
        [] => None,
        [b'0'] => Some(0),
        [b'1'..=b'9', ..] if s.len() <= 20 => s.iter().try_fold(0u64, |acc, &b| {
            if b.is_ascii_digit() {
                acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
            } else {
                None
            }
        }),
        _ => None,
    }
}

/// Parses a double the way Redis's `getDoubleFromObject`/`string2d` does (C `strtod`
/// over the whole argument): no leading space, nothing after the number, no NaN, and
/// overflow or underflow to zero rejected.
pub fn parse_f64_strict(s: &[u8]) -> Option<f64> {
    let first = *s.first()?;
    if first.is_ascii_whitespace() || first == 0x0b {
        return None;
    }
    let text = std::str::from_utf8(s).ok()?;
    let lower = text.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    if body.len() + 1 < lower.len() {
        return None; // more than one sign
    }
    let value: f64 = match body {
        "inf" | "infinity" => {
            if lower.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }
        }
        _ => {
            // Rust accepts "nan", "inf" spellings and nothing C rejects except hex
            // floats; only plain decimal syntax reaches here.
            if body.contains("nan") || body.contains("inf") || body.contains('x') {
                return None;
            }
            if body.is_empty() || body.starts_with('e') || body.starts_with(".e") || body == "." {
                return None;
            }
            let v: f64 = lower.parse().ok()?;
            if v.is_infinite() {
                return None; // strtod: ERANGE on overflow
            }
            if v == 0.0 && has_nonzero_mantissa_digit(body) {
                return None; // strtod: ERANGE on underflow to zero
            }
            v
        }
    };
    if value.is_nan() {
        return None;
    }
    Some(value)
}

fn has_nonzero_mantissa_digit(body: &str) -> bool {
    body.split('e')
        .next()
        .map(|m| m.bytes().any(|b| (b'1'..=b'9').contains(&b)))
        .unwrap_or(false)
}

/// Formats a double as Redis 7.2's `d2string`: `nan`, `inf`, `-inf`, `0`/`-0`,
/// integral values within ±`i64::MAX / 2` as integers, otherwise shortest
/// round-trip digits, in scientific notation outside the plain-decimal range.
pub fn format_double(value: f64, out: &mut Vec<u8>) {
    if value.is_nan() {
        out.extend_from_slice(b"nan");
        return;
    }
    if value.is_infinite() {
        out.extend_from_slice(if value < 0.0 { b"-inf" } else { b"inf" });
        return;
    }
    if value == 0.0 {
        out.extend_from_slice(if value.is_sign_negative() {
            b"-0"
        } else {
            b"0"
        });
        return;
    }
    let limit = (i64::MAX / 2) as f64;
    if (-limit..=limit).contains(&value) && value.fract() == 0.0 {
        let mut buf = itoa::Buffer::new();
        out.extend_from_slice(buf.format(value as i64).as_bytes());
        return;
    }
    emit_shortest(value, out);
}

/// Writes shortest round-trip digits with the plain/scientific switch Redis uses.
fn emit_shortest(value: f64, out: &mut Vec<u8>) {
    if value < 0.0 {
        out.push(b'-');
    }
    // `{:e}` yields the shortest round-trip digits as `d.ddddde±X`.
    let sci = format!("{:e}", value.abs());
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let decimal_exp: i32 = exponent.parse().unwrap_or(0);
    let ndigits = digits.len() as i32;
    // The value is digits × 10^k.
    let k = decimal_exp - (ndigits - 1);
    let exp_abs = decimal_exp.abs();
    if k >= 0 && exp_abs < ndigits + 7 {
        out.extend_from_slice(&digits);
        out.extend(std::iter::repeat_n(b'0', k as usize));
        return;
    }
    if k < 0 && (k > -7 || exp_abs < 4) {
        let offset = ndigits + k;
        if offset <= 0 {
            out.extend_from_slice(b"0.");
            out.extend(std::iter::repeat_n(b'0', (-offset) as usize));
            out.extend_from_slice(&digits);
        } else {
            let (int_part, frac_part) = digits.split_at(offset as usize);
            out.extend_from_slice(int_part);
            out.push(b'.');
            out.extend_from_slice(frac_part);
        }
        return;
    }
    let keep = digits.len().min(if value < 0.0 { 17 } else { 18 });
    let (first, rest) = digits[..keep].split_at(1);
    out.extend_from_slice(first);
    if !rest.is_empty() {
        out.push(b'.');
        out.extend_from_slice(rest);
    }
    out.push(b'e');
    out.push(if decimal_exp < 0 { b'-' } else { b'+' });
    let mut buf = itoa::Buffer::new();
    out.extend_from_slice(buf.format(exp_abs).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(v: f64) -> String {
        let mut out = Vec::new();
        format_double(v, &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn strict_integers() {
        assert_eq!(parse_i64_strict(b"0"), Some(0));
        assert_eq!(parse_i64_strict(b"-1"), Some(-1));
        assert_eq!(parse_i64_strict(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64_strict(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [
            &b""[..],
            b"-",
            b"-0",
            b"01",
            b"+1",
            b" 1",
            b"1 ",
            b"9223372036854775808",
            b"1a",
        ] {
            assert_eq!(parse_i64_strict(bad), None, "{:?}", bad);
        }
        assert_eq!(parse_u64_strict(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64_strict(b"18446744073709551616"), None);
    }

    #[test]
    fn strict_doubles() {
        assert_eq!(parse_f64_strict(b"1.5"), Some(1.5));
        assert_eq!(parse_f64_strict(b"+1.5"), Some(1.5));
        assert_eq!(parse_f64_strict(b".5"), Some(0.5));
        assert_eq!(parse_f64_strict(b"5."), Some(5.0));
        assert_eq!(parse_f64_strict(b"1e3"), Some(1000.0));
        assert_eq!(parse_f64_strict(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_f64_strict(b"+Infinity"), Some(f64::INFINITY));
        for bad in [
            &b""[..],
            b" 1",
            b"1 ",
            b"nan",
            b"1e400",
            b"1e-400",
            b"abc",
            b"--1",
            b"e5",
            b".",
        ] {
            assert_eq!(parse_f64_strict(bad), None, "{:?}", bad);
        }
    }

    #[test]
    fn doubles_like_redis_72() {
        assert_eq!(fmt(0.1), "0.1");
        assert_eq!(fmt(1e17), "100000000000000000");
        assert_eq!(fmt(0.0), "0");
        assert_eq!(fmt(-0.0), "-0");
        assert_eq!(fmt(3.0), "3");
        assert_eq!(fmt(-2.5), "-2.5");
        assert_eq!(fmt(1.5e-7), "1.5e-7");
        assert_eq!(fmt(0.000001), "0.000001");
        assert_eq!(fmt(1e300), "1e+300");
        assert_eq!(fmt(f64::INFINITY), "inf");
        assert_eq!(fmt(123456.789), "123456.789");
        assert_eq!(fmt(1.0e19), "1e+19");
    }
}
