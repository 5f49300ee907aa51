"""tingflyt benchmark (``make bench``): seven figures, each a ratio against a baseline.

Machines that run this are noisy and differ in speed, so no figure is compared with a fixed
time. Each one is measured together with a baseline in the same run, on the same machine, and
the *ratio* is what is reported and held against its goal (figure 4 has no goal: its ratio
is only reported). The script never fails because a machine is slow; it prints a table,
writes ``data/bench.json`` and exits 0. It exits 1 only if a measurement could not be made or
did the wrong work (then its figure means nothing).

1. Case transitions through the service layer vs raw SQL (goal: service >= 1/10 of raw).
   A fresh SQLite file database gets the schema (``domain.store.db.upgrade``), the organisation in
   ``config/hallingdal.toml`` and N cases brought to ``in_preparation`` by the service layer.
   The transition measured is ``recommend_case``, run as staff run it:
   ``registry.run("case.recommend", {case, text}, <chief executive>, ...)``, one
   transaction each. The SQL of one such transaction is captured (``before_cursor_execute``)
   and printed. The baseline replays the same writes with the stdlib ``sqlite3`` module on a
   byte-identical copy of the database, one ``BEGIN IMMEDIATE ... COMMIT`` per case, with the
   PRAGMAs of ``domain/db.py``: read the case row by its number (the same SELECT of the full
   row), read its open preparation deadline, UPDATE the case with the version check, UPDATE
   the deadline, INSERT the journal entry. Whatever the service does beyond that (resolving
   the actor's roles, ORM bookkeeping) is the overhead this figure shows.

2. The sweep over 1,000,000 cases vs the same sweep over 1,000 (goal: big/small <= 2x).
   ``domain.engine.sweep.sweep`` promises to cost what is due, not what is stored
   (partial indexes on ``next_check_at``). Two databases get the schema and the organisation,
   then, by bulk SQL (setup, not timed), the same number K of due cases (``registered``,
   ``next_check_at`` <= now, so the sweep has real work: assign preparation) spread among
   1,000 or 1,000,000 open cases that are not due (``in_preparation``, ``next_check_at``
   NULL, each with an open preparation deadline far in the future). The sweep is timed on
   fresh copies of each (same clock) after one untimed warm-up, and must handle exactly the K
   cases in both. The median time of each size is reported with the file sizes.

3. ``tingflyt --help`` wall time (goal: < 0.3 s). The installed console script is run 10
   times as a subprocess, interleaved with ``python -c pass`` on the same interpreter as the
   baseline; medians and their ratio are reported. This goal is absolute (a person waits for
   it); the ratio shows how much of it is tingflyt's own start-up and not the interpreter.

4. Recording an assembly meeting through the service layer vs raw SQL (goal: none, reported
   as "service speed relative to raw" = raw time / service time). Setup, untimed: a fresh
   SQLite file gets the schema and the organisation; 20 ordinary cases for the assembly are
   registered by the daily leader, recommended by a chief executive and placed by the engine
   on the council meeting RR-2026-08-27, which is held through the commands (notice by the
   sweep, the six mayors' attendance, a unanimous vote on each, which refers it); the sweep
   puts them on the assembly meeting HT-2026-12-03 and, at its notice time, freezes that
   agenda. The WAL is checkpointed and the file is the prepared meeting. The unit measured is
   one meeting recording at the meeting's start, run as staff run it with
   ``registry.run(name, input, <chair>, ...)``, one transaction per command:
   ``record_attendance`` for all 30 members (chair ``gol-ordforar``), then ``record_vote`` for
   each of the 20 cases with explicit ballots (28 for, 2 against: every ballot is written),
   21 transactions in all, on one engine for all runs (its statement cache stays warm, as in
   a running server). The baseline does the same writes with the stdlib ``sqlite3``
   module and the PRAGMAs of ``domain/db.py``, one ``BEGIN IMMEDIATE ... COMMIT`` per command:
   for the attendance, read the meeting, its seats and that the people are active, DELETE the
   meeting's old attendance, INSERT the 30 rows (one executemany), UPDATE the meeting with
   its version check, INSERT the journal entry; for each vote, read the case (full row), its
   meeting, the attendance, the agenda item, recusals, the seat count and earlier rounds,
   INSERT the proposal, its 30 ballots (one executemany) and the treatment, UPDATE the case
   (state, agenda, version check) and its external deadlines, INSERT the journal entry. The
   SQL of one service attendance and one service vote is captured (``before_cursor_execute``)
   and printed. Each run, service or raw, gets a fresh copy of the prepared file (copying is
   not timed); after untimed warm-up runs (the service twice, the second one captured), they
   alternate for ``--meeting-repeats`` runs and the medians are reported (ms per meeting,
   and split into the attendance and ms per vote). Every run must leave the same work: the
   meeting held, 30 attendance rows, 20 adopted proposals, 600 ballots (560 for, 40
   against), 20 treatments "decided" and their journal entries; otherwise the figure is
   invalid.

5. Whole-process wall time of a read and a write CLI command vs ``python -c "import
   sqlalchemy"`` (goals: read <= 2x, write <= 3x the floor). In ``tests/bench/commands.py``,
   which imports nothing of tingflyt. Setup, untimed: a data folder (``TINGFLYT_DATA_DIR``,
   ``TINGFLYT_FLOWS=direct``, no database URL, Prefect, acting person or organisation file
   from the environment), ``tingflyt --now 2026-08-03T09:00 init`` and five cases registered
   by ``dagleg-leiar``. The installed console script is then run ``--commands-runs`` times
   each, interleaved with the floor on the console script's interpreter: ``case list --json``
   (the read goal), ``case show 2026/1 --json`` (recorded) and ``--now 2026-08-03T09:00 case
   register --title "Bench N" ... --json`` (the write, a new case each run, the case flow in
   the process). Medians and ratios to the floor are reported. Every run must exit 0 and
   print its JSON, and the cases must grow by exactly the timed writes, or the figure is
   invalid. One ``-X importtime`` run per command lists the imports that cost the start-up.

6. Delivering a meeting's notice from the outbox over SMTP vs a bare ``emails`` loop (goal:
   ours <= 1.5x bare). In ``tests/bench/notices.py`` (its docstring has the details): the notice
   of HT-2026-12-03 (30 members, two cases) issued by ``meeting.notice``, its outbox rows (one per
   recipient, at least 30) delivered by ``notifications.dispatch.dispatch`` through
   ``SmtpTransport`` to a local aiosmtpd with verified STARTTLS, interleaved with the same number
   of prepared ``emails.Message`` objects of the same size sent over one connection; medians of
   ``--notices-runs``, a fresh copy of the outbox per run, the server's count checked every run.
   The time per message is split into render, compose, SMTP and database, and profiled. Then
   ``--notices-bulk`` (1,000) messages from the outbox vs the bare loop: messages per second.

7. tingflyt as Prefect runs it, against a local Prefect server started in the same run
   (``flows.runtime.prefect_api``) and local aiosmtpd servers. In ``tests/bench/deployments.py``
   (its docstring has the details). 7a: the staff form ``meeting.notice`` for HT-2026-12-03
   started as a deployment run (served from a background process with ``prefect.serve``,
   started with ``run_deployment``) to its notices accepted by the SMTP server, vs a no-op
   deployment run served the same way (goal: <= 1.3x); ``--deploy-runs`` (4) of each, interleaved,
   medians; beside it, what the goal leaves the action (0.3x the no-op), the action alone in a
   fresh interpreter with Prefect imported, and the import of its libraries alone. 7b:
   ``case_flow`` (``quick_runs()``, no heartbeat) vs ``reconcile`` directly for
   ``--case-flows`` new cases (goal: overhead < 0.2 s per case). 7c: 2,000 outbox messages by
   two dispatch worker processes (``dispatch_flow``) vs one on PostgreSQL, against an SMTP
   server answering each message in 20 ms (goal: two >= 1.7x faster; each message exactly once,
   counted by Message-ID at the server).

All databases live in a ``tempfile.TemporaryDirectory()`` under /tmp and are removed at the
end. ``--help`` of this script lists options to shrink the run (e.g. ``--big 100000``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests.bench.commands import (
    GOAL_READ_OVER_FLOOR,
    GOAL_WRITE_OVER_FLOOR,
    bench_commands,
)
from tests.bench.deployments import (
    GOAL_CASE_OVERHEAD_SECONDS,
    GOAL_NOTICE_OVER_NOOP,
    GOAL_TWO_WORKERS_SPEEDUP,
    PARTS,
    bench_deployments,
)
from tests.bench.notices import GOAL_OURS_OVER_BARE, bench_notices

ROOT = Path(__file__).resolve().parents[2]
ORG_FILE = ROOT / "config" / "hallingdal.toml"
OUT_FILE = ROOT / "data" / "bench.json"

#: The benchmark's "now": Monday 3 August 2026, 09:00 in Oslo (start of the meeting plan).
NOW = datetime(2026, 8, 3, 9, 0, tzinfo=ZoneInfo("Europe/Oslo"))
RECOMMENDATION = "Rådmannsutvalet tilrår at saka vert vedteken som lagt fram."

GOAL_SERVICE_VS_RAW = 0.10  # service transitions/s >= 1/10 of raw
GOAL_SWEEP_RATIO = 2.0  # sweep(1M) / sweep(1k) <= 2
GOAL_HELP_SECONDS = 0.30  # tingflyt --help median < 0.3 s

#: Figure 1 times service and raw in alternating blocks of this many transitions.
TRANSITION_BLOCK = 100

_T0 = time.perf_counter()


def say(message: str) -> None:
    print(f"[{time.perf_counter() - _T0:6.1f}s] {message}", flush=True)


# -- shared helpers -------------------------------------------------------------------------------

def sql_ts(value: datetime) -> str:
    """A datetime as SQLAlchemy stores it in SQLite (naive UTC text)."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def make_clock() -> Any:
    from domain.rules.calendar import FixedClock

    return FixedClock(NOW)


