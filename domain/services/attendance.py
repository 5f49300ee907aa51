"""Attendance: absence (forfall), substitutes (varamedlemer), recusal (inhabilitet), the quorum
forecast, and attendance as it happened.

Sources: domain.md sections 3 and 4; KL § 7-10 (substitutes from the absent member's own
group, in their numbered order), KL § 11-9 (quorum), forvaltningslova ch. II via KL § 11-10
(recusal). In the council the mayor's substitute is the deputy mayor of the same municipality:
the organisation file lists her first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta

from sqlalchemy import select

from domain.errors import InvalidInput, NotAllowed, NotFound, RuleViolation
from domain.rules.terms import AlertKind, MeetingKind, MeetingStatus, Role
from domain.rules.voting import quorum_needed
from domain.services.common import agenda_number, meeting_label
from domain.store.tables import (
    Absence,
    AgendaItem,
    Attendance,
    Ballot,
    Body,
    Case,
    Meeting,
    Membership,
    Municipality,
    Person,
    Proposal,
    SubstituteCall,
)
from domain.store.uow import SYSTEM_ACTOR, Actor, UnitOfWork, requires

#: How long a substitute has to answer before the next one is asked.
ANSWER_WINDOW = timedelta(days=2)
#: The last answer is wanted this long before the meeting starts.
ANSWER_MARGIN = timedelta(hours=2)

ABSENCE_KINDS = ("meeting", "part", "case")


# -- seats -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Seat:
    """A member's seat in a body, and the group (municipality) its substitutes come from."""

    member_id: str
    municipality_id: str


def seats_of(uow: UnitOfWork, body_id: str) -> list[Seat]:
    rows = uow.session.scalars(select(Membership).where(
        Membership.body_id == body_id, Membership.role == "member")
        .order_by(Membership.municipality_id, Membership.rank))
    return [Seat(m.person_id, m.municipality_id) for m in rows]


def substitutes_for(uow: UnitOfWork, body_id: str, seat: Seat) -> list[str]:
    """The seat's group's substitutes, in their numbered order."""
    rows = uow.session.scalars(select(Membership).where(
        Membership.body_id == body_id, Membership.role == "substitute",
        Membership.municipality_id == seat.municipality_id).order_by(Membership.rank))
    return [m.person_id for m in rows]


def _seat(uow: UnitOfWork, meeting: Meeting, person_id: str) -> Seat:
    for seat in seats_of(uow, meeting.body_id):
        if seat.member_id == person_id:
            return seat
    person = uow.person(person_id, field_name="person")
    raise RuleViolation(f"{person.name} er ikkje medlem av {meeting.body.name}.",
                        "Meld forfall for eit medlem av organet (sjå `tingflyt org show`).",
                        field="person")


def _open_meeting(uow: UnitOfWork, ref: str) -> Meeting:
    meeting = uow.meeting(ref)
    _not_written(meeting)
    if meeting.status in (MeetingStatus.HELD, MeetingStatus.CANCELLED) \
            or uow.now >= meeting.ends_at:
        raise RuleViolation(f"Møtet {meeting.ref} er over eller avlyst.",
                            "Forfall og varamedlemer gjeld møte som ikkje er haldne enno.",
                            field="meeting")
    return meeting


def _not_written(meeting: Meeting) -> None:
    """Written handling has no attendance, no absence and no substitutes: every member answers
    (KL § 11-8 (2))."""
    if meeting.kind == MeetingKind.WRITTEN:
        raise RuleViolation(
            f"{meeting.ref} er ei skriftleg handsaming, ikkje eit møte: alle medlemene svarar "
            "sjølve, og saka er vedteken berre om alle seier ja (kommunelova § 11-8 (2)).",
            "Før svara med `tingflyt written answer`; ein medlem som er inhabil, melder det med "
            "`tingflyt absence report <handsaming> --kind case`.", field="meeting")


def _meeting_for_recusal(uow: UnitOfWork, ref: str) -> Meeting:
    """Recusal may be raised before the meeting and in it, until the case is decided; in a
    written handling, until the handling is over (it then ends the handling)."""
    meeting = uow.meeting(ref)
    if meeting.status == MeetingStatus.CANCELLED:
        raise RuleViolation(f"Møtet {meeting.ref} er avlyst.", "Inhabilitet vert meld for eit "
                            "møte som skal haldast.", field="meeting")
    return meeting


