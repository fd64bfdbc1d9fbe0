//! Cluster hash slots: CRC16 (XMODEM) of the key, or of its `{hash tag}`, modulo 16384.

/// Number of hash slots.
pub const SLOTS: usize = 16384;

/// The hash slot of a key, honouring `{...}` hash tags as Redis Cluster does.
pub fn key_slot(key: &[u8]) -> usize {
    let hashed = match find_byte(key, b'{') {
        Some(open) => match key[open + 1..].iter().position(|&b| b == b'}') {
            Some(0) | None => key,
            Some(len) => &key[open + 1..open + 1 + len],
        },
        None => key,
    };
    usize::from(crc16(hashed)) & (SLOTS - 1)
}

/// Position of the first `byte` in `bytes`, eight bytes per step (every
/// command's key is scanned for a `{`, and a byte loop cost more than the CRC).
#[inline]
fn find_byte(bytes: &[u8], byte: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let pattern = LO * u64::from(byte);
    let mut words = bytes.chunks_exact(8);
    let mut base = 0;
    for word in &mut words {
        let &[a, b, c, d, e, f, g, h] = word else {
            continue;
        };
        let x = u64::from_le_bytes([a, b, c, d, e, f, g, h]) ^ pattern;
        // High bit set in each zero byte of x; a false positive can only follow
        // a true zero byte, so the lowest flagged byte is a real match.
        let zero = x.wrapping_sub(LO) & !x & HI;
        if zero != 0 {
            return Some(base + zero.trailing_zeros() as usize / 8);
        }
        base += 8;
    }
    words
        .remainder()
        .iter()
        .position(|&b| b == byte)
        .map(|p| base + p)
}

/// CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0.
///
/// Computed on every key of every command, so eight bytes are folded per step
/// ("slicing by 8"): `SLICES[k][b]` is the CRC of byte `b` followed by `k` zero
/// bytes, and by linearity the CRC of an 8-byte block, with the running CRC
/// XORed into its first two bytes, is the XOR of its bytes' `SLICES` entries.
/// Eight independent table loads replace a chain of eight dependent ones.
pub fn crc16(data: &[u8]) -> u16 {
    let mut crc: u16 = 0;
    let mut blocks = data.chunks_exact(8);
    for block in &mut blocks {
        let &[b0, b1, b2, b3, b4, b5, b6, b7] = block else {
            continue;
        };
        let t = |k: usize, b: u8| SLICES[k][usize::from(b)];
        crc = t(7, b0 ^ (crc >> 8) as u8)
            ^ t(6, b1 ^ crc as u8)
            ^ t(5, b2)
            ^ t(4, b3)
            ^ t(3, b4)
            ^ t(2, b5)
            ^ t(1, b6)
            ^ t(0, b7);
    }
    for &byte in blocks.remainder() {
        crc = (crc << 8) ^ CRC16_TABLE[usize::from(((crc >> 8) as u8) ^ byte)];
    }
    crc
}

const CRC16_TABLE: [u16; 256] = build_table();
const SLICES: [[u16; 256]; 8] = build_slices();

const fn build_slices() -> [[u16; 256]; 8] {
    let mut t = [[0u16; 256]; 8];
    t[0] = CRC16_TABLE;
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            // One more zero byte after the message of t[k - 1][i].
            let prev = t[k - 1][i];
            t[k][i] = (prev << 8) ^ CRC16_TABLE[(prev >> 8) as usize];
            i += 1;
        }
        k += 1;
    }
    t
}

const fn build_table() -> [u16; 256] {
    let mut table = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = (i as u16) << 8;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-byte-at-a-time definition the sliced version must match.
    fn crc16_bytewise(data: &[u8]) -> u16 {
        let mut crc: u16 = 0;
        for &byte in data {
            crc = (crc << 8) ^ CRC16_TABLE[usize::from(((crc >> 8) as u8) ^ byte)];
        }
        crc
    }

    #[test]
    fn sliced_matches_bytewise() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::SmallRng::seed_from_u64(9);
        for len in 0..80 {
            for _ in 0..20 {
                let data: Vec<u8> = (0..len).map(|_| rng.gen()).collect();
                assert_eq!(crc16(&data), crc16_bytewise(&data), "{data:?}");
            }
        }
    }

    #[test]
    fn known_slots() {
        // Values from the Redis Cluster specification and `CLUSTER KEYSLOT`.
        assert_eq!(crc16(b"123456789"), 0x31C3);
        assert_eq!(key_slot(b"foo"), 12182);
        assert_eq!(
            key_slot(b"{user1000}.following"),
            key_slot(b"{user1000}.followers")
        );
        assert_eq!(key_slot(b"foo{}{bar}"), key_slot(b"foo{}{bar}"));
        assert_eq!(key_slot(b"{}foo"), usize::from(crc16(b"{}foo")) & 16383);
    }

    #[test]
    fn find_byte_matches_position() {
        let mut buf = Vec::new();
        for len in 0..40 {
            buf.clear();
            buf.extend((0..len).map(|i| b'a' + (i % 26) as u8));
            assert_eq!(find_byte(&buf, b'{'), None);
            for at in 0..len {
                let mut b = buf.clone();
                b[at] = b'{';
                // Bytes that differ from `{` by one bit exercise the false
                // positives of the word trick.
                if at + 1 < len {
                    b[at + 1] = b'{' ^ 1;
                }
                if at > 0 {
                    b[at - 1] = b'{' ^ 1;
                }
                assert_eq!(find_byte(&b, b'{'), Some(at), "len {len} at {at}");
                if at + 2 < len {
                    b[at + 2] = b'{';
                    assert_eq!(find_byte(&b, b'{'), Some(at));
                }
            }
        }
    }
}
