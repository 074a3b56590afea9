"""The text form of the flat export and import columns, written and read in one place.

The export writes these cells and the import reads them back, so both sides use the
functions here:

- ``place``: ``role:place`` references joined by ``|``, e.g.
  ``origin:tacheng|crossing:baketu``; a route other than 1 is written after the role,
  ``origin@2:tacheng``. On import the role may be left out (it is then ``site``) and
  the place may be any name variant.
- ``people``: ``6000``, a range ``5000-6000``, or approximate ``~6000``; the export
  joins the figures of all ``people`` claims by ``|`` and ``claimant`` their
  claimants in the same order.
- ``source``: source ids, or a full citation in words, joined by ``|``. A citation in
  words becomes a source of its own, ``cited-`` and a hash of the words.
- Spreadsheet formula injection: a cell starting with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return gets a leading ``'`` (so does a cell that already starts
  with ``'`` followed by one of those or by another ``'``); :func:`restore` removes
  exactly that ``'``. Plain numbers such as ``-12.5`` are left alone.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from mapapp.model import (
    ID_PATTERN,
    PLACE_ROLES,
    Claim,
    Place,
    Source,
)

SEP = "|"
FORMULA_START = frozenset("=+-@\t\r")
FREE_TEXT_PREFIX = "cited-"
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_ROLE = re.compile(r"^([a-z]+)(?:@(\d+))?:(.*)$", re.DOTALL)
_FIGURE = re.compile(
    r"^(?P<approx>~)?\s*(?P<a>\d+(?:,\d{3})*(?:\.\d+)?)"
    r"(?:\s*[-–]\s*(?P<b>\d+(?:,\d{3})*(?:\.\d+)?))?$"
)
_SLUG = re.compile(ID_PATTERN)
FIGURE_FORMS = "a number such as 6000, a range 5000-6000 or approximate ~6000"


# The columns of the event table, as the exports write them and the import reads
# them back (CSV adds the point and the WKT).
COLUMNS = (
    "id",
    "title",
    "kind",
    "when",
    "date_start",
    "date_end",
    "date_precision",
    "date_approximate",
    "date_uncertain",
    "date_note",
    "place",
    "place_ids",
    "place_names",
    "geo_precision",
    "crossing_inferred",
    "far",
    "people",
    "claimant",
    "source",
    "citation",
    "summary",
    "related",
    "claims",
    "sources",
)
CSV_COLUMNS = (*COLUMNS[:13], "lon", "lat", *COLUMNS[13:], "wkt")
BOOLEAN = ("date_approximate", "date_uncertain", "crossing_inferred", "far")
NESTED = ("claims", "sources")
ADHOC_SOURCE = "imported file"
IMPORTED_SCOPE = "not stated in the imported row"


def is_adhoc(place: Place | None) -> bool:
    """Return whether a place was made from coordinates in an imported file."""
    return place is not None and place.coord_source.startswith(ADHOC_SOURCE)


def neutralise(cell: str) -> str:
    """Return a cell a spreadsheet will not run as a formula (see module notes)."""
    if not cell or _NUMBER.match(cell):
        return cell
    if cell[0] in FORMULA_START or (
        cell[0] == "'"
        and len(cell) > 1
        and (cell[1] in FORMULA_START or cell[1] == "'")
    ):
        return "'" + cell
    return cell


def restore(cell: str) -> str:
    """Undo :func:`neutralise` exactly."""
    if (
        len(cell) > 1
        and cell[0] == "'"
        and (cell[1] in FORMULA_START or cell[1] == "'")
    ):
        return cell[1:]
    return cell


def split(cell: str) -> list[str]:
    """Split a ``|``-joined cell into its stripped, non-empty parts."""
    return [part.strip() for part in cell.split(SEP) if part.strip()]


def number(value: float) -> str:
    """Write a number the shortest way that reads back the same: 6000, 0.5."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# --- places ----------------------------------------------------------------------


def place_token(role: str, route: int, place: str) -> str:
    """Write one place reference as ``role[@route]:place`` (the cell joins by ``|``)."""
    return f"{role if route == 1 else f'{role}@{route}'}:{place}"


def parse_place(token: str) -> dict[str, Any]:
    """Read one place reference: ``[role[@route]:]place``.

    Returns
    -------
    dict
        ``place``, ``role`` (``site`` when none is given) and ``route``, not yet
        validated: an unknown role is returned as written for the model to reject.
    """
    match = _ROLE.match(token)
    if not match:
        return {"place": token, "role": "site", "route": 1}
    role, route, place = match.groups()
    return {"place": place.strip(), "role": role, "route": int(route or 1)}


def role_problem(ref: Mapping[str, Any], token: str) -> str | None:
    """Return what is wrong with a parsed reference's role or place, if anything."""
    if ref["role"] not in PLACE_ROLES:
        allowed = ", ".join(PLACE_ROLES)
        return f"unknown role (got {ref['role']!r} in {token!r}; expected {allowed})"
    if not ref["place"]:
        return f"no place after the role (got {token!r}; expected e.g. origin:tacheng)"
    return None


# --- figures ---------------------------------------------------------------------


