"""Read models of the journal and the alerts: for the secretariat, the leaders and the chief
executives.
"""

from __future__ import annotations

from typing import Any

from domain.errors import NotAllowed
from domain.queries.cases import journal_view
from domain.queries.format import iso, use_zone
from domain.rules.terms import (
    Role,
)
from domain.store.reading import Unit
from domain.store.reads import Record


def alert_view(alert: Record, uow: Unit) -> dict[str, Any]:
    use_zone(uow)
    case = uow.cases.find(alert.case_id) if alert.case_id else None
    meeting = uow.meetings.find(alert.meeting_id) if alert.meeting_id else None
    return {"raised_at": iso(alert.raised_at), "kind": alert.kind, "severity": alert.severity,
            "case": case.number if case else None, "meeting": meeting.ref if meeting else None,
            "recipients": alert.recipients, "message": alert.message}


def require_internal(uow: Unit, actor_id: str | None, what: str = "journalen") -> None:
    """The journal and the alerts are for the secretariat and the council's own people."""

    actor = uow.people.actor(actor_id)
    if not (actor.is_staff or actor.has(Role.CHAIR) or actor.has(Role.DEPUTY_CHAIR)
            or actor.has(Role.CHIEF_EXECUTIVE)):
        raise NotAllowed(f"{actor.describe()} har ikkje tilgang til {what}.",
                         f"{what.capitalize()} er for sekretariatet, leiarane og "
                         "kommunedirektørane.", field="as")


def journal_list(uow: Unit, *, actor_id: str | None, case: str | None = None,
                 meeting: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    require_internal(uow, actor_id)
    use_zone(uow)
    of_case = uow.cases.get(case) if case is not None else None
    of_meeting = uow.meetings.get(meeting) if meeting is not None else None
    entries = uow.reads.latest_journal_entries(limit, case=of_case, meeting=of_meeting)
    entries.reverse()
    numbers = {c.id: c.number for c in uow.cases.by_ids(
        {e.case_id for e in entries if e.case_id}).values()}
    refs = uow.reads.meeting_refs({e.meeting_id for e in entries if e.meeting_id})
    names = uow.people.names({e.actor_id for e in entries})
    return [journal_view(e, case=numbers.get(e.case_id), meeting=refs.get(e.meeting_id),
                         actor_name=names.get(e.actor_id)) for e in entries]


def alert_list(uow: Unit, *, actor_id: str | None, limit: int = 30) -> list[dict[str, Any]]:
    require_internal(uow, actor_id, "varsla")
    alerts = uow.reads.latest_alerts(limit)
    alerts.reverse()
    return [alert_view(a, uow) for a in alerts]
