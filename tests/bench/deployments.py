"""Figures 7a-7c of ``make bench``: tingflyt run as Prefect runs it, against a local Prefect
server started in the same run (``flows.runtime.prefect_api``: ``prefect server start`` on
127.0.0.1, SQLite, no UI) and real aiosmtpd SMTP servers on 127.0.0.1 with STARTTLS required
and a test CA that the clients verify (``tests/notifications/smtp_server.py``).

Every database is prepared as an operator prepares one: ``tingflyt --now 2026-08-03T09:00
init`` (the installed console script, ``TINGFLYT_FLOWS=direct``, its own data folder and
``TINGFLYT_DATABASE_URL``), then, in this process and untimed, the season up to the assembly's
notice as figure 6 makes it: two cases for the assembly registered by the daily leader,
recommended by a chief executive, referred by the council meeting RR-2026-08-27 (notice by the
sweep, the council's attendance, unanimous votes) and placed by the sweep on HT-2026-12-03 (30
members); the council's own outbox rows are taken out (they are not what is measured). The
clock is HT-2026-12-03's notice time.

7a. A staff action started as a deployment run, to its notices at the SMTP server, vs a bare
no-op deployment run (goal: at most 1.3x). One background process (``python -c``, the project
folder as its working directory, as ``make serve``) loads the staff form
``flows/forms.py:meeting_notice`` by its entry point (as ``flows.deployments`` does) and this
module's ``bench_noop`` (a flow that returns at once), makes a deployment of each with
``flow.to_deployment(...)`` and serves both with ``prefect.serve(...)`` (``pause_on_shutdown=
False``). Its runner polls for runs every ``RUNNER_POLL`` seconds instead of Prefect's default
10 s, so that the figure shows the run and not where a run happened to fall in the poll (both
kinds wait for the same poll; with the default, a staff action waits 5 s more on average, the
same for both). Its environment points the runs at the SQLite file and the SMTP server. Runs
are started from here with ``prefect.deployments.run_deployment(..., timeout=0)``: the form
with ``acting_person=dagleg-leiar, meeting=HT-2026-12-03, now=<its notice time>`` (the
secretariat sends the meeting's notice: each member and everyone invited gets the notice with
the invitation, and the public announcement goes), and the no-op with nothing. Before every
run the runner is idle (its flow-run processes have exited) and, before a form run, the
prepared file is copied over the work file (untimed). A form run's time is from just before
``run_deployment`` to the moment the SMTP server accepted the last of the expected messages
(each acceptance is stamped by the server's handler); the no-op's is to the end time of its
Completed state (stamped by the Prefect server on this machine's clock). After one untimed
warm-up of each, ``runs`` of each are interleaved (no-op, form, form, no-op, ...) and the
medians compared. Each form run must end Completed, the server must have received exactly the
messages the notice wrote (counted by a dry run on a scratch copy: one per recipient and the
announcement), all of them marked sent, and the meeting notified; each no-op run must end
Completed. Otherwise the figure is invalid. Reported beside: the time from start to Running
(the runner's poll and the flow-run process starting), and the form run to its Completed.

Also beside 7a, after the deployment runs and in the same run, what a flow-run process cannot
avoid, so that the goal can be read against it (``FRESH_RUNS`` of each, medians): (1) the
action alone in a fresh interpreter that has imported Prefect's engine as a flow-run process has
(``python -c``, ``PREFECT__FLOW_RUN_ID`` set so that ``flows.startup`` acts as in a run, no
Prefect server used): load the form by its entry point, run the notice through the registry on
a fresh copy of the prepared database, deliver the outbox to the same SMTP server (all the
expected messages must arrive), each phase timed; (2) the import floor: in the same kind of
process, the time to import only the libraries that action needs (SQLAlchemy and its ORM,
Jinja2, icalendar, the SMTP backend of ``emails``). The goal leaves the action 0.3 times the
no-op's time; the floor is the part of it that no change to tingflyt's code takes off.

7b. The case flow's overhead per case with the heartbeat cost removed (goal: under 0.2 s per
case). A database with N+1 newly registered cases, copied; on one copy ``flows.engine.
case_flow(number, now)`` is run for each case in this process under ``quick_runs()`` (a flow
run on the local Prefect server, ``TINGFLYT_DATABASE_URL`` pointing at that copy), with one
Prefect client for all of them, as a form run's case flows (its subflows) and the demo's season
run them (a top-level run otherwise makes a client of its own: about 50 ms more per case here
on 2026-12-01, and its CSRF token and the server's version asked for again), on the other
``domain.engine.reconcile.reconcile`` directly, in alternating blocks of
``CASE_BLOCK`` cases, after one untimed warm-up of each (case 0). Every case must be sent to
preparation either way, with the same summaries, and both databases must end with the same
states and journal counts. Overhead per case = (flow total - direct total) / N.

7c. 2,000 outbox messages dispatched by two workers vs one, against an SMTP server that takes
20 ms to answer each DATA (goal: two workers at least 1.7x faster; every message sent exactly
once). The database is PostgreSQL (``TINGFLYT_TEST_POSTGRES_URL``, default the machine's local
server, database ``test``; SQLite would serialise the writers), a database of its own made for
the run and dropped after it (``tingflyt_bench_<hex>``). There, after the setup above, the
assembly's notice is issued as staff issue it (``registry.run("meeting.notice", ...)``), what
else the change wrote is taken out, and the outbox is filled to exactly 2,000 pending rows by
``domain.operations.outbox.queue`` in one unit of work: each further row the intent of one of
the notice's rows (same kind, person, meeting, calendar sequence, payload and subject) under a
distinct discriminator, so a distinct key and Message-ID. That database is the template of one
fresh copy per measurement (``CREATE DATABASE ... TEMPLATE``). A worker is an OS process
(``python -c``) that imports the flows, connects to the database and then, on a signal on its
stdin, runs ``flows.engine.dispatch_flow(now)``, the flow the ``tingflyt-dispatch`` deployment
runs, as a Prefect process worker's flow-run process runs it (a flow run on the local Prefect
server, default settings; the SMTP server from ``TINGFLYT_SMTP_*``). Timed from the signal to
the last worker's report (its dispatch done and every row marked). One worker, then two started
by the same signal. Every run: the server must receive exactly 2,000 messages with 2,000
distinct Message-IDs, the workers must report 2,000 sent in all and the database 2,000 rows
sent; a message received twice makes the figure invalid. Reported beside: how many each worker
sent and claimed.

Nothing is timed by an assertion; the figures are ratios measured in the same run.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import select
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from email.parser import BytesHeaderParser
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

GOAL_NOTICE_OVER_NOOP = 1.3  # staff action to its notices at the SMTP server <= 1.3x a no-op
GOAL_CASE_OVERHEAD_SECONDS = 0.2  # case_flow - reconcile per case < 0.2 s (no heartbeat)
GOAL_TWO_WORKERS_SPEEDUP = 1.7  # one worker's time / two workers' time >= 1.7

ASSEMBLY_MEETING = "HT-2026-12-03"
SENDER = "dagleg-leiar"
NOTICE_FORM = "meeting.notice"
NOOP_FLOW = "tingflyt-bench-noop"
DEPLOYMENT = "bench"
#: How often the serving runner asks for runs (Prefect's default is 10 s).
RUNNER_POLL = 0.25
#: Beside 7a: runs of the action alone and of the import floor in fresh interpreters.
FRESH_RUNS = 5
#: Figure 7b times the case flow and the direct call in alternating blocks of this many cases.
CASE_BLOCK = 10
SMTP_DELAY = 0.020
DISPATCH_MESSAGES = 2000
POSTGRES_URL = os.environ.get(
    "TINGFLYT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
#: Environment variables that would point the runs elsewhere; removed for every process here.
UNSET_ENV = ("TINGFLYT_DATABASE_URL", "TINGFLYT_AS", "TINGFLYT_ORG_FILE", "TINGFLYT_OUTBOX_DIR",
             "TINGFLYT_SMTP_HOST", "TINGFLYT_SMTP_PORT", "TINGFLYT_SMTP_SECURITY",
             "TINGFLYT_SMTP_USER", "TINGFLYT_SMTP_PASSWORD", "TINGFLYT_SMTP_CA_FILE",
             "TINGFLYT_SMTP_TIMEOUT", "TINGFLYT_FLOWS")


class DeploymentBenchError(RuntimeError):
    """The measurement did the wrong work; its figure is not valid."""


# -- the no-op flow (7a's baseline) ---------------------------------------------------------------
# Made on first use (module ``__getattr__``), so that importing this module for ``make bench``
# does not import Prefect; the served run loads it by its entry point
# ``tests/bench/deployments.py:bench_noop`` like any flow.

_NOOP: Any = None


def bench_noop_body() -> str:
    """Do nothing: the floor of a deployment run."""
    return "ok"


def __getattr__(name: str) -> Any:
    global _NOOP
    if name != "bench_noop":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if _NOOP is None:
        from prefect import flow

        def bench_noop() -> str:
            return bench_noop_body()

        bench_noop.__qualname__ = "bench_noop"
        bench_noop.__module__ = __name__
        _NOOP = flow(bench_noop, name=NOOP_FLOW, log_prints=False)
    return _NOOP


def serve_main() -> None:
    """The background serving process of 7a (``python -c``; cwd: the project)."""
    from prefect import serve
    from prefect.flows import load_flow_from_entrypoint

    from flows.forms import attribute

    form = load_flow_from_entrypoint(str(ROOT / "flows" / "forms.py") + ":"
                                     + attribute(NOTICE_FORM))
    noop = load_flow_from_entrypoint(str(Path(__file__).resolve()) + ":bench_noop")
    deployments = [f.to_deployment(name=DEPLOYMENT, enforce_parameter_schema=False)
                   for f in (form, noop)]
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with contextlib.suppress(KeyboardInterrupt):
        serve(*deployments, pause_on_shutdown=False, print_starting_message=False,
              query_seconds=float(os.environ.get("TINGFLYT_BENCH_RUNNER_POLL", RUNNER_POLL)))


def dispatch_worker() -> None:
    """One dispatch worker of 7c (``python -c``): ready, wait for the signal, run the flow."""
    from flows.app import database_url, engine_for
    from flows.engine import dispatch_flow

    now = datetime.fromisoformat(os.environ["TINGFLYT_BENCH_NOW"])
    with engine_for(database_url()).connect():
        pass
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        return
    started, cpu = time.time(), time.process_time()
    report = dispatch_flow(now)
    print(json.dumps({"started": started, "ended": time.time(),
                      "cpu_seconds": time.process_time() - cpu, "sent": report["sent"],
                      "claimed": report["claimed"], "failed": report["failed"],
                      "retried": report["retried"], "stopped": report["stopped"]}), flush=True)


# -- helpers ---------------------------------------------------------------------------------

def _clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in UNSET_ENV}
    env.update(values)
    return env


@contextlib.contextmanager
def _environ(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _smtp_env(server: Any) -> dict[str, str]:
    return {"TINGFLYT_SMTP_HOST": server.host, "TINGFLYT_SMTP_PORT": str(server.port),
            "TINGFLYT_SMTP_SECURITY": "starttls", "TINGFLYT_SMTP_CA_FILE": str(server.ca_file),
            "TINGFLYT_SMTP_TIMEOUT": "30"}


def _init(url: str, data_dir: Path) -> None:
    """``tingflyt --now 2026-08-03T09:00 init`` on ``url``, as an operator runs it."""
    from tests.bench.commands import NOW_ARG, find_tingflyt_script

    env = _clean_env(TINGFLYT_DATA_DIR=str(data_dir), TINGFLYT_DATABASE_URL=url,
                     TINGFLYT_FLOWS="direct")
    env.pop("PREFECT_API_URL", None)
    done = subprocess.run([str(find_tingflyt_script()), "--now", NOW_ARG, "init"],
                          capture_output=True, cwd=ROOT, env=env, check=False)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).decode(errors="replace")[-400:]
        raise DeploymentBenchError(f"tingflyt init exited {done.returncode}: {said}")


def _to_the_notice(engine: Any, clock: Any) -> dict[str, Any]:
    """The season up to HT-2026-12-03's notice, as figure 6 makes it; the clock at its notice
    time. Returns the meeting's facts."""
    from config.organisation import load_organisation
    from tests.bench import run as bench
    from tests.bench.notices import to_the_assembly_notice

    org = load_organisation(bench.ORG_FILE)
    assembly = to_the_assembly_notice(engine, clock, org.data.secretariat.director,
                                      bench.pick_chief_executive(org))
    if assembly["status"] != "planned" or len(assembly["members"]) < 30:
        raise DeploymentBenchError(f"setup: {ASSEMBLY_MEETING} is {assembly['status']} with "
                                   f"{len(assembly['members'])} members")
    return assembly


