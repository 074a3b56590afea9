"""Presenting a tour in Chromium: the present page, and the exported file offline.

The present page runs against a real ``streamlit run`` (see conftest.py); the map's
view is read from the Leaflet map streamlit-folium keeps in ``window.map`` inside
its iframe. The exported file is opened from ``file://`` with the browser offline
and every other request aborted; its player exposes ``window.yitaTour``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from click.testing import CliRunner

from mapapp import load
from mapapp.cli import cli

pytestmark = pytest.mark.e2e

IFRAME = "iframe[title='streamlit_folium.st_folium']"
FIRST_LOAD = 90  # s: the first page of a server loads and geocodes the data
TIMEOUT = 20  # s
CENTRE_JS = (
    "() => { const c = window.map.getCenter();"
    " return [c.lat, c.lng, window.map.getZoom()]; }"
)


def wait_until(check: Callable[[], Any], what: str, timeout: float = TIMEOUT) -> Any:
    """Poll ``check`` until it returns a truthy value (exceptions count as not yet)."""
    deadline = time.monotonic() + timeout
    last: Any = None
    error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except Exception as exc:  # playwright raises its own Error types
            error = exc
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}; last: {last!r}; error: {error!r}")


@pytest.fixture(scope="module")
def tour_steps() -> list[tuple[str, str]]:
    """The default tour's steps as (event id, title)."""
    data, _ = load.read_dataset()
    tours, _ = load.read_tours()
    return [(s.event, data.event(s.event).title) for s in tours.tours["default"].steps]


def map_centre(page) -> list[float]:
    """Return [lat, lon, zoom] of the Leaflet map in the st_folium iframe."""

    def read():
        frames = page.locator(IFRAME)
        if frames.count() != 1:
            return None
        frame = frames.element_handle().content_frame()
        ready = "() => !!window.map && !!document.querySelector('.leaflet-container')"
        return frame.evaluate(CENTRE_JS) if frame.evaluate(ready) else None

    return wait_until(read, "the Leaflet map in the st_folium iframe")


def close_to(centre: list[float], view: tuple[float, float, int]) -> bool:
    lat, lon, zoom = view
    return (
        centre[2] == zoom
        and abs(centre[0] - lat) < 0.05
        and abs(centre[1] - lon) < 0.05
    )


def idle(page) -> None:
    """Wait until the app has finished its run (no "Running…" status shown).

    A key pressed mid-run can land while the buttons it clicks are redrawn, as a
    teacher's second press would; the test presses each key on a settled page.
    """
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=TIMEOUT * 1000,
    )


def step_param(page) -> str | None:
    # the page's own address: page.url can lag behind history.pushState
    href = page.evaluate("() => location.href")
    return parse_qs(urlparse(href).query).get("step", [None])[0]


def test_arrow_keys_move_through_the_steps_and_the_map(app, page, page_log, tour_steps):
    from app_pages.present_page import tour_slides

    slides = tour_slides("default")
    n = len(tour_steps)
    page.goto(f"{app.url}/present?tour=default&step=6")
    page.get_by_text(f"Step 6 of {n}").wait_for(timeout=FIRST_LOAD * 1000)
    page.get_by_text(tour_steps[5][1]).first.wait_for()
    wait_until(lambda: close_to(map_centre(page), slides[5].view), "step 6's view")
    before = map_centre(page)
    page.keyboard.press("ArrowRight")
    page.get_by_text(f"Step 7 of {n}").wait_for(timeout=TIMEOUT * 1000)
    page.get_by_text(tour_steps[6][1]).first.wait_for()
    after = wait_until(
        lambda: (c := map_centre(page)) != before and close_to(c, slides[6].view) and c,
        "the map to move to step 7's view",
    )
    assert after[:2] != before[:2]
    wait_until(lambda: step_param(page) == "7", "?step=7 in the address bar")
    page.keyboard.press("PageDown")  # what a presentation clicker sends
    page.get_by_text(f"Step 8 of {n}").wait_for(timeout=TIMEOUT * 1000)
    page.keyboard.press("ArrowLeft")
    page.get_by_text(f"Step 7 of {n}").wait_for(timeout=TIMEOUT * 1000)
    idle(page)
    page.keyboard.press("End")
    page.get_by_text(f"Step {n} of {n}").wait_for(timeout=TIMEOUT * 1000)
    idle(page)
    page.keyboard.press("Home")
    page.get_by_text(f"Step 1 of {n}").wait_for(timeout=TIMEOUT * 1000)
    wait_until(lambda: close_to(map_centre(page), slides[0].view), "step 1's view")
    page_log.assert_clean()


