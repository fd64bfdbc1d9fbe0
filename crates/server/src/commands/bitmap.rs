//! Bitmap commands: SETBIT GETBIT BITCOUNT BITPOS BITOP BITFIELD BITFIELD_RO.

use super::CommandDef;

/// The bitmap command table.
pub static COMMANDS: &[CommandDef] = &[];
