"""The charts beside the map: events over time, and the competing crossing figures.

Charts are Altair specifications built from plain data; the app decides how to show
them. Dates before 1970 are ordinary dates here: Vega-Lite handles negative times.
"""

from __future__ import annotations

import copy
import functools
import math
import re
from datetime import date, timedelta
from typing import Any

import altair as alt
import pandas as pd

from mapapp.dataset import Dataset
from mapapp.model import EVENT_KINDS
from mapapp.style import CLAIMANT_COLOURS, KIND_COLOURS, KIND_LABELS

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


# The chart of competing figures: what a figure counts, told apart by the mark's shape.
CLAIM = "claim"  # the name of its point selection (click a figure)
CROSSED = "crossed, by that date"
LEFT_IN_YEAR = "left during the year (a year's total)"
TOOK_PART = "took part (not a count of crossings)"
MEASURE_SHAPES = {CROSSED: "circle", LEFT_IN_YEAR: "diamond", TOOK_PART: "triangle-up"}
TOOK_PART_WORDS = re.compile(r"\btook part\b", re.IGNORECASE)
CLAIMS_HEIGHT = 300  # px of the plot; the legends come above and below it
LABEL_GAP = 13  # px between the figures written beside marks at about one date
WIDE = 720  # px: a plot wider than this has its legends in three columns
DODGE = 10  # px between marks drawn at one date and (almost) one figure
# A long claimant is written on two lines in the legend, before its " (" if any.
WRAP_LABEL = (
    "length(datum.label) > 30 && indexof(datum.label, ' (') > 0 ? "
    "[slice(datum.label, 0, indexof(datum.label, ' (')), "
    "slice(datum.label, indexof(datum.label, ' (') + 1)] : datum.label"
)
_CLAIM_COLUMNS = (  # noqa: SIM905
    "claimant as_of as_of_text value low figure measure scope grade total event "
    "selected"
).split()


def claims_frame(data: Dataset, selected: str | None = None) -> pd.DataFrame:
    """Return the figures of people who crossed, or took part, one row per claim.

    A claim of people with ``as_of`` is a running total of people who had crossed
    by that date (``CROSSED``); one for a whole year (``as_of: 1962``) is placed at
    the year's end and flagged ``total`` (``LEFT_IN_YEAR``). A claim whose scope says
    the people *took part* (in the flight: not all of them crossed) is ``TOOK_PART``;
    without ``as_of`` it is placed at the end of its event's dates, and
    ``as_of_text`` says so. Other claims without ``as_of`` are left out, and
    identical claims repeated in several events appear once.
    """
    rows = []
    for ev in data.events:
        for c in ev.claims:
            took_part = bool(TOOK_PART_WORDS.search(c.scope))
            if c.quantity != "people" or (c.as_of is None and not took_part):
                continue
            when = c.as_of or ev.when
            if when.latest == date.max:
                continue  # no day to draw it at
            total = c.as_of is not None and c.as_of.precision == "year"
            measure = TOOK_PART if took_part else LEFT_IN_YEAR if total else CROSSED
            source = data.sources.get(c.source)
            value = c.value if c.value is not None else c.high
            rows.append(
                {
                    "claimant": c.claimant,
                    "as_of": pd.Timestamp(when.latest),
                    "as_of_text": c.as_of.human()
                    if c.as_of
                    else "not given; drawn at the end of the event's dates "
                    f"({ev.when.human()})",
                    "value": value,
                    "low": c.low if c.low is not None else value,
                    "figure": c.figure(),
                    "measure": measure,
                    "scope": c.scope,
                    "grade": source.grade if source else "?",
                    "total": total,
                    "event": ev.id,
                    "selected": ev.id == selected,
                }
            )
    frame = pd.DataFrame(rows, columns=_CLAIM_COLUMNS)
    return frame.drop_duplicates(["claimant", "as_of", "value", "measure"]).reset_index(
        drop=True
    )


def log_ticks(low: float, high: float) -> list[int]:
    """Return round ticks (1, 2, 5 times a power of ten) around ``low``–``high``.

    The first tick lies below ``low`` and the last above ``high`` with some room,
    so that no point sits on the plot's edge: 2,000–74,570 gives 1,000 … 100,000.
    """
    low, high = max(low / 1.4, 1), max(high * 1.25, 10)
    power = 10 ** math.floor(math.log10(low))
    ticks = [power * m for m in (1, 2, 5, 10) if power * m <= low][-1:]
    while ticks[-1] < high:
        last = ticks[-1]
        step = 2.5 if str(last).startswith("2") else 2
        ticks.append(int(last * step))
    return ticks


