"""JSON Schemas of the data files, generated from the models."""

from __future__ import annotations

from typing import Any

from mapapp.model import Event, Place, Source
from mapapp.tour import Tour

BASE = "https://example.org/yita-1962/schemas"


def _list_or_one(model: type, name: str, title: str) -> dict[str, Any]:
    schema = model.model_json_schema(mode="validation")
    defs = schema.pop("$defs", {})
    defs[model.__name__] = schema
    ref = {"$ref": f"#/$defs/{model.__name__}"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE}/{name}.schema.json",
        "title": title,
        "description": "A YAML (or JSON) file holding one record or a list of records.",
        "oneOf": [{"type": "array", "items": ref}, ref],
        "$defs": defs,
    }


def _places() -> dict[str, Any]:
    props = Place.model_json_schema(mode="validation")
    defs = props.pop("$defs", {})
    for key in ("lon", "lat"):
        props["properties"].pop(key)
        props["required"].remove(key)
    defs["PlaceProperties"] = props
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE}/places.schema.json",
        "title": "Gazetteer (RFC 7946 FeatureCollection of points)",
        "type": "object",
        "required": ["type", "features"],
        "not": {"required": ["crs"]},
        "properties": {
            "type": {"const": "FeatureCollection"},
            "features": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["type", "geometry", "properties"],
                    "properties": {
                        "type": {"const": "Feature"},
                        "id": {"type": "string"},
                        "geometry": {
                            "type": "object",
                            "required": ["type", "coordinates"],
                            "properties": {
                                "type": {"const": "Point"},
                                "coordinates": {
                                    "type": "array",
                                    "prefixItems": [
                                        {
                                            "type": "number",
                                            "minimum": -180,
                                            "maximum": 180,
                                        },
                                        {
                                            "type": "number",
                                            "minimum": -90,
                                            "maximum": 90,
                                        },
                                    ],
                                    "minItems": 2,
                                    "maxItems": 3,
                                },
                            },
                        },
                        "properties": {"$ref": "#/$defs/PlaceProperties"},
                    },
                },
            },
        },
        "$defs": defs,
    }


def schemas() -> dict[str, dict[str, Any]]:
    """Return the JSON Schema of each data file kind (tours too), by file name."""
    return {
        "event.schema.json": _list_or_one(Event, "event", "Event records"),
        "source.schema.json": _list_or_one(Source, "source", "Source records"),
        "places.schema.json": _places(),
        "tour.schema.json": _list_or_one(Tour, "tour", "Guided tours"),
    }
