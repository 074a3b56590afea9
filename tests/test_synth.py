"""The synthetic event generator of the benchmarks: valid, and reproducible."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mapapp import importer, io, load
from mapapp.cli import cli

ROOT = Path(__file__).resolve().parent.parent
N = 200


def _load_synth():
    spec = importlib.util.spec_from_file_location(
        "bench_synth", ROOT / "benchmarks" / "synth.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


synth = _load_synth()


@pytest.fixture(scope="module")
def g():
    return synth.gazette()


@pytest.fixture(scope="module")
def files(tmp_path_factory, g):
    folder = tmp_path_factory.mktemp("synth")
    synth.main(
        [
            "--n",
            str(N),
            "--seed",
            "7",
            "--csv",
            str(folder / "a.csv"),
            "--yaml-dir",
            str(folder / "yaml"),
            "--per-file",
            "64",
        ]
    )
    return folder


def _validate(path: Path, monkeypatch) -> dict:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("MAPAPP_DATA", raising=False)
    result = CliRunner().invoke(cli, ["validate", "--json", str(path)])
    report = json.loads(result.stdout)
    assert report["errors"] == [], report["errors"][:3]
    assert result.exit_code == 0
    return report


def test_csv_validates_with_no_problem(files, monkeypatch):
    report = _validate(files / "a.csv", monkeypatch)
    assert report["events"] == N
    assert report["geocode"]["located"] == N
    assert report["geocode"]["inferred_crossings"] > 0
    assert report["claims"] > 0


def test_csv_imports_every_row(files, g):
    data, _ = load.read_dataset()
    _, territory = io.read_frontier()
    raw = (files / "a.csv").read_bytes()
    assert raw.decode().splitlines()[0] == ",".join(importer.HEADER)
    result = importer.import_events(raw, "a.csv", data, territory)
    assert result.problems == []
    events = [e for e, *_ in result.events]
    assert len(events) == N
    assert {e.kind for e in events} >= {"crossing", "diplomacy", "unrest"}
    precisions = {e.when.precision for e in events}
    assert {"day", "month", "year"} <= precisions
    assert any(e.when.interval for e in events)
    assert any(e.when.approximate for e in events)
    # names in other scripts, points given by coordinates, citations in words
    text = raw.decode()
    assert any(ord(ch) > 0x2000 for ch in text)
    assert [p.id for p, *_ in result.places][:1] == ["point-synth-7-000009"]
    assert result.sources and all(s.grade == "D" for s, *_ in result.sources)
    people = [c for e in events for c in e.claims]
    assert people and all(c.claimant for c in people)


def test_yaml_validates_with_no_problem(files, monkeypatch):
    paths = sorted((files / "yaml").glob("*.yaml"))
    assert [p.name for p in paths] == [f"synth-000{k}.yaml" for k in range(1, 5)]
    report = _validate(files / "yaml", monkeypatch)
    assert report["events"] == N
    assert report["claims"] > 0


def test_same_seed_same_files_other_seed_other_files(files, g, tmp_path):
    synth.write_csv(tmp_path / "b.csv", N, 7, g)
    assert (tmp_path / "b.csv").read_bytes() == (files / "a.csv").read_bytes()
    synth.write_yaml(tmp_path / "yaml", N, 7, 64, g)
    for path in (files / "yaml").glob("*.yaml"):
        assert (tmp_path / "yaml" / path.name).read_bytes() == path.read_bytes()
    synth.write_csv(tmp_path / "c.csv", N, 8, g)
    assert (tmp_path / "c.csv").read_bytes() != (files / "a.csv").read_bytes()


def test_rows_and_events_agree(g):
    rows = synth.synth_rows(20, 3, g)
    events = synth.synth_events(20, 3, g)
    assert [r["id"] for r in rows] == [e["id"] for e in events]
    assert [r["when"] for r in rows] == [e["when"] for e in events]
    assert set(rows[0]) == set(importer.HEADER)


def test_command_line_needs_an_output(capsys):
    with pytest.raises(SystemExit) as exc:
        synth.main(["--n", "5"])
    assert exc.value.code == 2
    assert "give --csv FILE and/or --yaml-dir DIR" in capsys.readouterr().err
