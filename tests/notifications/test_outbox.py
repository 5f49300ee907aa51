"""The outbox end to end on SQLite and PostgreSQL: the intents written with the change that
causes them, who receives what, and the dispatcher delivering each exactly once (into a memory
transport here; over real SMTP in ``test_smtp_delivery``)."""

from __future__ import annotations

import email
import email.policy
from collections import Counter

import pytest
from icalendar import Calendar

from domain.errors import RuleViolation
from domain.operations.recipients import notice_recipients
from domain.rules.recipients import Why
from notifications.dispatch import dispatch
from notifications.transports import PermanentFailure, TemporaryFailure
from notifications.transports.memory import MemoryTransport
from tests.conftest import CE, DIRECTOR, Db
from tests.integration.test_case_lifecycle import register

RR = "RR-2026-08-27"


def _outbox(db: Db, kind: str | None = None) -> list:
    rows = db.read(lambda uow: uow.outbox.listing())
    return [r for r in rows if kind is None or r.kind == kind]


def _notified(db: Db, ref: str = RR, *, exempt: bool = False) -> list[str]:
    """Two recommended cases on ``ref`` (one exempt, if asked), then the notice goes out."""
    numbers = [register(db, "Felles breiband for Ål og Flå")]
    if exempt:
        numbers.append(register(db, "Søknad frå Løyndom AS", kind="fund_allocation",
                                exempt="offl. § 13 jf. fvl. § 13 første ledd nr. 2",
                                public_title="Søknad om tilskot"))
    for number in numbers:
        db.run("case.recommend", CE, case=number, text=f"Tilråding i {number}.")
        db.reconcile(number)
    meeting = db.read(lambda uow: uow.meetings.get(ref))
    db.clock.set(meeting.notice_at)
    db.sweep()
    return numbers


def _parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)  # type: ignore[return-value]


def test_the_notice_reaches_every_recipient_once_with_an_invitation(db: Db) -> None:
    _notified(db)
    expected = db.read(lambda uow: [
        r for r in notice_recipients(uow, uow.meetings.get(RR))
        if r.why in (Why.MEMBER, Why.SUBSTITUTE, Why.ATTEND_AND_SPEAK)])
    rows = _outbox(db, "notice")
    assert sorted(r.person_id for r in rows) == sorted(r.person_id for r in expected)
    assert {r.kind for r in rows} == {"notice"} and {r.sequence for r in rows} == {0}
    # a second sweep, and the same freeze asked again, write nothing more
    everything = len(_outbox(db))
    db.sweep()
    assert len(_outbox(db)) == everything

    transport = MemoryTransport()
    report = dispatch(db.engine, db.clock, transport)
    assert report.sent == everything and report.failed == 0 and transport.batches == 1
    notices = [s for s in transport.sent if s.key.startswith("notice:")]
    assert Counter(s.recipients[0] for s in notices) == Counter(r.address for r in rows)
    # run again, late: nothing is sent twice
    assert dispatch(db.engine, db.clock, transport).sent == 0
    assert len(transport.sent) == everything

    message = _parse(notices[0].message)
    parts = [p.get_content_type() for p in message.walk()]
    assert parts[:5] == ["multipart/mixed", "multipart/alternative", "text/plain",
                         "text/html", "text/calendar"]
    calendar_part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert calendar_part.get_param("method") == "REQUEST"
    calendar = Calendar.from_ical(calendar_part.get_content())
    event = next(iter(calendar.walk("VEVENT")))
    assert calendar["METHOD"] == "REQUEST" and event["SEQUENCE"] == 0
    assert str(event["UID"]) == f"{RR}@hallingdal-ipr.example.org"
    assert str(event["ORGANIZER"]).lower() == "mailto:post@hallingdal-ipr.example.org"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Felles breiband for Ål og Flå" in text and "Tilråding i" in text
    assert "Meld forfall til sekretariatet" in text and "27. august 2026" in text
    assert message["Message-ID"].startswith("<notice.")


