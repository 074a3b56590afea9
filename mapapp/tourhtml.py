"""A guided tour as one self-contained HTML file, for classrooms with no connection.

The file holds the base map (folium, with Leaflet and every style inlined by
:func:`mapapp.assets.inline_html`), the tour's steps as JSON, and a small player:
the same keys as the present page (← → PageUp PageDown Home End), a counter and a
progress bar; the map flies to each step's view with the step's event highlighted
and earlier steps faded. It opens from ``file://`` and makes no network request.

Data text only ever reaches the page as JSON (``<``, ``>`` and ``&`` escaped) and
is put on screen with ``textContent``, never as HTML.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from typing import Any

import folium
from branca.element import Element, MacroElement
from folium.template import Template

from mapapp import assets, eventlayers, handout, mapview
from mapapp.style import TOUR_STYLES, tour_style
from mapapp.tour import MAP_PX, Slide, Tour

CSS = """
html, body { margin: 0; height: 100%; background: #fffdf8; color: #111;
  font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; }
.folium-map { position: fixed !important; left: 0 !important; top: 0 !important;
  width: 60% !important; height: 100% !important; }
#map-legend { right: auto !important; left: 10px; bottom: 48px !important; }
.leaflet-tooltip.place-label { background: transparent; border: 0; box-shadow: none;
  padding: 0; color: #222; font-size: clamp(11px, .75vw, 16px);
  text-shadow: 0 0 2px #fff, 0 0 2px #fff; }
.leaflet-tooltip.place-label:before { display: none; }
#tour-panel { position: fixed; right: 0; top: 0; width: 40%; height: 100%;
  box-sizing: border-box; overflow-y: auto; padding: 1.6vw 2vw 1vw;
  display: flex; flex-direction: column; gap: .5vw;
  font-size: clamp(17px, 1.55vw, 34px); line-height: 1.35; }
#tour-panel p, #tour-panel h1, #tour-panel figure { margin: 0; }
#tour-head { display: flex; justify-content: space-between; gap: 1em;
  font-size: .8em; color: #444; }
#tour-name { font-weight: bold; }
#tour-counter { white-space: nowrap; }
#tour-description { font-size: .85em; color: #333; }
#tour-progress { height: .45em; background: #e6e0d2; border-radius: .3em; }
#tour-bar { height: 100%; width: 0; background: #7a0019; border-radius: .3em;
  transition: width .4s; }
#tour-date { font-size: 1.15em; font-weight: bold; color: #7a0019; margin-top: .4em; }
#tour-title { font-size: 1.75em; line-height: 1.15; }
#tour-narration { font-size: 1em; }
#tour-quote blockquote { margin: .3em 0 .2em; padding: .2em 0 .2em .8em;
  border-left: .25em solid #7a0019; font-size: 1em; font-style: italic; }
#tour-source { font-size: .75em; color: #333; }
#tour-far { font-size: .75em; color: #555; }
#tour-nav { display: flex; gap: .5em; margin-top: auto; padding-top: .6em; }
#tour-nav button { font: inherit; font-size: .85em; padding: .35em .8em;
  border: 2px solid #7a0019; border-radius: .4em; background: #fff; color: #7a0019;
  cursor: pointer; }
#tour-nav button:disabled { opacity: .35; cursor: default; }
#tour-keys { font-size: .65em; color: #555; }
@media (max-aspect-ratio: 1/1) {
  .folium-map { width: 100% !important; height: 50% !important; }
  #tour-panel { top: 50%; width: 100%; height: 50%; font-size: clamp(16px, 3vw, 30px); }
}
"""

PANEL = """
<main id="tour-panel" aria-live="polite">
  <div id="tour-head"><span id="tour-name"></span><span id="tour-counter"></span></div>
  <div id="tour-progress" role="progressbar" aria-label="Progress through the tour"
    aria-valuemin="1"><div id="tour-bar"></div></div>
  <p id="tour-description"></p>
  <p id="tour-date"></p>
  <h1 id="tour-title"></h1>
  <p id="tour-narration"></p>
  <figure id="tour-quote"><blockquote id="tour-quote-text"></blockquote>
    <figcaption id="tour-source"></figcaption></figure>
  <p id="tour-far">Not drawn on the map: this took place far from the frontier,
    or over a whole region.</p>
  <div id="tour-nav">
    <button id="tour-first" title="First step (Home)">« First</button>
    <button id="tour-prev" title="Previous step (← or PageUp)">◀ Previous</button>
    <button id="tour-next" title="Next step (→ or PageDown)">Next ▶</button>
    <button id="tour-last" title="Last step (End)">Last »</button>
  </div>
  <p id="tour-keys">Keys: ← → or PageUp PageDown (clickers), Home, End</p>
