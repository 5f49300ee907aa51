"""Proposals and their ballots: written once when a vote is recorded, never changed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from domain.rules.terms import ProposalKind
from domain.store.tables import Ballot, Proposal


class VoteRepository:
    """Votes in a case at a meeting."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def results(self, case_id: int, meeting_id: int) -> list[tuple[str, str, str, int, int]]:
        """(kind, result, text, for, against) of every vote recorded in the case at the
        meeting, in order: how many rounds there were, and which proposals fell."""
        return [tuple(r) for r in self.session.execute(select(
            Proposal.kind, Proposal.result, Proposal.text, Proposal.votes_for,
            Proposal.votes_against).where(Proposal.case_id == case_id,
                                          Proposal.meeting_id == meeting_id)
            .order_by(Proposal.round, Proposal.id))]

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
