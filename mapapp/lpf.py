"""The gazetteer in Linked Places Format (LPF v1.2.2), the WHG's JSON-LD for places.

Rules followed (from the LPF README of LinkedPasts/linked-places-format):

- a GeoJSON FeatureCollection with the LPF ``@context``; every Feature has an
  ``@id`` (a URI), ``properties.title`` and ``properties.ccodes`` (ISO 3166-1
  alpha-2 of the modern countries), and at least one ``when`` (here the record-level
  ``when``: the place as it was in 1962);
- ``names``: every name with ``toponym`` and ``lang``; at least one with
  ``citations`` (here all of them cite the project gazetteer);
- ``types``: a Getty AAT concept from the WHG subset, our own kind in
  ``sourceLabels``;
- ``geometry``: one Point, ``[lon, lat]``, with ``certainty`` (``certain`` for an
  exact coordinate, ``less-certain`` approximate, ``uncertain`` for a region's
  stand-in point) and ``citations`` (the coordinate's source); null when unknown;
- ``links``: ``closeMatch`` to GeoNames (``gn:`` alias) when the coordinate is a
  GeoNames entry of the place itself; ``descriptions`` in English.

``@id`` is ``base_uri`` + place id. The default base is a placeholder URN: pass the
address where the gazetteer is published when there is one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from mapapp import meta
from mapapp.model import Place

CONTEXT = (
    "https://raw.githubusercontent.com/LinkedPasts/linked-places/master/"
    "linkedplaces-context-v1.1.jsonld"
)
BASE_URI = "urn:mapapp:place:"
DECIMALS = 7
CERTAINTY = {"exact": "certain", "approximate": "less-certain", "region": "uncertain"}
LINK_TYPES = ("closeMatch", "primaryTopicOf", "subjectOf", "seeAlso")
# our kind -> (Getty AAT id, AAT label), from the WHG subset of AAT place types
AAT = {
    "capital": ("300008389", "cities"),
    "city": ("300008389", "cities"),
    "town": ("300008375", "towns"),
    "village": ("300008372", "villages"),
    "county-seat": ("300008375", "towns"),
    "county": ("300000771", "counties"),
    "prefecture": ("300235099", "prefectures"),
    "district": ("300000705", "districts"),
    "region": ("300182722", "regions (geographic)"),
    "crossing-point": ("300387143", "borderlands"),
    "border-post": ("300387143", "borderlands"),
    "consulate": ("300004790", "single built works"),
    "pass": ("300259572", "passes (landforms)"),
}
WHEN_1962 = {
    "timespans": [{"start": {"in": "1962"}}],
    "label": "the place as it was in 1962: names, state and administrative unit",
}
_GEONAMES = re.compile(r"^GeoNames (\d+)\b")
_STATE = {"PRC": "People's Republic of China", "USSR": "Soviet Union"}


def ccodes(place: Place) -> list[str]:
    """Return the ISO 3166-1 alpha-2 code of the modern country the place lies in."""
    if place.state_1962 == "PRC":
        return ["CN"]
    admin = place.admin_1962
    if "Kazakh" in admin:
        return ["KZ"]
    if "Kirghiz" in admin:
        return ["KG"]
    return ["RU"]


def geonames_id(place: Place) -> str | None:
    """Return the GeoNames id when the coordinate is the place's own GeoNames entry."""
    match = _GEONAMES.match(place.coord_source)
    return match.group(1) if match else None


def feature(place: Place, base_uri: str = BASE_URI) -> dict[str, Any]:
    """Return one place as an LPF Feature."""
    gazetteer = {"label": f"{meta.TITLE}, gazetteer version {meta.dataset_version()}"}
    gn = geonames_id(place)
    coord_cite: dict[str, str] = {"label": place.coord_source}
    if gn:
        coord_cite["@id"] = f"https://www.geonames.org/{gn}"
    aat, aat_label = AAT[place.kind]
    description = f"In 1962: {place.admin_1962} ({_STATE[place.state_1962]})."
    if place.note:
        description += f" {place.note}"
    out: dict[str, Any] = {
        "@id": f"{base_uri}{place.id}",
        "type": "Feature",
        "properties": {"title": place.label, "ccodes": ccodes(place)},
        "when": WHEN_1962,
        "names": [
            {"toponym": n.name, "lang": n.lang, "citations": [gazetteer]}
            for n in place.names
        ],
        "types": [
            {
                "identifier": f"aat:{aat}",
                "label": aat_label,
                "sourceLabels": [{"label": place.kind, "lang": "en"}],
            }
        ],
        "geometry": {
            "type": "Point",
            "coordinates": [round(place.lon, DECIMALS), round(place.lat, DECIMALS)],
            "certainty": CERTAINTY[place.precision],
            "citations": [coord_cite],
        },
        "descriptions": [{"value": description, "lang": "en"}],
    }
    if gn:
        out["links"] = [{"type": "closeMatch", "identifier": f"gn:{gn}"}]
    return out


def collection(
    places: Iterable[Place],
    metadata: Mapping[str, Any],
    base_uri: str = BASE_URI,
) -> dict[str, Any]:
    """Return places as an LPF FeatureCollection with a ``metadata`` member.

    Parameters
    ----------
    places : iterable of Place
    metadata : mapping
        From :func:`mapapp.meta.metadata`.
    base_uri : str
        Prefix of every ``@id``.
    """
    return {
        "type": "FeatureCollection",
        "@context": CONTEXT,
        "metadata": dict(metadata),
        "features": [feature(p, base_uri) for p in places],
    }


def text(doc: Mapping[str, Any]) -> str:
    """Return an LPF collection as JSON text, one feature per line."""
    head = {k: v for k, v in doc.items() if k != "features"}
    opening = json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [\n'
    body = ",\n".join(json.dumps(f, ensure_ascii=False) for f in doc["features"])
    return opening + body + ("\n" if body else "") + "]}\n"
