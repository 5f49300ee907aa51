"""Meetings: the plan, extra and urgent remote meetings, and the notice that freezes an agenda.

The notice date is the meeting day minus the body's notice period in calendar days, moved
earlier off Saturdays, Sundays and public holidays; the preparation deadline is derived from it
(``domain.rules.calendar``). At notice time the agenda is frozen and numbered (``RR 12/26``)
with the standing items first: approval of the last minutes and reports of urgency decisions, then the
cases, then the items for information.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, select

from domain.errors import IllegalTransition, InvalidInput, NotAllowed, RuleViolation
from domain.rules.calendar import format_date
from domain.rules.scheduling import NO_PREPARATION
from domain.rules.terms import (
    AgendaItemKind,
    AgendaSection,
    AlertKind,
    BodyKind,
    CaseKind,
    CaseState,
    DeadlineKind,
    MeetingKind,
    MeetingStatus,
    Role,
)
from domain.services.common import (
    LATE_NOTICE_TIME,
    NOTICE_TIME,
    agenda_item_for,
    agenda_number,
    close_deadlines,
    leaders,
    meeting_label,
    open_deadline,
)
from domain.store.tables import AgendaItem, Body, Case, Meeting
from domain.store.uow import OPERATOR_ACTOR, Actor, UnitOfWork, requires


def _ref_for(uow: UnitOfWork, body: Body, day: date) -> str:
    base = f"{body.agenda_prefix}-{day.isoformat()}"
    taken = set(uow.session.scalars(select(Meeting.ref).where(Meeting.ref.like(f"{base}%"))))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


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
                           "Rett --end eller --start.", field="end")
    council = uow.council
    if not council.period_start <= day <= council.period_end:
        period = f"{format_date(council.period_start)}-{format_date(council.period_end)}"
        raise InvalidInput(f"{format_date(day)} er utanfor valperioden ({period}).",
                           "Vel ein dato i valperioden.", field="date")
    same_day = uow.session.scalars(select(Meeting.ref).where(
        Meeting.body_id == body.id, Meeting.day == day,
        Meeting.status != MeetingStatus.CANCELLED)).first()
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
            hint += " Hastar det meir, bruk --urgent for hastefjernmøte (kommunelova § 11-8)."
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
    uow.session.add(meeting)
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
        closed = [c.number for c in uow.session.scalars(select(Case).where(
            Case.agenda_meeting_id == meeting.id, Case.exempt_offl_section == 13))]
        if closed:
            raise RuleViolation(
                f"Møtet {meeting.ref} kan ikkje bli fjernmøte: sak {', '.join(closed)} er "
                "underlagd teieplikt og må handsamast i lukka møte (kommunelova § 11-7).",
                "Flytt saka til eit anna møte først (`tingflyt case place ... --meeting`), "
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
        for case in uow.session.scalars(select(Case).where(
                Case.target_meeting_id == meeting.id,
                Case.state == CaseState.IN_PREPARATION)):
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


@requires(Role.DIRECTOR, Role.STAFF, Role.CHAIR)
def add_meeting(
    uow: UnitOfWork,
    actor: Actor,
    *,
    body_id: str,
    day: date,
    start: time | None = None,
    end: time | None = None,
    place: str | None = None,
    remote: bool = False,
    urgent: bool = False,
    reason: str | None = None,
) -> Meeting:
    """Add an extra meeting (ordinary notice) or an urgent remote meeting (shorter notice)."""
    body = uow.body(body_id)
    if actor.has(Role.CHAIR) and not actor.is_staff and not actor.has(Role.CHAIR, body.id):
        raise NotAllowed(f"{actor.name} leier ikkje {body.name}.",
                            "Berre leiaren for organet eller sekretariatet kan kalle inn.",
                            field="as")
    kind = MeetingKind.EXTRA
    if urgent:
        if body.kind != BodyKind.COUNCIL or body.urgent_notice_days is None \
                or not body.remote_meetings:
            raise RuleViolation(
                f"{body.name} kan ikkje halde hastefjernmøte.",
                "Hastefjernmøte (kommunelova § 11-8 (3)) er for regionrådet når organisasjonsfila "
                "opnar for fjernmøte og set urgent_notice_days.", field="urgent")
        kind = MeetingKind.URGENT_REMOTE
        remote = True
        if not reason:
            raise InvalidInput("Eit hastefjernmøte treng ei grunngjeving.",
                               "Legg til --reason \"kvifor saka ikkje kan vente\".",
                               field="reason")
    if remote and not body.remote_meetings:
        raise RuleViolation(f"{body.name} har ikkje opna for fjernmøte (kommunelova § 11-7).",
                            "Ta vekk --remote, eller opne for fjernmøte i organisasjonsfila.",
                            field="remote")
    if not remote and not (place or body.default_place):
        raise InvalidInput("Møtet manglar stad.", "Legg til --place \"...\".", field="place")
    meeting = create_meeting(
        uow, actor, body, day, start or body.default_start, end or body.default_end,
        place=None if remote else (place or body.default_place), remote=remote, kind=kind,
        reason=reason)
    what = {MeetingKind.EXTRA: "Ekstra møte", MeetingKind.URGENT_REMOTE: "Hastefjernmøte"}[kind]
    uow.journal(actor, "meeting.add",
                f"{what} lagt til: {meeting_label(uow, meeting)}, innkalling "
                f"{format_date(meeting.notice_date)}, frist for saksutgreiing "
                f"{format_date(meeting.preparation_deadline)}.",
                meeting=meeting, reason=reason, role=(Role.DIRECTOR, Role.STAFF, Role.CHAIR))
    _recheck_waiting_cases(uow, body)
    return meeting


def _recheck_waiting_cases(uow: UnitOfWork, body: Body) -> None:
    """A new meeting may give waiting or urgent cases a place: let the engine look again."""
    waiting = select(Case).where(
        and_(Case.current_body_id == body.id,
             Case.state.in_([CaseState.RECOMMENDED, CaseState.POSTPONED, CaseState.REFERRED,
                             CaseState.REGISTERED, CaseState.IN_PREPARATION,
                             CaseState.SENT_BACK]))
        | Case.urgent.is_(True))  # an urgent case may need any body's meeting on its path
    for case in uow.session.scalars(waiting):
        if case.next_check_at is None or case.next_check_at > uow.now:
            case.next_check_at = uow.now


@requires(Role.DIRECTOR, Role.STAFF)
def issue_notice(uow: UnitOfWork, actor: Actor, ref: str) -> Meeting:
    """Send the notice now: freeze and number the agenda before the notice day."""
    meeting = uow.meeting(ref)
    if uow.now >= meeting.starts_at:
        raise RuleViolation(f"Møtet {meeting.ref} har alt vore ({format_date(meeting.day)}); "
                            "det er for seint å kalle det inn.",
                            f"Avlys det med `tingflyt meeting cancel {meeting.ref}`.",
                            field="meeting")
    freeze_agenda(uow, actor, meeting)
    return meeting


@requires(Role.DIRECTOR, Role.STAFF, Role.CHAIR)
def cancel_meeting(uow: UnitOfWork, actor: Actor, ref: str, *, reason: str) -> Meeting:
    """Avlyse eit møte. Its cases go back to the engine, which places them on the next
    meeting; agenda numbers already given are not used again."""
    meeting = uow.meeting(ref)
    if actor.has(Role.CHAIR) and not actor.is_staff and not actor.has(Role.CHAIR,
                                                                         meeting.body_id):
        raise NotAllowed(f"{actor.name} leier ikkje {meeting.body.name}.",
                         "Berre leiaren for organet eller sekretariatet kan avlyse.", field="as")
    if not (reason or "").strip():
        raise InvalidInput("Grunnen til at møtet vert avlyst manglar.",
                           "Legg til --reason \"...\".", field="reason")
    if meeting.status in (MeetingStatus.HELD, MeetingStatus.CANCELLED):
        raise RuleViolation(f"Møtet {meeting.ref} er alt {_status_label(meeting)}.",
                            "Berre planlagde og innkalla møte kan avlysast.", field="meeting")
    from domain.rules.lifecycle import check

    moved = []
    for case in uow.session.scalars(select(Case).where(Case.agenda_meeting_id == meeting.id)):
        if meeting.status == MeetingStatus.PLANNED:
            item = agenda_item_for(uow, case, meeting.id)
            if item is not None:
                uow.session.delete(item)
        case.state = check("remove_from_agenda", CaseState(case.state), case.number)
        case.agenda_meeting_id = None
        case.updated_at = uow.now
        case.next_check_at = uow.now
        moved.append(case.number)
        uow.journal(actor, "case.unplace", f"Møtet {meeting.ref} er avlyst; saka går til neste "
                    "møte.", case=case, meeting=meeting, reason=reason)
    meeting.status = MeetingStatus.CANCELLED
    meeting.next_check_at = None
    meeting.agenda_changed_at = uow.now
    close_deadlines(uow, kinds=(DeadlineKind.NOTICE,), meeting=meeting, cancelled=True)
    uow.journal(actor, "meeting.cancel",
                f"Møtet {meeting_label(uow, meeting)} er avlyst"
                + (f"; sakene {', '.join(moved)} går til neste møte." if moved else "."),
                meeting=meeting, reason=reason, role=(Role.DIRECTOR, Role.STAFF, Role.CHAIR))
    return meeting


def freeze_agenda(uow: UnitOfWork, actor: Actor, meeting: Meeting) -> bool:
    """Freeze and number a meeting's agenda (innkalling). Returns False if already done."""
    if meeting.status != MeetingStatus.PLANNED:
        if actor.is_system:
            meeting.next_check_at = None
            return False
        raise RuleViolation(
            f"Møtet {meeting.ref} er alt {_status_label(meeting)}; sakslista kan ikkje "
            "frysast på nytt.", "Sjå `tingflyt meeting show` for sakslista.", field="meeting")
    body = meeting.body
    session = uow.session
    _add_standing_items(uow, actor, meeting)
    items = list(session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)))
    cases = {c.id: c for c in session.scalars(select(Case).where(
        Case.id.in_([i.case_id for i in items if i.case_id is not None])))}

    def order(item: AgendaItem) -> tuple[int, int, int, int]:
        section = [AgendaSection.STANDING, AgendaSection.CASES, AgendaSection.INFORMATION]
        kind_rank = 0 if item.kind == AgendaItemKind.MINUTES_APPROVAL else 1
        return (section.index(AgendaSection(item.section)), kind_rank, item.position, item.id)

    year = meeting.day.year
    numbered = []
    for position, item in enumerate(sorted(items, key=order), start=1):
        item.position = position
        item.year = year
        item.number = uow.next_number(f"agenda:{body.id}", year)
        numbered.append(item)
    late = uow.today > meeting.notice_date
    meeting.status = MeetingStatus.NOTIFIED
    meeting.notified_at = uow.now
    meeting.notice_late = late
    # Look again the day after the meeting: every case on it should have an outcome by then.
    meeting.next_check_at = meeting.ends_at + OUTCOME_GRACE
    meeting.agenda_changed_at = uow.now
    close_deadlines(uow, kinds=(DeadlineKind.NOTICE,), meeting=meeting)
    lines = []
    for item in numbered:
        label = agenda_number(body.agenda_prefix, item.number, item.year)
        case = cases.get(item.case_id) if item.case_id else None
        lines.append(f"{label} {case.number if case else item.title}")
    summary = (f"Innkalling sendt og sakslista fryst for {meeting_label(uow, meeting)}: "
               f"{len(numbered)} punkt ({', '.join(lines) if lines else 'tom saksliste'}).")
    uow.journal(actor, "meeting.notice", summary, meeting=meeting,
                data={"items": lines, "late": late}, role=(Role.DIRECTOR, Role.STAFF))
    for case in cases.values():
        uow.journal(actor, "case.numbered",
                    f"Fekk utvalssaksnummer {_label_for(body, items, case)} i "
                    f"{meeting_label(uow, meeting)}.", case=case, meeting=meeting)
    if late:
        uow.alert(
            f"notice-late:{meeting.id}", AlertKind.NOTICE_LATE,
            f"Innkallinga til {meeting_label(uow, meeting)} gjekk ut {format_date(uow.today)}, "
            f"etter fristen {format_date(meeting.notice_date)} ({body.notice_days} dagar før "
            "møtet). Vurder om møtet må flyttast, eller om saker må utsetjast.",
            recipients=leaders(uow), severity="critical", meeting=meeting)
    return True


