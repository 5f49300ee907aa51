"""Who receives a meeting's notice and call-ins, read from the store for the pure rule
(``domain.rules.recipients``): the body's seats, absences, substitutes who said yes (for the
meeting or for one case) or are being asked, and the people with the right to attend and
speak."""

from __future__ import annotations

from domain.operations.substitutes import seats_of
from domain.rules.recipients import Recipient, Sitting, attend_and_speak_people
from domain.rules.recipients import call_in_recipients as _call_ins
from domain.rules.recipients import notice_recipients as _notices
from domain.rules.terms import CallStatus
from domain.store.tables import Meeting
from domain.store.uow import UnitOfWork


def sitting_of(uow: UnitOfWork, meeting: Meeting) -> Sitting:
    """The seats of ``meeting`` as the recipients rule reads them."""
    members = tuple(seat.member_id for seat in seats_of(uow, meeting.body_id))
    absent = frozenset(uow.sitting.away_from(meeting.id))
    substitutes: dict[str, str] = {}
    case_substitutes: dict[str, tuple[str, str]] = {}
    asked: dict[str, str] = {}
    numbers = uow.cases.called_for_in(meeting.id)
    for call in uow.sitting.calls_of(meeting.id):
        if call.status == CallStatus.ACCEPTED and call.case_id is None:
            substitutes[call.substitute_id] = call.seat_id
        elif call.status == CallStatus.ACCEPTED:
            case_substitutes[call.substitute_id] = (call.seat_id, numbers[call.case_id])
        elif call.status == CallStatus.ASKED:
            asked[call.substitute_id] = call.seat_id
    body = meeting.body
    groups = {}
    for group in body.attend_and_speak or []:
        groups[group] = uow.bodies.member_ids(group)
    council = uow.council
    speakers = attend_and_speak_people(body.attend_and_speak or [],
                                       director=council.director_id,
                                       staff=council.staff_ids or [], bodies=groups)
    return Sitting(members, absent=absent, substitutes=substitutes,
                   case_substitutes=case_substitutes, asked=asked,
                   attend_and_speak=tuple(p for p in speakers if p not in members))


def notice_recipients(uow: UnitOfWork, meeting: Meeting) -> list[Recipient]:
    """Who receives the notice of ``meeting`` (and so its calendar invitation)."""
    return _notices(sitting_of(uow, meeting))


def call_in_recipients(uow: UnitOfWork, meeting: Meeting) -> list[Recipient]:
    """The substitutes being asked to sit in ``meeting`` now."""
    return _call_ins(sitting_of(uow, meeting))
