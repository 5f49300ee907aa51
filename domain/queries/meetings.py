"""Read models of meetings: summary, detail with the agenda, the meeting plan, the seats and quorum
forecast.
"""

from __future__ import annotations

from typing import Any

from domain.operations.substitutes import expected_present, seat_states
from domain.queries.cases import case_title
from domain.queries.format import INTERNAL, iso, use_zone
from domain.queries.written import written_content, written_facts
from domain.rules import publicity
from domain.rules.numbering import agenda_number
from domain.rules.publicity import Audience
from domain.rules.scheduling import NO_PREPARATION
from domain.rules.terms import (
    MEETING_KIND_LABELS,
    MEETING_STATUS_LABELS,
    AgendaItemKind,
    CaseKind,
    MeetingKind,
    MeetingStatus,
)
from domain.rules.voting import quorum_needed
from domain.store.tables import Case, Meeting
from domain.store.uow import UnitOfWork

#: Under an item that comes without the chief executives' recommendation (KL § 11-3).
WITHOUT_RECOMMENDATION_NOTE = (
    "Saka kjem utan tilråding: ho vart kravd sett på sakslista av ein tredjedel av medlemene "
    "(kommunelova § 11-3) før utgreiinga var ferdig.")

#: Under an item that a preparing body sent on without a recommendation of its own.
REFERRED_WITHOUT_NOTE = "Saka kjem utan innstilling: {body} sende ho vidare utan å gje innstilling."


def comes_without_recommendation(kind: str, recommendation: str | None,
                                 referred_before: bool) -> bool:
    """Whether a case on an agenda comes without a recommendation (tilråding). A case that
    needs preparation reaches an agenda without one only when a third of the members demanded
    it there before the preparation was done (KL § 11-3): a recommendation is never empty, and
    only items for information and reports of urgency decisions skip preparation. A case
    referred from an earlier body comes with that body's recommendation (innstilling); one it
    sent on without one is told by ``recommendation_facts``."""
    return (CaseKind(kind) not in NO_PREPARATION and not recommendation
            and not referred_before)


def referred_elsewhere(uow: UnitOfWork, meeting: Meeting, case_ids: list[int]
                       ) -> dict[int, str | None]:
    """The cases among ``case_ids`` that an earlier body referred here (in another meeting):
    for each, the name of the body that sent it on without a recommendation, or None."""
    referred = uow.reads.cases_referred_from_elsewhere(meeting, case_ids)
    return {case_id: uow.bodies.get(body).name if body else None
            for case_id, body in referred.items()}


def recommendation_facts(case: Case | None, referred: dict[int, str | None]) -> dict[str, Any]:
    """The agenda item's fields on a missing recommendation (the same for every audience: it
    tells how the case came, not what it holds)."""
    if case is not None and referred.get(case.id):
        return {"without_recommendation": True,
                "recommendation_note": REFERRED_WITHOUT_NOTE.format(body=referred[case.id])}
    without = case is not None and comes_without_recommendation(
        case.kind, case.recommendation, case.id in referred)
    return {"without_recommendation": without,
            "recommendation_note": WITHOUT_RECOMMENDATION_NOTE if without else None}


def meeting_summary(uow: UnitOfWork, meeting: Meeting) -> dict[str, Any]:
    use_zone(uow)
    cal = uow.calendar
    kind = MeetingKind(meeting.kind)
    status = MeetingStatus(meeting.status)
    written = kind == MeetingKind.WRITTEN
    return {
        "ref": meeting.ref,
        "body": meeting.body_id,
        "body_name": uow.reads.body_of(meeting).name,
        "body_short": uow.reads.body_of(meeting).short_name,
        "kind": kind.value,
        "kind_label": MEETING_KIND_LABELS[kind],
        "status": status.value,
        "status_label": MEETING_STATUS_LABELS[status],
        "date": iso(meeting.day),
        "starts_at": cal.local(meeting.starts_at).isoformat(),
        "ends_at": cal.local(meeting.ends_at).isoformat(),
        "place": meeting.place,
        # A written handling (KL § 11-8 (2)) is no sitting: no place, not a remote meeting
        # (KL § 11-7); what it has instead is under "written".
        "remote": meeting.remote and not written,
        "notice_date": iso(meeting.notice_date),
        "preparation_deadline": iso(meeting.preparation_deadline),
        "preparation_open": meeting.status == MeetingStatus.PLANNED
        and meeting.preparation_deadline >= uow.today,
        "notified_at": iso(meeting.notified_at),
        "notice_late": meeting.notice_late,
        "items": uow.reads.agenda_item_count(meeting),
        "version": meeting.version,
        "written": written_facts(uow, meeting) if written else None,
    }


