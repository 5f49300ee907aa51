"""Meetings in session, the rules at their edges: who chairs, what cannot be rewritten once
voted, written handling that no meeting can bypass, recusal raised in the meeting, urgency
reports that cannot skip the assembly's next meeting, a seat with one substitute, taking up an
unlisted case, and what the public never reads (domain.md sections 2-4)."""

from __future__ import annotations

import json
from datetime import date, time

import pytest
from sqlalchemy import select

from domain.errors import InvalidInput, NotAllowed, NotFound, RuleViolation
from domain.operations.agenda import place_on_agenda, take_off_agenda
from domain.queries.cases import case_detail
from domain.queries.followup import followup_list
from domain.queries.format import PUBLIC
from domain.queries.minutes import minutes_view
from domain.queries.written import written_view
from domain.store.tables import Alert, Case, SubstituteCall
from notifications.minutes import render_minutes_text
from tests.conftest import CE, CHAIR, DIRECTOR, Db
from tests.integration.test_case_lifecycle import case_of, hold_meeting, open_session, register
from tests.integration.test_session import MAYORS, recommended

DEPUTY = "hol-ordforar"  # nestleiar in the council and the assembly
RR = "RR-2026-08-27"


def _start(db: Db, ref: str = RR) -> None:
    """Let the notice go out and move the clock to the start of the meeting."""
    meeting = db.read(lambda uow: uow.meetings.get(ref))
    db.clock.set(meeting.notice_at)
    db.sweep()
    db.clock.set(meeting.starts_at)


def _minutes(db: Db, ref: str = RR, audience: str = "internal") -> dict:
    return db.read(lambda uow: minutes_view(uow, uow.meetings.get(ref), audience))


def _tie(members: list[str], for_: tuple[str, ...]) -> dict[str, str]:
    return {m: "for" if m in for_ else "against" for m in members}


# -- who chairs (KL § 11-9 dobbeltstemme; the leader or deputy leader chairs) ---------------------

def test_only_the_leader_chairs_while_she_is_there(db: Db) -> None:
    number = recommended(db)
    _start(db)
    with pytest.raises(RuleViolation) as refused:
        db.run("meeting.attend", DIRECTOR, meeting=RR, present=MAYORS, chair="nesbyen-ordforar")
    assert refused.value.field == "chair" and CHAIR in refused.value.hint
    db.run("meeting.attend", DIRECTOR, meeting=RR, present=MAYORS, chair=CHAIR)
    before = db.counts()
    # 3-3 with the leader against: another member cannot be named chair to turn the tie
    ballots = _tie(MAYORS, ("hol-ordforar", "hemsedal-ordforar", "nesbyen-ordforar"))
    with pytest.raises(RuleViolation) as casting:
        db.run("case.vote", CHAIR, case=number, ballots=ballots, chair="nesbyen-ordforar")
    assert casting.value.field == "chair"
    assert db.counts() == before
    proposal = db.run("case.vote", CHAIR, case=number, ballots=ballots)
    assert proposal.casting_vote and proposal.result == "fallen"
    db.reconcile(number)
    assert case_of(db, number)["closed_reason"] == "not_adopted"


def test_the_deputy_leads_when_the_leader_has_left(db: Db) -> None:
    first, second = recommended(db, "Første"), recommended(db, "Andre")
    _start(db)
    db.run("meeting.attend", DIRECTOR, meeting=RR, present=MAYORS, chair=CHAIR,
           left={CHAIR: first})
    db.run("case.vote", CHAIR, case=first, unanimous=True)
    five = [m for m in MAYORS if m != CHAIR]
    with pytest.raises(RuleViolation):  # 2-2 plus the deputy: she decides, nobody else
        db.run("case.vote", DIRECTOR, case=second, ballots=_tie(five, ("aal-ordforar",)),
               chair="aal-ordforar")
    ballots = {**_tie(five, ("aal-ordforar", DEPUTY)), "hemsedal-ordforar": "for"}
    proposal = db.run("case.vote", DIRECTOR, case=second, ballots=ballots)
    assert proposal.chair_id == DEPUTY
    item = next(i for i in _minutes(db)["items"] if i["case"] == second)
    assert item["proposals"][0]["chair_note"] == \
        "nestleiaren leia saka fordi leiaren ikkje var til stades"


