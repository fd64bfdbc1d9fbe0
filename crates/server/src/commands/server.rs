//! Server commands: INFO CONFIG COMMAND TIME LASTSAVE SHUTDOWN MONITOR SLOWLOG
//! MEMORY DEBUG DBSIZE FLUSHDB FLUSHALL.

use cinnabar_resp::Args;

use super::CommandDef;
use crate::client::Client;
use crate::server::Server;

/// The server command table.
pub static COMMANDS: &[CommandDef] = &[];

/// Sends a command to every MONITOR client.
pub fn feed_monitors(srv: &Server, client: &Client, args: &Args<'_>, now_ms: i64) {
    let _ = (srv, client, args, now_ms);
}

/// Forgets a MONITOR client that disconnected.
pub fn remove_monitor(srv: &Server, client_id: u64) {
    let _ = (srv, client_id);
}
