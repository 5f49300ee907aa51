"""A meeting as a calendar event, the same in the invitations e-mailed to the members and in the
public feeds: one UID for the meeting's whole life, its SEQUENCE, where it is, and a description
that holds the date, time, place and agenda (a calendar shows the description; nobody should
need to open another page to know what is on).

What differs is who it is for: an invitation carries its recipient as attendee and the
council as organizer, and is built from the read model of the recipient's audience; a feed
event carries no people and is built from the public read model.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.rules.calendar import format_long_date
from domain.rules.terms import MeetingStatus
from domain.store.tables import Meeting
from domain.store.uow import UnitOfWork
from notifications.invites import Attendee, MeetingEvent

#: The location of a remote meeting (KL § 11-7), with its place when it also has one.
REMOTE_PLACE = "Fjernmøte (kommunelova § 11-7)"


def domain_of(address: str) -> str:
    return address.rpartition("@")[2] or "tingflyt.invalid"


def meeting_uid(meeting: Meeting, sender: str) -> str:
    """One UID per meeting for as long as it lives (RFC 5545 § 3.8.4.7)."""
    return f"{meeting.ref}@{domain_of(sender)}"


def place_of(detail: dict[str, Any]) -> str | None:
    """Where to go: the place, or the remote meeting (with its place if it has one too)."""
    place = detail.get("place") or None
    if detail["remote"]:
        return REMOTE_PLACE + (f", {place}" if place else "")
    return place


def agenda_line(item: dict[str, Any]) -> str:
    """One agenda item as its reader may read it: the read model already gives an exempt case
    its neutral title for the public; the legal basis tells why that is all there is."""
    line = f"{item['agenda_number'] or ''} {item['title']}".strip()
    if item.get("exempt_basis"):
        line += f" (unnateke frå innsyn, {item['exempt_basis']})"
    if item.get("withdrawn"):
        line += " (trekt)"
    return line


def description(detail: dict[str, Any], website: str | None,
                closing: tuple[str, ...] = ()) -> str:
    """Date, time, place and the agenda in plain text, then ``closing`` and the link to the
    case documents."""
    starts = datetime.fromisoformat(detail["starts_at"])
    ends = datetime.fromisoformat(detail["ends_at"])
    day = format_long_date(datetime.fromisoformat(detail["date"]).date())
    lines: list[str] = []
    if detail["status"] == MeetingStatus.CANCELLED:
        lines += ["Møtet er avlyst.", ""]
    lines += [f"{detail['body_name']}, {day} kl. {starts:%H:%M}-{ends:%H:%M}",
              f"Stad: {place_of(detail) or 'Stad kjem seinare'}",
              f"Møte: {detail['ref']}", "", "Saksliste:"]
    lines += [agenda_line(item) for item in detail["agenda"]] or ["(tom)"]
    if closing:
        lines += ["", *closing]
    if website:
        lines += ([] if closing else [""]) + [f"Sakspapir: {website}"]
    return "\n".join(lines)


def meeting_event(uow: UnitOfWork, meeting: Meeting, detail: dict[str, Any], *,
                  sequence: int, cancelled: bool, closing: tuple[str, ...] = (),
                  attendee: Attendee | None = None) -> MeetingEvent:
    """The meeting as an event: with ``attendee`` an invitation to her from the council, else
    a public feed event."""
    council = uow.council
    return MeetingEvent(
        uid=meeting_uid(meeting, council.email), sequence=sequence,
        summary=f"{detail['body_name']}: møte", start=meeting.starts_at, end=meeting.ends_at,
        location=place_of(detail), description=description(detail, council.website, closing),
        url=council.website or None,
        organizer_name=council.name if attendee else "",
        organizer_email=council.email if attendee else "",
        attendees=(attendee,) if attendee else (), cancelled=cancelled,
        remote=bool(detail["remote"]))
