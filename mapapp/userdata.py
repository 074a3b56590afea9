"""A researcher's own event file, combined with the bundled data for the map.

The import checks each row (:mod:`mapapp.importer`); here the accepted rows meet the
bundled records: rows that clash with them (an id already used, a ``related`` event
that does not exist) are set aside with the rejected rows, so what is mapped is
always consistent and every row not mapped is reported with its reason.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO

import pandas as pd

from mapapp import cells, citations, geocode, importer, validate
from mapapp.dataset import Dataset
from mapapp.errors import Problem

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class UserData:
    """The outcome of loading a researcher's file.

    Attributes
    ----------
    label : str
        The file's name, as used in messages.
    data : Dataset
        The records to show: the accepted events, with or without the bundled ones.
    located : GeocodeResult
        Their geocode.
    accepted : tuple of str
        Ids of the file's events that are shown.
    rejected : tuple of Problem
        Every problem of the file's rows, the rows not shown and why.
    rows : int
        Rows (records) read from the file.
    replace : bool
        Whether the file's events replace the bundled ones.
    matches : tuple of Match
        Every distinct citation in words, and the catalogued source it named (if
        exactly one fits), for the report.
    digest : str
        Names the content and the choice of replacing (equal files, equal digest).
    """

    label: str
    data: Dataset
    located: geocode.GeocodeResult
    accepted: tuple[str, ...]
    rejected: tuple[Problem, ...]
    rows: int
    replace: bool
    digest: str
    matches: tuple[citations.Match, ...] = ()

    def report_lines(self) -> list[str]:
        """Return the summary, then what each citation in words was matched to."""
        return [self.summary(), *(m.describe() for m in self.matches)]

    def summary(self) -> str:
        """Say how many rows were read, kept and left out."""
        left_out = len({p.line for p in self.rejected})
        return (
            f"{self.rows:,} rows read, {len(self.accepted):,} kept, "
            f"{left_out:,} left out"
        )


def _quiet(fraction: float, message: str) -> None:
    """Report no progress."""


def combine(
    raw: bytes,
    label: str,
    base: Dataset,
    frontier: geocode.Frontier,
    replace: bool = False,
    progress: Progress = _quiet,
) -> UserData:
    """Import a CSV or GeoJSON file and combine its good rows with the bundled data.

    Parameters
    ----------
    raw : bytes
        The file's content.
    label : str
        Its name (``.csv``, ``.geojson`` or ``.json``).
    base : Dataset
        The bundled records (their sources and places can be cited).
    frontier : Frontier
        The 1962 border and territory, for geocoding.
    replace : bool
        Show the file's events instead of the bundled events (else beside them).
    progress : callable, optional
        Called with a fraction done and what is being done.

    Returns
    -------
    UserData

    Raises
    ------
    DataError
        When the file as a whole cannot be read (too large, not UTF-8).
    """
    with importer.gc_paused():  # a bulk load: see gc_paused
        progress(0.05, f"Reading and checking the rows of {label}…")
        result = importer.import_events(
            raw,
            label,
            base,
            frontier.territory,
            lambda done, total: progress(
                0.05 + 0.45 * done / max(total, 1),
                f"Checked {done:,} of {total:,} rows of {label}…",
            ),
        )
        rows = len(result.tables) + len(
            {p.line for p in result.problems if p.line is not None}
        )
        progress(0.5, "Checking the rows against the bundled records…")
        rejected = list(result.problems)
        seen = set(rejected)
        kept = result
        merged = importer.merge(base, kept, replace=replace)
        while True:  # dropping a row can leave another's `related` dangling
            clashes = [
                p for p in validate.check(merged) if p.file == label and p not in seen
            ]
            if not clashes:
                break
            rejected += clashes
            seen.update(clashes)
            ids = kept.tables.ids
            bad = {p.record for p in clashes} & set(ids)
            if not bad:
                break
            kept = importer.ImportResult(
                kept.tables.take([i for i, eid in enumerate(ids) if eid not in bad]),
                kept.sources,
                kept.places,
                [],
            )
            merged = importer.merge(base, kept, replace=replace)
        progress(0.75, "Placing the events on the 1962 map…")
        located = geocode.geocode(merged, frontier)
        progress(1.0, "Done.")
    return UserData(
        label=label,
        data=merged,
        located=located,
        accepted=tuple(kept.tables.ids),
        rejected=tuple(rejected),
        rows=rows,
        replace=replace,
        digest=hashlib.sha256(raw).hexdigest()[:16] + ("-instead" if replace else ""),
        matches=tuple(result.matches),
    )


def combine_all(
    uploads: list[tuple[bytes, str]],
    base: Dataset,
    frontier: geocode.Frontier,
    replace: bool = False,
    progress: Progress = _quiet,
) -> list[UserData]:
    """Combine several files in turn with :func:`combine`; return each result.

    The first file's events go beside or instead of ``base``'s (``replace``); each
    further file goes beside what came before. The last result holds them all.
    """
    out: list[UserData] = []
    for n, (raw, label) in enumerate(uploads):
        user = combine(raw, label, base, frontier, replace and n == 0, progress)
        out.append(user)
        base = user.data
    return out


def report_csv(problems: tuple[Problem, ...] | list[Problem]) -> str:
    """Return the rejected rows as CSV text: file, line, record, field, problem.

    Cells are neutralised for spreadsheets (:func:`mapapp.cells.neutralise`).
    """
    out = StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["file", "line", "record", "field", "problem"])
    for p in problems:
        row = (p.file, p.line or "", p.record or "", p.field or "", p.message)
        writer.writerow([cells.neutralise(str(v)) for v in row])
    return out.getvalue()


def report_frame(problems: tuple[Problem, ...] | list[Problem]) -> pd.DataFrame:
    """Return the problems as a table of row, record, field and reason.

    ``Row`` is the file's line (CSV: the line where the row starts; GeoJSON: the
    line of the feature), so a reader can find it in an editor.
    """
    return pd.DataFrame(
        {
            "Line": pd.array([p.line for p in problems], dtype="Int64"),
            "Record": [p.record or "" for p in problems],
            "Field": [p.field or "" for p in problems],
            "Problem": [p.message for p in problems],
        }
    )
