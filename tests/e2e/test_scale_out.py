"""Scale-out: the committed ``prefect.yaml`` deployed to a process work pool, run by two workers,
on a Prefect server and a tingflyt database that both live on PostgreSQL; a short season through
it, and the same season run embedded, which must come out exactly the same.

What it starts on 127.0.0.1 (every process in its own session, stopped in the teardown even when
the test fails): ``prefect server start`` on a fresh PostgreSQL database (``pg_trgm``, its
scheduler service off: the deployments keep their schedules, but no run fires at the real time
against a season that is simulated), ``prefect work-pool create tingflyt --type process``,
``prefect --no-prompt deploy --all`` from the project folder, two ``prefect worker start``
processes (one run at a time each), and a real SMTP server (aiosmtpd, STARTTLS, a test CA) that
the workers' runs deliver to.

The season is staff forms and scheduled flows as deployment runs, each at a fixed simulated time
(``now``), in batches: the runs of a batch are submitted together and commute (different
cases, different meetings, or a dispatcher racing another one), so both workers get work and the
outcome does not depend on which one finishes first. The embedded run does the same steps, one
after another, in this process against its own fresh database: the registry, the engine and the
outbox dispatcher as the forms and the scheduled flows call them, messages written as ``.eml``
files. Cases, agendas, meetings, treatments, votes, attendance, deadlines, alerts, the journal and
the outbox are compared row by row (natural keys, no ids, nothing from the real clock).

PostgreSQL: ``TINGFLYT_TEST_POSTGRES_URL`` (default ``postgres@127.0.0.1:5432/test``); the test
makes its own databases beside ``test``. Without a server it skips, with ``CI=true`` it fails.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from flows.runtime import healthy
from tests.conftest import CE, CHAIR, DIRECTOR, IN_CI, POSTGRES_URL, ROOT

pytestmark = [pytest.mark.prefect, pytest.mark.slow, pytest.mark.postgres]

OSLO = ZoneInfo("Europe/Oslo")
BIN = Path(sys.executable).parent
PREFIX = "tingflyt_scale"
DATABASES = {"prefect": f"{PREFIX}_prefect", "app": f"{PREFIX}_app",
             "embedded": f"{PREFIX}_embedded"}
WORKERS = ("w1", "w2")
INIT_NOW = "2026-08-03T09:00"
RUN_TIMEOUT = 150.0

# -- the season ------------------------------------------------------------------------------

RR = "RR-2026-08-27"  # the council's first meeting: notice 20.08 08:00
RR_NEXT = "RR-2026-09-24"  # the next one: notice 17.09 08:00
COUNCIL = ["aal-ordforar", "flaa-ordforar", "gol-ordforar", "hemsedal-ordforar", "hol-ordforar",
           "nesbyen-ordforar"]
AWAY, STANDS_IN = "aal-ordforar", "aal-varaordforar"  # the mayor is away; her deputy sits
PRESENT = [m for m in COUNCIL if m != AWAY]


@dataclass(frozen=True)
class Step:
    """One deployment run: a staff form (``command``, ``acting``, ``fields``) or a scheduled
    flow, at ``at`` (Europe/Oslo)."""

    flow: str
    at: str
    command: str | None = None
    acting: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.at).replace(tzinfo=OSLO)

    @property
    def deployment(self) -> str:
        return f"{self.flow}/tingflyt"

    def parameters(self) -> dict[str, Any]:
        if self.command is None:  # the scheduled flows take an aware datetime
            return {"now": self.when.isoformat()}
        return {"acting_person": self.acting, **self.fields, "now": self.at}

    def __str__(self) -> str:
        return f"{self.command or self.flow} {self.at}"


def form(command: str, acting: str, at: str, **fields: Any) -> Step:
    from flows.forms import form_name

    return Step(form_name(command), at, command, acting, fields)


def scheduled(flow: str, at: str) -> Step:
    return Step(flow, at)


def season() -> list[tuple[Step, ...]]:
    """Three cases through the council's first meeting, and the next meeting's notice. The
    runs of a batch act at the same moment (time never goes back in a simulated database, so a
    batch's runs share their ``now``) on rows the others do not touch; the batches run in
    order."""
    return [
        (form("case.register", DIRECTOR, "2026-08-03 10:00",
              title="Felles innkjøpsordning for Hallingdal", kind="ordinary",
              description="Kommunane vil samordne innkjøp av IKT og kontorrekvisita."),),
        (form("case.register", DIRECTOR, "2026-08-03 10:05",
              title="Tilskot frå næringsfondet: etablerarrettleiing", kind="fund_allocation"),),
        # A third case, for the next meeting, while the first one's recommendation comes in.
        (form("case.register", DIRECTOR, "2026-08-10 10:00",
              title="Høyringssvar: nasjonal transportplan", kind="statement", aim=RR_NEXT),
         form("case.recommend", CE, "2026-08-10 10:00", case="2026/1",
              text="Regionrådet går inn for ei felles innkjøpsordning frå 2027.")),
        # A recommendation while a member reports that she cannot come.
        (form("case.recommend", DIRECTOR, "2026-08-11 10:00", case="2026/2",
              text="Det vert løyvd 350 000 kr frå næringsfondet."),
         form("absence.report", AWAY, "2026-08-11 10:00", meeting=RR, person=AWAY,
              reason="Kommunestyremøte")),
        # After the first meeting's preparation deadline: the third case goes to the next one,
        # while the deputy says she will come.
        (form("case.recommend", CE, "2026-08-14 10:00", case="2026/3",
              text="Regionrådet sluttar seg til høyringssvaret om rv. 7 og rv. 52."),
         form("substitute.answer", STANDS_IN, "2026-08-14 10:00", meeting=RR, person=STANDS_IN,
              accept=True)),
        # The morning's notices, and the every-minute dispatcher racing them for the outbox.
        (scheduled("tingflyt-notices", "2026-08-20 08:01"),
         scheduled("tingflyt-dispatch", "2026-08-20 08:01")),
        (form("meeting.attend", DIRECTOR, "2026-08-27 10:05", meeting=RR, present=PRESENT,
              substitutes={STANDS_IN: AWAY}, chair=CHAIR, attendees=[DIRECTOR]),),
        # Two cases decided at once: one unanimously, one by a vote of 5 to 1.
        (form("case.vote", CHAIR, "2026-08-27 10:30", case="2026/1", unanimous=True),
         form("case.vote", CHAIR, "2026-08-27 10:30", case="2026/2",
              ballots={**{p: "for" for p in PRESENT if p != "nesbyen-ordforar"},
                       "nesbyen-ordforar": "against", STANDS_IN: "for"})),
        # The minutes go out while the morning's minutes check runs.
        (scheduled("tingflyt-minutes", "2026-08-28 09:30"),
         form("meeting.send_minutes", DIRECTOR, "2026-08-28 09:30", meeting=RR)),
        # The quarter-hourly sweep sends the next meeting's notice; the dispatcher delivers it.
        (scheduled("tingflyt-sweep", "2026-09-17 08:07"),),
        (scheduled("tingflyt-dispatch", "2026-09-17 08:08"),),
    ]


def run_embedded(steps: list[Step], url: str, data: Path) -> None:
    """The season in this process: what each form and scheduled flow does, step by step."""
    from config.settings import Settings
    from domain.commands import registry
    from domain.engine.reconcile import reconcile
    from domain.engine.sweep import sweep
    from domain.rules.calendar import FixedClock
    from domain.store.db import make_engine
    from flows.app import deliver

    config = Settings(data_dir=data, outbox_dir=data / "outbox")
    engine = make_engine(url, create_folder=False)
    try:
        for step in steps:
            clock = FixedClock(step.when)
            if step.command is not None:  # flows.forms.submit
                done = registry.run(step.command, step.fields, step.acting, engine=engine,
                                    clock=clock)
                for number in done.follows.cases:
                    reconcile(engine, clock, number)
                if done.follows.sweep:
                    sweep(engine, clock)
                deliver(engine, clock, config)
            elif step.flow == "tingflyt-notices":
                sweep(engine, clock, parts=["notices"])
                deliver(engine, clock, config)
            elif step.flow == "tingflyt-minutes":
                sweep(engine, clock, parts=["minutes"])
            elif step.flow == "tingflyt-sweep":
                sweep(engine, clock)
            elif step.flow == "tingflyt-dispatch":
                deliver(engine, clock, config)
            else:
                raise AssertionError(f"no embedded way for {step}")
    finally:
        engine.dispose()


# -- what is compared ------------------------------------------------------------------------

CASE = "(SELECT year || '/' || seq FROM cases WHERE cases.id = {0})"
REF = "(SELECT ref FROM meetings WHERE meetings.id = {0})"
SNAPSHOT = {
    "cases": f"""SELECT year || '/' || seq, title, description, kind, state, competent_body_id,
        current_body_id, decision_basis, origin, proposed_by_id, lead_id, principled,
        external_deadline, urgent, preparation_deadline, {REF.format('target_meeting_id')},
        {REF.format('agenda_meeting_id')}, recommendation, recommended_at, recommended_by_id,
        hold, closed_reason, registered_at, updated_at, next_check_at, version FROM cases""",
    "meetings": """SELECT ref, kind, status, notified_at, notice_late, agenda_changed_at,
        next_check_at, calendar_sequence, minutes_sent_at, version FROM meetings""",
    "agenda_items": f"""SELECT {REF.format('meeting_id')}, {CASE.format('case_id')}, kind,
        section, position, year, number, title, withdrawn, placed_at, placed_by
        FROM agenda_items""",
    "treatments": f"""SELECT {CASE.format('case_id')}, {REF.format('meeting_id')}, body_id,
        outcome, basis, text, authoritative, recorded_at, recorded_by_id, recorded_role,
        vote_summary, without_recommendation FROM treatments""",
    "proposals": f"""SELECT {CASE.format('case_id')}, {REF.format('meeting_id')}, kind, round,
        text, proposer_id, result, explanation, votes_for, votes_against, votes_blank,
        casting_vote, chair_id, elected, recorded_at, recorded_by FROM proposals""",
    "ballots": f"""SELECT {CASE.format('p.case_id')}, p.round, b.voter_id, b.seat_id, b.choice,
        b.candidate FROM ballots b JOIN proposals p ON p.id = b.proposal_id""",
    "attendances": f"""SELECT {REF.format('meeting_id')}, person_id, seat_id,
        {CASE.format('case_id')}, role, from_position, to_position, chair, recorded_by,
        recorded_at FROM attendances""",
    "absences": f"""SELECT {REF.format('meeting_id')}, person_id, kind, {CASE.format('case_id')},
        reason, reported_by, reported_at, withdrawn_at FROM absences""",
    "substitute_calls": f"""SELECT {REF.format('meeting_id')}, seat_id, substitute_id, rank,
        status, asked_at, answer_by, answered_at, next_check_at FROM substitute_calls""",
    "deadlines": f"""SELECT kind, {CASE.format('case_id')}, {REF.format('meeting_id')}, due_date,
        due_at, remind_at, status, reminded_at, closed_at, owner_id, note, next_check_at
        FROM deadlines""",
    "alerts": f"""SELECT key, raised_at, kind, severity, {CASE.format('case_id')},
        {REF.format('meeting_id')}, message FROM alerts""",
    "journal": f"""SELECT at, actor_id, actor_role, action, {CASE.format('case_id')},
        {REF.format('meeting_id')}, summary, reason FROM journal""",
    # Not compared: sent_at, attempts, claim and receipt say which dispatcher run sent it.
    "outbox": f"""SELECT key, kind, person_id, name, address, {REF.format('meeting_id')},
        {CASE.format('case_id')}, sequence, subject, created_at, status, last_error
        FROM outbox""",
}


def snapshot(url: str) -> dict[str, list[tuple[Any, ...]]]:
    from domain.store.db import make_engine

    engine = make_engine(url, create_folder=False)
    try:
        with engine.connect() as connection:
            return {name: sorted((tuple(row) for row in connection.execute(text(query))),
                                 key=repr)
                    for name, query in SNAPSHOT.items()}
    finally:
        engine.dispose()


def differences(distributed: dict[str, list[Any]], embedded: dict[str, list[Any]]) -> list[str]:
    out = []
    for name in SNAPSHOT:
        left, right = Counter(distributed[name]), Counter(embedded[name])
        if left != right:
            only_left = list((left - right).elements())[:5]
            only_right = list((right - left).elements())[:5]
            out.append(f"{name}: only via the workers {only_left}; only embedded {only_right}")
    return out


def _mail_seen(raw: bytes) -> tuple[str, str]:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return str(message["To"]), str(message["Subject"])


# -- PostgreSQL ------------------------------------------------------------------------------

def _admin_url() -> URL:
    return make_url(POSTGRES_URL)


def _sqlalchemy_url(database: str, driver: str = "postgresql+psycopg") -> str:
    return _admin_url().set(drivername=driver, database=database).render_as_string(
        hide_password=False)


def _connect(database: str | None = None) -> Any:
    import psycopg

    url = _admin_url()
    return psycopg.connect(host=url.host or "127.0.0.1", port=url.port or 5432,
                           user=url.username, password=url.password,
                           dbname=database or url.database, autocommit=True, connect_timeout=5)


def _require_postgres() -> None:
    try:
        with _connect() as connection:
            connection.execute("select 1")
    except Exception as exc:  # noqa: BLE001 - any failure means: no server here
        problem = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        if IN_CI:
            pytest.fail(f"CI=true but PostgreSQL at {POSTGRES_URL} does not answer: {problem}. "
                        "Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) "
                        "main start")
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL} ({problem}); CI runs this")


def _fresh_databases() -> None:
    with _connect() as connection:
        for name in DATABASES.values():
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    with _connect(DATABASES["prefect"]) as connection:
        connection.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


# -- processes -------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _default_sigint() -> None:
    # A process started from a background job inherits SIGINT ignored; the worker turns SIGTERM
    # into SIGINT to stop, so it must have SIGINT back.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without any Prefect or tingflyt setting, plus ``extra``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PREFECT_", "TINGFLYT_"))}
    return {**env, **extra}


class Processes:
    """Every process the test starts, each in its own session; ``stop`` ends them all."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("wb") as log:
            process = subprocess.Popen(  # noqa: S603 - our own venv's executables
                args, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
                start_new_session=True, preexec_fn=_default_sigint)
        self.started[name] = process
        return process

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    def wait(self, name: str, timeout: float) -> None:
        process = self.started[name]
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{name} did not finish in {timeout:.0f} s:\n"
                                 f"{self.log(name)[-3000:]}") from None
        assert code == 0, f"{name} exited with {code}:\n{self.log(name)[-3000:]}"

    def stop(self) -> list[str]:
        """Stop the workers first, then the rest; SIGTERM, then SIGKILL after 20 s. Returns
        those that needed SIGKILL."""
        killed = []
        order = sorted(self.started, key=lambda n: (not n.startswith("worker"), n))
        for name in order:
            process = self.started[name]
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for name in order:
            process = self.started[name]
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                killed.append(name)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            # Nothing of its session may be left behind (a flow run's process included).
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, 0)
                killed.append(f"{name} (its process group)")
                os.killpg(process.pid, signal.SIGKILL)
        return killed


