"""Commands for absence, substitutes' answers and attendance as it happened.

Sources: KL § 7-10, § 11-9, forvaltningslova ch. II via KL § 11-10. In the council the mayor's
substitute is the deputy mayor of the same municipality: the organisation file lists her first.
A member recused in one case gets a substitute for that case, the next in the same order, where
the body calls substitutes in for recusal (``substitute_for_recusal`` in the organisation file).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import time
from typing import Any

from domain.commands.fields import CaseNumber, Clock, MaybeLine, MeetingRef, PersonId, described
from domain.commands.registry import CommandInput, command
from domain.errors import InvalidInput, RuleViolation
from domain.operations.agenda import position_of
from domain.operations.invitations import substitute_joined
from domain.operations.outbox import absence_confirmation
from domain.operations.scopes import meeting_body
from domain.operations.substitutes import (
    Seat,
    call_next_substitute,
    presence_for,
    recused_in,
    seats_of,
    sitting_substitute,
    substitutes_for,
    warn_quorum,
    withdraw_yes,
)
from domain.operations.written import fail_handling, handling_at
from domain.rules.access import CHAIR_OF_BODY, HERSELF, SECRETARIAT, Actor, Scope, allowed
from domain.rules.terms import (
    AbsenceKind,
    AttendanceRole,
    CallStatus,
    MeetingKind,
    MeetingStatus,
    RecusalBasis,
    Role,
)
from domain.store.rule_values import meeting_label
from domain.store.tables import (
    Absence,
    Attendance,
    Body,
    Case,
    Meeting,
    Person,
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
    basis: RecusalBasis | None = described(
        "Heimelen for inhabiliteten, forvaltningslova § 6 (offentleg i møteboka): fvl6-1a part, "
        "fvl6-1b slekt, fvl6-1c ektefelle/sambuar, fvl6-1d verje/fullmektig, fvl6-1e leiar eller "
        "styremedlem i ein part, fvl6-2 andre særeigne forhold",
        "legal ground of the recusal, public in the minutes", default=None)
    reason: MaybeLine = described("Grunnen til forfallet, eller merknad til inhabiliteten "
                                  "(intern: aldri offentleg)", "reason or note (internal)",
                                  default=None, max_length=2000)


def _person_scope(uow: UnitOfWork, data: Any) -> Scope:
    return Scope(person=data.person)


@command("absence.report", ReportAbsence, what="melde forfall for andre", scope=_person_scope,
         allowed=allowed(HERSELF, SECRETARIAT))
def report_absence_command(uow: UnitOfWork, actor: Actor, data: ReportAbsence) -> Absence:
    """Meld forfall for heile møtet, delar av det, eller inhabil i ei sak."""
    return report_absence(
        uow, actor, data.meeting, data.person, kind=data.kind, from_item=data.from_item,
        to_item=data.to_item, from_time=data.from_time, to_time=data.to_time,
        case_number=data.case, reason=data.reason, basis=data.basis)


class AnswerCall(CommandInput):
    """Svare på innkalling som varamedlem (a substitute's answer)."""

    meeting: MeetingRef
    person: PersonId
    accept: bool = described("Ja (true) eller nei (false)", "yes or no")
    case: CaseNumber | None = described(
        "Berre innkallinga til denne saka (elles alle ho er spurd om i møtet)",
        "only the call for this case (else every call she has for the meeting)", default=None)


@command("substitute.answer", AnswerCall, what="svare for varamedlemen", scope=_person_scope,
         allowed=allowed(HERSELF, SECRETARIAT))
def answer_call_command(uow: UnitOfWork, actor: Actor, data: AnswerCall) -> SubstituteCall:
    """Varamedlemen (eller sekretariatet for henne) seier ja eller nei."""
    return answer_call(uow, actor, data.meeting, data.person, accept=data.accept,
                       case_number=data.case)


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
    kind: str = AbsenceKind.MEETING,
    from_item: str | None = None,
    to_item: str | None = None,
    from_time: time | None = None,
    to_time: time | None = None,
    case_number: str | None = None,
    reason: str | None = None,
    basis: RecusalBasis | None = None,
) -> Absence:
    """Meld forfall for a whole meeting, part of it, or one case (inhabil, with the reason).

    For a whole or partial absence the engine asks the seat's substitutes in their order; for a
    recusal reported before the meeting, where the body calls substitutes in for recusal, it
    asks the next free one for that case.
    """
    meeting = _meeting_for_recusal(uow, ref) if kind == AbsenceKind.CASE \
        else open_meeting(uow, ref)
    person = uow.people.get(person_id, field="person")
    sitting = sitting_substitute(uow, meeting, person_id)
    # A substitute who said yes to sit for someone may be recused, or fall ill, like a member.
    seat = sitting if sitting is not None else _seat(uow, meeting, person_id)
    if basis is not None and kind != AbsenceKind.CASE:
        raise InvalidInput("Ein heimel etter forvaltningslova § 6 gjeld inhabilitet i ei sak.",
                           "Ta vekk [field:basis], eller meld inhabilitet med "
                           "[field:kind=case] og [field:case].", field="basis")
    case = None
    start_pos = end_pos = None
    if kind == AbsenceKind.CASE:
        if not case_number:
            raise InvalidInput("Inhabilitet gjeld ei bestemt sak.", "Legg til [field:case=<sak>].",
                               field="case")
        if basis is None:
            grounds = ", ".join(f"{b.value} ({b.short})" for b in RecusalBasis)
            raise InvalidInput("Heimelen for inhabiliteten manglar: møteboka skal seie kvifor "
                               "(kommunelova § 11-4).",
                               f"Gje [field:basis], ein av: {grounds}. Ein merknad om kva som "
                               "ligg bak, går i [field:reason] (intern).", field="basis")
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
        if uow.votes.has_voted(meeting.id, case.id, person_id):
            raise RuleViolation(f"{person.name} har alt røysta i sak {case.number}.",
                                "Inhabilitet må avgjerast før røystinga; ei røysting som er "
                                "ført, kan ikkje endrast.", field="person")
    elif kind == AbsenceKind.PART:
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
        if from_time is not None and to_time is not None and to_time <= from_time:
            raise InvalidInput(f"Forfallet sluttar kl. {to_time:%H:%M}, før det byrjar "
                               f"kl. {from_time:%H:%M}.", "Byt om [field:from_time] og "
                               "[field:to_time], eller meld to forfall (kjem seint, går tidleg).",
                               field="to_time")
    time_note = None
    if kind == AbsenceKind.PART and (from_time or to_time):
        time_note = f"kl. {from_time:%H:%M}" if from_time else "frå start"
        time_note += f"-{to_time:%H:%M}" if to_time else " og ut møtet"
    # Coming late and leaving early are two partial absences; the same range twice is not.
    existing = uow.sitting.same_absence(
        meeting.id, person_id, AbsenceKind(kind), case_id=case.id if case else None,
        from_position=start_pos, to_position=end_pos, time_note=time_note)
    if existing is not None:
        raise RuleViolation(f"{person.name} har alt meldt dette forfallet til {meeting.ref}.",
                            "Sjå [cmd:absence.list] for forfall og varamedlemer.",
                            field="person")
    absence = Absence(
        meeting_id=meeting.id, person_id=person_id, kind=kind,
        case_id=case.id if case else None, from_position=start_pos, to_position=end_pos,
        basis=basis.value if kind == AbsenceKind.CASE and basis is not None else None,
        reason=(reason or "").strip() or None, reported_by=actor.id, reported_at=uow.now)
    if kind == AbsenceKind.PART and (from_time or to_time):
        absence.reason = f"{absence.reason + '; ' if absence.reason else ''}{time_note}"
    uow.add(absence)
    uow.flush()
    what = {AbsenceKind.MEETING: "heile møtet", AbsenceKind.PART: "delar av møtet",
            AbsenceKind.CASE: f"sak {case.number if case else ''} (inhabil)"}[AbsenceKind(kind)]
    uow.journal(actor, "absence.report", f"{person.name} har forfall til {what} i "
                f"{meeting_label(uow, meeting)}.", meeting=meeting, case=case,
                reason=absence.reason, role=(Role.DIRECTOR, Role.STAFF, Role.MEMBER))
    absence_confirmation(uow, meeting, absence, case)
    if meeting.kind == MeetingKind.WRITTEN:
        _end_written_for_recusal(uow, actor, meeting, case, person)
        return absence
    if kind == AbsenceKind.MEETING and seat.member_id != person_id:
        # She said yes for the whole meeting and cannot come: the next in order is asked.
        for call in uow.sitting.calls_to(meeting.id, person_id, CallStatus.ACCEPTED):
            if call.case_id is None:
                withdraw_yes(uow, actor, meeting, call, "meldt forfall")
        warn_quorum(uow, meeting)
        return absence
    if kind == AbsenceKind.CASE:
        calls = _calls_for_recusal(uow, meeting, seat, person_id)
    else:
        calls = seat.member_id == person_id
    if calls:
        call_next_substitute(uow, meeting, absence, seat)
    warn_quorum(uow, meeting)
    return absence


