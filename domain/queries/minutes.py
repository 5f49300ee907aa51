"""The minutes (møtebok, KL § 11-4), assembled from what was recorded: time and place, who was
present and absent, substitutes and their seats, each case with its proposals, the votes and the
decision, recusals, and the legal basis of closed items. The public version never shows an
exempt case's content.
"""

from __future__ import annotations

from typing import Any

from domain.errors import RuleViolation
from domain.operations.substitutes import recused_in, seats_of
from domain.operations.written import handling_at
from domain.queries.cases import case_title, content_hidden, proposal_kind
from domain.queries.format import INTERNAL, iso, use_zone
from domain.queries.meetings import meeting_summary, recommendation_facts, referred_elsewhere
from domain.rules import publicity
from domain.rules.numbering import agenda_number
from domain.rules.publicity import Audience
from domain.rules.sitting import chair_note
from domain.rules.terms import (
    DECISION_BASIS_LABELS,
    OUTCOME_LABELS,
    WRITTEN_STATUS_LABELS,
    AbsenceKind,
    AttendanceRole,
    DecisionBasis,
    MeetingKind,
    MeetingStatus,
    Outcome,
    ProposalKind,
    RecusalBasis,
    WrittenStatus,
)
from domain.rules.voting import CHOICE_LABELS, Choice
from domain.store.tables import Meeting, Proposal
from domain.store.uow import UnitOfWork


def names_of(uow: UnitOfWork, ids: set[str]) -> dict[str, str]:
    return uow.people.names(ids)


def minutes_view(uow: UnitOfWork, meeting: Meeting,
                 audience: Audience = INTERNAL) -> dict[str, Any]:
    """The minutes of a held meeting, as data for the templates and for ``--json``."""
    use_zone(uow)
    if meeting.status != MeetingStatus.HELD:
        raise RuleViolation(f"Møtet {meeting.ref} er ikkje halde enno; det finst inga møtebok.",
                            "Før frammøte og vedtak først ([cmd:meeting.attend], [cmd:case.vote]).",
                            field="meeting")
    public = publicity.is_public(audience)
    attendance = uow.reads.attendances_at(meeting)
    absences = uow.reads.absences_at(meeting)
    items = uow.reads.agenda_items_of(meeting)
    seats = seats_of(uow, meeting.body_id)
    ids = {a.person_id for a in attendance} | {s.member_id for s in seats} | {
        a.person_id for a in absences}
    proposals = uow.reads.proposals_at(meeting)
    ballots = uow.reads.ballots_of([p.id for p in proposals])
    ids |= {b.voter_id for cast in ballots.values() for b in cast}
    ids |= {p.chair_id for p in proposals if p.chair_id}
    names = names_of(uow, ids)
    body = uow.reads.body_of(meeting)
    prefix = body.agenda_prefix
    label_of = {i.position: agenda_number(prefix, i.number, i.year) for i in items}

    written = _written_record(uow, meeting, names, audience) \
        if meeting.kind == MeetingKind.WRITTEN else None
    # A row for one case is a substitute who sat only for it, in a recused member's seat; the
    # meeting's presence is the rows for every item.
    case_rows = [a for a in attendance if a.case_id is not None]
    attendance = [a for a in attendance if a.case_id is None]
    sitting = {a.seat_id: a for a in attendance if a.seat_id is not None}
    present = [{
        "id": a.person_id, "name": names.get(a.person_id, a.person_id), "role": a.role,
        "seat": a.seat_id, "seat_name": names.get(a.seat_id or "", a.seat_id),
        "chair": a.chair, "from_item": label_of.get(a.from_position or -1),
        "to_item": label_of.get(a.to_position or -1)}
        for a in sorted(attendance, key=lambda a: (a.role != AttendanceRole.MEMBER, a.person_id))
        if a.seat_id is not None]
    absent = []
    for seat in seats if written is None else ():  # written handling: the answers instead
        row = sitting.get(seat.member_id)
        if row is not None and row.person_id == seat.member_id:
            continue
        reason = next((a.reason for a in absences if a.person_id == seat.member_id
                       and a.kind != AbsenceKind.CASE), None)
        absent.append({"id": seat.member_id, "name": names.get(seat.member_id, seat.member_id),
                       "municipality": seat.municipality_id,
                       "reason": publicity.absence_reason_for(reason, audience),
                       "substitute": row.person_id if row else None,
                       "substitute_name": names.get(row.person_id, "") if row else None})
    attendees = [{"id": a.person_id, "name": names.get(a.person_id, a.person_id)}
                 for a in attendance if a.seat_id is None]
    chair = next((p for p in present if p["chair"]), None)

    cases = uow.cases.by_ids([i.case_id for i in items if i.case_id])
    treatments = {t.case_id: t for t in uow.reads.treatments_at(meeting)}
    referred = referred_elsewhere(uow, meeting, list(cases))
    out_items = []
    for item in items:
        case = cases.get(item.case_id) if item.case_id else None
        hidden = case is not None and content_hidden(case, audience)
        entry: dict[str, Any] = {
            "agenda_number": label_of.get(item.position), "section": item.section,
            "kind": item.kind, "case": case.number if case else None,
            "title": case_title(case, audience) if case else item.title,
            "exempt_basis": case.exempt_basis if case else None,
            "closed_meeting": bool(case and case.exempt_offl_section == 13 and written is None),
            "withdrawn": item.withdrawn,
            "recommendation": publicity.content_for(case.recommendation, hidden) if case else None,
            **recommendation_facts(case, referred),
            "proposals": [], "recused": [], "case_substitutes": [], "outcome": None,
            "outcome_label": None,
            "basis_label": None, "decision": None, "vote_summary": None,
        }
        if case is not None:
            recused = {a.person_id for a in absences
                       if a.kind == AbsenceKind.CASE and a.case_id == case.id}
            for proposal in (p for p in proposals if p.case_id == case.id):
                view = _proposal_view(proposal, ballots.get(proposal.id, []), names, hidden)
                view["chair_note"] = chair_note(body, proposal.chair_id, recused) \
                    if written is None else None
                entry["proposals"].append(view)
            for absence in absences:
                if absence.kind == AbsenceKind.CASE and absence.case_id == case.id:
                    entry["recused"].append({
                        "id": absence.person_id,
                        "name": names.get(absence.person_id, absence.person_id),
                        "basis": publicity.recusal_basis_for(_basis_label(absence.basis),
                                                             hidden),
                        "note": publicity.absence_reason_for(absence.reason, audience)})
            entry["case_substitutes"] = [
                {"id": a.person_id, "name": names.get(a.person_id, a.person_id),
                 "seat": a.seat_id, "seat_name": names.get(a.seat_id or "", a.seat_id)}
                for a in case_rows if a.case_id == case.id]
            treatment = treatments.get(case.id)
            if treatment is not None:
                outcome = Outcome(treatment.outcome)
                entry.update({
                    "outcome": outcome.value, "outcome_label": OUTCOME_LABELS[outcome],
                    "basis_label": DECISION_BASIS_LABELS[DecisionBasis(treatment.basis)],
                    "decision": publicity.content_for(treatment.text, hidden),
                    "vote_summary": publicity.vote_summary_for(
                        treatment.vote_summary, proposal_kind(uow, treatment), hidden)})
        out_items.append(entry)

    approval = uow.reads.minutes_approval_item(meeting)
    approving = uow.meetings.find(approval.meeting_id) if approval else None
    summary = meeting_summary(uow, meeting)
    return {
        "meeting": summary,
        "public": public,
        "chair": chair,
        "present": present,
        "absent": absent,
        "attendees": attendees,
        "written": written,
        "items": out_items,
        "approval": {
            "meeting": approving.ref if approving else None,
            "agenda_number": agenda_number(uow.reads.body_of(approving).agenda_prefix,
                                           approval.number, approval.year)
            if approving and approval else None,
            "approved": bool(approving and approving.status == MeetingStatus.HELD),
        },
    }


