"""What every export says about itself (mapapp.meta), and CITATION.cff."""

from pathlib import Path

import jsonschema
import yaml

from mapapp import meta

ROOT = Path(__file__).parent.parent


# --- metadata and CITATION.cff -----------------------------------------------------


def test_metadata_states_the_licences(metadata):
    assert metadata["title"] == meta.TITLE and metadata["version"]
    assert metadata["license"] == "CC-BY-4.0"
    licences = {t["license"] for t in metadata["third_party"]}
    assert licences == {"ODbL-1.0", "CC-BY-4.0"}
    assert any("OpenStreetMap" in t["attribution"] for t in metadata["third_party"])
    assert any("GeoNames" in t["attribution"] for t in metadata["third_party"])
    assert "CITATION.cff" in metadata["how_to_cite"]


# The top level of the Citation File Format 1.2.0 schema, written from its published
# schema.json: required keys, allowed keys, and the shape of each value used here.
CFF_ENTITY = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string", "minLength": 1}},
}
CFF_PERSON = {
    "type": "object",
    "anyOf": [{"required": ["family-names"]}, {"required": ["name"]}],
}
CFF_LICENSE = {"type": "string", "enum": ["CC-BY-4.0", "ODbL-1.0", "MIT", "CC0-1.0"]}
CFF_1_2_0 = {
    "type": "object",
    "additionalProperties": False,
    "required": ["authors", "cff-version", "message", "title"],
    "properties": {
        "abstract": {"type": "string", "minLength": 1},
        "authors": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"anyOf": [CFF_PERSON, CFF_ENTITY]},
        },
        "cff-version": {"type": "string", "pattern": r"^1\.2\.0$"},
        "commit": {},
        "contact": {},
        "date-released": {
            "type": "string",
            "pattern": r"^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$",
        },
        "doi": {},
        "identifiers": {},
        "keywords": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string", "minLength": 1},
        },
        "license": CFF_LICENSE,
        "license-url": {},
        "message": {"type": "string", "minLength": 1},
        "preferred-citation": {},
        "references": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["authors", "title", "type"],
                "properties": {
                    "license": CFF_LICENSE,
                    "url": {"type": "string", "pattern": "^(https|http|ftp|sftp)://.+"},
                },
            },
        },
        "repository": {},
        "repository-artifact": {},
        "repository-code": {},
        "title": {"type": "string", "minLength": 1},
        "type": {"enum": ["dataset", "software"]},
        "url": {},
        "version": {"anyOf": [{"type": "string", "minLength": 1}, {"type": "number"}]},
    },
}


def test_citation_cff_is_current_and_valid():
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert text == meta.citation_cff(), "regenerate: mapapp.meta.citation_cff()"
    doc = yaml.safe_load(text)
    jsonschema.validate(doc, CFF_1_2_0)
    assert doc["type"] == "dataset" and doc["license"] == "CC-BY-4.0"
    assert {r["license"] for r in doc["references"]} == {"ODbL-1.0", "CC-BY-4.0"}