def _calls_for_recusal(uow: UnitOfWork, meeting: Meeting, seat: Seat, person_id: str) -> bool:
    """Is a substitute called in for the case a member (or the substitute sitting for her) is
    recused in? Before the meeting, where the body does so (organisation file:
    ``substitute_for_recusal``), and unless the member is away for the whole meeting (her seat's
    substitute then sits for the case too)."""
    if not meeting.body.substitute_for_recusal:
        return False
    if meeting.status not in (MeetingStatus.PLANNED, MeetingStatus.NOTIFIED) \
            or uow.now >= meeting.starts_at:
        return False
    if seat.member_id != person_id:
        return True  # the substitute sitting in the seat is recused: the next one is asked
    return not uow.sitting.is_away_from(meeting.id, person_id)


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
                accept: bool, case_number: str | None = None) -> SubstituteCall:
    """A substitute (or the secretariat for her) accepts or declines; a decline asks the next.

    She answers every call she has for the meeting (for the whole meeting, or for a case a
    member is recused in), or with ``case_number`` only the call for that case. The first
    answered call is returned: the one for the whole meeting if there is one.
    """
    meeting = open_meeting(uow, ref)
    case = uow.cases.get(case_number) if case_number is not None else None
    case_id = case.id if case is not None else None
    calls = sorted(uow.sitting.calls_to(meeting.id, substitute_id, CallStatus.ASKED, case_id),
                   key=lambda c: (c.case_id is not None, c.case_id or 0, c.id))
    if not calls and not accept:
        # She said yes before and takes it back: the seat is not left covered by a yes that no
        # longer stands.
        taken = sorted(uow.sitting.calls_to(meeting.id, substitute_id, CallStatus.ACCEPTED,
                                            case_id), key=lambda c: c.id)
        for call in taken:
            withdraw_yes(uow, actor, meeting, call, "tok attende jaet")
        if taken:
            warn_quorum(uow, meeting)
            return taken[0]
    if not calls:
        raise RuleViolation(f"{substitute_id} er ikkje spurd om å møte i {meeting.ref}"
                            + (f" i sak {case.number}" if case is not None else "") + " no.",
                            "Sjå [cmd:absence.list] for kven som er spurd.",
                            field="person")
    person = uow.people.get(substitute_id)
    seats = {s.member_id: s for s in seats_of(uow, meeting.body_id)}
    for call in calls:
        for_case = uow.cases.find(call.case_id)
        what = (f"{uow.people.name_of(call.seat_id)}"
                + (f" i sak {for_case.number}" if for_case is not None else "")
                + f" i {meeting_label(uow, meeting)}")
        call.answered_at = uow.now
        call.next_check_at = None
        if accept:
            call.status = CallStatus.ACCEPTED
            uow.journal(actor, "substitute.accept", f"{person.name} møter for {what}.",
                        meeting=meeting, case=for_case)
            substitute_joined(uow, meeting, call, for_case)
        else:
            call.status = CallStatus.DECLINED
            uow.journal(actor, "substitute.decline", f"{person.name} kan ikkje møte for {what}.",
                        meeting=meeting, case=for_case)
            absence = uow.sitting.absence(call.absence_id)
            call_next_substitute(uow, meeting, absence, seats[call.seat_id])
    warn_quorum(uow, meeting)
    return calls[0]


