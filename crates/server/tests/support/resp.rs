//! A small, self-contained RESP2/RESP3 toolkit for tests.
//!
//! It deliberately does not share code with the server's own codec: the test
//! harness must be an independent judge of what goes over the wire.
//!
//! * [`encode_command`] turns an argument vector into a RESP multibulk request.
//! * [`parse_frame`] scans a buffer for one complete reply frame (all RESP2 and
//!   RESP3 types, nested aggregates, nulls, attributes, push frames and even
//!   streamed strings/aggregates) and returns both a [`Frame`] tree and the
//!   number of bytes the frame occupies, or `Ok(None)` when more bytes are
//!   needed.
//! * Constructors ([`Frame::int`], [`Frame::bulk`], ...) and panicking
//!   readers ([`Frame::items`], [`Frame::text`], ...) for tests that compare
//!   parsed replies rather than bytes.
//! * [`escape`] renders raw bytes as a readable, unambiguous string for failure
//!   messages.

use std::fmt::{self, Write as _};

/// Nesting limit for aggregates; deeper replies are rejected as malformed.
const MAX_DEPTH: usize = 512;

/// One parsed RESP frame. The representation is lossless: [`Frame::encode`]
/// reproduces the exact bytes that were parsed. Its `Debug` form is those
/// bytes, escaped (e.g. `":0\r\n"`), so that failed assertions read well.
#[derive(Clone, PartialEq, Eq)]
pub enum Frame {
    /// A single-line frame: `+` simple string, `-` error, `:` integer,
    /// `_` null, `,` double, `#` boolean or `(` big number. `text` is the line
    /// without its type byte and CRLF.
    Line {
        /// The type byte.
        kind: u8,
        /// The line content.
        text: Vec<u8>,
    },
    /// A length-prefixed frame: `$` bulk string, `!` blob error or `=` verbatim
    /// string. `data` is `None` for the RESP2 null (`$-1`).
    Blob {
        /// The type byte.
        kind: u8,
        /// The payload, or `None` for a null.
        data: Option<Vec<u8>>,
    },
    /// A RESP3 streamed string (`$?` followed by `;` chunks and `;0`).
    StreamedBlob {
        /// The non-empty chunks, in order.
        chunks: Vec<Vec<u8>>,
    },
    /// An aggregate: `*` array, `~` set, `>` push or `%` map. For maps the
    /// items are the flattened key/value sequence. `items` is `None` for the
    /// RESP2 null array (`*-1`).
    Aggregate {
        /// The type byte.
        kind: u8,
        /// The elements, or `None` for a null.
        items: Option<Vec<Frame>>,
    },
    /// A RESP3 streamed aggregate (`*?`, `~?`, `%?` or `>?`, ended by `.`).
    StreamedAggregate {
        /// The type byte.
        kind: u8,
        /// The elements (flattened pairs for maps).
        items: Vec<Frame>,
    },
    /// A RESP3 attribute map (`|`) followed by the frame it decorates.
    Attributed {
        /// Flattened attribute key/value sequence.
        attrs: Vec<Frame>,
        /// The decorated reply.
        value: Box<Frame>,
    },
}

