"""A tiny hand-made frontier and dataset for the export and import tests.

The PRC lies east of 80° E and the USSR west of it (40–50° N), with Mongolia in the
north-east corner; the border is the meridian 80° E.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
from shapely.geometry import LineString, Polygon, box

from mapapp.dataset import Dataset
from mapapp.geocode import Frontier, GeocodeResult, geocode
from mapapp.model import Event, Source
from tests.conftest import make_place

WGS84 = "EPSG:4326"


@dataclass(frozen=True)
class World:
    data: Dataset
    frontier: Frontier
    zones: gpd.GeoDataFrame
    located: GeocodeResult


def frontier() -> Frontier:
    border = gpd.GeoDataFrame(
        {"id": ["s1"], "certainty": ["certain"], "basis": [["a treaty", "a map"]]},
        geometry=[LineString([(80, 40), (80, 50)])],
        crs=WGS84,
    )
    territory = gpd.GeoDataFrame(
        {
            "state": ["PRC", "USSR", "MPR"],
            "unit": ["Xinjiang", "Kazakh SSR", "Mongolian People's Republic"],
        },
        geometry=[box(80, 40, 88, 45), box(70, 40, 80, 50), box(80, 45, 88, 50)],
        crs=WGS84,
    )
    return Frontier(border, territory)


def zones() -> gpd.GeoDataFrame:
    # given clockwise, with a counter-clockwise hole: the writers must fix both
    ring = [(79.5, 44), (79.5, 45), (80.5, 45), (80.5, 44), (79.5, 44)]
    hole = [(79.9, 44.4), (80.1, 44.4), (80.1, 44.6), (79.9, 44.6), (79.9, 44.4)]
    return gpd.GeoDataFrame(
        {"id": ["z1"], "name": ["Khorgos sector"], "sources": [["OSM", "NE"]]},
        geometry=[Polygon(ring, [hole])],
        crs=WGS84,
    )


PLACES = [
    make_place(
        "tacheng",
        [("Tacheng", "en"), ("Чугучак", "ru"), ("塔城", "zh")],
        "PRC",
        83.0,
        44.7,
        kind="county-seat",
    ),
    make_place("urjar", [("Urjar", "en"), ("Уржар", "ru")], "USSR", 78.0, 47.0),
    make_place(
        "khorgos-cn",
        [("Khorgos (China)", "en"), ("Khorgos", "en")],
        "PRC",
        80.4,
        44.2,
        kind="crossing-point",
    ),
    make_place(
        "khorgos-kz",
        [("Khorgos (USSR)", "en"), ("Khorgos", "en")],
        "USSR",
        79.9,
        44.2,
        kind="border-post",
    ),
    make_place(
        "yining",
        [("Yining", "en"), ("Ghulja", "ug-Latn"), ("Кульджа", "ru")],
        "PRC",
        81.3,
        43.9,
        kind="city",
    ),
    make_place(
        "ili",
        [("Ili", "en")],
        "PRC",
        81.31,
        43.91,
        kind="prefecture",
        precision="region",
    ),
    make_place("moscow", [("Moscow", "en")], "USSR", 37.6, 55.75, kind="capital"),
]

SOURCES = [
    Source(
        id="memo",
        title="A memorandum",
        date="1962-04-24",
        kind="primary",
        grade="A",
        issuer="Soviet government",
        archive_ref="FMA 1",
        summary="s",
    ),
    Source(
        id="kraus",
        title="An article",
        date="2019",
        kind="scholarship",
        grade="B",
        summary="s",
    ),
    Source(id="rumour", title="A retelling", kind="popular", grade="D", summary="s"),
]


def events() -> list[Event]:
    def ev(eid: str, **fields) -> Event:
        base = {
            "title": eid.replace("-", " ").capitalize(),
            "summary": f"What happened: {eid}.",
            "kind": "crossing",
            "when": "1962-04-22",
            "sources": [{"source": "memo"}],
        }
        return Event(id=eid, **{**base, **fields})

    return [
        ev(
            "route-inferred",
            places=[
                {"place": "tacheng", "role": "origin"},
                {"place": "urjar", "role": "destination"},
            ],
            claims=[
                {
                    "quantity": "people",
                    "value": 6000,
                    "approximate": True,
                    "scope": "one day",
                    "claimant": "Soviet government",
                    "source": "memo",
                    "as_of": "1962-04-22",
                    "locator": "p. 2",
                },
                {
                    "quantity": "people",
                    "low": 5000,
                    "high": 6000,
                    "scope": "one day",
                    "claimant": "Xinjiang officials",
                    "source": "kraus",
                },
                {
                    "quantity": "livestock",
                    "value": 1.5,
                    "scope": "head",
                    "claimant": "A herder",
                    "source": "rumour",
                    "unverified": True,
                },
            ],
            sources=[
                {
                    "source": "memo",
                    "locator": "p. 2",
                    "quote": "crossed",
                    "note": "a note",
                },
                {"source": "kraus"},
                {"source": "rumour"},
            ],
            date_note="Two lines:\nthe second one.",
            related=["two-routes"],
        ),
        ev(
            "two-routes",
            when="1962-04-10/1962-04-20",
            places=[
                {"place": "Кульджа", "role": "origin", "route": 1},
                {"place": "khorgos-cn", "role": "crossing", "route": 1},
                {"place": "tacheng", "role": "origin", "route": 2},
                {"place": "urjar", "role": "destination", "route": 2},
            ],
        ),
        ev(
            "one-site",
            kind="unrest",
            when="1962-05-29?",
            places=[{"place": "yining", "role": "site"}],
        ),
        ev(
            "two-sites",
            kind="diplomacy",
            when="1962-08/..",
            places=[
                {"place": "moscow", "role": "site"},
                {"place": "ili", "role": "site"},
            ],
        ),
        ev(
            "nowhere",
            kind="context",
            when="196X",
            title='=HYPERLINK("x")',
            summary="+1 more; -2 less; @mention",
        ),
    ]


def world() -> World:
    data = Dataset.of(
        events=tuple(events()),
        sources={s.id: s for s in SOURCES},
        places={p.id: p for p in PLACES},
    )
    front = frontier()
    return World(data, front, zones(), geocode(data, front))
