"""The presented step's map: earlier steps faded, this step highlighted and flown to."""

from __future__ import annotations

import folium
from branca.element import Element
from streamlit_folium import st_folium

from app_pages.loaded import RENDER_FIGURE, Loaded, base_map
from mapapp import tourhtml
from mapapp.detail import md_escape
from mapapp.style import KIND_COLOURS
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
FADED = {"color": "#6b6b6b", "weight": 3, "opacity": 0.6, "fillOpacity": 0.35}
HALO = {"color": "#000000", "weight": 14, "opacity": 0.25, "fill": False}


def _groups(loaded: Loaded, slides: list[Slide], i: int) -> list[folium.FeatureGroup]:
    """Return the earlier steps' events (faded) and this step's (highlighted)."""
    drawable = loaded.drawable
    now = slides[i]
    before = dict.fromkeys(s.event for s in slides[:i] if s.event != now.event)
    faded = folium.FeatureGroup(name="Earlier steps")
    shapes = [f for e in before for f in drawable.features.get(e, [])]
    tips = [f for e in before for f in drawable.arrows.get(e, [])]
    if shapes:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": shapes},
            style_function=lambda f: FADED,
            marker=folium.CircleMarker(radius=6, fill=True, fill_color="#9a9a9a"),
            tooltip=folium.GeoJsonTooltip(["date_text", "title_html"], labels=False),
        ).add_to(faded)
    if tips:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": tips},
            style_function=lambda f: {**FADED, "weight": 1, "fillColor": "#6b6b6b"},
        ).add_to(faded)
    current = folium.FeatureGroup(name="This step")
    tourhtml.FlyTo(*now.view).add_to(current)
    shapes = drawable.features.get(now.event, [])
    colour = KIND_COLOURS[now.kind]
    live = {"color": colour, "weight": 6, "opacity": 1, "fillColor": colour}
    if shapes:
        collection = {"type": "FeatureCollection", "features": shapes}
        folium.GeoJson(
            collection,
            style_function=lambda f: HALO,
            marker=folium.CircleMarker(radius=19, weight=6, opacity=0.35, fill=False),
        ).add_to(current)
        folium.GeoJson(
            collection,
            style_function=lambda f: {**live, "fillOpacity": 0.9},
            marker=folium.CircleMarker(radius=11, fill=True),
            tooltip=folium.GeoJsonTooltip(["date_text", "title_html"], labels=False),
        ).add_to(current)
    tips = drawable.arrows.get(now.event, [])
    if tips:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": tips},
            style_function=lambda f: {**live, "weight": 1, "fillOpacity": 1},
        ).add_to(current)
    _far_mark(loaded, now, live).add_to(current)
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
    event = loaded.by_id[now.event]
    place = loaded.data.places.get(event.places[0].place) if event.places else None
    name = place.label if place else event.title
    folium.CircleMarker(
        (point.y, point.x), radius=11, fill=True, **{**live, "fillOpacity": 0.9}
    ).add_child(
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
