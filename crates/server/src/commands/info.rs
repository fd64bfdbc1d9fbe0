//! INFO: the server report, with Redis 7.2's sections and field names.
//!
//! Sections are generated in Redis's order; `INFO` with no argument gives the
//! default sections, `all` every section, `everything` every section plus module
//! sections (there are none), and any number of section names may be combined.
//! Values Cinnabar does not track yet (persistence, replication, pub/sub, ...) are
//! reported as an idle Redis reports them.
//!
//! This module also owns the sampled "instantaneous" metrics ([`sample_metrics`],
//! called from worker 0's cron) and the memory snapshot shared with MEMORY STATS.

use std::fmt::{Display, Write as _};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use cinnabar_resp::Args;
use parking_lot::Mutex;

use super::prelude::*;
use super::{flags::*, CommandDef};
use crate::client::flag;
use crate::error::CmdResult;
use crate::exec::Ctx;
use crate::keyspace::Locked;
use crate::server::Server;
use crate::stats::WorkerStats;

/// The INFO command.
pub static COMMANDS: &[CommandDef] =
    &[CommandDef::new("info", -1, LOADING | STALE, "server", info)
        .acl(super::acl::DANGEROUS)
        .since("1.0.0")
        .doc("Reports server information and statistics.", "O(1)")
        .history(&[("7.0.0", "Several sections in one call.")])
        .tips(&[
            "nondeterministic_output",
            "request_policy:all_shards",
            "response_policy:special",
        ])
        .args(&[string("section").optional().multiple()])];

/// Sections INFO prints with no argument (or `default`).
const DEFAULT_SECTIONS: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "module_list",
    "errorstats",
    "cluster",
    "keyspace",
];

// INFO [section [section ...]]
fn info(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut sel = Selection::default();
    if args.len() == 1 {
        sel.add_defaults();
    }
    for a in args.iter().skip(1) {
        let name = String::from_utf8_lossy(a).to_ascii_lowercase();
        match name.as_str() {
            "default" => sel.add_defaults(),
            "all" => sel.all = true,
            "everything" => {
                sel.all = true;
                sel.everything = true;
            }
            _ => sel.names.push(name),
        }
    }
    let text = generate(ctx.srv, &mut ctx.db.locked, &sel);
    ctx.out.verbatim(b"txt", text.as_bytes());
    Ok(())
}

/// Which sections were asked for.
#[derive(Default)]
struct Selection {
    names: Vec<String>,
    all: bool,
    everything: bool,
}

impl Selection {
    fn add_defaults(&mut self) {
        self.names
            .extend(DEFAULT_SECTIONS.iter().map(|s| (*s).to_string()));
    }

    fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    fn wants(&self, name: &str) -> bool {
        self.all || self.has(name)
    }
}

/// The report being built: sections separated by an empty line.
struct Report {
    text: String,
    sections: usize,
}

impl Report {
    fn section(&mut self, title: &str) {
        if self.sections > 0 {
            self.text.push_str("\r\n");
        }
        self.sections += 1;
        let _ = write!(self.text, "# {title}\r\n");
    }

    fn field(&mut self, name: &str, value: impl Display) {
        let _ = write!(self.text, "{name}:{value}\r\n");
    }
}