def _written_record(uow: UnitOfWork, meeting: Meeting, names: dict[str, str],
                    audience: Audience) -> dict[str, Any]:
    """Written handling in the minutes: the proposal, every member's two answers (or none),
    and the result with its reason."""

    handling = handling_at(uow, meeting)
    case = uow.cases.by_id(handling.case_id)
    hidden = content_hidden(case, audience)
    answers = {a.person_id: a for a in uow.reads.written_answers_to(handling)}
    recused = recused_in(uow, meeting)
    rows = []
    for seat in seats_of(uow, meeting.body_id):
        answer = answers.get(seat.member_id)
        rows.append({
            "id": seat.member_id, "name": names.get(seat.member_id, seat.member_id),
            "answered": answer is not None, "recused": seat.member_id in recused,
            "proposal": None if answer is None else answer.agrees_proposal,
            "written": None if answer is None else answer.agrees_written,
            "answered_at": iso(answer.answered_at) if answer else None})
    return {
        "status": handling.status,
        "status_label": WRITTEN_STATUS_LABELS[WrittenStatus(handling.status)],
        "proposal": publicity.written_proposal_for(handling.proposal, hidden),
        "answer_by": iso(handling.answer_by),
        "note": handling.outcome_note,
        "answers": rows,
    }


def _proposal_view(proposal: Proposal, cast: list[Any], names: dict[str, str],
                   hidden: bool) -> dict[str, Any]:
    shown = publicity.proposal_shown(proposal.kind, hidden)
    ballots = [{
        "voter": b.voter_id, "voter_name": names.get(b.voter_id, b.voter_id),
        "seat": b.seat_id, "choice": b.choice,
        "choice_label": CHOICE_LABELS[Choice(b.choice)] if proposal.kind != ProposalKind.ELECTION
        else (b.candidate or "blank"), "candidate": b.candidate} for b in cast]
    groups: dict[str, list[str]] = {}
    for ballot in ballots:
        groups.setdefault(ballot["choice_label"], []).append(ballot["voter_name"])
    return {
        "kind": proposal.kind, "round": proposal.round,
        "text": proposal.text if shown.text else None,
        "groups": [{"label": label, "names": names_} for label, names_ in groups.items()]
        if shown.ballots else [],
        "result": proposal.result,
        "explanation": proposal.explanation if shown.explanation else None,
        "votes_for": proposal.votes_for, "votes_against": proposal.votes_against,
        "votes_blank": proposal.votes_blank, "casting_vote": proposal.casting_vote,
        "chair": proposal.chair_id,
        "chair_name": names.get(proposal.chair_id or "", proposal.chair_id),
        "elected": proposal.elected if shown.elected else None,
        "drawn_among": proposal.drawn_among if shown.elected else None,
        "ballots": ballots if shown.ballots else [],
    }


def _basis_label(basis: str | None) -> str:
    """The ground of a recusal as the minutes say it; one recorded before grounds were kept
    says so."""
    if basis is None:
        return "heimel ikkje ført"
    return RecusalBasis(basis).label
