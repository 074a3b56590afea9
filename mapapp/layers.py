"""The map's base layers: the basemap, the 1962 border and territory, the zones."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from mapapp.io import data_root, read_layer


@dataclass(frozen=True)
class BaseLayers:
    """The geodata the base map draws (all EPSG:4326)."""

    basemap: gpd.GeoDataFrame
    border: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    territory: gpd.GeoDataFrame
    places: gpd.GeoDataFrame


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
    root = root or data_root()
    return BaseLayers(
        basemap=read_layer(root / "geodata" / "basemap.geojson", root),
        border=border,
        zones=read_zones(root),
        territory=territory,
        places=places,
    )


def read_zones(root: Path | None = None) -> gpd.GeoDataFrame:
    """Read the zones where the 1962 line is not known (``geodata/``)."""
    root = root or data_root()
    return read_layer(root / "geodata" / "uncertain_zones.geojson", root)
