//! Geohash math behind the GEO commands, reproducing Redis's numbers exactly.
//!
//! A GEO position is stored as the score of a sorted-set member: a 52-bit
//! interleaved geohash (26 bits of latitude in the even bit positions, 26 bits
//! of longitude in the odd ones) over longitudes -180..180 and the Web
//! Mercator latitudes -85.05112878..85.05112878. Decoding gives the centre of
//! the hash's cell, which is why GEOPOS does not return the exact input.
//!
//! Searches (GEOSEARCH, GEORADIUS...) pick a hash precision from the search
//! radius, then look at the cell holding the centre and its eight neighbours
//! (minus those the bounding box of the shape cannot reach); each cell is one
//! contiguous score range of the sorted set. Every candidate is decoded and
//! kept when it really lies inside the circle or the box.
//!
//! Every floating-point step is done in the same order as Redis does, with
//! the same constants, so positions, distances and the set of matches agree
//! to the last printed digit. C conversions that Rust does differently
//! (double to unsigned with out-of-range values, `llrint`) are emulated. The
//! printing helpers ([`format_distance`], [`format_coord`], [`format_fixed`])
//! and the sorting of results ([`sort_full`], [`sort_partial`]) live in
//! `types::geo_format`.

/// Smallest longitude that can be indexed.
pub const LON_MIN: f64 = -180.0;
/// Largest longitude that can be indexed.
pub const LON_MAX: f64 = 180.0;
/// Smallest latitude that can be indexed (Web Mercator limit).
pub const LAT_MIN: f64 = -85.05112878;
/// Largest latitude that can be indexed (Web Mercator limit).
pub const LAT_MAX: f64 = 85.05112878;
/// Bits per coordinate in a stored score (26 + 26 = 52 bits).
pub const STEP_MAX: u8 = 26;
/// The Earth radius used for every distance, in meters.
pub const EARTH_RADIUS_M: f64 = 6372797.560856;
/// Half the Mercator world width, in meters (drives the precision estimate).
const MERCATOR_MAX: f64 = 20037726.37;
/// Degrees to radians, as `M_PI / 180.0`.
const DEG_TO_RAD: f64 = std::f64::consts::PI / 180.0;

/// A geohash of `step` bits per coordinate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashBits {
    /// The interleaved bits (latitude in even positions, longitude in odd ones).
    pub bits: u64,
    /// Bits per coordinate (1..=32); 0 together with `bits == 0` is "no cell".
    pub step: u8,
}

impl HashBits {
    /// The "no cell" marker used for neighbours a search skips.
    pub const NONE: HashBits = HashBits { bits: 0, step: 0 };

    /// True for [`HashBits::NONE`].
    pub fn is_none(&self) -> bool {
        self.bits == 0 && self.step == 0
    }

    /// The hash left-aligned to 52 bits: the lowest score of its cell.
    pub fn align52(&self) -> u64 {
        let shift = 52u32.saturating_sub(u32::from(self.step) * 2);
        self.bits.checked_shl(shift).unwrap_or(0)
    }

    /// The score range `[min, max)` holding every stored point of this cell.
    pub fn score_range(&self) -> (f64, f64) {
        let next = HashBits {
            bits: self.bits.wrapping_add(1),
            step: self.step,
        };
        (self.align52() as f64, next.align52() as f64)
    }
}

/// A closed interval of one coordinate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Span {
    /// Lower bound.
    pub min: f64,
    /// Upper bound.
    pub max: f64,
}

/// The longitude and latitude intervals of one cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    /// Longitude interval.
    pub lon: Span,
    /// Latitude interval.
    pub lat: Span,
}

/// The coordinate ranges of the stored (Mercator-limited) hashes.
pub const GEO_LON: Span = Span {
    min: LON_MIN,
    max: LON_MAX,
};
/// Latitude range of the stored hashes.
pub const GEO_LAT: Span = Span {
    min: LAT_MIN,
    max: LAT_MAX,
};
/// Latitude range of standard geohash strings (GEOHASH's output).
const STD_LAT: Span = Span {
    min: -90.0,
    max: 90.0,
};