def test_attend_and_speak_are_optional_participants(db: Db) -> None:
    _notified(db)
    transport = MemoryTransport()
    dispatch(db.engine, db.clock, transport)
    rows = {r.address: r for r in _outbox(db, "notice")}
    roles = {}
    for sent in transport.sent:
        if not sent.key.startswith("notice:"):
            continue
        message = _parse(sent.message)
        part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
        event = next(iter(Calendar.from_ical(part.get_content()).walk("VEVENT")))
        roles[sent.recipients[0]] = event["ATTENDEE"].params["ROLE"]
    whys = {address: row.payload["why"] for address, row in rows.items()}
    assert {roles[a] for a, w in whys.items() if w == "attend_and_speak"} == {"OPT-PARTICIPANT"}
    assert {roles[a] for a, w in whys.items() if w == "member"} == {"REQ-PARTICIPANT"}
    assert "attend_and_speak" in whys.values()


def test_an_exempt_case_shows_its_content_only_to_those_who_may_read_it(db: Db) -> None:
    _notified(db, exempt=True)
    transport = MemoryTransport()
    dispatch(db.engine, db.clock, transport)
    for sent in [s for s in transport.sent if s.key.startswith("notice:")]:
        text = _parse(sent.message).get_body(preferencelist=("plain",)).get_content()
        # everyone on this notice sits in, or serves, the body that handles the case
        assert "Søknad frå Løyndom AS" in text
        assert "offl. § 13" in text


def test_a_withdrawn_case_after_the_notice_sends_an_update_with_a_higher_sequence(
        db: Db) -> None:
    numbers = _notified(db)
    before = len(_outbox(db, "notice"))
    db.run("case.withdraw", DIRECTOR, case=numbers[0], reason="Trekt av kommunen.")
    updates = [r for r in _outbox(db) if r.kind == "update"]
    assert len(updates) == before and {u.sequence for u in updates} == {1}
    assert all("er trekt frå sakslista" in u.payload["changes"][0] for u in updates)
    transport = MemoryTransport()
    dispatch(db.engine, db.clock, transport)
    update = next(s for s in transport.sent if s.key.startswith("update:"))
    part = next(p for p in _parse(update.message).walk()
                if p.get_content_type() == "text/calendar")
    event = next(iter(Calendar.from_ical(part.get_content()).walk("VEVENT")))
    assert event["SEQUENCE"] == 1 and str(event["STATUS"]) == "CONFIRMED"


def test_a_cancellation_goes_to_everyone_who_had_the_invitation_and_no_one_else(
        db: Db) -> None:
    _notified(db)
    invited = {r.person_id for r in _outbox(db, "notice")}
    db.run("meeting.cancel", DIRECTOR, meeting=RR, reason="Styremøtet er flytta.")
    cancels = [r for r in _outbox(db) if r.kind == "cancellation"]
    assert {c.person_id for c in cancels} == invited and {c.sequence for c in cancels} == {1}
    transport = MemoryTransport()
    dispatch(db.engine, db.clock, transport)
    sent = next(s for s in transport.sent if s.key.startswith("cancellation:"))
    message = _parse(sent.message)
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert part.get_param("method") == "CANCEL"
    calendar = Calendar.from_ical(part.get_content())
    event = next(iter(calendar.walk("VEVENT")))
    assert calendar["METHOD"] == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_a_meeting_cancelled_before_its_notice_tells_no_one(db: Db) -> None:
    db.run("meeting.cancel", DIRECTOR, meeting=RR, reason="Ingen saker.")
    assert _outbox(db, "cancellation") == []


