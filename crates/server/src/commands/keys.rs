//! Generic keyspace commands: DEL, EXISTS, EXPIRE family, SCAN, OBJECT, ...

use cinnabar_resp::Args;

use super::{acl, flags::*, CommandDef};
use crate::dispatch::Ctx;
use crate::error::CmdResult;

/// The keyspace command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("del", -2, WRITE, "generic", del)
        .keys(1, -1, 1)
        .acl(acl::KEYSPACE | acl::WRITE | acl::SLOW)
        .doc(
            "Deletes one or more keys.",
            "O(N) where N is the number of keys that will be removed.",
        ),
    CommandDef::new("exists", -2, READONLY | FAST, "generic", exists)
        .keys(1, -1, 1)
        .acl(acl::KEYSPACE | acl::READ | acl::FAST)
        .doc(
            "Counts how many of the given keys exist.",
            "O(N) where N is the number of keys to check.",
        ),
];

// DEL key [key ...]
fn del(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut n = 0;
    for key in args.iter().skip(1) {
        n += i64::from(ctx.db.remove(key)?);
    }
    ctx.out.int(n);
    Ok(())
}

// EXISTS key [key ...]
fn exists(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let mut n = 0;
    for key in args.iter().skip(1) {
        n += i64::from(ctx.db.exists(key)?);
    }
    ctx.out.int(n);
    Ok(())
}
