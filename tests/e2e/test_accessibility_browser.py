"""Every page passes axe-core, and a keyboard alone can choose an event and read it.

axe-core comes from npm (``scripts/setup.sh`` puts ``axe.min.js`` in ``.cache/``)
and is served to each page by the test, in the page and in the map's frame.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import REPO, _unavailable
from test_app_browser import (
    DESKTOP,
    IFRAME,
    detail_title,
    open_map,
    query,
    settle,
    wait_until,
)

pytestmark = pytest.mark.e2e

AXE = REPO / ".cache" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
PAGES = [
    "/",
    "/?event=1962-04-24-soviet-memorandum",
    "/source?source=wcda-memo-1962-04-24-soviet",
    "/source",
    "/data",
    "/present?tour=default&step=2",
    "/#charts",  # the map page with its charts drawn (they wait to be scrolled to)
]
RUN_AXE = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations
    .filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => ({id: v.id, impact: v.impact,
                  nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}));
}"""


@pytest.fixture(scope="module")
def axe_path() -> Path:
    if not AXE.is_file():
        _unavailable(f"{AXE} is missing: run scripts/setup.sh test,e2e")
    return AXE


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_axe_violation(app, page, page_log, axe_path, path):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(app.url + path.removesuffix("#charts"))
    wait_until(lambda: page.locator('[data-testid="stMain"]').count(), "the page", 90)
    settle(page, quiet=1.5, timeout=90)
    if path.endswith("#charts"):
        page.locator(".st-key-charts_later").scroll_into_view_if_needed()
        page.locator('[data-testid="stVegaLiteChart"] canvas').wait_for()
        settle(page, quiet=1.5, timeout=90)
    found = []
    for frame in page.frames:
        frame.add_script_tag(path=str(axe_path))
        found += [{**v, "frame": frame.url[:60]} for v in frame.evaluate(RUN_AXE)]
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)
    page_log.assert_clean()


def test_a_keyboard_chooses_an_event_on_the_map(app, page, page_log, bundled):
    open_map(page, app.url)
    frame = page.frame_locator(IFRAME)
    for _ in range(80):  # Tab into the map, to its first labelled marker
        page.keyboard.press("Tab")
        focused = frame.locator(":focus")
        if focused.count() and focused.get_attribute("role") == "button":
            break
    else:
        pytest.fail("no map marker is reachable with Tab")
    label = focused.get_attribute("aria-label")
    assert label and ": " in label
    page.keyboard.press("Enter")
    chosen = wait_until(lambda: query(page).get("event"), "Enter to select the event")
    assert label.endswith(bundled.title(chosen))
    wait_until(lambda: detail_title(page) == bundled.title(chosen), "its detail")
    page_log.assert_clean()


def test_the_keyboard_hint_for_the_list_is_true(app, page, page_log, bundled):
    """The placeholder says: Tab to the list, arrows to a row, Shift+Space."""
    open_map(page, app.url)
    hint = page.locator(".st-key-keyboard_hint")
    assert "Shift+Space" in hint.inner_text()
    assert hint.is_visible()
    grid = "[data-testid='data-grid-canvas']"
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate(f'() => document.activeElement.matches("{grid}")'):
            break
    else:
        pytest.fail("the list of events is not reachable with Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Shift+Space")
    chosen = wait_until(lambda: query(page).get("event"), "Shift+Space to select")
    wait_until(lambda: detail_title(page) == bundled.title(chosen), "its detail")
    page_log.assert_clean()


def test_the_charts_button_keeps_the_keyboard_focus(app, page, page_log):
    """Tabbed to, the charts' "draw" button waits for Enter; the focus is never lost."""
    page.set_viewport_size(DESKTOP)  # the charts' space starts out of view
    open_map(page, app.url)
    button = page.get_by_role("button", name="Draw the chart now")
    # Tabbing down the page brings the charts' space into view before the button
    # (and so draws them); focused as a Tab would focus it, scrolled into view:
    button.focus()
    page.wait_for_timeout(1500)  # in view, but not pressed from under the focus
    assert button.evaluate("(b) => b === document.activeElement")
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 0
    page.keyboard.press("Tab")  # on: the focus stays where it went
    settle(page)
    assert page.evaluate("() => document.activeElement !== document.body")
    assert page.evaluate(
        "() => !!document.activeElement.closest('[data-testid=\"stMain\"]')"
    )
    chart = page.locator('[data-testid="stVegaLiteChart"]')
    if chart.count() == 0:  # the Tab scrolled the space away: Enter draws it
        button.focus()
        page.keyboard.press("Enter")
    chart.locator("canvas").first.wait_for()
    settle(page)
    page_log.assert_clean()


def test_unlabelled_map_shapes_are_not_tab_stops(app, page, page_log):
    frame = open_map(page, app.url)
    stops = frame.evaluate(
        """() => [...document.querySelectorAll('path.leaflet-interactive')]
          .filter((p) => p.getAttribute('tabindex') !== '-1')
          .filter((p) => !p.getAttribute('aria-label')).length"""
    )
    assert stops == 0
    page_log.assert_clean()
