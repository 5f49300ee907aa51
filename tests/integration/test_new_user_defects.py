"""Defects a new user found (issue 8), each shown fixed through the commands as every entry
point runs them: refused naming the field with nothing written, or done as the secretariat
expects."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from domain.errors import InvalidInput, RuleViolation, TingflytError
from domain.operations.substitutes import seat_states
from domain.store.tables import Case, JournalEntry, SubstituteCall
from tests.conftest import CE, CHAIR, DIRECTOR, Db
from tests.integration.test_case_lifecycle import hold_meeting, open_session, register
from tests.integration.test_session import recommended

RR = "RR-2026-08-27"


def count_cases(db: Db) -> int:
    return db.read(lambda uow: uow.session.scalar(select(func.count(Case.id))))


# -- text that breaks tables, agendas and terminals ------------------------------------------

@pytest.mark.parametrize("title", [
    "Første linje\nandre linje", "Vogn\rretur", "Raud \x1b[31mtekst\x1b[0m",
    "Snudd \u202eelttit", "Med NUL\x00", "Tab\ti tittelen",
])
def test_a_title_with_control_characters_is_refused_naming_the_field(db: Db, title: str) -> None:
    before = count_cases(db)
    with pytest.raises(InvalidInput) as refused:
        db.run("case.register", DIRECTOR, title=title)
    assert refused.value.field == "title" and "kan ikkje lagrast" in refused.value.message
    assert count_cases(db) == before


def test_the_same_text_rule_holds_for_every_field_that_takes_text(db: Db) -> None:
    number = register(db, "Sak med tilråding")
    with pytest.raises(InvalidInput) as recommendation:
        db.run("case.recommend", CE, case=number, text="Tilråding \x1b[2J")
    assert recommendation.value.field == "text"
    with pytest.raises(InvalidInput) as place:
        db.run("meeting.add", DIRECTOR, body="council", date=date(2026, 10, 8),
               start="10:00", end="12:00", place="Gol\nrådhus")
    assert place.value.field == "place"
    # several lines are fine where text runs over lines, and blanks at the ends go
    db.run("case.recommend", CE, case=number, text="  Første avsnitt.\n\nAndre avsnitt.  ")
    assert db.read(lambda uow: uow.cases.get(number).recommendation) == \
        "Første avsnitt.\n\nAndre avsnitt."


# -- dates out of any plausible range ---------------------------------------------------------

@pytest.mark.parametrize("deadline", ["9999-12-31", "0001-01-01", "2262-04-12"])
def test_a_deadline_in_an_implausible_year_is_refused_naming_the_field(db: Db,
                                                                       deadline: str) -> None:
    before = count_cases(db)
    with pytest.raises(InvalidInput) as refused:
        db.run("case.register", DIRECTOR, title="Sak med frist", deadline=deadline)
    assert refused.value.field == "deadline" and "ikkje rimeleg" in refused.value.message
    assert count_cases(db) == before


def test_a_follow_up_due_in_an_implausible_year_is_refused(db: Db) -> None:
    number = recommended(db, "Vedteke sak")
    hold_meeting(db, RR, {number: "decided"})
    with pytest.raises(InvalidInput) as refused:
        db.run("followup.assign", DIRECTOR, case=number, due="9999-12-31")
    assert refused.value.field == "due"


# -- who prepares and who follows up ----------------------------------------------------------

def test_the_lead_must_be_someone_who_prepares_cases(db: Db) -> None:
    before = count_cases(db)
    with pytest.raises(RuleViolation) as refused:
        db.run("case.register", DIRECTOR, title="Sak", lead="aal-medlem-1")
    assert refused.value.field == "lead" and "greie ut" in refused.value.message
    assert count_cases(db) == before
    case = db.run("case.register", DIRECTOR, title="Sak", lead="hol-kommunedirektor")
    assert case.lead_id == "hol-kommunedirektor"


def test_assigning_the_follow_up_keeps_the_preparation_lead(db: Db) -> None:
    number = recommended(db, "Vedteke sak")  # prepared by the Gol chief executive
    lead = db.read(lambda uow: uow.cases.get(number).lead_id)
    hold_meeting(db, RR, {number: "decided"})
    db.run("followup.assign", DIRECTOR, case=number, owner="hol-kommunedirektor",
           due=date(2026, 9, 30))
    assert db.read(lambda uow: uow.cases.get(number).lead_id) == lead
    # the follow-up's owner reports it done; the preparation lead no longer owns it
    assert lead != "hol-kommunedirektor"
    db.run("followup.done", "hol-kommunedirektor", case=number, note="Gjennomført.")
    assert db.read(lambda uow: uow.cases.get(number).state) == "closed"


# -- absence for part of a meeting ------------------------------------------------------------

def test_a_partial_absence_that_ends_before_it_starts_is_refused(db: Db) -> None:
    with pytest.raises(InvalidInput) as refused:
        db.run("absence.report", DIRECTOR, meeting=RR, person="hol-ordforar", kind="part",
               from_time="14:00", to_time="11:00")
    assert refused.value.field == "to_time"
    journal = db.read(lambda uow: uow.session.scalar(select(func.count(JournalEntry.id)).where(
        JournalEntry.action == "absence.report")))
    assert journal == 0


# -- a substitute who said yes and then cannot come ------------------------------------------

def _calls(db: Db) -> list[tuple[str, str]]:
    return db.read(lambda uow: [(c.substitute_id, c.status) for c in uow.session.scalars(
        select(SubstituteCall).order_by(SubstituteCall.id))])


HT = "HT-2026-12-03"


def _said_yes(db: Db) -> None:
    db.run("absence.report", DIRECTOR, meeting=HT, person="gol-medlem-1", reason="Sjuk")
    db.run("substitute.answer", DIRECTOR, meeting=HT, person="gol-vara-1", accept=True)
    assert _calls(db) == [("gol-vara-1", "accepted")]


def test_a_substitute_who_said_yes_can_report_absence_and_the_next_is_asked(db: Db) -> None:
    _said_yes(db)
    db.run("absence.report", "gol-vara-1", meeting=HT, person="gol-vara-1")
    assert _calls(db) == [("gol-vara-1", "withdrawn"), ("gol-vara-2", "asked")]


def test_a_substitute_can_take_back_her_yes(db: Db) -> None:
    _said_yes(db)
    db.run("substitute.answer", "gol-vara-1", meeting=HT, person="gol-vara-1", accept=False)
    assert _calls(db) == [("gol-vara-1", "withdrawn"), ("gol-vara-2", "asked")]


def test_with_no_one_left_to_ask_the_seat_is_open_not_covered(db: Db) -> None:
    """Hol has one substitute in the council: when she takes back her yes, the seat is open."""
    db.run("absence.report", DIRECTOR, meeting=RR, person="hol-ordforar", reason="Sjuk")
    db.run("substitute.answer", DIRECTOR, meeting=RR, person="hol-varaordforar", accept=True)
    db.run("substitute.answer", DIRECTOR, meeting=RR, person="hol-varaordforar", accept=False)
    assert _calls(db) == [("hol-varaordforar", "withdrawn")]
    seat = db.read(lambda uow: next(s for s in seat_states(uow, uow.meetings.get(RR))
                                    if s.member_id == "hol-ordforar"))
    assert seat.substitute is None and not seat.covered


# -- votes ------------------------------------------------------------------------------------

def test_a_proposal_that_fell_cannot_be_put_again_in_the_same_meeting(db: Db) -> None:
    number = recommended(db, "Budsjett 2027", kind="budget")
    open_session(db, RR)
    present = db.read(lambda uow: sorted(
        a.person_id for a in uow.sitting.attendance_of(uow.meetings.get(RR).id)))
    ballots = {p: ("for" if i < 2 else "against") for i, p in enumerate(present)}
    db.run("case.vote", CHAIR, case=number, ballots=ballots)  # 2-4: falls; the case stays
    with pytest.raises(RuleViolation) as again:
        db.run("case.vote", CHAIR, case=number, unanimous=True)
    assert again.value.field == "proposal" and "alt røysta over" in again.value.message
    assert "outcome=sent_back" in again.value.hint
    # another proposal may be put
    db.run("case.vote", CHAIR, case=number, unanimous=True, proposal="Eit anna framlegg.")


def test_a_preparing_body_whose_recommendation_fell_may_send_the_case_on_without_one(
        db: Db) -> None:
    """The budget is the Hallingting's to decide: when the Regionråd's recommendation falls,
    the refusal of a second vote offers the referral without a recommendation, which sends the
    case on, and the Hallingting's agenda says that it comes without one."""
    from domain.queries.meetings import agenda_view
    from domain.rules.publicity import Audience

    number = recommended(db, "Budsjett 2027", kind="budget")
    open_session(db, RR)
    present = db.read(lambda uow: sorted(
        a.person_id for a in uow.sitting.attendance_of(uow.meetings.get(RR).id)))
    db.run("case.vote", CHAIR, case=number,
           ballots={p: ("for" if i < 2 else "against") for i, p in enumerate(present)})
    with pytest.raises(RuleViolation) as again:
        db.run("case.vote", CHAIR, case=number, unanimous=True)
    assert f"[cmd:case.decide|case={number}|outcome=referred|without_recommendation]" \
        in again.value.hint
    # a referral without the flag is a recommendation, which needs a vote: the hint says both
    with pytest.raises(RuleViolation) as plain:
        db.run("case.decide", CHAIR, case=number, outcome="referred")
    assert "[cmd:case.vote|" in plain.value.hint and "without_recommendation" in plain.value.hint
    # the flag belongs to a referral only
    with pytest.raises(InvalidInput) as other:
        db.run("case.decide", CHAIR, case=number, outcome="postponed",
               without_recommendation=True)
    assert other.value.field == "without_recommendation"

    treatment = db.run("case.decide", CHAIR, case=number, outcome="referred",
                       without_recommendation=True, text="Fleirtalet vil ha ei ny drøfting.")
    assert treatment.without_recommendation and treatment.outcome == "referred"
    assert treatment.text == ("Regionrådet for Hallingdal sender saka til Hallingtinget utan "
                              "innstilling. Fleirtalet vil ha ei ny drøfting.")
    db.reconcile(number)
    case = db.read(lambda uow: uow.cases.get(number))
    agenda = db.read(lambda uow: agenda_view(uow, uow.meetings.by_id(case.agenda_meeting_id),
                                             Audience.PUBLIC))
    item = next(i for i in agenda if i["case"] == number)
    assert item["without_recommendation"]
    assert item["recommendation_note"] == ("Saka kjem utan innstilling: Regionrådet for "
                                           "Hallingdal sende ho "
                                           "vidare utan å gje innstilling.")


