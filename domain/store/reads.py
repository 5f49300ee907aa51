"""The read side of the store: the statements behind the read models in ``domain.queries``.

Reads are shaped for what people look at (a case with its treatments, a meeting's agenda, the
minutes), not for the aggregates the commands change, so they live apart from the
repositories: ``uow.reads`` answers with rows, and ``domain.queries`` turns them into read
models per audience. Nothing here writes.

Every statement is SQLAlchemy Core on the tables of ``domain.store.core``, so that a read
command (``domain.store.reading``) runs without the ORM. A row's attributes are its columns, the
same names as the ORM objects' (a case row has its ``number`` too), so the read models take
rows and objects alike. In a command's unit of work the statements run on its session, which
writes what the unit has changed first (SQLAlchemy flushes before Core statements too), and a
row by its key is the session's own object (``Session.get``: no statement, and no flush, when
the unit has it already), so reading changes neither what nor when a command writes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, case, func, or_, select

from domain.rules.terms import (
    AbsenceKind,
    AgendaItemKind,
    CaseState,
    DeadlineKind,
    MembershipRole,
    Outcome,
)
from domain.store import core
from domain.store.lookups import CASES, Executor

_absences = core.absences.c
_items = core.agenda_items.c
_alerts = core.alerts.c
_attendances = core.attendances.c
_ballots = core.ballots.c
_bodies = core.bodies.c
_cases = core.cases.c
_deadlines = core.deadlines.c
_journal = core.journal.c
_meetings = core.meetings.c
_memberships = core.memberships.c
_periods = core.membership_periods.c
_municipalities = core.municipalities.c
_people = core.people.c
_proposals = core.proposals.c
_treatments = core.treatments.c
_answers = core.written_answers.c
_written = core.written_handlings.c

#: A row (or an ORM object: only its attributes are read).
Record = Any


class Reads:
    """The read statements, on a reading unit's connection or a unit of work's session
    (``uow.reads``); ``get(table, key)`` is a row by its primary key, or None."""

    def __init__(self, db: Executor, get: Callable[[Any, Any], Any]) -> None:
        self.db = db
        self._get = get

    def _rows(self, query: Any) -> list[Row[Any]]:
        return list(self.db.execute(query))

    def _first(self, query: Any) -> Row[Any] | None:
        return self.db.execute(query).first()

    # -- organisation --------------------------------------------------------------------------
    def last_change(self) -> int | None:
        """The id of the newest journal entry: every change writes one, so while it stays the
        same nothing was changed (what a derived file, like the calendar feeds, depends on)."""
        return self.db.scalar(select(func.max(_journal.id)))

    def people(self) -> list[Row[Any]]:
        """Every person, active or not, in no particular order."""
        return self._rows(select(core.people))

    def municipalities(self) -> list[Row[Any]]:
        """Every municipality, by name."""
        return self._rows(select(core.municipalities).order_by(_municipalities.name))

    def municipality_short_names(self) -> dict[str, str]:
        """Each municipality's short name by its id."""
        return dict(self.db.execute(select(_municipalities.id, _municipalities.short_name)).all())

    def body_by_id(self, body_id: str) -> Record | None:
        """The body with this id, or None."""
        return self._get(core.bodies, body_id)

    def body_of(self, row: Record) -> Record:
        """The body of a meeting (or of any row with a ``body_id``)."""
        return self._get(core.bodies, row.body_id)

    def bodies(self) -> list[Row[Any]]:
        """Every body, by id."""
        return self._rows(select(core.bodies).order_by(_bodies.id))

    def body_short_names(self) -> dict[str, str]:
        """Each body's short name by its id."""
        return dict(self.db.execute(select(_bodies.id, _bodies.short_name)).all())

    def memberships(self) -> list[Row[Any]]:
        """Every current membership, by body, municipality, role and rank."""
        return self._rows(select(core.memberships).order_by(
            _memberships.body_id, _memberships.municipality_id, _memberships.role,
            _memberships.rank))

    def membership_periods_at(self, body: Record, when: datetime) -> list[Row[Any]]:
        """Each period of ``body`` covering ``when``, with the person's name (``person_name``):
        members first, then substitutes, by municipality, rank and start."""
        return self._rows(
            select(core.membership_periods, _people.name.label("person_name"))
            .join(core.people, _people.id == _periods.person_id)
            .where(_periods.body_id == body.id, _periods.valid_from <= when,
                   or_(_periods.valid_to.is_(None), _periods.valid_to > when))
            .order_by(case((_periods.role == MembershipRole.MEMBER, 0), else_=1),
                      _periods.municipality_id, _periods.rank, _periods.valid_from))

    # -- cases ---------------------------------------------------------------------------------
    def cases(self, *, state: CaseState | None = None, current_body: Record | None = None,
              urgent: bool = False, open_only: bool = False) -> list[Row[Any]]:
        """The cases by number, filtered by state, the body handling them now, urgency and
        whether they are still open."""
        query = CASES.order_by(_cases.year, _cases.seq)
        if state is not None:
            query = query.where(_cases.state == state)
        if current_body is not None:
            query = query.where(_cases.current_body_id == current_body.id)
        if urgent:
            query = query.where(_cases.urgent.is_(True))
        if open_only:
            query = query.where(_cases.state != CaseState.CLOSED)
        return self._rows(query)

    def cases_on_agenda_of(self, meeting: Record) -> list[Row[Any]]:
        """The cases placed on the agenda of ``meeting``, by number."""
        return self._rows(CASES.where(_cases.agenda_meeting_id == meeting.id)
                          .order_by(_cases.year, _cases.seq))

    def deadlines_of(self, case: Record) -> list[Row[Any]]:
        """The case's deadlines, in the order they were made."""
        return self._rows(select(core.deadlines).where(_deadlines.case_id == case.id)
                          .order_by(_deadlines.id))

    def deadlines(self) -> list[Row[Any]]:
        """Every deadline, of cases and meetings."""
        return self._rows(select(core.deadlines).order_by(_deadlines.id))

    def latest_followup_deadline(self, case: Record) -> Row[Any] | None:
        """The case's most recent follow-up deadline, or None."""
        return self._first(select(core.deadlines).where(
            _deadlines.case_id == case.id, _deadlines.kind == DeadlineKind.FOLLOWUP)
            .order_by(_deadlines.id.desc()))

    # -- treatments and decisions --------------------------------------------------------------
    def treatments_of(self, case: Record) -> list[Row[Any]]:
        """The case's treatments, in the order they were recorded."""
        return self._rows(select(core.treatments).where(_treatments.case_id == case.id)
                          .order_by(_treatments.recorded_at, _treatments.id))

    def treatments_at(self, meeting: Record) -> list[Row[Any]]:
        """The treatments recorded at ``meeting``, in no particular order."""
        return self._rows(select(core.treatments).where(_treatments.meeting_id == meeting.id))

    def cases_referred_from_elsewhere(self, meeting: Record, case_ids: Collection[int]
                                      ) -> dict[int, str | None]:
        """The cases among ``case_ids`` that a treatment in another meeting referred on: for
        each, the body that sent it on without a recommendation of its own in the latest such
        referral, or None when that referral carried one."""
        if not case_ids:
            return {}
        rows = self.db.execute(select(
            _treatments.case_id, _treatments.body_id, _treatments.without_recommendation).where(
            _treatments.case_id.in_(case_ids), _treatments.outcome == Outcome.REFERRED,
            _treatments.meeting_id != meeting.id).order_by(_treatments.recorded_at,
                                                           _treatments.id))
        return {case_id: body_id if without else None for case_id, body_id, without in rows}

    def decisions_to_follow_up(self, body: Record | None = None
                               ) -> list[tuple[Row[Any], Row[Any]]]:
        """(treatment, case) for every authoritative decision, of ``body`` if given, in the
        order they were recorded."""
        query = select(core.treatments).where(
            _treatments.authoritative.is_(True), _treatments.outcome == Outcome.DECIDED)
        if body is not None:
            query = query.where(_treatments.body_id == body.id)
        treatments = self._rows(query.order_by(_treatments.recorded_at))
        ids = {t.case_id for t in treatments}
        cases = {c.id: c for c in self._rows(CASES.where(_cases.id.in_(ids)))} if ids else {}
        return [(t, cases[t.case_id]) for t in treatments]

    def proposal_by_id(self, proposal_id: int) -> Record | None:
        """The proposal with this id, or None."""
        return self._get(core.proposals, proposal_id)

    # -- meetings and agendas ------------------------------------------------------------------
    def meeting_refs(self, ids: Collection[int]) -> dict[int, str]:
        """The refs of the meetings with these ids, by id (none asked, none read)."""
        if not ids:
            return {}
        return dict(self.db.execute(
            select(_meetings.id, _meetings.ref).where(_meetings.id.in_(ids))).all())

    def meetings(self, *, body: Record | None = None, start: date | None = None,
                 end: date | None = None) -> list[Row[Any]]:
        """The meetings by start, of ``body`` and from ``start`` to ``end`` (days, inclusive)
        where given."""
        query = select(core.meetings).order_by(_meetings.starts_at)
        if body is not None:
            query = query.where(_meetings.body_id == body.id)
        if start is not None:
            query = query.where(_meetings.day >= start)
        if end is not None:
            query = query.where(_meetings.day <= end)
        return self._rows(query)

    def agenda_items_of(self, meeting: Record) -> list[Row[Any]]:
        """The items on the agenda of ``meeting``, in agenda order."""
        return self._rows(select(core.agenda_items).where(
            _items.meeting_id == meeting.id).order_by(_items.position, _items.id))

    def agenda_item_count(self, meeting: Record) -> int:
        """How many items the agenda of ``meeting`` has (withdrawn ones included)."""
        return self.db.scalar(
            select(func.count(_items.id)).where(_items.meeting_id == meeting.id)) or 0

    def agenda_item_by_id(self, item_id: int) -> Record | None:
        """The agenda item with this id, or None."""
        return self._get(core.agenda_items, item_id)

    def agenda_items_of_case(self, case: Record) -> list[Row[Any]]:
        """Every agenda item placing ``case``, on any meeting, in no particular order."""
        return self._rows(select(core.agenda_items).where(_items.case_id == case.id))

    def minutes_approval_item(self, meeting: Record) -> Row[Any] | None:
        """The agenda item (at a later meeting) that approves the minutes of ``meeting``."""
        return self._first(select(core.agenda_items).where(
            _items.kind == AgendaItemKind.MINUTES_APPROVAL,
            _items.related_meeting_id == meeting.id))

    # -- meetings in session -------------------------------------------------------------------
    def attendances_at(self, meeting: Record) -> list[Row[Any]]:
        """Who sat at ``meeting``, as recorded (whole meeting and single cases)."""
        return self._rows(select(core.attendances).where(_attendances.meeting_id == meeting.id))

    def absences_at(self, meeting: Record) -> list[Row[Any]]:
        """The absences reported for ``meeting`` and not withdrawn, of every kind."""
        return self._rows(select(core.absences).where(
            _absences.meeting_id == meeting.id, _absences.withdrawn_at.is_(None)))

    def recusals_at(self, meeting: Record) -> Sequence[Row[Any]]:
        """(case_id, person_id) for each recusal at ``meeting`` that is not withdrawn."""
        return self.db.execute(select(_absences.case_id, _absences.person_id).where(
            _absences.meeting_id == meeting.id, _absences.kind == AbsenceKind.CASE,
            _absences.withdrawn_at.is_(None))).all()

    def proposals_at(self, meeting: Record) -> list[Row[Any]]:
        """The proposals put to the vote at ``meeting``, in the order they were recorded."""
        return self._rows(select(core.proposals).where(
            _proposals.meeting_id == meeting.id).order_by(_proposals.id))

    def ballots_of(self, proposal_ids: Collection[int]) -> dict[int, list[Row[Any]]]:
        """The ballots cast on each of these proposals, in the order they were cast, by
        proposal id (a proposal without ballots is left out)."""
        if not proposal_ids:
            return {}
        ballots: dict[int, list[Row[Any]]] = {}
        for ballot in self.db.execute(select(core.ballots).where(
                _ballots.proposal_id.in_(proposal_ids)).order_by(_ballots.id)):
            ballots.setdefault(ballot.proposal_id, []).append(ballot)
        return ballots

    # -- written handling ----------------------------------------------------------------------
    def latest_written_handling(self, case: Record) -> Row[Any] | None:
        """The case's most recent written handling, or None."""
        return self._first(select(core.written_handlings).where(
            _written.case_id == case.id).order_by(_written.id.desc()))

    def written_handling_of(self, meeting: Record) -> Row[Any] | None:
        """The written handling a written-handling meeting holds (one per such meeting), or
        None for any other meeting."""
        return self._first(select(core.written_handlings).where(
            _written.meeting_id == meeting.id).order_by(_written.id.desc()))

    def written_answers_to(self, handling: Record) -> list[Row[Any]]:
        """The members' answers to a written handling, in no particular order."""
        return self._rows(select(core.written_answers).where(_answers.written_id == handling.id))

    # -- journal and alerts --------------------------------------------------------------------
    def journal_of_case(self, case: Record) -> list[Row[Any]]:
        """The case's journal, oldest first."""
        return self._rows(select(core.journal).where(_journal.case_id == case.id)
                          .order_by(_journal.at, _journal.id))

    def latest_journal_entries(self, limit: int, *, case: Record | None = None,
                               meeting: Record | None = None) -> list[Row[Any]]:
        """The latest ``limit`` journal entries, of ``case`` and ``meeting`` where given,
        newest first."""
        query = select(core.journal)
        if case is not None:
            query = query.where(_journal.case_id == case.id)
        if meeting is not None:
            query = query.where(_journal.meeting_id == meeting.id)
        return self._rows(query.order_by(_journal.at.desc(), _journal.id.desc()).limit(limit))

    def latest_alerts(self, limit: int) -> list[Row[Any]]:
        """The latest ``limit`` alerts, newest first."""
        return self._rows(select(core.alerts).order_by(_alerts.raised_at.desc(),
                                                       _alerts.id.desc()).limit(limit))
