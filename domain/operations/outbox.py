"""Message intents: what the change just made must tell people, written to the outbox in the same
transaction as the change (so a change is never made without its messages, nor a message sent
for a change that was rolled back). The dispatcher (``notifications.dispatch``) delivers them
afterwards; ``notifications.messages`` renders each from the read models.

The meeting's invitations (notice, update, cancellation) are in
``domain.operations.invitations``; the substitute's call-in and the absence confirmation here.
Who receives what is one rule (``domain.rules.recipients``, read from the store by
``domain.operations.recipients``); what each may read of an exempt case is another
(``domain.rules.publicity.notice_audience``). Every intent has a unique key (what, meeting or
case, calendar sequence, recipient): writing the same intent twice writes one message.

- A substitute asked (``substitute_call_in``) gets the request with how to answer (one who
  says yes after the notice gets the notice: ``invitations.substitute_joined``).
- A member who reports absence gets the confirmation that it is registered
  (``absence_confirmation``), so that declining in a calendar alone is never taken for it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.rules.calendar import format_date
from domain.rules.publicity import Audience
from domain.rules.recipients import written_recipients
from domain.rules.terms import AlertKind, MessageKind, OutboxStatus
from domain.store.tables import Absence, Case, Meeting, OutboxMessage, SubstituteCall
from domain.store.uow import UnitOfWork


def _subject(kind: MessageKind, meeting: Meeting) -> str:
    body = meeting.body.name
    day = format_date(meeting.day)
    return {
        MessageKind.NOTICE: f"Innkalling: {body}, møte {day}",
        MessageKind.UPDATE: f"Endra innkalling: {body}, møte {day}",
        MessageKind.CANCELLATION: f"Avlyst: {body}, møte {day}",
        MessageKind.CALL_IN: f"Kan du møte som varamedlem? {body}, møte {day}",
        MessageKind.ABSENCE: f"Forfall registrert: {body}, møte {day}",
        MessageKind.ANNOUNCEMENT: f"Kunngjering: {body}, møte {day}",
        MessageKind.MINUTES: f"Møtebok: {body}, møte {day}",
    }[kind]


def queue(uow: UnitOfWork, kind: MessageKind, person_id: str, *, meeting: Meeting | None = None,
          case: Case | None = None, sequence: int | None = None, discriminator: str = "",
          payload: dict[str, Any] | None = None, subject: str | None = None,
          address: str | None = None) -> OutboxMessage | None:
    """Write one message to ``person_id`` (or, with ``address``, to that address under the
    name ``person_id``), unless the same intent is written already. Returns the row written,
    or None."""
    about = meeting.ref if meeting is not None else case.number if case is not None else "-"
    key = ":".join(str(part) for part in (
        kind.value, about, "" if sequence is None else sequence, discriminator, person_id))
    if uow.outbox.has(key):
        return None
    if address is not None:  # not a person: the council's own address (the announcement)
        person_key, name, email = None, person_id, address
    else:
        person = uow.people.get(person_id, field="person")
        person_key, name, email = person.id, person.name, person.email
    row = OutboxMessage(
        key=key, kind=kind.value, person_id=person_key, name=name, address=email,
        meeting_id=meeting.id if meeting is not None else None,
        case_id=case.id if case is not None else None, sequence=sequence,
        subject=subject or (_subject(kind, meeting) if meeting is not None else kind.label),
        payload=dict(payload or {}), created_at=uow.now, status=OutboxStatus.PENDING.value,
        attempts=0, next_attempt_at=uow.now)
    uow.outbox.write(row)
    return row


def substitute_call_in(uow: UnitOfWork, meeting: Meeting, call: SubstituteCall,
                       case: Case | None) -> OutboxMessage | None:
    """The request to the substitute asked, with the seat, the case if only one, and the time
    by which to answer."""
    return queue(uow, MessageKind.CALL_IN, call.substitute_id, meeting=meeting,
                 discriminator=str(call.id),
                 payload={"seat": call.seat_id, "case": case.number if case else None,
                          "answer_by": call.answer_by.isoformat(),
                          "audience": Audience.INTERNAL.value})


def absence_confirmation(uow: UnitOfWork, meeting: Meeting, absence: Absence,
                         case: Case | None) -> OutboxMessage | None:
    """The member's confirmation that her absence (for the meeting, part of it or one case) is
    registered, and what happens now (a substitute is asked)."""
    return queue(uow, MessageKind.ABSENCE, absence.person_id, meeting=meeting,
                 discriminator=str(absence.id),
                 payload={"absence": absence.id, "kind": absence.kind,
                          "case": case.number if case else None,
                          "audience": Audience.INTERNAL.value})


#: The subject of an alert's e-mail, by its kind (the case or meeting follows).
ALERT_SUBJECTS = {
    AlertKind.DEADLINE_NEAR: "Påminning om frist",
    AlertKind.DEADLINE_MISSED: "Fristen er passert",
    AlertKind.URGENT_CASE: "Hastesak",
    AlertKind.NOTICE_LATE: "Innkallinga er sein",
    AlertKind.NO_MEETING: "Saka har ikkje noko møte",
    AlertKind.OUTCOME_MISSING: "Utfallet er ikkje ført",
    AlertKind.MINUTES_LATE: "Møteboka er ikkje send",
    AlertKind.SEAT_OPEN: "Plassen står open",
    AlertKind.QUORUM_RISK: "Fare for at møtet ikkje er vedtaksført",
    AlertKind.WRITTEN_FAILED: "Den skriftlege handsaminga fall",
    AlertKind.MESSAGE_FAILED: "E-post kom ikkje fram",
}


def alert_messages(uow: UnitOfWork) -> int:
    """Every alert raised in this unit, by e-mail to each of its recipients (the reminders:
    the preparation deadline to the chief executive who prepares the case, an urgent case with
    its lawful options to the leaders, an overdue follow-up to its owner, a missing outcome to
    the chair and the daily leader). Called before the unit commits, so the message is written
    with the alert; the alert's key keeps the message unique."""
    raised, uow.raised = uow.raised, []
    written = 0
    for alert in raised:
        case = uow.cases.find(alert.case_id) if alert.case_id is not None else None
        meeting = uow.meetings.find(alert.meeting_id) if alert.meeting_id is not None else None
        about = case.number if case is not None else meeting.ref if meeting is not None else ""
        subject = f"{ALERT_SUBJECTS.get(AlertKind(alert.kind), 'Varsel')}" + (
            f": {'sak ' if case is not None else ''}{about}" if about else "")
        for person in alert.recipients:
            if uow.people.find(person) is None:
                continue
            row = queue(uow, MessageKind.ALERT, person, case=case, meeting=meeting,
                        discriminator=alert.key, subject=subject,
                        payload={"alert": alert.key, "alert_kind": alert.kind,
                                 "severity": alert.severity, "message": alert.message,
                                 "meeting": meeting.ref if meeting is not None else None,
                                 "audience": Audience.INTERNAL.value})
            written += row is not None
    return written


