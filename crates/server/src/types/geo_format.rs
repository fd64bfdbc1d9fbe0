//! Printing and ordering of GEO results, digit for digit and tie for tie as
//! Redis 7.2 does them.
//!
//! * Distances: [`format_distance`], Redis 7.2's fixed-point printing with
//!   four decimals (the value times 10^4 rounded half-to-even, as `llrint`).
//! * Coordinates: [`format_coord`], `%.17Lf` of the (exactly widened) double
//!   with trailing zeros removed, as Redis's human-readable long doubles.
//! * [`format_fixed`]: C's `%.Nf` (exact decimal expansion, rounded half to
//!   even), used in the coordinate-range error message.
//! * Sorting: a full sort is C's `qsort`, which in glibc is a stable top-down
//!   merge sort ([`sort_full`]); when COUNT keeps fewer results than were
//!   found Redis uses its own partial quicksort (Bentley–McIlroy three-way
//!   partitioning, without the "no swaps: insertion sort" shortcut, skipping
//!   partitions outside the range of interest, [`sort_partial`]), which
//!   orders equal distances its own way.
//!   Both are reproduced so ties come out in the same order.

use std::cmp::Ordering;

use num_bigint::BigUint;

use super::geohash::c_to_i64;

/// A distance as GEODIST / WITHDIST print it: four decimals.
pub fn format_distance(d: f64) -> String {
    if d == 0.0 {
        return "0.0000".to_string();
    }
    let scaled = c_to_i64((d * 10000.0).round_ties_even());
    let sign = if scaled < 0 { "-" } else { "" };
    let v = scaled.unsigned_abs();
    format!("{sign}{}.{:04}", v / 10000, v % 10000)
}

/// A coordinate as GEOPOS / WITHCOORD print it: `%.17Lf` without trailing
/// zeros (and without a trailing dot; `-0` is `0`).
pub fn format_coord(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_string();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.to_string();
    }
    let mut s = format_fixed(x, 17);
    if s.contains('.') {
        let trimmed = s.trim_end_matches('0').trim_end_matches('.').len();
        s.truncate(trimmed);
    }
    if s == "-0" {
        s = "0".to_string();
    }
    s
}

/// C's `printf("%.*f", digits, x)`: the exact value rounded half to even.
pub fn format_fixed(x: f64, digits: usize) -> String {
    if x.is_nan() {
        return if x.is_sign_negative() { "-nan" } else { "nan" }.to_string();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.to_string();
    }
    let bits = x.abs().to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (mant, exp) = if biased == 0 {
        (frac, -1074i64)
    } else {
        (frac | (1u64 << 52), biased - 1075)
    };
    let digits_u32 = u32::try_from(digits).unwrap_or(u32::MAX);
    // value * 10^digits, rounded half to even, as a decimal string.
    let scaled = scaled_decimal(mant, exp, digits_u32);
    let mut text = scaled;
    if text.len() <= digits {
        let pad = digits + 1 - text.len();
        text.insert_str(0, &"0".repeat(pad));
    }
    let point = text.len() - digits;
    let (int_part, frac_part) = text.split_at(point);
    let mut out = String::with_capacity(text.len() + 2);
    if x.is_sign_negative() {
        out.push('-');
    }
    out.push_str(int_part);
    if digits > 0 {
        out.push('.');
        out.push_str(frac_part);
    }
    out
}

/// `mant * 2^exp * 10^digits` rounded half to even, in decimal.
fn scaled_decimal(mant: u64, exp: i64, digits: u32) -> String {
    if exp < 0 && digits <= 19 {
        let shift = exp.unsigned_abs();
        let n = u128::from(mant) * 10u128.pow(digits);
        if shift >= 128 {
            // n < 2^117, far below half of 2^shift.
            return "0".to_string();
        }
        let q = n >> shift;
        let rem = n - (q << shift);
        let half = 1u128 << (shift - 1);
        let q = if rem > half || (rem == half && q & 1 == 1) {
            q + 1
        } else {
            q
        };
        return q.to_string();
    }
    let n = BigUint::from(mant) * BigUint::from(10u32).pow(digits);
    if exp >= 0 {
        return (n << exp.unsigned_abs()).to_string();
    }
    let shift = exp.unsigned_abs();
    let q = &n >> shift;
    let rem = &n - (&q << shift);
    let half = BigUint::from(1u32) << (shift - 1);
    let odd = q.bit(0);
    let q = if rem > half || (rem == half && odd) {
        q + 1u32
    } else {
        q
    };
    q.to_string()
}