/// Encodes an argument vector as a RESP multibulk request.
pub fn encode_command<A: AsRef<[u8]>>(args: &[A]) -> Vec<u8> {
    let mut out =
        Vec::with_capacity(16 + args.iter().map(|a| a.as_ref().len() + 16).sum::<usize>());
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for arg in args {
        let arg = arg.as_ref();
        out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Returns the length of the first complete frame in `buf`, `Ok(None)` if the
/// buffer holds only a prefix of a frame, or an error describing malformed
/// input.
pub fn frame_len(buf: &[u8]) -> Result<Option<usize>, String> {
    Ok(parse_frame(buf)?.map(|(_, len)| len))
}

/// Parses the first complete frame in `buf`. Returns the frame and the number
/// of bytes it occupies, `Ok(None)` if more input is needed, or an error for
/// malformed input.
pub fn parse_frame(buf: &[u8]) -> Result<Option<(Frame, usize)>, String> {
    let mut parser = Parser { buf, pos: 0 };
    match parser.frame(0)? {
        Some(frame) => Ok(Some((frame, parser.pos))),
        None => Ok(None),
    }
}

/// Parses `buf` as exactly one complete frame (no trailing bytes).
pub fn parse_exact(buf: &[u8]) -> Result<Frame, String> {
    match parse_frame(buf)? {
        Some((frame, len)) if len == buf.len() => Ok(frame),
        Some((_, len)) => Err(format!("{} trailing bytes after frame", buf.len() - len)),
        None => Err("incomplete frame".to_string()),
    }
}

struct Parser<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    /// Reads one CRLF-terminated line starting at the current position,
    /// returning its content (without CRLF). Rejects bare CR or LF.
    fn line(&mut self) -> Result<Option<&[u8]>, String> {
        let rest = &self.buf[self.pos..];
        for (i, &b) in rest.iter().enumerate() {
            if b == b'\n' {
                if i == 0 || rest[i - 1] != b'\r' {
                    return Err(format!("bare LF in line at byte {}", self.pos + i));
                }
                let content = &rest[..i - 1];
                if content.contains(&b'\r') {
                    return Err(format!("bare CR in line at byte {}", self.pos));
                }
                self.pos += i + 1;
                return Ok(Some(content));
            }
        }
        Ok(None)
    }

    fn length(text: &[u8], what: &str) -> Result<i64, String> {
        std::str::from_utf8(text)
            .ok()
            .filter(|s| !s.is_empty() && !s.starts_with('+'))
            .and_then(|s| s.parse::<i64>().ok())
            .ok_or_else(|| format!("invalid {what} length {:?}", escape(text)))
    }

    /// Reads `len` payload bytes plus the trailing CRLF.
    fn payload(&mut self, len: usize) -> Result<Option<Vec<u8>>, String> {
        let end = self.pos.checked_add(len).ok_or("length overflow")?;
        if self.buf.len() < end + 2 {
            return Ok(None);
        }
        if &self.buf[end..end + 2] != b"\r\n" {
            return Err(format!("payload of {len} bytes not followed by CRLF"));
        }
        let data = self.buf[self.pos..end].to_vec();
        self.pos = end + 2;
        Ok(Some(data))
    }

    fn items(&mut self, count: usize, depth: usize) -> Result<Option<Vec<Frame>>, String> {
        let mut items = Vec::with_capacity(count.min(1024));
        for _ in 0..count {
            match self.frame(depth + 1)? {
                Some(f) => items.push(f),
                None => return Ok(None),
            }
        }
        Ok(Some(items))
    }

    fn frame(&mut self, depth: usize) -> Result<Option<Frame>, String> {
        if depth > MAX_DEPTH {
            return Err("aggregate nesting too deep".to_string());
        }
        let Some(&kind) = self.buf.get(self.pos) else {
            return Ok(None);
        };
        let start = self.pos;
        self.pos += 1;
        let Some(text) = self.line()? else {
            return Ok(None);
        };
        let text = text.to_vec();
        match kind {
            b'+' | b'-' | b':' | b'_' | b',' | b'#' | b'(' => Ok(Some(Frame::Line { kind, text })),
            b'$' | b'!' | b'=' => {
                if kind == b'$' && text == b"?" {
                    return self.streamed_blob();
                }
                let len = Self::length(&text, "blob")?;
                if len == -1 && kind == b'$' {
                    return Ok(Some(Frame::Blob { kind, data: None }));
                }
                let len =
                    usize::try_from(len).map_err(|_| format!("negative blob length {len}"))?;
                Ok(self.payload(len)?.map(|data| Frame::Blob {
                    kind,
                    data: Some(data),
                }))
            }
            b'*' | b'~' | b'>' | b'%' | b'|' => {
                if text == b"?" && kind != b'|' {
                    return self.streamed_aggregate(kind, depth);
                }
                let count = Self::length(&text, "aggregate")?;
                if count == -1 && kind == b'*' {
                    return Ok(Some(Frame::Aggregate { kind, items: None }));
                }
                let count = usize::try_from(count)
                    .map_err(|_| format!("negative aggregate length {count}"))?;
                let count = if kind == b'%' || kind == b'|' {
                    count.checked_mul(2).ok_or("aggregate length overflow")?
                } else {
                    count
                };
                let Some(items) = self.items(count, depth)? else {
                    return Ok(None);
                };
                if kind == b'|' {
                    return Ok(self.frame(depth + 1)?.map(|value| Frame::Attributed {
                        attrs: items,
                        value: Box::new(value),
                    }));
                }
                Ok(Some(Frame::Aggregate {
                    kind,
                    items: Some(items),
                }))
            }
            other => Err(format!(
                "unknown frame type byte {:?} at offset {start}",
                escape(&[other])
            )),
        }
    }

    fn streamed_blob(&mut self) -> Result<Option<Frame>, String> {
        let mut chunks = Vec::new();
        loop {
            match self.buf.get(self.pos) {
                None => return Ok(None),
                Some(b';') => {}
                Some(&b) => return Err(format!("expected ';' chunk, got {:?}", escape(&[b]))),
            }
            self.pos += 1;
            let Some(text) = self.line()? else {
                return Ok(None);
            };
            let len = Self::length(text, "chunk")?;
            let len = usize::try_from(len).map_err(|_| format!("negative chunk length {len}"))?;
            if len == 0 {
                return Ok(Some(Frame::StreamedBlob { chunks }));
            }
            match self.payload(len)? {
                Some(chunk) => chunks.push(chunk),
                None => return Ok(None),
            }
        }
    }

    fn streamed_aggregate(&mut self, kind: u8, depth: usize) -> Result<Option<Frame>, String> {
        let mut items = Vec::new();
        loop {
            match self.buf.get(self.pos) {
                None => return Ok(None),
                Some(b'.') => {
                    return match self.buf.get(self.pos..self.pos + 3) {
                        None => Ok(None),
                        Some(b".\r\n") => {
                            self.pos += 3;
                            Ok(Some(Frame::StreamedAggregate { kind, items }))
                        }
                        Some(_) => Err("malformed streamed aggregate terminator".to_string()),
                    };
                }
                Some(_) => match self.frame(depth + 1)? {
                    Some(f) => items.push(f),
                    None => return Ok(None),
                },
            }
        }
    }
}

impl fmt::Debug for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(&self.encode()))
    }
}

