//! COMMAND and its subcommands, all generated from the one command table.
//!
//! Besides the replies, this module holds the facts derived from a table entry
//! the way Redis derives them: implicit ACL categories ([`acl_categories`]), the
//! `movablekeys` flag and the legacy first/last/step key range.

use cinnabar_resp::{Args, ReplyBuf};

use super::meta::{argflag, docflag, keyflag, ArgSpec};
use super::prelude::*;
use super::{acl, find_subcommand, flags::*, ArgType, BeginSearch, CommandDef, FindKeys, KeySpec};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;
use crate::server::Server;

const COMMAND_FLAGS: u32 = LOADING | STALE;

static SUBCOMMANDS: &[CommandDef] = &[
    CommandDef::new("count", 2, COMMAND_FLAGS, "server", count)
        .acl(acl::CONNECTION)
        .since("2.8.13")
        .doc("Returns how many commands the server has.", "O(1)"),
    CommandDef::new("docs", -2, COMMAND_FLAGS, "server", docs)
        .acl(acl::CONNECTION)
        .since("7.0.0")
        .doc(
            "Returns documentation about one, several or all commands.",
            "O(N), N being the number of commands looked up",
        )
        .tips(&["nondeterministic_output_order"])
        .args(&[string("command-name").optional().multiple()]),
    CommandDef::new("getkeys", -3, COMMAND_FLAGS, "server", getkeys)
        .acl(acl::CONNECTION)
        .since("2.8.13")
        .doc(
            "Extracts the key names from a complete command line.",
            "O(N), N being the number of arguments of the command line",
        )
        .args(&[string("command"), string("arg").optional().multiple()]),
    CommandDef::new(
        "getkeysandflags",
        -3,
        COMMAND_FLAGS,
        "server",
        getkeysandflags,
    )
    .acl(acl::CONNECTION)
    .since("7.0.0")
    .doc(
        concat!(
            "Extracts the key names and their access flags from a ",
            "complete command line."
        ),
        "O(N), N being the number of arguments of the command line",
    )
    .args(&[string("command"), string("arg").optional().multiple()]),
    CommandDef::new("help", 2, COMMAND_FLAGS, "server", help)
        .acl(acl::CONNECTION)
        .since("5.0.0")
        .doc("Lists the COMMAND subcommands.", "O(1)"),
    CommandDef::new("info", -2, COMMAND_FLAGS, "server", info)
        .acl(acl::CONNECTION)
        .since("2.8.13")
        .doc(
            "Returns details about one, several or all commands.",
            "O(N), N being the number of commands looked up",
        )
        .history(&[("7.0.0", "Without names, every command is described.")])
        .tips(&["nondeterministic_output_order"])
        .args(&[string("command-name").optional().multiple()]),
    CommandDef::new("list", -2, COMMAND_FLAGS, "server", list)
        .acl(acl::CONNECTION)
        .since("7.0.0")
        .doc(
            "Lists command names, optionally filtered.",
            "O(N) where N is the total number of commands",
        )
        .tips(&["nondeterministic_output_order"])
        .args(&[oneof(
            "filterby",
            &[
                string("module-name").token("MODULE"),
                string("category").token("ACLCAT"),
                pattern("pattern").token("PATTERN"),
            ],
        )
        .token("FILTERBY")
        .optional()]),
];

/// The COMMAND command.
pub static COMMANDS: &[CommandDef] =
    &[CommandDef::new("command", -1, COMMAND_FLAGS, "server", all)
        .with_subcommands(SUBCOMMANDS)
        .acl(acl::CONNECTION)
        .since("2.8.13")
        .doc(
            "Returns details about every command.",
            "O(N) where N is the total number of commands",
        )
        .tips(&["nondeterministic_output_order"])];

