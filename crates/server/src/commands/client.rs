//! CLIENT and its subcommands: connection names and library info, CLIENT LIST /
//! INFO, KILL, PAUSE / UNPAUSE, REPLY, NO-EVICT, NO-TOUCH, UNBLOCK, and the
//! client-side caching queries that have a fixed answer while tracking is off.
//!
//! CLIENT TRACKING itself is not here yet (it belongs with client-side caching),
//! so GETREDIR, TRACKINGINFO and CACHING answer for a connection without tracking.

use std::collections::BTreeSet;
use std::sync::atomic::Ordering::Relaxed;

use cinnabar_resp::{parse_i64_strict, Args};

use super::prelude::*;
use super::{acl, flags::*, CommandDef};
use crate::client::{flag, ClientShared, ReplyMode};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;
use crate::server::Mail;

/// The CLIENT command table.
pub static COMMANDS: &[CommandDef] = &[CommandDef::container("client", "connection", &SUBCOMMANDS)
    .acl(acl::SLOW)
    .since("2.4.0")
    .doc(
        "Groups the client connection subcommands.",
        "Varies with the subcommand.",
    )];

const ADMIN_FLAGS: u32 = ADMIN | NOSCRIPT | LOADING | STALE;
const ADMIN_ACL: u64 = acl::ADMIN | acl::SLOW | acl::DANGEROUS | acl::CONNECTION;
const PLAIN_FLAGS: u32 = NOSCRIPT | LOADING | STALE;
const PLAIN_ACL: u64 = acl::SLOW | acl::CONNECTION;