def test_the_body_elects_a_chair_when_leader_and_deputy_are_both_recused(db: Db) -> None:
    number = recommended(db)
    for who in (CHAIR, DEPUTY):
        db.run("absence.report", DIRECTOR, meeting=RR, person=who, kind="case",
               basis="fvl6-1a", case=number,
               reason="fvl. § 6 første ledd bokstav e: styreleiar i søkjaren")
    open_session(db, RR)
    four = [m for m in MAYORS if m not in (CHAIR, DEPUTY)]
    ballots = _tie(four, ("aal-ordforar", "flaa-ordforar"))
    with pytest.raises(RuleViolation) as unnamed:
        db.run("case.vote", DIRECTOR, case=number, ballots=ballots)
    assert unnamed.value.field == "chair" and "[field:chair=" in unnamed.value.hint
    with pytest.raises(RuleViolation):  # the chair must be one of those with the case
        db.run("case.vote", DIRECTOR, case=number, ballots=ballots, chair=CHAIR)
    proposal = db.run("case.vote", DIRECTOR, case=number, ballots=ballots, chair="flaa-ordforar")
    assert proposal.casting_vote and proposal.result == "adopted"
    item = next(i for i in _minutes(db)["items"] if i["case"] == number)
    assert "vald til møteleiar" in item["proposals"][0]["chair_note"]
    assert [r["id"] for r in item["recused"]] == [CHAIR, DEPUTY]


def test_someone_else_may_chair_when_neither_leader_nor_deputy_came(db: Db) -> None:
    number = recommended(db)
    _start(db)
    subs = {"gol-varaordforar": CHAIR, "hol-varaordforar": DEPUTY}
    present = [m for m in MAYORS if m not in subs.values()]
    db.run("meeting.attend", DIRECTOR, meeting=RR, present=present, substitutes=subs,
           chair="aal-ordforar")
    assert db.run("case.vote", DIRECTOR, case=number, unanimous=True).chair_id == "aal-ordforar"


# -- what has been voted stands -----------------------------------------------------------------

def test_attendance_cannot_be_rewritten_under_recorded_votes(db: Db) -> None:
    first, second = recommended(db, "Første"), recommended(db, "Andre")
    open_session(db, RR)
    db.run("case.vote", CHAIR, case=first, ballots=_tie(MAYORS, tuple(MAYORS[:4])))
    before = db.counts()
    with pytest.raises(RuleViolation) as refused:
        db.run("meeting.attend", DIRECTOR, meeting=RR, present=[CHAIR, "hemsedal-ordforar"],
               chair=CHAIR)
    assert first in refused.value.message and "11-9" in refused.value.message
    assert db.counts() == before
    # Who left after the first item may still be recorded: that changes nothing voted.
    db.run("meeting.attend", DIRECTOR, meeting=RR, present=MAYORS, chair=CHAIR,
           left={"nesbyen-ordforar": first})
    with pytest.raises(RuleViolation):
        db.run("case.vote", CHAIR, case=second, ballots={m: "for" for m in MAYORS})
    db.run("case.vote", CHAIR, case=second, unanimous=True)
    minutes = _minutes(db)
    assert len(minutes["present"]) == 6
    assert next(p for p in minutes["present"] if p["id"] == "nesbyen-ordforar")["to_item"]


# -- written handling cannot be bypassed (KL § 11-8 (2)) ------------------------------------------

def test_no_meeting_decides_a_case_in_written_handling(db: Db) -> None:
    number = recommended(db, "Høyringssvar", kind="statement",
                         deadline=date(2026, 8, 14))
    db.run("written.start", CHAIR, case=number, proposal="Regionrådet sluttar seg til.",
           answer_by=date(2026, 8, 6))
    ref = db.read(lambda uow: written_view(uow, number))["meeting"]
    other = recommended(db, "Anna")
    before = db.counts()
    with pytest.raises(RuleViolation) as attend:
        db.run("meeting.attend", DIRECTOR, meeting=ref, present=MAYORS[:3], chair=CHAIR)
    assert "11-8 (2)" in attend.value.message
    with pytest.raises(RuleViolation) as vote:
        db.run("case.vote", CHAIR, case=number, unanimous=True)
    assert "[cmd:written.answer|" in vote.value.hint
    with pytest.raises(RuleViolation):
        db.run("absence.report", DIRECTOR, meeting=ref, person="aal-ordforar")
    with pytest.raises(RuleViolation):
        db.run("case.take_up", CHAIR, case=other, meeting=ref)
    assert db.counts() == before
    assert db.read(lambda uow: written_view(uow, number))["status"] == "open"