/// Generates the INFO text for a selection.
fn generate(srv: &Server, locked: &mut Locked<'_>, sel: &Selection) -> String {
    let mut r = Report {
        text: String::with_capacity(4096),
        sections: 0,
    };
    let stats = StatTotals::collect(srv);
    if sel.wants("server") {
        server_section(srv, &mut r);
    }
    if sel.wants("clients") {
        clients_section(srv, &mut r);
    }
    if sel.wants("memory") {
        memory_section(srv, &mut r);
    }
    if sel.wants("persistence") {
        persistence_section(srv, &stats, &mut r);
    }
    if sel.wants("stats") {
        stats_section(srv, &stats, &mut r);
    }
    if sel.wants("replication") {
        replication_section(srv, &mut r);
    }
    if sel.wants("cpu") {
        cpu_section(&mut r);
    }
    if sel.all || sel.has("module_list") || sel.has("modules") {
        r.section("Modules");
    }
    if sel.wants("commandstats") {
        r.section("Commandstats");
        for (id, (name, _)) in srv.commands.full.iter().enumerate() {
            let s = stats.cmd.get(id).copied().unwrap_or_default();
            if s.calls == 0 && s.failed == 0 && s.rejected == 0 {
                continue;
            }
            let per_call = if s.calls == 0 {
                0.0
            } else {
                s.usec as f32 / s.calls as f32
            };
            let _ = write!(
                r.text,
                "cmdstat_{}:calls={},usec={},usec_per_call={:.2},rejected_calls={},failed_calls={}\r\n",
                safe_info_string(name),
                s.calls,
                s.usec,
                per_call,
                s.rejected,
                s.failed
            );
        }
    }
    if sel.wants("errorstats") {
        r.section("Errorstats");
        for (code, count) in &stats.errors {
            let _ = write!(
                r.text,
                "errorstat_{}:count={count}\r\n",
                safe_info_string(code)
            );
        }
    }
    if sel.wants("latencystats") {
        // Per-command latency histograms are not collected yet.
        r.section("Latencystats");
    }
    if sel.wants("cluster") {
        r.section("Cluster");
        r.field("cluster_enabled", 0);
    }
    if sel.wants("keyspace") {
        r.section("Keyspace");
        let now = crate::clock::unix_ms();
        for db in 0..srv.keyspace.num_dbs() {
            let (keys, expires) = locked.db_counts(db);
            if keys > 0 || expires > 0 {
                let avg_ttl = if expires > 0 {
                    sample_avg_ttl(srv, locked, db, now)
                } else {
                    0
                };
                let _ = write!(
                    r.text,
                    "db{db}:keys={keys},expires={expires},avg_ttl={avg_ttl}\r\n"
                );
            }
        }
    }
    if sel.has("debug") {
        r.section("Debug");
        r.field("eventloop_duration_aof_sum", 0);
        r.field("eventloop_duration_cron_sum", 0);
        r.field("eventloop_duration_max", 0);
        r.field("eventloop_cmd_per_cycle_max", 0);
    }
    r.text
}

fn server_section(srv: &Server, r: &mut Report) {
    let uptime = srv.started.elapsed().as_secs();
    let now_us = crate::clock::unix_us();
    let hz = srv.tun.hz.load(Relaxed);
    r.section("Server");
    r.field("redis_version", crate::REDIS_VERSION);
    r.field("redis_git_sha1", "00000000");
    r.field("redis_git_dirty", 0);
    r.field("redis_build_id", build_id());
    r.field("redis_mode", "standalone");
    r.field("os", os_name());
    r.field("arch_bits", usize::BITS);
    r.field("monotonic_clock", "POSIX clock_gettime");
    r.field("multiplexing_api", "epoll");
    r.field("atomicvar_api", "c11-builtin");
    r.field("gcc_version", "0.0.0");
    r.field("process_id", std::process::id());
    r.field("process_supervised", "no");
    r.field("run_id", &srv.run_id);
    r.field("tcp_port", srv.bound_port.load(Relaxed));
    r.field("server_time_usec", now_us);
    r.field("uptime_in_seconds", uptime);
    r.field("uptime_in_days", uptime / 86_400);
    r.field("hz", hz);
    r.field("configured_hz", hz);
    r.field("lru_clock", crate::clock::lru_clock(now_us / 1000));
    r.field("executable", executable());
    r.field("config_file", config_file());
    r.field("io_threads_active", 0);
    let port = srv.bound_port.load(Relaxed);
    if port != 0 {
        let mut line = String::from("listener0:name=tcp");
        for b in &srv.listeners.bind_addresses() {
            let _ = write!(line, ",bind={b}");
        }
        let _ = write!(line, ",port={port}\r\n");
        r.text.push_str(&line);
    }
    if let Some(path) = &srv.startup.unixsocket {
        let _ = write!(r.text, "listener1:name=unix,bind={path}\r\n");
    }
}

