"""Seats, substitutes and presence: who sits for whom, who is asked next, the quorum forecast, who
is present for an item.

Sources: KL § 7-10 (substitutes from the absent member's own group, in their numbered order),
KL § 11-9 (quorum), forvaltningslova ch. II via KL § 11-10 (recusal).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from domain.errors import RuleViolation
from domain.rules.access import SYSTEM_ACTOR
from domain.rules.sitting import leading
from domain.rules.terms import AlertKind, MeetingStatus
from domain.rules.voting import quorum_needed
from domain.store.repositories import meeting_label
from domain.store.tables import (
    Absence,
    AgendaItem,
    Attendance,
    Case,
    Meeting,
    Membership,
    Person,
    SubstituteCall,
)
from domain.store.uow import UnitOfWork

#: How long a substitute has to answer before the next one is asked.
ANSWER_WINDOW = timedelta(days=2)


#: The last answer is wanted this long before the meeting starts.
ANSWER_MARGIN = timedelta(hours=2)


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


def recused_in(uow: UnitOfWork, meeting: Meeting, case: Case | None = None) -> set[str]:
    """Who has reported herself recused (inhabil) in ``meeting``: in ``case``, or in any case."""
    query = select(Absence.person_id).where(
        Absence.meeting_id == meeting.id, Absence.kind == "case", Absence.withdrawn_at.is_(None))
    if case is not None:
        query = query.where(Absence.case_id == case.id)
    return set(uow.session.scalars(query))


def sitting_substitute(uow: UnitOfWork, meeting: Meeting, person_id: str) -> Seat | None:
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


@dataclass(frozen=True)
class Presence:
    """Who sits in a seat for one agenda item, and who leads the meeting for it."""

    seats: int
    sitting: dict[str, str]  # person -> seat (member id)
    chair: str | None
    recused: frozenset[str]


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
                            "Før kven som møtte først: "
                            f"[cmd:meeting.attend|meeting={meeting.ref}|present=...|chair=...].",
                            field="meeting")
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
