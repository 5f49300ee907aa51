"""Read models: what ``show``, ``list`` and ``--json`` print. The field names are stable.

Two audiences: ``internal`` (the secretariat, members, chief executives) and ``public``. For
the public an exempt case shows only its neutral title and legal basis; its description,
recommendation, decision texts and the reasons in its trace are left out (offentleglova,
KL § 11-5).
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from domain.rules.terms import (
    CASE_KIND_LABELS,
    CASE_STATE_LABELS,
    DEADLINE_KIND_LABELS,
    DECISION_BASIS_LABELS,
    MEETING_KIND_LABELS,
    MEETING_STATUS_LABELS,
    ORIGIN_LABELS,
    OUTCOME_LABELS,
    ROLE_LABELS,
    AgendaItemKind,
    CaseKind,
    CaseState,
    DeadlineKind,
    DecisionBasis,
    MeetingKind,
    MeetingStatus,
    Origin,
    Outcome,
    Role,
)
from domain.services.common import agenda_number
from domain.store.tables import (
    AgendaItem,
    Alert,
    Body,
    Case,
    Deadline,
    JournalEntry,
    Meeting,
    Membership,
    Municipality,
    Person,
    Proposal,
    Treatment,
)
from domain.store.uow import UnitOfWork

PUBLIC = "public"
INTERNAL = "internal"
SCHEMA_VERSION = 1


def _iso(value: Any) -> str | None:
    """Dates as ISO dates; datetimes in the council's own zone (stored UTC, shown local)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(_ZONE.get()).isoformat()
    return value.isoformat()


_ZONE: ContextVar[Any] = ContextVar("views_zone", default=UTC)


def use_zone(uow: UnitOfWork) -> None:
    _ZONE.set(uow.calendar.tz)


def audience_for(uow: UnitOfWork, actor_id: str | None, bodies: list[str]) -> str:
    """Who may read exempt content: the secretariat, the chief executives, and the members of
    the bodies that handle the case (offl. § 16 does not make it public). Everyone else reads
    the public version."""
    if actor_id is None:
        return PUBLIC
    actor = uow.actor(actor_id)
    if actor.is_staff or actor.has(Role.CHIEF_EXECUTIVE):
        return INTERNAL
    if any(actor.has(role, body) for body in bodies
           for role in (Role.MEMBER, Role.CHAIR, Role.DEPUTY_CHAIR)):
        return INTERNAL
    return PUBLIC


def case_audience(uow: UnitOfWork, actor_id: str | None, case: Case) -> str:
    from domain.services.common import case_path

    return audience_for(uow, actor_id, case_path(uow, case))


def case_title(case: Case, audience: str) -> str:
    if case.exempt_basis and audience == PUBLIC:
        return case.public_title or "Sak unnateken offentlegheit"
    return case.title


def _agenda_ref(uow: UnitOfWork, case: Case) -> dict[str, Any] | None:
    if case.agenda_meeting_id is None:
        return None
    meeting = uow.session.get(Meeting, case.agenda_meeting_id)
    if meeting is None:
        return None
    item = uow.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.case_id == case.id)).first()
    return {"meeting": meeting.ref, "date": _iso(meeting.day),
            "agenda_number": agenda_number(meeting.body.agenda_prefix,
                                           item.number if item else None,
                                           item.year if item else None)}


def case_summary(uow: UnitOfWork, case: Case, audience: str = INTERNAL) -> dict[str, Any]:
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
        "competent_body_name": _body_name(uow, case.competent_body_id),
        "current_body": case.current_body_id,
        "current_body_name": _body_name(uow, case.current_body_id),
        "principled": case.principled,
        "exempt": case.exempt_basis is not None,
        "exempt_basis": case.exempt_basis,
        "external_deadline": _iso(case.external_deadline),
        "preparation_deadline": _iso(case.preparation_deadline),
        "urgent": case.urgent,
        "agenda": _agenda_ref(uow, case),
        "registered_at": _iso(case.registered_at),
        "updated_at": _iso(case.updated_at),
        "version": case.version,
    }


def _body_name(uow: UnitOfWork, body_id: str) -> str:
    body = uow.session.get(Body, body_id)
    return body.short_name if body else body_id