fn clients_section(srv: &Server, r: &mut Report) {
    let clients = srv.clients.all();
    let max_in = clients
        .iter()
        .map(|c| c.qbuf_cap.load(Relaxed))
        .max()
        .unwrap_or(0);
    let max_out = clients
        .iter()
        .map(|c| c.obuf.load(Relaxed))
        .max()
        .unwrap_or(0);
    let blocked = clients.iter().filter(|c| c.has_flag(flag::BLOCKED)).count();
    r.section("Clients");
    r.field("connected_clients", clients.len());
    r.field("cluster_connections", 0);
    r.field("maxclients", srv.tun.maxclients.load(Relaxed));
    r.field("client_recent_max_input_buffer", max_in);
    r.field("client_recent_max_output_buffer", max_out);
    r.field("blocked_clients", blocked);
    r.field("tracking_clients", 0);
    r.field("clients_in_timeout_table", 0);
    r.field("total_blocking_keys", 0);
    r.field("total_blocking_keys_on_nokey", 0);
}

fn memory_section(srv: &Server, r: &mut Report) {
    let m = MemSnapshot::take(srv);
    let total_system = total_system_memory();
    r.section("Memory");
    r.field("used_memory", m.used);
    r.field("used_memory_human", bytes_to_human(m.used as u64));
    r.field("used_memory_rss", m.rss);
    r.field("used_memory_rss_human", bytes_to_human(m.rss as u64));
    r.field("used_memory_peak", m.peak);
    r.field("used_memory_peak_human", bytes_to_human(m.peak as u64));
    r.field(
        "used_memory_peak_perc",
        format_args!("{:.2}%", m.peak_perc()),
    );
    r.field("used_memory_overhead", m.overhead());
    r.field("used_memory_startup", m.startup);
    r.field("used_memory_dataset", m.dataset());
    r.field(
        "used_memory_dataset_perc",
        format_args!("{:.2}%", m.dataset_perc()),
    );
    r.field("allocator_allocated", m.allocated);
    r.field("allocator_active", m.active);
    r.field("allocator_resident", m.resident);
    r.field("total_system_memory", total_system);
    r.field("total_system_memory_human", bytes_to_human(total_system));
    r.field("used_memory_lua", 0);
    r.field("used_memory_vm_eval", 0);
    r.field("used_memory_lua_human", "0B");
    r.field("used_memory_scripts_eval", 0);
    r.field("number_of_cached_scripts", 0);
    r.field("number_of_functions", 0);
    r.field("number_of_libraries", 0);
    r.field("used_memory_vm_functions", 0);
    r.field("used_memory_vm_total", 0);
    r.field("used_memory_vm_total_human", "0B");
    r.field("used_memory_functions", 0);
    r.field("used_memory_scripts", 0);
    r.field("used_memory_scripts_human", "0B");
    r.field("maxmemory", 0);
    r.field("maxmemory_human", "0B");
    r.field("maxmemory_policy", "noeviction");
    r.field(
        "allocator_frag_ratio",
        format_args!("{:.2}", ratio(m.active, m.allocated)),
    );
    r.field("allocator_frag_bytes", m.active.saturating_sub(m.allocated));
    r.field(
        "allocator_rss_ratio",
        format_args!("{:.2}", ratio(m.resident, m.active)),
    );
    r.field("allocator_rss_bytes", m.resident as i64 - m.active as i64);
    r.field(
        "rss_overhead_ratio",
        format_args!("{:.2}", ratio(m.rss, m.resident)),
    );
    r.field("rss_overhead_bytes", m.rss as i64 - m.resident as i64);
    r.field(
        "mem_fragmentation_ratio",
        format_args!("{:.2}", ratio(m.rss, m.used)),
    );
    r.field("mem_fragmentation_bytes", m.rss as i64 - m.used as i64);
    r.field("mem_not_counted_for_evict", 0);
    r.field("mem_replication_backlog", 0);
    r.field("mem_total_replication_buffers", 0);
    r.field("mem_clients_slaves", 0);
    r.field("mem_clients_normal", m.clients_normal);
    r.field("mem_cluster_links", 0);
    r.field("mem_aof_buffer", 0);
    r.field("mem_allocator", allocator_name());
    r.field("active_defrag_running", 0);
    r.field("lazyfree_pending_objects", 0);
    r.field("lazyfreed_objects", 0);
}

