//! GEO commands that store or read single positions: GEOADD, GEODIST, GEOHASH
//! and GEOPOS, plus the command table of the whole family. The area searches
//! (GEOSEARCH, GEOSEARCHSTORE, GEORADIUS and friends) are in `geo_search.rs`.
//!
//! A GEO index is an ordinary sorted set whose scores are 52-bit geohashes
//! (see `types::geohash`); GEOADD is ZADD with the positions turned into
//! scores, and every read decodes scores back into positions. Replies follow
//! Redis 7.2 digit for digit: coordinates as `%.17Lf` without trailing zeros,
//! distances with four decimals (see `types::geo_format`).

use cinnabar_resp::{Args, ReplyBuf};

use super::geo_search::{
    georadius, georadius_ro, georadiusbymember, georadiusbymember_ro, geosearch, geosearchstore,
};
use super::prelude::*;
use super::zset::{self, score_arg, zset_ref};
use super::{acl, flags::*, CommandDef};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;
use crate::types::geo_format::{format_coord, format_distance, format_fixed};
use crate::types::geohash::{self, LAT_MAX, LAT_MIN, LON_MAX, LON_MIN};
use crate::types::zset::{AddFlags, AddOutcome, ScoreRange, ZSet};

const RW_WRITE: u64 = acl::WRITE | acl::GEO | acl::SLOW;
const RO_READ: u64 = acl::READ | acl::GEO | acl::SLOW;

/// `M | KM | FT | MI`: the unit of every radius, box and distance.
const UNIT: ArgSpec = oneof(
    "unit",
    &[
        token("m", "M"),
        token("km", "KM"),
        token("ft", "FT"),
        token("mi", "MI"),
    ],
);
/// `[ASC | DESC]`.
const ORDER: ArgSpec = oneof("order", &[token("asc", "ASC"), token("desc", "DESC")]).optional();
/// `[COUNT count [ANY]]`.
const COUNT: ArgSpec = block(
    "count-block",
    &[
        integer("count").token("COUNT"),
        token("any", "ANY").optional(),
    ],
)
.optional();
/// [`COUNT`] where Redis documents ANY as added in 6.2.0 (GEORADIUS, GEORADIUS_RO).
const COUNT_ANY_SINCE_62: ArgSpec = block(
    "count-block",
    &[
        integer("count").token("COUNT"),
        token("any", "ANY").optional().since("6.2.0"),
    ],
)
.optional();
/// The WITH* reply options of the search commands.
const WITHCOORD: ArgSpec = token("withcoord", "WITHCOORD").optional();
/// See [`WITHCOORD`].
const WITHDIST: ArgSpec = token("withdist", "WITHDIST").optional();
/// See [`WITHCOORD`].
const WITHHASH: ArgSpec = token("withhash", "WITHHASH").optional();
/// `[STORE key | STOREDIST key]` of GEORADIUS and GEORADIUSBYMEMBER.
const RADIUS_STORE: ArgSpec = oneof(
    "store",
    &[
        key("storekey", 1).token("STORE").display("key"),
        key("storedistkey", 2).token("STOREDIST").display("key"),
    ],
)
.optional();
/// `FROMMEMBER member | FROMLONLAT longitude latitude` of GEOSEARCH(STORE).
const SEARCH_FROM: ArgSpec = oneof(
    "from",
    &[
        string("member").token("FROMMEMBER"),
        block("fromlonlat", &[double("longitude"), double("latitude")]).token("FROMLONLAT"),
    ],
);
/// `BYRADIUS radius unit | BYBOX width height unit` of GEOSEARCH(STORE).
const SEARCH_BY: ArgSpec = oneof(
    "by",
    &[
        block("circle", &[double("radius").token("BYRADIUS"), UNIT]),
        block(
            "box",
            &[double("width").token("BYBOX"), double("height"), UNIT],
        ),
    ],
);

