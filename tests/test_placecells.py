"""The place cells of imported rows (mapapp.placecells)."""

import pytest

from mapapp.gazetteer import Gazetteer
from mapapp.placecells import PlaceCells
from tests.conftest import make_place


@pytest.fixture
def place_cells():
    return PlaceCells(
        Gazetteer(
            [
                make_place("yining", [("Yining", "en"), ("Kuldja", "en")]),
                make_place("khorgos-cn", [("Khorgos", "en")]),
                make_place("khorgos-kz", [("Khorgos", "en")], state="USSR"),
                make_place("panfilov", [("Panfilov", "en")], state="USSR"),
            ]
        )
    )


def test_a_cell_gives_its_references_in_order(place_cells):
    refs, messages = place_cells.read("origin:Kuldja|crossing@2:khorgos-kz|Panfilov")
    assert messages == []
    assert refs == [
        {"place": "Kuldja", "role": "origin", "route": 1},
        {"place": "khorgos-kz", "role": "crossing", "route": 2},
        {"place": "Panfilov", "role": "site", "route": 1},
    ]


def test_every_bad_reference_is_worded_and_left_out(place_cells):
    cell = "lost:Yining|origin:|site:Atlantis|Khorgos|Yining"
    refs, messages = place_cells.read(cell)
    assert refs == [{"place": "Yining", "role": "site", "route": 1}]
    assert len(messages) == 4
    assert "unknown role (got 'lost' in 'lost:Yining'" in messages[0]
    assert "no place after the role (got 'origin:'" in messages[1]
    assert "Atlantis" in messages[2]
    assert "Khorgos" in messages[3] and "khorgos-cn" in messages[3]


def test_each_distinct_reference_is_looked_up_once(place_cells, monkeypatch):
    asked = []
    problem = place_cells.gazetteer.problem

    def spy(name):
        asked.append(name)
        return problem(name)

    monkeypatch.setattr(place_cells.gazetteer, "problem", spy)
    first = place_cells.read("origin:Yining|site:Panfilov")
    again = place_cells.read("site:Panfilov|origin:Yining|site:Atlantis")
    assert asked == ["Yining", "Panfilov", "Atlantis"]
    assert first[0] == list(reversed(again[0]))
