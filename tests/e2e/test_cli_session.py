"""The session commands as the secretariat and the chairs run them: absence, substitute,
attend, vote, written, minutes, followup."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import CE, DIRECTOR

MAYORS = "aal-ordforar,flaa-ordforar,gol-ordforar,hemsedal-ordforar,hol-ordforar"


def data(out: str) -> dict:
    return json.loads(out)


@pytest.fixture
def on_agenda(cli):  # noqa: ANN001, ANN201
    """A case on RR-2026-08-27, its notice sent."""
    cli("case", "register", "--title", "Felles innkjøp", "--as", DIRECTOR)
    cli("case", "recommend", "2026/1", "--text", "Tilråding.", "--as", CE)
    return cli


def test_absence_substitute_attend_vote_minutes(on_agenda, tmp_path: Path) -> None:
    cli = on_agenda
    code, out, err = cli("absence", "report", "RR-2026-08-27", "--person", "nesbyen-ordforar",
                         "--reason", "Ferie", "--as", "nesbyen-ordforar", "--json")
    assert code == 0, err
    seat = next(s for s in data(out)["seats"] if s["member"] == "nesbyen-ordforar")
    assert seat["asked"] == "nesbyen-varaordforar"
    code, out, err = cli("substitute", "answer", "RR-2026-08-27", "--person",
                         "nesbyen-varaordforar", "--accept", "--as", "nesbyen-varaordforar")
    assert code == 0, err and "Nesbyen" in out
    code, text, _ = cli("absence", "list", "RR-2026-08-27")
    assert "vedtaksføre" in text
    cli("--now", "2026-08-20T09:00", "sweep")
    code, out, err = cli("--now", "2026-08-27T10:30", "attend", "RR-2026-08-27", "--present",
                         MAYORS, "--substitute", "nesbyen-varaordforar=nesbyen-ordforar",
                         "--chair", "gol-ordforar", "--attendees",
                         "gol-kommunedirektor,dagleg-leiar", "--as", DIRECTOR)
    assert code == 0, err
    code, out, err = cli("--now", "2026-08-27T10:40", "vote", "2026/1", "--for",
                         "aal-ordforar,flaa-ordforar,gol-ordforar", "--against",
                         "hemsedal-ordforar,hol-ordforar,nesbyen-varaordforar",
                         "--as", "gol-ordforar", "--json")
    assert code == 0, err
    result = data(out)
    assert result["vote"]["casting_vote"] and result["vote"]["result"] == "adopted"
    assert "dobbeltstemme" in result["vote"]["explanation"]
    code, text, err = cli("--now", "2026-08-27T15:00", "minutes", "RR-2026-08-27")
    assert code == 0, err
    assert "nesbyen-varaordforar" not in text  # people by name, not by id
    assert "varamedlem for" in text and "Mot (3)" in text and "Forfall" in text
    target = tmp_path / "moetebok.html"
    code, out, _ = cli("--now", "2026-08-27T15:00", "minutes", "RR-2026-08-27", "--public",
                       "--html", "--out", str(target))
    assert code == 0 and target.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert "Ferie" not in target.read_text(encoding="utf-8")  # reasons stay internal
    code, out, _ = cli("followup", "list", "--as", DIRECTOR, "--json")
    assert [r["case"] for r in data(out)] == ["2026/1"]


def test_a_vote_that_breaks_a_rule_is_refused_with_the_rule(on_agenda) -> None:
    cli = on_agenda
    cli("--now", "2026-08-20T09:00", "sweep")
    cli("--now", "2026-08-27T10:30", "attend", "RR-2026-08-27", "--present",
        "aal-ordforar,gol-ordforar", "--chair", "gol-ordforar", "--as", DIRECTOR)
    code, _, err = cli("--now", "2026-08-27T10:40", "vote", "2026/1", "--for",
                       "aal-ordforar,gol-ordforar", "--as", "gol-ordforar")
    assert code == 1 and "Ikkje vedtaksføre" in err and "11-9" in err
    code, _, err = cli("--now", "2026-08-27T10:40", "vote", "2026/1", "--for", "aal-ordforar",
                       "--against", "aal-ordforar", "--as", "gol-ordforar")
    assert code == 2 and "både for og mot" in err
    code, _, err = cli("--now", "2026-08-27T10:40", "vote", "2026/1", "--for",
                       "aal-ordforar,gol-ordforar,aal-ordforar", "--as", "gol-ordforar")
    assert code == 2 and "to gonger i --for" in err  # not counted once in silence
    code, out, _ = cli("case", "show", "2026/1", "--json")
    assert data(out)["state"] == "on_agenda"  # nothing was recorded


def test_missing_attendance_is_asked_for(on_agenda) -> None:
    cli = on_agenda
    cli("--now", "2026-08-20T09:00", "sweep")
    code, _, err = cli("--now", "2026-08-27T10:40", "vote", "2026/1", "--unanimous",
                       "--as", "gol-ordforar")
    assert code == 1 and "tingflyt attend RR-2026-08-27" in err


def test_written_handling_from_the_cli(cli) -> None:  # noqa: ANN001
    cli("case", "register", "--title", "Høyringssvar", "--kind", "statement", "--deadline",
        "2026-08-14", "--as", DIRECTOR)
    cli("case", "recommend", "2026/1", "--text", "Svar som i saksframlegget.", "--as", CE)
    code, out, err = cli("written", "start", "2026/1", "--answer-by", "2026-08-06",
                         "--as", "gol-ordforar", "--json")
    assert code == 0, err and data(out)["status"] == "open"
    for mayor in MAYORS.split(","):
        code, _, err = cli("written", "answer", "2026/1", "--person", mayor, "--proposal", "ja",
                           "--written", "ja", "--as", mayor)
        assert code == 0, err
    code, out, err = cli("written", "answer", "2026/1", "--person", "nesbyen-ordforar",
                         "--proposal", "ja", "--written", "ja", "--as", DIRECTOR, "--json")
    assert code == 0, err
    assert data(out)["status"] == "adopted"
    code, out, _ = cli("case", "show", "2026/1", "--json")
    assert data(out)["state"] == "in_implementation"
    code, _, err = cli("written", "answer", "2026/1", "--person", "aal-ordforar", "--proposal",
                       "kanskje", "--written", "ja", "--as", DIRECTOR)
    assert code == 2 and "ja eller nei" in err


def test_what_the_public_does_not_read(cli, tmp_path: Path) -> None:  # noqa: ANN001
    """Absence reasons and the proposal in an exempt written handling stay internal; a
    minutes file that cannot be written is refused in one line and leaves nothing behind."""
    cli("absence", "report", "RR-2026-08-27", "--person", "nesbyen-ordforar", "--reason",
        "Legetime", "--as", "nesbyen-ordforar")
    code, text, err = cli("absence", "list", "RR-2026-08-27")
    assert code == 0, err
    assert "Legetime" not in text and "Nesbyen" in text
    code, text, _ = cli("absence", "list", "RR-2026-08-27", "--as", DIRECTOR)
    assert "Legetime" in text
    cli("case", "register", "--title", "Tilsetjing av dagleg leiar", "--kind", "statement",
        "--deadline", "2026-08-14", "--exempt", "offl. § 25 første ledd", "--public-title",
        "Personalsak", "--as", DIRECTOR)
    cli("case", "recommend", "2026/1", "--text", "Kari Nordmann vert tilsett.", "--as", CE)
    code, _, err = cli("written", "start", "2026/1", "--answer-by", "2026-08-06",
                       "--as", "gol-ordforar")
    assert code == 0, err
    code, out, _ = cli("written", "show", "2026/1", "--json")
    public = data(out)
    assert public["proposal"] is None and public["title"] == "Personalsak"
    assert "Kari" not in out
    code, out, _ = cli("written", "show", "2026/1", "--as", "aal-ordforar", "--json")
    assert data(out)["proposal"] == "Kari Nordmann vert tilsett."
    missing = tmp_path / "finst-ikkje" / "moetebok.txt"
    code, out, err = cli("minutes", public["meeting"], "--out", str(missing))
    assert code == 2 and "--out" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2 and not missing.parent.exists()


def test_an_election_the_body_chairs_itself(on_agenda, tmp_path: Path) -> None:
    """Leader and deputy both recused: the election needs --chair, and the CLI passes it on;
    vote options that do not belong to an election are refused, not ignored."""
    cli = on_agenda
    for who in ("gol-ordforar", "hol-ordforar"):
        code, _, err = cli("absence", "report", "RR-2026-08-27", "--person", who, "--kind",
                           "case", "--case", "2026/1", "--basis", "fvl6-1a", "--reason",
                           "fvl. § 6 første ledd",
                           "--as", DIRECTOR)
        assert code == 0, err
    cli("--now", "2026-08-20T09:00", "sweep")
    cli("--now", "2026-08-27T10:30", "attend", "RR-2026-08-27", "--present",
        MAYORS + ",nesbyen-ordforar", "--chair", "gol-ordforar", "--as", DIRECTOR)
    election = ["--now", "2026-08-27T10:40", "vote", "2026/1", "--candidates", "Kari,Ola",
                "--ballot", "aal-ordforar=Kari", "--ballot", "flaa-ordforar=Kari",
                "--ballot", "hemsedal-ordforar=Ola", "--ballot", "nesbyen-ordforar=Kari",
                "--what", "Styreleiar", "--as", DIRECTOR]
    code, _, err = cli(*election)
    assert code == 1 and "--chair" in err
    code, _, err = cli(*election, "--for", "aal-ordforar")
    assert code == 2 and "--for gjeld ikkje val" in err
    code, out, err = cli(*election, "--chair", "flaa-ordforar", "--json")
    assert code == 0, err
    assert data(out)["vote"]["elected"] == "Kari"
    target = tmp_path / "moetebok.json"
    code, out, err = cli("--now", "2026-08-27T15:00", "minutes", "RR-2026-08-27", "--json",
                         "--out", str(target))
    assert code == 0, err
    written = json.loads(target.read_text(encoding="utf-8"))
    item = next(i for i in written["items"] if i["case"] == "2026/1")
    assert item["proposals"][0]["chair"] == "flaa-ordforar"
    assert "vald til møteleiar" in item["proposals"][0]["chair_note"]
