"""What every feature shares: screens and buttons, guards, the main menu, typed-text routing,
errors and the fallback.
"""

from __future__ import annotations

__all__: list[str] = []  # features import the modules of common/ directly
