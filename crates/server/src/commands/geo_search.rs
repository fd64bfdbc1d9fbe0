//! GEO area searches: GEOSEARCH, GEOSEARCHSTORE, GEORADIUS,
//! GEORADIUSBYMEMBER and their read-only `_RO` forms.
//!
//! All six share one implementation, as in Redis: the centre comes from a
//! position or from a member, the area is a circle or a box, and the options
//! are parsed left to right with Redis's exact precedence (so the same
//! argument mistakes give the same errors). The search itself is in
//! `types::geohash::search`; results are sorted as Redis sorts them
//! (`types::geo_format`) and are either returned or stored as a new sorted
//! set whose scores are the geohashes (STORE) or the distances (STOREDIST).

use cinnabar_resp::{parse_i64_strict, Args};

use super::geo::{
    is_kw, parse_lon_lat, parse_unit, reply_coord, zset_range, zset_score, zset_store,
};
use super::zset::{delete_dest, score_arg, zset_ref};
use crate::error::{CmdError, CmdResult};
use crate::exec::Ctx;
use crate::types::geo_format::{cmp_dist, format_distance, sort_full, sort_partial};
use crate::types::geohash::{self, c_to_i64, Area, Hit, Shape};

/// Which command of the family is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// GEORADIUS / GEORADIUS_RO: centre from a position.
    Radius,
    /// GEORADIUSBYMEMBER / ..._RO: centre from a member.
    RadiusByMember,
    /// GEOSEARCH.
    Search,
    /// GEOSEARCHSTORE.
    SearchStore,
}

impl Kind {
    fn is_search(self) -> bool {
        matches!(self, Kind::Search | Kind::SearchStore)
    }
}

/// Result ordering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// As found.
    None,
    /// Nearest first.
    Asc,
    /// Farthest first.
    Desc,
}

/// Everything the options asked for.
struct Query {
    with_dist: bool,
    with_hash: bool,
    with_coord: bool,
    order: Order,
    any: bool,
    /// 0: no limit.
    count: i64,
    /// Argument index of the destination key.
    store: Option<usize>,
    store_dist: bool,
}

// GEORADIUS key longitude latitude radius <M | KM | FT | MI> [WITHCOORD]
//   [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC | DESC]
//   [STORE key | STOREDIST key]
pub fn georadius(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    run(ctx, args, Kind::Radius, true)
}

// GEORADIUS_RO key longitude latitude radius <M | KM | FT | MI> [WITHCOORD]
//   [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC | DESC]
pub fn georadius_ro(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    run(ctx, args, Kind::Radius, false)
}

// GEORADIUSBYMEMBER key member radius <M | KM | FT | MI> [WITHCOORD]
//   [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC | DESC]
//   [STORE key | STOREDIST key]
pub fn georadiusbymember(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    run(ctx, args, Kind::RadiusByMember, true)
}

// GEORADIUSBYMEMBER_RO key member radius <M | KM | FT | MI> [WITHCOORD]
//   [WITHDIST] [WITHHASH] [COUNT count [ANY]] [ASC | DESC]
pub fn georadiusbymember_ro(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    run(ctx, args, Kind::RadiusByMember, false)
}

// GEOSEARCH key <FROMMEMBER member | FROMLONLAT longitude latitude>
//   <BYRADIUS radius <M | KM | FT | MI> | BYBOX width height <M | KM | FT | MI>>
//   [ASC | DESC] [COUNT count [ANY]] [WITHCOORD] [WITHDIST] [WITHHASH]
pub fn geosearch(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    run(ctx, args, Kind::Search, false)
}

// GEOSEARCHSTORE destination source <FROMMEMBER member | FROMLONLAT longitude
//   latitude> <BYRADIUS radius <M | KM | FT | MI> | BYBOX width height
//   <M | KM | FT | MI>> [ASC | DESC] [COUNT count [ANY]] [STOREDIST]
pub fn geosearchstore(ctx: &mut Ctx<'_>, args: &Args<'_>) -> CmdResult {
    run(ctx, args, Kind::SearchStore, false)
}

/// Parses `radius unit`: the radius and meters per unit.
fn parse_radius(radius: &[u8], unit: &[u8]) -> Result<(f64, f64), CmdError> {
    let r = score_arg(radius).map_err(|_| CmdError::err("need numeric radius"))?;
    if r < 0.0 {
        return Err(CmdError::err("radius cannot be negative"));
    }
    Ok((r, parse_unit(unit)?))
}

