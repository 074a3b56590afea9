"""Readers (mapapp.io): YAML with line numbers, size caps, UTF-8."""

import pytest

from mapapp import io
from mapapp.errors import DataError


def test_yaml_keeps_dates_as_text(tmp_path):
    doc = io.parse_yaml("when: 1962-04-22\nyear: 1962\n", "x.yaml")
    assert doc == {"when": "1962-04-22", "year": 1962}
    assert doc.lines == {"when": 1, "year": 2}


def test_too_large_file_is_refused(tmp_path, monkeypatch):
    big = tmp_path / "big.yaml"
    big.write_text("- id: a\n" + "#" * 2000)
    monkeypatch.setattr(io, "MAX_BYTES", 1000)
    with pytest.raises(DataError, match=r"big.yaml: file is 0.0 MB; the limit is 0 MB"):
        io.read_text(big, "big.yaml")


def test_bom_is_accepted():
    assert io.decode("\ufeff- id: a\n".encode(), "x") == "- id: a\n"