/// Redis's distance comparator: greater, equal, otherwise less (so a NaN
/// compares "less" than anything, as in C).
pub fn cmp_dist(a: f64, b: f64) -> Ordering {
    if a > b {
        Ordering::Greater
    } else if a == b {
        Ordering::Equal
    } else {
        Ordering::Less
    }
}

/// Sorts the whole vector as glibc's `qsort` does (a stable top-down merge
/// sort whose left half is the smaller one).
pub fn sort_full<T>(items: Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) -> Vec<T> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    let mut tmp = Vec::with_capacity(items.len());
    merge_sort(
        &mut order,
        &mut tmp,
        &|a, b| match (items.get(a), items.get(b)) {
            (Some(x), Some(y)) => cmp(x, y),
            _ => Ordering::Equal,
        },
    );
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect()
}

fn merge_sort(idx: &mut [usize], tmp: &mut Vec<usize>, cmp: &dyn Fn(usize, usize) -> Ordering) {
    let n = idx.len();
    if n <= 1 {
        return;
    }
    let (left, right) = idx.split_at_mut(n / 2);
    merge_sort(left, tmp, cmp);
    merge_sort(right, tmp, cmp);
    tmp.clear();
    let (mut i, mut j) = (0, 0);
    while let (Some(&a), Some(&b)) = (left.get(i), right.get(j)) {
        if cmp(a, b) != Ordering::Greater {
            tmp.push(a);
            i += 1;
        } else {
            tmp.push(b);
            j += 1;
        }
    }
    tmp.extend_from_slice(left.get(i..).unwrap_or(&[]));
    // What is left of the right half is already in place.
    let done = tmp.len();
    if let Some(dst) = idx.get_mut(..done) {
        dst.copy_from_slice(tmp);
    }
}

/// Sorts enough of `items` that positions `lo..=hi` hold what a full sort
/// would put there, in the exact order Redis's partial quicksort leaves them
/// (equal elements included). Positions outside the range are unspecified.
pub fn sort_partial<T>(items: &mut [T], lo: usize, hi: usize, cmp: impl Fn(&T, &T) -> Ordering) {
    let n = items.len();
    let mut s = PartialSort {
        v: items,
        cmp: &cmp,
        lo,
        hi,
    };
    s.run(0, n);
}

struct PartialSort<'a, T, F: Fn(&T, &T) -> Ordering> {
    v: &'a mut [T],
    cmp: &'a F,
    /// First position of interest.
    lo: usize,
    /// Last position of interest.
    hi: usize,
}

