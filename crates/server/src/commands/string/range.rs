//! GETRANGE (and its old name SUBSTR) and SETRANGE.

use cinnabar_resp::{parse_i64_strict, Args};

use super::{check_string_length, max_string_len, raw_buffer, string_bytes, string_len};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;
use crate::keyspace::NewValue;

/// The byte range `[start, end]` (inclusive, negative counting from the end) of a
/// string of `len` bytes, clamped as Redis does; `None` when it is empty.
fn clamp_range(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    if start < 0 && end < 0 && start > end {
        return None;
    }
    let len = len as i128;
    let mut start = i128::from(start);
    let mut end = i128::from(end);
    if start < 0 {
        start += len;
    }
    if end < 0 {
        end += len;
    }
    start = start.max(0);
    end = end.max(0).min(len - 1);
    if start > end || len == 0 {
        return None;
    }
    Some((usize::try_from(start).ok()?, usize::try_from(end).ok()?))
}

// GETRANGE key start end
// SUBSTR key start end
pub(super) fn getrange(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let start = parse_i64_strict(args.get(2)).ok_or(CmdError::NotInteger)?;
    let end = parse_i64_strict(args.get(3)).ok_or(CmdError::NotInteger)?;
    let Some(e) = ctx.db.lookup_read(args.get(1))? else {
        ctx.out.bulk(b"");
        return Ok(());
    };
    let bytes = string_bytes(e.value())?;
    match clamp_range(start, end, bytes.len()).and_then(|(s, e)| bytes.get(s..=e)) {
        Some(part) => ctx.out.bulk(part),
        None => ctx.out.bulk(b""),
    }
    Ok(())
}

// SETRANGE key offset value
pub(super) fn setrange(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let (key, value) = (args.get(1), args.get(3));
    let offset = parse_i64_strict(args.get(2)).ok_or(CmdError::NotInteger)?;
    let offset = usize::try_from(offset).map_err(|_| CmdError::err("offset is out of range"))?;
    let max = max_string_len(ctx);
    let Some(e) = ctx.db.lookup_write(key)? else {
        if value.is_empty() {
            ctx.out.int(0);
            return Ok(());
        }
        check_string_length(max, offset, value.len())?;
        let mut bytes = vec![0u8; offset + value.len()];
        if let Some(dst) = bytes.get_mut(offset..) {
            dst.copy_from_slice(value);
        }
        let len = bytes.len();
        ctx.db.set(key, NewValue::raw_string(bytes), None)?;
        ctx.db.changed(key, "setrange");
        ctx.out.int(len as i64);
        return Ok(());
    };
    let old_len = string_len(e.value())?;
    if value.is_empty() {
        ctx.out.int(old_len as i64);
        return Ok(());
    }
    check_string_length(max, offset, value.len())?;
    let buf = raw_buffer(e).ok_or(CmdError::WrongType)?;
    let end = offset + value.len();
    if buf.len() < end {
        buf.resize(end, 0);
    }
    if let Some(dst) = buf.get_mut(offset..end) {
        dst.copy_from_slice(value);
    }
    let len = buf.len();
    ctx.db.changed(key, "setrange");
    ctx.out.int(len as i64);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::clamp_range;

    #[test]
    fn ranges_like_redis() {
        // "Hello World" (11 bytes), checked against redis-server.
        assert_eq!(clamp_range(0, 3, 11), Some((0, 3)));
        assert_eq!(clamp_range(-3, -1, 11), Some((8, 10)));
        assert_eq!(clamp_range(0, -1, 11), Some((0, 10)));
        assert_eq!(clamp_range(10, 100, 11), Some((10, 10)));
        assert_eq!(clamp_range(0, -100, 11), Some((0, 0)));
        assert_eq!(clamp_range(-1, -2, 11), None);
        assert_eq!(clamp_range(5, 3, 11), None);
        assert_eq!(clamp_range(20, 30, 11), None);
        assert_eq!(clamp_range(0, 0, 0), None);
        assert_eq!(clamp_range(i64::MIN, i64::MAX, 11), Some((0, 10)));
        assert_eq!(clamp_range(i64::MAX, i64::MIN, 11), None);
    }
}
