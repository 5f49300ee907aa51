"""Alembic environment: runs on the engine tingflyt hands over (see ``domain.store.db.upgrade``)."""

from __future__ import annotations

from alembic import context

from config.settings import Settings
from domain.store.core import metadata
from domain.store.db import make_engine

config = context.config
target_metadata = metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:  # plain `alembic` command line: build one from the URL setting

        engine = make_engine(Settings.from_environ().resolved_database_url())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("tingflyt migrations run online only: use `tingflyt init`.")
run_migrations_online()
