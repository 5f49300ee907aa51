"""Stateful property: whatever staff do, in whatever order, the engine never leaves an urgency
decision unreported and never records a decision without a quorum.

Hypothesis drives random sequences of real service commands (register, recommend, report
absence, answer as substitute, record attendance, vote with random ballots, postpone, let time
pass and sweep) against a real SQLite database. Commands may be refused; the invariants are
checked after every step.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
)
from sqlalchemy import select

from domain.commands import registry
from domain.engine.sweep import sweep
from domain.errors import TingflytError
from domain.operations.substitutes import seats_of
from domain.rules.calendar import FixedClock
from domain.rules.voting import quorum_needed
from domain.store.db import make_engine
from domain.store.tables import Attendance, Ballot, Case, Meeting, Proposal, Treatment
from domain.store.uow import UnitOfWork
from tests.conftest import CE, CHAIR, DIRECTOR, SEASON_START

TEMPLATE: Path | None = None


class CouncilSeason(RuleBasedStateMachine):
    """One council season, driven by random staff actions."""

    def __init__(self) -> None:
        super().__init__()
        assert TEMPLATE is not None
        self.folder = TEMPLATE.parent / f"run-{id(self)}"
        self.folder.mkdir(exist_ok=True)
        path = self.folder / "tingflyt.sqlite"
        shutil.copy(TEMPLATE, path)
        self.engine = make_engine(f"sqlite:///{path}")
        self.clock = FixedClock(SEASON_START)

    def teardown(self) -> None:
        self.engine.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- helpers ----------------------------------------------------------------------------
    def run(self, name: str, actor: str, **fields: object) -> bool:
        try:
            registry.run(name, fields, actor, engine=self.engine, clock=self.clock)
            return True
        except TingflytError:
            return False

    def read(self, fn):  # noqa: ANN001, ANN201
        with UnitOfWork(self.engine, self.clock, readonly=True) as uow:
            return fn(uow)

    def numbers(self, *states: str) -> list[str]:
        return self.read(lambda uow: [c.number for c in uow.session.scalars(
            select(Case).where(Case.state.in_(states)).order_by(Case.id))])

    # -- rules ------------------------------------------------------------------------------
    @initialize()
    def a_season_with_work(self) -> None:
        self.run("case.register", DIRECTOR, title="Uttale til regjeringa", kind="statement",
                 body="assembly", deadline=SEASON_START.date() + timedelta(days=30))
        self.run("case.register", DIRECTOR, title="Tilskot", kind="fund_allocation")
        self.run("case.register", DIRECTOR, title="Breiband", kind="ordinary")
        sweep(self.engine, self.clock)

    @rule(kind=st.sampled_from(["ordinary", "statement", "fund_allocation", "budget"]),
          to_assembly=st.booleans(), deadline_days=st.one_of(st.none(),
                                                             st.integers(3, 60)))
    def register(self, kind: str, to_assembly: bool, deadline_days: int | None) -> None:
        deadline = None if deadline_days is None else (
            self.clock.now().date() + timedelta(days=deadline_days))
        body = "assembly" if to_assembly and kind != "budget" else None
        self.run("case.register", DIRECTOR, title=f"Sak om {kind}", kind=kind, body=body,
                 deadline=deadline)
        sweep(self.engine, self.clock)

    @rule(data=st.data())
    def recommend(self, data: st.DataObject) -> None:
        waiting = self.numbers("in_preparation")
        if waiting:
            number = data.draw(st.sampled_from(waiting))
            self.run("case.recommend", CE, case=number, text="Tilråding.")
            sweep(self.engine, self.clock)

    @rule(days=st.integers(1, 25), hours=st.integers(0, 10))
    def time_passes(self, days: int, hours: int) -> None:
        self.clock.advance(timedelta(days=days, hours=hours))
        sweep(self.engine, self.clock)

    @rule(data=st.data())
    def hold_the_next_meeting(self, data: st.DataObject) -> None:
        """Go to the next meeting, record who came (some may stay away), and vote on every
        case on its agenda, sometimes with ballots that break a rule."""
        now = self.clock.now()
        meeting = self.read(lambda uow: uow.session.scalars(
            select(Meeting).where(Meeting.starts_at > now,
                                  Meeting.status.in_(["planned", "notified"]))
            .order_by(Meeting.starts_at)).first())
        if meeting is None:
            return
        if meeting.status == "planned":
            self.clock.set(max(meeting.notice_at, now))
            sweep(self.engine, self.clock)
        self.clock.set(meeting.starts_at + timedelta(minutes=30))
        sweep(self.engine, self.clock)
        self.attendance_at(meeting.ref, data)
        agenda = self.read(lambda uow: [c.number for c in uow.session.scalars(
            select(Case).where(Case.agenda_meeting_id == meeting.id,
                               Case.state == "on_agenda"))])
        for number in agenda:
            self.vote_on(number, data, data.draw(st.booleans(), label="urgency"),
                         data.draw(st.sampled_from(["none", "none", "none", "drop", "outsider",
                                                    "blank", "postpone"]), label="tamper"))
        sweep(self.engine, self.clock)

    @rule(data=st.data())
    def absence(self, data: st.DataObject) -> None:
        now = self.clock.now()
        refs = self.read(lambda uow: [m.ref for m in uow.session.scalars(
            select(Meeting).where(Meeting.status.in_(["planned", "notified"]),
                                  Meeting.starts_at > now))])
        if not refs:
            return
        ref = data.draw(st.sampled_from(refs))
        members = self.read(lambda uow: [s.member_id for s in seats_of(
            uow, uow.meetings.get(ref).body_id)])
        person = data.draw(st.sampled_from(members))
        self.run("absence.report", DIRECTOR, meeting=ref, person=person, reason="Forfall")

    @rule(data=st.data(), accept=st.booleans())
    def substitute_answers(self, data: st.DataObject, accept: bool) -> None:
        from domain.store.tables import SubstituteCall

        calls = self.read(lambda uow: [(uow.session.get(Meeting, c.meeting_id).ref,
                                        c.substitute_id) for c in uow.session.scalars(
            select(SubstituteCall).where(SubstituteCall.status == "asked"))])
        if calls:
            ref, person = data.draw(st.sampled_from(calls))
            self.run("substitute.answer", DIRECTOR, meeting=ref, person=person, accept=accept)

    def attendance_at(self, ref: str, data: st.DataObject) -> None:
        members = self.read(lambda uow: [s.member_id for s in seats_of(
            uow, uow.meetings.get(ref).body_id)])
        away = data.draw(st.lists(st.sampled_from(members), unique=True,
                                  max_size=len(members)), label="away")
        present = [m for m in members if m not in away] or members[:1]
        chair = CHAIR if CHAIR in present else present[0]
        if self.run("meeting.attend", DIRECTOR, meeting=ref, present=present, chair=chair):
            event("attendance recorded")

    def vote_on(self, number: str, data: st.DataObject, urgency: bool, tamper: str) -> None:
        from domain.operations.substitutes import presence_for

        if tamper == "postpone":
            self.run("case.decide", CHAIR, case=number, outcome="postponed")
            return

        def sitting(uow: UnitOfWork) -> list[str]:
            case = uow.cases.get(number)
            try:
                return sorted(presence_for(uow, uow.session.get_one(
                    Meeting, case.agenda_meeting_id), case).sitting)
            except TingflytError:
                return []

        voters = self.read(sitting)
        ballots = {v: data.draw(st.sampled_from(["for", "against"]), label="ballot")
                   for v in voters}
        if tamper == "drop" and ballots:
            ballots.pop(data.draw(st.sampled_from(sorted(ballots)), label="drop"))
        elif tamper == "outsider":
            ballots["aal-medlem-1"] = "for"
        elif tamper == "blank" and ballots:
            ballots[data.draw(st.sampled_from(sorted(ballots)), label="blank")] = "blank"
        if self.run("case.vote", CHAIR, case=number, ballots=ballots, urgency=urgency):
            event("vote recorded" + (" under urgency" if urgency else "")
                  + (f" ({tamper})" if tamper != "none" else ""))

    # -- invariants -------------------------------------------------------------------------
    @invariant()
    def every_decision_had_a_quorum(self) -> None:
        def check(uow: UnitOfWork) -> None:
            for treatment in uow.session.scalars(select(Treatment).where(
                    Treatment.outcome.in_(["decided", "referred", "not_adopted"]))):
                assert treatment.proposal_id is not None, "a decision without a vote"
                proposal = uow.session.get_one(Proposal, treatment.proposal_id)
                meeting = uow.session.get_one(Meeting, treatment.meeting_id)
                seats = len(seats_of(uow, meeting.body_id))
                voters = list(uow.session.scalars(select(Ballot.voter_id).where(
                    Ballot.proposal_id == proposal.id)))
                assert len(voters) >= quorum_needed(seats), (
                    f"{treatment.case_id}: {len(voters)} voters of {seats} seats")
                if meeting.kind != "written":
                    sitting = set(uow.session.scalars(select(Attendance.person_id).where(
                        Attendance.meeting_id == meeting.id,
                        Attendance.seat_id.is_not(None))))
                    assert set(voters) <= sitting, "a vote from someone not present"

        self.read(check)

    @invariant()
    def every_urgency_decision_is_reported(self) -> None:
        def check(uow: UnitOfWork) -> None:
            for treatment in uow.session.scalars(select(Treatment).where(
                    Treatment.basis == "urgency")):
                reports = list(uow.session.scalars(select(Case).where(
                    Case.kind == "urgency_report", Case.related_case_id == treatment.case_id)))
                assert len(reports) == 1, "an urgency decision without exactly one report"
                report = reports[0]
                assembly = uow.session.get_one(Case, treatment.case_id).competent_body_id
                # the first assembly meeting whose notice went out after the decision carries it
                first = uow.session.scalars(select(Meeting).where(
                    Meeting.body_id == assembly, Meeting.notified_at.is_not(None),
                    Meeting.notified_at >= treatment.recorded_at)
                    .order_by(Meeting.notified_at)).first()
                if first is not None:
                    from domain.store.tables import AgendaItem

                    on_it = uow.session.scalars(select(AgendaItem.id).where(
                        AgendaItem.meeting_id == first.id,
                        AgendaItem.case_id == report.id)).first()
                    assert on_it is not None, f"{first.ref} was frozen without the report"

        self.read(check)


def test_no_sequence_of_commands_breaks_the_rules(tmp_path_factory, sqlite_template) -> None:  # noqa: ANN001
    global TEMPLATE
    folder = tmp_path_factory.mktemp("stateful")
    TEMPLATE = folder / "template.sqlite"
    shutil.copy(sqlite_template, TEMPLATE)
    CouncilSeason.TestCase.settings = settings(
        max_examples=25, stateful_step_count=30, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    CouncilSeason.TestCase().runTest()
