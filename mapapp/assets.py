"""Serve every Leaflet asset of a folium map from the app itself, never from a CDN.

folium and its plugins point their scripts and stylesheets at CDNs (jsdelivr,
cdnjs, code.jquery.com, netdna). With no internet the map then never appears:
streamlit-folium loads the scripts one after the other and stops at the first that
fails. :func:`localise` rewrites those URLs to the copies that
``scripts/vendor_assets.py`` put in ``static/vendor/`` (served by Streamlit at
``/app/static/vendor`` with ``[server] enableStaticServing = true``), drops the
assets that only awesome markers need, and refuses a map that would still reach
out. :func:`inline_html` goes one step further for a saved file: every script,
stylesheet and image is put inside the HTML, so it opens from ``file://``.

Call :func:`localise` after the last element has been added to the map and before
``st_folium`` or ``render``; it may be called again (it is idempotent).

This module does not import Streamlit.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import folium
from branca.colormap import ColorMap
from branca.element import CssLink, Element, JavascriptLink, MacroElement
from folium.plugins import FastMarkerCluster, TimeSliderChoropleth
from folium.raster_layers import TileLayer, WmsTileLayer
from folium.template import Template

from mapapp.errors import MapAppError

ROOT = Path(__file__).resolve().parent.parent
VENDOR_DIR = ROOT / "static" / "vendor"
"""Where ``scripts/vendor_assets.py`` writes the assets (next to streamlit_app.py)."""

VENDOR_URL = "/app/static/vendor"
"""Where Streamlit serves :data:`VENDOR_DIR` (``[server] enableStaticServing``)."""

_JSD = "https://cdn.jsdelivr.net/npm"
_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs"

JQUERY = "https://code.jquery.com/jquery-3.7.1.min.js"
CDN_TO_VENDOR: dict[str, str] = {
    # folium.Map
    f"{_JSD}/leaflet@1.9.3/dist/leaflet.js": "leaflet/leaflet.js",
    f"{_JSD}/leaflet@1.9.3/dist/leaflet.css": "leaflet/leaflet.css",
    # folium.Popup, Map.keep_in_front and a few plugins call $(...): jQuery is
    # vendored, and left out of maps that use none of them (see _uses_jquery).
    JQUERY: "jquery/jquery.min.js",
    # folium.plugins.Fullscreen (the package ships no .min.js; the CDN minifies)
    f"{_JSD}/leaflet.fullscreen@3.0.0/Control.FullScreen.min.js": (
        "leaflet.fullscreen/Control.FullScreen.js"
    ),
    f"{_JSD}/leaflet.fullscreen@3.0.0/Control.FullScreen.css": (
        "leaflet.fullscreen/Control.FullScreen.css"
    ),
    # folium.plugins.PolyLineTextPath (no .min.js in the package either)
    f"{_JSD}/leaflet-textpath@1.2.3/leaflet.textpath.min.js": (
        "leaflet-textpath/leaflet.textpath.js"
    ),
    # folium.plugins.MarkerCluster and FastMarkerCluster
    f"{_CDNJS}/leaflet.markercluster/1.1.0/leaflet.markercluster.js": (
        "leaflet.markercluster/leaflet.markercluster.js"
    ),
    f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.css": (
        "leaflet.markercluster/MarkerCluster.css"
    ),
    f"{_CDNJS}/leaflet.markercluster/1.1.0/MarkerCluster.Default.css": (
        "leaflet.markercluster/MarkerCluster.Default.css"
    ),
}
"""Each CDN URL that folium or our plugins use -> its path under ``static/vendor``."""

DROPPED: dict[str, str] = {
    f"{_JSD}/bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": (
        "bootstrap JS: no folium element we draw uses it"
    ),
    f"{_JSD}/bootstrap@5.2.2/dist/css/bootstrap.min.css": (
        "bootstrap CSS: only restyles the page; popups use Leaflet's own styles"
    ),
    "https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css": (
        "glyphicons: icons of folium.Icon (awesome markers) only"
    ),
    f"{_JSD}/@fortawesome/fontawesome-free@6.2.0/css/all.min.css": (
        "Font Awesome: icons of folium.Icon (awesome markers) only"
    ),
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js": (
        "awesome markers: folium.Icon only"
    ),
    f"{_CDNJS}/Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css": (
        "awesome markers: folium.Icon only"
    ),
    "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
    "leaflet.awesome.rotate.min.css": "rotated awesome markers: folium.Icon only",
}
"""folium defaults we do not ship -> why. :func:`localise` refuses maps needing them."""

_ICON_FILES = {
    "iconUrl": "leaflet/images/marker-icon.png",
    "iconRetinaUrl": "leaflet/images/marker-icon-2x.png",
    "shadowUrl": "leaflet/images/marker-shadow.png",
}
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
_ICON_PATH_KEY = "vendored_icon_image_path"


class IconImagePath(MacroElement):
    """Point Leaflet's default marker icon at the vendored images.

    Leaflet guesses the folder of ``marker-icon.png`` from ``leaflet.css``; when the
    CSS is loaded after the map script (as streamlit-folium does) it guesses wrong
    and asks for ``.../vendor/leafletmarker-icon.png``. This element sets
    ``L.Icon.Default.imagePath`` in the map's script instead (streamlit-folium runs
    only the map's script, not inline scripts of the header), and with ``icon_urls``
    it can give the images as ``data:`` URIs for a self-contained file.

    Parameters
    ----------
    image_path : str
        The folder URL, ending in ``/``; ``""`` when ``icon_urls`` are full URLs.
    icon_urls : dict[str, str] | None
        ``iconUrl``, ``iconRetinaUrl`` and ``shadowUrl`` to merge into
        ``L.Icon.Default``'s options, or None.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            L.Icon.Default.imagePath = {{ this.image_path|tojson }};
            {%- if this.icon_urls %}
            L.Icon.Default.mergeOptions({{ this.icon_urls|tojson }});
            {%- endif %}
        {% endmacro %}
        """
    )

    def __init__(self, image_path: str, icon_urls: dict[str, str] | None = None):
        super().__init__()
        self._name = "IconImagePath"
        self.image_path = image_path
        self.icon_urls = icon_urls


def icon_path_script(base: str = VENDOR_URL) -> IconImagePath:
    """Return the element that points Leaflet's default icon at the vendored images.

    :func:`localise` adds it to every map by itself; this is for callers that build
    something else (a bare ``Figure``, say).

    Parameters
    ----------
    base : str
        URL of the vendor folder, without a trailing slash.

    Returns
    -------
    IconImagePath
        A ``MacroElement`` to add as the first child of a ``folium.Map``.
    """
    return IconImagePath(f"{base.rstrip('/')}/leaflet/images/")


def _elements(root: Element) -> Iterator[Element]:
    """Yield ``root``, its figure and every element reachable below them, once each.

    Besides ``_children`` this follows elements held in attributes (a marker's
    ``icon``, a popup's ``html``/``script``, a figure's ``header``), because they are
    rendered too but are not always children until render time.
    """
    seen: set[int] = set()
    stack: list[Element] = [root]
    top = root.get_root()
    if top is not root:
        stack.append(top)
    while stack:
        el = stack.pop()
        if id(el) in seen:
            continue
        seen.add(id(el))
        yield el
        kids: list[Any] = list(el._children.values())
        kids += [v for k, v in vars(el).items() if k != "_parent"]
        for kid in reversed(kids):
            if isinstance(kid, Element):
                stack.append(kid)
            elif isinstance(kid, list | tuple):
                stack.extend(k for k in reversed(kid) if isinstance(k, Element))


def _label(el: Element) -> str:
    return f"{type(el).__name__} {el.get_name()!r}"


def _needs_dropped(el: Element) -> str | None:
    """Return why ``el`` needs an asset we do not ship, or None."""
    if isinstance(el, folium.Icon):
        return (
            "folium.Icon draws awesome markers, which need Font Awesome, glyphicons "
            "and Leaflet.awesome-markers; none is vendored. Use CircleMarker, "
            "DivIcon or the default marker"
        )
    if isinstance(el, FastMarkerCluster) and "AwesomeMarkers" in str(el.callback):
        return (
            "FastMarkerCluster's default callback draws awesome markers, which are "
            "not vendored; pass callback= building an L.circleMarker or L.marker"
        )
    if isinstance(el, ColorMap):
        return (
            "branca colormaps make streamlit-folium load d3 from d3js.org and "
            "cdnjs, which are not vendored; draw the legend in Streamlit instead"
        )
    return None


def _uses_jquery(el: Element) -> bool:
    """Return whether folium's code for ``el`` calls jQuery (``$(...)``, ``$.ajax``)."""
    if isinstance(el, folium.Popup | TimeSliderChoropleth):
        return True
    if isinstance(el, folium.Map) and el.objects_to_stay_in_front:
        return True
    return isinstance(el, folium.GeoJson) and not el.embed