def test_a_recused_member_ends_the_written_handling(db: Db) -> None:
    """A recused member may not answer, and written handling needs every member's yes: the
    handling ends and the case goes to a meeting, where a substitute can sit for her."""
    number = recommended(db, "Tilskot", kind="statement", deadline=date(2026, 8, 14))
    db.run("written.start", CHAIR, case=number, proposal="Ja.", answer_by=date(2026, 8, 6))
    ref = db.read(lambda uow: written_view(uow, number))["meeting"]
    db.run("written.answer", "aal-ordforar", case=number, person="aal-ordforar", proposal=True,
           written=True)
    with pytest.raises(InvalidInput):  # the legal ground is required, here as in a meeting
        db.run("absence.report", DIRECTOR, meeting=ref, person="flaa-ordforar", kind="case",
               case=number)
    db.run("absence.report", "flaa-ordforar", meeting=ref, person="flaa-ordforar", kind="case",
           basis="fvl6-1a",
           case=number, reason="fvl. § 6 første ledd bokstav a: part i saka")
    shown = db.read(lambda uow: written_view(uow, number))
    assert shown["status"] == "failed" and "inhabil" in shown["outcome_note"]
    assert "Knut Tveiten" in shown["outcome_note"]
    assert next(a for a in shown["answers"] if a["member"] == "flaa-ordforar")["recused"]
    case = case_of(db, number)
    assert case["state"] == "recommended" and case["agenda"] is None
    text = render_minutes_text(_minutes(db, ref), {"name": "Regionrådet", "email": "x@y.no"})
    assert "Knut Tveiten: inhabil" in text and "gjekk frå" not in text
    with pytest.raises(RuleViolation):  # over: nothing more to report there
        db.run("absence.report", DIRECTOR, meeting=ref, person="gol-ordforar", kind="case",
               basis="fvl6-1a",
               case=number, reason="fvl. § 6")
    with pytest.raises(RuleViolation):
        db.run("written.answer", "gol-ordforar", case=number, person="gol-ordforar", proposal=True,
               written=True)


def test_an_answer_at_the_shown_deadline_counts(db: Db) -> None:
    number = recommended(db, "Høyringssvar", kind="statement",
                         deadline=date(2026, 8, 14))
    db.run("written.start", CHAIR, case=number, proposal="Ja.", answer_by=date(2026, 8, 6))
    assert db.read(lambda uow: written_view(uow, number))["answer_by"].startswith(
        "2026-08-06T23:59")
    for member in MAYORS[:5]:
        db.run("written.answer", member, case=number, person=member, proposal=True,
               written=True)
    db.at(date(2026, 8, 6), time(23, 59))
    db.sweep()  # at the deadline the handling is still open
    db.run("written.answer", MAYORS[5], case=number, person=MAYORS[5], proposal=True,
           written=True)
    assert db.read(lambda uow: written_view(uow, number))["status"] == "adopted"


