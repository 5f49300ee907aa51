"""Read models of cases: summary, detail with treatments, deadlines and trace, the case list.

Two audiences: ``internal`` (the secretariat, members, chief executives) and ``public``. For
the public an exempt case shows only its neutral title and legal basis; what each audience
reads is decided in ``domain.rules.publicity``.
"""

from __future__ import annotations

from typing import Any

from domain.errors import InvalidInput
from domain.operations.paths import case_path
from domain.queries.format import INTERNAL, iso, use_zone
from domain.rules import publicity
from domain.rules.numbering import agenda_number
from domain.rules.publicity import Audience
from domain.rules.terms import (
    CASE_KIND_LABELS,
    CASE_STATE_LABELS,
    DEADLINE_KIND_LABELS,
    DECISION_BASIS_LABELS,
    ORIGIN_LABELS,
    OUTCOME_LABELS,
    ROLE_LABELS,
    CaseKind,
    CaseState,
    DeadlineKind,
    DecisionBasis,
    Origin,
    Outcome,
    Role,
)
from domain.store.reading import Unit
from domain.store.reads import Record


def audience_for(uow: Unit, actor_id: str | None, bodies: list[str]) -> Audience:
    """The audience of the person named ``actor_id`` for a case handled by ``bodies``; who
    reads what is decided by ``domain.rules.publicity.audience_for``."""
    actor = None if actor_id is None else uow.people.actor(actor_id)
    return publicity.audience_for(actor, bodies)


def case_audience(uow: Unit, actor_id: str | None, case: Record) -> Audience:
    return audience_for(uow, actor_id, case_path(uow, case))


def case_title(case: Record, audience: Audience) -> str:
    return publicity.title_for(case.title, case.exempt_basis, case.public_title, audience)


def content_hidden(case: Record, audience: Audience) -> bool:
    return publicity.content_hidden(case.exempt_basis, audience)


def _agenda_ref(uow: Unit, case: Record) -> dict[str, Any] | None:
    if case.agenda_meeting_id is None:
        return None
    meeting = uow.meetings.find(case.agenda_meeting_id)
    if meeting is None:
        return None
    item = uow.agenda.item_for(case.id, meeting.id)
    return {"meeting": meeting.ref, "date": iso(meeting.day),
            "agenda_number": agenda_number(uow.reads.body_of(meeting).agenda_prefix,
                                           item.number if item else None,
                                           item.year if item else None)}


def case_summary(uow: Unit, case: Record, audience: Audience = INTERNAL) -> dict[str, Any]:
    use_zone(uow)
    kind = CaseKind(case.kind)
    state = CaseState(case.state)
    return {
        "number": case.number,
        "title": case_title(case, audience),
        "kind": kind.value,
        "kind_label": CASE_KIND_LABELS[kind],
        "state": state.value,
        "state_label": CASE_STATE_LABELS[state],
        "closed_reason": case.closed_reason,
        "competent_body": case.competent_body_id,
        "competent_body_name": body_name(uow, case.competent_body_id),
        "current_body": case.current_body_id,
        "current_body_name": body_name(uow, case.current_body_id),
        "principled": case.principled,
        "exempt": case.exempt_basis is not None,
        "exempt_basis": case.exempt_basis,
        "external_deadline": iso(case.external_deadline),
        "preparation_deadline": iso(case.preparation_deadline),
        "urgent": case.urgent,
        "agenda": _agenda_ref(uow, case),
        "registered_at": iso(case.registered_at),
        "updated_at": iso(case.updated_at),
        "version": case.version,
    }


def body_name(uow: Unit, body_id: str) -> str:
    body = uow.reads.body_by_id(body_id)
    return body.short_name if body else body_id


def case_detail(uow: Unit, case: Record, audience: Audience = INTERNAL) -> dict[str, Any]:
    hidden = content_hidden(case, audience)
    data = case_summary(uow, case, audience)
    origin = Origin(case.origin)
    names = uow.people.names({p for p in (case.proposed_by_id, case.lead_id,
                                            case.recommended_by_id) if p})
    data.update({
        "description": publicity.content_for(case.description, hidden),
        "origin": origin.value,
        "origin_label": ORIGIN_LABELS[origin],
        "origin_municipality": case.origin_municipality_id,
        "proposed_by": case.proposed_by_id,
        "proposed_by_name": names.get(case.proposed_by_id or "", case.proposed_by_id),
        "lead": case.lead_id,
        "lead_name": names.get(case.lead_id or "", case.lead_id),
        "decision_basis": case.decision_basis,
        "decision_basis_label": DECISION_BASIS_LABELS[DecisionBasis(case.decision_basis)],
        "competence_reason": case.competence_reason,
        "recommendation": publicity.content_for(case.recommendation, hidden),
        "recommended_at": iso(case.recommended_at),
        "recommended_by": case.recommended_by_id,
        "recommended_by_name": names.get(case.recommended_by_id or "", case.recommended_by_id),
        "hold": case.hold,
        "urgency_reason": case.urgency_reason,
        "urgency_options": case.urgency_options or [],
        "related_case": _related(uow, case),
        "treatments": [treatment_view(uow, t, hidden) for t in uow.reads.treatments_of(case)],
        "deadlines": _deadlines(uow, case),
        "trace": _trace(uow, case, hidden, publicity.is_public(audience)),
    })
    return data