def position_of(uow: UnitOfWork, meeting: Meeting, value: str | int | None,
                field_name: str) -> int | None:
    """An agenda item given as its number (``RR 14/26``), case number or position."""
    if value is None:
        return None
    items = list(uow.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)))
    text = str(value).strip()
    for item in items:
        label = agenda_number(meeting.body.agenda_prefix, item.number, item.year)
        if label is not None and label.replace(" ", "").lower() == text.replace(" ", "").lower():
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


# -- absence and substitutes ---------------------------------------------------------------

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
    if kind not in ABSENCE_KINDS:
        raise InvalidInput(f"Ukjend forfallstype «{kind}».",
                           "Bruk meeting (heile møtet), part (del av møtet) eller case "
                           "(inhabil i ei sak).", field="kind")
    meeting = _meeting_for_recusal(uow, ref) if kind == "case" else _open_meeting(uow, ref)
    if not actor.is_staff and actor.id != person_id:
        raise NotAllowed(f"{actor.name} kan berre melde forfall for seg sjølv.",
                         "Sekretariatet kan melde forfall på vegner av andre.", field="as")
    person = uow.person(person_id, field_name="person")
    sitting = _sitting_substitute(uow, meeting, person_id)
    # A substitute who sits for someone may be recused too; otherwise it is a member's seat.
    seat = sitting if kind == "case" and sitting is not None else _seat(uow, meeting, person_id)
    case = None
    start_pos = end_pos = None
    if kind == "case":
        if not case_number:
            raise InvalidInput("Inhabilitet gjeld ei bestemt sak.", "Legg til --case <sak>.",
                               field="case")
        if not (reason or "").strip():
            raise InvalidInput("Grunnen til inhabiliteten manglar.",
                               "Legg til --reason \"t.d. fvl. § 6 første ledd bokstav a: part i "
                               "saka\".", field="reason")
        case = uow.case(case_number)
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
                               "Gje --from-item/--to-item (t.d. \"RR 14/26\") eller "
                               "--from/--to (klokkeslett).", field="from_item")
        if start_pos is not None and end_pos is not None and end_pos < start_pos:
            raise InvalidInput("Siste punkt er før første punkt.", "Byt om --from-item og "
                               "--to-item.", field="to_item")
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
                            "Sjå `tingflyt absence list` for forfall og varamedlemer.",
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
    from domain.services.written import fail_handling, handling_at

    assert case is not None
    handling = handling_at(uow, meeting)
    fail_handling(uow, actor, handling, case, meeting,
                  f"{person.name} er inhabil i saka, og skriftleg handsaming krev ja frå alle "
                  "medlemene (kommunelova § 11-8 (2)).")


def recused_in(uow: UnitOfWork, meeting: Meeting, case: Case | None = None) -> set[str]:
    """Who has reported herself recused (inhabil) in ``meeting``: in ``case``, or in any case."""
    query = select(Absence.person_id).where(
        Absence.meeting_id == meeting.id, Absence.kind == "case", Absence.withdrawn_at.is_(None))
    if case is not None:
        query = query.where(Absence.case_id == case.id)
    return set(uow.session.scalars(query))


def leading(body: Body, meeting_chair: str | None, present: Iterable[str]) -> str | None:
    """Who leads among ``present``: the leader, else the deputy leader, else the one elected
    to chair the meeting; None when none of them is there (the body must elect someone)."""
    there = set(present)
    return next((p for p in (body.chair_id, body.deputy_chair_id, meeting_chair)
                 if p is not None and p in there), None)


def _sitting_substitute(uow: UnitOfWork, meeting: Meeting, person_id: str) -> Seat | None:
    call = uow.session.scalars(select(SubstituteCall).where(
        SubstituteCall.meeting_id == meeting.id, SubstituteCall.substitute_id == person_id,
        SubstituteCall.status == "accepted")).first()
    if call is None:
        return None
    return next((s for s in seats_of(uow, meeting.body_id) if s.member_id == call.seat_id), None)


