"""Settings from the environment (``TINGFLYT_*``), with defaults for the embedded setup.

- ``TINGFLYT_DATA_DIR``      where the SQLite file, outputs and Prefect's home live (``./data``)
- ``TINGFLYT_DATABASE_URL``  a SQLAlchemy URL; default ``sqlite:///<data dir>/tingflyt.sqlite``
- ``TINGFLYT_ORG_FILE``      the organisation file ``tingflyt init`` reads by default
- ``TINGFLYT_AS``            the acting person's id, if ``--as`` is not given
"""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

CONFIG_DIR = Path(__file__).resolve().parent
DEFAULT_ORG_FILE = CONFIG_DIR / "hallingdal.toml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TINGFLYT_", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str | None = None
    org_file: Path = DEFAULT_ORG_FILE

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tingflyt.sqlite').as_posix()}"
