"""``python -m flows.cli``: the same as the installed ``tingflyt``."""

import sys

from flows.cli import run

sys.exit(run())
