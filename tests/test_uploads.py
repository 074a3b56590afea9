"""Uploads kept by token: capped, expiring, deletable, never a user's path."""

from __future__ import annotations

import time

import pytest

from mapapp import uploads
from mapapp.uploads import UploadError, UploadExpired, UploadStore


def test_an_upload_is_found_again_by_its_token(tmp_path):
    store = UploadStore(tmp_path)
    kept = store.put(b"id,title\n", "mine.csv", replace=True)
    assert uploads.TOKEN.match(kept.token)
    again = store.get(kept.token)
    assert (again.raw, again.label, again.replace) == (b"id,title\n", "mine.csv", True)
    assert store.put(b"x", "b.csv", False).token != kept.token


@pytest.mark.parametrize(
    "token", ["../../etc/passwd", "a/b", "", "x" * 31, "x" * 33, "abc.def" * 5]
)
def test_a_token_is_never_a_path(tmp_path, token):
    with pytest.raises(UploadError, match="malformed"):
        UploadStore(tmp_path).get(token)


def test_an_unknown_token_is_told_apart_from_an_expired_one(tmp_path):
    store = UploadStore(tmp_path, ttl=0.2)
    with pytest.raises(UploadError, match="does not have"):
        store.get("A" * 32)
    kept = store.put(b"data", "mine.csv", False)
    time.sleep(0.3)
    with pytest.raises(UploadExpired, match="expired"):
        store.get(kept.token)
    assert not list(tmp_path.glob("*.data"))  # the bytes are gone


def test_delete_now(tmp_path):
    store = UploadStore(tmp_path)
    kept = store.put(b"data", "mine.csv", False)
    store.delete(kept.token)
    with pytest.raises(UploadExpired):
        store.get(kept.token)


def test_the_store_is_capped_per_file_and_in_total(tmp_path, monkeypatch):
    store = UploadStore(tmp_path, total=10)
    store.put(b"123456", "a.csv", False)
    with pytest.raises(UploadError, match="full"):
        store.put(b"123456", "b.csv", False)
    monkeypatch.setattr(uploads, "MAX_BYTES", 3)
    with pytest.raises(UploadError, match="at most"):
        UploadStore(tmp_path / "other").put(b"1234", "c.csv", False)


def test_expired_uploads_make_room(tmp_path):
    store = UploadStore(tmp_path, ttl=0.2, total=10)
    store.put(b"123456", "a.csv", False)
    time.sleep(0.3)
    store.put(b"123456", "b.csv", False)
    assert store.used() == 6


def test_update_keeps_the_token_and_renews_the_time(tmp_path):
    store = UploadStore(tmp_path, ttl=60)
    kept = store.put(b'{"steps": []}', "tour-draft.json", False)
    again = store.update(kept.token, b'{"steps": [1]}')
    assert again.token == kept.token and again.expires >= kept.expires
    assert store.get(kept.token).raw == b'{"steps": [1]}'
    assert store.get(kept.token).label == "tour-draft.json"


def test_update_of_a_missing_or_bad_token_is_refused(tmp_path):
    store = UploadStore(tmp_path)
    with pytest.raises(UploadError):
        store.update("a" * 32, b"x")
    with pytest.raises(UploadError):
        store.update("../../etc/passwd", b"x")
