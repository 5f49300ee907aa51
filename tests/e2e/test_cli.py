"""The staff CLI: real commands against a real SQLite file, their output and their refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CE, DIRECTOR, HALLINGDAL, ROOT


def data(out: str) -> object:
    return json.loads(out)


def journal_size(cli) -> int:
    code, out, _ = cli("journal", "--as", DIRECTOR, "--limit", "10000", "--json")
    assert code == 0
    return len(data(out))


def test_help_is_fast_and_imports_nothing_heavy() -> None:
    probe = ("import sys\nfrom flows.cli import main\nrc = main(['--help'])\n"
             "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
             "{'prefect', 'sqlalchemy', 'pydantic', 'alembic', 'holidays'})\n"
             "print('HEAVY=' + ','.join(heavy))\nsys.exit(rc)")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert result.returncode == 0
    assert "HEAVY=\n" in result.stdout  # nothing heavy was imported for --help
    assert "case" in result.stdout and "sweep" in result.stdout


def test_init_is_idempotent(cli) -> None:
    code, out, _ = cli("init", "--json")
    assert code == 0 and data(out)["unchanged"] is True


def test_org_show(cli) -> None:
    code, out, _ = cli("org", "show", "--json")
    org = data(out)
    assert code == 0
    assert org["council"]["id"] == "hallingdal"
    assert sorted(m["id"] for m in org["municipalities"]) == [
        "aal", "flaa", "gol", "hemsedal", "hol", "nesbyen"]
    council = next(b for b in org["bodies"] if b["id"] == "council")
    assert council["voting_members"] == 6 and council["chair"]["id"] == "gol-ordforar"
    code, text, _ = cli("org", "show")
    assert "Regionrådet for Hallingdal" in text and "Varamedlemer" in text


def test_meeting_plan_shows_notice_and_preparation_dates(cli) -> None:
    code, out, _ = cli("meeting", "plan", "--json")
    plan = data(out)
    assert code == 0 and len(plan) == 11
    april = next(m for m in plan if m["ref"] == "RR-2027-04-01")
    assert april["notice_date"] == "2027-03-24"
    assert april["starts_at"].endswith("+02:00")  # Europe/Oslo, summer time


def test_register_show_and_list(cli) -> None:
    code, out, err = cli("case", "register", "--title", "Felles breibandsatsing",
                         "--kind", "ordinary", "--as", DIRECTOR, "--json")
    assert code == 0, err
    result = data(out)
    assert result["case"]["number"] == "2026/1"
    assert result["case"]["state"] == "in_preparation"
    assert result["engine"]["via"] == "direct" and result["engine"]["done"]
    code, out, _ = cli("case", "show", "2026/1", "--as", DIRECTOR, "--json")
    shown = data(out)
    assert [e["action"] for e in shown["trace"]][:2] == ["case.register", "case.prepare"]
    code, text, _ = cli("case", "show", "2026/1", "--as", DIRECTOR)
    assert "Spor" in text and "under utgreiing" in text
    code, out, _ = cli("case", "list", "--json")
    assert [c["number"] for c in data(out)] == ["2026/1"]


@pytest.mark.parametrize("args, code, words", [
    (["case", "show", "2026/99"], 2, ["Ukjend sak", "case list"]),
    (["case", "show", "17"], 2, ["saksnummer", "2026/17"]),
    (["case", "register", "--title", "X", "--deadline", "2026-13-01", "--as", DIRECTOR], 2,
     ["Ugyldig dato", "--deadline", "ÅÅÅÅ-MM-DD"]),
    (["case", "register", "--title", "X", "--as", "ingen-slik"], 2,
     ["Ukjend person", "org show"]),
    (["case", "register", "--title", "X", "--kind", "budsjett", "--as", DIRECTOR], 2,
     ["sakstype", "budget"]),
    (["case", "register", "--title", "X"], 4, ["--as"]),
    (["case", "register", "--title", "X", "--as", "aal-medlem-1"], 4,
     ["kan ikkje registrere saker", "sekretariatet"]),
    (["meeting", "show", "RR-2030-01-01"], 2, ["Ukjend møte", "meeting plan"]),
    (["meeting", "add", "--body", "council", "--date", "2026-08-05", "--as", DIRECTOR], 1,
     ["for seint", "--urgent"]),
    (["case", "decide", "2026/1", "--outcome", "vedteke", "--as", DIRECTOR], 2,
     ["utfall", "decided"]),
    (["--now", "i går", "case", "list"], 2, ["--now"]),
    (["case", "frobnicate"], 2, ["frobnicate"]),
    (["case", "lst"], 2, ["Meinte du «list»"]),
    (["journal", "--as", DIRECTOR, "--limit", "0"], 2, ["--limit", "mellom 1 og 10000"]),
    (["case", "register", "--title", "X", "--as", "tingflyt"], 2, ["Ukjend person"]),
    (["meeting", "notice", "RR-2026-08-27", "--as", "tingflyt"], 2, ["Ukjend person"]),
    (["case", "register", "--title", "X", "--body", "tinget", "--as", DIRECTOR], 2,
     ["Ukjend organ"]),
])
def test_wrong_input_gets_one_line_and_writes_nothing(cli, args, code, words) -> None:
    cli("case", "register", "--title", "Sak", "--as", DIRECTOR)
    before = journal_size(cli)
    got, out, err = cli(*args)
    assert got == code, (out, err)
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for word in words:
        assert word in err, (word, err)
    assert journal_size(cli) == before


def test_sweep_and_trace_speak_local_time_and_name_their_cases(cli) -> None:
    cli("case", "register", "--title", "Sak", "--as", DIRECTOR)
    code, out, _ = cli("sweep", "--json")
    assert data(out)["at"] == "2026-08-03T09:00:00+02:00"
    code, out, _ = cli("case", "show", "2026/1", "--as", DIRECTOR, "--json")
    assert {e["case"] for e in data(out)["trace"]} == {"2026/1"}
    placed_on = [e["meeting"] for e in data(out)["trace"] if e["action"] == "case.prepare"]
    assert placed_on == [None]  # the preparation entry belongs to the case alone


def test_database_that_does_not_answer_is_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "TINGFLYT_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/x"}
    for args in (["case", "list"], ["init"]):
        result = subprocess.run([sys.executable, "-m", "flows.cli", *args],
                                capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
        assert result.returncode == 5, result.stderr
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "TINGFLYT_DATABASE_URL" in result.stderr
    env = {**os.environ, "TINGFLYT_DATA_DIR": str(tmp_path / "empty")}
    env.pop("TINGFLYT_DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-m", "flows.cli", "case", "list"],
                            capture_output=True, text=True, cwd=ROOT, env=env, timeout=60)
    assert result.returncode == 5 and "tingflyt init" in result.stderr
    assert not (tmp_path / "empty" / "tingflyt.sqlite").exists()


def test_illegal_transition_exit_code_and_message(cli) -> None:
    cli("case", "register", "--title", "Sak", "--as", DIRECTOR)
    code, _, err = cli("case", "place", "2026/1", "--meeting", "RR-2026-08-27", "--as",
                       DIRECTOR)
    assert code == 1
    assert "under utgreiing" in err and "leggje fram tilråding" in err


def test_errors_as_json(cli) -> None:
    code, out, err = cli("case", "show", "2026/5", "--json")
    assert code == 2 and err == ""
    error = data(out)["error"]
    assert error["code"] == "not_found" and error["field"] == "case"


def test_conflict_exit_code(cli) -> None:
    cli("case", "register", "--title", "Sak", "--as", DIRECTOR)
    code, out, _ = cli("case", "show", "2026/1", "--json", "--as", DIRECTOR)
    version = data(out)["version"]
    assert cli("case", "recommend", "2026/1", "--text", "A", "--as", CE,
               "--expect-version", str(version))[0] == 0
    code, _, err = cli("case", "recommend", "2026/1", "--text", "B", "--as", CE,
                       "--expect-version", str(version))
    assert code == 3 and "versjon" in err


def test_full_path_through_the_cli(cli) -> None:
    assert cli("case", "register", "--title", "Tilskot frå næringsfondet", "--kind",
               "fund_allocation", "--as", DIRECTOR)[0] == 0
    assert cli("case", "recommend", "2026/1", "--text", "Løyve 350 000 kr.", "--as", CE)[0] == 0
    code, out, _ = cli("case", "show", "2026/1", "--json")
    assert data(out)["agenda"]["meeting"] == "RR-2026-08-27"
    code, out, _ = cli("--now", "2026-08-20T08:30", "sweep", "--json")
    report = data(out)
    assert report["via"] == "direct"
    assert any("RR-2026-08-27" in m for m in report["meetings"])
    code, out, _ = cli("meeting", "show", "RR-2026-08-27", "--json")
    assert data(out)["agenda"][0]["agenda_number"] == "RR 1/26"
    code, out, err = cli("--now", "2026-08-27T11:00", "case", "decide", "2026/1", "--outcome",
                         "decided", "--as", "gol-ordforar", "--json")
    assert code == 1 and "krev røysting" in data(out)["error"]["message"]
    mayors = "aal-ordforar,flaa-ordforar,gol-ordforar,hemsedal-ordforar,hol-ordforar"
    code, out, err = cli("--now", "2026-08-27T11:00", "attend", "RR-2026-08-27", "--present",
                         mayors, "--substitute", "nesbyen-varaordforar=nesbyen-ordforar",
                         "--chair", "gol-ordforar", "--as", DIRECTOR, "--json")
    assert code == 0, err
    assert data(out)["quorum"] == {"seats": 6, "needed": 3, "present": 6}
    code, out, err = cli("--now", "2026-08-27T11:05", "vote", "2026/1", "--for",
                         mayors + ",nesbyen-varaordforar", "--as", "gol-ordforar", "--json")
    assert code == 0, err
    assert data(out)["case"]["state"] == "in_implementation"
    assert data(out)["vote"]["votes_for"] == 6
    code, text, _ = cli("--now", "2026-08-27T11:00", "journal", "--as", DIRECTOR)
    assert "Regionrådet 27.08.2026: vedteke" in text
    code, out, _ = cli("alerts", "--as", DIRECTOR, "--json")
    assert code == 0 and isinstance(data(out), list)


def test_public_view_hides_exempt_content(cli) -> None:
    cli("case", "register", "--title", "Søknad frå Hemmeleg AS", "--kind", "fund_allocation",
        "--exempt", "offl. § 13 jf. fvl. § 13 første ledd nr. 2", "--public-title",
        "Søknad om tilskot", "--as", DIRECTOR)
    code, out, _ = cli("case", "show", "2026/1", "--json")
    assert "Hemmeleg" not in out and data(out)["title"] == "Søknad om tilskot"
    code, out, _ = cli("case", "list")
    assert "Hemmeleg" not in out
    code, out, _ = cli("case", "show", "2026/1", "--as", DIRECTOR, "--json")
    assert data(out)["title"] == "Søknad frå Hemmeleg AS"


def test_journal_is_not_public(cli) -> None:
    code, _, err = cli("journal")
    assert code == 4 and "--as" in err
    code, _, err = cli("journal", "--as", "aal-medlem-1")
    assert code == 4 and "journalen" in err


def test_broken_org_file_is_refused_with_file_field_and_fix(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    text = HALLINGDAL.read_text(encoding="utf-8")
    text = text.replace('municipality = "gol"\nmembers = ["gol-ordforar"]',
                        'municipality = "golx"\nmembers = ["gol-ordforar"]', 1)
    broken.write_text(text, encoding="utf-8")
    env = {**os.environ, "TINGFLYT_DATA_DIR": str(tmp_path / "data")}
    env.pop("TINGFLYT_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "flows.cli", "init", "--org", str(broken)], capture_output=True,
        text=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 5
    assert "Traceback" not in result.stderr
    assert str(broken) in result.stderr
    assert "memberships[" in result.stderr and "golx" in result.stderr
    assert "meinte du «gol»" in result.stderr
    assert not (tmp_path / "data" / "tingflyt.sqlite").exists()  # nothing written


def test_real_console_script_runs_clean(tmp_path: Path) -> None:
    env = {**os.environ, "TINGFLYT_DATA_DIR": str(tmp_path / "data")}
    env.pop("TINGFLYT_DATABASE_URL", None)
    script = Path(sys.executable).with_name("tingflyt")
    for args in (["init"], ["meeting", "plan"], ["case", "list"], ["case", "show", "2026/1"]):
        result = subprocess.run([str(script), "--now", "2026-08-03", *args],
                                capture_output=True, text=True, env=env, timeout=120)
        combined = result.stdout + result.stderr
        assert "Traceback" not in combined and "ERROR" not in combined
        if args[-1] == "2026/1":
            assert result.returncode == 2 and "Ukjend sak" in result.stderr
        else:
            assert result.returncode == 0, combined


def test_unreachable_prefect_is_refused_before_anything_is_written(cli, monkeypatch) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # nothing listens there
    code, _, err = cli("case", "register", "--title", "Sak", "--as", DIRECTOR)
    assert code == 6 and "svarar ikkje" in err and "TINGFLYT_FLOWS=direct" in err
    code, _, _ = cli("sweep")
    assert code == 6
    monkeypatch.delenv("PREFECT_API_URL")
    code, out, _ = cli("case", "list", "--json")
    assert code == 0 and data(out) == []  # the refused registration left nothing behind
