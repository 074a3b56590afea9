"""The app in Chromium, against a real `streamlit run` (see conftest.py).

How event features are counted
------------------------------
Counting SVG paths is not enough: a multi-site event draws several circles, a route
also draws arrowheads in its kind's colour, the selected event is drawn twice, and
claimed numbers and places are circles too. So :data:`EVENT_FEATURES_JS` runs inside
the map's iframe and walks the Leaflet map that streamlit-folium keeps in
``window.map``: an *event layer* is one whose GeoJSON feature has the event id in
``properties.id``, one of the palette's kinds (``mapapp.style.KIND_COLOURS``) in
``properties.kind``, and an SVG path stroked in that kind's colour (arrowheads,
claimed-number circles and places carry no kind; the ring around the selected event
is black). Layers are grouped by event id, and an event counts once, if at least
one of its paths is attached to the document, i.e. drawn. The count must equal the
events :func:`mapapp.select.select` keeps for the filter that are located and not
far away, and each must be drawn as its own kind.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from mapapp.detail import source_detail
from mapapp.style import KIND_COLOURS, KIND_LABELS

pytestmark = pytest.mark.e2e

IFRAME = "iframe[title='streamlit_folium.st_folium']"
DESKTOP = {"width": 1440, "height": 900}  # the viewports every journey is walked at
PHONE = {"width": 390, "height": 844}
STORY = {"start": date(1962, 1, 1), "end": date(1962, 12, 31)}
PAYLOAD = "<img src=x onerror=alert(1)>"
PAYLOAD_ID = "1962-04-30-e2e-html-payload"
SHARED = "1962-04-24-soviet-memorandum"
FIRST_LOAD = 90  # s: the first page of a server loads and geocodes the data
TIMEOUT = 20  # s: anything else
SETTLE = 15  # s: for the app to stop rerunning (it takes 1-3 s when it works)
# st.dataframe (glide-data-grid) draws on a canvas: rows are 35 px, and so is the
# header; the first column holds the row-selection checkboxes.
ROW_PX = 35

# A Leaflet layer that draws an event: its GeoJSON feature has the event's id in
# properties.id and a kind of the palette in properties.kind, and its SVG path is
# stroked in that kind's colour (arrowheads, claimed-number circles and places have
# no kind; the ring around the selected event is black). A multi-site event may be
# one MultiPoint layer or several Point layers sharing properties.id.
EVENT_LAYERS_JS = """
const pathsOf = (l) => l._path ? [l._path]
  : (l.getLayers ? l.getLayers().flatMap(pathsOf) : []);
const circlesOf = (l) => l.getLatLng ? [l]
  : (l.getLayers ? l.getLayers().flatMap(circlesOf) : []);