static SUBCOMMANDS: [CommandDef; 17] = [
    CommandDef::new("caching", 3, PLAIN_FLAGS, "connection", caching)
        .acl(PLAIN_ACL)
        .since("6.0.0")
        .doc(
            "Tells tracking whether to track the keys of the next command.",
            "O(1)",
        )
        .args(&[oneof("mode", &[token("yes", "YES"), token("no", "NO")])]),
    CommandDef::new("getname", 2, PLAIN_FLAGS, "connection", getname)
        .acl(PLAIN_ACL)
        .since("2.6.9")
        .doc("Returns the connection's name.", "O(1)"),
    CommandDef::new("getredir", 2, PLAIN_FLAGS, "connection", getredir)
        .acl(PLAIN_ACL)
        .since("6.0.0")
        .doc(
            concat!(
                "Returns the id of the client that receives this connection's ",
                "tracking notifications."
            ),
            "O(1)",
        ),
    CommandDef::new("help", 2, LOADING | STALE, "connection", help)
        .acl(PLAIN_ACL)
        .since("5.0.0")
        .doc("Lists the CLIENT subcommands.", "O(1)"),
    CommandDef::new("id", 2, PLAIN_FLAGS, "connection", id)
        .acl(PLAIN_ACL)
        .since("5.0.0")
        .doc("Returns the connection's unique id.", "O(1)"),
    CommandDef::new("info", 2, PLAIN_FLAGS, "connection", info)
        .acl(PLAIN_ACL)
        .since("6.2.0")
        .doc(
            "Describes this connection in the CLIENT LIST format.",
            "O(1)",
        )
        .tips(&["nondeterministic_output"]),
    CommandDef::new("kill", -3, ADMIN_FLAGS, "connection", kill)
        .acl(ADMIN_ACL)
        .since("2.4.0")
        .doc(
            "Closes the connections that match an address or a set of filters.",
            "O(N), N being the number of connected clients",
        )
        .history(&[
            ("2.8.12", "Filter syntax with several criteria."),
            ("2.8.12", "ID filter."),
            ("3.2.0", "TYPE master."),
            ("5.0.0", "TYPE replica (slave still accepted)."),
            ("6.2.0", "LADDR filter."),
        ])
        .args(&[oneof(
            "filter",
            &[
                string("old-format")
                    .display("ip:port")
                    .deprecated_since("2.8.12"),
                oneof(
                    "new-format",
                    &[
                        integer("client-id").token("ID").optional().since("2.8.12"),
                        oneof(
                            "client-type",
                            &[
                                token("normal", "NORMAL"),
                                token("master", "MASTER").since("3.2.0"),
                                token("slave", "SLAVE"),
                                token("replica", "REPLICA").since("5.0.0"),
                                token("pubsub", "PUBSUB"),
                            ],
                        )
                        .token("TYPE")
                        .optional()
                        .since("2.8.12"),
                        string("username").token("USER").optional(),
                        string("addr").token("ADDR").display("ip:port").optional(),
                        string("laddr")
                            .token("LADDR")
                            .display("ip:port")
                            .optional()
                            .since("6.2.0"),
                        oneof("skipme", &[token("yes", "YES"), token("no", "NO")])
                            .token("SKIPME")
                            .optional(),
                    ],
                )
                .multiple(),
            ],
        )]),
    CommandDef::new("list", -2, ADMIN_FLAGS, "connection", list)
        .acl(ADMIN_ACL)
        .since("2.4.0")
        .doc(
            "Describes every connection, or those of a type or with given ids.",
            "O(N), N being the number of connected clients",
        )
        .history(&[
            ("2.8.12", "id field."),
            ("5.0.0", "TYPE filter."),
            ("6.0.0", "user field."),
            (
                "6.2.0",
                "argv-mem, tot-mem, laddr and redir fields; ID filter.",
            ),
            ("7.0.0", "resp, multi-mem, rbs and rbp fields."),
            ("7.0.3", "ssub field."),
        ])
        .tips(&["nondeterministic_output"])
        .args(&[
            oneof(
                "client-type",
                &[
                    token("normal", "NORMAL"),
                    token("master", "MASTER"),
                    token("replica", "REPLICA"),
                    token("pubsub", "PUBSUB"),
                ],
            )
            .token("TYPE")
            .optional()
            .since("5.0.0"),
            integer("client-id")
                .token("ID")
                .optional()
                .multiple()
                .since("6.2.0"),
        ]),
    CommandDef::new("no-evict", 3, ADMIN_FLAGS, "connection", no_evict)
        .acl(ADMIN_ACL)
        .since("7.0.0")
        .doc(
            "Exempts this connection from client eviction, or not.",
            "O(1)",
        )
        .args(&[oneof("enabled", &[token("on", "ON"), token("off", "OFF")])]),
    CommandDef::new("no-touch", 3, PLAIN_FLAGS, "connection", no_touch)
        .acl(PLAIN_ACL)
        .since("7.2.0")
        .doc(
            "Makes this connection's commands leave keys' access times alone, or not.",
            "O(1)",
        )
        .args(&[oneof("enabled", &[token("on", "ON"), token("off", "OFF")])]),
    CommandDef::new("pause", -3, ADMIN_FLAGS, "connection", pause)
        .acl(ADMIN_ACL)
        .since("3.0.0")
        .doc(
            "Holds the commands of all clients, or only writes, for a while.",
            "O(1)",
        )
        .history(&[("6.2.0", "WRITE mode; the mode argument.")])
        .args(&[
            integer("timeout"),
            oneof("mode", &[token("write", "WRITE"), token("all", "ALL")])
                .optional()
                .since("6.2.0"),
        ]),
    CommandDef::new("reply", 3, PLAIN_FLAGS, "connection", reply)
        .acl(PLAIN_ACL)
        .since("3.2.0")
        .doc(
            concat!(
                "Turns the server's replies to this connection on or off, or ",
                "skips the next one."
            ),
            "O(1)",
        )
        .args(&[oneof(
            "action",
            &[
                token("on", "ON"),
                token("off", "OFF"),
                token("skip", "SKIP"),
            ],
        )]),
    CommandDef::new("setinfo", 4, PLAIN_FLAGS, "connection", setinfo)
        .acl(PLAIN_ACL)
        .since("7.2.0")
        .doc(
            "Records the client library's name or version for this connection.",
            "O(1)",
        )
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .args(&[oneof(
            "attr",
            &[
                string("libname").token("LIB-NAME"),
                string("libver").token("LIB-VER"),
            ],
        )]),
    CommandDef::new("setname", 3, PLAIN_FLAGS, "connection", setname)
        .acl(PLAIN_ACL)
        .since("2.6.9")
        .doc("Names the connection.", "O(1)")
        .tips(&["request_policy:all_nodes", "response_policy:all_succeeded"])
        .args(&[string("connection-name")]),
    CommandDef::new("trackinginfo", 2, PLAIN_FLAGS, "connection", trackinginfo)
        .acl(PLAIN_ACL)
        .since("6.2.0")
        .doc(
            "Describes this connection's client-side caching tracking.",
            "O(1)",
        ),
    CommandDef::new("unblock", -3, ADMIN_FLAGS, "connection", unblock)
        .acl(ADMIN_ACL)
        .since("5.0.0")
        .doc(
            "Wakes a client blocked in a blocking command.",
            "O(log N), N being the number of connected clients",
        )
        .args(&[
            integer("client-id"),
            oneof(
                "unblock-type",
                &[token("timeout", "TIMEOUT"), token("error", "ERROR")],
            )
            .optional(),
        ]),
    CommandDef::new("unpause", 2, ADMIN_FLAGS, "connection", unpause)
        .acl(ADMIN_ACL)
        .since("6.2.0")
        .doc(
            "Ends a CLIENT PAUSE.",
            "O(N), N being the number of paused clients",
        ),
];

