"""What the server keeps of a researcher's upload, so that a link or a reload finds it.

An upload is stored under an unguessable token (``secrets.token_urlsafe``), never
under a name the user chose: a token is checked against :data:`TOKEN` before it
becomes part of a path. Each file is capped (:data:`mapapp.io.MAX_BYTES`), so is
the store as a whole; an upload expires after ``ttl`` seconds, and can be deleted at
once. An expired upload leaves a marker for a day, so that a late link can be told
"expired" rather than "unknown". Files are written atomically.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from mapapp.errors import MapAppError
from mapapp.io import MAX_BYTES
from mapapp.write import write_atomic

TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
TTL = 24 * 3600  # s: how long an upload is kept
TOTAL = 1024 * 1024 * 1024  # bytes: every upload together
GONE_FOR = 24 * 3600  # s: how long "expired" is remembered


class UploadError(MapAppError):
    """An upload that cannot be kept, or a link to one that is not there."""


class UploadExpired(UploadError):
    """The link names an upload that was kept, and has expired or been deleted."""


@dataclass(frozen=True)
class Upload:
    """A kept upload: its bytes, its file name and how it is shown."""

    token: str
    raw: bytes
    label: str
    replace: bool
    expires: float


def default_root() -> Path:
    """Return the store's folder: ``$MAPAPP_UPLOADS``, or one in the temp folder."""
    given = os.environ.get("MAPAPP_UPLOADS")
    return Path(given) if given else Path(tempfile.gettempdir()) / "mapapp-uploads"


class UploadStore:
    """Uploads kept on the server's disk, by token.

    Parameters
    ----------
    root : Path
        The folder (created, readable by this user only).
    ttl : float
        Seconds an upload is kept.
    total : int
        Bytes all uploads may take together.
    """

    def __init__(self, root: Path, ttl: float = TTL, total: int = TOTAL) -> None:
        self.root, self.ttl, self.total = root, ttl, total
        root.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _paths(self, token: str) -> tuple[Path, Path, Path]:
        if not TOKEN.match(token or ""):
            raise UploadError(
                "the link's upload token is malformed (expected 32 letters, digits, "
                "- or _)"
            )
        return (
            self.root / f"{token}.data",
            self.root / f"{token}.json",
            self.root / f"{token}.gone",
        )

    def put(self, raw: bytes, label: str, replace: bool) -> Upload:
        """Keep an upload; return it with its new token.

        Raises
        ------
        UploadError
            When the file is over the per-file cap, or the store is full even after
            expired uploads are swept.
        """
        if len(raw) > MAX_BYTES:
            raise UploadError(
                f"the file is {len(raw) / 1e6:.1f} MB; at most "
                f"{MAX_BYTES / 1e6:.0f} MB can be kept"
            )
        self.sweep()
        if self.used() + len(raw) > self.total:
            raise UploadError(
                "the server keeps no more uploads right now (its store is full); "
                "your file is shown for this session only"
            )
        token = secrets.token_urlsafe(24)
        data, meta, _ = self._paths(token)
        expires = time.time() + self.ttl
        write_atomic(data, raw)
        write_atomic(
            meta,
            json.dumps({"label": label, "replace": replace, "expires": expires}),
        )
        return Upload(token, raw, label, replace, expires)

    def update(self, token: str, raw: bytes) -> Upload:
        """Replace what a token keeps (a draft edited in place); its link stays.

        The kept time starts again. Raises UploadError as :meth:`put` does, and
        as :meth:`get` does when the token keeps nothing.
        """
        kept = self.get(token)
        if len(raw) > MAX_BYTES:
            raise UploadError(
                f"the file is {len(raw) / 1e6:.1f} MB; at most "
                f"{MAX_BYTES / 1e6:.0f} MB can be kept"
            )
        if self.used() - len(kept.raw) + len(raw) > self.total:
            raise UploadError("the server keeps no more uploads right now")
        data, meta, _ = self._paths(token)
        expires = time.time() + self.ttl
        write_atomic(data, raw)
        write_atomic(
            meta,
            json.dumps(
                {"label": kept.label, "replace": kept.replace, "expires": expires}
            ),
        )
        return Upload(token, raw, kept.label, kept.replace, expires)

    def get(self, token: str) -> Upload:
        """Return the upload a token names.

        Raises
        ------
        UploadExpired
            When it was kept and has expired or been deleted.
        UploadError
            When the token is malformed or names nothing kept here.
        """
        data, meta, gone = self._paths(token)
        try:
            info = json.loads(meta.read_text())
            raw = data.read_bytes()
        except (OSError, ValueError):
            if gone.exists():
                raise UploadExpired(
                    "the uploaded file this link names has expired or was deleted "
                    f"(uploads are kept {self.ttl / 3600:g} hours); load it again on "
                    "the data page"
                ) from None
            raise UploadError(
                "the link names an uploaded file this server does not have (it may "
                "have been kept by another server, or long ago)"
            ) from None
        if info["expires"] <= time.time():
            self.delete(token)
            return self.get(token)
        return Upload(token, raw, info["label"], bool(info["replace"]), info["expires"])

    def delete(self, token: str) -> None:
        """Delete an upload now (its link then says it has expired or was deleted)."""
        data, meta, gone = self._paths(token)
        write_atomic(gone, str(time.time() + GONE_FOR))
        data.unlink(missing_ok=True)
        meta.unlink(missing_ok=True)

    def used(self) -> int:
        """Return the bytes the kept uploads take."""
        return sum(p.stat().st_size for p in self.root.glob("*.data"))

    def sweep(self) -> None:
        """Delete expired uploads, and forget long-expired markers."""
        now = time.time()
        for meta in self.root.glob("*.json"):
            try:
                expired = json.loads(meta.read_text())["expires"] <= now
            except (OSError, ValueError, KeyError):
                expired = True
            if expired:
                self.delete(meta.stem)
        for gone in self.root.glob("*.gone"):
            try:
                if float(gone.read_text()) <= now:
                    gone.unlink(missing_ok=True)
            except (OSError, ValueError):
                gone.unlink(missing_ok=True)
