"""Read model of a written handling: proposal, deadline, each member's answers."""

from __future__ import annotations

from domain.errors import RuleViolation
from domain.operations.substitutes import recused_in, seats_of
from domain.queries.cases import case_title, content_hidden
from domain.queries.format import INTERNAL, iso, use_zone
from domain.rules import publicity
from domain.rules.publicity import Audience
from domain.rules.terms import WRITTEN_STATUS_LABELS, MeetingKind, WrittenStatus
from domain.store.rule_values import meeting_label
from domain.store.tables import Meeting
from domain.store.uow import UnitOfWork


def written_facts(uow: UnitOfWork, meeting: Meeting) -> dict[str, object] | None:
    """What a written handling (KL § 11-8 (2)) is, for the row of its meeting: the answer
    deadline, how many of the members have answered, and its status; None for a meeting. The
    same for every audience: who answered and the result are public (the proposal is added per
    audience by :func:`written_content`). The meeting row's ``ends_at`` is the deadline while
    the handling is open and the moment it closed after: the deadline is read here, from the
    handling itself."""
    if meeting.kind != MeetingKind.WRITTEN:
        return None
    handling = uow.reads.written_handling_of(meeting)
    if handling is None:
        return None
    members = [s.member_id for s in seats_of(uow, meeting.body_id)]
    answered = {a.person_id for a in uow.reads.written_answers_to(handling)}
    status = WrittenStatus(handling.status)
    return {
        "answer_by": iso(handling.answer_by),
        "answered": len(answered & set(members)),
        "members": len(members),
        "status": status.value,
        "status_label": WRITTEN_STATUS_LABELS[status],
        "sent_at": iso(handling.started_at),
        "closed_at": iso(handling.closed_at),
    }


def written_content(uow: UnitOfWork, meeting: Meeting, audience: Audience
                    ) -> dict[str, object]:
    """The proposal sent out and the reason of the result, as ``audience`` reads them: the
    public does not read an exempt case's proposal (``publicity`` decides)."""
    handling = uow.reads.written_handling_of(meeting)
    if handling is None:
        return {}
    case = uow.cases.by_id(handling.case_id)
    return {"case": case.number,
            "proposal": publicity.written_proposal_for(handling.proposal,
                                                       content_hidden(case, audience)),
            "outcome_note": handling.outcome_note}


def written_view(uow: UnitOfWork, number: str, audience: Audience = INTERNAL) -> dict[str, object]:
    """The written handling of a case: proposal, deadline, each member's answers. The public
    reads an exempt case's handling without the proposal."""
    use_zone(uow)
    case = uow.cases.get(number)
    handling = uow.reads.latest_written_handling(case)
    if handling is None:
        raise RuleViolation(f"Sak {case.number} har ikkje vore til skriftleg handsaming.",
                            f"Start ho med [cmd:written.start|case={case.number}].",
                            field="case")
    hidden = content_hidden(case, audience)
    meeting = uow.meetings.by_id(handling.meeting_id)
    members = [s.member_id for s in seats_of(uow, meeting.body_id)]
    names = uow.people.names(members)
    answers = {a.person_id: a for a in uow.reads.written_answers_to(handling)}
    recused = recused_in(uow, meeting)
    return {
        "case": case.number, "title": case_title(case, audience),
        "exempt_basis": case.exempt_basis, "meeting": meeting.ref,
        "status": handling.status,
        "status_label": WRITTEN_STATUS_LABELS[WrittenStatus(handling.status)],
        "proposal": publicity.written_proposal_for(handling.proposal, hidden),
        "answer_by": iso(handling.answer_by),
        "outcome_note": handling.outcome_note,
        "answers": [{"member": m, "name": names.get(m, m), "recused": m in recused,
                     "proposal": (answers[m].agrees_proposal if m in answers else None),
                     "written": (answers[m].agrees_written if m in answers else None)}
                    for m in members],
        "label": meeting_label(uow, meeting),
    }
