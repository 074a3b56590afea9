"""Places made from coordinates in an imported file (mapapp.adhoc)."""

from mapapp import (
    adhoc,
)


def test_adhoc_id_stays_a_slug():
    long = "a" * 118
    assert adhoc.adhoc_id("x") == "point-x"
    assert len(adhoc.adhoc_id(long)) <= 120