fn persistence_section(srv: &Server, stats: &StatTotals, r: &mut Report) {
    r.section("Persistence");
    r.field("loading", 0);
    r.field("async_loading", 0);
    r.field("current_cow_peak", 0);
    r.field("current_cow_size", 0);
    r.field("current_cow_size_age", 0);
    r.field("current_fork_perc", "0.00");
    r.field("current_save_keys_processed", 0);
    r.field("current_save_keys_total", 0);
    r.field(
        "rdb_changes_since_last_save",
        stats.dirty.saturating_sub(DIRTY_AT_SAVE.load(Relaxed)),
    );
    r.field("rdb_bgsave_in_progress", 0);
    r.field("rdb_last_save_time", srv.lastsave.load(Relaxed));
    r.field("rdb_last_bgsave_status", "ok");
    r.field("rdb_last_bgsave_time_sec", -1);
    r.field("rdb_current_bgsave_time_sec", -1);
    r.field("rdb_saves", 0);
    r.field("rdb_last_cow_size", 0);
    r.field("rdb_last_load_keys_expired", 0);
    r.field("rdb_last_load_keys_loaded", 0);
    r.field("aof_enabled", 0);
    r.field("aof_rewrite_in_progress", 0);
    r.field("aof_rewrite_scheduled", 0);
    r.field("aof_last_rewrite_time_sec", -1);
    r.field("aof_current_rewrite_time_sec", -1);
    r.field("aof_last_bgrewrite_status", "ok");
    r.field("aof_rewrites", 0);
    r.field("aof_rewrites_consecutive_failures", 0);
    r.field("aof_last_write_status", "ok");
    r.field("aof_last_cow_size", 0);
    r.field("module_fork_in_progress", 0);
    r.field("module_fork_last_cow_size", 0);
}

fn stats_section(srv: &Server, s: &StatTotals, r: &mut Report) {
    let inst = INSTANT.lock();
    let kbps = |m: &Metric| m.value() as f32 / 1024.0;
    r.section("Stats");
    r.field(
        "total_connections_received",
        srv.conns_received.load(Relaxed),
    );
    r.field("total_commands_processed", s.commands);
    r.field("instantaneous_ops_per_sec", inst.ops.value());
    r.field("total_net_input_bytes", s.net_input);
    r.field("total_net_output_bytes", s.net_output);
    r.field("total_net_repl_input_bytes", 0);
    r.field("total_net_repl_output_bytes", 0);
    r.field(
        "instantaneous_input_kbps",
        format_args!("{:.2}", kbps(&inst.net_input)),
    );
    r.field(
        "instantaneous_output_kbps",
        format_args!("{:.2}", kbps(&inst.net_output)),
    );
    r.field("instantaneous_input_repl_kbps", "0.00");
    r.field("instantaneous_output_repl_kbps", "0.00");
    r.field("rejected_connections", srv.conns_rejected.load(Relaxed));
    r.field("sync_full", 0);
    r.field("sync_partial_ok", 0);
    r.field("sync_partial_err", 0);
    r.field("expired_keys", s.expired_keys);
    r.field("expired_stale_perc", "0.00");
    r.field("expired_time_cap_reached_count", s.expire_timeouts);
    r.field("expire_cycle_cpu_milliseconds", 0);
    r.field("evicted_keys", 0);
    r.field("evicted_clients", 0);
    r.field("total_eviction_exceeded_time", 0);
    r.field("current_eviction_exceeded_time", 0);
    r.field("keyspace_hits", s.hits);
    r.field("keyspace_misses", s.misses);
    r.field("pubsub_channels", 0);
    r.field("pubsub_patterns", 0);
    r.field("pubsubshard_channels", 0);
    r.field("latest_fork_usec", 0);
    r.field("total_forks", 0);
    r.field("migrate_cached_sockets", 0);
    r.field("slave_expires_tracked_keys", 0);
    r.field("active_defrag_hits", 0);
    r.field("active_defrag_misses", 0);
    r.field("active_defrag_key_hits", 0);
    r.field("active_defrag_key_misses", 0);
    r.field("total_active_defrag_time", 0);
    r.field("current_active_defrag_time", 0);
    r.field("tracking_total_keys", 0);
    r.field("tracking_total_items", 0);
    r.field("tracking_total_prefixes", 0);
    r.field("unexpected_error_replies", 0);
    r.field("total_error_replies", s.error_replies);
    r.field("dump_payload_sanitizations", 0);
    r.field("total_reads_processed", 0);
    r.field("total_writes_processed", 0);
    r.field("io_threaded_reads_processed", 0);
    r.field("io_threaded_writes_processed", 0);
    r.field("reply_buffer_shrinks", 0);
    r.field("reply_buffer_expands", 0);
    r.field("eventloop_cycles", 0);
    r.field("eventloop_duration_sum", 0);
    r.field("eventloop_duration_cmd_sum", 0);
    r.field("instantaneous_eventloop_cycles_per_sec", 0);
    r.field("instantaneous_eventloop_duration_usec", 0);
    r.field("acl_access_denied_auth", 0);
    r.field("acl_access_denied_cmd", 0);
    r.field("acl_access_denied_key", 0);
    r.field("acl_access_denied_channel", 0);
}