def case_detail(uow: UnitOfWork, case: Case, audience: str = INTERNAL) -> dict[str, Any]:
    hidden = case.exempt_basis is not None and audience == PUBLIC
    data = case_summary(uow, case, audience)
    origin = Origin(case.origin)
    data.update({
        "description": None if hidden else case.description,
        "origin": origin.value,
        "origin_label": ORIGIN_LABELS[origin],
        "origin_municipality": case.origin_municipality_id,
        "proposed_by": case.proposed_by_id,
        "lead": case.lead_id,
        "decision_basis": case.decision_basis,
        "decision_basis_label": DECISION_BASIS_LABELS[DecisionBasis(case.decision_basis)],
        "competence_reason": case.competence_reason,
        "recommendation": None if hidden else case.recommendation,
        "recommended_at": _iso(case.recommended_at),
        "recommended_by": case.recommended_by_id,
        "hold": case.hold,
        "urgency_reason": case.urgency_reason,
        "urgency_options": case.urgency_options or [],
        "related_case": _related(uow, case),
        "treatments": [treatment_view(uow, t, hidden) for t in uow.session.scalars(
            select(Treatment).where(Treatment.case_id == case.id)
            .order_by(Treatment.recorded_at, Treatment.id))],
        "deadlines": [deadline_view(d) for d in uow.session.scalars(
            select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.id))],
        "trace": _trace(uow, case, hidden),
    })
    return data


def _trace(uow: UnitOfWork, case: Case, hidden: bool) -> list[dict[str, Any]]:
    entries = list(uow.session.scalars(select(JournalEntry).where(
        JournalEntry.case_id == case.id).order_by(JournalEntry.at, JournalEntry.id)))
    meeting_ids = {e.meeting_id for e in entries if e.meeting_id}
    refs = {row.id: row.ref for row in uow.session.execute(
        select(Meeting.id, Meeting.ref).where(Meeting.id.in_(meeting_ids)))} \
        if meeting_ids else {}
    return [journal_view(e, hidden, case=case.number, meeting=refs.get(e.meeting_id))
            for e in entries]


def _related(uow: UnitOfWork, case: Case) -> str | None:
    if case.related_case_id is None:
        return None
    related = uow.session.get(Case, case.related_case_id)
    return related.number if related else None


def treatment_view(uow: UnitOfWork, treatment: Treatment, hidden: bool) -> dict[str, Any]:
    meeting = uow.session.get(Meeting, treatment.meeting_id)
    item = uow.session.get(AgendaItem, treatment.agenda_item_id) \
        if treatment.agenda_item_id else None
    outcome = Outcome(treatment.outcome)
    return {
        "body": treatment.body_id,
        "body_name": _body_name(uow, treatment.body_id),
        "meeting": meeting.ref if meeting else None,
        "date": _iso(meeting.day) if meeting else None,
        "agenda_number": agenda_number(meeting.body.agenda_prefix if meeting else None,
                                       item.number if item else None,
                                       item.year if item else None),
        "outcome": outcome.value,
        "outcome_label": OUTCOME_LABELS[outcome],
        "basis": treatment.basis,
        "basis_label": DECISION_BASIS_LABELS[DecisionBasis(treatment.basis)],
        "authoritative": treatment.authoritative,
        "text": None if hidden else treatment.text,
        "vote_summary": public_vote_summary(uow, treatment) if hidden
        else treatment.vote_summary,
        "recorded_at": _iso(treatment.recorded_at),
        "recorded_by": treatment.recorded_by_id,
    }


def public_vote_summary(uow: UnitOfWork, treatment: Treatment) -> str | None:
    """The count of an exempt case as the public may read it: votes for and against, but for an
    appointment not who stood or who got how many votes."""
    if treatment.proposal_id is None:
        return treatment.vote_summary
    proposal = uow.session.get(Proposal, treatment.proposal_id)
    if proposal is not None and proposal.kind == "election":
        return "Val (kven som stod og fekk røyster er unnateke offentlegheit)."
    return treatment.vote_summary


def deadline_view(deadline: Deadline) -> dict[str, Any]:
    return {
        "kind": deadline.kind,
        "kind_label": DEADLINE_KIND_LABELS[DeadlineKind(deadline.kind)],
        "due_date": _iso(deadline.due_date),
        "status": deadline.status,
        "reminded_at": _iso(deadline.reminded_at),
        "owner": deadline.owner_id,
        "note": deadline.note,
    }


def journal_view(entry: JournalEntry, hidden: bool = False, *, case: str | None = None,
                 meeting: str | None = None) -> dict[str, Any]:
    role = entry.actor_role
    try:
        role_label = ROLE_LABELS[Role(role)]
    except ValueError:
        role_label = "utan rolle" if role == "public" else role
    return {
        "at": _iso(entry.at),
        "actor": entry.actor_id,
        "role": role,
        "role_label": role_label,
        "action": entry.action,
        "summary": entry.summary,
        "reason": None if hidden else entry.reason,
        "case": case,
        "meeting": meeting,
    }


