"""The deployments and their schedules: what ``make serve`` serves and ``prefect.yaml`` deploys,
the next runs across the clock changes, and scheduled runs that come late or twice."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from domain.commands import registry
from tests.conftest import CE, DIRECTOR, ROOT, Db

OSLO = ZoneInfo("Europe/Oslo")


def _next_runs(plan: Any, start: datetime, n: int) -> list[datetime]:
    """The next ``n`` runs as Prefect's own scheduler computes them (its server schemas)."""
    from prefect.server.schemas.schedules import CronSchedule, IntervalSchedule

    from flows.deployments import ANCHOR

    async def dates() -> list[datetime]:
        out: list[datetime] = []
        for cron in plan.crons:
            out += await CronSchedule(cron=cron, timezone="Europe/Oslo").get_dates(n=n,
                                                                                   start=start)
        if plan.every:
            out += await IntervalSchedule(interval=timedelta(seconds=plan.every),
                                          anchor_date=ANCHOR, timezone="UTC").get_dates(
                n=n, start=start)
        return sorted(out)[:n]

    return asyncio.run(dates())


def _plan(flow_name: str) -> Any:
    from flows.deployments import SCHEDULED

    return next(p for p in SCHEDULED if p.flow_name == flow_name)


@pytest.mark.parametrize("change", [datetime(2027, 3, 27, 12, tzinfo=OSLO),
                                    datetime(2026, 10, 24, 12, tzinfo=OSLO)])
def test_the_morning_notices_stay_at_0801_oslo_across_the_clock_change(change: datetime) -> None:
    runs = _next_runs(_plan("tingflyt-notices"), change, 4)
    local = [r.astimezone(OSLO) for r in runs]
    assert [f"{t:%H:%M}" for t in local] == ["16:01", "08:01", "16:01", "08:01"]
    offsets = {t.utcoffset().total_seconds() for t in local}
    assert len(offsets) == 2  # the same wall time on both sides: UTC moved by an hour


@pytest.mark.parametrize("night", [datetime(2026, 10, 25, 1, 0, tzinfo=OSLO),
                                   datetime(2027, 3, 28, 1, 0, tzinfo=OSLO)])
