"""The map loads every asset from the app (static/vendor), never from a CDN."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import ClassVar

import folium
import pytest
from branca.element import JavascriptLink
from folium import plugins
from folium.elements import JSCSSMixin

from mapapp import assets
from mapapp.errors import MapAppError

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
LINK_TAGS = re.compile(
    r"<script\b[^>]*\bsrc=\"([^\"]*)\"|<link\b[^>]*\bhref=\"([^\"]*)\""
)


def small_map() -> folium.Map:
    """The elements the app draws with, on a map without tiles."""
    m = folium.Map(location=[44.5, 82.0], zoom_start=6, tiles=None, maxZoom=18)
    folium.GeoJson(
        {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"name": "Ili"},
                    "geometry": {
                        "type": "Polygon",
                        "coordinates": [[[80, 43], [83, 43], [83, 46], [80, 43]]],
                    },
                }
            ],
        },
        tooltip=folium.GeoJsonTooltip(["name"]),
    ).add_to(m)
    line = folium.PolyLine([[43.9, 81.3], [44.2, 80.4]], color="#b22").add_to(m)
    plugins.PolyLineTextPath(line, "  ►  ", repeat=True).add_to(m)
    plugins.Fullscreen().add_to(m)
    cluster = plugins.MarkerCluster().add_to(m)
    for i in range(4):
        folium.Marker([44.0 + i / 10, 81.0], tooltip=f"m{i}").add_to(cluster)
    folium.CircleMarker([43.9, 81.3], radius=6, popup="Ghulja").add_to(m)
    return m


def links(html: str) -> list[str]:
    return [a or b for a, b in LINK_TAGS.findall(html)]


def test_cdn_table_covers_every_folium_default_we_use() -> None:
    used = [folium.Map, plugins.Fullscreen, plugins.PolyLineTextPath]
    used += [plugins.MarkerCluster, plugins.FastMarkerCluster]
    urls = [url for cls in used for _, url in cls.default_js + cls.default_css]
    unknown = [u for u in urls if u not in assets.CDN_TO_VENDOR | assets.DROPPED]
    assert unknown == [], "folium changed its CDN URLs; update mapapp.assets"


def test_every_vendored_path_exists() -> None:
    for url, rel in assets.CDN_TO_VENDOR.items():
        assert (VENDOR / rel).is_file(), f"{url} -> {rel} is missing"


def test_localise_leaves_no_cdn_link() -> None:
    m = small_map()
    assets.localise(m)
    html = m.get_root().render()
    found = links(html)
    assert found, "the rendered map should link the vendored assets"
    for url in found:
        assert not re.match(r"(?:https?:)?//", url), url
        assert url.startswith(assets.VENDOR_URL + "/"), url
        assert (VENDOR / url.removeprefix(assets.VENDOR_URL + "/")).is_file(), url
    assert "cdn." not in html
    assert "cdnjs" not in html
    assert "code.jquery.com" not in html
    expected = {
        "leaflet/leaflet.js",
        "leaflet/leaflet.css",
        "jquery/jquery.min.js",
        "leaflet.fullscreen/Control.FullScreen.js",
        "leaflet.fullscreen/Control.FullScreen.css",
        "leaflet-textpath/leaflet.textpath.js",
        "leaflet.markercluster/leaflet.markercluster.js",
        "leaflet.markercluster/MarkerCluster.css",
        "leaflet.markercluster/MarkerCluster.Default.css",
    }
    assert {u.removeprefix(assets.VENDOR_URL + "/") for u in found} == expected


def test_localise_drops_unused_assets_and_keeps_class_defaults() -> None:
    m = small_map()
    before = list(folium.Map.default_js), list(folium.Map.default_css)
    assets.localise(m)
    html = m.get_root().render()
    for word in ("bootstrap", "glyphicons", "fontawesome", "awesome-markers"):
        assert word not in " ".join(links(html))
    assert (folium.Map.default_js, folium.Map.default_css) == before
    assert folium.Map.default_js[0][1].startswith("https://cdn.jsdelivr.net/")
    assert "default_js" in vars(m)


def test_what_streamlit_folium_loads_is_local() -> None:
    """st_folium collects default_js/css from every JSCSSMixin under the map."""
    m = small_map()
    assets.localise(m)

    def walk(el):  # the same walk as streamlit_folium.st_folium
        if isinstance(el, JSCSSMixin):
            yield el
        for child in el._children.values():
            yield from walk(child)

    urls = [u for el in walk(m) for _, u in el.default_js + el.default_css]
    assert urls
    assert all(u.startswith(assets.VENDOR_URL + "/") for u in urls), urls


def test_jquery_is_loaded_only_when_an_element_calls_it() -> None:
    jquery = "/app/static/vendor/jquery/jquery.min.js"
    m = small_map()  # its CircleMarker has a popup: folium's popups call $(...)
    assets.localise(m)
    assert jquery in links(m.get_root().render())

    plain = folium.Map(tiles=None)
    folium.GeoJson({"type": "Point", "coordinates": [81.3, 43.9]}).add_to(plain)
    assets.localise(plain)
    html = plain.get_root().render()
    assert "jquery" not in html
    assert "/app/static/vendor/leaflet/leaflet.js" in links(html)

    front = folium.Map(tiles=None)
    layer = folium.GeoJson({"type": "Point", "coordinates": [81.3, 43.9]})
    layer.add_to(front)
    front.keep_in_front(layer)  # calls $(document).ready
    assets.localise(front)
    assert jquery in links(front.get_root().render())


def test_icon_path_is_set_before_any_marker() -> None:
    m = small_map()
    assets.localise(m)
    html = m.get_root().render()
    setting = 'L.Icon.Default.imagePath = "/app/static/vendor/leaflet/images/";'
    assert setting in html
    assert html.index(setting) < html.index("L.marker(")
    assert (VENDOR / "leaflet/images/marker-icon.png").is_file()


def test_localise_is_idempotent_and_works_after_a_render() -> None:
    m = small_map()
    m.get_root().render()  # the figure header now holds CDN links
    assets.localise(m)
    assets.localise(m)
    html = m.get_root().render()
    assert all(u.startswith(assets.VENDOR_URL) for u in links(html))
    assert html.count("L.Icon.Default.imagePath") == 1


def test_custom_base_url() -> None:
    m = small_map()
    assets.localise(m, base="/static/v/")
    html = m.get_root().render()
    assert all(u.startswith("/static/v/") for u in links(html))
    assert '"/static/v/leaflet/images/"' in html


class Unvendored(JSCSSMixin):
    default_js: ClassVar[list[tuple[str, str]]] = [
        ("thing", "https://example.invalid/thing.min.js")
    ]


def test_unknown_external_asset_raises_naming_element_and_url() -> None:
    m = small_map()
    Unvendored().add_to(m)
    with pytest.raises(MapAppError) as err:
        assets.localise(m)
    msg = str(err.value)
    assert "https://example.invalid/thing.min.js" in msg
    assert "Unvendored" in msg
    assert "not vendored" in msg
    assert "default_js" not in vars(m), "a failed localise must change nothing"


def test_unknown_link_in_the_header_raises() -> None:
    m = small_map()
    m.get_root().header.add_child(JavascriptLink("//example.invalid/x.js"))
    with pytest.raises(MapAppError, match=r"//example\.invalid/x\.js"):
        assets.localise(m)


def test_awesome_marker_icon_is_refused() -> None:
    m = small_map()
    folium.Marker([44, 81], icon=folium.Icon(icon="star")).add_to(m)
    with pytest.raises(MapAppError, match="awesome markers"):
        assets.localise(m)


def test_fast_marker_cluster_needs_its_own_callback() -> None:
    m = small_map()
    plugins.FastMarkerCluster([[44, 81], [44.1, 81.1]]).add_to(m)
    with pytest.raises(MapAppError, match="callback"):
        assets.localise(m)
    ok = small_map()
    callback = "function (row) { return L.circleMarker([row[0], row[1]]); }"
    plugins.FastMarkerCluster([[44, 81]], callback=callback).add_to(ok)
    assets.localise(ok)


def test_remote_tiles_can_be_refused() -> None:
    m = folium.Map(tiles="OpenStreetMap")
    assets.localise(m)  # allowed by default
    with pytest.raises(MapAppError, match="tiles"):
        assets.localise(m, allow_remote_tiles=False)


def test_inline_html_is_self_contained() -> None:
    m = small_map()
    html = assets.inline_html(m)
    outside = re.sub(r"(?s)<(script|style)\b[^>]*>.*?</\1>", "", html)
    assert not re.search(
        r"""(?:src|href)\s*=\s*["']?(?:https?:|//|/app/static)""", outside
    )
    assert not re.search(r"<script\b[^>]*\bsrc=|<link\b[^>]*\bhref=", html)
    assert "/app/static" not in html
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html
    assert "Leaflet 1.9.3" in html  # the library itself is in the page
    assert "L.Control.FullScreen" in html or "fullscreenControl" in html
    assert 'url("data:image/png;base64,' in html  # leaflet.css layers.png
    assert 'url("data:image/svg+xml;base64,' in html  # fullscreen icon
    assert re.search(r'"iconUrl": ?"data:image/png;base64,', html)
    # the map itself keeps pointing at the served assets afterwards
    again = m.get_root().render()
    assert 'L.Icon.Default.imagePath = "/app/static/vendor/leaflet/images/";' in again


