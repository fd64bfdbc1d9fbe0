//! An exact model of the C `long double` Redis uses on x86-64: the x87 80-bit
//! extended format (sign, 15-bit exponent, 64-bit mantissa with an explicit integer
//! bit, gradual underflow), with round-to-nearest-even everywhere.
//!
//! INCRBYFLOAT and HINCRBYFLOAT parse both operands with `strtold`, add them in
//! extended precision and print the sum with `%.17Lf`, trimming trailing zeros.
//! Doing the same in `f64` gives different digits (`10.5 + 0.1` is `10.6` in Redis,
//! `10.600000000000001` in double), so this module reproduces each step exactly with
//! big-integer arithmetic:
//!
//! * [`LongDouble::parse`]: Redis's `string2ld` rules on top of glibc's `strtold`
//!   grammar (decimal and hexadecimal forms, `inf`/`infinity`), correctly rounded;
//! * `+`: the exact sum, rounded once;
//! * [`LongDouble::to_human_string`]: `%.17Lf` (exact decimal expansion rounded half
//!   to even, as glibc prints) followed by Redis's trimming of zeros.
//!
//! A finite value is `mant × 2^exp` with `mant < 2^64`; normal values keep bit 63
//! of `mant` set, subnormal ones have `exp` at its minimum.

use std::cmp::Ordering;
use std::ops::Add;

use num_bigint::BigUint;

/// Redis's `MAX_LONG_DOUBLE_CHARS`: inputs this long or longer are refused.
pub const MAX_LONG_DOUBLE_CHARS: usize = 5 * 1024;

/// Bits in the mantissa (the integer bit included).
const MANT_BITS: i64 = 64;
/// Exponent of the mantissa's last bit for subnormals and the smallest normals.
const EXP_MIN: i64 = -16445;
/// Exponent of the mantissa's last bit for the largest finite values.
const EXP_MAX: i64 = 16320;
/// Fractional digits printed by `%.17Lf`.
const FRAC_DIGITS: u32 = 17;

/// What kind of number a [`LongDouble`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `mant × 2^exp`; zero when `mant` is 0.
    Finite { mant: u64, exp: i32 },
    /// An infinity.
    Inf,
    /// Not a number.
    NaN,
}

/// A value of the x87 80-bit extended-precision type (C `long double` on x86-64).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LongDouble {
    negative: bool,
    kind: Kind,
}

/// The result of scanning a prefix with `strtold`'s grammar.
struct Scanned {
    value: LongDouble,
    /// Bytes consumed (0 when nothing could be converted).
    consumed: usize,
    /// `errno` would be `ERANGE` (overflow, or underflow of a nonzero value).
    range_error: bool,
}

impl LongDouble {
    /// Positive zero.
    pub const ZERO: LongDouble = LongDouble {
        negative: false,
        kind: Kind::Finite { mant: 0, exp: 0 },
    };

    const INF: LongDouble = LongDouble {
        negative: false,
        kind: Kind::Inf,
    };

    /// The exact value of an integer (every `i64` fits in a 64-bit mantissa).
    pub fn from_i64(v: i64) -> LongDouble {
        round(v < 0, BigUint::from(v.unsigned_abs()), 0, false)
    }

    /// Parses a string as Redis's `string2ld` does: the whole input must be a number
    /// `strtold` accepts (a NUL byte anywhere fails), with no leading space, shorter than [`MAX_LONG_DOUBLE_CHARS`], not NaN, and not out of range
    /// (overflow to infinity or a nonzero value underflowing to zero). `inf` and
    /// `infinity` are accepted.
    pub fn parse(s: &[u8]) -> Option<LongDouble> {
        if s.is_empty() || s.len() >= MAX_LONG_DOUBLE_CHARS {
            return None;
        }
        if s.first().is_some_and(|&b| is_c_space(b)) {
            return None;
        }
        let scanned = strtold(s);
        if scanned.consumed != s.len() {
            return None;
        }
        let v = scanned.value;
        if v.is_nan() || (scanned.range_error && (v.is_infinite() || v.is_zero())) {
            return None;
        }
        Some(v)
    }

    /// True for NaN.
    pub fn is_nan(&self) -> bool {
        self.kind == Kind::NaN
    }

    /// True for either infinity.
    pub fn is_infinite(&self) -> bool {
        self.kind == Kind::Inf
    }

    /// True for a finite value.
    pub fn is_finite(&self) -> bool {
        matches!(self.kind, Kind::Finite { .. })
    }

    /// True for either zero.
    pub fn is_zero(&self) -> bool {
        matches!(self.kind, Kind::Finite { mant: 0, .. })
    }