const stroke = (e) => (e.getAttribute('stroke') || '').toLowerCase();
const eventLayers = (palette) => {
  const out = [];
  window.map.eachLayer((l) => {
    const p = l.feature && l.feature.properties;
    if (!p || typeof p.id !== 'string' || !(p.kind in palette)) return;
    const colour = palette[p.kind].toLowerCase();
    if (pathsOf(l).some((e) => stroke(e) === colour)) out.push(l);
  });
  return out;
};
"""

# Event id -> {kind, paths} over the event layers with an SVG path in the document
# (drawn); null until streamlit-folium has built the map.
EVENT_FEATURES_JS = (
    "(palette) => {"
    + EVENT_LAYERS_JS
    + """
  if (!window.map || !window.feature_group) return null;
  const out = {};
  for (const l of eventLayers(palette)) {
    const p = l.feature.properties;
    const drawn = pathsOf(l).filter((e) => e.isConnected).length;
    if (!drawn) continue;
    out[p.id] = out[p.id] || {kind: p.kind, paths: 0};
    out[p.id].paths += drawn;
  }
  return out;
}
"""
)

# Points (in the iframe's viewport) where an event's circle is the topmost element:
# its centre, or a point of its ring (an unfilled circle can only be hit on its
# stroke, and a place's dot may sit on the centre). ``multi``: only events drawn
# as one circle (false), as several (true), or any (null).
CLICKABLE_JS = (
    "([palette, only, multi, last]) => {"
    + EVENT_LAYERS_JS
    + """
  const m = window.map;
  const box = m.getContainer().getBoundingClientRect();
  const size = m.getSize();
  const circles = {};
  for (const l of eventLayers(palette)) {
    const id = l.feature.properties.id;
    if (only && id !== only) continue;
    const colour = palette[l.feature.properties.kind].toLowerCase();
    circles[id] = (circles[id] || []).concat(
      circlesOf(l).filter((c) => c._path && stroke(c._path) === colour));
  }
  const offsets = [[0, 0]];
  for (const k of [1, 0.5])
    for (let a = 0; a < 8; a++)
      offsets.push([k * Math.cos(a * Math.PI / 4), k * Math.sin(a * Math.PI / 4)]);
  const out = [];
  for (const [id, cs] of Object.entries(circles)) {
    if (!cs.length || (multi !== null && multi !== cs.length > 1)) continue;
    for (const c of last ? cs.slice().reverse() : cs) {
      const p = m.latLngToContainerPoint(c.getLatLng());
      if (p.x < 30 || p.y < 30 || p.x > size.x - 30 || p.y > size.y - 30) continue;
      const r = c.getRadius ? c.getRadius() : 5;
      const hit = offsets.map(([dx, dy]) => [box.left + p.x + r * dx,
                                             box.top + p.y + r * dy])
        .find(([x, y]) => document.elementFromPoint(x, y) === c._path);
      if (hit) {
        const at = c.getLatLng();
        out.push({id: id, x: hit[0], y: hit[1], index: cs.indexOf(c),
                  lat: at.lat, lng: at.lng});
        break;
      }
    }
  }
  return out;
}
"""
)


# --- helpers ----------------------------------------------------------------------


def wait_until(
    check: Callable[[], Any], what: str, timeout: float = TIMEOUT, every: float = 0.2
) -> Any:
    """Poll ``check`` until it returns a truthy value; fail saying what was awaited.

    Exceptions (e.g. a frame detached by a rerun) count as "not yet".
    """
    deadline = time.monotonic() + timeout
    last: Any = None
    error: Exception | None = None
    while True:
        try:
            last = check()
            if last:
                return last
        except Exception as exc:  # playwright raises its own Error types
            error = exc
        if time.monotonic() > deadline:
            pytest.fail(
                f"timed out after {timeout:.0f} s waiting for {what}; last value: "
                f"{last!r}; last error: {error!r}"
            )
        time.sleep(every)


def idle(page) -> bool:
    """Return whether the app is connected and no script run is going on."""
    return page.evaluate(
        """() => {
          const a = document.querySelector('[data-testid="stApp"]');
          return !!a && a.dataset.testScriptState === 'notRunning'
            && a.dataset.testConnectionState === 'CONNECTED';
        }"""
    )


def settle(page, quiet: float = 1.0, timeout: float = SETTLE) -> None:
    """Wait until the app stays idle for ``quiet`` s (a map move triggers a rerun)."""
    since: list[float | None] = [None]

    def still() -> bool:
        if not idle(page):
            since[0] = None
            return False
        since[0] = since[0] or time.monotonic()
        return time.monotonic() - since[0] >= quiet

    try:
        wait_until(still, f"the app to be idle for {quiet} s", timeout, every=0.1)
    except pytest.fail.Exception:
        pytest.fail(
            f"the app did not stay idle for {quiet} s within {timeout:.0f} s: it "
            f"keeps rerunning (URL now {current_url(page)})"
        )


def map_frame(page, timeout: float = TIMEOUT):
    """Return the map's iframe once there is exactly one, shown, with a map in it."""

    def ready():
        frames = page.locator(IFRAME)
        if frames.count() != 1:
            return None
        handle = frames.element_handle()
        if handle.bounding_box() is None or handle.bounding_box()["height"] < 100:
            return None
        frame = handle.content_frame()
        if frame and frame.evaluate(
            "() => !!window.map && !!document.querySelector('.leaflet-container')"
        ):
            return frame
        return None

    return wait_until(
        ready, "one shown st_folium iframe holding a Leaflet map", timeout
    )


def open_map(page, url: str, timeout: float = FIRST_LOAD):
    """Open the map page and wait until its map is drawn and the app is idle."""
    page.goto(url)
    map_frame(page, timeout)
    settle(page)
    return map_frame(page)


def event_features(page) -> dict[str, dict]:
    """Return the drawn event features: id -> {kind, strokes} (see module doc)."""
    return map_frame(page).evaluate(EVENT_FEATURES_JS, KIND_COLOURS) or {}


def wait_for_features(page, expected, log, timeout: float = 10) -> dict[str, dict]:
    """Wait until exactly the ``expected`` event ids are drawn; fail with the diff."""
    expected = set(expected)
    seen: dict[str, dict] = {}

    def check():
        seen.clear()
        seen.update(event_features(page))
        return set(seen) == expected

    try:
        wait_until(check, "the event features", timeout)
    except pytest.fail.Exception:
        pytest.fail(
            f"the map draws {len(seen)} event features, expected {len(expected)}; "
            f"missing: {sorted(expected - set(seen))}; unexpected: "
            f"{sorted(set(seen) - expected)}; page errors: {log.console_errors()}"
        )
    return dict(seen)


