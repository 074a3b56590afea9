"""A file's rows as columns, and their distinct cells (mapapp.rowcolumns)."""

from mapapp.rowcolumns import Columns, Row, Table, by_cell, distinct, per_cell


def test_distinct_tells_cells_apart_by_type_and_value():
    codes, first = distinct([1, "1", True, 1.0, "1", None, [1], [1]])
    assert codes.tolist() == [0, 1, 2, 3, 1, 4, 5, 5]
    assert first == [0, 1, 2, 3, 5, 6]


def test_distinct_combines_columns():
    codes, first = distinct(["a", "a", "b", "a"], ["x", "y", "x", "x"])
    assert codes.tolist() == [0, 1, 2, 0] and first == [0, 1, 2]


def test_per_cell_works_each_distinct_cell_out_once():
    seen = []
    out = per_cell([" a", "b", " a", None], lambda v: seen.append(v) or str(v).strip())
    assert out == ["a", "b", "a", "None"]
    assert seen.count(" a") == 1 and seen.count(None) == 1


def test_columns_of_a_csv_table_and_of_geojson_rows():
    table = Table(["id", "title", "id"], [["a", "A", "b"], ["c", None, "d"]], [2, 3])
    cols = Columns.of(table)
    assert cols.get("id") == ["b", "d"]  # the last column of a name counts
    assert cols.get("title") == ["A", None] and cols.get("place") == [None, None]
    rows = [Row(1, 2, {"id": "a", "when": 1962}, (80.0, 44.0), "Point")]
    cols = Columns.of(rows)
    assert cols.get("when") == [1962] and cols.points == [(80.0, 44.0)]
    assert cols.row(0) == {"id": "a", "when": 1962}


def test_by_cell_codes_each_cell_and_makes_each_distinct_one_once():
    made = []

    def make(cell):
        made.append(cell)
        return f"<{cell}>"

    codes, out = by_cell(["a", None, "a", 1, "1", None], make)
    assert made == ["a", 1, "1", None]  # the last: no cell
    assert [out[c] for c in codes] == ["<a>", "<None>", "<a>", "<1>", "<1>", "<None>"]
    assert codes[0] == codes[2] and codes[1] == codes[5] == len(out) - 1
    assert codes[3] != codes[4]
