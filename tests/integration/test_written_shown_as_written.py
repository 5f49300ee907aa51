"""A written handling (skriftleg handsaming, KL § 11-8 (2)) is shown as what it is in every
output: no place, no opening hours, no sitting open to the public; the proposal sent out, the
answer deadline, the answers and the result (issue 8).

It is stored as a meeting row (kind ``written``) whose ``ends_at`` is the deadline while it is
open and the moment it closed after: nothing shown may read the deadline from there, nor count
the answers as attendance.
"""

from __future__ import annotations

import io
from datetime import date, time
from pathlib import Path
from typing import Any

from domain.queries.format import INTERNAL, PUBLIC
from domain.queries.meetings import meeting_detail, meeting_list
from domain.queries.minutes import minutes_view
from domain.queries.organisation import org_view
from domain.queries.written import written_view
from notifications.agenda import render_agenda_html, render_agenda_text
from notifications.minutes import render_minutes_html, render_minutes_text
from tests.conftest import CE, CHAIR, Db
from tests.integration.test_case_lifecycle import register

MAYORS = ["aal-ordforar", "flaa-ordforar", "gol-ordforar", "hemsedal-ordforar", "hol-ordforar",
          "nesbyen-ordforar"]
PROPOSAL = "Regionrådet sluttar seg til høyringssvaret frå arbeidsutvalet."
ANSWER_DAY = date(2026, 8, 6)
#: What a sitting's agenda says and a written handling's must not.
SITTING_WORDS = ("Stad:", "Fjernmøte", "fjernmøte", "ope for ålmenta", "Møtet kan lukkast",
                 "Møtet skal lukkast", "Innkallinga")


def _start(db: Db, *, exempt: str | None = None) -> tuple[str, str]:
    """An urgent council case sent to written handling on Monday 3 August 2026 at 09:00,
    answers due by the end of Thursday 6 August; returns (case number, ref)."""
    extra: dict[str, Any] = {"exempt": exempt, "public_title": "Høyringssvar (unnateke)"} \
        if exempt else {}
    number = register(db, "Høyringssvar om tingrettane", kind="statement",
                      deadline=date(2026, 8, 14), **extra)
    db.run("case.recommend", CE, case=number, text="Tilråding.")
    db.reconcile(number)
    db.run("written.start", CHAIR, case=number, proposal=PROPOSAL, answer_by=ANSWER_DAY)
    ref = db.read(lambda uow: written_view(uow, number))["meeting"]
    return number, ref


def _answer(db: Db, number: str, members: list[str], *, proposal: bool = True) -> None:
    for member in members:
        db.run("written.answer", member, case=number, person=member, proposal=proposal,
               written=True)


def _detail(db: Db, ref: str, audience: str = PUBLIC) -> dict[str, Any]:
    return db.read(lambda uow: meeting_detail(uow, uow.meetings.get(ref), audience))


def _agenda(db: Db, ref: str, audience: str = PUBLIC) -> tuple[str, str]:
    detail = _detail(db, ref, audience)
    council = db.read(org_view)["council"]
    internal = audience != PUBLIC
    return (render_agenda_text(detail, council, internal=internal),
            render_agenda_html(detail, council, internal=internal))


def _summary(db: Db, ref: str) -> dict[str, Any]:
    return next(m for m in db.read(meeting_list) if m["ref"] == ref)


# -- the read models ---------------------------------------------------------------------------

def test_the_read_model_carries_the_deadline_and_the_answers_not_a_sitting(db: Db) -> None:
    number, ref = _start(db)
    summary = _summary(db, ref)
    assert summary["kind"] == "written" and summary["place"] is None
    assert summary["remote"] is False  # no remote meeting (KL § 11-7) either
    assert summary["written"] == {
        "answer_by": "2026-08-06T23:59:59+02:00", "answered": 0, "members": 6,
        "status": "open", "status_label": "i gang, ventar på svar",
        "sent_at": "2026-08-03T09:00:00+02:00", "closed_at": None}
    _answer(db, number, MAYORS[:2])
    assert _summary(db, ref)["written"]["answered"] == 2
    detail = _detail(db, ref)
    assert detail["written"]["proposal"] == PROPOSAL and detail["written"]["case"] == number
    assert not any(item["closed_meeting"] for item in detail["agenda"])
    # the existing keys stay
    assert {"starts_at", "ends_at", "notice_date", "items", "agenda"} <= set(detail)


