"""Invitations and feeds, read back by three independent parsers.

icalendar wrote the bytes, so reading them with icalendar alone would prove little: vobject
(which builds its timezone from our VTIMEZONE's RRULEs, as Outlook does) and allenporter's
strict ``ical`` parser must read the same fields and the same instants.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from notifications.invites import (
    PRODID,
    Attendee,
    MeetingEvent,
    feed,
    invitation,
    oslo_timezone,
    stored_event,
)

OSLO = ZoneInfo("Europe/Oslo")
STAMP = datetime(2026, 9, 1, 7, 30, tzinfo=OSLO)  # 05:30 UTC
AGENDA = (
    "Møte i Hallingdal interkommunale politiske råd\n"
    "Torsdag 24. september 2026 kl. 10.00–14.00, Ål kulturhus\n"
    "Saksliste:\n"
    "1. RR-sak 12/26 Godkjenning av innkalling og saksliste\n"
    "2. RR-sak 13/26 Felles breiband i Flå og Nesbyen\n"
    "Dokument: https://hallingdal-ipr.example.org/moete/RR-2026-09-24"
)
MEMBERS = (
    Attendee("Kari Leiar", "kari.leiar@al.kommune.example", "REQ-PARTICIPANT"),
    Attendee("Per Vara", "per.vara@flaa.kommune.example", "REQ-PARTICIPANT",
             partstat="ACCEPTED", rsvp=False),
    Attendee("Rådmann i Nesbyen", "radmann@nesbyen.kommune.example", "OPT-PARTICIPANT"),
    Attendee("Observatør", "obs@example.org", "NON-PARTICIPANT", rsvp=False),
)


def meeting(start: datetime | None = None, **changes: Any) -> MeetingEvent:
    start = start or datetime(2026, 9, 24, 10, tzinfo=OSLO)
    base = MeetingEvent(
        uid=f"RR-{start:%Y-%m-%d}@hallingdal-ipr.example.org",
        sequence=3,
        summary="Regionrådet for Hallingdal: møte",
        start=start,
        end=start + timedelta(hours=4),
        location="Ål kulturhus, Ål",
        description=AGENDA,
        url="https://hallingdal-ipr.example.org/moete/RR-2026-09-24",
        organizer_name="Sekretariatet, Hallingdal IPR",
        organizer_email="post@hallingdal-ipr.example.org",
        attendees=MEMBERS,
    )
    return replace(base, **changes)


def three(data: bytes) -> tuple[Any, Any, Any]:
    """The same bytes read by icalendar, vobject and ical, in that order."""
    text = data.decode("utf-8")
    return (Calendar.from_ical(data), vobject.readOne(text),
            IcsCalendarStream.calendar_from_ics(text))


def params_of(raw: str) -> dict[str, str]:
    return {k.upper(): str(v) for k, v in raw.params.items()}


# --- wire format ---------------------------------------------------------------------------


def test_bytes_are_crlf_utf8_and_folded_at_75_octets() -> None:
    data = invitation(meeting(description=AGENDA + "\n" + "Ål Flå Nesbyen " * 20),
                      method="REQUEST", stamp=STAMP)
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # something was folded
    text = data.decode("utf-8")
    unfolded = text.replace("\r\n ", "")
    assert "Hallingdal interkommunale politiske råd" in unfolded
    assert "Ål Flå Nesbyen" in unfolded


def test_request_fields_in_all_three_parsers() -> None:
    data = invitation(meeting(), method="REQUEST", stamp=STAMP)
    ic, vo, ia = three(data)

    # icalendar
    assert ic["PRODID"] == PRODID and ic["VERSION"] == "2.0"
    assert ic["CALSCALE"] == "GREGORIAN" and ic["METHOD"] == "REQUEST"
    (ev,) = ic.walk("VEVENT")
    assert ev["UID"] == "RR-2026-09-24@hallingdal-ipr.example.org"
    assert int(ev["SEQUENCE"]) == 3
    assert ev.decoded("DTSTAMP") == datetime(2026, 9, 1, 5, 30, tzinfo=UTC)
    assert ev.decoded("DTSTAMP").utcoffset() == timedelta(0)
    assert ev["STATUS"] == "CONFIRMED"
    assert ev["URL"] == "https://hallingdal-ipr.example.org/moete/RR-2026-09-24"
    assert str(ev["LOCATION"]) == "Ål kulturhus, Ål"
    assert str(ev["ORGANIZER"]) == "mailto:post@hallingdal-ipr.example.org"
    assert ev["ORGANIZER"].params["CN"] == "Sekretariatet, Hallingdal IPR"
    attendees = ev["ATTENDEE"]
    assert [str(a) for a in attendees] == [f"mailto:{m.email}" for m in MEMBERS]
    assert [params_of(a) for a in attendees] == [
        {"CN": m.name, "ROLE": m.role, "PARTSTAT": m.partstat,
         "RSVP": "TRUE" if m.rsvp else "FALSE"} for m in MEMBERS]
    assert "2. RR-sak 13/26 Felles breiband i Flå og Nesbyen" in str(ev["DESCRIPTION"])

    # vobject
    assert vo.method.value == "REQUEST"
    assert vo.vevent.uid.value == "RR-2026-09-24@hallingdal-ipr.example.org"
    assert int(vo.vevent.sequence.value) == 3
    assert vo.vevent.dtstamp.value == datetime(2026, 9, 1, 5, 30, tzinfo=UTC)
    assert vo.vevent.dtstamp.value.utcoffset() == timedelta(0)
    assert vo.vevent.status.value == "CONFIRMED"
    assert vo.vevent.organizer.value == "mailto:post@hallingdal-ipr.example.org"
    assert vo.vevent.organizer.params["CN"] == ["Sekretariatet, Hallingdal IPR"]
    vo_att = vo.vevent.attendee_list
    assert [a.value for a in vo_att] == [f"mailto:{m.email}" for m in MEMBERS]
    assert [(a.params["CN"], a.params["ROLE"], a.params["PARTSTAT"], a.params["RSVP"])
            for a in vo_att] == [([m.name], [m.role], [m.partstat],
                                  ["TRUE" if m.rsvp else "FALSE"]) for m in MEMBERS]
    assert vo.vevent.description.value == AGENDA
    assert vo.vevent.location.value == "Ål kulturhus, Ål"

    # ical (strict)
    assert ia.method == "REQUEST" and ia.prodid == PRODID
    (ie,) = ia.events
    assert ie.uid == "RR-2026-09-24@hallingdal-ipr.example.org"
    assert ie.sequence == 3
    assert ie.dtstamp == datetime(2026, 9, 1, 5, 30, tzinfo=UTC)
    assert ie.dtstamp.utcoffset() == timedelta(0)
    assert ie.status == "CONFIRMED"
    assert ie.url == "https://hallingdal-ipr.example.org/moete/RR-2026-09-24"
    assert ie.organizer is not None
    assert ie.organizer.uri == "mailto:post@hallingdal-ipr.example.org"
    assert ie.organizer.common_name == "Sekretariatet, Hallingdal IPR"
    assert [(a.uri, a.common_name, a.role, a.status, a.rsvp) for a in ie.attendees] == [
        (f"mailto:{m.email}", m.name, m.role, m.partstat, m.rsvp) for m in MEMBERS]
    assert ie.description == AGENDA
    assert ie.summary == "Regionrådet for Hallingdal: møte"


def test_dtstart_written_with_tzid_whatever_zone_the_caller_used() -> None:
    start = datetime(2026, 9, 24, 8, tzinfo=UTC)  # = 10:00 in Oslo (CEST)
    data = invitation(meeting(start=start), method="REQUEST", stamp=STAMP)
    unfolded = data.decode().replace("\r\n ", "")
    assert "\r\nDTSTART;TZID=Europe/Oslo:20260924T100000\r\n" in unfolded
    assert "\r\nDTEND;TZID=Europe/Oslo:20260924T140000\r\n" in unfolded
    assert "\r\nDTSTAMP:20260901T053000Z\r\n" in unfolded


# --- timezone ------------------------------------------------------------------------------

AROUND_CLOCK_CHANGES = [
    # (Oslo wall clock, the UTC instant): DST starts 2026-03-29 and 2027-03-28,
    # ends 2026-10-25 and 2027-10-31.
    (datetime(2026, 3, 26, 10), datetime(2026, 3, 26, 9, tzinfo=UTC)),
    (datetime(2026, 3, 30, 10), datetime(2026, 3, 30, 8, tzinfo=UTC)),
    (datetime(2026, 10, 22, 10), datetime(2026, 10, 22, 8, tzinfo=UTC)),
    (datetime(2026, 10, 26, 10), datetime(2026, 10, 26, 9, tzinfo=UTC)),
    (datetime(2027, 3, 25, 10), datetime(2027, 3, 25, 9, tzinfo=UTC)),
    (datetime(2027, 3, 29, 10), datetime(2027, 3, 29, 8, tzinfo=UTC)),
    (datetime(2027, 10, 28, 10), datetime(2027, 10, 28, 8, tzinfo=UTC)),
    (datetime(2027, 11, 1, 10), datetime(2027, 11, 1, 9, tzinfo=UTC)),
]


@pytest.mark.parametrize(("wall", "instant"), AROUND_CLOCK_CHANGES,
                         ids=[f"{w:%Y-%m-%d}" for w, _ in AROUND_CLOCK_CHANGES])
def test_every_parser_resolves_the_right_instant_around_clock_changes(
        wall: datetime, instant: datetime) -> None:
    data = invitation(meeting(start=wall.replace(tzinfo=OSLO)), method="REQUEST", stamp=STAMP)
    assert f"DTSTART;TZID=Europe/Oslo:{wall:%Y%m%dT%H%M%S}" in data.decode()
    ic, vo, ia = three(data)

    (ev,) = ic.walk("VEVENT")
    assert ev.decoded("DTSTART") == instant
    assert ev.decoded("DTEND") == instant + timedelta(hours=4)

    # vobject's tzinfo is built from our VTIMEZONE (dateutil tzical), not from tzdata:
    # this is what an Outlook-like client that trusts the VTIMEZONE will see.
    vo_start = vo.vevent.dtstart.value
    assert type(vo_start.tzinfo).__name__ == "_tzicalvtz"
    assert vo_start == instant
    assert vo_start.astimezone(UTC).replace(tzinfo=None) == instant.replace(tzinfo=None)
    assert vo.vevent.dtend.value == instant + timedelta(hours=4)

    (ie,) = ia.events
    assert ie.dtstart == instant
    assert ie.dtend == instant + timedelta(hours=4)


@pytest.mark.parametrize(("wall", "instant"), AROUND_CLOCK_CHANGES,
                         ids=[f"{w:%Y-%m-%d}" for w, _ in AROUND_CLOCK_CHANGES])
def test_our_vtimezone_alone_gives_the_same_offsets_as_tzdata(
        wall: datetime, instant: datetime) -> None:
    """Read the VTIMEZONE with ical's own RRULE-based tzinfo (not tzdata), for 2026 and 2027."""
    from ical.timezone import IcsTimezoneInfo

    text = invitation(meeting(), method="REQUEST", stamp=STAMP).decode()
    (tz,) = IcsCalendarStream.calendar_from_ics(text).timezones
    tzinfo = IcsTimezoneInfo.from_timezone(tz)
    local = wall.replace(tzinfo=tzinfo)
    assert local.utcoffset() == wall.replace(tzinfo=OSLO).utcoffset()
    assert local.astimezone(UTC) == instant


