"""Rules of mapapp.validate that need no files: archive addresses and region routes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mapapp import (
    tour,
    validate,
)
from mapapp.dataset import Dataset
from mapapp.model import Event, Source
from mapapp.tour import Tour, Tours
from tests.conftest import make_place
from tests.importing import WORLD, event_or_none, raw_events

PLACES = {
    p.id: p
    for p in (
        make_place("ili", [("Ili", "en")], kind="prefecture", precision="region"),
        make_place("kazssr", [("Kazakh SSR", "en")], "USSR", kind="region"),
        make_place("post", [("Post", "en")], kind="border-post"),
        make_place("town", [("Town", "en")], "USSR"),
    )
}


def source(sid: str, **fields) -> Source:
    base = {"title": "A cable", "kind": "primary", "grade": "A", "summary": "S."}
    return Source(id=sid, **{**base, **fields})


def event(eid: str, places: list[dict], cite: str = "doc", **fields) -> Event:
    return Event(
        id=eid,
        title="T",
        summary="S.",
        kind="crossing",
        when="1962-04",
        places=places,
        sources=[{"source": cite}],
        **fields,
    )


def step_problems(data: Dataset, narration: str) -> list[str]:
    """The tour check's messages for one step on the data's only event."""
    step = {"event": data.events[0].id, "narration": narration}
    t = Tour(id="t", title="T", description="D", steps=[step])
    return [p.message for p in tour.check(Tours(tours={"t": t}), data)]


def messages(data: Dataset) -> list[str]:
    return [p.message for p in validate.check(data)]


def test_an_archive_document_must_link_to_the_archive_itself():
    wcda = 'Wilson Center Digital Archive, "The Yi-ta Incident, 1962"'
    staging = "https://wilson-center-digital-archive.dvincitest.com/document/x"
    data = Dataset(
        sources={
            "doc": source("doc", collection=wcda, url=staging),
            "ok": source(
                "ok",
                collection=wcda,
                url="https://digitalarchive.wilsoncenter.org/document/118180",
            ),
            "cia": source(
                "cia",
                issuer="US Central Intelligence Agency",
                url="https://example.org/x",
            ),
            "paper": source("paper", url="https://example.org/journal"),
        },
        places=PLACES,
    )
    got = messages(data)
    assert len(got) == 2  # the paper names no archive, so any publisher may host it
    assert (
        "got 'https://wilson-center-digital-archive.dvincitest.com/document/x'"
        in got[0]
    )
    assert "https://digitalarchive.wilsoncenter.org/" in got[0]
    assert "Central Intelligence Agency" in got[1] and "www.cia.gov" in got[1]


def test_a_route_from_a_region_to_a_region_needs_its_crossing():
    bad = event(
        "bad",
        [
            {"place": "ili", "role": "origin"},
            {"place": "Kazakh SSR", "role": "destination"},
        ],
    )
    crossed = event(
        "crossed",
        [
            {"place": "ili", "role": "origin"},
            {"place": "post", "role": "crossing"},
            {"place": "kazssr", "role": "destination"},
        ],
    )
    to_town = event(
        "to-town",
        [{"place": "ili", "role": "origin"}, {"place": "town", "role": "destination"}],
    )
    sites = event(
        "sites", [{"place": "ili", "role": "site"}, {"place": "kazssr", "role": "site"}]
    )
    data = Dataset.of(
        events=(bad, crossed, to_town, sites),
        sources={"doc": source("doc")},
        places=PLACES,
    )
    problems = validate.check(data)
    assert [(p.record, p.field) for p in problems] == [("bad", "places[0]")]
    assert "got ili -> Kazakh SSR" in problems[0].message
    assert (
        "name the crossing place, or give the places role: site" in problems[0].message
    )


def test_a_tour_step_on_reference_works_must_say_who_says_so():
    wiki = source("wiki", kind="reference", grade="C", issuer="Wikipedia contributors")
    ev = event("ref", [{"place": "post", "role": "site"}], cite="wiki")
    data = Dataset.of(events=(ev,), sources={"wiki": wiki}, places=PLACES)
    (bad,) = step_problems(data, "The crossing was closed in August 1962.")
    assert "does not say who says so" in bad and "wikipedia" in bad
    said = "According to Wikipedia, the crossing was closed in August 1962."
    assert step_problems(data, said) == []


def test_a_step_giving_a_contested_figure_must_say_who_claims_it():
    doc = source("doc", issuer="PRC Ministry of Foreign Affairs")
    claimants = (
        (20000, "PRC Ministry of Foreign Affairs"),
        (10000, "Soviet government"),
    )
    claims = [
        {"quantity": "people", "value": v, "scope": "s", "claimant": who}
        | {"source": "doc"}
        for v, who in claimants
    ]
    ev = event("contested", [{"place": "post", "role": "site"}], claims=claims)
    data = Dataset.of(events=(ev,), sources={"doc": doc}, places=PLACES)
    (bad,) = step_problems(data, "About 20,000 people crossed in ten days.")
    assert "has competing figures" in bad
    said = "The Soviet government counted about 10,000 people."
    assert step_problems(data, said) == []
    dated = "On 24 April 1962 the two sides exchanged memoranda."
    assert step_problems(data, dated) == []


@settings(max_examples=60, deadline=None)
@given(
    st.lists(raw_events, min_size=1, max_size=6),
    st.lists(
        st.sampled_from(["Khorgos", "Tachen", "nowhere", "memmo", "quote", "self"]),
        max_size=4,
    ),
)
def test_cross_checks_skip_only_events_without_problems(raws, spoilers):
    """check judges each nested record once, and finds what a full pass finds."""
    events = []
    for raw, spoil in zip(raws, [*spoilers, *[None] * len(raws)], strict=False):
        raw = dict(raw)
        if spoil in ("Khorgos", "Tachen", "nowhere"):
            raw["places"] = [*raw["places"], {"place": spoil, "role": "site"}]
        elif spoil == "memmo":
            raw["sources"] = [*raw["sources"], {"source": "memmo"}]
        elif spoil == "quote":
            raw["sources"] = [*raw["sources"], {"source": "memo", "quote": "not there"}]
        elif spoil == "self":
            raw["related"] = [raw["id"], "missing"]
        event = event_or_none(raw)
        if event is not None:
            events.append(event)
    # twins hold the very same nested records, as the events of an import do
    events += [ev.model_copy(update={"id": f"{ev.id}-twin"}) for ev in events]
    assert not events or events[-1].places is events[len(events) // 2 - 1].places
    data = Dataset.of(
        events=tuple(events),
        sources=WORLD.data.sources,
        places=WORLD.data.places,
        texts={"memo": "The full text of the memo."},
    )
    quick = validate.check(data)
    original = validate._suspects
    try:
        validate._suspects = lambda data, gazetteer, texts: list(data.events)
        full = validate.check(data)
    finally:
        validate._suspects = original
    assert quick == full
