"""The date slider and the chart of competing figures, used with a mouse and keys.

The slider zooms to 1962 so that a window of days can be dragged; the chart of who
says how many crossed selects an event when one of its marks is clicked. The chart
is drawn on a canvas, so a mark is found by its colour: the claimant's colour from
the chart's own spec, where a solid block of it lies above the legends.
"""

from __future__ import annotations

from datetime import date

import pytest
from test_app_browser import (
    DESKTOP,
    FIRST_LOAD,
    PHONE,
    detail_title,
    open_map,
    query,
    settle,
    wait_until,
)

from mapapp import claimschart

pytestmark = pytest.mark.e2e

TAB = "Who says how many crossed"
CLAIMANT = "Soviet government"  # one mark (10,000, 24 April 1962), its own colour

# The centre of the topmost solid 7×7 block of one colour on a canvas, in page
# pixels (figures written in the colour are thinner; its legend symbol lies lower).
SOLID_BLOCK_JS = """([canvas, rgb]) => {
  const ctx = canvas.getContext('2d');
  const {width, height} = canvas;
  const px = ctx.getImageData(0, 0, width, height).data;
  const is = (x, y) => {
    const i = 4 * (y * width + x);
    return Math.abs(px[i] - rgb[0]) + Math.abs(px[i + 1] - rgb[1])
      + Math.abs(px[i + 2] - rgb[2]) < 24 && px[i + 3] > 250;
  };
  for (let y = 3; y < height - 3; y++) {
    for (let x = 3; x < width - 3; x++) {
      let solid = true;
      for (let dy = -3; solid && dy <= 3; dy++)
        for (let dx = -3; solid && dx <= 3; dx++) solid = is(x + dx, y + dy);
      if (solid) {
        const box = canvas.getBoundingClientRect();
        const k = box.width / width;
        return {x: box.left + x * k, y: box.top + y * k};
      }
    }
  }
  return null;
}"""


def sidebar_handles(page) -> list[dict]:
    """Return the boxes of the date slider's two thumbs, left to right.

    Each thumb holds a visually hidden ``<input type=range>`` (role=slider), the
    element keys go to; the thumb is drawn by its grandparent.
    """
    handles = page.locator('[data-testid="stSidebar"]').get_by_role("slider")
    wait_until(lambda: handles.count() == 2, "the date slider's two handles")
    thumbs = (handles.nth(i).locator("xpath=../..").bounding_box() for i in range(2))
    return sorted(thumbs, key=lambda b: b["x"])


def centre(box: dict) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_the_date_slider_zooms_to_1962_and_a_window_can_be_dragged(
    app, page, page_log, artifacts
):
    page.set_viewport_size(DESKTOP)
    open_map(page, f"{app.url}/")
    assert "from" not in query(page)  # the default window (1962) is left out
    left, right = sidebar_handles(page)
    assert centre(right)[0] - centre(left)[0] >= 100, (left, right)
    page.screenshot(path=artifacts / "slider-1440.png")  # look at it

    # keys on the left handle: one day later per arrow
    handle = page.locator('[data-testid="stSidebar"]').get_by_role("slider").first
    handle.focus()
    for _ in range(3):
        handle.press("ArrowRight")
    wait_until(
        lambda: query(page).get("from", "") > "1962-01-01", "a later from= in the URL"
    )
    settle(page)
    assert date.fromisoformat(query(page)["from"]) <= date(1962, 1, 10)

    # the mouse on the right handle: dragged left by a third of the way
    left, right = sidebar_handles(page)
    x, y = centre(right)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - (x - centre(left)[0]) / 3, y, steps=8)
    page.mouse.up()
    wait_until(lambda: query(page)["to"] < "1962-10-31", "an earlier to= in the URL")
    settle(page)
    to = date.fromisoformat(query(page)["to"])
    assert date(1962, 6, 1) <= to <= date(1962, 10, 31), to
    page_log.assert_clean()


