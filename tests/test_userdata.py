"""A researcher's file combined with the bundled data (tiny world of tests/world.py)."""

from __future__ import annotations

import pytest

from mapapp import userdata
from mapapp.errors import DataError
from tests.world import world

HEADER = "id,title,kind,when,place,lon,lat,summary,people,claimant,source\n"


def _combine(rows: str, replace: bool = False, label: str = "mine.csv"):
    w = world()
    return w, userdata.combine(
        (HEADER + rows).encode(), label, w.data, w.frontier, replace=replace
    )


def test_good_rows_are_added_beside_the_bundle():
    w, user = _combine(
        "a,From Tacheng,crossing,1962-04-22,origin:Чугучак|destination:urjar,,,S.,,,"
        "memo\n"
        "b,A camp,unrest,1962-05,,81.0,44.0,S.,~600,Soviet government,memo\n"
    )
    assert user.accepted == ("a", "b")
    assert user.rejected == ()
    assert user.rows == 2
    assert [e.id for e in user.data.events] == [
        *(e.id for e in w.data.events),
        "a",
        "b",
    ]
    located = user.located.events.set_index("id")
    assert located.loc[["a", "b"], "located"].all()


def test_instead_of_the_bundle_only_the_file_is_shown():
    _, user = _combine("a,T,crossing,1962-04-22,tacheng,,,S.,,,memo\n", replace=True)
    assert [e.id for e in user.data.events] == ["a"]
    assert user.digest.endswith("-instead")


def test_bad_rows_are_reported_and_left_out():
    _, user = _combine(
        "a,T,crossing,1962-04-31,tacheng,,,S.,,,memo\nb,T,crossing,1962-04,tacheng,,,"
        "S.,,,memo\n"
    )
    assert user.accepted == ("b",)
    assert [(p.line, p.record, p.field) for p in user.rejected] == [(2, "a", "when")]
    frame = userdata.report_frame(user.rejected)
    assert frame.to_dict("records")[0]["Line"] == 2


def test_a_row_clashing_with_the_bundle_is_set_aside():
    w, user = _combine(
        "route-inferred,Same id,crossing,1962-04-22,tacheng,,,S.,,,memo\n"
        "fine,T,crossing,1962-04-22,tacheng,,,S.,,,memo\n"
    )
    assert user.accepted == ("fine",)
    (problem,) = user.rejected
    assert (problem.file, problem.line, problem.record, problem.field) == (
        "mine.csv",
        2,
        "route-inferred",
        "id",
    )
    assert problem.message.startswith("duplicate event id")
    assert len(user.data.events) == len(w.data.events) + 1


def test_a_whole_file_that_cannot_be_read_raises():
    w = world()
    with pytest.raises(DataError, match=r"mine\.csv"):
        userdata.combine("é".encode("latin-1"), "mine.csv", w.data, w.frontier)


def test_progress_is_reported_in_order():
    w = world()
    seen = []
    userdata.combine(
        (HEADER + "a,T,crossing,1962-04-22,tacheng,,,S.,,,memo\n").encode(),
        "mine.csv",
        w.data,
        w.frontier,
        progress=lambda f, m: seen.append(f),
    )
    assert seen == sorted(seen) and seen[-1] == 1.0