def test_vtimezone_is_one_standard_one_daylight_with_rrules_and_no_rdate() -> None:
    data = invitation(meeting(), method="REQUEST", stamp=STAMP)
    text = data.decode()
    assert "RDATE" not in text
    assert text.count("BEGIN:VTIMEZONE") == 1
    ic = Calendar.from_ical(data)
    (vtz,) = ic.walk("VTIMEZONE")
    assert vtz["TZID"] == "Europe/Oslo"
    (std,) = vtz.walk("STANDARD")
    (dst,) = vtz.walk("DAYLIGHT")
    assert [c.name for c in vtz.subcomponents] == ["STANDARD", "DAYLIGHT"]
    for comp in (std, dst):
        assert "RDATE" not in comp
        assert "RRULE" in comp
    assert std.decoded("DTSTART") == datetime(1970, 10, 25, 3)
    assert std["TZNAME"] == "CET"
    assert std.decoded("TZOFFSETFROM") == timedelta(hours=2)
    assert std.decoded("TZOFFSETTO") == timedelta(hours=1)
    assert std["RRULE"].to_ical() in (b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
                                      b"FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU")
    assert dst.decoded("DTSTART") == datetime(1970, 3, 29, 2)
    assert dst["TZNAME"] == "CEST"
    assert dst.decoded("TZOFFSETFROM") == timedelta(hours=1)
    assert dst.decoded("TZOFFSETTO") == timedelta(hours=2)
    assert dst["RRULE"].to_ical() in (b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
                                      b"FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU")


