"""Every registered command, fed generated input (issue 8, "done when"): hypothesis draws each
field of the command's input model from a pool of good values (real case numbers, meetings,
people) and bad ones (empty, blank, control characters, bidi overrides, huge numbers, dates far
out, wrong types), with an actor who may or may not act. Whatever comes in:

- the command succeeds, or it is refused with a ``TingflytError`` (one line naming the problem):
  never another exception (a traceback for the person at the keyboard);
- a refused command leaves the database exactly as it was (no partial write).

The number of inputs tried is printed (``-s``) and held to a floor, so that the test cannot
pass by trying nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from domain.commands import registry
from domain.errors import TingflytError
from domain.store.tables import Base, Case
from tests.conftest import CE, CHAIR, DIRECTOR, Db
from tests.integration.test_case_lifecycle import register

RR = "RR-2026-08-27"
EXAMPLES_PER_COMMAND = 40
TRIED: dict[str, int] = {}

BAD_TEXT = ["", " ", "\t", "a\nb", "a\rb", "\x00", "x\x1b[31m", "snu\u202edd", "﻿bom",
            "x" * 60_000, "Robert'); DROP TABLE cases;--", "%s %d {0}", "ÆØÅ æøå", "..",
            "/etc/passwd", "-1", "0", "9" * 40]
GOOD = {
    "case": ["2026/1", "2026/2", "2026/99"], "meeting": [RR, "HT-2026-12-03", "RR-1999-01-01"],
    "person": [DIRECTOR, CHAIR, CE, "aal-ordforar", "hol-varaordforar", "nobody"],
    "body": ["council", "assembly", "admin_committee", "nope"],
    "date": ["2026-09-24", "24.9.2026", "9999-12-31", "0001-01-01", "2026-02-30", "i morgon"],
    "time": ["10:00", "25:00", "9.30", "-1:00"],
}
NUMBERS = [0, -1, 1, 2**31, 2**63, 10**30, 3.5]


def _values_for(name: str) -> st.SearchStrategy[Any]:
    key = {"substitute": "person", "proposer": "person", "chair": "person", "owner": "person",
           "lead": "person", "drawn": "person", "aim": "meeting", "deadline": "date",
           "due": "date", "answer_by": "date", "start": "time", "end": "time",
           "from_time": "time", "to_time": "time"}.get(name, name)
    good = GOOD.get(key, [])
    scalars = st.sampled_from(good + BAD_TEXT) | st.sampled_from(NUMBERS) | st.none() \
        | st.booleans() | st.text(max_size=30)
    return scalars | st.lists(scalars, max_size=3) | st.dictionaries(
        st.sampled_from(GOOD["person"] + ["", "\x00"]), scalars, max_size=3)


def _inputs(cmd: registry.Command[Any]) -> st.SearchStrategy[dict[str, Any]]:
    fields = cmd.input.model_fields
    return st.fixed_dictionaries({}, optional={name: _values_for(name) for name in fields})


def _fingerprint(db: Db) -> tuple[Any, ...]:
    def read(uow):  # noqa: ANN001, ANN202
        counts = tuple(uow.session.scalar(select(func.count()).select_from(table))
                       for table in Base.metadata.sorted_tables)
        cases = tuple(uow.session.execute(select(Case.id, Case.state, Case.version,
                                                 Case.agenda_meeting_id)).all())
        journal = uow.session.scalar(text("SELECT max(id) FROM journal"))
        return counts, cases, journal
    return db.read(read)


@pytest.fixture
def season(db: Db) -> Db:
    register(db, "Felles breiband")
    register(db, "Budsjett 2027", kind="budget")
    db.run("case.recommend", CE, case="2026/1", text="Tilråding.")
    db.reconcile("2026/1")
    return db


@pytest.mark.parametrize("name", sorted(registry.load_all()))
def test_generated_input_is_done_or_refused_cleanly(season: Db, name: str) -> None:
    cmd = registry.get(name)
    key = f"{name} [{season.kind}]"

    @settings(max_examples=EXAMPLES_PER_COMMAND, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(fields=_inputs(cmd), actor=st.sampled_from([DIRECTOR, CHAIR, CE, "aal-ordforar",
                                                      "nobody", None]))
    def attempt(fields: dict[str, Any], actor: str | None) -> None:
        TRIED[key] = TRIED.get(key, 0) + 1
        before = _fingerprint(season)
        try:
            registry.run(name, fields, actor, engine=season.engine, clock=season.clock)
        except TingflytError as refused:
            line = refused.one_line()
            assert line and "Traceback" not in line
            assert _fingerprint(season) == before, f"{name} {fields!r}: partial write"

    attempt()
    assert TRIED[key] >= EXAMPLES_PER_COMMAND // 2
    print(f"{key}: {TRIED[key]} generated inputs")


def test_the_pools_hold_what_broke_before() -> None:
    """The bad values include those the new user's run found (so the test looks for them)."""
    assert "\x00" in BAD_TEXT and "a\nb" in BAD_TEXT and 10**30 in NUMBERS
    assert "9999-12-31" in GOOD["date"] and date(9999, 12, 31).year == 9999
