"""Reading the data files: the only module that opens files for records.

Every reader returns records and a list of :class:`~mapapp.errors.Problem`; nothing is
dropped silently and nothing stops at the first error. :func:`load_dataset` raises one
:class:`~mapapp.errors.DataError` carrying every problem.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import geopandas as gpd
import pandas as pd
import pyogrio
import yaml
from pydantic import BaseModel, ValidationError

from mapapp.dataset import Dataset
from mapapp.errors import DataError, ExportError, Problem
from mapapp.model import Event, Place, Source
from mapapp.tour import Tour, Tours

if TYPE_CHECKING:
    from mapapp.importer import ImportResult
    from mapapp.mapview import BaseLayers

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES = 50 * 1024 * 1024
M = TypeVar("M", bound=BaseModel)


def data_root() -> Path:
    """Return the folder holding ``events/`` and ``geodata/`` ($MAPAPP_DATA wins)."""
    return Path(os.environ.get("MAPAPP_DATA", ROOT))


# --- YAML with line numbers -------------------------------------------------------


class Located(dict):
    """A YAML mapping that remembers the line of each key (1-based)."""

    line: int = 0
    lines: dict[Any, int]


class LocatedList(list):
    """A YAML sequence that remembers the line of each item (1-based)."""

    line: int = 0
    lines: list[int]


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe loader: keeps dates as strings, records lines, refuses duplicate keys."""


# Dates stay strings: EDTF is parsed by mapapp.dates, not by YAML's timestamp rule.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Located:
    loader.flatten_mapping(node)
    out = Located()
    out.line = node.start_mark.line + 1
    out.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in out:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first on line {out.lines[key]})",
                key_node.start_mark,
            )
        out[key] = loader.construct_object(value_node, deep=True)
        out.lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocatedList:
    out = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.lines = [child.start_mark.line + 1 for child in node.value]
    return out


_Loader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)
_Loader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence
)


def read_text(path: Path, label: str | None = None) -> str:
    """Read a UTF-8 text file (BOM allowed) of at most 50 MB.

    Raises
    ------
    DataError
        When the file is missing, too large or not UTF-8.
    """
    label = label or str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DataError(
            [Problem(label, None, None, None, f"cannot read: {exc.strerror}")]
        ) from None
    if size > MAX_BYTES:
        raise DataError([_too_large(label, size)])
    return decode(path.read_bytes(), label)


def decode(data: bytes, label: str) -> str:
    """Decode UTF-8 (with or without BOM), or raise a DataError naming the byte."""
    if len(data) > MAX_BYTES:
        raise DataError([_too_large(label, len(data))])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            [
                Problem(
                    label,
                    line,
                    None,
                    None,
                    f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                    f"{exc.start}); save the file as UTF-8",
                )
            ]
        ) from None


def _too_large(label: str, size: int) -> Problem:
    return Problem(
        label,
        None,
        None,
        None,
        f"file is {size / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB",
    )


