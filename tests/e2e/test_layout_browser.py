"""The map takes the room on a wide screen, and a phone shows the detail after a tap."""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest
from test_app_browser import (
    CLICKABLE_JS,
    DESKTOP,
    IFRAME,
    PHONE,
    STORY,
    click_point,
    current_url,
    detail_title,
    map_frame,
    open_map,
    settle,
    wait_until,
)

from mapapp.style import KIND_COLOURS

pytestmark = pytest.mark.e2e


def test_the_map_fills_most_of_a_wide_screen(app, page, page_log):
    page.set_viewport_size(DESKTOP)
    open_map(page, app.url)
    box = page.locator(IFRAME).bounding_box()
    assert box["width"] >= 0.55 * DESKTOP["width"], box
    assert box["height"] >= 500, box
    detail = page.locator(".st-key-detail").bounding_box()
    assert detail["x"] >= box["x"] + box["width"] - 1, "the detail sits beside the map"
    assert detail["width"] >= 300, detail
    # the legend starts folded: a one-line "Legend" that covers nothing
    legend = page.frame_locator(IFRAME).locator("#map-legend")
    assert legend.evaluate("(d) => d.open") is False
    assert legend.bounding_box()["height"] < 40
    page_log.assert_clean()


def test_on_a_phone_the_sidebar_is_closed_and_a_tap_brings_the_detail(
    app, page, page_log
):
    page.set_viewport_size(PHONE)
    open_map(page, app.url)
    assert page.locator('[data-testid="stExpandSidebarButton"]').is_visible()
    assert not page.locator('[data-testid="stSidebarNav"]').is_visible()
    point = click_point(page, multi=None)
    page.mouse.click(point["x"], point["y"])
    wait_until(lambda: detail_title(page), "the detail of the tapped event")
    settle(page)

    def in_view():
        top = page.locator(".st-key-detail").bounding_box()["y"]
        return 0 <= top <= PHONE["height"] / 2

    wait_until(in_view, "the detail scrolled into view")
    page_log.assert_clean()


def test_on_a_phone_a_link_to_an_event_opens_on_its_title(app, browser):
    """Each load of an event's link on a phone ends with the event's title in view.

    The page scrolled to the detail once, smoothly, while the map's frame and the
    lists were still being laid out: it landed at the top, on the title, or halfway
    down the detail, from one load to the next (found by a walk).
    """
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        for _ in range(4):
            page = context.new_page()
            open_map(page, f"{app.url}/?event=1962-05-29-yining-riot")
            settle(page)
            time.sleep(2.5)  # the page's own scrolling is over
            title = page.locator(".st-key-detail h3").first.bounding_box()
            assert 0 <= title["y"] < PHONE["height"] - title["height"], title
            page.close()
    finally:
        context.close()