def test_the_deadline_and_the_count_survive_the_close(db: Db) -> None:
    """Once the last member answers, the meeting row's ends_at is the moment it closed: the
    deadline shown stays the deadline, and the answers are counted from the handling."""
    number, ref = _start(db)
    _answer(db, number, MAYORS[:3])
    db.at(date(2026, 8, 4), time(11, 30))
    _answer(db, number, MAYORS[3:])
    db.reconcile(number)
    summary = _summary(db, ref)
    assert summary["status"] == "held"
    assert summary["ends_at"].startswith("2026-08-04T11:30")  # the row's end: the close
    written = summary["written"]
    assert written["answer_by"] == "2026-08-06T23:59:59+02:00"
    assert (written["answered"], written["members"]) == (6, 6)
    assert written["status"] == "adopted" and written["closed_at"].startswith("2026-08-04T11:30")
    minutes = db.read(lambda uow: minutes_view(uow, uow.meetings.get(ref), PUBLIC))
    assert minutes["meeting"]["written"]["answered"] == 6
    assert minutes["written"]["answer_by"] == written["answer_by"]


def test_a_meeting_has_no_written_facts(db: Db) -> None:
    assert _summary(db, "RR-2026-08-27")["written"] is None
    assert _detail(db, "RR-2026-08-27")["written"] is None


# -- the public agenda -------------------------------------------------------------------------

def test_public_agenda_of_an_open_handling(db: Db) -> None:
    number, ref = _start(db)
    _answer(db, number, MAYORS[:1])
    text, html = _agenda(db, ref)
    assert "REGIONRÅDET FOR HALLINGDAL - SKRIFTLEG HANDSAMING" in text
    assert "Skriftleg handsaming etter kommunelova § 11-8 (2)" in text
    assert "Sendt til medlemene: måndag 3. august 2026 kl. 09:00" in text
    assert "Svarfrist: torsdag 6. august 2026 kl. 23:59" in text
    assert "Framlegg til vedtak" in text and PROPOSAL in text
    assert "Svar frå medlemene: 1 av 6 har svart." in text
    assert "Resultat" not in text
    assert "kl. 09:00-" not in text and "23:59-" not in text  # no opening hours
    for words in SITTING_WORDS:
        assert words not in text, words
        assert words not in html, words
    assert "Skriftleg handsaming etter kommunelova § 11-8 (2)" in html
    assert "torsdag 6. august 2026 kl. 23:59" in html and PROPOSAL in html
    assert "skriftleg handsaming</h1>" in html


def test_public_agenda_tells_the_result_once_adopted(db: Db) -> None:
    number, ref = _start(db)
    db.at(date(2026, 8, 4), time(11, 30))
    _answer(db, number, MAYORS)
    db.reconcile(number)
    text, html = _agenda(db, ref)
    assert "Svarfrist: torsdag 6. august 2026 kl. 23:59" in text  # not the close at 11:30
    assert "Svar frå medlemene: 6 av 6 svarte." in text
    assert "Resultat: vedteke (avslutta 04.08.2026)." in text
    assert "Alle 6 medlemene sa ja" in text
    assert "<strong>Resultat: vedteke</strong>" in html
    for words in SITTING_WORDS:
        assert words not in text, words