def parse_json(text: str, label: str) -> Any:
    """Parse JSON text.

    Raises
    ------
    DataError
        On a syntax error (with its line) or nesting too deep to read.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        problem = Problem(label, exc.lineno, None, None, f"malformed JSON: {exc.msg}")
    except RecursionError:
        problem = Problem(label, None, None, None, "malformed JSON: nested too deeply")
    raise DataError([problem])


def parse_yaml(text: str, label: str) -> Any:
    """Parse YAML text into Located mappings and lists.

    Raises
    ------
    DataError
        On a syntax error or a duplicate key, with its line.
    """
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        raise DataError(
            [Problem(label, line, None, None, f"malformed YAML: {what}")]
        ) from None


def _records(doc: Any, label: str) -> tuple[list[Located], list[Problem]]:
    """Return the mappings of a file holding one record or a list of records."""
    if doc is None:
        return [], [Problem(label, None, None, None, "file is empty; expected records")]
    if isinstance(doc, Located):
        return [doc], []
    if isinstance(doc, LocatedList):
        records, problems = [], []
        for i, item in enumerate(doc):
            if isinstance(item, Located):
                records.append(item)
            else:
                problems.append(
                    Problem(
                        label,
                        doc.lines[i],
                        f"#{i + 1}",
                        None,
                        f"expected a record (a mapping of fields), got {item!r}",
                    )
                )
        return records, problems
    return [], [
        Problem(label, 1, None, None, f"expected a list of records, got {doc!r}")
    ]


# --- pydantic errors to problems ---------------------------------------------------


def build(
    model: type[M], raw: dict[str, Any], label: str, index: int
) -> tuple[M | None, list[Problem]]:
    """Validate one raw record; return the record or the problems with their lines."""
    record_id = raw.get("id") if isinstance(raw.get("id"), str) else f"#{index + 1}"
    try:
        return model.model_validate(raw), []
    except ValidationError as exc:
        return None, [
            Problem(
                label,
                _line_of(raw, err["loc"]),
                record_id,
                _dotted(err["loc"]),
                _message(err, model),
            )
            for err in exc.errors(include_url=False)
        ]


def _dotted(loc: Sequence[int | str]) -> str | None:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or None


def _line_of(raw: Any, loc: Sequence[int | str]) -> int | None:
    line = getattr(raw, "line", None)
    node = raw
    for part in loc:
        if isinstance(node, Located) and part in node:
            line, node = node.lines.get(part, line), node[part]
        elif (
            isinstance(node, LocatedList) and isinstance(part, int) and part < len(node)
        ):
            line, node = node.lines[part], node[part]
        else:
            break
    return line


_PATTERNS = {
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "an id of lowercase letters, digits and hyphens",
    r"^https?://\S+$": "an http(s) URL",
    r"^[A-Za-z0-9_./-]+\.txt$": "a relative path to a .txt file",
    r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$": "a language tag such as en, zh, ru, kk, ug",
}


_TYPES = {
    "float_parsing": "a number such as 6000",
    "float_type": "a number such as 6000",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "text",
    "list_type": "a list",
    "model_type": "a mapping of fields",
    "dict_type": "a mapping of fields",
}


def _message(err: dict[str, Any], model: type[BaseModel]) -> str:
    kind, got = err["type"], err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        allowed = ", ".join(_fields_at(model, err["loc"][:-1]))
        return f"unknown field (got {err['loc'][-1]!r}; expected one of: {allowed})"
    if kind == "literal_error":
        return f"not an allowed value (got {got!r}; expected one of {ctx['expected']})"
    if kind == "string_pattern_mismatch":
        wanted = _PATTERNS.get(ctx.get("pattern"), f"to match {ctx.get('pattern')}")
        return f"bad format (got {got!r}; expected {wanted})"
    if kind == "finite_number":
        return f"not a finite number (got {got!r}; expected a number such as 6000)"
    if kind in _TYPES:
        return f"wrong type (got {_short(got)}; expected {_TYPES[kind]})"
    if kind == "too_short":
        return (
            f"too few items (got {_short(got)}; expected at least {ctx['min_length']})"
        )
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = f"≥ {ctx['ge']:g}" if "ge" in ctx else f"≤ {ctx['le']:g}"
        return f"out of range (got {got!r}; expected a value {bound})"
    if kind in ("value_error", "assertion_error"):
        text = str(ctx.get("error", err["msg"]))
        if "got " in text or isinstance(got, dict | list):
            return text
        return f"{text} (got {_short(got)})"
    return f"{err['msg'].rstrip('.')} (got {_short(got)})"


def _short(value: Any) -> str:
    text = repr(dict(value) if isinstance(value, Located) else value)
    return text if len(text) <= 80 else text[:77] + "..."


def _fields_at(model: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = (
            current.model_fields.get(part) if hasattr(current, "model_fields") else None
        )
        if field is None:
            return []
        current = _inner_model(field.annotation)
    return list(current.model_fields) if hasattr(current, "model_fields") else []


def _inner_model(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


# --- the record files --------------------------------------------------------------


def _label(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


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
        label = _label(path, root)
        try:
            doc = parse_yaml(read_text(path, label), label)
        except DataError as exc:
            problems.extend(exc.problems)
            continue
        raws, found = _records(doc, label)
        problems.extend(found)
        for i, raw in enumerate(raws):
            record, found = build(model, raw, label, i)
            problems.extend(found)
            if record is not None:
                out.append((record, label, field_lines(raw)))
    return out, problems


def field_lines(raw: Any, prefix: str = "") -> dict[str, int]:
    """Map every dotted field path of a raw record to its line (``""``: the record)."""
    out = {prefix: getattr(raw, "line", 0)} if not prefix else {}
    if isinstance(raw, Located):
        for key, value in raw.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out[path] = raw.lines[key]
            out.update(field_lines(value, path))
    elif isinstance(raw, LocatedList):
        for i, value in enumerate(raw):
            path = f"{prefix}[{i}]"
            out[path] = raw.lines[i]
            out.update(field_lines(value, path))
    return out


def read_places(
    path: Path, root: Path
) -> tuple[list[tuple[Place, str, dict[str, int]]], list[Problem]]:
    """Read the gazetteer, an RFC 7946 FeatureCollection of points.

    ``geodata/build.py`` writes one feature per line after the opening line, so a
    feature's line is its index + 2 (for other layouts the line is approximate).
    """
    label = _label(path, root)
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
                    f"(got {_short(feature)})",
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
            texts[source.id] = read_text(path, _label(path, root))
        except DataError as exc:
            problems.extend(
                Problem(label, line, source.id, "text_file", str(p))
                for p in exc.problems
            )
    return texts, problems


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
    if path.parent.name == "tours":
        return "tours"
    return "events"


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
    p5 = _read_imports(imports, events, sources, places, texts, root, progress)
    dataset = Dataset.from_located(events, sources, places, texts)
    return dataset, [*p1, *p2, *p3, *p4, *p5]


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


def read_bytes(path: Path, label: str | None = None) -> bytes:
    """Read a file of at most :data:`MAX_BYTES` (checked before reading).

    Raises
    ------
    DataError
        When the file is missing or too large.
    """
    label = label or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DataError([_too_large(label, size)])
        return path.read_bytes()
    except OSError as exc:
        raise DataError(
            [Problem(label, None, None, None, f"cannot read: {exc.strerror}")]
        ) from None


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
    from mapapp.importer import import_events  # importer builds on this module

    label = _label(path, root or data_root())
    return import_events(read_bytes(path, label), label, base, territory, progress)


def _read_imports(
    paths: Sequence[Path],
    events: list[tuple[Event, str, dict[str, int]]],
    sources: list[tuple[Source, str, dict[str, int]]],
    places: list[tuple[Place, str, dict[str, int]]],
    texts: dict[str, str],
    root: Path,
    progress: Callable[[str], None] | None = None,
) -> list[Problem]:
    """Import event files into the record lists (in place); return the problems."""
    if not paths:
        return []
    try:
        territory = read_layer(root / "geodata" / "territory_1962.geojson", root)
    except DataError as exc:
        return exc.problems
    problems: list[Problem] = []
    for path in paths:
        base = Dataset.from_located([], sources, places, texts)
        try:
            tell = None
            if progress is not None:
                label = _label(path, root)

                def tell(done: int, total: int, label: str = label) -> None:
                    progress(f"{label}: {done:,} of {total:,} rows checked")

            result = read_import(path, base, territory, root, tell)
        except DataError as exc:
            problems += exc.problems
            continue
        events += result.events
        sources += result.sources
        places += result.places
        problems += result.problems
    return problems


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


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a file so that it is either complete or not there at all.

    The data goes to a temporary file in the same folder, which is renamed over the
    target only once fully written; on any failure the temporary file is removed.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_layer(path: Path, root: Path | None = None) -> gpd.GeoDataFrame:
    """Read a vector layer and normalise it to EPSG:4326 with valid geometries.

    Raises
    ------
    DataError
        When the file cannot be read, has no CRS or holds invalid geometries.
    """
    label = _label(path, root or data_root())
    if not path.exists():
        raise DataError([Problem(label, None, None, None, "cannot read: no such file")])
    try:
        frame = gpd.read_file(path, engine="pyogrio")
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise DataError(
            [Problem(label, None, None, None, f"cannot read: {exc}")]
        ) from None
    if frame.crs is None:
        raise DataError(
            [Problem(label, None, None, "crs", "layer has no CRS; expected EPSG:4326")]
        )
    if not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    invalid = ~frame.geometry.is_valid.to_numpy()
    if invalid.any():
        rows = ", ".join(f"#{i + 1}" for i in invalid.nonzero()[0][:5])
        raise DataError(
            [
                Problem(
                    label,
                    None,
                    None,
                    "geometry",
                    f"invalid geometry in features {rows}",
                )
            ]
        )
    return frame


def read_frontier(
    root: Path | None = None,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Read the border and territory layers of ``geodata/``."""
    root = root or data_root()
    geodata = root / "geodata"
    return (
        read_layer(geodata / "border_1962.geojson", root),
        read_layer(geodata / "territory_1962.geojson", root),
    )


