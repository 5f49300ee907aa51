"""Carry one case as far as it goes: every step that is due until a person is needed.

Running it twice does nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain.operations.agenda import place_by_rule, place_on_agenda, take_off_agenda
from domain.operations.deadlines import close_deadlines, open_deadline
from domain.operations.outbox import alert_messages
from domain.operations.paths import closed_meeting_required, remaining_path
from domain.rules.access import SYSTEM_ACTOR, Actor
from domain.rules.calendar import Clock, format_date
from domain.rules.lifecycle import check
from domain.rules.scheduling import (
    INFORMATION_ONLY,
    NO_PREPARATION,
    MeetingSlot,
    assess_deadline,
    next_meeting,
    plan_route,
    urgency_options,
)
from domain.rules.terms import (
    AlertKind,
    CaseKind,
    CaseState,
    ClosedReason,
    DeadlineKind,
    MeetingStatus,
)
from domain.store.rule_values import all_bodies, leaders, meeting_label, slot, upcoming_slots
from domain.store.tables import Case
from domain.store.uow import Engine, UnitOfWork, Via

#: Steps a case can take on its own before it must wait (a guard against loops).
MAX_STEPS = 12


UNDECIDED = frozenset({
    CaseState.REGISTERED, CaseState.IN_PREPARATION, CaseState.RECOMMENDED, CaseState.ON_AGENDA,
    CaseState.POSTPONED, CaseState.SENT_BACK, CaseState.REFERRED,
})


def reconcile_case(uow: UnitOfWork, case: Case, actor: Actor = SYSTEM_ACTOR) -> list[str]:
    """Do everything due for ``case``; return what was done, as journal summaries."""
    done: list[str] = []
    for _ in range(MAX_STEPS):
        step = _next_step(uow, case, actor)
        if step is None:
            break
        done.append(step)
    note = _evaluate_urgency(uow, case, actor)
    if note:
        done.append(note)
    case.next_check_at = _next_check(uow, case)
    return done


def _next_step(uow: UnitOfWork, case: Case, actor: Actor) -> str | None:
    state = CaseState(case.state)
    kind = CaseKind(case.kind)
    if state == CaseState.REGISTERED:
        if kind in NO_PREPARATION:
            case.state = check("skip_preparation", state, case.number)
            return _log(uow, actor, case, "case.ready",
                        "Klar for saksliste utan saksutgreiing.")
        return _start_preparation(uow, actor, case)
    if state == CaseState.SENT_BACK:
        return _start_preparation(uow, actor, case, again=True)
    if state == CaseState.IN_PREPARATION:
        if case.preparation_deadline is not None and uow.today > case.preparation_deadline:
            return _start_preparation(uow, actor, case, again=True)
        if case.preparation_deadline is None and _preparation_target(uow, case, again=True):
            return _start_preparation(uow, actor, case, again=True)  # a meeting has come
        return None
    if state == CaseState.ON_AGENDA:
        return _move_to_meeting_in_time(uow, actor, case)
    if state in (CaseState.RECOMMENDED, CaseState.POSTPONED, CaseState.REFERRED):
        if case.hold:
            return None
        meeting = place_by_rule(uow, actor, case)
        return f"Sett på {meeting.ref}" if meeting is not None else None
    if state == CaseState.DECIDED:
        if kind in INFORMATION_ONLY:
            case.state = check("close", state, case.number)
            case.closed_reason = ClosedReason.TAKEN_FOR_INFORMATION
            return _log(uow, actor, case, "case.close", "Teken til orientering; saka er avslutta.")
        return _start_implementation(uow, actor, case)
    if state in (CaseState.NOT_ADOPTED, CaseState.WITHDRAWN):
        case.state = check("close", state, case.number)
        case.closed_reason = state.value
        close_deadlines(uow, kinds=(DeadlineKind.PREPARATION, DeadlineKind.EXTERNAL,
                                    DeadlineKind.FOLLOWUP), case=case, cancelled=True)
        why = "ikkje vedteken" if state == CaseState.NOT_ADOPTED else "trekt"
        return _log(uow, actor, case, "case.close", f"Saka er avslutta ({why}).")
    return None


def _log(uow: UnitOfWork, actor: Actor, case: Case, action: str, summary: str,
         **kwargs: Any) -> str:
    case.updated_at = uow.now
    uow.journal(actor, action, summary, case=case, **kwargs)
    return summary


def _start_preparation(uow: UnitOfWork, actor: Actor, case: Case, *, again: bool = False) -> str:
    """Send the case to the admin committee with a deadline from the meeting it aims at."""
    state = CaseState(case.state)
    target = _preparation_target(uow, case, again=again)
    close_deadlines(uow, kinds=(DeadlineKind.PREPARATION,), case=case, cancelled=True)
    if state != CaseState.IN_PREPARATION:
        case.state = check("start_preparation", state, case.number)
    admin = uow.bodies.of_kind("admin_committee")
    lead = uow.people.find(case.lead_id) if case.lead_id else None
    lead_text = f" Ansvarleg: {lead.name}." if lead else ""
    if target is None:
        previous = case.preparation_deadline
        case.preparation_deadline = None
        case.target_meeting_id = None
        body = uow.bodies.get(case.current_body_id)
        uow.alert(f"no-meeting:{case.id}:{body.id}:{uow.today.isoformat()}", AlertKind.NO_MEETING,
                  f"Sak {case.number} ventar på utgreiing, men det finst ikkje noko møte i "
                  f"{body.name} å sikte mot. Legg til møte i møteplanen.",
                  recipients=[uow.council.director_id], case=case)
        if again and previous is None:
            return _log(uow, actor, case, "case.prepare", "Ingen møte å sikte mot enno.")
        return _log(uow, actor, case, "case.prepare",
                    f"Sendt til utgreiing i {admin.short_name}; ingen møte i {body.name} å sikte "
                    f"mot, så fristen vert sett når eit møte kjem i planen.{lead_text}")
    meeting = uow.meetings.get(target.ref)
    body = uow.bodies.get(case.current_body_id)
    due = target.preparation_deadline
    note = ""
    deadline = case.external_deadline
    if deadline is not None and target.day > deadline:
        # No meeting decides in time (the case is urgent): prepare before the deadline itself.
        due = max(uow.calendar.working_day_on_or_before(deadline - timedelta(days=1)),
                  uow.today)
        note = (f" Den eksterne fristen {format_date(deadline)} kjem før møtet; tilrådinga "
                "trengst før fristen (sjå hastevegane).")
    elif due < uow.today:
        # An extra meeting called at short notice: ready before its notice goes out.
        due = target.notice_date
    case.preparation_deadline = due
    case.target_meeting_id = meeting.id
    open_deadline(uow, kind=DeadlineKind.PREPARATION, due_date=due,
                  reminder_days=body.reminder_days, case=case, owner_id=case.lead_id,
                  note=f"Tilråding til {meeting.ref}")
    verb = "Ny frist for utgreiing" if again else f"Sendt til utgreiing i {admin.short_name}"
    return _log(uow, actor, case, "case.prepare",
                f"{verb}: tilråding seinast {format_date(due)}, for "
                f"{meeting_label(uow, meeting)}.{note}{lead_text}",
                data={"deadline": due.isoformat(), "meeting": meeting.ref})


def _preparation_target(uow: UnitOfWork, case: Case, *, again: bool) -> MeetingSlot | None:
    """The meeting a preparation aims at: the one staff chose at registration while its
    deadline still holds, else the next meeting whose preparation deadline is ahead."""
    if case.target_meeting_id is not None and not again:
        aimed = uow.meetings.find(case.target_meeting_id)
        if aimed is not None and aimed.status == MeetingStatus.PLANNED \
                and aimed.preparation_deadline >= uow.today:
            return slot(aimed)
    slots = upcoming_slots(uow, include_remote=not closed_meeting_required(case))
    target = next_meeting(slots, case.current_body_id, ready_on=uow.today,
                          by_preparation_deadline=True)
    deadline = case.external_deadline
    if deadline is not None and (target is None or target.day > deadline):
        # An open agenda that still decides by the external deadline comes first.
        sooner = next_meeting(slots, case.current_body_id, ready_on=uow.today,
                              by_preparation_deadline=False)
        if sooner is not None and sooner.day <= deadline:
            return sooner
    return target


def _move_to_meeting_in_time(uow: UnitOfWork, actor: Actor, case: Case) -> str | None:
    """A case waiting on a meeting after its external deadline moves to an open meeting that
    decides in time, when one exists (typically the extra meeting called for it)."""
    deadline = case.external_deadline
    if deadline is None or case.agenda_meeting_id is None:
        return None
    current = uow.meetings.find(case.agenda_meeting_id)
    if current is None or current.status != MeetingStatus.PLANNED or current.day <= deadline:
        return None
    slots = upcoming_slots(uow, include_remote=not closed_meeting_required(case))
    sooner = next_meeting(slots, case.current_body_id, ready_on=uow.today,
                          by_preparation_deadline=False, exclude=[current.ref])
    if sooner is None or sooner.day > deadline:
        return None
    meeting = uow.meetings.get(sooner.ref)
    take_off_agenda(uow, case, "flytte")
    place_on_agenda(uow, actor, case, meeting, step="move", reason=(
        f"Flytt frå {current.ref}: det møtet er etter den eksterne fristen "
        f"{format_date(deadline)}, {meeting.ref} avgjer saka i tide."))
    return f"Flytta frå {current.ref} til {meeting.ref} (ekstern frist {format_date(deadline)})"


def _start_implementation(uow: UnitOfWork, actor: Actor, case: Case) -> str:
    case.state = check("start_implementation", CaseState(case.state), case.number)
    body = uow.bodies.get(case.competent_body_id)
    due = uow.calendar.working_day_on_or_before(uow.today + timedelta(days=body.followup_days))
    open_deadline(uow, kind=DeadlineKind.FOLLOWUP, due_date=due,
                  reminder_days=body.reminder_days, case=case, owner_id=case.lead_id,
                  note="Effektuering av vedtaket")
    return _log(uow, actor, case, "case.implement",
                f"Vedteke; til effektuering med frist for oppfølging {format_date(due)}.")


def _route_for(uow: UnitOfWork, case: Case) -> list[MeetingSlot] | None:
    state = CaseState(case.state)
    path = remaining_path(uow, case)
    slots = upcoming_slots(uow, include_remote=not closed_meeting_required(case))
    current = None
    if state == CaseState.ON_AGENDA and case.agenda_meeting_id is not None:
        meeting = uow.meetings.find(case.agenda_meeting_id)
        current = slot(meeting) if meeting is not None else None
    needs_prep = state in (CaseState.REGISTERED, CaseState.IN_PREPARATION, CaseState.SENT_BACK,
                           CaseState.RECOMMENDED) and CaseKind(case.kind) not in NO_PREPARATION
    return plan_route(path, slots, today=uow.today, needs_preparation_deadline=needs_prep,
                      current=current)


def _evaluate_urgency(uow: UnitOfWork, case: Case, actor: Actor) -> str | None:
    """Raise urgency when no ordinary meeting decides the case by its external deadline."""
    state = CaseState(case.state)
    if case.external_deadline is None or state not in UNDECIDED:
        if case.urgent and state not in UNDECIDED:
            case.urgent = False
        return None
    bodies = all_bodies(uow)
    route = _route_for(uow, case)
    path = remaining_path(uow, case)
    assessment = assess_deadline(deadline=case.external_deadline, route=route,
                                 deciding_body=bodies[path[-1]])
    if not assessment.urgent:
        if case.urgent:
            case.urgent = False
            case.urgency_reason = None
            case.urgency_options = None
            last = route[-1] if route else None
            when = f"møtet {last.ref} ({format_date(last.day)})" if last else "eit møte"
            return _log(uow, actor, case, "case.urgency.cleared",
                        f"Ikkje lenger hastesak: {when} avgjer saka innan fristen "
                        f"{format_date(case.external_deadline)}.")
        return None
    options = urgency_options(
        kind=CaseKind(case.kind), path=path, deadline=case.external_deadline, bodies=bodies,
        meetings=upcoming_slots(uow), calendar=uow.calendar, today=uow.today,
        needs_closed_meeting=closed_meeting_required(case))
    serial = [o.as_dict() for o in options]
    kinds = [o["kind"] for o in serial]
    previous = [o["kind"] for o in case.urgency_options or []]
    if case.urgent and kinds == previous:
        case.urgency_options = serial
        return None
    first = not case.urgent
    case.urgent = True
    case.urgency_reason = assessment.reason
    case.urgency_options = serial
    lines = " ".join(f"({i}) {o.text}" for i, o in enumerate(options, start=1))
    uow.alert(f"urgent:{case.id}:{','.join(kinds)}", AlertKind.URGENT_CASE,
              f"Hastesak {case.number}: {assessment.reason} Lovlege vegar: {lines}",
              recipients=leaders(uow), severity="critical", case=case)
    summary = ("Hastesak: " if first else "Hastevurdering oppdatert: ") + assessment.reason
    return _log(uow, actor, case, "case.urgency", summary + f" Lovlege vegar: {lines}",
                data={"options": serial})


def _next_check(uow: UnitOfWork, case: Case) -> datetime | None:
    """When the engine must look at this case again by itself (None: it waits for people,
    for a meeting, or for a deadline row that will wake it)."""
    state = CaseState(case.state)
    if state in (CaseState.DECIDED, CaseState.NOT_ADOPTED, CaseState.WITHDRAWN):
        return uow.now
    return None


def reconcile(engine: Engine, clock: Clock, number: str, *, via: Via | None = None
              ) -> list[str]:
    """Reconcile one case by number in its own transaction (the case flow's body)."""
    with UnitOfWork(engine, clock, via=via) as uow:
        done = reconcile_case(uow, uow.cases.get(number))
        alert_messages(uow)
        uow.commit()
    return done