def test_oslo_timezone_is_a_fresh_copy_each_time() -> None:
    first = oslo_timezone()
    first["TZID"] = "Tampered/Zone"
    first.subcomponents.clear()
    second = oslo_timezone()
    assert second["TZID"] == "Europe/Oslo"
    assert len(second.subcomponents) == 2
    assert b"TZID:Europe/Oslo" in invitation(meeting(), method="REQUEST", stamp=STAMP)


# --- cancellation --------------------------------------------------------------------------


def test_cancel_keeps_uid_and_carries_the_given_sequence() -> None:
    request = invitation(meeting(), method="REQUEST", stamp=STAMP)
    cancel = invitation(meeting(sequence=4, cancelled=True), method="CANCEL",
                        stamp=STAMP + timedelta(days=3))
    ic, vo, ia = three(cancel)
    (req_ev,) = Calendar.from_ical(request).walk("VEVENT")

    assert ic["METHOD"] == "CANCEL"
    (ev,) = ic.walk("VEVENT")
    assert ev["UID"] == req_ev["UID"]
    assert int(ev["SEQUENCE"]) == 4
    assert ev["STATUS"] == "CANCELLED"
    assert ev.decoded("DTSTAMP") == datetime(2026, 9, 4, 5, 30, tzinfo=UTC)

    assert vo.method.value == "CANCEL"
    assert vo.vevent.status.value == "CANCELLED"
    assert vo.vevent.uid.value == str(req_ev["UID"])
    assert int(vo.vevent.sequence.value) == 4

    assert ia.method == "CANCEL"
    (ie,) = ia.events
    assert ie.status == "CANCELLED" and ie.sequence == 4 and ie.uid == str(req_ev["UID"])
    assert len(ie.attendees) == len(MEMBERS)  # the cancellation goes to the same people


