"""The council's urgency authority (KL § 11-8 (1)): its scope is the assembly's delegation in the
organisation file, and the report of an urgency decision is on the assembly's next open agenda
as soon as the vote is recorded, in the same transaction."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from domain.errors import RuleViolation
from domain.store.tables import AgendaItem, Alert, Case, JournalEntry, Meeting
from tests.conftest import CE, CHAIR, DIRECTOR, Db
from tests.integration.test_case_lifecycle import case_of, open_session, register
from tests.integration.test_recusal_substitutes import reload

RR = "RR-2026-08-27"
HT = "HT-2026-12-03"
URGENCY_LINE = 'urgency_authority = ["ordinary", "statement", "fund_allocation"]'


def urgent_assembly_case(db: Db, kind: str = "statement") -> str:
    """From 14.08 the assembly cannot be convened by 31.08; the council meets 27.08."""
    db.at(date(2026, 8, 14))
    number = register(db, "Uttale om sjukehusstruktur", kind=kind, body="assembly",
                      deadline=date(2026, 8, 31))
    db.run("case.recommend", CE, case=number, text="Regionen krev akuttfunksjonane haldne oppe.")
    db.reconcile(number)
    return number


def reports(db: Db) -> list[Case]:
    return db.read(lambda uow: list(uow.session.scalars(
        select(Case).where(Case.kind == "urgency_report"))))


# -- the report, at once --------------------------------------------------------------------------

def test_the_report_is_on_the_assemblys_next_agenda_when_the_vote_commits(db: Db) -> None:
    number = urgent_assembly_case(db)
    open_session(db, RR)
    db.run("case.vote", CHAIR, case=number, unanimous=True, urgency=True)
    # no sweep, no reconcile: the vote's own transaction put it there
    [report] = reports(db)
    assert report.state == "on_agenda" and report.related_case_id is not None
    placed = db.read(lambda uow: uow.session.execute(
        select(Meeting.ref, AgendaItem.section).join(Meeting, Meeting.id == AgendaItem.meeting_id)
        .where(AgendaItem.case_id == report.id)).all())
    assert [tuple(row) for row in placed] == [(HT, "standing")]
    assert case_of(db, report.number)["agenda"]["meeting"] == HT
    trace = db.read(lambda uow: [(e.action, e.actor_id, e.reason) for e in uow.session.scalars(
        select(JournalEntry).where(JournalEntry.case_id == report.id)
        .order_by(JournalEntry.id))])
    assert [a for a, _, _ in trace] == ["case.register", "case.place"]
    assert trace[1][1] == "tingflyt" and "11-8 (1)" in trace[1][2]
    # it stays where it is: the rule for a report's meeting agrees (check_report_target)
    with pytest.raises(RuleViolation):
        db.run("case.place", DIRECTOR, case=report.number, meeting="HT-2027-05-27")
    db.sweep()
    assert case_of(db, report.number)["agenda"]["meeting"] == HT


def test_a_refused_urgency_vote_makes_no_report(db: Db) -> None:
    number = register(db, "Uttale", kind="statement", body="assembly")  # not urgent
    db.run("case.recommend", CE, case=number, text="Tilråding.")
    db.reconcile(number)
    open_session(db, RR)
    with pytest.raises(RuleViolation):
        db.run("case.vote", CHAIR, case=number, unanimous=True, urgency=True)
    assert reports(db) == []


def test_without_an_open_assembly_meeting_the_report_waits_and_the_daily_leader_is_told(
        db: Db) -> None:
    number = urgent_assembly_case(db)
    for ref in (HT, "HT-2027-05-27"):
        db.run("meeting.cancel", DIRECTOR, meeting=ref, reason="Flytta")
    open_session(db, RR)
    db.run("case.vote", CHAIR, case=number, unanimous=True, urgency=True)
    [report] = reports(db)
    assert (report.state, report.agenda_meeting_id) == ("registered", None)
    alerts = db.read(lambda uow: list(uow.session.scalars(select(Alert).where(
        Alert.kind == "no_meeting", Alert.case_id == report.id))))
    assert len(alerts) == 1 and alerts[0].recipients == [DIRECTOR]
    assert "melding om hastevedtak" in alerts[0].message and "[cmd:meeting.add]" in \
        alerts[0].message
    db.sweep()  # the engine carries it on, and does not say it twice
    assert db.read(lambda uow: len(uow.session.scalars(select(Alert.id).where(
        Alert.kind == "no_meeting", Alert.case_id == report.id)).all())) == 1
    db.run("meeting.add", DIRECTOR, body="assembly", date=date(2026, 11, 19),
           reason="Nytt møte")
    db.sweep()
    assert case_of(db, report.number)["agenda"]["meeting"] == "HT-2026-11-19"


# -- the scope is the assembly's delegation -------------------------------------------------------

def test_an_assembly_only_kind_is_refused_citing_the_file_and_the_agreement(db: Db) -> None:
    budget = register(db, "Årsbudsjett 2027", kind="budget")
    db.run("case.recommend", CE, case=budget, text="Tilråding.")
    db.reconcile(budget)
    open_session(db, RR)
    with pytest.raises(RuleViolation) as refused:
        db.run("case.vote", CHAIR, case=budget, unanimous=True, urgency=True)
    message = refused.value.message
    assert "organisasjonsfila" in message and "urgency_authority" in message
    assert "3a" in message and "«uttale / høyringssvar»" in message
    assert refused.value.field == "urgency"


def test_a_kind_the_assembly_did_not_delegate_is_refused_citing_the_file(
        db: Db, tmp_path: Path) -> None:
    reload(db, tmp_path, (URGENCY_LINE, 'urgency_authority = ["ordinary"]'))
    assert db.read(lambda uow: uow.bodies.get("council").urgency_authority) == ["ordinary"]
    number = urgent_assembly_case(db)
    open_session(db, RR)
    before = db.counts()
    with pytest.raises(RuleViolation) as refused:
        db.run("case.vote", CHAIR, case=number, unanimous=True, urgency=True)
    message = refused.value.message
    assert "«uttale / høyringssvar»" in message and "organisasjonsfila" in message
    assert "urgency_authority" in message and "3a" not in message
    assert "urgency_authority" in refused.value.hint
    assert db.counts() == before
    # without the urgency authority, the council's vote is its recommendation to the assembly
    db.run("case.vote", CHAIR, case=number, unanimous=True)
    assert case_of(db, number)["state"] == "referred"
    assert reports(db) == []


def test_an_assembly_that_delegates_more_lets_the_council_use_it_there_too(
        db: Db, tmp_path: Path) -> None:
    reload(db, tmp_path, (URGENCY_LINE, 'urgency_authority = ["ordinary", "statement", '
                                        '"fund_allocation", "budget"]'))
    budget = register(db, "Årsbudsjett 2027", kind="budget")
    db.run("case.recommend", CE, case=budget, text="Tilråding.")
    db.reconcile(budget)
    open_session(db, RR)
    with pytest.raises(RuleViolation) as refused:
        db.run("case.vote", CHAIR, case=budget, unanimous=True, urgency=True)
    # the kind is covered now; what stops it is that the budget is not urgent
    assert "ikkje ei hastesak" in refused.value.message
    assert "organisasjonsfila" not in refused.value.message


def test_the_file_is_loaded_again_with_the_default_when_the_setting_goes(
        db: Db, tmp_path: Path) -> None:
    reload(db, tmp_path, (URGENCY_LINE, 'urgency_authority = ["ordinary"]'))
    reload(db, tmp_path, (URGENCY_LINE + "\n", ""))
    assert set(db.read(lambda uow: uow.bodies.get("council").urgency_authority)) == {
        "ordinary", "statement", "fund_allocation"}


def test_the_urgency_options_follow_the_files_scope(db: Db, tmp_path: Path) -> None:
    """An urgent assembly case of a kind the assembly did not delegate is not offered the
    council's urgency authority; one of a delegated kind is."""
    number = urgent_assembly_case(db)
    offered = [o["kind"] for o in case_of(db, number)["urgency_options"]]
    assert "urgency_authority" in offered
    reload(db, tmp_path, (URGENCY_LINE, 'urgency_authority = ["ordinary"]'))
    db.reconcile(number)
    offered = [o["kind"] for o in case_of(db, number)["urgency_options"]]
    assert "urgency_authority" not in offered
