//! Documented facts of every command, kept apart from the handlers.
//!
//! Each entry states what COMMAND INFO and COMMAND DOCS report beyond arity,
//! flags and ACL categories: key specifications, arguments, tips, history,
//! doc flags, since-version, group, summary and complexity. The facts (names,
//! tokens, types, flags, key-spec numbers, versions) follow Redis 7.2; the
//! summaries, complexities and history sentences are our own words.
//!
//! The table builder ([`super::CommandTable::build`]) gives every registered
//! command the entry of its full name (`config|get`); entries of commands
//! that are not registered are simply unused. One file per family keeps the
//! data near its kind of command.
//!
//! `tests/command_meta.rs` compares COMMAND INFO and COMMAND DOCS of every
//! command with the reference server; pointed at a Redis 7.2 binary
//! (`CINNABAR_DIFF_REFERENCE`) it checks these facts field for field.

use std::collections::HashMap;
use std::sync::OnceLock;

pub use super::meta::keyflag::*;
pub use super::meta::{ArgSpec, ArgType, FindKeys, KeySpec};

mod bitmap;
mod connection;
mod generic;
mod geo;
mod hash;
mod hll;
mod list;
mod server;
mod server_admin;
mod set;
mod string;
mod transactions;
mod zset;

/// The documented facts of one command or subcommand.
#[derive(Debug, Clone, Copy)]
pub struct CommandMeta {
    /// Full lower-case name (`zadd`, `config|get`).
    pub name: &'static str,
    /// Command group (`string`, `generic`, `server`, ...).
    pub group: &'static str,
    /// Version that introduced it.
    pub since: &'static str,
    /// One-line summary, in our own words.
    pub summary: &'static str,
    /// Time complexity ("" when Redis documents none).
    pub complexity: &'static str,
    /// [`super::meta::docflag`] bits.
    pub doc_flags: u8,
    /// Version that deprecated it ("" if not deprecated).
    pub deprecated_since: &'static str,
    /// What replaces a deprecated command ("" for none).
    pub replaced_by: &'static str,
    /// History entries: (version, what changed).
    pub history: &'static [(&'static str, &'static str)],
    /// Command tips.
    pub tips: &'static [&'static str],
    /// Key specifications.
    pub key_specs: &'static [KeySpec],
    /// Documented arguments.
    pub args: &'static [ArgSpec],
}

impl CommandMeta {
    /// An entry with nothing but its name, group and since-version.
    pub const fn new(name: &'static str, group: &'static str, since: &'static str) -> Self {
        CommandMeta {
            name,
            group,
            since,
            summary: "",
            complexity: "",
            doc_flags: 0,
            deprecated_since: "",
            replaced_by: "",
            history: &[],
            tips: &[],
            key_specs: &[],
            args: &[],
        }
    }

    /// Sets the summary and complexity.
    pub const fn doc(mut self, summary: &'static str, complexity: &'static str) -> Self {
        self.summary = summary;
        self.complexity = complexity;
        self
    }

    /// Marks it deprecated since `since`, replaced by `replaced_by`.
    pub const fn deprecated(mut self, since: &'static str, replaced_by: &'static str) -> Self {
        self.doc_flags |= super::meta::docflag::DEPRECATED;
        self.deprecated_since = since;
        self.replaced_by = replaced_by;
        self
    }

    /// Marks it a system command.
    pub const fn syscmd(mut self) -> Self {
        self.doc_flags |= super::meta::docflag::SYSCMD;
        self
    }

    /// Sets the history.
    pub const fn history(mut self, history: &'static [(&'static str, &'static str)]) -> Self {
        self.history = history;
        self
    }

    /// Sets the tips.
    pub const fn tips(mut self, tips: &'static [&'static str]) -> Self {
        self.tips = tips;
        self
    }

    /// Sets the key specifications.
    pub const fn key_specs(mut self, specs: &'static [KeySpec]) -> Self {
        self.key_specs = specs;
        self
    }

    /// Sets the arguments.
    pub const fn args(mut self, args: &'static [ArgSpec]) -> Self {
        self.args = args;
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

/// Every family's entries.
fn families() -> [&'static [CommandMeta]; 13] {
    [
        bitmap::ENTRIES,
        connection::ENTRIES,
        generic::ENTRIES,
        geo::ENTRIES,
        hash::ENTRIES,
        hll::ENTRIES,
        list::ENTRIES,
        server::ENTRIES,
        server_admin::ENTRIES,
        set::ENTRIES,
        string::ENTRIES,
        transactions::ENTRIES,
        zset::ENTRIES,
    ]
}

/// Every entry.
pub fn all() -> impl Iterator<Item = &'static CommandMeta> {
    families().into_iter().flatten()
}

/// The entry of a command by its full lower-case name (`get`, `client|list`).
pub fn metadata(full_name: &str) -> Option<&'static CommandMeta> {
    static MAP: OnceLock<HashMap<&'static str, &'static CommandMeta>> = OnceLock::new();
    MAP.get_or_init(|| all().map(|m| (m.name, m)).collect())
        .get(full_name)
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::{all_families, ArgType};
    use std::collections::HashSet;

    fn check_args(name: &str, args: &[ArgSpec], specs: usize) {
        for a in args {
            let group = matches!(a.kind, ArgType::OneOf | ArgType::Block);
            assert_eq!(group, !a.subargs.is_empty(), "{name}: {}", a.name);
            if a.kind == ArgType::Key {
                assert!(a.key_spec_index >= 0, "{name}: {}", a.name);
            }
            assert!(
                a.key_spec_index < specs as i32,
                "{name}: {} points at a missing key spec",
                a.name
            );
            check_args(name, a.subargs, specs);
        }
    }

    #[test]
    fn entries_are_unique_and_consistent() {
        let mut seen = HashSet::new();
        for m in all() {
            assert!(seen.insert(m.name), "duplicate entry {}", m.name);
            assert_eq!(m.name, m.name.to_ascii_lowercase());
            assert!(!m.summary.is_empty(), "{} has no summary", m.name);
            assert!(!m.since.is_empty(), "{} has no since", m.name);
            check_args(m.name, m.args, m.key_specs.len());
            if let Some((top, _)) = m.name.split_once('|') {
                assert!(metadata(top).is_some(), "{} has no container entry", m.name);
            }
        }
        assert!(metadata("zadd").is_some());
        assert!(metadata("config|get").is_some());
        assert!(metadata("no-such-command").is_none());
    }

    #[test]
    fn every_registered_command_has_an_entry() {
        for family in all_families() {
            for def in family {
                assert!(metadata(def.name).is_some(), "{} has no entry", def.name);
                for sub in def.subcommands {
                    let full = format!("{}|{}", def.name, sub.name);
                    assert!(metadata(&full).is_some(), "{full} has no entry");
                }
            }
        }
    }
}
