"""The start of a flow-run process: Prefect's objects are frozen out of the garbage collector's
full collections before our modules are imported.

Prefect's runner (``make serve``) and its process workers start a fresh Python process for every
flow run (``python -m prefect.engine``, with ``PREFECT__FLOW_RUN_ID`` set). That process has
imported Prefect, some 110,000 objects that live as long as the process, when it loads the flow's
module, ours. The imports that follow (SQLAlchemy, the domain, the command) then set off full
collections, and each scans every one of Prefect's objects again: about 0.15 s of a staff form's
run before it is Running, measured on 2026-12-02 (figure 7a of ``make bench``). ``gc.freeze()``
at that moment moves what exists into the permanent generation, so that those collections scan
only what came after. Nothing that exists then is ever collected as a cycle, which costs nothing
in a process that ends with its run.

The flows' modules (``flows.engine``, ``flows.forms``: every deployment's entry point) import
this module before any other of ours (a plain ``import`` comes before the ``from`` imports in
their sorted import block); ``tests/e2e/test_flow_run_start.py`` holds them to it. In every
other process (the CLI, the demo, the tests, the serving runner, a worker) it does nothing: a
long-lived process should collect what it makes.
"""

from __future__ import annotations

import gc
import os

#: Set by Prefect's runner and workers for the process they start for one flow run.
FLOW_RUN_ID = "PREFECT__FLOW_RUN_ID"


def in_flow_run_process() -> bool:
    """Whether this process was started by Prefect to run one flow run."""
    return bool(os.environ.get(FLOW_RUN_ID))


def freeze() -> bool:
    """``gc.freeze()`` in a flow-run process; whether it froze."""
    if not in_flow_run_process():
        return False
    gc.freeze()
    return True


freeze()