def _label_for(body: Body, items: list[AgendaItem], case: Case) -> str:
    item = next(i for i in items if i.case_id == case.id)
    return agenda_number(body.agenda_prefix, item.number, item.year) or "?"


def _status_label(meeting: Meeting) -> str:
    from domain.rules.terms import MEETING_STATUS_LABELS

    return MEETING_STATUS_LABELS[MeetingStatus(meeting.status)]


def _add_standing_items(uow: UnitOfWork, actor: Actor, meeting: Meeting) -> None:
    """Approval of the last minutes, and every unreported urgency decision for this body."""
    session = uow.session
    # Minutes of every earlier meeting of this body that no other agenda approves yet (meetings
    # can be added out of order, so "the last meeting" is not enough).
    approved = select(AgendaItem.related_meeting_id).where(
        AgendaItem.kind == AgendaItemKind.MINUTES_APPROVAL,
        AgendaItem.related_meeting_id.is_not(None))
    earlier = session.scalars(
        select(Meeting).where(Meeting.body_id == meeting.body_id,
                              Meeting.starts_at < meeting.starts_at,
                              Meeting.status.in_([MeetingStatus.NOTIFIED, MeetingStatus.HELD]),
                              Meeting.id.not_in(approved))
        .order_by(Meeting.starts_at)).all()
    for previous in earlier:
        session.add(AgendaItem(
            meeting_id=meeting.id, body_id=meeting.body_id, case_id=None,
            kind=AgendaItemKind.MINUTES_APPROVAL, section=AgendaSection.STANDING, position=0,
            title=(f"Godkjenning av protokoll frå skriftleg handsaming "
                   f"{format_date(previous.day)} ({previous.ref})"
                   if previous.kind == MeetingKind.WRITTEN else
                   f"Godkjenning av møtebok frå møtet {format_date(previous.day)}"),
            related_meeting_id=previous.id, placed_at=uow.now, placed_by=actor.id))
    # A report of an urgency decision must be on the body's next agenda (KL § 11-8 (1)).
    # One set on a later meeting's agenda is moved here: the agenda is not frozen without it.
    reports = list(session.scalars(select(Case).where(
        Case.kind == CaseKind.URGENCY_REPORT, Case.current_body_id == meeting.body_id,
        Case.state.in_([CaseState.REGISTERED, CaseState.RECOMMENDED, CaseState.ON_AGENDA]))))
    for report in reports:
        step = "place"
        if report.state == CaseState.ON_AGENDA:
            other = session.get(Meeting, report.agenda_meeting_id)
            if other is None or other.id == meeting.id or other.status != MeetingStatus.PLANNED \
                    or other.starts_at <= meeting.starts_at:
                continue
            take_off_agenda(uow, report, "flytte")
            step = "move"
        report.hold = False
        report.hold_reason = None
        place_on_agenda(uow, actor, report, meeting, reason="Melding om hastevedtak skal stå på "
                        "neste møte (kommunelova § 11-8 (1)).", step=step)
    uow.flush()


