"""The store is the only place that speaks SQL: nothing outside ``domain/store`` imports
SQLAlchemy or reaches into the unit of work's session (the Alembic migrations, which are
schema history, excepted)."""

from __future__ import annotations

import ast

from tests.architecture.imports import project_modules

#: Where SQLAlchemy belongs.
STORE = ("domain.store", "migrations")


def _outside_store() -> dict[str, ast.Module]:
    return {module: ast.parse(path.read_text(encoding="utf-8"))
            for module, path in project_modules().items()
            if not any(module == p or module.startswith(p + ".") for p in STORE)}


def test_only_the_store_imports_sqlalchemy() -> None:
    found = []
    for module, tree in _outside_store().items():
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            found += [f"{module}:{node.lineno} imports {name}" for name in names
                      if name == "sqlalchemy" or name.startswith("sqlalchemy.")]
    assert not found, "SQLAlchemy outside domain/store:\n" + "\n".join(found)


def test_nothing_outside_the_store_touches_the_session() -> None:
    found = [f"{module}:{node.lineno}" for module, tree in _outside_store().items()
             for node in ast.walk(tree)
             if isinstance(node, ast.Attribute) and node.attr == "session"]
    assert not found, ("the unit of work's session used outside domain/store (use a repository "
                       "on the unit of work, uow.add or uow.delete):\n" + "\n".join(found))


def test_the_check_sees_an_import_and_a_session() -> None:
    """The two checks above would catch what they look for."""
    tree = ast.parse("from sqlalchemy import select\n"
                     "def f(uow):\n    import sqlalchemy.orm\n    return uow.session.get(1)\n")
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert {getattr(n, "module", None) or n.names[0].name for n in imports} == {
        "sqlalchemy", "sqlalchemy.orm"}
    assert any(isinstance(n, ast.Attribute) and n.attr == "session" for n in ast.walk(tree))
