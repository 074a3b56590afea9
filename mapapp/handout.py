"""The printed handout of a tour: a title page, one page per step, the sources last.

Each step's page shows its map as a picture of the step's view (an SVG drawn here
from the same vector layers as the app, in Web Mercator, so it prints without
tiles or scripts), then the date, title, narration, quote and full citation. The
handout is part of the offline tour file and of the present page; it is hidden on
screen and is the only thing printed (:data:`PRINT_CSS`).
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry import box, shape

from mapapp import eventlayers, mapview
from mapapp.style import KIND_COLOURS
from mapapp.tour import Slide, Tour

WIDTH, HEIGHT = 720, 430  # px of a step's map on the page
TILE = 256
LAND = {"PRC": "#f0e6d2", "USSR": "#e4ecf4"}
BORDER = "#7a0019"
PRINT_CSS = """
.handout { display: none; }
@media print {
  @page { margin: 14mm; }
  html, body { height: auto !important; overflow: visible !important; }
  body > *:not(:has(.handout)):not(.handout),
  body > * *:not(:has(.handout)):not(.handout):not(.handout *) {
    display: none !important; }
  .handout { display: block !important; width: 100%; color: #111;
    font: 11pt/1.4 "Noto Sans", "Source Sans Pro", sans-serif; background: #fff; }
  .handout section { break-after: page; page-break-after: always; }
  .handout section:last-child { break-after: auto; page-break-after: auto; }
  .handout h1 { font-size: 22pt; margin: 30mm 0 6mm; }
  .handout h2 { font-size: 15pt; margin: 3mm 0 2mm; }
  .handout .date { color: #7a0019; font-weight: 600; margin-top: 4mm; }
  .handout img { width: 100%; height: auto; border: 1px solid #999; }
  .handout blockquote { font-style: italic; border-left: 3pt solid #7a0019;
    margin: 3mm 0; padding-left: 3mm; }
  .handout .cite { font-size: 9.5pt; color: #333; }
  .handout li { margin-bottom: 2mm; }
}
"""


def _world(lon: np.ndarray, lat: np.ndarray, zoom: float) -> tuple[np.ndarray, ...]:
    """Return Web Mercator pixel coordinates of lon/lat at a zoom (Leaflet's)."""
    size = TILE * 2.0**zoom
    lat = np.clip(lat, -85.0, 85.0)
    x = (lon + 180.0) / 360.0 * size
    rad = np.radians(lat)
    y = (1 - np.log(np.tan(rad) + 1 / np.cos(rad)) / math.pi) / 2 * size
    return x, y


def _frame(view: tuple[float, float, float]) -> tuple[float, float, Any]:
    """Return the pixel origin of a view and its extent in lon/lat (a box)."""
    lat, lon, zoom = view
    cx, cy = _world(np.array([lon]), np.array([lat]), zoom)
    x0, y0 = float(cx[0]) - WIDTH / 2, float(cy[0]) - HEIGHT / 2
    size = TILE * 2.0**zoom
    lon0 = x0 / size * 360 - 180
    lon1 = (x0 + WIDTH) / size * 360 - 180

    def lat_of(y: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / size))))

    return x0, y0, box(lon0, lat_of(y0 + HEIGHT), lon1, lat_of(y0))


def _path(geom: Any, view: tuple[float, float, float], x0: float, y0: float) -> str:
    """Return an SVG path ``d`` for a (multi)line or (multi)polygon, in view pixels."""
    parts = []
    for part in shapely.get_parts(geom):
        rings = (
            [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
        )
        for ring in rings:
            xy = np.asarray(ring.coords)
            if len(xy) < 2:
                continue
            x, y = _world(xy[:, 0], xy[:, 1], view[2])
            pts = " ".join(
                f"{a - x0:.0f},{b - y0:.0f}" for a, b in zip(x, y, strict=True)
            )
            close = "Z" if part.geom_type == "Polygon" else ""
            parts.append(f"M{pts}{close}")
    return " ".join(parts)


def _shapes(
    features: Iterable[dict], extent: Any, zoom: float
) -> list[tuple[dict, Any]]:
    """Return (properties, geometry clipped to the view) of the features in view.

    Shapes are simplified to about a pixel at the view's zoom (a page needs no more).
    """
    pixel = 360.0 / (TILE * 2.0**zoom)
    out = []
    for f in features:
        geom = shape(f["geometry"])
        if geom.intersects(extent):
            clipped = geom.intersection(extent.buffer(10 * pixel))
            out.append((f["properties"], shapely.simplify(clipped, pixel)))
    return out


def step_svg(
    view: tuple[float, float, float],
    base: mapview.BaseGeoJSON,
    features: Sequence[dict],
    kind: str,
) -> str:
    """Return the map of one step's view as an SVG picture.

    Parameters
    ----------
    view : (lat, lon, zoom)
    base : BaseGeoJSON
        The app's vector layers (basemap, border, place labels).
    features : sequence of dict
        The step's event as GeoJSON features (points, routes, arrowheads).
    kind : str
        The event's kind (its colour).
    """
    x0, y0, extent = _frame(view)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="Map of the step">'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#dfe9f3"/>'
    ]
    for props, geom in _shapes(base.basemap["features"], extent, view[2]):
        lake = props.get("layer") == "lake"
        fill = "#b9d3ea" if lake else LAND.get(props.get("state"), "#eeeeee")
        d = _path(geom, view, x0, y0)
        out.append(f'<path d="{d}" fill="{fill}" stroke="#8c8c8c" stroke-width="0.6"/>')
    for props, geom in _shapes(base.border["features"], extent, view[2]):
        dash = (
            ' stroke-dasharray="7 5"' if props.get("certainty") == "uncertain" else ""
        )
        d = _path(geom, view, x0, y0)
        out.append(
            f'<path d="{d}" fill="none" stroke="{BORDER}" stroke-width="2.2"{dash}/>'
        )
    colour = KIND_COLOURS.get(kind, "#333333")
    for f in features:
        geom = shape(f["geometry"])
        if geom.geom_type in ("Point", "MultiPoint"):
            for p in shapely.get_parts(geom):
                x, y = _world(np.array([p.x]), np.array([p.y]), view[2])
                out.append(
                    f'<circle cx="{x[0] - x0:.1f}" cy="{y[0] - y0:.1f}" r="8" '
                    f'fill="{colour}" stroke="#fff" stroke-width="2"/>'
                )
        else:
            filled = geom.geom_type in ("Polygon", "MultiPolygon")
            d = _path(geom, view, x0, y0)
            paint = f'fill="{colour}"' if filled else 'fill="none"'
            out.append(f'<path d="{d}" {paint} stroke="{colour}" stroke-width="5"/>')
    out += _labels(_shapes(base.labels["features"], extent, view[2]), view, x0, y0)
    out.append("</svg>")
    return "".join(out)


LABEL_SIZE = 12  # px of a place name on the printed map
_CHAR_WIDTH = 0.6  # of the font size: a wide estimate of a sans-serif letter


def _labels(
    labels: Sequence[tuple[dict, Any]],
    view: tuple[float, float, float],
    x0: float,
    y0: float,
) -> list[str]:
    """Return the places' dots and names; a name that would overprint one is left out.

    As on the app's map, a label of a higher rank (:data:`mapapp.mapview.LABEL_RANK`)
    is placed first, ties in the order drawn; there the browser measures each
    label, here its box is estimated from its letters (a printed page has no one to
    zoom in). Every place keeps its dot.
    """
    dots, names, placed = [], [], []
    ranked = sorted(labels, key=lambda pg: -int(pg[0].get("rank") or 0))
    for props, geom in ranked:
        x, y = _world(np.array([geom.x]), np.array([geom.y]), view[2])
        cx, cy = x[0] - x0, y[0] - y0
        area = props.get("direction") == "area"
        if not area:
            dots.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="2.5" fill="#333"/>')
        name = props["name_1962"]
        width = _CHAR_WIDTH * LABEL_SIZE * len(html.unescape(name))
        box_ = (cx + 5, cy - 4 - LABEL_SIZE, cx + 5 + width, cy)
        if any(
            box_[0] < b[2] and box_[2] > b[0] and box_[1] < b[3] and box_[3] > b[1]
            for b in placed
        ):
            continue
        placed.append(box_)
        style = ' font-style="italic" fill="#555"' if area else ' fill="#222"'
        names.append(
            f'<text x="{cx + 5:.1f}" y="{cy - 4:.1f}" font-size="{LABEL_SIZE}" '
            f'font-family="sans-serif"{style} stroke="#fff" stroke-width="3" '
            f'paint-order="stroke">{name}</text>'
        )
    return dots + names


def handout_html(
    tour: Tour,
    slides: Sequence[Slide],
    drawable: eventlayers.EventFeatures,
    base: mapview.BaseGeoJSON,
) -> str:
    """Return the handout as one ``<div class="handout">`` (hidden on screen).

    A title page with the tour's description, one page per step (map, date, title,
    narration, quote, full citation), and the list of the sources cited.
    """
    esc = html.escape
    drawable.ensure([s.event for s in slides])
    pages = [
        f"<section><h1>{esc(tour.title)}</h1><p>{esc(tour.description or '')}</p>"
        f"<p class='cite'>{len(slides)} steps. Each names its source; the list of "
        "sources is on the last page.</p></section>"
    ]
    for s in slides:
        features = [
            *drawable.features.get(s.event, []),
            *drawable.arrows.get(s.event, []),
        ]
        quote = f"<blockquote>“{esc(s.quote)}”</blockquote>" if s.quote else ""
        narration = f"<p>{esc(s.narration)}</p>" if s.narration else ""
        where = "" if s.on_map else (
            "<p class='cite'>This step is not drawn at a point on the frontier map "
            "(it took place far away, or over a whole region).</p>"
        )  # fmt: skip
        picture = base64.b64encode(
            step_svg(s.view, base, features, s.kind).encode("utf-8")
        ).decode("ascii")
        alt = esc(f"Map of step {s.number}: {s.title}")
        pages.append(
            f"<section><p class='cite'>Step {s.number} / {len(slides)}</p>"
            f'<img src="data:image/svg+xml;base64,{picture}" alt="{alt}">'
            f"{where}"
            f"<p class='date'>{esc(s.date)}</p><h2>{esc(s.title)}</h2>{narration}"
            f"{quote}<p class='cite'>Source: {esc(s.citation)} · grade {s.grade}: "
            f"{esc(s.grade_meaning)}</p></section>"
        )
    cited = dict.fromkeys(f"{s.citation} (grade {s.grade})" for s in slides)
    items = "".join(f"<li>{esc(c)}</li>" for c in cited)
    pages.append(f"<section><h2>Sources</h2><ol>{items}</ol></section>")
    return f'<div class="handout">{"".join(pages)}</div>'