/// Spreads the 32 bits of `v` over the even bit positions of a `u64`.
fn spread(v: u32) -> u64 {
    let mut x = u64::from(v);
    x = (x | (x << 16)) & 0x0000_FFFF_0000_FFFF;
    x = (x | (x << 8)) & 0x00FF_00FF_00FF_00FF;
    x = (x | (x << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    x = (x | (x << 2)) & 0x3333_3333_3333_3333;
    (x | (x << 1)) & 0x5555_5555_5555_5555
}

/// Gathers the even bit positions of `v` into a `u32` (inverse of [`spread`]).
fn gather(v: u64) -> u32 {
    let mut x = v & 0x5555_5555_5555_5555;
    x = (x | (x >> 1)) & 0x3333_3333_3333_3333;
    x = (x | (x >> 2)) & 0x0F0F_0F0F_0F0F_0F0F;
    x = (x | (x >> 4)) & 0x00FF_00FF_00FF_00FF;
    x = (x | (x >> 8)) & 0x0000_FFFF_0000_FFFF;
    x = (x | (x >> 16)) & 0x0000_0000_FFFF_FFFF;
    x as u32
}

/// Interleaves a latitude index (even bits) with a longitude index (odd bits).
pub fn interleave(lat: u32, lon: u32) -> u64 {
    spread(lat) | (spread(lon) << 1)
}

/// Splits interleaved bits into `(latitude index, longitude index)`.
pub fn deinterleave(bits: u64) -> (u32, u32) {
    (gather(bits), gather(bits >> 1))
}

/// C's conversion of a double to a 32-bit unsigned through a 64-bit register.
fn c_to_u32(x: f64) -> u32 {
    c_to_i64(x) as u32
}

/// `cvttsd2si`: truncation toward zero, with out-of-range and NaN giving the
/// "integer indefinite" value `i64::MIN`.
pub fn c_to_i64(x: f64) -> i64 {
    const TWO63: f64 = 9_223_372_036_854_775_808.0;
    if x.is_nan() || !(-TWO63..TWO63).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}

/// C's `(uint64_t)` conversion of a double as x86-64 compilers emit it: values
/// from 2^63 up are offset by 2^63 first; anything out of range ends up as
/// `0x8000000000000000` before (or 0 after) the offset is undone.
pub fn c_to_u64(x: f64) -> u64 {
    const TWO63: f64 = 9_223_372_036_854_775_808.0;
    if x >= TWO63 {
        (c_to_i64(x - TWO63) as u64) ^ (1 << 63)
    } else {
        c_to_i64(x) as u64
    }
}

/// Encodes a position at `step` bits per coordinate within the given ranges.
/// `None` for an invalid step or a position outside the indexable area or the
/// ranges. A coordinate exactly on a range's upper bound gets the index
/// `2^step`, one past the last cell, as in Redis.
pub fn encode_in(
    lon_range: Span,
    lat_range: Span,
    lon: f64,
    lat: f64,
    step: u8,
) -> Option<HashBits> {
    if step == 0 || step > 32 {
        return None;
    }
    if !(LON_MIN..=LON_MAX).contains(&lon) || !(LAT_MIN..=LAT_MAX).contains(&lat) {
        return None;
    }
    if lat < lat_range.min || lat > lat_range.max || lon < lon_range.min || lon > lon_range.max {
        return None;
    }
    let cells = (1u64 << step) as f64;
    let lat_offset = (lat - lat_range.min) / (lat_range.max - lat_range.min) * cells;
    let lon_offset = (lon - lon_range.min) / (lon_range.max - lon_range.min) * cells;
    Some(HashBits {
        bits: interleave(c_to_u32(lat_offset), c_to_u32(lon_offset)),
        step,
    })
}

/// Encodes a position over the GEO ranges.
pub fn encode(lon: f64, lat: f64, step: u8) -> Option<HashBits> {
    encode_in(GEO_LON, GEO_LAT, lon, lat, step)
}

/// The score GEOADD stores for a valid position.
pub fn score_of(lon: f64, lat: f64) -> Option<f64> {
    encode(lon, lat, STEP_MAX).map(|h| h.align52() as f64)
}

/// The cell of a hash within the given ranges; `None` for [`HashBits::NONE`].
/// Every bit of the hash takes part, as in Redis (a score wider than 52 bits
/// decodes outside the ranges and is clamped by [`decode_center`]).
pub fn decode_in(lon_range: Span, lat_range: Span, hash: HashBits) -> Option<Cell> {
    if hash.is_none() || hash.step > 63 {
        return None;
    }
    let (ilat, ilon) = deinterleave(hash.bits);
    let cells = (1u64 << hash.step) as f64;
    let lat_scale = lat_range.max - lat_range.min;
    let lon_scale = lon_range.max - lon_range.min;
    // The "+ 1" is 32-bit unsigned arithmetic in Redis: it wraps.
    Some(Cell {
        lat: Span {
            min: lat_range.min + (f64::from(ilat) / cells) * lat_scale,
            max: lat_range.min + (f64::from(ilat.wrapping_add(1)) / cells) * lat_scale,
        },
        lon: Span {
            min: lon_range.min + (f64::from(ilon) / cells) * lon_scale,
            max: lon_range.min + (f64::from(ilon.wrapping_add(1)) / cells) * lon_scale,
        },
    })
}

/// The cell of a hash over the GEO ranges.
pub fn decode(hash: HashBits) -> Option<Cell> {
    decode_in(GEO_LON, GEO_LAT, hash)
}

/// The centre of a cell, clamped to the indexable area: `(lon, lat)`.
pub fn cell_center(cell: &Cell) -> (f64, f64) {
    let lon = ((cell.lon.min + cell.lon.max) / 2.0).clamp(LON_MIN, LON_MAX);
    let lat = ((cell.lat.min + cell.lat.max) / 2.0).clamp(LAT_MIN, LAT_MAX);
    (lon, lat)
}

/// The centre of a hash's cell: `(lon, lat)`.
pub fn decode_center(hash: HashBits) -> Option<(f64, f64)> {
    decode(hash).map(|c| cell_center(&c))
}

/// The position a sorted-set score stands for: `(lon, lat)`. Any score
/// decodes (as in Redis, through C's double-to-unsigned conversion).
pub fn decode_score(score: f64) -> (f64, f64) {
    let hash = HashBits {
        bits: c_to_u64(score),
        step: STEP_MAX,
    };
    decode_center(hash).unwrap_or((0.0, 0.0))
}

/// The 11-character standard geohash of a stored score (GEOHASH): the
/// position is decoded and encoded again over latitudes -90..90; the last
/// character stands for bits the score does not have and is always `0`.
pub fn geohash_string(score: f64) -> [u8; 11] {
    const ALPHABET: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";
    let (lon, lat) = decode_score(score);
    let bits = encode_in(GEO_LON, STD_LAT, lon, lat, STEP_MAX).map_or(0, |h| h.bits);
    let mut out = [b'0'; 11];
    for (i, c) in out.iter_mut().take(10).enumerate() {
        let shift = 52 - (i as u32 + 1) * 5;
        let idx = ((bits >> shift) & 0x1f) as usize;
        *c = ALPHABET.get(idx).copied().unwrap_or(b'0');
    }
    out
}

/// Moves a hash one cell east (`dir > 0`) or west (`dir < 0`), wrapping
/// around. Longitude bits above the hash's precision are dropped; latitude
/// bits are kept as they are (Redis's bit arithmetic does the same).
fn move_lon(hash: HashBits, dir: i8) -> HashBits {
    move_axis(hash, dir, 1)
}

/// Moves a hash one cell north (`dir > 0`) or south (`dir < 0`), wrapping.
fn move_lat(hash: HashBits, dir: i8) -> HashBits {
    move_axis(hash, dir, 0)
}

/// Steps the coordinate stored at bit offset `axis` (0 latitude, 1 longitude).
fn move_axis(hash: HashBits, dir: i8, axis: u32) -> HashBits {
    if dir == 0 || hash.step == 0 || hash.step > 32 {
        return hash;
    }
    let width = u32::from(hash.step);
    let mask = if width == 32 {
        u32::MAX
    } else {
        (1u32 << width) - 1
    };
    let index = gather(hash.bits >> axis) & mask;
    let moved = if dir > 0 {
        index.wrapping_add(1) & mask
    } else {
        index.wrapping_sub(1) & mask
    };
    let other_axis = 1 - axis;
    let kept = hash.bits & (0x5555_5555_5555_5555u64 << other_axis);
    HashBits {
        bits: kept | (spread(moved) << axis),
        step: hash.step,
    }
}

/// The eight neighbours of a cell, in Redis's search order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Neighbors {
    /// North.
    pub north: HashBits,
    /// South.
    pub south: HashBits,
    /// East.
    pub east: HashBits,
    /// West.
    pub west: HashBits,
    /// North-east.
    pub north_east: HashBits,
    /// North-west.
    pub north_west: HashBits,
    /// South-east.
    pub south_east: HashBits,
    /// South-west.
    pub south_west: HashBits,
}

/// The neighbours of `hash` at its own precision.
pub fn neighbors(hash: HashBits) -> Neighbors {
    Neighbors {
        north: move_lat(hash, 1),
        south: move_lat(hash, -1),
        east: move_lon(hash, 1),
        west: move_lon(hash, -1),
        north_east: move_lat(move_lon(hash, 1), 1),
        north_west: move_lat(move_lon(hash, -1), 1),
        south_east: move_lat(move_lon(hash, 1), -1),
        south_west: move_lat(move_lon(hash, -1), -1),
    }
}

/// The hash precision (bits per coordinate) whose cells are about as large
/// as a search of `range_m` meters around latitude `lat` needs.
pub fn estimate_steps(range_m: f64, lat: f64) -> u8 {
    if range_m == 0.0 {
        return STEP_MAX;
    }
    let mut range = range_m;
    let mut step: i32 = 1;
    while range < MERCATOR_MAX {
        range *= 2.0;
        step += 1;
    }
    step -= 2;
    // Cells are narrower towards the poles.
    if !(-66.0..=66.0).contains(&lat) {
        step -= 1;
        if !(-80.0..=80.0).contains(&lat) {
            step -= 1;
        }
    }
    step.clamp(1, i32::from(STEP_MAX)) as u8
}

/// The kind and size of a search area (in the unit of [`Shape::to_meters`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Area {
    /// A circle of this radius.
    Radius(f64),
    /// An axis-aligned box of this width (east-west) and height.
    Box {
        /// East-west size.
        width: f64,
        /// North-south size.
        height: f64,
    },
}

