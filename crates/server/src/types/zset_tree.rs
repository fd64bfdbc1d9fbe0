//! A counted B+tree ordering the members of a large sorted set by (score, member).
//!
//! The tree stores 32-bit member ids (indexes into the owner's member arena, see
//! `zset_big`) with their scores; member bytes are fetched through [`Members`] only
//! to break score ties. Every inner node keeps, for each child, the number of
//! elements below it, so rank lookups, rank selection and counting the elements
//! before a bound are O(log n). Leaves are linked both ways for range walks.
//!
//! Separators are copies of keys (score and member bytes): `seps[i]` is a lower
//! bound of every key under child `i` and greater than every key under child
//! `i - 1`. A separator may outlive the element it was copied from; the bounds stay
//! valid. `seps[0]` is unused.

/// Marks "no node" in leaf links.
pub const NIL: u32 = u32::MAX;
const LEAF_CAP: usize = 64;
const INNER_CAP: usize = 64;
/// A leaf (or inner node) with fewer entries than this is merged into a sibling
/// when the two fit in one node.
const LEAF_MIN: usize = LEAF_CAP / 4;
const INNER_MIN: usize = INNER_CAP / 4;

/// Where the tree finds the bytes of a member id.
pub trait Members {
    /// The member bytes of `id`.
    fn member(&self, id: u32) -> &[u8];
}

/// A position in the tree: a leaf and an index in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    leaf: u32,
    idx: u32,
}

/// One end of a lexicographic range: a member or the `-` / `+` sentinels.
#[derive(Debug, Clone, Copy)]
pub enum LexItem<'a> {
    /// Smaller than every string (`-`).
    Min,
    /// Greater than every string (`+`).
    Max,
    /// A string.
    Str(&'a [u8]),
}

impl LexItem<'_> {
    /// Compares `member` with this item.
    pub fn cmp_member(&self, member: &[u8]) -> std::cmp::Ordering {
        use std::cmp::Ordering::*;
        match self {
            LexItem::Min => Greater,
            LexItem::Max => Less,
            LexItem::Str(s) => member.cmp(s),
        }
    }
}

/// A monotone predicate over the ordered elements: true for every element before
/// some boundary. Used to count the elements before a range bound.
#[derive(Debug, Clone, Copy)]
pub enum Probe<'a> {
    /// Keys before (`le`: up to and including) `(score, member)`.
    Key(f64, &'a [u8], bool),
    /// Scores below (`le`: up to and including) the value.
    Score(f64, bool),
    /// Members before (`le`: up to and including) the item, comparing members only
    /// (meaningful when all scores are equal, as with Redis).
    Lex(LexItem<'a>, bool),
}

impl Probe<'_> {
    /// True when the element `(score, member())` lies before the boundary.
    #[inline]
    fn before<'m>(&self, score: f64, member: impl FnOnce() -> &'m [u8]) -> bool {
        use std::cmp::Ordering::*;
        match *self {
            Probe::Score(s, le) => score < s || (le && score == s),
            Probe::Key(s, m, le) => {
                if score < s {
                    true
                } else if score > s {
                    false
                } else {
                    match member().cmp(m) {
                        Less => true,
                        Equal => le,
                        Greater => false,
                    }
                }
            }
            Probe::Lex(item, le) => match item.cmp_member(member()) {
                Less => true,
                Equal => le,
                Greater => false,
            },
        }
    }
}

#[derive(Clone)]
struct Leaf {
    len: u32,
    prev: u32,
    next: u32,
    scores: [f64; LEAF_CAP],
    ids: [u32; LEAF_CAP],
}

impl Leaf {
    fn empty() -> Leaf {
        Leaf {
            len: 0,
            prev: NIL,
            next: NIL,
            scores: [0.0; LEAF_CAP],
            ids: [0; LEAF_CAP],
        }
    }

    fn n(&self) -> usize {
        self.len as usize
    }