def test_on_a_phone_the_keyboard_hint_is_not_shown(app, browser):
    """A touch screen has no Tab key: the hint says what to tap, not what to press."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        open_map(page, app.url)
        settle(page)
        assert page.get_by_text("Select an event on the map").is_visible()
        assert page.locator(".st-key-keyboard_hint").count() == 1
        assert not page.get_by_text("Shift+Space").is_visible()
    finally:
        context.close()


def path(page) -> str:
    return urlparse(current_url(page)).path


def test_a_phone_sidebar_closes_once_a_page_is_chosen_and_starts_closed(
    app, page, page_log
):
    """A drawer over the page: closed after a choice, and closed on every load."""
    page.set_viewport_size(PHONE)
    open_map(page, app.url)
    sidebar = page.locator('[data-testid="stSidebar"]')

    def is_open() -> bool:
        return sidebar.get_attribute("data-collapsed") == "false"

    def is_closed() -> bool:
        return sidebar.get_attribute("data-collapsed") == "true"

    page.locator('[data-testid="stExpandSidebarButton"]').click()
    wait_until(is_open, "the sidebar to open")
    page.locator(
        '[data-testid="stSidebarNavLink"]', has_text="Source documents"
    ).click()
    wait_until(lambda: path(page) == "/source", "the source page")
    wait_until(is_closed, "the sidebar to close once a page is chosen")
    settle(page)
    # Streamlit remembers the sidebar as last left: left open, it came back open
    page.locator('[data-testid="stExpandSidebarButton"]').click()
    wait_until(is_open, "the sidebar to open again")
    settle(page)
    page.reload()
    wait_until(is_closed, "a reloaded page to start with the sidebar closed")
    settle(page)
    # a wide screen keeps its sidebar open after a choice
    page.set_viewport_size(DESKTOP)
    page.locator('[data-testid="stExpandSidebarButton"]').click()
    wait_until(is_open, "the sidebar to open on a wide screen")
    page.locator('[data-testid="stSidebarNavLink"]', has_text="Your own events").click()
    wait_until(lambda: path(page) == "/data", "the data page")
    settle(page)
    assert is_open()
    page_log.assert_clean()


def test_events_on_one_point_can_each_be_chosen(app, page, page_log, bundled):
    from mapapp.eventlayers import drawn_at

    ids = bundled.selected(**STORY)
    drawable = bundled.loaded.drawable
    points = drawable.points.loc[bundled.on_map(ids)]

    def others(event_id: str) -> list[str]:
        lon, lat = points.loc[event_id, ["lon", "lat"]]
        return [i for i in drawn_at(drawable, lon, lat, ids, 12) if i != event_id]

    event = max(points.index, key=lambda i: len(others(i)))
    others_ = others(event)
    assert len(others_) >= 2, "the bundled data has several events on one point"
    lon, lat = points.loc[event, ["lon", "lat"]]
    open_map(page, f"{app.url}/?event={event}&lat={lat:.4f}&lon={lon:.4f}&z=12")
    chooser = page.locator(".st-key-detail [data-testid='stExpander']")
    buttons = chooser.locator("button")
    assert buttons.count() == len(others_)
    buttons.nth(1).click()
    other = bundled.title(others_[1])
    wait_until(lambda: detail_title(page) == other, f"the detail of {other!r}")
    settle(page)
    page_log.assert_clean()


def test_the_marker_clicked_last_selects_its_event_again(app, page, page_log, bundled):
    """A click on a marker, another event chosen beside the map, the marker again.

    The map reports the same drawing for the second click on one marker; it used to
    be taken for no click at all, and the detail kept the event chosen beside it.
    """
    open_map(page, app.url)
    chooser = page.locator(".st-key-detail [data-testid='stExpander'] button")
    for point in map_frame(page).evaluate(CLICKABLE_JS, [KIND_COLOURS, None, False]):
        box = page.locator(IFRAME).bounding_box()
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        title = bundled.title(point["id"])
        wait_until(lambda t=title: detail_title(page) == t, f"the detail of {title!r}")
        settle(page)
        if chooser.count():
            break
    else:
        pytest.fail("no event on the opening map has others at its place")
    popups = map_frame(page).locator(".leaflet-popup")
    assert popups.count() == 1  # the click's popup, kept through the app's redraw
    chooser.first.click()
    wait_until(lambda: detail_title(page) != title, "another event chosen")
    settle(page)
    # the clicked event's popup does not stay beside the detail of another event
    wait_until(lambda: popups.count() == 0, "the first event's popup closed")
    again = click_point(page, only=point["id"])
    page.mouse.click(again["x"], again["y"])
    wait_until(lambda: detail_title(page) == title, f"{title!r} selected again")
    page_log.assert_clean()


def test_a_related_event_chosen_at_the_foot_of_the_detail_shows_from_its_title(
    app, page, page_log, bundled
):
    """The detail's own scroll goes back to its top (it stayed at the foot)."""
    page.set_viewport_size(DESKTOP)
    event = "1962-05-29-yining-riot"
    open_map(page, f"{app.url}/?event={event}")
    related = page.locator(".st-key-detail [class*='st-key-rel-'] button")
    related.first.wait_for()
    detail = page.locator(".st-key-detail")
    detail.evaluate("el => { el.scrollTop = el.scrollHeight; }")
    assert detail.evaluate("el => el.scrollTop") > 0, "the detail scrolls on its own"
    related.first.click()
    wait_until(lambda: detail_title(page) != bundled.title(event), "the related event")
    wait_until(lambda: detail.evaluate("el => el.scrollTop") == 0, "the detail's top")
    title = page.locator(".st-key-detail h3").first.bounding_box()
    box = detail.bounding_box()
    assert box["y"] <= title["y"] < box["y"] + box["height"]
    page_log.assert_clean()