def test_a_substitute_is_asked_and_the_absent_member_gets_a_confirmation(db: Db) -> None:
    db.run("absence.report", DIRECTOR, meeting=RR, person="gol-ordforar", reason="Sjuk")
    rows = _outbox(db)
    kinds = {(r.kind, r.person_id) for r in rows}
    assert ("absence_confirmation", "gol-ordforar") in kinds
    asked = [r for r in rows if r.kind == "call_in"]
    assert len(asked) == 1 and asked[0].payload["seat"] == "gol-ordforar"
    transport = MemoryTransport()
    dispatch(db.engine, db.clock, transport)
    texts = {s.recipients[0]: _parse(s.message).get_body(preferencelist=("plain",)).get_content()
             for s in transport.sent}
    call_text = texts[asked[0].address]
    assert "SVAR INNAN" in call_text and "varamedlem" in call_text
    confirmation = next(t for a, t in texts.items() if a != asked[0].address)
    assert "Forfallet ditt er registrert" in confirmation
    assert "Varamedlemen vert spurd" in confirmation


def test_a_substitute_who_says_yes_after_the_notice_gets_the_notice_and_invitation(
        db: Db) -> None:
    _notified(db)
    db.run("absence.report", DIRECTOR, meeting=RR, person="gol-ordforar", reason="Sjuk")
    call = next(r for r in _outbox(db) if r.kind == "call_in")
    db.run("substitute.answer", DIRECTOR, meeting=RR, person=call.person_id, accept=True)
    notices = [r for r in _outbox(db) if r.kind == "notice" and r.person_id == call.person_id]
    assert len(notices) == 1 and notices[0].payload["why"] == "substitute"


def test_the_intent_is_rolled_back_with_the_change_that_failed(db: Db) -> None:
    """A refused cancellation writes no cancellation messages."""
    _notified(db)
    db.run("meeting.cancel", DIRECTOR, meeting=RR, reason="Avlyst.")
    count = len(_outbox(db))
    with pytest.raises(RuleViolation):
        db.run("meeting.cancel", DIRECTOR, meeting=RR, reason="Igjen.")
    assert len(_outbox(db)) == count


def test_a_temporary_failure_is_retried_later_and_a_permanent_one_is_reported(
        db: Db) -> None:
    _notified(db)
    rows = _outbox(db)
    transport = MemoryTransport(fail={rows[0].key: TemporaryFailure("451 prøv seinare"),
                                      rows[1].key: PermanentFailure("550 ukjend mottakar")})
    report = dispatch(db.engine, db.clock, transport)
    assert report.sent == len(rows) - 2 and report.retried == 1 and report.failed == 1
    state = {r.id: r for r in _outbox(db)}
    assert state[rows[0].id].status == "pending" and state[rows[0].id].attempts == 1
    assert state[rows[0].id].next_attempt_at > db.clock.now()
    assert state[rows[1].id].status == "failed" and "550" in state[rows[1].id].last_error
    with db.engine.connect() as connection:
        keys = [k for (k,) in connection.exec_driver_sql("select key from alerts")]
    assert f"message-failed:{rows[1].id}" in keys  # the secretariat is told
    # not due yet: nothing happens; once due, it goes
    assert dispatch(db.engine, db.clock, transport).claimed == 0
    transport.fail.clear()
    db.clock.set(state[rows[0].id].next_attempt_at)
    assert dispatch(db.engine, db.clock, transport).sent == 1
    assert Counter(s.key for s in transport.sent)[rows[0].key] == 1


def test_a_run_killed_between_send_and_mark_sends_again_only_after_the_lease(db: Db) -> None:
    """The documented window: the message in flight when the run died is sent once more (with
    the same Message-ID) when its claim expires; every other message exactly once."""
    _notified(db)
    rows = _outbox(db)
    transport = MemoryTransport()

    class Killed(Exception):
        pass

    def die(message_id: int) -> None:
        if message_id == rows[2].id:
            raise Killed

    with pytest.raises(Killed):
        dispatch(db.engine, db.clock, transport, after_send=die)
    assert len(transport.sent) == 3
    # at once: the dead run's claim still holds; nothing of it is sent again
    assert dispatch(db.engine, db.clock, transport).claimed == 0
    assert len(transport.sent) == 3
    # after the lease: the rest go, and the one in flight goes again (a duplicate inside the
    # window), once
    from notifications.dispatch import LEASE

    db.clock.set(db.clock.now() + LEASE * 2)
    dispatch(db.engine, db.clock, transport)
    counts = Counter(s.key for s in transport.sent)
    duplicates = sum(c - 1 for c in counts.values())
    assert duplicates == 1 and counts[rows[2].key] == 2
    assert {r.status for r in _outbox(db)} == {"sent"}


