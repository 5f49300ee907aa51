"""The read side of the store: the statements behind the read models in ``domain.queries``.

Reads are shaped for what people look at (a case with its treatments, a meeting's agenda, the
minutes), not for the aggregates the commands change, so they live apart from the
repositories: ``uow.reads`` answers with rows and table objects, and ``domain.queries`` turns
them into read models per audience. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import Row, case, func, or_, select
from sqlalchemy.orm import Session

from domain.rules.terms import (
    AbsenceKind,
    AgendaItemKind,
    CaseState,
    DeadlineKind,
    MembershipRole,
    Outcome,
)
from domain.store.tables import (
    Absence,
    AgendaItem,
    Alert,
    Attendance,
    Body,
    Case,
    Deadline,
    JournalEntry,
    Meeting,
    Membership,
    MembershipPeriod,
    Municipality,
    Person,
    Proposal,
    Treatment,
    WrittenAnswer,
    WrittenHandling,
)


class Reads:
    """The read statements, on the unit of work's session (``uow.reads``)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # -- organisation --------------------------------------------------------------------------
    def last_change(self) -> int | None:
        """The id of the newest journal entry: every change writes one, so while it stays the
        same nothing was changed (what a derived file, like the calendar feeds, depends on)."""
        return self.session.scalar(select(func.max(JournalEntry.id)))

    def people(self) -> list[Person]:
        """Every person, active or not, in no particular order."""
        return list(self.session.scalars(select(Person)))

    def municipalities(self) -> list[Municipality]:
        """Every municipality, by name."""
        return list(self.session.scalars(select(Municipality).order_by(Municipality.name)))

    def municipality_short_names(self) -> dict[str, str]:
        """Each municipality's short name by its id."""
        return {m.id: m.short_name for m in self.session.scalars(select(Municipality))}

    def body_by_id(self, body_id: str) -> Body | None:
        """The body with this id, or None."""
        return self.session.get(Body, body_id)

    def bodies(self) -> list[Body]:
        """Every body, by id."""
        return list(self.session.scalars(select(Body).order_by(Body.id)))

    def body_short_names(self) -> dict[str, str]:
        """Each body's short name by its id."""
        return {b.id: b.short_name for b in self.session.scalars(select(Body))}

    def memberships(self) -> list[Membership]:
        """Every current membership, by body, municipality, role and rank."""
        return list(self.session.scalars(select(Membership).order_by(
            Membership.body_id, Membership.municipality_id, Membership.role, Membership.rank)))

    def membership_periods_at(self, body: Body, when: datetime
                              ) -> Sequence[Row[tuple[MembershipPeriod, str]]]:
        """(period, person's name) for each period of ``body`` covering ``when``: members
        first, then substitutes, by municipality, rank and start."""
        period = MembershipPeriod
        return self.session.execute(
            select(period, Person.name).join(Person, Person.id == period.person_id)
            .where(period.body_id == body.id, period.valid_from <= when,
                   or_(period.valid_to.is_(None), period.valid_to > when))
            .order_by(case((period.role == MembershipRole.MEMBER, 0), else_=1),
                      period.municipality_id, period.rank, period.valid_from)).all()

    # -- cases ---------------------------------------------------------------------------------
    def cases(self, *, state: CaseState | None = None, current_body: Body | None = None,
              urgent: bool = False, open_only: bool = False) -> list[Case]:
        """The cases by number, filtered by state, the body handling them now, urgency and
        whether they are still open."""
        query = select(Case).order_by(Case.year, Case.seq)
        if state is not None:
            query = query.where(Case.state == state)
        if current_body is not None:
            query = query.where(Case.current_body_id == current_body.id)
        if urgent:
            query = query.where(Case.urgent.is_(True))
        if open_only:
            query = query.where(Case.state != CaseState.CLOSED)
        return list(self.session.scalars(query))

    def cases_on_agenda_of(self, meeting: Meeting) -> list[Case]:
        """The cases placed on the agenda of ``meeting``, by number."""
        return list(self.session.scalars(select(Case).where(Case.agenda_meeting_id == meeting.id)
                                         .order_by(Case.year, Case.seq)))

    def deadlines_of(self, case: Case) -> list[Deadline]:
        """The case's deadlines, in the order they were made."""
        return list(self.session.scalars(
            select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.id)))

    def deadlines(self) -> list[Deadline]:
        """Every deadline, of cases and meetings."""
        return list(self.session.scalars(select(Deadline).order_by(Deadline.id)))

    def latest_followup_deadline(self, case: Case) -> Deadline | None:
        """The case's most recent follow-up deadline, or None."""
        return self.session.scalars(select(Deadline).where(
            Deadline.case_id == case.id, Deadline.kind == DeadlineKind.FOLLOWUP)
            .order_by(Deadline.id.desc())).first()

    # -- treatments and decisions --------------------------------------------------------------
    def treatments_of(self, case: Case) -> list[Treatment]:
        """The case's treatments, in the order they were recorded."""
        return list(self.session.scalars(select(Treatment).where(Treatment.case_id == case.id)
                                         .order_by(Treatment.recorded_at, Treatment.id)))

    def treatments_at(self, meeting: Meeting) -> list[Treatment]:
        """The treatments recorded at ``meeting``, in no particular order."""
        return list(self.session.scalars(select(Treatment).where(
            Treatment.meeting_id == meeting.id)))

    def cases_referred_from_elsewhere(self, meeting: Meeting, case_ids: Collection[int]
                                      ) -> dict[int, str | None]:
        """The cases among ``case_ids`` that a treatment in another meeting referred on: for
        each, the body that sent it on without a recommendation of its own in the latest such
        referral, or None when that referral carried one."""
        if not case_ids:
            return {}
        rows = self.session.execute(select(
            Treatment.case_id, Treatment.body_id, Treatment.without_recommendation).where(
            Treatment.case_id.in_(case_ids), Treatment.outcome == Outcome.REFERRED,
            Treatment.meeting_id != meeting.id).order_by(Treatment.recorded_at, Treatment.id))
        return {case_id: body_id if without else None for case_id, body_id, without in rows}

    def decisions_to_follow_up(self, body: Body | None = None
                               ) -> Sequence[Row[tuple[Treatment, Case]]]:
        """(treatment, case) for every authoritative decision, of ``body`` if given, in the
        order they were recorded."""
        query = select(Treatment, Case).join(Case, Case.id == Treatment.case_id).where(
            Treatment.authoritative.is_(True), Treatment.outcome == Outcome.DECIDED)
        if body is not None:
            query = query.where(Treatment.body_id == body.id)
        return self.session.execute(query.order_by(Treatment.recorded_at)).all()

    def proposal_by_id(self, proposal_id: int) -> Proposal | None:
        """The proposal with this id, or None."""
        return self.session.get(Proposal, proposal_id)

    # -- meetings and agendas ------------------------------------------------------------------
    def meeting_refs(self, ids: Collection[int]) -> dict[int, str]:
        """The refs of the meetings with these ids, by id (none asked, none read)."""
        if not ids:
            return {}
        return {row.id: row.ref for row in self.session.execute(
            select(Meeting.id, Meeting.ref).where(Meeting.id.in_(ids)))}

    def meetings(self, *, body: Body | None = None, start: date | None = None,
                 end: date | None = None) -> list[Meeting]:
        """The meetings by start, of ``body`` and from ``start`` to ``end`` (days, inclusive)
        where given."""
        query = select(Meeting).order_by(Meeting.starts_at)
        if body is not None:
            query = query.where(Meeting.body_id == body.id)
        if start is not None:
            query = query.where(Meeting.day >= start)
        if end is not None:
            query = query.where(Meeting.day <= end)
        return list(self.session.scalars(query))

    def agenda_items_of(self, meeting: Meeting) -> list[AgendaItem]:
        """The items on the agenda of ``meeting``, in agenda order."""
        return list(self.session.scalars(select(AgendaItem).where(
            AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position, AgendaItem.id)))

    def agenda_item_count(self, meeting: Meeting) -> int:
        """How many items the agenda of ``meeting`` has (withdrawn ones included)."""
        return self.session.scalar(
            select(func.count(AgendaItem.id)).where(AgendaItem.meeting_id == meeting.id)) or 0

    def agenda_item_by_id(self, item_id: int) -> AgendaItem | None:
        """The agenda item with this id, or None."""
        return self.session.get(AgendaItem, item_id)

    def agenda_items_of_case(self, case: Case) -> list[AgendaItem]:
        """Every agenda item placing ``case``, on any meeting, in no particular order."""
        return list(self.session.scalars(select(AgendaItem).where(AgendaItem.case_id == case.id)))

    def minutes_approval_item(self, meeting: Meeting) -> AgendaItem | None:
        """The agenda item (at a later meeting) that approves the minutes of ``meeting``."""
        return self.session.scalars(select(AgendaItem).where(
            AgendaItem.kind == AgendaItemKind.MINUTES_APPROVAL,
            AgendaItem.related_meeting_id == meeting.id)).first()

    # -- meetings in session -------------------------------------------------------------------
    def attendances_at(self, meeting: Meeting) -> list[Attendance]:
        """Who sat at ``meeting``, as recorded (whole meeting and single cases)."""
        return list(self.session.scalars(select(Attendance).where(
            Attendance.meeting_id == meeting.id)))

    def absences_at(self, meeting: Meeting) -> list[Absence]:
        """The absences reported for ``meeting`` and not withdrawn, of every kind."""
        return list(self.session.scalars(select(Absence).where(
            Absence.meeting_id == meeting.id, Absence.withdrawn_at.is_(None))))

    def recusals_at(self, meeting: Meeting) -> Sequence[Row[tuple[int | None, str]]]:
        """(case_id, person_id) for each recusal at ``meeting`` that is not withdrawn."""
        return self.session.execute(select(Absence.case_id, Absence.person_id).where(
            Absence.meeting_id == meeting.id, Absence.kind == AbsenceKind.CASE,
            Absence.withdrawn_at.is_(None))).all()

    def proposals_at(self, meeting: Meeting) -> list[Proposal]:
        """The proposals put to the vote at ``meeting``, in the order they were recorded."""
        return list(self.session.scalars(select(Proposal).where(
            Proposal.meeting_id == meeting.id).order_by(Proposal.id)))

    # -- written handling ----------------------------------------------------------------------
    def latest_written_handling(self, case: Case) -> WrittenHandling | None:
        """The case's most recent written handling, or None."""
        return self.session.scalars(select(WrittenHandling).where(
            WrittenHandling.case_id == case.id).order_by(WrittenHandling.id.desc())).first()

    def written_answers_to(self, handling: WrittenHandling) -> list[WrittenAnswer]:
        """The members' answers to a written handling, in no particular order."""
        return list(self.session.scalars(select(WrittenAnswer).where(
            WrittenAnswer.written_id == handling.id)))

    # -- journal and alerts --------------------------------------------------------------------
    def journal_of_case(self, case: Case) -> list[JournalEntry]:
        """The case's journal, oldest first."""
        return list(self.session.scalars(select(JournalEntry).where(
            JournalEntry.case_id == case.id).order_by(JournalEntry.at, JournalEntry.id)))

    def latest_journal_entries(self, limit: int, *, case: Case | None = None,
                               meeting: Meeting | None = None) -> list[JournalEntry]:
        """The latest ``limit`` journal entries, of ``case`` and ``meeting`` where given,
        newest first."""
        query = select(JournalEntry)
        if case is not None:
            query = query.where(JournalEntry.case_id == case.id)
        if meeting is not None:
            query = query.where(JournalEntry.meeting_id == meeting.id)
        return list(self.session.scalars(
            query.order_by(JournalEntry.at.desc(), JournalEntry.id.desc()).limit(limit)))

    def latest_alerts(self, limit: int) -> list[Alert]:
        """The latest ``limit`` alerts, newest first."""
        return list(self.session.scalars(
            select(Alert).order_by(Alert.raised_at.desc(), Alert.id.desc()).limit(limit)))

    # -- written handling, by its meeting (added for the read models of meetings) -------------
    def written_handling_of(self, meeting: Meeting) -> WrittenHandling | None:
        """The written handling a written-handling meeting holds (one per such meeting), or
        None for any other meeting."""
        return self.session.scalars(select(WrittenHandling).where(
            WrittenHandling.meeting_id == meeting.id).order_by(WrittenHandling.id.desc())).first()
