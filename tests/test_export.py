"""The export table, the CSV writer and the one export build (mapapp.export)."""

import csv
import io as stdio
import json

import geopandas as gpd
import pandas as pd
import pytest
from click.testing import CliRunner

from mapapp import cells, export, importer, load
from mapapp.cli import cli
from mapapp.errors import ExportError

# --- the table -------------------------------------------------------------------


def test_table_columns_and_values(table):
    assert list(table.columns) == [*cells.COLUMNS, "geometry"]
    row = table.set_index("id").loc["route-inferred"]
    assert (row["when"], row["date_start"], row["date_end"]) == (
        "1962-04-22",
        "1962-04-22",
        "1962-04-22",
    )
    assert row["place"] == "origin:tacheng|destination:urjar"
    assert row["place_names"] == "Tacheng|Urjar"
    assert row["people"] == "~6000|5000-6000"
    assert row["claimant"] == "Soviet government|Xinjiang officials"
    assert row["source"] == "memo|kraus|rumour"
    assert row["citation"] == (
        "Soviet government, “A memorandum”, 24 April 1962, FMA 1, p. 2 (and 2 more)"
    )
    assert row["crossing_inferred"] and row["geo_precision"] == "exact"
    assert json.loads(row["claims"])[0]["as_of"] == "1962-04-22"
    routes = table.set_index("id").loc["two-routes"]
    assert routes["place"] == (
        "origin:Кульджа|crossing:khorgos-cn|origin@2:tacheng|destination@2:urjar"
    )
    open_end = table.set_index("id").loc["two-sites"]
    assert open_end["date_end"] is None and open_end["far"]
    nowhere = table.set_index("id").loc["nowhere"]
    assert nowhere["geometry"] is None and nowhere["geo_precision"] is None


def test_table_keeps_only_selected_ids_in_dataset_order(w):
    table = export.event_table(w.data, w.located, ["one-site", "route-inferred"])
    assert table["id"].tolist() == ["route-inferred", "one-site"]


def test_place_with_separator_cannot_be_written(w):
    ev = w.data.events[2].model_copy(
        update={
            "places": [w.data.events[2].places[0].model_copy(update={"place": "a|b"})]
        }
    )
    data = type(w.data).of(events=(ev,), sources=w.data.sources, places=w.data.places)
    with pytest.raises(ExportError, match="contains '\\|'"):
        export.event_table(data, w.located)


# --- CSV -------------------------------------------------------------------------


def test_csv_columns_and_formula_neutralised(table):
    text = export.csv_text(table)
    rows = list(csv.DictReader(stdio.StringIO(text, newline="")))
    assert list(rows[0]) == list(cells.CSV_COLUMNS)
    assert set(importer.HEADER) <= set(cells.CSV_COLUMNS)  # a superset
    nowhere = next(r for r in rows if r["id"] == "nowhere")
    assert nowhere["title"] == '\'=HYPERLINK("x")'
    assert nowhere["summary"] == "'+1 more; -2 less; @mention"
    assert (nowhere["lon"], nowhere["lat"], nowhere["wkt"]) == ("", "", "")
    first = rows[0]
    assert (first["lon"], first["lat"]) == ("80.0", "46.08")
    assert first["wkt"] == "LINESTRING (83 44.7, 80 46.08, 78 47)"
    assert first["date_approximate"] == "false" and first["crossing_inferred"] == "true"
    assert json.loads(first["sources"])[0] == {
        "source": "memo",
        "locator": "p. 2",
        "quote": "crossed",
        "note": "a note",
    }


def test_build_is_the_one_export_of_the_app_and_the_cli(tmp_path):

    from mapapp.errors import ExportError

    checked = load.load_checked()
    ids = [ev.id for ev in checked.data.events][:5]
    for fmt in ("geojson", "csv"):
        out = tmp_path / f"x.{fmt}"
        result = CliRunner().invoke(cli, ["export", "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        all_ids = [ev.id for ev in checked.data.events]
        # the CLI's file is build()'s text, but for the metadata's timestamps
        built = export.build(fmt, checked.data, checked.located, all_ids, {})
        assert isinstance(built, str)
        if fmt == "csv":
            assert out.read_bytes().decode() == built
    text = export.build("csv", checked.data, checked.located, ids, {})
    assert len(text.strip().splitlines()) == 1 + len(ids)
    with pytest.raises(ExportError, match="unknown format"):
        export.build("shp", checked.data, checked.located, ids, {})
    with pytest.raises(ExportError, match="border"):
        export.build("gpkg", checked.data, checked.located, ids, {})


def test_geoparquet_reads_back_with_real_types(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = tmp_path / "events.parquet"
    result = CliRunner().invoke(cli, ["export", "--format", "parquet", "-o", str(out)])
    assert result.exit_code == 0, result.output
    frame = gpd.read_parquet(out)
    checked = load.load_checked()
    assert frame["id"].tolist() == [ev.id for ev in checked.data.events]
    assert frame.crs.to_epsg() == 4326
    assert frame["date_start"].dtype == pd.ArrowDtype(pa.date32())
    assert frame["date_end"].dtype == pd.ArrowDtype(pa.date32())
    assert str(frame["people_max"].dtype) == "Float64"
    by_id = frame.set_index("id")
    for ev in checked.data.events:
        figures = [
            v
            for c in ev.claims
            if c.quantity == "people"
            for v in (c.value, c.low, c.high)
            if v is not None
        ]
        got = by_id.loc[ev.id, "people_max"]
        assert (pd.isna(got) and not figures) or got == max(figures), ev.id
        assert str(by_id.loc[ev.id, "date_start"]) == ev.when.earliest.isoformat()
    meta = pq.read_metadata(out).metadata
    assert json.loads(meta[b"geo"])["version"] == "1.1.0"
    assert json.loads(meta[b"mapapp"])["license"] == "CC-BY-4.0"
    refused = CliRunner().invoke(cli, ["export", "--format", "parquet", "-o", "-"])
    assert refused.exit_code == 2 and "standard output" in refused.output