/// A search: centre, area and unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    /// Centre longitude.
    pub lon: f64,
    /// Centre latitude.
    pub lat: f64,
    /// The area around the centre.
    pub area: Area,
    /// Meters per unit of the area's sizes (and of reported distances).
    pub to_meters: f64,
}

/// A point of the sorted set that lies inside a search area.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit<M> {
    /// The member.
    pub member: M,
    /// Its score (the stored hash).
    pub score: f64,
    /// Decoded longitude.
    pub lon: f64,
    /// Decoded latitude.
    pub lat: f64,
    /// Distance from the centre in meters (divided by the unit on output).
    pub dist: f64,
}

fn deg_rad(deg: f64) -> f64 {
    deg * DEG_TO_RAD
}

fn rad_deg(rad: f64) -> f64 {
    rad / DEG_TO_RAD
}

/// Great-circle distance along a meridian, in meters.
pub fn lat_distance(lat1: f64, lat2: f64) -> f64 {
    EARTH_RADIUS_M * (deg_rad(lat2) - deg_rad(lat1)).abs()
}

/// Haversine great-circle distance between two positions, in meters.
pub fn distance(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    let lon1r = deg_rad(lon1);
    let lon2r = deg_rad(lon2);
    let v = ((lon2r - lon1r) / 2.0).sin();
    if v == 0.0 {
        return lat_distance(lat1, lat2);
    }
    let lat1r = deg_rad(lat1);
    let lat2r = deg_rad(lat2);
    let u = ((lat2r - lat1r) / 2.0).sin();
    let a = u * u + lat1r.cos() * lat2r.cos() * v * v;
    2.0 * EARTH_RADIUS_M * a.sqrt().asin()
}

