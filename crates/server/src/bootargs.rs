//! Minimal command-line reading used until the configuration module is wired in.

use std::sync::atomic::Ordering::Relaxed;

use crate::settings::{StartupSettings, Tunables};
use crate::startup::Boot;

/// Parses `--name value ...` pairs into start-up settings.
pub fn parse(args: &[String]) -> Result<Boot, (String, i32)> {
    let mut startup = StartupSettings::default();
    let tunables = Tunables::default();
    let mut requirepass = None;
    let mut i = 0;
    let mut pairs: Vec<(String, Vec<String>)> = Vec::new();
    while i < args.len() {
        let a = &args[i];
        if a == "--version" || a == "-v" {
            return Err((
                format!(
                    "Cinnabar server v={} sha=00000000:0 malloc=jemalloc bits=64 build=0\n",
                    crate::REDIS_VERSION
                ),
                0,
            ));
        }
        if let Some(name) = a.strip_prefix("--") {
            pairs.push((name.to_ascii_lowercase(), Vec::new()));
        } else if let Some(last) = pairs.last_mut() {
            last.1.push(a.clone());
        }
        i += 1;
    }
    for (name, vals) in pairs {
        let v = vals.first().cloned().unwrap_or_default();
        let bad = || (format!("Bad value for '{name}'\n"), 1);
        match name.as_str() {
            "port" => startup.port = v.parse().map_err(|_| bad())?,
            "bind" => startup.bind = vals.clone(),
            "worker-threads" => startup.worker_threads = v.parse().map_err(|_| bad())?,
            "databases" => startup.databases = v.parse().map_err(|_| bad())?,
            "daemonize" => startup.daemonize = v == "yes",
            "pidfile" => startup.pidfile = Some(v),
            "logfile" => startup.logfile = v,
            "unixsocket" => startup.unixsocket = Some(v),
            "requirepass" => {
                requirepass = if v.is_empty() {
                    None
                } else {
                    Some(v.into_bytes())
                }
            }
            "protected-mode" => tunables.protected_mode.store(v == "yes", Relaxed),
            "maxclients" => tunables
                .maxclients
                .store(v.parse().map_err(|_| bad())?, Relaxed),
            "proto-max-bulk-len" => tunables
                .proto_max_bulk_len
                .store(v.parse().map_err(|_| bad())?, Relaxed),
            "client-query-buffer-limit" => tunables
                .client_query_buffer_limit
                .store(v.parse().map_err(|_| bad())?, Relaxed),
            "hz" => tunables.hz.store(v.parse().map_err(|_| bad())?, Relaxed),
            "timeout" => tunables
                .timeout_secs
                .store(v.parse().map_err(|_| bad())?, Relaxed),
            _ => {}
        }
    }
    Ok(Boot {
        startup,
        tunables,
        requirepass,
    })
}
