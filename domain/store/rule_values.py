"""The organisation as the rules see it, read through a unit of work: bodies as rule values,
meeting slots, the council's leaders, labels."""

from __future__ import annotations

from domain.rules.calendar import format_date
from domain.rules.scheduling import Bodies, BodyRules, MeetingSlot
from domain.rules.terms import BodyKind, CaseKind, MeetingStatus
from domain.store.reading import Unit
from domain.store.reads import Record


def body_rules(body: Record) -> BodyRules:
    return BodyRules(
        id=body.id, kind=BodyKind(body.kind), name=body.name, notice_days=body.notice_days,
        preparation_days=body.preparation_days, urgent_notice_days=body.urgent_notice_days,
        remote_meetings=body.remote_meetings, written_handling=body.written_handling,
        prepared_by=body.prepared_by_id,
        urgency_authority=None if body.urgency_authority is None
        else frozenset(CaseKind(k) for k in body.urgency_authority))


def all_bodies(uow: Unit) -> Bodies:
    """Every body as the rules see it, read once per unit of work (a case list asks for each
    case's path)."""
    bodies = uow.memo.get("bodies")
    if bodies is None:
        bodies = uow.memo["bodies"] = Bodies(body_rules(b) for b in uow.bodies.all())
    return bodies


def slot(meeting: Record) -> MeetingSlot:
    return MeetingSlot(
        ref=meeting.ref, body_id=meeting.body_id, day=meeting.day,
        notice_date=meeting.notice_date, preparation_deadline=meeting.preparation_deadline,
        open=meeting.status == MeetingStatus.PLANNED, remote=meeting.remote, kind=meeting.kind)


def upcoming_slots(uow: Unit, *, include_remote: bool = True) -> list[MeetingSlot]:
    """Open meetings from today on, as the scheduling rules see them."""
    slots = [slot(m) for m in uow.meetings.open_from(uow.calendar.start_of(uow.today))]
    return slots if include_remote else [s for s in slots if not s.remote]


def leaders(uow: Unit) -> list[str]:
    """The council's leader and the daily leader: who hears about urgent cases."""
    council = uow.bodies.of_kind(BodyKind.COUNCIL)
    people = [council.chair_id, uow.council.director_id]
    return [p for p in people if p]


def agenda_item_for(uow: Unit, case: Record, meeting_id: int | None) -> Record | None:
    return uow.agenda.item_for(case.id, meeting_id)


def meeting_label(uow: Unit, meeting: Record) -> str:
    body = uow.reads.body_of(meeting)
    return f"{body.short_name} {format_date(meeting.day)} ({meeting.ref})"