@pytest.mark.parametrize(("flow_name", "every"), [("tingflyt-sweep", 15), ("tingflyt-dispatch", 1)])
def test_the_frequent_runs_keep_their_pace_through_the_night_the_clock_changes(
        night: datetime, flow_name: str, every: int) -> None:
    runs = _next_runs(_plan(flow_name), night, 4 * 60 // every)
    gaps = {(b - a).total_seconds() for a, b in zip(runs, runs[1:], strict=False)}
    assert gaps == {every * 60}  # no hour left out, none run twice
    assert len(set(runs)) == len(runs)


def test_the_minutes_check_runs_every_morning() -> None:
    runs = _next_runs(_plan("tingflyt-minutes"), datetime(2026, 10, 24, tzinfo=OSLO), 3)
    assert [f"{r.astimezone(OSLO):%d %H:%M}" for r in runs] == ["24 09:30", "25 09:30",
                                                                   "26 09:30"]


def test_prefect_yaml_is_what_the_deployments_module_makes() -> None:
    from flows.deployments import planned, prefect_yaml

    text = (ROOT / "prefect.yaml").read_text(encoding="utf-8")
    assert text == prefect_yaml(), "run `python -m flows.deployments --yaml`"
    entrypoints = [line.split(": ", 1)[1] for line in text.splitlines()
                   if line.strip().startswith("entrypoint:")]
    assert entrypoints == [p.entrypoint for p in planned()]
    commands = set(registry.load_all()) - {"init"}
    forms = {p.entrypoint for p in planned() if "skjema" in p.tags}
    assert len(forms) == len(commands)
    assert text.count("enforce_parameter_schema: false") == len(planned())


def test_every_deployment_loads_from_its_entry_point() -> None:
    from prefect.flows import load_flow_from_entrypoint

    from flows.deployments import planned

    for plan in planned():
        flow = load_flow_from_entrypoint(str(ROOT / plan.entrypoint))
        assert flow.name == plan.flow_name


# -- late and repeated scheduled runs ----------------------------------------------------------

@pytest.fixture
def scheduled_on(sqlite_db: Db, prefect_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Db]:
    monkeypatch.setenv("TINGFLYT_DATABASE_URL", sqlite_db.url)
    monkeypatch.setenv("TINGFLYT_OUTBOX_DIR", str(sqlite_db.engine.url.database) + ".utboks")
    monkeypatch.setenv("TINGFLYT_DATA_DIR", str(sqlite_db.engine.url.database) + ".data")
    yield sqlite_db


def _execute_as_scheduled(flow: Any, late_by: timedelta, count: int) -> list[Any]:
    """Make ``count`` runs of ``flow``'s deployment scheduled ``late_by`` ago, as the scheduler
    does (a duplicate is the same again), and execute each as a worker would; their ids."""
    from prefect.client.orchestration import get_client
    from prefect.states import Scheduled

    deployment_id = flow.to_deployment(name="test-late", enforce_parameter_schema=False).apply()
    when = datetime.now(UTC) - late_by
    with get_client(sync_client=True) as client:
        ids = [client.create_flow_run_from_deployment(
            deployment_id, state=Scheduled(scheduled_time=when), tags=["auto-scheduled"]).id
            for _ in range(count)]

    for flow_run_id in ids:  # as a process worker starts a run: Prefect's engine, by run id
        env = {**os.environ, "PREFECT__FLOW_RUN_ID": str(flow_run_id),
               "PREFECT_API_URL": os.environ["PREFECT_API_URL"], "PREFECT_LOGGING_LEVEL": "INFO"}
        done = subprocess.run([sys.executable, "-m", "prefect.engine"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        assert "Traceback" not in done.stdout + done.stderr
    return ids


def _logs(flow_run_id: Any) -> list[str]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    with get_client(sync_client=True) as client:
        return [log.message for log in client.read_logs(
            LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))]


@pytest.mark.prefect
def test_late_and_repeated_scheduled_runs_do_nothing_twice(scheduled_on: Db) -> None:
    """A sweep scheduled hours ago runs twice (Prefect fires missed runs when a worker comes
    back; duplicates are reported upstream): the first does what is due now and says it is late,
    the second finds nothing, and nothing is done or sent twice."""
    from prefect.client.orchestration import get_client

    from flows.engine import sweep_flow

    db = scheduled_on
    number = db.run("case.register", DIRECTOR, title="Tilskot", kind="ordinary").number
    db.reconcile(number)
    db.run("case.recommend", CE, case=number, text="Løyve.")
    late_by = timedelta(hours=5)
    first, = _execute_as_scheduled(sweep_flow, late_by, 1)
    after_first = db.counts()
    second, = _execute_as_scheduled(sweep_flow, late_by, 1)  # the duplicate of the same slot
    assert db.counts() == after_first  # nothing done twice, no message written twice
    with get_client(sync_client=True) as client:
        assert all(client.read_flow_run(i).state.is_completed() for i in (first, second))
    first_logs, second_logs = _logs(first), _logs(second)
    assert any("kom 5 t 0 min for seint" in line for line in first_logs), first_logs
    assert not any("Traceback" in line for line in first_logs + second_logs)
    # today is long after the season's first meetings: what is still due was done once, by
    # the first run (the case placed, notices sent or, for meetings already begun, flagged)
    assert any(number in line or "RR-" in line for line in first_logs), first_logs
    assert any("Ingenting å gjere" in line for line in second_logs), second_logs
    journal = db.read(lambda uow: uow.session.execute(
        text("select via, count(*) from journal group by via")).all())
    assert dict(journal).get("prefect-schedule", 0) >= 1
    third, = _execute_as_scheduled(sweep_flow, timedelta(hours=1), 1)
    assert db.counts() == after_first
    assert any("kom 1 t 0 min for seint" in line for line in _logs(third))
