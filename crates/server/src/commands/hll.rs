//! HyperLogLog commands: PFADD PFCOUNT PFMERGE PFDEBUG PFSELFTEST.
//!
//! HyperLogLogs are plain string values in Redis's exact format (see
//! `types::hll`), so GET/SET move them between Cinnabar and Redis unchanged.
//! A command that modifies one stores it back as a `raw` string, as Redis's
//! `dbUnshareStringValue` does, keeping the key's TTL.

use std::sync::atomic::Ordering::Relaxed;

use cinnabar_resp::Args;

use super::prelude::*;
use super::{acl, flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;
use crate::keyspace::{Entry, NewValue, ValueRef};
use crate::types::hll::{self, Encoding, REGISTERS};
use crate::types::Object;

const HLL: u64 = acl::HYPERLOGLOG;

/// The HyperLogLog command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("pfadd", -2, WRITE | DENYOOM | FAST, "hyperloglog", pfadd)
        .acl(acl::WRITE | HLL | acl::FAST)
        .since("2.8.9")
        .doc(
            "Counts elements into a HyperLogLog, creating the key if needed.",
            "O(1) per element.",
        )
        .key_specs(&[KeySpec::single(RW | INSERT, 1)])
        .args(&[key("key", 0), string("element").optional().multiple()]),
    CommandDef::new(
        "pfcount",
        -2,
        READONLY | MAY_REPLICATE,
        "hyperloglog",
        pfcount,
    )
    .acl(acl::READ | HLL | acl::SLOW)
    .since("2.8.9")
    .doc(
        concat!(
            "Estimates the number of distinct elements seen by one or ",
            "more HyperLogLogs."
        ),
        concat!(
            "O(1) with a small constant for one key; O(N), N being the ",
            "number of keys, with a much larger constant for several."
        ),
    )
    .key_specs(&[KeySpec::range(RW | ACCESS, 1, -1, 1, 0).notes(concat!(
        "Read-write: counting may rewrite the cached cardinality, ",
        "which replicas receive."
    ))])
    .args(&[key("key", 0).multiple()]),
    CommandDef::new("pfmerge", -2, WRITE | DENYOOM, "hyperloglog", pfmerge)
        .acl(acl::WRITE | HLL | acl::SLOW)
        .since("2.8.9")
        .doc(
            "Merges HyperLogLogs into one key.",
            "O(N) to merge N HyperLogLogs, with a large constant.",
        )
        .key_specs(&[
            KeySpec::single(RW | ACCESS | INSERT, 1),
            KeySpec::range(RO | ACCESS, 2, -1, 1, 0),
        ])
        .args(&[key("destkey", 0), key("sourcekey", 1).optional().multiple()]),
    CommandDef::new(
        "pfdebug",
        3,
        WRITE | DENYOOM | ADMIN,
        "hyperloglog",
        pfdebug,
    )
    .acl(acl::WRITE | HLL | acl::ADMIN | acl::SLOW | acl::DANGEROUS)
    .since("2.8.9")
    .doc(
        "Inspects the internals of a HyperLogLog value (internal).",
        "N/A",
    )
    .syscmd()
    .key_specs(&[KeySpec::single(RW | ACCESS, 2)])
    .args(&[string("subcommand"), key("key", 0)]),
    CommandDef::new("pfselftest", 1, ADMIN, "hyperloglog", pfselftest)
        .acl(HLL | acl::ADMIN | acl::SLOW | acl::DANGEROUS)
        .since("2.8.9")
        .doc("Runs the HyperLogLog self test (internal).", "N/A")
        .syscmd(),
];

/// Redis's reply for a string that is not a HyperLogLog.
fn not_hll() -> CmdError {
    CmdError::Msg("WRONGTYPE Key is not a valid HyperLogLog string value.".into())
}

/// Redis's reply for a HyperLogLog whose registers are malformed.
fn corrupt() -> CmdError {
    CmdError::Msg("INVALIDOBJ Corrupted HLL object detected".into())
}

