"""Cases through their life on a real database (SQLite and PostgreSQL): domain.md section 2."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from domain.errors import IllegalTransition, InvalidInput, NotAllowed, RuleViolation
from domain.queries.cases import case_detail
from domain.store.tables import AgendaItem, JournalEntry, Meeting, Treatment
from domain.store.uow import UnitOfWork
from tests.conftest import CE, CHAIR, DIRECTOR, MAYOR, MEMBER, STAFF, Db


def register(db: Db, title: str = "Felles breibandsatsing", kind: str = "ordinary",
             actor: str = DIRECTOR, **kwargs) -> str:
    case = db.run("case.register", actor, title=title, kind=kind, **kwargs)
    db.reconcile(case.number)
    return case.number


def case_of(db: Db, number: str) -> dict:
    return db.read(lambda uow: case_detail(uow, uow.cases.get(number)))


def open_session(db: Db, ref: str, *, absent: tuple[str, ...] = (),
                 substitutes: dict[str, str] | None = None, chair: str = CHAIR) -> None:
    """Move the clock to the meeting, let the notice go out, and record who came: every
    member of the body except ``absent`` (and ``substitutes``: substitute -> seat)."""
    from domain.operations.substitutes import seats_of

    meeting = db.read(lambda uow: uow.meetings.get(ref))
    db.clock.set(meeting.notice_at)
    db.sweep()
    db.clock.set(meeting.starts_at)
    db.sweep()
    members = db.read(lambda uow: [s.member_id for s in seats_of(uow, meeting.body_id)])
    db.run("meeting.attend", DIRECTOR, meeting=ref,
           present=[m for m in members if m not in absent], substitutes=substitutes or {},
           chair=chair)


def hold_meeting(db: Db, ref: str, outcomes: dict[str, str], actor: str = CHAIR,
                 text: str | None = None, urgency: bool = False) -> None:
    """Hold a meeting where everyone came: decisions by unanimous vote, a rejection by
    everyone voting against, procedural outcomes recorded as such."""

    open_session(db, ref)
    for number, outcome in outcomes.items():
        kind = db.read(lambda uow, n=number: uow.cases.get(n).kind)
        if outcome in ("decided", "referred") and kind not in ("information",
                                                             "urgency_report"):
            db.run("case.vote", actor, case=number, unanimous=True, proposal=text,
                   urgency=urgency)
        elif outcome == "not_adopted":
            present = db.read(lambda uow, n=number: _present(uow, n))
            db.run("case.vote", actor, case=number, ballots={p: "against" for p in present},
                   proposal=text)
        else:
            db.run("case.decide", actor, case=number, outcome=outcome, text=text)
    db.sweep()


def _present(uow: UnitOfWork, number: str) -> list[str]:
    from domain.operations.substitutes import presence_for

    case = uow.cases.get(number)
    return list(presence_for(uow, uow.session.get(Meeting, case.agenda_meeting_id),
                             case).sitting)


def test_case_numbers_run_per_year(db: Db) -> None:
    first = register(db, "Første sak")
    second = register(db, "Andre sak")
    db.at(date(2027, 1, 4))
    third = register(db, "Første sak i 2027")
    assert (first, second, third) == ("2026/1", "2026/2", "2027/1")


def test_registration_derives_competent_body_and_origin(db: Db) -> None:
    budget = register(db, "Årsbudsjett 2027", kind="budget")
    from_mayor = register(db, "Oppmoding frå Ål", actor=MAYOR)
    from_ce = register(db, "Felles innkjøp", actor=CE)
    b, m, c = (case_of(db, n) for n in (budget, from_mayor, from_ce))
    assert b["competent_body"] == "assembly" and b["current_body"] == "council"
    assert m["competent_body"] == "council"
    assert (m["origin"], m["origin_municipality"]) == ("municipality", "aal")
    assert m["lead"] == "aal-kommunedirektor"  # the municipality's chief executive prepares
    assert c["origin"] == "admin_committee"


def test_a_plain_member_cannot_register(db: Db) -> None:
    before = db.counts()
    with pytest.raises(NotAllowed) as refused:
        db.run("case.register", MEMBER, title="Noko", kind="ordinary")
    assert "sekretariatet" in refused.value.message  # it says who may
    assert db.counts() == before


def test_flow_assigns_preparation_with_deadline_of_next_meeting(db: Db) -> None:
    number = register(db)
    case = case_of(db, number)
    assert case["state"] == "in_preparation"
    # RR-2026-08-27: notice Thu 20.08, preparation deadline Thu 13.08
    assert case["preparation_deadline"] == "2026-08-13"
    prep = [d for d in case["deadlines"] if d["kind"] == "preparation"]
    assert prep and prep[0]["status"] == "open"


def test_aim_at_a_later_meeting_sets_that_meetings_deadline(db: Db) -> None:
    number = register(db, aim="RR-2026-10-22")
    assert case_of(db, number)["preparation_deadline"] == "2026-10-08"


def test_recommended_case_goes_on_next_meeting_whose_deadline_it_meets(db: Db) -> None:
    early = register(db, "Tidleg")
    late = register(db, "Seint")
    db.run("case.recommend", CE, case=early, text="Tilråding.")
    db.reconcile(early)
    db.at(date(2026, 8, 14))  # after RR-2026-08-27's preparation deadline (13.08)
    db.run("case.recommend", CE, case=late, text="Tilråding.")
    db.reconcile(late)
    assert case_of(db, early)["agenda"]["meeting"] == "RR-2026-08-27"
    assert case_of(db, late)["agenda"]["meeting"] == "RR-2026-09-24"


def test_illegal_transition_names_state_and_allowed_steps(db: Db) -> None:
    number = register(db)
    with pytest.raises(IllegalTransition) as refused:
        db.run("case.place", DIRECTOR, case=number, meeting="RR-2026-08-27")
    assert "under utgreiing" in refused.value.message
    assert "leggje fram tilråding" in refused.value.hint


def test_notice_freezes_and_numbers_the_agenda_with_standing_items(db: Db) -> None:
    a = register(db, "Sak A")
    info = register(db, "Referat frå forum", kind="information")
    db.run("case.recommend", CE, case=a, text="Tilråding.")
    db.reconcile(a)
    hold_meeting(db, "RR-2026-08-27", {a: "decided", info: "decided"})
    b = register(db, "Sak B")
    db.run("case.recommend", CE, case=b, text="Tilråding.")
    db.reconcile(b)
    second = db.read(lambda uow: uow.meetings.get("RR-2026-09-24"))
    db.clock.set(second.notice_at)
    db.sweep()

    def agenda(uow):
        meeting = uow.meetings.get("RR-2026-09-24")
        items = uow.session.scalars(select(AgendaItem).where(
            AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position))
        return meeting.status, [(i.kind, i.number, i.year) for i in items]

    status, items = db.read(agenda)
    assert status == "notified"
    # numbering continues from the first meeting: RR 1/26 and RR 2/26 were used there
    assert items == [("minutes_approval", 3, 2026), ("case", 4, 2026)]
    first = case_of(db, a)
    assert first["treatments"][0]["agenda_number"] == "RR 1/26"
    assert case_of(db, info)["state"] == "closed"
    assert case_of(db, info)["closed_reason"] == "taken_for_information"


def test_frozen_agenda_cannot_be_changed(db: Db) -> None:
    a = register(db)
    db.run("case.recommend", CE, case=a, text="Tilråding.")
    db.reconcile(a)
    meeting = db.read(lambda uow: uow.meetings.get("RR-2026-08-27"))
    db.clock.set(meeting.notice_at)
    db.sweep()
    before = db.counts()
    with pytest.raises(RuleViolation) as refused:
        db.run("case.place", DIRECTOR, case=a, remove=True, reason="Ikkje klar")
    assert "innkallinga" in refused.value.message.lower()
    assert "11-3" in refused.value.hint
    assert db.counts() == before


def test_staff_move_and_remove_before_notice(db: Db) -> None:
    a = register(db)
    db.run("case.recommend", CE, case=a, text="Tilråding.")
    db.reconcile(a)
    db.run("case.place", DIRECTOR, case=a, meeting="RR-2026-09-24", reason="Treng meir tid")
    assert case_of(db, a)["agenda"]["meeting"] == "RR-2026-09-24"
    db.run("case.place", STAFF, case=a, remove=True, reason="Ventar på fylket")
    case = case_of(db, a)
    assert case["state"] == "recommended" and case["hold"] and case["agenda"] is None
    db.sweep()
    assert case_of(db, a)["agenda"] is None  # held: the rule does not put it back
    db.run("case.place", DIRECTOR, case=a)  # back to the rule
    assert case_of(db, a)["agenda"]["meeting"] == "RR-2026-08-27"


def test_assembly_case_is_referred_then_decided_with_one_authoritative_treatment(db: Db) -> None:
    budget = register(db, "Årsbudsjett 2027", kind="budget", aim="RR-2026-11-12")
    db.at(date(2026, 10, 28))
    db.run("case.recommend", CE, case=budget, text="Rammer som i saksframlegget.")
    db.reconcile(budget)
    assert case_of(db, budget)["agenda"]["meeting"] == "RR-2026-11-12"
    hold_meeting(db, "RR-2026-11-12", {budget: "referred"})
    after_council = case_of(db, budget)
    assert after_council["current_body"] == "assembly"
    assert after_council["agenda"]["meeting"] == "HT-2026-12-03"
    hold_meeting(db, "HT-2026-12-03", {budget: "decided"})
    case = case_of(db, budget)
    assert case["state"] == "in_implementation"
    outcomes = [(t["body"], t["outcome"], t["authoritative"]) for t in case["treatments"]]
    assert outcomes == [("council", "referred", False), ("assembly", "decided", True)]
    followup = [d for d in case["deadlines"] if d["kind"] == "followup"]
    assert followup and followup[0]["status"] == "open"
    db.run("case.close", DIRECTOR, case=budget, reason="Budsjettet er sendt kommunane.")
    case = case_of(db, budget)
    assert (case["state"], case["closed_reason"]) == ("closed", "implemented")


def test_council_cannot_decide_an_assembly_only_case(db: Db) -> None:

    budget = register(db, "Årsbudsjett 2027", kind="budget")
    db.run("case.recommend", CE, case=budget, text="Tilråding.")
    db.reconcile(budget)
    open_session(db, "RR-2026-08-27")
    before = db.counts()
    with pytest.raises(RuleViolation) as direct:
        db.run("case.decide", CHAIR, case=budget, outcome="decided")
    assert "røysting" in direct.value.message
    with pytest.raises(RuleViolation) as urgent:
        db.run("case.vote", CHAIR, case=budget, unanimous=True, urgency=True)
    assert "3a" in urgent.value.message
    assert db.counts() == before
    db.run("case.vote", CHAIR, case=budget, unanimous=True)  # the council's vote is a referral
    assert case_of(db, budget)["state"] == "referred"


def test_one_authoritative_decision_is_enforced_by_the_database(db: Db) -> None:
    from sqlalchemy.exc import IntegrityError

    from domain.store.uow import UnitOfWork

    a = register(db)
    db.run("case.recommend", CE, case=a, text="Tilråding.")
    db.reconcile(a)
    hold_meeting(db, "RR-2026-08-27", {a: "decided"})
    with UnitOfWork(db.engine, db.clock) as uow:
        existing = uow.session.scalars(select(Treatment)).one()
        meeting = uow.meetings.get("RR-2026-09-24")
        uow.session.add(Treatment(
            case_id=existing.case_id, body_id="council", meeting_id=meeting.id,
            outcome="decided", basis="ordinary", text="Ein gong til", authoritative=True,
            recorded_at=db.clock.now(), recorded_by_id=CHAIR, recorded_role="chair"))
        with pytest.raises(IntegrityError):
            uow.session.flush()


@pytest.mark.parametrize("outcome, state, extra", [
    ("postponed", "on_agenda", "RR-2026-09-24"),
    ("sent_back", "in_preparation", "2026-09-10"),
    ("not_adopted", "closed", "not_adopted"),
    ("withdrawn", "closed", "withdrawn"),
])
def test_outcomes_route_the_case(db: Db, outcome: str, state: str, extra: str) -> None:
    a = register(db)
    db.run("case.recommend", CE, case=a, text="Tilråding.")
    db.reconcile(a)
    text = None if outcome != "not_adopted" else "Framlegget fall."
    hold_meeting(db, "RR-2026-08-27", {a: outcome}, text=text)
    case = case_of(db, a)
    assert case["state"] == state
    if outcome == "postponed":
        assert case["agenda"]["meeting"] == extra
    elif outcome == "sent_back":
        assert case["preparation_deadline"] == extra
    else:
        assert case["closed_reason"] == extra
    assert sum(t["authoritative"] for t in case["treatments"]) == (
        1 if outcome == "not_adopted" else 0)


def test_decision_needs_a_notified_meeting_that_has_started(db: Db) -> None:
    a = register(db)
    db.run("case.recommend", CE, case=a, text="Tilråding.")
    db.reconcile(a)
    with pytest.raises(RuleViolation) as early:
        db.run("case.decide", CHAIR, case=a, outcome="decided")
    assert "11-3" in early.value.message
    meeting = db.read(lambda uow: uow.meetings.get("RR-2026-08-27"))
    db.clock.set(meeting.notice_at)
    db.sweep()
    with pytest.raises(RuleViolation):
        db.run("case.decide", CHAIR, case=a, outcome="decided")


def test_only_the_chair_or_staff_record_decisions(db: Db) -> None:
    a = register(db)
    db.run("case.recommend", CE, case=a, text="Tilråding.")
    db.reconcile(a)
    meeting = db.read(lambda uow: uow.meetings.get("RR-2026-08-27"))
    db.clock.set(meeting.notice_at)
    db.sweep()
    db.clock.set(meeting.starts_at)
    db.sweep()
    with pytest.raises(NotAllowed):
        db.run("case.decide", MAYOR, case=a, outcome="decided")


def test_withdraw_by_proposer_or_staff_only(db: Db) -> None:
    a = register(db, actor=MAYOR)
    with pytest.raises(NotAllowed):
        db.run("case.withdraw", "hol-ordforar", case=a, reason="Ikkje min sak")
    db.run("case.withdraw", MAYOR, case=a, reason="Kommunen trekkjer oppmodinga.")
    db.reconcile(a)
    case = case_of(db, a)
    assert (case["state"], case["closed_reason"]) == ("closed", "withdrawn")
    assert all(d["status"] != "open" for d in case["deadlines"])


def test_every_change_is_journaled_with_actor_and_role(db: Db) -> None:
    a = register(db, actor=MAYOR)
    db.run("case.recommend", CE, case=a, text="Tilråding.")
    db.reconcile(a)
    trace = case_of(db, a)["trace"]
    actions = [(e["action"], e["actor"], e["role"]) for e in trace]
    assert actions[0] == ("case.register", MAYOR, "mayor")
    assert ("case.prepare", "tingflyt", "system") in actions
    assert ("case.recommend", CE, "chief_executive") in actions
    assert ("case.place", "tingflyt", "system") in actions
    placed = next(e for e in trace if e["action"] == "case.place")
    assert placed["reason"]  # why: the rule that placed it


def test_a_refused_command_writes_nothing(db: Db) -> None:
    register(db)
    before = db.counts()
    with pytest.raises(InvalidInput):
        db.run("case.register", DIRECTOR, title="Sak med gammal frist", kind="statement",
               deadline=date(2026, 7, 1))
    with pytest.raises(InvalidInput):
        db.run("case.register", DIRECTOR, title="Unnateken utan heimel", kind="ordinary",
               exempt="fordi eg seier det")
    assert db.counts() == before


def test_reconcile_twice_does_nothing_twice(db: Db) -> None:
    a = register(db)
    journal = db.count("journal")
    assert db.reconcile(a) == []
    assert db.count("journal") == journal


def test_closing_requires_implementation(db: Db) -> None:
    a = register(db)
    with pytest.raises(IllegalTransition):
        db.run("case.close", DIRECTOR, case=a, reason="Ferdig")


def test_information_items_need_no_preparation(db: Db) -> None:
    info = register(db, "Referat frå Næringsforum", kind="information")
    case = case_of(db, info)
    assert case["state"] == "on_agenda"
    assert case["preparation_deadline"] is None
    section = db.read(lambda uow: uow.session.scalars(select(AgendaItem.section).where(
        AgendaItem.case_id == uow.cases.get(info).id)).one())
    assert section == "information"


def test_journal_rows_reference_cases(db: Db) -> None:
    a = register(db)
    rows = db.read(lambda uow: uow.session.scalars(select(JournalEntry).where(
        JournalEntry.case_id == uow.cases.get(a).id)).all())
    assert all(r.at.tzinfo is not None for r in rows)
    assert {r.action for r in rows} >= {"case.register", "case.prepare"}


def test_missed_preparation_deadline_moves_to_next_meeting(db: Db) -> None:
    a = register(db)
    db.at(date(2026, 8, 13), time(8, 0))
    report = db.sweep()  # reminder was at 10.08; now nothing new
    db.at(date(2026, 8, 14), time(0, 5))
    report = db.sweep()
    assert any("gjekk ut 13.08.2026" in line for line in report.deadlines)
    case = case_of(db, a)
    assert case["preparation_deadline"] == "2026-09-10"
    statuses = sorted(d["status"] for d in case["deadlines"] if d["kind"] == "preparation")
    assert statuses == ["missed", "open"]


def test_deadline_reminder_and_alert_once(db: Db) -> None:
    a = register(db)
    db.at(date(2026, 8, 10), time(8, 0))  # reminder_days 3 before 13.08 -> Mon 10.08
    first = db.sweep()
    second = db.sweep()
    assert any(a in line and "Påminning" in line for line in first.deadlines)
    assert second.deadlines == [] and not second.changed
    assert db.count("alerts") == 1
