"""``python -m flows.demo``: play the season (``make demo``)."""

import sys

from flows.demo.season import main

sys.exit(main())