    fn insert(&mut self, pos: usize, score: f64, id: u32) {
        let n = self.n();
        self.scores.copy_within(pos..n, pos + 1);
        self.ids.copy_within(pos..n, pos + 1);
        self.scores[pos] = score;
        self.ids[pos] = id;
        self.len += 1;
    }

    fn remove(&mut self, pos: usize) -> (f64, u32) {
        let n = self.n();
        let out = (self.scores[pos], self.ids[pos]);
        self.scores.copy_within(pos + 1..n, pos);
        self.ids.copy_within(pos + 1..n, pos);
        self.len -= 1;
        out
    }

    /// Appends `other[from..]`.
    fn append_from(&mut self, other: &Leaf, from: usize) {
        let n = self.n();
        let m = other.n() - from;
        self.scores[n..n + m].copy_from_slice(&other.scores[from..other.n()]);
        self.ids[n..n + m].copy_from_slice(&other.ids[from..other.n()]);
        self.len += m as u32;
    }
}

#[derive(Clone, Default)]
struct Sep {
    score: f64,
    member: Box<[u8]>,
}

#[derive(Clone, Default)]
struct Inner {
    children: Vec<u32>,
    counts: Vec<usize>,
    seps: Vec<Sep>,
}

impl Inner {
    fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    fn remove_child(&mut self, j: usize) {
        self.children.remove(j);
        self.counts.remove(j);
        self.seps.remove(j);
    }

    /// The child holding the boundary of `probe`: the last child whose lower bound
    /// lies before it.
    fn child_for(&self, probe: &Probe<'_>) -> usize {
        // seps[1..] are increasing; find the count of leading separators before.
        let seps = &self.seps[1..];
        let (mut lo, mut hi) = (0usize, seps.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let s = &seps[mid];
            if probe.before(s.score, || &s.member) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }
}

/// The tree.
#[derive(Clone)]
pub struct Tree {
    leaves: Vec<Leaf>,
    free_leaves: Vec<u32>,
    inners: Vec<Inner>,
    free_inners: Vec<u32>,
    root: u32,
    /// Levels of inner nodes above the leaves (0: the root is a leaf).
    height: u32,
    len: usize,
    first: u32,
    last: u32,
}

impl Default for Tree {
    fn default() -> Self {
        Tree::new()
    }
}

impl Tree {
    /// An empty tree.
    pub fn new() -> Tree {
        Tree {
            leaves: vec![Leaf::empty()],
            free_leaves: Vec::new(),
            inners: Vec::new(),
            free_inners: Vec::new(),
            root: 0,
            height: 0,
            len: 0,
            first: 0,
            last: 0,
        }
    }

    /// Number of elements.
    #[inline]
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Approximate heap bytes.
    pub fn memory_usage(&self) -> usize {
        let seps: usize = self
            .inners
            .iter()
            .map(|i| i.seps.iter().map(|s| s.member.len()).sum::<usize>() + i.seps.capacity() * 24)
            .sum();
        self.leaves.capacity() * std::mem::size_of::<Leaf>()
            + self.inners.capacity() * std::mem::size_of::<Inner>()
            + self
                .inners
                .iter()
                .map(|i| i.children.capacity() * 4 + i.counts.capacity() * 8)
                .sum::<usize>()
            + seps
    }

    fn alloc_leaf(&mut self) -> u32 {
        match self.free_leaves.pop() {
            Some(id) => {
                self.leaves[id as usize] = Leaf::empty();
                id
            }
            None => {
                self.leaves.push(Leaf::empty());
                (self.leaves.len() - 1) as u32
            }
        }
    }

    fn alloc_inner(&mut self, inner: Inner) -> u32 {
        match self.free_inners.pop() {
            Some(id) => {
                self.inners[id as usize] = inner;
                id
            }
            None => {
                self.inners.push(inner);
                (self.inners.len() - 1) as u32
            }
        }
    }

    fn free_inner(&mut self, id: u32) {
        self.inners[id as usize] = Inner::default();
        self.free_inners.push(id);
    }

    fn leaf(&self, id: u32) -> &Leaf {
        &self.leaves[id as usize]
    }

