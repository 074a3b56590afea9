"""Loading a dataset: the bundled files, or given ones, read, imported and checked.

:func:`load_checked` is the one pipeline of the app, the command line and the data
page: read the records, import researchers' files, check references across records,
and geocode against the 1962 frontier.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from mapapp import geocode, placereport, validate
from mapapp.dataset import Dataset
from mapapp.errors import DataError, Problem
from mapapp.importer import ImportResult, gc_paused, import_events
from mapapp.io import (
    MAX_BYTES,
    data_root,
    decode,
    label_of,
    read_bytes,
    read_frontier,
    read_layer,
)
from mapapp.model import Event, Place, Source
from mapapp.records import (
    parse_records,
    read_places,
    read_records,
    read_source_texts,
)
from mapapp.tables import EventTables
from mapapp.tour import Tour, Tours


def bundled_paths(root: Path) -> dict[str, list[Path]]:
    """Return the bundled data files by category: events, sources, places."""
    return {
        "events": sorted((root / "events").glob("*.yaml")),
        "sources": sorted((root / "events" / "sources").glob("*.yaml")),
        "places": [root / "geodata" / "places.geojson"],
    }


def classify(path: Path) -> str:
    """Tell whether a given file holds events, sources, places or imported events.

    ``imports`` are researchers' events in CSV, or GeoJSON whose first feature has a
    ``when`` property (the event export's format); other GeoJSON holds places.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "imports"
    if suffix in (".geojson", ".json"):
        return "imports" if _holds_events(path) else "places"
    if path.parent.name == "sources":
        return "sources"
    if path.parent.name == "tours" or _holds_tour(path):
        return "tours"
    return "events"


def _holds_tour(path: Path) -> bool:
    """Tell a tour file (a top-level ``steps:`` key) from an event file, anywhere."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return False
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return False  # read_records reports it
    return re.search(r"^steps:", text, re.MULTILINE) is not None


def read_dataset(
    paths: Sequence[Path] = (),
    root: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[Dataset, list[Problem]]:
    """Read the bundled data, or the given files against the bundled registries.

    Parameters
    ----------
    paths : sequence of Path
        Files or folders to check instead of the bundled files of their category
        (events, sources or places); the other categories come from the bundle.
    root : Path, optional
        The data folder (default :func:`data_root`).
    progress : callable, optional
        Called with a line saying how far the reading of imported files is.

    Returns
    -------
    dataset : Dataset
        Every record that parsed.
    problems : list of Problem
        Every record-level problem (cross-references are checked by
        :func:`mapapp.validate.check`).
    """
    root = root or data_root()
    chosen = bundled_paths(root)
    given: dict[str, list[Path]] = {}
    for path in _expand(paths):
        given.setdefault(classify(path), []).append(path)
    imports = given.pop("imports", [])
    given.pop("tours", None)  # tours are read by read_tours
    if imports and "events" not in given:
        chosen["events"] = []  # imported events replace the bundled ones
    chosen.update(given)
    events, p1 = read_records(chosen["events"], Event, root)
    sources, p2 = read_records(chosen["sources"], Source, root)
    places: list[tuple[Place, str, dict[str, int]]] = []
    p3: list[Problem] = []
    for path in chosen["places"]:
        found, problems = read_places(path, root)
        places += found
        p3 += problems
    texts, p4 = read_source_texts(sources, root)
    p5, imported = _read_imports(imports, sources, places, texts, root, progress)
    dataset = Dataset.from_located(events, sources, places, texts, imported)
    return dataset, [*p1, *p2, *p3, *p4, *p5]


def tour_paths(paths: tuple[Path, ...]) -> list[Path]:
    """Return the tour files among given paths (a ``tours`` folder gives its files)."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir() and path.name == "tours":
            out += sorted(path.glob("*.yaml"))
        elif path.is_dir():
            out += sorted((path / "tours").glob("*.yaml"))
        elif classify(path) == "tours":
            out.append(path)
    return out


def read_tours(
    paths: Sequence[Path] | None = None, root: Path | None = None
) -> tuple[Tours, list[Problem]]:
    """Read guided tours: the given files, or every ``events/tours/*.yaml``.

    Returns
    -------
    tours : Tours
        Every tour that parsed (references are checked by :func:`mapapp.tour.check`).
    problems : list of Problem
        Malformed YAML, unknown fields, empty tours, bad views, with their lines.
    """
    root = root or data_root()
    if paths is None:
        paths = sorted((root / "events" / "tours").glob("*.yaml"))
    rows, problems = read_records(paths, Tour, root)
    return Tours.from_located(rows), problems


def parse_tours(data: bytes, label: str) -> tuple[Tours, list[Problem]]:
    """Read tours from the bytes of one uploaded YAML file (as :func:`read_tours`)."""
    try:
        text = decode(data, label)
    except DataError as exc:
        return Tours.from_located([]), list(exc.problems)
    rows, problems = parse_records(text, label, Tour)
    return Tours.from_located(rows), problems


def _holds_events(path: Path) -> bool:
    """Tell an event FeatureCollection (features with ``when``) from a gazetteer."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return False
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return False  # read_places reports it
    features = doc.get("features") if isinstance(doc, dict) else None
    first = features[0] if isinstance(features, list) and features else None
    props = first.get("properties") if isinstance(first, dict) else None
    return isinstance(props, dict) and "when" in props


def read_import(
    path: Path,
    base: Dataset,
    territory: gpd.GeoDataFrame,
    root: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Read researchers' events from a CSV or GeoJSON file.

    Parameters
    ----------
    path : Path
    base : Dataset
        The sources and places the rows may cite.
    territory : GeoDataFrame
        The 1962 territory, for the state of points given by coordinates.
    root : Path, optional
        Paths in messages are shown relative to this folder.
    progress : callable, optional
        Called as ``progress(rows_checked, rows)``.

    Returns
    -------
    ImportResult
        Accepted records and the problems of rejected rows.

    Raises
    ------
    DataError
        When the file is missing, over 50 MB or not UTF-8.
    """
    label = label_of(path, root or data_root())
    return import_events(read_bytes(path, label), label, base, territory, progress)


def _read_imports(
    paths: Sequence[Path],
    sources: list[tuple[Source, str, dict[str, int]]],
    places: list[tuple[Place, str, dict[str, int]]],
    texts: dict[str, str],
    root: Path,
    progress: Callable[[str], None] | None = None,
) -> tuple[list[Problem], list[EventTables]]:
    """Import event files: their problems and the tables of their events.

    The new sources and places they make are added to the record lists (in place).
    """
    if not paths:
        return [], []
    try:
        territory = read_layer(root / "geodata" / "territory_1962.geojson", root)
    except DataError as exc:
        return exc.problems, []
    problems: list[Problem] = []
    imported: list[EventTables] = []
    for path in paths:
        base = Dataset.from_located([], sources, places, texts)
        try:
            tell = None
            if progress is not None:
                label = label_of(path, root)

                def tell(done: int, total: int, label: str = label) -> None:
                    progress(f"{label}: {done:,} of {total:,} rows checked")

            result = read_import(path, base, territory, root, tell)
        except DataError as exc:
            problems += exc.problems
            continue
        imported.append(result.tables)
        sources += result.sources
        places += result.places
        problems += result.problems
    return problems, imported


def _expand(paths: Sequence[Path]) -> list[Path]:
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(
                p
                for p in path.rglob("*")
                if p.suffix in (".yaml", ".yml", ".geojson")
                and "tours" not in p.relative_to(path).parts
            )
        else:
            out.append(path)
    return out


@dataclass(frozen=True)
class Checked:
    """A dataset read, checked across records and placed on the 1962 map."""

    data: Dataset
    problems: list[Problem]
    located: geocode.GeocodeResult
    frontier: geocode.Frontier


def _silent(message: str) -> None:
    """Report no progress."""


def load_checked(
    paths: Sequence[Path] = (),
    root: Path | None = None,
    progress: Callable[[str], None] = _silent,
) -> Checked:
    """Read, check and geocode the data: the one pipeline of the app and the CLI.

    Parameters
    ----------
    paths : sequence of Path
        Files or folders instead of the bundled files of their category (see
        :func:`read_dataset`); none for the bundled data.
    root : Path, optional
        The data folder (default :func:`mapapp.io.data_root`).
    progress : callable, optional
        Called with a line saying what is being done.

    Returns
    -------
    Checked
        The records that parsed, every problem found (record-level, across records,
        and 1962 states that disagree with the line), and the geocode.
    """
    root = root or data_root()
    progress("reading the records…")
    with gc_paused():  # a bulk load (see gc_paused)
        data, problems = read_dataset(paths, root, progress)
        progress(f"checking {len(data.tables):,} events across records…")
        problems += validate.check(data, {p.record for p in problems if p.record})
        progress("placing the events on the 1962 map…")
        frontier = geocode.Frontier(*read_frontier(root))
        located = geocode.geocode(data, frontier)
        problems += placereport.problems(located, data)
    progress(f"checked: {len(problems):,} problem(s)")
    return Checked(data, problems, located, frontier)
