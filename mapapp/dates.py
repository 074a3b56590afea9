"""EDTF (levels 0 and 1) dates, parsed once into earliest/latest dates and precision."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

from mapapp.errors import EDTFError

Precision = Literal["day", "month", "season", "year", "decade", "century"]
OpenEnd = Literal["open", "unknown"]

ALLOWED = (
    "an EDTF date: YYYY, YYYY-MM or YYYY-MM-DD, optionally ending in ~ (approximate), "
    "? (uncertain) or % (both); a season YYYY-21..24; unspecified digits (196X, "
    "1962-XX); or an interval START/END where either side may be '..' (open) or "
    "empty (unknown)"
)

_DATE = re.compile(
    r"^(?P<year>\d{4}|\d{3}X|\d{2}XX)"
    r"(?:-(?P<month>\d{2}|XX)(?:-(?P<day>\d{2}|XX))?)?"
    r"(?P<q>[?~%])?$",
    re.ASCII,  # EDTF digits are 0-9, not any Unicode digit such as ١٩٦٢
)
# Seasons of EDTF level 1 (northern hemisphere): first month and number of months.
_SEASONS = {21: (3, "spring"), 22: (6, "summer"), 23: (9, "autumn"), 24: (12, "winter")}
_MONTHS = [
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(frozen=True)
class Point:
    """One side of an EDTF value: a single date at some precision."""

    earliest: date
    latest: date
    precision: Precision
    approximate: bool = False
    uncertain: bool = False
    season: str | None = None


@dataclass(frozen=True)
class When:
    """A parsed EDTF value.

    Attributes
    ----------
    edtf : str
        The string as written in the record.
    earliest, latest : datetime.date
        The first and last day the value can mean; ``date.min``/``date.max`` for an
        open or unknown end.
    precision : str
        ``day``, ``month``, ``season``, ``year``, ``decade`` or ``century`` (of the
        start; of the end for an interval with an open start).
    approximate, uncertain : bool
        EDTF ``~`` and ``?`` qualifiers (``%`` sets both), on either side.
    interval : bool
        Whether the value is an interval ``START/END``.
    open_start, open_end : str | None
        ``"open"`` for ``..``, ``"unknown"`` for an empty side, else ``None``.
    """

    edtf: str
    earliest: date
    latest: date
    precision: Precision
    approximate: bool = False
    uncertain: bool = False
    interval: bool = False
    open_start: OpenEnd | None = None
    open_end: OpenEnd | None = None
    start: Point | None = None
    end: Point | None = None

    def overlaps(self, lo: date, hi: date) -> bool:
        """Return whether any day of this value lies in ``[lo, hi]``."""
        return self.earliest <= hi and self.latest >= lo

    def human(self) -> str:
        """Return the date as a person writes it, e.g. ``"about March 1962"``."""
        if not self.interval:
            assert self.start is not None
            return _human_point(self.start)
        left = _human_point(self.start) if self.start else None
        right = _human_point(self.end) if self.end else None
        if left and right:
            return _human_range(self.start, self.end) or f"{left} – {right}"
        if left:
            return f"from {left}" + (
                " (end unknown)" if self.open_end == "unknown" else ""
            )
        if right:
            return f"until {right}"
        return "date unknown"


def parse_edtf(value: object) -> When:
    """Parse an EDTF level 0–1 string.

    Parameters
    ----------
    value : str or int
        The EDTF string; an int is taken as a year (YAML reads ``1962`` as an int).

    Returns
    -------
    When
        Earliest and latest dates, precision and qualifiers.

    Raises
    ------
    EDTFError
        When the string is not EDTF level 0–1 or names an impossible date.
    """
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise EDTFError(f"not an EDTF date (got {value!r}; expected {ALLOWED})")
    return _parse_value(value)


@functools.lru_cache(maxsize=65_536, typed=True)
def _parse_value(value: str | int) -> When:
    """Parse one date; an import repeats its dates, so each is parsed once."""
    text = f"{value:04d}" if isinstance(value, int) and value >= 0 else str(value)
    text = text.strip()
    if not text:
        raise EDTFError(f"empty date (got ''; expected {ALLOWED})")
    if "/" not in text:
        point = _parse_point(text, text)
        return When(
            edtf=text,
            earliest=point.earliest,
            latest=point.latest,
            precision=point.precision,
            approximate=point.approximate,
            uncertain=point.uncertain,
            start=point,
        )
    if text.count("/") > 1:
        raise EDTFError(f"more than one '/' (got {text!r}; expected {ALLOWED})")
    left, right = text.split("/")
    start = None if left in ("", "..") else _parse_point(left, text)
    end = None if right in ("", "..") else _parse_point(right, text)
    if start is None and end is None:
        raise EDTFError(f"both ends are open (got {text!r}; expected {ALLOWED})")
    if start and end and start.earliest > end.latest:
        raise EDTFError(
            f"interval ends before it starts (got {text!r}; expected START/END "
            f"with START not after END)"
        )
    anchor = start or end
    assert anchor is not None
    return When(
        edtf=text,
        earliest=start.earliest if start else date.min,
        latest=end.latest if end else date.max,
        precision=anchor.precision,
        approximate=any(p.approximate for p in (start, end) if p),
        uncertain=any(p.uncertain for p in (start, end) if p),
        interval=True,
        open_start=None if start else ("open" if left == ".." else "unknown"),
        open_end=None if end else ("open" if right == ".." else "unknown"),
        start=start,
        end=end,
    )


def _parse_point(text: str, whole: str) -> Point:
    match = _DATE.match(text)
    if not match:
        raise EDTFError(f"not an EDTF date (got {whole!r}; expected {ALLOWED})")
    year_s, month_s, day_s, q = match.group("year", "month", "day", "q")
    approximate, uncertain = q in ("~", "%"), q in ("?", "%")
    if "X" in year_s:
        if month_s or day_s:
            raise EDTFError(
                f"a year with unspecified digits cannot have a month or day "
                f"(got {whole!r}; expected e.g. 196X or 19XX)"
            )
        decade = year_s.endswith("X") and not year_s.endswith("XX")
        first = int(year_s.replace("X", "0"))
        last = int(year_s.replace("X", "9"))
        _check_year(first, whole)
        return Point(
            date(first, 1, 1),
            date(last, 12, 31),
            "decade" if decade else "century",
            approximate,
            uncertain,
        )
    year = int(year_s)
    _check_year(year, whole)
    if month_s is None or month_s == "XX":
        if day_s not in (None, "XX"):
            raise EDTFError(
                f"a day without a month (got {whole!r}; expected e.g. 1962-04-XX)"
            )
        return Point(
            date(year, 1, 1), date(year, 12, 31), "year", approximate, uncertain
        )
    month = int(month_s)
    if month in _SEASONS:
        if day_s is not None:
            raise EDTFError(
                f"a season has no day (got {whole!r}; expected YYYY-21..24)"
            )
        first_month, name = _SEASONS[month]
        first = date(year, first_month, 1)
        last_year, last_month = (
            (year + 1, 2) if month == 24 else (year, first_month + 2)
        )
        if last_year > 9999:
            raise EDTFError(f"year after 9999 (got {whole!r}; expected 0001–9999)")
        last = date(
            last_year, last_month, calendar.monthrange(last_year, last_month)[1]
        )
        return Point(first, last, "season", approximate, uncertain, name)
    if not 1 <= month <= 12:
        raise EDTFError(
            f"month {month_s} does not exist (got {whole!r}; expected 01–12, "
            f"or 21–24 for a season)"
        )
    month_days = calendar.monthrange(year, month)[1]
    if day_s is None or day_s == "XX":
        return Point(
            date(year, month, 1),
            date(year, month, month_days),
            "month",
            approximate,
            uncertain,
        )
    day = int(day_s)
    if not 1 <= day <= month_days:
        raise EDTFError(
            f"impossible date: {_MONTHS[month]} {year} has {month_days} days "
            f"(got {whole!r}; expected a day from 01 to {month_days:02d})"
        )
    exact = date(year, month, day)
    return Point(exact, exact, "day", approximate, uncertain)


def _check_year(year: int, whole: str) -> None:
    if year < 1:
        raise EDTFError(f"year 0 is not supported (got {whole!r}; expected 0001–9999)")


def _human_point(point: Point) -> str:
    d = point.earliest
    if point.precision == "day":
        text = f"{d.day} {_MONTHS[d.month]} {d.year}"
    elif point.precision == "month":
        text = f"{_MONTHS[d.month]} {d.year}"
    elif point.precision == "season":
        text = f"{point.season} {d.year}"
    elif point.precision == "year":
        text = str(d.year)
    elif point.precision == "decade":
        text = f"the {d.year}s"
    else:
        text = f"the {d.year // 100 + 1}th century"
    if point.approximate:
        text = f"about {text}"
    if point.uncertain:
        text = f"{text} (uncertain)"
    return text


def _human_range(start: Point | None, end: Point | None) -> str | None:
    """Return a compact range such as ``10–20 April 1962`` when both ends allow it."""
    if not (start and end) or start.approximate or end.approximate:
        return None
    if start.uncertain or end.uncertain:
        return None
    a, b = start.earliest, end.earliest
    if start.precision == end.precision == "day" and (a.year, a.month) == (
        b.year,
        b.month,
    ):
        return f"{a.day}–{b.day} {_MONTHS[a.month]} {a.year}"
    if start.precision == end.precision == "day" and a.year == b.year:
        return f"{a.day} {_MONTHS[a.month]} – {b.day} {_MONTHS[b.month]} {a.year}"
    if start.precision == end.precision == "month" and a.year == b.year:
        return f"{_MONTHS[a.month]}–{_MONTHS[b.month]} {a.year}"
    if start.precision == end.precision == "year":
        return f"{a.year}–{b.year}"
    return None
