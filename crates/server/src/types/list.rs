//! The list type: `listpack` for small lists, `quicklist` (a deque of packed nodes)
//! for larger ones, converting at the same points as Redis 7.2.
//!
//! Conversion decisions use the size a Redis listpack would have
//! ([`redis_lp_entry_size`]), so OBJECT ENCODING changes exactly where Redis's does:
//! a listpack becomes a quicklist when its Redis size plus the raw bytes being added
//! exceeds the `list-max-listpack-size` node limit, and a single-node quicklist
//! becomes a listpack again once it shrinks below half of that limit.
//!
//! Quicklist nodes away from both ends are kept LZF-compressed, as Redis does
//! with `list-compress-depth`. The setting's 0 (Redis's default, "never
//! compress") means [`DEFAULT_PLAIN_DEPTH`] plain nodes at each end here: pushes
//! and pops only touch the end nodes, a node is compressed once when it leaves
//! the end window (about 25 ns per element pushed) and a long list takes about
//! half the memory. Reads in the middle (LINDEX, LRANGE far from the ends)
//! decompress the nodes they cross.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use super::packed::{item_for, Item, Packed, Pos};
use crate::lzf;

/// Plain nodes at each end of a quicklist when `list-compress-depth` is 0.
pub const DEFAULT_PLAIN_DEPTH: usize = 2;

/// Nodes left uncompressed at each end of every quicklist.
static PLAIN_DEPTH: AtomicUsize = AtomicUsize::new(DEFAULT_PLAIN_DEPTH);

/// Applies `list-compress-depth` (0 = the default depth). Lists adopt a new
/// depth at their ends as they are next written.
pub fn set_compress_depth(depth: u64) {
    let d = if depth == 0 {
        DEFAULT_PLAIN_DEPTH
    } else {
        usize::try_from(depth).unwrap_or(usize::MAX)
    };
    PLAIN_DEPTH.store(d, Relaxed);
}

/// Nodes smaller than this are never compressed (as in Redis).
const MIN_COMPRESS_BYTES: usize = 48;

/// Node byte limits for negative `list-max-listpack-size` values (-1..-5).
const SIZE_LEVELS: [usize; 5] = [4096, 8192, 16384, 32768, 65536];
/// Largest node allowed when the limit is a count.
const SIZE_SAFETY_LIMIT: usize = 8192;
/// Bytes of a Redis listpack's header and terminator.
const LP_OVERHEAD: usize = 7;

/// Bytes one element takes in a Redis listpack (encoding + data + back-length).
pub fn redis_lp_entry_size(bytes: &[u8]) -> usize {
    let enc = match item_for(bytes) {
        Item::Int(i) => {
            if (0..=127).contains(&i) {
                1
            } else if (-4096..4096).contains(&i) {
                2
            } else if i16::try_from(i).is_ok() {
                3
            } else if (-(1 << 23)..(1 << 23)).contains(&i) {
                4
            } else if i32::try_from(i).is_ok() {
                5
            } else {
                9
            }
        }
        _ => {
            let n = bytes.len();
            if n < 64 {
                1 + n
            } else if n < 4096 {
                2 + n
            } else {
                5 + n
            }
        }
    };
    let backlen = match enc {
        0..=127 => 1,
        128..=16383 => 2,
        16384..=2_097_151 => 3,
        2_097_152..=268_435_455 => 4,
        _ => 5,
    };
    enc + backlen
}

fn item_size(item: &Item<'_>) -> usize {
    redis_lp_entry_size(&item.to_bytes())
}

/// The node limits for a `list-max-listpack-size` value: (bytes, count).
fn node_limits(fill: i64) -> (usize, usize) {
    if fill >= 0 {
        (usize::MAX, if fill == 0 { 1 } else { fill as usize })
    } else {
        let level = ((-fill - 1) as usize).min(SIZE_LEVELS.len() - 1);
        (SIZE_LEVELS[level], usize::MAX)
    }
}