def cmd(engine: Any, clock: Any, name: str, actor: str, **fields: Any) -> Any:
    """Run a registered command as staff run it (one transaction); return its result."""
    from domain.commands import registry

    return registry.run(name, fields, actor, engine=engine, clock=clock).result


def fresh_database(path: Path, clock: Any) -> tuple[Any, Any]:
    """A new SQLite file with the schema and the organisation loaded, as `tingflyt init` does."""
    from config.organisation import load_organisation as read_organisation
    from domain.commands.organisation import load_organisation
    from domain.store.db import make_engine
    from domain.store.schema import upgrade
    from domain.store.uow import UnitOfWork

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    org = read_organisation(ORG_FILE)
    with UnitOfWork(engine, clock) as uow:
        load_organisation(uow, org)
        uow.commit()
    return engine, org


def settle(path: Path) -> None:
    """Fold the WAL into the main file so that the file alone is the whole database."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def flush_to_disk(path: Path) -> None:
    """fsync a file, so that a timed run does not pay for writing back an untimed copy."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_database(src: Path, dst: Path) -> None:
    settle(src)
    for suffix in ("-wal", "-shm"):
        Path(str(dst) + suffix).unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    flush_to_disk(dst)


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def raw_connect(path: Path) -> sqlite3.Connection:
    """A stdlib connection set up like ``domain.store.db`` sets up SQLAlchemy's."""
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def pick_chief_executive(org: Any) -> str:
    chiefs = {m.id: m.chief_executive for m in org.data.municipalities}
    return chiefs.get("gol") or next(iter(chiefs.values()))


def human_bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.1f} {unit}" if unit != "B" else f"{int(size)} B"
        size /= 1024
    return f"{n} B"


def classify(statement: str) -> tuple[str, str]:
    """(verb, table) of one SQL statement, for the per-transition summary."""
    text = " ".join(statement.split())
    verb = text.split(" ", 1)[0].upper()
    patterns = {"SELECT": r"\bFROM (\w+)", "UPDATE": r"^UPDATE (\w+)",
                "INSERT": r"^INSERT INTO (\w+)", "DELETE": r"^DELETE FROM (\w+)"}
    match = re.search(patterns[verb], text, re.IGNORECASE) if verb in patterns else None
    return verb, (match.group(1) if match else "")


class BenchError(RuntimeError):
    """The measurement did the wrong work; its figure is not valid."""


# -- 1. transitions: service layer vs raw SQL ------------------------------------------------