def test_public_agenda_tells_a_failed_handling_and_where_the_case_goes(db: Db) -> None:
    number, ref = _start(db)
    _answer(db, number, MAYORS[:1])
    _answer(db, number, MAYORS[1:2], proposal=False)
    db.reconcile(number)
    text, html = _agenda(db, ref)
    assert "Svar frå medlemene: 2 av 6 svarte." in text
    assert "Resultat: ikkje vedteke" in text and "sa nei til framlegget" in text
    assert "Saka går til eit ordinært møte eller hastefjernmøte." in " ".join(text.split())
    assert "Saka er trekt" not in text and "Saka er trekt" not in html
    assert "ikkje vedteke</strong>" in html


def test_exempt_case_keeps_its_proposal_from_the_public(db: Db) -> None:
    number, ref = _start(db, exempt="offl. § 13 jf. fvl. § 13 første ledd nr. 1")
    text, html = _agenda(db, ref)
    public = _detail(db, ref)
    assert public["written"]["proposal"] is None
    assert PROPOSAL not in text and PROPOSAL not in html and "tingrettane" not in text
    assert "Høyringssvar (unnateke)" in text and "offl. § 13" in text
    assert "Framlegg til vedtak: unnateke offentlegheit." in text
    assert "Møtet skal lukkast" not in text and "Møtet skal lukkast" not in html
    internal_text, _ = _agenda(db, ref, INTERNAL)
    assert PROPOSAL in internal_text and "Intern utgåve" in internal_text


def test_an_ordinary_agenda_is_unchanged(db: Db) -> None:
    text, html = _agenda(db, "RR-2026-08-27")
    assert "Stad:" in text and "Møtet er ope for ålmenta" in text
    assert "SKRIFTLEG" not in text and "Svarfrist" not in html


# -- the minutes -------------------------------------------------------------------------------

def test_minutes_show_the_handling_its_deadline_and_every_answer(db: Db) -> None:
    number, ref = _start(db)
    db.at(date(2026, 8, 4), time(11, 30))
    _answer(db, number, MAYORS)
    db.reconcile(number)
    council = db.read(org_view)["council"]
    minutes = db.read(lambda uow: minutes_view(uow, uow.meetings.get(ref), PUBLIC))
    text = render_minutes_text(minutes, council)
    html = render_minutes_html(minutes, council)
    assert "Skriftleg handsaming etter kommunelova § 11-8 (2): sendt 03.08.2026, avslutta " \
           "04.08.2026." in text
    assert "Svarfrist: 06.08.2026 kl. 23:59" in text and "Svarfrist: 06.08.2026 kl. 23:59" in html
    assert text.count("ja til framlegget, ja til skriftleg handsaming") == 6
    assert "Resultat: vedteke" in text and "Referanse: " + ref in text
    for words in ("Stad:", "Til stades", "Forfall", "Møtet vart lukka"):
        assert words not in text, words


# -- the demo summary --------------------------------------------------------------------------

def test_demo_summary_tells_the_real_deadline_and_answers(db: Db) -> None:
    """The summary read the meeting row's ends_at (the close) as the deadline and counted
    attendance (none in a written handling): «svarfrist 04.08.2026. Svarte: 0 av 0»."""
    from rich.console import Console

    from flows.demo.season import build_summary, print_summary

    number, ref = _start(db)
    db.at(date(2026, 8, 4), time(11, 30))
    _answer(db, number, MAYORS)
    db.reconcile(number)
    summary = build_summary(db.engine, db.clock)
    out = io.StringIO()
    console = Console(file=out, width=200, markup=False, color_system=None)
    stats = {"database": "test", "flows": {"sweep": 0, "case": 0}, "seconds": 0.0,
             "events": []}
    print_summary(summary, Path("/nonexistent"), stats, console)
    lines = out.getvalue().splitlines()
    at = next(i for i, line in enumerate(lines) if f"({ref})" in line)
    assert "skriftleg handsaming, svarfrist 06.08.2026 kl. 23:59." in lines[at]
    assert lines[at + 1].strip() == "Svarte: 6 av 6; vedteke 04.08.2026."
