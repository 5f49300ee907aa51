"""Meetings over time: added late, cancelled, changed in the plan, over without outcomes."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import select

from config.organisation import load_organisation
from domain.commands import organisation as org_service
from domain.errors import IllegalTransition, InvalidInput, RuleViolation
from domain.queries.meetings import meeting_detail
from domain.store.tables import AgendaItem, Alert, Meeting
from domain.store.uow import UnitOfWork
from tests.conftest import CE, CHAIR, DIRECTOR, HALLINGDAL, OSLO, Db
from tests.integration.test_case_lifecycle import case_of, hold_meeting, register


def recommended(db: Db, title: str = "Sak", **kwargs: object) -> str:
    number = register(db, title, **kwargs)
    db.run("case.recommend", CE, case=number, text="Tilråding.")
    db.reconcile(number)
    return number


def test_meeting_added_on_its_notice_day_keeps_its_agenda_open(db: Db) -> None:
    db.at(date(2026, 8, 4), time(10, 0))
    meeting = db.run("meeting.add", DIRECTOR, body="council", date=date(2026, 8, 6),
                     urgent=True, reason="Høyringsfrist")
    assert meeting.notice_date == date(2026, 8, 4)
    db.sweep()
    assert db.read(lambda uow: uow.meetings.get("RR-2026-08-06").status) == "planned"
    assert meeting.notice_at.astimezone(OSLO) == datetime(2026, 8, 4, 16, 0, tzinfo=OSLO)
    db.at(date(2026, 8, 4), time(16, 0))
    db.sweep()
    notified = db.read(lambda uow: uow.meetings.get("RR-2026-08-06"))
    assert notified.status == "notified" and not notified.notice_late


def test_urgent_case_moves_to_the_meeting_called_for_it(db: Db) -> None:
    number = recommended(db, "Høyringssvar", kind="statement",
                         deadline=date(2026, 8, 12))
    case = case_of(db, number)
    assert case["urgent"]
    # nothing decides by 12.08, so the preparation aims before the deadline itself
    assert case["preparation_deadline"] <= "2026-08-11"
    db.run("meeting.add", DIRECTOR, body="council", date=date(2026, 8, 7), urgent=True,
           reason="Høyringsfrist 12.08")
    db.sweep()
    case = case_of(db, number)
    assert case["agenda"]["meeting"] == "RR-2026-08-07"
    assert not case["urgent"]
    moved = [e for e in case["trace"] if e["action"] == "case.move"]
    assert moved and "RR-2026-08-27" in moved[0]["reason"]


def test_a_meeting_past_its_time_without_notice_is_flagged_not_notified(db: Db) -> None:
    number = recommended(db)
    db.at(date(2026, 8, 28))  # the sweep did not run from 03.08 until after the meeting
    report = db.sweep()
    meeting = db.read(lambda uow: uow.meetings.get("RR-2026-08-27"))
    assert meeting.status == "planned" and meeting.notified_at is None
    assert any("passert utan" in line for line in report.meetings)
    with pytest.raises(RuleViolation) as late:
        db.run("meeting.notice", DIRECTOR, meeting="RR-2026-08-27")
    assert "[cmd:meeting.cancel|meeting=" in late.value.hint
    db.run("meeting.cancel", DIRECTOR, meeting="RR-2026-08-27", reason="Vart ikkje kalla inn")
    db.sweep()
    case = case_of(db, number)
    assert case["agenda"]["meeting"] == "RR-2026-09-24"
    assert db.read(lambda uow: uow.meetings.get("RR-2026-08-27").status) == "cancelled"


def test_outcomes_not_recorded_after_a_meeting_are_asked_for(db: Db) -> None:
    first, second = recommended(db, "A"), recommended(db, "B")
    hold_meeting(db, "RR-2026-08-27", {first: "decided"})
    db.at(date(2026, 8, 28), time(16, 0))
    report = db.sweep()
    assert any(second in line and "ikkje ført" in line for line in report.meetings)
    alert = db.read(lambda uow: uow.session.scalars(
        select(Alert).where(Alert.kind == "outcome_missing")).one())
    assert second in alert.message and first not in alert.message


def test_assembly_case_sent_back_starts_again_at_the_council(db: Db) -> None:
    report = register(db, "Årsmelding 2026", kind="annual_report")
    db.run("case.recommend", CE, case=report, text="Godkjenn.")
    db.reconcile(report)
    hold_meeting(db, "RR-2026-08-27", {report: "referred"})
    assert case_of(db, report)["agenda"]["meeting"] == "HT-2026-12-03"
    hold_meeting(db, "HT-2026-12-03", {report: "sent_back"}, text="Manglar rekneskap.")
    case = case_of(db, report)
    assert case["state"] == "in_preparation"
    assert case["current_body"] == "council"  # the council gives a new recommendation
    db.run("case.recommend", CE, case=report, text="Ny tilråding.")
    db.reconcile(report)
    assert case_of(db, report)["agenda"]["meeting"].startswith("RR-")


def test_minutes_are_approved_once_even_when_meetings_are_added_out_of_order(db: Db) -> None:
    hold_meeting(db, "RR-2026-08-27", {})
    db.at(date(2026, 9, 17), time(9, 0))
    db.sweep()  # RR-2026-09-24 is frozen: it approves the minutes of 27.08
    db.run("meeting.add", DIRECTOR, body="council", date=date(2026, 9, 22), urgent=True,
           reason="Hast")
    db.run("meeting.notice", DIRECTOR, meeting="RR-2026-09-22")
    db.at(date(2026, 9, 23))
    db.run("meeting.add", DIRECTOR, body="council", date=date(2026, 10, 1),
           place="Gol rådhus", reason="Ekstra")
    db.run("meeting.notice", DIRECTOR, meeting="RR-2026-10-01")

    def approvals(uow: UnitOfWork) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for item in uow.session.scalars(select(AgendaItem).where(
                AgendaItem.kind == "minutes_approval")):
            approved = uow.session.get(Meeting, item.related_meeting_id)
            out.setdefault(item.meeting.ref, []).append(approved.ref)
        return out

    result = db.read(approvals)
    assert result["RR-2026-09-24"] == ["RR-2026-08-27"]
    assert "RR-2026-09-22" not in result  # 27.08 is approved at 24.09 already
    assert sorted(result["RR-2026-10-01"]) == ["RR-2026-09-22", "RR-2026-09-24"]


def test_two_meetings_of_one_body_on_one_day_are_refused(db: Db) -> None:
    with pytest.raises(RuleViolation) as refused:
        db.run("meeting.add", DIRECTOR, body="council", date=date(2026, 9, 24),
               place="Gol", reason="Ekstra")
    assert "RR-2026-09-24" in refused.value.message


def test_withdrawn_from_a_frozen_agenda_stays_listed_but_leaves_the_case(db: Db) -> None:
    number = recommended(db)
    meeting = db.read(lambda uow: uow.meetings.get("RR-2026-08-27"))
    db.clock.set(meeting.notice_at)
    db.sweep()
    db.run("case.withdraw", DIRECTOR, case=number, reason="Søkjaren trekte søknaden.")
    db.reconcile(number)
    case = case_of(db, number)
    assert case["state"] == "closed" and case["agenda"] is None
    agenda = db.read(lambda uow: meeting_detail(uow, uow.meetings.get("RR-2026-08-27")))["agenda"]
    assert [i["withdrawn"] for i in agenda if i["case"] == number] == [True]


def _edit(path: Path, old: str, new: str) -> Path:
    text = HALLINGDAL.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_changed_notice_period_moves_the_planned_meetings_and_their_deadlines(
        db: Db, tmp_path: Path) -> None:
    number = register(db)  # aims at RR-2026-08-27: preparation deadline 13.08
    path = _edit(tmp_path / "h.toml", "notice_days = 7\npreparation_days = 7",
                 "notice_days = 10\npreparation_days = 7")
    with UnitOfWork(db.engine, db.clock) as uow:
        org_service.load_organisation(uow, load_organisation(path))
        uow.commit()
    meeting = db.read(lambda uow: uow.meetings.get("RR-2026-08-27"))
    assert meeting.notice_date == date(2026, 8, 17)  # 10 days before Thu 27.08: Mon 17.08
    assert meeting.preparation_deadline == date(2026, 8, 10)
    case = case_of(db, number)
    assert case["preparation_deadline"] == "2026-08-10"
    assert [d["due_date"] for d in case["deadlines"] if d["status"] == "open"
            and d["kind"] == "preparation"] == ["2026-08-10"]


def test_a_meeting_with_a_confidential_case_cannot_become_remote(db: Db,
                                                                tmp_path: Path) -> None:
    number = recommended(db, "Søknad", kind="fund_allocation",
                         exempt="offl. § 13 jf. fvl. § 13 første ledd nr. 2")
    assert case_of(db, number)["agenda"]["meeting"] == "RR-2026-08-27"
    text = HALLINGDAL.read_text(encoding="utf-8")
    marker = 'body = "council"\ndate = 2026-08-27'
    assert marker in text
    path = tmp_path / "h.toml"
    path.write_text(text.replace(marker, marker + "\nremote = true", 1), encoding="utf-8")
    before = db.counts()
    with UnitOfWork(db.engine, db.clock) as uow, pytest.raises(RuleViolation) as refused:
        org_service.load_organisation(uow, load_organisation(path))
    assert number in refused.value.message and "11-7" in refused.value.message
    assert db.counts() == before


def test_record_outcome_is_refused_for_a_case_not_on_an_agenda(db: Db) -> None:
    number = register(db)
    with pytest.raises(IllegalTransition) as refused:
        db.run("case.decide", CHAIR, case=number, outcome="decided")
    assert "under utgreiing" in refused.value.message


def _alerts(db: Db, kind: str) -> list[Alert]:
    return db.read(lambda uow: list(uow.session.scalars(select(Alert).where(Alert.kind == kind))))


def test_minutes_not_sent_by_the_bodys_minutes_due_days_are_asked_for_once(db: Db) -> None:
    number = recommended(db, "A")
    hold_meeting(db, "RR-2026-08-27", {number: "decided"})
    # the council has minutes_due_days = 7: the last day is 03.09, so 03.09 is still in time
    db.at(date(2026, 9, 3), time(23, 0))
    db.sweep()
    assert _alerts(db, "minutes_late") == []
    db.at(date(2026, 9, 4), time(9, 30))
    report = db.sweep()
    late = _alerts(db, "minutes_late")
    assert len(late) == 1 and "03.09.2026" in late[0].message
    assert "[cmd:meeting.send_minutes|meeting=RR-2026-08-27]" in late[0].message
    assert any("Møteboka frå" in line for line in report.meetings)
    assert DIRECTOR in late[0].recipients
    db.at(date(2026, 9, 5), time(9, 30))
    again = db.sweep()  # asked once: a later run says nothing more
    assert len(_alerts(db, "minutes_late")) == 1 and again.meetings == []


def test_minutes_sent_in_time_raise_nothing(db: Db) -> None:
    number = recommended(db, "A")
    hold_meeting(db, "RR-2026-08-27", {number: "decided"})
    db.at(date(2026, 8, 29), time(10, 0))
    db.run("meeting.send_minutes", DIRECTOR, meeting="RR-2026-08-27")
    db.at(date(2026, 9, 10))
    db.sweep()
    assert _alerts(db, "minutes_late") == []


def test_a_sweep_limited_to_a_part_leaves_the_other_parts_for_their_runs(db: Db) -> None:
    from domain.engine.sweep import sweep

    number = recommended(db, "A")
    db.at(date(2026, 8, 20), time(8, 5))  # the notice of RR-2026-08-27 is due
    only_cases = sweep(db.engine, db.clock, parts=["cases", "deadlines"])
    assert only_cases.meetings == []
    assert db.read(lambda uow: uow.meetings.get("RR-2026-08-27").status) == "planned"
    notices = sweep(db.engine, db.clock, parts=["notices"])
    assert any("Innkalling sendt" in line for line in notices.meetings)
    assert db.read(lambda uow: uow.meetings.get("RR-2026-08-27").status) == "notified"
    assert case_of(db, number)["agenda"]["agenda_number"] == "RR 1/26"
    with pytest.raises(InvalidInput) as wrong:
        sweep(db.engine, db.clock, parts=["notice"])
    assert wrong.value.field == "parts" and "notices" in wrong.value.hint
