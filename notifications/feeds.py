"""The public calendar feed of each body (``<body>.ics``, METHOD:PUBLISH), kept in a folder.

The public and the members subscribe to one feed per body and see every meeting of it: planned,
notified, held and cancelled. A cancelled meeting stays in the feed with STATUS:CANCELLED, so a
subscribed calendar removes it instead of keeping a meeting that will not be held. Written
handlings (KL § 11-8 (2)) are no sittings, have no time or place to attend, and are left out.

The feed is public: it is built from the PUBLIC read models only (an exempt case shows its
neutral title and legal basis, never its real title), and it carries no ORGANIZER, ATTENDEE or
member address. Each meeting has the same UID as the invitations the members received, so a
member who has both sees one meeting, not two, and the SEQUENCE is the one the invitations use.

``write_feeds`` is cheap enough to call after every dispatcher run or sweep: a file is only
rewritten when something other than DTSTAMP changed, and then atomically, so a web server
serving the folder never hands out half a file.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

from domain.queries.format import PUBLIC
from domain.queries.meetings import meeting_detail, meeting_list
from domain.rules.terms import MeetingKind, MeetingStatus
from domain.store.uow import UnitOfWork
from notifications.events import REMOTE_PLACE, meeting_event
from notifications.invites import MeetingEvent, feed

__all__ = ["REMOTE_PLACE", "feed_for", "write_feeds"]

#: DTSTAMP changes on every build; it says when the file was made, not what it holds.
_DTSTAMP = re.compile(rb"^DTSTAMP[;:][^\r\n]*\r?\n", re.MULTILINE)

#: A body id becomes a file name: nothing that could leave the folder or hide the file.
_FILE_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


def _event(uow: UnitOfWork, ref: str) -> MeetingEvent:
    """The meeting as a public calendar event, with the UID and SEQUENCE of its invitations."""
    meeting = uow.meetings.get(ref)
    detail = meeting_detail(uow, meeting, PUBLIC)
    return meeting_event(uow, meeting, detail, sequence=meeting.calendar_sequence or 0,
                         cancelled=detail["status"] == MeetingStatus.CANCELLED)


def _sittings(uow: UnitOfWork, body_id: str | None = None) -> list[dict[str, Any]]:
    """The meetings that are sittings (not written handlings), by start."""
    return [m for m in meeting_list(uow, body=body_id) if m["kind"] != MeetingKind.WRITTEN]


def feed_for(uow: UnitOfWork, body_id: str) -> bytes:
    """The public feed of the body's meetings (an empty calendar when it has none, so a
    subscription made early does not fail)."""
    meetings = _sittings(uow, body_id)
    name = meetings[0]["body_name"] if meetings else uow.bodies.get(body_id).name
    events = [_event(uow, m["ref"]) for m in meetings]
    return feed(events, name=name, stamp=uow.now)


def _content(data: bytes) -> bytes:
    """What a feed says, without when it was made: the key to 'did anything change'."""
    return _DTSTAMP.sub(b"", data)


def _write_atomically(path: Path, data: bytes) -> None:
    """Temp file in the same folder (same file system) and ``os.replace``: a reader sees the
    old file or the new one, never a part of it."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)  # a public feed: mkstemp's 0600 would hide it from a web server
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _mark(folder: Path) -> Path:
    """Where the last change the feeds in ``folder`` were built from is kept (``Reads.
    last_change``): beside the folder, not in it, since the folder is published."""
    return folder.parent / f".{folder.name}.built-from"


def write_feeds(uow: UnitOfWork, folder: Path) -> list[Path]:
    """Write ``<folder>/<body_id>.ics`` for every body with meetings; returns the files that
    were (re)written. A file whose content is unchanged but for DTSTAMP is left alone, so
    subscribers polling with If-Modified-Since or ETag are not made to download it again.
    When nothing was changed since the feeds were last built (the journal's newest entry is
    the same), nothing is built: the outbox is delivered every minute, the feeds change
    seldom."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    mark = _mark(folder)
    last = uow.reads.last_change()
    try:
        built_from, *names = mark.read_text(encoding="utf-8").split()
    except (FileNotFoundError, ValueError):
        built_from, names = None, []
    if last is not None and built_from == str(last) and all(
            (folder / name).is_file() for name in names):
        return []
    written = _write_changed(uow, folder)
    if last is not None:
        names = sorted(p.name for p in folder.glob("*.ics"))
        _write_atomically(mark, "\n".join([str(last), *names]).encode() + b"\n")
    return written


def _write_changed(uow: UnitOfWork, folder: Path) -> list[Path]:
    bodies = list(dict.fromkeys(m["body"] for m in _sittings(uow)))
    written: list[Path] = []
    for body_id in bodies:
        data = feed_for(uow, body_id)
        if not _FILE_SAFE.fullmatch(body_id):
            raise ValueError(f"organet {body_id!r} kan ikkje vere eit filnamn")
        path = folder / f"{body_id}.ics"
        try:
            old = path.read_bytes()
        except FileNotFoundError:
            old = None
        if old is not None and _content(old) == _content(data):
            continue
        _write_atomically(path, data)
        written.append(path)
    return written