class RecordAttendance(CommandInput):
    """Føre frammøtet (record attendance as it happened)."""

    meeting: MeetingRef
    present: tuple[PersonId, ...] = described("Medlemer som møtte", "members present",
                                              default=())
    substitutes: dict[str, str] = described("Varamedlem -> medlemen ho møtte for",
                                            "substitute -> the member she sat for",
                                            default_factory=dict)
    case_substitutes: dict[CaseNumber, dict[PersonId, PersonId]] = described(
        "Varamedlem som sat for ein inhabil medlem i éi sak: sak -> {varamedlem: medlemen "
        "ho sat for}", "substitute seated for a recused member in one case: case -> "
        "{substitute: the recused member whose seat she took}", default_factory=dict)
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
                             chair=data.chair, attendees=data.attendees,
                             case_substitutes=data.case_substitutes)


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
    case_substitutes: Mapping[str, Mapping[str, str]] | None = None,
) -> list[Attendance]:
    """Før frammøtet: who came (members, and substitutes with the seat they sat in), who came
    late or left early (by agenda item), who led the meeting, who attended without a vote, and
    which substitute sat for one case in the seat of a member recused in it (case -> substitute
    -> seat)."""
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
    by_case = {number: dict(pairs) for number, pairs in (case_substitutes or {}).items()}
    known = uow.people.active_ids(present_set + list(substitutes)
                                  + [sub for pairs in by_case.values() for sub in pairs])
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
    for_cases = _case_seats(uow, meeting, by_case, seats, occupied, known)
    # What has been voted on stands: a new record of attendance may add who came late or
    # left after the items already handled, but not change who was there for them.
    voted = uow.cases.voted_in(meeting.id)
    before = {case.number: presence_for(uow, meeting, case) for case in voted}
    uow.sitting.clear_attendance(meeting.id)
    # A substitute seated for one case: a row of her own with that case (and the seat she took).
    rows = [Attendance(meeting_id=meeting.id, person_id=person_id, seat_id=seat_id,
                       case_id=case.id, role=AttendanceRole.SUBSTITUTE, from_position=None,
                       to_position=None, chair=False, recorded_by=actor.id,
                       recorded_at=uow.now)
            for case, person_id, seat_id in for_cases]
    for person_id, seat_id in sitting.items():
        rows.append(Attendance(
            meeting_id=meeting.id, person_id=person_id, seat_id=seat_id,
            role=AttendanceRole.MEMBER if person_id == seat_id else AttendanceRole.SUBSTITUTE,
            from_position=position_of(uow, meeting, arrived.get(person_id), "arrived"),
            to_position=position_of(uow, meeting, left.get(person_id), "left"),
            chair=person_id == chair, recorded_by=actor.id, recorded_at=uow.now))
    for person_id in dict.fromkeys(attendees):
        if person_id in sitting:
            continue
        uow.people.get(person_id, field="attendees")
        rows.append(Attendance(meeting_id=meeting.id, person_id=person_id, seat_id=None,
                               role=AttendanceRole.ATTENDEE, from_position=None, to_position=None,
                               chair=False, recorded_by=actor.id, recorded_at=uow.now))
    uow.add_all(rows)
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
    in_cases = "; ".join(f"{person} for {seat} i sak {case.number}"
                         for case, person, seat in for_cases)
    uow.journal(actor, "meeting.attendance",
                f"Frammøte ført for {meeting_label(uow, meeting)}: {len(sitting)} av {len(seats)} "
                f"plassar dekte"
                + (f", {len(substitutes)} varamedlem(er)" if substitutes else "")
                + (f"; ikkje møtt: {', '.join(absent)}" if absent else "")
                + (f"; varamedlem for inhabile: {in_cases}" if in_cases else "") + ".",
                meeting=meeting,
                data={"sitting": sitting, "chair": chair,
                      **({"case_substitutes": {case.number: {person: seat}
                                               for case, person, seat in for_cases}}
                         if for_cases else {})},
                role=(Role.CHAIR, Role.DEPUTY_CHAIR, Role.DIRECTOR, Role.STAFF))
    return rows


