//! The vocabulary of a command declaration beyond what dispatch needs: key
//! specifications, argument descriptions and the short `const` constructors
//! ([`key`], [`string`], [`oneof`], [`kw_range`], ...) that keep a declaration
//! readable; a family module takes them all with `use super::prelude::*`
//! (`commands/mod.rs`).
//!
//! Everything here is `const`-constructible so command tables stay `static`
//! and need no start-up work. The facts (names, tokens, types, flags, key-spec
//! numbers, versions) follow Redis 7.2; summaries and complexities are our own
//! words. Key specs are more than documentation: [`keys_from_specs`] follows
//! them for COMMAND GETKEYS and for the lock set, so a spec that is wrong is a
//! locking bug, which is why there is no second way to state key positions.
//!
//! `tests/command_meta.rs` compares COMMAND INFO and COMMAND DOCS of every
//! command with the reference server.

use cinnabar_resp::Args;

/// Key-spec flag bits (as reported by COMMAND INFO and GETKEYSANDFLAGS).
pub mod keyflag {
    /// Read-only access to the key's value.
    pub const RO: u32 = 1 << 0;
    /// Read-write access.
    pub const RW: u32 = 1 << 1;
    /// Overwrite: the old value is not read.
    pub const OW: u32 = 1 << 2;
    /// The key is deleted.
    pub const RM: u32 = 1 << 3;
    /// User data is returned / accessed.
    pub const ACCESS: u32 = 1 << 4;
    /// Data is updated.
    pub const UPDATE: u32 = 1 << 5;
    /// Data is inserted.
    pub const INSERT: u32 = 1 << 6;
    /// Data is deleted.
    pub const DELETE: u32 = 1 << 7;
    /// The argument is not really a key (a channel, ...).
    pub const NOT_KEY: u32 = 1 << 8;
    /// The spec may not find every key.
    pub const INCOMPLETE: u32 = 1 << 9;
    /// The flags depend on the arguments.
    pub const VARIABLE_FLAGS: u32 = 1 << 10;

    /// Names in Redis's reply order.
    pub const NAMES: &[(u32, &str)] = &[
        (RO, "RO"),
        (RW, "RW"),
        (OW, "OW"),
        (RM, "RM"),
        (ACCESS, "access"),
        (UPDATE, "update"),
        (INSERT, "insert"),
        (DELETE, "delete"),
        (NOT_KEY, "not_key"),
        (INCOMPLETE, "incomplete"),
        (VARIABLE_FLAGS, "variable_flags"),
    ];
}

/// Argument flag bits (COMMAND DOCS).
pub mod argflag {
    /// May be omitted.
    pub const OPTIONAL: u8 = 1 << 0;
    /// May repeat.
    pub const MULTIPLE: u8 = 1 << 1;
    /// The token repeats with each repetition.
    pub const MULTIPLE_TOKEN: u8 = 1 << 2;

    /// Names in Redis's reply order.
    pub const NAMES: &[(u8, &str)] = &[
        (OPTIONAL, "optional"),
        (MULTIPLE, "multiple"),
        (MULTIPLE_TOKEN, "multiple_token"),
    ];
}

/// Documentation flag bits (COMMAND DOCS `doc_flags`).
pub mod docflag {
    /// The command is deprecated.
    pub const DEPRECATED: u8 = 1 << 0;
    /// A system command not meant for users.
    pub const SYSCMD: u8 = 1 << 1;

    /// Names in Redis's reply order.
    pub const NAMES: &[(u8, &str)] = &[(DEPRECATED, "deprecated"), (SYSCMD, "syscmd")];
}

/// Where a key spec starts looking for keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BeginSearch {
    /// At a fixed argument index.
    Index(i32),
    /// After the first occurrence of `keyword`, searching from `startfrom`
    /// (negative: from the end, backwards).
    Keyword {
        /// The keyword (upper case, as Redis reports it).
        keyword: &'static str,
        /// Where to start searching.
        startfrom: i32,
    },
    /// Not describable.
    Unknown,
}

