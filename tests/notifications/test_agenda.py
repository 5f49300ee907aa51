"""The public agenda documents: what the public may read, rendered in Nynorsk."""

from __future__ import annotations

from datetime import date

from domain.queries.format import PUBLIC
from domain.queries.meetings import meeting_detail
from domain.queries.organisation import org_view
from notifications.agenda import render_agenda_html, render_agenda_text
from tests.conftest import CE, Db
from tests.integration.test_case_lifecycle import register


def _frozen_agenda(db: Db) -> tuple[dict, dict]:
    secret = register(db, "Søknad frå Løyndom AS <script>", kind="fund_allocation",
                      exempt="offl. § 13 jf. fvl. § 13 første ledd nr. 2",
                      public_title="Søknad om tilskot <frå verksemd>")
    open_case = register(db, "Felles breiband & fiber")
    for number in (secret, open_case):
        db.run("case.recommend", CE, case=number, text="Tilråding.")
        db.reconcile(number)
    meeting = db.read(lambda uow: uow.meetings.get("RR-2026-08-27"))
    db.clock.set(meeting.notice_at)
    db.sweep()
    detail = db.read(lambda uow: meeting_detail(uow, uow.meetings.get("RR-2026-08-27"), PUBLIC))
    council = db.read(org_view)["council"]
    return detail, council


def test_text_agenda_is_numbered_and_keeps_exempt_content_out(db: Db) -> None:
    detail, council = _frozen_agenda(db)
    text = render_agenda_text(detail, council)
    assert "REGIONRÅDET FOR HALLINGDAL - SAKSLISTE" in text
    assert "torsdag 27. august 2026 kl. 10:00-15:00" in text
    assert "RR 1/26" in text and "RR 2/26" in text
    assert "Løyndom" not in text
    assert "Søknad om tilskot <frå verksemd>" in text  # plain text is not escaped
    assert "skal lukkast" in text and "11-5 (2)" in text
    assert "Innkallinga vart send 20.08.2026" in text


def test_html_agenda_escapes_what_people_typed(db: Db) -> None:
    detail, council = _frozen_agenda(db)
    html = render_agenda_html(detail, council)
    assert "Søknad om tilskot &lt;frå verksemd&gt;" in html
    assert "Felles breiband &amp; fiber" in html
    assert "<script>" not in html and "Løyndom" not in html
    assert html.startswith("<!doctype html>") and 'lang="nn"' in html


def test_open_agenda_is_marked_provisional(db: Db) -> None:
    db.at(date(2026, 8, 4))
    detail = db.read(lambda uow: meeting_detail(uow, uow.meetings.get("RR-2026-09-24"), PUBLIC))
    council = db.read(org_view)["council"]
    text = render_agenda_text(detail, council)
    assert "FØREBELS SAKSLISTE" in text
    assert "Sakslista er tom." in text
    assert "seinast 17.09.2026" in text


def test_minutes_render_in_nynorsk_and_escape_html(db: Db) -> None:
    from domain.queries.minutes import minutes_view
    from notifications.minutes import render_minutes_html, render_minutes_text
    from tests.integration.test_case_lifecycle import open_session

    number = register(db, "Breiband <og> fiber")
    db.run("case.recommend", CE, case=number, text="Tilråding & meir.")
    db.reconcile(number)
    open_session(db, "RR-2026-08-27")
    db.run("case.vote", "gol-ordforar", case=number, unanimous=True)
    minutes = db.read(lambda uow: minutes_view(uow, uow.meetings.get("RR-2026-08-27")))
    council = db.read(org_view)["council"]
    text = render_minutes_text(minutes, council)
    assert "MØTEBOK - REGIONRÅDET FOR HALLINGDAL" in text
    assert "Breiband <og> fiber" in text and "For (6):" in text
    assert "Vedtak: Tilråding & meir." in text
    html = render_minutes_html(minutes, council)
    assert "Breiband &lt;og&gt; fiber" in html and "Tilråding &amp; meir." in html
