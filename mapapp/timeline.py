"""The event timeline beside the map: events over time, by kind.

Charts are Altair specifications built from plain data; the app decides how to show
them. Dates before 1970 are ordinary dates here: Vega-Lite handles negative times.
"""

from __future__ import annotations

import copy
import functools
from datetime import date, timedelta
from typing import Any

import altair as alt
import pandas as pd

from mapapp.dataset import Dataset
from mapapp.model import EVENT_KINDS
from mapapp.style import KIND_COLOURS, KIND_LABELS

# A mark is chosen by a click, or by a tap on a touch screen: the chart's own touch
# handling leaves a tap no click. Only a touch that ends where it could still be
# cancelled is a tap (a swipe to scroll the page is not: the browser took it over).
TAP = "click, touchend[event.cancelable]"

WINDOW = "window"  # the name of the interval selection (brush) on the timeline
PICK = "pick"  # the name of the point selection (click an event)


def timeline_frame(
    data: Dataset, ids: list[str], selected: str | None = None
) -> pd.DataFrame:
    """Return one row per event for the timeline chart.

    ``start``/``end`` span every day the event may mean (a month-precision event
    spans its month, an interval its range); ``end`` is exclusive, so a one-day event
    is one day wide.
    """
    keep = set(ids)
    rows = []
    for ev in data.events:
        if ev.id not in keep:
            continue
        w = ev.when
        start = w.earliest if w.earliest != date.min else w.latest
        last = w.latest if w.latest != date.max else w.earliest
        rows.append(
            {
                "id": ev.id,
                "title": ev.title,
                "kind": KIND_LABELS[ev.kind],
                "date": w.human(),
                "start": pd.Timestamp(start),
                "end": pd.Timestamp(last + timedelta(days=1)),
                "precision": w.precision + (" (interval)" if w.interval else ""),
                "certainty": "approximate or uncertain"
                if (w.approximate or w.uncertain)
                else "as stated",
                "selected": ev.id == selected,
            }
        )
    return pd.DataFrame(rows, columns=list(_COLUMNS))


def timeline_chart(frame: pd.DataFrame, start: date, end: date) -> alt.LayerChart:
    """Return the event timeline: one lane per kind, bars as wide as each date means.

    Exact days are drawn as dots on top of their (one-day) bar; approximate or
    uncertain dates are pale and dashed; the selected event has a black outline.
    Brushing along the time axis selects a window (selection ``window``); clicking
    an event selects it (selection ``pick``).
    """
    domain = [pd.Timestamp(start).isoformat(), pd.Timestamp(end).isoformat()]
    kinds = [KIND_LABELS[k] for k in EVENT_KINDS]
    colour = alt.Color(
        "kind:N",
        scale=alt.Scale(domain=kinds, range=[KIND_COLOURS[k] for k in EVENT_KINDS]),
        legend=None,
    )
    brush = alt.selection_interval(name=WINDOW, encodings=["x"])
    pick = alt.selection_point(name=PICK, fields=["id"], on=TAP)
    tooltip = [
        alt.Tooltip("date:N", title="Date"),
        alt.Tooltip("title:N", title="Event"),
        alt.Tooltip("precision:N", title="Precision"),
        alt.Tooltip("certainty:N", title="Date is"),
    ]
    base = alt.Chart(frame).encode(
        x=alt.X(
            "start:T",
            title=None,
            scale=alt.Scale(domain=domain, clamp=True),
            axis=alt.Axis(format="%d %b %Y", labelAngle=0, tickCount=ticks(start, end)),
        ),
        y=alt.Y("kind:N", sort=kinds, title=None, scale=alt.Scale(domain=kinds)),
        color=colour,
        tooltip=tooltip,
    )
    bars = base.mark_bar(height=14, cornerRadius=2).encode(
        x2="end:T",
        opacity=alt.condition(
            "datum.certainty == 'as stated'", alt.value(0.85), alt.value(0.35)
        ),
        strokeDash=alt.condition(
            "datum.certainty == 'as stated'", alt.value([1, 0]), alt.value([4, 3])
        ),
        stroke=alt.condition("datum.selected", alt.value("black"), colour),
        strokeWidth=alt.condition("datum.selected", alt.value(3), alt.value(1)),
    )
    dots = (
        base.transform_filter("datum.precision == 'day'")
        .mark_circle(size=70)
        .encode(
            stroke=alt.condition(
                "datum.selected", alt.value("black"), alt.value("white")
            ),
            strokeWidth=alt.condition("datum.selected", alt.value(3), alt.value(1)),
        )
    )
    return (
        alt.layer(bars.add_params(brush), dots.add_params(pick))
        .properties(height=230, title="Events over time (drag to choose a window)")
        .configure_axis(labelFontSize=12)
    )


