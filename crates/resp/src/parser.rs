//! Incremental request parser: multibulk (`*N\r\n$len\r\n...`) and inline commands.
//!
//! The parser keeps its position between calls, so a command that arrives in many
//! reads (a large multibulk, a huge bulk) is never re-scanned from the start. Argument
//! boundaries are offsets into the caller's buffer: no copy is made for multibulk
//! arguments.

use std::ops::Range;

use crate::number::parse_i64_strict;
use crate::split::split_args;

/// Longest inline command, or multibulk/bulk header, accepted before the newline.
pub const PROTO_INLINE_MAX_SIZE: usize = 64 * 1024;

/// Largest multibulk count accepted (Redis: `INT_MAX`).
const MAX_MULTIBULK_LEN: i64 = i32::MAX as i64;

/// A protocol violation; the client gets [`ProtocolError::message`] and is closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProtocolError {
    /// An inline command line longer than [`PROTO_INLINE_MAX_SIZE`].
    TooBigInline,
    /// An inline command with unbalanced quotes.
    UnbalancedQuotes,
    /// A multibulk count line longer than [`PROTO_INLINE_MAX_SIZE`].
    TooBigMultibulkCount,
    /// A multibulk count that is not a number or is too large.
    InvalidMultibulkLength,
    /// A bulk length line longer than [`PROTO_INLINE_MAX_SIZE`].
    TooBigBulkCount,
    /// Something other than `$` where a bulk string header was expected.
    ExpectedDollar(u8),
    /// A bulk length that is not a number, negative or over the configured maximum.
    InvalidBulkLength,
    /// An unauthenticated client sent a multibulk with more than 10 arguments.
    UnauthenticatedMultibulk,
    /// An unauthenticated client sent a bulk string longer than 16 KiB.
    UnauthenticatedBulk,
}

impl ProtocolError {
    /// The error reply text, as Redis sends it (without the leading `-`).
    pub fn message(&self) -> String {
        match self {
            ProtocolError::TooBigInline => "ERR Protocol error: too big inline request".into(),
            ProtocolError::UnbalancedQuotes => {
                "ERR Protocol error: unbalanced quotes in request".into()
            }
            ProtocolError::TooBigMultibulkCount => {
                "ERR Protocol error: too big mbulk count string".into()
            }
            ProtocolError::InvalidMultibulkLength => {
                "ERR Protocol error: invalid multibulk length".into()
            }
            ProtocolError::TooBigBulkCount => {
                "ERR Protocol error: too big bulk count string".into()
            }
            ProtocolError::ExpectedDollar(b) => {
                format!("ERR Protocol error: expected '$', got '{}'", char::from(*b))
            }
            ProtocolError::InvalidBulkLength => "ERR Protocol error: invalid bulk length".into(),
            ProtocolError::UnauthenticatedMultibulk => {
                "ERR Protocol error: unauthenticated multibulk length".into()
            }
            ProtocolError::UnauthenticatedBulk => {
                "ERR Protocol error: unauthenticated bulk length".into()
            }
        }
    }
}

/// The arguments of one parsed command, borrowed from the input buffer.
#[derive(Clone, Copy)]
pub struct Args<'a> {
    base: &'a [u8],
    ranges: &'a [Range<usize>],
}

impl<'a> Args<'a> {
    /// Builds an argument view over `base` (used by tests and internal re-dispatch).
    pub fn new(base: &'a [u8], ranges: &'a [Range<usize>]) -> Self {
        Args { base, ranges }
    }

    /// Number of arguments, the command name included.
    #[inline]
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// True when there are no arguments.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Argument `i`, or an empty slice past the end.
    #[inline]
    pub fn get(&self, i: usize) -> &'a [u8] {
        self.ranges
            .get(i)
            .and_then(|r| self.base.get(r.clone()))
            .unwrap_or(&[])
    }

    /// Iterates over the arguments.
    pub fn iter(&self) -> impl Iterator<Item = &'a [u8]> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }

    /// The arguments from `start` on, as a new view.
    pub fn slice_from(&self, start: usize) -> Args<'a> {
        Args {
            base: self.base,
            ranges: self.ranges.get(start..).unwrap_or(&[]),
        }
    }

    /// Copies the arguments out.
    pub fn to_vec(&self) -> Vec<Vec<u8>> {
        self.iter().map(<[u8]>::to_vec).collect()
    }
}

