"""Staff commands on meetings: add an extra or urgent remote meeting, send the notice now, cancel.

"""

from __future__ import annotations

from domain.commands.fields import Clock, Day, Line, MaybeLine, MeetingRef, described
from domain.commands.registry import SWEEP, CommandInput, command
from domain.errors import InvalidInput, RuleViolation
from domain.operations.agenda import freeze_agenda
from domain.operations.deadlines import close_deadlines
from domain.operations.invitations import (
    meeting_cancellation,
    meeting_update,
    minutes_to_members,
)
from domain.operations.meetings import (
    create_meeting,
    reschedule_meeting,
    status_label,
    wake_waiting_cases,
)
from domain.operations.scopes import meeting_body
from domain.rules.access import LEADER_OF_BODY, SECRETARIAT, Actor, Scope, allowed
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
from domain.store.rule_values import agenda_item_for, meeting_label
from domain.store.tables import Meeting
from domain.store.uow import UnitOfWork


class AddMeeting(CommandInput):
    """Leggje til eit ekstra møte eller eit hastefjernmøte (add an extra or urgent meeting)."""

    body: Line = described("Organ-id, t.d. council", "body id, e.g. council", min_length=1)
    date: Day = described("Møtedato", "meeting day")
    start: Clock | None = described("Starttid", "start time", default=None)
    end: Clock | None = described("Sluttid", "end time", default=None)
    place: MaybeLine = described("Møtestad", "place", default=None, max_length=300)
    remote: bool = described("Fjernmøte (KL § 11-7)", "remote meeting", default=False)
    urgent: bool = described("Hastefjernmøte med kortare varsel (KL § 11-8 (3))",
                             "urgent remote meeting with shorter notice", default=False)
    reason: MaybeLine = described("Kvifor møtet trengst", "why the meeting is needed",
                                   default=None, max_length=2000)


def _body_scope(uow: UnitOfWork, data: AddMeeting) -> Scope:
    body = uow.bodies.get(data.body)
    return Scope(body=body.id, body_name=body.name)


@command("meeting.add", AddMeeting, what="kalle inn til møte", scope=_body_scope,
         allowed=allowed(SECRETARIAT, LEADER_OF_BODY), follows=[SWEEP])
def add_meeting(uow: UnitOfWork, actor: Actor, data: AddMeeting) -> Meeting:
    """Add an extra meeting (ordinary notice) or an urgent remote meeting (shorter notice)."""
    day, start, end, place, remote, urgent, reason = (
        data.date, data.start, data.end, data.place, data.remote, data.urgent, data.reason)
    body = uow.bodies.get(data.body)
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
                               "Legg til [field:reason] \"kvifor saka ikkje kan vente\".",
                               field="reason")
    if remote and not body.remote_meetings:
        raise RuleViolation(f"{body.name} har ikkje opna for fjernmøte (kommunelova § 11-7).",
                            "Ta vekk [field:remote], eller opne for fjernmøte i organisasjonsfila.",
                            field="remote")
    if not remote and not (place or body.default_place):
        raise InvalidInput("Møtet manglar stad.", "Legg til [field:place] \"...\".", field="place")
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


class IssueNotice(CommandInput):
    """Sende innkallinga no (send the notice now)."""

    meeting: MeetingRef


@command("meeting.notice", IssueNotice, what="sende innkalling", allowed=allowed(SECRETARIAT))
def issue_notice(uow: UnitOfWork, actor: Actor, data: IssueNotice) -> Meeting:
    """Send the notice now: freeze and number the agenda before the notice day."""
    meeting = uow.meetings.get(data.meeting)
    if uow.now >= meeting.starts_at:
        raise RuleViolation(f"Møtet {meeting.ref} har alt vore ({format_date(meeting.day)}); "
                            "det er for seint å kalle det inn.",
                            f"Avlys det med [cmd:meeting.cancel|meeting={meeting.ref}].",
                            field="meeting")
    freeze_agenda(uow, actor, meeting)
    return meeting


