"""Reading and checking a dataset (mapapp.load): the broken-file corpus, each file
giving exactly the messages listed here."""

from pathlib import Path

import pytest

from mapapp import load, validate
from tests.conftest import DATA

BAD = DATA / "bad"
F = "tests/data/bad"

CORPUS = {
    "malformed-yaml.yaml": [
        f"{F}/malformed-yaml.yaml:3: malformed YAML: while parsing a flow sequence "
        "did not find expected ',' or ']'"
    ],
    "unknown-kind.yaml": [
        f"{F}/unknown-kind.yaml:4: riot: kind: not an allowed value (got 'riot'; "
        "expected one of 'crossing', 'diplomacy', 'unrest', 'border-control', "
        "'administration', 'treaty' or 'context')"
    ],
    "missing-claimant.yaml": [
        f"{F}/missing-claimant.yaml:7: counted: claims[0].claimant: "
        "required field is missing"
    ],
    "dangling-source.yaml": [
        f"{F}/dangling-source.yaml:7: cited: sources[0].source: unknown source "
        "(got 'mem0'; expected a source id; closest: memo)"
    ],
    "dangling-place.yaml": [
        f"{F}/dangling-place.yaml:7: placed: places[0].place: unknown place "
        "(got 'town-c'; expected a gazetteer id or name; closest: town-a)"
    ],
    "duplicate-id.yaml": [
        f"{F}/duplicate-id.yaml:7: twice: id: duplicate event id (got 'twice'; "
        f"first defined at {F}/duplicate-id.yaml:1; ids must be unique)"
    ],
    "quote-not-in-source.yaml": [
        f"{F}/quote-not-in-source.yaml:8: misquoted: sources[0].quote: quote not found "
        "in the full text of 'memo' (got 'some 60,000 of them crossed'; expected a "
        "verbatim passage, whitespace aside)"
    ],
    "impossible-date.yaml": [
        f"{F}/impossible-date.yaml:5: leap: when: impossible date: February 1962 has "
        "28 days (got '1962-02-30'; expected a day from 01 to 28)"
    ],
    "not-edtf.yaml": [
        f"{F}/not-edtf.yaml:5: spring: when: not an EDTF date (got 'spring 1962'; "
        "expected an EDTF date: YYYY, YYYY-MM or YYYY-MM-DD, optionally ending in ~ "
        "(approximate), ? (uncertain) or % (both); a season YYYY-21..24; unspecified "
        "digits (196X, 1962-XX); or an interval START/END where either side may be "
        "'..' (open) or empty (unknown))"
    ],
    "reversed-interval.yaml": [
        f"{F}/reversed-interval.yaml:5: backwards: when: interval ends before it "
        "starts (got '1962-04-20/1962-04-10'; expected START/END with START not "
        "after END)"
    ],
    "unknown-field.yaml": [
        f"{F}/unknown-field.yaml:6: extra: date: unknown field (got 'date'; expected "
        "one of: id, title, summary, kind, when, date_note, places, claims, sources, "
        "related)"
    ],
    "no-sources.yaml": [
        f"{F}/no-sources.yaml:6: unsourced: sources: too few items (got []; "
        "expected at least 1)"
    ],
    "bad-range.yaml": [
        f"{F}/bad-range.yaml:7: ranged: claims[0]: range upside down (got low 6000, "
        "high 5000; expected low ≤ high)"
    ],
    "grade-d-claim.yaml": [
        f"{F}/grade-d-claim.yaml:7: rumoured: claims[0]: claim cites grade-D source "
        "'rumour' (popular account, unverified) but is not marked (got unverified: "
        "false; expected unverified: true, or leave the claim out)"
    ],
    "dangling-related.yaml": [
        f"{F}/dangling-related.yaml:6: linked: related[0]: no such event "
        "(got 'nowhere'; expected another event id)",
        f"{F}/dangling-related.yaml:6: linked: related[1]: an event cannot relate to "
        "itself (got 'linked'; expected another event id)",
    ],
    "bad-role.yaml": [
        f"{F}/bad-role.yaml:7: roled: places[0].role: not an allowed value (got 'via'; "
        "expected one of 'origin', 'crossing', 'destination' or 'site')"
    ],
    "bad-id.yaml": [
        f"{F}/bad-id.yaml:1: Not A Slug: id: bad format (got 'Not A Slug'; expected "
        "an id of lowercase letters, digits and hyphens)"
    ],
    "duplicate-key.yaml": [
        f"{F}/duplicate-key.yaml:3: malformed YAML: duplicate key 'title' "
        "(first on line 2)"
    ],
    "not-a-list.yaml": [
        f"{F}/not-a-list.yaml:1: expected a list of records, got 'just some text'"
    ],
    "not-utf8.yaml": [
        f"{F}/not-utf8.yaml:2: not UTF-8 text (byte 0xe9 at offset 25); "
        "save the file as UTF-8"
    ],
    "ambiguous-place.yaml": [
        f"{F}/ambiguous-place.yaml:7: where: places[0].place: ambiguous place name "
        "(got 'Khorgos'; it matches town-a (Town A, PRC); post-b (Post B, USSR); "
        "expected one of these ids)"
    ],
    "wrong-type.yaml": [
        f"{F}/wrong-type.yaml:7: typed: claims[0].value: wrong type (got 'about ten "
        "thousand'; expected a number such as 6000)"
    ],
}