def call_next_substitute(uow: UnitOfWork, meeting: Meeting, absence: Absence,
                         seat: Seat) -> SubstituteCall | None:
    """Ask the next substitute of the seat's group who has not been asked and is free.

    A seat has at most one substitute at a time: while one is asked or has said yes (say for
    part of the meeting, before the member reported the whole meeting), nobody else is asked.
    """
    active = uow.session.scalars(select(SubstituteCall).where(
        SubstituteCall.meeting_id == meeting.id, SubstituteCall.seat_id == seat.member_id,
        SubstituteCall.status.in_(("asked", "accepted")))).first()
    if active is not None:
        return active
    asked = set(uow.session.scalars(select(SubstituteCall.substitute_id).where(
        SubstituteCall.meeting_id == meeting.id)))
    away = set(uow.session.scalars(select(Absence.person_id).where(
        Absence.meeting_id == meeting.id, Absence.kind == "meeting",
        Absence.withdrawn_at.is_(None))))
    members = {s.member_id for s in seats_of(uow, meeting.body_id)}
    for rank, candidate in enumerate(substitutes_for(uow, meeting.body_id, seat), start=1):
        if candidate in asked or candidate in away or candidate in members:
            continue
        person = uow.session.get(Person, candidate)
        if person is None or not person.active:
            continue
        answer_by = min(uow.now + ANSWER_WINDOW, meeting.starts_at - ANSWER_MARGIN)
        answer_by = max(answer_by, uow.now)
        call = SubstituteCall(
            meeting_id=meeting.id, absence_id=absence.id, seat_id=seat.member_id,
            substitute_id=candidate, rank=rank, status="asked", asked_at=uow.now,
            answer_by=answer_by, next_check_at=answer_by)
        uow.session.add(call)
        uow.flush()
        member = uow.session.get(Person, seat.member_id)
        uow.journal(SYSTEM_ACTOR, "substitute.ask",
                    f"Varamedlem nr. {rank} {person.name} er spurd om å møte for "
                    f"{member.name if member else seat.member_id} i "
                    f"{meeting_label(uow, meeting)}; svar innan "
                    f"{uow.calendar.local(answer_by):%d.%m.%Y %H:%M}.", meeting=meeting)
        return call
    member = uow.session.get(Person, seat.member_id)
    message = (f"Ingen fleire varamedlemer å spørje for {member.name if member else seat.member_id}"
               f" i {meeting_label(uow, meeting)}; plassen står open.")
    uow.alert(f"seat-open:{meeting.id}:{seat.member_id}:{absence.id}", AlertKind.SEAT_OPEN,
              message, recipients=[uow.council.director_id], meeting=meeting)
    uow.journal(SYSTEM_ACTOR, "substitute.none", message, meeting=meeting)
    return None


def answer_call(uow: UnitOfWork, actor: Actor, ref: str, substitute_id: str, *,
                accept: bool) -> SubstituteCall:
    """A substitute (or the secretariat for her) accepts or declines; a decline asks the next."""
    meeting = _open_meeting(uow, ref)
    if not (actor.is_staff or actor.id == substitute_id):
        raise NotAllowed(f"{actor.name} kan ikkje svare for {substitute_id}.",
                         "Varamedlemen svarar sjølv, eller sekretariatet på vegner av henne.",
                         field="as")
    call = uow.session.scalars(select(SubstituteCall).where(
        SubstituteCall.meeting_id == meeting.id, SubstituteCall.substitute_id == substitute_id,
        SubstituteCall.status == "asked")).first()
    if call is None:
        raise RuleViolation(f"{substitute_id} er ikkje spurd om å møte i {meeting.ref} no.",
                            "Sjå `tingflyt absence list` for kven som er spurd.",
                            field="person")
    person = uow.person(substitute_id)
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


def process_call(uow: UnitOfWork, call: SubstituteCall) -> str | None:
    """No answer by the deadline counts as no: ask the next one (sweep)."""
    call.next_check_at = None
    if call.status != "asked" or uow.now < call.answer_by:
        call.next_check_at = call.answer_by if call.status == "asked" else None
        return None
    meeting = uow.session.get_one(Meeting, call.meeting_id)
    call.status = "expired"
    person = uow.session.get(Person, call.substitute_id)
    message = (f"{person.name if person else call.substitute_id} svarte ikkje innan fristen; "
               f"neste varamedlem vert spurd ({meeting.ref}).")
    uow.journal(SYSTEM_ACTOR, "substitute.expired", message, meeting=meeting)
    if meeting.status in (MeetingStatus.PLANNED, MeetingStatus.NOTIFIED) \
            and uow.now < meeting.starts_at:
        absence = uow.session.get_one(Absence, call.absence_id)
        seat = next(s for s in seats_of(uow, meeting.body_id) if s.member_id == call.seat_id)
        call_next_substitute(uow, meeting, absence, seat)
        warn_quorum(uow, meeting)
    return message


# -- the secretariat's overview and the quorum forecast ----------------------------------------

