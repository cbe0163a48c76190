"""requirements.lock pins every dependency that pyproject.toml names, within its ranges."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;]+)", re.MULTILINE)
OURS = "auszug-bot (pyproject.toml)"


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = project["dependencies"] + project["optional-dependencies"]["test"]
    return [Requirement(line) for line in names]


def _locked() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text()
    return {canonicalize_name(name): version for name, version in PIN.findall(text)}


def _locked_for_us() -> set[str]:
    """Names whose '# via' block in the lock lists pyproject.toml itself."""
    blocks = re.split(r"\n(?=[A-Za-z0-9])", (ROOT / "requirements.lock").read_text())
    return {
        canonicalize_name(match[1])
        for block in blocks
        if OURS in block and (match := PIN.match(block))
    }


def test_every_dependency_is_pinned_within_its_range() -> None:
    locked = _locked()
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in requirements.lock: refresh the lock"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"requirements.lock pins {name}=={locked[name]}, pyproject asks {requirement}"
        )


def test_the_lock_names_nothing_that_pyproject_dropped() -> None:
    declared = {canonicalize_name(r.name) for r in _declared()}
    assert _locked_for_us() == declared


def test_the_build_backend_is_pinned_too() -> None:
    build = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    assert all("==" in line for line in build)