def click_point(
    page,
    only: str | None = None,
    multi: bool | None = False,
    timeout: float = 10,
    last: bool = False,
) -> dict:
    """Return a page point where an event circle is on top: {id, x, y, ...}.

    ``only`` restricts to one event; ``multi`` to events drawn as one circle
    (False), as several (True: a multi-site event), or either (None). ``last``
    takes an event's last circle on top rather than its first; ``index`` is that
    circle's place among the event's, ``lat``/``lng`` its centre.
    """
    frame_el = page.locator(IFRAME)
    frame_el.scroll_into_view_if_needed()
    kind = {False: "single-site", True: "multi-site", None: "any"}[multi]
    points = wait_until(
        lambda: map_frame(page).evaluate(
            CLICKABLE_JS, [KIND_COLOURS, only, multi, last]
        ),
        f"a {kind} event circle that is on top in the map ({only or 'any event'}):"
        " nothing else drawn over it",
        timeout,
    )
    box = frame_el.bounding_box()
    p = points[0]
    return {**p, "x": box["x"] + p["x"], "y": box["y"] + p["y"]}


def stable_box(locator) -> dict:
    """Return the element's box once it stops moving (scrolling, layout)."""
    boxes: list[dict | None] = [None]

    def still():
        box = locator.bounding_box()
        same = box is not None and box == boxes[0]
        boxes[0] = box
        return box if same else None

    return wait_until(still, "the element to stop moving", every=0.15)


def centre_on(page, event_id: str, zoom: int = 8) -> None:
    """Pan the map to an event, as a user would, and wait for the app to settle.

    The event ends up a quarter of the map's height from its top: the legend covers
    most of the lower half.
    """
    found = map_frame(page).evaluate(
        """([id, zoom]) => {
          let at = null;
          window.map.eachLayer((l) => {
            const p = l.feature && l.feature.properties;
            if (at || !p || p.id !== id || !p.kind) return;
            at = l.getLatLng ? l.getLatLng() : l.getBounds().getCenter();
          });
          if (at) {
            window.map.setView(at, zoom, {animate: false});
            window.map.panBy([0, window.map.getSize().y / 4], {animate: false});
          }
          return !!at;
        }""",
        [event_id, zoom],
    )
    assert found, f"{event_id} is not on the map"
    time.sleep(0.5)  # streamlit-folium reports the move after 250 ms
    settle(page)


def current_url(page) -> str:
    """Return the URL the browser shows now.

    Not ``page.url``: the sync API updates that only while it talks to the browser,
    so a loop that reads it between ``time.sleep`` calls would never see a change.
    """
    return page.evaluate("() => location.href")


def query(page) -> dict[str, str]:
    """Return the page URL's query parameters (one value each)."""
    parsed = parse_qs(urlparse(current_url(page)).query, keep_blank_values=True)
    return {k: v[-1] for k, v in parsed.items()}


def detail_panel(page):
    """The column right of the map: the selected event's detail."""
    return page.locator('[data-testid="stMain"] [data-testid="stColumn"]').nth(1)


def detail_title(page) -> str | None:
    heading = detail_panel(page).locator("h3")
    return heading.first.inner_text() if heading.count() else None


def squash(text: str) -> str:
    return " ".join(text.split())


def main_text(page) -> str:
    return squash(page.locator('[data-testid="stMain"]').inner_text())


# --- tests --------------------------------------------------------------------------


def test_map_draws_the_events_of_the_default_window(
    app, page, page_log, bundled, artifacts
):
    listed = bundled.selected(**STORY)
    expected = set(bundled.on_map(listed))
    assert expected, "the bundled data should put 1962 events on the map"

    open_map(page, f"{app.url}/")
    drawn = wait_for_features(page, expected, page_log)
    assert len(drawn) == len(expected)
    kinds = {i: bundled.data.event(i).kind for i in expected}
    assert {i: f["kind"] for i, f in drawn.items()} == kinds
    assert page.frame_locator(IFRAME).locator(".leaflet-container").is_visible()

    text = main_text(page)
    assert f"Events ({len(listed)} shown)" in text
    away = len(listed) - len(expected)
    assert f"{away} events took place far from the frontier" in text
    q = query(page)
    assert "from" not in q and "to" not in q  # the default window: 1962

    shot = artifacts / "map.png"  # look at it: the map, its legend, the panel
    page.locator(IFRAME).scroll_into_view_if_needed()
    page.screenshot(path=shot)
    assert shot.stat().st_size > 20_000
    page_log.assert_clean()


