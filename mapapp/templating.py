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


def enable() -> None:
    """Cache compiled templates and make folium's JSON compact (idempotent)."""
    from folium.template import Template

    jinja2.Environment.from_string = _from_string  # type: ignore[method-assign]
    # Template(...) shares one environment per class and options: folium's own
    Template("").environment.policies["json.dumps_kwargs"] = COMPACT_JSON


def cache_info() -> functools._CacheInfo:
    """Return the hit/miss counts of the template cache."""
    return _compiled.cache_info()