/// Redis's reply when a subcommand gets an argument count its arity allows but
/// its syntax does not.
fn wrong_args(args: &Args<'_>) -> CmdError {
    let sub = args.get(1);
    CmdError::err(format_args!(
        "unknown subcommand or wrong number of arguments for '{}'. Try CLIENT HELP.",
        String::from_utf8_lossy(&sub[..sub.len().min(128)])
    ))
}

/// Names and library attributes may only hold printable ASCII without spaces.
fn is_printable_token(v: &[u8]) -> bool {
    v.iter().all(|b| (b'!'..=b'~').contains(b))
}

/// Sets the connection name (CLIENT SETNAME, HELLO SETNAME); empty clears it.
pub fn set_name(ctx: &mut Ctx<'_>, name: &[u8]) -> CmdResult {
    if !is_printable_token(name) {
        return Err(CmdError::err(
            "Client names cannot contain spaces, newlines or special characters.",
        ));
    }
    *ctx.client.shared.name.lock() = name.to_vec();
    Ok(())
}

/// Parses ON / OFF.
fn on_off(arg: &[u8]) -> Result<bool, CmdError> {
    if arg.eq_ignore_ascii_case(b"on") {
        Ok(true)
    } else if arg.eq_ignore_ascii_case(b"off") {
        Ok(false)
    } else {
        Err(CmdError::Syntax)
    }
}

/// Client kinds, as CLIENT LIST TYPE and CLIENT KILL TYPE name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClientType {
    Normal,
    Master,
    Replica,
    Pubsub,
}

impl ClientType {
    fn by_name(name: &[u8]) -> Option<ClientType> {
        let n = name.to_ascii_lowercase();
        match n.as_slice() {
            b"normal" => Some(ClientType::Normal),
            b"slave" | b"replica" => Some(ClientType::Replica),
            b"pubsub" => Some(ClientType::Pubsub),
            b"master" => Some(ClientType::Master),
            _ => None,
        }
    }

    /// A client's kind; MONITOR clients count as normal, as in Redis. There is
    /// no replication yet, so no client is a master or a replica.
    fn of(c: &ClientShared) -> ClientType {
        if c.has_flag(flag::PUBSUB) {
            ClientType::Pubsub
        } else {
            ClientType::Normal
        }
    }
}

fn unknown_type(name: &[u8]) -> CmdError {
    CmdError::err(format_args!(
        "Unknown client type '{}'",
        String::from_utf8_lossy(name)
    ))
}

/// What the calling client's line shows that its shared record does not hold
/// while its command runs.
struct Caller<'a> {
    id: u64,
    cmd: &'a str,
    argv_mem: usize,
    qbuf: usize,
    obuf: usize,
}

