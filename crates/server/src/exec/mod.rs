//! The execution core: one call path for every execution of a command, and the
//! publication of what it changed.
//!
//! Whoever runs a command — a client directly, a blocked client being served,
//! EXEC for each queued command, and later scripts, AOF replay and a replica
//! applying its master's stream — builds a [`Ctx`] over the locks the command's
//! keys need and goes through [`call`]. `call` runs the handler, puts small
//! collections back into their entries, and publishes the command's effects
//! record ([`crate::keyspace::EffectLog`]) to its consumers while the locks are
//! still held ([`publish`]), so every consumer sees conflicting writes in the
//! order they ran.
//!
//! Layers import one way: net → dispatch → commands → exec → keyspace → types.
//! Nothing here names a command family.

pub mod blocking;
pub mod command;
pub mod ctx;
pub mod keys;
pub mod meta;
pub mod multi;
pub mod publish;

use cinnabar_resp::Args;

pub use ctx::{Ctx, Db};
pub use publish::{EffectSink, Published};

use crate::error::{CmdError, CmdResult};

/// Runs the command of `ctx` with `args` and publishes its effects. The one
/// place a handler is called from.
pub fn call(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    // Changes made under these locks before the command (lazy expiry during
    // a WATCH check, say) are published on their own first.
    if !ctx.db.locked.effects.is_empty() {
        publish::publish_db(ctx.srv, &mut ctx.db, None);
    }
    let result = match ctx.cmd.handler {
        Some(handler) => handler(ctx, args),
        None => Err(CmdError::Syntax),
    };
    ctx.db.end_command();
    if !ctx.db.locked.effects.is_empty() {
        publish::publish_db(ctx.srv, &mut ctx.db, Some(args));
    } else if ctx.db.locked.effects.has_rewrites() {
        // A rewrite of a command that changed nothing propagates nothing,
        // and must not leak into the next command under the same locks.
        ctx.db.locked.effects.clear();
    }
    result
}

#[cfg(test)]
mod tests;
