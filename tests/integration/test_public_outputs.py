"""Everything the public may read of an exempt case, rendered: nothing of its content and no
reason for an absence or a recusal (offentleglova; docs/rules.md, section 8)."""

from __future__ import annotations

import json
from datetime import date

from domain.queries.cases import case_detail, case_list
from domain.queries.followup import followup_list
from domain.queries.format import INTERNAL, PUBLIC
from domain.queries.meetings import meeting_detail, seats_view
from domain.queries.minutes import minutes_view
from domain.queries.organisation import org_view
from domain.queries.written import written_view
from notifications.agenda import render_agenda_html, render_agenda_text
from notifications.minutes import render_minutes_html, render_minutes_text
from tests.conftest import CE, CHAIR, DIRECTOR, Db
from tests.integration.test_case_lifecycle import open_session, register

RR = "RR-2026-08-27"
PUBLIC_TITLE = "Personalsak"
BASIS = "offl. § 25 første ledd"
#: What only the council's own people may read.
SECRETS = {
    "title": "Tilsetjing av Kari Nordmann som rådgjevar",
    "description": "Søknadene frå dei fire kandidatane",
    "recommendation": "Tilrådinga er å tilsetje Kari Nordmann",
    "written proposal": "Framlegg i skriftleg handsaming: Kari Nordmann",
    "decision": "Vedtak: Kari Nordmann vert tilsett frå 1. oktober",
    "recusal reason (written)": "systera er mellom søkjarane",
    "recusal reason (meeting)": "fvl. § 6 første ledd bokstav b: bror til ein søkjar",
    "absence reason": "Legetime hjå tannlegen",
}


def _exempt_case_through_written_handling_and_a_meeting(db: Db) -> tuple[str, str]:
    """An exempt, urgent council case: its written handling ends on a recusal (with its
    reason), and the case is then decided in the next meeting, where one member is absent
    (with a reason) and another recused (with a reason)."""
    number = register(db, SECRETS["title"], kind="statement", deadline=date(2026, 8, 14),
                      exempt=BASIS, public_title=PUBLIC_TITLE,
                      description=SECRETS["description"])
    db.run("case.recommend", CE, case=number, text=SECRETS["recommendation"])
    db.reconcile(number)
    db.run("written.start", CHAIR, case=number, proposal=SECRETS["written proposal"],
           answer_by=date(2026, 8, 6))
    written = db.read(lambda uow: written_view(uow, number))["meeting"]
    db.run("absence.report", DIRECTOR, meeting=written, person="aal-ordforar", kind="case",
           basis="fvl6-1a",
           case=number, reason=SECRETS["recusal reason (written)"])
    db.reconcile(number)
    assert db.read(lambda uow: uow.cases.get(number).agenda_meeting_id) is not None
    db.run("absence.report", DIRECTOR, meeting=RR, person="hol-ordforar",
           reason=SECRETS["absence reason"])
    db.run("substitute.answer", DIRECTOR, meeting=RR, person="hol-varaordforar", accept=True)
    db.run("absence.report", DIRECTOR, meeting=RR, person="nesbyen-ordforar", kind="case",
           basis="fvl6-1a",
           case=number, reason=SECRETS["recusal reason (meeting)"])
    open_session(db, RR, absent=("hol-ordforar",),
                 substitutes={"hol-varaordforar": "hol-ordforar"})
    db.run("case.vote", CHAIR, case=number, unanimous=True, proposal=SECRETS["decision"])
    db.sweep()
    return number, written


