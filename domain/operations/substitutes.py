"""Seats, substitutes and presence: who sits for whom, who is asked next, the quorum forecast, who
is present for an item.

A substitute is called in for the whole meeting (a member away) or for one case (a member
recused in it, where the body's ``substitute_for_recusal`` says so): the same numbered order of
the same group. The counting itself is the pure rules in ``domain.rules.sitting``.

Sources: KL § 7-10 (substitutes from the absent member's own group, in their numbered order),
KL § 11-9 (quorum), forvaltningslova ch. II via KL § 11-10 (recusal).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from domain.errors import RuleViolation
from domain.operations.outbox import substitute_call_in
from domain.rules.access import SYSTEM_ACTOR, Actor
from domain.rules.sitting import Sitting, leading, present_for_item
from domain.rules.sitting import expected_present as seats_expected
from domain.rules.terms import AbsenceKind, AlertKind, CallStatus, MeetingStatus
from domain.rules.voting import quorum_needed
from domain.store.rule_values import meeting_label
from domain.store.tables import (
    Absence,
    Case,
    Meeting,
    SubstituteCall,
)
from domain.store.uow import UnitOfWork

#: How long a substitute has to answer before the next one is asked.
ANSWER_WINDOW = timedelta(days=2)


#: The last answer is wanted this long before the meeting starts.
ANSWER_MARGIN = timedelta(hours=2)

#: A call that still stands: asked and waiting, or said yes.
ACTIVE = (CallStatus.ASKED, CallStatus.ACCEPTED)


@dataclass(frozen=True)
class Seat:
    """A member's seat in a body, and the group (municipality) its substitutes come from."""

    member_id: str
    municipality_id: str


def seats_of(uow: UnitOfWork, body_id: str) -> list[Seat]:
    return [Seat(m.person_id, m.municipality_id) for m in uow.bodies.members(body_id)]


def substitutes_for(uow: UnitOfWork, body_id: str, seat: Seat) -> list[str]:
    """The seat's group's substitutes, in their numbered order."""
    return uow.bodies.substitute_ids(body_id, seat.municipality_id)


def recused_in(uow: UnitOfWork, meeting: Meeting, case: Case | None = None) -> set[str]:
    """Who has reported herself recused (inhabil) in ``meeting``: in ``case``, or in any case."""
    return uow.sitting.recused(meeting.id, case.id if case is not None else None)


def sitting_substitute(uow: UnitOfWork, meeting: Meeting, person_id: str) -> Seat | None:
    """The seat a substitute sits in for the whole meeting (she said yes), if any."""
    call = uow.sitting.seat_taken_by(meeting.id, person_id)
    if call is None:
        return None
    return next((s for s in seats_of(uow, meeting.body_id) if s.member_id == call.seat_id), None)


def call_next_substitute(uow: UnitOfWork, meeting: Meeting, absence: Absence,
                         seat: Seat) -> SubstituteCall | None:
    """Ask the next substitute of the seat's group who has not been asked and is free: for the
    whole meeting, or, when ``absence`` is a recusal, for that one case.

    A seat has at most one substitute at a time (for the meeting, or for a case): while one is
    asked or has said yes (say for part of the meeting, before the member reported the whole
    meeting), nobody else is asked.
    """
    case_id = absence.case_id if absence.kind == AbsenceKind.CASE else None
    calls = uow.sitting.calls_of(meeting.id)
    active = next((c for c in calls if c.seat_id == seat.member_id and c.case_id == case_id
                   and c.status in ACTIVE), None)
    if active is not None:
        return active
    if case_id is None:
        # Asked for the meeting before; said no (or nothing) when asked for a case; or asked
        # or sitting for another seat in some case. One asked for a case in this very seat
        # may take the seat for the whole meeting.
        busy = {c.substitute_id for c in calls if c.case_id is None} | {
            c.substitute_id for c in calls if c.case_id is not None
            and (c.status not in ACTIVE or c.seat_id != seat.member_id)}
    else:
        # Asked for the meeting (she sits, or said no to it), or asked for this case already.
        busy = {c.substitute_id for c in calls if c.case_id is None or c.case_id == case_id}
    away = uow.sitting.away_from(meeting.id)
    members = {s.member_id for s in seats_of(uow, meeting.body_id)}
    case = uow.cases.find(case_id)
    if case is not None and case.agenda_meeting_id != meeting.id:
        return None  # the case has left this meeting's agenda: no one is needed for it here
    for_case = f" i sak {case.number}" if case is not None else ""
    member_name = uow.people.name_of(seat.member_id)
    for rank, candidate in enumerate(substitutes_for(uow, meeting.body_id, seat), start=1):
        if candidate in busy or candidate in away or candidate in members:
            continue
        person = uow.people.find(candidate)
        if person is None or not person.active:
            continue
        answer_by = min(uow.now + ANSWER_WINDOW, meeting.starts_at - ANSWER_MARGIN)
        answer_by = max(answer_by, uow.now)
        call = SubstituteCall(
            meeting_id=meeting.id, absence_id=absence.id, seat_id=seat.member_id,
            substitute_id=candidate, case_id=case_id, rank=rank, status=CallStatus.ASKED,
            asked_at=uow.now, answer_by=answer_by, next_check_at=answer_by)
        uow.add(call)
        uow.flush()
        uow.journal(SYSTEM_ACTOR, "substitute.ask",
                    f"Varamedlem nr. {rank} {person.name} er spurd om å møte for "
                    f"{member_name}{for_case} i {meeting_label(uow, meeting)}; svar innan "
                    f"{uow.calendar.local(answer_by):%d.%m.%Y %H:%M}.", meeting=meeting,
                    case=case)
        substitute_call_in(uow, meeting, call, case)
        return call
    message = (f"Ingen fleire varamedlemer å spørje for {member_name}{for_case}"
               f" i {meeting_label(uow, meeting)}; plassen står open"
               + (" i saka." if case is not None else "."))
    uow.alert(f"seat-open:{meeting.id}:{seat.member_id}:{absence.id}", AlertKind.SEAT_OPEN,
              message, recipients=[uow.council.director_id], meeting=meeting, case=case)
    uow.journal(SYSTEM_ACTOR, "substitute.none", message, meeting=meeting, case=case)
    return None