impl Frame {
    /// Serializes the frame back to wire bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    fn encode_into(&self, out: &mut Vec<u8>) {
        match self {
            Frame::Line { kind, text } => {
                out.push(*kind);
                out.extend_from_slice(text);
                out.extend_from_slice(b"\r\n");
            }
            Frame::Blob { kind, data: None } => {
                out.push(*kind);
                out.extend_from_slice(b"-1\r\n");
            }
            Frame::Blob {
                kind,
                data: Some(d),
            } => {
                out.push(*kind);
                out.extend_from_slice(format!("{}\r\n", d.len()).as_bytes());
                out.extend_from_slice(d);
                out.extend_from_slice(b"\r\n");
            }
            Frame::StreamedBlob { chunks } => {
                out.extend_from_slice(b"$?\r\n");
                for c in chunks {
                    out.extend_from_slice(format!(";{}\r\n", c.len()).as_bytes());
                    out.extend_from_slice(c);
                    out.extend_from_slice(b"\r\n");
                }
                out.extend_from_slice(b";0\r\n");
            }
            Frame::Aggregate { kind, items: None } => {
                out.push(*kind);
                out.extend_from_slice(b"-1\r\n");
            }
            Frame::Aggregate {
                kind,
                items: Some(items),
            } => {
                let n = if *kind == b'%' {
                    items.len() / 2
                } else {
                    items.len()
                };
                out.push(*kind);
                out.extend_from_slice(format!("{n}\r\n").as_bytes());
                for item in items {
                    item.encode_into(out);
                }
            }
            Frame::StreamedAggregate { kind, items } => {
                out.push(*kind);
                out.extend_from_slice(b"?\r\n");
                for item in items {
                    item.encode_into(out);
                }
                out.extend_from_slice(b".\r\n");
            }
            Frame::Attributed { attrs, value } => {
                out.extend_from_slice(format!("|{}\r\n", attrs.len() / 2).as_bytes());
                for a in attrs {
                    a.encode_into(out);
                }
                value.encode_into(out);
            }
        }
    }

    /// The type byte of the frame (for attributed frames, of the decorated
    /// value).
    pub fn kind(&self) -> u8 {
        match self {
            Frame::Line { kind, .. }
            | Frame::Blob { kind, .. }
            | Frame::Aggregate { kind, .. }
            | Frame::StreamedAggregate { kind, .. } => *kind,
            Frame::StreamedBlob { .. } => b'$',
            Frame::Attributed { value, .. } => value.kind(),
        }
    }

    /// True for `-` and `!` error frames.
    pub fn is_error(&self) -> bool {
        matches!(self.kind(), b'-' | b'!')
    }

    /// Number of elements of an aggregate (pairs count once per element, i.e.
    /// a map of two entries has four), or `None` for non-aggregates and nulls.
    pub fn element_count(&self) -> Option<usize> {
        match self {
            Frame::Aggregate {
                items: Some(items), ..
            }
            | Frame::StreamedAggregate { items, .. } => Some(items.len()),
            Frame::Attributed { value, .. } => value.element_count(),
            _ => None,
        }
    }

    /// Interprets the frame as an integer: `:` replies, and bulk or simple
    /// strings holding a base-10 integer.
    pub fn as_integer(&self) -> Option<i64> {
        let text = match self {
            Frame::Line {
                kind: b':' | b'+' | b'(',
                text,
            } => text.as_slice(),
            Frame::Blob {
                kind: b'$',
                data: Some(d),
            } => d.as_slice(),
            Frame::Attributed { value, .. } => return value.as_integer(),
            _ => return None,
        };
        std::str::from_utf8(text).ok()?.parse().ok()
    }

    /// Returns a copy in which the elements of every aggregate (recursively)
    /// are put in a canonical order, so that two replies holding the same
    /// multisets compare equal. Map entries are sorted as key/value pairs.
    pub fn sorted_deep(&self) -> Frame {
        match self {
            Frame::Aggregate {
                kind,
                items: Some(items),
            } => Frame::Aggregate {
                kind: *kind,
                items: Some(sort_items(*kind, items)),
            },
            Frame::StreamedAggregate { kind, items } => Frame::StreamedAggregate {
                kind: *kind,
                items: sort_items(*kind, items),
            },
            Frame::Attributed { attrs, value } => Frame::Attributed {
                attrs: sort_items(b'%', attrs),
                value: Box::new(value.sorted_deep()),
            },
            other => other.clone(),
        }
    }
}

