"""The printed handout: a title page, a page per step with its map, the sources."""

import base64
import re

from mapapp import handout, load, tour


def _tour():
    from app_pages.loaded import load as app_load

    loaded = app_load()
    tours, _ = load.read_tours()
    chosen = tours.tours["default"]
    return chosen, tour.slides(chosen, loaded.data, loaded.events), loaded


def test_one_page_per_step_between_a_title_page_and_the_sources():
    chosen, slides, loaded = _tour()
    text = handout.handout_html(chosen, slides, loaded.drawable, loaded.base)
    sections = re.findall(r"<section>(.*?)</section>", text, re.S)
    assert len(sections) == len(slides) + 2
    assert chosen.title in sections[0]
    for s, page in zip(slides, sections[1:-1], strict=True):
        assert f"Step {s.number} / {len(slides)}" in page
        assert page.count('src="data:image/svg+xml;base64,') == 1
    assert sections[-1].startswith("<h2>Sources</h2>")
    assert sections[-1].count("<li>") == len({s.citation for s in slides})


def test_a_step_map_draws_the_border_the_land_and_the_event():
    chosen, slides, loaded = _tour()
    crossing = next(s for s in slides if s.event == "1962-04-22-mass-crossing")
    features = [
        *loaded.drawable.features[crossing.event],
        *loaded.drawable.arrows.get(crossing.event, []),
    ]
    svg = handout.step_svg(crossing.view, loaded.base, features, crossing.kind)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'stroke="#7a0019"' in svg  # the 1962 line
    assert 'stroke-dasharray="7 5"' in svg  # dashed where it is uncertain
    assert "#D55E00" in svg  # a crossing's colour
    assert "Tacheng" in svg  # a place label in view
    # the picture embeds as an image that prints without scripts
    img = handout.handout_html(chosen, [crossing], loaded.drawable, loaded.base)
    data = re.search(r'base64,([^"]+)"', img).group(1)
    assert base64.b64decode(data).decode("utf-8") == svg


def test_the_print_css_shows_only_the_handout_when_printing():
    css = handout.PRINT_CSS
    assert css.strip().startswith(".handout { display: none; }")
    assert "@media print" in css and "break-after: page" in css


def test_names_on_the_printed_map_never_overprint_the_higher_rank_wins():
    """Two names at one spot: the higher rank's is printed; far apart, both."""
    from types import SimpleNamespace

    def label(name, lon, lat, rank, direction="right"):
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"name_1962": name, "direction": direction, "rank": rank},
        }

    empty = {"type": "FeatureCollection", "features": []}
    labels = [
        label("Smalltown", 81.30, 43.91, 1),
        label("Yining", 81.31, 43.91, 5),
        label("Area &amp; Co", 81.30, 43.92, 0, "area"),
        label("Faraway", 84.0, 46.0, 1),
    ]
    base = SimpleNamespace(
        basemap=empty, border=empty, labels={**empty, "features": labels}
    )
    svg = handout.step_svg((44.5, 82.5, 6), base, [], "crossing")
    texts = re.findall(r"<text [^>]*>([^<]*)</text>", svg)
    assert texts == ["Yining", "Faraway"]
    assert svg.count('r="2.5"') == 3  # every place keeps its dot (not the area)
    # the bundled tour's maps: no two printed names overlap (boxes as estimated)
    _, slides, loaded = _tour()
    text = re.compile(r'<text x="([^"]+)" y="([^"]+)"[^>]*>([^<]*)<')
    size = handout.LABEL_SIZE
    for slide in slides:
        svg = handout.step_svg(slide.view, loaded.base, [], slide.kind)
        boxes = [
            (float(x), float(y) - size, float(x) + 0.6 * size * len(t), float(y))
            for x, y, t in text.findall(svg)
        ]
        for i, a in enumerate(boxes):
            for b in boxes[:i]:
                assert not (a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1])
