"""Deadlines: closed in one statement, and the current follow-up of a case."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, literal, select, update
from sqlalchemy import case as sa_case
from sqlalchemy.orm import Session

from domain.rules.terms import DeadlineKind, DeadlineStatus
from domain.store.tables import Deadline


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


class DeadlineRepository:
    """Deadlines of cases and meetings."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def close(self, *, owner: str, owner_id: int, kinds: tuple[str, ...], cancelled: bool,
              today: date, now: datetime) -> int:
        """Mark the open deadlines of these kinds of a case (``owner="case_id"``) or meeting
        (``"meeting_id"``) met, missed (met after their day) or cancelled, in one UPDATE;
        returns how many. Rows already loaded in this unit are reloaded when next read."""
        result: Any = self.session.connection().execute(
            _CLOSE[(owner, cancelled)],
            {"owner": owner_id, "kinds": list(kinds), "today": today, "now": now})
        for obj in list(self.session.identity_map.values()):
            if isinstance(obj, Deadline) and getattr(obj, owner) == owner_id:
                self.session.expire(obj)
        return int(result.rowcount or 0)

    def current_followup(self, case_id: int) -> Deadline | None:
        """The case's latest follow-up deadline that is still open or missed."""
        return self.session.scalars(select(Deadline).where(
            Deadline.case_id == case_id, Deadline.kind == DeadlineKind.FOLLOWUP,
            Deadline.status.in_([DeadlineStatus.OPEN, DeadlineStatus.MISSED]))
            .order_by(Deadline.id.desc())).first()

    def by_id(self, deadline_id: int) -> Deadline:
        """The deadline with this id, which must exist."""
        return self.session.get_one(Deadline, deadline_id)