impl<'a> Caller<'a> {
    fn of(ctx: &'a Ctx<'_>, args: &Args<'_>) -> Caller<'a> {
        let cmd = ctx
            .srv
            .commands
            .full
            .get(ctx.srv.commands.id_of(ctx.cmd))
            .map_or("NULL", |(n, _)| n.as_str());
        let argv_mem = args.iter().map(<[u8]>::len).sum();
        // The command's size in RESP, as it sits in the query buffer.
        let header = |n: usize| 3 + n.to_string().len();
        let qbuf = header(args.len())
            + args
                .iter()
                .map(|a| header(a.len()) + a.len() + 2)
                .sum::<usize>();
        Caller {
            id: ctx.client.id(),
            cmd,
            argv_mem,
            qbuf,
            obuf: ctx.out.len(),
        }
    }
}

/// Appends a client's CLIENT LIST line (without the newline), with Redis 7.2's
/// fields in Redis's order. Memory figures are estimates of the same things.
fn write_info_line(out: &mut Vec<u8>, ctx: &Ctx<'_>, c: &ClientShared, me: &Caller<'_>) {
    use std::io::Write as _;
    let now_ms = ctx.now_ms();
    let is_me = c.id == me.id;
    let mut flags = String::new();
    if c.has_flag(flag::MONITOR) {
        flags.push('O');
    }
    if c.has_flag(flag::PUBSUB) {
        flags.push('P');
    }
    if c.has_flag(flag::MULTI) {
        flags.push('x');
    }
    if c.has_flag(flag::BLOCKED | flag::PAUSED) {
        flags.push('b');
    }
    if c.has_flag(flag::CLOSE_AFTER_REPLY) {
        flags.push('c');
    }
    if c.has_flag(flag::UNIX_SOCKET) {
        flags.push('U');
    }
    if c.has_flag(flag::NO_EVICT) {
        flags.push('e');
    }
    if c.has_flag(flag::NO_TOUCH) {
        flags.push('T');
    }
    if flags.is_empty() {
        flags.push('N');
    }
    let age = now_ms / 1000 - c.created_ms / 1000;
    let idle = if is_me {
        0
    } else {
        (now_ms / 1000 - c.last_interaction_ms.load(Relaxed) / 1000).max(0)
    };
    let multi = if c.has_flag(flag::MULTI) {
        c.multi_len.load(Relaxed)
    } else {
        -1
    };
    let qbuf_cap = c.qbuf_cap.load(Relaxed);
    let (qbuf, qbuf_free, argv_mem, obuf) = if is_me {
        (
            me.qbuf,
            qbuf_cap.max(16 * 1024).saturating_sub(me.qbuf),
            me.argv_mem,
            me.obuf,
        )
    } else {
        let q = c.qbuf.load(Relaxed);
        (q, qbuf_cap.saturating_sub(q), 0, c.obuf.load(Relaxed))
    };
    // Redis keeps a fixed reply buffer (rbs, peak rbp) and a list beyond it.
    let rbs = c.obuf_cap.load(Relaxed).clamp(1024, 16 * 1024);
    let obl = obuf.min(rbs);
    let omem = obuf - obl;
    let oll = omem.div_ceil(16 * 1024);
    let tot_mem = 1800 + qbuf_cap + rbs + omem + argv_mem;
    // The caller's pending replies are written after its command, as in Redis.
    let events = if !is_me && obuf > 0 { "rw" } else { "r" };
    let cmd = if is_me {
        me.cmd
    } else {
        ctx.srv
            .commands
            .full
            .get(c.last_cmd.load(Relaxed))
            .map_or("NULL", |(n, _)| n.as_str())
    };
    let _ = write!(
        out,
        "id={} addr={} laddr={} fd={} name=",
        c.id, c.addr, c.laddr, c.fd
    );
    out.extend_from_slice(&c.name.lock());
    let _ = write!(
        out,
        " age={age} idle={idle} flags={flags} db={} sub={} psub={} ssub={} multi={multi} \
         qbuf={qbuf} qbuf-free={qbuf_free} argv-mem={argv_mem} multi-mem=0 rbs={rbs} rbp={obl} \
         obl={obl} oll={oll} omem={omem} tot-mem={tot_mem} events={events} cmd={cmd} user={} \
         redir=-1 resp={} lib-name=",
        c.db.load(Relaxed),
        c.sub.load(Relaxed),
        c.psub.load(Relaxed),
        c.ssub.load(Relaxed),
        c.user.lock(),
        c.resp.load(Relaxed),
    );
    out.extend_from_slice(&c.lib_name.lock());
    out.extend_from_slice(b" lib-ver=");
    out.extend_from_slice(&c.lib_ver.lock());
}

// CLIENT ID
fn id(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    ctx.out
        .int(i64::try_from(ctx.client.id()).unwrap_or(i64::MAX));
    Ok(())
}

// CLIENT GETNAME
fn getname(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let name = ctx.client.shared.name.lock().clone();
    if name.is_empty() {
        ctx.out.null();
    } else {
        ctx.out.bulk(&name);
    }
    Ok(())
}

// CLIENT SETNAME connection-name
fn setname(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    set_name(ctx, args.get(2))?;
    ctx.out.ok();
    Ok(())
}

// CLIENT SETINFO <LIB-NAME libname | LIB-VER libver>
fn setinfo(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let attr = args.get(2);
    let value = args.get(3);
    let shared = ctx.client.shared.clone();
    let slot = if attr.eq_ignore_ascii_case(b"lib-name") {
        &shared.lib_name
    } else if attr.eq_ignore_ascii_case(b"lib-ver") {
        &shared.lib_ver
    } else {
        return Err(CmdError::err(format_args!(
            "Unrecognized option '{}'",
            String::from_utf8_lossy(attr)
        )));
    };
    if !is_printable_token(value) {
        return Err(CmdError::err(format_args!(
            "{} cannot contain spaces, newlines or special characters.",
            String::from_utf8_lossy(attr)
        )));
    }
    *slot.lock() = value.to_vec();
    ctx.out.ok();
    Ok(())
}

// CLIENT INFO
fn info(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let me = Caller::of(ctx, args);
    let mut text = Vec::with_capacity(400);
    write_info_line(&mut text, ctx, &ctx.client.shared, &me);
    text.push(b'\n');
    ctx.out.verbatim(b"txt", &text);
    Ok(())
}

// CLIENT LIST [TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]
fn list(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let me = Caller::of(ctx, args);
    let mut chosen = Vec::new();
    if args.len() == 4 && args.get(2).eq_ignore_ascii_case(b"type") {
        let ty = ClientType::by_name(args.get(3)).ok_or_else(|| unknown_type(args.get(3)))?;
        chosen.extend(
            ctx.srv
                .clients
                .all()
                .into_iter()
                .filter(|c| ClientType::of(c) == ty),
        );
    } else if args.len() > 3 && args.get(2).eq_ignore_ascii_case(b"id") {
        for arg in args.iter().skip(3) {
            let id = parse_i64_strict(arg).ok_or_else(|| CmdError::err("Invalid client ID"))?;
            if let Some(c) = u64::try_from(id)
                .ok()
                .and_then(|id| ctx.srv.clients.get(id))
            {
                chosen.push(c);
            }
        }
    } else if args.len() != 2 {
        return Err(CmdError::Syntax);
    } else {
        chosen = ctx.srv.clients.all();
    }
    let mut text = Vec::with_capacity(chosen.len() * 320);
    // A client whose kill is on its way to its worker is already gone for Redis.
    for c in chosen.iter().filter(|c| !c.kill.load(Relaxed)) {
        write_info_line(&mut text, ctx, c, &me);
        text.push(b'\n');
    }
    ctx.out.verbatim(b"txt", &text);
    Ok(())
}

/// The filters of CLIENT KILL.
#[derive(Default)]
struct KillFilter<'a> {
    addr: Option<&'a [u8]>,
    laddr: Option<&'a [u8]>,
    ty: Option<ClientType>,
    id: Option<u64>,
    user: Option<&'a [u8]>,
    max_age: Option<i64>,
    skip_me: bool,
}

