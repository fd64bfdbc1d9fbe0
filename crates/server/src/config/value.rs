//! Stored values and the per-type parse/format logic.
//!
//! Parsing follows Redis' helpers (`memtoull`, `string2ll`, `strtoll`,
//! `strtod`) closely so that the same inputs are accepted or refused, and
//! formatting follows what `CONFIG GET` prints.

use std::path::PathBuf;

use super::directives::{Directive, Kind, NumFormat, Special, StrCheck, MULTI_ARG};

/// Output buffer limit of one client class.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ObLimit {
    /// Hard limit in bytes (0: none).
    pub hard: u64,
    /// Soft limit in bytes (0: none).
    pub soft: u64,
    /// Seconds the soft limit may be exceeded.
    pub soft_seconds: i32,
}

/// Defaults for the normal, replica and pubsub classes.
pub const OBL_DEFAULTS: [ObLimit; 3] = [
    ObLimit {
        hard: 0,
        soft: 0,
        soft_seconds: 0,
    },
    ObLimit {
        hard: 256 * 1024 * 1024,
        soft: 64 * 1024 * 1024,
        soft_seconds: 60,
    },
    ObLimit {
        hard: 32 * 1024 * 1024,
        soft: 8 * 1024 * 1024,
        soft_seconds: 60,
    },
];

/// Default `oom-score-adj-values`.
pub const OOM_DEFAULTS: [i32; 3] = [0, 200, 800];
/// Default `bind` addresses.
pub const BIND_DEFAULT: [&str; 2] = ["*", "-::*"];
/// Default `save` points.
pub const SAVE_DEFAULT: [(i64, i32); 3] = [(3600, 1), (300, 100), (60, 10000)];
/// Default latency percentiles.
pub const PERCENTILES_DEFAULT: [f64; 3] = [50.0, 99.0, 99.9];
/// Most addresses `bind` accepts.
const BIND_MAX: usize = 16;

/// Keyspace notification flag bits (same values as Redis).
pub mod notify {
    /// `K`: keyspace channel.
    pub const KEYSPACE: u32 = 1 << 0;
    /// `E`: keyevent channel.
    pub const KEYEVENT: u32 = 1 << 1;
    /// `g`: generic commands.
    pub const GENERIC: u32 = 1 << 2;
    /// `$`: string commands.
    pub const STRING: u32 = 1 << 3;
    /// `l`: list commands.
    pub const LIST: u32 = 1 << 4;
    /// `s`: set commands.
    pub const SET: u32 = 1 << 5;
    /// `h`: hash commands.
    pub const HASH: u32 = 1 << 6;
    /// `z`: sorted set commands.
    pub const ZSET: u32 = 1 << 7;
    /// `x`: expirations.
    pub const EXPIRED: u32 = 1 << 8;
    /// `e`: evictions.
    pub const EVICTED: u32 = 1 << 9;
    /// `t`: stream commands.
    pub const STREAM: u32 = 1 << 10;
    /// `m`: key misses.
    pub const KEY_MISS: u32 = 1 << 11;
    /// Module "loaded" events (not selectable by a letter).
    pub const LOADED: u32 = 1 << 12;
    /// `d`: module key type events.
    pub const MODULE: u32 = 1 << 13;
    /// `n`: new keys.
    pub const NEW: u32 = 1 << 14;
    /// `A`: alias for `g$lshzxetd`.
    pub const ALL: u32 =
        GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;
}

/// A directive's current value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Boolean.
    Bool(bool),
    /// Integer, with C `long long` bits.
    Int(i64),
    /// Enum value (or OR-ed flags).
    Enum(i32),
    /// String (`None`: unset).
    Str(Option<Vec<u8>>),
    /// Absolute working directory.
    Dir(PathBuf),
    /// `(seconds, changes)` pairs.
    Save(Vec<(i64, i32)>),
    /// Output buffer limits for normal, replica, pubsub.
    Obl([ObLimit; 3]),
    /// OOM score adjustments.
    Oom([i32; 3]),
    /// Keyspace notification flags.
    Notify(u32),
    /// Bind addresses.
    Bind(Vec<Vec<u8>>),
    /// Primary host and port.
    ReplicaOf(Option<(Vec<u8>, i64)>),
    /// Latency percentiles.
    Percentiles(Vec<f64>),
    /// Config-file-only directives carry no runtime value.
    Nothing,
}

