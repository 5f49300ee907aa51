"""Staff commands on meetings: add an extra or urgent remote meeting, send the notice now, cancel.

"""

from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from domain.errors import InvalidInput, NotAllowed, RuleViolation
from domain.operations.agenda import freeze_agenda
from domain.operations.deadlines import close_deadlines
from domain.operations.meetings import create_meeting, status_label, wake_waiting_cases
from domain.rules.calendar import format_date
from domain.rules.lifecycle import check
from domain.rules.terms import (
    BodyKind,
    CaseState,
    DeadlineKind,
    MeetingKind,
    MeetingStatus,
    Role,
)
from domain.store.repositories import agenda_item_for, meeting_label
from domain.store.tables import Case, Meeting
from domain.store.uow import Actor, UnitOfWork, requires


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
    wake_waiting_cases(uow, body)
    return meeting


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
        raise RuleViolation(f"Møtet {meeting.ref} er alt {status_label(meeting)}.",
                            "Berre planlagde og innkalla møte kan avlysast.", field="meeting")

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
