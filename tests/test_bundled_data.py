"""The bundled 1962 dataset: counts, the seed memorandum, competing claims, grade D."""

from datetime import date

import pytest

from mapapp import load, validate
from mapapp.model import EVENT_KINDS


@pytest.fixture(scope="module")
def data():
    data, problems = load.read_dataset()
    assert problems == []
    return data


def test_counts_and_no_problems(data):
    assert validate.check(data) == []
    summary = validate.summary(data)
    assert summary["events"] >= 45 and summary["sources"] >= 25
    assert summary["places"] >= 25
    assert set(summary["kinds"]) == set(EVENT_KINDS)  # every kind is used


def claims_of(data, claimant=None, source=None):
    return [
        (ev.id, c)
        for ev in data.events
        for c in ev.claims
        if (claimant is None or c.claimant == claimant)
        and (source is None or c.source == source)
    ]


def test_seed_memorandum_figures_claimant_and_quotes(data):
    memo = "wcda-memo-1962-04-24-soviet"
    source = data.sources[memo]
    assert source.archive_ref == "PRC FMA 118-01764-04, 11"
    assert source.translator == "7Brands" and source.grade == "A"
    assert "reuse" in (source.rights or "")
    figures = {(c.value, c.approximate) for _, c in claims_of(data, source=memo)}
    assert {(10000.0, True), (6000.0, True)} <= figures
    assert {c.claimant for _, c in claims_of(data, source=memo)} == {
        "Soviet government"
    }
    six = [ev for ev, c in claims_of(data, source=memo) if c.value == 6000]
    assert data.event(six[0]).when.earliest == date(1962, 4, 22)
    quotes = {c.quote for ev in data.events for c in ev.sources if c.source == memo}
    text = validate.normalise_space(data.texts[memo])
    for quote in [
        "a total of approximately 10,000 people have crossed the border",
        "some 6,000 of them crossed the border on 22 April",
        "as of April 24, at least 10,000 individuals from Xinjiang have crossed into "
        "the USSR",
    ]:
        assert quote in quotes and quote in text


def test_competing_figures_are_claims_side_by_side(data):
    exchange = data.event("1962-04-24-memoranda-exchanged")
    by_claimant = {c.claimant: c.value for c in exchange.claims}
    assert by_claimant == {
        "Soviet government": 10000,
        "PRC Ministry of Foreign Affairs": 20000,
    }
    values = {c.value for _, c in claims_of(data)}
    assert {2000, 60000, 74570, 61361} <= values


def test_every_number_has_claimant_and_known_source(data):
    for ev, claim in claims_of(data):
        assert claim.claimant.strip(), ev
        assert claim.source in data.sources, (ev, claim.source)


def test_grade_d_is_never_fact(data):
    for ev, claim in claims_of(data):
        if data.sources[claim.source].grade == "D":
            assert claim.unverified, ev
    for ev in data.events:
        grades = {data.sources[c.source].grade for c in ev.sources}
        assert grades != {"D"}, f"{ev.id} rests on popular accounts only"


def test_date_conflicts_are_noted(data):
    assert "29 April" in data.event("1962-04-24-memoranda-exchanged").date_note


def test_every_source_text_is_carried_with_attribution(data):
    for sid, text in data.texts.items():
        assert data.sources[sid].rights, sid
        assert text.strip()