def write_gpkg(path: Path, layers: Mapping[str, pd.DataFrame]) -> None:
    """Write layers to a GeoPackage atomically: complete, or not there at all.

    Every layer goes into a temporary GeoPackage in the target's folder, which is
    renamed over the target once all are written; on any failure it is removed.
    Frames without geometry become attribute tables.

    Raises
    ------
    ExportError
        When GDAL cannot write a layer (nothing is left behind).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.gpkg")
    leftovers = [
        tmp,
        *(tmp.with_name(tmp.name + x) for x in ("-wal", "-shm", "-journal")),
    ]
    try:
        for p in leftovers:
            p.unlink(missing_ok=True)
        for name, frame in layers.items():
            try:
                pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG")
            except (
                pyogrio.errors.DataSourceError,
                pyogrio.errors.DataLayerError,
                pyogrio.errors.FieldError,
                pyogrio.errors.GeometryError,
            ) as exc:
                raise ExportError(f"cannot write layer {name!r}: {exc}") from None
        os.replace(tmp, path)
    finally:
        for p in leftovers:
            p.unlink(missing_ok=True)


def gpkg_bytes(layers: Mapping[str, pd.DataFrame]) -> bytes:
    """Return a GeoPackage of the layers as bytes (for a download button)."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "export.gpkg"
        write_gpkg(target, layers)
        return target.read_bytes()


def read_base_layers(
    border: gpd.GeoDataFrame,
    territory: gpd.GeoDataFrame,
    places: gpd.GeoDataFrame,
    root: Path | None = None,
) -> BaseLayers:
    """Read the basemap and uncertain zones; return every layer drawn under events.

    Parameters
    ----------
    border, territory : GeoDataFrame
        From :func:`read_frontier`.
    places : GeoDataFrame
        The geocoded gazetteer (:attr:`mapapp.geocode.GeocodeResult.places`).
    root : Path, optional
        The data folder (default :func:`data_root`).
    """
    from mapapp.mapview import BaseLayers  # mapview draws; this module only reads

    root = root or data_root()
    return BaseLayers(
        basemap=read_layer(root / "geodata" / "basemap.geojson", root),
        border=border,
        zones=read_layer(root / "geodata" / "uncertain_zones.geojson", root),
        territory=territory,
        places=places,
    )