    /// True when the sign bit is set (`-0` included).
    pub fn is_sign_negative(&self) -> bool {
        self.negative
    }

    /// Formats as Redis's `ld2string` in human-friendly mode: `%.17Lf`, then
    /// trailing zeros and a trailing dot removed, and `-0` written as `0`.
    /// Infinities are `inf`/`-inf`, NaN is `nan`.
    pub fn to_human_string(&self) -> String {
        let (mant, exp) = match self.kind {
            Kind::Inf => {
                return if self.negative {
                    "-inf".into()
                } else {
                    "inf".into()
                }
            }
            Kind::NaN => return "nan".into(),
            Kind::Finite { mant, exp } => (mant, i64::from(exp)),
        };
        let scaled = scaled_decimal(mant, exp);
        let mut digits = scaled.to_string();
        let min_len = FRAC_DIGITS as usize + 1;
        if digits.len() < min_len {
            digits.insert_str(0, &"0".repeat(min_len - digits.len()));
        }
        let point = digits.len() - FRAC_DIGITS as usize;
        let (int_part, frac_part) = digits.split_at(point);
        let frac = frac_part.trim_end_matches('0');
        let mut out = String::with_capacity(digits.len() + 2);
        if self.negative {
            out.push('-');
        }
        out.push_str(int_part);
        if !frac.is_empty() {
            out.push('.');
            out.push_str(frac);
        }
        if out == "-0" {
            out.remove(0);
        }
        out
    }

    fn finite_parts(&self) -> Option<(u64, i64)> {
        match self.kind {
            Kind::Finite { mant, exp } => Some((mant, i64::from(exp))),
            _ => None,
        }
    }
}

impl Add for LongDouble {
    type Output = LongDouble;

    /// IEEE addition in extended precision, rounded to nearest even.
    fn add(self, rhs: LongDouble) -> LongDouble {
        const NAN: LongDouble = LongDouble {
            negative: false,
            kind: Kind::NaN,
        };
        let (Some((ma, ea)), Some((mb, eb))) = (self.finite_parts(), rhs.finite_parts()) else {
            return match (self.kind, rhs.kind) {
                (Kind::NaN, _) | (_, Kind::NaN) => NAN,
                (Kind::Inf, Kind::Inf) if self.negative != rhs.negative => NAN,
                (Kind::Inf, _) => self,
                _ => rhs,
            };
        };
        match (ma, mb) {
            (0, 0) => {
                return LongDouble {
                    negative: self.negative && rhs.negative,
                    ..LongDouble::ZERO
                }
            }
            (0, _) => return rhs,
            (_, 0) => return self,
            _ => {}
        }
        let base = ea.min(eb);
        let a = BigUint::from(ma) << usize::try_from(ea - base).unwrap_or(0);
        let b = BigUint::from(mb) << usize::try_from(eb - base).unwrap_or(0);
        if self.negative == rhs.negative {
            return round(self.negative, a + b, base, false);
        }
        match a.cmp(&b) {
            Ordering::Equal => LongDouble::ZERO,
            Ordering::Greater => round(self.negative, a - b, base, false),
            Ordering::Less => round(rhs.negative, b - a, base, false),
        }
    }
}

/// `mant × 2^exp × 10^17`, rounded to an integer half to even.
fn scaled_decimal(mant: u64, exp: i64) -> BigUint {
    let x = BigUint::from(mant) * BigUint::from(10u32).pow(FRAC_DIGITS);
    if exp >= 0 {
        return x << usize::try_from(exp).unwrap_or(0);
    }
    let shift = exp.unsigned_abs();
    let quotient = &x >> shift;
    let remainder = &x - (&quotient << shift);
    let half = BigUint::from(1u32) << (shift - 1);
    let round_up = match remainder.cmp(&half) {
        Ordering::Greater => true,
        Ordering::Less => false,
        Ordering::Equal => quotient.bit(0),
    };
    if round_up {
        quotient + 1u32
    } else {
        quotient
    }
}