def meeting_detail(uow: UnitOfWork, meeting: Meeting,
                   audience: Audience = INTERNAL) -> dict[str, Any]:
    data = meeting_summary(uow, meeting)
    data["reason"] = meeting.reason
    data["agenda"] = agenda_view(uow, meeting, audience)
    if data["written"] is not None:
        data["written"] = {**data["written"], **written_content(uow, meeting, audience)}
    return data


def agenda_view(uow: UnitOfWork, meeting: Meeting, audience: Audience) -> list[dict[str, Any]]:
    items = uow.reads.agenda_items_of(meeting)
    cases = uow.cases.by_ids([i.case_id for i in items if i.case_id])
    referred = referred_elsewhere(uow, meeting, list(cases))
    sitting = meeting.kind != MeetingKind.WRITTEN  # a written handling has no meeting to close
    out = []
    for item in items:
        case = cases.get(item.case_id) if item.case_id else None
        entry: dict[str, Any] = {
            "agenda_number": agenda_number(uow.reads.body_of(meeting).agenda_prefix,
                                           item.number, item.year),
            "section": item.section,
            "kind": item.kind,
            "case": case.number if case else None,
            "title": case_title(case, audience) if case else item.title,
            "case_kind": case.kind if case else None,
            "exempt_basis": case.exempt_basis if case else None,
            "closed_meeting": bool(case and case.exempt_offl_section == 13 and sitting),
            "withdrawn": item.withdrawn,
            # The chief executives' recommendation (tilråding), as the audience may read it.
            "recommendation": publicity.content_for(
                case.recommendation, publicity.content_hidden(case.exempt_basis, audience))
            if case else None,
            **recommendation_facts(case, referred),
        }
        if item.kind == AgendaItemKind.MINUTES_APPROVAL:
            entry["title"] = item.title
        out.append(entry)
    return out


def meeting_list(uow: UnitOfWork, *, body: str | None = None, start: Any = None,
                 end: Any = None) -> list[dict[str, Any]]:
    of_body = uow.bodies.get(body) if body is not None else None
    return [meeting_summary(uow, m)
            for m in uow.reads.meetings(body=of_body, start=start, end=end)]


def seats_view(uow: UnitOfWork, meeting: Meeting, audience: Audience = INTERNAL
               ) -> dict[str, object]:
    """The secretariat's overview: each seat covered or open, and the quorum forecast. The
    reasons for absence are personal: the public version leaves them out."""

    states = seat_states(uow, meeting)
    recused_rows = uow.reads.recusals_at(meeting)
    ids = {s.member_id for s in states} | {s.substitute for s in states if s.substitute} | {
        s.asked for s in states if s.asked} | {d for s in states for d in s.declined} | {
        r.person_id for r in recused_rows} | {
        p for s in states for p in (*s.case_substitutes.values(), *s.case_asked.values())}
    names = uow.people.names(ids)
    places = uow.reads.municipality_short_names()
    seats = len(states)
    cases = []
    for case in uow.reads.cases_on_agenda_of(meeting):
        recused = [r.person_id for r in recused_rows if r.case_id == case.id]
        covering = {s.member_id: s.case_substitutes[case.id] for s in states
                    if case.id in s.case_substitutes}
        asked = {s.member_id: s.case_asked[case.id] for s in states if case.id in s.case_asked}
        cases.append({"case": case.number, "expected": expected_present(uow, meeting, case),
                      "recused": recused,
                      "recused_names": [names.get(r, r) for r in recused],
                      "substitutes": [{"seat": seat, "substitute": sub,
                                       "substitute_name": names.get(sub, sub)}
                                      for seat, sub in covering.items()],
                      "asked": [{"seat": seat, "substitute": sub,
                                 "substitute_name": names.get(sub, sub)}
                                for seat, sub in asked.items()]})
    expected = expected_present(uow, meeting)
    return {
        "meeting": meeting_summary(uow, meeting),
        "seats": [{
            "member": s.member_id, "member_name": names.get(s.member_id, s.member_id),
            "municipality": s.municipality_id,
            "municipality_name": places.get(s.municipality_id, s.municipality_id),
            "absence": s.absence,
            "note": publicity.absence_reason_for(s.absence_note, audience),
            "substitute": s.substitute, "substitute_name": names.get(s.substitute or ""),
            "asked": s.asked, "asked_name": names.get(s.asked or ""),
            "declined": s.declined, "declined_names": [names.get(d, d) for d in s.declined],
            "covered": s.covered} for s in states],
        "quorum": {"seats": seats, "needed": quorum_needed(seats), "expected": expected,
                   "at_risk": expected < quorum_needed(seats), "cases": cases},
    }
