//! Reply encoding into one output buffer, for RESP2 or RESP3.
//!
//! Each method writes one reply (or an aggregate header); the RESP3-only types fall
//! back to their RESP2 equivalents exactly as Redis does (a map becomes a flat array,
//! a double a bulk string, a null a null bulk, and so on).

use crate::number::format_double;

/// An output buffer that knows which protocol version the client speaks.
#[derive(Debug, Default)]
pub struct ReplyBuf {
    /// Encoded replies waiting to be written.
    pub buf: Vec<u8>,
    /// True when the client negotiated RESP3 with HELLO 3.
    pub resp3: bool,
    /// Error replies written since the last [`take_errors`](Self::take_errors), so
    /// the dispatcher can count them in the error statistics.
    errors: Vec<String>,
}

impl ReplyBuf {
    /// An empty RESP2 buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty buffer for the given protocol version.
    pub fn with_resp3(resp3: bool) -> Self {
        ReplyBuf {
            resp3,
            ..Self::default()
        }
    }

    /// Bytes waiting to be written.
    #[inline]
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// True when nothing is waiting.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Takes the error replies recorded since the last call.
    pub fn take_errors(&mut self) -> Vec<String> {
        std::mem::take(&mut self.errors)
    }

    /// True when an error reply was written since the last [`take_errors`](Self::take_errors).
    #[inline]
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// `+OK`.
    #[inline]
    pub fn ok(&mut self) {
        self.buf.extend_from_slice(b"+OK\r\n");
    }

    /// A simple string (`+text`); CR/LF inside would break framing, so they become spaces.
    pub fn simple(&mut self, text: &[u8]) {
        self.buf.push(b'+');
        push_sanitized(&mut self.buf, text);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// An error reply. `text` starts with the error code (`ERR ...`, `WRONGTYPE ...`).
    pub fn error(&mut self, text: &str) {
        self.buf.push(b'-');
        push_sanitized(&mut self.buf, text.as_bytes());
        self.buf.extend_from_slice(b"\r\n");
        self.errors.push(text.to_owned());
    }

    /// An integer reply.
    #[inline]
    pub fn int(&mut self, value: i64) {
        self.buf.push(b':');
        let mut b = itoa::Buffer::new();
        self.buf.extend_from_slice(b.format(value).as_bytes());
        self.buf.extend_from_slice(b"\r\n");
    }

    /// A bulk string.
    #[inline]
    pub fn bulk(&mut self, data: &[u8]) {
        self.len_header(b'$', data.len());
        self.buf.extend_from_slice(data);
        self.buf.extend_from_slice(b"\r\n");
    }

    /// An integer sent as a bulk string (as Redis does for e.g. `GET` of an int-encoded value).
    pub fn bulk_int(&mut self, value: i64) {
        let mut b = itoa::Buffer::new();
        self.bulk(b.format(value).as_bytes());
    }

    /// The null reply: `$-1` in RESP2, `_` in RESP3.
    #[inline]
    pub fn null(&mut self) {
        self.buf
            .extend_from_slice(if self.resp3 { b"_\r\n" } else { b"$-1\r\n" });
    }

    /// The null array: `*-1` in RESP2, `_` in RESP3.
    pub fn null_array(&mut self) {
        self.buf
            .extend_from_slice(if self.resp3 { b"_\r\n" } else { b"*-1\r\n" });
    }

    /// An array header for `n` elements.
    #[inline]
    pub fn array(&mut self, n: usize) {
        self.len_header(b'*', n);
    }

    /// A map header for `n` key/value pairs (a `2n` array in RESP2).
    pub fn map(&mut self, n: usize) {
        if self.resp3 {
            self.len_header(b'%', n);
        } else {
            self.len_header(b'*', n * 2);
        }
    }

    /// A set header for `n` elements (an array in RESP2).
    pub fn set(&mut self, n: usize) {
        self.len_header(if self.resp3 { b'~' } else { b'*' }, n);
    }

    /// A push header for `n` elements (an array in RESP2).
    pub fn push(&mut self, n: usize) {
        self.len_header(if self.resp3 { b'>' } else { b'*' }, n);
    }

    /// A double: `,value` in RESP3, a bulk string in RESP2, formatted as Redis 7.2.
    pub fn double(&mut self, value: f64) {
        let mut text = Vec::with_capacity(24);
        format_double(value, &mut text);
        if self.resp3 {
            self.buf.push(b',');
            self.buf.extend_from_slice(&text);
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(&text);
        }
    }

    /// A boolean: `#t`/`#f` in RESP3, `:1`/`:0` in RESP2.
    pub fn boolean(&mut self, value: bool) {
        if self.resp3 {
            self.buf
                .extend_from_slice(if value { b"#t\r\n" } else { b"#f\r\n" });
        } else {
            self.int(i64::from(value));
        }
    }

    /// A verbatim string with a three-letter format (`txt`); a bulk string in RESP2.
    pub fn verbatim(&mut self, format: &[u8; 3], text: &[u8]) {
        if self.resp3 {
            self.len_header(b'=', text.len() + 4);
            self.buf.extend_from_slice(format);
            self.buf.push(b':');
            self.buf.extend_from_slice(text);
            self.buf.extend_from_slice(b"\r\n");
        } else {
            self.bulk(text);
        }
    }

    /// Pre-encoded bytes, written as they are.
    pub fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// An array of bulk strings.
    pub fn bulk_array<'a, I>(&mut self, items: I)
    where
        I: IntoIterator<Item = &'a [u8]>,
        I::IntoIter: ExactSizeIterator,
    {
        let iter = items.into_iter();
        self.array(iter.len());
        for item in iter {
            self.bulk(item);
        }
    }

    #[inline]
    fn len_header(&mut self, kind: u8, n: usize) {
        self.buf.push(kind);
        let mut b = itoa::Buffer::new();
        self.buf.extend_from_slice(b.format(n).as_bytes());
        self.buf.extend_from_slice(b"\r\n");
    }
}

fn push_sanitized(out: &mut Vec<u8>, text: &[u8]) {
    out.extend(
        text.iter()
            .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
    );
}

#[cfg(test)]
mod tests {
    use super::ReplyBuf;

    #[test]
    fn resp2_and_resp3_forms() {
        let mut r = ReplyBuf::new();
        r.null();
        r.map(1);
        r.double(1.5);
        r.boolean(true);
        assert_eq!(r.buf, b"$-1\r\n*2\r\n$3\r\n1.5\r\n:1\r\n");
        let mut r = ReplyBuf {
            resp3: true,
            ..ReplyBuf::new()
        };
        r.null();
        r.map(1);
        r.double(1.5);
        r.boolean(true);
        assert_eq!(r.buf, b"_\r\n%1\r\n,1.5\r\n#t\r\n");
    }

    #[test]
    fn errors_are_recorded_and_sanitized() {
        let mut r = ReplyBuf::new();
        r.error("ERR bad\r\nthing");
        assert_eq!(r.buf, b"-ERR bad  thing\r\n");
        assert_eq!(r.take_errors().len(), 1);
    }
}
