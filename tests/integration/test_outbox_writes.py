"""Writing a notice's messages: each intent once, however the unit flushes, and the recipients'
roles read for all of them at once the same as for each alone (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import event, select

from domain.operations.outbox import queue
from domain.rules.terms import MessageKind, Role
from domain.store.lookups import resolve_actor, resolve_actors
from domain.store.tables import OutboxMessage
from domain.store.uow import UnitOfWork
from tests.conftest import Db

MEETING = "RR-2026-08-27"
DIRECTOR = "dagleg-leiar"
MEMBER = "gol-ordforar"


def test_the_same_intent_twice_in_one_unit_is_one_message(db: Db) -> None:
    with UnitOfWork(db.engine, db.clock) as uow:
        meeting = uow.meetings.get(MEETING)
        first = queue(uow, MessageKind.NOTICE, MEMBER, meeting=meeting, sequence=0)
        pending = queue(uow, MessageKind.NOTICE, MEMBER, meeting=meeting, sequence=0)
        uow.session.flush()
        flushed = queue(uow, MessageKind.NOTICE, MEMBER, meeting=meeting, sequence=0)
        other = queue(uow, MessageKind.NOTICE, MEMBER, meeting=meeting, sequence=1)
        uow.commit()
    assert first is not None and other is not None
    assert pending is None and flushed is None
    with UnitOfWork(db.engine, db.clock, readonly=True) as uow:
        keys = list(uow.session.scalars(select(OutboxMessage.key).where(
            OutboxMessage.person_id == MEMBER)))
    assert sorted(keys) == sorted([first.key, other.key])
    # A later unit finds what an earlier one wrote.
    with UnitOfWork(db.engine, db.clock) as uow:
        assert queue(uow, MessageKind.NOTICE, MEMBER, meeting=uow.meetings.get(MEETING),
                     sequence=0) is None
        uow.commit()


def test_the_roles_of_many_are_each_ones_roles(db: Db) -> None:
    with UnitOfWork(db.engine, db.clock, readonly=True) as uow:
        council = uow.council
        everyone = [person.id for person in uow.people.all_active()]
        many = resolve_actors(uow.session, [*everyone, "ingen-slik", everyone[0]], council)
        each = {person: resolve_actor(uow.session, person, council) for person in everyone}
    assert list(many) == everyone  # in the order asked, once each, the unknown left out
    assert many == each
    assert many[DIRECTOR].has(Role.DIRECTOR) and many[MEMBER].has(Role.MAYOR)
    assert any(actor.has(Role.SUBSTITUTE) for actor in many.values())
    assert any(actor.has(Role.CHAIR) for actor in many.values())


def test_a_notice_reads_its_recipients_together_and_writes_its_rows_at_the_end(db: Db) -> None:
    """The notice asks for every recipient's person and roles: read together beforehand, so
    that no statement per recipient writes the unit's pending rows first."""
    statements: list[str] = []

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        db.run("meeting.notice", DIRECTOR, meeting=MEETING)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert db.count("outbox") >= 7  # the council's members and the announcement at least
    inserts = [i for i, s in enumerate(statements) if s.startswith("INSERT INTO outbox")]
    lookups = [i for i, s in enumerate(statements) if "outbox.key" in s.replace('"', "")]
    assert len(lookups) >= 7
    # The rows are written together after the lookups of their keys, not one per lookup (the
    # announcement, queued before the recipients are read, is written when they are).
    between = [i for i in inserts if lookups[0] < i < lookups[-1]]
    assert len(between) <= 1, between
    roles = [s for s in statements if "UNION ALL" in s]
    assert len(roles) <= 2  # the acting person's, and the recipients' together
