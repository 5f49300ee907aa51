"""Every deployment of tingflyt: the scheduled runs, the case flow, and one staff form per
registered command. ``make serve`` serves them on one machine (``flows.runtime``); ``prefect.yaml``
deploys the same to a process work pool for workers (``python -m flows.deployments --yaml``
writes it; a test holds it to this module).

The runs at a time of day are cron schedules in Europe/Oslo, so that 08:01 stays 08:01 on the
wall across the clock changes. The runs every so often are intervals in UTC: a schedule in local
time skips the hour that repeats on the last Sunday of October (Prefect gives 02:00-02:59 once,
not twice), which would leave the outbox an hour without a dispatch; an interval in UTC has no
such hour. The tests hold both across the March and October changes.

- ``tingflyt-notices`` 08:01 and 16:01: the notices due that day (the agenda frozen and numbered,
  invitations, the public announcement), delivered at once. 08:00 is when a notice falls due
  (``domain.operations.meetings.NOTICE_TIME``), 16:00 for a meeting added on its notice day.
- ``tingflyt-sweep`` every 15 minutes (at 07, 22, 37 and 52): everything due, notices included, so
  that a notice that falls due at another hour is never left for the next morning; deadlines,
  reminders, urgency, substitute calls, written handlings, cases to carry on.
- ``tingflyt-dispatch`` every minute: the outbox to the mail server, and the public calendars.
- ``tingflyt-minutes`` 09:30: outcomes not recorded after a meeting, minutes not sent in time.

Every one of them acts on what is due when it runs, so a late, repeated or missed run changes
nothing that was already done (``flows.engine``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ZONE = "Europe/Oslo"
#: Every deployment's own name (a deployment is ``<flow name>/<this>``).
DEPLOYMENT = "tingflyt"
#: The process work pool ``prefect.yaml`` deploys to.
WORK_POOL = "tingflyt"
ROOT = Path(__file__).resolve().parents[1]


#: Intervals are counted from here (UTC): every 15 minutes falls at 07, 22, 37 and 52.
ANCHOR = datetime(2026, 1, 1, 0, 7, tzinfo=UTC)


@dataclass(frozen=True)
class Planned:
    """A deployment: its flow's entry point, its flow's name, and its schedules: cron at a time
    of day (Europe/Oslo) or an interval in seconds (UTC, from ``ANCHOR``)."""

    entrypoint: str
    flow_name: str
    crons: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    description: str = ""
    every: int | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return f"{self.flow_name}/{DEPLOYMENT}"


SCHEDULED = (
    Planned("flows/engine.py:notices_flow", "tingflyt-notices", ("1 8 * * *", "1 16 * * *"),
            ("tingflyt", "planlagd"), "Innkallingane som er forfalne, sende med ein gong."),
    Planned("flows/engine.py:sweep_flow", "tingflyt-sweep", (), ("tingflyt", "planlagd"),
            "Alt som er forfalle: fristar, påminningar, hastesaker.", every=15 * 60),
    Planned("flows/engine.py:dispatch_flow", "tingflyt-dispatch", (), ("tingflyt", "planlagd"),
            "Utboksen til e-posttenaren; dei offentlege kalendrane.", every=60),
    Planned("flows/engine.py:minutes_flow", "tingflyt-minutes", ("30 9 * * *",),
            ("tingflyt", "planlagd"), "Utfall som manglar etter møte; møtebøker som er seine."),
)

CASE_FLOW = Planned("flows/engine.py:case_flow", "tingflyt-case", (), ("tingflyt",),
                    "Før ei sak så langt ho kan gå til eit menneske trengst.")


def forms() -> list[Planned]:
    """One deployment per registered command with a form."""
    from flows.forms import FORMS, attribute

    return [Planned(f"flows/forms.py:{attribute(name)}", form.name, (),
                    ("tingflyt", "skjema", name), (form.description or "").strip())
            for name, form in FORMS.items()]


def planned() -> list[Planned]:
    return [*SCHEDULED, CASE_FLOW, *forms()]


def schedules(plan: Planned) -> list[Any]:
    from prefect.schedules import Cron, Interval

    out = [Cron(cron, timezone=ZONE) for cron in plan.crons]
    if plan.every:
        out.append(Interval(timedelta(seconds=plan.every), anchor_date=ANCHOR, timezone="UTC"))
    return out


def runner_deployments() -> list[Any]:
    """The deployments ``prefect.serve`` runs in this process (``make serve``)."""
    from prefect.flows import load_flow_from_entrypoint

    out = []
    for plan in planned():
        flow = load_flow_from_entrypoint(str(ROOT / plan.entrypoint))
        out.append(flow.to_deployment(
            name=DEPLOYMENT, schedules=schedules(plan), tags=list(plan.tags),
            description=plan.description or None, enforce_parameter_schema=False))
    return out


def prefect_yaml() -> str:
    """``prefect.yaml`` for a process work pool: the same deployments, run by workers."""
    lines = [
        "# Generated by `python -m flows.deployments --yaml` from flows/deployments.py;",
        "# tests/e2e/test_deployments.py holds the two together. Do not edit by hand.",
        "#",
        "# Deploy (the project folder is the workers' working directory):",
        "#   TINGFLYT_ROOT=$PWD prefect --no-prompt deploy --all",
        "#   prefect worker start --pool tingflyt   (on each worker machine)",
        "name: tingflyt",
        "prefect-version: 3.9.1",
        "",
        "build: null",
        "push: null",
        "pull:",
        "  - prefect.deployments.steps.set_working_directory:",
        "      directory: '{{ $TINGFLYT_ROOT }}'",
        "",
        "deployments:",
    ]
    for plan in planned():
        lines += [
            f"  - name: {DEPLOYMENT}",
            f"    entrypoint: {plan.entrypoint}",
            f"    description: {_quoted(plan.description)}",
            f"    tags: [{', '.join(plan.tags)}]",
            "    enforce_parameter_schema: false",
            "    work_pool:",
            f"      name: {WORK_POOL}",
        ]
        if plan.crons or plan.every:
            lines.append("    schedules:")
            for cron in plan.crons:
                lines += [f"      - cron: '{cron}'", f"        timezone: {ZONE}"]
            if plan.every:
                lines += [f"      - interval: {plan.every}",
                          f"        anchor_date: '{ANCHOR.isoformat()}'",
                          "        timezone: UTC"]
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


if __name__ == "__main__":
    if sys.argv[1:] == ["--yaml"]:
        (ROOT / "prefect.yaml").write_text(prefect_yaml(), encoding="utf-8")
        print(f"Skreiv {ROOT / 'prefect.yaml'} ({len(planned())} deployments).")
    else:
        raise SystemExit("bruk: python -m flows.deployments --yaml")
