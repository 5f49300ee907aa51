"""``make serve`` (``python -m flows.runtime serve``) against a configured Prefect API, and the
CLI's ``--via prefect``, which starts a staff action as a run of its form's deployment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from domain.store.tables import JournalEntry
from tests.conftest import DIRECTOR, MAYOR, ROOT, Db

pytestmark = pytest.mark.prefect


@pytest.fixture
def served(sqlite_db: Db, prefect_url: str, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Db, subprocess.Popen[str]]]:
    env = {**os.environ, "PREFECT_API_URL": prefect_url, "TINGFLYT_DATABASE_URL": sqlite_db.url,
           "TINGFLYT_DATA_DIR": str(tmp_path / "data"),
           "TINGFLYT_OUTBOX_DIR": str(tmp_path / "utboks"),
           "PREFECT_RUNNER_POLL_FREQUENCY": "1"}  # pick a run up within a second, not ten
    process = subprocess.Popen([sys.executable, "-m", "flows.runtime", "serve"], cwd=ROOT,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Ctrl-C stoppar" in line:
            break
    assert any("Ctrl-C stoppar" in line for line in lines), "".join(lines)
    monkeypatch.setenv("TINGFLYT_DATABASE_URL", sqlite_db.url)
    monkeypatch.setenv("PREFECT_API_URL", prefect_url)
    try:
        yield sqlite_db, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def test_serve_runs_the_cli_via_prefect_and_stops_cleanly_with_schedules_on(
        served: tuple[Db, subprocess.Popen[str]], capsys: pytest.CaptureFixture[str]) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterDeploymentId

    from flows.cli import main

    db, process = served
    code = main(["--via", "prefect", "--now", "2026-08-03T10:00", "case", "register",
                 "--title", "Sak frå kommandolinja via Prefect", "--as", DIRECTOR])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Gjort i Prefect: «2026/1 · case.register»" in out and "/runs/flow-run/" in out
    entry = db.read(lambda uow: uow.session.scalars(
        select(JournalEntry).where(JournalEntry.action == "case.register")).one())
    assert entry.via == "prefect-ui" and entry.actor_id == DIRECTOR and entry.run_ref
    assert db.read(lambda uow: uow.cases.get("2026/1").state) == "in_preparation"

    refused = main(["--via", "prefect", "meeting", "notice", "RR-2026-08-27", "--as", MAYOR])
    out, err = capsys.readouterr()
    assert refused == 1 and out == ""
    assert err.startswith("tingflyt: ") and err.count("\n") == 1 and "/runs/flow-run/" in err
    assert db.read(lambda uow: uow.meetings.get("RR-2026-08-27").status) == "planned"
    # The test server makes no runs from the schedules (its scheduler service is off: see the
    # ``prefect_url`` fixture), so none fires at the real time into this hand-clocked database.
    # With the service on, its recent-deployments loop (every 5 s) has made them by now.
    with get_client(sync_client=True) as client:
        served_ids = [d.id for d in client.read_deployments() if d.schedules]
        made = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            deployment_id=FlowRunFilterDeploymentId(any_=served_ids)))
    assert len(served_ids) == 4 and made == []

    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C
    rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0, rest
    assert "Stoppa." in rest
    for bad in ("Traceback", "ERROR", "CancelledError"):
        assert bad not in rest, rest
    with get_client(sync_client=True) as client:
        deployments = client.read_deployments()
    scheduled = [d for d in deployments if d.schedules]
    assert len(scheduled) == 4  # the four scheduled runs, still on after the stop
    assert not any(d.paused for d in scheduled)


def test_via_prefect_without_the_service_is_refused_in_one_line(
        sqlite_db: Db, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from flows.cli import main

    monkeypatch.setenv("TINGFLYT_DATABASE_URL", sqlite_db.url)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    code = main(["--via", "prefect", "case", "register", "--title", "X", "--as", DIRECTOR])
    err = capsys.readouterr().err
    assert code == 6 and "PREFECT_API_URL" in err and err.count("\n") == 1
    assert main(["--via", "kanskje", "case", "list"]) == 2
    assert "--via" in capsys.readouterr().err
    assert sqlite_db.count("cases") == 0