def bench_transitions(tmp: Path, n: int) -> dict[str, Any]:
    from sqlalchemy import event

    from domain.commands import registry
    from domain.engine.reconcile import reconcile_case
    from domain.store.db import make_engine
    from domain.store.tables import Case, Deadline
    from domain.store.uow import UnitOfWork

    clock = make_clock()
    path_service = tmp / "transitions-service.sqlite"
    path_raw = tmp / "transitions-raw.sqlite"
    say(f"[1] new database {path_service.name}: schema + {ORG_FILE.name}")
    engine, org = fresh_database(path_service, clock)
    director = org.data.secretariat.director
    chief = pick_chief_executive(org)
    zone = ZoneInfo(org.data.council.timezone)

    # n measured cases plus one for the captured (untimed) sample call.
    total = n + 1
    say(f"[1] registering {total} cases as {director} and starting their preparation "
        "(service layer, setup)")
    numbers: list[str] = []
    started = time.perf_counter()
    batch = 250
    for start in range(0, total, batch):
        with UnitOfWork(engine, clock) as uow:
            actor = uow.people.actor(director)
            made = []
            for i in range(start, min(start + batch, total)):
                case = registry.run_in(uow, "case.register", {
                    "title": f"Benchmarksak {i + 1}: driftstilskot", "kind": "ordinary"}, actor)
                reconcile_case(uow, case)
                made.append(case.number)
            uow.commit()
        numbers.extend(made)
    say(f"[1]   done in {time.perf_counter() - started:.1f} s")
    engine.dispose()

    check = raw_connect(path_service)
    states = dict(check.execute("SELECT state, count(*) FROM cases GROUP BY state").fetchall())
    check.close()
    if states != {"in_preparation": total}:
        raise BenchError(f"setup: expected {total} cases in_preparation, found {states}")

    copy_database(path_service, path_raw)
    say(f"[1] copied to {path_raw.name} for the raw-SQL baseline "
        f"({human_bytes(path_raw.stat().st_size)})")

    engine = make_engine(f"sqlite:///{path_service}")

    # -- capture what one transition sends to the database --------------------------------
    captured: list[tuple[str, Any]] = []

    def listener(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
                 _executemany: bool) -> None:
        captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        cmd(engine, clock, "case.recommend", chief, case=numbers[0], text=RECOMMENDATION)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    kinds = Counter(classify(s) for s, _ in captured)
    queries = sum(c for (verb, _), c in kinds.items() if verb != "BEGIN")
    say(f"[1] one recommend_case transaction sent {queries} statements (+ BEGIN IMMEDIATE, "
        "COMMIT):")
    for i, (statement, _parameters) in enumerate(captured, start=1):
        verb, table = classify(statement)
        first = " ".join(statement.split())
        if verb == "SELECT":
            first = f"SELECT ... FROM {table}" + (
                " WHERE " + first.split(" WHERE ", 1)[1] if " WHERE " in first else "")
        say(f"[1]   {i:2d}. {first[:110]}")
    writes = {(verb, table) for (verb, table) in kinds if verb in ("UPDATE", "INSERT", "DELETE")}
    replayed = {("UPDATE", "cases"), ("UPDATE", "deadlines"), ("INSERT", "journal")}
    if writes != replayed:
        say(f"[1]   WARNING: the service now writes {sorted(writes)}; the raw baseline replays "
            f"{sorted(replayed)} and may no longer be equivalent")

    # -- the service layer, one transaction per transition ----------------------------------
    # -- the raw baseline: the same reads and writes through the stdlib module -------------
    case_columns = ", ".join(f"cases.{c.name}" for c in Case.__table__.columns)
    deadline_columns = ", ".join(f"deadlines.{c.name}" for c in Deadline.__table__.columns)
    case_names = [c.name for c in Case.__table__.columns]
    col = {name: case_names.index(name) for name in
           ("id", "state", "preparation_deadline", "version")}
    deadline_names = [c.name for c in Deadline.__table__.columns]
    d_id, d_due = deadline_names.index("id"), deadline_names.index("due_date")
    select_case = f"SELECT {case_columns} FROM cases WHERE cases.year = ? AND cases.seq = ?"
    select_deadlines = (f"SELECT {deadline_columns} FROM deadlines WHERE deadlines.kind IN (?) "
                        "AND deadlines.status = ? AND deadlines.case_id = ?")
    update_case = ("UPDATE cases SET state=?, recommendation=?, recommended_at=?, "
                   "recommended_by_id=?, updated_at=?, next_check_at=?, version=? "
                   "WHERE cases.id = ? AND cases.version = ?")
    update_deadline = ("UPDATE deadlines SET status=?, closed_at=?, next_check_at=? "
                       "WHERE deadlines.id = ?")
    insert_journal = ("INSERT INTO journal (at, actor_id, actor_role, action, case_id, "
                      "meeting_id, summary, reason, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
    now_text = sql_ts(clock.now())
    today = clock.now().astimezone(zone).date().isoformat()

    conn = raw_connect(path_raw)
    version_before = conn.execute("SELECT sum(version) FROM cases").fetchone()[0]

    def raw_recommend(number: str) -> None:
        year, seq = (int(p) for p in number.split("/"))
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            row = cur.execute(select_case, (year, seq)).fetchone()
            if row is None or row[col["state"]] != "in_preparation":
                raise BenchError(f"raw: case {number} is not in preparation")
            case_id, version = row[col["id"]], row[col["version"]]
            prep = row[col["preparation_deadline"]]
            late = prep is not None and today > prep
            deadlines = cur.execute(select_deadlines, ("preparation", "open", case_id)).fetchall()
            cur.execute(update_case, ("recommended", RECOMMENDATION, now_text, chief, now_text,
                                      now_text, version + 1, case_id, version))
            if cur.rowcount != 1:
                raise BenchError(f"raw: version check failed for {number}")
            for d in deadlines:
                status = "met" if today <= d[d_due] else "missed"
                cur.execute(update_deadline, (status, now_text, None, d[d_id]))
            summary = "Tilråding lagd fram." + (f" Etter fristen {prep}." if late else "")
            cur.execute(insert_journal, (now_text, chief, "chief_executive", "case.recommend",
                                         case_id, None, summary, None,
                                         json.dumps({"late": late})))
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    raw_recommend(numbers[0])  # warm-up, like the service's captured sample call

    # -- timed: both, in alternating blocks, so that a noisy moment hits both alike --------
    def service_recommend(number: str) -> None:
        cmd(engine, clock, "case.recommend", chief, case=number, text=RECOMMENDATION)

    say(f"[1] timing {n} transitions each way, alternating blocks of {TRANSITION_BLOCK}: "
        f"service = registry.run(case.recommend) as {chief}; raw = sqlite3, one BEGIN "
        "IMMEDIATE..COMMIT each")
    service_seconds = raw_seconds = 0.0
    measured = numbers[1:]
    for start in range(0, n, TRANSITION_BLOCK):
        block = measured[start:start + TRANSITION_BLOCK]
        started = time.perf_counter()
        for number in block:
            service_recommend(number)
        service_seconds += time.perf_counter() - started
        started = time.perf_counter()
        for number in block:
            raw_recommend(number)
        raw_seconds += time.perf_counter() - started
        done = start + len(block)
        if done % (TRANSITION_BLOCK * 5) == 0 or done == n:
            say(f"[1]   {done}/{n}: service {done / service_seconds:,.0f}/s, "
                f"raw {done / raw_seconds:,.0f}/s")
    engine.dispose()
    say(f"[1]   service {service_seconds:.2f} s = {n / service_seconds:,.0f} transitions/s; "
        f"raw {raw_seconds:.2f} s = {n / raw_seconds:,.0f} transitions/s")

    # -- both did the same work? ------------------------------------------------------------
    def outcome(c: sqlite3.Connection) -> dict[str, Any]:
        return {
            "cases": dict(c.execute("SELECT state, count(*) FROM cases GROUP BY state")),
            "preparation_deadlines": dict(c.execute(
                "SELECT status, count(*) FROM deadlines WHERE kind = 'preparation' "
                "GROUP BY status")),
            "journal_recommend": c.execute(
                "SELECT count(*) FROM journal WHERE action = 'case.recommend'").fetchone()[0],
            "version_sum": c.execute("SELECT sum(version) FROM cases").fetchone()[0],
        }

    raw_result = outcome(conn)
    conn.close()
    check = raw_connect(path_service)
    service_result = outcome(check)
    check.close()
    for key in ("cases", "preparation_deadlines", "journal_recommend"):
        if service_result[key] != raw_result[key]:
            raise BenchError(f"service and raw differ in {key}: {service_result[key]} vs "
                             f"{raw_result[key]}")
    if raw_result["cases"] != {"recommended": total}:
        raise BenchError(f"expected {total} recommended cases, found {raw_result['cases']}")
    bumps_service = (service_result["version_sum"] - version_before) / total
    bumps_raw = (raw_result["version_sum"] - version_before) / total
    say(f"[1]   same end state in both databases; case version +{bumps_service:g} per "
        f"transition via the service, +{bumps_raw:g} raw")

    service_rate, raw_rate = n / service_seconds, n / raw_seconds
    ratio = service_rate / raw_rate
    for path in (path_service, path_raw):
        remove_database(path)
    return {
        "transitions": n,
        "actor": chief,
        "service": {"seconds": service_seconds, "per_second": service_rate,
                    "ms_per_transition": 1000 * service_seconds / n},
        "raw": {"seconds": raw_seconds, "per_second": raw_rate,
                "ms_per_transition": 1000 * raw_seconds / n},
        "ratio_service_over_raw": ratio,
        "goal": f"service/raw >= {GOAL_SERVICE_VS_RAW:g}",
        "goal_met": ratio >= GOAL_SERVICE_VS_RAW,
        "statements_per_transition": {
            "total_excluding_begin": queries,
            "by_kind": {f"{verb} {table}".strip(): count
                        for (verb, table), count in sorted(kinds.items())},
            "sql": [{"statement": " ".join(s.split())[:300], "parameters": repr(p)[:300]}
                    for s, p in captured],
        },
        "raw_statements_per_transition": {"SELECT cases": 1, "SELECT deadlines": 1,
                                          "UPDATE cases": 1, "UPDATE deadlines": 1,
                                          "INSERT journal": 1},
        "case_version_increment_per_transition": {"service": bumps_service, "raw": bumps_raw},
    }


# -- 2. the sweep: 1,000,000 cases vs 1,000 --------------------------------------------------

CASE_INSERT_COLUMNS = (
    "id", "year", "seq", "title", "description", "kind", "state", "competent_body_id",
    "current_body_id", "decision_basis", "competence_reason", "origin",
    "origin_municipality_id", "proposed_by_id", "lead_id", "principled", "exempt_basis",
    "exempt_offl_section", "public_title", "external_deadline", "urgent", "urgency_reason",
    "urgency_options", "preparation_deadline", "target_meeting_id", "agenda_meeting_id",
    "recommendation", "recommended_at", "recommended_by_id", "hold", "hold_reason",
    "related_case_id", "closed_reason", "registered_at", "updated_at", "next_check_at",
    "version",
)
DEADLINE_INSERT_COLUMNS = (
    "kind", "case_id", "meeting_id", "due_date", "due_at", "remind_at", "status",
    "reminded_at", "closed_at", "owner_id", "note", "next_check_at",
)


def due_positions(total: int, due: int) -> set[int]:
    """Case ids of the due cases, spread evenly through the table (not bunched at one end)."""
    if due > total:
        raise ValueError("more due cases than cases")
    return {int((j + 0.5) * total / due) + 1 for j in range(due)}


def fill_cases(path: Path, idle: int, due: int, now: datetime) -> dict[str, Any]:
    """Bulk-insert ``idle`` open cases that are not due and ``due`` cases that are."""
    from domain.store.tables import Case

    conn = sqlite3.connect(path, isolation_level=None)
    try:
        # Setup only: no rollback journal and no fsync while loading; WAL again afterwards.
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA cache_size=-262144")
        conn.execute("PRAGMA temp_store=MEMORY")
        if conn.execute("SELECT count(*) FROM cases").fetchone()[0]:
            raise BenchError(f"{path.name} already has cases")
        schema_columns = {c.name for c in Case.__table__.columns}
        if set(CASE_INSERT_COLUMNS) != schema_columns:
            raise BenchError("the cases table changed: update CASE_INSERT_COLUMNS "
                             f"(missing {sorted(schema_columns - set(CASE_INSERT_COLUMNS))})")
        body_id, body_name = conn.execute(
            "SELECT id, name FROM bodies WHERE kind = 'council'").fetchone()
        director = conn.execute("SELECT director_id FROM council").fetchone()[0]
        zone = ZoneInfo(conn.execute("SELECT timezone FROM council").fetchone()[0])

        year = now.astimezone(zone).year
        registered = sql_ts(now - timedelta(days=30))
        due_check = sql_ts(now - timedelta(minutes=5))
        far_day = date(now.year + 4, 6, 28)  # a deadline years away, as "not due" as it gets
        far_due_at = sql_ts(datetime.combine(far_day + timedelta(days=1), datetime.min.time(),
                                             tzinfo=zone))
        far_remind = sql_ts(datetime.combine(far_day - timedelta(days=3),
                                             datetime.min.time().replace(hour=8), tzinfo=zone))
        reason = f"«ordinær sak» er sak for {body_name}."
        base = {
            "year": year, "description": None, "kind": "ordinary",
            "competent_body_id": body_id, "current_body_id": body_id,
            "decision_basis": "ordinary", "competence_reason": reason, "origin": "director",
            "origin_municipality_id": None, "proposed_by_id": director, "lead_id": director,
            "principled": 0, "exempt_basis": None, "exempt_offl_section": None,
            "public_title": None, "external_deadline": None, "urgent": 0,
            "urgency_reason": None, "urgency_options": None, "target_meeting_id": None,
            "agenda_meeting_id": None, "recommendation": None, "recommended_at": None,
            "recommended_by_id": None, "hold": 0, "hold_reason": None,
            "related_case_id": None, "closed_reason": None, "registered_at": registered,
            "updated_at": registered, "version": 1,
        }
        idle_row = dict(base, state="in_preparation", preparation_deadline=far_day.isoformat(),
                        next_check_at=None)
        due_row = dict(base, state="registered", preparation_deadline=None,
                       next_check_at=due_check)
        varying = ("id", "seq", "title")
        idle_template = [idle_row.get(c) for c in CASE_INSERT_COLUMNS]
        due_template = [due_row.get(c) for c in CASE_INSERT_COLUMNS]
        slots = [CASE_INSERT_COLUMNS.index(c) for c in varying]

        total = idle + due
        due_ids = due_positions(total, due)

        def rows() -> Iterator[tuple[Any, ...]]:
            i_id, i_seq, i_title = slots
            for case_id in range(1, total + 1):
                row = (due_template if case_id in due_ids else idle_template).copy()
                row[i_id] = case_id
                row[i_seq] = case_id
                row[i_title] = f"Sak {year}/{case_id}: søknad om tilskot"
                yield tuple(row)

        deadline_template = (
            "preparation", None, None, far_day.isoformat(), far_due_at, far_remind, "open",
            None, None, director, "Tilråding (fyllsak for benchmark)", far_remind)

        def deadline_rows() -> Iterator[tuple[Any, ...]]:
            for case_id in range(1, total + 1):
                if case_id not in due_ids:
                    row = list(deadline_template)
                    row[1] = case_id
                    yield tuple(row)

        started = time.perf_counter()
        conn.execute("BEGIN")
        conn.executemany(
            f"INSERT INTO cases ({', '.join(CASE_INSERT_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(CASE_INSERT_COLUMNS))})", rows())
        conn.executemany(
            f"INSERT INTO deadlines ({', '.join(DEADLINE_INSERT_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(DEADLINE_INSERT_COLUMNS))})", deadline_rows())
        conn.execute(
            "INSERT INTO counters (name, year, value) VALUES ('case', ?, ?) "
            "ON CONFLICT (name, year) DO UPDATE SET value = excluded.value", (year, total))
        conn.execute("COMMIT")
        seconds = time.perf_counter() - started
        conn.execute("PRAGMA journal_mode=WAL")
        counts = {
            "cases_not_due": conn.execute(
                "SELECT count(*) FROM cases WHERE state = 'in_preparation' "
                "AND next_check_at IS NULL").fetchone()[0],
            "cases_due": conn.execute(
                "SELECT count(*) FROM cases WHERE next_check_at <= ?",
                (sql_ts(now),)).fetchone()[0],
        }
    finally:
        conn.close()
    if counts != {"cases_not_due": idle, "cases_due": due}:
        raise BenchError(f"{path.name}: bulk load gave {counts}")
    return {"seconds": seconds, **counts}


def timed_sweep(path: Path, expected: int) -> dict[str, Any]:
    from domain.engine.sweep import sweep
    from domain.store.db import make_engine

    engine = make_engine(f"sqlite:///{path}")
    try:
        clock = make_clock()
        started = time.perf_counter()
        report = sweep(engine, clock)
        seconds = time.perf_counter() - started
    finally:
        engine.dispose()
    if len(report.cases) != expected or report.problems:
        raise BenchError(f"sweep on {path.name} handled {len(report.cases)} cases (expected "
                         f"{expected}); problems: {report.problems[:3]}")
    return {"seconds": seconds, "cases": len(report.cases), "looked_at": report.looked_at,
            "deadlines": len(report.deadlines), "meetings": len(report.meetings)}


def bench_sweep(tmp: Path, big: int, small: int, due: int, repeats: int) -> dict[str, Any]:
    clock = make_clock()
    template = tmp / "sweep-template.sqlite"
    say(f"[2] new database {template.name}: schema + {ORG_FILE.name}")
    engine, _org = fresh_database(template, clock)
    engine.dispose()
    settle(template)

    sizes: dict[str, Any] = {}
    pristine: dict[str, Path] = {}
    for label, idle in (("small", small), ("big", big)):
        path = tmp / f"sweep-{label}.sqlite"
        copy_database(template, path)
        say(f"[2] bulk-inserting {idle:,} open cases not due (+ their deadlines) and {due} due "
            f"cases into {path.name} (setup, untimed)")
        loaded = fill_cases(path, idle, due, clock.now())
        settle(path)
        flush_to_disk(path)
        size = path.stat().st_size
        say(f"[2]   {loaded['seconds']:.1f} s, file {human_bytes(size)}")
        sizes[label] = {"cases_not_due": idle, "cases_due": due, "file_bytes": size,
                        "load_seconds": loaded["seconds"]}
        pristine[label] = path
    remove_database(template)

    work = tmp / "sweep-work.sqlite"

    def once(label: str) -> dict[str, Any]:
        copy_database(pristine[label], work)
        try:
            return timed_sweep(work, due)
        finally:
            remove_database(work)

    say("[2] warm-up sweep on a copy of the small database (untimed)")
    once("small")
    runs: dict[str, list[dict[str, Any]]] = {"small": [], "big": []}
    for r in range(repeats):
        for label in ("small", "big"):
            result = once(label)
            runs[label].append(result)
            say(f"[2]   sweep {label} #{r + 1} on a fresh copy: {result['seconds']:.2f} s "
                f"({result['cases']} cases reconciled, {result['looked_at']} rows looked at)")
    for path in pristine.values():
        remove_database(path)
    small_s = statistics.median(x["seconds"] for x in runs["small"])
    big_s = statistics.median(x["seconds"] for x in runs["big"])
    ratio = big_s / small_s
    return {
        "due_cases": due,
        "repeats": repeats,
        "small": {**sizes["small"], "median_seconds": small_s,
                  "seconds": [x["seconds"] for x in runs["small"]],
                  "ms_per_due_case": 1000 * small_s / due},
        "big": {**sizes["big"], "median_seconds": big_s,
                "seconds": [x["seconds"] for x in runs["big"]],
                "ms_per_due_case": 1000 * big_s / due},
        "ratio_big_over_small": ratio,
        "goal": f"big/small <= {GOAL_SWEEP_RATIO:g}",
        "goal_met": ratio <= GOAL_SWEEP_RATIO,
    }


# -- 3. tingflyt --help -----------------------------------------------------------------------

def tingflyt_script() -> Path:
    for candidate in (ROOT / ".venv" / "bin" / "tingflyt",
                      Path(sys.executable).parent / "tingflyt"):
        if candidate.exists():
            return candidate
    found = shutil.which("tingflyt")
    if found is None:
        raise BenchError("the tingflyt console script is not installed (run `make install`)")
    return Path(found)


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          cwd=ROOT, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchError(f"{' '.join(command)} exited {done.returncode}: "
                         f"{done.stderr.decode(errors='replace')[-300:]}")
    return seconds


def bench_help(runs: int) -> dict[str, Any]:
    script = tingflyt_script()
    help_cmd = [str(script), "--help"]
    bare_cmd = [sys.executable, "-c", "pass"]
    say(f"[3] {script} --help vs {sys.executable} -c pass, {runs} runs each (interleaved)")
    wall(help_cmd)  # warm the file cache once; not counted
    wall(bare_cmd)
    help_times, bare_times = [], []
    for _ in range(runs):
        help_times.append(wall(help_cmd))
        bare_times.append(wall(bare_cmd))
    help_s, bare_s = statistics.median(help_times), statistics.median(bare_times)
    say(f"[3]   median {help_s * 1000:.0f} ms vs {bare_s * 1000:.0f} ms")
    return {
        "runs": runs,
        "command": " ".join(help_cmd),
        "median_seconds": help_s,
        "seconds": help_times,
        "baseline_command": " ".join(bare_cmd),
        "baseline_median_seconds": bare_s,
        "baseline_seconds": bare_times,
        "ratio_help_over_bare": help_s / bare_s,
        "goal": f"median < {GOAL_HELP_SECONDS:g} s",
        "goal_met": help_s < GOAL_HELP_SECONDS,
    }


# -- 4. recording a meeting: service layer vs raw SQL -----------------------------------------

#: The council meeting that prepares the cases and the assembly meeting that decides them.
COUNCIL_MEETING = "RR-2026-08-27"
ASSEMBLY_MEETING = "HT-2026-12-03"
#: Cases decided in the recorded assembly meeting.
MEETING_CASES = 20
#: Ballots against in each vote (the rest of the members present vote for).
VOTES_AGAINST = 2


def collapse(captured: list[tuple[str, Any]]) -> list[tuple[int, str]]:
    """Consecutive identical statements folded into one line with a count."""
    out: list[tuple[int, str]] = []
    for statement, _parameters in captured:
        text = " ".join(statement.split())
        if out and out[-1][1] == text:
            out[-1] = (out[-1][0] + 1, text)
        else:
            out.append((1, text))
    return out


def short_sql(text: str) -> str:
    verb, table = classify(text)
    if verb == "SELECT":
        head = text.split(" FROM ", 1)[0]
        what = "count(...)" if "count(" in head.lower() else (
            head[len("SELECT "):] if head.count(",") < 2 else "...")
        text = f"SELECT {what} FROM {table}" + (
            " WHERE " + text.split(" WHERE ", 1)[1] if " WHERE " in text else "")
    elif verb == "INSERT":
        text = text.split(" VALUES ", 1)[0] + (" ... RETURNING id" if " RETURNING " in text
                                               else "")
    return text


def split_commands(captured: list[tuple[str, Any]]) -> list[list[tuple[str, Any]]]:
    """The statements of consecutive transactions, cut at each BEGIN."""
    commands: list[list[tuple[str, Any]]] = []
    for statement, parameters in captured:
        if statement.strip().upper().startswith("BEGIN") or not commands:
            commands.append([])
        commands[-1].append((statement, parameters))
    return commands


def meeting_outcome(path: Path, meeting_id: int) -> dict[str, Any]:
    """What a recorded meeting left in the database (the same query for service and raw)."""
    conn = raw_connect(path)

    def one(sql: str, *args: Any) -> Any:
        return conn.execute(sql, args).fetchone()[0]

    try:
        return {
            "meeting_status": one("SELECT status FROM meetings WHERE id = ?", meeting_id),
            "attendances": one("SELECT count(*) FROM attendances WHERE meeting_id = ?",
                               meeting_id),
            "chairs": one("SELECT count(*) FROM attendances WHERE meeting_id = ? AND chair",
                          meeting_id),
            "proposals_adopted": one("SELECT count(*) FROM proposals WHERE meeting_id = ? "
                                     "AND result = 'adopted'", meeting_id),
            "ballots": dict(conn.execute(
                "SELECT ballots.choice, count(*) FROM ballots JOIN proposals "
                "ON proposals.id = ballots.proposal_id WHERE proposals.meeting_id = ? "
                "GROUP BY ballots.choice", (meeting_id,))),
            "treatments": dict(conn.execute(
                "SELECT outcome, count(*) FROM treatments WHERE meeting_id = ? "
                "GROUP BY outcome", (meeting_id,))),
            "cases": dict(conn.execute(
                "SELECT state, count(*) FROM cases GROUP BY state")),
            "cases_still_on_agenda": one("SELECT count(*) FROM cases WHERE "
                                         "agenda_meeting_id = ?", meeting_id),
            "journal": dict(conn.execute(
                "SELECT action, count(*) FROM journal WHERE meeting_id = ? AND action IN "
                "('meeting.attendance', 'case.outcome') GROUP BY action", (meeting_id,))),
            "case_version_sum": one("SELECT sum(version) FROM cases"),
            "meeting_version": one("SELECT version FROM meetings WHERE id = ?", meeting_id),
        }
    finally:
        conn.close()


def bench_meeting(tmp: Path, repeats: int) -> dict[str, Any]:
    from sqlalchemy import event, select

    from domain.engine.reconcile import reconcile_case
    from domain.engine.sweep import sweep
    from domain.operations.substitutes import seats_of
    from domain.store.db import make_engine
    from domain.store.tables import Case
    from domain.store.uow import UnitOfWork

    clock = make_clock()
    prepared = tmp / "meeting-prepared.sqlite"
    work = tmp / "meeting-work.sqlite"
    say(f"[4] new database {prepared.name}: schema + {ORG_FILE.name}")
    setup_engine, org = fresh_database(prepared, clock)
    director = org.data.secretariat.director
    chief = pick_chief_executive(org)

    def meeting_facts(ref: str) -> dict[str, Any]:
        with UnitOfWork(setup_engine, clock, readonly=True) as uow:
            m = uow.meetings.get(ref)
            return {"id": m.id, "body": m.body_id, "status": m.status, "notice_at": m.notice_at,
                    "starts_at": m.starts_at, "chair": uow.bodies.get(m.body_id).chair_id,
                    "members": [s.member_id for s in seats_of(uow, m.body_id)]}

    def on_agenda(meeting_id: int) -> list[str]:
        with UnitOfWork(setup_engine, clock, readonly=True) as uow:
            rows = uow.session.scalars(select(Case).where(Case.agenda_meeting_id == meeting_id)
                                       .order_by(Case.year, Case.seq))
            return [c.number for c in rows]

    # -- setup (untimed): cases for the assembly, through the council, onto its agenda -----
    say(f"[4] setup: {MEETING_CASES} cases for the assembly registered by {director}, "
        f"recommended by {chief}, referred by {COUNCIL_MEETING}, frozen on {ASSEMBLY_MEETING}")
    started = time.perf_counter()
    numbers = []
    for i in range(MEETING_CASES):
        case = cmd(setup_engine, clock, "case.register", director,
                   title=f"Benchmarksak {i + 1} for Hallingtinget: felles tenester",
                   kind="ordinary", body="assembly")
        with UnitOfWork(setup_engine, clock) as uow:
            reconcile_case(uow, uow.cases.get(case.number))
            uow.commit()
        numbers.append(case.number)
    for number in numbers:
        cmd(setup_engine, clock, "case.recommend", chief, case=number, text=RECOMMENDATION)
        with UnitOfWork(setup_engine, clock) as uow:
            reconcile_case(uow, uow.cases.get(number))
            uow.commit()
    council = meeting_facts(COUNCIL_MEETING)
    if on_agenda(council["id"]) != numbers:
        raise BenchError(f"setup: the {MEETING_CASES} cases are not on {COUNCIL_MEETING}")
    clock.set(council["notice_at"])
    sweep(setup_engine, clock)
    clock.set(council["starts_at"])
    sweep(setup_engine, clock)
    cmd(setup_engine, clock, "meeting.attend", council["chair"], meeting=COUNCIL_MEETING,
        present=council["members"], chair=council["chair"])
    for number in numbers:
        cmd(setup_engine, clock, "case.vote", council["chair"], case=number, unanimous=True)
    sweep(setup_engine, clock)  # the referred cases go on the assembly's next meeting
    assembly = meeting_facts(ASSEMBLY_MEETING)
    if on_agenda(assembly["id"]) != numbers:
        raise BenchError(f"setup: the referred cases are not on {ASSEMBLY_MEETING}")
    clock.set(assembly["notice_at"])
    sweep(setup_engine, clock)  # notice: the agenda is frozen and numbered
    clock.set(assembly["starts_at"])
    sweep(setup_engine, clock)
    assembly = meeting_facts(ASSEMBLY_MEETING)
    if assembly["status"] != "notified" or on_agenda(assembly["id"]) != numbers:
        raise BenchError(f"setup: {ASSEMBLY_MEETING} is {assembly['status']}, not notified with "
                         f"the {MEETING_CASES} cases on its agenda")
    setup_engine.dispose()
    settle(prepared)
    flush_to_disk(prepared)
    say(f"[4]   done in {time.perf_counter() - started:.1f} s; {prepared.name} "
        f"({human_bytes(prepared.stat().st_size)}) is the meeting as it starts")

    meeting_id = assembly["id"]
    members = assembly["members"]
    chair = assembly["chair"]
    if chair not in members:
        raise BenchError(f"the assembly's chair {chair} is not one of its members")
    against = [m for m in members if m != chair][-VOTES_AGAINST:]
    ballots = {m: ("against" if m in against else "for") for m in members}
    n_members, n_cases = len(members), len(numbers)
    expected = {
        "meeting_status": "held", "attendances": n_members, "chairs": 1,
        "proposals_adopted": n_cases,
        "ballots": {"for": n_cases * (n_members - VOTES_AGAINST),
                    "against": n_cases * VOTES_AGAINST},
        "treatments": {"decided": n_cases}, "cases_still_on_agenda": 0,
        "journal": {"meeting.attendance": 1, "case.outcome": n_cases},
    }

    def check_work(label: str, got: dict[str, Any]) -> None:
        wrong = {k: (got[k], v) for k, v in expected.items() if got[k] != v}
        if got["cases"].get("decided") != n_cases:
            wrong["cases"] = (got["cases"], f"{n_cases} decided")
        if wrong:
            raise BenchError(f"{label}: wrong work (got, expected): {wrong}")

    # -- the service layer: one transaction per command, as staff run them ------------------
    engine = make_engine(f"sqlite:///{work}")  # one engine: its statement cache stays warm

    def service_meeting() -> tuple[float, float]:
        started = time.perf_counter()
        cmd(engine, clock, "meeting.attend", chair, meeting=ASSEMBLY_MEETING, present=members,
            chair=chair)
        attended = time.perf_counter()
        for number in numbers:
            cmd(engine, clock, "case.vote", chair, case=number, ballots=ballots)
        done = time.perf_counter()
        return attended - started, done - attended

    # -- the raw baseline: the same writes through the stdlib module ------------------------
    now_text = sql_ts(clock.now())
    zone = ZoneInfo(org.data.council.timezone)
    today = clock.now().astimezone(zone).date().isoformat()
    select_meeting = ("SELECT meetings.id, meetings.body_id, meetings.status, meetings.starts_at, "
                      "meetings.version, meetings.day, bodies.short_name FROM meetings "
                      "JOIN bodies ON bodies.id = meetings.body_id WHERE meetings.{} = ?")
    select_meeting_by_ref = select_meeting.format("ref")
    select_meeting_by_id = select_meeting.format("id")
    select_seats = ("SELECT person_id FROM memberships WHERE body_id = ? AND role = 'member' "
                    "ORDER BY municipality_id, rank")
    select_active = "SELECT id FROM people WHERE active AND id IN ({})"
    delete_attendance = "DELETE FROM attendances WHERE meeting_id = ?"
    insert_attendance = ("INSERT INTO attendances (meeting_id, person_id, seat_id, role, "
                         "from_position, to_position, chair, recorded_by, recorded_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
    update_meeting = ("UPDATE meetings SET status=?, agenda_changed_at=?, version=? "
                      "WHERE meetings.id = ? AND meetings.version = ?")
    case_columns = ", ".join(f"cases.{c.name}" for c in Case.__table__.columns)
    case_names = [c.name for c in Case.__table__.columns]
    col = {name: case_names.index(name) for name in
           ("id", "state", "agenda_meeting_id", "version", "recommendation",
            "competent_body_id", "decision_basis")}
    select_case = f"SELECT {case_columns} FROM cases WHERE cases.year = ? AND cases.seq = ?"
    select_attendance = ("SELECT person_id, seat_id, from_position, to_position, chair "
                         "FROM attendances WHERE meeting_id = ?")
    select_item = "SELECT id, position FROM agenda_items WHERE meeting_id = ? AND case_id = ?"
    select_recused = ("SELECT person_id FROM absences WHERE meeting_id = ? AND case_id = ? "
                      "AND kind = 'case' AND withdrawn_at IS NULL")
    count_seats = "SELECT count(*) FROM memberships WHERE body_id = ? AND role = 'member'"
    count_rounds = "SELECT count(id) FROM proposals WHERE case_id = ? AND meeting_id = ?"
    insert_proposal = ("INSERT INTO proposals (meeting_id, case_id, kind, round, text, "
                       "proposer_id, candidates, result, explanation, votes_for, votes_against, "
                       "votes_blank, casting_vote, chair_id, elected, drawn_among, recorded_at, "
                       "recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    insert_ballot = ("INSERT INTO ballots (proposal_id, voter_id, seat_id, choice, candidate) "
                     "VALUES (?, ?, ?, ?, ?)")
    insert_treatment = ("INSERT INTO treatments (case_id, body_id, meeting_id, agenda_item_id, "
                        "outcome, basis, text, authoritative, recorded_at, recorded_by_id, "
                        "recorded_role, proposal_id, vote_summary) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
    update_case = ("UPDATE cases SET state=?, agenda_meeting_id=?, updated_at=?, "
                   "next_check_at=?, version=? WHERE cases.id = ? AND cases.version = ?")
    update_deadlines = ("UPDATE deadlines SET status=CASE WHEN (deadlines.due_date >= ?) THEN ? "
                        "ELSE ? END, closed_at=?, next_check_at=? WHERE deadlines.case_id = ? "
                        "AND deadlines.kind IN (?) AND deadlines.status = ?")
    insert_journal = ("INSERT INTO journal (at, actor_id, actor_role, action, case_id, "
                      "meeting_id, summary, reason, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")

    def label_of(short_name: str, day: str) -> str:
        return f"{short_name} {date.fromisoformat(day).strftime('%d.%m.%Y')}"

    def raw_attendance(conn: sqlite3.Connection) -> None:
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            m_id, body_id, status, starts_at, version, day, short = cur.execute(
                select_meeting_by_ref, (ASSEMBLY_MEETING,)).fetchone()
            if status not in ("notified", "held") or now_text < starts_at:
                raise BenchError(f"raw: {ASSEMBLY_MEETING} is not in session")
            seats = [r[0] for r in cur.execute(select_seats, (body_id,))]
            active = {r[0] for r in cur.execute(
                select_active.format(", ".join("?" * len(members))), members)}
            if set(members) - set(seats) or set(members) - active or chair not in members:
                raise BenchError("raw: the attendance does not fit the seats")
            cur.execute(delete_attendance, (m_id,))
            cur.executemany(insert_attendance, [
                (m_id, p, p, "member", None, None, int(p == chair), chair, now_text)
                for p in members])
            cur.execute(update_meeting, ("held", now_text, version + 1, m_id, version))
            if cur.rowcount != 1:
                raise BenchError("raw: version check failed for the meeting")
            cur.execute(insert_journal, (
                now_text, chair, "chair", "meeting.attendance", None, m_id,
                f"Frammøte ført for {label_of(short, day)} ({ASSEMBLY_MEETING}): "
                f"{len(members)} av {len(seats)} plassar dekte.", None,
                json.dumps({"sitting": {p: p for p in members}, "chair": chair})))
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    def raw_vote(conn: sqlite3.Connection, number: str) -> None:
        year, seq = (int(p) for p in number.split("/"))
        cur = conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            row = cur.execute(select_case, (year, seq)).fetchone()
            if row is None or row[col["state"]] != "on_agenda" \
                    or row[col["agenda_meeting_id"]] is None:
                raise BenchError(f"raw: case {number} is not on an agenda")
            case_id, version = row[col["id"]], row[col["version"]]
            m_id, body_id, status, starts_at, _m_version, day, short = cur.execute(
                select_meeting_by_id, (row[col["agenda_meeting_id"]],)).fetchone()
            if status not in ("notified", "held") or now_text < starts_at:
                raise BenchError(f"raw: the meeting of case {number} is not in session")
            if row[col["competent_body_id"]] != body_id:
                raise BenchError(f"raw: case {number} is not decided by {body_id}")
            attendance = cur.execute(select_attendance, (m_id,)).fetchall()
            item_id, position = cur.execute(select_item, (m_id, case_id)).fetchone()
            recused = {r[0] for r in cur.execute(select_recused, (m_id, case_id))}
            seats = cur.execute(count_seats, (body_id,)).fetchone()[0]
            sitting = {p: s for p, s, first, last, _c in attendance
                       if s is not None and p not in recused
                       and (first is None or position >= first)
                       and (last is None or position <= last)}
            leader = next((p for p, _s, _f, _l, is_chair in attendance if is_chair), None)
            if set(ballots) != set(sitting) or len(sitting) < (seats + 1) // 2:
                raise BenchError(f"raw: the ballots in case {number} do not fit who is present")
            votes_for = sum(1 for c in ballots.values() if c == "for")
            votes_against = len(ballots) - votes_for
            if votes_for <= votes_against:
                raise BenchError(f"raw: case {number} would not be adopted")
            rounds = cur.execute(count_rounds, (case_id, m_id)).fetchone()[0]
            text = row[col["recommendation"]]
            cur.execute(insert_proposal, (
                m_id, case_id, "proposal", rounds + 1, text, None, "null", "adopted",
                f"Vedteke med {votes_for} mot {votes_against} røyster (kommunelova § 11-9).",
                votes_for, votes_against, 0, 0, leader, None, "null", now_text, chair))
            proposal_id = cur.lastrowid
            cur.executemany(insert_ballot, [(proposal_id, p, sitting[p], c, None)
                                            for p, c in ballots.items()])
            summary = f"Røysting: {votes_for} for, {votes_against} mot."
            basis = row[col["decision_basis"]]
            cur.execute(insert_treatment, (
                case_id, body_id, m_id, item_id, "decided", basis, text, 1, now_text, chair,
                "chair", proposal_id, summary))
            cur.execute(update_case, ("decided", None, now_text, now_text, version + 1,
                                      case_id, version))
            if cur.rowcount != 1:
                raise BenchError(f"raw: version check failed for {number}")
            cur.execute(update_deadlines, (today, "met", "missed", now_text, None, case_id,
                                           "external", "open"))
            cur.execute(insert_journal, (
                now_text, chair, "chair", "case.outcome", case_id, m_id,
                f"{label_of(short, day)}: vedteke. {summary}", None,
                json.dumps({"outcome": "decided", "basis": basis, "authoritative": True})))
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise

    def raw_meeting(conn: sqlite3.Connection) -> tuple[float, float]:
        started = time.perf_counter()
        raw_attendance(conn)
        attended = time.perf_counter()
        for number in numbers:
            raw_vote(conn, number)
        done = time.perf_counter()
        return attended - started, done - attended

    raw_statements = {
        "attendance": {"SELECT meetings (+ bodies)": 1, "SELECT memberships": 1,
                       "SELECT people (IN list)": 1, "DELETE attendances": 1,
                       f"INSERT attendances (executemany, {n_members} rows)": 1,
                       "UPDATE meetings": 1, "INSERT journal": 1},
        "vote": {"SELECT cases": 1, "SELECT meetings (+ bodies)": 1, "SELECT attendances": 1,
                 "SELECT agenda_items": 1, "SELECT absences": 1, "SELECT memberships (count)": 1,
                 "SELECT proposals (count)": 1, "INSERT proposals": 1,
                 f"INSERT ballots (executemany, {n_members} rows)": 1, "INSERT treatments": 1,
                 "UPDATE cases": 1, "UPDATE deadlines": 1, "INSERT journal": 1},
    }

    # -- untimed runs of each: capture what the service sends; check both do the work -------
    def fresh(path: Path) -> None:
        engine.dispose()
        copy_database(prepared, path)

    clock.set(assembly["starts_at"])
    before = meeting_outcome(prepared, meeting_id)
    if before["attendances"] or before["proposals_adopted"] or before["treatments"]:
        raise BenchError(f"setup: {ASSEMBLY_MEETING} already has attendance or votes: {before}")
    # A warm-up first (statement cache, the chair's roles), so that the capture shows what
    # the timed runs send.
    fresh(work)
    service_meeting()
    engine.dispose()
    check_work("service (warm-up)", meeting_outcome(work, meeting_id))
    fresh(work)
    captured: list[tuple[str, Any]] = []

    def listener(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
                 _executemany: bool) -> None:
        captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        service_meeting()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    engine.dispose()
    check_work("service (captured)", meeting_outcome(work, meeting_id))
    commands = split_commands(captured)
    if len(commands) != 1 + n_cases:
        raise BenchError(f"expected {1 + n_cases} transactions, captured {len(commands)}")
    per_command: dict[str, Any] = {}
    for name, sample in (("attendance", commands[0]), ("vote", commands[1])):
        kinds = Counter(classify(s) for s, _ in sample)
        queries = sum(c for (verb, _), c in kinds.items() if verb != "BEGIN")
        say(f"[4] one {'record_attendance' if name == 'attendance' else 'record_vote'} "
            f"transaction ({n_members} members) sent {queries} statements (+ BEGIN IMMEDIATE, "
            "COMMIT):")
        for i, (count, text) in enumerate(collapse(sample), start=1):
            say(f"[4]   {i:2d}. {f'{count} x ' if count > 1 else ''}{short_sql(text)[:110]}")
        per_command[name] = {
            "total_excluding_begin": queries,
            "by_kind": {f"{verb} {table}".strip(): count
                        for (verb, table), count in sorted(kinds.items())},
            "sql": [{"count": count, "statement": text[:300]}
                    for count, text in collapse(sample)],
        }
    votes_total = [sum(1 for s, _ in c if not s.strip().upper().startswith("BEGIN"))
                   for c in commands[1:]]
    writes = {classify(s) for c in commands[1:] for s, _ in c
              if classify(s)[0] in ("UPDATE", "INSERT", "DELETE")}
    mirrored = {("INSERT", "proposals"), ("INSERT", "ballots"), ("INSERT", "treatments"),
                ("UPDATE", "cases"), ("UPDATE", "deadlines"), ("INSERT", "journal")}
    if writes != mirrored:
        say(f"[4]   WARNING: a service vote now writes {sorted(writes)}; the raw baseline "
            f"mirrors {sorted(mirrored)} and may no longer be equivalent")
    say(f"[4]   raw baseline: attendance {sum(raw_statements['attendance'].values())} "
        f"statements, vote {sum(raw_statements['vote'].values())} (ballots and attendance "
        "rows by one executemany each), one BEGIN IMMEDIATE..COMMIT per command")

    fresh(work)
    conn = raw_connect(work)
    try:
        raw_meeting(conn)
    finally:
        conn.close()
    check_work("raw (warm-up)", meeting_outcome(work, meeting_id))

    # -- timed: a fresh copy of the prepared database for every run, alternating order -------
    say(f"[4] timing {repeats} meeting recordings each way (1 attendance + {n_cases} votes of "
        f"{n_members} ballots = {1 + n_cases} transactions), a fresh copy each")
    runs: dict[str, list[dict[str, float]]] = {"service": [], "raw": []}
    outcomes: dict[str, dict[str, Any]] = {}

    def once(label: str) -> None:
        fresh(work)
        if label == "service":
            with engine.connect():
                pass  # open the pooled connection (PRAGMAs) outside the timing
            attendance_s, votes_s = service_meeting()
            engine.dispose()
        else:
            conn = raw_connect(work)
            try:
                attendance_s, votes_s = raw_meeting(conn)
            finally:
                conn.close()
        got = meeting_outcome(work, meeting_id)
        check_work(f"{label} run {len(runs[label]) + 1}", got)
        outcomes[label] = got
        runs[label].append({"seconds": attendance_s + votes_s, "attendance": attendance_s,
                            "votes": votes_s})

    for r in range(repeats):
        order = ("service", "raw") if r % 2 == 0 else ("raw", "service")
        for label in order:
            once(label)
        say(f"[4]   #{r + 1}: service {runs['service'][-1]['seconds'] * 1000:.0f} ms, raw "
            f"{runs['raw'][-1]['seconds'] * 1000:.1f} ms per meeting")
    engine.dispose()
    for key in ("attendances", "ballots", "treatments", "proposals_adopted", "cases",
                "journal", "meeting_status", "meeting_version"):
        if outcomes["service"][key] != outcomes["raw"][key]:
            raise BenchError(f"service and raw differ in {key}: {outcomes['service'][key]} vs "
                             f"{outcomes['raw'][key]}")
    bumps = {label: (outcomes[label]["case_version_sum"] - before["case_version_sum"]) / n_cases
             for label in ("service", "raw")}
    say(f"[4]   same end state in both ({n_members} attendance rows, "
        f"{n_cases * n_members} ballots, {n_cases} decisions); case version "
        f"+{bumps['service']:g} per vote via the service, +{bumps['raw']:g} raw")
    for path in (prepared, work):
        remove_database(path)

    def summary(label: str) -> dict[str, Any]:
        xs = runs[label]
        median = statistics.median(x["seconds"] for x in xs)
        return {"median_seconds": median, "ms_per_meeting": 1000 * median,
                "seconds": [x["seconds"] for x in xs],
                "attendance_ms_median": 1000 * statistics.median(x["attendance"] for x in xs),
                "ms_per_vote_median": 1000 * statistics.median(x["votes"] for x in xs)
                / n_cases}

    service, raw = summary("service"), summary("raw")
    ratio = raw["median_seconds"] / service["median_seconds"]
    return {
        "meeting": ASSEMBLY_MEETING,
        "members": n_members,
        "cases": n_cases,
        "ballots_per_vote": {"for": n_members - VOTES_AGAINST, "against": VOTES_AGAINST},
        "transactions_per_meeting": 1 + n_cases,
        "actor": chair,
        "repeats": repeats,
        "service": service,
        "raw": raw,
        "ratio_raw_over_service": ratio,
        "ratio_label": "service speed relative to raw",
        "goal": "report",
        "goal_met": None,
        "statements_per_command": {**per_command,
                                   "vote_totals_excluding_begin": sorted(set(votes_total))},
        "raw_statements_per_command": raw_statements,
        "work_done": {k: v for k, v in outcomes["service"].items()
                      if k not in ("case_version_sum", "meeting_version")},
        "case_version_increment_per_vote": bumps,
    }


# -- report --------------------------------------------------------------------------------

def table(results: dict[str, Any]) -> str:
    header = ("Figure", "Measured", "Baseline", "Ratio", "Goal", "Result")
    rows: list[tuple[str, ...]] = []

    def verdict(r: dict[str, Any]) -> str:
        return "met" if r["goal_met"] else "MISSED"

    t = results.get("transitions")
    if t and "error" not in t:
        rows.append(("1 recommend_case: service vs raw SQL",
                     f"{t['service']['per_second']:,.0f} /s", f"{t['raw']['per_second']:,.0f} /s",
                     f"{t['ratio_service_over_raw']:.3f}", f">= {GOAL_SERVICE_VS_RAW:.3f}",
                     verdict(t)))
    elif t:
        rows.append(("1 recommend_case: service vs raw SQL", "error", "", "", "", "INVALID"))
    s = results.get("sweep")
    if s and "error" not in s:
        rows.append((f"2 sweep: {s['big']['cases_not_due']:,} vs "
                     f"{s['small']['cases_not_due']:,} cases",
                     f"{s['big']['median_seconds']:.2f} s", f"{s['small']['median_seconds']:.2f} s",
                     f"{s['ratio_big_over_small']:.2f}x", f"<= {GOAL_SWEEP_RATIO:.1f}x",
                     verdict(s)))
    elif s:
        rows.append(("2 sweep: big vs small", "error", "", "", "", "INVALID"))
    h = results.get("help")
    if h and "error" not in h:
        rows.append(("3 tingflyt --help vs python -c pass",
                     f"{h['median_seconds'] * 1000:.0f} ms",
                     f"{h['baseline_median_seconds'] * 1000:.0f} ms",
                     f"{h['ratio_help_over_bare']:.1f}x",
                     f"< {GOAL_HELP_SECONDS * 1000:.0f} ms", verdict(h)))
    elif h:
        rows.append(("3 tingflyt --help vs python -c pass", "error", "", "", "", "INVALID"))
    m = results.get("meeting")
    if m and "error" not in m:
        rows.append((f"4 meeting ({m['members']} members, {m['cases']} votes): service vs raw",
                     f"{m['service']['ms_per_meeting']:,.0f} ms",
                     f"{m['raw']['ms_per_meeting']:,.1f} ms",
                     f"{m['ratio_raw_over_service']:.3f}", m["goal"], "reported"))
    elif m:
        rows.append(("4 meeting: service vs raw", "error", "", "", "", "INVALID"))
    c = results.get("commands")
    if c and "error" not in c:
        floor_ms = f"{c['floor']['median_ms']:.0f} ms"
        rows.append(("5 case list --json vs import sqlalchemy",
                     f"{c['read']['median_ms']:.0f} ms", floor_ms,
                     f"{c['ratio_read_over_floor']:.2f}x", f"<= {GOAL_READ_OVER_FLOOR:g}x",
                     "met" if c["goal_read_met"] else "MISSED"))
        rows.append(("5 case register --json vs import sqlalchemy",
                     f"{c['write']['median_ms']:.0f} ms", floor_ms,
                     f"{c['ratio_write_over_floor']:.2f}x", f"<= {GOAL_WRITE_OVER_FLOOR:g}x",
                     "met" if c["goal_write_met"] else "MISSED"))
    elif c:
        rows.append(("5 CLI commands vs import sqlalchemy", "error", "", "", "", "INVALID"))
    n = results.get("notices")
    if n and "error" not in n:
        rows.append((f"6 notice ({n['messages']} messages): dispatch vs bare emails",
                     f"{n['ours']['median_ms']:,.0f} ms", f"{n['bare']['median_ms']:,.0f} ms",
                     f"{n['ratio_ours_over_bare']:.2f}x", f"<= {GOAL_OURS_OVER_BARE:g}x",
                     verdict(n)))
        b = n["bulk"]
        rows.append((f"6 {b['messages']:,} messages from the outbox vs bare emails",
                     f"{b['ours_per_second']:,.0f} /s", f"{b['bare_per_second']:,.0f} /s",
                     f"{b['ratio_bare_rate_over_ours']:.2f}x", "reported", "reported"))
    elif n:
        rows.append(("6 notice: dispatch vs bare emails", "error", "", "", "", "INVALID"))
    d = results.get("deployments")
    if d and "error" in d:
        rows.append(("7 Prefect deployments", "error", "", "", "", "INVALID"))
    elif d:
        a, f, w = d.get("notice"), d.get("case_flow"), d.get("dispatch")
        if a and "error" not in a:
            rows.append((f"7a meeting.notice deployment run to {a['messages']} mails vs no-op",
                         f"{a['form']['median_seconds']:.2f} s",
                         f"{a['noop']['median_seconds']:.2f} s",
                         f"{a['ratio_form_over_noop']:.2f}x", f"<= {GOAL_NOTICE_OVER_NOOP:g}x",
                         verdict(a)))
        elif a:
            rows.append(("7a meeting.notice deployment run vs no-op", "error", "", "", "",
                         "INVALID"))
        if f and "error" not in f:
            rows.append((f"7b case_flow vs reconcile ({f['cases']} cases, per case)",
                         f"{f['flow']['ms_per_case']:.0f} ms",
                         f"{f['direct']['ms_per_case']:.1f} ms",
                         f"{f['ratio_flow_over_direct']:.1f}x",
                         f"overhead < {GOAL_CASE_OVERHEAD_SECONDS * 1000:.0f} ms", verdict(f)))
        elif f:
            rows.append(("7b case_flow vs reconcile", "error", "", "", "", "INVALID"))
        if w and "error" not in w:
            rows.append((f"7c {w['messages']:,} messages: two dispatch workers vs one",
                         f"{w['two']['seconds']:.1f} s", f"{w['one']['seconds']:.1f} s",
                         f"{w['speedup_two_over_one']:.2f}x",
                         f">= {GOAL_TWO_WORKERS_SPEEDUP:g}x", verdict(w)))
        elif w:
            rows.append(("7c two dispatch workers vs one", "error", "", "", "", "INVALID"))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    out = ["  ".join(v.ljust(w) for v, w in zip(header, widths, strict=True)).rstrip(), line]
    out += ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    notes = []
    if t and "error" not in t:
        st = t["statements_per_transition"]
        notes.append(f"1: {t['transitions']} transitions; {t['service']['ms_per_transition']:.2f} "
                     f"ms vs {t['raw']['ms_per_transition']:.3f} ms each; the service sends "
                     f"{st['total_excluding_begin']} statements per transition, raw 5")
    if s and "error" not in s:
        notes.append(f"2: {s['due_cases']} due cases each; files "
                     f"{human_bytes(s['big']['file_bytes'])} vs "
                     f"{human_bytes(s['small']['file_bytes'])}; median of {s['repeats']} sweeps, a "
                     "fresh copy each")
    if h and "error" not in h:
        notes.append(f"3: median of {h['runs']} runs; goal is absolute, ratio shows start-up "
                     "cost over the bare interpreter")
    if m and "error" not in m:
        sv, rw = m["service"], m["raw"]
        st = m["statements_per_command"]
        notes.append(f"4: ratio = raw time / service time (service speed relative to raw); "
                     f"per meeting of {m['transactions_per_meeting']} transactions, median of "
                     f"{m['repeats']}, a fresh copy each: attendance "
                     f"{sv['attendance_ms_median']:.1f} vs {rw['attendance_ms_median']:.2f} ms, "
                     "each vote "
                     f"{sv['ms_per_vote_median']:.1f} vs {rw['ms_per_vote_median']:.2f} ms; the "
                     f"service sends {st['attendance']['total_excluding_begin']} statements per "
                     f"attendance and {st['vote']['total_excluding_begin']} per vote, raw "
                     f"{sum(m['raw_statements_per_command']['attendance'].values())} and "
                     f"{sum(m['raw_statements_per_command']['vote'].values())}")
    if c and "error" not in c:
        imports = c["imports"]

        def top(profile: dict[str, Any], n: int = 3) -> str:
            return ", ".join(f"{r['module']} {r['cumulative_ms']:.0f}"
                             for r in profile["top_cumulative"][:n])

        notes.append(f"5: median of {c['runs']} runs each, interleaved; case show "
                     f"{c['read_show']['median_ms']:.0f} ms ({c['ratio_show_over_floor']:.2f}x); "
                     f"imports (-X importtime, ms cumulative) list: {top(imports['read'])}; "
                     f"register: {top(imports['write'])}")
    if n and "error" not in n:
        parts = ", ".join(f"{k} {v:.2f}" for k, v in n["breakdown_ms_per_message"].items())
        notes.append(f"6: median of {n['runs']} runs each, interleaved, a fresh outbox each; "
                     f"{n['ours']['ms_per_message']:.1f} vs {n['bare']['ms_per_message']:.1f} ms "
                     f"per message; ours per message (ms): {parts}; bulk ratio = bare rate / "
                     f"ours ({n['bulk']['connections_ours']} connections vs 1)")
    if d and "error" not in d:
        a, f, w = d.get("notice"), d.get("case_flow"), d.get("dispatch")
        if a and "error" not in a:
            notes.append(f"7a: median of {a['runs']} runs each, interleaved, served from a "
                         f"background process (runner poll {a['runner_poll_seconds']:g} s); "
                         f"start to Running {a['form']['to_running_median']:.2f} s (notice) vs "
                         f"{a['noop']['to_running_median']:.2f} s (no-op), Running to the last "
                         f"notice {a['form']['running_to_notices_median']:.2f} s; notice run to "
                         f"Completed {a['form']['to_completed_median']:.2f} s; the notice wrote "
                         f"{a['outbox_written']}")
            fresh = a["fresh_process_seconds"]
            notes.append(f"7a beside: the goal leaves the action {a['budget_seconds']:.2f} s "
                         f"({GOAL_NOTICE_OVER_NOOP - 1:.1f}x the no-op); the action alone in a "
                         f"fresh process with Prefect imported {fresh['total']:.2f} s (loading "
                         f"the form {fresh['load']:.2f}, the notice {fresh['command']:.2f}, "
                         f"delivering {fresh['deliver']:.2f}), of which importing the libraries "
                         f"(SQLAlchemy and its ORM, Jinja2, icalendar, emails) "
                         f"{fresh['import_floor']:.2f} s")
        if f and "error" not in f:
            api = f["api"]
            notes.append(f"7b: overhead {f['overhead_seconds_per_case'] * 1000:.0f} ms per case "
                         f"(case_flow - reconcile, quick_runs: no heartbeat), blocks of "
                         f"{f['block']} alternating, after a warm-up of each; per case "
                         f"{api['requests_per_case']:.1f} API requests waited "
                         f"{api['waiting_ms_per_case']:.0f} ms, "
                         f"{api['ssl_contexts_per_case']:.1f} SSL contexts for new clients "
                         f"{api['ssl_context_ms_per_case']:.0f} ms")
        if w and "error" not in w:
            split = ", ".join(f"{p['sent']} in {p['seconds']:.1f} s"
                              for p in w["two"]["per_worker"])
            notes.append(f"7c: PostgreSQL, SMTP +{w['smtp_delay_ms']:.0f} ms per message; ratio "
                         f"= one worker's time / two workers'; the two workers sent {split}; "
                         f"{w['two']['distinct_message_ids']:,} distinct Message-IDs received, "
                         f"none twice; worker CPU {w['one']['worker_cpu_ms_per_message']:.1f} "
                         f"ms per message (one), {w['two']['worker_cpu_ms_per_message']:.1f} "
                         "(two)")
    return "\n".join(out + [""] + [f"  {note}" for note in notes])


def environment() -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "sqlite": sqlite3.sqlite_version,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "benchmark_clock": NOW.isoformat(),
    }


def guarded(name: str, results: dict[str, Any], fn: Callable[[], dict[str, Any]]) -> bool:
    try:
        results[name] = fn()
        return True
    except Exception as exc:  # noqa: BLE001 - report and go on with the other figures
        traceback.print_exc()
        say(f"[{name}] FAILED: {exc}")
        results[name] = {"error": f"{type(exc).__name__}: {exc}"}
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.run",
                                     description=__doc__.split("\n", 1)[0])
    parser.add_argument("--transitions", type=int, default=2000,
                        help="cases recommended in figure 1 (default 2000)")
    parser.add_argument("--big", type=int, default=1_000_000,
                        help="cases not due in the big sweep database (default 1,000,000)")
    parser.add_argument("--small", type=int, default=1_000,
                        help="cases not due in the small sweep database (default 1,000)")
    parser.add_argument("--due", type=int, default=200,
                        help="due cases in both sweep databases (default 200)")
    parser.add_argument("--sweep-repeats", type=int, default=5,
                        help="timed sweeps per database size (default 5)")
    parser.add_argument("--help-runs", type=int, default=10,
                        help="runs of tingflyt --help (default 10)")
    parser.add_argument("--meeting-repeats", type=int, default=9,
                        help="timed meeting recordings each way in figure 4 (default 9)")
    parser.add_argument("--commands-runs", type=int, default=10,
                        help="runs of each CLI command and the floor in figure 5 (default 10)")
    parser.add_argument("--notices-runs", type=int, default=7,
                        help="timed notice deliveries each way in figure 6 (default 7)")
    parser.add_argument("--notices-bulk", type=int, default=1000,
                        help="messages dispatched from the outbox in figure 6 (default 1000)")
    parser.add_argument("--deploy-runs", type=int, default=4,
                        help="timed deployment runs of each kind in figure 7a (default 4)")
    parser.add_argument("--case-flows", type=int, default=40,
                        help="cases carried by case_flow and by reconcile in figure 7b "
                             "(default 40)")
    parser.add_argument("--dispatch-messages", type=int, default=2000,
                        help="outbox messages dispatched by one and by two workers in figure 7c "
                             "(default 2000)")
    parser.add_argument("--only", choices=("transitions", "sweep", "help", "meeting",
                                           "commands", "notices", "deployments", "deploy-notice"),
                        action="append",
                        help="run only this figure (may be repeated); deploy-notice is figure "
                             "7a alone")
    parser.add_argument("--out", type=Path, default=OUT_FILE,
                        help=f"JSON output (default {OUT_FILE.relative_to(ROOT)})")
    args = parser.parse_args(argv)
    for name in ("transitions", "big", "small", "due", "sweep_repeats", "help_runs",
                 "meeting_repeats", "commands_runs", "notices_runs", "notices_bulk",
                 "deploy_runs", "case_flows", "dispatch_messages"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    wanted = set(args.only or ("transitions", "sweep", "help", "meeting", "commands",
                               "notices", "deployments"))

    say(f"tingflyt benchmark; python {sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} cpus")
    results: dict[str, Any] = {}
    ok = True
    with tempfile.TemporaryDirectory(prefix="tingflyt-bench-", dir="/tmp") as tmpdir:
        tmp = Path(tmpdir)
        if "transitions" in wanted:
            ok = guarded("transitions", results,
                         lambda: bench_transitions(tmp, args.transitions)) and ok
        if "sweep" in wanted:
            ok = guarded("sweep", results, lambda: bench_sweep(
                tmp, args.big, args.small, args.due, args.sweep_repeats)) and ok
        if "help" in wanted:
            ok = guarded("help", results, lambda: bench_help(args.help_runs)) and ok
        if "meeting" in wanted:
            ok = guarded("meeting", results,
                         lambda: bench_meeting(tmp, args.meeting_repeats)) and ok
        if "commands" in wanted:
            ok = guarded("commands", results,
                         lambda: bench_commands(tmp, args.commands_runs, log=say)) and ok
        if "notices" in wanted:
            ok = guarded("notices", results, lambda: bench_notices(
                tmp, args.notices_runs, args.notices_bulk, log=say)) and ok
        if "deployments" in wanted or "deploy-notice" in wanted:
            parts = PARTS if "deployments" in wanted else ("notice",)
            ok = guarded("deployments", results, lambda: bench_deployments(
                tmp, args.deploy_runs, args.case_flows, args.dispatch_messages, log=say,
                only=parts)) and ok
            ok = not results["deployments"].get("failed") and ok

    total = time.perf_counter() - _T0
    print()
    print(table(results))
    print()
    document = {"environment": environment(), "total_seconds": total,
                "parameters": {k: (str(v) if isinstance(v, Path) else v)
                               for k, v in vars(args).items()},
                **results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    say(f"wrote {args.out} (total {total:.0f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
