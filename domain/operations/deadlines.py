"""Deadlines with their reminders: opened and closed in the same transaction as the step that sets
them.
"""

from __future__ import annotations

from datetime import date, time, timedelta

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
    uow.add(deadline)
    return deadline


def followup_owner(uow: UnitOfWork, case: Case) -> str | None:
    """Who owns carrying out the case's decision: the owner of its current follow-up, else the
    one who prepared it (the follow-up starts with her)."""
    current = uow.deadlines.current_followup(case.id)
    return current.owner_id if current is not None and current.owner_id else case.lead_id


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
    return uow.deadlines.close(owner=owner, owner_id=owner_id, kinds=kinds, cancelled=cancelled,
                               today=uow.today, now=uow.now)
