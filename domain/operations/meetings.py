"""Meetings as rows: created with their notice date, preparation and notice deadlines; rescheduled
when the plan changes.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from domain.errors import InvalidInput, RuleViolation
from domain.operations.deadlines import close_deadlines, open_deadline
from domain.rules.access import OPERATOR_ACTOR, Actor
from domain.rules.calendar import format_date
from domain.rules.numbering import meeting_ref
from domain.rules.terms import (
    MEETING_STATUS_LABELS,
    DeadlineKind,
    MeetingKind,
    MeetingStatus,
)
from domain.store.tables import Body, Meeting
from domain.store.uow import UnitOfWork

#: Local time at which the sweep sends a meeting's notice on its notice day.
NOTICE_TIME = time(8, 0)


#: A meeting added on its own notice day is notified at this time (at least an hour after it
#: was added), so the secretariat can put its cases on the agenda first.
LATE_NOTICE_TIME = time(16, 0)


def _ref_for(uow: UnitOfWork, body: Body, day: date) -> str:
    base = f"{body.agenda_prefix}-{day.isoformat()}"
    return meeting_ref(body.agenda_prefix or "", day, uow.meetings.refs_starting(base))


def notice_days_for(body: Body, kind: str) -> int:
    if kind == MeetingKind.URGENT_REMOTE:
        assert body.urgent_notice_days is not None
        return body.urgent_notice_days
    return body.notice_days


def create_meeting(
    uow: UnitOfWork,
    actor: Actor,
    body: Body,
    day: date,
    start: time,
    end: time,
    *,
    place: str | None,
    remote: bool,
    kind: str,
    reason: str | None,
) -> Meeting:
    """Make a meeting with its notice date, preparation deadline and notice deadline."""
    cal = uow.calendar
    if not body.agenda_prefix:
        raise RuleViolation(
            f"{body.name} har ikkje eigne sakslister i tingflyt.",
            "Legg møtet til i regionrådet eller representantskapet.", field="body")
    why = cal.holiday_name(day)  # Sundays and public holidays; a Saturday meeting is allowed
    if why:
        raise InvalidInput(f"{format_date(day)} er {why}.", "Vel ein arbeidsdag.", field="date")
    if end <= start:
        raise InvalidInput(f"Sluttid {end:%H:%M} er ikkje etter starttid {start:%H:%M}.",
                           "Rett [field:end] eller [field:start].", field="end")
    council = uow.council
    if not council.period_start <= day <= council.period_end:
        period = f"{format_date(council.period_start)}-{format_date(council.period_end)}"
        raise InvalidInput(f"{format_date(day)} er utanfor valperioden ({period}).",
                           "Vel ein dato i valperioden.", field="date")
    same_day = uow.meetings.ref_on_day(body.id, day)
    if same_day is not None:
        raise RuleViolation(f"{body.name} har alt eit møte {format_date(day)} ({same_day}).",
                            "Set sakene på det møtet, eller vel ein annan dag.", field="date")
    notice_days = notice_days_for(body, kind)
    notice = cal.notice_date(day, notice_days)
    preparation = cal.preparation_deadline(notice, body.preparation_days)
    if notice < uow.today:
        earliest = cal.earliest_meeting_day(uow.today, notice_days)
        hint = f"Første moglege møtedag med {notice_days} dagars varsel er {format_date(earliest)}."
        if kind != MeetingKind.URGENT_REMOTE and body.urgent_notice_days is not None \
                and body.remote_meetings:
            hint += " Hastar det meir, bruk [field:urgent] for hastefjernmøte (kommunelova § 11-8)."
        raise RuleViolation(
            f"Innkallinga til eit møte {format_date(day)} måtte ha gått ut {format_date(notice)}; "
            "det er for seint.", hint, field="date")
    starts_at = cal.at(day, start)
    notice_at = notice_time(uow, notice)
    meeting = Meeting(
        ref=_ref_for(uow, body, day), body_id=body.id, kind=kind, status=MeetingStatus.PLANNED,
        day=day, starts_at=starts_at, ends_at=cal.at(day, end), place=place, remote=remote,
        notice_date=notice, preparation_deadline=preparation, notice_at=notice_at,
        notified_at=None, notice_late=False, reason=reason, created_at=uow.now,
        agenda_changed_at=None, next_check_at=notice_at)
    meeting.body = body
    uow.add(meeting)
    uow.flush()
    open_deadline(uow, kind=DeadlineKind.NOTICE, due_date=notice,
                  reminder_days=body.reminder_days, meeting=meeting,
                  owner_id=council.director_id,
                  note=f"Innkalling til {meeting.ref}; sakslista vert fryst då")
    return meeting


#: How long after a meeting the engine waits before it asks for outcomes not yet recorded.
OUTCOME_GRACE = timedelta(days=1)


def notice_time(uow: UnitOfWork, notice: date) -> datetime:
    """When the sweep sends the notice: the morning of the notice day, or, for a meeting added
    on that day, late enough in it for its cases to be placed first (still on time)."""
    cal = uow.calendar
    morning = cal.at(notice, NOTICE_TIME)
    if uow.now < morning:
        return morning
    last = cal.end_of(notice) - timedelta(minutes=1)
    return min(max(cal.at(notice, LATE_NOTICE_TIME), uow.now + timedelta(hours=1)), last) \
        if uow.now < last else uow.now


def reschedule_meeting(uow: UnitOfWork, meeting: Meeting, start: time, end: time,
                       place: str | None, remote: bool) -> list[str]:
    """Follow a changed plan (times, place, remote, the body's notice periods) for a meeting
    whose agenda is still open. Returns what changed; refuses what the law does not allow."""
    cal = uow.calendar
    body = meeting.body
    starts_at, ends_at = cal.at(meeting.day, start), cal.at(meeting.day, end)
    notice_days = notice_days_for(body, meeting.kind)
    notice = cal.notice_date(meeting.day, notice_days)
    preparation = cal.preparation_deadline(notice, body.preparation_days)
    changes: list[str] = []
    if remote and not meeting.remote:
        closed = [c.number for c in uow.cases.confidential_on_agenda_of(meeting.id)]
        if closed:
            raise RuleViolation(
                f"Møtet {meeting.ref} kan ikkje bli fjernmøte: sak {', '.join(closed)} er "
                "underlagd teieplikt og må handsamast i lukka møte (kommunelova § 11-7).",
                "Flytt saka til eit anna møte først ([cmd:case.place|case=...|meeting]), "
                "eller la møtet vere fysisk.", field="remote")
    if (meeting.starts_at, meeting.ends_at, meeting.place, meeting.remote) != (
            starts_at, ends_at, place, remote):
        meeting.starts_at, meeting.ends_at, meeting.place, meeting.remote = (
            starts_at, ends_at, place, remote)
        changes.append("tid/stad")
    if (meeting.notice_date, meeting.preparation_deadline) != (notice, preparation):
        if notice < uow.today:
            raise RuleViolation(
                f"Med {notice_days} dagars varsel måtte innkallinga til {meeting.ref} ha gått "
                f"ut {format_date(notice)}; det er for seint.",
                "Behald det gamle varselet for dette møtet, eller flytt møtet.",
                field="notice_days")
        meeting.notice_date = notice
        meeting.preparation_deadline = preparation
        meeting.notice_at = notice_time(uow, notice)
        meeting.next_check_at = meeting.notice_at
        close_deadlines(uow, kinds=(DeadlineKind.NOTICE,), meeting=meeting, cancelled=True)
        open_deadline(uow, kind=DeadlineKind.NOTICE, due_date=notice,
                      reminder_days=body.reminder_days, meeting=meeting,
                      owner_id=uow.council.director_id,
                      note=f"Innkalling til {meeting.ref}; sakslista vert fryst då")
        changes.append("innkallingsdato og utgreiingsfrist")
        for case in uow.cases.in_preparation_for(meeting.id):
            close_deadlines(uow, kinds=(DeadlineKind.PREPARATION,), case=case, cancelled=True)
            open_deadline(uow, kind=DeadlineKind.PREPARATION, due_date=preparation,
                          reminder_days=body.reminder_days, case=case, owner_id=case.lead_id,
                          note=f"Tilråding til {meeting.ref}")
            case.preparation_deadline = preparation
            case.updated_at = uow.now
            uow.journal(OPERATOR_ACTOR, "case.prepare",
                        f"Ny frist for utgreiing {format_date(preparation)}: varselet for "
                        f"{meeting.ref} er endra i organisasjonsfila.", case=case,
                        meeting=meeting)
    return changes


def wake_waiting_cases(uow: UnitOfWork, body: Body) -> None:
    """A new meeting may give waiting or urgent cases a place: let the engine look again."""
    for case in uow.cases.waiting_for_body(body.id):
        if case.next_check_at is None or case.next_check_at > uow.now:
            case.next_check_at = uow.now


def meeting_is_over(meeting: Meeting, now: datetime) -> bool:
    return now >= meeting.ends_at


def status_label(meeting: Meeting) -> str:

    return MEETING_STATUS_LABELS[MeetingStatus(meeting.status)]