def test_a_preparation_reminder_reaches_the_chief_executive_who_prepares_the_case(
        db: Db) -> None:
    from datetime import date, time

    number = register(db)
    lead = db.read(lambda uow: uow.cases.get(number).lead_id)
    db.at(date(2026, 8, 10), time(8, 0))  # three days before the deadline of 13.08
    db.sweep()
    db.sweep()  # once: the alert and its messages are written once
    alerts = [r for r in _outbox(db) if r.kind == "alert"]
    assert {r.person_id for r in alerts} == {lead, "dagleg-leiar"}
    assert all(r.subject == f"Påminning om frist: sak {number}" for r in alerts)
    transport = MemoryTransport()
    dispatch(db.engine, db.clock, transport)
    text = _parse(transport.sent[0].message).get_body(preferencelist=("plain",)).get_content()
    assert "Påminning" in text and "13.08.2026" in text and number in text


def test_an_urgent_case_tells_the_leaders_its_lawful_options(db: Db) -> None:
    from datetime import date

    number = register(db, deadline=date(2026, 8, 20).isoformat())
    rows = [r for r in _outbox(db) if r.kind == "alert"]
    assert rows and {r.subject for r in rows} == {f"Hastesak: sak {number}"}
    assert all("Lovlege vegar" in r.payload["message"] for r in rows)


def test_the_written_proposal_goes_to_every_member_and_a_reminder_to_those_who_have_not_answered(
        db: Db) -> None:
    from datetime import date, timedelta

    from tests.conftest import CHAIR
    from tests.integration.test_session import MAYORS, _urgent_for_writing

    number = _urgent_for_writing(db)
    db.run("written.start", CHAIR, case=number, proposal="Regionrådet sluttar seg til.",
           answer_by=date(2026, 8, 7))
    proposals = [r for r in _outbox(db) if r.kind == "written_proposal"]
    assert sorted(r.person_id for r in proposals) == sorted(MAYORS)
    assert all(r.case_id is not None and "svar innan" in r.subject for r in proposals)
    for member in MAYORS[:4]:
        db.run("written.answer", member, case=number, person=member, proposal=True,
               written=True)
    handling = db.read(lambda uow: uow.written.open_for(uow.cases.get(number).id))
    db.clock.set(handling.answer_by - timedelta(hours=23))
    db.sweep()
    db.sweep()
    reminders = [r for r in _outbox(db) if r.kind == "written_reminder"]
    assert sorted(r.person_id for r in reminders) == sorted(MAYORS[4:])
    transport = MemoryTransport()
    dispatch(db.engine, db.clock, transport)
    sent = next(s for s in transport.sent if s.key.startswith("written_reminder:"))
    text = _parse(sent.message).get_body(preferencelist=("plain",)).get_content()
    assert "Regionrådet sluttar seg til." in text and "Vi har ikkje fått svaret ditt" in text
    assert not any(p.get_content_type() == "text/calendar"
                   for p in _parse(sent.message).walk())


def test_every_notice_is_announced_publicly_without_the_exempt_content(db: Db) -> None:
    _notified(db, exempt=True)
    announced = _outbox(db, "announcement")
    assert len(announced) == 1 and announced[0].person_id is None
    assert announced[0].address == "post@hallingdal-ipr.example.org"
    transport = MemoryTransport()
    dispatch(db.engine, db.clock, transport)
    sent = next(s for s in transport.sent if s.key.startswith("announcement:"))
    message = _parse(sent.message)
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    for body in (text, html):
        assert "Søknad om tilskot" in body and "offl. § 13" in body
        assert "Løyndom" not in body and "Tilråding i" not in body
    assert not any(p.get_content_type() == "text/calendar" for p in message.walk())


