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
