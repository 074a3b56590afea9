from datetime import date

import pytest

from mapapp.dates import parse_edtf
from mapapp.errors import EDTFError


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "precision"),
    [
        ("1962-04-22", date(1962, 4, 22), date(1962, 4, 22), "day"),
        ("1962-04", date(1962, 4, 1), date(1962, 4, 30), "month"),
        ("1962-02", date(1962, 2, 1), date(1962, 2, 28), "month"),
        ("1964-02", date(1964, 2, 1), date(1964, 2, 29), "month"),
        ("1962", date(1962, 1, 1), date(1962, 12, 31), "year"),
        ("1881", date(1881, 1, 1), date(1881, 12, 31), "year"),
        ("0900", date(900, 1, 1), date(900, 12, 31), "year"),
        ("1962-21", date(1962, 3, 1), date(1962, 5, 31), "season"),
        ("1961-24", date(1961, 12, 1), date(1962, 2, 28), "season"),
        ("196X", date(1960, 1, 1), date(1969, 12, 31), "decade"),
        ("19XX", date(1900, 1, 1), date(1999, 12, 31), "century"),
        ("1962-XX", date(1962, 1, 1), date(1962, 12, 31), "year"),
        ("1962-04-XX", date(1962, 4, 1), date(1962, 4, 30), "month"),
        ("1962-XX-XX", date(1962, 1, 1), date(1962, 12, 31), "year"),
    ],
)
def test_single_dates(text, earliest, latest, precision):
    when = parse_edtf(text)
    assert (when.earliest, when.latest, when.precision) == (earliest, latest, precision)
    assert not when.interval and not when.approximate and not when.uncertain
    assert when.edtf == text


@pytest.mark.parametrize(
    ("text", "approximate", "uncertain"),
    [("1962-03~", True, False), ("1962-05-30?", False, True), ("1962-05%", True, True)],
)
def test_qualifiers(text, approximate, uncertain):
    when = parse_edtf(text)
    assert (when.approximate, when.uncertain) == (approximate, uncertain)


def test_approximate_month_keeps_its_bounds():
    when = parse_edtf("1962-03~")
    assert (when.earliest, when.latest, when.precision) == (
        date(1962, 3, 1),
        date(1962, 3, 31),
        "month",
    )


def test_interval():
    when = parse_edtf("1962-04-10/1962-04-20")
    assert when.interval
    assert (when.earliest, when.latest, when.precision) == (
        date(1962, 4, 10),
        date(1962, 4, 20),
        "day",
    )


def test_interval_of_months_and_years():
    assert parse_edtf("1962-04/1962-05").latest == date(1962, 5, 31)
    assert parse_edtf("1962/1972").latest == date(1972, 12, 31)


@pytest.mark.parametrize(
    ("text", "earliest", "latest", "open_start", "open_end"),
    [
        ("1962-08/..", date(1962, 8, 1), date.max, None, "open"),
        ("1962-08/", date(1962, 8, 1), date.max, None, "unknown"),
        ("../1962-05-29", date.min, date(1962, 5, 29), "open", None),
        ("/1962", date.min, date(1962, 12, 31), "unknown", None),
    ],
)
def test_open_intervals(text, earliest, latest, open_start, open_end):
    when = parse_edtf(text)
    assert (when.earliest, when.latest) == (earliest, latest)
    assert (when.open_start, when.open_end) == (open_start, open_end)


def test_qualified_interval():
    when = parse_edtf("1962-03~/1962-05")
    assert when.approximate and when.interval


def test_yaml_int_is_a_year():
    assert parse_edtf(1962).edtf == "1962"


def test_overlaps():
    when = parse_edtf("1962-04")
    assert when.overlaps(date(1962, 4, 30), date(1962, 6, 1))
    assert not when.overlaps(date(1962, 5, 1), date(1962, 6, 1))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "1962-02-30",
            "impossible date: February 1962 has 28 days (got '1962-02-30'; "
            "expected a day from 01 to 28)",
        ),
        ("1962-04-31", "impossible date: April 1962 has 30 days"),
        ("1962-13", "month 13 does not exist (got '1962-13'"),
        ("1962-00", "month 00 does not exist"),
        ("1962-04-00", "impossible date: April 1962 has 30 days"),
        ("62-04-22", "not an EDTF date (got '62-04-22'"),
        ("22 April 1962", "not an EDTF date (got '22 April 1962'"),
        ("1962-4-22", "not an EDTF date"),
        ("1962-04-22T10:00", "not an EDTF date"),
        ("", "empty date"),
        ("../..", "both ends are open"),
        ("1962/1963/1964", "more than one '/'"),
        ("1962-04-20/1962-04-10", "interval ends before it starts"),
        ("196X-04", "a year with unspecified digits cannot have a month or day"),
        ("1962-XX-22", "a day without a month"),
        ("1962-21-03", "a season has no day"),
        ("0000", "year 0 is not supported"),
        ("1962-?04", "not an EDTF date"),
        ("1962~~", "not an EDTF date"),
    ],
)
def test_rejected(text, message):
    with pytest.raises(EDTFError) as info:
        parse_edtf(text)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize("value", [None, 1962.5, True, ["1962"]])
def test_rejected_types(value):
    with pytest.raises(EDTFError, match="not an EDTF date"):
        parse_edtf(value)


@pytest.mark.parametrize(
    ("text", "human"),
    [
        ("1962-04-22", "22 April 1962"),
        ("1962-04", "April 1962"),
        ("1962-03~", "about March 1962"),
        ("1962-05-30?", "30 May 1962 (uncertain)"),
        ("1962-04-10/1962-04-20", "10–20 April 1962"),
        ("1962-05-21/1962-06-02", "21 May – 2 June 1962"),
        ("1962-04/1962-05", "April–May 1962"),
        ("1962/1972", "1962–1972"),
        ("1962-08/..", "from August 1962"),
        ("1962-08/", "from August 1962 (end unknown)"),
        ("1962-21", "spring 1962"),
        ("196X", "the 1960s"),
    ],
)
def test_human(text, human):
    assert parse_edtf(text).human() == human