/// The ACL categories of a command: its explicit ones plus those Redis implies
/// from its flags (`write` → @write, `readonly` → @read, `admin` → @admin and
/// @dangerous, `pubsub`, `fast`, `blocking`, and @slow for whatever is not @fast).
pub fn acl_categories(def: &CommandDef) -> u64 {
    let mut c = def.acl;
    if def.has(WRITE) {
        c |= acl::WRITE;
    }
    if def.has(READONLY) && c & acl::SCRIPTING == 0 {
        c |= acl::READ;
    }
    if def.has(ADMIN) {
        c |= acl::ADMIN | acl::DANGEROUS;
    }
    if def.has(PUBSUB) {
        c |= acl::PUBSUB;
    }
    if def.has(FAST) {
        c |= acl::FAST;
    }
    if def.has(BLOCKING) {
        c |= acl::BLOCKING;
    }
    if c & acl::FAST == 0 {
        c |= acl::SLOW;
    }
    c
}

/// True when Redis would flag the command `movablekeys`: its keys can't be found
/// from one fixed range (derived from the key specs alone, as Redis's
/// `populateCommandLegacyRangeSpec` does).
pub fn movable_keys(def: &CommandDef) -> bool {
    legacy_range(def).1
}

/// The legacy (first, last, step) triple of COMMAND INFO, and whether building it
/// from the key specs required giving up on some (which makes keys movable).
fn legacy_range(def: &CommandDef) -> ((i64, i64, i64), bool) {
    let specs = def.key_specs;
    if specs.is_empty() {
        return ((0, 0, 0), false);
    }
    if let [KeySpec {
        begin: BeginSearch::Index(pos),
        find: FindKeys::Range {
            lastkey, keystep, ..
        },
        flags,
        ..
    }] = specs
    {
        let last = if *lastkey >= 0 {
            i64::from(*lastkey) + i64::from(*pos)
        } else {
            i64::from(*lastkey)
        };
        return (
            (i64::from(*pos), last, i64::from(*keystep)),
            flags & keyflag::INCOMPLETE != 0,
        );
    }
    let mut movable = false;
    let (mut first, mut last, mut prev_last): (Option<i64>, i64, i64) = (None, 0, 0);
    for spec in specs {
        let (
            BeginSearch::Index(pos),
            FindKeys::Range {
                lastkey, keystep, ..
            },
        ) = (spec.begin, spec.find)
        else {
            movable = true;
            continue;
        };
        if keystep != 1 || (prev_last != 0 && prev_last != i64::from(pos) - 1) {
            movable = true;
            continue;
        }
        if spec.flags & keyflag::INCOMPLETE != 0 {
            movable = true;
        }
        first = Some(first.map_or(i64::from(pos), |f| f.min(i64::from(pos))));
        let abs = if lastkey >= 0 {
            i64::from(lastkey) + i64::from(pos)
        } else {
            i64::from(lastkey)
        };
        // Redis compares as unsigned, so a negative (from-the-end) index wins.
        if (abs as u64) > (last as u64) {
            last = abs;
        }
        prev_last = last;
    }
    match first {
        Some(f) => ((f, last, 1), movable),
        None => ((0, 0, 0), true),
    }
}

/// Command flags in COMMAND INFO order (`movablekeys` is derived).
const FLAG_NAMES: &[(u32, &str)] = &[
    (WRITE, "write"),
    (READONLY, "readonly"),
    (DENYOOM, "denyoom"),
    (ADMIN, "admin"),
    (PUBSUB, "pubsub"),
    (NOSCRIPT, "noscript"),
    (BLOCKING, "blocking"),
    (LOADING, "loading"),
    (STALE, "stale"),
    (SKIP_MONITOR, "skip_monitor"),
    (SKIP_SLOWLOG, "skip_slowlog"),
    (FAST, "fast"),
    (NO_AUTH, "no_auth"),
    (NO_MANDATORY_KEYS, "no_mandatory_keys"),
    (NO_ASYNC_LOADING, "no_async_loading"),
    (NO_MULTI, "no_multi"),
];

fn reply_flags(out: &mut ReplyBuf, def: &CommandDef) {
    let movable = movable_keys(def);
    let mut names: Vec<&str> = FLAG_NAMES
        .iter()
        .filter(|(f, _)| def.has(*f))
        .map(|(_, n)| *n)
        .collect();
    if movable {
        names.push("movablekeys");
    }
    if def.has(ALLOW_BUSY) {
        names.push("allow_busy");
    }
    out.set(names.len());
    for n in names {
        out.simple(n.as_bytes());
    }
}