def claims_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Return the competing figures, each a mark at the date it runs to.

    The y axis is a log scale (with round ticks), so 2,000 and 75,000 both read.
    Colour says who claims a figure (every claimant is in the legend), shape what it
    counts (see ``MEASURE_SHAPES``); a claimant's running totals of crossings are
    joined by a line. Each figure is written beside its mark, moved up or down
    where figures at about one date would overlap. Clicking a mark selects its
    event (selection ``claim``); the selected event's marks are ringed.
    """
    frame = frame.sort_values(["as_of", "value"], kind="stable")
    ticks = (
        log_ticks(frame["low"].min(), frame["value"].max()) if len(frame) else [1, 10]
    )
    frame = _place_labels(frame, ticks)
    claimants = list(dict.fromkeys(frame["claimant"]))
    colours = (CLAIMANT_COLOURS * len(claimants))[: len(claimants)]
    measures = [m for m in MEASURE_SHAPES if m in set(frame["measure"])]
    y_title = "People, as claimed (log scale)"
    log = alt.Scale(type="log", domain=[ticks[0], ticks[-1]])
    colour = alt.Color(
        "claimant:N",
        title="Claimed by",
        scale=alt.Scale(domain=claimants, range=colours),
        legend=alt.Legend(
            orient="bottom",
            direction="horizontal",
            columns=alt.ExprRef(f"width > {WIDE} ? 3 : 1"),
            labelExpr=WRAP_LABEL,
            labelLimit=330,
        ),
    )
    base = alt.Chart(frame).encode(
        x=alt.X(
            "as_of:T",
            title="Date the figure runs to",
            scale=alt.Scale(padding=24),
            axis=alt.Axis(format="%-d %b %Y", labelAngle=0, labelOverlap=True),
        ),
        color=colour,
    )
    tooltip = [
        alt.Tooltip("figure:N", title="People"),
        alt.Tooltip("measure:N", title="Counted"),
        alt.Tooltip("claimant:N", title="Claimed by"),
        alt.Tooltip("as_of_text:N", title="As of"),
        alt.Tooltip("scope:N", title="Scope"),
        alt.Tooltip("grade:N", title="Source grade"),
    ]
    pick = alt.selection_point(name=CLAIM, fields=["event"], on=TAP)
    lines = base.transform_filter(alt.datum.measure == CROSSED).mark_line()
    ranges = base.transform_filter("datum.low < datum.value").mark_rule(strokeWidth=2)
    points = base.mark_point(
        filled=True, opacity=1, xOffset=alt.ExprRef("datum.dodge")
    ).encode(
        shape=alt.Shape(
            "measure:N",
            title="What the figure counts",
            scale=alt.Scale(
                domain=measures, range=[MEASURE_SHAPES[m] for m in measures]
            ),
            legend=alt.Legend(
                orient="top",
                direction="horizontal",
                columns=alt.ExprRef(f"width > {WIDE} ? 3 : 1"),
                labelLimit=330,
            ),
        ),
        size=alt.condition("datum.selected", alt.value(220), alt.value(100)),
        stroke=alt.condition("datum.selected", alt.value("black"), colour),
        strokeWidth=alt.condition("datum.selected", alt.value(2.5), alt.value(1)),
        tooltip=tooltip,
    )
    labels = base.mark_text(
        fontSize=11,
        dx=alt.ExprRef("datum.label_dx"),
        align=alt.ExprRef("datum.label_dx > 0 ? 'left' : 'right'"),
    ).encode(y=alt.Y("label_value:Q", title=y_title, scale=log), text="figure:N")
    y = alt.Y(
        "value:Q",
        title=y_title,
        scale=log,
        axis=alt.Axis(values=ticks, format=",", grid=True),
    )
    return alt.layer(
        lines.encode(y=y, detail="claimant:N"),
        ranges.encode(y=y, y2="low:Q"),
        points.encode(y=y).add_params(pick),
        labels,
    ).properties(
        height=CLAIMS_HEIGHT,
        # the plot keeps its height (the labels are placed for it); legends add to it
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
        title="Who says how many crossed",
    )


def _place_labels(frame: pd.DataFrame, ticks: list[int]) -> pd.DataFrame:
    """Add where marks and figures are drawn: ``dodge``, ``label_dx``, ``label_value``.

    Marks at one date less than ``DODGE`` px apart are moved sideways by ``dodge``
    px. Figures are written right of their marks, left of them in the last fifth of
    the dates; the figures on one side within a fortnight of each other are spread
    to ``LABEL_GAP`` px apart (in the pixels of the plot's fixed height).
    """
    frame = frame.assign(dodge=0.0, label_dx=12.0, label_value=frame["value"])
    if not len(frame):
        return frame
    lo, hi = math.log10(ticks[0]), math.log10(ticks[-1])
    pixels = (hi - frame["value"].map(math.log10)) / (hi - lo) * CLAIMS_HEIGHT
    for _day, rows in pixels.groupby(frame["as_of"]):
        for run in _runs(rows.sort_values(), DODGE):
            frame.loc[run, "dodge"] = list(
                (pd.RangeIndex(len(run)) - (len(run) - 1) / 2) * DODGE
            )
    first, last = frame["as_of"].min(), frame["as_of"].max()
    left = frame["as_of"] > first + (last - first) * 0.8
    reach = frame.groupby("as_of")["dodge"].transform
    frame["label_dx"] = (reach("min") - 12).where(left, reach("max") + 12)
    for _left, rows in frame.groupby(left):
        for run in _runs(rows["as_of"].sort_values(), pd.Timedelta(days=14)):
            _spread(pixels, run)
    placed = pixels.clip(6, CLAIMS_HEIGHT - 6)
    frame["label_value"] = 10 ** (hi - placed / CLAIMS_HEIGHT * (hi - lo))
    return frame


def _runs(values: pd.Series, gap: Any) -> list[list]:
    """Return the index of sorted ``values`` in runs, neighbours nearer than ``gap``."""
    runs: list[list] = []
    for k, (i, v) in enumerate(values.items()):
        if not k or v - values.iloc[k - 1] >= gap:
            runs.append([])
        runs[-1].append(i)
    return runs


def _spread(pixels: pd.Series, rows: list) -> None:
    """Move the labels of ``rows`` ``LABEL_GAP`` apart, centred where they were."""
    order = sorted(rows, key=lambda i: pixels[i])
    moved = [pixels[order[0]]]
    for i in order[1:]:
        moved.append(max(pixels[i], moved[-1] + LABEL_GAP))
    shift = (sum(moved) - pixels[order].sum()) / len(moved)
    pixels[order] = [m - shift for m in moved]
