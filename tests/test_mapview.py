import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, Point, box

from mapapp import mapview
from mapapp.layers import BaseLayers


def test_for_display_rounds_and_simplifies():
    frame = gpd.GeoDataFrame(geometry=[box(0.123456789, 0, 1, 1)], crs=4326)
    out = mapview.for_display(frame, tolerance=0.001, decimals=3)
    assert shapely.get_coordinates(out.geometry.values)[:, 0].min() == pytest.approx(
        0.123
    )


def test_the_legend_starts_folded_and_under_the_tooltips():
    legend = mapview.legend_html()
    assert legend.startswith("<details")
    assert " open" not in legend.split(">", 1)[0]
    z = int(legend.split("z-index:", 1)[1].split(";", 1)[0])
    assert z < 650, "Leaflet's tooltip pane (650) must be drawn above the legend"


def test_place_labels_carry_their_rank_and_give_way_by_it():
    import pandas as pd
    from streamlit_folium import generate_leaflet_string  # what the app renders

    labels = gpd.GeoDataFrame(
        {
            "label": ["Yining", "Suiding", "Ili"],
            "other_names": [[], [], []],
            "far": [False, False, False],
            "side": ["PRC", "PRC", "PRC"],
            "distance_km": [60.0, 40.0, 60.0],
            "kind": ["city", "county-seat", "prefecture"],
            "state_1962": ["PRC", "PRC", "PRC"],
            "precision": ["exact", "exact", "region"],
        },
        geometry=[Point(81.3, 43.9), Point(80.8, 44.0), Point(81.3, 43.9)],
        crs=4326,
    )
    empty = gpd.GeoDataFrame(
        pd.DataFrame({"layer": [], "name": [], "state": []}),
        geometry=[],
        crs=4326,
    )
    layers = BaseLayers(
        basemap=empty,
        border=gpd.GeoDataFrame(
            {"id": ["b"], "certainty": ["certain"], "basis": ["x"], "note": [""]},
            geometry=[LineString([(80, 43), (81, 45)])],
            crs=4326,
        ),
        zones=gpd.GeoDataFrame({"name": [], "reason": []}, geometry=[], crs=4326),
        territory=empty,
        places=labels,
    )
    base = mapview.base_geojson(layers)
    ranks = {
        f["properties"]["name_1962"]: f["properties"]["rank"]
        for f in base.labels["features"]
    }
    assert ranks["Yining"] > ranks["Suiding"]  # a city wins over a county seat
    # a region is a name (drawn centred, in its own style), never a point
    assert ranks["Ili"] < ranks["Suiding"]
    names = [f["properties"]["name_1962"] for f in base.places["features"]]
    assert names == ["Yining", "Suiding"]
    directions = {
        f["properties"]["name_1962"]: f["properties"]["direction"]
        for f in base.labels["features"]
    }
    assert directions["Ili"] == "area" and directions["Yining"] == "down"
    script = generate_leaflet_string(mapview.base_map(base))
    assert "place-rank-" in script and "getBoundingClientRect" in script
