"""The presented step's map: earlier steps faded, this step highlighted and flown to."""

from __future__ import annotations

import folium
from branca.element import Element
from streamlit_folium import st_folium

from app_pages.loaded import RENDER_FIGURE, Loaded, base_map
from mapapp import eventlayers, tourhtml
from mapapp.detail import md_escape, place_at
from mapapp.style import tour_style
from mapapp.tour import Slide

# Constant CSS only (no data): the sidebar and header hidden, type sized for a room.
MAP_HEIGHT = 560
# Inside the map's frame: place labels and the legend grow with the map (vw is the
# frame's width: a 1920 px screen gives the map about 1,030 px, labels 16.5 px).
PROJECTOR_MAP_CSS = (
    "<style>.place-label{font-size:clamp(12px,1.6vw,30px)!important}"
    "#map-legend{font-size:clamp(11px,1.3vw,26px)!important;max-width:28vw!important}"
    "</style>"
)


def _groups(loaded: Loaded, slides: list[Slide], i: int) -> list[folium.FeatureGroup]:
    """Return the earlier steps' events (faded) and this step's, flown to."""
    now = slides[i]
    faded, current = eventlayers.tour_groups(
        loaded.drawable, [s.event for s in slides[:i]], now.event, now.kind
    )
    tourhtml.FlyTo(*now.view).add_to(current)
    _far_mark(loaded, now, tour_style("step", now.kind)).add_to(current)
    return [faded, current]


def _far_mark(loaded: Loaded, now: Slide, live: dict) -> folium.FeatureGroup:
    """Mark a step that happened far from the frontier (Beijing, Moscow) by name.

    The step's view takes in both the frontier and the place (``tour.slides``).
    """
    group = folium.FeatureGroup(name="Far away", control=False)
    row = loaded.events.loc[now.event] if now.event in loaded.events.index else None
    if now.on_map or row is None or not row["located"]:
        return group
    point = row.geometry.representative_point()
    name = place_at(loaded.data, loaded.by_id[now.event], point.x, point.y)
    folium.CircleMarker((point.y, point.x), fill=True, **live).add_child(
        folium.Tooltip(
            md_escape(name), permanent=True, direction="right", class_name="far-label"
        )
    ).add_to(group)
    return group


def present_map(loaded: Loaded, slides: list[Slide], i: int) -> None:
    """Draw the step's map: earlier steps faded, this one highlighted, flown to."""
    m = base_map()
    m.get_root().header.add_child(Element(PROJECTOR_MAP_CSS))
    m.options["keyboard"] = False  # the arrow keys move through the tour instead
    m.options["zoomSnap"] = tourhtml.ZOOM_SNAP  # the step's zoom fits the screen
    st_folium(  # no center/zoom: the step's layer group flies the map (FlyTo)
        m,
        key="present-map",
        render=RENDER_FIGURE,
        height=MAP_HEIGHT,
        use_container_width=True,
        feature_group_to_add=_groups(loaded, slides, i),
        returned_objects=[],
    )