/// What the parser is in the middle of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between commands.
    Idle,
    /// Inside a multibulk with this many bulk strings still to read; `bulk` holds the
    /// length of a bulk whose header was read and whose data has not fully arrived.
    Multibulk {
        remaining: usize,
        bulk: Option<usize>,
    },
}

/// Outcome of [`RequestParser::parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parsed {
    /// A complete command is available through [`RequestParser::args`].
    Command,
    /// More bytes are needed.
    Incomplete,
}

/// Incremental RESP request parser.
#[derive(Debug)]
pub struct RequestParser {
    pos: usize,
    cmd_start: usize,
    state: State,
    ranges: Vec<Range<usize>>,
    inline_args: Vec<u8>,
    from_inline: bool,
    /// Largest bulk string accepted (`proto-max-bulk-len`).
    pub max_bulk_len: usize,
    /// When false, Redis's stricter limits for unauthenticated clients apply.
    pub authenticated: bool,
}

impl Default for RequestParser {
    fn default() -> Self {
        Self::new(512 * 1024 * 1024)
    }
}

impl RequestParser {
    /// A parser accepting bulk strings up to `max_bulk_len` bytes.
    pub fn new(max_bulk_len: usize) -> Self {
        RequestParser {
            pos: 0,
            cmd_start: 0,
            state: State::Idle,
            ranges: Vec::with_capacity(8),
            inline_args: Vec::new(),
            from_inline: false,
            max_bulk_len,
            authenticated: true,
        }
    }

    /// Offset in the buffer up to which input has been consumed by complete commands
    /// (and partially parsed headers).
    pub fn position(&self) -> usize {
        self.pos
    }

    /// True when no command is partially parsed.
    pub fn is_idle(&self) -> bool {
        self.state == State::Idle
    }

    /// How many leading bytes of the buffer the caller may drop: everything before
    /// the command being parsed.
    pub fn droppable(&self) -> usize {
        if self.state == State::Idle {
            self.pos
        } else {
            self.cmd_start
        }
    }

    /// Tells the parser the caller dropped the first `n` bytes (at most
    /// [`droppable`](Self::droppable)) of its buffer.
    pub fn shift(&mut self, n: usize) {
        let n = n.min(self.droppable());
        self.pos -= n;
        if self.state == State::Idle {
            // Between commands: the last command's arguments pointed into the
            // dropped bytes and are no longer valid; the next command starts here.
            self.cmd_start = self.pos;
            if !self.from_inline {
                self.ranges.clear();
            }
        } else {
            // Mid-multibulk: the parsed arguments lie after `cmd_start >= n`.
            self.cmd_start -= n;
            for r in &mut self.ranges {
                *r = r.start - n..r.end - n;
            }
        }
    }

    /// The bytes of the unfinished bulk string being received, if any, so the caller
    /// can reserve buffer space for it in one go.
    pub fn pending_bulk_len(&self) -> Option<usize> {
        match self.state {
            State::Multibulk { bulk, .. } => bulk,
            State::Idle => None,
        }
    }

    /// The arguments of the last complete command.
    pub fn args<'a>(&'a self, buf: &'a [u8]) -> Args<'a> {
        let base = if self.from_inline {
            &self.inline_args[..]
        } else {
            buf
        };
        Args {
            base,
            ranges: &self.ranges,
        }
    }

    /// Parses the next command from `buf[self.position()..]`.
    pub fn parse(&mut self, buf: &[u8]) -> Result<Parsed, ProtocolError> {
        loop {
            if self.state == State::Idle {
                self.ranges.clear();
                self.from_inline = false;
                self.cmd_start = self.pos;
                let Some(&first) = buf.get(self.pos) else {
                    return Ok(Parsed::Incomplete);
                };
                if first == b'*' {
                    match self.multibulk_header(buf)? {
                        None => return Ok(Parsed::Incomplete),
                        Some(0) => continue, // `*0` and negative counts are skipped
                        Some(n) => {
                            self.ranges.reserve(n.min(1024));
                            self.state = State::Multibulk {
                                remaining: n,
                                bulk: None,
                            };
                        }
                    }
                } else {
                    match self.inline(buf)? {
                        None => return Ok(Parsed::Incomplete),
                        Some(true) => return Ok(Parsed::Command),
                        Some(false) => continue, // empty line
                    }
                }
            }
            if let State::Multibulk { remaining, bulk } = self.state {
                return self.bulks(buf, remaining, bulk);
            }
        }
    }

