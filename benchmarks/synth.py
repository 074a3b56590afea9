"""Synthetic events for benchmarks: N valid records over the real gazetteer and 1962.

Usage::

    python benchmarks/synth.py --n 100000 --seed 1 --csv OUT.csv
    python benchmarks/synth.py --n 10000 --seed 1 --yaml-dir DIR [--per-file 1000]

The output is seeded and reproducible (same N and seed, same bytes) and valid:
``mapapp validate`` reports no problem. Events follow the bundled ones: crossings go
from a PRC place (``origin``) through a crossing point or pass (``crossing``, left
out in a third of them so the crossing is inferred on the border) to a Soviet place
(``destination``), some with a second route; unrest, administration and border
control happen at PRC sites, diplomacy in the capitals. Dates are 1962 in several
EDTF forms (day, month, season, year, approximate, uncertain, intervals). Events cite
the bundled sources; people figures (value, range, approximate) come with their
claimant, and a claim citing the grade-D source is marked unverified.

- :func:`synth_events` gives raw records in the events format (``events/*.yaml``);
- :func:`synth_rows` gives rows of the minimal import CSV
  (:data:`mapapp.importer.HEADER`): places by id or by any name variant that names one
  place only, in any script, with roles; every tenth row placed by ``lon``/``lat``
  instead; every seventh citing a source in words (which the import makes a grade-D
  source, its figures unverified);
- :func:`write_csv` and :func:`write_yaml` write them.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mapapp import load, write
from mapapp.dataset import Dataset
from mapapp.gazetteer import Gazetteer
from mapapp.importer import HEADER
from mapapp.model import AREA_KINDS, Place

CLAIMANTS = (
    "Soviet government",
    "PRC Ministry of Foreign Affairs",
    "Xinjiang Foreign Affairs Office",
    "Ili prefecture officials",
    "Tacheng county officials",
    "Soviet consulate in Yining",
)
CROSSING_KINDS = ("crossing-point", "border-post", "pass")
CAPITALS = ("beijing", "moscow", "urumqi", "almaty")
WORDS = (
    "Interview notes, box {k}, Almaty archive",
    "Letter of a refugee family, {k} May 1962, private collection",
    "District register of departures, sheet {k}",
)


@dataclass(frozen=True)
class Gazette:
    """The bundled places and sources the synthetic events draw on."""

    origins: tuple[Place, ...]
    crossings: tuple[Place, ...]
    destinations: tuple[Place, ...]
    sites: tuple[Place, ...]
    capitals: tuple[Place, ...]
    names: dict[str, tuple[str, ...]]
    sources: tuple[str, ...]
    grade_d: frozenset[str]


def gazette(data: Dataset | None = None) -> Gazette:
    """Return the places and sources of a dataset (default: the bundled data).

    Parameters
    ----------
    data : Dataset, optional
        Where the gazetteer and sources come from; read with
        :func:`mapapp.load.read_dataset` when not given.

    Returns
    -------
    Gazette
    """
    if data is None:
        data, problems = load.read_dataset()
        if problems:
            raise SystemExit(f"the bundled data has problems: {problems[0]}")
    everything = sorted(data.places.values(), key=lambda p: p.id)
    lookup = Gazetteer(everything)
    # regions are names on the map, never points: an event only at one, or a route
    # between two with no crossing, is not drawn; every synthetic event is
    places = [p for p in everything if p.kind not in AREA_KINDS]
    prc = [p for p in places if p.state_1962 == "PRC" and p.id not in CAPITALS]
    return Gazette(
        origins=tuple(p for p in prc if p.kind not in (*CROSSING_KINDS, "consulate")),
        crossings=tuple(p for p in places if p.kind in CROSSING_KINDS),
        destinations=tuple(
            p for p in places if p.state_1962 == "USSR" and p.id not in CAPITALS
        ),
        sites=tuple(prc),
        capitals=tuple(p for p in places if p.id in CAPITALS),
        # the names that name this place only (Khorgos names two)
        names={
            p.id: tuple(n.name for n in p.names if len(lookup.candidates(n.name)) == 1)
            for p in everything
        },
        sources=tuple(sorted(data.sources)),
        grade_d=frozenset(s.id for s in data.sources.values() if s.grade == "D"),
    )


def _when(rng: random.Random) -> str:
    """Return a 1962 date in one of several EDTF forms."""
    month = rng.randint(3, 9)
    day = rng.randint(1, 30 if month in (4, 6, 9) else 31)
    form = rng.random()
    if form < 0.45:
        return f"1962-{month:02d}-{day:02d}"
    if form < 0.6:
        return f"1962-{month:02d}"
    if form < 0.7:
        return f"1962-{month:02d}~"
    if form < 0.78:
        return f"1962-{month:02d}-{day:02d}?"
    if form < 0.88:
        end = min(day + rng.randint(1, 20), 28)
        start = min(day, end)
        return f"1962-{month:02d}-{start:02d}/1962-{month:02d}-{end:02d}"
    if form < 0.93:
        return f"1962-{rng.choice((21, 22))}"
    if form < 0.97:
        return "1962"
    return f"1962-{month:02d}/1962-{min(month + rng.randint(1, 3), 12):02d}"


def _figure(rng: random.Random) -> dict[str, Any]:
    """Return the number fields of a people claim."""
    value = rng.choice((50, 120, 300, 800, 2000, 6000, 10000, 46000, 61000, 67000))
    shape = rng.random()
    if shape < 0.5:
        return {"value": value}
    if shape < 0.8:
        return {"value": value, "approximate": True}
    return {"low": value, "high": value + rng.choice((100, 500, 1000, 5000))}


def _places(rng: random.Random, g: Gazette, kind: str) -> list[dict[str, Any]]:
    """Return the place references of an event of this kind."""
    if kind == "crossing":
        routes = 2 if rng.random() < 0.1 else 1
        refs = []
        for route in range(1, routes + 1):
            stops = [("origin", rng.choice(g.origins))]
            if rng.random() < 0.67:
                stops.append(("crossing", rng.choice(g.crossings)))
            stops.append(("destination", rng.choice(g.destinations)))
            refs += [
                {
                    "place": p.id,
                    "role": role,
                    **({"route": route} if routes > 1 else {}),
                }
                for role, p in stops
            ]
        return refs
    if kind == "diplomacy":
        return [{"place": rng.choice(g.capitals).id, "role": "site"}]
    if kind == "border-control":
        return [{"place": rng.choice(g.crossings).id, "role": "site"}]
    return [{"place": rng.choice(g.sites).id, "role": "site"}]


KINDS = (
    ("crossing", 0.55),
    ("unrest", 0.1),
    ("administration", 0.1),
    ("border-control", 0.1),
    ("diplomacy", 0.15),
)


def synth_events(n: int, seed: int, g: Gazette | None = None) -> list[dict[str, Any]]:
    """Return n valid raw event records in the events format.

    Parameters
    ----------
    n : int
        Number of events.
    seed : int
        The same seed gives the same records.
    g : Gazette, optional
        Places and sources to use (default: the bundled data).

    Returns
    -------
    list of dict
        Records as ``events/*.yaml`` holds them, ids ``synth-<seed>-<i>``.
    """
    g = g or gazette()
    rng = random.Random(seed)
    kinds, weights = zip(*KINDS, strict=True)
    out = []
    for i in range(n):
        kind = rng.choices(kinds, weights)[0]
        cited = rng.sample(g.sources, rng.choice((1, 1, 2)))
        claims = []
        for _ in range(rng.choice((0, 0, 1, 1, 2)) if kind == "crossing" else 0):
            source = rng.choice(cited)
            claims.append(
                {
                    "quantity": "people",
                    **_figure(rng),
                    "scope": "people who crossed into the USSR",
                    "claimant": rng.choice(CLAIMANTS),
                    "source": source,
                    **({"unverified": True} if source in g.grade_d else {}),
                }
            )
        record: dict[str, Any] = {
            "id": f"synth-{seed}-{i:06d}",
            "title": f"Synthetic {kind} {i}",
            "summary": f"A generated {kind} event, number {i}, for benchmarks.",
            "kind": kind,
            "when": _when(rng),
            "places": _places(rng, g, kind),
            "claims": claims,
            "sources": [{"source": s} for s in cited],
        }
        if i and rng.random() < 0.05:
            record["related"] = [f"synth-{seed}-{rng.randrange(i):06d}"]
        out.append(record)
    return out


def _name(rng: random.Random, g: Gazette, place_id: str) -> str:
    """Return the place's id or one of its unambiguous names, in any script."""
    return rng.choice((place_id, *g.names[place_id]))


def synth_rows(n: int, seed: int, g: Gazette | None = None) -> list[dict[str, str]]:
    """Return n valid rows of the minimal import CSV.

    Parameters
    ----------
    n : int
        Number of rows.
    seed : int
        The same seed gives the same rows.
    g : Gazette, optional
        Places and sources to use (default: the bundled data).

    Returns
    -------
    list of dict
        Rows keyed by :data:`mapapp.importer.HEADER`.
    """
    g = g or gazette()
    rng = random.Random(f"csv-{seed}")  # a stream of its own, beside the events'
    rows = []
    for i, record in enumerate(synth_events(n, seed, g)):
        refs = record["places"]
        place = "|".join(
            r["role"]
            + (f"@{r['route']}" if "route" in r else "")
            + f":{_name(rng, g, r['place'])}"
            for r in refs
        )
        lon = lat = ""
        if i % 10 == 9:  # placed by coordinates, in the Ili valley or Tacheng basin
            place = ""
            lon, lat = rng.choice(
                [
                    (
                        f"{rng.uniform(80.6, 82.5):.5f}",
                        f"{rng.uniform(43.6, 44.2):.5f}",
                    ),
                    (
                        f"{rng.uniform(82.6, 83.5):.5f}",
                        f"{rng.uniform(46.4, 46.9):.5f}",
                    ),
                    (
                        f"{rng.uniform(78.0, 79.5):.5f}",
                        f"{rng.uniform(44.0, 45.0):.5f}",
                    ),
                ]
            )
        sources = [c["source"] for c in record["sources"]]
        if i % 7 == 6:
            sources[0] = rng.choice(WORDS).format(k=rng.randint(1, 30))
        people = "|".join(_figure_cell(c) for c in record["claims"])
        claimant = "|".join(c["claimant"] for c in record["claims"])
        rows.append(
            {
                "id": record["id"],
                "title": record["title"],
                "kind": record["kind"],
                "when": record["when"],
                "place": place,
                "lon": lon,
                "lat": lat,
                "summary": record["summary"],
                "people": people,
                "claimant": claimant,
                "source": "|".join(sources),
            }
        )
    return rows


def _figure_cell(claim: dict[str, Any]) -> str:
    text = (
        f"{claim['value']}" if "value" in claim else f"{claim['low']}-{claim['high']}"
    )
    return f"~{text}" if claim.get("approximate") else text


def csv_text(rows: Sequence[dict[str, str]]) -> str:
    """Return rows as CSV text with the minimal import header."""
    out = _Buffer()
    writer = csv.DictWriter(out, HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return "".join(out.parts)


class _Buffer:
    """A write-only text sink (cheaper than StringIO for many small writes)."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        self.parts.append(text)
        return len(text)


def write_csv(path: Path, n: int, seed: int, g: Gazette | None = None) -> Path:
    """Write n rows of the minimal import CSV to path (UTF-8, atomically).

    Returns
    -------
    Path
        The file written.
    """
    write.write_atomic(path, csv_text(synth_rows(n, seed, g)))
    return path


def write_yaml(
    folder: Path, n: int, seed: int, per_file: int = 1000, g: Gazette | None = None
) -> list[Path]:
    """Write n event records as YAML files of at most per_file records each.

    Parameters
    ----------
    folder : Path
        Created if missing; the files are ``synth-0001.yaml``, ``synth-0002.yaml``, …
    n, seed : int
        As for :func:`synth_events`.
    per_file : int
        Records per file.

    Returns
    -------
    list of Path
        The files written.
    """
    records = synth_events(n, seed, g)
    paths = []
    for k, start in enumerate(range(0, n, per_file), start=1):
        text = yaml_text(records[start : start + per_file])
        path = folder / f"synth-{k:04d}.yaml"
        write.write_atomic(path, f"# synthetic events (seed {seed})\n{text}")
        paths.append(path)
    return paths


def yaml_text(records: Sequence[dict[str, Any]]) -> str:
    """Return records as YAML in the layout of ``events/*.yaml``.

    Written directly (strings as JSON strings, which YAML reads as double-quoted
    scalars; list items as flow mappings): PyYAML's dumper takes a minute for
    100,000 records, this a second.
    """
    out = []
    for record in records:
        lead = "- "
        for key, value in record.items():
            if isinstance(value, list):
                if not value:
                    out.append(f"{lead}{key}: []")
                else:
                    out.append(f"{lead}{key}:")
                    out += [f"    - {_flow(item)}" for item in value]
            else:
                out.append(f"{lead}{key}: {_flow(value)}")
            lead = "  "
    return "\n".join(out) + "\n"


def _flow(value: Any) -> str:
    """Return a scalar, or a mapping of scalars, as one line of YAML."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="number of events")
    parser.add_argument("--seed", type=int, default=1962)
    parser.add_argument("--csv", type=Path, help="write the import CSV here")
    parser.add_argument("--yaml-dir", type=Path, help="write YAML event files here")
    parser.add_argument("--per-file", type=int, default=1000)
    args = parser.parse_args(argv)
    if not (args.csv or args.yaml_dir):
        parser.error("give --csv FILE and/or --yaml-dir DIR")
    if args.n < 0 or args.per_file < 1:
        parser.error("--n must be ≥ 0 and --per-file ≥ 1")
    g = gazette()
    if args.csv:
        write_csv(args.csv, args.n, args.seed, g)
        print(f"wrote {args.csv} ({args.n:,} rows, seed {args.seed})", file=sys.stderr)
    if args.yaml_dir:
        paths = write_yaml(args.yaml_dir, args.n, args.seed, args.per_file, g)
        print(
            f"wrote {len(paths)} files to {args.yaml_dir} ({args.n:,} events, seed "
            f"{args.seed})",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