    fn leaf_mut(&mut self, id: u32) -> &mut Leaf {
        &mut self.leaves[id as usize]
    }

    /// Removes a leaf from the leaf chain and frees it.
    fn unlink_leaf(&mut self, id: u32) {
        let (prev, next) = {
            let l = self.leaf(id);
            (l.prev, l.next)
        };
        if prev == NIL {
            self.first = next;
        } else {
            self.leaf_mut(prev).next = next;
        }
        if next == NIL {
            self.last = prev;
        } else {
            self.leaf_mut(next).prev = prev;
        }
        *self.leaf_mut(id) = Leaf::empty();
        self.free_leaves.push(id);
    }

    /// Links `new` right after `after`.
    fn link_after(&mut self, after: u32, new: u32) {
        let next = self.leaf(after).next;
        {
            let n = self.leaf_mut(new);
            n.prev = after;
            n.next = next;
        }
        self.leaf_mut(after).next = new;
        if next == NIL {
            self.last = new;
        } else {
            self.leaf_mut(next).prev = new;
        }
    }

    /// Inserts an element; the key must not be present.
    pub fn insert<M: Members + ?Sized>(&mut self, score: f64, id: u32, m: &M) {
        let member = m.member(id);
        let probe = Probe::Key(score, member, false);
        let mut path: Vec<(u32, usize)> = Vec::with_capacity(self.height as usize);
        let mut node = self.root;
        for _ in 0..self.height {
            let inner = &mut self.inners[node as usize];
            let j = inner.child_for(&Probe::Key(score, member, true));
            inner.counts[j] += 1;
            path.push((node, j));
            node = inner.children[j];
        }
        let leaf_id = node;
        let pos = {
            let leaf = self.leaf(leaf_id);
            partition(leaf, &probe, m)
        };
        self.len += 1;
        if self.leaf(leaf_id).n() < LEAF_CAP {
            self.leaf_mut(leaf_id).insert(pos, score, id);
            return;
        }
        // Split the full leaf.
        let right = self.alloc_leaf();
        let (left_leaf, right_leaf) = two_mut(&mut self.leaves, leaf_id, right);
        if left_leaf.next == NIL && pos == LEAF_CAP {
            right_leaf.insert(0, score, id);
        } else if left_leaf.prev == NIL && pos == 0 {
            right_leaf.append_from(left_leaf, 0);
            left_leaf.len = 0;
            left_leaf.insert(0, score, id);
        } else {
            let mid = LEAF_CAP / 2;
            right_leaf.append_from(left_leaf, mid);
            left_leaf.len = mid as u32;
            if pos <= mid {
                left_leaf.insert(pos, score, id);
            } else {
                right_leaf.insert(pos - mid, score, id);
            }
        }
        let left_n = left_leaf.n();
        let right_n = right_leaf.n();
        let sep = Sep {
            score: right_leaf.scores[0],
            member: m.member(right_leaf.ids[0]).into(),
        };
        self.link_after(leaf_id, right);
        self.insert_child(&path, leaf_id, right, sep, left_n, right_n);
    }

    /// After `left` (at the bottom of `path`) was split, adds `right` next to it in
    /// its parent, splitting inner nodes upwards as needed.
    fn insert_child(
        &mut self,
        path: &[(u32, usize)],
        left: u32,
        right: u32,
        sep: Sep,
        left_n: usize,
        right_n: usize,
    ) {
        let (mut left, mut right, mut sep, mut left_n, mut right_n) =
            (left, right, sep, left_n, right_n);
        for depth in (0..path.len()).rev() {
            let (pid, j) = path[depth];
            let inner = &mut self.inners[pid as usize];
            inner.counts[j] = left_n;
            inner.children.insert(j + 1, right);
            inner.counts.insert(j + 1, right_n);
            inner.seps.insert(j + 1, sep);
            if inner.children.len() <= INNER_CAP {
                return;
            }
            let n = inner.children.len();
            let k = if j + 1 == n - 1 { n - 1 } else { n / 2 };
            let mut new = Inner {
                children: inner.children.split_off(k),
                counts: inner.counts.split_off(k),
                seps: inner.seps.split_off(k),
            };
            sep = std::mem::take(&mut new.seps[0]);
            left_n = inner.total();
            right_n = new.total();
            left = pid;
            right = self.alloc_inner(new);
        }
        // The root was split: grow a level.
        let root = Inner {
            children: vec![left, right],
            counts: vec![left_n, right_n],
            seps: vec![Sep::default(), sep],
        };
        self.root = self.alloc_inner(root);
        self.height += 1;
    }

