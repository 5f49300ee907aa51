"""A meeting's messages delivered by the dispatcher to a real SMTP server (aiosmtpd on
127.0.0.1, STARTTLS verified against a test certificate authority), with injected faults: every
expected recipient gets each message exactly once, or, for the one message in flight when the
run is killed, at most once more (the documented window, counted here)."""

from __future__ import annotations

import email.policy
from collections import Counter
from email.parser import BytesParser

import pytest

from notifications.dispatch import LEASE, dispatch
from notifications.transports.smtp import SmtpTransport
from tests.conftest import DIRECTOR, Db
from tests.notifications import smtp_server as fixtures
from tests.notifications.smtp_server import SmtpTestServer
from tests.notifications.test_outbox import RR, _notified, _outbox

smtp_pki = fixtures.smtp_pki
smtp_server_session = fixtures.smtp_server_session
smtp_server = fixtures.smtp_server


def _received(server: SmtpTestServer) -> Counter[tuple[str, str]]:
    """(recipient, Message-ID) of every message the server accepted."""
    parser = BytesParser(policy=email.policy.default)
    return Counter((m.rcpt_tos[0], parser.parsebytes(m.data)["Message-ID"])
                   for m in server.messages)


def test_notices_update_and_cancellation_reach_every_recipient_exactly_once(
        db: Db, smtp_server: SmtpTestServer) -> None:
    numbers = _notified(db)
    transport = SmtpTransport(smtp_server.config())
    sent = dispatch(db.engine, db.clock, transport).sent  # the dispatcher runs every minute
    db.run("case.withdraw", DIRECTOR, case=numbers[0], reason="Trekt.")
    sent += dispatch(db.engine, db.clock, transport).sent
    db.run("meeting.cancel", DIRECTOR, meeting=RR, reason="Flytta.")
    report = dispatch(db.engine, db.clock, transport)
    rows = _outbox(db)
    assert sent + report.sent == len(rows) and report.failed == report.dropped == 0
    received = _received(smtp_server)
    assert sum(received.values()) == len(rows) and set(received.values()) == {1}
    assert smtp_server.connections == 3  # one per run
    kinds = Counter(r.kind for r in rows)
    assert kinds["notice"] == kinds["update"] == kinds["cancellation"] > 0
    # repeated and late: nothing more reaches the server
    dispatch(db.engine, db.clock, SmtpTransport(smtp_server.config()))
    assert len(smtp_server.messages) == len(rows)


def test_faults_lose_nothing_and_duplicate_only_inside_the_window(
        db: Db, smtp_server: SmtpTestServer) -> None:
    _notified(db)
    rows = _outbox(db)
    assert len(rows) >= 6
    refused = rows[1].address
    smtp_server.faults.rcpt[refused] = "550 5.1.1 Ukjend mottakar"
    smtp_server.faults.data[3] = "451 4.3.0 Prøv igjen seinare"
    smtp_server.faults.drop_at_data = {5}
    transport = SmtpTransport(smtp_server.config())
    first = dispatch(db.engine, db.clock, transport)
    assert first.stopped is not None and "sambandet" in first.stopped
    failed = [r for r in _outbox(db) if r.status == "failed"]
    assert [r.address for r in failed] == [refused] and "550" in failed[0].last_error

    class Killed(Exception):
        pass

    in_flight: list[int] = []

    def die(message_id: int) -> None:
        in_flight.append(message_id)
        raise Killed

    # the rest go in later runs; one run is killed between a send and its mark
    smtp_server.faults.data.clear()
    smtp_server.faults.drop_at_data = set()
    db.clock.set(db.clock.now() + LEASE)  # past every backoff of the first run
    with pytest.raises(Killed):
        dispatch(db.engine, db.clock, transport, after_send=die)
    for _ in range(3):
        db.clock.set(db.clock.now() + LEASE * 2)
        dispatch(db.engine, db.clock, transport)

    state = {r.id: r for r in _outbox(db)}
    assert {r.status for r in state.values()} == {"sent", "failed"}
    received = _received(smtp_server)
    expected = {r.address for r in rows if r.address != refused}
    assert {address for address, _ in received} == expected  # nothing lost
    duplicates = sum(count - 1 for count in received.values())
    killed_address = state[in_flight[0]].address
    assert duplicates == 1 and max(c for (a, _), c in received.items()
                                   if a == killed_address) == 2