    /// Parses `*N\r\n`; `Some(0)` for counts that carry no command.
    fn multibulk_header(&mut self, buf: &[u8]) -> Result<Option<usize>, ProtocolError> {
        let start = self.pos;
        let Some((number, next)) = header_line(buf, start, ProtocolError::TooBigMultibulkCount)?
        else {
            return Ok(None);
        };
        let count = parse_i64_strict(number).filter(|&n| n <= MAX_MULTIBULK_LEN);
        let Some(count) = count else {
            return Err(ProtocolError::InvalidMultibulkLength);
        };
        if count > 10 && !self.authenticated {
            return Err(ProtocolError::UnauthenticatedMultibulk);
        }
        self.pos = next;
        Ok(Some(usize::try_from(count).unwrap_or(0)))
    }

    /// Reads bulk strings until the multibulk completes or input runs out.
    fn bulks(
        &mut self,
        buf: &[u8],
        mut remaining: usize,
        mut bulk: Option<usize>,
    ) -> Result<Parsed, ProtocolError> {
        while remaining > 0 {
            let len = match bulk {
                Some(len) => len,
                None => {
                    let Some(&first) = buf.get(self.pos) else {
                        self.state = State::Multibulk {
                            remaining,
                            bulk: None,
                        };
                        return Ok(Parsed::Incomplete);
                    };
                    // Redis looks for the header's end before checking the `$`.
                    let Some((number, next)) =
                        header_line(buf, self.pos, ProtocolError::TooBigBulkCount)?
                    else {
                        self.state = State::Multibulk {
                            remaining,
                            bulk: None,
                        };
                        return Ok(Parsed::Incomplete);
                    };
                    if first != b'$' {
                        return Err(ProtocolError::ExpectedDollar(first));
                    }
                    let number = number.get(1..).unwrap_or(&[]);
                    let len = parse_i64_strict(number)
                        .and_then(|n| usize::try_from(n).ok())
                        .filter(|&n| n <= self.max_bulk_len)
                        .ok_or(ProtocolError::InvalidBulkLength)?;
                    if len > 16384 && !self.authenticated {
                        return Err(ProtocolError::UnauthenticatedBulk);
                    }
                    self.pos = next;
                    len
                }
            };
            // The data plus its CRLF (whose bytes Redis skips without checking).
            let Some(end) = self.pos.checked_add(len).and_then(|e| e.checked_add(2)) else {
                return Err(ProtocolError::InvalidBulkLength);
            };
            if buf.len() < end {
                self.state = State::Multibulk {
                    remaining,
                    bulk: Some(len),
                };
                return Ok(Parsed::Incomplete);
            }
            self.ranges.push(self.pos..self.pos + len);
            self.pos = end;
            remaining -= 1;
            bulk = None;
        }
        self.state = State::Idle;
        Ok(Parsed::Command)
    }

    /// Parses an inline command line; `Some(false)` for an empty line.
    fn inline(&mut self, buf: &[u8]) -> Result<Option<bool>, ProtocolError> {
        let rest = buf.get(self.pos..).unwrap_or(&[]);
        let Some(newline) = memchr::memchr(b'\n', rest) else {
            if rest.len() > PROTO_INLINE_MAX_SIZE {
                return Err(ProtocolError::TooBigInline);
            }
            return Ok(None);
        };
        let mut line = &rest[..newline];
        if let [head @ .., b'\r'] = line {
            line = head;
        }
        let args = split_args(line).ok_or(ProtocolError::UnbalancedQuotes)?;
        self.pos += newline + 1;
        if args.is_empty() {
            return Ok(Some(false));
        }
        self.inline_args.clear();
        self.ranges.clear();
        for arg in args {
            let start = self.inline_args.len();
            self.inline_args.extend_from_slice(&arg);
            self.ranges.push(start..self.inline_args.len());
        }
        self.from_inline = true;
        Ok(Some(true))
    }
}

