"""Widget wiring of the Streamlit app, run headless with AppTest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import map_args

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")


pytestmark = pytest.mark.usefixtures("fresh_cache")  # see conftest.py


def run(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def drawn_ids(at: AppTest) -> str:
    return map_args(at)["feature_group"]


def test_app_runs_and_draws_the_frontier_events():
    at = run()
    assert not at.error
    args = map_args(at)
    assert "1962-04-22-mass-crossing" in args["feature_group"]
    assert "1962-05-29-yining-riot" in args["feature_group"]
    # far events (Beijing) are listed, not drawn
    assert "1962-04-24-soviet-memorandum" not in args["feature_group"]
    assert args["js_links"] == [  # no jQuery: nothing on this map calls it
        "/app/static/vendor/leaflet/leaflet.js",
        "/app/static/vendor/leaflet.fullscreen/Control.FullScreen.js",
    ]
    assert "L.control.fullscreen" in args["script"]
    assert "cdn.jsdelivr" not in args["script"] + args["feature_group"]
    assert "Protocol of Chuguchak 1864" in args["script"]  # the border layer


def test_kind_filter_changes_the_drawn_features():
    at = run()
    at.multiselect(key="f_kinds").set_value(["unrest"]).run()
    ids = drawn_ids(at)
    assert "1962-05-29-yining-riot" in ids
    assert "1962-04-22-mass-crossing" not in ids
    assert at.query_params["kind"] == "unrest"


def test_date_window_filters():
    from datetime import date

    at = run()
    at.slider(key="f_window").set_value((date(1962, 5, 1), date(1962, 5, 31))).run()
    ids = drawn_ids(at)
    assert "1962-05-29-yining-riot" in ids
    assert "1962-04-22-mass-crossing" not in ids
    assert at.query_params["from"] == "1962-05-01"


def test_search_matches_place_names_in_any_script():
    at = run()
    at.text_input(key="f_text").set_value("Кульджа").run()
    ids = drawn_ids(at)
    assert "1962-05-29-yining-riot" in ids
    assert "1962-04-10-tacheng-county-flight" not in ids


def test_link_restores_selection_filters_and_view():
    params = {
        "event": "1962-05-29-yining-riot",
        "kind": "unrest,crossing",
        "from": "1962-04-01",
        "to": "1962-06-30",
        "q": "Yining",
        "lat": "44.0",
        "lon": "81.3",
        "z": "8",
    }
    at = run(params)
    assert at.multiselect(key="f_kinds").value == ["unrest", "crossing"]
    assert at.text_input(key="f_text").value == "Yining"
    assert at.subheader[0].value == "Riot in Yining"
    args = map_args(at)
    assert args["center"] == {"lat": 44.0, "lng": 81.3} or args["center"] == [
        44.0,
        81.3,
    ]
    assert args["zoom"] == 8
    assert at.query_params["event"] == "1962-05-29-yining-riot"
    # the selected event is drawn a second time, highlighted, in its own layer
    # (each drawing holds the id twice: as feature id and in its properties)
    assert args["feature_group"].count('"id":"1962-05-29-yining-riot"') == 4


def test_detail_shows_claims_with_claimants_and_sources():
    at = run({"event": "1962-04-24-memoranda-exchanged"})
    text = "\n".join(m.value for m in at.markdown)
    assert "Soviet government" in text and "PRC Ministry of Foreign Affairs" in text
    assert "10,000" in text and "20,000" in text
    assert (
        "a total of approximately 10,000 people have crossed the border"
        in text.replace("\\", "")
    )


def test_bad_link_parameters_are_explained_not_fatal():
    at = run({"event": "no-such-event", "from": "1962-02-30"})
    warnings = " ".join(w.value for w in at.warning).replace("\\", "")  # md escapes
    assert "does not exist: 'no-such-event'" in warnings
    assert "is not a date" in warnings
    at.run()  # the map's first report reruns the page: the notes are still there
    again = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "does not exist: 'no-such-event'" in again
    at.button(key="dismiss_notes").click().run()
    assert not at.warning


def write_copy(tmp_path: Path) -> Path:
    for part in ("events", "geodata"):
        shutil.copytree(ROOT / part, tmp_path / part)
    return tmp_path


def test_html_in_data_is_shown_literally(tmp_path, monkeypatch):
    root = write_copy(tmp_path)
    (root / "events" / "99-test.yaml").write_text(
        "- id: xss-test\n"
        "  title: <img src=x onerror=alert(1)>\n"
        "  summary: <script>alert(2)</script> *not bold*\n"
        "  kind: unrest\n"
        '  when: "1962-05-29"\n'
        "  places: [{place: khorgos-cn, role: site}]\n"
        "  sources: [{source: wcda-118180}]\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("MAPAPP_DATA", str(root))
    at = run({"event": "xss-test"})
    args = map_args(at)
    # escaped for HTML (and the & then JSON-escaped by folium)
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in args["feature_group"]
    assert "<img src=x" not in args["feature_group"]
    assert at.subheader[0].value == "\\<img src\\=x onerror\\=alert\\(1\\)\\>"
    summary = next(m.value for m in at.markdown if "script" in m.value)
    assert summary.startswith("\\<script\\>")


def test_broken_data_shows_an_error_page_not_a_traceback(tmp_path, monkeypatch):
    root = write_copy(tmp_path)
    path = root / "events" / "05-yining-riot.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('when: "1962-05-29"', 'when: "1962-02-30"', 1))
    monkeypatch.setenv("MAPAPP_DATA", str(root))
    at = run()
    assert "could not be loaded" in at.error[0].value
    code = at.code[0].value
    assert "events/05-yining-riot.yaml:" in code
    assert "impossible date: February 1962 has 28 days" in code


def test_a_failing_callback_shows_the_short_message_not_streamlits(monkeypatch):
    """A widget's callback that raises gives the app's message and a way back."""
    from app_pages import map_state

    def broken(*args):
        raise RuntimeError("/srv/secret/path.py went wrong")

    monkeypatch.setattr(map_state, "set_window", broken)
    at = run()
    spring = next(b for b in at.button if b.label == "Spring")
    spring.click().run()
    assert not at.exception, at.exception
    assert "Something went wrong" in at.error[0].value
    assert "/srv/secret" not in " ".join(e.value for e in at.error)
    at.run()  # the next run is the page again
    assert not at.error and not at.exception


def _source_app():
    from app_pages import source_page

    source_page.render()


def test_source_page_shows_metadata_text_and_citing_events():
    at = AppTest.from_function(_source_app, default_timeout=60)
    at.query_params["source"] = "wcda-memo-1962-04-24-soviet"
    at.run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "PRC FMA 118\\-01764\\-04, 11" in text
    assert "7Brands" in text
    assert ":orange-background[some 6,000 of them crossed the border on 22 April]" in (
        text.replace("\\", "")
    )
    assert at.subheader[-1].value.startswith("Events citing it (")


def test_source_page_unknown_source():
    at = AppTest.from_function(_source_app, default_timeout=60)
    at.query_params["source"] = "nope"
    at.run()
    assert not at.exception
    assert "does not exist: 'nope'" in at.warning[0].value


def test_downloads_export_exactly_the_current_selection():
    at = run()
    at.multiselect(key="f_kinds").set_value(["unrest"]).run()
    buttons = {b.label: b for b in at.get("download_button")}
    assert set(buttons) == {"GeoJSON", "CSV", "GeoPackage"}
    assert "Download the" in " ".join(c.value for c in at.caption)


def test_maps_are_sent_the_same_without_streamlit_folium_rendering_the_figure(
    monkeypatch,
):
    """``render=RENDER_FIGURE`` (False) skips a render whose result is thrown away."""
    import re

    import folium
    import streamlit_folium
    from folium import Element

    from app_pages.loaded import RENDER_FIGURE, base_map, load
    from mapapp import eventlayers

    sent: list[dict] = []
    monkeypatch.setattr(
        streamlit_folium, "_component_func", lambda **kw: sent.append(kw)
    )

    def args(render: bool) -> dict:
        loaded = load()
        m = base_map()
        m.get_root().header.add_child(Element("<style>.x{color:red}</style>"))
        groups = eventlayers.event_groups(
            loaded.drawable, list(loaded.by_id), "1962-04-22-mass-crossing"
        )
        streamlit_folium.st_folium(
            m,
            key="map",
            render=render,
            feature_group_to_add=groups,
            layer_control=folium.LayerControl(collapsed=True),
            returned_objects=["bounds"],
        )
        out = sent.pop()
        out.pop("on_change")
        # folium names each element by a random hex id
        return {
            k: re.sub("[0-9a-f]{32}", "ID", v) if isinstance(v, str) else v
            for k, v in out.items()
        }

    assert RENDER_FIGURE is False
    rendered, skipped = args(True), args(False)
    assert skipped == rendered
    assert "mass-crossing" in skipped["feature_group"]
    assert ".x{color:red}" in skipped["header"]


def test_a_session_whose_filters_were_lost_starts_again_from_its_link():
    """A menu click that overtakes the first run can leave the session marked as
    started but without its filters; the map page filled them from the link again
    instead of failing on the missing date window."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["kind"] = "unrest"
    at.session_state["_init"] = True  # as the overtaken first run left it
    at.session_state["_data_token"] = "an upload since removed"
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["f_window"]
    assert at.query_params["kind"] == "unrest"
    assert "1962-05-29-yining-riot" in drawn_ids(at)


