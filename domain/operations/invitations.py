"""A meeting's calendar invitations as outbox intents: the notice, the updates after it, the
cancellation, and the notice to a substitute who says yes after it (see
``domain.operations.outbox`` for the outbox and its keys).

- The notice (``meeting_notice``, when the agenda is frozen): the members, the called-in
  substitutes and those who attend and speak get the notice with the invitation at sequence 0;
  a member absent for the whole meeting gets none (she has the confirmation of her absence).
- A change after the notice that the invited can see (``meeting_update``: a case withdrawn, a
  new time or place, a remote meeting): the calendar sequence goes up, everyone who has the
  invitation, and anyone invited now, gets the update, and the changed public agenda is
  announced again.
- The cancellation (``meeting_cancellation``): the sequence goes up and everyone who had the
  invitation gets the cancellation; nobody else (a meeting cancelled before its notice was
  never announced to anyone).

A written handling (KL § 11-8 (2)) is no sitting: it gets no invitation.
"""

from __future__ import annotations

from typing import Any

from domain.operations.outbox import announcement, queue
from domain.operations.recipients import notice_recipients
from domain.rules.publicity import notice_audience
from domain.rules.recipients import Why
from domain.rules.terms import INVITING, MeetingKind, MeetingStatus, MessageKind
from domain.store.tables import Case, Meeting, OutboxMessage, SubstituteCall
from domain.store.uow import UnitOfWork

#: Recipients of the notice who get the invitation (and so later updates and cancellations).
INVITED = (Why.MEMBER, Why.SUBSTITUTE, Why.ATTEND_AND_SPEAK)


def _invitation(uow: UnitOfWork, kind: MessageKind, meeting: Meeting, person_id: str, why: str,
                *, seat: str | None = None, for_case: str | None = None,
                changes: list[str] | None = None) -> OutboxMessage | None:
    audience = notice_audience(uow.people.actor(person_id), meeting.body_id,
                               sits=why == Why.SUBSTITUTE)
    payload: dict[str, Any] = {"why": str(why), "audience": audience.value}
    if seat is not None:
        payload["seat"] = seat
    if for_case is not None:
        payload["case"] = for_case
    if changes:
        payload["changes"] = changes
    return queue(uow, kind, person_id, meeting=meeting, sequence=meeting.calendar_sequence,
                 payload=payload)


def _sends_invitations(meeting: Meeting) -> bool:
    return meeting.kind != MeetingKind.WRITTEN


def meeting_notice(uow: UnitOfWork, meeting: Meeting) -> int:
    """The notice and invitation to everyone the recipients rule names (at the freeze)."""
    if not _sends_invitations(meeting):
        return 0
    written = int(announcement(uow, meeting) is not None)
    invited = [r for r in notice_recipients(uow, meeting) if r.why in INVITED]
    uow.people.prefetch(r.person_id for r in invited)
    for recipient in invited:
        written += _invitation(uow, MessageKind.NOTICE, meeting, recipient.person_id,
                               recipient.why, seat=recipient.seat,
                               for_case=recipient.case) is not None
    return written


def _invited(uow: UnitOfWork, meeting: Meeting) -> list[tuple[str, str]]:
    return uow.outbox.invited_to(meeting.id, [k.value for k in INVITING])


def meeting_update(uow: UnitOfWork, meeting: Meeting, changes: list[str]) -> int:
    """A change after the notice that the invited can see: the sequence goes up, and everyone
    who has the invitation, or is invited now, gets the update. Nothing before the notice
    (the notice will say it all)."""
    if meeting.status != MeetingStatus.NOTIFIED or not _sends_invitations(meeting):
        return 0
    meeting.calendar_sequence = (meeting.calendar_sequence or 0) + 1
    people: dict[str, tuple[str, str | None, str | None]] = {
        person: (why, None, None) for person, why in _invited(uow, meeting)}
    for recipient in notice_recipients(uow, meeting):
        if recipient.why in INVITED:
            people[recipient.person_id] = (recipient.why, recipient.seat, recipient.case)
    written = int(announcement(uow, meeting) is not None)  # the public agenda, as changed
    uow.people.prefetch(people)
    for person, (why, seat, for_case) in people.items():
        written += _invitation(uow, MessageKind.UPDATE, meeting, person, why, seat=seat,
                               for_case=for_case, changes=changes) is not None
    return written


def meeting_cancellation(uow: UnitOfWork, meeting: Meeting, reason: str) -> int:
    """The cancellation to everyone who had the invitation (the sequence goes up)."""
    invited = _invited(uow, meeting)
    if not invited:
        return 0
    meeting.calendar_sequence = (meeting.calendar_sequence or 0) + 1
    uow.people.prefetch(person for person, _why in invited)
    written = 0
    for person, why in invited:
        row = queue(uow, MessageKind.CANCELLATION, person, meeting=meeting,
                    sequence=meeting.calendar_sequence,
                    payload={"why": why, "reason": reason,
                             "audience": notice_audience(uow.people.actor(person),
                                                         meeting.body_id,
                                                         sits=why == Why.SUBSTITUTE).value})
        written += row is not None
    return written


def substitute_joined(uow: UnitOfWork, meeting: Meeting, call: SubstituteCall,
                      case: Case | None) -> OutboxMessage | None:
    """A substitute who said yes after the notice gets the notice and the invitation at the
    meeting's current sequence (before the notice, the notice itself will reach her)."""
    if meeting.status != MeetingStatus.NOTIFIED or not _sends_invitations(meeting):
        return None
    return _invitation(uow, MessageKind.NOTICE, meeting, call.substitute_id, Why.SUBSTITUTE,
                       seat=call.seat_id, for_case=case.number if case else None)


def minutes_to_members(uow: UnitOfWork, meeting: Meeting) -> int:
    """The minutes to the body's members, the substitutes who sat and those who attend and
    speak, each as her audience may read them (an exempt case's content only for those who
    may read it)."""
    people: dict[str, str] = {}
    for recipient in notice_recipients(uow, meeting):
        if recipient.why in (*INVITED, Why.ABSENT):
            people.setdefault(recipient.person_id, str(recipient.why))
    for row in uow.sitting.attendance_of(meeting.id):
        people.setdefault(row.person_id, str(Why.SUBSTITUTE))
    written = 0
    for person, why in people.items():
        audience = notice_audience(uow.people.actor(person), meeting.body_id,
                                   sits=why == Why.SUBSTITUTE)
        written += queue(uow, MessageKind.MINUTES, person, meeting=meeting,
                         payload={"why": why, "audience": audience.value}) is not None
    return written