def meeting_summary(uow: UnitOfWork, meeting: Meeting) -> dict[str, Any]:
    use_zone(uow)
    cal = uow.calendar
    kind = MeetingKind(meeting.kind)
    status = MeetingStatus(meeting.status)
    return {
        "ref": meeting.ref,
        "body": meeting.body_id,
        "body_name": meeting.body.name,
        "body_short": meeting.body.short_name,
        "kind": kind.value,
        "kind_label": MEETING_KIND_LABELS[kind],
        "status": status.value,
        "status_label": MEETING_STATUS_LABELS[status],
        "date": _iso(meeting.day),
        "starts_at": cal.local(meeting.starts_at).isoformat(),
        "ends_at": cal.local(meeting.ends_at).isoformat(),
        "place": meeting.place,
        "remote": meeting.remote,
        "notice_date": _iso(meeting.notice_date),
        "preparation_deadline": _iso(meeting.preparation_deadline),
        "preparation_open": meeting.status == MeetingStatus.PLANNED
        and meeting.preparation_deadline >= uow.today,
        "notified_at": _iso(meeting.notified_at),
        "notice_late": meeting.notice_late,
        "items": uow.session.scalar(
            select(func.count(AgendaItem.id))
            .where(AgendaItem.meeting_id == meeting.id)) or 0,
        "version": meeting.version,
    }


def meeting_detail(uow: UnitOfWork, meeting: Meeting, audience: str = INTERNAL) -> dict[str, Any]:
    data = meeting_summary(uow, meeting)
    data["reason"] = meeting.reason
    data["agenda"] = agenda_view(uow, meeting, audience)
    return data


def agenda_view(uow: UnitOfWork, meeting: Meeting, audience: str) -> list[dict[str, Any]]:
    items = list(uow.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position, AgendaItem.id)))
    cases = {c.id: c for c in uow.session.scalars(select(Case).where(
        Case.id.in_([i.case_id for i in items if i.case_id])))}
    out = []
    for item in items:
        case = cases.get(item.case_id) if item.case_id else None
        entry: dict[str, Any] = {
            "agenda_number": agenda_number(meeting.body.agenda_prefix, item.number, item.year),
            "section": item.section,
            "kind": item.kind,
            "case": case.number if case else None,
            "title": case_title(case, audience) if case else item.title,
            "case_kind": case.kind if case else None,
            "exempt_basis": case.exempt_basis if case else None,
            "closed_meeting": bool(case and case.exempt_offl_section == 13),
            "withdrawn": item.withdrawn,
        }
        if item.kind == AgendaItemKind.MINUTES_APPROVAL:
            entry["title"] = item.title
        out.append(entry)
    return out


def org_view(uow: UnitOfWork) -> dict[str, Any]:
    use_zone(uow)
    council = uow.council
    session = uow.session
    people = {p.id: p for p in session.scalars(select(Person))}
    municipalities = list(session.scalars(select(Municipality).order_by(Municipality.name)))
    bodies = list(session.scalars(select(Body).order_by(Body.id)))
    memberships = list(session.scalars(select(Membership).order_by(
        Membership.body_id, Membership.municipality_id, Membership.role, Membership.rank)))

    def person(pid: str | None) -> dict[str, Any] | None:
        if pid is None or pid not in people:
            return None
        p = people[pid]
        return {"id": p.id, "name": p.name, "email": p.email, "municipality": p.municipality_id,
                "title": p.title, "active": p.active}

    body_views = []
    for body in bodies:
        groups: dict[str, dict[str, Any]] = {}
        for ms in memberships:
            if ms.body_id != body.id:
                continue
            group = groups.setdefault(ms.municipality_id, {
                "municipality": ms.municipality_id, "members": [], "substitutes": []})
            key = "members" if ms.role == "member" else "substitutes"
            group[key].append({**(person(ms.person_id) or {}), "rank": ms.rank})
        body_views.append({
            "id": body.id, "kind": body.kind, "name": body.name, "short_name": body.short_name,
            "agenda_prefix": body.agenda_prefix, "notice_days": body.notice_days,
            "preparation_days": body.preparation_days, "reminder_days": body.reminder_days,
            "urgent_notice_days": body.urgent_notice_days,
            "followup_days": body.followup_days, "remote_meetings": body.remote_meetings,
            "written_handling": body.written_handling, "chair": person(body.chair_id),
            "deputy_chair": person(body.deputy_chair_id), "prepared_by": body.prepared_by_id,
            "attend_and_speak": body.attend_and_speak,
            "attend_and_speak_names": [
                {"director": "dagleg leiar", "staff": "sekretariatet"}.get(g) or next(
                    (b.short_name for b in bodies if b.id == g), g)
                for g in body.attend_and_speak],
            "groups": list(groups.values()),
            "voting_members": sum(len(g["members"]) for g in groups.values()),
        })
    return {
        "council": {"id": council.id, "name": council.name, "short_name": council.short_name,
                    "region": council.region, "timezone": council.timezone,
                    "email": council.email, "source": council.source,
                    "loaded_at": _iso(council.loaded_at)},
        "election_period": {"name": council.period_name, "start": _iso(council.period_start),
                            "end": _iso(council.period_end)},
        "meeting_plan": {"name": council.plan_name, "start": _iso(council.plan_start),
                         "end": _iso(council.plan_end)},
        "secretariat": {"director": person(council.director_id),
                        "staff": [person(pid) for pid in council.staff_ids or []]},
        "municipalities": [{
            "id": m.id, "name": m.name, "short_name": m.short_name,
            "mayor": person(m.mayor_id), "deputy_mayor": person(m.deputy_mayor_id),
            "chief_executive": person(m.chief_executive_id)} for m in municipalities],
        "bodies": body_views,
    }