@dataclass
class SeatState:
    member_id: str
    municipality_id: str
    absence: str | None = None  # meeting | part | None
    absence_note: str | None = None
    substitute: str | None = None  # who sits instead (accepted)
    asked: str | None = None  # who is being asked now
    declined: list[str] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return self.absence is None or self.substitute is not None


def seat_states(uow: UnitOfWork, meeting: Meeting) -> list[SeatState]:
    absences = list(uow.session.scalars(select(Absence).where(
        Absence.meeting_id == meeting.id, Absence.withdrawn_at.is_(None),
        Absence.kind != "case")))
    calls = list(uow.session.scalars(select(SubstituteCall).where(
        SubstituteCall.meeting_id == meeting.id).order_by(SubstituteCall.id)))
    out = []
    for seat in seats_of(uow, meeting.body_id):
        state = SeatState(seat.member_id, seat.municipality_id)
        mine = [a for a in absences if a.person_id == seat.member_id]
        if mine:
            state.absence = "meeting" if any(a.kind == "meeting" for a in mine) else "part"
            state.absence_note = "; ".join(a.reason for a in mine if a.reason) or None
        for call in calls:
            if call.seat_id != seat.member_id:
                continue
            if call.status == "accepted":
                state.substitute = call.substitute_id
            elif call.status == "asked":
                state.asked = call.substitute_id
            else:
                state.declined.append(call.substitute_id)
        out.append(state)
    return out


def expected_present(uow: UnitOfWork, meeting: Meeting, case: Case | None = None) -> int:
    """How many seats are expected to be filled (for one case: without the recused).

    A partial absence counts as absent for the whole meeting in this forecast: it errs on the
    side of warning.
    """
    states = seat_states(uow, meeting)
    recused = recused_in(uow, meeting, case) if case is not None else set()
    count = 0
    for state in states:
        sitter = state.member_id if state.absence is None else state.substitute
        if sitter is not None and sitter not in recused:
            count += 1
    return count


def warn_quorum(uow: UnitOfWork, meeting: Meeting) -> list[str]:
    """Warn the secretariat when the meeting, or a case on it, risks lacking a quorum."""
    seats = len(seats_of(uow, meeting.body_id))
    needed = quorum_needed(seats)
    warnings = []
    present = expected_present(uow, meeting)
    if present < needed:
        warnings.append(f"{meeting_label(uow, meeting)}: berre {present} av {seats} plassar er "
                        f"dekte; minst {needed} trengst for å vere vedtaksføre.")
    for case in uow.session.scalars(select(Case).where(Case.agenda_meeting_id == meeting.id)):
        in_case = expected_present(uow, meeting, case)
        if in_case < needed <= present:
            warnings.append(f"Sak {case.number} i {meeting.ref}: berre {in_case} av {seats} kan "
                            f"vere med (inhabile medrekna); minst {needed} trengst.")
    for text in warnings:
        uow.alert(f"quorum:{meeting.id}:{text}", AlertKind.QUORUM_RISK,
                  f"Fare for at møtet ikkje er vedtaksføre (kommunelova § 11-9): {text}",
                  recipients=[uow.council.director_id], severity="critical", meeting=meeting)
    return warnings


# -- attendance as it happened -------------------------------------------------------------

@dataclass(frozen=True)
class Presence:
    """Who sits in a seat for one agenda item, and who leads the meeting for it."""

    seats: int
    sitting: dict[str, str]  # person -> seat (member id)
    chair: str | None
    recused: frozenset[str]


@requires(Role.CHAIR, Role.DEPUTY_CHAIR, Role.DIRECTOR, Role.STAFF)
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
    meeting = uow.meeting(ref)
    _not_written(meeting)
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
            uow.person(person_id, field_name="present")  # refuses, naming the unknown person
        if person_id not in seats:
            raise RuleViolation(f"{person_id} er ikkje medlem av {meeting.body.name}.",
                                "Varamedlemer førast med --substitute vara=medlem.",
                                field="present")
        occupied[person_id] = person_id
    for substitute_id, seat_id in substitutes.items():
        if substitute_id not in known:
            uow.person(substitute_id, field_name="substitute")
        if seat_id not in seats:
            raise RuleViolation(f"{seat_id} har ingen plass i {meeting.body.name}.",
                                "Skriv --substitute vara=medlem, der medlem er den som har "
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
                               "Før personen i --present eller --substitute først.",
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
        uow.person(person_id, field_name="attendees")
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
                "Endre berre det som gjeld punkt etter dei som er handsama, t.d. --left "
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
                f"Gje --chair {leader}. Ein annan møteleiar vert vald berre når verken "
                "leiaren eller nestleiaren er til stades.", field="chair")
        return


