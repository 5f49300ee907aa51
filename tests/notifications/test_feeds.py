"""The public calendar feed per body, read back by three independent parsers.

The feed is built from the database, so these tests run the real flow: cases recommended onto
a meeting, the notice sent (invitations in the outbox, dispatched to memory), a written
handling started and a meeting cancelled. What they guard: the feed is public (no exempt title,
no member address), it names each meeting with the UID and SEQUENCE of its invitations, and
``write_feeds`` only touches a file when what it says has changed.
"""

from __future__ import annotations

import email
import email.policy
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from domain.errors import NotFound
from domain.queries.written import written_view
from notifications.dispatch import dispatch
from notifications.events import meeting_uid
from notifications.feeds import feed_for, write_feeds
from notifications.transports.memory import MemoryTransport
from tests.conftest import CE, CHAIR, DIRECTOR, Db
from tests.integration.test_case_lifecycle import register

RR = "RR-2026-08-27"
SECRET_TITLE = "Søknad frå Løyndom AS"
PUBLIC_TITLE = "Søknad om tilskot"
BASIS = "offl. § 13 jf. fvl. § 13 første ledd nr. 2"


def three(data: bytes) -> tuple[Any, Any, Any]:
    """The same bytes read by icalendar, vobject and ical, in that order."""
    text = data.decode("utf-8")
    return (Calendar.from_ical(data), vobject.readOne(text),
            IcsCalendarStream.calendar_from_ics(text))


def unfolded(data: bytes) -> str:
    """The raw text with folded lines joined and TEXT escapes undone, for 'nowhere in the
    file' checks that a fold in the middle of a word must not defeat."""
    text = data.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")
    return text.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n")


def _recommended(db: Db, title: str, **kwargs: Any) -> str:
    number = register(db, title, **kwargs)
    db.run("case.recommend", CE, case=number, text=f"Tilråding i {number}.")
    db.reconcile(number)
    return number


def _season(db: Db) -> str:
    """An open and an exempt case on RR's agenda, a written handling of an urgent case, and the
    notice of RR sent (dispatched to memory). Returns the ref of the written handling."""
    _recommended(db, "Felles breiband for Ål og Flå")
    _recommended(db, SECRET_TITLE, kind="fund_allocation", exempt=BASIS,
                 public_title=PUBLIC_TITLE)
    urgent = _recommended(db, "Høyringssvar om vegplanen", kind="statement",
                          deadline=date(2026, 8, 14))
    db.run("written.start", CHAIR, case=urgent, proposal="Regionrådet sluttar seg til.",
           answer_by=date(2026, 8, 6))
    written = db.read(lambda uow: written_view(uow, urgent))["meeting"]
    meeting = db.read(lambda uow: uow.meetings.get(RR))
    db.clock.set(meeting.notice_at)
    db.sweep()
    return written


def _invitations(db: Db) -> list[Any]:
    """The VEVENTs of every calendar object the dispatcher sent, as icalendar read them."""
    transport = MemoryTransport()
    dispatch(db.engine, db.clock, transport)
    events = []
    for sent in transport.sent:
        found = re.search(rb"BEGIN:VCALENDAR.*?END:VCALENDAR\r?\n", _decoded(sent.message),
                          re.DOTALL)
        if found:
            events.extend(Calendar.from_ical(found.group(0)).walk("VEVENT"))
    return events


def _decoded(message: bytes) -> bytes:
    """The calendar part of an e-mail, transfer encoding undone."""
    parsed = email.message_from_bytes(message, policy=email.policy.default)
    for part in parsed.walk():
        if part.get_content_type() == "text/calendar":
            content = part.get_content()
            return content if isinstance(content, bytes) else content.encode("utf-8")
    return b""


def _member_addresses(db: Db) -> set[str]:
    return db.read(lambda uow: {p.email for p in uow.people.all_active() if p.email})


def _council_feed(db: Db) -> bytes:
    body = db.read(lambda uow: uow.meetings.get(RR).body_id)
    return db.read(lambda uow: feed_for(uow, body))


# --- content -------------------------------------------------------------------------------