def _everything(db: Db, number: str, written: str, audience: str) -> dict[str, str]:
    """Every output an audience reads of the case, as text (JSON for the read models)."""
    council = db.read(org_view)["council"]

    def read(uow):  # noqa: ANN001, ANN202
        out = {}
        case = uow.cases.get(number)
        out["case show"] = case_detail(uow, case, audience)
        out["case list"] = case_list(uow) if audience == PUBLIC else \
            case_list(uow, actor_id=DIRECTOR)
        for ref in (RR, written):
            meeting = uow.meetings.get(ref)
            out[f"agenda {ref}"] = meeting_detail(uow, meeting, audience)
            out[f"minutes {ref}"] = minutes_view(uow, meeting, audience)
        out["seats"] = seats_view(uow, uow.meetings.get(RR), audience)
        out["written show"] = written_view(uow, number, audience)
        out["followup list"] = followup_list(uow, audience=audience)
        return out

    views = db.read(read)
    texts = {name: json.dumps(view, ensure_ascii=False, default=str)
             for name, view in views.items()}
    for ref in (RR, written):
        agenda, minutes = views[f"agenda {ref}"], views[f"minutes {ref}"]
        texts[f"agenda text {ref}"] = render_agenda_text(agenda, council)
        texts[f"agenda html {ref}"] = render_agenda_html(agenda, council)
        texts[f"minutes text {ref}"] = render_minutes_text(minutes, council)
        texts[f"minutes html {ref}"] = render_minutes_html(minutes, council)
    return texts


def test_no_public_output_shows_exempt_content_or_a_reason(db: Db) -> None:
    number, written = _exempt_case_through_written_handling_and_a_meeting(db)
    public = _everything(db, number, written, PUBLIC)
    leaks = [f"{what} in {where}" for where, text in public.items()
             for what, secret in SECRETS.items() if secret in text]
    leaks += [f"«Kari» in {where}" for where, text in public.items() if "Kari" in text]
    assert leaks == []
    for where in ("case show", "case list", f"agenda text {RR}", f"agenda html {RR}",
                  f"minutes text {RR}", f"minutes html {RR}", f"minutes text {written}",
                  "written show", "followup list"):
        assert PUBLIC_TITLE in public[where], where
    for where in ("case show", f"agenda text {RR}", f"minutes html {RR}", "written show"):
        assert BASIS in public[where], where
    followup = json.loads(public["followup list"])
    assert [row["case"] for row in followup] == [number] and followup[0]["decision"] is None
    minutes = json.loads(public[f"minutes {RR}"])
    item = next(i for i in minutes["items"] if i["case"] == number)
    assert [r["id"] for r in item["recused"]] == ["nesbyen-ordforar"]  # who, but not why
    assert item["proposals"][0]["votes_for"] == 5  # the count stays public
    assert minutes["absent"][0]["id"] == "hol-ordforar" and minutes["absent"][0]["reason"] is None


def test_the_council_own_people_read_all_of_it(db: Db) -> None:
    number, written = _exempt_case_through_written_handling_and_a_meeting(db)
    internal = "\n".join(_everything(db, number, written, INTERNAL).values())
    missing = [what for what, secret in SECRETS.items() if secret not in internal]
    assert missing == []


def test_a_recusal_ground_is_public_and_its_note_is_not(db: Db) -> None:
    """The recusal and its legal ground belong in the public minutes (KL § 11-4); the note
    behind it (who is related to whom), like the reason for an absence, never does."""
    number = register(db, "Felles breiband")
    db.run("case.recommend", CE, case=number, text="Tilråding.")
    db.reconcile(number)
    db.run("absence.report", DIRECTOR, meeting=RR, person="hol-ordforar",
           reason=SECRETS["absence reason"])
    db.run("absence.report", DIRECTOR, meeting=RR, person="nesbyen-ordforar", kind="case",
           basis="fvl6-1a",
           case=number, reason=SECRETS["recusal reason (meeting)"])
    open_session(db, RR, absent=("hol-ordforar",))
    db.run("case.vote", CHAIR, case=number, unanimous=True)
    council = db.read(org_view)["council"]
    public = db.read(lambda uow: minutes_view(uow, uow.meetings.get(RR), PUBLIC))
    text = render_minutes_text(public, council) + render_minutes_html(public, council)
    assert "Inhabil: " in text and "forvaltningslova § 6 første ledd bokstav a" in text
    assert SECRETS["recusal reason (meeting)"] not in text
    assert SECRETS["absence reason"] not in text
    seats = db.read(lambda uow: seats_view(uow, uow.meetings.get(RR), PUBLIC))
    assert SECRETS["absence reason"] not in json.dumps(seats, ensure_ascii=False)
