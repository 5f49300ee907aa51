"""A flow-run process freezes Prefect's objects out of the garbage collector's full collections
before the first of our modules is imported (``flows.startup``), and no other process does.

Each case is a fresh process that does what ``python -m prefect.engine`` does before a run:
Prefect imported, then the deployment's entry point loaded by Prefect's own loader. A finder at
the head of ``sys.meta_path`` notes how many objects were frozen when the first module of the
domain and of SQLAlchemy was asked for."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """\
import gc, json, sys
import prefect.flow_engine
from prefect.flows import load_flow_from_entrypoint

first = {}

class Watch:
    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if top in ("domain", "sqlalchemy") and top not in first:
            first[top] = gc.get_freeze_count()
        return None

before = {top for top in ("domain", "sqlalchemy") if top in sys.modules}
sys.meta_path.insert(0, Watch())
flow = load_flow_from_entrypoint(sys.argv[1])
print(json.dumps({"flow": flow.name, "first": first, "before": sorted(before),
                  "frozen": gc.get_freeze_count()}))
"""

#: A staff form's and a scheduled flow's: the two modules every deployment's entry point is in.
ENTRY_POINTS = ["flows/forms.py:meeting_notice", "flows/engine.py:dispatch_flow"]


def _load(entrypoint: str, run_id: str | None) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT__FLOW_RUN_ID"}
    if run_id is not None:
        env["PREFECT__FLOW_RUN_ID"] = run_id
    done = subprocess.run([sys.executable, "-c", PROBE, entrypoint], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("entrypoint", ENTRY_POINTS)
def test_a_flow_run_process_freezes_prefect_before_our_first_import(entrypoint: str) -> None:
    seen = _load(entrypoint, str(uuid.uuid4()))
    assert seen["before"] == [], "Prefect alone imported our modules or SQLAlchemy"
    assert seen["first"]["domain"] > 10_000, seen  # Prefect's objects, frozen already
    assert seen["first"]["sqlalchemy"] > 10_000, seen
    assert seen["frozen"] > 10_000


@pytest.mark.parametrize("entrypoint", ENTRY_POINTS[:1])
def test_no_other_process_freezes_anything(entrypoint: str) -> None:
    seen = _load(entrypoint, None)
    assert seen["flow"].startswith("tingflyt-")
    assert seen["first"] == {"domain": 0, "sqlalchemy": 0}
    assert seen["frozen"] == 0