/// The default value of a directive.
pub fn default_value(d: &Directive, cwd: &std::path::Path) -> Value {
    match d.kind {
        Kind::Bool { default } => Value::Bool(default),
        Kind::Int { default, .. } => Value::Int(default),
        Kind::Enum { default, .. } => Value::Enum(default),
        Kind::Str { default, .. } => Value::Str(default.map(|s| s.as_bytes().to_vec())),
        Kind::Special(s) => match s {
            Special::Dir => Value::Dir(cwd.to_path_buf()),
            Special::Save => Value::Save(SAVE_DEFAULT.to_vec()),
            Special::ClientOutputBufferLimit => Value::Obl(OBL_DEFAULTS),
            Special::OomScoreAdjValues => Value::Oom(OOM_DEFAULTS),
            Special::NotifyKeyspaceEvents => Value::Notify(0),
            Special::Bind => {
                Value::Bind(BIND_DEFAULT.iter().map(|s| s.as_bytes().to_vec()).collect())
            }
            Special::ReplicaOf => Value::ReplicaOf(None),
            Special::LatencyPercentiles => Value::Percentiles(PERCENTILES_DEFAULT.to_vec()),
        },
        Kind::File(_) => Value::Nothing,
    }
}

// ---------------------------------------------------------------------------
// Number parsing helpers (C library / Redis util semantics)
// ---------------------------------------------------------------------------

/// C `isspace` in the C locale.
pub fn c_isspace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Redis `string2ll`: strict decimal, no sign '+', no leading zeros, no spaces.
pub fn string2ll(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() >= 21 {
        return None;
    }
    if s == b"0" {
        return Some(0);
    }
    let (neg, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    let first = *digits.first()?;
    if !(b'1'..=b'9').contains(&first) {
        return None;
    }
    let mut v: u64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(c - b'0'))?;
    }
    if neg {
        if v > (i64::MAX as u64) + 1 {
            return None;
        }
        Some((v as i64).wrapping_neg())
    } else {
        i64::try_from(v).ok()
    }
}

/// C `strtoll(s, &end, base)`: returns the value (saturated on overflow),
/// the index where parsing stopped, and whether it overflowed.
pub fn c_strtoll(s: &[u8], base: u32) -> (i64, usize, bool) {
    let mut i = 0;
    while i < s.len() && c_isspace(s[i]) {
        i += 1;
    }
    let mut neg = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let start = i;
    let mut v: u128 = 0;
    let mut overflow = false;
    while i < s.len() {
        let d = match (s[i] as char).to_digit(base) {
            Some(d) => d,
            None => break,
        };
        v = v * u128::from(base) + u128::from(d);
        if v > u128::from(u64::MAX) {
            overflow = true;
            v = u128::from(u64::MAX);
        }
        i += 1;
    }
    if i == start {
        // No digits: nothing is consumed.
        return (0, 0, false);
    }
    let limit = if neg {
        (i64::MAX as u128) + 1
    } else {
        i64::MAX as u128
    };
    if v > limit {
        return (if neg { i64::MIN } else { i64::MAX }, i, true);
    }
    let val = if neg {
        (v as i64).wrapping_neg()
    } else {
        v as i64
    };
    (val, i, overflow)
}

/// Redis `memtoull`: digits followed by an optional unit (b, k, kb, m, mb, g, gb).
pub fn memtoull(s: &[u8]) -> Option<u64> {
    if s.first() == Some(&b'-') {
        return None;
    }
    let digits = s.iter().take_while(|c| c.is_ascii_digit()).count();
    let unit = s[digits..].to_ascii_lowercase();
    let mul: u64 = match unit.as_slice() {
        b"" | b"b" => 1,
        b"k" => 1000,
        b"kb" => 1024,
        b"m" => 1000 * 1000,
        b"mb" => 1024 * 1024,
        b"g" => 1000 * 1000 * 1000,
        b"gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    if digits >= 128 {
        return None;
    }
    // strtoull saturates on overflow without an error Redis checks for.
    let mut v: u64 = 0;
    for &c in &s[..digits] {
        v = v.saturating_mul(10).saturating_add(u64::from(c - b'0'));
    }
    if v > u64::MAX / mul {
        return None;
    }
    Some(v * mul)
}

/// Redis `string2d` (C `strtod` on the whole string, no leading space, no NaN).
pub fn string2d(s: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(s).ok()?;
    if text.is_empty() || s.first().is_some_and(|&c| c_isspace(c)) {
        return None;
    }
    let v = match text.parse::<f64>() {
        Ok(v) => v,
        Err(_) => parse_hex_float(text)?,
    };
    if v.is_nan() {
        return None;
    }
    Some(v)
}

