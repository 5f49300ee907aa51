"""Prefect flows that carry cases: one case at a time, and the sweep over everything due.

Both are thin: the work is ``domain.engine``, run in our own transactions against
our own database, which is the system of record. Prefect runs, retries and shows the work; it
does not hold the truth, and running a flow twice does nothing twice.

Each flow takes ``now`` (default: the real time) so that schedules, staff and the demo's
simulated season all drive the same code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

from domain.errors import Conflict
from flows.app import clock_for, database_url, engine_for


def _retry_on_conflict(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only when a person changed the same case at the same moment."""
    try:
        state.result()
    except Conflict:
        return True
    except Exception:  # noqa: BLE001 - anything else is a real failure
        return False
    return False


@task(name="reconcile-case", retries=2, retry_delay_seconds=1,
      retry_condition_fn=_retry_on_conflict)
def reconcile_case_task(case_number: str, now: datetime | None) -> list[str]:
    from domain.engine.reconcile import reconcile

    return reconcile(engine_for(database_url()), clock_for(now), case_number)


@flow(name="tingflyt-case", log_prints=False, validate_parameters=True)
def case_flow(case_number: str, now: datetime | None = None) -> list[str]:
    """Carry one case as far as it can go until a person is needed.

    Args:
        case_number: The case number, e.g. 2026/17.
        now: Act as if it were this time (default: now).
    """
    done = reconcile_case_task(case_number, now)
    logger = get_run_logger()
    for line in done:
        logger.info("%s: %s", case_number, line)
    return done


@task(name="sweep-due", retries=1, retry_delay_seconds=2,
      retry_condition_fn=_retry_on_conflict)
def sweep_task(now: datetime | None) -> dict[str, Any]:
    from domain.engine.sweep import sweep

    return sweep(engine_for(database_url()), clock_for(now)).as_dict()


@flow(name="tingflyt-sweep", log_prints=False, validate_parameters=True)
def sweep_flow(now: datetime | None = None) -> dict[str, Any]:
    """Do everything that is due: send notices, remind and flag deadlines, move cases on.

    Args:
        now: Act as if it were this time (default: now).
    """
    report = sweep_task(now)
    logger = get_run_logger()
    for line in report["meetings"] + report["deadlines"]:
        logger.info(line)
    for number, lines in report["cases"].items():
        for line in lines:
            logger.info("%s: %s", number, line)
    for line in report["problems"]:
        logger.warning(line)
    return report


def quick_runs() -> Any:
    """Settings that make short flow runs fast: no heartbeat thread to join (about 1 s each)."""
    return temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})
