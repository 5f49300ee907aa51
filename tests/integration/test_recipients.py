"""Who receives a meeting's notice, read from the store (operations/recipients.py)."""

from __future__ import annotations

from domain.operations.recipients import call_in_recipients, notice_recipients
from domain.rules.recipients import Why
from tests.conftest import DIRECTOR, Db

RR = "RR-2026-08-27"
MAYORS = {"gol-ordforar", "hol-ordforar", "aal-ordforar", "flaa-ordforar", "hemsedal-ordforar",
          "nesbyen-ordforar"}


def _notice(db: Db, ref: str = RR) -> dict[str, Why]:
    return db.read(lambda uow: {r.person_id: r.why for r in notice_recipients(
        uow, uow.meetings.get(ref))})


def test_the_council_notice_goes_to_the_mayors_and_those_who_attend_and_speak(db: Db) -> None:
    got = _notice(db)
    assert {p for p, why in got.items() if why == Why.MEMBER} == MAYORS
    speakers = {p for p, why in got.items() if why == Why.ATTEND_AND_SPEAK}
    assert DIRECTOR in speakers and "gol-kommunedirektor" in speakers and len(speakers) == 7


def test_an_absent_mayor_is_told_and_her_deputy_invited_once_she_says_yes(db: Db) -> None:
    db.run("absence.report", "aal-ordforar", meeting=RR, person="aal-ordforar", reason="Ferie")
    asked = db.read(lambda uow: [(r.person_id, r.why, r.seat) for r in call_in_recipients(
        uow, uow.meetings.get(RR))])
    assert asked == [("aal-varaordforar", Why.ASKED, "aal-ordforar")]
    assert "aal-varaordforar" not in _notice(db)
    db.run("substitute.answer", "aal-varaordforar", meeting=RR, person="aal-varaordforar",
           accept=True)
    got = _notice(db)
    assert got["aal-ordforar"] == Why.ABSENT and got["aal-varaordforar"] == Why.SUBSTITUTE


def test_the_assembly_notice_goes_to_its_thirty_members(db: Db) -> None:
    got = _notice(db, "HT-2026-12-03")
    assert sum(1 for why in got.values() if why == Why.MEMBER) == 30