def test_minutes_of_failed_written_handling_tell_the_answers_and_why(db: Db) -> None:
    number = recommended(db, "Høyringssvar", kind="statement",
                         deadline=date(2026, 8, 14),
                         exempt="offl. § 13 jf. fvl. § 13 første ledd nr. 1",
                         public_title="Høyringssvar (unnateke)")
    db.run("written.start", CHAIR, case=number, proposal="Løynd framlegg.", answer_by=date(2026,
           8, 6))
    db.run("written.answer", "aal-ordforar", case=number, person="aal-ordforar", proposal=True,
           written=True)
    db.run("written.answer", "flaa-ordforar", case=number, person="flaa-ordforar", proposal=False,
           written=True)
    ref = db.read(lambda uow: written_view(uow, number))["meeting"]
    minutes = _minutes(db, ref)
    assert minutes["absent"] == [] and minutes["present"] == []
    written = minutes["written"]
    assert written["status"] == "failed" and "sa nei til framlegget" in written["note"]
    answers = {a["id"]: a for a in written["answers"]}
    assert answers["aal-ordforar"]["proposal"] is True
    assert answers["flaa-ordforar"]["proposal"] is False
    assert answers["gol-ordforar"]["answered"] is False
    council = {"name": "Regionrådet", "email": "post@example.no"}
    text = render_minutes_text(minutes, council)
    assert "Saka vart trekt" not in text and "Møtet vart lukka" not in text
    assert "svarte ikkje" in text and "Resultat: fall" in text
    assert "Forfall" not in text
    public = render_minutes_text(_minutes(db, ref, PUBLIC), council)
    assert "Løynd framlegg" not in public and "Høyringssvar (unnateke)" in public
    shown = db.read(lambda uow: written_view(uow, number, PUBLIC))
    assert shown["proposal"] is None and shown["title"] == "Høyringssvar (unnateke)"


# -- recusal in the meeting (fvl. ch. II via KL § 11-10) -------------------------------------------

def test_recusal_raised_in_the_meeting_until_the_case_is_decided(db: Db) -> None:
    number, later = recommended(db, "Første"), recommended(db, "Andre")
    open_session(db, RR)
    db.run("case.vote", CHAIR, case=number, ballots=_tie(MAYORS, tuple(MAYORS[:2])),
           more_proposals=True, proposal="Første framlegg.")
    with pytest.raises(RuleViolation) as voted:  # she has voted in the case already
        db.run("absence.report", DIRECTOR, meeting=RR, person="aal-ordforar", kind="case",
               basis="fvl6-1a",
               case=number,
               reason="fvl. § 6 andre ledd")
    assert "røysta" in voted.value.message
    db.run("absence.report", DIRECTOR, meeting=RR, person="nesbyen-ordforar", kind="case",
           basis="fvl6-1a",
           case=later,
           reason="fvl. § 6 første ledd bokstav b: nær slekt av søkjaren")
    with pytest.raises(RuleViolation):
        db.run("case.vote", CHAIR, case=later, ballots={m: "for" for m in MAYORS})
    db.run("case.vote", CHAIR, case=later, unanimous=True)
    item = next(i for i in _minutes(db)["items"] if i["case"] == later)
    assert item["recused"][0]["id"] == "nesbyen-ordforar"
    assert item["proposals"][0]["votes_for"] == 5
    with pytest.raises(RuleViolation):  # decided: too late to raise it
        db.run("absence.report", DIRECTOR, meeting=RR, person="aal-ordforar", kind="case",
               basis="fvl6-1a",
               case=later,
               reason="fvl. § 6")


# -- urgency (KL § 11-8 (1)) ----------------------------------------------------------------------

def _urgent_assembly_case(db: Db) -> str:
    db.at(date(2026, 8, 14))
    number = register(db, "Uttale om sjukehusstruktur", kind="statement", body="assembly",
                      deadline=date(2026, 8, 31))
    db.run("case.recommend", CE, case=number, text="Regionen krev akuttfunksjonane haldne oppe.")
    db.reconcile(number)
    return number


def test_a_failed_urgency_vote_is_a_decision_and_is_reported(db: Db) -> None:
    number = _urgent_assembly_case(db)
    open_session(db, RR)
    proposal = db.run("case.vote", CHAIR, case=number, ballots={m: "against" for m in MAYORS},
                      urgency=True)
    assert proposal.result == "fallen"
    db.reconcile(number)
    case = case_of(db, number)
    assert case["closed_reason"] == "not_adopted"
    assert case["treatments"][-1]["basis"] == "urgency"
    reports = db.read(lambda uow: list(uow.session.scalars(select(Case.id).where(
        Case.kind == "urgency_report"))))
    assert len(reports) == 1


def _report(db: Db) -> str:
    number = _urgent_assembly_case(db)
    hold_meeting(db, RR, {number: "decided"}, urgency=True)
    return db.read(lambda uow: uow.session.scalars(select(Case).where(
        Case.kind == "urgency_report")).one().number)


