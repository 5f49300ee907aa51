"""Entry points of change: each command is an input model, a permission, an effect and what
follows. Each module registers its commands when imported; ``registry`` knows which module
registers which command and imports only that one to run it (``registry.MODULES``)."""
