"""``tingflyt init`` and ``tingflyt org show``: the organisation file and what it says."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from flows.cli.common import JsonOpt, command

app = typer.Typer(no_args_is_help=True, help="Organisasjonen: råd, organ og medlemer.")


def init(
    org: Annotated[Path | None, typer.Option(
        "--org", help="Organisasjonsfila (standard: TINGFLYT_ORG_FILE eller "
        "config/hallingdal.toml).")] = None,
    json_output: JsonOpt = False,
) -> None:
    """Lag eller oppgrader databasen og les inn organisasjonsfila (kan køyrast fleire gonger)."""
    from config.organisation import load_organisation
    from domain.rules.access import OPERATOR_ACTOR
    from domain.store.db import prepare_folder
    from domain.store.schema import upgrade
    from flows.app import settings
    from flows.output import render_init

    with command(json_output, need_schema=False) as s:
        path = org or _default_org_file(s.engine, settings())
        load_organisation(path)  # a broken file is refused before the schema is touched
        prepare_folder(s.engine)  # the one command that makes the data folder
        revision = upgrade(s.engine)
        report = s.run("init", OPERATOR_ACTOR, view=lambda uow, r: r, org_file=str(path))
        data = {**report.as_dict(), "database": s.engine.url.render_as_string(
            hide_password=True), "schema_revision": revision, "org_file": str(path)}
        s.emit(data, render_init)


def _default_org_file(engine: Any, config: Any) -> Path:
    """Without --org: TINGFLYT_ORG_FILE if set, else the file this database was loaded from,
    else Hallingdal's."""
    if "org_file" in config.given:
        return Path(config.org_file)
    from domain.store.db import council_source

    source = council_source(engine)  # None if it cannot be read: init reports that itself
    if source and Path(source).exists():
        return Path(source)
    return Path(config.org_file)


@app.command("show")
def org_show(json_output: JsonOpt = False) -> None:
    """Vis rådet: kommunar, organ, medlemer og varamedlemer i rekkjefølgje."""
    from domain.queries.organisation import org_view
    from flows.output import render_org

    with command(json_output) as s:
        s.emit(s.read_rows(org_view), render_org)