def test_inline_html_reports_a_missing_vendored_file(tmp_path: Path) -> None:
    shutil.copytree(VENDOR, tmp_path / "vendor")
    (tmp_path / "vendor" / "leaflet" / "leaflet.js").unlink()
    with pytest.raises(MapAppError, match=r"leaflet\.js is missing"):
        assets.inline_html(small_map(), vendor_dir=tmp_path / "vendor")


def test_manifest_matches_the_vendored_files() -> None:
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text(encoding="utf-8"))
    listed: set[str] = set()
    for pkg in manifest["packages"]:
        assert pkg["licence"] and (VENDOR / pkg["licence_file"]).is_file()
        assert re.fullmatch(r"[0-9a-f]{64}", pkg["sha256"])
        for rel, meta in pkg["files"].items():
            data = (VENDOR / rel).read_bytes()
            assert len(data) == meta["bytes"]
            assert hashlib.sha256(data).hexdigest() == meta["sha256"], rel
            listed.add(rel)
    on_disk = {
        p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()
    }
    assert on_disk == listed | {"MANIFEST.json"}
    assert manifest["total_bytes"] < 1_000_000


def load_vendor_script():
    spec = importlib.util.spec_from_file_location(
        "vendor_assets", ROOT / "scripts" / "vendor_assets.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["vendor_assets"] = module
    spec.loader.exec_module(module)
    return module


def test_vendored_css_urls_are_rewritten_or_refused() -> None:
    va = load_vendor_script()
    pkg = va.Package(
        name="leaflet",
        version="1.9.3",
        sha256="0" * 64,
        licence="BSD-2-Clause",
        licence_file="LICENSE",
        files={"dist/leaflet.css": "leaflet.css", "dist/images/a.png": "images/a.png"},
    )
    css = (
        ".a{background:url(https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/images/a.png)}"
        ".b{background:url('images/a.png')} .c{behavior:url(#default#VML)}"
    )
    out = va.rewrite_css(css, pkg, "leaflet.css")
    assert "url(images/a.png)" in out
    assert "url('images/a.png')" in out
    assert "#default#VML" in out
    with pytest.raises(va.VendorError, match="cannot vendor"):
        va.rewrite_css(".x{src:url(//fonts.example/f.woff2)}", pkg, "leaflet.css")
    with pytest.raises(va.VendorError, match="not vendored"):
        va.rewrite_css(".x{src:url(fonts/f.woff2)}", pkg, "leaflet.css")


@pytest.mark.network
def test_vendor_check_matches_the_registry() -> None:
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed (Debian package: npm)")
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "vendor_assets.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
