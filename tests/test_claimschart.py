"""The chart of competing figures (mapapp.claimschart)."""

import itertools
import json
import math
from datetime import date

from mapapp import claimschart
from mapapp.dataset import Dataset
from mapapp.model import Event, Source
from tests.test_timeline import data


def test_claims_frame_keeps_running_totals_only():
    frame = claimschart.claims_frame(data())
    assert frame["value"].tolist() == [10000, 60000]
    assert frame["total"].tolist() == [False, True]
    assert frame["measure"].tolist() == [claimschart.CROSSED, claimschart.LEFT_IN_YEAR]
    assert frame.loc[0, "figure"] == "~10,000"
    spec = claimschart.claims_chart(frame).to_dict()
    assert spec["layer"][0]["mark"]["type"] == "line"


def figures():
    """Claims as in the bundled data: seven claimants, 2,000 to 74,570 people."""
    src = {"s": Source(id="s", title="S", kind="primary", grade="B", summary="x")}

    def claim(claimant, value, as_of=None, scope="people who crossed"):
        return {
            "quantity": "people",
            "value": value,
            "scope": scope,
            "claimant": claimant,
            "source": "s",
            **({"as_of": as_of} if as_of else {}),
        }

    claims = [
        claim("Xinjiang FAO", 2000, "1962-04-20"),
        claim("Soviet government", 10000, "1962-04-24"),
        claim("PRC MFA", 20000, "1962-04-24"),
        claim("PRC MFA", 60000, "1962-05~"),
        claim("hprc", 61361, "1962-05-31", "people who actually crossed"),
        claim("hprc", 74570, scope="people who took part in the flight"),
        claim("Kraus 2019", 60000, "1962", "total who left in 1962"),
        claim("WCDA", 60000, "1962", "total who left in 1962"),
        claim("DBpedia", 67000, "1962", "total who left in 1962"),
        claim("Kraus 2019", 2000, scope="crowd in Yining"),  # no date: not drawn
        {**claim("Soviet government", 5000), "quantity": "livestock"},
    ]
    ev = Event(
        id="sizes",
        title="Sizes",
        summary="s",
        kind="crossing",
        when="1962-04~/1962-05",
        claims=claims,
        sources=[{"source": "s"}],
    )
    other = Event(
        id="memo",
        title="Memo",
        summary="s",
        kind="diplomacy",
        when="1962-04-24",
        claims=[claim("Soviet government", 10000, "1962-04-24")],  # a repeat
        sources=[{"source": "s"}],
    )
    return Dataset.of(events=(ev, other), sources=src)


CLAIMANTS = [
    "Xinjiang FAO",
    "Soviet government",
    "PRC MFA",
    "hprc",
    "Kraus 2019",
    "WCDA",
    "DBpedia",
]


def claims_spec(selected=None) -> dict:
    return claimschart.claims_chart(
        claimschart.claims_frame(figures(), selected)
    ).to_dict()


def encodings(spec: dict, channel: str) -> list[dict]:
    return [
        la["encoding"][channel] for la in spec["layer"] if channel in la["encoding"]
    ]


def test_took_part_is_told_apart_from_crossed():
    frame = claimschart.claims_frame(figures()).set_index("value")
    assert frame.loc[74570, "measure"] == claimschart.TOOK_PART
    assert frame.loc[61361, "measure"] == claimschart.CROSSED
    # the claim gives no date: drawn at the end of its event's, and says so
    assert frame.loc[74570, "as_of"].date() == date(1962, 5, 31)
    assert "not given" in frame.loc[74570, "as_of_text"]
    assert "1962" in frame.loc[74570, "as_of_text"]
    assert 2000 not in frame[frame["claimant"] == "Kraus 2019"].index  # a crowd
    assert 5000 not in frame.index  # livestock
    assert (frame["claimant"] == "Soviet government").sum() == 1  # one of two repeats
    (shape,) = encodings(claims_spec(), "shape")
    assert shape["field"] == "measure"
    assert shape["scale"]["domain"] == [
        claimschart.CROSSED,
        claimschart.LEFT_IN_YEAR,
        claimschart.TOOK_PART,
    ]
    assert len(set(shape["scale"]["range"])) == 3  # three different marks
    assert shape["title"] == "What the figure counts"
    assert shape["legend"]["orient"] == "top"  # read before the marks


def test_claims_chart_has_a_log_scale_with_round_ticks():
    spec = claims_spec()
    ys = [e for e in encodings(spec, "y") if e["field"] == "value"]
    assert len(ys) == 3  # lines, ranges and marks
    (y,) = {json.dumps(e, sort_keys=True) for e in ys}  # one axis, one scale
    y = ys[0]
    assert y["scale"]["type"] == "log"
    assert "log scale" in y["title"]
    assert y["axis"]["values"] == [1000, 2000, 5000, 10000, 20000, 50000, 100000]
    assert y["axis"]["format"] == ","  # 10,000
    assert y["scale"]["domain"] == [1000, 100000]


def test_log_ticks_are_one_two_five():
    assert claimschart.log_ticks(2000, 74570) == [
        1000,
        2000,
        5000,
        10000,
        20000,
        50000,
        100000,
    ]
    assert claimschart.log_ticks(500, 6000) == [200, 500, 1000, 2000, 5000, 10000]
    assert claimschart.log_ticks(60000, 60000) == [20000, 50000, 100000]


def test_every_claimant_is_in_the_colour_legend():
    spec = claims_spec()
    colours = encodings(spec, "color")
    (colour,) = {str(c) for c in colours}  # one scale, shared by every layer
    colour = colours[0]
    assert colour["scale"]["domain"] == CLAIMANTS
    assert len(set(colour["scale"]["range"])) == len(CLAIMANTS)
    assert colour["legend"]["orient"] == "bottom"
    assert colour["legend"]["labelLimit"] >= 300  # not cut to a few characters


def test_each_figure_is_written_beside_its_mark():
    spec = claims_spec()
    (text,) = [la for la in spec["layer"] if la["mark"]["type"] == "text"]
    assert text["encoding"]["text"]["field"] == "figure"
    (rows,) = spec["datasets"].values()
    assert {r["figure"] for r in rows} >= {"2,000", "61,361", "74,570", "67,000"}
    # figures at one date are written at least LABEL_GAP px apart on the plot
    height = spec["height"]
    may = sorted(r["label_value"] for r in rows if r["as_of"].startswith("1962-05-31"))
    assert len(may) == 3
    px = [math.log10(v) / 2 * height for v in may]  # the scale spans 2 decades
    assert min(b - a for a, b in itertools.pairwise(px)) >= claimschart.LABEL_GAP - 0.01
    # marks on one point (two claims of 60,000 for 1962) are moved apart
    year = [r["dodge"] for r in rows if r["as_of"].startswith("1962-12-31")]
    assert len(set(year)) == len(year) == 3


def test_clicking_a_figure_selects_its_event():
    spec = claims_spec(selected="sizes")
    params = spec["params"] + [p for la in spec["layer"] for p in la.get("params", [])]
    assert [(p["name"], p["select"]["fields"]) for p in params] == [
        (claimschart.CLAIM, ["event"])
    ]
    (rows,) = spec["datasets"].values()
    assert {r["event"] for r in rows if r["selected"]} == {"sizes"}


def test_the_claims_chart_keeps_its_height_in_the_page():
    spec = claims_spec()
    assert spec["height"] == claimschart.CLAIMS_HEIGHT
    assert spec["autosize"]["type"] == "fit-x"  # legends add to it, never squash it
