"""``python -m flows.cli``: the same as the installed ``tingflyt``."""

import sys

from flows.cli import main

sys.exit(main())
