"""The dispatcher: claim due outbox rows, compose each, send it, mark it; back off on temporary
failures. It never touches a case or a meeting: it only delivers what the changes wrote.

One run, in three kinds of short transactions, never holding one open while it talks to a mail
server:

1. **claim** up to ``batch`` due rows (``pending`` and due, or ``sending`` under a claim older
   than the lease, i.e. of a run that died) for this run's token, in one statement;
2. **compose** each (``notifications.messages.render``, with a fresh DTSTAMP) and **send** it
   through the transport, one connection for the batch;
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

import uuid
from collections.abc import Callable
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
        found, claimed, ready = _claim_and_compose(engine, clock, token, size, lease, report)
        if not claimed:
            # Rows were due but another dispatcher claimed them between our read and our claim:
            # there may be more behind them, so look again (a few times) before stopping.
            if found and lost < LOOK_AGAIN:
                lost += 1
                continue
            break
        lost = 0
        report.claimed += claimed
        if ready and not _send_batch(engine, clock, transport, token, ready, max_attempts,
                                     report, after_send):
            break
    return report


#: How many times in a row a run looks again after another dispatcher took the rows it read.
LOOK_AGAIN = 3


def _claim_and_compose(engine: Engine, clock: Clock, token: str, size: int, lease: timedelta,
                       report: DispatchReport) -> tuple[int, int, list[_Ready]]:
    """Claim up to ``size`` due rows, then compose them: (rows found due, rows claimed, the
    messages ready to send). The claim is committed before anything is rendered, so its row
    locks are held for one statement, not for the rendering of a whole batch."""
    with UnitOfWork(engine, clock) as uow:
        now = uow.now
        ids = uow.outbox.claimable_ids(now, now - lease, size)
        claimed = len(uow.outbox.claim(ids, token, now, now - lease))
        uow.commit()
    if not claimed:
        return len(ids), 0, []
    with UnitOfWork(engine, clock) as uow:
        rows = uow.outbox.held(token)
        ready = []
        for row in rows:
            why = _overtaken(uow, row)
            if why is not None:
                uow.outbox.mark_dropped(row.id, token, why)
                report.dropped += 1
                continue
            try:
                composed = render(uow, row, stamp=now)
                ready.append(_Ready(row.id, row.key, composed.from_address, row.address,
                                    row.attempts, as_bytes(compose(composed))))
            except ValueError as exc:  # an address or a header the mail cannot carry
                uow.outbox.mark_failed(row.id, token, f"kan ikkje lagast: {exc}")
                report.failed += 1
                report.problems.append(f"{row.id}: {exc}")
                _alert(uow, row.id, row.name, str(exc))
        uow.commit()
    return len(ids), claimed, ready


def _overtaken(uow: UnitOfWork, row: Any) -> str | None:
    meeting = uow.meetings.find(row.meeting_id) if row.meeting_id is not None else None
    case = uow.cases.find(row.case_id) if row.case_id is not None else None
    return overtaken(row.kind,
                     meeting_cancelled=meeting is not None
                     and meeting.status == MeetingStatus.CANCELLED,
                     case_ended=case is not None
                     and case.state in (CaseState.WITHDRAWN, CaseState.CLOSED))


def _send_batch(engine: Engine, clock: Clock, transport: Transport, token: str,
                ready: list[_Ready], max_attempts: int, report: DispatchReport,
                after_send: Callable[[int], None] | None) -> bool:
    """Send one batch over one connection; False if the run must stop."""
    outcomes: list[tuple[_Ready, str, str]] = []  # (message, "sent"/"retry"/"failed", text)
    stop = None
    try:
        with OutboxMarker(engine) as marker, transport:
            for index, message in enumerate(ready):
                try:
                    receipt = transport.send(message.sender, [message.address], message.data,
                                             key=message.key)
                except TemporaryFailure as exc:
                    outcomes.append((message, "retry", exc.reason))
                    if getattr(transport, "broken", False):
                        stop = f"sambandet fall bort: {exc.reason}"
                        outcomes += [(m, "release", stop) for m in ready[index + 1:]]
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
        outcomes += [(m, "release", exc.reason) for m in ready if m.id not in done]
    except TemporaryFailure as exc:  # the connection could not be opened at all
        stop = f"ingen samband med e-posttenaren: {exc.reason}"
        done = {m.id for m, _o, _t in outcomes}
        outcomes += [(m, "retry", exc.reason) for m in ready if m.id not in done]
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