/// The GEO command table.
pub static COMMANDS: &[CommandDef] = &[
    CommandDef::new("geoadd", -5, WRITE | DENYOOM, "geo", geoadd)
        .acl(RW_WRITE)
        .since("3.2.0")
        .doc(
            concat!(
                "Adds members with coordinates to a geospatial index, ",
                "creating the key if needed."
            ),
            "O(log(N)) per member added, N being the index's size.",
        )
        .history(&[("6.2.0", "CH, NX and XX options.")])
        .key_specs(&[KeySpec::single(RW | UPDATE, 1)])
        .args(&[
            key("key", 0),
            oneof("condition", &[token("nx", "NX"), token("xx", "XX")])
                .optional()
                .since("6.2.0"),
            token("change", "CH").optional().since("6.2.0"),
            block(
                "data",
                &[double("longitude"), double("latitude"), string("member")],
            )
            .multiple(),
        ]),
    CommandDef::new("geodist", -4, READONLY, "geo", geodist)
        .acl(RO_READ)
        .since("3.2.0")
        .doc(
            "Measures the distance between two members of a geospatial index.",
            "O(1)",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            string("member1"),
            string("member2"),
            UNIT.optional(),
        ]),
    CommandDef::new("geohash", -2, READONLY, "geo", geohash_cmd)
        .acl(RO_READ)
        .since("3.2.0")
        .doc(
            "Gives the geohash string of members of a geospatial index.",
            "O(1) per member.",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), string("member").optional().multiple()]),
    CommandDef::new("geopos", -2, READONLY, "geo", geopos)
        .acl(RO_READ)
        .since("3.2.0")
        .doc(
            "Gives the longitude and latitude of members of a geospatial index.",
            "O(1) per member.",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), string("member").optional().multiple()]),
    CommandDef::new("geosearch", -7, READONLY, "geo", geosearch)
        .acl(RO_READ)
        .since("6.2.0")
        .doc(
            "Finds members of a geospatial index inside a circle or a box.",
            concat!(
                "O(N+log(M)), N being the members in the grid-aligned ",
                "bounding box of the shape and M the members inside the shape"
            ),
        )
        .history(&[("7.0.0", "Unit names in upper case.")])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            SEARCH_FROM,
            SEARCH_BY,
            ORDER,
            COUNT,
            WITHCOORD,
            WITHDIST,
            WITHHASH,
        ]),
    CommandDef::new("geosearchstore", -8, WRITE | DENYOOM, "geo", geosearchstore)
        .acl(RW_WRITE)
        .since("6.2.0")
        .doc(
            concat!(
                "Finds members of a geospatial index inside a circle or a box ",
                "and stores them."
            ),
            concat!(
                "O(N+log(M)), N being the members in the grid-aligned ",
                "bounding box of the shape and M the members inside the shape"
            ),
        )
        .history(&[("7.0.0", "Unit names in upper case.")])
        .key_specs(&[
            KeySpec::single(OW | UPDATE, 1),
            KeySpec::single(RO | ACCESS, 2),
        ])
        .args(&[
            key("destination", 0),
            key("source", 1),
            SEARCH_FROM,
            SEARCH_BY,
            ORDER,
            COUNT,
            token("storedist", "STOREDIST").optional(),
        ]),
    CommandDef::new("georadius", -6, WRITE | DENYOOM, "geo", georadius)
        .acl(RW_WRITE)
        .since("3.2.0")
        .doc(
            concat!(
                "Finds members of a geospatial index within a radius of a ",
                "point, optionally storing them."
            ),
            concat!(
                "O(N+log(M)), N being the members in the bounding box of the ",
                "circle and M the index's size."
            ),
        )
        .deprecated(
            "6.2.0",
            "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument",
        )
        .history(&[
            ("6.2.0", "ANY with COUNT."),
            ("7.0.0", "Unit names in upper case."),
        ])
        .key_specs(&[
            KeySpec::single(RO | ACCESS, 1),
            kw_range(OW | UPDATE, "STORE", 6, 0, 1, 0),
            kw_range(OW | UPDATE, "STOREDIST", 6, 0, 1, 0),
        ])
        .args(&[
            key("key", 0),
            double("longitude"),
            double("latitude"),
            double("radius"),
            UNIT,
            WITHCOORD,
            WITHDIST,
            WITHHASH,
            COUNT_ANY_SINCE_62,
            ORDER,
            RADIUS_STORE,
        ])
        .keys_fn(getkeys::georadius_keys),
    CommandDef::new("georadius_ro", -6, READONLY, "geo", georadius_ro)
        .acl(RO_READ)
        .since("3.2.10")
        .doc(
            "Finds members of a geospatial index within a radius of a point.",
            concat!(
                "O(N+log(M)), N being the members in the bounding box of the ",
                "circle and M the index's size."
            ),
        )
        .deprecated("6.2.0", "`GEOSEARCH` with the `BYRADIUS` argument")
        .history(&[("6.2.0", "ANY with COUNT.")])
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            double("longitude"),
            double("latitude"),
            double("radius"),
            UNIT,
            WITHCOORD,
            WITHDIST,
            WITHHASH,
            COUNT_ANY_SINCE_62,
            ORDER,
        ]),
    CommandDef::new(
        "georadiusbymember",
        -5,
        WRITE | DENYOOM,
        "geo",
        georadiusbymember,
    )
    .acl(RW_WRITE)
    .since("3.2.0")
    .doc(
        concat!(
            "Finds members of a geospatial index within a radius of ",
            "another member, optionally storing them."
        ),
        concat!(
            "O(N+log(M)), N being the members in the bounding box of the ",
            "circle and M the index's size."
        ),
    )
    .deprecated(
        "6.2.0",
        "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments",
    )
    .history(&[("7.0.0", "Unit names in upper case.")])
    .key_specs(&[
        KeySpec::single(RO | ACCESS, 1),
        kw_range(OW | UPDATE, "STORE", 5, 0, 1, 0),
        kw_range(OW | UPDATE, "STOREDIST", 5, 0, 1, 0),
    ])
    .args(&[
        key("key", 0),
        string("member"),
        double("radius"),
        UNIT,
        WITHCOORD,
        WITHDIST,
        WITHHASH,
        COUNT,
        ORDER,
        RADIUS_STORE,
    ])
    .keys_fn(getkeys::georadius_keys),
    CommandDef::new(
        "georadiusbymember_ro",
        -5,
        READONLY,
        "geo",
        georadiusbymember_ro,
    )
    .acl(RO_READ)
    .since("3.2.10")
    .doc(
        "Finds members of a geospatial index within a radius of another member.",
        concat!(
            "O(N+log(M)), N being the members in the bounding box of the ",
            "circle and M the index's size."
        ),
    )
    .deprecated(
        "6.2.0",
        "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments",
    )
    .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
    .args(&[
        key("key", 0),
        string("member"),
        double("radius"),
        UNIT,
        WITHCOORD,
        WITHDIST,
        WITHHASH,
        COUNT,
        ORDER,
    ]),
];

