"""Name lookup over every variant of every place, in every script."""

from __future__ import annotations

import difflib
import functools
import unicodedata
from collections.abc import Iterable

from mapapp.errors import AmbiguousPlaceError, UnknownPlaceError
from mapapp.model import Place

# Marks that people type or omit at will: apostrophes, hyphens, dots, spaces.
_IGNORED = set(" \t-‐‑–—_.,'’ʼʻ`´\"()[]")
_DROP = str.maketrans("", "", "".join(_IGNORED))
# text no Unicode step changes is ASCII and the degree sign of coordinate names: all
# in Latin-1, whose bytes drop the ignored marks fast
_PLAIN_DROP = bytes(ord(c) for c in _IGNORED if ord(c) < 128)
_FOLD = str.maketrans({"ё": "е", "ı": "i", "ʻ": "", "ɵ": "o", "ə": "e", "ƣ": "gh"})


@functools.lru_cache(maxsize=1 << 16)
def fold(name: str) -> str:
    """Return the comparison key of a name: case, accents and punctuation removed.

    Examples
    --------
    >>> fold("Ghulja") == fold("ghulja") == fold("Ǵhúlja")
    True
    >>> fold("Кульджа") == fold("кульджа")
    True
    """
    if name.isascii() or name.replace("°", "").isascii():  # no Unicode work needed
        plain = name.lower().encode("latin-1").translate(None, _PLAIN_DROP)
        return plain.decode("latin-1")
    text = unicodedata.normalize("NFKD", name.casefold().translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    return "".join(ch for ch in text if ch not in _IGNORED)


class Gazetteer:
    """Places by id, and an index of every folded name variant.

    Parameters
    ----------
    places : iterable of Place
        The gazetteer entries.
    """

    def __init__(self, places: Iterable[Place]) -> None:
        self.places: dict[str, Place] = {p.id: p for p in places}
        self._problems: dict[str, str | None] = {}

    @functools.cached_property
    def _index(self) -> dict[str, list[str]]:
        """Folded name -> place ids; built on first use (ids alone need none)."""
        index: dict[str, list[str]] = {}
        for place in self.places.values():
            keys = {fold(place.id), *(fold(n.name) for n in place.names)}
            for key in keys:
                index.setdefault(key, []).append(place.id)
        return index

    def __len__(self) -> int:
        return len(self.places)

    def __contains__(self, place_id: object) -> bool:
        return place_id in self.places

    def candidates(self, name: str) -> list[Place]:
        """Return every place one of whose names (or id) folds to the same key."""
        return [self.places[i] for i in self._index.get(fold(name), [])]

    def lookup(self, name: str) -> Place:
        """Return the one place a name or id means.

        Raises
        ------
        UnknownPlaceError
            No variant matches; the message lists the closest names.
        AmbiguousPlaceError
            Several places match; the message lists them with their states.
        """
        if name in self.places:
            return self.places[name]
        found = self.candidates(name)
        if len(found) == 1:
            return found[0]
        if found:
            listed = "; ".join(f"{p.id} ({p.label}, {p.state_1962})" for p in found)
            raise AmbiguousPlaceError(
                f"ambiguous place name (got {name!r}; it matches {listed}; "
                f"expected one of these ids)"
            )
        close = self.closest(name)
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise UnknownPlaceError(
            f"unknown place (got {name!r}; expected a gazetteer id or name{hint})"
        )

    def problem(self, name: str) -> str | None:
        """Return why a name means no single place (the lookup's message), or None.

        Remembered per name: a large file names the same places again and again.
        """
        try:
            return self._problems[name]
        except KeyError:
            pass
        try:
            self.lookup(name)
            message = None
        except LookupError as exc:
            message = str(exc)
        self._problems[name] = message
        return message

    def closest(self, name: str, n: int = 3) -> list[str]:
        """Return up to ``n`` place ids whose names are closest to ``name``."""
        keys = difflib.get_close_matches(
            fold(name), list(self._index), n=n * 2, cutoff=0.6
        )
        ids: list[str] = []
        for key in keys:
            for place_id in self._index[key]:
                if place_id not in ids:
                    ids.append(place_id)
        return ids[:n]
