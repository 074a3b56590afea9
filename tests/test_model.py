"""The records' own rules (mapapp.model): each written once, each enforced."""

import pytest
from pydantic import ValidationError

from mapapp.model import ID_MAX, Claim, Event, Place, Source

CLAIM = {"quantity": "people", "scope": "crossed", "claimant": "X", "source": "memo"}
EVENT = {
    "id": "e",
    "title": "T",
    "summary": "S",
    "kind": "crossing",
    "when": "1962-04-22",
    "sources": [{"source": "memo"}],
}


def test_a_claim_has_a_number_or_a_whole_range():
    assert Claim(**CLAIM, value=6000).figure() == "6,000"
    assert Claim(**CLAIM, low=5000, high=6000, approximate=True).figure() == (
        "~5,000–6,000"
    )
    for bad, said in (
        ({}, "no number"),
        ({"value": 1, "low": 1, "high": 2}, "two numbers"),
        ({"low": 1}, "half a range"),
        ({"low": 9, "high": 2}, "range upside down"),
        ({"value": -1}, "greater than or equal to 0"),
        ({"value": float("inf")}, "finite"),
    ):
        with pytest.raises(ValidationError, match=said):
            Claim(**CLAIM, **bad)


def test_an_event_cites_a_source_and_its_id_is_a_slug():
    assert Event(**EVENT).when.human() == "22 April 1962"
    with pytest.raises(ValidationError, match="at least 1 item"):
        Event(**{**EVENT, "sources": []})
    for bad in ("Has Caps", "trailing-", "a" * (ID_MAX + 1)):
        with pytest.raises(ValidationError, match="id"):
            Event(**{**EVENT, "id": bad})
    with pytest.raises(ValidationError, match="extra"):
        Event(**EVENT, mood="calm")  # unknown fields are errors


def test_records_strip_text_and_are_immutable():
    ev = Event(**{**EVENT, "title": "  Crossing  "})
    assert ev.title == "Crossing"
    with pytest.raises(ValidationError, match="frozen"):
        ev.title = "Other"  # type: ignore[misc]


def test_a_place_lies_on_the_globe_and_a_source_link_is_a_web_address():
    place = {
        "id": "p",
        "names": [{"name": "Yining", "lang": "en"}],
        "kind": "city",
        "state_1962": "PRC",
        "admin_1962": "Ili",
        "precision": "exact",
        "coord_source": "GeoNames",
        "lon": 81.3,
        "lat": 43.9,
    }
    assert Place(**place).label == "Yining"
    with pytest.raises(ValidationError, match="lat"):
        Place(**{**place, "lat": 91})
    source = {"id": "s", "title": "T", "kind": "primary", "grade": "A", "summary": "S"}
    assert Source(**source, url="https://example.org/a").url
    with pytest.raises(ValidationError, match="url"):
        Source(**source, url="file:///etc/passwd")
