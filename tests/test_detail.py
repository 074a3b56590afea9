import pytest

from mapapp import load
from mapapp.detail import event_detail, highlight, place_at, source_detail


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


def test_an_imported_event_shows_its_places_as_written_and_as_matched():
    from mapapp import geocode, userdata
    from mapapp.load import load_checked

    bundled = load_checked()
    text = (
        "id,title,kind,when,place,summary,source\n"
        "mine,A crossing,crossing,1962-05,origin:Кульджа|destination:urjar,x,"
        "kraus-2019\n"
    )
    user = userdata.combine(text.encode(), "mine.csv", bundled.data, bundled.frontier)
    assert user.accepted == ("mine",)
    d = event_detail(user.data, "mine", user.located.places)
    assert [(p.role, p.id, p.written) for p in d.places] == [
        ("origin", "yining", "Кульджа"),
        ("destination", "urjar", None),
    ]
    assert isinstance(user.located, geocode.GeocodeResult)


def test_a_citation_in_words_is_named_uncatalogued_not_a_popular_account():
    from mapapp import citations
    from mapapp.detail import UNCATALOGUED, grade_meaning

    made = citations.uncatalogued("An interview in Almaty, 1991")
    assert grade_meaning(made) == UNCATALOGUED
    assert "popular" not in grade_meaning(made)


def test_a_far_mark_names_the_place_it_stands_at_not_a_region():
    from mapapp.model import Event
    from tests.world import world

    data = world().data
    region = next(p for p in data.places.values() if p.kind == "prefecture")
    event = Event.model_validate(
        {
            "id": "visits-stopped",
            "title": "Visits stopped",
            "summary": "s",
            "kind": "border-control",
            "when": "1962-05",
            "places": [
                {"place": region.id, "role": "site"},
                {"place": "moscow", "role": "site"},
            ],
            "sources": [{"source": "memo"}],
        }
    )
    assert place_at(data, event, 37.6, 55.75) == "Moscow"
    only_region = event.model_copy(update={"places": event.places[:1]})
    assert place_at(data, only_region, 37.6, 55.75) == region.label
    nowhere = event.model_copy(update={"places": []})
    assert place_at(data, nowhere, 37.6, 55.75) == "Visits stopped"
