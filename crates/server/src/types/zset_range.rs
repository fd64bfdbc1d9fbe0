//! Score and lexicographic ranges of the sorted-set commands, and the number
//! parsing Redis applies to scores and range bounds.
//!
//! Redis reads a score argument (ZADD, ZINCRBY, WEIGHTS) with `string2d`: C's
//! `strtod` over the whole argument, no leading space, no NaN, no overflow and
//! no underflow to zero. A range bound (ZCOUNT, ZRANGEBYSCORE, ...) is read with
//! a bare `strtod`: leading white space is fine, overflow gives an infinity, and
//! the argument is a C string (it ends at the first NUL byte). Both accept what
//! `strtod` accepts, hexadecimal floats and `inf`/`infinity` included, so this
//! module has its own `strtod` rather than Rust's `f64::from_str`.

use std::cmp::Ordering;

pub use super::zset_tree::LexItem;

/// The result of [`strtod`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Strtod {
    /// The value read (0 when nothing could be read).
    pub value: f64,
    /// Bytes consumed; 0 when no number was found.
    pub end: usize,
    /// True when C would set `errno = ERANGE` (overflow, or a non-zero number
    /// that rounds to zero).
    pub erange: bool,
}

fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn starts_with_ci(s: &[u8], word: &[u8]) -> bool {
    s.len() >= word.len() && s[..word.len()].eq_ignore_ascii_case(word)
}

