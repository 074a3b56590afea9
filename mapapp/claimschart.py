"""The chart of competing figures: who says how many crossed, and when.

Every number claimed for the exodus is a mark, in its claimant's colour, on a log
scale on which 2,000 and 75,000 both read; what a figure counts is told by the
mark's shape. An Altair specification built from plain data; the app shows it.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

import altair as alt
import pandas as pd

from mapapp.dataset import Dataset
from mapapp.style import CLAIMANT_COLOURS
from mapapp.timeline import TAP

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