def test_the_far_list_opens_and_its_events_can_be_chosen(app, page, page_log, bundled):
    """Its buttons are made only when it is open; opening it brings them."""
    listed = bundled.selected(**STORY)
    far = [i for i in listed if i not in set(bundled.on_map(listed))]
    open_map(page, f"{app.url}/")
    box = page.locator(".st-key-far_list")
    assert box.locator('[data-testid="stButton"]').count() == 0  # closed: none made
    box.get_by_text("events took place far from the frontier").click()
    buttons = box.locator('[data-testid="stButton"]')
    buttons.first.wait_for(timeout=30_000)
    assert buttons.count() == len(far)
    title = bundled.title(far[0])
    buttons.first.click()
    wait_until(
        lambda: detail_title(page) == title,
        f"the detail panel to show {title!r} chosen from the far list",
    )
    settle(page)
    assert query(page).get("event") == far[0]
    page_log.assert_clean()


def test_back_and_forward_walk_through_the_events_chosen(app, page, page_log, bundled):
    """Back shows the event chosen before, then the page as it opened; Forward again.

    The page used to write its current address back over the one Back brought, so
    Back never left the event shown (and never left the page). A move of the map
    replaces the address, so one press reaches the event before; the page as it
    opened may take more (its first address, then the one it wrote).
    """

    def back_until(done: Callable[[], bool], what: str) -> None:
        for _ in range(8):
            before = current_url(page)
            page.go_back()
            wait_until(
                lambda b=before: current_url(page) != b, f"Back to move ({what})"
            )
            settle(page)
            assert current_url(page) != before, "the page wrote its address back"
            if done():
                return
        pytest.fail(f"eight presses of Back did not reach {what}")

    open_map(page, f"{app.url}/")
    first = click_point(page)
    page.mouse.click(first["x"], first["y"])
    wait_until(lambda: query(page).get("event") == first["id"], "the first choice")
    settle(page)
    second = next(
        p
        for p in map_frame(page).evaluate(CLICKABLE_JS, [KIND_COLOURS, None, False])
        if p["id"] != first["id"]
    )
    box = page.locator(IFRAME).bounding_box()
    page.mouse.click(box["x"] + second["x"], box["y"] + second["y"])
    wait_until(lambda: query(page).get("event") == second["id"], "the second choice")
    settle(page)

    # one press: the map's moves since the first choice replaced its address
    page.go_back()
    wait_until(lambda: query(page).get("event") == first["id"], "one Back: event 1")
    settle(page)
    assert query(page).get("event") == first["id"], "the page wrote its address back"
    assert detail_title(page) == bundled.title(first["id"])
    back_until(lambda: "event" not in query(page), "the page as it opened")
    assert detail_title(page) is None
    page.go_forward()
    wait_until(
        lambda: detail_title(page) == bundled.title(first["id"]),
        "Forward to the first event again",
    )
    settle(page)
    assert query(page).get("event") == first["id"]
    page_log.assert_clean()


def test_clicking_an_event_shows_it_and_its_source(app, page, page_log, bundled):
    open_map(page, f"{app.url}/")
    assert detail_title(page) is None
    point = click_point(page)
    title = bundled.title(point["id"])
    page.mouse.click(point["x"], point["y"])
    wait_until(
        lambda: detail_title(page) == title,
        f"the detail panel to show {title!r} after a click on {point['id']}",
    )
    settle(page)
    assert query(page).get("event") == point["id"]

    link = detail_panel(page).get_by_role("link", name=re.compile("^Read the source"))
    assert link.count() >= 1
    href = link.first.get_attribute("href")
    source_id = query_of(href)["source"]
    cited = [c.source for c in bundled.data.event(point["id"]).sources]
    assert source_id in cited

    length = page.evaluate("() => history.length")
    link.first.click()
    wait_until(
        lambda: (
            urlparse(current_url(page)).path.endswith("/source")
            and query(page).get("source") == source_id
        ),
        f"the source page of {source_id}",
    )
    settle(page)
    src = source_detail(bundled.data, source_id)
    page.get_by_role("heading", level=1, name=src.title).wait_for()
    text = main_text(page)
    missing = [k for k, v in src.fields if squash(f"{k}: {v}") not in text]
    assert not missing, f"source metadata not shown: {missing}"
    assert squash(src.summary) in text
    assert "Traceback" not in text
    assert page.evaluate("() => history.length") == length + 1  # one step
    page.go_back()
    wait_until(lambda: urlparse(current_url(page)).path == "/", "Back to the map")
    wait_until(lambda: detail_title(page) == title, "the event chosen, again")
    assert query(page).get("event") == point["id"]
    page_log.assert_clean()


