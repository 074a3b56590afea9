"""The published JSON Schemas accept the bundled files and reject broken ones."""

import json

import pytest

from mapapp.io import ROOT
from mapapp.schema import schemas

jsonschema = pytest.importorskip("jsonschema")


def validator(name):
    return jsonschema.Draft202012Validator(schemas()[name])


def test_bundled_event_files_match_schema():
    v = validator("event.schema.json")
    files = sorted((ROOT / "events").glob("*.yaml"))
    assert files
    for path in files:
        errors = list(v.iter_errors(_load(path)))
        assert errors == [], (path, errors[:1])


def test_bundled_sources_and_places_match_schema():
    for path in sorted((ROOT / "events" / "sources").glob("*.yaml")):
        assert list(validator("source.schema.json").iter_errors(_load(path))) == []
    places = json.loads((ROOT / "geodata" / "places.geojson").read_text())
    assert list(validator("places.schema.json").iter_errors(places)) == []


def test_schema_rejects_unknown_kind():
    bad = [
        {
            "id": "x",
            "title": "t",
            "summary": "s",
            "kind": "riot",
            "when": "1962",
            "sources": [{"source": "y"}],
        }
    ]
    assert list(validator("event.schema.json").iter_errors(bad))


def _load(path):
    from mapapp.io import parse_yaml

    return json.loads(json.dumps(parse_yaml(path.read_text(), str(path))))