def _wait_healthy(processes: Processes, url: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not healthy(url):
        server = processes.started["server"]
        assert server.poll() is None, f"the Prefect server stopped:\n{processes.log('server')}"
        assert time.monotonic() < deadline, f"no Prefect server at {url}:\n" \
            f"{processes.log('server')[-3000:]}"
        time.sleep(0.25)


# -- the test ----------------------------------------------------------------------------------

@dataclass
class Timings:
    marks: list[tuple[str, float]] = field(default_factory=list)
    start: float = field(default_factory=time.monotonic)

    def mark(self, what: str) -> None:
        self.marks.append((what, time.monotonic() - self.start))
        print(f"{self.marks[-1][1]:6.1f} s  {what}", flush=True)

    def __str__(self) -> str:
        return ", ".join(f"{what} {at:.1f} s" for what, at in self.marks)


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    running = Processes(tmp_path)
    try:
        yield running
    finally:
        killed = running.stop()
        assert not killed, f"needed SIGKILL: {killed}"


def test_a_season_on_two_workers_comes_out_as_the_embedded_run(
        tmp_path: Path, processes: Processes) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.deployments import planned
    from tests.notifications.smtp_server import make_pki, running_server

    _require_postgres()
    timings = Timings()
    _fresh_databases()
    app_url, embedded_url = _sqlalchemy_url(DATABASES["app"]), \
        _sqlalchemy_url(DATABASES["embedded"])
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    home = tmp_path / "prefect-home"
    home.mkdir()
    prefect_env = _clean_env(
        PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_UI_ENABLED="false")
    processes.start("server", [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                               "--port", str(port), "--no-ui"], {
        **prefect_env,
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": _sqlalchemy_url(
            DATABASES["prefect"], "postgresql+asyncpg"),
        # The schedules are deployed, but nothing fires at the real time in this test.
        "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
    })
    # While the server migrates its database: both tingflyt databases, and the embedded season.
    for name, url in (("init-app", app_url), ("init-embedded", embedded_url)):
        processes.start(name, [str(BIN / "tingflyt"), "--now", INIT_NOW, "init"], _clean_env(
            TINGFLYT_DATABASE_URL=url, TINGFLYT_DATA_DIR=str(tmp_path / name)))
    for name in ("init-app", "init-embedded"):
        processes.wait(name, 60)
    batches = season()
    steps = [step for batch in batches for step in batch]
    run_embedded(steps, embedded_url, tmp_path / "embedded")
    timings.mark("embedded season")
    _wait_healthy(processes, api)
    timings.mark("server up")
    client_env = {**prefect_env, "PREFECT_API_URL": api}
    created = subprocess.run(  # noqa: S603
        [str(BIN / "prefect"), "work-pool", "create", "tingflyt", "--type", "process"],
        env=client_env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert created.returncode == 0, created.stdout + created.stderr
    processes.start("deploy", [str(BIN / "prefect"), "--no-prompt", "deploy", "--all"],
                    {**client_env, "TINGFLYT_ROOT": str(ROOT)})
    pki = make_pki(tmp_path / "pki")
    with running_server(pki) as smtp, temporary_settings({PREFECT_API_URL: api}):
        for worker in WORKERS:
            processes.start(f"worker-{worker}", [
                str(BIN / "prefect"), "worker", "start", "--pool", "tingflyt", "--name", worker,
                "--limit", "1"], {
                **client_env,
                "TINGFLYT_ROOT": str(ROOT),
                "PREFECT_WORKER_QUERY_SECONDS": "1",
                "TINGFLYT_DATABASE_URL": app_url,
                "TINGFLYT_DATA_DIR": str(tmp_path / "distributed"),
                "TINGFLYT_SMTP_HOST": smtp.host, "TINGFLYT_SMTP_PORT": str(smtp.port),
                "TINGFLYT_SMTP_SECURITY": "starttls", "TINGFLYT_SMTP_CA_FILE": str(pki.ca_file),
                "TINGFLYT_SMTP_TIMEOUT": "10",
            })
        processes.wait("deploy", 180)
        timings.mark("deployed")
        _check_deployments(planned())
        _wait_for_workers()
        timings.mark("workers up")
        runs = _run_season(batches)
        timings.mark("season through the workers")
        received = sorted(_mail_seen(m.data) for m in smtp.messages)
    # -- the runs: all completed, spread over both workers, clean logs, nothing else ran
    by_worker = Counter(run.labels.get("prefect.worker.name") for run, _ in runs)
    assert set(by_worker) == set(WORKERS), f"runs per worker: {dict(by_worker)}"
    with temporary_settings({PREFECT_API_URL: api}):
        _check_logs(runs)
    for name in ("server", "deploy", *(f"worker-{w}" for w in WORKERS)):
        log = processes.log(name)
        for bad in ("Traceback", "| ERROR", "| CRITICAL", "Crashed"):
            assert bad not in log, f"{bad!r} in the {name}'s log:\n{log[-3000:]}"
    # -- what the season did, and that it did it exactly as the embedded run
    distributed, embedded = snapshot(app_url), snapshot(embedded_url)
    assert not differences(distributed, embedded), "\n".join(differences(distributed, embedded))
    _check_season(distributed)
    files = sorted((tmp_path / "embedded" / "outbox").glob("*.eml"))
    assert received == sorted(_mail_seen(p.read_bytes()) for p in files)
    assert len(received) == len(distributed["outbox"])
    timings.mark("compared")
    print(f"\nscale-out: {timings}; runs per worker {dict(sorted(by_worker.items()))}")


def _check_deployments(plans: list[Any]) -> None:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        deployments = {f"{client.read_flow(d.flow_id).name}/{d.name}": d
                       for d in client.read_deployments()}
    assert set(deployments) == {p.full_name for p in plans}
    for plan in plans:
        deployment = deployments[plan.full_name]
        assert deployment.work_pool_name == "tingflyt"
        assert deployment.entrypoint == plan.entrypoint
        assert deployment.pull_steps == [{"prefect.deployments.steps.set_working_directory": {
            "directory": str(ROOT)}}]
        crons = [s.schedule for s in deployment.schedules if hasattr(s.schedule, "cron")]
        intervals = [s.schedule for s in deployment.schedules if hasattr(s.schedule, "interval")]
        assert sorted(c.cron for c in crons) == sorted(plan.crons), plan.full_name
        assert all(c.timezone == "Europe/Oslo" for c in crons), plan.full_name
        every = getattr(plan, "every", None)
        assert [i.interval.total_seconds() for i in intervals] == ([every] if every else []), \
            plan.full_name


def _wait_for_workers(timeout: float = 60.0) -> None:
    from prefect.client.orchestration import get_client

    deadline = time.monotonic() + timeout
    with get_client(sync_client=True) as client:
        while True:
            online = {w.name for w in client.read_workers_for_work_pool("tingflyt")
                      if w.status == "ONLINE"}
            if online >= set(WORKERS):
                return
            assert time.monotonic() < deadline, f"workers online: {sorted(online)}"
            time.sleep(0.25)


def _run_season(batches: list[tuple[Step, ...]]) -> list[tuple[Any, Step]]:
    """Each batch's runs submitted together, the next batch when all are done; every run must
    complete."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.deployments import run_deployment

    done: list[tuple[Any, Step]] = []
    with get_client(sync_client=True) as client:
        for batch in batches:
            submitted = {run_deployment(name=step.deployment, parameters=step.parameters(),
                                        timeout=0, as_subflow=False).id: step
                         for step in batch}
            deadline = time.monotonic() + RUN_TIMEOUT
            while True:
                runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(
                    id=FlowRunFilterId(any_=list(submitted))))
                if len(runs) == len(submitted) and all(r.state.is_final() for r in runs):
                    break
                assert time.monotonic() < deadline, \
                    f"not done in {RUN_TIMEOUT:.0f} s: {[(r.name, r.state) for r in runs]}"
                time.sleep(0.25)
            for run in runs:
                step = submitted[run.id]
                assert run.state.is_completed(), f"{step}: {run.state.type} {run.state.message}"
                done.append((run, step))
    return done


def _check_logs(runs: list[tuple[Any, Step]]) -> None:
    """No warning, error or traceback in any run's log (subflows included), and no run but
    the season's and their subflows."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        LogFilter,
        LogFilterFlowRunId,
        LogFilterLevel,
    )

    ours = {run.id for run, _ in runs}
    with get_client(sync_client=True) as client:
        every = client.read_flow_runs(limit=200)
        top = {r.id for r in every if r.deployment_id is not None}
        assert top == ours, f"runs nobody asked for: {top - ours}"
        ids = [r.id for r in every]
        assert all(r.state.is_completed() for r in every), \
            [(r.name, r.state.type) for r in every if not r.state.is_completed()]
        logs: list[Any] = []
        while page := client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=ids)),
                                       limit=200, offset=len(logs)):
            logs += page
        assert len(logs) > len(runs), "no logs from the runs"
        bad = client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=ids),
                                         level=LogFilterLevel(ge_=30)), limit=50)
    assert not bad, "\n".join(f"{log.level} {log.message}" for log in bad)
    assert not any("Traceback" in log.message for log in logs)


