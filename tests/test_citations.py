"""Citations in words resolve to the catalogued source they name, or honestly don't."""

from __future__ import annotations

import pytest

from mapapp import citations, importer
from mapapp.load import load_checked


@pytest.fixture(scope="module")
def bundled():
    return load_checked()


@pytest.fixture(scope="module")
def catalogued(bundled):
    return citations.catalogued(bundled.data.sources)


@pytest.mark.parametrize(
    ("text", "source", "how"),
    [
        ("Kraus 2019", "kraus-2019", "author and year"),
        ("kraus (2019), China Quarterly", "kraus-2019", "author and year"),
        ("Levinsson and Svanberg 2000", "caci-analyst-2000-02-16", "author and year"),
        ("PRC FMA 118-01764-04, 11", "wcda-memo-1962-04-24-soviet", None),
    ],
)
def test_a_citation_in_words_names_its_source(catalogued, text, source, how):
    found = citations.match(text, catalogued)
    assert found.source == source, found.describe()
    if how:
        assert found.how == how


def test_words_fitting_several_sources_choose_none_and_say_which(catalogued):
    found = citations.match("Memorandum of 24 April 1962", catalogued)
    assert found.source is None
    assert set(found.candidates) == {
        "wcda-memo-1962-04-24-chinese",
        "wcda-memo-1962-04-24-soviet",
    }
    assert "several sources" in found.describe()


@pytest.mark.parametrize("text", ["rumour", "Interview with a refugee, 1991", "2019"])
def test_words_naming_no_source_match_none(catalogued, text):
    assert citations.match(text, catalogued).source is None


def test_days_are_read_in_three_forms():
    from datetime import date

    want = {date(1962, 4, 24)}
    assert citations.days("1962-04-24") == want
    assert citations.days("the 24 April 1962 note") == want
    assert citations.days("April 24, 1962") == want
    assert citations.days("31 February 1962") == set()


def test_an_imported_row_citing_words_cites_the_source_with_its_grade(bundled):
    header = "id,title,kind,when,place,summary,people,claimant,source\n"
    row = "r1,A crossing,crossing,1962-04,tacheng,x,~6000,Kraus,Kraus 2019\n"
    other = "r2,Another,crossing,1962-04,tacheng,y,,,An interview in 1991\n"
    result = importer.import_events(
        (header + row + other).encode(),
        "mine.csv",
        bundled.data,
        bundled.frontier.territory,
    )
    assert not result.problems
    events = {ev.id: ev for ev, *_ in result.events}
    assert [c.source for c in events["r1"].sources] == ["kraus-2019"]
    assert bundled.data.sources["kraus-2019"].grade == "B"
    made = [s for s, *_ in result.sources]
    assert [s.title for s in made] == ["An interview in 1991"]
    described = [m.describe() for m in result.matches]
    assert any("matched source kraus-2019" in d for d in described)
    assert any("matched no catalogued source" in d for d in described)
