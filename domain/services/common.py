"""Helpers the service functions share: rules views of rows, paths, labels, deadlines."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import bindparam, literal, select, update
from sqlalchemy import case as sa_case

from domain.rules.calendar import format_date
from domain.rules.publicity import Exemption
from domain.rules.scheduling import Bodies, BodyRules, MeetingSlot, treatment_path
from domain.rules.terms import BodyKind, CaseKind, DeadlineStatus, MeetingKind, MeetingStatus
from domain.store.tables import AgendaItem, Body, Case, Deadline, Meeting
from domain.store.uow import UnitOfWork

#: Local time at which the sweep sends a meeting's notice on its notice day.
NOTICE_TIME = time(8, 0)
#: A meeting added on its own notice day is notified at this time (at least an hour after it
#: was added), so the secretariat can put its cases on the agenda first.
LATE_NOTICE_TIME = time(16, 0)
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
                                   Meeting.status == MeetingStatus.PLANNED,
                                   Meeting.kind != MeetingKind.WRITTEN)
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


def _close_statement(owner: str, cancelled: bool) -> Any:
    table = Deadline.__table__
    status: Any = literal(DeadlineStatus.CANCELLED.value) if cancelled else sa_case(
        (table.c.due_date >= bindparam("today"), DeadlineStatus.MET.value),
        else_=DeadlineStatus.MISSED.value)
    return (update(table)
            .where(table.c[owner] == bindparam("owner"),
                   table.c.kind.in_(bindparam("kinds", expanding=True)),
                   table.c.status == DeadlineStatus.OPEN.value)
            .values(status=status, closed_at=bindparam("now"), next_check_at=None))


# Built once: closing deadlines happens in almost every command.
_CLOSE = {(owner, cancelled): _close_statement(owner, cancelled)
          for owner in ("case_id", "meeting_id") for cancelled in (False, True)}


def close_deadlines(
    uow: UnitOfWork,
    *,
    kinds: tuple[str, ...],
    case: Case | None = None,
    meeting: Meeting | None = None,
    cancelled: bool = False,
) -> int:
    """Mark open deadlines met (or cancelled): one UPDATE. Met after its day means missed."""
    owner, owner_id = ("case_id", case.id) if case is not None else ("meeting_id", meeting.id)
    result = uow.session.connection().execute(
        _CLOSE[(owner, cancelled)],
        {"owner": owner_id, "kinds": list(kinds), "today": uow.today, "now": uow.now})
    # Deadline rows already loaded in this unit are stale now: reload them when next read.
    for obj in list(uow.session.identity_map.values()):
        if isinstance(obj, Deadline) and getattr(obj, owner) == owner_id:
            uow.session.expire(obj)
    return int(result.rowcount or 0)


def leaders(uow: UnitOfWork) -> list[str]:
    """The council's leader and the daily leader: who hears about urgent cases."""
    council = uow.body_of_kind(BodyKind.COUNCIL)
    people = [council.chair_id, uow.council.director_id]
    return [p for p in people if p]