def test_a_click_opens_a_popup_at_once_with_the_figures_and_claimants(
    app, page, page_log, bundled
):
    """The browser answers a click itself (the full detail follows from the server)."""
    open_map(page, app.url)
    point = click_point(page, multi=None)
    box = page.locator(IFRAME).bounding_box()
    frame = page.frame_locator(IFRAME)
    # from the click to the popup in the page, timed in the browser
    took = frame.locator("body").evaluate(
        """(body, xy) => new Promise((done) => {
          const t0 = performance.now();
          const seen = new MutationObserver(() => {
            if (document.querySelector('.leaflet-popup-content')) {
              seen.disconnect(); done(performance.now() - t0);
            }
          });
          seen.observe(body, {childList: true, subtree: true});
          const el = document.elementFromPoint(xy[0], xy[1]);
          el.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: xy[0],
                                                   clientY: xy[1]}));
        })""",
        [point["x"] - box["x"], point["y"] - box["y"]],
    )
    assert took <= 150, f"the popup took {took:.0f} ms"
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(state="visible")
    text = popup.inner_text()
    event = bundled.data.event(point["id"])
    assert event.title in text and event.when.human() in text
    for claim in event.claims:
        assert claim.claimant in text
    wait_until(lambda: detail_title(page) == event.title, "the full detail beside it")
    settle(page)
    assert popup.is_visible(), "the popup stays open when the detail arrives"
    assert event.title in popup.inner_text()
    # the pointer on the marker: no hover label over its open popup
    page.mouse.move(point["x"] + 1, point["y"])
    page.mouse.move(point["x"], point["y"])
    time.sleep(0.5)
    hover = frame.locator(".leaflet-tooltip:not(.place-label)")
    assert not any(hover.nth(k).is_visible() for k in range(hover.count()))
    page_log.assert_clean()


def test_on_a_phone_a_popup_fits_the_map_with_its_close_button(app, page, page_log):
    """A popup as wide as a desktop's ran past a phone's map, its × cut off.

    Nor is it under the map's buttons: opened from the event highest on the map,
    its × was under the layers button.
    """
    page.set_viewport_size(PHONE)
    open_map(page, app.url)
    page.locator(IFRAME).scroll_into_view_if_needed()
    frame_box = page.locator(IFRAME).bounding_box()
    points = wait_until(
        lambda: map_frame(page).evaluate(CLICKABLE_JS, [KIND_COLOURS, None, None]),
        "an event circle on top in the map",
    )
    top = min(points, key=lambda p: p["y"])  # the one highest on the map
    page.mouse.click(frame_box["x"] + top["x"], frame_box["y"] + top["y"])
    wait_until(lambda: detail_title(page), "the detail of the tapped event")
    settle(page)  # the layers drawn again for the selection, the popup reopened
    frame = map_frame(page)
    wait_until(lambda: frame.locator(".leaflet-popup").count() == 1, "one popup")
    time.sleep(0.6)  # Leaflet pans a popup into view
    width = frame.evaluate("() => document.documentElement.clientWidth")
    for part in (".leaflet-popup-content-wrapper", ".leaflet-popup-close-button"):
        box = frame.locator(part).evaluate(
            "(el) => { const r = el.getBoundingClientRect(); "
            "return [r.left, r.right]; }"
        )
        assert box[0] >= 0 and box[1] <= width, (part, box, width)
    under = frame.evaluate(
        """() => {
          const p = document.querySelector('.leaflet-popup-content-wrapper')
            .getBoundingClientRect();
          return Array.from(document.querySelectorAll('.leaflet-top .leaflet-control'))
            .map((c) => c.getBoundingClientRect())
            .filter((c) => c.left < p.right && c.right > p.left &&
                           c.top < p.bottom && c.bottom > p.top).length;
        }"""
    )
    assert under == 0, f"the popup is under {under} of the map's buttons"
    frame.locator(".leaflet-popup-close-button").click()
    frame.locator(".leaflet-popup-content").wait_for(state="detached")
    page_log.assert_clean()