def _localise_url(el: Element, url: str, base: str) -> str | None:
    """Return the vendored URL for ``url``, None to drop it, or raise."""
    if url in CDN_TO_VENDOR:
        return f"{base}/{CDN_TO_VENDOR[url]}"
    if url in DROPPED:
        return None
    if _EXTERNAL.match(url):
        raise MapAppError(
            f"{_label(el)} loads {url}, which is not vendored, so the map would "
            "need the internet. Vendor it (scripts/vendor_assets.py and "
            "mapapp.assets.CDN_TO_VENDOR) or do not use this element."
        )
    return url  # already local (e.g. a second localise) or relative


def localise(
    root: Element, base: str = VENDOR_URL, *, allow_remote_tiles: bool = True
) -> None:
    """Make a folium map load its assets from the app instead of CDNs.

    Walks ``root`` (a ``folium.Map`` or a ``Figure``) and every element below it.
    Each element's ``default_js``/``default_css`` becomes an instance attribute
    (the class attributes are left alone) listing the vendored URLs under
    ``base``; the assets of :data:`DROPPED` are left out. Links already placed in
    the figure's header by an earlier render are rewritten or removed the same way.
    Every ``folium.Map`` gets an :class:`IconImagePath` as its first child.
    jQuery (85 KB) is left out when no element calls it (:func:`_uses_jquery`):
    folium loads it for every map, and most draw nothing that needs it.

    Parameters
    ----------
    root : branca.element.Element
        The map (or figure) to fix; changed in place.
    base : str
        URL of the vendor folder, without a trailing slash.
    allow_remote_tiles : bool
        If False, a tile layer with an ``http(s)`` URL is an error too.

    Raises
    ------
    MapAppError
        Naming the element and URL, if an element loads an asset that is not
        vendored, or needs one of :data:`DROPPED` (awesome markers, colormaps).
    """
    base = base.rstrip("/")
    changes: list[tuple[Element, str, Any]] = []  # applied only if nothing raises
    maps: list[folium.Map] = []
    elements = list(_elements(root))
    jquery = any(_uses_jquery(el) for el in elements)
    for el in elements:
        why = _needs_dropped(el)
        if why:
            raise MapAppError(f"{_label(el)}: {why}.")
        if (
            not allow_remote_tiles
            and isinstance(el, TileLayer | WmsTileLayer)
            and _EXTERNAL.match(str(el.tiles if isinstance(el, TileLayer) else el.url))
        ):
            raise MapAppError(f"{_label(el)} loads tiles from the internet.")
        for attr in ("default_js", "default_css"):
            links = getattr(el, attr, None)
            if links:
                dropped = JQUERY if not jquery else None
                kept = [
                    (n, None if u == dropped else _localise_url(el, u, base))
                    for n, u in links
                ]
                changes.append((el, attr, [(n, u) for n, u in kept if u is not None]))
        if isinstance(el, JavascriptLink | CssLink):
            url = None if el.url == JQUERY and not jquery else el.url
            changes.append((el, "url", url and _localise_url(el, url, base)))
        if isinstance(el, folium.Map):
            maps.append(el)

    for el, attr, value in changes:
        if attr != "url":
            setattr(el, attr, value)  # an instance attribute: the class keeps its own
        elif value is not None:
            el.url = value
        elif el._parent is not None:  # a dropped link left by an earlier render
            for key, kid in list(el._parent._children.items()):
                if kid is el:
                    del el._parent._children[key]
    for m in maps:
        m.add_child(icon_path_script(base), name=_ICON_PATH_KEY)
        m._children.move_to_end(_ICON_PATH_KEY, last=False)


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix == ".svg":
        mime = "image/svg+xml"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _vendored_file(vendor_dir: Path, rel: str) -> Path:
    rel = posixpath.normpath(rel)
    path = (vendor_dir / rel).resolve()
    if rel.startswith("../") or not path.is_relative_to(vendor_dir.resolve()):
        raise MapAppError(f"{rel!r} is outside the vendor folder {vendor_dir}")
    if not path.is_file():
        raise MapAppError(
            f"vendored file {path} is missing; run scripts/vendor_assets.py"
        )
    return path


_CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


def _inline_css(vendor_dir: Path, rel: str) -> str:
    """Return a vendored stylesheet with its relative ``url()``s as data URIs."""
    css = _vendored_file(vendor_dir, rel).read_text(encoding="utf-8")
    here = posixpath.dirname(rel)

    def fix(m: re.Match[str]) -> str:
        url = m[2]
        if url.startswith(("#", "data:")):
            return m[0]
        if _EXTERNAL.match(url) or url.startswith("/"):
            raise MapAppError(f"{rel} refers to {url}, which cannot be inlined")
        target = _vendored_file(vendor_dir, posixpath.join(here, url.split("?")[0]))
        return f'url("{_data_uri(target)}")'

    css = _CSS_URL.sub(fix, css)
    if "</style" in css.lower():
        raise MapAppError(f"{rel} contains '</style', which cannot be inlined")
    return css


def inline_html(
    root: Element, vendor_dir: Path = VENDOR_DIR, base: str = VENDOR_URL
) -> str:
    """Return the map's whole HTML page with every asset inside it.

    The page needs no server and no network: it opens from ``file://``. Scripts
    become ``<script>`` blocks, stylesheets ``<style>`` blocks, and the images they
    use (and Leaflet's default marker icon) ``data:`` URIs.

    Parameters
    ----------
    root : branca.element.Element
        The map (or figure). It is localised first (see :func:`localise`).
    vendor_dir : Path
        The folder ``scripts/vendor_assets.py`` filled.
    base : str
        The URL prefix :func:`localise` uses for that folder.

    Returns
    -------
    str
        The HTML document.

    Raises
    ------
    MapAppError
        If the map needs an asset that is not vendored, a vendored file is
        missing, or a ``<script src>``/``<link href>`` would remain.
    """
    base = base.rstrip("/")
    localise(root, base)
    icons = [el for el in _elements(root) if isinstance(el, IconImagePath)]
    saved = [(el.image_path, el.icon_urls) for el in icons]
    urls = {k: _data_uri(_vendored_file(vendor_dir, v)) for k, v in _ICON_FILES.items()}
    try:
        for el in icons:
            el.image_path, el.icon_urls = "", urls
        html = root.get_root().render()
    finally:
        for el, (path, icon_urls) in zip(icons, saved, strict=True):
            el.image_path, el.icon_urls = path, icon_urls

    prefix = re.escape(base + "/")

    def script(m: re.Match[str]) -> str:
        code = _vendored_file(vendor_dir, m[1]).read_text(encoding="utf-8")
        code = re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)
        return f"<script>/* {m[1]} */\n{code}\n</script>"

    def style(m: re.Match[str]) -> str:
        return f"<style>/* {m[1]} */\n{_inline_css(vendor_dir, m[1])}\n</style>"

    html = re.sub(rf'<script src="{prefix}([^"]+)"></script>', script, html)
    html = re.sub(rf'<link rel="stylesheet" href="{prefix}([^"]+)"/>', style, html)
    left = re.findall(r"<script\b[^>]*\bsrc=[^>]*>|<link\b[^>]*\bhref=[^>]*>", html)
    if left:
        raise MapAppError(
            "the inlined map still loads files: " + json.dumps(left, ensure_ascii=False)
        )
    return html


__all__ = [
    "CDN_TO_VENDOR",
    "DROPPED",
    "VENDOR_DIR",
    "VENDOR_URL",
    "IconImagePath",
    "icon_path_script",
    "inline_html",
    "localise",
]
