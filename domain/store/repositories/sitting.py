"""Absences, substitute calls and the recorded attendance of meetings."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.rules.terms import AbsenceKind, CallStatus
from domain.store.tables import Absence, Attendance, SubstituteCall


class SittingRepository:
    """Who is away, who is asked to sit instead, and who sat."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # -- absences ---------------------------------------------------------------------------
    def absence(self, absence_id: int) -> Absence:
        """The absence with this id, which must exist (a call points to it)."""
        return self.session.get_one(Absence, absence_id)

    def away_from(self, meeting_id: int) -> set[str]:
        """Who has reported absence for the whole meeting (and not withdrawn it)."""
        return set(self.session.scalars(select(Absence.person_id).where(
            Absence.meeting_id == meeting_id, Absence.kind == AbsenceKind.MEETING,
            Absence.withdrawn_at.is_(None))))

    def is_away_from(self, meeting_id: int, person_id: str) -> bool:
        """Whether the person has reported absence for the whole meeting."""
        return self.session.scalars(select(Absence.id).where(
            Absence.meeting_id == meeting_id, Absence.person_id == person_id,
            Absence.kind == AbsenceKind.MEETING, Absence.withdrawn_at.is_(None))).first() \
            is not None

    def recused(self, meeting_id: int, case_id: int | None = None) -> set[str]:
        """Who has reported herself recused in the meeting: in the case, or in any case."""
        query = select(Absence.person_id).where(
            Absence.meeting_id == meeting_id, Absence.kind == AbsenceKind.CASE,
            Absence.withdrawn_at.is_(None))
        if case_id is not None:
            query = query.where(Absence.case_id == case_id)
        return set(self.session.scalars(query))

    def absences_from_meeting(self, meeting_id: int) -> list[Absence]:
        """Absences for the whole meeting or a part of it (not recusals), not withdrawn."""
        return list(self.session.scalars(select(Absence).where(
            Absence.meeting_id == meeting_id, Absence.withdrawn_at.is_(None),
            Absence.kind != AbsenceKind.CASE)))

    def same_absence(self, meeting_id: int, person_id: str, kind: AbsenceKind, *,
                     case_id: int | None, from_position: int | None = None,
                     to_position: int | None = None,
                     time_note: str | None = None) -> Absence | None:
        """An absence already reported that a new one would repeat: the same kind (for the
        same case); for a part of the meeting, the same items and, if times are given, the
        same times (coming late and leaving early are two partial absences)."""
        query = select(Absence).where(
            Absence.meeting_id == meeting_id, Absence.person_id == person_id,
            Absence.kind == kind, Absence.withdrawn_at.is_(None))
        query = query.where(Absence.case_id == case_id) if case_id is not None else query.where(
            Absence.case_id.is_(None))
        if kind == AbsenceKind.PART:
            if time_note is not None:
                query = query.where(Absence.reason.like(f"%{time_note}"))
            query = query.where(
                Absence.from_position.is_(None) if from_position is None
                else Absence.from_position == from_position,
                Absence.to_position.is_(None) if to_position is None
                else Absence.to_position == to_position)
        return self.session.scalars(query).first()

    # -- substitute calls -------------------------------------------------------------------
    def calls_of(self, meeting_id: int) -> list[SubstituteCall]:
        """Every call to a substitute for the meeting, in the order asked."""
        return list(self.session.scalars(select(SubstituteCall).where(
            SubstituteCall.meeting_id == meeting_id).order_by(SubstituteCall.id)))

    def seat_taken_by(self, meeting_id: int, substitute_id: str) -> SubstituteCall | None:
        """The call a substitute said yes to for the whole meeting, if any."""
        return self.session.scalars(select(SubstituteCall).where(
            SubstituteCall.meeting_id == meeting_id, SubstituteCall.substitute_id == substitute_id,
            SubstituteCall.status == CallStatus.ACCEPTED,
            SubstituteCall.case_id.is_(None))).first()

    def calls_to(self, meeting_id: int, substitute_id: str, status: CallStatus,
                 case_id: int | None = None) -> list[SubstituteCall]:
        """The substitute's calls for the meeting in this status (only the one for a case if
        given): those waiting for her answer, or those she said yes to."""
        query = select(SubstituteCall).where(
            SubstituteCall.meeting_id == meeting_id, SubstituteCall.substitute_id == substitute_id,
            SubstituteCall.status == status)
        if case_id is not None:
            query = query.where(SubstituteCall.case_id == case_id)
        return list(self.session.scalars(query))

    def call(self, call_id: int) -> SubstituteCall:
        """The call with this id, which must exist."""
        return self.session.get_one(SubstituteCall, call_id)

    # -- attendance -------------------------------------------------------------------------
    def attendance_of(self, meeting_id: int) -> list[Attendance]:
        """The recorded attendance of the meeting, in the order recorded."""
        return list(self.session.scalars(select(Attendance).where(
            Attendance.meeting_id == meeting_id).order_by(Attendance.id)))

    def seated_for_meeting(self, meeting_id: int) -> list[Attendance]:
        """Attendance rows of those in a seat for the meeting (not for one case only)."""
        return list(self.session.scalars(select(Attendance).where(
            Attendance.meeting_id == meeting_id, Attendance.seat_id.is_not(None),
            Attendance.case_id.is_(None))))

    def clear_attendance(self, meeting_id: int) -> None:
        """Delete the meeting's recorded attendance (before it is recorded anew)."""
        for old in self.session.scalars(select(Attendance).where(
                Attendance.meeting_id == meeting_id)):
            self.session.delete(old)
        self.session.flush()