impl<T, F: Fn(&T, &T) -> Ordering> PartialSort<'_, T, F> {
    fn c(&self, a: usize, b: usize) -> Ordering {
        match (self.v.get(a), self.v.get(b)) {
            (Some(x), Some(y)) => (self.cmp)(x, y),
            _ => Ordering::Equal,
        }
    }

    fn swap(&mut self, a: usize, b: usize) {
        if a < self.v.len() && b < self.v.len() {
            self.v.swap(a, b);
        }
    }

    /// Swaps the `n` elements starting at `a` with those starting at `b`, one
    /// pair at a time from the front.
    fn swap_run(&mut self, a: usize, b: usize, n: usize) {
        for k in 0..n {
            self.swap(a + k, b + k);
        }
    }

    fn median3(&self, a: usize, b: usize, c: usize) -> usize {
        if self.c(a, b) == Ordering::Less {
            if self.c(b, c) == Ordering::Less {
                b
            } else if self.c(a, c) == Ordering::Less {
                c
            } else {
                a
            }
        } else if self.c(b, c) == Ordering::Greater {
            b
        } else if self.c(a, c) == Ordering::Less {
            a
        } else {
            c
        }
    }

    fn insertion(&mut self, base: usize, n: usize) {
        for m in base + 1..base + n {
            let mut l = m;
            while l > base && self.c(l - 1, l) == Ordering::Greater {
                self.swap(l, l - 1);
                l -= 1;
            }
        }
    }

    /// True when the run `start..start + len` holds no position of interest.
    fn outside(&self, start: usize, len: usize) -> bool {
        let end = start + len;
        (self.lo < start && self.hi < start) || (self.lo >= end && self.hi >= end)
    }

    fn run(&mut self, mut base: usize, mut n: usize) {
        loop {
            if n < 7 {
                self.insertion(base, n);
                return;
            }
            let mut pm = base + n / 2;
            if n > 7 {
                let mut pl = base;
                let mut pn = base + n - 1;
                if n > 40 {
                    let d = n / 8;
                    pl = self.median3(pl, pl + d, pl + 2 * d);
                    pm = self.median3(pm - d, pm, pm + d);
                    pn = self.median3(pn - 2 * d, pn - d, pn);
                }
                pm = self.median3(pl, pm, pn);
            }
            self.swap(base, pm);
            let (mut pa, mut pb) = (base + 1, base + 1);
            let (mut pc, mut pd) = (base + n - 1, base + n - 1);
            loop {
                while pb <= pc {
                    let r = self.c(pb, base);
                    if r == Ordering::Greater {
                        break;
                    }
                    if r == Ordering::Equal {
                        self.swap(pa, pb);
                        pa += 1;
                    }
                    pb += 1;
                }
                while pb <= pc {
                    let r = self.c(pc, base);
                    if r == Ordering::Less {
                        break;
                    }
                    if r == Ordering::Equal {
                        self.swap(pc, pd);
                        pd -= 1;
                    }
                    pc -= 1;
                }
                if pb > pc {
                    break;
                }
                self.swap(pb, pc);
                pb += 1;
                pc -= 1;
            }
            let pn = base + n;
            let r = (pa - base).min(pb - pa);
            self.swap_run(base, pb - r, r);
            let r = (pd - pc).min(pn - pd - 1);
            self.swap_run(pb, pn - r, r);
            let r = pb - pa;
            if r > 1 && !self.outside(base, r) {
                self.run(base, r);
            }
            let r = pd - pc;
            if r > 1 {
                base = pn - r;
                n = r;
                if !self.outside(base, n) {
                    continue;
                }
            }
            return;
        }
    }
}

