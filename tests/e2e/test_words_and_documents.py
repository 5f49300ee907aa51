"""Words and documents as people read them (issue 8): the person ids that every ``--as`` help
text points to in ``org show``, a case kind with its own article ("eit årsbudsjett", not "ei
årsbudsjett"), the place and the chair of the HTML minutes on lines of their own, dates with
all four digits of the year, the README's recommendation example, and ``samandrag.txt`` as a
document rather than a dump of the terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.errors import TingflytError
from domain.rules.terms import CASE_KIND_WITH_ARTICLE, CaseKind, case_kind_phrase
from flows.demo.season import SummaryDocument
from flows.output import d, dt, dw
from tests.conftest import CE, Db

ROOT = Path(__file__).resolve().parents[2]


def test_org_show_gives_each_person_id_beside_the_name(cli) -> None:
    code, out, err = cli("org", "show")
    assert code == 0, err
    assert "Knut Tveiten (flaa-ordforar)" in out
    assert "Dagleg leiar: Tone Brekkehus (dagleg-leiar)" in out
    assert "Sverre Gjeldokk (radgjevar)" in out
    assert "Leiar: Ingrid Haugo (gol-ordforar)" in out
    assert "1. Kåre Vatnaland (aal-vara-1)" in out
    assert "saker førebudde av Regionrådet for Hallingdal" in out  # a name, not "council"


def test_every_case_kind_has_its_article() -> None:
    assert set(CASE_KIND_WITH_ARTICLE) == set(CaseKind)
    assert case_kind_phrase("budget") == "eit årsbudsjett"
    assert case_kind_phrase(CaseKind.INFORMATION) == "ei referatsak"
    for kind, phrase in CASE_KIND_WITH_ARTICLE.items():
        assert re.match(r"(ei|ein|eit) ", phrase), kind


def test_no_message_writes_its_own_article_before_a_kind_label() -> None:
    pattern = re.compile(r"\b(ei|ein|eit) \{[^}]*(kind|label)")
    found = [f"{path.relative_to(ROOT)}:{n}"
             for folder in ("domain", "flows", "notifications")
             for path in (ROOT / folder).rglob("*.py")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if pattern.search(line)]
    assert found == []


def test_a_budget_is_eit_arsbudsjett_when_refused_for_information(db: Db) -> None:
    from tests.integration.test_case_lifecycle import open_session, register

    number = register(db, "Årsbudsjett 2027", kind="budget")
    db.run("case.recommend", CE, case=number, text="Regionrådet sluttar seg til budsjettet.")
    db.reconcile(number)
    open_session(db, "RR-2026-08-27")
    with pytest.raises(TingflytError) as refused:
        db.run("case.decide", "gol-ordforar", case=number, outcome="taken_for_information")
    assert f"Sak {number} er eit årsbudsjett og skal avgjerast" in str(refused.value)
    assert "ei årsbudsjett" not in str(refused.value)


def test_html_minutes_put_the_place_and_the_chair_on_lines_of_their_own(db: Db) -> None:
    from domain.queries.minutes import minutes_view
    from domain.queries.organisation import org_view
    from notifications.minutes import render_minutes_html
    from tests.integration.test_case_lifecycle import open_session, register

    number = register(db, "Felles breibandsatsing")
    db.run("case.recommend", CE, case=number, text="Regionrådet sluttar seg til planen.")
    db.reconcile(number)
    open_session(db, "RR-2026-08-27")
    db.run("case.vote", "gol-ordforar", case=number, unanimous=True)
    minutes = db.read(lambda uow: minutes_view(uow, uow.meetings.get("RR-2026-08-27")))
    html = render_minutes_html(minutes, db.read(org_view)["council"])
    assert "Regionrådssalen, Gol.</p>\n<p>Møteleiar: Ingrid Haugo.</p>" in html
    text = re.sub(r"<[^>]+>", "", html)  # the page's text, as a reader or a copy gets it
    assert "Gol.Møteleiar" not in text and not re.search(r"\.\S+@", text)


def test_dates_keep_four_digits_of_the_year() -> None:
    assert d("0001-01-01") == "01.01.0001"
    assert dw("0999-12-31").endswith(" 31.12.0999")
    assert dt("0001-01-01T09:05") == "01.01.0001 09:05"
    assert d("2026-09-24") == "24.09.2026" and dt("2026-09-24T10:00") == "24.09.2026 10:00"


def test_readme_recommendation_example_is_a_recommendation() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(x for x in readme.splitlines() if "case recommend" in x and "--text" in x)
    assert '--text "Tilråding:' not in line and "sluttar seg til" in line


def test_summary_document_wraps_at_words_without_trailing_spaces() -> None:
    doc = SummaryDocument()
    doc.rule("Hallingdal interkommunale politiske råd: sesongen 2026/27")
    doc.print("\nMøte og sakslister", style="bold")
    doc.print("\nRegionrådet tor. 27.08.2026 (RR-2026-08-27), Regionrådssalen, Gol. Innkalling "
              "20.08.2026, frist for saksutgreiing 13.08.2026.")
    doc.print("  RR 1/26    sak 2026/1: Tilskot frå næringsfondet: etablerarrettleiing i "
              "Hallingdal -> vedteke")
    doc.table("Saker etter tilstand (2 saker)", [("vedteken", "1"), ("utsett", "1")])
    lines = doc.text().splitlines()
    assert lines[:2] == ["Hallingdal interkommunale politiske råd: sesongen 2026/27",
                         "=" * 57]
    assert "Møte og sakslister" in lines and "-" * len("Møte og sakslister") in lines
    assert all(len(x) <= 80 and x == x.rstrip() for x in lines)
    assert "Regionrådet tor. 27.08.2026 (RR-2026-08-27), Regionrådssalen, Gol. Innkalling" \
        in lines
    assert "  20.08.2026, frist for saksutgreiing 13.08.2026." in lines
    assert "             Hallingdal -> vedteke" in lines  # under the title, not mid-word
    assert any(re.fullmatch(r"  vedteken: +1", x) for x in lines)
    assert not any("┃" in x or "│" in x for x in lines)


def test_case_show_names_people_not_ids(cli) -> None:  # noqa: ANN001
    cli("case", "register", "--title", "Felles breiband", "--lead", "hol-kommunedirektor",
        "--as", "dagleg-leiar")
    code, out, err = cli("case", "show", "2026/1", "--as", "dagleg-leiar")
    assert code == 0, err
    assert "av Tone Brekkehus" in out and "Ansvarleg for utgreiing: Tor Arne Gjeilo" in out
    assert "hol-kommunedirektor" not in out and "av dagleg-leiar" not in out
