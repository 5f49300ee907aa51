"""Membership history: reloading the organisation file keeps who sat when (valid from/to)."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, insert, select, text
from sqlalchemy.exc import IntegrityError

from config.organisation import load_organisation
from domain.commands import organisation as org_service
from domain.commands.organisation import LoadReport
from domain.errors import TingflytError
from domain.queries.organisation import membership_at, org_view
from domain.store.tables import Base, Membership, MembershipPeriod
from domain.store.uow import UnitOfWork
from tests.conftest import HALLINGDAL, OSLO, SEASON_START, Db, oslo

PERIOD_START = datetime(2023, 10, 1, tzinfo=OSLO)  # [election_period] start in hallingdal.toml
AAL_SUBSTITUTES = 'substitutes = ["aal-vara-1", "aal-vara-2", "aal-vara-3", "aal-vara-4", ' \
    '"aal-vara-5"]'
FLAA_SUBSTITUTES = 'substitutes = ["flaa-vara-1", "flaa-vara-2", "flaa-vara-3", ' \
    '"flaa-vara-4", "flaa-vara-5"]'


def _edited(tmp_path: Path, old: str, new: str, name: str = "h.toml") -> Path:
    original = HALLINGDAL.read_text(encoding="utf-8")
    assert original.count(old) == 1
    path = tmp_path / name
    path.write_text(original.replace(old, new), encoding="utf-8")
    return path


def _without_aal_vara_5(tmp_path: Path) -> Path:
    """aal-vara-5 leaves the assembly (still a person in the file); a new person takes the
    fifth substitute place, as the law wants as many substitutes as members."""
    text = HALLINGDAL.read_text(encoding="utf-8")
    person = '[[people]]\nid = "aal-vara-5"\n'
    assert text.count(AAL_SUBSTITUTES) == 1 and text.count(person) == 1
    text = text.replace(AAL_SUBSTITUTES, AAL_SUBSTITUTES.replace("aal-vara-5", "aal-vara-6"))
    text = text.replace(person, '[[people]]\nid = "aal-vara-6"\nname = "Siri Votndalen"\n'
                        'email = "siri.votndalen@aal.example.org"\nmunicipality = "aal"\n\n'
                        + person)
    path = tmp_path / "without-aal-vara-5.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _reload(db: Db, path: Path = HALLINGDAL) -> LoadReport:
    with UnitOfWork(db.engine, db.clock) as uow:
        report = org_service.load_organisation(uow, load_organisation(path))
        uow.commit()
    return report


def _periods(db: Db, person: str | None = None) -> list[MembershipPeriod]:
    query = select(MembershipPeriod).order_by(MembershipPeriod.id)
    if person is not None:
        query = query.where(MembershipPeriod.person_id == person)
    return db.read(lambda uow: list(uow.session.scalars(query)))


def _rows(db: Db) -> list[tuple[Any, ...]]:
    return [(p.id, p.person_id, p.body_id, p.municipality_id, p.role, p.rank, p.valid_from,
             p.valid_to) for p in _periods(db)]


def _memberships(db: Db) -> set[tuple[str, str, str, str, int]]:
    return {(m.person_id, m.body_id, m.municipality_id, m.role, m.rank)
            for m in db.read(lambda uow: list(uow.session.scalars(select(Membership))))}


def _at(db: Db, body: str, when: datetime) -> list[dict[str, Any]]:
    return db.read(lambda uow: membership_at(uow, body, when))


def _entry(db: Db, body: str, when: datetime, person: str) -> dict[str, Any] | None:
    return next((e for e in _at(db, body, when) if e["person_id"] == person), None)


def test_first_load_opens_one_period_per_membership_from_the_period_start(db: Db) -> None:
    # The db fixture is a copy of the template, loaded once (the first load) at SEASON_START.
    periods = _periods(db)
    assert {(p.person_id, p.body_id, p.municipality_id, p.role, p.rank)
            for p in periods} == _memberships(db)
    assert len(periods) == len(_memberships(db)) > 0
    assert {p.valid_from for p in periods} == {PERIOD_START}
    assert all(p.valid_to is None for p in periods)

    assembly = _at(db, "assembly", PERIOD_START)
    assert {(e["person_id"], e["role"], e["rank"]) for e in assembly} == {
        (pid, role, rank) for pid, body, _, role, rank in _memberships(db) if body == "assembly"}
    first = assembly[0]
    assert first["role"] == "member" and first["valid_to"] is None
    assert first["valid_from"] == "2023-10-01T00:00:00+02:00"  # shown in the council's zone
    assert first["name"] and first["municipality"]
    assert [e["role"] for e in assembly] == sorted((e["role"] for e in assembly),
                                                   key=lambda r: r != "member")
    assert _at(db, "assembly", oslo(date(2023, 9, 30), time(23, 59))) == []


def test_first_load_of_an_empty_database_counts_the_opened_periods(db: Db) -> None:
    with db.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))
    db.at(date(2026, 9, 1))
    report = _reload(db)
    wanted = _memberships(db)
    assert report.created["membership_periods"] == len(wanted)
    assert "membership_periods" not in report.updated
    assert report.as_dict()["created"]["membership_periods"] == len(wanted)
    assert {p.valid_from for p in _periods(db)} == {PERIOD_START}


def test_a_database_with_memberships_but_no_history_opens_its_periods_now(db: Db) -> None:
    # As after upgrading an existing database to 0003: the council row is not new, so the
    # loader cannot know the memberships held since the period start.
    with db.engine.begin() as connection:
        connection.execute(delete(MembershipPeriod))
    db.at(date(2026, 9, 1))
    report = _reload(db)
    assert report.created == {"membership_periods": len(_memberships(db))}
    assert {p.valid_from for p in _periods(db)} == {oslo(date(2026, 9, 1))}


def test_reload_with_the_same_file_changes_nothing(db: Db) -> None:
    before = _rows(db)
    db.at(date(2026, 10, 5))
    report = _reload(db)
    assert report.unchanged
    assert "membership_periods" not in report.created
    assert "membership_periods" not in report.updated
    assert _rows(db) == before


def test_a_removed_substitute_keeps_her_period_closed_at_the_reload(
        db: Db, tmp_path: Path) -> None:
    db.at(date(2026, 9, 1), time(12, 0))
    reload_time = oslo(date(2026, 9, 1), time(12, 0))
    report = _reload(db, _without_aal_vara_5(tmp_path))
    assert report.updated["membership_periods"] == 1  # aal-vara-5's, closed
    assert report.created["membership_periods"] == 1  # aal-vara-6's, opened

    [period] = _periods(db, "aal-vara-5")
    assert (period.body_id, period.role, period.rank) == ("assembly", "substitute", 5)
    assert period.valid_from == PERIOD_START and period.valid_to == reload_time
    assert ("aal-vara-5", "assembly", "aal", "substitute", 5) not in _memberships(db)

    before = _entry(db, "assembly", oslo(date(2026, 9, 1), time(11, 59)), "aal-vara-5")
    assert before is not None
    assert before["valid_to"] == "2026-09-01T12:00:00+02:00"
    assert before["role"] == "substitute" and before["municipality"] == "aal"
    assert _entry(db, "assembly", reload_time, "aal-vara-5") is None
    assert _entry(db, "assembly", oslo(date(2026, 12, 1)), "aal-vara-5") is None
    newcomer = _entry(db, "assembly", reload_time, "aal-vara-6")
    assert newcomer is not None and newcomer["rank"] == 5
    assert newcomer["valid_from"] == "2026-09-01T12:00:00+02:00"
    assert _entry(db, "assembly", oslo(date(2026, 9, 1), time(11, 59)), "aal-vara-6") is None
    # Everyone else still sits, and the current view no longer shows her.
    assert len(_at(db, "assembly", reload_time)) == len(
        _at(db, "assembly", oslo(date(2026, 9, 1), time(11, 59))))
    view = db.read(org_view)
    assert "aal-vara-5" not in {s["id"] for b in view["bodies"] for g in b["groups"]
                                for s in g["substitutes"]}

    db.at(date(2026, 9, 2))
    again = _reload(db, _without_aal_vara_5(tmp_path))
    assert again.unchanged and len(_periods(db, "aal-vara-5")) == 1


def test_a_changed_rank_closes_the_period_and_opens_a_new_one(db: Db, tmp_path: Path) -> None:
    db.at(date(2026, 9, 1))
    swapped = FLAA_SUBSTITUTES.replace('"flaa-vara-1", "flaa-vara-2"',
                                       '"flaa-vara-2", "flaa-vara-1"')
    report = _reload(db, _edited(tmp_path, FLAA_SUBSTITUTES, swapped))
    assert report.updated["membership_periods"] == 2
    assert report.created["membership_periods"] == 2

    reload_time = oslo(date(2026, 9, 1))
    for person, old_rank, new_rank in (("flaa-vara-1", 1, 2), ("flaa-vara-2", 2, 1)):
        old, new = _periods(db, person)
        assert (old.rank, old.valid_from, old.valid_to) == (old_rank, PERIOD_START, reload_time)
        assert (new.rank, new.valid_from, new.valid_to) == (new_rank, reload_time, None)
        assert _entry(db, "assembly", oslo(date(2026, 8, 31)), person)["rank"] == old_rank
        assert _entry(db, "assembly", reload_time, person)["rank"] == new_rank
    assert len(_periods(db, "flaa-vara-3")) == 1  # the others are untouched


def test_a_person_removed_and_added_again_gets_a_second_period(db: Db, tmp_path: Path) -> None:
    removed, returned = oslo(date(2026, 9, 1)), oslo(date(2026, 11, 2))
    db.clock.set(removed)
    _reload(db, _without_aal_vara_5(tmp_path))
    db.clock.set(returned)
    report = _reload(db)  # the original file: aal-vara-5 back, aal-vara-6 gone
    assert report.created["membership_periods"] == 1
    assert report.updated["membership_periods"] == 1

    first, second = _periods(db, "aal-vara-5")
    assert (first.valid_from, first.valid_to) == (PERIOD_START, removed)
    assert (second.valid_from, second.valid_to) == (returned, None)
    assert (second.body_id, second.role, second.rank) == ("assembly", "substitute", 5)
    [stand_in] = _periods(db, "aal-vara-6")
    assert (stand_in.valid_from, stand_in.valid_to) == (removed, returned)

    assert _entry(db, "assembly", oslo(date(2026, 8, 31)), "aal-vara-5")["valid_to"] == \
        "2026-09-01T09:00:00+02:00"
    assert _entry(db, "assembly", oslo(date(2026, 10, 1)), "aal-vara-5") is None
    back = _entry(db, "assembly", oslo(date(2026, 12, 1)), "aal-vara-5")
    assert back is not None
    assert back["valid_from"] == "2026-11-02T09:00:00+01:00" and back["valid_to"] is None


def test_the_schema_allows_one_open_period_per_person_body_and_role(db: Db) -> None:
    [period] = _periods(db, "aal-vara-5")
    row = {"person_id": period.person_id, "body_id": period.body_id,
           "municipality_id": period.municipality_id, "role": period.role, "rank": 4,
           "valid_from": SEASON_START}
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(insert(MembershipPeriod).values(**row))
    with db.engine.begin() as connection:  # a closed one beside it is history, and allowed
        connection.execute(insert(MembershipPeriod).values(**row, valid_to=SEASON_START))
        connection.execute(insert(MembershipPeriod).values(**{**row, "role": "member"}))
    assert db.count("membership_periods") == len(_memberships(db)) + 2


def test_membership_at_refuses_a_naive_time_and_an_unknown_body(db: Db) -> None:
    with pytest.raises(ValueError, match="naive"):
        _at(db, "assembly", datetime(2026, 9, 1, 12, 0))  # noqa: DTZ001 - the point
    with pytest.raises(TingflytError, match="no-such-body"):
        _at(db, "no-such-body", SEASON_START)


def test_the_history_table_has_its_indexes(db: Db) -> None:
    from sqlalchemy import inspect

    with db.engine.connect() as connection:
        indexes = {i["name"]: i for i in inspect(connection).get_indexes("membership_periods")}
        assert indexes["uq_membership_periods_one_open"]["unique"]
        assert indexes["uq_membership_periods_one_open"]["column_names"] == [
            "person_id", "body_id", "role"]
        assert indexes["ix_membership_periods_body_valid_to"]["column_names"] == [
            "body_id", "valid_to"]
        assert connection.execute(text("select count(*) from membership_periods "
                                       "where valid_to is null")).scalar_one() > 0
