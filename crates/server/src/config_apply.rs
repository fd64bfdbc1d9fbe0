//! Connects the configuration table (`config`) to the running server.
//!
//! At start-up [`boot`] turns a loaded [`Config`] into the start-up settings and hot
//! tunables; afterwards CONFIG SET calls [`apply`] once per changed directive, which
//! refreshes the tunables and performs the few changes that act on the process
//! (`dir`, `loglevel`, `requirepass`, and `port`/`bind`, which rebind the TCP
//! listeners).

use std::sync::atomic::Ordering::Relaxed;

use crate::config::Config;
use crate::server::Server;
use crate::settings::{LogLevel, StartupSettings, Tunables};
use crate::startup::Boot;

/// Where a daemonized server writes its PID when `pidfile` is not set (as Redis).
const DEFAULT_PIDFILE: &str = "/var/run/redis.pid";

/// Builds everything start-up needs from the loaded configuration.
pub fn boot(cfg: Config) -> Boot {
    let unixsocket = cfg.get_str("unixsocket");
    let pidfile = cfg.get_str("pidfile");
    let daemonize = cfg.get_bool("daemonize");
    let startup = StartupSettings {
        port: u16::try_from(cfg.get_i64("port")).unwrap_or(6379),
        bind: cfg.bind(),
        unixsocket: (!unixsocket.is_empty()).then_some(unixsocket),
        unixsocketperm: u32::try_from(cfg.get_i64("unixsocketperm")).unwrap_or(0),
        worker_threads: cfg.worker_threads(),
        databases: usize::try_from(cfg.get_i64("databases"))
            .unwrap_or(16)
            .max(1),
        tcp_backlog: i32::try_from(cfg.get_i64("tcp-backlog")).unwrap_or(511),
        daemonize,
        pidfile: match (pidfile.is_empty(), daemonize) {
            (false, _) => Some(pidfile),
            (true, true) => Some(DEFAULT_PIDFILE.to_string()),
            (true, false) => None,
        },
        logfile: cfg.get_str("logfile"),
    };
    let tunables = Tunables::default();
    refresh(&cfg, &tunables);
    let requirepass = password(&cfg);
    Boot {
        startup,
        tunables,
        requirepass,
        config: cfg,
    }
}

fn password(cfg: &Config) -> Option<Vec<u8>> {
    let p = cfg.get_bytes("requirepass");
    (!p.is_empty()).then_some(p)
}

/// Log level from the `loglevel` name.
pub fn log_level(name: &str) -> LogLevel {
    match name {
        "debug" => LogLevel::Debug,
        "verbose" => LogLevel::Verbose,
        "warning" => LogLevel::Warning,
        "nothing" => LogLevel::Nothing,
        _ => LogLevel::Notice,
    }
}

/// Copies every hot value from the configuration into the tunables.
pub fn refresh(cfg: &Config, t: &Tunables) {
    let u = |name: &str| u64::try_from(cfg.get_i64(name)).unwrap_or(0);
    let us = |name: &str| usize::try_from(cfg.get_i64(name)).unwrap_or(usize::MAX);
    t.proto_max_bulk_len
        .store(us("proto-max-bulk-len"), Relaxed);
    t.client_query_buffer_limit
        .store(us("client-query-buffer-limit"), Relaxed);
    t.timeout_secs.store(u("timeout"), Relaxed);
    t.maxclients.store(us("maxclients"), Relaxed);
    t.hz.store(u("hz").clamp(1, 500), Relaxed);
    t.slowlog_slower_than
        .store(cfg.get_i64("slowlog-log-slower-than"), Relaxed);
    t.slowlog_max_len.store(us("slowlog-max-len"), Relaxed);
    t.tcp_keepalive.store(u("tcp-keepalive"), Relaxed);
    t.protected_mode
        .store(cfg.get_bool("protected-mode"), Relaxed);
    t.loglevel
        .store(log_level(&cfg.get_str("loglevel")) as usize, Relaxed);
    for (class, (hard, soft, secs)) in cfg.client_output_buffer_limits().iter().enumerate() {
        if let Some(l) = t.output_limits.get(class) {
            l[0].store(*hard, Relaxed);
            l[1].store(*soft, Relaxed);
            l[2].store(*secs, Relaxed);
        }
    }
    t.lfu
        .store(cfg.get_str("maxmemory-policy").contains("lfu"), Relaxed);
    let debug = match cfg.get_str("enable-debug-command").as_str() {
        "yes" => 1,
        "local" => 2,
        _ => 0,
    };
    t.debug_command.store(debug, Relaxed);
    t.lfu_log_factor.store(u("lfu-log-factor"), Relaxed);
    t.lfu_decay_time.store(u("lfu-decay-time"), Relaxed);
    let e = &t.enc;
    e.list_max_listpack_size
        .store(cfg.get_i64("list-max-listpack-size"), Relaxed);
    e.list_compress_depth
        .store(u("list-compress-depth"), Relaxed);
    crate::types::list::set_compress_depth(u("list-compress-depth"));
    e.hash_max_listpack_entries
        .store(u("hash-max-listpack-entries"), Relaxed);
    e.hash_max_listpack_value
        .store(u("hash-max-listpack-value"), Relaxed);
    e.set_max_intset_entries
        .store(u("set-max-intset-entries"), Relaxed);
    e.set_max_listpack_entries
        .store(u("set-max-listpack-entries"), Relaxed);
    e.set_max_listpack_value
        .store(u("set-max-listpack-value"), Relaxed);
    e.zset_max_listpack_entries
        .store(u("zset-max-listpack-entries"), Relaxed);
    e.zset_max_listpack_value
        .store(u("zset-max-listpack-value"), Relaxed);
    e.hll_sparse_max_bytes
        .store(u("hll-sparse-max-bytes"), Relaxed);
}

/// CONFIG SET's apply hook: called once per changed directive with the new
/// configuration. An error aborts the whole CONFIG SET (the table restores the old
/// values and calls this again for each).
pub fn apply(srv: &Server, name: &str, cfg: &Config) -> Result<(), String> {
    match name {
        "dir" => {
            let dir = cfg.dir();
            std::env::set_current_dir(&dir).map_err(|e| e.to_string())?;
        }
        "loglevel" => crate::log::set_level(log_level(&cfg.get_str("loglevel"))),
        "requirepass" => *srv.requirepass.write() = password(cfg),
        "port" | "bind" => {
            let port = u16::try_from(cfg.get_i64("port")).unwrap_or(0);
            crate::net::rebind(srv, port, &cfg.bind()).map_err(|e| {
                crate::warning!("{e}");
                if name == "port" {
                    "Unable to listen on this port".to_string()
                } else {
                    "Failed to bind to specified addresses.".to_string()
                }
            })?;
        }
        _ => {}
    }
    refresh(cfg, &srv.tun);
    Ok(())
}