fn reply_name_set(out: &mut ReplyBuf, names: &[&str]) {
    out.set(names.len());
    for n in names {
        out.simple(n.as_bytes());
    }
}

fn flag_names<T: Copy + std::ops::BitAnd<Output = T> + PartialEq + Default>(
    bits: T,
    table: &[(T, &'static str)],
) -> Vec<&'static str> {
    table
        .iter()
        .filter(|(f, _)| bits & *f != T::default())
        .map(|(_, n)| *n)
        .collect()
}

/// Writes one command's COMMAND INFO entry.
pub fn reply_info(out: &mut ReplyBuf, full_name: &str, def: &CommandDef) {
    let (first, last, step) = legacy_range(def).0;
    out.array(10);
    out.bulk(full_name.as_bytes());
    out.int(i64::from(def.arity));
    reply_flags(out, def);
    out.int(first);
    out.int(last);
    out.int(step);
    let cats = acl_categories(def);
    let names: Vec<String> = acl::NAMES
        .iter()
        .filter(|(c, _)| cats & c != 0)
        .map(|(_, n)| format!("@{n}"))
        .collect();
    out.set(names.len());
    for n in &names {
        out.simple(n.as_bytes());
    }
    out.set(def.tips.len());
    for t in def.tips {
        out.bulk(t.as_bytes());
    }
    reply_key_specs(out, def.key_specs);
    if def.subcommands.is_empty() {
        out.set(0);
    } else {
        out.array(def.subcommands.len());
        for sub in def.subcommands {
            reply_info(out, &format!("{}|{}", def.name, sub.name), sub);
        }
    }
}

fn reply_key_specs(out: &mut ReplyBuf, specs: &[KeySpec]) {
    out.set(specs.len());
    for spec in specs {
        out.map(if spec.notes.is_empty() { 3 } else { 4 });
        if !spec.notes.is_empty() {
            out.bulk(b"notes");
            out.bulk(spec.notes.as_bytes());
        }
        out.bulk(b"flags");
        reply_name_set(out, &flag_names(spec.flags, keyflag::NAMES));
        out.bulk(b"begin_search");
        out.map(2);
        out.bulk(b"type");
        match spec.begin {
            BeginSearch::Index(pos) => {
                out.bulk(b"index");
                out.bulk(b"spec");
                out.map(1);
                out.bulk(b"index");
                out.int(i64::from(pos));
            }
            BeginSearch::Keyword { keyword, startfrom } => {
                out.bulk(b"keyword");
                out.bulk(b"spec");
                out.map(2);
                out.bulk(b"keyword");
                out.bulk(keyword.as_bytes());
                out.bulk(b"startfrom");
                out.int(i64::from(startfrom));
            }
            BeginSearch::Unknown => {
                out.bulk(b"unknown");
                out.bulk(b"spec");
                out.map(0);
            }
        }
        out.bulk(b"find_keys");
        out.map(2);
        out.bulk(b"type");
        match spec.find {
            FindKeys::Range {
                lastkey,
                keystep,
                limit,
            } => {
                out.bulk(b"range");
                out.bulk(b"spec");
                out.map(3);
                for (k, v) in [("lastkey", lastkey), ("keystep", keystep), ("limit", limit)] {
                    out.bulk(k.as_bytes());
                    out.int(i64::from(v));
                }
            }
            FindKeys::Keynum {
                keynumidx,
                firstkey,
                keystep,
            } => {
                out.bulk(b"keynum");
                out.bulk(b"spec");
                out.map(3);
                for (k, v) in [
                    ("keynumidx", keynumidx),
                    ("firstkey", firstkey),
                    ("keystep", keystep),
                ] {
                    out.bulk(k.as_bytes());
                    out.int(i64::from(v));
                }
            }
            FindKeys::Unknown => {
                out.bulk(b"unknown");
                out.bulk(b"spec");
                out.map(0);
            }
        }
    }
}

/// Writes one command's COMMAND DOCS map.
pub fn reply_docs(out: &mut ReplyBuf, def: &CommandDef) {
    let fields = [
        !def.summary.is_empty(),
        !def.since.is_empty(),
        true,
        !def.complexity.is_empty(),
        def.doc_flags != 0,
        !def.deprecated_since.is_empty(),
        !def.replaced_by.is_empty(),
        !def.history.is_empty(),
        !def.args.is_empty(),
        !def.subcommands.is_empty(),
    ];
    out.map(fields.iter().filter(|&&f| f).count());
    if !def.summary.is_empty() {
        out.bulk(b"summary");
        out.bulk(def.summary.as_bytes());
    }
    if !def.since.is_empty() {
        out.bulk(b"since");
        out.bulk(def.since.as_bytes());
    }
    out.bulk(b"group");
    out.bulk(def.group.as_bytes());
    if !def.complexity.is_empty() {
        out.bulk(b"complexity");
        out.bulk(def.complexity.as_bytes());
    }
    if def.doc_flags != 0 {
        out.bulk(b"doc_flags");
        reply_name_set(out, &flag_names(def.doc_flags, docflag::NAMES));
    }
    if !def.deprecated_since.is_empty() {
        out.bulk(b"deprecated_since");
        out.bulk(def.deprecated_since.as_bytes());
    }
    if !def.replaced_by.is_empty() {
        out.bulk(b"replaced_by");
        out.bulk(def.replaced_by.as_bytes());
    }
    if !def.history.is_empty() {
        out.bulk(b"history");
        out.set(def.history.len());
        for (version, change) in def.history {
            out.array(2);
            out.bulk(version.as_bytes());
            out.bulk(change.as_bytes());
        }
    }
    if !def.args.is_empty() {
        out.bulk(b"arguments");
        reply_args(out, def.args);
    }
    if !def.subcommands.is_empty() {
        out.bulk(b"subcommands");
        out.map(def.subcommands.len());
        for sub in def.subcommands {
            out.bulk(format!("{}|{}", def.name, sub.name).as_bytes());
            reply_docs(out, sub);
        }
    }
}

fn reply_args(out: &mut ReplyBuf, args: &[ArgSpec]) {
    out.array(args.len());
    for a in args {
        let group = matches!(a.kind, ArgType::OneOf | ArgType::Block);
        let fields = [
            true,
            true,
            !group,
            a.key_spec_index >= 0,
            !a.token.is_empty(),
            !a.summary.is_empty(),
            !a.since.is_empty(),
            !a.deprecated_since.is_empty(),
            a.flags != 0,
            group,
        ];
        out.map(fields.iter().filter(|&&f| f).count());
        out.bulk(b"name");
        out.bulk(a.name.as_bytes());
        out.bulk(b"type");
        out.bulk(a.kind.name().as_bytes());
        if !group {
            out.bulk(b"display_text");
            out.bulk(
                if a.display.is_empty() {
                    a.name
                } else {
                    a.display
                }
                .as_bytes(),
            );
        }
        if a.key_spec_index >= 0 {
            out.bulk(b"key_spec_index");
            out.int(i64::from(a.key_spec_index));
        }
        if !a.token.is_empty() {
            out.bulk(b"token");
            out.bulk(a.token.as_bytes());
        }
        if !a.summary.is_empty() {
            out.bulk(b"summary");
            out.bulk(a.summary.as_bytes());
        }
        if !a.since.is_empty() {
            out.bulk(b"since");
            out.bulk(a.since.as_bytes());
        }
        if !a.deprecated_since.is_empty() {
            out.bulk(b"deprecated_since");
            out.bulk(a.deprecated_since.as_bytes());
        }
        if a.flags != 0 {
            out.bulk(b"flags");
            reply_name_set(out, &flag_names(a.flags, argflag::NAMES));
        }
        if group {
            out.bulk(b"arguments");
            reply_args(out, a.subargs);
        }
    }
}

/// Finds a command by `name` or `container|sub`, case-insensitively, as Redis's
/// `lookupCommandBySds`; returns its full name too.
pub fn lookup_by_full_name(srv: &Server, name: &[u8]) -> Option<(String, &'static CommandDef)> {
    let mut parts = name.split(|&b| b == b'|');
    let top = srv.commands.get(parts.next()?)?;
    match (parts.next(), parts.next()) {
        (None, _) => Some((top.name.to_string(), top)),
        (Some(sub), None) if !top.subcommands.is_empty() => {
            let sub = find_subcommand(top, sub)?;
            Some((format!("{}|{}", top.name, sub.name), sub))
        }
        _ => None,
    }
}

// COMMAND
fn all(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let list = &ctx.srv.commands.list;
    ctx.out.array(list.len());
    for def in list {
        reply_info(ctx.out, def.name, def);
    }
    Ok(())
}

// COMMAND COUNT
fn count(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    ctx.out.int(ctx.srv.commands.list.len() as i64);
    Ok(())
}

// COMMAND INFO [command-name [command-name ...]]
fn info(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() == 2 {
        return all(ctx, args);
    }
    ctx.out.array(args.len() - 2);
    for name in args.iter().skip(2) {
        match lookup_by_full_name(ctx.srv, name) {
            Some((full, def)) => reply_info(ctx.out, &full, def),
            None => ctx.out.null(),
        }
    }
    Ok(())
}

// COMMAND DOCS [command-name [command-name ...]]
fn docs(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() == 2 {
        let list = &ctx.srv.commands.list;
        ctx.out.map(list.len());
        for def in list {
            ctx.out.bulk(def.name.as_bytes());
            reply_docs(ctx.out, def);
        }
        return Ok(());
    }
    let found: Vec<(String, &CommandDef)> = args
        .iter()
        .skip(2)
        .filter_map(|n| lookup_by_full_name(ctx.srv, n))
        .collect();
    ctx.out.map(found.len());
    for (full, def) in found {
        ctx.out.bulk(full.as_bytes());
        reply_docs(ctx.out, def);
    }
    Ok(())
}

// COMMAND LIST [FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]
fn list(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    enum Filter<'a> {
        None,
        Module,
        AclCat(Option<u64>),
        Pattern(&'a [u8]),
    }
    let mut filter = Filter::None;
    let mut i = 2;
    while i < args.len() {
        let more = args.len() - 1 - i;
        if args.get(i).eq_ignore_ascii_case(b"filterby") && more == 2 {
            let kind = args.get(i + 1);
            let value = args.get(i + 2);
            filter = if kind.eq_ignore_ascii_case(b"module") {
                Filter::Module
            } else if kind.eq_ignore_ascii_case(b"aclcat") {
                Filter::AclCat(
                    acl::NAMES
                        .iter()
                        .find(|(_, n)| n.as_bytes().eq_ignore_ascii_case(value))
                        .map(|(c, _)| *c),
                )
            } else if kind.eq_ignore_ascii_case(b"pattern") {
                Filter::Pattern(value)
            } else {
                return Err(CmdError::Syntax);
            };
            i += 3;
        } else {
            return Err(CmdError::Syntax);
        }
    }
    let keep = |name: &str, def: &CommandDef| match &filter {
        Filter::None => true,
        Filter::Module => false,
        Filter::AclCat(cat) => cat.is_some_and(|c| acl_categories(def) & c != 0),
        Filter::Pattern(p) => crate::glob::matches(p, name.as_bytes(), true),
    };
    let names: Vec<&str> = ctx
        .srv
        .commands
        .full
        .iter()
        .filter(|(n, d)| keep(n, d))
        .map(|(n, _)| n.as_str())
        .collect();
    ctx.out.array(names.len());
    for n in names {
        ctx.out.bulk(n.as_bytes());
    }
    Ok(())
}

// COMMAND GETKEYS command [arg ...]
fn getkeys(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    get_keys_reply(ctx, args, false)
}

// COMMAND GETKEYSANDFLAGS command [arg ...]
fn getkeysandflags(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    get_keys_reply(ctx, args, true)
}

fn get_keys_reply(ctx: &mut Ctx<'_>, args: &Args<'_>, with_flags: bool) -> CmdResult {
    let target = args.slice_from(2);
    let Some(def) = lookup_for_getkeys(ctx.srv, &target) else {
        return Err(CmdError::err("Invalid command specified"));
    };
    if !crate::exec::keys::has_keys(def) {
        return Err(CmdError::err("The command has no key arguments"));
    }
    let argc = target.len() as i32;
    if (def.arity > 0 && def.arity != argc) || argc < -def.arity {
        return Err(CmdError::err(
            "Invalid number of arguments specified for command",
        ));
    }
    let keys = crate::exec::keys::command_keys(def, &target);
    if keys.is_empty() {
        if def.has(NO_MANDATORY_KEYS) {
            ctx.out.array(0);
            return Ok(());
        }
        return Err(CmdError::err("Invalid arguments specified for command"));
    }
    ctx.out.array(keys.len());
    for (pos, kflags) in keys {
        if with_flags {
            ctx.out.array(2);
            ctx.out.bulk(target.get(pos));
            reply_name_set(ctx.out, &flag_names(kflags, keyflag::NAMES));
        } else {
            ctx.out.bulk(target.get(pos));
        }
    }
    Ok(())
}

/// The command (or subcommand) a full command line names, as Redis's `lookupCommand`.
fn lookup_for_getkeys(srv: &Server, target: &Args<'_>) -> Option<&'static CommandDef> {
    let top = srv.commands.get(target.get(0))?;
    if top.subcommands.is_empty() || target.len() < 2 {
        return Some(top);
    }
    find_subcommand(top, target.get(1))
}

// COMMAND HELP
fn help(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    reply_help(
        ctx.out,
        "COMMAND",
        &[
            "(no subcommand)",
            "    Return details about every command.",
            "COUNT",
            "    Return how many commands this server has.",
            "LIST",
            "    Return the names of every command and subcommand.",
            "INFO [<command-name> ...]",
            "    Return details about the given commands.",
            "    Without names, details of every command are returned.",
            "DOCS [<command-name> ...]",
            "    Return documentation about the given commands.",
            "    Without names, documentation of every command is returned.",
            "GETKEYS <full-command>",
            "    Return the key names of a complete command line.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the key names of a complete command line with their access flags.",
        ],
    );
    Ok(())
}

/// Writes a HELP reply in Redis's layout: a title line, the given lines, then the
/// HELP entry.
pub fn reply_help(out: &mut ReplyBuf, command: &str, lines: &[&str]) {
    out.array(lines.len() + 3);
    out.simple(
        format!("{command} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:").as_bytes(),
    );
    for l in lines {
        out.simple(l.as_bytes());
    }
    out.simple(b"HELP");
    out.simple(b"    Prints this help.");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noop(_: &mut Ctx<'_>, _: &Args<'_>) -> CmdResult {
        Ok(())
    }

    #[test]
    fn implied_acl_categories() {
        let get = CommandDef::new("get", 2, READONLY | FAST, "string", noop);
        assert_eq!(acl_categories(&get), acl::READ | acl::FAST);
        let shutdown = CommandDef::new("shutdown", -1, ADMIN, "server", noop);
        assert_eq!(
            acl_categories(&shutdown),
            acl::ADMIN | acl::DANGEROUS | acl::SLOW
        );
    }

    #[test]
    fn legacy_ranges() {
        static SPECS: &[KeySpec] = &[
            KeySpec::single(keyflag::OW, 1),
            KeySpec::keynum(keyflag::RO, 2, 0, 1, 1),
        ];
        let z = CommandDef::new("zunionstore", -4, WRITE, "sorted-set", noop).key_specs(SPECS);
        assert_eq!(legacy_range(&z), ((1, 1, 1), true));
        static MSET: &[KeySpec] = &[KeySpec::range(keyflag::OW, 1, -1, 2, 0)];
        let m = CommandDef::new("mset", -3, WRITE, "string", noop).key_specs(MSET);
        assert_eq!(legacy_range(&m), ((1, -1, 2), false));
    }
}
