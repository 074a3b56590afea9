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