def test_a_search_that_matches_nothing_says_so():
    at = run({"q": "zzzqqq"})
    warnings = " ".join(w.value for w in at.warning)
    assert "No event matches these filters" in warnings


def test_events_at_the_selected_point_are_counted_by_the_clicks_rule():
    """A link (or a reload) lists the events a click on the event's point would.

    One rule, :func:`mapapp.eventlayers.drawn_at` at the map's zoom: markers that
    overlap on the screen count, so the list is longer zoomed out than zoomed in.
    """
    from app_pages.loaded import load
    from mapapp.eventlayers import drawn_at

    loaded = load()
    ids = list(loaded.drawable.points.index)
    drawable, points = loaded.drawable, loaded.drawable.points

    def others(event_id: str, zoom: int) -> list[str]:
        lon, lat = points.loc[event_id, ["lon", "lat"]]
        return [i for i in drawn_at(drawable, lon, lat, ids, zoom) if i != event_id]

    # an event whose pile differs between zoom 6 and 12 (Yining and its consulate)
    event = max(ids, key=lambda i: len(others(i, 6)) - len(others(i, 12)))
    assert len(others(event, 6)) > len(others(event, 12)) >= 0
    lon, lat = points.loc[event, ["lon", "lat"]]
    for zoom in (6, 12):
        at = run(
            {
                "event": event,
                "from": "1850-01-01",
                "to": "2010-12-31",
                "lat": f"{lat:.4f}",
                "lon": f"{lon:.4f}",
                "z": str(zoom),
            }
        )
        want = others(event, zoom)
        labels = [e.label for e in at.expander if "at the same place" in e.label]
        if not want:
            assert labels == []
            continue
        assert labels and labels[0].startswith(f"{len(want)} other event"), labels
        chooser = [b.label for b in at.button if b.key and b.key.startswith("same")]
        assert len(chooser) == len(want)