/// How a key spec finds the keys once it knows where to begin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindKeys {
    /// Keys up to `lastkey` (relative to the begin index; negative: from the end),
    /// every `keystep`; when `lastkey` is -1, `limit` > 1 keeps only 1/limit of them.
    Range {
        /// Index of the last key relative to the first.
        lastkey: i32,
        /// Distance between keys.
        keystep: i32,
        /// Divisor of the remaining arguments.
        limit: i32,
    },
    /// The number of keys is the argument at `keynumidx`; keys start at `firstkey`
    /// (both relative to the begin index).
    Keynum {
        /// Index of the count.
        keynumidx: i32,
        /// Index of the first key.
        firstkey: i32,
        /// Distance between keys.
        keystep: i32,
    },
    /// Not describable.
    Unknown,
}

/// One key specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySpec {
    /// Free-form notes ("" for none).
    pub notes: &'static str,
    /// [`keyflag`] bits.
    pub flags: u32,
    /// Begin-search step.
    pub begin: BeginSearch,
    /// Find-keys step.
    pub find: FindKeys,
}

impl KeySpec {
    /// Keys from index `index`, up to `lastkey` relative to it, every `keystep`.
    pub const fn range(flags: u32, index: i32, lastkey: i32, keystep: i32, limit: i32) -> Self {
        KeySpec {
            notes: "",
            flags,
            begin: BeginSearch::Index(index),
            find: FindKeys::Range {
                lastkey,
                keystep,
                limit,
            },
        }
    }

    /// One key at `index`.
    pub const fn single(flags: u32, index: i32) -> Self {
        Self::range(flags, index, 0, 1, 0)
    }

    /// Keys counted by the argument at `index + keynumidx`.
    pub const fn keynum(
        flags: u32,
        index: i32,
        keynumidx: i32,
        firstkey: i32,
        keystep: i32,
    ) -> Self {
        KeySpec {
            notes: "",
            flags,
            begin: BeginSearch::Index(index),
            find: FindKeys::Keynum {
                keynumidx,
                firstkey,
                keystep,
            },
        }
    }

    /// Keys after `keyword` (searched from `startfrom`), found by `find`.
    pub const fn keyword(
        flags: u32,
        keyword: &'static str,
        startfrom: i32,
        find: FindKeys,
    ) -> Self {
        KeySpec {
            notes: "",
            flags,
            begin: BeginSearch::Keyword { keyword, startfrom },
            find,
        }
    }

    /// A spec that cannot be described.
    pub const fn unknown(flags: u32) -> Self {
        KeySpec {
            notes: "",
            flags,
            begin: BeginSearch::Unknown,
            find: FindKeys::Unknown,
        }
    }

    /// Adds notes.
    pub const fn notes(mut self, notes: &'static str) -> Self {
        self.notes = notes;
        self
    }
}

/// An argument's type (COMMAND DOCS `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgType {
    /// A string.
    String,
    /// An integer.
    Integer,
    /// A double.
    Double,
    /// A key name.
    Key,
    /// A glob pattern.
    Pattern,
    /// A Unix time.
    UnixTime,
    /// A token with no value.
    PureToken,
    /// One of the sub-arguments.
    OneOf,
    /// A group of sub-arguments.
    Block,
}

impl ArgType {
    /// The name COMMAND DOCS reports.
    pub fn name(self) -> &'static str {
        match self {
            ArgType::String => "string",
            ArgType::Integer => "integer",
            ArgType::Double => "double",
            ArgType::Key => "key",
            ArgType::Pattern => "pattern",
            ArgType::UnixTime => "unix-time",
            ArgType::PureToken => "pure-token",
            ArgType::OneOf => "oneof",
            ArgType::Block => "block",
        }
    }
}

