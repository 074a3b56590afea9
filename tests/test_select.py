from datetime import date

import pytest

from mapapp.dataset import Dataset
from mapapp.model import Event, Source
from mapapp.select import Selection, date_span, search_keys, select, title_first
from tests.conftest import make_place


def ev(eid, when, kind="crossing", source="a", title="t", summary="s", places=()):
    return Event(
        id=eid,
        title=title,
        summary=summary,
        kind=kind,
        when=when,
        places=[{"place": p, "role": "site"} for p in places],
        sources=[{"source": source}],
    )


@pytest.fixture
def data():
    sources = {
        "a": Source(id="a", title="A", kind="primary", grade="A", summary="s"),
        "d": Source(id="d", title="D", kind="popular", grade="D", summary="s"),
    }
    places = {
        "yining": make_place(
            "yining", [("Yining", "en"), ("Кульджа", "ru"), ("غۇلجا", "ug")]
        )
    }
    events = (
        ev("march", "1962-03~", title="Crossings begin"),
        ev("april", "1962-04-10/1962-04-20", kind="diplomacy", source="d"),
        ev(
            "riot",
            "1962-05-29",
            kind="unrest",
            summary="Crowds at the bus station",
            places=["yining"],
        ),
        ev("open", "1962-08/..", kind="border-control"),
    )
    return Dataset.of(events=events, sources=sources, places=places)


def test_everything_by_default(data):
    assert select(data, Selection()) == ["march", "april", "riot", "open"]


def test_window_keeps_overlapping_precision(data):
    # a month-precision event overlaps a window that touches any day of the month
    assert select(data, Selection(start=date(1962, 3, 31), end=date(1962, 4, 10))) == [
        "march",
        "april",
    ]
    assert select(data, Selection(start=date(1962, 4, 21), end=date(1962, 5, 28))) == []
    assert select(data, Selection(start=date(1970, 1, 1))) == ["open"]


def test_kind_and_grade(data):
    assert select(data, Selection(kinds=("unrest", "diplomacy"))) == ["april", "riot"]
    assert select(data, Selection(grades=("D",))) == ["april"]


def test_search_titles_summaries_and_every_place_name(data):
    assert select(data, Selection(text="crossings")) == ["march"]
    assert select(data, Selection(text="BUS station")) == ["riot"]
    assert select(data, Selection(text="Кульджа")) == ["riot"]
    assert select(data, Selection(text="кульджа")) == ["riot"]
    assert select(data, Selection(text="غۇلجا")) == ["riot"]
    assert select(data, Selection(text="kulja")) == []


def test_keys_can_be_reused(data):
    keys = search_keys(data)
    assert select(data, Selection(text="yining"), keys) == ["riot"]


def test_bad_selection_values():
    with pytest.raises(ValueError, match="unknown kind 'riots'"):
        Selection(kinds=("riots",))
    with pytest.raises(ValueError, match="unknown grade 'E'"):
        Selection(grades=("E",))


def test_date_span(data):
    assert date_span(data.events) == (date(1962, 3, 1), date(1962, 8, 1))


def test_a_search_puts_title_matches_first_and_keeps_date_order_within(data):
    events = (
        ev("report", "1962-04-01", title="Report", summary="a riot feared at Yining"),
        ev("riot", "1962-05-29", title="Riot at Yining"),
        ev("after", "1962-06-01", title="After the riot", summary="arrests"),
    )
    data = Dataset.of(events=events, sources=data.sources, places=data.places)
    found = select(data, Selection(text="riot"))
    assert found == ["report", "riot", "after"]  # by date
    assert title_first(data, found, "riot") == ["riot", "after", "report"]
    assert title_first(data, found, "RIOT yining") == ["riot", "report", "after"]
    assert title_first(data, found, "") == found
