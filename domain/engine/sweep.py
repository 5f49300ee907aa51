"""The sweep: the rows whose ``next_check_at`` has come (meetings whose notice is due, deadlines to
remind or mark missed, calls unanswered, written handlings ended, cases to carry on), found
through partial indexes, so it costs what is due, not what is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.engine.reconcile import reconcile_case
from domain.errors import InvalidInput, TingflytError
from domain.operations.agenda import freeze_agenda
from domain.operations.outbox import alert_messages
from domain.operations.substitutes import process_call
from domain.operations.written import process_written
from domain.rules.access import SYSTEM_ACTOR
from domain.rules.calendar import Clock, format_date
from domain.rules.lifecycle import OPEN_STATES
from domain.rules.scheduling import minutes_due_on
from domain.rules.terms import (
    DEADLINE_KIND_LABELS,
    AlertKind,
    CaseState,
    DeadlineKind,
    DeadlineStatus,
    MeetingStatus,
)
from domain.store.rule_values import leaders, meeting_label
from domain.store.tables import Case, Deadline, Meeting, SubstituteCall, WrittenHandling
from domain.store.uow import Engine, UnitOfWork, Via

#: Rows handled per query in one sweep round.
BATCH = 200


def process_deadline(uow: UnitOfWork, deadline: Deadline) -> str | None:
    """Remind before a deadline, and mark it missed after; wake the case it belongs to."""
    if deadline.status != DeadlineStatus.OPEN:
        deadline.next_check_at = None
        return None
    case = uow.cases.find(deadline.case_id)
    meeting = uow.meetings.find(deadline.meeting_id)
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
                   f"({in_days(days)}){f' - {deadline.note}' if deadline.note else ''}.")
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
    meeting, ask for every outcome that has not been recorded, and for the minutes once the
    body's ``minutes_due_days`` have passed without them."""
    if meeting.status in (MeetingStatus.NOTIFIED, MeetingStatus.HELD):
        return _after_meeting(uow, meeting)
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
                   f"([cmd:meeting.cancel|meeting={meeting.ref}]).")
        uow.alert(f"never-notified:{meeting.id}", AlertKind.NOTICE_LATE, message,
                  recipients=leaders(uow), severity="critical", meeting=meeting)
        uow.journal(SYSTEM_ACTOR, "meeting.not_notified", message, meeting=meeting)
        return message
    freeze_agenda(uow, SYSTEM_ACTOR, meeting)
    return f"Innkalling sendt for {meeting_label(uow, meeting)}"


def _after_meeting(uow: UnitOfWork, meeting: Meeting) -> str | None:
    meeting.next_check_at = None
    if uow.now < meeting.ends_at:
        meeting.next_check_at = meeting.ends_at
        return None
    notes: list[str | None] = []
    waiting = [c.number for c in uow.cases.on_agenda_of(
        meeting.id, state=CaseState.ON_AGENDA, ordered=True)]
    label = meeting_label(uow, meeting)
    if waiting:
        message = (f"Møtet {label} er over, men utfallet er ikkje ført for sak "
                   f"{', '.join(waiting)}. Før det med [cmd:case.decide].")
        # The chair records the outcomes (and so the minutes wait for her), with the daily
        # leader.
        notes.append(_ask_once(uow, meeting, AlertKind.OUTCOME_MISSING, message,
                               [meeting.body.chair_id, uow.council.director_id]))
    if meeting.minutes_sent_at is None:
        cal = uow.calendar
        due_day = minutes_due_on(cal.local(meeting.starts_at).date(),
                                 meeting.body.minutes_due_days)
        due_at = cal.end_of(due_day)
        if uow.now < due_at:
            meeting.next_check_at = due_at
        else:
            message = (f"Møteboka frå {label} skulle vore send til medlemene innan "
                       f"{format_date(due_day)} ({meeting.body.minutes_due_days} dagar etter "
                       f"møtet). Send ho med [cmd:meeting.send_minutes|meeting={meeting.ref}].")
            notes.append(_ask_once(uow, meeting, AlertKind.MINUTES_LATE, message,
                                   [uow.council.director_id, meeting.body.chair_id]))
    return " ".join(note for note in notes if note) or None


def _ask_once(uow: UnitOfWork, meeting: Meeting, kind: AlertKind, message: str,
              recipients: list[str | None]) -> str | None:
    """Raise the meeting's alert of ``kind`` and journal it, the first time only (a meeting is
    looked at again); the message when it was raised now."""
    key = f"{kind.value.replace('_', '-')}:{meeting.id}"
    if uow.alert(key, kind, message, recipients=[p for p in recipients if p],
                 severity="warning", meeting=meeting) is None:
        return None
    uow.journal(SYSTEM_ACTOR, f"meeting.{kind.value}", message, meeting=meeting)
    return message


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
    return uow.due.ids(model, uow.now, limit=limit, skip=skip)


