"""Every staff command is one registered command, and nothing runs one around the registry."""

from __future__ import annotations

import ast
import inspect
import json
import subprocess
import sys

import pytest
from pydantic import BaseModel

from domain.commands import registry
from tests.architecture.imports import ROOT, project_modules

#: The staff commands (issue: commands with a declared shape).
STAFF_COMMANDS = {
    "case.register", "case.recommend", "case.place", "case.withdraw", "case.decide",
    "case.close", "meeting.add", "meeting.notice", "meeting.cancel", "absence.report",
    "substitute.answer", "meeting.attend", "case.vote", "case.elect", "case.take_up",
    "case.demand", "case.defer", "written.start", "written.answer", "followup.assign",
    "followup.done", "init", "meeting.send_minutes", "meeting.change",
}


def test_every_staff_command_is_registered_and_nothing_else() -> None:
    assert set(registry.load_all()) == STAFF_COMMANDS


def test_the_registry_knows_which_module_registers_each_command() -> None:
    """``registry.MODULES`` is what the modules register: running a command by name imports the
    module that holds it, and no command is left out or named in the wrong module."""
    registered = {name: cmd.effect.__module__ for name, cmd in registry.load_all().items()}
    assert registered == registry.MODULES


def test_running_one_command_imports_its_module_and_not_the_others() -> None:
    probe = ("import json, sys\nfrom domain.commands import registry\n"
             "registry.get('case.register')\n"
             "print(json.dumps([m for m in sys.modules if m.startswith('domain.commands.')]))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=ROOT, timeout=60, check=True)
    loaded = set(json.loads(result.stdout))
    assert "domain.commands.cases" in loaded
    others = set(registry.MODULES.values()) - {"domain.commands.cases"}
    assert loaded & others == set(), "registry.get imported other commands' modules"


@pytest.mark.parametrize("name", sorted(STAFF_COMMANDS))
def test_a_command_declares_its_shape(name: str) -> None:
    cmd = registry.get(name)
    model = cmd.input
    assert issubclass(model, BaseModel)
    assert model.model_config.get("frozen") is True
    assert model.model_config.get("extra") == "forbid"
    for field, info in model.model_fields.items():
        described = info.description or ""
        assert "(" in described and described.split("(")[0].strip(), (
            f"{name}.{field}: a description in Nynorsk with the English in brackets")
    assert cmd.allowed.grants, f"{name} says who may run it"
    assert cmd.what and cmd.summary
    params = list(inspect.signature(cmd.effect).parameters)
    assert params[:3] == ["uow", "actor", "data"], f"{name}: effect(uow, actor, data)"


def test_the_input_is_refused_naming_the_field() -> None:
    with pytest.raises(Exception) as refused:
        registry.parse(registry.get("case.recommend"), {"case": "17", "text": "x"})
    assert refused.value.field == "case"  # type: ignore[attr-defined]
    with pytest.raises(Exception) as unknown:
        registry.parse(registry.get("case.recommend"), {"case": "2026/1", "text": "x",
                                                        "txt": "y"})
    assert unknown.value.field == "txt"  # type: ignore[attr-defined]


def _effects() -> set[tuple[str, str]]:
    return {(cmd.effect.__module__, cmd.effect.__name__)
            for cmd in registry.load_all().values()}


def test_no_command_effect_is_imported_outside_the_commands() -> None:
    """The CLI, the demo, the flows and the tests run commands by name, never their effect."""
    effects = _effects()
    wrong = []
    for module, path in [*project_modules().items(),
                         *((p.stem, p) for p in (ROOT / "tests").rglob("*.py"))]:
        if str(module).startswith("domain.commands"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                wrong += [f"{path.relative_to(ROOT)} imports {node.module}.{a.name}"
                          for a in node.names if (node.module, a.name) in effects]
    assert wrong == []


def test_every_function_shaped_like_a_command_is_registered() -> None:
    """A function in domain/commands taking (uow, actor, data) is a command: registered."""
    effects = _effects()
    loose = []
    for module, path in project_modules().items():
        if not module.startswith("domain.commands"):
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef):
                args = [a.arg for a in node.args.args]
                if args[:3] == ["uow", "actor", "data"] and (module, node.name) not in effects:
                    loose.append(f"{module}.{node.name}")
    assert loose == []


def test_the_readme_says_who_may_do_what_as_the_registry_does() -> None:
    from flows.cli.common import CLI_PATHS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = [f"| `{name}` | `tingflyt {CLI_PATHS[name]}` | {who} |"
            for name, who in registry.who_may("en")]
    table = "\n".join(["| Command | On the command line | Who may run it |", "|---|---|---|",
                       *rows])
    assert table in readme, "README's table of who may do what, from the registry:\n" + table