def scroll_to_charts(page):
    """Scroll to the charts' place; return the first chart, drawn once it is seen."""
    page.locator(".st-key-chart_tab").scroll_into_view_if_needed()
    later = page.locator(".st-key-charts_later")
    if later.count():
        later.scroll_into_view_if_needed()
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.locator("canvas").wait_for(timeout=FIRST_LOAD * 1000)
    chart.scroll_into_view_if_needed()
    settle(page)
    return chart


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_charts_are_drawn_when_the_reader_comes_to_them(app, page, page_log, size):
    """Below the map, the charts (and Vega's scripts) wait until they are in view."""
    page.set_viewport_size(DESKTOP if size == "desktop" else PHONE)
    open_map(page, f"{app.url}/")
    vega = [u for u in page_log.requests if "/static/js/embed." in u]
    assert not vega, vega  # not a byte of Vega before the charts are seen
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 0
    later = page.locator(".st-key-charts_later")
    assert later.get_by_role("button", name="Draw the chart now").is_visible()
    address, steps = page.url, page.evaluate("history.length")
    scroll_to_charts(page)  # the timeline, in the tab open first
    timeline = page.get_by_role("tab", name="Timeline of events")
    assert timeline.get_attribute("aria-selected") == "true"
    assert later.count() == 0
    assert (page.url, page.evaluate("history.length")) == (address, steps)
    # drawn for the rest of the session: another run keeps them
    page.get_by_role("tab", name=TAB).click()
    page.locator('[data-testid="stVegaLiteChart"] canvas').last.wait_for()
    settle(page)
    page_log.assert_clean()


@pytest.mark.parametrize("size", [(1920, 1200), (1440, 1300)])
def test_a_window_that_shows_the_charts_draws_them_at_once(app, page, page_log, size):
    """Where the charts' space is in view as the page opens, no scroll is needed."""
    page.set_viewport_size({"width": size[0], "height": size[1]})
    open_map(page, f"{app.url}/")
    chart = page.locator('[data-testid="stVegaLiteChart"] canvas').first
    chart.wait_for(timeout=10_000)
    assert page.locator(".st-key-charts_later").count() == 0
    settle(page)
    page_log.assert_clean()


def test_dragging_across_the_timeline_narrows_the_dates(app, page, page_log):
    """The brush on the timeline sets the date window (and nothing breaks)."""
    page.set_viewport_size(DESKTOP)
    open_map(page, f"{app.url}/?from=1962-03-01&to=1962-06-30")
    chart = scroll_to_charts(page)
    box = chart.bounding_box()
    y = box["y"] + box["height"] * 0.55
    page.mouse.move(box["x"] + box["width"] * 0.35, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=12)
    page.mouse.up()
    wait_until(
        lambda: query(page)["from"] > "1962-03-01" or query(page)["to"] < "1962-06-30",
        "a narrower window in the URL",
    )
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "1962-03-01" <= query(page)["from"] < query(page)["to"] <= "1962-06-30"
    page_log.assert_clean()


def test_the_whole_span_is_one_click_away(app, page, page_log, bundled):
    page.set_viewport_size(DESKTOP)
    open_map(page, f"{app.url}/?from=1962-03-01&to=1962-06-30")
    lo, hi = bundled.loaded.span
    page.get_by_role("button", name=f"Whole span ({lo.year}–{hi.year})").click()
    settle(page)
    left, right = sidebar_handles(page)
    assert centre(right)[0] - centre(left)[0] < 10  # four months of 150 years
    assert (query(page)["from"], query(page)["to"]) == ("1962-03-01", "1962-06-30")
    page.get_by_role("button", name="Zoom to 1962").click()
    settle(page)
    left, right = sidebar_handles(page)
    assert centre(right)[0] - centre(left)[0] >= 50
    # "All" is every date of the data; "1962" zooms back to the story
    page.get_by_role("button", name="All", exact=True).click()
    wait_until(lambda: query(page)["from"] == lo.isoformat(), "from= the first date")
    settle(page)
    assert query(page)["to"] == hi.isoformat()
    page.get_by_role("button", name="1962", exact=True).click()
    wait_until(lambda: "from" not in query(page), "the default window (left out)")
    settle(page)
    left, right = sidebar_handles(page)
    assert centre(right)[0] - centre(left)[0] >= 100
    page_log.assert_clean()


def claims_canvas(page):
    """Open the tab of competing figures; return its chart's canvas, drawn."""
    page.get_by_role("tab", name=TAB).click()
    canvas = page.locator('[data-testid="stVegaLiteChart"] canvas').last
    canvas.wait_for(timeout=FIRST_LOAD * 1000)
    canvas.scroll_into_view_if_needed()
    settle(page)
    return canvas


