//! Glob-style pattern matching with the exact semantics of Redis's matcher
//! (KEYS, SCAN MATCH, and later PSUBSCRIBE, CONFIG GET, ACL patterns).
//!
//! Supported syntax: `*` (any run of bytes), `?` (one byte), `[abc]`, `[^abc]`,
//! `[a-z]` (a reversed range such as `[z-a]` is the same range), and `\x` to take
//! `x` literally. Redis's quirks are kept on purpose, so that every pattern selects
//! exactly the keys Redis would select:
//!
//! - a pattern's end behaves like a NUL byte (an unterminated `[` still matches,
//!   a range may swallow the closing `]`);
//! - bytes compare as C's signed `char` inside ranges;
//! - an empty subject only matches an empty pattern (`*` alone is special-cased by
//!   the callers, not here);
//! - after more than 1,000 nested `*` groups the match fails.
//!
//! The matcher is iterative: only the innermost `*` ever needs to be retried (once
//! the rest of the pattern fails from every later position, no earlier `*` can do
//! better), so the work is bounded by `pattern length × subject length` and no
//! recursion is involved, whatever the pattern.

/// Redis gives up after this many nested `*` groups.
const MAX_NESTING: usize = 1000;

/// True when `subject` matches `pattern`; `nocase` folds ASCII letters.
pub fn matches(pattern: &[u8], subject: &[u8], nocase: bool) -> bool {
    let mut m = Matcher {
        pat: pattern,
        sub: subject,
        nocase,
    };
    m.run()
}

/// What a run of the pattern from some position ended with.
enum Segment {
    /// The match is decided.
    Done(bool),
    /// A `*` group that is not the end of the pattern was reached: the rest of
    /// the pattern starts at the first index, the subject is at the second.
    Star(usize, usize),
}

struct Matcher<'a> {
    pat: &'a [u8],
    sub: &'a [u8],
    nocase: bool,
}

impl Matcher<'_> {
    /// The pattern byte at `i`, or 0 past the end (C's terminating NUL).
    #[inline]
    fn p(&self, i: usize) -> u8 {
        self.pat.get(i).copied().unwrap_or(0)
    }

    fn run(&mut self) -> bool {
        // The innermost `*` being retried: where the rest of the pattern starts,
        // and the subject position it is currently tried at.
        let mut star: Option<(usize, usize)> = None;
        let mut nesting = 0usize;
        let (mut pi, mut si) = (0usize, 0usize);
        loop {
            let outcome = if nesting > MAX_NESTING {
                Segment::Done(false)
            } else {
                self.segment(pi, si)
            };
            match outcome {
                Segment::Done(true) => return true,
                Segment::Done(false) => {
                    // Retry the innermost `*` one byte further on; when it has
                    // run out of subject, nothing earlier can match either.
                    let Some((rest, at)) = star.as_mut() else {
                        return false;
                    };
                    *at += 1;
                    if *at >= self.sub.len() || nesting > MAX_NESTING {
                        return false;
                    }
                    pi = *rest;
                    si = *at;
                }
                Segment::Star(rest, at) => {
                    star = Some((rest, at));
                    nesting += 1;
                    pi = rest;
                    si = at;
                }
            }
        }
    }

    /// Matches from pattern index `pi` and subject index `si` until the match is
    /// decided or a `*` group is reached.
    fn segment(&self, mut pi: usize, mut si: usize) -> Segment {
        let plen = self.pat.len();
        let slen = self.sub.len();
        while pi < plen && si < slen {
            let c = self.sub[si];
            match self.p(pi) {
                b'*' => {
                    while pi < plen && self.p(pi + 1) == b'*' {
                        pi += 1;
                    }
                    if plen - pi == 1 {
                        return Segment::Done(true);
                    }
                    return Segment::Star(pi + 1, si);
                }
                b'?' => si += 1,
                b'[' => {
                    let (end, matched) = self.class(pi + 1, c);
                    if !matched {
                        return Segment::Done(false);
                    }
                    pi = end;
                    si += 1;
                }
                b'\\' => {
                    if plen - pi >= 2 {
                        pi += 1;
                    }
                    if !self.same(self.p(pi), c) {
                        return Segment::Done(false);
                    }
                    si += 1;
                }
                other => {
                    if !self.same(other, c) {
                        return Segment::Done(false);
                    }
                    si += 1;
                }
            }
            pi += 1;
            if si == slen {
                while self.p(pi) == b'*' {
                    pi += 1;
                }
                break;
            }
        }
        Segment::Done(pi >= plen && si == slen)
    }

    /// Evaluates a `[...]` class starting just after the `[` against byte `c`.
    /// Returns the index of the class's last byte (its `]`, or the pattern's last
    /// byte when unterminated) and whether `c` is selected.
    fn class(&self, mut pi: usize, c: u8) -> (usize, bool) {
        let plen = self.pat.len();
        let negate = self.p(pi) == b'^';
        if negate {
            pi += 1;
        }
        let mut matched = false;
        loop {
            let rem = plen.saturating_sub(pi);
            let b = self.p(pi);
            if b == b'\\' && rem >= 2 {
                pi += 1;
                if self.p(pi) == c {
                    matched = true;
                }
            } else if b == b']' && rem > 0 {
                break;
            } else if rem == 0 {
                pi -= 1;
                break;
            } else if rem >= 3 && self.p(pi + 1) == b'-' {
                let mut start = signed(b);
                let mut end = signed(self.p(pi + 2));
                let mut ch = signed(c);
                if start > end {
                    std::mem::swap(&mut start, &mut end);
                }
                if self.nocase {
                    start = c_tolower(start);
                    end = c_tolower(end);
                    ch = c_tolower(ch);
                }
                pi += 2;
                if ch >= start && ch <= end {
                    matched = true;
                }
            } else if self.same(b, c) {
                matched = true;
            }
            pi += 1;
        }
        (pi, matched != negate)
    }

    /// Byte equality, folding case when asked.
    #[inline]
    fn same(&self, a: u8, b: u8) -> bool {
        if self.nocase {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    }
}