/// Hexadecimal floating point literals as accepted by `strtod` (`0x1.8p3`).
fn parse_hex_float(t: &str) -> Option<f64> {
    let (neg, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let rest = rest
        .strip_prefix("0x")
        .or_else(|| rest.strip_prefix("0X"))?;
    let (mant, exp) = match rest.find(['p', 'P']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (int_part, frac_part) = match mant.find('.') {
        Some(i) => (&mant[..i], &mant[i + 1..]),
        None => (mant, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int_part.chars() {
        v = v * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for c in frac_part.chars() {
        v += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
    }
    if let Some(e) = exp {
        let e: i32 = e.parse().ok()?;
        v *= 2f64.powi(e);
    }
    Some(if neg { -v } else { v })
}

/// Formats a double like `%f` followed by Redis' `trimDoubleString`.
pub fn format_percentile(v: f64) -> String {
    let mut s = format!("{v:.6}");
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    s
}

/// Redis `sdscatrepr`: a double-quoted, escaped representation.
pub fn repr(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &c in bytes {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            0x20..=0x7e => out.push(c as char),
            _ => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push('"');
    out
}

/// Parses keyspace event class letters; `None` for an unknown letter.
pub fn notify_from_str(s: &[u8]) -> Option<u32> {
    use notify::*;
    let mut flags = 0;
    for &c in s {
        flags |= match c {
            b'A' => ALL,
            b'g' => GENERIC,
            b'$' => STRING,
            b'l' => LIST,
            b's' => SET,
            b'h' => HASH,
            b'z' => ZSET,
            b'x' => EXPIRED,
            b'e' => EVICTED,
            b'K' => KEYSPACE,
            b'E' => KEYEVENT,
            b't' => STREAM,
            b'm' => KEY_MISS,
            b'd' => MODULE,
            b'n' => NEW,
            _ => return None,
        };
    }
    Some(flags)
}

/// Formats keyspace event flags the way `CONFIG GET` shows them.
pub fn notify_to_string(flags: u32) -> String {
    use notify::*;
    let mut s = String::new();
    if flags & ALL == ALL {
        s.push('A');
    } else {
        for (bit, ch) in [
            (GENERIC, 'g'),
            (STRING, '$'),
            (LIST, 'l'),
            (SET, 's'),
            (HASH, 'h'),
            (ZSET, 'z'),
            (EXPIRED, 'x'),
            (EVICTED, 'e'),
            (STREAM, 't'),
            (MODULE, 'd'),
            (NEW, 'n'),
        ] {
            if flags & bit != 0 {
                s.push(ch);
            }
        }
    }
    for (bit, ch) in [(KEYSPACE, 'K'), (KEYEVENT, 'E'), (KEY_MISS, 'm')] {
        if flags & bit != 0 {
            s.push(ch);
        }
    }
    s
}

/// Enum name(s) for a value, `unknown` when nothing matches.
pub fn enum_name(names: &[(&str, i32)], value: i32, bitflags: bool) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut unmatched = value;
    for &(n, v) in names {
        if v == value {
            return n.to_string();
        }
        if bitflags && v != 0 && v == (unmatched & v) {
            out.push(n);
            unmatched &= !v;
        }
    }
    if out.is_empty() || unmatched != 0 {
        return "unknown".to_string();
    }
    out.join(" ")
}

/// The "argument(s) must be one of ..." error for an enum.
pub fn enum_error(names: &[(&str, i32)]) -> String {
    let list: Vec<&str> = names.iter().map(|(n, _)| *n).collect();
    let mut msg = format!(
        "argument(s) must be one of the following: {}",
        list.join(", ")
    );
    // Redis copies the message into a 256 byte buffer.
    msg.truncate(255);
    msg
}

/// Client class index for an output-buffer-limit class name.
fn obl_class(name: &[u8]) -> Option<usize> {
    match name.to_ascii_lowercase().as_slice() {
        b"normal" => Some(0),
        b"slave" | b"replica" => Some(1),
        b"pubsub" => Some(2),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Formatting (CONFIG GET)
// ---------------------------------------------------------------------------

/// Formats a value exactly as `CONFIG GET` prints it.
pub fn format_value(d: &Directive, v: &Value) -> String {
    match (v, d.kind) {
        (Value::Bool(b), _) => if *b { "yes" } else { "no" }.to_string(),
        (Value::Int(n), Kind::Int { format, .. }) => match format {
            NumFormat::MemoryPercent if *n < 0 => format!("{}%", n.unsigned_abs()),
            NumFormat::Memory | NumFormat::MemoryPercent => (*n as u64).to_string(),
            NumFormat::Octal => format!("{:o}", *n as u64),
            NumFormat::Plain => n.to_string(),
        },
        (Value::Int(n), _) => n.to_string(),
        (Value::Enum(e), Kind::Enum { names, .. }) => enum_name(names, *e, d.has(MULTI_ARG)),
        (Value::Enum(e), _) => e.to_string(),
        (Value::Str(s), _) => s
            .as_deref()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default(),
        (Value::Dir(p), _) => p.to_string_lossy().into_owned(),
        (Value::Save(params), _) => params
            .iter()
            .map(|(s, c)| format!("{s} {c}"))
            .collect::<Vec<_>>()
            .join(" "),
        (Value::Obl(l), _) => ["normal", "slave", "pubsub"]
            .iter()
            .zip(l.iter())
            .map(|(n, x)| format!("{n} {} {} {}", x.hard, x.soft, x.soft_seconds))
            .collect::<Vec<_>>()
            .join(" "),
        (Value::Oom(v), _) => format!("{} {} {}", v[0], v[1], v[2]),
        (Value::Notify(f), _) => notify_to_string(*f),
        (Value::Bind(a), _) => a
            .iter()
            .map(|x| String::from_utf8_lossy(x).into_owned())
            .collect::<Vec<_>>()
            .join(" "),
        (Value::ReplicaOf(r), _) => match r {
            Some((h, p)) => format!("{} {p}", String::from_utf8_lossy(h)),
            None => String::new(),
        },
        (Value::Percentiles(p), _) => p
            .iter()
            .map(|x| format_percentile(*x))
            .collect::<Vec<_>>()
            .join(" "),
        (Value::Nothing, _) => String::new(),
    }
}

// ---------------------------------------------------------------------------
// Parsing (config file lines and CONFIG SET)
// ---------------------------------------------------------------------------

/// Extra inputs some directives need while being set.
pub struct SetEnv<'a> {
    /// True while reading a configuration file (affects `save`).
    pub reading_file: bool,
    /// Whether a `save` line was already seen while reading (Redis' static flag).
    pub save_loaded: &'a mut bool,
    /// Directory relative `dir` values are resolved against.
    pub cwd: &'a std::path::Path,
    /// Actually change the process working directory for `dir`.
    pub chdir: bool,
    /// Values needed to validate `proc-title-template`.
    pub title_ctx: TitleCtx,
}

/// Server facts used to validate a `proc-title-template`.
#[derive(Clone, Debug, Default)]
pub struct TitleCtx {
    /// First bind address, if any.
    pub bind0: Option<Vec<u8>>,
    /// TCP port.
    pub port: i64,
    /// TLS port.
    pub tls_port: i64,
    /// Unix socket path.
    pub unixsocket: Option<Vec<u8>>,
    /// Config file path.
    pub config_file: Option<String>,
    /// Cluster mode.
    pub cluster: bool,
}

/// Parses `args` for directive `d` and returns the new value.
///
/// `old` is the current value (some directives merge into it). The returned
/// flag tells whether the value actually changed (Redis' "1 vs 2" result).
pub fn parse_value(
    d: &Directive,
    old: &Value,
    args: &[Vec<u8>],
    env: &mut SetEnv<'_>,
) -> Result<(Value, bool), String> {
    let first: &[u8] = args.first().map(|a| a.as_slice()).unwrap_or(b"");
    match d.kind {
        Kind::Bool { .. } => {
            let v = if first.eq_ignore_ascii_case(b"yes") {
                true
            } else if first.eq_ignore_ascii_case(b"no") {
                false
            } else {
                return Err("argument must be 'yes' or 'no'".into());
            };
            let new = Value::Bool(v);
            let changed = &new != old;
            Ok((new, changed))
        }
        Kind::Int {
            min,
            max,
            unsigned,
            format,
            ..
        } => {
            let mut n = parse_number(first, format)?;
            check_bounds(n, min, max, unsigned, format)?;
            if d.name == "hz" {
                n = n.clamp(1, 500);
            }
            let new = Value::Int(n);
            let changed = &new != old;
            Ok((new, changed))
        }
        Kind::Enum { names, .. } => {
            let bitflags = d.has(MULTI_ARG);
            let v = enum_value(names, args, bitflags).ok_or_else(|| enum_error(names))?;
            if bitflags && v & 1 != 0 && v & 2 != 0 {
                return Err("shutdown options SAVE and NOSAVE can't be used simultaneously".into());
            }
            let new = Value::Enum(v);
            let changed = &new != old;
            Ok((new, changed))
        }
        Kind::Str {
            empty_is_null,
            binary,
            check,
            ..
        } => {
            let mut s = first.to_vec();
            if !binary {
                if let Some(nul) = s.iter().position(|&c| c == 0) {
                    s.truncate(nul);
                }
            }
            if let Some(c) = check {
                check_string(c, &s, &env.title_ctx)?;
            }
            let new = Value::Str(if empty_is_null && s.is_empty() {
                None
            } else {
                Some(s)
            });
            let changed = &new != old;
            Ok((new, changed))
        }
        Kind::Special(s) => parse_special(s, old, args, env),
        Kind::File(_) => Ok((Value::Nothing, false)),
    }
}

/// Parses a numeric argument according to its format (Redis' `numericParseString`).
fn parse_number(s: &[u8], format: NumFormat) -> Result<i64, String> {
    match format {
        NumFormat::Plain => {
            string2ll(s).ok_or_else(|| "argument couldn't be parsed into an integer".into())
        }
        NumFormat::Memory => memtoull(s)
            .map(|v| v as i64)
            .ok_or_else(|| "argument must be a memory value".into()),
        NumFormat::MemoryPercent => {
            if let Some(v) = memtoull(s) {
                return Ok(v as i64);
            }
            if s.len() > 1 && s.last() == Some(&b'%') {
                if let Some(p) = string2ll(&s[..s.len() - 1]) {
                    if p >= 0 {
                        return Ok(-p);
                    }
                }
            }
            Err("argument must be a memory or percent value".into())
        }
        NumFormat::Octal => {
            let (v, end, overflow) = c_strtoll(s, 8);
            if !overflow && end == s.len() {
                Ok(v)
            } else {
                Err("argument couldn't be parsed as an octal number".into())
            }
        }
    }
}

/// Redis' `numericBoundaryCheck`.
fn check_bounds(
    n: i64,
    min: i64,
    max: i64,
    unsigned: bool,
    format: NumFormat,
) -> Result<(), String> {
    if unsigned {
        let (u, lo, hi) = (n as u64, min as u64, max as u64);
        if u > hi || u < lo {
            return Err(if format == NumFormat::Octal {
                format!("argument must be between {lo:o} and {hi:o} inclusive")
            } else {
                format!("argument must be between {lo} and {hi} inclusive")
            });
        }
    } else if format == NumFormat::MemoryPercent && n < 0 {
        if n < min {
            return Err(format!(
                "percentage argument must be less or equal to {}",
                min.unsigned_abs()
            ));
        }
    } else if n > max || n < min {
        return Err(format!(
            "argument must be between {min} and {max} inclusive"
        ));
    }
    Ok(())
}

/// Matches enum names (case-insensitively); several names OR together for flag enums.
fn enum_value(names: &[(&str, i32)], args: &[Vec<u8>], bitflags: bool) -> Option<i32> {
    if args.is_empty() || (!bitflags && args.len() != 1) {
        return None;
    }
    let mut value = 0;
    for a in args {
        let mut matched = false;
        for &(n, v) in names {
            if a.eq_ignore_ascii_case(n.as_bytes()) {
                value |= v;
                matched = true;
            }
        }
        if !matched {
            return None;
        }
    }
    Some(value)
}

/// Validators attached to string directives.
fn check_string(c: StrCheck, s: &[u8], title: &TitleCtx) -> Result<(), String> {
    let is_base = !s.contains(&b'/') && !s.contains(&b'\\');
    match c {
        StrCheck::DbFilename => {
            if !is_base {
                return Err("dbfilename can't be a path, just a filename".into());
            }
        }
        StrCheck::AofFilename => {
            if s.is_empty() {
                return Err("appendfilename can't be empty".into());
            }
            if !is_base {
                return Err("appendfilename can't be a path, just a filename".into());
            }
        }
        StrCheck::AofDirname => {
            if s.is_empty() {
                return Err("appenddirname can't be empty".into());
            }
            if !is_base {
                return Err("appenddirname can't be a path, just a dirname".into());
            }
        }
        StrCheck::Hostname => {
            if s.len() >= 256 {
                return Err("Hostnames must be less than 256 characters".into());
            }
            if !s
                .iter()
                .all(|&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
            {
                return Err(
                    "Hostnames may only contain alphanumeric characters, hyphens or dots".into(),
                );
            }
        }
        StrCheck::HumanNodename => {
            let bad = b"!#$%&()*+:;<>?@[]^{|}~";
            if s.iter()
                .any(|&c| c == 0 || (!c.is_ascii_alphanumeric() && bad.contains(&c)))
            {
                return Err("Announced human node name contained invalid character".into());
            }
        }
        StrCheck::ProcTitle => {
            let ok = expand_title(s, title).is_some_and(|t| !t.trim_matches(' ').is_empty());
            if !ok {
                return Err("template format is invalid or contains unknown variables".into());
            }
        }
    }
    Ok(())
}

/// Expands a `proc-title-template` with an empty title (Redis' `sdstemplate`).
fn expand_title(t: &[u8], ctx: &TitleCtx) -> Option<String> {
    let mut out = String::new();
    let mut rest = t;
    while !rest.is_empty() {
        let Some(open) = rest.iter().position(|&c| c == b'{') else {
            out.push_str(&String::from_utf8_lossy(rest));
            break;
        };
        out.push_str(&String::from_utf8_lossy(&rest[..open]));
        let after = &rest[open + 1..];
        match after.first() {
            None => return None,
            Some(b'{') => {
                out.push('{');
                rest = &after[1..];
                continue;
            }
            Some(_) => {}
        }
        let close = after.iter().position(|&c| c == b'}')?;
        let var = &after[..close];
        let value = match var {
            b"title" => String::new(),
            b"listen-addr" => {
                if ctx.port != 0 || ctx.tls_port != 0 {
                    let addr = ctx
                        .bind0
                        .as_deref()
                        .map(String::from_utf8_lossy)
                        .unwrap_or("*".into());
                    let port = if ctx.port != 0 {
                        ctx.port
                    } else {
                        ctx.tls_port
                    };
                    format!("{addr}:{port}")
                } else {
                    let us = ctx
                        .unixsocket
                        .as_deref()
                        .map(String::from_utf8_lossy)
                        .unwrap_or_default();
                    format!("unixsocket:{us}")
                }
            }
            b"server-mode" => if ctx.cluster { "[cluster]" } else { "" }.to_string(),
            b"config-file" => ctx.config_file.clone().unwrap_or_default(),
            b"port" => ctx.port.to_string(),
            b"tls-port" => ctx.tls_port.to_string(),
            b"unixsocket" => ctx
                .unixsocket
                .as_deref()
                .map(|u| String::from_utf8_lossy(u).into_owned())
                .unwrap_or_default(),
            _ => return None,
        };
        out.push_str(&value);
        rest = &after[close + 1..];
    }
    Some(out)
}

/// Strips Rust's " (os error N)" suffix, leaving the `strerror` text.
pub fn strerror(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn parse_special(
    s: Special,
    old: &Value,
    args: &[Vec<u8>],
    env: &mut SetEnv<'_>,
) -> Result<(Value, bool), String> {
    use std::os::unix::ffi::OsStrExt;
    match s {
        Special::Dir => {
            if args.len() != 1 {
                return Err("wrong number of arguments".into());
            }
            let raw = std::path::Path::new(std::ffi::OsStr::from_bytes(&args[0]));
            let target = env.cwd.join(raw);
            if env.chdir {
                std::env::set_current_dir(raw).map_err(|e| strerror(&e))?;
                let now = std::env::current_dir().map_err(|e| strerror(&e))?;
                Ok((Value::Dir(now), true))
            } else {
                // Resolve like chdir + getcwd would, without touching the process.
                if args[0].is_empty() {
                    return Err(strerror(&std::io::Error::from_raw_os_error(2)));
                }
                let meta = std::fs::metadata(&target).map_err(|e| strerror(&e))?;
                if !meta.is_dir() {
                    return Err(strerror(&std::io::Error::from_raw_os_error(20)));
                }
                let abs = std::fs::canonicalize(&target).map_err(|e| strerror(&e))?;
                Ok((Value::Dir(abs), true))
            }
        }
        Special::Save => {
            let mut argv: &[Vec<u8>] = args;
            if argv.len() == 1 && argv[0].is_empty() {
                argv = &[];
            }
            if !argv.len().is_multiple_of(2) {
                return Err("Invalid save parameters".into());
            }
            let mut parsed = Vec::new();
            for (j, a) in argv.iter().enumerate() {
                let (v, end, _) = c_strtoll(a, 10);
                if end != a.len() || (j % 2 == 0 && v < 1) || (j % 2 == 1 && v < 0) {
                    return Err("Invalid save parameters".into());
                }
                parsed.push(v);
            }
            let mut params = match old {
                Value::Save(p) if env.reading_file && *env.save_loaded && !argv.is_empty() => {
                    p.clone()
                }
                _ => Vec::new(),
            };
            if env.reading_file {
                *env.save_loaded = true;
            }
            for pair in parsed.chunks(2) {
                if let [secs, changes] = pair {
                    params.push((*secs, *changes as i32));
                }
            }
            Ok((Value::Save(params), true))
        }
        Special::ClientOutputBufferLimit => {
            if !args.len().is_multiple_of(4) {
                return Err("Wrong number of arguments in buffer limit configuration.".into());
            }
            let mut limits = match old {
                Value::Obl(l) => *l,
                _ => OBL_DEFAULTS,
            };
            let mut staged = Vec::new();
            for chunk in args.chunks(4) {
                let [class, hard, soft, secs] = chunk else {
                    continue;
                };
                let class = obl_class(class).ok_or_else(|| {
                    "Invalid client class specified in buffer limit configuration.".to_string()
                })?;
                let hard = memtoull(hard);
                let soft = memtoull(soft);
                let (secs_v, end, _) = c_strtoll(secs, 10);
                let secs_i = secs_v as i32;
                match (hard, soft) {
                    (Some(h), Some(s)) if secs_i >= 0 && end == secs.len() => {
                        staged.push((class, ObLimit { hard: h, soft: s, soft_seconds: secs_i }));
                    }
                    _ => {
                        return Err("Error in hard, soft or soft_seconds setting in buffer limit configuration.".into())
                    }
                }
            }
            for (class, l) in staged {
                if let Some(slot) = limits.get_mut(class) {
                    *slot = l;
                }
            }
            Ok((Value::Obl(limits), true))
        }
        Special::OomScoreAdjValues => {
            if args.len() != 3 {
                return Err("wrong number of arguments".into());
            }
            let mut vals = [0i32; 3];
            for (slot, a) in vals.iter_mut().zip(args) {
                let (v, end, _) = c_strtoll(a, 10);
                if end != a.len() || !(-2000..=2000).contains(&v) {
                    return Err(
                        "Invalid oom-score-adj-values, elements must be between -2000 and 2000."
                            .into(),
                    );
                }
                *slot = v as i32;
            }
            let new = Value::Oom(vals);
            let changed = &new != old;
            Ok((new, changed))
        }
        Special::NotifyKeyspaceEvents => {
            if args.len() != 1 {
                return Err("wrong number of arguments".into());
            }
            let mut flags_src = args[0].as_slice();
            if let Some(nul) = flags_src.iter().position(|&c| c == 0) {
                flags_src = &flags_src[..nul];
            }
            let f = notify_from_str(flags_src).ok_or_else(|| {
                "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".to_string()
            })?;
            Ok((Value::Notify(f), true))
        }
        Special::Bind => {
            if args.len() > BIND_MAX {
                return Err("Too many bind addresses specified.".into());
            }
            let addrs = if args.len() == 1 && args[0].is_empty() {
                Vec::new()
            } else {
                args.to_vec()
            };
            Ok((Value::Bind(addrs), true))
        }
        Special::ReplicaOf => {
            if args.len() != 2 {
                return Err("wrong number of arguments".into());
            }
            if args[0].eq_ignore_ascii_case(b"no") && args[1].eq_ignore_ascii_case(b"one") {
                return Ok((Value::ReplicaOf(None), true));
            }
            let (port, end, overflow) = c_strtoll(&args[1], 10);
            if overflow || !(0..=65535).contains(&port) || end != args[1].len() {
                return Err("Invalid master port".into());
            }
            Ok((Value::ReplicaOf(Some((args[0].clone(), port))), true))
        }
        Special::LatencyPercentiles => {
            let argv: &[Vec<u8>] = if args.len() == 1 && args[0].is_empty() {
                &[]
            } else {
                args
            };
            let mut out = Vec::with_capacity(argv.len());
            for a in argv {
                let p = string2d(a).ok_or_else(|| {
                    "Invalid latency-tracking-info-percentiles parameters".to_string()
                })?;
                if !(0.0..=100.0).contains(&p) {
                    return Err("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]".into());
                }
                out.push(p);
            }
            Ok((Value::Percentiles(out), true))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string2ll_is_strict() {
        assert_eq!(string2ll(b"0"), Some(0));
        assert_eq!(string2ll(b"-12"), Some(-12));
        assert_eq!(string2ll(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(string2ll(b"-9223372036854775808"), Some(i64::MIN));
        for bad in [
            &b""[..],
            b"+5",
            b"05",
            b"-0",
            b" 5",
            b"5 ",
            b"9223372036854775808",
            b"-",
            b"1e3",
        ] {
            assert_eq!(string2ll(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn memtoull_units() {
        assert_eq!(memtoull(b"5"), Some(5));
        assert_eq!(memtoull(b"5b"), Some(5));
        assert_eq!(memtoull(b"5k"), Some(5000));
        assert_eq!(memtoull(b"5KB"), Some(5120));
        assert_eq!(memtoull(b"100mb"), Some(100 * 1024 * 1024));
        assert_eq!(memtoull(b"1m"), Some(1_000_000));
        assert_eq!(memtoull(b"1g"), Some(1_000_000_000));
        assert_eq!(memtoull(b"1Gb"), Some(1 << 30));
        // Observed on redis-server 7.0.15: "kb" alone sets 0, a huge number
        // saturates to ULLONG_MAX, "1.5gb" / " 1" / "1 " / "0x10" are refused.
        assert_eq!(memtoull(b"kb"), Some(0));
        assert_eq!(memtoull(b"99999999999999999999999"), Some(u64::MAX));
        for bad in [&b"1.5gb"[..], b" 1", b"1 ", b"0x10", b"-1", b"5x", b"+5"] {
            assert_eq!(memtoull(bad), None);
        }
        assert_eq!(memtoull(b"20000000000gb"), None);
    }

    #[test]
    fn strtoll_like_c() {
        assert_eq!(c_strtoll(b"  +10", 10), (10, 5, false));
        assert_eq!(c_strtoll(b"", 10), (0, 0, false));
        assert_eq!(c_strtoll(b"12ab", 10), (12, 2, false));
        assert_eq!(c_strtoll(b"777", 8), (511, 3, false));
        assert!(c_strtoll(b"99999999999999999999", 10).2);
    }

    #[test]
    fn repr_escapes() {
        assert_eq!(repr(b"a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\x01\"");
        assert_eq!(repr(b"AKE"), "\"AKE\"");
    }

    #[test]
    fn notify_formatting_matches_redis() {
        // Observed on redis-server 7.0.15: "gx$" -> "g$x", "A" -> "A", "KEA" -> "AKE".
        assert_eq!(
            notify_to_string(notify_from_str(b"gx$").unwrap_or(0)),
            "g$x"
        );
        assert_eq!(notify_to_string(notify_from_str(b"A").unwrap_or(0)), "A");
        assert_eq!(
            notify_to_string(notify_from_str(b"KEA").unwrap_or(0)),
            "AKE"
        );
        assert_eq!(notify_from_str(b"Q"), None);
        assert_eq!(notify_to_string(0), "");
    }

    #[test]
    fn percentiles_format() {
        // Observed on redis-server 7.0.15: "50.5 99 99.90" -> "50.5 99 99.9".
        assert_eq!(format_percentile(50.5), "50.5");
        assert_eq!(format_percentile(99.0), "99");
        assert_eq!(format_percentile(99.9), "99.9");
        assert_eq!(string2d(b"0x1"), Some(1.0));
        assert_eq!(string2d(b"1e1"), Some(10.0));
        assert_eq!(string2d(b" 1"), None);
        assert_eq!(string2d(b"nan"), None);
    }

    #[test]
    fn enum_names_with_flags() {
        use super::super::directives::SHUTDOWN_ON_SIG;
        assert_eq!(enum_name(SHUTDOWN_ON_SIG, 0, true), "default");
        assert_eq!(enum_name(SHUTDOWN_ON_SIG, 2 | 8, true), "nosave force");
        assert_eq!(enum_name(SHUTDOWN_ON_SIG, 64, true), "unknown");
    }
}