fn replication_section(_srv: &Server, r: &mut Report) {
    r.section("Replication");
    r.field("role", "master");
    r.field("connected_slaves", 0);
    r.field("master_failover_state", "no-failover");
    r.field("master_replid", master_replid());
    r.field("master_replid2", "0000000000000000000000000000000000000000");
    r.field("master_repl_offset", 0);
    r.field("second_repl_offset", -1);
    r.field("repl_backlog_active", 0);
    r.field("repl_backlog_size", 1_048_576);
    r.field("repl_backlog_first_byte_offset", 0);
    r.field("repl_backlog_histlen", 0);
}

fn cpu_section(r: &mut Report) {
    r.section("CPU");
    let (self_sys, self_user) = rusage(libc::RUSAGE_SELF);
    let (child_sys, child_user) = rusage(libc::RUSAGE_CHILDREN);
    let (thread_sys, thread_user) = rusage(libc::RUSAGE_THREAD);
    r.field("used_cpu_sys", self_sys);
    r.field("used_cpu_user", self_user);
    r.field("used_cpu_sys_children", child_sys);
    r.field("used_cpu_user_children", child_user);
    r.field("used_cpu_sys_main_thread", thread_sys);
    r.field("used_cpu_user_main_thread", thread_user);
}

/// (system, user) CPU time as `seconds.micros` strings.
fn rusage(who: libc::c_int) -> (String, String) {
    // SAFETY: getrusage only writes the struct we pass, which is zero-initialised.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        if libc::getrusage(who, &mut ru) != 0 {
            return ("0.000000".into(), "0.000000".into());
        }
        ru
    };
    let tv = |t: libc::timeval| format!("{}.{:06}", t.tv_sec, t.tv_usec);
    (tv(ru.ru_stime), tv(ru.ru_utime))
}

/// Counters summed over every worker.
#[derive(Default)]
struct StatTotals {
    commands: u64,
    net_input: u64,
    net_output: u64,
    expired_keys: u64,
    expire_timeouts: u64,
    hits: u64,
    misses: u64,
    error_replies: u64,
    /// Changes to the dataset (Redis's dirty counter), from the effects record.
    dirty: u64,
    cmd: Vec<CmdTotals>,
    errors: Vec<(String, u64)>,
}

/// One command's summed counters.
#[derive(Default, Clone, Copy)]
struct CmdTotals {
    calls: u64,
    usec: u64,
    rejected: u64,
    failed: u64,
}

