"""A mistyped clock must not wreck a database for good (issue 8): a real database takes only the
real time; no database takes a time before what it has recorded; no year beyond reason."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from domain.engine.sweep import sweep
from domain.errors import InvalidInput, RuleViolation
from domain.rules.calendar import FixedClock
from domain.store.tables import Case, CouncilRecord, Meeting
from tests.conftest import DIRECTOR, Db


def _real(db: Db) -> None:
    """The database as `init` with the real clock makes it (the tests' own is a simulation)."""
    def flip(uow, actor):  # noqa: ANN001, ANN202
        record = uow.session.scalars(select(CouncilRecord)).one()
        record.simulation = False
    db.within(flip, DIRECTOR)


def cases(db: Db) -> int:
    return db.read(lambda uow: uow.session.scalar(select(func.count(Case.id))))


def test_init_with_a_hand_set_clock_makes_a_simulation(db: Db) -> None:
    assert db.read(lambda uow: uow.council.simulation) is True


def test_a_real_database_refuses_a_hand_set_clock_far_from_the_real_time(db: Db) -> None:
    _real(db)
    db.clock.set(datetime(2062, 9, 1, 7, 0, tzinfo=UTC))
    before = db.read(lambda uow: [(m.ref, m.status) for m in uow.session.scalars(
        select(Meeting))])
    with pytest.raises(RuleViolation) as refused:
        sweep(db.engine, db.clock)
    assert refused.value.field == "now" and "ekte" in refused.value.message
    with pytest.raises(RuleViolation):
        db.run("case.register", DIRECTOR, title="Sak")
    assert db.read(lambda uow: [(m.ref, m.status) for m in uow.session.scalars(
        select(Meeting))]) == before


def test_a_real_database_takes_the_real_time_and_a_few_minutes_either_side(db: Db) -> None:
    _real(db)
    near = FixedClock(datetime.now(UTC) + timedelta(minutes=2))
    db.clock = near
    db.run("case.register", DIRECTOR, title="Sak")
    assert cases(db) == 1


def test_time_may_not_go_back_past_what_is_recorded(db: Db) -> None:
    db.run("case.register", DIRECTOR, title="Først")
    later = db.clock.now()
    db.clock.set(later - timedelta(days=1))
    with pytest.raises(RuleViolation) as refused:
        db.run("case.register", DIRECTOR, title="Før det første")
    assert refused.value.field == "now" and "bakover" in refused.value.message
    assert cases(db) == 1
    db.clock.set(later)  # the same moment again is fine
    db.run("case.register", DIRECTOR, title="Same augneblink")
    assert cases(db) == 2


def test_a_year_beyond_reason_is_refused_even_in_a_simulation(db: Db) -> None:
    start = db.clock.now()
    for year in (1, 9999):
        db.clock.set(datetime(year, 12, 31, 12, 0, tzinfo=UTC))
        with pytest.raises(InvalidInput) as refused:
            db.run("case.register", DIRECTOR, title="Sak")
        assert refused.value.field == "now"
    db.clock.set(start)
    assert cases(db) == 0
