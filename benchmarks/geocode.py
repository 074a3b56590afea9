"""Benchmark: geocode N synthetic events over the real gazetteer and frontier.

Usage: python benchmarks/geocode.py [N]   (default 100000). Prints figures; asserts
nothing. Events are seeded and reproducible: a third are crossings with origin and
destination only (so the crossing is inferred on the border), a third crossings via a
crossing point, a third single-site events.
"""

from __future__ import annotations

import gc
import os
import platform
import random
import sys
import time

import numpy as np

from mapapp import geocode, io, load
from mapapp.dataset import Dataset
from mapapp.model import Event


def synthetic_events(data: Dataset, n: int, seed: int = 1962) -> list[Event]:
    """Return n valid events over the gazetteer (built without re-validation)."""
    rng = random.Random(seed)
    prc = [p.id for p in data.places.values() if p.state_1962 == "PRC"]
    ussr = [p.id for p in data.places.values() if p.state_1962 == "USSR"]
    posts = [
        p.id
        for p in data.places.values()
        if p.kind in ("crossing-point", "border-post")
    ]
    template = data.events[0]
    out = []
    for i in range(n):
        kind = i % 3
        if kind == 0:
            refs = [(rng.choice(prc), "origin"), (rng.choice(ussr), "destination")]
        elif kind == 1:
            refs = [
                (rng.choice(prc), "origin"),
                (rng.choice(posts), "crossing"),
                (rng.choice(ussr), "destination"),
            ]
        else:
            refs = [(rng.choice(prc + ussr), "site")]
        places = [template.places[0].model_construct(place=p, role=r) for p, r in refs]
        out.append(
            template.model_copy(update={"id": f"synthetic-{i:06d}", "places": places})
        )
    return out


def main(n: int) -> None:
    data, problems = load.read_dataset()
    assert not problems, problems[:3]
    frontier = geocode.Frontier(*io.read_frontier())
    events = synthetic_events(data, n)
    big = Dataset.of(events=tuple(events), places=data.places)
    geocode.geocode(big, frontier)  # warm-up: imports, projections
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {os.cpu_count()} cores"
    )
    # The n loaded events are millions of objects the garbage collector would walk
    # again and again while geocode allocates; a long-lived process freezes them once
    # after loading (gc.freeze). Both figures are printed.
    for label in ("default gc", "after gc.freeze()"):
        if label != "default gc":
            gc.freeze()
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            result = geocode.geocode(big, frontier)
            times.append(time.perf_counter() - t0)
        print(
            f"geocode {n:,} events, {label}: median {np.median(times):.3f} s "
            f"(runs: {', '.join(f'{t:.3f}' for t in times)}); target < 2 s"
        )
    gc.unfreeze()
    ev = result.events
    print(
        f"  located {int(ev['located'].sum()):,}, inferred crossings "
        f"{int(ev['crossing_inferred'].sum()):,}, far {int(ev['far'].sum()):,}, "
        f"unresolved {len(result.unresolved)}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
