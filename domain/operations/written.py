"""Written handling (skriftleg handsaming, KL § 11-8 (2)) as the commands and the sweep share it:
adopted by all, failed by one.
"""

from __future__ import annotations

from datetime import time, timedelta

from domain.errors import RuleViolation
from domain.operations.outbox import written_proposal
from domain.operations.outcomes import apply_outcome
from domain.operations.substitutes import seats_of
from domain.rules.access import SYSTEM_ACTOR, Actor
from domain.rules.scheduling import written_reminder_at
from domain.rules.terms import (
    AlertKind,
    CaseState,
    DecisionBasis,
    MeetingStatus,
    Outcome,
    ProposalKind,
    ProposalResult,
    WrittenStatus,
)
from domain.rules.voting import Choice
from domain.store.rule_values import leaders
from domain.store.tables import (
    Ballot,
    Case,
    Meeting,
    Proposal,
    WrittenHandling,
)
from domain.store.uow import UnitOfWork

#: Answers are due by the end of the answer day, local time: an answer at 23:59 counts.
ANSWER_TIME = time(23, 59, 59)


def handling_at(uow: UnitOfWork, meeting: Meeting) -> WrittenHandling:
    """The written handling a written-handling meeting holds (one per such meeting)."""
    return uow.written.of_meeting(meeting.id)


def open_handling(uow: UnitOfWork, case: Case) -> WrittenHandling:
    handling = uow.written.open_for(case.id)
    if handling is None:
        raise RuleViolation(f"Sak {case.number} er ikkje til skriftleg handsaming no.",
                            "Start ho med [cmd:written.start].", field="case")
    return handling


def adopt(uow: UnitOfWork, actor: Actor, handling: WrittenHandling, case: Case,
           meeting: Meeting, members: list[str]) -> None:
    proposal = Proposal(
        meeting_id=meeting.id, case_id=case.id, kind=ProposalKind.PROPOSAL, round=1,
        text=handling.proposal, proposer_id=handling.started_by, candidates=None,
        result=ProposalResult.ADOPTED,
        explanation=f"Alle {len(members)} medlemene sa ja til framlegget og til skriftleg "
        "handsaming (kommunelova § 11-8 (2)).", votes_for=len(members),
        votes_against=0, votes_blank=0, casting_vote=False, chair_id=None, elected=None,
        drawn_among=None, recorded_at=uow.now, recorded_by=actor.id)
    uow.add(proposal)
    uow.flush()
    uow.add_all(Ballot(proposal_id=proposal.id, voter_id=m, seat_id=m, choice=Choice.FOR,
                               candidate=None) for m in members)
    handling.status = WrittenStatus.ADOPTED
    handling.closed_at = uow.now
    handling.next_check_at = None
    handling.outcome_note = proposal.explanation
    apply_outcome(uow, actor, case, meeting, Outcome.DECIDED, text=handling.proposal,
                  proposal_id=proposal.id, basis_override=DecisionBasis.WRITTEN,
                  vote_summary=f"Skriftleg: alle {len(members)} medlemene sa ja.")
    meeting.status = MeetingStatus.HELD
    meeting.ends_at = uow.now


def fail_handling(uow: UnitOfWork, actor: Actor, handling: WrittenHandling, case: Case,
                  meeting: Meeting, why: str) -> None:
    """End a written handling without a decision: the case goes back to be placed on an
    ordinary or urgent remote meeting, and the leaders are alerted."""
    handling.status = WrittenStatus.FAILED
    handling.closed_at = uow.now
    handling.next_check_at = None
    handling.outcome_note = why
    item = uow.agenda.item_for(case.id, meeting.id)
    if item is not None:
        item.withdrawn = True  # the numbered item stays in the record, without a decision
    case.state = CaseState.RECOMMENDED
    case.agenda_meeting_id = None
    case.updated_at = uow.now
    case.next_check_at = uow.now  # the engine finds an ordinary or urgent remote meeting
    meeting.status = MeetingStatus.HELD
    meeting.ends_at = uow.now
    meeting.agenda_changed_at = uow.now
    message = (f"Skriftleg handsaming av sak {case.number} fall: {why} Saka går til eit "
               "ordinært møte eller hastefjernmøte.")
    uow.journal(actor, "written.failed", message, case=case, meeting=meeting)
    uow.alert(f"written-failed:{handling.id}", AlertKind.WRITTEN_FAILED, message,
              recipients=leaders(uow), severity="critical", case=case, meeting=meeting)


def process_written(uow: UnitOfWork, handling: WrittenHandling) -> str | None:
    """Sweep: when the answer deadline passes, missing answers end the written handling."""
    handling.next_check_at = None
    if handling.status != WrittenStatus.OPEN:
        return None
    if uow.now <= handling.answer_by:
        handling.next_check_at = handling.answer_by + timedelta(seconds=1)
        remind = written_reminder_at(handling.started_at, handling.answer_by)
        if handling.reminded_at is not None or remind is None:
            return None
        if uow.now < remind:
            handling.next_check_at = remind
            return None
        handling.reminded_at = uow.now
        case = uow.cases.by_id(handling.case_id)
        meeting = uow.meetings.by_id(handling.meeting_id)
        answered = uow.written.answered(handling.id)
        missing = [s.member_id for s in seats_of(uow, meeting.body_id)
                   if s.member_id not in answered]
        if not missing:
            return None
        written_proposal(uow, meeting, case, handling.answer_by, missing, reminder=True)
        return (f"Påminning om skriftleg handsaming av sak {case.number} sendt til "
                f"{len(missing)} som ikkje har svart.")
    case = uow.cases.by_id(handling.case_id)
    meeting = uow.meetings.by_id(handling.meeting_id)
    members = [s.member_id for s in seats_of(uow, meeting.body_id)]
    answered = uow.written.answered(handling.id)
    missing = [m for m in members if m not in answered]
    names = uow.people.names(missing)
    fail_handling(uow, SYSTEM_ACTOR, handling, case, meeting,
                  f"ingen svar frå {', '.join(names.get(m, m) for m in missing)} innan fristen.")
    return f"Skriftleg handsaming av sak {case.number} fall (manglande svar)."