impl StatTotals {
    fn collect(srv: &Server) -> StatTotals {
        let mut t = StatTotals {
            cmd: vec![CmdTotals::default(); srv.commands.id_count()],
            ..Default::default()
        };
        let mut errors: std::collections::BTreeMap<String, u64> = std::collections::BTreeMap::new();
        for w in srv.workers() {
            let s: &WorkerStats = &w.stats;
            t.commands += s.commands.load(Relaxed);
            t.net_input += s.net_input.load(Relaxed);
            t.net_output += s.net_output.load(Relaxed);
            t.expired_keys += s.expired_keys.load(Relaxed);
            t.expire_timeouts += s.expire_cycle_timeouts.load(Relaxed);
            t.hits += s.keyspace_hits.load(Relaxed);
            t.misses += s.keyspace_misses.load(Relaxed);
            t.error_replies += s.error_replies.load(Relaxed);
            t.dirty += s.dirty.load(Relaxed);
            for (total, c) in t.cmd.iter_mut().zip(s.cmd.iter()) {
                total.calls += c.calls.load(Relaxed);
                total.usec += c.usec.load(Relaxed);
                total.rejected += c.rejected.load(Relaxed);
                total.failed += c.failed.load(Relaxed);
            }
            for (code, n) in s.errors_by_code.lock().iter() {
                *errors.entry(code.clone()).or_insert(0) += n;
            }
        }
        t.errors = errors.into_iter().collect();
        t
    }
}

/// The dirty count at the last save (so `rdb_changes_since_last_save`
/// restarts from zero after a save).
static DIRTY_AT_SAVE: AtomicU64 = AtomicU64::new(0);

/// Records that the dataset was just saved: resets `rdb_changes_since_last_save`.
pub fn mark_saved(srv: &Server) {
    DIRTY_AT_SAVE.store(StatTotals::collect(srv).dirty, Relaxed);
}

/// Mean remaining TTL in milliseconds of a sample of the keys with an expire.
fn sample_avg_ttl(srv: &Server, locked: &mut Locked<'_>, db: usize, now_ms: i64) -> i64 {
    const MAX_SAMPLES: u64 = 1024;
    const MAX_VISITS: usize = 50_000;
    let (mut sum, mut n, mut visited) = (0i128, 0u64, 0usize);
    for shard in 0..srv.keyspace.num_shards() {
        locked.visit_shard(shard, |guard| {
            let Some(d) = guard.db(db) else { return };
            if d.volatile() == 0 {
                return;
            }
            for slot in d.slots() {
                if slot.volatile() == 0 {
                    continue;
                }
                for e in slot.iter() {
                    visited += 1;
                    if let Some(at) = e.expire() {
                        if at > now_ms {
                            sum += i128::from(at - now_ms);
                            n += 1;
                        }
                    }
                }
                if n >= MAX_SAMPLES || visited >= MAX_VISITS {
                    break;
                }
            }
        });
        if n >= MAX_SAMPLES || visited >= MAX_VISITS {
            break;
        }
    }
    if n == 0 {
        0
    } else {
        i64::try_from(sum / i128::from(n)).unwrap_or(i64::MAX)
    }
}

/// Memory figures shared by INFO memory and MEMORY STATS.
pub struct MemSnapshot {
    /// Bytes allocated (`used_memory`).
    pub used: usize,
    /// Peak of `used`.
    pub peak: usize,
    /// Allocated right after start-up.
    pub startup: usize,
    /// Process resident set size.
    pub rss: usize,
    /// jemalloc `stats.allocated`.
    pub allocated: usize,
    /// jemalloc `stats.active`.
    pub active: usize,
    /// jemalloc `stats.resident`.
    pub resident: usize,
    /// Client buffers.
    pub clients_normal: usize,
}

impl MemSnapshot {
    /// Reads the allocator's statistics now.
    pub fn take(srv: &Server) -> MemSnapshot {
        use tikv_jemalloc_ctl::{epoch, stats};
        let _ = epoch::advance();
        let allocated = stats::allocated::read().unwrap_or(0);
        let active = stats::active::read().unwrap_or(0);
        let resident = stats::resident::read().unwrap_or(0);
        let used = allocated;
        let peak = srv.peak_memory.fetch_max(used, Relaxed).max(used);
        let clients_normal = srv
            .clients
            .all()
            .iter()
            .map(|c| c.qbuf_cap.load(Relaxed) + c.obuf.load(Relaxed))
            .sum();
        MemSnapshot {
            used,
            peak,
            startup: startup_memory().min(used),
            rss: crate::memory::process_rss(),
            allocated,
            active,
            resident,
            clients_normal,
        }
    }

