"""Shared fixtures for the entrypoint tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.cli import main

NOW = ["--now", "2026-08-03T09:00"]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run ``tingflyt`` in this process with its own data folder; returns (code, out, err)."""
    monkeypatch.setenv("TINGFLYT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TINGFLYT_DATABASE_URL", raising=False)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.delenv("TINGFLYT_AS", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = main([*NOW, *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    code, _, err = run("init")
    assert code == 0, err
    return run


SCHEDULER_ENABLED = "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED"


@pytest.fixture(scope="session")
def prefect_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real Prefect API for the whole test session (``prefect server start`` on
    127.0.0.1, SQLite, no UI): starting one costs seconds, so every Prefect test shares it."""
    from flows.runtime import prefect_api

    saved = os.environ.pop("PREFECT_API_URL", None)
    # Its scheduler service is off. The tests serve the deployments with their schedules on,
    # against databases whose clock they set by hand (``--now 2026-08-03``); with the service on,
    # the sweep due at :07, :22, :37 or :52 fires at the real time in the middle of a test and
    # writes today's date into its database, and every later write with the test's clock is
    # refused as going back in time. The tests make scheduled runs themselves, as the scheduler
    # would (``test_schedules``). It is set only while the server starts: no other process sees it.
    os.environ[SCHEDULER_ENABLED] = "false"
    try:
        with prefect_api(tmp_path_factory.mktemp("prefect-home")) as url:
            os.environ.pop(SCHEDULER_ENABLED, None)
            # Prefect reads its settings once, when it is first imported: tell it of the
            # server here too, for the tests' own clients (else each starts a temporary one).
            from prefect.settings import PREFECT_API_URL, temporary_settings

            with temporary_settings({PREFECT_API_URL: url}):
                yield url
                # Send the runs' last logs and events while the API is still there: left for
                # the end of the process, they make Prefect start a temporary server for them.
                from prefect.events.worker import EventsWorker
                from prefect.logging.handlers import APILogWorker

                APILogWorker.drain_all(timeout=10)
                EventsWorker.drain_all(timeout=10)
    finally:
        os.environ.pop(SCHEDULER_ENABLED, None)
        if saved is not None:
            os.environ["PREFECT_API_URL"] = saved