def in_days(days: int) -> str:
    """How far off a day is, as people say it."""
    return {0: "i dag", 1: "i morgon"}.get(days, f"om {days} dagar")


#: What a sweep can be limited to (the scheduled runs each take a part; a plain sweep does all):
#: meetings whose notice is due, meetings over whose outcomes or minutes are due, deadlines
#: (reminders, missed), substitute calls, written handlings, and cases to carry on.
PARTS = ("notices", "minutes", "deadlines", "substitutes", "written", "cases")


def _meeting_part(meeting: Meeting) -> str:
    return "notices" if meeting.status == MeetingStatus.PLANNED else "minutes"


def sweep(engine: Engine, clock: Clock, *, max_rounds: int = 20,
          parts: Iterable[str] | None = None, via: Via | None = None) -> SweepReport:
    """Do everything that is due now (or, with ``parts``, that part of it: see ``PARTS``).
    Each row is its own transaction; running twice is safe.

    A row that is refused (a conflict with a person's change, or a rule) is reported and left
    for the next sweep; the others go on. A row of another part is left as it is, for the run
    that does that part.
    """
    wanted = frozenset(PARTS if parts is None else parts)
    unknown = sorted(wanted - set(PARTS))
    if unknown:
        raise InvalidInput(f"Ukjend del av gjennomgangen: {', '.join(unknown)}.",
                           f"Bruk nokre av: {', '.join(PARTS)}.", field="parts")
    with UnitOfWork(engine, clock, readonly=True) as uow:
        uow.check_clock()  # a mistyped clock is refused once, before any row is touched
        zone = uow.calendar.tz
    report = SweepReport(at=clock.now().astimezone(zone))
    # Each kind of row, its step, its noun in a problem, and its part (a meeting's part is its
    # phase: the notice before it, outcomes and minutes after).
    handlers: list[tuple[Any, Any, str, Callable[[Any], str]]] = [
        (Deadline, _deadline_step, "frist", lambda _row: "deadlines"),
        (SubstituteCall, _call_step, "varamedlem", lambda _row: "substitutes"),
        (WrittenHandling, _written_step, "skriftleg handsaming", lambda _row: "written"),
        (Case, _case_step, "sak", lambda _row: "cases"),
        (Meeting, _meeting_step, "møte", _meeting_part)]
    kinds = {Deadline: {"deadlines"}, SubstituteCall: {"substitutes"},
             WrittenHandling: {"written"}, Case: {"cases"}, Meeting: {"notices", "minutes"}}
    skip: dict[Any, set[int]] = {model: set() for model, *_ in handlers}
    for _ in range(max_rounds):
        progressed = False
        for model, handler, noun, part_of in handlers:
            if not wanted & kinds[model]:
                continue
            with UnitOfWork(engine, clock, readonly=True) as uow:
                ids = due_ids(uow, model, skip=skip[model])
            report.looked_at += len(ids)
            for row_id in ids:
                try:
                    with UnitOfWork(engine, clock, via=via) as uow:
                        row = uow.due.row(model, row_id)
                        if part_of(row) not in wanted:
                            skip[model].add(row_id)
                            continue
                        progressed = True
                        record = handler(uow, row, report)
                        alert_messages(uow)
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

    note = process_call(uow, call)
    return (lambda: report.meetings.append(note)) if note else None


def _written_step(uow: UnitOfWork, handling: WrittenHandling, report: SweepReport) -> Any:

    note = process_written(uow, handling)
    return (lambda: report.meetings.append(note)) if note else None


def _case_step(uow: UnitOfWork, case: Case, report: SweepReport) -> Any:
    done = reconcile_case(uow, case)
    number = case.number
    return (lambda: report.cases.setdefault(number, []).extend(done)) if done else None


def _meeting_step(uow: UnitOfWork, meeting: Meeting, report: SweepReport) -> Any:
    note = process_meeting(uow, meeting)
    return (lambda: report.meetings.append(note)) if note else None


def next_due_at(engine: Engine, clock: Clock) -> datetime | None:
    """The earliest moment anything becomes due (for schedulers and the demo's season)."""
    with UnitOfWork(engine, clock, readonly=True) as uow:
        return uow.due.next_at()
