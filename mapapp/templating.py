"""Compile each folium/branca Jinja template once per process, not on every render.

folium builds many of its elements from template strings at render time, and Jinja
compiles a string template afresh each time (``Environment.from_string`` has no
cache): rendering the map spent most of its time compiling the same few dozen
templates. Compiled templates are immutable and thread-safe, so they are cached here
by environment and source text. Import :func:`enable` before rendering maps.

A template with no Jinja markup at all is not compiled: it renders to its own text.
folium renders each element's script into such a text and wraps it in an element
with a fresh random id, so these texts differ on every render and a cache of them
would never hit; they were most of the compiling left.

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


_MARKUP = ("{{", "{%", "{#", "\r")  # "\r": Jinja would normalise the line ends


def _verbatim(
    env: jinja2.Environment, source: str, template_class: Any
) -> jinja2.Template:
    """Return a template of plain text, as Jinja would compile it, without compiling.

    Jinja drops one newline at the end of a template (``keep_trailing_newline`` is
    off by default); so does this.
    """
    text = source
    if not env.keep_trailing_newline and text.endswith("\n"):
        text = text[:-1]

    def root(context: Any, missing: Any = None, environment: Any = None) -> Any:
        yield text

    namespace = {
        "name": None,
        "__file__": "<template>",
        "blocks": {},
        "root": root,
        "debug_info": "",
    }
    cls = template_class or env.template_class
    return cls._from_namespace(env, namespace, env.make_globals(None))


def _from_string(
    self: jinja2.Environment,
    source: Any,
    globals: Any = None,
    template_class: Any = None,
) -> jinja2.Template:
    # jinja2.Template(...) passes its own class; globals make a template unshareable
    if globals is None and isinstance(source, str):
        if self.is_async or any(m in source for m in _MARKUP):
            return _compiled(self, source, template_class)
        return _verbatim(self, source, template_class)
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
