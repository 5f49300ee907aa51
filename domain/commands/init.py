"""``init``: read the organisation file and load it into the store (repeatable: an unchanged
file changes nothing). Run by whoever operates tingflyt on the machine."""

from __future__ import annotations

from config.organisation import load_organisation as read_organisation_file
from domain.commands.fields import described
from domain.commands.organisation import LoadReport, load_organisation
from domain.commands.registry import CommandInput, command
from domain.rules.access import OPERATOR, Actor, allowed
from domain.store.uow import UnitOfWork


class Init(CommandInput):
    """Lese inn organisasjonsfila (load the organisation file)."""

    org_file: str = described("Organisasjonsfila (TOML)", "the organisation file (TOML)",
                              min_length=1)


@command("init", Init, what="lese inn organisasjonsfila", allowed=allowed(OPERATOR))
def init(uow: UnitOfWork, actor: Actor, data: Init) -> LoadReport:
    """Les inn organisasjonsfila: råd, personar, organ, medlemskap og møteplan."""
    return load_organisation(uow, read_organisation_file(data.org_file))
