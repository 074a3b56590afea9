"""The ``place`` cells of imported rows, read into raw place references.

A cell holds references ``role[@route]:place`` joined by ``|`` (:mod:`mapapp.cells`).
One :class:`PlaceCells` serves the rows of one file: each distinct reference is read
and looked up in the gazetteer once, however many rows repeat it.
"""

from __future__ import annotations

from typing import Any

from mapapp import cells
from mapapp.gazetteer import Gazetteer


class PlaceCells:
    """The place references of one file's rows, each distinct one read once."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        """Read references against this gazetteer (its memo of names is the file's)."""
        self.gazetteer = gazetteer
        self.tokens: dict[str, tuple[dict[str, Any], str | None]] = {}

    def read(self, text: str) -> tuple[list[dict[str, Any]], list[str]]:
        """Return a cell's references (not yet validated) and what is wrong.

        A reference with an unknown role, no place or a place the gazetteer does not
        know is left out and worded in the messages.
        """
        refs, messages = [], []
        for token in cells.split(text):
            ref, message = self.token(token)
            if message:
                messages.append(message)
            else:
                refs.append(ref)
        return refs, messages

    def token(self, token: str) -> tuple[dict[str, Any], str | None]:
        """Return one reference and what is wrong with it, if anything."""
        found = self.tokens.get(token)
        if found is None:
            ref = cells.parse_place(token)
            message = cells.role_problem(ref, token) or self.gazetteer.problem(
                ref["place"]
            )
            found = self.tokens[token] = (ref, message)
        return found