def written_proposal(uow: UnitOfWork, meeting: Meeting, case: Case, answer_by: datetime,
                     members: list[str], *, reminder: bool = False) -> int:
    """The written proposal (KL § 11-8 (2)) to every member, the recused too (she must know
    that her recusal ends the handling), with the deadline and how to answer; or, with
    ``reminder``, the reminder to those in ``members`` (who have not answered yet)."""
    kind = MessageKind.WRITTEN_REMINDER if reminder else MessageKind.WRITTEN_PROPOSAL
    local = uow.calendar.local(answer_by)
    lead = "Påminning: svar på skriftleg handsaming" if reminder else "Skriftleg handsaming"
    subject = (f"{lead} av sak {case.number}, svar innan {format_date(local.date())} kl. "
               f"{local:%H:%M}")
    written = 0
    for person in written_recipients(members):
        written += queue(uow, kind, person.person_id, meeting=meeting, case=case,
                         subject=subject, payload={"audience": Audience.INTERNAL.value,
                                                   "answer_by": answer_by.isoformat()}
                         ) is not None
    return written


def announcement(uow: UnitOfWork, meeting: Meeting) -> OutboxMessage | None:
    """The public announcement (kunngjering, KL § 11-3) of every meeting, also one that will be
    closed: the public agenda, where an exempt case shows only its neutral title and legal
    basis, to the council's own address, from which it is published."""
    council = uow.council
    return queue(uow, MessageKind.ANNOUNCEMENT, f"{council.name} (kunngjering)",
                 meeting=meeting, sequence=meeting.calendar_sequence, address=council.email,
                 payload={"audience": Audience.PUBLIC.value})