/// One documented argument.
#[derive(Debug, Clone, Copy)]
pub struct ArgSpec {
    /// Identifying name.
    pub name: &'static str,
    /// Type.
    pub kind: ArgType,
    /// Index of the key spec for a key argument, or -1.
    pub key_spec_index: i32,
    /// Token preceding the value ("" for none).
    pub token: &'static str,
    /// Summary ("" for none).
    pub summary: &'static str,
    /// Version that added it ("" for none).
    pub since: &'static str,
    /// Version that deprecated it ("" for none).
    pub deprecated_since: &'static str,
    /// [`argflag`] bits.
    pub flags: u8,
    /// Text shown in syntax ("": the name).
    pub display: &'static str,
    /// Sub-arguments of a `oneof` or `block`.
    pub subargs: &'static [ArgSpec],
}

impl ArgSpec {
    /// A plain argument.
    pub const fn new(name: &'static str, kind: ArgType) -> Self {
        ArgSpec {
            name,
            kind,
            key_spec_index: -1,
            token: "",
            summary: "",
            since: "",
            deprecated_since: "",
            flags: 0,
            display: "",
            subargs: &[],
        }
    }

    /// A key argument described by key spec `spec`.
    pub const fn key(name: &'static str, spec: i32) -> Self {
        let mut a = Self::new(name, ArgType::Key);
        a.key_spec_index = spec;
        a
    }

    /// A pure token (`NX`).
    pub const fn pure_token(name: &'static str, token: &'static str) -> Self {
        Self::new(name, ArgType::PureToken).token(token)
    }

    /// A `oneof` group.
    pub const fn one_of(name: &'static str, subargs: &'static [ArgSpec]) -> Self {
        let mut a = Self::new(name, ArgType::OneOf);
        a.subargs = subargs;
        a
    }

    /// A `block` group.
    pub const fn block(name: &'static str, subargs: &'static [ArgSpec]) -> Self {
        let mut a = Self::new(name, ArgType::Block);
        a.subargs = subargs;
        a
    }

    /// Sets the token.
    pub const fn token(mut self, token: &'static str) -> Self {
        self.token = token;
        self
    }

    /// Marks it optional.
    pub const fn optional(mut self) -> Self {
        self.flags |= argflag::OPTIONAL;
        self
    }

    /// Marks it repeatable.
    pub const fn multiple(mut self) -> Self {
        self.flags |= argflag::MULTIPLE;
        self
    }

    /// Marks its token as repeated with each value.
    pub const fn multiple_token(mut self) -> Self {
        self.flags |= argflag::MULTIPLE_TOKEN;
        self
    }

    /// Sets the version that added it.
    pub const fn since(mut self, since: &'static str) -> Self {
        self.since = since;
        self
    }

    /// Sets the version that deprecated it.
    pub const fn deprecated_since(mut self, v: &'static str) -> Self {
        self.deprecated_since = v;
        self
    }

    /// Sets a summary.
    pub const fn summary(mut self, summary: &'static str) -> Self {
        self.summary = summary;
        self
    }

    /// Points a non-key argument (a SORT pattern) at key spec `spec`.
    pub const fn key_spec(mut self, spec: i32) -> Self {
        self.key_spec_index = spec;
        self
    }

    /// Sets the display text.
    pub const fn display(mut self, display: &'static str) -> Self {
        self.display = display;
        self
    }
}

/// A key argument described by key spec `spec`.
pub const fn key(name: &'static str, spec: i32) -> ArgSpec {
    ArgSpec::key(name, spec)
}

/// A string argument.
pub const fn string(name: &'static str) -> ArgSpec {
    ArgSpec::new(name, ArgType::String)
}

/// An integer argument.
pub const fn integer(name: &'static str) -> ArgSpec {
    ArgSpec::new(name, ArgType::Integer)
}

/// A double argument.
pub const fn double(name: &'static str) -> ArgSpec {
    ArgSpec::new(name, ArgType::Double)
}

/// A glob-pattern argument.
pub const fn pattern(name: &'static str) -> ArgSpec {
    ArgSpec::new(name, ArgType::Pattern)
}

