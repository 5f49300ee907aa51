"""The code is in the right rooms: no import circle, no function-level import hiding one, and
every layer imports only the floors below it (see the README's "Where things live")."""

from __future__ import annotations

import ast

from tests.architecture.imports import (
    ROOT,
    cycles,
    graph,
    imports_by_name,
    project_modules,
    string_table,
)

#: Floors from the ground up; a module may import its own floor and those below.
FLOORS = [
    ("domain.errors", "domain.rules"),
    ("config",),
    ("domain.store",),
    ("domain.operations",),
    ("domain.commands", "domain.engine", "domain.queries"),
    ("notifications",),
    ("flows", "migrations"),
]

#: Third-party packages that a module below flows/ may import inside a function, and why.
LAZY_THIRD_PARTY = {
    ("domain.rules.calendar", "holidays"): "80 ms of start-up that read commands never need",
}

#: Modules below flows/ that import a module named at run time, and why; nothing else may (a
#: name in a string hides an import from every check here). The registry's table is checked below
#: and in test_registry.py; its imports are not edges of the graph: each command module imports
#: the registry to register itself and the registry names it back in a string, the one circle
#: allowed, closed only when a command runs.
IMPORTS_BY_NAME = {
    "domain.commands.registry": "runs a command importing only the module that registers it "
    "(MODULES), not all of them with their operations and input models: each process runs one "
    "command, and the others were most of a write's start-up (make bench, figure 5)",
}

FORBIDDEN_IN_DOMAIN = ("prefect", "typer", "jinja2", "icalendar", "emails", "smtplib", "rich",
                       "aiosmtpd", "click")


def imported_names(prefix: str) -> list[tuple[str, str]]:
    """(module, imported module name) for every absolute import, anywhere in the modules under
    ``prefix`` (functions and TYPE_CHECKING blocks included: nothing may hide there)."""
    found = []
    for module, path in project_modules().items():
        if module != prefix and not module.startswith(prefix + "."):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found += [(module, alias.name) for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                found.append((module, node.module or ""))
    return found


def floor_of(module: str) -> int:
    for index, prefixes in enumerate(FLOORS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return index
    raise AssertionError(f"{module} is in no floor: add it to FLOORS")


def test_no_import_circle_anywhere() -> None:
    assert cycles(graph()) == []


def test_every_import_points_down_or_sideways_within_its_floor() -> None:
    upward = []
    for edge in graph():
        if edge.source.startswith("domain.commands") and edge.target.startswith("domain.engine"):
            continue  # a command's default follow-up may run the engine (side by side)
        if floor_of(edge.target) > floor_of(edge.source):
            upward.append(f"{edge.source}:{edge.line} imports {edge.target}")
    assert upward == []


def test_the_engine_and_queries_never_import_commands() -> None:
    wrong = [f"{e.source}:{e.line} -> {e.target}" for e in graph()
             if e.source.startswith(("domain.engine", "domain.queries", "domain.operations"))
             and e.target.startswith("domain.commands")]
    assert wrong == []


def test_no_hidden_import_of_the_projects_own_modules() -> None:
    """Below flows/, an import of the project's own modules inside a function or a
    TYPE_CHECKING block only hides a circle."""
    hidden = [f"{e.source}:{e.line} imports {e.target}" for e in graph()
              if e.in_function and not e.source.startswith("flows")]
    assert hidden == []


def test_no_function_level_import_below_the_entry_points() -> None:
    found = []
    for module, path in project_modules().items():
        if module.startswith("flows") or module.startswith("tests"):
            continue  # entry points may import late, for start-up speed
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Import):
                    names = [alias.name for alias in inner.names]
                elif isinstance(inner, ast.ImportFrom):
                    names = [inner.module or ""]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if (module, top) in LAZY_THIRD_PARTY:
                        continue
                    found.append(f"{module}:{inner.lineno} imports {name} inside a function")
    assert found == []


def test_no_import_by_name_below_the_entry_points_but_the_registrys() -> None:
    found = {imp.source: f"{imp.source}:{imp.line} imports {imp.target} by name"
             for module, path in project_modules().items() if not module.startswith("flows")
             for imp in imports_by_name(module, path)}
    assert set(found) == set(IMPORTS_BY_NAME), sorted(found.values())


def test_the_registry_imports_by_name_only_command_modules() -> None:
    """What the registry may import by name is its MODULES table: command modules beside it, in
    its own floor, never a module above it."""
    modules = project_modules()
    table = string_table(modules["domain.commands.registry"], "MODULES")
    assert table, "the registry's MODULES table is empty or not literal"
    wrong = sorted(m for m in set(table.values())
                   if m not in modules or not m.startswith("domain.commands."))
    assert wrong == []


def test_domain_imports_no_prefect_smtp_calendar_templates_or_cli() -> None:
    wrong = [f"{module} imports {name}" for module, name in imported_names("domain")
             if name.split(".")[0] in FORBIDDEN_IN_DOMAIN]
    assert wrong == []


def test_pure_rules_import_no_sqlalchemy_and_nothing_above_them() -> None:
    wrong = [f"{module} imports {name}" for module, name in imported_names("domain.rules")
             if name.split(".")[0] in ("sqlalchemy", "alembic", "pydantic")
             or (name.startswith("domain.") and not name.startswith(
                 ("domain.rules", "domain.errors")))]
    assert wrong == []


def test_cli_modules_import_no_private_names_from_each_other() -> None:
    wrong = []
    for path in sorted((ROOT / "flows" / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("flows.cli"):
                wrong += [f"{path.name} imports {node.module}.{a.name}" for a in node.names
                          if a.name.startswith("_")]
    assert wrong == []


def test_the_graph_sees_the_project() -> None:
    modules = project_modules()
    # a sanity check that the scan is not vacuous: the floors are all populated
    for prefixes in FLOORS:
        assert any(m.startswith(prefixes) for m in modules), prefixes
    assert len(graph()) > 200


STATUS_ATTRIBUTES = {"status", "state", "kind", "role", "result", "closed_reason", "outcome",
                     "section", "choice", "basis", "origin"}


def test_statuses_are_compared_and_set_as_enums_not_string_literals() -> None:
    """``x.status == "open"`` or ``x.status = "open"`` in domain code: use the enum
    (``domain.rules.terms``), so a typo is a NameError, not a silent mismatch."""
    found = []
    for module, path in project_modules().items():
        if not module.startswith("domain"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            pairs: list[tuple[ast.AST, ast.AST]] = []
            if isinstance(node, ast.Compare):
                pairs = [(node.left, right) for right in node.comparators]
            elif isinstance(node, ast.Assign):
                pairs = [(target, node.value) for target in node.targets]
            elif isinstance(node, ast.keyword) and node.arg in STATUS_ATTRIBUTES:
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                    found.append(f"{module}:{node.value.lineno} {node.arg}={node.value.value!r}")
                continue
            for left, right in pairs:
                if isinstance(left, ast.Attribute) and left.attr in STATUS_ATTRIBUTES \
                        and isinstance(right, ast.Constant) and isinstance(right.value, str):
                    found.append(f"{module}:{left.lineno} {left.attr} {right.value!r}")
    assert found == []