def test_cancel_is_cancelled_even_if_the_event_flag_was_not_set() -> None:
    ic = Calendar.from_ical(invitation(meeting(sequence=5), method="CANCEL", stamp=STAMP))
    assert ic.walk("VEVENT")[0]["STATUS"] == "CANCELLED"


def test_request_for_a_cancelled_meeting_is_refused() -> None:
    with pytest.raises(ValueError, match="CANCEL"):
        invitation(meeting(cancelled=True), method="REQUEST", stamp=STAMP)


# --- feed ----------------------------------------------------------------------------------


def test_public_feed_has_no_people_and_keeps_a_cancelled_meeting() -> None:
    events = [
        meeting(datetime(2026, 3, 26, 10, tzinfo=OSLO)),
        meeting(datetime(2026, 9, 24, 10, tzinfo=OSLO), cancelled=True, sequence=7),
        meeting(datetime(2026, 10, 26, 9, tzinfo=OSLO), location="Fjernmøte (Teams)",
                remote=True, url=None),
    ]
    data = feed(events, name="Hallingdal interkommunale politiske råd", stamp=STAMP)
    text = data.decode()
    assert "ATTENDEE" not in text and "ORGANIZER" not in text
    assert "@al.kommune.example" not in text and "post@hallingdal" not in text
    assert text.count("BEGIN:VTIMEZONE") == 1
    ic, vo, ia = three(data)

    assert ic["METHOD"] == "PUBLISH"
    assert ic["X-WR-CALNAME"] == "Hallingdal interkommunale politiske råd"
    assert ic["X-WR-TIMEZONE"] == "Europe/Oslo"
    assert len(ic.walk("VTIMEZONE")) == 1
    vevents = ic.walk("VEVENT")
    assert [e["UID"] for e in vevents] == [e.uid for e in events]
    assert [e["STATUS"] for e in vevents] == ["CONFIRMED", "CANCELLED", "CONFIRMED"]
    assert [int(e["SEQUENCE"]) for e in vevents] == [3, 7, 3]
    assert all("ATTENDEE" not in e and "ORGANIZER" not in e for e in vevents)
    assert "URL" not in vevents[2] and str(vevents[2]["LOCATION"]) == "Fjernmøte (Teams)"

    assert vo.method.value == "PUBLISH"
    assert vo.x_wr_calname.value == "Hallingdal interkommunale politiske råd"
    vo_events = vo.vevent_list
    assert [e.status.value for e in vo_events] == ["CONFIRMED", "CANCELLED", "CONFIRMED"]
    assert vo_events[2].dtstart.value == datetime(2026, 10, 26, 8, tzinfo=UTC)
    assert all(not hasattr(e, "attendee") for e in vo_events)

    assert ia.method == "PUBLISH"
    assert [e.status for e in ia.events] == ["CONFIRMED", "CANCELLED", "CONFIRMED"]
    assert all(not e.attendees and e.organizer is None for e in ia.events)
    assert ia.events[0].dtstart == datetime(2026, 3, 26, 9, tzinfo=UTC)
    assert len(ia.timezones) == 1