impl Shape {
    /// The search bounding box: `[min lon, min lat, max lon, max lat]`.
    /// Longitude deltas are taken at the edge nearer to the pole.
    pub fn bounding_box(&self) -> [f64; 4] {
        let (half_h, half_w) = match self.area {
            Area::Radius(r) => (self.to_meters * r, self.to_meters * r),
            Area::Box { width, height } => (
                self.to_meters * (height / 2.0),
                self.to_meters * (width / 2.0),
            ),
        };
        let lat_delta = rad_deg(half_h / EARTH_RADIUS_M);
        let lon_delta_top = rad_deg(half_w / EARTH_RADIUS_M / deg_rad(self.lat + lat_delta).cos());
        let lon_delta_bottom =
            rad_deg(half_w / EARTH_RADIUS_M / deg_rad(self.lat - lat_delta).cos());
        let lon_delta = if self.lat < 0.0 {
            lon_delta_bottom
        } else {
            lon_delta_top
        };
        [
            self.lon - lon_delta,
            self.lat - lat_delta,
            self.lon + lon_delta,
            self.lat + lat_delta,
        ]
    }

    /// The radius (in meters) that decides the search precision: the circle's
    /// radius, or the half-diagonal of the box.
    fn reach_m(&self) -> f64 {
        let r = match self.area {
            Area::Radius(r) => r,
            Area::Box { width, height } => {
                ((width / 2.0) * (width / 2.0) + (height / 2.0) * (height / 2.0)).sqrt()
            }
        };
        r * self.to_meters
    }

