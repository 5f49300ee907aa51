"""A read command starts without SQLAlchemy's ORM: importing it and mapping the classes is about
as much again as SQLAlchemy itself, most of what a person waits for in ``tingflyt case list``.
Each command is run as its own process, as a person runs it, and asked what it imported."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: The read commands that run in a ``ReadingUnit`` (rows, no ORM).
ON_ROWS = (
    ("case", "list", "--json"),
    ("case", "list", "--open", "--as", "dagleg-leiar"),
    ("case", "show", "2026/1", "--json"),
    ("case", "show", "2026/1", "--as", "gol-ordforar"),
    ("org", "show"),
    ("journal", "--as", "dagleg-leiar", "--json"),
    ("alerts", "--as", "dagleg-leiar"),
    ("followup", "list", "--json"),
    ("outbox", "list", "--as", "dagleg-leiar", "--json"),
)

#: Runs the CLI in this process, once for each command line given (JSON), and says on the last
#: line of stderr whether the ORM was loaded by any of them; exits with the first failure's code.
PROBE = ("import json, sys\nfrom flows.cli import main\n"
         "codes = [main(args) for args in json.loads(sys.argv[1])]\n"
         "print('orm' if 'sqlalchemy.orm' in sys.modules else 'no orm', file=sys.stderr)\n"
         "sys.exit(next((c for c in codes if c), 0))\n")


def _run(env: dict[str, str], *commands: tuple[str, ...]) -> tuple[int, str, str]:
    done = subprocess.run([sys.executable, "-c", PROBE, json.dumps(commands)],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    return done.returncode, done.stdout, done.stderr.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> dict[str, str]:
    data = tmp_path_factory.mktemp("reads") / "data"
    data.mkdir()
    shutil.copy(sqlite_template, data / "tingflyt.sqlite")
    env = {k: v for k, v in os.environ.items()
           if k not in ("TINGFLYT_DATABASE_URL", "PREFECT_API_URL", "TINGFLYT_AS")}
    env.update(TINGFLYT_DATA_DIR=str(data), TINGFLYT_FLOWS="direct")
    code, out, _ = _run(env, ("--now", "2026-08-03T09:00", "case", "register", "--title",
                              "Felles innkjøp", "--kind", "ordinary", "--as", "dagleg-leiar"))
    assert code == 0, out
    return env


def test_the_read_commands_import_no_orm(env: dict[str, str]) -> None:
    code, out, loaded = _run(env, *ON_ROWS)
    assert code == 0, out
    assert out.count("2026/1") >= 4 and "Regionrådet" in out
    assert loaded == "no orm"


def test_the_probe_sees_the_orm_where_a_command_writes(env: dict[str, str]) -> None:
    code, out, loaded = _run(env, ("case", "list"), ("--now", "2026-08-03T09:05", "case",
                                                     "register", "--title", "Ny sak", "--kind",
                                                     "ordinary", "--as", "dagleg-leiar"))
    assert code == 0, out
    assert loaded == "orm"