    /// Memory not used by the dataset.
    pub fn overhead(&self) -> usize {
        self.startup + self.clients_normal
    }

    /// Memory used by the dataset.
    pub fn dataset(&self) -> usize {
        self.used.saturating_sub(self.overhead())
    }

    /// Dataset share of the memory used beyond start-up, in percent.
    pub fn dataset_perc(&self) -> f32 {
        let net = self.used.saturating_sub(self.startup);
        if net == 0 {
            0.0
        } else {
            self.dataset() as f32 * 100.0 / net as f32
        }
    }

    /// Current memory relative to the peak, in percent.
    pub fn peak_perc(&self) -> f32 {
        if self.peak == 0 {
            0.0
        } else {
            self.used as f32 * 100.0 / self.peak as f32
        }
    }
}

fn ratio(a: usize, b: usize) -> f32 {
    if b == 0 {
        0.0
    } else {
        a as f32 / b as f32
    }
}

static STARTUP_MEMORY: OnceLock<usize> = OnceLock::new();

fn startup_memory() -> usize {
    *STARTUP_MEMORY.get_or_init(crate::memory::used_memory)
}

/// Bytes as Redis's `bytesToHuman` writes them (`919.01K`, `1.50M`, ...).
pub fn bytes_to_human(n: u64) -> String {
    const UNITS: [(u32, &str); 5] = [(1, "K"), (2, "M"), (3, "G"), (4, "T"), (5, "P")];
    if n < 1024 {
        return format!("{n}B");
    }
    for (power, unit) in UNITS {
        let limit = 1024u128.pow(power + 1);
        if u128::from(n) < limit {
            return format!("{:.2}{unit}", n as f64 / 1024f64.powi(power as i32));
        }
    }
    format!("{n}B")
}

/// INFO's sanitising of names: `#`, `:`, CR and LF become `_`.
fn safe_info_string(s: &str) -> String {
    s.chars()
        .map(|c| {
            if matches!(c, '#' | ':' | '\r' | '\n') {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// The replication id: 40 random hex digits, fixed for the process.
pub fn master_replid() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| crate::server::random_hex(40))
}

/// `jemalloc-<version>`, as `mem_allocator` shows it.
pub fn allocator_name() -> String {
    let v = tikv_jemalloc_ctl::version::read().unwrap_or("0.0.0");
    format!("jemalloc-{}", v.split('-').next().unwrap_or(v))
}

fn total_system_memory() -> u64 {
    // SAFETY: sysconf has no memory-safety preconditions.
    let (pages, size) = unsafe {
        (
            libc::sysconf(libc::_SC_PHYS_PAGES),
            libc::sysconf(libc::_SC_PAGESIZE),
        )
    };
    u64::try_from(pages)
        .unwrap_or(0)
        .saturating_mul(u64::try_from(size).unwrap_or(0))
}

fn os_name() -> &'static str {
    static OS: OnceLock<String> = OnceLock::new();
    OS.get_or_init(|| {
        // SAFETY: uname fills the zero-initialised struct; its fields are
        // NUL-terminated C strings within their arrays.
        unsafe {
            let mut u: libc::utsname = std::mem::zeroed();
            if libc::uname(&mut u) != 0 {
                return "Linux".into();
            }
            let field = |f: &[libc::c_char]| {
                let bytes: Vec<u8> = f
                    .iter()
                    .take_while(|&&c| c != 0)
                    .map(|&c| c as u8)
                    .collect();
                String::from_utf8_lossy(&bytes).into_owned()
            };
            format!(
                "{} {} {}",
                field(&u.sysname),
                field(&u.release),
                field(&u.machine)
            )
        }
    })
}

fn build_id() -> &'static str {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        // FNV-1a of the crate version: stable for a given build of Cinnabar.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in concat!("cinnabar-", env!("CARGO_PKG_VERSION")).bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:x}")
    })
}

fn executable() -> &'static str {
    static EXE: OnceLock<String> = OnceLock::new();
    EXE.get_or_init(|| {
        std::env::current_exe()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    })
}