def _check_season(rows: dict[str, list[tuple[Any, ...]]]) -> None:
    """The season did what it says (so that equal is not equal and empty)."""
    states = {row[0]: row[4] for row in rows["cases"]}
    assert states == {"2026/1": "in_implementation", "2026/2": "in_implementation",
                      "2026/3": "on_agenda"}
    numbered = {(row[0], row[1]): f"{row[6]}/{row[5]}" for row in rows["agenda_items"]
                if row[1] is not None}
    assert numbered == {(RR, "2026/1"): "1/2026", (RR, "2026/2"): "2/2026",
                        (RR_NEXT, "2026/3"): "4/2026"}, numbered
    meetings = {row[0]: row[2] for row in rows["meetings"]}
    assert meetings[RR] == "held" and meetings[RR_NEXT] == "notified"
    outcomes = {row[0]: (row[3], row[10]) for row in rows["treatments"]}
    assert set(outcomes) == {"2026/1", "2026/2"}
    assert all(outcome == "decided" for outcome, _ in outcomes.values())
    kinds = Counter(row[1] for row in rows["outbox"])
    assert kinds["notice"] >= 2 * len(COUNCIL) and kinds["minutes"] >= len(COUNCIL), kinds
    assert {row[10] for row in rows["outbox"]} == {"sent"}
