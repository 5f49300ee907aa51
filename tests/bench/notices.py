"""Figure 6 of ``make bench``: delivering a meeting's notice from the outbox over real SMTP, vs
a bare ``emails`` loop sending prepared messages over one connection to the same server.

Setup, untimed: a fresh SQLite file with the schema and ``config/hallingdal.toml``; two cases
for the assembly (Hallingtinget, 30 members) registered, recommended, referred by the council
meeting RR-2026-08-27 (notice by the sweep, attendance, unanimous votes) and placed on
HT-2026-12-03, whose notice is then issued as staff issue it:
``registry.run("meeting.notice", {"meeting": "HT-2026-12-03"}, "dagleg-leiar", ...)``. The
outbox then holds one notice row per recipient (the 30 members and those with the right to
attend and speak); fewer than 30 makes the figure invalid. The WAL is checkpointed and the file
is the prepared outbox (rows of other kinds the same change wrote, such as alerts by e-mail, are
deleted first: the figure is the notice). A local aiosmtpd
(``tests/notifications/smtp_server.py``) with STARTTLS required and a test CA that both clients
verify.

(a) One notice. Ours: ``dispatch(engine, clock, SmtpTransport(server.config()))`` (claim,
render, compose, send, mark; one connection with STARTTLS, QUIT at the end). The baseline: the
same number of prepared ``emails.Message`` objects (text and HTML of the rendered notice, and its
two attachments, the agenda and ``invite.ics``, so the bytes on the wire are of the same size)
sent in a loop through one ``emails`` ``SMTPBackend(tls=True)`` over one connection.
Stock ``emails`` 1.1.3 cannot verify the certificate on STARTTLS
(``SMTPClientWithResponse.initialize()`` calls ``starttls()`` without a context), so the
baseline's client class overrides ``starttls`` to pass the same verifying context: both sides
pay for the same verified handshake. Interleaved (bare, ours, bare, ours, ...) after one
untimed warm-up of each; before every run of ours the engine's pool is disposed and the
prepared file copied over the work file (untimed: the outbox is back to all pending, the
engine's statement cache stays warm as in a running dispatcher), and one connection opened.
Every run must deliver exactly the expected number of messages (counted at the server) and
report them sent, or the figure is invalid. Ratio: median ours / median bare (goal <= 1.5x).
One further untimed run of ours, instrumented with ``perf_counter`` around the calls the
dispatcher makes, splits our time per message into render (``messages.render``), compose +
``as_bytes``, SMTP (``transport.send``, including the one connect and STARTTLS; QUIT is
counted apart), and database (claim and mark transactions, without the render and compose
inside the claim); a ``cProfile`` run lists the functions with the most own time.

(b) 1,000 messages. The notice rows are copied, with distinct keys, through the store (untimed)
until the outbox holds exactly 1,000 pending rows; the file is the prepared bulk outbox. One
dispatch of all of them (batches of the dispatcher's default size, one connection each) beside
the bare loop over 1,000 prepared messages on one connection; exactly 1,000 must arrive each
time. Messages per second are reported, and their ratio.
"""

from __future__ import annotations

import cProfile
import pstats
import ssl
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

GOAL_OURS_OVER_BARE = 1.5
ASSEMBLY_MEETING = "HT-2026-12-03"
COUNCIL_MEETING = "RR-2026-08-27"
NOTICE_CASES = 2
SENDER = "dagleg-leiar"
MIN_RECIPIENTS = 30
BULK = 1_000


class NoticeBenchError(RuntimeError):
    """The measurement did the wrong work; figure 6 is not valid."""


def _bare_backend(config: Any) -> Any:
    """One stock ``emails`` SMTPBackend(tls=True), its client verifying the certificate."""
    from emails.backend.smtp.backend import SMTPBackend
    from emails.backend.smtp.client import SMTPClientWithResponse

    context = ssl.create_default_context(cafile=str(config.ca_file))
    context.minimum_version = ssl.TLSVersion.TLSv1_2

    class VerifiedClient(SMTPClientWithResponse):
        def starttls(self, *args: Any, **kwargs: Any) -> Any:
            kwargs["context"] = context
            return super().starttls(*args, **kwargs)

    class Backend(SMTPBackend):
        connection_cls = VerifiedClient

    return Backend(host=config.host, port=config.port, tls=True, timeout=config.timeout,
                   local_hostname=config.local_hostname, fail_silently=False)


