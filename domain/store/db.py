"""Engines and schema: SQLite (the embedded default) and PostgreSQL, through SQLAlchemy 2.

The schema is created and upgraded by Alembic only (``migrations/``), never by ``create_all``,
so a database made by ``tingflyt init`` is exactly what the migrations say.

SQLite runs in WAL mode with real transactions: writing transactions start with
``BEGIN IMMEDIATE`` so that two writers queue for the lock instead of failing half-way, and
read-only ones with a plain ``BEGIN`` so readers never wait.
"""

from __future__ import annotations

import os
import sqlite3
import weakref
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from domain.errors import DatabaseProblem, InvalidInput, NotInitialised, TingflytError
from domain.store.core import council, metadata, postgresql_conditions

READONLY = "tingflyt_readonly"

#: SQLite engines on a file in a folder tingflyt cannot write to: the folder, for the refusal.
_READ_ONLY_FOLDERS: weakref.WeakKeyDictionary[Engine, Path] = weakref.WeakKeyDictionary()

#: What SQLite says of a file that is not (or no longer) a whole SQLite database.
_NOT_A_DATABASE = ("file is not a database", "database disk image is malformed")


def make_engine(url: str, *, create_folder: bool = True, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the settings tingflyt relies on. For a SQLite file, the
    folder is made when ``create_folder`` (``tingflyt init``; a read never makes it, see
    ``prepare_folder``). A file in a folder that cannot be written to is opened read-only and
    unchanging: reads work (WAL mode would need to make its ``-shm`` file there), and writes
    are refused naming the folder (``database_refusal``)."""
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
        file = None
        if database and database != ":memory:" and not database.startswith("file:"):
            file = Path(database).expanduser()
            if create_folder:
                _make_folder(file.parent)
        if file is not None and file.is_file() and not (
                _writable(file.parent) and _writable(file)):
            # Unchanging only without a write-ahead log left beside it (else it would be
            # ignored): then SQLite reads the log through its -shm file, read-only.
            wal_left = file.with_name(file.name + "-wal").exists()
            uri = f"file:{quote(str(file.resolve()))}?mode=ro" + (
                "" if wal_left else "&immutable=1")
            engine = create_engine(parsed, creator=lambda: sqlite3.connect(
                uri, uri=True, timeout=30, check_same_thread=False), **kwargs)
            _READ_ONLY_FOLDERS[engine] = file.parent
            _sqlite_transactions(engine, wal=False)
            return engine
        engine = create_engine(parsed, connect_args={"timeout": 30}, **kwargs)
        _sqlite_transactions(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed, pool_pre_ping=True, **kwargs)
        postgresql_conditions(metadata)  # the dialect is loaded now: no cost to declare
        return engine
    raise InvalidInput(
        f"Databasen «{parsed.get_backend_name()}» er ikkje støtta.",
        "Bruk SQLite (sqlite:///...) eller PostgreSQL (postgresql+psycopg://...).",
        field="database_url",
    )


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK)


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidInput(
            f"Kan ikkje lage datamappa {folder} ({exc.strerror}).",
            "Set TINGFLYT_DATA_DIR til ei mappe du kan skrive i.",
            field="data_dir") from None


def prepare_folder(engine: Engine) -> None:
    """Make the folder of a SQLite file (``tingflyt init``: the one command that makes it)."""
    path = sqlite_file(engine)
    if path is not None:
        _make_folder(path.parent)


def _sqlite_transactions(engine: Engine, *, wal: bool = True) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if wal:  # a read-only file keeps the journal mode init gave it
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        readonly = connection.get_execution_options().get(READONLY, False) or not wal
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
        raise database_refusal(exc, engine) from None
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
            return connection.execute(select(council.c.source)).scalar()
    except DBAPIError:
        return None


def _has_council(connection: Connection) -> bool:
    """Whether the schema is there, asked in a read-only transaction: on SQLite a plain
    ``BEGIN``, so that a read never takes (or waits for) the write lock only to look."""
    return inspect(connection.execution_options(**{READONLY: True})).has_table("council")


def _first_line(error: DBAPIError) -> str:
    return str(error.orig).strip().splitlines()[0] if error.orig else type(error).__name__


def database_refusal(error: BaseException, engine: Engine | None) -> TingflytError | None:
    """If ``error`` is the database failing at its own work (a file that is not a database, a
    read-only folder, the server gone, the disk full), a refusal that says which; None for
    anything else."""
    if not isinstance(error, DBAPIError):
        return None
    first = _first_line(error)
    path = sqlite_file(engine) if engine is not None else None
    if path is None:
        where = engine.url.render_as_string(hide_password=True) if engine is not None else ""
        return DatabaseProblem(f"Databasefeil{f' i {where}' if where else ''}: {first}.",
                               "Sjekk TINGFLYT_DATABASE_URL, at databasetenaren køyrer og at "
                               "det er plass på disken.", field="database_url")
    said = first.lower()
    if any(text in said for text in _NOT_A_DATABASE):
        return DatabaseProblem(
            f"{path} er ikkje ein tingflyt-database (SQLite) eller er øydelagd ({first}).",
            f"Flytt fila vekk (t.d. til {path.name}.gammal) og køyr [cmd:init] på nytt, eller "
            "set TINGFLYT_DATA_DIR til mappa der databasen ligg.", field="data_dir")
    folder = _READ_ONLY_FOLDERS.get(engine) if engine is not None else None
    if folder is not None or "readonly database" in said:
        folder = folder or path.parent
        return DatabaseProblem(
            f"Datamappa {folder} (eller {path.name}) er skrivebeskytta: tingflyt kan lese, men "
            "ikkje skrive der; ingenting er endra.",
            "Gje skriveløyve til mappa og fila, eller set TINGFLYT_DATA_DIR til ei mappe du kan "
            "skrive i.", field="data_dir")
    if "unable to open" in said:
        return DatabaseProblem(f"Kan ikkje opne databasefila {path} ({first}).",
                               "Sjekk at mappa og fila finst og at du har løyve til dei, eller "
                               "set TINGFLYT_DATA_DIR.", field="data_dir")
    return DatabaseProblem(f"Databasefeil i {path}: {first}.",
                           "Sjekk at det er plass på disken og at fila ikkje er øydelagd.",
                           field="data_dir")
