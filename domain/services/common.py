"""Helpers the service functions share: rules views of rows, paths, labels, deadlines."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from ..calendar import format_date
from ..model import AgendaItem, Body, Case, Deadline, Meeting
from ..publicity import Exemption
from ..scheduling import Bodies, BodyRules, MeetingSlot, treatment_path
from ..terms import BodyKind, CaseKind, DeadlineStatus, MeetingStatus
from ..uow import UnitOfWork

#: Local time at which the sweep sends a meeting's notice on its notice day.
NOTICE_TIME = time(8, 0)
#: Local time at which reminders go out.
REMINDER_TIME = time(8, 0)


def body_rules(body: Body) -> BodyRules:
    return BodyRules(
        id=body.id, kind=BodyKind(body.kind), name=body.name, notice_days=body.notice_days,
        preparation_days=body.preparation_days, urgent_notice_days=body.urgent_notice_days,
        remote_meetings=body.remote_meetings, written_handling=body.written_handling,
        prepared_by=body.prepared_by_id)


def all_bodies(uow: UnitOfWork) -> Bodies:
    return Bodies(body_rules(b) for b in uow.session.scalars(select(Body)))


def slot(meeting: Meeting) -> MeetingSlot:
    return MeetingSlot(
        ref=meeting.ref, body_id=meeting.body_id, day=meeting.day,
        notice_date=meeting.notice_date, preparation_deadline=meeting.preparation_deadline,
        open=meeting.status == MeetingStatus.PLANNED, remote=meeting.remote, kind=meeting.kind)


def upcoming_slots(uow: UnitOfWork, *, include_remote: bool = True) -> list[MeetingSlot]:
    """Open meetings from today on, as the scheduling rules see them."""
    start = uow.calendar.start_of(uow.today)
    query = (select(Meeting).where(Meeting.starts_at >= start,
                                   Meeting.status == MeetingStatus.PLANNED)
             .order_by(Meeting.starts_at))
    slots = [slot(m) for m in uow.session.scalars(query)]
    return slots if include_remote else [s for s in slots if not s.remote]


def case_path(uow: UnitOfWork, case: Case) -> list[str]:
    return treatment_path(CaseKind(case.kind), case.competent_body_id, all_bodies(uow))


def remaining_path(uow: UnitOfWork, case: Case) -> list[str]:
    path = case_path(uow, case)
    if case.current_body_id in path:
        return path[path.index(case.current_body_id):]
    return [case.current_body_id]


def exemption_of(case: Case) -> Exemption | None:
    if case.exempt_basis is None:
        return None
    return Exemption(case.exempt_basis, case.exempt_offl_section or 0,
                     case.public_title or "")


def closed_meeting_required(case: Case) -> bool:
    exemption = exemption_of(case)
    return exemption is not None and exemption.closed_meeting_required


def agenda_number(prefix: str | None, number: int | None, year: int | None) -> str | None:
    """Utvalssaksnummer: ``RR 12/26``."""
    if number is None or year is None or not prefix:
        return None
    return f"{prefix} {number}/{year % 100:02d}"


def meeting_label(uow: UnitOfWork, meeting: Meeting) -> str:
    return f"{meeting.body.short_name} {format_date(meeting.day)} ({meeting.ref})"


def agenda_item_for(uow: UnitOfWork, case: Case, meeting_id: int | None) -> AgendaItem | None:
    if meeting_id is None:
        return None
    return uow.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting_id, AgendaItem.case_id == case.id)).first()


# -- deadlines ------------------------------------------------------------------------------------

def open_deadline(
    uow: UnitOfWork,
    *,
    kind: str,
    due_date: date,
    reminder_days: int,
    case: Case | None = None,
    meeting: Meeting | None = None,
    owner_id: str | None = None,
    note: str | None = None,
) -> Deadline:
    """Create a deadline with its reminder, due by the end of ``due_date`` (local time)."""
    cal = uow.calendar
    due_at = cal.end_of(due_date)
    remind_day = cal.working_day_on_or_before(due_date - timedelta(days=reminder_days)) \
        if reminder_days else None
    remind_at = cal.at(remind_day, REMINDER_TIME) if remind_day else None
    if remind_at is not None and (remind_at >= due_at or remind_at <= uow.now):
        remind_at = None  # no reminder after the fact: the assignment itself told them
    deadline = Deadline(
        kind=kind, case_id=case.id if case else None, meeting_id=meeting.id if meeting else None,
        due_date=due_date, due_at=due_at, remind_at=remind_at, status=DeadlineStatus.OPEN,
        owner_id=owner_id, note=note, next_check_at=remind_at or due_at)
    uow.session.add(deadline)
    return deadline


def close_deadlines(
    uow: UnitOfWork,
    *,
    kinds: tuple[str, ...],
    case: Case | None = None,
    meeting: Meeting | None = None,
    cancelled: bool = False,
) -> list[Deadline]:
    """Mark open deadlines met (or cancelled). A deadline met after its day stays missed."""
    query = select(Deadline).where(Deadline.kind.in_(kinds),
                                   Deadline.status == DeadlineStatus.OPEN)
    if case is not None:
        query = query.where(Deadline.case_id == case.id)
    if meeting is not None:
        query = query.where(Deadline.meeting_id == meeting.id)
    closed = []
    for deadline in uow.session.scalars(query):
        if cancelled:
            deadline.status = DeadlineStatus.CANCELLED
        elif uow.today <= deadline.due_date:
            deadline.status = DeadlineStatus.MET
        else:
            deadline.status = DeadlineStatus.MISSED
        deadline.closed_at = uow.now
        deadline.next_check_at = None
        closed.append(deadline)
    return closed


def leaders(uow: UnitOfWork) -> list[str]:
    """The council's leader and the daily leader: who hears about urgent cases."""
    council = uow.body_of_kind(BodyKind.COUNCIL)
    people = [council.chair_id, uow.council.director_id]
    return [p for p in people if p]