def chair_note(body: Body, chair_id: str | None, recused: Iterable[str]) -> str | None:
    """Why someone other than the leader chaired a case, for the minutes."""
    if chair_id is None or chair_id == body.chair_id:
        return None
    why = "var inhabil" if body.chair_id in set(recused) else "ikkje var til stades"
    if chair_id == body.deputy_chair_id:
        return f"nestleiaren leia saka fordi leiaren {why}"
    return "vald til møteleiar for saka fordi verken leiaren eller nestleiaren var med"


def presence_for(uow: UnitOfWork, meeting: Meeting, case: Case) -> Presence:
    """Who is present for ``case`` at ``meeting``: attendance covering its agenda position,
    without the recused. Refuses when no attendance has been recorded.

    The leader leads the case if she is with it, else the deputy leader; if neither is, the
    one elected to chair the meeting (recorded with the attendance) if she is with it; else
    ``chair`` is None and the body must elect someone for this case."""
    rows = list(uow.session.scalars(select(Attendance).where(
        Attendance.meeting_id == meeting.id)))
    if not rows:
        raise RuleViolation(f"Frammøtet til {meeting.ref} er ikkje ført.",
                            f"Før kven som møtte først: `tingflyt attend {meeting.ref} "
                            "--present ... --chair ...`.", field="meeting")
    item = uow.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id, AgendaItem.case_id == case.id)).first()
    position = item.position if item is not None else None
    recused = frozenset(recused_in(uow, meeting, case))
    sitting: dict[str, str] = {}
    meeting_chair = next((r.person_id for r in rows if r.chair), None)
    for row in rows:
        if row.seat_id is None:
            continue
        if position is not None and row.from_position is not None \
                and position < row.from_position:
            continue
        if position is not None and row.to_position is not None and position > row.to_position:
            continue
        if row.person_id in recused:
            continue
        sitting[row.person_id] = row.seat_id
    chair = leading(meeting.body, meeting_chair, sitting)
    return Presence(len(seats_of(uow, meeting.body_id)), sitting, chair, recused)


def seats_view(uow: UnitOfWork, meeting: Meeting, audience: str = "internal"
               ) -> dict[str, object]:
    """The secretariat's overview: each seat covered or open, and the quorum forecast. The
    reasons for absence are personal: the public version leaves them out."""
    from domain.services.views import PUBLIC, meeting_summary

    public = audience == PUBLIC
    states = seat_states(uow, meeting)
    recused_rows = list(uow.session.execute(select(Absence.case_id, Absence.person_id).where(
        Absence.meeting_id == meeting.id, Absence.kind == "case",
        Absence.withdrawn_at.is_(None))))
    ids = {s.member_id for s in states} | {s.substitute for s in states if s.substitute} | {
        s.asked for s in states if s.asked} | {d for s in states for d in s.declined} | {
        r.person_id for r in recused_rows}
    names = {p.id: p.name for p in uow.session.scalars(select(Person).where(
        Person.id.in_(ids)))}
    places = {m.id: m.short_name for m in uow.session.scalars(select(Municipality))}
    seats = len(states)
    cases = []
    for case in uow.session.scalars(select(Case).where(Case.agenda_meeting_id == meeting.id)
                                    .order_by(Case.year, Case.seq)):
        recused = [r.person_id for r in recused_rows if r.case_id == case.id]
        cases.append({"case": case.number, "expected": expected_present(uow, meeting, case),
                      "recused": recused,
                      "recused_names": [names.get(r, r) for r in recused]})
    expected = expected_present(uow, meeting)
    return {
        "meeting": meeting_summary(uow, meeting),
        "seats": [{
            "member": s.member_id, "member_name": names.get(s.member_id, s.member_id),
            "municipality": s.municipality_id,
            "municipality_name": places.get(s.municipality_id, s.municipality_id),
            "absence": s.absence,
            "note": None if public else s.absence_note,
            "substitute": s.substitute, "substitute_name": names.get(s.substitute or ""),
            "asked": s.asked, "asked_name": names.get(s.asked or ""),
            "declined": s.declined, "declined_names": [names.get(d, d) for d in s.declined],
            "covered": s.covered} for s in states],
        "quorum": {"seats": seats, "needed": quorum_needed(seats), "expected": expected,
                   "at_risk": expected < quorum_needed(seats), "cases": cases},
    }