/// Keyword comparison as C's `strcasecmp` on the argument: the argument ends
/// at its first NUL byte.
pub fn is_kw(arg: &[u8], kw: &str) -> bool {
    let end = arg.iter().position(|&b| b == 0).unwrap_or(arg.len());
    arg.get(..end)
        .is_some_and(|a| a.eq_ignore_ascii_case(kw.as_bytes()))
}

/// Parses a unit name into meters per unit.
pub fn parse_unit(arg: &[u8]) -> Result<f64, CmdError> {
    if is_kw(arg, "m") {
        Ok(1.0)
    } else if is_kw(arg, "km") {
        Ok(1000.0)
    } else if is_kw(arg, "ft") {
        Ok(0.3048)
    } else if is_kw(arg, "mi") {
        Ok(1609.34)
    } else {
        Err(CmdError::err(
            "unsupported unit provided. please use M, KM, FT, MI",
        ))
    }
}

/// Parses a longitude and a latitude (as Redis's `string2d`: hexadecimal
/// floats and `inf` are numbers), checking the indexable range.
pub fn parse_lon_lat(lon: &[u8], lat: &[u8]) -> Result<(f64, f64), CmdError> {
    let lon = score_arg(lon)?;
    let lat = score_arg(lat)?;
    if !(LON_MIN..=LON_MAX).contains(&lon) || !(LAT_MIN..=LAT_MAX).contains(&lat) {
        return Err(CmdError::err(format!(
            "invalid longitude,latitude pair {},{}",
            format_fixed(lon, 6),
            format_fixed(lat, 6)
        )));
    }
    Ok((lon, lat))
}

