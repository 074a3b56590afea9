"""The wording of problems (mapapp.problems): file, line, record, field, value."""

from mapapp.io import parse_yaml
from mapapp.model import Event
from mapapp.problems import build, record_mappings

YAML = """\
- id: counted
  title: Counted
  summary: s
  kind: riot
  when: 1962-02-30
  sources: [{source: memo}]
"""


def test_each_error_names_its_file_line_record_field_and_what_is_allowed():
    records, problems = record_mappings(parse_yaml(YAML, "e.yaml"), "e.yaml")
    assert problems == []
    event, found = build(Event, records[0], "e.yaml", 0)
    assert event is None
    by_field = {p.field: p for p in found}
    kind = by_field["kind"]
    assert (kind.file, kind.line, kind.record) == ("e.yaml", 4, "counted")
    assert "got 'riot'" in kind.message and "'crossing'" in kind.message
    assert by_field["when"].line == 5 and "1962-02-30" in by_field["when"].message


def test_a_file_that_is_not_a_list_of_records_says_so():
    _, problems = record_mappings(parse_yaml("just text\n", "x.yaml"), "x.yaml")
    assert "expected a list of records" in problems[0].message
    _, problems = record_mappings(parse_yaml("- 3\n", "x.yaml"), "x.yaml")
    assert (problems[0].line, problems[0].record) == (1, "#1")
    assert "expected a record" in problems[0].message
    _, problems = record_mappings(None, "empty.yaml")
    assert "file is empty" in problems[0].message


def test_judge_checks_a_column_of_distinct_values_by_the_models_rules():
    from mapapp.model import Event
    from mapapp.problems import judge

    checked, found = judge(Event, "id", ["ok-1", "Bad Id", "x" * 121])
    assert checked == ["ok-1", None, None]
    assert found[0] == []
    assert found[1] == [
        ("id", "bad format (got 'Bad Id'; expected an id of lowercase letters, "
         "digits and hyphens)")
    ]  # fmt: skip
    assert found[2][0][0] == "id" and "120" in found[2][0][1]
    claims = [[{"quantity": "people", "low": 5, "high": 4, "scope": "s",
                "claimant": "c", "source": "memo"}]]  # fmt: skip
    checked, found = judge(Event, "claims", claims)
    assert checked == [None]
    assert found[0][0][0] == "claims[0]" and "upside down" in found[0][0][1]
