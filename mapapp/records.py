"""Reading the record files: events and sources (YAML), places (GeoJSON), texts."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mapapp.errors import DataError, Problem
from mapapp.io import Located, label_of, parse_json, parse_yaml, read_text
from mapapp.model import Place, Source
from mapapp.problems import M, build, field_lines, record_mappings, short


def read_records(
    paths: Iterable[Path], model: type[M], root: Path
) -> tuple[list[tuple[M, str, dict[str, int]]], list[Problem]]:
    """Read YAML record files into models.

    Parameters
    ----------
    paths : iterable of Path
        YAML files, each holding one record or a list of records.
    model : type
        The pydantic model of one record.
    root : Path
        Paths in messages are shown relative to this folder.

    Returns
    -------
    records : list of (record, file label, line of each field)
    problems : list of Problem
    """
    out: list[tuple[M, str, dict[str, int]]] = []
    problems: list[Problem] = []
    for path in paths:
        label = label_of(path, root)
        try:
            text = read_text(path, label)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        records, found = parse_records(text, label, model)
        out += records
        problems += found
    return out, problems


def parse_records(
    text: str, label: str, model: type[M]
) -> tuple[list[tuple[M, str, dict[str, int]]], list[Problem]]:
    """Read the YAML text of one file (named ``label`` in messages) into models."""
    out: list[tuple[M, str, dict[str, int]]] = []
    try:
        doc = parse_yaml(text, label)
    except DataError as exc:
        return out, list(exc.problems)
    raws, problems = record_mappings(doc, label)
    for i, raw in enumerate(raws):
        record, found = build(model, raw, label, i)
        problems += found
        if record is not None:
            out.append((record, label, field_lines(raw)))
    return out, problems


def read_places(
    path: Path, root: Path
) -> tuple[list[tuple[Place, str, dict[str, int]]], list[Problem]]:
    """Read the gazetteer, an RFC 7946 FeatureCollection of points.

    ``geodata/build.py`` writes one feature per line after the opening line, so a
    feature's line is its index + 2 (for other layouts the line is approximate).
    """
    label = label_of(path, root)
    try:
        doc = parse_json(read_text(path, label), label)
    except DataError as exc:
        return [], exc.problems
    if (
        not isinstance(doc, dict)
        or doc.get("type") != "FeatureCollection"
        or not isinstance(doc.get("features", []), list)
    ):
        return [], [
            Problem(label, 1, None, None, "expected a GeoJSON FeatureCollection")
        ]
    if "crs" in doc:
        return [], [
            Problem(
                label,
                1,
                None,
                "crs",
                "RFC 7946 GeoJSON has no crs member; "
                "coordinates must be WGS 84 longitude, latitude",
            )
        ]
    out, problems = [], []
    for i, feature in enumerate(doc.get("features") or []):
        line = _feature_line(path, i)
        props = (feature.get("properties") or {}) if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            problems.append(
                Problem(
                    label,
                    line,
                    f"#{i + 1}",
                    None,
                    f"expected a Feature with an object of properties "
                    f"(got {short(feature)})",
                )
            )
            continue
        props, geometry = dict(props), feature.get("geometry") or {}
        record_id = props.get("id") if isinstance(props.get("id"), str) else f"#{i + 1}"
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if not isinstance(geometry, dict) or (
            geometry.get("type") != "Point" or not _is_position(coords)
        ):
            problems.append(
                Problem(
                    label,
                    line,
                    record_id,
                    "geometry",
                    f"expected a Point with [longitude, latitude] (got {geometry!r})",
                )
            )
            continue
        raw = Located({**props, "lon": coords[0], "lat": coords[1]})
        raw.line, raw.lines = line, {}
        place, found = build(Place, raw, label, i)
        problems.extend(found)
        if place is not None:
            out.append((place, label, {"": line}))
    return out, problems


def _feature_line(path: Path, index: int) -> int:
    return index + 2  # places.geojson: line 1 opens the collection, then one per line


def _is_position(coords: Any) -> bool:
    return (
        isinstance(coords, list)
        and len(coords) >= 2
        and all(
            isinstance(c, int | float) and not isinstance(c, bool) for c in coords[:2]
        )
    )


def read_source_texts(
    sources: Iterable[tuple[Source, str, dict[str, int]]], root: Path
) -> tuple[dict[str, str], list[Problem]]:
    """Read the full texts that sources point to with ``text_file``."""
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for source, label, lines in sources:
        line = lines.get("text_file", lines[""])
        if not source.text_file:
            continue
        # the label is relative to root, or (for a file outside it) the path as given
        where = root / label if (root / label).is_file() else Path(label)
        path = where.parent / source.text_file
        try:
            texts[source.id] = read_text(path, label_of(path, root))
        except DataError as exc:
            problems.extend(
                Problem(label, line, source.id, "text_file", str(p))
                for p in exc.problems
            )
    return texts, problems