/// Writes a coordinate: a bulk string in RESP2, a double in RESP3.
pub fn reply_coord(out: &mut ReplyBuf, x: f64) {
    let text = format_coord(x);
    if out.resp3 {
        out.raw(b",");
        out.raw(text.as_bytes());
        out.raw(b"\r\n");
    } else {
        out.bulk(text.as_bytes());
    }
}

// GEOADD key [NX | XX] [CH] longitude latitude member [longitude latitude member ...]
fn geoadd(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let (mut nx, mut xx, mut ch) = (false, false, false);
    let mut first = 2;
    while first < args.len() {
        let opt = args.get(first);
        if is_kw(opt, "nx") {
            nx = true;
        } else if is_kw(opt, "xx") {
            xx = true;
        } else if is_kw(opt, "ch") {
            ch = true;
        } else {
            break;
        }
        first += 1;
    }
    let rest = args.len() - first;
    if !rest.is_multiple_of(3) || (nx && xx) || rest == 0 {
        return Err(CmdError::Syntax);
    }
    let mut items: Vec<(f64, &[u8])> = Vec::with_capacity(rest / 3);
    for i in (first..args.len()).step_by(3) {
        let (lon, lat) = parse_lon_lat(args.get(i), args.get(i + 1))?;
        let score = geohash::score_of(lon, lat).ok_or(CmdError::NotFloat)?;
        items.push((score, args.get(i + 2)));
    }
    let flags = AddFlags {
        nx,
        xx,
        ..AddFlags::default()
    };
    let key = args.get(1);
    let (added, updated) = zset_add(ctx, key, &items, flags)?;
    if added + updated > 0 {
        ctx.db.changed_n(key, "zadd", added + updated);
        // Redis runs GEOADD as the ZADD it builds, options kept, and
        // propagates that ZADD.
        let mut argv: Vec<Vec<u8>> = Vec::with_capacity(first + items.len() * 2);
        argv.push(b"zadd".to_vec());
        argv.extend((1..first).map(|i| args.get(i).to_vec()));
        for &(score, member) in &items {
            argv.push((score as u64).to_string().into_bytes());
            argv.push(member.to_vec());
        }
        ctx.db.propagate_as(argv);
    }
    let n = if ch { added + updated } else { added };
    ctx.out.int(n as i64);
    Ok(())
}

// GEODIST key member1 member2 [M | KM | FT | MI]
fn geodist(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let to_meters = match args.len() {
        5 => parse_unit(args.get(4))?,
        n if n > 5 => return Err(CmdError::Syntax),
        _ => 1.0,
    };
    let Some(e) = ctx.db.lookup_read(args.get(1))? else {
        ctx.out.null();
        return Ok(());
    };
    let z = zset_ref(e)?;
    let (Some(s1), Some(s2)) = (zset_score(&z, args.get(2)), zset_score(&z, args.get(3))) else {
        ctx.out.null();
        return Ok(());
    };
    let (lon1, lat1) = geohash::decode_score(s1);
    let (lon2, lat2) = geohash::decode_score(s2);
    let d = geohash::distance(lon1, lat1, lon2, lat2) / to_meters;
    ctx.out.bulk(format_distance(d).as_bytes());
    Ok(())
}