/// Rounds `(mant + ε) × 2^exp` to the nearest extended value, ties to even, where
/// `ε` is in `[0, 1)` and nonzero exactly when `sticky` is set. Callers give at
/// least two bits below the rounding point whenever `sticky` may be set.
fn round(negative: bool, mant: BigUint, exp: i64, sticky: bool) -> LongDouble {
    let bits = i64::try_from(mant.bits()).unwrap_or(i64::MAX);
    if bits == 0 {
        return LongDouble {
            negative,
            ..LongDouble::ZERO
        };
    }
    let mut target = exp.saturating_add(bits - MANT_BITS).max(EXP_MIN);
    let shift = target - exp;
    let mut m = if shift <= 0 {
        mant << shift.unsigned_abs()
    } else {
        let shift = shift.unsigned_abs();
        let kept = &mant >> shift;
        let dropped = &mant - (&kept << shift);
        let half = BigUint::from(1u32) << (shift - 1);
        let round_up = match dropped.cmp(&half) {
            Ordering::Greater => true,
            Ordering::Less => false,
            Ordering::Equal => sticky || kept.bit(0),
        };
        if round_up {
            kept + 1u32
        } else {
            kept
        }
    };
    if m.bits() > MANT_BITS as u64 {
        m >>= 1u32;
        target += 1;
    }
    let mant = u64::try_from(&m).unwrap_or(u64::MAX);
    if mant == 0 {
        return LongDouble {
            negative,
            ..LongDouble::ZERO
        };
    }
    if target > EXP_MAX {
        return LongDouble {
            negative,
            ..LongDouble::INF
        };
    }
    LongDouble {
        negative,
        kind: Kind::Finite {
            mant,
            exp: target as i32,
        },
    }
}

/// C's `isspace` in the "C" locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Case-insensitive prefix test.
fn starts_with_ci(s: &[u8], prefix: &[u8]) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// Counts leading bytes matching `pred`.
fn span(s: &[u8], pred: impl Fn(u8) -> bool) -> usize {
    s.iter().take_while(|&&b| pred(b)).count()
}

/// Reads an optionally signed decimal exponent at the start of `s` (after the `e`
/// or `p`); `None` when no digit follows. The value saturates far beyond any
/// meaningful range.
fn scan_exponent(s: &[u8]) -> Option<(i64, usize)> {
    let (negative, start) = match s.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let digits = s.get(start..).unwrap_or(&[]);
    let n = span(digits, |b| b.is_ascii_digit());
    if n == 0 {
        return None;
    }
    let magnitude = digits[..n].iter().fold(0i64, |acc, &d| {
        (acc * 10 + i64::from(d - b'0')).min(1_000_000_000)
    });
    Some((if negative { -magnitude } else { magnitude }, start + n))
}

/// glibc `strtold` on `s` (no leading whitespace skipping: Redis refuses it).
fn strtold(s: &[u8]) -> Scanned {
    let none = Scanned {
        value: LongDouble::ZERO,
        consumed: 0,
        range_error: false,
    };
    let (negative, start) = match s.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let body = s.get(start..).unwrap_or(&[]);
    if starts_with_ci(body, b"inf") {
        let len = if starts_with_ci(body, b"infinity") {
            8
        } else {
            3
        };
        let value = LongDouble {
            negative,
            kind: Kind::Inf,
        };
        return Scanned {
            value,
            consumed: start + len,
            range_error: false,
        };
    }
    if starts_with_ci(body, b"nan") {
        let mut len = 3;
        if body.get(3) == Some(&b'(') {
            let inner = span(&body[4..], |b| b.is_ascii_alphanumeric() || b == b'_');
            if body.get(4 + inner) == Some(&b')') {
                len = 5 + inner;
            }
        }
        let value = LongDouble {
            negative,
            kind: Kind::NaN,
        };
        return Scanned {
            value,
            consumed: start + len,
            range_error: false,
        };
    }
    let is_hex = starts_with_ci(body, b"0x")
        && match body.get(2) {
            Some(b) if b.is_ascii_hexdigit() => true,
            Some(b'.') => body.get(3).is_some_and(u8::is_ascii_hexdigit),
            _ => false,
        };
    let parsed = if is_hex {
        scan_hex(&body[2..]).map(|(v, n)| (v, n + 2))
    } else {
        scan_decimal(body)
    };
    match parsed {
        None => none,
        Some(((value, range_error), n)) => Scanned {
            value: LongDouble { negative, ..value },
            consumed: start + n,
            range_error,
        },
    }
}

/// Splits `digits[.digits]` at the start of `s` with the given digit class.
fn scan_mantissa(s: &[u8], is_digit: impl Fn(u8) -> bool + Copy) -> (&[u8], &[u8], usize) {
    let int_len = span(s, is_digit);
    let int = &s[..int_len];
    if s.get(int_len) == Some(&b'.') {
        let frac_len = span(&s[int_len + 1..], is_digit);
        (
            int,
            &s[int_len + 1..int_len + 1 + frac_len],
            int_len + 1 + frac_len,
        )
    } else {
        (int, &[], int_len)
    }
}

type Conversion = ((LongDouble, bool), usize);