def query_of(href: str) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(href).query).items()}


def test_clicking_an_event_drawn_at_several_places_selects_it(
    app, page, page_log, bundled
):
    """An event drawn at several places (e.g. two border posts) is clickable."""
    open_map(page, f"{app.url}/")
    point = click_point(page, multi=True)
    page.mouse.move(point["x"], point["y"])  # its tooltip must not throw
    page.mouse.click(point["x"], point["y"])
    title = bundled.title(point["id"])
    try:
        wait_until(lambda: detail_title(page) == title, "the detail", timeout=15)
    except pytest.fail.Exception:
        pytest.fail(
            f"a click on {point['id']} (multi-site) did not show {title!r}; page "
            f"errors: {page_log.console_errors()}"
        )
    wait_until(
        lambda: query(page).get("event") == point["id"],
        f"event={point['id']} in the URL",
    )
    page_log.assert_clean()


POPUP_FROM_JS = """([lat, lng]) => {
  const m = window.map, p = m._popup;
  if (!p || !m.hasLayer(p)) return null;
  return {px: m.latLngToContainerPoint(p.getLatLng())
    .distanceTo(m.latLngToContainerPoint([lat, lng]))};
}"""


def test_a_popup_stays_at_the_site_of_a_multi_site_event_clicked(app, page, page_log):
    """The popup reopened after the redraw at the event's first site, not the one hit.

    The vice-consul's visits are drawn at Tacheng and at Yining: a click at Tacheng
    showed the popup over Yining once the app had drawn the selection.
    """
    open_map(page, f"{app.url}/")
    point = click_point(page, multi=True, last=True)
    assert point["index"] > 0, "a site after the event's first is on top somewhere"
    page.mouse.click(point["x"], point["y"])
    wait_until(lambda: query(page).get("event") == point["id"], "the selection")
    settle(page)  # the layers drawn again for the selection, the popup reopened
    frame = map_frame(page)
    off = wait_until(
        lambda: frame.evaluate(POPUP_FROM_JS, [point["lat"], point["lng"]]),
        "an open popup",
    )["px"]
    assert off <= 12, f"the popup stands {off:.0f} px from the circle clicked {point}"
    page_log.assert_clean()


def test_a_shared_link_restores_filters_and_selection(app, page, page_log, bundled):
    params = {
        "event": SHARED,
        "kind": "diplomacy,crossing",
        "from": "1962-04-01",
        "to": "1962-05-31",
        "q": "",
    }
    open_map(page, f"{app.url}/?{urlencode(params)}")

    assert detail_title(page) == bundled.title(SHARED)
    assert "outside the current filters" not in detail_panel(page).inner_text()
    sidebar = page.locator('[data-testid="stSidebar"]')
    thumbs = sidebar.locator('[data-testid="stSliderThumbValue"]').all_inner_texts()
    assert thumbs == ["1 Apr 1962", "31 May 1962"]

    def chips(label: str) -> list[str | None]:
        box = sidebar.locator('[data-testid="stMultiSelect"]').filter(has_text=label)
        return [t.get_attribute("aria-label") for t in box.locator("[data-tag]").all()]

    assert chips("Kinds of event") == [
        KIND_LABELS["diplomacy"],
        KIND_LABELS["crossing"],
    ]
    assert chips("Source reliability") == []
    assert sidebar.get_by_role("textbox", name="Search").input_value() == ""

    listed = bundled.selected(
        start=date(1962, 4, 1), end=date(1962, 5, 31), kinds=("diplomacy", "crossing")
    )
    assert f"Events ({len(listed)} shown)" in main_text(page)
    wait_for_features(page, bundled.on_map(listed), page_log)

    q = query(page)
    kept = {k: q.get(k) for k in ("event", "kind", "from", "to")}
    assert kept == {k: params[k] for k in kept}, f"URL after load: {current_url(page)}"
    assert q.get("q", "") == ""
    page_log.assert_clean()


def test_the_map_address_opens_the_map_with_its_link(app, page, page_log, bundled):
    """``/map`` (typed, or from an old link) is the map, with the link's event."""
    open_map(page, f"{app.url}/map?event={SHARED}&from=1962-04-01&to=1962-05-31")
    assert detail_title(page) == bundled.title(SHARED)
    assert "Page not found" not in main_text(page)
    q = query(page)
    assert (q.get("event"), q.get("from")) == (SHARED, "1962-04-01"), current_url(page)
    page_log.assert_clean()


