"""What the sweep finds due: rows whose ``next_check_at`` has come, and when the next one comes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.store.tables import Case, Deadline, Meeting, SubstituteCall, WrittenHandling

#: The tables the sweep looks at, each with a ``next_check_at``.
DUE_MODELS = (Case, Deadline, Meeting, SubstituteCall, WrittenHandling)


class DueRepository:
    """Due rows of the tables with a ``next_check_at``."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def ids(self, model: Any, now: datetime, *, limit: int,
            skip: set[int] | frozenset[int] = frozenset()) -> list[int]:
        """Ids of the rows of ``model`` due at ``now`` (without ``skip``), earliest first."""
        column = model.next_check_at
        query = select(model.id).where(column.is_not(None), column <= now)
        if skip:
            query = query.where(model.id.not_in(skip))
        return list(self.session.scalars(query.order_by(column).limit(limit)))

    def row(self, model: Any, row_id: int) -> Any:
        """The row of ``model`` with this id, which must exist."""
        return self.session.get_one(model, row_id)

    def next_at(self) -> datetime | None:
        """The earliest ``next_check_at`` of any table."""
        times = [self.session.scalar(select(func.min(model.next_check_at)))
                 for model in DUE_MODELS]
        present = [t for t in times if t is not None]
        return min(present) if present else None
