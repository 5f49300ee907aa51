"""Proposals and their ballots: written once when a vote is recorded, never changed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from domain.rules.terms import ProposalKind, ProposalResult
from domain.store.tables import Ballot, Proposal


class VoteRepository:
    """Votes in a case at a meeting."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def rounds(self, case_id: int, meeting_id: int) -> int:
        """How many votes are recorded in the case at the meeting."""
        return self.session.scalar(select(func.count(Proposal.id)).where(
            Proposal.case_id == case_id, Proposal.meeting_id == meeting_id)) or 0

    def fallen(self, case_id: int, meeting_id: int) -> list[Proposal]:
        """Proposals in the case at the meeting that were voted down (or got no consensus)."""
        return list(self.session.scalars(select(Proposal).where(
            Proposal.case_id == case_id, Proposal.meeting_id == meeting_id,
            Proposal.kind == ProposalKind.PROPOSAL,
            Proposal.result.in_([ProposalResult.FALLEN, ProposalResult.NO_CONSENSUS]))
            .order_by(Proposal.round)))

    def election_rounds(self, case_id: int, meeting_id: int) -> list[Proposal]:
        """The election rounds in the case at the meeting, in order."""
        return list(self.session.scalars(select(Proposal).where(
            Proposal.case_id == case_id, Proposal.meeting_id == meeting_id,
            Proposal.kind == ProposalKind.ELECTION).order_by(Proposal.round)))

    def has_voted(self, meeting_id: int, case_id: int, person_id: str) -> bool:
        """Whether the person has cast a ballot in the case at the meeting."""
        return self.session.scalars(select(Ballot.id).join(
            Proposal, Proposal.id == Ballot.proposal_id).where(
            Proposal.meeting_id == meeting_id, Proposal.case_id == case_id,
            Ballot.voter_id == person_id)).first() is not None

    def add_ballots(self, ballots: Iterable[dict[str, Any]]) -> None:
        """Write the ballots of a proposal in one multi-row INSERT."""
        rows = list(ballots)
        if rows:
            self.session.execute(insert(Ballot), rows)