def test_back_after_a_reload_shows_the_view_before(app, page, page_log, bundled):
    """After a reload, Back showed the address before for a moment, then the page
    wrote the event shown back over it: the step of the history was lost.

    A reload starts a new session, which had not written the address Back brings;
    it is shown as Back shows any address the page wrote.
    """
    open_map(page, f"{app.url}/")
    point = click_point(page)
    page.mouse.click(point["x"], point["y"])
    wait_until(lambda: query(page).get("event") == point["id"], "the event chosen")
    settle(page)
    page.reload()
    wait_until(lambda: detail_title(page) == bundled.title(point["id"]), "reloaded")
    settle(page)
    page.go_back()
    wait_until(lambda: "event" not in query(page), "Back to the map as it opened")
    settle(page)
    time.sleep(1)
    assert "event" not in query(page), "the page wrote the event back"
    wait_until(lambda: detail_title(page) is None, "no event selected")
    page.go_forward()
    wait_until(
        lambda: detail_title(page) == bundled.title(point["id"]),
        "Forward to the event again",
    )
    page_log.assert_clean()


def test_back_leaves_the_map_reached_by_its_address(app, page, page_log):
    """From another page to ``/map?event=…``, Back returns to that page.

    ``/map`` used to send its visitor on to ``/``; Back landed on ``/map`` and was
    sent forward again, so it never got past the map.
    """
    page.goto(f"{app.url}/source?source=wcda-memo-1962-04-24-soviet")
    page.get_by_text("Full text", exact=True).wait_for(timeout=FIRST_LOAD * 1000)
    settle(page)
    open_map(page, f"{app.url}/map?event={SHARED}")
    for _ in range(3):
        before = current_url(page)
        page.go_back()
        wait_until(lambda b=before: current_url(page) != b, "Back to move")
        settle(page)
        if urlparse(current_url(page)).path == "/source":
            break
    assert urlparse(current_url(page)).path == "/source", current_url(page)
    page.get_by_text("Full text", exact=True).wait_for()
    page_log.assert_clean()


def test_one_back_leaves_the_map_opened_from_a_link(app, page, page_log, bundled):
    """The page's own address for a link it was given is not a step of the history.

    It adds the map's view and leaves the default dates out; it used to add the
    dates too, a new entry, and the first press of Back showed the same event again.
    """
    page.goto(f"{app.url}/source?source=wcda-memo-1962-04-24-soviet")
    page.get_by_text("Full text", exact=True).wait_for(timeout=FIRST_LOAD * 1000)
    settle(page)
    length = page.evaluate("() => history.length")
    open_map(page, f"{app.url}/?event={SHARED}")
    wait_until(lambda: "z" in query(page), "the page's own address (with the view)")
    settle(page)
    assert detail_title(page) == bundled.title(SHARED)
    assert page.evaluate("() => history.length") == length + 1
    page.go_back()
    wait_until(lambda: urlparse(current_url(page)).path == "/source", "one Back")
    page.get_by_text("Full text", exact=True).wait_for()
    page_log.assert_clean()


def test_moving_the_map_is_not_a_step_of_the_history(app, page, page_log):
    """The address follows the map, but a move replaces it: Back is one press away.

    Streamlit pushes every new address; each pan or zoom was one more press of Back.
    """
    open_map(page, f"{app.url}/?event={SHARED}")
    length = page.evaluate("() => history.length")
    zoom = query(page)["z"]
    for _ in range(3):
        url = current_url(page)
        map_frame(page).locator(".leaflet-control-zoom-in").click()
        wait_until(lambda u=url: current_url(page) != u, "the address to follow")
        settle(page)
    assert int(query(page)["z"]) == int(zoom) + 3
    assert query(page)["event"] == SHARED
    assert page.evaluate("() => history.length") == length
    page_log.assert_clean()


def test_a_pan_runs_the_map_alone_and_back_still_goes_back(app, page, page_log):
    """A pan reruns only the map and the address (a fragment), not the whole page.

    Every new session's map reports where it is once it opens, and each pan does:
    the page around the map has nothing new to show. A click on another event still
    runs the whole page, and Back, after the pan, goes to the event chosen before.
    """
    frames: list[int] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda _: frames.append(1)))
    open_map(page, f"{app.url}/?event={SHARED}")
    target = click_point(page)
    page.mouse.click(target["x"], target["y"])
    wait_until(lambda: query(page).get("event") == target["id"], "the choice")
    settle(page)
    before = len(frames)
    url = current_url(page)
    box = page.locator(IFRAME).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.8
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y - 40, steps=8)
    page.mouse.up()
    wait_until(lambda: current_url(page) != url, "the address to follow the pan")
    settle(page)
    pan = len(frames) - before
    assert query(page)["event"] == target["id"]
    before = len(frames)
    url = current_url(page)
    map_frame(page).locator(".leaflet-control-zoom-in").click()  # the whole page
    wait_until(lambda: current_url(page) != url, "the address to follow the zoom")
    settle(page)
    whole = len(frames) - before
    assert 0 < pan < whole / 2, (pan, whole)
    page.go_back()
    wait_until(lambda: query(page).get("event") == SHARED, "one Back: the first event")
    settle(page)
    assert query(page).get("event") == SHARED, "the page wrote its address back"
    page_log.assert_clean()


