"""The wording of problems: a record checked by its model, its errors located.

A pydantic error becomes a :class:`~mapapp.errors.Problem` naming the file, the line
of the field (from :class:`~mapapp.io.Located` YAML), the record, the field, the bad
value and what is allowed, in plain words.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from mapapp.errors import Problem
from mapapp.io import Located, LocatedList
from mapapp.model import ID_PATTERN, LANG_PATTERN, TEXT_FILE_PATTERN, URL_PATTERN

M = TypeVar("M", bound=BaseModel)


def record_mappings(doc: Any, label: str) -> tuple[list[Located], list[Problem]]:
    """Return the mappings of a file holding one record or a list of records."""
    if doc is None:
        return [], [Problem(label, None, None, None, "file is empty; expected records")]
    if isinstance(doc, Located):
        return [doc], []
    if isinstance(doc, LocatedList):
        records, problems = [], []
        for i, item in enumerate(doc):
            if isinstance(item, Located):
                records.append(item)
            else:
                problems.append(
                    Problem(
                        label,
                        doc.lines[i],
                        f"#{i + 1}",
                        None,
                        f"expected a record (a mapping of fields), got {item!r}",
                    )
                )
        return records, problems
    return [], [
        Problem(label, 1, None, None, f"expected a list of records, got {doc!r}")
    ]


def build(
    model: type[M], raw: dict[str, Any], label: str, index: int
) -> tuple[M | None, list[Problem]]:
    """Validate one raw record; return the record or the problems with their lines."""
    record_id = raw.get("id") if isinstance(raw.get("id"), str) else f"#{index + 1}"
    try:
        return model.model_validate(raw), []
    except ValidationError as exc:
        return None, [
            Problem(
                label,
                _line_of(raw, err["loc"]),
                record_id,
                _dotted(err["loc"]),
                _message(err, model),
            )
            for err in exc.errors(include_url=False)
        ]


@functools.cache
def column_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """Return the check of a list of values of one field of a model.

    It has the field's own annotation and constraints and the model's configuration,
    so a rule of :mod:`mapapp.model` is written once and judges a whole column of
    distinct values in one call.
    """
    info = model.model_fields[name]
    one = (
        Annotated[(info.annotation, *info.metadata)]  # type: ignore[valid-type]
        if info.metadata
        else info.annotation
    )
    return TypeAdapter(list[one], config=model.model_config)  # type: ignore[valid-type]


def judge(
    model: type[BaseModel], name: str, values: Sequence[Any]
) -> tuple[list[Any], list[list[tuple[str | None, str]]]]:
    """Check distinct values of one field of a model, all in one call.

    Parameters
    ----------
    model : type of BaseModel
    name : str
        The field.
    values : sequence
        Its raw values, each judged once (a column's distinct cells).

    Returns
    -------
    checked : list
        Each value as the model keeps it (None where it is bad).
    problems : list of list of (str, str)
        Each value's problems: the field path (``claims[0].value``) and the message,
        worded as :func:`build` words them.
    """
    adapter = column_adapter(model, name)
    values = list(values)
    try:
        return adapter.validate_python(values), [[] for _ in values]
    except ValidationError as exc:
        found: list[list[tuple[str | None, str]]] = [[] for _ in values]
        for err in exc.errors(include_url=False):
            at, *rest = err["loc"]
            loc = (name, *rest)
            found[at].append((_dotted(loc), _message({**err, "loc": loc}, model)))
    good = [i for i, problems in enumerate(found) if not problems]
    checked: list[Any] = [None] * len(values)
    for i, value in zip(
        good, adapter.validate_python([values[i] for i in good]), strict=True
    ):
        checked[i] = value
    return checked, found


def _dotted(loc: Sequence[int | str]) -> str | None:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or None


def _line_of(raw: Any, loc: Sequence[int | str]) -> int | None:
    line = getattr(raw, "line", None)
    node = raw
    for part in loc:
        if isinstance(node, Located) and part in node:
            line, node = node.lines.get(part, line), node[part]
        elif (
            isinstance(node, LocatedList) and isinstance(part, int) and part < len(node)
        ):
            line, node = node.lines[part], node[part]
        else:
            break
    return line


_PATTERNS = {
    ID_PATTERN: "an id of lowercase letters, digits and hyphens",
    URL_PATTERN: "an http(s) URL",
    TEXT_FILE_PATTERN: "a relative path to a .txt file",
    LANG_PATTERN: "a language tag such as en, zh, ru, kk, ug",
}

_TYPES = {
    "float_parsing": "a number such as 6000",
    "float_type": "a number such as 6000",
    "int_parsing": "a whole number",
    "int_type": "a whole number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
    "string_type": "text",
    "list_type": "a list",
    "model_type": "a mapping of fields",
    "dict_type": "a mapping of fields",
}


def _message(err: dict[str, Any], model: type[BaseModel]) -> str:
    kind, got = err["type"], err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        allowed = ", ".join(_fields_at(model, err["loc"][:-1]))
        return f"unknown field (got {err['loc'][-1]!r}; expected one of: {allowed})"
    if kind == "literal_error":
        return f"not an allowed value (got {got!r}; expected one of {ctx['expected']})"
    if kind == "string_pattern_mismatch":
        wanted = _PATTERNS.get(ctx.get("pattern"), f"to match {ctx.get('pattern')}")
        return f"bad format (got {got!r}; expected {wanted})"
    if kind == "finite_number":
        return f"not a finite number (got {got!r}; expected a number such as 6000)"
    if kind in _TYPES:
        return f"wrong type (got {short(got)}; expected {_TYPES[kind]})"
    if kind == "too_short":
        return (
            f"too few items (got {short(got)}; expected at least {ctx['min_length']})"
        )
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = f"≥ {ctx['ge']:g}" if "ge" in ctx else f"≤ {ctx['le']:g}"
        return f"out of range (got {got!r}; expected a value {bound})"
    if kind in ("value_error", "assertion_error"):
        text = str(ctx.get("error", err["msg"]))
        if "got " in text or isinstance(got, dict | list):
            return text
        return f"{text} (got {short(got)})"
    return f"{err['msg'].rstrip('.')} (got {short(got)})"


def short(value: Any) -> str:
    """Return a value as messages show it: its repr, cut at 80 characters."""
    text = repr(dict(value) if isinstance(value, Located) else value)
    return text if len(text) <= 80 else text[:77] + "..."


def _fields_at(model: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = (
            current.model_fields.get(part) if hasattr(current, "model_fields") else None
        )
        if field is None:
            return []
        current = _inner_model(field.annotation)
    return list(current.model_fields) if hasattr(current, "model_fields") else []


def _inner_model(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def field_lines(raw: Any, prefix: str = "") -> dict[str, int]:
    """Map every dotted field path of a raw record to its line (``""``: the record)."""
    out = {prefix: getattr(raw, "line", 0)} if not prefix else {}
    if isinstance(raw, Located):
        for key, value in raw.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out[path] = raw.lines[key]
            out.update(field_lines(value, path))
    elif isinstance(raw, LocatedList):
        for i, value in enumerate(raw):
            path = f"{prefix}[{i}]"
            out[path] = raw.lines[i]
            out.update(field_lines(value, path))
    return out
