"""The housing search's buttons."""

from __future__ import annotations

from handlers.common.routes import ID, Route, chars

# the search id, the step the button belongs to, the answer or action
SEARCH_STEP = Route("hs", ID, chars("a-z_", 16), chars("a-z0-9_-", 16))