# How many pairs of visible place labels overlap, and how many are visible.
LABELS_OVERLAP = """() => {
  const r = [...document.querySelectorAll('.leaflet-tooltip.place-label')]
    .filter((e) => getComputedStyle(e).visibility !== 'hidden')
    .map((e) => e.getBoundingClientRect());
  let n = 0;
  for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++)
    if (r[i].left < r[j].right && r[i].right > r[j].left &&
        r[i].top < r[j].bottom && r[i].bottom > r[j].top) n++;
  return n;
}"""
LABELS_SHOWN = """() => [...document.querySelectorAll('.leaflet-tooltip.place-label')]
  .filter((e) => getComputedStyle(e).visibility !== 'hidden').length"""


def test_exported_file_presents_the_tour_offline(page, page_log, tmp_path, tour_steps):
    out = tmp_path / "yita-1962.html"
    result = CliRunner().invoke(
        cli, ["export", "--format", "html", "--tour", "default", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    context = page.context
    context.set_offline(True)
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("file:", "data:"))
            else route.abort()
        ),
    )
    n = len(tour_steps)
    page.goto(Path(out).as_uri())
    counter = page.locator("#tour-counter")
    wait_until(lambda: counter.inner_text() == f"Step 1 of {n}", "step 1")
    assert page.locator("#tour-title").inner_text() == tour_steps[0][1]
    # the map is drawn: Leaflet's container, the basemap and border as SVG paths
    wait_until(
        lambda: page.locator(".leaflet-container svg path").count() > 10,
        "the base map's SVG paths",
    )
    # place labels give way to more important ones, as on the app's map
    wait_until(
        lambda: page.evaluate(LABELS_OVERLAP) == 0 and page.evaluate(LABELS_SHOWN),
        "the place labels laid out without overlaps",
    )
    # the tour's shapes answer no click: none is a tab stop
    assert page.locator(".leaflet-interactive[tabindex='0']").count() == 0
    start = page.evaluate("() => window.yitaTour.map.getCenter().lng")
    for key, step in (("ArrowRight", 2), ("PageDown", 3), ("PageUp", 2)):
        page.keyboard.press(key)
        wait_until(lambda s=step: counter.inner_text() == f"Step {s} of {n}", key)
        assert page.locator("#tour-title").inner_text() == tour_steps[step - 1][1]
    page.keyboard.press("End")
    wait_until(lambda: counter.inner_text() == f"Step {n} of {n}", "End")
    assert page.locator("#tour-title").inner_text() == tour_steps[-1][1]
    assert page.locator("#tour-next").is_disabled()
    # the map flies to the last step's view (and the earlier steps stay, faded)
    wait_until(
        lambda: page.evaluate("() => window.yitaTour.map.getCenter().lng") != start,
        "the map to fly to the last step",
    )
    page.keyboard.press("Home")
    wait_until(lambda: counter.inner_text() == f"Step 1 of {n}", "Home")
    assert page.evaluate("() => location.hash") == "#step=1"
    # the open file follows an edited address (hashchange), with no reload
    page.evaluate("() => { window.notReloaded = true; location.hash = '#step=5'; }")
    wait_until(lambda: counter.inner_text() == f"Step 5 of {n}", "#step=5")
    assert page.locator("#tour-title").inner_text() == tour_steps[4][1]
    assert page.evaluate("() => window.notReloaded") is True
    # nothing but the file itself (and data: URIs inside it) was ever requested
    assert [u for u in page_log.requests if not u.startswith(("file:", "data:"))] == []
    assert page_log.console_errors() == [] and page_log.dialogs == []
    page_log.checked = True  # assert_clean counts the file:// URL as a foreign host


PROJECTORS = [(1280, 720), (1366, 768), (1920, 1080), (3840, 2160)]


