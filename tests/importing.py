"""What the import tests share: the hand-made world, row helpers, generated rows."""

import csv
import io as stdio
from pathlib import Path

from hypothesis import strategies as st
from pydantic import ValidationError

from mapapp import (
    export,
    geocode,
    importer,
    meta,
)
from mapapp.model import EVENT_KINDS, PLACE_ROLES, Event
from tests.world import PLACES, SOURCES, world

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data" / "import"
MIXED = "tests/data/import/mixed.csv"


WORLD = world()


def run(w, text, label="in.csv"):
    data = text.encode() if isinstance(text, str) else text
    return importer.import_events(data, label, w.data, w.frontier.territory)


def ids(result):
    return [event.id for event, *_ in result.events]


HEADER = ",".join(importer.HEADER)


def rows(*lines, header=HEADER):
    return "\n".join([header, *lines]) + "\n"


# --- round trips ---------------------------------------------------------------------


def export_import(data, frontier, fmt, base=None):
    """Export a dataset and import it back against ``base`` (default: itself)."""
    located = geocode.geocode(data, frontier)
    table = export.event_table(data, located)
    if fmt == "csv":
        text, label = export.csv_text(table), "x.csv"
    else:
        text, label = export.geojson_text(table, meta.metadata({})), "x.geojson"
    base = data if base is None else base
    return importer.import_events(text.encode(), label, base, frontier.territory)


# --- properties -----------------------------------------------------------------------

SLUG = st.from_regex(r"[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=20)
WHENS = [
    "1962",
    "1962-04",
    "1962-04-22",
    "1962-04-10/1962-04-20",
    "1962-03~",
    "1962-05-30?",
    "1962-08/..",
    "1962-08/",
    "1962-21",
    "196X",
    "1962-XX",
]
PLACE_IDS = [p.id for p in PLACES] + ["Чугучак", "Кульджа"]
SOURCE_IDS = [s.id for s in SOURCES]

claims = st.lists(
    st.fixed_dictionaries(
        {
            "quantity": st.sampled_from(["people", "livestock"]),
            "scope": TEXT,
            "claimant": TEXT,
            "source": st.sampled_from(SOURCE_IDS),
        },
        optional={
            "value": st.floats(0, 1e6),
            "as_of": st.sampled_from(WHENS),
            "approximate": st.booleans(),
            "unverified": st.booleans(),
            "locator": TEXT,
            "note": TEXT,
        },
    ),
    max_size=3,
)
citations = st.lists(
    st.fixed_dictionaries(
        {"source": st.sampled_from(SOURCE_IDS)},
        optional={"locator": TEXT, "quote": TEXT, "note": TEXT},
    ),
    min_size=1,
    max_size=3,
)
refs = st.lists(
    st.fixed_dictionaries(
        {
            "place": st.sampled_from(PLACE_IDS),
            "role": st.sampled_from(PLACE_ROLES),
            "route": st.integers(1, 3),
        }
    ),
    max_size=4,
)
raw_events = st.fixed_dictionaries(
    {
        "id": SLUG,
        "title": TEXT,
        "summary": TEXT,
        "kind": st.sampled_from(EVENT_KINDS),
        "when": st.sampled_from(WHENS),
        "places": refs,
        "claims": claims,
        "sources": citations,
    },
    optional={"date_note": TEXT, "related": st.lists(SLUG, max_size=2)},
)


def event_or_none(raw):
    try:
        event = Event.model_validate(raw)
    except ValidationError:
        return None
    if event.date_note is not None and not event.date_note.strip():
        return None  # a blank note reads back as no note
    return event


# --- one path: cells judged once per file, every row validated by the model -------

CELL = st.one_of(
    st.just(""), st.just(" "), st.just("\u00a0x"), TEXT, SLUG, st.just("'=1+1")
)


def mostly(good, bad):
    """Good values seven times in eight, so that many rows pass (and many fail)."""
    return st.integers(0, 7).flatmap(lambda i: bad if i == 0 else good)


TOKEN = st.tuples(
    mostly(
        st.sampled_from(["", "origin:", "crossing@2:", "destination:"]),
        st.sampled_from(["origen:", "site: ", "x@0:"]),
    ),
    mostly(st.sampled_from(PLACE_IDS), st.sampled_from(["Khorgos", "Tachen", ""])),
).map("".join)
WHERE = mostly(
    st.one_of(
        st.lists(TOKEN, min_size=1, max_size=3).map(lambda t: ("|".join(t), "", "")),
        st.sampled_from([("", "82.5", "43.5"), ("", " 80.1 ", "44.0"), ("", "", "")]),
    ),
    st.tuples(
        CELL,
        st.sampled_from(["", "82.5", "45.5", "200", "x"]),
        st.sampled_from(["", "43.5", "82.5", "nan"]),
    ),
)
FIGURES = mostly(
    st.sampled_from(
        [
            ("", ""),
            ("6000", "Soviet government"),
            ("~6,000", "a"),
            ("5-6", "b"),
            ("1|2", "a|b"),
        ]
    ),
    st.tuples(
        st.sampled_from(["", "6-5", "many", " ", "1|2"]),
        st.sampled_from(["", " x ", "|", "a"]),
    ),
)
csv_rows = st.tuples(
    st.fixed_dictionaries(
        {
            "id": mostly(
                SLUG, st.one_of(CELL, st.sampled_from(["dup", " dup ", "a" * 121]))
            ),
            "title": mostly(TEXT, CELL),
            "kind": mostly(st.sampled_from(EVENT_KINDS), CELL),
            "when": mostly(
                st.sampled_from(WHENS), st.sampled_from(["1962-02-30", "x", ""])
            ),
            "summary": mostly(TEXT, CELL),
            "source": mostly(
                st.sampled_from(
                    [
                        "memo",
                        "kraus|memo",
                        "rumour",
                        "An interview, 1991",
                        "memo|An interview, 1991",
                    ]
                ),
                st.one_of(st.sampled_from(["", "memmo", " | "]), CELL),
            ),
        },
        optional={
            "date_note": st.sampled_from(["", "a note"]),
            "related": st.sampled_from(["", "dup", "nothing"]),
        },
    ),
    WHERE,
    FIGURES,
).map(
    lambda r: {
        **r[0],
        **dict(zip(("place", "lon", "lat"), r[1], strict=True)),
        **dict(zip(("people", "claimant"), r[2], strict=True)),
    }
)


def csv_of(records):
    header = [*importer.HEADER, "date_note", "related"]
    out = stdio.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


def problems_of(result):
    """The problems without where they are (a row without id is named by place)."""
    return [
        ("#" if p.record.startswith("#") else p.record, p.field, p.message)
        for p in result.problems
    ]


def single(record):
    """Import one row alone: its events and its problems."""
    result = run(WORLD, csv_of([record]))
    return [e.model_dump() for e, _, _ in result.events], problems_of(result)
