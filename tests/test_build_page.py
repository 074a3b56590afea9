"""The tour builder, run headless with AppTest: what a bad draft link says."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.usefixtures("fresh_cache")  # see conftest.py


def _build_app():
    from app_pages.build_page import render

    render()


def test_a_draft_link_that_cannot_be_opened_says_so_until_dismissed():
    at = AppTest.from_function(_build_app, default_timeout=90)
    at.query_params["draft"] = "A" * 32  # well formed, but no such draft is kept
    at.run()
    assert not at.exception, at.exception

    def said() -> str:
        return " ".join(w.value for w in at.warning).replace("\\", "")

    assert "The link's draft could not be opened" in said()
    at.run()  # the builder's map reports its view at once: a second run
    assert "The link's draft could not be opened" in said()
    at.button(key="build-dismiss-notes").click().run()
    assert "could not be opened" not in said()


def test_an_event_already_in_the_tour_says_which_step_it_is():
    at = AppTest.from_function(_build_app, default_timeout=90)
    at.run()
    at.text_input(key="build-find").set_value("riot").run()
    assert at.button(key="build-add").label == "Add as the next step"
    at.button(key="build-add").click().run()
    assert not at.exception, at.exception
    assert at.button(key="build-add").label == "Add it again as the next step"
    assert "Already step 1 of the tour." in [c.value for c in at.caption]


def test_a_search_offers_the_events_named_in_their_title_first():
    at = AppTest.from_function(_build_app, default_timeout=90)
    at.run()
    at.text_input(key="build-find").set_value("riot").run()
    assert not at.exception, at.exception
    (choice,) = [s for s in at.selectbox if (s.key or "").startswith("build-choice-")]
    assert choice.value == "1962-05-29-yining-riot"  # not an earlier event's summary
    assert "Riot in Yining" in choice.options[0]