def _outbox(engine: Any, clock: Any) -> dict[tuple[str, str], int]:
    from domain.store.uow import UnitOfWork

    with UnitOfWork(engine, clock, readonly=True) as uow:
        rows = uow.outbox.listing()
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        counts[(row.kind, row.status)] = counts.get((row.kind, row.status), 0) + 1
    return counts


class _Server:
    """An aiosmtpd server as ``tests.notifications.smtp_server.running_server`` starts one
    (STARTTLS required, the test CA), whose handler waits ``delay`` before answering each DATA
    and stamps each message it accepts with the time (``time.time()``)."""

    def __init__(self, pki: Any, delay: float) -> None:
        from tests.notifications.smtp_server import RecordingHandler

        class Handler(RecordingHandler):
            def reset(self) -> None:
                super().reset()
                self.accepted_at: list[float] = []

            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                if delay:
                    await asyncio.sleep(delay)
                reply = await super().handle_DATA(server, session, envelope)
                if reply.startswith("250"):
                    with self.lock:
                        self.accepted_at.append(time.time())
                return reply

        self.pki = pki
        self.handler = Handler()
        self.delay = delay

    @contextlib.contextmanager
    def running(self) -> Iterator[Any]:
        from aiosmtpd.controller import Controller

        from tests.notifications.smtp_server import SmtpTestServer, free_port

        port = free_port()
        controller = Controller(self.handler, hostname="127.0.0.1", port=port,
                                server_hostname="localhost", tls_context=self.pki.server_context(),
                                require_starttls=True, authenticator=self.handler.authenticate,
                                auth_required=False, auth_require_tls=True, ready_timeout=5.0)
        controller.start()
        try:
            server = SmtpTestServer("127.0.0.1", port, self.pki.ca_file, self.handler, False)
            self.handler.reset()
            yield server
        finally:
            controller.stop()

    def received(self) -> int:
        with self.handler.lock:
            return len(self.handler.messages)

    def last_accepted(self) -> float:
        with self.handler.lock:
            return max(self.handler.accepted_at)

    def message_ids(self) -> list[str]:
        parser = BytesHeaderParser()
        with self.handler.lock:
            messages = list(self.handler.messages)
        return [str(parser.parsebytes(m.data).get("Message-ID", "")) for m in messages]


