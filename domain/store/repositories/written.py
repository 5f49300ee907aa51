"""Written handlings (KL § 11-8 (2)) and the members' answers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.rules.terms import WrittenStatus
from domain.store.tables import WrittenAnswer, WrittenHandling


class WrittenRepository:
    """Written handlings and their answers."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def of_meeting(self, meeting_id: int) -> WrittenHandling:
        """The written handling that is this meeting (there is exactly one)."""
        return self.session.scalars(select(WrittenHandling).where(
            WrittenHandling.meeting_id == meeting_id)).one()

    def open_for(self, case_id: int) -> WrittenHandling | None:
        """The case's written handling still waiting for answers, if any."""
        return self.session.scalars(select(WrittenHandling).where(
            WrittenHandling.case_id == case_id,
            WrittenHandling.status == WrittenStatus.OPEN)).first()

    def answer_of(self, handling_id: int, person_id: str) -> WrittenAnswer | None:
        """The member's answer, if she has given one."""
        return self.session.scalars(select(WrittenAnswer).where(
            WrittenAnswer.written_id == handling_id, WrittenAnswer.person_id == person_id)).first()

    def answered(self, handling_id: int) -> set[str]:
        """Who has answered."""
        return set(self.session.scalars(select(WrittenAnswer.person_id).where(
            WrittenAnswer.written_id == handling_id)))
