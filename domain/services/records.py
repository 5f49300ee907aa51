"""What a meeting leaves behind: the minutes (møtebok), and the follow-up of its decisions.

The minutes (KL § 11-4) are assembled from what was recorded: time and place, who was present
and who was absent, substitutes and the seat each sat in, each case with its proposals, the
votes member by member and the decision, recusals with their reasons, and the legal basis of
closed items. The public version never shows an exempt case's content.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from domain.errors import InvalidInput, NotAllowed, RuleViolation
from domain.rules.calendar import format_date
from domain.rules.terms import (
    CASE_STATE_LABELS,
    DECISION_BASIS_LABELS,
    OUTCOME_LABELS,
    CaseState,
    DeadlineKind,
    DeadlineStatus,
    DecisionBasis,
    MeetingKind,
    MeetingStatus,
    Outcome,
    Role,
)
from domain.rules.voting import CHOICE_LABELS, Choice
from domain.services.attendance import chair_note, recused_in, seats_of
from domain.services.common import agenda_number, open_deadline
from domain.services.views import (
    INTERNAL,
    PUBLIC,
    _iso,
    case_title,
    meeting_summary,
    public_vote_summary,
    use_zone,
)
from domain.store.tables import (
    Absence,
    AgendaItem,
    Attendance,
    Body,
    Case,
    Deadline,
    Meeting,
    Person,
    Proposal,
    Treatment,
    WrittenAnswer,
)
from domain.store.uow import Actor, UnitOfWork, requires


def _names(uow: UnitOfWork, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    return {p.id: p.name for p in uow.session.scalars(select(Person).where(Person.id.in_(ids)))}


def minutes_view(uow: UnitOfWork, meeting: Meeting, audience: str = INTERNAL) -> dict[str, Any]:
    """The minutes of a held meeting, as data for the templates and for ``--json``."""
    use_zone(uow)
    if meeting.status != MeetingStatus.HELD:
        raise RuleViolation(f"Møtet {meeting.ref} er ikkje halde enno; det finst inga møtebok.",
                            "Før frammøte og vedtak først (`tingflyt attend`, `tingflyt vote`).",
                            field="meeting")
    public = audience == PUBLIC
    attendance = list(uow.session.scalars(select(Attendance).where(
        Attendance.meeting_id == meeting.id)))
    absences = list(uow.session.scalars(select(Absence).where(
        Absence.meeting_id == meeting.id, Absence.withdrawn_at.is_(None))))
    items = list(uow.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position, AgendaItem.id)))
    seats = seats_of(uow, meeting.body_id)
    ids = {a.person_id for a in attendance} | {s.member_id for s in seats} | {
        a.person_id for a in absences}
    proposals = list(uow.session.scalars(select(Proposal).where(
        Proposal.meeting_id == meeting.id).order_by(Proposal.id)))
    ids |= {b.voter_id for p in proposals for b in p.ballots}
    ids |= {p.chair_id for p in proposals if p.chair_id}
    names = _names(uow, ids)
    prefix = meeting.body.agenda_prefix
    label_of = {i.position: agenda_number(prefix, i.number, i.year) for i in items}

    written = _written_record(uow, meeting, names, public) \
        if meeting.kind == MeetingKind.WRITTEN else None
    sitting = {a.seat_id: a for a in attendance if a.seat_id is not None}
    present = [{
        "id": a.person_id, "name": names.get(a.person_id, a.person_id), "role": a.role,
        "seat": a.seat_id, "seat_name": names.get(a.seat_id or "", a.seat_id),
        "chair": a.chair, "from_item": label_of.get(a.from_position or -1),
        "to_item": label_of.get(a.to_position or -1)}
        for a in sorted(attendance, key=lambda a: (a.role != "member", a.person_id))
        if a.seat_id is not None]
    absent = []
    for seat in seats if written is None else ():  # written handling: the answers instead
        row = sitting.get(seat.member_id)
        if row is not None and row.person_id == seat.member_id:
            continue
        reason = next((a.reason for a in absences if a.person_id == seat.member_id
                       and a.kind != "case"), None)
        absent.append({"id": seat.member_id, "name": names.get(seat.member_id, seat.member_id),
                       "municipality": seat.municipality_id,
                       "reason": None if public else reason,
                       "substitute": row.person_id if row else None,
                       "substitute_name": names.get(row.person_id, "") if row else None})
    attendees = [{"id": a.person_id, "name": names.get(a.person_id, a.person_id)}
                 for a in attendance if a.seat_id is None]
    chair = next((p for p in present if p["chair"]), None)

    cases = {c.id: c for c in uow.session.scalars(select(Case).where(
        Case.id.in_([i.case_id for i in items if i.case_id])))}
    treatments = {t.case_id: t for t in uow.session.scalars(select(Treatment).where(
        Treatment.meeting_id == meeting.id))}
    out_items = []
    for item in items:
        case = cases.get(item.case_id) if item.case_id else None
        hidden = bool(public and case is not None and case.exempt_basis)
        entry: dict[str, Any] = {
            "agenda_number": label_of.get(item.position), "section": item.section,
            "kind": item.kind, "case": case.number if case else None,
            "title": case_title(case, audience) if case else item.title,
            "exempt_basis": case.exempt_basis if case else None,
            "closed_meeting": bool(case and case.exempt_offl_section == 13 and written is None),
            "withdrawn": item.withdrawn,
            "recommendation": None if hidden or case is None else case.recommendation,
            "proposals": [], "recused": [], "outcome": None, "outcome_label": None,
            "basis_label": None, "decision": None, "vote_summary": None,
        }
        if case is not None:
            recused = {a.person_id for a in absences
                       if a.kind == "case" and a.case_id == case.id}
            for proposal in (p for p in proposals if p.case_id == case.id):
                view = _proposal_view(proposal, names, hidden)
                view["chair_note"] = chair_note(meeting.body, proposal.chair_id, recused) \
                    if written is None else None
                entry["proposals"].append(view)
            for absence in absences:
                if absence.kind == "case" and absence.case_id == case.id:
                    entry["recused"].append({
                        "id": absence.person_id,
                        "name": names.get(absence.person_id, absence.person_id),
                        "reason": None if hidden else absence.reason})
            treatment = treatments.get(case.id)
            if treatment is not None:
                outcome = Outcome(treatment.outcome)
                entry.update({
                    "outcome": outcome.value, "outcome_label": OUTCOME_LABELS[outcome],
                    "basis_label": DECISION_BASIS_LABELS[DecisionBasis(treatment.basis)],
                    "decision": None if hidden else treatment.text,
                    "vote_summary": public_vote_summary(uow, treatment) if hidden
                    else treatment.vote_summary})
        out_items.append(entry)

    approval = uow.session.scalars(select(AgendaItem).where(
        AgendaItem.kind == "minutes_approval", AgendaItem.related_meeting_id == meeting.id)
    ).first()
    approving = uow.session.get(Meeting, approval.meeting_id) if approval else None
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
            "agenda_number": agenda_number(approving.body.agenda_prefix, approval.number,
                                           approval.year) if approving and approval else None,
            "approved": bool(approving and approving.status == MeetingStatus.HELD),
        },
    }


def _written_record(uow: UnitOfWork, meeting: Meeting, names: dict[str, str],
                    public: bool) -> dict[str, Any]:
    """Written handling in the minutes: the proposal, every member's two answers (or none),
    and the result with its reason."""
    from domain.services.written import WRITTEN_STATUS_LABELS, handling_at

    handling = handling_at(uow, meeting)
    case = uow.session.get_one(Case, handling.case_id)
    hidden = public and case.exempt_basis is not None
    answers = {a.person_id: a for a in uow.session.scalars(select(WrittenAnswer).where(
        WrittenAnswer.written_id == handling.id))}
    recused = recused_in(uow, meeting)
    rows = []
    for seat in seats_of(uow, meeting.body_id):
        answer = answers.get(seat.member_id)
        rows.append({
            "id": seat.member_id, "name": names.get(seat.member_id, seat.member_id),
            "answered": answer is not None, "recused": seat.member_id in recused,
            "proposal": None if answer is None else answer.agrees_proposal,
            "written": None if answer is None else answer.agrees_written,
            "answered_at": _iso(answer.answered_at) if answer else None})
    return {
        "status": handling.status, "status_label": WRITTEN_STATUS_LABELS[handling.status],
        "proposal": None if hidden else handling.proposal,
        "answer_by": _iso(handling.answer_by),
        "note": handling.outcome_note,
        "answers": rows,
    }


def _proposal_view(proposal: Proposal, names: dict[str, str], hidden: bool) -> dict[str, Any]:
    ballots = [{
        "voter": b.voter_id, "voter_name": names.get(b.voter_id, b.voter_id),
        "seat": b.seat_id, "choice": b.choice,
        "choice_label": CHOICE_LABELS[Choice(b.choice)] if proposal.kind != "election"
        else (b.candidate or "blank"), "candidate": b.candidate} for b in proposal.ballots]
    groups: dict[str, list[str]] = {}
    for ballot in ballots:
        groups.setdefault(ballot["choice_label"], []).append(ballot["voter_name"])
    return {
        "kind": proposal.kind, "round": proposal.round,
        "text": None if hidden else proposal.text,
        "groups": [] if hidden else [{"label": label, "names": names_}
                                     for label, names_ in groups.items()],
        "result": proposal.result,
        # An appointment's explanation names who was elected.
        "explanation": None if hidden and proposal.kind == "election" else proposal.explanation,
        "votes_for": proposal.votes_for, "votes_against": proposal.votes_against,
        "votes_blank": proposal.votes_blank, "casting_vote": proposal.casting_vote,
        "chair": proposal.chair_id,
        "chair_name": names.get(proposal.chair_id or "", proposal.chair_id),
        "elected": None if hidden else proposal.elected,
        "drawn_among": None if hidden else proposal.drawn_among,
        "ballots": [] if hidden else ballots,
    }


# -- follow-up ------------------------------------------------------------------------------

def followup_list(uow: UnitOfWork, *, body: str | None = None,
                  audience: str = INTERNAL) -> list[dict[str, Any]]:
    """Oppfølgingsliste: every decision that needs carrying out, with owner, due day and whether
    it is done, per deciding body."""
    use_zone(uow)
    query = select(Treatment, Case).join(Case, Case.id == Treatment.case_id).where(
        Treatment.authoritative.is_(True), Treatment.outcome == Outcome.DECIDED)
    if body is not None:
        query = query.where(Treatment.body_id == uow.body(body).id)
    rows = []
    names = {p.id: p.name for p in uow.session.scalars(select(Person))}
    bodies = {b.id: b.short_name for b in uow.session.scalars(select(Body))}
    for treatment, case in uow.session.execute(query.order_by(Treatment.recorded_at)):
        if case.closed_reason == "taken_for_information":
            continue
        deadline = uow.session.scalars(select(Deadline).where(
            Deadline.case_id == case.id, Deadline.kind == DeadlineKind.FOLLOWUP)
            .order_by(Deadline.id.desc())).first()
        meeting = uow.session.get(Meeting, treatment.meeting_id)
        owner = deadline.owner_id if deadline else case.lead_id
        done = case.state == CaseState.CLOSED and case.closed_reason == "implemented"
        if done:
            status = "done"
        elif deadline is not None and deadline.status == DeadlineStatus.MISSED:
            status = "overdue"
        else:
            status = "open"
        rows.append({
            "case": case.number, "title": case_title(case, audience),
            "body": treatment.body_id, "body_name": bodies.get(treatment.body_id),
            "meeting": meeting.ref if meeting else None,
            "decided_on": _iso(meeting.day) if meeting else None,
            "decision": None if (audience == PUBLIC and case.exempt_basis) else treatment.text,
            "owner": owner,
            "owner_name": names.get(owner or "", owner),
            "due": _iso(deadline.due_date) if deadline else None,
            "status": status,
            "state_label": CASE_STATE_LABELS[CaseState(case.state)],
            "done_at": _iso(deadline.closed_at) if done and deadline else None,
        })
    return rows


@requires(Role.DIRECTOR, Role.STAFF)
def assign_followup(uow: UnitOfWork, actor: Actor, number: str, *, owner: str | None = None,
                    due: date | None = None) -> Case:
    """Give a decision's follow-up an owner (a chief executive or the daily leader) and a due
    day."""
    case = uow.case(number)
    if CaseState(case.state) != CaseState.IN_IMPLEMENTATION:
        raise RuleViolation(f"Sak {case.number} er ikkje under effektuering.",
                            "Oppfølging gjeld vedtak som skal setjast i verk.", field="case")
    if owner is None and due is None:
        raise InvalidInput("Ingenting å endre.", "Gje --owner og/eller --due.", field="owner")
    if owner is not None:
        person = uow.person(owner, field_name="owner")
        candidate = uow.actor(person.id)
        if not (candidate.has(Role.CHIEF_EXECUTIVE) or candidate.has(Role.DIRECTOR)):
            raise NotAllowed(f"{person.name} kan ikkje eige oppfølginga.",
                             "Vel ein kommunedirektør eller dagleg leiar.", field="owner")
    if due is not None and due < uow.today:
        raise InvalidInput(f"Fristen {format_date(due)} har alt gått ut.",
                           "Vel ein dato frå i dag.", field="due")
    current = uow.session.scalars(select(Deadline).where(
        Deadline.case_id == case.id, Deadline.kind == DeadlineKind.FOLLOWUP,
        Deadline.status.in_([DeadlineStatus.OPEN, DeadlineStatus.MISSED]))
        .order_by(Deadline.id.desc())).first()
    new_owner = owner or (current.owner_id if current else case.lead_id)
    new_due = due or (current.due_date if current else uow.today)
    if current is not None and current.status == DeadlineStatus.OPEN:
        current.status = DeadlineStatus.CANCELLED
        current.closed_at = uow.now
        current.next_check_at = None
    body = uow.body(case.competent_body_id)
    open_deadline(uow, kind=DeadlineKind.FOLLOWUP, due_date=new_due,
                  reminder_days=body.reminder_days, case=case, owner_id=new_owner,
                  note="Effektuering av vedtaket")
    case.lead_id = new_owner
    case.updated_at = uow.now
    uow.journal(actor, "followup.assign",
                f"Oppfølging: ansvarleg {new_owner}, frist {format_date(new_due)}.",
                case=case, role=(Role.DIRECTOR, Role.STAFF))
    return case