@pytest.mark.parametrize(("width", "height"), PROJECTORS)
def test_a_step_fits_a_projector_and_its_labels_grow(
    app, page, page_log, width, height
):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{app.url}/present?tour=default&step=6")
    page.get_by_text("Step 6 of").wait_for(timeout=90_000)
    frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
    frame.locator(".place-label").first.wait_for(timeout=TIMEOUT * 1000)
    time.sleep(2)  # the map's frame is fitted to the window, then it flies
    main = page.locator('[data-testid="stMain"]')
    over = main.evaluate("(m) => m.scrollHeight - m.clientHeight")
    assert over <= 1, f"the page scrolls by {over} px at {width}×{height}"
    assert page.evaluate("() => document.documentElement.scrollHeight") <= height
    label = frame.locator(".place-label").first.evaluate(
        "(e) => parseFloat(getComputedStyle(e).fontSize)"
    )
    source = page.locator(".st-key-present-source p").first.evaluate(
        "(e) => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert source >= 16
    if width >= 1920:
        assert label >= 16, f"labels are {label} px at {width}×{height}"
    # the zoom adapts: a bigger map is zoomed in further on the same step
    zoom = frame.locator("body").evaluate("() => window.map.getZoom()")
    assert zoom >= 6
    if width >= 1920:
        assert zoom > 7, f"zoom {zoom} at {width}×{height}: the step stays small"
    page_log.assert_clean()


def test_a_step_far_from_the_frontier_shows_where_it_is(app, page, page_log):
    from app_pages.loaded import load
    from app_pages.present_page import tour_slides

    events = load().events  # a located event far from the frontier (Beijing)
    far = next(
        s
        for s in tour_slides("default")
        if events.loc[s.event, "located"] and events.loc[s.event, "far"]
    )
    page.goto(f"{app.url}/present?tour=default&step={far.number}")
    page.get_by_text(f"Step {far.number} of").wait_for(timeout=90_000)
    frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
    mark = frame.locator(".far-label")
    mark.wait_for(timeout=TIMEOUT * 1000)
    assert mark.inner_text().strip()
    # the map takes in both the place and the frontier (the border is drawn)
    wait_until(
        lambda: frame.locator("body").evaluate("() => window.map.getZoom()") <= 5,
        "the map to zoom out",
    )
    page_log.assert_clean()


def test_back_and_forward_go_through_the_steps_shown(app, page, page_log, tour_steps):
    """Back shows the step shown before, as the teacher went (Forward again).

    The page took the address Back brought for one it had written itself and
    wrote the current step over it: four presses of Back stayed on the step.
    """
    from app_pages.present_page import tour_slides

    slides = tour_slides("default")
    n = len(tour_steps)
    page.goto(f"{app.url}/present?tour=default&step=2")
    page.get_by_text(f"Step 2 of {n}").wait_for(timeout=FIRST_LOAD * 1000)
    # the page's keys are ready once its map has flown to the step (as above)
    wait_until(lambda: close_to(map_centre(page), slides[1].view), "step 2's view")
    for step in (3, 4):
        idle(page)
        page.keyboard.press("ArrowRight")
        page.get_by_text(f"Step {step} of {n}").wait_for(timeout=TIMEOUT * 1000)
        wait_until(lambda s=step: step_param(page) == str(s), f"?step={step}")
    for step in (3, 2):
        idle(page)
        page.go_back()
        page.get_by_text(f"Step {step} of {n}").wait_for(timeout=TIMEOUT * 1000)
        wait_until(lambda s=step: step_param(page) == str(s), f"Back: ?step={step}")
    idle(page)
    page.go_forward()
    page.get_by_text(f"Step 3 of {n}").wait_for(timeout=TIMEOUT * 1000)
    page_log.assert_clean()


def test_a_step_opens_its_source_and_back_returns_to_the_step(
    app, page, page_log, tour_steps
):
    """The step named its source but gave no way to open it."""
    from app_pages.present_page import tour_slides

    slides = tour_slides("default")
    n = len(tour_steps)
    page.goto(f"{app.url}/present?tour=default&step=3")
    page.get_by_text(f"Step 3 of {n}").wait_for(timeout=FIRST_LOAD * 1000)
    wait_until(lambda: close_to(map_centre(page), slides[2].view), "step 3's view")
    idle(page)
    page.get_by_role("link", name="Read the source").click()
    wait_until(
        lambda: page.evaluate("() => location.pathname").endswith("/source"),
        "the source page",
    )
    query = parse_qs(urlparse(page.evaluate("() => location.href")).query)
    assert query["source"] == [slides[2].source]
    page.get_by_role("heading", name="Events citing it").wait_for(
        timeout=TIMEOUT * 1000
    )
    idle(page)
    page.go_back()
    page.get_by_text(f"Step 3 of {n}").wait_for(timeout=TIMEOUT * 1000)
    wait_until(lambda: step_param(page) == "3", "Back: ?step=3")
    page_log.assert_clean()


def test_on_a_phone_the_step_starts_on_the_first_screen(app, browser, artifacts):
    """A student's phone: the buttons on one row, no keys, the title under the map."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    try:
        page = context.new_page()
        page.goto(f"{app.url}/present?tour=default&step=4")
        title = page.locator(".st-key-present-title")
        title.wait_for(timeout=FIRST_LOAD * 1000)
        page.locator(IFRAME).wait_for()
        time.sleep(1)  # the layout settles (the map's frame is sized by the CSS)
        buttons = page.locator(".st-key-present-nav button")
        assert buttons.count() == 4
        tops = {round(buttons.nth(k).bounding_box()["y"]) for k in range(4)}
        assert len(tops) == 1, f"the buttons wrap: {tops}"
        hints = page.locator(".st-key-present-nav kbd")
        assert all(not hints.nth(k).is_visible() for k in range(hints.count()))
        box = title.bounding_box()
        assert box["y"] + box["height"] <= 844, "the step's title is below the fold"
        page.screenshot(path=artifacts / "present-phone.png")  # look at it
    finally:
        context.close()
