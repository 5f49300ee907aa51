"""A case a third of the members demand on the agenda before its preparation is done
(KL § 11-3) comes without a recommendation, and the agenda, the minutes and the journal say so."""

from __future__ import annotations

import pytest

from domain.queries.cases import case_detail
from domain.queries.format import PUBLIC
from domain.queries.meetings import (
    WITHOUT_RECOMMENDATION_NOTE,
    comes_without_recommendation,
    meeting_detail,
)
from domain.queries.minutes import minutes_view
from domain.queries.organisation import org_view
from notifications.agenda import render_agenda_html, render_agenda_text
from notifications.minutes import render_minutes_html, render_minutes_text
from tests.conftest import CE, CHAIR, DIRECTOR, Db
from tests.integration.test_case_lifecycle import open_session, register

RR = "RR-2026-08-27"
DEMANDERS = ["aal-ordforar", "flaa-ordforar"]  # 2 of the council's 6: a third


@pytest.mark.parametrize(("kind", "recommendation", "referred", "without"), [
    ("ordinary", None, False, True),  # demanded before the preparation was done
    ("ordinary", "", False, True),
    ("budget", None, False, True),
    ("ordinary", "Tilråding.", False, False),
    ("budget", None, True, False),  # the council's recommendation (innstilling) comes along
    ("information", None, False, False),  # needs no preparation
    ("urgency_report", None, False, False),
])
def test_which_cases_come_without_a_recommendation(kind, recommendation, referred,
                                                   without) -> None:
    assert comes_without_recommendation(kind, recommendation, referred) is without


def _block(text: str, title: str) -> str:
    """The lines of the minutes' item with ``title``, up to the next numbered item."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if title in line)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("RR ")),
               len(lines))
    return "\n".join(lines[start:end])


def _items(detail: dict) -> dict[str, dict]:
    return {i["case"]: i for i in detail["agenda"] if i["case"]}


def test_a_demanded_case_comes_without_a_recommendation_and_says_so(db: Db) -> None:
    demanded = register(db, "Ny busslinje over Hemsedalsfjellet")
    exempt = register(db, "Tilsetjing av Kari Nordmann", exempt="offl. § 25 første ledd",
                      public_title="Personalsak")
    prepared = register(db, "Felles breiband")
    db.run("case.recommend", CE, case=prepared, text="Tilråding om breiband.")
    db.reconcile(prepared)
    for number in (demanded, exempt):
        assert db.run("case.demand", DIRECTOR, case=number, meeting=RR,
                      members=DEMANDERS).ref == RR
        db.reconcile(number)

    # The journal entry of the demand says it.
    internal = db.read(lambda uow: case_detail(uow, uow.cases.get(demanded)))
    assert internal["recommendation"] is None and internal["state"] == "on_agenda"
    entry = next(e for e in internal["trace"] if e["action"] == "case.place")
    assert "kommunelova § 11-3" in entry["reason"] and "utan tilråding" in entry["reason"]
    # Its preparation deadline no longer runs: no reminder or "missed" alert will follow.
    assert [d["status"] for d in internal["deadlines"] if d["kind"] == "preparation"] == [
        "cancelled"]

    # The agenda, internal and public, before and after the notice.
    items = _items(db.read(lambda uow: meeting_detail(uow, uow.meetings.get(RR))))
    assert items[demanded]["without_recommendation"] is True
    assert items[demanded]["recommendation_note"] == WITHOUT_RECOMMENDATION_NOTE
    assert items[prepared]["without_recommendation"] is False
    assert items[prepared]["recommendation_note"] is None
    meeting = db.read(lambda uow: uow.meetings.get(RR))
    db.clock.set(meeting.notice_at)
    db.sweep()
    council = db.read(org_view)["council"]
    public = db.read(lambda uow: meeting_detail(uow, uow.meetings.get(RR), PUBLIC))
    items = _items(public)
    assert items[demanded]["without_recommendation"] and items[exempt]["without_recommendation"]
    assert items[exempt]["title"] == "Personalsak"
    text = render_agenda_text(public, council)
    assert "Saka kjem utan tilråding" in text and "kommunelova § 11-3" in text
    assert text.count("Saka kjem utan tilråding") == 2  # the demanded cases, not the prepared
    assert "Kari" not in text
    html = render_agenda_html(public, council)
    assert html.count("Saka kjem utan tilråding") == 2 and "Kari" not in html

    # The minutes, internal and public.
    open_session(db, RR)
    db.run("case.vote", CHAIR, case=demanded, unanimous=True,
           proposal="Regionrådet ber om at busslinja vert greidd ut vidare.")
    db.run("case.vote", CHAIR, case=prepared, unanimous=True)
    for audience in (None, PUBLIC):
        minutes = db.read(lambda uow, a=audience: minutes_view(
            uow, uow.meetings.get(RR), *([a] if a else [])))
        by_case = {i["case"]: i for i in minutes["items"] if i["case"]}
        assert by_case[demanded]["without_recommendation"] is True
        assert by_case[demanded]["recommendation_note"] == WITHOUT_RECOMMENDATION_NOTE
        assert by_case[prepared]["without_recommendation"] is False
        text = render_minutes_text(minutes, council)
        html = render_minutes_html(minutes, council)
        for document in (text, html):
            assert document.count("Saka kjem utan tilråding") == 2
            assert "Kari" not in document or audience is None
        block = _block(text, "Ny busslinje")
        assert "Saka kjem utan tilråding" in block and "Tilråding:" not in block
        assert "Saka kjem utan tilråding" not in _block(text, "Felles breiband")


def test_a_demand_on_a_prepared_case_says_nothing_of_a_missing_recommendation(db: Db) -> None:
    number = register(db, "Felles breiband")
    db.run("case.recommend", CE, case=number, text="Tilråding om breiband.")
    db.reconcile(number)
    later = "RR-2026-09-24"
    db.run("case.demand", DIRECTOR, case=number, meeting=later, members=DEMANDERS)
    detail = db.read(lambda uow: case_detail(uow, uow.cases.get(number)))
    assert detail["agenda"]["meeting"] == later
    moved = [e for e in detail["trace"] if e["action"] == "case.move"]
    assert moved and "utan tilråding" not in moved[-1]["reason"]
    item = _items(db.read(lambda uow: meeting_detail(uow, uow.meetings.get(later))))[number]
    assert item["without_recommendation"] is False
