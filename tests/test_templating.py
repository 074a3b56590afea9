"""Tests of mapapp.templating: compiled once, plain text not compiled, compact JSON."""

from __future__ import annotations

import jinja2
from hypothesis import given
from hypothesis import strategies as st

from mapapp import templating

COMPILE = templating._original  # Jinja's own from_string, never patched


def test_templates_compile_once():
    templating.enable()
    before = templating.cache_info().hits
    from jinja2 import Template

    Template("{{ x }} same")
    Template("{{ x }} same")
    assert templating.cache_info().hits == before + 1
    assert Template("{{ x }}!").render(x=1) == "1!"


@given(st.text(alphabet="ab {}%#\n\r<>;:-\"'&", max_size=40))
def test_a_template_renders_what_jinja_would_render(source):
    templating.enable()
    env = jinja2.Environment()
    try:
        want = COMPILE(env, source).render()
    except jinja2.TemplateSyntaxError:
        return  # markup that Jinja refuses: compiled, so refused the same way
    assert env.from_string(source).render() == want
    assert jinja2.Template(source).render() == want


def test_plain_text_is_not_compiled():
    templating.enable()
    before = templating.cache_info()
    text = "<script>var m = {a: 1};</script>\n"
    assert jinja2.Template(text).render() == text[:-1]  # as Jinja: one newline off
    assert jinja2.Template(text).module is not None  # an element may read macros
    after = templating.cache_info()
    assert (after.hits, after.misses) == (before.hits, before.misses)


def test_prepared_json_renders_the_same_bytes_as_a_plain_dict():
    import folium

    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "a",
                "geometry": {"type": "Point", "coordinates": [80.5, 44.25]},
                "properties": {"name": "<Ghulja> & 'Кульджа'"},
            }
        ],
    }

    def html(layer_data) -> str:
        m = folium.Map(tiles=None)
        layer = folium.GeoJson(layer_data, tooltip=folium.GeoJsonTooltip(["name"]))
        layer.add_to(m)
        text = m.get_root().render()
        return text.replace(layer.get_name(), "LAYER").replace(m.get_name(), "MAP")

    plain, prepared = html(data), html(templating.PreparedJSON(data))
    assert plain == prepared
    assert "\\u003cGhulja\\u003e \\u0026 \\u0027" in prepared  # escaped as before