def test_a_tap_low_on_a_phone_map_selects_the_event_tapped(
    app, page, page_log, bundled
):
    """The map is partly below the fold: the tap must not scroll it from under you.

    Leaflet focused the map on mousedown, which scrolled the page to show the whole
    frame; the rest of the tap then landed over 100 px higher, on another spot.
    """
    page.set_viewport_size(PHONE)
    open_map(page, app.url)
    frame = page.locator(IFRAME).bounding_box()
    assert frame["y"] + frame["height"] > PHONE["height"], "the map runs off screen"
    points = wait_until(
        lambda: map_frame(page).evaluate(CLICKABLE_JS, [KIND_COLOURS, None, None]),
        "event circles on top in the map",
    )
    on_screen = [p for p in points if frame["y"] + p["y"] < PHONE["height"] - 30]
    low = max(on_screen, key=lambda p: p["y"])
    assert frame["y"] + low["y"] > PHONE["height"] - frame["height"] / 2
    page.mouse.click(frame["x"] + low["x"], frame["y"] + low["y"])
    title = bundled.title(low["id"])
    wait_until(lambda: detail_title(page) == title, f"the detail of {low['id']}")
    settle(page)
    page_log.assert_clean()


ZONE_TOOLTIPS_JS = """(pan) => {
  const m = window.map, size = m.getSize(), out = [];
  m.panBy(pan, {animate: false});
  const controls = Array.from(document.querySelectorAll(
    '.leaflet-control, #map-legend')).map((c) => c.getBoundingClientRect());
  m.eachLayer((l) => {
    const p = l.feature && l.feature.properties;
    if (!p || !(p.reason || p.basis_text) || !l.getBounds) return;
    const centre = l.getBounds().getCenter();
    const at = m.latLngToContainerPoint(centre);
    if (at.x < 0 || at.y < 0 || at.x > size.x || at.y > size.y) return;
    for (const group of Object.values(l._eventParents || {})) {
      if (!group.getTooltip || !group.getTooltip()) continue;
      group._openTooltip({layer: l, latlng: centre});  // as a hover there does
      const r = group.getTooltip().getElement().getBoundingClientRect();
      const under = controls.filter((c) => c.height && c.left < r.right &&
        c.right > r.left && c.top < r.bottom && c.bottom > r.top).length;
      out.push({kind: p.reason ? 'zone' : 'border', name: p.name || p.id,
                left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                width: size.x, height: size.y, under: under});
      group.closeTooltip();
    }
  });
  m.panBy([-pan[0], -pan[1]], {animate: false});
  return out;
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_zone_or_border_label_stays_inside_the_map(app, page, page_log, viewport):
    """A zone's reason, on one line, ran 800 px: cut off past the map's right edge.

    The border's labels too: their note (700 characters) was taller than the map.
    Nor are they drawn under the map's controls (zoom, layers, scale, legend).
    """
    page.set_viewport_size(viewport)
    open_map(page, app.url)
    frame = map_frame(page)
    shown = []
    # as first drawn, moved so that the southern zones reach the top edge, and
    # with the legend open (a box over a corner of the map; the border's labels,
    # taller than the room it leaves, may touch it)
    for pan, legend in (
        ((0, 0), False),
        ((0, 300), False),
        ((0, 450), False),
        ((0, 0), True),
    ):
        frame.evaluate(
            "(open) => { document.getElementById('map-legend').open = open; }", legend
        )
        for box in frame.evaluate(ZONE_TOOLTIPS_JS, list(pan)):
            shown.append({**box, "legend": legend})
    assert {box["kind"] for box in shown} == {"zone", "border"}, shown
    for box in shown:
        assert box["left"] >= 0 and box["right"] <= box["width"], box
        assert box["top"] >= 0 and box["bottom"] <= box["height"], box
        if not (box["legend"] and box["kind"] == "border"):
            assert box["under"] == 0, f"under the map's controls: {box}"
    page_log.assert_clean()


# The visible place labels (their text, boxes and places), the event circles, the
# places' dots, the map's controls and its box, in the map's frame.
PLACE_LABELS_JS = """() => {
  const box = (r) => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
  const labels = [], marks = [], dots = [];
  window.map.eachLayer((l) => {
    const t = l.getTooltip && l.getTooltip(), el = t && t.getElement();
    if (el && /place-label/.test(el.className) &&
        getComputedStyle(el).visibility !== 'hidden')
      labels.push({text: el.textContent, at: [l.getLatLng().lat, l.getLatLng().lng],
                   ...box(el.getBoundingClientRect())});
    const p = l.feature && l.feature.properties;
    const r = l.getRadius && l.getRadius();
    if (!(l instanceof L.CircleMarker) || !p || !l._path || !r || r > 12) return;
    if (p.kind) marks.push(box(l._path.getBoundingClientRect()));
    if (p.name_1962)
      dots.push({text: p.name_1962, at: [l.getLatLng().lat, l.getLatLng().lng],
                 ...box(l._path.getBoundingClientRect())});
  });
  const controls = [...document.querySelectorAll('.leaflet-control, #map-legend')]
    .map((c) => box(c.getBoundingClientRect()))
    .filter((r) => r.right > r.left && r.bottom > r.top);
  return {labels, marks, dots, controls,
          frame: box(window.map.getContainer().getBoundingClientRect())};
}"""


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"]
        and a["right"] > b["left"]
        and a["top"] < b["bottom"]
        and a["bottom"] > b["top"]
    )


def _labels_clear(drawn: dict) -> None:
    """No label over an event's circle, another label, another place's dot or the
    map's controls, and none past the map's edge."""
    labels, marks, frame = drawn["labels"], drawn["marks"], drawn["frame"]
    assert marks, "no event circles drawn"
    for label in labels:
        name = label["text"]
        assert not [m for m in marks if _overlap(label, m)], f"{name} over an event"
        dots = [d for d in drawn["dots"] if d["at"] != label["at"]]
        assert not [d["text"] for d in dots if _overlap(label, d)], f"{name} on a dot"
        assert not [c for c in drawn["controls"] if _overlap(label, c)], name
        assert frame["left"] <= label["left"] and label["right"] <= frame["right"]
        assert frame["top"] <= label["top"] and label["bottom"] <= frame["bottom"]
    for i, a in enumerate(labels):
        for b in labels[i + 1 :]:
            assert not _overlap(a, b), f"{a['text']} and {b['text']} overlap"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_place_labels_give_way_to_the_events(app, browser, viewport):
    """Labels were drawn over event circles (Baketu over Tacheng's events, Usharal
    over the presented step), over other places' dots, and past the map's edge,
    while Tacheng's own label was hidden.

    Now the events come first: a label moves to another side or corner of its
    place, or hides. Tacheng and Yining, where most events are, keep their names.
    """
    context = browser.new_context(
        viewport=viewport, is_mobile=viewport == PHONE, has_touch=viewport == PHONE
    )
    try:
        page = context.new_page()
        open_map(page, app.url)
        settle(page)
        frame = map_frame(page)
        wait_until(lambda: frame.evaluate(PLACE_LABELS_JS)["labels"], "labels drawn")
        time.sleep(0.5)
        drawn = frame.evaluate(PLACE_LABELS_JS)
        _labels_clear(drawn)
        names = {label["text"] for label in drawn["labels"]}
        assert {"Tacheng", "Yining"} <= names, names
        frame.evaluate("() => { document.getElementById('map-legend').open = true; }")
        time.sleep(0.5)
        _labels_clear(frame.evaluate(PLACE_LABELS_JS))  # none under the legend
        for step in (1, 2):  # a step at a town, and the whole region
            page.goto(f"{app.url}/present?tour=default&step={step}")
            page.get_by_text(f"Step {step} of").wait_for(timeout=90_000)
            time.sleep(3)  # the map flies to the step
            _labels_clear(map_frame(page).evaluate(PLACE_LABELS_JS))
    finally:
        context.close()