/// Reads a number from the front of `s` the way C's `strtod` does.
pub fn strtod(s: &[u8]) -> Strtod {
    let none = Strtod {
        value: 0.0,
        end: 0,
        erange: false,
    };
    let mut i = 0;
    while i < s.len() && is_c_space(s[i]) {
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
    let sign = if negative { -1.0 } else { 1.0 };
    let rest = &s[i..];
    if starts_with_ci(rest, b"inf") {
        let len = if starts_with_ci(rest, b"infinity") {
            8
        } else {
            3
        };
        return Strtod {
            value: sign * f64::INFINITY,
            end: i + len,
            erange: false,
        };
    }
    if starts_with_ci(rest, b"nan") {
        let mut end = i + 3;
        // An optional "(n-char-sequence)".
        if s.get(end) == Some(&b'(') {
            let mut j = end + 1;
            while j < s.len() && (s[j].is_ascii_alphanumeric() || s[j] == b'_') {
                j += 1;
            }
            if s.get(j) == Some(&b')') {
                end = j + 1;
            }
        }
        return Strtod {
            value: f64::NAN,
            end,
            erange: false,
        };
    }
    if rest.len() >= 2 && rest[0] == b'0' && (rest[1] | 0x20) == b'x' {
        if let Some((value, used)) = hex_float(&rest[2..]) {
            let value = sign * value;
            return Strtod {
                value,
                end: i + 2 + used,
                erange: value.is_infinite(),
            };
        }
        // "0x" without hex digits reads as the number 0 followed by "x".
        return Strtod {
            value: sign * 0.0,
            end: i + 1,
            erange: false,
        };
    }
    // Decimal: digits [. digits] [e [sign] digits], at least one mantissa digit.
    let mut j = i;
    let mut digits = 0usize;
    let mut nonzero = false;
    while j < s.len() && s[j].is_ascii_digit() {
        nonzero |= s[j] != b'0';
        digits += 1;
        j += 1;
    }
    if j < s.len() && s[j] == b'.' {
        j += 1;
        while j < s.len() && s[j].is_ascii_digit() {
            nonzero |= s[j] != b'0';
            digits += 1;
            j += 1;
        }
    }
    if digits == 0 {
        return none;
    }
    if j < s.len() && (s[j] | 0x20) == b'e' {
        let mut k = j + 1;
        if k < s.len() && (s[k] == b'+' || s[k] == b'-') {
            k += 1;
        }
        if k < s.len() && s[k].is_ascii_digit() {
            while k < s.len() && s[k].is_ascii_digit() {
                k += 1;
            }
            j = k;
        }
    }
    let text = std::str::from_utf8(&s[i..j]).unwrap_or("0");
    // Rust's parser is correctly rounded like glibc's; it wants a digit before
    // the exponent, which the scan above guarantees.
    let magnitude: f64 = text.parse().unwrap_or(0.0);
    Strtod {
        value: sign * magnitude,
        end: j,
        erange: magnitude.is_infinite() || (magnitude == 0.0 && nonzero),
    }
}

/// Reads the part of a hexadecimal float after `0x`: hex digits with an
/// optional point and an optional binary exponent `p[sign]digits`.
fn hex_float(s: &[u8]) -> Option<(f64, usize)> {
    let mut j = 0;
    let mut mantissa = 0.0f64;
    let mut scale = 0i64;
    let mut digits = 0;
    while j < s.len() && s[j].is_ascii_hexdigit() {
        mantissa = mantissa * 16.0 + f64::from((s[j] as char).to_digit(16).unwrap_or(0));
        digits += 1;
        j += 1;
    }
    if j < s.len() && s[j] == b'.' {
        j += 1;
        while j < s.len() && s[j].is_ascii_hexdigit() {
            mantissa = mantissa * 16.0 + f64::from((s[j] as char).to_digit(16).unwrap_or(0));
            scale -= 4;
            digits += 1;
            j += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if j < s.len() && (s[j] | 0x20) == b'p' {
        let mut k = j + 1;
        let neg = match s.get(k) {
            Some(b'-') => {
                k += 1;
                true
            }
            Some(b'+') => {
                k += 1;
                false
            }
            _ => false,
        };
        if k < s.len() && s[k].is_ascii_digit() {
            let mut e = 0i64;
            while k < s.len() && s[k].is_ascii_digit() {
                e = (e * 10 + i64::from(s[k] - b'0')).min(1 << 20);
                k += 1;
            }
            scale += if neg { -e } else { e };
            j = k;
        }
    }
    let scale = i32::try_from(scale.clamp(-4000, 4000)).unwrap_or(0);
    Some((mantissa * 2f64.powi(scale), j))
}

/// Parses a score as Redis's `string2d` (ZADD, ZINCRBY, WEIGHTS): the whole
/// argument must be a number, without leading space, NaN, overflow or
/// underflow to zero.
pub fn parse_score(s: &[u8]) -> Option<f64> {
    let first = *s.first()?;
    if is_c_space(first) {
        return None;
    }
    let r = strtod(s);
    if r.end != s.len()
        || r.value.is_nan()
        || (r.erange && (r.value.is_infinite() || r.value == 0.0))
    {
        return None;
    }
    Some(r.value)
}

/// The bytes of an argument as C sees it: up to the first NUL.
fn c_str(s: &[u8]) -> &[u8] {
    match s.iter().position(|&b| b == 0) {
        Some(i) => &s[..i],
        None => s,
    }
}

/// Parses one score range bound (`1.5`, `(1.5`, `-inf`, ...): the value and
/// whether it is exclusive.
pub fn parse_score_bound(s: &[u8]) -> Option<(f64, bool)> {
    let s = c_str(s);
    let (body, exclusive) = match s.first() {
        Some(b'(') => (&s[1..], true),
        _ => (s, false),
    };
    let r = strtod(body);
    if r.end != body.len() || r.value.is_nan() {
        return None;
    }
    Some((r.value, exclusive))
}

/// A score interval with open or closed ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreRange {
    /// Lower bound.
    pub min: f64,
    /// Upper bound.
    pub max: f64,
    /// The lower bound is excluded.
    pub minex: bool,
    /// The upper bound is excluded.
    pub maxex: bool,
}

impl ScoreRange {
    /// Every score.
    pub fn all() -> ScoreRange {
        ScoreRange {
            min: f64::NEG_INFINITY,
            max: f64::INFINITY,
            minex: false,
            maxex: false,
        }
    }

    /// A closed interval.
    pub fn closed(min: f64, max: f64) -> ScoreRange {
        ScoreRange {
            min,
            max,
            minex: false,
            maxex: false,
        }
    }

    /// Parses the two bounds of a range command (Redis's `zslParseRange`).
    pub fn parse(min: &[u8], max: &[u8]) -> Option<ScoreRange> {
        let (min, minex) = parse_score_bound(min)?;
        let (max, maxex) = parse_score_bound(max)?;
        Some(ScoreRange {
            min,
            max,
            minex,
            maxex,
        })
    }

    /// True when `v` is at or above the lower bound.
    #[inline]
    pub fn gte_min(&self, v: f64) -> bool {
        if self.minex {
            v > self.min
        } else {
            v >= self.min
        }
    }

    /// True when `v` is at or below the upper bound.
    #[inline]
    pub fn lte_max(&self, v: f64) -> bool {
        if self.maxex {
            v < self.max
        } else {
            v <= self.max
        }
    }

    /// True when `v` lies in the range.
    #[inline]
    pub fn contains(&self, v: f64) -> bool {
        self.gte_min(v) && self.lte_max(v)
    }

    /// True when no score can be in the range.
    pub fn is_empty(&self) -> bool {
        self.min > self.max || (self.min == self.max && (self.minex || self.maxex))
    }
}

/// Compares two lex items, `-` and `+` being below and above every string
/// (Redis's `sdscmplex`).
pub fn cmp_lex(a: LexItem<'_>, b: LexItem<'_>) -> Ordering {
    match (a, b) {
        (LexItem::Min, LexItem::Min) | (LexItem::Max, LexItem::Max) => Ordering::Equal,
        (LexItem::Min, _) | (_, LexItem::Max) => Ordering::Less,
        (LexItem::Max, _) | (_, LexItem::Min) => Ordering::Greater,
        (LexItem::Str(x), LexItem::Str(y)) => x.cmp(y),
    }
}

/// A lexicographic interval (`[a`, `(a`, `-`, `+` bounds).
#[derive(Debug, Clone, Copy)]
pub struct LexRange<'a> {
    /// Lower bound.
    pub min: LexItem<'a>,
    /// Upper bound.
    pub max: LexItem<'a>,
    /// The lower bound is excluded.
    pub minex: bool,
    /// The upper bound is excluded.
    pub maxex: bool,
}

/// Parses one lex bound: `-`, `+`, `(member` or `[member`.
fn parse_lex_item(s: &[u8]) -> Option<(LexItem<'_>, bool)> {
    match s.first()? {
        b'+' if s.len() == 1 || s[1] == 0 => Some((LexItem::Max, true)),
        b'-' if s.len() == 1 || s[1] == 0 => Some((LexItem::Min, true)),
        b'(' => Some((LexItem::Str(&s[1..]), true)),
        b'[' => Some((LexItem::Str(&s[1..]), false)),
        _ => None,
    }
}

impl<'a> LexRange<'a> {
    /// Parses the two bounds of a lex range command (Redis's `zslParseLexRange`).
    pub fn parse(min: &'a [u8], max: &'a [u8]) -> Option<LexRange<'a>> {
        let (min, minex) = parse_lex_item(min)?;
        let (max, maxex) = parse_lex_item(max)?;
        Some(LexRange {
            min,
            max,
            minex,
            maxex,
        })
    }

    /// Every member.
    pub fn all() -> LexRange<'static> {
        LexRange {
            min: LexItem::Min,
            max: LexItem::Max,
            minex: true,
            maxex: true,
        }
    }

    /// True when `m` is at or above the lower bound.
    #[inline]
    pub fn gte_min(&self, m: &[u8]) -> bool {
        let c = cmp_lex(LexItem::Str(m), self.min);
        if self.minex {
            c == Ordering::Greater
        } else {
            c != Ordering::Less
        }
    }

    /// True when `m` is at or below the upper bound.
    #[inline]
    pub fn lte_max(&self, m: &[u8]) -> bool {
        let c = cmp_lex(LexItem::Str(m), self.max);
        if self.maxex {
            c == Ordering::Less
        } else {
            c != Ordering::Greater
        }
    }

    /// True when no member can be in the range.
    pub fn is_empty(&self) -> bool {
        match cmp_lex(self.min, self.max) {
            Ordering::Greater => true,
            Ordering::Equal => self.minex || self.maxex,
            Ordering::Less => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> (f64, usize, bool) {
        let r = strtod(s.as_bytes());
        (r.value, r.end, r.erange)
    }

    #[test]
    fn strtod_like_c() {
        assert_eq!(read("1.5"), (1.5, 3, false));
        assert_eq!(read("  -2e3x"), (-2000.0, 6, false));
        assert_eq!(read("1e"), (1.0, 1, false));
        assert_eq!(read("1e+"), (1.0, 1, false));
        assert_eq!(read(".5"), (0.5, 2, false));
        assert_eq!(read("5."), (5.0, 2, false));
        assert_eq!(read("."), (0.0, 0, false));
        assert_eq!(read(""), (0.0, 0, false));
        assert_eq!(read("-"), (0.0, 0, false));
        assert_eq!(read("0x10"), (16.0, 4, false));
        assert_eq!(read("0x1p3"), (8.0, 5, false));
        assert_eq!(read("0x.8"), (0.5, 4, false));
        assert_eq!(read("0xg"), (0.0, 1, false));
        assert_eq!(read("-inf"), (f64::NEG_INFINITY, 4, false));
        assert_eq!(read("Infinity"), (f64::INFINITY, 8, false));
        assert_eq!(read("infinit"), (f64::INFINITY, 3, false));
        assert_eq!(read("1e400"), (f64::INFINITY, 5, true));
        assert_eq!(read("1e-400"), (0.0, 6, true));
        assert_eq!(read("0e-400"), (0.0, 6, false));
        assert!(strtod(b"nan").value.is_nan());
        assert_eq!(strtod(b"nan(12)").end, 7);
    }

    #[test]
    fn scores_like_string2d() {
        assert_eq!(parse_score(b"1.5"), Some(1.5));
        assert_eq!(parse_score(b"0x10"), Some(16.0));
        assert_eq!(parse_score(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_score(b"4e-320"), Some(4e-320));
        for bad in [
            &b""[..],
            b" 1",
            b"1 ",
            b"nan",
            b"1e400",
            b"1e-400",
            b"abc",
            b"1\x002",
        ] {
            assert_eq!(parse_score(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn score_bounds() {
        assert_eq!(parse_score_bound(b"(1"), Some((1.0, true)));
        assert_eq!(parse_score_bound(b" 1"), Some((1.0, false)));
        assert_eq!(parse_score_bound(b""), Some((0.0, false)));
        assert_eq!(parse_score_bound(b"("), Some((0.0, true)));
        assert_eq!(parse_score_bound(b"1e999"), Some((f64::INFINITY, false)));
        assert_eq!(parse_score_bound(b"2\x00junk"), Some((2.0, false)));
        assert_eq!(parse_score_bound(b"nan"), None);
        assert_eq!(parse_score_bound(b"1x"), None);
        let r = ScoreRange::parse(b"(1", b"3").expect("range");
        assert!(!r.contains(1.0) && r.contains(2.0) && r.contains(3.0));
        assert!(ScoreRange::parse(b"(1", b"1").expect("r").is_empty());
        assert!(!ScoreRange::parse(b"1", b"1").expect("r").is_empty());
    }

    #[test]
    fn lex_bounds() {
        assert!(LexRange::parse(b"a", b"+").is_none());
        assert!(LexRange::parse(b"", b"+").is_none());
        assert!(LexRange::parse(b"+x", b"+").is_none());
        let r = LexRange::parse(b"[b", b"(d").expect("range");
        assert!(!r.gte_min(b"a") && r.gte_min(b"b") && r.lte_max(b"c") && !r.lte_max(b"d"));
        assert!(LexRange::parse(b"-", b"-").expect("r").is_empty());
        assert!(LexRange::parse(b"+", b"+").expect("r").is_empty());
        assert!(LexRange::parse(b"[a", b"-").expect("r").is_empty());
        assert!(!LexRange::parse(b"[a", b"[a").expect("r").is_empty());
        assert!(LexRange::parse(b"(a", b"[a").expect("r").is_empty());
        let all = LexRange::all();
        assert!(all.gte_min(b"") && all.lte_max(b"\xff\xff"));
        let r = LexRange::parse(b"[", b"+").expect("range");
        assert!(r.gte_min(b""));
    }
}