class CancelMeeting(CommandInput):
    """Avlyse eit møte (cancel a meeting)."""

    meeting: MeetingRef
    reason: Line = described("Kvifor møtet vert avlyst", "why it is cancelled", default="",
                            max_length=2000)


@command("meeting.cancel", CancelMeeting, what="avlyse møtet", scope=meeting_body,
         allowed=allowed(SECRETARIAT, LEADER_OF_BODY), follows=[SWEEP])
def cancel_meeting(uow: UnitOfWork, actor: Actor, data: CancelMeeting) -> Meeting:
    """Avlyse eit møte. Its cases go back to the engine, which places them on the next
    meeting; agenda numbers already given are not used again."""
    reason = data.reason
    meeting = uow.meetings.get(data.meeting)
    if not reason:
        raise InvalidInput("Grunnen til at møtet vert avlyst manglar.",
                           "Legg til [field:reason] \"...\".", field="reason")
    if meeting.status in (MeetingStatus.HELD, MeetingStatus.CANCELLED):
        raise RuleViolation(f"Møtet {meeting.ref} er alt {status_label(meeting)}.",
                            "Berre planlagde og innkalla møte kan avlysast.", field="meeting")

    moved = []
    for case in uow.cases.on_agenda_of(meeting.id):
        if meeting.status == MeetingStatus.PLANNED:
            item = agenda_item_for(uow, case, meeting.id)
            if item is not None:
                uow.delete(item)
        case.state = check("remove_from_agenda", CaseState(case.state), case.number)
        case.agenda_meeting_id = None
        case.updated_at = uow.now
        case.next_check_at = uow.now
        moved.append(case.number)
        uow.journal(actor, "case.unplace", f"Møtet {meeting.ref} er avlyst; saka går til neste "
                    "møte.", case=case, meeting=meeting, reason=reason)
    meeting.status = MeetingStatus.CANCELLED
    meeting_cancellation(uow, meeting, reason)
    meeting.next_check_at = None
    meeting.agenda_changed_at = uow.now
    close_deadlines(uow, kinds=(DeadlineKind.NOTICE,), meeting=meeting, cancelled=True)
    uow.journal(actor, "meeting.cancel",
                f"Møtet {meeting_label(uow, meeting)} er avlyst"
                + (f"; sakene {', '.join(moved)} går til neste møte." if moved else "."),
                meeting=meeting, reason=reason, role=(Role.DIRECTOR, Role.STAFF, Role.CHAIR))
    return meeting


class SendMinutes(CommandInput):
    """Sende møteboka til medlemene (send the minutes to the members)."""

    meeting: MeetingRef


@command("meeting.send_minutes", SendMinutes, what="sende møteboka", scope=meeting_body,
         allowed=allowed(SECRETARIAT, LEADER_OF_BODY))
def send_minutes(uow: UnitOfWork, actor: Actor, data: SendMinutes) -> Meeting:
    """Send the minutes of a held meeting to its members, once every case on it has its
    outcome: they are then final for sending (the body approves them at its next meeting)."""
    meeting = uow.meetings.get(data.meeting)
    if meeting.minutes_sent_at is not None:
        raise RuleViolation(
            f"Møteboka for {meeting.ref} vart send "
            f"{uow.calendar.local(meeting.minutes_sent_at):%d.%m.%Y kl. %H:%M}.",
            f"Sjå meldingane med [cmd:outbox.list|meeting={meeting.ref}].", field="meeting")
    if meeting.status != MeetingStatus.HELD:
        raise RuleViolation(f"Møtet {meeting.ref} er {status_label(meeting)}; berre eit halde "
                            "møte har ei møtebok å sende.",
                            "Før oppmøtet og utfalla først.", field="meeting")
    waiting = [c.number for c in uow.cases.on_agenda_of(meeting.id, state=CaseState.ON_AGENDA,
                                                         ordered=True)]
    if waiting:
        raise RuleViolation(f"Utfallet er ikkje ført for sak {', '.join(waiting)} i "
                            f"{meeting.ref}; møteboka er ikkje ferdig.",
                            "Før utfallet med [cmd:case.vote] eller [cmd:case.decide] først.",
                            field="meeting")
    sent = minutes_to_members(uow, meeting)
    meeting.minutes_sent_at = uow.now
    uow.journal(actor, "meeting.send_minutes",
                f"Møteboka for {meeting_label(uow, meeting)} er send til {sent} mottakarar.",
                meeting=meeting, role=(Role.DIRECTOR, Role.STAFF, Role.CHAIR))
    return meeting