def run(path: Path, root: Path) -> list[str]:
    data, problems = load.read_dataset([path], root=root)
    return [str(p) for p in problems + validate.check(data)]


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_broken_event_file(name, mini_root, monkeypatch):
    monkeypatch.chdir(Path(__file__).parent.parent)
    assert run(Path(F) / name, mini_root) == CORPUS[name]


def test_corpus_covers_every_file():
    files = {p.name for p in BAD.glob("*.yaml")}
    assert files == set(CORPUS)
    assert len(CORPUS) >= 15


def test_broken_source_file(mini_root, monkeypatch):
    monkeypatch.chdir(Path(__file__).parent.parent)
    messages = run(Path(F) / "sources" / "bad-grade.yaml", mini_root)
    assert messages[:2] == [
        f"{F}/sources/bad-grade.yaml:4: memo: grade: not an allowed value (got 'E'; "
        "expected one of 'A', 'B', 'C' or 'D')",
        f"{F}/sources/bad-grade.yaml:11: rumour: url: bad format (got 'not a url'; "
        "expected an http(s) URL)",
    ]
    # the events that cite the now-missing source are reported too, nothing is dropped
    assert (
        "events/events.yaml:10: crossing-a: claims[0].source: unknown source "
        "(got 'memo'; expected a source id)" in messages
    )


def test_broken_places_file(mini_root, monkeypatch):
    monkeypatch.chdir(Path(__file__).parent.parent)
    messages = run(Path(F) / "bad-places.geojson", mini_root)
    assert messages[:2] == [
        f"{F}/bad-places.geojson:3: post-b: state_1962: not an allowed value "
        "(got 'KZ'; expected one of 'PRC' or 'USSR')",
        f"{F}/bad-places.geojson:3: post-b: lon: out of range (got 200.0; "
        "expected a value ≤ 180)",
    ]


def test_good_mini_dataset(mini_root):
    data, problems = load.read_dataset(root=mini_root)
    assert problems == [] and validate.check(data) == []
    assert [ev.id for ev in data.events] == ["crossing-a", "talks"]
    assert data.texts["memo"].startswith("Some 6,000")


def test_quote_matches_across_line_breaks(mini_root):
    data, _ = load.read_dataset(root=mini_root)
    # the quote spans a line break in memo.txt ("crossed\nthe border")
    assert data.event("crossing-a").sources[0].quote == "crossed the border on 22 April"
    assert validate.check(data) == []


def test_an_event_that_cannot_be_read_is_reported_once(mini_root, tmp_path):
    events = tmp_path / "two.yaml"
    events.write_text(
        "- id: broken\n  title: Broken\n  summary: s.\n  kind: context\n"
        "  when: 1962-02-30\n  sources: [{source: memo}]\n"
        "- id: fine\n  title: Fine\n  summary: s.\n  kind: context\n  when: 1962\n"
        "  related: [broken, nowhere]\n  sources: [{source: memo}]\n",
        encoding="utf-8",
    )
    data, problems = load.read_dataset([events], root=mini_root)
    unreadable = {p.record for p in problems if p.record}
    found = problems + validate.check(data, unreadable)
    assert [(p.record, p.field) for p in found] == [
        ("broken", "when"),  # the cause
        ("fine", "related[1]"),  # a real dangling reference; not the knock-on one
    ]
