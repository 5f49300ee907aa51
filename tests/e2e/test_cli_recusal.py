"""`tingflyt absence report --kind case`, `substitute answer --case` and
`attend --case-substitute`: a substitute for a recused member, for that case only."""

from __future__ import annotations

import json

from tests.conftest import CE, DIRECTOR

RR = "RR-2026-08-27"
EVERYONE = "aal-ordforar,flaa-ordforar,gol-ordforar,hemsedal-ordforar,hol-ordforar," \
           "nesbyen-ordforar"
SEAT = "2026/1:nesbyen-varaordforar=nesbyen-ordforar"


def test_recusal_substitute_from_the_command_line(cli) -> None:  # noqa: ANN001
    cli("case", "register", "--title", "Tilskot til Nesbyen", "--as", DIRECTOR)
    cli("case", "recommend", "2026/1", "--text", "Tilråding.", "--as", CE)
    code, _, err = cli("absence", "report", RR, "--person", "nesbyen-ordforar", "--kind", "case",
                       "--case", "2026/1", "--basis", "fvl6-1a", "--reason", "bror er part",
                       "--as", "nesbyen-ordforar")
    assert code == 0, err
    code, _, err = cli("substitute", "answer", RR, "--person", "nesbyen-varaordforar",
                       "--accept", "--case", "2026/1", "--as", "nesbyen-varaordforar")
    assert code == 0, err
    cli("--now", "2026-08-20T09:00", "sweep")
    code, _, err = cli("--now", "2026-08-27T10:30", "attend", RR, "--present", EVERYONE,
                       "--chair", "gol-ordforar", "--case-substitute", "nesbyen-varaordforar",
                       "--as", DIRECTOR)
    assert code == 2 and "--case-substitute" in err and "sak:vara=medlem" in err
    code, text, err = cli("--now", "2026-08-27T10:30", "attend", RR, "--present", EVERYONE,
                          "--chair", "gol-ordforar", "--case-substitute", SEAT, "--as", DIRECTOR)
    assert code == 0, err
    assert "6 av 6 plassar dekte" in text
    assert "i sak 2026/1, inhabil" in text
    code, out, err = cli("--now", "2026-08-27T10:31", "attend", RR, "--present", EVERYONE,
                         "--chair", "gol-ordforar", "--case-substitute", SEAT, "--as", DIRECTOR,
                         "--json")
    assert code == 0, err
    data = json.loads(out)
    assert [(r["id"], r["seat"], r["case"]) for r in data["case_substitutes"]] == [
        ("nesbyen-varaordforar", "nesbyen-ordforar", "2026/1")]
    assert "nesbyen-varaordforar" not in [r["id"] for r in data["present"]]
    assert data["absent"] == []  # the recused mayor is there, for every other case
    assert data["quorum"] == {"seats": 6, "needed": 3, "present": 6}
    code, out, err = cli("--now", "2026-08-27T10:40", "vote", "2026/1", "--for",
                         "aal-ordforar,flaa-ordforar,gol-ordforar,hemsedal-ordforar,"
                         "hol-ordforar,nesbyen-varaordforar", "--as", "gol-ordforar", "--json")
    assert code == 0, err
    assert json.loads(out)["vote"]["votes_for"] == 6


def test_attend_help_names_the_option_in_nynorsk(cli) -> None:  # noqa: ANN001
    code, out, _ = cli("attend", "--help")
    flat = " ".join(out.replace("│", " ").split())  # as wide as the terminal: unwrap it
    assert code == 0
    assert "--case-substitute" in flat and "inhabil medlem i éi sak" in flat
    code, out, _ = cli("substitute", "answer", "--help")
    assert code == 0 and "--case" in out