def test_feed_has_every_sitting_of_the_body_with_the_invitations_uid(db: Db) -> None:
    written = _season(db)
    invitations = _invitations(db)
    assert invitations, "the notice should have sent invitations"
    data = _council_feed(db)
    ics, vcal, strict = three(data)

    refs = db.read(lambda uow: [m.ref for m in uow.reads.meetings(
        body=uow.bodies.get(uow.meetings.get(RR).body_id)) if m.kind != "written"])
    expected = db.read(lambda uow: [meeting_uid(uow.meetings.get(r), uow.council.email)
                                    for r in refs])
    assert str(ics["METHOD"]) == "PUBLISH"
    assert vcal.method.value == "PUBLISH"
    assert [str(e["UID"]) for e in ics.walk("VEVENT")] == expected
    assert [e.uid.value for e in vcal.vevent_list] == expected
    assert [e.uid for e in strict.events] == expected

    # the invitation of RR carries the same UID and SEQUENCE as the feed's event
    by_uid = {str(e["UID"]): e for e in ics.walk("VEVENT")}
    rr_uid = f"{RR}@hallingdal-ipr.example.org"
    assert {str(e["UID"]) for e in invitations} == {rr_uid}
    assert {int(e["SEQUENCE"]) for e in invitations} == {int(by_uid[rr_uid]["SEQUENCE"])}

    # a written handling is no sitting
    assert not any(written in uid for uid in by_uid)
    assert f"Møte: {written}" not in unfolded(data)

    # times are the meeting's, read the same by all three
    meeting = db.read(lambda uow: uow.meetings.get(RR))
    vcal_rr = next(e for e in vcal.vevent_list if e.uid.value == rr_uid)
    strict_rr = next(e for e in strict.events if e.uid == rr_uid)
    for start, end in ((by_uid[rr_uid].decoded("DTSTART"), by_uid[rr_uid].decoded("DTEND")),
                       (vcal_rr.dtstart.value, vcal_rr.dtend.value),
                       (strict_rr.dtstart, strict_rr.dtend)):
        assert start == meeting.starts_at and end == meeting.ends_at
    assert str(by_uid[rr_uid]["SUMMARY"]) == "Regionrådet for Hallingdal: møte"
    assert str(by_uid[rr_uid]["STATUS"]) == "CONFIRMED"
    assert str(by_uid[rr_uid]["URL"]) == "https://hallingdal-ipr.example.org"
    assert strict_rr.location == meeting.place


def test_feed_is_public_no_exempt_title_no_people(db: Db) -> None:
    _season(db)
    data = _council_feed(db)
    text = unfolded(data)
    ics, vcal, strict = three(data)

    assert "Løyndom" not in text and SECRET_TITLE not in text
    rr = next(e for e in ics.walk("VEVENT") if str(e["UID"]).startswith(RR))
    description = str(rr["DESCRIPTION"])
    assert PUBLIC_TITLE in description and BASIS in description
    assert re.search(r"^RR \d+/26 Felles breiband for Ål og Flå$", description, re.MULTILINE)
    assert re.search(rf"^RR \d+/26 {PUBLIC_TITLE} \(unnateke frå innsyn, ", description,
                     re.MULTILINE)
    assert "Saksliste:" in description and "torsdag 27. august 2026" in description
    vcal_rr = next(e for e in vcal.vevent_list if e.uid.value.startswith(RR))
    assert vcal_rr.description.value == description
    strict_rr = next(e for e in strict.events if e.uid.startswith(RR))
    assert strict_rr.description == description

    assert "ATTENDEE" not in text and "ORGANIZER" not in text and "mailto:" not in text.lower()
    assert not any(e.get("ATTENDEE") for e in ics.walk("VEVENT"))
    assert all(not getattr(e, "attendees", None) for e in strict.events)
    addresses = _member_addresses(db)
    assert addresses
    assert not [a for a in addresses if a.lower() in text.lower()]
    # the only "@" in the file is the domain part of the UIDs
    assert all(line.startswith("UID:") for line in text.splitlines() if "@" in line)