impl KillFilter<'_> {
    fn matches(&self, c: &ClientShared, me: u64, now_ms: i64) -> bool {
        self.addr.is_none_or(|a| c.addr.as_bytes() == a)
            && self.laddr.is_none_or(|a| c.laddr.as_bytes() == a)
            && self.ty.is_none_or(|t| ClientType::of(c) == t)
            && self.id.is_none_or(|id| c.id == id)
            && self.user.is_none_or(|u| c.user.lock().as_bytes() == u)
            && self
                .max_age
                .is_none_or(|max| now_ms / 1000 - c.created_ms / 1000 > max)
            && !(self.skip_me && c.id == me)
    }
}

/// Parses the filter form of CLIENT KILL (arguments from index 2, in pairs).
fn parse_kill_filter<'a>(args: &Args<'a>) -> Result<KillFilter<'a>, CmdError> {
    let mut f = KillFilter {
        skip_me: true,
        ..KillFilter::default()
    };
    let mut i = 2;
    while i < args.len() {
        let opt = args.get(i);
        if i + 1 >= args.len() {
            return Err(CmdError::Syntax);
        }
        let val = args.get(i + 1);
        if opt.eq_ignore_ascii_case(b"id") {
            let id = parse_i64_strict(val)
                .filter(|&v| v > 0)
                .ok_or_else(|| CmdError::err("client-id should be greater than 0"))?;
            f.id = u64::try_from(id).ok();
        } else if opt.eq_ignore_ascii_case(b"type") {
            f.ty = Some(ClientType::by_name(val).ok_or_else(|| unknown_type(val))?);
        } else if opt.eq_ignore_ascii_case(b"addr") {
            f.addr = Some(val);
        } else if opt.eq_ignore_ascii_case(b"laddr") {
            f.laddr = Some(val);
        } else if opt.eq_ignore_ascii_case(b"user") {
            if val != super::connection::DEFAULT_USER.as_bytes() {
                return Err(CmdError::err(format_args!(
                    "No such user '{}'",
                    String::from_utf8_lossy(val)
                )));
            }
            f.user = Some(val);
        } else if opt.eq_ignore_ascii_case(b"skipme") {
            f.skip_me = if val.eq_ignore_ascii_case(b"yes") {
                true
            } else if val.eq_ignore_ascii_case(b"no") {
                false
            } else {
                return Err(CmdError::Syntax);
            };
        } else if opt.eq_ignore_ascii_case(b"maxage") {
            let age = parse_i64_strict(val).ok_or(CmdError::NotInteger)?;
            f.max_age = (age != 0).then_some(age);
        } else {
            return Err(CmdError::Syntax);
        }
        i += 2;
    }
    Ok(f)
}

