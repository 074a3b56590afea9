"""What a geocode says in words: its problems, and its part of a validation report."""

from __future__ import annotations

from mapapp.dataset import Dataset
from mapapp.errors import Problem
from mapapp.geocode import GeocodeResult


def problems(result: GeocodeResult, data: Dataset) -> list[Problem]:
    """Return the state mismatches of a geocode as problems located in the gazetteer."""
    out = []
    for m in result.mismatches:
        label, line = data.where("place", m.place)
        side = f"on the {m.computed} side" if m.computed else "outside the study area"
        out.append(
            Problem(
                label,
                line,
                m.place,
                "state_1962",
                f"declared state disagrees with the 1962 line (got {m.declared}; the "
                f"point lies {side}, {m.distance_km:.1f} km from the line; expected "
                f"{m.computed}, or a corrected coordinate)",
            )
        )
    return out


def report(result: GeocodeResult) -> dict[str, object]:
    """Return what a validation report says about the geocode."""
    events = result.events
    return {
        "located": int(events["located"].sum()),
        "unlocated": events.loc[~events["located"], "id"].tolist(),
        "far": events.loc[events["far"], "id"].tolist(),
        "inferred_crossings": int(events["crossing_inferred"].sum()),
        "unresolved": [
            u.__dict__ | {"candidates": list(u.candidates)} for u in result.unresolved
        ],
        "mismatches": [m.__dict__ for m in result.mismatches],
    }
