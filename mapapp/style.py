"""Presentation vocabulary shared by the map and the charts: colours and labels."""

from __future__ import annotations

# Okabe–Ito, a colour-blind-safe palette; one colour per event kind.
KIND_COLOURS = {
    "crossing": "#D55E00",
    "diplomacy": "#0072B2",
    "unrest": "#CC79A7",
    "border-control": "#009E73",
    "administration": "#E69F00",
    "treaty": "#56B4E9",
    "context": "#666666",
}
KIND_LABELS = {
    "crossing": "Crossings",
    "diplomacy": "Diplomacy",
    "unrest": "Unrest",
    "border-control": "Border control",
    "administration": "Administration",
    "treaty": "Treaties",
    "context": "Context",
}

# One colour per claimant on the chart of competing figures (repeated when there are
# more), dark enough that the figures written in it read on white (at least 4.5:1).
CLAIMANT_COLOURS = [
    "#000000",
    "#B35806",
    "#1F78B4",
    "#1B7837",
    "#C51B7D",
    "#762A83",
    "#6A6A6A",
    "#01665E",
    "#A50026",
]

# A presented tour, on the app's present page and in the offline tour file alike:
# the step shown in its kind's colour over a dark halo, the earlier steps faded grey.
# Leaflet path options; ``radius`` sizes a point's circle (Leaflet's circle markers
# take it in ``setStyle``); an arrowhead ("tip") is a small filled triangle.
TOUR_STYLES: dict[str, dict[str, object]] = {
    "step": {"weight": 6, "opacity": 1, "fillOpacity": 0.9, "radius": 11},
    "step_tip": {"weight": 1, "opacity": 1, "fillOpacity": 1},
    "earlier": {
        "color": "#6b6b6b",
        "weight": 3,
        "opacity": 0.6,
        "fillColor": "#9a9a9a",
        "fillOpacity": 0.35,
        "radius": 6,
    },
    "earlier_tip": {
        "color": "#6b6b6b",
        "weight": 1,
        "opacity": 0.6,
        "fillColor": "#6b6b6b",
        "fillOpacity": 0.35,
    },
    "halo": {"color": "#000000", "weight": 14, "opacity": 0.25, "fill": False},
    "halo_point": {
        "color": "#000000",
        "weight": 6,
        "opacity": 0.35,
        "fill": False,
        "radius": 19,
    },
}


def tour_style(part: str, kind: str) -> dict[str, object]:
    """Return a tour part's style; ``step`` parts in the colour of the event's kind.

    >>> tour_style("step_tip", "crossing")["fillColor"]
    '#D55E00'
    """
    style = dict(TOUR_STYLES[part])
    if part.startswith("step"):
        style.update(color=KIND_COLOURS[kind], fillColor=KIND_COLOURS[kind])
    return style