def test_cancelled_meeting_stays_with_status_cancelled_and_a_higher_sequence(db: Db) -> None:
    _season(db)
    before = _council_feed(db)
    notice = {str(e["UID"]): int(e["SEQUENCE"]) for e in _invitations(db)}
    db.run("meeting.cancel", DIRECTOR, meeting=RR, reason="Leiaren er sjuk")
    cancellations = _invitations(db)
    after = _council_feed(db)

    rr_uid = f"{RR}@hallingdal-ipr.example.org"
    old = {str(e["UID"]): e for e in Calendar.from_ical(before).walk("VEVENT")}
    ics, vcal, strict = three(after)
    new = {str(e["UID"]): e for e in ics.walk("VEVENT")}
    assert set(new) == set(old)  # still there, not dropped
    assert str(new[rr_uid]["STATUS"]) == "CANCELLED"
    assert int(new[rr_uid]["SEQUENCE"]) == int(old[rr_uid]["SEQUENCE"]) + 1 == notice[rr_uid] + 1
    # the same SEQUENCE as the cancellation the members got
    assert {int(e["SEQUENCE"]) for e in cancellations} == {int(new[rr_uid]["SEQUENCE"])}
    assert "Møtet er avlyst." in str(new[rr_uid]["DESCRIPTION"])
    vcal_rr = next(e for e in vcal.vevent_list if e.uid.value == rr_uid)
    assert vcal_rr.status.value == "CANCELLED" and int(vcal_rr.sequence.value) == notice[rr_uid] + 1
    strict_rr = next(e for e in strict.events if e.uid == rr_uid)
    assert str(strict_rr.status).upper().endswith("CANCELLED")
    assert strict_rr.sequence == notice[rr_uid] + 1
    # the other meetings did not change
    others = [u for u in new if u != rr_uid]
    assert all(str(new[u]["STATUS"]) == "CONFIRMED" for u in others)


def test_remote_meeting_is_located_as_a_remote_meeting(db: Db) -> None:
    db.run("meeting.add", DIRECTOR, body="council", date=date(2026, 8, 7), urgent=True,
           reason="Høyringsfrist 12.08")
    ics, vcal, strict = three(db.read(lambda uow: feed_for(uow, "council")))
    remote = next(e for e in ics.walk("VEVENT") if str(e["UID"]).startswith("RR-2026-08-07"))
    assert str(remote["LOCATION"]).startswith("Fjernmøte (kommunelova § 11-7)")
    assert "Stad: Fjernmøte (kommunelova § 11-7)" in str(remote["DESCRIPTION"])
    vcal_remote = next(e for e in vcal.vevent_list if e.uid.value.startswith("RR-2026-08-07"))
    strict_remote = next(e for e in strict.events if e.uid.startswith("RR-2026-08-07"))
    assert vcal_remote.location.value == strict_remote.location == str(remote["LOCATION"])


def test_an_unknown_body_is_refused_not_given_an_empty_feed(db: Db) -> None:
    with pytest.raises(NotFound):
        db.read(lambda uow: feed_for(uow, "ingen-slik"))


# --- files ---------------------------------------------------------------------------------

def _mtimes(folder: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def test_write_feeds_writes_each_body_once_and_only_what_changed(db: Db,
                                                                 tmp_path: Path) -> None:
    _season(db)
    folder = tmp_path / "feeds" / "public"  # missing: made on the first call
    bodies = db.read(lambda uow: sorted({m.body_id for m in uow.reads.meetings()}))
    written = db.read(lambda uow: write_feeds(uow, folder))
    assert sorted(p.name for p in written) == [f"{b}.ics" for b in bodies]
    assert sorted(p.name for p in folder.iterdir()) == [f"{b}.ics" for b in bodies]
    for path in written:
        ics, _vcal, _strict = three(path.read_bytes())
        assert str(ics["METHOD"]) == "PUBLISH"
        assert oct(path.stat().st_mode & 0o777) == oct(0o644)
    council = db.read(lambda uow: uow.meetings.get(RR).body_id)
    assert (folder / f"{council}.ics").read_bytes() == _council_feed(db)

    # nothing changed but the clock (and so DTSTAMP): nothing is rewritten
    stamps = _mtimes(folder)
    old_council = (folder / f"{council}.ics").read_bytes()
    db.clock.set(db.clock.now() + timedelta(minutes=5))
    assert db.read(lambda uow: write_feeds(uow, folder)) == []
    assert _mtimes(folder) == stamps
    assert (folder / f"{council}.ics").read_bytes() == old_council

    # a cancellation rewrites that body's file only
    db.run("meeting.cancel", DIRECTOR, meeting=RR, reason="Leiaren er sjuk")
    rewritten = db.read(lambda uow: write_feeds(uow, folder))
    assert rewritten == [folder / f"{council}.ics"]
    after = _mtimes(folder)
    assert {n: t for n, t in after.items() if n != f"{council}.ics"} == {
        n: t for n, t in stamps.items() if n != f"{council}.ics"}
    assert "STATUS:CANCELLED" in (folder / f"{council}.ics").read_text("utf-8")
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temp file left

    # a feed deleted by hand comes back at the next delivery, though nothing else changed
    (folder / f"{council}.ics").unlink()
    assert db.read(lambda uow: write_feeds(uow, folder)) == [folder / f"{council}.ics"]
    assert db.read(lambda uow: write_feeds(uow, folder)) == []
