"""The text form of the import and export cells (mapapp.cells)."""

from pathlib import Path

import pytest

from mapapp import cells

ROOT = Path(__file__).parent.parent


# --- cells -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("6000", {"value": 6000.0, "approximate": False}),
        ("6,000", {"value": 6000.0, "approximate": False}),
        ("~6000", {"value": 6000.0, "approximate": True}),
        ("5000-6000", {"low": 5000.0, "high": 6000.0, "approximate": False}),
        ("~5000 – 6000", {"low": 5000.0, "high": 6000.0, "approximate": True}),
        ("2.5", {"value": 2.5, "approximate": False}),
    ],
)
def test_people_figures(text, fields):
    assert cells.parse_figure(text) == fields


def test_place_tokens():
    assert cells.parse_place("Tacheng") == {
        "place": "Tacheng",
        "role": "site",
        "route": 1,
    }
    assert cells.parse_place("destination@2:Urjar") == {
        "place": "Urjar",
        "role": "destination",
        "route": 2,
    }
    assert cells.parse_place("Fort: a name") == {
        "place": "Fort: a name",
        "role": "site",
        "route": 1,
    }


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-foo", "'-foo"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("'=x", "''=x"),
        ("''", "'''"),
        ("'quoted'", "'quoted'"),
        ("-12.5", "-12.5"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_neutralise_and_restore(cell, written):
    assert cells.neutralise(cell) == written
    assert cells.restore(written) == cell