/// True when a node of `bytes` Redis-listpack bytes and `count` elements is over the limit.
fn exceeds(fill: i64, bytes: usize, count: usize) -> bool {
    let (size_limit, count_limit) = node_limits(fill);
    if size_limit != usize::MAX {
        bytes > size_limit
    } else {
        bytes > SIZE_SAFETY_LIMIT || count > count_limit
    }
}

/// One packed node with its Redis-listpack size.
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// The elements; empty while the node is compressed.
    items: Packed,
    /// The compressed elements, when the node is away from the list's ends.
    compressed: Option<Box<Compressed>>,
    /// Compression was tried on the current elements and did not pay.
    incompressible: bool,
    lp_bytes: usize,
}

/// A node's [`Packed::raw_bytes`], LZF-compressed.
#[derive(Debug, Clone)]
struct Compressed {
    lzf: Box<[u8]>,
    count: u32,
    raw_len: u32,
}

impl Node {
    fn len(&self) -> usize {
        match &self.compressed {
            Some(c) => c.count as usize,
            None => self.items.len(),
        }
    }

    /// The elements, decompressed into a copy when the node is compressed.
    fn items(&self) -> Cow<'_, Packed> {
        match &self.compressed {
            None => Cow::Borrowed(&self.items),
            Some(c) => Cow::Owned(
                lzf::decompress(&c.lzf, c.raw_len as usize)
                    .and_then(Packed::from_raw_bytes)
                    .unwrap_or_default(),
            ),
        }
    }

    /// The elements for writing (decompressing the node if needed).
    fn items_mut(&mut self) -> &mut Packed {
        self.decompress();
        self.incompressible = false;
        &mut self.items
    }

    fn decompress(&mut self) {
        if self.compressed.is_some() {
            self.items = self.items().into_owned();
            self.compressed = None;
        }
    }

    fn compress(&mut self) {
        if self.compressed.is_some() || self.incompressible {
            return;
        }
        let raw = self.items.raw_bytes();
        // Kept plain unless compression saves at least 8 bytes (as in Redis).
        if raw.len() < MIN_COMPRESS_BYTES {
            return;
        }
        let (Ok(count), Ok(raw_len)) = (u32::try_from(self.items.len()), u32::try_from(raw.len()))
        else {
            return;
        };
        if let Some(z) = lzf::compress(raw, raw.len() - 8) {
            self.compressed = Some(Box::new(Compressed {
                lzf: z.into_boxed_slice(),
                count,
                raw_len,
            }));
            self.items = Packed::new();
        } else {
            self.incompressible = true;
        }
    }

    /// Bytes held by the elements.
    fn stored_bytes(&self) -> usize {
        match &self.compressed {
            Some(c) => c.lzf.len(),
            None => self.items.byte_len(),
        }
    }
}

/// The list value.
#[derive(Debug, Clone)]
pub enum List {
    /// One packed sequence.
    Listpack(Box<Node>),
    /// A deque of packed nodes.
    Quicklist(Box<Quicklist>),
}

/// The `quicklist` encoding's nodes.
#[derive(Debug, Clone, Default)]
pub struct Quicklist {
    nodes: VecDeque<Node>,
    count: usize,
}

/// Which end of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The head (left, index 0).
    Head,
    /// The tail (right, index -1).
    Tail,
}

impl Default for List {
    fn default() -> Self {
        List::Listpack(Box::new(Node {
            items: Packed::new(),
            compressed: None,
            incompressible: false,
            lp_bytes: LP_OVERHEAD,
        }))
    }
}

impl Quicklist {
    /// True when node `i` lies away from both ends' plain windows.
    fn is_interior(&self, i: usize) -> bool {
        let depth = PLAIN_DEPTH.load(Relaxed);
        i >= depth && i + depth < self.nodes.len()
    }

    /// Compresses node `i` again after an edit, if it is an interior node.
    fn recompress(&mut self, i: usize) {
        if self.is_interior(i) {
            if let Some(node) = self.nodes.get_mut(i) {
                node.compress();
            }
        }
    }

