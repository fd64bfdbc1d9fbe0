//! Redis-compatible glob matching (the `stringmatchlen` semantics).
//!
//! Supports `*`, `?`, `[set]`, `[^set]`, ranges `[a-z]` (reversed ranges are
//! accepted), and `\` escapes. The matcher is iterative: it keeps a single
//! backtrack point (the most recent `*`), which yields the same answers as
//! Redis' recursive matcher with its "skip longer matches" shortcut, in
//! `O(pattern * text)` time and constant stack. Redis refuses to go deeper
//! than 1000 nested `*` groups; that limit is reproduced so results agree.

/// Deepest `*` nesting Redis accepts before giving up on a match.
const MAX_NESTING: usize = 1000;

/// ASCII lowercase as C's `tolower` does in the C locale.
fn lower(b: u8) -> u8 {
    b.to_ascii_lowercase()
}

/// Outcome of one matching attempt from a given pattern/text position.
enum Attempt {
    /// The remaining pattern matched the remaining text.
    Match,
    /// A mismatch: backtrack to the last star, if any.
    Fail,
    /// A (non-trailing) star group was reached at pattern index `p`
    /// (the index just after the group) with text index `s`.
    Star { p: usize, s: usize },
}

/// Matches `text` against the glob `pattern`; `nocase` folds ASCII case.
///
/// This reproduces Redis' quirks: an empty text never matches a pattern
/// that still has characters (even `*`), an unterminated `[` treats the
/// rest of the pattern as the set, and a trailing lone `\` never matches.
pub fn glob_match(pattern: &[u8], text: &[u8], nocase: bool) -> bool {
    let mut depth = 0usize;
    // Backtrack point: pattern index after the star group, and the next
    // text index to try for it.
    let mut back: Option<(usize, usize)> = None;
    let mut p = 0usize;
    let mut s = 0usize;
    loop {
        match attempt(pattern, text, p, s, nocase) {
            Attempt::Match => return true,
            Attempt::Fail => match back {
                Some((bp, bs)) => {
                    let next = bs + 1;
                    if next >= text.len() {
                        return false;
                    }
                    back = Some((bp, next));
                    p = bp;
                    s = next;
                }
                None => return false,
            },
            Attempt::Star { p: np, s: ns } => {
                if np >= pattern.len() {
                    // Trailing star group: matches whatever remains.
                    return true;
                }
                depth += 1;
                if depth > MAX_NESTING {
                    return false;
                }
                back = Some((np, ns));
                p = np;
                s = ns;
            }
        }
    }
}

/// Runs the non-star part of the matcher from (`p`, `s`).
fn attempt(pat: &[u8], text: &[u8], mut p: usize, mut s: usize, nocase: bool) -> Attempt {
    while p < pat.len() && s < text.len() {
        let c = text[s];
        match pat[p] {
            b'*' => {
                while p < pat.len() && pat[p] == b'*' {
                    p += 1;
                }
                return Attempt::Star { p, s };
            }
            b'?' => {
                s += 1;
            }
            b'[' => {
                p += 1;
                let negate = pat.get(p) == Some(&b'^');
                if negate {
                    p += 1;
                }
                let mut matched = false;
                loop {
                    let remaining = pat.len().saturating_sub(p);
                    let cur = pat.get(p).copied();
                    if cur == Some(b'\\') && remaining >= 2 {
                        p += 1;
                        if pat.get(p) == Some(&c) {
                            matched = true;
                        }
                    } else if cur == Some(b']') {
                        break;
                    } else if remaining == 0 {
                        // Unterminated set: step back so the common
                        // advance below lands exactly at the end.
                        p -= 1;
                        break;
                    } else if remaining >= 3 && pat.get(p + 1) == Some(&b'-') {
                        // Redis compares plain `char`s, which are signed.
                        let mut start = i32::from(pat[p] as i8);
                        let mut end = i32::from(pat[p + 2] as i8);
                        let mut ch = i32::from(c as i8);
                        if start > end {
                            std::mem::swap(&mut start, &mut end);
                        }
                        if nocase {
                            start = fold_signed(start);
                            end = fold_signed(end);
                            ch = fold_signed(ch);
                        }
                        p += 2;
                        if ch >= start && ch <= end {
                            matched = true;
                        }
                    } else if let Some(pc) = cur {
                        let eq = if nocase {
                            lower(pc) == lower(c)
                        } else {
                            pc == c
                        };
                        if eq {
                            matched = true;
                        }
                    }
                    p += 1;
                }
                if negate {
                    matched = !matched;
                }
                if !matched {
                    return Attempt::Fail;
                }
                s += 1;
            }
            other => {
                let mut pc = other;
                if other == b'\\' && pat.len() - p >= 2 {
                    p += 1;
                    pc = pat[p];
                }
                let eq = if nocase {
                    lower(pc) == lower(c)
                } else {
                    pc == c
                };
                if !eq {
                    return Attempt::Fail;
                }
                s += 1;
            }
        }
        p += 1;
        if s == text.len() {
            while p < pat.len() && pat[p] == b'*' {
                p += 1;
            }
            break;
        }
    }
    if p >= pat.len() && s >= text.len() {
        Attempt::Match
    } else {
        Attempt::Fail
    }
}

/// `tolower` applied to a signed char value (only ASCII letters change).
fn fold_signed(v: i32) -> i32 {
    if (i32::from(b'A')..=i32::from(b'Z')).contains(&v) {
        v + 32
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::glob_match;

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
                            return super::glob_match(p, s, nocase);
                        }
                        if !super::glob_match(&p[..set_len], &s[..1], nocase) {
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