def claimant_mark(bundled) -> tuple[str, str, list[int]]:
    """Return the event of :data:`CLAIMANT`'s one figure, and its colour (hex, RGB)."""
    frame = claimschart.claims_frame(bundled.data)
    (event,) = frame.loc[frame["claimant"] == CLAIMANT, "event"]
    spec = claimschart.claims_chart(frame).to_dict()
    colour = spec["layer"][0]["encoding"]["color"]["scale"]
    hex_ = colour["range"][colour["domain"].index(CLAIMANT)]
    return event, hex_, [int(hex_[i : i + 2], 16) for i in (1, 3, 5)]


def test_clicking_a_figure_selects_its_event(app, page, page_log, bundled, artifacts):
    page.set_viewport_size(DESKTOP)
    open_map(page, f"{app.url}/")
    event, hex_, rgb = claimant_mark(bundled)
    canvas = claims_canvas(page)
    page.screenshot(path=artifacts / "claims-1440.png")  # look at it
    point = wait_until(
        lambda: canvas.evaluate("(c, rgb) => (" + SOLID_BLOCK_JS + ")([c, rgb])", rgb),
        f"the mark of {CLAIMANT} ({hex_}) on the chart",
    )
    page.mouse.click(point["x"], point["y"])
    wait_until(lambda: query(page).get("event") == event, f"event={event} in the URL")
    settle(page)
    assert detail_title(page) == bundled.title(event)
    # the chart stays in view: its tab is still the open one
    assert page.get_by_role("tab", name=TAB).get_attribute("aria-selected") == "true"
    canvas.screenshot(path=artifacts / "claims-selected-1440.png")  # ringed marks
    page_log.assert_clean()


def test_the_chart_of_figures_fits_a_phone(app, page, page_log, artifacts, bundled):
    page.set_viewport_size(PHONE)
    open_map(page, f"{app.url}/")
    canvas = claims_canvas(page)
    box = canvas.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert 500 <= box["height"] <= 1000, box  # the plot, with its legends below
    canvas.screenshot(path=artifacts / "claims-390.png")  # look at it
    # a figure's tooltip (who, when, the source) is on the screen, not cut at its
    # left edge: it is wider than either side of a mark leaves
    _, hex_, rgb = claimant_mark(bundled)
    point = wait_until(
        lambda: canvas.evaluate("(c, rgb) => (" + SOLID_BLOCK_JS + ")([c, rgb])", rgb),
        f"the mark of {CLAIMANT} ({hex_}) on the chart",
    )
    page.mouse.move(point["x"], point["y"])
    tip = page.locator("#vg-tooltip-element.visible")
    tip.wait_for(timeout=5000)
    shown = tip.bounding_box()
    page.screenshot(path=artifacts / "claims-tooltip-390.png")  # look at it
    assert shown["x"] >= 0 and shown["x"] + shown["width"] <= PHONE["width"], shown
    assert CLAIMANT in tip.inner_text()
    page_log.assert_clean()


def test_a_tap_on_a_figure_selects_its_event_and_a_swipe_does_not(
    app, browser, bundled
):
    """On a touch screen a tap chooses a mark; a swipe over the chart scrolls."""
    event, _, rgb = claimant_mark(bundled)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        open_map(page, f"{app.url}/")
        canvas = claims_canvas(page)

        def mark():
            return canvas.evaluate(
                "(c, rgb) => (" + SOLID_BLOCK_JS + ")([c, rgb])", rgb
            )

        point = wait_until(mark, f"the mark of {CLAIMANT} on the chart")
        # a swipe up from below the mark, across it: the page scrolls, nothing chosen
        cdp = context.new_cdp_session(page)
        x, y = point["x"], point["y"] + 150
        cdp.send(
            "Input.dispatchTouchEvent",
            {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]},
        )
        for k in range(1, 11):
            cdp.send(
                "Input.dispatchTouchEvent",
                {"type": "touchMove", "touchPoints": [{"x": x, "y": y - 15 * k}]},
            )
            page.wait_for_timeout(16)
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
        settle(page)
        assert "event" not in query(page)
        canvas.scroll_into_view_if_needed()
        settle(page)
        point = wait_until(mark, f"the mark of {CLAIMANT} again")
        page.touchscreen.tap(point["x"], point["y"])
        wait_until(lambda: query(page).get("event") == event, f"event={event}")
        settle(page)
        assert detail_title(page) == bundled.title(event)
        assert errors == []
    finally:
        context.close()
