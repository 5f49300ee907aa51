"""What the engine does by itself: carry a case until a person is needed, and sweep what is due.

``reconcile_case`` looks at one case and does every step that is due (assign preparation with
its deadline, place on an agenda, escalate to the next body, raise or clear urgency, start
implementation, close). Running it twice does nothing twice. ``sweep`` finds the rows whose
``next_check_at`` has come (meetings whose notice is due, deadlines to remind or mark missed,
cases to reconcile) through partial indexes, so it costs what is due, not what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, func, select

from domain.errors import TingflytError
from domain.rules.calendar import Clock, format_date
from domain.rules.lifecycle import OPEN_STATES, check
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
    DEADLINE_KIND_LABELS,
    AlertKind,
    CaseKind,
    CaseState,
    DeadlineKind,
    DeadlineStatus,
    MeetingKind,
    MeetingStatus,
)
from domain.services.common import (
    all_bodies,
    close_deadlines,
    closed_meeting_required,
    leaders,
    meeting_label,
    open_deadline,
    remaining_path,
    slot,
    upcoming_slots,
)
from domain.services.meetings import freeze_agenda, place_on_agenda, take_off_agenda
from domain.store.tables import Case, Deadline, Meeting, Person, SubstituteCall, WrittenHandling
from domain.store.uow import SYSTEM_ACTOR, Actor, UnitOfWork

#: Steps a case can take on its own before it must wait (a guard against loops).
MAX_STEPS = 12
#: Rows handled per query in one sweep round.
BATCH = 200

UNDECIDED = frozenset({
    CaseState.REGISTERED, CaseState.IN_PREPARATION, CaseState.RECOMMENDED, CaseState.ON_AGENDA,
    CaseState.POSTPONED, CaseState.SENT_BACK, CaseState.REFERRED,
})


# -- one case --------------------------------------------------------------------------------

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
            case.closed_reason = "taken_for_information"
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
    admin = uow.body_of_kind("admin_committee")
    lead = uow.session.get(Person, case.lead_id) if case.lead_id else None
    lead_text = f" Ansvarleg: {lead.name}." if lead else ""
    if target is None:
        previous = case.preparation_deadline
        case.preparation_deadline = None
        case.target_meeting_id = None
        body = uow.body(case.current_body_id)
        uow.alert(f"no-meeting:{case.id}:{body.id}:{uow.today.isoformat()}", AlertKind.NO_MEETING,
                  f"Sak {case.number} ventar på utgreiing, men det finst ikkje noko møte i "
                  f"{body.name} å sikte mot. Legg til møte i møteplanen.",
                  recipients=[uow.council.director_id], case=case)
        if again and previous is None:
            return _log(uow, actor, case, "case.prepare", "Ingen møte å sikte mot enno.")
        return _log(uow, actor, case, "case.prepare",
                    f"Sendt til utgreiing i {admin.short_name}; ingen møte i {body.name} å sikte "
                    f"mot, så fristen vert sett når eit møte kjem i planen.{lead_text}")
    meeting = uow.session.scalars(select(Meeting).where(Meeting.ref == target.ref)).one()
    body = uow.body(case.current_body_id)
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
        aimed = uow.session.get(Meeting, case.target_meeting_id)
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


def place_by_rule(uow: UnitOfWork, actor: Actor, case: Case) -> Meeting | None:
    """The rule-driven agenda: the next open meeting of the body the case is with.

    A newly recommended case must meet the meeting's preparation deadline; a postponed case
    goes to the next meeting after the one that postponed it; a referred case to the next
    meeting of the receiving body whose notice has not gone out. A case under a duty of
    confidentiality never goes to a remote meeting.
    """
    state = CaseState(case.state)
    kind = CaseKind(case.kind)
    slots = upcoming_slots(uow, include_remote=not closed_meeting_required(case))
    after = None
    if state in (CaseState.POSTPONED, CaseState.REFERRED):
        last = _last_treatment_meeting(uow, case)
        after = last.day if last is not None else None
        if state == CaseState.POSTPONED and last is not None \
                and last.kind == MeetingKind.URGENT_REMOTE:
            # Members demanded it wait for an ordinary meeting (KL § 11-8 (3)).
            slots = [s for s in slots if s.kind != MeetingKind.URGENT_REMOTE]
    by_preparation = state == CaseState.RECOMMENDED and kind not in NO_PREPARATION
    target = next_meeting(slots, case.current_body_id, ready_on=uow.today,
                          by_preparation_deadline=by_preparation, after=after)
    reason = None
    deadline = case.external_deadline
    if deadline is not None and (target is None or target.day > deadline):
        # An open agenda that still decides in time beats the internal preparation deadline.
        sooner = next_meeting(slots, case.current_body_id, ready_on=uow.today,
                              by_preparation_deadline=False, after=after)
        if sooner is not None and sooner.day <= deadline:
            target = sooner
            reason = (f"Første møte som kan avgjere saka innan den eksterne fristen "
                      f"{format_date(deadline)}; innkallinga er ikkje sendt enno.")
    if target is None:
        body = uow.body(case.current_body_id)
        uow.alert(f"no-meeting:{case.id}:{body.id}:{state.value}", AlertKind.NO_MEETING,
                  f"Sak {case.number} er klar for saksliste, men det finst ikkje noko ope møte i "
                  f"{body.name}. Legg til møte (`tingflyt meeting add`).",
                  recipients=[uow.council.director_id], case=case)
        return None
    meeting = uow.session.scalars(select(Meeting).where(Meeting.ref == target.ref)).one()
    if reason is None:
        reason = {
            CaseState.RECOMMENDED: "Første møte der fristen for saksutgreiing enno held.",
            CaseState.POSTPONED: "Utsett sak går til neste møte.",
            CaseState.REFERRED: "Innstillinga går til neste møte i organet som skal avgjere.",
        }[state]
        if kind in NO_PREPARATION:
            reason = "Første møte der innkallinga ikkje er sendt."
    place_on_agenda(uow, actor, case, meeting, reason=reason)
    return meeting


def _move_to_meeting_in_time(uow: UnitOfWork, actor: Actor, case: Case) -> str | None:
    """A case waiting on a meeting after its external deadline moves to an open meeting that
    decides in time, when one exists (typically the extra meeting called for it)."""
    deadline = case.external_deadline
    if deadline is None or case.agenda_meeting_id is None:
        return None
    current = uow.session.get(Meeting, case.agenda_meeting_id)
    if current is None or current.status != MeetingStatus.PLANNED or current.day <= deadline:
        return None
    slots = upcoming_slots(uow, include_remote=not closed_meeting_required(case))
    sooner = next_meeting(slots, case.current_body_id, ready_on=uow.today,
                          by_preparation_deadline=False, exclude=[current.ref])
    if sooner is None or sooner.day > deadline:
        return None
    meeting = uow.session.scalars(select(Meeting).where(Meeting.ref == sooner.ref)).one()
    take_off_agenda(uow, case, "flytte")
    place_on_agenda(uow, actor, case, meeting, step="move", reason=(
        f"Flytt frå {current.ref}: det møtet er etter den eksterne fristen "
        f"{format_date(deadline)}, {meeting.ref} avgjer saka i tide."))
    return f"Flytta frå {current.ref} til {meeting.ref} (ekstern frist {format_date(deadline)})"


def _last_treatment_meeting(uow: UnitOfWork, case: Case) -> Meeting | None:
    from domain.store.tables import Treatment

    return uow.session.scalars(
        select(Meeting).join(Treatment, Treatment.meeting_id == Meeting.id)
        .where(Treatment.case_id == case.id).order_by(Meeting.starts_at.desc())).first()


def _start_implementation(uow: UnitOfWork, actor: Actor, case: Case) -> str:
    case.state = check("start_implementation", CaseState(case.state), case.number)
    body = uow.body(case.competent_body_id)
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
        meeting = uow.session.get(Meeting, case.agenda_meeting_id)
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


# -- deadlines ------------------------------------------------------------------------------

def process_deadline(uow: UnitOfWork, deadline: Deadline) -> str | None:
    """Remind before a deadline, and mark it missed after; wake the case it belongs to."""
    if deadline.status != DeadlineStatus.OPEN:
        deadline.next_check_at = None
        return None
    case = uow.session.get(Case, deadline.case_id) if deadline.case_id else None
    meeting = uow.session.get(Meeting, deadline.meeting_id) if deadline.meeting_id else None
    what = DEADLINE_KIND_LABELS[DeadlineKind(deadline.kind)]
    subject = f"sak {case.number}" if case else (meeting.ref if meeting else "")
    recipients = {r for r in (deadline.owner_id, uow.council.director_id) if r}
    if uow.now >= deadline.due_at:
        deadline.status = DeadlineStatus.MISSED
        deadline.closed_at = uow.now
        deadline.next_check_at = None
        message = (f"{what.capitalize()} for {subject} gjekk ut {format_date(deadline.due_date)}"
                   f"{f' ({deadline.note})' if deadline.note else ''}.")
        if deadline.kind == DeadlineKind.EXTERNAL:
            recipients.update(leaders(uow))
        uow.alert(f"deadline-missed:{deadline.id}", AlertKind.DEADLINE_MISSED, message,
                  recipients=recipients, severity="critical", case=case, meeting=meeting)
        uow.journal(SYSTEM_ACTOR, "deadline.missed", message, case=case, meeting=meeting,
                    data={"kind": deadline.kind, "due": deadline.due_date.isoformat()})
        if case is not None and CaseState(case.state) in OPEN_STATES:
            case.next_check_at = uow.now
        return message
    if deadline.remind_at is not None and deadline.reminded_at is None \
            and uow.now >= deadline.remind_at:
        deadline.reminded_at = uow.now
        deadline.next_check_at = deadline.due_at
        days = (deadline.due_date - uow.today).days
        message = (f"Påminning: {what} for {subject} er {format_date(deadline.due_date)} "
                   f"(om {days} dagar){f' - {deadline.note}' if deadline.note else ''}.")
        uow.alert(f"deadline-near:{deadline.id}", AlertKind.DEADLINE_NEAR, message,
                  recipients=recipients, severity="info", case=case, meeting=meeting)
        uow.journal(SYSTEM_ACTOR, "deadline.reminder", message, case=case, meeting=meeting,
                    data={"kind": deadline.kind, "due": deadline.due_date.isoformat()})
        return message
    deadline.next_check_at = deadline.remind_at if (
        deadline.remind_at and deadline.reminded_at is None) else deadline.due_at
    return None


def process_meeting(uow: UnitOfWork, meeting: Meeting) -> str | None:
    """Send the notice (freeze and number the agenda) when its time has come; after the
    meeting, ask for every outcome that has not been recorded."""
    if meeting.status in (MeetingStatus.NOTIFIED, MeetingStatus.HELD):
        meeting.next_check_at = None
        if uow.now < meeting.ends_at:
            meeting.next_check_at = meeting.ends_at
            return None
        waiting = [c.number for c in uow.session.scalars(select(Case).where(
            Case.agenda_meeting_id == meeting.id, Case.state == CaseState.ON_AGENDA)
            .order_by(Case.year, Case.seq))]
        if not waiting:
            return None
        message = (f"Møtet {meeting_label(uow, meeting)} er over, men utfallet er ikkje ført "
                   f"for sak {', '.join(waiting)}. Før det med `tingflyt case decide`.")
        uow.alert(f"outcome-missing:{meeting.id}", AlertKind.OUTCOME_MISSING, message,
                  recipients=[uow.council.director_id], severity="warning", meeting=meeting)
        uow.journal(SYSTEM_ACTOR, "meeting.outcome_missing", message, meeting=meeting)
        return message
    if meeting.status != MeetingStatus.PLANNED:
        meeting.next_check_at = None
        return None
    if uow.now < meeting.notice_at:
        meeting.next_check_at = meeting.notice_at
        return None
    if uow.now >= meeting.starts_at:
        # Too late to call it: a meeting cannot be held without lawful notice (KL § 11-3).
        meeting.next_check_at = None
        message = (f"Møtet {meeting_label(uow, meeting)} er passert utan at innkallinga vart "
                   "send frå tingflyt. Før det som vart gjort, eller avlys møtet "
                   f"(`tingflyt meeting cancel {meeting.ref}`).")
        uow.alert(f"never-notified:{meeting.id}", AlertKind.NOTICE_LATE, message,
                  recipients=leaders(uow), severity="critical", meeting=meeting)
        uow.journal(SYSTEM_ACTOR, "meeting.not_notified", message, meeting=meeting)
        return message
    freeze_agenda(uow, SYSTEM_ACTOR, meeting)
    return f"Innkalling sendt for {meeting_label(uow, meeting)}"


# -- the sweep -----------------------------------------------------------------------------

@dataclass
class SweepReport:
    """What one sweep did. ``errors`` lists rows that failed; the rest went on."""

    at: datetime
    meetings: list[str] = field(default_factory=list)
    deadlines: list[str] = field(default_factory=list)
    cases: dict[str, list[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    looked_at: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.meetings or self.deadlines or self.cases)

    def as_dict(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "meetings": self.meetings,
                "deadlines": self.deadlines, "cases": self.cases,
                "problems": self.problems, "looked_at": self.looked_at}


def due_ids(uow: UnitOfWork, model: Any, limit: int = BATCH,
            skip: set[int] | frozenset[int] = frozenset()) -> list[int]:
    column = model.next_check_at
    query = select(model.id).where(column.is_not(None), column <= uow.now)
    if skip:
        query = query.where(model.id.not_in(skip))
    return list(uow.session.scalars(query.order_by(column).limit(limit)))


def sweep(engine: Engine, clock: Clock, *, max_rounds: int = 20) -> SweepReport:
    """Do everything that is due now. Each row is its own transaction; running twice is safe.

    A row that is refused (a conflict with a person's change, or a rule) is reported and left
    for the next sweep; the others go on.
    """
    with UnitOfWork(engine, clock, readonly=True) as uow:
        zone = uow.calendar.tz
    report = SweepReport(at=clock.now().astimezone(zone))
    handlers: list[tuple[Any, Any, str]] = [
        (Deadline, _deadline_step, "frist"), (SubstituteCall, _call_step, "varamedlem"),
        (WrittenHandling, _written_step, "skriftleg handsaming"), (Case, _case_step, "sak"),
        (Meeting, _meeting_step, "møte")]
    skip: dict[Any, set[int]] = {model: set() for model, _, _ in handlers}
    for _ in range(max_rounds):
        progressed = False
        for model, handler, noun in handlers:
            with UnitOfWork(engine, clock, readonly=True) as uow:
                ids = due_ids(uow, model, skip=skip[model])
            report.looked_at += len(ids)
            for row_id in ids:
                progressed = True
                try:
                    with UnitOfWork(engine, clock) as uow:
                        record = handler(uow, uow.session.get_one(model, row_id), report)
                        uow.commit()
                    if record is not None:
                        record()  # only what was committed goes into the report
                except TingflytError as exc:
                    skip[model].add(row_id)
                    report.problems.append(f"{noun} {row_id}: {exc.one_line()}")
        if not progressed:
            break
    return report


def _deadline_step(uow: UnitOfWork, deadline: Deadline, report: SweepReport) -> Any:
    note = process_deadline(uow, deadline)
    return (lambda: report.deadlines.append(note)) if note else None


def _call_step(uow: UnitOfWork, call: SubstituteCall, report: SweepReport) -> Any:
    from domain.services.attendance import process_call

    note = process_call(uow, call)
    return (lambda: report.meetings.append(note)) if note else None


def _written_step(uow: UnitOfWork, handling: WrittenHandling, report: SweepReport) -> Any:
    from domain.services.written import process_written

    note = process_written(uow, handling)
    return (lambda: report.meetings.append(note)) if note else None


def _case_step(uow: UnitOfWork, case: Case, report: SweepReport) -> Any:
    done = reconcile_case(uow, case)
    number = case.number
    return (lambda: report.cases.setdefault(number, []).extend(done)) if done else None


def _meeting_step(uow: UnitOfWork, meeting: Meeting, report: SweepReport) -> Any:
    note = process_meeting(uow, meeting)
    return (lambda: report.meetings.append(note)) if note else None


def reconcile(engine: Engine, clock: Clock, number: str) -> list[str]:
    """Reconcile one case by number in its own transaction (the case flow's body)."""
    with UnitOfWork(engine, clock) as uow:
        done = reconcile_case(uow, uow.case(number))
        uow.commit()
    return done


def next_due_at(engine: Engine, clock: Clock) -> datetime | None:
    """The earliest moment anything becomes due (for schedulers and the demo's season)."""
    with UnitOfWork(engine, clock, readonly=True) as uow:
        times = [uow.session.scalar(select(func.min(model.next_check_at)))
                 for model in (Case, Deadline, Meeting, SubstituteCall, WrittenHandling)]
    present = [t for t in times if t is not None]
    return min(present) if present else None


__all__ = ["SweepReport", "place_by_rule", "process_deadline", "process_meeting",
           "reconcile", "reconcile_case", "sweep"]