    /// Puts every node in the right state (after nodes were added or removed
    /// anywhere).
    fn settle_all(&mut self) {
        for i in 0..self.nodes.len() {
            let interior = self.is_interior(i);
            if let Some(node) = self.nodes.get_mut(i) {
                if interior {
                    node.compress();
                } else {
                    node.decompress();
                }
            }
        }
    }

    /// The node holding element `index`, and the element's index inside it.
    fn locate(&self, index: usize) -> Option<(usize, usize)> {
        let mut left = index;
        for (i, n) in self.nodes.iter().enumerate() {
            if left < n.len() {
                return Some((i, left));
            }
            left -= n.len();
        }
        None
    }

    /// Splits node `i` in two when an edit in the middle left it over the node
    /// size limit (as Redis splits a node on insert), then fixes compression.
    fn split_if_over(&mut self, i: usize, fill: i64) {
        let over = self
            .nodes
            .get(i)
            .is_some_and(|n| n.len() >= 2 && exceeds(fill, n.lp_bytes, n.len()));
        if !over {
            self.recompress(i);
            return;
        }
        let Some(node) = self.nodes.get(i) else {
            return;
        };
        let packed = node.items().into_owned();
        let items: Vec<Item<'_>> = packed.iter().collect();
        let half = items.len() / 2;
        let make = |part: &[Item<'_>]| {
            let mut n = Node {
                lp_bytes: LP_OVERHEAD + part.iter().map(item_size).sum::<usize>(),
                ..Node::default()
            };
            n.items.push_back(part);
            n
        };
        let (first, second) = (make(&items[..half]), make(&items[half..]));
        if let Some(slot) = self.nodes.get_mut(i) {
            *slot = first;
        }
        self.nodes.insert(i + 1, second);
        self.settle_all();
    }

    /// Removes up to `limit` elements equal to `value`, scanning from the head
    /// (or from the tail when `from_tail`), node by node and in place.
    fn remove_matching(&mut self, value: &[u8], from_tail: bool, limit: usize) -> usize {
        let size = redis_lp_entry_size(value);
        let mut removed = 0;
        let order: Vec<usize> = if from_tail {
            (0..self.nodes.len()).rev().collect()
        } else {
            (0..self.nodes.len()).collect()
        };
        let mut edited = Vec::new();
        for i in order {
            if removed >= limit {
                break;
            }
            let Some(node) = self.nodes.get_mut(i) else {
                continue;
            };
            if !node.items().iter().any(|it| it.eq_bytes(value)) {
                continue;
            }
            let items = node.items_mut();
            let mut hits: Vec<Pos> = items
                .iter_pos()
                .filter(|(_, it)| it.eq_bytes(value))
                .map(|(p, _)| p)
                .collect();
            let take = hits.len().min(limit - removed);
            if from_tail {
                hits.drain(..hits.len() - take);
            } else {
                hits.truncate(take);
            }
            // Highest position first, so the others stay valid.
            for &p in hits.iter().rev() {
                items.remove_at(p, 1);
            }
            node.lp_bytes = node.lp_bytes.saturating_sub(take * size);
            removed += take;
            self.count = self.count.saturating_sub(take);
            edited.push(i);
        }
        let before = self.nodes.len();
        self.nodes.retain(|n| n.len() > 0);
        if self.nodes.len() != before {
            self.settle_all();
        } else {
            for i in edited {
                self.recompress(i);
            }
        }
        removed
    }

    /// Puts the nodes around both ends' plain windows in the right state:
    /// called after a node is added or removed at an end, which moves at most
    /// one node across each window's edge.
    fn settle(&mut self) {
        let depth = PLAIN_DEPTH.load(Relaxed);
        let n = self.nodes.len();
        let edges = [
            depth.checked_sub(1),
            Some(depth),
            n.checked_sub(depth + 1),
            n.checked_sub(depth),
        ];
        for i in edges.into_iter().flatten() {
            let interior = i >= depth && i + depth < n;
            if let Some(node) = self.nodes.get_mut(i) {
                if interior {
                    node.compress();
                } else {
                    node.decompress();
                }
            }
        }
    }
}

impl List {
    /// An empty list in the small encoding.
    pub fn new() -> List {
        List::default()
    }