/// A Unix-time argument.
pub const fn unix_time(name: &'static str) -> ArgSpec {
    ArgSpec::new(name, ArgType::UnixTime)
}

/// A pure token.
pub const fn token(name: &'static str, token: &'static str) -> ArgSpec {
    ArgSpec::pure_token(name, token)
}

/// A choice among `subargs`.
pub const fn oneof(name: &'static str, subargs: &'static [ArgSpec]) -> ArgSpec {
    ArgSpec::one_of(name, subargs)
}

/// A group of `subargs`.
pub const fn block(name: &'static str, subargs: &'static [ArgSpec]) -> ArgSpec {
    ArgSpec::block(name, subargs)
}

/// Keys in a range after `keyword`.
pub const fn kw_range(
    flags: u32,
    keyword: &'static str,
    startfrom: i32,
    lastkey: i32,
    keystep: i32,
    limit: i32,
) -> KeySpec {
    KeySpec::keyword(
        flags,
        keyword,
        startfrom,
        FindKeys::Range {
            lastkey,
            keystep,
            limit,
        },
    )
}

/// Keys counted by an argument after `keyword`.
pub const fn kw_keynum(
    flags: u32,
    keyword: &'static str,
    startfrom: i32,
    keynumidx: i32,
    firstkey: i32,
    keystep: i32,
) -> KeySpec {
    KeySpec::keyword(
        flags,
        keyword,
        startfrom,
        FindKeys::Keynum {
            keynumidx,
            firstkey,
            keystep,
        },
    )
}

/// Finds the keys of a command line with key specs, as Redis's
/// `getKeysUsingKeySpecs`: `(position, flags)` pairs in spec order. Specs marked
/// `not_key` are skipped, and so are keyword specs whose keyword is absent.
/// `None` when a spec is unknown, incomplete (and applies) or points outside
/// the arguments (the caller then falls back to its key function).
///
/// With `partial` (Redis's `GET_KEYSPEC_RETURN_PARTIAL`) such a spec is
/// skipped instead and the keys of the others are still returned: never
/// `None` then.
pub fn keys_from_specs(
    specs: &[KeySpec],
    args: &Args<'_>,
    partial: bool,
) -> Option<Vec<(usize, u32)>> {
    let mut keys: Vec<(usize, u32)> = Vec::new();
    for spec in specs {
        if spec.flags & keyflag::NOT_KEY != 0 {
            continue;
        }
        match spec_span(spec, args) {
            Span::Absent => continue,
            Span::Invalid if partial => continue,
            Span::Invalid => return None,
            Span::Keys { first, last, step } => {
                let mut i = first;
                while i <= last {
                    keys.push((i as usize, spec.flags));
                    i += step;
                }
            }
        }
        // An incomplete spec whose keyword was found makes the whole result
        // unreliable (one whose keyword is absent was skipped above).
        if spec.flags & keyflag::INCOMPLETE != 0 && !partial {
            return None;
        }
    }
    Some(keys)
}

/// What one key spec finds in a command line.
enum Span {
    /// Its keyword is absent: it names no key.
    Absent,
    /// It cannot be followed (unknown, bad count, out of the arguments).
    Invalid,
    /// Keys `first`, `first + step`, ... up to `last`.
    Keys { first: i64, last: i64, step: i64 },
}

