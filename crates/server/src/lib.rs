//! Cinnabar: a Redis-compatible in-memory data store.
//!
//! The crate is organised as the architecture brief describes: `net` (listeners,
//! worker event loops, connections), `dispatch` (command execution), `commands`
//! (one module per command family), `keyspace` (databases, slots, shards, expiry,
//! scan) and `types` (value types and their encodings).

pub mod blocking;
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
pub mod multi;
pub mod net;
pub mod server;
pub mod settings;
pub mod signals;
pub mod startup;
pub mod stats;
pub mod types;

/// The Redis version Cinnabar reports (clients gate features on it).
pub const REDIS_VERSION: &str = "7.2.4";
