"""Meeting invitations and calendar feeds as iCalendar (RFC 5545, iTIP RFC 5546).

Members receive an invitation (METHOD:REQUEST) by e-mail, and a cancellation (METHOD:CANCEL)
with the same UID and a higher SEQUENCE, so that their calendar updates or removes the
meeting it already holds instead of adding a second one. The public gets a subscribable feed
(METHOD:PUBLISH) that never carries the members' e-mail addresses.

Pure code on plain frozen dataclasses: the caller (a flow) reads the database and builds a
``MeetingEvent``; this module only writes bytes. That keeps it testable against independent
parsers and a real CalDAV server without a database.

Times are written in Europe/Oslo with TZID and our own VTIMEZONE with RRULEs. We never use
icalendar's ``add_missing_timezones()``: it writes a long list of RDATEs (1970-2038) that
Outlook is known to misread, putting meetings an hour off around the clock changes.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vRecur,
)

__all__ = [
    "OSLO",
    "PRODID",
    "Attendee",
    "MeetingEvent",
    "feed",
    "invitation",
    "oslo_timezone",
    "stored_event",
]

PRODID = "-//tingflyt//tingflyt//NN"
OSLO_TZID = "Europe/Oslo"
OSLO = ZoneInfo(OSLO_TZID)

METHODS = frozenset({"REQUEST", "CANCEL"})
ROLES = frozenset({"REQ-PARTICIPANT", "OPT-PARTICIPANT", "NON-PARTICIPANT", "CHAIR"})
PARTSTATS = frozenset({"NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED"})

_LINE_BREAKS = re.compile(r"[\r\n]+")
# An address goes out unescaped as a URI value: anything that could end the line or the value
# (control characters, whitespace, the parameter delimiters) is refused rather than mended.
_BAD_ADDRESS = re.compile(r"[\x00-\x20\x7f\"';:,<>]")
_BAD_URI = re.compile(r"[\x00-\x20\x7f\"<>]")


@dataclass(frozen=True)
class Attendee:
    name: str
    email: str
    role: str  # "REQ-PARTICIPANT" (voting members, called-in substitutes), "OPT-PARTICIPANT"
    # (attend and speak: chief executives, daily leader), "NON-PARTICIPANT"
    partstat: str = "NEEDS-ACTION"
    rsvp: bool = True


@dataclass(frozen=True)
class MeetingEvent:
    uid: str  # stable per meeting, e.g. "RR-2026-09-24@hallingdal-ipr.example.org"
    sequence: int  # goes up on every change attendees can see
    summary: str  # e.g. "Regionrådet for Hallingdal: møte"
    start: datetime  # timezone-aware (any zone); written in Europe/Oslo with TZID
    end: datetime
    location: str | None
    description: str  # plain text: date, time, place, numbered agenda, link/path to documents
    url: str | None = None
    organizer_name: str = ""
    organizer_email: str = ""
    attendees: tuple[Attendee, ...] = ()
    cancelled: bool = False
    remote: bool = False  # (informational; location says e.g. "Fjernmøte (Teams)")


@cache
def _oslo_timezone_master() -> Timezone:
    """Built once; never handed out, only copied, so no caller can change the shared one."""
    # Observance onsets are local wall-clock times by definition (RFC 5545 § 3.6.5): floating.
    standard = TimezoneStandard()
    standard.add("dtstart", datetime(1970, 10, 25, 3, 0, 0))  # noqa: DTZ001
    standard.add("tzoffsetfrom", timedelta(hours=2))
    standard.add("tzoffsetto", timedelta(hours=1))
    standard.add("tzname", "CET")
    standard.add("rrule", vRecur({"FREQ": "YEARLY", "BYMONTH": 10, "BYDAY": "-1SU"}))

    daylight = TimezoneDaylight()
    daylight.add("dtstart", datetime(1970, 3, 29, 2, 0, 0))  # noqa: DTZ001
    daylight.add("tzoffsetfrom", timedelta(hours=1))
    daylight.add("tzoffsetto", timedelta(hours=2))
    daylight.add("tzname", "CEST")
    daylight.add("rrule", vRecur({"FREQ": "YEARLY", "BYMONTH": 3, "BYDAY": "-1SU"}))

    tz = Timezone()
    tz.add("tzid", OSLO_TZID)
    tz.add_component(standard)
    tz.add_component(daylight)
    return tz


def oslo_timezone() -> Timezone:
    """The Europe/Oslo VTIMEZONE with two RRULEs (EU rule since 1996), a fresh copy each call.

    The rule form is what Outlook, Apple and Google all read the same way; the copy lets each
    calendar own its component without sharing mutable state with the next one.
    """
    return copy.deepcopy(_oslo_timezone_master())


def _one_line(text: str) -> str:
    """A parameter value (CN) may not hold a line break: a name read from a register must never
    be able to start a new property, so CR/LF become spaces. Quotes and commas are left to
    icalendar, which quotes the value and escapes DQUOTE with RFC 6868 (``^'``)."""
    return _LINE_BREAKS.sub(" ", text).strip()


def _text(text: str) -> str:
    """TEXT values keep their line breaks (escaped as ``\\n`` by icalendar); CRLF and CR are
    normalised to LF first so that no bare CR reaches the output."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _address(email: str, what: str) -> str:
    if not email or _BAD_ADDRESS.search(email) or "@" not in email:
        raise ValueError(f"{what}: ugyldig e-postadresse {email!r}")
    return f"mailto:{email}"


def _aware(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} må ha tidssone (naiv datetime: {value!r})")
    return value


def _check(event: MeetingEvent) -> None:
    """Refuse what a calendar would silently misplace: naive times, an empty or negative
    meeting, a UID that could break a line."""
    start = _aware(event.start, "start")
    end = _aware(event.end, "end")
    if end <= start:
        raise ValueError(f"møtet må slutte etter at det startar ({start} – {end})")
    if not event.uid or _LINE_BREAKS.search(event.uid):
        raise ValueError(f"ugyldig UID {event.uid!r}")
    if isinstance(event.sequence, bool) or not isinstance(event.sequence, int) \
            or event.sequence < 0:
        raise ValueError(f"SEQUENCE må vere eit heiltal >= 0, ikkje {event.sequence!r}")
    if event.url is not None and (not event.url or _BAD_URI.search(event.url)):
        raise ValueError(f"ugyldig URL {event.url!r}")


def _utc(stamp: datetime) -> datetime:
    return _aware(stamp, "stamp").astimezone(UTC)


def _vevent(event: MeetingEvent, *, stamp: datetime, status: str, people: bool) -> Event:
    """The VEVENT shared by invitation, feed and CalDAV store; ``people`` adds ORGANIZER and
    ATTENDEE (never in a public feed)."""
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", _utc(stamp))
    vevent.add("dtstart", event.start.astimezone(OSLO))
    vevent.add("dtend", event.end.astimezone(OSLO))
    vevent.add("summary", _text(event.summary))
    if event.location:
        vevent.add("location", _text(event.location))
    vevent.add("description", _text(event.description))
    if event.url:
        vevent.add("url", event.url)
    vevent.add("status", status)
    if people:
        if event.organizer_email:
            organizer = vCalAddress(_address(event.organizer_email, "ORGANIZER"))
            if event.organizer_name:
                organizer.params["CN"] = _one_line(event.organizer_name)
            vevent.add("organizer", organizer)
        for person in event.attendees:
            if person.role not in ROLES:
                raise ValueError(f"ukjend ROLE {person.role!r} for {person.email!r}")
            if person.partstat not in PARTSTATS:
                raise ValueError(f"ukjend PARTSTAT {person.partstat!r} for {person.email!r}")
            attendee = vCalAddress(_address(person.email, "ATTENDEE"))
            if person.name:
                attendee.params["CN"] = _one_line(person.name)
            attendee.params["ROLE"] = person.role
            attendee.params["PARTSTAT"] = person.partstat
            attendee.params["RSVP"] = "TRUE" if person.rsvp else "FALSE"
            vevent.add("attendee", attendee)
    return vevent


def _calendar(method: str | None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method is not None:
        cal.add("method", method)
    return cal


def _fold(line: str, limit: int = 75) -> str:
    """A content line folded as icalendar 7.3 folds it (RFC 5545 § 3.1: pieces of fewer than
    ``limit`` octets, a TEXT escape never split from its character), with a fast path for the
    short ASCII lines that are most of a calendar: icalendar walks every character of every
    line, a third of the time of an invitation (figure 6 of ``make bench``)."""
    if len(line) < limit and line.isascii():
        return line
    pieces: list[str] = []
    current: list[str] = []
    count = 0
    for char in line:
        size = len(char.encode("utf-8"))
        if current and count + size >= limit:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                pieces.append("".join(current))
                current, count = [carried], len(carried.encode("utf-8"))
            else:
                pieces.append("".join(current))
                current, count = [], 0
        current.append(char)
        count += size
    if current:
        pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _to_ical(component: Any) -> bytes:
    """``component.to_ical()``, folded by ``_fold``: the same bytes."""
    return "".join(_fold(line) + "\r\n" for line in component.content_lines()
                   if line).encode("utf-8")


@cache
def _oslo_timezone_bytes() -> bytes:
    return _oslo_timezone_master().to_ical()


_FIRST_EVENT = b"\r\nBEGIN:VEVENT\r\n"
_END = b"END:VCALENDAR\r\n"


def _with_timezone(cal: Calendar) -> bytes:
    """``cal`` (its events added, no VTIMEZONE) as bytes with our VTIMEZONE as its first
    component: byte for byte what ``cal.add_component(oslo_timezone())`` before the events
    would give, without copying and serialising the same component for every message (it was
    half the time of an invitation, figure 6 of ``make bench``). The calendar's own properties
    come first and a TEXT value cannot hold a line break, so the first line ``BEGIN:VEVENT`` is
    where the first event starts."""
    data = _to_ical(cal)
    at = data.find(_FIRST_EVENT)
    if at < 0:  # no event: the timezone is the only component
        at = len(data) - len(_END) - 2
        if not data.endswith(b"\r\n" + _END):
            raise AssertionError("icalendar wrote a calendar that does not end with END")
    return data[:at + 2] + _oslo_timezone_bytes() + data[at + 2:]


def invitation(event: MeetingEvent, *, method: str, stamp: datetime) -> bytes:
    """An iTIP message for the e-mail to members: REQUEST (new or changed) or CANCEL.

    DTSTAMP is the time of this sending (given by the caller, in UTC); the caller raises
    SEQUENCE for every change attendees can see, including the cancellation, so a calendar
    that already holds the meeting replaces it.
    """
    if method not in METHODS:
        raise ValueError(f"ukjend METHOD {method!r}; berre REQUEST eller CANCEL")
    _check(event)
    if method == "REQUEST" and event.cancelled:
        raise ValueError("eit avlyst møte vert sendt med METHOD CANCEL, ikkje REQUEST")
    status = "CANCELLED" if method == "CANCEL" else "CONFIRMED"
    cal = _calendar(method)
    cal.add_component(_vevent(event, stamp=stamp, status=status, people=True))
    return _with_timezone(cal)


def feed(events: Sequence[MeetingEvent], *, name: str, stamp: datetime) -> bytes:
    """The public, subscribable calendar of a council's meetings (METHOD:PUBLISH).

    No ORGANIZER or ATTENDEE: a feed is public, and members' e-mail addresses are not. A
    cancelled meeting stays with STATUS:CANCELLED, so subscribers see it go away rather than
    wonder whether the feed lost it.
    """
    for event in events:
        _check(event)
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", _one_line(name))
    cal.add("x-wr-timezone", OSLO_TZID)
    for event in events:
        status = "CANCELLED" if event.cancelled else "CONFIRMED"
        cal.add_component(_vevent(event, stamp=stamp, status=status, people=False))
    return _with_timezone(cal)


def stored_event(event: MeetingEvent, *, stamp: datetime, people: bool = True) -> bytes:
    """The meeting as a CalDAV calendar object resource (RFC 4791 § 4.1): one VEVENT with its
    VTIMEZONE and no METHOD, which a CalDAV server refuses or strips in stored objects.

    ``people=False`` leaves out ORGANIZER and ATTENDEE, for a shared calendar where a
    scheduling-aware server should not start sending invitations of its own.
    """
    _check(event)
    status = "CANCELLED" if event.cancelled else "CONFIRMED"
    cal = _calendar(None)
    cal.add_component(_vevent(event, stamp=stamp, status=status, people=people))
    return _with_timezone(cal)
