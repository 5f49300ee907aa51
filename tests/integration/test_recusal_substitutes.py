"""A substitute for a member recused in one case (KL § 7-10, fvl. ch. II via KL § 11-10): called
in before the meeting, in the group's numbered order, for that case only; seated by the
attendance for that case; counted in that case's quorum and in the forecast; all of it only
where the organisation file says the body calls substitutes in for recusal."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from sqlalchemy import select

from config.organisation import load_organisation
from domain.commands import organisation as org_service
from domain.errors import NotFound, RuleViolation
from domain.operations.substitutes import presence_for, seat_states, warn_quorum
from domain.queries.meetings import seats_view
from domain.queries.minutes import minutes_view
from domain.queries.organisation import org_view
from domain.store.tables import (
    Alert,
    Attendance,
    Ballot,
    Case,
    JournalEntry,
    SubstituteCall,
)
from notifications.minutes import render_minutes_html, render_minutes_text
from tests.conftest import CHAIR, DIRECTOR, HALLINGDAL, Db
from tests.integration.test_case_lifecycle import register
from tests.integration.test_session import recommended

RR = "RR-2026-08-27"
HT = "HT-2026-12-03"
REASON = "fvl. § 6 første ledd bokstav a: part i saka"
AWAY = ("aal-ordforar", "flaa-ordforar", "hemsedal-ordforar")
THERE = ["gol-ordforar", "hol-ordforar", "nesbyen-ordforar"]
RECUSED = "nesbyen-ordforar"
DEPUTY = "nesbyen-varaordforar"  # her substitute in the council
COUNCIL_RECUSAL = ("substitute_for_recusal = true   # varaordføraren møter for ordføraren i "
                   "saker ho er inhabil i")


def reload(db: Db, tmp_path: Path, *edits: tuple[str, str]) -> None:
    """Load the Hallingdal file again with ``edits``, as `tingflyt init` does after a change."""
    text = HALLINGDAL.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path = tmp_path / "organisasjon.toml"
    path.write_text(text, encoding="utf-8")
    db.within(lambda uow, actor: org_service.load_organisation(uow, load_organisation(path)),
              DIRECTOR)


def calls(db: Db, **where: str) -> list[tuple[str, str, str | None, str]]:
    """(substitute, seat, case number or None, status) for every call, in order."""
    def read(uow):  # noqa: ANN001, ANN202
        numbers = {c.id: c.number for c in uow.session.scalars(select(Case))}
        query = select(SubstituteCall).order_by(SubstituteCall.id)
        for key, value in where.items():
            query = query.where(getattr(SubstituteCall, key) == value)
        return [(c.substitute_id, c.seat_id, numbers.get(c.case_id), c.status)
                for c in uow.session.scalars(query)]
    return db.read(read)


def case_forecast(db: Db, number: str, ref: str = RR) -> int:
    view = db.read(lambda uow: seats_view(uow, uow.meetings.get(ref)))
    return next(c["expected"] for c in view["quorum"]["cases"] if c["case"] == number)


def three_mayors_away(db: Db) -> None:
    """Three of six mayors away and their deputies unable to come: three seats left, and a
    quorum needs three (KL § 11-9)."""
    for mayor in AWAY:
        db.run("absence.report", DIRECTOR, meeting=RR, person=mayor, reason="Anna møte")
        db.run("substitute.answer", DIRECTOR, meeting=RR,
               person=mayor.replace("ordforar", "varaordforar"), accept=False)


def start(db: Db, ref: str = RR) -> None:
    meeting = db.read(lambda uow: uow.meetings.get(ref))
    db.clock.set(meeting.notice_at)
    db.sweep()
    db.clock.set(meeting.starts_at)


def recuse(db: Db, number: str, person: str = RECUSED, ref: str = RR) -> None:
    db.run("absence.report", person if person.endswith("ordforar") else DIRECTOR, meeting=ref,
           person=person, kind="case", basis="fvl6-1a", case=number, reason=REASON)


# -- called in before the meeting ---------------------------------------------------------------

def test_a_recusal_calls_the_deputy_mayor_in_for_that_case_only(db: Db) -> None:
    number = recommended(db, "Tilskot til Nesbyen")
    other = recommended(db, "Anna sak")
    recuse(db, number)
    assert calls(db) == [(DEPUTY, RECUSED, number, "asked")]
    # the seat is still the mayor's for the meeting and for every other case
    state = next(s for s in db.read(lambda uow: seat_states(uow, uow.meetings.get(RR)))
                 if s.member_id == RECUSED)
    assert (state.absence, state.asked, state.substitute) == (None, None, None)
    assert list(state.case_asked.values()) == [DEPUTY]
    db.run("substitute.answer", DEPUTY, meeting=RR, person=DEPUTY, accept=True, case=number)
    assert calls(db) == [(DEPUTY, RECUSED, number, "accepted")]
    assert case_forecast(db, number) == 6 and case_forecast(db, other) == 6
    asked = db.read(lambda uow: uow.session.scalars(select(JournalEntry.summary).where(
        JournalEntry.action == "substitute.ask")).all())
    assert len(asked) == 1 and f"for Berit Rue i sak {number}" in asked[0]


def test_the_forecast_counts_an_accepted_case_substitute(db: Db) -> None:
    number = recommended(db, "Tilskot til Nesbyen")
    three_mayors_away(db)
    recuse(db, number)
    # asked, not yet answered: two of six can take part in the case, three are needed
    assert case_forecast(db, number) == 2
    messages = db.read(lambda uow: uow.session.scalars(
        select(Alert.message).where(Alert.kind == "quorum_risk")).all())
    assert any(f"Sak {number}" in m and "berre 2 av 6" in m for m in messages)
    db.run("substitute.answer", DEPUTY, meeting=RR, person=DEPUTY, accept=True)
    assert case_forecast(db, number) == 3
    warnings = db.within(lambda uow, actor: warn_quorum(uow, uow.meetings.get(RR)), DIRECTOR)
    assert not any(number in w for w in warnings)


def test_a_no_or_no_answer_moves_on_in_the_numbered_order_for_the_case(db: Db) -> None:
    number = register(db, "Orientering om næringsarealet på Gol", kind="information",
                      body="assembly")
    recuse(db, number, "gol-medlem-1", HT)
    assert calls(db) == [("gol-vara-1", "gol-medlem-1", number, "asked")]
    # another Gol member is away for the whole meeting: gol-vara-1 is taken for the case
    db.run("absence.report", DIRECTOR, meeting=HT, person="gol-medlem-2", reason="Sjuk")
    assert calls(db)[-1] == ("gol-vara-2", "gol-medlem-2", None, "asked")
    # a no for the case, a day later: the next free one (gol-vara-2 is asked for the meeting)
    db.at(date(2026, 8, 4))
    db.run("substitute.answer", "gol-vara-1", meeting=HT, person="gol-vara-1", accept=False)
    assert calls(db, seat_id="gol-medlem-1") == [
        ("gol-vara-1", "gol-medlem-1", number, "declined"),
        ("gol-vara-3", "gol-medlem-1", number, "asked")]
    db.at(date(2026, 8, 5), time(10, 0))  # gol-vara-2 did not answer within two days
    db.sweep()
    assert calls(db, seat_id="gol-medlem-2") == [
        ("gol-vara-2", "gol-medlem-2", None, "expired"),
        ("gol-vara-4", "gol-medlem-2", None, "asked")]  # gol-vara-3 sits in the case
    db.at(date(2026, 8, 6), time(10, 0))  # nor did gol-vara-3
    db.sweep()
    assert calls(db, seat_id="gol-medlem-1")[1:] == [
        ("gol-vara-3", "gol-medlem-1", number, "expired"),
        ("gol-vara-5", "gol-medlem-1", number, "asked")]  # 2 and 4 are asked for the meeting


def test_when_the_group_has_no_one_left_the_seat_stays_open_in_the_case(db: Db) -> None:
    number = recommended(db, "Tilskot til Nesbyen")
    recuse(db, number)
    db.at(date(2026, 8, 6))
    db.sweep()
    assert calls(db) == [(DEPUTY, RECUSED, number, "expired")]
    open_seat = db.read(lambda uow: uow.session.scalars(
        select(Alert.message).where(Alert.kind == "seat_open")).all())
    assert any(f"sak {number}" in m and "plassen står open i saka" in m for m in open_seat)


def test_no_one_more_is_asked_once_the_case_has_left_the_meeting(db: Db) -> None:
    number = register(db, "Orientering om næringsarealet på Gol", kind="information",
                      body="assembly")
    recuse(db, number, "gol-medlem-1", HT)
    db.run("case.place", DIRECTOR, case=number, meeting="HT-2027-05-27")
    db.run("substitute.answer", "gol-vara-1", meeting=HT, person="gol-vara-1", accept=False)
    assert calls(db) == [("gol-vara-1", "gol-medlem-1", number, "declined")]


def test_a_recused_substitute_makes_way_for_the_next(db: Db) -> None:
    number = recommended(db, "Tilskot til Ål")
    db.run("absence.report", DIRECTOR, meeting=RR, person="aal-ordforar", reason="Ferie")
    db.run("substitute.answer", DIRECTOR, meeting=RR, person="aal-varaordforar", accept=True)
    db.run("absence.report", DIRECTOR, meeting=RR, person="aal-varaordforar", kind="case",
           basis="fvl6-1a",
           case=number, reason=REASON)
    # the council's Ål group has no one after the deputy mayor: the seat is open in the case
    assert calls(db, seat_id="aal-ordforar") == [
        ("aal-varaordforar", "aal-ordforar", None, "accepted")]
    alerts = db.read(lambda uow: uow.session.scalars(
        select(Alert.message).where(Alert.kind == "seat_open")).all())
    assert any(f"sak {number}" in m for m in alerts)


def test_no_case_substitute_for_a_member_away_from_the_whole_meeting(db: Db) -> None:
    number = recommended(db, "Tilskot til Nesbyen")
    db.run("absence.report", DIRECTOR, meeting=RR, person=RECUSED, reason="Ferie")
    recuse(db, number)
    assert calls(db) == [(DEPUTY, RECUSED, None, "asked")]  # she sits for the case too


def test_the_case_substitute_is_asked_first_when_the_member_is_then_away_all_day(
        db: Db) -> None:
    number = recommended(db, "Tilskot til Nesbyen")
    recuse(db, number)
    db.run("substitute.answer", DEPUTY, meeting=RR, person=DEPUTY, accept=True)
    db.run("absence.report", DIRECTOR, meeting=RR, person=RECUSED, reason="Sjuk")
    assert calls(db) == [(DEPUTY, RECUSED, number, "accepted"), (DEPUTY, RECUSED, None, "asked")]


def test_no_call_for_a_recusal_raised_in_the_meeting(db: Db) -> None:
    number = recommended(db, "Tilskot til Nesbyen")
    start(db)
    recuse(db, number)
    assert calls(db) == []


def test_answering_a_case_that_she_is_not_asked_for_is_refused(db: Db) -> None:
    number = recommended(db, "Tilskot til Nesbyen")
    other = recommended(db, "Anna sak")
    recuse(db, number)
    with pytest.raises(RuleViolation) as refused:
        db.run("substitute.answer", DEPUTY, meeting=RR, person=DEPUTY, accept=True, case=other)
    assert f"sak {other}" in refused.value.message
    assert calls(db) == [(DEPUTY, RECUSED, number, "asked")]


# -- seated for the case ------------------------------------------------------------------------

def test_the_case_substitute_sits_and_votes_in_that_case_only(db: Db) -> None:
    number = recommended(db, "Tilskot til Nesbyen")
    other = recommended(db, "Anna sak")
    three_mayors_away(db)
    recuse(db, number)
    db.run("substitute.answer", DEPUTY, meeting=RR, person=DEPUTY, accept=True)
    start(db)
    db.run("meeting.attend", DIRECTOR, meeting=RR, present=THERE, chair=CHAIR)
    with pytest.raises(RuleViolation) as short:  # without her, two of six take part
        db.run("case.vote", CHAIR, case=number, ballots={"gol-ordforar": "for",
                                                         "hol-ordforar": "for"})
    assert "Ikkje vedtaksføre" in short.value.message
    db.run("meeting.attend", DIRECTOR, meeting=RR, present=THERE, chair=CHAIR,
           case_substitutes={number: {DEPUTY: RECUSED}})
    presence = db.read(lambda uow: presence_for(uow, uow.meetings.get(RR),
                                                uow.cases.get(number)))
    assert presence.sitting == {"gol-ordforar": "gol-ordforar", "hol-ordforar": "hol-ordforar",
                                DEPUTY: RECUSED}
    with pytest.raises(RuleViolation):  # the recused mayor does not vote
        db.run("case.vote", CHAIR, case=number, ballots={p: "for" for p in THERE})
    proposal = db.run("case.vote", CHAIR, case=number,
                      ballots={"gol-ordforar": "for", "hol-ordforar": "against", DEPUTY: "for"})
    assert proposal.result == "adopted"
    seat = db.read(lambda uow: uow.session.scalars(select(Ballot.seat_id).where(
        Ballot.proposal_id == proposal.id, Ballot.voter_id == DEPUTY)).one())
    assert seat == RECUSED  # she voted in the recused mayor's seat
    with pytest.raises(RuleViolation) as stranger:  # not present for the other case
        db.run("case.vote", CHAIR, case=other,
               ballots={**{p: "for" for p in THERE}, DEPUTY: "for"})
    assert DEPUTY in stranger.value.message
    db.run("case.vote", CHAIR, case=other, ballots={p: "for" for p in THERE})
    rows = db.read(lambda uow: [(a.person_id, a.seat_id, a.case_id is not None)
                                for a in uow.session.scalars(select(Attendance))])
    assert (DEPUTY, RECUSED, True) in rows and (RECUSED, RECUSED, False) in rows
    # The minutes (KL § 11-4): the recused mayor was present; her deputy sat in that case only.
    minutes = db.read(lambda uow: minutes_view(uow, uow.meetings.get(RR)))
    assert RECUSED in {p["id"] for p in minutes["present"]}
    assert DEPUTY not in {p["id"] for p in minutes["present"]}
    assert RECUSED not in {a["id"] for a in minutes["absent"]}
    item = next(i for i in minutes["items"] if i["case"] == number)
    assert [(s["id"], s["seat"]) for s in item["case_substitutes"]] == [(DEPUTY, RECUSED)]
    assert next(i for i in minutes["items"] if i["case"] == other)["case_substitutes"] == []
    council = db.read(lambda uow: org_view(uow)["council"])
    text = render_minutes_text(minutes, council)
    assert "Varamedlem i saka:" in text and "Varamedlem i saka:" in render_minutes_html(
        minutes, council)


def test_seating_a_case_substitute_is_checked(db: Db) -> None:
    number = recommended(db, "Tilskot til Nesbyen")
    other = recommended(db, "Anna sak")
    recuse(db, number)
    start(db)
    everyone = ["aal-ordforar", "flaa-ordforar", "gol-ordforar", "hemsedal-ordforar",
                "hol-ordforar", RECUSED]

    def attend(case_substitutes: dict) -> None:
        db.run("meeting.attend", DIRECTOR, meeting=RR, present=everyone, chair=CHAIR,
               case_substitutes=case_substitutes)

    unlisted = register(db, "Ikkje på sakslista")
    before = db.counts()
    with pytest.raises(RuleViolation) as not_recused:
        attend({other: {DEPUTY: RECUSED}})
    assert "ikkje meld inhabil" in not_recused.value.message
    assert not_recused.value.field == "case_substitutes"
    assert "[cmd:absence.report|" in not_recused.value.hint
    with pytest.raises(RuleViolation) as wrong_group:
        attend({number: {"gol-varaordforar": RECUSED}})
    assert "7-10" in wrong_group.value.hint
    with pytest.raises(RuleViolation) as member:
        attend({number: {"hol-ordforar": RECUSED}})
    assert "sit alt i møtet" in member.value.message
    with pytest.raises(NotFound):
        attend({number: {"ingen-slik": RECUSED}})
    with pytest.raises(RuleViolation) as not_listed:
        attend({unlisted: {DEPUTY: RECUSED}})
    assert "står ikkje på sakslista" in not_listed.value.message
    assert db.counts() == before
    attend({number: {DEPUTY: RECUSED}})  # she need not have been asked: attendance is a record


# -- where the body does not call substitutes in for recusal ------------------------------------

def test_without_substitutes_for_recusal_nothing_is_called_and_the_forecast_warns(
        db: Db, tmp_path: Path) -> None:
    reload(db, tmp_path, (COUNCIL_RECUSAL, "substitute_for_recusal = false"))
    assert db.read(lambda uow: uow.bodies.get("council").substitute_for_recusal) is False
    number = recommended(db, "Tilskot til Nesbyen")
    three_mayors_away(db)
    recuse(db, number)
    assert [c for c in calls(db) if c[2] is not None] == []
    assert case_forecast(db, number) == 2
    messages = db.read(lambda uow: uow.session.scalars(
        select(Alert.message).where(Alert.kind == "quorum_risk")).all())
    assert any(f"Sak {number}" in m and "berre 2 av 6" in m for m in messages)
    start(db)
    with pytest.raises(RuleViolation) as refused:
        db.run("meeting.attend", DIRECTOR, meeting=RR, present=THERE, chair=CHAIR,
               case_substitutes={number: {DEPUTY: RECUSED}})
    assert "organisasjonsfila" in refused.value.message
    assert "substitute_for_recusal" in refused.value.message


def test_the_setting_is_loaded_again_from_the_file(db: Db, tmp_path: Path) -> None:
    reload(db, tmp_path, (COUNCIL_RECUSAL, "substitute_for_recusal = false"))
    reload(db, tmp_path)
    assert db.read(lambda uow: uow.bodies.get("council").substitute_for_recusal) is True
    number = recommended(db, "Tilskot til Nesbyen")
    recuse(db, number)
    assert calls(db) == [(DEPUTY, RECUSED, number, "asked")]


def test_the_seats_overview_shows_who_is_asked_and_who_sits_for_the_case(db: Db) -> None:
    number = recommended(db, "Tilskot til Nesbyen")
    recuse(db, number)
    case = lambda: next(c for c in db.read(lambda uow: seats_view(  # noqa: E731
        uow, uow.meetings.get(RR)))["quorum"]["cases"] if c["case"] == number)
    assert [(a["seat"], a["substitute"]) for a in case()["asked"]] == [(RECUSED, DEPUTY)]
    db.run("substitute.answer", DEPUTY, meeting=RR, person=DEPUTY, accept=True)
    assert case()["asked"] == []
    assert [(a["seat"], a["substitute"]) for a in case()["substitutes"]] == [(RECUSED, DEPUTY)]