/// A byte as C's signed `char`.
#[inline]
fn signed(b: u8) -> i32 {
    i32::from(b as i8)
}

/// C's `tolower` in the "C" locale for a value in -128..=255 (glibc maps the
/// negative range, except EOF, onto 128..=254).
#[inline]
fn c_tolower(c: i32) -> i32 {
    match c {
        0x41..=0x5a => c + 32,
        -128..=-2 => c + 256,
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    fn m(p: &str, s: &str) -> bool {
        matches(p.as_bytes(), s.as_bytes(), false)
    }

    /// Keys a pattern selects among a fixed set, as `KEYS` on Redis 7.x returned
    /// them (with `*` alone special-cased by the caller, so not listed here).
    fn select(pattern: &str) -> Vec<&'static str> {
        const KEYS: &[&str] = &["", "a", "ab", "a*", "[", "b", "-", "x]", "\\"];
        let mut v: Vec<&str> = KEYS.iter().copied().filter(|k| m(pattern, k)).collect();
        v.sort_unstable();
        v
    }

    #[test]
    fn matches_like_redis_keys() {
        // Expected sets observed with redis-server 7.0.15 (same matcher as 7.2).
        assert_eq!(select("**"), ["-", "[", "\\", "a", "a*", "ab", "b", "x]"]);
        assert_eq!(select("a*"), ["a", "a*", "ab"]);
        assert_eq!(select("a**"), ["a", "a*", "ab"]);
        assert_eq!(select("?"), ["-", "[", "\\", "a", "b"]);
        assert!(select("[").is_empty());
        assert_eq!(select("[^"), ["-", "[", "\\", "a", "b"]);
        assert_eq!(select("[a"), ["a"]);
        assert!(select("[]").is_empty());
        assert!(select("[]]").is_empty());
        assert_eq!(select("[^a]"), ["-", "[", "\\", "b"]);
        assert_eq!(select("[b-a]"), ["a", "b"]);
        assert!(select("[\\]").is_empty());
        assert_eq!(select("a\\*"), ["a*"]);
        assert_eq!(select("\\"), ["\\"]);
        assert_eq!(select("\\\\"), ["\\"]);
        assert_eq!(select("x]"), ["x]"]);
        assert_eq!(select("[a-]"), ["a"]);
        assert_eq!(select("[-a]"), ["-", "a"]);
        assert!(select("*[").is_empty());
    }

    #[test]
    fn classes_ranges_and_escapes() {
        assert!(m("h?llo", "hello"));
        assert!(!m("h?llo", "hllo"));
        assert!(m("h*llo", "hllo"));
        assert!(m("h*llo", "heeeello"));
        assert!(m("h[ae]llo", "hallo"));
        assert!(!m("h[ae]llo", "hillo"));
        assert!(m("h[^e]llo", "hallo"));
        assert!(!m("h[^e]llo", "hello"));
        assert!(m("h[a-b]llo", "hbllo"));
        assert!(m("h[b-a]llo", "hallo"));
        assert!(!m("h[a-b]llo", "hcllo"));
        assert!(m("[\\]]", "]"));
        assert!(m("[\\-]", "-"));
        assert!(m("\\?", "?"));
        assert!(!m("\\?", "a"));
        assert!(m("*\\*", "abc*"));
        assert!(!m("*\\*", "abc"));
        assert!(m("", ""));
        assert!(!m("", "a"));
        assert!(!m("*", ""));
        assert!(!m("?", ""));
        assert!(m("a*", "a"));
        assert!(m("a*b*c", "aXXbYYc"));
        assert!(!m("a*b*c", "aXXbYYd"));
        // A range can take the closing bracket: "[a-]" is the range ']'..'a'.
        assert!(m("[a-]", "_"));
        assert!(!m("[a-]", "-"));
        // Binary subjects and patterns with NUL bytes.
        assert!(matches(b"a\0*", b"a\0zz", false));
        assert!(!matches(b"a\0*", b"a\x01zz", false));
    }

    #[test]
    fn signed_char_ranges_and_nocase() {
        // 0xff is -1 as a C char: "[a-\xff]" is the range -1..='a'.
        assert!(matches(b"[a-\xff]", b"\xff", false));
        assert!(matches(b"[a-\xff]", b"0", false));
        assert!(!matches(b"[a-\xff]", b"b", false));
        assert!(!matches(b"[a-\xff]", b"\x80", false));
        assert!(matches(b"HeLLo", b"hello", true));
        assert!(!matches(b"HeLLo", b"hello", false));
        assert!(matches(b"[A-C]x", b"bX", true));
        assert!(!matches(b"[A-C]x", b"bX", false));
        assert!(matches(b"[^A]", b"a", false));
        assert!(!matches(b"[^A]", b"a", true));
    }

    #[test]
    fn hostile_patterns_are_bounded() {
        let subject = vec![b'a'; 10_000];
        let mut pattern = b"a*".repeat(2_000);
        pattern.push(b'b');
        let started = std::time::Instant::now();
        assert!(!matches(&pattern, &subject, false));
        let pattern = b"*a".repeat(900);
        assert!(matches(&pattern, &subject, false));
        let mut pattern = b"*a".repeat(900);
        pattern.push(b'b');
        assert!(!matches(&pattern, &subject, false));
        let pattern = b"*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*b";
        assert!(!matches(pattern, &subject, false));
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn nesting_limit_follows_redis() {
        // 1,000 star groups still match; the 1,001st fails unless it ends the pattern.
        let subject = vec![b'x'; 1_100];
        let pattern = b"*x".repeat(1_000);
        assert!(matches(&pattern, &subject, false));
        let pattern = b"*x".repeat(1_001);
        assert!(!matches(&pattern, &subject, false));
        let mut pattern = b"x*".repeat(1_001);
        assert!(matches(&pattern, &subject, false));
        pattern.push(b'x');
        assert!(!matches(&pattern, &subject, false));
    }
}

#[cfg(test)]
mod reference_tests {
    //! The matcher against a recursive model with Redis's structure.
    use super::matches as glob_match;

    /// A straightforward recursive reference with Redis' structure,
    /// used only to cross-check the iterative matcher on small inputs.
    fn reference(p: &[u8], s: &[u8], nocase: bool) -> bool {
        fn go(p: &[u8], s: &[u8], nocase: bool, skip: &mut bool, nest: usize) -> bool {
            if nest > 1000 {
                return false;
            }
            let (mut p, mut s) = (p, s);
            while !p.is_empty() && !s.is_empty() {
                match p[0] {
                    b'*' => {
                        while p.len() > 1 && p[1] == b'*' {
                            p = &p[1..];
                        }
                        if p.len() == 1 {
                            return true;
                        }
                        while !s.is_empty() {
                            if go(&p[1..], s, nocase, skip, nest + 1) {
                                return true;
                            }
                            if *skip {
                                return false;
                            }
                            s = &s[1..];
                        }
                        *skip = true;
                        return false;
                    }
                    b'?' => s = &s[1..],
                    b'[' => {
                        // Delegate sets to the real matcher on a one-char text.
                        let end = p.iter().skip(1).position(|&b| b == b']');
                        let set_len = match end {
                            Some(e) => e + 2,
                            None => p.len(),
                        };
                        if p[1..set_len].contains(&b'\\') {
                            // Escapes inside sets: keep the reference simple.
                            return super::matches(p, s, nocase);
                        }
                        if !super::matches(&p[..set_len], &s[..1], nocase) {
                            return false;
                        }
                        s = &s[1..];
                        p = &p[set_len - 1..];
                    }
                    c => {
                        let mut pc = c;
                        if c == b'\\' && p.len() >= 2 {
                            p = &p[1..];
                            pc = p[0];
                        }
                        let eq = if nocase {
                            pc.eq_ignore_ascii_case(&s[0])
                        } else {
                            pc == s[0]
                        };
                        if !eq {
                            return false;
                        }
                        s = &s[1..];
                    }
                }
                p = &p[1..];
                if s.is_empty() {
                    while !p.is_empty() && p[0] == b'*' {
                        p = &p[1..];
                    }
                    break;
                }
            }
            p.is_empty() && s.is_empty()
        }
        let mut skip = false;
        go(p, s, nocase, &mut skip, 0)
    }

    #[test]
    fn basics() {
        assert!(glob_match(b"*", b"anything", false));
        assert!(glob_match(b"h?llo", b"hello", false));
        assert!(glob_match(b"h*llo", b"heeeello", false));
        assert!(glob_match(b"h[ae]llo", b"hallo", false));
        assert!(!glob_match(b"h[ae]llo", b"hillo", false));
        assert!(glob_match(b"h[^e]llo", b"hallo", false));
        assert!(!glob_match(b"h[^e]llo", b"hello", false));
        assert!(glob_match(b"h[a-b]llo", b"hbllo", false));
        assert!(glob_match(b"h[b-a]llo", b"hallo", false));
        assert!(glob_match(b"h\\*llo", b"h*llo", false));
        assert!(!glob_match(b"h\\*llo", b"hxllo", false));
        assert!(glob_match(b"a*b*c", b"aXXbYYc", false));
        assert!(!glob_match(b"a*b*c", b"aXXbYY", false));
    }

    #[test]
    fn redis_quirks_checked_against_redis_7_0_15() {
        // Observed with KEYS on redis-server 7.0.15 (keys "", a, ab, a[, A, b):
        // `**` does not match the empty key, `[a` matches "a", `a[` matches
        // nothing, `a[[` matches "a[", `[b-a]` matches a and b, `a\` nothing.
        assert!(!glob_match(b"**", b"", false));
        assert!(!glob_match(b"*", b"", false));
        assert!(glob_match(b"", b"", false));
        assert!(glob_match(b"[a", b"a", false));
        assert!(!glob_match(b"a[", b"a[", false));
        assert!(!glob_match(b"a[", b"a", false));
        assert!(glob_match(b"a[[", b"a[", false));
        assert!(glob_match(b"[b-a]", b"a", false));
        assert!(glob_match(b"[b-a]", b"b", false));
        assert!(!glob_match(b"a\\", b"a", false));
        assert!(glob_match(b"[^a]", b"A", false));
        assert!(glob_match(b"a*", b"a", false));
    }

    #[test]
    fn nocase() {
        assert!(glob_match(b"PORT", b"port", true));
        assert!(glob_match(b"[A-Z]ort", b"port", true));
        assert!(!glob_match(b"PORT", b"port", false));
        assert!(glob_match(b"*-MAX-*", b"hash-max-listpack-value", true));
    }

    #[test]
    fn pathological_patterns_are_fast() {
        let text = vec![b'a'; 30_000];
        let mut pat = Vec::new();
        for _ in 0..900 {
            pat.extend_from_slice(b"a*");
        }
        pat.push(b'b');
        let start = std::time::Instant::now();
        assert!(!glob_match(&pat, &text, false));
        let mut pat2 = b"*".repeat(50_000);
        pat2.push(b'b');
        assert!(!glob_match(&pat2, &text, false));
        assert!(start.elapsed().as_secs() < 5);
    }

    #[test]
    fn nesting_limit() {
        // 1001 star groups separated by literals: Redis gives up.
        let pat = b"*a".repeat(1001);
        assert!(!glob_match(&pat, &[b'a'; 1001], false));
        // 999 groups are fine.
        let pat = b"*a".repeat(999);
        assert!(glob_match(&pat, &[b'a'; 999], false));
        // A trailing star at the limit still matches.
        let mut pat = b"*a".repeat(1000);
        pat.push(b'*');
        assert!(glob_match(&pat, &b"a".repeat(1000), false));
    }

    #[test]
    fn agrees_with_reference_on_random_inputs() {
        use rand::rngs::SmallRng;
        use rand::{Rng, SeedableRng};
        let mut rng = SmallRng::seed_from_u64(7);
        let alphabet = b"ab*?[]^\\";
        for _ in 0..60_000 {
            let plen = rng.gen_range(0..8);
            let slen = rng.gen_range(0..7);
            let p: Vec<u8> = (0..plen)
                .map(|_| alphabet[rng.gen_range(0..alphabet.len())])
                .collect();
            let s: Vec<u8> = (0..slen).map(|_| b"abAB-"[rng.gen_range(0..5)]).collect();
            let nocase = rng.gen_bool(0.5);
            assert_eq!(
                glob_match(&p, &s, nocase),
                reference(&p, &s, nocase),
                "pattern {:?} text {:?}",
                String::from_utf8_lossy(&p),
                String::from_utf8_lossy(&s)
            );
        }
    }
}