// GEOHASH key [member [member ...]]
fn geohash_cmd(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let z = match ctx.db.lookup_read(args.get(1))? {
        Some(e) => Some(zset_ref(e)?),
        None => None,
    };
    ctx.out.array(args.len() - 2);
    for m in args.iter().skip(2) {
        match z.as_deref().and_then(|z| zset_score(z, m)) {
            Some(score) => ctx.out.bulk(&geohash::geohash_string(score)),
            None => ctx.out.null(),
        }
    }
    Ok(())
}

// GEOPOS key [member [member ...]]
fn geopos(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    let z = match ctx.db.lookup_read(args.get(1))? {
        Some(e) => Some(zset_ref(e)?),
        None => None,
    };
    ctx.out.array(args.len() - 2);
    for m in args.iter().skip(2) {
        match z.as_deref().and_then(|z| zset_score(z, m)) {
            Some(score) => {
                let (lon, lat) = geohash::decode_score(score);
                ctx.out.array(2);
                reply_coord(ctx.out, lon);
                reply_coord(ctx.out, lat);
            }
            None => ctx.out.null_array(),
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Sorted-set access used by the GEO commands: thin helpers over the public
// API of `types::zset` and `commands::zset`.
// ---------------------------------------------------------------------------

/// A member's score.
pub fn zset_score(z: &ZSet, member: &[u8]) -> Option<f64> {
    z.score(member)
}

/// Calls `visit(member, score)` for the members with `min <= score < max`, in
/// sorted-set order, until it returns false.
pub fn zset_range(z: &ZSet, min: f64, max: f64, visit: &mut dyn FnMut(&[u8], f64) -> bool) {
    let range = ScoreRange {
        min,
        max,
        minex: false,
        maxex: true,
    };
    for (item, score) in z.range_by_score(&range, false, 0, -1) {
        if !visit(&item.to_bytes(), score) {
            break;
        }
    }
}

/// ZADD of `(score, member)` pairs with NX / XX (Redis runs GEOADD as a
/// ZADD): the numbers of added and of updated members. The caller records
/// the change.
fn zset_add(
    ctx: &mut Ctx<'_>,
    key: &[u8],
    items: &[(f64, &[u8])],
    flags: AddFlags,
) -> Result<(usize, usize), CmdError> {
    let lim = zset::limits(ctx);
    let exists = match ctx.db.lookup_write(key)? {
        Some(e) => {
            zset_ref(e)?;
            true
        }
        None => false,
    };
    let (mut added, mut updated) = (0usize, 0usize);
    if exists || !flags.xx {
        let first_len = items.first().map_or(0, |(_, m)| m.len());
        let z = zset::create_zset(&mut ctx.db, key, items.len(), first_len, &lim)?;
        if exists {
            z.maybe_convert(items.len(), &lim);
        }
        for &(score, member) in items {
            match z.add(score, member, flags, &lim) {
                Ok(AddOutcome::Added(_)) => added += 1,
                Ok(AddOutcome::Updated(_)) => updated += 1,
                _ => {}
            }
        }
    }
    Ok((added, updated))
}

/// Replaces `dest` with a sorted set of the `(score, member)` results (the
/// key is deleted when there are none), recording `event` counting one change
/// per result as Redis does. Encoded as Redis does for a stored result: a
/// listpack when it fits the thresholds.
pub fn zset_store(
    ctx: &mut Ctx<'_>,
    dest: &[u8],
    items: Vec<(f64, Vec<u8>)>,
    event: &'static str,
) -> CmdResult {
    let dirty = items.len();
    let lim = zset::limits(ctx);
    let mut sorted: Vec<(Vec<u8>, f64)> = Vec::with_capacity(items.len());
    let mut seen = std::collections::HashSet::with_capacity(items.len());
    for (score, member) in items {
        // Redis cannot store a NaN distance or the same member twice (its
        // assertions would stop the server); keep the first sane entry.
        if !score.is_nan() && seen.insert(member.clone()) {
            sorted.push((member, score));
        }
    }
    sorted.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    let n = sorted.len();
    let z = ZSet::from_sorted(sorted, n, &lim);
    zset::store_zset(&mut ctx.db, dest, z, event, dirty)?;
    Ok(())
}
