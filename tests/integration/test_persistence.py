"""Persistence: migrations, one transaction per command, concurrency, the organisation sync."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from config.organisation import load_organisation
from domain.commands import organisation as org_service
from domain.errors import Conflict, DatabaseProblem
from domain.rules.calendar import FixedClock
from domain.store.db import make_engine
from domain.store.schema import head_revision, upgrade
from domain.store.tables import Base, Case, Person
from domain.store.uow import UnitOfWork
from tests.conftest import CE, DIRECTOR, FJELLBYGD, HALLINGDAL, SEASON_START, Db
from tests.integration.test_case_lifecycle import case_of, register


def test_migrations_create_exactly_the_model_schema(db: Db) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
        assert diff == []
        assert context.get_current_revision() == head_revision()


def test_times_are_stored_in_utc_and_naive_times_refused(db: Db) -> None:
    number = register(db)
    with db.engine.connect() as connection:
        raw = connection.execute(text("select registered_at from cases")).scalar_one()
    stored = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    # 09:00 in Oslo (summer time) is 07:00 UTC
    assert stored.replace(tzinfo=None).hour == 7
    case = db.read(lambda uow: uow.cases.get(number))
    assert case.registered_at == datetime(2026, 8, 3, 7, 0, tzinfo=UTC)
    with UnitOfWork(db.engine, db.clock) as uow:
        row = uow.cases.get(number)
        row.updated_at = datetime(2026, 8, 3, 9, 0)  # noqa: DTZ001 - the point of the test
        with pytest.raises(Exception, match="naive datetime"):
            uow.session.flush()


def test_expected_version_refuses_a_stale_change(db: Db) -> None:
    number = register(db)
    version = case_of(db, number)["version"]
    db.run("case.recommend", CE, case=number, text="Første tilråding.", expect_version=version)
    before = db.counts()
    with pytest.raises(Conflict) as conflict:
        db.run("case.recommend", CE, case=number, text="Andre tilråding.", expect_version=version)
    assert f"versjon {version}" in conflict.value.message
    assert db.counts() == before


def test_two_staff_at_once_one_wins_the_other_is_told(db: Db) -> None:
    """Real threads, real connections: both act on the version they saw."""
    number = register(db)
    version = case_of(db, number)["version"]
    results: list[str] = []
    gate = threading.Barrier(2)

    def staff(text: str) -> None:
        gate.wait()
        try:
            db.run("case.recommend", CE, case=number, text=text, expect_version=version)
            results.append("ok")
        except Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=staff, args=(t,)) for t in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results) == ["conflict", "ok"]
    case = case_of(db, number)
    assert case["recommendation"] in ("A", "B")
    assert sum(1 for e in case["trace"] if e["action"] == "case.recommend") == 1


def test_interleaved_transactions_lose_the_race_cleanly(db: Db) -> None:
    """Two transactions read the same case; the second to write gets a Conflict (PostgreSQL
    row versions; SQLite serialises writers, so there the second waits and then sees the
    first one's change)."""
    if db.kind == "sqlite":
        pytest.skip("SQLite takes the write lock at BEGIN IMMEDIATE: writers queue, not race")
    number = register(db)
    first = UnitOfWork(db.engine, db.clock).__enter__()
    second = UnitOfWork(db.engine, db.clock).__enter__()
    try:
        a = first.cases.get(number)
        b = second.cases.get(number)
        a.title = "Tittel frå A"
        b.title = "Tittel frå B"
        first.commit()
        with pytest.raises(Conflict):
            second.commit()
    finally:
        first.__exit__(None, None, None)
        second.__exit__(None, None, None)
    assert case_of(db, number)["title"] == "Tittel frå A"


def test_init_twice_changes_nothing(db: Db) -> None:
    org = load_organisation(HALLINGDAL)
    before = db.counts()
    with UnitOfWork(db.engine, db.clock) as uow:
        report = org_service.load_organisation(uow, org)
        uow.commit()
    assert report.unchanged
    assert db.counts() == before


def test_init_follows_an_edited_file(db: Db, tmp_path: Path) -> None:
    original = HALLINGDAL.read_text(encoding="utf-8")
    person = load_organisation(HALLINGDAL).people["aal-vara-5"]
    edited = original.replace(person.email, "ny.adresse@aal.example.org")
    path = tmp_path / "hallingdal.toml"
    path.write_text(edited, encoding="utf-8")
    with UnitOfWork(db.engine, db.clock) as uow:
        report = org_service.load_organisation(uow, load_organisation(path))
        uow.commit()
    assert report.updated == {"people": 1, "council": 1}  # the council records the new digest
    email = db.read(lambda uow: uow.session.get(Person, "aal-vara-5").email)
    assert email == "ny.adresse@aal.example.org"


def test_one_database_serves_one_council(db: Db) -> None:
    before = db.counts()
    with UnitOfWork(db.engine, db.clock) as uow, pytest.raises(DatabaseProblem) as refused:
        org_service.load_organisation(uow, load_organisation(FJELLBYGD))
    assert "hallingdal" in refused.value.message
    assert db.counts() == before


def test_case_numbers_stay_unique_under_concurrent_registration(db: Db) -> None:
    numbers: list[str] = []
    errors: list[Exception] = []

    def worker(i: int) -> None:
        for j in range(5):
            try:
                case = db.run("case.register", DIRECTOR, title=f"Sak {i}-{j}", kind="ordinary")
                numbers.append(case.number)
            except Conflict as exc:  # a lost race is refused cleanly, never a duplicate
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(numbers) + len(errors) == 15
    assert len(set(numbers)) == len(numbers)
    stored = db.read(lambda uow: uow.session.scalars(select(Case.seq)).all())
    assert sorted(stored) == sorted({int(n.split("/")[1]) for n in numbers})


def test_fresh_sqlite_database_via_init(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'new.sqlite'}")
    assert upgrade(engine) == head_revision()
    with UnitOfWork(engine, FixedClock(SEASON_START)) as uow:
        report = org_service.load_organisation(uow, load_organisation(FJELLBYGD))
        uow.commit()
    assert report.created["people"] == len(load_organisation(FJELLBYGD).data.people)
    engine.dispose()