/// Building expected replies and reading parsed ones in ordinary tests, e.g.
/// `assert_eq!(c.frame_line("INCR n"), Frame::int(1))`. Constructors build
/// RESP2 frames; the readers panic (naming what they got) when the frame is
/// not of the kind asked for, which is what a test wants.
impl Frame {
    /// A `+` simple string.
    pub fn simple(text: &str) -> Frame {
        Frame::Line {
            kind: b'+',
            text: text.as_bytes().to_vec(),
        }
    }

    /// `+OK`.
    pub fn ok() -> Frame {
        Frame::simple("OK")
    }

    /// A `-` error; `text` includes the error code, e.g. `"ERR syntax error"`.
    pub fn error(text: &str) -> Frame {
        Frame::Line {
            kind: b'-',
            text: text.as_bytes().to_vec(),
        }
    }

    /// A `:` integer.
    pub fn int(n: i64) -> Frame {
        Frame::Line {
            kind: b':',
            text: n.to_string().into_bytes(),
        }
    }

    /// A `$` bulk string.
    pub fn bulk(data: impl AsRef<[u8]>) -> Frame {
        Frame::Blob {
            kind: b'$',
            data: Some(data.as_ref().to_vec()),
        }
    }

    /// The RESP2 null bulk string `$-1`.
    pub fn nil() -> Frame {
        Frame::Blob {
            kind: b'$',
            data: None,
        }
    }

    /// A `*` array.
    pub fn array(items: Vec<Frame>) -> Frame {
        Frame::Aggregate {
            kind: b'*',
            items: Some(items),
        }
    }

    /// A `*` array of integers.
    pub fn ints(values: &[i64]) -> Frame {
        Frame::array(values.iter().map(|&n| Frame::int(n)).collect())
    }

