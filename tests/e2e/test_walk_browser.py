"""Seeded random walks through every page, link, button, back and reload.

A student leaves the map for a source, follows "Events citing it" back, reloads,
goes back twice, opens the tour, and so on: any order must work. Each walk starts
on a page drawn at random (deep links included, some of them naming things that do
not exist), then takes random steps among what a user can do on the page in front
of it: a link of the sidebar or of the page, a button, a marker of the map, back,
reload, or a new link pasted in the address bar. After every step the app must be
idle without an exception box, a traceback, a server path or the app's own "Something
went wrong" message; at the end the page must have logged no console error.

A failing walk prints its seed and steps, so it can be replayed.
"""

from __future__ import annotations

import random

import pytest
from test_app_browser import (
    DESKTOP,
    FIRST_LOAD,
    PHONE,
    current_url,
    idle,
    settle,
    wait_until,
)

pytestmark = pytest.mark.e2e

# (seed, viewport, steps): a failure names its seed; the steps are replayed from it
WALKS = [(1, DESKTOP, 18), (2, DESKTOP, 18), (3, PHONE, 14)]
ACTIONS = ("nav", "link", "button", "button", "marker", "back", "reload", "goto")
BROKEN = ("Traceback", "Something went wrong", "site-packages", 'File "/')
EVENT = "1962-04-24-soviet-memorandum"
SOURCE = "wcda-memo-1962-04-24-soviet"
ENTRIES = (
    "/",
    f"/?event={EVENT}",
    "/?event=no-such-event&from=1962-13-01",
    f"/source?source={SOURCE}",
    "/source?source=no-such-source",
    "/data",
    "/present?tour=default&step=3",
    "/present?tour=default&step=99",
    "/?from=1962-03-01&to=1962-06-30&kind=crossing",
)

MARKER_JS = """(pick) => {
  if (!window.map) return null;
  const ids = [];
  window.map.eachLayer((l) => {
    const p = l.feature && l.feature.properties;
    if (p && typeof p.id === 'string' && l.fire) ids.push(l);
  });
  if (!ids.length) return null;
  const l = ids[Math.floor(pick * ids.length)];
  const at = l.getLatLng ? l.getLatLng() : window.map.getCenter();
  l.fire('click', {latlng: at}, true);  // propagated to the layer's handlers
  return l.feature.properties.id;
}"""


def _visible(locator) -> list:
    return [
        locator.nth(i)
        for i in range(locator.count())
        if locator.nth(i).is_visible() and locator.nth(i).is_enabled()
    ]


def _click_one(locator, rng: random.Random) -> str | None:
    """Click one of the visible elements at random; return its text (None: none)."""
    shown = _visible(locator)
    if not shown:
        return None
    chosen = rng.choice(shown)
    text = chosen.inner_text()
    chosen.click()
    return text


def _open_sidebar(page) -> None:
    """Open the sidebar when it is closed (on a phone), as a user would."""
    opener = page.locator('[data-testid="stExpandSidebarButton"]')
    if opener.count() and opener.is_visible():
        opener.click()
        page.wait_for_timeout(400)  # its slide-in


def _close_drawer(page) -> None:
    """Close the sidebar when it lies over the page (a phone), as a user would."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    if (
        page.viewport_size["width"] < 640
        and sidebar.get_attribute("data-collapsed") == "false"
    ):
        sidebar.locator('[data-testid="stSidebarCollapseButton"] button').click()
        page.wait_for_timeout(400)  # its slide-out


def _step(page, url: str, action: str, rng: random.Random) -> str:
    """Take one step of ``action``; return what was done (for the failure message)."""
    if action == "nav":
        _open_sidebar(page)
        done = _click_one(page.locator('[data-testid="stSidebarNav"] a'), rng)
        if done:
            return f"sidebar link {done!r}"
        action = "link"
    if action == "link":
        done = _click_one(
            page.locator('[data-testid="stMain"] a[data-testid="stPageLink-NavLink"]'),
            rng,
        )
        if done:
            return f"page link {done!r}"
        action = "button"
    if action == "button":
        buttons = _visible(
            page.locator(
                '[data-testid="stMain"] button:not([kind="elementToolbar"])'
                ':not([tabindex="-1"]), '
                '[data-testid="stSidebar"] button:not([tabindex="-1"])'
            )
        )
        if buttons:
            button = rng.choice(buttons)
            if button.evaluate("(b) => !!b.closest('[data-testid=stSidebar]')"):
                _open_sidebar(page)
                # opening the drawer changes which buttons it holds and where
                # (a locator by position then named another, or a hidden copy:
                # a button with help text is drawn twice): choose among the
                # buttons it shows now
                button = rng.choice(
                    _visible(
                        page.locator(
                            '[data-testid="stSidebar"] button:not([tabindex="-1"])'
                        )
                    )
                )
            else:  # by the element itself: closing the drawer moves positions
                button = button.element_handle()
                _close_drawer(page)
            text = button.inner_text() or button.get_attribute("aria-label") or "?"
            button.click()
            return f"button {text.strip()[:60]!r}"
        action = "reload"
    if action == "marker":
        frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
        if page.locator("iframe[title='streamlit_folium.st_folium']").count():
            picked = frame.locator("body").evaluate(
                f"(b) => ({MARKER_JS})({rng.random()})"
            )
            if picked:
                return f"map marker {picked}"
        action = "back"
    if action == "back":
        page.go_back()
        if not page.url.startswith(url):  # back past the first page: leave the app
            page.go_forward()
            return "back (out of the app) and forward"
        return "back"
    if action == "reload":
        page.reload()
        return "reload"
    entry = rng.choice(ENTRIES)
    page.goto(url + entry)
    return f"address bar {entry}"


def _assert_unbroken(page, steps: list[str], seed: int) -> None:
    where = f"seed {seed}, after: " + " → ".join(steps)
    assert page.locator('[data-testid="stException"]').count() == 0, (
        f"an exception box ({where})"
    )
    text = page.locator('[data-testid="stApp"]').inner_text()
    for word in BROKEN:
        assert word not in text, f"{word!r} shown on {current_url(page)} ({where})"


@pytest.mark.parametrize(("seed", "viewport", "length"), WALKS)
def test_a_random_walk_never_breaks_a_page(app, page, page_log, seed, viewport, length):
    rng = random.Random(seed)
    page.set_viewport_size(viewport)
    entry = rng.choice(ENTRIES)
    page.goto(app.url + entry)
    wait_until(lambda: idle(page), "the first page", FIRST_LOAD)
    steps = [f"open {entry}"]
    for _ in range(length):
        settle(page, quiet=0.8, timeout=30)
        _assert_unbroken(page, steps, seed)
        steps.append(_step(page, app.url, rng.choice(ACTIONS), rng))
        wait_until(
            lambda: page.locator('[data-testid="stApp"]').count(),
            f"the app after {steps[-1]}",
            FIRST_LOAD,
        )
    settle(page, quiet=0.8, timeout=30)
    _assert_unbroken(page, steps, seed)
    page_log.assert_clean()