def test_every_kind_chosen_is_no_filter():
    """All kinds chosen one by one mean "All kinds": the address names none."""
    from mapapp.model import EVENT_KINDS

    at = run()
    at.multiselect(key="f_kinds").set_value(list(EVENT_KINDS[:2])).run()
    assert at.query_params["kind"] == ",".join(EVENT_KINDS[:2])
    at.multiselect(key="f_kinds").set_value(list(EVENT_KINDS)).run()
    assert not at.exception
    assert at.multiselect(key="f_kinds").value == []
    assert "kind" not in at.query_params
    assert drawn_ids(at) == drawn_ids(run())  # the same events as no filter


def _to_page(at: AppTest, url_path: str) -> None:
    """Make the next run show the page at ``url_path`` (the default page: "").

    ``AppTest.switch_page`` finds pages by file; these pages are functions, so the
    page is taken from the pages the app registered with ``st.navigation``.
    """
    at._page_hash = next(
        h
        for h, info in at._registered_pages.items()
        if info.get("url_pathname") == url_path
    )


def test_back_from_another_page_sends_the_map_where_it_was_left():
    """The map is drawn anew after another page: at the view it reported last.

    It was sent where the app had sent it last (the overview), losing a pan (on a
    phone, the pan that made room for a popup), and wrote that to the address.
    """
    at = run()
    at.run()  # the session's second run writes the address
    at.session_state["view"] = (44.5, 80.5, 6)  # the map reported a pan
    at.run()
    left = dict(at.query_params)
    assert left == {"lat": "44.5000", "lon": "80.5000", "z": "6"}
    _to_page(at, "source")
    at.query_params.clear()
    at.query_params["source"] = "kraus-2019"
    at.run()
    assert not at.exception, at.exception
    _to_page(at, "")  # Back: the map page, with the address it wrote last
    at.query_params.clear()
    at.query_params.update(left)
    at.run()
    assert not at.exception, at.exception
    lat, lon, zoom = at.session_state["target"]
    assert (round(lat, 4), round(lon, 4), round(zoom)) == (44.5, 80.5, 6)
    assert dict(at.query_params) == left


def _charts(at: AppTest) -> int:
    return len(at.get("vega_lite_chart"))


def test_the_charts_wait_until_the_reader_comes_to_them():
    at = run()
    assert _charts(at) == 0  # in their place, the button the page presses in view
    assert "drawn when you scroll to it" in " ".join(c.value for c in at.caption)
    at.button(key="charts_draw").click().run()
    assert not at.exception, at.exception
    assert _charts(at) == 1  # the open tab's, the timeline
    at.multiselect(key="f_kinds").set_value(["crossing"]).run()
    assert _charts(at) == 1  # drawn from then on