def test_back_brings_back_the_zoom_of_the_view_before(app, page, page_log):
    """Back to a view the map had left by a zoom by hand takes the map to its zoom.

    st_folium sets the zoom only when the zoom it is given changes; Back to a view
    of the zoom the app had sent last left the map at the zoom of the hand's.
    """
    open_map(page, f"{app.url}/?lat=44.6&lon=81.2&z=7")
    target = click_point(page)
    page.mouse.click(target["x"], target["y"])
    wait_until(lambda: query(page).get("event") == target["id"], "the choice")
    settle(page)
    zoom = int(query(page)["z"])
    map_frame(page).locator(".leaflet-control-zoom-in").click()
    wait_until(lambda: int(query(page)["z"]) == zoom + 1, "the address to follow")
    settle(page)
    page.go_back()
    wait_until(lambda: "event" not in query(page), "Back to the link's view")
    settle(page)
    assert query(page)["z"] == "7"
    got = wait_until(
        lambda: map_frame(page).evaluate("() => window.map.getZoom()") == 7 or None,
        "the map at the zoom of that view",
        5,
    )
    assert got
    page_log.assert_clean()


def test_a_shared_link_restores_the_map_view(app, page, page_log):
    lat, lon, zoom = 44.5, 80.9, 7
    open_map(page, f"{app.url}/?lat={lat}&lon={lon}&z={zoom}")
    centre = map_frame(page).evaluate(
        "() => { const c = window.map.getCenter();"
        " return [c.lat, c.lng, window.map.getZoom()]; }"
    )
    assert centre[2] == zoom
    assert centre[0] == pytest.approx(lat, abs=0.05)
    assert centre[1] == pytest.approx(lon, abs=0.05)
    q = query(page)
    assert q.get("z") == str(zoom), f"URL after load: {current_url(page)}"
    assert float(q["lat"]) == pytest.approx(lat, abs=0.05)
    assert float(q["lon"]) == pytest.approx(lon, abs=0.05)
    page_log.assert_clean()


def test_selecting_a_row_of_the_list_sets_the_event_param(app, page, page_log, bundled):
    listed = bundled.selected(**STORY)
    row = 1
    open_map(page, f"{app.url}/")
    assert "event" not in query(page)
    grid = page.locator('[data-testid="stDataFrame"]')
    grid.scroll_into_view_if_needed()
    box = stable_box(grid.locator("canvas").first)
    assert box["height"] > 3 * ROW_PX
    page.mouse.click(box["x"] + 15, box["y"] + ROW_PX * (row + 1) + ROW_PX / 2)

    wait_until(
        lambda: query(page).get("event") == listed[row],
        f"event={listed[row]} in the URL after selecting row {row}",
    )
    settle(page)
    assert query(page).get("event") == listed[row]
    assert detail_title(page) == bundled.title(listed[row])
    page_log.assert_clean()


def test_other_views_stay_offline_and_quiet(app, page, page_log, bundled):
    """Tabs, expander, layer control, the source page: no foreign request, no error."""
    open_map(page, f"{app.url}/?event=1962-04-22-mass-crossing")
    page.get_by_role("tab", name="Who says how many crossed").click()
    page.locator('[data-testid="stVegaLiteChart"]').last.wait_for()
    page.get_by_text("events took place far from the frontier").click()
    frame = page.frame_locator(IFRAME)
    frame.locator(".leaflet-control-layers").hover()
    frame.locator(".leaflet-control-layers-list").wait_for()
    page.goto(f"{app.url}/source?source=wcda-memo-1962-04-24-soviet")
    src = source_detail(bundled.data, "wcda-memo-1962-04-24-soviet")
    page.get_by_role("heading", level=1, name=src.title).wait_for()
    page.get_by_text("Full text", exact=True).wait_for()
    settle(page)
    page_log.assert_clean()
    assert not any(urlparse(u).path.endswith("/x") for u in page_log.requests)


