"""Meetings in session: absence, substitutes, recusal, quorum, votes, written handling, minutes
and follow-up (domain.md sections 2-5). Every rule here has a test that fails if it breaks."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import select

from domain.errors import InvalidInput, NotAllowed, RuleViolation
from domain.operations.substitutes import seats_of
from domain.queries.followup import followup_list
from domain.queries.format import PUBLIC
from domain.queries.meetings import seats_view
from domain.queries.minutes import minutes_view
from domain.queries.written import written_view
from domain.store.tables import Alert
from tests.conftest import CE, CHAIR, DIRECTOR, Db
from tests.integration.test_case_lifecycle import case_of, hold_meeting, open_session, register

MAYORS = ["aal-ordforar", "flaa-ordforar", "gol-ordforar", "hemsedal-ordforar", "hol-ordforar",
          "nesbyen-ordforar"]


def recommended(db: Db, title: str = "Sak", **kwargs: object) -> str:
    number = register(db, title, **kwargs)
    db.run("case.recommend", CE, case=number, text="Tilråding.")
    db.reconcile(number)
    return number


def seats(db: Db, ref: str) -> dict:
    return db.read(lambda uow: seats_view(uow, uow.meetings.get(ref)))


def _seat(view: dict, member: str) -> dict:
    return next(s for s in view["seats"] if s["member"] == member)


# -- absence and substitutes -----------------------------------------------------------------

def test_mayor_absence_calls_the_deputy_mayor(db: Db) -> None:
    db.run("absence.report", "aal-ordforar", meeting="RR-2026-08-27", person="aal-ordforar",
           reason="Kommunestyremøte")
    seat = _seat(seats(db, "RR-2026-08-27"), "aal-ordforar")
    assert seat["absence"] == "meeting" and seat["asked"] == "aal-varaordforar"
    assert not seat["covered"]
    db.run("substitute.answer", "aal-varaordforar", meeting="RR-2026-08-27",
           person="aal-varaordforar", accept=True)
    seat = _seat(seats(db, "RR-2026-08-27"), "aal-ordforar")
    assert seat["substitute"] == "aal-varaordforar" and seat["covered"]


def test_substitutes_are_asked_in_their_numbered_order(db: Db) -> None:
    db.run("absence.report", DIRECTOR, meeting="HT-2026-12-03", person="gol-medlem-2",
           reason="Sjuk")
    assert _seat(seats(db, "HT-2026-12-03"), "gol-medlem-2")["asked"] == "gol-vara-1"
    db.run("substitute.answer", "gol-vara-1", meeting="HT-2026-12-03", person="gol-vara-1",
           accept=False)
    seat = _seat(seats(db, "HT-2026-12-03"), "gol-medlem-2")
    assert seat["asked"] == "gol-vara-2" and seat["declined"] == ["gol-vara-1"]
    db.at(date(2026, 8, 6))  # no answer within two days
    db.sweep()
    seat = _seat(seats(db, "HT-2026-12-03"), "gol-medlem-2")
    assert seat["asked"] == "gol-vara-3" and seat["declined"] == ["gol-vara-1", "gol-vara-2"]


def test_only_the_member_or_the_secretariat_reports_absence(db: Db) -> None:
    with pytest.raises(NotAllowed):
        db.run("absence.report", "hol-ordforar", meeting="RR-2026-08-27", person="aal-ordforar")
    with pytest.raises(RuleViolation):
        # not in the council
        db.run("absence.report", DIRECTOR, meeting="RR-2026-08-27", person="aal-medlem-1")


def test_quorum_forecast_warns_the_secretariat(db: Db) -> None:
    # The deputy mayors are the council members' only substitutes: once they decline too,
    # three of six seats are open, and four are needed.
    for mayor in MAYORS[:3]:
        db.run("absence.report", DIRECTOR, meeting="RR-2026-08-27", person=mayor)
        deputy = mayor.replace("ordforar", "varaordforar")
        db.run("substitute.answer", DIRECTOR, meeting="RR-2026-08-27", person=deputy, accept=False)
    view = seats(db, "RR-2026-08-27")
    assert view["quorum"] == {**view["quorum"], "expected": 3, "needed": 3}
    assert not view["quorum"]["at_risk"]  # half of six is three: still a quorum
    db.run("absence.report", DIRECTOR, meeting="RR-2026-08-27", person=MAYORS[3])
    db.run("substitute.answer", DIRECTOR, meeting="RR-2026-08-27", person="hemsedal-varaordforar",
           accept=False)
    assert seats(db, "RR-2026-08-27")["quorum"]["at_risk"]
    messages = db.read(lambda uow: uow.session.scalars(
        select(Alert.message).where(Alert.kind == "quorum_risk")).all())
    assert any("2 av 6" in m for m in messages)


def test_recusal_needs_its_legal_ground_and_leaves_the_case_without_that_member(db: Db) -> None:
    number = recommended(db)
    with pytest.raises(InvalidInput) as no_ground:
        db.run("absence.report", "aal-ordforar", meeting="RR-2026-08-27", person="aal-ordforar",
               kind="case", case=number, reason="fvl. § 6 første ledd bokstav a: part i saka")
    assert no_ground.value.field == "basis"
    db.run("absence.report", "aal-ordforar", meeting="RR-2026-08-27", person="aal-ordforar",
           kind="case", basis="fvl6-1a",
           case=number, reason="fvl. § 6 første ledd bokstav a: part i saka")
    view = seats(db, "RR-2026-08-27")
    assert view["quorum"]["cases"] == [{
        "case": number, "expected": 5, "recused": ["aal-ordforar"],
        "recused_names": ["Sigrid Hovda"], "substitutes": [],
        "asked": [{"seat": "aal-ordforar", "substitute": "aal-varaordforar",
                   "substitute_name": "Jørund Leksen"}]}]
    open_session(db, "RR-2026-08-27")
    with pytest.raises(RuleViolation) as refused:
        db.run("case.vote", CHAIR, case=number, ballots={m: "for" for m in MAYORS})
    assert "aal-ordforar" in refused.value.message
    db.run("case.vote", CHAIR, case=number, ballots={m: "for" for m in MAYORS[1:]})
    minutes = db.read(lambda uow: minutes_view(uow, uow.meetings.get("RR-2026-08-27")))
    item = next(i for i in minutes["items"] if i["case"] == number)
    assert item["recused"][0]["basis"] == "forvaltningslova § 6 første ledd bokstav a: part i saka"
    assert item["recused"][0]["note"].startswith("fvl. § 6")  # internal minutes: the note too
    public = db.read(lambda uow: minutes_view(uow, uow.meetings.get("RR-2026-08-27"), PUBLIC))
    recused = next(i for i in public["items"] if i["case"] == number)["recused"][0]
    assert recused["basis"].startswith("forvaltningslova § 6") and recused["note"] is None


# -- recording the meeting ------------------------------------------------------------------

def test_attendance_is_checked_against_seats_and_groups(db: Db) -> None:
    meeting = db.read(lambda uow: uow.meetings.get("RR-2026-08-27"))
    db.clock.set(meeting.notice_at)
    db.sweep()
    db.clock.set(meeting.starts_at)
    with pytest.raises(RuleViolation) as wrong_group:
        db.run("meeting.attend", DIRECTOR, meeting="RR-2026-08-27", present=MAYORS[1:],
               substitutes={"gol-varaordforar": "aal-ordforar"}, chair=CHAIR)
    assert "7-10" in wrong_group.value.hint
    with pytest.raises(RuleViolation):
        db.run("meeting.attend", DIRECTOR, meeting="RR-2026-08-27", present=MAYORS,
               substitutes={"aal-varaordforar": "aal-ordforar"}, chair=CHAIR)  # seat taken
    with pytest.raises(RuleViolation):
        db.run("meeting.attend", DIRECTOR, meeting="RR-2026-08-27", present=MAYORS[:-1],
               chair="nesbyen-ordforar")  # the chair is not there


def test_a_tie_is_decided_by_the_chair(db: Db) -> None:
    number = recommended(db)
    open_session(db, "RR-2026-08-27")
    ballots = {m: ("for" if m in ("gol-ordforar", "aal-ordforar", "flaa-ordforar")
                   else "against") for m in MAYORS}
    proposal = db.run("case.vote", CHAIR, case=number, ballots=ballots)
    assert proposal.casting_vote and proposal.result == "adopted"
    db.reconcile(number)
    case = case_of(db, number)
    assert case["state"] == "in_implementation"
    assert any("møteleiaren si røyst avgjorde" in e["summary"] for e in case["trace"])


def test_no_quorum_no_decision(db: Db) -> None:
    number = recommended(db)
    open_session(db, "RR-2026-08-27", absent=tuple(MAYORS[3:]))
    before = db.counts()
    with pytest.raises(RuleViolation) as refused:
        db.run("case.vote", CHAIR, case=number, ballots={m: "for" for m in MAYORS[:2]})
    assert "11-9" in refused.value.message
    assert db.counts() == before
    # three of six present is exactly half: a quorum
    db.run("case.vote", CHAIR, case=number, ballots={m: "for" for m in MAYORS[:3]})
    db.reconcile(number)
    assert case_of(db, number)["state"] == "in_implementation"


def test_everyone_present_votes_and_no_blank_outside_elections(db: Db) -> None:
    number = recommended(db)
    open_session(db, "RR-2026-08-27")
    with pytest.raises(RuleViolation) as silent:
        db.run("case.vote", CHAIR, case=number, ballots={m: "for" for m in MAYORS[:5]})
    assert "8-1" in silent.value.message
    with pytest.raises(RuleViolation) as blank:
        db.run("case.vote", CHAIR, case=number,
               ballots={**{m: "for" for m in MAYORS[:5]}, MAYORS[5]: "blank"})
    assert "Blank" in blank.value.message


def test_a_member_who_left_does_not_vote_on_later_cases(db: Db) -> None:
    first, second = recommended(db, "Første"), recommended(db, "Andre")
    meeting = db.read(lambda uow: uow.meetings.get("RR-2026-08-27"))
    db.clock.set(meeting.notice_at)
    db.sweep()
    db.clock.set(meeting.starts_at)
    db.run("meeting.attend", DIRECTOR, meeting="RR-2026-08-27", present=MAYORS, chair=CHAIR,
           left={"hol-ordforar": first})
    db.run("case.vote", CHAIR, case=first, unanimous=True)
    with pytest.raises(RuleViolation):
        db.run("case.vote", CHAIR, case=second, ballots={m: "for" for m in MAYORS})
    db.run("case.vote", CHAIR, case=second, unanimous=True)
    votes = case_of(db, second)["trace"]
    assert any("5 for" in e["summary"] for e in votes)


def test_fund_allocation_in_the_assembly_needs_consensus(db: Db) -> None:
    number = recommended(db, "Fordeling av utviklingsmidlar", kind="fund_allocation",
                         body="assembly")
    hold_meeting(db, "RR-2026-08-27", {number: "referred"})
    open_session(db, "HT-2026-12-03")
    members = db.read(lambda uow: [s.member_id for s in seats_of(uow, "assembly")])
    ballots = {m: "for" for m in members}
    ballots[members[0]] = "against"
    proposal = db.run("case.vote", CHAIR, case=number, ballots=ballots)
    assert proposal.result == "no_consensus"
    db.reconcile(number)
    case = case_of(db, number)
    assert case["state"] == "closed" and case["closed_reason"] == "not_adopted"
    last = case["treatments"][-1]
    assert last["outcome"] == "not_adopted" and "konsensus" in last["text"].lower()


def test_consensus_is_not_required_of_the_council(db: Db) -> None:
    number = recommended(db, "Tilskot frå fondet", kind="fund_allocation")
    open_session(db, "RR-2026-08-27")
    ballots = {m: "for" for m in MAYORS}
    ballots[MAYORS[0]] = "against"
    assert db.run("case.vote", CHAIR, case=number, ballots=ballots).result == "adopted"


def test_election_needs_a_majority_then_most_votes_then_lots(db: Db) -> None:
    number = recommended(db, "Val av leiar i kompetanseutvalet", kind="ordinary")
    open_session(db, "RR-2026-08-27")
    first = db.run("case.elect", CHAIR, case=number, candidates=["Kari", "Ola", "Per"],
                   what="Leiar i kompetanseutvalet",
                   ballots=dict(zip(MAYORS, ["Kari", "Kari", "Ola", "Ola", "Per", None],
                                    strict=True)))
    assert first.result == "new_round" and case_of(db, number)["state"] == "on_agenda"
    second = db.run("case.elect", CHAIR, case=number, candidates=["Kari", "Ola"],
                    what="Leiar i kompetanseutvalet",
                    ballots=dict(zip(MAYORS, ["Kari", "Kari", "Kari", "Ola", "Ola", "Ola"],
                                     strict=True)),
                    drawn="Ola")
    assert second.elected == "Ola" and second.drawn_among == ["Kari", "Ola"]
    case = case_of(db, number)
    assert case["treatments"][-1]["text"] == "Leiar i kompetanseutvalet: Ola"
    assert any(e["action"] == "election.draw" for e in case["trace"])


def test_an_unlisted_case_needs_no_objection_from_the_chair_or_a_third(db: Db) -> None:
    open_session(db, "RR-2026-08-27")
    number = register(db, "Ny sak")
    db.run("case.recommend", CE, case=number, text="Tilråding.")
    # recommended after the notice: not on the agenda
    with pytest.raises(RuleViolation) as third:
        db.run("case.take_up", CHAIR, case=number, meeting="RR-2026-08-27",
               objecting=["aal-ordforar", "flaa-ordforar"])
    assert "11-3" in third.value.message
    with pytest.raises(RuleViolation):
        db.run("case.take_up", CHAIR, case=number, meeting="RR-2026-08-27", chair_objects=True)
    item = db.run("case.take_up", CHAIR, case=number, meeting="RR-2026-08-27",
                  objecting=["aal-ordforar"])
    assert item.number is not None
    assert case_of(db, number)["agenda"]["meeting"] == "RR-2026-08-27"


def test_a_third_of_the_members_can_demand_a_case_on_the_agenda(db: Db) -> None:
    number = register(db, "Sak medlemene vil ha opp")
    with pytest.raises(RuleViolation) as few:
        db.run("case.demand", DIRECTOR, case=number, meeting="RR-2026-08-27",
               members=["aal-ordforar"])
    assert "(2)" in few.value.message and "11-3" in few.value.message
    target = db.run("case.demand", DIRECTOR, case=number, meeting="RR-2026-08-27",
                    members=["aal-ordforar", "flaa-ordforar"])
    assert target.ref == "RR-2026-08-27"
    assert case_of(db, number)["agenda"]["meeting"] == "RR-2026-08-27"


def test_a_third_can_make_an_urgent_remote_case_wait_for_an_ordinary_meeting(db: Db) -> None:
    number = recommended(db, "Høyring", kind="statement", deadline=date(2026, 8, 12))
    db.run("meeting.add", DIRECTOR, body="council", date=date(2026, 8, 7), urgent=True,
           reason="Høyringsfrist")
    db.sweep()
    assert case_of(db, number)["agenda"]["meeting"] == "RR-2026-08-07"
    open_session(db, "RR-2026-08-07")
    db.run("case.defer", CHAIR, case=number, members=["aal-ordforar", "flaa-ordforar"])
    db.sweep()
    case = case_of(db, number)
    assert case["treatments"][-1]["outcome"] == "postponed"
    assert case["agenda"]["meeting"] == "RR-2026-08-27"  # ordinary, not another urgent one


# -- written handling ------------------------------------------------------------------------

def _urgent_for_writing(db: Db) -> str:
    return recommended(db, "Høyringssvar", kind="statement",
                       deadline=date(2026, 8, 14))


def test_written_handling_adopted_when_every_member_says_yes_twice(db: Db) -> None:
    number = _urgent_for_writing(db)
    db.run("written.start", CHAIR, case=number, proposal="Regionrådet sluttar seg til.",
           answer_by=date(2026, 8, 6))
    for member in MAYORS:
        db.run("written.answer", member, case=number, person=member, proposal=True,
               written=True)
    db.reconcile(number)
    case = case_of(db, number)
    assert case["state"] == "in_implementation"
    assert case["treatments"][-1]["basis"] == "written"
    assert written_view_status(db, number) == "adopted"


def written_view_status(db: Db, number: str) -> str:
    return db.read(lambda uow: written_view(uow, number))["status"]


def test_one_no_ends_written_handling(db: Db) -> None:
    number = _urgent_for_writing(db)
    db.run("written.start", DIRECTOR, case=number, proposal="Framlegg.", answer_by=date(2026, 8, 6))
    db.run("written.answer", "aal-ordforar", case=number, person="aal-ordforar", proposal=True,
           written=False)
    db.reconcile(number)
    assert written_view_status(db, number) == "failed"
    case = case_of(db, number)
    assert case["state"] in ("recommended", "on_agenda") and case["urgent"]
    assert not any(t["authoritative"] for t in case["treatments"])


def test_a_missing_answer_ends_written_handling_at_the_deadline(db: Db) -> None:
    number = _urgent_for_writing(db)
    db.run("written.start", DIRECTOR, case=number, proposal="Framlegg.", answer_by=date(2026, 8, 5))
    for member in MAYORS[:5]:
        db.run("written.answer", DIRECTOR, case=number, person=member, proposal=True,
               written=True)
    db.at(date(2026, 8, 6), time(8, 0))
    db.sweep()
    assert written_view_status(db, number) == "failed"
    assert "Berit Rue" in db.read(lambda uow: written_view(uow, number))["outcome_note"]


def test_written_handling_is_for_urgent_council_cases(db: Db) -> None:
    number = recommended(db)
    with pytest.raises(RuleViolation) as refused:
        db.run("written.start", CHAIR, case=number, proposal="x", answer_by=date(2026, 8, 6))
    assert "11-8 (2)" in refused.value.message


# -- minutes and follow-up ---------------------------------------------------------------------

def test_minutes_record_attendance_votes_and_keep_exempt_content_private(db: Db) -> None:
    open_case = recommended(db, "Felles breiband")
    secret = recommended(db, "Søknad frå Løyndom AS", kind="fund_allocation",
                         exempt="offl. § 13 jf. fvl. § 13 første ledd nr. 2",
                         public_title="Søknad om tilskot")
    db.run("absence.report", DIRECTOR, meeting="RR-2026-08-27", person="hol-ordforar",
           reason="Ferie")
    db.run("substitute.answer", DIRECTOR, meeting="RR-2026-08-27", person="hol-varaordforar",
           accept=True)
    open_session(db, "RR-2026-08-27", absent=("hol-ordforar",),
                 substitutes={"hol-varaordforar": "hol-ordforar"})
    present = [m for m in MAYORS if m != "hol-ordforar"] + ["hol-varaordforar"]
    db.run("case.vote", CHAIR, case=open_case, ballots={p: "for" for p in present})
    db.run("case.vote", CHAIR, case=secret, unanimous=True, proposal="Innvilga 250 000 kr.")
    internal = db.read(lambda uow: minutes_view(uow, uow.meetings.get("RR-2026-08-27")))
    public = db.read(lambda uow: minutes_view(uow, uow.meetings.get("RR-2026-08-27"), PUBLIC))
    absent = internal["absent"][0]
    assert absent["id"] == "hol-ordforar" and absent["substitute"] == "hol-varaordforar"
    assert absent["reason"] == "Ferie" and public["absent"][0]["reason"] is None
    item = next(i for i in internal["items"] if i["case"] == open_case)
    assert {b["voter"] for b in item["proposals"][0]["ballots"]} == set(present)
    assert internal["chair"]["id"] == CHAIR
    text = repr(public)
    assert "Løyndom" not in text and "250 000" not in text
    assert "Søknad om tilskot" in text and "offl. § 13" in text


def test_followup_list_shows_what_was_decided_and_what_is_done(db: Db) -> None:
    first, second = recommended(db, "A"), recommended(db, "B")
    hold_meeting(db, "RR-2026-08-27", {first: "decided", second: "decided"})
    db.run("followup.assign", DIRECTOR, case=first, owner="hol-kommunedirektor",
           due=date(2026, 9, 30))
    with pytest.raises(InvalidInput):
        db.run("followup.assign", DIRECTOR, case=second, owner="aal-medlem-1")
    rows = {r["case"]: r for r in db.read(lambda uow: followup_list(uow, body="council"))}
    assert rows[first]["owner"] == "hol-kommunedirektor" and rows[first]["due"] == "2026-09-30"
    assert rows[first]["status"] == "open"
    db.run("case.close", DIRECTOR, case=second, reason="Gjennomført.")
    db.at(date(2026, 10, 1), time(1, 0))
    db.sweep()
    rows = {r["case"]: r for r in db.read(lambda uow: followup_list(uow, body="council"))}
    assert rows[first]["status"] == "overdue" and rows[second]["status"] == "done"
