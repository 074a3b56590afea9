"""Reading files: text, JSON, YAML with line numbers, and vector layers.

The lowest layer of the core: it opens files and parses them, and knows nothing of
the records. Every reader raises :class:`~mapapp.errors.DataError` with a located
:class:`~mapapp.errors.Problem` (file, line, what is wrong) on bad input.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import yaml

from mapapp.errors import DataError, Problem

ROOT = Path(__file__).resolve().parent.parent

MAX_BYTES = 50 * 1024 * 1024


def data_root() -> Path:
    """Return the folder holding ``events/`` and ``geodata/`` ($MAPAPP_DATA wins)."""
    return Path(os.environ.get("MAPAPP_DATA", ROOT))


def label_of(path: Path, root: Path) -> str:
    """Return how messages name ``path``: relative to ``root`` when inside it."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


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


def read_layer(path: Path, root: Path | None = None) -> gpd.GeoDataFrame:
    """Read a vector layer and normalise it to EPSG:4326 with valid geometries.

    Raises
    ------
    DataError
        When the file cannot be read, has no CRS or holds invalid geometries.
    """
    label = label_of(path, root or data_root())
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
