"""The project's import graph, read from the source (no imports run): modules, their imports,
and which of those sit inside a function."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("config", "domain", "notifications", "flows", "migrations")


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported module (or the module a name comes from)
    line: int
    in_function: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def _resolve(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str, path: Path, known: set[str]) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[Import] = []
    is_package = path.name == "__init__.py"

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    out.append(Import(module, alias.name, child.lineno, in_function))
            elif isinstance(child, ast.ImportFrom):
                target = _resolve(child, module, is_package)
                for alias in child.names:
                    # "from domain.commands import cases" imports the module domain.commands.cases
                    sub = f"{target}.{alias.name}"
                    out.append(Import(module, sub if sub in known else target, child.lineno,
                                      in_function))
            elif isinstance(child, ast.If) and _is_type_checking(child):
                visit(child, True)  # imports for type checkers count: they hide a circle too
            else:
                visit(child, inside)

    visit(tree, False)
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def graph() -> list[Import]:
    modules = project_modules()
    known = set(modules)
    edges = []
    for module, path in modules.items():
        for imp in imports_of(module, path, known):
            target = imp.target
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != module:
                edges.append(Import(imp.source, target, imp.line, imp.in_function))
    return edges


def cycles(edges: list[Import]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    adjacency: dict[str, set[str]] = {}
    for edge in edges:
        adjacency.setdefault(edge.source, set()).add(edge.target)
        adjacency.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(adjacency[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for vertex in sorted(adjacency):
        if vertex not in index:
            strong(vertex)
    return found


def imports_by_name(module: str, path: Path) -> list[Import]:
    """Where ``module`` imports a module named at run time (``importlib.import_module(...)``,
    ``__import__(...)``): no import statement shows those, so the graph above cannot. The target
    is the module named if the call names it literally, else ``"?"``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
                isinstance(func, ast.Name) and func.id in ("import_module", "__import__")):
            first = node.args[0] if node.args else None
            target = first.value if isinstance(first, ast.Constant) else "?"
            found.append(Import(module, str(target), node.lineno, True))
    return found


def string_table(path: Path, name: str) -> dict[str, str]:
    """A module-level ``name = {"key": "value", ...}`` of literal strings, read from the source."""
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target = node.target if isinstance(node, ast.AnnAssign) else (
            node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None)
        if isinstance(target, ast.Name) and target.id == name and isinstance(node.value, ast.Dict):
            return {k.value: v.value for k, v in zip(node.value.keys, node.value.values,
                                                     strict=True)
                    if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)}
    raise LookupError(f"{path}: no table {name}")
