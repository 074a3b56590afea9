"""The mapapp command."""

import csv
import io as stdio
import json
from pathlib import Path

from click.testing import CliRunner

from mapapp import geocode, geojson, load, write
from mapapp.cli import cli
from mapapp.errors import ExportError

ROOT = Path(__file__).parent.parent


def test_validate_bundled_json():
    result = CliRunner().invoke(cli, ["validate", "--json"])
    report = json.loads(result.output)
    assert report["errors"] == [], report["errors"][:5]
    assert result.exit_code == 0
    assert report["events"] >= 45 and report["sources"] >= 25 and report["places"] >= 25


def test_validate_bundled_text():
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 0
    assert "problem(s)" in result.output and " 0 problem(s)" in result.output


def test_validate_reports_every_error_and_exits_1(mini_root, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MAPAPP_DATA", str(mini_root))
    bad = ["tests/data/bad/dangling-related.yaml", "tests/data/bad/unknown-kind.yaml"]
    result = CliRunner().invoke(cli, ["validate", "--json", *bad])
    assert result.exit_code == 1
    report = json.loads(result.output)
    texts = sorted(e["text"] for e in report["errors"])
    assert len(texts) == 3
    assert texts[0].startswith(
        "tests/data/bad/dangling-related.yaml:6: linked: related[0]"
    )
    first = next(e for e in report["errors"] if e["field"] == "related[0]")
    assert first["file"] == "tests/data/bad/dangling-related.yaml"
    assert (first["line"], first["record"], first["field"]) == (
        6,
        "linked",
        "related[0]",
    )
    assert {"events", "sources", "places", "errors"} <= set(report)


def test_validate_text_report_goes_to_stderr(mini_root, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MAPAPP_DATA", str(mini_root))
    result = CliRunner().invoke(
        cli, ["validate", "tests/data/bad/impossible-date.yaml"]
    )
    assert result.exit_code == 1
    assert "impossible date: February 1962 has 28 days" in result.stderr
    assert "1 problem(s)" in result.stdout


def test_validate_missing_path_is_a_usage_error():
    result = CliRunner().invoke(cli, ["validate", "no/such/file.yaml"])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_schema_check_is_current():
    result = CliRunner().invoke(
        cli, ["schema", "--check", "--out", str(ROOT / "schemas")]
    )
    assert result.exit_code == 0, result.output


def test_schema_written(tmp_path):
    result = CliRunner().invoke(cli, ["schema", "--out", str(tmp_path)])
    assert result.exit_code == 0
    event = json.loads((tmp_path / "event.schema.json").read_text())
    assert "Event" in event["$defs"] and "Claim" in event["$defs"]
    kinds = event["$defs"]["Event"]["properties"]["kind"]["enum"]
    assert "crossing" in kinds
    stale = CliRunner().invoke(cli, ["schema", "--check", "--out", str(tmp_path / "x")])
    assert stale.exit_code == 1 and "out of date" in stale.output


IMPORT = Path(__file__).parent / "data" / "import" / "researcher.csv"


def test_progress_lines_say_how_far_a_long_command_is(tmp_path, monkeypatch):
    out = tmp_path / "mine.geojson"
    args = ["export", "--progress", "--format", "geojson", "--events", str(IMPORT)]
    result = CliRunner().invoke(cli, [*args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = [
        line.split("] ", 1)[1] for line in result.stderr.splitlines() if "] " in line
    ]
    label = "tests/data/import/researcher.csv"
    assert lines == [
        "reading the records…",
        f"{label}: 0 of 2 rows checked",
        f"{label}: 1 of 2 rows checked",
        f"{label}: 2 of 2 rows checked",
        "checking 2 events across records…",
        "placing the events on the 1962 map…",
        "checked: 0 problem(s)",
        f"writing {out} (2 events)…",
    ]
    quiet = CliRunner().invoke(cli, ["validate", str(IMPORT)])  # not a terminal
    assert "rows checked" not in quiet.stderr


def test_ctrl_c_leaves_nothing_behind(tmp_path, monkeypatch):

    def interrupted(*args, **kwargs):  # Ctrl-C with the whole file written aside
        assert [p.name.endswith(".tmp") for p in tmp_path.iterdir()] == [True]
        raise KeyboardInterrupt

    monkeypatch.setattr(write.os, "replace", interrupted)
    out = tmp_path / "events.geojson"
    result = CliRunner().invoke(cli, ["export", "--format", "geojson", "-o", str(out)])
    assert result.exit_code == 130
    assert result.stderr.strip().endswith("cancelled: nothing was written")
    assert list(tmp_path.iterdir()) == []


MIXED = Path(__file__).parent / "data" / "import" / "mixed.csv"


def test_skip_bad_keeps_the_rows_the_app_keeps_and_reports_the_others(tmp_path):
    from mapapp import load, userdata

    out, report = tmp_path / "mine.geojson", tmp_path / "left-out.csv"
    args = ["export", "--format", "geojson", "--events", str(MIXED), "-o", str(out)]
    strict = CliRunner().invoke(cli, args)
    assert strict.exit_code == 1 and not out.exists()  # without the flag: strict
    result = CliRunner().invoke(cli, [*args, "--skip-bad", "--report", str(report)])
    assert result.exit_code == 0, result.output
    # the data page's rule, on the same bytes: the same rows kept and left out
    bundled = load.load_checked()
    label = "tests/data/import/mixed.csv"
    app = userdata.combine(
        MIXED.read_bytes(), label, bundled.data, bundled.frontier, replace=True
    )
    written = [f["properties"]["id"] for f in json.loads(out.read_text())["features"]]
    assert sorted(written) == sorted(app.accepted) and written
    assert report.read_text() == userdata.report_csv(app.rejected)
    left_out = len({p.line for p in app.rejected})
    assert f"{app.rows:,} rows read, {len(app.accepted):,} kept" in result.stderr
    assert f"{left_out:,} left out" in result.stderr
    for problem in app.rejected:
        assert str(problem) in result.stderr
    assert isinstance(bundled.frontier, geocode.Frontier)


def test_report_needs_skip_bad(tmp_path):
    result = CliRunner().invoke(
        cli,
        ["export", "--format", "csv", "--report", str(tmp_path / "r.csv"), "-o", "-"],
    )
    assert result.exit_code == 2 and "--skip-bad" in result.output


def test_validate_a_good_csv():
    result = CliRunner().invoke(
        cli, ["validate", "--json", "tests/data/import/researcher.csv"]
    )
    report = json.loads(result.stdout)
    assert result.exit_code == 0, report["errors"]
    bundled = load.read_dataset()[0]
    assert report["events"] == 2
    assert report["sources"] == len(bundled.sources) + 1  # the citation in words
    assert report["places"] == len(bundled.places) + 1  # the point


def test_validate_a_bad_csv_lists_every_problem():
    result = CliRunner().invoke(
        cli, ["validate", "tests/data/import/researcher-bad.csv"]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "tests/data/import/researcher-bad.csv:3: my-bad: when: impossible date: April "
        "1962 has 30 days (got '1962-04-31'; expected a day from 01 to 30)",
        "tests/data/import/researcher-bad.csv:3: my-bad: place: unknown place (got "
        "'Tachen'; expected a gazetteer id or name; closest: tacheng)",
    ]


def test_validate_an_exported_geojson(tmp_path):
    out = tmp_path / "events.geojson"
    runner = CliRunner()
    assert (
        runner.invoke(cli, ["export", "--format", "geojson", "-o", str(out)]).exit_code
        == 0
    )
    result = runner.invoke(cli, ["validate", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["events"] == len(load.read_dataset()[0].events)


def test_export_events_replace_or_extend_the_bundle(tmp_path):
    runner = CliRunner()
    out = tmp_path / "mine.csv"
    result = runner.invoke(
        cli,
        [
            "export",
            "--format",
            "csv",
            "--events",
            "tests/data/import/researcher.csv",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    exported = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert [r["id"] for r in exported] == ["my-1962-04-22-flight", "my-1962-05-camp"]
    camp = exported[1]
    assert (camp["place"], camp["lon"], camp["lat"]) == ("", "80.41", "44.21")
    assert camp["source"] == "Oral history interview, Almaty, 1991"
    both = runner.invoke(
        cli,
        [
            "export",
            "--format",
            "csv",
            "--events",
            "events",
            "--events",
            "tests/data/import/researcher.csv",
            "-o",
            "-",
        ],
    )
    assert both.exit_code == 0, both.output
    bundled = len(load.read_dataset()[0].events)
    assert len(list(csv.DictReader(stdio.StringIO(both.stdout)))) == bundled + 2


def test_cli_export_failing_writer_leaves_no_file(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise ExportError("the writer broke mid-way")

    monkeypatch.setattr(geojson, "encode_column", broken)
    out = tmp_path / "events.geojson"
    result = CliRunner().invoke(cli, ["export", "--format", "geojson", "-o", str(out)])
    assert result.exit_code == 1
    assert "the writer broke mid-way" in result.output
    assert list(tmp_path.iterdir()) == []


# --- CLI ---------------------------------------------------------------------------


def test_cli_export_geojson_to_stdout_with_filter():
    result = CliRunner().invoke(
        cli,
        [
            "export",
            "--format",
            "geojson",
            "--kind",
            "crossing",
            "--from",
            "1962-04",
            "--to",
            "1962-05",
            "-o",
            "-",
        ],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    kinds = {f["properties"]["kind"] for f in doc["features"]}
    assert kinds == {"crossing"} and doc["features"]
    for f in doc["features"]:
        assert f["properties"]["date_end"] >= "1962-04-01"
        assert f["properties"]["date_start"] <= "1962-05-31"
    assert doc["metadata"]["filter"]["from"] == "1962-04-01"
    assert doc["metadata"]["filter"]["to"] == "1962-05-31"
    assert doc["metadata"]["filter"]["kinds"] == ["crossing"]


def test_cli_export_all_formats(tmp_path):
    runner = CliRunner()
    for fmt in ("geojson", "csv", "gpkg", "lpf"):
        out = tmp_path / f"out.{fmt}"
        result = runner.invoke(cli, ["export", "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 1000
    places = load.read_dataset()[0].places
    assert len(json.loads((tmp_path / "out.lpf").read_text())["features"]) == len(
        places
    )


def test_cli_export_gpkg_needs_a_file():
    result = CliRunner().invoke(cli, ["export", "--format", "gpkg", "-o", "-"])
    assert result.exit_code == 2 and "use -o FILE" in result.output


def test_cli_export_bad_date_is_a_usage_error():
    result = CliRunner().invoke(
        cli, ["export", "--format", "csv", "--from", "April 1962", "-o", "-"]
    )
    assert result.exit_code == 2 and "not an EDTF date" in result.output


def test_cli_export_refuses_data_with_problems(tmp_path, mini_root, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MAPAPP_DATA", str(mini_root))
    out = tmp_path / "x.csv"
    result = CliRunner().invoke(
        cli,
        [
            "export",
            "--format",
            "csv",
            "--events",
            "tests/data/bad/unknown-kind.yaml",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 1
    assert "nothing was exported" in result.output and not out.exists()
