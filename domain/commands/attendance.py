"""Commands for absence, substitutes' answers and attendance as it happened.

Sources: KL § 7-10, § 11-9, forvaltningslova ch. II via KL § 11-10. In the council the mayor's
substitute is the deputy mayor of the same municipality: the organisation file lists her first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import time
from typing import Any

from sqlalchemy import select

from domain.commands.fields import CaseNumber, Clock, MeetingRef, PersonId, described
from domain.commands.registry import SWEEP, CommandInput, command
from domain.errors import InvalidInput, RuleViolation
from domain.operations.agenda import position_of
from domain.operations.scopes import meeting_body
from domain.operations.substitutes import (
    Seat,
    call_next_substitute,
    presence_for,
    seats_of,
    sitting_substitute,
    substitutes_for,
    warn_quorum,
)
from domain.operations.written import fail_handling, handling_at
from domain.rules.access import CHAIR_OF_BODY, HERSELF, SECRETARIAT, Actor, Scope, allowed
from domain.rules.terms import AbsenceKind, MeetingKind, MeetingStatus, Role
from domain.store.repositories import meeting_label
from domain.store.tables import (
    Absence,
    Attendance,
    Ballot,
    Body,
    Case,
    Meeting,
    Person,
    Proposal,
    SubstituteCall,
)
from domain.store.uow import UnitOfWork


class ReportAbsence(CommandInput):
    """Melde forfall: heile møtet, delar av det, eller inhabil i ei sak (report absence)."""

    meeting: MeetingRef
    person: PersonId
    kind: AbsenceKind = described("meeting (heile møtet), part (del av møtet) eller case "
                                  "(inhabil i ei sak)", "whole meeting, part of it, or one case "
                                  "(recused)", default=AbsenceKind.MEETING)
    from_item: str | None = described("Frå punkt (t.d. «RR 14/26»)", "from agenda item",
                                      default=None)
    to_item: str | None = described("Til og med punkt", "to agenda item", default=None)
    from_time: Clock | None = described("Frå klokka", "from time", default=None)
    to_time: Clock | None = described("Til klokka", "to time", default=None)
    case: CaseNumber | None = described("Saka medlemen er inhabil i", "the case she is "
                                        "recused in", default=None)
    reason: str | None = described("Grunnen (intern)", "reason (internal)", default=None,
                                   max_length=2000)


def _person_scope(uow: UnitOfWork, data: Any) -> Scope:
    return Scope(person=data.person)


@command("absence.report", ReportAbsence, what="melde forfall for andre", scope=_person_scope,
         allowed=allowed(HERSELF, SECRETARIAT), follows=[SWEEP])
def report_absence_command(uow: UnitOfWork, actor: Actor, data: ReportAbsence) -> Absence:
    """Meld forfall for heile møtet, delar av det, eller inhabil i ei sak."""
    return report_absence(
        uow, actor, data.meeting, data.person, kind=data.kind, from_item=data.from_item,
        to_item=data.to_item, from_time=data.from_time, to_time=data.to_time,
        case_number=data.case, reason=data.reason)


class AnswerCall(CommandInput):
    """Svare på innkalling som varamedlem (a substitute's answer)."""

    meeting: MeetingRef
    person: PersonId
    accept: bool = described("Ja (true) eller nei (false)", "yes or no")


@command("substitute.answer", AnswerCall, what="svare for varamedlemen", scope=_person_scope,
         allowed=allowed(HERSELF, SECRETARIAT), follows=[SWEEP])
def answer_call_command(uow: UnitOfWork, actor: Actor, data: AnswerCall) -> SubstituteCall:
    """Varamedlemen (eller sekretariatet for henne) seier ja eller nei."""
    return answer_call(uow, actor, data.meeting, data.person, accept=data.accept)


def _seat(uow: UnitOfWork, meeting: Meeting, person_id: str) -> Seat:
    for seat in seats_of(uow, meeting.body_id):
        if seat.member_id == person_id:
            return seat
    person = uow.people.get(person_id, field="person")
    raise RuleViolation(f"{person.name} er ikkje medlem av {meeting.body.name}.",
                        "Meld forfall for eit medlem av organet (sjå [cmd:org.show]).",
                        field="person")


def open_meeting(uow: UnitOfWork, ref: str) -> Meeting:
    meeting = uow.meetings.get(ref)
    not_written(meeting)
    if meeting.status in (MeetingStatus.HELD, MeetingStatus.CANCELLED) \
            or uow.now >= meeting.ends_at:
        raise RuleViolation(f"Møtet {meeting.ref} er over eller avlyst.",
                            "Forfall og varamedlemer gjeld møte som ikkje er haldne enno.",
                            field="meeting")
    return meeting


def not_written(meeting: Meeting) -> None:
    """Written handling has no attendance, no absence and no substitutes: every member answers
    (KL § 11-8 (2))."""
    if meeting.kind == MeetingKind.WRITTEN:
        raise RuleViolation(
            f"{meeting.ref} er ei skriftleg handsaming, ikkje eit møte: alle medlemene svarar "
            "sjølve, og saka er vedteken berre om alle seier ja (kommunelova § 11-8 (2)).",
            "Før svara med [cmd:written.answer]; ein medlem som er inhabil, melder det med "
            "[cmd:absence.report|meeting=<handsaming>|kind=case].", field="meeting")


def _meeting_for_recusal(uow: UnitOfWork, ref: str) -> Meeting:
    """Recusal may be raised before the meeting and in it, until the case is decided; in a
    written handling, until the handling is over (it then ends the handling)."""
    meeting = uow.meetings.get(ref)
    if meeting.status == MeetingStatus.CANCELLED:
        raise RuleViolation(f"Møtet {meeting.ref} er avlyst.", "Inhabilitet vert meld for eit "
                            "møte som skal haldast.", field="meeting")
    return meeting


def report_absence(
    uow: UnitOfWork,
    actor: Actor,
    ref: str,
    person_id: str,
    *,
    kind: str = "meeting",
    from_item: str | None = None,
    to_item: str | None = None,
    from_time: time | None = None,
    to_time: time | None = None,
    case_number: str | None = None,
    reason: str | None = None,
) -> Absence:
    """Meld forfall for a whole meeting, part of it, or one case (inhabil, with the reason).

    For a whole or partial absence the engine asks the seat's substitutes in their order.
    """
    meeting = _meeting_for_recusal(uow, ref) if kind == "case" else open_meeting(uow, ref)
    person = uow.people.get(person_id, field="person")
    sitting = sitting_substitute(uow, meeting, person_id)
    # A substitute who sits for someone may be recused too; otherwise it is a member's seat.
    seat = sitting if kind == "case" and sitting is not None else _seat(uow, meeting, person_id)
    case = None
    start_pos = end_pos = None
    if kind == "case":
        if not case_number:
            raise InvalidInput("Inhabilitet gjeld ei bestemt sak.", "Legg til [field:case=<sak>].",
                               field="case")
        if not (reason or "").strip():
            raise InvalidInput("Grunnen til inhabiliteten manglar.",
                               "Legg til [field:reason] \"t.d. fvl. § 6 første ledd bokstav a: "
                               "part i saka\".", field="reason")
        case = uow.cases.get(case_number)
        if case.agenda_meeting_id != meeting.id:
            raise RuleViolation(f"Sak {case.number} står ikkje på sakslista til {meeting.ref}"
                                + (" (lenger)" if meeting.status == MeetingStatus.HELD else "")
                                + ".", "Inhabilitet vert meld for ei sak som skal handsamast i "
                                "møtet, før ho er avgjord.", field="case")
        if meeting.kind == MeetingKind.WRITTEN and meeting.status != MeetingStatus.NOTIFIED:
            raise RuleViolation(f"Den skriftlege handsaminga av sak {case.number} er over.",
                                "Inhabilitet vert meld medan handsaminga er i gang.",
                                field="case")
        voted = uow.session.scalars(select(Ballot.id).join(
            Proposal, Proposal.id == Ballot.proposal_id).where(
            Proposal.meeting_id == meeting.id, Proposal.case_id == case.id,
            Ballot.voter_id == person_id)).first()
        if voted is not None:
            raise RuleViolation(f"{person.name} har alt røysta i sak {case.number}.",
                                "Inhabilitet må avgjerast før røystinga; ei røysting som er "
                                "ført, kan ikkje endrast.", field="person")
    elif kind == "part":
        start_pos = position_of(uow, meeting, from_item, "from_item")
        end_pos = position_of(uow, meeting, to_item, "to_item")
        if start_pos is None and end_pos is None and from_time is None and to_time is None:
            raise InvalidInput("Forfall for delar av møtet treng frå/til.",
                               "Gje [field:from_item]/[field:to_item] (t.d. \"RR 14/26\") eller "
                               "[field:from_time]/[field:to_time] (klokkeslett).",
                               field="from_item")
        if start_pos is not None and end_pos is not None and end_pos < start_pos:
            raise InvalidInput("Siste punkt er før første punkt.", "Byt om [field:from_item] og "
                               "[field:to_item].", field="to_item")
    same = select(Absence).where(
        Absence.meeting_id == meeting.id, Absence.person_id == person_id,
        Absence.kind == kind, Absence.withdrawn_at.is_(None))
    same = same.where(Absence.case_id == case.id) if case else same.where(
        Absence.case_id.is_(None))
    time_note = None
    if kind == "part" and (from_time or to_time):
        time_note = f"kl. {from_time:%H:%M}" if from_time else "frå start"
        time_note += f"-{to_time:%H:%M}" if to_time else " og ut møtet"
    if kind == "part":
        # Coming late and leaving early are two partial absences; the same range twice is not.
        if time_note is not None:
            same = same.where(Absence.reason.like(f"%{time_note}"))
        same = same.where(Absence.from_position.is_(start_pos) if start_pos is None
                          else Absence.from_position == start_pos,
                          Absence.to_position.is_(end_pos) if end_pos is None
                          else Absence.to_position == end_pos)
    existing = uow.session.scalars(same).first()
    if existing is not None:
        raise RuleViolation(f"{person.name} har alt meldt dette forfallet til {meeting.ref}.",
                            "Sjå [cmd:absence.list] for forfall og varamedlemer.",
                            field="person")
    absence = Absence(
        meeting_id=meeting.id, person_id=person_id, kind=kind,
        case_id=case.id if case else None, from_position=start_pos, to_position=end_pos,
        reason=(reason or "").strip() or None, reported_by=actor.id, reported_at=uow.now)
    if kind == "part" and (from_time or to_time):
        absence.reason = f"{absence.reason + '; ' if absence.reason else ''}{time_note}"
    uow.session.add(absence)
    uow.flush()
    what = {"meeting": "heile møtet", "part": "delar av møtet",
            "case": f"sak {case.number if case else ''} (inhabil)"}[kind]
    uow.journal(actor, "absence.report", f"{person.name} har forfall til {what} i "
                f"{meeting_label(uow, meeting)}.", meeting=meeting, case=case,
                reason=absence.reason, role=(Role.DIRECTOR, Role.STAFF, Role.MEMBER))
    if meeting.kind == MeetingKind.WRITTEN:
        _end_written_for_recusal(uow, actor, meeting, case, person)
        return absence
    if kind != "case" and seat.member_id == person_id:
        call_next_substitute(uow, meeting, absence, seat)
    warn_quorum(uow, meeting)
    return absence


def _end_written_for_recusal(uow: UnitOfWork, actor: Actor, meeting: Meeting,
                             case: Case | None, person: Person) -> None:
    """A recused member may not take part, and written handling needs every member's yes
    (KL § 11-8 (2)): the handling ends, and the case goes to a meeting, where a substitute can
    sit in the recused member's place."""

    assert case is not None
    handling = handling_at(uow, meeting)
    fail_handling(uow, actor, handling, case, meeting,
                  f"{person.name} er inhabil i saka, og skriftleg handsaming krev ja frå alle "
                  "medlemene (kommunelova § 11-8 (2)).")


def answer_call(uow: UnitOfWork, actor: Actor, ref: str, substitute_id: str, *,
                accept: bool) -> SubstituteCall:
    """A substitute (or the secretariat for her) accepts or declines; a decline asks the next."""
    meeting = open_meeting(uow, ref)
    call = uow.session.scalars(select(SubstituteCall).where(
        SubstituteCall.meeting_id == meeting.id, SubstituteCall.substitute_id == substitute_id,
        SubstituteCall.status == "asked")).first()
    if call is None:
        raise RuleViolation(f"{substitute_id} er ikkje spurd om å møte i {meeting.ref} no.",
                            "Sjå [cmd:absence.list] for kven som er spurd.",
                            field="person")
    person = uow.people.get(substitute_id)
    member = uow.session.get(Person, call.seat_id)
    call.answered_at = uow.now
    call.next_check_at = None
    if accept:
        call.status = "accepted"
        uow.journal(actor, "substitute.accept",
                    f"{person.name} møter for {member.name if member else call.seat_id} i "
                    f"{meeting_label(uow, meeting)}.", meeting=meeting)
    else:
        call.status = "declined"
        uow.journal(actor, "substitute.decline",
                    f"{person.name} kan ikkje møte for {member.name if member else call.seat_id}"
                    f" i {meeting_label(uow, meeting)}.", meeting=meeting)
        absence = uow.session.get_one(Absence, call.absence_id)
        seat = next(s for s in seats_of(uow, meeting.body_id) if s.member_id == call.seat_id)
        call_next_substitute(uow, meeting, absence, seat)
    warn_quorum(uow, meeting)
    return call


class RecordAttendance(CommandInput):
    """Føre frammøtet (record attendance as it happened)."""

    meeting: MeetingRef
    present: tuple[PersonId, ...] = described("Medlemer som møtte", "members present",
                                              default=())
    substitutes: dict[str, str] = described("Varamedlem -> medlemen ho møtte for",
                                            "substitute -> the member she sat for",
                                            default_factory=dict)
    arrived: dict[str, str] = described("Kom seinare: person -> første punkt",
                                        "came late: person -> first item", default_factory=dict)
    left: dict[str, str] = described("Gjekk tidlegare: person -> siste punkt",
                                     "left early: person -> last item", default_factory=dict)
    chair: PersonId = described("Møteleiaren", "who chaired the meeting")
    attendees: tuple[PersonId, ...] = described("Andre som møtte utan røysterett",
                                                "others present without a vote", default=())


@command("meeting.attend", RecordAttendance, what="føre frammøtet", scope=meeting_body,
         allowed=allowed(CHAIR_OF_BODY, SECRETARIAT))
def record_attendance_command(uow: UnitOfWork, actor: Actor,
                              data: RecordAttendance) -> list[Attendance]:
    """Før frammøtet slik det var."""
    return record_attendance(uow, actor, data.meeting, present=data.present,
                             substitutes=data.substitutes, arrived=data.arrived, left=data.left,
                             chair=data.chair, attendees=data.attendees)


def record_attendance(
    uow: UnitOfWork,
    actor: Actor,
    ref: str,
    *,
    present: Iterable[str],
    substitutes: Mapping[str, str] | None = None,
    arrived: Mapping[str, str] | None = None,
    left: Mapping[str, str] | None = None,
    chair: str,
    attendees: Iterable[str] = (),
) -> list[Attendance]:
    """Før frammøtet: who came (members, and substitutes with the seat they sat in), who came
    late or left early (by agenda item), who led the meeting, who attended without a vote."""
    meeting = uow.meetings.get(ref)
    not_written(meeting)
    if meeting.status not in (MeetingStatus.NOTIFIED, MeetingStatus.HELD):
        raise RuleViolation(f"Møtet {meeting.ref} er ikkje kalla inn.",
                            "Frammøte vert ført for møte som er lovleg kalla inn.",
                            field="meeting")
    if uow.now < meeting.starts_at:
        raise RuleViolation(f"Møtet {meeting.ref} har ikkje byrja.",
                            "Før frammøtet når møtet er i gang.", field="meeting")
    substitutes = dict(substitutes or {})
    present_set = list(dict.fromkeys(present))
    seats = {s.member_id: s for s in seats_of(uow, meeting.body_id)}
    occupied: dict[str, str] = {}
    known = set(uow.session.scalars(select(Person.id).where(
        Person.id.in_(present_set + list(substitutes)), Person.active.is_(True))))
    for person_id in present_set:
        if person_id not in known:
            uow.people.get(person_id, field="present")  # refuses, naming the unknown person
        if person_id not in seats:
            raise RuleViolation(f"{person_id} er ikkje medlem av {meeting.body.name}.",
                                "Varamedlemer førast med [field:substitutes] vara=medlem.",
                                field="present")
        occupied[person_id] = person_id
    for substitute_id, seat_id in substitutes.items():
        if substitute_id not in known:
            uow.people.get(substitute_id, field="substitute")
        if seat_id not in seats:
            raise RuleViolation(f"{seat_id} har ingen plass i {meeting.body.name}.",
                                "Skriv [field:substitutes] vara=medlem, der medlem er den som har "
                                "forfall.", field="substitute")
        if seat_id in occupied:
            raise RuleViolation(f"Plassen til {seat_id} er alt teken ({occupied[seat_id]}).",
                                "Ein plass kan berre ha éin person.", field="substitute")
        if substitute_id not in substitutes_for(uow, meeting.body_id, seats[seat_id]):
            raise RuleViolation(
                f"{substitute_id} er ikkje varamedlem for gruppa til {seat_id} "
                f"({seats[seat_id].municipality_id}) i {meeting.body.name}.",
                "Varamedlemer kjem frå same gruppe som medlemen med forfall (kommunelova "
                "§ 7-10).", field="substitute")
        occupied[seat_id] = substitute_id
    sitting = {person: seat for seat, person in occupied.items()}
    if chair not in sitting:
        raise RuleViolation(f"Møteleiaren {chair} er ikkje ført som til stades.",
                            "Møteleiaren må vere ein av dei som møter.", field="chair")
    arrived = dict(arrived or {})
    left = dict(left or {})
    for who, option in [(w, "arrived") for w in arrived] + [(w, "left") for w in left]:
        if who not in sitting:
            raise InvalidInput(f"{who} i --{option} er ikkje ført som til stades.",
                               "Før personen i [field:present] eller [field:substitutes] først.",
                               field=option)
    _check_chair(uow, meeting.body, chair, [p for p in sitting if p not in arrived])
    # What has been voted on stands: a new record of attendance may add who came late or
    # left after the items already handled, but not change who was there for them.
    voted = list(uow.session.scalars(select(Case).where(Case.id.in_(
        select(Proposal.case_id).where(Proposal.meeting_id == meeting.id)))))
    before = {case.number: presence_for(uow, meeting, case) for case in voted}
    for old in uow.session.scalars(select(Attendance).where(
            Attendance.meeting_id == meeting.id)):
        uow.session.delete(old)
    uow.flush()
    rows = []
    for person_id, seat_id in sitting.items():
        rows.append(Attendance(
            meeting_id=meeting.id, person_id=person_id, seat_id=seat_id,
            role="member" if person_id == seat_id else "substitute",
            from_position=position_of(uow, meeting, arrived.get(person_id), "arrived"),
            to_position=position_of(uow, meeting, left.get(person_id), "left"),
            chair=person_id == chair, recorded_by=actor.id, recorded_at=uow.now))
    for person_id in dict.fromkeys(attendees):
        if person_id in sitting:
            continue
        uow.people.get(person_id, field="attendees")
        rows.append(Attendance(meeting_id=meeting.id, person_id=person_id, seat_id=None,
                               role="attendee", from_position=None, to_position=None,
                               chair=False, recorded_by=actor.id, recorded_at=uow.now))
    uow.session.add_all(rows)
    uow.flush()
    for case in voted:
        now = presence_for(uow, meeting, case)
        was = before[case.number]
        if (now.sitting, now.chair) != (was.sitting, was.chair):
            raise RuleViolation(
                f"Det nye frammøtet endrar kven som var med i sak {case.number}, som det alt er "
                "røysta over; ei røysting som er ført, står (kommunelova § 11-9).",
                "Endre berre det som gjeld punkt etter dei som er handsama, t.d. [field:left] "
                "person=\"<siste punkt personen var med på>\".", field="present")
    if meeting.status == MeetingStatus.NOTIFIED:
        meeting.status = MeetingStatus.HELD
    meeting.agenda_changed_at = uow.now
    absent = sorted(set(seats) - set(occupied))
    uow.journal(actor, "meeting.attendance",
                f"Frammøte ført for {meeting_label(uow, meeting)}: {len(sitting)} av {len(seats)} "
                f"plassar dekte"
                + (f", {len(substitutes)} varamedlem(er)" if substitutes else "")
                + (f"; ikkje møtt: {', '.join(absent)}" if absent else "") + ".",
                meeting=meeting, data={"sitting": sitting, "chair": chair},
                role=(Role.CHAIR, Role.DEPUTY_CHAIR, Role.DIRECTOR, Role.STAFF))
    return rows


def _check_chair(uow: UnitOfWork, body: Body, chair: str, from_start: list[str]) -> None:
    """The leader chairs; if she is not there, the deputy leader; if neither is, the body
    elects someone to chair among those present."""
    for leader, title in ((body.chair_id, "leiaren"), (body.deputy_chair_id, "nestleiaren")):
        if leader is None or leader not in from_start:
            continue
        if chair != leader:
            person = uow.session.get(Person, leader)
            named = uow.session.get(Person, chair)
            raise RuleViolation(
                f"{named.name if named else chair} kan ikkje leie møtet: {title} i {body.name}, "
                f"{person.name if person else leader}, er til stades og leier det.",
                f"Gje [field:chair={leader}]. Ein annan møteleiar vert vald berre når verken "
                "leiaren eller nestleiaren er til stades.", field="chair")
        return