/// A decimal number: mantissa digits with an optional point, then `e[±]digits`.
fn scan_decimal(s: &[u8]) -> Option<Conversion> {
    let (int, frac, mut n) = scan_mantissa(s, |b| b.is_ascii_digit());
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut exp10 = 0i64;
    if matches!(s.get(n), Some(b'e' | b'E')) {
        if let Some((e, len)) = scan_exponent(&s[n + 1..]) {
            exp10 = e;
            n += 1 + len;
        }
    }
    let mut digits: Vec<u8> = int.iter().chain(frac).copied().collect();
    exp10 -= frac.len() as i64;
    let leading = span(&digits, |b| b == b'0');
    digits.drain(..leading);
    while digits.last() == Some(&b'0') {
        digits.pop();
        exp10 += 1;
    }
    Some((decimal_value(&digits, exp10), n))
}

/// The long double nearest to `digits × 10^exp10` (digits without leading or
/// trailing zeros), with the range-error flag.
fn decimal_value(digits: &[u8], exp10: i64) -> (LongDouble, bool) {
    if digits.is_empty() {
        return (LongDouble::ZERO, false);
    }
    // The value lies in [10^(magnitude-1), 10^magnitude).
    let magnitude = exp10 + digits.len() as i64;
    if magnitude > 4935 {
        return (LongDouble::INF, true);
    }
    if magnitude < -4955 {
        return (LongDouble::ZERO, true);
    }
    let d = BigUint::parse_bytes(digits, 10).unwrap_or_default();
    let value = if exp10 >= 0 {
        round(
            false,
            d * BigUint::from(10u32).pow(exp10.unsigned_abs() as u32),
            0,
            false,
        )
    } else {
        let p = BigUint::from(10u32).pow(exp10.unsigned_abs() as u32);
        let (bits_d, bits_p) = (d.bits() as i64, p.bits() as i64);
        // Enough quotient bits for a 64-bit mantissa plus guard bits, and, for
        // values near the subnormal range, bits down below the smallest exponent.
        let mut k = (MANT_BITS + 2 + bits_p - bits_d).max(0);
        if bits_d - bits_p < EXP_MIN + MANT_BITS + 8 {
            k = k.max(2 - EXP_MIN);
        }
        let scaled = d << k.unsigned_abs();
        let quotient = &scaled / &p;
        let sticky = &quotient * &p != scaled;
        round(false, quotient, -k, sticky)
    };
    (value, value.is_infinite() || value.is_zero())
}

