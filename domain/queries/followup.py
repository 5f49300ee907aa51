"""The follow-up list (oppfølgingsliste): decisions to carry out, owner, due day, done or not."""

from __future__ import annotations

from typing import Any

from domain.queries.cases import case_title, content_hidden
from domain.queries.format import INTERNAL, iso, use_zone
from domain.rules import publicity
from domain.rules.publicity import Audience
from domain.rules.terms import (
    CASE_STATE_LABELS,
    CaseState,
    ClosedReason,
    DeadlineStatus,
)
from domain.store.reading import Unit


def followup_list(uow: Unit, *, body: str | None = None,
                  audience: Audience = INTERNAL) -> list[dict[str, Any]]:
    """Oppfølgingsliste: every decision that needs carrying out, with owner, due day and whether
    it is done, per deciding body."""
    use_zone(uow)
    of_body = uow.bodies.get(body) if body is not None else None
    rows = []
    names = {p.id: p.name for p in uow.reads.people()}
    bodies = uow.reads.body_short_names()
    for treatment, case in uow.reads.decisions_to_follow_up(of_body):
        if case.closed_reason == ClosedReason.TAKEN_FOR_INFORMATION:
            continue
        deadline = uow.reads.latest_followup_deadline(case)
        meeting = uow.meetings.find(treatment.meeting_id)
        owner = deadline.owner_id if deadline else case.lead_id
        done = case.state == CaseState.CLOSED and case.closed_reason == ClosedReason.IMPLEMENTED
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
            "decided_on": iso(meeting.day) if meeting else None,
            "decision": publicity.content_for(treatment.text, content_hidden(case, audience)),
            "owner": owner,
            "owner_name": names.get(owner or "", owner),
            "due": iso(deadline.due_date) if deadline else None,
            "status": status,
            "state_label": CASE_STATE_LABELS[CaseState(case.state)],
            "done_at": iso(deadline.closed_at) if done and deadline else None,
        })
    return rows