</main>
"""

PLAYER_JS = """
document.addEventListener('DOMContentLoaded', function () {
  var map = window[__MAP__];
  // the map's own scripts (mapscripts: labels that give way) look for window.map,
  // as streamlit-folium names it in the app
  window.map = window.map || map;
  var data = JSON.parse(document.getElementById('tour-data').textContent);
  var steps = data.steps, current = -1;
  var $ = function (id) { return document.getElementById(id); };
  // each step carries its styles, made by style.tour_style
  var style = function (part, j) { return steps[j].styles[part]; };
  var collection = function (features) {
    return {type: 'FeatureCollection', features: features};
  };
  var dot = function (f, ll) { return L.circleMarker(ll, {interactive: false}); };
  var layers = steps.map(function (s) {
    return {shapes: L.geoJSON(collection(s.features), {interactive: false,
                                                       pointToLayer: dot}),
            tips: L.geoJSON(collection(s.tips), {interactive: false})};
  });
  var halo = L.layerGroup().addTo(map);
  if (map.keyboard) { map.keyboard.disable(); }
  var legend = document.getElementById('map-legend');
  if (legend && window.innerHeight < 900) { legend.open = false; }
  var text = function (id, value) {
    $(id).textContent = value || '';
    $(id).style.display = value ? '' : 'none';
  };
  function show(i, fly) {
    i = Math.max(0, Math.min(steps.length - 1, i));
    var s = steps[i];
    layers.forEach(function (layer, j) {
      if (j > i) { map.removeLayer(layer.shapes); map.removeLayer(layer.tips); return; }
      var part = j === i ? 'step' : 'earlier';
      layer.shapes.addTo(map).setStyle(style(part, j));
      layer.tips.addTo(map).setStyle(style(part + '_tip', j));
    });
    layers[i].shapes.bringToFront();
    layers[i].tips.bringToFront();
    halo.clearLayers();
    halo.addLayer(L.geoJSON(collection(s.features), {interactive: false,
      style: function (f) {
        return style(f.geometry.type === 'Point' ? 'halo_point' : 'halo', i);
      },
      pointToLayer: dot}));
    halo.eachLayer(function (l) { l.bringToBack(); });
    var view = [s.view[0], s.view[1]];
    var zoom = (__ADAPT__)(map, s.view[2]);
    if (fly) { map.flyTo(view, zoom, {duration: 1.2}); }
    else { map.setView(view, zoom); }
    current = i;
    $('tour-counter').textContent = 'Step ' + (i + 1) + ' of ' + steps.length;
    $('tour-bar').style.width = (100 * (i + 1) / steps.length) + '%';
    $('tour-progress').setAttribute('aria-valuenow', i + 1);
    $('tour-progress').setAttribute('aria-valuemax', steps.length);
    text('tour-description', i === 0 ? data.description : '');
    text('tour-date', s.date);
    text('tour-title', s.title);
    text('tour-narration', s.narration);
    text('tour-quote-text', s.quote ? '\\u201c' + s.quote + '\\u201d' : '');
    $('tour-source').textContent = (s.quote ? '\\u2014 ' : 'Source: ') + s.citation
      + ' \\u00b7 grade ' + s.grade + ': ' + s.grade_meaning;
    $('tour-far').style.display = s.on_map ? 'none' : '';
    $('tour-first').disabled = $('tour-prev').disabled = i === 0;
    $('tour-last').disabled = $('tour-next').disabled = i === steps.length - 1;
    document.title = data.title + ' \\u2014 ' + (i + 1) + '/' + steps.length;
    if (history.replaceState) { history.replaceState(null, '', '#step=' + (i + 1)); }
  }
  var go = {
    ArrowRight: function () { return current + 1; },
    PageDown: function () { return current + 1; },
    ArrowLeft: function () { return current - 1; },
    PageUp: function () { return current - 1; },
    Home: function () { return 0; },
    End: function () { return steps.length - 1; }
  };
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || !go.hasOwnProperty(e.key)) { return; }
    e.preventDefault();
    var next = go[e.key]();
    if (next !== current && next >= 0 && next < steps.length) { show(next, true); }
  });
  $('tour-first').onclick = function () { show(0, true); };
  $('tour-prev').onclick = function () { show(current - 1, true); };
  $('tour-next').onclick = function () { show(current + 1, true); };
  $('tour-last').onclick = function () { show(steps.length - 1, true); };
  $('tour-name').textContent = data.title;
  var asked = function () {
    var m = /step=(\\d+)/.exec(location.hash);
    return m ? parseInt(m[1], 10) - 1 : 0;
  };
  show(asked(), false);
  // a link or an edited address (#step=5) moves the open file to that step
  window.addEventListener('hashchange', function () {
    var next = asked();
    if (next !== current) { show(next, true); }
  });
  window.yitaTour = {map: map, show: show,
                     step: function () { return current + 1; }};
});
"""


# A step's zoom is fitted to a map of tour.MAP_PX; a bigger screen zooms in (by
# quarter steps, ZOOM_SNAP) so that the step's places fill the map, a smaller one
# out. One rule for the present page (FlyTo) and the offline file (PLAYER_JS).
ZOOM_SNAP = 0.25
ADAPT_ZOOM_JS = (
    "function (map, zoom) { var s = map.getSize();"
    # in the app's frame the map's div is resized after it flies: use the frame's
    " var w = window.frameElement ? window.innerWidth : s.x;"
    " var h = window.frameElement ? window.innerHeight : s.y;"
    f" var k = Math.min(w / {MAP_PX[0]}, h / {MAP_PX[1]});"
    " if (!(k > 0)) { return zoom; }"
    " return Math.max(map.getMinZoom(), Math.min(map.getMaxZoom(),"
    " zoom + Math.floor(4 * Math.log2(k)) / 4)); }"
)


class FlyTo(MacroElement):
    """Fly the map to a view when this element's layer group is drawn.

    For the present page: add it to a feature group that streamlit-folium draws
    on each step (``feature_group_to_add``), and give ``st_folium`` no centre or
    zoom, which would jump there instead.

    Parameters
    ----------
    lat, lon : float
        The centre.
    zoom : int
        Leaflet's zoom.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function (m) {
                var z = ({{ this.adapt }})(m, {{ this.zoom|tojson }});
                var s = m.getSize();
                // a hidden map (printing, a folded frame) has no size to fly in
                if (s.x > 0 && s.y > 0) {
                    m.flyTo({{ this.center|tojson }}, z, {duration: 1.2});
                } else {
                    m.setView({{ this.center|tojson }}, z, {animate: false});
                }
            })({{ this._parent._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, lat: float, lon: float, zoom: int):
        super().__init__()
        self._name = "FlyTo"
        self.adapt = ADAPT_ZOOM_JS
        self.center = [float(lat), float(lon)]
        self.zoom = int(zoom)


def _raw(text: str) -> Element:
    """Return an element that renders ``text`` verbatim (never as a Jinja template)."""
    element = Element("{{ this.text }}")
    element.text = text
    return element


def safe_json(value: Any) -> str:
    r"""Return JSON that can sit inside a ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\u003c``, ``\u003e`` and ``\u0026``, so data
    can never close the script (``</script>``) or open a comment.

    >>> print(safe_json({"t": "</script><b>&"}))
    {"t": "\u003c/script\u003e\u003cb\u003e\u0026"}
    """
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def payload(
    tour: Tour, slides: Sequence[Slide], drawable: eventlayers.EventFeatures
) -> dict[str, Any]:
    """Return what the player needs: the texts, views and features of every step.

    Parameters
    ----------
    tour : Tour
    slides : sequence of Slide
        From :func:`mapapp.tour.slides`.
    drawable : EventFeatures
        The events' GeoJSON features (:func:`mapapp.eventlayers.event_features`);
        a step's arrowheads are kept apart (``tips``): they are styled apart. Each
        step carries its styles (:func:`mapapp.style.tour_style`, in its kind's
        colour), so the player only applies them.
    """
    steps = []
    drawable.ensure([s.event for s in slides])
    for s in slides:
        steps.append(
            {
                "event": s.event,
                "kind": s.kind,
                "date": s.date,
                "title": s.title,
                "narration": s.narration,
                "quote": s.quote,
                "citation": s.citation,
                "grade": s.grade,
                "grade_meaning": s.grade_meaning,
                "view": list(s.view),
                "on_map": s.on_map,
                "features": drawable.features.get(s.event, []),
                "tips": drawable.arrows.get(s.event, []),
                "styles": {part: tour_style(part, s.kind) for part in TOUR_STYLES},
            }
        )
    return {
        "id": tour.id,
        "title": tour.title,
        "description": tour.description,
        "steps": steps,
    }


def tour_html(
    tour: Tour,
    slides: Sequence[Slide],
    drawable: eventlayers.EventFeatures,
    base: mapview.BaseGeoJSON,
) -> str:
    """Return the tour as one HTML page with Leaflet, data and styles inlined.

    Parameters
    ----------
    tour : Tour
    slides : sequence of Slide
        From :func:`mapapp.tour.slides`.
    drawable : EventFeatures
        From :func:`mapapp.eventlayers.event_features`.
    base : BaseGeoJSON
        From :func:`mapapp.mapview.base_geojson` (the vector basemap only: the
        file loads no tiles).

    Returns
    -------
    str
        The HTML document; it makes no network request.
    """
    m: folium.Map = mapview.base_map(base)
    m.options["zoomSnap"] = ZOOM_SNAP
    root = m.get_root()
    root.title = html.escape(tour.title)
    root.header.add_child(_raw(f"<style>{CSS}{handout.PRINT_CSS}</style>"))
    root.html.add_child(_raw(PANEL))
    root.html.add_child(_raw(handout.handout_html(tour, slides, drawable, base)))
    data = safe_json(payload(tour, slides, drawable))
    root.html.add_child(
        _raw(f'<script type="application/json" id="tour-data">{data}</script>')
    )
    player = PLAYER_JS.replace("__MAP__", json.dumps(m.get_name()))
    root.script.add_child(_raw(player.replace("__ADAPT__", ADAPT_ZOOM_JS)))
    return assets.inline_html(m)