    /// Removes the element `(score, member)`; returns its id.
    pub fn remove<M: Members + ?Sized>(&mut self, score: f64, member: &[u8], m: &M) -> Option<u32> {
        let mut path: Vec<(u32, usize)> = Vec::with_capacity(self.height as usize);
        let mut node = self.root;
        for _ in 0..self.height {
            let inner = &self.inners[node as usize];
            let j = inner.child_for(&Probe::Key(score, member, true));
            path.push((node, j));
            node = inner.children[j];
        }
        let leaf = self.leaf(node);
        let pos = partition(leaf, &Probe::Key(score, member, false), m);
        if pos >= leaf.n() || leaf.scores[pos] != score || m.member(leaf.ids[pos]) != member {
            return None;
        }
        Some(self.remove_at_path(&path, node, pos).1)
    }

    /// Removes the element at rank `rank`.
    pub fn remove_rank(&mut self, rank: usize) -> Option<(f64, u32)> {
        if rank >= self.len {
            return None;
        }
        let mut path: Vec<(u32, usize)> = Vec::with_capacity(self.height as usize);
        let mut node = self.root;
        let mut r = rank;
        for _ in 0..self.height {
            let inner = &self.inners[node as usize];
            let mut j = 0;
            while j + 1 < inner.counts.len() && r >= inner.counts[j] {
                r -= inner.counts[j];
                j += 1;
            }
            path.push((node, j));
            node = inner.children[j];
        }
        if r >= self.leaf(node).n() {
            return None;
        }
        Some(self.remove_at_path(&path, node, r))
    }

    fn remove_at_path(&mut self, path: &[(u32, usize)], leaf_id: u32, pos: usize) -> (f64, u32) {
        for &(pid, j) in path {
            self.inners[pid as usize].counts[j] -= 1;
        }
        let out = self.leaf_mut(leaf_id).remove(pos);
        self.len -= 1;
        if path.is_empty() {
            return out;
        }
        // Rebalance bottom-up.
        let depth = path.len() - 1;
        let (pid, j) = path[depth];
        let n = self.leaf(leaf_id).n();
        if n == 0 {
            self.unlink_leaf(leaf_id);
            self.inners[pid as usize].remove_child(j);
        } else if n < LEAF_MIN {
            self.merge_leaf(pid, j);
        }
        for d in (1..=depth).rev() {
            let (node, _) = path[d];
            let (parent, pj) = path[d - 1];
            let len = self.inners[node as usize].children.len();
            if len == 0 {
                self.free_inner(node);
                self.inners[parent as usize].remove_child(pj);
            } else if len < INNER_MIN {
                self.merge_inner(parent, pj);
            }
        }
        self.shrink_root();
        out
    }

    /// Collapses roots with a single child (and resets an emptied tree).
    fn shrink_root(&mut self) {
        while self.height > 0 {
            let root = &self.inners[self.root as usize];
            match root.children.len() {
                1 => {
                    let child = root.children[0];
                    self.free_inner(self.root);
                    self.root = child;
                    self.height -= 1;
                }
                0 => {
                    // Every leaf is gone: start over with one empty leaf.
                    *self = Tree::new();
                    return;
                }
                _ => return,
            }
        }
    }

