"""The dispatcher: claim due outbox rows, compose each, send it, mark it; back off on temporary
failures. It never touches a case or a meeting: it only delivers what the changes wrote.

One run, in three kinds of short transactions, never holding one open while it talks to a mail
server:

1. **claim** up to ``batch`` due rows (``pending`` and due, or ``sending`` under a claim older
   than the lease, i.e. of a run that died) for this run's token, in one statement;
2. **compose** each (``notifications.messages.render``, with a fresh DTSTAMP) and **send** it
   through the transport, one connection for the batch. The two overlap: a thread composes the
   batch's messages in a read-only transaction while this one sends each as soon as it is
   ready (composing is work for the processor, sending is mostly waiting for the mail server's
   answers); what the composer finds overtaken or impossible to make is marked after the batch,
   in one transaction of its own;
3. **mark** it at once: ``sent`` with the server's receipt; on a temporary failure (4xx, a dropped
   connection, a timeout) back to ``pending`` with ``next_attempt_at`` later by an exponential
   backoff; on a permanent one (5xx for the address) ``failed`` with the server's answer, and an
   alert to the secretariat. After ``max_attempts`` a temporary failure counts as permanent.

Exactly once, and the one window where it is not: a row is marked only by the claim that holds
it, so a run repeated, late or concurrent never sends a row another run has claimed or marked.
If a run dies *after* the server accepted a message and *before* it marked the row, the row's
claim expires after ``lease`` and a later run sends it again: at most one duplicate per message
that was in flight when the run died, with the same Message-ID, which mail clients use to show
it once. A dropped connection ends the batch (its rows go back, due at once); the transport's
own retry-on-disconnect is never used, because it can send twice.
"""

from __future__ import annotations

import queue
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from domain.errors import NotFound
from domain.queries.outbox import require_secretariat
from domain.rules.calendar import Clock
from domain.rules.recipients import overtaken
from domain.rules.terms import AlertKind, CaseState, MeetingStatus
from domain.store.repositories import OutboxMarker
from domain.store.uow import Engine, UnitOfWork
from notifications.messages import render
from notifications.mime import as_bytes, compose
from notifications.transports import (
    ConfigurationFailure,
    PermanentFailure,
    TemporaryFailure,
    Transport,
)