    /// The cells to scan, in Redis's order (centre, N, S, E, W, NE, NW, SE,
    /// SW), without the neighbours the bounding box cannot reach and without
    /// a cell equal to the one scanned just before it (as Redis skips them;
    /// a neighbour equal to the centre is still scanned twice).
    pub fn cells(&self) -> Vec<HashBits> {
        let bounds = self.bounding_box();
        let [min_lon, min_lat, max_lon, max_lat] = bounds;
        let mut steps = estimate_steps(self.reach_m(), self.lat);
        let Some(mut hash) = encode(self.lon, self.lat, steps) else {
            return Vec::new();
        };
        let mut nb = neighbors(hash);
        let cell_of = |h: HashBits| {
            decode(h).unwrap_or(Cell {
                lon: Span { min: 0.0, max: 0.0 },
                lat: Span { min: 0.0, max: 0.0 },
            })
        };
        // Cells too large for the area near one of its edges: one step finer.
        let too_coarse = cell_of(nb.north).lat.max < max_lat
            || cell_of(nb.south).lat.min > min_lat
            || cell_of(nb.east).lon.max < max_lon
            || cell_of(nb.west).lon.min > min_lon;
        if steps > 1 && too_coarse {
            steps -= 1;
            match encode(self.lon, self.lat, steps) {
                Some(h) => hash = h,
                None => return Vec::new(),
            }
            nb = neighbors(hash);
        }
        let area = cell_of(hash);
        if steps >= 2 {
            if area.lat.min < min_lat {
                nb.south = HashBits::NONE;
                nb.south_west = HashBits::NONE;
                nb.south_east = HashBits::NONE;
            }
            if area.lat.max > max_lat {
                nb.north = HashBits::NONE;
                nb.north_east = HashBits::NONE;
                nb.north_west = HashBits::NONE;
            }
            if area.lon.min < min_lon {
                nb.west = HashBits::NONE;
                nb.south_west = HashBits::NONE;
                nb.north_west = HashBits::NONE;
            }
            if area.lon.max > max_lon {
                nb.east = HashBits::NONE;
                nb.south_east = HashBits::NONE;
                nb.north_east = HashBits::NONE;
            }
        }
        let order = [
            hash,
            nb.north,
            nb.south,
            nb.east,
            nb.west,
            nb.north_east,
            nb.north_west,
            nb.south_east,
            nb.south_west,
        ];
        let mut out = Vec::with_capacity(9);
        // Index of the last scanned cell; 0 (the centre) never counts as "the
        // previous one", exactly as in Redis.
        let mut last = 0usize;
        for (i, cell) in order.iter().enumerate() {
            if cell.is_none() {
                continue;
            }
            if last != 0 && order.get(last) == Some(cell) {
                continue;
            }
            out.push(*cell);
            last = i;
        }
        out
    }