def test_the_urgency_report_cannot_skip_the_assemblys_next_meeting(db: Db) -> None:
    report = _report(db)
    assert case_of(db, report)["agenda"]["meeting"] == "HT-2026-12-03"
    with pytest.raises(RuleViolation) as removed:
        db.run("case.place", DIRECTOR, case=report, remove=True)
    assert "11-8 (1)" in removed.value.message
    with pytest.raises(RuleViolation) as later:
        db.run("case.place", DIRECTOR, case=report, meeting="HT-2027-05-27")
    assert "HT-2026-12-03" in later.value.hint
    with pytest.raises(RuleViolation):
        db.run("case.demand", DIRECTOR, case=report, meeting="HT-2027-05-27",
               members=[f"{m}-medlem-{i}" for m in ("aal", "flaa", "gol", "hemsedal", "hol")
                        for i in (1, 2)])
    assert case_of(db, report)["agenda"]["meeting"] == "HT-2026-12-03"


def test_the_next_agenda_is_not_frozen_without_the_urgency_report(db: Db) -> None:
    report = _report(db)

    def misplace(uow, actor):  # as a data fix or an older version might have left it
        case = uow.cases.get(report)
        take_off_agenda(uow, case, "flytte")
        place_on_agenda(uow, actor, case, uow.meetings.get("HT-2027-05-27"), step="move")

    db.within(misplace, DIRECTOR)
    assert case_of(db, report)["agenda"]["meeting"] == "HT-2027-05-27"
    meeting = db.read(lambda uow: uow.meetings.get("HT-2026-12-03"))
    db.clock.set(meeting.notice_at)
    db.sweep()
    agenda = case_of(db, report)["agenda"]
    assert agenda["meeting"] == "HT-2026-12-03" and agenda["agenda_number"] == "HT 1/26"


# -- one substitute per seat (KL § 7-10) ---------------------------------------------------------

def test_a_seat_gets_one_substitute_when_a_part_absence_becomes_whole(db: Db) -> None:
    ref = "HT-2026-12-03"
    db.run("absence.report", DIRECTOR, meeting=ref, person="gol-medlem-1", kind="part",
           from_time=time(13, 0))
    db.run("substitute.answer", DIRECTOR, meeting=ref, person="gol-vara-1", accept=True)
    db.run("absence.report", DIRECTOR, meeting=ref, person="gol-medlem-1", reason="Sjuk")
    calls = db.read(lambda uow: [(c.substitute_id, c.status) for c in uow.session.scalars(
        select(SubstituteCall).where(SubstituteCall.seat_id == "gol-medlem-1"))])
    assert calls == [("gol-vara-1", "accepted")]
    db.run("absence.report", DIRECTOR, meeting=RR, person="aal-ordforar", kind="part",
           from_time=time(13, 0))
    db.run("substitute.answer", DIRECTOR, meeting=RR, person="aal-varaordforar", accept=True)
    db.run("absence.report", DIRECTOR, meeting=RR, person="aal-ordforar")
    open_seats = db.read(lambda uow: list(uow.session.scalars(select(Alert.key).where(
        Alert.key.like("seat-open:%")))))
    assert open_seats == []  # the deputy mayor covers the seat: nothing to warn about


def test_coming_late_and_leaving_early_are_two_partial_absences(db: Db) -> None:
    db.run("absence.report", DIRECTOR, meeting=RR, person="aal-ordforar", kind="part",
           to_time=time(10, 30))
    db.run("absence.report", DIRECTOR, meeting=RR, person="aal-ordforar", kind="part",
           from_time=time(14, 0))
    with pytest.raises(RuleViolation):
        db.run("absence.report", DIRECTOR, meeting=RR, person="aal-ordforar", kind="part",
               from_time=time(14, 0))


# -- a case not on the agenda (KL § 11-3) ------------------------------------------------------