/// Finds a header line at `start` (`*N\r\n` or `$N\r\n`) and returns the bytes between
/// the type byte and `\r` (for `*`) or from the type byte (for `$`), with the offset
/// after the line. Mirrors Redis: it searches for `\r`, requires one more byte after
/// it, and refuses lines longer than the inline limit.
fn header_line(
    buf: &[u8],
    start: usize,
    too_big: ProtocolError,
) -> Result<Option<(&[u8], usize)>, ProtocolError> {
    let rest = buf.get(start..).unwrap_or(&[]);
    let Some(cr) = memchr::memchr(b'\r', rest) else {
        if rest.len() > PROTO_INLINE_MAX_SIZE {
            return Err(too_big);
        }
        return Ok(None);
    };
    if cr + 2 > rest.len() {
        return Ok(None);
    }
    let header = if rest.first() == Some(&b'*') {
        &rest[1..cr]
    } else {
        &rest[..cr]
    };
    Ok(Some((header, start + cr + 2)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(input: &[u8]) -> Result<Vec<Vec<Vec<u8>>>, ProtocolError> {
        let mut p = RequestParser::default();
        let mut out = Vec::new();
        while p.parse(input)? == Parsed::Command {
            out.push(p.args(input).to_vec());
        }
        Ok(out)
    }

    #[test]
    fn multibulk_and_inline() {
        let cmds = parse_all(b"*2\r\n$3\r\nGET\r\n$1\r\na\r\nPING\r\n\r\nset k \"v v\"\n")
            .unwrap_or_default();
        assert_eq!(cmds.len(), 3);
        assert_eq!(cmds[0], vec![b"GET".to_vec(), b"a".to_vec()]);
        assert_eq!(cmds[1], vec![b"PING".to_vec()]);
        assert_eq!(
            cmds[2],
            vec![b"set".to_vec(), b"k".to_vec(), b"v v".to_vec()]
        );
    }

    #[test]
    fn incremental_byte_by_byte() {
        let input = b"*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n";
        let mut p = RequestParser::default();
        for end in 1..input.len() {
            assert_eq!(p.parse(&input[..end]), Ok(Parsed::Incomplete));
        }
        assert_eq!(p.parse(input), Ok(Parsed::Command));
        assert_eq!(p.args(input).get(2), b"value");
    }

    #[test]
    fn errors() {
        assert_eq!(
            parse_all(b"*x\r\n"),
            Err(ProtocolError::InvalidMultibulkLength)
        );
        assert_eq!(
            parse_all(b"*99999999999\r\n"),
            Err(ProtocolError::InvalidMultibulkLength)
        );
        assert_eq!(
            parse_all(b"*1\r\n+foo\r\n"),
            Err(ProtocolError::ExpectedDollar(b'+'))
        );
        assert_eq!(
            parse_all(b"*1\r\n$-5\r\n"),
            Err(ProtocolError::InvalidBulkLength)
        );
        assert_eq!(
            parse_all(b"*1\r\n$999999999999\r\n"),
            Err(ProtocolError::InvalidBulkLength)
        );
        assert_eq!(
            parse_all(b"set \"a\n"),
            Err(ProtocolError::UnbalancedQuotes)
        );
        let long = vec![b'a'; PROTO_INLINE_MAX_SIZE + 1];
        assert_eq!(parse_all(&long), Err(ProtocolError::TooBigInline));
        assert_eq!(parse_all(b"*0\r\n*-1\r\n").map(|v| v.len()), Ok(0));
    }

    #[test]
    fn shift_right_after_a_command_without_parsing_further() {
        // A caller may stop after a complete command (a client blocked or closing)
        // and drop what was consumed before asking for the next command.
        let input = b"*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n";
        let mut p = RequestParser::default();
        assert_eq!(p.parse(input), Ok(Parsed::Command));
        let n = p.droppable();
        assert_eq!(n, 14);
        p.shift(n);
        let rest = &input[n..];
        assert_eq!(p.parse(rest), Ok(Parsed::Command));
        assert_eq!(p.args(rest).get(0), b"PING");
    }

    #[test]
    fn shift_keeps_partial_command() {
        let input = b"*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\n";
        let mut p = RequestParser::default();
        assert_eq!(p.parse(input), Ok(Parsed::Command));
        assert_eq!(p.parse(input), Ok(Parsed::Incomplete));
        let consumed = 14;
        let mut rest = input[consumed..].to_vec();
        p.shift(consumed);
        rest.extend_from_slice(b"k\r\n");
        assert_eq!(p.parse(&rest), Ok(Parsed::Command));
        assert_eq!(p.args(&rest).to_vec(), vec![b"GET".to_vec(), b"k".to_vec()]);
    }
}
