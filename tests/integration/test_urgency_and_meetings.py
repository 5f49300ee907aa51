"""Meetings, notices, principled cases, urgency and public access (domain.md sections 2-5)."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from domain.errors import InvalidInput, RuleViolation
from domain.queries.cases import case_detail, case_list
from domain.queries.format import PUBLIC
from domain.queries.meetings import meeting_detail
from domain.store.tables import Alert, Case
from tests.conftest import CE, CHAIR, DIRECTOR, Db
from tests.integration.test_case_lifecycle import case_of, hold_meeting, open_session, register


def test_principled_case_goes_to_the_assembly(db: Db) -> None:
    number = register(db, "Felles prinsipp for lokalisering", principled=True)
    case = case_of(db, number)
    assert case["competent_body"] == "assembly"
    assert case["current_body"] == "council"  # prepared by the council first
    assert "3b" in case["competence_reason"]


def test_principled_case_that_cannot_wait_is_decided_by_the_council(db: Db) -> None:
    # The next assembly meeting is 03.12.2026; the deadline is before it.
    number = register(db, "Innspel til regional plan", principled=True,
                      deadline=date(2026, 10, 30))
    case = case_of(db, number)
    assert case["competent_body"] == "council"
    assert case["decision_basis"] == "principled_cannot_wait"
    assert "30.10.2026" in case["competence_reason"] and "03.12.2026" in case["competence_reason"]
    assert not case["urgent"]  # the council meets in time


def test_principled_case_cannot_be_sent_to_the_council_when_it_can_wait(db: Db) -> None:

    with pytest.raises(RuleViolation) as refused:
        db.run("case.register", DIRECTOR, title="Prinsipiell", kind="ordinary", principled=True,
               body="council")
    assert "3b" in refused.value.message


def test_urgency_is_raised_with_lawful_options_and_alerts_leaders(db: Db) -> None:
    number = register(db, "Høyringssvar: domstolsstruktur", kind="statement",
                      deadline=date(2026, 8, 20))
    case = case_of(db, number)
    assert case["urgent"]
    assert "20.08.2026" in case["urgency_reason"] and "27.08.2026" in case["urgency_reason"]
    kinds = [o["kind"] for o in case["urgency_options"]]
    assert kinds == ["extra_meeting", "urgent_remote_meeting", "written_handling"]
    alert = db.read(lambda uow: uow.session.scalars(
        select(Alert).where(Alert.kind == "urgent_case")).one())
    assert set(alert.recipients) == {CHAIR, DIRECTOR}  # the leader and the daily leader
    assert alert.severity == "critical"


def test_urgency_clears_when_an_extra_meeting_takes_the_case(db: Db) -> None:
    number = register(db, "Høyringssvar: domstolsstruktur", kind="statement",
                      deadline=date(2026, 8, 20))
    db.run("meeting.add", DIRECTOR, body="council", date=date(2026, 8, 19), urgent=True,
           reason="Høyringsfristen 20.08")
    db.run("case.recommend", CE, case=number, text="Regionrådet går imot nedlegging.")
    db.reconcile(number)
    case = case_of(db, number)
    assert case["agenda"]["meeting"] == "RR-2026-08-19"  # the rule picks the one in time
    assert not case["urgent"]
    assert any(e["action"] == "case.urgency.cleared" for e in case["trace"])
    hold_meeting(db, "RR-2026-08-19", {number: "decided"})
    external = [d for d in case_of(db, number)["deadlines"] if d["kind"] == "external"]
    assert external[0]["status"] == "met"


def test_urgency_authority_reports_to_the_next_assembly_meeting(db: Db) -> None:
    # From 14.08 the assembly cannot be convened by 31.08: the council must first give its
    # recommendation (an extra meeting 21.08 at the earliest), then 14 days' notice.
    db.at(date(2026, 8, 14))
    number = register(db, "Uttale om sjukehusstruktur", kind="statement", body="assembly",
                      deadline=date(2026, 8, 31))
    case = case_of(db, number)
    assert case["urgent"]
    authority = [o for o in case["urgency_options"] if o["kind"] == "urgency_authority"]
    assert authority and authority[0]["meeting_ref"] == "RR-2026-08-27"
    db.run("case.recommend", CE, case=number, text="Regionen krev akuttfunksjonane haldne oppe.")
    db.reconcile(number)
    hold_meeting(db, "RR-2026-08-27", {number: "decided"}, urgency=True)
    decided = case_of(db, number)
    assert decided["state"] == "in_implementation"
    final = [t for t in decided["treatments"] if t["authoritative"]]
    assert final[0]["basis"] == "urgency" and final[0]["body"] == "council"
    reports = db.read(lambda uow: [c.number for c in uow.session.scalars(
        select(Case).where(Case.kind == "urgency_report"))])
    assert len(reports) == 1
    report = case_of(db, reports[0])
    assert report["related_case"] == number
    assert report["agenda"]["meeting"] == "HT-2026-12-03"
    # the report stands first among the assembly's items, after the minutes
    hold = db.read(lambda uow: uow.meetings.get("HT-2026-12-03"))
    db.clock.set(hold.notice_at)
    db.sweep()
    agenda = db.read(lambda uow: meeting_detail(uow, uow.meetings.get("HT-2026-12-03")))["agenda"]
    assert agenda[0]["case"] == reports[0] and agenda[0]["section"] == "standing"
    assert agenda[0]["agenda_number"] == "HT 1/26"


def test_urgency_authority_is_not_offered_while_the_assembly_can_be_convened(db: Db) -> None:
    number = register(db, "Uttale", kind="statement", body="assembly",
                      deadline=date(2026, 10, 1))
    case = case_of(db, number)
    kinds = [o["kind"] for o in case["urgency_options"]]
    assert case["urgent"] and kinds == ["extra_meeting"]
    assert "må først gje innstilling" in case["urgency_options"][0]["text"]
    db.run("case.recommend", CE, case=number, text="Tilråding.")
    db.reconcile(number)
    open_session(db, "RR-2026-08-27")
    with pytest.raises(RuleViolation) as refused:
        db.run("case.vote", CHAIR, case=number, unanimous=True, urgency=True)
    assert "11-8 (1)" in refused.value.message and "10.09.2026" in refused.value.message


def test_urgency_authority_refused_when_the_case_is_not_urgent(db: Db) -> None:
    number = register(db, "Uttale", kind="statement", body="assembly")
    db.run("case.recommend", CE, case=number, text="Tilråding.")
    db.reconcile(number)
    open_session(db, "RR-2026-08-27")
    with pytest.raises(RuleViolation) as refused:
        db.run("case.vote", CHAIR, case=number, unanimous=True, urgency=True)
    assert "ikkje ei hastesak" in refused.value.message


def test_exempt_case_is_never_public_and_never_on_a_remote_meeting(db: Db) -> None:
    number = register(db, "Søknad frå Bedrift AS om tilskot", kind="fund_allocation",
                      exempt="offl. § 13 jf. fvl. § 13 første ledd nr. 2",
                      public_title="Søknad om tilskot", description="Marknadsplanar",
                      aim="RR-2026-12-10")
    db.at(date(2026, 12, 20))
    db.run("case.recommend", CE, case=number, text="Innvilga 250 000 kr.")
    db.reconcile(number)
    case = case_of(db, number)
    # RR-2027-01-28 is a remote meeting: a closed meeting for confidentiality cannot be remote
    assert case["agenda"]["meeting"] == "RR-2027-03-04"
    with pytest.raises(RuleViolation) as refused:
        db.run("case.place", DIRECTOR, case=number, meeting="RR-2027-01-28")
    assert "11-7" in refused.value.hint
    public = db.read(lambda uow: case_detail(uow, uow.cases.get(number), PUBLIC))
    text = repr(public)
    for secret in ("Bedrift AS", "Marknadsplanar", "250 000"):
        assert secret not in text
    assert public["title"] == "Søknad om tilskot"
    assert public["exempt_basis"].startswith("offl. § 13")
    listed = db.read(lambda uow: case_list(uow))  # no --as: the public view
    assert "Bedrift AS" not in repr(listed)
    agenda = db.read(lambda uow: meeting_detail(uow, uow.meetings.get("RR-2027-03-04"), PUBLIC))
    assert "Bedrift AS" not in repr(agenda)
    internal = db.read(lambda uow: case_detail(uow, uow.cases.get(number)))
    assert internal["title"] == "Søknad frå Bedrift AS om tilskot"


def test_extra_meeting_needs_ordinary_notice(db: Db) -> None:
    before = db.counts()
    with pytest.raises(RuleViolation) as refused:
        db.run("meeting.add", DIRECTOR, body="council", date=date(2026, 8, 7))
    assert "31.07.2026" in refused.value.message  # 7 days before 07.08
    assert "[field:urgent]" in refused.value.hint
    with pytest.raises(RuleViolation):
        db.run("meeting.add", DIRECTOR, body="assembly", date=date(2026, 8, 20), urgent=True,
               reason="Hast")
    with pytest.raises(InvalidInput):
        db.run("meeting.add", DIRECTOR, body="council", date=date(2026, 12, 25))
    assert db.counts() == before
    meeting = db.run("meeting.add", DIRECTOR, body="council", date=date(2026, 8, 14),
                     place="Gol rådhus", reason="Ekstra møte")
    assert meeting.ref == "RR-2026-08-14"
    assert meeting.notice_date == date(2026, 8, 7)
    assert meeting.preparation_deadline == date(2026, 7, 31)


def test_notice_day_moves_off_holidays(db: Db) -> None:
    meeting = db.read(lambda uow: uow.meetings.get("RR-2027-04-01"))
    assert meeting.notice_date == date(2027, 3, 24)  # 25.03.2027 is Maundy Thursday
    assert meeting.preparation_deadline == date(2027, 3, 17)


def test_late_notice_is_flagged_when_the_sweep_did_not_run(db: Db) -> None:
    db.at(date(2026, 8, 21), time(9, 0))  # the day after RR-2026-08-27's notice day
    report = db.sweep()
    meeting = db.read(lambda uow: uow.meetings.get("RR-2026-08-27"))
    assert meeting.status == "notified" and meeting.notice_late
    alerts = db.read(lambda uow: uow.session.scalars(
        select(Alert).where(Alert.kind == "notice_late")).all())
    assert len(alerts) == 1 and alerts[0].severity == "critical"
    assert any("RR-2026-08-27" in line for line in report.meetings)


def test_staff_can_send_the_notice_early(db: Db) -> None:
    db.run("meeting.notice", DIRECTOR, meeting="RR-2026-08-27")
    meeting = db.read(lambda uow: uow.meetings.get("RR-2026-08-27"))
    assert meeting.status == "notified" and not meeting.notice_late
    with pytest.raises(RuleViolation):
        db.run("meeting.notice", DIRECTOR, meeting="RR-2026-08-27")


def test_sweep_is_idempotent(db: Db) -> None:
    for title in ("A", "B", "C"):
        register(db, title)
    db.at(date(2026, 8, 20), time(8, 0))
    first = db.sweep()
    journal = db.count("journal")
    second = db.sweep()
    assert first.changed
    assert not second.changed and second.looked_at == 0
    assert db.count("journal") == journal


def test_sweep_touches_only_what_is_due(db: Db) -> None:

    for n in range(40):
        db.run("case.register", DIRECTOR, title=f"Sak {n}", kind="ordinary")
    first = db.sweep()
    assert first.looked_at == 40 + 0  # the 40 new cases, nothing else is due
    db.at(date(2026, 8, 4))
    assert db.sweep().looked_at == 0  # nothing falls due the next day


def test_case_waits_for_a_meeting_and_gets_its_deadline_when_one_is_added(db: Db) -> None:
    db.at(date(2027, 5, 28))  # after RR-2027-06-03's preparation deadline (20.05)
    number = register(db, "Sak etter siste møte")
    case = case_of(db, number)
    assert case["state"] == "in_preparation" and case["preparation_deadline"] is None
    journal = db.count("journal")
    assert db.reconcile(number) == []  # nothing to do, and nothing written, until a meeting
    assert db.count("journal") == journal
    alerts = db.read(lambda uow: uow.session.scalars(
        select(Alert.message).where(Alert.kind == "no_meeting")).all())
    assert len(alerts) == 1 and number in alerts[0]
    db.run("meeting.add", DIRECTOR, body="council", date=date(2027, 6, 24),
           place="Gol rådhus", reason="Ekstra møte før sommaren")
    db.sweep()  # the new meeting wakes the waiting case
    assert case_of(db, number)["preparation_deadline"] == "2027-06-10"


def test_exempt_content_is_for_the_bodies_that_handle_the_case(db: Db) -> None:
    from domain.queries.cases import case_audience

    number = register(db, "Søknad frå Bedrift AS", kind="fund_allocation",
                      exempt="offl. § 13 jf. fvl. § 13 første ledd nr. 2",
                      public_title="Søknad om tilskot")

    def audience(actor: str | None) -> str:
        return db.read(lambda uow: case_audience(uow, actor, uow.cases.get(number)))

    assert audience(None) == "public"
    assert audience(DIRECTOR) == "internal"  # the secretariat
    assert audience("hol-kommunedirektor") == "internal"  # a chief executive prepares it
    assert audience("aal-ordforar") == "internal"  # a member of the council, which decides
    assert audience("aal-medlem-1") == "public"  # an assembly member: not this body's case