def section_for(case: Case) -> AgendaSection:
    if case.kind == CaseKind.URGENCY_REPORT:
        return AgendaSection.STANDING
    if case.kind == CaseKind.INFORMATION:
        return AgendaSection.INFORMATION
    return AgendaSection.CASES


def place_on_agenda(uow: UnitOfWork, actor: Actor, case: Case, meeting: Meeting, *,
                    reason: str | None = None, step: str = "place") -> AgendaItem:
    """Put a case on an open agenda: the lifecycle step ``place`` (or ``move``)."""
    from domain.rules.lifecycle import check

    if case.state in (CaseState.REGISTERED,) and CaseKind(case.kind) in NO_PREPARATION:
        case.state = check("skip_preparation", CaseState(case.state), case.number)
    position = (uow.session.scalar(select(func.max(AgendaItem.position)).where(
        AgendaItem.meeting_id == meeting.id)) or 0) + 1
    item = AgendaItem(meeting_id=meeting.id, body_id=meeting.body_id, case_id=case.id,
                      kind=AgendaItemKind.CASE, section=section_for(case), position=position,
                      title=None, placed_at=uow.now, placed_by=actor.id)
    uow.session.add(item)
    case.state = check(step, CaseState(case.state), case.number)
    case.agenda_meeting_id = meeting.id
    case.updated_at = uow.now
    meeting.agenda_changed_at = uow.now  # bumps the meeting's version: races with a freeze
    verb = "Flytta til" if step == "move" else "Sett på"
    uow.journal(actor, f"case.{step}", f"{verb} sakslista til {meeting_label(uow, meeting)}.",
                case=case, meeting=meeting, reason=reason, role=(Role.DIRECTOR, Role.STAFF))
    return item


def take_off_agenda(uow: UnitOfWork, case: Case, verb: str) -> Meeting:
    """Take a case off an open agenda. Refused once the notice has gone out."""
    meeting = uow.session.get(Meeting, case.agenda_meeting_id) if case.agenda_meeting_id \
        else None
    if meeting is None:
        raise IllegalTransition(f"Sak {case.number} står ikkje på noka saksliste.", "")
    if meeting.status != MeetingStatus.PLANNED:
        raise RuleViolation(
            f"Innkallinga til {meeting.ref} er sendt; ein kan ikkje {verb} sak {case.number} no.",
            "Saka må handsamast i møtet: møtet kan utsetje henne med vanleg fleirtal "
            "(kommunelova § 11-3), eller saka kan trekkjast med `tingflyt case withdraw`.",
            field="meeting")
    item = agenda_item_for(uow, case, meeting.id)
    if item is not None:
        uow.session.delete(item)
    meeting.agenda_changed_at = uow.now
    case.agenda_meeting_id = None
    return meeting


def meeting_is_over(meeting: Meeting, now: datetime) -> bool:
    return now >= meeting.ends_at