def _trace(uow: Unit, case: Record, hidden: bool, public: bool) -> list[dict[str, Any]]:
    entries = uow.reads.journal_of_case(case)
    refs = uow.reads.meeting_refs({e.meeting_id for e in entries if e.meeting_id})
    names = uow.people.names({e.actor_id for e in entries})
    return [journal_view(e, hidden, case=case.number, meeting=refs.get(e.meeting_id),
                         public=public, actor_name=names.get(e.actor_id)) for e in entries]


def _related(uow: Unit, case: Record) -> str | None:
    if case.related_case_id is None:
        return None
    related = uow.cases.find(case.related_case_id)
    return related.number if related else None


def treatment_view(uow: Unit, treatment: Record, hidden: bool) -> dict[str, Any]:
    meeting = uow.meetings.find(treatment.meeting_id)
    item = uow.reads.agenda_item_by_id(treatment.agenda_item_id) \
        if treatment.agenda_item_id else None
    outcome = Outcome(treatment.outcome)
    return {
        "body": treatment.body_id,
        "body_name": body_name(uow, treatment.body_id),
        "meeting": meeting.ref if meeting else None,
        "date": iso(meeting.day) if meeting else None,
        "agenda_number": agenda_number(uow.reads.body_of(meeting).agenda_prefix
                                       if meeting else None,
                                       item.number if item else None,
                                       item.year if item else None),
        "outcome": outcome.value,
        "outcome_label": OUTCOME_LABELS[outcome],
        "basis": treatment.basis,
        "basis_label": DECISION_BASIS_LABELS[DecisionBasis(treatment.basis)],
        "authoritative": treatment.authoritative,
        "text": publicity.content_for(treatment.text, hidden),
        "vote_summary": publicity.vote_summary_for(treatment.vote_summary,
                                                   proposal_kind(uow, treatment), hidden),
        "recorded_at": iso(treatment.recorded_at),
        "recorded_by": treatment.recorded_by_id,
    }


def proposal_kind(uow: Unit, treatment: Record) -> str | None:
    """The kind of the proposal a treatment was decided on (a vote or an election), if any."""
    if treatment.proposal_id is None:
        return None
    proposal = uow.reads.proposal_by_id(treatment.proposal_id)
    return proposal.kind if proposal is not None else None


def _deadlines(uow: Unit, case: Record) -> list[dict[str, Any]]:
    deadlines = uow.reads.deadlines_of(case)
    names = uow.people.names({d.owner_id for d in deadlines if d.owner_id})
    return [deadline_view(d, names.get(d.owner_id or "")) for d in deadlines]


def deadline_view(deadline: Record, owner_name: str | None = None) -> dict[str, Any]:
    return {
        "kind": deadline.kind,
        "kind_label": DEADLINE_KIND_LABELS[DeadlineKind(deadline.kind)],
        "due_date": iso(deadline.due_date),
        "status": deadline.status,
        "reminded_at": iso(deadline.reminded_at),
        "owner": deadline.owner_id,
        "owner_name": owner_name or deadline.owner_id,
        "note": deadline.note,
    }


def journal_view(entry: Record, hidden: bool = False, *, case: str | None = None,
                 meeting: str | None = None, public: bool = False,
                 actor_name: str | None = None) -> dict[str, Any]:
    role = entry.actor_role
    try:
        role_label = ROLE_LABELS[Role(role)]
    except ValueError:
        role_label = "utan rolle" if role == "public" else role
    return {
        "at": iso(entry.at),
        "actor": entry.actor_id,
        "actor_name": actor_name or entry.actor_id,
        "role": role,
        "role_label": role_label,
        "action": entry.action,
        "summary": entry.summary,
        "reason": publicity.journal_reason_for(entry.reason, hidden, action=entry.action,
                                               public=public),
        "case": case,
        "meeting": meeting,
        # The account that made the change (see the README: --as is a claim): internal.
        "os_user": None if public else entry.os_user,
        "host": None if public else entry.host,
        "via": None if public else entry.via,
        "run_ref": None if public else entry.run_ref,
    }


def case_list(uow: Unit, *, state: str | None = None, body: str | None = None,
              urgent: bool = False, open_only: bool = False,
              actor_id: str | None = None) -> list[dict[str, Any]]:
    wanted: CaseState | None = None
    if state is not None:
        try:
            wanted = CaseState(state)
        except ValueError:
            states = ", ".join(s.value for s in CaseState)
            raise InvalidInput(f"Ukjend tilstand «{state}».", f"Bruk ein av: {states}.",
                               field="state") from None
    current = uow.bodies.get(body) if body is not None else None
    cases = uow.reads.cases(state=wanted, current_body=current, urgent=urgent,
                            open_only=open_only)
    return [case_summary(uow, c, case_audience(uow, actor_id, c)) for c in cases]
