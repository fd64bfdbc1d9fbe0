//! Documented facts of the geospatial commands.

use super::*;

/// The entries of this family.
pub(super) static ENTRIES: &[CommandMeta] = &[
    CommandMeta::new("geoadd", "geo", "3.2.0")
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
    CommandMeta::new("geodist", "geo", "3.2.0")
        .doc(
            "Measures the distance between two members of a geospatial index.",
            "O(1)",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[
            key("key", 0),
            string("member1"),
            string("member2"),
            oneof(
                "unit",
                &[
                    token("m", "M"),
                    token("km", "KM"),
                    token("ft", "FT"),
                    token("mi", "MI"),
                ],
            )
            .optional(),
        ]),
    CommandMeta::new("geohash", "geo", "3.2.0")
        .doc(
            "Gives the geohash string of members of a geospatial index.",
            "O(1) per member.",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), string("member").optional().multiple()]),
    CommandMeta::new("geopos", "geo", "3.2.0")
        .doc(
            "Gives the longitude and latitude of members of a geospatial index.",
            "O(1) per member.",
        )
        .key_specs(&[KeySpec::single(RO | ACCESS, 1)])
        .args(&[key("key", 0), string("member").optional().multiple()]),
    CommandMeta::new("georadius", "geo", "3.2.0")
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
            oneof(
                "unit",
                &[
                    token("m", "M"),
                    token("km", "KM"),
                    token("ft", "FT"),
                    token("mi", "MI"),
                ],
            ),
            token("withcoord", "WITHCOORD").optional(),
            token("withdist", "WITHDIST").optional(),
            token("withhash", "WITHHASH").optional(),
            block(
                "count-block",
                &[
                    integer("count").token("COUNT"),
                    token("any", "ANY").optional().since("6.2.0"),
                ],
            )
            .optional(),
            oneof("order", &[token("asc", "ASC"), token("desc", "DESC")]).optional(),
            oneof(
                "store",
                &[
                    key("storekey", 1).token("STORE").display("key"),
                    key("storedistkey", 2).token("STOREDIST").display("key"),
                ],
            )
            .optional(),
        ]),
    CommandMeta::new("georadius_ro", "geo", "3.2.10")
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
            oneof(
                "unit",
                &[
                    token("m", "M"),
                    token("km", "KM"),
                    token("ft", "FT"),
                    token("mi", "MI"),
                ],
            ),
            token("withcoord", "WITHCOORD").optional(),
            token("withdist", "WITHDIST").optional(),
            token("withhash", "WITHHASH").optional(),
            block(
                "count-block",
                &[
                    integer("count").token("COUNT"),
                    token("any", "ANY").optional().since("6.2.0"),
                ],
            )
            .optional(),
            oneof("order", &[token("asc", "ASC"), token("desc", "DESC")]).optional(),
        ]),
    CommandMeta::new("georadiusbymember", "geo", "3.2.0")
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
            oneof(
                "unit",
                &[
                    token("m", "M"),
                    token("km", "KM"),
                    token("ft", "FT"),
                    token("mi", "MI"),
                ],
            ),
            token("withcoord", "WITHCOORD").optional(),
            token("withdist", "WITHDIST").optional(),
            token("withhash", "WITHHASH").optional(),
            block(
                "count-block",
                &[
                    integer("count").token("COUNT"),
                    token("any", "ANY").optional(),
                ],
            )
            .optional(),
            oneof("order", &[token("asc", "ASC"), token("desc", "DESC")]).optional(),
            oneof(
                "store",
                &[
                    key("storekey", 1).token("STORE").display("key"),
                    key("storedistkey", 2).token("STOREDIST").display("key"),
                ],
            )
            .optional(),
        ]),
    CommandMeta::new("georadiusbymember_ro", "geo", "3.2.10")
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
            oneof(
                "unit",
                &[
                    token("m", "M"),
                    token("km", "KM"),
                    token("ft", "FT"),
                    token("mi", "MI"),
                ],
            ),
            token("withcoord", "WITHCOORD").optional(),
            token("withdist", "WITHDIST").optional(),
            token("withhash", "WITHHASH").optional(),
            block(
                "count-block",
                &[
                    integer("count").token("COUNT"),
                    token("any", "ANY").optional(),
                ],
            )
            .optional(),
            oneof("order", &[token("asc", "ASC"), token("desc", "DESC")]).optional(),
        ]),
    CommandMeta::new("geosearch", "geo", "6.2.0")
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
            oneof(
                "from",
                &[
                    string("member").token("FROMMEMBER"),
                    block("fromlonlat", &[double("longitude"), double("latitude")])
                        .token("FROMLONLAT"),
                ],
            ),
            oneof(
                "by",
                &[
                    block(
                        "circle",
                        &[
                            double("radius").token("BYRADIUS"),
                            oneof(
                                "unit",
                                &[
                                    token("m", "M"),
                                    token("km", "KM"),
                                    token("ft", "FT"),
                                    token("mi", "MI"),
                                ],
                            ),
                        ],
                    ),
                    block(
                        "box",
                        &[
                            double("width").token("BYBOX"),
                            double("height"),
                            oneof(
                                "unit",
                                &[
                                    token("m", "M"),
                                    token("km", "KM"),
                                    token("ft", "FT"),
                                    token("mi", "MI"),
                                ],
                            ),
                        ],
                    ),
                ],
            ),
            oneof("order", &[token("asc", "ASC"), token("desc", "DESC")]).optional(),
            block(
                "count-block",
                &[
                    integer("count").token("COUNT"),
                    token("any", "ANY").optional(),
                ],
            )
            .optional(),
            token("withcoord", "WITHCOORD").optional(),
            token("withdist", "WITHDIST").optional(),
            token("withhash", "WITHHASH").optional(),
        ]),
    CommandMeta::new("geosearchstore", "geo", "6.2.0")
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
            oneof(
                "from",
                &[
                    string("member").token("FROMMEMBER"),
                    block("fromlonlat", &[double("longitude"), double("latitude")])
                        .token("FROMLONLAT"),
                ],
            ),
            oneof(
                "by",
                &[
                    block(
                        "circle",
                        &[
                            double("radius").token("BYRADIUS"),
                            oneof(
                                "unit",
                                &[
                                    token("m", "M"),
                                    token("km", "KM"),
                                    token("ft", "FT"),
                                    token("mi", "MI"),
                                ],
                            ),
                        ],
                    ),
                    block(
                        "box",
                        &[
                            double("width").token("BYBOX"),
                            double("height"),
                            oneof(
                                "unit",
                                &[
                                    token("m", "M"),
                                    token("km", "KM"),
                                    token("ft", "FT"),
                                    token("mi", "MI"),
                                ],
                            ),
                        ],
                    ),
                ],
            ),
            oneof("order", &[token("asc", "ASC"), token("desc", "DESC")]).optional(),
            block(
                "count-block",
                &[
                    integer("count").token("COUNT"),
                    token("any", "ANY").optional(),
                ],
            )
            .optional(),
            token("storedist", "STOREDIST").optional(),
        ]),
];