def _case_seats(uow: UnitOfWork, meeting: Meeting, by_case: Mapping[str, Mapping[str, str]],
                seats: Mapping[str, Seat], occupied: Mapping[str, str],
                known: set[str]) -> list[tuple[Case, str, str]]:
    """The substitutes seated for one case each, checked: the body calls substitutes in for
    recusal, the case is on this agenda, the seat is a member's who is recused in it (or the
    recused substitute's who holds it), and the substitute is of the seat's group (KL § 7-10),
    free, and takes one seat in the case."""
    field = "case_substitutes"
    if not any(by_case.values()):
        return []
    body = meeting.body
    if not body.substitute_for_recusal:
        raise RuleViolation(
            f"{body.name} kallar ikkje inn varamedlem for inhabile (organisasjonsfila: "
            "substitute_for_recusal = false); plassen til den inhabile står tom i saka.",
            f"Ta vekk [field:{field}], eller set substitute_for_recusal = true på organet i "
            "organisasjonsfila og køyr [cmd:init] på nytt.", field=field)
    sitting_whole = {person: seat for seat, person in occupied.items()}
    out: list[tuple[Case, str, str]] = []
    for number, pairs in by_case.items():
        case = uow.cases.get(number, field=field)
        if uow.agenda.item_for(case.id, meeting.id) is None:
            raise RuleViolation(f"Sak {case.number} står ikkje på sakslista til {meeting.ref}.",
                                f"Varamedlem for ein inhabil vert ført for ei sak i møtet; sjå "
                                f"[cmd:meeting.show|meeting={meeting.ref}].", field=field)
        recused = recused_in(uow, meeting, case)
        taken: dict[str, str] = {}
        for substitute_id, seat_id in pairs.items():
            if substitute_id not in known:
                uow.people.get(substitute_id, field=field)  # refuses, naming the unknown
            if seat_id not in seats:
                raise RuleViolation(f"{seat_id} har ingen plass i {body.name}.",
                                    f"Skriv [field:{field}] sak -> vara=medlem, der medlem er "
                                    "den som er inhabil i saka.", field=field)
            holder = occupied.get(seat_id)
            if seat_id not in recused and holder not in recused:
                raise RuleViolation(
                    f"{seat_id} er ikkje meld inhabil i sak {case.number}; plassen kan ikkje "
                    "takast av ein varamedlem for saka.",
                    "Meld inhabiliteten først: [cmd:absence.report|meeting="
                    f"{meeting.ref}|person={seat_id}|kind=case|case={case.number}|reason=...].",
                    field=field)
            if holder is not None and holder not in recused:
                raise RuleViolation(
                    f"Plassen til {seat_id} er teken av {holder} for heile møtet, og {holder} er "
                    f"ikkje inhabil i sak {case.number}.", "Ein plass kan berre ha éin person.",
                    field=field)
            if seat_id in taken:
                raise RuleViolation(f"Plassen til {seat_id} i sak {case.number} er alt teken "
                                    f"({taken[seat_id]}).", "Ein plass kan berre ha éin person.",
                                    field=field)
            if substitute_id in seats or substitute_id in sitting_whole:
                raise RuleViolation(
                    f"{substitute_id} sit alt i møtet"
                    + (f" (for {sitting_whole[substitute_id]})"
                       if sitting_whole.get(substitute_id, substitute_id) != substitute_id
                       else "") + f"; ho kan ikkje ta plassen til {seat_id} i sak "
                    f"{case.number} òg.", "Ein person har éin plass.", field=field)
            if substitute_id not in substitutes_for(uow, body.id, seats[seat_id]):
                raise RuleViolation(
                    f"{substitute_id} er ikkje varamedlem for gruppa til {seat_id} "
                    f"({seats[seat_id].municipality_id}) i {body.name}.",
                    "Varamedlemer kjem frå same gruppe som medlemen som er inhabil (kommunelova "
                    "§ 7-10).", field=field)
            taken[seat_id] = substitute_id
            out.append((case, substitute_id, seat_id))
    return out


def _check_chair(uow: UnitOfWork, body: Body, chair: str, from_start: list[str]) -> None:
    """The leader chairs; if she is not there, the deputy leader; if neither is, the body
    elects someone to chair among those present."""
    for leader, title in ((body.chair_id, "leiaren"), (body.deputy_chair_id, "nestleiaren")):
        if leader is None or leader not in from_start:
            continue
        if chair != leader:
            raise RuleViolation(
                f"{uow.people.name_of(chair)} kan ikkje leie møtet: {title} i {body.name}, "
                f"{uow.people.name_of(leader)}, er til stades og leier det.",
                f"Gje [field:chair={leader}]. Ein annan møteleiar vert vald berre når verken "
                "leiaren eller nestleiaren er til stades.", field="chair")
        return
