"""The gazetteer in Linked Places Format (mapapp.lpf)."""

import json
import re

from mapapp import load, lpf, meta

# --- Linked Places Format -----------------------------------------------------------


LINK_TYPES = {"closeMatch", "primaryTopicOf", "subjectOf", "seeAlso"}
ISO_DATE = re.compile(r"^-?\d{4}(-\d{2}(-\d{2})?)?$")


def assert_lpf(doc):
    """The rules of the LPF v1.2.2 README (LinkedPasts/linked-places-format)."""
    assert doc["type"] == "FeatureCollection"
    assert doc["@context"] == lpf.CONTEXT
    ids = [f["@id"] for f in doc["features"]]
    assert len(set(ids)) == len(ids)
    for f in doc["features"]:
        assert f["type"] == "Feature"
        assert re.match(r"^[a-z][a-z0-9+.-]*:\S+$", f["@id"])  # a URI
        props = f["properties"]
        assert isinstance(props["title"], str) and props["title"]
        assert all(re.fullmatch(r"[A-Z]{2}", c) for c in props["ccodes"])
        assert f["names"], "names[] is required"
        for name in f["names"]:
            assert name["toponym"] and re.fullmatch(
                r"[a-z]{2,3}(-[A-Za-z0-9]+)*", name["lang"]
            )
        assert any(n.get("citations") for n in f["names"]), "one name must be cited"
        for name in f["names"]:
            for cite in name.get("citations", []):
                assert cite["label"]
        # every Feature has at least one `when` with timespans that have a start
        whens = [f.get("when"), f["geometry"] and f["geometry"].get("when")]
        whens += [n.get("when") for n in f["names"]]
        whens = [x for x in whens if x]
        assert whens
        for when in whens:
            assert when["timespans"]
            for span in when["timespans"]:
                start = span["start"]
                assert set(start) <= {"in", "earliest", "latest"} and start
                assert all(ISO_DATE.match(v) for v in start.values())
        for t in f.get("types", []):
            assert re.fullmatch(r"aat:\d+", t["identifier"]) and t["label"]
        geom = f["geometry"]
        if geom is not None:
            assert geom["type"] == "Point"
            lon, lat = geom["coordinates"]
            assert -180 <= lon <= 180 and -90 <= lat <= 90
            assert geom["certainty"] in ("certain", "less-certain", "uncertain")
            assert all(c["label"] for c in geom["citations"])
        for link in f.get("links", []):
            assert link["type"] in LINK_TYPES and link["identifier"]
        for d in f.get("descriptions", []):
            assert d["value"] and d["lang"]


def test_lpf_follows_the_published_rules(w, metadata):
    doc = lpf.collection(w.data.places.values(), metadata)
    assert_lpf(doc)
    by_id = {f["@id"]: f for f in doc["features"]}
    tacheng = by_id["urn:mapapp:place:tacheng"]
    assert [n["toponym"] for n in tacheng["names"]] == ["Tacheng", "Чугучак", "塔城"]
    assert tacheng["properties"] == {"title": "Tacheng", "ccodes": ["CN"]}
    assert tacheng["types"][0]["sourceLabels"] == [
        {"label": "county-seat", "lang": "en"}
    ]
    assert tacheng["geometry"]["coordinates"] == [83.0, 44.7]
    assert tacheng["geometry"]["certainty"] == "certain"
    assert by_id["urn:mapapp:place:ili"]["geometry"]["certainty"] == "uncertain"
    assert by_id["urn:mapapp:place:moscow"]["properties"]["ccodes"] == ["RU"]
    text = lpf.text(doc)
    assert json.loads(text) == json.loads(json.dumps(doc))


def test_lpf_of_the_bundled_gazetteer():
    data, _ = load.read_dataset()
    doc = lpf.collection(data.places.values(), meta.metadata({}), "https://x.org/p/")
    assert_lpf(doc)
    almaty = next(f for f in doc["features"] if f["@id"] == "https://x.org/p/almaty")
    assert almaty["properties"]["ccodes"] == ["KZ"]
    assert almaty["links"] == [{"type": "closeMatch", "identifier": "gn:1526384"}]
    assert (
        almaty["geometry"]["citations"][0]["@id"] == "https://www.geonames.org/1526384"
    )
