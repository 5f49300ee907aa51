"""Agendas: place a case, take it off, freeze and number the agenda with its standing items, and
the rule-driven placement the engine and the staff share.

The notice date is the meeting day minus the body's notice period in calendar days, moved
earlier off Saturdays, Sundays and public holidays (``domain.rules.calendar``). At notice time
the agenda is frozen and numbered (``RR 12/26``) with the standing items first: approval of the
last minutes and reports of urgency decisions, then the cases, then the items for information.
"""

from __future__ import annotations

import re

from domain.errors import (
    IllegalTransition,
    NotFound,
    RuleViolation,
)
from domain.operations.deadlines import close_deadlines
from domain.operations.invitations import meeting_notice
from domain.operations.meetings import OUTCOME_GRACE, status_label
from domain.operations.paths import closed_meeting_required
from domain.rules.access import Actor
from domain.rules.agenda import minutes_approval_title, order_key, section_for
from domain.rules.calendar import format_date
from domain.rules.lifecycle import check
from domain.rules.numbering import agenda_number, same_agenda_number
from domain.rules.scheduling import (
    NO_PREPARATION,
    next_meeting,
)
from domain.rules.terms import (
    AgendaItemKind,
    AgendaSection,
    AlertKind,
    CaseKind,
    CaseState,
    DeadlineKind,
    MeetingKind,
    MeetingStatus,
    Role,
)
from domain.store.rule_values import agenda_item_for, leaders, meeting_label, upcoming_slots
from domain.store.tables import (
    AgendaItem,
    Body,
    Case,
    Meeting,
)
from domain.store.uow import UnitOfWork


def freeze_agenda(uow: UnitOfWork, actor: Actor, meeting: Meeting) -> bool:
    """Freeze and number a meeting's agenda (innkalling). Returns False if already done."""
    if meeting.status != MeetingStatus.PLANNED:
        if actor.is_system:
            meeting.next_check_at = None
            return False
        raise RuleViolation(
            f"Møtet {meeting.ref} er alt {status_label(meeting)}; sakslista kan ikkje "
            "frysast på nytt.", "Sjå [cmd:meeting.show] for sakslista.", field="meeting")
    body = meeting.body
    _add_standing_items(uow, actor, meeting)
    items = uow.agenda.items_of(meeting.id)
    cases = uow.cases.by_ids(i.case_id for i in items if i.case_id is not None)

    def order(item: AgendaItem) -> tuple[int, int, int, int]:
        return order_key(item.section, item.kind, item.position, item.id)

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
    uow.flush()  # the numbered agenda, as the messages will read it
    meeting_notice(uow, meeting)
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


def _add_standing_items(uow: UnitOfWork, actor: Actor, meeting: Meeting) -> None:
    """Approval of the last minutes, and every unreported urgency decision for this body."""
    # Minutes of every earlier meeting of this body that no other agenda approves yet (meetings
    # can be added out of order, so "the last meeting" is not enough).
    for previous in uow.meetings.minutes_unapproved_before(meeting):
        add_item(uow, actor, meeting, kind=AgendaItemKind.MINUTES_APPROVAL, position=0,
                 title=minutes_approval_title(previous.day, previous.ref,
                                              written=previous.kind == MeetingKind.WRITTEN),
                 related_meeting=previous)
    # A report of an urgency decision must be on the body's next agenda (KL § 11-8 (1)).
    # One set on a later meeting's agenda is moved here: the agenda is not frozen without it.
    for report in uow.cases.unreported_urgency(meeting.body_id):
        step = "place"
        if report.state == CaseState.ON_AGENDA:
            other = uow.meetings.find(report.agenda_meeting_id)
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


def add_item(uow: UnitOfWork, actor: Actor, meeting: Meeting, *, case: Case | None = None,
             kind: AgendaItemKind = AgendaItemKind.CASE, position: int | None = None,
             title: str | None = None, related_meeting: Meeting | None = None,
             numbered: bool = False) -> AgendaItem:
    """The one way an item comes onto an agenda: a case (in its section, last in the order of
    placing) or a standing item. ``numbered`` gives it its agenda number at once: for an agenda
    already frozen (a case taken up in the meeting) or a written handling."""
    if position is None:
        position = uow.agenda.last_position(meeting.id) + 1
    section = section_for(CaseKind(case.kind)) if case is not None else AgendaSection.STANDING
    item = AgendaItem(meeting_id=meeting.id, body_id=meeting.body_id,
                      case_id=case.id if case is not None else None, kind=kind,
                      section=section, position=position, title=title,
                      related_meeting_id=related_meeting.id if related_meeting else None,
                      placed_at=uow.now, placed_by=actor.id)
    if numbered:
        item.year = meeting.day.year
        item.number = uow.next_number(f"agenda:{meeting.body_id}", item.year)
    uow.add(item)
    return item