    /// Whether a stored score lies inside the area; `Some((lon, lat, dist))`
    /// with its decoded position and distance from the centre (meters).
    pub fn contains(&self, score: f64) -> Option<(f64, f64, f64)> {
        let (lon, lat) = decode_score(score);
        match self.area {
            Area::Radius(r) => {
                let d = distance(self.lon, self.lat, lon, lat);
                if d > r * self.to_meters {
                    return None;
                }
                Some((lon, lat, d))
            }
            Area::Box { width, height } => {
                let width_m = width * self.to_meters;
                let height_m = height * self.to_meters;
                if lat_distance(lat, self.lat) > height_m / 2.0 {
                    return None;
                }
                if distance(lon, lat, self.lon, lat) > width_m / 2.0 {
                    return None;
                }
                Some((lon, lat, distance(self.lon, self.lat, lon, lat)))
            }
        }
    }
}

/// Runs a search over a sorted set. `range(min, max, visit)` must call
/// `visit(member, score)` for each member with `min <= score < max`, in
/// sorted-set order, and stop when `visit` returns false. With `limit > 0`
/// (COUNT ... ANY) the search stops once that many hits are found.
pub fn search<M, R>(shape: &Shape, limit: usize, mut range: R) -> Vec<Hit<M>>
where
    R: FnMut(f64, f64, &mut dyn FnMut(&[u8], f64) -> bool),
    M: for<'a> From<&'a [u8]>,
{
    let mut hits: Vec<Hit<M>> = Vec::new();
    for cell in shape.cells() {
        if limit > 0 && hits.len() >= limit {
            break;
        }
        let (min, max) = cell.score_range();
        range(min, max, &mut |member: &[u8], score: f64| {
            if let Some((lon, lat, dist)) = shape.contains(score) {
                hits.push(Hit {
                    member: M::from(member),
                    score,
                    lon,
                    lat,
                    dist,
                });
            }
            !(limit > 0 && hits.len() >= limit)
        });
    }
    hits
}

// The literals are the digits Redis prints, kept as written.
#[allow(clippy::excessive_precision)]
#[cfg(test)]
mod tests {
    use super::*;

    // Expected values below come from redis-server 7.0.15 (GEOADD then
    // ZSCORE / GEOPOS / GEOHASH / GEODIST), whose geo math 7.2 shares.

    #[test]
    fn scores_match_redis() {
        assert_eq!(score_of(13.361389, 38.115556), Some(3479099956230698.0));
        assert_eq!(score_of(15.087269, 37.502669), Some(3479447370796909.0));
        assert_eq!(score_of(-180.0, -85.05112878), Some(0.0));
        assert_eq!(score_of(0.0, 0.0), Some(3377699720527872.0));
        // Exactly on the upper limits: one past the last cell, as Redis.
        assert_eq!(score_of(180.0, 85.05112878), Some(13510798882111488.0));
        assert_eq!(score_of(180.1, 0.0), None);
        assert_eq!(score_of(0.0, -85.06), None);
    }

    #[test]
    fn decode_matches_redis() {
        let (lon, lat) = decode_score(3479099956230698.0);
        assert_eq!(lon, 13.36138933897018433);
        assert_eq!(lat, 38.11555639549629859);
        let (lon, lat) = decode_score(13510798882111488.0);
        assert_eq!((lon, lat), (180.0, 85.05112878));
        let (lon, lat) = decode_score(0.0);
        assert_eq!(lon, -179.99999731779098511);
        assert_eq!(lat, -85.05112751263942528);
    }

    #[test]
    fn odd_scores_decode_like_c() {
        // Values from ZADD w <score> m; GEOPOS w m on redis-server.
        assert_eq!(decode_score(-1.0), (180.0, 85.05112878));
        assert_eq!(decode_score(1e300), decode_score(0.0));
        assert_eq!(decode_score(f64::INFINITY), decode_score(0.0));
        assert_eq!(decode_score(-1e300).0, 180.0);
        assert_eq!(decode_score(-1e300).1, -85.05112751263942528);
        assert_eq!(decode_score(1.5).1, -85.05112497791824921);
        assert_eq!(decode_score(9223372036854775808.0).0, 180.0);
        let (lon, lat) = decode_score(4503599627370495.0);
        assert_eq!(lon, 179.99999731779098511);
        assert_eq!(lat, 85.05112751263942528);
    }