def test_empty_feed_is_still_a_valid_calendar() -> None:
    ic, vo, ia = three(feed([], name="Tomt", stamp=STAMP))
    assert ic["METHOD"] == "PUBLISH" and not ic.walk("VEVENT")
    assert vo.method.value == "PUBLISH"
    assert ia.events == []


# --- CalDAV object -------------------------------------------------------------------------


def test_stored_event_has_no_method_and_one_vtimezone() -> None:
    data = stored_event(meeting(), stamp=STAMP)
    assert b"METHOD" not in data
    ic, vo, ia = three(data)
    assert "METHOD" not in ic and ia.method is None
    assert len(ic.walk("VTIMEZONE")) == 1 and len(ic.walk("VEVENT")) == 1
    assert vo.vevent.dtstart.value == datetime(2026, 9, 24, 8, tzinfo=UTC)
    assert len(ia.events[0].attendees) == len(MEMBERS)
    public = Calendar.from_ical(stored_event(meeting(), stamp=STAMP, people=False))
    assert "ATTENDEE" not in public.walk("VEVENT")[0]


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["PUBLISH", "request", "REPLY", ""])
def test_unknown_method_is_refused(method: str) -> None:
    with pytest.raises(ValueError, match="METHOD"):
        invitation(meeting(), method=method, stamp=STAMP)


@pytest.mark.parametrize("field", ["start", "end"])
def test_naive_datetime_is_refused(field: str) -> None:
    event = meeting()
    naive = getattr(event, field).replace(tzinfo=None)
    with pytest.raises(ValueError, match="tidssone"):
        invitation(replace(event, **{field: naive}), method="REQUEST", stamp=STAMP)
    with pytest.raises(ValueError, match="tidssone"):
        feed([replace(event, **{field: naive})], name="x", stamp=STAMP)


def test_naive_stamp_is_refused() -> None:
    with pytest.raises(ValueError, match="tidssone"):
        invitation(meeting(), method="REQUEST", stamp=datetime(2026, 9, 1, 7, 30))


@pytest.mark.parametrize("length", [timedelta(0), timedelta(hours=-1)])
def test_end_not_after_start_is_refused(length: timedelta) -> None:
    event = meeting()
    with pytest.raises(ValueError, match="slutte"):
        invitation(replace(event, end=event.start + length), method="REQUEST", stamp=STAMP)


