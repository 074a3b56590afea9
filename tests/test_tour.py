"""Tours: reading with lines, checks across records, slides, the offline HTML file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner
from shapely.geometry import LineString, Point

from mapapp import load, tour
from mapapp.cli import cli
from mapapp.tour import OVERVIEW, fit_view

ROOT = Path(__file__).resolve().parent.parent
TOURS = ROOT / "tests" / "data" / "tours"


@pytest.fixture
def mini_data(mini_root):
    data, problems = load.read_dataset(root=mini_root)
    assert problems == []
    return data


def problems_of(names: list[str], data) -> list[str]:
    tours, problems = load.read_tours([TOURS / f"{n}.yaml" for n in names], root=ROOT)
    return [str(p) for p in problems + tour.check(tours, data)]


def test_good_tour_reads_with_its_steps(mini_data):
    tours, problems = load.read_tours([TOURS / "good.yaml"], root=ROOT)
    assert problems == [] and tour.check(tours, mini_data) == []
    t = tours.tours["mini-tour"]
    assert [s.event for s in t.steps] == ["talks", "crossing-a"]
    assert t.steps[1].view.zoom == 7 and t.steps[0].view is None
    assert tours.where("mini-tour", "steps[1].event") == (
        "tests/data/tours/good.yaml",
        7,
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "unknown-event",
            "tests/data/tours/unknown-event.yaml:6: unknown-event: steps[1].event: "
            "unknown event (got 'crossing-b'; expected an event id; closest: "
            "crossing-a)",
        ),
        (
            "empty-steps",
            "tests/data/tours/empty-steps.yaml:4: empty-steps: steps: too few items "
            "(got []; expected at least 1)",
        ),
        (
            "bad-zoom",
            "tests/data/tours/bad-zoom.yaml:9: bad-zoom: steps[0].view.zoom: out of "
            "range (got 20; expected a value ≤ 12)",
        ),
        (
            "malformed",
            "tests/data/tours/malformed.yaml:6: malformed YAML: while parsing a flow "
            "sequence did not find expected ',' or ']'",
        ),
        (
            "bad-quote",
            "tests/data/tours/bad-quote.yaml:6: bad-quote: steps[0].quote: no such "
            "quote (got 2; event 'crossing-a' cites 1 quote(s); expected 1 to 1, or "
            "no quote field)",
        ),
    ],
)
def test_bad_tour_is_reported_with_file_and_line(name, expected, mini_data):
    assert problems_of([name], mini_data) == [expected]


def test_duplicate_tour_ids_are_reported(mini_data):
    assert problems_of(["good", "duplicate-id"], mini_data) == [
        "tests/data/tours/duplicate-id.yaml:1: mini-tour: id: duplicate tour id (got "
        "'mini-tour'; first defined at tests/data/tours/good.yaml:1; ids must be "
        "unique)"
    ]


def test_bundled_tours_are_valid_and_default_has_12_steps():
    data, problems = load.read_dataset()
    tours, found = load.read_tours()
    assert problems + found + tour.check(tours, data) == []
    default = tours.tours["default"]
    assert len(default.steps) >= 12
    ids = [s.event for s in default.steps]
    for needed in (
        "1962-04-22-mass-crossing",
        "1962-04-24-soviet-memorandum",
        "1962-05-29-yining-riot",
    ):
        assert needed in ids
    assert ids.index("1962-04-22-mass-crossing") < ids.index("1962-05-29-yining-riot")


def _events() -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {
            "id": ["talks", "crossing-a"],
            "located": [False, True],
            "far": [False, False],
        },
        geometry=[Point(0, 0), LineString([(80, 44), (82, 46)])],
        crs=4326,
    )
    return frame.set_index("id", drop=False)


def test_slides_take_the_view_the_geometry_or_the_overview(mini_data):
    tours, _ = load.read_tours([TOURS / "good.yaml"], root=ROOT)
    t = tours.tours["mini-tour"]
    first, second = tour.slides(t, mini_data, _events())
    assert first.view == OVERVIEW and not first.on_map
    assert first.quote is None and first.narration == "Diplomats talk."
    assert second.view == (1.5, 1.5, 7) and second.on_map
    assert second.quote == "crossed the border on 22 April"
    assert (second.date, second.grade) == ("22 April 1962", "A")
    # without its own view the step is fitted to the event's route
    bare = t.model_copy(
        update={"steps": [t.steps[1].model_copy(update={"view": None})]}
    )
    (fitted,) = tour.slides(bare, mini_data, _events())
    assert fitted.view == fit_view((80, 44, 82, 46)) == (45.0, 81.0, 7)


def test_fit_view_keeps_zooms_in_range():
    assert fit_view((0.0, 0.0, 100.0, 60.0))[2] == 5
    assert fit_view((81.0, 44.0, 81.01, 44.01))[2] == 8


def _loads(page: str) -> list[str]:
    """Every http(s) URL the page would load (links to click are not loads)."""
    found = re.findall(r'(?:src|href)="(https?://[^"]*)"', page)
    links = re.findall(r'<a href="(https?://[^"]*)"', page)
    return [u for u in found if u not in links]


def test_cli_exports_the_default_tour_as_one_html_file(tmp_path):
    out = tmp_path / "yita-1962.html"
    result = CliRunner().invoke(
        cli, ["export", "--format", "html", "--tour", "default", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert _loads(page) == []
    assert 'src="http' not in page
    assert not re.search(r"<script[^>]*\bsrc=|<link[^>]*\bhref=", page)
    data = json.loads(
        re.search(
            r'<script type="application/json" id="tour-data">(.*?)</script>',
            page,
            re.S,
        )[1]
    )
    tours, _ = load.read_tours()
    default = tours.tours["default"]
    assert len(data["steps"]) == len(default.steps)
    for step, event in zip(data["steps"], default.steps, strict=True):
        assert step["event"] == event.event
        assert json.dumps(step["title"], ensure_ascii=False)[1:-1] in page
    assert list(tmp_path.iterdir()) == [out]  # written atomically, no leftovers


def test_cli_html_export_refuses_an_unknown_tour_and_writes_nothing(tmp_path):
    out = tmp_path / "x.html"
    result = CliRunner().invoke(
        cli, ["export", "--format", "html", "--tour", "nope", "-o", str(out)]
    )
    assert result.exit_code == 2
    assert "no such tour (got 'nope'; expected: default)" in result.output
    assert not out.exists()


def test_cli_tour_option_needs_html_format(tmp_path):
    result = CliRunner().invoke(
        cli, ["export", "--format", "csv", "--tour", "default", "-o", "-"]
    )
    assert result.exit_code == 2
    assert "--tour applies to --format html only" in result.output


def test_cli_validate_checks_given_tour_files(mini_root, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MAPAPP_DATA", str(mini_root))
    result = CliRunner().invoke(
        cli, ["validate", "--json", "tests/data/tours/unknown-event.yaml"]
    )
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert [e["text"] for e in report["errors"]] == [
        "tests/data/tours/unknown-event.yaml:6: unknown-event: steps[1].event: "
        "unknown event (got 'crossing-b'; expected an event id; closest: crossing-a)"
    ]
    assert report["tours"] == 1


def test_cli_validate_checks_bundled_tours(tmp_path, monkeypatch):
    import shutil

    for part in ("events", "geodata"):
        shutil.copytree(ROOT / part, tmp_path / part)
    path = tmp_path / "events" / "tours" / "default.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("1962-05-29-yining-riot", "1962-05-29-riot", 1))
    monkeypatch.setenv("MAPAPP_DATA", str(tmp_path))
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert "events/tours/default.yaml:" in result.stderr
    assert "unknown event (got '1962-05-29-riot'" in result.stderr


def test_a_tour_written_as_yaml_reads_back_the_same():
    tours, problems = load.read_tours()
    assert problems == []
    for chosen in tours.tours.values():
        text = tour.tour_yaml(chosen)
        back, found = load.parse_tours(text.encode("utf-8"), "t.yaml")
        assert found == [] and back.tours[chosen.id] == chosen


def test_a_tour_file_anywhere_is_validated_as_a_tour(tmp_path):
    tours, _ = load.read_tours()
    path = tmp_path / "mine.yaml"  # not in a folder named tours
    path.write_text(tour.tour_yaml(tours.tours["default"]), encoding="utf-8")
    assert load.classify(path) == "tours"
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert "1 tour(s); 0 problem(s)" in result.output


def test_parse_tours_reports_bad_bytes_with_the_file_name():
    tours, problems = load.parse_tours(b"\xff\xfe", "upload.yaml")
    assert tours.tours == {} and problems[0].file == "upload.yaml"


def test_a_tour_needs_no_description():
    """A draft without one was given its title as description: shown twice."""
    bare = tour.Tour(
        id="bare", title="Bare", steps=[{"event": "1962-05-29-yining-riot"}]
    )
    text = tour.tour_yaml(bare)
    assert "description" not in text
    back, found = load.parse_tours(text.encode("utf-8"), "bare.yaml")
    assert found == [] and back.tours["bare"] == bare and bare.description is None