def withdraw_yes(uow: UnitOfWork, actor: Actor, meeting: Meeting, call: SubstituteCall,
                 why: str) -> None:
    """A substitute who said yes cannot come after all: her yes is withdrawn and the next in
    the seat's order is asked (she is not asked again for this meeting)."""
    call.status = CallStatus.WITHDRAWN
    call.next_check_at = None
    case = uow.cases.find(call.case_id)
    what = (f"{uow.people.name_of(call.seat_id)}"
            + (f" i sak {case.number}" if case is not None else "")
            + f" i {meeting_label(uow, meeting)}")
    uow.journal(actor, "substitute.withdraw",
                f"{uow.people.name_of(call.substitute_id)} kan likevel ikkje møte for {what} "
                f"({why}); neste varamedlem vert spurd.", meeting=meeting, case=case)
    seat = next(s for s in seats_of(uow, meeting.body_id) if s.member_id == call.seat_id)
    call_next_substitute(uow, meeting, uow.sitting.absence(call.absence_id), seat)


def process_call(uow: UnitOfWork, call: SubstituteCall) -> str | None:
    """No answer by the deadline counts as no: ask the next one (sweep)."""
    call.next_check_at = None
    if call.status != CallStatus.ASKED or uow.now < call.answer_by:
        call.next_check_at = call.answer_by if call.status == CallStatus.ASKED else None
        return None
    meeting = uow.meetings.by_id(call.meeting_id)
    call.status = CallStatus.EXPIRED
    case = uow.cases.find(call.case_id)
    message = (f"{uow.people.name_of(call.substitute_id)} svarte ikkje innan fristen; "
               f"neste varamedlem vert spurd ({meeting.ref}"
               + (f", sak {case.number})." if case is not None else ")."))
    uow.journal(SYSTEM_ACTOR, "substitute.expired", message, meeting=meeting, case=case)
    if meeting.status in (MeetingStatus.PLANNED, MeetingStatus.NOTIFIED) \
            and uow.now < meeting.starts_at:
        absence = uow.sitting.absence(call.absence_id)
        seat = next(s for s in seats_of(uow, meeting.body_id) if s.member_id == call.seat_id)
        call_next_substitute(uow, meeting, absence, seat)
        warn_quorum(uow, meeting)
    return message


@dataclass
class SeatState:
    member_id: str
    municipality_id: str
    absence: str | None = None  # meeting | part | None
    absence_note: str | None = None
    substitute: str | None = None  # who sits instead (accepted)
    asked: str | None = None  # who is being asked now
    declined: list[str] = field(default_factory=list)
    #: For a member recused in a case: case id -> the substitute who said yes for it, and the
    #: one being asked now.
    case_substitutes: dict[int, str] = field(default_factory=dict)
    case_asked: dict[int, str] = field(default_factory=dict)

    @property
    def covered(self) -> bool:
        return self.absence is None or self.substitute is not None

    @property
    def sitter(self) -> str | None:
        """Who is expected in the seat for the meeting: the member, else her substitute."""
        return self.member_id if self.absence is None else self.substitute


