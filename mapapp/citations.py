"""Citations in words matched to the catalogued sources they name.

A researcher's row may cite "Kraus 2019" or "PRC FMA 118-01764-04, 11" instead of a
source id. Such words cite a catalogued source when exactly one source fits them:

* the words are its title, its short citation or its archive reference;
* they hold its archive reference;
* they name its author (a word of its issuer) and the year of its date;
* they give the day of its date (``24 April 1962``, ``1962-04-24``) and a word of
  its title (``memorandum``).

When several sources fit, none is chosen: the words stay an uncatalogued citation,
and the report names the candidates, so that a wrong or missed match can be seen.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from mapapp import cells
from mapapp.model import Source

_MONTH_NAMES = (
    "january february march april may june july august september october november "
    "december"
)
MONTHS = {m: i + 1 for i, m in enumerate(_MONTH_NAMES.split())}
# Words that name no one in particular: an issuer's surname must be more than these.
_GENERIC_WORDS = (
    "the of and for to in on by a an prc ussr soviet chinese china government "
    "ministry foreign affairs office party committee district people s embassy "
    "consulate ambassador vice minister comrade central republic union state "
    "council department bureau published online journal quarterly review press "
    "university wikipedia contributors"
)
GENERIC = frozenset(_GENERIC_WORDS.split())
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})\s+([a-z]+)\s*,?\s+(\d{4})\b")
_MONTH_DAY_YEAR = re.compile(r"\b([a-z]+)\s+(\d{1,2})\s*,?\s+(\d{4})\b")


@dataclass(frozen=True)
class Match:
    """What a citation in words was matched to.

    Attributes
    ----------
    text : str
        The citation as written.
    source : str or None
        The id of the one source it names; None when none or several fit.
    how : str
        Why it matched (``"title"``, ``"archive reference"``, ``"author and
        year"``, ``"date and title word"``), or why not.
    candidates : tuple of str
        The sources that fit, when more than one did.
    """

    text: str
    source: str | None
    how: str
    candidates: tuple[str, ...] = ()

    def describe(self) -> str:
        """Say in words what the citation was matched to, for the import report."""
        if self.source:
            return f"citation {self.text!r} matched source {self.source} ({self.how})"
        if self.candidates:
            return (
                f"citation {self.text!r} fits several sources "
                f"({', '.join(self.candidates)}): kept as an uncatalogued citation; "
                "cite one of them by id"
            )
        return f"citation {self.text!r} matched no catalogued source"


@functools.lru_cache(maxsize=4096)  # the catalogue's titles, folded for every match
def fold(text: str) -> str:
    """Return text compared loosely: case-folded, accents off, words by spaces.

    >>> fold("Kraus, C. (2019) “Laying Blame”")
    'kraus c 2019 laying blame'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_WORD.findall(bare))


def days(text: str) -> set[date]:
    """Return the days a text names (``1962-04-24``, ``24 April 1962``, ``April 24``).

    >>> sorted(days("Memorandum of 24 April 1962"))
    [datetime.date(1962, 4, 24)]
    """
    low = text.casefold()
    found = set()
    for y, m, d in _ISO_DAY.findall(low):
        found.add((int(y), int(m), int(d)))
    for d, month, y in _DAY_MONTH_YEAR.findall(low):
        if month in MONTHS:
            found.add((int(y), MONTHS[month], int(d)))
    for month, d, y in _MONTH_DAY_YEAR.findall(low):
        if month in MONTHS:
            found.add((int(y), MONTHS[month], int(d)))
    out = set()
    for y, m, d in found:
        try:
            out.add(date(y, m, d))
        except ValueError:
            continue
    return out


def _authors(source: Source) -> set[str]:
    """Return the words of a source's issuer that can name it (surnames, bodies)."""
    issuer = (source.issuer or "").split("(")[0]
    return {w for w in fold(issuer).split() if len(w) >= 3 and w not in GENERIC}


def _title_words(source: Source) -> set[str]:
    return {w for w in fold(source.title).split() if len(w) >= 5 and w not in GENERIC}


def match(text: str, sources: Iterable[Source]) -> Match:
    """Return the one catalogued source that ``text`` names, if exactly one fits.

    Parameters
    ----------
    text : str
        A citation in words, as a row gives it.
    sources : iterable of Source
        The catalogued sources (not the ones made from other citations in words).
    """
    words = fold(text)
    if not words:
        return Match(text, None, "empty")
    tokens = set(words.split())
    years = {int(y) for y in _YEAR.findall(text)}
    named_days = days(text)
    rules: list[tuple[str, list[str]]] = [
        ("title or citation", []),
        ("archive reference", []),
        ("author and year", []),
        ("date and title word", []),
    ]
    for s in sources:
        ref = fold(s.archive_ref or "")
        title = fold(s.title)
        if words in (title, fold(s.citation()), ref) or (
            len(words) >= 8 and " " in words and f" {words} " in f" {title} "
        ):
            rules[0][1].append(s.id)
        if len(ref) >= 8 and f" {ref} " in f" {words} ":
            rules[1][1].append(s.id)
        when = s.date
        if when is None:
            continue
        if when.earliest.year in years and _authors(s) & tokens:
            rules[2][1].append(s.id)
        if (
            when.precision == "day"
            and when.earliest in named_days
            and _title_words(s) & tokens
        ):
            rules[3][1].append(s.id)
    for how, found in rules:  # the most telling rule that found anything decides
        unique = tuple(dict.fromkeys(found))
        if len(unique) == 1:
            return Match(text, unique[0], how)
        if unique:
            return Match(text, None, how, unique)
    return Match(text, None, "no source fits")


def catalogued(sources: Mapping[str, Source]) -> list[Source]:
    """Return the sources a citation may be matched to (not other citations)."""
    return [s for s in sources.values() if not cells.is_free_text(s)]


def uncatalogued(text: str) -> Source:
    """Return the source made from a citation in words that names no catalogued one."""
    words = " ".join(text.split())
    return Source(
        id=cells.free_text_id(words),
        title=words,
        kind="popular",
        grade="D",
        summary="A citation given in words in an imported file; not catalogued, so "
        "graded D (unverified) until it is.",
    )


def unknown_source(source_id: str, known: Mapping[str, Source]) -> str:
    """Word the problem of a source id that names no source, with the closest ids."""
    close = difflib.get_close_matches(source_id, list(known), n=3)
    hint = f"; closest: {', '.join(close)}" if close else ""
    return (
        f"unknown source (got {source_id!r}; expected a source id or a citation in "
        f"words{hint})"
    )
