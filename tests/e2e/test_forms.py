"""Staff forms: one Prefect flow per registered command, run against a real Prefect API.

A form run acts through the same registry as the CLI, checks the person's permission, carries
the case on, journals the person, the Prefect UI and the run, and ends ``Failed`` with the CLI's
one-line refusal (the form's fields named) and no traceback when it is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from domain.commands import registry
from domain.store.tables import JournalEntry
from tests.conftest import CE, DIRECTOR, MAYOR, Db

pytestmark = pytest.mark.prefect


def _flush_logs() -> None:
    """The runs' logs go to the API in batches: send what is left, while the API is set."""
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)


@pytest.fixture
def forms_on(sqlite_db: Db, prefect_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Db]:
    monkeypatch.setenv("TINGFLYT_DATABASE_URL", sqlite_db.url)
    monkeypatch.setenv("PREFECT_API_URL", prefect_url)
    monkeypatch.setenv("TINGFLYT_OUTBOX_DIR", str(sqlite_db.engine.url.database) + ".utboks")
    yield sqlite_db
    _flush_logs()


def _run(flow_run_id: Any) -> Any:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return client.read_flow_run(flow_run_id)


def _logs(flow_run_id: Any) -> list[Any]:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    _flush_logs()
    with get_client(sync_client=True) as client:
        return client.read_logs(LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))


def test_every_registered_command_but_init_has_a_form_with_its_fields_described() -> None:
    from flows.forms import FORMS, NO_FORM, attribute, form_name

    commands = registry.load_all()
    assert set(FORMS) == set(commands) - set(NO_FORM) and set(NO_FORM) == {"init"}
    import flows.forms as module

    for name, form in FORMS.items():
        assert form.name == form_name(name) and getattr(module, attribute(name)) is form
        schema = form.parameters.model_dump()
        properties = schema["properties"]
        assert list(properties)[0] == "acting_person" and "acting_person" in schema["required"]
        fields = commands[name].input.model_fields
        assert set(properties) == {"acting_person", "now", *fields}
        for field, info in fields.items():
            # Nynorsk (English), as the model says; required as the model says
            assert properties[field]["description"] == info.description, (name, field)
            assert (field in schema.get("required", [])) == info.is_required(), (name, field)
    register = FORMS["case.register"].parameters.model_dump()
    deadline = register["properties"]["deadline"]
    # a date is text in the form: a browser's date picker would shift it by its time zone
    assert {"type": "string", "examples": ["2026-09-24"]} in deadline["anyOf"]
    kinds = register["definitions"]["CaseKind"]["enum"]
    assert "ordinary" in kinds and "fund_allocation" in kinds


def test_a_form_run_acts_carries_the_case_on_and_journals_the_prefect_ui(forms_on: Db) -> None:
    from flows.engine import quick_runs
    from flows.forms import case_register

    db = forms_on
    with quick_runs():
        state = case_register(acting_person=DIRECTOR, title="Felles innkjøp via skjema",
                              kind="ordinary", now="2026-08-03T10:00", return_state=True)
    assert state.is_completed(), state.message
    result = state.result()
    assert result["named"] == ["2026/1"] and result["acting_person"] == DIRECTOR
    assert any("Sendt til utgreiing" in line for line in result["carried_on"]["2026/1"])
    run = _run(state.state_details.flow_run_id)
    assert run.name == "2026/1 · case.register"
    assert {"2026/1", "case.register", "skjema", "tingflyt"} <= set(run.tags)
    entries = db.read(lambda uow: list(uow.session.scalars(
        select(JournalEntry).order_by(JournalEntry.id))))
    registered = next(e for e in entries if e.action == "case.register")
    assert registered.actor_id == DIRECTOR and registered.via == "prefect-ui"
    assert registered.run_ref == str(run.id)
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterTags

    with get_client(sync_client=True) as client:
        by_case = client.read_flow_runs(flow_run_filter=FlowRunFilter(
            tags=FlowRunFilterTags(all_=["2026/1"])))
    # the case's runs are found by its number: the form's and the case flow's
    assert {r.name for r in by_case} == {"2026/1 · case.register", "2026/1 · saksflyt"}
    carried = [e for e in entries if e.action != "case.register" and e.case_id is not None]
    # the case flow's steps name their own run: a subflow of the form's run
    assert carried and all(e.via == "prefect" and e.run_ref not in (None, str(run.id))
                           for e in carried)
    case = db.read(lambda uow: uow.cases.get("2026/1"))
    assert case.state == "in_preparation"


@pytest.mark.parametrize(("fields", "expected"), [
    ({"acting_person": DIRECTOR, "title": "X", "deadline": "31.02.2026"},
     "Ugyldig dato «31.02.2026» i «deadline». Skriv datoen som ÅÅÅÅ-MM-DD, t.d. 2026-09-24."),
    ({"acting_person": DIRECTOR, "kind": "ordinary"}, "«title» manglar."),
    ({"acting_person": "ingen-slik", "title": "X"}, "Ukjend person «ingen-slik»."),
    ({"title": "X"}, "«acting_person»"),
])
def test_a_form_run_with_bad_input_is_refused_in_one_line_without_traceback(
        forms_on: Db, fields: dict[str, str], expected: str) -> None:
    from flows.engine import quick_runs
    from flows.forms import case_register

    before = forms_on.counts()
    with quick_runs():
        state = case_register(**fields, return_state=True)
    assert state.is_failed()
    assert expected in state.message and "\n" not in state.message
    assert "--" not in state.message  # the form's fields, not the CLI's flags
    logs = _logs(state.state_details.flow_run_id)
    assert any(expected in log.message for log in logs)
    assert not any("Traceback" in log.message for log in logs)
    assert forms_on.counts() == before  # nothing written


def test_a_form_run_by_the_wrong_person_is_refused_cleanly(forms_on: Db) -> None:
    from flows.engine import quick_runs
    from flows.forms import case_recommend

    db = forms_on
    number = db.run("case.register", DIRECTOR, title="Tilskot", kind="ordinary").number
    db.reconcile(number)
    before = db.counts()
    with quick_runs():
        state = case_recommend(acting_person=MAYOR, case=number, text="Eg tilrår.",
                               return_state=True)
    assert state.is_failed() and "\n" not in state.message
    assert "kommunedirektør" in state.message.lower() or "ikkje lov" in state.message
    logs = _logs(state.state_details.flow_run_id)
    assert not any("Traceback" in log.message for log in logs)
    assert db.counts() == before
    run = _run(state.state_details.flow_run_id)
    assert run.name == f"{number} · case.recommend"
    # and the right person may
    with quick_runs():
        done = case_recommend(acting_person=CE, case=number, text="Tilrår løyving.",
                              return_state=True)
    assert done.is_completed(), done.message


def test_a_scheduled_flow_reads_a_time_without_offset_as_oslo_time(forms_on: Db) -> None:
    from datetime import datetime

    from flows.engine import quick_runs, sweep_flow

    db = forms_on
    number = db.run("case.register", DIRECTOR, title="Tilskot", kind="ordinary").number
    db.reconcile(number)
    db.run("case.recommend", CE, case=number, text="Løyve.")
    with quick_runs():  # as typed in the UI's field: no offset
        report = sweep_flow(datetime(2026, 8, 20, 8, 5))
    assert any("RR-2026-08-27" in line for line in report["meetings"])
    assert report["at"].startswith("2026-08-20T08:05:00+02:00")