def place_on_agenda(uow: UnitOfWork, actor: Actor, case: Case, meeting: Meeting, *,
                    reason: str | None = None, step: str = "place") -> AgendaItem:
    """Put a case on an open agenda: the lifecycle step ``place`` (or ``move``)."""

    if case.state in (CaseState.REGISTERED,) and CaseKind(case.kind) in NO_PREPARATION:
        case.state = check("skip_preparation", CaseState(case.state), case.number)
    item = add_item(uow, actor, meeting, case=case)
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
    meeting = uow.meetings.find(case.agenda_meeting_id)
    if meeting is None:
        raise IllegalTransition(f"Sak {case.number} står ikkje på noka saksliste.", "")
    if meeting.status != MeetingStatus.PLANNED:
        raise RuleViolation(
            f"Innkallinga til {meeting.ref} er sendt; ein kan ikkje {verb} sak {case.number} no.",
            "Saka må handsamast i møtet: møtet kan utsetje henne med vanleg fleirtal "
            "(kommunelova § 11-3), eller saka kan trekkjast med [cmd:case.withdraw].",
            field="meeting")
    item = agenda_item_for(uow, case, meeting.id)
    if item is not None:
        uow.delete(item)
    meeting.agenda_changed_at = uow.now
    case.agenda_meeting_id = None
    return meeting


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
        last = last_treatment_meeting(uow, case)
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
        body = uow.bodies.get(case.current_body_id)
        uow.alert(f"no-meeting:{case.id}:{body.id}:{state.value}", AlertKind.NO_MEETING,
                  f"Sak {case.number} er klar for saksliste, men det finst ikkje noko ope møte i "
                  f"{body.name}. Legg til møte ([cmd:meeting.add]).",
                  recipients=[uow.council.director_id], case=case)
        return None
    meeting = uow.meetings.get(target.ref)
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


def last_treatment_meeting(uow: UnitOfWork, case: Case) -> Meeting | None:

    return uow.meetings.last_treated(case.id)


def check_report_target(uow: UnitOfWork, case: Case, meeting_ref: str | None,
                         remove: bool) -> None:
    """A report of an urgency decision goes on the body's next meeting whose agenda is still
    open, and stays there (KL § 11-8 (1))."""
    body = uow.bodies.get(case.current_body_id)
    following = uow.meetings.next_open(body.id, uow.now)
    where = f"neste møte i {body.name}" + (f", {following.ref}" if following else "")
    if remove:
        raise RuleViolation(
            f"Sak {case.number} er ei melding om hastevedtak og kan ikkje takast av sakslista: "
            f"ho skal leggjast fram i {where} (kommunelova § 11-8 (1)).",
            "La henne stå; meldinga vert teken til orientering i møtet.", field="remove")
    if meeting_ref is None or following is None:
        return
    meeting = uow.meetings.get(meeting_ref)
    if meeting.id != following.id:
        raise RuleViolation(
            f"Sak {case.number} er ei melding om hastevedtak; ho skal leggjast fram i {where}, "
            f"ikkje i {meeting.ref} (kommunelova § 11-8 (1)).",
            f"Bruk [field:meeting={following.ref}].", field="meeting")


def position_of(uow: UnitOfWork, meeting: Meeting, value: str | int | None,
                field_name: str) -> int | None:
    """An agenda item given as its number (``RR 14/26``), case number or position."""
    if value is None:
        return None
    items = uow.agenda.items_of(meeting.id, ordered=True)
    text = str(value).strip()
    for item in items:
        label = agenda_number(meeting.body.agenda_prefix, item.number, item.year)
        if same_agenda_number(label, text):
            return item.position
        if item.case is not None and item.case.number == text:
            return item.position
    if re.fullmatch(r"\d+", text) and any(i.position == int(text) for i in items):
        return int(text)
    known = ", ".join(agenda_number(meeting.body.agenda_prefix, i.number, i.year) or
                      str(i.position) for i in items) or "ingen punkt enno"
    raise NotFound(f"Fann ikkje punktet «{value}» på sakslista til {meeting.ref}.",
                   f"Bruk utvalssaksnummer eller saksnummer; sakslista har: {known}.",
                   field=field_name)
