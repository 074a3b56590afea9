"""The sources and figures of imported rows, read into raw citations and claims.

The cells are ``source``, ``sources``, ``claims``, ``people`` and ``claimant``.

One :class:`Citing` serves the rows of one file: each distinct citation in words is
matched to the catalogue once (:mod:`mapapp.citations`), and a citation that matches
no catalogued source becomes a new source (grade D) that later rows may cite.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from mapapp import cells, citations
from mapapp.model import Source
from mapapp.rowcolumns import cell_text

Messages = list[tuple[str, str]]  # (column, message)


class Citing:
    """The sources the rows of one file may cite, and those they make."""

    def __init__(self, sources: Mapping[str, Source]) -> None:
        """Start from the sources of the base dataset."""
        self.sources: dict[str, Source] = dict(sources)
        self.catalogued = citations.catalogued(sources)
        self.matches: list[citations.Match] = []
        self.made: dict[str, Source] = {}  # sources made from citations in words
        self.tokens: dict[str, tuple[str, Source | None, str | None]] = {}
        self.pairs: dict[tuple[str, str], Any] = {}  # people and claimant cells

    def source_cells(
        self, text: str, cell: Any, nested_cell: Any, messages: Messages
    ) -> Any:
        """Return the raw citations of a ``source`` and a ``sources`` cell."""

        def bad(column: str, message: str) -> None:
            messages.append((column, message))

        cited, made, found = self.cite(text)
        for message in found:
            bad("source", message)
        new = {source.id: source for source in made}
        nested = cells.nested_cell(nested_cell, "sources", bad)
        if nested is None:
            if not cited and not text:
                bad(
                    "source",
                    "no source (got an empty source cell; expected a "
                    "source id or a citation in words)",
                )
            return [{"source": sid} for sid in cited]
        known = {**self.sources, **self.made, **new}
        derived = cells.SEP.join(
            known[c["source"]].title
            if isinstance(c, dict)
            and c.get("source") in known
            and cells.is_free_text(known[c["source"]])
            else str(c.get("source") if isinstance(c, dict) else c)
            for c in nested
        )
        agree(cell, "source", derived, bad)
        for i, cite in enumerate(nested):
            sid = cite.get("source") if isinstance(cite, dict) else None
            if isinstance(sid, str) and sid not in known:
                bad(f"sources[{i}].source", citations.unknown_source(sid, known))
        return nested

    def cite(self, text: str) -> tuple[list[str], list[Source], list[str]]:
        """Return the source ids a source cell cites, new sources and problems."""
        cited, made, messages = [], [], []
        for token in cells.split(text):
            sid, source, message = self.cite_token(token)
            if message:
                messages.append(message)
            else:
                cited.append(sid)
            if source is not None:
                made.append(source)
        return cited, made, messages

    def cite_token(self, token: str) -> tuple[str, Source | None, str | None]:
        """Return the source a ``source`` entry cites, a new one, or the problem."""
        memo = self.tokens.get(token)
        if memo is not None:
            return memo
        if token in self.sources:
            memo = (token, None, None)
        elif cells.looks_like_id(token):
            memo = (token, None, citations.unknown_source(token, self.sources))
        else:
            found = citations.match(token, self.catalogued)
            self.matches.append(found)  # once per distinct entry
            if found.source is not None:
                memo = (found.source, None, None)
            else:
                source = citations.uncatalogued(token)
                self.made[source.id] = source
                memo = (source.id, source, None)
        self.tokens[token] = memo
        return memo

    def claim_cells(
        self,
        nested_cell: Any,
        people_cell: Any,
        claimant_cell: Any,
        first: str | None,
        messages: Messages,
    ) -> list[Any]:
        """Return the raw claims of a row's ``claims``, ``people`` and ``claimant``."""

        def bad(column: str, message: str) -> None:
            messages.append((column, message))

        nested = cells.nested_cell(nested_cell, "claims", bad)
        people, claimant = cell_text(people_cell), cell_text(claimant_cell)
        if nested is not None:
            known = {**self.sources, **self.made}
            derived = cells.derived_people(nested)
            agree(people_cell, "people", derived[0], bad)
            agree(claimant_cell, "claimant", derived[1], bad)
            for i, claim in enumerate(nested):
                sid = claim.get("source") if isinstance(claim, dict) else None
                if isinstance(sid, str) and sid not in known:
                    bad(f"claims[{i}].source", citations.unknown_source(sid, known))
            return nested
        if not people and not claimant:
            return []
        figures, found = self.figures(people, claimant)
        messages += found
        if first is None:  # the row is rejected for its source
            return []
        source = self.sources.get(first) or self.made.get(first)
        unverified = source is not None and source.grade == "D"
        return [
            cells.claim_fields(number, who, first, unverified)
            for number, who in figures
        ]

    def figures(
        self, people: str, claimant: str
    ) -> tuple[list[tuple[dict[str, Any], str]], Messages]:
        """Return :func:`mapapp.cells.people_figures`, once per distinct pair."""
        key = (people, claimant)
        found = self.pairs.get(key)
        if found is None:
            found = self.pairs[key] = cells.people_figures(people, claimant)
        return found


def agree(
    given: Any, column: str, derived: str, bad: Callable[[str, str], None]
) -> None:
    """Report a ``source``/``people``/``claimant`` cell its JSON array contradicts."""
    given = "" if given is None else str(given)
    if given.strip() and given != derived and given.strip() != derived.strip():
        array = "sources" if column == "source" else "claims"
        bad(
            column,
            f"disagrees with the {array} column (got {given!r}; expected "
            f"{derived!r} as {array} gives, or an empty cell; edit {array} instead)",
        )