// CLIENT KILL <ip:port | <[ID client-id] | [TYPE <NORMAL | MASTER | SLAVE | REPLICA | PUBSUB>]
//   | [USER username] | [ADDR ip:port] | [LADDR ip:port] | [SKIPME <YES | NO>] | [MAXAGE maxage]
//   [[ID client-id] | ...]>>
fn kill(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let old_form = args.len() == 3;
    let filter = if old_form {
        KillFilter {
            addr: Some(args.get(2)),
            skip_me: false,
            ..KillFilter::default()
        }
    } else {
        parse_kill_filter(args)?
    };
    let me = ctx.client.id();
    let now_ms = ctx.now_ms();
    let mut killed = 0i64;
    let mut kill_me = false;
    let mut workers = BTreeSet::new();
    for c in ctx.srv.clients.all() {
        if c.kill.load(Relaxed) || !filter.matches(&c, me, now_ms) {
            continue;
        }
        killed += 1;
        if c.id == me {
            kill_me = true;
        } else {
            c.kill.store(true, Relaxed);
            workers.insert(c.worker);
        }
    }
    // Each owning worker closes its killed connections when it reads its mail.
    for w in workers {
        if let Some(handle) = ctx.srv.workers().get(w) {
            handle.send(Mail::CheckKills);
        }
    }
    if old_form {
        if killed == 0 {
            return Err(CmdError::err("No such client"));
        }
        ctx.out.ok();
    } else {
        ctx.out.int(killed);
    }
    if kill_me {
        // Closed once the reply above is written.
        ctx.client.close_after_reply = true;
        ctx.client.shared.set_flag(flag::CLOSE_AFTER_REPLY, true);
    }
    Ok(())
}

