"""The data page: a researcher's file is checked, reported and mapped (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import map_args

IMPORTS = Path(__file__).resolve().parent / "data" / "import"

pytestmark = pytest.mark.usefixtures("fresh_cache")  # see conftest.py


def _app():
    import streamlit as st  # AppTest runs this function's source on its own

    from app_pages import data_page, map_component, map_page, nav

    map_component.enable()  # as streamlit_app.py does (the map page's map)
    # the real app's navigation, so page links resolve; the test picks the page
    pages = [nav.map_page(), nav.source_page(), nav.data_page()]
    st.navigation(pages, position="hidden")
    if st.session_state.get("page") == "map":
        map_page.render()
    else:
        data_page.render()


def _start() -> AppTest:
    at = AppTest.from_function(_app, default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    return at


def _upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.file_uploader(key="user_file").set_value((name, content, "text/csv")).run()
    assert not at.exception, at.exception
    return at


def _drawn(at: AppTest) -> str:
    return map_args(at)["feature_group"]


def _refusal(at: AppTest) -> str:
    """Return the text of the refusal under "The file was not loaded:"."""
    from mapapp import importer

    header = ",".join(importer.HEADER)
    (said,) = [c.value for c in at.code if c.value != header]
    return said


def test_the_csv_header_is_a_line_of_its_own_to_copy():
    from mapapp import importer

    at = _start()
    assert ",".join(importer.HEADER) in [c.value for c in at.code]


def test_upload_maps_good_rows_beside_the_bundled_events():
    at = _upload(_start(), "researcher.csv", (IMPORTS / "researcher.csv").read_bytes())
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {
        "Records read": "2",
        "Events mapped": "2",
        "Rows with problems": "0",
    }
    assert "2 events on the map beside the bundled events" in at.success[0].value
    at.session_state["page"] = "map"
    at.run()
    assert not at.exception, at.exception
    drawn = _drawn(at)
    assert "my-1962-04-22-flight" in drawn and "my-1962-05-camp" in drawn
    assert "1962-04-22-mass-crossing" in drawn  # the bundled events stay
    banner = at.info[0].value.replace("\\", "")  # markdown escapes
    assert "Showing 2 events from your file researcher.csv beside" in banner


def test_upload_instead_of_bundled_and_rejected_rows_are_reported():
    at = _start()
    at.radio(key="user_mode").set_value("Instead of the bundled events").run()
    content = (IMPORTS / "researcher-bad.csv").read_bytes()
    at = _upload(at, "researcher-bad.csv", content)
    report = at.table[0].value.reset_index()
    assert report.to_dict("records") == [
        {
            "Line": 3,
            "Record": "my-bad",
            "Field": "when",
            "Problem": "impossible date: April 1962 has 30 days (got '1962-04-31'; "
            "expected a day from 01 to 30)",
        },
        {
            "Line": 3,
            "Record": "my-bad",
            "Field": "place",
            "Problem": "unknown place (got 'Tachen'; expected a gazetteer id or "
            "name; closest: tacheng)",
        },
    ]
    at.session_state["page"] = "map"
    at.run()
    drawn = _drawn(at)
    assert "my-good" in drawn
    assert "my-bad" not in drawn
    assert "1962-04-22-mass-crossing" not in drawn  # instead of the bundle


def test_row_clashing_with_the_bundle_is_reported_not_mapped():
    row = (
        "1962-04-22-mass-crossing,Same id,crossing,1962-04-22,Tacheng,,,"
        "A clash.,,,wcda-memo-1962-04-24-soviet\n"
    )
    header = (IMPORTS / "researcher.csv").read_text().splitlines()[0]
    at = _upload(_start(), "clash.csv", f"{header}\n{row}".encode())
    (problem,) = at.table[0].value.reset_index().to_dict("records")
    assert problem["Record"] == "1962-04-22-mass-crossing"
    assert problem["Field"] == "id"
    assert problem["Problem"].startswith("duplicate event id")
    assert "No row could be mapped" in at.error[0].value


def test_file_that_is_not_utf8_is_refused_and_nothing_changes():
    at = _upload(_start(), "latin.csv", "id,title\nx,Café\n".encode("latin-1"))
    assert at.error[0].value == "The file was not loaded:"
    said = _refusal(at)
    assert "latin.csv" in said and "UTF-8" in said
    assert "user_report" not in at.session_state
    assert "user_data" not in at.session_state


def test_remove_returns_to_the_bundled_events():
    at = _upload(_start(), "researcher.csv", (IMPORTS / "researcher.csv").read_bytes())
    (remove,) = [b for b in at.button if b.label.startswith("Remove your file")]
    remove.click().run()
    assert "user_data" not in at.session_state
    assert not [b for b in at.button if b.label.startswith("Remove your file")]
    at.session_state["page"] = "map"
    at.run()
    assert "my-1962-05-camp" not in _drawn(at)


def test_a_large_file_is_counted_per_area_and_per_week(monkeypatch):
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import synth

    from app_pages import map_lists
    from mapapp import density

    monkeypatch.setattr(density, "DETAIL_LIMIT", 150)  # a small "large" file
    monkeypatch.setattr(map_lists, "LIST_LIMIT", 100)
    rows = synth.csv_text(synth.synth_rows(300, seed=3)).encode()
    at = _upload(_start(), "big.csv", rows)
    assert {m.label: m.value for m in at.metric}["Events mapped"] == "300"
    at.session_state["page"] = "map"
    at.run()
    assert not at.exception, at.exception
    drawn = _drawn(at)
    assert "events here (" in drawn  # a cell's tooltip
    assert "synth-3-000000" not in drawn  # not one by one
    assert "Counts of events (" in map_args(at)["layer_control"]
    at.button(key="charts_draw").click().run()  # the charts wait to be reached
    captions = " ".join(c.value for c in at.caption)
    assert "grey circles count them per area" in captions
    assert "the bars count them per week and kind" in captions
    assert "The list holds the first 100 of them" in captions
    assert len(at.dataframe[0].value) == 100
    # narrowing the filter to few events draws them one by one again
    at.text_input(key="f_text").set_value("Synthetic unrest").run()
    assert "events here (" not in _drawn(at)
    assert "synth-3-" in _drawn(at)


def test_a_file_over_the_size_limit_is_refused_and_the_map_keeps_its_data(
    monkeypatch,
):
    from mapapp import io

    at = _upload(_start(), "researcher.csv", (IMPORTS / "researcher.csv").read_bytes())
    shown = at.session_state["user_data"]
    monkeypatch.setattr(io, "MAX_BYTES", 1_000_000)  # instead of uploading 50 MB
    at = _upload(at, "big.csv", b"id,title\n" + b"x," + b"a" * 1_200_000 + b"\n")
    assert at.error[0].value == "The file was not loaded:"
    assert _refusal(at).startswith("big.csv: file is 1.2 MB; the limit is 1 MB")
    assert at.session_state["user_data"] is shown  # what was shown stays


def test_remove_deletes_every_file_the_session_kept():
    """A second file replaces the first on the page; Remove deletes both."""
    from app_pages.loaded import upload_store
    from mapapp.uploads import UploadError

    good = (IMPORTS / "researcher.csv").read_bytes()
    at = _upload(_start(), "researcher.csv", good)
    first = at.session_state["data_token"]
    at = _upload(at, "again.csv", good.replace(b"my-1962", b"my-again-1962"))
    second = at.session_state["data_token"]
    assert first != second
    header = good.decode().splitlines()[0]
    at = _upload(at, "none-mapped.csv", f"{header}\nbad,,riot,,,,,,,,\n".encode())
    assert "No row could be mapped" in at.error[0].value
    (remove,) = [b for b in at.button if b.label.startswith("Remove your 2 files")]
    remove.click().run()
    for token in (first, second):
        with pytest.raises(UploadError):
            upload_store().get(token)
    assert not [b for b in at.button if b.label.startswith("Remove your")]


def test_a_refused_file_says_the_earlier_one_is_still_shown():
    at = _upload(_start(), "researcher.csv", (IMPORTS / "researcher.csv").read_bytes())
    at = _upload(at, "latin.csv", "id,title\nx,Café\n".encode("latin-1"))
    assert at.error[0].value == "The file was not loaded:"
    notes = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "still shows your earlier file, researcher.csv" in notes


def test_the_map_downloads_are_named_for_whose_events_they_hold():
    from types import SimpleNamespace

    from app_pages.map_lists import file_name

    assert file_name(SimpleNamespace(user=None)) == "yita-1962-events"
    beside = SimpleNamespace(user=SimpleNamespace(replace=False))
    instead = SimpleNamespace(user=SimpleNamespace(replace=True))
    assert file_name(beside) == "yita-1962-and-your-events"
    assert file_name(instead) == "your-events"
