//! Partial quicksort for SORT ... BY ... LIMIT.
//!
//! With a BY pattern and a LIMIT that does not cover every element, Redis sorts
//! with a partial quicksort: the Bentley–McIlroy three-way quicksort ("Engineering
//! a Sort Function", 1993: median of three or ninther pivot, equal keys gathered
//! at both ends then swapped to the middle, insertion sort below 7 elements;
//! without the "nothing swapped: finish by insertion sort" shortcut, which Redis
//! dropped for its quadratic worst case) that skips the partitions lying wholly
//! outside the requested range. The elements in the range end up where a full
//! sort would put them, but elements that compare equal may come out in another
//! order than a stable sort gives, so SORT must use this very algorithm to answer
//! like Redis when ALPHA sort keys tie.

use std::cmp::Ordering;

/// Arrays shorter than this are insertion-sorted.
const SMALL: usize = 7;
/// Above this size the pivot is a ninther (median of three medians).
const NINTHER: usize = 40;

/// Orders `v` so that positions `lo..=hi` hold what a full sort by `cmp` would
/// put there (`hi < lo` selects nothing, but partitions touching `lo` are still
/// sorted, as Redis does). Positions may be out of bounds.
pub fn partial_sort<T>(v: &mut [T], lo: i64, hi: i64, cmp: &mut impl FnMut(&T, &T) -> Ordering) {
    // Pending sub-arrays as (start, len). Disjoint sub-arrays are independent, so
    // the order they are processed in does not change the result.
    let mut pending: Vec<(usize, usize)> = vec![(0, v.len())];
    while let Some((start, len)) = pending.pop() {
        let Some(part) = v.get_mut(start..start + len) else {
            continue;
        };
        let Some((left, right)) = partition(part, cmp) else {
            continue;
        };
        if left > 1 && overlaps(start, left, lo, hi) {
            pending.push((start, left));
        }
        if right > 1 && overlaps(start + len - right, right, lo, hi) {
            pending.push((start + len - right, right));
        }
    }
}

/// True unless the range `lo..=hi` lies wholly before or wholly after the
/// sub-array of `len` elements at `start`.
fn overlaps(start: usize, len: usize, lo: i64, hi: i64) -> bool {
    let first = start as i64;
    let last = first + len as i64 - 1;
    !((lo < first && hi < first) || (lo > last && hi > last))
}

/// One partitioning step. Returns the sizes of the "less" part (moved to the
/// front) and the "greater" part (moved to the back), or `None` when the array was
/// small enough to finish by insertion sort.
fn partition<T>(a: &mut [T], cmp: &mut impl FnMut(&T, &T) -> Ordering) -> Option<(usize, usize)> {
    let n = a.len();
    if n < SMALL {
        insertion_sort(a, cmp);
        return None;
    }
    let mut pm = n / 2;
    if n > SMALL {
        let mut pl = 0;
        let mut pn = n - 1;
        if n > NINTHER {
            let d = n / 8;
            pl = median3(a, pl, pl + d, pl + 2 * d, cmp);
            pm = median3(a, pm - d, pm, pm + d, cmp);
            pn = median3(a, pn - 2 * d, pn - d, pn, cmp);
        }
        pm = median3(a, pl, pm, pn, cmp);
    }
    a.swap(0, pm);
    // a[0] is the pivot. Invariant: a[1..pa] and a[pd+1..n] equal it, a[pa..pb]
    // is less, a[pc+1..=pd] is greater.
    let (mut pa, mut pb) = (1usize, 1usize);
    let (mut pc, mut pd) = (n - 1, n - 1);
    loop {
        while pb <= pc {
            let c = cmp(&a[pb], &a[0]);
            if c == Ordering::Greater {
                break;
            }
            if c == Ordering::Equal {
                a.swap(pa, pb);
                pa += 1;
            }
            pb += 1;
        }
        while pb <= pc {
            let c = cmp(&a[pc], &a[0]);
            if c == Ordering::Less {
                break;
            }
            if c == Ordering::Equal {
                a.swap(pc, pd);
                pd -= 1;
            }
            pc -= 1;
        }
        if pb > pc {
            break;
        }
        a.swap(pb, pc);
        pb += 1;
        pc -= 1;
    }
    let r = pa.min(pb - pa);
    swap_blocks(a, 0, pb - r, r);
    let r = (pd - pc).min(n - pd - 1);
    swap_blocks(a, pb, n - r, r);
    Some((pb - pa, pd - pc))
}