def figure_cell(claim: Claim) -> str:
    """Write a claim's number as the ``people`` column does: ``~6000``, ``5-6``."""
    if claim.value is not None:
        text = number(claim.value)
    else:
        assert claim.low is not None and claim.high is not None
        text = f"{number(claim.low)}-{number(claim.high)}"
    return f"~{text}" if claim.approximate else text


def parse_figure(text: str) -> dict[str, Any]:
    """Read a ``people`` figure into Claim fields (``value`` or ``low``/``high``).

    Raises
    ------
    ValueError
        When the text is none of the allowed forms.
    """
    match = _FIGURE.match(text.strip())
    if not match:
        raise ValueError(
            f"not a number of people (got {text!r}; expected {FIGURE_FORMS})"
        )
    a, b = (float(x.replace(",", "")) if x else None for x in match.group("a", "b"))
    if not math.isfinite(a) or (b is not None and not math.isfinite(b)):
        raise ValueError(
            f"number too large (got {text[:40]!r}…; expected {FIGURE_FORMS})"
        )
    fields: dict[str, Any] = {"value": a} if b is None else {"low": a, "high": b}
    return {**fields, "approximate": bool(match.group("approx"))}


# --- sources ---------------------------------------------------------------------


def free_text_id(text: str) -> str:
    """Return the id of the source made from a citation in words."""
    digest = hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()
    return f"{FREE_TEXT_PREFIX}{digest[:10]}"


def is_free_text(source: Source) -> bool:
    """Return whether a source was made from a citation in words."""
    return source.id == free_text_id(source.title)


def looks_like_id(token: str) -> bool:
    """Return whether a ``source`` entry is written like an id (else: words)."""
    return bool(_SLUG.match(token))


def source_word(source_id: str, sources: Mapping[str, Source]) -> str:
    """Write one source an event cites: its id, or the words of a citation in words."""
    source = sources.get(source_id)
    return source.title if source and is_free_text(source) else source_id


def people_figures(
    people: str, claimant: str
) -> tuple[list[tuple[dict[str, Any], str]], list[tuple[str, str]]]:
    """Return the figures of a ``people`` and a ``claimant`` cell, or what is wrong.

    Parameters
    ----------
    people, claimant : str
        The cells as written.

    Returns
    -------
    figures : list of (dict, str)
        Each figure's Claim fields (:func:`parse_figure`) and who claimed it (empty
        if anything is wrong); :func:`claim_fields` makes them claims.
    problems : list of (column, message)
    """
    figures, claimants = split(people), split(claimant)
    messages = []
    numbers = []
    for figure in figures:  # every figure is judged, whatever else is wrong
        try:
            numbers.append(parse_figure(figure))
        except ValueError as exc:
            messages.append(("people", str(exc)))
    if figures and not claimants:
        messages.append(
            (
                "claimant",
                f"a number without its claimant (got people {people!r} and an empty "
                "claimant; expected who claimed the number)",
            )
        )
    elif len(claimants) != len(figures):
        messages.append(
            (
                "people",
                f"{len(figures)} figure(s) for {len(claimants)} claimant(s) (got "
                f"people {people!r}, claimant {claimant!r}; expected one claimant "
                "per figure)",
            )
        )
    if messages:
        return [], messages
    return list(zip(numbers, claimants, strict=True)), messages


def claim_fields(
    number: dict[str, Any], who: str, source: str, unverified: bool
) -> dict[str, Any]:
    """Return the fields of a people claim made from an imported row."""
    return {
        "quantity": "people",
        **number,
        "scope": IMPORTED_SCOPE,
        "claimant": who,
        "source": source,
        "unverified": unverified,
    }


def nested_cell(
    value: Any, column: str, bad: Callable[[str, str], None]
) -> list | None:
    """Return a ``claims``/``sources`` cell's JSON array; None if the cell is blank.

    A malformed cell is reported through ``bad(column, message)`` and gives [].
    """
    if isinstance(value, list):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        bad(
            column,
            f"malformed JSON ({exc.msg} at character {exc.pos}; expected a "
            f"JSON array of {column}, as the export writes)",
        )
        return []
    except RecursionError:
        bad(
            column,
            f"malformed JSON (nested too deeply; expected a JSON array of "
            f"{column}, as the export writes)",
        )
        return []
    if not isinstance(parsed, list):
        bad(column, f"not a JSON array (got {text[:40]!r}; expected [...])")
        return []
    return parsed


def derived_people(claims: list[Any]) -> tuple[str, str]:
    """Return the ``people`` and ``claimant`` cells a raw ``claims`` array gives."""
    people = [
        c for c in claims if isinstance(c, dict) and c.get("quantity") == "people"
    ]
    figures, claimants = [], []
    for claim in people:
        value, low, high = claim.get("value"), claim.get("low"), claim.get("high")
        text = (
            number(value)
            if isinstance(value, int | float)
            else f"{number(low)}-{number(high)}"
            if isinstance(low, int | float) and isinstance(high, int | float)
            else "?"
        )
        figures.append(f"~{text}" if claim.get("approximate") else text)
        claimants.append(str(claim.get("claimant", "")))
    return SEP.join(figures), SEP.join(claimants)