def _bare_messages(composed: list[Any]) -> list[Any]:
    """One ``emails.Message`` per rendered notice: the same text, HTML and attachments."""
    import emails

    out = []
    for c in composed:
        message = emails.Message(html=c.html, text=c.text, subject=c.subject,
                                 mail_from=(c.from_name, c.from_address),
                                 mail_to=(c.to_name, c.to_address), charset="utf-8")
        for attachment in c.attachments:
            message.attach(data=attachment.data, filename=attachment.filename,
                           content_disposition="attachment")
        if c.calendar is not None:
            message.attach(data=c.calendar, filename="invite.ics",
                           content_disposition="attachment")
        out.append(message)
    return out


def _send_bare(config: Any, messages: list[Any]) -> float:
    backend = _bare_backend(config)
    started = time.perf_counter()
    for message in messages:
        response = message.send(smtp=backend)
        if response is None or not response.success:
            raise NoticeBenchError(f"bare loop: the server did not accept: {response!r}")
    backend.close()
    return time.perf_counter() - started


def meeting_facts(engine: Any, clock: Any, ref: str) -> dict[str, Any]:
    """What the setups need of a meeting: its id, times, status, chair and members."""
    from domain.operations.substitutes import seats_of
    from domain.store.uow import UnitOfWork

    with UnitOfWork(engine, clock, readonly=True) as uow:
        m = uow.meetings.get(ref)
        return {"id": m.id, "notice_at": m.notice_at, "starts_at": m.starts_at,
                "status": m.status, "chair": uow.bodies.get(m.body_id).chair_id,
                "members": [s.member_id for s in seats_of(uow, m.body_id)]}


def to_the_assembly_notice(engine: Any, clock: Any, director: str, chief: str) -> dict[str, Any]:
    """The season up to the assembly's notice, as staff and the engine make it: ``NOTICE_CASES``
    cases for the assembly registered, prepared and recommended, decided by the council at
    ``COUNCIL_MEETING`` and referred on to ``ASSEMBLY_MEETING``; the clock at its notice time and
    the council's own messages taken out of the outbox (sent then, not measured). Returns the
    assembly meeting's facts (``meeting_facts``)."""
    from domain.engine.reconcile import reconcile_case
    from domain.engine.sweep import sweep
    from domain.store.tables import OutboxMessage
    from domain.store.uow import UnitOfWork
    from tests.bench import run as bench

    numbers = [bench.cmd(engine, clock, "case.register", director,
                         title=f"Benchmarksak {i + 1} for Hallingtinget: felles tenester",
                         kind="ordinary", body="assembly").number for i in range(NOTICE_CASES)]
    for number in numbers:
        with UnitOfWork(engine, clock) as uow:
            reconcile_case(uow, uow.cases.get(number))
            uow.commit()
        bench.cmd(engine, clock, "case.recommend", chief, case=number,
                  text=bench.RECOMMENDATION)
        with UnitOfWork(engine, clock) as uow:
            reconcile_case(uow, uow.cases.get(number))
            uow.commit()
    council = meeting_facts(engine, clock, COUNCIL_MEETING)
    clock.set(council["notice_at"])
    sweep(engine, clock)
    clock.set(council["starts_at"])
    sweep(engine, clock)
    bench.cmd(engine, clock, "meeting.attend", council["chair"], meeting=COUNCIL_MEETING,
              present=council["members"], chair=council["chair"])
    for number in numbers:
        bench.cmd(engine, clock, "case.vote", council["chair"], case=number, unanimous=True)
    sweep(engine, clock)  # the referred cases go on the assembly's next meeting
    assembly = meeting_facts(engine, clock, ASSEMBLY_MEETING)
    clock.set(assembly["notice_at"])
    with UnitOfWork(engine, clock) as uow:  # the council's own rows: sent then, not measured
        uow.session.query(OutboxMessage).delete()
        uow.commit()
    return assembly