fn config_file() -> &'static str {
    static CONF: OnceLock<String> = OnceLock::new();
    CONF.get_or_init(|| {
        std::env::args()
            .nth(1)
            .filter(|a| !a.starts_with('-'))
            .map(|a| {
                std::path::absolute(&a)
                    .map(|p| p.display().to_string())
                    .unwrap_or(a)
            })
            .unwrap_or_default()
    })
}

/// Samples kept per instantaneous metric (Redis's `STATS_METRIC_SAMPLES`).
const METRIC_SAMPLES: usize = 16;
/// Minimum time between samples.
const SAMPLE_PERIOD: Duration = Duration::from_millis(100);

/// A per-second rate averaged over the last [`METRIC_SAMPLES`] samples.
#[derive(Default)]
struct Metric {
    samples: [u64; METRIC_SAMPLES],
    idx: usize,
    last_at: Option<Instant>,
    last_value: u64,
}

impl Metric {
    fn track(&mut self, value: u64, now: Instant) {
        if let Some(at) = self.last_at {
            let us = now.duration_since(at).as_micros();
            let delta = u128::from(value.saturating_sub(self.last_value));
            let rate = (delta * 1_000_000).checked_div(us).unwrap_or(0);
            if let Some(slot) = self.samples.get_mut(self.idx) {
                *slot = u64::try_from(rate).unwrap_or(u64::MAX);
            }
            self.idx = (self.idx + 1) % METRIC_SAMPLES;
        }
        self.last_at = Some(now);
        self.last_value = value;
    }

    fn value(&self) -> u64 {
        self.samples.iter().fold(0u64, |a, &b| a.saturating_add(b)) / METRIC_SAMPLES as u64
    }
}

#[derive(Default)]
struct Instantaneous {
    ops: Metric,
    net_input: Metric,
    net_output: Metric,
    last_sample: Option<Instant>,
}

static INSTANT: Mutex<Instantaneous> = parking_lot::const_mutex(Instantaneous {
    ops: Metric {
        samples: [0; METRIC_SAMPLES],
        idx: 0,
        last_at: None,
        last_value: 0,
    },
    net_input: Metric {
        samples: [0; METRIC_SAMPLES],
        idx: 0,
        last_at: None,
        last_value: 0,
    },
    net_output: Metric {
        samples: [0; METRIC_SAMPLES],
        idx: 0,
        last_at: None,
        last_value: 0,
    },
    last_sample: None,
});

/// Samples the instantaneous metrics (ops/sec, network kbps); called from worker
/// 0's cron, at most every 100 ms as Redis does. Also fixes the start-up memory
/// figure on its first call.
pub fn sample_metrics(srv: &Server) {
    let _ = startup_memory();
    let now = Instant::now();
    let mut inst = INSTANT.lock();
    if inst
        .last_sample
        .is_some_and(|t| now.duration_since(t) < SAMPLE_PERIOD)
    {
        return;
    }
    inst.last_sample = Some(now);
    let ops = srv.sum_stat(|s| s.commands.load(Relaxed));
    let input = srv.sum_stat(|s| s.net_input.load(Relaxed));
    let output = srv.sum_stat(|s| s.net_output.load(Relaxed));
    inst.ops.track(ops, now);
    inst.net_input.track(input, now);
    inst.net_output.track(output, now);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_bytes() {
        assert_eq!(bytes_to_human(0), "0B");
        assert_eq!(bytes_to_human(1023), "1023B");
        assert_eq!(bytes_to_human(941_064), "919.01K");
        assert_eq!(bytes_to_human(6_610_944), "6.30M");
        assert_eq!(bytes_to_human(25_276_514_304), "23.54G");
    }

    #[test]
    fn metric_rate() {
        let mut m = Metric::default();
        let t0 = Instant::now();
        m.track(0, t0);
        m.track(100, t0 + Duration::from_millis(100));
        // One sample of 1000/s averaged over 16 slots.
        assert_eq!(m.value(), 1000 / 16);
    }

    #[test]
    fn sanitised_names() {
        assert_eq!(safe_info_string("a#b:c\r\n"), "a_b_c__");
    }
}