def test_the_minutes_go_to_the_members_once_every_outcome_is_recorded(db: Db) -> None:
    from tests.conftest import CHAIR
    from tests.integration.test_case_lifecycle import open_session

    numbers = _notified(db, exempt=True)
    open_session(db, RR)
    with pytest.raises(RuleViolation) as early:
        db.run("meeting.send_minutes", DIRECTOR, meeting=RR)
    assert "Utfallet er ikkje ført" in early.value.message and early.value.field == "meeting"
    for number in numbers:
        db.run("case.vote", CHAIR, case=number, unanimous=True)
    db.run("meeting.send_minutes", CHAIR, meeting=RR)
    minutes = _outbox(db, "minutes")
    members = {r.person_id for r in _outbox(db, "notice")}
    assert {r.person_id for r in minutes} >= members
    with pytest.raises(RuleViolation):
        db.run("meeting.send_minutes", DIRECTOR, meeting=RR)  # once
    transport = MemoryTransport()
    dispatch(db.engine, db.clock, transport)
    sent = next(s for s in transport.sent if s.key.startswith("minutes:"))
    text = _parse(sent.message).get_body(preferencelist=("plain",)).get_content()
    assert "Her er møteboka" in text and "Felles breiband for Ål og Flå" in text


def test_html_in_a_title_is_escaped_and_the_nynorsk_letters_survive(db: Db) -> None:
    number = register(db, "Breiband <script>alert(1)</script> for Ål, Flå og Nesbyen")
    db.run("case.recommend", CE, case=number, text="Tilråding <b>feit</b>.")
    db.reconcile(number)
    meeting = db.read(lambda uow: uow.meetings.get(RR))
    db.clock.set(meeting.notice_at)
    db.sweep()
    transport = MemoryTransport()
    dispatch(db.engine, db.clock, transport)
    sent = next(s for s in transport.sent if s.key.startswith("notice:"))
    message = email.message_from_bytes(sent.message, policy=email.policy.strict)
    html = message.get_body(preferencelist=("html",)).get_content()
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html
    assert "Ål, Flå og Nesbyen" in text and "Ål, Flå og Nesbyen" in html
    assert message["From"].startswith("Hallingdal interkommunale politiske råd")


def test_a_meeting_over_without_its_outcomes_tells_the_chair_and_the_daily_leader(
        db: Db) -> None:
    from domain.operations.meetings import OUTCOME_GRACE

    _notified(db)
    meeting = db.read(lambda uow: uow.meetings.get(RR))
    chair = db.read(lambda uow: uow.meetings.get(RR).body.chair_id)
    db.clock.set(meeting.ends_at + OUTCOME_GRACE)
    db.sweep()
    told = [r for r in _outbox(db, "alert") if r.subject == f"Utfallet er ikkje ført: {RR}"]
    assert {r.person_id for r in told} == {chair, "dagleg-leiar"}


def test_a_new_time_or_place_after_the_notice_sends_the_changed_notice(db: Db) -> None:
    _notified(db)
    invited = {r.person_id for r in _outbox(db, "notice")}
    db.run("meeting.change", DIRECTOR, meeting=RR, start="12:00", end="16:00",
           place="Kulturhuset, Ål", reason="Salen er oppteken.")
    updates = _outbox(db, "update")
    assert {r.person_id for r in updates} == invited and {r.sequence for r in updates} == {1}
    assert updates[0].payload["changes"][0].startswith("Ny tid: kl. 12:00-16:00")
    transport = MemoryTransport()
    dispatch(db.engine, db.clock, transport)
    sent = next(s for s in transport.sent if s.key.startswith("update:"))
    message = _parse(sent.message)
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    event = next(iter(Calendar.from_ical(part.get_content()).walk("VEVENT")))
    assert event["SEQUENCE"] == 1 and event.decoded("DTSTART").hour == 12
    assert "Kulturhuset, Ål" in str(event["LOCATION"])
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Ny stad: Kulturhuset, Ål" in text and "kl. 12:00-16:00" in text