// CLIENT PAUSE timeout [WRITE | ALL]
fn pause(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() > 4 {
        return Err(wrong_args(args));
    }
    let mut all = true;
    if args.len() == 4 {
        let mode = args.get(3);
        if mode.eq_ignore_ascii_case(b"write") {
            all = false;
        } else if !mode.eq_ignore_ascii_case(b"all") {
            return Err(CmdError::err("CLIENT PAUSE mode must be WRITE or ALL"));
        }
    }
    let timeout = parse_i64_strict(args.get(2))
        .ok_or_else(|| CmdError::err("timeout is not an integer or out of range"))?;
    if timeout < 0 {
        return Err(CmdError::err("timeout is negative"));
    }
    let now = ctx.now_ms();
    let end = if timeout > 0 {
        timeout
            .checked_add(now)
            .ok_or_else(|| CmdError::err("timeout is out of range"))?
    } else {
        0
    };
    let srv = ctx.srv;
    // As Redis: a pause in force keeps its later end, and WRITE does not weaken ALL.
    let active = srv.pause_until_ms.load(Relaxed) > now;
    let writes_only = !all && (!active || srv.pause_writes_only.load(Relaxed));
    srv.pause_writes_only.store(writes_only, Relaxed);
    if active {
        srv.pause_until_ms.fetch_max(end, Relaxed);
    } else {
        srv.pause_until_ms.store(end, Relaxed);
    }
    ctx.out.ok();
    Ok(())
}

// CLIENT UNPAUSE
fn unpause(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    ctx.srv.pause_until_ms.store(0, Relaxed);
    ctx.srv.pause_writes_only.store(false, Relaxed);
    for w in ctx.srv.workers() {
        w.send(Mail::Unpaused);
    }
    ctx.out.ok();
    Ok(())
}

// CLIENT REPLY <ON | OFF | SKIP>
fn reply(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mode = args.get(2);
    // OFF and SKIP reply nothing themselves; the dispatcher applies the mode.
    if mode.eq_ignore_ascii_case(b"on") {
        ctx.client.reply_mode = ReplyMode::On;
        ctx.out.ok();
    } else if mode.eq_ignore_ascii_case(b"off") {
        ctx.client.reply_mode = ReplyMode::Off;
    } else if mode.eq_ignore_ascii_case(b"skip") {
        if ctx.client.reply_mode != ReplyMode::Off {
            ctx.client.reply_mode = ReplyMode::SkipNext;
        }
    } else {
        return Err(CmdError::Syntax);
    }
    Ok(())
}

// CLIENT NO-EVICT <ON | OFF>
fn no_evict(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let on = on_off(args.get(2))?;
    ctx.client.shared.set_flag(flag::NO_EVICT, on);
    ctx.out.ok();
    Ok(())
}

// CLIENT NO-TOUCH <ON | OFF>
fn no_touch(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let on = on_off(args.get(2))?;
    ctx.client.no_touch = on;
    ctx.client.shared.set_flag(flag::NO_TOUCH, on);
    ctx.out.ok();
    Ok(())
}

// CLIENT UNBLOCK client-id [TIMEOUT | ERROR]
fn unblock(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() > 4 {
        return Err(wrong_args(args));
    }
    let mut as_error = false;
    if args.len() == 4 {
        let reason = args.get(3);
        if reason.eq_ignore_ascii_case(b"error") {
            as_error = true;
        } else if !reason.eq_ignore_ascii_case(b"timeout") {
            return Err(CmdError::err(
                "CLIENT UNBLOCK reason should be TIMEOUT or ERROR",
            ));
        }
    }
    let id = parse_i64_strict(args.get(2)).ok_or(CmdError::NotInteger)?;
    // Only a client blocked in a command with a timeout (BLPOP, ...) can be
    // unblocked; one held by CLIENT PAUSE, or not blocked at all, answers 0.
    let waiter = u64::try_from(id)
        .ok()
        .and_then(|id| ctx.srv.clients.get(id))
        .and_then(|c| c.waiter.lock().clone());
    let unblocked = match waiter {
        Some(w) if w.cancel() => {
            let reply = if as_error {
                b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n".to_vec()
            } else {
                crate::exec::blocking::timeout_reply_bytes(&w)
            };
            if let Some(worker) = ctx.srv.workers().get(w.client.worker) {
                worker.send(crate::server::Mail::Unblocked {
                    token: w.client.token,
                    client_id: w.client.id,
                    bytes: reply,
                });
            }
            1
        }
        _ => 0,
    };
    ctx.out.int(unblocked);
    Ok(())
}

