"""Running a carrier: the staff menu and team, invitations, audit log, rent limits, announcements,
languages.
"""

from __future__ import annotations

from bot.context import BotApp
from handlers.staff import announce, audit, invites, rent_limits, team


def register(app: BotApp) -> None:
    invites.register(app)  # /start with an invitation link (before onboarding's /start), /invite
    team.register(app)  # /staff: the staff menu, the team, the admins' fallbacks
    audit.register(app)  # /audit for coordinators and admins
    rent_limits.register(app)  # /rentlimits: staff read and add the KdU tables
    announce.register(app)  # /announce: staff message many people at once
