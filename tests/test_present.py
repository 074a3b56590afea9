"""The present page, run headless with AppTest: steps, buttons, the link, errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from mapapp import load
from tests.conftest import map_args

ROOT = Path(__file__).resolve().parent.parent


pytestmark = pytest.mark.usefixtures("fresh_cache")  # see conftest.py


@pytest.fixture(scope="module")
def default_steps() -> list[str]:
    tours, problems = load.read_tours()
    assert problems == []
    return [s.event for s in tours.tours["default"].steps]


def _present_app():
    from app_pages import nav
    from app_pages.loaded import show_error
    from app_pages.present_page import render
    from mapapp.errors import MapAppError

    nav.begin_run()  # as streamlit_app.py does: a button's run is told from Back
    nav.page_script()  # as streamlit_app.py does: the address waits for a 2nd run
    try:
        render()
    except MapAppError as exc:  # as streamlit_app.py does
        show_error(exc)


def run(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_function(_present_app, default_timeout=90)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown).replace("\\", "")


def counter(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**Step "))


def title_of(event_id: str) -> str:
    data, _ = load.read_dataset()
    return data.event(event_id).title


def test_opens_on_the_first_step_of_the_default_tour(default_steps):
    at = run()
    n = len(default_steps)
    assert counter(at) == f"**Step 1 of {n}**"
    assert title_of(default_steps[0]) in texts(at)
    # a session's first run leaves the address as opened (nav.page_script): its
    # push would be a step of the history; the next run writes the page's own
    assert dict(at.query_params) == {}
    at.run()
    assert at.query_params["tour"] == "default" and at.query_params["step"] == "1"
    assert at.button(key="present-prev").disabled
    assert at.button(key="present-first").disabled
    assert not at.button(key="present-next").disabled
    assert at.get("progress")[0].value == pytest.approx(100 / n, abs=1)  # percent


def test_link_restores_the_step_and_the_map_view(default_steps):
    from app_pages.present_page import tour_slides

    at = run({"tour": "default", "step": "6"})
    slide = tour_slides("default")[5]
    assert slide.event == default_steps[5] == "1962-04-22-mass-crossing"
    assert counter(at).startswith("**Step 6 of ")
    body = texts(at)
    assert slide.title in body and slide.date in body
    assert f"“{slide.quote}”" in body and "grade A: primary document" in body
    args = map_args(at)
    lat, lon, zoom = slide.view
    # the step's layer group flies the map there (a centre given to st_folium
    # would make it jump, and cut the flight short)
    assert args["center"] is None and args["zoom"] is None
    # (to the step's zoom, adapted to the screen in the browser)
    flights = re.findall(
        r"\(function \(map, zoom\).*?\}\)\(m,\s*(\d+)\).*?"
        r"m\.flyTo\(\[([^\]]*)\].*?\}\)\(map_div\)",
        args["feature_group"],
        re.DOTALL,
    )
    assert flights == [(str(zoom), f"{lat},{lon}")]
    groups = args["feature_group"].replace('": "', '":"')
    # this step's event is drawn twice (halo and mark); an earlier one faded;
    # the steps still to come are not drawn at all
    assert groups.count('"id":"1962-04-22-mass-crossing"') >= 4
    assert '"id":"1962-04-10-tacheng-county-flight"' in groups
    assert '"id":"1962-05-29-yining-riot"' not in groups


def test_buttons_move_through_the_steps_and_update_the_link(default_steps):
    n = len(default_steps)
    at = run({"tour": "default", "step": "2"})
    at.button(key="present-next").click().run()
    assert counter(at) == f"**Step 3 of {n}**" and at.query_params["step"] == "3"
    assert title_of(default_steps[2]) in texts(at)
    at.button(key="present-prev").click().run()
    assert at.query_params["step"] == "2"
    at.button(key="present-last").click().run()
    assert counter(at) == f"**Step {n} of {n}**"
    assert at.button(key="present-next").disabled
    assert title_of(default_steps[-1]) in texts(at)
    at.button(key="present-first").click().run()
    assert at.query_params["step"] == "1"


def test_each_step_links_to_the_source_it_cites(default_steps):
    """A teacher could read a step's citation but not open the document."""
    from app_pages.present_page import tour_slides

    data, _ = load.read_dataset()
    slides = tour_slides("default")
    at = run({"tour": "default", "step": "1"})
    for k, slide in enumerate(slides):
        if k:
            at.button(key="present-next").click().run()
        (link,) = [e.proto for e in at.get("page_link") if e.proto.page == "source"]
        assert link.label == "Read the source"
        assert link.query_string == f"source={slide.source}"
        assert slide.source in data.sources


def test_a_key_pressed_before_the_address_bar_caught_up_is_not_undone(default_steps):
    n = len(default_steps)
    at = run({"tour": "default", "step": "7"})
    at.button(key="present-last").click().run()
    at.query_params["step"] = "7"  # the browser still shows the step before
    at.button(key="present-first").click().run()
    assert counter(at) == f"**Step 1 of {n}**" and at.query_params["step"] == "1"


def test_back_brings_the_step_shown_before(default_steps):
    n = len(default_steps)
    at = run({"tour": "default", "step": "7"})
    at.button(key="present-next").click().run()
    assert counter(at) == f"**Step 8 of {n}**"
    at.query_params["step"] = "7"  # Back: an address the page wrote, no widget
    at.run()
    assert counter(at) == f"**Step 7 of {n}**" and at.query_params["step"] == "7"


@pytest.mark.parametrize(
    ("params", "note", "step"),
    [
        (
            {"tour": "nope"},
            "The link names a tour that does not exist: 'nope'",
            "1",
        ),
        ({"step": "abc"}, "The link asks for step 'abc'", "1"),
        ({"step": "0"}, "The link asks for step '0'", "1"),
        ({"step": "999"}, "The link asks for step '999'", "last"),
    ],
)
def test_bad_link_parameters_are_explained_not_fatal(params, note, step, default_steps):
    at = run(params)
    assert note in " ".join(w.value for w in at.warning)
    at.run()  # the next run writes the page's own address (see the test above)
    expected = str(len(default_steps)) if step == "last" else step
    assert at.query_params["step"] == expected
    assert at.query_params["tour"] == "default"


def test_offers_the_offline_file():
    at = run()
    (button,) = at.get("download_button")
    assert button.proto.label.startswith("Download this tour for offline use")


def test_broken_tour_shows_an_error_page_with_file_and_line(tmp_path, monkeypatch):
    for part in ("events", "geodata"):
        shutil.copytree(ROOT / part, tmp_path / part)
    (tmp_path / "events" / "tours" / "broken.yaml").write_text(
        "id: broken\ntitle: Broken\ndescription: x\nsteps:\n  - event: no-such-event\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("MAPAPP_DATA", str(tmp_path))
    at = run()
    assert "could not be loaded" in at.error[0].value
    assert (
        "events/tours/broken.yaml:5: broken: steps[0].event: unknown event "
        "(got 'no-such-event'" in at.code[0].value
    )
