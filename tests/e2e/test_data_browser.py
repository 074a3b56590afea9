"""Researchers in Chromium: load a file on the data page, download the selection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_app_browser import (
    FIRST_LOAD,
    PHONE,
    STORY,
    TIMEOUT,
    main_text,
    open_map,
    settle,
    wait_for_features,
)

pytestmark = pytest.mark.e2e

IMPORTS = Path(__file__).resolve().parents[1] / "data" / "import"


def upload(page, url: str, name: str) -> None:
    """Load a file of tests/data/import/ on the data page, as a researcher does."""
    page.goto(f"{url}/data")
    page.get_by_role("heading", level=1, name="Your own events").wait_for(
        timeout=FIRST_LOAD * 1000
    )
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        str(IMPORTS / name)
    )
    page.get_by_text("1 event on the map beside the bundled events").wait_for(
        timeout=TIMEOUT * 1000
    )


def test_an_uploaded_file_is_reported_and_mapped(app, page, page_log, bundled):
    upload(page, app.url, "researcher-bad.csv")
    settle(page)
    text = main_text(page)
    assert "Report on researcher-bad.csv" in text
    assert "unknown place (got 'Tachen'" in page.content()
    page.get_by_role("link", name="Open the map").click()
    page.get_by_text("Showing 1 event from your file").wait_for(timeout=TIMEOUT * 1000)
    expected = {*bundled.on_map(bundled.selected(**STORY)), "my-good"}
    wait_for_features(page, expected, page_log)
    # one press of Back returns to the report: the map's own address (the file's
    # token, the view) replaces the one the link opened
    settle(page)
    page.go_back()
    page.get_by_text("Report on researcher-bad.csv").wait_for(timeout=TIMEOUT * 1000)
    page_log.assert_clean()


def test_on_a_phone_the_link_to_your_data_wraps(app, page, page_log):
    """Its label ran past a phone's screen, cut off in mid-sentence."""
    page.set_viewport_size(PHONE)
    upload(page, app.url, "researcher-bad.csv")
    page.get_by_role("link", name="Open the map").click()
    link = page.get_by_role("link", name="Your data: the report, or back to the")
    link.wait_for(timeout=TIMEOUT * 1000)
    settle(page)
    right = link.evaluate(  # the text itself, not its boxes (which clip it)
        "(a) => { const r = document.createRange(); r.selectNodeContents(a); "
        "return r.getBoundingClientRect().right; }"
    )
    hidden = link.evaluate(  # a box narrower than its text clips it
        "(a) => Array.from(a.querySelectorAll('*'))"
        ".filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.tagName)"
    )
    assert not hidden, f"the link's text is clipped in {hidden}"
    assert right <= PHONE["width"], f"the link's text ends at {right} px"
    assert link.inner_text().strip().endswith("bundled events only")
    page_log.assert_clean()


def test_the_download_holds_exactly_the_filtered_events(
    app, page, page_log, bundled, tmp_path
):
    open_map(page, f"{app.url}/?kind=unrest")
    expected = bundled.selected(**STORY, kinds=("unrest",))
    assert expected
    with page.expect_download(timeout=TIMEOUT * 1000) as info:
        page.get_by_role("button", name="GeoJSON").click()
    path = tmp_path / "events.geojson"
    info.value.save_as(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert [f["id"] for f in doc["features"]] == expected
    assert doc["metadata"]["filter"]["kinds"] == ["unrest"]
    assert doc["metadata"]["filter"]["events_selected"] == len(expected)
    page_log.assert_clean()


def test_an_upload_outlives_a_reload_and_a_shared_link_until_deleted(
    app, page, page_log, browser
):
    from test_app_browser import query, wait_until

    upload(page, app.url, "researcher-bad.csv")
    token = wait_until(lambda: query(page).get("data"), "?data=<token> in the link")
    assert len(token) == 32
    # the data page reloaded: its report comes back with the file
    page.reload()
    page.get_by_text("Report on researcher-bad.csv").wait_for(timeout=TIMEOUT * 1000)
    # the report's table comes after its heading, in the same run
    wait_until(lambda: "unknown place (got 'Tachen'" in page.content(), "the report")
    # a link to the uploaded event, reloaded: the event is shown again
    page.goto(f"{app.url}/?event=my-good&data={token}")
    page.get_by_text("Showing 1 event from your file").wait_for(timeout=TIMEOUT * 1000)
    page.get_by_role("heading", level=3).first.wait_for(timeout=TIMEOUT * 1000)
    assert query(page).get("event") == "my-good"
    # the same link in another browser (a colleague's): the same data
    other = browser.new_context().new_page()
    other.goto(f"{app.url}/?event=my-good&data={token}")
    other.get_by_text("Showing 1 event from your file").wait_for(
        timeout=FIRST_LOAD * 1000
    )
    # deleted now: the link says so, and shows the bundled events
    page.goto(f"{app.url}/data?data={token}")
    page.get_by_role("button", name="Remove your file").click()
    settle(page)
    assert "data" not in query(page)
    other.goto(f"{app.url}/?data={token}")
    other.get_by_text("has expired or was deleted").wait_for(timeout=FIRST_LOAD * 1000)
    other.context.close()
    page_log.assert_clean()


def test_back_from_a_source_returns_to_your_event(app, page, page_log):
    """With your data loaded, Back from a source went to the map with no event.

    The source page adds the data token to the address as it runs: a third push
    of the link, which was a step of its own for Back to land on.
    """
    from test_app_browser import detail_title, query, wait_until

    upload(page, app.url, "researcher-bad.csv")
    token = wait_until(lambda: query(page).get("data"), "?data=<token> in the link")
    page.goto(f"{app.url}/?data={token}&event=my-good")  # a link to the event
    page.get_by_text("Showing 1 event from your file").wait_for(timeout=TIMEOUT * 1000)
    wait_until(lambda: detail_title(page) == "Flight", "the event's detail")
    settle(page)
    page.get_by_role("link", name="Read the source").first.click()
    wait_until(lambda: "source" in query(page), "the source page")
    settle(page)
    assert query(page).get("data") == token
    page.go_back()
    wait_until(lambda: query(page).get("event") == "my-good", "Back: the event")
    wait_until(lambda: detail_title(page) == "Flight", "Back: the event's detail")
    assert query(page).get("data") == token
    page_log.assert_clean()
