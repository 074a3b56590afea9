"""Property-based tests: EDTF parsing, and export → import round trips.

The generated records use the bundled gazetteer and sources, titles in any script
with quotes, commas, newlines and spreadsheet-formula starts, EDTF dates of every
level 0–1 form, and numbers with their claimants.
"""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from mapapp import geocode, io, load
from mapapp.dataset import Dataset
from mapapp.dates import parse_edtf
from mapapp.errors import EDTFError
from mapapp.gazetteer import Gazetteer
from mapapp.model import EVENT_KINDS, Event
from tests.importing import export_import

SETTINGS = settings(max_examples=50, deadline=None)
ROUND_TRIPS = settings(max_examples=30, deadline=None)  # each geocodes and exports

# --- EDTF -----------------------------------------------------------------------------

QUALIFIER = st.sampled_from(["", "~", "?", "%"])


@st.composite
def edtf_point(draw: st.DrawFn) -> tuple[str, str]:
    """Return a level 0-1 date and its precision."""
    year = draw(st.integers(1, 9998))
    form = draw(
        st.sampled_from(["day", "month", "season", "year", "decade", "century"])
    )
    q = draw(QUALIFIER)
    if form == "decade":
        return f"{max(year // 10, 1):03d}X{q}", form
    if form == "century":
        return f"{max(year // 100, 1):02d}XX{q}", form
    if form == "year":
        text = draw(st.sampled_from([f"{year:04d}", f"{year:04d}-XX"]))
        return text + q, form
    if form == "season":
        return f"{year:04d}-{draw(st.integers(21, 24))}{q}", form
    month = draw(st.integers(1, 12))
    if form == "month":
        text = draw(
            st.sampled_from([f"{year:04d}-{month:02d}", f"{year:04d}-{month:02d}-XX"])
        )
        return text + q, form
    day = draw(st.integers(1, calendar.monthrange(year, month)[1]))
    return f"{year:04d}-{month:02d}-{day:02d}{q}", form


@st.composite
def edtf(draw: st.DrawFn) -> tuple[str, str]:
    """Return a level 0-1 EDTF string (a date or an interval) and its precision."""
    start, precision = draw(edtf_point())
    if not draw(st.booleans()):
        return start, precision
    end, end_precision = draw(edtf_point())
    left = draw(st.sampled_from([start, start, "..", ""]))
    right = draw(st.sampled_from([end, end, "..", ""]))
    assume(left not in ("", "..") or right not in ("", ".."))
    if left not in ("", "..") and right not in ("", ".."):
        assume(parse_edtf(left).earliest <= parse_edtf(right).latest)
    return f"{left}/{right}", precision if left not in ("", "..") else end_precision


def _span_matches(earliest: date, latest: date, precision: str) -> bool:
    """Whether a point's first and last day fit its precision."""
    if precision == "day":
        return earliest == latest
    if precision == "month":
        last = calendar.monthrange(earliest.year, earliest.month)[1]
        return earliest.day == 1 and latest == earliest.replace(day=last)
    if precision == "season":
        return earliest.day == 1 and 88 <= (latest - earliest).days <= 91
    if precision == "year":
        return (earliest.month, earliest.day, latest.month, latest.day) == (
            1,
            1,
            12,
            31,
        ) and earliest.year == latest.year
    span = latest.year - earliest.year + 1
    return span == (10 if precision == "decade" else 100)


@SETTINGS
@given(edtf())
def test_valid_edtf_parses_consistently(case):
    text, precision = case
    when = parse_edtf(text)
    assert when.edtf == text
    assert when.earliest <= when.latest
    assert when.precision == precision
    assert when.interval == ("/" in text)
    for point in (when.start, when.end):
        if point is not None:
            assert point.earliest <= point.latest
            assert _span_matches(point.earliest, point.latest, point.precision)
    assert when.approximate == any(q in text for q in "~%")
    assert when.uncertain == any(q in text for q in "?%")
    assert isinstance(when.human(), str) and when.human()
    # through the model and back: the string is kept as written
    event = Event(
        id="e",
        title="t",
        summary="s",
        kind="context",
        when=text,
        sources=[{"source": "x"}],
    )
    dumped = event.model_dump(mode="json")
    assert dumped["when"] == text
    assert Event.model_validate(dumped) == event
    assert Event.model_validate_json(event.model_dump_json()) == event