/// Parses `width height unit`.
fn parse_box(width: &[u8], height: &[u8], unit: &[u8]) -> Result<(f64, f64, f64), CmdError> {
    let w = score_arg(width).map_err(|_| CmdError::err("need numeric width"))?;
    let h = score_arg(height).map_err(|_| CmdError::err("need numeric height"))?;
    if h < 0.0 || w < 0.0 {
        return Err(CmdError::err("height or width cannot be negative"));
    }
    Ok((w, h, parse_unit(unit)?))
}

const NO_MEMBER: &str = "could not decode requested zset member";

/// The shared search command. `store_ok`: STORE / STOREDIST are accepted
/// (GEORADIUS and GEORADIUSBYMEMBER, not their `_RO` forms).
fn run(ctx: &mut Ctx<'_>, args: &Args<'_>, kind: Kind, store_ok: bool) -> CmdResult {
    let src_index = if kind == Kind::SearchStore { 2 } else { 1 };
    let src_key = args.get(src_index);
    let argc = args.len();
    let zs = match ctx.db.lookup_read(src_key)? {
        Some(e) => Some(zset_ref(e)?),
        None => None,
    };
    let mut shape = Shape {
        lon: 0.0,
        lat: 0.0,
        area: Area::Radius(0.0),
        to_meters: 0.0,
    };
    let base = match kind {
        Kind::Radius => {
            (shape.lon, shape.lat) = parse_lon_lat(args.get(2), args.get(3))?;
            let (r, unit) = parse_radius(args.get(4), args.get(5))?;
            shape.area = Area::Radius(r);
            shape.to_meters = unit;
            6
        }
        Kind::RadiusByMember => {
            if let Some(z) = zs.as_deref() {
                let score = zset_score(z, args.get(2)).ok_or_else(|| CmdError::err(NO_MEMBER))?;
                (shape.lon, shape.lat) = geohash::decode_score(score);
                let (r, unit) = parse_radius(args.get(3), args.get(4))?;
                shape.area = Area::Radius(r);
                shape.to_meters = unit;
            }
            5
        }
        Kind::Search => 2,
        Kind::SearchStore => 3,
    };
    let mut q = Query {
        with_dist: false,
        with_hash: false,
        with_coord: false,
        order: Order::None,
        any: false,
        count: 0,
        store: if kind == Kind::SearchStore {
            Some(1)
        } else {
            None
        },
        store_dist: false,
    };
    let (mut from_member, mut from_lonlat, mut by_radius, mut by_box) =
        (false, false, false, false);
    let search = kind.is_search();
    let mut i = base;
    while i < argc {
        let a = args.get(i);
        let left = argc - i - 1; // arguments after this one
        if is_kw(a, "withdist") {
            q.with_dist = true;
        } else if is_kw(a, "withhash") {
            q.with_hash = true;
        } else if is_kw(a, "withcoord") {
            q.with_coord = true;
        } else if is_kw(a, "any") {
            q.any = true;
        } else if is_kw(a, "asc") {
            q.order = Order::Asc;
        } else if is_kw(a, "desc") {
            q.order = Order::Desc;
        } else if is_kw(a, "count") && left >= 1 {
            let n = parse_i64_strict(args.get(i + 1)).ok_or(CmdError::NotInteger)?;
            if n <= 0 {
                return Err(CmdError::err("COUNT must be > 0"));
            }
            q.count = n;
            i += 1;
        } else if is_kw(a, "store") && left >= 1 && store_ok {
            q.store = Some(i + 1);
            q.store_dist = false;
            i += 1;
        } else if is_kw(a, "storedist") && left >= 1 && store_ok {
            q.store = Some(i + 1);
            q.store_dist = true;
            i += 1;
        } else if is_kw(a, "storedist") && kind == Kind::SearchStore {
            q.store_dist = true;
        } else if is_kw(a, "frommember") && left >= 1 && search && !from_lonlat {
            if let Some(z) = zs.as_deref() {
                let score =
                    zset_score(z, args.get(i + 1)).ok_or_else(|| CmdError::err(NO_MEMBER))?;
                (shape.lon, shape.lat) = geohash::decode_score(score);
            }
            from_member = true;
            i += 1;
        } else if is_kw(a, "fromlonlat") && left >= 2 && search && !from_member {
            (shape.lon, shape.lat) = parse_lon_lat(args.get(i + 1), args.get(i + 2))?;
            from_lonlat = true;
            i += 2;
        } else if is_kw(a, "byradius") && left >= 2 && search && !by_box {
            let (r, unit) = parse_radius(args.get(i + 1), args.get(i + 2))?;
            shape.area = Area::Radius(r);
            shape.to_meters = unit;
            by_radius = true;
            i += 2;
        } else if is_kw(a, "bybox") && left >= 3 && search && !by_radius {
            let (w, h, unit) = parse_box(args.get(i + 1), args.get(i + 2), args.get(i + 3))?;
            shape.area = Area::Box {
                width: w,
                height: h,
            };
            shape.to_meters = unit;
            by_box = true;
            i += 3;
        } else {
            return Err(CmdError::Syntax);
        }
        i += 1;
    }

    if q.store.is_some() && (q.with_dist || q.with_hash || q.with_coord) {
        let what = if kind == Kind::SearchStore {
            "GEOSEARCHSTORE"
        } else {
            "STORE option in GEORADIUS"
        };
        return Err(CmdError::err(format!(
            "{what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options"
        )));
    }
    let name = String::from_utf8_lossy(args.get(0));
    if search && !(from_member || from_lonlat) {
        return Err(CmdError::err(format!(
            "exactly one of FROMMEMBER or FROMLONLAT can be specified for {name}"
        )));
    }
    if search && !(by_radius || by_box) {
        return Err(CmdError::err(format!(
            "exactly one of BYRADIUS and BYBOX can be specified for {name}"
        )));
    }
    if q.any && q.count == 0 {
        return Err(CmdError::err("the ANY argument requires COUNT argument"));
    }

    let Some(z) = zs.as_deref() else {
        match q.store {
            Some(dest) => {
                delete_dest(&mut ctx.db, args.get(dest))?;
                ctx.out.int(0);
            }
            None => ctx.out.array(0),
        }
        return Ok(());
    };

    // COUNT without an order means the nearest ones (unless ANY).
    if q.count != 0 && q.order == Order::None && !q.any {
        q.order = Order::Asc;
    }
    let limit = if q.any {
        usize::try_from(q.count).unwrap_or(usize::MAX)
    } else {
        0
    };
    let mut hits: Vec<Hit<Vec<u8>>> = geohash::search(&shape, limit, |min, max, visit| {
        zset_range(z, min, max, visit)
    });

    if hits.is_empty() && q.store.is_none() {
        ctx.out.array(0);
        return Ok(());
    }
    let found = hits.len();
    let returned = match usize::try_from(q.count) {
        Ok(c) if c > 0 && c < found => c,
        _ => found,
    };
    if q.order != Order::None && found > 0 {
        let desc = q.order == Order::Desc;
        let cmp = move |a: &Hit<Vec<u8>>, b: &Hit<Vec<u8>>| {
            let o = cmp_dist(a.dist, b.dist);
            if desc {
                o.reverse()
            } else {
                o
            }
        };
        if returned == found {
            hits = sort_full(hits, cmp);
        } else {
            sort_partial(&mut hits, 0, returned - 1, cmp);
        }
    }
    hits.truncate(returned);

    if let Some(dest) = q.store {
        let items: Vec<(f64, Vec<u8>)> = hits
            .into_iter()
            .map(|h| {
                let score = if q.store_dist {
                    h.dist / shape.to_meters
                } else {
                    h.score
                };
                (score, h.member)
            })
            .collect();
        let event = if kind.is_search() {
            "geosearchstore"
        } else {
            "georadiusstore"
        };
        zset_store(ctx, args.get(dest), items, event)?;
        ctx.out.int(i64::try_from(returned).unwrap_or(i64::MAX));
        return Ok(());
    }

    let extras = usize::from(q.with_dist) + usize::from(q.with_hash) + usize::from(q.with_coord);
    ctx.out.array(returned);
    for h in &hits {
        if extras > 0 {
            ctx.out.array(extras + 1);
        }
        ctx.out.bulk(&h.member);
        if q.with_dist {
            ctx.out
                .bulk(format_distance(h.dist / shape.to_meters).as_bytes());
        }
        if q.with_hash {
            ctx.out.int(c_to_i64(h.score));
        }
        if q.with_coord {
            ctx.out.array(2);
            reply_coord(ctx.out, h.lon);
            reply_coord(ctx.out, h.lat);
        }
    }
    Ok(())
}
