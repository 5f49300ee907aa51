"""``tingflyt --via prefect``: a staff command started as a run of its form's deployment.

The command line parses the command as always (so a mistyped option is refused at once), then
hands the input over to the deployment of its form (``flows.forms``) on the configured Prefect
API and waits for the run: the run checks the permission, acts, carries the case on and
delivers its messages, and is found in the Prefect UI by the case and the meeting. The CLI says
how it ended, with the run's address; a refusal is the run's own one line (exit 1). A Prefect
API that does not answer, or that serves no such deployment (``make serve`` is not running),
is refused with exit 6.

This module is imported only when ``--via prefect`` is given.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, time
from enum import Enum
from typing import Any

#: How long the CLI waits for a form's run to end.
WAIT_SECONDS = 300


class HandedOver(Exception):  # noqa: N818 - not an error: the run's outcome, carried to main
    """The command ran as a Prefect run; ``main`` prints its outcome and exits with ``code``."""

    def __init__(self, outcome: dict[str, Any], code: int) -> None:
        super().__init__(outcome.get("message", ""))
        self.outcome = outcome
        self.code = code


def _plain(value: Any) -> Any:
    """A value as a form takes it (JSON): dates and times as people write them."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def hand_over(name: str, fields: dict[str, Any], actor: Any, now: datetime | None) -> None:
    """Run the registered command ``name`` as a run of its form; raise ``HandedOver``."""
    import os

    from flows.runtime import PrefectUnavailable, require_api

    url = os.environ.get("PREFECT_API_URL")
    if not url:
        raise PrefectUnavailable("--via prefect treng eit Prefect-API: set PREFECT_API_URL "
                                 "(`make serve` skriv ut adressa).")
    require_api(url)
    from prefect.deployments import run_deployment
    from prefect.exceptions import ObjectNotFound

    from flows.deployments import DEPLOYMENT
    from flows.forms import ACTING, NO_FORM, NOW, form_name

    if name in NO_FORM:
        raise PrefectUnavailable(f"Kommandoen har ikkje noko skjema i Prefect: {NO_FORM[name]}.")
    parameters = {ACTING: getattr(actor, "id", actor), **_plain(
        {k: v for k, v in fields.items() if v is not None})}
    if now is not None:
        parameters[NOW] = now.isoformat()
    deployment = f"{form_name(name)}/{DEPLOYMENT}"
    try:
        run = run_deployment(deployment, parameters=parameters, timeout=WAIT_SECONDS)
    except ObjectNotFound:
        raise PrefectUnavailable(f"Prefect på {url} har ikkje deploymenten {deployment}. "
                                 "Start tenesta med `make serve`, eller deploy prefect.yaml."
                                 ) from None
    state = run.state
    address = url.removesuffix("/api").rstrip("/") + f"/runs/flow-run/{run.id}"
    outcome = {"via": "prefect", "command": name, "run": {
        "id": str(run.id), "name": run.name, "state": state.name if state else None,
        "message": state.message if state else None, "url": address}}
    if state is not None and state.is_completed():
        raise HandedOver({**outcome, "message": f"Gjort i Prefect: «{run.name}». Sjå {address}"},
                         0)
    if state is not None and state.is_failed():
        raise HandedOver({**outcome, "message": state.message or "Køyringa feila.",
                          "hint": f"Sjå {address}", "refused": True}, 1)
    raise HandedOver({**outcome, "message": f"Køyringa «{run.name}» er ikkje ferdig etter "
                      f"{WAIT_SECONDS} s ({state.name if state else 'ukjend'}).",
                      "hint": f"Sjå {address}"}, 1)


def report(handed: HandedOver, as_json: bool) -> int:
    """Print how the run ended: a line (stderr for a refusal), or the JSON."""
    outcome = handed.outcome
    if as_json:
        print(json.dumps(outcome, ensure_ascii=False, indent=2))
    elif handed.code == 0:
        print(outcome["message"])
    else:
        hint = f" {outcome['hint']}" if outcome.get("hint") else ""
        print(f"tingflyt: {outcome['message']}{hint}", file=sys.stderr)
    return handed.code