    /// The elements of a (non-null) aggregate; panics for anything else.
    pub fn items(&self) -> &[Frame] {
        match self {
            Frame::Aggregate {
                items: Some(items), ..
            }
            | Frame::StreamedAggregate { items, .. } => items,
            Frame::Attributed { value, .. } => value.items(),
            other => panic!("not an aggregate: {other:?}"),
        }
    }

    /// The content of a simple string, error, integer or (non-null) bulk or
    /// verbatim string, as text; panics for anything else.
    pub fn text(&self) -> String {
        match self {
            Frame::Line {
                kind: b'+' | b'-' | b':',
                text,
            } => String::from_utf8_lossy(text).into_owned(),
            Frame::Blob {
                kind: b'$' | b'=',
                data: Some(data),
            } => String::from_utf8_lossy(data).into_owned(),
            Frame::Attributed { value, .. } => value.text(),
            other => panic!("not a string: {other:?}"),
        }
    }

    /// The elements of an aggregate, each read with [`Frame::text`].
    pub fn strings(&self) -> Vec<String> {
        self.items().iter().map(Frame::text).collect()
    }

    /// The value of a `:` integer reply; panics for anything else.
    pub fn int_value(&self) -> i64 {
        match self {
            Frame::Line { kind: b':', .. } => self
                .as_integer()
                .unwrap_or_else(|| panic!("malformed integer: {self:?}")),
            Frame::Attributed { value, .. } => value.int_value(),
            other => panic!("not an integer: {other:?}"),
        }
    }
}

fn sort_items(kind: u8, items: &[Frame]) -> Vec<Frame> {
    let sorted: Vec<Frame> = items.iter().map(Frame::sorted_deep).collect();
    if kind == b'%' {
        let mut pairs: Vec<(Vec<u8>, Frame, Frame)> = sorted
            .chunks(2)
            .map(|p| {
                let mut key = p[0].encode();
                if let Some(v) = p.get(1) {
                    key.extend(v.encode());
                }
                (
                    key,
                    p[0].clone(),
                    p.get(1).cloned().unwrap_or(Frame::Line {
                        kind: b'_',
                        text: vec![],
                    }),
                )
            })
            .collect();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        pairs.into_iter().flat_map(|(_, k, v)| [k, v]).collect()
    } else {
        let mut keyed: Vec<(Vec<u8>, Frame)> =
            sorted.into_iter().map(|f| (f.encode(), f)).collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        keyed.into_iter().map(|(_, f)| f).collect()
    }
}

/// Renders bytes as a double-quoted string: printable ASCII as is, `\r`,
/// `\n`, `\t`, `\"` and `\\` escaped, everything else as `\xHH`. Long inputs
/// are truncated in the middle.
pub fn escape(bytes: &[u8]) -> String {
    const LIMIT: usize = 2000;
    let mut out = String::with_capacity(bytes.len().min(LIMIT) + 2);
    out.push('"');
    let push = |out: &mut String, b: u8| match b {
        b'\r' => out.push_str("\\r"),
        b'\n' => out.push_str("\\n"),
        b'\t' => out.push_str("\\t"),
        b'"' => out.push_str("\\\""),
        b'\\' => out.push_str("\\\\"),
        0x20..=0x7e => out.push(b as char),
        _ => {
            let _ = write!(out, "\\x{b:02x}");
        }
    };
    if bytes.len() > LIMIT {
        for &b in &bytes[..LIMIT / 2] {
            push(&mut out, b);
        }
        let _ = write!(out, "\" ... ({} bytes omitted) ... \"", bytes.len() - LIMIT);
        for &b in &bytes[bytes.len() - LIMIT / 2..] {
            push(&mut out, b);
        }
    } else {
        for &b in bytes {
            push(&mut out, b);
        }
    }
    out.push('"');
    out
}

/// Renders an argument vector like redis-cli would accept it: plain words as
/// is, anything else double-quoted with escapes.
pub fn format_args<A: AsRef<[u8]>>(args: &[A]) -> String {
    args.iter()
        .map(|a| {
            let a = a.as_ref();
            let plain = !a.is_empty()
                && a.iter()
                    .all(|&b| b.is_ascii_graphic() && b != b'"' && b != b'\'' && b != b'\\');
            if plain {
                String::from_utf8_lossy(a).into_owned()
            } else {
                escape(a)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
