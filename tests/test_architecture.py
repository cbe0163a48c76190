"""domain/ holds pure rules: it imports neither Telegram nor the database nor the clock."""

from __future__ import annotations

import ast
from pathlib import Path

DOMAIN = Path(__file__).parent.parent / "domain"
FORBIDDEN_MODULES = ("telegram", "aiosqlite", "sqlite3", "storage", "handlers", "bot", "time")
FORBIDDEN_CALLS = {"now", "utcnow", "today", "time"}


def _violations(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        found += [n for n in names if n.split(".")[0] in FORBIDDEN_MODULES]
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in FORBIDDEN_CALLS
        ):
            found.append(f"{node.func.attr}() at line {node.lineno}")
    return found


def test_domain_is_pure():
    files = sorted(DOMAIN.rglob("*.py"))
    assert files
    problems = {str(p.name): v for p in files if (v := _violations(p))}
    assert problems == {}
