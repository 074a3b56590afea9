"""What the map does in the browser: labels that give way, markers for the keyboard.

Constant JavaScript (no data), run with the map's own script (see
:func:`mapapp.mapview.base_map`).
"""

# Place labels never overprint: after every move or zoom (and the legend opened or
# folded), labels are laid out by rank (LABEL_RANK, carried in the class name).
# Event marks drawn as points come first, with the map's controls. A label that
# would cover one of them, a label already shown or another place's dot (it would
# seem to name that place), or run past the map's edge, tries the other sides and
# corners of its place, and is hidden when none is free.
# Tooltips (hover) are drawn above the legend, and kept inside the map.
LABEL_JS = """
(function () {
  function rankOf(el) {
    var m = /place-rank-(\\d+)/.exec(el.className);
    return m ? +m[1] : 0;
  }
  function hits(r, boxes) {
    return boxes.some(function (s) { return overlap(r, s) > 0; });
  }
  // the map's controls (zoom, layers, scale, attribution, the legend), drawn
  // above every pane
  function controlBoxes() {
    return Array.prototype.map.call(
      document.querySelectorAll('.leaflet-control, #map-legend'),
      function (c) { return c.getBoundingClientRect(); }
    ).filter(function (r) { return r.width && r.height; });
  }
  // the circles of events (their kind in their properties; not the wider claim
  // circles or the step's halo) or of places, as drawn, with where each stands
  function circles(test) {
    var out = [];
    window.map.eachLayer(function (l) {
      var p = l.feature && l.feature.properties;
      if (l instanceof L.CircleMarker && p && test(p) && l._path &&
          l.getRadius() > 0 && l.getRadius() <= 12) {
        var r = l._path.getBoundingClientRect();
        if (r.width || r.height) {
          out.push({left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                    at: l.getLatLng()});
        }
      }
    });
    return out;
  }
  // each place's label, with where its place stands
  function placeLabels() {
    var out = [];
    window.map.eachLayer(function (l) {
      var t = l.getTooltip && l.getTooltip(), el = t && t.getElement();
      if (el && /place-label/.test(el.className) && l.getLatLng) {
        out.push({el: el, at: l.getLatLng()});
      }
    });
    return out;
  }
  function layout() {
    var labels = placeLabels();
    labels.forEach(function (label) {
      label.el.style.visibility = '';
      label.el.style.translate = '';
    });
    labels.sort(function (a, b) { return rankOf(b.el) - rankOf(a.el); });
    // a label under a control is hidden as if under a label
    var shown = circles(function (p) { return p.kind; }).concat(controlBoxes());
    var dots = circles(function (p) { return p.name_1962; });
    var frame = window.map.getContainer().getBoundingClientRect();
    var inMap = function (b) {
      return b.left >= frame.left && b.right <= frame.right &&
             b.top >= frame.top && b.bottom <= frame.bottom;
    };
    labels.forEach(function (label) {
      var el = label.el, r = el.getBoundingClientRect(), w = r.width, h = r.height;
      var others = dots.filter(function (d) { return !d.at.equals(label.at); });
      // Leaflet puts it right of its place; a region's name stays under its seat's
      // (right, left, above, below, then the corners)
      var left = -(w + 10), mid = -w / 2 - 5, up = -h / 2 - 8, down = h / 2 + 8;
      var sides = /place-area/.test(el.className) ? [[0, 0]] :
        [[0, 0], [left, 0], [mid, up], [mid, down],
         [0, up], [0, down], [left, up], [left, down]];
      var side = null;
      for (var i = 0; i < sides.length && side === null; i++) {
        var box = moved(r, sides[i][0], sides[i][1]);
        if (!hits(box, shown) && !hits(box, others) && inMap(box)) {
          side = sides[i];
          shown.push(box);
        }
      }
      if (side === null) {
        el.style.visibility = 'hidden';
      } else if (side[0] || side[1]) {
        el.style.translate = side[0] + 'px ' + side[1] + 'px';
      }
    });
  }
  // A hover label that would run past the map's edge, or under the controls
  // (zoom, layers, scale, attribution, the legend), which are drawn above every
  // pane, is moved in (Leaflet puts it on the side of the pointer facing the map's
  // centre, however wide it is): of a few places inside the map (as it is, clear
  // of the controls above or below it, or beside them), the one it overlaps the
  // controls least in, then the nearest. Its pointer arrow is then hidden.
  function overlap(a, b) {
    return Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) *
      Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
  }
  function moved(box, dx, dy) {  // dx, dy: how far from where Leaflet put it
    return {left: box.left + dx, right: box.right + dx, top: box.top + dy,
            bottom: box.bottom + dy, dx: (box.dx || 0) + dx, dy: (box.dy || 0) + dy};
  }
  function inside(box, frame) {  // moved the least to lie within the frame
    var dx = Math.max(Math.min(0, frame.right - 4 - box.right),
                      frame.left + 4 - box.left);
    var dy = Math.max(Math.min(0, frame.bottom - 4 - box.bottom),
                      frame.top + 4 - box.top);
    return moved(box, dx, dy);
  }
  function placeAmong(box, frame, controls) {
    var first = inside(box, frame), options = [first];
    controls.forEach(function (c) {
      if (!overlap(first, c)) { return; }
      [[0, c.bottom + 4 - first.top], [0, c.top - 4 - first.bottom],
       [c.right + 4 - first.left, 0], [c.left - 4 - first.right, 0]]
        .forEach(function (d) {
          options.push(inside(moved(first, d[0], d[1]), frame));
        });
    });
    function cost(o) {
      return controls.reduce(function (sum, c) { return sum + overlap(o, c); }, 0);
    }
    options.sort(function (a, b) {
      return cost(a) - cost(b) ||
        Math.abs(a.dx) + Math.abs(a.dy) - Math.abs(b.dx) - Math.abs(b.dy);
    });
    return options[0];
  }
  function keepInside() {
    var place = L.Tooltip.prototype._setPosition;
    L.Tooltip.prototype._setPosition = function (pos) {
      place.call(this, pos);
      var el = this._container, m = this._map;
      if (!el || !m || this.options.permanent) { return; }
      var box = el.getBoundingClientRect();  // with the arrow's margin
      var frame = m.getContainer().getBoundingClientRect();
      var best = placeAmong(box, frame, controlBoxes());
      if (best.dx || best.dy) {
        L.DomUtil.setPosition(el, L.DomUtil.getPosition(el).add([best.dx, best.dy]));
      }
      el.classList.toggle('moved-in', !!(best.dx || best.dy));
    };
  }
  function attach() {
    if (!window.L || !window.map || !window.map.on) { return setTimeout(attach, 100); }
    keepInside();
    window.map.on('zoomend moveend layeradd', function () { setTimeout(layout, 0); });
    // the legend (a <details>) opened or folded: its 'toggle' reaches the document
    // only on the way down
    document.addEventListener('toggle', function () { setTimeout(layout, 0); }, true);
    setTimeout(layout, 0);
  }
  attach();
})();
"""
# Keyboard: each event marker is a labelled button (Tab to it, Enter or Space
# selects it, as a click does); every other shape, and a shape that answers no click
# (the offline tour's), is left out of the tab order.
# A popup opened by a click stays open when the app redraws the event layers for
# the click (not when another event was chosen beside the map).
# A click that focuses the map does not scroll the page.
KEYS_JS = """
(function () {
  function text(html) {
    var t = document.createElement('textarea');
    t.innerHTML = html || '';
    return t.value;
  }
  function label(layer) {
    var el = layer._path;
    if (!el || el.dataset.keyed) { return; }
    el.dataset.keyed = '1';
    var p = layer.feature && layer.feature.properties;
    var interactive = layer.options && layer.options.interactive !== false;
    if (interactive && p && typeof p.id === 'string' && p.kind && p.title_html) {
      el.setAttribute('tabindex', '0');
      el.setAttribute('role', 'button');
      el.setAttribute('aria-label', text(p.date_text) + ': ' + text(p.title_html));
      el.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          var at = layer.getLatLng ? layer.getLatLng() : layer.getBounds().getCenter();
          layer.fire('click', {latlng: at, originalEvent: e}, true);
        }
      });
    } else {
      el.setAttribute('tabindex', '-1');
      el.setAttribute('aria-hidden', 'true');
    }
  }
  // The app answers a click by redrawing the event layers (the selection
  // changes); the popup the click opened is opened again where it stood, on the
  // new layer drawn there (an event may be drawn at several sites), if its event
  // is the one selected (not after another was chosen beside the map).
  var popup = {id: null, at: null, until: 0};
  function isSelected(id) {
    var found = false;
    window.map.eachLayer(function (l) {
      var q = l.feature && l.feature.properties;
      if (q && q.selected && q.id === id) { found = true; }
    });
    return found;
  }
  function standsAt(layer, at) {
    if (layer.getLatLng) {  // a circle: the popup opened where it was hit
      var m = window.map, r = layer.getRadius ? layer.getRadius() : 0;
      return m.latLngToLayerPoint(layer.getLatLng())
        .distanceTo(m.latLngToLayerPoint(at)) <= r + 2;
    }
    return layer.getBounds && layer.getBounds().contains(at);
  }
  function reopen(layer) {
    var p = layer.feature && layer.feature.properties;
    if (!p || !p.kind || p.id !== popup.id || Date.now() >= popup.until) { return; }
    if (!popup.at || !standsAt(layer, popup.at) || !isSelected(p.id)) { return; }
    Object.keys(layer._eventParents || {}).forEach(function (k) {
      var group = layer._eventParents[k];  // the GeoJSON layer holding the popup
      if (group.getPopup && group.getPopup() && Date.now() < popup.until) {
        popup.until = 0;
        // opened where it was: no second pan of the map (the first one, on the
        // click, is kept), which would be a new view and a new address
        var options = group.getPopup().options, pan = options.autoPan;
        options.autoPan = false;
        group._openPopup({layer: layer, target: layer, latlng: popup.at});
        options.autoPan = pan;
      }
    });
  }
  function eventOf(overlay) {
    var f = overlay && overlay._source && overlay._source.feature;
    return f && f.properties && f.properties.kind ? f.properties.id : null;
  }
  function sameEvent(tooltip, popup) {
    return !tooltip.options.permanent && eventOf(tooltip) !== null &&
      eventOf(tooltip) === eventOf(popup);
  }
  function attach() {
    if (!window.L || !window.map || !window.map.on) { return setTimeout(attach, 100); }
    window.map.on('layeradd', function (e) {
      setTimeout(function () { label(e.layer); reopen(e.layer); }, 0);
    });
    window.map.on('popupopen', function (e) {
      var src = e.popup._source, p = src && src.feature && src.feature.properties;
      popup.id = p && p.kind ? p.id : null;
      popup.at = e.popup.getLatLng();
      popup.until = 0;
      window.map.eachLayer(function (l) {  // its hover label would overlap it
        if (l instanceof L.Tooltip && sameEvent(l, e.popup)) { l.close(); }
      });
    });
    // no hover label (the event's, or its selection ring's) over its open popup
    window.map.on('tooltipopen', function (e) {
      var open = window.map._popup;
      if (open && window.map.hasLayer(open) && sameEvent(e.tooltip, open)) {
        setTimeout(function () { e.tooltip.close(); }, 0);
      }
    });
    window.map.on('popupclose', function () { popup.until = Date.now() + 3000; });
    // Leaflet focuses the map on mousedown (for its arrow keys). When the map's
    // frame is only partly on screen (a phone), that focus scrolls the page, and
    // the rest of the tap lands over 100 px from the event it was aimed at.
    var keys = window.map.keyboard;
    if (keys && keys.enabled()) {
      keys.disable();  // hooks are bound at enable: re-enable with the new handler
      keys._onMouseDown = function () {
        if (!this._focused) { this._map._container.focus({preventScroll: true}); }
      };
      keys.enable();
    }
    document.addEventListener('click', function (e) {
      if (e.target.closest('.leaflet-popup-close-button')) { popup.id = null; }
    }, true);
    window.map.eachLayer(label);
  }
  attach();
})();
"""
