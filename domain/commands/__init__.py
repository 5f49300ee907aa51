"""Entry points of change: each command is an input model, a permission, an effect and what
follows. Importing this package registers every command (``registry.REGISTRY``)."""

from domain.commands import (  # noqa: F401 - imported to register their commands
    attendance,
    cases,
    followup,
    init,
    meetings,
    votes,
    written,
)