    /// Merges leaf child `j` of `pid` with a neighbour when they fit in one leaf.
    fn merge_leaf(&mut self, pid: u32, j: usize) {
        let inner = &self.inners[pid as usize];
        let (a, b) = if j > 0 && self.fits_leaves(inner.children[j - 1], inner.children[j]) {
            (j - 1, j)
        } else if j + 1 < inner.children.len()
            && self.fits_leaves(inner.children[j], inner.children[j + 1])
        {
            (j, j + 1)
        } else {
            return;
        };
        let (left, right) = (inner.children[a], inner.children[b]);
        let (l, r) = two_mut(&mut self.leaves, left, right);
        l.append_from(r, 0);
        self.unlink_leaf(right);
        let inner = &mut self.inners[pid as usize];
        inner.counts[a] += inner.counts[b];
        inner.remove_child(b);
    }

    fn fits_leaves(&self, a: u32, b: u32) -> bool {
        self.leaf(a).n() + self.leaf(b).n() <= LEAF_CAP
    }

    /// Merges inner child `j` of `gp` with a neighbour when they fit in one node.
    fn merge_inner(&mut self, gp: u32, j: usize) {
        let parent = &self.inners[gp as usize];
        let len = |id: u32| self.inners[id as usize].children.len();
        let (a, b) = if j > 0 && len(parent.children[j - 1]) + len(parent.children[j]) <= INNER_CAP
        {
            (j - 1, j)
        } else if j + 1 < parent.children.len()
            && len(parent.children[j]) + len(parent.children[j + 1]) <= INNER_CAP
        {
            (j, j + 1)
        } else {
            return;
        };
        let (left, right) = (parent.children[a], parent.children[b]);
        let bound = std::mem::take(&mut self.inners[gp as usize].seps[b]);
        let mut moved = std::mem::take(&mut self.inners[right as usize]);
        if let Some(first) = moved.seps.first_mut() {
            *first = bound;
        }
        let l = &mut self.inners[left as usize];
        l.children.append(&mut moved.children);
        l.counts.append(&mut moved.counts);
        l.seps.append(&mut moved.seps);
        self.free_inner(right);
        let p = &mut self.inners[gp as usize];
        p.counts[a] += p.counts[b];
        p.remove_child(b);
    }

    /// The number of elements before the boundary of `probe`.
    pub fn count_before<M: Members + ?Sized>(&self, probe: &Probe<'_>, m: &M) -> usize {
        self.locate(probe, m).0
    }

    /// The number of elements before the boundary of `probe`, and the position of
    /// the first element after it (`None` past the end).
    pub fn locate<M: Members + ?Sized>(&self, probe: &Probe<'_>, m: &M) -> (usize, Option<Pos>) {
        let mut node = self.root;
        let mut before = 0usize;
        for _ in 0..self.height {
            let inner = &self.inners[node as usize];
            let j = inner.child_for(probe);
            before += inner.counts[..j].iter().sum::<usize>();
            node = inner.children[j];
        }
        let leaf = self.leaf(node);
        let idx = partition(leaf, probe, m);
        let pos = self.normalize(Pos {
            leaf: node,
            idx: idx as u32,
        });
        (before + idx, pos)
    }

    /// Turns a one-past-the-end index in a leaf into the next leaf's first element.
    fn normalize(&self, mut pos: Pos) -> Option<Pos> {
        loop {
            let leaf = self.leaf(pos.leaf);
            if (pos.idx as usize) < leaf.n() {
                return Some(pos);
            }
            if leaf.next == NIL {
                return None;
            }
            pos = Pos {
                leaf: leaf.next,
                idx: 0,
            };
        }
    }

    /// The position of the element at `rank`.
    pub fn select(&self, rank: usize) -> Option<Pos> {
        if rank >= self.len {
            return None;
        }
        let mut node = self.root;
        let mut r = rank;
        for _ in 0..self.height {
            let inner = &self.inners[node as usize];
            let mut j = 0;
            while j + 1 < inner.counts.len() && r >= inner.counts[j] {
                r -= inner.counts[j];
                j += 1;
            }
            node = inner.children[j];
        }
        (r < self.leaf(node).n()).then_some(Pos {
            leaf: node,
            idx: r as u32,
        })
    }

