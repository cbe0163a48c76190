"""What the features share: screens and buttons (routes), guards, the main menu, typed-text
routing, errors and the fallback, and what several features say or do about a case, a search
or a person's data. Features import common/ and their own package, never each other.
"""

from __future__ import annotations
