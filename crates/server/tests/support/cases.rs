//! Parser for differential case files (`tests/diff/*.txt`).
//!
//! The format is documented at the top of `tests/differential.rs`. This
//! module only turns text into [`CaseFile`] values; executing them is
//! [`super::runner`]'s job.

use std::fs;
use std::path::Path;

/// A parsed case file.
#[derive(Debug, Clone)]
pub struct CaseFile {
    /// Display name of the file (e.g. `diff/strings.txt`).
    pub name: String,
    /// Extra server arguments from `ARGS` lines (used for both servers).
    pub server_args: Vec<String>,
    /// The cases, in file order.
    pub cases: Vec<Case>,
}

/// One `=== name` section.
#[derive(Debug, Clone)]
pub struct Case {
    /// The name after `===`.
    pub name: String,
    /// 1-based line number of the header.
    pub line: usize,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

/// One executable line.
#[derive(Debug, Clone)]
pub struct Step {
    /// 1-based line number.
    pub line: usize,
    /// The original line text (trimmed), for messages.
    pub source: String,
    /// What to do.
    pub action: Action,
    /// How to judge the replies.
    pub checks: Checks,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Send a command as a multibulk request and read one reply.
    Command(Vec<Vec<u8>>),
    /// `RAW "bytes"`: send bytes verbatim, then read `@frames N` replies.
    Raw(Vec<u8>),
    /// `RESP3` / `RESP2`: send `HELLO 3` / `HELLO 2` on both sides.
    Hello(u8),
    /// `RECONNECT`: open fresh connections.
    Reconnect,
}

/// How replies are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// Byte-for-byte equality (the default).
    Exact,
    /// `@sorted`: equal after recursively sorting all aggregates.
    Sorted,
    /// `@type`: same reply type byte only.
    Type,
    /// `@len`: same type and same number of aggregate elements.
    Len,
    /// `@range LOW HIGH`: both integer replies within the inclusive bounds.
    Range(i64, i64),
    /// `@ignore`: both sides produce some complete frame; content ignored.
    Ignore,
}

/// Per-step expectations parsed from `@` annotations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checks {
    /// Comparison mode.
    pub compare: Compare,
    /// `@closed`: both connections must be closed after the reply.
    pub closed: bool,
    /// `@frames N`: number of reply frames to read (RAW steps; default 1,
    /// 0 reads nothing).
    pub frames: usize,
    /// `@since72 LITERAL`: exact reply Redis 7.2 gives; used for the subject
    /// instead of comparing with the (7.0) reference.
    pub since72: Option<Vec<u8>>,
    /// `@expect LITERAL`: exact reply required from both sides.
    pub expect: Option<Vec<u8>>,
    /// `@skip-redis`: do not send to the reference at all.
    pub skip_redis: bool,
    /// `@skip`: do not execute the line (documents a known gap).
    pub skip: bool,
}

impl Default for Checks {
    fn default() -> Self {
        Checks {
            compare: Compare::Exact,
            closed: false,
            frames: 1,
            since72: None,
            expect: None,
            skip_redis: false,
            skip: false,
        }
    }
}

/// A token of a line: its bytes and whether it was quoted (quoted tokens are
/// never directives or annotations).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The unescaped bytes.
    pub bytes: Vec<u8>,
    /// Whether it was written in quotes.
    pub quoted: bool,
}

/// Splits a line into tokens, redis-cli style: whitespace separates tokens;
/// `"..."` supports `\xHH`, `\n`, `\r`, `\t`, `\b`, `\a`, `\0`, `\\`, `\"`;
/// `'...'` supports only `\'`. A closing quote must be followed by
/// whitespace or the end of the line.
pub fn tokenize(line: &str) -> Result<Vec<Token>, String> {
    let bytes = line.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let mut out = Vec::new();
        let quote = bytes[i];
        if quote == b'"' || quote == b'\'' {
            i += 1;
            loop {
                let Some(&c) = bytes.get(i) else {
                    return Err("unbalanced quotes".to_string());
                };
                i += 1;
                if c == quote {
                    break;
                }
                if c != b'\\' {
                    out.push(c);
                    continue;
                }
                let Some(&e) = bytes.get(i) else {
                    return Err("unbalanced quotes".to_string());
                };
                i += 1;
                if quote == b'\'' {
                    if e != b'\'' {
                        out.push(b'\\');
                    }
                    out.push(e);
                    continue;
                }
                match e {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(0x08),
                    b'a' => out.push(0x07),
                    b'0' => out.push(0),
                    b'x' => {
                        let hex = bytes
                            .get(i..i + 2)
                            .and_then(|h| std::str::from_utf8(h).ok())
                            .and_then(|h| u8::from_str_radix(h, 16).ok())
                            .ok_or("bad \\x escape (need two hex digits)")?;
                        out.push(hex);
                        i += 2;
                    }
                    other => out.push(other),
                }
            }
            if bytes.get(i).is_some_and(|c| !c.is_ascii_whitespace()) {
                return Err("closing quote must be followed by a space".to_string());
            }
            tokens.push(Token {
                bytes: out,
                quoted: true,
            });
        } else {
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                out.push(bytes[i]);
                i += 1;
            }
            tokens.push(Token {
                bytes: out,
                quoted: false,
            });
        }
    }
    Ok(tokens)
}

/// Reads and parses a case file; `name` is used in messages.
pub fn load(path: &Path, name: &str) -> Result<CaseFile, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    parse(&text, name)
}

