//! LZF compression, the format Redis uses for compressed quicklist nodes and
//! compressed RDB strings.
//!
//! A compressed stream is a sequence of runs, each starting with a control byte:
//!
//! ```text
//! 000LLLLL                      literal: the next L + 1 bytes (1..=32) are copied
//! LLLOOOOO [L2] OOOOOOOO        back-reference, L = 1..=6, or L = 7 plus the byte L2:
//!                               copy L + 2 bytes starting (O + 1) bytes back
//! ```
//!
//! Offsets reach 8,192 bytes back and a reference copies up to 264 bytes. The
//! decoder checks every length and offset, so damaged input (from a file or the
//! network) yields `None`, never a panic or an out-of-bounds read.

const MAX_LITERAL: usize = 32;
const MAX_OFFSET: usize = 1 << 13;
const MAX_REF: usize = 7 + 255 + 2;
const HASH_BITS: u32 = 13;

fn hash3(b: &[u8]) -> usize {
    let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
    (v.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize
}

fn flush_literals(out: &mut Vec<u8>, mut lit: &[u8]) {
    while !lit.is_empty() {
        let n = lit.len().min(MAX_LITERAL);
        out.push((n - 1) as u8);
        out.extend_from_slice(&lit[..n]);
        lit = &lit[n..];
    }
}

/// Compresses `input`; `None` when the result would not be shorter than
/// `max_len` bytes (callers then keep the data uncompressed).
pub fn compress(input: &[u8], max_len: usize) -> Option<Vec<u8>> {
    let n = input.len();
    let mut out = Vec::with_capacity(n.min(max_len) + MAX_LITERAL);
    // Position + 1 of the last occurrence of each 3-byte hash (0 = none).
    let mut table = vec![0u32; 1 << HASH_BITS];
    let mut lit_start = 0;
    let mut i = 0;
    while i + 3 <= n {
        let h = hash3(&input[i..i + 3]);
        let cand = table[h] as usize;
        table[h] = (i + 1) as u32;
        if cand > 0 {
            let r = cand - 1;
            let dist = i - r;
            if dist <= MAX_OFFSET && input[r..r + 3] == input[i..i + 3] {
                let max = MAX_REF.min(n - i);
                let mut len = 3;
                while len < max && input[r + len] == input[i + len] {
                    len += 1;
                }
                flush_literals(&mut out, &input[lit_start..i]);
                let off = dist - 1;
                let l = len - 2;
                if l < 7 {
                    out.push(((l as u8) << 5) | (off >> 8) as u8);
                } else {
                    out.push((7 << 5) | (off >> 8) as u8);
                    out.push((l - 7) as u8);
                }
                out.push(off as u8);
                // Index the last two positions inside the match, so the data
                // right after it can refer back (indexing all of them costs more
                // time than it gains in size).
                for j in (i + len).saturating_sub(2).max(i + 1)..(i + len).min(n.saturating_sub(2))
                {
                    table[hash3(&input[j..j + 3])] = (j + 1) as u32;
                }
                i += len;
                lit_start = i;
                if out.len() >= max_len {
                    return None;
                }
                continue;
            }
        }
        i += 1;
    }
    flush_literals(&mut out, &input[lit_start..]);
    (out.len() < max_len).then_some(out)
}

/// Decompresses `input`, which must expand to exactly `expected_len` bytes.
pub fn decompress(input: &[u8], expected_len: usize) -> Option<Vec<u8>> {
    let mut out: Vec<u8> = Vec::with_capacity(expected_len);
    let mut ip = 0;
    while ip < input.len() {
        let ctrl = usize::from(input[ip]);
        ip += 1;
        if ctrl < 32 {
            let len = ctrl + 1;
            let lit = input.get(ip..ip.checked_add(len)?)?;
            if out.len() + len > expected_len {
                return None;
            }
            out.extend_from_slice(lit);
            ip += len;
        } else {
            let mut len = ctrl >> 5;
            if len == 7 {
                len += usize::from(*input.get(ip)?);
                ip += 1;
            }
            len += 2;
            let off = (((ctrl & 0x1f) << 8) | usize::from(*input.get(ip)?)) + 1;
            ip += 1;
            if off > out.len() || out.len() + len > expected_len {
                return None;
            }
            let from = out.len() - off;
            // Byte by byte: the source may overlap what is being written.
            for k in 0..len {
                let b = out[from + k];
                out.push(b);
            }
        }
    }
    (out.len() == expected_len).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn round_trip(data: &[u8]) {
        match compress(data, data.len() + data.len() / 16 + 64) {
            Some(z) => assert_eq!(decompress(&z, data.len()).as_deref(), Some(data)),
            None => panic!("incompressible within the slack: {} bytes", data.len()),
        }
    }

    #[test]
    fn round_trips_varied_inputs() {
        round_trip(b"");
        round_trip(b"a");
        round_trip(b"abcabcabcabcabcabcabcabcabcabc");
        round_trip(&[0u8; 10_000]);
        let seq: Vec<u8> = (0..20_000u32)
            .flat_map(|i| format!("e{i:07}").into_bytes())
            .collect();
        round_trip(&seq);
        let mut rng = rand::rngs::SmallRng::seed_from_u64(7);
        for len in [1usize, 2, 3, 31, 32, 33, 100, 5000, 70_000] {
            let random: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
            round_trip(&random);
            let low_entropy: Vec<u8> = (0..len).map(|_| rng.gen_range(b'a'..b'e')).collect();
            round_trip(&low_entropy);
        }
    }

    #[test]
    fn repetitive_data_shrinks() {
        let seq: Vec<u8> = (0..1000u32)
            .flat_map(|i| format!("\x08e{i:07}\x09").into_bytes())
            .collect();
        let z = compress(&seq, seq.len()).expect("compresses");
        assert!(z.len() * 3 < seq.len() * 2, "{} of {}", z.len(), seq.len());
        let mut rng = rand::rngs::SmallRng::seed_from_u64(5);
        let random: Vec<u8> = (0..1000).map(|_| rng.gen()).collect();
        assert!(compress(&random, random.len() / 2).is_none());
    }

    #[test]
    fn damaged_input_is_refused() {
        let data = b"hello hello hello hello hello".repeat(10);
        let z = compress(&data, data.len()).expect("compresses");
        assert!(decompress(&z, data.len() + 1).is_none());
        assert!(decompress(&z, data.len() - 1).is_none());
        assert!(decompress(&z[..z.len() - 1], data.len()).is_none());
        // A reference before the start, a literal running past the end.
        assert!(decompress(&[0x20, 0x05], 10).is_none());
        assert!(decompress(&[0x05, b'a'], 6).is_none());
        assert!(decompress(&[0xE0], 10).is_none());
        let mut rng = rand::rngs::SmallRng::seed_from_u64(11);
        for _ in 0..2000 {
            let junk: Vec<u8> = (0..rng.gen_range(0..64)).map(|_| rng.gen()).collect();
            let _ = decompress(&junk, rng.gen_range(0..300));
        }
    }
}