def test_a_change_before_the_notice_tells_no_one_and_bad_changes_are_refused(db: Db) -> None:
    from domain.errors import InvalidInput

    db.run("meeting.change", DIRECTOR, meeting=RR, place="Kulturhuset, Ål")
    assert _outbox(db, "update") == []
    with pytest.raises(InvalidInput) as same:
        db.run("meeting.change", DIRECTOR, meeting=RR, place="Kulturhuset, Ål")
    assert same.value.field == "meeting"
    with pytest.raises(InvalidInput) as backwards:
        db.run("meeting.change", DIRECTOR, meeting=RR, start="15:00", end="11:00")
    assert backwards.value.field == "end"


def test_a_meeting_with_a_confidential_case_cannot_turn_remote(db: Db) -> None:
    _notified(db, exempt=True)
    with pytest.raises(RuleViolation) as refused:
        db.run("meeting.change", DIRECTOR, meeting=RR, remote=True)
    assert refused.value.field == "remote" and "11-7" in refused.value.message
    assert _outbox(db, "update") == []


def test_a_meeting_cancelled_before_its_messages_went_gets_only_its_cancellation(
        db: Db) -> None:
    _notified(db)
    transport = MemoryTransport()
    dispatch(db.engine, db.clock, transport)  # the notices went
    db.run("absence.report", DIRECTOR, meeting=RR, person="gol-ordforar", reason="Sjuk")
    assert _outbox(db, "call_in")  # the call-in waits in the outbox ...
    db.run("meeting.cancel", DIRECTOR, meeting=RR, reason="Avlyst.")  # ... when it is cancelled
    report = dispatch(db.engine, db.clock, transport)
    assert report.dropped >= 1
    assert {r.status for r in _outbox(db, "call_in")} == {"dropped"}
    assert all(r.last_error == "møtet er avlyst" for r in _outbox(db, "call_in"))
    assert {r.status for r in _outbox(db, "cancellation")} == {"sent"}
    assert not any(s.key.startswith("call_in:") for s in transport.sent)


def test_a_batch_of_only_overtaken_messages_does_not_end_the_run(db: Db) -> None:
    """The call-in is overtaken and dropped; in batches of one, the run goes on past it to the
    cancellations behind it instead of taking a batch with nothing to send for "all done"."""
    _notified(db)
    transport = MemoryTransport()
    dispatch(db.engine, db.clock, transport)
    db.run("absence.report", DIRECTOR, meeting=RR, person="gol-ordforar", reason="Sjuk")
    db.run("meeting.cancel", DIRECTOR, meeting=RR, reason="Avlyst.")
    report = dispatch(db.engine, db.clock, transport, batch=1)
    assert report.dropped >= 1 and report.sent == len(_outbox(db, "cancellation")) > 0
    assert {r.status for r in _outbox(db, "cancellation")} == {"sent"}
    pending = db.read(lambda uow: uow.outbox.counts())
    assert pending.get("pending", 0) == 0


def test_an_alert_names_the_command_to_run_without_guessing_its_flags() -> None:
    from domain.errors import render as render_markup
    from notifications.messages import _plain_command

    text = render_markup("Avlys det med [cmd:meeting.cancel|meeting=RR-2026-08-27], eller før "
                         "det med [cmd:case.decide].", command=_plain_command)
    assert text == ("Avlys det med «tingflyt meeting cancel» (meeting RR-2026-08-27), eller før "
                    "det med «tingflyt case decide».")
