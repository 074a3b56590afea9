import pytest

from mapapp import load
from mapapp.detail import event_detail, highlight, source_detail


@pytest.fixture(scope="module")
def mini():
    from tests.conftest import MINI

    data, problems = load.read_dataset(root=MINI)
    assert not problems
    return data


def test_event_detail(mini):
    d = event_detail(mini, "crossing-a")
    assert (d.title, d.date, d.kind) == ("People cross", "22 April 1962", "crossing")
    assert [(p.id, p.role, p.other_names) for p in d.places] == [
        ("town-a", "origin", ("Городок", "Khorgos")),
        ("post-b", "destination", ("Khorgos",)),
    ]
    (claim,) = d.claims
    assert (claim.figure, claim.claimant, claim.grade) == (
        "~6,000",
        "Soviet government",
        "A",
    )
    (cite,) = d.sources
    assert cite.quote == "crossed the border on 22 April" and cite.has_text
    assert cite.grade_meaning == "primary document"
    assert d.related == (("talks", "Talks"),)


def test_event_detail_unknown_event(mini):
    with pytest.raises(KeyError):
        event_detail(mini, "nope")


def test_source_detail_marks_quotes_and_lists_citing_events(mini):
    s = source_detail(mini, "memo")
    assert s.citing == (("crossing-a", "People cross"), ("talks", "Talks"))
    assert [seg for seg, quoted in s.segments if quoted] == [
        "crossed\nthe border on 22 April"
    ]
    assert "".join(seg for seg, _ in s.segments) == mini.texts["memo"]
    assert ("Reliability", "A (primary document)") in s.fields


def test_highlight_merges_overlaps():
    assert highlight("one two three four", ["two three", "three four"]) == [
        ("one ", False),
        ("two three four", True),
    ]
    assert highlight("abc", ["zzz"]) == [("abc", False)]