def _children(pid: int) -> list[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            out.append(int(entry.name))
    return out


def _wait_idle(pid: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while _children(pid):
        if time.monotonic() > deadline:
            raise DeploymentBenchError("the runner's flow-run processes did not exit")
        time.sleep(0.05)


def _problems(text: str) -> list[str]:
    return [line for line in text.splitlines()
            if "Traceback" in line or "ERROR" in line or "CRITICAL" in line]


# -- 7a ---------------------------------------------------------------------------------------

#: A flow-run process has imported Prefect's engine before it loads a flow; both scripts below
#: start there (``gc.freeze`` as ``flows.startup`` does in a run).
_FLOW_RUN_PROCESS = """
import gc, json, os, sys, time
import prefect.engine, prefect.flow_engine
from prefect.flows import load_flow_from_entrypoint
"""

#: The notice alone in a fresh flow-run-like process: argv = entry point, meeting, person, now.
_ACTION = _FLOW_RUN_PROCESS + """
os.environ["PREFECT__FLOW_RUN_ID"] = "bench"  # flows.startup acts as in a run
t0 = time.perf_counter()
load_flow_from_entrypoint(sys.argv[1])
t1 = time.perf_counter()
from domain.commands import registry
from domain.store.uow import Via
from flows.app import clock_for, database_url, deliver, engine_for, parse_now
clock = clock_for(parse_now(sys.argv[4]))
engine = engine_for(database_url())
registry.run("meeting.notice", {"meeting": sys.argv[2]}, sys.argv[3], engine=engine,
             clock=clock, via=Via("bench", None))
t2 = time.perf_counter()
report = deliver(engine, clock)
t3 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "command": t2 - t1, "deliver": t3 - t2,
                  "total": t3 - t0, "sent": report["sent"]}))
"""

#: The libraries that action imports, alone, in the same kind of process.
_FLOOR = _FLOW_RUN_PROCESS + """
gc.freeze()
t0 = time.perf_counter()
import sqlalchemy, sqlalchemy.orm, jinja2, icalendar
from emails.backend.smtp.backend import SMTPBackend
print(json.dumps({"total": time.perf_counter() - t0}))
"""


def _python_json(code: str, args: list[str], env: dict[str, str], label: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", code, *args],  # noqa: S603 - this interpreter
                          capture_output=True, cwd=ROOT, env=env, check=False, timeout=300)
    if done.returncode != 0:
        said = (done.stderr or done.stdout).decode(errors="replace")[-600:]
        raise DeploymentBenchError(f"{label}: exited {done.returncode}: {said}")
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def _fresh_process(prepared: Path, work: Path, env: dict[str, str], server_ctl: _Server,
                   server: Any, expected: int, notice_at: datetime,
                   log: Callable[[str], None]) -> dict[str, Any]:
    """The action alone and the import floor, ``FRESH_RUNS`` of each, interleaved."""
    from flows.forms import attribute
    from tests.bench import run as bench

    entry = str(ROOT / "flows" / "forms.py") + ":" + attribute(NOTICE_FORM)
    action: list[dict[str, float]] = []
    floor: list[float] = []
    for i in range(FRESH_RUNS):
        bench.copy_database(prepared, work)
        server.reset()
        got = _python_json(_ACTION, [entry, ASSEMBLY_MEETING, SENDER, notice_at.isoformat()],
                           env, f"the action alone, run {i + 1}")
        if got["sent"] != expected or server_ctl.received() != expected:
            raise DeploymentBenchError(f"the action alone, run {i + 1}: sent {got['sent']}, "
                                       f"the server received {server_ctl.received()}, "
                                       f"expected {expected}")
        action.append(got)
        floor.append(_python_json(_FLOOR, [], env, f"the import floor, run {i + 1}")["total"])
    result = {phase: statistics.median(r[phase] for r in action)
              for phase in ("load", "command", "deliver", "total")}
    result["import_floor"] = statistics.median(floor)
    log(f"[7a] the action alone in a fresh process {result['total']:.2f} s (loading the form "
        f"{result['load']:.2f}, the notice {result['command']:.2f}, delivering "
        f"{result['deliver']:.2f}); importing the libraries alone {result['import_floor']:.2f} s")
    return result


def bench_deploy_notice(tmp: Path, runs: int, server_ctl: _Server, server: Any,
                        log: Callable[[str], None]) -> dict[str, Any]:
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment

    from domain.commands import registry
    from domain.rules.calendar import FixedClock
    from domain.store.db import make_engine
    from flows.forms import form_name
    from tests.bench import run as bench

    folder = tmp / "deploy"
    data_dir = folder / "data"
    prepared = folder / "prepared.sqlite"
    work = data_dir / "tingflyt.sqlite"
    scratch = folder / "scratch.sqlite"
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    _init(f"sqlite:///{prepared}", folder / "init-data")
    clock = FixedClock(bench.NOW)
    engine = make_engine(f"sqlite:///{prepared}")
    assembly = _to_the_notice(engine, clock)
    engine.dispose()
    notice_at = assembly["notice_at"]

    # What one notice writes: a dry run on a scratch copy.
    bench.copy_database(prepared, scratch)
    engine = make_engine(f"sqlite:///{scratch}")
    registry.run(NOTICE_FORM, {"meeting": ASSEMBLY_MEETING}, SENDER, engine=engine,
                 clock=FixedClock(notice_at))
    outbox = _outbox(engine, clock)
    engine.dispose()
    bench.remove_database(scratch)
    expected = sum(n for (_kind, status), n in outbox.items() if status == "pending")
    if expected < 30 or len(outbox) != sum(1 for k in outbox if k[1] == "pending"):
        raise DeploymentBenchError(f"setup: the notice wrote {outbox}, expected 30 or more "
                                   "pending rows")
    kinds = ", ".join(f"{n} {kind}" for (kind, _s), n in sorted(outbox.items()))
    log(f"[7a] {ASSEMBLY_MEETING} ready for its notice, which writes {expected} messages "
        f"({kinds}); setup {time.perf_counter() - started:.1f} s")

    data_dir.mkdir(parents=True, exist_ok=True)
    serve_log = folder / "serve.log"
    env = _clean_env(TINGFLYT_DATA_DIR=str(data_dir),
                     TINGFLYT_DATABASE_URL=f"sqlite:///{work}",
                     TINGFLYT_BENCH_RUNNER_POLL=str(RUNNER_POLL), **_smtp_env(server))
    bench.copy_database(prepared, work)
    with serve_log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - this interpreter, this module
            [sys.executable, "-c", "from tests.bench.deployments import serve_main; serve_main()"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    form_deployment = f"{form_name(NOTICE_FORM)}/{DEPLOYMENT}"
    noop_deployment = f"{NOOP_FLOW}/{DEPLOYMENT}"
    parameters = {"acting_person": SENDER, "meeting": ASSEMBLY_MEETING,
                  "now": notice_at.isoformat()}
    times: dict[str, list[dict[str, float]]] = {"form": [], "noop": []}
    try:
        with get_client(sync_client=True) as client:
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None:
                    raise DeploymentBenchError(
                        f"the serving process exited {process.returncode}: "
                        f"{serve_log.read_text(errors='replace')[-800:]}")
                try:
                    for name in (form_deployment, noop_deployment):
                        client.read_deployment_by_name(name)
                    break
                except Exception:  # noqa: BLE001 - not registered yet
                    if time.monotonic() > deadline:
                        raise DeploymentBenchError("the deployments were not served") from None
                    time.sleep(0.2)
            log(f"[7a] serving {form_deployment} and {noop_deployment} from a background "
                f"process (runner poll {RUNNER_POLL} s)")

            def once(kind: str, label: str) -> dict[str, float]:
                _wait_idle(process.pid)
                if kind == "form":
                    bench.copy_database(prepared, work)
                server.reset()
                t0 = time.time()
                run = run_deployment(form_deployment if kind == "form" else noop_deployment,
                                     parameters=parameters if kind == "form" else {},
                                     timeout=0, as_subflow=False)
                deadline = time.monotonic() + 120
                while True:
                    run = client.read_flow_run(run.id)
                    if run.state is not None and run.state.is_final():
                        break
                    if time.monotonic() > deadline:
                        raise DeploymentBenchError(f"{label}: the run did not finish")
                    time.sleep(0.05)
                if not run.state.is_completed():
                    raise DeploymentBenchError(f"{label}: the run ended {run.state.type.value}: "
                                               f"{run.state.message}")
                result = {"to_running": run.start_time.timestamp() - t0,
                          "to_completed": run.end_time.timestamp() - t0}
                if kind == "form":
                    got = server_ctl.received()
                    if got != expected:
                        raise DeploymentBenchError(f"{label}: the SMTP server received {got} "
                                                   f"messages, expected {expected}")
                    result["to_notices"] = server_ctl.last_accepted() - t0
                    check = make_engine(f"sqlite:///{work}")
                    left = _outbox(check, clock)
                    from domain.store.uow import UnitOfWork

                    with UnitOfWork(check, clock, readonly=True) as uow:
                        status = uow.meetings.get(ASSEMBLY_MEETING).status
                    check.dispose()
                    if status != "notified" or set(s for _k, s in left) != {"sent"} \
                            or sum(left.values()) != expected:
                        raise DeploymentBenchError(f"{label}: {ASSEMBLY_MEETING} is {status}, "
                                                   f"the outbox holds {left}")
                elif server_ctl.received():
                    raise DeploymentBenchError(f"{label}: the no-op run sent mail")
                result["measured"] = result["to_notices" if kind == "form" else "to_completed"]
                return result

            once("noop", "no-op warm-up")
            once("form", "form warm-up")
            log(f"[7a] warm-up done; {runs} runs of each, interleaved")
            for i in range(runs):
                order = ("noop", "form") if i % 2 == 0 else ("form", "noop")
                for kind in order:
                    times[kind].append(once(kind, f"{kind} run {i + 1}"))
                log(f"[7a]   #{i + 1}: notice to its {expected} messages at the server "
                    f"{times['form'][-1]['measured']:.2f} s, no-op run "
                    f"{times['noop'][-1]['measured']:.2f} s")
            _wait_idle(process.pid)
    finally:
        from flows.runtime import stop_process

        stop_process(process, signal.SIGINT, grace=30)
    problems = _problems(serve_log.read_text(errors="replace"))
    if problems:
        raise DeploymentBenchError("the serving process logged: " + " | ".join(problems[:5]))
    fresh = _fresh_process(prepared, work, env, server_ctl, server, expected, notice_at,
                           log)

    def med(kind: str, key: str) -> float:
        return statistics.median(r[key] for r in times[kind])

    form_s, noop_s = med("form", "measured"), med("noop", "measured")
    ratio = form_s / noop_s
    log(f"[7a]   notice {form_s:.2f} s vs no-op {noop_s:.2f} s ({ratio:.2f}x); to Running "
        f"{med('form', 'to_running'):.2f} vs {med('noop', 'to_running'):.2f} s")
    return {
        "meeting": ASSEMBLY_MEETING, "messages": expected, "outbox_written": kinds,
        "runs": runs, "runner_poll_seconds": RUNNER_POLL,
        "form": {"median_seconds": form_s, "runs": times["form"],
                 "to_running_median": med("form", "to_running"),
                 "to_completed_median": med("form", "to_completed"),
                 "running_to_notices_median": statistics.median(
                     r["to_notices"] - r["to_running"] for r in times["form"])},
        "noop": {"median_seconds": noop_s, "runs": times["noop"],
                 "to_running_median": med("noop", "to_running")},
        "ratio_form_over_noop": ratio,
        "fresh_process_seconds": fresh,
        "budget_seconds": (GOAL_NOTICE_OVER_NOOP - 1) * noop_s,
        "goal": f"notice/no-op <= {GOAL_NOTICE_OVER_NOOP}x",
        "goal_met": ratio <= GOAL_NOTICE_OVER_NOOP,
    }


# -- 7b ---------------------------------------------------------------------------------------

def bench_case_flow(tmp: Path, n: int, log: Callable[[str], None]) -> dict[str, Any]:
    from domain.commands import registry
    from domain.engine.reconcile import reconcile
    from domain.rules.calendar import FixedClock
    from domain.store.db import make_engine
    from domain.store.uow import UnitOfWork
    from flows.engine import case_flow, quick_runs
    from tests.bench import run as bench

    folder = tmp / "caseflow"
    folder.mkdir(parents=True, exist_ok=True)
    path_flow, path_direct = folder / "flow.sqlite", folder / "direct.sqlite"
    _init(f"sqlite:///{path_flow}", folder / "init-data")
    clock = FixedClock(bench.NOW)
    engine = make_engine(f"sqlite:///{path_flow}")
    with UnitOfWork(engine, clock) as uow:
        actor = uow.people.actor(SENDER)
        numbers = [registry.run_in(uow, "case.register", {
            "title": f"Benchmarksak {i + 1}: driftstilskot", "kind": "ordinary"}, actor).number
            for i in range(n + 1)]
        uow.commit()
    engine.dispose()
    bench.copy_database(path_flow, path_direct)
    log(f"[7b] {n + 1} registered cases in two copies; case_flow (quick_runs) vs reconcile, "
        f"blocks of {CASE_BLOCK}")
    direct_engine = make_engine(f"sqlite:///{path_direct}")
    now = bench.NOW
    done: dict[str, dict[str, list[str]]] = {"flow": {}, "direct": {}}
    spent = {"flow": 0.0, "direct": 0.0}
    waits = {"requests": 0, "request_seconds": 0.0, "ssl_contexts": 0, "ssl_seconds": 0.0}

    def flow_block(block: list[str]) -> float:
        with _watching_client(waits):
            t0 = time.perf_counter()
            for number in block:
                done["flow"][number] = case_flow(number, now)
            return time.perf_counter() - t0

    def direct_block(block: list[str]) -> float:
        t0 = time.perf_counter()
        for number in block:
            done["direct"][number] = reconcile(direct_engine, FixedClock(now), number)
        return time.perf_counter() - t0

    from prefect.context import SyncClientContext

    with _environ(TINGFLYT_DATABASE_URL=f"sqlite:///{path_flow}"), quick_runs(), \
            SyncClientContext.get_or_create():
        flow_block(numbers[:1])  # warm-up: the client, the flow's registration, the engine
        direct_block(numbers[:1])
        waits.update(requests=0, request_seconds=0.0, ssl_contexts=0, ssl_seconds=0.0)
        measured = numbers[1:]
        for i, start in enumerate(range(0, len(measured), CASE_BLOCK)):
            block = measured[start:start + CASE_BLOCK]
            order = ("flow", "direct") if i % 2 == 0 else ("direct", "flow")
            for label in order:
                spent[label] += (flow_block if label == "flow" else direct_block)(block)
    direct_engine.dispose()
    for number in numbers:
        lines_flow, lines_direct = done["flow"][number], done["direct"][number]
        if lines_flow != lines_direct or not any("utgreiing" in x for x in lines_flow):
            raise DeploymentBenchError(f"case {number}: the flow did {lines_flow}, the direct "
                                       f"call {lines_direct}")
    states = {}
    for label, path in (("flow", path_flow), ("direct", path_direct)):
        conn = sqlite3.connect(path)
        try:
            states[label] = (
                dict(conn.execute("SELECT state, count(*) FROM cases GROUP BY state").fetchall()),
                conn.execute("SELECT count(*) FROM journal").fetchone()[0])
        finally:
            conn.close()
    if states["flow"] != states["direct"] or states["flow"][0] != {"in_preparation": n + 1}:
        raise DeploymentBenchError(f"the two databases differ: {states}")
    per_flow, per_direct = spent["flow"] / n, spent["direct"] / n
    overhead = (spent["flow"] - spent["direct"]) / n
    api = {"requests_per_case": waits["requests"] / n,
           "waiting_ms_per_case": waits["request_seconds"] * 1000 / n,
           "ssl_contexts_per_case": waits["ssl_contexts"] / n,
           "ssl_context_ms_per_case": waits["ssl_seconds"] * 1000 / n}
    log(f"[7b]   case_flow {per_flow * 1000:.0f} ms per case, reconcile "
        f"{per_direct * 1000:.1f} ms; overhead {overhead * 1000:.0f} ms per case, of it "
        f"{api['requests_per_case']:.1f} API requests waiting {api['waiting_ms_per_case']:.0f} "
        f"ms and {api['ssl_contexts_per_case']:.1f} new SSL contexts "
        f"{api['ssl_context_ms_per_case']:.0f} ms (one client for all runs)")
    for path in (path_flow, path_direct):
        bench.remove_database(path)
    return {
        "cases": n, "block": CASE_BLOCK,
        "flow": {"seconds": spent["flow"], "ms_per_case": per_flow * 1000},
        "direct": {"seconds": spent["direct"], "ms_per_case": per_direct * 1000},
        "overhead_seconds_per_case": overhead, "api": api,
        "ratio_flow_over_direct": per_flow / per_direct,
        "journal_entries": states["flow"][1],
        "goal": f"overhead < {GOAL_CASE_OVERHEAD_SECONDS} s per case",
        "goal_met": overhead < GOAL_CASE_OVERHEAD_SECONDS,
    }


@contextlib.contextmanager
def _watching_client(waits: dict[str, Any]) -> Iterator[None]:
    """Count and time, in the thread that runs the flow, the Prefect client's HTTP requests
    (``httpx.Client.send``) and the SSL contexts made for new clients: where a flow run's
    overhead goes. A few microseconds per call; it stays on for the timed blocks."""
    import ssl

    import httpx

    main = threading.get_ident()
    send, make_context = httpx.Client.send, ssl.create_default_context

    def timed_send(self: Any, *args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return send(self, *args, **kwargs)
        finally:
            if threading.get_ident() == main:
                waits["requests"] += 1
                waits["request_seconds"] += time.perf_counter() - t0

    def timed_context(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return make_context(*args, **kwargs)
        finally:
            if threading.get_ident() == main:
                waits["ssl_contexts"] += 1
                waits["ssl_seconds"] += time.perf_counter() - t0

    httpx.Client.send = timed_send  # type: ignore[method-assign]
    ssl.create_default_context = timed_context
    try:
        yield
    finally:
        httpx.Client.send = send  # type: ignore[method-assign]
        ssl.create_default_context = make_context


# -- 7c ---------------------------------------------------------------------------------------

def _admin_engine() -> Any:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return create_engine(url, isolation_level="AUTOCOMMIT")


def _database_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    url = make_url(POSTGRES_URL)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url.set(database=name).render_as_string(hide_password=False)


def _fill_outbox(engine: Any, clock: Any, total: int) -> dict[str, Any]:
    """Issue the notice; keep its notice rows; fill to ``total`` rows by ``queue``."""
    from domain.commands import registry
    from domain.operations.outbox import queue
    from domain.rules.terms import MessageKind
    from domain.store.tables import OutboxMessage
    from domain.store.uow import UnitOfWork

    registry.run(NOTICE_FORM, {"meeting": ASSEMBLY_MEETING}, SENDER, engine=engine, clock=clock)
    with UnitOfWork(engine, clock) as uow:
        meeting = uow.meetings.get(ASSEMBLY_MEETING)
        others = uow.session.query(OutboxMessage).filter(
            (OutboxMessage.kind != MessageKind.NOTICE.value)
            | (OutboxMessage.meeting_id != meeting.id) | OutboxMessage.person_id.is_(None))
        dropped = sorted({row.kind for row in others})
        others.delete(synchronize_session=False)
        uow.commit()
    with UnitOfWork(engine, clock) as uow:
        meeting = uow.meetings.get(ASSEMBLY_MEETING)
        notices = uow.outbox.listing()
        written = len(notices)
        i = 0
        while written < total:
            row = notices[i % len(notices)]
            if queue(uow, MessageKind(row.kind), row.person_id, meeting=meeting,
                     sequence=row.sequence, discriminator=f"bench-{i}",
                     payload=dict(row.payload), subject=row.subject) is not None:
                written += 1
            i += 1
        uow.commit()
    return {"notices": len(notices), "dropped_kinds": dropped}


def bench_dispatch_workers(tmp: Path, total: int, server_ctl: _Server, server: Any,
                           log: Callable[[str], None]) -> dict[str, Any]:
    from sqlalchemy import text

    from domain.rules.calendar import FixedClock
    from domain.store.db import make_engine
    from tests.bench import run as bench

    folder = tmp / "dispatch"
    folder.mkdir(parents=True, exist_ok=True)
    tag = uuid.uuid4().hex[:10]
    template = f"tingflyt_bench_{tag}"
    copies = {1: f"{template}_one", 2: f"{template}_two"}
    admin = _admin_engine()
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - no server: say how to start one
        raise DeploymentBenchError(
            f"no PostgreSQL at {POSTGRES_URL} ({type(exc).__name__}); start it: pg_ctlcluster "
            "--skip-systemctl-redirect $(ls /etc/postgresql) main start") from None
    made: list[str] = []
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{template}"'))
        made.append(template)
        started = time.perf_counter()
        url = _database_url(template)
        _init(url, folder / "init-data")
        clock = FixedClock(bench.NOW)
        engine = make_engine(url)
        assembly = _to_the_notice(engine, clock)
        filled = _fill_outbox(engine, clock, total)
        outbox = _outbox(engine, clock)
        engine.dispose()
        if outbox != {("notice", "pending"): total}:
            raise DeploymentBenchError(f"setup: the outbox holds {outbox}, not {total} pending "
                                       "notices")
        with admin.connect() as conn:
            for name in copies.values():
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
                made.append(name)
        log(f"[7c] PostgreSQL database {template}: {total} pending notices "
            f"({filled['notices']} from the notice of {ASSEMBLY_MEETING}, the rest queued); "
            f"setup {time.perf_counter() - started:.1f} s")
        now = assembly["notice_at"] + timedelta(minutes=1)
        results = {}
        for workers in (1, 2):
            results[workers] = _dispatch_run(folder, workers, _database_url(copies[workers]),
                                             now, total, server_ctl, server, log)
    finally:
        with admin.connect() as conn:
            for name in reversed(made):
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    one, two = results[1]["seconds"], results[2]["seconds"]
    speedup = one / two
    log(f"[7c]   one worker {one:.1f} s, two workers {two:.1f} s: {speedup:.2f}x")
    return {
        "messages": total, "smtp_delay_ms": SMTP_DELAY * 1000, "database": "postgresql",
        "one": results[1], "two": results[2], "speedup_two_over_one": speedup,
        "goal": f"two workers >= {GOAL_TWO_WORKERS_SPEEDUP}x faster, each message once",
        "goal_met": speedup >= GOAL_TWO_WORKERS_SPEEDUP,
    }


def _dispatch_run(folder: Path, workers: int, url: str, now: datetime, total: int,
                  server_ctl: _Server, server: Any, log: Callable[[str], None]) -> dict[str, Any]:
    from domain.rules.calendar import FixedClock
    from domain.store.db import make_engine

    env = _clean_env(TINGFLYT_DATA_DIR=str(folder / f"data-{workers}"), TINGFLYT_DATABASE_URL=url,
                     TINGFLYT_BENCH_NOW=now.isoformat(), **_smtp_env(server))
    logs = [folder / f"worker-{workers}-{i + 1}.log" for i in range(workers)]
    processes = []
    for path in logs:
        with path.open("wb") as err:
            processes.append(subprocess.Popen(  # noqa: S603 - this interpreter, this module
                [sys.executable, "-c",
                 "from tests.bench.deployments import dispatch_worker; dispatch_worker()"],
                cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                start_new_session=True))
    try:
        for process in processes:
            line = _read_line(process, 120)
            if line != "ready":
                raise DeploymentBenchError(f"a worker did not start: {line!r}; "
                                           f"{_tail(logs[processes.index(process)])}")
        server.reset()
        t0 = time.perf_counter()
        wall0 = time.time()
        for process in processes:
            assert process.stdin is not None
            process.stdin.write(b"go\n")
            process.stdin.flush()
        reports = []
        for process in processes:
            line = _read_line(process, 600)
            try:
                reports.append(json.loads(line))
            except json.JSONDecodeError:
                raise DeploymentBenchError(
                    f"a worker did not report: {line!r}; "
                    f"{_tail(logs[processes.index(process)])}") from None
        seconds = time.perf_counter() - t0
        for process in processes:
            process.wait(timeout=60)
            if process.returncode != 0:
                raise DeploymentBenchError(f"a worker exited {process.returncode}")
    finally:
        for process in processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
    for path in logs:
        problems = _problems(path.read_text(errors="replace"))
        if problems:
            raise DeploymentBenchError(f"{path.name} logged: " + " | ".join(problems[:5]))
    ids = server_ctl.message_ids()
    distinct = len(set(ids))
    sent = sum(r["sent"] for r in reports)
    engine = make_engine(url)
    outbox = _outbox(engine, FixedClock(now))
    engine.dispose()
    label = f"{workers} worker{'s' if workers > 1 else ''}"
    if len(ids) != total or distinct != total or sent != total \
            or outbox != {("notice", "sent"): total} or "" in ids:
        raise DeploymentBenchError(
            f"{label}: the server received {len(ids)} messages ({distinct} distinct "
            f"Message-IDs), the workers report {sent} sent, the outbox holds {outbox}; "
            f"expected {total} once each")
    last = server_ctl.last_accepted() - wall0
    per_worker = [{"sent": r["sent"], "claimed": r["claimed"],
                   "seconds": r["ended"] - r["started"], "cpu_seconds": r["cpu_seconds"]}
                  for r in reports]
    cpu_ms = sum(r["cpu_seconds"] for r in reports) * 1000 / total
    log(f"[7c]   {label}: {seconds:.1f} s for {total} messages (last accepted at "
        f"{last:.1f} s); sent per worker: {', '.join(str(r['sent']) for r in reports)}; "
        f"worker CPU {cpu_ms:.1f} ms per message")
    return {"workers": workers, "seconds": seconds, "last_accepted_seconds": last,
            "worker_cpu_ms_per_message": cpu_ms,
            "per_worker": per_worker, "received": len(ids), "distinct_message_ids": distinct}


def _read_line(process: subprocess.Popen[bytes], timeout: float) -> str:
    assert process.stdout is not None
    ready, _w, _x = select.select([process.stdout], [], [], timeout)
    if not ready:
        return "(nothing within the time)"
    return process.stdout.readline().decode(errors="replace").strip()


def _tail(path: Path) -> str:
    return path.read_text(errors="replace")[-600:]


# -- all three ------------------------------------------------------------------------------

#: The parts of figure 7, by the name of their result.
PARTS = ("case_flow", "notice", "dispatch")


def bench_deployments(tmp: Path, runs: int, case_flows: int, messages: int = DISPATCH_MESSAGES,
                      *, log: Callable[[str], None] = print,
                      only: tuple[str, ...] = PARTS) -> dict[str, Any]:
    """Figures 7a, 7b and 7c (or the ``only`` of ``PARTS``) with one local Prefect server; each
    part's result, or its error (``failed`` lists the parts that failed)."""
    from flows.runtime import prefect_api
    from tests.notifications.smtp_server import make_pki

    result: dict[str, Any] = {"failed": []}
    saved = os.environ.pop("PREFECT_API_URL", None)
    pki = make_pki(tmp / "deploy-pki")
    plain, slow = _Server(pki, 0.0), _Server(pki, SMTP_DELAY)
    try:
        t0 = time.perf_counter()
        with prefect_api(tmp / "prefect-home") as url, plain.running() as server, \
                slow.running() as slow_server:
            log(f"[7] local Prefect server at {url} (up in {time.perf_counter() - t0:.1f} s); "
                f"SMTP servers on 127.0.0.1:{server.port} and :{slow_server.port} "
                f"(+{SMTP_DELAY * 1000:.0f} ms per DATA)")
            parts: list[tuple[str, Callable[[], dict[str, Any]]]] = [
                ("case_flow", lambda: bench_case_flow(tmp, case_flows, log)),
                ("notice", lambda: bench_deploy_notice(tmp, runs, plain, server, log)),
                ("dispatch", lambda: bench_dispatch_workers(tmp, messages, slow, slow_server,
                                                            log)),
            ]
            for name, fn in parts:
                if name not in only:
                    continue
                try:
                    result[name] = fn()
                except Exception as exc:  # noqa: BLE001 - report, go on with the others
                    traceback.print_exc()
                    log(f"[7 {name}] FAILED: {exc}")
                    result[name] = {"error": f"{type(exc).__name__}: {exc}"}
                    result["failed"].append(name)
    finally:
        if saved is not None:
            os.environ["PREFECT_API_URL"] = saved
        shutil.rmtree(tmp / "deploy-pki", ignore_errors=True)
    return result
