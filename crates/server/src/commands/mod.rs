//! The command table: every command and subcommand declared exactly once,
//! next to its handler.
//!
//! Each family module exports a `COMMANDS` slice of [`CommandDef`]s, and one
//! builder chain per command carries everything known about it: name, arity,
//! flags, ACL categories and handler, and also what COMMAND INFO and COMMAND
//! DOCS report (group, since-version, summary, complexity, history, tips, doc
//! flags, key specs, arguments) and, where Redis has one, its key function.
//! Arity checks, COMMAND INFO/DOCS/COUNT/LIST/GETKEYS, the lock set and
//! statistics all read this table as declared; nothing is overlaid at start-up.
//!
//! Why one place: facts kept in two tables (a handler table and a separate
//! docs table) drifted silently, one copy winning over the other, and key
//! positions written twice disagreed. Reading a command's whole declaration
//! beside its handler is also the quickest way to check one against the other.
//! The unit tests below fail when a command is declared twice or lacks a part.
//!
//! Where keys are: only the key specs say, followed by [`getkeys`] (with the
//! command's key function where the specs cannot answer). The legacy
//! first/last/step of COMMAND INFO and `movablekeys` are derived from the specs
//! as Redis derives them ([`command_cmd`]).

pub mod bitmap;
pub mod client;
pub mod collection;
pub mod command_cmd;
pub mod config_cmd;
pub mod connection;
pub mod debug;
pub mod expire;
pub mod geo;
pub mod geo_search;
pub mod getkeys;
pub mod hash;
pub mod hll;
pub mod info;
pub mod keys;
pub mod keys_db;
pub mod list;
pub mod memory_cmd;
pub mod multi;
pub mod server;
pub mod set;
pub mod setops;
pub mod slowlog;
pub mod sort;
pub mod string;
pub mod zset;
pub mod zset_pop;
pub mod zset_range;
pub mod zset_setops;

pub use crate::exec::command::{acl, find_subcommand, flags, CommandDef, CommandTable, Handler};
pub use crate::exec::meta::{self, ArgSpec, ArgType, BeginSearch, FindKeys, KeySpec};

/// Everything a command declaration uses: key-spec flags, the spec and
/// argument types, the short constructors above and the key functions.
pub mod prelude {
    pub use super::getkeys;
    pub use crate::exec::meta::keyflag::*;
    pub use crate::exec::meta::{
        block, double, integer, key, kw_keynum, kw_range, oneof, pattern, string, token, unix_time,
        ArgSpec, ArgType, FindKeys, KeySpec,
    };
}

/// The command table of every family, built once at start-up.
pub fn table() -> CommandTable {
    CommandTable::build(&all_families())
}

/// Every top-level command family's table.
pub fn all_families() -> Vec<&'static [CommandDef]> {
    vec![
        string::COMMANDS,
        keys::COMMANDS,
        expire::COMMANDS,
        keys_db::COMMANDS,
        bitmap::COMMANDS,
        connection::COMMANDS,
        client::COMMANDS,
        server::COMMANDS,
        info::COMMANDS,
        command_cmd::COMMANDS,
        config_cmd::COMMANDS,
        slowlog::COMMANDS,
        memory_cmd::COMMANDS,
        debug::COMMANDS,
        list::COMMANDS,
        multi::COMMANDS,
        hll::COMMANDS,
        hash::COMMANDS,
        set::COMMANDS,
        setops::COMMANDS,
        sort::COMMANDS,
        zset::COMMANDS,
        zset_range::COMMANDS,
        zset_setops::COMMANDS,
        zset_pop::COMMANDS,
        geo::COMMANDS,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// Every declaration with its full name (`config|get`).
    fn declarations() -> Vec<(String, &'static CommandDef)> {
        let mut all = Vec::new();
        for family in all_families() {
            for def in family {
                all.push((def.name.to_string(), def));
                for sub in def.subcommands {
                    all.push((format!("{}|{}", def.name, sub.name), sub));
                }
            }
        }
        all
    }

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

    /// Commands Redis documents no complexity for.
    const NO_COMPLEXITY: &[&str] = &["monitor"];
    /// Commands whose only ACL categories are the ones their flags imply.
    const NO_ACL: &[&str] = &[
        "time",
        "shutdown",
        "monitor",
        "config",
        "config|get",
        "config|set",
        "config|resetstat",
        "config|rewrite",
        "slowlog",
        "slowlog|get",
        "slowlog|len",
        "slowlog|reset",
        "memory",
        "memory|doctor",
        "memory|help",
        "memory|malloc-stats",
        "memory|purge",
        "memory|stats",
        "memory|usage",
        "debug",
    ];
    /// Commands of a data group that name no key.
    const KEYLESS: &[&str] = &["keys", "scan", "randomkey", "object|help", "pfselftest"];
    /// Commands taking arguments that Redis documents none for.
    const NO_ARGS: &[&str] = &["debug"];

    fn has_key_arg(args: &[ArgSpec]) -> bool {
        args.iter()
            .any(|a| a.kind == ArgType::Key || has_key_arg(a.subargs))
    }

    #[test]
    fn each_command_declared_once_and_complete() {
        let mut problems = Vec::new();
        let mut seen = HashSet::new();
        for (full, def) in declarations() {
            let mut lacks = |what: &str| problems.push(format!("{full}: {what}"));
            if !seen.insert(full.clone()) {
                lacks("declared twice");
            }
            if full != full.to_ascii_lowercase() {
                lacks("upper-case name");
            }
            if def.summary.is_empty() {
                lacks("summary");
            }
            if def.complexity.is_empty() && !NO_COMPLEXITY.contains(&full.as_str()) {
                lacks("complexity");
            }
            if def.since.is_empty() {
                lacks("since");
            }
            if def.group.is_empty() {
                lacks("group");
            }
            if def.arity == 0 {
                lacks("arity");
            }
            if def.acl == 0 && !NO_ACL.contains(&full.as_str()) {
                lacks("ACL categories");
            }
            let data = matches!(
                def.group,
                "string"
                    | "list"
                    | "set"
                    | "sorted-set"
                    | "hash"
                    | "hyperloglog"
                    | "geo"
                    | "bitmap"
            ) || def.group == "generic";
            let data = data && def.handler.is_some() && !KEYLESS.contains(&full.as_str());
            if (has_key_arg(def.args) || data) && def.key_specs.is_empty() {
                lacks("key specs");
            }
            let words = full.split('|').count() as i32;
            let container = def.handler.is_none();
            if def.arity.abs() > words
                && !container
                && def.args.is_empty()
                && !NO_ARGS.contains(&full.as_str())
            {
                lacks("args");
            }
            check_args(&full, def.args, def.key_specs.len());
        }
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
