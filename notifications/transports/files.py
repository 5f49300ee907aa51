"""A transport that writes each message as ``<folder>/<key>.eml``: for a pilot without an SMTP
server, or to let a person look at what would have been sent (any mail client opens .eml).

Writing is atomic (a temp file in the same folder, fsync, ``os.replace``), so a reader never sees
half a message, and idempotent by key: sending the same key again replaces the same file; it
never makes a second one. The envelope (from, recipients) is not in an .eml; it is kept in the
message's own From/To headers, which is what a mail client shows anyway.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from notifications.transports import TemporaryFailure

__all__ = ["FileTransport", "safe_name"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(key: str) -> str:
    """A file name for ``key``: readable characters kept, the rest replaced, and a short hash of
    the whole key appended whenever something was replaced (so "a/b" and "a_b" stay apart)."""
    cleaned = _UNSAFE.sub("_", key).strip("._") or "melding"
    if cleaned != key or len(cleaned) > 120:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
        cleaned = f"{cleaned[:120]}-{digest}"
    return cleaned


class FileTransport:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def __enter__(self) -> FileTransport:
        self.folder.mkdir(parents=True, exist_ok=True)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        return None

    def path_for(self, key: str) -> Path:
        return self.folder / f"{safe_name(key)}.eml"

    def send(self, envelope_from: str, recipients: Sequence[str], message: bytes, *,
             key: str) -> str:
        target = self.path_for(key)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=".eml")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(message)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:  # a full disk or a read-only folder: it may work later
            raise TemporaryFailure(f"kunne ikkje skrive {target}: {exc.strerror or exc}") from exc
        return str(target)