def test_html_in_the_data_is_shown_as_text(data_copy, start_server, page, page_log):
    (data_copy / "events" / "99-e2e-payload.yaml").write_text(
        f"""# e2e: a title that is an HTML payload must be shown as text, run nothing.
- id: {PAYLOAD_ID}
  title: "{PAYLOAD}"
  summary: >
    A test event whose title is an HTML payload.
  kind: unrest
  when: "1962-04-30"
  places:
    - {{place: khorgos-cn, role: site}}
  sources:
    - source: wcda-118180
""",
        encoding="utf-8",
    )
    with start_server("payload", data_copy) as server:
        # kind=unrest: no claimed-number circle covers the event at Khorgos
        frame = open_map(page, f"{server.url}/?event={PAYLOAD_ID}&kind=unrest")
        assert detail_title(page) == PAYLOAD
        wait_until(
            lambda: PAYLOAD_ID in event_features(page), "the payload event on the map"
        )
        centre_on(page, PAYLOAD_ID)
        frame = map_frame(page)
        point = click_point(page, only=PAYLOAD_ID)
        page.mouse.move(point["x"], point["y"])
        tooltip = (
            page.frame_locator(IFRAME)
            .locator(".leaflet-tooltip")
            .filter(has_text=PAYLOAD)
        )
        tooltip.first.wait_for()
        assert PAYLOAD in tooltip.first.inner_text()
        for where in (page, frame):
            assert where.locator('img[src="x"]').count() == 0

        # the source page lists the events citing it, the payload among them
        page.goto(f"{server.url}/source?source=wcda-118180")
        page.get_by_role("link", name=PAYLOAD).wait_for()
        settle(page)
        assert page.locator('img[src="x"]').count() == 0
        assert page_log.dialogs == []
        assert not any(urlparse(u).path.endswith("/x") for u in page_log.requests)
        page_log.assert_clean()


def test_a_broken_data_file_shows_an_error_page(
    data_copy, start_server, page, page_log
):
    path = data_copy / "events" / "02-onset.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("- id: 1962-04-22-mass-crossing\n")
    at = next(i for i in range(start, len(lines)) if lines[i].startswith("  when:"))
    lines[at] = '  when: "1962-02-30"\n'
    path.write_text("".join(lines), encoding="utf-8")

    with start_server("broken", data_copy) as server:
        page.goto(f"{server.url}/")
        page.get_by_text("The data could not be loaded").wait_for(
            timeout=FIRST_LOAD * 1e3
        )
        named = f"events/02-onset.yaml:{at + 1}: 1962-04-22-mass-crossing: when:"
        page.get_by_text(named).first.wait_for()
        settle(page)
        text = main_text(page)
        shown = page.locator('[data-testid="stCode"]').inner_text().splitlines()
        problem = next(line for line in shown if line.startswith(named))
        assert "impossible date" in problem
        assert "1962-02-30" in problem
        assert "Traceback" not in text
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator(IFRAME).count() == 0
        assert "Traceback" not in server.log()
        page_log.assert_clean()


def test_back_from_a_source_brings_the_map_back_where_it_was_left(app, page, page_log):
    """The map page is drawn anew after another page: at the view it was left at.

    On a phone, a tap's popup pans the map to make room. Back from the source page
    brought the map to where the app had last sent it (the overview), and wrote that
    to the address: the reader lost their place (found by a walk).
    """
    page.set_viewport_size(PHONE)
    open_map(page, app.url)
    overview = query(page)
    point = click_point(page, multi=None)
    page.mouse.click(point["x"], point["y"])
    wait_until(lambda: detail_title(page), "the detail of the event tapped")
    settle(page)
    left = query(page)
    assert (left["lat"], left["lon"]) != (overview["lat"], overview["lon"]), (
        "the popup made room by a pan"
    )
    link = detail_panel(page).get_by_role("link", name=re.compile("^Read the source"))
    link.first.click()
    wait_until(lambda: "/source" in current_url(page), "the source page")
    settle(page)
    page.go_back()
    wait_until(lambda: "/source" not in current_url(page), "Back on the map page")
    settle(page)
    assert query(page) == left
    lat, lon = map_frame(page).evaluate(
        "() => [window.map.getCenter().lat, window.map.getCenter().lng]"
    )
    pixel = 360 / (256 * 2 ** int(left["z"]))  # degrees of longitude
    assert abs(lat - float(left["lat"])) <= 2 * pixel, (lat, left)
    assert abs(lon - float(left["lon"])) <= 2 * pixel, (lon, left)
    page_log.assert_clean()
