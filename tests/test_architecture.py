"""The layout keeps its promises: pure rules in domain/, bot/ knowing no feature, features that
reach each other only through what a feature's package publishes."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

ROOT = Path(__file__).parent.parent
FORBIDDEN_IN_DOMAIN = ("telegram", "aiosqlite", "sqlite3", "storage", "handlers", "bot", "time")
FORBIDDEN_CALLS = {"now", "utcnow", "today", "time"}
FEATURES = sorted(p.name for p in (ROOT / "handlers").iterdir() if (p / "__init__.py").is_file())


def _imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, names, line) of every import; `import a.b` gives ("a.b", [], line)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [alias.name for alias in node.names]
            found.append((node.module or "", names, node.lineno))
    return found


def _domain_violations(path: Path) -> list[str]:
    found = [m for m, _, _ in _imports(path) if m.split(".")[0] in FORBIDDEN_IN_DOMAIN]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in FORBIDDEN_CALLS
        ):
            found.append(f"{node.func.attr}() at line {node.lineno}")
    return found


def test_domain_is_pure():
    files = sorted((ROOT / "domain").rglob("*.py"))
    assert files
    problems = {str(p.name): v for p in files if (v := _domain_violations(p))}
    assert problems == {}


def test_bot_knows_no_feature():
    """bot/ defines what features fill (bot/features.py); only the assembly names them."""
    problems = [
        f"{p.name}:{line} imports {module}"
        for p in sorted((ROOT / "bot").rglob("*.py"))
        if p.name != "app.py"  # build_application lists the features in their order
        for module, _, line in _imports(p)
        if module.split(".")[0] == "handlers"
    ]
    assert problems == []


def test_features_reach_each_other_only_through_what_a_package_publishes():
    """A feature imports common/, its own package, and names another feature's package lists in
    `__all__` (`from handlers import cases`, `from handlers.cases import status_label`), never
    another feature's modules."""
    assert {"common", "onboarding", "appointments", "cases"} <= set(FEATURES)
    published = {f: set(importlib.import_module(f"handlers.{f}").__all__) for f in FEATURES}
    problems = []
    for feature in FEATURES:
        for path in sorted((ROOT / "handlers" / feature).glob("*.py")):
            for module, names, line in _imports(path):
                problem = _crossing(feature, module, names, published)
                if problem:
                    problems.append(f"{feature}/{path.name}:{line} {problem}")
            problems += [f"{feature}/{path.name}: {p}" for p in _hidden_uses(path, published)]
    assert problems == []


def _hidden_uses(path: Path, published: dict[str, set[str]]) -> list[str]:
    """`from handlers import cases` then `cases.card…`: a module reached through the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    packages = {
        alias.asname or alias.name: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "handlers"
        for alias in node.names
    }
    return [
        f"{node.lineno}: {node.value.id}.{node.attr} is not published"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in packages
        and node.attr not in published[packages[node.value.id]]
    ]


def _crossing(
    feature: str, module: str, names: list[str], published: dict[str, set[str]]
) -> str | None:
    parts = module.split(".")
    if parts[0] != "handlers":
        return None
    if len(parts) == 1:  # from handlers import cases, search
        others = [n for n in names if n not in (feature, "common")]
        return None if feature != "common" or not others else f"common imports {others}"
    other = parts[1]
    if other in ("common", feature):
        return None
    if feature == "common":
        return f"common imports {module}"
    if len(parts) > 2:
        return f"imports {module}: use what handlers.{other} publishes"
    hidden = sorted(set(names) - published[other])
    return f"imports {hidden} that handlers.{other} does not publish" if hidden else None


def test_every_feature_package_registers_and_publishes_what_it_has():
    for feature in FEATURES:
        package = importlib.import_module(f"handlers.{feature}")
        for name in package.__all__:
            assert hasattr(package, name), f"handlers.{feature}.{name}"
        if feature != "common":
            assert callable(package.register), feature
