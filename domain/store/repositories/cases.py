"""Cases: by number (refused naming the field) or id; the cases on an agenda or waiting for one."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from domain.rules.numbering import parse_case_number
from domain.rules.terms import CaseKind, CaseState
from domain.store.lookups import unknown_case
from domain.store.tables import Case, Proposal, SubstituteCall

_CASE_BY_NUMBER = select(Case).where(Case.year == bindparam("year"), Case.seq == bindparam("seq"))


class CaseRepository:
    """Cases (a number, once found, is not looked up again in the same unit)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._found: dict[tuple[int, int], Case] = {}

    def get(self, number: str, *, field: str = "case") -> Case:
        key = parse_case_number(number)
        case = self._found.get(key)
        if case is None:
            case = self.session.scalars(_CASE_BY_NUMBER, {"year": key[0], "seq": key[1]}).first()
        if case is None:
            raise unknown_case(number, field)
        self._found[key] = case
        return case

    def find(self, case_id: int | None) -> Case | None:
        """The case with this id, or None (also for no id)."""
        return self.session.get(Case, case_id) if case_id is not None else None

    def by_id(self, case_id: int) -> Case:
        """The case with this id, which must exist (a row points to it)."""
        return self.session.get_one(Case, case_id)

    def by_ids(self, ids: Iterable[int]) -> dict[int, Case]:
        """The cases with these ids, by id."""
        wanted = list(ids)
        if not wanted:
            return {}
        return {c.id: c for c in self.session.scalars(select(Case).where(Case.id.in_(wanted)))}

    def on_agenda_of(self, meeting_id: int, *, state: CaseState | None = None,
                     ordered: bool = False) -> list[Case]:
        """The cases on the meeting's agenda (in a given state; by number if ``ordered``)."""
        query = select(Case).where(Case.agenda_meeting_id == meeting_id)
        if state is not None:
            query = query.where(Case.state == state)
        if ordered:
            query = query.order_by(Case.year, Case.seq)
        return list(self.session.scalars(query))

    def confidential_on_agenda_of(self, meeting_id: int) -> list[Case]:
        """Cases on the agenda under a duty of confidentiality (offentleglova § 13)."""
        return list(self.session.scalars(select(Case).where(
            Case.agenda_meeting_id == meeting_id, Case.exempt_offl_section == 13)))

    def in_preparation_for(self, meeting_id: int) -> list[Case]:
        """Cases being prepared for this meeting."""
        return list(self.session.scalars(select(Case).where(
            Case.target_meeting_id == meeting_id, Case.state == CaseState.IN_PREPARATION)))

    def waiting_for_body(self, body_id: str) -> list[Case]:
        """Cases that a new or changed meeting of the body may serve: those with the body on
        the way to an agenda, and every urgent case (it may need any body's meeting)."""
        return list(self.session.scalars(select(Case).where(or_(
            (Case.current_body_id == body_id) & Case.state.in_([
                CaseState.RECOMMENDED, CaseState.POSTPONED, CaseState.REFERRED,
                CaseState.REGISTERED, CaseState.IN_PREPARATION, CaseState.SENT_BACK]),
            Case.urgent.is_(True)))))

    def unreported_urgency(self, body_id: str) -> list[Case]:
        """Reports of urgency decisions to the body that are not yet treated."""
        return list(self.session.scalars(select(Case).where(
            Case.kind == CaseKind.URGENCY_REPORT, Case.current_body_id == body_id,
            Case.state.in_([CaseState.REGISTERED, CaseState.RECOMMENDED, CaseState.ON_AGENDA]))))

    def voted_in(self, meeting_id: int) -> list[Case]:
        """Cases with a vote recorded in the meeting."""
        return list(self.session.scalars(select(Case).where(Case.id.in_(
            select(Proposal.case_id).where(Proposal.meeting_id == meeting_id)))))

    def called_for_in(self, meeting_id: int) -> dict[int, str]:
        """Numbers of the cases a substitute was called in for in the meeting, by case id."""
        return {c.id: c.number for c in self.session.scalars(select(Case).join(
            SubstituteCall, SubstituteCall.case_id == Case.id).where(
            SubstituteCall.meeting_id == meeting_id))}
