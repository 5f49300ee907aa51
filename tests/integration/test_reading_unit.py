"""The read commands run in a ``ReadingUnit`` (rows from the Core tables, no ORM); the same read
models run in a command's unit of work on ORM objects. Both must read the same, on SQLite and
PostgreSQL, and a reading unit must write nothing."""

from __future__ import annotations

from typing import Any

import pytest

from domain.errors import NotAllowed, NotFound
from domain.queries.cases import case_audience, case_detail, case_list
from domain.queries.followup import followup_list
from domain.queries.format import PUBLIC
from domain.queries.journal import alert_list, journal_list
from domain.queries.organisation import membership_at, org_view
from domain.queries.outbox import outbox_list
from domain.store.reading import ReadingUnit
from domain.store.uow import UnitOfWork
from flows.app import read, read_rows
from tests.bench import run as bench
from tests.bench.notices import COUNCIL_MEETING, to_the_assembly_notice
from tests.conftest import Db

DIRECTOR = "dagleg-leiar"
CHIEF = "gol-kommunedirektor"
#: Who reads: the secretariat, a member of the council, a member of the assembly only, the public.
READERS = (DIRECTOR, "gol-ordforar", "gol-medlem-2", None)


def every_read(engine: Any, clock: Any, reader: Any) -> dict[str, Any]:
    """Everything a read command on rows shows, read with ``reader`` (``read`` or
    ``read_rows``)."""
    def run(fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return reader(engine, clock, fn, *args, **kwargs)
        except (NotAllowed, NotFound) as refused:  # the refusal is part of what is shown
            return {"refused": str(refused), "field": refused.field}

    numbers = [c["number"] for c in reader(engine, clock, case_list)]
    shown: dict[str, Any] = {"org": run(org_view), "numbers": numbers}
    for who in READERS:
        shown[f"list {who}"] = run(case_list, actor_id=who)
        shown[f"open {who}"] = run(case_list, actor_id=who, open_only=True, body="assembly")
        shown[f"journal {who}"] = run(journal_list, actor_id=who, limit=500)
        shown[f"journal {who} {COUNCIL_MEETING}"] = run(journal_list, actor_id=who,
                                                         meeting=COUNCIL_MEETING, limit=50)
        shown[f"alerts {who}"] = run(alert_list, actor_id=who)
        shown[f"outbox {who}"] = run(outbox_list, actor_id=who, limit=1000)
        for number in numbers:
            shown[f"{number} {who}"] = run(lambda u, n=number, w=who: case_detail(
                u, u.cases.get(n), case_audience(u, w, u.cases.get(n))))
    shown["followup"] = run(followup_list)
    shown["followup public"] = run(followup_list, audience=PUBLIC)
    shown["sat"] = run(membership_at, "assembly", clock.now())
    return shown


@pytest.fixture
def season(db: Db) -> Db:
    to_the_assembly_notice(db.engine, db.clock, DIRECTOR, CHIEF)
    return db


def test_rows_read_as_the_objects_do(season: Db) -> None:
    engine, clock = season.engine, season.clock
    through_orm = every_read(engine, clock, read)
    on_rows = every_read(engine, clock, read_rows)
    assert len(through_orm["numbers"]) >= 2 and through_orm["list dagleg-leiar"]
    assert any(t["outcome"] == "referred" for t in
               through_orm[f"{through_orm['numbers'][0]} dagleg-leiar"]["treatments"])
    assert through_orm["outbox dagleg-leiar"] or through_orm["journal dagleg-leiar"]
    assert on_rows == through_orm


@pytest.fixture
def one_case(db: Db) -> Db:
    bench.cmd(db.engine, db.clock, "case.register", DIRECTOR, title="Felles innkjøp",
              kind="ordinary")
    return db


def test_a_reading_unit_refuses_as_a_unit_of_work_does(one_case: Db) -> None:
    for reader in (read, read_rows):
        with pytest.raises(NotFound) as unknown:
            reader(one_case.engine, one_case.clock, lambda u: u.cases.get("2026/999"))
        assert unknown.value.field == "case"
        with pytest.raises(NotFound) as meeting:
            reader(one_case.engine, one_case.clock, lambda u: u.meetings.get("RR-1999-01-01"))
        assert meeting.value.field == "meeting"
        with pytest.raises(NotAllowed) as nobody:
            reader(one_case.engine, one_case.clock, lambda u: u.people.actor(None))
        assert nobody.value.field == "as"


def test_a_reading_unit_writes_nothing(one_case: Db) -> None:
    before = one_case.counts()
    with ReadingUnit(one_case.engine, one_case.clock) as unit:
        case = unit.cases.get("2026/1")
        with pytest.raises(AttributeError):
            case.title = "changed"  # a row, not an object to change
        assert unit.meetings.get(COUNCIL_MEETING).ref == COUNCIL_MEETING
        assert not hasattr(unit, "add") and not hasattr(unit, "commit")
    assert one_case.counts() == before


def test_reading_in_a_unit_of_work_does_not_change_when_it_writes(one_case: Db) -> None:
    """The council, its calendar and rows by key are read without writing the unit's changes
    first, as the ORM's identity map did: a case changed, read about and changed again is one
    UPDATE, one version up (a flush in between would be two, and the count would depend on
    what the process had read before)."""
    with UnitOfWork(one_case.engine, one_case.clock) as uow:
        case = uow.cases.get("2026/1")
        meeting = uow.meetings.get(COUNCIL_MEETING)  # with its body: the unit has both now
        version = case.version
        case.title = "Felles innkjøp av IKT"
        assert uow.council.director_id == DIRECTOR and uow.today is not None
        assert uow.reads.body_by_id(meeting.body_id) is not None
        assert uow.reads.body_of(meeting).id == meeting.body_id
        case.description = "Kontorrekvisita og IKT."
        uow.commit()
    assert read_rows(one_case.engine, one_case.clock,
                     lambda u: u.cases.get("2026/1").version) == version + 1