def seat_states(uow: UnitOfWork, meeting: Meeting) -> list[SeatState]:
    """Each seat: the member's absence for the meeting (a part counts), who sits instead or is
    asked, who said no; and the substitutes for the cases she is recused in."""
    absences = uow.sitting.absences_from_meeting(meeting.id)
    calls = uow.sitting.calls_of(meeting.id)
    out = []
    for seat in seats_of(uow, meeting.body_id):
        state = SeatState(seat.member_id, seat.municipality_id)
        mine = [a for a in absences if a.person_id == seat.member_id]
        if mine:
            state.absence = AbsenceKind.MEETING if any(
                a.kind == AbsenceKind.MEETING for a in mine) else AbsenceKind.PART
            state.absence_note = "; ".join(a.reason for a in mine if a.reason) or None
        for call in calls:
            if call.seat_id != seat.member_id:
                continue
            if call.case_id is not None:
                if call.status == CallStatus.ACCEPTED:
                    state.case_substitutes[call.case_id] = call.substitute_id
                elif call.status == CallStatus.ASKED:
                    state.case_asked[call.case_id] = call.substitute_id
            elif call.status == CallStatus.ACCEPTED:
                state.substitute = call.substitute_id
            elif call.status == CallStatus.ASKED:
                state.asked = call.substitute_id
            else:
                state.declined.append(call.substitute_id)
        out.append(state)
    return out


def expected_present(uow: UnitOfWork, meeting: Meeting, case: Case | None = None) -> int:
    """How many seats are expected to be filled (for one case: without the recused, with the
    substitutes who said yes for it).

    A partial absence counts as absent for the whole meeting in this forecast: it errs on the
    side of warning.
    """
    states = seat_states(uow, meeting)
    sitters = {state.member_id: state.sitter for state in states}
    if case is None:
        return seats_expected(sitters)
    covering = {state.member_id: state.case_substitutes[case.id] for state in states
                if case.id in state.case_substitutes}
    return seats_expected(sitters, recused_in(uow, meeting, case), covering)


def warn_quorum(uow: UnitOfWork, meeting: Meeting) -> list[str]:
    """Warn the secretariat when the meeting, or a case on it, risks lacking a quorum."""
    seats = len(seats_of(uow, meeting.body_id))
    needed = quorum_needed(seats)
    warnings = []
    present = expected_present(uow, meeting)
    if present < needed:
        warnings.append(f"{meeting_label(uow, meeting)}: berre {present} av {seats} plassar er "
                        f"dekte; minst {needed} trengst for å vere vedtaksføre.")
    for case in uow.cases.on_agenda_of(meeting.id):
        in_case = expected_present(uow, meeting, case)
        if in_case < needed <= present:
            warnings.append(f"Sak {case.number} i {meeting.ref}: berre {in_case} av {seats} kan "
                            f"vere med (inhabile medrekna); minst {needed} trengst.")
    for text in warnings:
        uow.alert(f"quorum:{meeting.id}:{text}", AlertKind.QUORUM_RISK,
                  f"Fare for at møtet ikkje er vedtaksføre (kommunelova § 11-9): {text}",
                  recipients=[uow.council.director_id], severity="critical", meeting=meeting)
    return warnings


@dataclass(frozen=True)
class Presence:
    """Who sits in a seat for one agenda item, and who leads the meeting for it."""

    seats: int
    sitting: dict[str, str]  # person -> seat (member id)
    chair: str | None
    recused: frozenset[str]


def attendance_rows(uow: UnitOfWork, meeting: Meeting) -> list[Sitting]:
    """The recorded attendance of ``meeting`` as the sitting rules read it."""
    return [Sitting(r.person_id, r.seat_id, r.from_position, r.to_position, r.case_id, r.chair)
            for r in uow.sitting.attendance_of(meeting.id)]


def presence_for(uow: UnitOfWork, meeting: Meeting, case: Case) -> Presence:
    """Who is present for ``case`` at ``meeting``: attendance covering its agenda position,
    without the recused, with a substitute seated for this case in a recused member's seat.
    Refuses when no attendance has been recorded.

    The leader leads the case if she is with it, else the deputy leader; if neither is, the
    one elected to chair the meeting (recorded with the attendance) if she is with it; else
    ``chair`` is None and the body must elect someone for this case."""
    rows = attendance_rows(uow, meeting)
    if not rows:
        raise RuleViolation(f"Frammøtet til {meeting.ref} er ikkje ført.",
                            "Før kven som møtte først: "
                            f"[cmd:meeting.attend|meeting={meeting.ref}|present=...|chair=...].",
                            field="meeting")
    item = uow.agenda.item_for(case.id, meeting.id)
    position = item.position if item is not None else None
    recused = frozenset(recused_in(uow, meeting, case))
    sitting = present_for_item(rows, position, recused, case.id)
    meeting_chair = next((r.person for r in rows if r.chair), None)
    chair = leading(meeting.body, meeting_chair, sitting)
    return Presence(len(seats_of(uow, meeting.body_id)), sitting, chair, recused)