    /// The name reported by `OBJECT ENCODING`.
    pub fn encoding_name(&self) -> &'static str {
        match self {
            List::Listpack(_) => "listpack",
            List::Quicklist(_) => "quicklist",
        }
    }

    /// Approximate heap bytes, for `MEMORY USAGE`.
    pub fn memory_usage(&self) -> usize {
        match self {
            List::Listpack(n) => 32 + n.stored_bytes(),
            List::Quicklist(q) => 48 + q.nodes.iter().map(|n| 32 + n.stored_bytes()).sum::<usize>(),
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            List::Listpack(n) => n.len(),
            List::Quicklist(q) => q.count,
        }
    }

    /// True when the list has no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Converts to a quicklist before adding `values` if the listpack would grow
    /// past the node limit (Redis's check uses the raw byte length of the values).
    fn grow_check(&mut self, fill: i64, values: &[&[u8]]) {
        if let List::Listpack(n) = self {
            let add_bytes: usize = values.iter().map(|v| v.len()).sum();
            if exceeds(fill, n.lp_bytes + add_bytes, n.len() + values.len()) {
                let node = std::mem::take(&mut **n);
                let mut q = Quicklist {
                    count: node.len(),
                    ..Default::default()
                };
                if node.len() > 0 {
                    q.nodes.push_back(node);
                }
                *self = List::Quicklist(Box::new(q));
            }
        }
    }

    /// Converts a single-node quicklist back to a listpack once it is below half the
    /// node limit.
    fn shrink_check(&mut self, fill: i64) {
        if let List::Quicklist(q) = self {
            if q.nodes.len() != 1 {
                return;
            }
            let (mut size_limit, mut count_limit) = node_limits(fill);
            size_limit /= 2;
            count_limit /= 2;
            let Some(node) = q.nodes.front() else { return };
            if node.lp_bytes > size_limit || q.count > count_limit {
                return;
            }
            let mut node = q.nodes.pop_front().unwrap_or_default();
            node.decompress();
            *self = List::Listpack(Box::new(node));
        }
    }

    /// Pushes values one at a time at one end (LPUSH a b c leaves c at the head).
    pub fn push(&mut self, end: End, values: &[&[u8]], fill: i64) {
        self.grow_check(fill, values);
        for v in values {
            let item = item_for(v);
            let size = redis_lp_entry_size(v);
            match self {
                List::Listpack(n) => {
                    push_node(n, end, &item, size);
                }
                List::Quicklist(q) => {
                    let need_new = match end {
                        End::Head => q.nodes.front(),
                        End::Tail => q.nodes.back(),
                    }
                    .is_none_or(|n| exceeds(fill, n.lp_bytes + size, n.len() + 1));
                    if need_new {
                        let node = Node {
                            items: Packed::new(),
                            compressed: None,
                            incompressible: false,
                            lp_bytes: LP_OVERHEAD,
                        };
                        match end {
                            End::Head => q.nodes.push_front(node),
                            End::Tail => q.nodes.push_back(node),
                        }
                        q.settle();
                    }
                    let node = match end {
                        End::Head => q.nodes.front_mut(),
                        End::Tail => q.nodes.back_mut(),
                    };
                    if let Some(n) = node {
                        push_node(n, end, &item, size);
                    }
                    q.count += 1;
                }
            }
        }
    }

    /// Pops up to `count` elements from one end, in pop order.
    pub fn pop(&mut self, end: End, count: usize, fill: i64) -> Vec<Vec<u8>> {
        let mut out = Vec::with_capacity(count.min(self.len()));
        while out.len() < count {
            let popped = match self {
                List::Listpack(n) => pop_node(n, end),
                List::Quicklist(q) => {
                    let node = match end {
                        End::Head => q.nodes.front_mut(),
                        End::Tail => q.nodes.back_mut(),
                    };
                    let v = node.and_then(|n| pop_node(n, end));
                    if v.is_some() {
                        q.count -= 1;
                    }
                    let empty = match end {
                        End::Head => q.nodes.front(),
                        End::Tail => q.nodes.back(),
                    }
                    .is_some_and(|n| n.len() == 0);
                    if empty {
                        match end {
                            End::Head => q.nodes.pop_front(),
                            End::Tail => q.nodes.pop_back(),
                        };
                        q.settle();
                    }
                    v
                }
            };
            match popped {
                Some(v) => out.push(v),
                None => break,
            }
        }
        self.shrink_check(fill);
        out
    }

    /// Calls `f` on elements `start..=stop` (non-negative) from the head, without
    /// copying them (LRANGE writes them straight into the reply).
    pub fn for_range(&self, start: usize, stop: usize, mut f: impl FnMut(Item<'_>)) {
        if start > stop {
            return;
        }
        let mut skip = start;
        let mut left = stop - start + 1;
        let mut visit = |node: &Node| -> bool {
            if skip >= node.len() {
                skip -= node.len();
                return true;
            }
            for item in node.items().iter().skip(skip) {
                if left == 0 {
                    return false;
                }
                f(item);
                left -= 1;
            }
            skip = 0;
            left > 0
        };
        match self {
            List::Listpack(n) => {
                visit(n);
            }
            List::Quicklist(q) => {
                for node in &q.nodes {
                    if !visit(node) {
                        break;
                    }
                }
            }
        }
    }

    /// Elements `start..=stop` (non-negative, clamped by the caller) from the head.
    pub fn range(&self, start: usize, stop: usize) -> Vec<Vec<u8>> {
        let mut out = Vec::with_capacity(stop.saturating_sub(start) + 1);
        let mut skip = start;
        let take = stop + 1 - start.min(stop + 1);
        let nodes: Vec<&Node> = match self {
            List::Listpack(n) => vec![&**n],
            List::Quicklist(q) => q.nodes.iter().collect(),
        };
        for node in nodes {
            if skip >= node.len() {
                skip -= node.len();
                continue;
            }
            for item in node.items().iter().skip(skip) {
                if out.len() == take {
                    return out;
                }
                out.push(item.to_bytes().into_owned());
            }
            skip = 0;
            if out.len() == take {
                break;
            }
        }
        out
    }

    /// Calls `f(index, element)` from the head, or from the tail when
    /// `from_tail`, until it returns false; compressed nodes are decompressed
    /// one at a time.
    pub fn scan(&self, from_tail: bool, mut f: impl FnMut(usize, Item<'_>) -> bool) {
        let nodes: Vec<&Node> = match self {
            List::Listpack(n) => vec![&**n],
            List::Quicklist(q) => q.nodes.iter().collect(),
        };
        if from_tail {
            let mut idx = self.len();
            for node in nodes.into_iter().rev() {
                let items = node.items();
                for item in items.iter_rev() {
                    idx = idx.saturating_sub(1);
                    if !f(idx, item) {
                        return;
                    }
                }
            }
        } else {
            let mut idx = 0;
            for node in nodes {
                let items = node.items();
                for item in items.iter() {
                    if !f(idx, item) {
                        return;
                    }
                    idx += 1;
                }
            }
        }
    }

    /// The element at a non-negative index.
    pub fn get(&self, index: usize) -> Option<Vec<u8>> {
        self.range(index, index).pop()
    }

    /// Replaces the element at a non-negative index; false when out of range.
    pub fn set(&mut self, index: usize, value: &[u8], fill: i64) -> bool {
        if index >= self.len() {
            return false;
        }
        if let List::Quicklist(q) = self {
            // In place: only the node holding the element changes.
            let Some((i, at)) = q.locate(index) else {
                return false;
            };
            if let Some(node) = q.nodes.get_mut(i) {
                let items = node.items_mut();
                let Some(pos) = items.pos_of_index(at) else {
                    return false;
                };
                let old = items.at(pos).map_or(0, |(it, _)| item_size(&it));
                items.replace_at(pos, &item_for(value));
                node.lp_bytes = (node.lp_bytes + redis_lp_entry_size(value)).saturating_sub(old);
            }
            q.split_if_over(i, fill);
            return true;
        }
        let mut all = self.to_vec();
        all[index] = value.to_vec();
        self.rebuild(all, fill);
        true
    }

    /// Inserts `value` before or after the first element equal to `pivot`; returns
    /// the new length, or `None` when the pivot is missing.
    pub fn insert(&mut self, pivot: &[u8], value: &[u8], after: bool, fill: i64) -> Option<usize> {
        if let List::Quicklist(q) = self {
            // In place: find the pivot's node, insert there, split it if too big.
            let (i, k) = q.nodes.iter().enumerate().find_map(|(i, n)| {
                let items = n.items();
                let k = items.iter().position(|it| it.eq_bytes(pivot));
                k.map(|k| (i, k))
            })?;
            let node = q.nodes.get_mut(i)?;
            let items = node.items_mut();
            let pos = items.pos_of_index(if after { k + 1 } else { k })?;
            items.insert_at(pos, &[item_for(value)]);
            node.lp_bytes += redis_lp_entry_size(value);
            q.count += 1;
            q.split_if_over(i, fill);
            return Some(q.count);
        }
        let mut all = self.to_vec();
        let at = all.iter().position(|v| v.as_slice() == pivot)?;
        all.insert(if after { at + 1 } else { at }, value.to_vec());
        let growing_from_listpack = matches!(self, List::Listpack(_));
        if growing_from_listpack {
            self.grow_check(fill, &[value]);
        }
        let keep_quicklist = matches!(self, List::Quicklist(_));
        self.rebuild_keeping(all, fill, keep_quicklist);
        Some(self.len())
    }

    /// Removes elements equal to `value`: `count > 0` from the head, `< 0` from the
    /// tail, `0` all. Returns how many were removed.
    pub fn remove(&mut self, value: &[u8], count: i64, fill: i64) -> usize {
        let limit = if count == 0 {
            usize::MAX
        } else {
            count.unsigned_abs() as usize
        };
        if let List::Quicklist(q) = self {
            let removed = q.remove_matching(value, count < 0, limit);
            if removed > 0 {
                self.shrink_check(fill);
            }
            return removed;
        }
        let mut all = self.to_vec();
        let mut removed = 0;
        if count >= 0 {
            let mut i = 0;
            while i < all.len() && removed < limit {
                if all[i] == value {
                    all.remove(i);
                    removed += 1;
                } else {
                    i += 1;
                }
            }
        } else {
            let mut i = all.len();
            while i > 0 && removed < limit {
                i -= 1;
                if all[i] == value {
                    all.remove(i);
                    removed += 1;
                }
            }
        }
        if removed > 0 {
            let keep_quicklist = matches!(self, List::Quicklist(_));
            self.rebuild_keeping(all, fill, keep_quicklist);
            self.shrink_check(fill);
        }
        removed
    }

    /// Keeps only elements `start..=stop` (non-negative, already clamped; `start > stop`
    /// empties the list).
    pub fn trim(&mut self, start: usize, stop: usize, fill: i64) {
        let len = self.len();
        if start > stop || start >= len {
            self.pop(End::Head, len, fill);
            return;
        }
        let stop = stop.min(len - 1);
        let tail = len - 1 - stop;
        self.pop(End::Tail, tail, fill);
        self.pop(End::Head, start, fill);
    }

    /// All elements as owned bytes, head first.
    pub fn to_vec(&self) -> Vec<Vec<u8>> {
        self.range(0, self.len().saturating_sub(1))
            .into_iter()
            .take(self.len())
            .collect()
    }

    fn rebuild(&mut self, all: Vec<Vec<u8>>, fill: i64) {
        let keep_quicklist = matches!(self, List::Quicklist(_));
        self.rebuild_keeping(all, fill, keep_quicklist);
    }

    /// Rebuilds the list from `all`, in the current encoding family.
    fn rebuild_keeping(&mut self, all: Vec<Vec<u8>>, fill: i64, quicklist: bool) {
        let refs: Vec<&[u8]> = all.iter().map(Vec::as_slice).collect();
        let mut fresh = if quicklist {
            List::Quicklist(Box::default())
        } else {
            List::new()
        };
        fresh.push(End::Tail, &refs, if quicklist { fill } else { i64::MAX });
        *self = fresh;
    }
}

fn push_node(n: &mut Node, end: End, item: &Item<'_>, size: usize) {
    match end {
        End::Head => n.items_mut().push_front(std::slice::from_ref(item)),
        End::Tail => n.items_mut().push_back(std::slice::from_ref(item)),
    }
    n.lp_bytes += size;
}

fn pop_node(n: &mut Node, end: End) -> Option<Vec<u8>> {
    let len = n.len();
    if len == 0 {
        return None;
    }
    let items = n.items_mut();
    let pos = match end {
        End::Head => items.pos_of_index(0)?,
        End::Tail => items.last_pos()?,
    };
    let (item, _) = items.at(pos)?;
    let bytes = item.to_bytes().into_owned();
    let size = item_size(&item);
    items.remove_at(pos, 1);
    n.lp_bytes = n.lp_bytes.saturating_sub(size);
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(v: &[Vec<u8>]) -> Vec<String> {
        v.iter()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect()
    }

    #[test]
    fn push_pop_both_ends() {
        let mut l = List::new();
        l.push(End::Head, &[b"a", b"b", b"c"], -2);
        l.push(End::Tail, &[b"1", b"2"], -2);
        assert_eq!(strs(&l.to_vec()), ["c", "b", "a", "1", "2"]);
        assert_eq!(strs(&l.pop(End::Tail, 2, -2)), ["2", "1"]);
        assert_eq!(strs(&l.pop(End::Head, 1, -2)), ["c"]);
        assert_eq!(l.len(), 2);
        assert_eq!(l.encoding_name(), "listpack");
    }

    #[test]
    fn converts_at_redis_sizes_and_back() {
        // With fill 4 (count limit), the 5th element converts to a quicklist.
        let mut l = List::new();
        l.push(End::Tail, &[b"a", b"b", b"c", b"d"], 4);
        assert_eq!(l.encoding_name(), "listpack");
        l.push(End::Tail, &[b"e"], 4);
        assert_eq!(l.encoding_name(), "quicklist");
        assert_eq!(strs(&l.to_vec()), ["a", "b", "c", "d", "e"]);
        l.pop(End::Tail, 2, 4);
        assert_eq!(l.encoding_name(), "quicklist"); // 3 > 4/2
        l.pop(End::Tail, 1, 4);
        assert_eq!(l.encoding_name(), "listpack"); // 2 <= 4/2, one node
        assert_eq!(strs(&l.to_vec()), ["a", "b"]);
    }

    #[test]
    fn quicklist_operations() {
        let mut l = List::new();
        let values: Vec<Vec<u8>> = (0..5000)
            .map(|i| format!("value-{i}").into_bytes())
            .collect();
        let refs: Vec<&[u8]> = values.iter().map(Vec::as_slice).collect();
        l.push(End::Tail, &refs, -2);
        assert_eq!(l.encoding_name(), "quicklist");
        assert_eq!(l.len(), 5000);
        assert_eq!(l.get(4321), Some(b"value-4321".to_vec()));
        assert_eq!(
            strs(&l.range(2998, 3001)),
            ["value-2998", "value-2999", "value-3000", "value-3001"]
        );
        assert!(l.set(10, b"ten", -2));
        assert_eq!(l.get(10), Some(b"ten".to_vec()));
        assert_eq!(l.insert(b"value-11", b"x", true, -2), Some(5001));
        assert_eq!(l.get(12), Some(b"x".to_vec()));
        assert_eq!(l.remove(b"x", 0, -2), 1);
        l.trim(100, 199, -2);
        assert_eq!(l.len(), 100);
        assert_eq!(l.get(0), Some(b"value-100".to_vec()));
        assert_eq!(l.encoding_name(), "listpack");
    }

    /// Checks that exactly the nodes away from both ends' windows are compressed
    /// (those worth compressing), for the default depth.
    fn assert_window(l: &List) {
        let List::Quicklist(q) = l else { return };
        let (d, n) = (DEFAULT_PLAIN_DEPTH, q.nodes.len());
        for (i, node) in q.nodes.iter().enumerate() {
            let interior = i >= d && i + d < n;
            assert_eq!(node.compressed.is_some(), interior, "node {i} of {n}");
        }
    }

    #[test]
    fn interior_nodes_compressed_and_contents_kept() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::SmallRng::seed_from_u64(3);
        let mut l = List::new();
        let mut model: VecDeque<Vec<u8>> = VecDeque::new();
        let mut next = 0u32;
        for round in 0..400 {
            let n = rng.gen_range(1..200);
            let values: Vec<Vec<u8>> = (0..n)
                .map(|_| {
                    next += 1;
                    format!("element:{next:08}").into_bytes()
                })
                .collect();
            let refs: Vec<&[u8]> = values.iter().map(Vec::as_slice).collect();
            let end = if rng.gen_bool(0.5) {
                End::Head
            } else {
                End::Tail
            };
            // Grow more than shrink, so the list reaches many nodes.
            if rng.gen_bool(0.7) {
                l.push(end, &refs, -1);
                for v in values {
                    match end {
                        End::Head => model.push_front(v),
                        End::Tail => model.push_back(v),
                    }
                }
            } else {
                let popped = l.pop(end, n, -1);
                let expect: Vec<Vec<u8>> = (0..popped.len())
                    .filter_map(|_| match end {
                        End::Head => model.pop_front(),
                        End::Tail => model.pop_back(),
                    })
                    .collect();
                assert_eq!(popped, expect, "round {round}");
            }
            // Edits in the middle, in place.
            if !model.is_empty() && rng.gen_bool(0.3) {
                let i = rng.gen_range(0..model.len());
                let v = format!("set:{round}").into_bytes();
                assert!(l.set(i, &v, -1));
                model[i] = v;
                let j = rng.gen_range(0..model.len());
                let pivot = model[j].clone();
                let after = rng.gen_bool(0.5);
                let new = format!("ins:{round}").into_bytes();
                let at = model
                    .iter()
                    .position(|m| *m == pivot)
                    .map(|p| p + usize::from(after));
                assert_eq!(
                    l.insert(&pivot, &new, after, -1),
                    at.map(|_| model.len() + 1)
                );
                if let Some(at) = at {
                    model.insert(at, new);
                }
                let k = rng.gen_range(0..model.len());
                let victim = model[k].clone();
                let count: i64 = rng.gen_range(-1..=1);
                let removed = l.remove(&victim, count, -1);
                let mut left = if count == 0 { usize::MAX } else { 1 };
                let mut gone = 0;
                if count >= 0 {
                    let mut x = 0;
                    while x < model.len() && left > 0 {
                        if model[x] == victim {
                            model.remove(x);
                            left -= 1;
                            gone += 1;
                        } else {
                            x += 1;
                        }
                    }
                } else if let Some(x) = model.iter().rposition(|m| *m == victim) {
                    model.remove(x);
                    gone = 1;
                }
                assert_eq!(removed, gone, "round {round}");
            }
            assert_eq!(l.len(), model.len());
            assert_window(&l);
            if !model.is_empty() {
                let i = rng.gen_range(0..model.len());
                assert_eq!(l.get(i).as_ref(), model.get(i), "round {round} index {i}");
            }
        }
        assert!(matches!(&l, List::Quicklist(q) if q.nodes.len() > 2 * DEFAULT_PLAIN_DEPTH + 2));
        assert_eq!(l.to_vec(), Vec::from(model.clone()));
        // Compressed nodes hold less than their elements take plain.
        let plain: usize = model.iter().map(|v| v.len() + 2).sum();
        assert!(
            l.memory_usage() < plain * 3 / 4,
            "{} vs {plain}",
            l.memory_usage()
        );
        // Edits in the middle rebuild the list and keep the window.
        let mid = model.len() / 2;
        assert!(l.set(mid, b"middle", -1));
        model[mid] = b"middle".to_vec();
        assert_window(&l);
        assert_eq!(l.to_vec(), Vec::from(model));
    }
}
