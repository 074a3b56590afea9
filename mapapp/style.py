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
