"""The city's districts and quarters, from the data file shipped with the package."""

from __future__ import annotations

from pathlib import Path

from domain.places import City, parse_city

QUARTERS_FILE = Path(__file__).parent / "data" / "quarters.csv"


def load_city(path: Path = QUARTERS_FILE) -> City:
    return parse_city(path.read_text(encoding="utf-8"))