def test_taking_up_an_unlisted_case_counts_only_those_present(db: Db) -> None:
    _start(db)
    db.run("meeting.attend", DIRECTOR, meeting=RR, present=MAYORS, chair=CHAIR)
    number = register(db, "Ny sak")
    db.run("case.recommend", CE, case=number, text="Tilråding.")
    with pytest.raises(RuleViolation) as chair:  # the chair alone can stop it
        db.run("case.take_up", CHAIR, case=number, meeting=RR, objecting=[CHAIR])
    assert "møteleiaren" in chair.value.message
    with pytest.raises(NotFound):
        db.run("case.take_up", CHAIR, case=number, meeting=RR, objecting=["ukjend", "heller-ikkje"])
    # (another meeting)
    db.run("absence.report", DIRECTOR, meeting="RR-2026-09-24", person="aal-ordforar")
    with pytest.raises(RuleViolation):
        db.run("case.take_up", CHAIR, case=number, meeting="RR-2026-09-24")  # not in session
    # Two of the six left early: two objecting of the four who remain is a third.
    first = register(db, "Første")
    db.run("case.recommend", CE, case=first, text="Tilråding.")
    db.run("case.take_up", CHAIR, case=first, meeting=RR)
    db.run("meeting.attend", DIRECTOR, meeting=RR, present=MAYORS, chair=CHAIR,
           left={"aal-ordforar": first, "flaa-ordforar": first})
    with pytest.raises(InvalidInput):  # those who left cannot object
        db.run("case.take_up", CHAIR, case=number, meeting=RR, objecting=["aal-ordforar"])
    with pytest.raises(RuleViolation) as third:
        db.run("case.take_up", CHAIR, case=number, meeting=RR,
               objecting=["hemsedal-ordforar", "nesbyen-ordforar"])
    assert "2 av 4" in third.value.message
    db.run("case.take_up", CHAIR, case=number, meeting=RR, objecting=["nesbyen-ordforar"])


def test_only_a_member_who_demands_files_the_demand(db: Db) -> None:
    number = register(db, "Sak medlemene vil ha opp")
    with pytest.raises(NotAllowed):
        db.run("case.demand", "aal-medlem-2", case=number, meeting=RR,
               members=["aal-ordforar", "flaa-ordforar"])
    assert db.run("case.demand", "aal-ordforar", case=number, meeting=RR,
                  members=["aal-ordforar", "flaa-ordforar"]).ref == RR


# -- what the public reads (offl. §§ 13, 25) ----------------------------------------------------

def test_an_exempt_appointment_names_nobody_in_public(db: Db) -> None:
    number = recommended(db, "Tilsetjing av dagleg leiar", kind="ordinary",
                         exempt="offl. § 25 første ledd", public_title="Tilsetjing")
    open_session(db, RR)
    tied = dict(zip(MAYORS, ["Kari Nordmann"] * 3 + ["Ola Dunk"] * 3, strict=True))
    for _ in range(2):  # no majority, then a tie on the most votes: settled by lot
        db.run("case.elect", CHAIR, case=number, candidates=["Kari Nordmann", "Ola Dunk"],
               what="Dagleg leiar", drawn="Kari Nordmann", ballots=tied)
    public = json.dumps([_minutes(db, RR, PUBLIC),
                         db.read(lambda uow: case_detail(uow, uow.cases.get(number), PUBLIC))],
                        ensure_ascii=False)
    assert "Kari" not in public and "Ola Dunk" not in public
    assert "Tilsetjing" in public and "offl. § 25" in public
    internal = json.dumps(db.read(lambda uow: case_detail(uow, uow.cases.get(number))),
                          ensure_ascii=False)
    assert "Kari Nordmann" in internal and "Loddtrekning" in internal


# -- follow-up ------------------------------------------------------------------------------------

def test_the_chief_executive_who_owns_the_followup_reports_it_done(db: Db) -> None:
    number = recommended(db)
    hold_meeting(db, RR, {number: "decided"})

    db.run("followup.assign", DIRECTOR, case=number, owner="hol-kommunedirektor")
    with pytest.raises(NotAllowed):
        db.run("case.close", "aal-kommunedirektor", case=number, reason="Gjort.")
    db.run("case.close", "hol-kommunedirektor", case=number, reason="Avtalen er signert.")
    row = next(r for r in db.read(followup_list) if r["case"] == number)
    assert row["status"] == "done" and row["owner_name"] and row["body_name"]
