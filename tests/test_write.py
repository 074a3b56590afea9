"""Atomic writers (mapapp.write)."""

import pytest

from mapapp import write

# --- atomic text exports -----------------------------------------------------------


def test_failed_text_export_leaves_no_file(tmp_path, monkeypatch):
    def broken(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(write.os, "fsync", broken)
    with pytest.raises(OSError, match="No space left"):
        write.write_atomic(tmp_path / "events.geojson", "{}")
    assert list(tmp_path.iterdir()) == []


def test_write_atomic_leaves_nothing_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    target.write_text("old")

    def boom(*args):
        raise OSError("disk full")

    monkeypatch.setattr(write.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        write.write_atomic(target, "new")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
