"""Meetings by ref or id, the next open meeting of a body, and the items on an agenda."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.rules.terms import AgendaItemKind, MeetingKind, MeetingStatus
from domain.store.lookups import unknown_meeting
from domain.store.tables import AgendaItem, Meeting, Treatment


class MeetingRepository:
    """Meetings (a ref, once found, is not looked up again in the same unit)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._found: dict[str, Meeting] = {}

    def get(self, ref: str, *, field: str = "meeting") -> Meeting:
        meeting = self._found.get(ref)
        if meeting is None:
            meeting = self.session.scalars(select(Meeting).where(Meeting.ref == ref)).first()
        if meeting is None:
            raise unknown_meeting(ref, field)
        self._found[ref] = meeting
        return meeting

    def find(self, meeting_id: int | None) -> Meeting | None:
        """The meeting with this id, or None (also for no id)."""
        return self.session.get(Meeting, meeting_id) if meeting_id is not None else None

    def by_id(self, meeting_id: int) -> Meeting:
        """The meeting with this id, which must exist (a row points to it)."""
        return self.session.get_one(Meeting, meeting_id)

    def next_open(self, body_id: str, after: datetime) -> Meeting | None:
        """The body's first meeting after ``after`` whose agenda is open (no written
        handling: it has one case only)."""
        return self.session.scalars(select(Meeting).where(
            Meeting.body_id == body_id, Meeting.status == MeetingStatus.PLANNED,
            Meeting.starts_at > after, Meeting.kind != MeetingKind.WRITTEN)
            .order_by(Meeting.starts_at)).first()

    def open_from(self, start: datetime) -> list[Meeting]:
        """Meetings from ``start`` on whose agenda is open, by time (no written handlings)."""
        return list(self.session.scalars(select(Meeting).where(
            Meeting.starts_at >= start, Meeting.status == MeetingStatus.PLANNED,
            Meeting.kind != MeetingKind.WRITTEN).order_by(Meeting.starts_at)))

    def planned(self) -> list[Meeting]:
        """The meetings of the meeting plan."""
        return list(self.session.scalars(select(Meeting).where(
            Meeting.kind == MeetingKind.PLANNED)))

    def planned_on(self, body_id: str, day: date) -> Meeting | None:
        """The body's meeting-plan meeting on ``day``."""
        return self.session.scalars(select(Meeting).where(
            Meeting.body_id == body_id, Meeting.day == day,
            Meeting.kind == MeetingKind.PLANNED)).first()

    def ref_on_day(self, body_id: str, day: date) -> str | None:
        """The ref of a meeting of the body on ``day`` that is not cancelled."""
        return self.session.scalars(select(Meeting.ref).where(
            Meeting.body_id == body_id, Meeting.day == day,
            Meeting.status != MeetingStatus.CANCELLED)).first()

    def refs_starting(self, prefix: str) -> set[str]:
        """Refs already taken that start with ``prefix``."""
        return set(self.session.scalars(select(Meeting.ref).where(Meeting.ref.like(f"{prefix}%"))))

    def minutes_unapproved_before(self, meeting: Meeting) -> list[Meeting]:
        """Earlier notified or held meetings of the body whose minutes no agenda approves
        yet, oldest first."""
        approved = select(AgendaItem.related_meeting_id).where(
            AgendaItem.kind == AgendaItemKind.MINUTES_APPROVAL,
            AgendaItem.related_meeting_id.is_not(None))
        return list(self.session.scalars(select(Meeting).where(
            Meeting.body_id == meeting.body_id, Meeting.starts_at < meeting.starts_at,
            Meeting.status.in_([MeetingStatus.NOTIFIED, MeetingStatus.HELD]),
            Meeting.id.not_in(approved)).order_by(Meeting.starts_at)))

    def last_treated(self, case_id: int) -> Meeting | None:
        """The latest meeting that treated the case."""
        return self.session.scalars(
            select(Meeting).join(Treatment, Treatment.meeting_id == Meeting.id)
            .where(Treatment.case_id == case_id).order_by(Meeting.starts_at.desc())).first()


class AgendaRepository:
    """The items on meetings' agendas."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def items_of(self, meeting_id: int, *, ordered: bool = False) -> list[AgendaItem]:
        """The meeting's agenda items (by position if ``ordered``)."""
        query = select(AgendaItem).where(AgendaItem.meeting_id == meeting_id)
        if ordered:
            query = query.order_by(AgendaItem.position)
        return list(self.session.scalars(query))

    def item_for(self, case_id: int, meeting_id: int | None) -> AgendaItem | None:
        """The case's item on the meeting's agenda, if it has one."""
        if meeting_id is None:
            return None
        return self.session.scalars(select(AgendaItem).where(
            AgendaItem.meeting_id == meeting_id, AgendaItem.case_id == case_id)).first()

    def last_position(self, meeting_id: int) -> int:
        """The highest position on the meeting's agenda (0 when empty)."""
        return self.session.scalar(select(func.max(AgendaItem.position)).where(
            AgendaItem.meeting_id == meeting_id)) or 0
