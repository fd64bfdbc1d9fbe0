//! Process start-up and shutdown: configuration, daemonizing, listeners, workers.

use std::sync::atomic::Ordering::Relaxed;

use crate::net::worker::Worker;
use crate::server::{Server, WorkerHandle};
use crate::settings::{StartupSettings, Tunables};
use crate::{notice, warning, REDIS_VERSION};

/// Shards per worker thread: enough that two workers rarely contend on one lock.
const SHARDS_PER_WORKER: usize = 64;

/// Everything start-up needs, already taken from the configuration.
pub struct Boot {
    /// Start-up-only settings.
    pub startup: StartupSettings,
    /// Runtime settings.
    pub tunables: Tunables,
    /// `requirepass`, if set.
    pub requirepass: Option<Vec<u8>>,
    /// The configuration everything above was taken from.
    pub config: crate::config::Config,
}

/// Runs the server until shutdown; returns the process exit status.
pub fn run(boot: Boot) -> i32 {
    let Boot {
        startup,
        tunables,
        requirepass,
        config,
    } = boot;
    if startup.daemonize {
        daemonize();
    }
    if let Err(e) = crate::log::init(&startup.logfile) {
        eprintln!("{e}");
        return 1;
    }
    crate::log::set_level(tunables.loglevel());
    let pid = std::process::id();
    notice!("oO0OoO0OoO0Oo Cinnabar is starting oO0OoO0OoO0Oo");
    notice!(
        "Cinnabar version={}, redis_version={REDIS_VERSION}, bits=64, pid={pid}, just started",
        env!("CARGO_PKG_VERSION")
    );
    notice!("Configuration loaded");
    crate::signals::install();

    let threads = match startup.worker_threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let shards = (threads * SHARDS_PER_WORKER)
        .next_power_of_two()
        .clamp(64, 4096);
    // The server lives as long as the process; leaking it gives every thread a
    // `&'static Server` and lets lock sets move between command contexts.
    let srv: &'static Server = Box::leak(Box::new(Server::new(
        startup,
        tunables,
        shards,
        config,
        crate::commands::table(),
    )));
    *srv.requirepass.write() = requirepass;

    let listeners = match crate::net::bind(srv) {
        Ok(l) => l,
        Err(e) => {
            warning!("{e}");
            return 1;
        }
    };
    srv.bound_port.store(usize::from(listeners.port), Relaxed);
    print_logo(listeners.port, pid, threads);

    let mut handles = Vec::with_capacity(threads);
    let mut joins = Vec::with_capacity(threads);
    for id in 0..threads {
        let created = match Worker::create(id, threads, srv) {
            Ok(c) => c,
            Err(e) => {
                warning!("Failed creating worker {id}: {e}");
                return 1;
            }
        };
        handles.push(WorkerHandle {
            tx: created.tx,
            waker: created.waker,
            stats: created.stats,
        });
        let worker = created.worker;
        let spawned = std::thread::Builder::new()
            .name(format!("worker-{id}"))
            .spawn(move || worker.run());
        match spawned {
            Ok(j) => joins.push(j),
            Err(e) => {
                warning!("Failed starting worker {id}: {e}");
                return 1;
            }
        }
    }
    let _ = srv.workers.set(handles);
    if let Some(path) = &srv.startup.pidfile {
        if let Err(e) = std::fs::write(path, format!("{pid}\n")) {
            warning!("Failed to write PID file: {e}");
        }
    }
    notice!("Server initialized");
    notice!("Ready to accept connections tcp");

    if let Err(e) = crate::net::accept_loop(srv, listeners) {
        warning!("Accept loop failed: {e}");
    }
    srv.request_shutdown();
    for j in joins {
        let _ = j.join();
    }
    if let Some(path) = &srv.startup.pidfile {
        let _ = std::fs::remove_file(path);
    }
    notice!("Cinnabar is now ready to exit, bye bye...");
    0
}

fn print_logo(port: u16, pid: u32, threads: usize) {
    let logo = format!(
        "\n     /\\        Cinnabar {} (Redis {REDIS_VERSION} compatible) 64 bit\n    /  \\\n   / <> \\      Running in standalone mode\n  /______\\     Port: {port}\n  \\      /     PID: {pid}\n   \\    /      Worker threads: {threads}\n    \\  /\n     \\/\n\n",
        env!("CARGO_PKG_VERSION")
    );
    crate::log::raw(&logo);
}

/// Detaches from the terminal as Redis does: fork, setsid, stdio to /dev/null.
fn daemonize() {
    // SAFETY: called before any thread is started, so fork() duplicates only this
    // thread; the parent exits immediately without running destructors.
    unsafe {
        match libc::fork() {
            -1 => return,
            0 => {}
            _ => libc::_exit(0),
        }
        libc::setsid();
        let devnull = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        if devnull >= 0 {
            libc::dup2(devnull, 0);
            libc::dup2(devnull, 1);
            libc::dup2(devnull, 2);
            if devnull > 2 {
                libc::close(devnull);
            }
        }
    }
}