def bench_notices(tmp: Path, runs: int, bulk: int = BULK, *,
                  log: Callable[[str], None] = print) -> dict[str, Any]:
    from domain.commands import registry
    from domain.store.db import make_engine
    from domain.store.tables import OutboxMessage
    from domain.store.uow import UnitOfWork
    from notifications import dispatch as dispatch_module
    from notifications.dispatch import dispatch
    from notifications.messages import render
    from notifications.mime import as_bytes, compose
    from notifications.transports.smtp import SmtpTransport
    from tests.bench import run as bench
    from tests.notifications.smtp_server import make_pki, running_server

    clock = bench.make_clock()
    prepared = tmp / "notices-prepared.sqlite"
    prepared_bulk = tmp / "notices-bulk.sqlite"
    work = tmp / "notices-work.sqlite"
    log(f"[6] new database {prepared.name}: schema + {bench.ORG_FILE.name}")
    engine, org = bench.fresh_database(prepared, clock)
    director = org.data.secretariat.director
    chief = bench.pick_chief_executive(org)

    # -- setup: two cases through the council onto the assembly, then its notice ----------
    started = time.perf_counter()
    to_the_assembly_notice(engine, clock, director, chief)
    registry.run("meeting.notice", {"meeting": ASSEMBLY_MEETING}, SENDER, engine=engine,
                 clock=clock)
    assembly = meeting_facts(engine, clock, ASSEMBLY_MEETING)
    with UnitOfWork(engine, clock) as uow:  # what else the change wrote (e.g. alerts by mail)
        others = uow.session.query(OutboxMessage).filter(
            (OutboxMessage.kind != "notice") | (OutboxMessage.meeting_id != assembly["id"]))
        dropped = sorted({row.kind for row in others})
        others.delete(synchronize_session=False)
        uow.commit()
    if dropped:
        log(f"[6]   left out of the figure: the notice also wrote {', '.join(dropped)} rows")
    with UnitOfWork(engine, clock, readonly=True) as uow:
        rows = uow.outbox.listing()
        kinds = {(r.kind, r.status) for r in rows}
        on_agenda = sum(1 for r in rows if r.meeting_id == assembly["id"])
    expected = len(rows)
    if (assembly["status"] != "notified" or kinds != {("notice", "pending")}
            or on_agenda != expected or expected < MIN_RECIPIENTS):
        raise NoticeBenchError(
            f"setup: {ASSEMBLY_MEETING} is {assembly['status']}; the outbox holds {expected} "
            f"rows {sorted(kinds)}, expected at least {MIN_RECIPIENTS} pending notices")
    log(f"[6]   {ASSEMBLY_MEETING} notified with {NOTICE_CASES} cases: {expected} notice rows "
        f"({len(assembly['members'])} members); setup {time.perf_counter() - started:.1f} s")

    # What the bare loop sends: the same rendered notices (untimed, on a scratch copy).
    with UnitOfWork(engine, clock, readonly=True) as uow:
        composed = [render(uow, row, stamp=uow.now) for row in uow.outbox.listing()]
    our_bytes = [len(as_bytes(compose(c))) for c in composed]

    # The bulk outbox: copies of the notice rows with distinct keys, through the store.
    engine.dispose()
    bench.copy_database(prepared, prepared_bulk)
    bulk_engine = make_engine(f"sqlite:///{prepared_bulk}")
    with UnitOfWork(bulk_engine, clock) as uow:
        originals = uow.outbox.listing()
        copies = 0
        while len(originals) + copies < bulk:
            row = originals[copies % len(originals)]
            uow.add(OutboxMessage(
                key=f"{row.key}:bench{copies}", kind=row.kind, person_id=row.person_id,
                name=row.name, address=row.address, meeting_id=row.meeting_id,
                case_id=row.case_id, sequence=row.sequence, subject=row.subject,
                payload=dict(row.payload), created_at=row.created_at, status=row.status,
                attempts=0, next_attempt_at=row.next_attempt_at))
            copies += 1
        uow.commit()
    with UnitOfWork(bulk_engine, clock, readonly=True) as uow:
        bulk_rows = len(uow.outbox.listing())
    bulk_engine.dispose()
    bench.settle(prepared_bulk)
    if bulk < expected or bulk_rows != bulk:
        raise NoticeBenchError(f"setup: the bulk outbox holds {bulk_rows} rows, not {bulk}")

    pki = make_pki(tmp / "notices-pki")
    result: dict[str, Any] = {"meeting": ASSEMBLY_MEETING, "members": len(assembly["members"]),
                              "messages": expected, "runs": runs, "bulk_messages": bulk,
                              "goal": f"ours/bare <= {GOAL_OURS_OVER_BARE}x"}
    with running_server(pki) as server:
        config = server.config()
        bare_messages = _bare_messages(composed)
        bare_bytes = [len(m.as_bytes()) for m in bare_messages]
        bulk_bare = [bare_messages[i % len(bare_messages)] for i in range(bulk)]

        def fresh(source: Path) -> None:
            engine.dispose()
            bench.copy_database(source, work)
            with engine.connect():
                pass

        def check(label: str, want: int, report: Any = None) -> None:
            got = len(server.messages)
            if got != want or (report is not None and (report.sent != want or report.failed)):
                raise NoticeBenchError(
                    f"{label}: the server received {got} messages, expected {want}"
                    + (f"; dispatch reported {report.as_dict()}" if report is not None else ""))
            if server.connections != (1 if report is None else -(-want // 200)):
                raise NoticeBenchError(f"{label}: {server.connections} SMTP connections")
            server.reset()

        def ours(source: Path, want: int, label: str) -> float:
            fresh(source)
            server.reset()
            transport = SmtpTransport(config)
            t0 = time.perf_counter()
            report = dispatch(engine, clock, transport)
            elapsed = time.perf_counter() - t0
            check(label, want, report)
            return elapsed

        def bare(messages: list[Any], label: str) -> float:
            server.reset()
            elapsed = _send_bare(config, messages)
            check(label, len(messages))
            return elapsed

        engine = make_engine(f"sqlite:///{work}")
        log(f"[6] (a) {expected} notices: warm-up, then {runs} runs each, interleaved "
            f"(bare, ours, ...); {statistics.mean(our_bytes) / 1024:.1f} KiB per message "
            f"ours, {statistics.mean(bare_bytes) / 1024:.1f} KiB bare")
        bare(bare_messages, "bare warm-up")
        ours(prepared, expected, "ours warm-up")
        times_bare, times_ours = [], []
        for i in range(runs):
            times_bare.append(bare(bare_messages, f"bare run {i + 1}"))
            times_ours.append(ours(prepared, expected, f"ours run {i + 1}"))
        med_bare, med_ours = statistics.median(times_bare), statistics.median(times_ours)
        log(f"[6]   ours {med_ours * 1000:.0f} ms, bare {med_bare * 1000:.0f} ms "
            f"({med_ours / med_bare:.2f}x)")

        # -- breakdown: one instrumented run, untimed ------------------------------------
        parts = {"render": 0.0, "compose_as_bytes": 0.0, "smtp_send": 0.0, "smtp_quit": 0.0,
                 "claim_txn": 0.0, "mark": 0.0}
        originals_fns = {name: getattr(dispatch_module, name)
                         for name in ("render", "compose", "as_bytes", "_mark",
                                      "_claim_and_compose")}

        def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                t0 = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    parts[name] += time.perf_counter() - t0
            return wrapper

        class TimedTransport(SmtpTransport):
            def send(self, *args: Any, **kwargs: Any) -> str:
                return timed("smtp_send", super().send)(*args, **kwargs)

            def __exit__(self, *exc: Any) -> None:
                timed("smtp_quit", super().__exit__)(*exc)

        dispatch_module.render = timed("render", originals_fns["render"])
        dispatch_module.compose = timed("compose_as_bytes", originals_fns["compose"])
        dispatch_module.as_bytes = timed("compose_as_bytes", originals_fns["as_bytes"])
        dispatch_module._mark = timed("mark", originals_fns["_mark"])
        dispatch_module._claim_and_compose = timed("claim_txn",
                                                   originals_fns["_claim_and_compose"])
        try:
            fresh(prepared)
            server.reset()
            t0 = time.perf_counter()
            report = dispatch(engine, clock, TimedTransport(config))
            total = time.perf_counter() - t0
            check("instrumented run", expected, report)
        finally:
            for name, fn in originals_fns.items():
                setattr(dispatch_module, name, fn)
        database = parts["claim_txn"] - parts["render"] - parts["compose_as_bytes"] \
            + parts["mark"]
        breakdown = {
            "render": parts["render"], "compose_as_bytes": parts["compose_as_bytes"],
            "smtp_send": parts["smtp_send"], "smtp_quit": parts["smtp_quit"],
            "database_claim_mark": database,
        }
        breakdown["other"] = total - sum(breakdown.values())
        per_message = {k: v * 1000 / expected for k, v in breakdown.items()}
        log(f"[6]   per message (instrumented run, {total * 1000:.0f} ms): "
            + ", ".join(f"{k} {v:.2f} ms" for k, v in per_message.items()))

        profile = cProfile.Profile()
        fresh(prepared)
        server.reset()
        profile.enable()
        report = dispatch(engine, clock, SmtpTransport(config))
        profile.disable()
        check("profiled run", expected, report)
        stats = pstats.Stats(profile)
        rows_p = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)  # type: ignore[attr-defined]
        top_own = [{"function": f"{Path(f).name}:{line}({name})",
                    "own_ms_per_message": tt * 1000 / expected,
                    "cumulative_ms_per_message": ct * 1000 / expected}
                   for (f, line, name), (_cc, _nc, tt, ct, _callers) in rows_p[:12]]
        cumulative: dict[tuple[str, str], float] = {}
        for (f, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
            key = (f"{Path(f).parent.name}/{Path(f).name}", name)
            cumulative[key] = cumulative.get(key, 0.0) + ct * 1000 / expected
        watched = {f"{file}:{name}": cumulative.get((file, name)) for file, name in (
            ("notifications/messages.py", "render"), ("notifications/mime.py", "compose"),
            ("notifications/mime.py", "as_bytes"), ("notifications/invites.py", "invitation"),
            ("queries/meetings.py", "meeting_detail"), ("queries/organisation.py", "org_view"),
            ("notifications/agenda.py", "render_agenda_html"),
            ("notifications/dispatch.py", "_mark"),
            ("transports/smtp.py", "send"))}
        log("[6]   cProfile, own time per message: " + "; ".join(
            f"{r['function']} {r['own_ms_per_message']:.2f}" for r in top_own[:8]))
        log("[6]   cProfile, cumulative per message (ms): " + "; ".join(
            f"{k} {v:.2f}" for k, v in watched.items() if v is not None))

        # -- (b) 1,000 messages ----------------------------------------------------------
        log(f"[6] (b) {bulk} messages: bare loop over one connection, then ours")
        bulk_bare_time = bare(bulk_bare, "bulk bare")
        bulk_ours_time = ours(prepared_bulk, bulk, "bulk ours")
        log(f"[6]   ours {bulk / bulk_ours_time:.0f} msg/s, bare "
            f"{bulk / bulk_bare_time:.0f} msg/s")
        engine.dispose()

    result.update({
        "ours": {"median_ms": med_ours * 1000, "runs_ms": [t * 1000 for t in times_ours],
                 "ms_per_message": med_ours * 1000 / expected,
                 "bytes_per_message_mean": statistics.mean(our_bytes)},
        "bare": {"median_ms": med_bare * 1000, "runs_ms": [t * 1000 for t in times_bare],
                 "ms_per_message": med_bare * 1000 / expected,
                 "bytes_per_message_mean": statistics.mean(bare_bytes)},
        "ratio_ours_over_bare": med_ours / med_bare,
        "goal_met": med_ours / med_bare <= GOAL_OURS_OVER_BARE,
        "breakdown_ms_per_message": per_message,
        "instrumented_total_ms": total * 1000,
        "profile_top_own": top_own,
        "profile_cumulative_ms_per_message": watched,
        "bulk": {"messages": bulk, "ours_seconds": bulk_ours_time,
                 "bare_seconds": bulk_bare_time,
                 "ours_per_second": bulk / bulk_ours_time,
                 "bare_per_second": bulk / bulk_bare_time,
                 "ratio_bare_rate_over_ours": bulk_ours_time / bulk_bare_time,
                 "connections_ours": -(-bulk // 200), "connections_bare": 1},
    })
    return result
