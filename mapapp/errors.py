"""The one exception hierarchy of mapapp; the app and the CLI turn it into messages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can.

    Parameters
    ----------
    file : str
        The file, as the user named it (or ``"<input>"``).
    line : int | None
        1-based line of the offending value, when known.
    record : str | None
        The id of the record (or ``"#3"`` for the third record without an id).
    field : str | None
        Dotted path of the field, e.g. ``claims[0].claimant``.
    message : str
        What is wrong, with the bad value and what is allowed.
    """

    file: str
    line: int | None
    record: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.record:
            parts.append(self.record)
        if self.field:
            parts.append(self.field)
        return ": ".join([*parts, self.message])

    def to_dict(self) -> dict[str, object]:
        """Return the problem as a JSON-ready dict."""
        return {
            "file": self.file,
            "line": self.line,
            "record": self.record,
            "field": self.field,
            "message": self.message,
            "text": str(self),
        }


class MapAppError(Exception):
    """Base class of every error mapapp raises on purpose."""


class DataError(MapAppError):
    """Input data is invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        head = "\n".join(str(p) for p in self.problems[:20])
        more = len(self.problems) - 20
        if more > 0:
            head += f"\n… and {more} more problems"
        super().__init__(head)


class EDTFError(MapAppError, ValueError):
    """A date string is not valid EDTF (levels 0–1) or names an impossible date."""


class UnknownPlaceError(MapAppError, LookupError):
    """A place name matches no gazetteer entry."""


class AmbiguousPlaceError(MapAppError, LookupError):
    """A place name matches several gazetteer entries."""


class ExportError(MapAppError):
    """An export could not be written; nothing was left behind."""