// CLIENT GETREDIR
fn getredir(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    // -1: tracking is off.
    ctx.out.int(-1);
    Ok(())
}

// CLIENT TRACKINGINFO
fn trackinginfo(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let out = &mut *ctx.out;
    out.map(3);
    out.bulk(b"flags");
    out.set(1);
    out.bulk(b"off");
    out.bulk(b"redirect");
    out.int(-1);
    out.bulk(b"prefixes");
    out.array(0);
    Ok(())
}

// CLIENT CACHING <YES | NO>
fn caching(_ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    Err(CmdError::err(
        "CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
    ))
}

/// CLIENT HELP, in our own words.
const HELP: &[&str] = &[
    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CACHING (YES|NO)",
    "    Under OPTIN/OPTOUT tracking, whether to track the keys read by the next command.",
    "GETNAME",
    "    The name of this connection.",
    "GETREDIR",
    "    The id of the client that gets this connection's tracking messages (-1: none).",
    "HELP",
    "    This text.",
    "ID",
    "    The id of this connection.",
    "INFO",
    "    This connection, described as in CLIENT LIST.",
    "KILL <ip:port>",
    "    Close the connection coming from <ip:port>.",
    "KILL <filter> <value> [<filter> <value> ...]",
    "    Close every connection matching all the filters:",
    "    * ID <client-id>",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "    * USER <username>",
    "    * ADDR (<ip:port>|<unixsocket>:0)  peer address",
    "    * LADDR (<ip:port>|<unixsocket>:0)  local address",
    "    * MAXAGE <seconds>  only connections older than this",
    "    * SKIPME (YES|NO)  spare this connection (default YES)",
    "LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <client-id> ...]",
    "    One line per connection, optionally only of a type or with the given ids.",
    "NO-EVICT (ON|OFF)",
    "    Exempt this connection from client eviction, or stop doing so.",
    "NO-TOUCH (ON|OFF)",
    "    Stop this connection's commands from changing keys' access times, or not.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Hold the commands of all clients, or only writes, for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Send replies, stop sending them, or drop only the next one.",
    "SETINFO (LIB-NAME|LIB-VER) <value>",
    "    Record the client library's name or version for this connection.",
    "SETNAME <name>",
    "    Name this connection.",
    "TRACKINGINFO",
    "    This connection's client-side caching tracking state.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Wake a client blocked in a command, as if it timed out or with an error.",
    "UNPAUSE",
    "    End CLIENT PAUSE now.",
];

// CLIENT HELP
fn help(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    ctx.out.array(HELP.len());
    for line in HELP {
        ctx.out.simple(line.as_bytes());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_tokens() {
        assert!(is_printable_token(b"redis-py(2.0)"));
        assert!(is_printable_token(b""));
        assert!(!is_printable_token(b"a b"));
        assert!(!is_printable_token(b"a\nb"));
        assert!(!is_printable_token("é".as_bytes()));
    }

    #[test]
    fn client_types() {
        assert_eq!(ClientType::by_name(b"NORMAL"), Some(ClientType::Normal));
        assert_eq!(ClientType::by_name(b"slave"), Some(ClientType::Replica));
        assert_eq!(ClientType::by_name(b"replica"), Some(ClientType::Replica));
        assert_eq!(ClientType::by_name(b"PubSub"), Some(ClientType::Pubsub));
        assert_eq!(ClientType::by_name(b"master"), Some(ClientType::Master));
        assert_eq!(ClientType::by_name(b"monitor"), None);
    }
}
