"""The command line on a broken or unusual setup (issue 8): a file that is not a database, a
data folder that is missing or read-only, a closed pipe, --version, exit codes and help in
Nynorsk. One line per refusal, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.cli import main

NOW = ["--now", "2026-08-03T09:00"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    monkeypatch.setenv("TINGFLYT_DATA_DIR", str(data))
    monkeypatch.delenv("TINGFLYT_DATABASE_URL", raising=False)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("TINGFLYT_AS", raising=False)
    return data


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*NOW, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("content", [os.urandom(5000), b"SQLite format 3\x00" + b"\x10" * 3000])
@pytest.mark.parametrize("args", [("init",), ("case", "list")])
def test_a_file_that_is_not_a_database_is_refused_in_one_line(env, capsys, content, args):
    env.mkdir()
    (env / "tingflyt.sqlite").write_bytes(content)
    code, _, err = run(capsys, *args)
    assert code == 5
    assert len(err.strip().splitlines()) == 1
    assert "ikkje ein tingflyt-database (SQLite)" in err
    assert "Flytt fila vekk" in err and "TINGFLYT_DATA_DIR" in err
    assert "databasetenaren" not in err


def test_a_read_does_not_make_the_data_folder(env, capsys):
    code, _, err = run(capsys, "case", "list")
    assert code == 5
    assert "tingflyt init" in err
    assert not env.exists()
    code, _, err = run(capsys, "init")
    assert code == 0, err
    assert (env / "tingflyt.sqlite").is_file()


def test_a_read_only_folder_reads_and_refuses_writes_naming_the_folder(env, capsys,
                                                                        monkeypatch):
    from domain.store import db
    from flows.app import engine_for

    assert run(capsys, "init")[0] == 0
    engine_for(f"sqlite:///{env.as_posix()}/tingflyt.sqlite").dispose()  # as the process ends
    engine_for.cache_clear()
    monkeypatch.setattr(db, "_writable", lambda path: False)
    try:
        code, out, err = run(capsys, "case", "list")
        assert code == 0, err
        code, out, err = run(capsys, "case", "register", "--title", "Ny sak", "--as",
                             "dagleg-leiar")
        assert code == 5
        assert len(err.strip().splitlines()) == 1
        assert f"Datamappa {env} " in err and "skrivebeskytta" in err
        assert "databasetenaren" not in err
    finally:
        engine_for.cache_clear()


def test_version_comes_from_the_package_metadata(capsys):
    from importlib import metadata

    code, out, err = run(capsys, "--version")
    assert code == 0, err
    assert out.strip() == f"tingflyt {metadata.version('tingflyt')}"


def test_version_is_not_imported_at_load():
    probe = ("import sys, flows.cli; flows.cli.build_app(); "
             "print('importlib.metadata' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("args", [("--help",), ("org", "show", "--help"),
                                  ("case", "list", "--help")])
def test_help_says_its_own_option_in_nynorsk(capsys, args):
    code, out, _ = run(capsys, *args)
    assert code == 0
    assert "--help" in out and "Vis denne hjelpa og avslutt." in out
    assert "Show this message" not in out


def test_an_unknown_option_lists_the_possible_ones_in_nynorsk(env, capsys):
    code, _, err = run(capsys, "org", "show", "--jsn")
    assert code == 2
    assert "Ukjend val --jsn. (Moglege val: --json)" in err
    assert "Possible" not in err


@pytest.mark.parametrize("args", [("org", "show"), ("org", "show", "--json"), ("--help",)])
def test_a_closed_pipe_ends_quietly(tmp_path, args):
    environ = {**os.environ, "TINGFLYT_DATA_DIR": str(tmp_path / "data")}
    environ.pop("TINGFLYT_DATABASE_URL", None)
    environ.pop("PREFECT_API_URL", None)
    cli = [sys.executable, "-m", "flows.cli", *NOW]
    subprocess.run([*cli, "init"], env=environ, cwd=ROOT, check=True, capture_output=True)
    read, write = os.pipe()
    os.close(read)  # the reader is gone before a line is written: every write meets EPIPE
    try:
        done = subprocess.run([*cli, *args], env=environ, cwd=ROOT, stdout=write,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write)
    assert done.stderr == ""
    assert done.returncode == 141


def test_a_database_of_another_council_is_configuration(cli):
    code, _, err = cli("init", "--org", str(ROOT / "config" / "fjellbygd.toml"))
    assert code == 5
    assert "Databasen høyrer til «hallingdal»" in err and "TINGFLYT_DATA_DIR" in err


def test_an_unsuitable_followup_owner_is_bad_input(cli):
    director, ce = "dagleg-leiar", "gol-kommunedirektor"
    assert cli("case", "register", "--title", "Felles innkjøp", "--as", director)[0] == 0
    assert cli("case", "recommend", "2026/1", "--text", "Tilråding.", "--as", ce)[0] == 0
    cli("--now", "2026-08-20T09:00", "sweep")
    mayors = "aal-ordforar,flaa-ordforar,gol-ordforar,hemsedal-ordforar,hol-ordforar"
    code, _, err = cli("--now", "2026-08-27T10:30", "attend", "RR-2026-08-27", "--present",
                       mayors + ",nesbyen-ordforar", "--chair", "gol-ordforar", "--as", director)
    assert code == 0, err
    code, _, err = cli("--now", "2026-08-27T10:40", "vote", "2026/1", "--for", mayors,
                       "--against", "nesbyen-ordforar", "--as", "gol-ordforar")
    assert code == 0, err
    code, _, err = cli("--now", "2026-08-28", "followup", "assign", "2026/1", "--owner",
                       "hol-ordforar", "--as", director)
    assert code == 2, err
    assert "kan ikkje eige oppfølginga" in err
    code, _, err = cli("--now", "2026-08-28", "followup", "assign", "2026/1", "--owner",
                       "ingen-slik", "--as", director)
    assert code == 2, err


def test_a_negative_expected_version_is_bad_input(cli):
    assert cli("case", "register", "--title", "Ny sak", "--as", "dagleg-leiar")[0] == 0
    code, _, err = cli("case", "close", "2026/1", "--reason", "Feil", "--expect-version", "-1",
                       "--as", "dagleg-leiar")
    assert code == 2
    assert "--expect-version" in err