def alert_view(alert: Alert, uow: UnitOfWork) -> dict[str, Any]:
    use_zone(uow)
    case = uow.session.get(Case, alert.case_id) if alert.case_id else None
    meeting = uow.session.get(Meeting, alert.meeting_id) if alert.meeting_id else None
    return {"raised_at": _iso(alert.raised_at), "kind": alert.kind, "severity": alert.severity,
            "case": case.number if case else None, "meeting": meeting.ref if meeting else None,
            "recipients": alert.recipients, "message": alert.message}


# -- lists ------------------------------------------------------------------------------------

def meeting_list(uow: UnitOfWork, *, body: str | None = None, start: Any = None,
                 end: Any = None) -> list[dict[str, Any]]:
    query = select(Meeting).order_by(Meeting.starts_at)
    if body is not None:
        query = query.where(Meeting.body_id == uow.body(body).id)
    if start is not None:
        query = query.where(Meeting.day >= start)
    if end is not None:
        query = query.where(Meeting.day <= end)
    return [meeting_summary(uow, m) for m in uow.session.scalars(query)]


def case_list(uow: UnitOfWork, *, state: str | None = None, body: str | None = None,
              urgent: bool = False, open_only: bool = False,
              actor_id: str | None = None) -> list[dict[str, Any]]:
    from domain.errors import InvalidInput

    query = select(Case).order_by(Case.year, Case.seq)
    if state is not None:
        try:
            query = query.where(Case.state == CaseState(state))
        except ValueError:
            states = ", ".join(s.value for s in CaseState)
            raise InvalidInput(f"Ukjend tilstand «{state}».", f"Bruk ein av: {states}.",
                               field="state") from None
    if body is not None:
        query = query.where(Case.current_body_id == uow.body(body).id)
    if urgent:
        query = query.where(Case.urgent.is_(True))
    if open_only:
        query = query.where(Case.state != CaseState.CLOSED)
    return [case_summary(uow, c, case_audience(uow, actor_id, c))
            for c in uow.session.scalars(query)]


def require_internal(uow: UnitOfWork, actor_id: str | None, what: str = "journalen") -> None:
    """The journal and the alerts are for the secretariat and the council's own people."""
    from domain.errors import NotAllowed

    actor = uow.actor(actor_id)
    if not (actor.is_staff or actor.has(Role.CHAIR) or actor.has(Role.DEPUTY_CHAIR)
            or actor.has(Role.CHIEF_EXECUTIVE)):
        raise NotAllowed(f"{actor.describe()} har ikkje tilgang til {what}.",
                         f"{what.capitalize()} er for sekretariatet, leiarane og "
                         "kommunedirektørane.", field="as")


def journal_list(uow: UnitOfWork, *, actor_id: str | None, case: str | None = None,
                 meeting: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    require_internal(uow, actor_id)
    use_zone(uow)
    query = select(JournalEntry)
    if case is not None:
        query = query.where(JournalEntry.case_id == uow.case(case).id)
    if meeting is not None:
        query = query.where(JournalEntry.meeting_id == uow.meeting(meeting).id)
    entries = list(uow.session.scalars(
        query.order_by(JournalEntry.at.desc(), JournalEntry.id.desc()).limit(limit)))
    entries.reverse()
    case_ids = {e.case_id for e in entries if e.case_id}
    meeting_ids = {e.meeting_id for e in entries if e.meeting_id}
    numbers = {c.id: c.number for c in uow.session.scalars(
        select(Case).where(Case.id.in_(case_ids)))} if case_ids else {}
    refs = {row.id: row.ref for row in uow.session.execute(select(Meeting.id, Meeting.ref).where(
        Meeting.id.in_(meeting_ids)))} if meeting_ids else {}
    return [journal_view(e, case=numbers.get(e.case_id), meeting=refs.get(e.meeting_id))
            for e in entries]


def alert_list(uow: UnitOfWork, *, actor_id: str | None, limit: int = 30) -> list[dict[str, Any]]:
    require_internal(uow, actor_id, "varsla")
    alerts = list(uow.session.scalars(
        select(Alert).order_by(Alert.raised_at.desc(), Alert.id.desc()).limit(limit)))
    alerts.reverse()
    return [alert_view(a, uow) for a in alerts]
