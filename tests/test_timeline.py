import json
from datetime import date

from mapapp import timeline
from mapapp.dataset import Dataset
from mapapp.model import Event, Source


def data():
    src = {"s": Source(id="s", title="S", kind="primary", grade="A", summary="x")}
    claims = [
        {
            "quantity": "people",
            "value": 10000,
            "approximate": True,
            "as_of": "1962-04-24",
            "scope": "to 24 April",
            "claimant": "Soviet government",
            "source": "s",
        },
        {
            "quantity": "people",
            "value": 60000,
            "as_of": "1962",
            "scope": "all 1962",
            "claimant": "Kraus 2019",
            "source": "s",
        },
        {
            "quantity": "people",
            "value": 6000,
            "scope": "one day",
            "claimant": "Soviet government",
            "source": "s",
        },
    ]
    evs = (
        Event(
            id="a",
            title="A",
            summary="s",
            kind="crossing",
            when="1962-04",
            claims=claims,
            sources=[{"source": "s"}],
        ),
        Event(
            id="b",
            title="B",
            summary="s",
            kind="unrest",
            when="1962-05-29?",
            sources=[{"source": "s"}],
        ),
    )
    return Dataset.of(events=evs, sources=src)


def test_timeline_frame_spans_what_a_date_may_mean():
    frame = timeline.timeline_frame(data(), ["a", "b"], selected="b").set_index("id")
    assert frame.loc["a", "start"].date() == date(1962, 4, 1)
    assert frame.loc["a", "end"].date() == date(1962, 5, 1)  # exclusive end
    assert frame.loc["b", "certainty"] == "approximate or uncertain"
    assert frame.loc["b", "selected"] and not frame.loc["a", "selected"]


def test_timeline_chart_has_window_and_pick_selections():
    frame = timeline.timeline_frame(data(), ["a", "b"])
    spec = timeline.timeline_chart(
        frame, date(1962, 1, 1), date(1962, 12, 31)
    ).to_dict()
    params = spec.get("params", []) + [
        p for layer in spec["layer"] for p in layer.get("params", [])
    ]
    names = {p["name"] for p in params}
    assert names == {timeline.WINDOW, timeline.PICK}


def _without_names(spec: dict) -> str:
    """The spec as JSON with Altair's generated view and dataset names blanked."""
    import re

    text = json.dumps(spec, sort_keys=True)
    text = re.sub(r'"view_[0-9a-f_]+"', '"view"', text)
    return re.sub(r'"data-[0-9a-f]+"', '"data"', text)


def test_timeline_spec_is_the_chart_without_rebuilding_it():
    for ids, selected, window in (
        (["a", "b"], "b", (date(1962, 3, 1), date(1962, 6, 30))),
        (["b"], None, (date(1962, 1, 1), date(1962, 12, 31))),
        ([], None, (date(1962, 4, 1), date(1962, 4, 30))),
    ):
        frame = timeline.timeline_frame(data(), ids, selected)
        fast = timeline.timeline_spec(frame, *window)
        slow = timeline.timeline_chart(frame, *window).to_dict(validate=False)
        assert _without_names(fast) == _without_names(slow)
    # each call gets its own copy: changing one spec changes no other
    fast["layer"][0]["mark"]["type"] = "line"
    assert timeline.timeline_spec(frame, *window)["layer"][0]["mark"]["type"] == "bar"


def test_counts_chart_counts_events_per_week_and_kind():
    frame = timeline.timeline_frame(data(), ["a", "b"])
    spec = timeline.counts_chart(frame, date(1962, 1, 1), date(1962, 12, 31)).to_dict()
    (rows,) = spec["datasets"].values()
    assert [(r["week"][:10], r["kind"], r["events"]) for r in rows] == [
        ("1962-03-26", "Crossings", 1),  # 1 April 1962 was a Sunday
        ("1962-05-28", "Unrest", 1),
    ]
    assert [p["name"] for p in spec["params"]] == [timeline.WINDOW]


def test_a_narrow_window_gets_no_more_ticks_than_days():
    import pandas as pd

    from mapapp.timeline import _COLUMNS, timeline_spec

    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in _COLUMNS})
    spec = timeline_spec(empty, date(1962, 5, 28), date(1962, 5, 31))
    counts = {
        layer["encoding"]["x"]["axis"]["tickCount"]
        for layer in spec["layer"]
        if "axis" in layer["encoding"]["x"]
    }
    assert counts == {4}
