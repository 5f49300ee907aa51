"""Settings from the environment (``TINGFLYT_*``), with defaults for the embedded setup.

- ``TINGFLYT_DATA_DIR``      where the SQLite file, outputs and Prefect's home live (``./data``)
- ``TINGFLYT_DATABASE_URL``  a SQLAlchemy URL; default ``sqlite:///<data dir>/tingflyt.sqlite``
- ``TINGFLYT_ORG_FILE``      the organisation file ``tingflyt init`` reads by default
- ``TINGFLYT_AS``            the acting person's id, if ``--as`` is not given (read by the CLI)

Three plain strings from the environment: read with ``os.environ``, not pydantic-settings,
which cost 50-80 ms of start-up on every command for this (measured by ``make bench``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parent
DEFAULT_ORG_FILE = CONFIG_DIR / "hallingdal.toml"
PREFIX = "TINGFLYT_"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    database_url: str | None = None
    org_file: Path = DEFAULT_ORG_FILE
    #: The settings given in the environment (not defaults).
    given: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if env.get(PREFIX + "DATA_DIR"):
            values["data_dir"] = Path(env[PREFIX + "DATA_DIR"])
        if env.get(PREFIX + "DATABASE_URL"):
            values["database_url"] = env[PREFIX + "DATABASE_URL"]
        if env.get(PREFIX + "ORG_FILE"):
            values["org_file"] = Path(env[PREFIX + "ORG_FILE"])
        return cls(**values, given=frozenset(values))  # type: ignore[arg-type]

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tingflyt.sqlite').as_posix()}"
