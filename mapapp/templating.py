"""Compile each folium/branca Jinja template once per process, not on every render.

folium builds many of its elements from template strings at render time, and Jinja
compiles a string template afresh each time (``Environment.from_string`` has no
cache): rendering the map spent most of its time compiling the same few dozen
templates. Compiled templates are immutable and thread-safe, so they are cached here
by environment and source text. Import :func:`enable` before rendering maps.

:func:`enable` also makes folium's ``tojson`` write compact JSON (no blanks after
``,`` and ``:``): the base layers' coordinates are most of what the map sends to the
browser on every rerun, and the blanks were a quarter of it.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import jinja2

_original = jinja2.Environment.from_string


@functools.lru_cache(maxsize=1024)
def _compiled(env: jinja2.Environment, source: str, template_class: Any) -> Any:
    return _original(env, source, None, template_class)


def _from_string(
    self: jinja2.Environment,
    source: Any,
    globals: Any = None,
    template_class: Any = None,
) -> jinja2.Template:
    # jinja2.Template(...) passes its own class; globals make a template unshareable
    if globals is None and isinstance(source, str):
        return _compiled(self, source, template_class)
    return _original(self, source, globals, template_class)


COMPACT_JSON = {"sort_keys": True, "separators": (",", ":")}


class PreparedJSON(dict):
    """A dict whose JSON text is made once, for data drawn again on every rerun.

    folium writes a layer's data with Jinja's ``tojson`` each time the map is
    rendered; with :func:`enable`, a ``PreparedJSON`` is written from the text made
    here instead (the same bytes, see the test). The dict must not change after.

    Examples
    --------
    >>> PreparedJSON({"b": [1, 2], "a": "x"}).text
    '{"a":"x","b":[1,2]}'
    """

    def __init__(self, data: dict) -> None:
        super().__init__(data)
        self.text = json.dumps(data, **COMPACT_JSON)


def _dumps(obj: Any, **kwargs: Any) -> str:
    if isinstance(obj, PreparedJSON) and kwargs == COMPACT_JSON:
        return obj.text
    return json.dumps(obj, **kwargs)


def enable() -> None:
    """Cache compiled templates and make folium's JSON compact (idempotent)."""
    from folium.template import Template

    jinja2.Environment.from_string = _from_string  # type: ignore[method-assign]
    # Template(...) shares one environment per class and options: folium's own
    policies = Template("").environment.policies
    policies["json.dumps_kwargs"] = COMPACT_JSON
    policies["json.dumps_function"] = _dumps


def cache_info() -> functools._CacheInfo:
    """Return the hit/miss counts of the template cache."""
    return _compiled.cache_info()
