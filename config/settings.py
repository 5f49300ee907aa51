"""Settings from the environment (``TINGFLYT_*``), with defaults for the embedded setup.

- ``TINGFLYT_DATA_DIR``      where the SQLite file, outputs and Prefect's home live (``./data``)
- ``TINGFLYT_DATABASE_URL``  a SQLAlchemy URL; default ``sqlite:///<data dir>/tingflyt.sqlite``
- ``TINGFLYT_ORG_FILE``      the organisation file ``tingflyt init`` reads by default
- ``TINGFLYT_AS``            the acting person's id, if ``--as`` is not given (read by the CLI)
- ``TINGFLYT_OUTBOX_DIR``    where messages are written as ``.eml`` files when no SMTP server is
                             set (``<data dir>/outbox``: the embedded default)
- ``TINGFLYT_SMTP_HOST``     the mail server; when set, messages go out by SMTP instead
- ``TINGFLYT_SMTP_PORT``     (587), ``TINGFLYT_SMTP_SECURITY`` (starttls | ssl | none),
  ``TINGFLYT_SMTP_USER``, ``TINGFLYT_SMTP_PASSWORD`` (never printed nor logged),
  ``TINGFLYT_SMTP_CA_FILE`` (an extra certificate authority to trust, for a server whose
  certificate a public CA did not sign), ``TINGFLYT_SMTP_TIMEOUT`` (seconds, 30)

Three plain strings from the environment: read with ``os.environ``, not pydantic-settings,
which cost 50-80 ms of start-up on every command for this (measured by ``make bench``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from domain.errors import InvalidInput

CONFIG_DIR = Path(__file__).resolve().parent
DEFAULT_ORG_FILE = CONFIG_DIR / "hallingdal.toml"
PREFIX = "TINGFLYT_"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    database_url: str | None = None
    org_file: Path = DEFAULT_ORG_FILE
    outbox_dir: Path | None = None
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_ca_file: Path | None = None
    smtp_timeout: float = 30.0
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
        if env.get(PREFIX + "OUTBOX_DIR"):
            values["outbox_dir"] = Path(env[PREFIX + "OUTBOX_DIR"])
        for name in ("host", "security", "user", "password"):
            if env.get(f"{PREFIX}SMTP_{name.upper()}"):
                values[f"smtp_{name}"] = env[f"{PREFIX}SMTP_{name.upper()}"]
        if env.get(PREFIX + "SMTP_CA_FILE"):
            values["smtp_ca_file"] = Path(env[PREFIX + "SMTP_CA_FILE"])
        for name, kind in (("port", int), ("timeout", float)):
            raw = env.get(f"{PREFIX}SMTP_{name.upper()}")
            if raw:
                try:
                    values[f"smtp_{name}"] = kind(raw)
                except ValueError:
                    raise InvalidInput(f"{PREFIX}SMTP_{name.upper()}={raw!r} er ikkje eit tal.",
                                       "Set eit tal (t.d. 587 for porten), eller ta vekk "
                                       "innstillinga.",
                                       field=f"{PREFIX}SMTP_{name.upper()}") from None
        return cls(**values, given=frozenset(values))  # type: ignore[arg-type]

    def resolved_outbox_dir(self) -> Path:
        return self.outbox_dir or self.data_dir / "outbox"

    def resolved_feeds_dir(self) -> Path:
        """Where the public calendar feeds are kept (``<data dir>/feeds/<body>.ics``)."""
        return self.data_dir / "feeds"

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tingflyt.sqlite').as_posix()}"