/// Parses case-file text.
pub fn parse(text: &str, name: &str) -> Result<CaseFile, String> {
    let mut file = CaseFile {
        name: name.to_string(),
        server_args: Vec::new(),
        cases: Vec::new(),
    };
    for (idx, raw_line) in text.lines().enumerate() {
        let lineno = idx + 1;
        let line = raw_line.trim();
        let err = |msg: String| format!("{name}:{lineno}: {msg}\n  line: {line}");
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(case_name) = line.strip_prefix("===") {
            let case_name = case_name.trim();
            if case_name.is_empty() {
                return Err(err("case header needs a name".to_string()));
            }
            file.cases.push(Case {
                name: case_name.to_string(),
                line: lineno,
                steps: Vec::new(),
            });
            continue;
        }
        let tokens = tokenize(line).map_err(err)?;
        let first_plain = tokens
            .first()
            .filter(|t| !t.quoted)
            .map(|t| t.bytes.as_slice());
        if first_plain == Some(b"ARGS") {
            if !file.cases.is_empty() {
                return Err(err("ARGS must come before the first case".to_string()));
            }
            for t in &tokens[1..] {
                file.server_args.push(
                    String::from_utf8(t.bytes.clone())
                        .map_err(|_| err("ARGS must be UTF-8".into()))?,
                );
            }
            continue;
        }
        let Some(case) = file.cases.last_mut() else {
            return Err(err("command before the first `=== name` header".to_string()));
        };
        let step = parse_step(&tokens, lineno, line).map_err(err)?;
        case.steps.push(step);
    }
    Ok(file)
}

fn parse_step(tokens: &[Token], line: usize, source: &str) -> Result<Step, String> {
    // Split off annotations: from the first unquoted token starting with '@'.
    let split = tokens
        .iter()
        .position(|t| !t.quoted && t.bytes.first() == Some(&b'@'))
        .unwrap_or(tokens.len());
    let (words, annotations) = tokens.split_at(split);
    if words.is_empty() {
        return Err("missing command".to_string());
    }
    let checks = parse_checks(annotations)?;
    let first = &words[0];
    let directive = if first.quoted {
        None
    } else {
        Some(first.bytes.as_slice())
    };
    let action = match directive {
        Some(b"RAW") => {
            if words.len() != 2 {
                return Err("RAW takes exactly one (quoted) argument".to_string());
            }
            Action::Raw(words[1].bytes.clone())
        }
        Some(b"RESP3") | Some(b"RESP2") | Some(b"RECONNECT") if words.len() != 1 => {
            return Err("this directive takes no arguments".to_string());
        }
        Some(b"RESP3") => Action::Hello(3),
        Some(b"RESP2") => Action::Hello(2),
        Some(b"RECONNECT") => Action::Reconnect,
        _ => Action::Command(words.iter().map(|t| t.bytes.clone()).collect()),
    };
    if checks.frames != 1 && !matches!(action, Action::Raw(_)) {
        return Err("@frames is only valid on RAW lines".to_string());
    }
    Ok(Step {
        line,
        source: source.to_string(),
        action,
        checks,
    })
}

fn parse_checks(tokens: &[Token]) -> Result<Checks, String> {
    let mut checks = Checks::default();
    let mut it = tokens.iter();
    let mut compare_set = false;
    let mut set_compare = |checks: &mut Checks, c: Compare| {
        if compare_set {
            return Err("only one of @sorted/@type/@len/@range/@ignore per line".to_string());
        }
        compare_set = true;
        checks.compare = c;
        Ok(())
    };
    while let Some(tok) = it.next() {
        let word = String::from_utf8_lossy(&tok.bytes).into_owned();
        if tok.quoted || !word.starts_with('@') {
            return Err(format!(
                "unexpected token {word:?} among annotations (quote arguments that start with '@')"
            ));
        }
        let mut arg = |what: &str| {
            it.next()
                .map(|t| t.bytes.clone())
                .ok_or_else(|| format!("{word} needs {what}"))
        };
        match word.as_str() {
            "@sorted" => set_compare(&mut checks, Compare::Sorted)?,
            "@type" => set_compare(&mut checks, Compare::Type)?,
            "@len" => set_compare(&mut checks, Compare::Len)?,
            "@ignore" => set_compare(&mut checks, Compare::Ignore)?,
            "@range" => {
                let lo = parse_int(&arg("LOW and HIGH bounds")?)?;
                let hi = parse_int(&arg("LOW and HIGH bounds")?)?;
                if lo > hi {
                    return Err("@range LOW must not exceed HIGH".to_string());
                }
                set_compare(&mut checks, Compare::Range(lo, hi))?;
            }
            "@closed" => checks.closed = true,
            "@frames" => {
                let n = parse_int(&arg("a frame count")?)?;
                checks.frames =
                    usize::try_from(n).map_err(|_| "@frames must be >= 0".to_string())?;
            }
            "@since72" => checks.since72 = Some(arg("a quoted raw reply")?),
            "@expect" => checks.expect = Some(arg("a quoted raw reply")?),
            "@skip-redis" => checks.skip_redis = true,
            "@skip" => checks.skip = true,
            _ => return Err(format!("unknown annotation {word}")),
        }
    }
    if checks.skip_redis && checks.expect.is_none() && checks.since72.is_none() {
        return Err("@skip-redis needs @expect (nothing else to compare against)".to_string());
    }
    for literal in [&checks.since72, &checks.expect].into_iter().flatten() {
        super::resp::parse_exact(literal)
            .map_err(|e| format!("reply literal is not one RESP frame: {e}"))?;
    }
    Ok(checks)
}

fn parse_int(bytes: &[u8]) -> Result<i64, String> {
    std::str::from_utf8(bytes)
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| {
            format!(
                "expected an integer, got {:?}",
                String::from_utf8_lossy(bytes)
            )
        })
}