fn spec_span(spec: &KeySpec, args: &Args<'_>) -> Span {
    let argc = args.len() as i64;
    let mut first: i64 = match spec.begin {
        BeginSearch::Index(i) => i64::from(i),
        BeginSearch::Keyword { keyword, startfrom } => {
            match find_keyword(args, keyword, startfrom) {
                Some(i) => i + 1,
                None => return Span::Absent,
            }
        }
        BeginSearch::Unknown => return Span::Invalid,
    };
    let (last, step) = match spec.find {
        FindKeys::Range {
            lastkey,
            keystep,
            limit,
        } => {
            let last = if lastkey >= 0 {
                first + i64::from(lastkey)
            } else if limit == 0 {
                argc + i64::from(lastkey)
            } else {
                first + (argc - first) / i64::from(limit) + i64::from(lastkey)
            };
            (last, i64::from(keystep))
        }
        FindKeys::Keynum {
            keynumidx,
            firstkey,
            keystep,
        } => {
            if i64::from(keynumidx) >= argc - first {
                return Span::Invalid;
            }
            let n = match cinnabar_resp::parse_i64_strict(
                args.get((first + i64::from(keynumidx)) as usize),
            ) {
                Some(n) if n >= 0 => n,
                _ => return Span::Invalid,
            };
            first += i64::from(firstkey);
            (first.saturating_add(n) - 1, i64::from(keystep))
        }
        FindKeys::Unknown => return Span::Invalid,
    };
    if last >= argc || last < first || first >= argc || step <= 0 {
        return Span::Invalid;
    }
    Span::Keys { first, last, step }
}

/// Index of `keyword` searched from `startfrom` (backwards when negative), as
/// Redis's keyword begin-search (the end index itself is not examined).
fn find_keyword(args: &Args<'_>, keyword: &str, startfrom: i32) -> Option<i64> {
    let argc = args.len() as i64;
    let (start, end) = if startfrom > 0 {
        (i64::from(startfrom), argc - 1)
    } else {
        (argc + i64::from(startfrom), 0)
    };
    let forward = start <= end;
    let mut i = start;
    while i != end {
        if i >= argc || i < 1 {
            break;
        }
        if args
            .get(i as usize)
            .eq_ignore_ascii_case(keyword.as_bytes())
        {
            return Some(i);
        }
        i += if forward { 1 } else { -1 };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Range;

    fn args_of(words: &[&str]) -> (Vec<u8>, Vec<Range<usize>>) {
        let mut base = Vec::new();
        let mut ranges = Vec::new();
        for w in words {
            let s = base.len();
            base.extend_from_slice(w.as_bytes());
            ranges.push(s..base.len());
        }
        (base, ranges)
    }

    #[test]
    fn range_keynum_and_keyword_specs() {
        let (b, r) = args_of(&["mset", "a", "1", "b", "2"]);
        let specs = [KeySpec::range(keyflag::OW, 1, -1, 2, 0)];
        let keys = keys_from_specs(&specs, &Args::new(&b, &r), false).expect("keys");
        assert_eq!(keys.iter().map(|k| k.0).collect::<Vec<_>>(), vec![1, 3]);

        let (b, r) = args_of(&["zunionstore", "d", "2", "x", "y", "WEIGHTS", "1", "2"]);
        let specs = [
            KeySpec::single(keyflag::OW, 1),
            KeySpec::keynum(keyflag::RO, 2, 0, 1, 1),
        ];
        let keys = keys_from_specs(&specs, &Args::new(&b, &r), false).expect("keys");
        assert_eq!(keys.iter().map(|k| k.0).collect::<Vec<_>>(), vec![1, 3, 4]);

        let (b, r) = args_of(&["xread", "COUNT", "2", "STREAMS", "s1", "s2", "0", "0"]);
        let specs = [KeySpec::keyword(
            keyflag::RO,
            "STREAMS",
            1,
            FindKeys::Range {
                lastkey: -1,
                keystep: 1,
                limit: 2,
            },
        )];
        let keys = keys_from_specs(&specs, &Args::new(&b, &r), false).expect("keys");
        assert_eq!(keys.iter().map(|k| k.0).collect::<Vec<_>>(), vec![4, 5]);
    }

    #[test]
    fn huge_key_count_is_invalid_not_overflow() {
        let (b, r) = args_of(&["zmpop", "9223372036854775807", "a", "MIN"]);
        let specs = [KeySpec::keynum(keyflag::RW, 1, 0, 1, 1)];
        assert!(keys_from_specs(&specs, &Args::new(&b, &r), false).is_none());
        let keys = keys_from_specs(&specs, &Args::new(&b, &r), true).expect("partial");
        assert!(keys.is_empty());
    }
}
