"""The stored meeting objects in a real CalDAV server (Radicale, as a subprocess on 127.0.0.1).

A CalDAV server evaluates time ranges itself, from our VTIMEZONE: if it puts the meeting of
2026-10-26 (the day after the clock change) an hour off, a range query that a calendar client
sends for "Monday noon" misses it. So the ranges below are chosen to be exactly one hour wide
around the meeting's true start and end, where an hour's error changes the answer.
"""

from __future__ import annotations

import base64
import http.client
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream
from icalendar import Calendar

from notifications.invites import Attendee, MeetingEvent, stored_event

OSLO = ZoneInfo("Europe/Oslo")
STAMP = datetime(2026, 9, 1, 7, 30, tzinfo=OSLO)
USER = "sekretariat"
COLLECTION = f"/{USER}/moete/"
NS = {"d": "DAV:", "c": "urn:ietf:params:xml:ns:caldav"}


@dataclass(frozen=True)
class Server:
    port: int
    auth: str

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body,
                         headers={"Authorization": self.auth, **(headers or {})})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One Radicale for the module, filled once with ``MEETINGS`` (the tests only read, so a
    server per test would only cost start-up time). Auth ``none`` takes any Basic user at its
    word; note that Radicale 3.9 then skips the owner check of ``owner_only`` (rights/
    authenticated.py), so the rights section only keeps the layout /<user>/<calendar>/."""
    tmp_path = tmp_path_factory.mktemp("radicale")
    port = _free_port()
    config = tmp_path / "radicale.conf"
    config.write_text(
        "[server]\n"
        f"hosts = 127.0.0.1:{port}\n"
        "[auth]\n"
        "type = none\n"
        "[rights]\n"
        "type = owner_only\n"
        "[storage]\n"
        f"filesystem_folder = {tmp_path / 'collections'}\n"
        "[logging]\n"
        "level = warning\n",
        encoding="utf-8",
    )
    log = (tmp_path / "radicale.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "radicale", "--config", str(config)],
                               stdout=log, stderr=subprocess.STDOUT)
    token = base64.b64encode(f"{USER}:irrelevant".encode()).decode()
    server = Server(port, f"Basic {token}")
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                log.flush()
                pytest.fail("Radicale exited: "
                            + (tmp_path / "radicale.log").read_text(errors="replace"))
            try:
                server.request("OPTIONS", "/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("Radicale did not answer within 15 s")
                time.sleep(0.05)
        _fill(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        log.close()


def meeting(start: datetime, *, cancelled: bool = False) -> MeetingEvent:
    return MeetingEvent(
        uid=f"RR-{start:%Y-%m-%d}@hallingdal-ipr.example.org",
        sequence=1,
        summary="Regionrådet for Hallingdal: møte",
        start=start,
        end=start + timedelta(hours=4),
        location="Nesbyen rådhus",
        description=f"Møte {start:%d.%m.%Y}\n1. RR-sak 1/26 Ål og Flå",
        organizer_name="Sekretariatet",
        organizer_email="post@hallingdal-ipr.example.org",
        attendees=(Attendee("Kari Leiar", "kari@al.kommune.example", "REQ-PARTICIPANT"),),
        cancelled=cancelled,
    )


MEETINGS = [
    meeting(datetime(2026, 3, 26, 10, tzinfo=OSLO)),
    meeting(datetime(2026, 3, 30, 10, tzinfo=OSLO)),
    meeting(datetime(2026, 9, 24, 10, tzinfo=OSLO), cancelled=True),
    meeting(datetime(2026, 10, 22, 10, tzinfo=OSLO)),
    meeting(datetime(2026, 10, 26, 10, tzinfo=OSLO)),  # 09:00–13:00 UTC, the day after
    meeting(datetime(2026, 11, 19, 10, tzinfo=OSLO)),
]


def _href(event: MeetingEvent) -> str:
    return f"{COLLECTION}{event.start:%Y%m%d}.ics"


def _make_calendar(server: Server) -> None:
    body = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<c:mkcalendar xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
        "<d:set><d:prop><d:displayname>Møte i Hallingdal IPR</d:displayname>"
        '<c:supported-calendar-component-set><c:comp name="VEVENT"/>'
        "</c:supported-calendar-component-set></d:prop></d:set></c:mkcalendar>"
    ).encode()
    status, answer = server.request("MKCALENDAR", COLLECTION, body,
                                    {"Content-Type": "application/xml; charset=utf-8"})
    assert status == 201, answer


def _fill(server: Server) -> None:
    _make_calendar(server)
    for event in MEETINGS:
        status, answer = server.request("PUT", _href(event), stored_event(event, stamp=STAMP),
                                        {"Content-Type": "text/calendar; charset=utf-8"})
        assert status == 201, (event.uid, answer)


def _query(server: Server, start: datetime, end: datetime) -> dict[str, str]:
    """REPORT calendar-query with a VEVENT time-range: href -> calendar-data."""
    body = (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<c:calendar-query xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">'
        "<d:prop><d:getetag/><c:calendar-data/></d:prop>"
        '<c:filter><c:comp-filter name="VCALENDAR"><c:comp-filter name="VEVENT">'
        f'<c:time-range start="{start:%Y%m%dT%H%M%SZ}" end="{end:%Y%m%dT%H%M%SZ}"/>'
        "</c:comp-filter></c:comp-filter></c:filter></c:calendar-query>"
    ).encode()
    status, answer = server.request("REPORT", COLLECTION, body,
                                    {"Content-Type": "application/xml; charset=utf-8",
                                     "Depth": "1"})
    assert status == 207, answer
    found: dict[str, str] = {}
    for response in ET.fromstring(answer).findall("d:response", NS):
        href = response.findtext("d:href", namespaces=NS)
        data = response.findtext(".//c:calendar-data", namespaces=NS)
        assert href is not None and data, ET.tostring(response)
        found[href] = data
    return found


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def test_puts_were_201_and_the_server_really_reads_the_uid(radicale: Server) -> None:
    """``_fill`` asserted 201 for every PUT. A second object with a UID already stored is
    refused (409, RFC 4791 § 5.3.2.1 no-uid-conflict), which shows Radicale parsed our UIDs
    rather than storing opaque bytes."""
    twin = replace(MEETINGS[0], summary="Same UID, other resource")
    status, _ = radicale.request("PUT", f"{COLLECTION}twin.ics", stored_event(twin, stamp=STAMP),
                                 {"Content-Type": "text/calendar; charset=utf-8"})
    assert status == 409
    status, _ = radicale.request("GET", f"{COLLECTION}twin.ics")
    assert status == 404


def test_time_range_returns_exactly_the_meetings_in_it(radicale: Server) -> None:
    autumn = _query(radicale, _utc(2026, 10, 1), _utc(2026, 11, 1))
    assert sorted(autumn) == [_href(MEETINGS[3]), _href(MEETINGS[4])]
    late_march = _query(radicale, _utc(2026, 3, 25), _utc(2026, 4, 1))
    assert sorted(late_march) == [_href(MEETINGS[0]), _href(MEETINGS[1])]
    # A cancelled meeting is still an object in the store; the time range finds it.
    assert sorted(_query(radicale, _utc(2026, 9, 24), _utc(2026, 9, 25))) == [
        _href(MEETINGS[2])]
    assert _query(radicale, _utc(2026, 12, 1), _utc(2027, 1, 1)) == {}


@pytest.mark.parametrize(("start", "end", "expected"), [
    # The 2026-10-26 meeting is 10:00–14:00 CET = 09:00–13:00 UTC. Read an hour off (CEST),
    # it would be 08:00–12:00 UTC, and both answers would flip.
    (_utc(2026, 10, 26, 8), _utc(2026, 10, 26, 9), []),
    (_utc(2026, 10, 26, 12), _utc(2026, 10, 26, 13), [_href(MEETINGS[4])]),
    # 2026-03-30 10:00–14:00 CEST = 08:00–12:00 UTC; read as CET it would be 09:00–13:00.
    (_utc(2026, 3, 30, 8), _utc(2026, 3, 30, 9), [_href(MEETINGS[1])]),
    (_utc(2026, 3, 30, 12), _utc(2026, 3, 30, 13), []),
], ids=["oct-before", "oct-last-hour", "mar-first-hour", "mar-after"])
def test_time_range_edges_around_the_clock_changes(
        radicale: Server, start: datetime, end: datetime, expected: list[str]) -> None:
    assert sorted(_query(radicale, start, end)) == expected


def test_get_returns_each_object_back_parseable(radicale: Server) -> None:
    for event in MEETINGS:
        status, data = radicale.request("GET", _href(event))
        assert status == 200, data
        text = data.decode("utf-8")
        ic = Calendar.from_ical(data)
        (ev,) = ic.walk("VEVENT")
        assert ev["UID"] == event.uid
        assert ev.decoded("DTSTART") == event.start
        assert ev["STATUS"] == ("CANCELLED" if event.cancelled else "CONFIRMED")
        assert "METHOD" not in ic
        assert len(ic.walk("VTIMEZONE")) == 1
        assert "RDATE" not in text
        vo = vobject.readOne(text)
        assert vo.vevent.dtstart.value == event.start
        assert "Ål og Flå" in vo.vevent.description.value
        (ie,) = IcsCalendarStream.calendar_from_ics(text).events
        assert ie.dtstart == event.start and ie.uid == event.uid
        assert [a.uri for a in ie.attendees] == ["mailto:kari@al.kommune.example"]


def test_report_calendar_data_is_the_object_we_stored(radicale: Server) -> None:
    (data,) = _query(radicale, _utc(2026, 10, 26), _utc(2026, 10, 27)).values()
    (ev,) = Calendar.from_ical(data).walk("VEVENT")
    assert ev["UID"] == MEETINGS[4].uid
    assert ev.decoded("DTSTART").astimezone(UTC) == _utc(2026, 10, 26, 9)