/// The `hll-sparse-max-bytes` setting.
fn sparse_max(ctx: &Ctx<'_>) -> u64 {
    ctx.srv.tun.enc.hll_sparse_max_bytes.load(Relaxed)
}

/// The value's bytes and HyperLogLog encoding, or the error Redis replies
/// with: WRONGTYPE for another type, the HyperLogLog WRONGTYPE for a string
/// that is not one (an int-encoded string never is).
fn checked(value: ValueRef<'_>) -> Result<(&[u8], Encoding), CmdError> {
    let bytes: &[u8] = match value {
        ValueRef::Embstr(b) => b,
        ValueRef::Object(Object::Str(s)) => s,
        ValueRef::Int(_) => return Err(not_hll()),
        ValueRef::Object(_) | ValueRef::Embedded(_) => return Err(CmdError::WrongType),
    };
    let enc = hll::encoding_of(bytes).ok_or_else(not_hll)?;
    Ok((bytes, enc))
}

/// Makes the entry's value a `raw` string (as Redis's `dbUnshareStringValue`)
/// and gives its bytes for in-place modification.
fn unshared(entry: &mut Entry) -> Result<&mut Vec<u8>, CmdError> {
    if !matches!(entry.value(), ValueRef::Object(Object::Str(_))) {
        let bytes = entry
            .value()
            .as_string()
            .map(|b| b.into_owned())
            .unwrap_or_default();
        entry.set_value(NewValue::raw_string(bytes));
    }
    match entry.object_mut() {
        Some(Object::Str(v)) => Ok(v),
        _ => Err(CmdError::err("internal error: string value expected")),
    }
}

// PFADD key [element [element ...]]
fn pfadd(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let max_bytes = sparse_max(ctx);
    let key = args.get(1);
    let elements = (2..args.len()).map(|i| args.get(i));
    // Redis counts the creation and every element that changed a register.
    let mut updated = 0usize;
    let mut failed = false;
    match ctx.db.lookup_write(key)? {
        Some(entry) => {
            checked(entry.value())?;
            let hll = unshared(entry)?;
            for e in elements {
                match hll::add(hll, e, max_bytes) {
                    Ok(changed) => updated += usize::from(changed),
                    Err(hll::Corrupt) => {
                        failed = true;
                        break;
                    }
                }
            }
            if updated > 0 && !failed {
                hll::invalidate_cache(hll);
            }
        }
        None => {
            let mut hll = hll::new_sparse();
            updated = 1;
            for e in elements {
                match hll::add(&mut hll, e, max_bytes) {
                    Ok(changed) => updated += usize::from(changed),
                    Err(hll::Corrupt) => {
                        failed = true;
                        break;
                    }
                }
            }
            if !failed {
                hll::invalidate_cache(&mut hll);
            }
            ctx.db.set(key, NewValue::raw_string(hll), None)?;
        }
    }
    if failed {
        return Err(corrupt());
    }
    if updated > 0 {
        ctx.db.changed_n(key, "pfadd", updated);
    }
    ctx.out.int(i64::from(updated > 0));
    Ok(())
}

// PFCOUNT key [key ...]
fn pfcount(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    if args.len() > 2 {
        let mut max = Box::new([0u8; REGISTERS]);
        for j in 1..args.len() {
            let Some(entry) = ctx.db.lookup_read(args.get(j))? else {
                continue;
            };
            let (bytes, _) = checked(entry.value())?;
            hll::merge_into(&mut max, bytes).map_err(|_| corrupt())?;
        }
        ctx.out.int(hll::count_registers(&max) as i64);
        return Ok(());
    }
    let Some(entry) = ctx.db.lookup_read_mut(args.get(1))? else {
        ctx.out.int(0);
        return Ok(());
    };
    checked(entry.value())?;
    let hll = unshared(entry)?;
    let card = match hll::cached_cardinality(hll) {
        Some(card) => card,
        None => {
            let card = hll::count(hll).map_err(|_| corrupt())?;
            hll::store_cardinality(hll, card);
            // Caching the cardinality is a change without an event in Redis.
            ctx.db.modified(args.get(1));
            card
        }
    };
    ctx.out.int(card as i64);
    Ok(())
}