def test_a_body_that_decides_the_case_itself_cannot_send_it_on_without_a_recommendation(
        db: Db) -> None:
    number = recommended(db, "Vanleg sak")
    open_session(db, RR)
    with pytest.raises(RuleViolation) as refused:
        db.run("case.decide", CHAIR, case=number, outcome="referred",
               without_recommendation=True)
    assert refused.value.field == "outcome" and "avgjer sak" in refused.value.message
    assert db.read(lambda uow: uow.cases.get(number).state) == "on_agenda"


def test_every_hint_for_a_decision_leads_to_the_vote(db: Db) -> None:
    budget = recommended(db, "Budsjett 2027", kind="budget")
    ordinary = recommended(db, "Vanleg sak")
    open_session(db, RR)
    with pytest.raises(RuleViolation) as decided:
        db.run("case.decide", CHAIR, case=ordinary, outcome="decided")
    with pytest.raises(RuleViolation) as information:
        db.run("case.decide", CHAIR, case=budget, outcome="taken_for_information")
    for refusal in (decided.value, information.value):
        assert "[cmd:case.vote|" in refusal.hint and "outcome=decided" not in refusal.hint


# -- reasons for absence are a person's own ---------------------------------------------------

def test_a_recusal_note_never_reaches_the_public_trace(db: Db) -> None:
    from domain.queries.cases import case_detail
    from domain.queries.format import PUBLIC

    number = recommended(db, "Tilskot til Nesbyen")
    db.run("absence.report", DIRECTOR, meeting=RR, person="nesbyen-ordforar", kind="case",
           basis="fvl6-1a",
           case=number, reason="fvl. § 6 første ledd bokstav b: bror er part")
    db.run("absence.report", DIRECTOR, meeting=RR, person="hol-ordforar", reason="Sjukehus")
    public = db.read(lambda uow: case_detail(uow, uow.cases.get(number), PUBLIC))
    internal = db.read(lambda uow: case_detail(uow, uow.cases.get(number)))
    assert "bror er part" not in str(public) and "bror er part" in str(internal)
    assert any(e["action"] == "absence.report" for e in public["trace"])  # the step stays