class ChangeMeeting(CommandInput):
    """Endre tid, stad eller fjernmøte for eit møte (change a meeting's time, place or remote)."""

    meeting: MeetingRef
    start: Clock | None = described("Ny starttid", "new start time", default=None)
    end: Clock | None = described("Ny sluttid", "new end time", default=None)
    place: MaybeLine = described("Ny møtestad", "new place", default=None, max_length=300)
    remote: bool | None = described("Fjernmøte (KL § 11-7): ja eller nei", "remote meeting: yes "
                                    "or no", default=None)
    reason: MaybeLine = described("Kvifor det vert endra", "why it changes", default=None,
                                  max_length=2000)


@command("meeting.change", ChangeMeeting, what="endre møtet", scope=meeting_body,
         allowed=allowed(SECRETARIAT, LEADER_OF_BODY))
def change_meeting(uow: UnitOfWork, actor: Actor, data: ChangeMeeting) -> Meeting:
    """Change the time, the place, or whether it is a remote meeting, on the same day (a meeting
    moved to another day needs a new notice: cancel it and add a new one). After the notice,
    everyone invited gets the changed notice with a new calendar SEQUENCE."""
    meeting = uow.meetings.get(data.meeting)
    if meeting.kind == MeetingKind.WRITTEN:
        raise RuleViolation(f"{meeting.ref} er ei skriftleg handsaming, ikkje eit møte.",
                            "Ei skriftleg handsaming har verken tid eller stad.",
                            field="meeting")
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.NOTIFIED) \
            or uow.now >= meeting.starts_at:
        raise RuleViolation(f"Møtet {meeting.ref} er {status_label(meeting)}"
                            + (" og har byrja" if meeting.status == MeetingStatus.NOTIFIED
                               else "") + "; det kan ikkje endrast no.",
                            "Berre eit møte som ikkje har byrja, kan endrast.", field="meeting")
    cal = uow.calendar
    old_start, old_end = cal.local(meeting.starts_at).time(), cal.local(meeting.ends_at).time()
    start = data.start or old_start
    end = data.end or old_end
    if end <= start:
        raise InvalidInput(f"Møtet sluttar kl. {end:%H:%M}, før det byrjar kl. {start:%H:%M}.",
                           "Gje ei [field:end] etter [field:start].", field="end")
    place = data.place if data.place is not None else meeting.place
    remote = data.remote if data.remote is not None else bool(meeting.remote)
    said: list[str] = []
    if (start, end) != (old_start, old_end):
        said.append(f"Ny tid: kl. {start:%H:%M}-{end:%H:%M} (var kl. {old_start:%H:%M}-"
                    f"{old_end:%H:%M}).")
    if place != meeting.place:
        said.append(f"Ny stad: {place or 'kjem seinare'}"
                    + (f" (var {meeting.place})." if meeting.place else "."))
    if remote != bool(meeting.remote):
        said.append("Møtet vert no halde som fjernmøte (kommunelova § 11-7)." if remote
                    else "Møtet vert no halde som fysisk møte, ikkje fjernmøte.")
    if not said:
        raise InvalidInput(f"Ingenting å endre: {meeting.ref} har alt denne tida og staden.",
                           "Gje [field:start], [field:end], [field:place] eller "
                           "[field:remote] med ein ny verdi.", field="meeting")
    reschedule_meeting(uow, meeting, start, end, place, remote)
    meeting.agenda_changed_at = uow.now
    uow.journal(actor, "meeting.change", f"{meeting_label(uow, meeting)} er endra. "
                + " ".join(said), meeting=meeting, reason=data.reason,
                role=(Role.DIRECTOR, Role.STAFF, Role.CHAIR))
    meeting_update(uow, meeting, said)
    return meeting