// PFMERGE destkey [sourcekey [sourcekey ...]]
fn pfmerge(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let max_bytes = sparse_max(ctx);
    // The destination takes part in the merge like any source.
    let mut max = Box::new([0u8; REGISTERS]);
    let mut use_dense = false;
    for j in 1..args.len() {
        let Some(entry) = ctx.db.lookup_read(args.get(j))? else {
            continue;
        };
        let (bytes, enc) = checked(entry.value())?;
        use_dense |= enc == Encoding::Dense;
        hll::merge_into(&mut max, bytes).map_err(|_| corrupt())?;
    }
    let dest = args.get(1);
    let write = |hll: &mut Vec<u8>| -> CmdResult {
        if use_dense {
            hll::make_dense(hll).map_err(|_| corrupt())?;
        }
        for (j, &m) in max.iter().enumerate() {
            if m != 0 {
                // The registers were validated by the merge above.
                let _ = hll::set_register(hll, j, m, max_bytes);
            }
        }
        hll::invalidate_cache(hll);
        Ok(())
    };
    match ctx.db.lookup_write(dest)? {
        Some(entry) => write(unshared(entry)?)?,
        None => {
            let mut hll = hll::new_sparse();
            let result = write(&mut hll);
            ctx.db.set(dest, NewValue::raw_string(hll), None)?;
            result?;
        }
    }
    ctx.db.changed(dest, "pfadd");
    ctx.out.ok();
    Ok(())
}

// PFDEBUG <GETREG | DECODE | ENCODING | TODENSE> key
fn pfdebug(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let (sub, key) = (args.get(1), args.get(2));
    let Some(entry) = ctx.db.lookup_write(key)? else {
        return Err(CmdError::err("The specified key does not exist"));
    };
    let (_, enc) = checked(entry.value())?;
    let hll = unshared(entry)?;
    if sub.eq_ignore_ascii_case(b"getreg") {
        if enc == Encoding::Sparse {
            hll::make_dense(hll).map_err(|_| corrupt())?;
        }
        ctx.out.array(REGISTERS);
        for r in hll::dense_registers(hll) {
            ctx.out.int(i64::from(r));
        }
        // Redis counts the conversion so that it propagates; no event.
        if enc == Encoding::Sparse {
            ctx.db.modified(key);
        }
    } else if sub.eq_ignore_ascii_case(b"decode") {
        if enc != Encoding::Sparse {
            return Err(CmdError::err("HLL encoding is not sparse"));
        }
        ctx.out.bulk(hll::decode_sparse(hll).as_bytes());
    } else if sub.eq_ignore_ascii_case(b"encoding") {
        ctx.out.simple(enc.name().as_bytes());
    } else if sub.eq_ignore_ascii_case(b"todense") {
        let converted = enc == Encoding::Sparse;
        if converted {
            hll::make_dense(hll).map_err(|_| corrupt())?;
            ctx.db.modified(key);
        }
        ctx.out.int(i64::from(converted));
    } else {
        // Redis formats the name as a C string: it ends at a NUL byte.
        let name = sub.split(|&b| b == 0).next().unwrap_or_default();
        return Err(CmdError::err(format!(
            "Unknown PFDEBUG subcommand '{}'",
            String::from_utf8_lossy(name)
        )));
    }
    Ok(())
}

// PFSELFTEST
fn pfselftest(ctx: &mut Ctx<'_>, _args: &Args<'_>) -> CmdResult {
    let seed = (ctx.db.now_ms as u64) ^ 0x9e37_79b9_7f4a_7c15;
    hll::self_test(sparse_max(ctx), seed).map_err(CmdError::Msg)?;
    ctx.out.ok();
    Ok(())
}