// The literals are the digits Redis prints, kept as written.
#[allow(clippy::excessive_precision)]
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_print_like_redis_72() {
        assert_eq!(format_distance(0.0), "0.0000");
        assert_eq!(format_distance(166274.15156960033), "166274.1516");
        assert_eq!(format_distance(0.0001), "0.0001");
        assert_eq!(format_distance(6.0642951598391699e-05), "0.0001");
        assert_eq!(format_distance(0.01), "0.0100");
        assert_eq!(format_distance(10.01), "10.0100");
        assert_eq!(format_distance(-0.01), "-0.0100");
        // Half-way after scaling rounds to even (llrint), unlike %.4f.
        assert_eq!(format_distance(0.00005), "0.0000");
        assert_eq!(format_distance(0.00015), "0.0001");
        assert_eq!(format_distance(0.00025), "0.0002");
        assert_eq!(format_distance(f64::NAN), "-922337203685477.5808");
    }

    #[test]
    fn coordinates_print_like_redis() {
        // GEOPOS replies of redis-server.
        assert_eq!(format_coord(13.36138933897018433), "13.36138933897018433");
        assert_eq!(format_coord(38.11555639549629859), "38.11555639549629859");
        assert_eq!(format_coord(180.0), "180");
        assert_eq!(format_coord(85.05112878), "85.0511287799999991");
        assert_eq!(
            format_coord(-179.99999731779098511),
            "-179.99999731779098511"
        );
        assert_eq!(format_coord(0.00000268220901489), "0.00000268220901489");
        assert_eq!(format_coord(-0.0), "0");
        assert_eq!(format_coord(0.5), "0.5");
    }

    #[test]
    fn fixed_matches_printf() {
        assert_eq!(format_fixed(200.0, 6), "200.000000");
        assert_eq!(format_fixed(-0.0, 6), "-0.000000");
        assert_eq!(format_fixed(0.125, 2), "0.12");
        assert_eq!(format_fixed(0.375, 2), "0.38");
        assert_eq!(format_fixed(2.5, 0), "2");
        assert_eq!(format_fixed(1e-7, 6), "0.000000");
        assert_eq!(format_fixed(5e-7, 6), "0.000000");
        assert_eq!(format_fixed(1e22, 1), "10000000000000000000000.0");
        assert_eq!(format_fixed(f64::INFINITY, 6), "inf");
        assert_eq!(format_fixed(f64::MIN_POSITIVE, 3), "0.000");
        assert_eq!(format_fixed(1.0 / 3.0, 25), "0.3333333333333333148296163");
    }

    fn by_key(a: &(i32, u32), b: &(i32, u32)) -> Ordering {
        a.0.cmp(&b.0)
    }

    #[test]
    fn full_sort_is_stable() {
        let v = vec![(3, 0), (1, 1), (3, 2), (1, 3), (2, 4), (1, 5)];
        let s = sort_full(v, by_key);
        assert_eq!(s, vec![(1, 1), (1, 3), (1, 5), (2, 4), (3, 0), (3, 2)]);
        let empty: Vec<(i32, u32)> = sort_full(Vec::new(), by_key);
        assert!(empty.is_empty());
    }

    /// Tie orders observed on redis-server (GEOSEARCH ... COUNT over points
    /// with equal distances; the labels are the positions found).
    #[test]
    fn partial_sort_ties_match_redis() {
        let run = |keys: &[i32], count: usize, desc: bool| -> Vec<u32> {
            let mut v: Vec<(i32, u32)> = keys.iter().zip(0u32..).map(|(&k, i)| (k, i)).collect();
            sort_partial(&mut v, 0, count - 1, |a, b| {
                let o = by_key(a, b);
                if desc {
                    o.reverse()
                } else {
                    o
                }
            });
            v.iter().take(count).map(|p| p.1).collect()
        };
        let nine = [1, 1, 2, 2, 3, 4, 4, 5, 6];
        assert_eq!(run(&nine, 8, false), vec![0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(run(&nine, 8, true), vec![8, 7, 5, 6, 4, 3, 2, 0]);
        assert_eq!(run(&nine, 7, false), vec![0, 1, 2, 3, 4, 5, 6]);
        let mut many = vec![2];
        many.extend(std::iter::repeat_n(1, 60));
        many.push(3);
        assert_eq!(run(&many, 5, false), vec![47, 1, 2, 3, 4]);
    }

    #[test]
    fn partial_sort_orders_the_prefix() {
        let mut seed = 12345u64;
        for n in [1usize, 5, 7, 8, 20, 41, 100, 300] {
            for count in [1usize, 2, 5, 10] {
                let mut v: Vec<(i32, u32)> = (0..n as u32)
                    .map(|i| {
                        seed = seed
                            .wrapping_mul(6364136223846793005)
                            .wrapping_add(1442695040888963407);
                        (((seed >> 33) % 17) as i32, i)
                    })
                    .collect();
                let mut want: Vec<i32> = v.iter().map(|p| p.0).collect();
                want.sort();
                let k = count.min(n);
                sort_partial(&mut v, 0, k - 1, by_key);
                let got: Vec<i32> = v.iter().take(k).map(|p| p.0).collect();
                assert_eq!(got, want[..k].to_vec(), "n={n} count={count}");
                let mut all: Vec<u32> = v.iter().map(|p| p.1).collect();
                all.sort();
                assert_eq!(all, (0..n as u32).collect::<Vec<_>>());
            }
        }
    }
}