GARBAGE = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"[0-9X?~%/. -]{0,24}", fullmatch=True),
    st.builds(
        lambda a, b: f"{a}/{b}",
        st.from_regex(r"[0-9X.-]{0,12}", fullmatch=True),
        st.from_regex(r"[0-9X.?~-]{0,12}", fullmatch=True),
    ),
    st.integers(-(10**6), 10**12),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True),
    st.lists(st.integers(), max_size=2),
)


@settings(max_examples=300, deadline=None)
@given(GARBAGE)
@example("١٩٦٢")  # Arabic-Indic digits: not EDTF
@example("1962-02-29/1962-03")
@example(" 1962 ")
def test_garbage_parses_or_raises_edtf_error(value):
    try:
        when = parse_edtf(value)
    except EDTFError as exc:
        assert "expected" in str(exc)  # every message says what is allowed
    else:
        assert when.earliest <= when.latest
        assert isinstance(value, (str, int)) and not isinstance(value, bool)
        assert when.edtf.isascii()


# --- export → import ------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundle():
    data, problems = load.read_dataset()
    assert problems == []
    return data, geocode.Frontier(*io.read_frontier())


BUNDLE = load.read_dataset()[0]
_GAZETTEER = Gazetteer(BUNDLE.places.values())
# every id, and every name variant that names one place only (in any script)
PLACE_NAMES = sorted(
    {p.id for p in BUNDLE.places.values()}
    | {
        n.name
        for p in BUNDLE.places.values()
        for n in p.names
        if len(_GAZETTEER.candidates(n.name)) == 1
    }
)
SOURCES = sorted(s.id for s in BUNDLE.sources.values() if s.grade != "D")
GRADE_D = sorted(s.id for s in BUNDLE.sources.values() if s.grade == "D")

# text in any script, with what CSV and spreadsheets treat specially
FUNNY = st.sampled_from(
    ["=", "+", "-", "@", "'", '"', ",", ";", "\n", "\r\n", "|", "\t", " ", "<", "&"]
)
WORD = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=8)
TEXT = (
    st.lists(st.one_of(WORD, FUNNY), min_size=1, max_size=6)
    .map("".join)
    .filter(lambda t: t.strip() != "")
)
NUMBER = st.one_of(
    st.integers(0, 10**7).map(float), st.floats(0, 1e7, allow_subnormal=False)
)


@st.composite
def claim(draw: st.DrawFn) -> dict:
    source = draw(st.sampled_from(SOURCES + GRADE_D))
    out = {
        "quantity": draw(st.sampled_from(["people", "people", "livestock", "km"])),
        "scope": draw(TEXT),
        "claimant": draw(TEXT),
        "source": source,
        "approximate": draw(st.booleans()),
        "unverified": source in GRADE_D or draw(st.booleans()),
    }
    if draw(st.booleans()):
        out["value"] = draw(NUMBER)
    else:
        low, high = sorted((draw(NUMBER), draw(NUMBER)))
        out["low"], out["high"] = low, high
    if draw(st.booleans()):
        out["as_of"] = draw(edtf())[0]
    return out


@st.composite
def event(draw: st.DrawFn, number: int) -> Event:
    places = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "place": st.sampled_from(PLACE_NAMES),
                    "role": st.sampled_from(
                        ["origin", "crossing", "destination", "site"]
                    ),
                    "route": st.integers(1, 2),
                }
            ),
            max_size=3,
        )
    )
    raw = {
        "id": f"gen-{number}",
        "title": draw(TEXT),
        "summary": draw(TEXT),
        "kind": draw(st.sampled_from(EVENT_KINDS)),
        "when": draw(edtf())[0],
        "places": places,
        "claims": draw(st.lists(claim(), max_size=3)),
        "sources": [
            {"source": s}
            for s in draw(st.lists(st.sampled_from(SOURCES), min_size=1, max_size=2))
        ],
    }
    if draw(st.booleans()):
        raw["date_note"] = draw(TEXT)
    return Event.model_validate(raw)


EVENTS = st.integers(1, 4).flatmap(lambda n: st.tuples(*(event(i) for i in range(n))))


def _round_trip(data: Dataset, frontier: geocode.Frontier, fmt: str) -> list[Event]:
    result = export_import(data, frontier, fmt)
    assert result.problems == []
    assert result.sources == [] and result.places == []
    return [e for e, *_ in result.events]


@ROUND_TRIPS
@given(EVENTS, st.sampled_from(["csv", "geojson"]))
def test_export_then_import_gives_the_same_records(bundle, events, fmt):
    base, frontier = bundle
    data = Dataset.of(events=events, sources=base.sources, places=base.places)
    assert _round_trip(data, frontier, fmt) == list(events)
