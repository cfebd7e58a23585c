"""The shape of bot/: no import circle, no borrowed private names, small modules that say
their job, and an engine that never imports telegram. The shape of tests/: helpers in
tests/helpers/ (small modules that say their job), fixtures alone in conftest.py."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parent.parent / "bot"
TESTS = Path(__file__).resolve().parent
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(BOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(BOT.rglob("*.py"))}


def imports(path: Path) -> Iterator[tuple[str, str | None, int]]:
    """(module, imported name or None, line) for every import of a bot module, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "bot":
                    yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = (module_name(path) if path.name == "__init__.py" else package).split(".")
                base = ".".join(anchor[: len(anchor) - node.level + 1] + ([base] if base else []))
            if base.split(".")[0] != "bot":
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in MODULES:
                    yield submodule, None, node.lineno
                else:
                    yield base, alias.name, node.lineno


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {name: set() for name in MODULES}
    for name, path in MODULES.items():
        for target, _, _ in imports(path):
            # Importing bot.a.b runs bot/a/__init__.py too, but our packages' __init__ files
            # import nothing, so the edge that matters is the module itself.
            if target in MODULES and target != name:
                edges[name].add(target)
    return edges


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_checker_finds_a_circle_and_a_private_import() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_in_bot() -> None:
    assert circles(graph()) == []


def test_no_module_imports_a_private_name_of_another() -> None:
    borrowed = [
        f"{module_name(path)}:{line} imports {target}.{name}"
        for path in MODULES.values()
        for target, name, line in imports(path)
        if name is not None and name.startswith("_") and not name.startswith("__")
    ]
    for path in MODULES.values():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bot")
            for alias in node.names
            if f"{node.module}.{alias.name}" in MODULES
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                borrowed.append(
                    f"{module_name(path)}:{node.lineno} uses {node.value.id}.{node.attr}"
                )
    assert borrowed == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_each_module_is_small_and_says_its_job(name: str) -> None:
    path = MODULES[name]
    source = path.read_text(encoding="utf-8")
    docstring = ast.get_docstring(ast.parse(source))
    assert docstring and docstring.strip(), f"{name} has no docstring saying its job"
    assert len(source.splitlines()) <= MAX_LINES, f"{name} has more than {MAX_LINES} lines"


def test_only_the_telegram_package_imports_telegram() -> None:
    offenders = []
    for name, path in MODULES.items():
        if name.startswith("bot.telegram"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            if any(n == "telegram" or n.startswith("telegram.") for n in names):
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == []


def test_the_engine_runs_without_telegram_in_a_fresh_interpreter() -> None:
    adapters = ("bot.telegram", "bot.cli", "bot.__main__")
    engine_modules = sorted(n for n in MODULES if not n.startswith(adapters))
    code = "import sys, " + ", ".join(engine_modules) + "; print('telegram' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "False"


# ---- tests/ ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted((TESTS / "helpers").glob("*.py")), ids=lambda p: p.name)
def test_each_helper_module_is_small_and_says_its_job(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    docstring = ast.get_docstring(ast.parse(source))
    assert docstring and docstring.strip(), f"{path.name} has no docstring saying its job"
    assert len(source.splitlines()) <= MAX_LINES, f"{path.name} has more than {MAX_LINES} lines"


def test_tests_take_their_helpers_from_the_helpers_package() -> None:
    borrowed = []
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            for name in names:
                top = name.split(".")[0]
                if top in ("conftest", "fake_telegram") or top.startswith("test_"):
                    borrowed.append(f"{path.relative_to(TESTS)}:{node.lineno} imports {name}")
    assert borrowed == []


def is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr == "fixture"


def test_conftest_holds_fixtures_and_nothing_else() -> None:
    tree = ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8"))
    others = [
        f"conftest.py:{node.lineno}"
        for node in tree.body
        if not isinstance(node, ast.Import | ast.ImportFrom)
        and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
        and not (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and (node.name.startswith("pytest_") or any(map(is_fixture, node.decorator_list)))
        )
    ]
    assert others == []
