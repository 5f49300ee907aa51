"""Wiring for entry points: settings, the engine, the clock, and reading.

Used by the CLI, the Prefect flows and the demo alike. Changes go through the command registry
(``domain.commands.registry.run``), whoever starts them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from domain.errors import InvalidInput

T = TypeVar("T")

#: Naive times given on the command line are read in the council's zone.
DEFAULT_ZONE = ZoneInfo("Europe/Oslo")


@functools.lru_cache(maxsize=4)
def engine_for(url: str) -> Any:
    from domain.store.db import make_engine

    return make_engine(url, create_folder=False)  # only ``tingflyt init`` makes the folder


def settings() -> Any:
    from config.settings import Settings

    return Settings.from_environ()


def database_url() -> str:
    return settings().resolved_database_url()


def transport_for(config: Any = None) -> Any:
    """Where messages go: the SMTP server of ``TINGFLYT_SMTP_HOST`` when one is set, else (the
    embedded default) ``.eml`` files in the outbox folder, which a mail client opens."""
    config = config or settings()
    if config.smtp_host:
        from domain.errors import InvalidInput
        from notifications.transports.smtp import SmtpConfig, SmtpTransport

        try:
            smtp = SmtpConfig(host=config.smtp_host, port=config.smtp_port,
                              username=config.smtp_user, password=config.smtp_password,
                              security=config.smtp_security, ca_file=config.smtp_ca_file,
                              timeout=config.smtp_timeout)
        except ValueError as exc:
            field = str(exc).partition(":")[0]
            raise InvalidInput(f"E-postinnstillinga er ugyldig: {exc}.",
                               "Sjå TINGFLYT_SMTP_* i README.",
                               field=f"TINGFLYT_SMTP_{field.upper()}") from None
        return SmtpTransport(smtp)
    from notifications.transports.files import FileTransport

    return FileTransport(config.resolved_outbox_dir())


def deliver(engine: Any, clock: Any, config: Any = None) -> dict[str, Any]:
    """Send what the outbox holds that is due, then bring the public calendar feeds (one
    ``.ics`` per body, in ``<data dir>/feeds``) up to date with what was changed."""
    from domain.store.uow import UnitOfWork
    from notifications.dispatch import dispatch
    from notifications.feeds import write_feeds

    config = config or settings()
    report = dispatch(engine, clock, transport_for(config)).as_dict()
    with UnitOfWork(engine, clock, readonly=True) as uow:
        written = write_feeds(uow, config.resolved_feeds_dir())
    return {**report, "feeds": [str(p) for p in written]}


def clock_for(now: datetime | None) -> Any:
    """The clock at ``now`` (a time without an offset is Europe/Oslo's, as people type it in a
    form), or the real one."""
    from domain.rules.calendar import FixedClock, SystemClock

    if now is None:
        return SystemClock()
    return FixedClock(now if now.tzinfo is not None else now.replace(tzinfo=DEFAULT_ZONE))


def read(engine: Any, clock: Any, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a read-only query function ``fn(uow, ...)``."""
    from domain.store.uow import UnitOfWork

    with UnitOfWork(engine, clock, readonly=True) as uow:
        return fn(uow, *args, **kwargs)


def read_rows(engine: Any, clock: Any, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a read model ``fn(unit, ...)`` that needs only rows in a ``ReadingUnit``: no ORM is
    imported or mapped, which is most of a read command's start-up (``domain.store.reading``).
    ``fn`` may use the read side and the lookups a reading unit has, nothing else."""
    from domain.store.reading import ReadingUnit

    with ReadingUnit(engine, clock) as unit:
        return fn(unit, *args, **kwargs)


# -- parsing what people type ---------------------------------------------------------------

def parse_date(value: str, field: str) -> date:
    from domain.rules.calendar import parse_day

    day = parse_day(value)
    if day is None:
        raise InvalidInput(f"Ugyldig dato «{value}» i --{field}.",
                           "Skriv datoen som ÅÅÅÅ-MM-DD, t.d. 2026-09-24.", field=field)
    return day


def parse_now(value: str) -> datetime:
    """``--now``: a date (09:00 that day) or a date and time, local to Europe/Oslo unless an
    offset is given."""
    text = value.strip()
    try:
        if re.match(r"^\d{4}-\d{2}-\d{2}$", text):
            parsed = datetime.combine(date.fromisoformat(text), time(9, 0))
        else:
            parsed = datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        raise InvalidInput(f"Ugyldig tid «{value}» i --now.",
                           "Skriv t.d. 2026-09-24 eller 2026-09-24T10:30.", field="now") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=DEFAULT_ZONE)
    return parsed.astimezone(UTC)
