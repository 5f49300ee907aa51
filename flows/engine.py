"""Prefect flows that carry cases: one case at a time, the sweep over everything due, and the
scheduled runs (the morning's notices, the outbox every minute, the minutes check).

All are thin: the work is ``domain.engine``, run in our own transactions against our own
database, which is the system of record. Prefect runs, retries and shows the work; it does not
hold the truth, and running a flow twice does nothing twice: what was done is no longer due.

Each flow takes ``now`` (default: the real time) so that schedules, staff and the demo's
simulated season all drive the same code.

A scheduled run may come late (a worker was down: Prefect then fires every missed run, oldest
first), twice (duplicate scheduled runs are reported upstream), or long after its time. It acts
on what is due at the time it runs, never at the time it was meant for, so a late run sends what
is still due, a second run finds nothing, and what is no longer due (a cancelled meeting's
messages, a notice after its meeting began) is skipped, as the sweep itself decides. The run
says in its log how late it came and whether it had anything left to do.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

import flows.startup  # noqa: F401 - the first of ours to be imported (flows.startup)
from domain.errors import Conflict
from domain.store.uow import Via
from flows.app import DEFAULT_ZONE, clock_for, database_url, deliver, engine_for

#: A scheduled run that starts this much after its time says so in its log.
LATE_AFTER = timedelta(seconds=60)


def _scheduled_name(what: str) -> Any:
    """A scheduled run's name: what it does and when it was meant for, local time."""

    def name() -> str:
        from prefect.runtime import flow_run

        planned = flow_run.get_scheduled_start_time().astimezone(DEFAULT_ZONE)
        return f"{what} {planned:%d.%m.%Y %H:%M}"

    return name


