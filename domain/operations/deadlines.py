"""Deadlines with their reminders: opened and closed in the same transaction as the step that sets
them.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from sqlalchemy import bindparam, literal, update
from sqlalchemy import case as sa_case

from domain.rules.terms import DeadlineStatus
from domain.store.tables import Case, Deadline, Meeting
from domain.store.uow import UnitOfWork

#: Local time at which reminders go out.
REMINDER_TIME = time(8, 0)


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
