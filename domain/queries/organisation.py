"""Read model of the organisation: council, municipalities, bodies, members and substitutes in
order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from domain.queries.format import iso, use_zone
from domain.rules.terms import MembershipRole
from domain.store.reading import Unit


def org_view(uow: Unit) -> dict[str, Any]:
    use_zone(uow)
    council = uow.council
    people = {p.id: p for p in uow.reads.people()}
    municipalities = uow.reads.municipalities()
    bodies = uow.reads.bodies()
    memberships = uow.reads.memberships()

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
            key = "members" if ms.role == MembershipRole.MEMBER else "substitutes"
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
                    "loaded_at": iso(council.loaded_at)},
        "election_period": {"name": council.period_name, "start": iso(council.period_start),
                            "end": iso(council.period_end)},
        "meeting_plan": {"name": council.plan_name, "start": iso(council.plan_start),
                         "end": iso(council.plan_end)},
        "secretariat": {"director": person(council.director_id),
                        "staff": [person(pid) for pid in council.staff_ids or []]},
        "municipalities": [{
            "id": m.id, "name": m.name, "short_name": m.short_name,
            "mayor": person(m.mayor_id), "deputy_mayor": person(m.deputy_mayor_id),
            "chief_executive": person(m.chief_executive_id)} for m in municipalities],
        "bodies": body_views,
    }


def membership_at(uow: Unit, body_id: str, when: datetime) -> list[dict[str, Any]]:
    """Who sat in ``body_id`` at the instant ``when`` (aware): members, then substitutes, by
    municipality and rank, from the membership history (a period covers [valid_from, valid_to)).
    """
    if when.tzinfo is None:
        raise ValueError(f"naive datetime {when!r}: give it a zone")
    use_zone(uow)
    body = uow.bodies.get(body_id)
    rows = uow.reads.membership_periods_at(body, when)
    return [{"person_id": p.person_id, "name": p.person_name, "municipality": p.municipality_id,
             "role": p.role, "rank": p.rank, "valid_from": iso(p.valid_from),
             "valid_to": iso(p.valid_to)} for p in rows]