def _retry_on_conflict(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only when a person changed the same case at the same moment."""
    try:
        state.result()
    except Conflict:
        return True
    except Exception:  # noqa: BLE001 - anything else is a real failure
        return False
    return False


def _via(channel: str) -> Via:
    from prefect.runtime import flow_run

    run_id = flow_run.get_id()
    return Via(channel, str(run_id) if run_id else None)


def scheduled_channel() -> str:
    """``prefect-schedule`` for a run a schedule made, else ``prefect``."""
    from prefect.runtime import flow_run

    return "prefect-schedule" if "auto-scheduled" in (flow_run.get_tags() or []) else "prefect"


def lateness_note(now: datetime | None) -> str | None:
    """How late this run started against its scheduled time, in words; None when on time, when
    the run acts at a given ``now``, or outside a scheduled run."""
    from prefect.runtime import flow_run

    if now is not None or not flow_run.get_id():
        return None
    scheduled = flow_run.get_scheduled_start_time()
    late = datetime.now(UTC) - scheduled
    if late < LATE_AFTER:
        return None
    minutes = int(late.total_seconds() // 60)
    span = f"{minutes // 60} t {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
    return (f"Køyringa var planlagd {scheduled.astimezone(UTC):%Y-%m-%d %H:%M} UTC og kom "
            f"{span} for seint; ho gjer det som er forfalle no, ikkje det som var forfalle då.")


#: A case flow that lost a race with a person's change to the same case tries again, this many
#: times, this long apart.
CONFLICT_RETRIES = 2
CONFLICT_DELAY = 1.0


def _reconcile(case_number: str, now: datetime | None, via: Via | None) -> list[str]:
    """Reconcile the case; again after a conflict with a person's change at the same moment.
    Not a task: a task run is five more API requests for every case, and the flow run already
    shows the one step it has."""
    import time

    from domain.engine.reconcile import reconcile

    tries = 0
    while True:
        try:
            return reconcile(engine_for(database_url()), clock_for(now), case_number, via=via)
        except Conflict:
            tries += 1
            if tries > CONFLICT_RETRIES:
                raise
            get_run_logger().info("%s vart endra samstundes; prøver att.", case_number)
            time.sleep(CONFLICT_DELAY)


@flow(name="tingflyt-case", flow_run_name="{case_number} · saksflyt", log_prints=False,
      validate_parameters=True)
def case_flow(case_number: str, now: datetime | None = None) -> list[str]:
    """Carry one case as far as it can go until a person is needed.

    Args:
        case_number: The case number, e.g. 2026/17.
        now: Act as if it were this time (default: now).
    """
    done = _reconcile(case_number, now, _via("prefect"))
    logger = get_run_logger()
    for line in done:
        logger.info("%s: %s", case_number, line)
    return done


@task(name="sweep-due", retries=1, retry_delay_seconds=2,
      retry_condition_fn=_retry_on_conflict)
def sweep_task(now: datetime | None, parts: list[str] | None = None,
               via: Via | None = None) -> dict[str, Any]:
    from domain.engine.sweep import sweep

    return sweep(engine_for(database_url()), clock_for(now), parts=parts, via=via).as_dict()


def _log_report(report: dict[str, Any]) -> None:
    logger = get_run_logger()
    for line in report["meetings"] + report["deadlines"]:
        logger.info(line)
    for number, lines in report["cases"].items():
        for line in lines:
            logger.info("%s: %s", number, line)
    for line in report["problems"]:
        logger.warning(line)


def _scheduled(now: datetime | None, parts: list[str] | None, idle: str) -> dict[str, Any]:
    """Run the sweep (or its ``parts``) as a scheduled run does; ``idle`` is what the log says
    when nothing was due."""
    logger = get_run_logger()
    late = lateness_note(now)
    if late:
        logger.info(late)
    report = sweep_task(now, parts, _via(scheduled_channel()))
    _log_report(report)
    if not (report["meetings"] or report["deadlines"] or report["cases"] or report["problems"]):
        logger.info(idle)
    return report


@flow(name="tingflyt-sweep", flow_run_name=_scheduled_name("gjennomgang"), log_prints=False,
      validate_parameters=True)
def sweep_flow(now: datetime | None = None) -> dict[str, Any]:
    """Do everything that is due: send notices, remind and flag deadlines, move cases on.

    Args:
        now: Act as if it were this time (default: now).
    """
    return _scheduled(now, None, "Ingenting å gjere: det som var forfalle, er alt gjort.")


@flow(name="tingflyt-notices", flow_run_name=_scheduled_name("innkallingar"), log_prints=False,
      validate_parameters=True)
def notices_flow(now: datetime | None = None) -> dict[str, Any]:
    """Send the notices that are due (the agenda frozen and numbered, the invitations, the public
    announcement), and deliver them at once.

    Args:
        now: Act as if it were this time (default: now).
    """
    report = _scheduled(now, ["notices"], "Ingen innkallingar å sende: dei som var forfalne, er "
                        "alt sende.")
    report["delivered"] = deliver_now(now)
    return report


@flow(name="tingflyt-minutes", flow_run_name=_scheduled_name("etter møta"), log_prints=False,
      validate_parameters=True)
def minutes_flow(now: datetime | None = None) -> dict[str, Any]:
    """After meetings: ask for the outcomes not recorded, and for the minutes not sent by the
    body's ``minutes_due_days``.

    Args:
        now: Act as if it were this time (default: now).
    """
    return _scheduled(now, ["minutes"], "Ingenting å etterlyse etter møta: utfall og møtebøker "
                      "er førte og sende, eller ikkje forfalne enno.")


def deliver_now(now: datetime | None) -> dict[str, Any]:
    """Send what the outbox holds that is due (claims never overlap another dispatcher's), and
    log what went."""
    report = deliver(engine_for(database_url()), clock_for(now))
    logger = get_run_logger()
    if _moved(report):
        logger.info("Utboksen: %s sende, %s prøver att seinare, %s feila, %s forelda.",
                    report["sent"], report["retried"], report["failed"], report["dropped"])
    for problem in report["problems"]:
        logger.warning(problem)
    if report["stopped"]:
        logger.warning("Sendinga stoppa: %s", report["stopped"])
    for path in report["feeds"]:
        logger.info("Kalenderen %s er oppdatert.", path)
    return report


def _moved(report: dict[str, Any]) -> bool:
    return any(report[k] for k in ("sent", "retried", "failed", "dropped"))


@flow(name="tingflyt-dispatch", flow_run_name=_scheduled_name("utboksen"), log_prints=False,
      validate_parameters=True)
def dispatch_flow(now: datetime | None = None) -> dict[str, Any]:
    """Deliver what the outbox holds that is due, and bring the public calendars up to date.

    Args:
        now: Act as if it were this time (default: now).
    """
    late = lateness_note(now)
    if late:
        get_run_logger().info(late)
    report = deliver_now(now)
    if not _moved(report):
        get_run_logger().info("Ingen meldingar å sende.")
    return report


def carry_on(case_number: str, now: datetime | None = None) -> list[str]:
    """The case flow for ``case_number``, its run tagged by the case, so that the case's whole
    history is found in the Prefect UI by its number."""
    from prefect import tags

    with tags("tingflyt", case_number):
        return case_flow(case_number, now)


def quick_runs() -> Any:
    """Settings that make short flow runs fast: no heartbeat thread to join (about 1 s each)."""
    return temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None})