    /// The element at a position.
    #[inline]
    pub fn get(&self, pos: Pos) -> (f64, u32) {
        let leaf = self.leaf(pos.leaf);
        let i = pos.idx as usize;
        (leaf.scores[i], leaf.ids[i])
    }

    /// The position after `pos`.
    #[inline]
    pub fn next(&self, pos: Pos) -> Option<Pos> {
        self.normalize(Pos {
            leaf: pos.leaf,
            idx: pos.idx + 1,
        })
    }

    /// The position before `pos`.
    #[inline]
    pub fn prev(&self, pos: Pos) -> Option<Pos> {
        if pos.idx > 0 {
            return Some(Pos {
                leaf: pos.leaf,
                idx: pos.idx - 1,
            });
        }
        let mut leaf = self.leaf(pos.leaf).prev;
        while leaf != NIL {
            let l = self.leaf(leaf);
            if l.len > 0 {
                return Some(Pos {
                    leaf,
                    idx: l.len - 1,
                });
            }
            leaf = l.prev;
        }
        None
    }

    /// The first element's position.
    pub fn first(&self) -> Option<Pos> {
        self.normalize(Pos {
            leaf: self.first,
            idx: 0,
        })
    }

    /// The last element's position.
    pub fn last(&self) -> Option<Pos> {
        let l = self.leaf(self.last);
        if l.len > 0 {
            Some(Pos {
                leaf: self.last,
                idx: l.len - 1,
            })
        } else {
            None
        }
    }

    /// Builds a tree from elements already in ascending order.
    pub fn from_sorted<M: Members + ?Sized>(items: &[(f64, u32)], m: &M) -> Tree {
        let mut t = Tree::new();
        if items.is_empty() {
            return t;
        }
        t.leaves.clear();
        // Fill leaves to 7/8 so a few inserts do not split at once.
        let per_leaf = LEAF_CAP - LEAF_CAP / 8;
        let mut level: Vec<(u32, usize, Sep)> = Vec::new();
        for chunk in items.chunks(per_leaf) {
            let mut leaf = Leaf::empty();
            for (i, &(s, id)) in chunk.iter().enumerate() {
                leaf.scores[i] = s;
                leaf.ids[i] = id;
            }
            leaf.len = chunk.len() as u32;
            let id = t.leaves.len() as u32;
            if let Some(prev) = id.checked_sub(1) {
                leaf.prev = prev;
                t.leaves[prev as usize].next = id;
            }
            t.leaves.push(leaf);
            let sep = Sep {
                score: chunk[0].0,
                member: m.member(chunk[0].1).into(),
            };
            level.push((id, chunk.len(), sep));
        }
        t.first = 0;
        t.last = (t.leaves.len() - 1) as u32;
        t.len = items.len();
        let per_inner = INNER_CAP - INNER_CAP / 8;
        while level.len() > 1 {
            let mut up = Vec::with_capacity(level.len() / per_inner + 1);
            let mut iter = level.into_iter().peekable();
            while iter.peek().is_some() {
                let mut inner = Inner::default();
                let mut first_sep = None;
                for (i, (child, count, sep)) in iter.by_ref().take(per_inner).enumerate() {
                    inner.children.push(child);
                    inner.counts.push(count);
                    if i == 0 {
                        first_sep = Some(sep);
                        inner.seps.push(Sep::default());
                    } else {
                        inner.seps.push(sep);
                    }
                }
                let total = inner.total();
                let id = t.alloc_inner(inner);
                up.push((id, total, first_sep.unwrap_or_default()));
            }
            level = up;
            t.height += 1;
        }
        t.root = level.first().map_or(0, |l| l.0);
        t
    }