    #[test]
    fn geohash_strings_match_redis() {
        assert_eq!(&geohash_string(3479099956230698.0), b"sqc8b49rny0");
        assert_eq!(&geohash_string(0.0), b"00bh0hbj200");
        assert_eq!(&geohash_string(3377699720527872.0), b"s0000000000");
        assert_eq!(&geohash_string(13510798882111488.0), b"bp05b5048p0");
        assert_eq!(&geohash_string(1.5), b"00bh0hbj210");
        assert_eq!(&geohash_string(4503599627370495.0), b"zzpgzgpfxz0");
    }

    #[test]
    fn distances_match_redis() {
        let (lon1, lat1) = decode_score(3479099956230698.0);
        let (lon2, lat2) = decode_score(3479447370796909.0);
        let d = distance(lon1, lat1, lon2, lat2);
        assert!((d - 166274.1516).abs() < 0.00005, "{d}");
    }

    #[test]
    fn interleave_round_trips() {
        for (lat, lon) in [
            (0u32, 0u32),
            (1, 0),
            (0, 1),
            (0x3ff_ffff, 0x155_5555),
            (u32::MAX, 7),
        ] {
            assert_eq!(deinterleave(interleave(lat, lon)), (lat, lon));
        }
        assert_eq!(interleave(1, 0), 1);
        assert_eq!(interleave(0, 1), 2);
    }

    #[test]
    fn neighbors_wrap_and_keep_other_axis() {
        let h = HashBits {
            bits: interleave(0, 0),
            step: 3,
        };
        let n = neighbors(h);
        assert_eq!(deinterleave(n.west.bits), (0, 7));
        assert_eq!(deinterleave(n.south.bits), (7, 0));
        assert_eq!(deinterleave(n.north_east.bits), (1, 1));
        // A latitude index one past the last cell (a point on the upper
        // limit) keeps its overflow bit when moving east-west, and loses it
        // when moving north-south.
        let top = HashBits {
            bits: interleave(8, 2),
            step: 3,
        };
        assert_eq!(deinterleave(move_lon(top, 1).bits), (8, 3));
        assert_eq!(deinterleave(move_lat(top, 1).bits), (1, 2));
    }

    #[test]
    fn steps_estimate() {
        assert_eq!(estimate_steps(0.0, 0.0), 26);
        assert_eq!(estimate_steps(1000.0, 0.0), 14);
        assert_eq!(estimate_steps(1000.0, 70.0), 13);
        assert_eq!(estimate_steps(1000.0, -81.0), 12);
        assert_eq!(estimate_steps(5e7, 0.0), 1);
        assert_eq!(estimate_steps(f64::INFINITY, 0.0), 1);
        assert_eq!(estimate_steps(1e-300, 0.0), 26);
    }

    #[test]
    fn search_over_a_sorted_list() {
        let mut points: Vec<(f64, Vec<u8>)> = vec![
            (
                score_of(13.361389, 38.115556).unwrap_or(0.0),
                b"Palermo".to_vec(),
            ),
            (
                score_of(15.087269, 37.502669).unwrap_or(0.0),
                b"Catania".to_vec(),
            ),
            (score_of(2.35, 48.85).unwrap_or(0.0), b"Paris".to_vec()),
        ];
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        let shape = Shape {
            lon: 15.0,
            lat: 37.0,
            area: Area::Radius(200.0),
            to_meters: 1000.0,
        };
        let hits: Vec<Hit<Vec<u8>>> = search(&shape, 0, |min, max, visit| {
            for (s, m) in &points {
                if *s >= min && *s < max && !visit(m, *s) {
                    break;
                }
            }
        });
        let names: Vec<&[u8]> = hits.iter().map(|h| h.member.as_slice()).collect();
        assert_eq!(names, vec![&b"Palermo"[..], &b"Catania"[..]]);
        assert!((hits[0].dist / 1000.0 - 190.4424).abs() < 0.00005);
        assert!((hits[1].dist / 1000.0 - 56.4413).abs() < 0.00005);
        let one: Vec<Hit<Vec<u8>>> = search(&shape, 1, |min, max, visit| {
            for (s, m) in &points {
                if *s >= min && *s < max && !visit(m, *s) {
                    break;
                }
            }
        });
        assert_eq!(one.len(), 1);
    }
}
