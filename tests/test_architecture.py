"""The layout keeps its promises: pure rules in domain/, bot/ knowing no feature, features that
know only common/ and themselves."""

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


def test_features_import_only_common_and_their_own_package():
    """What features share lives in common/ or is a registry of bot/features.py; only
    bot/app.py names the features, to register them in order."""
    assert {"common", "onboarding", "appointments", "cases"} <= set(FEATURES)
    problems = []
    for feature in FEATURES:
        allowed = {"common"} if feature == "common" else {"common", feature}
        for path in sorted((ROOT / "handlers" / feature).glob("*.py")):
            for module, names, line in _imports(path):
                parts = module.split(".")
                if parts[0] != "handlers":
                    continue
                reached = set(names) if len(parts) == 1 else {parts[1]}
                if not reached <= allowed:
                    problems.append(f"{feature}/{path.name}:{line} imports {module} {names}")
    assert problems == []


def test_every_feature_package_registers_its_modules():
    for feature in FEATURES:
        if feature != "common":
            assert callable(importlib.import_module(f"handlers.{feature}").register), feature
