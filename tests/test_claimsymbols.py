"""Tests of mapapp.claimsymbols: claim circles built once, drawn for events shown."""

from __future__ import annotations

import pytest

from mapapp import claimsymbols, eventlayers
from mapapp.load import load_checked


@pytest.fixture(scope="module")
def bundled():
    checked = load_checked()
    events = eventlayers.event_frame(checked.data, checked.located.events)
    return checked.data, events


def people_claims(data, ids) -> int:
    return sum(
        c.quantity == "people" for ev in data.events if ev.id in ids for c in ev.claims
    )


def test_the_claims_of_the_events_asked_largest_first(bundled):
    data, events = bundled
    store = claimsymbols.ClaimFeatures(data, events)
    drawn = events[events["located"] & ~events["far"]]
    ids = list(drawn.index)
    features = store.of(ids)
    assert len(features) == people_claims(data, ids) > 5
    radii = [f["properties"]["radius"] for f in features]
    assert radii == sorted(radii, reverse=True)  # large circles first, under
    one = next(i for i in ids if people_claims(data, [i]))
    assert {f["properties"]["event"] for f in store.of([one])} == {one}
    assert store.of([]) == []


def test_claims_are_built_once_per_event(bundled, monkeypatch):
    data, events = bundled
    store = claimsymbols.ClaimFeatures(data, events)
    ids = list(events[events["located"] & ~events["far"]].index)
    calls: list[int] = []
    frame = claimsymbols.claims_frame
    monkeypatch.setattr(
        claimsymbols,
        "claims_frame",
        lambda d, e: calls.append(len(e)) or frame(d, e),
    )
    first = store.of(ids[:10])
    assert store.of(ids[:10]) == first
    store.of(ids)  # only the others are built
    assert calls == [10, len(ids) - 10]
    store.of(ids)
    assert len(calls) == 2


def test_the_layer_holds_one_circle_per_claim_with_its_claimant(bundled):
    data, events = bundled
    store = claimsymbols.ClaimFeatures(data, events)
    features = store.of(events.index)
    group = claimsymbols.claim_symbols(features)
    (layer,) = group._children.values()
    assert len(layer.data["features"]) == len(features)
    assert all("claimed by" in f["properties"]["text"] for f in features)
    assert claimsymbols.claim_symbols([])._children == {}