/// Swaps `a[i..i + n]` with `a[j..j + n]` (non-overlapping), element by element.
fn swap_blocks<T>(a: &mut [T], i: usize, j: usize, n: usize) {
    for k in 0..n {
        a.swap(i + k, j + k);
    }
}

/// The index of the median of three elements, as Bentley and McIlroy pick it.
fn median3<T>(
    a: &[T],
    i: usize,
    j: usize,
    k: usize,
    cmp: &mut impl FnMut(&T, &T) -> Ordering,
) -> usize {
    if cmp(&a[i], &a[j]) == Ordering::Less {
        if cmp(&a[j], &a[k]) == Ordering::Less {
            j
        } else if cmp(&a[i], &a[k]) == Ordering::Less {
            k
        } else {
            i
        }
    } else if cmp(&a[j], &a[k]) == Ordering::Greater {
        j
    } else if cmp(&a[i], &a[k]) == Ordering::Less {
        i
    } else {
        k
    }
}

/// Straight insertion sort by adjacent swaps (stable).
fn insertion_sort<T>(a: &mut [T], cmp: &mut impl FnMut(&T, &T) -> Ordering) {
    for m in 1..a.len() {
        let mut l = m;
        while l > 0 && cmp(&a[l - 1], &a[l]) == Ordering::Greater {
            a.swap(l, l - 1);
            l -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lcg(seed: &mut u64) -> u64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        *seed >> 33
    }

    #[test]
    fn range_matches_full_sort() {
        let mut seed = 7;
        for n in [0usize, 1, 5, 7, 8, 40, 41, 100, 1000] {
            for _ in 0..20 {
                let orig: Vec<u64> = (0..n).map(|_| lcg(&mut seed) % 50).collect();
                let mut full = orig.clone();
                full.sort();
                let lo = (lcg(&mut seed) % (n as u64 + 2)) as i64 - 1;
                let hi = lo + (lcg(&mut seed) % 20) as i64;
                let mut v = orig.clone();
                partial_sort(&mut v, lo, hi, &mut |a, b| a.cmp(b));
                for i in lo.max(0)..=hi.min(n as i64 - 1) {
                    assert_eq!(v[i as usize], full[i as usize], "n={n} lo={lo} hi={hi}");
                }
                let mut rest = v.clone();
                rest.sort();
                assert_eq!(rest, full, "a permutation");
            }
        }
    }

    #[test]
    fn inconsistent_comparator_stays_in_bounds() {
        // Indices are guarded by the partition loops themselves, whatever the
        // comparator answers: no panic, and the result is a permutation.
        let mut seed = 11;
        for n in [8usize, 41, 300] {
            let mut v: Vec<usize> = (0..n).collect();
            partial_sort(&mut v, 3, 20, &mut |_, _| match lcg(&mut seed) % 3 {
                0 => Ordering::Less,
                1 => Ordering::Equal,
                _ => Ordering::Greater,
            });
            v.sort_unstable();
            assert!(v.iter().enumerate().all(|(i, &x)| i == x));
        }
    }

    #[test]
    fn whole_range_sorts() {
        let mut v: Vec<i32> = (0..500).map(|i| (i * 7919) % 503).collect();
        let n = v.len() as i64;
        partial_sort(&mut v, 0, n - 1, &mut |a, b| a.cmp(b));
        assert!(v.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn ties_are_not_stable() {
        // Equal keys, distinguishable payloads: the quicksort moves them around
        // (this is the behaviour SORT ... BY ... ALPHA LIMIT has to reproduce).
        let mut v: Vec<(u8, usize)> = (0..10).map(|i| (u8::from(i % 3 == 0), i)).collect();
        partial_sort(&mut v, 0, 3, &mut |a, b| a.0.cmp(&b.0));
        let keys: Vec<u8> = v.iter().map(|p| p.0).collect();
        assert_eq!(&keys[..4], &[0, 0, 0, 0]);
    }
}