LEASE = timedelta(minutes=10)
MAX_ATTEMPTS = 8
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=6)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes after the ``attempts``-th failure, at most six hours."""
    return min(FIRST_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass
class DispatchReport:
    claimed: int = 0
    sent: int = 0
    #: Overtaken before they went (the meeting cancelled, the case withdrawn): not sent.
    dropped: int = 0
    retried: int = 0
    failed: int = 0
    #: One line per message that did not go: "id: reason".
    problems: list[str] = field(default_factory=list)
    #: Why the run stopped early (a dropped connection, a configuration failure), if it did.
    stopped: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {"claimed": self.claimed, "sent": self.sent, "dropped": self.dropped,
                "retried": self.retried,
                "failed": self.failed, "problems": self.problems, "stopped": self.stopped}


@dataclass(frozen=True)
class _Ready:
    id: int
    key: str
    sender: str
    address: str
    attempts: int
    data: bytes


def dispatch(engine: Engine, clock: Clock, transport: Transport, *, batch: int = 200,
             limit: int | None = None, lease: timedelta = LEASE,
             max_attempts: int = MAX_ATTEMPTS, token: str | None = None,
             after_send: Callable[[int], None] | None = None) -> DispatchReport:
    """Deliver what is due, batch by batch, until nothing is due (or ``limit`` messages were
    claimed). ``after_send`` is called with a row's id between its send and its mark (tests use
    it to stop the run there)."""
    report = DispatchReport()
    token = token or uuid.uuid4().hex
    lost = 0
    while limit is None or report.claimed < limit:
        size = batch if limit is None else min(batch, limit - report.claimed)
        found, claimed, now = _claim(engine, clock, token, size, lease)
        if not claimed:
            # Rows were due but another dispatcher claimed them between our read and our claim:
            # there may be more behind them, so look again (a few times) before stopping.
            if found and lost < LOOK_AGAIN:
                lost += 1
                continue
            break
        lost = 0
        report.claimed += claimed
        if not _compose_and_send(engine, clock, transport, token, now, max_attempts, report,
                                 after_send):
            break
    return report


#: How many times in a row a run looks again after another dispatcher took the rows it read.
LOOK_AGAIN = 3


def _claim(engine: Engine, clock: Clock, token: str, size: int,
           lease: timedelta) -> tuple[int, int, Any]:
    """Claim up to ``size`` due rows: (rows found due, rows claimed, the claim's time). The
    claim is committed before anything is rendered, so its row locks are held for one
    statement, not for the rendering of a whole batch."""
    with UnitOfWork(engine, clock) as uow:
        now = uow.now
        ids = uow.outbox.claimable_ids(now, now - lease, size)
        claimed = len(uow.outbox.claim(ids, token, now, now - lease)) if ids else 0
        uow.commit()
    return len(ids), claimed, now


#: What the composer hands over: a message ready to send, a row overtaken (id, why), a row
#: that cannot be made into a mail (id, name, why), an error of its own; then ``_DONE``.
_DONE = object()


def _compose(engine: Engine, clock: Clock, token: str, now: Any, out: queue.SimpleQueue[Any],
             stop: threading.Event) -> None:
    """Compose the rows ``token`` holds, one by one, into ``out`` (the composer's thread). It
    only reads: the marks are the sender's to make."""
    try:
        with UnitOfWork(engine, clock, readonly=True) as uow:
            for row in uow.outbox.held(token):
                if stop.is_set():
                    return
                why = _overtaken(uow, row)
                if why is not None:
                    out.put(("dropped", row.id, why))
                    continue
                try:
                    composed = render(uow, row, stamp=now)
                    out.put(("ready", _Ready(row.id, row.key, composed.from_address,
                                             row.address, row.attempts,
                                             as_bytes(compose(composed)))))
                except ValueError as exc:  # an address or a header the mail cannot carry
                    out.put(("failed", row.id, row.name, str(exc)))
    except BaseException as exc:  # noqa: BLE001 - handed to the sender, which raises it
        out.put(("error", exc))
    finally:
        out.put(_DONE)


def _compose_and_send(engine: Engine, clock: Clock, transport: Transport, token: str, now: Any,
                      max_attempts: int, report: DispatchReport,
                      after_send: Callable[[int], None] | None) -> bool:
    """Send the claimed batch as the composer makes it, then mark what it could not make;
    False if the run must stop."""
    out: queue.SimpleQueue[Any] = queue.SimpleQueue()
    stop = threading.Event()
    composer = threading.Thread(target=_compose, args=(engine, clock, token, now, out, stop),
                                name="tingflyt-compose", daemon=True)
    dropped: list[tuple[int, str]] = []
    failed: list[tuple[int, str, str]] = []

    def ready() -> Iterator[_Ready]:
        while (item := out.get()) is not _DONE:
            if item[0] == "ready":
                yield item[1]
            elif item[0] == "dropped":
                dropped.append(item[1:])
            elif item[0] == "failed":
                failed.append(item[1:])
            else:
                raise item[1]

    composer.start()
    try:
        go_on = _send_batch(engine, clock, transport, token, ready(), max_attempts, report,
                            after_send)
    finally:
        stop.set()  # only when the sender stopped on an error: otherwise it is done already
        composer.join()
    if dropped or failed:
        with UnitOfWork(engine, clock) as uow:
            for message_id, why in dropped:
                uow.outbox.mark_dropped(message_id, token, why)
                report.dropped += 1
            for message_id, name, why in failed:
                uow.outbox.mark_failed(message_id, token, f"kan ikkje lagast: {why}")
                report.failed += 1
                report.problems.append(f"{message_id}: {why}")
                _alert(uow, message_id, name, why)
            uow.commit()
    return go_on


def _overtaken(uow: UnitOfWork, row: Any) -> str | None:
    meeting = uow.meetings.find(row.meeting_id) if row.meeting_id is not None else None
    case = uow.cases.find(row.case_id) if row.case_id is not None else None
    return overtaken(row.kind,
                     meeting_cancelled=meeting is not None
                     and meeting.status == MeetingStatus.CANCELLED,
                     case_ended=case is not None
                     and case.state in (CaseState.WITHDRAWN, CaseState.CLOSED))


def _send_batch(engine: Engine, clock: Clock, transport: Transport, token: str,
                ready: Iterator[_Ready], max_attempts: int, report: DispatchReport,
                after_send: Callable[[int], None] | None) -> bool:
    """Send one batch over one connection, each message as ``ready`` gives it (the transport
    is entered at the first, so a batch with none opens nothing); False if the run must
    stop."""
    outcomes: list[tuple[_Ready, str, str]] = []  # (message, "sent"/"retry"/"failed", text)
    stop = None
    tried: list[_Ready] = []
    try:
        with ExitStack() as batch:
            marker: OutboxMarker | None = None
            for message in ready:
                if marker is None:
                    marker = batch.enter_context(OutboxMarker(engine))
                    batch.enter_context(transport)
                tried.append(message)
                try:
                    receipt = transport.send(message.sender, [message.address], message.data,
                                             key=message.key)
                except TemporaryFailure as exc:
                    outcomes.append((message, "retry", exc.reason))
                    if getattr(transport, "broken", False):
                        stop = f"sambandet fall bort: {exc.reason}"
                        outcomes += [(m, "release", stop) for m in ready]
                        break
                    continue
                except PermanentFailure as exc:
                    outcomes.append((message, "failed", exc.reason))
                    continue
                if after_send is not None:
                    after_send(message.id)
                if marker.sent(message.id, token, clock.now(), receipt):
                    report.sent += 1
    except ConfigurationFailure as exc:
        stop = exc.reason
        done = {m.id for m, _o, _t in outcomes}
        outcomes += [(m, "release", exc.reason) for m in [*tried, *ready] if m.id not in done]
    except TemporaryFailure as exc:  # the connection could not be opened at all
        stop = f"ingen samband med e-posttenaren: {exc.reason}"
        done = {m.id for m, _o, _t in outcomes}
        outcomes += [(m, "retry", exc.reason) for m in [*tried, *ready] if m.id not in done]
    for message, outcome, text in outcomes:
        _mark(engine, clock, token, message, outcome, text, max_attempts, report)
    report.stopped = report.stopped or stop
    return stop is None


def _mark(engine: Engine, clock: Clock, token: str, message: _Ready, outcome: str, text: str,
          max_attempts: int, report: DispatchReport) -> None:
    """A message that did not go: back to pending (released untried, or a temporary failure
    with its backoff), or failed, with an alert to the secretariat."""
    with UnitOfWork(engine, clock) as uow:
        now = uow.now
        if outcome == "release":  # never tried in this run: due again at once
            uow.outbox.mark_retry(message.id, token, now, text)
            report.retried += 1
        elif outcome == "retry" and message.attempts < max_attempts:
            uow.outbox.mark_retry(message.id, token, now + backoff(message.attempts), text)
            report.retried += 1
            report.problems.append(f"{message.id}: {text} (prøver igjen)")
        else:
            if outcome == "retry":
                text = f"{text} (gav opp etter {message.attempts} forsøk)"
            if uow.outbox.mark_failed(message.id, token, text):
                report.failed += 1
                report.problems.append(f"{message.id}: {text}")
                row = uow.outbox.get(message.id)
                _alert(uow, message.id, row.name if row else message.address, text)
        uow.commit()


def _alert(uow: UnitOfWork, message_id: int, name: str, reason: str) -> None:
    """The secretariat must know of a message that will not reach its recipient."""
    uow.alert(f"message-failed:{message_id}", AlertKind.MESSAGE_FAILED,
              f"E-posten til {name} (utboks {message_id}) kom ikkje fram: {reason}. Sjå "
              "[cmd:outbox.show] og send på nytt med [cmd:outbox.retry] når adressa er retta.",
              recipients=[uow.council.director_id], severity="critical")


def retry_failed(engine: Engine, clock: Clock, *, actor_id: str | None,
                 ids: list[int] | None = None) -> int:
    """Put failed messages (``ids``, or all) back to be sent now: the secretariat's to do, once
    the address or the server is put right."""
    with UnitOfWork(engine, clock) as uow:
        require_secretariat(uow, actor_id)
        if ids:
            missing = [i for i in ids if uow.outbox.get(i) is None]
            if missing:
                raise NotFound(f"Utboksen har inga melding {', '.join(map(str, missing))}.",
                               "Sjå id-ane med [cmd:outbox.list].", field="id")
        again = uow.outbox.retry(ids, uow.now)
        uow.commit()
    return again
