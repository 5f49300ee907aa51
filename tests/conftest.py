"""Fixtures: real SQLite and PostgreSQL databases, a fixed clock, the Hallingdal organisation.

Every integration test that takes ``db`` runs twice: on a SQLite file and on PostgreSQL at
``TINGFLYT_TEST_POSTGRES_URL`` (default: the machine's local server, database ``test``). Outside
CI the PostgreSQL runs skip with the reason when no server answers; with ``CI=true`` they fail.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text

from config.organisation import load_organisation
from domain.commands import organisation as org_service
from domain.commands import registry
from domain.rules.calendar import FixedClock
from domain.store.db import make_engine
from domain.store.schema import upgrade
from domain.store.tables import Base
from domain.store.uow import UnitOfWork

ROOT = Path(__file__).resolve().parent.parent
HALLINGDAL = ROOT / "config" / "hallingdal.toml"
FJELLBYGD = ROOT / "config" / "fjellbygd.toml"
OSLO = ZoneInfo("Europe/Oslo")
POSTGRES_URL = os.environ.get(
    "TINGFLYT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

# People in config/hallingdal.toml
DIRECTOR = "dagleg-leiar"
STAFF = "radgjevar"
CHAIR = "gol-ordforar"  # leader of the council and the assembly
DEPUTY = "hol-ordforar"
CE = "gol-kommunedirektor"
MAYOR = "aal-ordforar"  # a mayor who is neither leader nor deputy
MEMBER = "aal-medlem-1"  # an assembly member with no other role


def oslo(day: date, clock: time = time(9, 0)) -> datetime:
    return datetime.combine(day, clock, tzinfo=OSLO)


SEASON_START = oslo(date(2026, 8, 3))  # a Monday, before the first council meeting's deadlines


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(SEASON_START)


def _load(engine: Engine, clock: FixedClock, path: Path = HALLINGDAL) -> None:
    with UnitOfWork(engine, clock) as uow:
        org_service.load_organisation(uow, load_organisation(path))
        uow.commit()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated, loaded SQLite file; each test gets a copy (fast and isolated)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    _load(engine, FixedClock(SEASON_START))
    engine.dispose()
    return path


def _postgres_available() -> str | None:
    try:
        engine = make_engine(POSTGRES_URL)
        with engine.connect() as connection:
            connection.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means: no server here
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    """A fresh schema in the test database, migrated once per session."""
    problem = _postgres_available()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"CI=true but PostgreSQL at {POSTGRES_URL} does not answer: {problem}. "
                        "Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) "
                        "main start")
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL} ({problem}); CI runs these")
    schema = f"tingflyt_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = _pg_engine(schema)
    upgrade(engine)
    _load(engine, FixedClock(SEASON_START))
    with engine.begin() as connection:  # a copy of the loaded rows, restored before each test
        connection.execute(text(f'CREATE SCHEMA "{schema}_tpl"'))
        for table in Base.metadata.sorted_tables:
            connection.execute(text(f'CREATE TABLE "{schema}_tpl".{table.name} AS '
                                    f'SELECT * FROM "{schema}".{table.name}'))
    engine.dispose()
    yield schema
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        connection.execute(text(f'DROP SCHEMA "{schema}_tpl" CASCADE'))
    admin.dispose()


def _restore(engine: Engine, schema: str) -> None:
    """Empty every table and put back the organisation as loaded (much faster than loading)."""
    tables = Base.metadata.sorted_tables
    with engine.begin() as connection:
        # DELETE beats TRUNCATE on tables this small (TRUNCATE makes new files for each).
        for table in reversed(tables):
            connection.execute(text(f"DELETE FROM {table.name}"))
        for table in tables:
            connection.execute(text(f'INSERT INTO {table.name} SELECT * FROM '
                                    f'"{schema}_tpl".{table.name}'))
            if "id" in table.c and table.c.id.autoincrement is not False \
                    and str(table.c.id.type) == "INTEGER":
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"coalesce(max(id), 1), max(id) IS NOT NULL) FROM {table.name}"))


def _pg_engine(schema: str) -> Engine:
    return make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})


TABLES = ["journal", "alerts", "deadlines", "treatments", "agenda_items", "cases", "meetings",
          "membership_periods", "memberships", "bodies", "people", "municipalities", "counters",
          "council"]


@dataclass
class Db:
    """A database ready for a test, with the clock and a few helpers."""

    engine: Engine
    clock: FixedClock
    kind: str
    url: str

    def at(self, day: date, clock: time = time(9, 0)) -> None:
        self.clock.set(oslo(day, clock))

    def run(self, name: str, actor: str, **fields: Any) -> Any:
        """Run the registered command ``name`` as ``actor``, as every entry point does (what
        follows is left to the test: ``reconcile`` or ``sweep``); returns the effect's result."""
        return registry.run(name, fields, actor, engine=self.engine, clock=self.clock).result

    def within(self, fn: Callable[..., Any], actor: str) -> Any:
        """Run ``fn(uow, actor)`` in one transaction: for a test that must set up a state no
        command makes (a data fix an older version might have left)."""
        with UnitOfWork(self.engine, self.clock) as uow:
            result = fn(uow, uow.people.actor(actor))
            uow.commit()
        return result

    def read(self, fn: Callable[[UnitOfWork], Any]) -> Any:
        with UnitOfWork(self.engine, self.clock, readonly=True) as uow:
            return fn(uow)

    def sweep(self) -> Any:
        from domain.engine.sweep import sweep

        return sweep(self.engine, self.clock)

    def reconcile(self, number: str) -> list[str]:
        from domain.engine.reconcile import reconcile

        return reconcile(self.engine, self.clock, number)

    def count(self, table: str) -> int:
        with self.engine.connect() as connection:
            return int(connection.execute(text(f"select count(*) from {table}")).scalar_one())

    def counts(self) -> dict[str, int]:
        return {t: self.count(t) for t in TABLES}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock) -> Iterator[Db]:
    if request.param == "sqlite":
        path = tmp_path / "tingflyt.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        engine = make_engine(url)
    else:
        schema = request.getfixturevalue("postgres_schema")
        engine = _pg_engine(schema)
        url = POSTGRES_URL
        _restore(engine, schema)
    yield Db(engine, clock, request.param, url)
    engine.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path, clock: FixedClock, sqlite_template: Path) -> Iterator[Db]:
    """SQLite only, for tests about the embedded default itself."""
    path = tmp_path / "tingflyt.sqlite"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield Db(engine, clock, "sqlite", f"sqlite:///{path}")
    engine.dispose()