    /// Checks every structural invariant (tests only).
    #[cfg(test)]
    pub fn check<M: Members + ?Sized>(&self, m: &M) {
        let (count, _, _) = self.check_node(self.root, self.height, m);
        assert_eq!(count, self.len);
        // Leaf chain covers everything in order.
        let mut n = 0;
        let mut pos = self.first();
        let mut prev: Option<(f64, Vec<u8>)> = None;
        while let Some(p) = pos {
            let (s, id) = self.get(p);
            let cur = (s, m.member(id).to_vec());
            if let Some(pr) = &prev {
                assert!(pr.0 < cur.0 || (pr.0 == cur.0 && pr.1 < cur.1), "order");
            }
            prev = Some(cur);
            n += 1;
            pos = self.next(p);
        }
        assert_eq!(n, self.len);
    }

    #[cfg(test)]
    fn check_node<M: Members + ?Sized>(
        &self,
        node: u32,
        height: u32,
        m: &M,
    ) -> (usize, Option<OwnedKey>, Option<OwnedKey>) {
        if height == 0 {
            let l = self.leaf(node);
            let first = (l.len > 0).then(|| (l.scores[0], m.member(l.ids[0]).to_vec()));
            let last = (l.len > 0).then(|| {
                let i = l.n() - 1;
                (l.scores[i], m.member(l.ids[i]).to_vec())
            });
            return (l.n(), first, last);
        }
        let inner = &self.inners[node as usize];
        assert!(!inner.children.is_empty());
        assert_eq!(inner.children.len(), inner.counts.len());
        assert_eq!(inner.children.len(), inner.seps.len());
        let mut total = 0;
        let mut first = None;
        let mut last: Option<(f64, Vec<u8>)> = None;
        for (i, &c) in inner.children.iter().enumerate() {
            let (n, f, l) = self.check_node(c, height - 1, m);
            assert_eq!(n, inner.counts[i], "count");
            total += n;
            if i > 0 {
                let s = &inner.seps[i];
                let key = (s.score, s.member.to_vec());
                if let Some(f) = &f {
                    assert!(
                        key.0 < f.0 || (key.0 == f.0 && key.1 <= f.1),
                        "sep <= first"
                    );
                }
                if let Some(pl) = &last {
                    assert!(
                        pl.0 < key.0 || (pl.0 == key.0 && pl.1 < key.1),
                        "prev < sep"
                    );
                }
            }
            if first.is_none() {
                first = f;
            }
            if l.is_some() {
                last = l;
            }
        }
        (total, first, last)
    }
}

/// A copied (score, member) key (invariant checks).
#[cfg(test)]
type OwnedKey = (f64, Vec<u8>);

/// The number of leading elements of `leaf` that lie before the probe's boundary.
fn partition<M: Members + ?Sized>(leaf: &Leaf, probe: &Probe<'_>, m: &M) -> usize {
    let (mut lo, mut hi) = (0usize, leaf.n());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if probe.before(leaf.scores[mid], || m.member(leaf.ids[mid])) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// Two distinct elements of a slice, mutably.
fn two_mut<T>(v: &mut [T], a: u32, b: u32) -> (&mut T, &mut T) {
    let (a, b) = (a as usize, b as usize);
    debug_assert_ne!(a, b);
    if a < b {
        let (x, y) = v.split_at_mut(b);
        (&mut x[a], &mut y[0])
    } else {
        let (x, y) = v.split_at_mut(a);
        (&mut y[0], &mut x[b])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::rngs::SmallRng;
    use rand::{Rng, SeedableRng};

    struct Names(Vec<Vec<u8>>);

    impl Members for Names {
        fn member(&self, id: u32) -> &[u8] {
            &self.0[id as usize]
        }
    }

    fn collect(t: &Tree, m: &Names) -> Vec<(f64, Vec<u8>)> {
        let mut out = Vec::new();
        let mut pos = t.first();
        while let Some(p) = pos {
            let (s, id) = t.get(p);
            out.push((s, m.member(id).to_vec()));
            pos = t.next(p);
        }
        out
    }

    #[test]
    fn random_inserts_removes_ranks_against_a_model() {
        let mut rng = SmallRng::seed_from_u64(7);
        let names = Names((0..5000u32).map(|i| format!("m{i}").into_bytes()).collect());
        let mut t = Tree::new();
        let mut model: Vec<(f64, Vec<u8>, u32)> = Vec::new();
        let mut present = vec![None::<f64>; 5000];
        for step in 0..40_000 {
            let id = rng.gen_range(0..5000u32);
            match present[id as usize] {
                None => {
                    let score = f64::from(rng.gen_range(0..300)) / 4.0;
                    t.insert(score, id, &names);
                    present[id as usize] = Some(score);
                    model.push((score, names.0[id as usize].clone(), id));
                }
                Some(score) => {
                    if rng.gen_bool(0.3) {
                        let r = rng.gen_range(0..t.len());
                        let (s, rid) = t.remove_rank(r).expect("rank");
                        model.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                        assert_eq!(model[r].2, rid);
                        assert_eq!(model[r].0, s);
                        model.remove(r);
                        present[rid as usize] = None;
                    } else {
                        let got = t.remove(score, &names.0[id as usize], &names);
                        assert_eq!(got, Some(id));
                        present[id as usize] = None;
                        model.retain(|e| e.2 != id);
                    }
                }
            }
            if step % 997 == 0 {
                t.check(&names);
                model.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let flat: Vec<(f64, Vec<u8>)> = model.iter().map(|e| (e.0, e.1.clone())).collect();
                assert_eq!(collect(&t, &names), flat);
                for (rank, e) in model.iter().enumerate().step_by(37) {
                    let probe = Probe::Key(e.0, &e.1, false);
                    assert_eq!(t.count_before(&probe, &names), rank);
                    let p = t.select(rank).expect("select");
                    assert_eq!(t.get(p).1, e.2);
                }
                let s = 20.0;
                let below = model.iter().filter(|e| e.0 < s).count();
                assert_eq!(t.count_before(&Probe::Score(s, false), &names), below);
                let upto = model.iter().filter(|e| e.0 <= s).count();
                assert_eq!(t.count_before(&Probe::Score(s, true), &names), upto);
            }
        }
        // Drain everything.
        while let Some(p) = t.first() {
            let (s, id) = t.get(p);
            let member = names.0[id as usize].clone();
            assert_eq!(t.remove(s, &member, &names), Some(id));
        }
        assert!(t.is_empty());
        t.check(&names);
    }

    #[test]
    fn sequential_inserts_fill_leaves_and_bulk_build_matches() {
        let names = Names(
            (0..20_000u32)
                .map(|i| format!("k{i:06}").into_bytes())
                .collect(),
        );
        let mut t = Tree::new();
        for i in 0..20_000u32 {
            t.insert(f64::from(i), i, &names);
        }
        t.check(&names);
        // Appending keeps leaves (almost) full.
        assert!(
            t.leaves.len() <= 20_000 / LEAF_CAP + 2,
            "{}",
            t.leaves.len()
        );
        let items: Vec<(f64, u32)> = (0..20_000u32).map(|i| (f64::from(i), i)).collect();
        let b = Tree::from_sorted(&items, &names);
        b.check(&names);
        assert_eq!(collect(&b, &names), collect(&t, &names));
        let mut b = b;
        for i in (0..20_000u32).step_by(3) {
            assert_eq!(
                b.remove(f64::from(i), &names.0[i as usize], &names),
                Some(i)
            );
        }
        b.check(&names);
        // Reverse walk.
        let mut n = 0;
        let mut pos = b.last();
        while let Some(p) = pos {
            n += 1;
            pos = b.prev(p);
        }
        assert_eq!(n, b.len());
        let probe = Probe::Lex(LexItem::Str(b"k010000"), false);
        let all_equal = Names(names.0.clone());
        let mut lex = Tree::new();
        for i in 0..20_000u32 {
            lex.insert(0.0, i, &all_equal);
        }
        assert_eq!(lex.count_before(&probe, &all_equal), 10_000);
        assert_eq!(
            lex.count_before(&Probe::Lex(LexItem::Max, false), &all_equal),
            20_000
        );
        assert_eq!(
            lex.count_before(&Probe::Lex(LexItem::Min, true), &all_equal),
            0
        );
    }
}