/// A hexadecimal number after its `0x`: hex digits with an optional point, then
/// an optional binary exponent `p[±]digits`.
fn scan_hex(s: &[u8]) -> Option<Conversion> {
    let (int, frac, mut n) = scan_mantissa(s, |b| b.is_ascii_hexdigit());
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut exp2 = 0i64;
    if matches!(s.get(n), Some(b'p' | b'P')) {
        if let Some((e, len)) = scan_exponent(&s[n + 1..]) {
            exp2 = e;
            n += 1 + len;
        }
    }
    let mut digits: Vec<u8> = int.iter().chain(frac).copied().collect();
    exp2 -= 4 * frac.len() as i64;
    let leading = span(&digits, |b| b == b'0');
    digits.drain(..leading);
    if digits.is_empty() {
        return Some(((LongDouble::ZERO, false), n));
    }
    let h = BigUint::parse_bytes(&digits, 16).unwrap_or_default();
    let bits = h.bits() as i64;
    let top = exp2 + bits;
    let value = if top > EXP_MAX + MANT_BITS + 1 {
        LongDouble::INF
    } else if top < EXP_MIN - 2 {
        LongDouble::ZERO
    } else if bits > MANT_BITS && top < EXP_MIN + MANT_BITS {
        // glibc rounds a subnormal hexadecimal input from its first 64 bits plus a
        // sticky flag for the bits after the 65th: the 65th bit itself is lost.
        let drop = (bits - MANT_BITS).unsigned_abs();
        let kept = &h >> drop;
        let rest_mask = (BigUint::from(1u32) << (drop - 1)) - 1u32;
        let sticky = (&h & rest_mask).bits() > 0;
        round(false, kept, exp2 + drop as i64, sticky)
    } else {
        round(false, h, exp2, false)
    };
    Some(((value, value.is_infinite() || value.is_zero()), n))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// INCRBYFLOAT's computation: parse both, add, format (None: an operand is invalid;
    /// Some(Err) the sum is not finite).
    fn incr(a: &str, b: &str) -> Option<Result<String, ()>> {
        let x = LongDouble::parse(a.as_bytes())?;
        let y = LongDouble::parse(b.as_bytes())?;
        let sum = x + y;
        Some(if sum.is_finite() {
            Ok(sum.to_human_string())
        } else {
            Err(())
        })
    }

    fn ok(a: &str, b: &str) -> String {
        match incr(a, b) {
            Some(Ok(s)) => s,
            other => panic!("{a} + {b}: {other:?}"),
        }
    }

    // Every expected string below is what redis-server (x86-64) replies to
    // `SET k a` + `INCRBYFLOAT k b`.
    #[test]
    fn sums_like_redis() {
        assert_eq!(ok("10.5", "0.1"), "10.6");
        assert_eq!(ok("3.0e3", "0"), "3000");
        assert_eq!(ok("5.0e3", "2.0e2"), "5200");
        assert_eq!(ok("-1e-20", "0"), "0");
        assert_eq!(ok("1e-20", "0"), "0");
        assert_eq!(ok("0.000003814697265625", "0"), "0.00000381469726562");
        assert_eq!(ok("0.000011444091796875", "0"), "0.00001144409179688");
        assert_eq!(ok("-0.000011444091796875", "0"), "-0.00001144409179688");
        assert_eq!(ok("0x1p3", "0x1.8p1"), "11");
        assert_eq!(ok("1", ".5"), "1.5");
        assert_eq!(ok("1", "5."), "6");
        assert_eq!(ok("1", "+.5e1"), "6");
        assert_eq!(ok("-0", "-0"), "0");
        assert_eq!(ok("0x.8", "0"), "0.5");
        assert_eq!(ok("0e9999999999999999999999", "1"), "1");
        assert_eq!(ok("1e-4940", "1"), "1");
        assert_eq!(ok("1", "-1"), "0");
        assert_eq!(ok("0.1", "0.2"), "0.3");
        assert_eq!(
            ok("1.23456789012345678901234567890", "0"),
            "1.23456789012345679"
        );
        assert_eq!(ok("9223372036854775807", "1"), "9223372036854775808");
        assert_eq!(ok("1e20", "1"), "100000000000000000000");
        assert!(ok("1e400", "0").starts_with("10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880"));
    }

    #[test]
    fn rejects_like_redis() {
        for bad in [
            "1e5000", "1e-5000", "nan", "nan(123)", " 1", "1 ", "1e", ".", "infin", "0x", "0x.p1",
            "0x1p", "", "-", "+",
        ] {
            assert_eq!(incr("1", bad), None, "{bad:?}");
        }
        assert_eq!(LongDouble::parse(&vec![b'1'; MAX_LONG_DOUBLE_CHARS]), None);
        let mut longest = b"1.".to_vec();
        longest.resize(MAX_LONG_DOUBLE_CHARS - 1, b'0');
        assert_eq!(LongDouble::parse(&longest), Some(LongDouble::from_i64(1)));
        for bad in ["1.5\0abc", "\0abc", "\0", "\u{b}1", "1\u{b}", "\u{a0}1"] {
            assert_eq!(incr("5", bad), None, "{bad:?}");
        }
    }

    #[test]
    fn infinities_and_overflow() {
        assert_eq!(incr("1.5", "inf"), Some(Err(())));
        assert_eq!(incr("inf", "-inf"), Some(Err(())));
        assert_eq!(incr("1", "INFinity"), Some(Err(())));
        assert_eq!(incr("1.1e4932", "1.1e4932"), Some(Err(())));
        assert!(matches!(incr("1.1e4932", "0"), Some(Ok(_))));
    }

    #[test]
    fn extremes_and_glibc_hex_rounding() {
        // glibc rounds a subnormal hexadecimal input from its first 64 bits, so this
        // one (just above half the smallest subnormal) becomes 0 and is refused.
        assert_eq!(incr("0x1.0000000000000001p-16446", "1"), None);
        assert_eq!(
            incr("0x1.0000000000000000000001p-16446", "1"),
            Some(Ok("1".into()))
        );
        assert_eq!(incr("0x1.ffffffffffffffffp16383", "0"), None);
        let max = "1189731495357231765021263853030970205169";
        for near_max in ["0x1.fffffffffffffffep16383", "1.18973149535723176502e4932"] {
            assert!(ok(near_max, "0").starts_with(max), "{near_max}");
        }
    }

    #[test]
    fn integers_are_exact() {
        assert_eq!(
            LongDouble::from_i64(i64::MIN).to_human_string(),
            "-9223372036854775808"
        );
        assert_eq!(LongDouble::from_i64(0).to_human_string(), "0");
        assert_eq!(
            (LongDouble::from_i64(-7) + LongDouble::from_i64(7)).to_human_string(),
            "0"
        );
    }
}
