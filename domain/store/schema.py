"""The schema: Alembic migrations run on tingflyt's own engine (``tingflyt init``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine


def migrations_path() -> Path:
    return Path(str(resources.files("migrations")))


def alembic_config(engine: Engine) -> Any:

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_path()))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> str | None:
    """Create or upgrade the schema to the newest migration; return the new revision."""

    cfg = alembic_config(engine)
    command.upgrade(cfg, "head")
    return current_revision(engine)


def current_revision(engine: Engine) -> str | None:

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_path()))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head