def test_every_journal_entry_names_the_account_that_made_it(db: Db) -> None:
    """``--as`` is a claim; the operating-system user and host beside it trace the change to an
    account."""
    import getpass
    import socket

    register(db, "Sak")
    rows = db.read(lambda uow: uow.session.execute(select(
        JournalEntry.actor_id, JournalEntry.os_user, JournalEntry.host)).all())
    assert rows and all(r.os_user == getpass.getuser() and r.host == socket.gethostname()
                        for r in rows)


# -- the organisation file -------------------------------------------------------------------

def test_init_keeps_the_holidays_so_commands_need_not_load_the_package(db: Db) -> None:
    from domain.rules.calendar import CouncilCalendar

    kept = db.read(lambda uow: uow.organisation.holidays("NO"))
    years = {d.year for d in kept}
    assert {2026, 2027} <= years and date(2026, 5, 17) in kept
    given = CouncilCalendar("Europe/Oslo", "NO")
    given.give(kept, years)
    computed = CouncilCalendar("Europe/Oslo", "NO")
    for year in (2026, 2027):
        assert given.holidays_in(year) == computed.holidays_in(year)  # the package's own


def test_an_unknown_holiday_country_is_refused_naming_the_file(db: Db, tmp_path) -> None:  # noqa: ANN001
    from config.organisation import load_organisation as read_file
    from domain.commands import organisation as org_service
    from tests.conftest import HALLINGDAL

    text = HALLINGDAL.read_text(encoding="utf-8")
    assert text.count('holiday_country = "NO"') == 1
    path = tmp_path / "xx.toml"
    path.write_text(text.replace('holiday_country = "NO"', 'holiday_country = "XX"'),
                    encoding="utf-8")
    with pytest.raises(TingflytError) as refused:
        db.within(lambda uow, actor: org_service.load_organisation(uow, read_file(path)),
                  DIRECTOR)
    assert "holiday_country" in str(refused.value) and "XX" in str(refused.value)
    assert db.read(lambda uow: uow.council.holiday_country) == "NO"  # nothing written