_COLUMNS = (
    "id",
    "title",
    "kind",
    "date",
    "start",
    "end",
    "precision",
    "certainty",
    "selected",
)


def ticks(start: date, end: date) -> int:
    """Return how many ticks a date axis gets: at most 8, and never two in a day.

    The axis writes days (``%d %b %Y``): a window of three days with eight ticks
    wrote each date two or three times.

    >>> ticks(date(1962, 5, 28), date(1962, 5, 31))
    4
    >>> ticks(date(1962, 1, 1), date(1962, 12, 31))
    8
    """
    return max(2, min(8, (end - start).days + 1))


@functools.cache
def _skeleton() -> dict[str, Any]:
    """Return the timeline's spec with no data (built by Altair once)."""
    empty = pd.DataFrame({c: pd.Series(dtype=object) for c in _COLUMNS})
    return timeline_chart(empty, date(1962, 1, 1), date(1962, 12, 31)).to_dict(
        validate=False
    )


def timeline_spec(frame: pd.DataFrame, start: date, end: date) -> dict[str, Any]:
    """Return :func:`timeline_chart` as a Vega-Lite dict, without rebuilding it.

    Altair checks every channel against the Vega-Lite schema each time a chart is
    built, which takes most of a rerun; here Altair builds the chart once, and each
    call only puts in the rows and the window (the same spec, up to view names).
    """
    spec = copy.deepcopy(_skeleton())
    rows = frame.assign(
        start=pd.to_datetime(frame["start"]).dt.strftime("%Y-%m-%dT%H:%M:%S"),
        end=pd.to_datetime(frame["end"]).dt.strftime("%Y-%m-%dT%H:%M:%S"),
    )
    spec["datasets"] = {spec["data"]["name"]: rows.to_dict("records")}
    domain = [pd.Timestamp(start).isoformat(), pd.Timestamp(end).isoformat()]
    for layer in spec["layer"]:
        layer["encoding"]["x"]["scale"]["domain"] = domain
        if "axis" in layer["encoding"]["x"]:
            layer["encoding"]["x"]["axis"]["tickCount"] = ticks(start, end)
    return spec


def counts_chart(frame: pd.DataFrame, start: date, end: date) -> alt.Chart:
    """Return events counted per week and kind, for too many events to draw each.

    An event counts in the week of the first day it may mean. The chart keeps the
    ``window`` selection (brush), so it filters the map like :func:`timeline_chart`.
    """
    kinds = [KIND_LABELS[k] for k in EVENT_KINDS]
    week = pd.to_datetime(frame["start"]).dt.to_period("W-SUN").dt.start_time
    counts = (
        frame.assign(week=week)
        .groupby(["week", "kind"], observed=True)
        .size()
        .rename("events")
        .reset_index()
    )
    counts["until"] = counts["week"] + pd.Timedelta(days=7)
    domain = [pd.Timestamp(start).isoformat(), pd.Timestamp(end).isoformat()]
    brush = alt.selection_interval(name=WINDOW, encodings=["x"])
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X(
                "week:T",
                title=None,
                scale=alt.Scale(domain=domain, clamp=True),
                axis=alt.Axis(
                    format="%d %b %Y", labelAngle=0, tickCount=ticks(start, end)
                ),
            ),
            x2="until:T",
            y=alt.Y("sum(events):Q", title="Events per week", stack=True),
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(
                    domain=kinds, range=[KIND_COLOURS[k] for k in EVENT_KINDS]
                ),
                legend=alt.Legend(orient="bottom", title=None),
            ),
            tooltip=[
                alt.Tooltip("week:T", title="Week of", format="%d %b %Y"),
                alt.Tooltip("kind:N", title="Kind"),
                alt.Tooltip("events:Q", title="Events", format=","),
            ],
        )
        .add_params(brush)
        .properties(height=230, title="Events per week (drag to choose a window)")
        .configure_axis(labelFontSize=12)
    )
