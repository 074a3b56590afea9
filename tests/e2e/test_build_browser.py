"""A teacher builds a three-step tour at /build, keeps it over a reload, previews,
downloads it, validates the file and opens the offline copy from disk."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from mapapp.cli import cli

pytestmark = pytest.mark.e2e

FIRST_LOAD = 90_000  # ms
TIMEOUT = 30_000  # ms


SETTLED = """() => !document.querySelector('[data-testid="stStatusWidget"]')
  && !document.querySelector('[data-stale="true"]')"""


def idle(page) -> None:
    """Wait until the app has finished its run: no status shown, no stale element,
    twice half a second apart (a run may start a moment after the action)."""
    for _ in range(2):
        time.sleep(0.5)
        page.wait_for_function(SETTLED, timeout=TIMEOUT)


def one(locator):
    """The locator, once the page has settled to a single match (a rerun may show
    the old element beside the new one for a moment)."""
    deadline = time.monotonic() + TIMEOUT / 1000
    while locator.count() != 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    return locator


def steps_heading(page) -> str:
    return page.get_by_text(re.compile(r"^Steps \(\d+\)$")).first.inner_text()


def add(page, words: str, title: str | None = None) -> str:
    """Search, then add the first match (or the one titled so); return its title."""
    box = one(page.get_by_label("Search titles, summaries and place names"))
    box.fill(words)
    box.press("Enter")
    idle(page)
    if title is not None:
        page.locator(".stSelectbox").filter(has_text="Matches").click()
        page.get_by_role("option", name=re.compile(re.escape(title))).first.click()
        idle(page)
    before = steps_heading(page)
    page.get_by_role("button", name="Add as the next step").click()
    page.wait_for_function(
        "(b) => ![...document.querySelectorAll('h3')].some(h => h.innerText === b)",
        arg=before,
        timeout=TIMEOUT,
    )
    idle(page)
    n = int(re.search(r"\d+", steps_heading(page)).group())
    head = one(page.locator(f".st-key-build-step-{n - 1}")).inner_text().splitlines()[0]
    return head.split(": ", 1)[-1].strip()  # "N. date: title"


def test_a_teacher_builds_a_tour(app, page, page_log, tmp_path):
    page.goto(f"{app.url}/build")
    page.get_by_role("heading", name="Build a tour").wait_for(timeout=FIRST_LOAD)
    titles = [
        add(page, "riot", "Riot in Yining"),
        add(page, "memorandum", "Ba-ke-tu"),
        add(page, "Khorgos"),
    ]
    assert steps_heading(page) == "Steps (3)" and len(set(titles)) == 3
    # each step starts with its event's own summary, and can be rewritten
    narration = page.get_by_label("Narration (your words; keep who says so)")
    assert narration.count() == 3 and narration.nth(0).input_value()
    narration.nth(0).fill("According to Chinese documents, a crowd gathered in Yining.")
    narration.nth(0).press("Tab")
    idle(page)
    # the work survives a reload: the draft's token is in the address
    assert "draft=" in page.url
    page.reload()
    page.get_by_role("heading", name="Build a tour").wait_for(timeout=TIMEOUT)
    idle(page)
    assert steps_heading(page) == "Steps (3)"
    assert narration.nth(0).input_value().startswith("According to Chinese documents")
    # reorder: the second step goes up
    page.get_by_role("button", name="↑ Up").nth(1).click()
    idle(page)
    first = page.locator(".st-key-build-step-0").inner_text()
    assert titles[1] in first
    # take a view from the map for the first step
    page.get_by_role("button", name="Use the map's view").first.click()
    idle(page)
    assert "zoom" in page.locator(".st-key-build-step-0").inner_text()
    # download the YAML: mapapp validate accepts it
    with page.expect_download() as got:
        page.get_by_role("button", name="Download the tour file (YAML)").click()
    yaml_file = tmp_path / "my-tour.yaml"
    got.value.save_as(yaml_file)
    result = CliRunner().invoke(cli, ["validate", str(yaml_file)])
    assert result.exit_code == 0, result.output + result.stderr
    assert "1 tour(s); 0 problem(s)" in result.output
    # preview it in the present view
    page.get_by_role("link", name="Preview it in the present view").click()
    page.get_by_text("Step 1 of 3").wait_for(timeout=TIMEOUT)
    assert titles[1] in page.locator(".st-key-present-title").inner_text()
    # one press of Back returns to the builder: the preview's own address is not
    # a step of the history (it adds the tour to the address it was reached with)
    idle(page)
    page.go_back()
    page.get_by_role("heading", name="Build a tour").wait_for(timeout=TIMEOUT)
    idle(page)
    page.go_forward()
    page.get_by_text("Step 1 of 3").wait_for(timeout=TIMEOUT)
    idle(page)
    page.get_by_role("link", name="Back to the tour builder").click()
    page.get_by_role("heading", name="Build a tour").wait_for(timeout=TIMEOUT)
    assert steps_heading(page) == "Steps (3)"  # the draft is still there
    idle(page)
    # and the offline file presents it from disk with no network
    with page.expect_download() as got:
        page.get_by_role(
            "button", name="Download it for offline use (one HTML file)"
        ).click()
    html_file = tmp_path / "my-tour.html"
    got.value.save_as(html_file)
    assert page.locator('[data-testid="stException"]').count() == 0
    page_log.assert_clean()
    offline = page.context.new_page()
    page.context.set_offline(True)
    offline.goto(Path(html_file).as_uri())
    offline.wait_for_function(
        "() => document.getElementById('tour-counter').textContent === 'Step 1 of 3'",
        timeout=TIMEOUT,
    )
    assert titles[1] in offline.locator("#tour-title").inner_text()
    page_log.checked = True  # the file:// page is not the app's host


def test_a_step_that_drops_the_hedge_is_flagged(app, page):
    page.goto(f"{app.url}/build")
    page.get_by_role("heading", name="Build a tour").wait_for(timeout=FIRST_LOAD)
    add(page, "Khorgos crossing reopens")  # rests on reference works only
    narration = page.get_by_label("Narration (your words; keep who says so)")
    narration.first.fill("Khorgos reopened in 1983.")
    narration.first.press("Tab")
    idle(page)
    warning = page.locator(".st-key-build-step-0 [data-testid='stAlert']")
    assert "does not say who says so" in warning.inner_text()
