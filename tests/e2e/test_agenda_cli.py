"""`tingflyt meeting show --html/--out`: the agenda (saksliste) as the document that is sent
and announced (KL § 11-3), for the public or for the reader's own audience."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import CE, DIRECTOR

RR = "RR-2026-08-27"
SECRET = "Søknad frå Løyndom AS"
PUBLIC_TITLE = "Søknad om tilskot"
BASIS = "offl. § 13 jf. fvl. § 13 første ledd nr. 2"


@pytest.fixture
def noticed(cli):  # noqa: ANN001, ANN201
    """A noticed council meeting with an open case, an exempt case and a demanded case."""
    for args in (
        ("case", "register", "--title", SECRET, "--kind", "fund_allocation", "--exempt", BASIS,
         "--public-title", PUBLIC_TITLE, "--description", "Marknadsplanane til Løyndom"),
        ("case", "register", "--title", "Felles breiband & fiber"),
        ("case", "register", "--title", "Ny busslinje"),
    ):
        code, _, err = cli(*args, "--as", DIRECTOR)
        assert code == 0, err
    for number in ("2026/1", "2026/2"):
        code, _, err = cli("case", "recommend", number, "--text", "Tilråding.", "--as", CE)
        assert code == 0, err
    code, _, err = cli("case", "demand", "2026/3", RR, "--members",
                       "aal-ordforar,flaa-ordforar", "--as", DIRECTOR)
    assert code == 0, err
    code, _, err = cli("--now", "2026-08-20T09:00", "sweep")
    assert code == 0, err
    return cli


class _Agenda(HTMLParser):
    """The HTML's text, its table cells and whether every opened element was closed."""

    VOID = {"meta", "br", "img", "hr", "link", "input"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.cells: list[str] = []
        self.text: list[str] = []
        self.mismatched: list[str] = []
        self.doctype = ""

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ARG002
        if tag not in self.VOID:
            self.open.append(tag)
        if tag == "td":
            self.cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.mismatched.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.open and "td" in self.open and self.cells:
            self.cells[-1] += data


def test_public_agenda_as_text_shows_the_neutral_title_and_the_basis(noticed,
                                                                     tmp_path: Path) -> None:
    target = tmp_path / "saksliste.txt"
    code, _, err = noticed("meeting", "show", RR, "--public", "--out", str(target))
    assert code == 0, err
    text = target.read_text(encoding="utf-8")
    assert "REGIONRÅDET FOR HALLINGDAL - SAKSLISTE" in text
    assert PUBLIC_TITLE in text and f"Unnateke offentlegheit, {BASIS}." in text
    assert "Møtet skal lukkast" in text
    assert "Løyndom" not in text and "Intern utgåve" not in text
    assert "RR 1/26" in text and "RR 2/26" in text and "RR 3/26" in text
    assert "Saka kjem utan tilråding" in text  # the demanded case (KL § 11-3)


def test_public_agenda_as_html_parses_and_has_the_agenda_numbers(noticed) -> None:
    code, html, err = noticed("meeting", "show", RR, "--public", "--html")
    assert code == 0, err
    parser = _Agenda()
    parser.feed(html)
    parser.close()
    assert parser.doctype.lower() == "doctype html"
    assert parser.mismatched == [] and parser.open == []
    numbers = [cell for cell in parser.cells if cell.startswith("RR ")]
    assert numbers == ["RR 1/26", "RR 2/26", "RR 3/26"]
    text = "".join(parser.text)
    assert PUBLIC_TITLE in text and BASIS in text and "Løyndom" not in text
    assert "Felles breiband & fiber" in text and "&amp;" in html  # escaped in the markup


def test_agenda_written_to_a_file(noticed, tmp_path: Path) -> None:
    target = tmp_path / "saksliste.html"
    code, out, err = noticed("meeting", "show", RR, "--public", "--html", "--out", str(target))
    assert code == 0, err
    assert str(target) in out
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and PUBLIC_TITLE in html
    assert "Løyndom" not in html
    text_file = tmp_path / "saksliste.txt"
    code, _, err = noticed("meeting", "show", RR, "--public", "--out", str(text_file))
    assert code == 0, err
    assert text_file.read_text(encoding="utf-8").startswith(
        "Hallingdal interkommunale politiske råd\nREGIONRÅDET FOR HALLINGDAL - SAKSLISTE")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp


def test_without_public_the_reader_gets_her_own_audience(noticed) -> None:
    code, text, _ = noticed("meeting", "show", RR, "--html")  # no one named: the public
    assert code == 0 and "Løyndom" not in text and PUBLIC_TITLE in text
    code, text, _ = noticed("meeting", "show", RR, "--html", "--as", DIRECTOR)
    assert code == 0 and SECRET in text and "Intern utgåve" in text
    code, text, _ = noticed("meeting", "show", RR, "--html", "--as", "aal-medlem-1")
    assert code == 0 and "Løyndom" not in text  # an assembly member: not this body's case
    code, text, _ = noticed("meeting", "show", RR, "--public", "--html", "--as", DIRECTOR)
    assert code == 0 and "Løyndom" not in text and "Intern utgåve" not in text


def test_out_into_a_missing_folder_is_refused_before_any_work(noticed, tmp_path: Path) -> None:
    missing = tmp_path / "finst-ikkje" / "saksliste.html"
    code, out, err = noticed("meeting", "show", RR, "--public", "--html", "--out", str(missing))
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "--out" in lines[0] and "Traceback" not in err
    assert not missing.parent.exists()
    code, _, err = noticed("meeting", "show", RR, "--out", str(tmp_path))
    assert code == 2 and "--out" in err  # a folder, not a file


def test_json_stays_the_read_model(noticed, tmp_path: Path) -> None:
    code, out, _ = noticed("meeting", "show", RR, "--public", "--json")
    detail = json.loads(out)
    assert code == 0 and detail["ref"] == RR
    assert [i["agenda_number"] for i in detail["agenda"]] == ["RR 1/26", "RR 2/26", "RR 3/26"]
    assert "Løyndom" not in out
    code, out, _ = noticed("meeting", "show", RR, "--public", "--json", "--html")
    assert code == 0 and json.loads(out) == detail  # --json wins, as for `minutes`
    target = tmp_path / "saksliste.json"
    code, out, _ = noticed("meeting", "show", RR, "--public", "--json", "--out", str(target))
    assert code == 0 and json.loads(out) == {"written": str(target)}
    assert json.loads(target.read_text(encoding="utf-8")) == detail


def test_out_never_replaces_a_device_or_a_link(cli, tmp_path) -> None:
    """--out writes beside the target and renames over it: a device (or a link to one, such
    as /dev/stdout) is refused, not replaced."""
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "elsewhere.txt")
    for target in ("/dev/null", str(link)):
        code, _, err = cli("minutes", "RR-2026-08-27", "--public", "--out", target)
        assert code == 2 and "--out" in err and "ikkje ei vanleg fil" in err
    assert link.is_symlink()