@pytest.mark.parametrize("email", ["", "kari", "kari@x.no\r\nATTENDEE:mailto:evil@x",
                                   "kari @x.no", 'kari"@x.no'])
def test_broken_address_is_refused(email: str) -> None:
    bad = meeting(attendees=(Attendee("Kari", email, "REQ-PARTICIPANT"),))
    with pytest.raises(ValueError, match="e-postadresse"):
        invitation(bad, method="REQUEST", stamp=STAMP)


def test_unknown_role_is_refused() -> None:
    bad = meeting(attendees=(Attendee("Kari", "kari@x.no", "VOTER"),))
    with pytest.raises(ValueError, match="ROLE"):
        invitation(bad, method="REQUEST", stamp=STAMP)


PROPERTY_LINE = re.compile(r"^[A-Z][A-Z0-9-]*[;:]")


def test_injected_line_break_in_a_name_cannot_add_an_attendee() -> None:
    evil = 'Kari "Kåre" Nordmann, leiar\r\nATTENDEE:mailto:evil@x\nORGANIZER:mailto:evil@x'
    event = meeting(attendees=(Attendee(evil, "kari@x.no", "REQ-PARTICIPANT"),),
                    organizer_name="Sekretær\r\nATTENDEE:mailto:evil@x")
    clean = meeting(attendees=(Attendee("Kari", "kari@x.no", "REQ-PARTICIPANT"),),
                    organizer_name="Sekretær")
    data = invitation(event, method="REQUEST", stamp=STAMP)
    text = data.decode()

    # Structure: the same property lines as with a harmless name, in the same order.
    def names(raw: str) -> list[str]:
        return [PROPERTY_LINE.match(line).group(0)[:-1]  # type: ignore[union-attr]
                for line in raw.split("\r\n") if PROPERTY_LINE.match(line)]
    assert names(text) == names(invitation(clean, method="REQUEST", stamp=STAMP).decode())
    assert not any(line.startswith(("ATTENDEE:mailto:evil", "ORGANIZER:mailto:evil"))
                   for line in text.replace("\r\n ", "").split("\r\n"))

    ic, vo, ia = three(data)
    (ev,) = ic.walk("VEVENT")
    attendees = ev["ATTENDEE"]
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(a) for a in attendees] == ["mailto:kari@x.no"]
    assert str(ev["ORGANIZER"]) == "mailto:post@hallingdal-ipr.example.org"
    assert len(vo.vevent.attendee_list) == 1
    assert vo.vevent.attendee_list[0].value == "mailto:kari@x.no"
    assert vo.vevent.organizer.value == "mailto:post@hallingdal-ipr.example.org"
    (ie,) = ia.events
    assert [a.uri for a in ie.attendees] == ["mailto:kari@x.no"]
    # Quotes and commas survive (RFC 6868 in the quoted value); the line breaks became spaces.
    expected = 'Kari "Kåre" Nordmann, leiar ATTENDEE:mailto:evil@x ORGANIZER:mailto:evil@x'
    assert ie.attendees[0].common_name == expected
    assert attendees[0].params["CN"] == expected
    assert ie.organizer is not None
    assert ie.organizer.common_name == "Sekretær ATTENDEE:mailto:evil@x"


def test_line_breaks_in_text_values_stay_inside_the_value() -> None:
    data = invitation(meeting(summary="Møte\r\nATTENDEE:mailto:evil@x",
                              location="Ål\rATTENDEE:mailto:evil@x"),
                      method="REQUEST", stamp=STAMP)
    assert b"\r" not in data.replace(b"\r\n", b"")
    ic, vo, ia = three(data)
    assert len(ia.events[0].attendees) == len(MEMBERS)
    assert len(vo.vevent.attendee_list) == len(MEMBERS)
    assert ia.events[0].summary == "Møte\nATTENDEE:mailto:evil@x"
    assert str(ic.walk("VEVENT")[0]["LOCATION"]) == "Ål\nATTENDEE:mailto:evil@x"
