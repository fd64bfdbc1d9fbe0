//! Cinnabar: a Redis-compatible in-memory data store.
//!
//! Layers import downward only: `net` (listeners, worker event loops,
//! connections) and `dispatch` (the per-command checks) → `commands` (one
//! module per command family, each command declared once beside its handler)
//! → `exec` (the execution core: command declarations and table, the one call
//! path, the effects record's consumers, blocking, MULTI/WATCH) → `keyspace`
//! (databases, slots, shards, expiry, the effects record, scan) → `types`
//! (value types and their encodings). The command table is built from the
//! families at start-up and handed to the server.

pub mod client;
pub mod clock;
pub mod commands;
pub mod config;
pub mod config_apply;
pub mod dispatch;
pub mod error;
pub mod exec;
pub mod glob;
pub mod keyspace;
pub mod log;
pub mod lzf;
pub mod memory;
pub mod monitor;
pub mod net;
pub mod server;
pub mod settings;
pub mod signals;
pub mod startup;
pub mod stats;
pub mod types;

/// The Redis version Cinnabar reports (clients gate features on it).
pub const REDIS_VERSION: &str = "7.2.4";
