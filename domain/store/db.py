"""Engines and schema: SQLite (the embedded default) and PostgreSQL, through SQLAlchemy 2.

The schema is created and upgraded by Alembic only (``migrations/``), never by ``create_all``,
so a database made by ``tingflyt init`` is exactly what the migrations say.

SQLite runs in WAL mode with real transactions: writing transactions start with
``BEGIN IMMEDIATE`` so that two writers queue for the lock instead of failing half-way, and
read-only ones with a plain ``BEGIN`` so readers never wait.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from domain.errors import InvalidInput, NotInitialised
from domain.store.tables import Base, CouncilRecord, postgresql_conditions

READONLY = "tingflyt_readonly"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the settings tingflyt relies on."""
    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - SQLAlchemy raises several kinds here
        raise InvalidInput(
            f"Ugyldig database-URL «{url}».",
            "Bruk t.d. sqlite:///data/tingflyt.sqlite eller "
            "postgresql+psycopg://brukar@127.0.0.1:5432/tingflyt.", field="database_url",
        ) from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise InvalidInput(
                    f"Kan ikkje lage datamappa {folder} ({exc.strerror}).",
                    "Set TINGFLYT_DATA_DIR til ei mappe du kan skrive i.",
                    field="data_dir") from None
        engine = create_engine(parsed, connect_args={"timeout": 30}, **kwargs)
        _sqlite_transactions(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed, pool_pre_ping=True, **kwargs)
        postgresql_conditions(Base.metadata)  # the dialect is loaded now: no cost to declare
        return engine
    raise InvalidInput(
        f"Databasen «{parsed.get_backend_name()}» er ikkje støtta.",
        "Bruk SQLite (sqlite:///...) eller PostgreSQL (postgresql+psycopg://...).",
        field="database_url",
    )


def _sqlite_transactions(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        readonly = connection.get_execution_options().get(READONLY, False)
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def sqlite_file(engine: Engine) -> Path | None:
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def require_schema(engine: Engine) -> None:
    """Refuse to work on a database that ``tingflyt init`` has not prepared (without creating
    an empty SQLite file on the way), or that does not answer."""
    where = engine.url.render_as_string(hide_password=True)
    path = sqlite_file(engine)
    if path is not None and not path.exists():
        raise NotInitialised(f"Databasen {path} finst ikkje enno.",
                             "Køyr [cmd:init] først (han lagar tabellane og les inn "
                             "organisasjonsfila), eller sjekk TINGFLYT_DATA_DIR.")
    try:
        with engine.connect() as connection:
            ready = _has_council(connection)
    except DBAPIError as exc:
        first = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise NotInitialised(f"Får ikkje kontakt med databasen {where}: {first}.",
                             "Sjekk TINGFLYT_DATABASE_URL og at databasetenaren køyrer.",
                             field="database_url") from None
    if not ready:
        raise NotInitialised(
            f"Databasen {where} er ikkje klargjord.",
            "Køyr [cmd:init] først (han lagar tabellane og les inn organisasjonsfila).",
        )


def council_source(engine: Engine) -> str | None:
    """The organisation file this database was last loaded from (``council.source``); None if
    it has no council yet or does not answer (``tingflyt init`` reports that itself)."""
    path = sqlite_file(engine)
    if path is not None and not path.exists():
        return None  # asking would create an empty SQLite file
    try:
        with engine.connect() as connection:
            if not _has_council(connection):
                return None
            return connection.execute(select(CouncilRecord.source)).scalar()
    except DBAPIError:
        return None


def _has_council(connection: Connection) -> bool:
    """Whether the schema is there, asked in a read-only transaction: on SQLite a plain
    ``BEGIN``, so that a read never takes (or waits for) the write lock only to look."""
    return inspect(connection.execution_options(**{READONLY: True})).has_table("council")


def database_failure(error: BaseException) -> str | None:
    """If ``error`` is the database failing at its own work (the server gone, the disk full, a
    file it cannot open), the first line of what it said; None for anything else."""
    if not isinstance(error, OperationalError):
        return None
    return str(error.orig).strip().splitlines()[0] if error.orig else str(error)
