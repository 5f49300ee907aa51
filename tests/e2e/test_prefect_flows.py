"""The Prefect flows against a real Prefect API (a local server started once per session),
and the demo, which runs them for a whole season on the embedded default."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from domain.queries.cases import case_detail
from tests.conftest import CE, DIRECTOR, FJELLBYGD, ROOT, Db, oslo

pytestmark = pytest.mark.prefect


@pytest.fixture
def flows_on(sqlite_db: Db, prefect_url: str, monkeypatch: pytest.MonkeyPatch) -> Db:
    monkeypatch.setenv("TINGFLYT_DATABASE_URL", sqlite_db.url)
    monkeypatch.setenv("PREFECT_API_URL", prefect_url)
    return sqlite_db


def _runs(flow_name: str) -> list[object]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName

    with get_client(sync_client=True) as client:
        return client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])))


def test_case_flow_carries_a_case_and_is_idempotent(flows_on: Db) -> None:
    from flows.engine import case_flow, quick_runs

    db = flows_on
    number = db.run("case.register", DIRECTOR, title="Felles innkjøp", kind="ordinary").number
    before = len(_runs("tingflyt-case"))
    with quick_runs():
        first = case_flow(number, db.clock.now())
        second = case_flow(number, db.clock.now())
    assert any("Sendt til utgreiing" in line for line in first)
    assert second == []
    case = db.read(lambda uow: case_detail(uow, uow.cases.get(number)))
    assert case["state"] == "in_preparation"
    runs = _runs("tingflyt-case")
    assert len(runs) == before + 2
    assert all(run.state.is_completed() for run in runs)


def test_sweep_flow_sends_notices_and_moves_cases_on(flows_on: Db) -> None:
    from flows.engine import quick_runs, sweep_flow

    db = flows_on
    number = db.run("case.register", DIRECTOR, title="Tilskot", kind="fund_allocation").number
    db.reconcile(number)
    db.run("case.recommend", CE, case=number, text="Løyve.")
    with quick_runs():
        placed = sweep_flow(db.clock.now())
        assert placed["cases"][number] == ["Sett på RR-2026-08-27"]
        notice_time = oslo(date(2026, 8, 20)).replace(hour=8)
        notice = sweep_flow(notice_time)
        again = sweep_flow(notice_time)
    assert any("RR-2026-08-27" in line for line in notice["meetings"])
    assert again["meetings"] == [] and again["cases"] == {} and again["deadlines"] == []
    case = db.read(lambda uow: case_detail(uow, uow.cases.get(number)))
    assert case["agenda"]["agenda_number"] == "RR 1/26"


def test_cli_uses_prefect_when_an_api_is_configured(flows_on: Db, capsys) -> None:
    from flows.cli import main

    db = flows_on
    before = len(_runs("tingflyt-sweep"))
    assert main(["--now", "2026-08-03T09:00", "case", "register", "--title", "Sak via Prefect",
                 "--as", DIRECTOR, "--json"]) == 0
    out = capsys.readouterr().out
    assert '"via": "prefect"' in out
    assert main(["--now", "2026-08-03T10:00", "sweep", "--json"]) == 0
    assert '"via": "prefect"' in capsys.readouterr().out
    assert len(_runs("tingflyt-sweep")) == before + 1
    del db


def _demo(tmp_path: Path, prefect_url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PREFECT_API_URL": prefect_url,
           "TINGFLYT_DATA_DIR": str(tmp_path / "data")}
    env.pop("TINGFLYT_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "flows.demo", "--out", str(tmp_path / "out"),
                           *extra], capture_output=True, text=True, cwd=ROOT, env=env,
                          timeout=900)


def _assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    combined = result.stdout + result.stderr
    assert result.returncode == 0, combined[-3000:]
    for bad in ("Traceback", "ERROR", "WARNING", "CancelledError", "database is locked"):
        assert bad not in combined, bad


@pytest.mark.slow
def test_demo_runs_the_hallingdal_season_clean(tmp_path: Path, prefect_url: str) -> None:
    result = _demo(tmp_path, prefect_url)
    _assert_clean(result)
    out = result.stdout
    for heading in ("Saker etter tilstand", "Møte og sakslister", "Hastesaker", "Fristar",
                    "Innstillingar til Hallingtinget"):
        assert heading in out
    assert "hastevedtak etter kommunelova § 11-8 (1)" in out
    assert "Innkallingar sende for seint: 0." in out
    assert "RR 1/26" in out and "HT 1/26" in out
    agendas = tmp_path / "out" / "sakslister"
    public = "\n".join(p.read_text(encoding="utf-8") for p in agendas.glob("*.txt"))
    assert "Søknad om etableringstilskot (unnateke offentlegheit)" in public
    assert "frå verksemd i" not in public  # the exempt case's real title never goes public
    assert (tmp_path / "out" / "samandrag.txt").read_text(encoding="utf-8").strip()
    # meetings in session: substitutes, a tie, a failed consensus, written handling, minutes
    assert "varamedlem: " in out and "(dobbeltstemme)" in out and "(ikkje konsensus)" in out
    assert "skriftleg handsaming etter kommunelova § 11-8 (2)" in out
    assert "Melding om hastevedtaket: sak" in out and ", HT-2026-12-03." in out
    minutes = tmp_path / "out" / "moteboker"
    held = sorted(p.name for p in minutes.glob("*.txt") if "offentleg" not in p.name)
    assert "HT-2026-12-03.txt" in held and len(held) >= 10
    first_declined = (minutes / "HT-2026-12-03.txt").read_text(encoding="utf-8")
    assert "(varamedlem for" in first_declined
    public_minutes = "\n".join(p.read_text(encoding="utf-8")
                               for p in minutes.glob("*-offentleg.txt"))
    assert "frå verksemd i" not in public_minutes and "nær slekt" not in public_minutes
    internal_minutes = "\n".join(p.read_text(encoding="utf-8") for p in minutes.glob("RR-*.txt")
                                 if "offentleg" not in p.name)
    assert "Inhabil:" in internal_minutes and "Møteleiar i saka" in internal_minutes


def _steady(text: str) -> list[str]:
    """The demo's summary without wall-clock times and the Prefect server's port."""
    return [line for line in text.splitlines() if "Prefect" not in line and "Sesongen" not in line]


@pytest.mark.slow
def test_demo_runs_another_council_from_its_file_and_again_the_same(
        tmp_path: Path, prefect_url: str) -> None:
    """Another council's file gives its own season; and the demo is idempotent: run again over
    its own output, it plays the same season. (Checked on this council's shorter season, so
    that the two demo tests take about as long; the demo does the same for every file.)"""
    result = _demo(tmp_path, prefect_url, "--org", str(FJELLBYGD))
    _assert_clean(result)
    assert "Fjellbygd interkommunale politiske råd" in result.stdout
    assert "Hallingdal" not in result.stdout
    assert "RS 1/26" in result.stdout and "Innstillingar til Representantskapet" in result.stdout
    again = _demo(tmp_path, prefect_url, "--org", str(FJELLBYGD))
    _assert_clean(again)
    assert _steady(again.stdout) == _steady(result.stdout)
